"""Headline results that notebooks hand to the course benchmark (``make bench``).

A notebook calls ``record_result("forecast", {...})`` after computing its key numbers. When the
benchmark runs the notebook it sets ``COURSE_RESULTS_DIR``, and the numbers are written there as
``<name>.json``; in a normal session nothing is written.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from course_utils import _validate


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
