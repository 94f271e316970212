"""Decision makers covered (coverage): a key account or distributor whose contacts are all
staff-level gets a monthly reminder to find the decision maker (只接触外围人员, 找到决策人)."""

from __future__ import annotations

import datetime as dt
import json

from helpers import due

from kqcli.schema.reasons import LABELS, REASONS

KEY_ACCOUNT = """\
name: 东屋超市(连锁)
kind: key_account
status: active
contacts:
  - {name: 孟凡, role: 采购助理, level: staff}
  - {name: 小毕, role: 店员, level: staff}
"""
DEC_10 = dt.date(2026, 12, 10)


def test_a_key_account_with_staff_contacts_only_is_told_to_find_the_decision_maker():
    assert due(KEY_ACCOUNT, "coverage", today=DEC_10) == [
        ("2026-12-01", 9, "只接触外围人员, 找到决策人 (员工: 孟凡(采购助理)、小毕(店员))")]


def test_a_manager_or_an_executive_among_the_contacts_covers_the_account():
    assert due(KEY_ACCOUNT, "coverage", today=DEC_10) != []
    manager = KEY_ACCOUNT + "  - {name: 陈卫东, role: 采购经理, level: manager}\n"
    executive = KEY_ACCOUNT + "  - {name: 普建民, role: 总经理, level: 高管}\n"
    assert due(manager, "coverage", today=DEC_10) == []
    assert due(executive, "coverage", today=DEC_10) == []


def test_distributors_are_judged_and_terminals_are_not():
    distributor = KEY_ACCOUNT.replace("key_account", "distributor")
    assert [d[:2] for d in due(distributor, "coverage", today=DEC_10)] == [("2026-12-01", 9)]
    assert due(KEY_ACCOUNT.replace("key_account", "terminal"), "coverage", today=DEC_10) == []


def test_a_prospect_is_reminded_and_a_terminated_account_is_not():
    prospect = KEY_ACCOUNT.replace("active", "prospect")
    assert [d[:2] for d in due(prospect, "coverage", today=DEC_10)] == [("2026-12-01", 9)]
    assert due(KEY_ACCOUNT.replace("active", "terminated"), "coverage", today=DEC_10) == []


def test_the_reminder_is_due_on_the_first_working_day_of_the_month():
    # 2026-11-01 is a Sunday: the first working day is Monday the 2nd.
    assert due(KEY_ACCOUNT, "coverage", today=dt.date(2026, 11, 24)) == [
        ("2026-11-02", 22, "只接触外围人员, 找到决策人 (员工: 孟凡(采购助理)、小毕(店员))")]


def test_a_visit_this_month_closes_it_until_next_month():
    text = KEY_ACCOUNT + "visits:\n  - {date: 2026-12-03, kind: visit}\n"
    assert due(text, "coverage", today=DEC_10) == []
    assert [d[:2] for d in due(text, "coverage", today=dt.date(2027, 1, 4))] == [
        ("2027-01-04", 0)]


def test_a_call_does_not_close_it():
    text = KEY_ACCOUNT + "visits:\n  - {date: 2026-12-03, kind: call}\n"
    assert [d[:2] for d in due(text, "coverage", today=DEC_10)] == [("2026-12-01", 9)]


def test_contacts_without_a_level_are_to_be_checked():
    text = ("name: 红河建隆医药\nkind: distributor\nstatus: active\n"
            "contacts: [{name: 杨建隆, role: 老板}]\n")
    assert due(text, "coverage", today=DEC_10) == [
        ("2026-12-01", 9, "联系人未填层级, 确认谁是决策人: 杨建隆(老板); "
                          "是决策人就写 level: manager 或 executive")]


def test_a_key_account_without_contacts_is_told_to_find_the_decision_maker():
    text = "name: 大理百货\nkind: key_account\nstatus: prospect\n"
    assert due(text, "coverage", today=DEC_10) == [("2026-12-01", 9, "没有联系人记录, 找到决策人")]


def test_decision_levels_and_kinds_come_from_kq_yaml():
    text = KEY_ACCOUNT + "  - {name: 陈卫东, role: 采购经理, level: manager}\n"
    assert [d[:2] for d in due(text, "coverage", today=DEC_10,
                               kq_yaml="due: {decision_levels: [executive]}")] == [
        ("2026-12-01", 9)]
    assert due(KEY_ACCOUNT, "coverage", today=DEC_10,
               kq_yaml="due: {coverage_kinds: [distributor]}") == []


def test_coverage_is_a_reason_with_a_chinese_label():
    assert "coverage" in REASONS
    assert LABELS["coverage"] == "决策人"


def test_kq_due_lists_and_filters_coverage_rows(make_repo, kq):
    root = make_repo({"dwcs": KEY_ACCOUNT})
    rows = json.loads(kq("--repo", root, "--today", "2026-12-10", "due", "--reason", "coverage",
                         "--format", "json").stdout)
    assert [(r["customer"], r["reason"], r["due"], r["overdue_days"]) for r in rows] == [
        ("dwcs", "coverage", "2026-12-01", 9)]
    table = kq("--repo", root, "--today", "2026-12-10", "due", "--reason", "coverage").stdout
    assert "决策人" in table


def test_the_examples_distributors_bosses_are_executives_so_no_coverage_row(kq, examples_copy):
    # Each example distributor's 老板 is its decision maker (level: executive).
    rows = json.loads(kq("--repo", examples_copy, "--today", "2026-12-01", "due", "--reason",
                         "coverage", "--format", "json").stdout)
    assert [r["customer"] for r in rows if r["customer"].startswith("dist-")] == []
