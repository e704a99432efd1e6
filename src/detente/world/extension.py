"""Extending the built-in world with a user's records, losing nothing silently.

Records are matched on their natural key (:data:`~detente.world.records.NATURAL_KEYS`): a
membership by actor, organisation and start, a relation by its pair, kind and start, and so on.
An extending record with a new key is *added*. One whose key the built-in world already holds
*replaces* the built-in record only when the file says so, by ``replace: true`` on the record or by
listing the key in the header's ``replaces:`` list; otherwise it is a *conflict*, reported with the
places of both records. A key in ``replaces:`` without a record of the same key *removes* the
built-in record (how a period is re-cut: remove the old key, add the new periods).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from detente.errors import Problem
from detente.world.loader import Entry, Header
from detente.world.records import RECORD_TYPES, natural_key
from detente.yamlio import field_name

__all__ = ["Extension", "describe_key", "extend", "stray_directives"]

Key = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Extension:
    """What extending the built-in world did, per record kind."""

    added: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """One row per record kind: ``kind, added, replaced, removed, kept``."""
        return [
            {
                "kind": kind,
                "added": self.added.get(kind, 0),
                "replaced": self.replaced.get(kind, 0),
                "removed": self.removed.get(kind, 0),
                "kept": self.kept.get(kind, 0),
            }
            for kind in RECORD_TYPES
        ]


def key_of(entry: Entry) -> Key:
    """The (kind, natural key) of an entry."""
    return entry.kind, natural_key(entry.kind, entry.record)


def describe_key(key: Key) -> str:
    """A key as a reader would write it, e.g. ``memberships UKR/CIS/1991-12-21``."""
    kind, values = key
    return f"{kind} " + "/".join(str(v) for v in values)


def _count(keys: Sequence[Key]) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind, _ in keys:
        out[kind] = out.get(kind, 0) + 1
    return out


def extend(
    base: Sequence[Entry], extra: Sequence[Entry], headers: Sequence[Header]
) -> tuple[list[Entry], Extension, list[Problem]]:
    """Merge ``extra`` (with its ``headers``) into ``base``; the merged entries, what happened,
    and every conflict or unmatched directive found."""
    index = {key_of(e): e for e in base}
    problems: list[Problem] = []
    listed: dict[Key, Header] = {}
    for head in headers:
        for i, key in enumerate(head.header.replaced_keys()):
            if key not in index:
                problems.append(
                    Problem(
                        head.file,
                        head.line_of("replaces", i) or head.line_of(),
                        f"world.replaces[{i}]",
                        f"the built-in world has no record {describe_key(key)} to replace",
                    )
                )
            listed[key] = head
    removed: set[Key] = set(listed)
    added: list[Key] = []
    replaced: list[Key] = []
    accepted: list[Entry] = []
    for entry in extra:
        key = key_of(entry)
        here = field_name((entry.kind, entry.index))
        old = index.get(key)
        if old is None:
            if entry.replace:
                problems.append(
                    Problem(
                        entry.file,
                        entry.line_of("replace"),
                        f"{here}.replace",
                        f"replace: true, but the built-in world has no record {describe_key(key)}",
                    )
                )
            added.append(key)
            accepted.append(entry)
        elif entry.replace or key in listed:
            removed.add(key)
            replaced.append(key)
            accepted.append(entry)
        else:
            problems.append(
                Problem(
                    entry.file,
                    entry.line,
                    here,
                    f"{describe_key(key)} conflicts with the built-in record at {old.place}: "
                    "add `replace: true` to replace it, list it under `world.replaces`, "
                    "or give the record a key of its own",
                )
            )
    kept = [e for e in base if key_of(e) not in removed]
    merged = [*kept, *accepted]
    report = Extension(
        added=_count(added),
        replaced=_count(replaced),
        removed=_count([k for k in listed if k not in set(replaced) and k in index]),
        kept=_count([key_of(e) for e in kept]),
    )
    return merged, report, problems


def stray_directives(entries: Sequence[Entry], headers: Sequence[Header]) -> list[Problem]:
    """``replace``/``replaces`` in a world that does not extend the built-in one: an error,
    since nothing would be replaced and the user evidently meant something else."""
    problems = [
        Problem(
            e.file,
            e.line_of("replace"),
            field_name((e.kind, e.index, "replace")),
            "replace: true only means something in a world that extends the built-in one "
            "(world: {extends: builtin})",
        )
        for e in entries
        if e.replace
    ]
    problems += [
        Problem(
            h.file,
            h.line_of("replaces"),
            "world.replaces",
            "replaces: only means something in a world that extends the built-in one "
            "(world: {extends: builtin})",
        )
        for h in headers
        if h.header.replaces
    ]
    return problems
