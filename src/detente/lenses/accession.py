"""The allies' side of an accession: what members weigh when a state asks to join their alliance.

A question in which a state asks to join an organisation with a collective-defence clause (NATO's
invitations, ``membership-nato.yaml``) is decided by the members. Before this module the lenses
gave a member no reason to refuse a candidate that faced no rival outside the alliance, so under
the silence procedure every such candidate was invited. Two criteria the sources name are added
here, each computed from the world as known before the date, for a member ``i`` deciding the
admission of state ``j`` to alliance ``O``:

``Z`` (contribution shortfall, the realist lens's ``guarantee_cost``)
    ``max(0, 1 - cap_j / cap_floor)``, ``cap`` the military expenditure (the world's SIPRI
    ``milex``, USD bn at constant 2019 prices, the latest year before the date, carried forward at
    most ``CARRY_YEARS``) and ``cap_floor`` the smallest such figure among ``O``'s members. Only
    figures the sources give count: a member whose expenditure is unknown (SIPRI gives no figure for
    Iceland) sets no floor, and the world's fill rule is not used, because a filled value
    measures nothing a state contributes. The economic theory of alliances reads an
    alliance's defence as a club good whose members are its producers and consumers (Olson &
    Zeckhauser 1966; Sandler & Hartley 1999, *The Political Economy of NATO*, ch. 3 and on
    enlargement): extending the guarantee to a state costs the allies what it does not supply
    itself. A candidate that brings at least what the least capable ally brings asks no more of
    the guarantee than the allies already give that ally; below it, it is a pure consumer, in
    proportion to the gap. NATO's own *Study on NATO Enlargement* (NATO, 3 Sep 1995; its part on
    the military implications of membership) expects new members to contribute to collective
    defence. On ``[0, 1]``; 0 when the
    candidate's or every member's expenditure is unknown (no information).
``W`` (democratic deficit, the liberal lens's ``community_norms``)
    ``clip((p_O - p_j) / 10, 0, 1)``, ``p`` the Polity5 POLITY2 score of the year before
    (:mod:`detente.lenses.regime`) and ``p_O`` the members' expenditure-weighted mean (as in the
    regime affinity ``A``), counted only when ``p_O`` lies in Polity's democracy band (at least
    :data:`DEMOCRACY_BAND`): a community of liberal states admits those that share its constitutive
    norms (Schimmelfennig 2003, *The EU, NATO and the Integration of Europe*), and NATO's 1995
    Study (ch. 1, principles of enlargement) asks new members to conform to democracy, individual
    liberty and the rule of law. The slope, 0.1 per POLITY
    point, is that of ``A``. 0 when either score is unknown.

Neither criterion applies to a **pre-accession programme** (a question whose yes outcome is one
of :data:`PROGRAMME_OUTCOMES`, NATO's Membership Action Plan): the MAP was launched on 24 Apr 1999
to help aspirants meet the criteria, and its document states that taking part gives no guarantee
of membership (Washington Summit Communiqué, NATO press release NAC-S(99)64, and the MAP
itself, NAC-S(99)66). A shortfall is what the programme is for, not a reason to refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.lenses.features import Tie, WorldView

__all__ = [
    "DEMOCRACY_BAND",
    "NONE",
    "PROGRAMME_OUTCOMES",
    "Admission",
    "admission",
]

PROGRAMME_OUTCOMES = frozenset({"map"})
"""Yes outcomes that grant a pre-accession programme (NATO's Membership Action Plan), not
membership: the accession criteria are not applied to them."""

DEMOCRACY_BAND = 6.0
"""Lowest POLITY2 of Polity's democracy band (6 to 10; Marshall & Gurr 2020, the Polity5 users'
manual): a body whose members' mean lies in it is a community of democracies."""

_DEFENCE = ("collective-defence",)


@dataclass(frozen=True)
class Admission:
    """The accession features of one member deciding one candidate (module docstring)."""

    Z: float = 0.0
    W: float = 0.0
    grade: float = 0.0
    candidate: str = ""
    cap_candidate: float | None = None
    cap_floor: float | None = None
    floor_member: str = ""
    p_candidate: float | None = None
    p_members: float | None = None


NONE = Admission()
"""No accession features: the actor is not a member deciding a candidate's admission."""


def admission(view: WorldView, i: str, tie: Tie, params: Any) -> Admission:
    """The accession features of ``i`` for ``tie``.

    Non-zero only for a full member ``i`` of an organisation with a collective-defence clause
    that a state asks to join, and never for a pre-accession programme (``tie.programme``). ``Z``
    is computed only for a lens that weighs it (``params`` has ``guarantee_weight``), ``W`` only
    for one with ``norms_weight`` (the regime scores' notes would mislead the other lenses).
    """
    org, j = tie.b, tie.a
    if tie.kind != "membership" or tie.sign < 0 or tie.programme:
        return NONE
    if not view.is_org(org) or view.is_org(j) or view.is_org(i) or i == j:
        return NONE
    members = view.members(org)
    grade = view.obligation(org, _DEFENCE)
    if i not in members or j in members or grade == 0:
        return NONE
    # contribution: the candidate's means against the least capable ally's (club goods)
    z, floor, floor_member, cap_j = 0.0, None, "", None
    if hasattr(params, "guarantee_weight"):
        # only figures the sources give (carried forward at most CARRY_YEARS) count: a member or
        # candidate whose expenditure is unknown sets no floor and has no shortfall (unknown is
        # not zero, and a filled value is no measurement of what a state contributes)
        own = {m: view.snap.capability(m, "milex") for m in [*members, j]}
        known = [(v.value, m) for m, v in own.items() if v is not None and m != j and v.value > 0]
        cv = own[j]
        cap_j = cv.value if cv is not None else None
        if known and cap_j is not None:
            floor, floor_member = min(known)
            z = max(0.0, 1.0 - cap_j / floor)
    # democratic community: the candidate's shortfall from the members' regime
    w, p_j, p_o = 0.0, None, None
    if hasattr(params, "norms_weight"):
        from detente.lenses.features import _party_regime

        p_j, p_o = view.regime(j), _party_regime(view, j, org)
        if p_j is not None and p_o is not None and p_o >= DEMOCRACY_BAND:
            w = min(1.0, max(0.0, (p_o - p_j) / 10.0))
    return Admission(z, w, grade, j, cap_j, floor, floor_member, p_j, p_o)
