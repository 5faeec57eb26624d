"""The scratch cells equal torch.nn.RNN / LSTM / GRU in float64, and bad shapes get clear errors."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import cells

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
TOL = {"rtol": 1e-9, "atol": 1e-9}


def make(kind, input_size, hidden, seed, **kwargs):
    torch.manual_seed(seed)
    return MODULES[kind](input_size, hidden, **kwargs).double()


def torch_run(module, x, state=None):
    with torch.no_grad():
        out, final = module(torch.as_tensor(x), state)
    return out.numpy(), final


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(["rnn", "lstm", "gru"]),
    input_size=st.integers(1, 5),
    hidden=st.integers(1, 6),
    seq_len=st.integers(1, 9),
    seed=st.integers(0, 10_000),
    with_state=st.booleans(),
)
def test_forward_equals_torch(kind, input_size, hidden, seq_len, seed, with_state):
    module = make(kind, input_size, hidden, seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(seq_len, input_size))
    params = cells.params_from_torch(module)
    h0 = rng.normal(size=hidden) if with_state else None
    c0 = rng.normal(size=hidden) if with_state else None
    if kind == "lstm":
        state = (torch.tensor(h0)[None], torch.tensor(c0)[None]) if with_state else None
        ref_out, (ref_h, ref_c) = torch_run(module, x, state)
        out, (h_n, c_n) = cells.lstm_forward(x, params, h0, c0)
        np.testing.assert_allclose(c_n, ref_c[0].numpy(), **TOL)
    else:
        state = torch.tensor(h0)[None] if with_state else None
        ref_out, ref_h = torch_run(module, x, state)
        forward = cells.rnn_forward if kind == "rnn" else cells.gru_forward
        out, h_n = forward(x, params, h0)
    assert out.shape == (seq_len, hidden) and h_n.shape == (hidden,)
    np.testing.assert_allclose(out, ref_out, **TOL)
    np.testing.assert_allclose(h_n, ref_h[0].numpy(), **TOL)


def test_relu_rnn_equals_torch():
    module = make("rnn", 3, 4, 1, nonlinearity="relu")
    x = np.random.default_rng(1).normal(size=(6, 3))
    ref_out, _ = torch_run(module, x)
    out, _ = cells.rnn_forward(x, cells.params_from_torch(module), nonlinearity="relu")
    np.testing.assert_allclose(out, ref_out, **TOL)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers,bidirectional", [(2, False), (1, True), (3, True)])
def test_stacked_and_bidirectional_equal_torch(kind, num_layers, bidirectional):
    module = make(kind, 3, 4, 7, num_layers=num_layers, bidirectional=bidirectional)
    x = np.random.default_rng(7).normal(size=(5, 3))
    ref_out, ref_final = torch_run(module, x)
    out, final = cells.stacked_forward(kind, x, cells.layers_from_torch(module))
    np.testing.assert_allclose(out, ref_out, **TOL)
    if kind == "lstm":
        np.testing.assert_allclose(final[0], ref_final[0].numpy(), **TOL)
        np.testing.assert_allclose(final[1], ref_final[1].numpy(), **TOL)
    else:
        np.testing.assert_allclose(final, ref_final.numpy(), **TOL)


def test_bidirectional_layout():
    """h_n[1] is the backward direction's final state, found at output[0, H:], not output[-1, H:]."""
    module = make("gru", 2, 3, 3, bidirectional=True)
    x = np.random.default_rng(3).normal(size=(4, 2))
    out, h_n = cells.stacked_forward("gru", x, cells.layers_from_torch(module))
    np.testing.assert_allclose(h_n[0], out[-1, :3], **TOL)
    np.testing.assert_allclose(h_n[1], out[0, 3:], **TOL)


def test_gru_paper_form_differs_and_matches_its_equation():
    module = make("gru", 3, 4, 5)
    params = cells.params_from_torch(module)
    x = np.random.default_rng(5).normal(size=(6, 3))
    torch_form, _ = cells.gru_forward(x, params)
    paper_form, _ = cells.gru_forward(x, params, reset_after=False)
    assert np.max(np.abs(torch_form - paper_form)) > 1e-3
    # the paper form applies r before the product: check one step by hand
    h = np.zeros(4)
    step = cells.gru_step(x[0], h + 0.5, params, reset_after=False)
    w_hn, b_hn = params["weight_hh"][8:], params["bias_hh"][8:]
    n_pre = params["weight_ih"][8:] @ x[0] + params["bias_ih"][8:] + w_hn @ (step["r"] * 0.5) + b_hn
    np.testing.assert_allclose(step["n_pre"], n_pre, **TOL)


def test_lstm_step_values_are_consistent():
    module = make("lstm", 2, 3, 11)
    params = cells.params_from_torch(module)
    rng = np.random.default_rng(11)
    x, h, c = rng.normal(size=2), rng.normal(size=3), rng.normal(size=3)
    s = cells.lstm_step(x, h, c, params)
    np.testing.assert_allclose(s["f"], cells.sigmoid(s["f_pre"]))
    np.testing.assert_allclose(s["g"], np.tanh(s["g_pre"]))
    np.testing.assert_allclose(s["c"], s["f"] * c + s["i"] * s["g"])
    np.testing.assert_allclose(s["h"], s["o"] * np.tanh(s["c"]))
    z = params["weight_ih"] @ x + params["bias_ih"] + params["weight_hh"] @ h + params["bias_hh"]
    assert sorted(s) == sorted(["i_pre", "f_pre", "g_pre", "o_pre", "i", "f", "g", "o", "c", "h"])
    for k, gate in enumerate(("i", "f", "g", "o")):  # torch's row order
        np.testing.assert_allclose(s[f"{gate}_pre"], z[3 * k : 3 * k + 3], **TOL)
    np.testing.assert_allclose(s["i"], cells.sigmoid(s["i_pre"]))
    np.testing.assert_allclose(s["o"], cells.sigmoid(s["o_pre"]))


def test_rnn_and_gru_step_values():
    params = cells.params_from_torch(make("rnn", 2, 3, 4))
    x, h = np.array([0.5, -1.0]), np.array([0.1, 0.2, -0.3])
    s = cells.rnn_step(x, h, params)
    pre = params["weight_ih"] @ x + params["bias_ih"] + params["weight_hh"] @ h + params["bias_hh"]
    assert sorted(s) == ["h", "pre"]
    np.testing.assert_allclose(s["pre"], pre, **TOL)
    np.testing.assert_allclose(s["h"], np.tanh(pre), **TOL)
    np.testing.assert_allclose(cells.rnn_step(x, h, params, "relu")["h"], np.maximum(pre, 0), **TOL)
    params = cells.params_from_torch(make("gru", 2, 3, 4))
    s = cells.gru_step(x, h, params)
    gi = params["weight_ih"] @ x + params["bias_ih"]
    gh = params["weight_hh"] @ h + params["bias_hh"]
    assert sorted(s) == sorted(["r_pre", "z_pre", "n_pre", "r", "z", "n", "h"])
    np.testing.assert_allclose(s["r_pre"], gi[:3] + gh[:3], **TOL)
    np.testing.assert_allclose(s["z_pre"], gi[3:6] + gh[3:6], **TOL)
    np.testing.assert_allclose(s["n_pre"], gi[6:] + s["r"] * gh[6:], **TOL)
    np.testing.assert_allclose(s["r"], cells.sigmoid(s["r_pre"]), **TOL)
    np.testing.assert_allclose(s["z"], cells.sigmoid(s["z_pre"]), **TOL)
    np.testing.assert_allclose(s["n"], np.tanh(s["n_pre"]), **TOL)
    np.testing.assert_allclose(s["h"], (1 - s["z"]) * s["n"] + s["z"] * h, **TOL)


def test_statquest_example():
    """The StatQuest unit of REFERENCES.md: predictions 0.0064 (company A) and 0.9694 (company B)."""
    params = {
        "weight_ih": np.array([[1.65], [1.63], [0.94], [-0.19]]),
        "weight_hh": np.array([[2.00], [2.70], [1.41], [4.38]]),
        "bias_ih": np.array([0.62, 1.62, -0.32, 0.59]),
        "bias_hh": np.zeros(4),
    }
    _, (h_a, _) = cells.lstm_forward(np.array([[0], [0.5], [0.25], [1]]), params)
    _, (h_b, c_b) = cells.lstm_forward(np.array([[1], [0.5], [0.25], [1]]), params)
    assert round(float(h_a[0]), 4) == 0.0064
    assert round(float(h_b[0]), 4) == 0.9694 and round(float(c_b[0]), 4) == 2.4091
    step = cells.lstm_step(np.array([1.0]), np.array([1.0]), np.array([2.0]), params)
    assert round(float(step["c"][0]), 4) == 2.9476 and round(float(step["h"][0]), 4) == 0.9862


def test_params_round_trip():
    source = make("lstm", 3, 2, 0, num_layers=2, bidirectional=True)
    target = make("lstm", 3, 2, 1, num_layers=2, bidirectional=True)
    for layer in range(2):
        for reverse in (False, True):
            cells.params_to_torch(cells.params_from_torch(source, layer, reverse), target, layer, reverse)
    for name, value in source.state_dict().items():
        torch.testing.assert_close(target.state_dict()[name], value)


def test_bias_false_gives_zero_biases():
    module = make("gru", 2, 3, 0, bias=False)
    params = cells.params_from_torch(module)
    assert not params["bias_ih"].any() and params["bias_ih"].shape == (9,)
    x = np.random.default_rng(0).normal(size=(4, 2))
    np.testing.assert_allclose(cells.gru_forward(x, params)[0], torch_run(module, x)[0], **TOL)


# ---- bad input -------------------------------------------------------------------------------


def lstm_params(input_size=2, hidden=3):
    return cells.params_from_torch(make("lstm", input_size, hidden, 0))


def test_x_must_be_2d():
    with pytest.raises(ValueError, match=r"^x must be 2-D .* got shape \(5,\)"):
        cells.lstm_forward(np.zeros(5), lstm_params())


def test_x_width_must_match():
    with pytest.raises(ValueError, match=r"^x has shape \(4, 3\), expected \(seq_len, 2\)"):
        cells.lstm_forward(np.zeros((4, 3)), lstm_params())


def test_state_size_must_match():
    rnn, gru = cells.params_from_torch(make("rnn", 2, 3, 0)), cells.params_from_torch(make("gru", 2, 3, 0))
    with pytest.raises(ValueError, match=r"^h0 must have shape \(3,\); got \(2,\)"):
        cells.rnn_forward(np.zeros((4, 2)), rnn, h0=np.zeros(2))
    with pytest.raises(ValueError, match=r"^h0 must have shape \(3,\); got \(2,\)"):
        cells.gru_forward(np.zeros((4, 2)), gru, h0=np.zeros(2))
    with pytest.raises(ValueError, match=r"^h0 must have shape \(3,\); got \(4,\)"):
        cells.lstm_forward(np.zeros((4, 2)), lstm_params(), h0=np.zeros(4))
    with pytest.raises(ValueError, match=r"^c0 must have shape \(3,\); got \(1, 3\)"):
        cells.lstm_forward(np.zeros((4, 2)), lstm_params(), c0=np.zeros((1, 3)))


def test_weight_shapes_are_checked():
    params = lstm_params()
    bad = dict(params, weight_hh=params["weight_hh"][:9])
    with pytest.raises(ValueError, match=r"^weight_hh must have shape \(4\*hidden_size, hidden_size\).*got \(9, 3\)"):
        cells.lstm_forward(np.zeros((4, 2)), bad)
    bad = dict(params, weight_ih=params["weight_ih"][:6])
    with pytest.raises(ValueError, match=r"^weight_ih must have shape \(12, input_size\).*got \(6, 2\)"):
        cells.lstm_forward(np.zeros((4, 2)), bad)
    bad = dict(params, bias_hh=np.zeros(3))
    with pytest.raises(ValueError, match=r"^bias_hh must have shape \(12,\); got \(3,\)"):
        cells.lstm_forward(np.zeros((4, 2)), bad)
    with pytest.raises(ValueError, match="^params is missing"):
        cells.gru_forward(np.zeros((4, 2)), {"weight_ih": params["weight_ih"]})


def test_lstm_params_are_not_gru_params():
    with pytest.raises(ValueError, match=r"^weight_hh must have shape \(3\*hidden_size"):
        cells.gru_forward(np.zeros((4, 2)), lstm_params())


def test_bad_options():
    params = cells.params_from_torch(make("rnn", 2, 3, 0))
    with pytest.raises(ValueError, match=r"^nonlinearity must be one of \('tanh', 'relu'\); got 'sigmoid'"):
        cells.rnn_forward(np.zeros((2, 2)), params, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="^kind must be one of"):
        cells.stacked_forward("lstmm", np.zeros((2, 2)), [params])
    with pytest.raises(ValueError, match="^layers is empty"):
        cells.stacked_forward("rnn", np.zeros((2, 2)), [])

    with pytest.raises(ValueError, match="^x has no time steps"):
        cells.rnn_forward(np.zeros((0, 2)), params)
    with pytest.raises(ValueError, match="^reverse=True needs a bidirectional"):
        cells.params_from_torch(make("rnn", 2, 3, 0), reverse=True)
    with pytest.raises(ValueError, match=r"^layer must be in 0..0"):
        cells.params_from_torch(make("rnn", 2, 3, 0), layer=1)
    with pytest.raises(TypeError, match="^module must be a torch.nn.RNN, LSTM or GRU"):
        cells.params_from_torch(torch.nn.Linear(2, 3))


def test_stacked_forward_refuses_misspelt_and_misplaced_options():
    params = cells.params_from_torch(make("rnn", 2, 3, 0))
    with pytest.raises(TypeError, match="nonlinarity"):
        cells.stacked_forward("rnn", np.zeros((2, 2)), [params], **{"nonlinarity": "relu"})
    with pytest.raises(ValueError, match="^nonlinearity must be one of"):
        cells.stacked_forward("rnn", np.zeros((2, 2)), [params], nonlinearity="Relu")
    with pytest.raises(ValueError, match="^nonlinearity is an option of the RNN only"):
        cells.stacked_forward("gru", np.zeros((2, 2)), [cells.params_from_torch(make("gru", 2, 3, 0))],
                              nonlinearity="relu")
    with pytest.raises(ValueError, match="^reset_after is an option of the GRU only"):
        cells.stacked_forward("rnn", np.zeros((2, 2)), [params], reset_after=False)


@pytest.mark.parametrize(("kind", "options"), [("rnn", {"nonlinearity": "relu"}), ("gru", {"reset_after": True})])
def test_stacked_forward_passes_its_options_on(kind, options):
    module = make(kind, 3, 4, 2, num_layers=2, **({"nonlinearity": "relu"} if kind == "rnn" else {}))
    x = np.random.default_rng(2).normal(size=(5, 3))
    ref_out, _ = torch_run(module, x)
    out, _ = cells.stacked_forward(kind, x, cells.layers_from_torch(module), **options)
    np.testing.assert_allclose(out, ref_out, **TOL)


def test_stacked_gru_paper_form_is_not_torch_form():
    module = make("gru", 3, 4, 2, num_layers=2)
    x = np.random.default_rng(2).normal(size=(5, 3))
    ref_out, _ = torch_run(module, x)
    out, _ = cells.stacked_forward("gru", x, cells.layers_from_torch(module), reset_after=False)
    assert np.max(np.abs(out - ref_out)) > 1e-3


def _long_term_jacobian(module, x, h0, c0):
    """dc_T/dc_0 of a torch LSTM by autograd, h0 held fixed; x is (T, 1, D), h0 and c0 are (1, 1, H)."""
    hidden = module.hidden_size
    return torch.autograd.functional.jacobian(lambda c: module(x, (h0, c))[1][1], c0).reshape(hidden, hidden)


@settings(max_examples=15, deadline=None)
@given(input_size=st.integers(1, 4), hidden=st.integers(1, 5), steps=st.integers(1, 8), seed=st.integers(0, 10_000))
def test_long_term_path_is_the_product_of_forget_gates(input_size, hidden, steps, seed):
    """Notebook 03's gradient claims: one step gives diag(f); without weights on h, T steps give diag(f_1 ... f_T),
    a product that never exceeds 1; with weights on h the whole derivative has other routes as well."""
    module = make("lstm", input_size, hidden, seed)
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(steps, 1, input_size, dtype=torch.float64, generator=gen)
    h0, c0 = (torch.randn(1, 1, hidden, dtype=torch.float64, generator=gen) for _ in range(2))

    def forget_product(m, x_part):
        trace = cells.lstm_trace(x_part[:, 0].numpy(), cells.params_from_torch(m), h0[0, 0].numpy(), c0[0, 0].numpy())
        return np.prod([s["f"] for s in trace], axis=0)

    one_step = _long_term_jacobian(module, x[:1], h0, c0).numpy()
    np.testing.assert_allclose(one_step, np.diag(forget_product(module, x[:1])), atol=1e-12)
    no_h = make("lstm", input_size, hidden, seed)
    with torch.no_grad():
        no_h.weight_hh_l0.zero_()
    product = forget_product(no_h, x)
    assert np.all((product > 0) & (product < 1))
    np.testing.assert_allclose(_long_term_jacobian(no_h, x, h0, c0).numpy(), np.diag(product), atol=1e-12)


def test_weights_on_h_add_other_routes():
    module = make("lstm", 3, 4, 0)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(5, 1, 3, dtype=torch.float64, generator=gen)
    h0, c0 = (torch.randn(1, 1, 4, dtype=torch.float64, generator=gen) for _ in range(2))
    trace = cells.lstm_trace(x[:, 0].numpy(), cells.params_from_torch(module), h0[0, 0].numpy(), c0[0, 0].numpy())
    whole = _long_term_jacobian(module, x, h0, c0).numpy()
    assert np.abs(whole - np.diag(np.prod([s["f"] for s in trace], axis=0))).max() > 1e-3
