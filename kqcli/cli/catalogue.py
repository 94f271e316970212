"""Keeping the catalogue (development only; Babel, from the test extra): list every text kq
shows a person, add the new ones to ``kqcli/locale/zh_CN/LC_MESSAGES/kq.po`` and compile
``kq.mo``. ``python -m kqcli.cli.catalogue update`` after changing a text in the code;
``python -m kqcli.cli.catalogue compile`` after translating. :mod:`kqcli.cli.i18n` reads it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .i18n import DOMAIN, LOCALE

PO = Path(LOCALE) / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")


def texts() -> dict[str | tuple[str, ...], set[str]]:
    """Every text kq shows a person that the catalogue must hold, with where it comes from:
    the help of every command and option (from the click commands as typer builds them), the
    top-level help, and each ``_("…")`` or ``N_("…")`` call in the code (Babel's extractor)."""
    from babel.messages.extract import extract_from_dir

    found: dict[str | tuple[str, ...], set[str]] = {}

    def add(text: str | tuple[str, ...] | None, where: str) -> None:
        if text and (isinstance(text, tuple) or text.strip()):
            found.setdefault(text, set()).add(where)

    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(Path(LOCALE).parent), method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
        add(message, f"kqcli/{filename}:{lineno}".replace(os.sep, "/"))  # a plural: a tuple
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
    left = [m.id for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string)]
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
    sys.stderr.write("usage: python -m kqcli.cli.catalogue update|compile\n")
    sys.exit(2)
