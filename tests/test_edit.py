"""kq edit and kq new with a scripted $EDITOR: what is saved, what is committed, what happens to
an invalid edit (asked again with the problems on top, or kept in .rejected), and the template
kq new writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from kqcli.store.validate import validate_customer


@pytest.fixture(autouse=True)
def _messages_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The messages as the code writes them: English, the catalogue's source (their Chinese is
    tests/test_people_output.py's and the catalogue's)."""
    monkeypatch.setenv("KQ_LANG", "en")


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

HX = """\
# 华信大药房 — 重点客户
name: 华信大药房
kind: terminal
grade: B   # 上季度评的
tier: key
contacts:
  - name: 王芳
    role: 店长
    phone: "13800001111"
"""




def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def repo(make_repo) -> Path:
    """One customer, committed, when git is there."""
    root = make_repo({"hx": HX})
    (root / ".gitignore").write_text(".kq/\n", encoding="utf-8")
    if shutil.which("git"):
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "seed")
    return root


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """``editor("sed -i ... \"$1\"")``: a shell script as $EDITOR; it gets the file as $1."""

    def install(body: str) -> Path:
        script = tmp_path / "editor.sh"
        script.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
        script.chmod(0o755)
        monkeypatch.setenv("EDITOR", str(script))
        return script

    return install


def _file(root: Path) -> Path:
    return root / "customers" / "hx.yaml"


BREAK_GRADE = """\
cp "$1" "{snapshot}"
if grep -q '^# kq: ' "$1"; then
  sed -i 's/^grade: Z/grade: A/' "$1"
else
  sed -i 's/^grade: B/grade: Z/' "$1"
fi
"""


# --- a valid edit ------------------------------------------------------------------------------


def test_valid_edit_is_saved_as_the_editor_left_it(repo, kq, editor):
    editor("sed -i 's/^grade: B/grade: A/' \"$1\"\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 0, result.stderr
    assert _file(repo).read_text(encoding="utf-8") == HX.replace("grade: B", "grade: A")
    assert "saved customers/hx.yaml" in result.stdout


@needs_git
def test_valid_edit_is_committed_naming_the_customer_and_the_field(repo, kq, editor):
    editor("sed -i 's/^grade: B/grade: A/' \"$1\"\n")

    kq("--repo", repo, "edit", "hx")

    assert git(repo, "log", "-1", "--format=%s") == "edit: 华信大药房 (grade)\n"
    assert git(repo, "show", "--format=", "--name-only", "HEAD") == "customers/hx.yaml\n"
    assert git(repo, "status", "--porcelain", "--", "customers") == ""


@needs_git
def test_edit_commit_message_lists_a_contacts_field(repo, kq, editor):
    editor("sed -i 's/13800001111/13999990000/; s/^tier: key/tier: secondary/' \"$1\"\n")

    kq("--repo", repo, "edit", "华信")

    assert git(repo, "log", "-1", "--format=%s") == "edit: 华信大药房 (tier, contacts[王芳].phone)\n"


def test_editor_sees_the_file_under_its_own_name(repo, kq, editor, tmp_path):
    editor(f'echo "$1" > "{tmp_path / "seen"}"\n')

    kq("--repo", repo, "edit", "hx")

    seen = Path((tmp_path / "seen").read_text(encoding="utf-8").strip())
    assert seen.name == "hx.yaml"
    assert seen.parent != _file(repo).parent


def test_visual_wins_over_editor(repo, kq, editor, monkeypatch, tmp_path):
    editor("sed -i 's/^grade: B/grade: C/' \"$1\"\n")
    visual = tmp_path / "visual.sh"
    visual.write_text("#!/bin/sh\nsed -i 's/^grade: B/grade: A/' \"$1\"\n", encoding="utf-8")
    visual.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(visual))

    kq("--repo", repo, "edit", "hx")

    assert "grade: A   # 上季度评的\n" in _file(repo).read_text(encoding="utf-8")


# --- no change ---------------------------------------------------------------------------------


def test_no_change_says_so_and_exits_0(repo, kq, editor):
    editor("exit 0\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 0
    assert result.stdout.strip() == "no changes"
    assert _file(repo).read_text(encoding="utf-8") == HX


@needs_git
def test_no_change_makes_no_commit(repo, kq, editor):
    head = git(repo, "rev-parse", "HEAD")
    editor("exit 0\n")

    kq("--repo", repo, "edit", "hx")

    assert git(repo, "rev-parse", "HEAD") == head


# --- an invalid edit ---------------------------------------------------------------------------


def test_invalid_edit_fixed_on_the_second_round_is_saved(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    result = kq("--repo", repo, "edit", "hx", input="y\n")

    assert result.exit_code == 0, result.stderr
    assert _file(repo).read_text(encoding="utf-8") == HX.replace("grade: B", "grade: A")


def test_saved_text_has_no_kq_problem_lines(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    kq("--repo", repo, "edit", "hx", input="y\n")

    assert "# kq:" not in _file(repo).read_text(encoding="utf-8")


def test_invalid_edit_names_the_problem_on_stderr(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    result = kq("--repo", repo, "edit", "hx", input="y\n")

    assert "customers/hx.yaml:4:8: grade: 'Z' is not one of A | B | C" in result.stderr


def test_second_round_shows_the_problems_on_top_with_the_line_as_shown(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    kq("--repo", repo, "edit", "hx", input="y\n")

    shown = (tmp_path / "round").read_text(encoding="utf-8").splitlines()
    header = [ln for ln in shown if ln.startswith("# kq: ")]
    assert len(header) == 2
    assert shown[:2] == header
    where = header[1].removeprefix("# kq: line ").split(",")[0]
    assert shown[int(where) - 1] == "grade: Z   # 上季度评的"
    assert shown[2:] == HX.replace("grade: B", "grade: Z").splitlines()


@needs_git
def test_invalid_edit_fixed_on_the_second_round_is_committed(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    kq("--repo", repo, "edit", "hx", input="y\n")

    assert git(repo, "log", "-1", "--format=%s") == "edit: 华信大药房 (grade)\n"


def test_invalid_edit_given_up_at_end_of_input_exits_1(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    result = kq("--repo", repo, "edit", "hx", input="")

    assert result.exit_code == 1
    assert "customers/hx.yaml.rejected" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_edit_given_up_leaves_the_customer_file_unchanged(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    kq("--repo", repo, "edit", "hx", input="")

    assert _file(repo).read_text(encoding="utf-8") == HX


def test_invalid_edit_given_up_keeps_the_users_text_in_rejected(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    kq("--repo", repo, "edit", "hx", input="")

    kept = repo / "customers" / "hx.yaml.rejected"
    assert kept.read_text(encoding="utf-8") == HX.replace("grade: B", "grade: Z")


def test_answering_no_gives_up_too(repo, kq, editor, tmp_path):
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    result = kq("--repo", repo, "edit", "hx", input="n\n")

    assert result.exit_code == 1
    assert _file(repo).read_text(encoding="utf-8") == HX
    assert (repo / "customers" / "hx.yaml.rejected").exists()


@needs_git
def test_invalid_edit_given_up_makes_no_commit(repo, kq, editor, tmp_path):
    head = git(repo, "rev-parse", "HEAD")
    editor(BREAK_GRADE.format(snapshot=tmp_path / "round"))

    kq("--repo", repo, "edit", "hx", input="")

    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain", "--", "customers/hx.yaml") == ""


def test_editor_failing_keeps_the_text_and_exits_1(repo, kq, editor):
    editor("sed -i 's/^grade: B/grade: A/' \"$1\"\nexit 7\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 1
    assert "exited with 7" in result.stderr
    assert _file(repo).read_text(encoding="utf-8") == HX
    kept = repo / "customers" / "hx.yaml.rejected"
    assert kept.read_text(encoding="utf-8") == HX.replace("grade: B", "grade: A")


def test_missing_editor_is_a_message_not_a_traceback(repo, kq, monkeypatch, tmp_path):
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 2
    assert "cannot run the editor" in result.stderr
    assert _file(repo).read_text(encoding="utf-8") == HX


def test_edit_of_an_unknown_customer_exits_2(repo, kq, editor):
    editor("exit 0\n")

    assert kq("--repo", repo, "edit", "nobody").exit_code == 2


# --- kq new ------------------------------------------------------------------------------------


def _new_file(root: Path) -> Path:
    return root / "customers" / "hxdyf.yaml"


def test_new_without_editing_writes_the_template_under_pinyin_initials(repo, kq):
    result = kq("--repo", repo, "new", "华兴大药房", "--no-edit", "--kind", "terminal")

    assert result.exit_code == 0, result.stderr
    assert "saved customers/hxdyf.yaml" in result.stdout
    assert _new_file(repo).read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=")


@pytest.mark.parametrize(("name", "file"), [("曾氏药房", "zsyf"), ("单记粮油", "sjly"),
                                            ("曾经的店", "cjdd"), ("重庆药房", "cqyf")])
def test_new_reads_a_family_shops_surname_as_a_surname(repo, kq, name, file):
    """曾 before 氏, 记 or 家 is the surname Zēng; elsewhere the word decides (曾经 céngjīng)."""
    result = kq("--repo", repo, "new", name, "--no-edit")
    assert result.exit_code == 0, result.stderr
    assert f"saved customers/{file}.yaml" in result.stdout


def test_new_customer_file_is_valid_with_the_given_fields(repo, kq):
    kq("--repo", repo, "new", "华兴大药房", "--no-edit", "--kind", "terminal", "--owner", "李明")

    customer, problems = validate_customer(_new_file(repo).read_bytes(), "customers/hxdyf.yaml")

    assert problems == []
    assert customer.name == "华兴大药房"
    assert customer.kind.value == "terminal"
    assert customer.owner == "李明"


def test_new_accepts_the_chinese_kind(repo, kq):
    kq("--repo", repo, "new", "华兴大药房", "--no-edit", "--kind", "终端")

    assert "\nkind: terminal\n" in _new_file(repo).read_text(encoding="utf-8")


@needs_git
def test_new_customer_is_committed(repo, kq):
    kq("--repo", repo, "new", "华兴大药房", "--no-edit", "--kind", "terminal")

    assert git(repo, "log", "-1", "--format=%s") == "new: 华兴大药房 (name, kind)\n"
    assert git(repo, "show", "--format=", "--name-only", "HEAD") == "customers/hxdyf.yaml\n"


def test_new_with_a_taken_id_gets_a_suffix(repo, kq):
    kq("--repo", repo, "new", "华兴大药房", "--no-edit")
    result = kq("--repo", repo, "new", "火星大药房", "--no-edit")  # the same initials

    assert result.exit_code == 0, result.stderr
    assert (repo / "customers" / "hxdyf-2.yaml").exists()


def test_new_with_an_explicit_taken_id_exits_2(repo, kq):
    result = kq("--repo", repo, "new", "另一家", "--id", "hx", "--no-edit")

    assert result.exit_code == 2
    assert _file(repo).read_text(encoding="utf-8") == HX


def test_new_with_an_unknown_kind_exits_2(repo, kq):
    result = kq("--repo", repo, "new", "华兴大药房", "--no-edit", "--kind", "shop")

    assert result.exit_code == 2
    assert not _new_file(repo).exists()


def test_new_opens_the_editor_and_saves_what_it_leaves(repo, kq, editor):
    editor("sed -i 's/^# grade: near .*/grade: near/; s/^# status: prospect .*/status: prospect/' \"$1\"\n")

    result = kq("--repo", repo, "new", "华兴大药房", "--kind", "terminal")

    assert result.exit_code == 0, result.stderr
    customer, problems = validate_customer(_new_file(repo).read_bytes(), "hxdyf.yaml")
    assert problems == []
    assert (customer.status.value, customer.grade) == ("prospect", "near")


def test_saving_the_problems_unchanged_gives_up(repo, kq, editor):
    editor("grep -q '^# kq: ' \"$1\" || sed -i 's/^grade: B/grade: Z/' \"$1\"\n")

    result = kq("--repo", repo, "edit", "hx", input="y\n")

    assert result.exit_code == 1
    assert "saved unchanged" in result.stderr
    assert _file(repo).read_text(encoding="utf-8") == HX
    kept = repo / "customers" / "hx.yaml.rejected"
    assert kept.read_text(encoding="utf-8") == HX.replace("grade: B", "grade: Z")


def test_file_changed_on_disk_while_editing_is_not_overwritten(repo, kq, editor):
    real = _file(repo)
    editor(f"echo 'tags: [连锁]' >> \"{real}\"\nsed -i 's/^grade: B/grade: A/' \"$1\"\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 1
    assert "changed on disk" in result.stderr
    assert real.read_text(encoding="utf-8") == HX + "tags: [连锁]\n"
    kept = repo / "customers" / "hx.yaml.rejected"
    assert kept.read_text(encoding="utf-8") == HX.replace("grade: B", "grade: A")


# --- files that are not plain LF UTF-8 ---------------------------------------------------------


def test_no_change_to_a_file_with_a_bom_leaves_it_alone(repo, kq, editor):
    _file(repo).write_bytes(b"\xef\xbb\xbf" + HX.encode())
    editor("exit 0\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.stdout.strip() == "no changes"
    assert _file(repo).read_bytes() == b"\xef\xbb\xbf" + HX.encode()


def test_no_change_to_a_crlf_file_leaves_it_alone(repo, kq, editor):
    _file(repo).write_bytes(HX.replace("\n", "\r\n").encode())
    editor("exit 0\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.stdout.strip() == "no changes"
    assert _file(repo).read_bytes() == HX.replace("\n", "\r\n").encode()


def test_editing_a_crlf_file_changes_only_the_edited_line(repo, kq, editor):
    _file(repo).write_bytes(HX.replace("\n", "\r\n").encode())
    editor("sed -i 's/^grade: B/grade: A/' \"$1\"\n")

    kq("--repo", repo, "edit", "hx")

    assert _file(repo).read_bytes() == HX.replace("grade: B", "grade: A").replace("\n", "\r\n").encode()


# --- a write that git would refuse ---------------------------------------------------------------


def _stale_lock(root: Path) -> Path:
    """``.git/index.lock`` left an hour ago by a git that crashed."""
    lock = root / ".git" / "index.lock"
    lock.write_bytes(b"")
    os.utime(lock, (time.time() - 3600, time.time() - 3600))
    return lock


STALE_LOCK = 'touch -d "1 hour ago" "{lock}"\n'


@needs_git
def test_edit_with_a_git_lock_in_the_way_refuses_before_the_editor_opens(repo, kq, editor,
                                                                         tmp_path):
    _stale_lock(repo)
    editor(f'touch "{tmp_path / "opened"}"\n')

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 1
    assert ".git/index.lock exists" in result.stderr
    assert not (tmp_path / "opened").exists()


@needs_git
def test_edit_mid_rebase_refuses_before_the_editor_opens(repo, kq, editor, tmp_path):
    (repo / ".git" / "rebase-merge").mkdir()
    editor(f'touch "{tmp_path / "opened"}"\n')

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 1
    assert "a git rebase is in progress" in result.stderr
    assert not (tmp_path / "opened").exists()


@needs_git
def test_new_with_a_git_lock_in_the_way_refuses_before_the_editor_opens(repo, kq, editor,
                                                                        tmp_path):
    _stale_lock(repo)
    editor(f'touch "{tmp_path / "opened"}"\n')

    result = kq("--repo", repo, "new", "华兴大药房")

    assert result.exit_code == 1
    assert not (tmp_path / "opened").exists()
    assert not _new_file(repo).exists()


@needs_git
def test_edit_refused_after_the_editor_keeps_the_text_in_rejected(repo, kq, editor):
    lock = repo / ".git" / "index.lock"
    editor(STALE_LOCK.format(lock=lock) + "sed -i 's/^grade: B/grade: A/' \"$1\"\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 1
    assert result.stderr.startswith("kq: .git/index.lock exists")
    assert result.stderr.endswith("; your text is kept in customers/hx.yaml.rejected\n")
    assert _file(repo).read_text(encoding="utf-8") == HX
    kept = repo / "customers" / "hx.yaml.rejected"
    assert kept.read_text(encoding="utf-8") == HX.replace("grade: B", "grade: A")


@needs_git
def test_new_refused_after_the_editor_keeps_the_text_in_rejected(repo, kq, editor):
    lock = repo / ".git" / "index.lock"
    editor(STALE_LOCK.format(lock=lock) + "sed -i 's/^# tier: normal .*/tier: key/' \"$1\"\n")

    result = kq("--repo", repo, "new", "华兴大药房")

    assert result.exit_code == 1
    assert "your text is kept in customers/hxdyf.yaml.rejected" in result.stderr
    assert not _new_file(repo).exists()
    kept = repo / "customers" / "hxdyf.yaml.rejected"
    assert "\ntier: key\n" in kept.read_text(encoding="utf-8")


@needs_git
def test_text_that_cannot_be_kept_beside_the_file_is_kept_in_the_temporary_folder(
        repo, kq, editor, tmp_path, monkeypatch):
    import re
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (repo / "customers" / "hx.yaml.rejected").mkdir()  # in the way: cannot be written
    lock = repo / ".git" / "index.lock"
    editor(STALE_LOCK.format(lock=lock) + "sed -i 's/^grade: B/grade: A/' \"$1\"\n")

    result = kq("--repo", repo, "edit", "hx")

    assert result.exit_code == 1
    kept = re.search(r"your text is kept in (\S+)\n$", result.stderr)
    assert kept and Path(kept[1]).parent == tmp_path, result.stderr
    assert Path(kept[1]).read_text(encoding="utf-8") == HX.replace("grade: B", "grade: A")


def test_without_visual_or_editor_windows_opens_notepad(monkeypatch):
    from kqcli.cli import editing
    from kqcli.store import platform

    monkeypatch.setattr(platform, "windows", lambda: True)
    assert editing.editor_command() == ["notepad"]


def test_a_windows_editor_path_keeps_its_backslashes_and_spaces(monkeypatch):
    from kqcli.cli import editing
    from kqcli.store import platform

    monkeypatch.setattr(platform, "windows", lambda: True)
    monkeypatch.setenv("EDITOR", r'"C:\Program Files\Notepad++\notepad++.exe" -multiInst')
    assert editing.editor_command() == [r"C:\Program Files\Notepad++\notepad++.exe", "-multiInst"]


def test_without_visual_or_editor_elsewhere_the_fallback_is_not_notepad(monkeypatch):
    from kqcli.cli import editing
    from kqcli.store import platform

    monkeypatch.setattr(platform, "windows", lambda: False)
    monkeypatch.setattr("shutil.which", lambda name: name if name == "vi" else None)
    assert editing.editor_command() == ["vi"]
