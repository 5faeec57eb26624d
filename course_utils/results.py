"""Headline results that notebooks hand to the course benchmark (``make bench``).

A notebook calls ``record_result("forecast", {...})`` after computing its key numbers. When the
benchmark runs the notebook it sets ``COURSE_RESULTS_DIR``, and the numbers are written there as
``<name>.json``; in a normal session nothing is written. ``benchmark_results`` reads back what the last
``make bench`` wrote (``benchmarks/results.json``), so that a notebook can quote the benchmark's figures instead
of typing them.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from course_utils import _validate

RESULTS_FILE = Path(__file__).resolve().parent.parent / "benchmarks" / "results.json"


def record_result(name: str, values: dict[str, Any]) -> Path | None:
    """Save ``values`` (JSON-friendly numbers and strings) as ``name`` for the benchmark, if it is running."""
    _validate.instance_of("name", name, str)
    if not name.isidentifier():
        raise ValueError(f"name must be a plain identifier such as 'forecast'; got {name!r}.")
    for key, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"values[{key!r}] is {value}; the benchmark needs finite numbers.")
    folder = os.environ.get("COURSE_RESULTS_DIR")
    if not folder:
        return None
    path = Path(folder) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values, indent=2, default=float) + "\n", encoding="utf-8")
    return path


def benchmark_results(name: str | None = None, path: str | os.PathLike[str] | None = None) -> Any:
    """What the last ``make bench`` wrote to ``benchmarks/results.json``: the whole file (a dict), or its entry
    ``name``.

    Returns None when the file or the entry does not exist (a copy of the course without the benchmark, or a
    benchmark older than the entry), so that a notebook can say so instead of failing.
    """
    if name is not None:
        _validate.instance_of("name", name, str)
    file = Path(path) if path is not None else RESULTS_FILE
    try:
        results = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as err:
        raise ValueError(f"{file} is not valid JSON ({err}); rerun `make bench` to write it again.") from err
    if not isinstance(results, dict):
        raise ValueError(f"{file} must hold a JSON object; got {type(results).__name__}. Rerun `make bench`.")
    if name is None:
        return results
    return results.get(name)
