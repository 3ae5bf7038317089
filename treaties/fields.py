"""Field types shared by the treaty and scenario schemas.

Each is an annotated type that pydantic validates strictly: a COW code must
be an integer in the Correlates of War list (not ``"710"``, not ``true``), a
date must be ``YYYY-MM-DD``, a region tag must be in the gazetteer.  Errors
raised here carry the expectation as context, so that the loader can say
what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from treaties.regions import gazetteer
from treaties.states import cow_states

STRICT_MODEL = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
"""Configuration of every schema model: no unknown fields (scalars are strict types)."""


def problem(message: str, expected: str) -> PydanticCustomError:
    """A validation error whose message and expectation the loader reports verbatim."""
    return PydanticCustomError("tiedhands", message, {"expected": expected})


def _known_state(code: int) -> int:
    if code not in cow_states():
        raise problem(f"{code} is not a Correlates of War state code",
                      "a code from the COW state list (e.g. 2 = USA, 710 = China, 365 = Russia)")
    return code


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise problem(f"{value!r} is not a date", "a date written YYYY-MM-DD, e.g. 1950-02-14")


def _region(tag: str) -> str:
    if tag not in gazetteer():
        known = ", ".join(sorted(gazetteer().regions))
        raise problem(f"{tag!r} is not a known region", f"one of: {known}")
    return tag


def quote_words(quote: str) -> int:
    """Words in a quotation; in Chinese or Japanese text, every two characters count as one.

    Examples
    --------
    >>> quote_words("act to meet the common danger")
    6
    >>> quote_words("受到日本或与日本同盟的国家之侵袭")  # 16 characters
    8
    """
    words = 0
    for token in quote.split():
        wide = sum(1 for ch in token if _is_wide(ch))
        words += (wide + 1) // 2 + (1 if len(token) > wide else 0)
    return words


def _is_wide(character: str) -> bool:
    """CJK ideographs, kana and Hangul syllables (counted two to a word)."""
    code = ord(character)
    return (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF)


def _quote_length(quote: str) -> str:
    words = quote_words(quote)
    if words > 12:
        raise problem(f"the quote has {words} words", "a quote of at most 12 words")
    if len(quote) > 160:
        raise problem(f"the quote has {len(quote)} characters",
                      "a quote of at most 12 words and 160 characters")
    return _printable(quote)


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise problem(f"{value} is not a finite number", "a finite number")
    return value


def _scalar_to_list(value: Any) -> Any:
    return [value] if isinstance(value, int) and not isinstance(value, bool) else value


Flag = Annotated[bool, Field(strict=True)]
"""``true`` or ``false`` (not ``1``, not ``"yes"``)."""

Count = Annotated[int, Field(strict=True)]
"""A whole number written as one (not ``"2"``, not ``2.0``)."""

CowCode = Annotated[int, Field(strict=True), AfterValidator(_known_state)]
"""A Correlates of War state code."""

CowCodes = Annotated[tuple[CowCode, ...], BeforeValidator(_scalar_to_list)]
"""One COW code or a list of them (a single code may be written without brackets)."""

IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A calendar date, ``YYYY-MM-DD``."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
"""An identifier: lower-case letters, digits and single hyphens."""

def _printable(text: str) -> str:
    if any((ord(ch) < 32 and ch not in "\n\t") or 127 <= ord(ch) < 160 for ch in text):
        raise problem("the text contains control characters", "printable text")
    return text


Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True),
                 AfterValidator(_printable)]
"""Non-empty free text, without control characters (such as terminal escape codes)."""

Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
"""An http(s) address."""

RegionTag = Annotated[str, AfterValidator(_region)]
"""A region tag from ``treaties/data/regions.yaml``."""

Quote = Annotated[str, StringConstraints(min_length=1), AfterValidator(_quote_length)]
"""A verbatim quotation of at most 12 words."""

FiniteNumber = Annotated[float, Field(strict=True), AfterValidator(_finite)]
"""A finite real number (NaN and infinities are refused)."""


def atop(*variables: str) -> dict[str, Any]:
    """Field metadata naming the ATOP variables a field corresponds to.

    Examples
    --------
    >>> atop("DEFCOADV", "STATTHR1")
    {'atop': ['DEFCOADV', 'STATTHR1']}
    """
    return {"atop": list(variables)}
