"""Learner copies (`make student`): solutions become stubs, the copy runs up to its first exercise and fails
kindly there, and with the solutions put back it is the original again."""

import copy
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nbtools  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def solution_indices(nb):
    return [i for i, c in enumerate(nb.cells) if nbtools.SOLUTION_TAG in c.metadata.get("tags", [])]


def test_stub_source_keeps_signatures_and_docstrings():
    src = '''@decorator
def forget_gate(x, h,
                params):
    """The forget gate."""
    z = params @ x
    return z


def one_liner(x): return x
answer = 0.5
a, b = 1, 2
'''
    stub = nbtools.stub_source(src)
    assert stub == '''@decorator
def forget_gate(x, h,
                params):
    """The forget gate."""
    # YOUR CODE HERE
    raise NotImplementedError

def one_liner(x):
    # YOUR CODE HERE
    raise NotImplementedError

answer = None  # YOUR CODE HERE
a, b = None, None  # YOUR CODE HERE
'''
    compile(stub, "stub", "exec")


def test_stub_source_refuses_other_statements():
    with pytest.raises(ValueError, match="only function definitions and assignments; line 1 is a Expr"):
        nbtools.stub_source("print('hi')\n")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_learner_copy_round_trip(path):
    original = nbtools.read(path)
    learner = nbtools.student_copy(original)
    solutions = solution_indices(original)
    assert len(solutions) >= 2, f"{path.name} needs at least two exercises with solution-tagged cells"
    assert solution_indices(learner) == solutions
    for i in solutions:
        stub = learner.cells[i].source
        assert "raise NotImplementedError" in stub or "= None  # YOUR CODE HERE" in stub
        assert learner.cells[i].source != original.cells[i].source
    assert all(not c.get("outputs") for c in learner.cells if c.cell_type == "code")
    # putting the solutions back gives the original again (outputs aside), built here without student_copy
    for i in solutions:
        learner.cells[i].source = original.cells[i].source
    expected = copy.deepcopy(original)
    for cell in expected.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    assert nbformat.writes(learner) == nbformat.writes(expected)
    assert [c.source for c in learner.cells] == [c.source for c in original.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_learner_copy_runs_up_to_its_first_exercise(path, monkeypatch):
    """Every cell before the first exercise runs; the first self-check after it fails kindly (CheckFailed)."""
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    learner = nbtools.student_copy(nbtools.read(path))
    first = solution_indices(learner)[0]
    check = next(i for i in range(first + 1, len(learner.cells)) if learner.cells[i].cell_type == "code")
    learner.cells = learner.cells[: check + 1]
    client = NotebookClient(learner, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert failure.value.ename == "CheckFailed", f"expected the self-check to fail kindly; got {failure.value}"
    assert "not written yet" in str(failure.value) or "no answer yet" in str(failure.value)
    ran = [c for c in learner.cells[:check] if c.cell_type == "code"]
    assert all(not any(o.get("output_type") == "error" for o in c.outputs) for c in ran)
