"""How far back a gradient reaches in a recurrent network (notebook 02; reused in notebook 08).

``hidden_grad_norms`` runs a one-layer ``torch.nn.RNN``, ``LSTM`` or ``GRU`` one step at a time, keeps every
hidden state, and asks autograd for the gradient of one fixed loss with respect to each of them:

    loss = h_T.sum()    # the sum of every entry of the last hidden state (over the batch too)

so ``dloss/dh_T`` is all ones and ``norms[0] = sqrt(batch * hidden_size)``. ``norms[j]`` is the norm of
``dloss/dh_(T-j)``, the gradient that reaches the hidden state ``j`` steps before the last one. A plain RNN
multiplies it at each step back by the Jacobian ``dh_t/dh_(t-1) = diag(1 - h_t**2) @ W_hh`` (the tanh slope of
each unit times its row of ``W_hh``), so it shrinks (or grows) geometrically.

``reach`` turns that curve into one number: how many steps back the gradient stays above a fraction of
its value at the last step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from course_utils import _validate


def _check_module(module: Any) -> str:
    kind = type(module).__name__
    if kind.lower() not in _validate.KINDS:
        raise TypeError(
            f"module must be a torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU; got {kind}. "
            "(For a cell such as nn.RNNCell, wrap it in the matching layer.)"
        )
    if module.num_layers != 1 or module.bidirectional:
        raise ValueError(
            f"hidden_grad_norms needs a one-layer, one-direction module; got num_layers={module.num_layers}, "
            f"bidirectional={module.bidirectional}. Measure one layer at a time."
        )
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTMs with proj_size > 0 are not covered; use proj_size=0.")
    return kind


def _steps_first(module: torch.nn.Module, x: Any) -> torch.Tensor:
    """``x`` checked and laid out as ``(seq_len, batch, input_size)`` on the module's device and dtype."""
    _validate.instance_of("x", x, torch.Tensor, hint="Use torch.as_tensor(x).")
    if x.ndim == 2:
        x = x.unsqueeze(1)  # one sequence -> (seq_len, 1, input_size)
    elif x.ndim == 3:
        x = x.transpose(0, 1) if module.batch_first else x  # -> (seq_len, batch, input_size)
    else:
        raise ValueError(f"x must be (seq_len, input_size) or a 3-D batch; got shape {tuple(x.shape)}.")
    if x.shape[0] < 1:
        raise ValueError("x has no time steps (seq_len = 0); give at least one step.")
    if x.shape[2] != module.input_size:
        raise ValueError(
            f"x has {x.shape[2]} features per step but the module expects input_size={module.input_size}."
        )
    weight = next(module.parameters())
    return x.detach().to(device=weight.device, dtype=weight.dtype)


def hidden_grad_norms(module: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    """Norm of ``d(loss)/d(state_k)`` for every step k, with ``loss = h_T.sum()`` (the last hidden state).

    ``module`` is a one-layer ``torch.nn.RNN``, ``LSTM`` or ``GRU``. ``x`` is one sequence
    ``(seq_len, input_size)`` or a batch in the module's layout (``(seq_len, batch, input_size)``, or
    ``(batch, seq_len, input_size)`` when ``batch_first=True``); it is moved to the module's device and dtype.
    The initial state is zero.

    Returns a float64 array of length ``seq_len`` ordered by steps back from the loss: ``norms[0]`` is
    ``||dloss/dh_T||`` (the last step) and ``norms[j]`` is ``||dloss/dh_(T-j)||``, the norm taken over the
    whole batch. The module's parameter gradients are left untouched.
    """
    kind = _check_module(module)
    x = _steps_first(module, x)  # (seq_len, batch, input_size), on the module's device and dtype
    weight = next(module.parameters())
    zeros = torch.zeros(1, x.shape[1], module.hidden_size, device=weight.device, dtype=weight.dtype)
    hidden: Any = (zeros, zeros.clone()) if kind == "LSTM" else zeros
    kept = []  # the state after every step; each one is an input of the next step
    with torch.enable_grad():
        for x_t in x:
            step_in = x_t.unsqueeze(1) if module.batch_first else x_t.unsqueeze(0)  # one step
            _, hidden = module(step_in, hidden)
            kept.append(hidden[0] if kind == "LSTM" else hidden)  # h_k, shape (1, batch, hidden_size)
        loss = kept[-1].sum()  # the sum of the last hidden state h_T
        grads = torch.autograd.grad(loss, kept)  # dloss/dstate_k for every k, through the recurrence
    norms = torch.stack([g.norm() for g in grads]).detach().cpu().double().numpy()
    return norms[::-1].copy()  # steps back from the loss: norms[0] is the last step


def reach(norms: Any, threshold: float = 1e-3) -> int:
    """How many steps back the gradient stays at or above ``threshold * norms[0]``.

    Returns the largest ``j`` such that ``norms[0..j]`` are all ``>= threshold * norms[0]``: 0 when the
    gradient one step back is already below, ``len(norms) - 1`` when it never falls below.
    """
    values = _check_norms(norms)
    _validate.real("threshold", threshold, 0.0, 1.0, low_open=True, hint="It is a fraction of norms[0].")
    below = np.flatnonzero(values < threshold * values[0])
    return int(below[0] - 1) if below.size else len(values) - 1


def _check_norms(norms: Any) -> np.ndarray:
    values = np.asarray(norms, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"norms must be a non-empty 1-D array; got shape {values.shape}.")
    if np.isnan(values).any() or (values < 0).any():
        raise ValueError("norms must be non-negative numbers with no NaN (norms of gradients).")
    if not np.isfinite(values[0]) or values[0] == 0:
        raise ValueError(f"norms[0] (the gradient at the last step) must be finite and positive; got {values[0]}.")
    return values
