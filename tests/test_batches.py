"""A big run works in batches (kqcli.store.pool.BATCH): the first index and the agenda of a
national company's 100,000 customers hold one batch in memory, each batch is written in a
transaction of its own, and what they list is what one batch lists."""

from __future__ import annotations

import json
import shutil

import pytest

from kqcli.store import index as index_module
from kqcli.store import pool
from kqcli.store.index import Index

DAY = ("--today", "2026-11-24")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(pool, "BATCH", 5)
    return 5


def test_batches_list_and_score_what_one_batch_does(kq, examples_copy, tmp_path, monkeypatch):
    other = tmp_path / "other"
    shutil.copytree(examples_copy, other)
    asked = [("due", "--all", "--format", "json"), ("score", "--format", "json"),
             ("team", "--format", "json")]
    whole = [kq("--repo", other, *DAY, *a).stdout for a in asked]
    monkeypatch.setattr(pool, "BATCH", 5)
    batched = [kq("--repo", examples_copy, *DAY, *a).stdout for a in asked]
    assert batched == whole
    assert len(json.loads(whole[0])) > 40


def test_an_interrupted_first_index_keeps_the_batches_it_wrote(examples_copy, small_batches,
                                                              monkeypatch):
    real = index_module.parse_file
    parsed: list[str] = []

    def stopped_at_the_twelfth(path, *args, **kwargs):
        if len(parsed) == 11:
            raise KeyboardInterrupt
        parsed.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(index_module, "parse_file", stopped_at_the_twelfth)
    with pytest.raises(KeyboardInterrupt):
        Index(examples_copy).refresh()
    assert Index(examples_copy).count() == 10  # two batches written, the third not
    parsed.clear()
    monkeypatch.setattr(index_module, "parse_file", lambda path, *a, **k: (
        parsed.append(path), real(path, *a, **k))[1])
    index = Index(examples_copy)
    index.refresh()
    files = len(list((examples_copy / "customers").glob("*.yaml")))
    assert (index.count(), len(parsed)) == (files, files - 10)


def test_the_agenda_of_many_customers_is_written_batch_by_batch(kq, examples_copy,
                                                               small_batches, monkeypatch):
    from kqcli.store import agenda

    writes: list[int] = []
    real = agenda._store
    monkeypatch.setattr(agenda, "_store", lambda index, read, evaluated, t, key: (
        writes.append(len(read)), real(index, read, evaluated, t, key))[1])
    assert kq("--repo", examples_copy, *DAY, "due", "--format", "json").exit_code in (0, 1)
    files = len(list((examples_copy / "customers").glob("*.yaml")))
    assert writes == [5] * (files // 5) + ([files % 5] if files % 5 else [])
