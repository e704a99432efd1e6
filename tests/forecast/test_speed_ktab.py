"""``benchmarks/speed.py --ktab``: KTAB's ``smpc`` and detente alternately on the same tables.

No KTAB build is available to the tests, so a fake ``smpc`` (a script written here) stands in: it
checks its arguments as the real one needs them, writes a log in its working folder as the real
one does, and records each call. The benchmark's own code path (validation, the temporary working
folder, warm-up, alternation, medians and ratios) is what is tested; no timing is asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
SPEED = Path(__file__).resolve().parents[2] / "benchmarks" / "speed.py"

_FAKE = """#!{python}
import csv, os, sys
args = sys.argv[1:]
assert args[:2] == ["--logmin", "--csv"] and len(args) == 3, args
table = args[2]
with open(table, newline="", encoding="utf-8") as handle:
    rows = list(csv.reader(handle))
assert len(rows) > 1, table
with open("smpc-fake_log.txt", "a", encoding="utf-8") as log:  # the real one logs where it runs
    log.write("ran\\n")
with open(os.environ["FAKE_SMPC_CALLS"], "a", encoding="utf-8") as calls:
    calls.write(os.getcwd() + " " + os.path.basename(table) + "\\n")
sys.exit(int(os.environ.get("FAKE_SMPC_FAIL", "0")))
"""


@pytest.fixture
def fake_smpc(tmp_path: Path) -> Path:
    path = tmp_path / "smpc"
    path.write_text(_FAKE.format(python=sys.executable), encoding="utf-8")
    path.chmod(0o755)
    return path


def run_speed(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SPEED), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
        check=False,
    )


def test_ktab_rotation_runs_both_on_the_same_table(fake_smpc: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    table = DATA / "ktab_two_issues.csv"
    proc = run_speed(
        "--only", "ktab", "--ktab", fake_smpc, "--tables", table, "--repeats", "1",
        FAKE_SMPC_CALLS=str(calls),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = calls.read_text(encoding="utf-8").split()
    assert len(lines) == 4 and lines[1::2] == [table.name, table.name]  # warm-up + 1 repeat
    work = Path(lines[0])
    assert work != Path.cwd() and not work.exists()  # a temporary folder, removed afterwards
    out = proc.stdout
    assert "KTAB smpc against detente" in out
    assert f"{table.name:<28}KTAB " in out and f"{table.name:<28}detente " in out
    assert f"{table.name:<28}KTAB / detente:" in out and "x wall" in out and "x CPU" in out


def test_ktab_failures_are_reported_plainly(fake_smpc: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    table = DATA / "ktab_two_issues.csv"
    failed = run_speed(
        "--only", "ktab", "--ktab", fake_smpc, "--tables", table, "--repeats", "1",
        FAKE_SMPC_CALLS=str(calls), FAKE_SMPC_FAIL="3",
    )  # fmt: skip
    assert failed.returncode != 0 and "failed" in failed.stderr
    assert "Traceback" not in failed.stderr
    missing = run_speed("--only", "ktab", "--ktab", tmp_path / "nowhere", "--tables", table)
    assert missing.returncode != 0 and "not an executable file" in missing.stderr
    no_table = run_speed("--only", "ktab", "--ktab", fake_smpc, "--tables", tmp_path / "x.csv")
    assert no_table.returncode != 0 and "no such file" in no_table.stderr
    assert run_speed("--only", "ktab").returncode == 2  # argparse: --only ktab needs --ktab
