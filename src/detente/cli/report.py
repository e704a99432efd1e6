"""CLI command: ``detente report`` (one self-contained HTML page with every part's figures)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import WorldOption, console, open_world
from detente.errors import InputError

__all__ = ["register", "report_command"]


def report_command(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for report.html (created if missing).")
    ] = Path("report"),
    world: WorldOption = None,
    title: Annotated[str | None, typer.Option(help="Title of the page.")] = None,
    dpi: Annotated[int, typer.Option(min=30, max=600, help="Resolution of the figures.")] = 110,
    width: Annotated[
        float, typer.Option(min=3.0, max=30.0, help="Width of the figures in inches.")
    ] = 8.0,
    seed: Annotated[int, typer.Option(help="Seed of every random draw in the report.")] = 1,
    runs: Annotated[
        int, typer.Option(min=1, help="Monte Carlo replicates per forecast question.")
    ] = 200,
    simulation: Annotated[
        tuple[int, int],
        typer.Option("--simulation", metavar="FROM TO", help="Window of the simulation section."),
    ] = (2008, 2012),
    simulation_runs: Annotated[
        int,
        typer.Option(
            "--simulation-runs", min=1, metavar="N", help="Runs of each simulated scenario."
        ),
    ] = 100,
    simulation_kind: Annotated[
        list[str] | None,
        typer.Option(
            "--simulation-kind",
            metavar="KIND",
            help="Kind of organisation whose memberships the simulation decides (repeatable; "
            "default alliance and collective-security).",
            show_default=False,
        ),
    ] = None,
    simulation_calibrate: Annotated[
        bool,
        typer.Option(help="Calibrated probabilities in the simulation (stack fitted before it)."),
    ] = True,
    simulation_lens: Annotated[
        str,
        typer.Option(
            "--simulation-lens",
            metavar="LENS|stack",
            help="What decides the simulation: a lens, or stack (the stack of every lens, the "
            "forecaster the backtest scores; needs calibrated probabilities).",
        ),
    ] = "stack",
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            metavar="NAME|FILE",
            help="Scenario simulated beside the record (repeatable; a built-in name or a YAML "
            "file; default us-indifferent-2009).",
            show_default=False,
        ),
    ] = None,
    highlight: Annotated[
        list[str] | None,
        typer.Option(
            "--highlight",
            help="Actor drawn in colour and labelled (repeatable; default: RUS, USA and the "
            "Central Asian, Armenian and Belarusian states); the rest are grouped as 'others'.",
            show_default=False,
        ),
    ] = None,
    episodes: Annotated[
        Path | None,
        typer.Option(
            "--episodes",
            help="Episode file or folder scored in the backtest section (default: the built-in "
            "episodes).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write one HTML page (no network needed): memberships, capabilities, forecasts,
    explanations, backtest, the simulation through time and bibliography."""
    from detente.report import ReportOptions, write_report

    the_world = open_world(world)
    start, end = simulation
    if end < start:
        raise InputError(f"--simulation: the window ends ({end}) before it starts ({start})")
    from detente.decisions.opportunities import MEMBERSHIP_KINDS

    unknown = sorted(set(simulation_kind or ()) - set(MEMBERSHIP_KINDS))
    if unknown:  # checked before any work: the simulation section comes last
        raise InputError(
            f"--simulation-kind: unknown kind {', '.join(unknown)} (known: "
            f"{', '.join(MEMBERSHIP_KINDS)})"
        )
    if simulation_lens == "stack":
        if not simulation_calibrate:
            raise InputError(
                "--simulation-lens stack: the stack decides only with calibrated probabilities; "
                "give a lens (e.g. --simulation-lens realist) with --no-simulation-calibrate"
            )
    else:
        from detente.lenses import get_lens

        get_lens(simulation_lens)  # an unknown lens is an error before any work
    options = ReportOptions(
        dpi=dpi,
        width=width,
        seed=seed,
        runs=runs,
        simulation=(start, end),
        simulation_runs=simulation_runs,
        simulation_kinds=tuple(simulation_kind or ()),
        simulation_calibrate=simulation_calibrate,
        simulation_lens=simulation_lens,
        episodes=None if episodes is None else str(episodes),
    )
    if scenario is not None:
        options = replace(options, scenarios=tuple(scenario))
    if title is not None:
        options = replace(options, title=title)
    if highlight:
        for actor in highlight:
            the_world.require_actor(actor)
        options = replace(options, highlight=tuple(highlight))
    path = write_report(the_world, options, out)
    console.print(f"report written to {path}")


def register(app: typer.Typer) -> None:
    """Add ``report`` to the root app."""
    app.command("report")(report_command)
