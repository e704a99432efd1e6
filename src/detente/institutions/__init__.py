"""Institutions: decision rules, pivotal members and voting power.

Pure functions over NumPy arrays:

* :mod:`~detente.institutions.acceptance` — logit probability that an actor accepts;
* :mod:`~detente.institutions.rules` — consensus, simple, qualified and weighted majority, joint
  decisions of several bodies, correlated members (``rho``), leader-follower, agenda;
* :mod:`~detente.institutions.pivotal` — who is pivotal (blockers, decisive supporters);
* :mod:`~detente.institutions.power` — Shapley-Shubik and Banzhaf indices, veto players;
* :mod:`~detente.institutions.veto` — a bargaining outcome put to a body whose members can veto it.

>>> from detente.institutions import consensus, p_accept
>>> round(float(consensus([0.9, 0.9, 0.2])), 3)
0.162
"""

from typing import TYPE_CHECKING

from detente._lazy import attach

if TYPE_CHECKING:
    from detente.institutions.acceptance import DEFAULT_SCALE, p_accept
    from detente.institutions.pivotal import Pivot, pivotal_members
    from detente.institutions.power import banzhaf, shapley_shubik, veto_players
    from detente.institutions.rules import (
        DEFAULT_QUALIFIED_QUOTA,
        MAX_RHO,
        RULES,
        DecisionRuleName,
        Rule,
        agenda,
        consensus,
        get_rule,
        joint,
        leader_follower,
        qualified_majority,
        simple_majority,
        threshold_probability,
        weighted_majority,
        yes_weight_distribution,
    )
    from detente.institutions.veto import VetoVote, veto_vote

# Submodules are imported on first use of one of their names (see detente._lazy).
__getattr__, __dir__ = attach(
    __name__,
    {
        ".acceptance": ["DEFAULT_SCALE", "p_accept"],
        ".pivotal": ["Pivot", "pivotal_members"],
        ".power": ["banzhaf", "shapley_shubik", "veto_players"],
        ".rules": [
            "DEFAULT_QUALIFIED_QUOTA",
            "MAX_RHO",
            "RULES",
            "DecisionRuleName",
            "Rule",
            "agenda",
            "consensus",
            "get_rule",
            "joint",
            "leader_follower",
            "qualified_majority",
            "simple_majority",
            "threshold_probability",
            "weighted_majority",
            "yes_weight_distribution",
        ],
        ".veto": ["VetoVote", "veto_vote"],
    },
)

__all__ = [
    "DEFAULT_QUALIFIED_QUOTA",
    "DEFAULT_SCALE",
    "MAX_RHO",
    "RULES",
    "DecisionRuleName",
    "Pivot",
    "Rule",
    "VetoVote",
    "agenda",
    "banzhaf",
    "consensus",
    "get_rule",
    "joint",
    "leader_follower",
    "p_accept",
    "pivotal_members",
    "qualified_majority",
    "shapley_shubik",
    "simple_majority",
    "threshold_probability",
    "veto_players",
    "veto_vote",
    "weighted_majority",
    "yes_weight_distribution",
]
