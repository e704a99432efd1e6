"""Derive the built-in world's capability series from the shared reference data.

Reads three CSV files as packaged by Our World in Data and writes
``src/detente/data/world/capabilities.yaml``: one :class:`detente.world.records.CapabilitySeries`
per actor and measure, yearly from 1992 to 2024 where the source has a value.

- ``milex``: sipri_owid.csv ``military_expenditure``; USD bn, constant 2019 US$;
  source ``sipri-milex-2022``.
- ``gdp``: maddison2020.csv ``GDP``; billions of 2011 international dollars at purchasing-power
  parity (unit ``2011 int.$ bn (PPP)``, not US dollars); source ``maddison-2020``.
- ``population``: armed_owid.csv World Bank total population; million persons;
  source ``iiss-wdi-2017``.
- ``personnel``: armed_owid.csv armed forces personnel (active plus paramilitary); persons;
  source ``iiss-wdi-2017``.

Values are rounded to four significant digits (the sources are not more precise than that for
cross-country comparison; SIPRI itself warns that its series suit comparisons over time better
than across countries). Missing years are omitted, never written as null. A value of 0 is read as
"not reported", never as a measurement, and omitted too: the only zeros in these files for the
world's states are SIPRI's Iceland entries (Iceland has no armed forces; SIPRI does not measure
the coast guard and host-nation outlays that stand in for them). The script names every value it
drops that way on standard error.

The years kept are the world's covered period (1992-2024). Earlier rows are left out on purpose:
in the OWID files some entity names stand for predecessor states before 1992 (``Russia`` 1988-1990
is the USSR's series, ``Germany`` before 1991 the Federal Republic's).

Known breaks and gaps in a series are stated in that series' ``note`` (``NOTES``), so that a reader
of the world sees them next to the figures.

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
# ../shared/data beside a checkout, or two levels up from a worktree under wt/
DEFAULT_DATA = next(
    (p / "shared" / "data" for p in REPO.parents if (p / "shared" / "data").is_dir()),
    REPO.parent / "shared" / "data",
)
DEFAULT_OUT = REPO / "src" / "detente" / "data" / "world" / "capabilities.yaml"
FIRST_YEAR, LAST_YEAR = 1992, 2024
SIGNIFICANT = 4

ENTITIES: dict[str, str] = {
    # NATO's 32 members (by accession)
    "BEL": "Belgium",
    "CAN": "Canada",
    "DNK": "Denmark",
    "FRA": "France",
    "ISL": "Iceland",
    "ITA": "Italy",
    "LUX": "Luxembourg",
    "NLD": "Netherlands",
    "NOR": "Norway",
    "PRT": "Portugal",
    "GBR": "United Kingdom",
    "USA": "United States",
    "GRC": "Greece",
    "TUR": "Turkey",
    "DEU": "Germany",
    "ESP": "Spain",
    "CZE": "Czechia",
    "HUN": "Hungary",
    "POL": "Poland",
    "BGR": "Bulgaria",
    "EST": "Estonia",
    "LVA": "Latvia",
    "LTU": "Lithuania",
    "ROU": "Romania",
    "SVK": "Slovakia",
    "SVN": "Slovenia",
    "ALB": "Albania",
    "HRV": "Croatia",
    "MNE": "Montenegro",
    "MKD": "North Macedonia",
    "FIN": "Finland",
    "SWE": "Sweden",
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
    # the other states of states.yaml (SCO members and observers, neighbours, episode actors)
    "AFG": "Afghanistan",
    "CHN": "China",
    "IND": "India",
    "PAK": "Pakistan",
    "IRN": "Iran",
    "MNG": "Mongolia",
    "MDA": "Moldova",
    "UKR": "Ukraine",
    "TKM": "Turkmenistan",
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
        "2011 int.$ bn (PPP)",
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


NOTES: dict[tuple[str, str], str] = {
    ("UZB", "milex"): (
        "SIPRI has no Uzbekistan figures before 1994, for 1998, for 2004-2017 or after 2018; those "
        "years are unknown, not zero (a model must not carry the 2003 value across the gap)."
    ),
    (
        "TJK",
        "milex",
    ): "SIPRI has no Tajikistan figures for 2005-2007 or 2013; those years are unknown.",
    ("ARM", "milex"): "SIPRI has no Armenia figure for 1994 (the last year of the Karabakh war).",
    ("TKM", "milex"): (
        "SIPRI has Turkmenistan figures only for 1994-1999; every later year is unknown."
    ),
    ("ISL", "milex"): (
        "Iceland has no armed forces. SIPRI via OWID gives 0 for every year, which is not a "
        "measurement of its coast-guard and host-nation defence outlays; the values are left out "
        "as unknown."
    ),
    ("DEU", "milex"): (
        "2005 (33.3) is 17 per cent below 2004 and 15 per cent below 2006 in this release while "
        "German defence budgets were about flat; treat it as a possible series artefact and check "
        "it against the SIPRI workbook before relying on it."
    ),
    ("BLR", "personnel"): (
        "Series break: 91,100 in 2000 and 192,900 in 2001, when paramilitary forces enter the "
        "count; do not read it as a mobilisation."
    ),
    ("DEU", "personnel"): (
        "2000 (221,100) lies between 331,000 (1999) and 308,400 (2001): a break in the IISS "
        "count, not a change of force size."
    ),
    ("KAZ", "personnel"): (
        "1993-1994 (15,000 and 18,000) count only the forces then formed; 1995 (74,500) counts "
        "the whole establishment. The jump is a break in coverage."
    ),
    ("RUS", "personnel"): (
        "2015 (1,490,000) is 16 per cent above 2014; it may be a break in what the IISS count "
        "includes rather than growth of the forces: compare years across it with care."
    ),
}
"""Breaks and gaps stated on a series (actor, measure -> note), from the review of the data."""


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


def series(
    frame: pd.DataFrame, entity: str, spec: MeasureSpec, dropped: list[str] | None = None
) -> dict[int, float]:
    """Year -> rounded, scaled value of one measure for one entity, unknown years left out.

    Missing, negative and zero values are unknown; each zero is named in ``dropped``.
    """
    rows = frame[(frame["Entity"] == entity) & frame["Year"].between(FIRST_YEAR, LAST_YEAR)]
    out: dict[int, float] = {}
    for year, raw in zip(rows["Year"], rows[spec.column], strict=True):
        value = pd.to_numeric(raw, errors="coerce")
        if pd.isna(value) or value < 0:
            continue
        if value == 0:
            if dropped is not None:
                dropped.append(f"{entity} {spec.measure} {int(year)}")
            continue
        out[int(year)] = round_significant(float(value) * spec.scale)
    return dict(sorted(out.items()))


def render_values(values: Mapping[int, float], indent: str = "      ", per_line: int = 6) -> str:
    """The ``values`` mapping as a flow-style YAML block, ``per_line`` years per line."""
    items = [f"{year}: {format_number(v)}" for year, v in values.items()]
    chunks = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "{" + (",\n" + indent + " ").join(chunks) + "}"


def render_series(
    actor: str, spec: MeasureSpec, values: Mapping[int, float], note: str | None = None
) -> str:
    """One capability record as YAML text (``note`` states a break or gap in the series)."""
    text = (
        f"  - actor: {actor}\n"
        f"    measure: {spec.measure}\n"
        f'    unit: "{spec.unit}"\n'
        f'    basis: "{spec.basis}"\n'
        f"    sources: [{spec.source}]\n"
    )
    if note:
        text += f'    note: "{note}"\n'
    return text + f"    values: {render_values(values)}\n"


HEADER = """\
# GENERATED FILE - do not edit by hand.
# Written by tools/extract_capabilities.py from the shared reference data (SIPRI via OWID,
# Maddison Project Database 2020, IISS/World Bank WDI 2017). Regenerate with:
#     .venv/bin/python tools/extract_capabilities.py
# Values are rounded to {digits} significant digits; years without a value (and zeros, which these
# sources use for "not reported") are omitted: an unknown value is absent, never 0.
# Licences: the `milex` figures are SIPRI's and stay under SIPRI's terms of use (non-commercial
# use with attribution; a reproduction under 10 per cent of the data set), not under the
# project's MIT licence; see docs/sources.md, "Licences of the bundled series". Maddison 2020
# and the WDI series are CC BY 4.0.

capabilities:
"""


def build(data: Path, actors: Iterable[str] = ENTITIES, dropped: list[str] | None = None) -> str:
    """The whole capabilities.yaml text for ``actors`` (zeros left out are named in ``dropped``)."""
    frames = {spec.file: pd.read_csv(data / spec.file) for spec in MEASURES}
    parts = [HEADER.format(digits=SIGNIFICANT)]
    for actor in actors:
        for spec in MEASURES:
            values = series(frames[spec.file], ENTITIES[actor], spec, dropped)
            if values:
                parts.append(render_series(actor, spec, values, NOTES.get((actor, spec.measure))))
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
    dropped: list[str] = []
    text = build(args.data, dropped=dropped)
    if dropped:
        print(
            f"left out {len(dropped)} zero values as unknown: " + "; ".join(dropped),
            file=sys.stderr,
        )
    from detente.fileio import atomic_write  # imported late: the script also runs from a checkout

    with atomic_write(args.out) as handle:
        handle.write(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
