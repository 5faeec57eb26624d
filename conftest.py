"""Test setup shared by the unit tests and the notebooks run under nbval."""

import os

# Widgets have no one to move them in tests: they run once and print what they would show
# (course_utils.widgets). The notebook kernels that nbval starts inherit this variable.
os.environ.setdefault("COURSE_HEADLESS", "1")
