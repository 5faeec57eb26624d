"""Every run time the course states (README, instructor guide, notebooks) is the one `make bench` measured."""

import importlib.util
import json
from pathlib import Path

import pytest

from course_utils.threads import COURSE_THREADS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results():
    return json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))


def test_stated_run_times_match_the_benchmark(bench, results):
    assert bench.stale_statements(results) == []


def test_every_notebook_has_a_stated_run_time_and_a_measured_one(bench, results):
    names = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert set(results["notebooks"]) == names, "rerun `make bench`: results.json does not cover every notebook"
    stated = {path.stem for path, _, _ in bench.stated_times(results) if path.suffix == ".ipynb"}
    assert stated == names


def test_the_check_notices_a_wrong_time(bench, results):
    changed = json.loads(json.dumps(results))
    first = next(iter(changed["notebooks"]))
    changed["notebooks"][first]["seconds"] += 60
    changed["total_seconds"] += 60
    problems = bench.stale_statements(changed)
    assert any(first in p for p in problems) and any("README.md" in p for p in problems)


def test_the_busy_pass_and_threads_are_recorded(results):
    assert results["busy"]["course_seconds"] > 0
    assert results["busy"]["ratio"] == pytest.approx(results["busy"]["course_seconds"] / results["total_seconds"],
                                                     abs=0.01)
    assert results["threads"] == COURSE_THREADS


@pytest.mark.parametrize(("seconds", "stated"), [(0.4, 5), (7.3, 5), (7.6, 10), (22.0, 20), (34.0, 35)])
def test_about_rounds_to_five_seconds(bench, seconds, stated):
    assert bench.about(seconds) == stated
