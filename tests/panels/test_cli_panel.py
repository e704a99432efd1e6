"""``detente panel``, ``detente cite`` and ``world sources --bibtex`` through the entry point."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from tests.cli import call_main

from detente.world import builtin_world

from .test_importers import DDYR, DDYR_HEADER


def test_dyad_years_on_the_builtin_world(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "dy.csv"
    code, _, err = call_main(
        capsys, "panel", "dyad-years", "--from", "1992", "--to", "2024", "--with", "kappa,cinc",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    frame = pd.read_csv(out)
    assert frame.columns.tolist() == [
        "year", "state_a", "state_b", "cow_a", "cow_b", "cinc_a", "cinc_b",
        "kappa_valued", "kappa_any", "kappa_defence",
    ]  # fmt: skip
    assert f"wrote {len(frame):,} rows" in err
    assert "cite: detente cite package kappa cinc world" in err
    us_ru = frame[(frame.state_a == "RUS") & (frame.state_b == "USA")]
    assert len(us_ru) == 33 and not frame.duplicated(["year", "state_a", "state_b"]).any()
    row = us_ru[us_ru.year == 2018].iloc[0]
    assert row.kappa_defence < row.kappa_any


def test_parquet_and_state_panels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "sy.parquet"
    code, _, err = call_main(
        capsys, "panel", "state-years", "--from", "2000", "--to", "2001", "--with", "cinc",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    frame = pd.read_parquet(out)
    assert frame.columns.tolist() == ["state", "cow", "year", "cinc"]
    out = tmp_path / "so.csv"
    code, _, err = call_main(
        capsys, "panel", "state-org-years", "--from", "2009", "--to", "2009", "--out", str(out)
    )
    assert code == 0, err
    so = pd.read_csv(out)
    assert sorted(so[so.org == "CSTO"].state) == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]


def test_atop_file_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    atop = tmp_path / "atop5_1ddyr.csv"
    atop.write_text(DDYR_HEADER + DDYR + "2990,2,990,2000,1,1,0,0,0,0,1\n", encoding="utf-8")
    out = tmp_path / "a.csv"
    code, _, err = call_main(
        capsys, "panel", "dyad-years", "--from", "2000", "--to", "2000", "--atop", str(atop),
        "--with", "s,kappa,rivalry", "--coding", "any", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    frame = pd.read_csv(out)
    # the ATOP states are the panel's states, named by the world where it knows their COW code
    pairs = frame[["state_a", "state_b"]].values.tolist()
    assert pairs == [
        ["USA", "GBR"], ["USA", "RUS"], ["USA", "COW990"],
        ["GBR", "RUS"], ["GBR", "COW990"], ["RUS", "COW990"],
    ]  # fmt: skip
    # the world's rivalries for its states (as of the year's end); unknown (not 0) for a state it
    # does not know
    snap = builtin_world().on(dt.date(2000, 12, 31))
    assert frame.rivalry.tolist()[:2] == [0.0, snap.relation_intensity("USA", "RUS")]
    assert frame.rivalry[1] > 0
    assert frame.rivalry.isna().tolist() == [False, False, True, False, True, True]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--with", "kapa"], "unknown covariate(s) kapa"),
        (["--coding", "binary"], "unknown covariate(s) binary"),
        (["--system", "atlantis", "--with", "s"], "unknown system member"),
        (["--to", "1990"], "1990 is before --from 1992"),
    ],
)
def test_bad_options_exit_2_without_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.csv"
    base = ["panel", "dyad-years", "--from", "1992", "--to", "2000", "--out", str(out)]
    code, _, err = call_main(capsys, *base, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_wrong_atop_file_is_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "atop.csv"
    bad.write_text("stateA,stateB,year\n2,200,2000\n", encoding="utf-8")
    out = tmp_path / "x.csv"
    code, _, err = call_main(
        capsys, "panel", "dyad-years", "--from", "2000", "--to", "2000", "--atop", str(bad),
        "--out", str(out),
    )  # fmt: skip
    assert code == 2
    assert f"{bad}:1: missing column(s) defense" in err.replace("\n", "")
    assert not out.exists()


def test_wrong_suffix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = call_main(
        capsys, "panel", "state-years", "--from", "2000", "--to", "2000", "--out",
        str(tmp_path / "x.xlsx"),
    )  # fmt: skip
    assert code == 2 and "expected a .csv or .parquet" in err


def test_cite(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call_main(capsys, "cite", "cinc")
    assert code == 0 and "@incollection{singer1972," in out
    code, out, _ = call_main(capsys, "cite", "kappa", "s")
    assert code == 0
    assert out.startswith("@software{detente,")
    assert "@article{hage2011," in out and "@article{signorino1999," in out
    code, out, _ = call_main(capsys, "cite", "panel", "--format", "csl-json")
    items = json.loads(out)
    assert {"detente", "singer1972", "hage2011", "buenodemesquita1975"} <= {i["id"] for i in items}
    code, out, _ = call_main(capsys, "cite", "world")
    assert code == 0 and "@misc{sipri-milex-2022," in out
    code, _, err = call_main(capsys, "cite", "nonsense")
    assert code == 2 and "unknown topic" in err


def test_world_sources_bibtex(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call_main(capsys, "world", "sources", "--bibtex")
    assert code == 0
    assert "@techreport{ffi-2007," in out
    assert "author = {Bruusgaard, Kristin Ven and Jeppesen, Morten}" in out
    assert out.count("\n@") + 1 == out.count("@")
