"""Whole-process speed of the commands users run, and the SMP/EUM kernels side by side (issue 14).

Run from the repository root::

    .venv/bin/python benchmarks/speed.py                 # everything (a few minutes)
    .venv/bin/python benchmarks/speed.py --quick         # fewer repeats, smaller memory runs
    .venv/bin/python benchmarks/speed.py --ktab ~/KTAB/build/smpc   # also KTAB's smpc
    .venv/bin/python benchmarks/speed.py --only ktab --ktab SMPC --tables A.csv B.csv
    .venv/bin/python benchmarks/speed.py --old /tmp/old/src          # also an older source tree

It prints

1. **whole process**: wall time (median of alternating runs: A, B, C, A, B, C, ...), CPU time
   and peak RSS of ``detente forecast SOE-Pol-Comp.csv --model smp``, of ``detente forecast`` on
   the EU car-emission example (typed in ``forecast_eum.py``; both with ``--runs 1 --sensitivity
   none --json``) and of ``detente world members CSTO``, against the targets (0.4, 0.4, 0.3 s);
   beside them ``python -c "import numpy"``, a gauge of how loaded the machine is, and the
   one-minute load average; ``--old`` adds the same commands run on another source tree
   (``PYTHONPATH``); ``--instructions`` adds each command's instruction count, from one run under
   valgrind's ``cachegrind`` with one OpenBLAS thread and ``PYTHONHASHSEED=0`` (slow, but the
   same from run to run and on a loaded machine as on an idle one, so a shared machine can still
   compare two trees);
2. **SMP per turn at 80 actors** (KTAB's dummyData-a080, else a seeded random table): the NumPy
   reference and the compiled kernels, alternately in this one process, their ratio (target
   >= 4x), whether they agree within 1e-12, and the distance to the arithmetic limit: about
   ``25 n^3`` flops a turn against this machine's NumPy matmul rate, measured here;
3. **memory**: peak RSS above the interpreter's baseline, and minor page faults per turn, of a
   320-actor SMP run (a few turns) and of 10^5 EUM replicates of the EU example (10 rounds), each
   in a fresh child process, on the NumPy and the compiled kernels, and on the compiled kernels
   once more with glibc set as Dask's workers set it (``MALLOC_TRIM_THRESHOLD_=65536``, "+dask");
4. with ``--ktab SMPC``: KTAB's ``smpc --logmin --csv TABLE`` (run in a temporary folder, as it
   writes a log and a database where it runs) and ``detente forecast TABLE --model smp --runs 1
   --sensitivity none --json``, alternately on the same tables (SOE-Pol-Comp and dummyData-a040
   by default, ``--tables`` to choose), with each one's median wall and CPU time and the ratio.

Interpreters write no bytecode when ``PYTHONDONTWRITEBYTECODE`` is set (as on the team's
machines): the child processes here unset it and run once untimed first, so timings include
reading cached bytecode, as a user's installed copy does, not compiling every module.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# NumPy and detente are imported by the sections that use them, not here: a child's peak RSS
# (``ru_maxrss``) starts from this process's size (the child is a vfork of it until it execs),
# so the parent of the whole-process runs stays a bare interpreter.

# ``shared/data`` beside the checkout (or beside the folder of worktrees that holds it)
SHARED = next(
    (
        p / "shared" / "data"
        for p in Path(__file__).resolve().parents[2:4]
        if (p / "shared").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "data",
)
SOE = SHARED / "ktab" / "SOE-Pol-Comp.csv"
A080 = SHARED / "ktab" / "dummyData-a080.csv"
TARGETS = {"forecast SOE (SMP)": 0.4, "forecast EU (EUM)": 0.4, "world members CSTO": 0.3}


# --------------------------------------------------------------------------------------------
# 1. Whole processes


def _child_env(pythonpath: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    env.pop("DETENTE_KERNELS", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env | extra


def _run(
    cmd: Sequence[str], env: dict[str, str], cwd: str | None = None
) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + sys) and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss in KiB


#: What makes an instruction count repeatable: OpenBLAS's worker threads busy-wait after NumPy
#: starts them (tens of millions of instructions, different every run), and string hashing is
#: salted per process (dict and set work varies); with one BLAS thread and a fixed seed the same
#: command counts the same instructions, run after run.
_COUNT_ENV = {"OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}


def _instructions(cmd: Sequence[str], env: dict[str, str]) -> int | None:
    """Instructions one run of ``cmd`` executes (valgrind's cachegrind, no cache simulation, with
    :data:`_COUNT_ENV`), or ``None`` without valgrind."""
    import re
    import shutil

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    tool = [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    proc = subprocess.run(
        [*tool, *cmd], env=env | _COUNT_ENV, capture_output=True, text=True, check=False
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    return int(found.group(1).replace(",", "")) if proc.returncode == 0 and found else None


_EU_CSV = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from forecast_eum import eu_table  # the EU example, typed in once
table = eu_table()
rows = ["Actor,Capability,Position,Salience"]
for a, actor in enumerate(table.actors):
    cap, pos, sal = table.capability[a], table.position[a, 0], table.salience[a, 0]
    rows.append(f"{actor},{float(cap)!r},{float(pos)!r},{float(sal)!r}")
Path(sys.argv[2]).write_text("\\n".join(rows) + "\\n", encoding="utf-8")
"""


def _write_eu_csv(path: Path) -> None:
    """The EU example as a CSV table, written by a child (this process imports no NumPy)."""
    here = str(Path(__file__).resolve().parent)
    subprocess.run([sys.executable, "-c", _EU_CSV, here, str(path)], check=True)


def whole_process(repeats: int, old: str | None, instructions: bool = False) -> None:
    """Alternate every command's runs and print medians."""
    detente = [sys.executable, "-m", "detente"]
    with tempfile.TemporaryDirectory() as tmp:
        eu_csv = Path(tmp) / "eu_emissions.csv"
        _write_eu_csv(eu_csv)
        soe = SOE if SOE.is_file() else None
        tail = ["--runs", "1", "--sensitivity", "none", "--json"]
        commands: dict[str, list[str]] = {}
        if soe is not None:
            commands["forecast SOE (SMP)"] = [
                *detente,
                "forecast",
                str(soe),
                "--model",
                "smp",
                *tail,
            ]
        commands["forecast EU (EUM)"] = [*detente, "forecast", str(eu_csv), *tail]
        commands["world members CSTO"] = [*detente, "world", "members", "CSTO"]
        commands["python -c 'import numpy' (gauge)"] = [sys.executable, "-c", "import numpy"]
        envs = {name: _child_env() for name in commands}
        if old:
            for name in list(TARGETS):
                if name in commands:
                    commands[f"{name} [old tree]"] = commands[name]
                    envs[f"{name} [old tree]"] = _child_env(old)
        for name, cmd in commands.items():  # warm-up: bytecode and numba caches, page cache
            _run(cmd, envs[name])
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, cmd in commands.items():
                results[name].append(_run(cmd, envs[name]))
        counts = (
            {name: _instructions(cmd, envs[name]) for name, cmd in commands.items()}
            if instructions
            else {}
        )
    load = os.getloadavg()[0]
    print(
        f"1. Whole process, median of {repeats} alternating runs "
        f"(load average {load:.1f} on {os.cpu_count()} cores)"
    )
    extra = f"{'instr M':>9}" if counts else ""
    print(f"   {'command':<40}{'wall s':>8}{'cpu s':>8}{'RSS MiB':>9}{extra}  target")
    for name, rows in results.items():
        wall, cpu, rss = (statistics.median(col) for col in zip(*rows, strict=True))
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"  <= {target:g} s {'met' if wall <= target else 'MISSED'}"
        )
        count = counts.get(name)
        shown = (f"{count / 1e6:9.0f}" if count is not None else f"{'n/a':>9}") if counts else ""
        print(f"   {name:<40}{wall:8.3f}{cpu:8.3f}{rss:9.0f}{shown}{verdict}")


# --------------------------------------------------------------------------------------------
# 2. SMP per turn, NumPy against compiled


def _a080() -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], str]:
    import numpy as np

    if A080.is_file():
        from detente.forecast.table import read_table

        t = read_table(A080)
        lo, hi = t.bounds[0]
        return (t.capability, (t.position - lo) / (hi - lo), t.salience), "KTAB dummyData-a080"
    rng = np.random.default_rng(80)
    sal = rng.uniform(0.1, 1.0, (80, 1)) * 0.9
    return (rng.uniform(10, 200, 80), rng.uniform(0, 1, (80, 1)), sal), "random (seed 80)"


def matmul_gflops() -> float:
    """This machine's NumPy (BLAS) float64 matmul rate, GFLOP/s (best of a few 512^3 products)."""
    import numpy as np

    a = np.random.default_rng(0).random((512, 512))
    b = a.T.copy()
    best = min(_timed(lambda: a @ b) for _ in range(7))
    return 2 * 512**3 / best / 1e9


def _timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def smp_per_turn(repeats: int) -> None:
    import numpy as np

    from detente.forecast import smp

    table, source = _a080()
    n = table[0].shape[0]
    runs: dict[str, list[float]] = {"numpy": [], "numba": []}
    out: dict[str, smp.SMPRun] = {}
    for kernels in runs:  # warm-up (loads numba and its cached machine code)
        os.environ["DETENTE_KERNELS"] = kernels
        out[kernels] = smp.simulate(*table)
    turns = int(out["numpy"].turns[0])
    for _ in range(repeats):
        for kernels in runs:
            os.environ["DETENTE_KERNELS"] = kernels
            runs[kernels].append(_timed(lambda: smp.simulate(*table)) / turns)
    os.environ.pop("DETENTE_KERNELS")
    same = out["numpy"].turns.tolist() == out["numba"].turns.tolist()
    gap = float(np.abs(out["numpy"].positions - out["numba"].positions).max()) if same else np.inf
    slow, fast = (statistics.median(runs[k]) for k in ("numpy", "numba"))
    gflops = matmul_gflops()
    limit = 25 * n**3 / (gflops * 1e9)
    print(
        f"2. SMP per turn, {n} actors ({source}, {turns} turns), median of {repeats} "
        "alternating runs"
    )
    print(
        f"   NumPy reference {slow * 1e3:8.2f} ms/turn   compiled {fast * 1e3:8.2f} ms/turn   "
        f"speed-up {slow / fast:.1f}x (target >= 4x {'met' if slow / fast >= 4 else 'MISSED'})"
    )
    print(f"   same turns: {same}; largest position difference {gap:.1e} (claim: <= 1e-12)")
    print(
        f"   arithmetic limit: 25 n^3 = {25 * n**3 / 1e6:.1f} Mflop/turn at {gflops:.1f} "
        f"GFLOP/s (NumPy matmul here) = {limit * 1e3:.2f} ms/turn; compiled is "
        f"{fast / limit:.0f}x from it, NumPy {slow / limit:.0f}x"
    )
    threads = os.environ.get("NUMBA_NUM_THREADS", "numba's default")
    print(
        f"   (threads: {threads}; a turn at 80 actors is below the parallel threshold, so the "
        "compiled kernels run serially here)"
    )


# --------------------------------------------------------------------------------------------
# 3. Memory, each in a fresh child

_SMP_CHILD = """
import os, resource, sys, time
import numpy as np
from detente.forecast import smp
n, turns = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(n)
cap, pos = rng.uniform(10, 200, n), rng.uniform(0, 1, (n, 1))
sal = rng.uniform(0.1, 1.0, (n, 1)) * 0.9
smp.simulate(cap[:8], pos[:8], sal[:8], max_turns=1)  # imports and kernels loaded: the baseline
base = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
run = smp.simulate(cap, pos, sal, max_turns=turns)
wall = time.perf_counter() - start
end = resource.getrusage(resource.RUSAGE_SELF)
t = max(int(run.turns[0]), 1)
print(end.ru_maxrss / 1024, (end.ru_maxrss - base.ru_maxrss) / 1024,
      (end.ru_minflt - base.ru_minflt) / t, wall / t)
"""

_EUM_CHILD = """
import resource, sys, time
import numpy as np
sys.path.insert(0, sys.argv[2])
from forecast_eum import eu_table
from detente.forecast import eum
m = int(sys.argv[1])
t = eu_table()
sal = np.clip(t.salience[:, 0] + np.random.default_rng(1).normal(0, 0.05, (m, t.n)), 0, 1)
eum.simulate(t.capability, t.position[:, 0], sal[:300], rounds=1)
base = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
eum.simulate(t.capability, t.position[:, 0], sal, rounds=10)
wall = time.perf_counter() - start
end = resource.getrusage(resource.RUSAGE_SELF)
print(end.ru_maxrss / 1024, (end.ru_maxrss - base.ru_maxrss) / 1024,
      (end.ru_minflt - base.ru_minflt) / 10, wall / 10)
"""


def memory(quick: bool) -> None:
    n, turns = (160, 2) if quick else (320, 3)
    m = 10_000 if quick else 100_000
    print("3. Memory (fresh child each; RSS above the baseline after imports and a tiny run)")
    for label, code, args in (
        (f"SMP {n} actors, {turns} turns", _SMP_CHILD, [str(n), str(turns)]),
        (f"EUM {m:,} replicates x 10 rounds", _EUM_CHILD, [str(m), str(Path(__file__).parent)]),
    ):
        # the compiled kernels once more as a Dask worker runs them: its nanny sets
        # MALLOC_TRIM_THRESHOLD_=65536, which fixes glibc's mmap threshold at 128 KiB, so every
        # large temporary freed and allocated again costs fresh page faults
        for kernels, dask_malloc in (("numpy", False), ("numba", False), ("numba", True)):
            extra = {"MALLOC_TRIM_THRESHOLD_": "65536"} if dask_malloc else {}
            env = _child_env(DETENTE_KERNELS=kernels, **extra)
            text = subprocess.run(
                [sys.executable, "-c", code, *args],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            peak, above, faults, step = (float(v) for v in text)
            kind = kernels + ("+dask" if dask_malloc else "")
            print(
                f"   {label:<34} {kind:<11} peak {peak:5.0f} MiB ({above:6.0f} above baseline)"
                f"   {faults:>10,.0f} minor faults and {step:7.3f} s per turn/round"
            )


# --------------------------------------------------------------------------------------------
# 4. KTAB's smpc against detente, table by table

KTAB_TABLES = [SOE, SHARED / "ktab" / "dummyData-a040.csv"]


def ktab_rotation(ktab: Path, tables: Sequence[Path], repeats: int) -> None:
    """``smpc`` and ``detente forecast`` alternately on each table; medians and ratios."""
    if not os.access(ktab, os.X_OK):
        raise SystemExit(f"--ktab {ktab}: not an executable file")
    missing = [str(t) for t in tables if not t.is_file()]
    if missing:
        raise SystemExit(f"--tables: no such file: {', '.join(missing)}")
    detente = [sys.executable, "-m", "detente", "forecast"]
    tail = ["--model", "smp", "--runs", "1", "--sensitivity", "none", "--json"]
    env = _child_env()
    print(f"4. KTAB smpc against detente (SMP, one run), median of {repeats} alternating runs")
    print(f"   {'table':<28}{'program':<10}{'wall s':>8}{'cpu s':>8}{'RSS MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:  # smpc writes its log and database here
        for table in tables:
            commands = {
                "KTAB": [str(ktab.resolve()), "--logmin", "--csv", str(table.resolve())],
                "detente": [*detente, str(table.resolve()), *tail],
            }
            for cmd in commands.values():  # warm-up: page cache, bytecode
                _run(cmd, env, cwd=tmp)
            results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in commands}
            for _ in range(repeats):
                for name, cmd in commands.items():
                    results[name].append(_run(cmd, env, cwd=tmp))
            medians = {
                name: tuple(statistics.median(col) for col in zip(*rows, strict=True))
                for name, rows in results.items()
            }
            for name, (wall, cpu, rss) in medians.items():
                print(f"   {table.name:<28}{name:<10}{wall:8.3f}{cpu:8.3f}{rss:9.0f}")
            ratio_wall = medians["KTAB"][0] / medians["detente"][0]
            ratio_cpu = medians["KTAB"][1] / max(medians["detente"][1], 1e-9)
            print(
                f"   {table.name:<28}KTAB / detente: {ratio_wall:.2f}x wall, {ratio_cpu:.2f}x CPU"
                f" ({'detente faster' if ratio_wall > 1 else 'KTAB faster'})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller runs")
    parser.add_argument("--ktab", type=Path, help="KTAB's smpc executable, run alternately")
    parser.add_argument(
        "--tables", type=Path, nargs="+", help="tables for --ktab (default: SOE-Pol-Comp, a040)"
    )
    parser.add_argument("--repeats", type=int, help="alternating runs per command")
    parser.add_argument("--old", help="another source tree (its src/) for the same commands")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each whole process's instructions under valgrind (slow; load-proof)",
    )
    parser.add_argument(
        "--only", choices=["process", "turn", "memory", "ktab"], help="one part only"
    )
    args = parser.parse_args()
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.only == "ktab" and args.ktab is None:
        parser.error("--only ktab needs --ktab SMPC")
    if args.only in (None, "process"):
        whole_process(args.repeats or (5 if args.quick else 11), args.old, args.instructions)
    if args.only in (None, "turn"):
        smp_per_turn(args.repeats or (2 if args.quick else 5))
    if args.only in (None, "memory"):
        memory(args.quick)
    if args.ktab is not None and args.only in (None, "ktab"):
        tables = args.tables or [t for t in KTAB_TABLES if t.is_file()]
        ktab_rotation(args.ktab, tables, args.repeats or (5 if args.quick else 11))


if __name__ == "__main__":
    main()
