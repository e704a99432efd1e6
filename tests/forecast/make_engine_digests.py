"""Write ``data/engine_digests.json``: SHA-256 digests of EUM, SMP and Monte Carlo runs.

The digests pin the bits the engines' batch paths produced before their temporaries were moved
into reused buffers (generated on main at 8675062 with this script); ``test_engine_bits.py``
recomputes them. Run from the repository root:
``.venv/bin/python tests/forecast/make_engine_digests.py``.
The inputs are drawn with ``Generator.random``/``integers`` only (platform-independent bits).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.forecast.engine_cases import CASES, run_case  # noqa: E402


def digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(name.encode() + str(a.dtype).encode() + str(a.shape).encode() + a.tobytes())
    return h.hexdigest()


def main() -> None:
    from numpy._core._multiarray_umath import __cpu_features__

    out: dict[str, object] = {"simd": sorted(k for k, v in __cpu_features__.items() if v)}
    digests = {}
    for name in CASES:
        for kernels in ("numpy",) if name.startswith("mc/") else ("numpy", "numba"):
            os.environ["DETENTE_KERNELS"] = kernels
            digests[f"{name}/{kernels}"] = digest(run_case(name))
    out["digests"] = digests
    (HERE / "data" / "engine_digests.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
