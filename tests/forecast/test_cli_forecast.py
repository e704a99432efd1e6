"""``detente forecast`` and ``detente questions`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli import call_main, run_in_process

# EU car-emission standards, Bueno de Mesquita (1994) via Scholz et al. (2011), Table 1.
EU_CSV = """\
Actor,Capability,Position,Salience
Netherlands,0.08,4,0.8
Belgium,0.08,7,0.4
Luxembourg,0.03,4,0.2
Germany,0.16,4,0.8
France,0.16,10,0.6
Italy,0.16,10,0.6
UK,0.16,10,0.9
Ireland,0.05,7,0.1
Denmark,0.05,4,1.0
Greece,0.08,7,0.7
"""


_run = run_in_process  # detente.cli.main in-process (a subprocess adds only start-up)


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return call_main(capsys, *args)


def test_forecast_of_a_builtin_question_prints_a_forecast_with_an_interval() -> None:
    proc = _run(
        "forecast", "nato-csto-2009", "--runs", "200", "--seed", "1", "--sensitivity-samples", "2"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Rasmussen" in proc.stdout
    assert "Forecast" in proc.stdout and "(90%)" in proc.stdout
    assert "Trajectory" in proc.stdout and "Most influential actors" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_json_output_is_pure_json_and_reproducible(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("forecast", "nato-csto-2009", "--runs", "150", "--seed", "3", "--json")
    args = (*args, "--sensitivity-samples", "2")
    code, out, _ = _main(capsys, *args)
    assert code == 0
    report = json.loads(out)
    dim = report["dimensions"][0]
    assert report["subject"]["id"] == "nato-csto-2009" and report["runs"] == 150
    assert 0 <= dim["interval"]["low"] <= dim["median"] <= dim["interval"]["high"] <= 100
    assert dim["p_exceeds"]["threshold"] == 50
    assert 0.0 <= dim["p_exceeds"]["probability"] <= 1.0
    assert len(report["trajectory"]["rows"]) == 11
    actors = {a["id"] for a in report["actors"]}
    assert actors >= {"USA", "RUS", "CSTO-SEC"}
    assert {row["actor"] for row in report["sensitivity"]["by_actor"]} == actors
    assert _main(capsys, *args)[1] == out  # same seed, same report
    # a different seed moves the Monte Carlo draw (the sensitivity analysis is not needed for that)
    quick = ("forecast", "nato-csto-2009", "--runs", "150", "--sensitivity", "none", "--json")
    mine = json.loads(_main(capsys, *quick, "--seed", "3")[1])
    other = json.loads(_main(capsys, *quick, "--seed", "4")[1])
    assert mine["dimensions"][0]["quantiles"] == dim["quantiles"]
    assert other["dimensions"][0]["quantiles"] != dim["quantiles"]


def test_plot_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "fan.png"
    code, out, _ = _main(
        capsys,
        "forecast",
        "nrc-chicago-2012",
        "--runs",
        "100",
        "--plot",
        str(target),
        "--sensitivity",
        "none",
    )
    assert code == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plot written" in out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_a_table_file_with_smp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "eu.csv"
    table.write_text(EU_CSV, encoding="utf-8")
    code, out, _ = _main(
        capsys,
        "forecast",
        str(table),
        "--model",
        "smp",
        "--runs",
        "30",
        "--json",
        "--threshold",
        "7",
        "--sensitivity",
        "none",
    )
    assert code == 0
    report = json.loads(out)
    assert report["model"] == "smp" and report["trajectory"]["step"] == "turn"
    assert 4.0 <= report["dimensions"][0]["forecast"] <= 10.0


def test_eum_forecast_of_the_eu_table_is_the_published_round_10_median(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "eu.csv"
    table.write_text(EU_CSV, encoding="utf-8")
    code, out, _ = _main(
        capsys, "forecast", str(table), "--runs", "20", "--json", "--sensitivity", "none"
    )
    assert code == 0
    rows = json.loads(out)["trajectory"]["rows"]
    # Scholz-faithful weighted median (bargaining.md §3.1): 7.0, 8.4159, ..., 7.0.
    assert [round(r["forecast"], 4) for r in rows][:3] == [7.0, 8.4159, 9.6109]
    assert rows[-1]["forecast"] == 7.0


def test_listing_questions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys, "questions", "--json")
    assert code == 0
    assert [q["id"] for q in json.loads(out)] == [
        "nato-csto-2005",
        "nato-csto-2009",
        "nrc-chicago-2012",
    ]
    code, out, _ = _main(capsys, "forecast", "--list")
    assert code == 0 and "nrc-chicago-2012" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("forecast", "no-such-question"), "unknown question or table file 'no-such-question'"),
        (("forecast", "missing.csv"), "no such file"),
        (("forecast",), "give a question id or a table file"),
        (("forecast", "nato-csto-2009", "--runs", "0"), "--runs"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = _main(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_bad_table_names_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,x,3,0.5\nC,1,4,1.5\n")
    proc = _run("forecast", str(bad), "--runs", "10")
    assert proc.returncode == 2
    assert "row 3, column Capability" in proc.stderr and "salience must be in [0, 1]" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---- edge cases found in review: each exited 1 with a traceback, or printed nonsense, before


def _table(tmp_path: Path, rows: str, name: str = "t.csv") -> str:
    path = tmp_path / name
    path.write_text("Actor,Capability,Position,Salience\n" + rows)
    return str(path)


@pytest.mark.parametrize("model", ["eum", "smp"])
def test_all_actors_at_one_position_forecast_that_position(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: str
) -> None:
    table = _table(tmp_path, "A,1,5,0.5\nB,2,5,0.5\nC,3,5,0.2\n")
    args = ("forecast", table, "--model", model, "--runs", "20", "--json", "--sensitivity", "none")
    code, out, err = _main(capsys, *args)
    assert code == 0, err
    assert json.loads(out)["dimensions"][0]["forecast"] == 5.0


@pytest.mark.parametrize("model", ["eum", "smp"])
def test_no_salience_anywhere_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: str
) -> None:
    table = _table(tmp_path, "A,1,0,0\nB,2,50,0\nC,3,100,0\n")
    code, out, err = _main(capsys, "forecast", table, "--model", model, "--runs", "5")
    assert code == 2 and out == ""
    assert "no actor has both capability and salience above 0" in err


def test_smp_names_the_actor_with_zero_capability(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    table = _table(tmp_path, "A,0,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n", "zero.csv")
    code, _, err = _main(capsys, "forecast", table, "--model", "smp", "--runs", "5")
    assert code == 2
    assert "zero.csv: actor 'A', capability: the SMP needs a capability > 0" in err
    # The EUM accepts a zero capability (that actor has no vote).
    code, _, err = _main(capsys, "forecast", table, "--runs", "5", "--sensitivity", "none")
    assert code == 0, err


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--threshold", "nan"), "--threshold must be a finite number"),
        (("--threshold", "inf"), "--threshold must be a finite number"),
        (("--position-sd", "inf"), "position_sd must be a finite number"),
        (("--capability-sigma", "inf"), "capability_sigma must be a finite number"),
    ],
)
def test_non_finite_options_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: tuple[str, str], message: str
) -> None:
    table = _table(tmp_path, "A,1,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n")
    code, out, err = _main(capsys, "forecast", table, "--runs", "5", "--json", *option)
    assert code == 2 and out == ""  # never NaN or Infinity in the JSON
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "is a folder"),
        ("plot.pdq", "cannot write a plot as 'pdq'"),
        ("missing-folder-is-a-file/plot.png", "cannot write it"),
    ],
)
def test_bad_plot_paths_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str, message: str
) -> None:
    (tmp_path / "missing-folder-is-a-file").write_text("")
    args = ("forecast", "nato-csto-2009", "--runs", "5", "--sensitivity", "none")
    code, _, err = _main(capsys, *args, "--plot", str(tmp_path / target))
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["missing-folder-is-a-file"]


def test_a_plot_without_suffix_is_a_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "fan"
    args = ("forecast", "nato-csto-2009", "--runs", "5", "--sensitivity", "none")
    code, _, err = _main(capsys, *args, "--plot", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["fan"]  # no temporary file left behind
