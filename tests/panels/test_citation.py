"""CITATION.cff is valid YAML of the Citation File Format and names the package's version."""

from __future__ import annotations

from pathlib import Path

import yaml

from detente import __version__
from detente.cite import REFERENCES


def test_citation_cff_matches_the_package() -> None:
    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "CITATION.cff").read_text("utf-8"))
    assert data["cff-version"] == "1.2.0"
    assert str(data["version"]) == __version__ == REFERENCES["detente"].version
    assert data["type"] == "software" and data["license"] == "MIT"
    titles = {r["title"] for r in data["references"]}
    assert REFERENCES["signorino1999"].title in titles and REFERENCES["hage2011"].title in titles
