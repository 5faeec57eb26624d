"""The slide check measures what it should (run by `make test-browser`): it fails on a hand-made deck with a slide
that is too tall, one that is too wide and a buried heading, and a deck that tools/nbtools.py lays out from a small
notebook with a huge output, a wide output and a tall figure fits 1280x720."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import nbtools  # noqa: E402
import slides_in_browser as check  # noqa: E402


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser, page = check.browser_page(pw)
        yield page
        browser.close()


def test_the_check_reports_each_bad_slide_of_a_hand_made_deck(page, tmp_path):
    slides = check.measure_deck(page, check.bad_deck(tmp_path), tmp_path / "shots")
    assert [s["number"] for s in slides] == ["1", "2", "2.2", "3", "4"]
    by_number = {s["number"]: s for s in slides}
    assert by_number["1"]["height"] < check.HEIGHT and by_number["2.2"]["height"] < check.HEIGHT
    assert by_number["2"]["height"] > 1500  # the 1,500 px block and its heading
    found = check.problems(slides)
    assert len(found) == 3, found
    tall, wide, buried = found
    assert re.fullmatch(r"selftest\.slides\.html, slide 2, 'Too tall', 1[5-9]\d\d px tall \(the screen holds 720\)",
                        tall), tall
    assert "slide 3, 'Too wide'" in wide and "runs off the 1280 px slide" in wide
    assert "'Buried heading' is not the first thing on its slide ('Some text first.' is above it)" in buried
    assert len(list((tmp_path / "shots").glob("*.png"))) == 5
    summary = check.summary(slides)["selftest.slides.html"]
    assert summary == {"slides": 4, "sub-slides": 1, "overflows": 3, "tallest px": by_number["2"]["height"],
                       "tallest": "slide 2, Too tall"}


def test_a_laid_out_deck_with_huge_outputs_fits(page, tmp_path):
    assets = subprocess.run(["bash", str(nbtools.ROOT / "tools" / "web_assets.sh"), str(tmp_path)],
                            cwd=nbtools.ROOT, capture_output=True, text=True, check=True)
    figure = (nbtools.ROOT / "docs").glob("**/*.png")
    image = next(figure, None)
    outputs = [new_output("stream", name="stdout", text="".join(f"line {i} " + "word " * 40 + "\n"
                                                                for i in range(300)))]
    cells = [new_markdown_cell("# A deck\n\nWith a formula $\\sigma(z) = 1 / (1 + e^{-z})$."),
             new_code_cell("import numpy"), new_code_cell("numpy.random.seed(0)"),
             new_markdown_cell("## Long output\n\n" + "A paragraph of words. " * 60),
             new_code_cell("\n".join(f"print({i})" for i in range(14)), outputs=outputs),
             new_code_cell("x = 'a long line of code' * 2  # " + "and a long comment " * 12),
             new_markdown_cell("### Many lines\n\n" + "\n".join(f"- item {i}" for i in range(40)))]
    if image is not None:
        import base64

        data = base64.b64encode(image.read_bytes()).decode()
        cells.append(new_code_cell("show()", outputs=[new_output("display_data", data={"image/png": data})]))
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    deck = tmp_path / "tiny.slides.html"
    deck.write_text(nbtools.slides_html(nbformat.from_dict(nb), assets.stdout.split()[-1]), encoding="utf-8")
    slides = check.measure_deck(page, deck)
    assert check.problems(slides) == []
    assert len(slides) >= 4  # the title, the long output, the long list spread over sub-slides
    assert all(s["height"] <= check.HEIGHT for s in slides)
