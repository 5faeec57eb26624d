"""Maintenance of the course notebooks (for authors, not learners).

    python tools/nbtools.py verify  [NOTEBOOK ...]   # fail if a notebook, as git stores it, is not stripped
    python tools/nbtools.py strip   [NOTEBOOK ...]   # strip outputs, keeping check-tagged cells' outputs
    python tools/nbtools.py clean   < IN > OUT       # the same as a filter (git's clean filter, .gitattributes)
    python tools/nbtools.py execute [NOTEBOOK ...]   # re-run, then keep only check-tagged outputs
    python tools/nbtools.py student [--out student] [--overwrite]
                                                     # learner copies: solutions become stubs; copies the
                                                     # learner changed are kept unless --overwrite
    python tools/nbtools.py links   [NOTEBOOK ...]   # the Binder launch link in each notebook's header cell
    python tools/nbtools.py build [--html site] [--slides slides] [--static _static] [--reverse] [NOTEBOOK ...]
                                                     # run each in a fresh kernel; render HTML / slides

With no NOTEBOOK, every ``notebooks/*.ipynb`` is used; verify, strip, student and build also take the
Vietnamese edition, ``notebooks/vi/*.ipynb`` (built by ``tools/translate.py``), whose copies go to ``vi/``.
A check-tagged cell is one tagged ``nbval-check-output``: nbval compares its saved output with a fresh run, so
its output stays in git.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbstripout import strip_output

ROOT = Path(__file__).resolve().parent.parent
CHECK_TAG = "nbval-check-output"
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")


TRANSLATIONS = ("vi",)  # notebooks/vi/: the Vietnamese edition, built by tools/translate.py (make vi)


def notebooks(paths: list[str], translated: bool = False) -> list[Path]:
    """The given notebooks, or every English notebook (and, with ``translated``, every translated one after them)."""
    if paths:
        return [Path(p) for p in paths]
    english = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not translated:
        return english
    return english + [p for lang in TRANSLATIONS
                      for p in sorted((ROOT / "notebooks" / lang).glob("[0-9][0-9]_*.ipynb"))]


def language_of(path: Path) -> str:
    """"vi" for a notebook of the Vietnamese edition (in a folder named vi), else "en"."""
    return path.parent.name if path.parent.name in TRANSLATIONS else "en"


def edition_folder(path: Path) -> str:
    """Where a notebook's copies go under an output folder: "" for English, "vi/" for the Vietnamese edition."""
    lang = language_of(path)
    return "" if lang == "en" else f"{lang}/"


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` as git stores it: nbstripout's strip, keeping the outputs of check-tagged cells.

    The course's own rules on top: only ``tags``/``slideshow`` cell metadata and the kernel's name stay, cells have
    no ids (nbformat 4.4), and each checked cell has a stable execution count (its position among the code cells),
    because nbval skips a checked cell whose count is empty.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if is_checked(cell):
            cell.metadata["keep_output"] = True
    strip_output(nb, keep_output=False, keep_count=False, keep_id=False)
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEEP_NOTEBOOK_METADATA}
    if "language_info" in nb.metadata:
        nb.metadata["language_info"] = {"name": "python"}
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        if is_checked(cell):
            cell.execution_count = number
            for out in cell.outputs:
                if "execution_count" in out:
                    out["execution_count"] = number
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in ("tags", "slideshow")}
        cell.pop("id", None)
    nb.nbformat, nb.nbformat_minor = 4, 4
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb, version=4) + "\n"


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.write_bytes(dumps(nb).encode("utf-8"))  # LF line endings on every platform, as git stores them


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def stored_text(path: Path) -> str:
    """The notebook as git stores it (the index), or the file itself outside a git checkout or if untracked.

    A learner who runs and saves a notebook changes only the working file; git's filter strips it on `git add`.
    """
    try:
        out = subprocess.run(["git", "show", f":./{path.name}"], cwd=path.resolve().parent,
                             capture_output=True, check=False)
    except OSError:  # no git
        out = None
    if out is not None and out.returncode == 0:
        return out.stdout.decode("utf-8")
    return path.read_text(encoding="utf-8")


def cmd_verify(paths: list[Path]) -> int:
    bad = []
    for path in paths:
        text = stored_text(path)
        if dumps(stripped(nbformat.reads(text, as_version=4))) != text.replace("\r\n", "\n"):
            bad.append(path)
    for path in bad:
        print(f"not stripped: {path} as git stores it (run `python tools/nbtools.py strip {path}` and `git add` it, "
              "or `make execute`)")
    if not bad:
        print(f"{len(paths)} notebook(s) stripped as git stores them (check-tagged outputs kept).")
    return 1 if bad else 0


def cmd_strip(paths: list[Path]) -> int:
    for path in paths:
        write(stripped(read(path)), path)
    return 0


def cmd_clean() -> int:
    """git's clean filter: a notebook on stdin, stripped on stdout."""
    text = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(dumps(stripped(nbformat.reads(text, as_version=4))).encode("utf-8"))
    return 0


def cmd_execute(paths: list[Path], timeout: int = 600) -> int:
    for path in paths:
        start = time.perf_counter()
        write(stripped(run_notebook(read(path), path.parent, timeout)), path)
        print(f"executed {path} in {time.perf_counter() - start:.1f} s")
    return 0


# ---- Binder launch links ----------------------------------------------------------------------

LAUNCH_TEXT = "Run this notebook on Binder"


def repository_slug() -> str:
    """``owner/name`` of the course's GitHub repository, from pyproject.toml's ``[project.urls] Repository``."""
    import tomllib

    url = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    return url.removeprefix("https://github.com/").strip("/")


def binder_url(path: str = "notebooks/00_start_here.ipynb") -> str:
    """The Binder URL that builds the course and opens ``path`` (relative to the repository) in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{repository_slug()}/HEAD?urlpath=lab/tree/{path}"


def launch_line(path: Path) -> str:
    return f"[{LAUNCH_TEXT}]({binder_url('notebooks/' + path.name)}) (nothing to install; the first start takes a " \
        "few minutes)."


def cmd_links(paths: list[Path]) -> int:
    """Put (or refresh) the Binder launch link at the end of each notebook's first (header) cell."""
    for path in paths:
        nb = read(path)
        header = next(cell for cell in nb.cells if cell.cell_type == "markdown")
        lines = [line for line in header.source.rstrip().splitlines() if not line.startswith(f"[{LAUNCH_TEXT}]")]
        while lines and not lines[-1].strip():
            lines.pop()
        header.source = "\n".join([*lines, "", launch_line(path)])
        write(nb, path)
    return 0


# ---- learner copies ---------------------------------------------------------------------------

SOLUTION_TAG = "solution"
STUB = "# YOUR CODE HERE"


def _targets(src: str, node: ast.Assign | ast.AnnAssign) -> str:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    parts = []
    for target in targets:
        if isinstance(target, ast.Name):
            parts.append(target.id)
        elif isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
            parts.append(", ".join(e.id for e in target.elts))
        else:
            found = ast.get_source_segment(src, target)
            raise ValueError(f"a solution cell may assign only plain names; found {found!r}")
    first = targets[0]
    none = ", ".join(["None"] * len(first.elts)) if isinstance(first, ast.Tuple) else "None"
    return " = ".join(parts) + f" = {none}"


def stub_source(src: str) -> str:
    """The learner's version of a solution cell: each function keeps its signature and docstring and its body
    becomes ``raise NotImplementedError``; each assignment ``name = value`` becomes ``name = None``."""
    tree = ast.parse(src)
    lines = src.splitlines()
    out: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            body0 = node.body[0]
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            indent = " " * (node.col_offset + 4)
            is_doc = isinstance(body0, ast.Expr) and isinstance(getattr(body0, "value", None), ast.Constant) \
                and isinstance(body0.value.value, str)
            if body0.lineno == node.lineno:  # one-line function: def f(x): return x
                header = lines[start - 1 : node.lineno - 1] + [lines[node.lineno - 1][: body0.col_offset].rstrip()]
            else:
                header = lines[start - 1 : (body0.end_lineno if is_doc else body0.lineno - 1)]
            out += header + [indent + STUB, indent + "raise NotImplementedError", ""]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            out.append(f"{_targets(src, node)}  {STUB}")
        else:
            raise ValueError(
                f"a solution cell may hold only function definitions and assignments; line {node.lineno} is a "
                f"{type(node).__name__}: move it to another cell"
            )
    return "\n".join(out).rstrip() + "\n"


def student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A learner copy: solution cells stubbed, every output cleared, everything else unchanged."""
    nb = stripped(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = []
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            cell.source = stub_source(cell.source)
    return nb


MANIFEST = ".generated.json"  # in the learner's folder: the SHA-256 of each copy as it was written


def cmd_student(paths: list[Path], out: Path, overwrite: bool = False) -> int:
    """Write learner copies into ``out``, keeping every copy the learner has changed (unless ``overwrite``)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    written, kept = [], []
    for path in paths:
        key = edition_folder(path) + path.name  # English copies in out/, Vietnamese ones in out/vi/
        target, text = out / key, dumps(student_copy(read(path)))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if target.exists():
            current = hashlib.sha256(target.read_bytes()).hexdigest()
            if current == digest:
                manifest[key] = digest
                continue
            if current != manifest.get(key) and not overwrite:
                kept.append(target)  # the learner's work: never replaced silently
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        manifest[key] = digest
        written.append(target)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(written)} learner copies written to {out}/, {len(paths) - len(written) - len(kept)} already "
          f"up to date, {len(kept)} kept because you changed them.")
    for target in kept:
        print(f"  kept your copy {target}: to start it afresh, delete it (or rename it) and run this again, "
              "or run `python tools/nbtools.py student --overwrite` to replace every changed copy.")
    return 0


# ---- running, HTML reading copy and slides -----------------------------------------------------


def run_notebook(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600,
                 env: dict[str, str | None] | None = None) -> nbformat.NotebookNode:
    """Execute ``nb`` in place in a fresh kernel, headless (widgets run once and print what they would show).

    ``env`` sets (or, for ``None``, removes) environment variables for the kernel only.
    """
    from nbclient import NotebookClient

    def apply(values: dict[str, str | None]) -> None:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    changes = {"COURSE_HEADLESS": "1", **(env or {})}
    saved = {name: os.environ.get(name) for name in changes}
    apply(changes)  # the kernel inherits this process's environment
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        apply(saved)
    return nb


def title_of(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """The notebook's H1 title and the first paragraph after it."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            lines = cell.source.strip().splitlines()
            paragraph = next((line for line in lines[1:] if line.strip()), "")
            return lines[0][2:].strip(), paragraph.strip()
    return "Untitled", ""


# ---- slides: every slide fits a 1280x720 screen ------------------------------------------------------------------
# The decks are laid out for a 1280x720 screen (reveal.js width/height; the browser check in
# tests/browser/slides_in_browser.py measures them there). for_slides packs cells into a slide only while their
# estimated heights fit; SLIDE_CSS sets the fonts that the estimates assume and turns anything still too tall or too
# wide (a long output, a wide table) into a scroll box instead of cutting it.

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
SLIDE_BUDGET = 640       # px of estimated content per slide (the rest is margin and the estimates' slack)
TALL_CELL = 560          # px: an input or output taller than this scrolls inside its box (SLIDE_CSS)
TALL_SLIDE = 640         # px: a cell taller than a slide is alone on its sub-slide, at most this tall: its input
TALL_INPUT = 260         # shows at most this much, its outputs the rest of the height (both scroll)
TEXT_CHARS = 100         # characters of prose per line at the slides' Markdown font
# px per line, measured in Chromium on the course's decks (tests/browser/slides_in_browser.py)
LINE_PX = {"text": 31, "code": 24, "output": 24, "math": 58, "table": 34, "markdown code": 24}
CODE_PAD_PX = 28         # a code cell's input box: padding and border
OUTPUT_PAD_PX = 15
HEADING_PX = {1: 74, 2: 64, 3: 54}
BLOCK_GAP_PX = 14        # margin around a paragraph, list, formula or cell
IMAGE_WIDTH_PX = 1150    # images are scaled down to the slide's text width ...
IMAGE_HEIGHT_PX = 520    # ... and to at most this height (SLIDE_CSS)
HEADING = re.compile(r"^(#{1,3})\s+\S")
FENCE = re.compile(r"^\s*(```|~~~)")

SLIDE_CSS = f"""<style>
.reveal .slides section {{ padding: 0; }}
.reveal .slides {{ text-align: left; }}
.reveal .jp-RenderedMarkdown {{ font-size: 23px; line-height: 1.35; }}
.reveal .jp-RenderedMarkdown p, .reveal .jp-RenderedMarkdown ul, .reveal .jp-RenderedMarkdown ol {{
  margin: 0 0 8px 0; }}
.reveal .jp-RenderedMarkdown li {{ margin: 0; }}
.reveal .jp-RenderedMarkdown h1 {{ font-size: 40px; margin: 0 0 14px 0; }}
.reveal .jp-RenderedMarkdown h2 {{ font-size: 34px; margin: 0 0 12px 0; }}
.reveal .jp-RenderedMarkdown h3 {{ font-size: 28px; margin: 0 0 10px 0; }}
.reveal .jp-RenderedMarkdown table {{ font-size: 18px; }}
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt {{ display: none; }}
.reveal .jp-Cell {{ padding: 2px 0; }}
.reveal .jp-InputArea-editor, .reveal .jp-OutputArea-output {{ max-width: 100%; }}
.reveal .jp-InputArea pre {{ font-size: 16px; line-height: 1.3; white-space: pre; overflow: auto;
  max-height: {TALL_CELL}px; }}
.reveal .jp-OutputArea-output pre {{ font-size: 15px; line-height: 1.25; white-space: pre; overflow-wrap: normal;
  word-break: normal; overflow-x: auto; }}
.reveal .jp-OutputArea {{ max-height: {TALL_CELL}px; overflow: auto; }}
.reveal .jp-OutputArea-output {{ overflow-x: auto; }}
.reveal .jp-OutputArea-output.jp-RenderedHTMLCommon {{ font-size: 16px; }}
.reveal section img {{ max-width: 100%; max-height: {IMAGE_HEIGHT_PX}px; width: auto; height: auto; margin: 0; }}
.reveal .jp-RenderedMarkdown pre {{ font-size: 16px; white-space: pre; overflow: auto; }}
.reveal .MJX_Assistive_MathML {{ display: none !important; }}
.reveal .celltag_slides-tall {{ display: flex; flex-direction: column; max-height: {TALL_SLIDE}px; }}
.reveal .celltag_slides-tall .jp-Cell-inputWrapper {{ flex: 0 0 auto; }}
.reveal .celltag_slides-tall .jp-InputArea pre {{ max-height: {TALL_INPUT}px; }}
.reveal .celltag_slides-tall .jp-Cell-outputWrapper {{ flex: 0 1 auto; min-height: 0; overflow: auto; }}
.reveal .celltag_slides-tall .jp-OutputArea {{ max-height: none; overflow: visible; }}
</style>"""


def _after(line: str, fence: bool, math: bool) -> tuple[bool, bool]:
    """Whether we are inside a code fence and inside a ``$$`` formula after Markdown ``line``."""
    if FENCE.match(line):
        return not fence, math
    return fence, math ^ (not fence and line.count("$$") % 2 == 1)


def markdown_blocks(source: str) -> list[str]:
    """``source`` cut at every heading and every paragraph break that is safe to cut at.

    Never inside a code fence, a ``$$`` formula or an HTML block, and never before an indented line (a list item's
    second paragraph, which would otherwise turn into code).
    """
    blocks: list[list[str]] = [[]]
    fence = math = False
    html_depth = 0
    lines = source.splitlines()
    for index, line in enumerate(lines):
        inside = fence or math or html_depth > 0
        if not inside and HEADING.match(line) and any(part.strip() for part in blocks[-1]):
            blocks.append([])
        blocks[-1].append(line)
        fence, math = _after(line, fence, math)
        if not fence and not FENCE.match(line):
            html_depth += len(re.findall(r"<(details|div|table|ul|ol)\b", line, re.I))
            html_depth -= len(re.findall(r"</(details|div|table|ul|ol)>", line, re.I))
            html_depth = max(html_depth, 0)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (not line.strip() and not (fence or math or html_depth) and following.strip()
                and not following.startswith((" ", "\t")) and any(part.strip() for part in blocks[-1])):
            blocks.append([])
    return ["\n".join(block).strip("\n") for block in blocks if any(part.strip() for part in block)]


def fitting_pieces(block: str, budget: int = SLIDE_BUDGET) -> list[str]:
    """``block`` (one from markdown_blocks) cut into pieces that each fit ``budget``: a long list between its
    items, a long paragraph between its lines; never inside a code fence or a ``$$`` formula."""
    if markdown_height(block) <= budget:
        return [block]
    pieces: list[list[str]] = [[]]
    fence = math = False
    for line in block.splitlines():
        can_cut = not (fence or math) and pieces[-1] and not line.startswith((" ", "\t"))
        if can_cut and markdown_height("\n".join([*pieces[-1], line])) > budget:
            pieces.append([])
        pieces[-1].append(line)
        fence, math = _after(line, fence, math)
    return ["\n".join(piece) for piece in pieces]


def heading_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Markdown headings that do not start their cell: each section must open a slide (for_slides splits the cell,
    but the notebook should start a new Markdown cell with the heading)."""
    problems = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "markdown":
            continue
        for block in markdown_blocks(cell.source)[1:]:
            if HEADING.match(block):
                problems.append(f"cell {number}: the heading {block.splitlines()[0]!r} is in the middle of a Markdown "
                                "cell; start a new Markdown cell with it so that it opens a slide")
    return problems


MARKUP = [(re.compile(r"\]\([^)]*\)"), "]"), (re.compile(r"\*\*|<[^>]+>"), ""),
          (re.compile(r"\$([^$]+)\$"), lambda m: "x" * (len(m.group(1)) // 2))]


def _wrapped_lines(text: str, width: int) -> int:
    """Lines that ``text`` takes on a slide, at ``width`` characters a line, counting what shows (no link targets,
    no markup; an inline formula shows about half as many characters as its TeX)."""
    for pattern, repl in MARKUP:
        text = pattern.sub(repl, text)
    return sum(max(1, -(-len(line) // width)) for line in text.splitlines()) if text else 0


LIST_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s")


def markdown_height(text: str) -> int:
    """Estimated height in px of a Markdown block on a slide (SLIDE_CSS's fonts): paragraphs and list items reflow
    to TEXT_CHARS a line; formulas, tables, images and code have their own heights."""
    heading = HEADING.match(text)
    height = BLOCK_GAP_PX
    lines = text.splitlines()
    if heading:
        height += HEADING_PX[len(heading.group(1))] * max(1, -(-len(lines[0]) // 60))
        lines = lines[1:]
    paragraph: list[str] = []

    def flush() -> int:
        joined = " ".join(paragraph)
        paragraph.clear()
        return (LINE_PX["text"] + (3 if "$" in joined else 0)) * _wrapped_lines(joined, TEXT_CHARS)

    math = fence = False
    for line in lines:
        stripped = line.strip()
        if FENCE.match(line):
            height += flush() + 4
            fence = not fence
        elif fence:
            height += LINE_PX["markdown code"]
        elif stripped.startswith("$$") or math:
            height += flush()
            if stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) > 2:
                height += LINE_PX["math"]
            elif stripped.startswith("$$") or stripped.endswith("$$"):
                math = not math if stripped.count("$$") == 1 else math
                height += LINE_PX["math"] // 2
            else:
                height += LINE_PX["math"] * 2 // 3
        elif stripped.startswith("|"):
            height += flush() + (0 if set(stripped) <= set("|-: ") else LINE_PX["table"])
        elif stripped.startswith(("<img", "![")):
            height += flush() + IMAGE_HEIGHT_PX // 2
        elif not stripped:
            height += flush() + (8 if paragraph else 0)
        else:
            if LIST_ITEM.match(line):
                height += flush()
            paragraph.append(stripped)
    return int(height + flush())


def _png_size(data: str) -> tuple[int, int] | None:
    import base64

    head = base64.b64decode(data[:48] + "=" * (-len(data[:48]) % 4))
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def output_height(out: nbformat.NotebookNode) -> int:
    """Estimated height in px of one output on a slide."""
    data = out.get("data", {})
    if out.get("output_type") == "stream":
        return LINE_PX["output"] * len(out.get("text", "").rstrip("\n").splitlines()) + OUTPUT_PAD_PX
    if out.get("output_type") == "error":
        return LINE_PX["output"] * (len(out.get("traceback", [])) + 2)
    if "image/png" in data or "image/jpeg" in data:
        meta = out.get("metadata", {}).get("image/png", {})
        size = (meta.get("width"), meta.get("height")) if meta.get("height") else None
        size = size or (_png_size(data["image/png"]) if "image/png" in data else None) or (640, 480)
        width, height = size
        return int(min(IMAGE_HEIGHT_PX, height * min(1.0, IMAGE_WIDTH_PX / max(width, 1)))) + 10
    if "text/html" in data:
        rows = len(re.findall(r"<tr\b", data["text/html"], re.I))
        return (rows or 2) * LINE_PX["table"] + 20
    if "text/markdown" in data:
        return markdown_height(data["text/markdown"])
    if "text/plain" in data:
        return LINE_PX["output"] * len(data["text/plain"].splitlines()) + OUTPUT_PAD_PX
    return 0


def cell_height(cell: nbformat.NotebookNode) -> int:
    """Estimated height in px of a cell on a slide, input (unless removed) and outputs, scroll boxes capped."""
    if cell.cell_type == "markdown":
        return markdown_height(cell.source)
    height = BLOCK_GAP_PX
    if "remove_input" not in cell.metadata.get("tags", []):
        height += min(TALL_CELL, LINE_PX["code"] * (cell.source.count("\n") + 1) + CODE_PAD_PX)
    outputs = sum(output_height(out) for out in cell.get("outputs", []))
    return height + min(outputs, TALL_CELL + 40)


def for_slides(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook laid out as a reveal.js deck that fits a 1280x720 screen.

    A ``#``/``##`` heading opens a slide and a ``###`` heading a sub-slide (a Markdown cell is cut at each heading and,
    where it is too long, between paragraphs). Cells are packed into a slide while their estimated heights fit in
    ``SLIDE_BUDGET``; the cell that would overflow opens a new sub-slide. A cell taller than a whole slide gets the tag
    ``slides-tall``: alone on its sub-slide, its input and its outputs scroll in boxes that share the slide
    (SLIDE_CSS). Solutions, the first two code cells (imports and set-up), cells tagged ``slides-skip`` and cells
    the author made ``skip`` or ``notes`` (slideshow metadata) are left out; long code (over 15 lines) and cells
    tagged ``slides-output-only`` show their output only.
    """
    nb = copy.deepcopy(nb)
    cells: list[nbformat.NotebookNode] = []
    code_seen = 0
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        chosen = cell.metadata.get("slideshow", {}).get("slide_type")
        cell.metadata.pop("slideshow", None)
        if chosen in ("skip", "notes") or "slides-skip" in tags:  # the author's choice
            cell.metadata["slideshow"] = {"slide_type": "notes" if chosen == "notes" else "skip"}
            cells.append(cell)
            code_seen += cell.cell_type == "code"
            continue
        if cell.cell_type == "markdown":
            if not cell.source.strip():
                cell.metadata["slideshow"] = {"slide_type": "skip"}
                cells.append(cell)
            pieces = (piece for block in markdown_blocks(cell.source) for piece in fitting_pieces(block))
            for k, text in enumerate(pieces):
                piece = copy.deepcopy(cell)
                piece.source = text
                if "id" in cell:  # each piece of a cut cell gets its own id, derived from the cell's
                    piece.id = f"{cell.id[:58]}-{k}"
                cells.append(piece)
            continue
        if cell.cell_type == "code":
            code_seen += 1
            lines = cell.source.count("\n") + 1
            if code_seen <= 2 or SOLUTION_TAG in tags:
                cell.metadata["slideshow"] = {"slide_type": "skip"}
            elif lines > 15 or "slides-output-only" in tags:
                tags.add("remove_input")
                if not cell.get("outputs"):
                    cell.metadata["slideshow"] = {"slide_type": "skip"}
            cell.metadata["tags"] = sorted(tags)
        elif cell.cell_type == "raw":
            cell.metadata["slideshow"] = {"slide_type": "skip"}
        cells.append(cell)
    used = 0
    for cell in cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") in ("skip", "notes"):
            continue
        height = cell_height(cell)
        heading = HEADING.match(cell.source) if cell.cell_type == "markdown" else None
        if heading:
            kind = "slide" if len(heading.group(1)) <= 2 else "subslide"
            used = 0
        elif used and used + height > SLIDE_BUDGET:
            kind = "subslide"
            used = 0
        else:
            kind = "-"
        if height > SLIDE_BUDGET and cell.cell_type == "code":
            cell.metadata["tags"] = sorted({*cell.metadata.get("tags", []), "slides-tall"})
        used += height
        cell.metadata["slideshow"] = {"slide_type": kind}
    for cell in cells:
        cell.metadata.setdefault("slideshow", {"slide_type": "skip"})
    nb.cells = cells
    return nb


def slide_outline(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(slide type, first line) of each shown cell of a notebook laid out by ``for_slides``."""
    return [(cell.metadata["slideshow"]["slide_type"], cell.source.split("\n", 1)[0]) for cell in nb.cells
            if cell.metadata["slideshow"]["slide_type"] not in ("skip", "notes")]


def slides_html(nb: nbformat.NotebookNode, static: str | None = None) -> str:
    """The reveal.js deck of an executed notebook: laid out by ``for_slides``, 1280x720, loading nothing from other
    hosts when ``static`` (tools/web_assets.sh) is given."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    config.TagRemovePreprocessor.enabled = True
    exporter = SlidesExporter(config=config, reveal_width=str(SLIDE_WIDTH), reveal_height=str(SLIDE_HEIGHT),
                              reveal_transition="slide", **web_urls(static))
    if static:
        exporter.reveal_url_prefix = f"{static}/reveal.js"
    body, _ = exporter.from_notebook_node(for_slides(nb))
    # our fonts and scroll boxes, after the theme; reveal's theme also unhides MathJax's copy for screen readers,
    # so every formula would show twice (SLIDE_CSS hides it)
    body = body.replace("</head>", SLIDE_CSS + "</head>", 1)
    # top-aligned slides (a centred slide that overflows loses its top), and Reveal reachable for the check
    body = body.replace("Reveal.initialize({", "window.Reveal = Reveal;\n        Reveal.initialize({\n"
                        "            center: false, margin: 0.04, minScale: 0.2, maxScale: 2.0,", 1)
    return local_only(NOTEBOOK_LINK.sub(r'href="\1.slides.html', body))


INDEX_TEXT = {  # the index page of each edition
    "en": ("RNN, LSTM and GRU: the course", "Recurrent neural networks, runnable: RNN, LSTM and GRU",
           "The reading copy of the course: every notebook executed and rendered, in course order. To run them "
           "yourself, see the course's README (<code>make lab</code>).", "slides"),
    "vi": ("RNN, LSTM và GRU: khóa học", "Mạng nơ-ron hồi tiếp, chạy được: RNN, LSTM và GRU",
           "Bản đọc của khóa học: mọi notebook đã được chạy và hiển thị, theo thứ tự của khóa học. Để tự chạy chúng, "
           "xem README.vi.md của khóa học (<code>make lab-vi</code>).", "trang chiếu"),
}
SWITCH_CSS = ("position:fixed;top:0.4rem;right:0.8rem;z-index:1000;font:14px system-ui,sans-serif;"
              "background:#fff;border:1px solid #ccc;border-radius:4px;padding:2px 8px")


def language_switch(page: str, lang: str) -> str:
    """A link from a page (or index) of one edition to the same page of the other: English <-> Tiếng Việt."""
    if lang == "en":
        href, label, other = f"vi/{page}", "Tiếng Việt", "vi"
    else:
        href, label, other = f"../{page}", "English", "en"
    return (f'<nav class="course-language" style="{SWITCH_CSS}"><a href="{href}" hreflang="{other}" '
            f'lang="{other}">{label}</a></nav>')


def with_language(body: str, page: str, lang: str) -> str:
    """``body`` (an HTML page) marked as being in ``lang``, with the language switch at the top of the page."""
    body = re.sub(r"<html\b[^>]*>", f'<html lang="{lang}">', body, count=1)
    return re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + language_switch(page, lang), body, count=1)


def write_index(entries: list[tuple[str, str, str, str]], out: Path, pages: bool, decks: bool,
                lang: str = "en") -> None:
    """An index of the notebooks in course order, linking the pages and/or slide decks that ``out`` holds."""
    head, title, intro, slides = INDEX_TEXT[lang]
    rows = []
    for name, heading, blurb, _ in entries:
        link = f'<a href="{name}.html">{html.escape(heading)}</a>' if pages else html.escape(heading)
        deck = f' · <a href="{name}.slides.html">{slides}</a>' if decks else ""
        rows.append(f"<li>{link}{deck}<br><small>{html.escape(blurb)}</small></li>")
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{head}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
li{{margin:0.8rem 0}} small{{color:#555}}</style></head><body>
<h1>{title}</h1>
<p>{intro}</p>
<ol start="0">
{chr(10).join(rows)}
</ol></body></html>
"""
    (out / "index.html").write_text(with_language(page, "index.html", lang), encoding="utf-8")


# What a page would fetch from another host: scripts, style sheets, fonts (links in the text are fine).
EXTERNAL = re.compile(
    r"""<(?:script|img|iframe)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//"""
    r"""|\bimport\s*\(\s*["'](?:https?:)?//|\bfrom\s+["'](?:https?:)?//"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//"""
    r"""|["'](?:https?:)?//[^"'\s]+\.(?:m?js|css|woff2?|ttf)(?:[?#][^"']*)?["']""",
    re.I,
)
# nbconvert's mermaid loader (an ES module importing from a CDN); the course draws no mermaid diagrams
REMOTE_MODULE = re.compile(
    r"""<script\b(?:(?!</script>).)*?(?:\bimport\s*\(\s*|\bfrom\s+)["'](?:https?:)?//(?:(?!</script>).)*?</script>""",
    re.S,
)


def external_urls(page: str) -> list[str]:
    """The places where ``page`` loads something from another host (empty for a page that works offline)."""
    return [page[max(0, m.start() - 40): m.end() + 60] for m in EXTERNAL.finditer(page)]


def local_only(page: str) -> str:
    """``page`` without the loaders that fetch from CDNs what the course does not use (mermaid)."""
    return REMOTE_MODULE.sub("", page)


NOTEBOOK_LINK = re.compile(r'href="(\d\d_[A-Za-z0-9_]+)\.ipynb')


def web_urls(static: str | None) -> dict[str, str]:
    """Exporter settings that load the pages' JavaScript from a local folder (see tools/web_assets.sh)."""
    if not static:
        return {}
    return {
        "require_js_url": f"{static}/require.js",
        "jquery_url": f"{static}/jquery.min.js",
        "mathjax_url": f"{static}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    }


def cmd_build(paths: list[Path], html_dir: Path | None, slides_dir: Path | None, reverse: bool,
              static: str | None = None) -> int:
    """Run each notebook in a fresh kernel and render it: English pages in ``html_dir``, Vietnamese ones in
    ``html_dir/vi`` (each page links to its twin), and the same for the slide decks."""
    from nbconvert import HTMLExporter

    entries: dict[str, list[tuple[str, str, str, str]]] = {}
    timings: dict[str, dict[str, float]] = {}
    for path in (reversed(paths) if reverse else paths):
        lang, folder = language_of(path), edition_folder(path)
        shared = static if not static or not folder or re.match(r"^(/|[a-z]+:)", static) else f"../{static}"
        nb = read(path)
        start = time.perf_counter()
        run_notebook(nb, path.parent)
        seconds = round(time.perf_counter() - start, 1)
        timings.setdefault(folder, {})[path.stem] = seconds
        print(f"ran {folder}{path.name} in {seconds} s", flush=True)
        nb.metadata.pop("widgets", None)  # headless runs show no live widgets: no widget loader from a CDN
        title, blurb = title_of(nb)
        entries.setdefault(folder, []).append((path.stem, title, blurb, path.name))
        if html_dir is not None:
            (html_dir / folder).mkdir(parents=True, exist_ok=True)
            body, _ = HTMLExporter(template_name="lab", **web_urls(shared)).from_notebook_node(nb)
            body = local_only(NOTEBOOK_LINK.sub(r'href="\1.html', body))  # links between notebooks: the pages
            body = with_language(body, f"{path.stem}.html", lang)
            (html_dir / folder / f"{path.stem}.html").write_text(body, encoding="utf-8")
        if slides_dir is not None:
            (slides_dir / folder).mkdir(parents=True, exist_ok=True)
            for problem in heading_problems(nb):
                print(f"  slides: {folder}{path.name}, {problem}", flush=True)
            (slides_dir / folder / f"{path.stem}.slides.html").write_text(slides_html(nb, shared), encoding="utf-8")
    for folder, rows in entries.items():
        lang = folder.strip("/") or "en"
        for out in (html_dir, slides_dir):
            if out is not None:
                write_index(sorted(rows), out / folder, pages=out == html_dir, decks=out == slides_dir, lang=lang)
                (out / folder / "timings.json").write_text(json.dumps(timings[folder], indent=2) + "\n",
                                                           encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["verify", "strip", "clean", "execute", "student", "build", "links"])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="student: the output folder")
    parser.add_argument("--overwrite", action="store_true",
                        help="student: also replace learner copies that were changed since they were written")
    parser.add_argument("--html", type=Path, help="build: write the HTML reading copy here")
    parser.add_argument("--slides", type=Path, help="build: write reveal.js slide decks here")
    parser.add_argument("--static", help="build: a folder, relative to the pages, holding reveal.js, require.js, "
                        "jQuery and MathJax (tools/web_assets.sh); without it the pages load them from CDNs")
    parser.add_argument("--reverse", action="store_true", help="build: run the notebooks in reverse order")
    args = parser.parse_args(argv)
    paths = notebooks(args.notebooks, translated=args.command in ("verify", "strip", "student", "build"))
    if args.command == "student":
        return cmd_student(paths, args.out, args.overwrite)
    if args.command == "clean":
        return cmd_clean()
    if args.command == "build":
        return cmd_build(paths, args.html, args.slides, args.reverse, args.static)
    return {"verify": cmd_verify, "strip": cmd_strip, "execute": cmd_execute, "links": cmd_links}[args.command](paths)


if __name__ == "__main__":
    sys.exit(main())
