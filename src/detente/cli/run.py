"""Options shared by the commands that run experiments (``--jobs``, ``--scheduler``, ``--save``),
and ``detente show DIR``, which prints a saved results set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from detente.cli.common import console, print_json
from detente.errors import InputError, Problem
from detente.experiments.runner import Executor
from detente.experiments.runner import make_executor as _make_executor

__all__ = [
    "JobsOption",
    "SaveOption",
    "SchedulerOption",
    "check_output_paths",
    "make_executor",
    "register",
]

JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Worker processes (or Dask workers of a local cluster with --scheduler local). "
        "Results are the same bit for bit whatever N.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a "
        "LocalCluster of --jobs workers.",
        show_default=False,
    ),
]
SaveOption = Annotated[
    Path | None,
    typer.Option(
        "--save",
        metavar="DIR",
        help="Write a results set (Parquet tables + manifest.json) to DIR; read it back with "
        "`detente show DIR` or detente.experiments.load(DIR).",
        show_default=False,
    ),
]


def make_executor(jobs: int, scheduler: str | None) -> Executor:
    """The executor for ``--jobs`` and ``--scheduler`` (a bad value is a plain input error)."""
    try:
        return _make_executor(jobs, scheduler)
    except ValueError as exc:
        raise InputError(Problem(None, None, "--jobs", str(exc))) from None


def check_output_paths(*, save: Path | None = None, csv: Path | None = None) -> None:
    """Refuse bad output paths before any work is done."""
    problems = []
    if save is not None and save.exists() and not save.is_dir():
        problems.append(Problem(None, None, "--save", f"{save} exists and is not a folder"))
    if csv is not None:
        if csv.is_dir():
            problems.append(Problem(None, None, "--csv", f"{csv} is a folder; expected a file"))
        elif not csv.parent.exists():
            problems.append(Problem(None, None, "--csv", f"{csv.parent} does not exist"))
    if problems:
        raise InputError(problems)


def show_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A results set written by --save.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print only JSON.")] = False,
    rows: Annotated[int, typer.Option(min=0, metavar="N", help="Outcome rows to show.")] = 5,
) -> None:
    """Print a saved results set: what was run, its tables, and its first outcomes."""
    from detente.experiments.results import load

    results = load(folder)
    if json_output:
        print_json(
            {
                "manifest": results.manifest,
                "tables": {name: len(frame) for name, frame in results.tables.items()},
            }
        )
        return
    m = results.manifest
    inputs = m.get("inputs", {})
    console.print(f"[bold]{m.get('kind', '?')}[/] of {inputs.get('subject', '?')} ({folder})")
    facts = {
        "model": m.get("model"),
        "runs": m.get("runs"),
        "seed": m.get("seed"),
        "design": (m.get("design") or {}).get("name")
        if isinstance(m.get("design"), dict)
        else None,
        "world": (inputs.get("world") or {}).get("name"),
        "detente": m.get("detente_version"),
    }
    console.print(", ".join(f"{k} {v}" for k, v in facts.items() if v is not None))
    tables = Table(title="Tables", title_justify="left")
    for col in ("table", "rows", "columns"):
        tables.add_column(col, justify="right" if col != "table" else "left")
    for name, frame in results.tables.items():
        tables.add_row(name, str(len(frame)), str(len(frame.columns)))
    console.print(tables)
    if "summary" in results.tables:
        summary = results.tables["summary"]
        table = Table(title="Summary", title_justify="left")
        table.add_column("field")
        for k in range(len(summary)):
            table.add_column(f"row {k}" if len(summary) > 1 else "value", justify="right")
        for col in summary.columns:
            cells = [summary[col].iloc[k] for k in range(len(summary))]
            table.add_row(
                str(col), *(f"{v:.4g}" if isinstance(v, float) else str(v) for v in cells)
            )
        console.print(table)
    if rows:
        console.print(_frame_table("Outcomes", results.outcomes, rows))


def _frame_table(title: str, frame: object, rows: int) -> Table:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), justify="right")
    for record in frame.head(rows).itertuples(index=False):
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in record))
    return table


def register(app: typer.Typer) -> None:
    """Add ``show`` to the root app."""
    app.command("show")(show_command)
