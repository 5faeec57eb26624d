"""Recurrent forecasters and the course's forecasting task, fixed once so that every notebook measures the same thing.

Predict the next day's ``temp_max`` in Seattle from the previous ``window`` days of the four weather
variables, plus the day of the year as a sine and a cosine. Train on 2012-2013, choose on 2014
(validation), report on 2015 (test). Taught in notebook 06, reused in notebook 08. The baselines that a
forecaster must beat, and the metric, live in ``course_utils.baselines``.

* ``weather_task``: the windows, normalised with training statistics only, as a ``WeatherTask``
  (``add_day_of_year`` adds the season as a point on a circle).
* ``Forecaster``: an RNN, LSTM or GRU read over the window, then a linear head (one output per day ahead).
* ``train_forecaster`` and ``predict_degrees``: train one with the settings chosen in notebook 06, and
  read its forecasts in degrees C.
* ``KINDS`` and ``recurrent_layer`` come from ``course_utils._validate`` (the one map from a kind to its layer).

Typical use::

    task = weather_task()                       # window 5, day of year on, 1 day ahead
    model, history = train_forecaster(task, "gru", seed=0)
    mae(predict_degrees(model, task, "test"), task.truth("test"))   # degrees C on 2015 (baselines.mae)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

from course_utils._validate import KINDS as KINDS  # re-exported: the kinds a Forecaster accepts
from course_utils._validate import check_kind, instance_of, integer, one_of, positive_int, probability, recurrent_layer
from course_utils.checks import _as_array
from course_utils.data import load_weather
from course_utils.train import History, fit, predict, set_seed
from course_utils.windows import make_windows, time_split

FEATURES = ("precipitation", "temp_max", "temp_min", "wind")
TARGET = "temp_max"
SPLITS = ("train", "val", "test")
VAL_START, TEST_START = "2014-01-01", "2015-01-01"


def _check_split(split: str) -> str:
    return one_of("split", split, SPLITS, hint="'train' is 2012-2013, 'val' 2014 and 'test' 2015.")


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
        if batch_size is not None:
            batch_size = positive_int("batch_size", batch_size, hint="Or None for one full batch.")
        seed = integer("seed", seed, 0)
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
    instance_of("df", df, pd.DataFrame, hint="Pass the weather table, e.g. load_weather().")
    instance_of("df.index", df.index, pd.DatetimeIndex, hint="Index the rows by date: df.set_index('date').")
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
    features = _check_features(features)
    window = positive_int("window", window, hint="It is the number of past days each forecast reads.")
    horizon = positive_int("horizon", horizon, hint="It is the number of days ahead to forecast.")
    data = (load_weather() if df is None else df)[features]
    if day_of_year:
        data = add_day_of_year(data)
    train = time_split(data, VAL_START, TEST_START)[0]
    mean, std = train.mean(), train.std()
    _check_training_part(train, window, std)
    norm = (data - mean) / std  # training statistics for every split
    X, y, dates = {}, {}, {}
    for split, part in zip(SPLITS, time_split(data, VAL_START, TEST_START), strict=True):
        first, last = data.index.get_loc(part.index[0]), data.index.get_loc(part.index[-1])
        chunk = norm.iloc[max(first - window, 0) : last + 1]  # the part, after `window` days of its past
        xs, ys = make_windows(chunk, window, horizon, target=TARGET)
        X[split] = torch.tensor(xs, dtype=torch.float32)  # (N, window, n_features)
        y[split] = torch.tensor(ys, dtype=torch.float32)  # (N, horizon)
        dates[split] = chunk.index[window : window + len(ys)]
    return WeatherTask(X, y, dates, list(norm.columns), mean, std, window, horizon)


def _check_features(features: Sequence[str]) -> list[str]:
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(f"features must be a list of column names, e.g. ['temp_max']; got {features!r}.")
    features = list(features)
    unknown = [f for f in features if f not in FEATURES]
    if unknown or not features:
        raise ValueError(f"features must be a non-empty subset of {FEATURES}; got {features}. "
                         f"Unknown: {unknown}." if unknown else f"features must not be empty; choose from {FEATURES}.")
    if TARGET not in features:
        raise ValueError(f"features must include the target {TARGET!r} (persistence needs it); got {features}. "
                         f"Add {TARGET!r} to the list.")
    return features


def _check_training_part(train: pd.DataFrame, window: int, std: pd.Series) -> None:
    if window >= len(train):
        raise ValueError(f"window must be shorter than the training part ({len(train)} days); got window={window}. "
                         "Use a window of a few days (the course uses 5).")
    flat = [str(c) for c in std.index if not std[c] > 0]
    if flat:
        raise ValueError(f"column(s) {flat} are constant over the training years (zero standard deviation), so they "
                         "cannot be normalised; drop them from features (they carry no information).")


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
        _check_sizes(input_size=input_size, hidden_size=hidden_size, horizon=horizon, num_layers=num_layers)
        dropout = probability("dropout", dropout, hint="It is the share of the last hidden state zeroed in training.")
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


def _check_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        positive_int(name, value)


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
    instance_of("task", task, WeatherTask, hint="Build it with weather_task().")
    set_seed(integer("seed", seed, 0))
    model = Forecaster(check_kind(kind), task.n_features, hidden_size, horizon=task.horizon, dropout=dropout,
                       num_layers=num_layers, bidirectional=bidirectional)
    loaders = task.loaders(batch_size, seed)
    history = fit(model, loaders["train"], nn.MSELoss(), epochs=epochs, lr=lr, val_loader=loaders["val"],
                  patience=patience, progress=progress, device=device, desc=kind.upper())
    return model, history


def predict_degrees(model: nn.Module, task: WeatherTask, split: str = "test") -> np.ndarray:
    """The model's forecasts for ``split`` in degrees C, ``(N, horizon)``."""
    instance_of("model", model, nn.Module, hint="Pass a trained Forecaster, e.g. from train_forecaster.")
    instance_of("task", task, WeatherTask, hint="Build it with weather_task().")
    return task.to_degrees(predict(model, task.loaders()[_check_split(split)]))
