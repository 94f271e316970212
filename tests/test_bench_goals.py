"""bench/run.py --goals keeps working: issue 28's goal table, measured on a tiny generated
repository with one round (the figures mean nothing at this size; the rows must all be there)."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
KQ = Path(sys.executable).parent / "kq"
_spec = importlib.util.spec_from_file_location("kq_bench_run", PROJECT / "bench" / "run.py")
run = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("kq_bench_run", run)  # its dataclasses look their module up
_spec.loader.exec_module(run)


def test_goal_rows_of_sizes_not_run_say_not_run():
    table = run.issue28_table({})
    rows = [line for line in table.splitlines() if line.startswith("| ") and "path" not in line]
    assert len(rows) == sum(len(goal.sizes) for goal in run.GOALS)
    assert all(row.endswith("| not run |") for row in rows)
    assert "| `.kq/` vs `customers/`, 100,000 | not run | | | ≤ 1× | not run |" in rows


@pytest.mark.skipif(shutil.which("task") is None, reason="taskwarrior (task) is not installed")
@pytest.mark.skipif(not KQ.exists(), reason="no kq launcher next to this Python")
def test_goals_measure_every_row_on_a_tiny_repository(tmp_path, monkeypatch, request):
    monkeypatch.setattr(run, "OUT", tmp_path)
    monkeypatch.setenv("KQ_TEST_RACY_MS", "100")  # kq's racy window, and the bench's wait for it
    sockets = Path(tempfile.mkdtemp(prefix="kqs-", dir="/tmp"))  # short: a socket's path is
    request.addfinalizer(lambda: shutil.rmtree(sockets, ignore_errors=True))  # ≤ 108 bytes
    monkeypatch.setattr(run, "SERVERS", sockets)
    sockets.chmod(0o700)
    args = argparse.Namespace(pairs=1, timeout=60.0, interactions=2, seed=1, keep=False,
                              task=run.ensure_taskwarrior())
    figures = run.run_issue28(str(KQ), [12], args)
    table = run.issue28_table(figures, every=12)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "path" not in line]
    assert len(rows) == len(run.GOALS)
    assert all(row.endswith(("| yes |", "| **no** |")) for row in rows), table
