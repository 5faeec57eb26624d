"""The slide decks' layout (tools/nbtools.py ``for_slides``), without a browser: every section heading opens a
slide, long cells are spread over sub-slides, solutions and set-up code stay out. ``make check-slides`` measures the
built decks in Chromium (tests/browser/slides_in_browser.py)."""

import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nbtools  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def notebook(*cells):
    return new_notebook(cells=list(cells))


def shown(nb):
    """(slide type, first line) of each cell that the deck shows."""
    return nbtools.slide_outline(nbtools.for_slides(nb))


def headings_open_slides(nb) -> list[str]:
    """The headings of ``for_slides(nb)`` that do not start a cell or do not open a slide or sub-slide."""
    bad = []
    for cell in nbtools.for_slides(nb).cells:
        if cell.cell_type != "markdown" or cell.metadata["slideshow"]["slide_type"] in ("skip", "notes"):
            continue
        blocks = nbtools.markdown_blocks(cell.source)
        bad += [block.splitlines()[0] for block in blocks[1:] if nbtools.HEADING.match(block)]
        if blocks and nbtools.HEADING.match(blocks[0]):
            level = len(nbtools.HEADING.match(blocks[0]).group(1))
            if cell.metadata["slideshow"]["slide_type"] != ("slide" if level <= 2 else "subslide"):
                bad.append(blocks[0].splitlines()[0])
    return bad


SETUP = [new_code_cell("import numpy as np"), new_code_cell("np.random.seed(0)")]


def test_headings_open_slides_and_subslides():
    nb = notebook(new_markdown_cell("# Title\n\nWhat this is."), *SETUP,
                  new_markdown_cell("## 1. A section\n\nSome text."), new_code_cell("x = 1\nprint(x)"),
                  new_markdown_cell("### Exercise 1\n\nDo it."))
    assert shown(nb) == [("slide", "# Title"), ("-", "What this is."), ("slide", "## 1. A section"),
                         ("-", "Some text."), ("-", "x = 1"), ("subslide", "### Exercise 1"), ("-", "Do it.")]


def test_a_heading_in_the_middle_of_a_cell_is_reported_and_still_opens_a_slide():
    nb = notebook(new_markdown_cell("## 3. Stages\n\nIntro.\n\n## 4. Stage 1, the forget gate\n\nText.\n"
                                    "### Exercise\nDo it."))
    problems = nbtools.heading_problems(nb)
    assert len(problems) == 2
    assert "cell 1" in problems[0] and "'## 4. Stage 1, the forget gate'" in problems[0]
    assert "start a new Markdown cell" in problems[0]
    assert "'### Exercise'" in problems[1]  # right under a line of text, without a blank line
    assert shown(nb) == [("slide", "## 3. Stages"), ("-", "Intro."), ("slide", "## 4. Stage 1, the forget gate"),
                         ("-", "Text."), ("subslide", "### Exercise")]
    assert headings_open_slides(nb) == []


def test_hashes_in_code_blocks_and_formulas_are_not_headings():
    text = "## A\n\n```python\n# a comment\n\nx = 1\n```\n\n$$\n# not a heading\n$$\n\n- item\n\n  # indented"
    nb = notebook(new_markdown_cell(text))
    assert nbtools.heading_problems(nb) == []
    assert nbtools.markdown_blocks(text) == ["## A", "```python\n# a comment\n\nx = 1\n```", "$$\n# not a heading\n$$",
                                             "- item\n\n  # indented"]


def test_a_long_markdown_cell_is_spread_over_sub_slides():
    paragraphs = [f"Paragraph {i}. " + "A sentence of plain words that fills the line. " * 8 for i in range(12)]
    nb = notebook(new_markdown_cell("## Long\n\n" + "\n\n".join(paragraphs)))
    out = shown(nb)
    assert out[0] == ("slide", "## Long")
    assert [first for _, first in out[1:]] == [p for p in paragraphs]  # every paragraph once, in order
    subslides = [kind for kind, _ in out].count("subslide")
    assert subslides >= 2
    # each slide's estimate fits
    heights = slide_heights(nbtools.for_slides(nb))
    assert max(heights) <= nbtools.SLIDE_BUDGET


def test_a_long_list_is_cut_between_its_items():
    items = [f"{i}. item {i}, " + "with words " * 12 for i in range(1, 41)]
    nb = notebook(new_markdown_cell("## A list\n\n" + "\n".join(items)))
    out = shown(nb)
    assert [kind for kind, _ in out].count("subslide") >= 2
    pieces = [c.source for c in nbtools.for_slides(nb).cells][1:]
    assert "\n".join(pieces) == "\n".join(items)  # cut between items only, every item kept, in order
    assert all(piece.split("\n")[0][0].isdigit() for piece in pieces)
    assert max(slide_heights(nbtools.for_slides(nb))) <= nbtools.SLIDE_BUDGET


def slide_heights(nb) -> list[int]:
    heights: list[int] = []
    for cell in nb.cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not heights:
            heights.append(0)
        heights[-1] += nbtools.cell_height(cell)
    return heights


def test_long_code_cells_open_sub_slides_and_a_huge_one_scrolls():
    body = "\n".join(f"y{i} = {i}" for i in range(14))
    printed = new_output("stream", name="stdout", text="".join(f"line {i}\n" for i in range(200)))
    nb = notebook(*SETUP, new_markdown_cell("## Code"), new_code_cell(body), new_code_cell(body),
                  new_code_cell(body), new_code_cell("print_everything()", outputs=[printed]))
    laid = nbtools.for_slides(nb)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in laid.cells if c.cell_type == "code"][2:]
    assert kinds[0] == "-" and "subslide" in kinds[1:3]  # three 14-line cells do not fit on one slide
    assert kinds[3] == "subslide"
    huge = laid.cells[-1]
    assert "slides-tall" in huge.metadata["tags"]  # its output scrolls in a smaller box (SLIDE_CSS)
    assert ".celltag_slides-tall" in nbtools.SLIDE_CSS
    assert max(slide_heights(laid)) <= nbtools.SLIDE_BUDGET + nbtools.TALL_CELL + 60


def test_solutions_setup_and_skip_tags_stay_out_and_long_code_shows_output_only():
    solution = new_code_cell("def f(x):\n    return x", metadata={"tags": ["solution"]})
    skipped = new_markdown_cell("Teacher's note.", metadata={"tags": ["slides-skip"]})
    long_code = new_code_cell("\n".join(f"a{i} = {i}" for i in range(20)) + "\nprint(a0)",
                              outputs=[new_output("stream", name="stdout", text="0\n")])
    output_only = new_code_cell("plot()", metadata={"tags": ["slides-output-only"]},
                                outputs=[new_output("stream", name="stdout", text="drawn\n")])
    nb = notebook(new_markdown_cell("# T"), *SETUP, solution, skipped, long_code, output_only,
                  new_code_cell("x = 1"))
    laid = nbtools.for_slides(nb)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in laid.cells]
    assert kinds[1:5] == ["skip"] * 4  # set-up, set-up, solution, slides-skip
    assert "remove_input" in laid.cells[5].metadata["tags"] and kinds[5] != "skip"
    assert "remove_input" in laid.cells[6].metadata["tags"] and kinds[6] != "skip"
    assert "remove_input" not in laid.cells[7].metadata.get("tags", []) and kinds[7] == "-"
    assert nb.cells[3].metadata == {"tags": ["solution"]}  # the notebook itself is not changed


def test_a_tall_figure_is_scaled_to_the_slide():
    import base64
    import struct
    import zlib

    def png(width, height):
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        chunk = b"IHDR" + header
        data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
        return base64.b64encode(data).decode()

    tall = new_output("display_data", data={"image/png": png(600, 3000), "text/plain": "<Figure>"})
    wide = new_output("display_data", data={"image/png": png(2300, 400), "text/plain": "<Figure>"})
    assert nbtools.output_height(tall) <= nbtools.IMAGE_HEIGHT_PX + 10  # max-height in SLIDE_CSS
    assert nbtools.output_height(wide) == 200 + 10  # scaled to the slide's width, half as tall
    assert f"max-height: {nbtools.IMAGE_HEIGHT_PX}px" in nbtools.SLIDE_CSS


def test_the_deck_is_configured_for_1280x720_and_scrolls_instead_of_cutting():
    css = nbtools.SLIDE_CSS
    assert "white-space: pre;" in css  # outputs keep their lines: no wrapping in the middle of a word
    assert "overflow-x: auto" in css and f"max-height: {nbtools.TALL_CELL}px" in css
    assert (nbtools.SLIDE_WIDTH, nbtools.SLIDE_HEIGHT) == (1280, 720)


@pytest.fixture(scope="module")
def real_notebooks():
    return {path.name: nbformat.read(path, as_version=4) for path in NOTEBOOKS}


@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_every_heading_of_the_course_opens_a_slide(real_notebooks, name):
    nb = real_notebooks[name]
    assert headings_open_slides(nb) == []
    # a heading in the middle of a cell: for_slides would cut the cell there, but the notebook must start a new cell
    assert nbtools.heading_problems(nb) == []
    laid = nbtools.for_slides(nb)
    shown_code = [c for c in laid.cells if c.cell_type == "code" and c.metadata["slideshow"]["slide_type"] != "skip"]
    assert all("solution" not in c.metadata.get("tags", []) for c in shown_code), "a solution would be on a slide"
    # a Markdown cell longer than a slide: the deck would spread it over sub-slides; split it at a paragraph break
    tall = [f"Markdown cell {number}: about {nbtools.markdown_height(cell.source)} px of {nbtools.SLIDE_BUDGET}"
            for number, cell in enumerate(nb.cells, start=1)
            if cell.cell_type == "markdown" and nbtools.markdown_height(cell.source) > nbtools.SLIDE_BUDGET]
    assert tall == [], f"{name}: split these cells at a paragraph break: {tall}"


@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_every_vietnamese_slide_fits(name):
    """The Vietnamese decks: the same headings open the same slides, and a Markdown cell that the longer Vietnamese
    text makes taller than a slide is spread over sub-slides that each fit (the English cells themselves fit)."""
    nb = nbformat.read(ROOT / "notebooks" / "vi" / name, as_version=4)
    assert headings_open_slides(nb) == [] and nbtools.heading_problems(nb) == []
    laid = nbtools.for_slides(nb)
    tall = [cell.source.split("\n", 1)[0][:60] for cell in laid.cells
            if cell.cell_type == "markdown" and nbtools.markdown_height(cell.source) > nbtools.SLIDE_BUDGET
            and len(nbtools.markdown_blocks(cell.source)) > 1]
    assert tall == [], f"vi/{name}: these slides do not fit; shorten the Vietnamese or split the English cell: {tall}"
