"""CLI command: ``detente simulate`` (the system through time, scored against the record)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from detente.cli.common import WorldOption, console, open_world, print_json, styled
from detente.cli.run import (
    JobsOption,
    SaveOption,
    SchedulerOption,
    check_output_paths,
    make_executor,
)
from detente.errors import InputError, Problem

if TYPE_CHECKING:
    from detente.simulation import SimulationResult

__all__ = ["register", "simulate_command"]


def _scenario_path(value: str) -> Path:
    """A scenario file, or the name of a built-in one (``us-indifferent-2009``)."""
    from detente.simulation import builtin_scenarios

    path = Path(value)
    if path.exists():
        return path
    shipped = builtin_scenarios()
    if value in shipped:
        return shipped[value]
    raise InputError(
        Problem(
            None,
            None,
            "--scenario",
            f"{value}: no such file, and no built-in scenario of "
            f"that name (built-in: {', '.join(shipped)})",
        )
    )


def simulate_command(
    start: Annotated[
        int | None,
        typer.Option(
            "--from",
            metavar="YEAR",
            min=1993,
            max=2200,
            help="First simulated year (default 2002).",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        int | None,
        typer.Option(
            "--to",
            min=1993,
            max=2200,
            help="Last simulated year (default 2012).",
            show_default=False,
        ),
    ] = None,
    lens: Annotated[
        list[str] | None,
        typer.Option(
            "--lens",
            help="Lens deciding the questions (repeatable: one simulation each; default realist).",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            metavar="FILE",
            help="Counterfactual scenario: a YAML file or a built-in name (docs/simulation.md).",
            show_default=False,
        ),
    ] = None,
    runs: Annotated[int, typer.Option(min=1, help="Runs (each with its own seed).")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the runs.")] = 1,
    feedback: Annotated[
        str,
        typer.Option(
            metavar="none|own|full",
            help="What decisions see of a run's changes: none (fast), own, full (exact, slow).",
        ),
    ] = "none",
    projection: Annotated[
        str,
        typer.Option(metavar="hold|trend", help="Capabilities past the data's end: hold or trend."),
    ] = "hold",
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="Kind of organisation whose memberships are decided "
            "(repeatable; default alliance and collective-security).",
            show_default=False,
        ),
    ] = None,
    calibrate: Annotated[
        bool, typer.Option(help="Calibrated probabilities (stack fitted before --from).")
    ] = True,
    stacked: Annotated[
        bool,
        typer.Option(
            "--stack",
            help="Also simulate with the stack of all the --lens lenses (two or more): one "
            "more simulation, decided by the forecaster the backtest scores, fitted before --from.",
        ),
    ] = False,
    top: Annotated[
        int, typer.Option(min=1, metavar="N", help="Events listed in the summary.")
    ] = 20,
    world: WorldOption = None,
    jobs: JobsOption = 1,
    scheduler: SchedulerOption = None,
    save: SaveOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print only JSON.")] = False,
) -> None:
    """Simulate the system year by year (states and organisations as agents) and score the runs
    against what happened in the window."""
    from detente.decisions.episodes import builtin_episodes
    from detente.experiments.runner import progress_bar
    from detente.lenses import get_lens
    from detente.simulation import build_setting, load_scenario, simulate
    from detente.simulation.experiment import progress_total

    check_output_paths(save=save)
    the_world = open_world(world)
    episodes = builtin_episodes()
    chosen = load_scenario(_scenario_path(scenario), the_world, episodes) if scenario else None
    header = chosen.scenario if chosen else None
    first = start if start is not None else (header.from_ if header and header.from_ else 2002)
    last = end if end is not None else (header.to if header and header.to else max(first, 2012))
    if last < first:
        raise InputError(Problem(None, None, "--to", f"{last} is before --from {first}"))
    names = lens or ["realist"]
    if stacked and len(set(names)) < 2:
        raise InputError(
            Problem(
                None,
                None,
                "--stack",
                "needs two or more different --lens (e.g. --lens realist --lens liberal)",
            )
        )
    if stacked and not calibrate:
        raise InputError(
            Problem(
                None, None, "--stack", "the stack decides only when calibrated: drop --no-calibrate"
            )
        )
    lenses = {name: get_lens(name) for name in names}  # one per name, in the order given
    deciders: list[tuple[str, Any]] = [(name, lenses[name]) for name in names]
    if stacked:
        deciders.append(("stack", list(lenses.values())))
    executor = make_executor(jobs, scheduler)
    results = []
    for name, deciding in deciders:
        try:
            setting = build_setting(
                the_world,
                deciding,
                episodes,
                start=first,
                end=last,
                scenario=chosen,
                feedback=feedback,
                projection=projection,
                calibrate=calibrate,
                kinds=kinds or (),
            )
        except ValueError as exc:
            raise InputError(str(exc)) from None
        with progress_bar(progress_total(setting, runs), f"simulating ({name})") as advance:
            results.append(
                simulate(setting, runs=runs, seed=seed, executor=executor, advance=advance)
            )
    if save is not None:
        from detente.experiments.results import save as save_results

        inputs = {
            "subject": f"{first}-{last}",
            "world": {"name": the_world.header.name},
            "scenario": scenario,
        }
        if len(results) == 1:
            save_results(results[0].result_set(inputs), save)
        else:
            for r in results:
                save_results(r.result_set(inputs), save / r.lens)
    if json_output:
        print_json({"simulations": [r.to_json(top) for r in results]})
        return
    for r in results:
        _print(r, top)
    _print_scores(results)


def _print(r: SimulationResult, top: int) -> None:
    console.print(
        styled(
            ("Simulation", "bold"),
            f" {r.start}–{r.end}, lens {r.lens}, scenario "
            f"{r.scenario!r}: {len(r.runs)} runs, seed {r.seed}, feedback {r.feedback}",
        )
    )
    console.print(f"probabilities: {r.calibration}")
    table = Table(title="Most frequent events (share of runs, and when)", title_justify="left")
    for col in ("event", "share", "mean year", "years", "why (first run with it)"):
        table.add_column(col, justify="right" if col in ("share", "mean year") else "left")
    for row in r.summary().head(top).itertuples(index=False):
        table.add_row(
            str(row.key),
            f"{row.share:.2f}",
            f"{row.mean_year:.1f}",
            f"{row.first_year}–{row.last_year}",
            str(row.explanation),
        )
    console.print(table)


def _print_scores(results: list[SimulationResult]) -> None:
    table = Table(
        title="Against the record (reproduced: share of actual events a run reproduces; "
        "Brier: lower is better)",
        title_justify="left",
    )
    for col in (
        "lens",
        "family",
        "units",
        "actual",
        "reproduced",
        "Brier",
        "nothing changes: reproduced",
        "Brier",
    ):
        table.add_column(col, justify="left" if col in ("lens", "family") else "right")

    def f(v: Any) -> str:
        return "—" if v != v else f"{v:.3f}"

    for r in results:
        for s in r.scores:
            table.add_row(
                r.lens,
                s.family,
                str(s.units),
                str(s.actual),
                f(s.reproduced),
                f(s.brier),
                f(s.reproduced_nothing),
                f(s.brier_nothing),
            )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the root app."""
    app.command("simulate")(simulate_command)
