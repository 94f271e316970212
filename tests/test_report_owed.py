"""An unreported month stays owed (report_missing) until it is reported or waived
(kq figures CUSTOMER MONTH --waive --note T): one row per customer naming every owed month."""

from __future__ import annotations

import datetime as dt
import json

from helpers import daily_row, due, git

from kqcli.core.due import customer_reminders, morning_list
from kqcli.store import agenda
from kqcli.store.repo import Repo

# 万家惠 of examples/: August and September reported, October chased since 11-10.
WANJIAHUI = """\
name: 万家惠超市(翠湖店)
kind: terminal
status: active
tier: normal
owner: 李明
visits:
  - {date: 2026-08-27, kind: visit}
  - {date: 2026-11-12, kind: call}
months:
  2026-08: {collections: 8700, reported: 2026-09-03}
  2026-09: {collections: 9500, reported: 2026-10-10}
"""
DEC_10 = dt.date(2026, 12, 10)


def test_an_unreported_month_stays_owed_when_the_next_deadline_comes():
    assert due(WANJIAHUI, "report_missing", today=DEC_10) == [
        ("2026-11-10", 30, "2026-10、2026-11 的出销/库存/动销未上报 (共 2 个月, 最早截止 2026-11-10)")]


def test_a_month_missing_between_reported_months_is_owed():
    text = WANJIAHUI.replace("  2026-09: {collections: 9500, reported: 2026-10-10}\n",
                             "  2026-10: {collections: 9900, reported: 2026-11-06}\n")
    assert due(text, "report_missing") == [
        ("2026-10-10", 45, "2026-09 的出销/库存/动销未上报 (截止 2026-10-10)")]


def test_a_month_with_figures_but_no_reported_day_is_owed():
    text = WANJIAHUI.replace("{collections: 9500, reported: 2026-10-10}", "{collections: 9500}")
    assert due(text, "report_missing") == [
        ("2026-10-10", 45, "2026-09、2026-10 的出销/库存/动销未上报 (共 2 个月, 最早截止 2026-10-10)")]


def test_three_owed_months_in_a_row_read_as_one_span():
    text = WANJIAHUI.replace("  2026-09: {collections: 9500, reported: 2026-10-10}\n", "")
    assert due(text, "report_missing", today=DEC_10) == [
        ("2026-10-10", 61, "2026-09~2026-11 的出销/库存/动销未上报 (共 3 个月, 最早截止 2026-10-10)")]


def test_a_waived_month_is_no_longer_owed():
    text = WANJIAHUI + "  2026-10: {waived: 2026-12-01, note: 总部系统故障}\n"
    assert due(text, "report_missing", today=DEC_10) == [
        ("2026-12-10", 0, "2026-11 的出销/库存/动销未上报 (截止 2026-12-10)")]


def test_a_file_without_months_owes_from_the_month_before_its_first_interaction():
    text = "name: 新店\nstatus: active\nvisits: [{date: 2026-09-15, kind: visit}]\n"
    assert due(text, "report_missing") == [
        ("2026-09-10", 75, "2026-08~2026-10 的出销/库存/动销未上报 (共 3 个月, 最早截止 2026-09-10)")]


def test_no_month_before_since_is_owed():
    text = ("name: 新店\nstatus: active\nsince: 2026-10-15\n"
            "visits: [{date: 2026-03-15, kind: visit}]\n")
    assert due(text, "report_missing", today=DEC_10) == [
        ("2026-11-10", 30, "2026-10、2026-11 的出销/库存/动销未上报 (共 2 个月, 最早截止 2026-11-10)")]


def test_the_agenda_and_a_full_evaluation_agree_on_owed_months(make_repo):
    root = make_repo({"wjh": WANJIAHUI, "xin": "name: 新店\nstatus: active\n"
                      "visits: [{date: 2026-09-15, kind: visit}]\n"})
    for today in (dt.date(2026, 11, 24), dt.date(2026, 12, 9), DEC_10, dt.date(2027, 1, 11)):
        repo = Repo(root, today)
        rows = repo.index.facts()
        found = customer_reminders(rows, repo.settings, today)
        listed, _ = morning_list([], repo.settings, today, found=found, owners={"李明"})
        listing, _ = agenda.morning(Repo(root, today), None)
        assert listing.json_text() == json.dumps([r.to_json(today) for r in listed],
                                                 ensure_ascii=False), today
    assert "2026-10~2026-12 的出销/库存/动销未上报 (共 3 个月, 最早截止 2026-11-10)" in [
        r["message"] for r in listing.rows()]


def test_kq_figures_waive_writes_waived_today_and_the_note(git_repo, kq):
    root = git_repo({"wjh": WANJIAHUI})
    result = kq("--repo", root, "--today", "2026-12-10", "figures", "wjh", "2026-10", "--waive",
                "--note", "总部系统故障")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("已免报 万家惠超市(翠湖店) 2026-10: 总部系统故障; 不再催报")
    assert (root / "customers" / "wjh.yaml").read_text(encoding="utf-8") == WANJIAHUI + \
        "  2026-10: {waived: 2026-12-10, note: 总部系统故障}\n"
    assert git(root, "log", "-1", "--format=%s") == \
        "figures: 万家惠超市(翠湖店) 2026-10 waived: 总部系统故障\n"


def test_a_waived_month_leaves_kq_due(git_repo, kq):
    root = git_repo({"wjh": WANJIAHUI})

    def owed() -> list[str]:
        rows = json.loads(kq("--repo", root, "--today", "2026-12-10", "due", "--format",
                             "json").stdout)
        return [r["message"] for r in rows if r["reason"] == "report_missing"]

    assert owed() == ["2026-10、2026-11 的出销/库存/动销未上报 (共 2 个月, 最早截止 2026-11-10)"]
    kq("--repo", root, "--today", "2026-12-10", "figures", "wjh", "2026-10", "--waive", "--note", "无数据")
    assert owed() == ["2026-11 的出销/库存/动销未上报 (截止 2026-12-10)"]


def test_kq_figures_waive_needs_a_note(make_repo, kq):
    root = make_repo({"wjh": WANJIAHUI})
    result = kq("--repo", root, "--today", "2026-12-10", "figures", "wjh", "2026-10", "--waive")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --waive 需要 --note: 说明该月为何永远不会上报\n")


def test_kq_figures_waive_takes_no_figures(make_repo, kq):
    root = make_repo({"wjh": WANJIAHUI})
    result = kq("--repo", root, "figures", "wjh", "2026-10", "--waive", "--note", "x",
                "--collections", "100")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --waive: 免报的月份没有数据; 去掉 --collections\n")


def test_kq_figures_refuses_to_waive_a_reported_month(make_repo, kq):
    root = make_repo({"wjh": WANJIAHUI})
    result = kq("--repo", root, "figures", "wjh", "2026-09", "--waive", "--note", "x")
    assert (result.exit_code, result.stderr) == (
        1, "kq: 万家惠超市(翠湖店) 2026-09 的数据已于 2026-10-10 上报: 无需免报\n")


def test_the_daily_facts_count_a_waived_month_as_closed():
    _, facts = daily_row(WANJIAHUI + "  2026-10: {waived: 2026-12-01, note: 总部系统故障}\n")
    assert facts["reports"] == {"from": "2026-08", "last": "2026-10", "open": []}


def test_a_file_with_neither_months_nor_interactions_owes_last_month_alone():
    text = "name: 老客户\nstatus: active\nsince: 2019-07-01\n"
    assert due(text, "report_missing", today=DEC_10) == [
        ("2026-12-10", 0, "2026-11 的出销/库存/动销未上报 (截止 2026-12-10)")]
