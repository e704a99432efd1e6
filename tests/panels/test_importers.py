"""The importers, on small files written here in each format, and their errors on wrong files.

Formats: ATOP 5.1 directed dyad-year (``atop5_1ddyr.csv``) and member-level (``atop5_1m.csv``)
columns, as named in the ATOP v5.1 codebook; COW IGO v3 state-year (``state_year_formatv3.csv``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detente.errors import InputError
from detente.importers import read_atop_ddyr, read_atop_members, read_igo_state_years
from detente.panels import portfolio_dyad_years

DDYR_HEADER = "ddyad,stateA,stateB,year,atopally,defense,offense,neutral,nonagg,consul,shareob\n"
DDYR = (
    "2200,2,200,2000,1,1,0,0,0,0,1\n"
    "200002,200,2,2000,1,1,0,0,0,0,1\n"
    "2365,2,365,2000,1,0,0,0,0,1,1\n"
    "365002,365,2,2000,1,0,0,0,1,0,1\n"
    "2200,2,200,2001,1,1,0,0,0,0,1\n"
    "200002,200,2,2001,1,1,0,0,0,0,1\n"
)
MEMBERS_HEADER = (
    "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,defense,offense,neutral,nonagg,consul\n"
)
MEMBERS = (
    "3180,2,1949,8,24,0,0,0,1,0,0,0,1\n"
    "3180,200,1949,8,24,0,0,0,1,0,0,0,1\n"
    "3180,220,1949,8,24,2000,6,1,1,0,0,0,1\n"
    "4000,365,1999,1,1,0,0,0,0,0,0,1,0\n"
    "4000,2,1999,1,1,0,0,0,0,0,0,1,0\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_atop_ddyr_levels(tmp_path: Path) -> None:
    p = read_atop_ddyr(write(tmp_path, "atop5_1ddyr.csv", DDYR_HEADER + DDYR), ids={2: "USA"})
    assert p.cow == (2, 200, 365) and p.years == (2000, 2001)
    assert p.states == ("USA", "COW200", "COW365")
    lv = p.levels
    assert lv[0].tolist() == [[3, 3, 2], [3, 3, 0], [1, 0, 3]]  # directed: 2 consults, 365 non-agg
    # 365 is not mentioned in 2001: not in that year's system unless told otherwise
    assert p.present[1].tolist() == [True, True, False]
    frame = portfolio_dyad_years(p, ["s"], codings=["any"], directed=True)
    assert len(frame) == 6 + 2


def test_atop_ddyr_system_from_state_years(tmp_path: Path) -> None:
    present = pd.DataFrame({"ccode": [2, 200, 365, 2, 200, 365], "year": [2000] * 3 + [2001] * 3})
    p = read_atop_ddyr(write(tmp_path, "a.csv", DDYR_HEADER + DDYR), present=present)
    assert p.present.all()
    assert p.levels[1, 2].tolist() == [0, 0, 3]


def test_atop_members(tmp_path: Path) -> None:
    p = read_atop_members(write(tmp_path, "atop5_1m.csv", MEMBERS_HEADER + MEMBERS), last_year=2001)
    i = {c: k for k, c in enumerate(p.cow)}
    k1999, k2000 = p.years.index(1999), p.years.index(2000)
    assert p.levels[k1999, i[2], i[220]] == 3
    assert p.levels[k2000, i[2], i[220]] == 0  # France left during 2000: not at the year's end
    assert p.levels[k1999, i[2], i[365]] == 1
    assert p.years[-1] == 2001


def test_igo_state_years(tmp_path: Path) -> None:
    text = (
        "ccode,year,state,NATO,OSCE,CSTO\n"
        "2,2000,USA,1,1,0\n"
        "365,2000,Russia,0,1,-1\n"
        "705,2000,Kazakhstan,0,3,2\n"
        "705,2001,Kazakhstan,-9,1,1\n"
    )
    frame = read_igo_state_years(write(tmp_path, "state_year_formatv3.csv", text))
    assert frame.values.tolist() == [
        [705, 2000, "CSTO", "associate"],
        [2, 2000, "NATO", "full"],
        [2, 2000, "OSCE", "full"],
        [365, 2000, "OSCE", "full"],
        [705, 2000, "OSCE", "observer"],
        [705, 2001, "CSTO", "full"],
        [705, 2001, "OSCE", "full"],
    ]
    assert frame.attrs["missing"] == 1


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        (read_atop_ddyr, "stateA,stateB,year\n2,200,2000\n", ":1: missing column(s) defense"),
        (
            read_atop_ddyr,
            DDYR_HEADER + DDYR.replace(",1,1,0,0,0,0,1", ",1,2,0,0,0,0,1", 1),
            ":2: defense: expected 0 or 1, got 2.0",
        ),
        (read_atop_ddyr, DDYR_HEADER + "1,2,2,2000,1,1,0,0,0,0,1\n", ":2: stateB: a dyad needs"),
        (
            read_atop_ddyr,
            DDYR_HEADER + "1,2,x,2000,1,1,0,0,0,0,1\n",
            ":2: stateB: expected a number, got 'x'",
        ),
        (read_igo_state_years, "ccode,year,NATO\n2,2000,7\n", ":2: NATO: expected one of -9"),
        (read_igo_state_years, "ccode,year\n2,2000\n", ":1: no organisation columns"),
        (read_igo_state_years, "cow,yr,NATO\n2,2000,1\n", ":1: missing column(s) ccode, year"),
    ],
)
def test_wrong_files_are_located(tmp_path: Path, reader, text, message) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError) as info:
        reader(path)
    assert f"{path}{message}" in str(info.value)


def test_member_exit_before_entry(tmp_path: Path) -> None:
    text = MEMBERS_HEADER + "1,2,1990,1,1,1980,1,1,1,0,0,0,0\n"
    with pytest.raises(InputError, match=r":2: yrexit: exit year before the entry year"):
        read_atop_members(write(tmp_path, "m.csv", text), last_year=2018)


def test_a_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(InputError):
        read_atop_ddyr(path)


def test_portfolio_similarity_is_vectorised_consistently(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    rows = ["stateA,stateB,year,defense,offense,neutral,nonagg,consul"]
    for a in range(1, 9):
        for b in range(1, 9):
            if a != b and rng.random() < 0.4:
                flags = rng.integers(0, 2, 5)
                rows.append(f"{a},{b},1990,{','.join(map(str, flags))}")
    p = read_atop_ddyr(write(tmp_path, "r.csv", "\n".join(rows) + "\n"))
    frame = portfolio_dyad_years(p, ["kappa", "tau_b"], codings=["valued"], directed=True)
    from detente.measures import cohen_kappa, kendall_tau_b

    lv = p.levels[0]
    for row in frame.itertuples():
        a, b = lv[p.states.index(row.state_a)], lv[p.states.index(row.state_b)]
        np.testing.assert_allclose(row.kappa_valued, cohen_kappa(a, b), equal_nan=True)
        np.testing.assert_allclose(row.tau_b_valued, kendall_tau_b(a, b), equal_nan=True)
