"""Unknown is not zero: capability lookups return missing, one fill rule, and explanations say
when a filled value was used (issue 8, section 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.decisions import get_episode
from detente.explanation import explain, why
from detente.lenses import get_lens
from detente.world import CARRY_YEARS, World, builtin_world, fill_capability, load_world

D = dt.date

MINI = """\
world: {name: gaps}
sources:
  - {id: s, kind: dataset, title: S, published: 1990}
states:
  - {id: AAA, name: A, cow: 1, sources: [s]}
  - {id: BBB, name: B, cow: 2, sources: [s]}
  - {id: CCC, name: C, cow: 3, sources: [s]}
capabilities:
  - {actor: AAA, measure: milex, unit: USD bn, basis: b, values: {2000: 10.0, 2001: 11.0},
     sources: [s]}
  - {actor: BBB, measure: milex, unit: USD bn, basis: b, values: {2001: 3.0, 2005: 4.0},
     sources: [s]}
"""


@pytest.fixture(scope="module")
def gaps(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("gaps") / "w.yaml"
    path.write_text(MINI, encoding="utf-8")
    return load_world(path)


def test_a_known_figure_is_not_filled(gaps: World) -> None:
    value = gaps.at(D(2002, 3, 1)).capability("AAA", "milex")
    assert value is not None and value.value == 11.0 and not value.filled


def test_a_figure_is_carried_forward_at_most_carry_years(gaps: World) -> None:
    assert CARRY_YEARS == 2
    snap = gaps.at(D(2004, 1, 1))  # wants 2003; AAA's last figure is for 2001
    value = snap.capability("AAA", "milex")
    assert value is not None and value.year == 2001 and value.wanted == 2003
    assert value.fill == "2001 figure carried forward 2 years"
    assert gaps.at(D(2005, 1, 1)).capability("AAA", "milex") is None  # three years: unknown
    assert gaps.at(D(2005, 1, 1)).capability("AAA", "milex", carry_years=3) is not None
    assert gaps.at(D(2020, 1, 1)).capability("CCC", "milex") is None  # no series: unknown


def test_the_fill_rule_takes_the_smallest_known_figure_never_zero(gaps: World) -> None:
    snap = gaps.at(D(2007, 1, 1))  # wants 2006: BBB has 2005 (carried 1 year), AAA is stale
    value = fill_capability(snap, "AAA", "milex")
    assert value is not None and value.value == 4.0 and value.filled
    assert value.fill is not None and "smallest known milex (BBB, 4 USD bn)" in value.fill
    assert fill_capability(snap, "BBB", "milex").fill == "2005 figure carried forward 1 year"  # type: ignore[union-attr]


def test_an_explanation_says_how_a_planted_missing_value_was_filled(tmp_path: Path) -> None:
    episode = get_episode("uzb-csto-2012")
    year = episode.date.year - 1
    # plant a gap: Kazakhstan's military expenditure stops in 2003
    builtin = next(
        s for s in builtin_world().capabilities if s.actor == "KAZ" and s.measure == "milex"
    )
    values = {y: v for y, v in builtin.values.items() if y <= 2003}
    path = tmp_path / "gap.yaml"
    path.write_text(
        "world: {name: gap, extends: builtin}\ncapabilities:\n"
        f"  - {{actor: KAZ, measure: milex, unit: '{builtin.unit}', basis: planted gap, "
        f"values: {values}, sources: {list(builtin.sources)}, replace: true}}\n",
        encoding="utf-8",
    )
    world = load_world(path)
    snap = world.at(episode.date)
    assert snap.capability("KAZ", "milex") is None
    e = explain(episode, snap, get_lens("realist"), compare=[])
    (note,) = [n for n in e.filled if n.startswith("KAZ:")]
    assert f"milex unknown for {year}: filled with the smallest known milex" in note
    assert any("Filled inputs" in line and "KAZ: milex unknown" in line for line in why(e))
    # with the real series Kazakhstan's figure is the source's own
    real = explain(episode, builtin_world().at(episode.date), get_lens("realist"), compare=[])
    assert not [n for n in real.filled if n.startswith("KAZ:")]
