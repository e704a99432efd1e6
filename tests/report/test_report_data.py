"""The data behind each figure of the report (pure functions), checked against the world."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from detente.experiments.backtest import BacktestResult, EpisodeForecast
from detente.report.data import (
    OTHERS,
    bibliography,
    capability_frame,
    members_per_year,
    membership_edges,
    reliability_table,
    score_intervals,
    term_frame,
)
from detente.world import builtin_world


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return builtin_world()


def test_network_edges_are_the_snapshot_memberships(world) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2009, 12, 31)
    edges = membership_edges(world, day, ["CSTO", "NATO"])
    csto = sorted(e.actor for e in edges if e.org == "CSTO" and e.status == "member")
    assert csto == world.on(day).members("CSTO")
    assert {e.org for e in edges} == {"CSTO", "NATO"}
    assert all(e.sources for e in edges)
    assert edges == sorted(edges, key=lambda e: (e.org, e.actor))


def test_members_per_year_counts_and_missing_before_founding(world) -> None:  # type: ignore[no-untyped-def]
    frame = members_per_year(world, [1995, 2009, 2013], ["CSTO", "NATO"])
    assert math.isnan(frame.loc[1995, "CSTO"])  # the CSTO was founded in 2002: missing, not 0
    assert frame.loc[2009, "CSTO"] == len(world.on(dt.date(2009, 12, 31)).members("CSTO"))
    # Uzbekistan suspended its participation in 2012: one full member fewer than in 2009
    assert frame.loc[2013, "CSTO"] == frame.loc[2009, "CSTO"] - 1
    assert frame.loc[2009, "NATO"] == 28


def test_capability_frame_groups_others_and_keeps_gaps(world) -> None:  # type: ignore[no-untyped-def]
    frame = capability_frame(world, "milex", ["RUS", "KAZ"])
    assert set(frame[frame["group"] != OTHERS]["actor"]) == {"RUS", "KAZ"}
    assert set(frame.loc[frame["actor"] == "USA", "group"]) == {OTHERS}
    assert (frame["value"] >= 0).all() and frame["unit"].str.len().gt(0).all()
    kaz = next(s for s in world.capabilities if s.actor == "KAZ" and s.measure == "milex")
    got = frame[frame["actor"] == "KAZ"].set_index("year")["value"].to_dict()
    assert got == {y: v for y, v in kaz.values.items() if v is not None}
    # the SIPRI gap for Uzbekistan (no 2006-2011 figures) stays a gap
    uzb_years = set(frame.loc[frame["actor"] == "UZB", "year"])
    assert 2008 not in uzb_years
    assert set(frame["actor"]) <= set(world.states)


def _result(ps: list[float], ys: list[int]) -> BacktestResult:
    forecasts = tuple(
        EpisodeForecast(
            f"e{i}",
            "2000-01-01",
            "membership",
            "yes",
            "x",
            y,
            {"lens": p, "base-rate": 0.5, "nothing-changes": 0.05},
        )
        for i, (p, y) in enumerate(zip(ps, ys, strict=True))
    )
    return BacktestResult("test", ("lens",), forecasts, (), (), 0.5, {})


def test_score_intervals_bracket_the_brier_score() -> None:
    result = _result([0.9, 0.2, 0.6, 0.1, 0.8], [1, 0, 0, 0, 1])
    scores = {s.name: s for s in score_intervals(result, np.random.default_rng(3), draws=500)}
    lens = scores["lens"]
    assert lens.brier == pytest.approx(np.mean([0.01, 0.04, 0.36, 0.01, 0.04]))
    assert lens.low <= lens.brier <= lens.high
    assert scores["base-rate"].brier == pytest.approx(0.25)
    assert scores["base-rate"].low == pytest.approx(0.25) == scores["base-rate"].high
    again = score_intervals(result, np.random.default_rng(3), draws=500)
    assert [s.low for s in again] == [s.low for s in scores.values()]


def test_reliability_table_bins() -> None:
    result = _result([0.05, 0.15, 0.5, 0.95, 0.9], [0, 1, 1, 1, 0])
    table = reliability_table(result, "lens", bins=5)
    assert list(table["n"]) == [2, 1, 2]  # [0, .2), [.4, .6), [.8, 1]; empty bins dropped
    assert table["observed"].tolist() == [0.5, 1.0, 0.5]
    assert table["mean_p"].iloc[2] == pytest.approx(0.925)
    assert table["n"].sum() == len(result.forecasts)


def test_term_frame_from_real_explanations(world) -> None:  # type: ignore[no-untyped-def]
    from detente.decisions import get_episode
    from detente.explanation import explain
    from detente.lenses import LENSES

    episode = get_episode("nato-csto-2009")
    lenses = list(LENSES.values())
    exps = [explain(episode, world.at(episode.date), lens, compare=lenses) for lens in lenses]
    frame = term_frame(exps)
    for e in exps:
        rows = frame[frame["lens"] == e.lens]
        assert list(zip(rows["term"], rows["value"], strict=True)) == list(e.term_totals)


def test_bibliography_resolves_ids_and_marks_unknown(world) -> None:  # type: ignore[no-untyped-def]
    some = sorted(world.sources)[:3]
    bib = bibliography(world, [*some, "no-such-source"])
    ids = [b["id"] for b in bib]
    assert sorted(ids) == sorted([*some, "no-such-source"])
    unknown = next(b for b in bib if b["id"] == "no-such-source")
    assert "not in the world" in unknown["text"]
    known = next(b for b in bib if b["id"] == some[0])
    assert world.sources[some[0]].title.rstrip(".") in known["text"]


def test_event_timeline_groups_the_rest_and_averages_over_runs() -> None:
    import datetime as dt

    from detente.report.data import OTHERS, event_timeline
    from detente.simulation import Event, SimulationResult

    def ev(year: int, kind: str, actor: str) -> Event:
        return Event(year, dt.date(year, 7, 1), kind, actor, "CSTO", kind, "q", 0.5)

    runs = (
        (ev(2009, "exit", "UZB"), ev(2009, "join", "GEO"), ev(2009, "episode", "UZB")),
        (ev(2009, "exit", "UZB"), ev(2010, "join", "MDA")),
    )
    result = SimulationResult("realist", "as recorded", 2009, 2010, 1, "none", "hold", "", runs, ())
    frame = event_timeline(result, ["UZB"])
    got = {(r.year, r.group, r.kind): r.per_run for r in frame.itertuples()}
    assert got == {
        (2009, "UZB", "exit"): 1.0,
        (2009, OTHERS, "join"): 0.5,
        (2010, OTHERS, "join"): 0.5,
    }
