"""The simulation decided by the stack of several lenses (``detente simulate --stack``).

The stack is fitted on the episodes before the window, as for one lens; windows are short and
runs few so that the module stays fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re

import pytest
from tests.cli import call_main

from detente.decisions.episodes import builtin_episodes
from detente.experiments.runner import ProcessExecutor
from detente.forecaster import GRID, EpisodeSignals, outside_terms
from detente.lenses import get_lens
from detente.simulation import build_setting, simulate
from detente.simulation.decider import Decider, StackedDecider, fit_calibration
from detente.simulation.model import Setting
from detente.simulation.timeline import Timeline
from detente.world import builtin_world

YEAR = 2003
LENSES = ("realist", "liberal")


@pytest.fixture(scope="module")
def stacked() -> Setting:
    return build_setting(
        builtin_world(), [get_lens(n) for n in LENSES], builtin_episodes(), start=YEAR, end=YEAR,
        kinds=("alliance", "collective-security"),
    )  # fmt: skip


def test_the_stack_is_fitted_on_every_lens(stacked: Setting) -> None:
    decider = stacked.decider
    assert isinstance(decider, StackedDecider)
    assert decider.name == "stack-realist-liberal"
    assert decider.stack is not None
    assert {"lens:realist", "lens:liberal"} <= set(decider.stack.columns)
    assert stacked.calibration.startswith("stack of realist and liberal fitted on")


def test_a_stacked_decision_is_the_stack_of_each_lens_at_its_grid_point(stacked: Setting) -> None:
    """Composed independently: each single-lens decider's probability at the stack's grid point
    and the outside-view terms, through the fitted model, give the stacked decider's ``p``."""
    decider = stacked.decider
    assert isinstance(decider, StackedDecider) and decider.stack is not None
    stack = decider.stack
    world = builtin_world()
    snap = world.at(dt.date(YEAR, 1, 1))
    opps = Timeline(world, YEAR, YEAR, builtin_episodes()).opportunities(YEAR)
    sample = [o for o in opps if o.kind == "join"][:2] + [o for o in opps if o.kind == "leave"][:2]
    assert len(sample) == 4
    singles = [Decider(get_lens(n), decider.history) for n in LENSES]
    for o in sample:
        q = o.episode
        lens_p: dict[str, tuple[float, ...]] = {}
        for single in singles:
            grid, sides, _ = single.grid(snap, q)
            lens_p[single.lens.name] = tuple(
                grid[stack.grid_index] if k == stack.grid_index else 0.0 for k in range(len(GRID))
            )
        terms = outside_terms(q, sides, tabled=False, snap=snap)
        k, n = decider.prior.get((q.proposer, q.type), (0, 0))
        if n:
            terms["prior_behaviour"] = math.log((k + 0.5) / (n - k + 0.5))
        signals = EpisodeSignals(q.id, q.date, q.type, "generated", q.proposer, 0, lens_p, terms)
        want = stack.forecast(signals).p
        got = decider.decide(snap, q, tabled=False)
        assert got.p == pytest.approx(want, abs=1e-12)
        assert 0.0 < got.lens_p < 1.0
        assert all(":" in term for _, term, _ in got.terms)  # named lens:term


def test_same_seed_same_runs_serial_and_parallel(stacked: Setting) -> None:
    serial = simulate(stacked, runs=20, seed=3)
    parallel = simulate(stacked, runs=20, seed=3, executor=ProcessExecutor(2))
    assert serial.lens == "stack-realist-liberal"
    assert serial.runs == parallel.runs


def test_a_stacked_decider_needs_two_lenses_and_a_stack() -> None:
    history = builtin_episodes()
    with pytest.raises(ValueError, match="at least two"):
        StackedDecider([get_lens("realist")], history)
    with pytest.raises(ValueError, match="twice"):
        StackedDecider([get_lens("realist"), get_lens("realist")], history)
    with pytest.raises(ValueError, match="only when calibrated"):
        build_setting(
            builtin_world(), [get_lens(n) for n in LENSES], history, start=YEAR, end=YEAR,
            calibrate=False,
        )  # fmt: skip
    # too few episodes before the start to fit on: said, not silently uncalibrated
    with pytest.raises(ValueError, match="cannot be fitted"):
        build_setting(
            builtin_world(), [get_lens(n) for n in LENSES], history, start=1994, end=1994,
        )  # fmt: skip


def test_fit_calibration_of_one_lens_is_unchanged() -> None:
    """The single-lens path keeps its reason's wording (the reports quote it)."""
    episodes = [e for e in builtin_episodes() if e.date < dt.date(YEAR, 1, 1)]
    world = builtin_world()
    model, why = fit_calibration(
        Decider(get_lens("realist"), episodes), episodes, lambda e: world.at(e.date)
    )
    assert model is not None
    assert re.fullmatch(r"stack fitted on \d+ episodes dated before the start", why)


def test_cli_stack_adds_one_simulation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call_main(
        capsys, "simulate", "--from", str(YEAR), "--to", str(YEAR), "--lens", "realist",
        "--lens", "liberal", "--stack", "--runs", "10", "--kind", "collective-security", "--json",
    )  # fmt: skip
    assert code == 0, err
    names = [s["lens"] for s in json.loads(out)["simulations"]]
    assert names == ["realist", "liberal", "stack-realist-liberal"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lens", "realist", "--stack"], "needs two or more different --lens"),
        (["--lens", "realist", "--lens", "liberal", "--stack", "--no-calibrate"], "calibrated"),
    ],
)
def test_cli_stack_misuse_exits_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = call_main(capsys, "simulate", "--from", str(YEAR), "--to", str(YEAR), *args)
    assert code == 2
    assert message in " ".join(err.split()) and "Traceback" not in err


def test_the_report_simulation_is_decided_by_the_stack_by_default() -> None:
    """``detente report``'s simulation section: the stack of the report's lenses unless a lens
    is named (a one-year window and few runs keep it quick)."""
    from detente.report.page import ReportOptions, simulation_section

    options = ReportOptions(
        simulation=(YEAR, YEAR), simulation_runs=5, simulation_kinds=("collective-security",),
        scenarios=(),
    )  # fmt: skip
    assert options.simulation_lens == "stack"
    text = simulation_section(builtin_world(), options).text
    assert "decided by the stack of the realist and liberal lenses" in text
    assert "stack of realist and liberal fitted on" in text
    one = simulation_section(
        builtin_world(), dataclasses.replace(options, lenses=("liberal",))
    ).text  # the stack of one lens is that lens, calibrated
    assert "under the liberal lens (stack fitted on" in one
