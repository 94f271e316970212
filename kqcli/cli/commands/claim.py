"""kq claim: a rep takes a customer from the pool (公海)."""

from __future__ import annotations

from typing import Annotated

import typer

from ...store.errors import PROBLEMS, KqError
from ..i18n import _
from . import REP, CustomerArgument, committed, friendly, open_repo, owner_of


@friendly
def run(
    ctx: typer.Context,
    customer: CustomerArgument,
    rep: Annotated[str | None, typer.Option("--as", metavar="REP", click_type=REP,
                                            help="The rep who takes it. Default: you "
                                            "(KQ_OWNER, kq config me, git's user.name).")
                   ] = None,
) -> None:
    """Take a customer from the pool (公海): sets its owner and records the handover (one
    commit); the new owner gets a `handover` visit in kq due, and the customer leaves the pool.

    The handover is appended to `owners:` ({from, to, date}): months that ended before today
    stay the previous owner's in kq score, kq expenses, kq team and kq report.

    Example: kq --repo examples claim 健民 --as 王强
    """
    from ...core.pool import POOL_FACTS, pool_entry
    from ...core.reassign import check_rep
    from ...store.writer import text_change, update_customer
    from .reassign import handover

    repo = open_repo(ctx)
    if repo.settings.pool is None:
        raise KqError(_("the pool is off; add to kq.yaml: {setting}").format(
            setting="pool: {after_days: 90, kinds: [terminal]}"), code=PROBLEMS)
    match = repo.resolve(customer)
    rows = repo.index.facts(POOL_FACTS)
    summary, facts = next((s, f) for s, f in rows if s["id"] == match.id)
    owners = {s["owner"] for s, _facts in rows if s.get("owner")}
    name = check_rep(owner_of(repo, rep) or _no_rep(), repo.settings, owners, repo.today,
                     "--as")
    entry = pool_entry(summary, facts, repo.settings, repo.today)
    if entry is None:
        raise KqError(_("{name} is not in the pool (owner {owner}, last met {day}); kq reassign "
                        "moves a customer between reps").format(
            name=match.name, owner=summary.get("owner") or _("nobody"),
            day=facts.get("last_in_person") or _("never")), code=PROBLEMS)
    previous = summary.get("owner")
    path = repo.path_of(match.id)
    _written, sha = update_customer(
        repo.root, path, text_change(handover(name, previous, repo.today),
                                     f"customers/{match.id}.yaml"),
        f"claim: {match.name} → {name} (公海, from {previous or 'nobody'})",
        autocommit=repo.settings.git.autocommit)
    typer.echo(_("{rep} claimed {name} from the pool (was {previous})").format(
        rep=name, name=match.name, previous=previous or _("nobody")) + committed(sha))


def _no_rep() -> str:
    """No --as and no default owner: a usage error."""
    raise KqError(_("{option}: say which rep takes the customer (--as REP)").format(
        option="--as"))
