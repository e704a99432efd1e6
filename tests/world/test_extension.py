"""Extending the built-in world loses nothing: new keys are added, old keys replaced only on
request, conflicts reported with both places (issue 8, section 1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.cli import call_main

from detente.errors import InputError
from detente.world import builtin_world, load_world
from detente.world.extension import key_of
from detente.world.loader import builtin_entries
from detente.world.records import NATURAL_KEYS, RECORD_TYPES, natural_key

# One new record of every kind, each with a natural key the built-in world does not have.
ONE_OF_EACH = """\
world: {name: one of each, extends: builtin}
sources:
  - {id: my-notes, kind: document, title: My notes, published: 2030-01}
states:
  - {id: XKX, name: Kosovo, cow: 347, sources: [my-notes]}
organisations:
  - {id: MYORG, name: My organisation, kind: forum, founded: 2030-01-01,
     decision_rule: consensus, sources: [my-notes]}
memberships:
  - {actor: XKX, org: MYORG, start: 2030-01-01, sources: [my-notes]}
agreements:
  - {id: my-pact, name: My pact, kind: treaty, signed: 2030-02-01, parties: [XKX, RUS],
     sources: [my-notes]}
capabilities:
  - {actor: XKX, measure: milex, unit: USD bn, basis: my guess, values: {2029: 0.1},
     sources: [my-notes]}
bases:
  - {id: my-base, name: My base, host: XKX, user: USA, start: 2030-01-01, sources: [my-notes]}
relations:
  - {a: XKX, b: RUS, kind: rivalry, start: 2030-01-01, intensity: 0.5, sources: [my-notes]}
threats:
  - {id: my-threat, kind: instability, origin: XKX, exposed: [RUS], start: 2030-01-01,
     severity: 0.3, sources: [my-notes]}
officials:
  - {person: Somebody, office: secretary-general, org: MYORG, start: 2030-01-01,
     sources: [my-notes]}
pledges:
  - {id: my-pledge, org: MYORG, decision: admission, made: 2030-01-02, due: 2030-06-30,
     sources: [my-notes]}
"""

DOC_EXAMPLE = """\
world: {name: my additions, extends: builtin}
sources:
  - {id: my-notes, kind: document, title: My notes}
memberships:
  - {actor: MNG, org: CSTO, start: 2030-01-01, status: observer, sources: [my-notes]}
"""


def _write(tmp_path: Path, text: str, name: str = "ext.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _by_key(
    world_records: list[tuple[str, object]],
) -> dict[tuple[str, tuple[object, ...]], object]:
    return {(k, natural_key(k, r)): r for k, r in world_records}  # type: ignore[arg-type]


def _records(world: object) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for kind in RECORD_TYPES:
        value = getattr(world, kind)
        out += [(kind, r) for r in (value.values() if isinstance(value, dict) else value)]
    return out


def test_natural_keys_cover_every_kind() -> None:
    assert set(NATURAL_KEYS) == set(RECORD_TYPES)


def test_one_record_of_each_kind_keeps_every_builtin_record(tmp_path: Path) -> None:
    base = builtin_world()
    extended = load_world(_write(tmp_path, ONE_OF_EACH))
    for kind, n in base.counts().items():
        assert extended.counts()[kind] == n + 1, kind
    old, new = _by_key(_records(base)), _by_key(_records(extended))
    missing = [key for key in old if key not in new]
    assert not missing
    # every built-in record is there unchanged, not merely its key
    assert all(new[key] == record for key, record in old.items())
    # samples a reader would check
    on = extended.on(dt.date(2009, 9, 10))
    assert len(on.members("NATO")) == 28
    assert on.members("CSTO") == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    assert on.capability("RUS", "milex") is not None
    assert on.official("NATO") is not None and on.official("NATO").person.startswith("Anders")
    assert extended.extension is not None
    assert all(row["added"] == 1 and row["replaced"] == 0 for row in extended.extension.rows())
    assert {r["kind"]: r["kept"] for r in extended.extension.rows()} == base.counts()


def test_the_documented_example(tmp_path: Path) -> None:
    world = load_world(_write(tmp_path, DOC_EXAMPLE))
    assert len(world.on(dt.date(2009, 9, 10)).members("NATO")) == 28
    assert world.on(dt.date(2030, 6, 1)).members("CSTO", "observer") == ["MNG"]
    assert len(world.memberships) == len(builtin_world().memberships) + 1


def test_docs_world_md_holds_the_tested_example() -> None:
    text = (Path(__file__).parents[2] / "docs" / "world.md").read_text(encoding="utf-8")
    assert DOC_EXAMPLE.strip() in text


def test_an_existing_key_is_a_conflict_with_both_places(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "world: {name: x, extends: builtin}\n"
        "relations:\n"
        "  - {a: RUS, b: USA, kind: rivalry, start: 2008-08-08, intensity: 0.1,\n"
        "     sources: [ffi-2007]}\n",
    )
    with pytest.raises(InputError) as info:
        load_world(path)
    (problem,) = info.value.problems
    assert problem.file == str(path) and problem.line == 3
    builtin = next(
        e
        for e in builtin_entries().entries
        if e.kind == "relations"
        and key_of(e) == ("relations", ("RUS", "USA", "rivalry", dt.date(2008, 8, 8)))
    )
    assert f"{builtin.file}:{builtin.line}" in problem.message
    assert "replace: true" in problem.message


def test_replace_true_replaces_only_that_record(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "world: {name: x, extends: builtin}\n"
        "relations:\n"
        "  - {a: USA, b: RUS, kind: rivalry, start: 2008-08-08, end: 2009-03-05, intensity: 0.1,\n"
        "     sources: [ffi-2007], replace: true}\n",
    )
    world = load_world(path)
    base = builtin_world()
    assert len(world.relations) == len(base.relations)
    assert world.on(dt.date(2008, 12, 1)).relation_intensity("USA", "RUS") == 0.1
    # the other USA-RUS periods are untouched
    assert world.on(dt.date(2010, 1, 1)).relation_intensity("USA", "RUS") == base.on(
        dt.date(2010, 1, 1)
    ).relation_intensity("USA", "RUS")
    assert world.extension is not None
    row = next(r for r in world.extension.rows() if r["kind"] == "relations")
    kept = len(base.relations) - 1
    assert row == {"kind": "relations", "added": 0, "replaced": 1, "removed": 0, "kept": kept}


def test_replaces_list_removes_and_recuts_a_period(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "world:\n"
        "  name: x\n"
        "  extends: builtin\n"
        "  replaces:\n"
        "    - relations: {a: RUS, b: USA, kind: rivalry, start: 2008-08-08}\n"
        "    - bases: " + builtin_world().bases[0].id + "\n"
        "relations:\n"
        "  - {a: USA, b: RUS, kind: rivalry, start: 2008-09-01, end: 2009-03-05, intensity: 0.5,\n"
        "     sources: [ffi-2007]}\n",
    )
    world = load_world(path)
    base = builtin_world()
    assert len(world.bases) == len(base.bases) - 1
    assert len(world.relations) == len(base.relations)
    assert world.extension is not None
    rows = {r["kind"]: r for r in world.extension.rows()}
    assert rows["bases"]["removed"] == 1 and rows["relations"]["added"] == 1
    assert rows["relations"]["removed"] == 1


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "world:\n  name: x\n  extends: builtin\n  replaces:\n    - states: ZZZ\n",
            5,
            "no record states ZZZ",
        ),
        (
            "world: {name: x, extends: builtin}\nsources:\n"
            "  - {id: brand-new, kind: web, title: t, replace: true}\n",
            3,
            "no record sources brand-new",
        ),
        (
            "world: {name: x}\nsources:\n  - {id: a, kind: web, title: t, replace: true}\n",
            3,
            "only means something in a world that extends",
        ),
        (
            "world:\n  name: x\n  replaces: [{relations: {a: USA, b: RUS}}]\n",
            None,
            "exactly the fields a, b, kind, start",
        ),
    ],
)
def test_directives_that_match_nothing_are_errors(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    with pytest.raises(InputError) as info:
        load_world(_write(tmp_path, text))
    assert any(words in p.message for p in info.value.problems), info.value.problems
    if line is not None:
        assert any(p.line == line for p in info.value.problems)


def test_world_check_prints_what_was_added_replaced_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, ONE_OF_EACH.replace("extends: builtin", "description: d"))
    code, out, err = call_main(capsys, "world", "check", str(path), "--extend-builtin")
    assert code == 0, err
    assert "ok:" in out
    line = next(row for row in out.splitlines() if "memberships" in row)
    assert line.replace("│", " ").split() == [
        "memberships", "1", "0", "0", str(len(builtin_world().memberships))
    ]  # fmt: skip
