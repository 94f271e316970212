"""History stays with who did it: ``owners:`` records each change of owner, and a month's
scores, expenses, team figures and report count for the owner at the end of that month."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import daily_row, ledger_row, settings

from kqcli.core.owners import month_owner, owner_on

TEAM = "reps:\n  - {name: 李明}\n  - {name: 王强}\n  - {name: 张强, left: 2026-10-31}\n"

# 张强's shop: his October visit and expense (nothing collected: a violation), and the
# December visit and expense of whoever owns it then.
SHOP = """\
name: 同济药店(马龙)
kind: terminal
status: active
tier: key
owner: 张强
contacts:
  - {name: 王芳, role: 店长}
visits:
  - {date: 2026-10-22, kind: visit, contact: 王芳, goal: 推新品陈列, outcome: 同意端架陈列, done: [help]}
  - {date: 2026-12-10, kind: visit, contact: 王芳, goal: 交接, outcome: 认识新业代}
months:
  2026-10: {collections: 0, reported: 2026-11-03}
  2026-12: {collections: 50000, reported: 2026-12-28}
expenses:
  - {date: 2026-10-15, amount: 300, purpose: 礼品, recipient: 王芳}
  - {date: 2026-12-12, amount: 200, purpose: 礼品, recipient: 王芳}
"""
HX = """\
name: 华信大药房
kind: terminal
status: active
tier: key
owner: 李明
visits:
  - {date: 2026-10-20, kind: visit}
"""


@pytest.fixture
def reassigned(kq, make_repo):
    """张强's shop handed to 李明 on 2026-11-24 with kq reassign."""
    root = make_repo({"ml-tongji": SHOP, "hx": HX}, kq_yaml=TEAM)
    result = kq("--repo", root, "--today", "2026-11-24", "reassign", "张强", "--to", "李明",
                "--apply")
    assert result.exit_code == 0, result.output
    return root


def run_json(kq, root, today: str, *args: str) -> list[dict]:
    result = kq("--repo", root, "--today", today, *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


# owner_on and month_owner ------------------------------------------------------------------

CHANGED = {"owner": "王强", "owners": [{"from": "张强", "to": "李明", "date": "2026-11-24"},
                                       {"from": "李明", "to": "王强", "date": "2027-02-10"}]}


def test_owner_on_a_day_before_the_first_change_is_its_from():
    assert owner_on(CHANGED, dt.date(2026, 11, 23)) == "张强"


def test_owner_on_the_day_of_a_change_is_the_new_owner():
    assert owner_on(CHANGED, dt.date(2026, 11, 24)) == "李明"


def test_owner_on_after_the_last_change_is_todays_owner():
    assert owner_on(CHANGED, dt.date(2027, 2, 10)) == "王强"


def test_owner_on_without_changes_is_the_owner():
    assert owner_on({"owner": "李明"}, dt.date(2020, 1, 1)) == "李明"


def test_a_month_that_ends_before_the_change_stays_with_the_previous_owner():
    assert month_owner(CHANGED, "2026-10") == "张强"


def test_a_change_inside_a_month_gives_the_whole_month_to_the_new_owner():
    assert (month_owner(CHANGED, "2026-11"), month_owner(CHANGED, "2027-02")) == ("李明", "王强")


def test_a_v2_handover_is_read_as_the_last_owners_entry():
    summary, _ = daily_row("name: x\nowner: 王强\n"
                           "owners:\n  - {from: 张强, to: 李明, date: 2026-11-24}\n"
                           "handover: {from: 李明, date: 2027-02-10}\n")
    assert summary["owners"] == [{"from": "张强", "to": "李明", "date": "2026-11-24"},
                                 {"from": "李明", "to": "王强", "date": "2027-02-10"}]
    assert [month_owner(summary, m) for m in ("2026-10", "2026-12", "2027-02")] == [
        "张强", "李明", "王强"]


def test_a_claim_from_nobody_leaves_the_months_before_with_nobody():
    summary, _ = daily_row("name: x\nowner: 王强\nowners:\n  - {to: 王强, date: 2026-11-24}\n")
    assert (month_owner(summary, "2026-10"), month_owner(summary, "2026-11")) == (None, "王强")


# Writes ------------------------------------------------------------------------------------

def test_reassign_appends_from_to_and_date_to_owners(reassigned):
    text = (reassigned / "customers" / "ml-tongji.yaml").read_text(encoding="utf-8")
    assert text == SHOP.replace("owner: 张强", "owner: 李明") + (
        "owners:\n  - {from: 张强, to: 李明, date: 2026-11-24}\n")


def test_a_second_reassign_adds_one_line_to_owners(kq, reassigned):
    kq("--repo", reassigned, "--today", "2027-02-10", "reassign", "李明", "ml-tongji", "--to",
       "王强", "--apply")
    text = (reassigned / "customers" / "ml-tongji.yaml").read_text(encoding="utf-8")
    assert text == SHOP.replace("owner: 张强", "owner: 王强") + (
        "owners:\n  - {from: 张强, to: 李明, date: 2026-11-24}\n"
        "  - {from: 李明, to: 王强, date: 2027-02-10}\n")


def test_reassign_turns_a_v2_handover_into_the_owners_entry_before_its_own(kq, make_repo):
    v2 = HX + "handover: {from: 张强, date: 2026-11-24}  # kq v2\n"
    root = make_repo({"hx": v2}, kq_yaml=TEAM)
    kq("--repo", root, "--today", "2027-02-10", "reassign", "李明", "--to", "王强", "--apply")
    assert (root / "customers" / "hx.yaml").read_text(encoding="utf-8") == (
        HX.replace("owner: 李明", "owner: 王强")
        + "owners:\n  - {from: 张强, to: 李明, date: 2026-11-24}\n"
        "  - {from: 李明, to: 王强, date: 2027-02-10}\n")


# kq score ----------------------------------------------------------------------------------

def test_after_reassign_octobers_scorecard_stays_with_the_old_owner(kq, reassigned):
    cards = run_json(kq, reassigned, "2026-11-24", "score", "--month", "2026-10")
    assert [(c["customer"], c["owner"], c["total"]) for c in cards] == [
        ("ml-tongji", "张强", 12.3), ("hx", "李明", 0.6)]


def test_after_reassign_octobers_score_by_rep_is_unchanged_for_the_new_owner(kq, reassigned):
    reps = run_json(kq, reassigned, "2026-11-24", "score", "--month", "2026-10", "--by", "owner")
    assert [(r["owner"], r["customers"], r["total"]) for r in reps] == [
        ("张强", 1, 12.3), ("李明", 1, 0.6)]


def test_after_reassign_decembers_scorecard_is_the_new_owners(kq, reassigned):
    reps = run_json(kq, reassigned, "2026-12-31", "score", "--month", "2026-12", "--by", "owner")
    assert [(r["owner"], r["customers"]) for r in reps] == [("李明", 2)]


def test_score_owner_takes_the_customers_the_rep_owned_that_month(kq, reassigned):
    cards = run_json(kq, reassigned, "2026-11-24", "score", "--month", "2026-10", "--owner",
                     "张强")
    assert [c["customer"] for c in cards] == ["ml-tongji"]


# kq expenses -------------------------------------------------------------------------------

def test_after_reassign_octobers_expense_violation_stays_with_the_old_owner(kq, reassigned):
    reps = run_json(kq, reassigned, "2026-11-24", "expenses", "--month", "2026-10", "--by",
                    "owner")
    assert [(r["owner"], r["expenses"], r["violation_keys"]) for r in reps] == [
        ("张强", 300, ["nothing_collected"])]


def test_after_reassign_decembers_expenses_are_the_new_owners(kq, reassigned):
    lines = run_json(kq, reassigned, "2027-01-02", "expenses", "--month", "2026-12")
    assert [(r["customer"], r["owner"], r["expenses"], r["violation_keys"]) for r in lines] == [
        ("ml-tongji", "李明", 200, [])]


def test_expenses_owner_takes_the_customers_the_rep_owned_that_month(kq, reassigned):
    lines = run_json(kq, reassigned, "2026-11-24", "expenses", "--month", "2026-10", "--owner",
                     "李明")
    assert lines == []


def test_an_advance_in_a_past_month_counts_against_that_months_owner(kq, reassigned):
    result = kq("--repo", reassigned, "--today", "2026-11-24", "expense", "ml-tongji", "100",
                "--purpose", "礼品", "--date", "2026-10-20", "--advance")
    assert "  通过   张强 2026-10 借支 100, 上限 3,000" in result.stdout.splitlines()


# kq team and kq report ---------------------------------------------------------------------

def test_after_reassign_team_gives_octobers_score_to_the_old_owner(kq, reassigned):
    rows = run_json(kq, reassigned, "2026-11-24", "team", "--month", "2026-10")
    assert {r["rep"]: (r["customers"]["total"], r["score_avg"]) for r in rows} == {
        "李明": (2, 0.6), "王强": (0, None), "张强": (0, 12.3)}


def test_team_lists_a_rep_who_owned_customers_only_in_that_month(kq, make_repo):
    root = make_repo({"ml-tongji": SHOP, "hx": HX}, kq_yaml="reps:\n  - {name: 李明}\n")
    kq("--repo", root, "--today", "2026-11-24", "reassign", "张强", "--to", "李明", "--apply")
    rows = run_json(kq, root, "2026-11-24", "team", "--month", "2026-10")
    assert [(r["rep"], r["score_avg"]) for r in rows] == [("李明", 0.6), ("张强", 12.3)]


def test_report_gives_octobers_scores_and_expenses_to_the_old_owner():
    from kqcli.cli.report_html import month_report

    shop = SHOP.replace("owner: 张强", "owner: 李明") + (
        "owners:\n  - {from: 张强, to: 李明, date: 2026-11-24}\n")
    rows = [ledger_row(shop, "ml-tongji"), ledger_row(HX, "hx")]
    report = month_report(rows, [], settings(TEAM), dt.date(2026, 11, 24), "2026-10")
    assert [(r["rep"], r["customers"]) for r in report["reps"]] == [("张强", 1), ("李明", 1)]
    assert [(r["owner"], r["expenses"]) for r in report["expenses"]] == [("张强", 300)]


# kq due and the pool -----------------------------------------------------------------------

def test_the_handover_visit_comes_from_the_last_owners_entry():
    from helpers import due

    text = HX.replace("owner: 李明", "owner: 王强") + (
        "owners:\n  - {from: 张强, to: 李明, date: 2026-09-01}\n"
        "  - {from: 李明, to: 王强, date: 2026-11-24}\n")
    assert due(text, "handover") == [
        ("2026-11-29", -5, "交接自 李明 (2026-11-24), 5 天内拜访; 李明 上次往来 2026-10-20")]


def test_the_pool_counts_from_the_last_owners_entry():
    from kqcli.core.pool import pool_entry

    text = ("name: x\nkind: terminal\nstatus: active\nowner: 王强\n"
            "visits:\n  - {date: 2026-01-05, kind: visit}\n"
            "owners:\n  - {from: 李明, to: 王强, date: 2026-11-01}\n")
    summary, facts = daily_row(text)
    kq_yaml = "pool: {after_days: 90, kinds: [terminal]}\n" + TEAM
    assert pool_entry(summary, facts, settings(kq_yaml), dt.date(2026, 11, 24)) is None
