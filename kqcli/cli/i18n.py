"""The one catalogue of what a person reads, the ecosystem's way: GNU gettext.

English is the source (msgids are the English texts in the code); Chinese is the default
language, from ``kqcli/locale/zh_CN/LC_MESSAGES/kq.po``, compiled to ``kq.mo`` beside it (kept
in the repository, so that an install needs no build step; ``tests/test_catalogue.py`` fails
when the ``.mo`` is not Babel's compilation of the ``.po``, or when the ``.po`` has an
untranslated or fuzzy entry, or misses a text kq shows). After changing a text in the code:
``python -m kqcli.cli.i18n update`` adds it to the ``.po`` (Babel, from the test extra) and
compiles the ``.mo``.

The language: ``--lang zh|en`` > ``KQ_LANG`` > ``kq.yaml`` ``lang`` > ``LC_ALL`` /
``LC_MESSAGES`` / ``LANG`` (``en_*`` is English, anything else Chinese). JSON keys and values,
exit codes and the file format never change with it. Standard library only: ``kq --help`` is
answered before typer is imported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LANGS = ("zh", "en")
DOMAIN = "kq"
LOCALE = Path(__file__).resolve().parent.parent / "locale"
LOCALES = {"zh": "zh_CN"}
"""The catalogue of each language that is not English, the source language."""

_flag: str | None = None  # --lang, for this run
_repo: str | None = None  # kq.yaml's lang, once the repository is open
_translations: dict[str, object] = {}


class LangError(ValueError):
    """A language kq does not speak; the message names the source (--lang, KQ_LANG)."""


def set_flag(value: str | None) -> None:
    """``--lang`` for this run (None: not given)."""
    global _flag
    if value is not None and value not in LANGS:
        raise LangError(f"--lang: {value!r} is not one of {', '.join(LANGS)}")
    _flag = value


def set_repository(value: str | None) -> None:
    """``kq.yaml``'s ``lang``, once the repository is open (None: not set)."""
    global _repo
    _repo = value if value in LANGS else None


def lang() -> str:
    """The language of this run: zh or en."""
    if _flag:
        return _flag
    chosen = os.environ.get("KQ_LANG", "").strip().lower()[:2]
    if chosen in LANGS:
        return chosen
    if _repo:
        return _repo
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


def ngettext(singular: str, plural: str, n: int) -> str:
    return translation().ngettext(singular, plural, n)  # type: ignore[attr-defined]


def translated(text: object, stream: object = None) -> str:
    """A message of the store (:class:`kqcli.store.errors.Text`: an English msgid and its
    values, kept apart because the store cannot reach the catalogue) in this run's language,
    its values too; any other text as it is. In English when ``stream`` cannot print the
    translation (a latin-1 terminal): a message read as ``\\u5ba2`` helps nobody."""
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


# -- keeping the catalogue (development only) --------------------------------------------------

PO = LOCALE / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")


def texts() -> dict[str | tuple[str, str], set[str]]:
    """Every text kq shows a person that the catalogue must hold, with where it comes from:
    the help of every command and option (from the click commands as typer builds them), the
    top-level help, and each ``_("…")`` call in the code (Babel's extractor); a
    ``ngettext("…", "…", n)`` call is one entry, its (singular, plural)."""
    from babel.messages.extract import extract_from_dir

    found: dict[str | tuple[str, str], set[str]] = {}

    def add(text: str | tuple[str, str] | None, where: str) -> None:
        if text and (text[0] if isinstance(text, tuple) else text).strip():
            found.setdefault(text, set()).add(where)

    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(LOCALE.parent), method_map=[("**.py", "python")],
            keywords={"_": None, "ngettext": (1, 2)}):
        add(message, f"kqcli/{filename}:{lineno}".replace(os.sep, "/"))
    from . import usage

    for text in usage.words():
        add(text, "kqcli/cli/usage.py")
    from .app import COMMANDS, load

    for name in COMMANDS:
        command = load(name, translated=False)
        for where, text in help_texts(command, f"kq/{name}"):
            add(text, where)
    return found


def help_texts(command: object, path: str) -> list[tuple[str, str]]:
    """The help texts of a click command (and its subcommands), with where they show."""
    out = [(path, command.help), (path, getattr(command, "short_help", None))]  # type: ignore[attr-defined]
    for param in getattr(command, "params", []):
        out.append((f"{path}/{param.name}", getattr(param, "help", None)))
    for name, sub in getattr(command, "commands", {}).items():
        out.extend(help_texts(sub, f"{path}/{name}"))
    return [(w, t) for w, t in out if t]


def update() -> int:
    """Add every text kq shows to the ``.po`` (new ones untranslated), drop the ones gone, and
    compile the ``.mo``. Says how many are left to translate."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    with open(PO, "rb") as f:
        catalog = read_po(f, locale="zh_CN", domain=DOMAIN)
    template = Catalog(locale="zh_CN", domain=DOMAIN)
    for text, places in sorted(texts().items(), key=lambda item: str(item[0])):
        template.add(text, locations=[(p, None) for p in sorted(places)])
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with open(PO, "wb") as f:
        write_po(f, catalog, width=96, sort_output=True, include_previous=False)
    with open(MO, "wb") as f:
        write_mo(f, catalog)
    left = [m.id for m in catalog if m.id and not (
        m.string if isinstance(m.string, str) else m.string and all(m.string))]
    sys.stderr.write(f"{PO}: {len(catalog)} texts, {len(left)} to translate\n")
    return 0


def compile_only() -> int:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(PO, "rb") as f:
        catalog = read_po(f, locale="zh_CN", domain=DOMAIN)
    with open(MO, "wb") as f:
        write_mo(f, catalog)
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        sys.exit(update())
    if command == "compile":
        sys.exit(compile_only())
    sys.stderr.write("usage: python -m kqcli.cli.i18n update|compile\n")
    sys.exit(2)
