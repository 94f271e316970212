"""Consoles and locales that are not UTF-8 (Windows' GBK console, chcp 936; a C locale): kq's
files and git's text are UTF-8 whatever the locale says, and what a console cannot show is
one line saying why, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import git

HX = "name: 华信大药房\nkind: terminal\nowner: 李明\n"
NOT_UTF8 = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}


def run(root, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(root), "--today",
                           "2026-11-24", *args], capture_output=True, timeout=120,
                          env={**os.environ, "KQ_SERVER": "0", **env})


def test_a_log_under_a_c_locale_commits_the_chinese_name_in_utf8(git_repo):
    """The locale's encoding is ASCII there: git's arguments and output are UTF-8 all the
    same (they were encoded for the locale: '华信大药房' could not be printed, nothing logged)."""
    root = git_repo({"hx": HX})
    done = run(root, "log", "hx", "--goal", "samples", "--outcome", "ok",
               **NOT_UTF8, PYTHONIOENCODING="utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert git(root, "log", "-1", "--format=%s").startswith("log: 华信大药房 visit 2026-11-24")
    assert (root / "customers" / "hx.yaml").read_text(encoding="utf-8").startswith(HX)


def test_history_under_a_c_locale_reads_git_as_utf8(git_repo):
    root = git_repo({"hx": HX})
    assert run(root, "log", "hx", "--goal", "samples", "--outcome", "ok").returncode == 0
    done = run(root, "history", "hx", **NOT_UTF8, PYTHONIOENCODING="utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "测试" in done.stdout.decode("utf-8")  # the author, as git wrote it


def test_customer_files_are_read_as_utf8_under_a_c_locale(make_repo):
    root = make_repo({"hx": HX})
    done = run(root, "list", "--format", "csv", **NOT_UTF8, PYTHONIOENCODING="utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "华信大药房" in done.stdout.decode("utf-8")


def test_a_gbk_console_gets_the_chinese_in_gbk(make_repo):
    root = make_repo({"hx": HX})
    done = run(root, "list", "--format", "csv", PYTHONIOENCODING="gbk")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "华信大药房" in done.stdout.decode("gbk")


def test_on_a_gbk_console_what_gbk_lacks_becomes_a_question_mark(make_repo):
    """An emoji in a customer's name stopped the whole list on a GBK console."""
    root = make_repo({"hx": HX.replace("华信", "华信😀")})
    for _ in range(2):  # worked out, then answered again from what was kept
        done = run(root, "list", "--format", "csv", PYTHONIOENCODING="gbk")
        assert done.returncode == 0, done.stderr.decode("gbk", "replace")
        assert "华信?大药房" in done.stdout.decode("gbk")


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_what_the_console_cannot_encode_is_one_line_not_a_traceback(make_repo, encoding):
    """Chinese on a Western or ASCII console: nothing readable could be printed."""
    root = make_repo({"hx": HX.replace("华信", "华信😀")})
    done = run(root, "list", PYTHONIOENCODING=encoding)
    err = done.stderr.decode(encoding, "replace")
    assert done.returncode != 0
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "PYTHONIOENCODING=utf-8" in err
