"""Regenerate src/detente/data/episodes/generated.yaml from the built-in world and episodes.

Usage: python tools/generate_opportunities.py [--seed N] [--per-kind K]

The rule and the sampling are those of detente.decisions.opportunities; the file is written to a
temporary file first and then renamed, so a failed run leaves the old file in place.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from detente.decisions import builtin_episodes_path, load_episodes
from detente.decisions.opportunities import (
    DEFAULT_PER_KIND,
    DEFAULT_SEED,
    generate_opportunities,
    opportunities_yaml,
)
from detente.world import builtin_world

GENERATED = "generated.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--per-kind", type=int, default=DEFAULT_PER_KIND)
    args = parser.parse_args()
    folder = builtin_episodes_path()
    hand = [
        e for p in sorted(folder.glob("*.yaml")) if p.name != GENERATED for e in load_episodes(p)
    ]
    episodes = generate_opportunities(builtin_world(), hand, seed=args.seed, per_kind=args.per_kind)
    text = opportunities_yaml(episodes, seed=args.seed, per_kind=args.per_kind)
    target = folder / GENERATED
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    Path(tmp).replace(target)
    print(f"wrote {len(episodes)} opportunities to {target}")


if __name__ == "__main__":
    main()
