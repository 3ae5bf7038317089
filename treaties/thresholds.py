"""Does a use of force of a given severity meet a treaty's threshold?

One table decides it for every treaty.  Rows are the thresholds treaty texts
use; columns are the severities a scenario codes.  ``ambiguous`` means that
reasonable readers of the text disagree, and coverage reports the obligation
as ``indeterminate`` on its threshold, with both readings.

========================  =========  =============  ============  =========  =======
threshold \\ severity      gray_zone  limited_clash  armed_attack  major_war  nuclear
========================  =========  =============  ============  =========  =======
threat                    met        met            met           met        met
armed_attack              not met    ambiguous      met           met        met
state_of_war              not met    not met        ambiguous     met        met
========================  =========  =============  ============  =========  =======

Why these defaults:

* "threat" clauses (consultation when a party "is threatened") are met by
  any use of force against the party.
* "armed attack" is undefined in the treaties that use it.  Coercion short of
  force, such as water cannon and ramming by coast guards (gray zone), has
  not been treated as one: after the 17 June 2024 Second Thomas Shoal
  incident the Philippine government itself declined to call it an armed
  attack.  A limited exchange of fire is where readings split.
* "state of war" (the 1950 Sino-Soviet, 1961 Sino-DPRK and 2024 Russia-DPRK
  treaties) needs more than an attack: the attacked party must be at war.
  An armed attack without a declared or sustained war is ambiguous.

Users can pass their own table to :func:`treaties.coverage.coverage`, or write it as YAML
and give it to the command line (``tiedhands coverage --thresholds FILE``; see
:func:`load_threshold_table`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

from games.errors import InputError
from treaties.scenario import SEVERITIES, Severity
from treaties.schema import Threshold
from treaties.yaml_source import read_yaml

Met = Literal["met", "not_met", "ambiguous"]
ThresholdTable = Mapping[Threshold, Mapping[Severity, Met]]

DEFAULT_THRESHOLDS: ThresholdTable = {
    "threat": {"gray_zone": "met", "limited_clash": "met", "armed_attack": "met",
               "major_war": "met", "nuclear": "met"},
    "armed_attack": {"gray_zone": "not_met", "limited_clash": "ambiguous",
                     "armed_attack": "met", "major_war": "met", "nuclear": "met"},
    "state_of_war": {"gray_zone": "not_met", "limited_clash": "not_met",
                     "armed_attack": "ambiguous", "major_war": "met", "nuclear": "met"},
}
"""The default severity × threshold table (see the module docstring)."""


def threshold_met(threshold: Threshold, severity: Severity,
                  table: ThresholdTable = DEFAULT_THRESHOLDS) -> Met:
    """Whether a hostility of ``severity`` meets ``threshold``.

    Examples
    --------
    >>> threshold_met("armed_attack", "gray_zone")
    'not_met'
    >>> threshold_met("armed_attack", "limited_clash")
    'ambiguous'
    >>> threshold_met("state_of_war", "major_war")
    'met'
    """
    return table[threshold][severity]


def load_threshold_table(path: str) -> ThresholdTable:
    """Read a user's severity × threshold table from YAML.

    The file maps each threshold to a mapping of every severity to ``met``,
    ``not_met`` or ``ambiguous``, like :data:`DEFAULT_THRESHOLDS`::

        armed_attack: {gray_zone: ambiguous, limited_clash: met, armed_attack: met,
                       major_war: met, nuclear: met}

    Thresholds left out keep their default rows.

    Raises
    ------
    InputError
        Naming the file, line and entry, for anything else.
    """
    document = read_yaml(path)
    if not isinstance(document.data, dict):
        raise InputError("the table is not a mapping", source=path, line=document.line_of(()),
                         expected="threshold: {severity: met|not_met|ambiguous, ...}")
    table: dict[Threshold, dict[Severity, Met]] = {
        threshold: dict(row) for threshold, row in DEFAULT_THRESHOLDS.items()}
    for threshold, row in document.data.items():
        where = (threshold,)
        if threshold not in table:
            raise InputError(f"unknown threshold {threshold!r}", source=path,
                             line=document.line_of(where), field=threshold,
                             expected=" or ".join(DEFAULT_THRESHOLDS))
        if not isinstance(row, dict) or set(row) != set(SEVERITIES):
            raise InputError("the row must give every severity once", source=path,
                             line=document.line_of(where), field=threshold,
                             expected=", ".join(SEVERITIES))
        for severity, value in row.items():
            if value not in get_args(Met):
                raise InputError(f"got {value!r}", source=path,
                                 line=document.line_of((*where, severity)),
                                 field=f"{threshold}.{severity}",
                                 expected="met, not_met or ambiguous")
            table[threshold][severity] = value
    return table
