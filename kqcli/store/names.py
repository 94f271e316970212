"""From what a user typed to one customer: the id rule, the file of an id, and finding a
customer by id, id prefix, name substring or pinyin initials."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.ids import ID_RULE, valid_id
from .errors import PROBLEMS, KqError, _

SHOWN = 20  # candidates listed for an ambiguous name

Names = Sequence[tuple[str, str, list[str]]]  # (id, name, pinyin initials per character)


@dataclass
class Match:
    id: str
    name: str


def path_of(customers_dir: Path, customer_id: str) -> Path:
    """The file of a customer id; never a path outside ``customers/``."""
    if not valid_id(customer_id):
        raise KqError(f"{customer_id!r} is not a valid customer id: {ID_RULE}")
    path = (customers_dir / f"{customer_id}.yaml").resolve()
    if path.parent != customers_dir.resolve():
        raise KqError(f"{customer_id!r} is not a valid customer id")
    return path


def candidates(query: str, names: Names) -> list[tuple[str, str]]:
    """The customers the first rule that finds any finds, strictest rule first: exact id, exact
    name, id prefix, name substring, pinyin initials of whole words, then of any characters."""
    from ..core.pinyin import matches

    q = query.strip()
    ql = q.lower()
    initials = ql.isalnum() and ql.isascii()
    rules: list[Callable[[str, str, list[str]], bool]] = [
        lambda i, n, _: i == q,
        lambda i, n, _: n == q,
        lambda i, n, _: i.lower().startswith(ql),
        lambda i, n, _: q in n,
        lambda i, n, letters: initials and matches(ql, letters, True),
        lambda i, n, letters: initials and matches(ql, letters),
    ]
    for rule in rules:
        found = sorted((i, n) for i, n, letters in names if rule(i, n, letters))
        if found:
            return found
    return []


def resolve(query: str, names: Names, invalid_ids: Callable[[], list[str]]) -> Match:
    """One customer, or a message: ambiguous (the candidates) or unknown exit 2; a name that is
    only the id of an invalid file exits 1 and says to run ``kq check``."""
    found = candidates(query, names)
    if len(found) == 1:
        return Match(*found[0])
    if found:
        shown = "\n".join(f"  {i}  {n}" for i, n in found[:SHOWN])
        more = _("\n  … and {n} more").format(n=len(found) - SHOWN) if len(found) > SHOWN else ""
        raise KqError(_("'{query}' matches {n} customers; say which:\n{shown}{more}").format(
            query=query, n=len(found), shown=shown, more=more))
    invalid = [i for i in invalid_ids() if i.startswith(query.strip())]
    if invalid:
        raise KqError(_("'{query}' is {id}, whose file is invalid; run 'kq check'").format(
            query=query, id=invalid[0]), code=PROBLEMS)
    raise KqError(_("no customer matches '{query}' (by id, name or pinyin initials)").format(
        query=query))


def completions(incomplete: str, names: Names) -> list[tuple[str, str]]:
    """Ids (with names, for shells that show them) a shell may offer for what was typed: ids
    starting with it first, then names containing it or matching its pinyin initials."""
    from ..core.pinyin import matches

    q = incomplete.strip().lower()
    initials = q.isascii() and q.isalnum()
    by_id = sorted((i, n) for i, n, _ in names if i.lower().startswith(q))
    taken = {i for i, _ in by_id}
    by_name = sorted((i, n) for i, n, letters in names if i not in taken
                     and (q in n.lower() or (initials and matches(q, letters))))
    return by_id + by_name


def rep_completions(incomplete: str, reps: Sequence[str]) -> list[str]:
    """Reps a shell may offer for what was typed: names starting with it, then names whose
    pinyin initials start with it (``lm``: 李明)."""
    q = incomplete.strip().lower()
    found = sorted(r for r in set(reps) if r.lower().startswith(q))
    if q.isascii() and q.isalnum():
        from ..core.pinyin import initials, matches

        found += sorted(r for r in set(reps) if r not in found
                        and matches(q, initials(r), prefix_only=True))
    return found
