"""One way to turn a user's seed into NumPy generators.

House rule: every stochastic function takes ``rng: numpy.random.Generator`` and never touches global
state. Work that runs in parallel (or replicate by replicate) gets child generators spawned up front
from one ``SeedSequence``, so serial and parallel runs draw the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["SeedLike", "as_generator", "spawn_generators"]

SeedLike = int | Sequence[int] | np.random.SeedSequence | np.random.Generator | None


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Return a ``Generator`` for ``seed``; a ``Generator`` is passed through unchanged.

    ``None`` draws fresh entropy from the OS (an explicitly unseeded run).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool):
        raise TypeError("a seed must be an integer, not a bool")
    return np.random.default_rng(seed)


def spawn_generators(rng: np.random.Generator, n: int) -> list[np.random.Generator]:
    """Spawn ``n`` independent child generators of ``rng``, all drawn before any work starts."""
    if n < 0:
        raise ValueError(f"cannot spawn a negative number of generators ({n})")
    return list(rng.spawn(n))
