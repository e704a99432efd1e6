"""An assistance request is judged under the clause it invokes (``Question.clause``).

Before the fix the clause field was parsed but never read: a request under a consultation article
(obligation 0.25) counted as one under the defence article (0.75).
"""

from __future__ import annotations

import datetime as dt

from detente.decisions import Episode
from detente.lenses import get_lens
from detente.lenses.features import question_features
from detente.world.records import Agreement, Clause, ClauseVersion

from .synthetic import SRC, make_world


def _cst() -> Agreement:
    def clause(ident: str, kind: str, obligation: float) -> Clause:
        version = ClauseVersion.model_validate(
            {"from": dt.date(2003, 1, 1), "summary": kind, "obligation": obligation, "sources": SRC}
        )
        return Clause(id=ident, article=ident, kind=kind, versions=[version])  # type: ignore[arg-type]

    return Agreement(
        id="cst",
        name="test treaty",
        kind="treaty",
        signed=dt.date(2003, 1, 1),
        org="CSTO",
        clauses=[
            clause("art-4", "collective-defence", 0.75),
            clause("art-2", "consultation", 0.25),
        ],
        sources=SRC,
    )


def _request(clause: str | None) -> Episode:
    data: dict[str, object] = {
        "id": "test-assistance",
        "date": dt.date(2005, 6, 1),
        "type": "assistance",
        "proposer": "KAZ",
        "target": "CSTO",
        "text": "Will the CSTO help Kazakhstan?",
        "recorded_outcome": "decline",
        "sources": ["test-src"],
    }
    if clause is not None:
        data["clause"] = clause
    return Episode.model_validate(data)


def _features(clause: str | None) -> dict[str, tuple[float, float]]:
    snap = make_world(extra=[_cst()]).at(dt.date(2005, 6, 1))
    feats = question_features(snap, _request(clause), get_lens("liberal").params)
    return {f.actor: (f.O, f.Q) for f in feats}


def test_consultation_clause_binds_less_than_defence_clause() -> None:
    assert _features("cst/art-2")["RUS"] == (0.25, 0.25)
    assert _features("cst/art-4")["RUS"] == (0.75, 0.75)


def test_without_a_clause_the_strongest_one_counts() -> None:
    assert _features(None)["RUS"] == (0.75, 0.75)
    # A clause the world does not (yet) hold falls back to the organisation's strongest.
    assert _features("cst/art-99")["RUS"] == (0.75, 0.75)


def test_liberal_commitment_follows_the_invoked_clause() -> None:
    lens = get_lens("liberal")
    snap = make_world(extra=[_cst()]).at(dt.date(2005, 6, 1))
    weak = lens.preferences(snap, _request("cst/art-2")).margin_terms("RUS")["commitment"]
    strong = lens.preferences(snap, _request("cst/art-4")).margin_terms("RUS")["commitment"]
    assert weak == 0.25
    assert strong == 0.75
