"""The course's one small set of input checks (plumbing, not taught).

Every check takes the argument's ``name`` first, then its ``value``, returns the value (converted where
that is safe, e.g. a numpy integer to ``int``) and otherwise raises a ``TypeError`` (wrong kind of object)
or a ``ValueError`` (right kind, wrong value) whose message says what was expected, what was given and
how to fix it. ``hint`` adds a sentence of advice to the message.

The three recurrent layers live here too, once: ``KINDS``, ``check_kind`` and ``recurrent_layer``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection
from typing import Any

KINDS = ("rnn", "lstm", "gru")


def _fail(error: type[Exception], message: str, hint: str) -> None:
    raise error(f"{message} {hint}".strip())


def _got(value: Any) -> str:
    return f"got {value!r} ({type(value).__name__})"


def integer(name: str, value: Any, minimum: int = 0, hint: str = "") -> int:
    """``value`` as an ``int`` of at least ``minimum`` (a bool or a float such as 2.5 is refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        _fail(TypeError, f"{name} must be a whole number (int) of at least {minimum}; {_got(value)}.", hint)
    if value < minimum:
        _fail(ValueError, f"{name} must be at least {minimum}; got {name}={value}.", hint)
    return int(value)


def positive_int(name: str, value: Any, hint: str = "") -> int:
    """``value`` as an ``int`` of at least 1."""
    return integer(name, value, 1, hint)


def non_negative_int(name: str, value: Any, hint: str = "") -> int:
    """``value`` as an ``int`` of at least 0."""
    return integer(name, value, 0, hint)


def real(
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> float:
    """``value`` as a finite ``float`` in the interval from ``low`` to ``high`` (open ends when asked)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(TypeError, f"{name} must be a number; {_got(value)}.", hint)
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        _fail(ValueError, f"{name} must be a finite number in {interval}; got {name}={value!r}.", hint)
    return value


def positive(name: str, value: Any, hint: str = "") -> float:
    """``value`` as a finite ``float`` above 0."""
    return real(name, value, 0.0, low_open=True, hint=hint)


def probability(name: str, value: Any, *, allow_one: bool = False, hint: str = "") -> float:
    """``value`` as a ``float`` in [0, 1) (a dropout rate), or in [0, 1] with ``allow_one``."""
    return real(name, value, 0.0, 1.0, high_open=not allow_one, hint=hint)


def one_of(name: str, value: Any, choices: Collection[Any], hint: str = "") -> Any:
    """``value`` itself when it is one of ``choices``."""
    try:
        found = value in choices
    except TypeError:  # an unhashable value tested against a set or dict
        found = False
    if not found:
        _fail(ValueError, f"{name} must be one of {tuple(choices)}; got {value!r}.", hint)
    return value


def instance_of(name: str, value: Any, types: type | tuple[type, ...], hint: str = "") -> Any:
    """``value`` itself when it is an instance of ``types``."""
    if not isinstance(value, types):
        wanted = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        _fail(TypeError, f"{name} must be a {wanted}; got {type(value).__name__}.", hint)
    return value


def same_shape(name_a: str, a: Any, name_b: str, b: Any, hint: str = "") -> None:
    """Refuse two arrays or tensors of different shapes (no silent broadcasting)."""
    shape_a, shape_b = tuple(a.shape), tuple(b.shape)
    if shape_a != shape_b:
        _fail(
            ValueError,
            f"{name_a} and {name_b} must have the same shape; got {shape_a} and {shape_b}.",
            hint or "Reshape one of them (for example .reshape(-1) or .squeeze(-1)) so they match.",
        )


def check_kind(kind: Any) -> str:
    """``kind`` itself when it names a recurrent layer: ``"rnn"``, ``"lstm"`` or ``"gru"``."""
    return one_of("kind", kind, KINDS, hint="Use lower case, e.g. kind='lstm'.")


def recurrent_layer(kind: str) -> type:
    """The torch layer class of ``kind``: ``torch.nn.RNN``, ``LSTM`` or ``GRU``."""
    from torch import nn  # imported here so that the numpy-only modules do not load torch

    layers = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
    return layers[check_kind(kind)]
