"""Dyad-years: rows, documented columns, values worked out by hand, and no leak from the future."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detente.errors import InputError
from detente.measures import code_portfolio, cohen_kappa, s_score
from detente.panels import DYAD_COVARIATES, dyad_years, world_portfolios
from detente.world import World, builtin_world

from .conftest import TINY_WORLD, tiny_world_from

ALL = [c for c in DYAD_COVARIATES if c not in ("tau_b", "s_squared", "pi")]


def test_one_row_per_dyad_year(tiny_world: World) -> None:
    frame = dyad_years(tiny_world, 2000, 2002)
    # 3 states in the UN in 2000 (DDD joins on 2001-03-01), 4 afterwards
    assert frame.groupby("year").size().to_dict() == {2000: 3, 2001: 6, 2002: 6}
    assert not frame.duplicated(["year", "state_a", "state_b"]).any()
    assert (frame.state_a.astype(str) < frame.state_b.astype(str)).all()
    directed = dyad_years(tiny_world, 2000, 2002, directed=True)
    assert len(directed) == 2 * len(frame)
    assert not directed.duplicated(["year", "state_a", "state_b"]).any()


def test_portfolios_at_the_years_end(tiny_world: World) -> None:
    p = world_portfolios(tiny_world, [2000, 2001, 2002])
    i = {s: k for k, s in enumerate(p.states)}
    lv = p.levels
    assert lv[0, i["AAA"], i["BBB"]] == 3  # the pact's defence clause
    assert lv[1, i["AAA"], i["CCC"]] == 0  # CCC joins the pact on 2002-01-01 ...
    assert lv[2, i["AAA"], i["CCC"]] == 3  # ... so only from 2002
    assert lv[1, i["AAA"], i["DDD"]] == 2  # consultation with the pact's members
    assert lv[1, i["DDD"], i["DDD"]] == 3 and lv[0, i["DDD"], i["DDD"]] == 0  # not yet a state
    assert lv[2, i["CCC"], i["DDD"]] == 2  # new pact members are bound by the act too


def test_covariates_by_hand(tiny_world: World) -> None:
    frame = dyad_years(tiny_world, 2000, 2002, with_=ALL).set_index(["year", "state_a", "state_b"])
    row = frame.loc[(2000, "AAA", "CCC")]
    # CINC 2000 from milex (30, 10, 60) and population (1, -, 3): AAA (.3 + .25)/2, CCC (.6 + .75)/2
    assert row.cinc_a == pytest.approx(0.275)
    assert row.cinc_b == pytest.approx(0.675)
    assert row.rivalry == 0.5
    assert frame.loc[(2002, "AAA", "CCC")].rivalry == 0.0  # ended on 2002-12-31 (exclusive)
    assert frame.loc[(2001, "AAA", "DDD")].bases_a_in_b == 1  # dated on the year's last day
    assert frame.loc[(2000, "AAA", "BBB")].bases_a_in_b == 0
    assert frame.loc[(2001, "AAA", "DDD")].shared_member == 1  # UN; DDD is only a partner of PACT
    assert frame.loc[(2001, "AAA", "DDD")].shared_any == 2
    assert np.isnan(frame.loc[(2002, "AAA", "BBB")].milex_b)  # no figure: missing, not carried
    assert frame.loc[(2001, "BBB", "DDD")].politically_relevant is pd.NA  # no major, no borders
    assert bool(frame.loc[(2001, "AAA", "DDD")].politically_relevant)  # AAA is COW 2, a major


def test_similarity_columns_match_the_measures(tiny_world: World) -> None:
    frame = dyad_years(tiny_world, 2001, 2001, with_=["kappa", "s"])
    p = world_portfolios(tiny_world, [2001])
    i = {s: k for k, s in enumerate(p.states)}
    levels = p.levels[0]
    for row in frame.itertuples():
        a, b = levels[i[row.state_a]], levels[i[row.state_b]]
        for coding in ("valued", "any", "defence"):
            x, y = code_portfolio(a, coding), code_portfolio(b, coding)
            delta = 3 if coding == "valued" else 1
            assert getattr(row, f"s_{coding}") == pytest.approx(s_score(x, y, max_distance=delta))
            np.testing.assert_allclose(
                getattr(row, f"kappa_{coding}"), cohen_kappa(x, y), equal_nan=True
            )


def test_nothing_from_after_the_year_leaks_in(tmp_path: Path) -> None:
    # the same world without the facts dated after 2001 gives the same 2000-2001 rows
    later = [
        "  - {actor: CCC, org: PACT, start: 2002-01-01, sources: [s1]}\n",
    ]
    trimmed = TINY_WORLD
    for line in later:
        assert line in trimmed
        trimmed = trimmed.replace(line, "")
    trimmed = trimmed.replace(", 2002: 30.0}", "}").replace(", 2002: 70.0}", "}")
    trimmed = trimmed.replace(", 2002: 1.0}", "}").replace(", 2002: 3.0}", "}")
    full = dyad_years(tiny_world_from(tmp_path), 2000, 2002, with_=ALL)
    (tmp_path / "b").mkdir()
    cut = dyad_years(tiny_world_from(tmp_path / "b", trimmed), 2000, 2001, with_=ALL)
    pd.testing.assert_frame_equal(
        full[full.year <= 2001].reset_index(drop=True), cut, check_categorical=False
    )


def test_regional_system(tiny_world: World) -> None:
    # over Europe only (BBB 211 and CCC 365) in 2001: AAA's portfolio is (3, 0), DDD's (2, 0)
    frame = dyad_years(tiny_world, 2001, 2001, with_=["s"], system="europe")
    row = frame[(frame.state_a == "AAA") & (frame.state_b == "DDD")].iloc[0]
    assert row.s_valued == pytest.approx(1 - 2 * 1 / (2 * 3))
    # over CCC alone, AAA and BBB both have no tie with CCC: identical portfolios
    frame = dyad_years(tiny_world, 2001, 2001, with_=["s"], system=["CCC"])
    row = frame[(frame.state_a == "AAA") & (frame.state_b == "BBB")].iloc[0]
    assert row.s_valued == pytest.approx(1.0)


def test_unknown_covariate_and_empty_range(tiny_world: World) -> None:
    with pytest.raises(InputError, match="unknown covariate"):
        dyad_years(tiny_world, 2000, 2001, with_=["kapa"])
    with pytest.raises(InputError, match="before --from"):
        dyad_years(tiny_world, 2002, 2001)


def test_builtin_world_panel_and_the_coding_choice() -> None:
    frame = dyad_years(builtin_world(), 1992, 2024, with_=["kappa", "cinc"])
    expected = [
        "year", "state_a", "state_b", "cow_a", "cow_b", "cinc_a", "cinc_b",
        "kappa_valued", "kappa_any", "kappa_defence",
    ]  # fmt: skip
    assert frame.columns.tolist() == expected
    assert not frame.duplicated(["year", "state_a", "state_b"]).any()
    n = frame.groupby("year").size()
    states = (
        pd.concat([frame.state_a, frame.state_b])
        .groupby(pd.concat([frame.year, frame.year]))
        .nunique()
    )
    assert (n == states * (states - 1) // 2).all()
    us_ru = frame[(frame.state_a == "RUS") & (frame.state_b == "USA")].set_index("year")
    assert len(us_ru) == 33
    # from the Founding Act (1997) on, Russia consults with every NATO member: the "any
    # obligation" portfolios of the US and Russia overlap, their defence portfolios do not
    after = us_ru.loc[1997:]
    assert (after.kappa_defence < after.kappa_any).all()
    assert (after.kappa_defence < 0).all()
