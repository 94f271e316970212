"""Answers without the command line (kqcli.store.warm, issue 11): a question asked again of an
unchanged repository, and ``kq due --format json`` from the agenda, byte for byte what the full
command prints, and never given when anything it rests on changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import ProbeRun, probe_argv, probe_environment, probe_kq

from kqcli.store import files, warm

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

def kq(root: Path, *args: str, env: dict[str, str] | None = None) -> ProbeRun:
    """``kq --repo ROOT ARGS`` as the console script runs it (stdout a pipe)."""
    return probe_kq(root, *args, env=env)


@pytest.fixture
def repo(examples_copy: Path) -> Path:
    return examples_copy


DAY = ("--today", "2026-11-24")


@pytest.mark.parametrize("options", [
    [],
    ["--within", "14"],
    ["--within", "90"],  # wider than the agenda's reach at first (kqcli.store.agenda.COVER)
    ["-w", "3", "--owner", "李明"],
    ["--owner=陈静", "--reason", "visit", "--reason", "birthday"],
    ["--pool"],
    ["--fail-on", "overdue"],
])
def test_the_warm_answer_is_the_full_answer(repo, options):
    args = [*DAY, "due", "--format", "json", *options]
    full = kq(repo, *args)
    warm_run = kq(repo, *args)
    again = kq(repo, *args)  # from the answers kept
    assert (full.path, warm_run.path, again.path) == ("full", "warm", "warm")
    assert full.stdout == warm_run.stdout == again.stdout
    assert full.code == warm_run.code == again.code
    assert full.stderr == warm_run.stderr == ""
    json.loads(full.stdout)


def test_fail_on_overdue_exits_1_on_the_warm_path_too(repo):
    args = [*DAY, "due", "--format", "json", "--fail-on", "overdue"]
    kq(repo, *args)
    warm_run = kq(repo, *args)
    assert (warm_run.path, warm_run.code) == ("warm", 1)
    assert any(row["overdue_days"] > 0 for row in json.loads(warm_run.stdout))


def fresh(root: Path, *args: str) -> ProbeRun:
    """What the full command answers on a copy of ``root`` without its index."""
    import shutil

    copy = root.parent / f"{root.name}-fresh"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".kq"))
    run = kq(copy, *args)
    assert run.path == "full"
    return run


def test_a_window_wider_than_the_agenda_answers_is_never_answered_from_it(repo):
    """The agenda holds what ``--within`` up to its cover could list; a wider window, asked
    once the narrower one is warm, goes to the full command (which widens the agenda) and
    says what a fresh index says."""
    narrow = [*DAY, "due", "--format", "json", "--within", "14"]
    kq(repo, *narrow)
    assert kq(repo, *narrow).path == "warm"
    wide = [*DAY, "due", "--format", "json", "--within", "200"]
    run = kq(repo, *wide)
    assert run.path == "full"
    assert run.stdout == fresh(repo, *wide).stdout
    assert any(r["due"] > "2027-03" for r in json.loads(run.stdout))  # (only the wider reach)
    assert kq(repo, *wide).path == "warm"


def test_a_changed_customer_file_is_seen(repo):
    args = [*DAY, "due", "--format", "json"]
    before = kq(repo, *args)
    path = repo / "customers" / "hx-renmin.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: ", "name: 改名", 1), encoding="utf-8")
    after = kq(repo, *args)
    assert "改名华信" in after.stdout.decode() and "改名" not in before.stdout.decode()
    assert kq(repo, *args).stdout == after.stdout == fresh(repo, *args).stdout


def test_a_removed_customer_file_is_seen(repo):
    args = [*DAY, "due", "--format", "json"]
    kq(repo, *args)
    (repo / "customers" / "hx-renmin.yaml").unlink()
    after = kq(repo, *args)
    assert "hx-renmin" not in after.stdout.decode()
    assert after.stdout == fresh(repo, *args).stdout


def log_by_hand(path: Path, interaction: str) -> None:
    """Add ``interaction`` (flow style) first in the file's ``visits:``, as a rep would."""
    text = path.read_text(encoding="utf-8")
    assert "\nvisits:\n" in text
    path.write_text(text.replace("\nvisits:\n", f"\nvisits:\n  - {interaction}\n", 1),
                    encoding="utf-8")


@pytest.mark.parametrize("options", [[], ["--owner", "李明", "--within", "7"], ["--pool"]])
def test_a_file_edited_by_hand_is_indexed_without_the_command_line(repo, options):
    """One customer file edited since the last kq due: re-indexed (validated: pydantic) and its
    reminders worked out again without typer, the answer the full command gives."""
    args = [*DAY, "due", "--format", "json", *options]
    for _ in range(2):
        kq(repo, *args)
    log_by_hand(repo / "customers" / "hx-renmin.yaml", "{date: 2026-11-23, kind: call}")
    edited = kq(repo, *args)
    assert (edited.path, edited.validated) == ("warm", True)
    assert (edited.stdout, edited.stderr, edited.code) == (
        (expected := fresh(repo, *args)).stdout, expected.stderr, expected.code)
    assert kq(repo, *args).path == "warm"


def test_an_edit_that_changes_what_is_due_is_answered_as_the_full_command(repo):
    """A visit logged by hand closes the customer's visit reminder."""
    args = [*DAY, "due", "--format", "json", "--reason", "visit"]
    for _ in range(2):
        before = kq(repo, *args)
    customer = json.loads(before.stdout)[0]["customer"]
    log_by_hand(repo / "customers" / f"{customer}.yaml", "{date: 2026-11-24, kind: visit}")
    after = kq(repo, *args)
    assert after.path == "warm"
    assert customer in before.stdout.decode() and customer not in after.stdout.decode()
    assert after.stdout == fresh(repo, *args).stdout


def test_a_file_made_invalid_by_hand_is_left_to_the_full_command(repo):
    args = [*DAY, "due", "--format", "json"]
    for _ in range(2):
        kq(repo, *args)
    (repo / "customers" / "hx-renmin.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    after = kq(repo, *args)
    assert (after.path, after.code) == ("full", 1)
    assert "customers/hx-renmin.yaml" in after.stderr


def test_more_than_a_few_edited_files_are_left_to_the_full_command(repo):
    args = [*DAY, "due", "--format", "json"]
    for _ in range(2):
        kq(repo, *args)
    for path in sorted((repo / "customers").glob("*.yaml"))[:warm.FEW + 1]:
        path.write_text(path.read_text(encoding="utf-8") + "# 改\n", encoding="utf-8")
    assert kq(repo, *args).path == "full"


def test_an_edited_file_and_a_changed_kq_yaml_are_left_to_the_full_command(repo):
    args = [*DAY, "due", "--format", "json"]
    for _ in range(2):
        kq(repo, *args)
    path = repo / "customers" / "hx-renmin.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 改\n", encoding="utf-8")
    settings = repo / "kq.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# 改\n", encoding="utf-8")
    assert kq(repo, *args).path == "full"


def test_a_changed_kq_yaml_is_seen(repo):
    args = [*DAY, "due", "--format", "json"]
    kq(repo, *args)
    settings = repo / "kq.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert kq(repo, *args).path == "full"
    assert kq(repo, *args).path == "warm"


def test_another_day_takes_the_full_path_once(repo):
    kq(repo, *DAY, "due", "--format", "json")
    next_day = kq(repo, "--today", "2026-11-25", "due", "--format", "json")
    assert next_day.path == "full"
    assert kq(repo, "--today", "2026-11-25", "due", "--format", "json").path == "warm"


def test_an_invalid_file_is_still_reported_and_exits_1(repo):
    (repo / "customers" / "bad.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    args = [*DAY, "due", "--format", "json"]
    kq(repo, *args)
    again = kq(repo, *args)
    assert (again.path, again.code) == ("full", 1)
    assert "customers/bad.yaml" in again.stderr


def test_a_hidden_yaml_file_does_not_stop_the_warm_path(repo):
    """kq due does not read it and does not name it (kq check does)."""
    (repo / "customers" / ".draft.yaml").write_text("name: x\n", encoding="utf-8")
    args = [*DAY, "due", "--format", "json"]
    full = kq(repo, *args)
    again = kq(repo, *args)
    assert (again.path, again.stdout, again.stderr) == ("warm", full.stdout, full.stderr)


def test_an_unknown_owner_still_gets_the_closest_names(repo):
    args = [*DAY, "due", "--format", "json"]
    kq(repo, *args)
    typo = kq(repo, *args, "--owner", "李名")
    assert (typo.path, typo.code) == ("full", 2)
    assert "李明" in typo.stderr


def test_the_estimated_years_warning_is_the_same_on_both_paths(repo):
    args = ["--today", "2026-12-20", "due", "--format", "json", "--within", "60"]
    full, warm_run = kq(repo, *args), kq(repo, *args)
    assert warm_run.path == "warm"
    assert (warm_run.stderr, warm_run.stdout) == (full.stderr, full.stdout)


def test_kq_today_from_the_environment(repo):
    env = {"KQ_TODAY": "2026-11-24"}
    full = kq(repo, "due", "--format", "json", env=env)
    warm_run = kq(repo, "due", "--format", "json", env=env)
    assert warm_run.path == "warm" and warm_run.stdout == full.stdout
    assert full.stdout == kq(repo, *DAY, "due", "--format", "json").stdout


@pytest.mark.parametrize("args", [
    ["due"],  # the table, piped
    ["due", "--format", "csv", "--within", "7"],
    ["score", "--format", "json"],
    ["score", "--by", "owner"],
    ["classify", "--format", "json"],
    ["classify"],
    ["--lang", "en", "due", "--all"],
    ["list", "--owner", "李明", "--format", "json"],
    ["list", "hx"],
    ["expenses", "--month", "2026-10"],
    ["team", "--format", "json"],
    ["route"],
    ["pool"],
])
def test_a_question_asked_again_is_answered_from_the_answers_kept(repo, args):
    """The first run brings the index up to date (nothing kept: the index changed while it
    ran), the second is kept, the third is answered without the command line."""
    runs = [kq(repo, *DAY, *args) for _ in range(3)]
    assert [r.path for r in runs] == ["full", "full", "warm"]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert runs[0].stderr == runs[2].stderr and runs[0].code == runs[2].code
    assert runs[0].stdout


def test_global_options_after_the_command_ask_the_same_question(repo):
    """``kq due --today D`` is ``kq --today D due``: kept once, answered for either."""
    before = [kq(repo, *DAY, "due", "--format", "json") for _ in range(2)]
    after = kq(None, "due", "--format", "json", "--repo", str(repo), *DAY)
    assert (after.path, after.stdout) == ("warm", before[0].stdout)


def test_an_answer_is_kept_for_its_environment(repo):
    args = [*DAY, "due"]
    kq(repo, *args)
    kq(repo, *args)
    wide = kq(repo, *args, env={"COLUMNS": "200"})
    assert wide.path == "full"
    assert wide.stdout != kq(repo, *args).stdout


def test_a_logged_visit_is_seen_by_the_next_run(repo):
    args = [*DAY, "due", "--format", "json", "--owner", "李明", "--reason", "visit"]
    for _ in range(3):
        before = kq(repo, *args)
    assert before.path == "warm"
    customer = json.loads(before.stdout)[0]["customer"]
    logged = kq(repo, *DAY, "log", customer, "--kind", "visit", "--outcome", "谈妥陈列")
    assert logged.code == 0, logged.stderr
    after = kq(repo, *args)
    assert after.path == "full"
    assert customer in before.stdout.decode() and customer not in after.stdout.decode()


@pytest.mark.parametrize("argv", [
    ["due", "--format", "json", "--explain", "hx"],
    ["due", "--format", "json", "--verbose"],
    ["due", "--format", "json", "--all"],
    ["due", "-fjson"],
    ["due", "--format", "json", "--owner"],
    ["due", "--format", "json", "--within", "-1"],
    ["due", "--format", "json", "extra"],
])
def test_due_options_the_agenda_query_does_not_know_are_left_to_the_full_command(argv):
    request = warm.parse_due(argv[1:])
    assert request is None or request.format != "json"


@pytest.mark.parametrize("argv", [
    ["--repo", "x", "list", "due"],
    ["score", "--output", "x.xlsx", "--format", "xlsx"],
    ["score", "-o", "x.csv"],
    ["score", "--output=x.csv"],
    ["classify", "--apply"],
    ["due", "--help"],
    ["due", "-af", "json"],
    ["--lang", "fr", "due"],
    ["--today", "2026-02-30", "due"],
    ["--today"],
])
def test_runs_that_write_ask_for_help_or_are_wrong_are_never_kept(repo, argv):
    assert warm.question(["--repo", str(repo), *argv]) is None


def test_a_terminal_is_answered_from_the_answers_kept_for_kq_due_alone(repo, monkeypatch):
    assert warm.question(["--repo", str(repo), "score"]) is not None
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert warm.question(["--repo", str(repo), "score"]) is None
    assert warm.question(["--repo", str(repo), "due"]).terminal


# -- the terminal page (stdout a pseudo-terminal) ----------------------------------------------

def kq_in_terminal(root: Path, *args: str, env: dict[str, str] | None = None,
                   size: tuple[int, int] = (50, 160)) -> ProbeRun:
    """``kq --repo ROOT ARGS`` with stdout a pseudo-terminal of ``size`` (lines, columns) and no
    pager (``KQ_PAGER=cat``) unless ``env`` says otherwise; ``stdout``: what the terminal got."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios
    import threading

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # every writer closed its end
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run([*probe_argv(), "--repo", str(root), *args],
                              stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE,
                              env=probe_environment({"TERM": "xterm-256color", "KQ_PAGER": "cat",
                                                     **(env or {})}),
                              check=False, timeout=120)
    finally:
        os.close(follower)
        reader.join(10)
        os.close(leader)
    done.stdout = b"".join(chunks)
    return ProbeRun(done)


def test_a_terminal_page_asked_again_is_answered_from_the_answers_kept(repo):
    """The first run brings the index up to date, the second is kept, the third is answered
    without the command line: the same bytes, colours and all."""
    runs = [kq_in_terminal(repo, *DAY, "due") for _ in range(3)]
    assert [r.path for r in runs] == ["full", "full", "warm"]
    assert runs[1].stdout == runs[2].stdout and runs[1].code == runs[2].code
    assert b"\x1b[" in runs[2].stdout


@pytest.mark.parametrize("change", [
    {"size": (30, 100)},
    {"env": {"NO_COLOR": "1"}},
    {"env": {"TERM": "dumb"}},
    {"env": {"KQ_LANG": "en"}},
    {"env": {"KQ_PAGER": ""}},
])
def test_a_terminal_page_is_kept_for_its_size_colours_language_and_pager(repo, change):
    for _ in range(2):
        kept = kq_in_terminal(repo, *DAY, "due")
    other = kq_in_terminal(repo, *DAY, "due", **change)
    assert other.path == "full"
    assert kq_in_terminal(repo, *DAY, "due", **change).stdout == other.stdout
    assert kq_in_terminal(repo, *DAY, "due").path == "warm"
    if "KQ_PAGER" not in change.get("env", {}):
        assert other.stdout != kept.stdout


def test_a_changed_customer_file_gives_a_fresh_terminal_page(repo):
    for _ in range(2):
        before = kq_in_terminal(repo, *DAY, "due", "--owner", "李明")
    path = repo / "customers" / "hx-renmin.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: ", "name: 改名", 1), encoding="utf-8")
    after = kq_in_terminal(repo, *DAY, "due", "--owner", "李明")
    assert after.path == "full"
    assert "改名华信" in after.stdout.decode() and "改名" not in before.stdout.decode()


def test_a_terminal_page_is_the_full_commands_page(repo):
    """The page answered from what was kept is byte for byte the page of a run that could not
    use it (a fresh index)."""
    import shutil

    for _ in range(2):
        kq_in_terminal(repo, *DAY, "due", "--within", "7")
    kept = kq_in_terminal(repo, *DAY, "due", "--within", "7")
    shutil.rmtree(repo / ".kq")
    fresh = kq_in_terminal(repo, *DAY, "due", "--within", "7")
    assert (kept.path, fresh.path) == ("warm", "full")
    assert kept.stdout == fresh.stdout


def test_a_terminal_page_that_went_to_the_pager_is_handed_to_the_pager_again(repo):
    """A page taller than the terminal goes to the pager (here one that marks each line): kept
    as the pager got it, and answered through the pager."""
    pager = {"KQ_PAGER": "sed s/^/P:/"}
    runs = [kq_in_terminal(repo, *DAY, "due", env=pager, size=(12, 160)) for _ in range(3)]
    assert [r.path for r in runs] == ["full", "full", "warm"]
    assert runs[1].stdout == runs[2].stdout
    assert all(line.startswith(b"P:") for line in runs[2].stdout.splitlines())


def test_json_in_a_terminal_is_not_built_from_the_agenda(repo):
    """A terminal's JSON is indented for a person: the agenda's compact rows are for pipes."""
    for _ in range(2):
        piped = kq(repo, *DAY, "due", "--format", "json")
    shown = kq_in_terminal(repo, *DAY, "due", "--format", "json")
    assert shown.path == "full" and shown.stdout != piped.stdout
    assert kq_in_terminal(repo, *DAY, "due", "--format", "json").stdout == shown.stdout


def test_parse_reads_the_options_as_click_does(repo):
    q = warm.question(["--today=2026-11-24", "--no-pager", "--repo", str(repo), "--lang", "en",
                       "due", "-f", "json", "--reason", "visit", "--reason=route", "-w", "7",
                       "--owner", "a", "--owner", "李明"])
    assert q is not None and (q.command, q.today.isoformat()) == ("due", "2026-11-24")
    request = warm.parse_due(q.rest)
    assert request is not None
    assert (request.format, request.reason, request.within, request.owner) == (
        "json", ["visit", "route"], "7", "李明")


@pytest.mark.parametrize(("text", "ok"), [
    ("2026-11-24", True), (" 2026-11-24 ", True), ("2026-02-30", False), ("2026-1-24", False),
    ("１９９９-01-01", False), ("1899-12-31", False), ("2200-01-01", False), ("tomorrow", False),
])
def test_today_is_checked_as_the_full_command_checks_it(text, ok):
    assert (warm._today(text) is not None) is ok


def test_a_file_written_within_two_seconds_is_never_trusted(tmp_path):
    """The index stores such a file's signature as "racy"; equal text is not a match."""
    folder = tmp_path / "customers"
    folder.mkdir()
    (folder / "a.yaml").write_text("name: 甲\n", encoding="utf-8")
    stored = {"a": files.signature(str(folder / "a.yaml"), 1000)}
    assert stored == {"a": "racy"}
    assert not files.unchanged(str(folder), stored, 1000)


def test_unchanged_compares_every_file_and_the_count(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "RACY_NS", 0)
    folder = tmp_path / "customers"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(f"name: {name}\n", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("x\n", encoding="utf-8")
    (folder / "notes.txt").write_text("x\n", encoding="utf-8")
    stored = {i: sig for i, (_, sig) in files.scan(str(folder), 1000)[0].items()}
    assert files.unchanged(str(folder), stored, 1000)
    assert not files.unchanged(str(folder), {**stored, "c": stored["a"]}, 1000)  # c is gone
    assert not files.unchanged(str(folder), {"a": stored["a"]}, 1000)  # b is new
    assert not files.unchanged(str(folder), stored, 5)  # now over the size cap
    (folder / "b.yaml").write_text("name: bb\n", encoding="utf-8")
    assert not files.unchanged(str(folder), stored, 1000)


def test_a_warm_check_s_scan_is_handed_to_the_next_scan_once(tmp_path, monkeypatch):
    """The warm check's scan is the index refresh's scan (one lstat per file, not two), and
    only once: a later scan looks again."""
    monkeypatch.setattr(files, "RACY_NS", 0)
    folder = tmp_path / "customers"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(f"name: {name}\n", encoding="utf-8")
    stored = {i: sig for i, (_, sig) in files.scan(str(folder), 1000)[0].items()}
    assert files.unchanged(str(folder), stored, 1000)  # handed when nothing changed too
    (folder / "b.yaml").unlink()
    assert files.scan(str(folder), 1000)[0].keys() == {"a", "b"}  # the check's scan
    assert files.scan(str(folder), 1000)[0].keys() == {"a"}
    assert not files.unchanged(str(folder), stored, 1000)
    (folder / "a.yaml").unlink()  # after the check: this run's refresh does not see it
    assert files.scan(str(folder), 5)[0].keys() == set()  # another size cap: a scan of its own
    assert not files.unchanged(str(folder), stored, 1000)
    assert files.scan(str(folder), 1000)[0].keys() == set()  # (the check scanned afresh)
    (folder / "c.yaml").write_text("name: c\n", encoding="utf-8")
    assert not files.unchanged(str(folder), stored, 1000)
    (folder / "c.yaml").unlink()
    assert files.scan(str(folder), 1000)[0].keys() == {"c"}  # the check's scan, handed
    assert files.scan(str(folder), 1000)[0].keys() == set()  # once


def test_a_full_run_that_refreshed_the_index_keeps_its_answer(repo):
    """The run after a change brings the index up to date itself; no other process changed it,
    so its answer is kept and the next run is warm."""
    args = [*DAY, "score", "--format", "json"]
    kq(repo, *args)
    path = repo / "customers" / "hx-renmin.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 改\n", encoding="utf-8")
    after = kq(repo, *args)
    again = kq(repo, *args)
    assert (after.path, again.path) == ("full", "warm")
    assert again.stdout == after.stdout


def test_after_kq_log_the_next_kq_due_validates_nothing(repo):
    """kq log indexes the file it wrote; kq due then works out that one customer's reminders
    again, without importing pydantic to validate the file a second time."""
    args = [*DAY, "due", "--format", "json"]
    kq(repo, *args)
    customer = json.loads(kq(repo, *args).stdout)[0]["customer"]
    logged = kq(repo, *DAY, "log", customer, "--kind", "call", "--note", "问候")
    assert logged.code == 0, logged.stderr
    after = kq(repo, *args)
    assert (after.path, after.validated) == ("full", False)
    assert after.stdout != b"" and kq(repo, *args).path == "warm"


def test_the_console_script_knows_which_commands_have_answers_kept():
    from kqcli.cli import run

    assert set(run.CACHED) == warm.CACHED
