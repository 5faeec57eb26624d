"""The self-checks of notebooks 00 and 01 teach: each typical wrong answer gets the hint aimed at it, never the
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


def run_check(name, number, answer):
    """Run exercise ``number`` (from 1) of notebook ``name`` with ``answer`` as the learner's cell."""
    imports, exercises = exercise_cells(name)
    namespace = {}
    exec(imports, namespace)  # noqa: S102 - the course's own notebook code
    exec(answer if answer is not None else exercises[number - 1][0], namespace)  # noqa: S102
    exec(exercises[number - 1][1], namespace)  # noqa: S102


NB00, NB01 = "00_start_here.ipynb", "01_rnn_review.ipynb"

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


@pytest.mark.parametrize(("name", "number"), [(NB00, 1), (NB00, 2), (NB01, 1), (NB01, 2), (NB01, 3), (NB01, 4)])
def test_the_reference_solution_passes(name, number, capsys):
    run_check(name, number, None)
    assert "✅" in capsys.readouterr().out

