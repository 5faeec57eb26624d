"""Show the real source of a course_utils object inside a notebook (one copy of the code, no drift)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any


def show_source(obj: Any) -> None:
    """Display the source of ``obj`` as a highlighted code block (Markdown)."""
    code = inspect.getsource(obj)
    try:
        where = f"{obj.__module__}.{obj.__qualname__}"
    except AttributeError:
        where = getattr(obj, "__name__", Path(inspect.getfile(obj)).name)
    try:
        from IPython.display import Markdown, display

        display(Markdown(f"**Source of `{where}`**\n\n```python\n{code}```"))
    except ImportError:
        print(f"# Source of {where}\n{code}")
