"""Set up and open the course, with or without `make` (Linux, macOS, Windows).

    python3 tools/course.py setup      # check Python, create .venv, install the pinned packages and course_utils
    python3 tools/course.py lab        # setup if needed, then JupyterLab on the course (opens 00_start_here)
    python3 tools/course.py practice   # setup if needed, learner copies in student/, JupyterLab on them
    add --lang vi to lab or practice to open the Vietnamese edition (notebooks/vi, student/vi)
    python3 tools/course.py check      # only check that this Python is a supported version

On Windows use ``py -3.12 tools\\course.py lab`` (any supported version). `make lab`, `make test` and
`make practice` run the same code.

Where PyTorch comes from: on Linux x86-64 with no NVIDIA GPU, PyTorch's CPU wheel index (a CPU-only build, about
190 MB instead of more than 2.5 GB of CUDA wheels), when that index answers within a few seconds; otherwise, and on
macOS, Windows and machines with an NVIDIA GPU, the default package index. ``TORCH_INDEX=URL`` picks an index,
``TORCH_INDEX=default`` always uses the default one. The pins (requirements.txt) are the same on every route.

This file runs on old Pythons too, so that it can say which version is needed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)
MAX_PYTHON = (3, 14)
SUPPORTED = f"Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} to {MAX_PYTHON[0]}.{MAX_PYTHON[1]}"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
STAMP_NAME = ".course-installed"
FILTER = "strip-notebooks"  # the git filter named in .gitattributes


def python_problem(version: tuple[int, int] | None = None, executable: str | None = None) -> str | None:
    """None if ``version`` is supported, else what was found, what is needed and how to get it."""
    version = version or (sys.version_info[0], sys.version_info[1])
    if MIN_PYTHON <= tuple(version) <= MAX_PYTHON:
        return None
    found = f"Python {version[0]}.{version[1]}" + (f" ({executable})" if executable else "")
    return (
        f"The course needs {SUPPORTED}; found {found}.\n"
        "Install a supported Python (python.org, Homebrew `brew install python@3.12`, Debian/Ubuntu "
        "`apt install python3.12 python3.12-venv` where your release has it, or `uv python install 3.12`), then "
        "run again with it: `make lab PYTHON=python3.12`, or `python3.12 tools/course.py lab` "
        "(Windows: `py -3.12 tools\\course.py lab`). If .venv was made with another Python, delete it first."
    )


def venv_python(venv: Path) -> Path:
    """The interpreter inside ``venv`` (bin/python, or Scripts\\python.exe on Windows)."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def has_nvidia_gpu() -> bool:
    """True when an NVIDIA driver is installed (``nvidia-smi`` on PATH or ``/proc/driver/nvidia``)."""
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia").exists()


def cpu_index_fits(system: str | None = None, machine: str | None = None, gpu: bool | None = None) -> bool:
    """Whether this machine should get PyTorch's CPU build: Linux x86-64 without an NVIDIA GPU.

    (macOS and Windows get CPU wheels from the default index anyway; Linux ARM has no CUDA wheels to avoid.)
    """
    system = platform.system() if system is None else system
    machine = (platform.machine() if machine is None else machine).lower()
    gpu = has_nvidia_gpu() if gpu is None else gpu
    return system == "Linux" and machine in ("x86_64", "amd64") and not gpu


def reachable(url: str, timeout: float = 3.0) -> bool:
    """Whether ``url``'s host accepts a connection within ``timeout`` seconds (name lookup included)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return False
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    result: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection((parsed.hostname, port), timeout=timeout).close()
            result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)  # a name lookup can outlast any socket timeout
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def torch_index(env: dict[str, str] | None = None, fits: bool | None = None, probe=reachable) -> tuple[list[str], str]:
    """The pip options that choose where torch comes from, and a sentence saying so."""
    env = os.environ if env is None else env
    choice = env.get("TORCH_INDEX", "auto").strip() or "auto"
    if choice == "default":
        return [], "PyTorch from the default package index (TORCH_INDEX=default)"
    if choice != "auto":
        if urlparse(choice).scheme not in ("http", "https", "file"):
            raise ValueError(f"TORCH_INDEX must be 'auto', 'default' or an index URL such as {CPU_INDEX}; "
                             f"got {choice!r}.")
        return ["--extra-index-url", choice], f"PyTorch from {choice} (TORCH_INDEX)"
    if not (cpu_index_fits() if fits is None else fits):
        return [], "PyTorch from the default package index (the right build for this platform)"
    if probe(CPU_INDEX):
        return ["--extra-index-url", CPU_INDEX], f"PyTorch's CPU-only build from {CPU_INDEX} (no NVIDIA GPU here)"
    return [], (f"PyTorch from the default package index: {CPU_INDEX} did not answer within 3 s "
                "(on Linux x86-64 that build includes CUDA and is much larger; set TORCH_INDEX to choose)")


def requirements_hash() -> str:
    text = b"".join((ROOT / name).read_bytes() for name in ("requirements.txt", "pyproject.toml"))
    return hashlib.sha256(text).hexdigest()


def create_venv(venv: Path) -> None:
    import importlib.util

    print(f"Creating {venv} with {sys.executable} (Python {platform.python_version()})", flush=True)
    debian_hint = (f"On Debian or Ubuntu install the venv module first: `apt install python3-venv` (as root, or "
                   f"with sudo; for Python {sys.version_info[0]}.{sys.version_info[1]} the package may be called "
                   f"python{sys.version_info[0]}.{sys.version_info[1]}-venv), then run this again.")
    if importlib.util.find_spec("ensurepip") is None:
        sys.exit(f"Cannot create {venv}: this Python has no `ensurepip`, so `python -m venv` cannot install pip. "
                 + debian_hint)
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)])
    if made.returncode != 0 or not venv_python(venv).exists():
        shutil.rmtree(venv, ignore_errors=True)
        sys.exit(f"Creating {venv} failed (see the message above). " + debian_hint)


def pip(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "on", *args]
    print("$ " + " ".join(command), flush=True)
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        sys.exit("The install failed (see pip's message above). Nothing is half-finished: run the same command "
                 "again once the cause is fixed.")


def filter_command(python: str) -> str:
    """git's clean filter: ``python tools/nbtools.py clean``, or the file unchanged while ``python`` is missing."""
    return f"if [ -x {python} ]; then {python} tools/nbtools.py clean; else cat; fi"


def configure_git(root: Path = ROOT) -> bool:
    """Let git store notebooks stripped of outputs (check-tagged cells keep theirs), whatever the learner saves.

    The command is relative (git runs filters at the top of the work tree), so each clone or worktree uses its own
    .venv. Returns whether git was configured (not outside a git checkout).
    """
    if not shutil.which("git") or not (root / ".git").exists():
        return False
    python = venv_python(Path(".venv")).as_posix()
    subprocess.run(["git", "config", f"filter.{FILTER}.clean", filter_command(python)], cwd=root, check=True)
    print(f"git: notebooks are stored without outputs (filter '{FILTER}', see .gitattributes)")
    return True


def install_lab_settings(venv: Path) -> None:
    """Put the course's JupyterLab settings (``jupyterlab-settings/overrides.json``: no news pop-up) into ``venv``."""
    source = ROOT / "jupyterlab-settings" / "overrides.json"
    target = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        print(f"JupyterLab settings of the course installed in {target.parent}")


def setup(venv: Path, force: bool = False) -> Path:
    """Create ``venv`` if missing and install what the course needs into it; return its Python."""
    python = venv_python(venv)
    if python.exists() and Path(sys.executable).resolve() != python.resolve() and not os.environ.get("COURSE_IN_VENV"):
        # run the rest with the venv's own Python, so its version is the one checked
        env = dict(os.environ, COURSE_IN_VENV="1")
        code = subprocess.run([str(python), str(Path(__file__).resolve()), "setup", "--venv", str(venv)], env=env)
        if code.returncode != 0:
            sys.exit(code.returncode)
        return python
    problem = python_problem(executable=sys.executable)
    if problem:
        sys.exit(problem)
    stamp = venv / STAMP_NAME
    if not force and stamp.exists() and stamp.read_text().strip() == requirements_hash():
        stamp.touch()  # up to date: newer than requirements.txt again, for make
        install_lab_settings(venv)
        return python
    if not python.exists():
        create_venv(venv)
    options, where = torch_index()
    print(f"Installing the course's packages into {venv}: {where}; numpy, pandas, matplotlib, JupyterLab and the "
          "test tools, about 140 packages. With PyTorch's CPU build: about 320 MB to download, 1.5 GB on disk, a "
          "few minutes; the CUDA build adds several GB.", flush=True)
    pip(python, "-r", "requirements.txt", *options)
    pip(python, "--no-deps", "-e", ".")
    configure_git()
    install_lab_settings(venv)
    stamp.write_text(requirements_hash() + "\n")
    print(f"Ready: {venv} has everything the course needs.")
    return python


def lab(python: Path, folder: str, port: int) -> int:
    """Start JupyterLab on the course root, opening ``folder``/00_start_here.ipynb."""
    command = [str(python), "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.root_dir={ROOT}", f"--LabApp.default_url=/lab/tree/{folder}/00_start_here.ipynb"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    print(f"Starting JupyterLab on the course folder, opening {folder}/00_start_here.ipynb. Open the URL with the "
          f"token printed below in a browser (port {port}; Ctrl+C twice to stop).", flush=True)
    try:
        return subprocess.run(command, cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "setup", "lab", "practice"])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8888")))
    parser.add_argument("--force", action="store_true", help="setup: install again even if up to date")
    parser.add_argument("--lang", choices=["en", "vi"], default="en",
                        help="lab, practice: open the English (en) or the Vietnamese (vi) edition")
    args = parser.parse_args(argv)
    if args.command == "check":
        python = venv_python(args.venv)
        if python.exists():
            out = subprocess.run([str(python), "-c", "import sys; print(*sys.version_info[:2])"],
                                 capture_output=True, text=True)
            version = tuple(int(x) for x in out.stdout.split()) if out.returncode == 0 else (0, 0)
            problem = python_problem(version, str(python))
        else:
            problem = python_problem(executable=sys.executable)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return 0
    python = setup(args.venv, args.force)
    if args.command == "lab":
        return lab(python, "notebooks" if args.lang == "en" else "notebooks/vi", args.port)
    if args.command == "practice":
        made = subprocess.run([str(python), str(ROOT / "tools" / "nbtools.py"), "student", "--out",
                               str(ROOT / "student")], cwd=ROOT)
        if made.returncode != 0:
            return made.returncode
        return lab(python, "student" if args.lang == "en" else "student/vi", args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
