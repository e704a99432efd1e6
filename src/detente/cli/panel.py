"""``detente panel ...``: build state-years, dyad-years or state-organisation-years into a file.

The output format follows the suffix of ``--out``: ``.csv`` or ``.parquet`` (Parquet needs the
``parquet`` extra, ``pip install 'detente[parquet]'``). The file is written to a temporary name
and renamed, so a failed run leaves no partial file. NumPy and pandas are imported only when a
command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli.common import WorldOption, err_console, open_world
from detente.errors import InputError, Problem
from detente.fileio import atomic_path

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from detente.panels.portfolios import Portfolios

__all__ = ["register"]

panel_app = typer.Typer(
    help="Build panels (state-years, dyad-years, state-org-years) as CSV or Parquet files.",
    no_args_is_help=True,
)

FromOption = Annotated[int, typer.Option("--from", help="First year.")]
ToOption = Annotated[int, typer.Option("--to", help="Last year (inclusive).")]
OutOption = Annotated[
    Path, typer.Option("--out", "-o", help="Output file: .csv or .parquet (by suffix).")
]
WithOption = Annotated[
    str,
    typer.Option(
        "--with",
        help="Comma-separated covariates (see docs/measures.md), e.g. cinc,kappa,rivalry.",
    ),
]
SystemOrgOption = Annotated[
    str,
    typer.Option(
        "--system-org",
        help="Organisation whose members at a year's end are that year's states ('none': all "
        "of the world's states every year).",
    ),
]

SUFFIXES = (".csv", ".parquet")


def register(app: typer.Typer) -> None:
    """Add the ``panel`` command group to the root app."""
    app.add_typer(panel_app, name="panel")


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _check_out(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            Problem(None, None, "--out", f"{out}: expected a .csv or .parquet file name")
        )
    from detente.output import check_output

    check_output(out)  # a folder, a device, a FIFO or a missing folder fails before the work
    return suffix


def write_frame(frame: pd.DataFrame, out: Path) -> None:
    """Write ``frame`` to ``out`` (CSV or Parquet by suffix), atomically."""
    suffix = _check_out(out)
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError(
                Problem(
                    None,
                    None,
                    "--out",
                    "writing Parquet needs pyarrow: pip install 'detente[parquet]' (or use .csv)",
                )
            ) from None
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)
    err_console.print(f"wrote {len(frame):,} rows x {frame.shape[1]} columns to {out}")


def _system_org(text: str) -> str | None:
    return None if text.lower() == "none" else text


def _nmc_override(nmc: pd.DataFrame) -> Callable[[Portfolios], npt.NDArray[np.float64]]:
    from detente.importers.nmc import nmc_cinc

    def cinc_of(portfolios: Portfolios) -> npt.NDArray[np.float64]:
        return nmc_cinc(nmc, portfolios.cow, portfolios.years)

    return cinc_of


@panel_app.command("dyad-years")
def dyad_years_command(
    from_: FromOption,
    to: ToOption,
    out: OutOption,
    with_: WithOption = "",
    directed: Annotated[
        bool, typer.Option("--directed", help="Both orders of each pair (default: once).")
    ] = False,
    coding: Annotated[
        str,
        typer.Option(
            "--coding", help="Portfolio codings of similarity columns: valued, any, defence."
        ),
    ] = "valued,any,defence",
    system: Annotated[
        str,
        typer.Option(
            "--system",
            help="States the portfolios span: 'global', regions (europe, asia, ...) and/or "
            "state ids, comma-separated.",
        ),
    ] = "global",
    system_org: SystemOrgOption = "UN",
    atop: Annotated[
        Path | None,
        typer.Option(
            "--atop",
            help="ATOP 5.x directed dyad-year CSV (atop5_1ddyr.csv) to take alliances from "
            "instead of the world's agreements.",
            show_default=False,
        ),
    ] = None,
    nmc: Annotated[
        Path | None,
        typer.Option(
            "--nmc",
            help="COW NMC CSV (NMC-60/70-abridged.csv) to take CINC from.",
            show_default=False,
        ),
    ] = None,
    world: WorldOption = None,
) -> None:
    """Dyad-years with covariates: one row per pair of states per year."""
    from detente.measures.portfolio import CODINGS
    from detente.panels.dyads import check_covariates, dyad_years

    _check_out(out)
    codings = check_covariates(_split(coding), list(CODINGS))
    w = open_world(world)
    ids = {s.cow: s.id for s in w.states.values()}
    nmc_frame = None
    if nmc is not None:
        from detente.importers.nmc import read_nmc

        nmc_frame = read_nmc(nmc)
    alliances = None
    if atop is not None:
        from detente.importers.atop import read_atop_ddyr

        present = None if nmc_frame is None else nmc_frame[["ccode", "year"]]
        alliances = read_atop_ddyr(atop, present=present, ids=ids)
    override = None if nmc_frame is None else _nmc_override(nmc_frame)
    frame = dyad_years(
        w,
        from_,
        to,
        with_=_split(with_),
        directed=directed,
        codings=codings,  # type: ignore[arg-type]  # checked against CODINGS above
        system=_split(system) or "global",
        system_org=_system_org(system_org),
        alliances=alliances,
        cinc_override=override,
    )
    write_frame(frame, out)
    _cite_hint(_split(with_), atop is not None, nmc is not None)


def _cite_hint(covariates: list[str], atop: bool, nmc: bool) -> None:
    from detente.cite import TOPICS

    topics = [c.split("_")[0] if c.startswith("s_") else c for c in covariates]
    topics = [t for t in dict.fromkeys(topics) if t in TOPICS]
    topics += ["atop"] * atop + ["nmc"] * nmc
    err_console.print(f"cite: detente cite {' '.join(['package', *topics, 'world'])}")


@panel_app.command("state-years")
def state_years_command(
    from_: FromOption,
    to: ToOption,
    out: OutOption,
    with_: WithOption = "",
    system_org: SystemOrgOption = "UN",
    world: WorldOption = None,
) -> None:
    """State-years with covariates: one row per state per year."""
    from detente.panels.states import state_years

    _check_out(out)
    frame = state_years(
        open_world(world), from_, to, with_=_split(with_), system_org=_system_org(system_org)
    )
    write_frame(frame, out)


@panel_app.command("state-org-years")
def state_org_years_command(
    from_: FromOption,
    to: ToOption,
    out: OutOption,
    igo: Annotated[
        Path | None,
        typer.Option(
            "--igo",
            help="COW IGO v3 state-year CSV (state_year_formatv3.csv) to read instead of the "
            "world's memberships.",
            show_default=False,
        ),
    ] = None,
    world: WorldOption = None,
) -> None:
    """State-organisation-years: every status a state holds in an organisation at a year's end."""
    from detente.panels.dyads import year_range

    _check_out(out)
    if igo is None:
        from detente.panels.states import state_org_years

        frame = state_org_years(open_world(world), from_, to)
    else:
        from detente.importers.igo import read_igo_state_years

        years = year_range(from_, to)
        frame = read_igo_state_years(igo)
        frame = frame[frame["year"].between(years[0], years[-1])].reset_index(drop=True)
    write_frame(frame, out)
