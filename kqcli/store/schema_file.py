"""``.kq/schema.json`` for the editors' ``# yaml-language-server: $schema=`` line, kept in step
with the schema: rewritten when kq's version or the schema's code changes, or when it is gone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .index import Index

META_KEY = "schema_file"


def stamp() -> str:
    """Changes with kq's version and with any edit to the schema package (a development tree)."""
    from .. import __version__

    folder = Path(__file__).resolve().parent.parent / "schema"
    newest = max((p.stat().st_mtime_ns for p in folder.glob("*.py")), default=0)
    return f"{__version__}/{newest}"


def stale(current: str, recorded: object, present: bool) -> bool:
    return not present or recorded != current


def keep(root: Path, index: Index) -> bool:
    """Write ``.kq/schema.json`` when it is stale; whether it was written. A read-only checkout
    goes without: editors then lose completion, kq loses nothing."""
    target = root / ".kq" / "schema.json"
    current = stamp()
    if not stale(current, index.get_meta(META_KEY), target.is_file()):
        return False
    from ..schema.customer import json_schema_text

    text = json_schema_text()
    written = False
    part = target.with_name(f".schema.json.{os.getpid()}.tmp")
    try:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            part.write_text(text, encoding="utf-8")
            os.replace(part, target)
            written = True
    except (OSError, UnicodeDecodeError):
        return False
    finally:
        part.unlink(missing_ok=True)
    index.set_meta(META_KEY, current)
    return written
