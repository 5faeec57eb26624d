"""Tests of course_utils.forecasters (the fixed weather task, the forecaster) and course_utils.baselines."""

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.baselines import (
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


@pytest.fixture(scope="module")
def task():
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
