"""Reliability diagram of leave-future-out forecasts (presentation only; matplotlib is lazy)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from detente.experiments.lfo import SUBSETS, LfoResult
from detente.experiments.scores import reliability_bins
from detente.fileio import atomic_path

__all__ = ["plot_reliability"]


def plot_reliability(result: LfoResult, path: Path, names: Sequence[str] | None = None) -> None:
    """Write a reliability diagram (one panel per subset: hand-coded, all) to ``path``.

    Each forecaster's forecasts are binned in ten equal-width bins; a point is a bin's mean
    forecast against the observed frequency of yes, its area proportional to the bin's count.
    The diagonal is perfect calibration.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chosen = list(names) if names else [n for n in result.names if n != "status-quo"]
    fig, axes = plt.subplots(1, len(SUBSETS), figsize=(11, 5), sharey=True)
    for ax, subset in zip(axes, SUBSETS, strict=True):
        rows = [f for f in result.forecasts if subset == "all" or f.origin == subset]
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        for name in chosen:
            bins = reliability_bins([f.p[name] for f in rows], [f.y for f in rows])
            if not bins:
                continue
            xs = [b[1] for b in bins]
            ys = [b[2] for b in bins]
            sizes = [12 + 4 * b[3] for b in bins]
            score = result.score(name, subset)
            ax.plot(xs, ys, marker="", linewidth=1)
            ax.scatter(xs, ys, s=sizes, label=f"{name} (Brier {score.brier:.3f})", alpha=0.7)
        ax.set_title(f"{subset} episodes (n = {len(rows)}), leave-future-out")
        ax.set_xlabel("forecast P(yes)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("observed frequency of yes")
    fig.tight_layout()
    from detente.forecast.plot import plot_format

    fmt = plot_format(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=120)
    plt.close(fig)
