r"""Game-tree drawings: an extensive-form game as a matplotlib figure.

:func:`draw_tree` lays a :class:`~games.extensive_form.ExtensiveFormGame` out
top-down — the root on top, one row per depth, leaves evenly spaced (each
leaf gets room for its payoffs) and every parent centred over its children —
and draws:

* decision nodes as discs in their player's colour (with the player's name
  beside them and a legend), chance nodes as white diamonds, leaves as dots;
* the action on each edge, and at chance nodes its probability in brackets;
* the payoffs under each leaf, one line per player in the player's colour,
  accumulated from the root (exact numbers as fractions; sympy expressions as
  LaTeX in matplotlib's mathtext, so no TeX installation is needed);
* information sets as dashed links between their nodes;
* given a behaviour profile (an equilibrium), the moves taken on its path as
  thick red edges and the moves it prescribes off the path as orange edges.

Every artist that carries meaning has a ``gid`` (``edge-3-1-path``,
``edge-5-0-offpath-spe``, ``edge-6-1-plain``, ``infoset-2-0``,
``action-0-1``, ``payoff-4-0`` …), which SVG output keeps as element ids.
:func:`tree_image` renders PNG or reproducible SVG bytes, and :func:`show`
returns a :class:`TreeDrawing` that notebooks display inline.

Drawings are limited to :data:`MAX_LEAVES` leaves and :data:`MAX_DEPTH`
levels: beyond that a picture is no longer readable (and a PNG would need
hundreds of megabytes); larger games are refused with a
:class:`~games.errors.SizeLimitError`.  matplotlib is imported only when a
tree is drawn.

Examples
--------
>>> from games.extensive_form import Decision, ExtensiveFormGame, Terminal
>>> entry = ExtensiveFormGame.from_tree(Decision("Entrant", [
...     ("Out", Terminal((0, 2))),
...     ("In", Decision("Incumbent", [("Fight", Terminal((-1, -1))),
...                                   ("Accommodate", Terminal((1, 1)))])),
... ]), players=["Entrant", "Incumbent"], title="Entry deterrence")
>>> drawing = show(entry, "spe")
>>> drawing.note
'subgame-perfect equilibrium 1 of 1 highlighted'
>>> drawing._repr_svg_().startswith("<?xml")
True
>>> drawing._repr_png_()[:4]
b'\x89PNG'
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import sympy

from games.errors import InputError, SizeLimitError
from games.extensive_form import CHANCE, ExtensiveFormGame
from games.io.files import write_bytes_atomic
from games.numbers import Payoff, format_number
from games.play import reach_probabilities, unflatten_behaviour
from games.results import Equilibrium
from games.solvers.spe import subgame_perfect_equilibria

__all__ = [
    "MAX_DEPTH",
    "MAX_LEAVES",
    "MAX_PNG_SIDE",
    "Behaviour",
    "TreeDrawing",
    "check_size",
    "draw_tree",
    "label_clashes",
    "payoff_text",
    "show",
    "spe_behaviour",
    "tree_image",
]

MAX_LEAVES = 200
"""The largest number of terminal nodes a drawing accepts."""
MAX_DEPTH = 25
"""The largest number of moves from the root to a leaf a drawing accepts."""
MAX_PNG_SIDE = 32768
"""The widest or tallest PNG drawn, in pixels (at 150 dpi); SVG has no such limit."""
_PNG_DPI = 150  # as analysis.plots.render_figure

Behaviour = Sequence[Sequence[Payoff]]
"""Per information set (in the game's order), the probability of each action."""

PLAYER_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                  "#bcbd22", "#7f7f7f")
"""Player i's colour is ``PLAYER_COLOURS[i % 8]`` (nodes, names, payoff lines)."""
CHANCE_COLOUR = "#555555"
PATH_COLOUR = "#d62728"
OFF_PATH_COLOUR = "#ff7f0e"
PLAIN_COLOUR = "#9a9a9a"

_ROW = 1.05  # inches between depths
_MIN_SLOT = 0.6  # inches per leaf, at least
_GAP = 0.3  # inches between neighbouring leaves' payoff blocks
_FONT = 8.5  # action labels, player names
_PAYOFF_FONT = 9.0
_SMALL_FONT = 7.5  # outcome labels, information-set labels, captions
_TITLE_FONT = 10.0
_MIN_WIDTH = 6.0  # inches: room for a title even above a small tree
_LINE = 1.3  # line height, in font sizes
_PAD = 0.06  # inches between a label and its edge or node
_ALONG = 0.42  # where on its edge an action's label sits (0: parent, 1: child)


# ---------------------------------------------------------------------------- text
def _plain(text: str) -> str:
    """Text shown as it is: a ``$`` must not start mathtext."""
    return text.replace("$", r"\$")


def _is_math(text: str) -> bool:
    dollars = text.count("$") - text.count(r"\$")
    return dollars > 0 and dollars % 2 == 0


@functools.cache
def _mathtext_parser() -> Any:
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


def _symbol_names(expression: sympy.Basic) -> dict[sympy.Basic, str]:
    """``a_eff`` as :math:`a_{\\mathrm{eff}}` (a word as subscript is upright)."""
    names: dict[sympy.Basic, str] = {}
    for symbol in expression.free_symbols:
        base, _, sub = str(symbol).partition("_")
        if base and len(sub) > 1 and sub.isalpha():
            names[symbol] = f"{sympy.latex(sympy.Symbol(base))}_{{\\mathrm{{{sub}}}}}"
    return names


def math_text(expression: sympy.Basic) -> str:
    """A sympy expression as ``$...$`` mathtext (plain text if mathtext cannot show it).

    Examples
    --------
    >>> from games.symbolic import symbol
    >>> math_text(symbol("p_I") * symbol("v_C") - symbol("c_C"))
    '$- c_{C} + p_{I} v_{C}$'
    >>> math_text(-symbol("a_eff") / 2)
    '$- \\\\frac{a_{\\\\mathrm{eff}}}{2}$'
    """
    text = f"${sympy.latex(expression, symbol_names=_symbol_names(expression))}$"
    try:
        _mathtext_parser().parse(text)
    except ValueError:  # a construct outside matplotlib's mathtext subset
        return _plain(str(expression))
    return text


def payoff_text(value: Payoff) -> str:
    """A payoff or probability as shown: ``−3/2``, ``0.25``, or ``$...$`` for a formula."""
    if isinstance(value, sympy.Basic):
        if value.free_symbols:
            return math_text(value)
        if isinstance(value, sympy.Rational):
            value = Fraction(int(value.p), int(value.q))
        else:
            value = float(value)
    text = f"{value:.6g}" if isinstance(value, float) else format_number(value)
    return text.replace("-", "\N{MINUS SIGN}")


@functools.lru_cache(maxsize=4096)
def _text_size(text: str, size: float) -> tuple[float, float]:
    """Width and height in inches of (possibly several lines of) text at ``size`` points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=size)
    lines = text.split("\n")
    width = 0.0
    for line in lines:
        mathtext = _is_math(line)
        shown = line if mathtext else line.replace(r"\$", "$")
        if not shown:
            continue
        w, _, _ = text_to_path.get_text_width_height_descent(shown, font, ismath=mathtext)
        width = max(width, float(w))
    return 1.06 * width / 72, len(lines) * _LINE * size / 72


# ---------------------------------------------------------------------------- sizes
def check_size(game: ExtensiveFormGame) -> None:
    """Refuse a game too large to draw legibly.

    Raises
    ------
    SizeLimitError
        With more than :data:`MAX_LEAVES` leaves or :data:`MAX_DEPTH` levels.
    """
    leaves = sum(1 for n in game.nodes if n.is_terminal)
    if leaves > MAX_LEAVES:
        raise SizeLimitError(
            f"the game has {leaves} leaves; a drawing would be unreadable", field="game",
            expected=f"a game with at most {MAX_LEAVES} terminal nodes to draw "
                     "(tiedhands solve handles larger ones)")
    deepest = max(_depths(game))
    if deepest > MAX_DEPTH:
        raise SizeLimitError(
            f"the game is {deepest} moves deep; a drawing would be unreadable", field="game",
            expected=f"a game at most {MAX_DEPTH} moves deep to draw")


def _depths(game: ExtensiveFormGame) -> list[int]:
    depth = [0] * len(game.nodes)
    for index, node in enumerate(game.nodes):
        if node.parent is not None:
            depth[index] = depth[node.parent] + 1
    return depth


# ---------------------------------------------------------------------------- behaviour
def _as_behaviour(game: ExtensiveFormGame,
                  equilibrium: Equilibrium | Behaviour | None) -> list[tuple[Payoff, ...]] | None:
    """Per-information-set behaviour from an :class:`Equilibrium` or a behaviour profile."""
    if equilibrium is None:
        return None
    if isinstance(equilibrium, Equilibrium):
        return unflatten_behaviour(game, equilibrium.profile)
    behaviour = [tuple(row) for row in equilibrium]
    shapes = [len(h.actions) for h in game.infosets]
    if [len(row) for row in behaviour] != shapes:
        raise InputError(
            f"a behaviour profile of shape {[len(row) for row in behaviour]}",
            field="equilibrium",
            expected=f"one probability per action of each information set, shape {shapes}")
    return behaviour


def spe_behaviour(game: ExtensiveFormGame, which: int = 1, max_equilibria: int = 1000
                  ) -> tuple[list[tuple[Payoff, ...]] | None, str]:
    """The ``which``-th (1-based) subgame-perfect equilibrium and a note saying which.

    The behaviour is None when the solver found no equilibrium (possible only
    where it looks for pure equilibria alone: an imperfect-information subgame
    with three or more players); the note then says so.

    Raises
    ------
    InputError
        If the game is symbolic, lacks perfect recall, or has fewer equilibria.
    """
    result = subgame_perfect_equilibria(game, max_equilibria=max(max_equilibria, which))
    found = len(result.equilibria)
    if found == 0:
        return None, ("no subgame-perfect equilibrium highlighted: an imperfect-information "
                      "subgame with three or more players has no pure equilibrium, and "
                      "mixed ones are not searched for there")
    if not 1 <= which <= found:
        raise InputError(f"the game has {found} subgame-perfect equilibri"
                         f"{'um' if found == 1 else 'a'}; there is no number {which}",
                         field="--spe", expected=f"a number from 1 to {found}")
    count = f"{found}{'' if result.complete else '+'}"
    note = f"subgame-perfect equilibrium {which} of {count} highlighted"
    return unflatten_behaviour(game, result.equilibria[which - 1].profile), note


# ---------------------------------------------------------------------------- layout
@dataclass(frozen=True)
class _Label:
    """A text placed relative to an anchor point (inches)."""

    gid: str
    text: str
    x: float
    y: float
    ha: str
    va: str
    size: float
    colour: str = "black"
    style: str = "normal"
    boxed: bool = False
    group: int = -1
    """Labels of one group (a leaf's payoff lines) may touch each other."""
    span: tuple[int, int] = (0, -1)
    """The leaves (first, last, by position) of the subtree the label belongs to."""

    def box(self) -> tuple[float, float, float, float]:
        width, height = _text_size(self.text, self.size)
        x0 = {"left": self.x, "right": self.x - width, "center": self.x - width / 2}[self.ha]
        y0 = {"bottom": self.y, "top": self.y - height,
              "center": self.y - height / 2, "baseline": self.y}[self.va]
        return x0, y0, x0 + width, y0 + height


@dataclass(frozen=True)
class _Edge:
    node: int
    action: int
    kind: Literal["path", "offpath-spe", "plain"]


class _Tree:
    """The game, its behaviour and every position and label, in inches."""

    def __init__(self, game: ExtensiveFormGame,
                 behaviour: Sequence[Sequence[Payoff]] | None) -> None:
        self.game = game
        self.behaviour = behaviour
        self.depth = _depths(game)
        self.leaves = [i for i, n in enumerate(game.nodes) if n.is_terminal]
        self.edges = self._classify()
        # A subtree's leaves are consecutive in pre-order: their first and last positions.
        end = game.subtree_end
        self.span = [(bisect.bisect_left(self.leaves, n),
                      bisect.bisect_left(self.leaves, end[n]) - 1)
                     for n in range(len(game.nodes))]
        self.blocks = {leaf: self._leaf_lines(leaf) for leaf in self.leaves}
        self.x: list[float] = []
        self.y = [-d * _ROW for d in self.depth]
        self.labels: list[_Label] = []
        self.links: list[_Link] = []
        self._arrange()

    # --------------------------------------------------------------- classification
    def _classify(self) -> list[_Edge]:
        game, behaviour = self.game, self.behaviour
        reach = None if behaviour is None else reach_probabilities(game, behaviour)
        edges = []
        for index, node in enumerate(game.nodes):
            if node.infoset is None:
                continue
            chance = game.infosets[node.infoset].is_chance
            for action in range(len(node.children)):
                kind: Literal["path", "offpath-spe", "plain"] = "plain"
                if behaviour is not None and reach is not None:
                    chosen = behaviour[node.infoset][action] != 0
                    if chosen and reach[index] != 0:
                        kind = "path"
                    elif chosen and not chance:
                        kind = "offpath-spe"
                edges.append(_Edge(index, action, kind))
        return edges

    # --------------------------------------------------------------- texts
    def _leaf_lines(self, leaf: int) -> list[tuple[str, str, float, str]]:
        """(gid, text, size, colour) of the lines under a leaf."""
        game = self.game
        lines = [(f"payoff-{leaf}-{i}", payoff_text(v), _PAYOFF_FONT, player_colour(i))
                 for i, v in enumerate(game.node_payoffs[leaf])]
        outcome = game.nodes[leaf].outcome
        label = game.outcomes[outcome].label if outcome is not None else ""
        if label:
            lines.append((f"outcome-{leaf}", _plain(label), _SMALL_FONT, "#555555"))
        return lines

    def _block_width(self, leaf: int) -> float:
        return max(_text_size(text, size)[0] for _, text, size, _ in self.blocks[leaf])

    def edge_text(self, edge: _Edge) -> str:
        game = self.game
        node = game.nodes[edge.node]
        assert node.infoset is not None
        infoset = game.infosets[node.infoset]
        name = _plain(infoset.actions[edge.action])
        probability: Payoff | None = None
        if infoset.is_chance:
            assert infoset.probabilities is not None
            probability = infoset.probabilities[edge.action]
        elif self.behaviour is not None:
            played = self.behaviour[node.infoset][edge.action]
            if played not in (0, 1):
                probability = played
        if probability is None:
            return name
        shown = payoff_text(probability)
        return f"{name} ({shown})" if name else shown

    # --------------------------------------------------------------- arrangement
    def _arrange(self) -> None:
        """Place leaves by their payoff widths, then widen the gaps between leaves that
        lie between overlapping labels until no labels overlap."""
        slots = [max(_MIN_SLOT, self._block_width(leaf) + _GAP) for leaf in self.leaves]
        gaps = [(left + right) / 2 for left, right in itertools.pairwise(slots)]
        for _ in range(40):
            base = [0.0]
            for gap in gaps:
                base.append(base[-1] + gap)
            self._place(base)
            self.labels = self._labels()
            boxes = [_padded(label.box()) for label in self.labels]
            pairs = self.clashes(boxes)
            if not pairs:
                return
            wider = [0.0] * len(gaps)
            for first, second in pairs:
                a, b = boxes[first], boxes[second]
                needed = min(a[2], b[2]) - max(a[0], b[0]) + 0.02
                between = _separating_gaps(self.labels[first].span, self.labels[second].span)
                if not between:  # nested subtrees: spread everything a little
                    between = range(len(gaps))
                for k in between:
                    wider[k] = max(wider[k], needed / len(between))
            gaps = [gap + extra for gap, extra in zip(gaps, wider, strict=True)]

    def clashes(self, boxes: Sequence[tuple[float, float, float, float]] | None = None
                ) -> list[tuple[int, int]]:
        """Pairs of labels (indices) whose boxes, with room around them, overlap."""
        if boxes is None:
            boxes = [_padded(label.box()) for label in self.labels]
        labels = self.labels
        return [(a, b) for a, b in _overlapping_pairs(boxes)
                if labels[a].group < 0 or labels[a].group != labels[b].group]

    def _place(self, base: Sequence[float]) -> None:
        game = self.game
        x = [0.0] * len(game.nodes)
        for position, leaf in zip(base, self.leaves, strict=True):
            x[leaf] = position
        for index in range(len(game.nodes) - 1, -1, -1):
            children = game.nodes[index].children
            if children:
                x[index] = (x[children[0]] + x[children[-1]]) / 2
        self.x = x

    def _labels(self) -> list[_Label]:
        game, x, y = self.game, self.x, self.y
        labels: list[_Label] = []
        for edge in self.edges:
            text = self.edge_text(edge)
            if not text:
                continue
            node = game.nodes[edge.node]
            child = node.children[edge.action]
            mid_x = x[edge.node] + _ALONG * (x[child] - x[edge.node])
            mid_y = y[edge.node] + _ALONG * (y[child] - y[edge.node])
            last = len(node.children) - 1
            gid = f"action-{edge.node}-{edge.action}"
            if edge.action == 0 and last > 0 and x[child] < x[edge.node] - 1e-9:
                labels.append(_Label(gid, text, mid_x - _PAD, mid_y + _PAD / 2, "right",
                                     "bottom", _FONT, span=self.span[child]))
            elif (edge.action == last and x[child] > x[edge.node] + 1e-9) or last == 0:
                labels.append(_Label(gid, text, mid_x + _PAD, mid_y + _PAD / 2, "left",
                                     "bottom", _FONT, span=self.span[child]))
            else:
                labels.append(_Label(gid, text, mid_x, mid_y, "center", "center", _FONT,
                                     boxed=True, span=self.span[child]))
        for index, node in enumerate(game.nodes):
            if node.infoset is None:
                continue
            player = game.infosets[node.infoset].player
            name = "chance" if player == CHANCE else _plain(game.players[player])
            colour = CHANCE_COLOUR if player == CHANCE else player_colour(player)
            parent = node.parent
            if parent is None or x[parent] >= x[index] - 1e-9:
                # the incoming edge is above or comes from the right: name on the upper left
                labels.append(_Label(f"player-{index}", name, x[index] - 1.6 * _PAD,
                                     y[index] + 1.6 * _PAD, "right", "bottom", _FONT, colour,
                                     "italic", span=self.span[index]))
            else:
                labels.append(_Label(f"player-{index}", name, x[index] + 1.6 * _PAD,
                                     y[index] + 1.6 * _PAD, "left", "bottom", _FONT, colour,
                                     "italic", span=self.span[index]))
        for leaf in self.leaves:
            top = y[leaf] - 1.8 * _PAD
            for gid, text, size, colour in self.blocks[leaf]:
                labels.append(_Label(gid, text, x[leaf], top, "center", "top", size, colour,
                                     group=leaf, span=self.span[leaf]))
                top -= _LINE * size / 72
        self.links = self._links()
        taken = [_padded(label.box()) for label in labels]
        for link in self.links:
            infoset = game.infosets[link.infoset]
            if link.order != 0 or not infoset.label:
                continue
            if infoset.player != CHANCE and infoset.label == game.players[infoset.player]:
                continue
            label = self._link_label(link, _plain(infoset.label), taken)
            taken.append(_padded(label.box()))
            labels.append(label)
        return labels

    def _link_label(self, link: _Link, text: str,
                    taken: Sequence[tuple[float, float, float, float]]) -> _Label:
        """The information set's name on its first link, where it overlaps no other label:
        on top of an arc, or under a straight link (the middle, else nearer an end)."""
        x, y = self.x, self.y
        start, end = (x[link.first], y[link.first]), (x[link.second], y[link.second])
        control = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 2 * link.peak)
        span = (min(self.span[link.first][0], self.span[link.second][0]),
                max(self.span[link.first][1], self.span[link.second][1]))
        first: _Label | None = None
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
            point = [(1 - t) ** 2 * a + 2 * (1 - t) * t * c + t ** 2 * b
                     for a, c, b in zip(start, control, end, strict=True)]
            if link.peak:
                label = _Label(f"infoset-label-{link.infoset}", text, point[0], point[1],
                               "center", "center", _SMALL_FONT, "#333333", "italic",
                               boxed=True, span=span)
            else:
                label = _Label(f"infoset-label-{link.infoset}", text, point[0],
                               point[1] - _PAD, "center", "top", _SMALL_FONT, "#333333",
                               "italic", span=span)
            first = first or label
            if not _touches(_padded(label.box()), taken):
                return label
        assert first is not None
        return first

    def _links(self) -> list[_Link]:
        """The dashed links: each information set's nodes joined left to right.

        Two nodes of one row with other nodes between them are joined by an arc
        above the row (arcs on one row at staggered heights), so that links never
        run through nodes or along each other.
        """
        x, y = self.x, self.y
        rows: dict[float, list[float]] = {}
        for index, value in enumerate(y):
            rows.setdefault(value, []).append(x[index])
        links = []
        arcs: dict[float, int] = {}
        for h, members in enumerate(self.game.infoset_members):
            ordered = sorted(members, key=lambda m: (x[m], m))
            for k, (left, right) in enumerate(itertools.pairwise(ordered)):
                peak = 0.0
                if y[left] == y[right] and any(x[left] + 1e-9 < other < x[right] - 1e-9
                                               for other in rows[y[left]]):
                    count = arcs.get(y[left], 0)
                    arcs[y[left]] = count + 1
                    peak = 0.3 + 0.13 * (count % 3)
                links.append(_Link(f"infoset-{h}-{k}", h, k, left, right, peak))
        return links


@dataclass(frozen=True)
class _Link:
    """A dashed link between two nodes of an information set (an arc when ``peak``)."""

    gid: str
    infoset: int
    order: int
    first: int
    second: int
    peak: float


def _separating_gaps(first: tuple[int, int], second: tuple[int, int]) -> range:
    """The gaps between leaves (gap k follows leaf k) that lie between two subtrees'
    leaves; when the subtrees nest, the gaps within the larger one."""
    (a0, a1), (b0, b1) = sorted((first, second))
    if a1 < b0:
        return range(a1, b0)
    return range(min(a0, b0), max(a1, b1))


def _padded(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A label's box with room around it, so that neighbours never touch."""
    return box[0] - 0.05, box[1] - 0.01, box[2] + 0.05, box[3] + 0.01


def _touches(box: tuple[float, float, float, float],
             others: Sequence[tuple[float, float, float, float]]) -> bool:
    """Whether ``box`` overlaps any of ``others``."""
    return any(o[0] < box[2] and box[0] < o[2] and o[1] < box[3] and box[1] < o[3]
               for o in others)


def _overlapping_pairs(
        boxes: Sequence[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Indices of the pairs of boxes that overlap (a sweep over x)."""
    order = sorted(range(len(boxes)), key=lambda k: boxes[k][0])
    active: list[int] = []
    pairs = []
    for k in order:
        box = boxes[k]
        active = [a for a in active if boxes[a][2] > box[0]]
        pairs += [(a, k) for a in active if boxes[a][1] < box[3] and box[1] < boxes[a][3]]
        active.append(k)
    return pairs


def label_clashes(game: ExtensiveFormGame,
                  equilibrium: Equilibrium | Behaviour | None = None) -> list[tuple[str, str]]:
    """The gids of the pairs of labels that still overlap after the layout (none, normally).

    Examples
    --------
    >>> from games.extensive_form import Decision, Terminal
    >>> game = ExtensiveFormGame.from_tree(Decision("P", [("a", Terminal((1,))),
    ...                                                    ("b", Terminal((2,)))]), players=["P"])
    >>> label_clashes(game)
    []
    """
    check_size(game)
    tree = _Tree(game, _as_behaviour(game, equilibrium))
    return [(tree.labels[a].gid, tree.labels[b].gid) for a, b in tree.clashes()]


def player_colour(player: int) -> str:
    """The colour of player ``player`` (0-based): nodes, names and payoff lines."""
    return PLAYER_COLOURS[player % len(PLAYER_COLOURS)]


# ---------------------------------------------------------------------------- drawing
def draw_tree(game: ExtensiveFormGame, *,
              equilibrium: Equilibrium | Behaviour | None = None,
              title: str | None = None) -> Any:
    """Draw ``game`` as a matplotlib Figure (Agg canvas, no pyplot).

    Parameters
    ----------
    game
        Any extensive-form game, numeric or symbolic.
    equilibrium
        A behaviour profile to highlight: an :class:`~games.results.Equilibrium`
        of a behaviour solver (e.g. from
        :func:`~games.solvers.spe.subgame_perfect_equilibria`) or one tuple of
        action probabilities per information set.  Its path is drawn thick red,
        its choices off the path orange.
    title
        Lines above the tree (default: the game's title).

    Raises
    ------
    SizeLimitError
        For a game larger than :data:`MAX_LEAVES` leaves or :data:`MAX_DEPTH` levels.
    InputError
        For a behaviour profile that does not fit the game.
    """
    check_size(game)
    tree = _Tree(game, _as_behaviour(game, equilibrium))
    return _figure(tree, game.title if title is None else title)


def _figure(tree: _Tree, title: str) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as Curve

    game = tree.game
    boxes = [label.box() for label in tree.labels]
    left = min([b[0] for b in boxes] + tree.x) - 0.25
    right = max([b[2] for b in boxes] + tree.x) + 0.25
    bottom = min([b[1] for b in boxes] + tree.y) - 0.15
    top = max([b[3] for b in boxes] + tree.y) + 0.1
    width = max(right - left, _MIN_WIDTH)
    centre = (left + right) / 2
    heading = _heading(game, title, width)
    heading_height = sum(_text_size(text, size)[1] for text, size, _ in heading)
    legend_room = 1.2
    height = (top - bottom) + heading_height + legend_room + 0.2
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_axis_off()
    lowest = bottom - legend_room
    axes.set_xlim(centre - width / 2, centre + width / 2)
    axes.set_ylim(lowest, lowest + height)

    x, y = tree.x, tree.y
    styles = {"path": (PATH_COLOUR, 3.2, 3), "offpath-spe": (OFF_PATH_COLOUR, 2.4, 2),
              "plain": (PLAIN_COLOUR, 1.1, 1)}
    for edge in tree.edges:
        child = game.nodes[edge.node].children[edge.action]
        colour, linewidth, order = styles[edge.kind]
        axes.add_line(Line2D([x[edge.node], x[child]], [y[edge.node], y[child]], color=colour,
                             linewidth=linewidth, zorder=order, solid_capstyle="round",
                             clip_on=False, gid=f"edge-{edge.node}-{edge.action}-{edge.kind}"))
    for link in tree.links:
        start, end = (x[link.first], y[link.first]), (x[link.second], y[link.second])
        control = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 2 * link.peak)
        axes.add_patch(PathPatch(Curve([start, control, end], [Curve.MOVETO, Curve.CURVE3,
                                                               Curve.CURVE3]),
                                 facecolor="none", edgecolor="#333333", linewidth=1.1,
                                 linestyle=(0, (5, 3)), zorder=1.5, clip_on=False,
                                 gid=link.gid))
    for index, node in enumerate(game.nodes):
        if node.infoset is None:
            axes.add_line(Line2D([x[index]], [y[index]], marker="o", markersize=3.5,
                                 color="black", zorder=4, clip_on=False,
                                 gid=f"node-{index}-terminal"))
            continue
        player = game.infosets[node.infoset].player
        if player == CHANCE:
            axes.add_line(Line2D([x[index]], [y[index]], marker="D", markersize=8.5,
                                 markerfacecolor="white", markeredgecolor=CHANCE_COLOUR,
                                 markeredgewidth=1.4, zorder=5, clip_on=False,
                                 gid=f"node-{index}-chance"))
        else:
            axes.add_line(Line2D([x[index]], [y[index]], marker="o", markersize=9.5,
                                 markerfacecolor=player_colour(player), markeredgecolor="white",
                                 markeredgewidth=1.2, zorder=5, clip_on=False,
                                 gid=f"node-{index}-decision"))
    for label in tree.labels:
        box = ({"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"}
               if label.boxed else None)
        axes.text(label.x, label.y, label.text, ha=label.ha, va=label.va, fontsize=label.size,
                  color=label.colour, style=label.style, bbox=box, zorder=6, gid=label.gid)
    level = top + 0.1
    for k, (text, size, colour) in enumerate(reversed(heading)):
        axes.text(centre, level, text, ha="center", va="bottom", fontsize=size, color=colour,
                  gid=f"title-{len(heading) - 1 - k}")
        level += _text_size(text, size)[1]
    legend = _legend(axes, tree, centre, bottom - 0.05, width)
    # Trim the room left for the legend to the legend's measured height.
    extent = legend.get_window_extent()
    legend_bottom = axes.transData.inverted().transform((extent.x0, extent.y0))[1]
    trimmed = min(bottom - 0.15, float(legend_bottom) - 0.1)
    figure.set_size_inches(width, height - (trimmed - lowest))
    axes.set_ylim(trimmed, lowest + height)
    return figure


def _heading(game: ExtensiveFormGame, title: str,
             width: float) -> list[tuple[str, float, str]]:
    """Title lines wrapped to ``width`` inches (the first larger), and a caption saying
    whose payoff is which line."""
    lines: list[tuple[str, float, str]] = []
    for k, paragraph in enumerate(title.split("\n") if title else []):
        size = _TITLE_FONT if k == 0 else _FONT
        colour = "black" if k == 0 else "#333333"
        lines += [(line, size, colour) for line in _wrap(_plain(paragraph), size, width - 0.3)]
    order = ", ".join(_plain(p) for p in game.players)
    lines.append((f"payoffs under each leaf, top to bottom: {order}", _SMALL_FONT, "#555555"))
    return lines


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy word wrap by measured width."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and _text_size(candidate, size)[0] > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def _legend(axes: Any, tree: _Tree, centre: float, top: float, width: float) -> Any:
    from matplotlib.lines import Line2D

    game = tree.game
    handles = [Line2D([], [], linestyle="", marker="o", markersize=8,
                      markerfacecolor=player_colour(i), markeredgecolor="white",
                      label=_plain(name)) for i, name in enumerate(game.players)]
    if any(h.is_chance for h in game.infosets):
        handles.append(Line2D([], [], linestyle="", marker="D", markersize=7,
                              markerfacecolor="white", markeredgecolor=CHANCE_COLOUR,
                              label="chance (probabilities in brackets)"))
    if any(len(m) > 1 for m in game.infoset_members):
        handles.append(Line2D([], [], color="#333333", linewidth=1.1, linestyle=(0, (5, 3)),
                              label="information set"))
    kinds = {edge.kind for edge in tree.edges}
    if "path" in kinds:
        handles.append(Line2D([], [], color=PATH_COLOUR, linewidth=3.2,
                              label="equilibrium path"))
    if "offpath-spe" in kinds:
        handles.append(Line2D([], [], color=OFF_PATH_COLOUR, linewidth=2.4,
                              label="equilibrium choice off the path"))
    # The fewest rows that fit; filled column by column, so the players come first.
    entry_widths = [_text_size(h.get_label(), _FONT)[0] + 0.6 for h in handles]
    columns = 1
    for rows in range(1, len(handles) + 1):
        columns = -(-len(handles) // rows)
        widest = [max(entry_widths[c * rows:(c + 1) * rows]) for c in range(columns)]
        if sum(widest) <= width - 0.3:
            break
    legend = axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(centre, top),
                         bbox_transform=axes.transData, ncols=columns, fontsize=_FONT,
                         frameon=False, handlelength=2.2, columnspacing=1.4)
    legend.set_gid("legend")
    return legend


def tree_image(game: ExtensiveFormGame, image_format: str, *,
               equilibrium: Equilibrium | Behaviour | None = None,
               title: str | None = None) -> bytes:
    """:func:`draw_tree` rendered as PNG or reproducible SVG bytes (fixed hash salt, no date).

    Raises
    ------
    InputError
        For a format other than ``svg`` or ``png``, and as :func:`draw_tree`.
    """
    if image_format not in ("svg", "png"):
        raise InputError(f"cannot draw a {image_format!r} image", field="format",
                         expected="svg or png")
    check_size(game)
    behaviour = _as_behaviour(game, equilibrium)
    from analysis.plots import render_figure

    def draw() -> Any:
        figure = draw_tree(game, equilibrium=behaviour, title=title)
        side = max(figure.get_size_inches())
        if image_format == "png" and side * _PNG_DPI > MAX_PNG_SIDE:
            raise SizeLimitError(
                f"the drawing is {side:.0f} inches across, {side * _PNG_DPI:.0f} pixels as a "
                "PNG", field="format",
                expected=f"at most {MAX_PNG_SIDE} pixels a side for PNG; draw it as .svg")
        return figure

    return render_figure(draw, image_format)


# ---------------------------------------------------------------------------- notebooks
class TreeDrawing:
    """A game drawn for a notebook: Jupyter shows it inline through ``_repr_svg_``.

    ``figure()`` gives the matplotlib Figure, ``svg()`` and ``png()`` the
    image bytes (rendered once), ``save(path)`` writes either by suffix.
    """

    def __init__(self, game: ExtensiveFormGame, behaviour: Behaviour | None = None,
                 title: str | None = None, note: str = "") -> None:
        check_size(game)
        self.game = game
        self.behaviour = _as_behaviour(game, behaviour)
        self.note = note
        heading = game.title if title is None else title
        self.title = "\n".join(t for t in (heading, note) if t)
        self._images: dict[str, bytes] = {}

    def figure(self) -> Any:
        """The drawing as a matplotlib Figure."""
        return draw_tree(self.game, equilibrium=self.behaviour, title=self.title)

    def image(self, image_format: str) -> bytes:
        """PNG or SVG bytes (cached)."""
        if image_format not in self._images:
            self._images[image_format] = tree_image(self.game, image_format,
                                                    equilibrium=self.behaviour,
                                                    title=self.title)
        return self._images[image_format]

    def svg(self) -> bytes:
        """Reproducible SVG bytes."""
        return self.image("svg")

    def png(self) -> bytes:
        """PNG bytes (150 dpi)."""
        return self.image("png")

    def save(self, path: str | Path, *, force: bool = False) -> None:
        """Write the drawing to ``path`` (``.svg`` or ``.png``), never over a file unless
        ``force``."""
        from analysis.plots import plot_format

        target = Path(path)
        write_bytes_atomic(target, self.image(plot_format(target, "path")), force=force)

    def _repr_svg_(self) -> str:
        return self.svg().decode("utf-8")

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        return f"TreeDrawing({self.game!r})"


def show(game: ExtensiveFormGame, equilibrium: Equilibrium | Behaviour | Literal["spe"] | None
         = None, *, title: str | None = None, spe: int = 1) -> TreeDrawing:
    """A :class:`TreeDrawing` of ``game`` for a notebook cell.

    ``equilibrium`` is a behaviour profile or an equilibrium to highlight, or
    ``"spe"`` to solve the game and highlight its ``spe``-th subgame-perfect
    equilibrium (the note under the title says which of how many).
    """
    if isinstance(equilibrium, str):
        if equilibrium != "spe":
            raise InputError(f"unknown equilibrium {equilibrium!r}", field="equilibrium",
                             expected="'spe', an Equilibrium or a behaviour profile")
        behaviour, note = spe_behaviour(game, spe)
        return TreeDrawing(game, behaviour, title, note)
    return TreeDrawing(game, _as_behaviour(game, equilibrium), title)

