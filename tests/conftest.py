"""Project-wide test configuration.

Hypothesis runs derandomised so that the suite is deterministic: the same examples on every run and
every machine (the house rule: tests are fast, deterministic and honest).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "detente",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "detente"))

os.environ.setdefault("MPLBACKEND", "Agg")
# The built-in world's cache (detente.world.cache) goes to a folder of the test runs, not the
# user's ~/.cache; it is keyed by content, so runs on different checkouts never share a stale one.
os.environ.setdefault(
    "DETENTE_CACHE_DIR",
    os.path.join(tempfile.gettempdir(), f"detente-tests-{getattr(os, 'getuid', lambda: 0)()}"),
)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared reference data (``../shared/data`` beside the checkout).

    CI clones the repository with ``shared/`` beside it, so a missing folder is a broken setup and
    fails loudly rather than skipping.
    """
    path = REPO_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        pytest.fail(f"reference data folder not found: {path}")
    return path


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh world-cache folder (``DETENTE_CACHE_DIR``), not yet made, with the cache on."""
    where = tmp_path / "cache"
    monkeypatch.setenv("DETENTE_CACHE_DIR", str(where))
    monkeypatch.delenv("DETENTE_NO_CACHE", raising=False)
    return where


# Test modules whose tests take longest (summed seconds of their tests on 2 workers, from
# ``pytest -n 2 --durations=0`` on branch u11t after its changes), run first. With
# ``--dist worksteal`` an idle worker steals the tail of the other's queue, so long tests queued
# last can leave one worker busy alone at the end; queued first, the run ends on short tests.
# Modules keep their own order (their module-scoped fixtures are set up once). A wrong figure
# only costs time, never a result.
SLOW_MODULES = {
    "tests/experiments/test_runner.py": 20,
    "tests/world/test_knowledge.py": 13,
    "tests/test_readme.py": 10,
    "tests/report/test_report_page.py": 10,
    "tests/forecast/test_compiled.py": 7,
    "tests/experiments/test_notebook.py": 6,
    "tests/experiments/test_lfo.py": 5,
    "tests/experiments/test_cli_explain.py": 5,
    "tests/simulation/test_simulation.py": 3,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def cost(item: pytest.Item) -> int:
        try:
            where = item.path.relative_to(REPO_ROOT).as_posix()
        except ValueError:
            return 0
        return SLOW_MODULES.get(where, 0)

    items.sort(key=lambda item: -cost(item))  # stable: every other test keeps its place
