"""Views for people: ``detente world KIND``, ``World.frame(kind)`` and short reprs (issue 8, §4)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from tests.cli import call_main

from detente.errors import InputError
from detente.world import builtin_world
from detente.world.views import VIEW_KINDS, view_rows

D = dt.date
WORLD = builtin_world()


def test_reprs_are_one_short_line() -> None:
    for obj in (WORLD, WORLD.on(D(2009, 9, 10))):
        text = repr(obj)
        assert "\n" not in text and len(text) < 400, text
    assert "memberships" in repr(WORLD) and "2009-09-10" in repr(WORLD.on(D(2009, 9, 10)))


@pytest.mark.parametrize("kind", VIEW_KINDS)
def test_every_kind_has_a_tidy_frame_with_sources(kind: str) -> None:
    frame = WORLD.frame(kind)
    rows = view_rows(WORLD, kind)
    assert len(frame) == len(rows) > 0
    if kind != "sources":
        assert "sources" in frame.columns
        assert all(isinstance(s, tuple) and s for s in frame["sources"])
    for col in ("start", "end", "signed", "founded"):
        if col in frame.columns:
            assert str(frame[col].dtype).startswith("datetime64"), col
    on = WORLD.frame(kind, on=D(2009, 9, 10))
    assert list(on.columns) == [c for c in frame.columns if c in on.columns]


def test_frames_count_what_the_world_holds() -> None:
    assert len(WORLD.frame("relations")) == len(WORLD.relations)
    assert len(WORLD.frame("states")) == len(WORLD.states)
    assert len(WORLD.frame("capabilities")) == sum(len(s.values) for s in WORLD.capabilities)
    assert len(WORLD.frame("clauses")) == sum(
        len(c.versions) for a in WORLD.agreements for c in a.clauses
    )


def test_a_view_on_a_day_is_the_snapshot() -> None:
    snap = WORLD.on(D(2009, 9, 10))
    bases = WORLD.frame("bases", on=D(2009, 9, 10))
    assert sorted(bases["id"]) == sorted(b.id for b in snap.bases())
    assert bases["end"].isna().all()  # ends after the day are not known then
    relations = view_rows(WORLD, "relations", D(2009, 9, 10))
    assert {(r["a"], r["b"], r["start"]) for r in relations} == {
        (r.a, r.b, r.start) for r in snap.relations()
    }
    (nato,) = [
        o
        for o in view_rows(WORLD, "officials", D(2009, 9, 10))
        if o["org"] == "NATO" and o["office"] == "secretary-general"
    ]
    assert nato["person"] == "Anders Fogh Rasmussen"
    caps = WORLD.frame("capabilities", on=D(2009, 9, 10))
    assert set(caps["year"]) <= {2006, 2007, 2008}  # at most CARRY_YEARS old


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="unknown record kind 'rivalries'"):
        WORLD.frame("rivalries")


def test_pandas_is_imported_only_for_frames() -> None:
    code = "import sys, detente.world, detente.world.views; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "kind", ["states", "bases", "relations", "threats", "officials", "agreements"]
)
def test_cli_views(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call_main(capsys, "world", kind, "--on", "2009-09-10", "--json")
    assert code == 0, err
    assert json.loads(out) == json.loads(
        json.dumps(view_rows(WORLD, kind, D(2009, 9, 10)), default=str)
    )
    code, out, err = call_main(capsys, "world", kind)
    assert code == 0, err
    assert "every record" in out


def test_cli_relations_on_a_day_lists_the_snapshot_dyads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = call_main(capsys, "world", "relations", "--on", "1999-04-01", "--json")
    assert code == 0
    dyads = {(r["a"], r["b"]) for r in json.loads(out)}
    assert dyads == {(r.a, r.b) for r in WORLD.on(D(1999, 4, 1)).relations()}
    assert ("USA", "RUS") in dyads


def test_cli_view_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call_main(capsys, "world", "bases", "--on", "2009-13-01")
    assert code == 2 and "--on" in err
