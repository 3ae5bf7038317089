"""The tying-hands and sinking-costs signalling games (after Fearon 1997).

Nature draws, independently, the ally's resolve t ∈ {R, U} (Pr(R) = q) and
the challenger's type τ ∈ {tough, weak} (Pr(tough) = pi_tough); each knows
only its own.  The ally sends a signal; the challenger sees it and challenges
(X) or not (Q); after X the ally fights (F) or backs down (B).

* Tying hands (TH): the signal is T (publicly tie hands, e.g. invoke the
  treaty) or N.  T creates an audience cost α = δ·a paid only if the ally
  later backs down.
* Sinking costs (SC): the signal is M (mobilise) or N; M costs m whatever
  happens, and there is no audience cost.

Payoffs (ally, challenger): Q → (0, 0); X, B → (−v_t − α·[T], g);
X, F → (−c_A, w_τ); under SC, M subtracts m from the ally's payoff at
every end.  The ally's move after X is solved first (it knows both its type
and its signal; an indifferent ally fights), leaving the signalling stage as a
:class:`~games.signalling.SignallingGame`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from games.errors import InputError
from games.extensive_form import Chance, Decision, ExtensiveFormGame, Terminal
from games.signalling import SignallingGame

Model = Literal["tying-hands", "sinking-costs"]
ALLY_TYPES = ("R", "U")
CHALLENGER_TYPES = ("tough", "weak")


@dataclass(frozen=True)
class SignalParameter:
    """One parameter of the signalling games: meaning and default."""

    name: str
    meaning: str
    default: Fraction


SIGNAL_PARAMETERS: tuple[SignalParameter, ...] = (
    SignalParameter("q", "prior probability that the ally is resolved (R)", Fraction(2, 5)),
    SignalParameter("pi_tough", "prior probability that the challenger is tough",
                    Fraction(1, 2)),
    SignalParameter("v_R", "a resolved ally's loss from backing down", Fraction(4)),
    SignalParameter("v_U", "an unresolved ally's loss from backing down", Fraction(1)),
    SignalParameter("c_A", "the ally's cost of fighting", Fraction(3)),
    SignalParameter("a", "the nominal audience cost of tying hands", Fraction(3, 2)),
    SignalParameter("g", "the challenger's gain when the ally backs down", Fraction(1)),
    SignalParameter("w_weak", "a weak challenger's payoff from a fight", Fraction(-1)),
    SignalParameter("w_tough", "a tough challenger's payoff from a fight", Fraction(1)),
    SignalParameter("m", "the cost of a sunk-cost signal (mobilisation)", Fraction(1)),
)
"""Classroom defaults with φ = 1/2 and no knife edges (the signalling issue's choice)."""

SIGNAL_REGISTRY: Mapping[str, SignalParameter] = {p.name: p for p in SIGNAL_PARAMETERS}


def check_assumptions(values: Mapping[str, Fraction]) -> None:
    """Refuse parameters outside the model's assumptions.

    0 < v_U < c_A < v_R; g > 0; w_weak < 0 < w_tough; 0 < pi_tough < 1;
    0 < q < 1; a ≥ 0; m ≥ 0.
    """
    v = values
    checks = [
        (0 < v["v_U"] < v["c_A"] < v["v_R"], "0 < v_U < c_A < v_R"),
        (v["g"] > 0, "g > 0"),
        (v["w_weak"] < 0 < v["w_tough"], "w_weak < 0 < w_tough"),
        (0 < v["pi_tough"] < 1, "0 < pi_tough < 1"),
        (0 < v["q"] < 1, "0 < q < 1"),
        (v["a"] >= 0, "a ≥ 0"),
        (v["m"] >= 0, "m ≥ 0"),
    ]
    for holds, rule in checks:
        if not holds:
            shown = ", ".join(f"{k} = {values[k]}" for k in SIGNAL_REGISTRY)
            raise InputError(f"the parameters break the assumption {rule} ({shown})",
                             field="--param", expected=rule)


def signalling_game(model: Model, values: Mapping[str, Fraction],
                    delta: Fraction) -> SignallingGame:
    """The signalling stage of the TH or SC game, the ally's move after X solved."""
    check_assumptions(values)
    if not 0 <= delta <= 1:
        raise InputError(f"δ = {delta} is outside [0, 1]", field="delta",
                         expected="a share between 0 and 1")
    signals = ("T", "N") if model == "tying-hands" else ("M", "N")
    alpha = delta * values["a"] if model == "tying-hands" else Fraction(0)
    loss = {"R": values["v_R"], "U": values["v_U"]}
    win = {"tough": values["w_tough"], "weak": values["w_weak"]}
    sender, receiver = [], []
    for t in ALLY_TYPES:
        sender_rows, receiver_rows = [], []
        for tau in CHALLENGER_TYPES:
            sender_cells, receiver_cells = [], []
            for signal in signals:
                cost = alpha if signal == "T" else Fraction(0)
                sunk = values["m"] if signal == "M" else Fraction(0)
                fights = -values["c_A"] >= -loss[t] - cost  # an indifferent ally fights
                after_x = -values["c_A"] if fights else -loss[t] - cost
                sender_cells.append([-sunk, after_x - sunk])
                receiver_cells.append([Fraction(0), win[tau] if fights else values["g"]])
            sender_rows.append(sender_cells)
            receiver_rows.append(receiver_cells)
        sender.append(sender_rows)
        receiver.append(receiver_rows)
    return SignallingGame.from_payoffs(
        ALLY_TYPES, [values["q"], 1 - values["q"]], CHALLENGER_TYPES,
        [values["pi_tough"], 1 - values["pi_tough"]], signals, ("Q", "X"),
        sender=sender, receiver=receiver)


def extensive_game(model: Model, values: Mapping[str, Fraction],
                   delta: Fraction) -> ExtensiveFormGame:
    """The whole game as a tree: chance, the ally's signal, the challenger, the ally's reply.

    Information sets: the ally knows its type (and, later, its signal); the
    challenger knows its type and the signal.  Labels are ASCII, for Gambit.
    """
    check_assumptions(values)
    signals = ("T", "N") if model == "tying-hands" else ("M", "N")
    alpha = delta * values["a"] if model == "tying-hands" else Fraction(0)
    loss = {"R": values["v_R"], "U": values["v_U"]}
    win = {"tough": values["w_tough"], "weak": values["w_weak"]}
    branches = []
    for t in ALLY_TYPES:
        for tau in CHALLENGER_TYPES:
            choices = []
            for signal in signals:
                cost = alpha if signal == "T" else Fraction(0)
                sunk = values["m"] if signal == "M" else Fraction(0)
                reply = Decision("Ally", [
                    ("F", Terminal((-values["c_A"] - sunk, win[tau]))),
                    ("B", Terminal((-loss[t] - cost - sunk, values["g"]))),
                ], infoset=f"ally {t} after {signal} X")
                choices.append((signal, Decision("Challenger", [
                    ("Q", Terminal((-sunk, Fraction(0)))), ("X", reply)],
                    infoset=f"{tau} after {signal}")))
            branches.append((f"{t} {tau}", Decision("Ally", choices, infoset=f"ally {t}")))
    prior = [values["q"] * values["pi_tough"], values["q"] * (1 - values["pi_tough"]),
             (1 - values["q"]) * values["pi_tough"], (1 - values["q"]) * (1 - values["pi_tough"])]
    tree = Chance([(label, p, branch) for (label, branch), p in zip(branches, prior,
                                                                      strict=True)])
    return ExtensiveFormGame.from_tree(tree, players=["Ally", "Challenger"],
                                       title=f"{model} signalling game")


def defaults() -> dict[str, Fraction]:
    """The default parameter values."""
    return {p.name: p.default for p in SIGNAL_PARAMETERS}
