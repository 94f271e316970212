"""Finding the repository, reading its settings, and loading customers through the index."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import KqError
from .problems import Problem

if TYPE_CHECKING:
    from .index import Index
    from .schema.config import Settings
    from .schema.customer import Customer

SAFE_ID = re.compile(r"[A-Za-z0-9\u4e00-\u9fff][\w.\-\u4e00-\u9fff]*")
ID_RULE = ("an id starts with a letter, digit or Chinese character and holds only those, "
           "'.', '-' and '_'")


def valid_id(customer_id: str) -> bool:
    """The one rule for customer ids, shared by the index (kq check, list) and by the commands
    that name a customer (show, log): a file kq lists is a file kq can open."""
    return SAFE_ID.fullmatch(customer_id) is not None and customer_id not in {".", ".."}


def find_root(explicit: str | None) -> Path:
    """``--repo``, else ``$KQ_REPO``, else the nearest folder upwards holding ``kq.yaml``."""
    given = explicit or os.environ.get("KQ_REPO")
    if given:
        root = Path(given).expanduser()
        if not (root / "kq.yaml").is_file():
            raise KqError(f"{root}: not a kq repository (no kq.yaml); run 'kq init {given}'")
        return root
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "kq.yaml").is_file():
            return folder
    raise KqError("no kq repository here (no kq.yaml in this folder or above); "
                  "run 'kq init' or pass --repo PATH")


def parse_today(value: str | None) -> dt.date:
    """``--today``, else ``$KQ_TODAY``, else the system date."""
    text = value or os.environ.get("KQ_TODAY")
    if not text:
        return dt.date.today()
    from .schema.types import day_in_range

    source = "--today" if value else "KQ_TODAY"
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KqError(f"{source}: {text!r} is not a date; write YYYY-MM-DD") from None
    try:
        return day_in_range(day)
    except ValueError as e:
        raise KqError(f"{source}: {e}") from None


@dataclass
class Match:
    id: str
    name: str


@dataclass
class Repo:
    root: Path
    today: dt.date
    problems: list[Problem] = field(default_factory=list)
    full: bool = False  # re-read every file, trusting nothing in the cache (kq check --full)

    @property
    def customers_dir(self) -> Path:
        return self.root / "customers"

    @cached_property
    def settings(self) -> Settings:
        from .index import Unreadable, read_regular
        from .schema.config import Check, Settings
        from .validate import validate

        try:
            raw = read_regular(self.root / "kq.yaml", Check().max_file_bytes, follow=True)
        except Unreadable as e:
            raise KqError(f"kq.yaml: cannot read: {e}") from None
        settings, problems = validate(raw, "kq.yaml", Settings)
        if settings is None:
            shown = "\n".join(str(p) for p in problems)
            raise KqError(f"kq.yaml is not valid; fix it first:\n{shown}", code=1)
        return settings

    def check_settings(self) -> None:
        """Refuse to work on an invalid kq.yaml; the verdict is cached in the index by its stat."""
        self._settings_verdict(strict=True)

    def _settings_verdict(self, strict: bool) -> int:
        """kq.yaml's ``check.max_file_bytes``, validating kq.yaml only when its stat changed.

        Not ``strict`` (kq check, which reports kq.yaml itself): an invalid kq.yaml gives the
        default cap instead of stopping the command.
        """
        from .index import signature

        try:
            (self.root / "kq.yaml").stat()
        except OSError as e:
            raise KqError(f"kq.yaml: cannot read: {e.strerror}") from None
        sig = signature(str(self.root / "kq.yaml"), 0)
        store = self._store
        cached = store.get_meta("settings")
        if (sig != "racy" and isinstance(cached, dict) and cached.get("signature") == sig
                and isinstance(cached.get("max_file_bytes"), int)):
            return cached["max_file_bytes"]
        try:
            cap = self.settings.check.max_file_bytes  # validates; KqError with the problems
        except KqError:
            if strict:
                raise
            from .schema.config import Check

            return Check().max_file_bytes
        store.set_meta("settings", {"signature": sig, "max_file_bytes": cap})
        return cap

    def max_file_bytes(self) -> int:
        """The size cap on customer files (``check.max_file_bytes``), default when kq.yaml is
        invalid."""
        return self._settings_verdict(strict=False)

    @cached_property
    def _store(self) -> Index:
        """The index as the cache holds it, not yet brought up to date."""
        from .index import Index

        return Index(self.root)

    @cached_property
    def index(self) -> Index:
        index = self._store
        cap = self.max_file_bytes()
        with _progress("indexing customers") as tick:
            index.refresh(tick, max_bytes=cap, full=self.full)
        if index.fallback:
            from .render import warn

            warn(f"kq: cannot write the cache in .kq ({index.fallback}); "
                 "reading the files directly this time")
        self.problems = index.problems()
        if not index.fallback:
            self._write_schema()
        return index

    def _write_schema(self) -> None:
        """Keep .kq/schema.json for the editors' `# yaml-language-server: $schema=` line."""
        target = self.root / ".kq" / "schema.json"
        if target.exists():
            return
        from .schema.customer import json_schema_text

        try:
            target.write_text(json_schema_text(), encoding="utf-8")
        except OSError:
            pass  # a read-only checkout: editors just go without

    def path_of(self, customer_id: str) -> Path:
        """The file of a customer id; never a path outside ``customers/``."""
        if not valid_id(customer_id):
            raise KqError(f"{customer_id!r} is not a valid customer id: {ID_RULE}")
        path = (self.customers_dir / f"{customer_id}.yaml").resolve()
        if path.parent != self.customers_dir.resolve():
            raise KqError(f"{customer_id!r} is not a valid customer id")
        return path

    def resolve(self, query: str) -> Match:
        """Find one customer by id, id prefix, name substring or pinyin initials (exit 2 if not)."""
        from .pinyin import matches

        names = self.index.names()
        q = query.strip()
        ql = q.lower()
        rules = [
            lambda i, n, _: i == q,
            lambda i, n, _: n == q,
            lambda i, n, _: i.lower().startswith(ql),
            lambda i, n, _: q in n,
            lambda i, n, letters: ql.isalnum() and ql.isascii() and matches(ql, letters, True),
            lambda i, n, letters: ql.isalnum() and ql.isascii() and matches(ql, letters),
        ]
        for rule in rules:
            found = sorted((i, n) for i, n, letters in names if rule(i, n, letters))
            if len(found) == 1:
                return Match(*found[0])
            if len(found) > 1:
                shown = "\n".join(f"  {i}  {n}" for i, n in found[:20])
                more = f"\n  … and {len(found) - 20} more" if len(found) > 20 else ""
                raise KqError(f"'{query}' matches {len(found)} customers; say which:\n"
                              f"{shown}{more}")
        invalid = [i for i in self.index.invalid_ids() if i.startswith(q)]
        if invalid:
            raise KqError(f"'{query}' is {invalid[0]}, whose file is invalid; run 'kq check'",
                          code=1)
        raise KqError(f"no customer matches '{query}' (by id, name or pinyin initials)")

    def load(self, customer_id: str) -> tuple[Customer, bytes]:
        """Read and validate one customer file straight from disk."""
        from .index import Unreadable, read_regular
        from .validate import validate_customer

        path = self.path_of(customer_id)
        try:
            raw = read_regular(path, self.max_file_bytes())
        except Unreadable as e:
            raise KqError(f"customers/{customer_id}.yaml: cannot read: {e}", code=1) from None
        customer, problems = validate_customer(raw, f"customers/{customer_id}.yaml")
        if customer is None:
            raise KqError("\n".join(str(p) for p in problems), code=1)
        return customer, raw


class _progress:
    """A Rich progress bar on stderr, shown only when indexing takes more than a second."""

    def __init__(self, label: str) -> None:
        self.label, self.bar, self.task, self.start = label, None, None, 0.0

    def __enter__(self) -> Any:
        import time

        self.start = time.monotonic()

        def tick(done: int, total: int) -> None:
            if self.bar is None:
                if time.monotonic() - self.start < 1.0 or not _stderr_is_terminal():
                    return
                from rich.console import Console
                from rich.progress import Progress

                self.bar = Progress(console=Console(stderr=True), transient=True)
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=total)
            self.bar.update(self.task, completed=done)

        return tick

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _stderr_is_terminal() -> bool:
    try:
        return os.isatty(2)
    except OSError:
        return False
