"""The code stamp: what kept rows (index, agenda, cards, kept answers) rest on besides the files.

A change to any of kq's modules must make kq work its answers out again, not only a change to a
list of modules someone thought the rows depend on (``core/intel.py`` was missing from it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kqcli"
ASK = "import kqcli.store.stamp as s; print(s.package_stamp()); print(s.code_stamp())"


def stamps(root: Path, cwd: Path | None = None, pythonpath: str | None = None) -> list[str]:
    env = {**os.environ, "PYTHONPATH": pythonpath if pythonpath is not None else str(root)}
    done = subprocess.run([sys.executable, "-c", ASK], capture_output=True, text=True, env=env,
                          cwd=cwd or root, check=True)
    return done.stdout.splitlines()


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "kqcli", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize("module", ["core/intel.py", "core/due.py", "cli/labels.py",
                                    "cli/commands/show.py", "store/index.py", "schema/enums.py"])
def test_a_change_to_any_module_changes_both_stamps(package_copy: Path, module: str):
    before = stamps(package_copy)
    path = package_copy / "kqcli" / module
    later = time.time_ns() + 3_600_000_000_000  # newer than every other file
    os.utime(path, ns=(later, later))
    after = stamps(package_copy)
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_the_index_is_stamped_with_the_whole_package(monkeypatch):
    from kqcli.store.index import Index

    monkeypatch.setattr("kqcli.store.index.code_stamp", lambda: "the code of today")
    assert Index._stamp().endswith("/the code of today")


def test_the_working_folder_is_not_part_of_the_stamp(package_copy: Path, tmp_path: Path):
    """An empty PYTHONPATH entry is the working folder: kq's answers do not depend on it."""
    first, elsewhere = tmp_path / "first", tmp_path / "elsewhere"
    first.mkdir()
    elsewhere.mkdir()
    here = stamps(package_copy, cwd=first, pythonpath=f"{package_copy}{os.pathsep}")
    there = stamps(package_copy, cwd=elsewhere, pythonpath=f"{package_copy}{os.pathsep}")
    (elsewhere / "new").write_text("a file changes the folder's mtime")
    again = stamps(package_copy, cwd=elsewhere, pythonpath=f"{package_copy}{os.pathsep}")
    assert here[1] == there[1] == again[1]
