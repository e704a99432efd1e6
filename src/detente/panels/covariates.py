"""A world's facts as arrays by year: capabilities, CINC, memberships, rivalries, bases.

Every value of year Y is as of the end of Y: it is read from ``world.on(31 December Y)``, so a fact
dated after the year cannot leak in. Capability figures are the year's own (the world dates a
year's figure on 31 December); a year without a figure stays missing (NaN), it is not carried
forward from an earlier year nor filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.measures.cinc import cinc
from detente.panels.portfolios import year_end
from detente.world import World

__all__ = [
    "CAPABILITY_MEASURES",
    "CINC_FROM_WORLD",
    "StateArrays",
    "dyad_matrices",
    "state_arrays",
]

CAPABILITY_MEASURES: tuple[str, ...] = ("milex", "gdp", "population", "personnel")
"""The world's capability measures (records.CapabilitySeries)."""

CINC_FROM_WORLD: tuple[str, ...] = ("milex", "personnel", "population")
"""The world's measures that are NMC components (milex, milper, tpop); the world records no iron
and steel, energy or urban population, so its CINC is the mean of these three shares."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class StateArrays:
    """Values of states by year: ``values[name]`` is a (years, states) float array."""

    states: tuple[str, ...]
    years: tuple[int, ...]
    values: dict[str, FloatArray]


def state_arrays(
    world: World,
    states: Sequence[str],
    years: Sequence[int],
    present: npt.NDArray[np.bool_] | None = None,
) -> StateArrays:
    """Capabilities and CINC of ``states`` in ``years`` (NaN where the world has no figure).

    CINC is :func:`detente.measures.cinc.cinc` over :data:`CINC_FROM_WORLD`, with shares taken
    among the states ``present`` in the system that year (default all of ``states``): it is the
    CINC formula on the world's data, not COW's published CINC (import an NMC file for that).
    """
    index = {s: i for i, s in enumerate(states)}
    where = {y: k for k, y in enumerate(years)}
    t, n = len(years), len(states)
    values = {m: np.full((t, n), np.nan) for m in CAPABILITY_MEASURES}
    for series in world.capabilities:
        i = index.get(series.actor)
        if i is None:
            continue
        column = values[series.measure]
        for year, value in series.values.items():
            k = where.get(year)
            if k is not None and value is not None:
                column[k, i] = value
    mask = np.ones((t, n), dtype=bool) if present is None else present
    comps = np.stack([values[m] for m in CINC_FROM_WORLD], axis=-1)  # (t, n, 3)
    comps = np.where(mask[..., None], comps, np.nan)
    rows = comps.reshape(t * n, len(CINC_FROM_WORLD))
    score = cinc(rows, np.repeat(np.arange(t), n)).reshape(t, n)
    values["cinc"] = np.where(mask, score, np.nan)
    return StateArrays(tuple(states), tuple(years), values)


def dyad_matrices(world: World, states: Sequence[str], year: int) -> dict[str, FloatArray]:
    """Dyadic facts at the end of ``year`` as (states, states) matrices.

    ``shared_member``: organisations in which both are members; ``shared_any``: in which both hold
    any status (member, partner, observer, suspended, frozen); ``rivalry``: intensity on [0, 1] of
    the strongest rivalry holding between them (0 where the world records none); ``bases``:
    foreign military presences that the row state operates on the column state's territory.
    """
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    snap = world.on(year_end(year))
    orgs = sorted(world.organisations)
    org_index = {o: k for k, o in enumerate(orgs)}
    member = np.zeros((n, len(orgs)))
    anyst = np.zeros((n, len(orgs)))
    for m in snap.current_memberships():
        i = index.get(m.actor)
        if i is None:
            continue
        anyst[i, org_index[m.org]] = 1.0
        if m.status == "member":
            member[i, org_index[m.org]] = 1.0
    rivalry = np.zeros((n, n))
    for r in snap.relations("rivalry"):
        i, j = index.get(r.a), index.get(r.b)
        if i is not None and j is not None:
            rivalry[i, j] = rivalry[j, i] = max(rivalry[i, j], r.intensity)
    bases = np.zeros((n, n))
    for b in snap.bases():
        i, j = index.get(b.user), index.get(b.host)
        if i is not None and j is not None:
            bases[i, j] += 1.0
    return {
        "shared_member": member @ member.T,
        "shared_any": anyst @ anyst.T,
        "rivalry": rivalry,
        "bases": bases,
    }
