"""KQ_PORTABLE=1: kq as on Windows wherever the two differ (kqcli/store/platform.py), so that
the path Windows users take runs on every CI run: the cross-platform lock, no fork, no server,
no PR_SET_PDEATHSIG."""

from __future__ import annotations

import ast
import re
import threading
import time
from pathlib import Path

import pytest

from kqcli.store import platform, writer

HX = "name: 华信大药房\nkind: terminal\nowner: 李明\n"


@pytest.fixture
def portable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KQ_PORTABLE", "1")


@pytest.fixture
def filelocks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the lock files taken through the filelock library."""
    import filelock

    taken: list[str] = []

    class Recorded(filelock.FileLock):
        def __init__(self, path, *args, **kwargs):
            taken.append(str(path).rsplit("/", 1)[-1])
            super().__init__(path, *args, **kwargs)

    monkeypatch.setattr(filelock, "FileLock", Recorded)
    return taken


def test_kq_portable_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("KQ_PORTABLE", "1")
    assert platform.portable() and not platform.can_fork() and not platform.posix_locks()
    monkeypatch.setenv("KQ_PORTABLE", "0")
    assert not platform.portable() and platform.can_fork() and platform.posix_locks()


def test_a_portable_log_locks_through_filelock(make_repo, kq, portable, filelocks):
    root = make_repo({"hx": HX}, kq_yaml="git:\n  autocommit: false\n")
    result = kq("--repo", root, "--today", "2026-11-24", "log", "hx", "--goal", "送物料")
    assert result.exit_code == 0, result.output
    assert {".customers.lock", "hx.lock", ".git.lock"} <= set(filelocks)


def test_a_log_without_kq_portable_takes_no_filelock(make_repo, kq, filelocks):
    root = make_repo({"hx": HX}, kq_yaml="git:\n  autocommit: false\n")
    result = kq("--repo", root, "--today", "2026-11-24", "log", "hx", "--goal", "送物料")
    assert result.exit_code == 0, result.output
    assert filelocks == []


def test_a_portable_customer_lock_holds_off_a_write_of_another_customer(make_repo, portable):
    """No shared locks there: the shared hold of every customer file is taken exclusive, so
    two writes take turns (never both at once, never a deadlock)."""
    root = make_repo({"hx": "name: 华信\n", "jm": "name: 健民\n"})
    finished = threading.Event()

    def other() -> None:
        with writer.customer_locked(root, "jm"):
            finished.set()

    with writer.customer_locked(root, "hx"):
        worker = threading.Thread(target=other)
        worker.start()
        time.sleep(0.2)
        assert not finished.is_set()
    worker.join(10)
    assert finished.is_set()


def test_a_portable_pool_spawns_its_workers(monkeypatch, portable, tmp_path):
    from kqcli.store import index, pool

    methods: list[str] = []

    class Stop(Exception):
        pass

    def workers(jobs, start_method):
        methods.append(start_method)
        raise Stop

    monkeypatch.setattr(pool, "workers", workers)
    monkeypatch.setattr(index.os, "cpu_count", lambda: 2)
    (tmp_path / "customers").mkdir()
    for n in range(index.PARALLEL_FROM):
        (tmp_path / "customers" / f"c{n}.yaml").write_text("name: 华信\n", encoding="utf-8")
    with pytest.raises(Stop):
        index.Index(tmp_path).refresh()
    assert methods == ["spawn"]


def test_a_portable_agenda_is_worked_out_in_this_process(monkeypatch, portable):
    from kqcli.store import agenda, pool

    monkeypatch.setattr(pool, "workers", lambda *a: pytest.fail("a pool was started"))
    monkeypatch.setattr(agenda, "_evaluate", lambda work, item: item)
    stale = [("c", "p", "s")] * (agenda.PARALLEL_FROM + 1)
    with agenda._evaluator((), len(stale)) as evaluate:
        assert list(evaluate(stale)) == stale


def test_a_portable_worker_does_not_ask_for_the_parent_death_signal(monkeypatch, portable):
    import ctypes
    import os
    import signal

    from kqcli.store import pool

    asked: list[object] = []
    monkeypatch.setattr(signal, "signal", lambda *a: None)
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: asked.append(a))
    pool._started(os.getppid())
    assert asked == []


def test_there_is_no_server_under_kq_portable(monkeypatch, kq, portable):
    from kqcli.serve import server

    monkeypatch.setenv("KQ_SERVER", "1")
    assert not server.enabled()
    result = kq("server", "start")
    assert result.exit_code == 1


def test_a_portable_first_index_of_many_files_lists_what_a_forked_one_lists(make_repo, tmp_path,
                                                                            monkeypatch):
    """The big refresh's process pool spawns its workers under KQ_PORTABLE (as on Windows):
    kq list of 210 customers in a fresh process says what the forked pool says."""
    import os
    import shutil
    import subprocess
    import sys

    root = make_repo({f"c{n:03d}": f"name: 客户{n}\nkind: terminal\nowner: 李明\n"
                      for n in range(210)})
    other = tmp_path / "other"
    shutil.copytree(root, other)
    outputs = []
    for where, portable_mode in ((root, "1"), (other, "0")):
        done = subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(where), "--today",
                               "2026-11-24", "list", "--format", "json"],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "KQ_PORTABLE": portable_mode})
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].count('"c2') == 10


def test_windows_gets_kq_exe_from_a_console_script_and_posix_the_launcher():
    """pip makes kq.exe only for a console script; elsewhere the launcher bin/kq is kept (the
    console script's wrapper imports re first)."""
    import runpy
    from pathlib import Path

    project = Path(__file__).resolve().parents[1]
    kq_command = runpy.run_path(str(project / "setup.py"), run_name="kq_setup")["kq_command"]
    assert kq_command(windows=True) == {
        "entry_points": {"console_scripts": ["kq = kqcli.cli.entry:main"]}}
    assert kq_command(windows=False) == {"scripts": ["bin/kq"]}
    assert (project / "bin" / "kq").read_text(encoding="utf-8").startswith("#!python\n")


# -- SQL that older SQLites run -------------------------------------------------------------------

ARROW = re.compile(r"->>?\s*(?:'\$|\?)")  # (a path written out or bound)


def _string_constants(tree: ast.AST) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_sql_of_kq_needs_sqlite_3_38():
    """SQLite's -> and ->> came with 3.38 (2022): Python linked to an older system SQLite
    (Ubuntu 22.04 has 3.37) would fail every command whose SQL has one; json_extract does the
    same job on every SQLite kq runs on."""
    package = Path(__file__).resolve().parent.parent / "kqcli"
    found = [f"{path.relative_to(package)}:{line}"
             for path in sorted(package.rglob("*.py"))
             for line, text in _string_constants(ast.parse(path.read_text(encoding="utf-8")))
             if ARROW.search(text)]
    assert found == []
    assert all(map(ARROW.search, (" -> '$.", "->> '$.name'", "facts -> ?")))  # it finds one
    assert not ARROW.search("(曾 -> 'zc')")



@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_sqlite_too_old_for_the_index_is_one_line_not_a_traceback(kq, examples_copy,
                                                                     monkeypatch, lang):
    import sqlite3

    from kqcli.store.index import OLDEST_SQLITE

    assert sqlite3.sqlite_version_info >= OLDEST_SQLITE  # (the suite runs where kq runs)
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.34.1")
    result = kq("--repo", examples_copy, "--lang", lang, "--today", "2026-11-24", "list")
    assert result.exit_code == 2
    said = {"zh": "kq 需要 SQLite 3.35 或更新的版本; 这个 Python 用的是 SQLite 3.34.1",
            "en": "kq needs SQLite 3.35 or later; this Python has SQLite 3.34.1"}[lang]
    assert result.output.strip().splitlines() == [f"kq: {said}"]
