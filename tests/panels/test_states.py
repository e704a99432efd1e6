"""State-years and state-organisation-years of the tiny world, worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import InputError
from detente.panels import STATE_COVARIATES, state_org_years, state_years
from detente.world import World


def test_state_years(tiny_world: World) -> None:
    frame = state_years(tiny_world, 2000, 2002, with_=list(STATE_COVARIATES))
    assert frame.groupby("year").size().to_dict() == {2000: 3, 2001: 4, 2002: 4}
    row = frame.set_index(["year", "state"]).loc[(2001, "AAA")]
    assert row.cow == 2 and row.milex == 30.0 and np.isnan(row.gdp)
    assert row.n_member == 2 and row.n_any == 2  # UN and PACT
    assert row.bases_abroad == 1 and row.bases_hosted == 0
    assert bool(row.major)
    ddd = frame.set_index(["year", "state"]).loc[(2001, "DDD")]
    assert ddd.n_member == 1 and ddd.n_any == 2 and ddd.bases_hosted == 1
    assert np.isnan(ddd.cinc)  # no figures at all: unknown, not zero
    cinc2000 = frame[frame.year == 2000].set_index("state").cinc
    assert cinc2000.to_dict() == pytest.approx({"AAA": 0.275, "BBB": 0.1, "CCC": 0.675})


def test_all_states_without_a_system_org(tiny_world: World) -> None:
    frame = state_years(tiny_world, 2000, 2000, system_org=None)
    assert sorted(frame.state.astype(str)) == ["AAA", "BBB", "CCC", "DDD"]


def test_state_org_years(tiny_world: World) -> None:
    frame = state_org_years(tiny_world, 2000, 2002)
    assert frame.columns.tolist() == ["state", "org", "year", "status", "org_kind", "decision_rule"]
    pact = frame[frame.org == "PACT"]
    assert pact[pact.year == 2001][["state", "status"]].values.tolist() == [
        ["AAA", "member"],
        ["BBB", "member"],
        ["DDD", "partner"],
    ]
    assert "CCC" in set(pact[pact.year == 2002].state)
    assert "CCC" not in set(pact[pact.year == 2001].state)


def test_unknown_state_covariate(tiny_world: World) -> None:
    with pytest.raises(InputError, match="unknown covariate"):
        state_years(tiny_world, 2000, 2000, with_=["kappa"])
