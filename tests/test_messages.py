"""kq's own messages (confirmations, warnings, errors, counts, titles) come from the catalogue:
Chinese by default (the suite's locale is LANG=C.UTF-8), English with --lang en; exit codes
and JSON never change with the language."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

TODAY = "2026-11-24"

HX = """\
name: 华信大药房
kind: terminal
status: active
tier: key
owner: 李明
contacts:
  - {name: 王芳, role: 店长}
visits:
  - date: 2026-11-20
    kind: visit
    next: {date: 2026-11-27, action: 送端架物料}
"""

WQ = """\
name: 万泉药店
kind: terminal
status: active
owner: 王强
"""


@pytest.fixture
def repo(make_repo):
    return make_repo({"hx": HX, "wq": WQ})


def both(kq, root, *args):
    """(the default run, the run with --lang en): each (exit code, stdout, stderr)."""
    zh = kq("--repo", root, "--today", TODAY, *args)
    en = kq("--repo", root, "--today", TODAY, "--lang", "en", *args)
    return (zh.exit_code, zh.stdout, zh.stderr), (en.exit_code, en.stdout, en.stderr)


# -- the catalogue itself -----------------------------------------------------------------------


def test_a_plural_is_one_catalogue_entry_translated_for_every_count(monkeypatch):
    from kqcli.cli import i18n

    found = [i18n.ngettext("{n} customer", "{n} customers", n).format(n=n) for n in (1, 2)]
    monkeypatch.setenv("KQ_LANG", "en")
    assert (found, i18n.ngettext("{n} customer", "{n} customers", 2).format(n=2)) == (
        ["1 个客户", "2 个客户"], "2 customers")


def test_a_store_message_is_english_text_translated_when_shown():
    from kqcli.cli import i18n
    from kqcli.store.errors import failure

    found = failure(PermissionError(13, "Permission denied", "customers/hx.yaml"))
    shown = i18n.translated(found.message)
    assert (found.message, shown, found.code) == (
        "customers/hx.yaml: Permission denied", "customers/hx.yaml: 没有权限", 1)


MINE = [f"cli/commands/{name}.py" for name in (
    "__init__", "ack", "alert", "claim", "classify", "done", "expense", "expenses", "figures",
    "intel", "listing", "reassign", "schema", "sync", "server", "manual", "merge_driver",
    "config", "contact")] + ["store/errors.py", "store/gitlog.py", "store/local.py"]
HELP_WORDS = {"Arguments", "Options"}
"""typer's panel words, which the manual's sections reuse: translated with the help."""


def test_every_message_of_the_commands_is_in_the_catalogue_in_chinese_with_its_placeholders():
    import re
    from pathlib import Path

    from babel.messages.extract import extract
    from babel.messages.pofile import read_po

    from kqcli.cli.catalogue import PO

    with open(PO, "rb") as f:
        catalog = read_po(f, locale="zh_CN")
    package = Path(PO).parents[3]
    holder = re.compile(r"\{[^{}]*\}")
    found, wrong = [], []
    for name in MINE:
        with open(package / name, "rb") as f:
            for _line, message, _notes, _context in extract(
                    "python", f, keywords={"_": None, "ngettext": (1, 2)}):
                found.append(message)
                source = message if isinstance(message, str) else message[0]
                entry = catalog.get(source)
                texts = () if entry is None else (
                    entry.string if isinstance(entry.string, tuple) else (entry.string,))
                if source not in HELP_WORDS and (
                        entry is None or entry.id != message or not texts or not all(texts)
                        or any(set(holder.findall(t)) != set(holder.findall(source))
                               for t in texts)):
                    wrong.append(message)
    assert (len(found) > 100, wrong) == (True, [])


# -- one command group each -------------------------------------------------------------------


def test_skipped_files_are_counted_in_the_users_language(make_repo, kq):
    root = make_repo({"hx": HX, "bad": "name: [\n"})
    zh, en = both(kq, root, "list", "--format", "json")
    assert (zh[0], zh[2].splitlines()[-1], en[0], en[2].splitlines()[-1]) == (
        1, "kq: 跳过了 1 个无效文件; 请运行 'kq check'",
        1, "kq: 1 invalid file skipped; run 'kq check'")


def test_a_bad_month_is_said_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "expenses", "--month", "2026-13")
    assert (zh, en) == ((2, "", "kq: --month: '2026-13' 不是月份; 请写成 YYYY-MM\n"),
                        (2, "", "kq: --month: '2026-13' is not a month; write YYYY-MM\n"))


def test_kq_list_counts_customers_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "list")
    assert (zh[1].split()[-2:], en[1].split()[-2:]) == (["2", "个客户"], ["2", "customers"])


def test_a_git_message_of_the_store_is_shown_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "sync")
    assert (zh, en) == (
        (2, "", "kq: kq sync 需要 git 仓库; 这里不在 git 管理之下, 并且要有远程仓库\n"),
        (2, "", "kq: kq sync needs a git repository; this one is not under git with a remote\n"))


def test_kq_ack_says_a_past_until_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "ack", "hx", "risk", "--until", "2026-11-01")
    assert (zh[2], en[2]) == ("kq: --until: 2026-11-01 早于今天 (2026-11-24)\n",
                              "kq: --until: 2026-11-01 is before today (2026-11-24)\n")


def test_kq_alert_lists_its_title_and_states_in_the_users_language(make_repo, kq):
    root = make_repo({"hx": HX}, kq_yaml="alerts:\n  - {region: 昆明, from: 2026-11-01, "
                                          "to: 2026-11-05, note: 暴雨}\n")
    zh, en = both(kq, root, "alert", "--list")
    assert (zh[1].split()[:1], "已结束" in zh[1], en[1].split()[:2], "ended" in en[1]) == (
        ["区域预警"], True, ["area", "alerts"], True)


def test_kq_claim_says_the_pool_is_off_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "claim", "hx", "--as", "王强")
    assert (zh[0], zh[2], en[2]) == (
        1, "kq: 公海未开启; 在 kq.yaml 中加上: pool: {after_days: 90, kinds: [terminal]}\n",
        "kq: the pool is off; add to kq.yaml: pool: {after_days: 90, kinds: [terminal]}\n")


def test_kq_classify_refuses_a_field_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "classify", "--field", "colour")
    assert (zh[2], en[2]) == (
        "kq: --field: 'colour' 不是 tier, grade, status, relationship, route 之一\n",
        "kq: --field: 'colour' is not one of tier, grade, status, relationship, route\n")


def test_kq_done_confirms_in_the_users_language(make_repo, kq):
    zh_root = make_repo({"hx": HX})
    zh = kq("--repo", zh_root, "--today", TODAY, "done", "hx")
    en_root = make_repo({"hx": HX}, root=zh_root.parent / "en")
    en = kq("--repo", en_root, "--today", TODAY, "--lang", "en", "done", "hx")
    assert (zh.stdout, en.stdout) == ("已完成: 送端架物料 (华信大药房, 2026-11-24)\n",
                                      "done: 送端架物料 (华信大药房, 2026-11-24)\n")


def test_kq_expense_confirms_and_marks_its_checks_in_the_users_language(make_repo, kq):
    zh_root = make_repo({"hx": HX})
    zh = kq("--repo", zh_root, "--today", TODAY, "expense", "hx", "300", "--purpose", "礼品")
    en_root = make_repo({"hx": HX}, root=zh_root.parent / "en")
    en = kq("--repo", en_root, "--today", TODAY, "--lang", "en", "expense", "hx", "300",
            "--purpose", "礼品")
    assert (zh.stdout.splitlines()[0], zh.stdout.splitlines()[1][:5],
            en.stdout.splitlines()[0], en.stdout.splitlines()[1][:14]) == (
        "已记录 华信大药房 2026-11-24 的客情费 300 (礼品)", "  未核对",
        "recorded expense 300 (礼品) for 华信大药房 on 2026-11-24", "  not checked ")


def test_kq_expenses_dates_its_statement_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "expenses", "--month", "2026-10", "--by", "owner")
    assert (zh[1].splitlines()[0], en[1].splitlines()[0]) == (
        "2026-10 客情费 (按业代); 统计表 2026-11-04 前交 (已过), 2026-11-11 前核对, 2026-11-12 起支付",
        "2026-10 客情费 by rep; statement due 2026-11-04 (past), checked by 2026-11-11, paid from "
        "2026-11-12")


def test_kq_figures_confirms_in_the_users_language(make_repo, kq):
    zh_root = make_repo({"hx": HX})
    zh = kq("--repo", zh_root, "--today", TODAY, "figures", "hx", "2026-10", "--collections",
            "120000")
    en_root = make_repo({"hx": HX}, root=zh_root.parent / "en")
    en = kq("--repo", en_root, "--today", TODAY, "--lang", "en", "figures", "hx", "2026-10",
            "--collections", "120000")
    assert (zh.stdout, en.stdout) == ("已添加 华信大药房 2026-10 的数据: collections 120,000\n",
                                      "added 2026-10 for 华信大药房: collections 120,000\n")


def test_kq_intel_confirms_a_new_claim_in_the_users_language(make_repo, kq):
    zh_root = make_repo({"hx": HX})
    zh = kq("--repo", zh_root, "--today", TODAY, "intel", "hx", "要进康润的货", "--source", "王芳")
    en_root = make_repo({"hx": HX}, root=zh_root.parent / "en")
    en = kq("--repo", en_root, "--today", TODAY, "--lang", "en", "intel", "hx", "要进康润的货",
            "--source", "王芳")
    assert (zh.stdout, en.stdout) == (
        "已为 华信大药房 添加第 1 条信息: 要进康润的货 (信源 1/2)\n",
        "added claim 1 for 华信大药房: 要进康润的货 (1 source of 2)\n")


def test_kq_reassign_titles_its_dry_run_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "reassign", "李明", "--to", "王强")
    assert (zh[1].split()[:4], zh[1].split()[-1], en[1].split()[:4], en[1].split()[-3:]) == (
        ["移交", "李明", "→", "王强"], "执行移交", ["reassign", "李明", "→", "王强"],
        ["--apply", "moves", "them"])


def test_kq_server_refuses_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "server", "status")
    assert (zh, en) == ((1, "", "kq: KQ_SERVER=0 关闭了服务; 去掉它再试\n"),
                        (1, "", "kq: KQ_SERVER=0 turns the server off; unset it first\n"))


def test_kq_help_names_an_unknown_command_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "help", "nosuch")
    assert (zh, en) == ((2, "", "kq: 没有命令 'nosuch'; 'kq help' 列出全部命令\n"),
                        (2, "", "kq: no command 'nosuch'; 'kq help' lists them all\n"))


def test_the_manual_titles_its_last_section_in_the_users_language(repo, kq):
    zh, en = both(kq, repo, "help")
    def last_title(text: str) -> list[str]:
        lines = text.splitlines()
        at = max(i for i, line in enumerate(lines) if line and not line.startswith(" "))
        return lines[at:at + 2]

    assert (last_title(zh[1]), last_title(en[1])) == (
        ["文件", "    kq.yaml"], ["FILES", "    kq.yaml"])


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", "kq: customers/hx.yaml: grade 的改动有冲突\n"),
    ("en", "kq: customers/hx.yaml: conflicting changes to grade\n")])
def test_the_merge_driver_names_a_conflict_in_the_users_language(tmp_path, lang, said):
    files = {name: tmp_path / name for name in ("base", "ours", "theirs")}
    for name, grade in (("base", "B"), ("ours", "A"), ("theirs", "C")):
        files[name].write_text(f"name: 华信\ngrade: {grade}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kqcli", "merge-driver", *map(str, files.values()),
                           "customers/hx.yaml"], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "KQ_LANG": lang})
    assert (done.returncode, done.stderr) == (1, said)


def test_json_keys_and_values_do_not_change_with_the_language(repo, kq):
    zh, en = both(kq, repo, "list", "--format", "json")
    assert json.loads(zh[1]) == json.loads(en[1])


def test_a_store_message_a_terminal_cannot_print_in_chinese_is_shown_in_english():
    import io

    from kqcli.cli.i18n import translated
    from kqcli.store.errors import failure

    found = failure(PermissionError(13, "Permission denied", "customers/hx.yaml"))
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    assert translated(found.message, latin) == "customers/hx.yaml: Permission denied"
