"""The glossary and the instructor guide cover the course, and notebook 00 links to the glossary."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

CORE_TERMS = [
    "recurrent neural network", "hidden state", "shared weights", "feedback loop", "vanishing gradient",
    "exploding gradient", "gradient clipping", "long-term memory", "short-term memory", "forget gate", "input gate",
    "output gate", "reset gate", "update gate", "evenly sampled", "unevenly sampled", "single-step forecast",
    "iterated multi-step", "direct multi-step", "rolling-window cross-validation", "stacked RNN",
    "bidirectional RNN", "embedding", "vocabulary", "packed sequence", "persistence forecast",
]


def test_glossary_has_every_core_term_with_vietnamese():
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| English")]
    terms = {row.split("|")[1].strip().lower(): row for row in rows}
    for term in CORE_TERMS:
        hits = [row for name, row in terms.items() if term.lower() in name]
        assert hits, f"the glossary lacks {term!r}"
        vietnamese = hits[0].split("|")[2].strip()
        assert vietnamese and any(ord(ch) > 127 for ch in vietnamese), f"{term!r} has no Vietnamese term"


def test_notebook_00_links_the_glossary():
    nb = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text())
    assert any("../docs/glossary.md" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_instructor_guide_covers_every_notebook():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    for heading in ("One-day schedule", "Two half-days", "network"):
        assert heading.lower() in guide.lower()
    for path in NOTEBOOKS:
        assert path.name in guide, f"the instructor guide does not cover {path.name}"


def test_every_notebook_follows_the_template():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert text.lstrip().startswith("# "), f"{path.name}: first cell must be the title"
        for part in ("What you will learn", "What you need", "Time", "Recap"):
            assert part in text, f"{path.name} lacks '{part}'"
        assert len(re.findall(r"^#+ Exercise", text, re.M)) >= 2, f"{path.name} needs at least two exercises"
        number = int(path.name[:2])
        if number > 0:
            assert NOTEBOOKS[number - 1].name in text, f"{path.name} must link to the previous notebook"
        if number < len(NOTEBOOKS) - 1:
            assert NOTEBOOKS[number + 1].name in text, f"{path.name} must link to the next notebook"
