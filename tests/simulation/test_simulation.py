"""The simulation through time: exact decisions, reproducible runs, scenarios, scoring.

Windows are one year, runs few and only the CSTO's memberships decided, so that the module stays
fast; the decisions of the window are computed once (module fixture) and shared by the tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import pytest
from tests.cli import call_main

from detente.decision import decide
from detente.decisions.episodes import builtin_episodes
from detente.experiments.runner import ProcessExecutor
from detente.lenses import get_lens
from detente.simulation import Scenario, build_setting, simulate
from detente.simulation.decider import Decider
from detente.simulation.model import Setting
from detente.simulation.record import Unit, _score, record_events
from detente.simulation.scenario import FixedOutcome, Header, builtin_scenarios, load_scenario
from detente.simulation.timeline import Timeline, project_capabilities
from detente.world import builtin_world

YEAR = 2003


@pytest.fixture(scope="module")
def setting() -> Setting:
    return build_setting(
        builtin_world(), get_lens("realist"), builtin_episodes(), start=YEAR, end=YEAR,
        calibrate=False, kinds=("collective-security",),
    )  # fmt: skip


def test_deciders_only_probability_equals_the_decision_process() -> None:
    """The decider's shortcut (deciders' features only, one shared view) is exact."""
    world, lens = builtin_world(), get_lens("realist")
    timeline = Timeline(world, YEAR, YEAR, builtin_episodes())
    snap = world.at(dt.date(YEAR, 1, 1))
    decider = Decider(lens, builtin_episodes())
    opps = timeline.opportunities(YEAR)
    joins = sorted((o for o in opps if o.kind == "join"), key=lambda o: o.episode.target != "CSTO")
    sample = [*joins[:2], *(o for o in opps if o.kind == "keep")][:4]
    sample += [o for o in opps if o.kind == "leave"][:2]
    assert {o.kind for o in sample} == {"join", "leave", "keep"}
    for o in sample:
        got = decider.decide(snap, o.episode, tabled=False)
        assert got.p == pytest.approx(decide(lens, snap, o.episode).p_yes, abs=1e-12)


def test_same_seed_same_summary_serial_and_parallel(setting: Setting) -> None:
    serial = simulate(setting, runs=20, seed=5)
    parallel = simulate(setting, runs=20, seed=5, executor=ProcessExecutor(2))
    assert serial.runs == parallel.runs
    assert serial.summary().equals(parallel.summary())
    other = simulate(setting, runs=20, seed=6)
    assert other.runs != serial.runs  # the seed matters


def test_runs_change_the_state_they_are_scored_on(setting: Setting) -> None:
    result = simulate(setting, runs=10, seed=1)
    events = result.events()
    assert set(events["kind"]) >= {"episode"}
    assert (events["year"] == YEAR).all()
    # a state that left a body in a run is no longer asked to leave it again that year
    for run in result.runs:
        keys = [e.key for e in run if e.kind != "episode"]
        assert len(keys) == len(set(keys))
    scores = {s.family: s for s in result.scores}
    assert scores["all"].units == sum(scores[f].units for f in ("memberships", "bases", "episodes"))


def test_a_fixed_outcome_is_drawn_in_every_run(setting: Setting) -> None:
    fixed = Scenario(
        scenario=Header(name="offer taken"),
        outcomes=(FixedOutcome(episode="csto-nato-2003", outcome="engage"),),
    )
    changed = dataclasses.replace(setting, scenario=fixed, cache=dict(setting.cache))
    result = simulate(changed, runs=10, seed=1)
    assert all(any(e.key == "episode:csto-nato-2003=engage" for e in run) for run in result.runs)


def test_record_events_of_2012() -> None:
    timeline = Timeline(builtin_world(), 2012, 2012, builtin_episodes())
    events = record_events(timeline)
    assert events["exit:UZB:CSTO"] == dt.date(2012, 12, 19)
    assert "close:gabala" in events
    # the reference path keeps what the runs decide: Uzbekistan still a member, Gabala open
    snap = timeline.reference(dt.date(2013, 1, 1))
    assert "UZB" in snap.members("CSTO")
    assert any(b.id == "gabala" for b in snap.bases())


def test_succession_carries_members_into_the_successor() -> None:
    timeline = Timeline(builtin_world(), 2002, 2002, builtin_episodes())
    cst = builtin_world().organisations["CSTO"]
    assert timeline.founders(cst) == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_scores_of_known_units() -> None:
    rows = [
        (Unit("exit:A:X", "memberships", 1, 0), 0.5),
        (Unit("join:B:X", "memberships", 0, 0), 0.25),
        (Unit("episode:e=yes", "episodes", 0, 1), 0.2),
    ]
    s = _score("all", rows)
    assert s.units == 3 and s.actual == 1
    assert s.brier == pytest.approx((0.25 + 0.0625 + 0.04) / 3)
    # reproduced: P(exit A) = 0.5 and P(recorded "no" of e) = 0.8
    assert s.reproduced == pytest.approx((0.5 + 0.8) / 2)
    # nothing changes: no exit (p 0), no join, the episode's yes is its status quo (p 1)
    assert s.brier_nothing == pytest.approx((1 + 0 + 1) / 3)
    assert s.reproduced_nothing == pytest.approx(0.0)
    assert math.isnan(_score("none", []).brier)


def test_projection_rules() -> None:
    series = [s for s in builtin_world().capabilities if s.actor == "KAZ" and s.measure == "milex"]
    last = max(series[0].values)
    held = project_capabilities(series, last + 3, "hold")[0]
    assert held.values[last + 3] == held.values[last]
    trend = project_capabilities(series, last + 3, "trend")[0]
    assert trend.values[last + 3] != trend.values[last]
    with pytest.raises(ValueError, match="unknown projection"):
        project_capabilities(series, last + 1, "guess")


def test_builtin_scenarios_are_valid() -> None:
    world, episodes = builtin_world(), builtin_episodes()
    shipped = builtin_scenarios()
    assert set(shipped) == {
        "us-indifferent-2009", "uzbekistan-stays-1999", "armenia-answered-2022",
    }  # fmt: skip
    for path in shipped.values():
        assert load_scenario(path, world, episodes).name == path.stem


def test_a_bad_scenario_exits_2_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "scenario: {name: bad}\n"
        "stances:\n"
        "  - actor: XYZ\n"
        "    stance: indifferent\n"
        "outcomes:\n"
        "  - {episode: arm-csto-2022, outcome: maybe}\n",
        encoding="utf-8",
    )
    code, out, err = call_main(capsys, "simulate", "--scenario", str(bad), "--runs", "1")
    assert code == 2 and out == ""
    assert f"{bad}:3" in err and "unknown actor 'XYZ'" in err
    assert f"{bad}:6" in err and "'maybe' is not an outcome of arm-csto-2022" in err
    assert "Traceback" not in err
    bad.write_text("scenario: {name: bad}\nstances:\n  - {actor: USA, stance: sulky}\n")
    code, _, err = call_main(capsys, "simulate", "--scenario", str(bad))
    assert code == 2 and f"{bad}:3" in err and "stances[0].stance" in err


def test_results_set_round_trip(setting: Setting, tmp_path: Path) -> None:
    from detente.experiments.results import load, save

    result = simulate(setting, runs=10, seed=2)
    folder = save(result.result_set({"subject": f"{YEAR}-{YEAR}"}), tmp_path / "sim")
    back = load(folder)
    assert back.manifest["kind"] == "simulation" and back.manifest["runs"] == 10
    assert len(back.tables["events"]) == sum(len(r) for r in result.runs)
    assert set(back.tables) >= {"experiments", "outcomes", "events", "summary", "scores"}
    payload = result.to_json()
    assert payload["runs"] == 10 and payload["scores"][-1]["family"] == "all"


def test_stances_fix_or_silence_a_decider(setting: Setting) -> None:
    timeline, decider = setting.timeline, setting.decider
    leave = next(o.episode for o in timeline.opportunities(YEAR) if o.kind == "leave")
    snap = timeline.reference(dt.date(YEAR, 1, 1))
    who = leave.proposer
    free = decider.decide(snap, leave, tabled=False).p
    assert 0.0 < free < 1.0
    assert decider.decide(snap, leave, tabled=False, stances={who: "against"}).p == 0.0
    assert decider.decide(snap, leave, tabled=False, stances={who: "for"}).p == 1.0
    # with no stake a state deciding alone keeps the status quo (the silence default)
    silent = decider.decide(snap, leave, tabled=False, stances={who: "indifferent"}).p
    assert silent == pytest.approx(0.0, abs=1e-9)
