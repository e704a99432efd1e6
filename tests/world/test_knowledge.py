"""Knowledge time: a snapshot holds only judgements whose evidence was published before its cut,
and the validator finds judgements coded from outcomes (issue 8, section 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from detente.decisions import builtin_episodes
from detente.explanation import lens_probability
from detente.lenses import LENSES, get_lens
from detente.world import World, builtin_world, check_world, load_world
from detente.world.records import Agreement, Judgement, Relation, Source, Threat
from detente.world.snapshot import Snapshot

D = dt.date


def _src(**fields: Any) -> Source:
    return Source.model_validate({"id": "s", "kind": "web", "title": "t"} | fields)


@pytest.mark.parametrize(
    ("fields", "latest"),
    [
        ({"published": "2008-08-19"}, D(2008, 8, 19)),
        ({"published": "2008-08"}, D(2008, 8, 31)),
        ({"published": "2008-02"}, D(2008, 2, 29)),
        ({"published": "2008-12"}, D(2008, 12, 31)),
        ({"published": 2007}, D(2007, 12, 31)),
        ({"date": "2009-09-15"}, D(2009, 9, 15)),
        ({"year": 2010}, D(2010, 12, 31)),
        ({"published": "2009-03", "year": 2010}, D(2009, 3, 31)),  # published wins
        ({}, None),
    ],
)
def test_publication_precision_is_read_conservatively(
    fields: dict[str, Any], latest: dt.date | None
) -> None:
    source = _src(**fields)
    assert source.published_latest() == latest
    if latest is not None:
        assert not source.known_before(latest)
        assert source.known_before(latest + dt.timedelta(days=1))


@pytest.mark.parametrize("bad", ["2008-13", "2009-02-30", "08-2008", "2008-1"])
def test_bad_publication_dates_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="published"):
        _src(published=bad)


WORLD = """\
world: {name: knowledge}
sources:
  - {id: old, kind: web, title: Old, published: 2005-03-01}
  - {id: later, kind: web, title: Later, published: 2008-08-19}
  - {id: month, kind: web, title: Month, published: 2008-08}
  - {id: treaty, kind: treaty, title: Treaty, published: 2001-06-15}
  - {id: nodate, kind: web, title: Undated}
states:
  - {id: USA, name: United States, cow: 2, sources: [old]}
  - {id: RUS, name: Russia, cow: 365, sources: [old]}
  - {id: GEO, name: Georgia, cow: 372, sources: [old]}
relations:
  - {a: USA, b: RUS, kind: rivalry, start: 2005-01-01, end: 2008-08-08, intensity: 0.4,
     sources: [old]}
  - {a: USA, b: RUS, kind: rivalry, start: 2008-08-08, intensity: 0.7, sources: [later, old],
     evidence: [later]}
  - {a: RUS, b: GEO, kind: rivalry, start: 2008-08-01, intensity: 0.8, sources: [month]}
  - {a: USA, b: GEO, kind: strategic-partnership, start: 2004-01-01, intensity: 0.5,
     sources: [nodate]}
threats:
  - {id: t1, kind: terrorism, origin: GEO, exposed: [RUS], start: 2008-01-01, severity: 0.5,
     sources: [old, month], evidence: [month]}
agreements:
  - id: pact
    name: Pact
    kind: treaty
    signed: 2001-06-15
    parties: [USA, RUS]
    sources: [treaty]
    clauses:
      - id: art-1
        article: "1"
        kind: collective-defence
        versions:
          - {from: 2001-06-15, summary: consult, obligation: 0.25, sources: [treaty]}
          - {from: 2008-08-10, summary: defend, obligation: 0.75, sources: [later]}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("knowledge") / "world.yaml"
    path.write_text(WORLD, encoding="utf-8")
    return load_world(path)


def test_a_judgement_waits_for_its_evidence(world: World) -> None:
    # the 0.7 period starts 8 Aug but its only evidence is published on 19 Aug
    assert world.at(D(2008, 8, 19)).relation_intensity("USA", "RUS") == 0.4
    assert world.at(D(2008, 8, 20)).relation_intensity("USA", "RUS") == 0.7
    assert "relation USA-RUS rivalry from 2008-08-08" in world.at(D(2008, 8, 19)).withheld


def test_the_predecessor_stays_open_while_its_successor_is_withheld(world: World) -> None:
    (rivalry,) = world.at(D(2008, 8, 15)).relations("rivalry")[:1]
    assert rivalry.intensity == 0.4 and rivalry.end is None


def test_month_precision_counts_from_the_end_of_the_month(world: World) -> None:
    assert world.at(D(2008, 8, 31)).relation_intensity("RUS", "GEO") == 0.0
    assert world.at(D(2008, 8, 31)).threats("RUS") == []
    assert world.at(D(2008, 9, 1)).relation_intensity("RUS", "GEO") == 0.8
    assert [t.id for t in world.at(D(2008, 9, 1)).threats("RUS")] == ["t1"]


def test_undated_evidence_does_not_hold_back_but_is_reported(world: World, tmp_path: Path) -> None:
    assert world.at(D(2005, 1, 1)).relation_intensity("USA", "GEO", "strategic-partnership") == 0.5
    path = tmp_path / "w.yaml"
    path.write_text(WORLD, encoding="utf-8")
    problems = check_world(path)
    assert any("nodate has no publication date" in p.message and p.line == 19 for p in problems)


def test_a_clause_version_waits_for_its_evidence(world: World) -> None:
    def obligation(date: dt.date) -> float:
        (clause,) = world.at(date).clauses("collective-defence")
        return clause.obligation

    assert obligation(D(2008, 8, 15)) == 0.25
    assert obligation(D(2008, 8, 20)) == 0.75


def test_plain_events_are_known_on_their_day(world: World) -> None:
    assert [a.id for a in world.on(D(2001, 6, 15)).agreements] == ["pact"]


# -- the whole built-in world: late sources cannot change any forecast ---------------------------
def _late(source: Source, date: dt.date) -> bool:
    latest = source.published_latest()
    return latest is not None and latest >= date


def _prune(world: World, date: dt.date) -> World:
    """``world`` as an editor who had only the sources published before ``date`` would code it:
    late sources are gone, a judgement with no evidence left is gone, and the period before a
    dropped one has no known end."""
    late = {i for i, s in world.sources.items() if _late(s, date)}

    def keep(record: Judgement) -> Judgement | None:
        evidence = [i for i in record.evidence_ids() if i not in late]
        if not evidence:
            return None
        sources = [i for i in record.sources if i not in late] or evidence
        return record.model_copy(update={"evidence": evidence, "sources": sources})

    def periods(records: tuple[Relation, ...] | tuple[Threat, ...]) -> list[Any]:
        kept = [keep(r) for r in records]
        dropped = {(_chain(r), r.start) for r, k in zip(records, kept, strict=True) if k is None}
        return [
            k.model_copy(update={"end": None}) if (_chain(k), k.end) in dropped else k
            for k in kept
            if k is not None
        ]

    def agreement(a: Agreement) -> Agreement:
        clauses = []
        for c in a.clauses:
            versions = [v for v in (keep(v) for v in c.versions) if v is not None]
            if versions:
                clauses.append(c.model_copy(update={"versions": versions}))
        return a.model_copy(update={"clauses": clauses})

    return dataclasses.replace(
        world,
        sources={i: s for i, s in world.sources.items() if i not in late},
        relations=tuple(periods(world.relations)),
        threats=tuple(periods(world.threats)),
        agreements=tuple(agreement(a) for a in world.agreements),
        _snapshots={},
    )


def _chain(record: Any) -> tuple[str, ...]:
    if isinstance(record, Relation):
        return ("relation", *sorted((record.a, record.b)), record.kind)
    return ("threat", record.origin, record.kind)


@pytest.fixture(scope="module")
def pruned_worlds() -> list[tuple[Any, Snapshot, Snapshot, bool]]:
    """Every built-in episode with the snapshot of the world on its date, the snapshot of the
    world as its editor could have coded it, and whether pruning removed any source (built once
    per module: both lenses' tests read them, and the world's own snapshot cache holds fewer
    snapshots than there are episode dates)."""
    world = builtin_world()
    # episodes whose late sources are the same share one pruned world (and its snapshots)
    by_late: dict[frozenset[str], World] = {}
    snaps: dict[Any, tuple[Snapshot, Snapshot, bool]] = {}
    out = []
    for episode in builtin_episodes():
        if episode.date not in snaps:
            late = frozenset(i for i, s in world.sources.items() if _late(s, episode.date))
            if late not in by_late:
                by_late[late] = _prune(world, episode.date)
            pruned = by_late[late]
            snaps[episode.date] = (world.at(episode.date), pruned.at(episode.date), bool(late))
        out.append((episode, *snaps[episode.date]))
    return out


# One test per lens: each stays well under the suite's 20 s per test, and they run in parallel.
@pytest.mark.parametrize("name", sorted(LENSES))
def test_sources_published_on_or_after_an_episode_cannot_change_its_forecast(
    name: str, pruned_worlds: list[tuple[Any, Snapshot, Snapshot, bool]]
) -> None:
    lens = get_lens(name)
    changed_worlds = 0
    for episode, real_snap, blind_snap, changed in pruned_worlds:
        changed_worlds += changed
        real = lens_probability(lens, real_snap, episode)
        blind = lens_probability(lens, blind_snap, episode)
        assert real == blind, (episode.id, lens.name)
    assert changed_worlds > 30  # the test is not vacuous: most episodes have later sources


# -- the validator -------------------------------------------------------------------------------
def _extension(tmp_path: Path, relation: str) -> Path:
    path = tmp_path / "planted.yaml"
    path.write_text(
        "world: {name: planted, extends: builtin}\nrelations:\n  - " + relation + "\n",
        encoding="utf-8",
    )
    return path


def test_the_validator_flags_a_planted_outcome_sourced_rivalry(tmp_path: Path) -> None:
    # the NAC statement of 19 Aug 2008 records the outcome of nrc-suspend-2008
    path = _extension(
        tmp_path,
        "{a: BLR, b: USA, kind: rivalry, start: 2008-08-08, intensity: 0.7, "
        "sources: [nato-pr-2008-104]}",
    )
    assert check_world(path) == []  # structurally fine, and no episodes given
    problems = check_world(path, episodes=builtin_episodes())
    assert [p.line for p in problems] == [3]
    assert "a source of episode nrc-suspend-2008" in problems[0].message
    assert problems[0].file == str(path)


def test_the_validator_flags_a_boundary_on_an_episode_date(tmp_path: Path) -> None:
    path = _extension(
        tmp_path,
        "{a: BLR, b: USA, kind: rivalry, start: 2008-08-19, intensity: 0.7, "
        "sources: [nato-pr-2008-104]}",
    )
    (problem,) = check_world(path, episodes=builtin_episodes())
    assert "start (2008-08-19) falls on the date of episode nrc-suspend-2008" in problem.message


def test_the_validator_flags_evidence_that_postdates_the_period(tmp_path: Path) -> None:
    path = _extension(
        tmp_path,
        "{a: BLR, b: USA, kind: rivalry, start: 1996-01-01, end: 1997-01-01, intensity: 0.5, "
        "sources: [nato-pr-2008-104, ffi-2007], evidence: [ffi-2007]}",
    )
    (problem,) = check_world(path, episodes=builtin_episodes())
    assert "postdates the period" in problem.message


def test_the_validator_accepts_evidence_from_the_time(tmp_path: Path) -> None:
    assert builtin_world().sources["nato-pfp-1994"].known_before(D(1996, 1, 1))
    path = _extension(
        tmp_path,
        "{a: BLR, b: USA, kind: rivalry, start: 1996-01-01, end: 1997-01-01, intensity: 0.5, "
        "sources: [nato-pfp-1994, ffi-2007], evidence: [nato-pfp-1994]}",
    )
    assert check_world(path, episodes=builtin_episodes()) == []
