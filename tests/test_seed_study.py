"""The recorded seed studies (benchmarks/*.json) match the STUDY cells of the notebooks that read them.

A notebook's ``STUDY = {...}`` cell holds the settings of every model it compares; ``benchmarks/seed_study.py``
trains them with several seeds and records the results with those settings. Change a setting in the notebook
without rerunning the script, and this test fails with the command to run.
"""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("seed_study", ROOT / "benchmarks" / "seed_study.py")
seed_study = importlib.util.module_from_spec(spec)
spec.loader.exec_module(seed_study)


@pytest.mark.parametrize("part", sorted(seed_study.OUTPUTS))
def test_recorded_study_matches_the_notebook(part):
    notebook = ROOT / "notebooks" / seed_study.NOTEBOOKS[part]
    record = json.loads((ROOT / "benchmarks" / seed_study.OUTPUTS[part]).read_text(encoding="utf-8"))
    assert record["settings"] == seed_study.read_study(notebook), (
        f"benchmarks/{seed_study.OUTPUTS[part]} was recorded with other settings than {notebook.name}'s STUDY cell: "
        f"rerun `{record['command']}`"
    )
    assert record["command"].endswith(f"seed_study.py {part}")


@pytest.mark.parametrize("part", ["forecast", "text"])
def test_every_model_has_every_seed(part):
    record = json.loads((ROOT / "benchmarks" / seed_study.OUTPUTS[part]).read_text(encoding="utf-8"))
    seeds = record["settings"]["seeds"]
    names = list(record["settings"]["models"]) + list(record["settings"].get("bag_models", {}))
    assert sorted(record["models"]) == sorted(names)
    for name in names:
        assert len(record["models"][name]["val"]) == len(record["models"][name]["test"]) == len(seeds), name


def test_search_covers_the_grid():
    record = json.loads((ROOT / "benchmarks" / "search_06.json").read_text(encoding="utf-8"))
    grid = record["settings"]["search"]
    assert len(record["rows"]) == len(grid["window"]) * len(grid["hidden_size"]) * len(grid["dropout"])


def test_a_changed_setting_is_detected(tmp_path):
    notebook = json.loads((ROOT / "notebooks" / seed_study.NOTEBOOKS["text"]).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith("# Every model of this section"):
            cell["source"] = [line.replace('"seeds": [0, 1, 2]', '"seeds": [0, 1]') for line in cell["source"]]
    changed = tmp_path / "07.ipynb"
    changed.write_text(json.dumps(notebook), encoding="utf-8")
    record = json.loads((ROOT / "benchmarks" / "seed_study_07.json").read_text(encoding="utf-8"))
    assert seed_study.read_study(changed)["seeds"] == [0, 1]
    assert record["settings"] != seed_study.read_study(changed)
    empty = tmp_path / "empty.ipynb"
    empty.write_text(json.dumps({"cells": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="no code cell that assigns STUDY"):
        seed_study.read_study(empty)
