"""kq history (field-level changes from git, newest first) and kq undo (revert kq's last commit),
over a small repository whose commits are made by kq log, kq edit and plain git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

HX = """\
# 华信大药房 — 重点客户
name: 华信大药房
kind: terminal
grade: B
tier: key
contacts:
  - name: 王芳
    role: 店长
    phone: "13800001111"
visits:
  - date: 2026-11-20
    kind: visit
    contact: 王芳
"""

JM = """\
name: 金马药店
grade: C
"""

KEYS = {"commit", "date", "author", "field", "old", "new"}




def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def as_rep(monkeypatch):
    """``as_rep("李明", "2026-11-24")``: the next commits are authored by them on that day."""

    def switch(name: str, day: str) -> None:
        for role in ("AUTHOR", "COMMITTER"):
            monkeypatch.setenv(f"GIT_{role}_NAME", name)
            monkeypatch.setenv(f"GIT_{role}_DATE", f"{day}T10:00:00+08:00")

    return switch


@pytest.fixture
def editor(tmp_path, monkeypatch):
    def install(sed: str) -> None:
        script = tmp_path / "editor.sh"
        script.write_text(f"#!/bin/sh\nsed -i '{sed}' \"$1\"\n", encoding="utf-8")
        script.chmod(0o755)
        monkeypatch.setenv("EDITOR", str(script))

    return install


@pytest.fixture
def repo(make_repo, as_rep) -> Path:
    root = make_repo({"hx": HX, "jm": JM})
    (root / ".gitignore").write_text(".kq/\n", encoding="utf-8")
    as_rep("王经理", "2026-11-01")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "seed")
    return root


@pytest.fixture
def worked(repo, kq, as_rep, editor) -> Path:
    """Seed (11-01), then 李明 logs a visit (11-24) and edits the grade (11-25), then 张强 changes
    王芳's phone (11-26)."""
    as_rep("李明", "2026-11-24")
    assert kq("--repo", repo, "--today", "2026-11-24", "log", "hx", "--contact", "王芳",
              "--goal", "送物料").exit_code == 0
    as_rep("李明", "2026-11-25")
    editor("s/^grade: B/grade: A/")
    assert kq("--repo", repo, "edit", "hx").exit_code == 0
    as_rep("张强", "2026-11-26")
    editor("s/13800001111/13999990000/")
    assert kq("--repo", repo, "edit", "hx").exit_code == 0
    return repo


def history(kq, root: Path, *args: str) -> list[dict]:
    result = kq("--repo", root, "history", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _row(rows: list[dict], field: str) -> dict:
    found = [r for r in rows if r["field"] == field]
    assert len(found) == 1, rows
    return found[0]


# --- kq history CUSTOMER -----------------------------------------------------------------------


def test_history_rows_carry_the_contract_keys(worked, kq):
    rows = history(kq, worked, "hx")

    assert rows
    assert all(KEYS <= set(row) for row in rows)


def test_history_is_newest_first(worked, kq):
    rows = history(kq, worked, "hx")

    dates = [r["date"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert dates[:3] == ["2026-11-26", "2026-11-25", "2026-11-24"]
    assert [r["field"] for r in rows[:3]] == ["contacts[王芳].phone", "grade", "visits"]


def test_grade_change_is_old_b_new_a(worked, kq):
    row = _row([r for r in history(kq, worked, "hx") if r["old"] is not None], "grade")

    assert (row["old"], row["new"], row["author"], row["date"]) == ("B", "A", "李明", "2026-11-25")
    assert row["commit"] == git(worked, "rev-parse", "--short=7", "HEAD~1").strip()


def test_logged_visit_is_plus_one_with_its_date_and_kind(worked, kq):
    row = [r for r in history(kq, worked, "hx") if r["field"] == "visits"][0]

    assert row["new"] == "+1 (2026-11-24 visit)"
    assert row["old"] == 1
    assert row["author"] == "李明"


def test_contact_phone_change_names_the_contact(worked, kq):
    row = _row(history(kq, worked, "hx"), "contacts[王芳].phone")

    assert (row["old"], row["new"], row["author"]) == ("13800001111", "13999990000", "张强")


def test_the_first_version_shows_fields_created(worked, kq):
    rows = [r for r in history(kq, worked, "hx") if r["date"] == "2026-11-01"]

    assert _row(rows, "name")["new"] == "华信大药房"
    assert _row(rows, "name")["old"] is None
    assert _row(rows, "grade")["new"] == "B"
    assert {r["author"] for r in rows} == {"王经理"}


def test_field_option_filters_rows(worked, kq):
    rows = history(kq, worked, "hx", "--field", "grade")

    assert [(r["old"], r["new"]) for r in rows] == [("B", "A"), (None, "B")]


def test_field_option_matches_a_prefix(worked, kq):
    rows = history(kq, worked, "hx", "--field", "contacts")

    assert {r["field"] for r in rows} >= {"contacts[王芳].phone"}
    assert all(r["field"].startswith("contacts") for r in rows)


def test_history_finds_the_customer_by_name(worked, kq):
    assert history(kq, worked, "华信") == history(kq, worked, "hx")


def test_history_follows_a_rename(worked, kq, as_rep):
    as_rep("李明", "2026-11-27")
    git(worked, "mv", "customers/hx.yaml", "customers/hx-renmin.yaml")
    git(worked, "commit", "-q", "-m", "rename hx")

    rows = history(kq, worked, "hx-renmin", "--field", "grade")

    assert [(r["old"], r["new"], r["date"]) for r in rows] == [
        ("B", "A", "2026-11-25"), (None, "B", "2026-11-01")]


def test_the_rename_itself_is_no_field_change(worked, kq, as_rep):
    as_rep("李明", "2026-11-27")
    git(worked, "mv", "customers/hx.yaml", "customers/hx-renmin.yaml")
    git(worked, "commit", "-q", "-m", "rename hx")

    rows = history(kq, worked, "hx-renmin")

    assert "2026-11-27" not in {r["date"] for r in rows}
    assert rows[0]["field"] == "contacts[王芳].phone"


def test_history_table_shows_the_change_for_people(worked, kq):
    result = kq("--repo", worked, "history", "hx", "--field", "grade")

    assert result.exit_code == 0
    assert "grade: B → A" in result.stdout


def test_history_of_a_customer_with_one_commit(repo, kq):
    rows = history(kq, repo, "jm")

    assert {(r["field"], r["new"]) for r in rows} == {("name", "金马药店"), ("grade", "C")}


def test_history_of_an_unknown_customer_exits_2(worked, kq):
    assert kq("--repo", worked, "history", "nobody").exit_code == 2


def test_history_outside_git_exits_2_with_a_message(make_repo, kq):
    root = make_repo({"hx": HX})

    result = kq("--repo", root, "history", "hx")

    assert result.exit_code == 2
    assert "git" in result.stderr


# --- kq history (the whole repository) ---------------------------------------------------------


def test_history_without_a_customer_lists_every_customers_changes(worked, kq, as_rep, editor):
    as_rep("张强", "2026-11-27")
    editor("s/^grade: C/grade: B/")
    kq("--repo", worked, "edit", "jm")

    rows = history(kq, worked)

    assert (rows[0]["customer"], rows[0]["field"], rows[0]["old"], rows[0]["new"]) == (
        "jm", "grade", "C", "B")
    assert {r["customer"] for r in rows} == {"hx", "jm"}
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
    assert ("hx", "visits", "+1 (2026-11-24 visit)") in [
        (r["customer"], r["field"], r["new"]) for r in rows]


def test_repository_history_with_a_field_filter(worked, kq):
    rows = history(kq, worked, "--field", "grade")

    assert {(r["customer"], r["old"], r["new"]) for r in rows} == {
        ("hx", "B", "A"), ("hx", None, "B"), ("jm", None, "C")}


# --- kq undo -----------------------------------------------------------------------------------


def test_undo_reverts_the_last_kq_commit(repo, kq, as_rep):
    as_rep("李明", "2026-11-24")
    kq("--lang", "en", "--repo", repo, "--today", "2026-11-24", "log", "hx", "--goal", "送物料")
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") != HX

    result = kq("--lang", "en", "--repo", repo, "undo", "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("undone: log: 华信大药房 visit 2026-11-24")
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX
    assert git(repo, "log", "-1", "--format=%s").startswith("Revert")
    assert git(repo, "status", "--porcelain", "--", "customers") == ""


def test_undo_waits_for_a_kq_write_in_progress(repo, kq, as_rep):
    """kq undo checks the last commit and reverts it with every customer file's lock held: a
    kq log writing meanwhile finishes first (else the undo could revert the wrong commit or
    trip over a half-written file)."""
    import sys
    import time

    from kqcli.store.writer import customer_locked

    as_rep("李明", "2026-11-24")
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx", "--goal", "送物料")
    with customer_locked(repo, "jm"):  # another kq writing jm
        undo = subprocess.Popen([sys.executable, "-m", "kqcli", "--repo", str(repo), "undo",
                                 "--yes"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "KQ_SERVER": "0"})
        time.sleep(1.0)
        assert undo.poll() is None  # waiting
    out, err = undo.communicate(timeout=60)
    assert undo.returncode == 0, err
    assert out.startswith("已撤销: log: 华信大药房 visit 2026-11-24")
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX


def test_undo_is_a_new_commit_on_top(repo, kq, as_rep):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    logged = git(repo, "rev-parse", "HEAD")

    kq("--repo", repo, "undo", "--yes")

    assert git(repo, "rev-parse", "HEAD~1") == logged
    assert git(repo, "rev-list", "--count", "HEAD") == "3\n"


def test_undo_reverts_an_edit(repo, kq, editor):
    editor("s/^grade: B/grade: A/")
    kq("--repo", repo, "edit", "hx")

    assert kq("--repo", repo, "undo", "--yes").exit_code == 0
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX


def test_undo_refuses_when_the_last_commit_is_not_kqs(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    (repo / "customers" / "jm.yaml").write_text(JM.replace("grade: C", "grade: B"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "手工改了金马的等级")
    head = git(repo, "rev-parse", "HEAD")

    result = kq("--repo", repo, "undo")

    assert result.exit_code == 2
    assert result.stderr == "kq: 最近的提交不是 kq 做的 ('手工改了金马的等级'); 未撤销\n"
    assert git(repo, "rev-parse", "HEAD") == head
    assert "grade: B" in (repo / "customers" / "jm.yaml").read_text(encoding="utf-8")


def test_undo_twice_does_not_undo_the_undo(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    kq("--repo", repo, "undo", "--yes")
    head = git(repo, "rev-parse", "HEAD")

    result = kq("--repo", repo, "undo", "--yes")

    assert result.exit_code == 2
    assert git(repo, "rev-parse", "HEAD") == head


def test_a_second_undo_says_in_one_line_that_the_last_commit_already_undid_it(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    kq("--repo", repo, "undo", "--yes")

    result = kq("--repo", repo, "undo")

    assert (result.exit_code, result.stderr) == (2, (
        "kq: 最近的提交已经撤销了 'log: 华信大药房 visit 2026-11-24'; kq undo 只撤销 kq 最近的一次"
        "提交, 没有别的可撤销\n"))


def test_a_second_undo_explains_in_english_with_lang_en(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    kq("--repo", repo, "undo", "--yes")

    result = kq("--repo", repo, "--lang", "en", "undo")

    assert result.stderr == ("kq: the latest commit already undid 'log: 华信大药房 visit "
                             "2026-11-24'; kq undo reverts only kq's latest commit, so nothing "
                             "more to undo\n")


def test_undo_without_a_terminal_and_without_yes_refuses_in_one_line_naming_yes(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    head = git(repo, "rev-parse", "HEAD")

    result = kq("--repo", repo, "undo")

    assert result.exit_code == 2
    assert result.stderr == (f"kq: kq undo 要确认才撤销 {head[:7]} 'log: 华信大药房 visit 2026-11-24', "
                             "这里没有终端可问; 确定要撤销就加 --yes\n")
    assert git(repo, "rev-parse", "HEAD") == head


def test_undo_right_after_kq_init_says_there_is_nothing_to_undo(tmp_path, kq):
    kq("init", tmp_path / "new")

    result = kq("--repo", tmp_path / "new", "undo", "--yes")

    assert (result.exit_code, result.stderr) == (2, "kq: 最近的提交是 kq init 建仓库的提交; 没有可撤销的\n")
    assert (tmp_path / "new" / "kq.yaml").is_file()


def test_undo_in_a_repository_without_commits_says_there_is_nothing_to_undo(make_repo, kq):
    root = make_repo({"hx": HX})
    git(root, "init", "-q")

    result = kq("--repo", root, "undo")

    assert (result.exit_code, result.stderr) == (2, "kq: 没有可撤销的: 这个仓库还没有提交\n")


def in_terminal(repo: Path, answer: str, *args: str) -> tuple[int, str]:
    """``kq --repo REPO undo ARGS`` with a terminal (a pty) for its streams: what it wrote
    there, answering ``answer`` once it asks."""
    import pty
    import select
    import sys

    leader, follower = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "kqcli", "--repo", str(repo), "undo", *args],
                           stdin=follower, stdout=follower, stderr=follower, close_fds=True,
                           env={**os.environ, "KQ_SERVER": "0", "COLUMNS": "100"})
    os.close(follower)
    seen, answered = b"", False
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        assert ready, seen.decode("utf-8", "replace")
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child ended: the terminal is gone
            break
        if not chunk:
            break
        seen += chunk
        if not answered and seen.endswith(b"[y/N]: "):  # the prompt, its space included
            os.write(leader, answer.encode() + b"\n")
            answered = True
    os.close(leader)
    return run.wait(timeout=60), seen.decode("utf-8").replace("\r\n", "\n")


def test_undo_in_a_terminal_shows_the_commit_and_its_files_and_reverts_on_y(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    head = git(repo, "rev-parse", "HEAD")

    code, screen = in_terminal(repo, "y")

    assert code == 0, screen
    assert screen == (f"将撤销 {head[:7]} log: 华信大药房 visit 2026-11-24\n"
                      "  customers/hx.yaml\n"
                      "撤销它? [y/N]: y\n"
                      "已撤销: log: 华信大药房 visit 2026-11-24\n")
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX


def test_undo_in_a_terminal_reverts_nothing_on_enter(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    head = git(repo, "rev-parse", "HEAD")

    code, screen = in_terminal(repo, "")

    assert (code, screen.splitlines()[-1]) == (1, "kq: 未撤销")
    assert git(repo, "rev-parse", "HEAD") == head


def test_undo_refuses_when_the_file_changed_since(repo, kq):
    kq("--repo", repo, "--today", "2026-11-24", "log", "hx")
    path = repo / "customers" / "hx.yaml"
    changed = path.read_text(encoding="utf-8") + "tags: [连锁]\n"
    path.write_text(changed, encoding="utf-8")
    head = git(repo, "rev-parse", "HEAD")

    result = kq("--repo", repo, "undo")

    assert result.exit_code == 1
    assert git(repo, "rev-parse", "HEAD") == head
    assert path.read_text(encoding="utf-8") == changed


def test_undo_outside_git_exits_2(make_repo, kq):
    root = make_repo({"hx": HX})

    assert kq("--repo", root, "undo").exit_code == 2
