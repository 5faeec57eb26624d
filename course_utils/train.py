"""A small, readable training loop for PyTorch models.

``fit`` trains with a progress bar, keeps a history of losses and metrics, stops early when the
validation loss stops improving (restoring the best weights) and can clip gradients.
A batch is a tuple: every element but the last is an input of the model, the last is the target,
so ``model(*batch[:-1])`` is compared with ``batch[-1]``.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm.auto import tqdm

from course_utils import _validate

Metric = Callable[[torch.Tensor, torch.Tensor], float]


def set_seed(seed: int = 0) -> None:
    """Seed Python, numpy and torch (CPU and CUDA) so that runs repeat.

    String hashing (the order of a ``set`` of strings) is not seeded here: ``PYTHONHASHSEED`` only takes
    effect when it is set before Python starts, so the course never relies on that order.
    """
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds the legacy global generator that older code uses
    torch.manual_seed(seed)


def get_device() -> torch.device:
    """CUDA when a GPU is present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class History:
    """What ``fit`` records: one entry per epoch."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int = -1
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


def _to(batch: Iterable[torch.Tensor], device: torch.device) -> list[torch.Tensor]:
    return [t.to(device) for t in batch]


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    loader: Iterable,
    loss_fn: Callable,
    metrics: dict[str, Metric] | None = None,
    device: torch.device | None = None,
) -> dict[str, float]:
    """Mean loss (and metrics) of ``model`` over ``loader``, weighted by batch size."""
    device = device or next(model.parameters()).device
    model.eval()
    preds, targets, total, count = [], [], 0.0, 0
    for batch in loader:
        *inputs, y = _to(batch, device)
        out = model(*inputs)
        total += float(loss_fn(out, y)) * len(y)
        count += len(y)
        preds.append(out)
        targets.append(y)
    if count == 0:
        raise ValueError("the loader gave no batches; check the data set and batch size.")
    result = {"loss": total / count}
    if metrics:
        pred, target = torch.cat(preds), torch.cat(targets)
        result.update({name: float(fn(pred, target)) for name, fn in metrics.items()})
    return result


@torch.no_grad()
def predict(model: torch.nn.Module, loader: Iterable, device: torch.device | None = None) -> torch.Tensor:
    """Concatenated outputs of ``model`` over ``loader`` (the targets are ignored), on the CPU."""
    device = device or next(model.parameters()).device
    model.eval()
    return torch.cat([model(*_to(batch[:-1], device)).cpu() for batch in loader])


def _check_fit_options(epochs: int, lr: float, val_loader: Iterable | None, patience: int | None,
                       clip_grad: float | None) -> None:
    _validate.positive_int("epochs", epochs)
    _validate.positive("lr", lr)
    if patience is not None:
        _validate.positive_int("patience", patience, hint="It counts the epochs without improvement to allow.")
        if val_loader is None:
            raise ValueError("patience (early stopping) needs a val_loader to watch; pass val_loader=...")
    if clip_grad is not None:
        _validate.positive("clip_grad", clip_grad)


def fit(
    model: torch.nn.Module,
    train_loader: Iterable,
    loss_fn: Callable,
    epochs: int = 10,
    lr: float = 1e-3,
    val_loader: Iterable | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    metrics: dict[str, Metric] | None = None,
    patience: int | None = None,
    clip_grad: float | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
    desc: str = "epochs",
) -> History:
    """Train ``model`` and return its ``History``.

    ``optimizer`` defaults to Adam with learning rate ``lr``; any object with ``zero_grad()`` and ``step()``
    will do (the first ``torch.optim`` optimizer of a session takes a few seconds to import). With
    ``val_loader`` the validation loss (and ``metrics``) are recorded each epoch; with ``patience`` too,
    training stops after that many epochs without improvement and the best weights are restored.
    ``clip_grad`` clips the gradient norm (``torch.nn.utils.clip_grad_norm_``) before each update.
    """
    _check_fit_options(epochs, lr, val_loader, patience, clip_grad)
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    best_loss, best_state, waited = float("inf"), None, 0
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc=desc, disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        total, count = 0.0, 0
        for batch in train_loader:
            *inputs, y = _to(batch, device)
            optimizer.zero_grad()
            loss = loss_fn(model(*inputs), y)
            loss.backward()
            if clip_grad is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
            optimizer.step()
            total += loss.item() * len(y)
            count += len(y)
        if count == 0:
            raise ValueError("train_loader gave no batches; check the data set and batch size.")
        history.train_loss.append(total / count)
        postfix = {"train": f"{history.train_loss[-1]:.4f}"}
        if val_loader is not None:
            result = evaluate(model, val_loader, loss_fn, metrics, device)
            history.val_loss.append(result.pop("loss"))
            for name, value in result.items():
                history.metrics.setdefault(name, []).append(value)
            postfix["val"] = f"{history.val_loss[-1]:.4f}"
            if history.val_loss[-1] < best_loss:
                best_loss, waited, history.best_epoch = history.val_loss[-1], 0, epoch
                best_state = copy.deepcopy(model.state_dict()) if patience is not None else None
            else:
                waited += 1
        bar.set_postfix(postfix, refresh=False)
        if patience is not None and waited >= patience:
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    history.seconds = time.perf_counter() - start
    return history
