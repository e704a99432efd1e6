"""The README is executable documentation: its commands are run here.

* The test command in the README is exactly what ``.ci/run`` runs.
* The main job of the first command, and every ``$ detente ...`` line of the tour, runs through the
  command line's ``main`` (what the ``detente`` script calls) and exits 0.

The tour runs in-process (:func:`tests.cli.run_in_process`, in the test's own folder): a subprocess
per line only added the interpreter's start-up and the world's loading each time, and
tests/experiments/test_cli_explain.py covers ``python -m detente`` as a real process.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from tests.cli import run_in_process

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str) -> str:
    """The first fenced code block after an HTML comment marker."""
    match = re.search(rf"<!-- {marker} -->\s*```\w*\n(.*?)```", README, re.S)
    assert match, f"README has no code block after <!-- {marker} -->"
    return match.group(1).strip()


def _tour_commands() -> list[list[str]]:
    tour = README.split("<!-- tour -->", 1)[1]
    lines = re.findall(r"^\$ (detente .+)$", tour, re.M)
    return [shlex.split(line)[1:] for line in lines]


def test_readme_test_command_is_what_ci_runs() -> None:
    command = _block_after("test-command")
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci_lines


def test_readme_install_command_runs_the_main_job_of_the_tour() -> None:
    command = _block_after("install-and-run")
    main_job = command.rsplit("&&", 1)[1].strip()
    assert main_job.startswith(".venv/bin/detente ")
    assert shlex.split(main_job)[1:] == _tour_commands()[0]


#: Tour commands too slow for this file, each run by the test named beside it with smaller budgets
#: (here only their options are parsed, by the command line's main, with --help).
RUN_ELSEWHERE = {"report": "tests/report/test_report_page.py"}


@pytest.mark.parametrize("args", _tour_commands(), ids=lambda a: " ".join(a))
def test_readme_tour_command_runs(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if args[0] in RUN_ELSEWHERE:
        assert (ROOT / RUN_ELSEWHERE[args[0]]).is_file()
        args = [*args, "--help"]
    monkeypatch.chdir(tmp_path)  # files the tour writes (--plot, --out) land here
    result = run_in_process(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "a tour command printed nothing"
    assert "Traceback" not in result.stderr
