"""The Vietnamese edition is in step with the English: every text translated and current, the built notebooks equal
to the build (English code, translated Markdown), and the language machinery (course_utils.i18n) right.

How a contributor keeps it so: CONTRIBUTING.md ("Translations"). tests/test_offline.py runs every Vietnamese
notebook once, with the reading copy and the slides.
"""

import json
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import polib
import pytest

from course_utils import checks, i18n, plots

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nbtools  # noqa: E402
import translate  # noqa: E402

ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
VIETNAMESE = [ROOT / "notebooks" / "vi" / p.name for p in ENGLISH]


@pytest.fixture
def english():
    """Every test that switches the language leaves it on automatic afterwards."""
    yield
    i18n.set_language(None)


# ---- the catalogs and the built notebooks --------------------------------------------------------------------------


def test_every_text_is_translated_current_and_built():
    problems = translate.problems()
    assert problems == [], "\n".join(problems[:30]) + (
        f"\n... and {len(problems) - 30} more" if len(problems) > 30 else "") + (
        "\nAfter an English edit: `make vi`, translate what it marks untranslated or fuzzy in i18n/vi/*.po "
        "(CONTRIBUTING.md, Translations), `make vi` again, and commit the catalogs and notebooks/vi/.")


def test_every_notebook_has_its_vietnamese_edition_and_nothing_else():
    assert sorted(p.name for p in (ROOT / "notebooks" / "vi").glob("*.ipynb")) == [p.name for p in ENGLISH]
    assert sorted(p.stem for p in (ROOT / "i18n" / "vi").glob("*.po")) == sorted(
        [p.stem for p in ENGLISH] + ["course_utils"])


@pytest.mark.parametrize("english_path", ENGLISH, ids=lambda p: p.stem)
def test_same_cells_same_code_translated_markdown(english_path):
    en = nbtools.read(english_path)
    vi = nbtools.read(ROOT / "notebooks" / "vi" / english_path.name)
    assert [c.cell_type for c in vi.cells] == [c.cell_type for c in en.cells], "the cells differ: run `make vi`"
    for number, (a, b) in enumerate(zip(en.cells, vi.cells, strict=True)):
        assert a.metadata == b.metadata, f"cell {number}: tags or slide settings differ"
        if a.cell_type == "code":
            assert (a.source, a.outputs, a.execution_count) == (b.source, b.outputs, b.execution_count), (
                f"code cell {number} differs from the English: the code is the English code (edit the English)")
        elif translate.WORD.search(translate.MATH.sub("", translate.CODE_SPAN.sub("", a.source))):
            assert a.source != b.source, f"Markdown cell {number} is still English"
    assert vi.metadata == en.metadata


def test_catalog_texts_keep_their_fields_and_end_the_same():
    for path in sorted((ROOT / "i18n" / "vi").glob("*.po")):
        for entry in polib.pofile(str(path)).translated_entries():
            if "python-brace-format" in entry.flags:
                fields = sorted(translate.FIELD.findall(entry.msgid))
                assert sorted(translate.FIELD.findall(entry.msgstr)) == fields, f"{path.name}: {entry.msgid!r}"
            assert entry.msgid.endswith("\n") == entry.msgstr.endswith("\n"), f"{path.name}: {entry.msgid[:60]!r}"


def test_the_fixed_terms_of_the_issue_are_used():
    texts = "\n".join(e.msgstr for p in (ROOT / "i18n" / "vi").glob("*.po") for e in polib.pofile(str(p)))
    assert "hồi tiếp" in texts
    assert not re.search(r"(?i)mạng nơ-ron hồi quy|đơn vị hồi quy|\bRNN hồi quy", texts), \
        "recurrent is 'hồi tiếp' ('hồi quy' means regression)"
    assert "phân cực câu" not in texts, "sentence polarity is 'cực tính (sắc thái) của câu'"
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert "mạng nơ-ron hồi tiếp" in glossary and "hồi tiếp có cổng" in glossary
    assert re.search(r"\| rolling-origin evaluation \| [^|]*gốc dự báo", glossary)
    assert "cực tính" in glossary and "phân cực câu" not in glossary


@pytest.mark.parametrize("path", VIETNAMESE, ids=lambda p: p.stem)
def test_vietnamese_template_and_links(path):
    nb = nbtools.read(path)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for part in ("Bạn sẽ học được gì", "Bạn cần gì trước", "Thời gian", "## Tóm tắt"):
        assert part in text, f"{path.name} lacks '{part}'"
    assert len(re.findall(r"^#+ Bài tập", text, re.M)) >= 2, f"{path.name}: its exercises are headed 'Bài tập'"
    assert nbtools.binder_url(f"notebooks/vi/{path.name}") in nb.cells[0].source, "the Binder link opens this copy"
    number = int(path.name[:2])
    for neighbour in (number - 1, number + 1):
        if 0 <= neighbour < len(ENGLISH):
            assert f"]({ENGLISH[neighbour].name})" in text, f"{path.name} must link to its Vietnamese neighbours"
    assert re.search(r"chạy trong khoảng \d+ giây", text), "the stated run time (`make bench` keeps it true)"


def test_00_of_each_edition_links_to_the_other():
    en = "\n".join(c.source for c in nbtools.read(ENGLISH[0]).cells if c.cell_type == "markdown")
    vi = "\n".join(c.source for c in nbtools.read(VIETNAMESE[0]).cells if c.cell_type == "markdown")
    assert "](vi/00_start_here.ipynb)" in en and "](../00_start_here.ipynb)" in vi


def test_readme_vi_has_the_two_commands_and_the_map():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](README.vi.md)" in readme, "README.md links to the Vietnamese README"
    vi = (ROOT / "README.vi.md").read_text(encoding="utf-8")
    assert "](README.md)" in vi
    for command in ("make lab", "make test", "make lab-vi"):
        assert command in vi
    for path in ENGLISH:
        assert f"](notebooks/vi/{path.name})" in vi, f"README.vi.md's map lacks {path.name}"
    assert nbtools.binder_url("notebooks/vi/00_start_here.ipynb") in vi


# ---- keeping in step: what an English edit does --------------------------------------------------------------------


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of notebook 04, its catalog and the package's, with tools/translate.py pointed at it."""
    root = tmp_path / "course"
    for rel in ("notebooks/04_gru_internals.ipynb", "i18n/vi/04_gru_internals.po", "i18n/vi/course_utils.po",
                "notebooks/vi/04_gru_internals.ipynb"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, root / rel)
    (root / "course_utils").mkdir()
    for name in ("checks.py", "plots.py", "widgets.py"):
        shutil.copy(ROOT / "course_utils" / name, root / "course_utils" / name)
    for name, value in (("ROOT", root), ("NOTEBOOKS", root / "notebooks"), ("I18N", root / "i18n"),
                        ("PACKAGE", root / "course_utils")):
        monkeypatch.setattr(translate, name, value)
    return root


def test_an_english_edit_is_marked_fuzzy_until_revised(course_copy):
    assert translate.problems() == []
    path = course_copy / "notebooks" / "04_gru_internals.ipynb"
    nb = nbtools.read(path)
    number, cell = next((k, c) for k, c in enumerate(nb.cells) if c.cell_type == "markdown" and k > 3)
    old = cell.source
    cell.source = old.replace(".", ", we add.", 1)
    nbtools.write(nb, path)
    problems = translate.problems()
    assert any("out of step" in p for p in problems) and any("differs from what" in p for p in problems)
    translate.update()
    translate.build([path])
    entry = polib.pofile(str(course_copy / "i18n" / "vi" / "04_gru_internals.po")).find(cell.source)
    assert "fuzzy" in entry.flags and entry.previous_msgid == old and entry.msgstr  # the old Vietnamese, to revise
    built = nbtools.read(course_copy / "notebooks" / "vi" / "04_gru_internals.ipynb")
    assert built.cells[number].source == cell.source, "a fuzzy text shows in English until it is revised"
    assert any("fuzzy" in p for p in translate.problems())
    # the translator revises it and removes the flag: in step again
    po = polib.pofile(str(course_copy / "i18n" / "vi" / "04_gru_internals.po"), wrapwidth=100)
    entry = po.find(cell.source)
    entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    po.save()
    translate.build([path])
    assert translate.problems() == []


def test_a_new_text_is_untranslated_and_a_removed_one_is_kept_obsolete(course_copy):
    path = course_copy / "notebooks" / "04_gru_internals.ipynb"
    nb = nbtools.read(path)
    removed = nb.cells.pop(5)
    nb.cells.insert(5, nbtools.nbformat.v4.new_markdown_cell("A brand new paragraph about nothing at all, xyz."))
    nbtools.write(nb, path)
    translate.update()
    po = polib.pofile(str(course_copy / "i18n" / "vi" / "04_gru_internals.po"))
    assert po.find("A brand new paragraph about nothing at all, xyz.").msgstr == ""
    assert any("untranslated" in p for p in translate.problems())
    gone = [e for e in po.obsolete_entries() if e.msgid == removed.source]
    assert removed.cell_type != "markdown" or len(gone) == 1, "a removed text's translation is kept, obsolete"


def test_update_is_stable():
    assert translate.update() == [], "`make vi` would change the catalogs: run it and commit them"


def test_a_translation_that_breaks_structure_is_reported():
    en = "## 3. The gate\n\nWe compute $f_t$ with `torch.sigmoid` ([01](01_rnn_review.ipynb))."
    good = "## 3. Cổng\n\nChúng ta tính $f_t$ bằng `torch.sigmoid` ([01](01_rnn_review.ipynb))."
    assert translate.entry_problems(en, good, markdown=True) == []
    assert "formulas" in " ".join(translate.entry_problems(en, good.replace("$f_t$", "f_t"), True))
    assert "code spans" in " ".join(translate.entry_problems(en, good.replace("`torch.sigmoid`", "sigmoid"), True))
    assert "links" in " ".join(translate.entry_problems(en, good.replace("01_rnn", "02_rnn"), True))
    assert "headings" in " ".join(translate.entry_problems(en, good.replace("## 3.", "3."), True))
    assert "English text itself" in " ".join(translate.entry_problems(en, en, True))
    assert "fields" in " ".join(translate.entry_problems("{n} windows", "{m} cửa sổ", False))
    assert translate.entry_problems("epoch", "epoch", False, same_ok=True) == []
    assert "line breaks" in " ".join(translate.entry_problems("Try np.tanh(-3.0).", "Thử\nnp.tanh(-3.0).", False))


def test_strings_a_learner_sees_must_be_literal():
    assert list(translate.code_strings('ax.set(title=tr("Loss"))', "x")) == [("Loss", "a label in code (tr)")]
    with pytest.raises(translate.ExtractError, match="not a literal"):
        list(translate.code_strings('ax.set(title=tr(f"Loss {k}"))', "x"))
    code = 'HINTS = {"a": "look again"}\ncheck_choice(g, "b", "why", options="ab", hints=HINTS)'
    found = list(translate.code_strings(code, "x", translate.assignments([code])))
    assert [t for t, _ in found] == ["why", "look again"]
    with pytest.raises(translate.ExtractError):
        list(translate.code_strings('check_value(x, 1, hint=make_hint())', "x"))
    named = 'check_value(f, 0.5, name="the forget gate")\ncheck_value(f_1, 0.5, name="f_1")'
    assert [t for t, _ in translate.code_strings(named, "x")] == ["the forget gate"]  # a variable's name stays


def test_links_move_with_the_cell():
    text = ("[glossary](../docs/glossary.md) [01](01_rnn_review.ipynb) [en](../00_start_here.ipynb) "
            "[b](https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/notebooks/03_lstm_internals.ipynb)")
    moved = translate.localised_links(text, "vi")
    assert "](../../docs/glossary.md)" in moved and "](01_rnn_review.ipynb)" in moved
    assert "](../00_start_here.ipynb)" in moved and "lab/tree/notebooks/vi/03_lstm_internals.ipynb" in moved


# ---- the language at run time --------------------------------------------------------------------------------------


def test_the_language_comes_from_the_notebook_folder(english, monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert i18n.language() == "en"
    (tmp_path / "vi").mkdir()
    monkeypatch.chdir(tmp_path / "vi")  # nbval, nbclient and Jupyter start the kernel in the notebook's folder
    assert i18n.language() == "vi"
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/03_lstm_internals.ipynb")  # JupyterLab names the notebook
    assert i18n.language() == "en"
    monkeypatch.setenv("JPY_SESSION_NAME", "student/vi/03_lstm_internals.ipynb")
    monkeypatch.chdir(tmp_path)
    assert i18n.language() == "vi"
    monkeypatch.setenv("COURSE_LANG", "en")
    assert i18n.language() == "en"
    i18n.set_language("vi")
    assert i18n.language() == "vi"


def test_a_wrong_language_says_which_exist(english, monkeypatch):
    with pytest.raises(ValueError, match='"en" for English or "vi" for Vietnamese'):
        i18n.set_language("fr")
    monkeypatch.setenv("COURSE_LANG", "vn")
    with pytest.raises(ValueError, match="COURSE_LANG"):
        i18n.language()


def test_tr_translates_known_texts_and_keeps_the_rest(english):
    i18n.set_language("en")
    assert i18n.tr("Learning curves") == "Learning curves"
    i18n.set_language("vi")
    assert i18n.tr("Learning curves") == "Đường cong học tập"
    assert i18n.tr("a text nobody translated") == "a text nobody translated"
    assert plots.plot_learning_curves({"train": [1.0, 0.5]}).get_title() == "Đường cong học tập"


def test_self_checks_answer_in_vietnamese(english, capsys):
    i18n.set_language("vi")
    with pytest.raises(checks.CheckFailed, match="quá nhỏ") as failed:
        checks.check_value(np.array([1.0, 2.0]), np.array([1.0, 3.0]), name="x")
    assert "3" not in str(failed.value).replace("[1]", ""), "never the expected value"
    # a notebook's own hint comes from that notebook's catalog
    po = polib.pofile(str(ROOT / "i18n" / "vi" / "01_rnn_review.po"))
    hint = next(e for e in po if "self-check's hints" in (e.comment or "") and e.msgstr)
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check_choice("b", "d", options="abcd", hints={"b": hint.msgid})
    assert hint.msgstr in str(failed.value) and "Gợi ý" in str(failed.value)
    checks.check_choice("?", "d", "Because.", options="abcd")
    assert "Đáp án là 'd'" in capsys.readouterr().out


def test_vietnamese_check_messages_fill_every_field(english):
    """Every translated message of the package formats with the same values as its English (no missing field)."""
    i18n.set_language("vi")
    po = polib.pofile(str(ROOT / "i18n" / "vi" / "course_utils.po"))
    for entry in po.translated_entries():
        values = {name: "v" for name in re.findall(r"\{(\w+)", entry.msgid)}
        values.update({k: 1.5 for k in ("got", "expected")})
        entry.msgstr.format(**values)


def test_the_course_map_lists_both_editions_in_the_instructor_guide():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    assert "notebooks/vi" in guide and "make vi" in guide


def test_the_reading_copy_switches_language():
    page = nbtools.with_language("<html><head></head><body class='x'><p>hi</p></body></html>", "03_x.html", "vi")
    assert '<html lang="vi">' in page and 'href="../03_x.html" hreflang="en"' in page
    page = nbtools.with_language("<html><body><p>hi</p></body></html>", "index.html", "en")
    assert 'href="vi/index.html" hreflang="vi"' in page


def test_learner_copies_of_both_editions(tmp_path):
    assert nbtools.cmd_student([ENGLISH[1], VIETNAMESE[1]], tmp_path) == 0
    assert (tmp_path / ENGLISH[1].name).exists() and (tmp_path / "vi" / ENGLISH[1].name).exists()
    manifest = json.loads((tmp_path / nbtools.MANIFEST).read_text())
    assert set(manifest) == {ENGLISH[1].name, f"vi/{ENGLISH[1].name}"}


def test_a_text_has_one_translation_in_every_catalog():
    """tr() looks a text up in every catalog at once, so the same English must read the same in each."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((ROOT / "i18n" / "vi").glob("*.po")):
        for entry in polib.pofile(str(path)).translated_entries():
            if entry.msgid in seen and seen[entry.msgid][1] != entry.msgstr:
                clashes.append(f"{entry.msgid!r}: {seen[entry.msgid][0]} and {path.name} translate it differently")
            seen.setdefault(entry.msgid, (path.name, entry.msgstr))
    assert clashes == [], "\n".join(clashes)


def test_make_bench_restates_a_run_time_in_both_editions(course_copy):
    """`make bench` rewrites "runs in about N seconds" in the English notebook and, through the catalog, in the
    Vietnamese one, without leaving the entry fuzzy (benchmarks/bench.py, restate_vietnamese)."""
    path = course_copy / "notebooks" / "04_gru_internals.ipynb"
    text = path.read_text(encoding="utf-8")
    assert len(re.findall(r"runs in about \d+ seconds", text)) == 1
    path.write_text(re.sub(r"runs in about \d+ seconds", "runs in about 995 seconds", text), encoding="utf-8")
    assert translate.restate("04_gru_internals", (r"runs in about \d+ seconds", "runs in about 995 seconds"),
                             (r"chạy trong khoảng \d+ giây", "chạy trong khoảng 995 giây"))
    translate.build([path], quiet=True)
    assert translate.problems() == []
    built = (course_copy / "notebooks" / "vi" / "04_gru_internals.ipynb").read_text(encoding="utf-8")
    assert "chạy trong khoảng 995 giây" in built
