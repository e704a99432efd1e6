"""A small valid world, as YAML text, that the world tests mutate and query."""

from __future__ import annotations

from pathlib import Path

import pytest

MINI_WORLD = """\
world: {name: mini, covers: [1992-01-01, 2024-12-31]}
sources:
  - {id: src-a, kind: book, title: Source A, year: 2007}
  - {id: src-b, kind: report, title: Source B, year: 2010}
states:
  - {id: RUS, name: Russia, cow: 365, sources: [src-a]}
  - {id: UZB, name: Uzbekistan, cow: 704, sources: [src-a]}
  - {id: USA, name: United States, cow: 2, sources: [src-a]}
organisations:
  - id: CSTO
    name: Collective Security Treaty Organization
    kind: collective-security
    founded: 2002-10-07
    decision_rule: consensus
    sources: [src-a]
memberships:
  - {actor: RUS, org: CSTO, start: 2002-10-07, sources: [src-a]}
  - {actor: UZB, org: CSTO, start: 2006-08-16, end: 2012-06-28, sources: [src-a]}
  - {actor: UZB, org: CSTO, start: 2012-06-28, end: 2012-12-19, status: suspended, sources: [src-b]}
capabilities:
  - actor: RUS
    measure: milex
    unit: USD bn
    basis: constant 2019 US dollars
    values: {2008: 55.0, 2009: 58.5}
    sources: [src-b]
relations:
  - {a: USA, b: RUS, kind: rivalry, start: 2008-08-07, intensity: 0.6, sources: [src-a]}
"""
"""Line numbers matter: tests of validation refer to them."""


@pytest.fixture
def mini_world_dir(tmp_path: Path) -> Path:
    """A folder holding the mini world as one file ``world.yaml``."""
    (tmp_path / "world.yaml").write_text(MINI_WORLD, encoding="utf-8")
    return tmp_path
