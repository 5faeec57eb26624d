"""The course's weather forecasting task, fixed once so that every notebook measures the same thing.

Predict the next day's ``temp_max`` in Seattle from the previous ``window`` days of the four weather
variables (plus, optionally, the day of the year as a sine and a cosine). Train on 2012-2013, choose on
2014 (validation), report on 2015 (test). Taught in notebook 06, reused in notebook 08.

* ``weather_task``: builds the windows, normalised with training statistics only, as a ``WeatherTask``.
* ``Forecaster``: an RNN, LSTM or GRU followed by a linear head, one output per forecast day.
* ``persistence_mae``, ``linear_forecast``, ``mae``: baselines and the metric, in degrees C.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

from course_utils.data import load_weather
from course_utils.windows import make_windows, time_split

FEATURES = ("precipitation", "temp_max", "temp_min", "wind")
TARGET = "temp_max"
SPLITS = ("train", "val", "test")
KINDS = ("rnn", "lstm", "gru")
VAL_START, TEST_START = "2014-01-01", "2015-01-01"


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}; got {split!r}.")
    return split


@dataclass
class WeatherTask:
    """The windows of one forecasting task, split in time order and normalised with training statistics.

    ``X[split]`` is a float32 tensor ``(N, window, features)``, ``y[split]`` is ``(N, horizon)`` (the
    normalised ``temp_max`` of the ``horizon`` days after each window) and ``dates[split]`` holds the date of
    each window's first target day. ``mean`` and ``std`` are the training statistics of every input column;
    ``to_degrees`` turns normalised targets or predictions back into degrees C.
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
        """The number of input columns (the ``input_size`` of a recurrent layer)."""
        return len(self.columns)

    def to_degrees(self, values: torch.Tensor | np.ndarray) -> np.ndarray:
        """Normalised ``temp_max`` values (a tensor or array of any shape) in degrees C, as a numpy array."""
        if isinstance(values, torch.Tensor):
            values = values.detach().cpu().numpy()
        return np.asarray(values, dtype=np.float64) * self.std[TARGET] + self.mean[TARGET]

    def truth(self, split: str) -> np.ndarray:
        """The true targets of ``split`` in degrees C, ``(N, horizon)``."""
        return self.to_degrees(self.y[_check_split(split)])

    def loaders(self, batch_size: int | None = None, seed: int = 0) -> dict[str, DataLoader]:
        """DataLoaders of ``(X, y)`` batches per split; ``batch_size=None`` gives one full batch.

        Only the training loader shuffles (with its own generator, seeded with ``seed``), and only when
        ``batch_size`` is given. Each batch is cut with one tensor index, which is much faster than
        collating windows one by one.
        """
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int)
                                       or batch_size < 1):
            raise ValueError(f"batch_size must be a positive integer or None (full batch); got {batch_size!r}.")
        out = {}
        for split in SPLITS:
            data = TensorDataset(self.X[split], self.y[split])
            size = len(data) if batch_size is None else batch_size
            if split == "train" and batch_size is not None:
                sampler = RandomSampler(data, generator=torch.Generator().manual_seed(seed))
            else:
                sampler = SequentialSampler(data)
            out[split] = DataLoader(data, sampler=BatchSampler(sampler, size, drop_last=False), batch_size=None)
        return out


def add_day_of_year(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` (daily DatetimeIndex) with columns ``doy_sin`` and ``doy_cos``: the day of the
    year as a point on a circle, so that 31 December sits next to 1 January."""
    if not isinstance(df.index, pd.DatetimeIndex):
        raise TypeError(f"df needs a DatetimeIndex; got {type(df.index).__name__}.")
    angle = 2 * np.pi * (df.index.dayofyear - 1) / 365.25
    return df.assign(doy_sin=np.sin(angle), doy_cos=np.cos(angle))


def weather_task(
    window: int = 14,
    horizon: int = 1,
    day_of_year: bool = True,
    features: Sequence[str] = FEATURES,
    df: pd.DataFrame | None = None,
) -> WeatherTask:
    """Build the course's forecasting task from ``load_weather()`` (or ``df``, same columns).

    Inputs: the previous ``window`` days of ``features`` (``temp_max`` must be one of them, so that
    persistence is defined), plus ``doy_sin``/``doy_cos`` when ``day_of_year``. Targets: ``temp_max`` on the
    ``horizon`` days after the window. Split by the date of the first target day: 2012-2013 train, 2014
    validation, 2015 test; a validation or test window may read the days just before its year (they are
    the past), but no target of one split lies in another. Normalised with the training part's mean and std.
    """
    features = list(features)
    unknown = [f for f in features if f not in FEATURES]
    if unknown or not features:
        raise ValueError(f"features must be a non-empty subset of {FEATURES}; got {features}.")
    if TARGET not in features:
        raise ValueError(f"features must include the target {TARGET!r}; got {features}.")
    df = load_weather() if df is None else df
    data = df[features]
    if day_of_year:
        data = add_day_of_year(data)
    train, val, test = time_split(data, VAL_START, TEST_START)
    mean, std = train.mean(), train.std()
    norm = (data - mean) / std
    columns = list(norm.columns)
    X, y, dates = {}, {}, {}
    for split, part in zip(SPLITS, (train, val, test), strict=True):
        first = data.index.get_loc(part.index[0])
        start = max(first - window, 0)  # the window days before this part: its past, not its targets
        chunk = norm.iloc[start : data.index.get_loc(part.index[-1]) + 1]
        xs, ys = make_windows(chunk, window, horizon, target=TARGET)
        X[split] = torch.tensor(xs, dtype=torch.float32)
        y[split] = torch.tensor(ys, dtype=torch.float32)
        dates[split] = chunk.index[window : window + len(ys)]
    return WeatherTask(X, y, dates, columns, mean, std, window, horizon)


def mae(pred: torch.Tensor | np.ndarray, truth: torch.Tensor | np.ndarray) -> float:
    """Mean absolute error of two arrays of the same shape (same units in, same units out)."""
    pred = pred.detach().cpu().numpy() if isinstance(pred, torch.Tensor) else np.asarray(pred)
    truth = truth.detach().cpu().numpy() if isinstance(truth, torch.Tensor) else np.asarray(truth)
    if pred.shape != truth.shape:
        raise ValueError(f"pred and truth must have the same shape; got {pred.shape} and {truth.shape}.")
    return float(np.mean(np.abs(pred.astype(np.float64) - truth.astype(np.float64))))


def persistence_forecast(task: WeatherTask, split: str = "test") -> np.ndarray:
    """Tomorrow (and every later forecast day) will be like today: the window's last ``temp_max``,
    in degrees C, ``(N, horizon)``."""
    last = task.X[_check_split(split)][:, -1, task.columns.index(TARGET)]  # (N,)
    return np.repeat(task.to_degrees(last)[:, None], task.horizon, axis=1)


def persistence_mae(task: WeatherTask, split: str = "test") -> float:
    """MAE in degrees C of the persistence forecast on ``split``."""
    return mae(persistence_forecast(task, split), task.truth(split))


def linear_forecast(task: WeatherTask, split: str = "test", ridge: float = 0.0) -> np.ndarray:
    """A linear model on the same inputs (the flattened window), fitted by least squares on the training
    part (``ridge`` adds an L2 penalty on the weights), predicting ``split`` in degrees C, ``(N, horizon)``."""
    if ridge < 0:
        raise ValueError(f"ridge must be at least 0; got {ridge}.")

    def design(s: str) -> np.ndarray:
        x = task.X[s].double().numpy().reshape(len(task.X[s]), -1)
        return np.hstack([x, np.ones((len(x), 1))])

    A, b = design("train"), task.y["train"].double().numpy()
    penalty = ridge * np.eye(A.shape[1])
    penalty[-1, -1] = 0.0  # no penalty on the intercept
    coef = np.linalg.solve(A.T @ A + penalty, A.T @ b)
    return task.to_degrees(design(_check_split(split)) @ coef)


class Forecaster(nn.Module):
    """A recurrent layer (``kind`` "rnn", "lstm" or "gru") read over the window, then a linear head on
    its last hidden state: ``(N, window, input_size) -> (N, horizon)``.

    ``dropout`` drops a share of the last hidden state during training (and of the outputs between
    stacked layers when ``num_layers`` > 1); ``bidirectional`` reads the window both ways
    (the head then sees the final forward and backward states).
    """

    def __init__(self, kind: str, input_size: int, hidden_size: int = 16, horizon: int = 1,
                 num_layers: int = 1, dropout: float = 0.0, bidirectional: bool = False) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {kind!r}.")
        layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.kind = kind
        self.rnn = layer(input_size, hidden_size, num_layers=num_layers, batch_first=True,
                         dropout=dropout if num_layers > 1 else 0.0, bidirectional=bidirectional)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), horizon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (N, window, H * directions)
        if self.rnn.bidirectional:
            hidden = self.rnn.hidden_size
            last = torch.cat([out[:, -1, :hidden], out[:, 0, hidden:]], dim=1)  # final state of each direction
        else:
            last = out[:, -1]  # (N, H)
        return self.head(self.drop(last))  # (N, horizon)
