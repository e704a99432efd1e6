"""The realist entrapment term (Snyder 1984): allies who admit a state under a defence clause weigh
the risk of being drawn into its conflicts with rivals outside the alliance.

The world is the small synthetic one of :mod:`tests.lenses.synthetic` plus Georgia (made-up
numbers), a defence clause for NATO, and optionally a rivalry between Georgia and Russia.
"""

from __future__ import annotations

import datetime as dt

import pytest

from detente.decisions import Episode
from detente.lenses import LIBERAL, REALIST
from detente.lenses.features import WorldView, question_features
from detente.world.records import (
    Agreement,
    CapabilitySeries,
    Clause,
    ClauseVersion,
    Membership,
    Organisation,
    Relation,
    State,
)

from .synthetic import DAY, SRC, make_world

START = dt.date(2000, 1, 1)


def _treaty(org: str, obligation: float) -> Agreement:
    version = ClauseVersion.model_validate(
        {"from": START, "summary": "defence", "obligation": obligation, "sources": SRC}
    )
    clause = Clause(id="art-5", article="5", kind="collective-defence", versions=[version])
    return Agreement(
        id=f"{org.lower()}-treaty",
        name="test treaty",
        kind="treaty",
        signed=START,
        org=org,
        clauses=[clause],
        sources=SRC,
    )


def _world(rivalry: float | None = 0.6, obligation: float = 1.0, extra: list[object] = ()):  # type: ignore[assignment, no-untyped-def]
    records: list[object] = [
        State(id="GEO", name="Georgia", cow=372, sources=SRC),
        CapabilitySeries(
            actor="GEO",
            measure="milex",
            unit="USD bn",
            basis="test",
            values=dict.fromkeys(range(2000, 2025), 0.5),
            sources=SRC,
        ),
        _treaty("NATO", obligation),
        *extra,
    ]
    if rivalry is not None:
        records.append(
            Relation(a="GEO", b="RUS", kind="rivalry", start=START, intensity=rivalry, sources=SRC)
        )
    return make_world(extra=records)


def _join(target: str = "NATO") -> Episode:
    return Episode.model_validate(
        {
            "id": "test-join",
            "date": DAY,
            "type": "membership",
            "proposer": "GEO",
            "target": target,
            "action": "join",
            "deciding_org": target,
            "text": "Will the allies admit Georgia?",
            "recorded_outcome": "no",
            "outcomes": ["yes", "no"],
            "yes_outcome": "yes",
            "status_quo": "no",
            "sources": ["test-src"],
        }
    )


def _entrapment(world: object, q: Episode | None = None) -> dict[str, float]:
    q = q or _join()
    prefs = REALIST.preferences(world.at(q.date), q)  # type: ignore[attr-defined]
    return {a: prefs.margin_terms(a)["entrapment"] for a in prefs.actors}


@pytest.fixture(scope="module")
def rival_world():  # type: ignore[no-untyped-def]
    return _world()


def test_allies_pay_for_the_new_members_unshared_rival(rival_world) -> None:  # type: ignore[no-untyped-def]
    snap = rival_world.at(DAY)
    feats = {f.actor: f for f in question_features(snap, _join(), REALIST.params)}
    view = WorldView(snap)
    theta_geo = view.threat("GEO", "RUS", REALIST.params)
    assert theta_geo > 0
    for ally in ("USA", "DEU"):
        f = feats[ally]
        assert (f.K, f.Y_ally, f.Y_from) == (1.0, "GEO", "RUS")
        assert f.Y_threat == pytest.approx(theta_geo)
        # only the part of Georgia's threat the ally does not share with it
        unshared = theta_geo * (1.0 - view.threat(ally, "RUS", REALIST.params))
        assert f.Y == pytest.approx(unshared)  # noqa: SIM300 (Y is the symbol under test)
        # the term is -s * weight * sigma * K * Y * (1 - H), with weight 1
        expected = -1.0 * f.K * f.Y * (1.0 - f.H)
        assert _entrapment(rival_world)[ally] == pytest.approx(expected)
        assert expected < 0
    # Germany shares none of Georgia's threat but has less to defend it with than the US;
    # the US, far stronger, depends least on Georgia and fears entrapment most (Snyder 1984)
    assert feats["USA"].H < feats["DEU"].H


def test_no_rival_outside_the_alliance_no_entrapment_for_the_allies() -> None:
    world = _world(rivalry=None)
    got = _entrapment(world)
    assert got["USA"] == got["DEU"] == 0.0
    # the joining state takes on the defence of the US against its rival Russia, a small cost
    # because Georgia's means count for little against the alliance's (1 - H)
    f = {f.actor: f for f in question_features(world.at(DAY), _join(), REALIST.params)}["GEO"]
    assert f.Y_from == "RUS" and f.Y_ally in ("USA", "DEU")
    assert -0.01 < got["GEO"] < 0


def test_entrapment_grows_with_the_rivalry_and_the_defence_grade() -> None:
    weak, strong = _entrapment(_world(rivalry=0.3)), _entrapment(_world(rivalry=0.9))
    assert strong["DEU"] < weak["DEU"] < 0
    # a weaker clause (0.75) commits less (its grade also changes how far Germany shares the
    # US's rivalry with Russia, so the ratio is not exactly 0.75)
    assert _entrapment(_world(obligation=1.0))["DEU"] < _entrapment(_world(obligation=0.75))["DEU"]


def test_an_economic_community_pays_no_entrapment() -> None:
    extra = [
        Organisation(
            id="EEC",
            name="test community",
            kind="economic",
            founded=START,
            decision_rule="consensus",
            sources=SRC,
        ),
        *(Membership(actor=a, org="EEC", start=START, sources=SRC) for a in ("USA", "DEU")),
        _treaty("EEC", 1.0),
    ]
    got = _entrapment(_world(extra=extra), _join("EEC"))
    assert got and set(got.values()) == {0.0}


def test_a_state_leaving_frees_the_allies_of_its_conflicts(rival_world) -> None:  # type: ignore[no-untyped-def]
    leave = Episode.model_validate(
        {**_join().model_dump(by_alias=True), "id": "test-leave", "action": "leave"}
    )
    member = Membership(actor="GEO", org="NATO", start=START, sources=SRC)
    world = _world(extra=[member])
    joined = _entrapment(rival_world)
    left = _entrapment(world, leave)
    assert left["DEU"] > 0
    assert left["DEU"] == pytest.approx(-joined["DEU"], rel=0.2)


def test_the_facts_line_names_the_ally_and_the_rival(rival_world) -> None:  # type: ignore[no-untyped-def]
    q = _join()
    prefs = REALIST.preferences(rival_world.at(q.date), q)
    facts = {(a, t): x for a, t, x in prefs.facts}
    text = facts[("DEU", "entrapment")]
    assert "GEO" in text and "RUS" in text and "defence grade 1.00" in text


def test_the_liberal_lens_has_no_entrapment(rival_world) -> None:  # type: ignore[no-untyped-def]
    q = _join()
    assert "entrapment" not in LIBERAL.preferences(rival_world.at(q.date), q).terms
    feats = question_features(rival_world.at(q.date), q, LIBERAL.params)
    assert all(f.Y == 0 and f.K == 0 for f in feats)
