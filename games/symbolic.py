r"""Symbolic payoffs: when is an action optimal?

Payoffs may be sympy expressions in named parameters (``a``, ``c_A``,
``p_I``, ...), built through the Python API only — no text is ever parsed into
sympy.  For a decision node and a fixed continuation (the actions taken at the
decision nodes below it), the continuation value :math:`V_a` of each action *a*
is a sympy expression, and *a* is optimal for the mover *i* iff

.. math:: \bigwedge_{b \ne a} V_a^{(i)} \ge V_b^{(i)}.

For a normal-form game and the others' pure strategies, strategy *s* is a best
response iff :math:`u_i(s, s_{-i}) \ge u_i(t, s_{-i})` for every *t*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import sympy

from games.errors import InputError
from games.extensive_form import CHANCE, ExtensiveFormGame
from games.normal_form import NormalFormGame
from games.numbers import Payoff


def symbol(name: str) -> sympy.Symbol:
    """A real-valued parameter symbol (``symbol("c_A")``)."""
    return sympy.Symbol(name, real=True)


def _sympy(value: Payoff) -> sympy.Expr:
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, int | float):
        return sympy.Float(value) if isinstance(value, float) else sympy.Integer(value)
    return value


def continuation_values(game: ExtensiveFormGame, node: int,
                        choices: Mapping[int, int]) -> list[tuple[sympy.Expr, ...]]:
    """Payoff vector (sympy) following each action at ``node``.

    ``choices`` maps the information set index of every decision node below
    ``node`` to the action index taken there; chance moves use their (possibly
    symbolic) probabilities.

    Raises
    ------
    InputError
        If ``node`` is not a decision node or a decision below it has no choice.
    """
    target = game.nodes[node]
    if target.infoset is None or game.infosets[target.infoset].player == CHANCE:
        raise InputError(f"node {node} is not a decision node", field="node",
                         expected="the index of a player's decision node")
    end = game.subtree_end
    totals = game.node_payoffs
    value: dict[int, tuple[sympy.Expr, ...]] = {}
    for index in range(end[node] - 1, node, -1):
        current = game.nodes[index]
        if current.infoset is None:
            value[index] = tuple(_sympy(v) for v in totals[index])
            continue
        infoset = game.infosets[current.infoset]
        if infoset.player == CHANCE:
            assert infoset.probabilities is not None
            value[index] = tuple(
                sympy.expand(sum((_sympy(p) * value[c][k] for p, c in
                                  zip(infoset.probabilities, current.children, strict=True)),
                                 sympy.Integer(0)))
                for k in range(game.n_players))
            continue
        if current.infoset not in choices:
            label = infoset.label or f"#{current.infoset}"
            raise InputError(f"no choice given for information set {label} below node {node}",
                             field="choices", expected="an action for every decision below")
        value[index] = value[current.children[choices[current.infoset]]]
    return [value[c] for c in target.children]


def optimality_conditions(game: ExtensiveFormGame, node: int,
                          choices: Mapping[int, int] | None = None,
                          ) -> dict[str, sympy.Basic]:
    """For each action at ``node``, the condition (a sympy relation) for it to be optimal.

    Examples
    --------
    >>> from games import Decision, ExtensiveFormGame, Terminal
    >>> a = symbol("a")
    >>> tree = Decision("Ally", [("Intervene", Terminal((0, -2))),
    ...                          ("Stay out", Terminal((1, -a)))])
    >>> g = ExtensiveFormGame.from_tree(tree, players=["Challenger", "Ally"])
    >>> optimality_conditions(g, 0)["Intervene"]
    a >= 2
    """
    target = game.nodes[node]
    values = continuation_values(game, node, choices or {})
    assert target.infoset is not None
    infoset = game.infosets[target.infoset]
    mover = infoset.player
    conditions: dict[str, sympy.Basic] = {}
    for a, label in enumerate(infoset.actions):
        relations = [sympy.Ge(values[a][mover], values[b][mover])
                     for b in range(len(values)) if b != a]
        conditions[label or str(a + 1)] = _simplify(sympy.And(*relations))
    return conditions


def best_response_conditions(game: NormalFormGame, player: int,
                             others: Sequence[int]) -> dict[str, sympy.Basic]:
    """For each of ``player``'s strategies, the condition for it to be a best response.

    ``others`` gives the other players' pure strategies, in player order
    (``player``'s own entry is ignored).
    """
    profile = list(others)
    payoffs = []
    for s in range(game.shape[player]):
        profile[player] = s
        payoffs.append(_sympy(game.payoffs[player][tuple(profile)]))
    conditions: dict[str, sympy.Basic] = {}
    for s, label in enumerate(game.strategies[player]):
        relations = [sympy.Ge(payoffs[s], payoffs[t]) for t in range(len(payoffs)) if t != s]
        conditions[label or str(s + 1)] = _simplify(sympy.And(*relations))
    return conditions


def _simplify(condition: sympy.Basic) -> sympy.Basic:
    """Put each relation in the form ``lhs >= rhs`` with numbers moved to the right."""
    if isinstance(condition, sympy.And):
        return sympy.And(*[_simplify(c) for c in condition.args])
    if isinstance(condition, sympy.Ge):
        difference = sympy.expand(condition.lhs - condition.rhs)
        constant = difference.as_coeff_Add()[0]
        return sympy.Ge(difference - constant, -constant)
    return condition
