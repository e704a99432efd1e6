"""A small hand-made world for lens tests: two blocs, one rivalry, one shared threat.

Numbers are made up for the tests (not facts); the built-in world is tested elsewhere.
"""

from __future__ import annotations

import datetime as dt

from detente.decisions import Episode
from detente.world import World
from detente.world.records import (
    CapabilitySeries,
    Membership,
    Organisation,
    Relation,
    Source,
    State,
    Threat,
)

SRC = ["test-src"]
DAY = dt.date(2005, 6, 1)


def make_world(
    rivalry: float = 0.4, severity: float = 0.5, extra: list[object] | None = None
) -> World:
    """USA and DEU in NATO, RUS and KAZ in the CSTO, all in the EAPC; USA-RUS rivalry; a threat
    from AFG to everyone."""
    start = dt.date(2000, 1, 1)
    records: list[object] = [
        Source(id="test-src", kind="web", title="test fixture"),
        *(
            State(id=i, name=i, cow=c, sources=SRC)
            for i, c in (("USA", 2), ("DEU", 255), ("RUS", 365), ("KAZ", 705), ("AFG", 700))
        ),
        Organisation(
            id="NATO",
            name="NATO",
            kind="alliance",
            founded=dt.date(1949, 4, 4),
            decision_rule="consensus",
            sources=SRC,
        ),
        Organisation(
            id="CSTO",
            name="CSTO",
            kind="collective-security",
            founded=dt.date(2002, 10, 7),
            decision_rule="consensus",
            sources=SRC,
        ),
        Organisation(
            id="EAPC",
            name="EAPC",
            kind="partnership",
            founded=dt.date(1997, 5, 30),
            decision_rule="consensus",
            sources=SRC,
        ),
        *(Membership(actor=a, org="NATO", start=start, sources=SRC) for a in ("USA", "DEU")),
        *(
            Membership(actor=a, org="CSTO", start=dt.date(2003, 1, 1), sources=SRC)
            for a in ("RUS", "KAZ")
        ),
        *(Membership(actor=a, org="EAPC", start=start, sources=SRC) for a in ("USA", "DEU")),
        *(
            Membership(actor=a, org="EAPC", start=start, status="partner", sources=SRC)
            for a in ("RUS", "KAZ")
        ),
        *(
            CapabilitySeries(
                actor=a,
                measure="milex",
                unit="USD bn",
                basis="test",
                # every year: a figure is carried forward at most CARRY_YEARS, then unknown
                values=dict.fromkeys(range(2000, 2025), v),
                sources=SRC,
            )
            for a, v in (("USA", 500.0), ("DEU", 40.0), ("RUS", 40.0), ("KAZ", 1.0))
        ),
        Relation(a="USA", b="RUS", kind="rivalry", start=start, intensity=rivalry, sources=SRC),
        Threat(
            id="afg-terror",
            kind="terrorism",
            origin="AFG",
            exposed=["RUS", "KAZ", "USA", "DEU"],
            start=start,
            severity=severity,
            sources=SRC,
        ),
        *(extra or []),
    ]
    return World.from_records(records)  # type: ignore[arg-type]


def engagement(date: dt.date = DAY, proposer: str = "CSTO", target: str = "NATO") -> Episode:
    """A CSTO offer of cooperation to NATO (refused)."""
    return Episode.model_validate(
        {
            "id": "test-engagement",
            "date": date,
            "type": "engagement",
            "proposer": proposer,
            "target": target,
            "text": "Will NATO engage with the CSTO?",
            "recorded_outcome": "refuse",
            "sources": ["test-src"],
        }
    )


def membership(state: str, org: str, action: str) -> Episode:
    """A membership question decided by ``state`` alone on :data:`DAY` (join or leave ``org``)."""
    outcomes = {"join": ["join", "stay-out"], "leave": ["leave", "stay"]}[action]
    return Episode.model_validate(
        {
            "id": "test-membership",
            "date": DAY,
            "type": "membership",
            "proposer": state,
            "target": org,
            "action": action,
            "deciders": [state],
            "text": f"Will {state} {action} {org}?",
            "outcomes": outcomes,
            "yes_outcome": outcomes[0],
            "status_quo": outcomes[1],
            "recorded_outcome": outcomes[1],
            "sources": SRC,
        }
    )
