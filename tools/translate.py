"""The Vietnamese edition: gettext catalogs kept in step with the English notebooks, and the notebooks built from them.

    python tools/translate.py update [NOTEBOOK ...]   # bring i18n/vi/*.po in step with the English text
    python tools/translate.py build  [NOTEBOOK ...]   # write notebooks/vi/*.ipynb from the English and the catalogs
    python tools/translate.py check                   # list what is untranslated, fuzzy or out of date (exit 1)
    python tools/translate.py status                  # how much of each catalog is translated

``make vi`` runs update, then build. The English notebooks are the single source of code and structure; a catalog
holds, for one notebook, every Markdown cell (msgid: the cell's English source; msgstr: its Vietnamese) and every
English string in its code that a learner sees: plot labels written ``tr("...")`` and the self-checks' hints and
explanations. ``i18n/vi/course_utils.po`` holds the strings of the package itself (its ``tr("...")`` calls).

After an English edit, ``update`` keeps the old translation of a changed text but marks it fuzzy (gettext's flag:
"check me"), with the old English as ``#| msgid``; the build shows the English until a translator has revised the
Vietnamese and removed the flag, and ``make test`` fails meanwhile (tests/test_translation.py). Any PO editor
(Poedit, Lokalize) or a text editor works on the catalogs. A catalog's ``#:`` lines name the notebook and the cell
number (0 = the first cell) where the text is used.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbtools  # noqa: E402

ROOT = nbtools.ROOT
NOTEBOOKS = ROOT / "notebooks"
I18N = ROOT / "i18n"
PACKAGE = ROOT / "course_utils"
LANGUAGES = {"vi": "Vietnamese"}  # the translations (English is the source)
PACKAGE_CATALOG = "course_utils"
FIELD = re.compile(r"\{\w*(?:[:!][^{}]*)?\}")  # a str.format field: {name}, {value!r}, {got:.6g}
SIMILAR = 0.5  # an English text this similar to a vanished one inherits its translation, marked fuzzy

CHECKS = {  # self-check functions: which of their arguments a learner reads (keyword, position, part of a dict)
    "check_choice": {"explanation": (2, "value"), "hint": (None, "value"), "hints": (None, "values"),
                     "name": (3, "value")},
    "check_value": {"hint": (5, "value"), "mistakes": (None, "keys"), "name": (2, "value")},
    "check_function": {"hint": (None, "value"), "mistakes": (None, "keys")},
}


class ExtractError(ValueError):
    """A string a learner sees cannot be translated as written (not a literal)."""


def english_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def translated_path(path: Path, lang: str) -> Path:
    return NOTEBOOKS / lang / path.name


def catalog_path(name: str, lang: str) -> Path:
    return I18N / lang / f"{name}.po"


# ---- finding the English texts -----------------------------------------------------------------------------------


def _python(source: str) -> str:
    """A code cell's source as plain Python: IPython's magics and shell lines become ``pass``."""
    return "\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in source.splitlines())


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _strings(node: ast.expr, part: str, names: dict[str, ast.expr], where: str) -> Iterator[str]:
    """The literal strings of ``node`` (a string, or a dict's keys or values), following a name to its value."""
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if part in ("keys", "values") and isinstance(node, ast.Dict):
        for item in (node.keys if part == "keys" else node.values):
            yield from _strings(item, "value", names, where)
        return
    if part == "value" and isinstance(node, ast.Constant) and isinstance(node.value, str):
        if node.value.strip():
            yield node.value
        return
    if part == "value" and isinstance(node, ast.Constant) and node.value is None:
        return
    raise ExtractError(f"{where}: {ast.unparse(node)[:80]!r} is not a literal string, so it cannot be translated. "
                       "Write the English as a literal (fill values in afterwards with .format).")


def code_strings(source: str, where: str, names: dict[str, ast.expr] | None = None) -> Iterator[tuple[str, str]]:
    """(English text, what it is) for each text a learner sees in ``source``: ``tr`` calls and self-check hints."""
    tree = ast.parse(_python(source))
    names = names if names is not None else {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name == "tr":
            if len(node.args) != 1 or node.keywords:
                raise ExtractError(f"{where}: tr() takes one literal string, got {ast.unparse(node)[:80]!r}.")
            for text in _strings(node.args[0], "value", names, where):
                yield text, "a label in code (tr)"
        elif name in CHECKS:
            for keyword, (position, part) in CHECKS[name].items():
                values = [kw.value for kw in node.keywords if kw.arg == keyword]
                if position is not None and len(node.args) > position:
                    values.append(node.args[position])
                for value in values:
                    for text in _strings(value, part, names, where):
                        if keyword != "name" or not text.isidentifier():  # a variable's name stays as it is
                            yield text, f"a self-check's {keyword} ({name})"


def assignments(sources: list[str]) -> dict[str, ast.expr]:
    """Top-level ``NAME = value`` of a notebook's code cells (the last one wins), to follow hints kept in names."""
    names: dict[str, ast.expr] = {}
    for source in sources:
        for node in ast.parse(_python(source)).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                names[node.targets[0].id] = node.value
    return names


def notebook_texts(path: Path) -> list[tuple[str, str, str]]:
    """(English text, where it is used, what it is) for a notebook: its Markdown cells, then its code's texts."""
    nb = nbtools.read(path)
    rel = path.relative_to(ROOT).as_posix()
    names = assignments([cell.source for cell in nb.cells if cell.cell_type == "code"])
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.strip():
            found.append((cell.source, f"{rel}:{index}", "Markdown cell"))
        elif cell.cell_type == "code":
            found.extend((text, f"{rel}:{index}", kind)
                         for text, kind in code_strings(cell.source, f"{rel}, cell {index}", names))
    return found


def package_texts() -> list[tuple[str, str, str]]:
    """(English text, file:line, what it is) for every ``tr("...")`` in course_utils, in the order of the files."""
    found: list[tuple[int, str, str]] = []
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(source)):
            # tr(variable) passes on a text found elsewhere (a notebook's hint): only literals are the package's own
            if (isinstance(node, ast.Call) and _name(node.func) == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((node.lineno, node.args[0].value, rel))
    found.sort(key=lambda f: (f[2], f[0]))
    return [(text, f"{rel}:{line}", "a message of course_utils (tr)") for line, text, rel in found]


def sources() -> dict[str, list[tuple[str, str, str]]]:
    """Catalog name -> its English texts, for every catalog the course has."""
    texts = {path.stem: notebook_texts(path) for path in english_notebooks()}
    texts[PACKAGE_CATALOG] = package_texts()
    return texts


# ---- catalogs ------------------------------------------------------------------------------------------------------


def _header(name: str, lang: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=100)
    po.header = (f"{LANGUAGES[lang]} translation of the course on recurrent neural networks: {name}.\n"
                 "Made and kept in step by `make vi` (tools/translate.py); translate the msgstr lines.\n"
                 "#: lines give the notebook (or module) and the cell number (or line) where a text is used.")
    po.metadata = {
        "Project-Id-Version": f"rnn-lstm-gru-course {name}",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    return po


def merged(name: str, lang: str, texts: list[tuple[str, str, str]]) -> polib.POFile:
    """The catalog ``name`` brought in step with ``texts``, as gettext's msgmerge would: translations of unchanged
    texts kept; a changed text gets the translation of the most similar vanished one, marked fuzzy; texts no longer
    used become obsolete entries (kept at the end for the translator)."""
    path = catalog_path(name, lang)
    old = polib.pofile(str(path), wrapwidth=100) if path.exists() else _header(name, lang)
    po = _header(name, lang)
    active = {e.msgid: e for e in old if not e.obsolete}
    gone = {e.msgid: e for e in old.obsolete_entries()}
    wanted: dict[str, polib.POEntry] = {}
    for text, where, kind in texts:
        file, _, line = where.rpartition(":")
        if text in wanted:
            wanted[text].occurrences.append((file, line))
            continue
        entry = polib.POEntry(msgid=text, msgstr="", occurrences=[(file, line)], comment=kind)
        before = active.get(text) or gone.get(text)
        if before is not None:
            entry.msgstr, entry.flags, entry.tcomment = before.msgstr, list(before.flags), before.tcomment
            entry.previous_msgid = before.previous_msgid
        wanted[text] = entry
        if kind != "Markdown cell" and FIELD.search(text) and "python-brace-format" not in entry.flags:
            entry.flags.append("python-brace-format")
    vanished = [e for e in old if not e.obsolete and e.msgid not in wanted and e.msgstr]
    used = set()
    for entry in wanted.values():
        if entry.msgstr or not vanished:
            continue
        ratio, best = max(((difflib.SequenceMatcher(None, e.msgid, entry.msgid).ratio(), e) for e in vanished),
                          key=lambda scored: scored[0])
        if ratio >= SIMILAR:
            entry.msgstr, entry.tcomment, entry.previous_msgid = best.msgstr, best.tcomment, best.msgid
            if "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
            used.add(best.msgid)
    for entry in wanted.values():
        if "fuzzy" not in entry.flags:
            entry.previous_msgid = None
        po.append(entry)
    for entry in [*(e for e in old if not e.obsolete and e.msgid not in wanted and e.msgid not in used),
                  *(e for e in old.obsolete_entries() if e.msgid not in wanted)]:
        if entry.msgstr:
            entry.obsolete = True
            po.append(entry)
    return po


def update(names: list[str] | None = None, lang: str = "vi") -> list[Path]:
    """Bring the catalogs in step with the English; returns the catalogs that changed."""
    changed = []
    for name, texts in sources().items():
        if names and name not in names:
            continue
        path = catalog_path(name, lang)
        text = merged(name, lang, texts).__unicode__()
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def translations(name: str, lang: str) -> dict[str, str]:
    """English -> translation, for the finished (translated, not fuzzy) entries of one catalog."""
    path = catalog_path(name, lang)
    if not path.exists():
        return {}
    return {e.msgid: e.msgstr for e in polib.pofile(str(path)).translated_entries()}  # neither fuzzy nor obsolete


def restate(name: str, english: tuple[str, str], translated: tuple[str, str], lang: str = "vi") -> bool:
    """Rewrite a stated figure (a run time) in one catalog, in the English and in the translation alike, so that
    ``make bench`` keeps both editions true without making the entry fuzzy. ``english`` and ``translated`` are
    (regular expression, replacement). Returns whether the catalog changed."""
    path = catalog_path(name, lang)
    if not path.exists():
        return False
    po = polib.pofile(str(path), wrapwidth=100)
    changed = False
    for entry in po:
        if not entry.obsolete and re.search(english[0], entry.msgid):
            new_id, new_str = re.sub(*english, entry.msgid), re.sub(*translated, entry.msgstr)
            changed |= (new_id, new_str) != (entry.msgid, entry.msgstr)
            entry.msgid, entry.msgstr = new_id, new_str
    if changed:
        po.save(str(path))
    return changed


# ---- building the translated notebooks --------------------------------------------------------------------------

LINK = re.compile(r"""(\]\(|\b(?:src|href)=["'])([^)"'\s]+)""")
BINDER_PATH = re.compile(r"(lab/tree/notebooks/)(\d\d_\w+\.ipynb)")
NOTEBOOK_NAME = re.compile(r"^\d\d_\w+\.ipynb$")


def localised_links(text: str, lang: str) -> str:
    """Links of a translated cell, which now lives in notebooks/<lang>/: a neighbouring notebook stays a neighbour
    (the translated one), a file of the repository is reached from the new folder, and a Binder link opens the
    translated notebook."""
    def fix(match: re.Match[str]) -> str:
        target = match.group(2)
        path, hash_, fragment = target.partition("#")
        if not path or re.match(r"^[a-z]+:", path) or NOTEBOOK_NAME.match(path):
            return match.group(0)
        if (NOTEBOOKS / lang / path).exists() or not (NOTEBOOKS / path).exists():
            return match.group(0)
        moved = os.path.relpath(NOTEBOOKS / path, NOTEBOOKS / lang).replace(os.sep, "/")
        return match.group(1) + moved + hash_ + fragment

    return BINDER_PATH.sub(rf"\1{lang}/\2", LINK.sub(fix, text))


def translated_notebook(path: Path, lang: str) -> tuple[object, list[int]]:
    """The notebook ``path`` in ``lang``, and the indices of the Markdown cells still in English."""
    nb = nbtools.stripped(nbtools.read(path))
    table = translations(path.stem, lang)
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        if cell.source not in table:
            missing.append(index)  # shown in English until translated (and the tests fail meanwhile)
        cell.source = localised_links(table.get(cell.source, cell.source), lang)
    return nb, missing


def build(paths: list[Path], lang: str = "vi", quiet: bool = False) -> int:
    """Write notebooks/<lang>/ from the English notebooks and the catalogs; returns how many cells stayed English."""
    untranslated = 0
    for path in paths:
        nb, missing = translated_notebook(path, lang)
        target = translated_path(path, lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = nbtools.dumps(nb)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_bytes(text.encode("utf-8"))
        untranslated += len(missing)
        if not quiet:
            markdown = sum(1 for cell in nb.cells if cell.cell_type == "markdown" and cell.source.strip())
            note = f", still in English: cells {missing}" if missing else ""
            done = markdown - len(missing)
            print(f"{target.relative_to(ROOT)}: {done} of {markdown} Markdown cells translated{note}")
    return untranslated


# ---- checking ------------------------------------------------------------------------------------------------------

MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$", re.S)  # display and inline formulas (an inline one may wrap)
CODE_SPAN = re.compile(r"`[^`\n]+`")
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
WORD = re.compile(r"[A-Za-z]{4,}")


def _targets(text: str) -> list[str]:
    return sorted({m.group(2) for m in LINK.finditer(text)})


SAME = "same in Vietnamese"  # a translator's comment (# same in Vietnamese) for a text that stays as it is
BREAKS = "line break on purpose"  # a translator's comment for a plot label broken over two lines to fit


def entry_problems(msgid: str, msgstr: str, markdown: bool, same_ok: bool = False,
                   breaks_ok: bool = False) -> list[str]:
    """What a translation changed that it must keep: formulas, code, links, headings, format fields.

    A translation equal to the English is refused when the English has words, unless ``same_ok`` (the translator
    wrote the comment ``# same in Vietnamese``, for a term the course keeps in English, such as "epoch")."""
    if not msgstr:
        return []
    found = []
    fenced_en, fenced_tr = FENCED.findall(msgid), FENCED.findall(msgstr)
    if fenced_en != fenced_tr:
        found.append("a code block differs from the English (code stays as it is)")
    plain_en, plain_tr = FENCED.sub("", msgid), FENCED.sub("", msgstr)
    if sorted(set(MATH.findall(plain_en))) != sorted(set(MATH.findall(plain_tr))):
        missing = set(MATH.findall(plain_en)) - set(MATH.findall(plain_tr))
        extra = set(MATH.findall(plain_tr)) - set(MATH.findall(plain_en))
        found.append(f"the formulas differ (keep every $...$ as it is): missing {sorted(missing)[:3]}, "
                     f"new {sorted(extra)[:3]}")
    code_en, code_tr = set(CODE_SPAN.findall(MATH.sub("", plain_en))), set(CODE_SPAN.findall(MATH.sub("", plain_tr)))
    if code_en - code_tr:
        found.append(f"code spans missing (keep `...` as it is): {sorted(code_en - code_tr)[:4]}")
    # the one link that differs on purpose: the English points at its Vietnamese twin (vi/X), the translation back
    # at the English (../X)
    expected = sorted(re.sub(r"^vi/", "../", t) for t in _targets(msgid))
    if expected != _targets(msgstr) and markdown:
        found.append(f"the links differ (keep each link's target): {expected} -> {_targets(msgstr)}")
    if markdown:
        levels_en = [len(m) for m in re.findall(r"^(#{1,6})\s", plain_en, re.M)]
        levels_tr = [len(m) for m in re.findall(r"^(#{1,6})\s", plain_tr, re.M)]
        if levels_en != levels_tr:
            found.append(f"the headings differ (keep one heading per English heading, same level): {levels_en} -> "
                         f"{levels_tr}")
    elif msgstr.count("\n") != msgid.count("\n") and not breaks_ok:
        found.append("the line breaks differ from the English (a message or label breaks its lines where the "
                     "English does)")
    if not markdown and sorted(FIELD.findall(msgid)) != sorted(FIELD.findall(msgstr)):
        found.append(f"the {{fields}} differ (keep each as it is): {FIELD.findall(msgid)} -> {FIELD.findall(msgstr)}")
    if msgid.endswith("\n") != msgstr.endswith("\n"):
        found.append("the translation must end with a line break exactly when the English does")
    prose = WORD.findall(CODE_SPAN.sub("", MATH.sub("", LINK.sub("", FENCED.sub("", msgid)))))
    if msgstr == msgid and prose and not same_ok:
        found.append("the translation is the English text itself")
    return found



def problems(lang: str = "vi") -> list[str]:
    """Everything that keeps the translation from being in step with the English, in words a contributor can act on."""
    found = []
    for name, texts in sources().items():
        path = catalog_path(name, lang)
        rel = path.relative_to(ROOT).as_posix()
        if not path.exists():
            found.append(f"{rel} is missing: run `make vi` to create it, then translate it.")
            continue
        po = polib.pofile(str(path))
        entries = {e.msgid: e for e in po if not e.obsolete}
        english = {text for text, _, _ in texts}
        new = [t for t in english if t not in entries]
        stale = [m for m in entries if m not in english]
        if new or stale:
            found.append(f"{rel} is out of step with the English ({len(new)} new or changed texts, {len(stale)} no "
                         "longer used): run `make vi`, translate what it marks, and commit the catalog.")
        for entry in entries.values():
            first = entry.msgid.strip().splitlines()[0][:70]
            line = entry.occurrences[0] if entry.occurrences else ("", "")
            where = f"{line[0]} cell {line[1]}" if line[0].endswith(".ipynb") else ":".join(line)
            if entry.msgid in english and not entry.msgstr:
                found.append(f"{rel}: untranslated ({where}): {first!r}")
            elif entry.msgid in english and "fuzzy" not in entry.flags:
                markdown = "Markdown cell" in (entry.comment or "")
                found.extend(f"{rel} ({where}): {issue}: {first!r}"
                             for issue in entry_problems(entry.msgid, entry.msgstr, markdown,
                                                         SAME in (entry.tcomment or ""),
                                                         BREAKS in (entry.tcomment or "")))
            if entry.msgid in english and entry.msgstr and "fuzzy" in entry.flags:
                found.append(f"{rel}: fuzzy, the English changed since it was translated ({where}): {first!r}. "
                             "Revise the Vietnamese (the old English is the #| msgid line), then delete the fuzzy "
                             "flag.")
    for path in english_notebooks():
        target = translated_path(path, lang)
        rel = target.relative_to(ROOT).as_posix()
        nb, _ = translated_notebook(path, lang)
        if not target.exists():
            found.append(f"{rel} is missing: run `make vi`.")
        elif target.read_text(encoding="utf-8") != nbtools.dumps(nb):
            found.append(f"{rel} differs from what its English notebook and catalog build: run `make vi` (never edit "
                         "it by hand: edit the English notebook or the catalog).")
    extra = {p.name for p in (NOTEBOOKS / lang).glob("*.ipynb")} - {p.name for p in english_notebooks()}
    found.extend(f"notebooks/{lang}/{name} has no English notebook: delete it." for name in sorted(extra))
    return found


def status(lang: str = "vi") -> None:
    for name in sources():
        path = catalog_path(name, lang)
        if not path.exists():
            print(f"{name}: no catalog yet")
            continue
        po = polib.pofile(str(path))
        active = [e for e in po if not e.obsolete]
        print(f"{name}: {len(po.translated_entries())} of {len(active)} translated, "
              f"{len(po.fuzzy_entries())} fuzzy, {len(po.untranslated_entries())} untranslated")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["update", "build", "check", "status", "vi"])
    parser.add_argument("notebooks", nargs="*", help="English notebooks (default: all)")
    args = parser.parse_args(argv)
    paths = [Path(p).resolve() for p in args.notebooks] or english_notebooks()
    start = time.perf_counter()
    if args.command in ("update", "vi"):
        changed = update([p.stem for p in paths] + ([PACKAGE_CATALOG] if not args.notebooks else []))
        print(f"catalogs updated: {len(changed)} changed" + "".join(f"\n  {p.relative_to(ROOT)}" for p in changed))
    if args.command in ("build", "vi"):
        left = build(paths)
        print(f"built {len(paths)} Vietnamese notebook(s); done in {time.perf_counter() - start:.1f} s"
              + (f"; {left} Markdown cells are still English (untranslated or fuzzy)" if left else ""))
    if args.command == "status":
        status()
    if args.command == "check":
        found = problems()
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)" if found else "The Vietnamese edition is in step with the English.")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
