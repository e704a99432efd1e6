"""Time of ``detente world check`` on extensions of the built-in world with many records.

Run from the repository root::

    .venv/bin/python benchmarks/world_check.py            # 1k, 5k and 20k records
    .venv/bin/python benchmarks/world_check.py --quick    # 1k and 5k

Each extension (``extends: builtin``) adds one organisation and N non-overlapping memberships
of it (block-style YAML, one record per five lines, like the built-in files). What ``world check``
does, :func:`detente.world.check_world`, is timed in this process after one warm-up on an empty
extension (so imports and the built-in world's first reading are left out), best of three; then
the largest file once through the real entry point in a fresh process, imports included. It
prints the time per size, the time per 1,000 records, and the ratio of the largest size's time
per record to the smallest's: a ratio near 1 means time linear in the records (the reliability
review measured 3.1 s, 7.0 s and 18.4 s for 1k, 2k and 4k records, and over 300 s for 20k, before
the line map was built in one pass).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATES = ("KAZ", "KGZ", "TJK", "UZB", "TKM", "RUS", "ARM", "BLR", "AZE", "GEO", "USA", "MNG")


def extension(n: int) -> str:
    """An ``extends: builtin`` world with ``n`` memberships of a new organisation."""
    lines = [
        "world: {name: benchmark, extends: builtin}",
        "organisations:",
        "  - {id: BENCH, name: Benchmark forum, kind: forum, founded: 1900-01-01, "
        "decision_rule: consensus, sources: [north-atlantic-treaty]}",
    ]
    if n:
        lines.append("memberships:")
    per_state = -(-n // len(STATES))
    for i in range(n):
        actor = STATES[i % len(STATES)]
        k = i // len(STATES)  # the k-th membership of this actor: consecutive, never overlapping
        start = dt.date(1900, 1, 1) + dt.timedelta(days=2 * k)
        end = start + dt.timedelta(days=1)
        lines += [
            f"  - actor: {actor}",
            "    org: BENCH",
            f"    start: {start.isoformat()}",
            f"    end: {end.isoformat()}",
            "    sources: [north-atlantic-treaty]",
        ]
    assert per_state * 2 < 365 * 120  # all dates stay in the 20th century
    return "\n".join(lines) + "\n"


def check_time(path: Path, repeats: int) -> float:
    """Best wall-clock time of ``check_world(path)`` in this process (seconds); it must pass."""
    from detente.world import check_world

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        problems = check_world(path)
        best = min(best, time.perf_counter() - start)
        if problems:
            raise SystemExit(f"world check failed on {path}: {problems[:3]}")
    return best


def cli_time(path: Path) -> float:
    """Wall-clock time of ``detente world check PATH`` in a fresh process (seconds)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "detente", "world", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"world check failed on {path}:\n{done.stderr[:2000]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 5k records, one repeat")
    args = parser.parse_args()
    sizes = (1_000, 5_000) if args.quick else (1_000, 5_000, 20_000)
    repeats = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "empty.yaml"
        base.write_text(extension(0))
        check_time(base, 1)  # warm-up: imports, the built-in world read and cached
        per_k = []
        for n in sizes:
            path = Path(tmp) / f"ext{n}.yaml"
            path.write_text(extension(n))
            seconds = check_time(path, repeats)
            per_k.append(seconds / (n / 1000))
            size_mb = path.stat().st_size / 2**20
            print(
                f"check_world, {n:>6,} records ({size_mb:.1f} MB): {seconds:6.2f} s, "
                f"{per_k[-1]:.3f} s per 1,000 records"
            )
        ratio = per_k[-1] / per_k[0]
        print(
            f"time per record, {sizes[-1]:,} vs {sizes[0]:,} records: ratio {ratio:.2f} "
            "(1.0 = linear; the review's quadratic reader grew about 2.5x per doubling)"
        )
        print(f"detente world check, {sizes[-1]:,} records, fresh process: {cli_time(path):.2f} s")


if __name__ == "__main__":
    main()
