"""Lenses: theories of how actors value outcomes, as sums of named, sourced utility terms.

>>> import datetime as dt
>>> from detente.decisions import get_episode
>>> from detente.lenses import get_lens
>>> from detente.world import builtin_world
>>> q = get_episode("nato-csto-2009")
>>> prefs = get_lens("realist").preferences(builtin_world().at(q.date), q)
>>> prefs.margin_terms("USA")["relative_gains"] < 0
True
"""

from typing import TYPE_CHECKING

from detente._lazy import attach

if TYPE_CHECKING:
    from detente.lenses.base import (
        AcceptanceParams,
        Lens,
        ParamInfo,
        Preferences,
        Term,
        TermLens,
        param,
        param_info,
        with_overrides,
    )
    from detente.lenses.features import Features, Tie, question_features, question_tie
    from detente.lenses.liberal import LIBERAL, LiberalParams
    from detente.lenses.realist import REALIST, RealistParams
    from detente.lenses.registry import LENSES, get_lens, lens_overrides, register_lens

# Submodules are imported on first use of one of their names (see detente._lazy).
__getattr__, __dir__ = attach(
    __name__,
    {
        ".base": [
            "AcceptanceParams",
            "Lens",
            "ParamInfo",
            "Preferences",
            "Term",
            "TermLens",
            "param",
            "param_info",
            "with_overrides",
        ],
        ".features": ["Features", "Tie", "question_features", "question_tie"],
        ".liberal": ["LIBERAL", "LiberalParams"],
        ".realist": ["REALIST", "RealistParams"],
        ".registry": ["LENSES", "get_lens", "lens_overrides", "register_lens"],
    },
)

__all__ = [
    "LENSES",
    "LIBERAL",
    "REALIST",
    "AcceptanceParams",
    "Features",
    "Lens",
    "LiberalParams",
    "ParamInfo",
    "Preferences",
    "RealistParams",
    "Term",
    "TermLens",
    "Tie",
    "get_lens",
    "lens_overrides",
    "param",
    "param_info",
    "question_features",
    "question_tie",
    "register_lens",
    "with_overrides",
]
