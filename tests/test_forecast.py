"""Tests of course_utils.forecasters (the fixed weather task, the forecaster) and course_utils.baselines."""

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import forecasters
from course_utils.baselines import (
    _calendar_day,
    climatology_forecast,
    linear_forecast,
    mae,
    persistence_forecast,
    persistence_mae,
    ridge_fit,
    ridge_predict,
)
from course_utils.data import load_weather
from course_utils.forecasters import (
    FEATURES,
    KINDS,
    Forecaster,
    add_day_of_year,
    predict_degrees,
    recurrent_layer,
    train_forecaster,
    weather_task,
)


@pytest.fixture
def task():
    # built for each test (10 ms): mutation testing maps weather_task to every test that uses it
    return weather_task()


def test_shapes_and_split_years(task):
    assert task.columns == [*FEATURES, "doy_sin", "doy_cos"]
    assert task.n_features == 6
    assert [len(task.y[s]) for s in ("train", "val", "test")] == [731 - 5, 365, 365]
    assert tuple(task.X["test"].shape) == (365, 5, 6)
    assert tuple(task.y["test"].shape) == (365, 1)
    assert task.X["train"].dtype == torch.float32
    assert task.dates["train"][0] == pd.Timestamp("2012-01-06")
    assert task.dates["train"][-1] < pd.Timestamp("2014-01-01") <= task.dates["val"][0]
    assert task.dates["val"][-1] < pd.Timestamp("2015-01-01") == task.dates["test"][0]
    assert task.dates["test"][-1] == pd.Timestamp("2015-12-31")


def test_windows_hold_the_right_days(task):
    df = load_weather()
    k = 10
    date = task.dates["test"][k]
    np.testing.assert_allclose(task.truth("test")[k, 0], df.loc[date, "temp_max"], atol=1e-4)
    past = df.loc[date - pd.Timedelta(days=5) : date - pd.Timedelta(days=1), "temp_max"].to_numpy()
    np.testing.assert_allclose(task.to_degrees(task.X["test"][k, :, 1]), past, atol=1e-4)


def test_normalised_with_training_statistics_only(task):
    train = load_weather()[:"2013-12-31"]
    assert task.mean["temp_max"] == pytest.approx(train["temp_max"].mean())
    assert task.std["wind"] == pytest.approx(train["wind"].std())
    # the training windows' last days cover 2012-01-05 .. 2013-12-30: close to mean 0, std 1
    assert abs(float(task.X["train"][:, -1, 1].mean())) < 0.05


def test_multi_step_and_features():
    task = weather_task(window=14, horizon=7, features=["temp_max"], day_of_year=False)
    assert task.columns == ["temp_max"]
    assert [len(task.y[s]) for s in ("train", "val", "test")] == [731 - 14 - 6, 365 - 6, 365 - 6]
    assert persistence_forecast(task, "val").shape == (359, 7)


def test_persistence_matches_pandas(task):
    s = load_weather()["temp_max"]
    expected = (s - s.shift(1))["2015"].abs().mean()
    assert persistence_mae(task) == pytest.approx(expected, abs=1e-5)
    assert round(persistence_mae(task), 2) == 2.24


def test_linear_beats_persistence_on_validation(task):
    assert mae(linear_forecast(task, "val", ridge=10.0), task.truth("val")) < persistence_mae(task, "val")


def test_day_of_year_circle():
    df = add_day_of_year(pd.DataFrame(index=pd.date_range("2015-01-01", periods=365)))
    np.testing.assert_allclose(df["doy_sin"] ** 2 + df["doy_cos"] ** 2, 1.0)
    assert df["doy_cos"].iloc[0] == pytest.approx(1.0)


@pytest.mark.parametrize("kind", KINDS)
def test_forecaster_shapes(kind):
    torch.manual_seed(0)
    model = Forecaster(kind, input_size=6, hidden_size=4, horizon=3)
    assert model(torch.zeros(2, 5, 6)).shape == (2, 3)
    bi = Forecaster(kind, input_size=6, hidden_size=4, bidirectional=True)
    assert bi.head.in_features == 8
    assert bi(torch.zeros(2, 5, 6)).shape == (2, 1)


def test_bidirectional_reads_final_state_of_each_direction():
    torch.manual_seed(0)
    model = Forecaster("gru", input_size=2, hidden_size=3, bidirectional=True).eval()
    x = torch.randn(4, 6, 2)
    out, h_n = model.rnn(x)
    expected = model.head(torch.cat([h_n[0], h_n[1]], dim=1))
    torch.testing.assert_close(model(x), expected)


def test_train_and_predict_quickly(task):
    model, history = train_forecaster(task, "gru", hidden_size=8, epochs=3, progress=False, device="cpu")
    assert history.epochs == 3
    pred = predict_degrees(model, task, "val")
    assert pred.shape == (365, 1)
    assert np.isfinite(pred).all()


def test_training_repeats_with_the_same_seed(task):
    first = train_forecaster(task, "rnn", hidden_size=4, epochs=2, progress=False, device="cpu")[0]
    second = train_forecaster(task, "rnn", hidden_size=4, epochs=2, progress=False, device="cpu")[0]
    np.testing.assert_array_equal(predict_degrees(first, task), predict_degrees(second, task))


def test_loaders_batches(task):
    full = task.loaders()
    assert len(list(full["train"])) == 1
    batches = list(task.loaders(batch_size=128)["train"])
    assert len(batches) == 6 and batches[0][0].shape == (128, 5, 6)
    assert sorted(torch.cat([b[1] for b in batches]).flatten().tolist()) == sorted(
        task.y["train"].flatten().tolist()
    )


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=30))
def test_mae_is_zero_on_itself_and_symmetric(values):
    a = np.array(values)
    b = a[::-1].copy()
    assert mae(a, a) == 0.0
    assert mae(a, b) == pytest.approx(mae(b, a))
    assert mae(a, b) >= 0.0


def test_mae_is_the_mean_absolute_error_not_rmse():
    assert mae(np.array([0.0, 0.0]), np.array([1.0, 3.0])) == 2.0  # RMSE would be sqrt(5), the max 3
    assert mae(torch.tensor([[1.0], [2.0]]), np.array([[1.0], [6.0]])) == 2.0


def test_ridge_leaves_the_intercept_unpenalised(task):
    huge = linear_forecast(task, "val", ridge=1e12)  # the weights vanish, the intercept remains
    np.testing.assert_allclose(huge, task.truth("train").mean(), atol=1e-3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3, 2))
    y = X.reshape(200, -1) @ np.array([[1.0], [-2.0], [0.5], [0.0], [3.0], [1.5]]) + 5.0
    coef = ridge_fit(X, y)  # no penalty: least squares recovers the weights and the intercept
    np.testing.assert_allclose(coef[:, 0], [1.0, -2.0, 0.5, 0.0, 3.0, 1.5, 5.0], atol=1e-8)
    np.testing.assert_allclose(ridge_predict(X[:5], coef), y[:5], atol=1e-8)
    shrunk = ridge_fit(X, y, ridge=1e9)
    np.testing.assert_allclose(shrunk[:-1], 0.0, atol=1e-5)
    assert shrunk[-1, 0] == pytest.approx(y.mean())  # a penalised intercept would shrink to 0


def test_climatology_is_the_training_years_average_of_the_day():
    task = weather_task()
    clim = climatology_forecast(task, "test", smooth=1)  # no smoothing: the plain average of the 2 training years
    weather = load_weather()["temp_max"]
    day = pd.Timestamp("2015-07-04")
    expected = weather[[pd.Timestamp("2012-07-04"), pd.Timestamp("2013-07-04")]].mean()
    assert clim[list(task.dates["test"]).index(day), 0] == pytest.approx(expected)
    task3 = weather_task(horizon=3)
    smooth = climatology_forecast(task3, "val")
    assert smooth.shape == task3.y["val"].shape and np.all((smooth > 0) & (smooth < 35))
    np.testing.assert_allclose(smooth[1:, 0], smooth[:-1, 1])  # day 2 of one window is day 1 of the next


def test_constant_column_says_zero_standard_deviation():
    df = load_weather().assign(wind=1.0)
    with pytest.raises(ValueError, match=r"\['wind'\] are constant over the training years \(zero standard"):
        weather_task(df=df)


def test_recurrent_layer_map_and_stacked_bidirectional_training(task):
    assert recurrent_layer("gru") is torch.nn.GRU and recurrent_layer("lstm") is torch.nn.LSTM
    model, history = train_forecaster(task, "lstm", hidden_size=4, num_layers=2, bidirectional=True, epochs=1,
                                      progress=False, device="cpu")
    assert model.rnn.num_layers == 2 and model.rnn.bidirectional and history.epochs == 1


# Bad input gets a clear message.


def test_bad_kind():
    with pytest.raises(ValueError, match=r"one of \('rnn', 'lstm', 'gru'\); got 'transformer'. Use lower case"):
        Forecaster("transformer", 6)
    with pytest.raises(ValueError, match="kind must be one of"):
        train_forecaster(weather_task(window=2), "LSTM", epochs=1, progress=False)


def test_bad_features():
    with pytest.raises(ValueError, match="must include the target 'temp_max'"):
        weather_task(features=["wind"])
    with pytest.raises(ValueError, match="non-empty subset"):
        weather_task(features=["humidity", "temp_max"])


def test_bad_window():
    with pytest.raises(ValueError, match="window must be shorter than the training part"):
        weather_task(window=1000)
    with pytest.raises(ValueError, match="window must be at least 1"):
        weather_task(window=0)


def test_bad_split_batch_ridge_shapes(task):
    with pytest.raises(ValueError, match=r"split must be one of \('train', 'val', 'test'\); got 'validation'"):
        persistence_mae(task, "validation")
    with pytest.raises(ValueError, match="batch_size must be at least 1; got batch_size=0. Or None"):
        task.loaders(batch_size=0)
    with pytest.raises(TypeError, match=r"batch_size must be a whole number .* got 2.5"):
        task.loaders(batch_size=2.5)
    with pytest.raises(ValueError, match=r"ridge must be a finite number in \[0, inf\]"):
        linear_forecast(task, "val", ridge=-1.0)
    with pytest.raises(ValueError, match="same shape"):
        mae(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(TypeError, match="DatetimeIndex"):
        add_day_of_year(pd.DataFrame({"a": [1, 2]}))


def test_bad_sizes_and_objects(task):
    with pytest.raises(ValueError, match="hidden_size must be at least 1; got hidden_size=0"):
        Forecaster("gru", 6, hidden_size=0)
    with pytest.raises(TypeError, match=r"num_layers must be a whole number .* got 1.5"):
        Forecaster("gru", 6, num_layers=1.5)
    with pytest.raises(ValueError, match=r"dropout must be a finite number in \[0, 1\); got dropout=1.0"):
        Forecaster("gru", 6, dropout=1.0)
    with pytest.raises(ValueError, match="horizon must be at least 1; got horizon=0. It is the number of days ahead"):
        weather_task(horizon=0)
    with pytest.raises(TypeError, match=r"features must be a list of column names.*'temp_max'"):
        weather_task(features="temp_max")
    with pytest.raises(TypeError, match="task must be a WeatherTask; got dict. Build it with"):
        persistence_forecast({"X": {}}, "val")
    with pytest.raises(TypeError, match="task must be a WeatherTask"):
        climatology_forecast(None, "val")
    with pytest.raises(TypeError, match="model must be a Module; got str"):
        predict_degrees("gru", task, "val")
    with pytest.raises(TypeError, match="seed must be a whole number"):
        train_forecaster(task, "gru", seed="0", epochs=1, progress=False)
    with pytest.raises(TypeError, match="df must be a DataFrame"):
        add_day_of_year(pd.Series([1.0], index=pd.DatetimeIndex(["2015-01-01"])))


def test_bad_smooth_coef_and_empty_scores(task):
    with pytest.raises(ValueError, match="smooth must be odd.*Use 3 or 5"):
        climatology_forecast(task, "val", smooth=4)
    with pytest.raises(ValueError, match="smooth must be at least 1"):
        climatology_forecast(task, "val", smooth=0)
    coef = ridge_fit(task.X["train"], task.y["train"])
    with pytest.raises(ValueError, match=r"coef must have shape \(31, 'horizon'\); got \(5,\)"):
        ridge_predict(task.X["val"], coef[:5, 0])
    with pytest.raises(ValueError, match=r"y must have shape \(726, 'horizon'\)"):
        ridge_fit(task.X["train"], task.y["train"][:, 0])
    with pytest.raises(ValueError, match="empty"):
        mae(np.zeros(0), np.zeros(0))


# Exact behaviour on small, hand-checkable inputs (these pin what the mutation tests found loose).


def _exactly(message):
    """A ``match`` pattern for the whole message, word for word."""
    return "^" + re.escape(message) + "$"


def test_whole_error_messages_of_the_baselines(task):
    with pytest.raises(ValueError, match=_exactly(
            "pred and truth must have the same shape; got (3,) and (3, 1). "
            "Reshape one of them (for example .reshape(-1) or .squeeze(-1)) so they match.")):
        mae(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=_exactly("pred and truth are empty; score at least one forecast.")):
        mae(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match=_exactly(
            "ridge must be a finite number in [0, inf]; got ridge=-1.0. "
            "0 is plain least squares; larger values shrink the weights.")):
        ridge_fit(np.zeros((2, 1)), np.zeros((2, 1)), ridge=-1.0)
    with pytest.raises(ValueError, match=_exactly(
            "y must have shape (2, 'horizon'); got (2,). "
            "Give one row of targets per row of X, e.g. y[:, None] for one day.")):
        ridge_fit(np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(ValueError, match=_exactly(
            "coef must have shape (2, 'horizon'); got (3, 1). "
            "Pass the coefficients ridge_fit returned for inputs like X.")):
        ridge_predict(np.zeros((2, 1)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=_exactly("X must have shape (N, ...) with at least one row; got (0, 3).")):
        ridge_fit(np.zeros((0, 3)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match=_exactly("X must have shape (N, ...) with at least one row; got (3,).")):
        ridge_predict(np.arange(3.0), np.zeros((2, 1)))  # one flat row is ambiguous: refused, not guessed
    with pytest.raises(ValueError, match=_exactly(
            "smooth must be at least 1; got smooth=0. It is the number of days averaged around each day (odd).")):
        climatology_forecast(task, "val", smooth=0)


def test_ridge_on_two_points_by_hand():
    # design A = [[1, 1], [-1, 1]] (the input, then the intercept's column of ones): A'A = 2 I, A'y = [2, 4]
    X, y = np.array([[1.0], [-1.0]]), np.array([[3.0], [1.0]])
    np.testing.assert_allclose(ridge_fit(X, y), [[1.0], [2.0]])  # the line through both points
    np.testing.assert_allclose(ridge_fit(X, y, ridge=2.0), [[0.5], [2.0]])  # slope 2 / (2 + 2); intercept kept
    np.testing.assert_allclose(ridge_fit(X, y, ridge=6.0), [[0.25], [2.0]])
    coef = ridge_fit(X, y)
    np.testing.assert_allclose(ridge_predict(np.array([[0.5]]), coef), [[2.5]])  # one row is enough
    np.testing.assert_allclose(ridge_predict(np.array([[[1.0, 2.0]]]), np.array([[1.0], [10.0], [100.0]])),
                               [[121.0]])  # a (1, 1, 2) window is flattened to its 2 inputs


def test_defaults_score_the_test_split_with_plain_least_squares(task):
    np.testing.assert_array_equal(persistence_forecast(task), persistence_forecast(task, "test"))
    np.testing.assert_array_equal(linear_forecast(task), linear_forecast(task, "test", ridge=0.0))
    np.testing.assert_array_equal(climatology_forecast(task), climatology_forecast(task, "test", smooth=15))
    assert not np.array_equal(climatology_forecast(task, "test", smooth=13), climatology_forecast(task))


def test_persistence_mae_on_validation_matches_pandas(task):
    s = load_weather()["temp_max"]
    assert persistence_mae(task, "val") == pytest.approx((s - s.shift(1))["2014"].abs().mean(), abs=1e-5)


def test_climatology_averages_neighbouring_days_and_counts_single_years(task):
    weather = load_weather()["temp_max"]
    dates = list(task.dates["test"])
    three = climatology_forecast(task, "test", smooth=3)
    around = [f"{year}-07-0{d}" for year in (2012, 2013) for d in (3, 4, 5)]
    assert three[dates.index(pd.Timestamp("2015-07-04")), 0] == pytest.approx(weather[around].mean())
    # 2 January is a training target day in 2013 only (2012's first window ends on 5 January): its own mean
    one = climatology_forecast(task, "test", smooth=1)
    assert one[dates.index(pd.Timestamp("2015-01-02")), 0] == pytest.approx(weather["2013-01-02"])


def test_climatology_fills_a_calendar_day_missing_from_the_training_years(task):
    keep = ~((task.dates["train"].month == 12) & (task.dates["train"].day == 31))  # no 31 December to train on
    gappy = dataclasses.replace(task, y={**task.y, "train": task.y["train"][keep]},
                                dates={**task.dates, "train": task.dates["train"][keep]})
    clim = climatology_forecast(gappy, "test", smooth=3)
    weather = load_weather()["temp_max"]
    # 31 December is filled from its neighbours: 30 December (both years) and 1 January (2013 only)
    expected = weather[["2012-12-30", "2013-12-30", "2013-01-01"]].mean()
    assert clim[list(task.dates["test"]).index(pd.Timestamp("2015-12-31")), 0] == pytest.approx(expected)


def test_calendar_day_puts_29_february_with_28_february():
    days = pd.DatetimeIndex(["2012-01-01", "2012-02-28", "2012-02-29", "2012-03-01", "2013-02-28", "2013-03-01",
                             "2012-12-31", "2013-12-31"])
    assert _calendar_day(days).tolist() == [0, 58, 58, 59, 58, 59, 364, 364]


def test_whole_error_messages_of_the_forecasters(task):
    with pytest.raises(TypeError, match=_exactly(
            "df must be a DataFrame; got Series. Pass the weather table, e.g. load_weather().")):
        add_day_of_year(pd.Series([1.0], index=pd.DatetimeIndex(["2015-01-01"])))
    with pytest.raises(TypeError, match=_exactly(
            "df.index must be a DatetimeIndex; got RangeIndex. Index the rows by date: df.set_index('date').")):
        add_day_of_year(pd.DataFrame({"a": [1, 2]}))
    with pytest.raises(ValueError, match=_exactly(
            "window must be at least 1; got window=0. It is the number of past days each forecast reads.")):
        weather_task(window=0)
    with pytest.raises(ValueError, match=_exactly(
            "window must be shorter than the training part (731 days); got window=731. "
            "Use a window of a few days (the course uses 5).")):
        weather_task(window=731)
    with pytest.raises(ValueError, match=_exactly(
            "column(s) ['wind'] are constant over the training years (zero standard deviation), so they "
            "cannot be normalised; drop them from features (they carry no information).")):
        weather_task(df=load_weather().assign(wind=1.0))
    with pytest.raises(ValueError, match=_exactly(
            "features must not be empty; choose from ('precipitation', 'temp_max', 'temp_min', 'wind').")):
        weather_task(features=[])
    with pytest.raises(TypeError, match=_exactly(
            "model must be a Module; got str. Pass a trained Forecaster, e.g. from train_forecaster.")):
        predict_degrees("gru", task, "val")
    with pytest.raises(TypeError, match=_exactly(
            "task must be a WeatherTask; got dict. Build it with weather_task().")):
        predict_degrees(Forecaster("gru", 6), {"X": {}}, "val")


def test_longest_window_leaves_one_training_window():
    task = weather_task(window=730, features=["temp_max"], day_of_year=False)  # 731 training days
    assert len(task.y["train"]) == 1 and task.dates["train"][0] == pd.Timestamp("2013-12-31")


def test_task_records_its_settings_and_keeps_float32_targets():
    task = weather_task(window=3, horizon=2)
    assert (task.window, task.horizon) == (3, 2)
    assert all(task.y[s].dtype == torch.float32 and task.X[s].dtype == torch.float32 for s in ("train", "val", "test"))


def test_statistics_come_from_the_training_years(task):
    df = add_day_of_year(load_weather())
    train = df[:"2013-12-31"]
    pd.testing.assert_series_equal(task.mean, train.mean())
    pd.testing.assert_series_equal(task.std, train.std())
    assert task.mean["temp_max"] != pytest.approx(df.loc["2014", "temp_max"].mean(), abs=0.1)


def test_day_of_year_is_an_angle_on_a_365_25_day_circle():
    dates = pd.date_range("2016-01-01", "2016-12-31")  # a leap year: 31 December is day 366
    df = add_day_of_year(pd.DataFrame(index=dates))
    angle = 2 * np.pi * np.arange(366) / 365.25
    np.testing.assert_allclose(df["doy_sin"], np.sin(angle), atol=1e-12)
    np.testing.assert_allclose(df["doy_cos"], np.cos(angle), atol=1e-12)
    assert df["doy_sin"].iloc[91] == pytest.approx(1.0, abs=1e-4)  # 1 April, a quarter of a year on


def test_bad_split_names_the_years(task):
    with pytest.raises(ValueError, match=_exactly(
            "split must be one of ('train', 'val', 'test'); got 'validation'. "
            "'train' is 2012-2013, 'val' 2014 and 'test' 2015.")):
        task.truth("validation")
    with pytest.raises(ValueError, match=_exactly("seed must be at least 0; got seed=-1.")):
        task.loaders(batch_size=8, seed=-1)
    with pytest.raises(TypeError, match=_exactly("seed must be a whole number (int) of at least 0; got 0.5 (float).")):
        task.loaders(seed=0.5)


def test_loaders_shuffle_the_training_windows_with_seed_0_by_default(task):
    def order(**kwargs):
        return torch.cat([y for _, y in task.loaders(batch_size=100, **kwargs)["train"]]).flatten()

    torch.testing.assert_close(order(), order(seed=0))
    assert not torch.equal(order(), order(seed=1))
    assert not torch.equal(order(), task.y["train"].flatten())  # shuffled
    val = list(task.loaders(batch_size=100)["val"])  # the other splits keep their order
    torch.testing.assert_close(torch.cat([y for _, y in val]), task.y["val"])


def test_forecaster_defaults_and_dropout_between_layers():
    model = Forecaster("gru", 6)
    assert model.kind == "gru" and model.rnn.hidden_size == 32 and model.rnn.num_layers == 1
    assert model.head.out_features == 1 and model.drop.p == 0.0 and not model.rnn.bidirectional
    assert model.rnn.batch_first and model.rnn.input_size == 6
    stacked = Forecaster("lstm", 6, hidden_size=4, num_layers=2, dropout=0.3)
    assert stacked.rnn.dropout == 0.3 and stacked.drop.p == 0.3
    assert Forecaster("lstm", 6, dropout=0.3).rnn.dropout == 0.0  # one layer: nothing between layers


@pytest.mark.parametrize("kind", KINDS)
def test_one_way_forecaster_reads_the_final_hidden_state(kind):
    torch.manual_seed(0)
    model = Forecaster(kind, input_size=2, hidden_size=3, horizon=2, num_layers=2).eval()
    x = torch.randn(4, 6, 2)
    _, h_n = model.rnn(x)
    h_n = h_n[0] if kind == "lstm" else h_n
    torch.testing.assert_close(model(x), model.head(h_n[-1]))


def test_train_forecaster_passes_the_notebook_06_settings_to_fit(task, monkeypatch):
    calls = {}

    def fake_fit(model, train_loader, loss_fn, **kwargs):
        calls.update(model=model, train=train_loader, loss=loss_fn, **kwargs)
        return "history"

    monkeypatch.setattr(forecasters, "fit", fake_fit)
    model, history = train_forecaster(task)
    assert history == "history" and calls["model"] is model
    assert model.kind == "lstm" and model.rnn.hidden_size == 32 and model.drop.p == 0.7
    assert model.rnn.num_layers == 1 and not model.rnn.bidirectional and model.head.out_features == 1
    assert isinstance(calls["loss"], torch.nn.MSELoss)
    assert {k: calls[k] for k in ("epochs", "lr", "patience", "progress", "device", "desc")} == {
        "epochs": 100, "lr": 1e-2, "patience": 10, "progress": True, "device": None, "desc": "LSTM"}
    first = next(iter(calls["train"]))
    assert first[0].shape == (128, 5, 6)
    torch.testing.assert_close(first[1], next(iter(task.loaders(128, seed=0)["train"]))[1])
    torch.testing.assert_close(torch.cat([y for _, y in calls["val_loader"]]), task.y["val"])  # 2014, in order
    two_days = weather_task(horizon=2)
    train_forecaster(two_days, "gru", seed=3, hidden_size=5, dropout=0.1, num_layers=2, bidirectional=True,
                     batch_size=64, lr=0.5, epochs=7, patience=None, progress=False, device="cpu")
    model = calls["model"]
    assert model.rnn.num_layers == 2 and model.rnn.bidirectional and model.drop.p == 0.1
    assert model.rnn.hidden_size == 5 and model.head.out_features == 2
    assert {k: calls[k] for k in ("epochs", "lr", "patience", "progress", "device", "desc")} == {
        "epochs": 7, "lr": 0.5, "patience": None, "progress": False, "device": "cpu", "desc": "GRU"}
    torch.testing.assert_close(next(iter(calls["train"]))[1], next(iter(two_days.loaders(64, seed=3)["train"]))[1])
    train_forecaster(task, batch_size=None, progress=False)
    assert len(list(calls["train"])) == 1  # one full batch
    default_start = [p.detach().clone() for p in train_forecaster(task, progress=False)[0].parameters()]
    other_start = [p.detach() for p in train_forecaster(task, seed=3, progress=False)[0].parameters()]
    assert not torch.equal(default_start[0], other_start[0])  # the seed sets the starting weights


def test_predict_degrees_defaults_to_the_test_split(task):
    torch.manual_seed(0)
    model = Forecaster("gru", 6, hidden_size=4).eval()
    pred = predict_degrees(model, task)
    np.testing.assert_array_equal(pred, predict_degrees(model, task, "test"))
    with torch.no_grad():
        np.testing.assert_allclose(pred, task.to_degrees(model(task.X["test"])), rtol=1e-5)


def test_whole_error_messages_of_the_forecaster_and_its_training(task):
    with pytest.raises(ValueError, match=_exactly("input_size must be at least 1; got input_size=0.")):
        Forecaster("gru", 0)
    with pytest.raises(ValueError, match=_exactly("horizon must be at least 1; got horizon=0.")):
        Forecaster("gru", 6, horizon=0)
    with pytest.raises(ValueError, match=_exactly(
            "dropout must be a finite number in [0, 1); got dropout=1.0. "
            "It is the share of the last hidden state zeroed in training.")):
        Forecaster("gru", 6, dropout=1.0)
    with pytest.raises(TypeError, match=_exactly(
            "task must be a WeatherTask; got dict. Build it with weather_task().")):
        train_forecaster({"X": {}}, epochs=1, progress=False)
    with pytest.raises(ValueError, match=_exactly("seed must be at least 0; got seed=-1.")):
        train_forecaster(task, seed=-1, epochs=1, progress=False)
