"""RNN, LSTM and GRU cells written out in numpy, in PyTorch's exact weight layout.

Every cell has the same three pieces:

* ``*_step`` computes one time step and returns a dict of every intermediate value
  (each gate's pre-activation and activation, the new states), for hand-computation tables;
* ``*_trace`` loops the step over a sequence and returns the list of those dicts;
* ``*_forward`` runs the whole sequence and returns what ``torch.nn.RNN/LSTM/GRU`` returns
  for one unbatched sequence: ``(outputs, h_n)`` or ``(outputs, (h_n, c_n))``.

``params`` is a dict of numpy arrays named as in torch (without the ``_l0`` suffix):
``weight_ih`` ``(G*H, input_size)``, ``weight_hh`` ``(G*H, H)``, ``bias_ih`` and ``bias_hh`` ``(G*H,)``,
where G is 1 for the RNN, 4 for the LSTM (rows i, f, g, o) and 3 for the GRU (rows r, z, n).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils._validate import KINDS, check_kind, one_of

Params = dict[str, np.ndarray]
Step = dict[str, np.ndarray]

GATES = {"rnn": 1, "lstm": 4, "gru": 3}
_NONLINEARITIES = ("tanh", "relu")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-z)), squashing any number into (0, 1)."""
    return 1.0 / (1.0 + np.exp(-z))


# ----------------------------------------------------------------------------------------------
# Input checks: shapes that do not fit raise a ValueError naming the expected and the given shape.


def _check_params(params: Params, kind: str) -> tuple[int, int]:
    """Check the four weight arrays of one layer and return ``(input_size, hidden_size)``."""
    check_kind(kind)
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of numpy arrays; got {type(params).__name__}.")
    missing = [k for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh") if k not in params]
    if missing:
        raise ValueError(
            f"params is missing {missing}; expected the keys weight_ih, weight_hh, bias_ih, bias_hh "
            "(use params_from_torch(module) to copy them from a torch layer)."
        )
    g = GATES[kind]
    w_hh = np.asarray(params["weight_hh"])
    if w_hh.ndim != 2 or w_hh.shape[0] != g * w_hh.shape[1]:
        raise ValueError(
            f"weight_hh must have shape ({g}*hidden_size, hidden_size) for a {kind.upper()}; "
            f"got {w_hh.shape}."
        )
    hidden = w_hh.shape[1]
    w_ih = np.asarray(params["weight_ih"])
    if w_ih.ndim != 2 or w_ih.shape[0] != g * hidden:
        raise ValueError(
            f"weight_ih must have shape ({g * hidden}, input_size) for a {kind.upper()} with "
            f"hidden_size={hidden}; got {w_ih.shape}."
        )
    for name in ("bias_ih", "bias_hh"):
        b = np.asarray(params[name])
        if b.shape != (g * hidden,):
            raise ValueError(f"{name} must have shape ({g * hidden},); got {b.shape}.")
    return w_ih.shape[1], hidden


def _check_x(x: Any, input_size: int) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(
            f"x must be 2-D with shape (seq_len, input_size) = (seq_len, {input_size}); got shape "
            f"{x.shape}. For a single feature use x.reshape(-1, 1)."
        )
    if x.shape[1] != input_size:
        raise ValueError(
            f"x has shape {x.shape}, expected (seq_len, {input_size}) to match weight_ih."
        )
    return x


def _check_state(state: Any, hidden: int, name: str) -> np.ndarray:
    if state is None:
        return np.zeros(hidden)
    state = np.asarray(state)
    if state.shape != (hidden,):
        raise ValueError(f"{name} must have shape ({hidden},); got {state.shape}.")
    return state


# ----------------------------------------------------------------------------------------------
# The three cells, one equation block each. x_t (input_size,) and h_prev (H,).


def rnn_step(x_t: np.ndarray, h_prev: np.ndarray, params: Params, nonlinearity: str = "tanh") -> Step:
    """One RNN step: h = act(W_ih x + b_ih + W_hh h_prev + b_hh)."""
    pre = params["weight_ih"] @ x_t + params["bias_ih"] + params["weight_hh"] @ h_prev + params["bias_hh"]  # (H,)
    h = np.tanh(pre) if one_of("nonlinearity", nonlinearity, _NONLINEARITIES) == "tanh" else np.maximum(pre, 0.0)
    return {"pre": pre, "h": h}


def lstm_step(x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, params: Params) -> Step:
    """One LSTM step: forget, input and output gates, potential memory g, new c and h.

    ``pre`` holds the four blocks' weighted sums (pre-activations) before sigmoid or tanh.
    """
    hidden = h_prev.shape[-1]
    pre = params["weight_ih"] @ x_t + params["bias_ih"] + params["weight_hh"] @ h_prev + params["bias_hh"]  # (4H,)
    i_pre, f_pre, g_pre, o_pre = (pre[k * hidden : (k + 1) * hidden] for k in range(4))  # rows i, f, g, o
    i, f, g, o = sigmoid(i_pre), sigmoid(f_pre), np.tanh(g_pre), sigmoid(o_pre)
    c = f * c_prev + i * g  # long-term memory: no weight on this path
    h = o * np.tanh(c)  # short-term memory
    return {
        "i_pre": i_pre, "f_pre": f_pre, "g_pre": g_pre, "o_pre": o_pre,
        "i": i, "f": f, "g": g, "o": o, "c": c, "h": h,
    }


def gru_step(x_t: np.ndarray, h_prev: np.ndarray, params: Params, reset_after: bool = True) -> Step:
    """One GRU step: reset gate r, update gate z, candidate n, new h = (1 - z) * n + z * h_prev.

    ``reset_after=True`` is PyTorch's form, n = tanh(W_in x + b_in + r * (W_hn h + b_hn));
    ``reset_after=False`` is the later paper form, n = tanh(W_in x + b_in + W_hn (r * h) + b_hn).
    """
    hidden = h_prev.shape[-1]
    w_ih, w_hh, b_ih, b_hh = params["weight_ih"], params["weight_hh"], params["bias_ih"], params["bias_hh"]
    gi = w_ih @ x_t + b_ih  # (3H,) input part of every block
    rows = [slice(k * hidden, (k + 1) * hidden) for k in range(3)]  # rows r, z, n
    r_pre = gi[rows[0]] + w_hh[rows[0]] @ h_prev + b_hh[rows[0]]
    z_pre = gi[rows[1]] + w_hh[rows[1]] @ h_prev + b_hh[rows[1]]
    r, z = sigmoid(r_pre), sigmoid(z_pre)
    if reset_after:
        n_pre = gi[rows[2]] + r * (w_hh[rows[2]] @ h_prev + b_hh[rows[2]])
    else:
        n_pre = gi[rows[2]] + w_hh[rows[2]] @ (r * h_prev) + b_hh[rows[2]]
    n = np.tanh(n_pre)
    h = (1.0 - z) * n + z * h_prev
    return {"r_pre": r_pre, "z_pre": z_pre, "n_pre": n_pre, "r": r, "z": z, "n": n, "h": h}


# ----------------------------------------------------------------------------------------------
# Whole sequences. x is (seq_len, input_size); a missing initial state means zeros.


def rnn_trace(x: np.ndarray, params: Params, h0: np.ndarray | None = None, nonlinearity: str = "tanh") -> list[Step]:
    """Run ``rnn_step`` over ``x`` and return every step's values."""
    input_size, hidden = _check_params(params, "rnn")
    x = _check_x(x, input_size)
    h = _check_state(h0, hidden, "h0")
    steps = []
    for x_t in x:
        step = rnn_step(x_t, h, params, nonlinearity)
        h = step["h"]
        steps.append(step)
    return steps


def lstm_trace(
    x: np.ndarray, params: Params, h0: np.ndarray | None = None, c0: np.ndarray | None = None
) -> list[Step]:
    """Run ``lstm_step`` over ``x`` and return every step's values."""
    input_size, hidden = _check_params(params, "lstm")
    x = _check_x(x, input_size)
    h = _check_state(h0, hidden, "h0")
    c = _check_state(c0, hidden, "c0")
    steps = []
    for x_t in x:
        step = lstm_step(x_t, h, c, params)
        h, c = step["h"], step["c"]
        steps.append(step)
    return steps


def gru_trace(
    x: np.ndarray, params: Params, h0: np.ndarray | None = None, reset_after: bool = True
) -> list[Step]:
    """Run ``gru_step`` over ``x`` and return every step's values."""
    input_size, hidden = _check_params(params, "gru")
    x = _check_x(x, input_size)
    h = _check_state(h0, hidden, "h0")
    steps: list[Step] = []
    for x_t in x:
        steps.append(gru_step(x_t, h, params, reset_after))
        h = steps[-1]["h"]
    return steps


def _outputs(steps: list[Step]) -> tuple[np.ndarray, np.ndarray]:
    if not steps:
        raise ValueError("x has no time steps (seq_len = 0); give at least one step.")
    outputs = np.stack([s["h"] for s in steps])  # (seq_len, H)
    return outputs, outputs[-1]


def rnn_forward(
    x: np.ndarray, params: Params, h0: np.ndarray | None = None, nonlinearity: str = "tanh"
) -> tuple[np.ndarray, np.ndarray]:
    """Like ``torch.nn.RNN`` on one sequence: returns ``(outputs (seq_len, H), h_n (H,))``."""
    steps = rnn_trace(x, params, h0, nonlinearity)
    return _outputs(steps)


def lstm_forward(
    x: np.ndarray, params: Params, h0: np.ndarray | None = None, c0: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Like ``torch.nn.LSTM`` on one sequence: returns ``(outputs, (h_n, c_n))``."""
    steps = lstm_trace(x, params, h0, c0)
    outputs, h_n = _outputs(steps)
    return outputs, (h_n, steps[-1]["c"])


def gru_forward(
    x: np.ndarray, params: Params, h0: np.ndarray | None = None, reset_after: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Like ``torch.nn.GRU`` on one sequence: returns ``(outputs (seq_len, H), h_n (H,))``."""
    steps = gru_trace(x, params, h0, reset_after)
    return _outputs(steps)


# ----------------------------------------------------------------------------------------------
# Moving weights between torch modules and these dicts, by name.


def _kind_of(module: Any) -> str:
    name = type(module).__name__.lower()
    if name not in KINDS:
        raise TypeError(f"module must be a torch.nn.RNN, LSTM or GRU; got {type(module).__name__}.")
    return name


def _suffix(module: Any, layer: int, reverse: bool) -> str:
    if not 0 <= layer < module.num_layers:
        raise ValueError(f"layer must be in 0..{module.num_layers - 1}; got {layer}.")
    if reverse and not module.bidirectional:
        raise ValueError("reverse=True needs a bidirectional module (bidirectional=True).")
    return f"_l{layer}" + ("_reverse" if reverse else "")


def params_from_torch(module: Any, layer: int = 0, reverse: bool = False) -> Params:
    """Copy one layer's weights of a torch RNN/LSTM/GRU into a dict of float64 numpy arrays.

    Weights are copied by name (``weight_ih_l0`` ...); a module built with ``bias=False`` gives zero biases.
    """
    kind = _kind_of(module)
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTMs with proj_size > 0 are not covered by the scratch cells; use proj_size=0.")
    suffix = _suffix(module, layer, reverse)
    state = module.state_dict()
    params = {}
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        key = name + suffix
        if key in state:
            params[name] = state[key].detach().cpu().double().numpy().copy()
        else:  # bias=False
            params[name] = np.zeros(GATES[kind] * module.hidden_size)
    return params


def params_to_torch(params: Params, module: Any, layer: int = 0, reverse: bool = False) -> None:
    """Copy a params dict into one layer of a torch RNN/LSTM/GRU (in place), by name."""
    import torch

    kind = _kind_of(module)
    input_size, hidden = _check_params(params, kind)
    suffix = _suffix(module, layer, reverse)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            target = getattr(module, name + suffix, None)
            if target is None:
                if np.any(params[name]):
                    raise ValueError(
                        f"the module has no {name + suffix} (bias=False) but params[{name!r}] is not zero."
                    )
                continue
            value = torch.as_tensor(np.asarray(params[name]), dtype=target.dtype)
            if tuple(value.shape) != tuple(target.shape):
                raise ValueError(f"{name} has shape {tuple(value.shape)}; the module expects {tuple(target.shape)}.")
            target.copy_(value)


# ----------------------------------------------------------------------------------------------
# Stacked and bidirectional networks, built from the same cells.

Layer = Params | tuple[Params, Params]


def layers_from_torch(module: Any) -> list[Layer]:
    """Every layer's params: a dict per layer, or a (forward, backward) pair when bidirectional."""
    layers: list[Layer] = []
    for layer in range(module.num_layers):
        fwd = params_from_torch(module, layer)
        layers.append((fwd, params_from_torch(module, layer, reverse=True)) if module.bidirectional else fwd)
    return layers


def _run_one(kind: str, x: np.ndarray, params: Params, nonlinearity: str, reset_after: bool
             ) -> tuple[np.ndarray, list[np.ndarray]]:
    if kind == "rnn":
        out, h_n = rnn_forward(x, params, nonlinearity=nonlinearity)
        return out, [h_n]
    if kind == "lstm":
        out, (h_n, c_n) = lstm_forward(x, params)
        return out, [h_n, c_n]
    out, h_n = gru_forward(x, params, reset_after=reset_after)
    return out, [h_n]


def _check_stack_options(kind: str, layers: list[Layer], nonlinearity: str, reset_after: bool) -> None:
    check_kind(kind)
    one_of("nonlinearity", nonlinearity, _NONLINEARITIES)
    if kind != "rnn" and nonlinearity != "tanh":
        raise ValueError(f"nonlinearity is an option of the RNN only; drop it for kind={kind!r}.")
    if kind != "gru" and reset_after is not True:
        raise ValueError(f"reset_after is an option of the GRU only; drop it for kind={kind!r}.")
    if not layers:
        raise ValueError("layers is empty; give at least one layer's params (cells.layers_from_torch(module)).")


def stacked_forward(kind: str, x: np.ndarray, layers: list[Layer], *, nonlinearity: str = "tanh",
                    reset_after: bool = True) -> tuple[np.ndarray, Any]:
    """Run a stacked (and optionally bidirectional) network from zero states, like torch.

    The output sequence of each layer is the input of the next. A bidirectional layer is a
    ``(forward, backward)`` pair: the backward cell reads the sequence reversed, and its outputs are
    flipped back and placed after the forward ones, so outputs are ``(seq_len, 2H)``.
    Returns ``(outputs, h_n)`` with ``h_n`` of shape ``(num_layers * num_directions, H)``, or
    ``(outputs, (h_n, c_n))`` for an LSTM, in torch's order (layer 0 forward, layer 0 backward, ...).
    ``nonlinearity`` is an option of the RNN, ``reset_after`` of the GRU.
    """
    _check_stack_options(kind, layers, nonlinearity, reset_after)
    finals: list[list[np.ndarray]] = []
    out = np.asarray(x)
    for layer in layers:
        if isinstance(layer, tuple):
            fwd_out, fwd_final = _run_one(kind, out, layer[0], nonlinearity, reset_after)
            bwd_out, bwd_final = _run_one(kind, out[::-1], layer[1], nonlinearity, reset_after)
            out = np.concatenate([fwd_out, bwd_out[::-1]], axis=1)  # (seq_len, 2H)
            finals += [fwd_final, bwd_final]
        else:
            out, final = _run_one(kind, out, layer, nonlinearity, reset_after)
            finals.append(final)
    h_n = np.stack([f[0] for f in finals])
    if kind == "lstm":
        return out, (h_n, np.stack([f[1] for f in finals]))
    return out, h_n
