"""A tiny world whose panels can be worked out by hand, with facts on the year boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.world import World, load_world

TINY_WORLD = """\
world: {name: tiny, covers: [2000-01-01, 2002-12-31]}
sources:
  - {id: s1, kind: book, title: Source One, year: 1999}
states:
  - {id: AAA, name: Alpha, cow: 2, sources: [s1]}
  - {id: BBB, name: Beta, cow: 211, sources: [s1]}
  - {id: CCC, name: Gamma, cow: 365, sources: [s1]}
  - {id: DDD, name: Delta, cow: 705, sources: [s1]}
organisations:
  - {id: UN, name: United Nations, kind: universal, founded: 1945-10-24,
     decision_rule: simple-majority, sources: [s1]}
  - {id: PACT, name: The Pact, kind: alliance, founded: 2000-06-01, decision_rule: consensus,
     sources: [s1]}
memberships:
  - {actor: AAA, org: UN, start: 1945-10-24, sources: [s1]}
  - {actor: BBB, org: UN, start: 1945-10-24, sources: [s1]}
  - {actor: CCC, org: UN, start: 1945-10-24, sources: [s1]}
  - {actor: DDD, org: UN, start: 2001-03-01, sources: [s1]}
  - {actor: AAA, org: PACT, start: 2000-06-01, sources: [s1]}
  - {actor: BBB, org: PACT, start: 2000-06-01, sources: [s1]}
  - {actor: CCC, org: PACT, start: 2002-01-01, sources: [s1]}
  - {actor: DDD, org: PACT, start: 2001-03-01, status: partner, sources: [s1]}
agreements:
  - id: pact-treaty
    name: Treaty of the Pact
    kind: treaty
    signed: 2000-06-01
    org: PACT
    sources: [s1]
    clauses:
      - id: art-1
        article: "1"
        kind: collective-defence
        versions:
          - {from: 2000-06-01, summary: Mutual defence., obligation: 1.0, sources: [s1]}
  - id: consultation-act
    name: Consultation act
    kind: agreement
    signed: 2001-06-01
    parties: [PACT, DDD]
    sources: [s1]
    clauses:
      - id: c-1
        article: "1"
        kind: consultation
        versions:
          - {from: 2001-06-01, summary: The parties consult., obligation: 0.25, sources: [s1]}
capabilities:
  - {actor: AAA, measure: milex, unit: USD bn, basis: test, sources: [s1],
     values: {2000: 30.0, 2001: 30.0, 2002: 30.0}}
  - {actor: BBB, measure: milex, unit: USD bn, basis: test, sources: [s1],
     values: {2000: 10.0, 2001: 10.0}}
  - {actor: CCC, measure: milex, unit: USD bn, basis: test, sources: [s1],
     values: {2000: 60.0, 2001: 60.0, 2002: 70.0}}
  - {actor: AAA, measure: population, unit: million persons, basis: test, sources: [s1],
     values: {2000: 1.0, 2001: 1.0, 2002: 1.0}}
  - {actor: CCC, measure: population, unit: million persons, basis: test, sources: [s1],
     values: {2000: 3.0, 2001: 3.0, 2002: 3.0}}
relations:
  - {a: AAA, b: CCC, kind: rivalry, start: 2000-01-01, end: 2002-12-31, intensity: 0.5,
     sources: [s1]}
bases:
  - {id: b1, name: Base One, host: DDD, user: AAA, start: 2001-12-31, sources: [s1]}
"""


def tiny_world_from(tmp_path: Path, text: str = TINY_WORLD) -> World:
    """Load the tiny world (or a variant of its text) from a file in ``tmp_path``."""
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    return load_world(path)


@pytest.fixture
def tiny_world(tmp_path: Path) -> World:
    """The tiny world."""
    return tiny_world_from(tmp_path)
