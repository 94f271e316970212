"""kq due's terminal page: one screen of the most urgent rows of each section, whatever the
size of the list behind it (issue 28: the page of a manager's 5,000 reminders)."""

from __future__ import annotations

from kqcli.cli.commands import due
from kqcli.schema.reasons import LABELS


def reminder(n: int, overdue_days: int) -> dict[str, object]:
    return {"customer": f"c{n:04d}", "name": f"客户{n}", "reason": "visit",
            "due": "2026-11-24", "overdue_days": overdue_days, "urgency": 10.0,
            "message": "拜访", "owner": "李明", "region": "五华", "time": None,
            "estimated": False}


def test_the_page_works_out_the_shown_rows_alone(monkeypatch):
    """The state and date columns are worked out for the rows on the page, not for every row
    of the list (5,251 at 2,000 customers: most of the page's own time)."""
    worked: list[object] = []
    when = due._when
    monkeypatch.setattr(due, "_when", lambda row: worked.append(row) or when(row))
    rows = [reminder(n, 3) for n in range(3000)] + [reminder(n, -2) for n in range(3000, 5000)]
    report = due.table_report(rows, LABELS, page=48)
    shown = sum(len(s.rows) for s in report.sections)
    assert 0 < shown < 48 and len(worked) == shown
