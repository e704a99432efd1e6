"""Leader-follower wired into the decision process: the hegemon is read from the world's data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from detente.decision import HEGEMONY_SHARE, hegemon, led_sides_probability
from detente.decisions import Side, sides_probability
from detente.world import builtin_world, fill_capability


@pytest.fixture(scope="module")
def snap():  # type: ignore[no-untyped-def]
    return builtin_world().at(dt.date(2009, 9, 18))


def _spending(snap, actors):  # type: ignore[no-untyped-def]
    values = []
    for a in actors:
        cv = fill_capability(snap, a, "milex")
        values.append(cv.value if cv is not None else 0.0)
    return np.array(values)


def test_the_leader_is_the_member_with_the_largest_share_of_spending(snap) -> None:  # type: ignore[no-untyped-def]
    for org in ("NATO", "CSTO"):
        side = Side(org, tuple(snap.members(org)), org=org)
        spend = _spending(snap, side.actors)
        lead = hegemon(snap, side)
        # the rule, recomputed from the data: no id is named
        expected = int(np.argmax(spend)) if spend.max() / spend.sum() >= HEGEMONY_SHARE else None
        assert lead == expected
    # three middle powers: nobody holds half the spending, so no hegemon
    trio = Side("trio", ("DEU", "FRA", "GBR"), org="NATO")
    assert _spending(snap, trio.actors).max() / _spending(snap, trio.actors).sum() < 0.5
    assert hegemon(snap, trio) is None
    assert hegemon(snap, Side("USA", ("USA",))) is None  # a state alone leads nobody


def test_follow_zero_is_the_rule_and_full_following_is_the_leader(snap) -> None:  # type: ignore[no-untyped-def]
    side = Side("NATO", tuple(snap.members("NATO")), org="NATO")
    lead = hegemon(snap, side)
    assert lead is not None
    rng = np.random.default_rng(3)
    acc = {
        a: float(p)
        for a, p in zip(side.actors, rng.uniform(0.3, 0.99, len(side.actors)), strict=True)
    }
    plain = float(sides_probability((side,), acc))
    assert float(led_sides_probability([side], acc, snap, 0.0)) == plain
    full = float(led_sides_probability([side], acc, snap, 1.0))
    assert full == pytest.approx(acc[side.actors[lead]])  # everyone copies the leader
    half = float(led_sides_probability([side], acc, snap, 0.5))
    assert plain < half < full  # following correlates the members: consensus gets likelier


def test_decide_selects_leader_follower_through_the_world() -> None:
    from detente.decision import decide
    from detente.decisions import get_episode
    from detente.lenses import get_lens

    episode = get_episode("nato-csto-2009")
    snap = builtin_world().at(episode.date)
    lens = get_lens("liberal")
    plain = decide(lens, snap, episode)
    led = decide(lens, snap, episode, follow=1.0)
    assert decide(lens, snap, episode, follow=0.0).p_yes == plain.p_yes
    # with full following, NATO's side decides as its hegemon does; the CSTO's likewise
    expected = 1.0
    for side in led.sides:
        lead = hegemon(snap, side)
        expected *= (
            led.acceptance[side.actors[lead]]
            if lead is not None
            else float(sides_probability((side,), led.acceptance))
        )
    assert led.p_yes == pytest.approx(expected)
