"""CINC as the mean of the available component shares, on a small NMC-format file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import InputError
from detente.importers import read_nmc
from detente.measures import cinc, component_shares

# NMC v6.0/v7.0 abridged header (codebook order); -9 = missing
NMC_HEADER = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\n"
NMC_ROWS = (
    "USA,2,2000,300,1400,100,2000,280,220,0.5,2021\n"
    "RUS,365,2000,100,1000,60,1000,145,-9,0.3,2021\n"
    "KZK,705,2000,-9,100,40,1000,15,8,0.2,2021\n"
    "USA,2,2001,100,100,100,100,100,100,0.5,2021\n"
    "RUS,365,2001,100,100,100,100,100,100,0.5,2021\n"
)


def write(tmp_path: Path, text: str, name: str = "NMC-60-abridged.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cinc_is_the_mean_of_available_shares(tmp_path: Path) -> None:
    frame = read_nmc(write(tmp_path, NMC_HEADER + NMC_ROWS))
    y2000 = frame[frame.year == 2000].set_index("ccode")
    # shares by hand, 2000: milex USA 300/400 (KZK missing), milper 1400/2500, irst 100/200,
    # pec 2000/4000, tpop 280/440, upop 220/228 (RUS missing)
    usa = np.mean([300 / 400, 1400 / 2500, 100 / 200, 2000 / 4000, 280 / 440, 220 / 228])
    rus = np.mean([100 / 400, 1000 / 2500, 60 / 200, 1000 / 4000, 145 / 440])  # five components
    kzk = np.mean([100 / 2500, 40 / 200, 1000 / 4000, 15 / 440, 8 / 228])
    assert y2000.loc[2, "cinc"] == pytest.approx(usa)
    assert y2000.loc[365, "cinc"] == pytest.approx(rus)
    assert y2000.loc[705, "cinc"] == pytest.approx(kzk)
    assert np.isnan(y2000.loc[365, "upop"])  # -9 is missing, not zero
    assert y2000.loc[2, "cinc_file"] == pytest.approx(0.5)  # the file's own column, kept apart
    y2001 = frame[frame.year == 2001]
    np.testing.assert_allclose(y2001["cinc"], [0.5, 0.5])  # shares are taken within each year


def test_shares_sum_to_one_per_group() -> None:
    rng = np.random.default_rng(7)
    values = rng.uniform(0, 10, size=(12, 6))
    groups = np.repeat([1990, 1991, 1992], 4)
    shares = component_shares(values, groups)
    for g in (1990, 1991, 1992):
        np.testing.assert_allclose(shares[groups == g].sum(axis=0), 1.0)
    # with every component present, CINC sums to 1 in each year
    scores = cinc(values, groups)
    for g in (1990, 1991, 1992):
        assert scores[groups == g].sum() == pytest.approx(1.0)


def test_row_without_components_is_missing() -> None:
    assert np.isnan(cinc([[1.0, 2.0], [np.nan, np.nan]])[1])


def test_negative_values_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        cinc([[-1.0]])


def test_wrong_file_names_the_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "ccode,year,milex\n2,2000,1\n", "wrong.csv")
    with pytest.raises(InputError) as info:
        read_nmc(path)
    text = str(info.value)
    assert f"{path}:1" in text and "milper" in text and "COW NMC" in text


def test_bad_cell_is_located_by_line_and_column(tmp_path: Path) -> None:
    rows = NMC_ROWS.replace("RUS,365,2000,100,1000", "RUS,365,2000,lots,1000")
    path = write(tmp_path, NMC_HEADER + rows)
    with pytest.raises(InputError) as info:
        read_nmc(path)
    assert str(info.value) == f"{path}:3: milex: expected a number, got 'lots'"


def test_negative_component_other_than_minus_nine(tmp_path: Path) -> None:
    rows = NMC_ROWS.replace("KZK,705,2000,-9", "KZK,705,2000,-3")
    path = write(tmp_path, NMC_HEADER + rows)
    with pytest.raises(InputError, match=r":4: milex: expected >= 0 or -9"):
        read_nmc(path)


def test_repeated_state_year(tmp_path: Path) -> None:
    path = write(tmp_path, NMC_HEADER + NMC_ROWS + NMC_ROWS.splitlines()[0] + "\n")
    with pytest.raises(InputError, match=r":7: ccode, year: state-year 2, 2000 appears twice"):
        read_nmc(path)
