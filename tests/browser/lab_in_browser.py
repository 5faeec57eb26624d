"""Run every numbered notebook, English and Vietnamese, in JupyterLab in a real browser, as a learner does
(``make test-browser``).

It starts the course with ``make lab`` (the README's command: same server, same root, as root too, no headless
switch), drives Debian's Chromium with Playwright, and for each notebook: opens it by URL, runs Run > Run All
Cells, waits for the kernel, then checks that no cell shows an error, every code cell ran, the number of images
equals what the same notebook draws headless (a nbclient run at test time, in a second process), and every
widget cell shows exactly one widget. Each widget is then moved through the browser and its output must change
as it should (in the English run; the Vietnamese notebooks have the same code, and 00's self-check must answer
in Vietnamese). Screenshots go to ``build/browser/``.

Before the course notebooks it checks itself on a deliberately broken notebook (a cell that shows a widget twice
and a cell that raises): the checks must report both, or the run fails.

    python tests/browser/lab_in_browser.py [--only 03 05] [--no-self-test]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "browser"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
RUN_TIMEOUT_S = 600
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class CheckFailed(AssertionError):
    pass


def log(msg: str) -> None:
    print(msg, flush=True)


# ---- the reference: the same notebook run headless by nbclient -----------------------------------------------


def reference(path: Path) -> dict[str, Any]:
    """Code cells, image outputs and widget-like cells of ``path`` run headless in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    saved = os.environ.get("COURSE_HEADLESS")
    os.environ["COURSE_HEADLESS"] = "1"  # the kernel inherits it
    start = time.perf_counter()
    try:
        NotebookClient(nb, timeout=RUN_TIMEOUT_S, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if saved is None:
            os.environ.pop("COURSE_HEADLESS")
        else:
            os.environ["COURSE_HEADLESS"] = saved
    images, errors, widget_cells = 0, 0, []
    code_index = -1
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code_index += 1
        for out in cell.outputs:
            if out.output_type == "error":
                errors += 1
            images += sum(1 for mime in out.get("data", {}) if mime.startswith("image/"))
        text = "".join(out.get("text", "") for out in cell.outputs)
        # A cell that would show a control in JupyterLab: it calls interact_or_print, or says it would.
        if "interact_or_print(" in cell.source and "def interact_or_print" not in cell.source \
                or "[headless]" in text:
            widget_cells.append(code_index)
    return {"code_cells": code_index + 1, "images": images, "errors": errors, "widget_cells": widget_cells,
            "seconds": round(time.perf_counter() - start, 1)}


def key(path: Path) -> str:
    """A notebook's name in the results: 03_lstm_internals, or vi/03_lstm_internals for the Vietnamese edition."""
    return f"{path.parent.name}/{path.stem}" if path.parent.name == "vi" else path.stem


def reference_main(paths: list[str], out_dir: str) -> int:
    for p in paths:
        result = reference(Path(p))
        tmp = Path(out_dir) / (key(Path(p)).replace("/", "_") + ".json.tmp")
        tmp.write_text(json.dumps(result))
        tmp.rename(tmp.with_suffix(""))
    return 0


def wait_reference(ref_dir: Path, stem: str, proc: subprocess.Popen) -> dict[str, Any]:
    path = ref_dir / f"{stem}.json"
    while not path.exists():
        if proc.poll() is not None and not path.exists():
            raise CheckFailed(f"the headless reference run stopped before {stem} (exit {proc.returncode})")
        time.sleep(0.5)
    return json.loads(path.read_text())


# ---- the server, started by `make lab` ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """``make lab`` on a free port, with a throw-away user-settings and workspaces folder."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        settings = tmp / "user-settings"
        # The test's own user settings: no autosave, so a test run never writes outputs into the notebooks.
        docmanager = settings / "@jupyterlab" / "docmanager-extension"
        docmanager.mkdir(parents=True)
        (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
        env = {k: v for k, v in os.environ.items() if k != "COURSE_HEADLESS"}
        env.update(JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"))
        self.log_path = OUT / "server.log"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={self.port}"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_url()
        self.base = f"http://127.0.0.1:{self.port}"
        match = re.search(r"token=(\w+)", self.url)
        self.token = match.group(1) if match else ""

    def _read(self) -> None:
        with open(self.log_path, "w", encoding="utf-8") as f:
            for line in self.proc.stdout:
                self.lines.append(line)
                f.write(line)
                f.flush()

    def _wait_url(self, timeout: float = 180) -> str:
        pattern = re.compile(rf"(http://127\.0\.0\.1:{self.port}/\S*\?token=\w+)")
        end = time.time() + timeout
        while time.time() < end:
            for line in list(self.lines):
                if m := pattern.search(line):
                    return m.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise CheckFailed(f"`make lab` printed no URL within {timeout:.0f} s; its output is in {self.log_path}:\n"
                          + "".join(self.lines[-20:]))

    def api(self, method: str, path: str) -> Any:
        import urllib.request

        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def course_settings(self) -> list[str]:
        """The course's overrides.json is in effect: the news pop-up is off (empty list: it is)."""
        schema = self.api("GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification")["schema"]
        news = schema["properties"]["fetchNews"]["default"]
        return [] if news == "false" else [f"JupyterLab would ask about Jupyter news (fetchNews {news!r}): "
                                           "jupyterlab-settings/overrides.json is not installed; run make setup"]

    def shutdown_kernels(self) -> None:
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # make and the server it started (their own process group)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def widgets_extension() -> None:
    """JupyterLab renders widgets only with jupyterlab_widgets' extension where it looks for extensions."""
    from jupyter_core.paths import jupyter_path

    dirs = [Path(p) / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager" for p in jupyter_path()]
    if not any(d.is_dir() for d in dirs):
        raise CheckFailed("JupyterLab would show widgets as text: jupyterlab_widgets' extension is in none of "
                          f"{[str(d.parent.parent) for d in dirs]}. Reinstall it into the environment: "
                          f"{sys.executable} -m pip install --force-reinstall --no-deps jupyterlab_widgets")


# ---- the browser -----------------------------------------------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    raise CheckFailed("Chromium is missing: install Debian's package (apt-get install chromium), then rerun.")


CELLS_JS = """
() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')].map(c => {
  const code = c.classList.contains('jp-CodeCell');
  const prompt = code ? (c.querySelector('.jp-InputArea-prompt')?.textContent || '') : '';
  const area = c.querySelector('.jp-Cell-outputArea');
  const top = area ? [...area.querySelectorAll(':scope > .jp-OutputArea-child > .jp-OutputArea-output')] : [];
  const all = area ? [...area.querySelectorAll('.jp-OutputArea-output')] : [];
  return {code, prompt: prompt.trim(),
          // a widget view that is not a tqdm progress bar (several bars in one cell are fine)
          widgets: top.filter(o => (o.dataset.mimeType === 'WIDGET_MIME'
                                    || o.querySelector(':scope > .jupyter-widgets'))
                              && !o.querySelector('.widget-hprogress, .widget-vprogress')).length,
          bars: top.filter(o => o.querySelector('.widget-hprogress, .widget-vprogress')).length,
          images: area ? area.querySelectorAll('.jp-RenderedImage').length : 0,
          errors: all.filter(o => o.dataset.mimeType === 'application/vnd.jupyter.error'
                                 || /Traceback \\(most recent call last\\)/.test(o.textContent)).length,
          text: area ? area.textContent.slice(0, 4000) : ''};
})
""".replace("WIDGET_MIME", WIDGET_MIME)


def cells(page) -> list[dict[str, Any]]:
    return page.evaluate(CELLS_JS)


def open_notebook(page, lab: Lab, rel: str) -> None:
    page.goto(f"{lab.base}/lab/tree/{rel}?token={lab.token}&reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    # The kernel is started and connected when the status bar says "Python 3 (ipykernel) | Idle".
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).first.wait_for(timeout=120_000)


def run_all(page) -> None:
    """Run > Run All Cells, from the menu bar, as a learner does."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def wait_done(page, timeout: float = RUN_TIMEOUT_S) -> None:
    """Wait until no cell is queued or running and the kernel is idle (twice, a moment apart)."""
    end = time.time() + timeout
    page.wait_for_function("() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
                           ".some(p => /\\[[*0-9]+\\]/.test(p.textContent))", timeout=30_000)
    calm = 0
    while time.time() < end:
        busy = page.evaluate("() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
                             ".some(p => p.textContent.includes('*'))"
                             " || !document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=\"idle\"]')")
        calm = 0 if busy else calm + 1
        if calm >= 3:
            return
        time.sleep(0.5)
    raise CheckFailed(f"Run All did not finish within {timeout:.0f} s")


def check_run(state: list[dict[str, Any]], ref: dict[str, Any]) -> list[str]:
    """What is wrong with the notebook after Run All, compared with its headless run (empty: nothing)."""
    problems = []
    code = [c for c in state if c["code"]]
    if len(code) != ref["code_cells"]:
        problems.append(f"{len(code)} code cells in the browser, {ref['code_cells']} in the file")
    for i, c in enumerate(code):
        if not re.fullmatch(r"\[\d+\]:", c["prompt"]):
            problems.append(f"code cell {i + 1} did not run (prompt {c['prompt']!r})")
        if c["errors"]:
            first = next((ln for ln in reversed(c["text"].splitlines()) if "Error" in ln), "")
            problems.append(f"code cell {i + 1} shows an error: {first.strip()[:200]}")
        if "Error displaying widget" in c["text"] or "Loading widget" in c["text"]:
            problems.append(f"code cell {i + 1}: a widget did not render ({c['text'][:80]!r})")
        if c["widgets"] > 1:
            problems.append(f"code cell {i + 1} shows {c['widgets']} widget views; each control must show once")
        if i in ref["widget_cells"] and c["widgets"] != 1:
            problems.append(f"code cell {i + 1} is a widget cell but shows {c['widgets']} widget views, not 1")
    images = sum(c["images"] for c in code)
    if images != ref["images"]:
        problems.append(f"{images} images in the browser, {ref['images']} when the notebook runs headless")
    return problems


def not_hidden(page) -> list[str]:
    """The notebook is what the learner sees: no dialog, no news toast, the first cell is on top at its centre."""
    problems = []
    if page.locator(".jp-Dialog").count():
        problems.append("a dialog covers the page: " + page.locator(".jp-Dialog").first.inner_text()[:200])
    toasts = page.locator(".Toastify__toast")
    for i in range(toasts.count()):
        text = toasts.nth(i).inner_text()
        if "news" in text.lower() or "update" in text.lower():
            problems.append(f"a notification covers the page: {text[:200]!r}")
    on_top = page.evaluate("""() => {
        const cell = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell');
        if (!cell) return false;
        const r = cell.getBoundingClientRect();
        const el = document.elementFromPoint(r.left + Math.min(r.width, 400) / 2, r.top + Math.min(r.height, 40) / 2);
        return !!(el && el.closest('.jp-Notebook'));
    }""")
    if not on_top:
        problems.append("something covers the notebook's first cell")
    return problems


# ---- widgets ---------------------------------------------------------------------------------------------------


def widget_cell(page, description: str):
    """The code cell whose widget has a control described ``description`` (its label)."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(description)}$")))
    if cell.count() != 1:
        raise CheckFailed(f"expected one cell with a control labelled {description!r}, found {cell.count()}")
    return cell


def control(cell, description: str):
    return cell.locator(".widget-inline-hbox, .widget-hbox").filter(
        has=cell.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(description)}$"))).first


def widget_output(cell) -> dict[str, Any]:
    out = cell.locator(".widget-output").first
    out.scroll_into_view_if_needed()  # content-visibility: an off-screen cell has no layout (nor innerText)
    imgs = out.locator("img")
    srcs = [imgs.nth(i).get_attribute("src") or "" for i in range(imgs.count())]
    return {"text": out.text_content() or "", "images": [hashlib.sha1(s.encode()).hexdigest()[:12] for s in srcs]}


def wait_changed(cell, before: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    end = time.time() + timeout
    while time.time() < end:
        time.sleep(0.5)
        now = widget_output(cell)
        # Changed, and redrawn as fully as before (the output is cleared first, then refilled).
        if now != before and len(now["images"]) >= len(before["images"]) \
                and (now["text"].strip() or not before["text"].strip()):
            time.sleep(1.0)  # let the redraw finish, then read it again
            return widget_output(cell)
    raise CheckFailed(f"the widget's output did not change within {timeout:.0f} s")


def move_slider(cell, description: str, key: str, presses: int = 1) -> str:
    """Focus the slider's handle and press ``key``; return the readout the browser then shows."""
    box = control(cell, description)
    handle = box.locator(".noUi-handle").first
    before = box.locator(".widget-readout").first.text_content()
    handle.focus()
    for _ in range(presses):
        handle.press(key)
    box.page.wait_for_timeout(300)
    after = box.locator(".widget-readout").first.text_content()
    if after == before:
        raise CheckFailed(f"pressing {key} on the slider {description!r} did not move it (still {before})")
    return after


def shoot(locator_or_page, name: str, shots: list[Path]) -> None:
    path = OUT / name
    locator_or_page.screenshot(path=str(path))
    shots.append(path)


def floats(pattern: str, text: str) -> float:
    m = re.search(pattern, text)
    if not m:
        raise CheckFailed(f"no {pattern!r} in the widget's output: {text[:300]!r}")
    return float(m.group(1))


def exercise_widgets(page, stem: str, shots: list[Path]) -> list[str]:
    """Move each control of notebook ``stem`` through the browser and check its output changes as it should."""
    done = []
    if stem.startswith("02_"):
        cell = widget_cell(page, "W_hh scale")
        before = widget_output(cell)
        shoot(cell, f"{stem}_widget_before.png", shots)
        largest = floats(r"RNN: reach \d+, largest ([0-9.e+-]+)", before["text"])
        shown = move_slider(cell, "W_hh scale", "Home")  # down to the smallest scale, 0.5
        after = wait_changed(cell, before)
        shoot(cell, f"{stem}_widget_after.png", shots)
        new_largest = floats(r"RNN: reach \d+, largest ([0-9.e+-]+)", after["text"])
        if not new_largest < largest / 100:
            raise CheckFailed(f"02: at scale {shown} the RNN's largest gradient should fall far below the "
                              f"{largest:.1e} of scale 4; shown {new_largest:.1e}")
        if len(after["images"]) != 1 or after["images"] == before["images"]:
            raise CheckFailed(f"02: the gradient plot should be redrawn once; images {before['images']} -> "
                              f"{after['images']}")
        done.append(f"02 slider W_hh scale 4.00 -> {shown}: RNN largest {largest:.1e} -> {new_largest:.1e}")
    elif stem.startswith("03_"):
        import numpy as np

        from course_utils import cells as lstm_cells
        from course_utils import memory_unit

        cell = widget_cell(page, "input x")
        before = widget_output(cell)
        shoot(cell, f"{stem}_widget_before.png", shots)
        c0 = floats(r"new c = ([+-][0-9.]+)", before["text"])
        if f"{c0:+.4f}" != "+2.9476":
            raise CheckFailed(f"03: the explorer should start at new c = +2.9476, it shows {c0:+.4f}")
        shown = move_slider(cell, "input x", "ArrowLeft", presses=4)  # x from 1.00 down by 4 steps of 0.05
        after = wait_changed(cell, before)
        shoot(cell, f"{stem}_widget_after.png", shots)
        x = float(shown)
        step = lstm_cells.lstm_step(np.array([x]), np.array([1.0]), np.array([2.0]), memory_unit.statquest_params())
        want = f"{float(step['c'][0]):+.4f}"
        got = f"{floats(r'new c = ([+-][0-9.]+)', after['text']):+.4f}"
        if got != want or got == "+2.9476":
            raise CheckFailed(f"03: at x = {shown} new c should be {want} (lstm_step), the explorer shows {got}")
        done.append(f"03 explorer input x 1.00 -> {shown}: new c +2.9476 -> {got} (lstm_step: {want})")
    elif stem.startswith(("05_", "06_")):
        label = "window p" if stem.startswith("05_") else None
        if label is None:  # 06: the first integer slider of the notebook, whatever it is called
            label = (page.locator(".jp-Notebook .widget-interact .widget-slider .widget-label").first
                     .text_content() or "").strip()  # textContent: an off-screen cell has no innerText
        cell = widget_cell(page, label)
        before = widget_output(cell)
        shoot(cell, f"{stem}_widget_before.png", shots)
        start = control(cell, label).locator(".widget-readout").first.text_content()
        shown = move_slider(cell, label, "ArrowLeft")
        after = wait_changed(cell, before)
        shoot(cell, f"{stem}_widget_after.png", shots)
        if len(after["images"]) != 1 or after["images"] == before["images"]:
            raise CheckFailed(f"{stem[:2]}: moving {label!r} should redraw its one plot; images "
                              f"{before['images']} -> {after['images']}")
        done.append(f"{stem[:2]} slider {label} {start} -> {shown}: plot redrawn (one image, new content)")
    elif stem.startswith("07_"):
        box = page.locator(".jp-Notebook .widget-text input").first
        if box.count() == 0:
            raise CheckFailed("07: no text box found")
        cell = page.locator(".jp-Notebook .jp-CodeCell").filter(has=page.locator(".widget-text"))
        before = widget_output(cell)
        shoot(cell, f"{stem}_widget_before.png", shots)
        sentence = "a dull , tedious and boring mess ."
        box.fill(sentence)
        box.press("Enter")
        after = wait_changed(cell, before)
        shoot(cell, f"{stem}_widget_after.png", shots)
        tokens = re.search(r"tokens:(.*)", after["text"])
        # Each word of the new sentence is a token (a word the vocabulary lacks shows as an unknown token).
        if not tokens or len(tokens.group(1).split()) != len(sentence.split()) or "dull" not in after["text"] \
                and "unk" not in after["text"]:
            raise CheckFailed(f"07: the output should show the new sentence's tokens; it shows {after['text']!r}")
        done.append(f"07 text box -> {sentence!r}: output now {' | '.join(after['text'].splitlines()[:2])}")
    return done


def check_glossary(page, lab: Lab, shots: list[Path]) -> str:
    link = page.locator(".jp-MarkdownCell a", has_text="glossary").first
    href = (link.get_attribute("href") or "").split("?")[0]
    link.click()
    tab = page.locator(".lm-TabBar-tabLabel", has_text="glossary.md")
    tab.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    if page.locator(".jp-Dialog").count():
        raise CheckFailed("the glossary link opened an error dialog: " + page.locator(".jp-Dialog").inner_text())
    body = page.locator(".lm-DockPanel-widget:not(.lm-mod-hidden)").last.inner_text()
    shoot(page, "00_glossary.png", shots)
    if "glossary" not in body.lower():
        raise CheckFailed(f"the glossary link ({href}) opened a tab without the glossary: {body[:200]!r}")
    return f"00 glossary link {href} opens glossary.md"


# ---- one notebook ----------------------------------------------------------------------------------------------


def test_notebook(context, lab: Lab, rel: str, ref: dict[str, Any], shots: list[Path],
                  widgets: bool = True) -> tuple[float, list[str], list[str]]:
    """Open, Run All, check. Returns (Run All seconds, problems, notes)."""
    stem = key(Path(rel)).replace("/", "_")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("dialog", lambda d: d.accept())
    try:
        open_notebook(page, lab, rel)
        problems = not_hidden(page)
        notes = []
        start = time.perf_counter()
        run_all(page)
        wait_done(page)
        seconds = time.perf_counter() - start
        log(f"     {stem}: Run All took {seconds:.1f} s in the browser")
        page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
        problems += [p for p in not_hidden(page) if p not in problems]  # toasts come seconds after loading
        shoot(page, f"{stem}_after_run_all.png", shots)
        problems += check_run(cells(page), ref)
        if rel.startswith("notebooks/vi/00_"):  # the kernel knows it runs the Vietnamese edition
            shown = " ".join(c["text"] for c in cells(page))  # textContent: also cells scrolled out of view
            if "Gợi ý:" in shown and "Hint:" not in shown:
                notes.append("vi/00: the self-check answers in Vietnamese in JupyterLab")
            else:
                problems.append("the self-check of vi/00 did not answer in Vietnamese (no 'Gợi ý:' in its outputs): "
                                "course_utils.i18n did not see that the notebook is in notebooks/vi")
        if widgets:
            try:
                notes += exercise_widgets(page, stem, shots)
                if stem.startswith("00_"):
                    notes.append(check_glossary(page, lab, shots))
            except Exception as e:  # a failed check or a Playwright time-out: this notebook's problem
                problems.append(f"{type(e).__name__}: {str(e)[:500]}")
        return seconds, problems, notes
    finally:
        page.close()
        lab.shutdown_kernels()


BROKEN = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# A broken copy, to test the browser test"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "import ipywidgets as widgets\nfrom IPython.display import display\n\n"
                   "slider = widgets.IntSlider(description='twice')\ndisplay(slider)\nslider"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "raise RuntimeError('a cell that fails')"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "print('after')"},
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def self_test(context, lab: Lab, shots: list[Path]) -> list[str]:
    """The checks must catch a widget shown twice and a cell that raises, on a broken copy."""
    path = OUT / "broken" / "99_broken.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    for i, cell in enumerate(BROKEN["cells"]):
        cell["id"] = f"broken-{i}"
    path.write_text(json.dumps(BROKEN, indent=1))
    ref = reference(path)  # headless: the widget cell would show a control; no images
    ref["widget_cells"] = [0]
    _, problems, _ = test_notebook(context, lab, path.relative_to(ROOT).as_posix(), ref, shots, widgets=False)
    caught = {"twice": any("2 widget views" in p for p in problems),
              "error": any("shows an error" in p and "RuntimeError" in p for p in problems),
              "not run": any("did not run" in p for p in problems)}
    missed = [k for k, ok in caught.items() if not ok]
    if missed:
        raise CheckFailed(f"self-test: the broken copy should fail on {missed}; the checks reported {problems}")
    return problems


# ---- main ------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=[], help="notebook numbers or name parts, e.g. 03 05")
    parser.add_argument("--no-self-test", action="store_true", help="skip the broken-copy check of the tester")
    parser.add_argument("--reference", nargs="+", help=argparse.SUPPRESS)  # internal: headless runs, then exit
    parser.add_argument("--reference-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reference:
        return reference_main(args.reference, args.reference_dir)

    from playwright.sync_api import sync_playwright

    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    notebooks += sorted((ROOT / "notebooks" / "vi").glob("[0-9][0-9]_*.ipynb"))  # the Vietnamese edition
    if args.only:
        notebooks = [p for p in notebooks if any(p.name.startswith(o) or o in p.name for o in args.only)]
    if not notebooks:
        log(f"no notebook matches {args.only}")
        return 2
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    tracked = {p: p.read_bytes() for p in notebooks}
    browser_path = chromium()
    widgets_extension()
    total_start = time.perf_counter()
    results, failures, shots = [], [], []
    with tempfile.TemporaryDirectory(prefix="course-browser-") as tmp_name:
        tmp = Path(tmp_name)
        ref_dir = tmp / "reference"
        ref_dir.mkdir()
        # The headless reference runs alongside, one notebook after another, in a second process.
        ref_proc = subprocess.Popen([sys.executable, __file__, "--reference", *map(str, notebooks),
                                     "--reference-dir", str(ref_dir)], cwd=ROOT,
                                    # one thread: it only counts cells and images, and leaves the CPUs to the browser
                                    env=os.environ | {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
                                    start_new_session=True)
        lab = None

        def stop_all(*_: Any) -> None:  # Ctrl-C or a CI time-out: stop the server, its kernels and the reference
            if lab:
                lab.stop()
            if ref_proc.poll() is None:
                os.killpg(ref_proc.pid, signal.SIGKILL)
            os._exit(130)

        signal.signal(signal.SIGINT, stop_all)
        signal.signal(signal.SIGTERM, stop_all)
        try:
            lab = Lab(tmp)
            log(f"JupyterLab started by `make lab` at {lab.base} (log: {lab.log_path.relative_to(ROOT)})")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=browser_path, headless=True, args=CHROMIUM_FLAGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                failures += lab.course_settings()
                if not args.no_self_test:
                    caught = self_test(context, lab, shots)
                    log("self-test: the broken copy fails as it should:\n  " + "\n  ".join(caught))
                for path in notebooks:
                    rel = path.relative_to(ROOT).as_posix()
                    try:
                        ref = wait_reference(ref_dir, key(path).replace("/", "_"), ref_proc)
                        # the Vietnamese edition has the same code: its widgets were moved in the English run
                        seconds, problems, notes = test_notebook(context, lab, rel, ref, shots,
                                                                 widgets=path.parent.name != "vi")
                    except CheckFailed as e:
                        seconds, problems, notes = float("nan"), [str(e)], []
                    except Exception as e:  # a Playwright time-out or similar: report it against this notebook
                        seconds, problems, notes = float("nan"), [f"{type(e).__name__}: {str(e)[:500]}"], []
                    status = "ok" if not problems else "FAIL"
                    log(f"{status:4} {key(path)}: Run All {seconds:.1f} s in the browser "
                        f"(headless reference {ref.get('seconds', float('nan'))} s, {ref.get('images')} images)")
                    for p in problems:
                        log(f"     - {p}")
                    for n in notes:
                        log(f"     widget: {n}")
                    results.append({"notebook": key(path), "run_all_s": round(seconds, 1), "problems": problems,
                                    "widgets": notes, "reference": ref})
                    failures += [f"{key(path)}: {p}" for p in problems]
                browser.close()
        except CheckFailed as e:
            failures.append(str(e))
        finally:
            if lab:
                lab.stop()
            if ref_proc.poll() is None:
                os.killpg(ref_proc.pid, signal.SIGKILL)
                ref_proc.wait(30)
    changed = [p for p, data in tracked.items() if p.read_bytes() != data]
    for p in changed:  # the test must leave the learner's notebooks as they were
        p.write_bytes(tracked[p])
        failures.append(f"{p.name} was modified during the run (restored)")
    total = time.perf_counter() - total_start
    (OUT / "results.json").write_text(json.dumps({"total_s": round(total, 1), "notebooks": results}, indent=1))
    log(f"Screenshots and results.json in {OUT.relative_to(ROOT)}/ ({len(shots)} screenshots); total {total:.0f} s")
    if failures:
        log(f"{len(failures)} problem(s):\n  " + "\n  ".join(failures))
        return 1
    log("Every notebook ran in JupyterLab in the browser without a problem.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
