"""Test setup shared by the unit tests and the notebooks run under nbval.

The notebook kernels that nbval starts inherit these variables. Threads are not set here: every notebook's
setup cell chooses them with course_utils.threads, so the tests run with the same threads as a learner.
"""

import os

# Widgets have no one to move them in tests: they run once and print what they would show
# (course_utils.widgets).
os.environ.setdefault("COURSE_HEADLESS", "1")

# The unit tests themselves use the learner's policy too (one thread unless OMP_NUM_THREADS says otherwise).
from course_utils.threads import use_course_threads  # noqa: E402

use_course_threads()

# The Vietnamese notebooks (notebooks/vi) are the English code with translated Markdown (tests/test_translation.py
# checks it on every run): nbval runs the English ones, tests/test_offline.py runs each Vietnamese one once, with
# the reading copy and the slides. COURSE_NBVAL_VI=1 puts them under nbval too (a translator's check).
collect_ignore_glob = [] if os.environ.get("COURSE_NBVAL_VI") == "1" else ["notebooks/vi/*"]
