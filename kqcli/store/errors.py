"""Errors a user can cause, with the exit code the contract gives them, and the one-line text
of a failure around kq (git, the file system, the index) that is not a bug in kq."""

from __future__ import annotations

import sys

USAGE = 2
PROBLEMS = 1


class KqError(Exception):
    """A one-line message for the user; never shown as a traceback."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.message, self.code = message, code


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
        return "a command"
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
        reason = _one_line(error.stderr) or _one_line(error.stdout) or f"exit {error.returncode}"
        return KqError(f"{_git_verb(error.cmd)} failed: {reason}", PROBLEMS)
    if subprocess is not None and isinstance(error, subprocess.SubprocessError):
        return KqError(f"{_git_verb(getattr(error, 'cmd', ''))} failed: {_one_line(error)}", PROBLEMS)
    if isinstance(error, RuntimeError) and _raised_in(error, "kqcli.store.gitlog"):
        return KqError(f"git: {_one_line(error) or 'failed'}", PROBLEMS)
    if sqlite3 is not None and isinstance(error, sqlite3.Error):
        return KqError(f"the index in .kq failed ({_one_line(error)}); try again, or delete "
                       "the .kq folder and kq rebuilds it", PROBLEMS)
    if isinstance(error, FileNotFoundError) and error.filename in ("git", b"git"):
        return KqError("this needs git, which is not installed (not found on PATH)", PROBLEMS)
    if isinstance(error, UnicodeEncodeError):
        stream = getattr(sys.stdout, "encoding", None) or error.encoding
        return KqError(f"cannot print {error.object[error.start:error.end]!r} in the output's "
                       f"encoding ({stream}); set PYTHONIOENCODING=utf-8 or a UTF-8 locale",
                       PROBLEMS)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return KqError(f"{where}{error.strerror or _one_line(error) or type(error).__name__}",
                       PROBLEMS)
    return None
