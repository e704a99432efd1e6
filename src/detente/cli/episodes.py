"""``detente episodes import igo|atop FILE``: decision opportunities from a user's data file.

The command reads a COW IGO v3 state-year file or an ATOP 5.x member-level file (which Détente
does not ship), keeps the states, organisations and years of the world (``--world``, default the
built-in one), and writes the join and leave opportunities as an episode file that ``detente
backtest`` and ``detente world check --episodes`` read. It prints how many rows it read, used
and skipped (with the reason of each, and every COW code and organisation the world lacks); the
file is written to a temporary name and renamed, so a refused run leaves none.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli.common import WorldOption, console, open_world, styled
from detente.errors import InputError, Problem
from detente.output import check_output

if TYPE_CHECKING:
    from detente.importers.opportunities import OpportunityImport

__all__ = ["register"]

episodes_app = typer.Typer(
    help="Build episode files: decision opportunities from COW IGO or ATOP files.",
    no_args_is_help=True,
)
import_app = typer.Typer(
    help="Import decision opportunities from a data file you supply (Détente ships none).",
    no_args_is_help=True,
)
episodes_app.add_typer(import_app, name="import")

FileArgument = Annotated[Path, typer.Argument(help="The data file (CSV).", show_default=False)]
SourceOption = Annotated[
    str,
    typer.Option(
        "--source",
        metavar="ID",
        help="The world's source id the episodes cite (a sources record for the data set).",
    ),
]
OutputOption = Annotated[
    Path,
    typer.Option("--output", "-o", metavar="FILE", help="The episode file to write (YAML)."),
]
FromOption = Annotated[
    int | None,
    typer.Option("--from", metavar="YEAR", help="First opportunity year.", show_default=False),
]
ToOption = Annotated[
    int | None,
    typer.Option(
        "--to", metavar="YEAR", help="Last opportunity year (inclusive).", show_default=False
    ),
]
ControlsOption = Annotated[
    int | None,
    typer.Option(
        "--controls",
        metavar="K",
        min=0,
        help="Keep every event and K non-events per event, drawn at random (default: all).",
        show_default=False,
    ),
]
SeedOption = Annotated[
    int, typer.Option("--seed", metavar="SEED", help="Seed of the --controls draw.")
]


def register(app: typer.Typer) -> None:
    """Add the ``episodes`` command group to the root app."""
    app.add_typer(episodes_app, name="episodes")


def _years(start: int | None, stop: int | None) -> tuple[int, int] | None:
    if start is None and stop is None:
        return None
    lo, hi = start if start is not None else -(10**6), stop if stop is not None else 10**6
    if lo > hi:
        raise InputError(Problem(None, None, "--from", f"{lo} is after --to {hi}"))
    return lo, hi


def _pairs(items: list[str] | None, option: str, *, numeric: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    problems = []
    for item in items or []:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not key or (sep and not value) or (numeric and (not sep or not key.isdigit())):
            form = "ATOPID=ORG" if numeric else "NAME or NAME=ORG"
            problems.append(Problem(None, None, option, f"{item!r} is not {form}"))
            continue
        out[key] = value if sep else key
    if problems:
        raise InputError(problems)
    return out


def _summary(result: OpportunityImport, out: Path) -> None:
    console.print(f"read {result.rows_read} rows of {result.file} ({result.kind} file)")
    console.print(f"  used {result.rows_used} rows")
    for why, n in result.skipped.items():
        console.print(styled(("  skipped", "yellow"), f" {n} rows: {why}"))
    if result.unknown_states:
        codes = ", ".join(f"{c} (line {line})" for c, line in result.unknown_states.items())
        console.print(
            f"  {len(result.unknown_states)} COW codes are not states of the world "
            f"(first line of each): {codes}"
        )
    if result.unknown_orgs:
        console.print(
            f"  {len(result.unknown_orgs)} organisations are not in the world, not used: "
            + ", ".join(result.unknown_orgs)
        )
    for why, n in result.dropped.items():
        console.print(styled(("  left out", "yellow"), f" {n} opportunities: {why}"))
    non_events = result.opportunities - result.events
    console.print(
        f"opportunities: {result.opportunities} "
        f"({result.events} events, {non_events} non-events); written: {len(result.episodes)} "
        f"({result.events} events, {result.controls} non-events)"
    )
    console.print(f"organisations: {', '.join(result.orgs) if result.orgs else 'none'}")
    console.print(f"wrote {len(result.episodes)} episodes to {out}")


def _write(result: OpportunityImport, out: Path, command: list[str]) -> None:
    from detente.importers.opportunities import episodes_yaml
    from detente.output import atomic_write

    if not result.episodes:
        reasons = [
            Problem(result.file, None, None, f"{n} rows: {w}") for w, n in result.skipped.items()
        ]
        head = Problem(result.file, None, None, "no decision opportunity to write")
        raise InputError([head, *reasons])
    header = [
        f"Decision opportunities (origin: generated) from {Path(result.file).name}",
        f"({result.kind} file), by detente.importers.opportunities:",
        "  " + " ".join(shlex.quote(a) for a in command),
        f"{result.rows_read} rows read, {result.rows_used} used; {result.opportunities} "
        f"opportunities, {result.events} events; {len(result.episodes)} written.",
        "Do not edit by hand: rerun the command.",
    ]
    with atomic_write(out) as handle:
        handle.write(episodes_yaml(result.episodes, header))
    _summary(result, out)


@import_app.command("igo")
def igo_command(
    file: FileArgument,
    source: SourceOption,
    output: OutputOption,
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            metavar="NAME[=ORG]",
            help="Use only this organisation column (repeatable); NAME=ORG names the world's "
            "organisation it is (default: the column's name, upper-cased).",
            show_default=False,
        ),
    ] = None,
    start: FromOption = None,
    stop: ToOption = None,
    controls: ControlsOption = None,
    seed: SeedOption = 0,
    world: WorldOption = None,
) -> None:
    """Join and leave opportunities from a COW IGO v3 state-year file (state_year_formatv3.csv)."""
    from detente.importers.opportunities import igo_import

    check_output(output)  # a path that cannot be written fails before the work
    years = _years(start, stop)
    orgs = _pairs(org, "--org", numeric=False) or None
    the_world = open_world(world)
    result = igo_import(
        file,
        source=source,
        orgs=orgs,
        years=years,
        world=the_world,
        controls=controls,
        seed=seed,
    )
    _write(
        result,
        output,
        _argv("igo", file, source, output, (start, stop), controls, seed, world, org),
    )


@import_app.command("atop")
def atop_command(
    file: FileArgument,
    source: SourceOption,
    output: OutputOption,
    alliance: Annotated[
        list[str] | None,
        typer.Option(
            "--alliance",
            metavar="ATOPID=ORG",
            help="The world's organisation that ATOP alliance ATOPID is (repeatable), e.g. "
            "3180=NATO; other alliances are listed and not used.",
            show_default=False,
        ),
    ] = None,
    last_year: Annotated[
        int,
        typer.Option(
            "--last-year",
            metavar="YEAR",
            help="The data's last year: spells still open (yrexit 0) run to it.",
        ),
    ] = 2018,
    start: FromOption = None,
    stop: ToOption = None,
    controls: ControlsOption = None,
    seed: SeedOption = 0,
    world: WorldOption = None,
) -> None:
    """Leave opportunities from an ATOP 5.x member-level file (atop5_1m.csv)."""
    from detente.importers.opportunities import atop_import

    check_output(output)
    years = _years(start, stop)
    mapping = {int(k): v for k, v in _pairs(alliance, "--alliance", numeric=True).items()}
    the_world = open_world(world)
    result = atop_import(
        file,
        source=source,
        last_year=last_year,
        years=years,
        world=the_world,
        alliances=mapping,
        controls=controls,
        seed=seed,
    )
    extra = [f"--last-year={last_year}"]
    _write(
        result,
        output,
        _argv("atop", file, source, output, (start, stop), controls, seed, world, alliance, extra),
    )


def _argv(
    kind: str,
    file: Path,
    source: str,
    output: Path,
    years: tuple[int | None, int | None],
    controls: int | None,
    seed: int,
    world: Path | None,
    pairs: list[str] | None,
    extra: list[str] | None = None,
) -> list[str]:
    """The command line that rebuilds the file (for its header)."""
    flag = "--org" if kind == "igo" else "--alliance"
    args = ["detente", "episodes", "import", kind, str(file), "--source", source]
    args += [f"{flag}={p}" for p in pairs or []]
    if years[0] is not None:
        args.append(f"--from={years[0]}")
    if years[1] is not None:
        args.append(f"--to={years[1]}")
    if controls is not None:
        args += [f"--controls={controls}", f"--seed={seed}"]
    if world is not None:
        args += ["--world", str(world)]
    return [*args, *(extra or []), "-o", str(output)]
