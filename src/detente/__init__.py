"""Détente: model, forecast and explain security cooperation between states and alliances."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
