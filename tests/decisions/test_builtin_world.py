"""The built-in episodes against the built-in world: deciders resolve, and the world read before
each episode's date does not already show its outcome (the backtest would otherwise be trivial)."""

from __future__ import annotations

import pytest

from detente.decisions import Episode, builtin_episodes, deciding_sides
from detente.world import builtin_world

EPISODES = builtin_episodes()


@pytest.mark.parametrize("episode", EPISODES, ids=[e.id for e in EPISODES])
def test_episode_is_open_before_its_date(episode: Episode) -> None:
    world = builtin_world()
    snap = world.at(episode.date)
    sides = deciding_sides(episode, snap)
    assert sides and all(side.actors for side in sides)
    if episode.type == "membership":
        status = snap.status(episode.proposer, episode.target)
        if episode.action == "join":
            assert status != "member"
        else:
            assert status == "member"
    if episode.type == "basing":
        # The world may lack a presence (a coverage gap, not a leak); what it must not show is the
        # outcome: a presence of this user admitted in the year before, or one already closed.
        present = snap.bases(host=episode.target, user=episode.proposer)
        ours = [b for b in world.bases if b.host == episode.target and b.user == episode.proposer]
        if episode.action == "admit":
            assert not any(0 <= (episode.date - b.start).days <= 365 for b in present)
        else:
            closed = [b for b in ours if b.end is not None and b.end < episode.date]
            assert present or not closed


def test_nato_decides_by_consensus_of_its_members_in_2009() -> None:
    episode = next(e for e in EPISODES if e.id == "nato-csto-2009")
    nato, csto = deciding_sides(episode, builtin_world().at(episode.date))
    assert nato.label == "NATO" and nato.rule == "consensus"
    assert {"USA", "DEU", "FRA", "GBR", "ALB", "HRV"} <= set(nato.actors)
    assert len(nato.actors) == 28
    assert csto.actors == ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB")


def test_clause_references_resolve() -> None:
    world = builtin_world()
    clauses = {f"{a.id}/{c.id}" for a in world.agreements for c in a.clauses}
    cited = {e.clause for e in EPISODES if e.clause is not None}
    assert cited and cited <= clauses
