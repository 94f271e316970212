"""kq done and kq log --closes-next: a next step stays open until it is closed, byte-preserving."""

from __future__ import annotations

import json
import subprocess

from helpers import needs_git

HX = """\
name: 华信大药房(人民路店)  # 旗舰店
kind: terminal
status: active
tier: key
visits:
  - date: 2026-11-20
    kind: visit
    next: {date: 2026-11-27, action: 送端架物料}   # 王芳要的
  - date: 2026-11-22
    kind: call
    next:
      date: 2026-12-05
      action: 寄样品
  - {date: 2026-11-29, kind: wechat}
"""


def _steps(kq, root, today="2026-12-06"):
    rows = json.loads(kq("--repo", root, "--today", today, "due", "--reason", "next_action",
                         "--format", "json").stdout)
    return [r["message"] for r in rows]


def test_both_open_steps_are_listed_after_a_wechat(make_repo, kq):
    root = make_repo({"hx": HX})
    assert sorted(_steps(kq, root)) == ["寄样品 (约定于 2026-11-22)", "送端架物料 (约定于 2026-11-20)"]


def test_done_closes_the_oldest_open_step_and_changes_only_that_line(make_repo, kq):
    root = make_repo({"hx": HX})
    result = kq("--repo", root, "--today", "2026-12-06", "done", "hx", "--date", "2026-12-01")
    assert result.exit_code == 0, result.stderr
    assert "已完成: 送端架物料" in result.stdout
    text = (root / "customers" / "hx.yaml").read_text(encoding="utf-8")
    assert text == HX.replace("action: 送端架物料}", "action: 送端架物料, done_on: 2026-12-01}")
    assert _steps(kq, root) == ["寄样品 (约定于 2026-11-22)"]


def test_done_with_note_in_a_block_mapping(make_repo, kq):
    root = make_repo({"hx": HX})
    kq("--repo", root, "--today", "2026-12-06", "done", "hx", "--action", "样品", "--note", "顺丰已签收")
    text = (root / "customers" / "hx.yaml").read_text(encoding="utf-8")
    assert text == HX.replace("      action: 寄样品\n",
                              "      action: 寄样品\n      done_on: 2026-12-06\n      note: 顺丰已签收\n")


def test_done_without_open_steps_exits_1(make_repo, kq):
    root = make_repo({"hx": "name: 华信\nvisits: [{date: 2026-11-20, kind: visit}]\n"})
    result = kq("--lang", "en", "--repo", root, "--today", "2026-12-06", "done", "hx")
    assert result.exit_code == 1
    assert "华信 has no open next step" in result.stderr


def test_done_before_the_step_was_agreed_is_refused(make_repo, kq):
    root = make_repo({"hx": HX})
    result = kq("--repo", root, "--today", "2026-12-06", "done", "hx", "--date", "2026-11-01")
    assert result.exit_code == 2
    assert (root / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX


def test_log_closes_next_in_the_same_write(make_repo, kq):
    root = make_repo({"hx": HX})
    result = kq("--repo", root, "--today", "2026-12-02", "log", "hx", "--kind", "visit",
                "--outcome", "端架已送到", "--closes-next")
    assert result.exit_code == 0, result.stderr
    text = (root / "customers" / "hx.yaml").read_text(encoding="utf-8")
    assert "action: 送端架物料, done_on: 2026-12-02}   # 王芳要的" in text
    assert text.endswith("  - {date: 2026-12-02, kind: visit, outcome: 端架已送到}\n")
    assert _steps(kq, root) == ["寄样品 (约定于 2026-11-22)"]


@needs_git
def test_done_is_committed_with_a_message_naming_the_step(make_repo, kq):
    root = make_repo({"hx": HX})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "."], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "start"], check=True)
    kq("--repo", root, "--today", "2026-12-06", "done", "hx")
    subject = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%s"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert subject == "done: 华信大药房(人民路店) 送端架物料 2026-12-06"


def test_new_refuses_an_existing_name_unless_forced(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房(东风路店)\n"})
    result = kq("--lang", "en", "--repo", root, "new", "华信大药房(东风路店)", "--no-edit")
    assert result.exit_code == 2
    assert "customers/hx.yaml is already 华信大药房(东风路店)" in result.stderr
    assert sorted(p.name for p in (root / "customers").iterdir()) == ["hx.yaml"]
    forced = kq("--lang", "en", "--repo", root, "new", "华信大药房(东风路店)", "--no-edit", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert len(list((root / "customers").glob("*.yaml"))) == 2


V1 = """\
name: 百草堂
visits:
  - {date: 2026-11-01, kind: visit, next: {date: 2026-11-05, action: 送样品}}
  - {date: 2026-11-08, kind: wechat}
  - {date: 2026-11-20, kind: visit, next: {date: 2026-11-27, action: 补货}}
"""


def test_upgrade_closes_what_v1_counted_as_done_in_one_write(make_repo, kq):
    root = make_repo({"bct": V1, "hx": HX})
    result = kq("--repo", root, "--today", "2026-12-06", "done", "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("已关闭 2 个客户的 3 个步骤")
    text = (root / "customers" / "bct.yaml").read_text(encoding="utf-8")
    assert text == V1.replace("action: 送样品}", "action: 送样品, done_on: 2026-11-08}")
    hx = (root / "customers" / "hx.yaml").read_text(encoding="utf-8")
    assert "action: 送端架物料, done_on: 2026-11-22}" in hx  # the call two days later
    assert "      done_on: 2026-11-29\n" in hx                # 寄样品, then the WeChat
    steps = _steps(kq, root)
    assert steps == ["补货 (约定于 2026-11-20)"]  # the last step stays open
    again = kq("--repo", root, "--today", "2026-12-06", "done", "--upgrade")
    assert again.stdout.startswith("没有要关闭的步骤")


def test_done_without_a_customer_or_upgrade_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": HX})
    result = kq("--repo", root, "done")
    assert result.exit_code == 2
    assert "请说明是哪个客户的步骤完成了" in result.stderr
