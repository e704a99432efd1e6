"""Exceptions raised on bad input, and the ``Problem`` record that locates each fault.

Every error a user can cause carries the place it was found (file, line, field) so that the CLI
can print it plainly and exit with status 2, without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DetenteError", "InputError", "Problem", "UnknownIdError"]


@dataclass(frozen=True, order=True)
class Problem:
    """One fault in a user's input, with where it was found.

    Attributes
    ----------
    file:
        Path of the file (as given by the user), or ``None`` for in-memory input.
    line:
        1-based line number in ``file``, when known.
    field:
        Dotted path to the offending field, e.g. ``memberships[3].start`` or
        ``row 4, column Salience``.
    message:
        What is wrong and what was expected.
    """

    file: str | None
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        place = ""
        if self.file is not None:
            place = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [p for p in (place, self.field) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class DetenteError(Exception):
    """Base class of every error that Détente raises because of its input."""


class InputError(DetenteError, ValueError):
    """Input that fails validation; holds every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        return str(self.args[0])


class UnknownIdError(DetenteError, KeyError):
    """An id (actor, organisation, question, episode, lens, ...) that is not known."""

    def __init__(self, kind: str, ident: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.ident = ident
        known = sorted(known)
        hint = ""
        if known:
            shown = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
            hint = f" (known: {shown})"
        self.message = f"unknown {kind} {ident!r}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
