"""tools/extract_capabilities.py on small synthetic CSV files (never the shared data)."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from detente.world.records import CapabilitySeries

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "extract_capabilities.py"


@functools.cache
def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_capabilities", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building the class
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return _load()


def _write_data(folder: Path) -> None:
    (folder / "sipri_owid.csv").write_text(
        "Entity,Year,military_expenditure,military_expenditure_share_gdp,"
        "military_expenditure_per_capita\n"
        "Russia,1991,1.0e10,,\n"
        "Russia,2005,35163421000.0,3.33,\n"
        "Russia,2006,,,\n"
        "Kyrgyzstan,2009,69453000.0,1.43,\n"
        "Iceland,2009,0.0,,0.0\n",
        encoding="utf-8",
    )
    (folder / "maddison2020.csv").write_text(
        "Entity,Year,GDP per capita,Population,GDP\nRussia,2005,16000,143500000,2321456000000\n",
        encoding="utf-8",
    )
    (folder / "armed_owid.csv").write_text(
        "Entity,Year,Armed forces personnel (IISS via World Bank (2017)),"
        "Total population (World Bank (2017)),"
        "Armed forces personnel (% of total population) (World Bank (2017))\n"
        "Russia,2005,1452000,143518523,1.01\n"
        "Russia,2016,,144342396,\n",
        encoding="utf-8",
    )


def test_extracts_valid_series_and_omits_gaps(tool: ModuleType, tmp_path: Path) -> None:
    _write_data(tmp_path)
    out = tmp_path / "capabilities.yaml"
    assert tool.main(["--data", str(tmp_path), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# GENERATED")
    records = [CapabilitySeries.model_validate(r) for r in yaml.safe_load(text)["capabilities"]]
    got = {(r.actor, r.measure): r for r in records}
    assert got[("RUS", "milex")].values == {2005: 35.16}  # 1991 out of range, 2006 missing
    assert got[("RUS", "milex")].unit == "USD bn"
    assert got[("KGZ", "milex")].values == {2009: 0.06945}
    assert got[("RUS", "gdp")].values == {2005: 2321.0}
    assert got[("RUS", "gdp")].unit == "2011 int.$ bn (PPP)"  # Maddison: PPP, not US dollars
    assert ("ISL", "milex") not in got  # a zero means "not reported": no record, never a 0
    assert got[("RUS", "population")].values == {2005: 143.5, 2016: 144.3}
    assert got[("RUS", "personnel")].values == {2005: 1452000}
    assert ("USA", "milex") not in got  # no rows, no record


def test_missing_input_is_an_error(tool: ModuleType, tmp_path: Path) -> None:
    assert tool.main(["--data", str(tmp_path), "--out", str(tmp_path / "x.yaml")]) == 2
    assert not (tmp_path / "x.yaml").exists()


@given(st.floats(min_value=1e-6, max_value=1e13, allow_nan=False, allow_infinity=False))
def test_rounded_numbers_survive_a_yaml_round_trip(value: float) -> None:
    module = _load()
    rounded = module.round_significant(value)
    assert rounded == pytest.approx(value, rel=5e-4)
    parsed = yaml.safe_load(module.format_number(rounded))
    assert isinstance(parsed, int | float)
    assert parsed == pytest.approx(rounded, rel=1e-12)
