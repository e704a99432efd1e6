"""Named work arrays reused across the blocks and rounds of one engine call (issue 14, item 3).

Why: the engines' pairwise and actor^3 steps make dozens of temporaries a round (EUM: ``(m, n,
n)`` per replicate block; SMP: an initiator's ``n x n`` table per block at 320 actors). Freed and
allocated again, an array above glibc's mmap threshold is unmapped and its pages fault in again on
the next use; glibc raises the threshold on its own, but a ``MALLOC_*`` setting (Dask's nanny sets
``MALLOC_TRIM_THRESHOLD_``) freezes it at 128 KiB, and the faults then cost as much system time as
the arithmetic (``benchmarks/speed.py --only memory``). Written into these buffers (NumPy
``out=``), the arithmetic is the same operations in the same memory order on the same elements as
with fresh temporaries: the results keep their bits (``tests/forecast/test_engine_bits.py``).
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
from numpy.typing import NDArray

__all__ = ["Scratch"]


class Scratch:
    """One flat array per name, handed out as a C-contiguous view of its first ``prod(shape)``
    elements (the layout of a new array) and grown when a larger shape, or another dtype, is
    asked for. Two names never share memory; a scratch belongs to one call in one thread."""

    __slots__ = ("_flat",)

    def __init__(self) -> None:
        self._flat: dict[str, NDArray[np.generic]] = {}

    def get(self, name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
        """An uninitialised float64 array of ``shape`` under ``name``."""
        return cast("NDArray[np.float64]", self._get(name, shape, np.float64))

    def mask(self, name: str, shape: tuple[int, ...]) -> NDArray[np.bool_]:
        """An uninitialised boolean array of ``shape`` under ``name``."""
        return cast("NDArray[np.bool_]", self._get(name, shape, np.bool_))

    def _get(self, name: str, shape: tuple[int, ...], dtype: type) -> NDArray[np.generic]:
        size = math.prod(shape)
        flat = self._flat.get(name)
        if flat is None or flat.size < size or flat.dtype != dtype:
            flat = self._flat[name] = np.empty(size, dtype=dtype)
        return flat[:size].reshape(shape)
