"""Turning a time series into supervised examples, and splitting it without leaking the future.

* ``make_windows``: sliding windows of past values (inputs) and the values that follow them (targets).
* ``rolling_origin_splits``: rolling-window cross-validation, expanding or sliding.
* ``time_split``: one train / validation / test split at given boundaries, in time order.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__}).")
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {name}={value}.")
    return int(value)


def make_windows(
    series: Any, window: int, horizon: int = 1, stride: int = 1, target: int | str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``series`` into input windows and the values that follow them.

    Window k starts at ``s = k * stride``: ``X[k] = series[s : s + window]`` and
    ``y[k] = series[s + window : s + window + horizon]``. There are
    ``(n - window - horizon) // stride + 1`` windows.

    A 1-D series gives ``X (N, window)`` and ``y (N, horizon)``. A 2-D series ``(n, features)`` gives
    ``X (N, window, features)`` and ``y (N, horizon, features)``, or ``y (N, horizon)`` holding only
    column ``target`` (an index, or a column name for a DataFrame) when it is given.
    """
    window = _positive_int(window, "window")
    horizon = _positive_int(horizon, "horizon")
    stride = _positive_int(stride, "stride")
    columns = list(series.columns) if isinstance(series, pd.DataFrame) else None
    values = np.asarray(series)
    if not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
        raise ValueError(f"series must hold numbers; got dtype {values.dtype}.")
    if values.ndim not in (1, 2):
        raise ValueError(f"series must be 1-D (n,) or 2-D (n, features); got shape {values.shape}.")
    n = values.shape[0]
    if n < window + horizon:
        raise ValueError(
            f"window + horizon must be at most len(series) = {n}; got window={window}, horizon={horizon}. "
            "Use a shorter window or horizon, or a longer series."
        )
    if not np.all(np.isfinite(values)):
        bad = int(np.sum(~np.isfinite(values)))
        raise ValueError(
            f"series holds {bad} NaN or infinite value(s). Fill the gaps first: resample and interpolate "
            "(for example series.interpolate()) or drop the missing stretch."
        )
    if target is not None:
        if values.ndim != 2:
            raise ValueError("target selects a column, so it needs a 2-D series (n, features); this one is 1-D.")
        if isinstance(target, str):
            if columns is None or target not in columns:
                raise ValueError(f"target {target!r} is not a column; the columns are {columns}.")
            target = columns.index(target)
        elif isinstance(target, bool) or not isinstance(target, numbers.Integral):
            raise TypeError(f"target must be a column index or name; got {target!r}.")
        if not 0 <= target < values.shape[1]:
            raise ValueError(f"target must be a column index in 0..{values.shape[1] - 1}; got {target}.")

    count = (n - window - horizon) // stride + 1
    starts = np.arange(count) * stride  # (N,)
    x_idx = starts[:, None] + np.arange(window)  # (N, window)
    y_idx = starts[:, None] + window + np.arange(horizon)  # (N, horizon)
    X = values[x_idx]
    y = values[y_idx] if target is None else values[y_idx, target]
    return X, y


def rolling_origin_splits(
    n_samples: int, initial: int, horizon: int = 1, step: int = 1, sliding: bool = False
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rolling-window cross-validation: a list of ``(train_idx, test_idx)`` pairs.

    One split per origin ``o = initial, initial + step, ...`` while ``o + horizon <= n_samples``.
    The test indices are ``o .. o + horizon - 1``. The training indices are ``0 .. o - 1`` (expanding
    window) or the last ``initial`` of them, ``o - initial .. o - 1`` (sliding window).
    """
    n_samples = _positive_int(n_samples, "n_samples")
    initial = _positive_int(initial, "initial")
    horizon = _positive_int(horizon, "horizon")
    step = _positive_int(step, "step")
    if initial + horizon > n_samples:
        raise ValueError(
            f"initial + horizon must be at most n_samples = {n_samples}; got initial={initial}, "
            f"horizon={horizon}. Use a smaller initial training size or horizon."
        )
    splits = []
    for origin in range(initial, n_samples - horizon + 1, step):
        start = origin - initial if sliding else 0
        splits.append((np.arange(start, origin), np.arange(origin, origin + horizon)))
    return splits


def time_split(data: Any, val_start: Any, test_start: Any) -> tuple[Any, Any, Any]:
    """Split a Series or DataFrame in time order: ``index < val_start``, ``val_start <= index < test_start``,
    ``index >= test_start``. Nothing is shuffled, so no future value reaches the training part.

    ``val_start`` and ``test_start`` are index labels (dates such as ``"2014-01-01"`` for a DatetimeIndex).
    """
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        raise TypeError(f"data must be a pandas Series or DataFrame; got {type(data).__name__}.")
    index = data.index
    if not index.is_monotonic_increasing:
        raise ValueError("data's index must be sorted in time order; call data.sort_index() first.")
    if isinstance(index, pd.DatetimeIndex):
        val_start, test_start = pd.Timestamp(val_start), pd.Timestamp(test_start)
    if not val_start < test_start:
        raise ValueError(f"val_start must come before test_start; got {val_start} and {test_start}.")
    train = data[index < val_start]
    val = data[(index >= val_start) & (index < test_start)]
    test = data[index >= test_start]
    for name, part in (("train", train), ("validation", val), ("test", test)):
        if len(part) == 0:
            raise ValueError(
                f"the {name} part is empty; choose boundaries inside the data's range "
                f"{index[0]} .. {index[-1]}."
            )
    return train, val, test
