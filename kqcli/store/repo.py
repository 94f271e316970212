"""The repository as the commands see it: a thin facade over the store (``kqcli/store/``) and
the index, so that a command opens one object and asks it for settings, customers and names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.ids import ID_RULE, SAFE_ID, valid_id
from . import names
from . import settings as settings_file
from .errors import KqError, Text, _
from .names import Match
from .problems import Problem, listed
from .progress import progress
from .root import find_root, parse_today

if TYPE_CHECKING:
    from ..schema.config import Settings
    from ..schema.customer import Customer
    from .index import Index

__all__ = ["ID_RULE", "SAFE_ID", "Match", "Repo", "find_root", "parse_today", "valid_id"]


@dataclass
class Repo:
    root: Path
    today: dt.date
    problems: list[Problem] = field(default_factory=list)
    full: bool = False  # re-read every file, trusting nothing in the cache (kq check --full)
    statements_signature: str = ""  # of statements/ when it was read (repo.statements)

    @property
    def customers_dir(self) -> Path:
        return self.root / "customers"

    @cached_property
    def settings(self) -> Settings:
        return settings_file.load(self.root)

    def check_settings(self) -> None:
        """Refuse to work on an invalid kq.yaml; the verdict is cached in the index by its stat."""
        settings_file.verdict(self.root, self.cache, lambda: self.settings, strict=True)

    def max_file_bytes(self) -> int:
        """The size cap on customer files (``check.max_file_bytes``), default when kq.yaml is
        invalid."""
        return settings_file.verdict(self.root, self.cache, lambda: self.settings, strict=False)

    @cached_property
    def cache(self) -> Index:
        """The index as the cache holds it, not yet brought up to date."""
        from .index import Index

        return Index(self.root)

    @cached_property
    def index(self) -> Index:
        index = self.cache
        cap = self.max_file_bytes()
        with progress(_("indexing customers")) as tick:
            index.refresh(tick, max_bytes=cap, full=self.full)
        if index.fallback:
            from .errors import warn

            warn(Text("kq: {message}", {"message": _(
                "cannot write the cache in .kq ({reason}); reading the files directly this "
                "time").format(reason=index.fallback)}))
        self.problems = index.problems()
        if not index.fallback:
            from . import schema_file

            schema_file.keep(self.root, index)
        return index

    @cached_property
    def statements(self) -> dict[str, dict[str, Any]]:
        """The expense statements (``statements/YYYY-MM.yaml``) as plain data
        (``core.statements``); an invalid file joins the repository's problems, skipped like
        an invalid customer file."""
        from . import statements

        index = self.index  # sets the customer files' problems, which these join
        data, problems, self.statements_signature = statements.load(
            self.root, index, self.max_file_bytes())
        self.problems = [*self.problems, *problems]
        return data

    def path_of(self, customer_id: str) -> Path:
        """The file of a customer id; never a path outside ``customers/``."""
        return names.path_of(self.customers_dir, customer_id)

    def resolve(self, query: str) -> Match:
        """Find one customer by id, id prefix, name substring or pinyin initials (exit 2 if not)."""
        return names.resolve(query, self.index.names(), self.index.invalid_ids)

    def load(self, customer_id: str) -> tuple[Customer, bytes]:
        """Read and validate one customer file straight from disk."""
        from .index import Unreadable, read_regular
        from .validate import validate_customer

        path = self.path_of(customer_id)
        try:
            raw = read_regular(path, self.max_file_bytes())
        except Unreadable as e:
            raise KqError(_("{path}: cannot read: {reason}").format(
                path=f"customers/{customer_id}.yaml", reason=e.args[0]), code=1) from None
        customer, problems = validate_customer(raw, f"customers/{customer_id}.yaml")
        if customer is None:
            raise KqError(listed(problems), code=1)
        return customer, raw
