"""Readers of the field's data files that a user supplies (Détente ships and downloads none).

* :func:`~detente.importers.nmc.read_nmc`: COW National Material Capabilities (v6.0/v7.0
  abridged CSV).
* :func:`~detente.importers.atop.read_atop_ddyr` and
  :func:`~detente.importers.atop.read_atop_members`: ATOP 5.x directed-dyad-year and member-level
  CSV files, into alliance :class:`~detente.panels.Portfolios`.
* :func:`~detente.importers.igo.read_igo_state_years`: COW Intergovernmental Organizations
  (v3) state-year file, into a tidy state-organisation-year frame.
* :func:`~detente.importers.opportunities.igo_import` and
  :func:`~detente.importers.opportunities.atop_import`: join and leave *decision
  opportunities* (episodes for ``detente backtest``) from the same IGO and ATOP files, with the
  rows read, used and skipped (``detente episodes import igo|atop FILE``);
  :func:`~detente.importers.opportunities.igo_opportunities` and
  :func:`~detente.importers.opportunities.atop_opportunities` return the episodes only.

A file that is not in the expected format raises :class:`~detente.errors.InputError` naming the
file, the line and the column, and what was expected (the CLI prints it and exits with status 2).
Licences: the COW and ATOP data are free for academic use with citation; neither may be bundled
with Détente.
"""

from detente.importers.atop import read_atop_ddyr, read_atop_members
from detente.importers.igo import read_igo_state_years
from detente.importers.nmc import nmc_cinc, read_nmc
from detente.importers.opportunities import (
    OpportunityImport,
    atop_import,
    atop_opportunities,
    cow_ids,
    igo_import,
    igo_opportunities,
)

__all__ = [
    "OpportunityImport",
    "atop_import",
    "atop_opportunities",
    "cow_ids",
    "igo_import",
    "igo_opportunities",
    "nmc_cinc",
    "read_atop_ddyr",
    "read_atop_members",
    "read_igo_state_years",
    "read_nmc",
]
