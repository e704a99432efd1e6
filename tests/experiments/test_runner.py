"""Executors: the same Monte Carlo, bit for bit, serially, in 2 processes and on 2 Dask workers."""

from __future__ import annotations

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


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.outcomes.tobytes() == b.outcomes.tobytes()
    assert a.trajectories.tobytes() == b.trajectories.tobytes()
    assert np.array_equal(a.turns, b.turns) and np.array_equal(a.kept, b.kept)
    assert a.inputs is not None and b.inputs is not None
    for field in ("capability", "position", "salience", "kept"):
        assert getattr(a.inputs, field).tobytes() == getattr(b.inputs, field).tobytes()


def test_two_processes_give_the_serial_result_bit_for_bit(serial) -> None:  # type: ignore[no-untyped-def]
    _same(serial, _run(ProcessExecutor(2)))


def test_a_two_worker_dask_cluster_gives_the_serial_result_bit_for_bit(serial) -> None:  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = DaskExecutor(client=client)
        assert executor.workers == 2
        _same(serial, _run(executor))


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


def test_forecast_cli_jobs_2_prints_what_jobs_1_prints(capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.cli import call_main

    args = ["forecast", "nato-csto-2009", "--runs", "600", "--sensitivity", "none", "--json"]
    code1, out1, _ = call_main(capsys, *args, "--jobs", "1")
    code2, out2, _ = call_main(capsys, *args, "--jobs", "2")
    assert code1 == code2 == 0
    assert json.loads(out1) == json.loads(out2)
