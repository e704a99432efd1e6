"""The realist lens: relative gains, balance of threat, alliance security against autonomy.

Realists grant that cooperation yields absolute gains but hold that, in anarchy, states also ask
who gains more, because a rival's gains can become tomorrow's military advantage (Grieco 1988:
``U = V - k * max(0, W - V)``, only the side that gains less pays; ``own_gain`` is ``V`` and
``relative_gains`` the penalty). How much the gap weighs depends
on whether force between the two is at issue (Powell 1991). States balance against threats, not
power as such: a state's threat grows with its aggregate power, proximity, offensive capability
and aggressive intentions; weak, isolated states next to a great power may bandwagon instead
(Walt 1987). Alliances trade autonomy for security, most of all for the weak partner of an
asymmetric alliance (Snyder 1984; Morrow 1991); a defence commitment also risks entrapment in an
ally's conflicts, feared most by the partner that depends least on the other (Snyder 1984), and
the great powers compete for influence over third states (``ffi-2007``; ``kucera-2010``).

Terms (contribution to ``U(yes) - U(no)``; symbols from :mod:`detente.lenses.features`):

==================== ======================================================= ====================
term                 formula                                                 source
==================== ======================================================= ====================
own_gain             ``s * gain_weight * V``                                 Grieco 1988
relative_gains       ``-s * rivalry_weight * gap``                           Grieco 1988; Powell
                                                                             1991
balance_of_threat    ``-s * threat_weight * sigma * theta * (1 - 2 omega)``  Walt 1987
                     ``* w`` (``w = B`` for a state's own membership of a
                     consultative body, else 1)
alliance_security    ``s * security_weight * sigma * Q * (1 - N) * X * H``   Walt 1987; Snyder
                                                                             1984
entrapment           ``-s * entrapment_weight * sigma * K * Y * (1 - H)``    Snyder 1984; 1997
guarantee_cost       ``-s * guarantee_weight * sigma * K * Zg``               Olson & Zeckhauser
                                                                             1966; Sandler &
                                                                             Hartley 1999
autonomy_cost        ``-s * autonomy_weight * B * D * (a0 + (1 - a0) div')``  Morrow 1991
                     ``* (1 - U)``
coercion_cost        ``s * coercion_weight * sigma * Z``                     Walt 1987; Cooley
                                                                             2008
alliance_persistence ``s * persistence_weight * sigma * K * I * (1 - X)``    Walt 1997
influence            ``s * influence_weight * (G+ - G-)``                    ffi-2007; Cooley 2012
==================== ======================================================= ====================

``a0`` is ``autonomy_floor``; ``div' = max(div, exit_weight * E)``. Defaults were set before any
backtest from the literature's qualitative ranking (1 for a theory's core mechanism, 0.5 for a
qualification; see ``docs/lenses.md``), never fitted to the episodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.lenses.base import AcceptanceParams, Term, TermLens, param
from detente.lenses.features import Features

__all__ = ["REALIST", "RealistParams"]


@dataclass(frozen=True)
class RealistParams(AcceptanceParams):
    """Parameters of the realist lens (every one documented with its source)."""

    gain_weight: float = param(
        1.0,
        "weight of the absolute gain V a tie brings (Grieco's realists value it too; core: 1)",
        "Grieco 1988",
    )
    rivalry_weight: float = param(
        1.0,
        "Grieco's coefficient k of sensitivity to a rival's larger gain (core: 1)",
        "Grieco 1988; Powell 1991",
    )
    threat_weight: float = param(
        1.0,
        "weight of balancing against the state that threatens me most (core: 1)",
        "Walt 1987, The Origins of Alliances",
    )
    security_weight: float = param(
        1.0,
        "weight of the defence a tie gives against threats outside it (core: 1)",
        "Walt 1987; Snyder 1984 (alliance security dilemma)",
    )
    autonomy_weight: float = param(
        0.5,
        "weight of the autonomy a state gives up to a dominant partner (a qualification)",
        "Morrow 1991 (autonomy-security trade-off)",
    )
    autonomy_floor: float = param(
        0.5,
        "share of the autonomy cost felt when the partner's interests do not diverge from mine "
        "(1 = divergence does not matter)",
        "Morrow 1991 (autonomy is the ability to pursue interests the partner does not share)",
        high=1.0,
    )
    influence_weight: float = param(
        0.5,
        "weight of influence over third states (a qualification: contested states hedge between "
        "patrons, so a rival's gain is not a one-for-one loss)",
        "ffi-2007; kucera-2010; Cooley 2012, Great Games, Local Rules",
    )
    bandwagon_power: float = param(
        0.9,
        "power share of a bordering threat above which an isolated state bandwagons",
        "Walt 1987, ch. 5 (bandwagoning by weak states without allies)",
        high=1.0,
    )
    distance_discount: float = param(
        0.25,
        "proximity of a threat that neither borders me nor has forces next to me",
        "Boulding 1962 (loss-of-strength gradient); Walt 1987",
        high=1.0,
    )
    force_spillover: float = param(
        0.5,
        "weight of a state's use of force against a third state as a sign of its intentions",
        "Walt 1987 (perceived aggressive intentions)",
        high=1.0,
    )
    memory_halflife: float = param(
        5.0,
        "years over which an ally's failure to answer my request for help halves in weight",
        "Snyder 1984 (abandonment); Crescenzi 2007 (reputations decay); modelling assumption",
        low=0.0,
        high=50.0,
    )
    entrapment_weight: float = param(
        1.0,
        "weight of the risk of being drawn into a new ally's conflicts with states outside the "
        "alliance (core: 1, on a par with security_weight, the gain it is weighed against: "
        "Snyder's two horns of the alliance security dilemma)",
        "Snyder 1984, The Security Dilemma in Alliance Politics; Snyder 1997, Alliance Politics",
    )
    exit_weight: float = param(
        0.5,
        "divergence from an organisation's leader revealed by my earlier exit from it",
        "Détente modelling assumption (revealed preference)",
        high=1.0,
    )
    guarantee_weight: float = param(
        1.0,
        "weight of the guarantee an ally extends to a candidate that brings less than the "
        "least capable ally (core: 1, the cost side of alliance_security)",
        "Olson & Zeckhauser 1966; Sandler & Hartley 1999; NATO, Study on NATO Enlargement 1995",
    )
    coercion_weight: float = param(
        1.0,
        "cost to a host of expelling the forces of a stronger user that can coerce it (core: 1, "
        "power as Walt's first source of threat; fixed before any backtest ran with it)",
        "Walt 1987 (weak states beside a strong power); Cooley 2008, Base Politics",
    )
    persistence_weight: float = param(
        0.5,
        "weight of an institutionalised alliance's pull on a member that may leave it (a "
        "qualification: alliances outlive their threat, yet do collapse when it changes)",
        "Walt 1997, Why Alliances Endure or Collapse, Survival 39(1)",
    )
    persistence_halflife: float = param(
        5.0,
        "years of membership after which half of an alliance's institutionalisation is built "
        "(the lenses' five-year memory convention)",
        "Walt 1997 (institutionalisation); modelling assumption",
        low=0.0,
        high=50.0,
    )


def _own_gain(f: Features, p: RealistParams) -> float:
    return f.s * p.gain_weight * f.V


def _relative_gains(f: Features, p: RealistParams) -> float:
    return -f.s * p.rivalry_weight * f.gap


def _alignment_depth(f: Features) -> float:
    """How far a tie aligns ``i`` with its counterpart, for Walt's balancing: in full, except for
    a state's own membership of a consultative security body (PfP, OSCE), which aligns it only at
    the body's binding ``B`` (0.25, consultation): such a body is a venue shared with the threat's
    camp, not an alliance with it (Walt 1987 counts alignments)."""
    return f.B if f.consultative else 1.0


def _balance_of_threat(f: Features, p: RealistParams) -> float:
    return -f.s * p.threat_weight * f.sigma * f.theta * (1.0 - 2.0 * f.omega) * _alignment_depth(f)


def _alliance_security(f: Features, p: RealistParams) -> float:
    return f.s * p.security_weight * f.sigma * f.Q * (1.0 - f.N) * f.X * f.H


def _autonomy_cost(f: Features, p: RealistParams) -> float:
    div = max(f.div, p.exit_weight * f.E)
    a0 = p.autonomy_floor
    # autonomy already pooled in a union with the leader is not lost again (Morrow 1991: the
    # cost is the marginal loss of freedom of action)
    return -f.s * p.autonomy_weight * f.B * f.D * (a0 + (1.0 - a0) * div) * (1.0 - f.U)


def _entrapment(f: Features, p: RealistParams) -> float:
    # the less I depend on the ally (1 - H: my means against what it adds), the more I fear
    # being entrapped rather than abandoned (Snyder 1984: dependence sets which fear dominates)
    return -f.s * p.entrapment_weight * f.sigma * f.K * f.Y * (1.0 - f.H)


def _guarantee_cost(f: Features, p: RealistParams) -> float:
    # an ally extending its defence clause to a security consumer (detente.lenses.accession)
    a = f.admission
    return -f.s * p.guarantee_weight * f.sigma * a.grade * a.Z


def _describe_guarantee(f: Features, p: RealistParams) -> str | None:
    a = f.admission
    if a.Z == 0 or a.cap_candidate is None or a.cap_floor is None:
        return None
    return (
        f"defence grade {a.grade:.2f} extended to {a.candidate}, whose military expenditure "
        f"{a.cap_candidate:.3g} bn is below the least capable ally's ({a.floor_member}, "
        f"{a.cap_floor:.3g} bn): contribution shortfall {a.Z:.2f}"
    )


def _coercion_cost(f: Features, p: RealistParams) -> float:
    # keeping the garrison (s = +1) avoids the cost of coercion by the user whose forces are in
    # place; expelling them is what a host that cannot bear that cost does not do
    return f.s * p.coercion_weight * f.sigma * f.Z


def _describe_coercion(f: Features, p: RealistParams) -> str | None:
    if f.Z == 0 or f.sigma == 0:
        return None
    return (
        f"{f.counterpart}'s forces are already based in {f.actor}; its capacity to coerce "
        f"{f.actor} if expelled {f.Z:.2f} (power share times reach)"
    )


def _influence(f: Features, p: RealistParams) -> float:
    return f.s * p.influence_weight * (f.G_plus - f.G_minus)


def _persistence(f: Features, p: RealistParams) -> float:
    # Walt 1997: an institutionalised alliance creates organisations, habits and vested interests
    # that keep members in after the threat fades; counted only for a member's own exit (I > 0).
    # It substitutes for the threat rather than adding to it: the part of the pull that the
    # alliance's answer to a live outside threat X (alliance_security) does not already explain.
    return f.s * p.persistence_weight * f.sigma * f.K * f.I * (1.0 - f.X)


def _describe_persistence(f: Features, p: RealistParams) -> str | None:
    if f.I == 0 or f.K == 0 or f.sigma == 0:
        return None
    return (
        f"institutionalisation {f.I:.2f} of {f.actor}'s membership of {f.counterpart} "
        f"(defence grade {f.K:.2f}), where the outside threat leaves {1.0 - f.X:.2f}"
    )


def _describe_security(f: Features, p: RealistParams) -> str | None:
    if f.X_from == "" or f.Q == 0 or f.sigma == 0:
        return None
    text = (
        f"{f.counterpart}'s defence grade {f.Q:.2f} against the greatest threat outside it, "
        f"{f.X_from} (Walt threat {f.X:.2f}); {f.counterpart} adds {f.H:.2f} of the joint means"
    )
    return text + (f"; discounted by past non-response {f.N:.2f}" if f.N > 0 else "")


def _describe_autonomy(f: Features, p: RealistParams) -> str | None:
    if f.U and f.U_org:
        return f"no autonomy cost: already pooled with {f.leader} in the union {f.U_org}"
    if f.B == 0 or f.D == 0:
        return None
    return (
        f"binding {f.B:.2f} to a party whose leader {f.leader} holds {f.D:.2f} of our joint "
        f"means; divergence {max(f.div, p.exit_weight * f.E):.2f}"
    )


def _describe_entrapment(f: Features, p: RealistParams) -> str | None:
    if f.Y == 0 or f.K == 0 or f.sigma == 0:
        return None
    return (
        f"defence grade {f.K:.2f} owed to {f.Y_ally}, whose greatest threat outside the "
        f"alliance is {f.Y_from} (Walt threat {f.Y_threat:.2f}, {f.Y:.2f} not shared by "
        f"{f.actor}); {f.actor}'s weight against the ally {1.0 - f.H:.2f}"
    )


def _describe_threat(f: Features, p: RealistParams) -> str | None:
    if f.theta == 0 or f.sigma == 0 or not f.theta_from:
        return None
    text = f"Walt threat {f.theta:.2f} from {f.theta_from}"
    return text + (f"; bandwagoning propensity {f.omega:.2f}" if f.omega > 0 else "")


TERMS = (
    Term(
        "own_gain",
        "s * gain_weight * V: what the tie adds to my own means (V = depth * g_me for a bloc-level "
        "tie, 0.25 * g_me for joining a consultative security body, the market M for joining an "
        "economic community; an alliance's gain is its defence)",
        "Grieco 1988 (the V of U = V - k(W - V))",
        _own_gain,
    ),
    Term(
        "relative_gains",
        "-s * rivalry_weight * gap: a rival in the counterpart gains more from the tie than I "
        "do (gap = phi(R) * max(0, g_rival - g_me)), and the gap counts where force is at issue",
        "Grieco 1988; Powell 1991",
        _relative_gains,
    ),
    Term(
        "balance_of_threat",
        "-s * threat_weight * sigma * theta * (1 - 2 omega) * w: a tie that strengthens or binds "
        "me to the state that threatens me (power, proximity, forces, intentions) is resisted, "
        "unless I am weak, isolated and next to it (bandwagoning, omega); w = B, the body's "
        "binding, when I join or leave a consultative body (it aligns me only that far), else 1",
        "Walt 1987",
        _balance_of_threat,
        _describe_threat,
    ),
    Term(
        "alliance_security",
        "s * security_weight * sigma * Q * (1 - N) * X * H: defence the tie gives against the "
        "greatest threat outside it, discounted by the ally's past failures to answer",
        "Walt 1987; Snyder 1984",
        _alliance_security,
        _describe_security,
    ),
    Term(
        "autonomy_cost",
        "-s * autonomy_weight * B * D * (a0 + (1 - a0) * div) * (1 - U): binding myself to a "
        "stronger partner costs autonomy, the more so where our interests diverge, and none "
        "that a union with it has already pooled",
        "Morrow 1991",
        _autonomy_cost,
        _describe_autonomy,
    ),
    Term(
        "entrapment",
        "-s * entrapment_weight * sigma * K * Y * (1 - H): a defence commitment risks drawing "
        "me into the conflicts of the state it covers with rivals outside the alliance (Y, the "
        "part of its greatest such threat I do not share), the more so the less I depend on it",
        "Snyder 1984; Snyder 1997",
        _entrapment,
        _describe_entrapment,
    ),
    Term(
        "guarantee_cost",
        "-s * guarantee_weight * sigma * K * Zg: an ally extends its defence clause (grade K) to "
        "a candidate that brings less than the least capable ally, a consumer of the guarantee "
        "in proportion to the shortfall Zg = max(0, 1 - cap_candidate / cap_floor); not for a "
        "pre-accession programme (MAP)",
        "Olson & Zeckhauser 1966; Sandler & Hartley 1999; NATO, Study on NATO Enlargement 1995",
        _guarantee_cost,
        _describe_guarantee,
    ),
    Term(
        "coercion_cost",
        "s * coercion_weight * sigma * Z: a host that expels the forces of a stronger user "
        "able to reach it bears that user's coercion, so it keeps what it cannot remove (Z = "
        "power share times 1 for a land border, else distance_discount)",
        "Walt 1987; Cooley 2008",
        _coercion_cost,
        _describe_coercion,
    ),
    Term(
        "alliance_persistence",
        "s * persistence_weight * sigma * K * I * (1 - X): the longer a state has been in an "
        "alliance with a defence clause (I = 1 - 2^(-years / persistence_halflife)), the more "
        "its institutions hold it there once the outside threat X has faded; only a member's "
        "own exit",
        "Walt 1997",
        _persistence,
        _describe_persistence,
    ),
    Term(
        "influence",
        "s * influence_weight * (G+ - G-): the tie binds contested third states to my side "
        "(G+) or to my rival's (G-)",
        "ffi-2007 (zero-sum contest for Central Asia); kucera-2010; Cooley 2012",
        _influence,
    ),
)

REALIST = TermLens(
    name="realist",
    description="relative gains, balance of threat, alliance security and autonomy, influence",
    params=RealistParams(),
    terms=TERMS,
)
"""The built-in realist lens with its documented defaults."""
