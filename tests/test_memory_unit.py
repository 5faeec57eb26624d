"""memory_unit, on the StatQuest stock example: the video's numbers (REFERENCES.md), the weights in torch, and the
several-units-at-once trainer that equals training each unit alone."""

import numpy as np
import pytest
import torch

from course_utils import cells, memory_unit


def test_one_step_from_the_video():
    step = cells.lstm_step(np.array([1.0]), np.array([1.0]), np.array([2.0]), memory_unit.statquest_params())
    np.testing.assert_allclose(step["f"] * 2.0, [1.9948], atol=5e-5)
    np.testing.assert_allclose(step["c"], [2.9476], atol=5e-5)
    np.testing.assert_allclose(step["h"], [0.9862], atol=5e-5)


@pytest.mark.parametrize(
    ("company", "hs", "c_last"),
    [("A", [-0.1278, -0.0965, -0.1662, 0.0064], 0.0153), ("B", [0.2764, 0.6117, 0.8670, 0.9694], 2.4091)],
)
def test_companies_day_by_day(company, hs, c_last):
    x = np.array(memory_unit.INPUTS[company]).reshape(-1, 1)
    out, (h_n, c_n) = cells.lstm_forward(x, memory_unit.statquest_params())
    np.testing.assert_allclose(out[:, 0], hs, atol=5e-5)
    np.testing.assert_allclose(c_n, [c_last], atol=5e-5)


def test_statquest_lstm_equals_the_scratch_cell():
    lstm = memory_unit.statquest_lstm()
    x, _ = memory_unit.stock_tensors(torch.float64)
    with torch.no_grad():
        out, (h_n, c_n) = lstm(x)
    assert lstm.weight_hh_l0.dtype == torch.float64
    for row, company in enumerate("AB"):
        x = np.array(memory_unit.INPUTS[company]).reshape(-1, 1)
        ref, (_, ref_c) = cells.lstm_forward(x, memory_unit.statquest_params())
        np.testing.assert_allclose(out[row].numpy(), ref, rtol=1e-12)
        np.testing.assert_allclose(c_n[0, row].numpy(), ref_c, rtol=1e-12)


def test_statquest_params_in_torch_order():
    params = memory_unit.statquest_params()
    np.testing.assert_allclose(params["weight_ih"][:, 0], [1.65, 1.63, 0.94, -0.19])
    np.testing.assert_allclose(params["weight_hh"][:, 0], [2.00, 2.70, 1.41, 4.38])
    np.testing.assert_allclose(params["bias_ih"], [0.62, 1.62, -0.32, 0.59])
    params["bias_ih"][0] = 99.0  # a fresh copy each call: changing one does not change the next
    assert memory_unit.statquest_params()["bias_ih"][0] == 0.62


def test_stock_tensors_shapes():
    x, y = memory_unit.stock_tensors()
    assert x.shape == (2, 4, 1) and y.shape == (2, 1)
    assert x[:, 0, 0].tolist() == [0.0, 1.0] and y[:, 0].tolist() == [0.0, 1.0]


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_units_start_as_the_seeded_single_layers_and_are_independent(kind):
    model = memory_unit.UnitModel(kind, n_units=3, seed=5)
    layer = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    x, _ = memory_unit.stock_tensors()
    with torch.no_grad():
        together = model(x)
    assert together.shape == (2, 3)
    for k in range(3):
        torch.manual_seed(5 + k)
        single = layer(1, 1, batch_first=True)
        np.testing.assert_allclose(model.unit_params(k)["weight_hh"], single.weight_hh_l0.detach().double().numpy())
        with torch.no_grad():
            alone = single(x)[0][:, -1, 0]
        torch.testing.assert_close(together[:, k], alone)


def test_unit_model_leaves_the_global_random_state_alone():
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    memory_unit.UnitModel("gru", n_units=2, seed=7)
    torch.testing.assert_close(torch.rand(1), expected)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_training_together_equals_training_alone(kind):
    together = memory_unit.train_units(kind, n_units=3, epochs=40, lr=0.05, seed=2, device="cpu", progress=False)
    assert together.losses.shape == (40, 3) and together.predictions.shape == (3, 2)
    x, y = memory_unit.stock_tensors()
    for k in range(3):
        model = memory_unit.UnitModel(kind, n_units=1, seed=2 + k)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        for epoch in range(40):
            optimizer.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            optimizer.step()
            assert abs(loss.item() - together.losses[epoch, k]) < 1e-5
        with torch.no_grad():
            np.testing.assert_allclose(model(x)[:, 0].numpy(), together.predictions[k], atol=1e-5)
        for name, value in model.unit_params(0).items():
            np.testing.assert_allclose(value, together.model.unit_params(k)[name], atol=1e-5)


def test_off_diagonal_weights_stay_zero():
    fit = memory_unit.train_units("lstm", n_units=4, epochs=5, device="cpu", progress=False)
    w_hh = fit.model.rnn.weight_hh_l0.detach()
    assert torch.count_nonzero(w_hh * (1 - fit.model.hh_mask)) == 0


def test_epochs_to_reach():
    losses = np.array([[0.5, 0.5, 0.5], [0.2, 0.01, 0.5], [0.05, 0.001, 0.4]])
    assert memory_unit.epochs_to_reach(losses, 0.1).tolist() == [3, 2, 0]
    assert int(memory_unit.epochs_to_reach(losses[:, 1], 0.1)) == 2


def test_bad_input_raises():
    with pytest.raises(ValueError, match=r"kind must be one of \('lstm', 'gru'\); got 'rnn'"):
        memory_unit.UnitModel("rnn")
    with pytest.raises(ValueError, match="n_units must be at least 1; got n_units=0"):
        memory_unit.UnitModel("lstm", n_units=0)
    with pytest.raises(TypeError, match="n_units must be a whole number"):
        memory_unit.UnitModel("lstm", n_units=2.0)
    with pytest.raises(ValueError, match=r"x must have shape \(batch, days, 1\)"):
        memory_unit.UnitModel("lstm")(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="k must be in 0..1"):
        memory_unit.UnitModel("gru", n_units=2).unit_params(2)
    with pytest.raises(ValueError, match="k must be at least 0"):
        memory_unit.UnitModel("gru", n_units=2).unit_params(-1)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        memory_unit.train_units(epochs=0)
    with pytest.raises(ValueError, match=r"lr must be a finite number in \(0, inf\]"):
        memory_unit.train_units(lr=0.0)
    with pytest.raises(ValueError, match="threshold must be a finite number"):
        memory_unit.epochs_to_reach(np.ones(3), 0.0)
    with pytest.raises(ValueError, match="losses must be"):
        memory_unit.epochs_to_reach(np.ones((2, 2, 2)), 0.1)
