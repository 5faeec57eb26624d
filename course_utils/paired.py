"""Paired comparisons of two models scored on the same examples (taught in notebook 06, reused in 07).

Two models tested on the same days or sentences are compared example by example: on how many does each one win?
If they were equally good, each would win about half of the examples where they differ, like a fair coin.

* ``binomial_p``: the exact two-sided p-value of ``k`` heads in ``n`` tosses of a fair coin.
* ``sign_test``: per example, which of two errors is smaller; ties are left out.
* ``mcnemar``: per example, which model alone is right (McNemar's exact test, for accuracies).
"""

from __future__ import annotations

import math

import numpy as np

from course_utils._validate import integer, same_shape


def binomial_p(k: int, n: int) -> float:
    """Exact two-sided p-value of ``k`` successes in ``n`` fair coin tosses: the chance of a split at least as
    uneven as ``k`` against ``n - k``."""
    n = integer("n", n, 0)
    k = integer("k", k, 0, hint=f"k counts successes, so 0 <= k <= n = {n}.")
    if k > n:
        raise ValueError(f"k must be at most n; got k={k}, n={n}.")
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(k, n - k) + 1)) / 2**n
    return min(1.0, 2 * tail)


def sign_test(errors_a: np.ndarray, errors_b: np.ndarray) -> tuple[int, int, float]:
    """``(a wins, b wins, p)``: on how many examples ``a``'s error is smaller, ``b``'s is, and the exact
    two-sided p-value of that split (ties left out)."""
    a, b = np.asarray(errors_a, dtype=float), np.asarray(errors_b, dtype=float)
    same_shape("errors_a", a, "errors_b", b)
    wins_a, wins_b = int((a < b).sum()), int((b < a).sum())
    return wins_a, wins_b, binomial_p(wins_a, wins_a + wins_b)


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> tuple[int, int, float]:
    """``(only a right, only b right, p)``: McNemar's exact test on the examples where one model is right and
    the other wrong (both arrays of 0/1 or booleans, one entry per example)."""
    a, b = np.asarray(correct_a), np.asarray(correct_b)
    same_shape("correct_a", a, "correct_b", b)
    for name, v in (("correct_a", a), ("correct_b", b)):
        if not np.isin(v, (0, 1)).all():
            raise ValueError(f"{name} must hold 0/1 or booleans (is each example right?); "
                             f"got values {np.unique(v)[:5]}.")
    a, b = a.astype(bool), b.astype(bool)
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    return only_a, only_b, binomial_p(only_a, only_a + only_b)
