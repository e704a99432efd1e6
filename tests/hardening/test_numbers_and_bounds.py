"""Finite numbers and resource bounds, end to end: no NaN slips through, no run is unbounded."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
from tests.cli import call_main

from detente.errors import InputError
from detente.forecast.engine import MEMORY_BUDGET, check_memory, replicate_bytes, run_model
from detente.forecast.montecarlo import Perturbation, perturb, run_monte_carlo
from detente.forecast.table import read_table, table_from_mapping
from detente.world import builtin_world

LOW = "Actor,Capability,Position,Salience\nA,1,0,0.05\nB,2,50,0.05\nC,3,100,0.05\n"


@pytest.mark.parametrize("model", ["eum", "smp"])
@pytest.mark.parametrize(
    ("salience", "position", "message"),
    [
        ([[math.nan], [0.5], [0.5]], [[0], [50], [100]], "salience has non-finite values"),
        ([[2.0], [0.5], [0.5]], [[0], [50], [100]], r"salience must be in \[0, 1\]"),
        ([[0.5], [0.5], [0.5]], [[0], [50], [120]], "positions must lie inside the bounds"),
        ([[0.5], [0.5], [0.5]], [[0], [50], [math.inf]], "position has non-finite values"),
    ],
)
def test_both_engines_check_their_inputs_alike(
    model: str, salience: list[list[float]], position: list[list[float]], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        run_model(model, [1.0, 2.0, 3.0], position, salience, bounds=[[0, 100]])  # type: ignore[arg-type]


def test_api_misuse_gets_clear_errors() -> None:
    args = ([1.0, 2.0, 3.0], [[0], [50], [100]], [[0.5], [0.5], [0.5]])
    with pytest.raises(InputError, match="unknown model 'xyz'"):
        run_model("xyz", *args, bounds=[[0, 100]])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="rounds must be a whole number"):
        run_model("eum", *args, bounds=[[0, 100]], rounds=1.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="do not fit together"):
        run_model("eum", [1.0, 2.0], args[1], args[2], bounds=[[0, 100]])  # type: ignore[arg-type]
    table = read_table_text(LOW)
    with pytest.raises(InputError, match="numpy Generator"):
        run_monte_carlo(table, "eum", 5, rng=3)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="expected a mapping"):
        table_from_mapping(None)  # type: ignore[arg-type]
    result = run_monte_carlo(table, "eum", 5, rng=np.random.default_rng(0))
    with pytest.raises(InputError, match="finite"):
        result.p_exceeds(math.nan)


def read_table_text(text: str, tmp: Path | None = None) -> object:
    import tempfile

    folder = Path(tempfile.mkdtemp()) if tmp is None else tmp
    path = folder / "t.csv"
    path.write_text(text)
    return read_table(path)


def test_a_replicate_without_weight_is_redrawn_not_fatal() -> None:
    table = read_table_text(LOW)
    # With salience 0.05 +- N(0, 0.05) clipped at 0, about 0.4 % of replicates lose every
    # salience; among 5,000 some surely do. None may be left so.
    inputs = perturb(table, Perturbation(), 5000, np.random.default_rng(1))  # type: ignore[arg-type]
    weight = (inputs.capability * inputs.kept)[:, :, None] * inputs.salience
    assert np.all(weight.sum(axis=1) > 0)
    # and the draws are still reproducible
    again = perturb(table, Perturbation(), 5000, np.random.default_rng(1))  # type: ignore[arg-type]
    assert np.array_equal(inputs.salience, again.salience)


@pytest.mark.parametrize("model", ["eum", "smp"])
def test_the_low_salience_table_forecasts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(LOW)
    args = ("forecast", str(path), "--model", model, "--runs", "300", "--sensitivity", "none")
    code, out, err = call_main(capsys, *args, "--json")
    assert code == 0, err
    assert json.loads(out)["runs"] == 300


def test_too_many_runs_are_refused_naming_runs(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("forecast", "nato-csto-2009", "--runs", "10000000", "--sensitivity", "none")
    code, _, err = call_main(capsys, *args)
    assert code == 2 and "--runs 10000000" in err and "GiB" in err and "use --runs" in err


def test_a_table_too_large_for_memory_is_refused_naming_it() -> None:
    assert replicate_bytes("eum", 100_000, 1, 10) > MEMORY_BUDGET
    with pytest.raises(InputError, match="the table has 100000 actors on 1 dimension"):
        check_memory("eum", 1, 100_000, 1, 10)
    check_memory("eum", 1, 400, 1, 10)  # the review's 400-actor table is fine


def test_perturbation_scales_are_bounded_and_name_the_option() -> None:
    with pytest.raises(InputError, match="--capability-sigma"):
        Perturbation(capability_sigma=1000)
    with pytest.raises(InputError, match="--position-sd"):
        Perturbation(position_sd=1e308)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("A,1,1e308,0.5\nB,2,-1e308,0.5\nC,3,0,0.5\n", "beyond the largest magnitude"),
        ("A," + "9" * 400 + ",0,0.5\nB,2,50,0.5\nC,3,100,0.5\n", "expected a finite number"),
        ("A,nan,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n", "expected a finite number"),
    ],
)
def test_table_numbers_are_finite_and_in_range(tmp_path: Path, cells: str, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Actor,Capability,Position,Salience\n" + cells)
    with pytest.raises(InputError, match=message) as info:
        read_table(path)
    assert all(p.line is not None for p in info.value.problems)


def test_yaml_table_big_integer_is_a_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    rows = "\n".join(f"  - {{id: {a}, capability: 1, position: 0, salience: .5}}" for a in "BC")
    path.write_text("actors:\n  - {id: A, capability: " + "9" * 400 + "}\n" + rows + "\n")
    with pytest.raises(InputError, match=r"t\.yaml:2: actors\[0\]\.capability: the integer"):
        read_table(path)


@pytest.mark.parametrize("text", [",,,\n,,,\n", "\n\n"])
def test_a_csv_without_values_is_a_clear_problem(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=r"no rows|empty"):
        read_table(path)


def test_a_huge_cell_is_a_problem_at_its_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Actor,Capability,Position,Salience\n" + "A" * 200_000 + ",1,0,0.5\n")
    with pytest.raises(InputError, match=r"t\.csv:2: row 2: a cell is longer than"):
        read_table(path)


def test_world_dates_normalised_and_end_guarded() -> None:
    world = builtin_world()
    day = dt.date(2009, 9, 10)
    stamp = dt.datetime(2009, 9, 10, 15, 30)
    assert world.at(stamp).day == world.at(day).day == world.at("2009-09-10").day
    with pytest.raises(InputError, match="last day"):
        world.on(dt.date.max)
    with pytest.raises(InputError, match="expected a date"):
        world.at(None)  # type: ignore[arg-type]
    assert world.on(dt.date.max - dt.timedelta(days=1)).day == dt.date.max - dt.timedelta(days=1)


def test_the_snapshot_cache_is_bounded() -> None:
    from detente.world.model import SNAPSHOT_CACHE

    world = builtin_world()
    for k in range(SNAPSHOT_CACHE + 50):
        world.at(dt.date(2000, 1, 1) + dt.timedelta(days=k))
    assert len(world._snapshots) <= SNAPSHOT_CACHE


def test_on_the_calendars_last_day_the_cli_names_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = call_main(capsys, "world", "members", "CSTO", "--on", "9999-12-31")
    assert code == 2 and "--on" in err and "Traceback" not in err


@pytest.mark.parametrize("json_flag", [(), ("--json",)])
def test_a_backtest_with_nothing_to_score_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, json_flag: tuple[str, ...]
) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("episodes: []\n")
    code, out, err = call_main(capsys, "backtest", str(path), "--lens", "realist", *json_flag)
    assert code == 2 and "no episode to score" in err and "nan" not in out


def test_world_nan_capability_is_refused_at_its_line(tmp_path: Path) -> None:
    from detente.world import check_world

    path = tmp_path / "w.yaml"
    path.write_text(
        "world: {name: w, extends: builtin}\ncapabilities:\n"
        "  - {actor: USA, measure: milex, unit: x, values: {2008: .nan}, sources: [sipri]}\n"
    )
    problems = check_world(path)
    assert any(p.line == 3 and "not a finite number" in p.message for p in problems)


def test_params_file_problems_name_the_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    for body, message in (
        ("realist:\n  rivalry_weight: -1\n", "p.yaml:2: realist.rivalry_weight: -1 is outside"),
        ("realist:\n  rivalry_weight: .nan\n", "p.yaml:2: realist.rivalry_weight: .nan is not"),
        ("rivalry_weight: yes\n", "p.yaml:1: rivalry_weight: expected a number"),
        ("rivalry_weight: 1\nrivalry_weight: 2\n", "p.yaml:2: rivalry_weight: duplicate key"),
    ):
        path.write_text(body)
        args = ("explain", "nato-csto-2009", "--lens", "realist", "--params", str(path))
        code, _, err = call_main(capsys, *args)
        assert code == 2 and message in err, err
