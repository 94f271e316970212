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
from collections.abc import Iterable
from typing import Any

from .agenda import light_settings
from .stamp import code_stamp

Card = tuple[str, str, str, str | None, float | None, float | None]
"""A card's row as kept: (id, month, the card as JSON ('null': not scored), owner, total,
change)."""


def scorecards(repo: Any, month: str, owner: str | None = None) -> list[dict[str, Any]]:
    """Every scored customer's card for ``month`` (of ``owner``'s customers only, if given), in
    :func:`~kqcli.core.scoring.ordered` order: what ``core.scoring.scorecards`` answers."""
    from ..core.scoring import ordered

    made = _up_to_date(repo, month)
    # The cards just worked out are taken as made (also those that could not be kept).
    found = {i: text for i, text in repo.index.db.execute(
        """select c.id, c.card from cards c join files f on f.id = c.id
           where c.month = ? and f.ok = 1""", (month,)) if i not in made}
    found.update((i, row[2]) for i, row in made.items())
    cards = (json.loads(text) for text in found.values())
    return ordered([c for c in cards if c and (not owner or c["owner"] == owner)])


def owner_totals(repo: Any, month: str) -> list[dict[str, Any]]:
    """Each rep's average scorecard total and change for ``month`` (``owner``, ``total``,
    ``change``: those of :func:`~kqcli.core.scoring.by_owner`), from the cards' columns
    without reading the cards: at 100,000 customers decoding every card and averaging all
    their items took 1.9 s of a ``kq team`` after one edited file."""
    from ..core.scoring import totals_by_owner

    made = _up_to_date(repo, month, texts=False)  # (taken as made: those not kept too)
    rows = [row for row in repo.index.db.execute(
        """select c.owner, c.total, c.id, c.change from cards c join files f on f.id = c.id
           where c.month = ? and f.ok = 1 and c.total is not null""", (month,))
        if row[2] not in made]
    rows.extend((owner, total, i, moved) for i, _, _, owner, total, moved in made.values()
                if total is not None)
    return totals_by_owner(rows)


def _up_to_date(repo: Any, month: str, texts: bool = True) -> dict[str, Card]:
    """Work out and keep the cards for ``month`` not kept (every card after a change to the
    rules or the settings); the cards just made, by customer id (without their JSON unless
    ``texts``: at 100,000 customers 300 MB that ``kq team`` does not read)."""
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
    return _work_out(index, repo.settings, month, missing, texts) if missing else {}


PARALLEL_FROM = 2_000
"""Cards; fewer are worked out in this process (starting the workers costs more)."""


def _card(work: tuple[Any, str], item: tuple[str, str, str]) -> Card:
    """One customer's card as kept, by ``work``: (settings, month) (runs in worker processes:
    the card goes back as its JSON, which the parent writes as it is)."""
    from ..core.scoring import customer_card
    from .index import compact

    settings, month = work
    customer_id, summary, ledger = item
    card = customer_card(json.loads(summary), json.loads(ledger), settings, month)
    if card is None:
        return customer_id, month, "null", None, None, None
    return (customer_id, month, compact(card), card["owner"],
            card["total"], card["change"])


def _work_out(index: Any, settings: Any, month: str, missing: list[str], texts: bool,
              ) -> dict[str, Card]:
    """Work out and keep the cards of ``missing`` for ``month``, in batches (a first ``kq
    score`` or ``kq team`` of a national company writes one batch's rows at a time), on every
    core when there are many: the workers work a batch out while this process writes the one
    before. The cards by id, those that could not be kept (their file was indexed anew
    meanwhile) too."""
    from .errors import _
    from .pool import batches, jobs_for, written_behind
    from .progress import progress

    made: dict[str, Card] = {}

    def keep(read_sig: dict[str, str], results: Iterable[Card]) -> None:
        new = []
        for card in results:
            made[card[0]] = card if texts else (*card[:2], "", *card[3:])
            new.append(card)
            tick(len(made), len(missing))
        index.write(functools.partial(_keep, new, read_sig))

    with progress(_("working out scorecards")) as tick, batches(
            functools.partial(_card, (settings, month)),
            jobs_for(len(missing), PARALLEL_FROM), "fork") as run:
        written_behind(index, missing, "ledger", run, keep)
    return made


def _keep(new: list[tuple[Any, ...]], read_sig: dict[str, str], db: Any) -> None:
    """Write the cards ``new`` of the files still as read."""
    from .index import files_now, still_read

    current = still_read(read_sig, files_now(db, read_sig))
    db.executemany("insert or replace into cards values (?, ?, ?, ?, ?, ?)",
                   [card for card in new if card[0] in current])
