"""The course in two languages: English and Vietnamese, from one copy of the code.

The Vietnamese notebooks (``notebooks/vi/``) are built from the English ones and the gettext catalogs in
``i18n/vi/`` (``make vi``): their Markdown is translated, their code is the same. So the code must find out in
which edition it runs, and show its words in that language:

- ``tr("The two activations of an LSTM")`` gives the text in the notebook's language: the English text itself,
  or its translation from the catalogs. Plot titles, axis labels and legends are written this way.
- The self-checks (``course_utils.checks``) pass their messages and the exercises' hints through ``tr`` too.

The language comes, first match wins, from ``set_language("vi")``; the environment variable ``COURSE_LANG``;
the notebook's own folder (``notebooks/vi/`` is Vietnamese), which JupyterLab tells the kernel in
``JPY_SESSION_NAME``; or the kernel's working folder, which Jupyter, nbval and nbclient set to the notebook's
folder. Anything else is English.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

LANGUAGES = ("en", "vi")  # English, the source; Vietnamese, the language of the lecture notes
CATALOGS = Path(__file__).resolve().parent.parent / "i18n"  # i18n/<language>/*.po, one per notebook

_chosen: str | None = None


def _checked(lang: str, where: str) -> str:
    code = str(lang).strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"{where} is {lang!r}; the course has the languages {', '.join(LANGUAGES)}. "
                         'Use "en" for English or "vi" for Vietnamese.')
    return code


def set_language(lang: str | None) -> None:
    """Show the course's words in ``lang`` ("en" or "vi") from now on; ``None`` goes back to the automatic choice."""
    global _chosen
    _chosen = None if lang is None else _checked(lang, "the language")


def _folder_language(folder: str | os.PathLike[str]) -> str:
    """The language of the notebooks in ``folder``: "vi" for a folder named vi (notebooks/vi, student/vi), else "en"."""
    return "vi" if Path(folder).name == "vi" else "en"


def language() -> str:
    """The language the course's words are shown in now ("en" or "vi"); the module's docstring says how."""
    if _chosen is not None:
        return _chosen
    if os.environ.get("COURSE_LANG", "").strip():
        return _checked(os.environ["COURSE_LANG"], "the environment variable COURSE_LANG")
    session = os.environ.get("JPY_SESSION_NAME", "")  # the notebook's path, set by JupyterLab for its kernel
    if session.endswith(".ipynb"):
        return _folder_language(Path(session).parent)
    return _folder_language(Path.cwd())


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """Every finished translation into ``lang``: English text -> translated text, from ``i18n/<lang>/*.po``.

    Entries that are untranslated or marked fuzzy (their English changed since they were translated) are left
    out, so their English shows instead: the same rule as gettext's own tools.
    """
    import polib

    lang = _checked(lang, "the language")
    table: dict[str, str] = {}
    for path in sorted((CATALOGS / lang).glob("*.po")):
        table.update((entry.msgid, entry.msgstr) for entry in polib.pofile(str(path)).translated_entries())
    return table


def tr(text: str) -> str:
    """``text`` (English) in the notebook's language: its translation, or ``text`` itself in English.

    Write the English literally, ``tr("window length p")``, so that ``make vi`` can find it; fill values in after
    translating, ``tr("{n} windows").format(n=n)``. Text without a translation yet stays English.
    """
    lang = language()
    if lang == "en":
        return text
    return catalog(lang).get(text, text)
