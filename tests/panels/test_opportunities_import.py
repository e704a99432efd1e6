"""Decision opportunities from a user's COW IGO and ATOP files (small files written here).

Formats as in ``test_importers.py``: COW IGO v3 state-year (``ccode, year, state`` and one column
per organisation, codes 0/1/2/3, -9 missing, -1 not in the system) and the ATOP 5.1 member-level
file (``atopid, member, yrent, ..., yrexit, ...``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import InputError
from detente.importers import atop_opportunities, igo_opportunities

IGO = (
    "ccode,year,state,NATO,WEU\n"
    "255,1998,GMY,1,1\n"
    "255,1999,GMY,1,1\n"
    "290,1998,POL,0,2\n"
    "290,1999,POL,1,2\n"
    "290,2000,POL,1,-9\n"
    "310,1998,HUN,0,3\n"
    "310,1999,HUN,1,0\n"
    "220,1998,FRN,1,1\n"
    "220,1999,FRN,2,1\n"
)
MEMBERS = (
    "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,defense,offense,neutral,nonagg,consul\n"
    "3180,2,1949,8,24,0,0,0,1,0,0,0,1\n"
    "3180,220,1996,8,24,1999,6,1,1,0,0,0,1\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_igo_join_and_leave_opportunities(tmp_path: Path) -> None:
    ids = {255: "DEU", 290: "POL", 310: "HUN", 220: "FRA"}
    episodes = igo_opportunities(
        write(tmp_path, "state_year_formatv3.csv", IGO), source="cow-igo", ids=ids
    )
    by_id = {e.id: e for e in episodes}
    pol = by_id["igo-nato-pol-1999-join"]
    assert pol.yes_happened and pol.date.isoformat() == "1999-01-01"
    assert pol.origin == "generated" and pol.sources == ("cow-igo",)
    assert not by_id["igo-nato-deu-1999-leave"].yes_happened  # stayed
    # a downgrade from full membership is the leave outcome, and the note says what it was
    fra = by_id["igo-nato-fra-1999-leave"]
    assert fra.yes_happened and "associate" in (fra.note or "")
    assert by_id["igo-weu-hun-1999-join"].recorded_outcome == "stay-out"  # observer -> none
    # a missing code (-9) gives no opportunity; nor does a year without the year before
    assert "igo-weu-pol-2000-join" not in by_id and "igo-nato-pol-2000-leave" in by_id
    assert not any(e.date.year == 1998 for e in episodes)
    assert len(episodes) == 9


def test_case_control_sampling_keeps_every_event_and_is_seeded(tmp_path: Path) -> None:
    path = write(tmp_path, "igo.csv", IGO)
    some = igo_opportunities(path, source="s", keep_non_events=0.0)
    assert some and all(e.yes_happened for e in some)
    assert {e.id for e in some} == {
        e.id for e in igo_opportunities(path, source="s") if e.yes_happened
    }
    a = igo_opportunities(path, source="s", keep_non_events=0.5, seed=4)
    assert [e.id for e in a] == [
        e.id for e in igo_opportunities(path, source="s", keep_non_events=0.5, seed=4)
    ]
    only = igo_opportunities(path, source="s", orgs=["nato"], years=(1999, 1999))
    assert {e.target for e in only} == {"NATO"} and {e.date.year for e in only} == {1999}


def test_atop_leave_opportunities(tmp_path: Path) -> None:
    episodes = atop_opportunities(
        write(tmp_path, "atop5_1m.csv", MEMBERS), source="atop", last_year=2000, ids={2: "USA"}
    )
    usa = [e for e in episodes if e.proposer == "USA"]
    assert len(usa) == 2000 - 1949 and not any(e.yes_happened for e in usa)
    fra = [e for e in episodes if e.proposer == "COW220"]
    assert [e.date.year for e in fra] == [1997, 1998, 1999]
    assert [e.yes_happened for e in fra] == [False, False, True]
    assert {e.target for e in episodes} == {"ATOP3180"}


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        (IGO + "255,1999,GMY,1,1\n", {}, "given twice"),
        (IGO, {"orgs": ["CSTO"]}, "no column for organisation(s) CSTO"),
        ("ccode,year,NATO\n2,2000,7\n", {}, "expected one of -9"),
    ],
)
def test_igo_errors_name_the_file_and_line(
    tmp_path: Path, text: str, kwargs: dict[str, object], message: str
) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError, match=r"bad\.csv") as info:
        igo_opportunities(path, source="s", **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
