"""Complaints and returns are tracked (issue 23): kq issue opens an item under the customer's
issues:, kq due lists it (reason issue) until kq issue --close N --note T, overdue after
due.issue_days, and kq show lists the open ones with their numbers."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from helpers import TODAY, due, git, needs_git

SHOP = textwrap.dedent("""\
    # 百草堂 — 次重点
    name: 百草堂药店(西昌路)
    kind: terminal
    status: active
    owner: 李明
    months: {2026-10: {reported: 2026-11-02}}
""")


def test_an_open_issue_is_due_three_days_after_it_was_opened():
    text = SHOP + "issues:\n  - {opened: 2026-11-20, kind: return, text: 变质退货 12 箱}\n"
    assert due(text, "issue") == [
        ("2026-11-23", 1, "退货 #1: 变质退货 12 箱 (2026-11-20 受理, 3 天内处理)")]


def test_an_issue_shows_from_the_day_it_was_opened():
    text = SHOP + "issues:\n  - {opened: 2026-11-24, text: 店长投诉送货太慢}\n"
    assert due(text, "issue") == [
        ("2026-11-27", -3, "投诉 #1: 店长投诉送货太慢 (2026-11-24 受理, 3 天内处理)")]


def test_issue_days_comes_from_kq_yaml():
    text = SHOP + "issues:\n  - {opened: 2026-11-20, kind: price, text: 嫌进价高}\n"
    assert due(text, "issue", kq_yaml="due: {issue_days: 7}") == [
        ("2026-11-27", -3, "价格问题 #1: 嫌进价高 (2026-11-20 受理, 7 天内处理)")]


def test_a_closed_issue_is_no_longer_listed_and_keeps_the_numbers():
    text = SHOP + ("issues:\n"
                   "  - {opened: 2026-11-10, kind: quality, text: 有沉淀, closed: 2026-11-12,"
                   " note: 换货}\n"
                   "  - {opened: 2026-11-22, kind: dumping, text: 发现外地低价货}\n")
    assert [(d, m) for d, _, m in due(text, "issue")] == [
        ("2026-11-25", "冲货 #2: 发现外地低价货 (2026-11-22 受理, 3 天内处理)")]


def test_a_terminated_customer_still_has_its_open_issue_listed():
    text = SHOP.replace("status: active", "status: terminated") + (
        "issues:\n  - {opened: 2026-11-20, kind: return, text: 清退库存}\n")
    assert [d for d, *_ in due(text, "issue")] == ["2026-11-23"]


def test_closed_before_it_was_opened_is_a_problem(make_repo, kq):
    root = make_repo({"bct": SHOP + "issues:\n  - {opened: 2026-11-20, text: 投诉, "
                                     "closed: 2026-11-19}\n"})
    result = kq("--repo", root, "--lang", "en", "check")
    assert result.exit_code == 1
    assert "issues[0]: closed 2026-11-19 is before opened 2026-11-20" in result.stdout


# -- kq issue ----------------------------------------------------------------------------------


def _run(kq, root: Path, *args: str, today: str = TODAY.isoformat()):
    return kq("--repo", root, "--today", today, "issue", "bct", *args)


def _file(root: Path) -> str:
    return (root / "customers" / "bct.yaml").read_text(encoding="utf-8")


@needs_git
def test_kq_issue_appends_the_item_and_commits_it(git_repo, kq):
    root = git_repo({"bct": SHOP})
    result = _run(kq, root, "变质退货 12 箱", "--kind", "退货")
    assert result.exit_code == 0, result.stderr
    sha = git(root, "rev-parse", "--short", "HEAD").strip()
    assert result.stdout == (f"已登记 百草堂药店(西昌路) 的退货 #1: 变质退货 12 箱; 3 天内处理 "
                             f"(2026-11-27 前) (commit {sha})\n")
    assert _file(root) == SHOP + ("issues:\n  - opened: 2026-11-24\n    kind: return\n"
                                  "    text: 变质退货 12 箱\n")
    assert git(root, "log", "-1", "--format=%s") == "issue: 百草堂药店(西昌路) #1 return: 变质退货 12 箱\n"


def test_kq_issue_close_writes_closed_and_note(make_repo, kq):
    root = make_repo({"bct": SHOP + "issues:\n  - {opened: 2026-11-20, kind: return, "
                                    "text: 变质退货 12 箱}\n"})
    result = _run(kq, root, "--close", "1", "--note", "已换货")
    assert result.stdout == "已结案 百草堂药店(西昌路) 的退货 #1: 变质退货 12 箱 — 已换货\n"
    assert _file(root).endswith("text: 变质退货 12 箱, closed: 2026-11-24, note: 已换货}\n")
    listed = kq("--repo", root, "--today", "2026-11-24", "due", "--format", "json").stdout
    assert [r for r in json.loads(listed) if r["reason"] == "issue"] == []


def test_kq_due_lists_an_opened_issue(make_repo, kq):
    root = make_repo({"bct": SHOP})
    _run(kq, root, "店长投诉送货太慢")
    listed = json.loads(kq("--repo", root, "--today", "2026-11-28", "due", "--format",
                           "json").stdout)
    assert [(r["reason"], r["due"], r["overdue_days"], r["owner"]) for r in listed
            if r["reason"] == "issue"] == [("issue", "2026-11-27", 1, "李明")]


def test_closing_needs_a_note(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"bct": SHOP + "issues:\n  - {opened: 2026-11-20, text: 投诉}\n"})
    result = _run(kq, root, "--close", "1")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --close needs --note: say how the issue was settled\n")


def test_closing_an_issue_that_is_not_there_names_the_range(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"bct": SHOP + "issues:\n  - {opened: 2026-11-20, text: 投诉}\n"})
    result = _run(kq, root, "--close", "2", "--note", "好了")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --close: 百草堂药店(西昌路) has 1 issue; N is 1 to 1\n")


def test_an_unknown_kind_is_a_usage_error(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"bct": SHOP})
    result = _run(kq, root, "投诉", "--kind", "angry")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: --kind: 'angry' is not one of complaint | return |")
    assert "issues" not in _file(root)


def test_an_english_confirmation_with_lang_en(make_repo, kq):
    root = make_repo({"bct": SHOP})
    result = kq("--repo", root, "--today", "2026-11-24", "--lang", "en", "issue", "bct",
                "嫌进价高", "--kind", "price")
    assert result.stdout == "opened issue 1 (price) of 百草堂药店(西昌路): 嫌进价高; due 2026-11-27\n"


def test_kq_issue_without_text_lists_the_issues_as_json(make_repo, kq):
    root = make_repo({"bct": SHOP + "issues:\n  - {opened: 2026-11-20, kind: return, "
                                    "text: 变质退货, closed: 2026-11-21, note: 已换货}\n"})
    out = _run(kq, root, "--format", "json").stdout
    assert json.loads(out) == [{"customer": "bct", "n": 1, "opened": "2026-11-20",
                                "kind": "return", "text": "变质退货", "due": "2026-11-23",
                                "closed": "2026-11-21", "note": "已换货"}]


def test_kq_show_lists_the_open_issues_with_their_numbers(make_repo, kq):
    root = make_repo({"bct": SHOP + (
        "issues:\n"
        "  - {opened: 2026-11-10, kind: quality, text: 有沉淀, closed: 2026-11-12, note: 换货}\n"
        "  - {opened: 2026-11-22, kind: dumping, text: 发现外地低价货}\n")})
    card = kq("--repo", root, "--today", "2026-11-24", "show", "bct").stdout
    assert "未结客诉 (1; kq issue bct --close N --note …)" in card
    line = next(line for line in card.splitlines() if "发现外地低价货" in line)
    assert line.split() == ["2", "2026-11-22", "冲货", "发现外地低价货"]
    assert "有沉淀" not in card

