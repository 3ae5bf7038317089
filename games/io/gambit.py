"""Read and write Gambit's ``.nfg`` and ``.efg`` game files (our own parser; no pygambit).

Formats (Gambit 16 documentation, "Game representation formats"):

``.nfg``, strategic games
    ``NFG 1 R "title" { "P1" "P2" } { 3 2 } "comment"`` followed either by a flat
    payoff list (*payoff version*: for each strategy profile, one payoff per
    player; the **first** player's strategy varies fastest) or by a list of
    outcomes ``{ { "label" 1, 2 } ... }`` and one outcome number per profile
    (*outcome version*; outcome 0 pays everyone 0).  Strategies are given as
    counts (labels become ``"1"``, ``"2"``, ...) or as lists of labels.
``.efg``, extensive games
    ``EFG 2 R "title" { "P1" "P2" } "comment"`` followed by the nodes in
    pre-order, one record each: ``p`` (player node), ``c`` (chance node) or
    ``t`` (terminal node).  Information sets are numbered per player (chance
    has its own numbering) and outcomes have file-wide numbers; the second and
    later uses of a number may repeat the description (it must then match) or
    leave it out.

Every number is read exactly as a :class:`~fractions.Fraction` (``0.1`` is
1/10, as in Gambit); ``R`` and ``D`` headers mean the same.  Every problem is an
:class:`~games.errors.InputError` naming the file and the 1-based line.

Reading is iterative and stops as soon as a size limit is passed, so huge or
deep trees neither exhaust memory nor hit Python's recursion limit.  The work is
shared with :mod:`games.io.tokens` (lexer, numbers, the common prologue),
:mod:`games.io.nfg_table` (strategic-form bodies) and :mod:`games.io.efg_tree`
(node records).
"""

from __future__ import annotations

import gc
import math
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

from games.errors import InputError
from games.extensive_form import ExtensiveFormGame
from games.io.efg_tree import TreeReader
from games.io.files import write_text_atomic
from games.io.nfg_table import read_outcome_body, read_payoff_body, read_strategies
from games.io.tokens import (
    LBRACE,
    STRING,
    WORD,
    Lexer,
    NumberCache,
    describe,
    quote,
    read_header,
    read_players,
)
from games.normal_form import NormalFormGame
from games.numbers import is_symbolic, normalise

__all__ = [
    "GambitLabelWarning",
    "read_efg",
    "read_game",
    "read_nfg",
    "write_efg",
    "write_game",
    "write_nfg",
]


class GambitLabelWarning(UserWarning):
    """A label was written that pygambit 16 will not read back as it is."""


# =========================================================================== reading .nfg
def read_nfg(text: str, *, source: str | None = None,
             max_profiles: int = 10_000_000) -> NormalFormGame:
    """Parse a Gambit ``.nfg`` file (payoff or outcome version).

    Parameters
    ----------
    text
        The file contents.
    source
        The file name, used in error messages.
    max_profiles
        Refuse games with more pure strategy profiles than this
        (:class:`~games.errors.SizeLimitError`, before the payoffs are read).

    Returns
    -------
    NormalFormGame
        An exact game: every payoff is a :class:`~fractions.Fraction`.

    Raises
    ------
    InputError
        On any malformed input; the message names ``source`` and the line.
    SizeLimitError
        If the game has more than ``max_profiles`` strategy profiles.

    Examples
    --------
    >>> g = read_nfg('NFG 1 R "PD" { "A" "B" } { 2 2 } 3 3 5 0 0 5 1 1')
    >>> g.strategies, g.payoff(0, (1, 0)), g.payoff(1, (1, 0))
    ((('1', '2'), ('1', '2')), Fraction(5, 1), Fraction(0, 1))
    """
    lex = Lexer(text, source)
    title = read_header(lex, "NFG", "1")
    players_pos = lex.peek().pos
    players = read_players(lex)
    if not players:
        raise lex.error("the game has no players", players_pos, expected="at least one player")
    strategies = read_strategies(lex, players, max_profiles)
    comment = lex.expect_string("") if lex.peek().kind == STRING else ""
    shape = tuple(len(s) for s in strategies)
    n_profiles = math.prod(shape)
    token = lex.peek()
    numbers = NumberCache()
    if token.kind == LBRACE:
        flat = read_outcome_body(lex, len(players), n_profiles, numbers)
    elif token.kind == WORD:
        flat = read_payoff_body(lex, len(players), n_profiles, numbers)
    else:
        raise lex.error("expected the payoffs (numbers) or an outcome list ('{'), "
                        f"found {describe(token)}", token.pos)
    arrays = tuple(np.array(flat[:, i].reshape(shape, order="F"), dtype=object)
                   for i in range(len(players)))
    try:
        return NormalFormGame(arrays, players, strategies, title, comment)
    except InputError as error:
        if source is None:
            raise
        raise error.located(source) from error


def read_efg(text: str, *, source: str | None = None,
             max_nodes: int = 1_000_000) -> ExtensiveFormGame:
    """Parse a Gambit ``.efg`` file.

    Parameters
    ----------
    text
        The file contents.
    source
        The file name, used in error messages.
    max_nodes
        Refuse trees with more nodes than this: reading stops with
        :class:`~games.errors.SizeLimitError` at the first node past the limit.

    Returns
    -------
    ExtensiveFormGame
        Nodes in file order (pre-order), information sets in order of first
        appearance, outcomes in order of their numbers in the file; every
        payoff and probability is a :class:`~fractions.Fraction`.

    Raises
    ------
    InputError
        On any malformed input; the message names ``source`` and the line.
    SizeLimitError
        At the first node past ``max_nodes`` (the rest of the file is not read).

    Examples
    --------
    >>> g = read_efg('''EFG 2 R "Entry" { "E" "I" }
    ... p "" 1 1 "" { "Out" "In" } 0
    ... t "" 1 "" { 0 2 }
    ... p "" 2 1 "" { "Fight" "Share" } 0
    ... t "" 2 "" { -1 -1 }
    ... t "" 3 "" { 1 1 }''')
    >>> len(g.nodes), len(g.infosets), g.node_payoffs[4]
    (5, 2, (Fraction(1, 1), Fraction(1, 1)))
    """
    lex = Lexer(text, source)
    title = read_header(lex, "EFG", "2")
    players = read_players(lex)
    comment = lex.expect_string("") if lex.peek().kind == STRING else ""
    # The reader makes millions of small acyclic objects; pausing the cyclic
    # garbage collector meanwhile saves it from scanning them over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return TreeReader(lex, players, max_nodes).read(title, comment)
    finally:
        if collecting:
            gc.enable()


# =========================================================================== writing
def _format_number(value: object) -> str | None:
    """``3``, ``-3/4`` or ``repr(float)``; ``None`` for a symbolic value."""
    if isinstance(value, Fraction):
        return str(value)
    number = normalise(value)
    if is_symbolic(number):
        return None
    if isinstance(number, Fraction):
        return str(number)
    return repr(float(number))


def _symbolic_error(what: str, value: object) -> InputError:
    return InputError(f"{what} is symbolic ({value}); Gambit files hold numbers only",
                      expected="numbers: substitute parameters first with game.subs(...)")


def _fill_labels(labels: Sequence[str], generate: Callable[[int], str]) -> list[str]:
    """Replace empty labels by ``generate(k)`` (made unique among the labels)."""
    used = {label for label in labels if label}
    filled = []
    for k, label in enumerate(labels):
        if not label:
            label = candidate = generate(k)
            suffix = 1
            while label in used:
                label = f"{candidate}_{suffix}"
                suffix += 1
            used.add(label)
        filled.append(label)
    return filled


def _pygambit_label_ok(label: str) -> bool:
    """Gambit 16's rule: printable ASCII, single inner spaces, no space at either end."""
    if not label:
        return True
    return (label.isascii() and label.isprintable() and "  " not in label
            and label[0] != " " and label[-1] != " ")


def _show(items: Sequence[str]) -> str:
    shown = ", ".join(repr(s if len(s) <= 30 else s[:27] + "...") for s in items[:10])
    return shown + (f" and {len(items) - 10} more" if len(items) > 10 else "")


def _repeated(labels: Iterable[str]) -> list[str]:
    """Non-empty labels that occur more than once."""
    counts = Counter(s for s in labels if s)
    return [s for s, n in counts.items() if n > 1]


def _warn_labels(labels: Iterable[str], texts: Iterable[str],
                 repeated: Iterable[tuple[str, list[str]]] = ()) -> None:
    """Warn (:class:`GambitLabelWarning`) about what pygambit 16 rejects or misreads.

    ``repeated`` lists ``(what, labels)`` for labels pygambit wants unique.
    """
    labels, texts = list(labels), list(texts)
    problems = []
    rejected = list(dict.fromkeys(s for s in labels if not _pygambit_label_ok(s)))
    if rejected:
        problems.append("labels that are not printable ASCII (or have leading, trailing or "
                        f"double spaces), which pygambit 16 rejects: {_show(rejected)}")
    undecodable = [s for s in texts if not s.isascii()]
    if undecodable:
        problems.append("a title or comment that is not ASCII, which pygambit 16 cannot "
                        f"decode: {_show(undecodable)}")
    slashed = list(dict.fromkeys(s for s in [*labels, *texts] if "\\" in s))
    if slashed:
        problems.append("backslashes, which pygambit 16 does not read back as written: "
                        f"{_show(slashed)}")
    for what, names in repeated:
        if names:
            problems.append(f"repeated {what}, which pygambit 16 rejects: {_show(names)}")
    for problem in problems:
        warnings.warn(f"Gambit file has {problem}", GambitLabelWarning, stacklevel=3)


def _braces(items: Iterable[str]) -> str:
    """``{ a b c }`` (``{ }`` when empty)."""
    return " ".join(["{", *items, "}"])


def _quoted_list(labels: Iterable[str]) -> str:
    return _braces(quote(label) for label in labels)


def write_nfg(game: NormalFormGame) -> str:
    """Render a strategic game as a Gambit ``.nfg`` file (payoff version, ``NFG 1 R``).

    Payoffs are listed profile by profile with the first player's strategy
    varying fastest.  Empty player names become ``"Player 1"``, ...; empty
    strategy labels become ``"1"``, ``"2"``, ... for their player.

    Parameters
    ----------
    game
        The game; payoffs must be numbers (Fractions are written as ``3/4``,
        floats as ``repr(float)``).

    Returns
    -------
    str
        The file contents.

    Raises
    ------
    InputError
        If a payoff is symbolic.

    Warns
    -----
    GambitLabelWarning
        For labels pygambit 16 rejects (not ASCII, for example) or misreads.
    """
    players = _fill_labels(game.players, lambda k: f"Player {k + 1}")
    strategies = [_fill_labels(s, lambda k: str(k + 1)) for s in game.strategies]
    _warn_labels([*players, *(s for labels in strategies for s in labels)],
                 [game.title, game.comment])
    columns = []
    for player, array in zip(players, game.payoffs, strict=True):
        values = array.ravel(order="F").tolist()
        if array.dtype != object:
            columns.append([repr(float(v)) for v in values])
            continue
        column = []
        for k, value in enumerate(values):
            text = _format_number(value)
            if text is None:
                profile = np.unravel_index(k, array.shape, order="F")
                where = ", ".join(strategies[i][int(s)] for i, s in enumerate(profile))
                raise _symbolic_error(f"the payoff of player {quote(player)} at ({where})",
                                      value)
            column.append(text)
        columns.append(column)
    lines = [f"NFG 1 R {quote(game.title)} {_quoted_list(players)}", ""]
    lines += ["{ " + "\n".join(_quoted_list(s) for s in strategies), "}", quote(game.comment), ""]
    lines += [" ".join(row) for row in zip(*columns, strict=True)]
    return "\n".join(lines) + "\n"


def write_efg(game: ExtensiveFormGame) -> str:
    """Render an extensive game as a Gambit ``.efg`` file (``EFG 2 R``).

    Nodes are written in pre-order, each with its full description (as
    Gambit writes them).  Information sets are numbered per player in order
    of first appearance; outcomes are numbered 1, 2, ... in ``game.outcomes``
    order.  Empty player names become ``"Player 1"``, ...; empty action labels
    become ``"1"``, ``"2"``, ... within their information set.

    Parameters
    ----------
    game
        The game; payoffs and probabilities must be numbers.

    Returns
    -------
    str
        The file contents.

    Raises
    ------
    InputError
        If a payoff or probability is symbolic.

    Warns
    -----
    GambitLabelWarning
        For labels pygambit 16 rejects (not ASCII, for example) or misreads.
    """
    players = _fill_labels(game.players, lambda k: f"Player {k + 1}")
    actions = [_fill_labels(h.actions, lambda k: str(k + 1)) for h in game.infosets]
    infoset_labels: dict[int, list[str]] = {}
    for h in game.infosets:
        if h.label:
            infoset_labels.setdefault(h.player, []).append(h.label)
    _warn_labels(
        [*players, *(a for labels in actions for a in labels), *(h.label for h in game.infosets),
         *(o.label for o in game.outcomes), *(n.label for n in game.nodes)],
        [game.title, game.comment],
        [("node labels", _repeated(n.label for n in game.nodes)),
         ("information set labels of one player (or of chance)",
          [s for labels in infoset_labels.values() for s in _repeated(labels)]),
         ("player names: 'Chance' is Gambit's name for chance",
          [s for s in players if s == "Chance"])])
    outcomes: list[str] = []
    for k, outcome in enumerate(game.outcomes):
        payoffs = []
        for player, value in zip(players, outcome.payoffs, strict=True):
            text = _format_number(value)
            if text is None:
                raise _symbolic_error(
                    f"the payoff of player {quote(player)} in outcome {k + 1}", value)
            payoffs.append(text)
        outcomes.append(f"{k + 1} {quote(outcome.label)} {_braces(payoffs)}")
    numbers: dict[int, int] = {}
    counters: dict[int, int] = {}
    described: dict[int, str] = {}
    lines = [f"EFG 2 R {quote(game.title)} {_quoted_list(players)}", quote(game.comment), ""]
    stack = [game.root]
    while stack:  # pre-order from the root, whatever order the nodes are stored in
        node = game.nodes[stack.pop()]
        stack.extend(reversed(node.children))
        written = "0" if node.outcome is None else outcomes[node.outcome]
        if node.infoset is None:
            lines.append(f"t {quote(node.label)} {written}")
            continue
        text = described.get(node.infoset)
        if text is None:
            text = described[node.infoset] = _describe_infoset(game, node.infoset, actions,
                                                               numbers, counters)
        lines.append(f"{text[0]} {quote(node.label)} {text[1:]} {written}")
    return "\n".join(lines) + "\n"


def _describe_infoset(game: ExtensiveFormGame, index: int, actions: list[list[str]],
                      numbers: dict[int, int], counters: dict[int, int]) -> str:
    """``p`` + ``PLAYER NUMBER "label" { actions }`` (or ``c`` + the chance form)."""
    infoset = game.infosets[index]
    number = numbers[index] = counters[infoset.player] = counters.get(infoset.player, 0) + 1
    labels = actions[index]
    if infoset.probabilities is None:
        return f"p{infoset.player + 1} {number} {quote(infoset.label)} {_quoted_list(labels)}"
    probabilities = []
    for label, value in zip(labels, infoset.probabilities, strict=True):
        text = _format_number(value)
        if text is None:
            raise _symbolic_error(f"the probability of chance action {quote(label)}", value)
        probabilities.append(f"{quote(label)} {text}")
    return f"c{number} {quote(infoset.label)} {_braces(probabilities)}"


# =========================================================================== files
def read_game(path: str | os.PathLike[str], *, max_nodes: int = 1_000_000,
              max_profiles: int = 10_000_000) -> NormalFormGame | ExtensiveFormGame:
    """Read a ``.nfg`` or ``.efg`` file; the header (``NFG``/``EFG``) picks the format.

    Parameters
    ----------
    path
        The file (UTF-8 text; a leading byte-order mark is ignored).
    max_nodes
        Size limit for extensive games (see :func:`read_efg`).
    max_profiles
        Size limit for strategic games (see :func:`read_nfg`).

    Returns
    -------
    NormalFormGame or ExtensiveFormGame

    Raises
    ------
    InputError
        If the file cannot be read, is not UTF-8 text, or is not a valid
        game; the message names the file (and the line).
    """
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror or error}",
                         source=name) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); is it a binary file?", source=name,
            line=data.count(b"\n", 0, error.start) + 1,
            expected="a Gambit .nfg or .efg text file") from error
    if "\x00" in text:
        raise InputError("the file contains NUL bytes; is it a binary file?", source=name,
                         line=text.count("\n", 0, text.index("\x00")) + 1,
                         expected="a Gambit .nfg or .efg text file")
    lex = Lexer(text, name)
    token = lex.peek()
    if token.kind == WORD and token.text == "NFG":
        return read_nfg(text, source=name, max_profiles=max_profiles)
    if token.kind == WORD and token.text == "EFG":
        return read_efg(text, source=name, max_nodes=max_nodes)
    raise lex.error(f"expected 'NFG' or 'EFG' at the start of the file, found {describe(token)}",
                    token.pos, expected="a Gambit .nfg or .efg file")


def write_game(game: NormalFormGame | ExtensiveFormGame, path: str | os.PathLike[str], *,
               force: bool = False) -> None:
    """Write ``game`` to ``path`` atomically: ``.efg`` for trees, ``.nfg`` otherwise.

    The game type picks the format; a ``.nfg`` path for an extensive game (or
    ``.efg`` for a strategic one) is refused.  The text is written to a
    temporary file in the same directory and moved into place, so readers
    never see a partial file.

    Parameters
    ----------
    game
        The game to write.
    path
        The destination.
    force
        Replace an existing file (otherwise refused).

    Raises
    ------
    InputError
        If the file exists and ``force`` is false, the suffix names the other
        format, a payoff is symbolic, or the file cannot be written.
    """
    name = os.fspath(path)
    if isinstance(game, ExtensiveFormGame):
        text, other, kind = write_efg(game), ".nfg", "an extensive-form game"
    elif isinstance(game, NormalFormGame):
        text, other, kind = write_nfg(game), ".efg", "a strategic-form game"
    else:
        raise InputError(f"cannot write a {type(game).__name__} as a Gambit file",
                         source=name, expected="a NormalFormGame or an ExtensiveFormGame")
    if os.path.splitext(name)[1].lower() == other:
        right = ".efg" if other == ".nfg" else ".nfg"
        raise InputError(f"this is {kind}, which is written as a {right} file, not {other}",
                         source=name, expected=f"a file name ending in {right}")
    write_text_atomic(name, text, force=force)
