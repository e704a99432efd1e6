"""Generated decision opportunities: the documented rule, its seed, and the shipped file."""

from __future__ import annotations

import datetime as dt

from detente.decisions import builtin_episodes, builtin_episodes_path
from detente.decisions.opportunities import (
    DEFAULT_PER_KIND,
    DEFAULT_SEED,
    candidate_opportunities,
    generate_opportunities,
    opportunities_yaml,
)
from detente.world import builtin_world

HAND = [e for e in builtin_episodes() if e.origin == "hand-coded"]


def test_the_shipped_file_is_what_the_rule_generates() -> None:
    episodes = generate_opportunities(builtin_world(), HAND)
    text = opportunities_yaml(episodes, seed=DEFAULT_SEED, per_kind=DEFAULT_PER_KIND)
    shipped = (builtin_episodes_path() / "generated.yaml").read_text(encoding="utf-8")
    assert text == shipped, "stale: run `python tools/generate_opportunities.py`"


def test_same_seed_same_sample_and_another_seed_another() -> None:
    world = builtin_world()
    a = [e.id for e in generate_opportunities(world, HAND, seed=3, per_kind=10)]
    b = [e.id for e in generate_opportunities(world, HAND, seed=3, per_kind=10)]
    c = [e.id for e in generate_opportunities(world, HAND, seed=4, per_kind=10)]
    assert a == b and a != c and len(a) == 30


def test_outcomes_follow_the_records() -> None:
    world = builtin_world()
    by_id = {o.episode.id: o.episode for o in candidate_opportunities(world, [])}
    # Records of the built-in world: Manas closed on 3 Jun 2014; Uzbekistan's CSTO membership was
    # suspended in 2012; Albania became a NATO member on 1 Apr 2009.
    assert by_id["gen-keep-manas-2014"].recorded_outcome == "expel"
    assert by_id["gen-keep-manas-2013"].recorded_outcome == "keep"
    assert by_id["gen-leave-uzb-csto-2012"].recorded_outcome == "exit"
    assert by_id["gen-leave-uzb-csto-2011"].recorded_outcome == "stay"
    assert by_id["gen-join-alb-nato-2009"].recorded_outcome == "join"
    # The CST's passage to the CSTO in October 2002 is not an exit of its members.
    assert not any(i.startswith("gen-leave-") and i.endswith("-cst-2002") for i in by_id)


def test_hand_coded_decisions_are_not_duplicated_and_all_are_generated() -> None:
    generated = generate_opportunities(builtin_world(), HAND)
    for g in generated:
        assert g.origin == "generated" and g.date.month == 1 and g.date.day == 1
        assert not any(
            e.type == g.type
            and e.proposer == g.proposer
            and e.target == g.target
            and abs((e.date - g.date).days) < 365
            for e in HAND
        )
    assert all(g.date < dt.date(2024, 1, 1) for g in generated)


def test_corpus_size_and_origins() -> None:
    episodes = builtin_episodes()
    hand = [e for e in episodes if e.origin == "hand-coded"]
    assert len(hand) >= 150 and len(episodes) >= 200
    assert {e.type for e in hand} == {
        "engagement", "membership", "assistance", "basing", "alignment", "force", "suspension"
    }  # fmt: skip
