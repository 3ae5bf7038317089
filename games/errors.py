"""Errors raised by the game engine.

One small hierarchy: :class:`InputError` is anything wrong with what a user
gave us (a file, a game built through the API, an option) and carries enough
context to point at the problem; everything else is a bug.  The command line
turns an :class:`InputError` into one line on stderr and exit code 2.
"""

from __future__ import annotations


class GameError(Exception):
    """Base class of every error the engine raises on purpose."""


class InputError(GameError, ValueError):
    """Bad input: names the source, the line or field, and what was expected.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    source
        The file (or other origin) the input came from, if any.
    line
        The 1-based line number in ``source``, if known.
    field
        The field, node or element concerned, if known.
    expected
        What would have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        self.expected = expected
        super().__init__(self.render())

    def render(self) -> str:
        """Return the error as one line: ``file:line: field: message (expected ...)``."""
        where = ""
        if self.source is not None:
            where = self.source if self.line is None else f"{self.source}:{self.line}"
        elif self.line is not None:
            where = f"line {self.line}"
        parts = [p for p in (where, self.field) if p]
        text = self.message if not parts else ": ".join([*parts, self.message])
        if self.expected:
            text += f" (expected {self.expected})"
        return text.replace("\n", " ")

    def located(self, source: str) -> InputError:
        """Return a copy of this error attributed to ``source`` (keeps other details)."""
        return type(self)(
            self.message, source=source, line=self.line, field=self.field, expected=self.expected
        )


class SizeLimitError(InputError):
    """A game is larger than a documented limit (for example ``--max-nodes``)."""


class UnsupportedGameError(InputError):
    """A solver was asked for something it does not do on this game.

    For example a subgame-perfect solver on a game without perfect recall, or the
    exact mixed solver on a game with three players.
    """
