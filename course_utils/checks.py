"""Self-checks for the exercises: compare a learner's answer with the reference and answer kindly.

A check prints a short "passed" line, or raises ``CheckFailed`` (an ``AssertionError``) that says what
was expected, what came back, and a likely cause. A function not written yet (``NotImplementedError``)
gets a reminder of where to write it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class CheckFailed(AssertionError):
    """A self-check did not pass; the message says why and what to try."""


def _as_array(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


def _shape_hint(got: tuple, expected: tuple) -> str:
    if len(got) == len(expected) and sorted(got) == sorted(expected) and got != expected:
        return " The sizes are swapped: did you multiply by a transposed matrix (W.T instead of W)?"
    if len(got) != len(expected):
        return " The number of dimensions differs: check for a missing or extra axis (reshape, squeeze)."
    return ""


def _compare(name: str, got: Any, expected: Any, atol: float, rtol: float, hint: str) -> None:
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise CheckFailed(f"{name}: expected a tuple of {len(expected)} values; got {type(got).__name__}.{hint}")
        for k, (g, e) in enumerate(zip(got, expected, strict=True)):
            _compare(f"{name}[{k}]", g, e, atol, rtol, hint)
        return
    got_a, exp_a = _as_array(got), _as_array(expected)
    if got_a.shape != exp_a.shape:
        raise CheckFailed(
            f"{name} has shape {got_a.shape}, expected {exp_a.shape}.{_shape_hint(got_a.shape, exp_a.shape)}{hint}"
        )
    if not np.allclose(got_a, exp_a, atol=atol, rtol=rtol, equal_nan=True):
        where = np.unravel_index(np.argmax(np.abs(got_a - exp_a)), exp_a.shape) if exp_a.ndim else ()
        raise CheckFailed(
            f"{name} differs from the reference: at {where} you have {got_a[where]:.6g}, expected "
            f"{exp_a[where]:.6g}.{hint}"
        )


def check_value(answer: Any, expected: Any, name: str = "your answer", atol: float = 1e-6,
                rtol: float = 1e-6, hint: str = "") -> bool:
    """Check a number or array (or a tuple of them) against the expected value."""
    hint = f" Hint: {hint}" if hint else ""
    _compare(name, answer, expected, atol, rtol, hint)
    print(f"✅ {name} is right.")
    return True


def check_function(learner: Callable[..., Any], reference: Callable[..., Any],
                   make_inputs: Callable[[np.random.Generator], tuple], trials: int = 5, seed: int = 0,
                   atol: float = 1e-8, rtol: float = 1e-6, hint: str = "") -> bool:
    """Call ``learner`` and ``reference`` on ``trials`` random inputs and compare what they return.

    ``make_inputs(rng)`` returns the tuple of arguments for one trial.
    """
    name = getattr(learner, "__name__", "your function")
    hint_text = f" Hint: {hint}" if hint else ""
    rng = np.random.default_rng(seed)
    for trial in range(trials):
        args = make_inputs(rng)
        expected = reference(*args)
        try:
            got = learner(*args)
        except NotImplementedError as err:
            raise CheckFailed(
                f"{name} is not written yet: replace `raise NotImplementedError` in the exercise cell with "
                "your code, run that cell, then run this check again."
            ) from err
        except Exception as err:
            raise CheckFailed(f"{name} raised {type(err).__name__}: {err} (on trial {trial + 1}).{hint_text}") from err
        _compare(f"{name}(...) on trial {trial + 1}", got, expected, atol, rtol, hint_text)
    print(f"✅ {name} matches the reference on {trials} random inputs. Well done!")
    return True


def check_choice(answer: Any, correct: Any, explanation: str = "", name: str = "your answer") -> bool:
    """Check a quiz answer (a letter, a word or a number) and explain the right one."""
    normal = (lambda a: a.strip().lower()) if isinstance(correct, str) else (lambda a: a)
    if answer is None or answer is ...:
        raise CheckFailed(f"{name}: no answer yet; set it to one of the options, then run this cell again.")
    if normal(answer) != normal(correct):
        raise CheckFailed(f"{name}: {answer!r} is not right; try again. {explanation}".strip())
    print(f"✅ {name}: {correct!r} is right. {explanation}".strip())
    return True
