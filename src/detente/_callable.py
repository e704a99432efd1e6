"""Let ``dt.world(...)`` and ``dt.forecast(...)`` work although ``world`` and ``forecast`` are
also subpackages.

Importing a subpackage sets it as an attribute of its parent, so ``detente.world`` is the package
``detente.world`` as soon as anything imports it, and a function of that name in
``detente/__init__.py`` would be shadowed. Instead the two subpackages' module objects are given
a ``__call__`` (module ``__class__`` assignment, Python 3.5+) that forwards to the notebook API
function of the same name in :mod:`detente.api`.
"""

from __future__ import annotations

import sys
import types
from typing import Any

__all__ = ["make_callable"]


class _CallableModule(types.ModuleType):
    """A module that, when called, runs ``detente.api.<its last name>``."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from detente import api

        return getattr(api, self.__name__.rsplit(".", 1)[1])(*args, **kwargs)


def make_callable(module_name: str) -> None:
    """Make the module ``module_name`` (``detente.world`` or ``detente.forecast``) callable."""
    sys.modules[module_name].__class__ = _CallableModule
