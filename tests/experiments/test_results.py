"""Results sets, PRIM, sweeps and the notebook API, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.cli import call_main

import detente as dt
from detente.errors import InputError
from detente.experiments.prim import prim
from detente.experiments.results import load
from detente.experiments.sweep import design_points, parse_factor


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.api.ForecastResult]:  # type: ignore[name-defined]
    from detente.experiments.forecast import forecast_results
    from detente.experiments.results import save

    result = dt.forecast("nato-csto-2009", runs=300, seed=3)
    folder = tmp_path_factory.mktemp("rs") / "mc"
    save(forecast_results(result.report, result.run, result.subject), folder)
    return folder, result


def test_a_saved_forecast_loads_back_with_inputs_beside_outcomes(saved) -> None:  # type: ignore[no-untyped-def]
    folder, result = saved
    rs = load(folder)
    assert rs.manifest["kind"] == "forecast" and rs.manifest["seed"] == 3
    assert rs.manifest["runs"] == 300 and rs.manifest["detente_version"] == dt.__version__
    assert len(rs.manifest["inputs"]["world"]["sha256"]) == 64
    assert len(rs.experiments) == len(rs.outcomes) == 300
    # the stored inputs are the run's own perturbed inputs, bit for bit
    assert np.array_equal(rs.experiments["USA.capability"], result.run.inputs.capability[:, 0])
    assert np.array_equal(rs.outcomes["outcome"], result.run.outcomes[:, 0])
    positions = rs.tables["positions"]
    assert set(positions.columns) == {"step", "actor", "dimension", "position"}
    assert positions["step"].max() == 10


def test_prim_on_a_results_set_names_an_input_that_matters(saved) -> None:  # type: ignore[no-untyped-def]
    folder, _ = saved
    box = load(folder).prim("outcome", 50.0, density=0.5)
    assert box.trajectory[0].mass == 1.0 and box.trajectory[0].coverage == 1.0
    assert box.box.restricted  # some input range concentrates the engaging replicates
    assert box.box.density > box.base_density
    assert "coverage" in box.to_frame().columns


def test_prim_finds_a_planted_box() -> None:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((2000, 3)), columns=["a", "b", "noise"])
    y = (x["a"] > 0.7) & (x["b"] < 0.4)
    result = prim(x, y.to_numpy(), density=0.9)
    lo_a, _ = result.box.limits["a"]
    _, hi_b = result.box.limits["b"]
    assert set(result.box.restricted) >= {"a", "b"} and "noise" not in result.box.restricted
    assert abs(lo_a - 0.7) < 0.05 and abs(hi_b - 0.4) < 0.05
    assert result.box.density > 0.9 and result.box.coverage > 0.8


def test_load_refuses_a_folder_that_is_not_a_results_set(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a results set"):
        load(tmp_path)


def test_factors_and_designs() -> None:
    assert parse_factor("eum.q=0.5:1") == parse_factor("eum.q = 0.5:1".replace(" ", ""))
    f = parse_factor("eum.offer_choice=scholz_code,largest_eu")
    assert f.levels == ("scholz_code", "largest_eu")
    grid = design_points([parse_factor("a=0:1"), f], "full-factorial", 0, 3, 0)
    assert len(grid) == 6 and grid[0] == {"a": 0.0, "eum.offer_choice": "scholz_code"}
    lhs = design_points([parse_factor("a=0:1"), parse_factor("b=2:3")], "latin", 10, 2, 1)
    assert len(lhs) == 10 and all(0 <= p["a"] <= 1 and 2 <= p["b"] <= 3 for p in lhs)
    with pytest.raises(InputError, match="LOW < HIGH"):
        parse_factor("a=1:0")
    with pytest.raises(InputError, match="full-factorial"):
        design_points([f], "sobol", 8, 2, 0)


def test_a_sobol_lens_sweep_names_the_parameter_that_moves_p_engage() -> None:
    result = dt.sweep(
        "nato-csto-2009",
        ["realist.stake_scale", "realist.rivalry_weight=0:1"],
        lens="realist",
        design="sobol",
        samples=8,
    )
    assert len(result.points) == 8 * (2 + 2)
    indices = result.indices
    assert indices is not None and list(indices["factor"]) == [
        "realist.stake_scale",
        "realist.rivalry_weight",
    ]
    assert indices["ST"].iloc[0] > indices["ST"].iloc[1]
    assert result.to_frame().shape[0] == 32 and "p_yes" in result.to_frame()
    assert "SweepResult sobol" in repr(result)


def test_an_unknown_lens_parameter_gets_a_suggestion() -> None:
    with pytest.raises(InputError, match=r"did you mean realist\.rivalry_weight"):
        dt.sweep("nato-csto-2009", ["realist.rivalry_weigth"], lens="realist")


def test_a_model_sweep_reaches_the_engine_options(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = call_main(
        capsys,
        "sweep",
        "nato-csto-2009",
        "-f",
        "eum.offer_choice=scholz_code,largest_eu",
        "-f",
        "perturbation.dropout=0:0.1",
        "--levels",
        "2",
        "--design",
        "full-factorial",
        "--runs",
        "30",
        "--save",
        str(tmp_path / "sw"),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["points"] == 4 and data["manifest"]["design"]["name"] == "full-factorial"
    rs = load(tmp_path / "sw")
    frame = rs.to_frame()
    assert set(frame["eum.offer_choice"]) == {"scholz_code", "largest_eu"}
    # the unperturbed forecast differs between the two offer rules: the option reached the EUM
    by_rule = frame.groupby("eum.offer_choice")["forecast"].first()
    assert len(rs.outcomes) == 4 and by_rule.notna().all()


def test_forecast_cli_saves_shows_and_writes_positions(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "positions.csv"
    code, out, err = call_main(
        capsys,
        "forecast",
        "nato-csto-2009",
        "--runs",
        "200",
        "--sensitivity",
        "none",
        "--save",
        str(tmp_path / "mc"),
        "--csv",
        str(csv),
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["saved"] == str(tmp_path / "mc")
    assert set(report["positions"]["by_actor"]) >= {"USA", "RUS"}
    assert all(len(v) == 11 for v in report["positions"]["by_actor"].values())
    assert {o["type"] for o in report["offers"]} <= {"conflict", "compromise", "capitulation"}
    assert report["dimensions"][0]["p_exceeds"]["se"] > 0
    rows = pd.read_csv(csv)
    assert len(rows) == 11 * len(report["actors"])
    code, out, _ = call_main(capsys, "show", str(tmp_path / "mc"), "--json")
    assert code == 0 and json.loads(out)["tables"]["experiments"] == 200


def test_api_objects_are_notebook_friendly() -> None:
    world = dt.world()
    assert "\n" not in repr(world) and len(repr(world)) < 300
    fc = dt.forecast("nato-csto-2009", runs=100)
    frame = fc.to_frame()
    assert list(frame["dimension"]) == [fc.run.table.dimensions[0]]
    assert {"forecast", "median", "p_exceeds", "p_exceeds_se", "mean_se"} <= set(frame.columns)
    assert "\n" not in repr(fc) and "<table" in fc._repr_html_()
    assert json.loads(fc.to_json())["runs"] == 100
    assert len(fc.positions()) == 11 * len(fc.run.table.actors)
    ex = dt.explain("nato-csto-2009")
    assert set(ex.to_frame()["lens"]) == {"realist", "liberal"}
    assert "\n" not in repr(ex)
    assert {"lens", "actor", "term", "contribution"} <= set(ex.terms().columns)
