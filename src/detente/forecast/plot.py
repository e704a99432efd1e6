"""A picture of a forecast: the outcome per round with its Monte Carlo fan and the actors' paths.

The figure answers two questions at once: where the bargaining is heading (the unperturbed run's
outcome, bold) and how much that depends on the coded inputs (the fan: the 5-95 % and 25-75 %
bands of the perturbed replicates' outcome after each round). Thin lines show each actor's
position in the unperturbed run, so a reader can see who moved and who held out.

Rendering uses Matplotlib's object API with the Agg canvas (no pyplot state, no display) and the
file is written through :func:`detente.output.atomic_path` (checked before the runs by
:func:`plot_format`). PDF, SVG and PostScript files carry no creation date, so the same forecast
gives the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from detente.errors import InputError
from detente.forecast.montecarlo import MonteCarloResult
from detente.output import atomic_path, check_output

__all__ = ["forecast_figure", "plot_forecast", "plot_format"]

#: Metadata that would differ between two runs (the file's creation date), per format.
_NO_DATE: dict[str, dict[str, None]] = {
    "pdf": {"CreationDate": None, "ModDate": None},
    "svg": {"Date": None},
    "svgz": {"Date": None},
    "ps": {"CreationDate": None},
    "eps": {"CreationDate": None},
}

MAX_NAMES = 3
"""Names written in one end-of-line label; the rest are counted."""
MAX_CHARS = 14
"""Longer names are cut (with an ellipsis) in the end-of-line labels."""

_FAN = ((0.05, 0.95, 0.18, "5-95 %"), (0.25, 0.75, 0.35, "25-75 %"))


def forecast_figure(
    result: MonteCarloResult,
    *,
    dim: int = 0,
    title: str | None = None,
    threshold: float | None = None,
    anchors: Mapping[float, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Build the figure (not saved): fan, unperturbed outcome, actors' positions, threshold."""
    fig = Figure(figsize=(9.0, 6.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    step_name = "round" if result.model == "eum" else "turn"
    x_mc = np.arange(result.trajectories.shape[1])
    bands = result.bands([q for lo, hi, *_ in _FAN for q in (lo, hi)])[:, :, dim]
    for k, (_, _, alpha, label) in enumerate(_FAN):
        ax.fill_between(
            x_mc,
            bands[2 * k],
            bands[2 * k + 1],
            color="tab:blue",
            alpha=alpha,
            lw=0,
            label=f"Monte Carlo {label} ({result.runs} runs)",
        )
    ax.plot(
        x_mc,
        np.median(result.trajectories[:, :, dim], axis=0),
        color="tab:blue",
        ls="--",
        lw=1.2,
        label="Monte Carlo median",
    )
    _actor_lines(ax, result, dim, labels or {})
    x_base = np.arange(result.base.length)
    ax.plot(
        x_base,
        result.base.outcome[0, :, dim],
        color="black",
        lw=2.4,
        label=f"forecast ({result.model.upper()}, unperturbed)",
    )
    if threshold is not None:
        ax.axhline(threshold, color="tab:red", lw=1.0, ls=":", label=f"threshold {threshold:g}")
    lo, hi = (float(v) for v in np.asarray(result.table.bounds)[dim])
    pad = 0.02 * (hi - lo)
    ax.set_ylim(lo - pad, hi + pad)
    right, cut = x_extent(result)
    ax.set_xlim(0, right)
    if anchors:
        ax.set_yticks(sorted(float(k) for k in anchors))
    ax.set_xlabel(step_name if not cut else f"{step_name} ({cut}, not shown)")
    dims = list(getattr(result.table, "dimensions", []) or [])
    ax.set_ylabel(_literal(str(dims[dim]) if dim < len(dims) else "position"))
    ax.set_title(_literal(title or str(getattr(result.table, "name", "forecast"))))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8, frameon=False)
    return fig


def _literal(text: str) -> str:
    """User text as Matplotlib should draw it: a ``$`` is a dollar sign, not the start of math."""
    return text.replace("$", r"\$")


def x_extent(result: MonteCarloResult, share: float = 0.99) -> tuple[int, str]:
    """The last round or turn the figure shows, and a note on the replicates that ran longer.

    A few replicates that hit the turn cap (100 for the SMP) would otherwise stretch the x axis
    so far that the bargaining, over in a handful of turns, fills a sliver of the width. The axis
    ends where ``share`` of the replicates and the unperturbed run have stopped.
    """
    turns = np.asarray(result.turns)
    longest = max(int(turns.max(initial=0)), int(result.base.length) - 1, 1)
    right = max(
        int(np.quantile(turns, share, method="lower")) if turns.size else 0,
        int(result.base.length) - 1,
        1,
    )
    if right >= longest:
        return longest, ""
    n = int(np.sum(turns > right))
    step = "rounds" if result.model == "eum" else "turns"
    return right, f"{n} of {result.runs} replicates ran past {right} {step}, up to {longest}"


def _actor_lines(ax: object, result: MonteCarloResult, dim: int, labels: Mapping[str, str]) -> None:
    """One thin grey line per actor; actors ending at the same place share one label."""
    paths = result.base.positions[0, :, :, dim]  # (T+1, n)
    x = np.arange(paths.shape[0])
    for a in range(paths.shape[1]):
        ax.plot(x, paths[:, a], color="0.55", lw=0.7, alpha=0.8)  # type: ignore[attr-defined]
    lo, hi = (float(v) for v in np.asarray(result.table.bounds)[dim])
    for y, names in _label_groups(paths[-1], result.table.actors, labels, 0.03 * (hi - lo)):
        ax.annotate(  # type: ignore[attr-defined]
            _literal(group_label(names)),
            (x[-1], y),
            xytext=(3, 0),
            textcoords="offset points",
            fontsize=6.5,
            color="0.35",
            va="center",
            annotation_clip=False,
        )


def _label_groups(
    final: np.ndarray, actors: tuple[str, ...], labels: Mapping[str, str], gap: float
) -> list[tuple[float, list[str]]]:
    """Group actors whose final positions lie within ``gap`` of each other (labels stay legible)."""
    groups: list[tuple[float, list[str]]] = []
    for a in np.argsort(final, kind="stable"):
        name = labels.get(actors[a], actors[a])
        if groups and final[a] - groups[-1][0] < gap:
            groups[-1][1].append(name)
        else:
            groups.append((float(final[a]), [name]))
    return groups


def group_label(names: list[str], shown: int = MAX_NAMES) -> str:
    """A group's label: at most ``shown`` names, then how many more share the place.

    Thirty actors ending at one position would otherwise make a label wider than the axes, and
    the constrained layout would shrink the plot to make room for it (or give up). Names longer
    than ``MAX_CHARS`` are cut.
    """
    short = [n if len(n) <= MAX_CHARS else n[: MAX_CHARS - 1] + "…" for n in names]
    if len(short) <= shown:
        return ", ".join(short)
    return f"{', '.join(short[:shown])} +{len(short) - shown} more"


def plot_format(path: str | os.PathLike[str]) -> str:
    """The image format for ``path``, from its suffix (``png`` when it has none), once the path is
    known to be writable.

    Raises :class:`~detente.errors.InputError` for a suffix Matplotlib cannot write, and
    :class:`~detente.output.OutputError` for a folder, a special file or a path that cannot be
    written (a temporary file is created and removed beside it), so that a command can check its
    output path before the (long) computation.
    """
    target = Path(path)
    fmt = target.suffix[1:].lower() or "png"
    supported = FigureCanvasBase.get_supported_filetypes()
    if fmt not in supported:
        known = ", ".join(sorted(supported))
        raise InputError(f"{target}: cannot write a plot as {fmt!r} (formats: {known})")
    check_output(path)
    return fmt


def save_or_return(fig: Figure, path: str | os.PathLike[str] | None) -> Figure | Path:
    """``fig`` itself when ``path`` is ``None``; otherwise ``fig`` saved to ``path`` (format from
    the suffix, ``png`` when it has none, written atomically) and the path.

    The ``plot`` methods of the result objects (:mod:`detente.api`, sweeps) share this.
    """
    if path is None:
        return fig
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=Path(path).suffix.lstrip(".") or "png")
    return Path(path)


def plot_forecast(
    result: MonteCarloResult,
    path: str | os.PathLike[str],
    *,
    dim: int = 0,
    title: str | None = None,
    threshold: float | None = None,
    anchors: Mapping[float, str] | None = None,
    dpi: int = 120,
) -> Path:
    """Draw :func:`forecast_figure` and save it to ``path`` (format from the suffix: ``.png``).

    The file appears only once complete (written to a temporary file, then renamed); a path that
    cannot be written raises :class:`~detente.errors.InputError` naming it.
    """
    fmt = plot_format(path)
    fig = forecast_figure(result, dim=dim, title=title, threshold=threshold, anchors=anchors)
    target = Path(path)
    # SVG ids are random unless salted: a fixed salt makes them a function of the content.
    with atomic_path(target) as tmp, rc_context({"svg.hashsalt": "detente"}):
        # The format is explicit: the temporary name's suffix must not decide it.
        fig.savefig(tmp, dpi=dpi, format=fmt, metadata=_NO_DATE.get(fmt))
    return target
