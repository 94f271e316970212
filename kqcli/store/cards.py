"""Month-end scorecards kept in the index: each customer's card for a month is worked out once
(:func:`kqcli.core.scoring.customer_card`) and kept until its file, ``kq.yaml`` or kq's rules
change, so ``kq score`` after one logged visit works out one card, not every customer's.

A customer's cards are dropped with its index row when its file changes (``Index.refresh``);
all of them when the rules or the settings change (the ``cards`` key in ``meta``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .agenda import light_settings
from .stamp import code_stamp


def scorecards(repo: Any, month: str, owner: str | None = None) -> list[dict[str, Any]]:
    """Every scored customer's card for ``month`` (of ``owner``'s customers only, if given), in
    :func:`~kqcli.core.scoring.ordered` order: what ``core.scoring.scorecards`` answers."""
    from ..core.scoring import customer_card, ordered
    from .index import CARDS_SCHEMA

    index = repo.index
    _, text = light_settings(repo)
    stamp = "\n".join([code_stamp(), *CARDS_SCHEMA, text])
    key = hashlib.blake2b(stamp.encode(), digest_size=12).hexdigest()
    if index.get_meta("cards") != key:
        def wipe(db: Any) -> None:
            for statement in CARDS_SCHEMA:  # drop and create
                db.execute(statement)
            db.execute("insert or replace into meta values ('cards', ?)", (json.dumps(key),))

        index.write(wipe)
    missing = index.db.execute(
        """select f.id, f.summary, f.ledger, f.sig from files f
           where f.ok = 1 and not exists (select 1 from cards c
                                          where c.id = f.id and c.month = ?)""",
        (month,)).fetchall()
    new: list[tuple[str, str, str]] = []
    if missing:
        settings = repo.settings
        new = [(i, month, json.dumps(customer_card(json.loads(s), json.loads(ledger), settings,
                                                   month), ensure_ascii=False))
               for i, s, ledger, _ in missing]
        read_sig = {i: sig for i, *_, sig in missing}

        def store(db: Any) -> None:
            # A file another kq indexed anew meanwhile keeps no card made from its old row.
            current = {i for i, sig in db.execute("select id, sig from files")
                       if read_sig.get(i) == sig}
            db.executemany("insert or replace into cards values (?, ?, ?)",
                           [card for card in new if card[0] in current])

        index.write(store)
    found = {i: json.loads(text) for i, text in index.db.execute(
        """select c.id, c.card from cards c join files f on f.id = c.id
           where c.month = ? and f.ok = 1""", (month,))}
    found.update((i, json.loads(text)) for i, _, text in new)  # also those not kept
    return ordered([c for c in found.values() if c and (not owner or c["owner"] == owner)])
