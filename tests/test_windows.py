"""Windows, rolling-origin splits and the time split: counts, alignment, no leakage, clear errors."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.windows import make_windows, rolling_origin_splits, time_split


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 60),
    window=st.integers(1, 20),
    horizon=st.integers(1, 10),
    stride=st.integers(1, 7),
    features=st.sampled_from([None, 1, 3]),
)
def test_windows_count_and_alignment(n, window, horizon, stride, features):
    if window + horizon > n:
        with pytest.raises(ValueError, match="^window \\+ horizon must be at most len\\(series\\)"):
            make_windows(np.arange(n, dtype=float), window, horizon, stride)
        return
    base = np.arange(n, dtype=float)
    series = base if features is None else np.stack([base * (f + 1) for f in range(features)], axis=1)
    X, y = make_windows(series, window, horizon, stride)
    count = (n - window - horizon) // stride + 1
    assert len(X) == len(y) == count
    tail = () if features is None else (features,)
    assert X.shape == (count, window, *tail) and y.shape == (count, horizon, *tail)
    for k in range(count):
        s = k * stride
        np.testing.assert_array_equal(X[k], series[s : s + window])
        np.testing.assert_array_equal(y[k], series[s + window : s + window + horizon])
    # every target comes strictly after every input of its window
    first = X if features is None else X[..., 0]
    last_y = y if features is None else y[..., 0]
    assert np.all(first.max(axis=1) < last_y.min(axis=1))


def test_target_column_by_index_and_name():
    df = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) * 10})
    X, y = make_windows(df, 3, 2, target="b")
    assert X.shape == (6, 3, 2) and y.shape == (6, 2)
    np.testing.assert_array_equal(y[0], [30.0, 40.0])
    _, y_idx = make_windows(df.to_numpy(), 3, 2, target=1)
    np.testing.assert_array_equal(y, y_idx)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"window": 0}, ValueError, "window must be at least 1; got window=0"),
        ({"window": 3, "horizon": 0}, ValueError, "horizon must be at least 1"),
        ({"window": 3, "stride": -1}, ValueError, "stride must be at least 1"),
        ({"window": 2.5}, TypeError, r"window must be a whole number \(int\) of at least 1; got 2.5"),
        ({"window": 9, "horizon": 2}, ValueError, r"window \+ horizon must be at most len\(series\) = 10.*Use a"),
        ({"window": 3, "target": 0}, ValueError, "target selects a column, so it needs a 2-D series"),
    ],
)
def test_bad_window_arguments(kwargs, error, match):
    with pytest.raises(error, match="^" + match):
        make_windows(np.arange(10.0), **kwargs)


def test_nan_and_inf_are_refused_with_advice():
    series = np.arange(10.0)
    series[4] = np.nan
    with pytest.raises(ValueError, match="^series holds 1 NaN or infinite value.*interpolate"):
        make_windows(series, 3)
    with pytest.raises(ValueError, match="^series holds 1 NaN or infinite"):
        make_windows(np.array([1.0, np.inf, 2.0, 3.0]), 2)


def test_bad_series_and_target():
    with pytest.raises(ValueError, match="^series must be 1-D \\(n,\\) or 2-D"):
        make_windows(np.zeros((5, 2, 2)), 2)
    with pytest.raises(ValueError, match="^series must hold numbers"):
        make_windows(np.array(["a", "b", "c"]), 1)
    with pytest.raises(ValueError, match="^target must be a column index in 0..1; got 2"):
        make_windows(np.zeros((6, 2)), 2, target=2)
    with pytest.raises(ValueError, match="^target 'c' is not a column"):
        make_windows(pd.DataFrame({"a": range(6), "b": range(6)}), 2, target="c")


@given(
    n=st.integers(2, 80),
    initial=st.integers(1, 40),
    horizon=st.integers(1, 10),
    step=st.integers(1, 9),
    sliding=st.booleans(),
    gap=st.integers(0, 5),
)
@settings(max_examples=60, deadline=None)
def test_rolling_origin_properties(n, initial, horizon, step, sliding, gap):
    if initial + gap + horizon > n:
        with pytest.raises(ValueError, match="^initial \\+ gap \\+ horizon must be at most n_samples"):
            rolling_origin_splits(n, initial, horizon, step, sliding, gap)
        return
    splits = rolling_origin_splits(n, initial, horizon, step, sliding, gap)
    origins = list(range(initial + gap, n - horizon + 1, step))
    assert len(splits) == len(origins) >= 1
    for (train, test), origin in zip(splits, origins, strict=True):
        np.testing.assert_array_equal(test, np.arange(origin, origin + horizon))
        expected_start = origin - gap - initial if sliding else 0
        np.testing.assert_array_equal(train, np.arange(expected_start, origin - gap))
        assert len(train) >= initial and (len(train) == initial or not sliding)
        assert test.min() - train.max() == gap + 1  # exactly `gap` samples left out between the two parts
        assert test.max() < n


@pytest.mark.parametrize("horizon", [1, 3, 5])
def test_gap_keeps_multi_step_training_targets_off_the_test_days(horizon):
    days = np.arange(40.0)  # each value is its own day number
    _, y = make_windows(days, 4, horizon)  # y[k] holds the days sample k predicts
    for gap, leaks in ((0, horizon > 1), (horizon - 1, False)):
        for train, test in rolling_origin_splits(len(y), initial=10, horizon=5, step=5, gap=gap):
            overlap = np.intersect1d(y[train].ravel(), y[test].ravel())
            assert (overlap.size > 0) == leaks, (gap, overlap)


def test_rolling_origin_defaults_are_one_step_expanding_without_gap():
    splits = rolling_origin_splits(6, 3)
    assert [(train.tolist(), test.tolist()) for train, test in splits] == [
        ([0, 1, 2], [3]), ([0, 1, 2, 3], [4]), ([0, 1, 2, 3, 4], [5])
    ]


def test_window_errors_say_how_to_fix_them():
    with pytest.raises(ValueError) as error:
        make_windows(np.arange(10.0), 9, 2)
    assert str(error.value) == (
        "window + horizon must be at most len(series) = 10; got window=9, horizon=2. "
        "Use a shorter window or horizon, or a longer series."
    )
    with pytest.raises(ValueError) as error:
        make_windows(np.array([1.0, np.nan, 2.0, 3.0]), 2)
    assert str(error.value) == (
        "series holds 1 NaN or infinite value(s). Fill the gaps first: resample and interpolate "
        "(for example series.interpolate()) or drop the missing stretch."
    )
    with pytest.raises(TypeError) as error:
        make_windows(np.zeros((6, 2)), 2, target=1.5)
    assert str(error.value).endswith("got 1.5 (float). Give a column index or a column name.")


def test_rolling_origin_bad_arguments():
    with pytest.raises(ValueError, match="^horizon must be at least 1; got horizon=0"):
        rolling_origin_splits(10, 3, horizon=0)
    with pytest.raises(ValueError, match="^initial must be at least 1"):
        rolling_origin_splits(10, 0)
    with pytest.raises(ValueError, match="^step must be at least 1"):
        rolling_origin_splits(10, 3, step=0)
    with pytest.raises(ValueError, match="^gap must be at least 0; got gap=-1"):
        rolling_origin_splits(10, 3, gap=-1)
    with pytest.raises(TypeError, match="^n_samples must be a whole number"):
        rolling_origin_splits(10.0, 3)


def test_windows_refuse_an_index_out_of_time_order():
    s = pd.Series(np.arange(10.0), index=pd.date_range("2020-01-01", periods=10, freq="D"))
    assert make_windows(s, 3)[0].shape == (7, 3)
    assert make_windows(s.iloc[[0, 1, 2, 3, 4]].copy(), 2)[0].shape == (3, 2)  # a slice without freq is fine
    for bad in (s.iloc[::-1], s.iloc[[0, 2, 1, 3, 4, 5]], pd.concat([s.iloc[:3], s.iloc[2:]])):
        with pytest.raises(ValueError, match="^series' index is not in increasing time order.*sort_index"):
            make_windows(bad, 2)
    with pytest.raises(ValueError, match="^series' index is not in increasing time order"):
        make_windows(pd.DataFrame({"a": np.arange(5.0)}, index=[4, 3, 2, 1, 0]), 2)


def test_windows_refuse_gaps_in_a_datetime_index_and_say_what_to_do():
    s = pd.Series(np.arange(10.0), index=pd.date_range("2020-01-01", periods=10, freq="D"))
    gappy = s.drop(s.index[5])
    with pytest.raises(ValueError) as error:
        make_windows(s.iloc[[0, 1, 3]], 1)  # three days is already enough to see a gap
    assert str(error.value) == (
        "series' DatetimeIndex is not evenly spaced (steps from 1 days 00:00:00 to 2 days 00:00:00): a window "
        "would jump across the gap. Put the missing times back with series.asfreq(freq) and fill them "
        "(series.interpolate()), or cut windows from each gap-free stretch separately."
    )
    assert make_windows(s.iloc[[0, 3]], 1)[0].shape == (1, 1)  # two times: no spacing to compare
    expected = "^series' DatetimeIndex is not evenly spaced .*1 days.* to 2 days.*asfreq.*interpolate"
    with pytest.raises(ValueError, match=expected):
        make_windows(gappy, 3)
    filled = gappy.asfreq("D").interpolate()
    np.testing.assert_array_equal(make_windows(filled, 3)[1], make_windows(s, 3)[1])
    monthly = pd.Series(np.arange(12.0), index=pd.date_range("2020-01-01", periods=12, freq="MS"))
    assert make_windows(monthly.iloc[[*range(12)]], 3)[0].shape == (9, 3)  # uneven days, even months


def test_target_must_be_an_index_or_a_name():
    with pytest.raises(TypeError, match="^target must be a whole number.*column index or a column name"):
        make_windows(np.zeros((6, 2)), 2, target=1.0)
    with pytest.raises(ValueError, match="^target must be at least 0"):
        make_windows(np.zeros((6, 2)), 2, target=-1)


def test_time_split():
    s = pd.Series(np.arange(1461.0), index=pd.date_range("2012-01-01", "2015-12-31", freq="D"))
    train, val, test = time_split(s, "2014-01-01", "2015-01-01")
    assert (len(train), len(val), len(test)) == (731, 365, 365)
    assert train.index.max() < val.index.min() and val.index.max() < test.index.min()
    with pytest.raises(ValueError, match="^val_start must come before test_start"):
        time_split(s, "2015-01-01", "2014-01-01")
    with pytest.raises(ValueError, match="^the test part is empty"):
        time_split(s, "2014-01-01", "2020-01-01")
    with pytest.raises(ValueError, match="^data's index must be sorted in time order"):
        time_split(s.iloc[::-1], "2014-01-01", "2015-01-01")
    with pytest.raises(TypeError, match="^data must be a Series or DataFrame; got ndarray"):
        time_split(np.arange(5), 1, 2)
    with pytest.raises(ValueError, match="^val_start must be a date such as '2014-01-01'; got 'soon'"):
        time_split(s, "soon", "2015-01-01")


@pytest.mark.parametrize(
    ("val_start", "test_start", "part"),
    [("2012-01-01", "2014-01-01", "train"), ("2014-01-01 06:00", "2014-01-01 12:00", "validation")],
)
def test_time_split_names_the_empty_part_and_the_range(val_start, test_start, part):
    s = pd.Series(np.arange(1461.0), index=pd.date_range("2012-01-01", "2015-12-31", freq="D"))
    with pytest.raises(ValueError) as error:
        time_split(s, val_start, test_start)
    assert str(error.value) == (
        f"the {part} part is empty; choose boundaries inside the data's range "
        "2012-01-01 00:00:00 .. 2015-12-31 00:00:00."
    )
    with pytest.raises(ValueError, match="^test_start must be a date such as '2014-01-01'; got 'later'"):
        time_split(s, "2014-01-01", "later")


def test_time_split_on_text_and_time_zone_indexes():
    days = pd.date_range("2012-01-01", "2015-12-31", freq="D")
    s = pd.Series(np.arange(1461.0), index=days)
    text = s.set_axis(days.strftime("%Y-%m-%d"))
    with pytest.raises(TypeError) as error:
        time_split(text, "2014-01-01", "2015-01-01")
    assert str(error.value) == (
        f"data's index must hold times (a DatetimeIndex) or numbers; got dtype {text.index.dtype}. For dates stored "
        "as text, convert them first: data.index = pd.to_datetime(data.index)."
    )
    aware = s.tz_localize("America/Los_Angeles")
    parts = time_split(aware, "2014-01-01", "2015-01-01")
    assert [len(p) for p in parts] == [731, 365, 365]
    assert parts[1].index[0] == pd.Timestamp("2014-01-01", tz="America/Los_Angeles")
    with pytest.raises(ValueError, match="^val_start has a time zone .* give a plain date"):
        time_split(s, pd.Timestamp("2014-01-01", tz="UTC"), "2015-01-01")
    numbers = s.reset_index(drop=True)
    assert [len(p) for p in time_split(numbers, 731, 1096)] == [731, 365, 365]
