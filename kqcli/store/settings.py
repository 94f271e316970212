"""kq.yaml: read and validated once per change; the verdict cached in the index by its stat,
so an unchanged kq.yaml costs one stat per command instead of a pydantic validation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .context import current
from .errors import PROBLEMS, KqError, _, reason
from .problems import listed

if TYPE_CHECKING:
    from ..schema.config import Settings
    from .index import Index


def load(root: Path) -> Settings:
    """The settings of the repository at ``root``; an invalid kq.yaml stops with its problems."""
    from ..schema.config import Check, Settings
    from .index import Unreadable, read_regular
    from .validate import validate

    try:
        raw = read_regular(root / "kq.yaml", Check().max_file_bytes, follow=True)
    except Unreadable as e:
        raise KqError(_("kq.yaml: cannot read: {reason}").format(reason=e.args[0])) from None
    settings, problems = validate(raw, "kq.yaml", Settings)
    if settings is None:
        raise KqError(_("kq.yaml is not valid; fix it first:\n{problems}").format(
            problems=listed(problems)), code=PROBLEMS)
    return settings


def verdict(root: Path, store: Index, settings: Callable[[], Settings], strict: bool) -> int:
    """kq.yaml's ``check.max_file_bytes``, validating kq.yaml only when its stat changed; its
    ``lang`` goes to the run context.

    Not ``strict`` (kq check, which reports kq.yaml itself): an invalid kq.yaml gives the
    default cap instead of stopping the command.
    """
    from .index import signature

    try:
        (root / "kq.yaml").stat()
    except OSError as e:
        raise KqError(_("kq.yaml: cannot read: {reason}").format(
            reason=reason(e.errno, e.strerror or ""))) from None
    sig = signature(str(root / "kq.yaml"), 0)
    cached = _cached(root, store, sig)
    if cached is not None:
        current().repo_lang = cached.get("lang")
        return cached["max_file_bytes"]
    try:
        valid = settings()  # validates; KqError with the problems
    except KqError:
        if strict:
            raise
        from ..schema.config import Check

        return Check().max_file_bytes
    cap, current().repo_lang = valid.check.max_file_bytes, valid.lang
    store.set_meta("settings", {"signature": sig, "max_file_bytes": cap, "lang": valid.lang})
    return cap


def cached_cap(root: Path, store: Index, sig: str | None = None) -> int | None:
    """``check.max_file_bytes`` as the last validation of the present kq.yaml (whose signature
    is ``sig``, when known) found it; None when kq.yaml changed since (only a command that
    validates it may say)."""
    cached = _cached(root, store, sig)
    return None if cached is None else cached["max_file_bytes"]


def _cached(root: Path, store: Index, sig: str | None = None) -> dict[str, Any] | None:
    """What the last validation of the present kq.yaml found (``max_file_bytes``, ``lang``)."""
    from .index import signature

    sig = sig or signature(str(root / "kq.yaml"), 0)
    cached = store.get_meta("settings")
    if (sig != "racy" and isinstance(cached, dict) and cached.get("signature") == sig
            and isinstance(cached.get("max_file_bytes"), int)):
        return cached
    return None
