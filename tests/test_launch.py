"""Every way a learner starts the course: the supported Python range, the setup (tools/course.py, which `make` runs),
the torch route, Binder's links, links inside the notebooks, Windows line endings, git's notebook filter and the
learner's practice copies."""

import inspect
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from course_utils import data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import course  # noqa: E402
import nbtools  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RANGE_TEXT = "3.11 to 3.14"


# ---- the supported Python range -----------------------------------------------------------------


@pytest.mark.parametrize("version", [(3, 11), (3, 12), (3, 13), (3, 14)])
def test_supported_versions_pass(version):
    assert course.python_problem(version) is None


@pytest.mark.parametrize("version", [(3, 10), (3, 15), (2, 7)])
def test_other_versions_get_what_was_found_needed_and_how(version):
    message = course.python_problem(version, "/usr/bin/python3")
    assert f"found Python {version[0]}.{version[1]} (/usr/bin/python3)" in message
    assert f"needs Python {RANGE_TEXT}" in message
    assert "make lab PYTHON=python3.12" in message and "py -3.12" in message


def test_the_range_is_stated_the_same_everywhere():
    assert (course.MIN_PYTHON, course.MAX_PYTHON) == ((3, 11), (3, 14))
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11,<3.15"' in pyproject
    for version in ("3.11", "3.12", "3.13", "3.14"):
        assert f"Programming Language :: Python :: {version}" in pyproject
    for name in ("README.md", "Makefile", "environment.yml", ".ci/run", "requirements.txt"):
        assert RANGE_TEXT in (ROOT / name).read_text(encoding="utf-8"), f"{name} must say 'Python {RANGE_TEXT}'"
    assert "3.10 or newer" not in (ROOT / "README.md").read_text(encoding="utf-8")


def fake_venv(tmp_path: Path, version: str) -> Path:
    """A .venv whose python reports ``version`` (enough for the early check, which asks it)."""
    venv = tmp_path / "venv"
    python = course.venv_python(venv)
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\necho {version}\n")
    python.chmod(0o755)
    return venv


@pytest.mark.skipif(sys.platform == "win32", reason="the fake interpreter is a shell script")
def test_make_stops_at_once_on_an_unsupported_python(tmp_path):
    venv = fake_venv(tmp_path, "3 10")
    run = subprocess.run(["make", "-s", "check-python", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode != 0
    assert "found Python 3.10" in run.stderr and f"needs Python {RANGE_TEXT}" in run.stderr
    ok = subprocess.run(["make", "-s", "check-python", f"VENV={fake_venv(tmp_path / 'b', '3 13')}"], cwd=ROOT,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    missing = subprocess.run(["make", "-s", "check-python", "PYTHON=no-such-python3"], cwd=ROOT,
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "no-such-python3 not found" in missing.stdout


def test_make_targets_check_the_python_first():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "practice", "lint", "execute", "setup"):
        assert re.search(rf"^{target}: check-python\b", makefile, re.M), f"`make {target}` must check the Python"
    assert re.search(r"^test: lint\b", makefile, re.M)


def test_venv_failure_says_how_to_fix_it(tmp_path, monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SystemExit, match=r"apt install python3-venv"):
        course.create_venv(tmp_path / "venv")
    monkeypatch.undo()

    class Failed:
        returncode = 1

    monkeypatch.setattr(course.subprocess, "run", lambda *a, **k: Failed())
    (tmp_path / "half").mkdir()
    with pytest.raises(SystemExit, match=r"Creating .*half failed .*apt install python3-venv"):
        course.create_venv(tmp_path / "half")
    assert not (tmp_path / "half").exists(), "a half-made .venv must be removed"


# ---- where torch comes from ---------------------------------------------------------------------


@pytest.mark.parametrize(("system", "machine", "gpu", "expected"), [
    ("Linux", "x86_64", False, True), ("Linux", "x86_64", True, False), ("Linux", "aarch64", False, False),
    ("Darwin", "arm64", False, False), ("Windows", "AMD64", False, False),
])
def test_cpu_index_only_where_the_default_would_bring_cuda(system, machine, gpu, expected):
    assert course.cpu_index_fits(system, machine, gpu) is expected


def test_torch_index_choices():
    up, down = (lambda url: True), (lambda url: False)
    assert course.torch_index({}, fits=True, probe=up)[0] == ["--extra-index-url", course.CPU_INDEX]
    options, why = course.torch_index({}, fits=True, probe=down)
    assert options == [] and "did not answer" in why and "TORCH_INDEX" in why
    assert course.torch_index({}, fits=False, probe=up)[0] == []
    assert course.torch_index({"TORCH_INDEX": "default"}, fits=True, probe=up)[0] == []
    assert course.torch_index({"TORCH_INDEX": "https://example.test/whl"}, fits=False, probe=down)[0] == [
        "--extra-index-url", "https://example.test/whl"]
    with pytest.raises(ValueError, match="TORCH_INDEX must be 'auto', 'default' or an index URL"):
        course.torch_index({"TORCH_INDEX": "cpu please"})


def test_probe_gives_up_quickly_and_sees_a_live_server():
    start = time.perf_counter()
    assert not course.reachable("https://no-such-host.invalid/simple", timeout=2)
    assert time.perf_counter() - start < 5, "an unreachable index must not hold the install up"
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert course.reachable(f"http://127.0.0.1:{server.getsockname()[1]}/", timeout=2)


# ---- Binder links: one slug, the README badge and every notebook's header agree ------------------


def test_readme_badge_and_notebook_launch_links_agree():
    slug = nbtools.repository_slug()
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", slug)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    binder_urls = set(re.findall(r"https://mybinder\.org/v2/gh/[^\s)]+", readme))
    assert binder_urls == {nbtools.binder_url()}, f"README's Binder links must be {nbtools.binder_url()}"
    for path in NOTEBOOKS:
        nb = nbtools.read(path)
        header = next(c for c in nb.cells if c.cell_type == "markdown")
        assert nbtools.launch_line(path) in header.source, f"{path.name}: run `python tools/nbtools.py links`"
        others = [u for c in nb.cells[1:] if c.cell_type == "markdown"
                  for u in re.findall(r"https://mybinder\.org/v2/gh/[^\s)]+", c.source)]
        assert not others, f"{path.name}: Binder links belong in the header cell only"


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|(?:href|src)=\"([^\"]+)\"")


def relative_links(text: str) -> list[str]:
    targets = [a or b for a, b in LINK.findall(text)]
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:|^#|^//", t, re.I)]


def test_link_finder_sees_markdown_and_html_links():
    text = '[a](../docs/glossary.md) [b](https://x.org) <img src="fig.png"> [c](#top) [d](01_x.ipynb#part)'
    assert relative_links(text) == ["../docs/glossary.md", "fig.png", "01_x.ipynb#part"]


@pytest.mark.parametrize("path", NOTEBOOKS + sorted((ROOT / "notebooks" / "vi").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_relative_link_resolves_from_the_notebook_folder(path):
    nb = nbtools.read(path)
    missing = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for target in relative_links(cell.source):
                if not (path.parent / target.split("#")[0]).exists():
                    missing.append(target)
    assert not missing, f"{path.name} links to files that do not exist (from {path.parent.name}/): {missing}"


# ---- Windows: line endings of the data ----------------------------------------------------------


def test_git_never_converts_the_data_files():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "data").iterdir() if p.is_file())
    out = subprocess.run(["git", "check-attr", "text", "--", *files], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    assert all(line.endswith(": text: unset") for line in out.stdout.splitlines()), out.stdout


@pytest.mark.parametrize(("name", "loader"), [("seattle-weather.csv", data.load_weather), ("co2.csv", data.load_co2)])
def test_a_crlf_copy_of_a_data_file_loads_the_same(tmp_path, name, loader):
    raw = (data.DATA_DIR / name).read_bytes()
    assert b"\r\n" not in raw
    crlf = tmp_path / name
    crlf.write_bytes(raw.replace(b"\n", b"\r\n"))
    assert data.sha256(crlf) != data.CHECKSUMS[name] and data.sha256(crlf, newlines="lf") == data.CHECKSUMS[name]
    got, expected = loader(crlf), loader()
    if isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected)
    else:
        pd.testing.assert_frame_equal(got, expected)
    altered = tmp_path / "altered" / name
    altered.parent.mkdir()
    altered.write_bytes(raw.replace(b"\n", b"\r\n", 1).replace(b"1", b"2", 1))
    with pytest.raises(ValueError, match="has been altered"):
        loader(altered)


def test_sha256_refuses_an_unknown_newline_mode():
    with pytest.raises(ValueError, match="newlines must be 'as-is' or 'lf'"):
        data.sha256(data.DATA_DIR / "co2.csv", newlines="crlf")


# ---- git stores notebooks stripped, whatever the learner saved ---------------------------------


def executed_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` as JupyterLab saves it after a run: outputs everywhere, counts, ids, widget state, cell metadata."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.nbformat_minor = 5
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        cell.metadata["execution"] = {"iopub.status.busy": "2026-11-29T00:00:00Z"}
        if cell.cell_type == "code":
            cell.execution_count = 100 + i
            if not nbtools.is_checked(cell):
                cell.outputs = [nbformat.v4.new_output("stream", text=f"learner output {i}\n")]
    return nb


def test_stripped_keeps_only_the_checked_outputs():
    original = nbtools.read(NOTEBOOKS[3])
    assert any(nbtools.is_checked(c) and c.outputs for c in original.cells)
    assert nbtools.dumps(nbtools.stripped(executed_copy(original))) == nbtools.dumps(original)


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo,
                          capture_output=True, text=True, check=True)


@pytest.mark.skipif(shutil.which("git") is None or sys.platform == "win32", reason="needs git and sh")
def test_git_filter_stores_what_the_stripped_check_expects(tmp_path):
    repo = tmp_path / "course"
    (repo / "tools").mkdir(parents=True)
    (repo / "notebooks").mkdir()
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    shutil.copy(ROOT / "tools" / "nbtools.py", repo / "tools" / "nbtools.py")
    git(repo, "init", "-q")
    # as tools/course.py configures it, with this interpreter in place of .venv's
    assert course.configure_git(repo)
    git(repo, "config", f"filter.{course.FILTER}.clean", course.filter_command(Path(sys.executable).as_posix()))
    original = nbtools.read(NOTEBOOKS[3])
    path = repo / "notebooks" / NOTEBOOKS[3].name
    nbformat.write(executed_copy(original), path)  # the learner ran and saved it
    assert nbtools.cmd_verify([path]) == 1, "untracked and unstripped: the check must fail"
    git(repo, "add", "-A")
    stored = git(repo, "show", f":notebooks/{path.name}").stdout
    assert stored == nbtools.dumps(original), "git must store the notebook stripped, checked outputs kept"
    assert nbtools.cmd_verify([path]) == 0, "the check reads what git stores, not the learner's file"
    assert "learner output" in path.read_text(), "the learner's own file keeps its outputs"
    assert git(repo, "status", "--porcelain").stdout.strip().startswith("A "), "nothing left to commit"
    # without the filter, git stores outputs and the check says so
    git(repo, "config", "--unset", f"filter.{course.FILTER}.clean")
    path.write_text(path.read_text() + " ")
    git(repo, "add", "-A")
    assert nbtools.cmd_verify([path]) == 1


def test_filter_leaves_the_file_alone_while_there_is_no_venv(tmp_path):
    if shutil.which("sh") is None:
        pytest.skip("needs sh")
    command = course.filter_command((tmp_path / "no-venv" / "python").as_posix())
    run = subprocess.run(["sh", "-c", command], input="{}", capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and run.stdout == "{}"


# ---- practice copies: made once, never overwritten without asking ----------------------------------


def test_practice_copies_keep_the_learners_work(tmp_path, capsys):
    out = tmp_path / "student"
    sources = NOTEBOOKS[:2]
    assert nbtools.cmd_student(sources, out) == 0
    first, second = (out / p.name for p in sources)
    fresh = first.read_text()
    nb = nbtools.read(first)
    nb.cells[1].source += "\n# my notes"
    nbtools.write(nb, first)
    mine = first.read_text()
    second.write_text(second.read_text().replace("# ", "#  ", 1))
    (out / nbtools.MANIFEST).write_text(json.dumps({first.name: json.loads((out / nbtools.MANIFEST).read_text())[
        first.name]}))  # the second copy has no record: treated as the learner's too
    assert nbtools.cmd_student(sources, out) == 0
    said = capsys.readouterr().out
    assert first.read_text() == mine and f"kept your copy {first}" in said and "--overwrite" in said
    assert "#  " in second.read_text(), "a copy with no record is the learner's: kept"
    # an untouched copy follows the course when it changes
    third = out / NOTEBOOKS[2].name
    nbtools.cmd_student([NOTEBOOKS[2]], out)
    third.write_text("stale course copy")
    manifest = json.loads((out / nbtools.MANIFEST).read_text())
    manifest[third.name] = nbtools.hashlib.sha256(b"stale course copy").hexdigest()
    (out / nbtools.MANIFEST).write_text(json.dumps(manifest))
    nbtools.cmd_student([NOTEBOOKS[2]], out)
    assert third.read_text() != "stale course copy"
    # only when asked
    assert nbtools.cmd_student(sources, out, overwrite=True) == 0
    assert first.read_text() == fresh


def test_practice_is_one_documented_command():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^practice: check-python \$\(STAMP\)\n\t@?\$\(PY\) tools/course\.py practice", makefile, re.M)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make practice" in readme and "course.py practice" in readme


# ---- the README's routes ---------------------------------------------------------------------------


def test_readme_gives_every_route():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 tools/course.py lab" in readme  # without make, Linux and macOS
    powershell = re.search(r"```powershell\n(.*?)```", readme, re.S)
    assert powershell and r"tools\course.py lab" in powershell.group(1), "README needs a PowerShell block"
    assert "TORCH_INDEX" in readme and "python3-venv" in readme
    # the course's install shows its progress: no -q on the setup's pip, which the Makefile's setup rule runs
    stamp_rule = re.search(r"^\$\(STAMP\):.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert "tools/course.py setup" in stamp_rule and " -q" not in stamp_rule
    source = inspect.getsource(course.pip)
    assert '"--progress-bar", "on"' in source and '"-q"' not in source and "--quiet" not in source


def test_course_script_runs_on_old_pythons():
    """`python3 tools/course.py check` must be able to say 'too old' on an old Python: no new syntax."""
    import ast

    tree = ast.parse((ROOT / "tools" / "course.py").read_text(), feature_version=(3, 7))
    assert not any(isinstance(node, ast.Match) for node in ast.walk(tree))


# ---- no package registry's host is named anywhere ---------------------------------------------------

REGISTRY_HOSTS = re.compile("|".join(re.escape(".".join(parts)) for parts in (
    ("pypi", "org"), ("pythonhosted", "org"), ("registry", "npmjs", "org"), ("npmjs", "com"), ("debian", "org"),
)), re.I)


def test_no_package_registry_host_in_the_repository():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    named = []
    for name in out.stdout.splitlines():
        path = ROOT / name
        if path.is_file() and path.stat().st_size < 5_000_000:
            text = path.read_bytes().decode("utf-8", errors="ignore")
            named += [f"{name}: {m.group(0)}" for m in REGISTRY_HOSTS.finditer(text)]
    assert not named, f"name no package registry's host in the repository: {named}"
