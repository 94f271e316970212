"""``statements/YYYY-MM.yaml``: each rep's monthly expense statement of that month and its
three sign-offs (``kq statement``), read and validated, written through the writer.

A file is a mapping from the rep's name to what was done::

    李明:
      submitted: 2026-12-02
      special: 2026-12-02              # 新客户特殊费用汇总表
      clerk: {by: 周敏, date: 2026-12-04}
      manager: {by: 赵经理, date: 2026-12-07}
      finance: {by: 钱会计, date: 2026-12-08}

An invalid file is a located problem, skipped like an invalid customer file: what it holds
counts as not done.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import PROBLEMS, KqError, _, reason
from .files import folder_signature
from .problems import Problem, listed

FOLDER = "statements"
_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.yaml$")
HEADER = ("# {month} 客户采购及客情费统计表: 每位业代的提交与三方审核 (kq statement)\n"
          "# the monthly expense statement of each rep and its sign-offs (kq statement)\n")


def folder(root: Path) -> Path:
    return root / FOLDER


def path_of(root: Path, month: str) -> Path:
    return folder(root) / f"{month}.yaml"


def signature(root: Path) -> str:
    """What the statements read now rest on (files.folder_signature)."""
    return folder_signature(str(folder(root)))


def load(root: Path, index: Any, max_bytes: int,
         ) -> tuple[dict[str, dict[str, Any]], list[Problem], str]:
    """The statements (:func:`read`), their problems and the signature they were read at;
    kept in the index by that signature, so that an unchanged ``statements/`` is not validated
    again (``kq due`` does not import pydantic for it)."""
    from .stamp import code_stamp

    sig = signature(root)  # before reading
    if not sig:
        return {}, [], sig
    code = code_stamp()
    cached = index.get_meta("statements")
    if (sig != "racy" and isinstance(cached, dict) and cached.get("signature") == sig
            and cached.get("code") == code and cached.get("max_bytes") == max_bytes):
        return cached["data"], [Problem.from_dict(p) for p in cached["problems"]], sig
    data, problems = read(root, max_bytes)
    if sig != "racy":
        index.set_meta("statements", {"signature": sig, "code": code, "max_bytes": max_bytes,
                                      "data": data,
                                      "problems": [p.to_dict() for p in problems]})
    return data, problems, sig


def read(root: Path, max_bytes: int) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Every valid statements file as plain data (``core.statements``), and the problems of
    the others."""
    from ..schema.statement import StatementMonth
    from .index import Unreadable, read_regular
    from .validate import validate

    data: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    try:
        names = sorted(p.name for p in folder(root).iterdir())
    except OSError:
        return data, problems
    for name in names:
        if not name.endswith(".yaml") or name.startswith("."):
            continue
        shown = f"{FOLDER}/{name}"
        m = _MONTH_FILE.match(name)
        if not m or not 1 <= int(m.group(2)) <= 12:
            problems.append(Problem(shown, 1, 1, "", _("not read: a statements file is named "
                                                       "YYYY-MM.yaml, the month it covers")))
            continue
        try:
            raw = read_regular(folder(root) / name, max_bytes)
        except Unreadable as e:
            problems.append(Problem(shown, 1, 1, "", _("cannot read: {reason}").format(
                reason=e.args[0])))
            continue
        model, found = validate(raw, shown, StatementMonth)
        if model is None:
            problems += found
            continue
        data[name[:-5]] = {rep: entry.model_dump(mode="json", exclude_none=True)
                           for rep, entry in model.root.items()}
    return data, problems


def write(repo: Any, month: str, change: Any, message: str) -> str | None:
    """Change ``statements/MONTH.yaml`` (created with a header when missing) by ``change``, a
    text edit (``yamledit``); validate it, replace it atomically and commit it. Returns the
    commit's short hash."""
    from ..schema.statement import StatementMonth
    from .validate import validate
    from .writer import locked, text_change, write_and_commit

    path = path_of(repo.root, month)
    shown = f"{FOLDER}/{month}.yaml"
    with locked(repo.root, ".statements"):
        try:
            before = path.read_bytes() if path.exists() else None
        except OSError as e:
            raise KqError(_("{path}: cannot read: {reason}").format(
                path=shown, reason=reason(e.errno, e.strerror or ""))) from None
        if before is not None:
            _model, problems = validate(before, shown, StatementMonth)
            if problems:
                raise KqError(_("{path} is not valid; fix it first (kq check):\n{problems}").format(
                    path=shown, problems=listed(problems)), code=PROBLEMS)
        after = text_change(change, shown)(before or HEADER.format(month=month).encode())
        _model, problems = validate(after, shown, StatementMonth)
        if problems:
            raise KqError(_("the change would make the file invalid; nothing was written:\n"
                            "{problems}").format(problems=listed(problems)), code=PROBLEMS)
        try:
            path.parent.mkdir(exist_ok=True)
        except OSError as e:
            raise KqError(_("cannot create {path}: {reason}").format(
                path=f"{FOLDER}/", reason=reason(e.errno, e.strerror or "")),
                code=PROBLEMS) from None
        return write_and_commit(repo.root, [(path, before, after)], message,
                                autocommit=repo.settings.git.autocommit)


def set_value(text: str, rep: str, key: str, value: Any) -> str:
    """``text`` with ``rep``'s ``key`` set to ``value`` (the rep added at the end when
    absent; a file of comments only gets its first rep)."""
    from .yamledit import flow, scalar, set_in

    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        newline = "\r\n" if "\r\n" in text else "\n"
        body = text if not text or text.endswith(("\n", "\r")) else text + newline
        return f"{body}{scalar(rep)}:{newline}  {key}: {flow(value)}{newline}"
    return set_in(text, (rep, key), value)
