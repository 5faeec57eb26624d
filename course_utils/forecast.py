"""The course's weather forecasting task, fixed once so that every notebook measures the same thing.

Predict the next day's ``temp_max`` in Seattle from the previous ``window`` days of the four weather
variables, plus the day of the year as a sine and a cosine. Train on 2012-2013, choose on 2014
(validation), report on 2015 (test). Taught in notebook 06, reused in notebook 08.

* ``weather_task``: the windows, normalised with training statistics only, as a ``WeatherTask``.
* ``Forecaster``: an RNN, LSTM or GRU read over the window, then a linear head (one output per day ahead).
* ``train_forecaster`` and ``predict_degrees``: train one with the settings chosen in notebook 06, and
  read its forecasts in degrees C.
* ``mae``, ``persistence_forecast``, ``persistence_mae``, ``linear_forecast`` (with ``ridge_fit`` and
  ``ridge_predict``), ``climatology_forecast``: the metric and the baselines.
* ``KINDS`` and ``recurrent_layer`` come from ``course_utils._validate`` (the one map from a kind to its layer).

Typical use::

    task = weather_task()                       # window 5, day of year on, 1 day ahead
    model, history = train_forecaster(task, "gru", seed=0)
    mae(predict_degrees(model, task, "test"), task.truth("test"))   # degrees C on 2015
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

from course_utils._validate import KINDS as KINDS  # re-exported: the kinds a Forecaster accepts
from course_utils._validate import check_kind, real, recurrent_layer
from course_utils.checks import _as_array
from course_utils.data import load_weather
from course_utils.train import History, fit, predict, set_seed
from course_utils.windows import make_windows, time_split

FEATURES = ("precipitation", "temp_max", "temp_min", "wind")
TARGET = "temp_max"
SPLITS = ("train", "val", "test")
VAL_START, TEST_START = "2014-01-01", "2015-01-01"


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}; got {split!r}.")
    return split


@dataclass
class WeatherTask:
    """The windows of one forecasting task, split in time order and normalised with training statistics.

    ``X[split]`` is a float32 tensor ``(N, window, n_features)`` and ``y[split]`` is ``(N, horizon)``: the
    normalised ``temp_max`` of the ``horizon`` days after each window. ``dates[split]`` holds the date of
    each window's first target day. ``columns`` names the input features in order; ``mean`` and ``std``
    are their training statistics, used to normalise every split.
    """

    X: dict[str, torch.Tensor]
    y: dict[str, torch.Tensor]
    dates: dict[str, pd.DatetimeIndex]
    columns: list[str]
    mean: pd.Series
    std: pd.Series
    window: int
    horizon: int

    @property
    def n_features(self) -> int:
        """The number of input columns: the ``input_size`` of a recurrent layer."""
        return len(self.columns)

    def to_degrees(self, values: torch.Tensor | np.ndarray) -> np.ndarray:
        """Normalised ``temp_max`` values (a tensor or an array, any shape) in degrees C, as a numpy array."""
        return _as_array(values) * self.std[TARGET] + self.mean[TARGET]

    def truth(self, split: str) -> np.ndarray:
        """The true targets of ``split`` in degrees C, ``(N, horizon)``."""
        return self.to_degrees(self.y[_check_split(split)])

    def loaders(self, batch_size: int | None = None, seed: int = 0) -> dict[str, DataLoader]:
        """DataLoaders of ``(X, y)`` batches, one per split; ``batch_size=None`` gives one full batch.

        Only the training loader shuffles, and only when ``batch_size`` is given (with its own generator
        seeded with ``seed``). Shuffling whole windows leaks nothing: each window keeps its days in order.
        Each batch is cut with one tensor index, much faster than collating windows one by one.
        """
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1
        ):
            raise ValueError(f"batch_size must be a positive integer or None (one full batch); got {batch_size!r}.")
        out = {}
        for split in SPLITS:
            data = TensorDataset(self.X[split], self.y[split])
            if split == "train" and batch_size is not None:
                sampler = RandomSampler(data, generator=torch.Generator().manual_seed(seed))
            else:
                sampler = SequentialSampler(data)
            size = len(data) if batch_size is None else int(batch_size)
            out[split] = DataLoader(data, sampler=BatchSampler(sampler, size, drop_last=False), batch_size=None)
        return out


def add_day_of_year(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` (on a DatetimeIndex) with two more columns, ``doy_sin`` and ``doy_cos``: the day
    of the year as a point on a circle, so that 31 December sits next to 1 January."""
    if not isinstance(df.index, pd.DatetimeIndex):
        raise TypeError(f"df needs a DatetimeIndex; got {type(df.index).__name__}.")
    angle = 2 * np.pi * (df.index.day_of_year - 1) / 365.25
    return df.assign(doy_sin=np.sin(angle), doy_cos=np.cos(angle))


def weather_task(
    window: int = 5,
    horizon: int = 1,
    day_of_year: bool = True,
    features: Sequence[str] = FEATURES,
    df: pd.DataFrame | None = None,
) -> WeatherTask:
    """Build the course's forecasting task from ``load_weather()`` (or from ``df``, with the same columns).

    Inputs: the previous ``window`` days of ``features`` (which must include ``temp_max``, so that
    persistence is defined), plus ``doy_sin`` and ``doy_cos`` when ``day_of_year`` is true. Targets:
    ``temp_max`` on the ``horizon`` days after the window. Each window belongs to the split of its first
    target day: 2012-2013 train, 2014 validation, 2015 test. A validation or test window may read the last
    days of the year before (they are its past), but no target lies outside its split. All columns are
    normalised with the mean and standard deviation of the training part only.
    """
    features = list(features)
    unknown = [f for f in features if f not in FEATURES]
    if unknown or not features:
        raise ValueError(f"features must be a non-empty subset of {FEATURES}; got {features}.")
    if TARGET not in features:
        raise ValueError(f"features must include the target {TARGET!r} (persistence needs it); got {features}.")
    data = (load_weather() if df is None else df)[features]
    if day_of_year:
        data = add_day_of_year(data)
    parts = time_split(data, VAL_START, TEST_START)
    train = parts[0]
    if isinstance(window, numbers.Integral) and not isinstance(window, bool) and window >= len(train):
        raise ValueError(f"window must be shorter than the training part ({len(train)} days); got window={window}.")
    mean, std = train.mean(), train.std()
    flat = [str(c) for c in std.index if not std[c] > 0]
    if flat:
        raise ValueError(f"column(s) {flat} are constant over the training years (zero standard deviation), so they "
                         "cannot be normalised; drop them from features (they carry no information).")
    norm = (data - mean) / std  # training statistics for every split
    X, y, dates = {}, {}, {}
    for split, part in zip(SPLITS, parts, strict=True):
        first, last = data.index.get_loc(part.index[0]), data.index.get_loc(part.index[-1])
        chunk = norm.iloc[max(first - window, 0) : last + 1]  # the part, after `window` days of its past
        xs, ys = make_windows(chunk, window, horizon, target=TARGET)
        X[split] = torch.tensor(xs, dtype=torch.float32)  # (N, window, n_features)
        y[split] = torch.tensor(ys, dtype=torch.float32)  # (N, horizon)
        dates[split] = chunk.index[window : window + len(ys)]
    return WeatherTask(X, y, dates, list(norm.columns), mean, std, int(window), int(horizon))


def mae(pred: torch.Tensor | np.ndarray, truth: torch.Tensor | np.ndarray) -> float:
    """Mean absolute error of two arrays or tensors of the same shape (in the units they come in)."""
    pred, truth = _as_array(pred), _as_array(truth)
    if pred.shape != truth.shape:
        raise ValueError(f"pred and truth must have the same shape; got {pred.shape} and {truth.shape}.")
    return float(np.mean(np.abs(pred - truth)))


def persistence_forecast(task: WeatherTask, split: str = "test") -> np.ndarray:
    """Persistence, "tomorrow will be like today": the window's last ``temp_max`` for every day ahead,
    in degrees C, ``(N, horizon)``."""
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
    if b.ndim != 2 or len(b) != len(A):
        raise ValueError(f"y must have shape (N, horizon) with N = {len(A)} rows of X; got {b.shape}.")
    penalty = ridge * np.eye(A.shape[1])
    penalty[-1, -1] = 0.0  # the intercept is not penalised
    return np.linalg.solve(A.T @ A + penalty, A.T @ b)


def ridge_predict(X: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """The forecasts ``(N, horizon)`` of the linear model ``coef`` (from ``ridge_fit``) for the rows of ``X``."""
    return _design(X) @ coef


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
    coef = ridge_fit(task.X["train"], task.y["train"], ridge)
    return task.to_degrees(ridge_predict(task.X[_check_split(split)], coef))


def climatology_forecast(task: WeatherTask, split: str = "test", smooth: int = 15) -> np.ndarray:
    """The seasonal climatology: for each target day, the average ``temp_max`` of that day of the year over
    the training years, smoothed over ``smooth`` neighbouring days (a circular moving average, since two
    years give only two values per day); in degrees C, ``(N, horizon)``."""
    if isinstance(smooth, bool) or not isinstance(smooth, numbers.Integral) or smooth < 1 or smooth % 2 == 0:
        raise ValueError(f"smooth must be an odd positive integer (days centred on each day); got {smooth!r}.")
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


class Forecaster(nn.Module):
    """A recurrent layer (``kind`` "rnn", "lstm" or "gru") read over the window, then a linear head on
    its last hidden state: ``(N, window, input_size) -> (N, horizon)``.

    ``dropout`` zeroes a share of that last hidden state during training (and of the outputs between
    layers when ``num_layers`` > 1). ``bidirectional`` also reads the window backwards; the head then
    sees the final forward state and the final backward state (the backward one sits at step 0).
    """

    def __init__(self, kind: str, input_size: int, hidden_size: int = 32, horizon: int = 1,
                 num_layers: int = 1, dropout: float = 0.0, bidirectional: bool = False) -> None:
        super().__init__()
        layer = recurrent_layer(kind)
        self.kind = kind
        self.rnn = layer(input_size, hidden_size, num_layers=num_layers, batch_first=True,
                         dropout=dropout if num_layers > 1 else 0.0, bidirectional=bidirectional)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), horizon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (N, window, directions * H)
        if self.rnn.bidirectional:
            hidden = self.rnn.hidden_size
            last = torch.cat([out[:, -1, :hidden], out[:, 0, hidden:]], dim=1)  # (N, 2H)
        else:
            last = out[:, -1]  # (N, H)
        return self.head(self.drop(last))  # (N, horizon)


def train_forecaster(
    task: WeatherTask,
    kind: str = "lstm",
    seed: int = 0,
    hidden_size: int = 32,
    dropout: float = 0.7,
    num_layers: int = 1,
    bidirectional: bool = False,
    batch_size: int | None = 128,
    lr: float = 1e-2,
    epochs: int = 100,
    patience: int | None = 10,
    progress: bool = True,
    device: torch.device | str | None = None,
) -> tuple[Forecaster, History]:
    """Seed, build and train a ``Forecaster`` on ``task`` with ``course_utils.train.fit``.

    Adam on the mean squared error of the normalised targets, shuffled mini-batches of ``batch_size``
    windows, early stopping on the 2014 validation loss (the best epoch's weights are kept). The defaults
    are the settings chosen on 2014 validation in notebook 06. Returns the model (on ``device``, by
    default the GPU when there is one) and its ``History``. ``num_layers=2`` stacks two recurrent layers;
    ``bidirectional=True`` also reads the window backwards (legitimate: every day of it is in the past).
    """
    set_seed(seed)
    model = Forecaster(check_kind(kind), task.n_features, hidden_size, horizon=task.horizon, dropout=dropout,
                       num_layers=num_layers, bidirectional=bidirectional)
    loaders = task.loaders(batch_size, seed)
    history = fit(model, loaders["train"], nn.MSELoss(), epochs=epochs, lr=lr, val_loader=loaders["val"],
                  patience=patience, progress=progress, device=device, desc=kind.upper())
    return model, history


def predict_degrees(model: nn.Module, task: WeatherTask, split: str = "test") -> np.ndarray:
    """The model's forecasts for ``split`` in degrees C, ``(N, horizon)``."""
    return task.to_degrees(predict(model, task.loaders()[_check_split(split)]))
