"""Derive the built-in world's capability series from the shared reference data.

Reads three CSV files as packaged by Our World in Data and writes
``src/detente/data/world/capabilities.yaml``: one :class:`detente.world.records.CapabilitySeries`
per actor and measure, yearly from 1992 to 2024 where the source has a value.

- ``milex``: sipri_owid.csv ``military_expenditure``; USD bn, constant 2019 US$;
  source ``sipri-milex-2022``.
- ``gdp``: maddison2020.csv ``GDP``; USD bn, 2011 international $ PPP; source ``maddison-2020``.
- ``population``: armed_owid.csv World Bank total population; million persons;
  source ``iiss-wdi-2017``.
- ``personnel``: armed_owid.csv armed forces personnel (active plus paramilitary); persons;
  source ``iiss-wdi-2017``.

Values are rounded to four significant digits (the sources are not more precise than that for
cross-country comparison; SIPRI itself warns that its series suit comparisons over time better
than across countries). Missing years are omitted, never written as null.

Usage::

    .venv/bin/python tools/extract_capabilities.py [--data ../shared/data] [--out PATH]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "detente" / "data" / "world" / "capabilities.yaml"
FIRST_YEAR, LAST_YEAR = 1992, 2024
SIGNIFICANT = 4

ENTITIES: dict[str, str] = {
    # every state that was ever in the CST or the CSTO
    "ARM": "Armenia",
    "AZE": "Azerbaijan",
    "BLR": "Belarus",
    "GEO": "Georgia",
    "KAZ": "Kazakhstan",
    "KGZ": "Kyrgyzstan",
    "RUS": "Russia",
    "TJK": "Tajikistan",
    "UZB": "Uzbekistan",
    # NATO members the seed episodes need
    "USA": "United States",
    "GBR": "United Kingdom",
    "FRA": "France",
    "DEU": "Germany",
    "TUR": "Turkey",
    "POL": "Poland",
    # others named by the episodes and organisations
    "AFG": "Afghanistan",
    "CHN": "China",
}
"""ISO3 id of the world -> entity name in the OWID files."""


@dataclass(frozen=True)
class MeasureSpec:
    """Where one measure comes from and how it is scaled and described."""

    measure: str
    file: str
    column: str
    scale: float
    unit: str
    basis: str
    source: str


MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec(
        "milex",
        "sipri_owid.csv",
        "military_expenditure",
        1e-9,
        "USD bn",
        "constant 2019 US$ (SIPRI Military Expenditure Database, 2022 release, via OWID)",
        "sipri-milex-2022",
    ),
    MeasureSpec(
        "gdp",
        "maddison2020.csv",
        "GDP",
        1e-9,
        "USD bn",
        "2011 international $, PPP (Maddison Project Database 2020, via OWID)",
        "maddison-2020",
    ),
    MeasureSpec(
        "population",
        "armed_owid.csv",
        "Total population (World Bank (2017))",
        1e-6,
        "million persons",
        "total population (World Bank WDI, 2017, via OWID)",
        "iiss-wdi-2017",
    ),
    MeasureSpec(
        "personnel",
        "armed_owid.csv",
        "Armed forces personnel (IISS via World Bank (2017))",
        1.0,
        "persons",
        "active armed forces plus paramilitary (IISS Military Balance via World Bank WDI, 2017)",
        "iiss-wdi-2017",
    ),
)


def round_significant(value: float, digits: int = SIGNIFICANT) -> float:
    """``value`` rounded to ``digits`` significant digits (0 stays 0)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")


def format_number(value: float) -> str:
    """A YAML number without exponent notation: integers bare, others positional."""
    if value == int(value) and abs(value) >= 1:
        return str(int(value))
    return str(np.format_float_positional(value, trim="-"))


def series(frame: pd.DataFrame, entity: str, spec: MeasureSpec) -> dict[int, float]:
    """Year -> rounded, scaled value of one measure for one entity, missing years left out."""
    rows = frame[(frame["Entity"] == entity) & frame["Year"].between(FIRST_YEAR, LAST_YEAR)]
    out: dict[int, float] = {}
    for year, raw in zip(rows["Year"], rows[spec.column], strict=True):
        value = pd.to_numeric(raw, errors="coerce")
        if pd.isna(value) or value < 0:
            continue
        out[int(year)] = round_significant(float(value) * spec.scale)
    return dict(sorted(out.items()))


def render_values(values: Mapping[int, float], indent: str = "      ", per_line: int = 6) -> str:
    """The ``values`` mapping as a flow-style YAML block, ``per_line`` years per line."""
    items = [f"{year}: {format_number(v)}" for year, v in values.items()]
    chunks = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "{" + (",\n" + indent + " ").join(chunks) + "}"


def render_series(actor: str, spec: MeasureSpec, values: Mapping[int, float]) -> str:
    """One capability record as YAML text."""
    return (
        f"  - actor: {actor}\n"
        f"    measure: {spec.measure}\n"
        f"    unit: {spec.unit}\n"
        f'    basis: "{spec.basis}"\n'
        f"    sources: [{spec.source}]\n"
        f"    values: {render_values(values)}\n"
    )


HEADER = """\
# GENERATED FILE - do not edit by hand.
# Written by tools/extract_capabilities.py from the shared reference data (SIPRI via OWID,
# Maddison Project Database 2020, IISS/World Bank WDI 2017). Regenerate with:
#     .venv/bin/python tools/extract_capabilities.py
# Values are rounded to {digits} significant digits; years without a value are omitted.

capabilities:
"""


def build(data: Path, actors: Iterable[str] = ENTITIES) -> str:
    """The whole capabilities.yaml text for ``actors``."""
    frames = {spec.file: pd.read_csv(data / spec.file) for spec in MEASURES}
    parts = [HEADER.format(digits=SIGNIFICANT)]
    for actor in actors:
        for spec in MEASURES:
            values = series(frames[spec.file], ENTITIES[actor], spec)
            if values:
                parts.append(render_series(actor, spec, values))
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the CSV files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="YAML file to write")
    args = parser.parse_args(argv)
    missing = [spec.file for spec in MEASURES if not (args.data / spec.file).is_file()]
    if missing:
        print(f"missing in {args.data}: {', '.join(sorted(set(missing)))}", file=sys.stderr)
        return 2
    text = build(args.data)
    from detente.fileio import atomic_write  # imported late: the script also runs from a checkout

    with atomic_write(args.out) as handle:
        handle.write(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
