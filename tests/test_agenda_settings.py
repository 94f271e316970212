"""A change to kq.yaml brings up again only the customers whose agenda read a value it changed
(issue 28): the agenda notes the settings each customer's rules read, and the answer stays
what a full evaluation says."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_agenda import full, kept

from kqcli.core.agenda import Plain, Reads, reads_of, values_at
from kqcli.store import agenda
from kqcli.store import files as index_module
from kqcli.store.repo import Repo

TODAY = dt.date(2026, 11, 24)
NORMAL = """\
name: 普通店
kind: terminal
tier: normal
owner: 李明
visits:
  - {date: 2026-10-20, kind: visit}
"""
KEY = """\
name: 重点店
kind: terminal
tier: key
owner: 李明
visits:
  - {date: 2026-11-21, kind: visit}
"""
REPS = "reps:\n  - {name: 李明}\n  - {name: 王丽}\n"


@pytest.fixture(autouse=True)
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """No write counts as racy, so the second run of a day reads the agenda it stored."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)


@pytest.fixture
def two(make_repo) -> Path:
    root = make_repo({"normal": NORMAL, "key": KEY}, REPS)
    kept(root, TODAY, None)  # the agenda made
    return root


def evaluated(root: Path, day: dt.date = TODAY) -> int:
    """How many customers bring_up_to_date evaluates on ``day``."""
    repo = Repo(root, day)
    plain, text = agenda.light_settings(repo)
    return agenda.bring_up_to_date(repo.index, plain, text, day)


def edit(root: Path, extra: str) -> None:
    (root / "kq.yaml").write_text(REPS + extra, encoding="utf-8")


def test_reads_notes_each_value_the_rules_read_by_its_path():
    settings = Plain({"cadence": Plain({"normal": (25, 30), "key": (3, 5)}),
                      "urgency": Plain({"reasons": {"visit": 10.0}})})
    reads = Reads(settings)
    assert reads.cadence.normal == (25, 30)
    assert reads.urgency.reasons == {"visit": 10.0}
    assert reads.cadence.normal == (25, 30)  # read again: noted once
    assert reads.read() == {"cadence.normal": (25, 30), "urgency.reasons": {"visit": 10.0}}


def test_the_values_at_the_paths_read_are_those_of_the_settings_given():
    settings = Plain({"cadence": Plain({"normal": (24, 30)}), "pool": None})
    paths, _ = reads_of({"cadence.normal": (25, 30), "pool": None})
    assert paths == "cadence.normal\npool"
    assert values_at(settings, paths) == [(24, 30), None]
    assert values_at(settings, "leads.visit") == [{"$missing": "leads.visit"}]


def test_a_cadence_change_evaluates_again_only_the_customers_of_that_tier(two):
    edit(two, "cadence:\n  normal: [20, 26]\n")
    assert evaluated(two) == 1


def test_the_agenda_after_a_cadence_change_is_the_full_evaluation(two):
    before = kept(two, TODAY, None)
    edit(two, "cadence:\n  normal: [20, 26]\n")
    after = kept(two, TODAY, None)
    assert after == full(two, TODAY, None)
    assert after != before  # the normal store's visit moved


def test_a_change_to_the_scorecards_evaluates_no_customer(two):
    edit(two, "score:\n  cards:\n    default:\n      - {key: a, label: A, points: 100}\n")
    assert evaluated(two) == 0
    assert kept(two, TODAY, None) == full(two, TODAY, None)


def test_a_change_to_an_urgency_weight_evaluates_every_customer_it_weighs(two):
    edit(two, "urgency:\n  tier:\n    key: 9.0\n")
    assert evaluated(two) == 2
    assert kept(two, TODAY, None) == full(two, TODAY, None)


def test_a_rep_leaving_evaluates_every_customer_again(two):
    (two / "kq.yaml").write_text("reps:\n  - {name: 李明}\n  - {name: 王丽, left: 2026-11-01}\n",
                                 encoding="utf-8")
    assert evaluated(two) == 2


def test_a_day_off_added_evaluates_every_customer_again(two):
    edit(two, "due:\n  extra_days_off: [2026-11-25]\n")
    assert evaluated(two) == 2


def test_a_setting_changed_and_changed_back_agrees_with_a_full_evaluation_each_day(two):
    for n, day in enumerate([TODAY, TODAY, TODAY + dt.timedelta(days=3),
                             TODAY + dt.timedelta(days=9)]):
        edit(two, "cadence:\n  normal: [20, 26]\n" if n % 2 == 0 else "")
        assert kept(two, day, None) == full(two, day, None), day
        assert json.loads(kept(two, day, 30)[0]) == json.loads(full(two, day, 30)[0]), day



def test_a_cadence_change_writes_only_the_rows_it_moved(make_repo):
    """The normal store's visit moves with its cadence; its birthday and its anniversary do
    not, and keep their rows (at 100,000 customers writing a changed customer's every row
    again took 3.6 s of a 14 s run)."""
    import sqlite3

    text = NORMAL + ("anniversary: 2020-12-01\ncontacts:\n"
                     "  - {name: 王老板, role: 店主, birthday: 1970-11-30}\n")
    root = make_repo({"normal": text, "key": KEY}, REPS)
    kept(root, TODAY, None)
    db = sqlite3.connect(root / ".kq" / "index.sqlite")
    try:
        assert sorted(r for (r,) in db.execute(
            "select reason from agenda where id = 'normal'")) == ["anniversary", "birthday", "visit"]
        db.executescript("""create table written (id text, reason text);
                            create trigger noted after insert on agenda
                            begin insert into written values (new.id, new.reason); end;
                            create trigger gone after delete on agenda
                            begin insert into written values (old.id, '-' || old.reason); end;""")
        db.commit()
        edit(root, "cadence:\n  normal: [20, 26]\n")
        assert kept(root, TODAY, None) == full(root, TODAY, None)
        assert sorted(db.execute("select * from written")) == [("normal", "-visit"),
                                                               ("normal", "visit")]
    finally:
        db.close()


def test_an_agenda_worked_out_for_a_file_deleted_meanwhile_is_not_kept(two):
    """Another kq removed the file (and its agenda) while this one worked the customer out: its
    rows must not come back, to be listed every day with no file to close them."""
    import sqlite3

    from kqcli.core.due import work_calendar

    repo = Repo(two, TODAY)
    plain, _ = agenda.light_settings(repo)
    (i, summary, facts, sig), = repo.index.read(["normal"], "facts")
    work = agenda.Work(plain, TODAY, plain.departed(), work_calendar(plain), agenda.COVER, {})
    result = agenda._evaluate(work, (i, summary, facts))
    assert result[0]  # (it has rows to keep)
    (two / "customers" / "normal.yaml").unlink()
    assert Repo(two, TODAY).index.count() == 1  # the other kq's refresh
    agenda._store(repo.index, {i: sig}, [result], TODAY.toordinal(), repo.index.get_meta("agenda"))
    db = sqlite3.connect(two / ".kq" / "index.sqlite")
    try:
        assert db.execute("select count(*) from agenda where id = 'normal'").fetchone() == (0,)
        assert db.execute("select count(*) from agenda_state where id = 'normal'"
                          ).fetchone() == (0,)
    finally:
        db.close()
    assert kept(two, TODAY, None) == full(two, TODAY, None)


def test_a_setting_changed_and_back_without_a_listing_between_keeps_the_reps_rows(two):
    """The listing kept (kqcli.store.warm) outlived the agenda's wipe: a change that works
    every customer out again, undone before any listing was made, brought back the key of
    the listing kept before, whose table the wipe had emptied; only the customers' rows were
    put back, and the reps' own rows (a statement to hand in, to check) were gone."""
    first = kept(two, TODAY, None)
    assert any(row["customer"] is None for row in json.loads(first[0]))  # the reps' rows
    for within in (None, 3, None):  # asked again: the listing is kept
        kept(two, TODAY, within)
    (two / "kq.yaml").write_text("reps:\n  - {name: 李明}\n  - {name: 王丽, left: 2026-11-01}\n",
                                 encoding="utf-8")
    assert evaluated(two) == 2  # (no listing made)
    edit(two, "")
    assert evaluated(two) == 2
    assert kept(two, TODAY, None) == full(two, TODAY, None) == first


def test_customers_evaluated_in_one_run_note_what_each_read_as_when_evaluated_alone(two):
    """One run keeps each set of paths read with its digest (agenda.Work.reads), so a customer
    that reads what another read costs no digest: every customer's state (the paths it read,
    their digest) is still the one it gets evaluated on its own."""
    from kqcli.core.due import work_calendar

    (two / "customers" / "key2.yaml").write_text(KEY.replace("重点店", "重点店二"),
                                                 encoding="utf-8")
    repo = Repo(two, TODAY)
    plain, _ = agenda.light_settings(repo)
    items = [(i, summary, facts) for i, summary, facts, _ in
             repo.index.read(["key", "normal", "key2"], "facts")]

    def work() -> agenda.Work:
        return agenda.Work(plain, TODAY, plain.departed(), work_calendar(plain), agenda.COVER, {})

    shared = work()
    together = [agenda._evaluate(shared, item) for item in items]
    alone = [agenda._evaluate(work(), item) for item in items]
    assert together == alone
    assert len(shared.reads) == 2  # a key account's paths, a normal one's: key2 read key's
    states = {state[0]: state for _rows, state, _paths in together}
    assert states["key"][5:7] == states["key2"][5:7] != states["normal"][5:7]
