"""The course's thread policy: the user's choice wins, else one thread, never more than the CPUs allowed."""

import os

import pytest
import torch

from course_utils import threads
from course_utils.threads import available_cpus, use_course_threads


@pytest.fixture(autouse=True)
def restore_threads(monkeypatch):
    before = torch.get_num_threads()
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    yield
    torch.set_num_threads(before)


def test_default_is_one_thread_on_the_cpu():
    torch.set_num_threads(2)
    assert use_course_threads() == 1
    assert torch.get_num_threads() == 1


def test_explicit_argument_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert use_course_threads(2) == 2
    assert torch.get_num_threads() == 2


def test_omp_num_threads_is_respected(monkeypatch):
    torch.set_num_threads(1)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert use_course_threads() == 2


def test_gpu_runs_keep_pytorchs_setting(monkeypatch):
    torch.set_num_threads(2)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert use_course_threads() == 2
    assert torch.get_num_threads() == 2


def test_never_more_than_the_cpus_allowed(monkeypatch):
    monkeypatch.setattr(threads, "COURSE_THREADS", 64)
    monkeypatch.setattr(threads, "available_cpus", lambda: 3)
    assert use_course_threads() == 3


@pytest.mark.parametrize("bad", [0, -2])
def test_rejects_fewer_than_one_thread(bad):
    with pytest.raises(ValueError, match="at least 1"):
        use_course_threads(bad)


@pytest.mark.parametrize("bad", [1.5, "2", True])
def test_rejects_a_thread_count_that_is_not_a_whole_number(bad):
    with pytest.raises(TypeError, match="whole number"):
        use_course_threads(bad)


@pytest.mark.parametrize("bad", ["zero", "0", "-1", "2.5"])
def test_rejects_a_bad_omp_num_threads_and_says_how_to_fix_it(monkeypatch, bad):
    monkeypatch.setenv("OMP_NUM_THREADS", bad)
    with pytest.raises(ValueError, match="OMP_NUM_THREADS.*Unset it"):
        use_course_threads()


def test_an_empty_omp_num_threads_counts_as_unset(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", " ")
    assert use_course_threads() == 1


@pytest.mark.parametrize(
    ("content", "cpus"), [("max 100000\n", None), ("150000 100000\n", 1.5), ("50000 100000", 0.5)]
)
def test_cgroup_v2_quota(tmp_path, content, cpus):
    (tmp_path / "cpu.max").write_text(content)
    assert threads._cgroup_cpus(tmp_path) == cpus


@pytest.mark.parametrize(("quota", "cpus"), [("-1", None), ("200000", 2.0), ("25000", 0.25)])
def test_cgroup_v1_quota(tmp_path, quota, cpus):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(quota + "\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert threads._cgroup_cpus(tmp_path) == cpus


def test_no_cgroup_files_means_no_quota(tmp_path):
    assert threads._cgroup_cpus(tmp_path) is None


@pytest.mark.parametrize(("quota", "affinity", "expected"), [(None, 8, 8), (1.5, 8, 2), (0.5, 8, 1), (16.0, 4, 4)])
def test_available_cpus_takes_the_tighter_of_affinity_and_quota(monkeypatch, quota, affinity, expected):
    monkeypatch.setattr(threads, "_cgroup_cpus", lambda: quota)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(affinity)), raising=False)
    assert available_cpus() == expected


def test_available_cpus_without_an_affinity_call(monkeypatch):
    monkeypatch.setattr(threads, "_cgroup_cpus", lambda: None)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert available_cpus() == 6
