"""Every exercise of every notebook uses the self-checks as CONTRIBUTING.md asks (read from the cells, no kernel).

A multiple-choice check names its options and gives hints for wrong ones (so a wrong try gets a hint, not the
answer); a function check names the typical mistakes it recognises, so that the hint matches the mistake.
"""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def check_calls(path: Path) -> list[tuple[int, ast.Call]]:
    """(cell number, call) for every call of a self-check in the notebook's code cells."""
    calls = []
    for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("check_choice", "check_function", "check_value"):
                    calls.append((number, node))
    return calls


def literal(node: ast.AST | None):
    try:
        return ast.literal_eval(node) if node is not None else None
    except ValueError:
        return None  # a name or an expression: checked when the cell runs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_notebook_has_checked_exercises(path):
    kinds = [call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id for _, call in check_calls(path)]
    assert len(kinds) >= 2, f"{path.name}: the template asks for at least two exercises with a self-check"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_multiple_choice_checks_hint_at_every_wrong_option(path):
    for number, call in check_calls(path):
        name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
        keywords = {k.arg: k.value for k in call.keywords}
        if name == "check_choice":
            where = f"{path.name}, cell {number}"
            assert "options" in keywords and "hints" in keywords, f"{where}: check_choice needs options= and hints="
            options, hints = literal(keywords["options"]), literal(keywords["hints"])
            correct = literal(call.args[1]) if len(call.args) > 1 else None
            if options is not None and hints is not None and correct is not None and "hint" not in keywords:
                wrong = {str(o) for o in options} - {str(correct)}
                assert wrong <= set(hints), f"{where}: no hint for the wrong option(s) {sorted(wrong - set(hints))}"
        if name == "check_function":
            assert "mistakes" in keywords, (f"{path.name}, cell {number}: check_function should name the typical "
                                            "mistakes (mistakes=...) so that the hint matches the mistake")


def test_the_scan_sees_a_check_without_hints(tmp_path):
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": ['check_choice(answer, "b", "why", options="abc", hints={"a": "think"})']}
    path = tmp_path / "09_x.ipynb"
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(AssertionError, match=r"no hint for the wrong option\(s\) \['c'\]"):
        test_multiple_choice_checks_hint_at_every_wrong_option(path)
