"""State-years and state-organisation-years.

``state_years`` has one row per state in the system per year: ``state``, ``cow``, ``year`` and
the covariates asked for:

================  ==============================================================================
name              columns
================  ==============================================================================
``capabilities``  ``milex``, ``gdp``, ``population``, ``personnel`` (the world's units; NaN where
                  the world has no figure for the year)
``cinc``          ``cinc`` (:mod:`detente.panels.covariates`: the CINC formula on the world's
                  milex, personnel and population, shares among the year's states)
``memberships``   ``n_member`` (organisations in which the state is a member), ``n_any`` (holds
                  any status)
``bases``         ``bases_hosted`` (foreign presences on its territory), ``bases_abroad``
``relevant``      ``major`` (a COW major power that year)
================  ==============================================================================

``state_org_years`` has one row per state, organisation and year in which the state holds a
status in the organisation on 31 December: ``state``, ``org``, ``year``, ``status``, ``org_kind``,
``decision_rule``.

Values of year Y are as of 31 December of Y; nothing dated after it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.panels.covariates import CAPABILITY_MEASURES, state_arrays
from detente.panels.dyads import check_covariates, year_range
from detente.panels.portfolios import system_states, year_end
from detente.panels.relevance import is_major_power
from detente.world import World

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STATE_COVARIATES", "state_org_years", "state_years"]

STATE_COVARIATES: tuple[str, ...] = ("capabilities", "cinc", "memberships", "bases", "relevant")
"""Every covariate name :func:`state_years` accepts."""


def state_years(
    world: World,
    start: int,
    end: int,
    *,
    with_: Sequence[str] = (),
    system_org: str | None = "UN",
) -> pd.DataFrame:
    """The state-years of a world from ``start`` to ``end`` (inclusive), with covariates.

    Parameters
    ----------
    world : World
        The facts.
    start, end : int
        First and last year.
    with_ : sequence of str
        Names from :data:`STATE_COVARIATES`.
    system_org : str or None
        Organisation whose members at the year's end are its states (default the UN); ``None``:
        every state every year.

    Returns
    -------
    pandas.DataFrame
        One row per state-year, sorted by year then state.
    """
    import pandas as pd

    names = check_covariates(with_, STATE_COVARIATES)
    years = year_range(start, end)
    states = tuple(sorted(world.states))
    index = {s: i for i, s in enumerate(states)}
    present = np.zeros((len(years), len(states)), dtype=bool)
    snaps = [world.on(year_end(y)) for y in years]
    for k, snap in enumerate(snaps):
        for s in system_states(world, snap, system_org):
            present[k, index[s]] = True
    t, i = np.nonzero(present)
    cow = np.asarray([world.states[s].cow for s in states], dtype=np.int64)
    yrs = np.asarray(years, dtype=np.int64)
    data: dict[str, Any] = {
        "state": pd.Categorical.from_codes(i, categories=list(states)),
        "cow": cow[i],
        "year": yrs[t],
    }
    arrays = state_arrays(world, states, years, present)
    for name in names:
        if name == "capabilities":
            for m in CAPABILITY_MEASURES:
                data[m] = arrays.values[m][t, i]
        elif name == "cinc":
            data["cinc"] = arrays.values["cinc"][t, i]
        elif name == "memberships":
            data.update(_memberships(snaps, index, t, i))
        elif name == "bases":
            data.update(_bases(snaps, index, t, i))
        elif name == "relevant":
            data["major"] = is_major_power(cow[i], yrs[t])
    return pd.DataFrame(data)


def _memberships(
    snaps: Sequence[Any], index: dict[str, int], t: np.ndarray, i: np.ndarray
) -> dict[str, Any]:
    member = np.zeros((len(snaps), len(index)), dtype=np.int64)
    anyst = np.zeros_like(member)
    for k, snap in enumerate(snaps):
        for m in snap.current_memberships():
            s = index.get(m.actor)
            if s is not None:
                anyst[k, s] += 1
                member[k, s] += m.status == "member"
    return {"n_member": member[t, i], "n_any": anyst[t, i]}


def _bases(
    snaps: Sequence[Any], index: dict[str, int], t: np.ndarray, i: np.ndarray
) -> dict[str, Any]:
    hosted = np.zeros((len(snaps), len(index)), dtype=np.int64)
    abroad = np.zeros_like(hosted)
    for k, snap in enumerate(snaps):
        for b in snap.bases():
            if b.host in index:
                hosted[k, index[b.host]] += 1
            if b.user in index:
                abroad[k, index[b.user]] += 1
    return {"bases_hosted": hosted[t, i], "bases_abroad": abroad[t, i]}


def state_org_years(world: World, start: int, end: int) -> pd.DataFrame:
    """Every (state, organisation, year) in which the state holds a status on 31 December.

    Parameters
    ----------
    world : World
        The facts.
    start, end : int
        First and last year.

    Returns
    -------
    pandas.DataFrame
        Columns ``state, org, year, status, org_kind, decision_rule``, sorted by year, org, state.
        Only states (not organisations holding a status, such as NATO in the NRC) appear.
    """
    import pandas as pd

    rows = []
    for year in year_range(start, end):
        snap = world.on(year_end(year))
        for m in snap.current_memberships():
            if m.actor not in world.states:
                continue
            org = world.organisations[m.org]
            rows.append((m.actor, m.org, year, m.status, org.kind, org.decision_rule))
    frame = pd.DataFrame(
        rows, columns=["state", "org", "year", "status", "org_kind", "decision_rule"]
    )
    return frame.sort_values(["year", "org", "state"], ignore_index=True)
