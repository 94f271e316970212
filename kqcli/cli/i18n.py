"""The one catalogue of what a person reads, the ecosystem's way: GNU gettext.

English is the source (msgids are the English texts in the code); Chinese is the default
language, from ``kqcli/locale/zh_CN/LC_MESSAGES/kq.po``, compiled to ``kq.mo`` beside it (kept
in the repository, so that an install needs no build step; ``tests/test_catalogue.py`` fails
when the ``.mo`` is not Babel's compilation of the ``.po``, or when the ``.po`` has an
untranslated or fuzzy entry, or misses a text kq shows). After changing a text in the code:
``python -m kqcli.cli.catalogue update`` adds it to the ``.po`` (Babel, from the test extra) and
compiles the ``.mo``.

The language: ``--lang zh|en`` > ``KQ_LANG`` > ``kq.yaml`` ``lang`` > ``LC_ALL`` /
``LC_MESSAGES`` / ``LANG`` (``en_*`` is English, anything else Chinese). JSON keys and values,
exit codes and the file format never change with it. Standard library only: ``kq --help`` is
answered before typer is imported.
"""

from __future__ import annotations

import os

from ..store.context import current

LANGS = ("zh", "en")
DOMAIN = "kq"
LOCALE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "locale")
LOCALES = {"zh": "zh_CN"}
"""The catalogue of each language that is not English, the source language."""

_translations: dict[str, object] = {}


class LangError(ValueError):
    """A language kq does not speak; the message names the source (--lang, KQ_LANG)."""


def set_flag(value: str | None) -> None:
    """``--lang`` for this run (None: not given)."""
    if value is not None and value not in LANGS:
        raise LangError(f"--lang: {value!r} is not one of {', '.join(LANGS)}")
    current().lang = value


def set_repository(value: str | None) -> None:
    """``kq.yaml``'s ``lang``, once the repository is open (None: not set)."""
    current().repo_lang = value if value in LANGS else None


def lang() -> str:
    """The language of this run: zh or en."""
    run = current()
    if run.lang:
        return run.lang
    chosen = os.environ.get("KQ_LANG", "").strip().lower()[:2]
    if chosen in LANGS:
        return chosen
    if run.repo_lang:
        return run.repo_lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def english() -> bool:
    return lang() == "en"


def translation() -> object:
    """The gettext translation of this run's language (English: the texts as they are)."""
    import gettext

    language = lang()
    found = _translations.get(language)
    if found is None:
        found = gettext.NullTranslations()
        if language in LOCALES:
            try:
                found = gettext.translation(DOMAIN, LOCALE, languages=[LOCALES[language]])
            except OSError:  # a broken install: English rather than a traceback
                pass
        _translations[language] = found
    return found


def _(text: str) -> str:
    """``text`` in this run's language."""
    return translation().gettext(text) if text else text  # type: ignore[attr-defined]


def N_(text: str) -> str:
    """A text for the catalogue (``python -m kqcli.cli.catalogue update`` extracts it),
    translated where it is shown."""
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    return translation().ngettext(singular, plural, n)  # type: ignore[attr-defined]


def translated(text: object, stream: object = None) -> str:
    """A message of the store (:class:`kqcli.store.errors.Text`: an English msgid and its
    values, kept apart because the store cannot reach the catalogue) in this run's language,
    its values too; any other text as it is. In English when ``stream`` cannot print the
    translation (a latin-1 terminal): a message read as ``\\u5ba2`` helps nobody."""
    located = getattr(text, "located", None)
    if located is not None:  # a problem in a file: its place, and its message translated
        return located(lambda message: translated(message, stream))
    msgid = getattr(text, "msgid", None)
    if msgid is None:
        return str(text)
    values = {k: translated(v) if hasattr(v, "msgid") else v
              for k, v in text.values.items()}  # type: ignore[attr-defined]
    said = _(msgid).format(**values) if values else _(msgid)
    try:
        said.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return str(text)
    return said
