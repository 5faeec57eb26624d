"""One plotting style for the whole course, with colour-blind-safe colours (Okabe and Ito).

Each function draws on an ``ax`` (a new one when none is given) and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from course_utils.i18n import tr

# Okabe-Ito palette: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
COLORS = {
    "RNN": "#D55E00",
    "LSTM": "#0072B2",
    "GRU": "#009E73",
    "truth": "#000000",
    "persistence": "#999999",
    "linear": "#E69F00",
    "baseline": "#E69F00",
}


def use_course_style() -> None:
    """Apply the course's matplotlib style (palette, grid, sizes)."""
    plt.rcParams.update(
        {
            "axes.prop_cycle": plt.cycler(color=PALETTE),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.figsize": (8, 4),
            "figure.dpi": 90,
            "font.size": 10,
            "legend.frameon": False,
        }
    )


def color_for(name: str) -> str | None:
    """The course colour of a model or series name (None lets matplotlib choose)."""
    return COLORS.get(name)


def _ax(ax: Any) -> Any:
    return ax if ax is not None else plt.subplots()[1]


def plot_forecast(index: Sequence, truth: Sequence[float], preds: Mapping[str, Sequence[float]],
                  ax: Any = None, title: str | None = None, ylabel: str = "", xlabel: str = "") -> Any:
    """The true series in black and each model's forecast in its colour; ``xlabel`` names the x axis.

    The default title (and every label this module writes itself) is shown in the notebook's language
    (``course_utils.i18n``)."""
    ax = _ax(ax)
    title = tr("Forecast against the truth") if title is None else title
    ax.plot(index, truth, color=COLORS["truth"], lw=1.5, label=tr("truth"))
    for name, pred in preds.items():
        ax.plot(index, pred, color=color_for(name), lw=1, alpha=0.9, label=name)
    ax.set(title=title, ylabel=ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.legend()
    return ax


def plot_grad_norms(norms: Mapping[str, Sequence[float]], ax: Any = None, log: bool = True,
                    title: str | None = None, *,
                    colors: Mapping[str, str] | None = None) -> Any:
    """Gradient norm against the number of steps back from the loss, one line per model.

    ``colors`` maps a name to its colour where the course colour of ``color_for`` does not fit (for example
    ``{"LSTM (forget bias +1)": COLORS["LSTM"]}``). A log axis says "(log scale)" in its label.
    """
    ax = _ax(ax)
    colors = colors or {}
    for k, (name, values) in enumerate(norms.items()):
        values = np.asarray(values, dtype=float)
        color = colors.get(name) or color_for(name) or PALETTE[4 + k % 3]
        ax.plot(np.arange(len(values)), values, color=color, label=name)
    if log:
        ax.set_yscale("log")
    ax.set(title=tr("Gradient norm reaching each earlier step") if title is None else title,
           xlabel=tr("steps back from the loss"), ylabel=tr("‖dL/dh‖ (log scale)") if log else "‖dL/dh‖")
    ax.legend()
    return ax


def plot_gate_heatmap(values: Any, row_labels: Sequence[str], col_labels: Sequence[str],
                      ax: Any = None, title: str = "", cmap: str = "viridis", fmt: str = "{:.2f}",
                      vmin: float | None = None, vmax: float | None = None, colorbar: bool = True) -> Any:
    """A heatmap of a 2-D table of values (for example gates by time step), each cell labelled.

    ``vmin`` and ``vmax`` fix the colour scale (give the same to panels that are compared; by default each
    heatmap spans its own values); ``colorbar=False`` leaves the colour bar to the caller, for one bar shared by
    several panels (``fig.colorbar(ax.images[0], ax=axes)``).
    """
    values = np.asarray(values, dtype=float)
    if values.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"values must be 2-D with one row per row label and one column per column label, "
            f"({len(row_labels)}, {len(col_labels)}); got shape {values.shape}."
        )
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(f"vmin must be below vmax; got vmin={vmin}, vmax={vmax}.")
    ax = _ax(ax)
    image = ax.imshow(values, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.grid(False)
    low, high = image.get_clim()
    mid = np.nanmean(values) if vmin is None and vmax is None else (low + high) / 2  # text colour switches here
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, fmt.format(v), ha="center", va="center", color="white" if v < mid else "black", fontsize=8)
    if colorbar:
        ax.figure.colorbar(image, ax=ax)
    ax.set_title(title)
    return ax


def plot_learning_curves(curves: Mapping[str, Sequence[float]], ax: Any = None, log: bool = False,
                         title: str | None = None, xlabel: str | None = None, ylabel: str | None = None) -> Any:
    """Several curves (for example train and validation loss) against the epoch (the default labels)."""
    ax = _ax(ax)
    title = tr("Learning curves") if title is None else title
    xlabel = tr("epoch") if xlabel is None else xlabel
    ylabel = tr("loss") if ylabel is None else ylabel
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, color=color_for(name), label=name)
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    return ax


_LSTM_STEP_KEYS = ("f", "i", "g", "o", "c_prev", "c", "h_prev", "x", "h")


def plot_lstm_step(values: Mapping[str, float], ax: Any = None) -> Any:
    """The summary picture of one LSTM step of a single unit, labelled with its numbers.

    ``values`` holds the gates ``f``, ``i``, ``g``, ``o``, the memories ``c_prev``, ``c``, ``h_prev``, ``h`` and
    the input ``x`` (plain numbers). The long-term line runs across the top; the four blocks read ``h_prev`` and
    ``x`` at the bottom.
    """
    missing = [k for k in _LSTM_STEP_KEYS if k not in values]
    if missing:
        raise ValueError(f"values is missing {missing}; give every one of {list(_LSTM_STEP_KEYS)}.")
    v = {k: float(np.asarray(values[k]).reshape(-1)[0]) for k in _LSTM_STEP_KEYS}
    ax = ax if ax is not None else plt.subplots(figsize=(11, 5.6))[1]
    ax.set(xlim=(0, 12), ylim=(0, 7.3), title=tr("One LSTM step: two memories, three gates"))
    ax.axis("off")
    arrow = lambda start, end, color="black": ax.annotate(
        "", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": color, "lw": 1.6})
    node = lambda xy, text: ax.text(*xy, text, ha="center", va="center", fontsize=13,
                                    bbox={"boxstyle": "circle", "fc": "white", "ec": "black"})
    box = lambda xy, text, color: ax.text(*xy, text, ha="center", va="center", fontsize=11, color="white",
                                          bbox={"boxstyle": "round,pad=0.4", "fc": color, "ec": color})
    label = lambda xy, text, **kw: ax.text(*xy, text, ha="center", va="center", fontsize=9, **kw)
    # the long-term memory line, across the top
    arrow((0.4, 6.3), (2.75, 6.3), PALETTE[7])
    node((3, 6.3), "×")
    arrow((3.25, 6.3), (5.75, 6.3))
    node((6, 6.3), "+")
    arrow((6.25, 6.3), (11.6, 6.3))
    label((0.9, 6.75), f"c(t-1) = {v['c_prev']:.2f}\n" + tr("long-term memory"))
    label((11.0, 6.75), f"c(t) = {v['c']:.4f}")
    label((4.4, 7.05), tr("no weights on this line"), style="italic", color="grey")
    # the short-term memory and the input meet at the bottom, and feed four blocks with weights and biases
    ax.plot([0.4, 9.2], [0.7, 0.7], color="black", lw=1.6)
    label((1.0, 0.3), f"h(t-1) = {v['h_prev']:.2f}   x(t) = {v['x']:.2f}")
    label((5.7, 0.3), tr("each block: a weight on h, a weight on x and a bias"), style="italic", color="grey")
    gates = [(3, "σ", tr("forget f"), "f", PALETTE[0]), (4.7, "σ", tr("input i"), "i", PALETTE[1]),
             (6.6, "tanh", tr("potential g"), "g", PALETTE[2]), (8.4, "σ", tr("output o"), "o", PALETTE[3])]
    for x_pos, text, name, key, color in gates:
        arrow((x_pos, 0.7), (x_pos, 2.05))
        box((x_pos, 2.4), text, color)
        ax.text(x_pos - 0.12, 1.35, f"{name}\n= {v[key]:.4f}", ha="right", va="center", fontsize=9,
                color=color, fontweight="bold")
    arrow((3, 2.8), (3, 6.0), PALETTE[0])  # forget: f multiplies the long-term memory
    node((5.6, 4.3), "×")  # input: i × g is added to the long-term memory
    arrow((4.7, 2.8), (5.4, 4.05), PALETTE[1])
    arrow((6.6, 2.8), (5.8, 4.05), PALETTE[2])
    arrow((5.65, 4.6), (5.95, 6.0))
    label((6.75, 4.75), f"i·g = {v['i'] * v['g']:.4f}")
    arrow((9.8, 6.3), (9.8, 5.25))  # output: tanh(c) × o is the new short-term memory
    ax.text(9.8, 4.9, "tanh", ha="center", va="center", fontsize=10,
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": PALETTE[3]})
    node((9.8, 3.6), "×")
    arrow((9.8, 4.55), (9.8, 3.9))
    arrow((8.4, 2.8), (9.55, 3.45), PALETTE[3])
    arrow((10.05, 3.6), (11.6, 3.6))
    label((11.0, 4.05), f"h(t) = {v['h']:.4f}\n" + tr("short-term memory\n(the output)"))
    arrow((10.9, 3.3), (10.9, 1.0), "grey")
    label((11.25, 0.75), tr("to the next step"), color="grey")
    return ax
