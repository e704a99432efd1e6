"""PRIM scenario discovery: the input ranges in which an outcome of interest is concentrated.

The Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in high-dimensional
data", *Statistics and Computing* 9: 123-143), as used for scenario discovery by Bryant & Lempert
(2010, *Technological Forecasting and Social Change* 77: 34-49) and the EMA Workbench (Kwakkel
2017). Given inputs ``X`` (one row per replicate) and a 0/1 outcome ``y`` (e.g. "the forecast
exceeds 50"):

* **peeling** — start from the box holding every point; at each step, for every input, try
  removing the points below its ``alpha`` quantile or above its ``1 - alpha`` quantile inside the
  box (for an input with ties, the points at its lowest or highest value), and keep the peel whose
  remaining box has the highest density ``mean(y)``; stop when the box's mass (share of all
  points) would fall below ``min_mass``. Each step is one box of the *peeling trajectory*.
* **pasting** — from the chosen box, widen one side at a time by about ``alpha`` of the box's
  points while that raises the density (F&F §5).

Each box is reported with its coverage (share of all ``y = 1`` points inside), density (share of
the points inside with ``y = 1``) and mass; the trade-off between coverage and density is the
user's to judge from the trajectory (Bryant & Lempert 2010). This module implements PRIM itself:
the EMA Workbench's version imports scikit-learn, statsmodels and seaborn (about 10 s here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PrimBox", "PrimResult", "prim"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PrimBox:
    """One box: ``limits[name] = (low, high)`` (inclusive) and its statistics.

    ``restricted`` names the inputs whose limits are narrower than their full range.
    """

    limits: dict[str, tuple[float, float]]
    restricted: tuple[str, ...]
    coverage: float
    density: float
    mass: float
    n: int

    def describe(self) -> str:
        """One line: the restricted ranges and the box's coverage, density and mass."""
        ranges = "; ".join(
            f"{name} in [{self.limits[name][0]:.3g}, {self.limits[name][1]:.3g}]"
            for name in self.restricted
        )
        return (
            f"{ranges or 'no restriction'} (coverage {self.coverage:.2f}, density "
            f"{self.density:.2f}, mass {self.mass:.2f})"
        )


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory and the chosen box (after pasting)."""

    trajectory: tuple[PrimBox, ...]
    box: PrimBox
    chosen: int
    base_density: float

    def to_frame(self) -> pd.DataFrame:
        """One row per step of the peeling trajectory: coverage, density, mass, restrictions."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "step": i,
                    "coverage": b.coverage,
                    "density": b.density,
                    "mass": b.mass,
                    "n": b.n,
                    "restricted": ", ".join(b.restricted),
                }
                for i, b in enumerate(self.trajectory)
            ]
        )

    def __repr__(self) -> str:
        return (
            f"<PrimResult step {self.chosen} of {len(self.trajectory) - 1}: {self.box.describe()}>"
        )


def _stats(inside: NDArray[np.bool_], y: NDArray[np.bool_]) -> tuple[float, float, float, int]:
    n_in = int(inside.sum())
    hits = int((inside & y).sum())
    total = int(y.sum())
    coverage = hits / total if total else 0.0
    density = hits / n_in if n_in else 0.0
    return coverage, density, n_in / y.size, n_in


def _make_box(
    names: list[str],
    low: FloatArray,
    high: FloatArray,
    full: tuple[FloatArray, FloatArray],
    inside: NDArray[np.bool_],
    y: NDArray[np.bool_],
) -> PrimBox:
    coverage, density, mass, n_in = _stats(inside, y)
    restricted = tuple(
        name for j, name in enumerate(names) if low[j] > full[0][j] or high[j] < full[1][j]
    )
    limits = {name: (float(low[j]), float(high[j])) for j, name in enumerate(names)}
    return PrimBox(limits, restricted, coverage, density, mass, n_in)


def _peels(
    x: FloatArray, inside: NDArray[np.bool_], alpha: float
) -> list[tuple[int, bool, float, NDArray[np.bool_]]]:
    """Candidate peels ``(input, from_below, new_limit, remaining)`` of the current box."""
    out = []
    for j in range(x.shape[1]):
        col = x[inside, j]
        lo, hi = col.min(), col.max()
        if lo == hi:
            continue
        q_lo, q_hi = np.quantile(col, [alpha, 1.0 - alpha])
        cut_lo = x[:, j] < q_lo if q_lo > lo else x[:, j] <= lo
        cut_hi = x[:, j] > q_hi if q_hi < hi else x[:, j] >= hi
        keep_lo = inside & ~cut_lo
        keep_hi = inside & ~cut_hi
        out.append((j, True, float(x[keep_lo, j].min()), keep_lo))
        out.append((j, False, float(x[keep_hi, j].max()), keep_hi))
    return out


def _paste(
    x: FloatArray,
    y: NDArray[np.bool_],
    low: FloatArray,
    high: FloatArray,
    alpha: float,
) -> tuple[FloatArray, FloatArray]:
    """Widen the box one side at a time while its density rises (F&F §5)."""
    low, high = low.copy(), high.copy()
    while True:
        inside = np.all((x >= low) & (x <= high), axis=1)
        density = y[inside].mean() if inside.any() else 0.0
        step = max(1, round(alpha * int(inside.sum())))
        best: tuple[float, int, bool, float] | None = None
        for j in range(x.shape[1]):
            others = np.all(np.delete((x >= low) & (x <= high), j, axis=1), axis=1)
            below = np.sort(x[others & (x[:, j] < low[j]), j])[::-1]
            above = np.sort(x[others & (x[:, j] > high[j]), j])
            for from_below, cand in ((True, below), (False, above)):
                if cand.size == 0:
                    continue
                limit = float(cand[min(step, cand.size) - 1])
                lo_j, hi_j = (limit, high[j]) if from_below else (low[j], limit)
                grown = others & (x[:, j] >= lo_j) & (x[:, j] <= hi_j)
                d = float(y[grown].mean())
                if d > density and (best is None or d > best[0]):
                    best = (d, j, from_below, limit)
        if best is None:
            return low, high
        _, j, from_below, limit = best
        if from_below:
            low[j] = limit
        else:
            high[j] = limit


def prim(
    x: pd.DataFrame | ArrayLike,
    y: ArrayLike,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    density: float = 0.8,
    paste: bool = True,
    names: list[str] | None = None,
) -> PrimResult:
    """Find the box of inputs in which ``y`` is concentrated (see the module docstring).

    Parameters
    ----------
    x:
        ``(N, k)`` numeric inputs (a DataFrame's columns give the names).
    y:
        ``(N,)`` outcome of interest, 0/1 or boolean.
    alpha:
        Share of the box's points removed by one peel, in ``(0, 0.5)``; F&F recommend 0.05-0.1.
    min_mass:
        Peeling stops before a box would hold less than this share of all points.
    density:
        The chosen box is the first (widest) box of the trajectory whose density reaches this
        value, or the densest box if none does.
    paste:
        Widen the chosen box afterwards while that raises its density.
    names:
        Input names for an array ``x`` (default ``x0``, ``x1``, ...).

    Returns
    -------
    PrimResult
        The peeling trajectory and the chosen (pasted) box.
    """
    if not 0.0 < alpha < 0.5:
        raise ValueError(f"alpha must be in (0, 0.5), got {alpha}")
    if not 0.0 < min_mass < 1.0:
        raise ValueError(f"min_mass must be in (0, 1), got {min_mass}")
    if hasattr(x, "columns"):
        names = [str(c) for c in x.columns]
        xa = np.asarray(x.to_numpy(dtype=np.float64))  # type: ignore[union-attr]
    else:
        xa = np.asarray(x, dtype=np.float64)
        names = names or [f"x{j}" for j in range(xa.shape[1])]
    ya = np.asarray(y).astype(bool).reshape(-1)
    if xa.ndim != 2 or xa.shape[0] != ya.size or ya.size == 0:
        raise ValueError(f"x must be (N, k) and y (N,), got {xa.shape} and {ya.shape}")
    full = (xa.min(axis=0), xa.max(axis=0))
    low, high = full[0].copy(), full[1].copy()
    inside = np.ones(ya.size, dtype=bool)
    trajectory = [_make_box(names, low, high, full, inside, ya)]
    limits = [(low.copy(), high.copy())]
    while True:
        candidates = [c for c in _peels(xa, inside, alpha) if c[3].sum() >= min_mass * ya.size]
        if not candidates:
            break
        # the peel whose remaining box is densest; ties to the one that removes fewest points
        j, from_below, limit, keep = max(
            candidates, key=lambda c: (ya[c[3]].mean(), int(c[3].sum()))
        )
        if from_below:
            low[j] = limit
        else:
            high[j] = limit
        inside = keep
        trajectory.append(_make_box(names, low, high, full, inside, ya))
        limits.append((low.copy(), high.copy()))
    dense = [i for i, b in enumerate(trajectory) if b.density >= density]
    chosen = dense[0] if dense else max(range(len(trajectory)), key=lambda i: trajectory[i].density)
    c_low, c_high = limits[chosen]
    if paste:
        c_low, c_high = _paste(xa, ya, c_low, c_high, alpha)
    final_inside = np.all((xa >= c_low) & (xa <= c_high), axis=1)
    box = _make_box(names, c_low, c_high, full, final_inside, ya)
    return PrimResult(tuple(trajectory), box, chosen, float(ya.mean()))
