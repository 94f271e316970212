"""The index under .kq/ and what kq reads (issue 14, items 6, 7, 8 and 11): only regular files
under a size cap, a cache that is never served stale, read commands that work without a
writable cache, and unresolved git files reported by kq check."""

from __future__ import annotations

import errno
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import needs_git

from kqcli.cli.commands.check import unmerged_problems
from kqcli.store import files as index_module
from kqcli.store import index as index_real
from kqcli.store.index import Index, Unreadable, read_regular, signature
from kqcli.store.problems import Problem

KQ = Path(sys.executable).parent / "kq"
LINK_HINT = "kq reads only regular files: put the file itself here"


def run_kq(root: Path, *args: str, limit_file_size: bool = False,
           timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """kq as a real process; ``limit_file_size``: no file can grow (a disk with no room)."""

    def no_room() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    return subprocess.run([str(KQ), "--repo", str(root), *args], capture_output=True,
                          text=True, timeout=timeout,
                          preexec_fn=no_room if limit_file_size else None)


def ids(result) -> list[str]:
    return [row["id"] for row in json.loads(result.stdout)]


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """No write counts as racy, so the index trusts a row as soon as it is written: what a run
    two seconds later sees, without waiting."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)


# --- item 6: only regular files, never more than check.max_file_bytes ------------------------


def test_symlink_to_dev_zero_is_a_located_problem_not_read(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    (root / "customers" / "zero.yaml").symlink_to("/dev/zero")
    result = kq("--repo", root, "check")
    assert result.exit_code == 1
    assert result.stdout == ("customers/zero.yaml:1:1: cannot read: a symbolic link to "
                             f"'/dev/zero', outside the repository; {LINK_HINT}\n")


def test_fifo_is_a_located_problem_and_list_does_not_hang(make_repo):
    root = make_repo({"hx": "name: 华信大药房\n"})
    os.mkfifo(root / "customers" / "pipe.yaml")
    result = run_kq(root, "--lang", "en", "list", "--format", "json", timeout=20)
    assert (result.returncode, ids(result)) == (1, ["hx"])
    assert result.stderr.startswith(
        "skipped customers/pipe.yaml:1:1: cannot read: a named pipe (FIFO), not a regular file\n")


def test_link_to_a_file_outside_the_repository_is_not_read(make_repo, kq, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: 外面的\n", encoding="utf-8")
    root = make_repo({})
    (root / "customers" / "out.yaml").symlink_to(secret)
    result = kq("--repo", root, "check")
    assert result.stdout == (f"customers/out.yaml:1:1: cannot read: a symbolic link to "
                             f"'{secret}', outside the repository; {LINK_HINT}\n")


def test_link_inside_the_repository_is_refused_like_any_link(make_repo, kq):
    # A write would replace the link with a file (atomic rename), so kq never reads through one.
    root = make_repo({"hx": "name: 华信大药房\n"})
    (root / "customers" / "alias.yaml").symlink_to("hx.yaml")
    result = kq("--repo", root, "check")
    assert result.stdout == (f"customers/alias.yaml:1:1: cannot read: a symbolic link to "
                             f"'hx.yaml'; {LINK_HINT}\n")


def test_dangling_link_is_reported(make_repo, kq):
    root = make_repo({})
    (root / "customers" / "gone.yaml").symlink_to("nowhere.yaml")
    result = kq("--repo", root, "check")
    assert result.stdout == (f"customers/gone.yaml:1:1: cannot read: a symbolic link to "
                             f"'nowhere.yaml', which does not exist; {LINK_HINT}\n")


def test_file_over_the_size_cap_is_reported_not_read(make_repo, kq):
    root = make_repo({"big": "name: 大\nnotes: " + "x" * 200 + "\n"},
                     kq_yaml="check:\n  max_file_bytes: 100\n")
    result = kq("--repo", root, "check")
    assert result.stdout == ("customers/big.yaml:1:1: cannot read: more than 100 bytes "
                             "(check.max_file_bytes in kq.yaml)\n")


def test_raising_the_cap_in_kq_yaml_rereads_a_file_the_index_refused(make_repo, kq, trusting):
    root = make_repo({"hx": "name: 华信大药房\n" + "# " + "x" * 200 + "\n"},
                     kq_yaml="check:\n  max_file_bytes: 100\n")
    assert kq("--repo", root, "list", "--format", "json").exit_code == 1
    (root / "kq.yaml").write_text("check:\n  max_file_bytes: 1000\n", encoding="utf-8")
    result = kq("--repo", root, "list", "--format", "json")
    assert (result.exit_code, ids(result), result.stderr) == (0, ["hx"], "")


def test_lowering_the_cap_in_kq_yaml_refuses_a_file_the_index_had_read(make_repo, kq, trusting):
    root = make_repo({"hx": "name: 华信大药房\n" + "# " + "x" * 200 + "\n"})
    assert kq("--repo", root, "list", "--format", "json").exit_code == 0
    (root / "kq.yaml").write_text("check:\n  max_file_bytes: 100\n", encoding="utf-8")
    result = kq("--repo", root, "list", "--format", "json")
    assert (result.exit_code, ids(result)) == (1, [])


def test_check_names_hidden_and_yml_files_it_skips(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n", ".draft": "name: 草稿\n"})
    (root / "customers" / "zeng.yml").write_text("name: 曾氏药店\n", encoding="utf-8")
    result = kq("--lang", "en", "--repo", root, "check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "kq: skipped customers/.draft.yaml: a hidden file (its name starts with '.'), not read\n"
        "kq: skipped customers/zeng.yml: not read: customer files end in '.yaml'\n"
        "1 customer file checked: all valid\n")


def test_read_regular_refuses_a_device():
    with pytest.raises(Unreadable, match=r"^a device, not a regular file$"):
        read_regular("/dev/zero", 100, follow=True)


def test_read_regular_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    started = time.monotonic()
    with pytest.raises(Unreadable, match=r"^a named pipe \(FIFO\), not a regular file$"):
        read_regular(tmp_path / "pipe", 100)
    assert time.monotonic() - started < 5


def test_read_regular_reads_a_file_of_exactly_the_cap(tmp_path):
    (tmp_path / "x.yaml").write_bytes(b"n" * 100)
    assert read_regular(tmp_path / "x.yaml", 100) == b"n" * 100


def test_read_regular_refuses_one_byte_over_the_cap(tmp_path):
    (tmp_path / "x.yaml").write_bytes(b"n" * 101)
    with pytest.raises(Unreadable, match=r"^more than 100 bytes"):
        read_regular(tmp_path / "x.yaml", 100)


# --- item 7: read commands without a writable cache ------------------------------------------


def _unwritable_cache(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    """Every write to a cache file on disk fails as sqlite reports it (in-memory ones work)."""
    real_connect = sqlite3.connect

    class Refusing(sqlite3.Connection):
        def _refuse(self, sql: str) -> None:
            # ("create table if not exists" passes: a no-op once the cache has its tables)
            if sql.lstrip().split(None, 1)[0].lower() in {"begin", "insert", "delete", "drop",
                                                           "update"}:
                raise sqlite3.OperationalError(message)

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            self._refuse(sql)
            return super().execute(sql, *args)

        def executemany(self, sql: str, *args: object) -> sqlite3.Cursor:
            self._refuse(sql)
            return super().executemany(sql, *args)

    def connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if str(database) == ":memory:":
            return real_connect(database, *args, **kwargs)
        return real_connect(database, *args, factory=Refusing, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


TWO_SHOPS = {"hx": "name: 华信大药房\ngrade: A\nstatus: active\n", "zeng": "name: 曾氏药店\n"}


def test_list_works_when_the_disk_is_full_and_says_so_once(make_repo, kq, monkeypatch):
    root = make_repo(TWO_SHOPS)
    _unwritable_cache(monkeypatch, "database or disk is full")
    result = kq("--lang", "en", "--repo", root, "list", "--format", "json")
    assert (result.exit_code, ids(result)) == (0, ["hx", "zeng"])
    assert result.stderr == ("kq: cannot write the cache in .kq (database or disk is full); "
                             "reading the files directly this time\n")


def test_list_with_a_full_disk_serves_what_the_files_say_not_the_old_cache(make_repo, kq,
                                                                            monkeypatch, trusting):
    # trusting: kq.yaml's verdict comes from the cache, so the first write is the refresh's
    root = make_repo(TWO_SHOPS)
    assert kq("--repo", root, "list").exit_code == 0
    (root / "customers" / "hx.yaml").write_text("name: 华信大药房\ngrade: C\nstatus: active\n",
                                                encoding="utf-8")
    _unwritable_cache(monkeypatch, "database or disk is full")
    result = kq("--repo", root, "list", "--format", "json")
    assert json.loads(result.stdout)[0]["grade"] == "C"


def test_check_with_a_full_disk_still_reports_an_invalid_file(make_repo, kq, monkeypatch):
    root = make_repo({"hx": "name: 华信大药房\ngrde: A\n"})
    _unwritable_cache(monkeypatch, "database or disk is full")
    result = kq("--lang", "en", "--repo", root, "check")
    assert result.exit_code == 1
    assert result.stdout == "customers/hx.yaml:2:1: grde: unknown key 'grde'; did you mean 'grade'?\n"


def test_show_works_in_a_read_only_tree_with_a_cache(make_repo, kq, monkeypatch):
    # Root ignores file modes, so a read-only tree is simulated: sqlite refuses every write.
    root = make_repo(TWO_SHOPS)
    assert kq("--lang", "en", "--repo", root, "list").exit_code == 0
    _unwritable_cache(monkeypatch, "attempt to write a readonly database")
    (root / "customers" / "zeng.yaml").write_text("name: 曾氏药店(新)\n", encoding="utf-8")
    result = kq("--lang", "en", "--repo", root, "show", "zeng", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)[0]["name"]) == (0, "曾氏药店(新)")
    assert result.stderr == ("kq: cannot write the cache in .kq (attempt to write a readonly "
                             "database); reading the files directly this time\n")


def test_list_works_in_a_read_only_tree_without_a_cache_folder(make_repo, kq, monkeypatch):
    # Simulated as above: the .kq folder cannot be made.
    root = make_repo(TWO_SHOPS)

    def read_only(path: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(os, "mkdir", read_only)
    result = kq("--lang", "en", "--repo", root, "list", "--format", "json")
    assert (result.exit_code, ids(result)) == (0, ["hx", "zeng"])
    assert result.stderr == ("kq: cannot write the cache in .kq (Read-only file system); "
                             "reading the files directly this time\n")


def test_list_works_when_the_cache_folder_is_a_file(make_repo, kq):
    root = make_repo(TWO_SHOPS)
    (root / ".kq").write_text("not a folder\n", encoding="utf-8")
    result = kq("--lang", "en", "--repo", root, "list", "--format", "json")
    assert (result.exit_code, ids(result)) == (0, ["hx", "zeng"])
    assert result.stderr == ("kq: cannot write the cache in .kq (File exists); "
                             "reading the files directly this time\n")


def test_a_process_that_cannot_grow_any_file_still_lists(make_repo, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    # A real process with no room to write (RLIMIT_FSIZE 0): sqlite's own error, no monkeypatch.
    root = make_repo(TWO_SHOPS)
    result = run_kq(root, "list", "--format", "json", limit_file_size=True)
    assert (result.returncode, ids(result)) == (0, ["hx", "zeng"])
    assert result.stderr.startswith("kq: cannot write the cache in .kq (")
    assert result.stderr.count("\n") == 1


def test_no_room_to_write_keeps_the_cache_that_was_there(make_repo):
    root = make_repo(TWO_SHOPS)
    assert run_kq(root, "list").returncode == 0
    before = (root / ".kq" / "index.sqlite").stat().st_size
    assert run_kq(root, "list", limit_file_size=True).returncode == 0
    assert (root / ".kq" / "index.sqlite").stat().st_size == before > 0


def test_the_cache_is_used_again_once_it_can_be_written(make_repo):
    root = make_repo(TWO_SHOPS)
    assert run_kq(root, "list", limit_file_size=True).returncode == 0
    result = run_kq(root, "list", "--format", "json")
    assert (result.returncode, result.stderr, ids(result)) == (0, "", ["hx", "zeng"])


# --- item 8: the cache key is git's, and kq check --full trusts nothing -----------------------


def _same_size_edit_keeping_mtime(path: Path, text: str) -> None:
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # like touch -r


def test_list_sees_a_same_size_edit_whose_mtime_was_restored(make_repo, kq, trusting):
    root = make_repo({"hx": "name: 华信大药房\nstatus: active\ngrade: A\n"})
    assert json.loads(kq("--repo", root, "list", "--format", "json").stdout)[0]["grade"] == "A"
    _same_size_edit_keeping_mtime(root / "customers" / "hx.yaml",
                                  "name: 华信大药房\nstatus: active\ngrade: C\n")
    assert json.loads(kq("--repo", root, "list", "--format", "json").stdout)[0]["grade"] == "C"


def test_check_sees_a_same_size_breakage_whose_mtime_was_restored(make_repo, kq, trusting):
    root = make_repo({"hx": "name: 华信大药房\ngrade: A\n"})
    assert kq("--lang", "en", "--repo", root, "check").exit_code == 0
    _same_size_edit_keeping_mtime(root / "customers" / "hx.yaml", "name: 华信大药房\ngrde: AB\n")
    result = kq("--lang", "en", "--repo", root, "check")
    assert (result.exit_code, result.stdout) == (
        1, "customers/hx.yaml:2:1: grde: unknown key 'grde'; did you mean 'grade'?\n")


def test_signature_changes_when_a_file_is_replaced_by_one_with_the_same_size_and_times(
        tmp_path):
    path, other = tmp_path / "hx.yaml", tmp_path / "new.yaml"
    path.write_text("grade: A\n", encoding="utf-8")
    other.write_text("grade: C\n", encoding="utf-8")
    st = path.stat()
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    later = time.time_ns() + 10 * index_module.RACY_NS
    before = signature(str(path), 1000, later)
    os.replace(other, path)  # a new inode, same size and mtime: what a sync client does
    assert signature(str(path), 1000, later) != before


def test_signature_of_a_fresh_file_is_racy(tmp_path):
    (tmp_path / "hx.yaml").write_text("name: x\n", encoding="utf-8")
    assert signature(str(tmp_path / "hx.yaml"), 1000) == "racy"


def _tamper(root: Path, customer_id: str, message: str) -> None:
    """Make the cache lie: a valid file's row now says it has a problem."""
    problem = Problem(f"customers/{customer_id}.yaml", 1, 1, "", message).to_dict()
    with sqlite3.connect(root / ".kq" / "index.sqlite") as db:
        db.execute("update files set ok = 0, problems = ? where id = ?",
                   (json.dumps([problem]), customer_id))
    db.close()


def test_check_full_rereads_a_file_the_cache_lies_about(make_repo, kq, trusting):
    root = make_repo({"hx": "name: 华信大药房\n"})
    assert kq("--repo", root, "check").exit_code == 0
    _tamper(root, "hx", "a lie from the cache")
    assert kq("--repo", root, "check").stdout == "customers/hx.yaml:1:1: a lie from the cache\n"
    result = kq("--repo", root, "check", "--full")
    assert (result.exit_code, result.stdout) == (0, "")


def test_check_full_leaves_the_cache_corrected(make_repo, kq, trusting):
    root = make_repo({"hx": "name: 华信大药房\n"})
    assert kq("--repo", root, "check").exit_code == 0
    _tamper(root, "hx", "a lie from the cache")
    assert kq("--repo", root, "check", "--full").exit_code == 0
    assert kq("--repo", root, "check").exit_code == 0


def test_index_row_is_keyed_by_the_full_signature(make_repo, trusting):
    root = make_repo({"hx": "name: 华信大药房\n"})
    index = Index(root)
    index.refresh(max_bytes=1000)
    [(sig,)] = index.db.execute("select sig from files where id = 'hx'")
    st = (root / "customers" / "hx.yaml").stat()
    assert sig == (f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}:0")


# --- item 11: files git holds unresolved --------------------------------------------------


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


@needs_git
def test_check_reports_a_customer_deleted_here_and_edited_there(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n", "zeng": "name: 曾氏药店\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    git(root, "checkout", "-qb", "there")
    (root / "customers" / "hx.yaml").write_text("name: 华信大药房\nowner: 李明\n", encoding="utf-8")
    git(root, "commit", "-qam", "edit")
    git(root, "checkout", "-q", "main")
    git(root, "rm", "-q", "customers/hx.yaml")
    git(root, "commit", "-qm", "delete")
    assert git(root, "merge", "there").returncode == 1
    assert git(root, "status", "--short").stdout == "DU customers/hx.yaml\n"
    result = kq("--lang", "en", "--repo", root, "check")
    assert result.exit_code == 1
    assert result.stdout == ("customers/hx.yaml:1:1: unresolved in git (DU: deleted by us, "
                             "changed by them); fix the file, then 'git add' it (or 'git rm' "
                             "it to keep it deleted)\n")


@needs_git
def test_check_of_a_clean_git_work_tree_is_all_valid(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    result = kq("--repo", root, "check")
    assert (result.exit_code, result.stdout) == (0, "")


def test_check_without_git_on_the_path_still_checks(make_repo, kq, monkeypatch):
    root = make_repo({"hx": "name: 华信大药房\n"})
    (root / ".git").mkdir()
    monkeypatch.setenv("PATH", str(root / "nowhere"))
    result = kq("--lang", "en", "--repo", root, "check")
    assert (result.exit_code, result.stderr) == (0, "1 customer file checked: all valid\n")


def test_unmerged_listing_names_each_file_once_with_git_status_letters():
    listing = "".join(f"100644 {blob} {stage}\t{path}\x00" for blob, stage, path in [
        ("aaa", 1, "customers/hx.yaml"), ("bbb", 2, "customers/hx.yaml"),
        ("ccc", 3, "customers/hx.yaml"), ("ddd", 1, "kq.yaml"), ("eee", 2, "kq.yaml")])
    assert [(p.path, p.message.split(";")[0]) for p in unmerged_problems(listing)] == [
        ("customers/hx.yaml", "unresolved in git (UU: changed on both sides)"),
        ("kq.yaml", "unresolved in git (UD: deleted by them, changed by us)"),
    ]


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the index validates from now on, by name."""
    seen: list[str] = []
    real = index_real.parse_file

    def counting(path, *args, **kwargs):
        seen.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(index_real, "parse_file", counting)
    return seen


def test_a_touched_file_keeps_its_row_and_is_not_validated_again(make_repo, trusting,
                                                                  monkeypatch):
    root = make_repo({"hx": "name: 华信大药房\nkind: terminal\n"})
    Index(root).refresh()
    seen = _parsed(monkeypatch)
    path = root / "customers" / "hx.yaml"
    path.write_bytes(path.read_bytes())  # same bytes, new times (a sync client, a checkout)
    index = Index(root)
    index.refresh()
    assert seen == []
    sig = index.db.execute("select sig from files where id = 'hx'").fetchone()[0]
    assert sig == signature(str(path), 5_000_000)
    path.write_text("name: 华信大药房(新)\nkind: terminal\n", encoding="utf-8")
    Index(root).refresh()
    assert seen == ["hx.yaml"]


def test_a_file_indexed_while_racy_is_checked_by_its_digest(make_repo, monkeypatch):
    root = make_repo({"hx": "name: 华信大药房\nkind: terminal\n"})
    Index(root).refresh()  # just written: stored as racy
    assert Index(root).db.execute("select sig from files").fetchone()[0] == "racy"
    seen = _parsed(monkeypatch)
    Index(root).refresh()
    assert seen == []


def test_refresh_of_some_ids_reads_only_those(make_repo, trusting, monkeypatch):
    """What a write does after it (writer._index_written): files changed by hand wait for the
    next command."""
    root = make_repo({"hx": "name: 华信大药房\nkind: terminal\n",
                      "ab": "name: 安贝药房\nkind: terminal\n"})
    Index(root).refresh()
    seen = _parsed(monkeypatch)
    for cid in ("hx", "ab"):
        path = root / "customers" / f"{cid}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "grade: A\n", encoding="utf-8")
    Index(root).refresh(only={"hx"})
    assert seen == ["hx.yaml"]
    Index(root).refresh()
    assert seen == ["hx.yaml", "ab.yaml"]
