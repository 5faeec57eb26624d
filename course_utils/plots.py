"""One plotting style for the whole course, with colour-blind-safe colours (Okabe and Ito).

Each function draws on an ``ax`` (a new one when none is given) and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

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
                  ax: Any = None, title: str = "Forecast against the truth", ylabel: str = "") -> Any:
    """The true series in black and each model's forecast in its colour."""
    ax = _ax(ax)
    ax.plot(index, truth, color=COLORS["truth"], lw=1.5, label="truth")
    for name, pred in preds.items():
        ax.plot(index, pred, color=color_for(name), lw=1, alpha=0.9, label=name)
    ax.set(title=title, ylabel=ylabel)
    ax.legend()
    return ax


def plot_grad_norms(norms: Mapping[str, Sequence[float]], ax: Any = None, log: bool = True,
                    title: str = "Gradient norm reaching each earlier step") -> Any:
    """Gradient norm against the number of steps back from the loss, one line per model."""
    ax = _ax(ax)
    for k, (name, values) in enumerate(norms.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(len(values)), values, color=color_for(name) or PALETTE[4 + k % 3], label=name)
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="steps back from the loss", ylabel="‖dL/dh‖")
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
                         title: str = "Learning curves", xlabel: str = "epoch", ylabel: str = "loss") -> Any:
    """Several curves (for example train and validation loss) against the epoch."""
    ax = _ax(ax)
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, color=color_for(name), label=name)
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    return ax
