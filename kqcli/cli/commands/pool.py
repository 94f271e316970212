"""kq pool: the customer pool (公海), customers nobody looks after, longest neglected first."""

from __future__ import annotations

import typer

from ...store.warm import answered
from ..i18n import _, ngettext
from ..render import Format
from . import BomOption, FormatOption, KeysOption, OutputOption, friendly, open_repo, report_skipped


@friendly
def run(ctx: typer.Context, fmt: FormatOption = Format.table, output: OutputOption = None,
        bom: BomOption = False, keys: KeysOption = False) -> None:
    """Customers in the pool (公海): active customers of the pool's kinds nobody met in person
    for pool.after_days, or whose rep left more than pool.departed_days ago. Any rep may take
    one with `kq claim`. Off until kq.yaml has `pool: {after_days: 90, kinds: [terminal]}`.

    Example: kq --repo examples --today 2026-12-05 pool
    """
    from ...core.pool import FIELDS, POOL_FACTS, pool
    from ..render import Column, emit, warn

    repo = open_repo(ctx)
    if repo.settings.pool is None:
        warn("kq: " + _("the pool is off; add to kq.yaml: {line}").format(
            line="pool: {after_days: 90, kinds: [terminal]}"))
    entries = pool(repo.index.facts(POOL_FACTS), repo.settings, repo.today)
    code = report_skipped(repo)
    emit([e.to_json() for e in entries], fmt,
         [Column("customer", "id"), Column("name", "客户"), Column("owner", "原业代"),
          Column("last_in_person", "上次见面"), Column("days", "天数", justify="right")],
         title=_("Pool"), caption=ngettext("{n} customer", "{n} customers", len(entries)).format(
             n=len(entries)) + (_("; kq claim CUSTOMER --as REP takes one") if entries else ""),
         fields=FIELDS,
         output=output, bom=bom, sheet=("公海", "pool"))
    answered()  # the whole answer is printed: kqcli.store.warm may keep it
    raise typer.Exit(code)
