"""CLI commands: ``detente forecast`` (a bargaining forecast with uncertainty) and
``detente questions`` (the built-in forecasting questions).

The command is three steps, each a function: resolve the argument to a stakeholder table
(:func:`resolve_subject`: a built-in question id, a question file, or a table file), run the model
with Monte Carlo and sensitivity (:func:`build_report`, a plain dict that ``--json`` prints), and
render the report (:func:`print_report`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import typer
from rich.table import Table

from detente.cli.common import (
    ParamsOption,
    SetOption,
    console,
    open_world,
    parse_settings,
    print_json,
    styled,
)
from detente.errors import InputError, Problem, UnknownIdError
from detente.forecast.montecarlo import MonteCarloResult, Perturbation, run_monte_carlo
from detente.rng import as_generator, spawn_generators

if TYPE_CHECKING:
    from detente.forecast.engine import Model
    from detente.forecast.question import ForecastQuestion
    from detente.forecast.sensitivity import SensitivityResult
    from detente.forecast.table import StakeholderTable

# The question, table, lens and sensitivity modules are imported where they are used, so that a
# forecast loads only what it runs (no SALib without --sensitivity, no world for a table file).

__all__ = ["Subject", "build_report", "print_report", "register", "resolve_subject"]

SensitivityName = Literal["morris", "sobol", "none"]
_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_MAX_TRAJECTORY_ROWS = 12
_TOP_ACTORS = 5


class ModelName(enum.StrEnum):
    """The bargaining models."""

    eum = "eum"
    smp = "smp"


class SensitivityMethod(enum.StrEnum):
    """Sensitivity analysis: Morris screening, Sobol indices, or none."""

    morris = "morris"
    sobol = "sobol"
    none = "none"


@dataclass(frozen=True)
class Subject:
    """What is being forecast: a table, and the question it comes from (if any)."""

    table: StakeholderTable
    question: ForecastQuestion | None
    label: str


def resolve_subject(
    argument: str,
    *,
    world_path: Path | None = None,
    lens: str | None = None,
    settings: Mapping[str, object] | None = None,
) -> Subject:
    """Turn the command's argument into a stakeholder table.

    A built-in question id (``nato-csto-2009``), a question file (YAML with ``date`` and ``scale``)
    or a table file (plain or KTAB CSV, table YAML). Questions are resolved against the world at
    ``world_path`` (default: the built-in world). With ``lens``, the argument is an episode id or
    file instead, and the lens derives the table from the world the day before the episode
    (:func:`detente.lenses.table.forecast_table_for`); ``settings`` override lens parameters.
    """
    from detente.forecast.question import builtin_questions, is_question_file
    from detente.forecast.table import read_table

    if lens is not None:
        from detente.lenses import lens_overrides
        from detente.lenses.table import forecast_table_for

        overrides = lens_overrides(settings or {}, lens, [lens])
        table = forecast_table_for(argument, lens, open_world(world_path), overrides)
        return Subject(table, None, f"{argument} ({lens} lens)")
    path = Path(argument)
    if path.exists():
        if path.is_dir():
            raise InputError(f"{argument}: is a folder; expected a table or question file")
        if is_question_file(path):
            return Subject(*_question(path, world_path))
        return Subject(read_table(path), None, str(path))
    if argument in builtin_questions():
        return Subject(*_question(argument, world_path))
    if path.suffix.lower() in (".csv", ".yaml", ".yml"):
        raise InputError(f"{argument}: no such file")
    raise UnknownIdError("question or table file", argument, builtin_questions())


def _question(
    ident: str | Path, world_path: Path | None
) -> tuple[StakeholderTable, ForecastQuestion, str]:
    from detente.forecast.question import load_question

    question = load_question(ident, open_world(world_path))
    return question.table, question, question.id


# --------------------------------------------------------------------------------------------
# Running


def build_report(
    subject: Subject,
    *,
    model: Model,
    rounds: int | None,
    runs: int,
    seed: int,
    perturbation: Perturbation,
    sensitivity: SensitivityName = "morris",
    level: float = 0.9,
    threshold: float | None = None,
    dim: int = 0,
) -> tuple[dict[str, Any], MonteCarloResult]:
    """Run the forecast and summarise it as a JSON-ready dict (and the raw Monte Carlo result)."""
    table = subject.table
    if not 0 <= dim < table.d:
        raise InputError(f"--dim {dim} is out of range: the table has {table.d} dimension(s)")
    if threshold is not None and not math.isfinite(threshold):
        raise InputError(f"--threshold must be a finite number, got {threshold}")
    if model == "smp":
        _check_smp_capabilities(subject)
    mc_rng, sa_rng = spawn_generators(as_generator(seed), 2)
    result = run_monte_carlo(table, model, runs, perturbation, rounds, mc_rng)
    if threshold is None and subject.question is not None:
        threshold = subject.question.threshold
    sens = None
    if sensitivity != "none":
        from detente.forecast.sensitivity import analyse_sensitivity

        sens = analyse_sensitivity(
            table,
            model,
            method=sensitivity,
            rounds=result.rounds,
            dim=dim,
            rng=sa_rng,
        )
    report: dict[str, Any] = {
        "subject": _subject_json(subject),
        "model": model,
        "rounds": result.rounds,
        "runs": runs,
        "seed": seed,
        "perturbation": perturbation.describe(),
        "dimensions": [_dimension_json(result, k, level, threshold) for k in range(table.d)],
        "trajectory": _trajectory_json(result, dim),
        "actors": _actors_json(subject, result, dim),
        "sensitivity": _sensitivity_json(sens),
    }
    return report, result


def _check_smp_capabilities(subject: Subject) -> None:
    """The SMP needs every capability above 0 (KTAB rejects zero vote weights); name who has 0."""
    source = subject.question.path if subject.question is not None else subject.label
    problems = [
        Problem(str(source), None, f"actor {actor!r}, capability", "the SMP needs a capability > 0")
        for actor, cap in zip(subject.table.actors, subject.table.capability, strict=True)
        if not cap > 0.0
    ]
    if problems:
        raise InputError(problems)


def _subject_json(subject: Subject) -> dict[str, Any]:
    table = subject.table
    out: dict[str, Any] = {"kind": "table", "name": table.name, "source": subject.label}
    if subject.question is not None:
        out = {"kind": "question"} | subject.question.summary()
    out["description"] = table.description
    return out


def _dimension_json(
    result: MonteCarloResult, k: int, level: float, threshold: float | None
) -> dict[str, Any]:
    low, high = result.interval(level)
    quantiles = result.quantiles(list(_QUANTILES))
    counts, edges = result.histogram(bins=20, dim=k)
    out: dict[str, Any] = {
        "name": result.table.dimensions[k],
        "bounds": [float(v) for v in result.table.bounds[k]],
        "forecast": float(result.forecast[k]),
        "median": float(np.median(result.outcomes[:, k])),
        "mean": float(np.mean(result.outcomes[:, k])),
        "interval": {"level": level, "low": float(low[k]), "high": float(high[k])},
        "quantiles": {f"{q:g}": float(quantiles[i, k]) for i, q in enumerate(_QUANTILES)},
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
        "p_exceeds": None,
    }
    if threshold is not None:
        out["p_exceeds"] = {"threshold": threshold, "probability": result.p_exceeds(threshold, k)}
    return out


def _trajectory_json(result: MonteCarloResult, dim: int) -> dict[str, Any]:
    bands = result.bands(list(_QUANTILES))[:, :, dim]  # (q, T+1)
    base = result.base.outcome[0, :, dim]
    rows = []
    for t in range(bands.shape[1]):
        row = {"step": t, "forecast": float(base[min(t, base.size - 1)])}
        row |= {f"q{q:g}": float(bands[i, t]) for i, q in enumerate(_QUANTILES)}
        rows.append(row)
    return {
        "step": "round" if result.model == "eum" else "turn",
        "dimension": result.table.dimensions[dim],
        "turns": int(result.base.turns[0]),
        "mean_turns": float(result.turns.mean()),
        "at_cap": int(np.count_nonzero(result.turns >= result.rounds))
        if result.model == "smp"
        else 0,
        "rows": rows,
    }


def _actors_json(subject: Subject, result: MonteCarloResult, dim: int) -> list[dict[str, Any]]:
    table = subject.table
    names = subject.question.names if subject.question else {}
    final = result.base.positions[0, -1, :, dim]
    dropped = result.dropout_rate()
    return [
        {
            "id": actor,
            "name": names.get(actor, actor),
            "capability": float(table.capability[a]),
            "position": float(table.position[a, dim]),
            "salience": float(table.salience[a, dim]),
            "final_position": float(final[a]),
            "dropout_rate": float(dropped[a]),
            "note": table.notes[a],
            "sources": list(table.sources[a]),
        }
        for a, actor in enumerate(table.actors)
    ]


def _sensitivity_json(sens: SensitivityResult | None) -> dict[str, Any] | None:
    if sens is None:
        return None
    return {
        "method": sens.method,
        "evaluations": sens.evaluations,
        "by_actor": [{"actor": a, "influence": v} for a, v in sens.by_actor()],
        "factors": sens.to_records(),
    }


# --------------------------------------------------------------------------------------------
# Printing


def print_report(report: dict[str, Any]) -> None:
    """Render the report as rich tables on stdout."""
    _print_header(report)
    console.print(_forecast_table(report))
    console.print(_trajectory_table(report))
    traj = report["trajectory"]
    if traj["at_cap"]:
        console.print(
            f"{traj['at_cap']} of {report['runs']} replicates reached the {report['rounds']}-turn "
            "cap before the SMP's stopping rule fired (their last turn is used)."
        )
    if report["sensitivity"] is not None:
        console.print(_influence_table(report))
    anchors = (
        report["subject"].get("scale", {}).get("anchors") if "scale" in report["subject"] else None
    )
    if anchors:
        console.print(
            styled(("Scale", "bold"), ": " + "; ".join(f"{k} = {v}" for k, v in anchors.items()))
        )
    if report.get("plot"):
        console.print(f"plot written to {report['plot']}")


def _print_header(report: dict[str, Any]) -> None:
    subject = report["subject"]
    if subject["kind"] == "question":
        console.print(
            styled((subject["title"], "bold"), f" ({subject['id']}, as of {subject['date']})")
        )
        console.print(subject["question"])
    else:
        console.print(styled((subject["name"], "bold"), f" ({subject['source']})"))
    console.print(
        f"model {report['model'].upper()}, {report['rounds']} "
        f"{'rounds' if report['model'] == 'eum' else 'turns at most'}, "
        f"{report['runs']} Monte Carlo runs, seed {report['seed']}"
    )


def _forecast_table(report: dict[str, Any]) -> Table:
    table = Table(title="Forecast", title_justify="left")
    for col in ("dimension", "forecast", "MC median", "interval", "P(> threshold)"):
        table.add_column(col, justify="left" if col == "dimension" else "right")
    for dim in report["dimensions"]:
        iv = dim["interval"]
        p = dim["p_exceeds"]
        table.add_row(
            dim["name"],
            f"{dim['forecast']:.2f}",
            f"{dim['median']:.2f}",
            f"{iv['low']:.2f} – {iv['high']:.2f} ({iv['level']:.0%})",
            "–" if p is None else f"{p['probability']:.3f} (> {p['threshold']:g})",
        )
    return table


def _trajectory_table(report: dict[str, Any]) -> Table:
    traj = report["trajectory"]
    table = Table(title=f"Trajectory ({traj['dimension']})", title_justify="left")
    for col in (traj["step"], "forecast", "5%", "25%", "median", "75%", "95%"):
        table.add_column(col, justify="right")
    rows = traj["rows"]
    stride = max(1, -(-len(rows) // _MAX_TRAJECTORY_ROWS))
    shown = rows[::stride] if rows[-1] in rows[::stride] else [*rows[::stride], rows[-1]]
    for row in shown:
        table.add_row(
            str(row["step"]),
            f"{row['forecast']:.2f}",
            *(f"{row[f'q{q:g}']:.2f}" for q in _QUANTILES),
        )
    return table


def _influence_table(report: dict[str, Any]) -> Table:
    sens = report["sensitivity"]
    index = "mu*" if sens["method"] == "morris" else "ST"
    table = Table(
        title=f"Most influential actors ({sens['method']}, {sens['evaluations']} runs)",
        title_justify="left",
    )
    for col in ("actor", f"sum of {index}", "strongest input", index, "± 95%"):
        table.add_column(col, justify="left" if col in ("actor", "strongest input") else "right")
    for item in sens["by_actor"][:_TOP_ACTORS]:
        top = next(f for f in sens["factors"] if f["actor"] == item["actor"])
        table.add_row(
            item["actor"],
            f"{item['influence']:.3f}",
            top["input"],
            f"{top['influence']:.3f}",
            f"{top['confidence']:.3f}",
        )
    return table


# --------------------------------------------------------------------------------------------
# Commands


def forecast_command(
    subject: Annotated[
        str | None,
        typer.Argument(
            help="A built-in question id (see --list), a question file or a table file "
            "(CSV or YAML).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[ModelName, typer.Option(help="Bargaining model.")] = ModelName.eum,
    rounds: Annotated[
        int | None,
        typer.Option(min=1, help="EUM rounds (default 10) or SMP turn cap (default 100)."),
    ] = None,
    runs: Annotated[int, typer.Option(min=1, help="Monte Carlo replicates.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed (same seed, same result).")] = 0,
    json_output: Annotated[bool, typer.Option("--json", help="Print only JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write a trajectory plot with the Monte Carlo fan.")
    ] = None,
    world: Annotated[
        Path | None, typer.Option(help="World folder or file for questions (default: built-in).")
    ] = None,
    list_questions: Annotated[
        bool, typer.Option("--list", help="List the built-in questions and exit.")
    ] = False,
    sensitivity: Annotated[
        SensitivityMethod, typer.Option(help="Which actors' inputs drive the forecast.")
    ] = SensitivityMethod.morris,
    level: Annotated[float, typer.Option(min=0.01, max=0.99, help="Interval level.")] = 0.9,
    threshold: Annotated[
        float | None, typer.Option(help="Report P(outcome > threshold); default: the question's.")
    ] = None,
    dim: Annotated[
        int, typer.Option(min=0, help="Dimension for trajectory, plot, sensitivity.")
    ] = 0,
    dropout: Annotated[
        float, typer.Option(min=0.0, max=0.99, help="Actor dropout probability.")
    ] = 0.05,
    position_sd: Annotated[
        float | None, typer.Option(min=0.0, help="Position noise sd (default 5% of the scale).")
    ] = None,
    salience_sd: Annotated[float, typer.Option(min=0.0, help="Salience noise sd.")] = 0.05,
    capability_sigma: Annotated[
        float, typer.Option(min=0.0, help="Lognormal sigma of capability noise.")
    ] = 0.2,
    lens: Annotated[
        str | None,
        typer.Option(
            help="Forecast an episode (id or file) on the stakeholder table this theory lens "
            "derives from the world the day before it (e.g. realist, liberal).",
            show_default=False,
        ),
    ] = None,
    sets: SetOption = None,
    params: ParamsOption = None,
) -> None:
    """Forecast a question or stakeholder table with a bargaining model, with uncertainty."""
    if list_questions:
        _list_questions(json_output, world)
        return
    if subject is None:
        raise InputError("give a question id or a table file (see `detente forecast --list`)")
    settings = parse_settings(sets, params)
    if settings and lens is None:
        raise InputError("--set and --params change lens parameters: give --lens too")
    if plot is not None:
        from detente.forecast.plot import plot_format

        plot_format(plot)  # a bad plot path fails now, not after the runs
    resolved = resolve_subject(subject, world_path=world, lens=lens, settings=settings)
    if lens is not None and threshold is None:
        threshold = 50.0  # a lens table runs from the no outcome (0) to the yes outcome (100)
    perturbation = Perturbation(position_sd, salience_sd, capability_sigma, dropout)
    report, result = build_report(
        resolved,
        model=model.value,
        rounds=rounds,
        runs=runs,
        seed=seed,
        perturbation=perturbation,
        sensitivity=sensitivity.value,
        level=level,
        threshold=threshold,
        dim=dim,
    )
    report["plot"] = _write_plot(plot, result, resolved, report, dim) if plot else None
    if json_output:
        print_json(report)
    else:
        print_report(report)


def _write_plot(
    path: Path, result: MonteCarloResult, subject: Subject, report: dict[str, Any], dim: int
) -> str:
    from detente.forecast.plot import plot_forecast

    question = subject.question
    threshold = report["dimensions"][dim]["p_exceeds"]
    title = question.title if question else subject.table.name
    anchors = {float(k): v for k, v in question.anchors.items()} if question else None
    plot_forecast(
        result,
        path,
        dim=dim,
        title=f"{title}: {result.model.upper()}",
        threshold=threshold["threshold"] if threshold else None,
        anchors=anchors,
    )
    return str(path)


def _list_questions(json_output: bool, world_path: Path | None) -> None:
    from detente.forecast.question import builtin_questions, load_question
    from detente.world import builtin_world, load_world

    world = load_world(world_path) if world_path is not None else builtin_world()
    summaries = [load_question(q, world).summary() for q in builtin_questions()]
    if json_output:
        print_json(summaries)
        return
    table = Table(title="Built-in questions", title_justify="left")
    for col in ("id", "date", "actors", "threshold", "title"):
        table.add_column(col)
    for s in summaries:
        threshold = "–" if s["threshold"] is None else f"{s['threshold']:g}"
        table.add_row(s["id"], s["date"], str(s["actors"]), threshold, s["title"])
    console.print(table)


def questions_command(
    json_output: Annotated[bool, typer.Option("--json", help="Print only JSON.")] = False,
    world: Annotated[
        Path | None, typer.Option(help="World folder or file (default: built-in).")
    ] = None,
) -> None:
    """List the built-in forecasting questions."""
    _list_questions(json_output, world)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("forecast")(forecast_command)
    app.command("questions")(questions_command)
