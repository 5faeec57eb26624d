"""Every plotting function draws what it says (headless, with the Agg backend)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line_colors(ax):
    return {line.get_label(): mcolors.to_hex(line.get_color()).upper() for line in ax.get_lines()}


def test_use_course_style_sets_the_palette():
    with plt.rc_context():
        plots.use_course_style()
        cycle = [mcolors.to_hex(c).upper() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert cycle == [c.upper() for c in plots.PALETTE]
        assert plt.rcParams["axes.grid"] and not plt.rcParams["axes.spines.top"]


def test_color_for():
    assert plots.color_for("LSTM") == plots.COLORS["LSTM"]
    assert plots.color_for("something else") is None


def test_plot_forecast_draws_the_truth_and_each_model():
    ax = plots.plot_forecast(range(5), np.arange(5.0), {"LSTM": np.ones(5), "linear": np.zeros(5)}, title="t",
                             ylabel="deg C")
    assert line_colors(ax) == {"truth": "#000000", "LSTM": "#0072B2", "linear": "#E69F00"}
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), np.ones(5))
    assert ax.get_title() == "t" and ax.get_ylabel() == "deg C"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["truth", "LSTM", "linear"]


def test_plot_grad_norms_log_scale_and_steps_back():
    _, given = plt.subplots()
    ax = plots.plot_grad_norms({"RNN": [4.0, 2.0, 1.0], "custom": [1.0, 1.0]}, ax=given)
    assert ax is given and ax.get_yscale() == "log"
    rnn, custom = ax.get_lines()
    np.testing.assert_array_equal(rnn.get_xdata(), [0, 1, 2])
    assert mcolors.to_hex(rnn.get_color()).upper() == plots.COLORS["RNN"]
    assert mcolors.to_hex(custom.get_color()).upper() == plots.PALETTE[5]  # unknown names get a palette colour
    assert plots.plot_grad_norms({"GRU": [1.0, 0.5]}, log=False).get_yscale() == "linear"


def test_plot_gate_heatmap_labels_every_cell():
    values = np.array([[0.1, 0.9, 0.5], [0.2, 0.3, 0.4]])
    ax = plots.plot_gate_heatmap(values, ["f", "i"], ["day 1", "day 2", "day 3"], title="gates")
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.10", "0.90", "0.50", "0.20", "0.30", "0.40"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["day 1", "day 2", "day 3"]
    assert ax.get_title() == "gates" and len(ax.figure.axes) == 2  # the heatmap and its colour bar
    np.testing.assert_array_equal(ax.images[0].get_array(), values)


def test_plot_gate_heatmap_refuses_labels_that_do_not_fit():
    with pytest.raises(ValueError, match=r"\(2, 2\); got shape \(2, 3\)"):
        plots.plot_gate_heatmap(np.zeros((2, 3)), ["f", "i"], ["a", "b"])


def test_plot_learning_curves_start_at_epoch_one():
    ax = plots.plot_learning_curves({"train": [3.0, 2.0, 1.0], "val": [4.0, 3.0, 3.5]}, log=True)
    train, val = ax.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(val.get_ydata(), [4.0, 3.0, 3.5])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"


def test_plot_grad_norms_says_log_scale_and_takes_colours():
    ax = plots.plot_grad_norms({"LSTM (forget bias +1)": [4.0, 2.0], "RNN": [4.0, 1.0]},
                               colors={"LSTM (forget bias +1)": plots.COLORS["LSTM"]})
    assert ax.get_ylabel() == "‖dL/dh‖ (log scale)"
    lstm, rnn = ax.get_lines()
    assert mcolors.to_hex(lstm.get_color()).upper() == plots.COLORS["LSTM"]
    assert mcolors.to_hex(rnn.get_color()).upper() == plots.COLORS["RNN"]  # the course colour still applies
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["LSTM (forget bias +1)", "RNN"]
    assert plots.plot_grad_norms({"GRU": [1.0, 0.5]}, log=False).get_ylabel() == "‖dL/dh‖"


def test_plot_forecast_labels_the_x_axis_only_when_asked():
    ax = plots.plot_forecast(range(3), np.zeros(3), {"LSTM": np.ones(3)}, xlabel="date")
    assert ax.get_xlabel() == "date"
    _, ax = plt.subplots()
    ax.set_xlabel("day")  # a label set before is kept when xlabel is not given
    assert plots.plot_forecast(range(3), np.zeros(3), {"LSTM": np.ones(3)}, ax=ax).get_xlabel() == "day"


def test_plot_gate_heatmap_shares_a_fixed_colour_scale():
    values = np.array([[0.2, 0.4], [0.6, 0.8]])
    ax = plots.plot_gate_heatmap(values, ["f", "i"], ["day 1", "day 2"], vmin=0.0, vmax=1.0, colorbar=False)
    assert ax.images[0].get_clim() == (0.0, 1.0)
    assert len(ax.figure.axes) == 1  # no colour bar: the caller draws one for several panels
    # the text colour switches at the middle of the fixed scale (0.5), not at the mean of these values
    assert [t.get_color() for t in ax.texts] == ["white", "white", "black", "black"]
    with pytest.raises(ValueError, match="vmin must be below vmax; got vmin=1.0, vmax=0.0"):
        plots.plot_gate_heatmap(values, ["f", "i"], ["day 1", "day 2"], vmin=1.0, vmax=0.0)


def test_plot_lstm_step_labels_the_step_and_refuses_missing_values():
    values = {"f": 0.9974, "i": 0.9862, "g": 0.9661, "o": 0.9917, "c_prev": 2.0, "c": 2.9476, "h_prev": 1.0,
              "x": 1.0, "h": np.array([0.9862])}  # a one-unit array is read as its number
    ax = plots.plot_lstm_step(values)
    texts = " ".join(t.get_text() for t in ax.texts)
    for shown in ("forget f\n= 0.9974", "c(t) = 2.9476", "h(t) = 0.9862", "i·g = 0.9528", "no weights on this line"):
        assert shown in texts
    with pytest.raises(ValueError, match=r"values is missing \['c_prev'\]"):
        plots.plot_lstm_step({k: v for k, v in values.items() if k != "c_prev"})
