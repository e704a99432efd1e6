"""Backtest scores, baselines, user episode files, and the no-future-leak guarantee."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.decisions import load_episodes
from detente.experiments.backtest import STATUS_QUO_CLIP, backtest, brier, log_score
from detente.lenses import LIBERAL, REALIST
from detente.world import World, builtin_world
from detente.world.records import Base, CapabilitySeries, Membership, Relation, Threat

DATA = Path(__file__).parent / "data"


def test_brier_and_log_against_hand_computed_values() -> None:
    # (0.8 - 1)^2 = 0.04, (0.3 - 0)^2 = 0.09 -> 0.065; -(ln 0.8 + ln 0.7) / 2 = 0.28990...
    assert brier([0.8, 0.3], [1, 0]) == pytest.approx(0.065)
    assert log_score([0.8, 0.3], [1, 0]) == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2)
    assert log_score([0.0], [1]) == math.inf
    assert log_score([0.0], [1], clip=1e-3) == pytest.approx(-math.log(1e-3))
    assert math.isnan(brier([], []))


def test_backtest_on_a_users_file() -> None:
    episodes = load_episodes(DATA / "episodes.yaml")
    result = backtest(episodes, builtin_world(), [REALIST, LIBERAL], source="mine")
    assert [e for e, _ in result.skipped] == ["my-too-early"]
    assert [f.episode for f in result.forecasts] == ["my-nato-csto", "my-uzb-csto", "my-manas"]
    ys = [f.y for f in result.forecasts]
    assert ys == [0, 1, 1]
    assert result.base_rate == pytest.approx(2 / 3)
    nothing = [f.p["nothing-changes"] for f in result.forecasts]
    # engagement and join: the status quo is "no"; keeping a base: the status quo is "yes".
    assert nothing == [STATUS_QUO_CLIP, STATUS_QUO_CLIP, 1 - STATUS_QUO_CLIP]
    scores = {s.name: s for s in result.scores}
    assert set(scores) == {"realist", "liberal", "base-rate", "nothing-changes"}
    for name, score in scores.items():
        p = [f.p[name] for f in result.forecasts]
        assert score.n == 3
        assert score.brier == pytest.approx(brier(p, ys))
    # the base rate known at the time, (k + 1) / (n + 2) over the episodes dated before each one
    # (2009-09-18 after both yes outcomes, 2006-06-23 first, 2009-06-22 after one yes):
    # 3/4, 1/2, 2/3; never the file's own share, 2/3 for all
    assert [f.p["base-rate"] for f in result.forecasts] == pytest.approx([3 / 4, 1 / 2, 2 / 3])
    assert scores["base-rate"].brier == pytest.approx((9 / 16 + 1 / 4 + 1 / 9) / 3)
    assert scores["nothing-changes"].log == pytest.approx(
        -(math.log(0.95) + math.log(0.05) + math.log(0.95)) / 3
    )
    # both lenses refuse NATO-CSTO engagement: the realist for relative gains, influence and
    # the threat from Russia, the liberal because the EAPC already reaches the CSTO's members
    assert result.forecasts[0].p["realist"] < 0.5
    assert result.forecasts[0].p["liberal"] < 0.5


# -- no future leak ---------------------------------------------------------------------------
SRC = ["ffi-2007"]


def _future_facts(day: dt.date, intensity: float, offset: int) -> list[object]:
    """Facts dated on or after ``day`` that would move the forecast if they were seen."""
    start = day + dt.timedelta(days=offset)
    return [
        Relation(a="USA", b="KAZ", kind="rivalry", start=start, intensity=intensity, sources=SRC),
        Relation(a="DEU", b="RUS", kind="rivalry", start=start, intensity=intensity, sources=SRC),
        Threat(
            id="future-threat",
            kind="terrorism",
            origin="AFG",
            exposed=["DEU", "ITA", "GBR"],
            start=start,
            severity=intensity,
            sources=SRC,
        ),
        Base(
            id="future-base", name="a future base", host="KAZ", user="USA", start=start, sources=SRC
        ),
        Membership(actor="KAZ", org="NATO", start=start, status="partner", sources=SRC),
        CapabilitySeries(
            actor="ISL",  # an ally with no built-in milex series (a new record, not a duplicate)
            measure="milex",
            unit="USD bn",
            basis="test",
            values={start.year: 1000.0},
            sources=SRC,
        ),
    ]


def _extended(extra: list[object]) -> World:
    base = builtin_world()
    # a capability series already in the world gains the extra years (one series per key)
    more = {(x.actor, x.measure): x for x in extra if isinstance(x, CapabilitySeries)}
    records = [
        r.model_copy(update={"values": {**r.values, **more.pop((r.actor, r.measure)).values}})
        if isinstance(r, CapabilitySeries) and (r.actor, r.measure) in more
        else r
        for r in base.records()
    ]
    extra = [x for x in extra if not isinstance(x, CapabilitySeries)] + list(more.values())
    return World.from_records([*base.sources.values(), *records, *extra], base.header)  # type: ignore[arg-type]


def _probabilities(world: World, until: dt.date | None = None) -> dict[str, dict[str, float]]:
    """Forecasts of the file's episodes dated on or before ``until`` (default: all)."""
    episodes = [
        e for e in load_episodes(DATA / "episodes.yaml") if until is None or e.date <= until
    ]
    return {f.episode: f.p for f in backtest(episodes, world, [REALIST, LIBERAL]).forecasts}


def test_no_fact_dated_on_or_after_an_episode_changes_its_forecast() -> None:
    day = dt.date(2009, 9, 18)  # my-nato-csto
    baseline = _probabilities(builtin_world(), day)
    assert _probabilities(_extended(_future_facts(day, 1.0, 0)), day) == baseline
    # Control: the same facts dated the day before do change it (so the test can fail).
    seen = _probabilities(_extended(_future_facts(day, 1.0, -1)), day)
    assert seen["my-nato-csto"] != baseline["my-nato-csto"]


@settings(max_examples=8)
@given(day=st.dates(dt.date(2006, 6, 23), dt.date(2015, 1, 1)), intensity=st.floats(0.05, 1.0))
def test_no_future_leak_for_any_later_date(day: dt.date, intensity: float) -> None:
    # Facts dated `day` are on or after the date of every episode dated on or before `day`:
    # each of those episodes keeps its forecast, whatever the facts say.
    baseline = _probabilities(builtin_world(), day)
    assert _probabilities(_extended(_future_facts(day, intensity, 0)), day) == baseline


def test_scores_by_type_partition_the_episodes() -> None:
    """Per-type scores cover every episode once and average back to the overall scores."""
    from detente.decisions import builtin_episodes
    from detente.lenses import get_lens
    from detente.world import builtin_world

    # The identity holds for any set of episodes: every third one, and the first of each decision
    # type, so that every type is there (a third of the lens work of all of them).
    everything, episodes, types = builtin_episodes(), [], set()
    for i, e in enumerate(everything):
        if i % 3 == 0 or e.type not in types:
            episodes.append(e)
            types.add(e.type)
    result = backtest(episodes, builtin_world(), [get_lens("realist")])
    assert types == {e.type for e in everything} and len(result.by_type) > 2
    assert sum(scores[0].n for scores in result.by_type.values()) == len(result.forecasts)
    for i, overall in enumerate(result.scores):
        weighted = sum(s[i].n * s[i].brier for s in result.by_type.values()) / overall.n
        assert weighted == pytest.approx(overall.brier)
