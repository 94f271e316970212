"""Editing a customer file in ``$VISUAL``/``$EDITOR`` until it is valid, like ``crontab -e``
and ``visudo``: problems are shown at the top of the file as comments and the editor reopens;
the user's text is never thrown away."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from ..store import platform
from ..store.errors import PROBLEMS, KqError, reason
from ..store.problems import Problem
from .i18n import _, translated

MARK = "# kq: "


def editor_command() -> list[str]:
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return _split(value)
    if platform.windows():  # always there, and what a Windows user expects
        return ["notepad"]
    for fallback in ("sensible-editor", "editor", "nano", "vi"):
        from shutil import which

        if which(fallback):
            return [fallback]
    raise KqError(_("no editor: set $VISUAL or $EDITOR"))


def _split(value: str) -> list[str]:
    """A command line as the shell of this system reads it: on Windows backslashes are path
    separators and only double quotes group (``"C:\\Program Files\\...\\notepad++.exe" -multiInst``)."""
    if not platform.windows():
        return shlex.split(value)
    return [part[1:-1] if len(part) > 1 and part[0] == part[-1] == '"' else part
            for part in shlex.split(value, posix=False)]


def with_problems(text: str, problems: list[Problem], newline: str = "\n") -> str:
    """The text with the problems on top as comments, line numbers as the user will see them."""
    header = [f"{MARK}this file is not valid yet; fix it and save, or save it unchanged to give up",
              *(None for _ in problems)]
    offset = len(header)
    lines = [header[0]]
    for p in problems:
        where = f"line {p.line + offset}, column {p.column}"
        lines.append(f"{MARK}{where}: {p.field + ': ' if p.field else ''}{p.message}")
    return newline.join(lines) + newline + strip_problems(text)


def strip_problems(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(MARK):
        lines.pop(0)
    return "".join(lines)


def edit_until_valid(original: bytes, shown: str, ask_again: bool = True) -> bytes | None:
    """Run the editor on a copy of ``original``; returns valid bytes, or None if unchanged.

    Raises KqError (exit 1) when the user gives up with errors; their text is then kept in
    ``<file>.rejected`` beside the file by the caller.
    """
    from ..store.validate import validate_customer

    command = editor_command()
    bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    newline = "\r\n" if b"\r\n" in original else "\n"
    with tempfile.TemporaryDirectory(prefix="kq-edit-") as folder:
        scratch = Path(folder) / Path(shown).name
        scratch.write_bytes(original[len(bom):])  # byte for byte: line endings stay as they are
        while True:
            before = scratch.read_bytes()
            try:
                code = subprocess.call([*command, str(scratch)])
            except OSError as e:
                raise KqError(_("cannot run the editor {editor}: {reason}").format(
                    editor=repr(command[0]), reason=translated(reason(e.errno, e.strerror or "")))) from None
            edited = scratch.read_bytes().decode("utf-8", errors="replace")
            body = strip_problems(edited)
            if code != 0:
                raise GaveUp(body, f"the editor exited with {code}")
            result = bom + body.encode("utf-8")
            if result == original:
                return None
            _model, problems = validate_customer(result, shown)
            if not problems:
                return result
            if scratch.read_bytes() == before and before != original:
                raise GaveUp(body, "saved unchanged with problems")
            for p in problems:
                sys.stderr.write(f"{p}\n")
            if not ask_again or not _again():
                raise GaveUp(body, f"{len(problems)} problem(s) left")
            scratch.write_bytes(with_problems(body, problems, newline).encode("utf-8"))


class GaveUp(KqError):
    def __init__(self, text: str, why: str) -> None:
        super().__init__(why, code=PROBLEMS)
        self.text = text


def _again() -> bool:
    if not sys.stdin.isatty():
        answer = sys.stdin.readline()  # "" is the end of input: give up
        return answer != "" and answer.strip().lower() in ("", "y", "yes", "是")
    import typer

    return typer.confirm("The file has problems. Edit it again?", default=True)
