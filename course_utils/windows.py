"""Turning a time series into supervised examples, and splitting it without leaking the future.

* ``make_windows``: sliding windows of past values (inputs) and the values that follow them (targets).
* ``rolling_origin_splits``: rolling-window cross-validation, expanding or sliding.
* ``time_split``: one train / validation / test split at given boundaries, in time order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils import _validate


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
    A pandas series must be in time order, evenly spaced, with no missing values.
    """
    values, target = _check_windows_input(series, window, horizon, stride, target)
    count = (len(values) - window - horizon) // stride + 1
    starts = np.arange(count) * stride  # (N,)
    x_idx = starts[:, None] + np.arange(window)  # (N, window)
    y_idx = starts[:, None] + window + np.arange(horizon)  # (N, horizon)
    X = values[x_idx]
    y = values[y_idx] if target is None else values[y_idx, target]
    return X, y


def _check_time_order(index: pd.Index) -> None:
    """Refuse an index out of time order (reversed, unsorted, repeated) or with gaps in it."""
    if not (index.is_monotonic_increasing and index.is_unique):
        raise ValueError(
            "series' index is not in increasing time order (it is reversed, unsorted or repeats a time), so "
            "targets could come before their inputs. Call series.sort_index() (and drop repeated times) first."
        )
    if isinstance(index, pd.DatetimeIndex) and len(index) >= 3 and index.freq is None and pd.infer_freq(index) is None:
        steps = index.to_series().diff().dropna()
        raise ValueError(
            f"series' DatetimeIndex is not evenly spaced (steps from {steps.min()} to {steps.max()}): a window "
            "would jump across the gap. Put the missing times back with series.asfreq(freq) and fill them "
            "(series.interpolate()), or cut windows from each gap-free stretch separately."
        )


def _check_windows_input(
    series: Any, window: int, horizon: int, stride: int, target: int | str | None
) -> tuple[np.ndarray, int | None]:
    """The series as a numeric array and the target as a column index, after every check of ``make_windows``."""
    window = _validate.positive_int("window", window)
    horizon = _validate.positive_int("horizon", horizon)
    _validate.positive_int("stride", stride)
    if isinstance(series, (pd.Series, pd.DataFrame)):
        _check_time_order(series.index)
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
    if target is None:
        return values, None
    if values.ndim != 2:
        raise ValueError("target selects a column, so it needs a 2-D series (n, features); this one is 1-D.")
    if isinstance(target, str):
        if columns is None or target not in columns:
            raise ValueError(f"target {target!r} is not a column; the columns are {columns}.")
        return values, columns.index(target)
    target = _validate.non_negative_int("target", target, hint="Give a column index or a column name.")
    if target >= values.shape[1]:
        raise ValueError(f"target must be a column index in 0..{values.shape[1] - 1}; got {target}.")
    return values, target


def rolling_origin_splits(
    n_samples: int, initial: int, horizon: int = 1, step: int = 1, sliding: bool = False, gap: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rolling-window cross-validation: a list of ``(train_idx, test_idx)`` pairs.

    One split per origin ``o = initial + gap, initial + gap + step, ...`` while ``o + horizon <= n_samples``.
    The test indices are ``o .. o + horizon - 1``. The training indices end ``gap`` samples before the
    origin: ``0 .. o - gap - 1`` (expanding window) or only the last ``initial`` of them (sliding window).
    When each sample's target spans several steps (``make_windows`` with ``horizon=h``), use ``gap=h - 1``:
    then no training target falls on a day that a test sample predicts.
    """
    _check_split_sizes(n_samples, initial, horizon, step, gap)
    splits = []
    for origin in range(initial + gap, n_samples - horizon + 1, step):
        end = origin - gap  # training stops `gap` samples before the test part
        start = end - initial if sliding else 0
        splits.append((np.arange(start, end), np.arange(origin, origin + horizon)))
    return splits


def _check_split_sizes(n_samples: int, initial: int, horizon: int, step: int, gap: int) -> None:
    for name, value in (("n_samples", n_samples), ("initial", initial), ("horizon", horizon), ("step", step)):
        _validate.positive_int(name, value)
    _validate.non_negative_int("gap", gap)
    if initial + gap + horizon > n_samples:
        raise ValueError(
            f"initial + gap + horizon must be at most n_samples = {n_samples}; got initial={initial}, "
            f"gap={gap}, horizon={horizon}. Use a smaller initial training size, gap or horizon."
        )


def time_split(data: Any, val_start: Any, test_start: Any) -> tuple[Any, Any, Any]:
    """Split a Series or DataFrame in time order: ``index < val_start``, ``val_start <= index < test_start``,
    ``index >= test_start``. Nothing is shuffled, so no future value reaches the training part.

    ``val_start`` and ``test_start`` are index labels (dates such as ``"2014-01-01"`` for a DatetimeIndex).
    """
    val_start, test_start = _check_time_split(data, val_start, test_start)
    index = data.index
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


def _check_time_split(data: Any, val_start: Any, test_start: Any) -> tuple[Any, Any]:
    """The two boundaries, comparable with ``data``'s index (dates as Timestamps in its time zone)."""
    _validate.instance_of("data", data, (pd.Series, pd.DataFrame))
    index = data.index
    if isinstance(index, pd.DatetimeIndex):
        val_start, test_start = (_timestamp(name, value, index.tz) for name, value in
                                 (("val_start", val_start), ("test_start", test_start)))
    elif not pd.api.types.is_numeric_dtype(index.dtype):
        raise TypeError(
            f"data's index must hold times (a DatetimeIndex) or numbers; got dtype {index.dtype}. For dates "
            "stored as text, convert them first: data.index = pd.to_datetime(data.index)."
        )
    if not index.is_monotonic_increasing:
        raise ValueError("data's index must be sorted in time order; call data.sort_index() first.")
    if not val_start < test_start:
        raise ValueError(f"val_start must come before test_start; got {val_start} and {test_start}.")
    return val_start, test_start


def _timestamp(name: str, value: Any, tz: Any) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a date such as '2014-01-01'; got {value!r}.") from err
    if tz is not None and stamp.tz is None:
        return stamp.tz_localize(tz)  # a plain date means that date in the data's own time zone
    if tz is None and stamp.tz is not None:
        raise ValueError(f"{name} has a time zone ({stamp.tz}) but data's index has none; give a plain date.")
    return stamp
