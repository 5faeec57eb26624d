"""Tests of course_utils.paired: the exact binomial, sign and McNemar tests."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.paired import binomial_p, mcnemar, sign_test


def test_binomial_p_known_values():
    assert binomial_p(5, 10) == 1.0
    assert binomial_p(0, 5) == pytest.approx(2 / 32)  # all tails or all heads
    assert binomial_p(9, 10) == pytest.approx(2 * 11 / 1024)
    assert binomial_p(1, 10) == binomial_p(9, 10)  # two-sided: symmetric
    assert binomial_p(0, 0) == 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.data())
def test_binomial_p_is_the_exact_tail(n, data):
    k = data.draw(st.integers(0, n))
    tail = sum(math.comb(n, i) for i in range(n + 1) if math.comb(n, i) <= math.comb(n, k)) / 2**n
    assert binomial_p(k, n) == pytest.approx(min(1.0, tail))


def test_sign_test_counts_wins_and_drops_ties():
    wins_a, wins_b, p = sign_test([1.0, 2.0, 3.0, 1.0], [2.0, 1.0, 4.0, 1.0])
    assert (wins_a, wins_b) == (2, 1) and p == 1.0
    assert sign_test(np.zeros(12), np.ones(12))[2] == pytest.approx(2 / 4096)


def test_mcnemar_counts_the_discordant_pairs():
    a = np.array([1, 1, 1, 0, 0, 1])
    b = np.array([1, 0, 0, 0, 1, 1])
    assert mcnemar(a, b)[:2] == (2, 1)
    assert mcnemar(a.astype(bool), b.astype(bool)) == mcnemar(a, b)


def test_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        sign_test([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="must hold 0/1"):
        mcnemar([0.5, 1.0], [1, 0])
    with pytest.raises(ValueError, match="k must be at most n"):
        binomial_p(5, 3)
    with pytest.raises(TypeError, match="whole number"):
        binomial_p(2.5, 3)
