"""The report's figures, drawn from the plain data of :mod:`detente.report.data`.

Matplotlib's object API with the Agg canvas (no pyplot state, no display). Every function returns
a :class:`matplotlib.figure.Figure`; :func:`png_data_uri` embeds one in the page. Many actors stay
legible by highlighting a chosen few and drawing the rest as thin grey lines under one label.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.report.data import OTHERS, Edge, ScoreInterval

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from detente.forecast.montecarlo import MonteCarloResult

__all__ = [
    "capability_figure",
    "distribution_figure",
    "members_figure",
    "network_figure",
    "png_data_uri",
    "reliability_figure",
    "scores_figure",
    "terms_figure",
    "timeline_figure",
]

_STATUS_STYLE = {
    "member": ("0.25", "-", 1.0),
    "partner": ("tab:green", "--", 0.8),
    "observer": ("tab:purple", ":", 0.8),
    "suspended": ("tab:red", "--", 0.9),
    "frozen": ("tab:orange", ":", 0.9),
}


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png_data_uri(fig: Figure, dpi: int) -> str:
    """The figure as a ``data:image/png;base64,...`` URI (the page needs no other file)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def network_figure(
    edges: Sequence[Edge], day: str, highlight: Sequence[str], *, width: float, seed: int
) -> Figure:
    """States and organisations as a two-mode network: an edge per membership, styled by status.

    Organisations are squares with their id; highlighted states are coloured and labelled, the
    others are small grey dots labelled in small type. Layout: networkx's spring layout with a
    fixed seed (the same edges give the same picture).
    """
    import networkx as nx

    graph = nx.Graph()
    orgs = sorted({e.org for e in edges})
    states = sorted({e.actor for e in edges} - set(orgs))
    graph.add_nodes_from(orgs, kind="org")
    graph.add_nodes_from(states, kind="state")
    for e in edges:
        graph.add_edge(e.actor, e.org, status=e.status)
    pos = nx.spring_layout(graph, seed=seed, k=1.6 / max(1.0, np.sqrt(len(graph))))
    fig = _figure(width, width * 0.75)
    ax = fig.add_subplot()
    for status, (color, style, lw) in _STATUS_STYLE.items():
        chosen = [(u, v) for u, v, s in graph.edges(data="status") if s == status]
        if chosen:
            nx.draw_networkx_edges(
                graph,
                pos,
                edgelist=chosen,
                ax=ax,
                edge_color=color,
                style=style,
                width=lw,
                alpha=0.55,
                label=f"{status} ({len(chosen)})",
            )
    marked = [s for s in states if s in set(highlight)]
    rest = [s for s in states if s not in set(highlight)]
    nx.draw_networkx_nodes(
        graph,
        pos,
        nodelist=orgs,
        node_shape="s",
        node_color="tab:blue",
        node_size=260,
        ax=ax,
        label="organisation",
    )
    nx.draw_networkx_nodes(
        graph,
        pos,
        nodelist=marked,
        node_color="tab:orange",
        node_size=120,
        ax=ax,
        label="highlighted state",
    )
    nx.draw_networkx_nodes(
        graph,
        pos,
        nodelist=rest,
        node_color="0.7",
        node_size=30,
        ax=ax,
        label=f"{OTHERS} ({len(rest)} states)",
    )
    nx.draw_networkx_labels(
        graph,
        pos,
        labels={o: o for o in orgs},
        font_size=7,
        font_weight="bold",
        font_color="white",
        ax=ax,
    )
    nx.draw_networkx_labels(
        graph, pos, labels={s: s for s in marked}, font_size=7, ax=ax, verticalalignment="bottom"
    )
    nx.draw_networkx_labels(
        graph,
        pos,
        labels={s: s for s in rest},
        font_size=5,
        font_color="0.4",
        ax=ax,
        verticalalignment="top",
    )
    ax.set_title(
        f"Memberships at the end of {day}: {len(orgs)} organisations, {len(states)} states"
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=4, fontsize=7, frameon=False)
    ax.set_axis_off()
    return fig


def members_figure(frame: pd.DataFrame, *, width: float) -> Figure:
    """Full members per organisation at each year's end (a gap: the organisation did not exist)."""
    fig = _figure(width, width * 0.55)
    ax = fig.add_subplot()
    for org in frame.columns:
        series = frame[org]
        if series.notna().any():
            ax.plot(frame.index, series, marker="o", ms=2.5, lw=1.2, label=org)
            last = series.last_valid_index()
            ax.annotate(
                org,
                (last, series[last]),
                xytext=(3, 0),
                textcoords="offset points",
                fontsize=7,
                va="center",
                annotation_clip=False,
            )
    ax.set_xlabel("year (membership at 31 December)")
    ax.set_ylabel("full members (states and organisations)")
    ax.set_title("Membership of each organisation over time")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=7, ncol=2, frameon=False)
    return fig


def capability_figure(frame: pd.DataFrame, measure: str, *, width: float) -> Figure:
    """One line per highlighted actor; every other state a thin grey line under one label.

    Log scale: the largest spender is three orders of magnitude above the smallest.
    """
    fig = _figure(width, width * 0.6)
    ax = fig.add_subplot()
    others = frame[frame["group"] == OTHERS]
    n_others = others["actor"].nunique()
    for k, (_, rows) in enumerate(others.groupby("actor", sort=True)):
        label = f"{OTHERS} ({n_others} states)" if k == 0 else None
        ax.plot(rows["year"], rows["value"], color="0.75", lw=0.6, label=label)
    chosen = frame[frame["group"] != OTHERS]
    for actor, rows in chosen.groupby("actor", sort=True):
        ax.plot(rows["year"], rows["value"], lw=1.6, marker=".", ms=3, label=str(actor))
    units = sorted(set(frame["unit"]))
    ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel(f"{measure} ({'; '.join(units)}, log scale)")
    ax.set_title(f"{measure}: highlighted states and the rest")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    return fig


def distribution_figure(
    result: MonteCarloResult, *, title: str, threshold: float | None, width: float
) -> Figure:
    """Histogram of the final forecast over the Monte Carlo replicates, with the unperturbed
    forecast and the question's threshold."""
    counts, edges = result.histogram(bins=20)
    fig = _figure(width, width * 0.45)
    ax = fig.add_subplot()
    ax.bar(
        edges[:-1],
        counts / result.runs,
        width=np.diff(edges),
        align="edge",
        color="tab:blue",
        alpha=0.6,
        edgecolor="white",
        label=f"Monte Carlo replicates ({result.runs})",
    )
    ax.axvline(float(result.forecast[0]), color="black", lw=2, label="forecast (unperturbed)")
    if threshold is not None:
        share = result.p_exceeds(threshold)
        ax.axvline(
            threshold,
            color="tab:red",
            ls=":",
            label=f"threshold {threshold:g}: P(above) = {share:.2f}",
        )
    dims = list(result.table.dimensions)
    ax.set_xlabel(f"final forecast: {dims[0] if dims else 'position'}")
    ax.set_ylabel("share of replicates")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False)
    return fig


def terms_figure(frame: pd.DataFrame, *, title: str, width: float) -> Figure:
    """Term totals per lens as horizontal bars (positive: pushes towards yes)."""
    lenses = list(dict.fromkeys(frame["lens"]))
    fig = _figure(width, max(2.2, 0.45 * frame.groupby("lens").size().max() + 1.2))
    axes = fig.subplots(1, len(lenses), squeeze=False)[0]
    for ax, lens in zip(axes, lenses, strict=True):
        rows = frame[frame["lens"] == lens]
        colors = ["tab:green" if v >= 0 else "tab:red" for v in rows["value"]]
        ax.barh(rows["term"], rows["value"], color=colors)
        ax.axvline(0, color="0.3", lw=0.8)
        ax.invert_yaxis()
        ax.set_title(f"{lens} lens", fontsize=9)
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(title, fontsize=10)
    fig.supxlabel("term summed over the deciders: U(yes) − U(no) (utility units)", fontsize=9)
    return fig


def scores_figure(scores: Sequence[ScoreInterval], *, width: float) -> Figure:
    """Mean Brier score per forecaster with its episode-bootstrap interval (lower is better)."""
    fig = _figure(width, 0.5 * len(scores) + 1.5)
    ax = fig.add_subplot()
    names = [s.name for s in scores]
    values = np.array([s.brier for s in scores])
    err = np.array([[s.brier - s.low for s in scores], [s.high - s.brier for s in scores]])
    colors = ["tab:blue" if s.kind == "lens" else "0.55" for s in scores]
    ax.barh(names, values, xerr=err, color=colors, capsize=3)
    ax.invert_yaxis()
    ax.axvline(0.25, color="tab:red", ls=":", lw=1, label="0.25: a constant 0.5")
    level = scores[0].level if scores else 0.9
    ax.set_xlabel(f"Brier score (0 = perfect; bars: {level:.0%} episode-bootstrap interval)")
    ax.set_title(f"Backtest scores over {scores[0].n if scores else 0} episodes")
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=7, frameon=False)
    return fig


def reliability_figure(tables: dict[str, Any], *, width: float) -> Figure:
    """Observed share of yes against the mean forecast per probability bin, per forecaster.

    Marker area follows the number of episodes in the bin; the diagonal is perfect calibration.
    """
    fig = _figure(width * 0.7, width * 0.6)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="0.5", ls="--", lw=1, label="perfect calibration")
    for name, table in tables.items():
        if len(table):
            ax.plot(table["mean_p"], table["observed"], marker="o", lw=1, ms=0, label=name)
            ax.scatter(table["mean_p"], table["observed"], s=12 * table["n"], alpha=0.6)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean forecast P(yes) in the bin")
    ax.set_ylabel("observed share of yes outcomes")
    ax.set_title("Reliability diagram (marker area: episodes per bin)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    return fig


_KIND_STYLE = {"join": ("tab:green", "o"), "exit": ("tab:red", "v"), "close": ("tab:orange", "s")}


def timeline_figure(frames: Sequence[tuple[str, pd.DataFrame]], *, width: float) -> Figure:
    """One panel per scenario: a row per highlighted state (and one for all others), a marker
    per year and kind of event, its area proportional to the mean number of events per run."""
    groups: list[str] = sorted({str(g) for _, f in frames for g in f["group"] if g != OTHERS})
    if any((f["group"] == OTHERS).any() for _, f in frames):
        groups.append(OTHERS)
    rows = max(len(groups), 1)
    fig = _figure(width, max(2.2, 0.9 + 0.28 * rows) * len(frames))
    axes = fig.subplots(len(frames), 1, sharex=True, squeeze=False)[:, 0]
    years = [int(y) for _, f in frames for y in f["year"]]
    for ax, (name, frame) in zip(axes, frames, strict=True):
        offsets = {"join": -0.22, "exit": 0.0, "close": 0.22}
        for kind, (color, marker) in _KIND_STYLE.items():
            part = frame[frame["kind"] == kind]
            if part.empty:
                continue
            ax.scatter(
                part["year"] + offsets[kind],
                [groups.index(str(g)) for g in part["group"]],
                s=20 + 180 * np.sqrt(part["per_run"].clip(upper=4.0)),
                color=color,
                marker=marker,
                alpha=0.7,
                label=kind,
            )
        ax.set_yticks(range(len(groups)), groups, fontsize=7)
        ax.set_ylim(-0.7, rows - 0.3)
        ax.set_title(f"scenario: {name}", fontsize=9, loc="left")
        ax.grid(alpha=0.3)
        if frame.empty:
            ax.text(0.5, 0.5, "no state changes in any run", transform=ax.transAxes, ha="center")
    if years:
        axes[-1].set_xticks(range(min(years), max(years) + 1))
    axes[-1].set_xlabel("year (marker area: mean events per run)")
    handles = [
        axes[0].scatter([], [], color=c, marker=m, label=k) for k, (c, m) in _KIND_STYLE.items()
    ]
    axes[0].legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False
    )
    return fig
