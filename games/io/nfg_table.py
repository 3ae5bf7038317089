"""The body of a Gambit ``.nfg`` file: strategies, then payoffs or outcomes.

After the players come the strategies, as counts (``{ 3 2 }``, labels become
``"1"``, ``"2"``, ...) or as label lists (``{ { "a" "b" } { "x" "y" } }``), then
an optional comment, then either

* the *payoff version*: a flat list of numbers, one per player for each pure
  strategy profile, profiles ordered with the **first** player's strategy
  varying fastest; or
* the *outcome version*: ``{ { "label" p1, p2 } ... }`` followed by one outcome
  number per profile in the same order, ``0`` meaning "everyone gets 0".

Bodies are read as whole runs of numbers (one regular expression, then
``str.split``), so tables of millions of payoffs stay fast; error positions are
recovered only when something is wrong.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import numpy as np

from games.errors import SizeLimitError
from games.io.tokens import (
    COMMA,
    LBRACE,
    RBRACE,
    STRING,
    WORD,
    WORD_RE,
    Lexer,
    NumberCache,
    describe,
    expect_end,
    parse_integer,
    quote,
    unquote,
)


def size_error(lex: Lexer, what: str, limit: int, option: str, pos: int) -> SizeLimitError:
    """``game has more than <limit> <what> (limit set by <option>)`` at offset ``pos``."""
    return SizeLimitError(f"game has more than {limit} {what} (limit set by {option})",
                          source=lex.source, line=lex.line_at(pos))


_WORD_RUN = re.compile(rf"(?:\s*{WORD_RE})*")


def _word_run(lex: Lexer) -> tuple[list[str], int]:
    """Consume a run of bare words (numbers); return them and the offset of the run."""
    start = lex.pos
    match = _WORD_RUN.match(lex.text, start)
    assert match is not None
    lex.pos = match.end()
    return match.group().split(), start


def _word_pos(lex: Lexer, start: int, index: int) -> int:
    """Offset of the ``index``-th word of a run starting at ``start`` (for error messages)."""
    for k, match in enumerate(re.finditer(WORD_RE, lex.text[start:lex.pos])):
        if k == index:
            return start + match.start()
    return lex.pos


def read_strategies(lex: Lexer, players: tuple[str, ...],
                     max_profiles: int) -> tuple[tuple[str, ...], ...]:
    """Read ``{ 3 2 }`` (counts) or ``{ { "a" "b" } { "x" "y" } }`` (label lists)."""
    lex.expect(LBRACE, "'{' to start the strategies (counts or label lists)")
    n = len(players)
    counts = lex.peek().kind == WORD
    result: list[tuple[str, ...]] = []
    profiles = 1
    while (token := lex.next()).kind != RBRACE:
        if len(result) == n:
            raise lex.error(f"expected '}}' after the strategies of the {n} players, "
                            f"found {describe(token)}", token.pos)
        who = f"player {len(result) + 1}"
        if counts and token.kind == WORD:
            count = parse_integer(token.text)
            if count is None or count < 1:
                raise lex.error(f"expected a number of strategies (1 or more) for {who}, "
                                f"found {describe(token)}", token.pos)
            if profiles * count > max_profiles:
                raise size_error(lex, "strategy profiles", max_profiles, "--max-profiles",
                                  token.pos)
            labels = tuple(str(k + 1) for k in range(count))
        elif not counts and token.kind == LBRACE:
            items: list[str] = []
            while (item := lex.next()).kind == STRING:
                items.append(unquote(item.text))
            if item.kind != RBRACE:
                raise lex.error(f"expected a strategy label (quoted text) or '}}' for {who}, "
                                f"found {describe(item)}", item.pos)
            if not items:
                raise lex.error(f"{who} has no strategies", token.pos,
                                expected="at least one strategy label")
            labels = tuple(items)
            if profiles * len(labels) > max_profiles:
                raise size_error(lex, "strategy profiles", max_profiles, "--max-profiles",
                                  token.pos)
        else:
            form = "a number of strategies" if counts else "a '{' list of strategy labels"
            raise lex.error(f"expected {form} for {who}, found {describe(token)}", token.pos)
        profiles *= len(labels)
        result.append(labels)
    if len(result) != n:
        raise lex.error(f"strategies given for {len(result)} players, expected {n} "
                        "(one entry per player)", token.pos)
    return tuple(result)


def read_payoff_body(lex: Lexer, n_players: int, n_profiles: int,
                      numbers: NumberCache) -> np.ndarray[Any, Any]:
    """The payoff version's body: one payoff per player for each profile."""
    words, start = _word_run(lex)
    expected = n_players * n_profiles
    if len(words) > expected or (len(words) < expected and lex.at_end()):
        pos = lex.pos if len(words) < expected else _word_pos(lex, start, expected)
        raise lex.error(f"payoff list has {len(words)} numbers, expected {expected} "
                        f"({n_players} players x {n_profiles} profiles)", pos)
    values: list[Fraction] = []
    for index, word in enumerate(words):
        value = numbers.get(word)
        if value is None:
            raise lex.error(f"expected a payoff (a number), found {quote(word)}",
                            _word_pos(lex, start, index))
        values.append(value)
    if len(values) < expected:
        token = lex.peek()
        raise lex.error(f"expected a payoff (a number), found {describe(token)}", token.pos)
    expect_end(lex, "the payoff list")
    flat = np.empty(expected, dtype=object)
    flat[:] = values
    return flat.reshape(n_profiles, n_players)


def read_outcome_body(lex: Lexer, n_players: int, n_profiles: int,
                       numbers: NumberCache) -> np.ndarray[Any, Any]:
    """The outcome version's body: the outcome list, then one outcome number per profile."""
    lex.expect(LBRACE, "'{' to start the outcome list")
    rows: list[list[Fraction]] = [[Fraction(0)] * n_players]
    while True:
        token = lex.next()
        if token.kind == RBRACE:
            break
        if token.kind != LBRACE:
            raise lex.error("expected '{' to start an outcome or '}' to end the outcome list, "
                            f"found {describe(token)}", token.pos)
        number = len(rows)
        lex.expect_string(f"the label of outcome {number} (quoted text)")
        payoffs: list[Fraction] = []
        while (item := lex.next()).kind != RBRACE:
            value = numbers.get(item.text) if item.kind == WORD else None
            if value is None:
                raise lex.error(f"expected a payoff of outcome {number} or '}}', "
                                f"found {describe(item)}", item.pos)
            payoffs.append(value)
            if lex.peek().kind == COMMA:
                lex.next()
        if len(payoffs) != n_players:
            raise lex.error(f"outcome {number} has {len(payoffs)} payoffs, expected "
                            f"{n_players} (one per player)", token.pos)
        rows.append(payoffs)
    words, start = _word_run(lex)
    if len(words) > n_profiles:
        raise lex.error(f"outcome number list has {len(words)} entries, expected "
                        f"{n_profiles} (one per strategy profile)",
                        _word_pos(lex, start, n_profiles))
    indices: list[int] = []
    for index, word in enumerate(words):
        outcome = parse_integer(word)
        if outcome is None or outcome >= len(rows):
            raise lex.error(f"expected an outcome number between 0 and {len(rows) - 1}, "
                            f"found {quote(word)}", _word_pos(lex, start, index))
        indices.append(outcome)
    if len(indices) < n_profiles and not lex.at_end():
        token = lex.peek()
        raise lex.error(f"expected an outcome number, found {describe(token)}", token.pos)
    if len(indices) != n_profiles:
        raise lex.error(f"outcome number list has {len(indices)} entries, expected "
                        f"{n_profiles} (one per strategy profile)", lex.pos)
    expect_end(lex, "the outcome numbers")
    table = np.empty((len(rows), n_players), dtype=object)
    for k, row in enumerate(rows):
        table[k, :] = row
    return table[np.array(indices, dtype=np.intp)]
