"""kq report: the month on one self-contained HTML page, for the sales manager."""

from __future__ import annotations

import typer

from ..i18n import _, translated
from . import OutputOption, ScoreMonthOption, friendly, open_repo, parse_month, report_skipped


@friendly
def run(
    ctx: typer.Context,
    month: ScoreMonthOption = None,
    output: OutputOption = None,
) -> None:
    """The month as one HTML page a manager opens in any browser, offline: per rep the
    scorecard items as bars and the change; overdue reminders by reason; each customer at
    risk with a chart of its last 12 months; suggested tier changes; the expense statement;
    the month's photos per customer as thumbnails. Charts are inline SVG and thumbnails
    data: URIs: the file needs nothing else. Without --output, the page goes to
    stdout.

    Example: kq --repo examples --today 2026-11-24 report --month 2026-10 --output 2026-10.html
    """
    from ...store.errors import KqError, reason
    from ...store.media import month_photos
    from ...store.writer import replace_atomically
    from ..render import warn
    from ..report_html import month_report, page
    from .due import full_list
    from .score import default_month

    repo = open_repo(ctx)
    month = parse_month(month) if month else default_month(repo.today)
    reminders = full_list(repo)[0]
    ledgers = repo.index.ledgers()
    photos = month_photos(repo.root, ledgers, month)
    for cid, shown in photos.items():
        for p in shown:
            if p["src"] is None:
                warn(_("kq: {path} ({customer}): cannot read the photo, left out of the "
                       "report: {why}").format(path=p["path"], customer=cid,
                                               why=translated(p["problem"])))
    html = page(month_report(ledgers, reminders, repo.settings, repo.today, month, photos))
    code = report_skipped(repo)
    if output is None:
        typer.echo(html, nl=False)
        raise typer.Exit(code)
    try:
        current = output.read_bytes() if output.exists() else None
        replace_atomically(output, html.encode("utf-8"), current)
    except OSError as e:
        raise KqError(_("{path}: cannot write: {reason}").format(
            path=output, reason=translated(reason(e.errno, e.strerror or ""))), code=1) from None
    warn("kq: " + _("wrote {path} ({month})").format(path=output, month=month))
    raise typer.Exit(code)
