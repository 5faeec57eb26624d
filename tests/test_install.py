"""requirements.txt resolves, as binary wheels, for every supported Python (3.11 to 3.14) and not for 3.10.

Each check is `pip install --dry-run --python-version X.Y --only-binary=:all:` against the package index that pip
is configured with, using the torch index that tools/course.py would choose on Linux x86-64. The checks run two at
a time. Where the index serves no separate metadata, pip downloads every wheel (about 2 GB per Python: torch's CUDA
build), which took 8 minutes on the busy 2-core course machine; so they run in CI (CI=true) and with
`make check-install` (COURSE_CHECK_INSTALL=1), and `make test` elsewhere skips them, saying so. They are skipped,
saying why, when the index cannot be reached.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import course  # noqa: E402

SUPPORTED = [f"3.{minor}" for minor in range(course.MIN_PYTHON[1], course.MAX_PYTHON[1] + 1)]
TOO_OLD = f"3.{course.MIN_PYTHON[1] - 1}"
NEED_311 = {"numpy", "pandas", "matplotlib"}  # the pins that set the lower end of the range


def index_url() -> str:
    """The index pip uses here: PIP_INDEX_URL, pip's configuration, or pip's built-in default."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"].split()[0]
    configured = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                                capture_output=True, text=True)
    if configured.returncode == 0 and configured.stdout.strip():
        return configured.stdout.strip()
    helptext = subprocess.run([sys.executable, "-m", "pip", "install", "--help"], capture_output=True, text=True).stdout
    return re.search(r"\(default\s+(https?://[^\s)]+)\)", helptext).group(1)  # pip's built-in default


def dry_run(version: str, target: Path, requirements: list[str], options: list[str]) -> tuple[str, int]:
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--target", str(target),
               "--python-version", version, "--only-binary=:all:", "--progress-bar", "off", *requirements, *options]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    return run.stdout, run.returncode


@pytest.fixture(scope="module")
def dry_runs(tmp_path_factory):
    if not (os.environ.get("CI") or os.environ.get("COURSE_CHECK_INSTALL")):
        pytest.skip("downloads about 2 GB per Python version: runs in CI (CI=true) or with `make check-install`")
    url = index_url()
    if not course.reachable(url, timeout=5):
        pytest.skip(f"the package index {url} cannot be reached from here: cannot check that the pins resolve")
    options, _ = course.torch_index(fits=True)
    jobs = {version: (["-r", str(ROOT / "requirements.txt")], options) for version in SUPPORTED}
    # below the range only the packages that need 3.11 are asked for (it fails before any large download)
    jobs[TOO_OLD] = (["--no-deps", *(f"{name}=={v}" for name, v in pins().items() if name in NEED_311)], [])
    # two at a time: where the index serves no separate metadata, pip downloads each wheel (torch: ~0.5 GB)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {v: pool.submit(dry_run, v, tmp_path_factory.mktemp(f"py{v}"), *job) for v, job in jobs.items()}
        return {version: future.result() for version, future in futures.items()}


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name, _, version = line.split("#")[0].strip().partition("==")
        if version:
            found[name.lower().replace("-", "_")] = version
    return found


@pytest.mark.parametrize("version", SUPPORTED)
def test_requirements_resolve_for_every_supported_python(dry_runs, version):
    output, code = dry_runs[version]
    assert code == 0, f"requirements.txt does not install on Python {version}:\n{output[-3000:]}"
    would = re.search(r"^Would install (.*)$", output, re.M)
    assert would, output[-2000:]
    chosen = {}
    for item in would.group(1).split():
        name, _, got = item.rpartition("-")
        chosen[name.lower().replace("-", "_")] = got
    for name, version_pinned in pins().items():
        assert chosen.get(name, "").split("+")[0] == version_pinned, f"{name}: pinned {version_pinned}, got {chosen}"


def test_requirements_do_not_resolve_below_the_range(dry_runs):
    output, code = dry_runs[TOO_OLD]
    assert code != 0, f"requirements.txt installs on Python {TOO_OLD}: widen the supported range"
    assert "No matching distribution found for numpy==" in output
