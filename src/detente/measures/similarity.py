"""Similarity of alliance portfolios: Kendall's tau-b, Signorino-Ritter S, kappa and pi.

Every measure here is a function of the *cross-tabulation* of two portfolios: with categories
c = 0..C-1 of a coding (:mod:`detente.measures.portfolio`) and entry weights w_k (1 unless
capability-weighted), the table of portfolios x_i and x_j is

.. math:: T_{ab}(i, j) = \\sum_k w_k \\, [x_{ik} = a] \\, [x_{jk} = b].

:func:`crosstab` builds the tables of all pairs of rows at once with one matrix product of one-hot
encodings (BLAS does the work), and the measures read them:

* Kendall's tau-b (Bueno de Mesquita 1975, with Kendall's tie correction),
  :math:`\\tau_b = (n_c - n_d)/\\sqrt{(n_0 - n_1)(n_0 - n_2)}`, where n_c and n_d count the
  concordant and discordant pairs of entries, :math:`n_0 = K(K-1)/2`, and n_1, n_2 the pairs tied
  within x_i and within x_j. Range [-1, 1]; NaN when either portfolio is constant.
* Signorino and Ritter's (1999) S,
  :math:`S = 1 - 2\\,\\sum_k w_k\\, d(x_{ik}, x_{jk}) / \\sum_k w_k` with
  :math:`d = |x_{ik}-x_{jk}|/\\Delta` (absolute) or :math:`(x_{ik}-x_{jk})^2/\\Delta^2` (squared),
  Δ the maximal possible distance. Unweighted when w = 1; Signorino and Ritter weight by
  capability shares (CINC). Range [-1, 1].
* Chance-corrected agreement (Häge 2011): with proportions :math:`p_{ab} = T_{ab}/\\sum w` and a
  disagreement metric δ (nominal :math:`[a \\ne b]`, absolute or squared distance),
  :math:`\\kappa = 1 - D_o/D_e`, :math:`D_o = \\sum_{ab} p_{ab}\\delta_{ab}`. Cohen's kappa takes
  :math:`D_e = \\sum_{ab} p_{a\\cdot} p_{\\cdot b}\\delta_{ab}` (each state's own marginals);
  Scott's pi :math:`D_e = \\sum_{ab} \\bar p_a \\bar p_b \\delta_{ab}`,
  :math:`\\bar p = (p_{a\\cdot} + p_{\\cdot a})/2` (pooled marginals). With the nominal metric these
  are the textbook :math:`(p_o - p_e)/(1 - p_e)`. NaN when :math:`D_e = 0` (both portfolios constant
  at the same category).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "SIMILARITY_MEASURES",
    "cohen_kappa",
    "crosstab",
    "from_table",
    "kendall_tau_b",
    "pairwise",
    "s_score",
    "scott_pi",
]

Measure = Literal["tau_b", "s", "kappa", "pi"]
Distance = Literal["absolute", "squared"]
Metric = Literal["nominal", "absolute", "squared"]
SIMILARITY_MEASURES: tuple[Measure, ...] = ("tau_b", "s", "kappa", "pi")

FloatArray = npt.NDArray[np.float64]


# -- tables ----------------------------------------------------------------------------------------
def crosstab(
    x: npt.ArrayLike,
    y: npt.ArrayLike | None = None,
    *,
    n_categories: int,
    weights: npt.ArrayLike | None = None,
) -> FloatArray:
    """The weighted cross-tabulation :math:`T_{ab}(i,j) = \\sum_k w_k [x_{ik}=a][y_{jk}=b]`.

    Parameters
    ----------
    x : array_like of int, shape (n, k)
        Portfolios (rows) of categories 0..n_categories-1.
    y : array_like of int, shape (m, k), optional
        Second set of portfolios (default: ``x``).
    n_categories : int
        Number of categories C.
    weights : array_like, shape (k,), optional
        Weight of each entry (default 1).

    Returns
    -------
    numpy.ndarray, shape (n, m, C, C)
        The table of every pair of rows.
    """
    xi = _categories(x, n_categories)
    yi = xi if y is None else _categories(y, n_categories)
    if xi.shape[1] != yi.shape[1]:
        raise ValueError(f"portfolios differ in length: {xi.shape[1]} and {yi.shape[1]}")
    n, k = xi.shape
    m = yi.shape[0]
    cats = np.arange(n_categories, dtype=xi.dtype)
    ox = (xi[:, None, :] == cats[None, :, None]).reshape(n * n_categories, k).astype(np.float64)
    oy = (yi[:, None, :] == cats[None, :, None]).reshape(m * n_categories, k).astype(np.float64)
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (k,):
            raise ValueError(f"weights must have one value per entry ({k}), got {w.shape}")
        ox = ox * w
    table = (ox @ oy.T).reshape(n, n_categories, m, n_categories).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(table)


def _categories(x: npt.ArrayLike, n_categories: int) -> npt.NDArray[np.int64]:
    a = np.asarray(x)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ValueError(f"portfolios must be 1-D or 2-D, got {a.ndim}-D")
    if a.size and (not np.issubdtype(a.dtype, np.integer) and np.any(a != np.round(a))):
        raise ValueError("portfolio entries must be integer categories")
    out = a.astype(np.int64)
    if out.size and (out.min() < 0 or out.max() >= n_categories):
        raise ValueError(f"portfolio entries must lie in 0..{n_categories - 1}")
    return out


def _distances(values: FloatArray, metric: Metric, delta: float = 1.0) -> FloatArray:
    diff: FloatArray = values[:, None] - values[None, :]
    if metric == "nominal":
        nominal: FloatArray = (diff != 0).astype(np.float64)
        return nominal
    if metric == "absolute":
        absolute: FloatArray = np.abs(diff) / delta
        return absolute
    if metric == "squared":
        squared: FloatArray = diff**2 / delta**2
        return squared
    raise ValueError(f"unknown metric {metric!r} (expected nominal, absolute or squared)")


# -- measures on tables ----------------------------------------------------------------------------
def _s_table(table: FloatArray, values: FloatArray, delta: float, distance: Distance) -> FloatArray:
    if delta <= 0:
        raise ValueError("the maximal distance must be positive")
    total = table.sum(axis=(-2, -1))
    d = _distances(values, distance, delta)
    observed = np.einsum("...ab,ab->...", table, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = 1.0 - 2.0 * observed / total
    return out


def _tau_b_table(table: FloatArray) -> FloatArray:
    # G[a,b] = sum of T over a' > a, b' > b; H[a,b] = sum over a' > a, b' < b
    c = table.shape[-1]
    ge = np.flip(np.cumsum(np.cumsum(np.flip(table, (-2, -1)), -2), -1), (-2, -1))
    greater = np.zeros_like(table)
    greater[..., : c - 1, : c - 1] = ge[..., 1:, 1:]
    le = np.flip(np.cumsum(np.flip(table, -2), -2), -2).cumsum(-1)  # a' >= a, b' <= b
    lesser = np.zeros_like(table)
    lesser[..., : c - 1, 1:] = le[..., 1:, : c - 1]
    concordant = np.einsum("...ab,...ab->...", table, greater)
    discordant = np.einsum("...ab,...ab->...", table, lesser)
    k = table.sum(axis=(-2, -1))
    rows = table.sum(axis=-1)
    cols = table.sum(axis=-2)
    n0 = k * (k - 1) / 2
    n1 = (rows * (rows - 1) / 2).sum(axis=-1)
    n2 = (cols * (cols - 1) / 2).sum(axis=-1)
    denom = (n0 - n1) * (n0 - n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(denom > 0, (concordant - discordant) / np.sqrt(denom), np.nan)
    return out


def _agreement_table(
    table: FloatArray, values: FloatArray, chance: Literal["cohen", "scott"], metric: Metric
) -> FloatArray:
    total = table.sum(axis=(-2, -1))[..., None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = table / total
    d = _distances(values, metric)
    observed = np.einsum("...ab,ab->...", p, d)
    pa = p.sum(axis=-1)
    pb = p.sum(axis=-2)
    if chance == "scott":
        pa = pb = (pa + pb) / 2
    expected = np.einsum("...a,ab,...b->...", pa, d, pb)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(expected > 0, 1.0 - observed / expected, np.nan)
    return out


def from_table(
    table: npt.ArrayLike,
    measure: Measure,
    *,
    values: npt.ArrayLike | None = None,
    max_distance: float | None = None,
    distance: Distance = "absolute",
    metric: Metric = "nominal",
) -> FloatArray:
    """A similarity measure computed from cross-tabulation(s) of two portfolios.

    Parameters
    ----------
    table : array_like, shape (..., C, C)
        ``table[a, b]``: weight (or count, or proportion) of entries with category a in the first
        portfolio and b in the second. Tau-b needs counts (it counts pairs of entries).
    measure : {"tau_b", "s", "kappa", "pi"}
        See the module docstring for the formulas.
    values : array_like, shape (C,), optional
        The value of each category (default 0..C-1); distances are taken between values.
    max_distance : float, optional
        Δ for S (default: the range of ``values``).
    distance : {"absolute", "squared"}
        Distance of S.
    metric : {"nominal", "absolute", "squared"}
        Disagreement metric of kappa and pi (nominal: the textbook measures).

    Returns
    -------
    numpy.ndarray, shape (...)
        The measure, on [-1, 1] (NaN where undefined).
    """
    t = np.asarray(table, dtype=np.float64)
    if t.ndim < 2 or t.shape[-1] != t.shape[-2]:
        raise ValueError(f"a table must be square in its last two axes, got shape {t.shape}")
    c = t.shape[-1]
    v = np.arange(c, dtype=np.float64) if values is None else np.asarray(values, np.float64)
    if v.shape != (c,):
        raise ValueError(f"values must have one entry per category ({c})")
    if measure == "tau_b":
        return _tau_b_table(t)
    if measure == "s":
        delta = float(v.max() - v.min()) if max_distance is None else float(max_distance)
        return _s_table(t, v, delta, distance)
    if measure in ("kappa", "pi"):
        return _agreement_table(t, v, "cohen" if measure == "kappa" else "scott", metric)
    raise ValueError(f"unknown measure {measure!r} (expected {', '.join(SIMILARITY_MEASURES)})")


# -- all pairs at once -----------------------------------------------------------------------------
def pairwise(
    portfolios: npt.ArrayLike,
    measure: Measure,
    *,
    n_categories: int,
    weights: npt.ArrayLike | None = None,
    columns: npt.ArrayLike | None = None,
    max_distance: float | None = None,
    distance: Distance = "absolute",
    metric: Metric = "nominal",
) -> FloatArray:
    """A measure for every pair of rows of a portfolio matrix (vectorised).

    Parameters
    ----------
    portfolios : array_like of int, shape (n, k)
        Row i is state i's portfolio over the k states of the system, coded 0..n_categories-1.
    measure : {"tau_b", "s", "kappa", "pi"}
        See the module docstring.
    n_categories : int
        Categories of the coding (4 valued, 2 binary).
    weights : array_like, shape (k,), optional
        Entry weights (e.g. CINC for Signorino and Ritter's weighted S). Entries whose weight is
        NaN are left out, as in fpsim. Not allowed with tau-b (a rank correlation).
    columns : array_like of bool or int, optional
        The entries forming the system (regional or a given set); default all.
    max_distance : float, optional
        Δ of S (default n_categories - 1).
    distance, metric
        As in :func:`from_table`.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        Symmetric matrix of the measure; the diagonal compares each portfolio with itself.
    """
    x = np.asarray(portfolios)
    if x.ndim != 2:
        raise ValueError(f"portfolios must be 2-D (states x entries), got {x.ndim}-D")
    keep = np.ones(x.shape[1], dtype=bool)
    if columns is not None:
        cols = np.asarray(columns)
        keep = np.zeros(x.shape[1], dtype=bool)
        keep[cols] = True
    w = None
    if weights is not None:
        if measure == "tau_b":
            raise ValueError("tau-b is a rank correlation: it takes no entry weights")
        w_all = np.asarray(weights, dtype=np.float64)
        if w_all.shape != (x.shape[1],):
            raise ValueError(f"weights must have one value per entry ({x.shape[1]})")
        keep &= ~np.isnan(w_all)
        w = w_all[keep]
    xs = _categories(x[:, keep], n_categories)
    delta = float(n_categories - 1) if max_distance is None else max_distance
    if measure == "s":
        return _s_direct(xs, w, n_categories, delta, distance)
    if measure in ("kappa", "pi") and metric == "nominal":
        return _agreement_direct(xs, w, n_categories, "cohen" if measure == "kappa" else "scott")
    table = crosstab(xs, n_categories=n_categories, weights=w)
    return from_table(table, measure, max_distance=delta, distance=distance, metric=metric)


# Direct forms for all pairs: a few (n x k) @ (k x n) products instead of the (n, n, C, C) tables.
# They give the same values as the tables (the property tests check it) at a fraction of the cost.
def _s_direct(
    x: npt.NDArray[np.int64], w: FloatArray | None, c: int, delta: float, distance: Distance
) -> FloatArray:
    if delta <= 0:
        raise ValueError("the maximal distance must be positive")
    weights = np.ones(x.shape[1]) if w is None else w
    total = weights.sum()
    if distance == "absolute":
        # |a - b| = sum over thresholds t = 1..C-1 of |[a >= t] - [b >= t]|, and for 0/1 values
        # |u - v| = u + v - 2uv: C-1 matrix products
        d = np.zeros((x.shape[0], x.shape[0]))
        for t in range(1, c):
            u = (x >= t).astype(np.float64)
            r = u @ weights
            d += r[:, None] + r[None, :] - 2.0 * ((u * weights) @ u.T)
        scale = total * delta
    elif distance == "squared":
        v = x.astype(np.float64)
        q = (v * v) @ weights
        d = q[:, None] + q[None, :] - 2.0 * ((v * weights) @ v.T)
        scale = total * delta**2
    else:
        raise ValueError(f"unknown distance {distance!r} (expected absolute or squared)")
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = 1.0 - 2.0 * np.maximum(d, 0.0) / scale
    return out


def _agreement_direct(
    x: npt.NDArray[np.int64], w: FloatArray | None, c: int, chance: Literal["cohen", "scott"]
) -> FloatArray:
    weights = np.ones(x.shape[1]) if w is None else w
    total = weights.sum()
    n = x.shape[0]
    observed = np.zeros((n, n))
    marginals = np.zeros((n, c))
    for cat in range(c):
        o = (x == cat).astype(np.float64)
        observed += (o * weights) @ o.T
        marginals[:, cat] = o @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = observed / total
        p = marginals / total
    cross = p @ p.T
    if chance == "cohen":
        p_e = cross
    else:
        sq = (p * p).sum(axis=1)
        p_e = (sq[:, None] + sq[None, :] + 2.0 * cross) / 4.0
    room = 1.0 - p_e
    # both portfolios constant at the same category: chance agreement is 1, kappa undefined
    undefined = room <= 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(undefined, np.nan, (p_o - p_e) / np.where(undefined, 1, room))
    return out


# -- two vectors -----------------------------------------------------------------------------------
def _pair_table(
    x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray]:
    a = np.asarray(x, dtype=np.float64).ravel()
    b = np.asarray(y, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"x and y differ in length: {a.size} and {b.size}")
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("x and y must not hold missing values (drop incomplete entries first)")
    values, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    inverse = inverse.reshape(-1)
    table = crosstab(
        inverse[: a.size], inverse[a.size :], n_categories=values.size, weights=weights
    )
    return table[0, 0], values


def s_score(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    max_distance: float | None = None,
    weights: npt.ArrayLike | None = None,
    distance: Distance = "absolute",
) -> float:
    """Signorino and Ritter's (1999) S of two portfolios.

    :math:`S = 1 - 2\\sum_k w_k d_k / \\sum_k w_k`, :math:`d_k = |x_k - y_k|/\\Delta` (absolute) or
    :math:`(x_k - y_k)^2/\\Delta^2` (squared); unweighted when ``weights`` is omitted.

    Parameters
    ----------
    x, y : array_like
        The two portfolios (numeric, same length, no missing values).
    max_distance : float, optional
        Δ, the maximal possible distance of one entry (3 on the valued alliance scale, 1 binary).
        Default: the range of the values observed in x and y (fpsim's default) - pass it.
    weights : array_like, optional
        Entry weights, e.g. capability shares; need not sum to 1.
    distance : {"absolute", "squared"}

    Returns
    -------
    float
        S on [-1, 1].

    Examples
    --------
    Signorino and Ritter's weighted alliance example (w = 0.5, 0.3, 0.1, 0.1):

    >>> round(s_score([3, 3, 2, 2], [2, 2, 3, 3], max_distance=3, weights=[.5, .3, .1, .1]), 2)
    0.33
    """
    table, values = _pair_table(x, y, weights)
    delta = float(values.max() - values.min()) if max_distance is None else float(max_distance)
    return float(_s_table(table, values, delta, distance))


def kendall_tau_b(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Kendall's tau-b of two portfolios (Bueno de Mesquita's alliance-portfolio measure).

    :math:`\\tau_b = (n_c - n_d)/\\sqrt{(n_0 - n_1)(n_0 - n_2)}`, ties corrected (Kendall 1945).

    Parameters
    ----------
    x, y : array_like
        The two portfolios (ordinal values, same length).

    Returns
    -------
    float
        tau-b on [-1, 1]; NaN if either portfolio is constant.
    """
    table, _ = _pair_table(x, y, None)
    return float(_tau_b_table(table))


def cohen_kappa(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    metric: Metric = "nominal",
) -> float:
    """Cohen's kappa of two portfolios, as Häge (2011) proposes for foreign-policy similarity.

    :math:`\\kappa = 1 - D_o/D_e` with each portfolio's own marginals in :math:`D_e`; with the
    nominal metric :math:`\\kappa = (p_o - p_e)/(1 - p_e)`, :math:`p_e = \\sum_c p_x(c) p_y(c)`.

    Parameters
    ----------
    x, y : array_like
        The two portfolios (categories, same length).
    weights : array_like, optional
        Entry weights (default 1).
    metric : {"nominal", "absolute", "squared"}
        Disagreement metric (absolute/squared: weighted kappa on the category values).

    Returns
    -------
    float
        Kappa on [-1, 1]; NaN when chance disagreement is 0.
    """
    table, values = _pair_table(x, y, weights)
    return float(_agreement_table(table, values, "cohen", metric))


def scott_pi(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    metric: Metric = "nominal",
) -> float:
    """Scott's pi of two portfolios (Häge 2011): kappa with pooled marginals.

    :math:`\\pi = 1 - D_o/D_e`, :math:`D_e` from :math:`\\bar p_c = (p_x(c) + p_y(c))/2`; with the
    nominal metric :math:`\\pi = (p_o - p_e)/(1 - p_e)`, :math:`p_e = \\sum_c \\bar p_c^2`.

    Parameters
    ----------
    x, y : array_like
        The two portfolios (categories, same length).
    weights : array_like, optional
        Entry weights (default 1).
    metric : {"nominal", "absolute", "squared"}
        Disagreement metric.

    Returns
    -------
    float
        Pi on [-1, 1]; NaN when chance disagreement is 0.
    """
    table, values = _pair_table(x, y, weights)
    return float(_agreement_table(table, values, "scott", metric))
