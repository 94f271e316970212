"""``.kq/local.yaml``: this clone's own settings, never committed (``.kq/`` is ignored): who
"I" am (``me: 李明``, the default ``--owner``) and whether kq's server runs (``server: on|off``).

Read like kq.yaml (a bad file is one located line), written one key at a time with the
byte-preserving :mod:`kqcli.store.yamledit` (comments and the other keys stay as they were),
through a temporary file and a rename.

The default owner (:func:`default_owner`): ``KQ_OWNER``, else ``me``, else git's
``user.name`` when it names a rep of kq.yaml. :func:`owner_inputs` is what that answer rests
on, cheaply, with the standard library alone: the answers kept (:mod:`kqcli.store.warm`) are
kept per owner.
"""

from __future__ import annotations

import os

from .errors import PROBLEMS, KqError, Text, _

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

NAME = os.path.join(".kq", "local.yaml")
SHOWN = ".kq/local.yaml"
KEYS = ("me", "server")
"""The keys of ``.kq/local.yaml``, in the order ``kq config`` lists them."""
SERVER = ("on", "off")
DEFAULTS: dict[str, str | None] = {"me": None, "server": "off"}
ENVIRONMENT = "KQ_OWNER"
ALL = ("all", "全部")
"""``--owner all`` (or ``KQ_OWNER=all``): the whole team."""
MAX_BYTES = 64 * 1024


def path_of(root: str | Path) -> str:
    return os.path.join(str(root), NAME)


def read(root: str | Path) -> dict[str, Any]:
    """The keys set in ``.kq/local.yaml`` ({} when there is none); KqError naming the line
    of what is wrong. Keys kq does not know are kept out (a newer kq's, in an older clone)."""
    from .errors import reason
    from .yamlread import load

    path = path_of(root)
    if not os.path.lexists(path):
        return {}
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise KqError(_("{path}: cannot read: {reason}").format(
            path=SHOWN, reason=reason(e.errno, e.strerror or str(e))), PROBLEMS) from None
    if len(raw) > MAX_BYTES:
        raise KqError(_("{path}: cannot read: {reason}").format(
            path=SHOWN, reason=f"> {MAX_BYTES} bytes"), PROBLEMS)
    data, problem = load(raw, SHOWN)
    if problem is not None:
        raise KqError(str(problem), PROBLEMS)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KqError(_("{path}:1:1: not a mapping of keys (me: NAME, server: on|off)").format(
            path=SHOWN), PROBLEMS)
    found = {k: v for k, v in data.items() if k in KEYS and v is not None}
    for key, value in found.items():
        problem_text = check(key, value)
        if problem_text is not None:
            line = _line_of(raw, key)
            raise KqError(Text("{path}:{line}:{column}: {key}: {problem}", {
                "path": SHOWN, "line": line[0], "column": line[1], "key": key,
                "problem": problem_text}), PROBLEMS)
    return found


def check(key: str, value: object) -> Text | None:
    """What is wrong with ``value`` for ``key``; None when it is right."""
    if key == "me":
        if not isinstance(value, str) or not value.strip():
            return _("must be a rep's name")
    elif key == "server" and value not in SERVER:
        return _("{value} is not on or off").format(value=repr(value))
    return None


def _line_of(raw: bytes, key: str) -> tuple[int, int]:
    from .yamlread import positions

    return positions(raw).get((key,), (1, 1))


def write(root: str | Path, key: str, value: str | None) -> bool:
    """Set ``key`` (None: remove it), leaving every other byte of the file as it was; through
    a temporary file and a rename (files.write_whole). False when nothing changed."""
    from pathlib import Path

    from .files import write_whole
    from .yamledit import EditError, set_value

    read(root)  # a bad file is said, not edited
    path = Path(path_of(root))
    try:
        before = path.read_bytes()
    except FileNotFoundError:
        before = None
    text = (before or b"").decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    try:
        after = bom + set_value(text[len(bom):], key, value) if text.strip(bom + " \r\n") else (
            bom + text[len(bom):] + ("" if value is None else f"{key}: {_scalar(value)}\n"))
    except EditError as e:
        raise KqError(_("{path}: cannot edit: {reason}").format(path=SHOWN, reason=str(e)),
                      PROBLEMS) from None
    data = after.encode("utf-8")
    if data == (before or b""):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, data)  # wholly the old file or the new one
    return True


def _scalar(value: str) -> str:
    from .yamledit import scalar

    return scalar(value)


# -- who "I" am ---------------------------------------------------------------------------------

def default_owner(root: str | Path, reps: Callable[[], list[str]]) -> tuple[str | None, str | None]:
    """This clone's rep and where that came from (``KQ_OWNER``, ``.kq/local.yaml``,
    ``git user.name``, when it is one of ``reps()``); (None, None) when none is known, or
    (None, ``KQ_OWNER``) for ``KQ_OWNER=all``: the whole team."""
    given = os.environ.get(ENVIRONMENT, "").strip()
    if given:
        return (None if given in ALL else given), ENVIRONMENT
    me = read(root).get("me")
    if me:
        return me, SHOWN
    name = git_user(root)
    if name and name in reps():
        return name, "git user.name"
    return None, None


def git_user(root: str | Path) -> str:
    """git's ``user.name`` as git reads it here (the repository's, the global or the system's
    setting); "" when there is none or git cannot say."""
    from pathlib import Path

    from . import gitlog

    try:
        return gitlog.run(Path(root), "config", "user.name", check=False).stdout.strip()
    except OSError:  # git is not installed
        return ""


GIT_ENVIRONMENT = ("HOME", "XDG_CONFIG_HOME", "GIT_DIR", "GIT_COMMON_DIR", "GIT_CONFIG")
"""Variables that decide which git settings files say ``user.name`` (besides GIT_CONFIG_*)."""


def owner_inputs(root: str) -> str:
    """What :func:`default_owner` rests on, as text, for the key of an answer kept: KQ_OWNER,
    ``.kq/local.yaml``'s bytes and the bytes of git's settings files (the repository's, the
    global and the system's ones, as the environment names them). A few small reads; no git.
    (A file a git setting includes with ``[include]`` is not followed.)"""
    parts: list[object] = [os.environ.get(ENVIRONMENT), _bytes(path_of(root))]
    env = sorted((k, v) for k, v in os.environ.items()
                 if k.startswith("GIT_CONFIG") or k in GIT_ENVIRONMENT)
    parts.append(env)
    home = os.environ.get("HOME") or os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    files = [os.environ.get("GIT_CONFIG_GLOBAL") or os.path.join(home, ".gitconfig"),
             os.path.join(xdg, "git", "config")]
    if not os.environ.get("GIT_CONFIG_NOSYSTEM"):
        files.append(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig")
    files += _repository_settings(root)
    parts += [_bytes(f) for f in files]
    return repr(parts)


def _repository_settings(root: str) -> list[str]:
    """The settings files of the git repository holding ``root`` (a linked worktree's too)."""
    folder = os.environ.get("GIT_DIR")
    here = os.path.abspath(root)
    while folder is None:
        dot = os.path.join(here, ".git")
        if os.path.isdir(dot):
            folder = dot
        elif os.path.isfile(dot):
            text = _bytes(dot) or b""
            found = text.decode("utf-8", "replace").partition("gitdir:")[2].strip()
            folder = os.path.join(here, found) if found else dot
        else:
            up = os.path.dirname(here)
            if up == here:
                return []
            here = up
    common = (_bytes(os.path.join(folder, "commondir")) or b"").decode("utf-8", "replace").strip()
    found = [os.path.join(folder, "config"), os.path.join(folder, "config.worktree")]
    if common:
        found.append(os.path.join(folder, common, "config"))
    return found


def _bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read(MAX_BYTES)
    except OSError:
        return None
