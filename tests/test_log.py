"""kq log: the exact bytes it appends, the values it defaults, when it refuses, how it commits,
and that concurrent kq processes (and a concurrent git) lose nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import git as _git

from kqcli.schema.customer import Interaction
from kqcli.store.errors import KqError
from kqcli.store.validate import validate_customer
from kqcli.store.writer import replace_atomically, update_customer


@pytest.fixture(autouse=True)
def _messages_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The messages as the code writes them: English, the catalogue's source (their Chinese is
    tests/test_people_output.py's and the catalogue's)."""
    monkeypatch.setenv("KQ_LANG", "en")


TODAY = "2026-11-24"
KQ_EXE = Path(sys.prefix) / "bin" / "kq"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# Comments full-line and trailing, Chinese text, quoted and unquoted strings, flow mappings,
# a block literal, blank lines, and keys after ``visits:``.
RICH = """\
# 华信大药房 — 重点客户，每周二上午拜访
name: 华信大药房(人民路店)   # 招牌上的名字
kind: 终端
tier: 'key'
owner: "李明"
region: 昆明/五华区
tags: [连锁, 医保]
route: {weekday: tue, time: "09:30"}
notes: |
  老板姓陈，不爱喝茶。
  周一盘点，别去。

contacts:
  - name: 王芳
    role: 店长   # 拍板的人
    phone: "13800001111"
visits:
  # 按时间先后
  - date: 2026-11-20
    kind: visit
    contact: 王芳
    goal: 推新品陈列
    next: {date: 2026-11-27, action: 送陈列物料}   # 别忘了

months:
  2026-10: {collections: 120000, shipments: 130000}   # 月底对账
"""

WANG_FANG_VISIT = "  - date: 2026-11-24\n    kind: visit\n    contact: 王芳\n    goal: 推新品陈列\n"


def _customer_file(root: Path, cid: str = "hx") -> Path:
    return root / "customers" / f"{cid}.yaml"


def _last_visit(raw: bytes) -> Interaction:
    customer, problems = validate_customer(raw, "after")
    assert problems == []
    assert customer is not None
    return customer.visits[-1]


def _log(kq, root: Path, *args: str):
    return kq("--repo", root, "--today", TODAY, "log", "hx", *args)


# --- byte preservation -------------------------------------------------------------------------


def test_log_changes_only_the_appended_lines(make_repo, kq):
    before = RICH.encode()
    root = make_repo({"hx": before})
    result = _log(kq, root, "--contact", "王芳", "--goal", "推新品陈列")
    assert result.exit_code == 0, result.stderr
    after = _customer_file(root).read_bytes()
    at = before.index("# 别忘了\n".encode()) + len("# 别忘了\n".encode())
    assert after == before[:at] + WANG_FANG_VISIT.encode() + before[at:]


def test_log_reports_what_it_logged(make_repo, kq):
    root = make_repo({"hx": RICH.encode()})
    result = _log(kq, root, "--contact", "王芳")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "logged visit 2026-11-24 for 华信大药房(人民路店)\n"


def test_logged_interaction_reads_back_and_keeps_the_older_ones(make_repo, kq):
    root = make_repo({"hx": RICH.encode()})
    assert _log(kq, root, "--contact", "王芳", "--goal", "推新品陈列").exit_code == 0
    customer, problems = validate_customer(_customer_file(root).read_bytes(), "after")
    assert problems == [] and customer is not None
    assert [v.date for v in customer.visits] == [dt.date(2026, 11, 20), dt.date(2026, 11, 24)]
    assert customer.visits[-1] == Interaction(date=dt.date(2026, 11, 24), kind="visit",
                                              contact="王芳", goal="推新品陈列")
    assert customer.notes == "老板姓陈，不爱喝茶。\n周一盘点，别去。"  # the schema strips the final newline


def test_crlf_file_keeps_crlf_on_every_line(make_repo, kq):
    before = RICH.replace("\n", "\r\n").encode()
    root = make_repo({"hx": before})
    assert _log(kq, root, "--contact", "王芳", "--goal", "推新品陈列").exit_code == 0
    after = _customer_file(root).read_bytes()
    at = before.index("# 别忘了\r\n".encode()) + len("# 别忘了\r\n".encode())
    assert after == before[:at] + WANG_FANG_VISIT.replace("\n", "\r\n").encode() + before[at:]
    lines = after.split(b"\n")
    assert lines[-1] == b""
    assert all(line.endswith(b"\r") for line in lines[:-1])


def test_utf8_bom_is_kept(make_repo, kq):
    before = b"\xef\xbb\xbf" + "name: 华信\nvisits:\n  - date: 2026-11-20\n".encode()
    root = make_repo({"hx": before})
    assert _log(kq, root).exit_code == 0
    assert _customer_file(root).read_bytes() == before + b"  - date: 2026-11-24\n    kind: visit\n"


def test_four_space_list_indentation_is_followed(make_repo, kq):
    before = ("name: 华信\n"
              "contacts:\n"
              "    - name: 王芳\n"
              "visits:\n"
              "    - date: 2026-11-20\n"
              "      kind: call\n"
              "months: {}\n").encode()
    root = make_repo({"hx": before})
    assert _log(kq, root, "--contact", "王芳", "--goal", "推新品陈列").exit_code == 0
    at = before.index(b"months:")
    appended = "    - date: 2026-11-24\n      kind: visit\n      contact: 王芳\n      goal: 推新品陈列\n"
    assert _customer_file(root).read_bytes() == before[:at] + appended.encode() + before[at:]


def test_flow_style_items_get_a_flow_item(make_repo, kq):
    before = ("name: 华信\n"
              "visits:\n"
              "  - {date: 2026-11-20, kind: call}   # 电话\n"
              "months: {}\n").encode()
    root = make_repo({"hx": before})
    assert _log(kq, root, "--kind", "call", "--note", "回访").exit_code == 0
    at = before.index(b"months:")
    appended = "  - {date: 2026-11-24, kind: call, note: 回访}\n".encode()
    assert _customer_file(root).read_bytes() == before[:at] + appended + before[at:]


def test_empty_flow_list_becomes_a_block_list(make_repo, kq):
    root = make_repo({"hx": "name: 华信\nvisits: []\nmonths: {}\n".encode()})
    assert _log(kq, root, "--goal", "推新品陈列").exit_code == 0
    assert _customer_file(root).read_text(encoding="utf-8") == (
        "name: 华信\n"
        "visits:\n"
        "  - date: 2026-11-24\n"
        "    kind: visit\n"
        "    goal: 推新品陈列\n"
        "months: {}\n")


def test_empty_flow_list_follows_the_files_four_space_indentation(make_repo, kq):
    root = make_repo({"hx": "name: 华信\ncontacts:\n    - name: 王芳\nvisits: []\n".encode()})
    assert _log(kq, root, "--contact", "王芳").exit_code == 0
    assert _customer_file(root).read_text(encoding="utf-8") == (
        "name: 华信\n"
        "contacts:\n"
        "    - name: 王芳\n"
        "visits:\n"
        "    - date: 2026-11-24\n"
        "      kind: visit\n"
        "      contact: 王芳\n")


def test_file_without_visits_gets_a_block_list_at_the_end(make_repo, kq):
    before = "name: 华信   # 店名\nmonths:\n  2026-10: {collections: 1000}\n".encode()
    root = make_repo({"hx": before})
    assert _log(kq, root, "--goal", "推新品陈列").exit_code == 0
    assert _customer_file(root).read_bytes() == before + (
        "visits:\n  - date: 2026-11-24\n    kind: visit\n    goal: 推新品陈列\n").encode()


def test_file_without_final_newline_gets_one_before_the_new_list(make_repo, kq):
    root = make_repo({"hx": "name: 华信".encode()})
    assert _log(kq, root).exit_code == 0
    assert _customer_file(root).read_text(encoding="utf-8") == (
        "name: 华信\nvisits:\n  - date: 2026-11-24\n    kind: visit\n")


def test_empty_flow_list_keeps_its_trailing_comment(make_repo, kq):
    root = make_repo({"hx": "name: 华信\nvisits: []   # 还没拜访过\nmonths: {}\n".encode()})
    assert _log(kq, root).exit_code == 0
    assert "# 还没拜访过" in _customer_file(root).read_text(encoding="utf-8")


def test_item_after_a_trailing_block_literal_goes_before_the_blank_line(make_repo, kq):
    before = ("name: 华信\n"
              "visits:\n"
              "  - date: 2026-11-20\n"
              "    note: |\n"
              "      两行\n"
              "      备注\n"
              "\n"
              "months: {}\n").encode()
    root = make_repo({"hx": before})
    assert _log(kq, root).exit_code == 0
    at = before.index(b"\nmonths:")
    assert _customer_file(root).read_bytes() == (
        before[:at] + b"  - date: 2026-11-24\n    kind: visit\n" + before[at:])


def test_block_literal_before_the_new_item_reads_back_unchanged(make_repo, kq):
    before = ("name: 华信\n"
              "visits:\n"
              "  - date: 2026-11-20\n"
              "    note: |\n"
              "      两行\n"
              "      备注\n"
              "\n"
              "months: {}\n").encode()
    root = make_repo({"hx": before})
    assert _log(kq, root, "--note", "新的").exit_code == 0
    customer, problems = validate_customer(_customer_file(root).read_bytes(), "after")
    assert problems == [] and customer is not None
    assert [v.note for v in customer.visits] == ["两行\n备注", "新的"]


TRICKY_TEXT = ["推新品: 陈列", "123", "yes", "no", "true", "null", "~", "2026-11-24", "1.5",
               "0x1F", "10:30", "#1 陈列", "陈列 #2", "- 陈列", "[陈列]", "{陈列}", "'单引号'",
               '"双引号"', "@店长", "%折扣", "!重要", "&a", "*a", "?问", "|竖线", ">大于",
               "a\\b", "两行\n说明", "制表\t符"]


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_goal_needing_quotes_reads_back_as_the_same_text(make_repo, kq, text):
    root = make_repo({"hx": "name: 华信\nvisits:\n  - date: 2026-11-20\n".encode()})
    result = _log(kq, root, "--goal", text)
    assert result.exit_code == 0, result.stderr
    assert _last_visit(_customer_file(root).read_bytes()).goal == text


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_goal_in_a_flow_item_reads_back_as_the_same_text(make_repo, kq, text):
    root = make_repo({"hx": "name: 华信\nvisits:\n  - {date: 2026-11-20, kind: call}\n".encode()})
    result = _log(kq, root, "--goal", text)
    assert result.exit_code == 0, result.stderr
    assert _last_visit(_customer_file(root).read_bytes()).goal == text


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_next_action_reads_back_as_the_same_text(make_repo, kq, text):
    root = make_repo({"hx": "name: 华信\n".encode()})
    result = _log(kq, root, "--next-date", "2026-11-27", "--next-action", text)
    assert result.exit_code == 0, result.stderr
    step = _last_visit(_customer_file(root).read_bytes()).next
    assert step is not None
    assert (step.date, step.action) == (dt.date(2026, 11, 27), text)


def test_quoted_goal_is_written_in_double_quotes(make_repo, kq):
    root = make_repo({"hx": "name: 华信\n".encode()})
    assert _log(kq, root, "--goal", "推新品: 陈列").exit_code == 0
    assert _customer_file(root).read_text(encoding="utf-8") == (
        'name: 华信\nvisits:\n  - date: 2026-11-24\n    kind: visit\n    goal: "推新品: 陈列"\n')


@pytest.mark.parametrize("start, args", [
    ("name: 华信\n", ["--next-date", "2026-11-27", "--next-action", "送POP, 海报"]),
    ("name: 华信\nvisits:\n  - {date: 2026-11-20, kind: call}\n", ["--goal", "POP, 海报"]),
    ("name: 华信\n", ["--next-date", "2026-11-27", "--next-action", "补货}明天"]),
], ids=["comma-in-next-action", "comma-in-flow-item", "brace-in-next-action"])
def test_flow_indicator_in_text_reads_back_as_the_same_text(make_repo, kq, start, args):
    root = make_repo({"hx": start.encode()})
    result = _log(kq, root, *args)
    assert result.exit_code == 0, result.stderr
    visit = _last_visit(_customer_file(root).read_bytes())
    assert args[-1] in (visit.goal, visit.next and visit.next.action)


def test_unicode_line_separator_in_note_reads_back(make_repo, kq):
    root = make_repo({"hx": "name: 华信\n".encode()})
    result = _log(kq, root, "--note", "网页上\u2028复制的")
    assert result.exit_code == 0, result.stderr
    assert _last_visit(_customer_file(root).read_bytes()).note == "网页上\u2028复制的"


# --- defaults and usage errors -----------------------------------------------------------------

WITH_CONTACT = "name: 华信\ncontacts:\n  - name: 王芳\n    role: 店长\n"


def test_date_defaults_to_today_and_kind_to_visit(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    assert _log(kq, root).exit_code == 0
    assert _customer_file(root).read_text(encoding="utf-8") == (
        WITH_CONTACT + "visits:\n  - date: 2026-11-24\n    kind: visit\n")


def test_explicit_date_wins_over_today(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    assert _log(kq, root, "--date", "2026-11-21").exit_code == 0
    assert _last_visit(_customer_file(root).read_bytes()).date == dt.date(2026, 11, 21)


def test_chinese_kind_alias_is_written_as_the_english_value(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root, "--kind", "电话")
    assert result.exit_code == 0, result.stderr
    assert _customer_file(root).read_text(encoding="utf-8").endswith(
        "  - date: 2026-11-24\n    kind: call\n")


def test_done_items_are_parsed_and_aliased_in_order(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    assert _log(kq, root, "--done", "陈列,pop").exit_code == 0
    assert _customer_file(root).read_text(encoding="utf-8").endswith(
        "    kind: visit\n    done: [display, pop]\n")
    assert _last_visit(_customer_file(root).read_bytes()).done == ["display", "pop"]


def test_every_field_in_schema_order(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root, "--note", "带了样品", "--next-action", "送陈列物料",
                  "--next-date", "2026-11-27", "--done", "pop，帮忙", "--outcome", "同意端架两周",
                  "--goal", "推新品陈列", "--contact", "王芳", "--kind", "拜访",
                  "--date", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT + (
        "visits:\n"
        "  - date: 2026-11-23\n"
        "    kind: visit\n"
        "    contact: 王芳\n"
        "    goal: 推新品陈列\n"
        "    outcome: 同意端架两周\n"
        "    done: [pop, help]\n"
        "    next: {date: 2026-11-27, action: 送陈列物料}\n"
        "    note: 带了样品\n")


def test_next_date_without_next_action_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root, "--next-date", "2026-11-27")
    assert result.exit_code == 2
    assert "--next-date and --next-action go together" in result.stderr
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


def test_next_action_without_next_date_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    assert _log(kq, root, "--next-action", "送物料").exit_code == 2
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "11/24", "明天"])
def test_bad_date_is_a_usage_error(make_repo, kq, bad):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root, "--date", bad)
    assert result.exit_code == 2
    assert f"--date: '{bad}' is not a date; write YYYY-MM-DD" in result.stderr
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


def test_bad_next_date_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root, "--next-date", "2026-11-31", "--next-action", "送物料")
    assert result.exit_code == 2
    assert "--next-date" in result.stderr
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


def test_unknown_kind_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root, "--kind", "聚餐")
    assert result.exit_code == 2
    assert "'聚餐' is not one of visit" in result.stderr
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


def test_unknown_done_item_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    assert _log(kq, root, "--done", "陈列,喝茶").exit_code == 2
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


def test_misspelt_contact_is_a_usage_error_that_suggests_the_right_one(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root, "--contact", "王方")
    assert result.exit_code == 2
    assert "kq: --contact: 王方 is not a contact of 华信; did you mean 王芳?" in result.stderr
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


def test_contact_of_a_customer_without_contacts_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": "name: 华信\n".encode()})
    result = _log(kq, root, "--contact", "王芳")
    assert result.exit_code == 2
    assert "the customer has no contacts yet" in result.stderr
    assert _customer_file(root).read_text(encoding="utf-8") == "name: 华信\n"


def test_unknown_customer_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = kq("--repo", root, "--today", TODAY, "log", "nobody")
    assert result.exit_code == 2
    assert _customer_file(root).read_text(encoding="utf-8") == WITH_CONTACT


def _run_in_terminal(args: list[str], answers: bytes) -> tuple[int, str]:
    """Run the real kq with a pseudo-terminal as stdin and stdout, typing ``answers``."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(KQ_EXE), *args], stdin=follower, stdout=follower,
                               stderr=follower, close_fds=True)
    os.close(follower)
    os.write(leader, answers)
    output = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        output += chunk
    code = process.wait(timeout=30)
    os.close(leader)
    return code, output.decode("utf-8", "replace")


def test_interactive_prompt_defaults_the_date_to_today_option(make_repo):
    root = make_repo({"hx": "name: 华信\n".encode()})
    code, output = _run_in_terminal(["--repo", str(root), "--today", "2020-01-15", "log", "hx"],
                                    b"\n" * 6)
    assert code == 0, output
    assert _last_visit(_customer_file(root).read_bytes()).date == dt.date(2020, 1, 15)


# --- refusal and atomicity ---------------------------------------------------------------------


def test_invalid_customer_file_is_refused_and_left_alone(make_repo, kq):
    before = "name: 华信\nvisits:\n  - date: 2026-11-20\n    knd: visit   # 打错了\n".encode()
    root = make_repo({"hx": before})
    result = _log(kq, root)
    assert result.exit_code == 1
    assert _customer_file(root).read_bytes() == before
    assert os.listdir(root / "customers") == ["hx.yaml"]


def test_update_customer_refuses_an_invalid_file(make_repo):
    before = "name: 华信\ncolour: red\n".encode()
    root = make_repo({"hx": before})
    path = _customer_file(root)
    with pytest.raises(KqError) as caught:
        update_customer(root, path, lambda raw: raw + b"tags: [a]\n", "test", autocommit=False)
    assert caught.value.code == 1
    assert "customers/hx.yaml:2:1: colour: unknown key 'colour'" in caught.value.message
    assert path.read_bytes() == before


def test_update_customer_refuses_a_change_that_makes_the_file_invalid(make_repo):
    before = "name: 华信\n".encode()
    root = make_repo({"hx": before})
    path = _customer_file(root)
    with pytest.raises(KqError) as caught:
        update_customer(root, path, lambda raw: raw + b"tier: huge\n", "test", autocommit=False)
    assert caught.value.code == 1
    assert path.read_bytes() == before
    assert os.listdir(root / "customers") == ["hx.yaml"]


def test_update_customer_refuses_when_the_file_changed_after_it_was_read(make_repo):
    root = make_repo({"hx": "name: 华信\n".encode()})
    path = _customer_file(root)
    edited_meanwhile = "name: 华信\ntier: key\n".encode()

    def change(raw: bytes) -> bytes:
        path.write_bytes(edited_meanwhile)  # someone's editor saves while kq works
        return raw + b"tags: [a]\n"

    with pytest.raises(KqError) as caught:
        update_customer(root, path, change, "test", autocommit=False)
    assert caught.value.code == 1
    assert "changed on disk since kq read it" in caught.value.message
    assert path.read_bytes() == edited_meanwhile
    assert os.listdir(root / "customers") == ["hx.yaml"]


def test_replace_atomically_refuses_when_the_file_is_not_what_was_read(tmp_path):
    path = tmp_path / "hx.yaml"
    path.write_bytes("name: 华信\ntier: key\n".encode())
    with pytest.raises(KqError):
        replace_atomically(path, b"name: x\n", expected="name: 华信\n".encode())
    assert path.read_bytes() == "name: 华信\ntier: key\n".encode()
    assert os.listdir(tmp_path) == ["hx.yaml"]


def test_replace_atomically_refuses_to_create_a_file_that_was_expected(tmp_path):
    path = tmp_path / "hx.yaml"
    with pytest.raises(KqError):
        replace_atomically(path, b"name: x\n", expected=b"name: x\n")
    assert os.listdir(tmp_path) == []


def test_replace_atomically_writes_and_keeps_the_files_mode(tmp_path):
    path = tmp_path / "hx.yaml"
    path.write_bytes(b"name: a\n")
    path.chmod(0o600)
    replace_atomically(path, b"name: b\n", expected=b"name: a\n")
    assert path.read_bytes() == b"name: b\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["hx.yaml"]


def test_failed_rename_leaves_the_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "hx.yaml"
    path.write_bytes(b"name: a\n")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        replace_atomically(path, b"name: b\n", expected=b"name: a\n")
    assert path.read_bytes() == b"name: a\n"
    assert os.listdir(tmp_path) == ["hx.yaml"]


def test_successful_log_leaves_no_temporary_file(make_repo, kq):
    root = make_repo({"hx": RICH.encode(), "yk": "name: 云康\n".encode()})
    assert _log(kq, root, "--contact", "王芳").exit_code == 0
    assert sorted(os.listdir(root / "customers")) == ["hx.yaml", "yk.yaml"]


# --- git -----------------------------------------------------------------------------------------






def _commits(root: Path) -> list[str]:
    return _git(root, "log", "--format=%s").splitlines()


@needs_git
def test_log_commits_with_a_message_that_says_what_was_logged(git_repo, kq):
    root = git_repo({"hx": RICH.encode()})
    result = _log(kq, root, "--contact", "王芳")
    assert result.exit_code == 0, result.stderr
    assert _commits(root) == ["log: 华信大药房(人民路店) visit 2026-11-24", "start"]
    sha = _git(root, "rev-parse", "--short", "HEAD").strip()
    assert result.stdout == f"logged visit 2026-11-24 for 华信大药房(人民路店) (commit {sha})\n"


@needs_git
def test_log_commit_touches_only_the_customer_file(git_repo, kq):
    root = git_repo({"hx": RICH.encode(), "yk": "name: 云康\n".encode()})
    (root / "customers" / "yk.yaml").write_text("name: 云康\ntier: key\n", encoding="utf-8")
    (root / "todo.txt").write_text("明天\n", encoding="utf-8")
    assert _log(kq, root).exit_code == 0
    assert _git(root, "show", "--name-only", "--format=", "HEAD").splitlines() == ["customers/hx.yaml"]
    assert _git(root, "status", "--porcelain").splitlines() == [" M customers/yk.yaml", "?? todo.txt"]


@needs_git
def test_unrelated_staged_change_stays_staged_and_uncommitted(git_repo, kq):
    root = git_repo({"hx": RICH.encode(), "yk": "name: 云康\n".encode()})
    (root / "customers" / "yk.yaml").write_text("name: 云康\ntier: key\n", encoding="utf-8")
    _git(root, "add", "customers/yk.yaml")
    assert _log(kq, root).exit_code == 0
    assert _git(root, "show", "--name-only", "--format=", "HEAD").splitlines() == ["customers/hx.yaml"]
    assert _git(root, "diff", "--cached", "--name-only").splitlines() == ["customers/yk.yaml"]
    assert _git(root, "status", "--porcelain").splitlines() == ["M  customers/yk.yaml"]
    assert _git(root, "show", "HEAD:customers/yk.yaml") == "name: 云康\n"


@needs_git
def test_committed_file_is_exactly_what_was_written(git_repo, kq):
    root = git_repo({"hx": RICH.encode()})
    assert _log(kq, root, "--contact", "王芳", "--goal", "推新品陈列").exit_code == 0
    committed = subprocess.run(["git", "-C", str(root), "show", "HEAD:customers/hx.yaml"],
                               capture_output=True, check=True).stdout
    assert committed == _customer_file(root).read_bytes()
    assert _git(root, "status", "--porcelain") == ""


@needs_git
def test_autocommit_off_writes_but_does_not_commit(git_repo, kq):
    root = git_repo({"hx": RICH.encode()}, kq_yaml="git: {autocommit: false}\n")
    result = _log(kq, root, "--contact", "王芳")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "logged visit 2026-11-24 for 华信大药房(人民路店)\n"
    assert _commits(root) == ["start"]
    assert _git(root, "status", "--porcelain").splitlines() == [" M customers/hx.yaml"]


@needs_git
def test_refused_log_makes_no_commit(git_repo, kq):
    root = git_repo({"hx": WITH_CONTACT.encode()})
    assert _log(kq, root, "--contact", "王方").exit_code == 2
    assert _commits(root) == ["start"]
    assert _git(root, "status", "--porcelain") == ""


def test_log_outside_git_writes_without_committing(make_repo, kq):
    root = make_repo({"hx": WITH_CONTACT.encode()})
    result = _log(kq, root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "logged visit 2026-11-24 for 华信\n"
    assert not (root / ".git").exists()


# --- real processes ------------------------------------------------------------------------------

CONCURRENT = 8


def _start_kq_logs(root: Path) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([str(KQ_EXE), "--repo", str(root), "--today", TODAY, "log", "hx",
                              "--kind", "call", "--note", f"并发 {i}"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for i in range(CONCURRENT)]


def _assert_every_log_landed(root: Path, processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    text = _customer_file(root).read_text(encoding="utf-8")
    for i in range(CONCURRENT):
        assert text.count(f"note: 并发 {i}\n") == 1
    customer, problems = validate_customer(text.encode(), "customers/hx.yaml")
    assert problems == [] and customer is not None
    assert sorted(v.note for v in customer.visits) == sorted(f"并发 {i}" for i in range(CONCURRENT))
    assert {(v.date, v.kind) for v in customer.visits} == {(dt.date(2026, 11, 24), "call")}
    assert _git(root, "status", "--porcelain", "--", "customers/hx.yaml") == ""
    assert _commits(root).count("log: 华信 call 2026-11-24") == CONCURRENT


@needs_git
def test_concurrent_logs_on_one_customer_all_land_and_commit(git_repo):
    root = git_repo({"hx": "name: 华信\n".encode()})
    processes = _start_kq_logs(root)
    _assert_every_log_landed(root, processes)
    assert len(_commits(root)) == CONCURRENT + 1
    assert os.listdir(root / "customers") == ["hx.yaml"]


def _commit_in_a_loop(root: Path, path: str) -> subprocess.Popen[bytes]:
    """A shell loop that rewrites and commits ``path`` until the file ``stop`` appears."""
    loop = (f"i=0; while [ ! -e stop ]; do i=$((i+1)); "
            f"printf 'name: 云康\\nnotes: \"%s\"\\n' $i > {path}; "
            f"git add -- {path} 2>/dev/null; "
            f"git commit -q --no-verify -m \"other $i\" -- {path} >/dev/null 2>&1; done")
    return subprocess.Popen(["sh", "-c", loop], cwd=root)


@needs_git
def test_concurrent_logs_land_while_git_commits_another_file(git_repo):
    root = git_repo({"hx": "name: 华信\n".encode(), "yk": "name: 云康\n".encode()})
    loop = _commit_in_a_loop(root, "customers/yk.yaml")
    try:
        deadline = time.monotonic() + 10
        while not any(s.startswith("other ") for s in _commits(root)):
            assert time.monotonic() < deadline, "the background git loop made no commit"
            time.sleep(0.05)
        processes = _start_kq_logs(root)
        for process in processes:
            process.wait(timeout=120)
    finally:
        (root / "stop").touch()
        loop.wait(timeout=60)
    _assert_every_log_landed(root, processes)
    for sha in _git(root, "log", "--format=%h", "--grep=^log: ").split():
        assert _git(root, "show", "--name-only", "--format=", sha).splitlines() == [
            "customers/hx.yaml"]


def _hold_for_a_second(lock: Path) -> threading.Timer:
    """Create a git lock file as another git process would, and drop it a second later."""
    lock.touch()
    timer = threading.Timer(1.0, lock.unlink)
    timer.start()
    return timer


@needs_git
def test_log_waits_for_a_locked_index(git_repo, kq):
    root = git_repo({"hx": "name: 华信\n".encode()})
    timer = _hold_for_a_second(root / ".git" / "index.lock")
    result = _log(kq, root, "--note", "等锁")
    timer.join()
    assert result.exit_code == 0, result.stderr
    assert _commits(root) == ["log: 华信 visit 2026-11-24", "start"]
    assert _git(root, "status", "--porcelain") == ""


@needs_git
def test_log_waits_for_a_locked_branch_ref(git_repo, kq):
    root = git_repo({"hx": "name: 华信\n".encode()})
    branch = _git(root, "symbolic-ref", "HEAD").strip()
    timer = _hold_for_a_second(root / ".git" / f"{branch}.lock")
    result = _log(kq, root, "--note", "等锁")
    timer.join()
    assert result.exit_code == 0, result.stderr
    assert _commits(root) == ["log: 华信 visit 2026-11-24", "start"]
    assert _git(root, "status", "--porcelain") == ""
