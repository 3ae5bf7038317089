"""Reports of the tied-hands analysis: ``analyze``, ``compare``, ``params`` and ``rules show``.

Each builder returns a :class:`~analysis.report.Report` (sections for people,
``data`` for programs).  Besides the formats of :mod:`analysis.report`, these
commands write LaTeX (one ``tabular`` per section) and ``compare`` writes CSV.
Two kinds of cell text carry more than their characters: :class:`Styled`
(a rich style in the table format, e.g. dimmed not-applicable cells) and
:class:`Math` (a formula written verbatim as LaTeX math in LaTeX output).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from fractions import Fraction
from typing import Any

from analysis.compare import Cell
from analysis.models.deterrence import ACTION_LABELS, deterrence_game, numeric_game
from analysis.parameters import DEFAULTS_SOURCE, PARAMETERS, ParameterValues
from analysis.provenance import Provenance
from analysis.report import Math, Report, Section, Styled, joined, records_csv
from analysis.rules import ACTIONS, Rulebook
from analysis.verdicts import ACTION_VERBS, Analysis, Play, Reading
from games.extensive_form import ExtensiveFormGame
from games.numbers import Payoff, format_number, to_fraction
from games.play import equilibrium_path, unflatten_behaviour
from games.results import Equilibrium
from games.strategic import mixed_to_behaviour, reduced_strategies, unreached_infosets
from treaties.atop import ESCAPE_NOTE, imported_from_atop
from treaties.states import cow_states


class CompareFormat(StrEnum):
    """Output formats of ``compare``."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


COMPARE_SUFFIXES = {".json": CompareFormat.json, ".md": CompareFormat.markdown,
                    ".txt": CompareFormat.table, ".tex": CompareFormat.latex,
                    ".csv": CompareFormat.csv}

VERDICT_CODES: Mapping[str, str] = {
    "not_applicable": "NA", "irrelevant_no_obligation": "NO", "irrelevant_exempt": "EX",
    "irrelevant_discretionary": "DI", "irrelevant_credible_anyway": "CA", "binding": "BI",
    "insufficient": "IN"}
"""The short code of each verdict in the ``compare`` matrix."""

SUBGAME_PERFECT = "subgame perfect"
NOT_SUBGAME_PERFECT = "not subgame perfect (a move off the path is not optimal)"
RECORD_FIELDS = ("treaty", "scenario", "ally", "verdict", "threshold", "threshold_float",
                 "threshold_effective", "threshold_effective_float", "delta", "delta_float",
                 "deters", "ties", "escape_recorded", "explanation")
"""The fields of one ``compare`` record (JSON and CSV)."""


# ------------------------------------------------------------------- numbers
def exact(value: Fraction | None) -> str:
    """An exact number as text: ``6/5``, ``2``; ``—`` for None."""
    return "—" if value is None else format_number(value)


def exact_and_decimal(value: Fraction | None) -> str:
    """``6/5 (1.2)``, or ``2`` for an integer; ``—`` for None."""
    if value is None or value.denominator == 1:
        return exact(value)
    return f"{value} ({float(value):.6g})"


def fraction_fields(name: str, value: Fraction | None) -> dict[str, Any]:
    """``{name: "6/5", name_float: 1.2}`` (both None for None)."""
    return {name: None if value is None else exact(value),
            f"{name}_float": None if value is None else float(value)}


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# ------------------------------------------------------------------ the game
def analysed_game(params: ParameterValues, reading: Reading) -> ExtensiveFormGame | None:
    """The numeric game the reading solved, at a_eff = δ·a (None when nothing was solved)."""
    if reading.modifiers is None or reading.with_cost is None:
        return None
    values = {name: value for name, value in params.values.items() if name != "a"}
    return numeric_game(deterrence_game(reading.modifiers.short), values,
                        reading.with_cost.a_eff)


def _describe_player(game: ExtensiveFormGame, behaviour: Sequence[Sequence[Payoff]],
                     player: int, unreached: Sequence[int]) -> str:
    """``Challenge; after Intervene: Press on; …`` (a mixture as ``A 1/3, B 2/3``)."""
    parts = []
    for h in game.player_infosets(player):
        infoset = game.infosets[h]
        if h in unreached:
            choice = "unspecified (never reached)"
        else:
            choice = ", ".join(
                action if p == 1 else f"{action} {format_number(p)}"
                for action, p in zip(infoset.actions, behaviour[h], strict=True) if p != 0)
        name = infoset.label
        parts.append(choice if name == game.players[player] else f"{name}: {choice}")
    return "; ".join(parts)


def _behaviour_json(game: ExtensiveFormGame,
                    behaviour: Sequence[Sequence[Payoff]]) -> dict[str, dict[str, str]]:
    return {game.infosets[h].label: {a: format_number(p) for a, p in
                                     zip(game.infosets[h].actions, behaviour[h], strict=True)}
            for h in range(len(game.infosets))}


def _path(game: ExtensiveFormGame, behaviour: Sequence[Sequence[Payoff]]) -> str:
    return " → ".join(f"{s.player}: {s.action}" + ("" if s.probability == 1 else
                                                    f" ({format_number(s.probability)})")
                      for s in equilibrium_path(game, behaviour))


def _is_selected(game: ExtensiveFormGame, behaviour: Sequence[Sequence[Payoff]],
                 play: Play) -> bool:
    """Whether a profile is the one the tie rule selected for ``play``."""
    expected = {game.players[0]: int(play.challenge),
                game.players[1]: ACTIONS.index(play.ally_action),
                **{f"after {ACTION_LABELS[a]}": int(play.presses_on[a]) for a in ACTIONS}}
    return all(behaviour[h][expected[infoset.label]] == 1
               for h, infoset in enumerate(game.infosets) if infoset.label in expected)


def _profile_json(game: ExtensiveFormGame, behaviour: Sequence[Sequence[Payoff]],
                  unreached: Sequence[int], eq: Equilibrium) -> dict[str, Any]:
    return {"challenger": _describe_player(game, behaviour, 0, unreached),
            "ally": _describe_player(game, behaviour, 1, unreached),
            "path": _path(game, behaviour),
            "payoffs": [format_number(v) for v in eq.payoffs],
            "behaviour": _behaviour_json(game, behaviour)}


def spe_profiles(game: ExtensiveFormGame, play: Play) -> list[dict[str, Any]]:
    """Every SPE at ``play.a_eff``, described, with the one the tie rule selected marked."""
    found = []
    for eq in play.result.equilibria:
        behaviour = unflatten_behaviour(game, eq.profile)
        found.append({**_profile_json(game, behaviour, eq.unreached, eq),
                      "selected": _is_selected(game, behaviour, play)})
    return found


def nash_profiles(game: ExtensiveFormGame, reading: Reading) -> list[dict[str, Any]]:
    """Every Nash equilibrium of the reduced strategic form, marked subgame perfect or not."""
    if reading.nash is None:
        return []
    strategies = tuple(reduced_strategies(game, i) for i in range(game.n_players))
    found = []
    for eq, perfect in zip(reading.nash.result.equilibria, reading.nash.subgame_perfect,
                           strict=True):
        behaviour = mixed_to_behaviour(game, strategies, eq.profile)
        unreached = unreached_infosets(game, behaviour)
        found.append({**_profile_json(game, behaviour, unreached, eq),
                      "mixed_profile": [{s.label: format_number(p) for s, p in
                                         zip(strategies[i], probabilities, strict=True)
                                         if p != 0} for i, probabilities in
                                        enumerate(eq.profile)],
                      "subgame_perfect": perfect})
    return found


# ------------------------------------------------------------------- analyze
def reading_json(params: ParameterValues, reading: Reading) -> dict[str, Any]:
    """The per-reading fields of the ``analyze`` JSON document."""
    found = reading.modifiers
    without, with_cost = reading.without, reading.with_cost
    game = analysed_game(params, reading)
    return {
        "reading": reading.reading, "verdict": reading.verdict,
        "explanation": reading.explanation,
        **fraction_fields("delta", reading.delta),
        "short": [a for a in ACTIONS if found is not None and a in found.short],
        "rules": list(found.rules) if found is not None else [],
        "ally_action_without": without.ally_action if without else None,
        "ally_action_with": with_cost.ally_action if with_cost else None,
        "challenge_without": without.challenge if without else None,
        "challenge_with": with_cost.challenge if with_cost else None,
        "deters": reading.deters,
        **fraction_fields("a_effective", with_cost.a_eff if with_cost else None),
        **fraction_fields("threshold", reading.threshold),
        **fraction_fields("threshold_effective", reading.threshold_effective),
        "threshold_latex": reading.threshold_latex, "ties": reading.ties,
        "spe": spe_profiles(game, with_cost) if game and with_cost else [],
        "nash": nash_profiles(game, reading) if game else [],
    }


def analysis_json(analysis: Analysis, provenance: Provenance) -> dict[str, Any]:
    """The ``analyze`` JSON document: the first reading's fields at the top, every reading."""
    readings = [reading_json(analysis.params, r) for r in analysis.readings]
    first = {k: v for k, v in readings[0].items() if k not in ("reading", "spe", "nash")}
    deciding = analysis.coverage.deciding
    return {
        "treaty": analysis.treaty.id, "scenario": analysis.scenario.id, "ally": analysis.ally,
        "beneficiaries": list(analysis.coverage.beneficiaries),
        "coverage": {"status": analysis.coverage.status,
                     "deciding_obligation": deciding.obligation if deciding else None,
                     "required_help": analysis.coverage.required_help,
                     "escape_wording": list(analysis.coverage.escape_wording),
                     "escape_recorded": not imported_from_atop(analysis.treaty)},
        **first,
        "verdict": analysis.verdict,
        "explanation": _explanation(analysis.readings),
        "params": {name: {"value": exact(value), "float": float(value),
                          "source": analysis.params.sources[name]}
                   for name, value in analysis.params.values.items()},
        "readings": readings,
        "provenance": provenance.to_json(),
    }


def _explanation(readings: Sequence[Reading]) -> str:
    if len(readings) == 1:
        return readings[0].explanation
    return " ".join(f"{r.reading.capitalize()}: {r.explanation}" for r in readings)


def _header(analysis: Analysis) -> Section:
    names = cow_states()
    deciding = analysis.coverage.deciding
    status = analysis.coverage.status + (
        f" (decided by {deciding.obligation}, help owed: {deciding.required_help})"
        if deciding else "")
    rows: tuple[tuple[str, str], ...] = (
        ("treaty", f"{analysis.treaty.label} ({analysis.treaty.id})"),
        ("scenario", f"{analysis.scenario.name} ({analysis.scenario.id}), "
                     f"{analysis.scenario.date}"),
        ("ally", f"{names.label(analysis.ally)} for "
                 + joined([names.label(b) for b in analysis.coverage.beneficiaries])),
        ("coverage", status),
        ("verdict", analysis.verdict))
    if imported_from_atop(analysis.treaty):
        rows += (("caveat", ESCAPE_NOTE),)
    return Section(f"Tied hands: {analysis.treaty.label} in {analysis.scenario.name}",
                   ("item", "value"), rows)


def _parameters(params: ParameterValues) -> Section:
    rows = tuple((name, exact(value), f"{float(value):.6g}", params.sources[name])
                 for name, value in params.values.items())
    return Section("Parameters", ("parameter", "value", "decimal", "source"), rows)


def _play_rows(play: Play | None, label: str) -> tuple[tuple[str, str], ...]:
    if play is None:
        return ()
    return ((f"ally's response {label}", ACTION_VERBS[play.ally_action]),
            (f"C challenges {label}", _yes(play.challenge)))


def _reading_section(reading: Reading, several: bool) -> Section:
    found = reading.modifiers
    rows: list[tuple[str, str]] = [("verdict", reading.verdict),
                                   ("explanation", reading.explanation)]
    if found is not None:
        rows += [("δ (share of a kept)", exact_and_decimal(found.delta)),
                 ("falls short", joined([ACTION_LABELS[a].lower() for a in ACTIONS
                                         if a in found.short])),
                 ("rules applied", joined(list(found.rules)))]
    rows += _play_rows(reading.without, "without the audience cost")
    if reading.with_cost is not None:
        rows += _play_rows(reading.with_cost, "with a_eff = "
                           + exact_and_decimal(reading.with_cost.a_eff))
        rows += [("deters", _yes(reading.deters)),
                 ("threshold a* (scale of a)", exact_and_decimal(reading.threshold)),
                 ("threshold a*_eff = δ·a*", exact_and_decimal(reading.threshold_effective)),
                 ("a*_eff in the parameters", Math(reading.threshold_latex or "")),
                 ("ties", _yes(reading.ties))]
    title = reading.reading.capitalize() if several else "Verdict"
    return Section(title, ("item", "value"), tuple(rows))


def _equilibria_sections(params: ParameterValues, reading: Reading,
                         several: bool) -> tuple[Section, ...]:
    game = analysed_game(params, reading)
    if game is None or reading.with_cost is None:
        return ()
    where = f"a_eff = {exact(reading.with_cost.a_eff)}" + (
        f", {reading.reading}" if several else "")
    spe = spe_profiles(game, reading.with_cost)
    spe_rows = tuple((str(k), p["challenger"], p["ally"], p["path"], ", ".join(p["payoffs"]),
                      "selected" if p["selected"] else "")
                     for k, p in enumerate(spe, start=1))
    sections = [Section(f"Subgame-perfect equilibria ({where})",
                        ("#", "Challenger", "Ally", "path of play", "payoffs (C, A)",
                         "tie rule"), spe_rows, reading.with_cost.result.notes)]
    if reading.nash is not None:
        rows = _nash_rows(nash_profiles(game, reading))
        merged = ("Several numbers in #: extreme mixed equilibria that induce the same "
                  "behaviour.",) if any("," in row[0] for row in rows) else ()
        sections.append(Section(
            f"Nash equilibria of the reduced strategic form ({where})",
            ("#", "Challenger", "Ally", "payoffs (C, A)", "subgame perfect?"), rows,
            (*reading.nash.result.notes, *merged)))
    return tuple(sections)


def _nash_rows(nash: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, ...], ...]:
    """One row per distinct behaviour; ``#`` lists the equilibria that induce it."""
    numbers: dict[tuple[str, ...], list[str]] = {}
    for k, p in enumerate(nash, start=1):
        key = (p["challenger"], p["ally"], ", ".join(p["payoffs"]),
               SUBGAME_PERFECT if p["subgame_perfect"] else NOT_SUBGAME_PERFECT)
        numbers.setdefault(key, []).append(str(k))
    return tuple((", ".join(ks), *key) for key, ks in numbers.items())


def analysis_report(analysis: Analysis, provenance: Provenance) -> Report:
    """The ``analyze`` report: header, parameters, each reading and its equilibria."""
    several = len(analysis.readings) > 1
    sections = [_header(analysis), _parameters(analysis.params)]
    for reading in analysis.readings:
        sections.append(_reading_section(reading, several))
        sections += _equilibria_sections(analysis.params, reading, several)
    return Report(tuple(sections), analysis_json(analysis, provenance), (provenance.line(),))


# ------------------------------------------------------------------- compare
def reading_code(reading: Reading) -> str:
    """``BI 1.2``, ``IN 2.4+D``, ``CA``: the verdict code, threshold and deterrence."""
    code = VERDICT_CODES[reading.verdict]
    if reading.verdict in ("binding", "insufficient") and reading.threshold is not None:
        code += f" {float(reading.threshold):.3g}"
    return code + ("+D" if reading.deters else "")


def cell_code(cell: Cell) -> str:
    """The code of one cell: two joined by ``/`` when coverage is open."""
    if cell.analysis is None:
        return VERDICT_CODES["not_applicable"]
    return "/".join(reading_code(r) for r in cell.analysis.readings)


def _matrix_cell(cells: Sequence[Cell]) -> str:
    """The codes of a treaty and scenario, one per ally when they differ."""
    codes = [cell_code(c) for c in cells]
    text = codes[0] if len(set(codes)) == 1 else "\n".join(
        f"{cow_states().abbreviation(c.ally) if c.ally is not None else '?'} {code}"
        for c, code in zip(cells, codes, strict=True))
    dim = all(c.verdict == "not_applicable" for c in cells)
    return Styled(text, "dim") if dim else text


def _ids(cells: Sequence[Cell]) -> tuple[list[str], list[str]]:
    treaties = list(dict.fromkeys(c.treaty.id for c in cells))
    scenarios = list(dict.fromkeys(c.scenario.id for c in cells))
    return treaties, scenarios


def cell_record(cell: Cell) -> dict[str, Any]:
    """One ``compare`` record: the first reading's numbers, every reading's verdict."""
    readings = cell.analysis.readings if cell.analysis is not None else ()
    first = readings[0] if readings else None
    return {
        "treaty": cell.treaty.id, "scenario": cell.scenario.id, "ally": cell.ally,
        "verdict": cell.verdict,
        **fraction_fields("threshold", first.threshold if first else None),
        **fraction_fields("threshold_effective", first.threshold_effective if first else None),
        **fraction_fields("delta", first.delta if first else None),
        "deters": any(r.deters for r in readings),
        "ties": any(r.ties for r in readings),
        "escape_recorded": not imported_from_atop(cell.treaty),
        "explanation": _explanation(readings) if readings else
        "None of the scenario's allies is a party to this treaty.",
    }


def compare_json(cells: Sequence[Cell], provenance: Provenance) -> dict[str, Any]:
    """The ``compare`` JSON document: one record per cell, with the provenance."""
    treaties, scenarios = _ids(cells)
    return {"treaties": treaties, "scenarios": scenarios,
            "cells": [cell_record(c) for c in cells], "provenance": provenance.to_json()}


def compare_csv(cells: Sequence[Cell], provenance: Provenance) -> str:
    """CSV: a ``# provenance: …`` comment line, a header, one row per cell."""
    return records_csv((provenance.line(), *_import_caveat(cells)), RECORD_FIELDS,
                       (cell_record(c) for c in cells))


def _import_caveat(cells: Sequence[Cell]) -> tuple[str, ...]:
    """The δ = 1 caveat, when some treaty was imported from ATOP."""
    imports = list(dict.fromkeys(c.treaty.id for c in cells if imported_from_atop(c.treaty)))
    return (f"ATOP imports ({', '.join(imports)}): {ESCAPE_NOTE}",) if imports else ()


def _legend(scenarios: Sequence[str]) -> tuple[str, ...]:
    codes = ", ".join(f"{code} {name.replace('_', ' ')}" for name, code in VERDICT_CODES.items())
    return ("Scenarios: " + ", ".join(f"{k} = {s}" for k, s in enumerate(scenarios, start=1))
            + ".",
            f"Codes: {codes}. BI/IN are followed by the threshold a* (scale of a); +D: the "
            "audience cost deters the challenge; X/Y: two readings of an open clause "
            "(triggered/exempt).")


def compare_report(cells: Sequence[Cell], provenance: Provenance) -> Report:
    """The ``compare`` report: the verdict matrix, its legend and the applicable cells."""
    treaties, scenarios = _ids(cells)
    by_pair: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells:
        by_pair.setdefault((cell.treaty.id, cell.scenario.id), []).append(cell)
    rows = tuple((t, *(_matrix_cell(by_pair[t, s]) for s in scenarios)) for t in treaties)
    matrix = Section(f"Verdicts: {_count(treaties, 'treaty', 'treaties')} × "
                     f"{_count(scenarios, 'scenario', 'scenarios')}",
                     ("treaty", *(str(k) for k in range(1, len(scenarios) + 1))), rows,
                     (*_legend(scenarios), *_import_caveat(cells)))
    applicable = [c for c in cells if c.verdict != "not_applicable"]
    listed = Section("Applicable cells", ("#", "scenario", "treaty", "ally", "verdict", "a*"),
                     tuple(_applicable_row(c, scenarios) for c in applicable),
                     tuple(_applicable_note(c, scenarios) for c in applicable))
    return Report((matrix, listed), compare_json(cells, provenance), (provenance.line(),))


def _count(items: Sequence[str], one: str, several: str) -> str:
    return f"{len(items)} {one if len(items) == 1 else several}"


def _ally(cell: Cell) -> str:
    return cow_states().abbreviation(cell.ally) if cell.ally is not None else "—"


def _applicable_row(cell: Cell, scenarios: Sequence[str]) -> tuple[str, ...]:
    readings = cell.analysis.readings if cell.analysis is not None else ()
    return (str(scenarios.index(cell.scenario.id) + 1), cell.scenario.id, cell.treaty.id,
            _ally(cell), "\n".join(r.verdict for r in readings),
            exact_and_decimal(readings[0].threshold if readings else None))


def _applicable_note(cell: Cell, scenarios: Sequence[str]) -> str:
    readings = cell.analysis.readings if cell.analysis is not None else ()
    return (f"- {scenarios.index(cell.scenario.id) + 1} {cell.treaty.id} ({_ally(cell)}): "
            f"{_explanation(readings)}")


# ------------------------------------------------------------- params, rules
def params_report() -> Report:
    """The parameter registry: name, meaning, default, domain and source."""
    data = {"parameters": [{"name": p.name, "meaning": p.meaning,
                            **fraction_fields("default", p.default), "domain": p.domain,
                            "source": DEFAULTS_SOURCE} for p in PARAMETERS]}
    rows = tuple((p.name, p.meaning, exact_and_decimal(p.default), p.domain, DEFAULTS_SOURCE)
                 for p in PARAMETERS)
    section = Section(f"{len(PARAMETERS)} parameters of the extended-deterrence game",
                      ("name", "meaning", "default", "domain", "source"), rows,
                      ("Set a value with --param name=value (exact: 0.3 is 3/10); a scenario's "
                       "params: block overrides the default, --param overrides both.",))
    return Report((section,), data)


def rules_report(rulebook: Rulebook, origin: str) -> Report:
    """The rulebook in effect: help rules, escape rules, the unlisted rule, its fingerprint."""
    fingerprint = rulebook.fingerprint()
    helps = tuple((r.id, r.required_help, joined(list(r.short)), r.why, r.source)
                  for r in rulebook.help)
    escapes = tuple((r.id, r.phrase, exact_and_decimal(to_fraction(r.delta)), r.why,
                     r.source) for r in rulebook.escape)
    unlisted = rulebook.unlisted_escape
    sections = (
        Section("Help rules: which responses fall short", ("id", "required help", "short",
                                                            "why", "source"), helps),
        Section("Escape rules: the share δ of the audience cost kept",
                ("id", "phrase", "delta", "why", "source"), escapes),
        Section("Unlisted escape wording", ("id", "delta", "why", "source"),
                ((unlisted.id, exact_and_decimal(to_fraction(unlisted.delta)), unlisted.why,
                  unlisted.source),)),
    )
    data = rulebook.model_dump(mode="json")
    for rule in [*data["escape"], data["unlisted_escape"]]:
        rule.update(fraction_fields("delta", to_fraction(rule["delta"])))
    data.update(fingerprint=fingerprint, origin=origin)
    return Report(sections, data, (f"Rules: {origin}; fingerprint {fingerprint}",))
