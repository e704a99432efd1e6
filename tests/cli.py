"""Running the ``detente`` command in tests: as a subprocess, or in-process with captured output."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from detente.cli import main


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m detente ARGS`` through the real entry point (wide console, no plot window)."""
    env = {**os.environ, "COLUMNS": "200", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "detente", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def call_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``detente.cli.main(ARGS)`` in-process: exit status, stdout and stderr."""
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def invoke(*args: str | Path) -> tuple[int, str, str]:
    """``detente.cli.main(ARGS)`` in-process without pytest's ``capsys`` (usable in a module- or
    session-scoped fixture): exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(map(str, args)))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()
