"""How many CPU threads PyTorch uses in the course (taught in 00).

The course's models are small: one operation on them is over before a second thread has helped. On a quiet
machine one thread is as fast as several; on a busy one (a laptop with a browser open, a Binder pod that sees
many cores but gets about one) several threads wait for each other and a notebook runs many times slower
(measured in ``benchmarks/README.md``). So the course uses one thread on the CPU unless you ask for more.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import torch

from course_utils._validate import positive_int

COURSE_THREADS = 1  # fastest for the course's models, quiet and busy (benchmarks/README.md)
CGROUP = Path("/sys/fs/cgroup")


def _cgroup_cpus(root: Path = CGROUP) -> float | None:
    """The CPU quota of this process's container in CPUs (cgroup v2 ``cpu.max`` or v1), or None if unlimited."""
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]  # v2: "max 100000" or "150000 100000"
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())  # v1: -1 when unlimited
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return None if quota <= 0 or period <= 0 else quota / period
    except (OSError, ValueError):
        return None


def available_cpus() -> int:
    """The CPUs this process may use: its affinity mask, capped by a container's CPU quota (at least 1)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpus()
    if quota is not None:
        cpus = min(cpus, math.ceil(quota))
    return max(1, cpus)


def _env_threads() -> int | None:
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"OMP_NUM_THREADS is {value!r}; it must be a whole number of threads such as 1 or 4. "
            "Unset it to use the course's choice."
        )
    return int(value)


def use_course_threads(n: int | None = None) -> int:
    """Set PyTorch's CPU threads for the course and return the number in use.

    ``n`` wins if given; else ``OMP_NUM_THREADS`` if you set it; else one thread (never more than the CPUs
    the process may use). On a GPU PyTorch's own setting is left alone.
    """
    if n is not None:
        n = positive_int("n", n, hint="Pass a number of threads such as 1 or 2, or None for the course's choice.")
    else:
        n = _env_threads()
        if n is None:
            if torch.cuda.is_available():
                return torch.get_num_threads()
            n = min(COURSE_THREADS, available_cpus())
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return torch.get_num_threads()
