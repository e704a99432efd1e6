"""Dyad-years: one row per pair of states in the system per year, with covariates by name.

Columns always present: ``year``, ``state_a``, ``state_b`` (ids), ``cow_a``, ``cow_b`` (COW
numbers). Undirected panels hold each pair once (``state_a`` before ``state_b`` in id order);
directed panels hold both orders. The covariates a caller asks for (``with_``) add columns:

=================  =================================================================================
name               columns
=================  =================================================================================
``capabilities``   ``milex_a``, ``milex_b``, ``gdp_a``, ``gdp_b``, ``population_a``,
                   ``population_b``, ``personnel_a``, ``personnel_b`` (the world's units)
``cinc``           ``cinc_a``, ``cinc_b``
``shared``         ``shared_member`` (organisations where both are members), ``shared_any`` (both
                   hold any status)
``rivalry``        ``rivalry`` (intensity on [0, 1]; 0 where the world records no rivalry)
``bases``          ``bases_a_in_b``, ``bases_b_in_a`` (foreign military presences)
``relevant``       ``major_a``, ``major_b`` (COW major powers), ``politically_relevant``
                   (``True`` with a major power, else ``<NA>``: contiguity is not recorded)
``tau_b``          ``tau_b_<coding>``: Kendall's tau-b of the two alliance portfolios
``s``              ``s_<coding>``: Signorino-Ritter S, absolute distance, unweighted
``s_squared``      ``s_squared_<coding>``: S with squared distance
``s_weighted``     ``s_weighted_<coding>``: S weighted by the entries' CINC (states without a CINC
                   that year are left out of the weighted sum)
``kappa``          ``kappa_<coding>``: Cohen's kappa (Häge 2011)
``pi``             ``pi_<coding>``: Scott's pi (Häge 2011)
=================  =================================================================================

``<coding>`` is each of the requested codings (``valued``, ``any``, ``defence``; see
:mod:`detente.measures.portfolio`). Similarity compares the two states' portfolios over the
states of the *system* (global, regions, or a given set; :mod:`detente.measures.system`) present
that year.

As of: every value of year Y is as of 31 December of Y (see :mod:`detente.panels.covariates`
and :mod:`detente.panels.portfolios`); nothing dated after the year is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.errors import InputError, Problem
from detente.measures.portfolio import CODINGS, Coding, code_portfolio, n_categories
from detente.measures.similarity import pairwise
from detente.measures.system import system_mask
from detente.panels.covariates import CAPABILITY_MEASURES, dyad_matrices, state_arrays
from detente.panels.portfolios import Portfolios, world_portfolios
from detente.panels.relevance import is_major_power
from detente.world import World

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DYAD_COVARIATES",
    "SIMILARITY_COLUMNS",
    "check_covariates",
    "dyad_years",
    "portfolio_dyad_years",
    "year_range",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

SIMILARITY_COLUMNS: dict[str, dict[str, Any]] = {
    "tau_b": {"measure": "tau_b"},
    "s": {"measure": "s", "distance": "absolute"},
    "s_squared": {"measure": "s", "distance": "squared"},
    "s_weighted": {"measure": "s", "distance": "absolute", "weighted": True},
    "kappa": {"measure": "kappa"},
    "pi": {"measure": "pi"},
}
"""Similarity covariates and the :func:`~detente.measures.similarity.from_table` measure of each."""

DYAD_COVARIATES: tuple[str, ...] = (
    "capabilities",
    "cinc",
    "shared",
    "rivalry",
    "bases",
    "relevant",
    *SIMILARITY_COLUMNS,
)
"""Every covariate name :func:`dyad_years` accepts."""


def year_range(start: int, end: int) -> list[int]:
    """The years ``start..end`` inclusive, or an :class:`InputError` if the range is empty."""
    if end < start:
        raise InputError(Problem(None, None, "--to", f"{end} is before --from {start}"))
    return list(range(start, end + 1))


def check_covariates(names: Sequence[str], known: Sequence[str]) -> list[str]:
    """``names`` if each is in ``known``; else an :class:`InputError` listing what is allowed."""
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(
            Problem(
                None,
                None,
                "--with",
                f"unknown covariate(s) {', '.join(unknown)} (expected: {', '.join(known)})",
            )
        )
    return list(dict.fromkeys(names))


def check_system(system: str | Sequence[str], ids: Sequence[str], cow: Sequence[int]) -> None:
    """Raise :class:`InputError` (``--system``) unless every name is a region or a state id."""
    try:
        system_mask(ids, cow, system)
    except ValueError as exc:
        raise InputError(Problem(None, None, "--system", str(exc))) from None


def _index(portfolios: Portfolios, directed: bool) -> tuple[IntArray, IntArray, IntArray]:
    """Year, first and second state positions of every dyad-year, year by year."""
    ts, iis, jjs = [], [], []
    for k in range(len(portfolios.years)):
        idx = np.flatnonzero(portfolios.present[k])
        n = idx.size
        if directed:
            a, b = np.nonzero(~np.eye(n, dtype=bool))
        else:
            a, b = np.triu_indices(n, 1)
        ts.append(np.full(a.size, k, dtype=np.intp))
        iis.append(idx[a])
        jjs.append(idx[b])
    if not ts:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, empty
    return np.concatenate(ts), np.concatenate(iis), np.concatenate(jjs)


def _similarity(
    portfolios: Portfolios,
    where: tuple[IntArray, IntArray, IntArray],
    names: Sequence[str],
    codings: Sequence[Coding],
    system: str | Sequence[str],
    weights: FloatArray | None,
) -> dict[str, FloatArray]:
    t = where[0]
    out = {f"{name}_{c}": np.full(t.size, np.nan) for name in names for c in codings}
    if not names:
        return out
    from threadpoolctl import threadpool_limits

    # Many small (states x states) products: BLAS threads cost more than they save here, and on
    # a busy machine they collapse (seen in an ad-hoc timing, not a committed benchmark), so the
    # products run on one thread.
    with threadpool_limits(limits=1, user_api="blas"):
        _similarity_years(portfolios, where, names, codings, system, weights, out)
    return out


def _similarity_years(
    portfolios: Portfolios,
    where: tuple[IntArray, IntArray, IntArray],
    names: Sequence[str],
    codings: Sequence[Coding],
    system: str | Sequence[str],
    weights: FloatArray | None,
    out: dict[str, FloatArray],
) -> None:
    t, i, j = where
    in_system = system_mask(portfolios.states, portfolios.cow, system)
    bounds = np.searchsorted(t, np.arange(len(portfolios.years) + 1))
    for k in range(len(portfolios.years)):
        lo, hi = bounds[k], bounds[k + 1]
        if lo == hi:
            continue
        rows = np.flatnonzero(portfolios.present[k])
        cols = np.flatnonzero(portfolios.present[k] & in_system)
        pos = np.full(len(portfolios.states), -1, dtype=np.intp)
        pos[rows] = np.arange(rows.size)
        a, b = pos[i[lo:hi]], pos[j[lo:hi]]
        levels = portfolios.levels[k][np.ix_(rows, cols)]
        for coding in codings:
            x = code_portfolio(levels, coding)
            c = n_categories(coding)
            for name in names:
                spec = SIMILARITY_COLUMNS[name]
                w = None
                if spec.get("weighted"):
                    if weights is None:
                        raise ValueError("s_weighted needs capability weights (CINC)")
                    w = weights[k, cols]
                    if np.isnan(w).all():
                        continue
                elif cols.size == 0:
                    continue
                matrix = pairwise(
                    x,
                    spec["measure"],
                    n_categories=c,
                    weights=w,
                    distance=spec.get("distance", "absolute"),
                )
                out[f"{name}_{coding}"][lo:hi] = matrix[a, b]


def _frame(
    portfolios: Portfolios, where: tuple[IntArray, IntArray, IntArray], columns: Mapping[str, Any]
) -> pd.DataFrame:
    import pandas as pd

    t, i, j = where
    years = np.asarray(portfolios.years, dtype=np.int64)
    cow = np.asarray(portfolios.cow, dtype=np.int64)
    states = list(portfolios.states)
    data: dict[str, Any] = {
        "year": years[t],
        "state_a": pd.Categorical.from_codes(i, categories=states),
        "state_b": pd.Categorical.from_codes(j, categories=states),
        "cow_a": cow[i],
        "cow_b": cow[j],
    }
    data.update(columns)
    # copy=False: the columns are fresh arrays; pandas then keeps them as they are instead of
    # stacking them into one block (a copy of the whole panel)
    return pd.DataFrame(data, copy=False)


def portfolio_dyad_years(
    portfolios: Portfolios,
    measures: Sequence[str] = ("s", "kappa"),
    *,
    codings: Sequence[Coding] = CODINGS,
    system: str | Sequence[str] = "global",
    weights: FloatArray | None = None,
    directed: bool = False,
) -> pd.DataFrame:
    """Dyad-years with portfolio similarity only, from alliance portfolios (e.g. an ATOP file).

    Parameters
    ----------
    portfolios : Portfolios
        Alliance levels by year.
    measures : sequence of str
        Names from :data:`SIMILARITY_COLUMNS` (``tau_b``, ``s``, ``s_squared``, ``s_weighted``,
        ``kappa``, ``pi``).
    codings : sequence of {"valued", "any", "defence"}
        Portfolio codings; one column per measure and coding.
    system : str or sequence of str
        ``"global"``, region names or state ids (:func:`detente.measures.system.system_mask`).
    weights : numpy.ndarray, shape (years, states), optional
        Entry weights for ``s_weighted`` (CINC), NaN where unknown.
    directed : bool
        Both orders of each pair (default: each pair once).

    Returns
    -------
    pandas.DataFrame
        ``year, state_a, state_b, cow_a, cow_b`` and ``<measure>_<coding>`` columns.
    """
    names = check_covariates(measures, list(SIMILARITY_COLUMNS))
    where = _index(portfolios, directed)
    columns = _similarity(portfolios, where, names, codings, system, weights)
    return _frame(portfolios, where, columns)


def _slice_years(portfolios: Portfolios, years: Sequence[int]) -> Portfolios:
    ks = [portfolios.year_index(y) for y in years]
    return Portfolios(
        portfolios.states,
        portfolios.cow,
        tuple(years),
        portfolios.levels[ks],
        portfolios.present[ks],
        portfolios.source,
    )


def _pair(values: FloatArray, where: tuple[IntArray, IntArray, IntArray]) -> tuple[Any, Any]:
    t, i, j = where
    return values[t, i], values[t, j]


def dyad_years(
    world: World,
    start: int,
    end: int,
    *,
    with_: Sequence[str] = (),
    directed: bool = False,
    codings: Sequence[Coding] = CODINGS,
    system: str | Sequence[str] = "global",
    system_org: str | None = "UN",
    alliances: Portfolios | None = None,
    cinc_override: Callable[[Portfolios], FloatArray] | None = None,
) -> pd.DataFrame:
    """The dyad-years of a world from ``start`` to ``end`` (inclusive), with covariates.

    Parameters
    ----------
    world : World
        The facts (memberships, agreements, capabilities, relations, bases).
    start, end : int
        First and last year.
    with_ : sequence of str
        Covariate names (:data:`DYAD_COVARIATES`; see the module docstring for their columns).
    directed : bool
        Both orders of each pair.
    codings : sequence of {"valued", "any", "defence"}
        Portfolio codings of the similarity columns.
    system : str or sequence of str
        The system that portfolios span (``"global"``, regions, state ids).
    system_org : str or None
        Organisation whose members are the states of each year (default the UN).
    alliances : Portfolios, optional
        Alliance portfolios to use instead of the world's agreements (e.g. read from an ATOP
        file); their states are the panel's states.
    cinc_override : callable, optional
        Given the panel's portfolios, a (years, states) CINC array to use instead of the CINC
        computed from the world (e.g. from an NMC file).

    Returns
    -------
    pandas.DataFrame
        One row per dyad-year.
    """
    names = check_covariates(with_, DYAD_COVARIATES)
    years = year_range(start, end)
    if alliances is None:
        check_system(
            system, [s.id for s in world.states.values()], [s.cow for s in world.states.values()]
        )
    portfolios = (
        world_portfolios(world, years, system_org=system_org)
        if alliances is None
        else _slice_years(alliances, years)
    )
    check_system(system, portfolios.states, portfolios.cow)
    where = _index(portfolios, directed)
    columns: dict[str, Any] = {}
    arrays = state_arrays(world, portfolios.states, years, portfolios.present)
    cinc_values = arrays.values["cinc"] if cinc_override is None else cinc_override(portfolios)
    for name in names:
        if name == "capabilities":
            for m in CAPABILITY_MEASURES:
                columns[f"{m}_a"], columns[f"{m}_b"] = _pair(arrays.values[m], where)
        elif name == "cinc":
            columns["cinc_a"], columns["cinc_b"] = _pair(cinc_values, where)
        elif name == "relevant":
            columns.update(_relevant(portfolios, where))
    dyadic = [n for n in names if n in ("shared", "rivalry", "bases")]
    if dyadic:
        columns.update(_dyadic(world, portfolios, where, dyadic))
    similarity = [n for n in names if n in SIMILARITY_COLUMNS]
    columns.update(_similarity(portfolios, where, similarity, codings, system, cinc_values))
    return _frame(portfolios, where, columns)


def _relevant(portfolios: Portfolios, where: tuple[IntArray, IntArray, IntArray]) -> dict[str, Any]:
    import pandas as pd

    t, i, j = where
    years = np.asarray(portfolios.years)[t]
    cow = np.asarray(portfolios.cow)
    major_a = is_major_power(cow[i], years)
    major_b = is_major_power(cow[j], years)
    relevant = pd.array(np.where(major_a | major_b, True, pd.NA), dtype="boolean")
    return {"major_a": major_a, "major_b": major_b, "politically_relevant": relevant}


def _dyadic(
    world: World,
    portfolios: Portfolios,
    where: tuple[IntArray, IntArray, IntArray],
    names: Sequence[str],
) -> dict[str, Any]:
    t, i, j = where
    out: dict[str, Any] = {}
    keys = {"shared": ("shared_member", "shared_any"), "rivalry": ("rivalry",), "bases": ("bases",)}
    wanted = [k for n in names for k in keys[n]]
    for key in wanted:
        dtype = np.float64 if key == "rivalry" else np.int64
        if key == "bases":
            out["bases_a_in_b"] = np.zeros(t.size, dtype=dtype)
            out["bases_b_in_a"] = np.zeros(t.size, dtype=dtype)
        else:
            out[key] = np.zeros(t.size, dtype=dtype)
    bounds = np.searchsorted(t, np.arange(len(portfolios.years) + 1))
    for k, year in enumerate(portfolios.years):
        lo, hi = bounds[k], bounds[k + 1]
        if lo == hi:
            continue
        mats = dyad_matrices(world, portfolios.states, year)
        a, b = i[lo:hi], j[lo:hi]
        for key in wanted:
            if key == "bases":
                out["bases_a_in_b"][lo:hi] = mats["bases"][a, b]
                out["bases_b_in_a"][lo:hi] = mats["bases"][b, a]
            else:
                out[key][lo:hi] = mats[key][a, b]
    # a state the world does not know (e.g. from an ATOP file) has unknown, not zero, ties
    known = np.asarray([s in world.states for s in portfolios.states])
    unknown = ~(known[i] & known[j])
    if unknown.any():
        for key, values in out.items():
            values = values.astype(np.float64)
            values[unknown] = np.nan
            out[key] = values
    return out
