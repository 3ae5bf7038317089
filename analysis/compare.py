"""Comparing treaties across scenarios: one verdict per treaty, scenario and ally."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analysis.rules import Rulebook, builtin_rulebook
from analysis.verdicts import Analysis, analyze
from treaties.scenario import Scenario
from treaties.schema import Treaty


@dataclass(frozen=True)
class Cell:
    """One treaty in one scenario, for one ally (None when no listed ally is a party)."""

    treaty: Treaty
    scenario: Scenario
    ally: int | None
    analysis: Analysis | None

    @property
    def verdict(self) -> str:
        """The verdict, ``not_applicable`` when the treaty binds none of the scenario's allies."""
        return "not_applicable" if self.analysis is None else self.analysis.verdict


def compare(treaties: Sequence[Treaty], scenarios: Sequence[Scenario],
            overrides: Sequence[str] = (), *, rulebook: Rulebook | None = None,
            progress: Callable[[], None] | None = None) -> list[Cell]:
    """Every treaty against every scenario, for each listed ally that is a party.

    A pair where none of the scenario's allies is a party to the treaty gives
    one ``not_applicable`` cell.  ``progress`` is called once per pair.
    """
    rules = rulebook or builtin_rulebook()
    cells = []
    for scenario in scenarios:
        for treaty in treaties:
            allies = list(dict.fromkeys(a.ally for a in scenario.allies
                                        if a.ally in treaty.party_codes))
            if not allies:
                cells.append(Cell(treaty, scenario, None, None))
            for ally in allies:
                cells.append(Cell(treaty, scenario, ally, analyze(
                    treaty, scenario, ally, overrides, rulebook=rules, with_nash=False)))
            if progress is not None:
                progress()
    return cells

