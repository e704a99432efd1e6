"""The built-in episodes: they validate, cover the seed documents, and cite known sources."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from detente.decisions import builtin_episodes, builtin_episodes_path, get_episode
from detente.errors import UnknownIdError

REQUIRED = [
    "nato-csto-2005",
    "nato-csto-2009",
    "nrc-chicago-2012",
    "csto-nato-2003",
    "csto-nato-2004",
    "uzb-cst-1999",
    "geo-cst-1999",
    "aze-cst-1999",
    "uzb-csto-2006",
    "uzb-csto-2012",
    "kgz-manas-2009",
    "kgz-manas-2013",
    "uzb-k2-2005",
    "nrc-suspend-2008",
    "arm-csto-2024",
    "kgz-csto-2010",
    "kaz-csto-2022",
]


def test_builtin_episodes_validate_and_have_unique_ids() -> None:
    episodes = builtin_episodes()
    ids = [e.id for e in episodes]
    assert len(ids) == len(set(ids)) >= 15
    assert set(REQUIRED) <= set(ids)


def test_both_outcomes_occur_in_every_decision_type() -> None:
    episodes = builtin_episodes()
    happened = Counter((e.type, e.yes_happened) for e in episodes)
    for kind in ("engagement", "membership", "basing", "assistance"):
        assert happened[(kind, True)] > 0 and happened[(kind, False)] > 0, kind


@pytest.mark.parametrize(
    ("ident", "recorded"),
    [
        ("nato-csto-2005", "refuse"),
        ("nato-csto-2009", "refuse"),
        ("nrc-chicago-2012", "refuse"),
        ("uzb-cst-1999", "leave"),
        ("uzb-csto-2006", "join"),
        ("kaz-csto-2022", "act"),
        ("uzb-k2-2005", "expel"),
    ],
)
def test_recorded_outcomes_of_the_seed_episodes(ident: str, recorded: str) -> None:
    assert get_episode(ident).recorded_outcome == recorded


def test_forecasting_questions_have_intermediate_anchors() -> None:
    for ident in ("nato-csto-2005", "nato-csto-2009", "nrc-chicago-2012"):
        assert 50 in get_episode(ident).scale


def test_unknown_episode_lists_the_known_ones() -> None:
    with pytest.raises(UnknownIdError, match=r"unknown episode 'nato-csto-2099'.*\(known: a"):
        get_episode("nato-csto-2099")


def test_episodes_cite_sources_of_the_builtin_world() -> None:
    folder = builtin_episodes_path().parent / "world"
    names = [*sorted(folder.glob("sources*.yaml")), folder / "lens-facts.yaml"]
    text = "".join(p.read_text(encoding="utf-8") for p in names)
    known = set(re.findall(r"^  - id: (\S+)", text, re.M))
    assert {"ffi-2007", "kucera-2010", "pqia-2012"} <= known
    missing = {(e.id, s) for e in builtin_episodes() for s in e.sources if s not in known}
    assert not missing
