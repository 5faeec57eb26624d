"""The self-checks of notebooks 00, 01 and 02 teach: each typical wrong answer gets the hint aimed at it, never the
answer, and the reference solution passes.

The exercise cells run in this process (the notebook's imports cell, then an answer, then the check cell), so the
test needs no kernel.
"""

import json
from pathlib import Path

import pytest

from course_utils.checks import CheckFailed

ROOT = Path(__file__).resolve().parent.parent


def exercise_cells(name):
    """The imports cell's source, and (solution source, check source) for each exercise, in order."""
    cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    imports = "".join(code[0]["source"])
    exercises = []
    for k, cell in enumerate(code):
        if "solution" in cell["metadata"].get("tags", []):
            exercises.append(("".join(cell["source"]), "".join(code[k + 1]["source"])))
    return imports, exercises


def cells_defining(name, *definitions):
    """The sources of the code cells of notebook ``name`` that define the given names (``def chain(``, ...)."""
    cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return [next(s for s in sources if definition in s) for definition in definitions]


def run_check(name, number, answer):
    """Run exercise ``number`` (from 1) of notebook ``name`` with ``answer`` as the learner's cell."""
    imports, exercises = exercise_cells(name)
    namespace = {}
    exec(imports, namespace)  # noqa: S102 - the course's own notebook code
    for source in SETUP.get(name, []):  # what a check cell uses from earlier in its notebook
        exec(source, namespace)  # noqa: S102
    exec(answer if answer is not None else exercises[number - 1][0], namespace)  # noqa: S102
    exec(exercises[number - 1][1], namespace)  # noqa: S102


NB00, NB01, NB02 = "00_start_here.ipynb", "01_rnn_review.ipynb", "02_vanishing_exploding_gradients.ipynb"
SETUP = {NB02: cells_defining(NB02, "def chain(")}  # exercise 1 of 02 compares with the chain of section 2

WRONG = [
    # (notebook, exercise, wrong answer, a phrase of the hint it must get)
    (NB00, 1, "def my_tanh(z):\n    return (np.exp(z) + np.exp(-z)) / (np.exp(z) + np.exp(-z))", "1 everywhere"),
    (NB00, 1, "def my_tanh(z):\n    return (np.exp(z) + np.exp(-z)) / (np.exp(z) - np.exp(-z))", "swapped"),
    (NB00, 1, "def my_tanh(z):\n    return np.exp(z) - np.exp(-z) / (np.exp(z) + np.exp(-z))", "parentheses"),
    (NB00, 1, "def my_tanh(z):\n    return 1 / (1 + np.exp(-z))", "sigmoid"),
    (NB00, 1, "def my_tanh(z):\n    t = np.tanh(z)", "forget the `return`"),
    (NB00, 1, "def my_tanh(z):\n    out = np.zeros(8)\n    for i in range(8):\n        out[i] = np.tanh(z[i])\n"
              "    return out", "other sizes than test 1"),
    (NB00, 2, 'answer = "04"', "GRU"),
    (NB00, 2, "answer = 3", "text in quotes"),
    (NB00, 2, "answer = None", "no answer yet"),
    (NB01, 1, "def count_rnn_params(i, h):\n    return h * i + h * h + h", "two biases"),
    (NB01, 1, "def count_rnn_params(i, h):\n    return h * i + h * h", "Count the biases"),
    (NB01, 1, "def count_rnn_params(i, h):\n    return 2 * h * i + 2 * h", "(hidden_size, hidden_size)"),
    (NB01, 1, "def count_rnn_params(i, h):\n    return 4 * i + 16 + 8", "Multiply out"),
    (NB01, 2, "def many_to_one_predict(x, params, w_out, b_out):\n"
              "    return w_out @ cells.rnn_forward(x, params)[0][0] + b_out", "not the first one"),
    (NB01, 2, "def many_to_one_predict(x, params, w_out, b_out):\n"
              "    return w_out @ cells.rnn_forward(x, params)[0].T + b_out", "for every step"),
    (NB01, 2, "def many_to_one_predict(x, params, w_out, b_out):\n"
              "    return w_out @ cells.rnn_forward(x, params)[1]", "plus the bias"),
    (NB01, 2, "def many_to_one_predict(x, params, w_out, b_out):\n"
              "    return np.tanh(w_out @ cells.rnn_forward(x, params)[1] + b_out)", "no tanh"),
    (NB01, 2, "def many_to_one_predict(x, params, w_out, b_out):\n    h = np.zeros(4)\n    for x_t in x:\n"
              "        h = np.tanh(params['weight_ih'] @ x_t + params['bias_ih'] + params['weight_hh'] @ h"
              " + params['bias_hh'])\n    return w_out @ h + b_out", "other sizes than test 1"),
    (NB01, 2, "def many_to_one_predict(x, params, w_out, b_out):\n    _, h_n = cells.rnn_forward(x, params)",
     "forget the `return`"),
    (NB01, 3, 'answer = "a"', "one output per input"),
    (NB01, 3, 'answer = "b"', "whole output sequence"),
    (NB01, 3, 'answer = "c"', "single input"),
    (NB01, 4, "h_n_shape = (3, 2, 7)", "batch_first"),
    (NB01, 4, "h_n_shape = (3, 10, 7)", "one per step"),
    (NB01, 4, "h_n_shape = (1, 3, 7)", "each of the 2 layers"),
    (NB02, 1, "def chain_grads(w, T):\n    return w ** np.arange(T + 1)", "order is reversed"),
    (NB02, 1, "def chain_grads(w, T):\n    return w ** (T - np.arange(T))", "T + 1 entries"),
    (NB02, 1, "def chain_grads(w, T):\n    return w ** (50 - np.arange(51))", "shape"),
    (NB02, 1, "def chain_grads(w, T):\n    g = w ** (T - np.arange(T + 1))", "forget the `return`"),
    (NB02, 2, "def rnn_jacobian(h_t, weight_hh):\n    return weight_hh @ np.diag(1 - h_t**2)", "columns"),
    (NB02, 2, "def rnn_jacobian(h_t, weight_hh):\n    return (1 - h_t**2) * weight_hh", "columns"),
    (NB02, 2, "def rnn_jacobian(h_t, weight_hh):\n    return weight_hh", "tanh has a slope"),
    (NB02, 2, "def rnn_jacobian(h_t, weight_hh):\n    return np.diag(1 - h_t**2) @ weight_hh.T", "not transposed"),
    (NB02, 2, "def rnn_jacobian(h_t, weight_hh):\n    return np.diag(1 - h_t[:4]**2) @ weight_hh[:4, :4]",
     "shape"),
    (NB02, 3, "def clip_by_norm(grads, max_norm):\n"
              "    return [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]", "on its own"),
    (NB02, 3, "def clip_by_norm(grads, max_norm):\n    return [np.clip(g, -max_norm, max_norm) for g in grads]",
     "entry by entry"),
    (NB02, 3, "def clip_by_norm(grads, max_norm):\n    return list(grads)", "came back unchanged"),
    (NB02, 3, "def clip_by_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
              "    return [g * max_norm / (total + 1e-6) for g in grads]", "only ever shrinks"),
    (NB02, 4, 'answer = "a"', "plain RNN's factor"),
    (NB02, 4, 'answer = "d"', "could never forget"),
    (NB02, 4, "answer = 2", "text in quotes"),
    (NB02, 5, 'answer_tbptt = "c"', "detach()"),
    (NB02, 5, "answer_tbptt = None", "no answer yet"),
]


@pytest.mark.parametrize(("name", "number", "answer", "hint"), WRONG,
                         ids=[f"{n[:2]}-ex{k}-{h[:20]}" for n, k, _, h in WRONG])
def test_a_typical_mistake_gets_its_hint_and_not_the_answer(name, number, answer, hint):
    with pytest.raises(CheckFailed) as failure:
        run_check(name, number, answer)
    message = str(failure.value)
    assert hint in message
    solution = exercise_cells(name)[1][number - 1][0]
    assert "The answer is" not in message and "is right" not in message, message
    if "\n" not in solution.strip():  # an answer `name = value`: the message must not name the value as the answer
        value = solution.split("=", 1)[1].strip()
        assert f"is {value}" not in message and f"is {value}".replace('"', "'") not in message, message
        if value.startswith("("):  # a tuple, such as a shape, must not appear at all
            assert value not in message, message


@pytest.mark.parametrize(("name", "number"), [(NB00, 1), (NB00, 2), (NB01, 1), (NB01, 2), (NB01, 3), (NB01, 4),
                                              (NB02, 1), (NB02, 2), (NB02, 3), (NB02, 4), (NB02, 5)])
def test_the_reference_solution_passes(name, number, capsys):
    run_check(name, number, None)
    assert "✅" in capsys.readouterr().out

