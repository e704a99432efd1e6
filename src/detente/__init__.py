"""Détente: model, forecast and explain security cooperation between states and alliances.

The notebook API (:mod:`detente.api`), loaded on first use so that ``import detente`` stays cheap:

>>> import detente as dt
>>> dt.forecast("nato-csto-2009", runs=200).to_frame()[["forecast", "p_exceeds"]]
   forecast  p_exceeds
0       5.0      0.165

``dt.world()``, ``dt.forecast()``, ``dt.explain()``, ``dt.backtest()`` and ``dt.sweep()``
return objects with ``.to_frame()``, ``.to_json()``, ``.plot()`` and a one-line ``repr``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "backtest", "explain", "forecast", "sweep", "world"]

_API = {"backtest", "explain", "forecast", "sweep", "world"}


def __getattr__(name: str) -> Any:
    # ``world`` and ``forecast`` are also subpackages, made callable (see detente._callable): the
    # name resolves to the subpackage, and calling it runs the API function.
    if name in ("world", "forecast"):
        import importlib

        return importlib.import_module(f"detente.{name}")
    if name in _API:
        from detente import api

        return getattr(api, name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)
