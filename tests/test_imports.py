"""Each command imports only what it uses (issue 14: start fast).

The real entry point runs in a fresh interpreter; at exit a small wrapper prints the names in
``sys.modules``, and the test checks which heavy libraries are (not) among them. No timings: the
import graph is what the start-up time follows from, and it is deterministic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "forecast" / "data"

# Runs ``detente ARGS`` as ``python -m detente`` would, then prints the loaded modules as JSON.
_WRAPPER = """
import atexit, json, runpy, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n"))
sys.argv = ["detente", *sys.argv[1:]]
runpy.run_module("detente", run_name="__main__", alter_sys=True)
"""

#: Heavy libraries no table-level command needs.
NUMERICS = ("pandas", "scipy", "SALib", "matplotlib")


def loaded_modules(*args: str | Path, **extra_env: str) -> set[str]:
    """Modules imported by one run of ``detente ARGS`` (which must succeed)."""
    env = {**os.environ, "MPLBACKEND": "Agg", "COLUMNS": "200", **extra_env}
    env.pop("DETENTE_KERNELS", None)  # the default choice of kernels is what is tested
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def packages(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


#: What only reading and validating the world's YAML needs (absent when the cache is warm).
READING = ("yaml", "detente._yamlparse", "detente.world.loader", "detente.world.validation")


def test_world_members_loads_no_numerics(tmp_path: Path) -> None:
    cold = loaded_modules("world", "members", "CSTO", DETENTE_CACHE_DIR=str(tmp_path))
    assert set(READING) <= cold  # an empty cache: the world is read from its YAML ...
    assert list(tmp_path.glob("world-*.pickle")) and list(tmp_path.glob("roster-*.pickle"))
    assert "detente.world.model" in cold  # ... and stored, with its roster
    for args in (("members", "CSTO"), ("shared", "KAZ", "USA", "--on", "2009-09-10")):
        mods = loaded_modules("world", *args, DETENTE_CACHE_DIR=str(tmp_path))
        assert "detente.world.roster" in mods  # the wrapper sees what the command did import
        heavy = packages(mods) & {*NUMERICS, "numba", "numpy"}
        assert not heavy, heavy
        # neither the forecasting nor the explanation side of the package is touched
        assert not any(m.startswith(("detente.forecast", "detente.lenses")) for m in mods)
        # the cached roster: no YAML read, no record model, no pydantic at all
        assert mods.isdisjoint(READING), mods & set(READING)
        assert "detente.world.records" not in mods and "detente.world.model" not in mods
        assert "pydantic" not in packages(mods) and "pydantic_core" not in packages(mods)
    # a command that needs the whole world loads its pickle: the record classes, but pydantic
    # builds no validator (its first validator build imports the plugin loader)
    history = loaded_modules("world", "history", "UZB", DETENTE_CACHE_DIR=str(tmp_path))
    assert "detente.world.records" in history and history.isdisjoint(READING)
    assert "pydantic.plugin._loader" in cold and "pydantic.plugin._loader" not in history


@pytest.mark.parametrize(
    ("table", "model"),
    [(DATA / "ktab_two_issues.csv", "smp"), (DATA / "eu_plain.csv", "eum")],
    ids=["smp", "eum"],
)
def test_forecast_without_sensitivity_loads_no_salib_pandas_scipy(table: Path, model: str) -> None:
    mods = loaded_modules(
        "forecast", table, "--model", model, "--runs", "2", "--sensitivity", "none", "--json"
    )
    assert "numpy" in mods and "detente.forecast.montecarlo" in mods
    heavy = packages(mods) & {*NUMERICS, "numba"}
    assert not heavy, heavy
    # a table file needs no world: no pydantic record models are built
    assert "detente.world.records" not in mods and "pydantic" not in packages(mods)
    # a CSV table is read as text: no PyYAML (imported by the first YAML parse only)
    assert "yaml" not in packages(mods) and "detente._yamlparse" not in mods
    # --json prints no table (no rich); a serial run starts no process; the quantiles and
    # medians are NumPy's floats without numpy.ma
    idle = {"rich", "multiprocessing", "concurrent"}
    assert packages(mods).isdisjoint(idle), packages(mods) & idle
    assert "numpy.ma" not in mods
    # a table file is not a question: neither the question module nor package data are read
    lazy = {"detente.forecast.question", "detente.forecast.sensitivity", "importlib.resources"}
    assert mods.isdisjoint(lazy), mods & lazy
    # each engine loads only its own module: the SMP no EUM, the EUM no SMP
    other = {"smp": "detente.forecast.eum", "eum": "detente.forecast.smp"}[model]
    assert f"detente.forecast.{model}" in mods and other not in mods


def test_ledger_show_loads_no_numerics_and_no_lens(tmp_path: Path) -> None:
    from detente.experiments.ledger import Ledger, write_ledger

    path = tmp_path / "ledger.json"
    write_ledger(Ledger(), path)
    mods = loaded_modules("ledger", "show", path)
    assert "detente.experiments.ledger" in mods
    heavy = packages(mods) & {*NUMERICS, "numba", "numpy"}
    assert not heavy, heavy
    assert not any(
        m.startswith(("detente.lenses", "detente.forecast", "detente.world")) for m in mods
    )
