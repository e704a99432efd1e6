"""The Composite Index of National Capability (CINC; Singer, Bremer and Stuckey 1972).

For each component c (NMC's six: military expenditure, military personnel, iron and steel
production, primary energy consumption, total and urban population) and year t, a state's share is

.. math:: s_{c,i,t} = x_{c,i,t} / \\sum_k x_{c,k,t}

and its CINC is the mean of its shares over the components that are *not missing* for (i, t). A
missing value is skipped, never read as zero: it neither lowers the state's own mean nor the
denominators of the other states' shares.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["CINC_COMPONENTS", "cinc", "component_shares"]

CINC_COMPONENTS: tuple[str, ...] = ("milex", "milper", "irst", "pec", "tpop", "upop")
"""NMC's six component columns, in the codebook's order (NMC v6.0/v7.0 abridged files)."""

FloatArray = npt.NDArray[np.float64]


def _group_index(groups: npt.ArrayLike | None, n: int) -> tuple[npt.NDArray[np.intp], int]:
    if groups is None:
        return np.zeros(n, dtype=np.intp), 1
    labels = np.asarray(groups)
    if labels.shape != (n,):
        raise ValueError(f"groups must have one label per row ({n}), got shape {labels.shape}")
    _, inverse = np.unique(labels, return_inverse=True)
    index = inverse.astype(np.intp).reshape(n)
    return index, int(index.max()) + 1 if n else 0


def component_shares(values: npt.ArrayLike, groups: npt.ArrayLike | None = None) -> FloatArray:
    """Each row's share of its group's total, per component: :math:`x_{c,i,t}/\\sum_k x_{c,k,t}`.

    Parameters
    ----------
    values : array_like, shape (n, m)
        Component values (non-negative; NaN where missing), one row per state-year.
    groups : array_like, shape (n,), optional
        The group (usually the year) of each row; shares sum to 1 within a group. Default: one
        group.

    Returns
    -------
    numpy.ndarray, shape (n, m)
        Shares on [0, 1]; NaN where the value is missing or the group's total is 0.

    Raises
    ------
    ValueError
        If a value is negative or the shapes disagree.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"values must be 2-D (rows x components), got {x.ndim}-D")
    if np.any(x < 0):
        raise ValueError("component values must be non-negative (use NaN for missing)")
    index, n_groups = _group_index(groups, x.shape[0])
    totals = np.zeros((n_groups, x.shape[1]))
    # nan-aware sums per group: add each column's non-missing values
    np.add.at(totals, index, np.nan_to_num(x, nan=0.0))
    denom = totals[index]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares: FloatArray = np.where(denom > 0, x / denom, np.nan)
    shares[np.isnan(x)] = np.nan
    return shares


def cinc(values: npt.ArrayLike, groups: npt.ArrayLike | None = None) -> FloatArray:
    """CINC: the mean of each row's available component shares.

    .. math:: \\mathrm{CINC}_{i,t} = \\frac{1}{|C_{i,t}|}\\sum_{c \\in C_{i,t}} s_{c,i,t},
              \\quad C_{i,t} = \\{c : x_{c,i,t}\\ \\text{not missing}\\}

    (Singer, Bremer and Stuckey 1972; the NMC codebook computes it this way, and NMC v7.0's
    ``cinc`` column is reproduced to within 3e-8 by it.)

    Parameters
    ----------
    values : array_like, shape (n, m)
        Component values, NaN where missing (NMC writes -9: convert before calling).
    groups : array_like, shape (n,), optional
        The year (or other system) of each row.

    Returns
    -------
    numpy.ndarray, shape (n,)
        CINC on [0, 1]; NaN for a row with no available component.

    Examples
    --------
    >>> cinc([[1.0, 3.0], [3.0, np.nan]])
    array([0.625, 0.75 ])
    """
    shares = component_shares(values, groups)
    available = ~np.isnan(shares)
    count = available.sum(axis=1)
    total = np.where(available, shares, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out
