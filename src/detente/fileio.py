"""Former name of :mod:`detente.output` (kept so that older imports keep working)."""

from __future__ import annotations

from detente.output import atomic_path, atomic_write

__all__ = ["atomic_path", "atomic_write"]
