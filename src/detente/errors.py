"""Exceptions raised on bad input, and the ``Problem`` record that locates each fault.

Every error a user can cause carries the place it was found (file, line, field) so that the CLI
can print it plainly and exit with status 2, without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DetenteError", "InputError", "Problem", "UnknownIdError", "match_id", "suggest"]


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


def match_id(ident: str, known: Iterable[str]) -> str | None:
    """``ident`` itself if known, else the one known id equal to it ignoring case, else ``None``.

    Ids are case-sensitive in data files, but a user typing ``kaz`` or ``NATO-CSTO-2009`` means
    the one id that differs only in case.
    """
    pool = list(known)
    if ident in pool:
        return ident
    folded = [k for k in pool if k.casefold() == ident.casefold()]
    return folded[0] if len(folded) == 1 else None


def suggest(ident: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known ids closest to ``ident`` (difflib ratio >= 0.6, case ignored), best first."""
    pool = list(known)
    lowered = {k.casefold(): k for k in pool}
    close = difflib.get_close_matches(ident.casefold(), list(lowered), n=n, cutoff=0.6)
    return [lowered[c] for c in close]


class UnknownIdError(DetenteError, KeyError):
    """An id (actor, organisation, question, episode, lens, ...) that is not known.

    The message suggests the nearest known ids ("did you mean ...?", by :func:`suggest`) before
    listing the known ones.
    """

    def __init__(self, kind: str, ident: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.ident = ident
        known = sorted(known)
        hint = ""
        close = suggest(ident, known)
        if close:
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?"
        if known:
            shown = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
            hint += f" (known: {shown})"
        self.message = f"unknown {kind} {ident!r}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
