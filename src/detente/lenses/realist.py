"""The realist lens: relative gains, balance of threat, and the contest for influence.

Realists grant that cooperation yields absolute gains but hold that, in anarchy, states also ask
who gains more, because today's partner's gains can become tomorrow's military advantage (Grieco
1988). How much that weighs depends on rivalry and on whether force is thinkable (Powell 1991) and
on how few and how large the players are (Snidal 1991). States align against threats, not power
as such (Walt 1987), trade autonomy for security in asymmetric alliances (Morrow 1991), and compete
for influence over third states: the FFI report reads NATO's refusal of the CSTO's offers as a
zero-sum contest for Central Asia (``ffi-2007``), the reading of the US cables of 2009
(``kucera-2010``).

Terms (contribution to ``U(yes) - U(no)``; symbols from :mod:`detente.lenses.features`):

==================== =============================================== ===============================
term                 formula                                         source
==================== =============================================== ===============================
threat_balancing     ``s * threat_weight * S * H``                   Walt 1987
relative_gains       ``-s * rivalry_weight * R * (f0 + (1-f0) * F)`` Grieco 1988; Powell 1991;
                                                                     Snidal 1991
influence            ``s * influence_weight * (G+ - G-)``            ffi-2007; Cooley 2012
alliance_security    ``s * security_weight * Q * X * H``             Walt 1987; Snyder 1984
autonomy_cost        ``-s * autonomy_weight * B * D``                Morrow 1991; Waltz 1979
==================== =============================================== ===============================

``f0`` is ``force_floor``. How the defaults were set: see ``docs/lenses.md`` (a priori, 1 for a
lens's core mechanisms and 0.5 for the qualifications; never fitted to the episodes).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.lenses.base import AcceptanceParams, Term, TermLens, param
from detente.lenses.features import Features

__all__ = ["REALIST", "RealistParams"]


@dataclass(frozen=True)
class RealistParams(AcceptanceParams):
    """Parameters of the realist lens (every one documented with its source)."""

    threat_weight: float = param(
        1.0,
        "weight of balancing a shared external threat with a capable partner (core: 1)",
        "Walt 1987, The Origins of Alliances",
    )
    rivalry_weight: float = param(
        1.0,
        "Grieco's coefficient k of sensitivity to gaps in gains, per unit of rivalry (core: 1)",
        "Grieco 1988; Powell 1991; Snidal 1991",
    )
    force_floor: float = param(
        0.5,
        "share of the relative-gains concern that remains when the counterpart cannot turn gains "
        "into force (no collective-defence clause); 1 = force does not matter",
        "Powell 1991 (relative gains matter where force is at issue)",
        high=1.0,
    )
    influence_weight: float = param(
        0.5,
        "weight of influence over third states (a qualification: contested states hedge between "
        "patrons, so a rival's gain is not a one-for-one loss)",
        "ffi-2007; kucera-2010; Cooley 2012, Great Games, Local Rules",
    )
    security_weight: float = param(
        1.0,
        "weight of the defence a tie gives against rivals outside it (core: 1)",
        "Walt 1987; Snyder 1984 (alliance security dilemma)",
    )
    autonomy_weight: float = param(
        0.5,
        "weight of the autonomy a state gives up to a dominant partner (a qualification)",
        "Morrow 1991 (autonomy-security trade-off); Waltz 1979",
    )
    presence_exposure: float = param(
        0.5,
        "exposure to a threat of a state whose forces are based in an exposed state",
        "Détente modelling assumption (forces abroad face the threats of their host)",
        high=1.0,
    )


def _threat_balancing(f: Features, p: RealistParams) -> float:
    return f.s * p.threat_weight * f.S * f.H


def _relative_gains(f: Features, p: RealistParams) -> float:
    return -f.s * p.rivalry_weight * f.R * (p.force_floor + (1.0 - p.force_floor) * f.F)


def _influence(f: Features, p: RealistParams) -> float:
    return f.s * p.influence_weight * (f.G_plus - f.G_minus)


def _alliance_security(f: Features, p: RealistParams) -> float:
    return f.s * p.security_weight * f.Q * f.X * f.H


def _autonomy_cost(f: Features, p: RealistParams) -> float:
    return -f.s * p.autonomy_weight * f.B * f.D


TERMS = (
    Term(
        "threat_balancing",
        "s * threat_weight * S * H: a partner that shares my threats and is strong helps me "
        "balance them",
        "Walt 1987",
        _threat_balancing,
    ),
    Term(
        "relative_gains",
        "-s * rivalry_weight * R * (force_floor + (1 - force_floor) * F): the partner's gains "
        "count against me in proportion to our rivalry and its ability to use force",
        "Grieco 1988; Powell 1991; Snidal 1991",
        _relative_gains,
    ),
    Term(
        "influence",
        "s * influence_weight * (G+ - G-): the tie binds contested third states to my side "
        "(G+) or to my rival's (G-)",
        "ffi-2007 (zero-sum contest for Central Asia); kucera-2010; Cooley 2012",
        _influence,
    ),
    Term(
        "alliance_security",
        "s * security_weight * Q * X * H: defence the tie gives against rivals outside it",
        "Walt 1987; Snyder 1984",
        _alliance_security,
    ),
    Term(
        "autonomy_cost",
        "-s * autonomy_weight * B * D: binding myself to a partner led by a stronger power costs "
        "autonomy",
        "Morrow 1991; Waltz 1979",
        _autonomy_cost,
    ),
)

REALIST = TermLens(
    name="realist",
    description="relative gains, balance of threat and the zero-sum contest for influence",
    params=RealistParams(),
    terms=TERMS,
)
"""The built-in realist lens with its documented defaults."""
