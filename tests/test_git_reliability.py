"""What kq guarantees when git and the disk misbehave, with real git and real processes: no entry
lost or duplicated by kq sync, no write during a half-done sync, no entry written that the user
is told failed (stale lock, failed commit, read-only repository), and git missing said as such."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_sync
from helpers import needs_git
from test_sync import HX, KQ, TODAY, Rep, Team, _run, _sync_ok, _visit_dates

from kqcli.cli.commands.sync import describe_conflicts

team = test_sync.team  # the fixture: 李明's and 张强's clones of one team remote

CALL = ("log", "hx", "--kind", "call", "--date", TODAY)
SUBJECT = f"log: 华信大药房 call {TODAY}"


def _remote_log(team: Team) -> list[str]:
    """'author subject' of every commit on the remote that touched a customer, newest first."""
    return subprocess.run(["git", "--git-dir", str(team.remote), "log", "--format=%an %s", "main",
                           "--", "customers"],
                          capture_output=True, text=True, check=True).stdout.splitlines()


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


# --- identical entries survive sync ------------------------------------------------------------


@needs_git
def test_the_same_call_logged_in_two_clones_is_two_calls_everywhere(team):
    _ok(team.li.kq(*CALL))
    _ok(team.zhang.kq(*CALL))

    for rep in (team.li, team.zhang, team.li):
        _sync_ok(rep)

    for text in (team.li.read("hx"), team.zhang.read("hx"), team.on_remote("customers/hx.yaml")):
        assert _visit_dates(text) == ["2026-11-20", TODAY, TODAY]


@needs_git
def test_the_second_reps_identical_commit_reaches_the_remote(team):
    _ok(team.li.kq(*CALL))
    _ok(team.zhang.kq(*CALL))

    for rep in (team.li, team.zhang, team.li):
        _sync_ok(rep)

    assert _remote_log(team) == [f"张强 {SUBJECT}", f"李明 {SUBJECT}", "测试 seed"]


@needs_git
def test_the_same_call_logged_twice_in_one_clone_is_kept_twice(team):
    _ok(team.li.kq(*CALL))
    _ok(team.li.kq(*CALL))
    _ok(team.zhang.kq(*CALL))

    for rep in (team.zhang, team.li, team.zhang):
        _sync_ok(rep)

    assert _visit_dates(team.on_remote("customers/hx.yaml")) == ["2026-11-20", TODAY, TODAY, TODAY]
    assert team.li.read("hx") == team.zhang.read("hx") == team.on_remote("customers/hx.yaml")


@needs_git
def test_the_same_grade_set_on_both_sides_is_set_once_without_an_empty_commit(team):
    team.li.commit_edit("hx", "grade: B", "grade: A")
    team.zhang.commit_edit("hx", "grade: B", "grade: A")
    _sync_ok(team.li)

    _sync_ok(team.zhang)

    assert team.on_remote("customers/hx.yaml") == HX.replace("grade: B", "grade: A")
    assert _remote_log(team) == ["李明 hand edit of hx", "测试 seed"]


# --- delete on one side, edit on the other -----------------------------------------------------


@pytest.fixture
def deleted_by_remote(team) -> tuple[Team, subprocess.CompletedProcess[str]]:
    team.li.git("rm", "-q", "customers/jm.yaml")
    team.li.git("commit", "-q", "-m", "drop 金马")
    _sync_ok(team.li)
    team.zhang.commit_edit("jm", "grade: C", "grade: B")
    return team, team.zhang.kq("sync")


@needs_git
def test_a_file_deleted_remotely_and_changed_here_is_named_with_the_side_that_deleted_it(
        deleted_by_remote):
    _, result = deleted_by_remote
    assert result.returncode == 1
    assert result.stderr.splitlines()[1] == (
        "  customers/jm.yaml: deleted on origin (already shared), changed by you; there are no "
        "markers. Keep your version: git add customers/jm.yaml; or let it go: git rm "
        "customers/jm.yaml")


@needs_git
def test_a_delete_versus_edit_does_not_claim_markers(deleted_by_remote):
    team, result = deleted_by_remote
    assert "between <<<<<<<" not in result.stderr
    assert "<<<<<<<" not in team.zhang.read("jm")


@needs_git
def test_keeping_the_edited_file_and_syncing_again_pushes_it(deleted_by_remote):
    team, _ = deleted_by_remote
    team.zhang.git("add", "customers/jm.yaml")

    result = _sync_ok(team.zhang)

    assert "grade: B\n" in team.on_remote("customers/jm.yaml")
    assert "1 customer changed by 李明" in result.stdout.splitlines()


@needs_git
def test_a_file_deleted_here_and_changed_remotely_is_named_as_deleted_by_you(team):
    team.li.commit_edit("jm", "grade: C", "grade: B")
    _sync_ok(team.li)
    team.zhang.git("rm", "-q", "customers/jm.yaml")
    team.zhang.git("commit", "-q", "-m", "drop 金马")

    result = team.zhang.kq("sync")

    assert result.returncode == 1
    assert result.stderr.splitlines()[1] == (
        "  customers/jm.yaml: deleted by you, changed on origin (already shared); there are no "
        "markers. Keep their version: git add customers/jm.yaml; or delete it: git rm "
        "customers/jm.yaml")


def test_conflict_lines_name_each_unsettled_file_and_skip_settled_ones(monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")
    assert describe_conflicts([("M ", "customers/a.yaml"), ("UU", "customers/b.yaml"),
                               ("DU", "customers/c.yaml")], "team") == [
        "customers/b.yaml: both versions are kept between <<<<<<< and >>>>>>> markers; keep one "
        "(kq check shows where), then: git add customers/b.yaml",
        "customers/c.yaml: deleted on team (already shared), changed by you; there are no "
        "markers. Keep your version: git add customers/c.yaml; or let it go: git rm "
        "customers/c.yaml"]


# --- writing while a sync conflict is pending --------------------------------------------------


@pytest.fixture
def pending_conflict(team) -> Team:
    team.li.commit_edit("hx", "grade: B", "grade: A")
    _sync_ok(team.li)
    _ok(team.zhang.kq("log", "jm", "--date", "2026-11-23", "--goal", "问库存"))
    team.zhang.commit_edit("hx", "grade: B", "grade: C")
    assert team.zhang.kq("sync").returncode == 1
    return team


@needs_git
def test_log_during_a_sync_conflict_is_refused_with_what_to_do(pending_conflict):
    result = pending_conflict.zhang.kq("log", "jm", "--date", TODAY, "--goal", "补货")

    assert result.returncode == 1
    assert _error_line(result.stderr) == (
        "kq: a git rebase is in progress (kq sync stopped on a conflict?); kq writes nothing until "
        "it is finished, so nothing is lost: run kq sync to see what to do; nothing was written")


@needs_git
def test_log_during_a_sync_conflict_writes_and_commits_nothing(pending_conflict):
    zhang = pending_conflict.zhang
    head, text = zhang.git("rev-parse", "HEAD"), zhang.read("jm")

    zhang.kq("log", "jm", "--date", TODAY, "--goal", "补货")

    assert zhang.git("rev-parse", "HEAD") == head
    assert zhang.read("jm") == text


@needs_git
def test_undo_during_a_sync_conflict_is_refused(pending_conflict):
    result = pending_conflict.zhang.kq("undo")

    assert result.returncode == 1
    assert "a git rebase is in progress" in result.stderr


@needs_git
def test_sync_with_markers_still_in_the_settled_file_says_where(pending_conflict):
    zhang = pending_conflict.zhang
    line = next(n for n, ln in enumerate(zhang.read("hx").splitlines(), 1)
                if ln.startswith("<<<<<<< "))
    zhang.git("add", "customers/hx.yaml")

    result = zhang.kq("sync")

    assert result.returncode == 1
    assert _error_line(result.stderr) == (
        f"kq: customers/hx.yaml:{line}: still has conflict markers; keep one version, then git "
        "add customers/hx.yaml && kq sync")


@needs_git
def test_settling_the_conflict_and_running_sync_again_pushes_everything(pending_conflict):
    team = pending_conflict
    text = team.zhang.read("hx")
    team.zhang.file("hx").write_text("\n".join(
        ln for ln in text.splitlines()
        if not ln.startswith(("<<<<<<< ", "=======", ">>>>>>> ", "grade: A"))) + "\n",
        encoding="utf-8")
    team.zhang.git("add", "customers/hx.yaml")

    _sync_ok(team.zhang)

    assert "grade: C\n" in team.on_remote("customers/hx.yaml")
    assert "goal: 问库存" in team.on_remote("customers/jm.yaml")
    assert team.zhang.git("status", "--porcelain") == ""


# --- a git lock in the way, a commit that fails ------------------------------------------------


@pytest.fixture
def clone(team) -> Rep:
    return team.li


def _stale_lock(rep: Rep) -> Path:
    lock = rep.root / ".git" / "index.lock"
    lock.write_bytes(b"")
    old = time.time() - 180
    os.utime(lock, (old, old))
    return lock


@needs_git
def test_log_with_a_stale_index_lock_says_its_age_and_how_to_remove_it(clone):
    _stale_lock(clone)

    result = clone.kq(*CALL)

    assert result.returncode == 1
    assert result.stderr == (
        "kq: .git/index.lock exists: another git process is running, or one crashed and left it "
        "(3 min old); if no git is running, remove it: rm '.git/index.lock'; nothing was written\n")


@needs_git
def test_log_with_a_stale_index_lock_writes_nothing_and_does_not_wait(clone):
    _stale_lock(clone)
    started = time.monotonic()

    clone.kq(*CALL)

    assert time.monotonic() - started < 10
    assert clone.read("hx") == HX


@needs_git
def test_retry_after_removing_a_stale_lock_leaves_exactly_one_entry(clone):
    lock = _stale_lock(clone)
    assert clone.kq(*CALL).returncode == 1
    lock.unlink()

    _ok(clone.kq(*CALL))

    assert _visit_dates(clone.read("hx")) == ["2026-11-20", TODAY]
    assert clone.git("status", "--porcelain") == ""


REFUSE_REFS = "#!/bin/sh\n[ \"$1\" = prepared ] && exit 1\nexit 0\n"


def _refuse_ref_updates(rep: Rep) -> Path:
    """A hook that makes every commit fail after kq wrote the file."""
    hook = rep.root / ".git" / "hooks" / "reference-transaction"
    hook.write_text(REFUSE_REFS, encoding="utf-8")
    hook.chmod(0o755)
    return hook


@needs_git
def test_a_failed_commit_puts_the_file_back_and_says_so(clone):
    _refuse_ref_updates(clone)

    result = clone.kq(*CALL)

    assert result.returncode == 1
    assert result.stderr.startswith("kq: git commit failed: ")
    assert result.stderr.endswith("; nothing was changed\n")
    assert clone.read("hx") == HX
    assert clone.git("status", "--porcelain") == ""


@needs_git
def test_retry_after_a_failed_commit_leaves_exactly_one_entry(clone):
    hook = _refuse_ref_updates(clone)
    assert clone.kq(*CALL).returncode == 1
    hook.unlink()

    _ok(clone.kq(*CALL))

    assert _visit_dates(clone.read("hx")) == ["2026-11-20", TODAY]
    assert clone.git("log", "--format=%s", "-1").strip() == SUBJECT


# --- read-only trees ---------------------------------------------------------------------------


def _can_mount_read_only() -> bool:
    if shutil.which("unshare") is None or shutil.which("git") is None:
        return False
    done = subprocess.run(["unshare", "-rm", "sh", "-c", "mount --bind / /mnt 2>/dev/null; true"],
                          capture_output=True)
    return done.returncode == 0


needs_read_only = pytest.mark.skipif(not _can_mount_read_only(),
                                     reason="needs unshare -rm to mount a folder read-only")


def _read_only(rep: Rep, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run kq with ``folder`` mounted read-only (a private mount namespace: nothing else sees it)."""
    script = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"')
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(folder), str(KQ),
                           "--repo", str(rep.root), "--today", TODAY, *args],
                          capture_output=True, text=True, env=rep.env, timeout=120)


def _error_line(stderr: str) -> str:
    """The one error a failed write ends with; every line before it is a one-line notice
    (the read side's 'cannot write the cache'), never a traceback."""
    lines = stderr.splitlines()
    assert lines and all(line.startswith("kq: ") for line in lines), stderr
    return lines[-1]


@needs_read_only
def test_log_with_a_read_only_git_folder_says_so_and_writes_nothing(clone):
    result = _read_only(clone, clone.root / ".git", *CALL)

    assert result.returncode == 1
    assert result.stderr == ("kq: cannot commit: .git is not writable (Read-only file system); "
                             "nothing was written\n")
    assert clone.read("hx") == HX


@needs_read_only
def test_log_in_a_read_only_tree_fails_in_one_line_and_changes_nothing(clone):
    result = _read_only(clone, clone.root, *CALL)

    assert result.returncode == 1
    assert _error_line(result.stderr) == (
        "kq: cannot commit: .git is not writable (Read-only file system); nothing was written")
    assert clone.read("hx") == HX


@needs_read_only
def test_log_in_a_read_only_tree_outside_git_fails_in_one_line(make_repo, tmp_path):
    rep = Rep("李明", "liming@example.com", make_repo({"hx": HX}))

    result = _read_only(rep, rep.root, *CALL)

    assert result.returncode == 1
    assert _error_line(result.stderr) == (
        "kq: cannot write customers/hx.yaml: Read-only file system; nothing was written")
    assert rep.read("hx") == HX


FULL_DISK = """\
mount -t tmpfs -o size=256k tmpfs "$1" && cp -a "$2/." "$1/" || exit 99
dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
"$3" --repo "$1" --today 2026-11-24 log hx --kind call
echo "exit $?"
cat "$1/customers/hx.yaml"
ls -A "$1/customers"
"""


@needs_read_only
def test_log_on_a_full_disk_fails_in_one_line_and_leaves_the_file_and_no_temporary_file(
        make_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"hx": "name: 华信\n"})
    (tmp_path / "disk").mkdir()

    done = subprocess.run(["unshare", "-rm", "sh", "-c", FULL_DISK, "sh", str(tmp_path / "disk"),
                           str(root), str(KQ)], capture_output=True, text=True, timeout=120)

    assert done.stdout == "exit 1\nname: 华信\nhx.yaml\n"
    assert _error_line(done.stderr) == (
        "kq: cannot write customers/hx.yaml: No space left on device; nothing was written")



@needs_read_only
def test_new_in_a_read_only_tree_fails_in_one_line_and_creates_nothing(clone):
    result = _read_only(clone, clone.root, "new", "云康药店", "--id", "yk", "--no-edit")

    assert result.returncode == 1
    assert _error_line(result.stderr).startswith("kq: cannot ")
    assert not clone.file("yk").exists()


@needs_read_only
def test_sync_in_a_read_only_tree_fails_in_one_line_and_changes_nothing(team):
    _ok(team.zhang.kq(*CALL))
    _sync_ok(team.zhang)
    head = team.li.git("rev-parse", "HEAD")

    result = _read_only(team.li, team.li.root, "sync")

    assert result.returncode == 1
    assert _error_line(result.stderr) == (
        f"kq: cannot sync: {team.li.root} is read-only; nothing was changed")
    assert team.li.git("rev-parse", "HEAD") == head
    assert team.li.read("hx") == HX


def test_log_where_dot_kq_is_a_file_still_logs(make_repo, kq):
    root = make_repo({"hx": HX})
    (root / ".kq").write_text("not a folder\n", encoding="utf-8")

    result = kq("--repo", root, "--today", TODAY, *CALL[:4])

    assert result.exit_code == 0, result.output
    assert _visit_dates((root / "customers" / "hx.yaml").read_text(encoding="utf-8")) == [
        "2026-11-20", TODAY]


# --- git missing -------------------------------------------------------------------------------


def _without_git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    empty = root.parent / "empty-path"
    empty.mkdir(exist_ok=True)
    return subprocess.run([str(KQ), "--repo", str(root), "--today", TODAY, *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": str(empty)})


@pytest.fixture
def git_repo(make_repo) -> Path:
    root = make_repo({"hx": HX})
    _run("git", "init", "-q", cwd=root)
    _run("git", "add", "-A", cwd=root)
    _run("git", "commit", "-q", "-m", "seed", cwd=root)
    return root


@needs_git
def test_log_without_git_writes_and_says_nothing_was_committed(git_repo, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    result = _without_git(git_repo, *CALL)

    assert result.returncode == 0
    assert result.stderr == ("kq: git is not installed (not found on PATH): customers/hx.yaml "
                             "written but not committed\n")
    assert _visit_dates((git_repo / "customers" / "hx.yaml").read_text(encoding="utf-8")) == [
        "2026-11-20", TODAY]


@needs_git
def test_new_without_git_says_nothing_was_committed(git_repo, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    result = _without_git(git_repo, "new", "云康药店", "--id", "yk", "--no-edit")

    assert result.returncode == 0, result.stderr
    assert "kq: git is not installed (not found on PATH): customers/yk.yaml written but not " \
           "committed\n" in result.stderr


@needs_git
def test_classify_apply_without_git_says_nothing_was_committed(make_repo, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"hx": "name: 华信大药房\nkind: terminal\nstatus: active\ntier: normal\n"
                            "owner: 李明\n"},
                     kq_yaml="classify: {tiers: {key: 1, secondary: 1, normal: 1}}\n")
    _run("git", "init", "-q", cwd=root)

    result = _without_git(root, "classify", "--apply")

    assert "kq: git is not installed (not found on PATH): customers/hx.yaml written but not " \
           "committed\n" in result.stderr
    assert "tier: key\n" in (root / "customers" / "hx.yaml").read_text(encoding="utf-8")


def test_log_outside_git_without_git_says_nothing_about_git(make_repo):
    root = make_repo({"hx": HX})

    result = _without_git(root, *CALL)

    assert result.returncode == 0
    assert result.stderr == ""


@needs_git
@pytest.mark.parametrize("command", [["history", "hx"], ["undo"], ["sync"]])
def test_history_commands_without_git_say_git_is_missing(git_repo, command):
    result = _without_git(git_repo, "--lang", "en", *command)

    assert result.returncode == 2
    assert result.stderr.startswith(f"kq: kq {command[0]} needs git, which is not installed (not "
                                    "found on PATH), although this folder is a git repository")


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip(reason="POSIX locks, mounts and hooks")
