"""``detente episodes import igo|atop``: opportunities from a user's COW IGO or ATOP file.

The files are written here, tiny, in the distributed formats (checked against public readers of
the real files, see docs/backtest.md): COW IGO v3 ``state_year_formatv3.csv`` (``ccode, year,
state`` and one column per organisation from ``AAAID`` on, codes 0/1/2/3, -9 missing, -1 not in
the system) and ATOP 5.1 ``atop5_1m.csv`` (one row per member and alliance phase: ``atopid,
member, yrent, moent, dayent, yrexit, moexit, dayexit, phase, ...``; ``yrexit`` 0 while a
member). No row of either data set is used.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.cli import call_main

from detente.importers.opportunities import atop_import, igo_import

WORLD = """\
world: {name: imports, extends: builtin, covers: [1992-01-01, 2024-12-31]}
sources:
  - {id: cow-igo-v3, kind: dataset, title: Intergovernmental Organizations v3,
     author: Pevehouse et al., published: "2020"}
  - {id: atop-5-1, kind: dataset, title: Alliance Treaty Obligations and Provisions 5.1,
     author: Leeds et al., published: "2020"}
"""
IGO = (
    "ccode,year,state,AAAID,NATO,WEU\n"
    "255,1998,gmy,0,1,1\n"
    "255,1999,gmy,0,1,1\n"
    "290,1998,pol,0,0,2\n"
    "290,1999,pol,0,1,2\n"
    "290,2000,pol,0,1,-9\n"
    "310,1998,hun,-1,0,3\n"
    "310,1999,hun,-1,1,0\n"
    "220,1998,frn,0,1,1\n"
    "220,1999,frn,0,2,1\n"
    "999,1999,xxx,1,1,1\n"
    "220,1990,frn,0,1,1\n"
    "220,1991,frn,0,1,1\n"
)
ATOP = (
    "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,phase,defense,offense,neutral,"
    "nonagg,consul\n"
    "3180,2,1949,8,24,1952,2,18,1,1,0,0,0,1\n"
    "3180,2,1952,2,18,0,0,0,2,1,0,0,0,1\n"
    "3180,290,1999,3,12,0,0,0,3,1,0,0,0,1\n"
    "4500,365,1992,5,15,1999,4,2,1,1,0,0,0,1\n"
    "4500,372,1992,5,15,1999,4,2,1,1,0,0,0,1\n"
    "4500,371,1992,5,15,0,0,0,1,1,0,0,0,1\n"
    "4600,365,1995,1,1,2000,1,1,1,0,0,0,1,1\n"
    "4600,703,1995,1,1,2000,1,1,1,0,0,0,1,1\n"
    "7777,365,1996,1,1,0,0,0,1,0,0,0,1,1\n"
    "9999,999,1995,1,1,0,0,0,1,1,0,0,0,1\n"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("imports")
    (root / "world.yaml").write_text(WORLD, encoding="utf-8")
    (root / "state_year_formatv3.csv").write_text(IGO, encoding="utf-8")
    (root / "atop5_1m.csv").write_text(ATOP, encoding="utf-8")
    return root


def _episodes(path: Path) -> dict[str, dict[str, object]]:
    return {e["id"]: e for e in yaml.safe_load(path.read_text(encoding="utf-8"))["episodes"]}


def test_igo_import_round_trip(capsys: pytest.CaptureFixture[str], files: Path) -> None:
    out = files / "igo-episodes.yaml"
    world = str(files / "world.yaml")
    args = ("episodes", "import", "igo", str(files / "state_year_formatv3.csv"))
    code, text, err = call_main(
        capsys, *args, "--source", "cow-igo-v3", "--world", world, "-o", str(out)
    )
    assert code == 0, err
    # every row counted: 12 read, 5 used (the 1999 rows and POL 2000), 7 skipped with reasons
    assert "read 12 rows" in text and "used 5 rows" in text
    assert "skipped 4 rows: no row for the same state and the year before" in text
    assert "skipped 2 rows: outside the world's coverage" in text
    assert "skipped 1 rows: COW code not a state of the world" in text
    assert "999 (line 11)" in text  # listed with its line, not dropped silently
    assert "not in the world, not used: AAAID, WEU" in text
    episodes = _episodes(out)
    assert set(episodes) == {
        "igo-nato-deu-1999-leave",
        "igo-nato-pol-1999-join",
        "igo-nato-hun-1999-join",
        "igo-nato-fra-1999-leave",
        "igo-nato-pol-2000-leave",
    }
    fra = episodes["igo-nato-fra-1999-leave"]
    assert fra["recorded_outcome"] == "leave" and "associate" in str(fra["note"])
    assert episodes["igo-nato-pol-1999-join"]["recorded_outcome"] == "join"
    assert all(
        e["origin"] == "generated" and e["sources"] == ["cow-igo-v3"] for e in episodes.values()
    )
    # the file reads back: the world check and the backtest take it
    code, text, err = call_main(capsys, "world", "check", world, "--episodes", str(out))
    assert code == 0, err + text
    code, text, err = call_main(
        capsys, "backtest", str(out), "--lens", "realist", "--world", world, "--json"
    )
    assert code == 0, err
    assert '"realist"' in text and "igo-nato-pol-1999-join" in text


def test_atop_import_joins_phases_and_leaves_alliance_ends_out(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    world = str(files / "world.yaml")
    base = ["episodes", "import", "atop", str(files / "atop5_1m.csv"), "--source", "atop-5-1"]
    maps = ["--alliance", "3180=NATO", "--alliance", "4500=cst", "--alliance", "4600=CIS"]
    out = files / "atop-episodes.yaml"
    code, text, err = call_main(capsys, *base, *maps, "--world", world, "-o", str(out))
    assert code == 0, err
    assert "read 10 rows" in text and "used 7 rows" in text
    assert "skipped 1 rows: outside the world's coverage" in text  # USA phase 1, 1950-52
    assert "skipped 1 rows: alliance not an organisation of the world" in text
    assert "ATOP7777" in text and "999 (line 11)" in text
    assert "left out 2 opportunities: exit in the year the alliance ended" in text
    episodes = _episodes(out)
    usa = sorted(int(e["date"][:4]) for e in episodes.values() if e["proposer"] == "USA")
    assert usa == list(range(1992, 2019))  # the new phase of 1952 is no exit; open to 2018
    assert episodes["atop-4500-geo-1999-leave"]["recorded_outcome"] == "leave"
    assert episodes["atop-4500-geo-1999-leave"]["target"] == "CST"
    assert episodes["atop-4500-arm-1999-leave"]["recorded_outcome"] == "stay"
    assert "atop-4600-rus-2000-leave" not in episodes and "atop-4600-rus-1999-leave" in episodes
    # case-control: every event, K non-events per event, the same draw for the same seed
    drawn = []
    for name in ("a.yaml", "b.yaml"):
        path = files / name
        code, text, err = call_main(
            capsys,
            *base,
            *maps,
            "--world",
            world,
            "--controls",
            "3",
            "--seed",
            "5",
            "-o",
            str(path),
        )
        assert code == 0, err
        drawn.append(path.read_text(encoding="utf-8").split("\n\n", 1)[1])
    assert drawn[0] == drawn[1]
    kept = _episodes(files / "a.yaml")
    assert sum(e["recorded_outcome"] == "leave" for e in kept.values()) == 2
    assert len(kept) == 2 + 3 * 2


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        ("ccode,yr,NATO\n2,2000,1\n", [], "bad.csv:1: missing column(s) year"),
        ("ccode,year,NATO\n2,2000,1\n2,x,1\n", [], "bad.csv:3: year: expected a number"),
        ("ccode,year,NATO\n2,2000,7\n", [], "bad.csv:2: NATO: expected one of -9"),
        ("ccode,year,NATO\n2,2000,NA\n", [], "bad.csv:2: NATO: expected a number, got 'NA'"),
        (IGO, ["--org", "CSTO"], "no column for organisation(s) CSTO"),
        ("ccode,year,NATO\n2,2000,1\n", [], "no decision opportunity to write"),
    ],
)
def test_bad_igo_input_is_refused(
    capsys: pytest.CaptureFixture[str],
    files: Path,
    tmp_path: Path,
    text: str,
    extra: list[str],
    message: str,
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out.yaml"
    args = ("episodes", "import", "igo", str(bad), "--source", "cow-igo-v3", *extra)
    code, _, err = call_main(capsys, *args, "--world", str(files / "world.yaml"), "-o", str(out))
    assert code == 2
    assert message in " ".join(err.split()) and "Traceback" not in err
    assert not out.exists()  # no partial output


def test_bad_options_are_refused(capsys: pytest.CaptureFixture[str], files: Path) -> None:
    out = files / "never.yaml"
    igo = ("episodes", "import", "igo", str(files / "state_year_formatv3.csv"))
    code, _, err = call_main(capsys, *igo, "--source", "nope", "-o", str(out))
    assert code == 2 and "'nope' is not a source of the world" in err
    mapped = ("--source", "cow-igo-v3", "--org", "NATO=ZZZ", "--world", str(files / "world.yaml"))
    code, _, err = call_main(capsys, *igo, *mapped, "-o", str(out))
    assert code == 2 and "'ZZZ' is not an organisation of the world" in err
    atop = ("episodes", "import", "atop", str(files / "atop5_1m.csv"), "--source", "atop-5-1")
    world = ("--world", str(files / "world.yaml"))
    code, _, err = call_main(capsys, *atop, *world, "--alliance", "3180=ZZZ", "-o", str(out))
    assert code == 2 and "'ZZZ' is not an organisation of the world" in err
    code, _, err = call_main(capsys, *atop, *world, "--alliance", "NATO", "-o", str(out))
    assert code == 2 and "is not ATOPID=ORG" in err
    assert not out.exists()


_CODES = st.sampled_from([-9, -1, 0, 1, 2, 3])


@settings(max_examples=20, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from([2, 20, 365]), st.integers(1990, 1995), _CODES, _CODES),
        max_size=14,
        unique_by=lambda r: (r[0], r[1]),
    ),
    years=st.none() | st.tuples(st.integers(1990, 1995), st.integers(1990, 1995)),
    share=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_every_igo_row_is_used_or_skipped(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[int, int, int, int]],
    years: tuple[int, int] | None,
    share: float,
) -> None:
    path = tmp_path_factory.mktemp("igo") / "igo.csv"
    lines = [f"{c},{y},s,{a},{b}" for c, y, a, b in rows]
    path.write_text("ccode,year,state,AA,BB\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = igo_import(path, source="s", years=years, keep_non_events=share, seed=1)
    assert result.rows_read == len(rows)
    assert result.rows_used + sum(result.skipped.values()) == result.rows_read
    # the opportunities, counted by hand: a state-org-year coded 0-3 in it and the year before
    cells = {(c, y): (a, b) for c, y, a, b in rows}
    expected = events = 0
    for (c, y), now in cells.items():
        prev = cells.get((c, y - 1))
        if prev is None or (years is not None and not years[0] <= y <= years[1]):
            continue
        for p, n in zip(prev, now, strict=True):
            if p in (0, 1, 2, 3) and n in (0, 1, 2, 3):
                expected += 1
                events += (p == 1) != (n == 1)
    assert (result.opportunities, result.events) == (expected, events)
    assert sum(e.yes_happened for e in result.episodes) == events  # every event is kept
    if share == 1.0:
        assert len(result.episodes) == expected


@settings(max_examples=20, deadline=None)
@given(
    spells=st.lists(
        st.tuples(
            st.sampled_from([1, 2]),
            st.sampled_from([2, 20, 365]),
            st.integers(1990, 1996),
            st.integers(0, 4),
            st.booleans(),
        ),
        max_size=10,
    )
)
def test_every_atop_row_is_used_or_skipped(
    tmp_path_factory: pytest.TempPathFactory, spells: list[tuple[int, int, int, int, bool]]
) -> None:
    path = tmp_path_factory.mktemp("atop") / "atop.csv"
    lines = [f"{a},{m},{s},{s + n if ends else 0}" for a, m, s, n, ends in spells]
    path.write_text("atopid,member,yrent,yrexit\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = atop_import(path, source="s", last_year=1998, years=(1992, 1998))
    assert result.rows_read == len(spells)
    assert result.rows_used + sum(result.skipped.values()) == result.rows_read
    assert len(result.episodes) == result.opportunities
    ids = [e.id for e in result.episodes]
    assert len(ids) == len(set(ids))  # overlapping phases give each year once
