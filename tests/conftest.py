"""Shared fixtures: tiny repositories written from literal YAML, and the CLI runner."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kqcli.cli.app import app
from kqcli.store.context import begin


@pytest.fixture(autouse=True)
def own_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's and the system's git settings (hooksPath, signing) out of every test."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


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
