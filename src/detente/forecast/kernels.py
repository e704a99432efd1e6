"""Which kernels run a bargaining model: the NumPy reference or the compiled (numba) ones.

Set ``DETENTE_KERNELS`` to

* ``numpy``: always the NumPy code (the reference implementation);
* ``numba``: always the compiled kernels (an error if numba is not installed);
* ``auto`` (default): the compiled kernels when the work of one call, ``m · n³`` (replicates
  times actors cubed, what one SMP turn or EUM round costs), is at least :data:`AUTO_WORK`, and
  numba is installed; else NumPy.

Why a size rule: importing numba and loading its cached machine code costs about 0.3-0.5 s per
process, while a NumPy SMP turn costs about 0.2 µs per ``n³`` element (about 30 turns a run), so
the compiled path pays for itself from roughly ``m · n³ ≈ 10⁵``: a single run of 50 actors, or a
Monte Carlo batch of 50 replicates of a 13-actor table. Below that a whole ``detente forecast``
is faster without numba (measured by ``benchmarks/speed.py``). The rule depends only on the
call's shape, so the same inputs always take the same path, whatever ran before in the process.
Both paths agree within 1e-12 (``tests/forecast/test_compiled.py``).
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Callable
from typing import Any, cast

__all__ = ["AUTO_WORK", "ENV", "PARALLEL_WORK", "compiled_kernel", "use_compiled"]

#: Environment variable that selects the kernels.
ENV = "DETENTE_KERNELS"
#: Smallest ``m · n³`` for which ``auto`` picks the compiled kernels.
AUTO_WORK = 1 << 17
#: Smallest ``m · n³`` of one kernel call that runs on all cores (numba's ``prange``): below it,
#: waking the threads costs more than they save (several ms per call when the machine is busy).
PARALLEL_WORK = 1 << 24
_CHOICES = ("auto", "numpy", "numba")


@functools.cache
def _numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


def use_compiled(work: int) -> bool:
    """Whether a call of ``work = m · n³`` runs the compiled kernels (see the module doc)."""
    choice = os.environ.get(ENV, "auto").strip().lower() or "auto"
    if choice not in _CHOICES:
        raise ValueError(f"{ENV} must be one of {', '.join(_CHOICES)}; got {choice!r}")
    if choice == "numpy":
        return False
    if choice == "numba":
        if not _numba_installed():
            raise ImportError(f"{ENV}=numba but numba is not installed (pip install numba)")
        return True
    return work >= AUTO_WORK and _numba_installed()


def compiled_kernel(name: str, work: int) -> Callable[..., Any]:
    """The compiled kernel ``name`` of :mod:`detente.forecast._compiled`, parallel if ``work`` is
    at least :data:`PARALLEL_WORK` (both forms give the same bits: each output element is
    computed by one thread, in the same order)."""
    from detente.forecast import _compiled  # imports numba: only here

    parallel = getattr(_compiled, f"{name}_parallel", None)
    if parallel is not None and work >= PARALLEL_WORK:
        return cast("Callable[..., Any]", parallel)
    return cast("Callable[..., Any]", getattr(_compiled, name))
