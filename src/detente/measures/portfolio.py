"""Alliance portfolios and how they are coded.

State i's alliance portfolio in a year is row i of the N x N matrix of its commitments to each
state of the system, with itself at the top category (every state is taken to be maximally
committed to its own defence; Bueno de Mesquita 1975). Commitments are held here on ATOP's valued
scale (Chiba, Johnson and Leeds, used by fpsim):

=====  ===================================================================
level  ATOP obligations between the two states
=====  ===================================================================
3      defence and/or offence
2      neutrality and/or consultation (no defence or offence)
1      non-aggression only
0      none (including ATOP's "alliance but no obligation" asymmetric rows)
=====  ===================================================================

and a *coding* maps the levels onto the categories a similarity measure compares:

* ``valued``: the levels themselves, 0-3 (maximal distance 3);
* ``any``: 1 if there is any obligation (level >= 1), else 0 (Häge 2011's binary coding);
* ``defence``: 1 for a defence or offence obligation (level 3), else 0.

The choice matters: on ATOP 5.1 (2018) the US-Russia kappa is 0.67 with any obligation and -0.08
with defence pacts only, because the NATO/CSTO bloc structure shows only in defence ties.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["CODINGS", "Coding", "atop_level", "code_portfolio", "max_distance", "n_categories"]

Coding = Literal["valued", "any", "defence"]
CODINGS: tuple[Coding, ...] = ("valued", "any", "defence")
"""The portfolio codings, in the order panels list them."""

TOP_LEVEL = 3
"""The level of a defence pact, and of each state's commitment to itself."""


def atop_level(
    defense: npt.ArrayLike,
    offense: npt.ArrayLike,
    neutral: npt.ArrayLike,
    nonagg: npt.ArrayLike,
    consul: npt.ArrayLike,
) -> npt.NDArray[np.int8]:
    """The valued level (0-3) of ATOP obligation flags, row by row.

    Level 3 if ``defense`` or ``offense``; else 2 if ``neutral`` or ``consul``; else 1 if
    ``nonagg``; else 0 (ATOP codebook v5.1 obligation variables; the valued scale of fpsim).

    Parameters
    ----------
    defense, offense, neutral, nonagg, consul : array_like of {0, 1}
        ATOP's obligation indicators (non-zero = present), all of one shape.

    Returns
    -------
    numpy.ndarray of int8
        The level of each row.

    Examples
    --------
    >>> atop_level([1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0])
    array([3, 2, 1, 0], dtype=int8)
    """
    d, o, n, a, c = (np.asarray(v) != 0 for v in (defense, offense, neutral, nonagg, consul))
    level = np.zeros(np.broadcast(d, o, n, a, c).shape, dtype=np.int8)
    level[a] = 1
    level[n | c] = 2
    level[d | o] = TOP_LEVEL
    return level


def code_portfolio(levels: npt.ArrayLike, coding: Coding) -> npt.NDArray[np.int8]:
    """Map valued levels (0-3) onto a coding's categories.

    ``valued``: x itself; ``any``: 1[x >= 1]; ``defence``: 1[x = 3].

    Parameters
    ----------
    levels : array_like of int
        Levels on ATOP's valued scale, any shape.
    coding : {"valued", "any", "defence"}

    Returns
    -------
    numpy.ndarray of int8
        Categories 0..:func:`n_categories` - 1, same shape.
    """
    x = np.asarray(levels)
    if coding == "valued":
        return x.astype(np.int8)
    if coding == "any":
        return (x >= 1).astype(np.int8)
    if coding == "defence":
        return (x >= TOP_LEVEL).astype(np.int8)
    raise ValueError(f"unknown coding {coding!r} (expected one of {', '.join(CODINGS)})")


def n_categories(coding: Coding) -> int:
    """Number of categories of ``coding``: 4 for ``valued``, 2 for the binary codings."""
    return TOP_LEVEL + 1 if coding == "valued" else 2


def max_distance(coding: Coding) -> float:
    """The maximal distance Δ between two entries under ``coding`` (3 valued, 1 binary)."""
    return float(n_categories(coding) - 1)
