"""Knowledge-time checks: was each coded judgement possible when it is used?

:func:`~detente.world.snapshot.cut` already withholds a judgement until some of its evidence is
published. These checks find the judgements an editor should re-code, each reported as a
:class:`~detente.errors.Problem` at its file and line:

* **undated evidence**: none of the judgement's evidence is dated on or before its start, and some
  of it has no publication date at all, so the judgement cannot be placed in time;
* **retrospective**: every dated piece of evidence was published on or after the period's end, so
  the period was coded wholly after the fact;
* **outcome-sourced**: the period holds on an episode's date and its evidence includes a source of
  that episode published on or after the episode's date, i.e. the record of the outcome the
  judgement is then used to forecast (review table 2.3, L1-L5);
* **boundary on an episode**: a period starts or ends on an episode's date and cites one of that
  episode's sources: the boundary is defined by the outcome (L6-L8).

The last two need the episodes; anything with an ``id``, a ``date`` and ``sources`` will do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from detente.errors import Problem
from detente.world.loader import Entry
from detente.world.records import Agreement, Judgement, Relation, Source, Threat
from detente.yamlio import field_name

__all__ = ["EpisodeLike", "knowledge_problems"]


class EpisodeLike(Protocol):
    """What the checks need of an episode."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def sources(self) -> Sequence[str]: ...


def _judgements(entry: Entry) -> Iterator[tuple[tuple[str | int, ...], Judgement, dt.date]]:
    """(field path, judgement, start) of every judgement in a record, nested ones included."""
    record = entry.record
    if isinstance(record, Relation | Threat):
        yield (), record, record.start
    elif isinstance(record, Agreement):
        for i, clause in enumerate(record.clauses):
            for j, version in enumerate(clause.versions):
                yield ("clauses", i, "versions", j), version, version.from_


def _label(entry: Entry, path: tuple[str | int, ...]) -> str:
    record = entry.record
    if isinstance(record, Relation):
        return f"{record.a}-{record.b} {record.kind} from {record.start}"
    if isinstance(record, Threat):
        return f"threat {record.id}"
    if isinstance(record, Agreement) and len(path) == 4:
        clause = record.clauses[int(path[1])]
        return f"{record.id}/{clause.id} from {clause.versions[int(path[3])].from_}"
    return entry.kind


def _problem(entry: Entry, path: tuple[str | int, ...], field: str, message: str) -> Problem:
    name = field_name((entry.kind, entry.index, *path, field))
    return Problem(
        entry.file, entry.line_of(*path, field), name, f"{_label(entry, path)}: {message}"
    )


def _dates(ids: Sequence[str], sources: Mapping[str, Source]) -> dict[str, dt.date | None]:
    return {i: sources[i].published_latest() for i in ids if i in sources}


def _field(judgement: Judgement) -> str:
    return "evidence" if judgement.evidence else "sources"


def _undated_and_retrospective(entry: Entry, sources: Mapping[str, Source]) -> Iterator[Problem]:
    for path, judgement, start in _judgements(entry):
        dates = _dates(judgement.evidence_ids(), sources)
        dated = {i: d for i, d in dates.items() if d is not None}
        undated = sorted(i for i, d in dates.items() if d is None)
        if undated and not any(d <= start for d in dated.values()):
            yield _problem(
                entry,
                path,
                _field(judgement),
                f"evidence {', '.join(undated)} has no publication date (give the source a "
                "`published` date), so the judgement cannot be placed in time",
            )
        end = getattr(judgement, "end", None)
        if end is not None and dated and not undated and all(d >= end for d in dated.values()):
            first = min(dated.values())
            yield _problem(
                entry,
                path,
                _field(judgement),
                f"all its evidence postdates the period (ends {end}; earliest evidence published "
                f"{first}): code it from sources published at the time",
            )


def _holds_on(record: Relation | Threat, day: dt.date) -> bool:
    return record.start < day and (record.end is None or day <= record.end)


def _episode_leaks(
    entry: Entry, sources: Mapping[str, Source], episodes: Sequence[EpisodeLike]
) -> Iterator[Problem]:
    record = entry.record
    if not isinstance(record, Relation | Threat):
        return
    evidence = record.evidence_ids()
    cited = set(record.sources) | set(record.evidence)
    for episode in episodes:
        theirs = set(episode.sources)
        if _holds_on(record, episode.date):
            late = sorted(
                i
                for i in theirs & set(evidence)
                if (d := sources[i].published_latest() if i in sources else None) is not None
                and d >= episode.date
            )
            if late:
                yield _problem(
                    entry,
                    (),
                    _field(record),
                    f"coded from {', '.join(late)}, "
                    + ("sources" if len(late) > 1 else "a source")
                    + f" of episode {episode.id} published on or after its date "
                    f"({episode.date}): the judgement may encode the outcome it is used to "
                    "forecast",
                )
        for name, boundary in (("start", record.start), ("end", record.end)):
            shared = sorted(theirs & cited)
            if boundary == episode.date and shared:
                yield _problem(
                    entry,
                    (),
                    name,
                    f"the period's {name} ({boundary}) falls on the date of episode {episode.id} "
                    f"and cites its source {', '.join(shared)}: a boundary set by the outcome",
                )


def knowledge_problems(
    entries: Sequence[Entry],
    sources: Mapping[str, Source],
    episodes: Sequence[EpisodeLike] = (),
) -> list[Problem]:
    """Every knowledge-time problem of the judgements in ``entries`` (see the module docstring).

    ``sources`` is the whole world's bibliography (an extension's records may cite built-in
    sources); ``episodes`` enables the two episode checks.
    """
    problems: list[Problem] = []
    for entry in entries:
        problems += _undated_and_retrospective(entry, sources)
        problems += _episode_leaks(entry, sources, episodes)
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.field or ""))
