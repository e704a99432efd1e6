"""Panels: state-years, dyad-years and state-organisation-years as tidy pandas DataFrames.

Each panel is built from a :class:`~detente.world.World` for a range of years; every value of
year Y is as of 31 December of Y (facts dated on or before that day, nothing after). Covariates
are asked for by name and joined as columns; see :mod:`detente.panels.dyads` and
:mod:`detente.panels.states` for the column lists. pandas is imported only when a panel is built.
"""

from detente.panels.dyads import DYAD_COVARIATES, dyad_years, portfolio_dyad_years
from detente.panels.portfolios import Portfolios, world_portfolios
from detente.panels.states import STATE_COVARIATES, state_org_years, state_years

__all__ = [
    "DYAD_COVARIATES",
    "STATE_COVARIATES",
    "Portfolios",
    "dyad_years",
    "portfolio_dyad_years",
    "state_org_years",
    "state_years",
    "world_portfolios",
]
