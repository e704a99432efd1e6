"""Property: every reader, fed generated YAML or CSV, either succeeds or raises an
:class:`InputError` whose problems all name the file; never another exception, never a hang.

Each example runs under a generous alarm (a hang detector, not a timing assertion) and a cap on
the address space, so a runaway reader fails the test instead of the machine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import resource
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.cli.common import parse_settings
from detente.errors import InputError
from detente.forecast.question import load_question
from detente.forecast.table import read_table
from detente.world import builtin_world, check_world

EXAMPLES = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SECONDS = 20
EXTRA_MEMORY = 1 << 30


@contextlib.contextmanager
def bounded() -> Iterator[None]:
    """Fail (not hang or swap) if one example runs away in time or memory."""

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"a reader ran for more than {SECONDS} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    cap = used + EXTRA_MEMORY
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    previous = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    signal.alarm(SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)


def _check(reader: Callable[[Path], Any], path: Path) -> None:
    with bounded():
        try:
            reader(path)
        except InputError as exc:
            assert exc.problems
            assert all(
                p.file is not None and Path(p.file).name == path.name for p in exc.problems
            ), exc


# ---- generated content

_words = st.sampled_from(
    ["id", "actors", "capability", "position", "salience", "scale", "min", "max", "date",
     "name", "world", "states", "memberships", "episodes", "realist", "rivalry_weight",
     "start", "end", "actor", "org", "values", "sources", "threshold", "covers", "extends"]
)  # fmt: skip
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.text(max_size=12),
    st.sampled_from(["[/x]", ":100:", "2009-02-30", "0000-01-01", "USA", "NATO", "builtin"]),
)
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(_words, st.text(max_size=6)), inner, max_size=5),
    ),
    max_leaves=30,
)
_fragments = st.sampled_from(
    ["&a [x, y]", "*a", "!!python/object/apply:os.system ['true']", "{a: 1, a: 2}", ".nan",
     "- ", ": ", "[", "]", "{", "\t", "'", '"', "<<: *a", "? ", "\n  ", "!!binary AAAA", "---"]
)  # fmt: skip


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """Valid YAML of random structure, sometimes spliced with hostile fragments."""
    text = yaml.safe_dump(draw(_data), allow_unicode=True, sort_keys=False)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_fragments) + text[at:]
    return text


_cells = st.one_of(
    st.sampled_from(["", "1", "0.5", "-1", "nan", "inf", "1e308", "abc", '"', "a,b", "9" * 400]),
    st.integers(-5, 200).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=8),
)


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    header = draw(
        st.sampled_from(
            ["Actor,Capability,Position,Salience", "name,desc,3,1", "Actor,Position", ""]
        )
    )
    rows = draw(st.lists(st.lists(_cells, max_size=6), max_size=6))
    return header + "\n" + "\n".join(",".join(r) for r in rows) + "\n"


# ---- the readers


def _world(path: Path) -> None:
    check_world(path)  # returns problems; must not raise anything but InputError


def _question(path: Path) -> None:
    load_question(path, builtin_world())


def _params(path: Path) -> None:
    parse_settings(None, path)


def _episodes(path: Path) -> None:
    from detente.decisions import load_episodes

    load_episodes(path, world=builtin_world())


@pytest.mark.parametrize("reader", [read_table, _world, _question, _params, _episodes])
@EXAMPLES
@given(text=yaml_texts())
def test_yaml_readers_fail_only_with_a_place(
    tmp_path: Path, reader: Callable[[Path], Any], text: str
) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    _check(reader, path)


@EXAMPLES
@given(text=csv_texts())
def test_the_table_reader_fails_only_with_a_place(tmp_path: Path, text: str) -> None:
    path = tmp_path / "input.csv"
    path.write_text(text, encoding="utf-8")
    _check(read_table, path)
