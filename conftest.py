"""Test setup shared by the unit tests and the notebooks run under nbval.

The notebook kernels that nbval starts inherit these variables.
"""

import os

# Widgets have no one to move them in tests: they run once and print what they would show
# (course_utils.widgets).
os.environ.setdefault("COURSE_HEADLESS", "1")
# One thread per kernel: the two xdist workers use the two cores, and the checked outputs of trained
# models are the same on every run (`make execute` uses the same setting).
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")
