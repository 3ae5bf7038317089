"""Tokens of Gambit's text formats (``.nfg``, ``.efg``): lexer, strings and numbers.

Both formats are a stream of whitespace-separated tokens:

* quoted text, ``"..."``, in which ``\\"`` stands for a double quote and
  ``\\\\`` for a backslash (any other backslash is kept as it is);
* the punctuation ``{``, ``}`` and ``,``;
* *words*: everything else up to whitespace, punctuation or a quote, which
  covers keywords (``EFG``, ``R``, ``p``...) and numbers (``3``, ``-0.25``,
  ``1e-3``, ``3/4``).

Numbers are read exactly, as :class:`fractions.Fraction` (``0.1`` is 1/10).
The :class:`Lexer` reads one token at a time from a position in the text, so
parsers can stop early and can mix token-level parsing with faster regular
expressions over whole records.  :func:`read_header` and :func:`read_players`
read the prologue both formats share: ``NFG 1 R "title" { "P1" "P2" }`` or
``EFG 2 R ...``.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NamedTuple

from games.errors import InputError

STRING = "string"
LBRACE = "{"
RBRACE = "}"
COMMA = ","
WORD = "word"
EOF = "end of file"

STRING_RE = r'"(?:[^"\\]|\\.)*"'
"""A complete quoted string (a backslash escapes the next character)."""
WORD_RE = r'[^\s{},"]+'
"""A bare word: a keyword or a number."""

_TOKEN = re.compile(rf'\s*(?:({STRING_RE})|([{{}},])|({WORD_RE})|(")|\Z)', re.DOTALL)
_UNESCAPE = re.compile(r'\\(["\\])')
_NUMBER = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE](?P<exp>[+-]?[0-9]+))?"
    r"|[0-9]+/(?P<den>[0-9]+))")
_INTEGER = re.compile(r"[0-9]{1,18}")
MAX_EXPONENT = 1000
"""Largest decimal exponent accepted (``1e1000``): bigger ones would make huge integers."""


class Token(NamedTuple):
    """One token: its kind, its text as written, and its offset in the text."""

    kind: str
    text: str
    pos: int


def quote(text: str) -> str:
    """Quote ``text`` for a Gambit file: ``"`` becomes ``\\"`` and ``\\`` becomes ``\\\\``.

    This is the escaping Gambit itself writes (C++ ``std::quoted``).

    Examples
    --------
    >>> print(quote('An "example"'))
    "An \\"example\\""
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unquote(token: str) -> str:
    """Inverse of :func:`quote` for a quoted token (a lone backslash stays literal)."""
    inner = token[1:-1]
    if "\\" not in inner:
        return inner
    return _UNESCAPE.sub(r"\1", inner)


def parse_number(text: str) -> Fraction | None:
    """Read an integer, decimal or rational number exactly; ``None`` if ``text`` is not one.

    Examples
    --------
    >>> parse_number("0.1"), parse_number("-3/4"), parse_number("1e-3")
    (Fraction(1, 10), Fraction(-3, 4), Fraction(1, 1000))
    >>> parse_number("nan") is None, parse_number("1/0") is None
    (True, True)
    """
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    exponent, denominator = match.group("exp"), match.group("den")
    if exponent is not None and (len(exponent) > 6 or abs(int(exponent)) > MAX_EXPONENT):
        return None
    if denominator is not None and int(denominator) == 0:
        return None
    return Fraction(text)


def parse_integer(text: str) -> int | None:
    """Read a non-negative decimal integer (at most 18 digits); ``None`` otherwise."""
    return int(text) if _INTEGER.fullmatch(text) else None


def describe(token: Token) -> str:
    """A short description of a token for error messages."""
    if token.kind == EOF:
        return "end of file"
    if token.kind in (LBRACE, RBRACE, COMMA):
        return f"'{token.text}'"
    text = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    if token.kind == STRING:
        return text if text.endswith('"') else text + '"'
    return f'"{text}"'


class Lexer:
    """Reads tokens one at a time from ``text``, starting at offset ``pos``.

    Parameters
    ----------
    text
        The whole file.
    source
        The file name used in error messages (or ``None``).
    """

    def __init__(self, text: str, source: str | None) -> None:
        self.text = text
        self.source = source
        self.pos = 0

    def line_at(self, pos: int) -> int:
        """The 1-based line of offset ``pos``, skipping whitespace that starts there."""
        match = _TOKEN.match(self.text, pos)
        if match is not None and match.lastindex is not None:
            pos = match.start(match.lastindex)
        elif match is not None:  # end of file: report the last line with text
            pos = len(self.text.rstrip())
        return self.text.count("\n", 0, pos) + 1

    def error(self, message: str, pos: int, *, expected: str | None = None,
              field: str | None = None) -> InputError:
        """An :class:`InputError` located at offset ``pos``."""
        return InputError(message, source=self.source, line=self.line_at(pos), field=field,
                          expected=expected)

    def peek(self) -> Token:
        """The next token, without consuming it."""
        match = _TOKEN.match(self.text, self.pos)
        assert match is not None  # the pattern always matches (possibly only at the end)
        group = match.lastindex
        if group is None:
            return Token(EOF, "", match.end())
        start = match.start(group)
        if group == 4:
            raise InputError(
                "unterminated quoted text: no closing '\"' for the quote opened here",
                source=self.source, line=self.text.count("\n", 0, start) + 1)
        text = match.group(group)
        kind = STRING if group == 1 else WORD if group == 3 else text
        return Token(kind, text, start)

    def next(self) -> Token:
        """Consume and return the next token."""
        token = self.peek()
        self.pos = token.pos + len(token.text)
        return token

    def expect(self, kind: str, what: str) -> Token:
        """Consume a token of ``kind`` or raise ``expected <what>, found ...``."""
        token = self.next()
        if token.kind != kind:
            raise self.error(f"expected {what}, found {describe(token)}", token.pos)
        return token

    def expect_string(self, what: str) -> str:
        """Consume quoted text and return it unescaped."""
        return unquote(self.expect(STRING, what).text)

    def expect_integer(self, what: str, *, minimum: int = 0) -> int:
        """Consume a whole number ``>= minimum``."""
        token = self.next()
        value = parse_integer(token.text) if token.kind == WORD else None
        if value is None or value < minimum:
            raise self.error(f"expected {what}, found {describe(token)}", token.pos)
        return value

    def at_end(self) -> bool:
        """True when only whitespace is left."""
        return self.peek().kind == EOF


class NumberCache:
    """:func:`parse_number` with a cache: payoffs and probabilities repeat a lot."""

    def __init__(self) -> None:
        self.cache: dict[str, Fraction] = {}

    def get(self, text: str) -> Fraction | None:
        """The exact value of ``text``, or ``None`` if it is not a number."""
        value = self.cache.get(text)
        if value is None:
            value = parse_number(text)
            if value is not None and len(self.cache) < 100_000:
                self.cache[text] = value
        return value


# ---------------------------------------------------------------------------- prologue
def read_header(lex: Lexer, keyword: str, version: str) -> str:
    """Read ``KEYWORD VERSION R|D "title"`` and return the title."""
    token = lex.next()
    if token.kind != WORD or token.text != keyword:
        raise lex.error(f"expected '{keyword}' at the start of the file, found {describe(token)}",
                        token.pos)
    token = lex.next()
    if token.kind != WORD or token.text != version:
        raise lex.error(f"expected format version {version} after '{keyword}', "
                        f"found {describe(token)}", token.pos)
    token = lex.next()
    if token.kind != WORD or token.text not in ("R", "D"):
        raise lex.error(f"expected 'R' or 'D' after '{keyword} {version}', "
                        f"found {describe(token)}", token.pos)
    return lex.expect_string("the game title (quoted text)")


def read_players(lex: Lexer) -> tuple[str, ...]:
    """Read ``{ "name" ... }``; names must be distinct (the game model requires it)."""
    lex.expect(LBRACE, "'{' to start the list of player names")
    names: list[str] = []
    while True:
        token = lex.next()
        if token.kind == RBRACE:
            return tuple(names)
        if token.kind != STRING:
            raise lex.error(f"expected a player name (quoted text) or '}}', found "
                            f"{describe(token)}", token.pos)
        name = unquote(token.text)
        if name in names:
            raise lex.error(f"player name {quote(name)} is used twice", token.pos,
                            expected="distinct player names")
        names.append(name)


def expect_end(lex: Lexer, after: str) -> None:
    """Raise unless only whitespace is left after ``after``."""
    token = lex.peek()
    if token.kind != EOF:
        raise lex.error(f"expected the end of the file after {after}, found {describe(token)}",
                        token.pos)
