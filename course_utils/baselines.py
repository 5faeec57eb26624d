"""Forecasting baselines and the metric they are scored with (the MAE is defined in notebook 05; the
baselines on the weather task are taught in notebook 06 and reused in 08).

A recurrent forecaster is worth its cost only if it beats simple forecasts on the same task
(``course_utils.forecasters.WeatherTask``), scored with the same metric:

* ``mae``: the mean absolute error, in the units the values come in (degrees C here).
* ``persistence_forecast`` and ``persistence_mae``: "tomorrow will be like today".
* ``climatology_forecast``: the season alone, the training years' average of each day of the year.
* ``linear_forecast``: a linear model on the same inputs, fitted by ``ridge_fit`` (least squares with an
  L2 penalty) and applied by ``ridge_predict``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from course_utils._validate import instance_of, integer, real, same_shape
from course_utils.checks import _as_array
from course_utils.forecasters import TARGET, WeatherTask, _check_split


def mae(pred: torch.Tensor | np.ndarray, truth: torch.Tensor | np.ndarray) -> float:
    """Mean absolute error of two arrays or tensors of the same shape (in the units they come in)."""
    pred, truth = _as_array(pred), _as_array(truth)
    same_shape("pred", pred, "truth", truth)
    if pred.size == 0:
        raise ValueError("pred and truth are empty; score at least one forecast.")
    return float(np.mean(np.abs(pred - truth)))


def persistence_forecast(task: WeatherTask, split: str = "test") -> np.ndarray:
    """Persistence, "tomorrow will be like today": the window's last ``temp_max`` for every day ahead,
    in degrees C, ``(N, horizon)``."""
    _check_task(task)
    last = task.X[_check_split(split)][:, -1, task.columns.index(TARGET)]  # (N,)
    return np.repeat(task.to_degrees(last)[:, None], task.horizon, axis=1)


def persistence_mae(task: WeatherTask, split: str = "test") -> float:
    """MAE of the persistence forecast on ``split``, in degrees C."""
    return mae(persistence_forecast(task, split), task.truth(split))


def ridge_fit(X: np.ndarray, y: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """Least squares with an L2 penalty ``ridge`` on the weights, not on the intercept.

    ``X`` is ``(N, ...)`` (each row flattened), ``y`` is ``(N, horizon)``. Returns the coefficients
    ``(n_inputs + 1, horizon)``, the intercept last; ``ridge_predict`` applies them.
    """
    ridge = real("ridge", ridge, 0.0, hint="0 is plain least squares; larger values shrink the weights.")
    A, b = _design(X), _as_array(y)
    _check_rows("y", b, (len(A), "horizon"), "Give one row of targets per row of X, e.g. y[:, None] for one day.")
    penalty = ridge * np.eye(A.shape[1])
    penalty[-1, -1] = 0.0  # the intercept is not penalised
    return np.linalg.solve(A.T @ A + penalty, A.T @ b)


def ridge_predict(X: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """The forecasts ``(N, horizon)`` of the linear model ``coef`` (from ``ridge_fit``) for the rows of ``X``."""
    A, c = _design(X), _as_array(coef)
    _check_rows("coef", c, (A.shape[1], "horizon"), "Pass the coefficients ridge_fit returned for inputs like X.")
    return A @ c


def _check_rows(name: str, value: np.ndarray, shape: tuple, hint: str) -> None:
    """Refuse ``value`` unless it is 2-D with ``shape[0]`` rows."""
    if value.ndim != 2 or len(value) != shape[0]:
        raise ValueError(f"{name} must have shape {shape}; got {value.shape}. {hint}")


def _design(X: torch.Tensor | np.ndarray) -> np.ndarray:
    x = _as_array(X)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"X must have shape (N, ...) with at least one row; got {x.shape}.")
    x = x.reshape(len(x), -1)  # (N, window * n_features)
    return np.hstack([x, np.ones((len(x), 1))])  # and a column of ones for the intercept


def linear_forecast(task: WeatherTask, split: str = "test", ridge: float = 0.0) -> np.ndarray:
    """A linear model on the same inputs (the whole window, flattened), fitted on the training part by
    least squares with an L2 penalty ``ridge`` on the weights (``ridge_fit``); its forecasts for ``split``
    in degrees C, ``(N, horizon)``."""
    _check_task(task)
    coef = ridge_fit(task.X["train"], task.y["train"], ridge)
    return task.to_degrees(ridge_predict(task.X[_check_split(split)], coef))


def climatology_forecast(task: WeatherTask, split: str = "test", smooth: int = 15) -> np.ndarray:
    """The seasonal climatology: for each target day, the average ``temp_max`` of that day of the year over
    the training years, smoothed over ``smooth`` neighbouring days (a circular moving average, since two
    years give only two values per day); in degrees C, ``(N, horizon)``."""
    smooth = integer("smooth", smooth, 1, hint="It is the number of days averaged around each day (odd).")
    if smooth % 2 == 0:
        raise ValueError(f"smooth must be odd, so that the average is centred on each day; got smooth={smooth}. "
                         f"Use {smooth - 1} or {smooth + 1}.")
    _check_task(task)
    days = task.dates["train"]  # first target day of each training window
    temps = task.truth("train")[:, 0]
    doy = _calendar_day(days)
    sums, counts = np.bincount(doy, temps, minlength=365), np.bincount(doy, minlength=365)
    kernel = np.ones(smooth)
    wrap = lambda v: np.convolve(np.concatenate([v[-smooth:], v, v[:smooth]]), kernel, "same")[smooth:-smooth]
    climate = wrap(sums) / np.maximum(wrap(counts), 1)  # (365,)
    start = task.dates[_check_split(split)]
    out = [climate[_calendar_day(start + pd.Timedelta(days=h))] for h in range(task.horizon)]
    return np.stack(out, axis=1)


def _calendar_day(dates: pd.DatetimeIndex) -> np.ndarray:
    """0..364 for 1 January..31 December in every year; 29 February shares 28 February's slot."""
    doy = np.asarray(dates.day_of_year)
    return doy - 1 - (np.asarray(dates.is_leap_year) & (doy > 59))


def _check_task(task: WeatherTask) -> None:
    instance_of("task", task, WeatherTask, hint="Build it with forecasters.weather_task().")
