"""Hypothesis profiles for the unit tests.

``ci`` is derandomised: every run draws the same examples, so a red CI build is reproducible and a green one
does not turn red by chance. It is selected when the environment variable ``CI`` is ``true`` (as GitHub Actions,
GitLab CI and most CI services set it) or with ``HYPOTHESIS_PROFILE=ci``; elsewhere hypothesis explores new
random examples on every run. ``mutation`` (used by ``make mutation``) is derandomised too, so every mutant
meets the same examples.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("mutation", derandomize=True, database=None)
settings.register_profile("dev", settings.get_profile("default"))


def _profile() -> str:
    if os.environ.get("HYPOTHESIS_PROFILE"):
        return os.environ["HYPOTHESIS_PROFILE"]
    return "ci" if os.environ.get("CI", "").strip().lower() in ("true", "1") else "dev"


settings.load_profile(_profile())
