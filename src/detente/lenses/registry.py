"""The registry of lenses: a plain dict from name to lens, and parameter overrides.

>>> from detente.lenses import get_lens
>>> get_lens("realist", {"rivalry_weight": 0.5}).params.rivalry_weight
0.5
"""

from __future__ import annotations

from collections.abc import Mapping

from detente.errors import DetenteError, InputError, Problem, UnknownIdError, suggest
from detente.lenses.base import Lens
from detente.lenses.liberal import LIBERAL
from detente.lenses.realist import REALIST

__all__ = ["LENSES", "get_lens", "lens_overrides", "register_lens"]

LENSES: dict[str, Lens] = {REALIST.name: REALIST, LIBERAL.name: LIBERAL}
"""Lenses by name. Add your own with :func:`register_lens`."""


def register_lens(lens: Lens, *, replace: bool = False) -> Lens:
    """Add ``lens`` to :data:`LENSES` under ``lens.name``; returns it.

    Raises :class:`DetenteError` if the name is taken (unless ``replace``).
    """
    if lens.name in LENSES and not replace:
        raise DetenteError(f"a lens called {lens.name!r} is already registered")
    LENSES[lens.name] = lens
    return lens


def get_lens(name: str, overrides: Mapping[str, object] | None = None) -> Lens:
    """The lens ``name`` with parameter ``overrides`` applied.

    Raises :class:`UnknownIdError` for an unknown lens and :class:`InputError` for unknown
    parameters or values that are not numbers in the parameter's documented range.
    """
    try:
        lens = LENSES[name]
    except KeyError:
        raise UnknownIdError("lens", name, LENSES) from None
    return lens.with_params(overrides) if overrides else lens


def lens_overrides(
    settings: Mapping[str, object], lens: str, lenses: list[str] | None = None
) -> dict[str, object]:
    """The overrides in ``settings`` that apply to ``lens``.

    Keys are ``lens.param`` (only that lens) or a bare ``param`` (every lens that has it). A
    qualified key naming an unknown lens is an :class:`InputError`; so is a bare key that no
    lens in ``lenses`` (default: all registered) knows.
    """
    from detente.lenses.base import param_info

    names = lenses if lenses is not None else list(LENSES)
    out: dict[str, object] = {}
    problems = []
    for key, value in settings.items():
        if "." in key:
            prefix, param = key.split(".", 1)
            if prefix not in LENSES:
                close = suggest(prefix, LENSES)
                hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                problems.append(Problem(None, None, key, f"unknown lens {prefix!r}{hint}"))
            elif prefix == lens:
                out[param] = value
            continue
        own = {p.name for p in param_info(LENSES[lens].params)} if lens in LENSES else set()
        if key in own:
            out[key] = value
        elif not any(
            key in {p.name for p in param_info(LENSES[n].params)} for n in names if n in LENSES
        ):
            pool = sorted(
                {p.name for n in names if n in LENSES for p in param_info(LENSES[n].params)}
            )
            close = suggest(key, pool)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            problems.append(Problem(None, None, key, f"no selected lens has this parameter{hint}"))
    if problems:
        raise InputError(problems)
    return out
