"""The Monte Carlo quantiles are NumPy's (method "linear"), bit for bit, without numpy.ma."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.forecast.montecarlo import median_along_first, quantiles_along_first

finite = st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)
probs = st.one_of(
    st.floats(0.0, 1.0),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6),
    st.sampled_from([[0.05, 0.25, 0.5, 0.75, 0.95], [0.0, 1.0], 0.5]),
)


@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=9), elements=finite),
    probs,
)
def test_same_floats_as_numpy(values: np.ndarray, q: float | list[float]) -> None:
    expected = np.quantile(values, q, axis=0)
    got = quantiles_along_first(values, q)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)


def test_nan_is_numpys_and_a_bad_probability_is_refused() -> None:
    values = np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]])
    assert np.array_equal(
        quantiles_along_first(values, [0.5]), np.quantile(values, [0.5], axis=0), equal_nan=True
    )
    with pytest.raises(ValueError, match="range"):
        quantiles_along_first(values, [1.5])


@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=9), elements=finite)
)
def test_median_same_floats_as_numpy(values: np.ndarray) -> None:
    expected = np.median(values, axis=0)
    got = median_along_first(values)
    assert got.shape == np.shape(expected)
    assert np.array_equal(got, expected)
    with_nan = values.copy()
    with_nan.flat[0] = np.nan
    assert np.array_equal(median_along_first(with_nan), np.median(with_nan, axis=0), equal_nan=True)
