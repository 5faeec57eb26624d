"""train, checks, widgets, source and results: the small helpers do what they say."""

import json

import ipywidgets
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from course_utils import cells, checks, results, source, train, widgets


def tiny_problem(seed=0, n=64):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=gen)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    return DataLoader(TensorDataset(x, y), batch_size=16, shuffle=False)


def test_fit_lowers_the_loss():
    train.set_seed(0)
    model = torch.nn.Linear(3, 1)
    loader = tiny_problem()
    before = train.evaluate(model, loader, torch.nn.functional.mse_loss)["loss"]
    history = train.fit(model, loader, torch.nn.functional.mse_loss, epochs=30, lr=0.05, progress=False,
                        device="cpu")
    after = train.evaluate(model, loader, torch.nn.functional.mse_loss)["loss"]
    assert history.epochs == 30 and after < 0.01 * before
    assert history.train_loss[-1] < history.train_loss[0]


def test_fit_early_stopping_restores_best_weights():
    train.set_seed(1)
    model = torch.nn.Linear(3, 1)
    loader, val = tiny_problem(0), tiny_problem(1)
    mae = lambda p, t: torch.mean(torch.abs(p - t))
    history = train.fit(model, loader, torch.nn.functional.mse_loss, epochs=200, lr=0.5, val_loader=val,
                        patience=3, metrics={"mae": mae}, progress=False, device="cpu")
    assert history.epochs < 200  # stopped early
    assert len(history.metrics["mae"]) == history.epochs
    best = min(history.val_loss)
    assert history.val_loss[history.best_epoch] == best
    now = train.evaluate(model, val, torch.nn.functional.mse_loss)["loss"]
    assert now == pytest.approx(best, rel=1e-6)


def test_fit_clips_gradients(monkeypatch):
    calls = []
    real = torch.nn.utils.clip_grad_norm_
    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", lambda p, m: calls.append(m) or real(p, m))
    train.fit(torch.nn.Linear(3, 1), tiny_problem(), torch.nn.functional.mse_loss, epochs=1, clip_grad=1.0,
              progress=False, device="cpu")
    assert calls == [1.0] * 4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 0}, ValueError, "epochs must be at least 1; got epochs=0"),
        ({"epochs": 2.5}, TypeError, r"epochs must be a whole number \(int\) of at least 1; got 2.5"),
        ({"patience": 0, "val_loader": []}, ValueError,
         "patience must be at least 1; got patience=0. It counts the epochs without improvement to allow.$"),
        ({"patience": -1, "val_loader": []}, ValueError, "patience must be at least 1; got patience=-1"),
        ({"patience": 2}, ValueError, "patience .* needs a val_loader"),
        ({"lr": 0.0}, ValueError, r"lr must be a finite number in \(0, inf\]"),
        ({"clip_grad": -1.0}, ValueError, "clip_grad must be a finite number"),
    ],
)
def test_fit_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match="^" + match):
        train.fit(torch.nn.Linear(3, 1), tiny_problem(), torch.nn.functional.mse_loss, progress=False, **kwargs)


def test_fit_on_an_empty_loader_raises_instead_of_reporting_zero():
    empty = DataLoader(TensorDataset(torch.zeros(0, 3), torch.zeros(0, 1)), batch_size=4)
    with pytest.raises(ValueError, match="^train_loader gave no batches"):
        train.fit(torch.nn.Linear(3, 1), empty, torch.nn.functional.mse_loss, progress=False, device="cpu")
    with pytest.raises(ValueError, match="^the loader gave no batches"):
        train.evaluate(torch.nn.Linear(3, 1), empty, torch.nn.functional.mse_loss)


class StandStill:
    """An optimizer that never moves the weights, so every epoch sees the same losses."""

    def zero_grad(self):
        pass

    def step(self):
        pass


def test_losses_are_weighted_by_batch_size():
    # batch 1: three targets 1 (squared error 1); batch 2: one target 3 (squared error 9).
    # Weighted by batch size the mean is (3 * 1 + 1 * 9) / 4 = 3; the unweighted mean of batches would be 5.
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    batches = [(torch.zeros(3, 1), torch.ones(3, 1)), (torch.zeros(1, 1), torch.full((1, 1), 3.0))]
    assert train.evaluate(model, batches, torch.nn.functional.mse_loss)["loss"] == pytest.approx(3.0)
    history = train.fit(model, batches, torch.nn.functional.mse_loss, epochs=2, optimizer=StandStill(),
                        progress=False, device="cpu")
    assert history.train_loss == pytest.approx([3.0, 3.0])


@pytest.mark.parametrize("patience", [1, 2, 3])
def test_patience_counts_epochs_without_improvement(monkeypatch, patience):
    # validation losses: improve for two epochs (best at epoch 1), then only get worse
    scripted = iter([1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1])
    monkeypatch.setattr(train, "evaluate", lambda *args, **kwargs: {"loss": next(scripted)})
    history = train.fit(torch.nn.Linear(3, 1), tiny_problem(), torch.nn.functional.mse_loss, epochs=8,
                        val_loader=[None], patience=patience, optimizer=StandStill(), progress=False, device="cpu")
    assert history.best_epoch == 1
    assert history.epochs == 2 + patience  # the best epoch, then `patience` epochs without improvement


@pytest.mark.parametrize(("scripted", "epochs", "best"), [
    ([1.0, 0.5, 0.5, 0.5, 0.5, 0.5], 4, 1),  # an equal loss is no improvement
    ([float("nan")] * 6, 2, -1),  # NaN never improves: stop after `patience` epochs
])
def test_patience_on_ties_and_nan(monkeypatch, scripted, epochs, best):
    losses = iter(scripted)
    monkeypatch.setattr(train, "evaluate", lambda *args, **kwargs: {"loss": next(losses)})
    history = train.fit(torch.nn.Linear(3, 1), tiny_problem(), torch.nn.functional.mse_loss, epochs=6,
                        val_loader=[None], patience=2, optimizer=StandStill(), progress=False, device="cpu")
    assert (history.epochs, history.best_epoch) == (epochs, best)


def test_fit_defaults_progress_bar_and_metrics(monkeypatch):
    bars, optimizers = [], []

    class Bar:
        def __init__(self, iterable, **kwargs):
            self.iterable, self.kwargs, self.postfixes = iterable, kwargs, []
            bars.append(self)

        def __iter__(self):
            return iter(self.iterable)

        def set_postfix(self, postfix, refresh):
            self.postfixes.append(dict(postfix))

        def close(self):
            pass

    real_adam = torch.optim.Adam
    monkeypatch.setattr(train, "tqdm", Bar)
    monkeypatch.setattr(torch.optim, "Adam", lambda params, lr: optimizers.append(lr) or real_adam(params, lr=lr))
    mae = lambda p, t: torch.mean(torch.abs(p - t))
    history = train.fit(torch.nn.Linear(3, 1), tiny_problem(), torch.nn.functional.mse_loss,
                        val_loader=tiny_problem(1), metrics={"mae": mae}, device="cpu")
    assert history.epochs == 10 and optimizers == [1e-3]
    (bar,) = bars
    assert bar.kwargs == {"desc": "epochs", "disable": False, "leave": False}
    assert list(bar.postfixes[-1]) == ["train", "val"]
    assert bar.postfixes[-1]["val"] == f"{history.val_loss[-1]:.4f}"
    assert len(history.metrics["mae"]) == 10 and all(isinstance(v, float) for v in history.metrics["mae"])


def test_set_seed_repeats_python_and_numpy():
    import random

    train.set_seed()
    first = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    train.set_seed(0)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first  # noqa: NPY002
    train.set_seed(1)
    assert random.random() != first[0]


def test_get_device_prefers_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert train.get_device() == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert train.get_device() == torch.device("cpu")


def test_fit_uses_get_device_when_no_device_is_given(monkeypatch):
    calls = []
    monkeypatch.setattr(train, "get_device", lambda: calls.append("asked") or torch.device("cpu"))
    train.fit(torch.nn.Linear(3, 1), tiny_problem(), torch.nn.functional.mse_loss, epochs=1, progress=False)
    assert calls == ["asked"]
    train.fit(torch.nn.Linear(3, 1), tiny_problem(), torch.nn.functional.mse_loss, epochs=1, progress=False,
              device="cpu")
    assert calls == ["asked"]


def test_predict_and_seed_repeat():
    train.set_seed(3)
    a = torch.nn.Linear(3, 1)
    train.set_seed(3)
    b = torch.nn.Linear(3, 1)
    pa, pb = train.predict(a, tiny_problem()), train.predict(b, tiny_problem())
    assert pa.shape == (64, 1)
    torch.testing.assert_close(pa, pb)


# ---- checks ------------------------------------------------------------------------------------


def reference_step(x, h, params):
    return cells.rnn_step(x, h, params)["h"]


def rnn_inputs(rng):
    d, hidden = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    params = {"weight_ih": rng.normal(size=(hidden, d)), "weight_hh": rng.normal(size=(hidden, hidden)),
              "bias_ih": rng.normal(size=hidden), "bias_hh": rng.normal(size=hidden)}
    return rng.normal(size=d), rng.normal(size=hidden), params


def my_step(x, h, p):
    return np.tanh(p["weight_ih"] @ x + p["bias_ih"] + p["weight_hh"] @ h + p["bias_hh"])


def test_check_function_passes_a_right_answer(capsys):
    assert checks.check_function(my_step, reference_step, rnn_inputs)
    assert "matches the reference on 5 random inputs" in capsys.readouterr().out


def test_check_function_catches_a_wrong_answer_in_plain_words():
    def forgot_bias(x, h, p):
        return np.tanh(p["weight_ih"] @ x + p["weight_hh"] @ h)

    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_function(forgot_bias, reference_step, rnn_inputs, hint="check the biases")
    message = str(failed.value)
    assert "on test 1 of 5 (x: shape (" in message and "params: a dict of 4 (weight_ih" in message
    assert "differs from the reference" in message and "you have" in message and "Hint: check the biases" in message
    assert "np.int64" not in message and "trial 1[" not in message


def test_check_function_names_the_element_and_the_returned_value():
    def second_wrong(x, h, p):
        out = reference_step(x, h, p)
        return out, out + (np.arange(out.size) == out.size - 1)

    def ref(x, h, p):
        out = reference_step(x, h, p)
        return out, out

    with pytest.raises(checks.CheckFailed, match=r"the 2nd value of your result differs .* at index \[\d\]"):
        checks.check_function(second_wrong, ref, rnn_inputs)


def test_check_function_hints_at_a_transpose():
    def transposed(x, h, p):
        return np.zeros((4, 3))

    def ref(x, h, p):
        return np.zeros((3, 4))

    with pytest.raises(checks.CheckFailed, match=r"shape \(4, 3\); shape \(3, 4\) is expected.*transposed"):
        checks.check_function(transposed, ref, rnn_inputs)


def test_check_function_unwritten_exercise_is_kind():
    def todo(x, h, p):
        raise NotImplementedError

    with pytest.raises(checks.CheckFailed, match="not written yet"):
        checks.check_function(todo, reference_step, rnn_inputs)


def test_check_function_names_a_missing_return():
    def no_return(x, h, p):
        my_step(x, h, p)

    with pytest.raises(checks.CheckFailed, match="returned None.*forget the `return`") as failed:
        checks.check_function(no_return, reference_step, rnn_inputs)
    assert "reshape" not in str(failed.value)


def test_check_function_catches_a_hard_coded_size():
    def hard_coded(x, h, p):
        hidden = 4  # right only when the hidden size happens to be 4
        return my_step(x, h, p).reshape(hidden)

    def hidden_four_then_three(rng, calls=[0]):  # noqa: B006  (counts the calls)
        calls[0] += 1
        hidden = 4 if calls[0] == 1 else 3
        params = {"weight_ih": rng.normal(size=(hidden, 2)), "weight_hh": rng.normal(size=(hidden, hidden)),
                  "bias_ih": rng.normal(size=hidden), "bias_hh": rng.normal(size=hidden)}
        return rng.normal(size=2), rng.normal(size=hidden), params

    with pytest.raises(checks.CheckFailed, match="on test 2 of 5.*other sizes than test 1.*fix a size"):
        checks.check_function(hard_coded, reference_step, hidden_four_then_three)
    with pytest.raises(checks.CheckFailed, match="sizes do not fit together"):  # test 1 already has another size
        checks.check_function(hard_coded, reference_step, rnn_inputs, seed=1)
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_function(lambda x, h, p: undefined_name, reference_step, rnn_inputs)  # noqa: F821
    assert "NameError" in str(failed.value) and "size" not in str(failed.value)


def test_check_function_names_the_test_when_the_result_is_not_numbers():
    def my_step(x, h, p):
        return "many"

    with pytest.raises(checks.CheckFailed, match=r"my_step is not right on test 1 of 5 \(x: .*your result is the text"):
        checks.check_function(my_step, reference_step, rnn_inputs)


def test_check_function_refuses_inputs_of_one_shape_unless_told():
    def fixed(rng):
        return rng.normal(size=3), rng.normal(size=4), {"weight_ih": rng.normal(size=(4, 3)),
                                                        "weight_hh": rng.normal(size=(4, 4)),
                                                        "bias_ih": rng.normal(size=4), "bias_hh": rng.normal(size=4)}

    with pytest.raises(ValueError, match="same shapes on all 5 trials.*sizes_vary=False"):
        checks.check_function(my_step, reference_step, fixed)
    assert checks.check_function(my_step, reference_step, fixed, sizes_vary=False)
    with pytest.raises(ValueError, match="trials must be at least 1"):
        checks.check_function(my_step, reference_step, rnn_inputs, trials=0)


def test_check_function_gives_the_hint_of_the_mistake_it_sees():
    def used_sigmoid(x, h, p):
        return 1 / (1 + np.exp(-(p["weight_ih"] @ x + p["bias_ih"] + p["weight_hh"] @ h + p["bias_hh"])))

    def forgot_bias(x, h, p):
        return np.tanh(p["weight_ih"] @ x + p["weight_hh"] @ h)

    mistakes = {"the RNN squashes with tanh, not the sigmoid": used_sigmoid, "add both biases": forgot_bias}
    for wrong, expected in ((used_sigmoid, "tanh, not the sigmoid"), (forgot_bias, "add both biases")):
        with pytest.raises(checks.CheckFailed) as failed:
            checks.check_function(wrong, reference_step, rnn_inputs, mistakes=mistakes, hint="generic")
        assert expected in str(failed.value) and "generic" not in str(failed.value)
        other = next(m for m in mistakes if m not in str(failed.value))
        assert other not in str(failed.value)


def test_check_function_does_not_let_the_learner_change_the_inputs():
    def mutates(x, h, p):
        p["bias_hh"][:] = 0  # changing the inputs in place must not change the reference's answer
        return reference_step(x, h, p)

    with pytest.raises(checks.CheckFailed):
        checks.check_function(mutates, reference_step, rnn_inputs)


def test_check_value(capsys):
    assert checks.check_value(0.12345, 0.1234, atol=1e-3)
    assert checks.check_value((np.ones(2), torch.zeros(3)), (np.ones(2), np.zeros(3)))
    assert "✅ your answer is right" in capsys.readouterr().out
    with pytest.raises(checks.CheckFailed, match="a tuple of 2 values is expected"):
        checks.check_value(1.0, (1.0, 2.0))
    with pytest.raises(checks.CheckFailed, match="holds 3 values; 2 are expected"):
        checks.check_value((1.0, 2.0, 3.0), (1.0, 2.0))
    with pytest.raises(checks.CheckFailed, match="too large.*Hint: look again") as failed:
        checks.check_value(2.0, 1.0, hint="look again")
    assert "1" not in str(failed.value).replace("look again", "")  # the expected value is not given away
    with pytest.raises(checks.CheckFailed, match=r"at index \[1\]: you have -1, which is too small"):
        checks.check_value(np.array([1.0, -1.0]), np.array([1.0, 1.0]))


@pytest.mark.parametrize("answer, message", [
    (None, "is None.*forget the `return`"),
    ("0.5", "is the text '0.5'; a number or an array of numbers is expected"),
    ({"h": 1.0}, "is a dict; a number"),
    (..., "a number or an array of numbers is expected"),
    ([1, "a"], "cannot be read as numbers"),
    (np.array([np.nan, 1.0]), r"NaN \(not a number\) at index \[0\]"),
    (np.ones((2, 1)), r"shape \(2, 1\); shape \(2,\) is expected.*dimensions"),
])
def test_check_value_answers_wrong_types_kindly(answer, message):
    with pytest.raises(checks.CheckFailed, match=message):
        checks.check_value(answer, np.array([0.5, 1.0]), name="h")


def test_check_value_recognises_a_known_mistake():
    mistakes = {"did you multiply by h_prev instead of c_prev?": 0.5, "sigmoid, not tanh": (0.1, 0.2)}
    with pytest.raises(checks.CheckFailed, match="instead of c_prev") as failed:
        checks.check_value(0.5, 0.9, mistakes=mistakes, hint="generic")
    assert "generic" not in str(failed.value)
    with pytest.raises(checks.CheckFailed, match="too small.*generic"):
        checks.check_value(0.4, 0.9, mistakes=mistakes, hint="generic")


def test_check_choice_right_and_explained_only_then(capsys):
    assert checks.check_choice(" B ", "b", explanation="Because.", options="abcd")
    assert "'b' is right. Because." in capsys.readouterr().out
    assert checks.check_choice(2014, "2014", options=("2013", "2014", "2015"))  # the option, without its quotes


def test_check_choice_wrong_gets_the_option_hint_not_the_answer():
    hints = {"a": "the state is not the point", "c": "think of what multiplies the gradient"}
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_choice("a", "b", explanation="SECRET", name="answer_x", options="abcd", hints=hints)
    message = str(failed.value)
    assert "the state is not the point" in message and "SECRET" not in message and "'b'" not in message
    assert 'set answer_x to "?"' in message
    with pytest.raises(checks.CheckFailed, match="Hint: fallback") as failed:
        checks.check_choice("d", "b", explanation="SECRET", options="abcd", hints=hints, hint="fallback")
    assert "SECRET" not in str(failed.value)
    with pytest.raises(checks.CheckFailed, match="rule out the options"):
        checks.check_choice("d", "b", options="abcd")


def test_check_choice_reveals_on_request(capsys):
    assert checks.check_choice("?", "b", explanation="Because.", options="abcd") is False
    assert "The answer is 'b'. Because." in capsys.readouterr().out


@pytest.mark.parametrize("answer, message", [
    (None, 'no answer yet. Set it to one of "a", "b", "c" or "d"'),
    (..., "no answer yet"),
    (3, 'is the number 3, but the answers here are written as text in quotes.*answer = "a"'),
    (["b"], "is a list, but the answers here are written as text"),
    ("e", "'e' is not one of the options"),
])
def test_check_choice_answers_wrong_types_kindly(answer, message):
    with pytest.raises(checks.CheckFailed, match=message):
        checks.check_choice(answer, "b", name="answer", options="abcd")


def test_check_choice_numeric_and_author_mistakes(capsys):
    assert checks.check_choice(3, 3, options=(1, 2, 3))
    assert checks.check_choice("3", 3, options=(1, 2, 3))
    with pytest.raises(checks.CheckFailed, match="not right"):
        checks.check_choice(2, 3, options=(1, 2, 3))
    with pytest.raises(ValueError, match="not among the options"):
        checks.check_choice("a", "e", options="abcd")
    with pytest.raises(ValueError, match="hints are for wrong options only"):
        checks.check_choice("a", "b", options="abcd", hints={"b": "gives the answer away"})
    with pytest.raises(ValueError, match="hints are for wrong options only"):
        checks.check_choice("a", "b", options="abcd", hints={"z": "no such option"})


# ---- widgets, source, results -------------------------------------------------------------------


def test_widgets_headless_calls_once_and_describes(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    seen = []
    widgets.interact_or_print(lambda w, n: seen.append((w, n)),
                              w=ipywidgets.FloatSlider(value=0.5, min=0.1, max=2.0), n=ipywidgets.IntSlider(value=20))
    assert seen == [(0.5, 20)]
    out = capsys.readouterr().out
    assert "[headless]" in out and "w from 0.1 to 2.0 (now 0.5)" in out


def test_widgets_live_displays_one_interactive_and_returns_nothing(monkeypatch):
    # Returning the panel as well as displaying it made Jupyter show every widget twice.
    monkeypatch.setenv("COURSE_HEADLESS", "0")
    shown = []
    monkeypatch.setattr(widgets, "display", shown.append)
    assert widgets.interact_or_print(lambda text: len(text), text=ipywidgets.Text(value="good film")) is None
    assert len(shown) == 1 and isinstance(shown[0], ipywidgets.interactive)
    assert shown[0].result == 9


def test_widgets_refuse_non_controls():
    with pytest.raises(TypeError, match="must be an ipywidgets control"):
        widgets.interact_or_print(lambda a: a, a=3)


def test_show_source_prints_the_real_code(capsys, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    source.show_source(cells.rnn_step)
    assert "def rnn_step" in shown[0] and "course_utils.cells.rnn_step" in shown[0]


def test_record_result(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    assert results.record_result("forecast", {"best_mae": 2.0}) is None
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    path = results.record_result("forecast", {"best_mae": 2.0, "best_model": "LSTM"})
    assert json.loads(path.read_text()) == {"best_mae": 2.0, "best_model": "LSTM"}
    with pytest.raises(ValueError, match="finite numbers"):
        results.record_result("forecast", {"best_mae": float("nan")})
    with pytest.raises(ValueError, match="plain identifier"):
        results.record_result("../x", {})
