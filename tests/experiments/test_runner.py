"""Executors: the same Monte Carlo, sensitivity analysis and backtest, bit for bit, serially, in 2
processes and on 2 Dask workers (one real ``distributed`` LocalCluster for the module, its workers
threads of this process that talk to the scheduler over TCP, as a remote cluster's would)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import numpy as np
import pytest

from detente.experiments.runner import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    make_executor,
)
from detente.forecast.montecarlo import DRAW_BLOCK, TASK_BLOCKS, run_monte_carlo
from detente.forecast.question import load_question
from detente.rng import as_generator

# Tasks of one draw block: four tasks, the last one short, so task order and edges are exercised.
RUNS = 3 * DRAW_BLOCK + 50


def _run(executor: object, runs: int = RUNS, task_blocks: int = 1):  # type: ignore[no-untyped-def]
    table = load_question("nato-csto-2009").table
    return run_monte_carlo(
        table,
        "eum",
        runs,
        rng=as_generator(7),
        executor=executor,  # type: ignore[arg-type]
        task_blocks=task_blocks,
    )


@pytest.fixture(scope="module")
def serial():  # type: ignore[no-untyped-def]
    return _run(SerialExecutor())


@pytest.fixture(scope="module")
def processes() -> Iterator[ProcessExecutor]:
    """Two worker processes, one pool for the module."""
    with ProcessExecutor(2) as executor:
        yield executor


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A real two-worker Dask cluster with a TCP scheduler (threaded workers: cheap to start)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
    ) as local:
        yield local


@pytest.fixture(scope="module")
def dask(cluster: Any) -> Iterator[DaskExecutor]:
    """A :class:`DaskExecutor` on the module's cluster, reached by its scheduler address."""
    with DaskExecutor(cluster.scheduler_address) as executor:
        yield executor


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.outcomes.tobytes() == b.outcomes.tobytes()
    assert a.trajectories.tobytes() == b.trajectories.tobytes()
    assert np.array_equal(a.turns, b.turns) and np.array_equal(a.kept, b.kept)
    assert a.inputs is not None and b.inputs is not None
    for field in ("capability", "position", "salience", "kept"):
        assert getattr(a.inputs, field).tobytes() == getattr(b.inputs, field).tobytes()


def test_two_processes_give_the_serial_result_bit_for_bit(serial, processes) -> None:  # type: ignore[no-untyped-def]
    _same(serial, _run(processes))


def test_a_two_worker_dask_cluster_gives_the_serial_result_bit_for_bit(serial, dask) -> None:  # type: ignore[no-untyped-def]
    assert dask.workers == 2
    _same(serial, _run(dask))


def test_deterministic_engines_ignore_the_task_size(serial) -> None:  # type: ignore[no-untyped-def]
    _same(serial, _run(SerialExecutor(), task_blocks=TASK_BLOCKS))


def test_a_shorter_run_is_a_prefix_of_a_longer_one(serial) -> None:  # type: ignore[no-untyped-def]
    short = _run(SerialExecutor(), runs=DRAW_BLOCK * 2)
    assert np.array_equal(short.outcomes, serial.outcomes[: DRAW_BLOCK * 2])


def test_make_executor_follows_jobs_and_scheduler() -> None:
    assert isinstance(make_executor(1), SerialExecutor)
    assert isinstance(make_executor(3), ProcessExecutor) and make_executor(3).workers == 3
    local = make_executor(2, "local")
    assert isinstance(local, DaskExecutor) and local.address is None and local.jobs == 2
    remote = make_executor(1, "tcp://127.0.0.1:8786")
    assert isinstance(remote, DaskExecutor) and remote.address == "tcp://127.0.0.1:8786"
    with pytest.raises(ValueError, match="at least 1"):
        make_executor(0)


def test_executors_keep_task_order() -> None:
    tasks = list(range(7))
    assert SerialExecutor().map(abs, tasks) == tasks
    assert ProcessExecutor(2).map(abs, tasks) == tasks


def test_model_options_reach_the_engine_through_run_model() -> None:
    from detente.forecast import eum
    from detente.forecast.engine import run_model

    table = load_question("nato-csto-2009").table
    opts = eum.EUMOptions(probability="paper", offer_choice="largest_eu")
    via_engine = run_model(
        "eum", table.capability, table.position, table.salience, bounds=table.bounds, options=opts
    )
    direct = eum.simulate(
        table.capability,
        table.position[:, 0],
        table.salience[:, 0],
        rounds=10,
        options=opts,
        bounds=(float(table.bounds[0, 0]), float(table.bounds[0, 1])),
    )
    assert np.array_equal(via_engine.outcome[0, :, 0], direct.median[0])
    default = run_model(
        "eum", table.capability, table.position, table.salience, bounds=table.bounds
    )
    assert not np.array_equal(default.positions, via_engine.positions)
    with pytest.raises(TypeError, match="EUMOptions"):
        run_model(
            "smp",
            table.capability,
            table.position,
            table.salience,
            bounds=table.bounds,
            options=opts,
        )


FORECAST_ARGS = ("forecast", "nato-csto-2009", "--runs", "300", "--sensitivity", "none", "--json")


@pytest.fixture(scope="module")
def forecast_jobs_1() -> Any:
    """``detente forecast ... --json --jobs 1``'s output, the reference of the executor tests."""
    import json

    from tests.cli import invoke

    code, out, err = invoke(*FORECAST_ARGS, "--jobs", "1")
    assert code == 0, err
    return json.loads(out)


def test_forecast_cli_jobs_2_prints_what_jobs_1_prints(capsys, forecast_jobs_1) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.cli import call_main

    code, out, _ = call_main(capsys, *FORECAST_ARGS, "--jobs", "2")
    assert code == 0
    assert json.loads(out) == forecast_jobs_1


def test_executors_reuse_one_pool_inside_a_with_block() -> None:
    with ProcessExecutor(2) as executor:
        pool = executor._pool
        assert executor.map(abs, [-1, -2]) == [1, 2]
        with executor:  # nested: the outer block's pool carries on
            assert executor._pool is pool
        assert executor._pool is pool and executor.map(abs, [-3]) == [3]
    assert executor._pool is None


# -- sensitivity analysis: blocks of model runs as tasks --------------------------------------


def test_a_sobol_sensitivity_is_the_same_on_every_executor(processes, dask) -> None:  # type: ignore[no-untyped-def]
    from SALib.sample import sobol as sobol_sample

    from detente.forecast.sensitivity import evaluate, factors

    table = load_question("nato-csto-2009").table
    facs = factors(table)
    problem = {
        "num_vars": len(facs),
        "names": [f.name for f in facs],
        "bounds": [[f.low, f.high] for f in facs],
    }
    x = sobol_sample.sample(problem, 2, calc_second_order=False, seed=3)  # ~200 rows
    whole = evaluate(table, "eum", facs, x)  # one engine call, in this process
    for executor in (SerialExecutor(), processes, dask):
        # blocks of 64 rows: several tasks, the last one short
        blocks = evaluate(table, "eum", facs, x, executor=executor, chunk=64)
        assert blocks.tobytes() == whole.tobytes(), executor


# -- backtests: episodes as tasks -------------------------------------------------------------


@pytest.fixture(scope="module")
def backtest_inputs() -> tuple[Any, Any, Any]:
    from detente.decisions import builtin_episodes
    from detente.lenses import get_lens
    from detente.world import builtin_world

    episodes = builtin_episodes()
    # every 17th episode: 20 of them across the whole record (two tasks of 16, the last short)
    return episodes[::17], builtin_world(), [get_lens("realist")]


def test_a_backtest_is_the_same_on_every_executor(processes, dask, backtest_inputs) -> None:  # type: ignore[no-untyped-def]
    from detente.experiments.backtest import backtest

    episodes, world, lenses = backtest_inputs
    serial = asdict(backtest(episodes, world, lenses))
    assert len(serial["forecasts"]) > 16
    for executor in (processes, dask):
        assert asdict(backtest(episodes, world, lenses, executor=executor)) == serial, executor


def test_episode_signals_in_tasks_equal_the_direct_call(processes, dask, backtest_inputs) -> None:  # type: ignore[no-untyped-def]
    from detente.experiments.signals import signals_on
    from detente.forecaster import episode_signals

    episodes, world, lenses = backtest_inputs
    direct = episode_signals(episodes, world, lenses)
    # the history terms read earlier episodes, in other tasks: they must still come out right
    assert any(s.terms["prior_behaviour"] != 0.0 for s in direct[0][7:])
    for executor in (processes, dask):
        assert signals_on(executor, episodes, world, lenses, chunk=7) == direct, executor


def test_the_cli_runs_on_a_dask_scheduler_address(capsys, cluster, forecast_jobs_1) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.cli import call_main

    address = cluster.scheduler_address
    assert address.startswith("tcp://")
    code, out, err = call_main(capsys, *FORECAST_ARGS, "--scheduler", address)
    assert code == 0, err
    assert json.loads(out) == forecast_jobs_1
    # the episodes of 2024 are scored; every episode's outcome-only signals run as tasks
    backtest = ["backtest", "--lens", "realist", "--from", "2024-01-01", "--json"]
    code1, out1, err1 = call_main(capsys, *backtest, "--jobs", "1")
    code2, out2, err2 = call_main(capsys, *backtest, "--scheduler", address)
    assert code1 == code2 == 0, (err1, err2)
    assert json.loads(out1) == json.loads(out2)
    assert len(json.loads(out2)["forecasts"]) == 2


def test_the_local_cluster_starts_workers_without_dask_malloc_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Dask's default worker environment sets MALLOC_TRIM_THRESHOLD_, which freezes glibc's mmap
    # threshold and made the EUM's per-round temporaries fault in again every round; the
    # clusters Détente starts itself drop the MALLOC_* entries and keep the others.
    import dask
    import distributed

    from detente.experiments.runner import local_cluster

    assert "MALLOC_TRIM_THRESHOLD_" in dask.config.get("distributed.nanny.pre-spawn-environ")
    seen: dict[str, object] = {}

    def fake_cluster(**kwargs: object) -> dict[str, object]:
        seen["environ"] = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
        return kwargs

    monkeypatch.setattr(distributed, "LocalCluster", fake_cluster)
    made = local_cluster(3)
    assert made == {
        "n_workers": 3,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
    }
    environ = seen["environ"]
    assert isinstance(environ, dict)
    assert not any(str(k).startswith("MALLOC_") for k in environ)
    assert environ.get("OMP_NUM_THREADS") in (1, "1")
    # the user's own configuration is untouched afterwards
    assert "MALLOC_TRIM_THRESHOLD_" in dask.config.get("distributed.nanny.pre-spawn-environ")
