"""``detente cite``: BibTeX or CSL-JSON for the package, its models and measures, and the data."""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typer

from detente.cli.common import WorldOption, open_world

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``cite`` command to the root app."""
    app.command("cite")(cite)


def cite(
    topics: Annotated[
        list[str] | None,
        typer.Argument(
            help="What to cite: package, a measure (cinc, tau_b, s, kappa, pi, relevant), a "
            "model (eum, smp), data (atop, nmc, igo, world: the world's datasets) or a command "
            "family (panel, forecast). Default: package.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Literal["bibtex", "csl-json"], typer.Option("--format", help="Output format.")
    ] = "bibtex",
    world: WorldOption = None,
) -> None:
    """Print the references to cite for what a command used (BibTeX or CSL-JSON)."""
    from detente.cite import format_references, references_for

    wanted = topics or ["package"]
    sources = []
    if "world" in wanted:
        w = open_world(world)
        sources = sorted((s for s in w.sources.values() if s.kind == "dataset"), key=lambda s: s.id)
    sys.stdout.write(format_references(references_for(wanted, sources), fmt))
