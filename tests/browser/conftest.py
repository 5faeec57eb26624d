"""Tests of the browser tester. They start kernels and belong to `make test-browser`, not to `make test`."""

import os

if not os.environ.get("COURSE_BROWSER_TESTS"):
    collect_ignore_glob = ["test_*.py"]
