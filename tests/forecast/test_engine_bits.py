"""The engines' batch paths give the bits they gave before their temporaries were reused.

Claim tested: every case of ``engine_cases`` (EUM and SMP batch runs under several model options,
with blocks forced small, and the Monte Carlo through both engines), run with the NumPy and the
compiled kernels, hashes to the SHA-256 digest recorded by ``make_engine_digests.py`` on main
before the buffers were introduced. The digests are of float64 bits, so they hold only on a CPU
with the same vector instructions (NumPy's ``power``/``exp`` loops may round differently
elsewhere): on another kind of CPU the comparison is skipped, saying why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.forecast.engine_cases import run_case
from tests.forecast.make_engine_digests import digest

RECORD = json.loads((Path(__file__).parent / "data" / "engine_digests.json").read_text())


def _simd() -> list[str]:
    from numpy._core._multiarray_umath import __cpu_features__

    return sorted(k for k, v in __cpu_features__.items() if v)


@pytest.mark.parametrize("key", sorted(RECORD["digests"]))
def test_engine_runs_keep_their_bits(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if _simd() != RECORD["simd"]:
        pytest.skip("the digests were recorded on a CPU with other vector instructions")
    name, kernels = key.rsplit("/", 1)
    if kernels == "numba":
        pytest.importorskip("numba")
    monkeypatch.setenv("DETENTE_KERNELS", kernels)
    assert digest(run_case(name)) == RECORD["digests"][key]


def test_eum_rounds_reuse_their_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claim: after the first round, the EUM allocates no pairwise buffer again: six rounds over
    eight blocks use the buffers one round of one block made (the fix for the page faults a
    freshly mapped temporary costs every round in a Dask worker)."""
    from tests.forecast.engine_cases import SMALL_BLOCKS, _eum_inputs

    from detente.forecast import eum
    from detente.forecast._scratch import Scratch

    made: list[tuple[str, int]] = []
    real = Scratch._get

    def spy(self: Scratch, name: str, shape: tuple[int, ...], dtype: type) -> object:
        before = self._flat.get(name)
        out = real(self, name, shape, dtype)
        if self._flat[name] is not before:  # a new buffer was allocated
            made.append((name, shape[0]))  # (its name, the replicates it was made for)
        return out

    monkeypatch.setattr(Scratch, "_get", spy)
    cap, pos, sal = _eum_inputs(11)
    counts = []
    for rounds in (1, 6):
        made.clear()
        eum.simulate(cap, pos, sal, rounds=rounds, bounds=(0.0, 100.0), max_bytes=SMALL_BLOCKS)
        counts.append(sorted(made))
    assert counts[0] == counts[1]
    assert 0 < len(counts[0]) < eum._PAIR_ARRAYS


def test_smp_blocks_reuse_their_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claim: within one call, the SMP's NumPy blocks (coalitions, third-party tensors) allocate
    each named buffer once and reuse it for every later block (the fix for the page faults of
    fresh 800 KiB temporaries per initiator at 320 actors)."""
    import numpy as np

    from detente.forecast import smp
    from detente.forecast._scratch import Scratch

    # keyed by the scratch itself (kept alive here, so no id is reused)
    made: dict[Scratch, list[str]] = {}
    asked: dict[Scratch, int] = {}
    real = Scratch._get

    def spy(self: Scratch, name: str, shape: tuple[int, ...], dtype: type) -> object:
        before = self._flat.get(name)
        out = real(self, name, shape, dtype)
        asked[self] = asked.get(self, 0) + 1
        if self._flat[name] is not before:  # a new buffer was allocated
            made.setdefault(self, []).append(name)
        return out

    monkeypatch.setenv("DETENTE_KERNELS", "numpy")
    monkeypatch.setattr(Scratch, "_get", spy)
    monkeypatch.setattr(smp, "_BLOCK", 2000)  # 30 actors: blocks of 2 rows, 15 per call
    rng = np.random.default_rng(4)
    n = 30
    sal = 0.05 + 0.95 * rng.random((n, 1))
    smp.simulate(1 + 99 * rng.random(n), rng.random((n, 1)), sal * 0.9, max_turns=2)
    assert made and all(len(names) == len(set(names)) for names in made.values())
    assert sum(asked.values()) >= 10 * sum(len(names) for names in made.values())
