"""The edges of kqcli.store.warm (the answers kept, and ``kq due --format json`` from the agenda): ways
a user could get a stale or wrong answer, lose output, see a traceback or wait, from a review
of the warm path. Each test runs kq in a fresh process as the console script does (stdout a
pipe); races and midnight are simulated with hooks run in that process before kq starts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import RACY_ENV, RACY_WAIT, ProbeRun, probe_argv, probe_environment, probe_kq

from kqcli.store import clock

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MAIN = Path(__file__).resolve().parent.parent

environment = probe_environment
kq = probe_kq


def plain(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m kqcli`` as a user runs it (the real two-second racy window)."""
    return subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(root), *args],
                          capture_output=True, env=environment(env), cwd=MAIN, check=False)


def closed_pipe(root: Path, *args: str, **kw) -> ProbeRun:
    """Run with stdout a pipe nobody reads (``kq ... | true``): any write gets EPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        return kq(root, *args, stdout=write, **kw)
    finally:
        os.close(write)


def fresh_answer(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """What kq prints for ``args`` on a copy of ``root`` without its ``.kq``: the truth."""
    other = tmp_path / f"truth{len(list(tmp_path.iterdir()))}"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".kq"))
    run = probe_kq(other, *args)
    return subprocess.CompletedProcess([], run.code, run.stdout, run.stderr.encode())


@pytest.fixture
def repo(examples_copy: Path) -> Path:
    return examples_copy


DAY = ("--today", "2026-11-24")


@pytest.fixture(scope="module")
def aged_copies(tmp_path_factory):
    """Copies of examples/ whose files are older than the racy window of a kq run with
    ``RACY_ENV`` (not racy): made once."""
    base = tmp_path_factory.mktemp("aged")
    copies = []
    for n in range(3):
        shutil.copytree(EXAMPLES, base / f"repo{n}", ignore=shutil.ignore_patterns(".kq"))
        copies.append(base / f"repo{n}")
    time.sleep(RACY_WAIT)
    return copies


def warm_up(root: Path, *args: str) -> ProbeRun:
    """Ask until the answer comes from the answers kept (or the agenda); the last run."""
    for _ in range(3):
        run = kq(root, *args)
    assert run.path == "warm", run.stderr
    return run


# -- stdout closed early (kq ... | head) -----------------------------------------------------

def test_a_closed_pipe_on_the_full_path_does_not_keep_an_empty_answer(repo):
    """``kq score --format csv | true`` once: the full command meets EPIPE (friendly turns it
    into exit 1) before it says warm.answered(), so nothing is kept and a later ``kq score
    --format csv > file`` prints the whole answer."""
    kq(repo, *DAY, "score", "--format", "json")  # builds the index
    broken = closed_pipe(repo, *DAY, "score", "--format", "csv")
    assert broken.code == 1
    later = kq(repo, *DAY, "score", "--format", "csv")
    assert (later.code, len(later.stdout) > 1000) == (0, True), (later.path, later.stdout[:80])


def test_a_closed_pipe_on_the_due_table_does_not_keep_an_empty_answer(repo):
    """The same with ``kq due --within 3 | true``."""
    kq(repo, *DAY, "due", "--format", "json")
    kq(repo, *DAY, "due", "--format", "json")  # the agenda is up to date
    closed_pipe(repo, *DAY, "due", "--within", "3")
    later = kq(repo, *DAY, "due", "--within", "3")
    assert later.code == 0 and later.stdout, (later.path, later.code, later.stdout[:80])


@pytest.mark.parametrize("args", [
    ["score", "--format", "json"],  # 40 kB
    ["score", "--by", "owner"],  # under 1 kB
])
def test_a_warm_answer_to_a_closed_pipe_is_not_a_traceback(repo, args):
    """The full command turns EPIPE into exit 1 without a word (commands.friendly); so does
    warm.answer when it writes a kept answer to a closed pipe."""
    warm_up(repo, *DAY, *args)
    broken = closed_pipe(repo, *DAY, *args)
    assert "Traceback" not in broken.stderr, broken.stderr[-400:]
    assert broken.code == 1


def test_a_closed_pipe_before_any_index_is_quiet(repo):
    """For comparison: the full command alone (no index, so no recorder) exits 1 quietly."""
    broken = closed_pipe(repo, *DAY, "score", "--format", "json")
    assert (broken.code, broken.path) == (1, "full")
    assert "Traceback" not in broken.stderr


# -- stderr or stdout closed (cron jobs with 2>&-) --------------------------------------------

def _close(fd: int):
    return lambda: os.close(fd)


def test_stderr_closed_still_prints_the_answer(repo):
    """``kq due --format csv 2>&-``: sys.stderr is None, so warm.question leaves the run to
    the full command (no recorder); it prints, as ``kq list 2>&-`` does."""
    kq(repo, *DAY, "due", "--format", "csv")  # builds the index, so a recorder is made
    listing = kq(repo, *DAY, "list", preexec=_close(2))
    assert listing.code == 0 and listing.stdout
    run = kq(repo, *DAY, "due", "--format", "csv", preexec=_close(2))
    assert run.code == 0 and run.stdout, run.code


def test_stdout_closed_is_one_line_and_does_nothing(repo):
    """``kq due >&-`` / ``kq list >&-``: sys.stdout is None; the console script says so in one
    line and exits 1 before any command runs (a write such as kq log would do nothing)."""
    kq(repo, *DAY, "due", "--format", "csv")
    for args in (["due", "--format", "csv"], ["list"], ["--version"]):
        run = kq(repo, *DAY, *args, preexec=_close(1))
        assert run.code == 1, args
        assert run.stderr.strip() == "kq: standard output is closed; nothing done", run.stderr


# -- kq.yaml changed while a full kq due runs ------------------------------------------------

EDIT_KQ_YAML = """
import time
import kqcli.store.agenda as _agenda
_bring = _agenda.bring_up_to_date
def _edited(*args, **kwargs):  # someone saves kq.yaml after kq read it (a git pull, an editor)
    path = {path!r}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("    visit: 5\\n", "    visit: 50\\n", 1))
    time.sleep({wait})  # a big repository: the run goes on past the racy window
    return _bring(*args, **kwargs)
_agenda.bring_up_to_date = _edited
"""


def test_kq_yaml_saved_during_a_full_due_is_not_trusted_by_the_agenda_path(aged_copies, tmp_path):
    """kq.yaml saved while a full kq due runs (and two seconds passed, so it is not racy):
    the record of that run holds kq.yaml's signature from before the run read it
    (agenda.morning), so warm._due does not pair the new kq.yaml with the agenda made from
    the old one (visits weighed 5 instead of 50)."""
    repo = aged_copies[0]  # files no longer racy
    args = [*DAY, "due", "--format", "json"]
    kq(repo, *args, racy_off=False, env=RACY_ENV,
       hook=EDIT_KQ_YAML.format(path=str(repo / "kq.yaml"), wait=RACY_WAIT))
    assert "visit: 50" in (repo / "kq.yaml").read_text(encoding="utf-8")
    import sqlite3

    db = sqlite3.connect(repo / ".kq" / "index.sqlite")
    try:  # the Recorder kept nothing: what answers next is warm._due
        assert db.execute("""select count(*) from answers where generation =
                             (select value from meta where key = 'generation')""").fetchone()[0] == 0
    finally:
        db.close()
    after = kq(repo, *args, racy_off=False, env=RACY_ENV)
    truth = fresh_answer(repo, tmp_path, *args)
    assert json.loads(after.stdout) == json.loads(truth.stdout), after.path


# -- two kq processes at once: the agenda written over a newer index -------------------------

CONCURRENT = """
import subprocess, sys, time
import kqcli.core.agenda as _core
_candidates = _core.candidates
_done = []
def _slow(*args, **kwargs):
    if not _done:  # after this run read the customers' rows, before it writes the agenda
        _done.append(1)
        path = {path!r}
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("name: ", "name: 改名", 1))
        time.sleep({wait})  # not racy any more
        other = subprocess.run([sys.executable, "-m", "kqcli", *sys.argv[1:]],
                               capture_output=True)  # a second kq: indexes the new text
        assert "改名" in other.stdout.decode(), other.stderr
    return _candidates(*args, **kwargs)
_core.candidates = _slow
"""


def _raced(repo: Path, tmp_path: Path, args: list[str], hook: str
           ) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """Run ``args`` while a second kq re-indexes hx-renmin.yaml edited meanwhile (``hook``);
    then what the next run prints, and what a fresh copy prints (the truth)."""
    path = repo / "customers" / "hx-renmin.yaml"
    first = kq(repo, *args, racy_off=False, env=RACY_ENV,
               hook=hook.format(path=str(path), wait=RACY_WAIT))
    assert first.code == 0, first.stderr
    return plain(repo, *args), fresh_answer(repo, tmp_path, *args)


def test_an_agenda_evaluated_from_old_rows_does_not_overwrite_a_newer_index(aged_copies, tmp_path):
    """A second kq re-indexes an edited file while agenda.bring_up_to_date evaluates rows
    read before: the agenda of that customer is marked for a recheck today (its file's
    signature changed), so the next kq due, warm or full, lists the new name."""
    args = [*DAY, "due", "--format", "json"]
    later, truth = _raced(aged_copies[1], tmp_path, args, CONCURRENT)
    full = plain(aged_copies[1], *args, "--verbose")  # never answered by kqcli.store.warm
    assert "改名华信" in truth.stdout.decode()
    assert "改名华信" in full.stdout.decode(), "the full command lists the old name"
    assert "改名华信" in later.stdout.decode(), "the old name is listed"


# -- the day: a run that goes past midnight ---------------------------------------------------

BEFORE_MIDNIGHT = """
import datetime as _dt, types as _types
import kqcli.store.warm as _warm
from kqcli.store import clock as _clock
# warm.question read the clock at 23:59:59; the command at 00:00:01
_warm.clock = _types.SimpleNamespace(today=lambda: _clock.today() - _dt.timedelta(days=1))
"""


def test_a_run_that_goes_past_midnight_is_not_kept_for_the_day_before(repo, tmp_path):
    """Question.key holds the day warm.question read from the clock; entry.main hands that
    day to the full command (KQ_TODAY), so a run that crosses midnight keeps the answer of
    the day it is kept for, not of the next one."""
    import datetime as dt

    yesterday = (clock.today() - dt.timedelta(days=1)).isoformat()
    args = ["due", "--format", "csv", "--within", "7"]
    kq(repo, *args)
    kq(repo, *args)  # agenda and answers up to date for the clock's day
    kq(repo, *args, hook=BEFORE_MIDNIGHT)
    asked = kq(repo, *args, env={"KQ_TODAY": yesterday})
    truth = fresh_answer(repo, tmp_path, "--today", yesterday, *args)
    assert truth.stdout != kq(repo, *args).stdout  # the two days differ
    assert asked.stdout == truth.stdout, asked.path


# -- stderr in a non-UTF-8 encoding --------------------------------------------------------

def test_the_agenda_path_writes_stderr_in_its_encoding(repo):
    """warm._due writes the estimated-years warning in stderr's encoding and errors, as the
    full command does (PYTHONIOENCODING=latin-1: backslash escapes)."""
    env = {"PYTHONIOENCODING": "latin-1"}
    args = ["--today", "2026-12-20", "due", "--format", "json", "--within", "60"]
    full = kq(repo, *args, env=env)
    warm_run = kq(repo, *args, env=env)
    assert warm_run.path == "warm"
    assert (warm_run.stdout, warm_run.stderr) == (full.stdout, full.stderr)


@pytest.mark.parametrize("env", [{"LC_ALL": "C", "LANG": "C"}, {"PYTHONIOENCODING": "latin-1"}])
def test_answers_are_kept_per_stdout_encoding(repo, env):
    """The encoding is in the key (LC_ALL=C is coerced to UTF-8 by Python 3.11); a latin-1
    table cannot be printed: one line naming the encoding, exit 1, and it is not kept."""
    args = [*DAY, "score", "--by", "owner"]
    for _ in range(2):  # an answer kept for UTF-8
        kq(repo, *args)
    other = [kq(repo, *args, env=env) for _ in range(2)]
    plain_other = plain(repo, *args, env=env)
    for run in other:
        assert run.stdout == plain_other.stdout and run.code == plain_other.returncode
    if "PYTHONIOENCODING" in env:
        assert other[-1].code == 1 and "Traceback" not in other[-1].stderr
        assert "output's encoding (iso8859-1); set PYTHONIOENCODING=utf-8" in other[-1].stderr


# -- what changes in customers/ and kq.yaml: checks that pass --------------------------------

def _edit_keeping_size_and_mtime(path: Path) -> None:
    st = path.stat()
    data = path.read_bytes()
    i = data.index(b"name: ") + len("name: ")
    ch = data[i:i + 3]  # swap the first character of the name for another of three bytes
    new = data[:i] + ("改".encode() if ch != "改".encode() else "名".encode()) + data[i + 3:]
    assert len(new) == len(data)
    with open(path, "r+b") as f:  # in place: same inode
        f.write(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -r


@pytest.mark.parametrize("args", [["score", "--format", "json"],
                                  ["due", "--format", "json", "--within", "7"],
                                  ["due", "--format", "csv", "--within", "7"]])
def test_an_edit_in_place_keeping_size_and_mtime_is_seen(repo, args):
    warm_up(repo, *DAY, *args)
    path = repo / "customers" / "hx-renmin.yaml"
    _edit_keeping_size_and_mtime(path)
    after = kq(repo, *DAY, *args)
    assert after.path in ("full", "warm")  # (kq due's JSON re-indexes it first: store.edited)
    assert "改" in after.stdout.decode() or "名华信" in after.stdout.decode()


def test_a_file_replaced_by_rename_with_the_same_size_and_mtime_is_seen(repo):
    args = [*DAY, "score", "--format", "json"]
    before = warm_up(repo, *args)
    path = repo / "customers" / "hx-renmin.yaml"
    st = path.stat()
    data = path.read_bytes().replace("name: 华".encode(), "name: 中".encode(), 1)
    tmp = path.with_name(".hx-renmin.yaml.tmp")
    tmp.write_bytes(data)
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, path)
    after = kq(repo, *args)
    assert after.path == "full" and after.stdout != before.stdout


@pytest.mark.parametrize("change", ["add", "delete", "invalid"])
def test_customers_added_deleted_or_broken(repo, change, tmp_path):
    args = [*DAY, "score", "--format", "json"]
    warm_up(repo, *args)
    folder = repo / "customers"
    if change == "add":
        shutil.copy(folder / "hx-renmin.yaml", folder / "hx-copy.yaml")
    elif change == "delete":
        (folder / "hx-renmin.yaml").unlink()
    elif change == "invalid":
        (folder / "hx-renmin.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    runs = [kq(repo, *args) for _ in range(3)]
    truth = fresh_answer(repo, tmp_path, *args)
    for run in runs:
        assert (run.stdout, run.stderr, run.code) == (truth.stdout, truth.stderr.decode()
                                                      .split("\npath: ")[0], truth.returncode)
    if change == "invalid":
        assert runs[-1].code == 1 and "customers/hx-renmin.yaml" in runs[-1].stderr


def test_kq_yaml_touched_back_to_its_old_mtime_is_seen(repo):
    args = [*DAY, "due", "--format", "json"]
    warm_up(repo, *args)
    settings = repo / "kq.yaml"
    st = settings.stat()
    text = settings.read_text(encoding="utf-8").replace("    visit: 5\n", "    visit: 9\n", 1)
    settings.write_text(text, encoding="utf-8")
    os.utime(settings, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert kq(repo, *args).path == "full"


def test_the_index_deleted_or_the_kq_folder_removed(repo):
    args = [*DAY, "score", "--format", "json"]
    before = warm_up(repo, *args)
    shutil.rmtree(repo / ".kq")
    again = kq(repo, *args)
    assert (again.path, again.stdout, again.code) == ("full", before.stdout, 0)
    (repo / ".kq").rmdir() if not any((repo / ".kq").iterdir()) else None
    (repo / ".kq" / "index.sqlite").unlink()
    assert kq(repo, *args).stdout == before.stdout


def test_kq_as_a_file_is_not_a_traceback(repo):
    args = [*DAY, "score", "--format", "json"]
    before = warm_up(repo, *args)
    shutil.rmtree(repo / ".kq")
    (repo / ".kq").write_text("not a folder\n", encoding="utf-8")
    runs = [kq(repo, *args) for _ in range(2)]
    for run in runs:
        assert run.stdout == before.stdout and "Traceback" not in run.stderr


def test_a_garbage_index_is_not_a_traceback(repo):
    args = [*DAY, "due", "--format", "json"]
    before = warm_up(repo, *args)
    (repo / ".kq" / "index.sqlite").write_bytes(b"garbage" * 100)
    for p in (repo / ".kq").glob("index.sqlite-*"):
        p.unlink()
    runs = [kq(repo, *args) for _ in range(3)]
    assert all(r.stdout == before.stdout and "Traceback" not in r.stderr for r in runs)


# -- how the question is asked: checks that pass ---------------------------------------------

def test_usage_errors_are_never_kept(repo):
    for args in (["due", "--fail-on", "bogus"], ["score", "--by", "x"], ["due", "--nope"]):
        runs = [kq(repo, *DAY, *args) for _ in range(3)]
        assert [r.code for r in runs] == [2, 2, 2], args
        assert {r.path for r in runs} == {"full"}


def test_options_spelled_with_equals_get_the_same_answer(repo):
    a = [kq(repo, "--today=2026-11-24", "due", "--format=json", "--within=7") for _ in range(3)]
    b = [kq(repo, *DAY, "due", "-f", "json", "-w", "7") for _ in range(3)]
    assert len({r.stdout for r in a + b}) == 1 and a[-1].path == b[-1].path == "warm"


def test_repo_relative_and_kq_repo_are_different_questions(repo, tmp_path):
    """A relative --repo from another folder is another repository: not its answer."""
    other = tmp_path / "elsewhere" / "repo"
    shutil.copytree(repo, other)
    (other / "customers" / "hx-renmin.yaml").unlink()
    args = ["--repo", "repo", *DAY, "score", "--format", "json"]
    here = [kq(None, *args, cwd=tmp_path) for _ in range(3)]
    there = [kq(None, *args, cwd=tmp_path / "elsewhere") for _ in range(2)]
    assert b"hx-renmin" in here[-1].stdout and b"hx-renmin" not in there[-1].stdout
    via_env = [kq(None, *DAY, "score", "--format", "json", env={"KQ_REPO": str(other)})
               for _ in range(2)]
    assert via_env[-1].stdout == there[-1].stdout


def test_kq_today_and_today_option_give_the_same_answers(repo):
    a = [kq(repo, "score", "--format", "json", env={"KQ_TODAY": "2026-11-30"}) for _ in range(2)]
    b = [kq(repo, "--today", "2026-11-30", "score", "--format", "json") for _ in range(3)]
    c = kq(repo, "score", "--format", "json", env={"KQ_TODAY": "2026-10-15"})
    assert a[-1].stdout == b[-1].stdout != c.stdout


def test_stdout_to_a_file_is_answered_whole(repo, tmp_path):
    args = [*DAY, "due", "--format", "json", "--within", "60"]
    outs = []
    for n in range(3):
        target = tmp_path / f"out{n}.json"
        with open(target, "wb") as f:
            run = kq(repo, *args, stdout=f)
        outs.append((target.read_bytes(), run.code, run.path))
    assert outs[0][0] == outs[1][0] == outs[2][0] and outs[2][2] == "warm"
    json.loads(outs[2][0])


def test_many_processes_at_once(repo):
    args = [*DAY, "due", "--format", "csv", "--within", "14"]
    first = kq(repo, *args)
    procs = [subprocess.Popen([*probe_argv(), "--repo", str(repo), *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment())
             for _ in range(6)]
    results = [p.communicate(timeout=60) for p in procs]
    assert all(out == first.stdout for out, _ in results)
    assert all(b"Traceback" not in err for _, err in results)
    assert [p.returncode for p in procs] == [0] * 6


CONCURRENT_CARDS = CONCURRENT.replace("kqcli.core.agenda as _core", "kqcli.core.scoring as _core") \
    .replace("_candidates = _core.candidates", "_candidates = _core.customer_card") \
    .replace("_core.candidates = _slow", "_core.customer_card = _slow")


def test_scorecards_worked_out_from_old_rows_do_not_overwrite_a_newer_index(aged_copies, tmp_path):
    """The same race in kqcli.store.cards.scorecards: a card worked out from a row another kq
    replaced meanwhile is printed by that run but not kept, so the next kq score shows the
    new name."""
    args = [*DAY, "score", "--format", "json"]
    later, truth = _raced(aged_copies[2], tmp_path, args, CONCURRENT_CARDS)
    assert "改名华信" in truth.stdout.decode()
    assert "改名华信" in later.stdout.decode(), "the old name is listed"


# -- a run that failed for a reason outside its inputs ---------------------------------------

TRANSIENT = """
import errno
import kqcli.store.cards as _cards
_scorecards = _cards.scorecards
def _once(*args, **kwargs):  # the machine fails once: too many open files, an I/O error
    raise OSError(errno.EMFILE, "Too many open files")
_cards.scorecards = _once
"""


def test_a_transient_failure_is_not_kept_as_the_answer(repo):
    """commands.friendly turns an OSError (or a sqlite3 error: 'the index in .kq failed ...;
    try again') into one line and exit 1 without warm.answered(): trying again runs the
    command again instead of replaying the failure."""
    args = [*DAY, "score", "--format", "json"]
    good = kq(repo, *args)
    failed = kq(repo, *args, hook=TRANSIENT)
    assert failed.code == 1 and "Too many open files" in failed.stderr
    again = kq(repo, *args)
    assert (again.code, again.stdout) == (0, good.stdout), (again.path, again.stderr)


INTERRUPTED = """
import kqcli.cli.commands as _commands
def _interrupt(repo):
    raise KeyboardInterrupt
_commands.report_skipped = _interrupt
"""


def test_ctrl_c_is_not_kept(repo):
    """typer turns KeyboardInterrupt into exit 130, which is never kept."""
    args = [*DAY, "score", "--format", "json"]
    good = kq(repo, *args)
    stopped = kq(repo, *args, hook=INTERRUPTED)
    assert stopped.code == 130
    again = kq(repo, *args)
    assert (again.code, again.stdout) == (0, good.stdout)


# -- a read-only .kq (chattr +i: root ignores file modes) ------------------------------------

def _chattr(flag: str, *paths: Path) -> bool:
    try:
        done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True)
    except OSError:
        return False
    return done.returncode == 0


def test_a_read_only_kq_folder_gives_whole_answers(repo):
    """The warm path cannot open the index (unable to open database file) and leaves the
    question to the full command, which works in memory and says so."""
    for args in (["due", "--format", "json"], ["score", "--format", "json"]):
        warm_up(repo, *DAY, *args)
    frozen = [repo / ".kq", *(repo / ".kq").iterdir()]
    if not _chattr("+i", *frozen):
        pytest.skip("chattr +i is not available here")
    try:
        for args in (["due", "--format", "json"], ["score", "--format", "json"]):
            truth = plain(repo, *DAY, *args, env={"COLUMNS": "999"})  # another key
            runs = [kq(repo, *DAY, *args)]
            assert all(r.stdout == truth.stdout and r.code == 0 for r in runs), args
            assert all("Traceback" not in r.stderr for r in runs)
        path = repo / "customers" / "hx-renmin.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("name: ", "name: 改名", 1),
                        encoding="utf-8")
        after = kq(repo, *DAY, "score", "--format", "json")
        assert "改名华信" in after.stdout.decode()
    finally:
        _chattr("-i", *frozen)


def test_kq_yaml_as_a_symlink_whose_target_changes(repo, tmp_path):
    """The signature of a link holds its target's stat too."""
    target = tmp_path / "settings.yaml"
    shutil.move(repo / "kq.yaml", target)
    (repo / "kq.yaml").symlink_to(target)
    args = [*DAY, "due", "--format", "json"]
    before = warm_up(repo, *args)
    target.write_text(target.read_text(encoding="utf-8")
                      .replace("    visit: 5\n", "    visit: 50\n", 1), encoding="utf-8")
    after = kq(repo, *args)
    assert after.path == "full" and after.stdout != before.stdout


def test_a_run_past_midnight_with_kq_today_set_but_empty(repo, tmp_path):
    """KQ_TODAY="" means the clock to both warm.question and store.root.parse_today;
    entry.main replaces an empty KQ_TODAY too with the day of the question."""
    import datetime as dt

    yesterday = (clock.today() - dt.timedelta(days=1)).isoformat()
    args = ["due", "--format", "csv", "--within", "7"]
    empty = {"KQ_TODAY": ""}
    kq(repo, *args, env=empty)
    kq(repo, *args, env=empty)
    kq(repo, *args, env=empty, hook=BEFORE_MIDNIGHT)
    asked = kq(repo, *args, env={"KQ_TODAY": yesterday})
    truth = fresh_answer(repo, tmp_path, "--today", yesterday, *args)
    assert asked.stdout == truth.stdout, asked.path
