"""Scorecards kept in the index (kqcli.store.cards, issue 11): ``kq score`` reads each customer's card
from the index, worked out once per file, settings and month, and answers exactly what
scoring every customer afresh answers."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from kqcli.core import scoring
from kqcli.store import cards, files
from kqcli.store.repo import Repo

PROJECT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("kq_bench_generate_cards",
                                               PROJECT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)  # type: ignore[union-attr]
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "RACY_NS", 0)


@pytest.fixture
def repo_root(examples_copy: Path) -> Path:
    return examples_copy


def afresh(root: Path, month: str, owner: str | None = None) -> list[dict]:
    repo = Repo(root, TODAY)
    rows = [(s, f) for s, f in repo.index.ledgers() if not owner or s.get("owner") == owner]
    return scoring.scorecards(rows, repo.settings, month)


def kept(root: Path, month: str, owner: str | None = None) -> list[dict]:
    return cards.scorecards(Repo(root, TODAY), month, owner)


def worked_out(root: Path) -> int:
    db = Repo(root, TODAY).index.db
    return db.execute("select count(*) from cards").fetchone()[0]


@pytest.mark.parametrize("month", ["2026-09", "2026-10", "2026-11"])
def test_examples_agree_with_scoring_every_customer(repo_root, month):
    assert kept(repo_root, month) == afresh(repo_root, month)
    assert kept(repo_root, month) == afresh(repo_root, month)  # now from the index
    assert kept(repo_root, month, "李明") == afresh(repo_root, month, "李明")


def test_a_generated_repository_agrees(tmp_path):
    root = tmp_path / "big"
    generate.generate(root, 80, 40, 3)
    for month in ("2026-10", "2026-11", "2026-10"):
        assert json.dumps(kept(root, month)) == json.dumps(afresh(root, month)), month


def team_totals(cards_by_owner: list[dict]) -> list[dict]:
    """What kq team reads of each rep's scorecard."""
    return [{k: c[k] for k in ("owner", "total", "change")} for c in cards_by_owner]


@pytest.mark.parametrize("month", ["2026-10", "2026-11"])
def test_team_totals_from_the_cards_columns_are_by_owners(repo_root, month):
    truth = team_totals(scoring.by_owner(afresh(repo_root, month)))
    assert len(truth) > 2
    assert cards.owner_totals(Repo(repo_root, TODAY), month) == truth  # worked out now
    assert worked_out(repo_root) > 0
    assert cards.owner_totals(Repo(repo_root, TODAY), month) == truth  # from the columns


def test_team_totals_of_a_generated_repository_are_by_owners_to_the_last_bit(tmp_path):
    """80 customers of 25 reps, worked out and then read from the columns."""
    root = tmp_path / "big"
    generate.generate(root, 80, 40, 3)
    for month in ("2026-10", "2026-11"):
        truth = team_totals(scoring.by_owner(afresh(root, month)))
        for _ in range(2):
            assert cards.owner_totals(Repo(root, TODAY), month) == truth


def test_team_totals_count_the_cards_that_could_not_be_kept(repo_root, monkeypatch):
    """A busy or read-only index keeps no card: the cards just made are counted all the same."""
    monkeypatch.setattr(cards, "_keep", lambda new, read_sig, db: None)
    truth = team_totals(scoring.by_owner(afresh(repo_root, "2026-10")))
    assert cards.owner_totals(Repo(repo_root, TODAY), "2026-10") == truth
    assert worked_out(repo_root) == 0


def test_a_changed_file_works_out_only_its_card_again(repo_root):
    kept(repo_root, "2026-10")
    count = worked_out(repo_root)
    path = repo_root / "customers" / "hx-renmin.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nvisits:\n" in text
    path.write_text(text.replace("\nvisits:\n", "\nvisits:\n  - {date: 2026-10-20, kind: visit, "
                                                "goal: 陈列, outcome: 谈妥}\n", 1),
                    encoding="utf-8")
    assert worked_out(repo_root) == count - 1  # its refresh dropped the changed one's cards
    after = kept(repo_root, "2026-10")
    assert after == afresh(repo_root, "2026-10")
    assert worked_out(repo_root) == count


def test_a_changed_kq_yaml_works_out_every_card_again(repo_root):
    before = kept(repo_root, "2026-11")
    settings_file = repo_root / "kq.yaml"
    text = settings_file.read_text(encoding="utf-8")
    old = '{key: "feedback", label: "店员信息反馈数量质量", points: 10, target: 4}'
    assert old in text
    settings_file.write_text(text.replace(old, old.replace("target: 4", "target: 1")),
                             encoding="utf-8")
    after = kept(repo_root, "2026-11")
    assert after == afresh(repo_root, "2026-11")
    assert after != before


def test_terminated_and_potential_customers_are_not_scored(repo_root):
    statuses = {p.stem: p.read_text(encoding="utf-8") for p in
                (repo_root / "customers").glob("*.yaml")}
    skipped = {i for i, text in statuses.items()
               if "\nstatus: terminated" in text or "\nstatus: potential" in text}
    scored = {c["customer"] for c in kept(repo_root, "2026-11")}
    assert scored and not scored & skipped
    assert scored | skipped == set(statuses)


def test_ledgers_with_keys_are_the_full_ledgers_cut_to_those_keys(repo_root):
    index = Repo(repo_root, TODAY).index
    keys = ("months", "business", "contact_stats", "no_such_key")
    whole = index.ledgers()
    cut = index.ledgers(keys)
    assert [s for s, _ in cut] == [s for s, _ in whole]
    assert [f for _, f in cut] == [{k: f.get(k) for k in keys} for _, f in whole]
    assert any(f["months"] for _, f in cut) and any(f["business"] for _, f in cut)


def test_facts_with_keys_are_the_full_facts_cut_to_those_keys(repo_root):
    """Those of index.FACT_COLUMNS come from their own columns (kq team, kq pool), the others
    from SQLite picking them out of the JSON; a file that does not validate is in neither."""
    from kqcli.store.index import FACT_COLUMNS

    broken = repo_root / "customers" / "broken.yaml"
    broken.write_text("name: [\n", encoding="utf-8")
    index = Repo(repo_root, TODAY).index
    assert index.invalid_ids() == ["broken"]
    whole = index.facts()
    assert any(f.get("last_in_person") for _, f in whole)
    assert any(f.get("last_in_person") is None for _, f in whole)
    for keys in (FACT_COLUMNS, ("last_in_person", "last_care_call"), ("no_such_fact",)):
        cut = index.facts(keys)
        assert [s for s, _ in cut] == [s for s, _ in whole]
        assert [f for _, f in cut] == [{k: f.get(k) for k in keys} for _, f in whole], keys


def test_cards_worked_out_on_every_core_are_those_of_one_process(tmp_path, monkeypatch):
    """Many cards are worked out by forked workers, a batch at a time, while the batch before
    is written: the same cards, kept for the next run, and the same team figures."""
    from kqcli.store import platform, pool

    if not platform.can_fork():
        pytest.skip("no fork here (KQ_PORTABLE): one process")
    root = tmp_path / "big"
    generate.generate(root, 80, 40, 3)
    truth = afresh(root, "2026-11")
    monkeypatch.setattr(cards, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pool, "BATCH", 7)  # twelve batches
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 2)
    assert json.dumps(kept(root, "2026-11")) == json.dumps(truth)
    assert worked_out(root) == 80
    assert json.dumps(kept(root, "2026-11")) == json.dumps(truth)  # read back
    assert cards.owner_totals(Repo(root, TODAY), "2026-10") == team_totals(
        scoring.by_owner(afresh(root, "2026-10")))
