"""Every command, where things around kq go wrong (an empty repository, no git repository, no
git at all, no kq repository): a one-line message and exit 0, 1 or 2, never a traceback.

The commands are listed from the Typer app, so a new command is covered without touching this
file; a new required argument needs a plausible value in VALUES, or the listing test fails."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from kqcli.cli.app import app

HX = "name: 华信大药房\ntier: key\ncontacts:\n  - {name: 王芳}\n"


def _leaves(command: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    sub = getattr(command, "commands", None)
    if not sub:
        return [(path, command)]
    return [leaf for name, c in sorted(sub.items()) for leaf in _leaves(c, (*path, name))]


COMMANDS = _leaves(get_command(app))


def _values(folder: Path) -> dict[str, str]:
    """A plausible value for each required argument or option, by its parameter name."""
    (folder / "sheet.csv").write_text("客户名称,月份\n华信大药房,2026-11\n", encoding="utf-8")
    for name in ("base", "ours", "theirs"):
        (folder / f"{name}.yaml").write_text(HX, encoding="utf-8")
    return {
        "customer": "hx", "month": "2026-11", "amount": "100", "purpose": "gift",
        "name": "新开药店", "output": str(folder / "out.ics"), "file": str(folder / "sheet.csv"),
        "base": str(folder / "base.yaml"), "ours": str(folder / "ours.yaml"),
        "theirs": str(folder / "theirs.yaml"), "source": "李明", "to": "张强", "shell": "bash",
        "reason": "risk", "rep": "李明", "role": "clerk", "by": "周敏",
    }


def _argv(path: tuple[str, ...], command: object, values: dict[str, str]) -> list[str]:
    args, options = [], []
    for param in command.params:  # type: ignore[attr-defined]
        if not param.required:
            continue
        if param.param_type_name == "argument":
            args.append(values[param.name])
        else:
            options += [param.opts[0], values[param.name]]
    return [*path, *options, "--", *args] if args else [*path, *options]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _init(folder: Path) -> Path:
    result = CliRunner().invoke(app, ["init", str(folder / "repo")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "repo"


_MADE: dict[str, Path] = {}


def _copy_of(make: Callable[[Path], Path], folder: Path) -> Path:
    """``make(folder)``'s repository, made once in this process (in a folder of its own,
    removed at exit) and copied into ``folder`` (.git and .kq too) for each test: a commit in
    a repository kq init made runs kq's pre-commit hook, a Python of its own (~0.25 s CPU for
    each of the 48 git_missing runs here and of test_language_everywhere's 96)."""
    if make.__name__ not in _MADE:
        place = Path(tempfile.mkdtemp(prefix=f"kq-{make.__name__}-"))
        atexit.register(shutil.rmtree, place, ignore_errors=True)
        _MADE[make.__name__] = make(place)
    made = _MADE[make.__name__]
    return Path(shutil.copytree(made, folder / made.name, symlinks=True))


def empty_repository(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _copy_of(_init, folder)


def not_under_git(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = folder / "repo"
    (root / "customers").mkdir(parents=True)
    (root / "kq.yaml").write_text("", encoding="utf-8")
    (root / "customers" / "hx.yaml").write_text(HX, encoding="utf-8")
    return root


def _committed(folder: Path) -> Path:
    root = _init(folder)
    (root / "customers" / "hx.yaml").write_text(HX, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "华信")
    return root


def git_missing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _copy_of(_committed, folder)
    empty_bin = folder / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    return root


def no_repository(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (folder / "plain").mkdir()
    return folder / "plain"


SCENARIOS = [empty_repository, not_under_git, git_missing, no_repository]


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[Path, dict]]:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c pass")
    monkeypatch.setenv("KQ_TODAY", "2026-11-24")

    def make(scenario: Callable[..., Path]) -> tuple[Path, dict[str, str]]:
        values = _values(tmp_path)
        root = scenario(tmp_path, monkeypatch)
        monkeypatch.chdir(root)
        return root, values

    return make


def test_the_app_lists_every_command_and_each_required_value_is_known(tmp_path):
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "history", "sync", "log", "import customers", "merge-driver"} <= names
    values = _values(tmp_path)
    for path, command in COMMANDS:
        _argv(path, command, values)  # a KeyError names the parameter VALUES lacks


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_ends_in_a_message_not_a_traceback(place, scenario, path, command):
    root, values = place(scenario)
    result = CliRunner().invoke(app, _argv(path, command, values), input="", env=dict(os.environ))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code:
        assert result.stderr.splitlines()[-1].startswith("kq: "), result.stderr


def test_history_in_a_repository_without_commits_is_one_line_and_exit_1(tmp_path, kq, monkeypatch):
    root = not_under_git(tmp_path, monkeypatch)
    _git(root, "init", "-q")  # kq init commits what it creates: git init alone has no commit
    result = kq("--repo", root, "history")
    assert result.exit_code == 1
    assert result.stderr.startswith("kq: git log 失败: ")
    assert result.stderr.count("\n") == 1


def test_a_git_failure_inside_a_command_is_one_line_and_exit_1(make_repo, kq, monkeypatch):
    from kqcli.store import gitlog

    def broken(root: Path) -> bool:
        raise subprocess.CalledProcessError(128, ["git", "-C", str(root), "rev-parse"],
                                            stderr="fatal: unsafe repository\n")

    monkeypatch.setattr(gitlog, "is_work_tree", broken)
    result = kq("--repo", make_repo({"hx": HX}), "--lang", "en", "history")
    assert (result.exit_code, result.stderr) == (1, "kq: git rev-parse failed: fatal: unsafe repository\n")


def test_an_index_failure_inside_a_command_is_one_line_and_exit_1(make_repo, kq, monkeypatch):
    import sqlite3

    from kqcli.store.index import Index

    def locked(self: Index) -> list:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Index, "names", locked)
    result = kq("--repo", make_repo({"hx": HX}), "--lang", "en", "show", "hx")
    assert (result.exit_code, result.stderr) == (
        1, "kq: the index in .kq failed (database is locked); try again, or delete the .kq folder "
           "and kq rebuilds it\n")


# --- the translation of failures, directly -------------------------------------------------


def test_git_failing_is_named_by_its_subcommand_and_last_stderr_line():
    from kqcli.store.errors import failure

    error = subprocess.CalledProcessError(128, ["git", "-c", "core.quotePath=false", "-C", "/r",
                                                "commit", "-q"],
                                          stderr="hint: x\nfatal: unable to write index\n")
    found = failure(error)
    assert (found.message, found.code) == ("git commit failed: fatal: unable to write index", 1)


def test_git_failing_silently_gives_its_exit_status():
    from kqcli.store.errors import failure

    found = failure(subprocess.CalledProcessError(1, ["git", "-C", "/r", "push"], stderr=b""))
    assert found.message == "git push failed: exit 1"


def test_git_not_on_path_is_one_line():
    from kqcli.store.errors import failure

    error = FileNotFoundError(2, "No such file or directory", "git")
    assert failure(error).message == "this needs git, which is not installed (not found on PATH)"


def test_a_file_kq_cannot_write_is_named():
    from kqcli.store.errors import failure

    error = PermissionError(13, "Permission denied", "customers/hx.yaml")
    assert failure(error).message == "customers/hx.yaml: Permission denied"


def test_a_broken_index_says_how_to_rebuild_it():
    import sqlite3

    from kqcli.store.errors import failure

    assert failure(sqlite3.DatabaseError("database disk image is malformed")).message == (
        "the index in .kq failed (database disk image is malformed); try again, or delete the "
        ".kq folder and kq rebuilds it")


def test_a_runtime_error_from_gitlog_is_a_message():
    from kqcli.store import gitlog
    from kqcli.store.errors import failure

    with pytest.raises(RuntimeError) as caught:
        exec("raise RuntimeError('fatal: bad revision')", vars(gitlog).copy())
    assert failure(caught.value).message == "git: fatal: bad revision"


def test_a_runtime_error_elsewhere_is_a_bug_and_keeps_its_traceback():
    from kqcli.store.errors import failure

    assert failure(RuntimeError("boom")) is None
    assert failure(ValueError("boom")) is None


def test_friendly_lets_a_bug_through():
    from kqcli.cli.commands import friendly

    @friendly
    def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        broken()


# --- domain errors: the core names fields, the command names options -----------------------


def test_a_core_field_is_named_as_the_option_the_user_typed():
    from kqcli.cli.commands import option_for
    from kqcli.core.errors import InvalidValue

    error = InvalidValue("'x' is not a date; write YYYY-MM-DD", "next_date")
    assert error.describe(option_for) == "--next-date: 'x' is not a date; write YYYY-MM-DD"


def test_the_core_error_alone_speaks_of_fields():
    from kqcli.core.errors import InvalidValue

    assert str(InvalidValue("'vip' is not a tier", "tier")) == "tier: 'vip' is not a tier"


def test_fields_that_go_together_are_both_named():
    from kqcli.cli.commands import option_for
    from kqcli.core.errors import GoTogether

    assert GoTogether("next_date", "next_action").describe(option_for) == (
        "--next-date and --next-action go together")


def test_parse_day_raises_a_domain_error_for_its_field():
    from kqcli.core.errors import InvalidValue
    from kqcli.core.interaction import parse_day

    with pytest.raises(InvalidValue) as caught:
        parse_day("2026-13-01", "date")
    assert (caught.value.field, caught.value.code) == ("date", 2)


def test_a_list_filter_typo_names_the_option(make_repo, kq):
    root = make_repo({"hx": HX})
    result = kq("--repo", root, "--lang", "en", "list", "--kind", "shop")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("kq: --kind: 'shop' is not one of distributor")
