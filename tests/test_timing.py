"""time_forward_backward returns the medians of its timed runs in milliseconds (on a fake clock: no timing
assertions on the real one) and rejects bad input."""

import math

import pytest
import torch

from course_utils.timing import recorded_ops, time_forward_backward


def small_lstm():
    torch.manual_seed(0)
    return torch.nn.LSTM(3, 4, batch_first=True)


def test_returns_the_three_times_for_a_module_returning_a_tuple():
    module, x = small_lstm(), torch.randn(2, 5, 3)
    result = time_forward_backward(module, x, repeats=3, warmup=1)
    assert set(result) == {"forward_ms", "backward_ms", "total_ms"}
    assert all(isinstance(v, float) and math.isfinite(v) and v >= 0 for v in result.values())
    assert result["total_ms"] == pytest.approx(result["forward_ms"] + result["backward_ms"])
    # the backward pass really ran: the module holds gradients of the right shape
    assert module.weight_hh_l0.grad is not None and module.weight_hh_l0.grad.shape == (16, 4)


def test_plain_tensor_output_and_zero_warmup():
    module = torch.nn.Linear(3, 2)
    result = time_forward_backward(module, torch.randn(4, 3), repeats=1, warmup=0)
    assert result["forward_ms"] >= 0 and result["backward_ms"] >= 0


def test_gradients_do_not_pile_up_over_runs():
    module, x = small_lstm(), torch.randn(2, 5, 3)
    time_forward_backward(module, x, repeats=4, warmup=2)
    after_many = module.weight_ih_l0.grad.clone()
    time_forward_backward(module, x, repeats=1, warmup=0)
    torch.testing.assert_close(module.weight_ih_l0.grad, after_many)


def test_input_that_requires_grad_is_enough():
    module = torch.nn.Tanh()  # no parameters
    x = torch.randn(3, requires_grad=True)
    time_forward_backward(module, x, repeats=2)
    torch.testing.assert_close(x.grad, 1 - torch.tanh(x.detach()) ** 2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"repeats": 0}, "repeats must be at least 1; got repeats=0"),
        ({"warmup": -1}, "warmup must be at least 0; got warmup=-1"),
    ],
)
def test_bad_counts_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        time_forward_backward(small_lstm(), torch.randn(1, 2, 3), **kwargs)
    with pytest.raises(TypeError, match=r"repeats must be a whole number \(int\)"):
        time_forward_backward(small_lstm(), torch.randn(1, 2, 3), repeats=2.5)


class FakeClock:
    """A perf_counter that only moves when told to (seconds)."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class SlowBackward(torch.autograd.Function):
    """Identity whose backward pass advances the fake clock by the next scripted number of seconds."""

    clock, costs = None, None

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        SlowBackward.clock.now += next(SlowBackward.costs)
        return grad


class Scripted(torch.nn.Module):
    def __init__(self, clock, forward_costs):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(1))
        self.clock, self.forward_costs = clock, iter(forward_costs)

    def forward(self, x):
        self.clock.now += next(self.forward_costs)
        return SlowBackward.apply(x * self.w)


def test_medians_of_the_timed_runs_in_milliseconds(monkeypatch):
    # one warm-up run (100 s each way, must be ignored), then three timed runs
    clock = FakeClock()
    monkeypatch.setattr("course_utils.timing.time.perf_counter", clock)
    SlowBackward.clock, SlowBackward.costs = clock, iter([100.0, 0.005, 0.001, 0.003])
    module = Scripted(clock, [100.0, 0.002, 0.009, 0.004])
    result = time_forward_backward(module, torch.ones(3), repeats=3, warmup=1)
    assert result["forward_ms"] == pytest.approx(4.0)  # median of 2, 9 and 4 ms
    assert result["backward_ms"] == pytest.approx(3.0)  # median of 5, 1 and 3 ms
    assert result["total_ms"] == pytest.approx(7.0)


def test_nothing_to_differentiate_raises():
    module = small_lstm().requires_grad_(False)
    with pytest.raises(ValueError, match="nothing to differentiate"):
        time_forward_backward(module, torch.randn(1, 2, 3))


def test_wrong_types_raise():
    with pytest.raises(TypeError, match="module must be a Module; got function"):
        time_forward_backward(lambda x: x, torch.randn(2))
    with pytest.raises(TypeError, match=r"x must be a Tensor; got list\. Use torch.as_tensor"):
        time_forward_backward(small_lstm(), [[1.0, 2.0, 3.0]])


def test_module_returning_no_tensor_raises():
    class Bad(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.ones(1))

        def forward(self, x):
            return {"out": x * self.w}

    with pytest.raises(TypeError, match="must return a tensor"):
        time_forward_backward(Bad(), torch.randn(2))


# ---- recorded_ops: what autograd recorded --------------------------------------------------------------------


def test_recorded_ops_counts_each_operation_once():
    w = torch.randn(3, requires_grad=True)
    y = (torch.sigmoid(w) * w).sum()
    ops = recorded_ops(y)
    assert ops == {"SumBackward0": 1, "MulBackward0": 1, "SigmoidBackward0": 1}  # AccumulateGrad left out


def test_recorded_ops_sees_a_recurrent_layer_step_by_step():
    """A plain RNN on the CPU records one tanh per step: the count grows with the sequence length."""
    torch.manual_seed(0)
    layer = torch.nn.RNN(2, 3, batch_first=True)
    short, long = (recorded_ops(layer(torch.randn(1, steps, 2))[0]) for steps in (4, 9))
    assert short["TanhBackward0"] == 4 and long["TanhBackward0"] == 9


def test_recorded_ops_without_gradients_is_empty_and_refuses_non_tensors():
    with torch.no_grad():
        assert recorded_ops(torch.nn.Linear(2, 2)(torch.randn(1, 2))) == {}
    with pytest.raises(TypeError, match="tensor must be a Tensor; got list"):
        recorded_ops([1.0])
