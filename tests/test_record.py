"""kq figures, kq expense, kq intel: the exact bytes each writes, what each refuses, the checks
and messages each prints, and the commit each makes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import git as _git
from helpers import needs_git

import kqcli.store.yamledit
from kqcli.core.intel import claim_key, has_source

TODAY = "2026-12-03"

SHOP = """\
# 华信大药房 — 重点客户
name: 华信大药房(人民路店)   # 招牌上的名字
owner: "李明"
since: 2023-04-01
contacts:
  - name: 王芳
    role: 店长   # 拍板的人
months:
  2026-10: {collections: 120000, shipments: 130000,
            reported: 2026-11-03}   # 月底对账
# 主管打分
assessments:
  2026-10: {feedback: 8}
expenses:
  - {date: 2026-10-15, amount: 300, purpose: gift, recipient: 王芳}
intel:
  - date: 2026-11-01
    claim: 准备接手竞品乙
    sources: [店员小张]
"""


def _file(root: Path, cid: str = "hx") -> Path:
    return root / "customers" / f"{cid}.yaml"


def _run(kq, root: Path, *args: str):
    return kq("--repo", root, "--today", TODAY, *args)






def _last_commit(root: Path) -> str:
    return _git(root, "log", "-1", "--format=%s")


# --- kq figures --------------------------------------------------------------------------------


def test_figures_add_a_new_month_as_one_line_after_the_last(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "figures", "hx", "2026-11", "--collections", "118000",
                  "--sell-out", "95000")
    assert result.exit_code == 0, result.stderr
    assert _file(root).read_text(encoding="utf-8") == SHOP.replace(
        "   # 月底对账\n",
        "   # 月底对账\n  2026-11: {collections: 118000, sell_out: 95000, reported: 2026-12-03}\n")


def test_figures_update_only_the_given_keys_of_an_existing_month(make_repo, kq):
    root = make_repo({"hx": SHOP})
    _run(kq, root, "figures", "hx", "2026-10", "--collections", "125000", "--reported",
         "2026-11-04")
    assert _file(root).read_text(encoding="utf-8") == SHOP.replace(
        "{collections: 120000,", "{collections: 125000,").replace(
        "reported: 2026-11-03}", "reported: 2026-11-04}")


def test_figures_add_a_key_to_an_existing_month(make_repo, kq):
    root = make_repo({"hx": SHOP})
    _run(kq, root, "figures", "hx", "2026-10", "--changes", "新开一家分店", "--reported",
         "2026-11-03")
    assert _file(root).read_text(encoding="utf-8") == SHOP.replace(
        "reported: 2026-11-03}", "reported: 2026-11-03, changes: 新开一家分店}")


def test_figures_reported_defaults_to_today(make_repo, kq):
    root = make_repo({"hx": SHOP})
    _run(kq, root, "figures", "hx", "2026-10", "--inventory", "40000")
    assert _file(root).read_text(encoding="utf-8") == SHOP.replace(
        "reported: 2026-11-03}", "reported: 2026-12-03, inventory: 40000}")


def test_figures_read_amounts_with_thousands_separators(make_repo, kq):
    root = make_repo({"hx": SHOP})
    _run(kq, root, "figures", "hx", "2026-11", "--collections", "118,000")
    assert "2026-11: {collections: 118000, reported: 2026-12-03}" in \
        _file(root).read_text(encoding="utf-8")


def test_figures_keep_crlf_and_a_byte_order_mark(make_repo, kq):
    before = b"\xef\xbb\xbf" + SHOP.replace("\n", "\r\n").encode()
    root = make_repo({"hx": before})
    _run(kq, root, "figures", "hx", "2026-11", "--collections", "5")
    assert _file(root).read_bytes() == before.replace(
        "   # 月底对账\r\n".encode(),
        "   # 月底对账\r\n  2026-11: {collections: 5, reported: 2026-12-03}\r\n".encode())


def test_figures_create_months_in_a_file_without_them(make_repo, kq):
    root = make_repo({"hx": "name: 华信\n"})
    _run(kq, root, "figures", "hx", "2026-11", "--collections", "5")
    assert _file(root).read_text(encoding="utf-8") == \
        "name: 华信\nmonths:\n  2026-11: {collections: 5, reported: 2026-12-03}\n"


def test_figures_say_what_they_recorded(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "figures", "hx", "2026-11", "--collections", "118000")
    assert result.stdout == "已添加 华信大药房(人民路店) 2026-11 的数据: collections 118,000\n"


def test_figures_without_any_figure_are_a_usage_error(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "figures", "hx", "2026-11")
    assert (result.exit_code, _file(root).read_text(encoding="utf-8")) == (2, SHOP)


@pytest.mark.parametrize("amount", ["abc", "-5", "1e3"])
def test_figures_refuse_what_is_not_an_amount(make_repo, kq, amount):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "figures", "hx", "2026-11", "--collections", amount)
    assert result.exit_code == 2
    assert result.stderr == f"kq: --collections: {amount!r} 不是金额; 请写数字, 如 120000\n"


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "11"])
def test_figures_refuse_a_month_that_is_not_one(make_repo, kq, month):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "figures", "hx", month, "--collections", "5")
    assert (result.exit_code, _file(root).read_text(encoding="utf-8")) == (2, SHOP)


def test_figures_refuse_an_invalid_file_and_leave_it_alone(make_repo, kq):
    before = "name: 华信\ncolour: red\n"
    root = make_repo({"hx": before})
    result = _run(kq, root, "figures", "hx", "2026-11", "--collections", "5")
    assert (result.exit_code, _file(root).read_text(encoding="utf-8")) == (1, before)


def test_figures_refuse_when_the_file_changed_after_it_was_read(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"hx": SHOP})
    meanwhile = SHOP + "tags: [连锁]\n"
    original = kqcli.store.yamledit.set_in

    def set_in_while_someone_saves(text, path, value):
        _file(root).write_text(meanwhile, encoding="utf-8")
        return original(text, path, value)

    monkeypatch.setattr(kqcli.store.yamledit, "set_in", set_in_while_someone_saves)
    result = _run(kq, root, "figures", "hx", "2026-11", "--collections", "5")
    assert result.exit_code == 1
    assert "changed on disk since kq read it" in result.stderr
    assert _file(root).read_text(encoding="utf-8") == meanwhile
    assert os.listdir(root / "customers") == ["hx.yaml"]


@needs_git
def test_figures_commit_with_a_message_that_says_what_was_set(git_repo, kq):
    root = git_repo({"hx": SHOP})
    _run(kq, root, "figures", "hx", "2026-11", "--collections", "118000", "--sell-out", "95000")
    assert _last_commit(root) == "figures: 华信大药房(人民路店) 2026-11 collections 118,000, " \
                                 "sell_out 95,000\n"


def test_figures_help_has_an_example(kq):
    result = kq("figures", "--help")
    assert "示例: kq figures hxdyf 2026-11 --collections 118000" in result.stdout


# --- kq expense --------------------------------------------------------------------------------


def test_expense_appends_one_line_in_the_style_of_the_last(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", "300", "--purpose", "礼品", "--recipient", "王芳")
    assert result.exit_code == 0, result.stderr
    assert _file(root).read_text(encoding="utf-8") == SHOP.replace(
        "recipient: 王芳}\n",
        "recipient: 王芳}\n  - {date: 2026-12-03, amount: 300, purpose: 礼品, recipient: 王芳}\n")


def test_expense_writes_kind_applied_advance_and_note_when_given(make_repo, kq):
    root = make_repo({"hx": "name: 华信\n"})
    _run(kq, root, "expense", "hx", "800", "--purpose", "首批陈列", "--kind", "special",
         "--applied", "2026-11-20", "--advance", "--note", "经理批准", "--date", "2026-11-28")
    assert _file(root).read_text(encoding="utf-8") == (
        "name: 华信\nexpenses:\n  - date: 2026-11-28\n    amount: 800\n    purpose: 首批陈列\n"
        "    kind: special\n    applied: 2026-11-20\n    advance: true\n    note: 经理批准\n")


def test_expense_in_a_month_without_reported_collections_says_it_was_not_checked(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", "300", "--purpose", "礼品")
    assert result.stdout.splitlines()[1:] == [
        "  未核对 2026-12 回款未报: 先回款后支付 未核对",
        "  未核对 2026-12-03 的客情费 300 没有写明对象: 客情费使用范围未核对"]


def test_expense_checks_print_in_english_with_lang_en(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "--lang", "en", "expense", "hx", "6000", "--purpose", "宴请",
                  "--date", "2026-10-20")
    assert result.stdout.splitlines()[1:] == [
        "  BROKEN      expenses 6,300 above 5% of collections 120,000",
        "  not checked expense 6,000 on 2026-10-20 names no recipient: 客情费使用范围 not checked"]


def test_expense_within_the_share_of_collections_is_ok(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", "100", "--purpose", "礼品", "--date", "2026-10-20")
    assert result.stdout.splitlines()[1:] == [
        "  通过   2026-10 客情费 400, 占回款 120,000 的 0.3%",
        "  未核对 2026-10-20 的客情费 100 没有写明对象: 客情费使用范围未核对"]


def test_expense_above_the_share_of_collections_is_broken(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", "6000", "--purpose", "宴请", "--date", "2026-10-20")
    assert result.stdout.splitlines()[1:] == [
        "  违规   客情费 6,300 超过回款 120,000 的 5%",
        "  未核对 2026-10-20 的客情费 6,000 没有写明对象: 客情费使用范围未核对"]


def test_expense_in_a_month_reported_with_nothing_collected_is_broken(make_repo, kq):
    root = make_repo({"hx": SHOP.replace("{collections: 120000,", "{collections: 0,")})
    result = _run(kq, root, "expense", "hx", "100", "--purpose", "礼品", "--date", "2026-10-20")
    assert result.stdout.splitlines()[1:] == [
        "  违规   没有回款却支出客情费 (先回款后支付)",
        "  未核对 2026-10-20 的客情费 100 没有写明对象: 客情费使用范围未核对"]


def test_special_expense_applied_after_the_contract_is_broken(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", "100", "--purpose", "开发", "--date", "2026-10-20",
                  "--kind", "special", "--applied", "2026-10-01")
    assert result.stdout.splitlines()[2:] == [
        "  违规   专项费用 2026-10-01 申请, 晚于签约 2023-04-01: 无效 (须签约前申请)",
        "  通过   用于开发新客户 (客情费使用范围 ④)"]


def test_expense_from_the_cash_advance_counts_the_reps_other_customers(make_repo, kq):
    other = "name: 春城药店\nowner: 李明\nexpenses:\n  - {date: 2026-10-02, amount: 2900, advance: true}\n"
    root = make_repo({"hx": SHOP, "cc": other})
    result = _run(kq, root, "expense", "hx", "200", "--purpose", "礼品", "--date", "2026-10-20",
                  "--advance")
    assert result.stdout.splitlines()[2:] == [
        "  违规   李明 2026-10 借支 3,100, 上限 3,000",
        "  未核对 2026-10-20 的客情费 200 没有写明对象: 客情费使用范围未核对"]


def test_expense_says_what_it_recorded(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", "300", "--purpose", "礼品")
    assert result.stdout.splitlines()[0] == "已记录 华信大药房(人民路店) 2026-12-03 的客情费 300 (礼品)"


def test_expense_to_someone_not_a_contact_is_recorded_with_a_warning(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", "300", "--purpose", "礼品", "--recipient", "赵六")
    assert result.exit_code == 0
    assert result.stderr == "kq: 赵六 不是 华信大药房(人民路店) 的联系人 (联系人: 王芳)\n"


@pytest.mark.parametrize("args", [["0", "--purpose", "礼品"], ["abc", "--purpose", "礼品"],
                                  ["300"], ["300", "--purpose", " "],
                                  ["300", "--purpose", "礼品", "--kind", "bribe"],
                                  ["300", "--purpose", "礼品", "--applied", "2026-11-01"]])
def test_expense_usage_errors_write_nothing(make_repo, kq, args):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "expense", "hx", *args)
    assert (result.exit_code, _file(root).read_text(encoding="utf-8")) == (2, SHOP)


@needs_git
def test_expense_commits_with_a_message_that_says_what_was_spent(git_repo, kq):
    root = git_repo({"hx": SHOP})
    _run(kq, root, "expense", "hx", "300", "--purpose", "礼品")
    assert _last_commit(root) == "expense: 华信大药房(人民路店) 300 礼品 2026-12-03\n"


def test_expense_help_has_an_example(kq):
    assert "示例: kq expense hxdyf 300 --purpose" in kq("expense", "--help").stdout


# --- kq intel ----------------------------------------------------------------------------------


def test_intel_adds_a_new_claim_after_the_last(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "intel", "hx", "老板想换批发商", "--source", "店员小李")
    assert result.exit_code == 0, result.stderr
    assert _file(root).read_text(encoding="utf-8") == SHOP + (
        "  - date: 2026-12-03\n    claim: 老板想换批发商\n    sources: [店员小李]\n")
    assert result.stdout == "已为 华信大药房(人民路店) 添加第 2 条信息: 老板想换批发商 (信源 1/2)\n"


def test_intel_adds_a_source_to_the_same_claim(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "intel", "hx", "准备接手竞品乙", "--source", "竞品乙业务员")
    assert _file(root).read_text(encoding="utf-8") == SHOP.replace(
        "sources: [店员小张]", "sources: [店员小张, 竞品乙业务员]")
    assert result.stdout == ("已为 华信大药房(人民路店) 的第 1 条信息 (准备接手竞品乙) 添加信源 "
                             "竞品乙业务员: 共 2 个信源, 可信\n")


def test_intel_matches_a_claim_despite_spacing_and_final_punctuation(make_repo, kq):
    root = make_repo({"hx": SHOP})
    _run(kq, root, "intel", "hx", " 准备接手竞品乙。", "--source", "老刘")
    assert "sources: [店员小张, 老刘]" in _file(root).read_text(encoding="utf-8")


def test_intel_counts_the_same_source_once_and_writes_nothing(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "intel", "hx", "准备接手竞品乙", "--source", "店员小张")
    assert result.exit_code == 0
    assert result.stdout == ("店员小张 已经是第 1 条信息 (准备接手竞品乙) 的信源; 同一信源只算"
                             "一次: 仍是 1/2; 没有写入\n")
    assert _file(root).read_text(encoding="utf-8") == SHOP


def test_intel_appends_to_a_block_list_of_sources(make_repo, kq):
    text = SHOP.replace("    sources: [店员小张]\n", "    sources:\n      - 店员小张\n")
    root = make_repo({"hx": text})
    _run(kq, root, "intel", "hx", "准备接手竞品乙", "--source", "老刘")
    assert _file(root).read_text(encoding="utf-8") == text + "      - 老刘\n"


def test_intel_dismiss_writes_the_day_on_that_claim(make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "intel", "hx", "--dismiss", "1")
    assert _file(root).read_text(encoding="utf-8") == SHOP + "    dismissed: 2026-12-03\n"
    assert result.stdout == "已排除 华信大药房(人民路店) 的第 1 条信息 (准备接手竞品乙)\n"


def test_intel_dismiss_takes_a_date(make_repo, kq):
    root = make_repo({"hx": SHOP})
    _run(kq, root, "intel", "hx", "--dismiss", "1", "--date", "2026-11-30")
    assert _file(root).read_text(encoding="utf-8").endswith("    dismissed: 2026-11-30\n")


def test_intel_dismiss_counts_claims_in_file_order(make_repo, kq):
    text = SHOP + "  - {date: 2026-11-10, claim: 要涨价, sources: [a]}\n"
    root = make_repo({"hx": text})
    _run(kq, root, "intel", "hx", "--dismiss", "2")
    assert _file(root).read_text(encoding="utf-8") == text.replace(
        "sources: [a]}", "sources: [a], dismissed: 2026-12-03}")


def test_intel_dismissing_twice_writes_nothing(make_repo, kq):
    text = SHOP + "    dismissed: 2026-11-30\n"
    root = make_repo({"hx": text})
    result = _run(kq, root, "intel", "hx", "--dismiss", "1")
    assert result.stdout == "第 1 条信息 (准备接手竞品乙) 已于 2026-11-30 排除; 没有写入\n"
    assert _file(root).read_text(encoding="utf-8") == text


def test_intel_a_dismissed_claim_heard_again_is_a_new_claim(make_repo, kq):
    text = SHOP + "    dismissed: 2026-11-30\n"
    root = make_repo({"hx": text})
    _run(kq, root, "intel", "hx", "准备接手竞品乙", "--source", "老刘")
    assert _file(root).read_text(encoding="utf-8") == text + (
        "  - date: 2026-12-03\n    claim: 准备接手竞品乙\n    sources: [老刘]\n")


@pytest.mark.parametrize("n", ["0", "2"])
def test_intel_dismiss_of_a_claim_that_does_not_exist_is_a_usage_error(make_repo, kq, n):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "intel", "hx", "--dismiss", n)
    assert result.exit_code == 2
    assert result.stderr == "kq: --dismiss: 华信大药房(人民路店) 有 1 条信息; N 为 1 到 1\n"


@pytest.mark.parametrize("args", [["准备接手竞品乙"], ["--source", "老刘"],
                                  ["准备接手竞品乙", "--source", "老刘", "--dismiss", "1"],
                                  ["准备接手竞品乙", "--source", " "]])
def test_intel_usage_errors_write_nothing(make_repo, kq, args):
    root = make_repo({"hx": SHOP})
    result = _run(kq, root, "intel", "hx", *args)
    assert (result.exit_code, _file(root).read_text(encoding="utf-8")) == (2, SHOP)


@needs_git
def test_intel_commits_with_a_message_that_says_what_was_added(git_repo, kq):
    root = git_repo({"hx": SHOP})
    _run(kq, root, "intel", "hx", "准备接手竞品乙", "--source", "老刘")
    assert _last_commit(root) == "intel: 华信大药房(人民路店) claim 1 +source 老刘\n"


def test_intel_help_has_an_example(kq):
    assert '示例: kq intel dist-qjkr "康润往昭通低价走货"' in kq("intel", "--help").stdout


def test_claims_that_differ_in_spacing_case_and_final_stop_are_the_same():
    assert claim_key("  Will  switch to 竞品乙。") == claim_key("will switch to 竞品乙")


def test_a_source_with_extra_spaces_is_the_same_source():
    assert has_source(["店员 小张"], " 店员  小张 ")
