"""A small in-memory world for the decision tests (no files, no /work/shared)."""

from __future__ import annotations

import datetime as dt

from detente.world import World
from detente.world.records import (
    Agreement,
    Base,
    Clause,
    ClauseVersion,
    Membership,
    Organisation,
    Source,
    State,
)

D = dt.date
S = ["toy"]

STATES = {"USA": 2, "DEU": 255, "RUS": 365, "ARM": 371, "KGZ": 703, "UZB": 704, "KAZ": 705}


def toy_world() -> World:
    """NATO (USA, DEU), a consensus CSTO (RUS, ARM, KGZ, KAZ; UZB suspended from 2012), a
    majority forum (all seven), a basing-consent clause of the CSTO from 2011, and a US base."""
    records: list[object] = [Source(id="toy", kind="document", title="toy world")]
    records += [State(id=k, name=k, cow=v, sources=S) for k, v in STATES.items()]
    records += [
        Organisation(
            id="NATO",
            name="NATO",
            kind="alliance",
            founded=D(1949, 4, 4),
            decision_rule="consensus",
            sources=S,
        ),
        Organisation(
            id="CSTO",
            name="CSTO",
            kind="collective-security",
            founded=D(2002, 10, 7),
            decision_rule="consensus",
            sources=S,
        ),
        Organisation(
            id="FORUM",
            name="Forum",
            kind="forum",
            founded=D(2000, 1, 1),
            decision_rule="qualified-majority",
            quota=0.75,
            sources=S,
        ),
    ]
    records += [
        Membership(actor=a, org="NATO", start=D(1949, 4, 4), sources=S) for a in ("USA", "DEU")
    ]
    records += [
        Membership(actor=a, org="CSTO", start=D(2002, 10, 7), sources=S)
        for a in ("RUS", "ARM", "KGZ", "KAZ")
    ]
    records += [
        Membership(actor="UZB", org="CSTO", start=D(2006, 6, 23), end=D(2012, 12, 19), sources=S),
        Membership(actor="UZB", org="CSTO", start=D(2012, 12, 19), status="suspended", sources=S),
    ]
    records += [Membership(actor=a, org="FORUM", start=D(2000, 1, 1), sources=S) for a in STATES]
    records.append(
        Agreement(
            id="csto-bases-protocol",
            name="Protocol on bases",
            kind="protocol",
            signed=D(2011, 12, 20),
            org="CSTO",
            sources=S,
            clauses=[
                Clause(
                    id="consent",
                    article="1",
                    kind="basing-consent",
                    versions=[
                        ClauseVersion.model_validate(
                            {
                                "from": D(2011, 12, 20),
                                "summary": "all members consent",
                                "obligation": 0.5,
                                "sources": S,
                            }
                        )
                    ],
                )
            ],
        )
    )
    records.append(
        Base(id="manas", name="Manas", host="KGZ", user="USA", start=D(2001, 12, 1), sources=S)
    )
    return World.from_records(records)  # type: ignore[arg-type]
