"""Interactive controls that also run headless.

In JupyterLab, ``interact_or_print(func, x=FloatSlider(...))`` shows the controls and calls ``func``
whenever one moves. Headless (tests, ``make bench``, ``make html``, where ``COURSE_HEADLESS=1`` is set),
nobody can move a slider, so it calls ``func`` once with the controls' current values and says what the
controls would let you change. Either way the cell runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from course_utils.i18n import tr


def is_headless() -> bool:
    """True when the notebook runs with no one to move a control (``COURSE_HEADLESS=1``)."""
    return os.environ.get("COURSE_HEADLESS", "") not in ("", "0")


def _describe(name: str, control: widgets.ValueWidget) -> str:
    if hasattr(control, "min") and hasattr(control, "max"):
        return tr("{name} from {low} to {high} (now {value})").format(name=name, low=control.min, high=control.max,
                                                                      value=control.value)
    return tr("{name} (now {value!r})").format(name=name, value=control.value)


def interact_or_print(func: Callable[..., Any], **controls: widgets.ValueWidget) -> None:
    """Show ``controls`` wired to ``func`` (live), or call ``func`` once with their values (headless).

    It displays the panel itself and returns nothing, so a cell that ends with this call shows the panel once.
    """
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(f"control {name!r} must be an ipywidgets control such as FloatSlider; got {control!r}.")
    if is_headless():
        described = "; ".join(_describe(n, c) for n, c in controls.items())
        print(tr("[headless] In JupyterLab you would move: {controls}. Showing the current values:").format(
            controls=described))
        func(**{name: control.value for name, control in controls.items()})
        return
    display(widgets.interactive(func, **controls))
