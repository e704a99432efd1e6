"""Lazy package attributes (PEP 562): a package names its public objects without importing them.

``from detente.forecast import run_monte_carlo`` imports :mod:`detente.forecast.montecarlo` only
when the name is first looked up, so a command that needs one submodule does not pay for the
others (SALib, pandas, SciPy, matplotlib are each imported by the one module that uses them).
Each package keeps a ``TYPE_CHECKING`` block of the same imports for type checkers and readers.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence

__all__ = ["attach"]


def attach(
    package: str, exports: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``; ``exports`` maps a submodule to its names.

    Submodule names are relative (``".engine"``). A name is imported on first access and then
    stored in the package namespace, so later lookups are plain attribute reads.
    """
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
