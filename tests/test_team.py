"""kq team on a hand-written three-rep repository: every figure of every row, exactly."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import daily_row, settings, statements_done

from kqcli.core.team import reps_of, visited_in_cadence


@pytest.fixture(autouse=True)
def _messages_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The messages as the code writes them: English, the catalogue's source (their Chinese is
    tests/test_people_output.py's and the catalogue's)."""
    monkeypatch.setenv("KQ_LANG", "en")


TODAY = dt.date(2026, 11, 24)  # a Tuesday
# Care calls, festival greetings, decision-maker coverage and late reports are switched off
# so that the overdue column counts only what each case sets up.
KQ_YAML = """\
reps:
  - {name: 李明}
  - {name: 王强}
  - {name: 张强, left: 2026-10-31}
pool: {after_days: 90, kinds: [terminal]}
care_calls: {tiers: []}
due:
  care_call_kinds: []
  greet: {tiers: [], kinds: []}
  coverage_kinds: []
"""
REPORTED = "months: {2026-10: {reported: 2026-11-05}}\n"
ITEMS = ("relationship_cards", "mutual_recognition", "mutual_familiarity", "visit_frequency",
         "favour", "first_recommendation", "pop_display", "product_knowledge", "feedback",
         "regular_communication")


def shop(owner: str, tier: str, last_visit: str, extra: str = "") -> str:
    return (f"name: {owner}{tier}店\nkind: terminal\nstatus: active\ntier: {tier}\n"
            f"owner: {owner}\n{REPORTED}{extra}visits:\n  - {{date: {last_visit}, kind: visit}}\n")


def assessed(score: int, month: str) -> str:
    return f"  {month}: {{{', '.join(f'{k}: {score}' for k in ITEMS)}}}\n"


@pytest.fixture
def three_reps(make_repo):
    root = make_repo({
        # 李明: a key shop seen 2 days ago and assessed 8s (October) after 7s (September); a
        # secondary shop 23 days unseen (visit overdue since 11-11); a normal shop unseen since
        # August (in the pool).
        "lm-key": shop("李明", "key", "2026-11-22",
                       "assessments:\n" + assessed(8, "2026-10") + assessed(7, "2026-09")),
        "lm-sec": shop("李明", "secondary", "2026-11-01"),
        "lm-norm": shop("李明", "normal", "2026-08-01"),
        # 王强: one key shop seen yesterday.
        "wq-key": shop("王强", "key", "2026-11-23"),
        # 张强 left 2026-10-31: his distributor is an orphan and its monthly visit is late.
        "zq-dist": "name: 众源医药\nkind: distributor\nstatus: active\nowner: 张强\n" + REPORTED
                   + "visits:\n  - {date: 2026-10-20, kind: visit}\n",
    }, kq_yaml=KQ_YAML)
    statements_done(root, "2026-10", "李明", "王强", "张强")  # no statement owed either
    return root


def rows(kq, root, *args: str) -> dict[str, dict]:
    result = kq("--repo", root, "--today", TODAY, "team", "--month", "2026-10",
                "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {r["rep"]: r for r in json.loads(result.stdout)}


def test_one_row_per_rep_in_the_order_kq_yaml_lists_them(kq, three_reps):
    assert list(rows(kq, three_reps)) == ["李明", "王强", "张强"]


def test_every_row_carries_the_contract_keys(kq, three_reps):
    assert {tuple(r) for r in rows(kq, three_reps).values()} == {(
        "rep", "customers", "overdue", "visited_share", "score_avg", "score_change", "pool",
        "unassigned")}


def test_customers_are_counted_by_tier(kq, three_reps):
    found = rows(kq, three_reps)
    assert [found[r]["customers"] for r in ("李明", "王强", "张强")] == [
        {"total": 3, "key": 1, "secondary": 1, "normal": 1, "untiered": 0},
        {"total": 1, "key": 1, "secondary": 0, "normal": 0, "untiered": 0},
        {"total": 1, "key": 0, "secondary": 0, "normal": 0, "untiered": 1}]


def test_overdue_counts_by_reason_leave_the_pool_customer_out(kq, three_reps):
    found = rows(kq, three_reps)
    counts = {rep: {k: n for k, n in r["overdue"].items() if n} for rep, r in found.items()}
    assert counts == {"李明": {"total": 1, "visit": 1}, "王强": {},
                      "张强": {"total": 2, "visit": 1, "orphan": 1}}


def test_visited_share_is_over_key_and_secondary_customers(kq, three_reps):
    found = rows(kq, three_reps)
    assert [found[r]["visited_share"] for r in ("李明", "王强", "张强")] == [0.5, 1.0, None]


def test_score_is_the_months_average_total_and_its_change(kq, three_reps):
    # 李明: (80 + 0 + 0) / 3 and (+10 + 0 + 0) / 3; 张强: his distributor is scored on the
    # distributor card: October's figures reported on time (10), no business changes (0), no
    # Synergy scores (未评); September had no figures (0).
    found = rows(kq, three_reps)
    assert [(found[r]["score_avg"], found[r]["score_change"]) for r in ("李明", "王强", "张强")] \
        == [(26.7, 3.3), (0.0, 0.0), (10.0, 10.0)]


def test_pool_counts_each_reps_customers_in_the_pool(kq, three_reps):
    found = rows(kq, three_reps)
    assert [found[r]["pool"] for r in ("李明", "王强", "张强")] == [1, 0, 0]


def test_unassigned_counts_a_departed_reps_customers(kq, three_reps):
    found = rows(kq, three_reps)
    assert [found[r]["unassigned"] for r in ("李明", "王强", "张强")] == [0, 0, 1]


def test_fail_on_overdue_exits_1(kq, three_reps):
    result = kq("--repo", three_reps, "--today", TODAY, "team", "--fail-on", "overdue")
    assert result.exit_code == 1


def test_fail_on_something_else_is_a_usage_error(kq, three_reps):
    result = kq("--repo", three_reps, "--today", TODAY, "team", "--fail-on", "late")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --fail-on: 'late' is not supported; use 'overdue'\n")


def test_csv_flattens_customers_and_overdue_into_named_columns(kq, three_reps):
    result = kq("--repo", three_reps, "--today", TODAY, "team", "--month", "2026-10",
                "--format", "csv", "--keys")
    header, first = result.stdout.splitlines()[:2]
    assert header.startswith("rep,customers.total,customers.key,customers.secondary,"
                             "customers.normal,customers.untiered,overdue.total,overdue.visit,")
    assert header.endswith(",overdue.handover,overdue.pool,overdue.coverage,overdue.issue,"
                           "visited_share,score_avg,score_change,pool,unassigned")
    assert first.startswith("李明,3,1,1,1,0,1,1,")


def test_table_marks_a_departed_rep(kq, three_reps):
    result = kq("--repo", three_reps, "--today", TODAY, "team", "--month", "2026-10")
    chinese = kq("--lang", "zh", "--repo", three_reps, "--today", TODAY, "team", "--month",
                 "2026-10")
    english = kq("--lang", "en", "--repo", three_reps, "--today", TODAY, "team", "--month",
                 "2026-10")
    assert "张强 (离职)" in chinese.stdout and "(left)" not in chinese.stdout
    assert "张强 (left)" in english.stdout
    assert result.stdout in (chinese.stdout, english.stdout)


def test_an_owner_kq_yaml_does_not_list_gets_a_row_after_the_team():
    found = reps_of(settings("reps:\n  - {name: 李明}\n"), {"赵六", "李明", "孙七"})
    assert found == ["李明", "孙七", "赵六"]


def test_visited_in_cadence_counts_the_due_day_itself():
    summary, facts = daily_row(shop("李明", "secondary", "2026-11-14"))
    assert visited_in_cadence(summary, facts, settings(), TODAY) is True
    summary, facts = daily_row(shop("李明", "secondary", "2026-11-13"))
    assert visited_in_cadence(summary, facts, settings(), TODAY) is False


@pytest.mark.parametrize("day", ["2026-11-03", "2026-11-24", "2026-12-14"])
def test_overdue_counts_are_kq_dues_overdue_rows_by_rep_and_reason(kq, examples_copy, day):
    """Counted by SQLite from the agenda, they are what kq due lists as overdue (rep-level
    rows, the expense statement, included)."""
    due = kq("--repo", examples_copy, "--today", day, "due", "--all", "--format", "json")
    listed: dict[str, dict[str, int]] = {}
    for r in json.loads(due.stdout):
        if r["overdue_days"] > 0 and r["owner"]:  # (the manager's rows are no rep's)
            mine = listed.setdefault(r["owner"], {})
            mine[r["reason"]] = mine.get(r["reason"], 0) + 1
    result = kq("--repo", examples_copy, "--today", day, "team", "--format", "json")
    counted = {r["rep"]: {k: n for k, n in r["overdue"].items() if n and k != "total"}
               for r in json.loads(result.stdout)}
    assert {rep: c for rep, c in counted.items() if c} == listed
    assert sum(map(len, listed.values())) >= 3  # several reasons late, not an empty match


@pytest.mark.parametrize("today", ["2026-11-24", "2026-12-20", "2027-02-03"])
def test_overdue_counts_are_those_kq_due_lists_late(examples_copy, today):
    """kq team counts the late rows without the listing's text or urgency (a listing not
    materialized): by owner and reason, exactly the rows kq due lists with overdue_days > 0."""
    from collections import Counter

    from kqcli.store.agenda import morning, overdue
    from kqcli.store.repo import Repo

    day = dt.date.fromisoformat(today)
    listing, _ = morning(Repo(examples_copy, day), None)
    rows = json.loads(b"[" + listing.body + b"]")
    late = Counter((r["owner"], r["reason"]) for r in rows if r["overdue_days"] > 0)
    counted = overdue(Repo(examples_copy, day))
    assert sum(late.values()) > 5
    assert {(owner, reason): n for owner, reason, n in counted} == dict(late)
