"""The stock example's GRU unit (notebook 04): its fixed weights are the trained start they say they are, rounded,
they solve the example, and torch.nn.GRU gives the scratch cell's numbers."""

import numpy as np
import torch

from course_utils import cells, memory_unit


def trace(company):
    return cells.gru_trace(np.array(memory_unit.INPUTS[company]).reshape(-1, 1), memory_unit.stock_gru_params())


def test_params_in_torch_order_and_fresh_each_call():
    params = memory_unit.stock_gru_params()
    assert {k: v.shape for k, v in params.items()} == {"weight_ih": (3, 1), "weight_hh": (3, 1), "bias_ih": (3,),
                                                        "bias_hh": (3,)}
    np.testing.assert_allclose(params["weight_ih"][:, 0], [2.08, -3.45, 0.89])  # r, z, n
    np.testing.assert_allclose(params["bias_hh"], [0.67, 0.44, 0.06])
    params["bias_ih"][0] = 99.0
    assert memory_unit.stock_gru_params()["bias_ih"][0] == 0.59


def test_the_unit_solves_the_stock_example():
    assert abs(trace("A")[-1]["h"][0] - memory_unit.TARGETS["A"]) < 0.01
    assert abs(trace("B")[-1]["h"][0] - memory_unit.TARGETS["B"]) < 0.01


def test_torch_gru_equals_the_scratch_cell():
    gru = memory_unit.stock_gru()
    assert isinstance(gru, torch.nn.GRU) and gru.batch_first and gru.weight_hh_l0.dtype == torch.float64
    x, _ = memory_unit.stock_tensors(torch.float64)
    with torch.no_grad():
        out, h_n = gru(x)
    for row, company in enumerate("AB"):
        np.testing.assert_allclose(out[row, :, 0].numpy(), [s["h"][0] for s in trace(company)], rtol=1e-12)
    np.testing.assert_allclose(h_n[0, :, 0].numpy(), out[:, -1, 0].numpy(), rtol=1e-12)


def test_the_weights_are_the_trained_start_rounded():
    """Where the weights come from (the comment in memory_unit): retrain, and compare within the rounding."""
    fit = memory_unit.train_units("gru", n_units=memory_unit.STOCK_GRU_START + 1, epochs=200, lr=0.05, seed=0,
                                  device="cpu", progress=False)
    trained = fit.model.unit_params(memory_unit.STOCK_GRU_START)
    for name, value in memory_unit.stock_gru_params().items():
        np.testing.assert_allclose(trained[name], value, atol=0.006, err_msg=name)
