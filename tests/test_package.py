"""The package docstring's list of modules is true: every module is listed once, every listed module exists,
and each notebook named as teaching a module imports it (or shows its source)."""

import json
import re
from pathlib import Path

import pytest

import course_utils

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"
TAUGHT = re.compile(r"^- ``(\w+)``: .+ Taught in ([\d, ]+)\.$", re.M)
TOOLS = re.compile(r"^Tools that the notebooks use without teaching them: (.+)\.$", re.M)
PRIVATE = re.compile(r"^Private plumbing \([^)]*\): (.+)\.$", re.M)


def listed():
    doc = course_utils.__doc__
    taught = {name: [n.strip() for n in numbers.split(",")] for name, numbers in TAUGHT.findall(doc)}
    tools = re.findall(r"``(\w+)``", TOOLS.search(doc).group(1))
    private = re.findall(r"``(\w+)``", PRIVATE.search(doc).group(1))
    return taught, tools, private


def notebook_code(number):
    (path,) = ROOT.glob(f"notebooks/{number}_*.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def uses(code, module):
    patterns = [
        rf"^\s*from course_utils\.{module} import ",
        rf"^\s*import course_utils\.{module}\b",
        rf"^\s*from course_utils import [^\n]*\b{module}\b",
    ]
    return any(re.search(p, code, re.M) for p in patterns)


def test_every_module_is_listed_once_and_every_listed_module_exists():
    taught, tools, private = listed()
    names = [*taught, *tools, *private]
    assert len(taught) >= 10, "the docstring's list of taught modules was not found"
    assert len(names) == len(set(names)), f"a module is listed twice: {names}"
    files = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    missing = sorted(set(files) - set(names))
    assert not missing, f"add these modules to course_utils/__init__.py's docstring: {missing}"
    gone = sorted(set(names) - set(files))
    assert not gone, f"course_utils/__init__.py's docstring names modules that do not exist: {gone}"


def test_taught_list_parses_every_bullet():
    bullets = [line for line in course_utils.__doc__.splitlines() if line.startswith("- ``")]
    assert len(bullets) == len(listed()[0]), "every bullet must end with 'Taught in NN, NN.'"


@pytest.mark.parametrize(("module", "number"), [(m, n) for m, ns in listed()[0].items() for n in ns])
def test_named_notebooks_import_the_module(module, number):
    assert uses(notebook_code(number), module), f"notebook {number} is said to teach {module} but never imports it"


def test_the_check_can_fail():
    assert not uses("from course_utils.cells import rnn_step", "windows")
    assert not uses("from course_utils import cells, memory_unit", "memory")
    assert uses("from course_utils import cells, memory_unit, show_source", "memory_unit")
