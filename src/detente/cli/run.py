"""Options shared by the commands that run experiments (``--jobs``, ``--scheduler``, ``--save``),
and ``detente show DIR``, which prints a saved results set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli.common import console, print_json, styled
from detente.errors import InputError, Problem, UnknownIdError
from detente.experiments.runner import Executor
from detente.experiments.runner import make_executor as _make_executor

if TYPE_CHECKING:
    from rich.table import Table

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
    console.print(
        styled((str(m.get("kind", "?")), "bold"), f" of {inputs.get('subject', '?')} ({folder})")
    )
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
    from rich.table import Table  # rich only when printing a table

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
    if "indices" in results.tables:
        indices = results.tables["indices"]
        console.print(_frame_table("Sobol indices", indices, len(indices)))
    if rows:
        console.print(_frame_table("Outcomes", results.outcomes, rows))


def _frame_table(title: str, frame: object, rows: int) -> Table:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    from rich.table import Table  # rich only when printing a table

    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), justify="right")
    for record in frame.head(rows).itertuples(index=False):
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in record))
    return table


def sweep_command(
    subject: Annotated[
        str,
        typer.Argument(
            metavar="SUBJECT",
            help="An episode id or file (with --lens), or a question id, question file or table "
            "file (model sweeps).",
        ),
    ],
    factor: Annotated[
        list[str],
        typer.Option(
            "--factor",
            "-f",
            metavar="NAME[=LOW:HIGH|=A,B,...]",
            help="A factor to sweep (repeatable): realist.rivalry_weight (its documented range), "
            "perturbation.dropout=0:0.2, eum.offer_choice=scholz_code,largest_eu.",
        ),
    ],
    lens: Annotated[
        str | None,
        typer.Option(
            "--lens",
            "-l",
            metavar="LENS",
            help="Sweep this lens's parameters (P(yes)).",
            show_default=False,
        ),
    ] = None,
    design: Annotated[
        str,
        typer.Option(metavar="DESIGN", help="full-factorial, latin or sobol."),
    ] = "latin",
    samples: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Latin points, or Sobol base sample (power of two)."),
    ] = 64,
    levels: Annotated[
        int, typer.Option(min=2, metavar="N", help="Values per factor (full-factorial).")
    ] = 3,
    model: Annotated[str, typer.Option(metavar="MODEL", help="eum or smp (model sweeps).")] = "eum",
    runs: Annotated[
        int, typer.Option(min=1, metavar="N", help="Monte Carlo runs per point (model sweeps).")
    ] = 200,
    threshold: Annotated[
        float | None,
        typer.Option(metavar="X", help="P(outcome > X) per point; default: the question's."),
    ] = None,
    seed: Annotated[int, typer.Option(min=0, metavar="SEED", help="Random seed.")] = 0,
    world: Annotated[
        Path | None,
        typer.Option("--world", metavar="PATH", help="World file or folder.", show_default=False),
    ] = None,
    jobs: JobsOption = 1,
    scheduler: SchedulerOption = None,
    save: SaveOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print only JSON.")] = False,
) -> None:
    """Sweep lens parameters, perturbation settings or EUM/SMP options over a designed sample."""
    from detente.experiments.sweep import DESIGNS, run_sweep
    from detente.forecast.engine import MODELS

    for flag, value, allowed in (("--design", design, DESIGNS), ("--model", model, MODELS)):
        if value.lower() not in allowed:
            raise UnknownIdError(flag.lstrip("-"), value, allowed)
    check_output_paths(save=save)
    result = run_sweep(
        subject,
        factor,
        lens=_lens_name(lens),
        design=design.lower(),  # type: ignore[arg-type]
        samples=samples,
        levels=levels,
        seed=seed,
        model=model.lower(),
        runs=runs,
        threshold=threshold,
        world=world,
        executor=make_executor(jobs, scheduler),
        progress=None,
    )
    saved = None
    if save is not None:
        from detente.experiments.results import save as save_results

        saved = str(save_results(result.to_results(), save))
    if json_output:
        print_json(result.summary() | {"saved": saved})
        return
    summary = result.summary()
    out = summary["outcome"]
    console.print(
        styled(
            (str(result.manifest["kind"]), "bold"),
            f" of {subject}: {summary['points']} points "
            f"({result.manifest['design']['name']}); {out['name']} mean {out['mean']:.3f}, "
            f"range {out['min']:.3f} – {out['max']:.3f}",
        )
    )
    if result.indices is not None:
        from rich.table import Table  # rich only when printing a table

        table = Table(title="Sobol indices (± 95% bootstrap)", title_justify="left")
        for col in ("outcome", "factor", "S1", "ST"):
            table.add_column(col, justify="left" if col in ("outcome", "factor") else "right")
        for row in result.indices.itertuples(index=False):
            table.add_row(
                row.outcome,
                row.factor,
                f"{row.S1:.3f} ± {row.S1_conf:.3f}",
                f"{row.ST:.3f} ± {row.ST_conf:.3f}",
            )
        console.print(table)
    else:
        console.print(_frame_table("First points", result.to_frame(), 10))
    if saved:
        console.print(f"results set written to {saved} (read it with `detente show`)")


def _lens_name(lens: str | None) -> str | None:
    from detente.errors import match_id
    from detente.lenses import LENSES

    if lens is None:
        return None
    ident = match_id(lens, LENSES)  # lens names are matched ignoring case
    if ident is None:
        raise UnknownIdError("lens", lens, LENSES)
    return ident


def register(app: typer.Typer) -> None:
    """Add ``sweep`` and ``show`` to the root app."""
    app.command("sweep")(sweep_command)
    app.command("show")(show_command)
