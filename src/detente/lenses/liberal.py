"""The liberal-institutionalist lens: absolute gains from shared threats and institutions.

Liberal institutionalists hold that states cooperate when they share interests, above all when
they face common problems, and that institutions make cooperation easier: they lengthen the
shadow of the future, link issues, make commitments credible and cut transaction costs (Keohane
1984; Axelrod & Keohane 1985). States value their own gains, not the gap between theirs and
their partner's. Conflict of interest still matters, as the risk that a partner defects (Oye
1985), and binding commitments carry sovereignty costs (Abbott & Snidal 2000). The FFI report
names the threats from Afghanistan (terrorism, drugs, instability) as the liberal case for
NATO-CSTO cooperation (``ffi-2007``).

Terms (contribution to ``U(yes) - U(no)``; symbols from :mod:`detente.lenses.features`):

==================== =============================================== ===============================
term                 formula                                         source
==================== =============================================== ===============================
shared_threat        ``s * threat_weight * S``                       Keohane 1984; Axelrod &
                                                                     Keohane 1985
institutional_ties   ``s * ties_weight * S * T``                     Keohane 1984; Axelrod &
                                                                     Keohane 1985
commitment           ``s * commitment_weight * O``                   Keohane 1984; Chayes & Chayes
                                                                     1993
defection_risk       ``-s * defection_weight * R``                   Oye 1985; Axelrod & Keohane
                                                                     1985
sovereignty_cost     ``-s * sovereignty_weight * B``                 Abbott & Snidal 2000
==================== =============================================== ===============================

How the defaults were set: see ``docs/lenses.md`` (a priori, 1 for the core mechanisms and 0.5 for
the qualifications; never fitted to the episodes).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.lenses.base import AcceptanceParams, Term, TermLens, param
from detente.lenses.features import Features

__all__ = ["LIBERAL", "LiberalParams"]


@dataclass(frozen=True)
class LiberalParams(AcceptanceParams):
    """Parameters of the liberal lens (every one documented with its source)."""

    threat_weight: float = param(
        1.0,
        "weight of the absolute gain from jointly meeting shared threats (core: 1)",
        "Keohane 1984, After Hegemony; Axelrod & Keohane 1985",
    )
    ties_weight: float = param(
        1.0,
        "weight of the extra gain that existing institutional ties let the parties realise from "
        "their shared threats (core: 1)",
        "Axelrod & Keohane 1985 (shadow of the future); Keohane 1984",
    )
    commitment_weight: float = param(
        1.0,
        "weight of a standing treaty obligation between the parties (core: 1)",
        "Keohane 1984 (reputation); Chayes & Chayes 1993",
    )
    defection_weight: float = param(
        0.5,
        "weight of the risk that a rival partner defects (a qualification)",
        "Oye 1985; Axelrod & Keohane 1985",
    )
    sovereignty_weight: float = param(
        0.5,
        "weight of the sovereignty cost of binding oneself (a qualification)",
        "Abbott & Snidal 2000, Hard and Soft Law",
    )
    ties_saturation: float = param(
        3.0,
        "number of shared organisations at which institutional ties count in full",
        "Détente modelling assumption (density of shared IGO membership; Russett & Oneal 2001)",
        low=0.5,
        high=20.0,
    )
    presence_exposure: float = param(
        0.5,
        "exposure to a threat of a state whose forces are based in an exposed state",
        "Détente modelling assumption (forces abroad face the threats of their host)",
        high=1.0,
    )


def _shared_threat(f: Features, p: LiberalParams) -> float:
    return f.s * p.threat_weight * f.S


def _institutional_ties(f: Features, p: LiberalParams) -> float:
    # Institutions help states realise common interests; they do not create them (Keohane 1984,
    # ch. 6): the term scales the shared-threat gain by the density of shared institutions.
    return f.s * p.ties_weight * f.S * f.T


def _commitment(f: Features, p: LiberalParams) -> float:
    return f.s * p.commitment_weight * f.O


def _defection_risk(f: Features, p: LiberalParams) -> float:
    return -f.s * p.defection_weight * f.R


def _sovereignty_cost(f: Features, p: LiberalParams) -> float:
    return -f.s * p.sovereignty_weight * f.B


TERMS = (
    Term(
        "shared_threat",
        "s * threat_weight * S: both sides face the same transnational threats and gain in "
        "absolute terms by meeting them together",
        "Keohane 1984; Axelrod & Keohane 1985",
        _shared_threat,
    ),
    Term(
        "institutional_ties",
        "s * ties_weight * S * T: shared institutions make the common gain easier to realise "
        "(longer shadow of the future, lower transaction costs)",
        "Keohane 1984; Axelrod & Keohane 1985",
        _institutional_ties,
    ),
    Term(
        "commitment",
        "s * commitment_weight * O: a standing obligation is honoured for the sake of reputation",
        "Keohane 1984; Chayes & Chayes 1993",
        _commitment,
    ),
    Term(
        "defection_risk",
        "-s * defection_weight * R: a rival partner may exploit cooperation",
        "Oye 1985; Axelrod & Keohane 1985",
        _defection_risk,
    ),
    Term(
        "sovereignty_cost",
        "-s * sovereignty_weight * B: a binding tie limits what a state may do alone",
        "Abbott & Snidal 2000",
        _sovereignty_cost,
    ),
)

LIBERAL = TermLens(
    name="liberal",
    description="absolute gains from shared threats, institutions and commitments",
    params=LiberalParams(),
    terms=TERMS,
)
"""The built-in liberal lens with its documented defaults."""
