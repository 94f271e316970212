"""Shared fixtures: tiny repositories written from literal YAML, and the CLI runner."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kqcli.cli.app import app
from kqcli.store.context import begin


def pytest_configure(config: pytest.Config) -> None:
    """kq's bytecode, compiled as an installed kq has it (once, before any worker starts): the
    suite starts kq in a process of its own thousands of times, and where
    ``PYTHONDONTWRITEBYTECODE`` is set (as on the machines that run CI) no bytecode was ever
    written, so each of those processes compiled every module it imported again (~80 ms)."""
    import compileall

    import kqcli

    if not hasattr(config, "workerinput"):  # (pytest-xdist's workers start after this)
        compileall.compile_dir(Path(kqcli.__file__).parent, quiet=1)


@pytest.hookimpl(wrapper=True, optionalhook=True)  # (optional: a run with -p no:xdist)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> Generator[None, int, int]:
    """``-n auto`` (pyproject.toml): one worker more than xdist counts cores (unless
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` says how many). The workers wait for the kq and git
    processes they start: with two on 2 cores the CPU stood idle ~13 % of the run, and a third
    worker fills those waits (whole runs alternated on 2 cores: 188, 201 and 218 s with three
    workers against 198, 210 and 233 s with two; four were slower again)."""
    cores = yield  # xdist's own count
    return cores if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") else cores + 1


@pytest.fixture(autouse=True)
def own_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's and the system's git settings (hooksPath, signing) out of every test."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture(scope="session", autouse=True)
def own_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What kq leaves in the temporary folder (the locks of a repository whose .kq cannot be
    written, ``kq-locks-*``), in this process and in the kq processes tests start, goes to a
    folder of the suite's own, removed at the end, not to the machine's /tmp. A short path
    beside pytest's own folders (made first): a browser's socket in it must fit in a Unix
    socket's 108 bytes."""
    tmp_path_factory.getbasetemp()
    folder = tempfile.mkdtemp(prefix="kq-tests-")
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("TMPDIR", folder)
            mp.setattr(tempfile, "tempdir", folder)
            yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KQ_REPO", "KQ_TODAY", "VISUAL", "EDITOR", "KQ_SERVER_DIR", "KQ_CLOCK", "KQ_LANG",
                 "LC_ALL", "LC_MESSAGES", "LANGUAGE", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    # The language follows the locale (en_* is English): the suite's default is Chinese, as a
    # rep's, whatever the machine running it says.
    monkeypatch.setenv("LANG", "C.UTF-8")
    # Each test starts a run of its own: nothing of another test's (--lang, kq.yaml's lang, a
    # scan handed on) leaks into it.
    begin()
    # .ci/run runs the tests that read the wall clock again as if on other days (see
    # kqcli/store/clock.py): no test may depend on the day it runs.
    if os.environ.get("KQ_TEST_CLOCK"):
        monkeypatch.setenv("KQ_CLOCK", os.environ["KQ_TEST_CLOCK"])
    # kq in a subprocess runs the command itself: no server left behind by the suite
    # (tests/test_server.py turns it on with a folder of its own).
    monkeypatch.setenv("KQ_SERVER", "0")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "测试")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "测试")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.com")


PORTABLE_TOO: dict[str, tuple[str, ...] | str] = {
    "test_log": ("test_log_changes_only_the_appended_lines", "test_crlf_file_keeps_crlf_on_every_line",
                 "test_log_commit_touches_only_the_customer_file",
                 "test_concurrent_logs_on_one_customer_all_land_and_commit",
                 "test_concurrent_logs_land_while_git_commits_another_file",
                 "test_log_waits_for_a_locked_index"),
    "test_due": ("test_due_json_keys_and_fail_on_overdue",
                 "test_festival_rows_are_grouped_per_rep_in_the_table"),
    "test_edit": ("test_valid_edit_is_committed_naming_the_customer_and_the_field",
                  "test_editing_a_crlf_file_changes_only_the_edited_line",
                  "test_file_changed_on_disk_while_editing_is_not_overwritten",
                  "test_new_customer_is_committed"),
    "test_done": ("test_done_closes_the_oldest_open_step_and_changes_only_that_line",),
    "test_sync": ("test_changes_to_different_customers_reach_both_clones",
                  "test_same_field_changed_two_ways_stops_sync_with_exit_1"),
    "test_import": ("test_apply_writes_every_good_row_in_one_commit",
                    "test_apply_updates_an_existing_customer_byte_preserving"),
    "test_commands": ("test_a_new_repository_checks_clean", "test_check_with_files_checks_only_those"),
    "test_locks": "all",
    "test_history": ("test_undo_waits_for_a_kq_write_in_progress",),
}
"""The CLI tests that run twice, as on Linux and under ``KQ_PORTABLE=1`` (as on Windows, see
kqcli/store/platform.py): a representative subset of log, due, edit, done, sync, import and
check, and every lock test. ``KQ_TEST_PORTABLE=1`` runs the whole suite portable instead."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "kq_platform" not in metafunc.fixturenames or os.environ.get("KQ_TEST_PORTABLE"):
        return
    chosen = PORTABLE_TOO.get(metafunc.module.__name__.rpartition(".")[2], ())
    if chosen == "all" or metafunc.function.__name__ in chosen:
        metafunc.parametrize("kq_platform", ["native", "portable"], indirect=True)


@pytest.fixture(autouse=True)
def kq_platform(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``native`` or ``portable`` (KQ_PORTABLE=1, inherited by the kq processes a test starts)."""
    mode = getattr(request, "param", "portable" if os.environ.get("KQ_TEST_PORTABLE") else "native")
    if mode == "portable":
        monkeypatch.setenv("KQ_PORTABLE", "1")
    else:
        monkeypatch.delenv("KQ_PORTABLE", raising=False)
    return mode


# The files that cost the most (CPU seconds on 2 cores, measured 2026-12-07 with
# `pytest -n0` per file: mostly kq and git in processes of their own), heaviest first. pytest-
# xdist hands whole files (--dist loadfile) to its workers in the order collected
# (--no-loadscope-reorder in pyproject.toml: its own order, by number of tests, put these
# few-test files last, so that one worker ran the slowest file alone at the end); the rest
# follow in their usual order. A new slow file belongs here.
HEAVIEST_FIRST = (
    "test_warm_edges", "test_sync", "test_warm", "test_server", "test_git_reliability",
    "test_log", "test_error_paths", "test_completion", "test_language_everywhere",
    "test_reliability", "test_agenda", "test_agenda_notes", "test_tabletext",
    "test_bench_goals", "test_excel", "test_me", "test_commands", "test_layers", "test_history",
    "test_report_html", "test_encodings", "test_index_reliability", "test_cache_bounds",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of :data:`HEAVIEST_FIRST` first, in its order; each file's tests together and
    in their own order."""
    rank = {name: n for n, name in enumerate(HEAVIEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """``make_repo({"hx": "name: 华信"}, kq_yaml="reps: []")`` -> the repository's root."""

    def make(customers: dict[str, str | bytes], kq_yaml: str = "", root: Path | None = None) -> Path:
        root = root or tmp_path / "repo"
        (root / "customers").mkdir(parents=True, exist_ok=True)
        (root / "kq.yaml").write_text(textwrap.dedent(kq_yaml), encoding="utf-8")
        for cid, text in customers.items():
            path = root / "customers" / f"{cid}.yaml"
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture
def kq() -> Callable[..., object]:
    """Run the CLI in-process: ``kq("--repo", root, "list", "--format", "json")``."""
    runner = CliRunner()

    def invoke(*args: object, input: str | None = None) -> object:
        begin()  # a run of its own, as a console script's is
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def git_repo(make_repo: Callable[..., Path]) -> Callable[..., Path]:
    """``git_repo({"hx": "name: 华信"})`` -> a repository committed once with real git."""
    from helpers import commit_all

    def make(customers: dict[str, str | bytes], kq_yaml: str = "") -> Path:
        root = make_repo(customers, kq_yaml=kq_yaml)
        commit_all(root)
        return root

    return make


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A copy of examples/ (without its .kq) to change or to index."""
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", root,
                    ignore=shutil.ignore_patterns(".kq"))
    return root
