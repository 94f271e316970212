"""A planned visit moved (issue 27): kq skip appends {date, reason, to} to the customer's
skips:, kq due hides the customer's visit rows from date until the day before to (by default
the next working day), then lists them again; the agenda kept in the index agrees."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from helpers import TODAY, daily_row, due, git, needs_git, settings

from kqcli.core.agenda import candidates
from kqcli.core.due import work_calendar

SHOP = textwrap.dedent("""\
    # 东风店 — 重点终端
    name: 华信大药房(东风店)
    kind: terminal
    status: active
    tier: key
    owner: 李明
    months: {2026-10: {reported: 2026-11-02}}
    visits:
      - {date: 2026-11-19, kind: visit, contact: 王芳}
""")
"""A key terminal last visited 2026-11-19: its visit (3-5 days) is due Tuesday 2026-11-24."""


def _visit_days(text: str, today: dt.date) -> list[str]:
    return [d for d, _, _ in due(text, "visit", today)]


def test_a_visit_is_due_on_the_day_without_a_skip():
    assert _visit_days(SHOP, TODAY) == ["2026-11-24"]


def test_a_skipped_visit_is_not_listed_on_the_day_skipped():
    text = SHOP + "skips:\n  - {date: 2026-11-24, reason: 店主不在, to: 2026-11-25}\n"
    assert _visit_days(text, TODAY) == []


def test_a_skipped_visit_is_listed_again_on_its_to_day_as_it_was():
    text = SHOP + "skips:\n  - {date: 2026-11-24, reason: 店主不在, to: 2026-11-25}\n"
    day = dt.date(2026, 11, 25)
    assert due(text, "visit", day) == due(SHOP, "visit", day) == [
        ("2026-11-24", 1, "上次拜访 2026-11-19 (每 3-5 天)")]


def test_a_skip_without_to_lasts_until_the_next_working_day():
    """Skipped on Friday 2026-11-27: hidden over the weekend, listed again on Monday."""
    text = SHOP.replace("2026-11-19", "2026-11-22") + (
        "skips:\n  - {date: 2026-11-27, reason: 下雨路断}\n")
    assert [(day.isoformat(), _visit_days(text, day)) for day in (
        dt.date(2026, 11, 27), dt.date(2026, 11, 28), dt.date(2026, 11, 29),
        dt.date(2026, 11, 30))] == [
        ("2026-11-27", []), ("2026-11-28", []), ("2026-11-29", []),
        ("2026-11-30", ["2026-11-27"])]


def test_a_skip_to_a_later_day_hides_the_visit_until_then():
    text = SHOP + "skips:\n  - {date: 2026-11-24, reason: 老板出差, to: 2026-11-27}\n"
    assert [_visit_days(text, dt.date(2026, 11, d)) for d in (24, 25, 26, 27)] == [
        [], [], [], ["2026-11-24"]]


def test_a_skip_hides_a_fixed_route_row_too():
    text = SHOP.replace("tier: key\n", "tier: key\nroute: {weekday: tue, time: \"09:30\"}\n") + (
        "skips:\n  - {date: 2026-11-24, reason: 店庆闭店}\n")
    assert due(text, "route") == []


def test_a_skip_leaves_other_reminders_listed():
    text = SHOP + ("issues:\n  - {opened: 2026-11-20, kind: return, text: 变质退货 12 箱}\n"
                   "skips:\n  - {date: 2026-11-24, reason: 店主不在}\n")
    assert [d for d, _, _ in due(text, "issue")] == ["2026-11-23"]


def test_a_skip_recorded_for_a_later_day_does_not_hide_today():
    text = SHOP + "skips:\n  - {date: 2026-11-26, reason: 约了下周}\n"
    assert _visit_days(text, TODAY) == ["2026-11-24"]


def test_the_agenda_evaluates_a_skipped_customer_again_when_the_skip_ends():
    summary, facts = daily_row(SHOP + "skips:\n  - {date: 2026-11-24, reason: 店主不在, "
                                      "to: 2026-11-26}\n")
    cfg = settings()
    found, _, recheck = candidates(summary, facts, cfg, TODAY, {}, work_calendar(cfg))
    assert ([r.reason for r in found if r.reason == "visit"], recheck) == (
        [], dt.date(2026, 11, 26))


def test_to_on_or_before_date_is_a_problem(make_repo, kq):
    root = make_repo({"hx": SHOP + "skips:\n  - {date: 2026-11-24, reason: 店主不在, "
                                   "to: 2026-11-24}\n"})
    result = kq("--repo", root, "--lang", "en", "check")
    assert result.exit_code == 1
    assert "skips[0]: to 2026-11-24 is not after date 2026-11-24" in result.stdout


# -- kq skip -----------------------------------------------------------------------------------


def _file(root: Path) -> str:
    return (root / "customers" / "hx.yaml").read_text(encoding="utf-8")


@needs_git
def test_kq_skip_appends_the_skip_and_commits_it(git_repo, kq):
    root = git_repo({"hx": SHOP})
    result = kq("--repo", root, "--today", "2026-11-24", "skip", "hx", "--reason", "店主不在")
    assert result.exit_code == 0, result.stderr
    sha = git(root, "rev-parse", "--short", "HEAD").strip()
    assert result.stdout == ("已改期 华信大药房(东风店) 2026-11-24 的拜访到 2026-11-25: 店主不在"
                             f" (提交 {sha})\n")
    assert _file(root) == SHOP + ("skips:\n  - date: 2026-11-24\n    reason: 店主不在\n"
                                  "    to: 2026-11-25\n")
    assert git(root, "log", "-1", "--format=%s") == (
        "skip: 华信大药房(东风店) 2026-11-24 -> 2026-11-25: 店主不在\n")


def test_kq_skip_on_a_friday_moves_the_visit_to_monday(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = kq("--repo", root, "--today", "2026-11-27", "skip", "hx", "--reason", "下雨")
    assert result.exit_code == 0, result.stderr
    assert _file(root).endswith("  - date: 2026-11-27\n    reason: 下雨\n    to: 2026-11-30\n")


def test_kq_skip_date_and_to_are_written_as_given(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = kq("--repo", root, "--today", "2026-11-24", "skip", "hx", "--reason", "老板出差",
                "--date", "2026-11-25", "--to", "2026-11-28")
    assert result.exit_code == 0, result.stderr
    assert _file(root).endswith("  - date: 2026-11-25\n    reason: 老板出差\n"
                                "    to: 2026-11-28\n")


def test_kq_skip_refuses_a_to_not_after_the_day(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = kq("--repo", root, "--today", "2026-11-24", "skip", "hx", "--reason", "x",
                "--to", "2026-11-24")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --to: 2026-11-24 不在改期的那天 (2026-11-24) 之后\n")
    assert _file(root) == SHOP


def test_kq_skip_refuses_an_empty_reason(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = kq("--repo", root, "--today", "2026-11-24", "skip", "hx", "--reason", " ")
    assert result.exit_code == 2 and "--reason" in result.stderr
    assert _file(root) == SHOP


def test_kq_due_hides_the_skipped_visit_that_day_and_lists_it_the_next(make_repo, kq):
    root = make_repo({"hx": SHOP})
    assert kq("--repo", root, "--today", "2026-11-24", "skip", "hx", "--reason",
              "店主不在").exit_code == 0

    def visits(today: str) -> list[tuple[str, int]]:
        result = kq("--repo", root, "--today", today, "due", "--format", "json")
        return [(r["due"], r["overdue_days"]) for r in json.loads(result.stdout)
                if r["reason"] == "visit"]

    assert (visits("2026-11-24"), visits("2026-11-25")) == ([], [("2026-11-24", 1)])


def test_the_agenda_and_a_full_evaluation_agree_through_a_skip(examples_copy, monkeypatch):
    """Each day a skip starts, lasts and ends, kq due read from the agenda kept in the index
    says what every rule over every customer says (tests/test_agenda.py)."""
    from test_agenda import full, kept

    from kqcli.store import files as index_module

    monkeypatch.setattr(index_module, "RACY_NS", 0)
    root = examples_copy
    path = root / "customers" / "hx-dongfeng.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("to: 2026-11-19}\n")  # examples/' skips: is the file's last key
    path.write_text(text + "  - {date: 2026-11-25, reason: 店主不在, to: 2026-11-28}\n",
                    encoding="utf-8")
    seen = []
    for today in [dt.date(2026, 11, 22) + dt.timedelta(days=n) for n in range(10)]:
        listed = kept(root, today, None)
        assert listed == full(root, today, None), today
        seen.append(any(r["customer"] == "hx-dongfeng" and r["reason"] == "visit"
                        for r in json.loads(listed[0])))
    assert seen == [True, True, True, False, False, False, True, True, True, True]
