"""The logit acceptance probability (McKelvey & Palfrey 1995)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.institutions.acceptance import p_accept


def test_known_values() -> None:
    # 1 / (1 + e^-1) = 0.7310585786; a zero margin is a coin toss.
    assert p_accept(0.1, scale=0.1) == pytest.approx(0.7310585786300049)
    assert p_accept(0.0, scale=0.3) == 0.5
    assert p_accept(-2.0, scale=1.0) == pytest.approx(1 / (1 + math.exp(2.0)))


def test_vectorised_shape_and_range() -> None:
    m = np.linspace(-5, 5, 12).reshape(3, 4)
    out = p_accept(m, 0.5)
    assert out.shape == (3, 4)
    assert (out > 0).all() and (out < 1).all()
    np.testing.assert_allclose(out + p_accept(-m, 0.5), 1.0)


def test_scale_zero_is_the_strict_maximiser() -> None:
    np.testing.assert_array_equal(p_accept([-1e-9, 0.0, 1e-9], 0.0), [0.0, 0.5, 1.0])


def test_extreme_margins_do_not_overflow() -> None:
    out = p_accept([-1e6, 1e6, -np.inf, np.inf], 1e-3)
    np.testing.assert_array_equal(out, [0.0, 1.0, 0.0, 1.0])


@pytest.mark.parametrize("scale", [-0.1, np.nan, np.inf])
def test_bad_scale(scale: float) -> None:
    with pytest.raises(ValueError, match="scale"):
        p_accept(0.2, scale)


def test_nan_margin() -> None:
    with pytest.raises(ValueError, match="NaN"):
        p_accept([0.1, np.nan])


@given(
    st.floats(-10, 10, allow_nan=False),
    st.floats(0, 5, allow_nan=False),
    st.floats(0.01, 3, allow_nan=False),
)
def test_monotone_in_margin(m: float, dm: float, scale: float) -> None:
    assert p_accept(m + dm, scale) >= p_accept(m, scale)
