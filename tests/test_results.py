"""benchmark_results reads back what `make bench` wrote, says None when there is nothing, refuses a broken file."""

import json

import pytest

from course_utils import results


def test_reads_the_whole_file_or_one_entry(tmp_path):
    file = tmp_path / "results.json"
    file.write_text(json.dumps({"gru_speed": {"ratios": [1.5, 1.1]}, "total_seconds": 78.1}), encoding="utf-8")
    assert results.benchmark_results(path=file)["total_seconds"] == 78.1
    assert results.benchmark_results("gru_speed", path=file) == {"ratios": [1.5, 1.1]}
    assert results.benchmark_results("total_seconds", path=file) == 78.1
    assert results.benchmark_results("not_there", path=file) is None


def test_missing_file_gives_none(tmp_path):
    assert results.benchmark_results(path=tmp_path / "absent.json") is None
    assert results.benchmark_results("gru_speed", path=tmp_path / "absent.json") is None


def test_the_course_file_is_found():
    """The default path is the repository's benchmarks/results.json, which every checkout has."""
    assert results.RESULTS_FILE.name == "results.json" and results.RESULTS_FILE.parent.name == "benchmarks"
    assert "notebooks" in results.benchmark_results()


@pytest.mark.parametrize(("text", "error", "match"), [
    ("{not json", ValueError, "is not valid JSON .*rerun `make bench`"),
    ("[1, 2]", ValueError, "must hold a JSON object; got list"),
])
def test_broken_file_raises(tmp_path, text, error, match):
    file = tmp_path / "results.json"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=match):
        results.benchmark_results(path=file)


def test_name_must_be_text(tmp_path):
    with pytest.raises(TypeError, match="name must be a str; got int"):
        results.benchmark_results(3, path=tmp_path / "results.json")


def test_recorded_result_reads_back(tmp_path, monkeypatch):
    """What a notebook records while the benchmark runs is what the benchmark's file then gives back."""
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    path = results.record_result("gru_speed", {"hidden_sizes": [32, 256], "ratios": [1.4, 1.0]})
    assert results.benchmark_results(path=path) == {"hidden_sizes": [32, 256], "ratios": [1.4, 1.0]}
