"""The browser tester's checks fail when they should (run by `make test-browser`, before the browser run).

The browser run itself also checks itself on a broken notebook in JupyterLab (its self-test); these tests pin
the rules on hand-made page states and the headless reference on a small notebook.
"""

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import lab_in_browser as lab  # noqa: E402


def page_state(prompts, widgets=None, images=None, errors=None, texts=None):
    n = len(prompts)
    widgets, images, errors, texts = (v or [0] * n for v in (widgets, images, errors, texts))
    return [{"code": True, "prompt": p, "widgets": w, "images": i, "errors": e, "text": t or ""}
            for p, w, i, e, t in zip(prompts, widgets, images, errors, texts, strict=True)]


REF = {"code_cells": 3, "images": 2, "errors": 0, "widget_cells": [1]}


def test_a_clean_run_passes():
    state = page_state(["[1]:", "[2]:", "[3]:"], widgets=[0, 1, 0], images=[1, 1, 0])
    assert lab.check_run(state, REF) == []


@pytest.mark.parametrize("change, expected", [
    ({"widgets": [0, 2, 0]}, "shows 2 widget views"),            # a control displayed twice
    ({"widgets": [0, 0, 0]}, "widget cell but shows 0"),         # a widget shown as text, or not at all
    ({"errors": [0, 0, 1], "texts": ["", "", "ValueError: bad"]}, "shows an error: ValueError: bad"),
    ({"prompts": ["[1]:", "[2]:", "[ ]:"]}, "code cell 3 did not run"),
    ({"prompts": ["[1]:", "[*]:", "[ ]:"]}, "code cell 2 did not run"),
    ({"images": [1, 2, 0]}, "3 images in the browser, 2 when the notebook runs headless"),
    ({"texts": ["", "Error displaying widget: model not found", ""]}, "did not render"),
])
def test_each_problem_is_reported(change, expected):
    args = {"prompts": ["[1]:", "[2]:", "[3]:"], "widgets": [0, 1, 0], "images": [1, 1, 0]} | change
    problems = lab.check_run(page_state(**args), REF)
    assert any(expected in p for p in problems), problems


def test_a_missing_cell_is_reported():
    state = page_state(["[1]:", "[2]:"], widgets=[0, 1], images=[1, 1])
    assert any("2 code cells in the browser, 3 in the file" in p for p in lab.check_run(state, REF))


def test_reference_counts_images_errors_and_widget_cells(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
                                  "import matplotlib.pyplot as plt\nimport ipywidgets as widgets\n"
                                  "from course_utils.widgets import interact_or_print"),
        nbformat.v4.new_code_cell("plt.plot([1, 2]); plt.show()"),
        nbformat.v4.new_code_cell("def f(a):\n    plt.plot([0, a]); plt.show()\n\n"
                                  "interact_or_print(f, a=widgets.IntSlider(value=2))"),
        nbformat.v4.new_code_cell("1 / 0"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    ref = lab.reference(path)
    assert ref["code_cells"] == 4
    assert ref["images"] == 2  # one plot, and the widget's plot drawn once headless
    assert ref["widget_cells"] == [2]
    assert ref["errors"] == 1
