"""The node list of a Gambit ``.efg`` file: records in pre-order, read without recursion.

Each node is one record (whitespace, including line breaks, is not significant)::

    p "node label" PLAYER INFOSET ["infoset label" { "action" ... }] OUTCOME [OUT]
    c "node label" INFOSET ["infoset label" { "action" PROB ... }] OUTCOME [OUT]
    t "node label" OUTCOME [OUT]

where ``OUT`` is ``"outcome label" { payoff[,] payoff[,] ... }``.  Information
sets are numbered per player (chance has its own numbers) and outcomes have
file-wide numbers, ``0`` meaning "no outcome".  The bracketed descriptions are
required where a number first appears; later they may be left out or repeated
exactly.

Records are matched with one regular expression each (the fast path); a record
that does not match is read token by token, which either explains the problem
or finds the record's extent so that the same expression can read it.
"""

from __future__ import annotations

import re
from fractions import Fraction

from games.errors import InputError, SizeLimitError
from games.extensive_form import CHANCE, ExtensiveFormGame, Infoset, Node, Outcome
from games.io.tokens import (
    COMMA,
    LBRACE,
    RBRACE,
    STRING,
    STRING_RE,
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

_S = STRING_RE.replace("*", "*+")  # possessive: no backtracking into strings or words
_W = WORD_RE + "+"
_BODY = (
    rf"\s*(?:p\s*({_S})\s*({_W})\s*({_W})(?:\s*({_S})\s*\{{((?:\s*{_S})*+)\s*\}})?"
    rf"|c\s*({_S})\s*({_W})(?:\s*({_S})\s*\{{((?:\s*{_S}\s*{_W})*+)\s*\}})?"
    rf"|t\s*({_S}))"
    rf"\s*({_W})(?:\s*({_S})\s*\{{((?:\s*{_W}(?:\s*,)?)*+)\s*\}})?")
_RECORD = re.compile(_BODY + r'(?=\s*(?:[pct][\s"]|\Z))', re.DOTALL)
"""A record followed by the start of the next one or the end of the file (fast path)."""
_RECORD_ANYWHERE = re.compile(_BODY, re.DOTALL)
"""A record whose extent the token-level reader has checked."""
_STRINGS = re.compile(_S, re.DOTALL)
_CHANCE_ACTIONS = re.compile(rf"({_S})\s*({_W})", re.DOTALL)

# Group numbers of a record match.
P_LABEL, P_PLAYER, P_INFOSET, P_INFOSET_LABEL, P_ACTIONS = range(5)
C_LABEL, C_INFOSET, C_INFOSET_LABEL, C_ACTIONS = range(5, 9)
T_LABEL, OUTCOME, OUTCOME_LABEL, PAYOFFS = range(9, 13)

Groups = tuple[str | None, ...]


def _check_record(lex: Lexer) -> None:
    """Read one record token by token, raising a precise error if it is malformed."""
    token = lex.next()
    if token.kind != WORD or token.text not in ("p", "c", "t"):
        raise lex.error("expected a node: 'p' (player), 'c' (chance) or 't' (terminal), "
                        f"found {describe(token)}", token.pos)
    kind = token.text
    name = {"p": "player node", "c": "chance node", "t": "terminal node"}[kind]
    lex.expect(STRING, f"the label of the {name} (quoted text)")
    if kind == "p":
        lex.expect_integer("a player number", minimum=1)
    if kind != "t":
        lex.expect_integer("an information set number", minimum=1)
        if lex.peek().kind == STRING:
            lex.next()
            lex.expect(LBRACE, "'{' to start the action list")
            while (token := lex.next()).kind == STRING:
                if kind == "c":
                    lex.expect(WORD, f"a probability for action {token.text}")
            if token.kind != RBRACE:
                raise lex.error(f"expected an action label (quoted text) or '}}', "
                                f"found {describe(token)}", token.pos)
    lex.expect_integer("an outcome number (0 for none)")
    if lex.peek().kind == STRING:
        lex.next()
        lex.expect(LBRACE, "'{' to start the payoff list")
        while (token := lex.next()).kind == WORD:
            if lex.peek().kind == COMMA:
                lex.next()
        if token.kind != RBRACE:
            raise lex.error(f"expected a payoff or '}}', found {describe(token)}", token.pos)


class TreeReader:
    """Reads node records in pre-order and builds the flat arrays of the game.

    Parameters
    ----------
    lex
        The lexer, positioned at the first node.
    players
        The player names from the header.
    max_nodes
        Stop with :class:`~games.errors.SizeLimitError` at node ``max_nodes + 1``.
    """

    def __init__(self, lex: Lexer, players: tuple[str, ...], max_nodes: int) -> None:
        self.lex = lex
        self.players = players
        self.max_nodes = max_nodes
        self.numbers = NumberCache()
        self.integers: dict[str, int] = {}
        self.infoset_keys: dict[tuple[int, int], int] = {}
        self.infosets: list[Infoset] = []
        self.infoset_pos: list[int] = []
        self.outcomes: dict[int, tuple[str, tuple[Fraction, ...], int]] = {}
        self.n_actions: list[int] = []
        self.nodes: list[tuple[int | None, int, str, int | None]] = []  # label as written
        self.open: list[list[int]] = []  # [node, children still to come, offset]

    # ------------------------------------------------------------------ driving
    def read(self, title: str, comment: str) -> ExtensiveFormGame:
        """Read the records up to the end of the tree, then check the file ends there.

        One record per iteration.  Descriptions of information sets and
        outcomes are checked the first time each is seen as written, and only
        looked up afterwards.
        """
        lex, text = self.lex, self.lex.text
        match_record = _RECORD.match
        nodes, open_, n_actions, max_nodes = self.nodes, self.open, self.n_actions, self.max_nodes
        known_infosets: dict[Groups, int] = {}
        known_outcomes: dict[Groups, int] = {}
        pos = lex.pos
        while True:
            match = match_record(text, pos)
            if match is None:
                lex.pos = pos
                if open_ and lex.at_end():
                    raise self.incomplete()
                _check_record(lex)
                match = _RECORD_ANYWHERE.match(text, pos)
                if match is None or match.end() != lex.pos:  # pragma: no cover - a bug
                    raise lex.error("malformed node", pos)
            g = match.groups()
            index = len(nodes)
            if index >= max_nodes:
                raise SizeLimitError(
                    f"game has more than {max_nodes} nodes (limit set by --max-nodes)",
                    source=lex.source, line=lex.line_at(pos))
            parent = None
            if open_:
                top = open_[-1]
                parent = top[0]
                top[1] -= 1
                if not top[1]:
                    open_.pop()
            label = g[T_LABEL]
            infoset = None
            if label is None:
                if g[P_LABEL] is not None:
                    label, raw = g[P_LABEL], g[P_PLAYER:P_ACTIONS + 1]
                else:
                    label, raw = g[C_LABEL], g[C_INFOSET:C_ACTIONS + 1]
                infoset = known_infosets.get(raw)
                if infoset is None:
                    infoset = known_infosets[raw] = self.infoset(g, pos)
                open_.append([index, n_actions[infoset], pos])
            if g[OUTCOME] == "0" and g[OUTCOME_LABEL] is None:
                outcome = 0
            else:
                raw = g[OUTCOME:]
                outcome = known_outcomes.get(raw, -1)
                if outcome < 0:
                    outcome = known_outcomes[raw] = self.outcome(g, pos)
            assert label is not None
            nodes.append((infoset, outcome, label, parent))
            pos = match.end()
            if not open_:
                break
        lex.pos = pos
        expect_end(lex, "the last node of the tree")
        return self.finish(title, comment)

    # ------------------------------------------------------------------ fields
    def error(self, pos: int, message: str, *, expected: str | None = None) -> InputError:
        return self.lex.error(message, pos, expected=expected)

    def integer(self, pos: int, text: str | None, what: str, minimum: int) -> int:
        value = self.integers.get(text or "")
        if value is None and text is not None:
            value = parse_integer(text)
            if value is not None and len(self.integers) < 10_000:
                self.integers[text] = value
        if value is None or value < minimum:
            raise self.error(pos, f"expected {what}, found {quote(text or '')}")
        return value

    def number(self, pos: int, text: str, what: str) -> Fraction:
        value = self.numbers.get(text)
        if value is None:
            raise self.error(pos, f"expected {what}, found {quote(text)}")
        return value

    @staticmethod
    def owner(g: Groups) -> str:
        if g[C_LABEL] is not None:
            return f"chance information set {g[C_INFOSET]}"
        return f"information set {g[P_INFOSET]} of player {g[P_PLAYER]}"

    # ------------------------------------------------------------------ information sets
    def infoset(self, g: Groups, pos: int) -> int:
        if g[P_LABEL] is not None:
            number = self.integer(pos, g[P_PLAYER], "a player number", 1)
            if number > len(self.players):
                raise self.error(pos, f"player {number} is not declared (the header lists "
                                 f"{len(self.players)} players)")
            player = number - 1
            raw = (g[P_INFOSET_LABEL], g[P_ACTIONS])
            key = (player, self.integer(pos, g[P_INFOSET], "an information set number", 1))
        else:
            player = CHANCE
            raw = (g[C_INFOSET_LABEL], g[C_ACTIONS])
            key = (player, self.integer(pos, g[C_INFOSET], "an information set number", 1))
        known = self.infoset_keys.get(key)
        if raw[0] is None:
            if known is None:
                raise self.error(pos, f"{self.owner(g)} is used before it is described",
                                 expected="its label and action list where it first appears")
            return known
        new = self.describe_infoset(g, pos, player, raw)
        if known is not None:
            old = self.infosets[known]
            line = self.lex.line_at(self.infoset_pos[known])
            if len(old.actions) != len(new.actions):
                raise self.error(pos, f"{self.owner(g)} has {len(new.actions)} actions here "
                                 f"but {len(old.actions)} on line {line}",
                                 expected="the same description each time, or none")
            if old != new:
                raise self.error(pos, f"{self.owner(g)} is described differently here than "
                                 f"on line {line}",
                                 expected="the same description each time, or none")
            return known
        self.infoset_keys[key] = len(self.infosets)
        self.infosets.append(new)
        self.n_actions.append(len(new.actions))
        self.infoset_pos.append(pos)
        return len(self.infosets) - 1

    def describe_infoset(self, g: Groups, pos: int, player: int,
                         raw: tuple[str | None, str | None]) -> Infoset:
        """The information set a description declares, checked as the game model would."""
        label, listed = raw
        assert label is not None and listed is not None
        probabilities: tuple[Fraction, ...] | None = None
        if player == CHANCE:
            pairs = _CHANCE_ACTIONS.findall(listed)
            actions = tuple(unquote(a) for a, _ in pairs)
            probabilities = tuple(
                self.number(pos, p, f"a probability for action {quote(a)}")
                for a, (_, p) in zip(actions, pairs, strict=True))
        else:
            actions = tuple(unquote(a) for a in _STRINGS.findall(listed))
        if not actions:
            raise self.error(pos, f"{self.owner(g)} has no actions",
                             expected="at least one action")
        if len(set(actions)) != len(actions):
            named = [a for a in actions if a]
            for action in named:
                if named.count(action) > 1:
                    raise self.error(pos, f"{self.owner(g)} has two actions labelled "
                                     f"{quote(action)}", expected="distinct action labels")
        if probabilities is not None:
            for action, p in zip(actions, probabilities, strict=True):
                if p < 0:
                    raise self.error(pos, f"negative probability {p} for action "
                                     f"{quote(action)}", expected="probabilities >= 0")
            total = sum(probabilities, Fraction(0))
            if total != 1:
                raise self.error(pos, f"the probabilities of {self.owner(g)} sum to {total}",
                                 expected="probabilities summing to 1")
        return Infoset(player, actions, unquote(label), probabilities)

    # ------------------------------------------------------------------ outcomes
    def outcome(self, g: Groups, pos: int) -> int:
        number = self.integer(pos, g[OUTCOME], "an outcome number (0 for none)", 0)
        raw = (g[OUTCOME_LABEL], g[PAYOFFS])
        if raw[0] is None:
            if number and number not in self.outcomes:
                raise self.error(pos, f"outcome {number} is used before its payoffs are given",
                                 expected="a label and payoff list where it first appears")
            return number
        if number == 0:
            raise self.error(pos, "outcome 0 (no outcome) cannot have a label or payoffs",
                             expected="an outcome number of 1 or more")
        assert raw[1] is not None
        words = raw[1].replace(",", " ").split()
        if len(words) != len(self.players):
            raise self.error(pos, f"outcome {number} has {len(words)} payoffs, expected "
                             f"{len(self.players)} (one per player)")
        payoffs = tuple(self.number(pos, w, f"a payoff of outcome {number}") for w in words)
        label = unquote(raw[0])
        known = self.outcomes.get(number)
        if known is None:
            self.outcomes[number] = (label, payoffs, pos)
        elif known[:2] != (label, payoffs):
            raise self.error(pos, f"outcome {number} is described differently here than on "
                             f"line {self.lex.line_at(known[2])}",
                             expected="the same label and payoffs each time, or none")
        return number

    # ------------------------------------------------------------------ the end
    def incomplete(self) -> InputError:
        _, missing, pos = self.open[-1]
        return self.lex.error(
            f"the file ends before the tree is complete: the node on line "
            f"{self.lex.line_at(pos)} still needs {missing} more child node(s)",
            len(self.lex.text))

    def finish(self, title: str, comment: str) -> ExtensiveFormGame:
        """Build the game: outcomes in order of their numbers in the file."""
        numbers = sorted(self.outcomes)
        index = {number: k for k, number in enumerate(numbers)}
        outcomes = tuple(Outcome(self.outcomes[n][1], self.outcomes[n][0]) for n in numbers)
        children: list[list[int]] = [[] for _ in self.nodes]
        for child, (_, _, _, parent) in enumerate(self.nodes):
            if parent is not None:
                children[parent].append(child)
        nodes = tuple(
            Node(h, tuple(c), index[o] if o else None, unquote(label), parent)
            for (h, o, label, parent), c in zip(self.nodes, children, strict=True))
        try:
            return ExtensiveFormGame(self.players, nodes, tuple(self.infosets), outcomes, title,
                                     comment)
        except InputError as error:
            if self.lex.source is None:
                raise
            raise error.located(self.lex.source) from error
