"""The widget cells as JupyterLab runs them: the headless switch off, executed through nbclient, each widget cell
shows exactly one widget view (a cell that both displayed and returned its panel would show two)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def is_widget_cell(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and "interact_or_print(" in cell.source


def widget_views(cell: nbformat.NotebookNode) -> int:
    return sum(WIDGET_VIEW in out.get("data", {}) for out in cell.outputs)


def run_live(nb: nbformat.NotebookNode, cwd: Path) -> None:
    # No cell of these notebooks takes more than a few seconds (the slowest whole notebook runs in about 20 s, and
    # twice that beside busy processes). The short timeout bounds a known nbclient stall with live widgets
    # (jupyter/nbclient#312): a reply that has arrived is only returned when the wait times out, and the run then
    # goes on. With the former 600 s a stalled cell cost ten minutes, with 120 s two (it happens in about one run in
    # three, in 06).
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
                   store_widget_state=True).execute()


def test_the_count_sees_a_panel_shown_twice(tmp_path):
    shown_twice = "import ipywidgets as w\nfrom IPython.display import display\ns = w.IntSlider()\ndisplay(s)\ns"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(shown_twice)])
    run_live(nb, tmp_path)
    assert widget_views(nb.cells[0]) == 2


WITH_WIDGETS = [p for p in NOTEBOOKS if any(is_widget_cell(c) for c in nbformat.read(p, as_version=4).cells)]


def test_the_course_has_widget_cells():
    assert len(WITH_WIDGETS) >= 3


@pytest.mark.parametrize("path", WITH_WIDGETS, ids=lambda p: p.stem)
def test_each_widget_cell_shows_one_view_in_jupyterlab(path, monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "0")  # the kernel inherits it: widgets are live, as in JupyterLab
    nb = nbformat.read(path, as_version=4)
    last = max(i for i, cell in enumerate(nb.cells) if is_widget_cell(cell))
    nb.cells = nb.cells[: last + 1]  # run up to the last widget cell
    run_live(nb, path.parent)
    for i, cell in enumerate(nb.cells):
        if is_widget_cell(cell):
            printed = "".join(o.get("text", "") for o in cell.outputs)
            assert "[headless]" not in printed, "the headless switch must be off here"
            assert widget_views(cell) == 1, f"{path.name} cell {i}: {widget_views(cell)} widget views (expected one)"
    assert "widgets" in nb.metadata, "the widgets' state is saved, as JupyterLab saves it"
