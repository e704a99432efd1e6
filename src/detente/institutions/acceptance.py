"""The probability that one actor accepts a proposal, from its utility margin (logit choice).

An actor compares the utility of saying yes with that of saying no. A strict utility maximiser
accepts whenever the margin is positive; real decision makers err, misperceive and weigh things
the model leaves out. The standard remedy is the logit (quantal) response of McKelvey & Palfrey
(1995, *Games and Economic Behavior* 10:6-38), the random-utility model of McFadden (1974):
with i.i.d. Gumbel noise of scale ``scale`` on both utilities,

    P(accept) = 1 / (1 + exp(-margin / scale)),    margin = U(yes) - U(no).

``scale`` is in utility units: the margin at which acceptance is e/(1+e) ≈ 0.73. A margin of
``2.2 * scale`` gives 0.90 and ``4.6 * scale`` gives 0.99. ``scale -> 0`` recovers the strict
maximiser (a step at margin 0); ``scale -> inf`` a coin toss. ``scale = 0`` is allowed and means
that limit exactly (0.5 on a tie).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

__all__ = ["DEFAULT_SCALE", "p_accept"]

DEFAULT_SCALE = 0.1
"""Default logit scale, in utility units. Lenses whose utilities live on roughly [-1, 1] give a
member with a margin of 0.1 a 73 % chance to accept and one with a margin of 0.3 a 95 % chance:
a model assumption, to be varied in sensitivity runs (it is a named parameter, not a fact)."""


def p_accept(margin: ArrayLike, scale: float = DEFAULT_SCALE) -> NDArray[np.float64]:
    """Logit probability that an actor accepts, elementwise over ``margin``.

    Parameters
    ----------
    margin:
        ``U(yes) - U(no)`` in utility units; any shape. Must be finite or ±inf.
    scale:
        Logit noise scale in the same units, ``>= 0`` (see the module docstring).

    Returns
    -------
    Array of the shape of ``margin`` with values in [0, 1].
    """
    m = np.asarray(margin, dtype=np.float64)
    if np.isnan(m).any():
        raise ValueError("margin contains NaN")
    if not np.isfinite(scale) or scale < 0:
        raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")
    if scale == 0:
        # The strict maximiser: accept on a positive margin, toss a coin on a tie.
        return np.where(m > 0, 1.0, np.where(m < 0, 0.0, 0.5))
    return np.asarray(expit(m / scale), dtype=np.float64)
