"""What a workshop room needs: every notebook runs with the network cut, in reverse order, each from a fresh kernel,
writes nothing into the repository, and renders to the HTML reading copy and to slides that load nothing from
another host, each page linking to its twin in the other edition. tests/test_offline_vi.py does the same for the
Vietnamese edition (notebooks/vi, site/vi/), which runs only there: nbval runs the English notebooks."""

import errno
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
VIETNAMESE = [ROOT / "notebooks" / "vi" / p.name for p in NOTEBOOKS]


def offline_prefix() -> list[str] | None:
    """A command prefix that runs a program in a new network namespace with only loopback up."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        return None
    for flags in (["-n"], ["-rn"]):  # as root; else in an unprivileged user namespace
        probe = subprocess.run(["unshare", *flags, "sh", "-c", "ip link set lo up"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", *flags, "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    return None


def outside_address() -> str | None:
    """An address of this machine outside the new namespace (a non-loopback IPv4 address), if it has one."""
    out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout
    addresses = [line.split()[3].split("/")[0] for line in out.splitlines() if " lo " not in f" {line.split()[1]} "]
    return addresses[0] if addresses else None


def assert_network_cut(prefix: list[str]) -> None:
    """The namespace has only the loopback interface and no route, so nothing outside it can be reached."""
    links = subprocess.run([*prefix, "ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
    assert [line.split(":")[1].strip() for line in links.splitlines()] == ["lo"], links
    for family in ("-4", "-6"):
        routes = subprocess.run([*prefix, "ip", family, "route", "show"], capture_output=True, text=True).stdout
        assert routes.strip() == "", f"the namespace has routes: {routes}"
    address = outside_address()
    if address:  # this machine's own address, outside the namespace: unreachable from inside
        code = (f"import socket\ntry:\n socket.create_connection(({address!r}, 22), timeout=3)\n"
                "except OSError as e:\n print(e.errno)")
        probe = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True)
        assert probe.stdout.strip() == str(errno.ENETUNREACH), probe.stdout + probe.stderr


def untracked() -> set[str]:
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return set(out.splitlines())


HEADLESS_NOTE = "[headless] In JupyterLab you would move: {controls}. Showing the current values:"


def run_edition_offline(tmp_path: Path, lang: str) -> None:
    """Run one edition's notebooks (English: notebooks/, Vietnamese: notebooks/vi/) in reverse order with the network
    cut, render them, and check the reading copy and the slides. Each edition has its own test file, so that the
    two run side by side (pytest-xdist gives each file to one worker)."""
    paths = NOTEBOOKS if lang == "en" else VIETNAMESE
    folder_name = "" if lang == "en" else f"{lang}/"
    prefix = offline_prefix()
    assert_network_cut(prefix)  # the cut is real
    before = untracked()
    site = tmp_path / "site"
    # the pages' JavaScript, fetched once before the cut (as `make html` does), so they load nothing from elsewhere
    assets = subprocess.run(["bash", str(ROOT / "tools" / "web_assets.sh"), str(site)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    if assets.returncode != 0 and shutil.which("npm") is None:
        pytest.skip("npm is missing: cannot fetch the pages' JavaScript (tools/web_assets.sh)")
    assert assets.returncode == 0, assets.stderr[-2000:]
    run = subprocess.run(
        [*prefix, sys.executable, str(ROOT / "tools" / "nbtools.py"), "build", *map(str, paths), "--reverse",
         "--html", str(site), "--slides", str(site), *assets.stdout.split()],
        cwd=ROOT, capture_output=True, text=True, timeout=1500,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    order = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("ran ")]
    assert order == [f"{folder_name}{p.name}" for p in reversed(NOTEBOOKS)]
    assert untracked() == before, "a notebook wrote files into the repository; write under a temporary folder"
    # the reading copy and the slides, each page linking to its twin in the other edition
    folder, twin = (site, "vi/") if lang == "en" else (site / lang, "../")
    index = (folder / "index.html").read_text()
    assert f'href="{twin}index.html"' in index, "the index links to the other edition's"
    for path in NOTEBOOKS:
        assert f'href="{path.stem}.html"' in index
        page = (folder / f"{path.stem}.html").read_text()
        assert page.count("jp-Cell") > 10, f"{path.stem}.html looks empty"
        assert not re.search(r'href="\d\d_\w+\.ipynb', page), "links between pages must point at .html files"
        assert f'<html lang="{lang}">' in page and f'href="{twin}{path.stem}.html"' in page, "language switch"
        deck = (folder / f"{path.stem}.slides.html").read_text()
        assert "reveal" in deck.lower()
    # the course's own messages are in the edition's language (the kernel ran in the edition's folder): the
    # widgets' headless note, up to its first filled-in value
    note = HEADLESS_NOTE
    if lang != "en":
        import polib

        note = polib.pofile(str(ROOT / "i18n" / lang / "course_utils.po")).find(HEADLESS_NOTE).msgstr
        assert note and note != HEADLESS_NOTE
    assert html.escape(note.split("{")[0]) in (folder / "03_lstm_internals.html").read_text()
    # nothing is loaded from another host: scripts, style sheets and fonts all come from site/_static
    sys.path.insert(0, str(ROOT / "tools"))
    import nbtools

    for page in [*folder.glob("*.html"), *(site / "_static" / "reveal.js" / "dist").rglob("*.css")]:
        found = nbtools.external_urls(page.read_text(encoding="utf-8"))
        assert not found, f"{page.name} loads from another host: {found[:3]}"
    plots = sum((folder / f"{p.stem}.html").read_text().count("data:image/png") for p in NOTEBOOKS)
    assert plots >= len(NOTEBOOKS), "the reading copy should show the notebooks' plots"
    assert set(json.loads((folder / "timings.json").read_text())) == {p.stem for p in NOTEBOOKS}


@pytest.mark.skipif(offline_prefix() is None, reason="cannot cut the network here (needs unshare and ip)")
def test_notebooks_run_offline_in_reverse_order(tmp_path):
    run_edition_offline(tmp_path, "en")  # the Vietnamese edition: tests/test_offline_vi.py


def test_external_loads_are_found_and_cdn_modules_dropped():
    sys.path.insert(0, str(ROOT / "tools"))
    import nbtools

    page = """<link rel="stylesheet" href="https://fonts.example/css"><a href="https://doi.org/10.1/x">paper</a>
<script src="_static/require.js"></script><style>@import url(https://fonts.example/css?f=Lato);</style>
<script type="module">const m = await import("https://cdn.example/mermaid.mjs");</script>
<script>var widgetRendererSrc = 'https://cdn.example/@jupyter-widgets/html-manager@1/dist/embed-amd.js';</script>
<script type="module">
  import mermaid from 'https://cdn.example/mermaid.esm.min.mjs';
</script>"""
    found = nbtools.external_urls(page)
    assert len(found) == 5  # the style sheet, the font import, two module imports, the widget script
    assert "mermaid" not in nbtools.local_only(page) and "_static/require.js" in nbtools.local_only(page)
    assert nbtools.external_urls('<a href="https://doi.org/10.1/x">a reference</a> <script src="local.js">') == []


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
