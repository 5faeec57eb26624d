"""What a workshop room needs: every notebook runs with the network cut, in reverse order, each from a fresh
kernel, writes nothing into the repository, and renders to the HTML reading copy and to slides."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def offline_prefix() -> list[str] | None:
    """A command prefix that runs a program in a new network namespace with only loopback up."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        return None
    for flags in (["-n"], ["-rn"]):  # as root; else in an unprivileged user namespace
        probe = subprocess.run(["unshare", *flags, "sh", "-c", "ip link set lo up"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", *flags, "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    return None


def untracked() -> set[str]:
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return set(out.splitlines())


@pytest.mark.skipif(offline_prefix() is None, reason="cannot cut the network here (needs unshare and ip)")
def test_notebooks_run_offline_in_reverse_order(tmp_path):
    prefix = offline_prefix()
    # the cut is real: nothing outside the machine can be reached
    probe = subprocess.run([*prefix, sys.executable, "-c",
                            "import socket; socket.create_connection(('pypi.org', 443), timeout=3)"],
                           capture_output=True, text=True)
    assert probe.returncode != 0
    before = untracked()
    site = tmp_path / "site"
    run = subprocess.run(
        [*prefix, sys.executable, str(ROOT / "tools" / "nbtools.py"), "build", "--reverse",
         "--html", str(site), "--slides", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=1500,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    order = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("ran ")]
    assert order == [p.name for p in reversed(NOTEBOOKS)]
    assert untracked() == before, "a notebook wrote files into the repository; write under a temporary folder"
    # the reading copy and the slides
    index = (site / "index.html").read_text()
    for path in NOTEBOOKS:
        assert f'href="{path.stem}.html"' in index
        page = (site / f"{path.stem}.html").read_text()
        assert page.count("jp-Cell") > 10, f"{path.stem}.html looks empty"
        assert not re.search(r'href="\d\d_\w+\.ipynb', page), "links between pages must point at .html files"
        deck = (site / f"{path.stem}.slides.html").read_text()
        assert "reveal" in deck.lower()
    plots = sum((site / f"{p.stem}.html").read_text().count("data:image/png") for p in NOTEBOOKS)
    assert plots >= len(NOTEBOOKS), "the reading copy should show the notebooks' plots"
    assert set(json.loads((site / "timings.json").read_text())) == {p.stem for p in NOTEBOOKS}


def test_index_links_only_what_the_folder_holds(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    import nbtools

    entries = [("03_lstm_internals", "03 · LSTM internals", "blurb", "03_lstm_internals.ipynb")]
    nbtools.write_index(entries, tmp_path, pages=False, decks=True)  # slides/ holds decks only
    index = (tmp_path / "index.html").read_text()
    assert 'href="03_lstm_internals.slides.html"' in index and 'href="03_lstm_internals.html"' not in index
    nbtools.write_index(entries, tmp_path, pages=True, decks=False)  # site/ holds pages only
    index = (tmp_path / "index.html").read_text()
    assert 'href="03_lstm_internals.html"' in index and ".slides.html" not in index
