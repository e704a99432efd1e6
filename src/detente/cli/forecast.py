"""CLI commands: ``detente forecast`` (a bargaining forecast with uncertainty) and
``detente questions`` (the built-in forecasting questions).

The command is three steps, each a function: resolve the argument to a stakeholder table
(:func:`resolve_subject`: a built-in question id, a question file, or a table file), run the model
with Monte Carlo and sensitivity (:func:`build_report`, a plain dict that ``--json`` prints), and
render the report (:func:`print_report`).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from detente.cli.common import (
    ParamsOption,
    SetOption,
    console,
    parse_settings,
    print_json,
    styled,
)
from detente.cli.run import (
    JobsOption,
    SaveOption,
    SchedulerOption,
    check_output_paths,
    make_executor,
)
from detente.errors import InputError, Problem, UnknownIdError
from detente.experiments.forecast import (
    LENS_THRESHOLD,
    QUANTILES,
    Subject,
    build_report,
    resolve_subject,
)
from detente.forecast.montecarlo import MonteCarloResult, Perturbation

if TYPE_CHECKING:
    from rich.table import Table

    from detente.experiments.lfo import StackedEpisode

__all__ = ["Subject", "build_report", "print_report", "register", "resolve_subject"]

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
    if report.get("csv"):
        console.print(f"positions per {traj['step']} written to {report['csv']}")
    if report.get("saved"):
        console.print(f"results set written to {report['saved']} (read it with `detente show`)")


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
    from rich.table import Table  # rich only when printing a table

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
            "–" if p is None else f"{p['probability']:.3f} ± {p['se']:.3f} (> {p['threshold']:g})",
        )
    return table


def _trajectory_table(report: dict[str, Any]) -> Table:
    traj = report["trajectory"]
    from rich.table import Table  # rich only when printing a table

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
            *(f"{row[f'q{q:g}']:.2f}" for q in QUANTILES),
        )
    return table


def _influence_table(report: dict[str, Any]) -> Table:
    sens = report["sensitivity"]
    index = "mu*" if sens["method"] == "morris" else "ST"
    from rich.table import Table  # rich only when printing a table

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


#: Steps of pairwise work above which a forecast is announced as long before it starts.
LONG_WORK = 2e10


def work_warning(model: str, *, n: int, d: int, rounds: int, runs: int, name: str) -> str | None:
    """A note that a forecast will be long, naming the table and what drives the cost, or
    ``None``.

    Each EUM round weighs every pair of actors by every actor's vote (about ``n**3 * d`` steps);
    each SMP turn compares every pair (``n**2 * d``). The unperturbed run comes on top of the
    ``runs`` replicates. Below :data:`LONG_WORK` steps a run takes seconds, and says nothing.
    """
    per_round = n**3 * d if model == "eum" else n**2 * d
    steps = float(per_round) * rounds * (runs + 1)
    if steps <= LONG_WORK:
        return None
    growth = "the cube" if model == "eum" else "the square"
    return (
        f"{name}: {n} actors on {d} dimension(s), {rounds} rounds x {runs + 1} runs: about "
        f"{steps:.1e} pairwise steps ({model.upper()} work grows with {growth} of the number of "
        "actors); this may take minutes or more. Fewer --runs or --rounds, or merging small "
        "actors, make it faster"
    )


def _check_threshold(threshold: float | None, table: Any, dim: int) -> None:
    """A threshold outside the scale would give P = 0 or 1 whatever the forecast: refuse it."""
    if threshold is None or not math.isfinite(threshold) or not 0 <= dim < len(table.dimensions):
        return  # none given, not finite (refused later with its own message), or a bad --dim
    lo, hi = (float(x) for x in table.bounds[dim])
    if not lo <= threshold <= hi:
        raise InputError(
            Problem(
                None,
                None,
                "--threshold",
                f"{threshold:g} is outside the scale {lo:g}..{hi:g} of {table.dimensions[dim]!r}",
            )
        )


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
    model: Annotated[
        ModelName, typer.Option(case_sensitive=False, help="Bargaining model.")
    ] = ModelName.eum,
    rounds: Annotated[
        int | None,
        typer.Option(
            min=1, metavar="N", help="EUM rounds (default 10) or SMP turn cap (default 100)."
        ),
    ] = None,
    runs: Annotated[int, typer.Option(min=1, metavar="N", help="Monte Carlo replicates.")] = 1000,
    seed: Annotated[
        int, typer.Option(min=0, metavar="SEED", help="Random seed (same seed, same result).")
    ] = 0,
    json_output: Annotated[bool, typer.Option("--json", help="Print only JSON.")] = False,
    plot: Annotated[
        str | None,  # text, not Path: Path("newdir/") would lose the slash that says "a folder"
        typer.Option(metavar="FILE", help="Write a trajectory plot with the Monte Carlo fan."),
    ] = None,
    world: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH", help="World folder or file for questions (default: built-in)."
        ),
    ] = None,
    list_questions: Annotated[
        bool, typer.Option("--list", help="List the built-in questions and exit.")
    ] = False,
    sensitivity: Annotated[
        SensitivityMethod,
        typer.Option(case_sensitive=False, help="Which actors' inputs drive the forecast."),
    ] = SensitivityMethod.morris,
    sensitivity_samples: Annotated[
        int | None,
        typer.Option(
            min=2,
            metavar="N",
            help="Morris trajectories (default 20) or Sobol base sample, a power of two "
            "(default 64).",
            show_default=False,
        ),
    ] = None,
    level: Annotated[
        float, typer.Option(min=0.01, max=0.99, metavar="P", help="Interval level.")
    ] = 0.9,
    threshold: Annotated[
        float | None,
        typer.Option(metavar="X", help="Report P(outcome > X); default: the question's."),
    ] = None,
    dim: Annotated[
        int, typer.Option(min=0, metavar="K", help="Dimension for trajectory, plot, sensitivity.")
    ] = 0,
    dropout: Annotated[
        float, typer.Option(min=0.0, max=0.99, metavar="P", help="Actor dropout probability.")
    ] = 0.05,
    position_sd: Annotated[
        float | None,
        typer.Option(min=0.0, metavar="SD", help="Position noise sd (default 5% of the scale)."),
    ] = None,
    salience_sd: Annotated[
        float, typer.Option(min=0.0, metavar="SD", help="Salience noise sd.")
    ] = 0.05,
    capability_sigma: Annotated[
        float, typer.Option(min=0.0, metavar="SIGMA", help="Lognormal sigma of capability noise.")
    ] = 0.2,
    lens: Annotated[
        str | None,
        typer.Option(
            "--lens",
            "-l",
            metavar="LENS",
            help="Forecast an episode (id or file) on the stakeholder table this theory lens "
            "derives from the world the day before it (e.g. realist, liberal).",
            show_default=False,
        ),
    ] = None,
    sets: SetOption = None,
    params: ParamsOption = None,
    jobs: JobsOption = 1,
    scheduler: SchedulerOption = None,
    save: SaveOption = None,
    csv: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="Write each actor's position per round or turn (unperturbed run) as CSV.",
            show_default=False,
        ),
    ] = None,
    stack: Annotated[
        bool,
        typer.Option(
            "--stack",
            help="Also print the stacked forecaster's P(yes) beside each lens's, with its 90% "
            "interval, fitted only on the episodes dated before this one (the argument must be "
            "an episode; takes a minute or two).",
        ),
    ] = False,
    veto: Annotated[
        str | None,
        typer.Option(
            "--veto",
            metavar="ORG",
            help="Put the outcome to ORG's vote under its recorded rule (e.g. NATO: consensus, "
            "every member a veto player): P(pass) = P(outcome > threshold and the body accepts).",
            show_default=False,
        ),
    ] = None,
    reversion: Annotated[
        float | None,
        typer.Option(
            metavar="X",
            help="With --veto: the point that stands if the body says no (default: the scale's "
            "minimum, nothing agreed).",
            show_default=False,
        ),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            metavar="PATH",
            help="Episode file or folder the stack is fitted on (default: the built-in episodes).",
            show_default=False,
        ),
    ] = None,
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
    if csv is not None:
        from detente.output import check_output

        check_output(csv)  # a folder, a special file or a missing folder fails now
    check_output_paths(save=save)
    if reversion is not None and veto is None:
        raise InputError("--reversion applies only together with --veto")
    stacked = _stacked(subject, world, settings, history) if stack else None
    resolved = resolve_subject(subject, world_path=world, lens=lens, settings=settings)
    if lens is not None and threshold is None:
        threshold = LENS_THRESHOLD
    _check_threshold(threshold, resolved.table, dim)
    note = work_warning(
        model.value,
        n=resolved.table.n,
        d=len(resolved.table.dimensions),
        rounds=rounds or (10 if model.value == "eum" else 100),
        runs=runs,
        name=resolved.label,
    )
    if note is not None:
        logging.getLogger("detente.cli").warning("%s", note)
    perturbation = Perturbation(position_sd, salience_sd, capability_sigma, dropout)
    report, result = build_report(
        resolved,
        model=model.value,
        rounds=rounds,
        runs=runs,
        seed=seed,
        perturbation=perturbation,
        sensitivity=sensitivity.value,
        sensitivity_samples=sensitivity_samples,
        level=level,
        threshold=threshold,
        dim=dim,
        executor=make_executor(jobs, scheduler),
        progress=None,
        keep_inputs=save is not None,
    )
    report["plot"] = _write_plot(plot, result, resolved, report, dim) if plot else None
    report["csv"] = _write_csv(csv, result, dim) if csv else None
    report["saved"] = None
    if save is not None:
        from detente.experiments.forecast import forecast_results
        from detente.experiments.results import save as save_results

        saved = save_results(forecast_results(report, result, resolved, world), save)
        report["saved"] = str(saved)
    if veto is not None:
        date = _subject_date(subject, resolved, world)
        report["veto"] = _veto(veto, reversion, date, resolved, result, report, world, dim)
    if stacked is not None:
        report["stack"] = stacked.json()
    _emit(report, json_output, stacked)


def _emit(report: dict[str, Any], json_output: bool, stacked: StackedEpisode | None) -> None:
    if json_output:
        print_json(report)
        return
    print_report(report)
    if report.get("veto") is not None:
        _print_veto(report["veto"])
    if stacked is not None:
        from detente.cli.explain import print_stacked

        print_stacked(stacked)


def _subject_date(argument: str, subject: Subject, world_path: Path | None) -> dt.date:
    """The day of the decision forecast: the question's, or the episode's under ``--lens``."""
    if subject.question is not None:
        return subject.question.date
    if subject.lens is None:
        raise InputError("--veto needs a question or an episode (a dated decision), not a table")
    from detente.lenses.table import resolve_question
    from detente.world import builtin_world, load_world

    the_world = load_world(world_path) if world_path is not None else builtin_world()
    return resolve_question(argument, the_world).date


def _veto(
    org: str,
    reversion: float | None,
    date: dt.date,
    subject: Subject,
    result: MonteCarloResult,
    report: dict[str, Any],
    world_path: Path | None,
    dim: int,
) -> dict[str, Any]:
    """The outcome put to ``org``'s vote (:func:`detente.institutions.veto.veto_vote`)."""
    from detente.errors import match_id
    from detente.institutions.veto import veto_vote
    from detente.world import builtin_world, load_world

    the_world = load_world(world_path) if world_path is not None else builtin_world()
    snap = the_world.at(date)
    ident = match_id(org, snap.orgs)
    record = snap.organisation(ident) if ident is not None else None
    if record is None or ident is None:
        raise InputError(f"--veto {org}: no such organisation on {date.isoformat()} in the world")
    table = subject.table
    members = snap.members(ident)
    rows = [i for i, a in enumerate(table.actors) if a in members]
    if not rows:
        raise InputError(f"--veto {ident}: none of its members is a stakeholder of the question")
    threshold = report["dimensions"][dim]["p_exceeds"]
    if threshold is None:
        raise InputError("--veto needs a threshold (the question's, or --threshold X)")
    lo, hi = (float(b) for b in table.bounds[dim])
    point = lo if reversion is None else reversion
    if not lo <= point <= hi:
        raise InputError(f"--reversion {point:g} is outside the scale {lo:g}..{hi:g}")
    vote = veto_vote(
        result.outcomes[:, dim],
        float(threshold["threshold"]),
        [table.actors[i] for i in rows],
        table.position[rows, dim],
        table.salience[rows, dim],
        reversion=point,
        bounds=(lo, hi),
        rule=record.decision_rule,
        quota=record.quota,
    )
    return {
        "organisation": ident,
        "rule": vote.rule,
        "date": date.isoformat(),
        "threshold": vote.threshold,
        "reversion": vote.reversion,
        "p_exceeds": vote.p_exceeds,
        "p_pass": vote.p_pass,
        "members": dict(zip(vote.members, vote.p_accept, strict=True)),
        "blockers": list(vote.blockers[:5]),
        "uncoded_members": sorted(set(members) - set(table.actors)),
    }


def _print_veto(veto: dict[str, Any]) -> None:
    console.print(
        styled(
            (f"Put to the vote of {veto['organisation']} ({veto['rule']})", "bold"),
            f": P(outcome > {veto['threshold']:g}) = {veto['p_exceeds']:.3f}; P(it passes) = "
            f"{veto['p_pass']:.3f} (reversion point {veto['reversion']:g}).",
        )
    )
    known = [a for a in veto["blockers"] if not math.isnan(veto["members"][a])]
    shown = ", ".join(f"{a} {veto['members'][a]:.2f}" for a in known)
    if shown:
        console.print(f"least willing members (mean P(accept) where the outcome passes): {shown}")
    if veto["uncoded_members"]:
        console.print(
            f"{len(veto['uncoded_members'])} member(s) with no row in the table are not "
            f"counted: {', '.join(veto['uncoded_members'])}"
        )


def _stacked(
    subject: str, world_path: Path | None, settings: dict[str, object], history: Path | None
) -> StackedEpisode:
    """The stacked forecast of the episode ``subject`` (every registered lens; see ``explain``)."""
    from detente.cli.explain import run_stack, select_lenses
    from detente.lenses.table import resolve_question
    from detente.world import builtin_world, load_world

    the_world = load_world(world_path) if world_path is not None else builtin_world()
    try:
        question = resolve_question(subject, the_world)
    except UnknownIdError:
        raise InputError(
            f"--stack needs an episode (id or file): {subject!r} is not one "
            "(see `detente backtest --json` for the episode ids)"
        ) from None
    return run_stack(question, the_world, select_lenses(None, settings), history)


def _write_plot(
    path: str, result: MonteCarloResult, subject: Subject, report: dict[str, Any], dim: int
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


def _write_csv(path: str, result: MonteCarloResult, dim: int) -> str:
    import csv as csv_module

    from detente.experiments.forecast import position_rows
    from detente.fileio import atomic_path

    rows = position_rows(result, dim)
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv_module.DictWriter(
            handle, fieldnames=["step", "actor", "dimension", "position"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def _list_questions(json_output: bool, world_path: Path | None) -> None:
    from detente.forecast.question import builtin_questions, load_question
    from detente.world import builtin_world, load_world

    world = load_world(world_path) if world_path is not None else builtin_world()
    summaries = [load_question(q, world).summary() for q in builtin_questions()]
    if json_output:
        print_json(summaries)
        return
    from rich.table import Table  # rich only when printing a table

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
