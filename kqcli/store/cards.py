"""Month-end scorecards kept in the index: each customer's card for a month is worked out once
(:func:`kqcli.core.scoring.customer_card`) and kept until its file, ``kq.yaml`` or kq's rules
change, so ``kq score`` after one logged visit works out one card, not every customer's.

A customer's cards are dropped with its index row when its file changes (``Index.refresh``);
all of them when the rules or the settings change (the ``cards`` key in ``meta``).
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from .agenda import light_settings
from .stamp import code_stamp


def scorecards(repo: Any, month: str, owner: str | None = None) -> list[dict[str, Any]]:
    """Every scored customer's card for ``month`` (of ``owner``'s customers only, if given), in
    :func:`~kqcli.core.scoring.ordered` order: what ``core.scoring.scorecards`` answers."""
    from ..core.scoring import ordered

    index = repo.index
    made = _up_to_date(repo, month)
    # The cards just worked out are taken as made (also those that could not be kept), not
    # read back: on a first kq team or score, that is every customer's.
    found = {i: json.loads(text) for i, text in index.db.execute(
        """select c.id, c.card from cards c join files f on f.id = c.id
           where c.month = ? and f.ok = 1""", (month,)) if i not in made}
    found.update(made)
    return ordered([c for c in found.values() if c and (not owner or c["owner"] == owner)])


def owner_totals(repo: Any, month: str) -> list[dict[str, Any]]:
    """Each rep's average scorecard total and change for ``month`` (``owner``, ``total``,
    ``change``: those of :func:`~kqcli.core.scoring.by_owner`), from the cards' columns
    without reading the cards: at 100,000 customers decoding every card and averaging all
    their items took 1.9 s of a ``kq team`` after one edited file."""
    from ..core.scoring import totals_by_owner

    made = _up_to_date(repo, month)  # (taken as made: those that could not be kept too)
    rows = [row for row in repo.index.db.execute(
        """select c.owner, c.total, c.id, c.change from cards c join files f on f.id = c.id
           where c.month = ? and f.ok = 1 and c.total is not null""", (month,))
        if row[2] not in made]
    rows.extend((c["owner"], c["total"], i, c["change"]) for i, c in made.items() if c)
    rows.sort(key=lambda r: (r[0] or "", -r[1], r[2]))  # ordered()'s order within a rep
    return totals_by_owner((owner, total, moved) for owner, total, _, moved in rows)


def _up_to_date(repo: Any, month: str) -> dict[str, dict[str, Any] | None]:
    """Work out and keep the cards for ``month`` not kept (every card after a change to the
    rules or the settings); the cards just made, by customer id."""
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
    missing = [i for (i,) in index.db.execute(
        """select f.id from files f
           where f.ok = 1 and not exists (select 1 from cards c
                                          where c.id = f.id and c.month = ?)""", (month,))]
    return _work_out(index, repo.settings, month, missing) if missing else {}


def _work_out(index: Any, settings: Any, month: str, missing: list[str],
              ) -> dict[str, dict[str, Any] | None]:
    """Work out and keep the cards of ``missing`` for ``month``, in batches (a first ``kq
    score`` or ``kq team`` of a national company writes one batch's rows at a time); the cards
    by id, those that could not be kept (their file was indexed anew meanwhile) too. (In this
    process: on two workers a card is cheap enough that passing the settings to them cost
    what they saved, 2.0 s either way at 10,000 customers.)"""
    from ..core.scoring import customer_card
    from .errors import _
    from .pool import BATCH
    from .progress import progress

    made: dict[str, dict[str, Any] | None] = {}
    done = 0
    with progress(_("working out scorecards")) as tick:
        for start in range(0, len(missing), BATCH):
            read = index.read(missing[start:start + BATCH], "ledger")
            new = []
            for i, summary, ledger, _sig in read:
                card = customer_card(json.loads(summary), json.loads(ledger), settings, month)
                made[i] = card
                new.append((i, month, json.dumps(card, ensure_ascii=False),
                            *((card["owner"], card["total"], card["change"]) if card
                              else (None, None, None))))
                done += 1
                tick(done, len(missing))

            index.write(functools.partial(_keep, new, {i: sig for i, *_, sig in read}))
    return made


def _keep(new: list[tuple[Any, ...]], read_sig: dict[str, str], db: Any) -> None:
    """Write the cards ``new`` of the files still as read."""
    from .index import still_read

    current = still_read(db, read_sig)
    db.executemany("insert or replace into cards values (?, ?, ?, ?, ?, ?)",
                   [card for card in new if card[0] in current])
