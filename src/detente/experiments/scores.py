"""Scores of binary probability forecasts: Brier, log, AUC, Murphy decomposition, calibration slope,
and paired bootstrap intervals.

All take forecasts ``p`` (probabilities of the event) and outcomes ``y`` (0/1) of equal length.

* **Brier** (Brier 1950): mean ``(p - y)**2``; lower is better, 0.25 for a constant 0.5.
* **Log** (Good 1952): mean ``-ln p_y``, ``p_y = p`` if ``y = 1`` else ``1 - p``, with ``p`` clipped
  to ``[clip, 1 - clip]``.
* **AUC**: the probability that a random event gets a higher forecast than a random non-event
  (ties count 1/2); the Mann-Whitney statistic (Hanley & McNeil 1982, *Radiology* 143:29-36).
* **Murphy decomposition** (Murphy 1973, *J. Appl. Meteorology* 12:595-600) over ``bins``
  equal-width bins: ``Brier = reliability - resolution + uncertainty + within``, where
  ``within`` is the within-bin variance term that makes the identity exact for forecasts that are
  not constant within a bin (Stephenson, Coelho & Jolliffe 2008, *Weather and Forecasting*
  23:752-757).
* **Calibration slope** (Cox 1958, *Biometrika* 45:562-565): the slope ``b`` of the logistic
  regression ``logit P(y = 1) = a + b logit p``; 1 is calibrated, below 1 overconfident.
* **Paired bootstrap** (Efron & Tibshirani 1993, ch. 13): episodes resampled with replacement,
  the same resample for every forecaster, ``n_boot`` times from ``numpy.random.default_rng(seed)``;
  percentile intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import expit, logit
from scipy.stats import rankdata

__all__ = [
    "Murphy",
    "auc",
    "bootstrap_brier",
    "brier",
    "calibration_slope",
    "log_score",
    "murphy",
    "reliability_bins",
]

FloatArray = NDArray[np.float64]


def _arrays(p: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    pa, ya = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if pa.shape != ya.shape:
        raise ValueError(f"p and y differ in shape: {pa.shape} and {ya.shape}")
    return pa, ya


def brier(p: ArrayLike, y: ArrayLike) -> float:
    """Mean Brier score; ``nan`` if empty."""
    pa, ya = _arrays(p, y)
    return float(np.mean((pa - ya) ** 2)) if pa.size else math.nan


def log_score(p: ArrayLike, y: ArrayLike, clip: float = 1e-3) -> float:
    """Mean negative log likelihood (natural log) with ``p`` clipped to ``[clip, 1 - clip]``."""
    pa, ya = _arrays(p, y)
    if not pa.size:
        return math.nan
    q = np.clip(pa, clip, 1.0 - clip)
    return float(-np.mean(np.where(ya > 0.5, np.log(q), np.log1p(-q)))) + 0.0


def auc(p: ArrayLike, y: ArrayLike) -> float:
    """Area under the ROC curve (Mann-Whitney); ``nan`` without both outcomes."""
    pa, ya = _arrays(p, y)
    pos = ya > 0.5
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return math.nan
    ranks = rankdata(pa)  # average ranks: ties count one half
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@dataclass(frozen=True)
class Murphy:
    """Murphy decomposition: ``brier = reliability - resolution + uncertainty + within``."""

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within: float


def reliability_bins(
    p: ArrayLike, y: ArrayLike, bins: int = 10
) -> list[tuple[float, float, float, int]]:
    """Per non-empty equal-width bin: ``(lower edge, mean forecast, observed frequency, count)``."""
    pa, ya = _arrays(p, y)
    index = np.minimum((pa * bins).astype(int), bins - 1)
    out = []
    for k in range(bins):
        mask = index == k
        if mask.any():
            out.append((k / bins, float(pa[mask].mean()), float(ya[mask].mean()), int(mask.sum())))
    return out


def murphy(p: ArrayLike, y: ArrayLike, bins: int = 10) -> Murphy:
    """The Murphy decomposition of the Brier score over ``bins`` equal-width bins."""
    pa, ya = _arrays(p, y)
    n = pa.size
    if not n:
        return Murphy(math.nan, math.nan, math.nan, math.nan, math.nan)
    base = float(ya.mean())
    rel = res = within = 0.0
    index = np.minimum((pa * bins).astype(int), bins - 1)
    for k in range(bins):
        mask = index == k
        m = int(mask.sum())
        if not m:
            continue
        pk, ok = pa[mask], float(ya[mask].mean())
        fbar = float(pk.mean())
        rel += m * (fbar - ok) ** 2
        res += m * (ok - base) ** 2
        # exact identity: within-bin forecast variance and its covariance with the outcomes
        within += float(np.sum((pk - fbar) ** 2) - 2 * np.sum((pk - fbar) * (ya[mask] - ok)))
    return Murphy(brier(pa, ya), rel / n, res / n, base * (1 - base), within / n)


def calibration_slope(p: ArrayLike, y: ArrayLike, clip: float = 1e-3) -> float:
    """Slope of the logistic recalibration ``logit P(y) = a + b logit p`` (MLE); ``nan`` if
    both outcomes do not occur or the forecasts do not vary."""
    pa, ya = _arrays(p, y)
    x = logit(np.clip(pa, clip, 1 - clip))
    if not x.size or ya.min(initial=1) == ya.max(initial=0) or np.ptp(x) == 0:
        return math.nan
    design = np.column_stack([np.ones_like(x), x])

    def objective(b: FloatArray) -> tuple[float, FloatArray]:
        eta = design @ b
        value = float(np.sum(np.logaddexp(0.0, eta) - ya * eta))
        return value, design.T @ (expit(eta) - ya)

    res = minimize(objective, np.array([0.0, 1.0]), jac=True, method="L-BFGS-B")
    return float(res.x[1])


def bootstrap_brier(
    forecasts: Mapping[str, ArrayLike],
    y: ArrayLike,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.90,
) -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], tuple[float, float, float]]]:
    """Paired bootstrap of Brier scores.

    Returns ``intervals[name] = (low, high)`` of each forecaster's Brier score and
    ``differences[(a, b)] = (mean difference, low, high)`` of ``Brier(a) - Brier(b)`` for every
    ordered pair, all at ``level`` (percentile intervals), from one set of resamples.
    """
    ya = np.asarray(y, dtype=np.float64)
    n = ya.size
    names = list(forecasts)
    if n == 0:
        nan2 = (math.nan, math.nan)
        return dict.fromkeys(names, nan2), {
            (a, b): (math.nan, *nan2) for a in names for b in names if a != b
        }
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    losses = {k: (np.asarray(v, dtype=np.float64) - ya) ** 2 for k, v in forecasts.items()}
    boot = {k: loss[idx].mean(axis=1) for k, loss in losses.items()}
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    intervals = {
        k: (float(np.quantile(b, lo_q)), float(np.quantile(b, hi_q))) for k, b in boot.items()
    }
    diffs = {}
    for a in names:
        for b in names:
            if a == b:
                continue
            d = boot[a] - boot[b]
            mean = float(losses[a].mean() - losses[b].mean())
            diffs[(a, b)] = (mean, float(np.quantile(d, lo_q)), float(np.quantile(d, hi_q)))
    return intervals, diffs
