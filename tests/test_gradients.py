"""Tests of course_utils.gradients: the per-step gradient norms and their reach."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import cells
from course_utils.gradients import hidden_grad_norms, reach

KINDS = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}


def make(kind: str, input_size: int = 3, hidden: int = 5, seed: int = 0, **kw) -> torch.nn.Module:
    torch.manual_seed(seed)
    return KINDS[kind](input_size, hidden, **kw).double()


def grad_from_step(module: torch.nn.Module, x: torch.Tensor, k: int) -> float:
    """Independent check: restart the module at step k from a leaf h_k and differentiate h_T.sum()."""
    kind = type(module).__name__
    zeros = torch.zeros(1, 1, module.hidden_size, dtype=torch.float64)
    start = (zeros, zeros.clone()) if kind == "LSTM" else zeros
    with torch.no_grad():
        _, state = module(x[: k + 1].unsqueeze(1), start)  # the state after step k (0-based)
    if kind == "LSTM":
        h_k = state[0].clone().requires_grad_(True)
        state = (h_k, state[1])  # the cell state is held fixed: a partial derivative, like the tensor's
    else:
        h_k = state.clone().requires_grad_(True)
        state = h_k
    rest = x[k + 1 :]
    if len(rest):
        _, state = module(rest.unsqueeze(1), state)
    h_last = state[0] if kind == "LSTM" else state
    (grad,) = torch.autograd.grad(h_last.sum(), h_k)
    return float(grad.norm())


@pytest.mark.parametrize("kind", list(KINDS))
def test_norms_match_an_independent_restart(kind):
    module = make(kind)
    x = torch.randn(12, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    norms = hidden_grad_norms(module, x)
    assert norms.shape == (12,) and norms.dtype == np.float64
    for k in (0, 4, 10, 11):
        np.testing.assert_allclose(norms[11 - k], grad_from_step(module, x, k), rtol=1e-10, atol=1e-14)


def test_last_step_norm_is_sqrt_of_size():
    module = make("GRU", hidden=7)
    x = torch.randn(5, 4, 3, dtype=torch.float64)  # (seq_len, batch, input)
    norms = hidden_grad_norms(module, x)
    assert norms[0] == pytest.approx(np.sqrt(4 * 7))


def test_scalar_rnn_matches_the_closed_form():
    """One unit: dh_T/dh_k is the product of w_hh * (1 - h_t^2) over the later steps."""
    module = make("RNN", input_size=1, hidden=1, seed=3)
    x = np.random.default_rng(0).normal(size=(20, 1))
    norms = hidden_grad_norms(module, torch.as_tensor(x))
    params = cells.params_from_torch(module)
    hs = np.array([s["h"][0] for s in cells.rnn_trace(x, params)])
    factors = params["weight_hh"][0, 0] * (1 - hs**2)  # d h_t / d h_(t-1)
    expected = np.abs(np.cumprod(np.r_[1.0, factors[:0:-1]]))  # steps back from the last one
    np.testing.assert_allclose(norms, expected, rtol=1e-10)


def test_rnn_norms_are_the_product_of_the_jacobians():
    """Many units: dL/dh_(t-1) = dL/dh_t @ J_t with J_t = diag(1 - h_t^2) W_hh, from dL/dh_T = ones."""
    module = make("RNN", input_size=2, hidden=6, seed=4)
    with torch.no_grad():
        module.weight_hh_l0.mul_(3.0)  # large enough that some steps stretch the gradient
    x = np.random.default_rng(2).normal(size=(25, 2))
    params = cells.params_from_torch(module)
    hs = np.array([s["h"] for s in cells.rnn_trace(x, params)])
    grad, expected = np.ones(6), [np.sqrt(6)]
    for h in hs[:0:-1]:  # h_T, ..., h_2: one Jacobian per step back
        grad = grad @ (np.diag(1 - h**2) @ params["weight_hh"])
        expected.append(np.linalg.norm(grad))
    norms = hidden_grad_norms(module, torch.as_tensor(x))
    np.testing.assert_allclose(norms, expected, rtol=1e-9)
    jac_norms = [np.linalg.norm(np.diag(1 - h**2) @ params["weight_hh"], 2) for h in hs[:0:-1]]
    bound = np.sqrt(6) * np.cumprod(np.r_[1.0, jac_norms])  # ||g J|| <= ||g|| ||J||, step after step
    assert np.all(norms <= bound * (1 + 1e-9))


@pytest.mark.parametrize("kind", list(KINDS))
def test_batch_first_gives_the_same_norms(kind):
    x = torch.randn(9, 2, 3, dtype=torch.float64)
    plain = hidden_grad_norms(make(kind), x)
    first = hidden_grad_norms(make(kind, batch_first=True), x.transpose(0, 1))
    np.testing.assert_allclose(plain, first, rtol=1e-12)


def test_float32_module_and_untouched_parameter_grads():
    torch.manual_seed(0)
    module = torch.nn.LSTM(2, 4)
    norms = hidden_grad_norms(module, torch.randn(6, 2, dtype=torch.float64))  # x is cast to float32
    assert np.all(np.isfinite(norms))
    assert all(p.grad is None for p in module.parameters())


def test_works_under_no_grad():
    module = make("RNN")
    x = torch.randn(4, 3, dtype=torch.float64)
    with torch.no_grad():
        norms = hidden_grad_norms(module, x)
    np.testing.assert_allclose(norms, hidden_grad_norms(module, x))


def test_bad_inputs():
    x = torch.randn(5, 3, dtype=torch.float64)
    with pytest.raises(TypeError, match="torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU; got Linear"):
        hidden_grad_norms(torch.nn.Linear(3, 2), x)
    with pytest.raises(ValueError, match="one-layer, one-direction module; got num_layers=2"):
        hidden_grad_norms(make("RNN", num_layers=2), x)
    with pytest.raises(ValueError, match="bidirectional=True"):
        hidden_grad_norms(make("GRU", bidirectional=True), x)
    with pytest.raises(ValueError, match="proj_size"):
        hidden_grad_norms(torch.nn.LSTM(3, 4, proj_size=2), x)
    with pytest.raises(TypeError, match=r"x must be a Tensor; got ndarray\. Use torch\.as_tensor\(x\)"):
        hidden_grad_norms(make("RNN"), x.numpy())
    with pytest.raises(ValueError, match=r"got shape \(5,\)"):
        hidden_grad_norms(make("RNN"), x[:, 0])
    with pytest.raises(ValueError, match="no time steps"):
        hidden_grad_norms(make("RNN"), x[:0])
    with pytest.raises(ValueError, match="expects input_size=3"):
        hidden_grad_norms(make("RNN"), torch.randn(5, 2))


def test_reach_examples():
    assert reach([4.0, 1.0, 0.1, 0.001, 1e-6], threshold=1e-3) == 2  # 0.001 < 4 * 1e-3
    assert reach([1.0, 0.5, 0.25], threshold=0.1) == 2  # never below: the whole sequence
    assert reach([1.0, 1e-9, 1.0], threshold=1e-3) == 0  # stops at the first drop
    assert reach([1.0], threshold=0.5) == 0
    assert reach([1.0, np.inf, 2.0]) == 2  # an exploding gradient is still "above"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=40), st.floats(1e-9, 1.0))
def test_reach_property(tail, threshold):
    norms = np.array([1.0, *tail])
    j = reach(norms, threshold)
    assert 0 <= j < len(norms)
    assert np.all(norms[: j + 1] >= threshold)
    assert j == len(norms) - 1 or norms[j + 1] < threshold


def test_reach_geometric():
    norms = 0.5 ** np.arange(30)
    assert reach(norms, 1e-3) == 9  # 0.5**9 = 0.00195 >= 1e-3 > 0.5**10


def test_reach_bad_inputs():
    with pytest.raises(ValueError, match="non-empty 1-D"):
        reach([])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        reach(np.ones((2, 2)))
    with pytest.raises(ValueError, match="no NaN"):
        reach([1.0, np.nan])
    with pytest.raises(ValueError, match="non-negative"):
        reach([1.0, -0.5])
    with pytest.raises(ValueError, match=r"threshold must be a finite number in \(0, 1\]; got threshold=2.0\. It is"):
        reach([1.0, 0.5], threshold=2)
    with pytest.raises(ValueError, match="finite and positive; got 0.0"):
        reach([0.0, 0.5])
