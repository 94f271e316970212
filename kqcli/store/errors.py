"""Errors a user can cause, with the exit code the contract gives them, and the one-line text
of a failure around kq (git, the file system, the index) that is not a bug in kq."""

from __future__ import annotations

import errno
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~8 ms; every run imports this module, kq --version too
    from typing import Any

USAGE = 2
PROBLEMS = 1


class Text(str):
    """A message of the store, shown in the user's language by the command line
    (``kqcli.cli.i18n.translated``): the store cannot reach the catalogue, so the English
    msgid and its values are kept apart until then. As a ``str`` it is the English text."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, values: dict[str, Any] | None = None) -> Text:
        text = super().__new__(cls, msgid.format(**values) if values else msgid)
        text.msgid, text.values = msgid, dict(values or {})
        return text

    def format(self, *args: Any, **values: Any) -> Text:  # type: ignore[override]
        """The same message with its placeholders' values (by name only)."""
        return Text(self.msgid, {**self.values, **values})


def _(msgid: str) -> Text:
    """``msgid`` for the catalogue (``python -m kqcli.cli.i18n update`` finds it), translated
    when the command line shows it."""
    return Text(msgid)


def N_(msgid: str) -> str:
    """``msgid`` for the catalogue, made a :class:`Text` where it is used."""
    return msgid


class KqError(Exception):
    """A one-line message for the user; never shown as a traceback. ``message`` may be a
    :class:`Text`, which the command line shows in the user's language."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.message, self.code = message, code


REASONS = {
    errno.ENOENT: _("No such file or directory"),
    errno.EACCES: _("Permission denied"),
    errno.EPERM: _("Operation not permitted"),
    errno.EROFS: _("Read-only file system"),
    errno.ENOSPC: _("No space left on device"),
    errno.EDQUOT: _("Disk quota exceeded"),
    errno.EISDIR: _("Is a directory"),
    errno.ENOTDIR: _("Not a directory"),
    errno.EEXIST: _("File exists"),
    errno.ENAMETOOLONG: _("File name too long"),
    errno.EIO: _("Input/output error"),
}
"""The file system's reasons a rep may meet, as the C library words them in English, for the
catalogue to translate (``strerror`` is English whatever the language)."""


def reason(code: int | None, fallback: str = "") -> str:
    """Why the file system refused, from its errno: a :class:`Text` when kq knows the words."""
    return REASONS.get(code, fallback) if code else fallback


def _one_line(text: object) -> str:
    """The last non-empty line: what git and sqlite put there is the reason."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _git_verb(cmd: object) -> str:
    """``git commit`` from ``["git", "-c", "k=v", "-C", root, "commit", ...]``."""
    args = [str(a) for a in cmd] if isinstance(cmd, list | tuple) else str(cmd).split()
    if not args:
        return _("a command")
    words, rest = [args[0].rsplit("/", 1)[-1]], iter(args[1:])
    for arg in rest:
        if arg in ("-c", "-C"):
            next(rest, None)
        elif not arg.startswith("-"):
            words.append(arg)
            break
    return " ".join(words)


def _raised_in(error: BaseException, module: str) -> bool:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_globals.get("__name__") == module


def failure(error: BaseException) -> KqError | None:
    """The message for git failing or missing, a file kq cannot read or write, or the index
    in ``.kq`` breaking; None for anything else, which is a bug and keeps its traceback."""
    subprocess, sqlite3 = sys.modules.get("subprocess"), sys.modules.get("sqlite3")
    if subprocess is not None and isinstance(error, subprocess.CalledProcessError):
        why = (_one_line(error.stderr) or _one_line(error.stdout)
               or _("exit {code}").format(code=error.returncode))
        return KqError(_("{command} failed: {reason}").format(command=_git_verb(error.cmd),
                                                               reason=why), PROBLEMS)
    if subprocess is not None and isinstance(error, subprocess.SubprocessError):
        return KqError(_("{command} failed: {reason}").format(
            command=_git_verb(getattr(error, "cmd", "")), reason=_one_line(error)), PROBLEMS)
    if isinstance(error, RuntimeError) and _raised_in(error, "kqcli.store.gitlog"):
        said = error.args[0] if error.args and isinstance(error.args[0], Text) else _one_line(error)
        return KqError(Text("git: {reason}", {"reason": said}) if said else _("git failed"),
                       PROBLEMS)
    if sqlite3 is not None and isinstance(error, sqlite3.Error):
        return KqError(_("the index in .kq failed ({reason}); try again, or delete the .kq "
                         "folder and kq rebuilds it").format(reason=_one_line(error)), PROBLEMS)
    if isinstance(error, FileNotFoundError) and error.filename in ("git", b"git"):
        return KqError(_("this needs git, which is not installed (not found on PATH)"), PROBLEMS)
    if isinstance(error, UnicodeEncodeError):
        stream = getattr(sys.stdout, "encoding", None) or error.encoding
        return KqError(_("cannot print {text} in the output's encoding ({encoding}); set "
                         "PYTHONIOENCODING=utf-8 or a UTF-8 locale").format(
            text=repr(error.object[error.start:error.end]), encoding=stream), PROBLEMS)
    if isinstance(error, OSError):
        why = reason(error.errno, error.strerror or _one_line(error) or type(error).__name__)
        if error.filename:
            return KqError(Text("{path}: {reason}", {"path": error.filename, "reason": why}),
                           PROBLEMS)
        return KqError(why, PROBLEMS)
    return None


def warn(message: object) -> None:
    """A line on stderr (the cache could not be written, a commit failed): one of the store's
    texts in the run's language, by the translation the command line gives the run
    (:attr:`kqcli.store.context.Run.say`)."""
    from .context import current

    sys.stderr.write(f"{current().say(message)}\n")
