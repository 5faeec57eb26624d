"""One memory unit: a single LSTM or GRU unit, taught on the stock example of notebooks 03 and 04 (after
StatQuest's LSTM video): the unit reads four days of a company's stock price and its last short-term memory
is the prediction for day 5.

* ``INPUTS`` and ``TARGETS``: companies A and B (days 1-4, and day 5);
* ``statquest_params()`` and ``statquest_lstm()``: the video's fixed weights, as a params dict in torch's
  layout (for ``course_utils.cells``) and loaded into a ``torch.nn.LSTM(1, 1)``;
* ``UnitModel``: one or more independent single units (LSTM or GRU) whose last hidden state is the prediction;
* ``train_units``: train several independent units (one per seed) at once, full batch with Adam;
* ``epochs_to_reach``: the first epoch whose loss is below a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from course_utils import _validate
from course_utils.cells import GATES, params_to_torch
from course_utils.train import get_device

INPUTS: dict[str, tuple[float, ...]] = {"A": (0.0, 0.5, 0.25, 1.0), "B": (1.0, 0.5, 0.25, 1.0)}
TARGETS: dict[str, float] = {"A": 0.0, "B": 1.0}

# The video's weights, per block: (weight on the short-term memory h, weight on the input x, bias).
STATQUEST_BLOCKS: dict[str, tuple[float, float, float]] = {
    "forget": (2.70, 1.63, 1.62),
    "input": (2.00, 1.65, 0.62),
    "potential": (1.41, 0.94, -0.32),
    "output": (4.38, -0.19, 0.59),
}
# torch stacks the blocks as rows (i, f, g, o): input gate, forget gate, potential memory, output gate.
TORCH_ORDER = ("input", "forget", "potential", "output")
_KINDS = ("lstm", "gru")


def statquest_params() -> dict[str, np.ndarray]:
    """The video's weights as a ``course_utils.cells`` params dict (torch layout, rows i, f, g, o)."""
    w_h, w_x, b = (np.array([STATQUEST_BLOCKS[name][k] for name in TORCH_ORDER]) for k in range(3))
    return {
        "weight_ih": w_x.reshape(4, 1),  # (4H, input_size) = (4, 1)
        "weight_hh": w_h.reshape(4, 1),  # (4H, H) = (4, 1)
        "bias_ih": b,  # (4H,)
        "bias_hh": np.zeros(4),  # the video has one bias per block; torch's second bias is 0
    }


def statquest_lstm(dtype: torch.dtype = torch.float64) -> torch.nn.LSTM:
    """A ``torch.nn.LSTM(1, 1, batch_first=True)`` holding the video's weights."""
    lstm = torch.nn.LSTM(1, 1, batch_first=True).to(dtype)
    params_to_torch(statquest_params(), lstm)
    return lstm


def stock_tensors(dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Companies A and B as one batch: inputs ``(2, 4, 1)`` (batch, days, feature) and targets ``(2, 1)``."""
    x = torch.tensor([INPUTS["A"], INPUTS["B"]], dtype=dtype).unsqueeze(-1)  # (2, 4, 1)
    y = torch.tensor([[TARGETS["A"]], [TARGETS["B"]]], dtype=dtype)  # (2, 1)
    return x, y


class UnitModel(torch.nn.Module):
    """``n_units`` independent single-unit LSTMs or GRUs; each unit's last short-term memory is its prediction.

    With ``n_units > 1`` the units live in one ``torch.nn.LSTM/GRU(1, n_units)`` whose hidden-to-hidden
    weights are kept diagonal (each unit sees only its own memory), so unit ``k`` is exactly a single unit.
    Unit ``k`` starts from the weights that ``torch.nn.LSTM/GRU(1, 1)`` gets after
    ``torch.manual_seed(seed + k)``. ``forward`` maps ``(batch, days, 1)`` to ``(batch, n_units)``.
    """

    def __init__(self, kind: str = "lstm", n_units: int = 1, seed: int = 0) -> None:
        super().__init__()
        layer = _validate.recurrent_layer(_validate.one_of("kind", kind, _KINDS, hint="Use kind='lstm' or 'gru'."))
        self.kind, self.n_units, self.seed = kind, _validate.positive_int("n_units", n_units), seed
        # (G*K, K): one diagonal block per gate, so unit k sees only its own short-term memory.
        # Off-diagonal weights start at 0 and stay 0, because the hook masks their gradients.
        self.register_buffer("hh_mask", torch.eye(n_units).repeat(GATES[kind], 1))
        with torch.random.fork_rng(devices=[]):  # leaves the global random state as it was
            self.rnn = layer(1, n_units, batch_first=True)  # its random weights are all replaced below
            singles = [_seeded(layer, seed + k) for k in range(n_units)]  # unit k: a layer(1, 1) after seed + k
        _place_on_diagonal(self.rnn, singles)
        self.rnn.weight_hh_l0.register_hook(lambda grad: grad * self.hh_mask)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 3 or x.shape[-1] != 1:
            raise ValueError(f"x must have shape (batch, days, 1); got {tuple(x.shape)}.")
        out, _ = self.rnn(x)  # (batch, days, n_units)
        return out[:, -1, :]  # (batch, n_units): the last short-term memory of each unit

    def unit_params(self, k: int) -> dict[str, np.ndarray]:
        """Unit ``k``'s weights as a ``course_utils.cells`` params dict of a single unit (float64)."""
        if _validate.non_negative_int("k", k) >= self.n_units:
            raise ValueError(f"k must be in 0..{self.n_units - 1}; got {k}.")
        rows = [gate * self.n_units + k for gate in range(GATES[self.kind])]
        state = {name: p.detach().cpu().double() for name, p in self.rnn.named_parameters()}
        return {
            "weight_ih": state["weight_ih_l0"][rows].numpy(),
            "weight_hh": state["weight_hh_l0"][rows, k : k + 1].numpy(),
            "bias_ih": state["bias_ih_l0"][rows].numpy(),
            "bias_hh": state["bias_hh_l0"][rows].numpy(),
        }


def _seeded(layer: type, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return layer(1, 1)


def _place_on_diagonal(rnn: torch.nn.Module, singles: list[torch.nn.Module]) -> None:
    """Copy single units into the diagonal blocks of ``rnn`` (every other weight becomes 0)."""
    n_units = len(singles)
    with torch.no_grad():
        for name, param in rnn.named_parameters():
            param.zero_()
            for k, single in enumerate(singles):
                rows = [gate * n_units + k for gate in range(param.shape[0] // n_units)]  # unit k in each gate
                value = getattr(single, name)  # (G, 1) or (G,)
                if name.startswith("weight_hh"):
                    param[rows, k] = value[:, 0]
                else:
                    param[rows] = value


@dataclass
class UnitFit:
    """What ``train_units`` returns: the trained model, each unit's loss per epoch and final predictions."""

    model: UnitModel
    losses: np.ndarray  # (epochs, n_units): mean squared error over companies A and B, before each update
    predictions: np.ndarray  # (n_units, 2): each unit's prediction for A and B after training


def train_units(kind: str = "lstm", n_units: int = 10, epochs: int = 200, lr: float = 0.05, seed: int = 0,
                device: torch.device | str | None = None, progress: bool = True) -> UnitFit:
    """Train ``n_units`` independent units (starts ``seed``, ``seed + 1``, ...) on companies A and B at once.

    Full batch, Adam with learning rate ``lr``. The loss is the sum of the units' own mean squared errors,
    so each unit gets exactly the gradient it would get if trained alone.
    """
    _validate.positive_int("epochs", epochs)
    _validate.positive("lr", lr)
    device = torch.device(device) if device is not None else get_device()
    model = UnitModel(kind, n_units, seed).to(device)
    x, y = (t.to(device) for t in stock_tensors())
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = torch.empty(epochs, n_units, device=device)
    for epoch in tqdm(range(epochs), desc=f"{kind} units", disable=not progress, leave=False):
        optimizer.zero_grad()
        per_unit = ((model(x) - y) ** 2).mean(dim=0)  # (n_units,)
        per_unit.sum().backward()
        optimizer.step()
        losses[epoch] = per_unit.detach()
    with torch.no_grad():
        predictions = model(x).T.cpu().numpy()  # (n_units, 2)
    return UnitFit(model, losses.cpu().numpy(), predictions)


def epochs_to_reach(losses: np.ndarray, threshold: float) -> np.ndarray:
    """For each column of ``losses`` (epochs, units), the first epoch (counting from 1) with a loss below
    ``threshold``, or 0 when it never gets there. A 1-D ``losses`` is one unit and gives a 0-D array."""
    losses = np.asarray(losses, dtype=float)
    if losses.ndim not in (1, 2) or losses.shape[0] == 0:
        raise ValueError(f"losses must be (epochs,) or (epochs, units) with at least one epoch; got {losses.shape}.")
    _validate.positive("threshold", threshold)
    below = losses < threshold
    first = np.argmax(below, axis=0) + 1
    return np.where(below.any(axis=0), first, 0)


# ---- the GRU on the stock example (notebook 04) ------------------------------------------------------------------
# One GRU unit that solves the stock example, so that notebook 04 can follow it day by day as notebook 03 follows
# the video's LSTM. These are start STOCK_GRU_START of train_units("gru", seed=0) (200 epochs, lr=0.05) after
# training, rounded to 2 decimals (tests/test_memory_unit_gru.py retrains it and checks). Per block, in torch's row
# order r, z, n: (weight on the input x, weight on the hidden state h, bias_ih, bias_hh).
STOCK_GRU_START = 1
STOCK_GRU_BLOCKS: dict[str, tuple[float, float, float, float]] = {
    "reset": (2.08, 3.14, 0.59, 0.67),
    "update": (-3.45, -3.82, 0.67, 0.44),
    "candidate": (0.89, 3.30, -0.37, 0.06),
}


def stock_gru_params() -> dict[str, np.ndarray]:
    """The stock example's GRU unit as a ``course_utils.cells`` params dict (torch layout, rows r, z, n)."""
    w_x, w_h, b_i, b_h = (np.array([block[k] for block in STOCK_GRU_BLOCKS.values()]) for k in range(4))
    return {
        "weight_ih": w_x.reshape(3, 1),  # (3H, input_size) = (3, 1)
        "weight_hh": w_h.reshape(3, 1),  # (3H, H) = (3, 1)
        "bias_ih": b_i,  # (3H,)
        "bias_hh": b_h,  # (3H,): b_hn sits inside the reset gate's product, so it is not merged with b_in
    }


def stock_gru(dtype: torch.dtype = torch.float64) -> torch.nn.GRU:
    """A ``torch.nn.GRU(1, 1, batch_first=True)`` holding ``stock_gru_params()``."""
    gru = torch.nn.GRU(1, 1, batch_first=True).to(dtype)
    params_to_torch(stock_gru_params(), gru)
    return gru
