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

    made: list[tuple[str, int]] = []
    real = eum._Scratch._get

    def spy(self: eum._Scratch, name: str, tail: tuple[int, ...], dtype: type) -> object:
        before = self._buffers.get(name)
        out = real(self, name, tail, dtype)
        if self._buffers[name] is not before:  # a new buffer was allocated
            made.append((name, self.m))
        return out

    monkeypatch.setattr(eum._Scratch, "_get", spy)
    cap, pos, sal = _eum_inputs(11)
    counts = []
    for rounds in (1, 6):
        made.clear()
        eum.simulate(cap, pos, sal, rounds=rounds, bounds=(0.0, 100.0), max_bytes=SMALL_BLOCKS)
        counts.append(sorted(made))
    assert counts[0] == counts[1]
    assert 0 < len(counts[0]) < eum._PAIR_ARRAYS
