"""What kq guarantees about the data when things go wrong (issue 26, the data part): it never
writes outside the repository through a folder that is a symbolic link, leaves no worker
process behind when it is stopped, leaves nothing in ``git status`` when killed during a write,
ends a run whose output cannot be written with one line, and keeps no progress bar in an
answer it replays."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import git, needs_git, probe_argv, probe_environment, probe_kq, probe_with_terminal_stderr

DAY = ("--today", "2026-11-24")
HX = "name: 华信大药房\nkind: terminal\ntier: key\n"


# -- .kq and customers/ are never symbolic links ------------------------------------------------

def test_a_kq_folder_that_is_a_symbolic_link_is_refused_in_one_line(make_repo, kq, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = make_repo({"hx": HX})
    (root / ".kq").symlink_to(elsewhere)
    result = kq("--repo", root, *DAY, "list", "--format", "json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"kq: .kq is a symbolic link to '{elsewhere}'; kq keeps its cache "
                             "only in a folder of its own: remove the link (rm .kq) and kq "
                             "makes the folder\n")


def test_nothing_is_written_or_deleted_behind_a_linked_kq_folder(make_repo, kq, tmp_path):
    """The index took a file named index.sqlite that is not SQLite for a corrupt cache and
    deleted it; it wrote its tables, locks and schema.json wherever the link pointed."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.sqlite").write_bytes(b"not a database, and not kq's")
    root = make_repo({"hx": HX})
    (root / ".kq").symlink_to(elsewhere)
    kq("--repo", root, *DAY, "due", "--format", "json")
    kq("--repo", root, *DAY, "log", "hx", "--kind", "call")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["index.sqlite"]
    assert (elsewhere / "index.sqlite").read_bytes() == b"not a database, and not kq's"


def test_a_customers_folder_that_is_a_symbolic_link_is_refused_in_one_line(make_repo, kq,
                                                                           tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hx.yaml").write_text(HX, encoding="utf-8")
    root = make_repo({})
    (root / "customers").rmdir()
    (root / "customers").symlink_to(elsewhere)
    result = kq("--repo", root, *DAY, "list", "--format", "json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"kq: customers is a symbolic link to '{elsewhere}'; kq reads and "
                             "writes customer files only in a folder inside the repository: "
                             "put the folder itself here\n")


def test_a_file_behind_a_linked_customers_folder_is_not_rewritten(make_repo, kq, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hx.yaml").write_text(HX, encoding="utf-8")
    root = make_repo({})
    (root / "customers").rmdir()
    (root / "customers").symlink_to(elsewhere)
    result = kq("--repo", root, *DAY, "log", "hx", "--kind", "call", "--goal", "问候")
    assert result.exit_code == 1
    assert (elsewhere / "hx.yaml").read_text(encoding="utf-8") == HX


def test_a_kept_answer_is_not_given_once_kq_is_a_symbolic_link(examples_copy, tmp_path):
    """The answers kept are read, and kept, in .kq: once it is a link (a pull brought one),
    the warm path leaves the run to the full command, which refuses."""
    args = [*DAY, "score", "--format", "json"]
    for _ in range(3):
        warm = probe_kq(examples_copy, *args)
    assert (warm.code, warm.path) == (0, "warm")
    moved = tmp_path / "moved"
    (examples_copy / ".kq").rename(moved)
    (examples_copy / ".kq").symlink_to(moved)
    refused = probe_kq(examples_copy, *args)
    assert (refused.code, refused.stdout) == (1, b"")
    assert refused.stderr.startswith(f"kq: .kq is a symbolic link to '{moved}'")


def test_init_refuses_a_kq_folder_that_is_a_symbolic_link(kq, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "new"
    root.mkdir()
    (root / ".kq").symlink_to(elsewhere)
    result = kq("init", root)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kq: .kq is a symbolic link to '{elsewhere}'")
    assert list(elsewhere.iterdir()) == []
    assert not (root / "kq.yaml").exists()


def test_a_repository_found_from_a_folder_inside_it_is_refused_too(make_repo, kq, tmp_path,
                                                                   monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = make_repo({"hx": HX})
    (root / ".kq").symlink_to(elsewhere)
    monkeypatch.chdir(root / "customers")
    result = kq(*DAY, "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("kq: .kq is a symbolic link")


# -- no worker process outlives kq ---------------------------------------------------------------

SLOW = """
import time
import {module} as _module
_real = _module.{function}
def _slow(*args, **kwargs):  # a big repository on a slow disk: the pool works for seconds
    time.sleep(0.05)
    return _real(*args, **kwargs)
_module.{function} = _slow
"""


@pytest.fixture
def many(make_repo) -> Path:
    """More customers than a process pool is used from (index.PARALLEL_FROM)."""
    from kqcli.store import agenda, index

    count = max(index.PARALLEL_FROM, agenda.PARALLEL_FROM) + 40
    return make_repo({f"c{n:03}": f"name: 店{n}\nkind: terminal\ntier: key\nowner: 李明\n"
                      for n in range(count)}, kq_yaml="reps: [{name: 李明}]\n")


def _children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is ``pid``."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    state, ppid = f.read().rsplit(")", 1)[1].split()[:2]
            except OSError:
                continue
            if int(ppid) == pid and state != "Z":
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _stopped_mid_pool(root: Path, hook: str, signum: int, *args: str) -> tuple[int, set[int]]:
    """Run kq, send ``signum`` once its pool's workers have been working for a moment; its
    exit status and the workers still alive two seconds later."""
    process = subprocess.Popen([*probe_argv(hook), "--repo", str(root), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=probe_environment())
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
            workers = _children(process.pid)
            time.sleep(0.02)
        assert len(workers) >= 2, "no process pool started"
        time.sleep(0.5)
        process.send_signal(signum)
        code = process.wait(timeout=30)
        deadline = time.monotonic() + 2
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        return code, {pid for pid in workers if _alive(pid)}
    finally:
        for pid in workers:  # what the test leaves behind, if kq did
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.stderr.close()
        process.wait()


pool_test = pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
                               reason="needs Linux's /proc and two cores (a process pool)")


@pool_test
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_during_the_first_index_leaves_no_worker_behind(many, signum, code):
    hook = SLOW.format(module="kqcli.store.index", function="parse_file")
    assert _stopped_mid_pool(many, hook, signum, *DAY, "list") == (code, set())


@pool_test
def test_a_stop_while_the_agenda_is_worked_out_leaves_no_worker_behind(many):
    assert probe_kq(many, *DAY, "list", "--format", "json").code == 0  # the index, built
    hook = SLOW.format(module="kqcli.store.agenda", function="_evaluate")
    assert _stopped_mid_pool(many, hook, signal.SIGTERM, *DAY, "due") == (143, set())


@pool_test
def test_a_stop_while_the_scorecards_are_worked_out_leaves_no_worker_behind(many):
    assert probe_kq(many, *DAY, "due", "--format", "json").code == 0  # index and agenda
    hook = (SLOW.format(module="kqcli.store.cards", function="_card")
            + "_module.PARALLEL_FROM = 1\n")  # (a pool from 2,000 cards)
    assert _stopped_mid_pool(many, hook, signal.SIGTERM, *DAY, "team", "--format",
                             "json") == (143, set())


STOPPED_AS_A_WORKER_STARTS = """
import os, signal
import kqcli.store.pool
kqcli.store.pool.parent_death_signal = lambda: False  # as on macOS: the kernel kills no worker
import {module} as _module
_real = _module.{function}
def _started(self, *args):  # SIGTERM lands as the first worker starts: {when}
    _real(self, *args)
    if not getattr(_module, "_stopped", False):
        _module._stopped = True
        os.write(2, b"worker %d\\n" % self.pid)
        os.kill(os.getpid(), signal.SIGTERM)
_module.{function} = _started
"""


@pool_test
@pytest.mark.parametrize(("module", "function", "when", "portable"), [
    ("multiprocessing.process", "BaseProcess.start", "before the pool has noted it", ""),
    ("multiprocessing.popen_fork", "Popen._launch", "before multiprocessing has noted it", ""),
    ("multiprocessing.process", "BaseProcess.start", "spawned, as on Windows", "1"),
])
def test_a_stop_as_a_worker_starts_ends_kq_and_the_worker(many, tmp_path, module, function,
                                                           when, portable):
    """The pool notes a worker after its fork, multiprocessing after its own steps: a stop in
    between must still kill that worker, or it waits for work forever (and kq's exit for it,
    as multiprocessing joins its children at exit), where the kernel does not kill it. A
    spawned worker starts once the pool's thread runs, whose shutdown ends it."""
    hook = STOPPED_AS_A_WORKER_STARTS.format(module=module, function=function, when=when)
    errors = tmp_path / "stderr"
    with errors.open("wb") as err:  # a file: a worker left alive holds no pipe open
        process = subprocess.Popen([*probe_argv(hook), "--repo", str(many), *DAY, "list"],
                                   stdout=subprocess.DEVNULL, stderr=err,
                                   env=probe_environment({"KQ_PORTABLE": portable}))
    worker = None
    try:
        code = process.wait(timeout=30)
        stderr = errors.read_text(encoding="utf-8", errors="replace")
        assert code == 143, stderr
        worker = int(stderr.split("worker ")[1].split()[0])
        deadline = time.monotonic() + 2
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker)
    finally:
        if process.poll() is None:
            for pid in _children(process.pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait()
        if worker is not None and _alive(worker):
            os.kill(worker, signal.SIGKILL)


@pool_test
def test_a_kill_9_during_check_full_leaves_no_worker_behind(many):
    """Nothing runs in a parent killed with -9: the workers die because the kernel kills
    them with it (PR_SET_PDEATHSIG)."""
    probe_kq(many, *DAY, "list", "--format", "json")
    hook = SLOW.format(module="kqcli.store.index", function="parse_file")
    assert _stopped_mid_pool(many, hook, signal.SIGKILL, *DAY, "check", "--full") == (-9, set())


# -- a kq killed while it writes leaves nothing in git status -------------------------------------

KILLED_WRITING = """
import os, signal
import kqcli.store.writer as _writer
def _killed(*args, **kwargs):  # kill -9 between keeping the old file and replacing it
    os.kill(os.getpid(), signal.SIGKILL)
_writer.replace_atomically = _killed
"""


@needs_git
def test_a_kq_log_killed_mid_write_leaves_git_status_clean(git_repo):
    root = git_repo({"hx": HX}, kq_yaml="reps: [{name: 李明}]\n")
    killed = probe_kq(root, *DAY, "log", "hx", "--kind", "call", hook=KILLED_WRITING)
    assert killed.code == -signal.SIGKILL
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert (root / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX



# -- output that cannot be written: one line, exit 1 (130 for Ctrl-C) ---------------------------

def _warm(root: Path, *args: str) -> None:
    """Ask until the answer is one kept."""
    for _ in range(3):
        run = probe_kq(root, *args)
    assert run.path == "warm", run.stderr


def _to_full_disk(root: Path, *args: str, **kw):
    with open("/dev/full", "wb") as full:
        return probe_kq(root, *args, stdout=full, **kw)


full_disk = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@full_disk
def test_a_kept_answer_written_to_a_full_disk_is_one_line_and_exit_1(examples_copy):
    args = [*DAY, "score", "--format", "json"]
    _warm(examples_copy, *args)
    run = _to_full_disk(examples_copy, *args)
    assert (run.code, run.stderr, run.path) == (1, "kq: No space left on device\n", "warm")


@full_disk
def test_the_version_written_to_a_full_disk_is_one_line_and_exit_1():
    run = _to_full_disk(None, "--version")
    assert (run.code, run.stderr) == (1, "kq: No space left on device\n")


INTERRUPTED_READING = """
import kqcli.store.warm as _warm
def _interrupted(*args, **kwargs):
    raise KeyboardInterrupt
_warm._kept = _interrupted
"""

INTERRUPTED_STARTING = """
import kqcli.store.warm as _warm
class _Interrupted:
    def __init__(self, *args, **kwargs):
        raise KeyboardInterrupt
_warm.Recorder = _Interrupted
"""


def test_ctrl_c_on_the_kept_answers_path_is_exit_130_without_a_traceback(examples_copy):
    args = [*DAY, "score", "--format", "json"]
    _warm(examples_copy, *args)
    run = probe_kq(examples_copy, *args, hook=INTERRUPTED_READING)
    assert (run.code, run.stdout, run.stderr) == (130, b"", "")


def test_ctrl_c_as_the_full_command_starts_is_exit_130_without_a_traceback(examples_copy):
    probe_kq(examples_copy, *DAY, "list")  # an index: the run is recorded, to be kept
    run = probe_kq(examples_copy, *DAY, "score", "--format", "json", hook=INTERRUPTED_STARTING)
    assert (run.code, run.stdout, run.stderr) == (130, b"", "")


# -- a progress bar is never kept in an answer ----------------------------------------------------

SHOWN_AT_ONCE = """
import kqcli.store.progress as _progress
_progress.SHOW_AFTER = 0  # a big repository: the bar shows
"""


def _terminal_stderr(root: Path, *args: str) -> tuple[bytes, str]:
    """kq with stderr a pseudo-terminal and stdout a pipe: (stderr, the path that answered)."""
    pytest.importorskip("pty")
    text, path, _ = probe_with_terminal_stderr(root, *args, hook=SHOWN_AT_ONCE)
    return text, path


def test_the_progress_bar_is_not_kept_in_the_answer(examples_copy):
    args = [*DAY, "score", "--format", "json"]
    assert probe_kq(examples_copy, *DAY, "list").code == 0  # an index: the next run is kept
    for path in (examples_copy / "customers").glob("*.yaml"):
        with path.open("a", encoding="utf-8") as f:
            f.write("# 改过\n")  # every file to read again: the bar shows while indexing
    drawn, first = _terminal_stderr(examples_copy, *args)
    assert first == "full" and b"\x1b[" in drawn
    replayed, second = _terminal_stderr(examples_copy, *args)
    assert (second, replayed) == ("warm", b"")


def test_a_progress_bar_with_no_terminal_asks_once_not_at_every_tick(monkeypatch):
    """A first kq team of 100,000 customers ticks 100,000 times: with stderr a pipe the bar
    asks whether it is a terminal once (it asked 92,760 times, 0.3 s)."""
    from kqcli.store import progress as module

    asked = []
    monkeypatch.setattr(module, "SHOW_AFTER", 0)
    monkeypatch.setattr(module, "stderr_is_terminal", lambda: asked.append(1) or False)
    with module.progress("indexing") as tick:
        for n in range(1, 101):
            tick(n, 100)
    assert len(asked) == 1


@pool_test
def test_pools_leave_no_descriptor_open_with_the_collector_off():
    """A run has the cycle collector off (kqcli.cli.run.local): a pool's workers and their
    pipes are let go of when the pool is, not left to the collector (three pools of a run,
    two pipes a worker, would otherwise stay open to the end: 256 descriptors on macOS)."""
    import gc

    from kqcli.store import pool

    gc.disable()
    try:
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(3):
            with pool.workers(2, "fork") as workers:
                assert list(workers.map(abs, [-1, -2, -3])) == [1, 2, 3]
        after = len(os.listdir("/proc/self/fd"))
    finally:
        gc.enable()
    assert after == before
