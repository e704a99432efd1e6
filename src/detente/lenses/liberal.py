"""The liberal-institutionalist lens: absolute gains, iterated cooperation and reciprocity.

Liberal institutionalists hold that states cooperate when they share interests, above all when
they face common problems, and that institutions make cooperation easier: they lengthen the
shadow of the future, link issues and make commitments credible (Keohane 1984; Axelrod & Keohane
1985). States value their own gains, not the gap between theirs and their partner's. Cooperation
is conditional: a partner's defection is answered in kind for a time (reciprocity, Axelrod &
Keohane 1985), and where an institution already serves the purpose a new one adds little
(nested institutions; the US argued in 2009 that the EAPC was "the proper venue" for the CSTO's
members, ``kucera-2010``). Conflict of interest still matters as the risk that a partner defects
(Oye 1985), binding commitments carry sovereignty costs (Abbott & Snidal 2000), and an economic
community is judged on the gains of trade, not on security (Keohane & Nye 1977). Preferences
themselves come from the society and institutions a government represents (Moravcsik 1997): states
of similar regimes ally and cooperate more readily (Siverson & Emmons 1991; Lai & Reiter 2000),
which the lens reads from Polity5 regime scores. A host that has leased a base honours the lease
for its term (Chayes & Chayes 1993; Cooley & Spruyt 2009): for basing, ``O`` is that lease.

Terms (contribution to ``U(yes) - U(no)``; symbols from :mod:`detente.lenses.features`):

==================== ==================================================== =======================
term                 formula                                              source
==================== ==================================================== =======================
shared_threat        ``s * threat_weight * sigma * S``                    Keohane 1984
iterated_gains       ``s * ties_weight * sigma * S * T``                  Axelrod & Keohane 1985
redundancy           ``-s * redundancy_weight * sigma * rho * S * (1+T)`` Keohane 1984; kucera-2010
reciprocity          ``-s * reciprocity_weight * breach * gains``          Axelrod & Keohane
                     (``gains = sigma S (1+T) + O + preference_weight     1985
                     * max(0, A)``)
commitment           ``s * commitment_weight * O * (1 - N) * (1 - e E)``  Keohane 1984; Chayes &
                                                                          Chayes 1993
market_access        ``s * market_weight * (1 - sigma) * M``              Keohane & Nye 1977
defection_risk       ``-s * defection_weight * R``                        Oye 1985
sovereignty_cost     ``-s * sovereignty_weight * B``                      Abbott & Snidal 2000
venue_gain           ``s * venue_weight * sigma * V`` (membership)        Keohane 1984; Abbott &
                                                                          Snidal 1998
regime_affinity      ``s * preference_weight * A * w`` (``w = B`` in a     Moravcsik 1997; Lai &
                     state's own membership choice, else 1)               Reiter 2000; Abbott &
                                                                          Snidal 2000
community_norms      ``-s * norms_weight * W``                            Schimmelfennig 2003
==================== ==================================================== =======================

``e`` is ``exit_weight``. Defaults were set a priori (1 for the core mechanisms, 0.5 for the
qualifications; see ``docs/lenses.md``), never fitted to the episodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.lenses.base import AcceptanceParams, Term, TermLens, param
from detente.lenses.features import ENGAGEMENT_BINDING, Features

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
        "their shared threats (iterated cooperation; core: 1)",
        "Axelrod & Keohane 1985 (shadow of the future); Keohane 1984",
    )
    redundancy_weight: float = param(
        1.0,
        "share of a new bloc-to-bloc tie's gains already delivered by existing venues (core: 1)",
        "Keohane 1984 (nested institutions); kucera-2010 (the EAPC as the proper venue)",
        high=1.0,
    )
    reciprocity_weight: float = param(
        1.0,
        "weight of answering a partner's use of force against a state linked to me (core: 1)",
        "Axelrod & Keohane 1985 (reciprocity, tit for tat)",
    )
    reciprocity_halflife: float = param(
        1.0,
        "years over which a breach's weight halves: one round of the iterated game, the annual "
        "cycle of summits and ministerial reviews",
        "Axelrod 1984 (tit for tat forgives after punishing); modelling assumption",
        low=0.0,
        high=50.0,
    )
    commitment_weight: float = param(
        1.0,
        "weight of a standing obligation of the tie's own organisation (core: 1)",
        "Keohane 1984 (reputation); Chayes & Chayes 1993",
    )
    memory_halflife: float = param(
        5.0,
        "years over which an organisation's failure to answer my request halves in weight",
        "Crescenzi 2007 (reputations decay); modelling assumption",
        low=0.0,
        high=50.0,
    )
    exit_weight: float = param(
        0.5,
        "share of a commitment's reputational value already spent by an earlier exit",
        "Détente modelling assumption (reputation; Keohane 1984)",
        high=1.0,
    )
    market_weight: float = param(
        1.0,
        "weight of the market an economic community opens (core for economic ties: 1)",
        "Keohane & Nye 1977 (interdependence)",
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
    venue_weight: float = param(
        1.0,
        "weight of the gain a state draws from a consultative security body it joins (or loses "
        "by leaving it): a venue that lowers the costs of information and negotiation with its "
        "members (core: 1, like the other institutional gains)",
        "Keohane 1984, After Hegemony, ch. 6; Abbott & Snidal 1998 (why states act through "
        "formal organisations)",
    )
    preference_weight: float = param(
        1.0,
        "weight of the regime affinity between a state and its counterpart: domestic preferences "
        "favour ties with similar regimes (core of Moravcsik's liberalism: 1)",
        "Moravcsik 1997, Taking Preferences Seriously; Lai & Reiter 2000 (Polity5 scores)",
    )
    norms_weight: float = param(
        1.0,
        "weight of a candidate's democratic deficit when a community of democracies decides its "
        "admission to their alliance (core of Schimmelfennig's account of enlargement: 1)",
        "Schimmelfennig 2003; NATO, Study on NATO Enlargement 1995 (Polity5 scores)",
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
    return f.s * p.threat_weight * f.sigma * f.S


def _iterated_gains(f: Features, p: LiberalParams) -> float:
    # Institutions help states realise common interests; they do not create them (Keohane 1984,
    # ch. 6): the term scales the shared-threat gain by the density of shared institutions.
    return f.s * p.ties_weight * f.sigma * f.S * f.T


def _redundancy(f: Features, p: LiberalParams) -> float:
    return -f.s * p.redundancy_weight * f.sigma * f.rho * f.S * (1.0 + f.T)


def _reciprocity(f: Features, p: LiberalParams) -> float:
    # Tit for tat answers a defection by withholding the cooperative move, whatever its value
    # (Axelrod 1984): the breach suspends that share of the gains the tie would bring.
    # the value withheld includes the regime affinity the tie would otherwise express
    gains = f.sigma * f.S * (1.0 + f.T) + f.O + p.preference_weight * max(0.0, f.A)
    return -f.s * p.reciprocity_weight * min(1.0, f.breach) * gains


def _commitment(f: Features, p: LiberalParams) -> float:
    return f.s * p.commitment_weight * f.O * (1.0 - f.N) * (1.0 - p.exit_weight * f.E)


def _describe_commitment(f: Features, p: LiberalParams) -> str | None:
    if f.kind != "basing" or f.O == 0:
        return None
    return f"basing lease in force between {f.actor} and {f.counterpart}: obligation {f.O:.2f}"


def _market_access(f: Features, p: LiberalParams) -> float:
    return f.s * p.market_weight * (1.0 - f.sigma) * f.M


def _defection_risk(f: Features, p: LiberalParams) -> float:
    return -f.s * p.defection_weight * f.R


def _sovereignty_cost(f: Features, p: LiberalParams) -> float:
    return -f.s * p.sovereignty_weight * f.B


def _preference_depth(f: Features) -> float:
    """How much regime affinity weighs in a state's own membership choice: the binding ``B`` of
    the body on it (0.25 for a consultation, 0.75 for a defence clause); 1 for every other tie.

    Similar regimes matter for deep commitments (Lai & Reiter 2000 studied alliances); soft,
    consultative arrangements are how states of different preferences cooperate at low
    sovereignty cost (Abbott & Snidal 2000, Hard and Soft Law in International Governance)."""
    return f.B if f.kind == "membership" and f.alone and f.B > 0 else 1.0


def _regime_affinity(f: Features, p: LiberalParams) -> float:
    return f.s * p.preference_weight * f.A * _preference_depth(f)


def _venue_gain(f: Features, p: LiberalParams) -> float:
    # V is non-zero for a state's own membership of a security body only when the body consults
    # rather than defends (features._own_gain); an economic tie's gain is market_access
    return f.s * p.venue_weight * f.sigma * f.V if f.kind == "membership" else 0.0


def _community_norms(f: Features, p: LiberalParams) -> float:
    # a liberal community admits the states that share its norms (detente.lenses.accession)
    return -f.s * p.norms_weight * f.admission.W


def _describe_norms(f: Features, p: LiberalParams) -> str | None:
    a = f.admission
    if a.W == 0 or a.p_candidate is None or a.p_members is None:
        return None
    return (
        f"{a.candidate}'s POLITY2 {a.p_candidate:+.0f} below the members' {a.p_members:+.1f} "
        f"(Polity5): democratic deficit {a.W:.2f}"
    )


def _describe_regime(f: Features, p: LiberalParams) -> str | None:
    if f.p_own is None or f.p_other is None or f.A == 0:
        return None
    depth = _preference_depth(f)
    text = (
        f"POLITY2 {f.p_own:+.0f} against {f.p_other:+.1f} for {f.counterpart} (Polity5): "
        f"affinity {f.A:+.2f}"
    )
    return text + (f", weighed by the body's binding {depth:.2f}" if depth != 1.0 else "")


def _describe_venue(f: Features, p: LiberalParams) -> str | None:
    if _venue_gain(f, p) == 0:
        return None
    return (
        f"{f.counterpart} consults and does not defend: a venue with members holding "
        f"{f.V / ENGAGEMENT_BINDING:.2f} of our joint means, at the consultation grade "
        f"{ENGAGEMENT_BINDING:.2f}"
    )


TERMS = (
    Term(
        "shared_threat",
        "s * threat_weight * sigma * S: both sides face the same transnational threats and gain "
        "in absolute terms by meeting them together",
        "Keohane 1984; Axelrod & Keohane 1985",
        _shared_threat,
    ),
    Term(
        "iterated_gains",
        "s * ties_weight * sigma * S * T: shared institutions make the common gain easier to "
        "realise (a longer shadow of the future)",
        "Axelrod & Keohane 1985; Keohane 1984",
        _iterated_gains,
    ),
    Term(
        "redundancy",
        "-s * redundancy_weight * sigma * rho * S * (1 + T): existing venues already reach the "
        "counterpart's members, so a new bloc-to-bloc tie adds little",
        "Keohane 1984 (nested institutions); kucera-2010",
        _redundancy,
    ),
    Term(
        "reciprocity",
        "-s * reciprocity_weight * breach * gains, gains = sigma * S * (1 + T) + O + "
        "preference_weight * max(0, A): the counterpart's recent use of force against a state "
        "linked to me suspends that share of the cooperation's gains, for a time (tit for tat)",
        "Axelrod & Keohane 1985",
        _reciprocity,
    ),
    Term(
        "commitment",
        "s * commitment_weight * O * (1 - N) * (1 - exit_weight * E): a standing obligation of the "
        "tie's own organisation is honoured for reputation's sake, less so once the organisation "
        "failed me or I left it before; for basing, the lease in force between host and user",
        "Keohane 1984; Chayes & Chayes 1993; Cooley & Spruyt 2009 (basing leases)",
        _commitment,
        _describe_commitment,
    ),
    Term(
        "market_access",
        "s * market_weight * (1 - sigma) * M: an economic community is valued for the market it "
        "opens",
        "Keohane & Nye 1977",
        _market_access,
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
    Term(
        "venue_gain",
        "s * venue_weight * sigma * V (membership only): a consultative security body (a "
        "partnership, forum or regional body without a defence clause) is a venue that lowers "
        "the costs of information and negotiation with its members (V = 0.25 * g_i, the "
        "consultation grade times what the members' means add to mine)",
        "Keohane 1984, ch. 6; Abbott & Snidal 1998",
        _venue_gain,
        _describe_venue,
    ),
    Term(
        "regime_affinity",
        "s * preference_weight * A * w: a government's preferences follow the regime it "
        "represents, so a tie with a similar regime is valued and one with a dissimilar regime "
        "resisted (A = 1 - 2 |p_i - p_C| / 20 on Polity5 POLITY2 scores); in a state's own "
        "membership choice w is the body's binding B (a consultation binds little, so regimes "
        "matter little: Abbott & Snidal 2000), else w = 1",
        "Moravcsik 1997; Siverson & Emmons 1991; Lai & Reiter 2000; Abbott & Snidal 2000",
        _regime_affinity,
        _describe_regime,
    ),
    Term(
        "community_norms",
        "-s * norms_weight * W: a community of democracies admits to its alliance the states that "
        "share its norms; a candidate's democratic deficit W = clip((p_members - p_candidate) / "
        "10, 0, 1) on Polity5 POLITY2 is a reason to refuse its invitation (not a MAP)",
        "Schimmelfennig 2003; NATO, Study on NATO Enlargement 1995",
        _community_norms,
        _describe_norms,
    ),
)

LIBERAL = TermLens(
    name="liberal",
    description=(
        "absolute gains, iterated cooperation, reciprocity, redundancy, commitments and "
        "regime affinity"
    ),
    params=LiberalParams(),
    terms=TERMS,
)
"""The built-in liberal lens with its documented defaults."""
