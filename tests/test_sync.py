"""kq sync between two reps' clones of one team remote, with real git and the real merge driver:
what merges by meaning, what is left between markers, how a moving remote is retried, and when
sync refuses to start."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kqcli.cli.app import app
from kqcli.store.context import begin

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

KQ = Path(sys.executable).parent / "kq"
TODAY = "2026-11-24"

HX = """\
# 华信大药房 — 重点客户
name: 华信大药房
kind: terminal
status: active
tier: key
grade: B
contacts: [{name: 王芳, role: 店长, phone: "13800001111"}]
visits:
  - date: 2026-11-20
    kind: visit
    contact: 王芳
    goal: 推新品陈列   # 第一次谈
"""

JM = """\
name: 金马药店
kind: terminal
status: active
grade: C
contacts:
  - name: 赵丽
    role: 店员
"""




@dataclass
class Rep:
    """One rep's clone; every git and kq process runs as that rep. kq speaks English here:
    these tests read what it says (tests/test_messages.py checks that it says it in Chinese)."""

    name: str
    email: str
    root: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "GIT_AUTHOR_NAME": self.name, "GIT_AUTHOR_EMAIL": self.email,
                "GIT_COMMITTER_NAME": self.name, "GIT_COMMITTER_EMAIL": self.email,
                "KQ_LANG": "en"}

    def git(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                              env=self.env, timeout=60)
        if check:
            assert done.returncode == 0, done.stderr
        return done.stdout

    def kq(self, *args: str) -> subprocess.CompletedProcess[str]:
        """kq as this rep, in this process (the git it runs and git's merge driver, ``python
        -m kqcli merge-driver``, are processes of their own, with this rep's environment): a
        fresh Python for each command cost ~0.25 s of the ~1 s CPU of each sync test. What the
        console script adds (kqcli.cli.entry) is tested by test_warm and test_server."""
        argv = ["--repo", str(self.root), "--today", TODAY, *args]
        begin()  # a run of its own, as a console script's is
        done = CliRunner().invoke(app, argv, env=self.env, catch_exceptions=False)
        return subprocess.CompletedProcess([str(KQ), *argv], done.exit_code, done.stdout,
                                           done.stderr)

    def file(self, cid: str) -> Path:
        return self.root / "customers" / f"{cid}.yaml"

    def read(self, cid: str) -> str:
        return self.file(cid).read_text(encoding="utf-8")

    def commit_edit(self, cid: str, old: str, new: str) -> None:
        """Edit the file by hand and commit it with plain git, as a rep without kq edit would."""
        text = self.read(cid)
        assert old in text
        self.file(cid).write_text(text.replace(old, new, 1), encoding="utf-8")
        self.git("commit", "-q", "-am", f"hand edit of {cid}")


@dataclass
class Team:
    remote: Path
    li: Rep
    zhang: Rep

    def on_remote(self, path: str) -> str:
        return subprocess.run(["git", "--git-dir", str(self.remote), "show", f"main:{path}"],
                              capture_output=True, text=True, check=True).stdout


def _run(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=60)


def _remote(make_repo, tmp_path: Path, customers: dict[str, str]) -> Path:
    """A bare remote seeded with ``customers`` (none: no customers/ folder at all)."""
    seed = make_repo(customers, root=tmp_path / "seed")
    if not customers:
        (seed / "customers").rmdir()
    (seed / ".gitignore").write_text(".kq/\n", encoding="utf-8")
    _run("git", "init", "-q", "-b", "main", cwd=seed)
    _run("git", "add", "-A", cwd=seed)
    _run("git", "commit", "-q", "-m", "seed", cwd=seed)
    remote = tmp_path / "team.git"
    _run("git", "init", "-q", "--bare", "-b", "main", str(remote))
    _run("git", "push", "-q", str(remote), "main", cwd=seed)
    return remote


_TEAM_MADE: list[Path] = []


def _team_made(make_repo) -> Path:
    """The folder of :func:`team`'s seed, remote and two clones, made once in this process (in
    the first test's environment, as each test made its own before) in a folder of its own
    removed at exit: git init, a commit, a push and two clones cost ~0.15 s for each test,
    a copy ~0.04 s."""
    if not _TEAM_MADE:
        place = Path(tempfile.mkdtemp(prefix="kq-team-"))
        atexit.register(shutil.rmtree, place, ignore_errors=True)
        remote = _remote(make_repo, place, {"hx": HX, "jm": JM})
        for folder in ("li", "zhang"):
            _run("git", "clone", "-q", str(remote), str(place / folder))
        _TEAM_MADE.append(place)
    return _TEAM_MADE[0]


@pytest.fixture
def team(tmp_path, make_repo) -> Team:
    """A bare remote seeded with two customers, cloned by 李明 and by 张强 (a copy of
    :func:`_team_made`'s, each clone's origin set to the copy of the remote)."""
    made = _team_made(make_repo)
    for folder in ("seed", "team.git", "li", "zhang"):
        shutil.copytree(made / folder, tmp_path / folder, symlinks=True)
    remote = tmp_path / "team.git"
    reps = []
    for name, email, folder in (("李明", "liming@example.com", "li"),
                                ("张强", "zhangqiang@example.com", "zhang")):
        config = tmp_path / folder / ".git" / "config"
        text = config.read_text(encoding="utf-8")
        assert f"url = {made / 'team.git'}\n" in text
        config.write_text(text.replace(f"url = {made / 'team.git'}\n", f"url = {remote}\n"),
                          encoding="utf-8")
        reps.append(Rep(name, email, tmp_path / folder))
    return Team(remote, *reps)


def _visit_dates(text: str) -> list[str]:
    return [line.split("date:")[1].split()[0] for line in text.splitlines()
            if line.startswith("  - date:")]


def _sync_ok(rep: Rep) -> subprocess.CompletedProcess[str]:
    result = rep.kq("sync")
    assert result.returncode == 0, result.stderr
    return result


# --- changes that merge ------------------------------------------------------------------------


def test_changes_to_different_customers_reach_both_clones(team):
    team.li.commit_edit("hx", "grade: B", "grade: A")
    team.zhang.commit_edit("jm", "    role: 店员\n", "    role: 店长\n")

    _sync_ok(team.li)
    _sync_ok(team.zhang)
    _sync_ok(team.li)

    for rep in (team.li, team.zhang):
        assert "grade: A\n" in rep.read("hx")
        assert "    role: 店长\n" in rep.read("jm")
        assert rep.git("status", "--porcelain", "--", "customers") == ""


def test_sync_reports_who_changed_how_many_customers(team):
    team.li.commit_edit("hx", "grade: B", "grade: A")
    team.zhang.commit_edit("jm", "    role: 店员\n", "    role: 店长\n")
    _sync_ok(team.li)

    zhang = _sync_ok(team.zhang)
    li = _sync_ok(team.li)

    assert "1 customer changed by 李明" in zhang.stdout.splitlines()
    assert "1 customer changed by 张强" in li.stdout.splitlines()


def test_sync_with_nothing_new_on_the_remote_says_nothing_came_in(team):
    team.li.commit_edit("hx", "grade: B", "grade: A")

    result = _sync_ok(team.li)

    assert "nothing came in" in result.stdout
    assert "grade: A\n" in team.on_remote("customers/hx.yaml")


def test_visits_logged_on_both_sides_are_kept_in_date_order_in_both_clones(team):
    li = team.li.kq("log", "hx", "--date", "2026-11-23", "--contact", "王芳", "--goal", "送陈列物料")
    zhang = team.zhang.kq("log", "hx", "--date", "2026-11-22", "--kind", "call", "--contact", "王芳",
                          "--goal", "约拜访时间")
    assert li.returncode == 0 and zhang.returncode == 0, li.stderr + zhang.stderr

    _sync_ok(team.li)
    _sync_ok(team.zhang)
    _sync_ok(team.li)

    for rep in (team.li, team.zhang):
        text = rep.read("hx")
        assert _visit_dates(text) == ["2026-11-20", "2026-11-22", "2026-11-23"]
        assert "goal: 约拜访时间" in text and "goal: 送陈列物料" in text
        assert "goal: 推新品陈列   # 第一次谈" in text
        assert "<<<<<<<" not in text and ">>>>>>>" not in text
        check = rep.kq("check")
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout == ""
    assert team.li.read("hx") == team.zhang.read("hx") == team.on_remote("customers/hx.yaml")


def test_a_step_done_on_one_side_while_the_other_logged_is_done_once_in_both_clones(team):
    """李明 agrees a next step; 张强 marks it done (kq done) while 李明 logs another visit: after
    both sync, the visit with the step is there once, its step done (it was there twice, and the
    step stayed open in kq due)."""
    agreed = team.li.kq("log", "hx", "--date", "2026-11-21", "--goal", "谈端架",
                        "--next-date", "2026-11-25", "--next-action", "送端架")
    assert agreed.returncode == 0, agreed.stderr
    _sync_ok(team.li)
    _sync_ok(team.zhang)
    done = team.zhang.kq("done", "hx", "--date", "2026-11-23", "--note", "已送到")
    assert done.returncode == 0, done.stderr
    logged = team.li.kq("log", "hx", "--date", "2026-11-24", "--kind", "call", "--goal", "回访")
    assert logged.returncode == 0, logged.stderr

    _sync_ok(team.li)
    _sync_ok(team.zhang)  # its kq done is replayed onto 李明's new visit
    _sync_ok(team.li)

    for rep in (team.li, team.zhang):
        text = rep.read("hx")
        assert _visit_dates(text) == ["2026-11-20", "2026-11-21", "2026-11-24"]
        assert text.count("送端架") == 1 and "2026-11-23" in text
        due = json.loads(rep.kq("due", "--format", "json", "--within", "30").stdout)
        assert [r for r in due if r["reason"] == "next_action"] == []
    assert team.li.read("hx") == team.zhang.read("hx") == team.on_remote("customers/hx.yaml")


def test_both_sides_logging_the_same_customer_is_what_needs_the_merge_driver(team):
    """Both appends land at the same place, so git's line merge alone would stop here."""
    team.li.kq("log", "hx", "--date", "2026-11-23", "--goal", "送陈列物料")
    team.zhang.kq("log", "hx", "--date", "2026-11-22", "--goal", "约拜访时间")
    _sync_ok(team.li)

    result = _sync_ok(team.zhang)

    assert "customers/*.yaml merge=kq" in (team.zhang.root / ".gitattributes").read_text(encoding="utf-8")
    assert "merge-driver" in team.zhang.git("config", "merge.kq.driver")
    assert "1 customer changed by 李明" in result.stdout


def test_grade_on_one_side_and_a_phone_on_the_other_both_win(team):
    # The two lines are adjacent: git's line merge would call this a conflict.
    team.li.commit_edit("hx", "grade: B", "grade: A")
    team.zhang.commit_edit("hx", '"13800001111"', '"13999990000"')

    _sync_ok(team.li)
    _sync_ok(team.zhang)
    _sync_ok(team.li)

    for rep in (team.li, team.zhang):
        text = rep.read("hx")
        assert "grade: A\n" in text
        assert "13999990000" in text and "13800001111" not in text
        assert "# 华信大药房 — 重点客户\n" in text
        assert rep.kq("check").returncode == 0
    assert team.li.read("hx") == team.zhang.read("hx")


def test_report_counts_each_customer_once(team):
    team.li.commit_edit("hx", "grade: B", "grade: A")
    team.li.commit_edit("hx", "tier: key", "tier: secondary")
    team.li.commit_edit("jm", "grade: C", "grade: B")
    _sync_ok(team.li)

    result = _sync_ok(team.zhang)

    assert "2 customers changed by 李明" in result.stdout.splitlines()


def test_first_sync_to_an_empty_remote_pushes_the_branch(make_repo, tmp_path):
    root = make_repo({"hx": HX}, root=tmp_path / "first")
    (root / ".gitignore").write_text(".kq/\n", encoding="utf-8")
    rep = Rep("李明", "liming@example.com", root)
    rep.git("init", "-q", "-b", "main")
    rep.git("add", "-A")
    rep.git("commit", "-q", "-m", "seed")
    remote = tmp_path / "empty.git"
    _run("git", "init", "-q", "--bare", "-b", "main", str(remote))
    rep.git("remote", "add", "origin", str(remote))

    result = _sync_ok(rep)

    assert "pushed; nothing came in" in result.stdout
    assert Team(remote, rep, rep).on_remote("customers/hx.yaml") == HX


# --- a real conflict ---------------------------------------------------------------------------


@pytest.fixture
def grade_conflict(team) -> tuple[Team, subprocess.CompletedProcess[str]]:
    team.li.commit_edit("hx", "grade: B", "grade: A")
    team.zhang.commit_edit("hx", "grade: B", "grade: C")
    _sync_ok(team.li)
    return team, team.zhang.kq("sync")


def test_same_field_changed_two_ways_stops_sync_with_exit_1(grade_conflict):
    _, result = grade_conflict
    assert result.returncode == 1


def test_conflict_message_names_the_file_and_how_to_continue(grade_conflict):
    _, result = grade_conflict
    assert result.stderr.splitlines()[1:] == [
        "  customers/hx.yaml: both versions are kept between <<<<<<< and >>>>>>> markers; keep "
        "one (kq check shows where), then: git add customers/hx.yaml",
        "then run kq sync again to finish.",
        "to give up this sync instead: git rebase --abort (your branch goes back to your commits "
        "as they were before kq sync)",
    ]


def test_conflicting_file_keeps_both_grades_between_markers(grade_conflict):
    team, _ = grade_conflict
    lines = team.zhang.read("hx").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("<<<<<<< "))
    middle = lines.index("=======")
    end = next(i for i, ln in enumerate(lines) if ln.startswith(">>>>>>> "))
    assert start < middle < end
    assert {ln for ln in lines[start + 1:middle]} | {ln for ln in lines[middle + 1:end]} == {
        "grade: A", "grade: C"}
    assert "grade: A" in lines[start + 1:end] and "grade: C" in lines[start + 1:end]
    assert "tier: key" in lines and "name: 华信大药房" in lines


def test_conflict_leaves_nothing_pushed_from_the_losing_side(grade_conflict):
    team, _ = grade_conflict
    assert "grade: A\n" in team.on_remote("customers/hx.yaml")


def test_check_reports_the_unresolved_conflict_with_its_line(grade_conflict):
    team, _ = grade_conflict
    line = next(n for n, ln in enumerate(team.zhang.read("hx").splitlines(), 1)
                if ln.startswith("<<<<<<< "))

    result = team.zhang.kq("check")

    assert result.returncode == 1
    assert f"customers/hx.yaml:{line}:1: unresolved merge conflict" in result.stdout


def test_resolving_the_conflict_and_syncing_again_pushes_the_choice(grade_conflict):
    team, _ = grade_conflict
    text = team.zhang.read("hx")
    resolved = "\n".join(ln for ln in text.splitlines()
                         if not ln.startswith(("<<<<<<< ", "=======", ">>>>>>> ", "grade: A"))) + "\n"
    team.zhang.file("hx").write_text(resolved, encoding="utf-8")
    team.zhang.git("add", "customers/hx.yaml")
    done = subprocess.run(["git", "-C", str(team.zhang.root), "-c", "core.editor=true",
                           "rebase", "--continue"], capture_output=True, text=True,
                          env=team.zhang.env)
    assert done.returncode == 0, done.stderr

    _sync_ok(team.zhang)

    assert "grade: C\n" in team.on_remote("customers/hx.yaml")
    assert team.zhang.kq("check").returncode == 0


def test_an_entry_the_user_removed_while_settling_a_conflict_stays_removed(team):
    """Both reps logged the same call and set the grade two ways (张强 in one edit): the merge
    keeps the call once per side and stops on the grade. 张强 settles it, deletes the second
    copy of the call (the same call, logged twice), and runs kq sync: the copy does not come
    back (the replay's check put back what the commit appended and its replay lacked)."""
    call = ["log", "hx", "--date", "2026-11-22", "--kind", "call", "--goal", "约拜访时间"]
    assert team.li.kq(*call).returncode == 0
    team.li.commit_edit("hx", "grade: B", "grade: A")
    assert team.zhang.kq(*call).returncode == 0
    team.zhang.git("reset", "-q", "--soft", "HEAD^")  # the call and the grade in one commit
    team.zhang.commit_edit("hx", "grade: B", "grade: C")
    _sync_ok(team.li)
    stopped = team.zhang.kq("sync")
    assert stopped.returncode == 1, stopped.stderr
    text = team.zhang.read("hx")
    assert text.count("goal: 约拜访时间") == 2
    lines = [ln for ln in text.splitlines()
             if not ln.startswith(("<<<<<<< ", "=======", ">>>>>>> ", "grade: A"))]
    first = lines.index("    goal: 约拜访时间")
    second = lines.index("    goal: 约拜访时间", first + 1)
    del lines[second - 2:second + 1]  # its date, kind and goal lines
    team.zhang.file("hx").write_text("\n".join(lines) + "\n", encoding="utf-8")
    team.zhang.git("add", "customers/hx.yaml")

    _sync_ok(team.zhang)

    for text in (team.zhang.read("hx"), team.on_remote("customers/hx.yaml")):
        assert text.count("goal: 约拜访时间") == 1 and "grade: C\n" in text


def test_a_commit_given_up_with_rebase_skip_leaves_the_pushed_history_alone(team):
    """李明's one commit sets hx's grade (a conflict) and logs a call in jm; the sync stops and
    李明 gives the commit up (git rebase --skip): its call does not land in 张强's commit."""
    team.zhang.commit_edit("hx", "grade: B", "grade: C")
    _sync_ok(team.zhang)
    tip = team.zhang.git("rev-parse", "HEAD").strip()
    li = team.li
    li.file("jm").write_text(li.read("jm") + "visits:\n  - date: 2026-11-22\n    kind: call\n"
                             "    goal: 放弃的\n", encoding="utf-8")
    li.file("hx").write_text(li.read("hx").replace("grade: B", "grade: A"), encoding="utf-8")
    li.git("commit", "-q", "-am", "hand edit of hx and jm")
    assert li.kq("sync").returncode == 1

    li.git("rebase", "--skip", check=False)

    assert li.git("rev-parse", "HEAD").strip() == tip
    assert "放弃的" not in li.read("jm")


def test_the_same_step_done_on_both_sides_is_one_visit(team):
    agreed = team.li.kq("log", "hx", "--date", "2026-11-21", "--goal", "谈端架",
                        "--next-date", "2026-11-25", "--next-action", "送端架")
    assert agreed.returncode == 0, agreed.stderr
    _sync_ok(team.li)
    _sync_ok(team.zhang)
    for rep in (team.li, team.zhang):
        assert rep.kq("done", "hx", "--date", "2026-11-23").returncode == 0
    assert team.zhang.kq("log", "hx", "--date", "2026-11-24", "--kind", "call",
                         "--goal", "回访").returncode == 0

    _sync_ok(team.zhang)
    _sync_ok(team.li)
    _sync_ok(team.zhang)

    for rep in (team.li, team.zhang):
        assert _visit_dates(rep.read("hx")) == ["2026-11-20", "2026-11-21", "2026-11-24"]
    assert team.li.read("hx") == team.zhang.read("hx") == team.on_remote("customers/hx.yaml")


# --- the remote moves while we push ------------------------------------------------------------


PRE_PUSH = """\
#!/bin/sh
# First push only: 张强 pushes first, so this push is refused as stale.
if [ ! -e "{marker}" ]; then
  touch "{marker}"
  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
  git -C "{other}" push -q origin HEAD:main >/dev/null 2>&1 || exit 3
fi
exit 0
"""


@pytest.fixture
def racing_push(team, tmp_path) -> tuple[Team, subprocess.CompletedProcess[str]]:
    zhang = team.zhang.kq("log", "jm", "--date", "2026-11-23", "--kind", "call", "--goal", "问库存")
    assert zhang.returncode == 0, zhang.stderr
    team.li.commit_edit("hx", "grade: B", "grade: A")
    hook = team.li.root / ".git" / "hooks" / "pre-push"
    hook.write_text(textwrap.dedent(PRE_PUSH).format(marker=tmp_path / "raced",
                                                     other=team.zhang.root), encoding="utf-8")
    hook.chmod(0o755)
    return team, team.li.kq("sync")


def test_push_refused_because_the_remote_moved_is_retried(racing_push):
    team, result = racing_push
    assert (team.li.root.parent / "raced").exists()
    assert result.returncode == 0, result.stderr
    assert "trying again" in result.stderr


def test_after_the_retry_both_changes_are_on_the_remote(racing_push):
    team, _ = racing_push
    assert "grade: A\n" in team.on_remote("customers/hx.yaml")
    assert "goal: 问库存" in team.on_remote("customers/jm.yaml")
    assert team.li.git("rev-parse", "HEAD") == subprocess.run(
        ["git", "--git-dir", str(team.remote), "rev-parse", "main"],
        capture_output=True, text=True).stdout


def test_after_the_retry_the_report_names_who_got_there_first(racing_push):
    _, result = racing_push
    assert "1 customer changed by 张强" in result.stdout.splitlines()


def test_push_still_refused_after_the_last_retry_exits_1(team, tmp_path):
    team.zhang.kq("log", "jm", "--date", "2026-11-23", "--goal", "问库存")
    team.li.commit_edit("hx", "grade: B", "grade: A")
    hook = team.li.root / ".git" / "hooks" / "pre-push"
    hook.write_text(textwrap.dedent(PRE_PUSH).format(marker=tmp_path / "raced",
                                                     other=team.zhang.root), encoding="utf-8")
    hook.chmod(0o755)

    result = team.li.kq("sync", "--retries", "0")

    assert result.returncode == 1
    assert "git push failed" in result.stderr
    assert "grade: B\n" in team.on_remote("customers/hx.yaml")


# --- when sync refuses -------------------------------------------------------------------------


def test_sync_with_uncommitted_customer_changes_exits_1(team):
    team.li.file("hx").write_text(HX.replace("grade: B", "grade: A"), encoding="utf-8")

    result = team.li.kq("sync")

    assert result.returncode == 1
    assert "uncommitted changes" in result.stderr
    assert "customers/hx.yaml" in result.stderr


def test_sync_with_uncommitted_customer_changes_changes_nothing(team):
    head = team.li.git("rev-parse", "HEAD")
    team.li.file("hx").write_text(HX.replace("grade: B", "grade: A"), encoding="utf-8")

    team.li.kq("sync")

    assert team.li.git("rev-parse", "HEAD") == head
    assert "grade: A\n" in team.li.read("hx")
    assert team.on_remote("customers/hx.yaml") == HX
    assert team.li.git("status", "--porcelain", "--", "customers") == " M customers/hx.yaml\n"


def test_a_rejected_edit_kept_beside_the_files_does_not_stop_a_sync(team):
    """kq edit keeps an edit that would not validate in <id>.yaml.rejected: not a customer
    file, not kq's to share; sync goes on and leaves it where it is."""
    kept = team.li.root / "customers" / "hx.yaml.rejected"
    kept.write_text("grade: 很好\n", encoding="utf-8")
    (team.li.root / "customers" / ".hx.yaml.swp").write_bytes(b"\0vim")
    logged = team.li.kq("log", "jm", "--date", "2026-11-23", "--goal", "问库存")
    assert logged.returncode == 0, logged.stderr

    _sync_ok(team.li)

    assert "goal: 问库存" in team.on_remote("customers/jm.yaml")
    assert kept.read_text(encoding="utf-8") == "grade: 很好\n"


def test_a_new_customer_file_not_committed_stops_a_sync(team):
    (team.li.root / "customers" / "新客户.yaml").write_text("name: 新客户\n", encoding="utf-8")

    result = team.li.kq("sync")

    assert result.returncode == 1
    assert "?? customers/新客户.yaml" in result.stderr


def test_a_new_customer_in_a_folder_git_does_not_track_yet_stops_a_sync(make_repo, tmp_path):
    """customers/ with no file committed yet: git names the folder, not the file in it; the
    new customer is still named, and sync stops instead of sharing nothing."""
    remote = _remote(make_repo, tmp_path, {})
    _run("git", "clone", "-q", str(remote), str(tmp_path / "li"))
    li = Rep("李明", "liming@example.com", tmp_path / "li")
    (li.root / "customers").mkdir()
    li.file("hx").write_text(HX, encoding="utf-8")

    result = li.kq("sync")

    assert result.returncode == 1
    assert "?? customers/hx.yaml" in result.stderr


def test_sync_without_a_remote_exits_2(make_repo, tmp_path):
    root = make_repo({"hx": HX})
    rep = Rep("李明", "liming@example.com", root)
    rep.git("init", "-q", "-b", "main")
    rep.git("add", "-A")
    rep.git("commit", "-q", "-m", "seed")

    result = rep.kq("sync")

    assert result.returncode == 2
    assert "no remote" in result.stderr
    assert "Traceback" not in result.stderr


def test_sync_outside_git_exits_2(make_repo):
    root = make_repo({"hx": HX})

    result = Rep("李明", "liming@example.com", root).kq("sync")

    assert result.returncode == 2
    assert "git" in result.stderr


def test_conflict_message_names_a_chinese_file_name_readably(team):
    team.li.file("华信").write_text("name: 华信\ngrade: B\n", encoding="utf-8")
    team.li.git("add", "customers/华信.yaml")
    team.li.git("commit", "-q", "-m", "add 华信")
    _sync_ok(team.li)
    _sync_ok(team.zhang)
    team.li.commit_edit("华信", "grade: B", "grade: A")
    team.zhang.commit_edit("华信", "grade: B", "grade: C")
    _sync_ok(team.li)

    result = team.zhang.kq("sync")

    assert result.returncode == 1
    assert "customers/华信.yaml" in result.stderr


def test_a_grade_conflict_leaves_visits_logged_on_both_sides_merged(team):
    team.li.commit_edit("hx", "grade: B", "grade: A")
    team.li.kq("log", "hx", "--date", "2026-11-23", "--goal", "送陈列物料")
    team.zhang.kq("log", "hx", "--date", "2026-11-22", "--goal", "约拜访时间")
    team.zhang.file("hx").write_text(team.zhang.read("hx").replace("grade: B", "grade: C"),
                                     encoding="utf-8")
    team.zhang.git("commit", "-q", "--amend", "-a", "--no-edit")  # one commit: the driver sees both
    _sync_ok(team.li)

    result = team.zhang.kq("sync")

    assert result.returncode == 1
    text = team.zhang.read("hx")
    outside = text.split(">>>>>>> ")[-1]
    assert "goal: 约拜访时间" in outside and "goal: 送陈列物料" in outside
    assert text.count("<<<<<<< ") == 1
