"""The cache under .kq stays bounded: at most warm.KEEP_ANSWERS answers and KEEP_BYTES bytes of
them, the pages freed go back to the disk, and `kq check --stats` says what takes the room."""

from __future__ import annotations

import sqlite3

from helpers import probe_kq

DAY = ["--today", "2026-11-24"]


def answers(root) -> list[int]:
    db = sqlite3.connect(root / ".kq" / "index.sqlite")
    try:
        return [row[0] for row in db.execute("select length(out) from answers order by rowid")]
    finally:
        db.close()


def ask(root, within: int, hook: str = ""):
    for _ in range(2):  # the first run brings the index up to date, the second is kept
        run = probe_kq(root, *DAY, "due", "--format", "json", "--within", str(within), hook=hook)
        assert run.code == 0, run.stderr
    return run


def test_at_most_keep_answers_are_kept_the_newest(examples_copy):
    hook = "import kqcli.store.warm as w; w.KEEP_ANSWERS = 2"
    outs = [ask(examples_copy, w, hook).stdout for w in (1, 5, 9, 30)]
    kept = answers(examples_copy)
    assert len(kept) == 2
    assert kept == [len(outs[2]), len(outs[3])]


def test_answers_adding_up_to_more_than_keep_bytes_are_dropped_oldest_first(examples_copy):
    small = ask(examples_copy, 1).stdout
    hook = f"import kqcli.store.warm as w; w.KEEP_BYTES = {len(small) * 2 + 10}; w.KEEP_PER_CUSTOMER = 0"
    for w in (2, 3, 4):
        ask(examples_copy, 1 if w == 2 else w, hook)
    assert sum(answers(examples_copy)) <= len(small) * 2 + 10


def test_an_answer_too_big_to_keep_does_not_drop_the_small_ones(examples_copy):
    """A team's whole listing (megabytes at 100,000 customers) is not kept, and the small
    answers kept before it (kq team, one rep's list) stay."""
    small = ask(examples_copy, 1).stdout
    hook = f"import kqcli.store.warm as w; w.KEEP_BYTES = {len(small) + 10}; w.KEEP_PER_CUSTOMER = 0"
    big = ask(examples_copy, 30, hook)  # (the agenda's reach: a wider one is a new agenda)
    assert len(big.stdout) > len(small) + 10
    assert answers(examples_copy) == [len(small)]
    again = probe_kq(examples_copy, *DAY, "due", "--format", "json", "--within", "1", hook=hook)
    assert (again.stdout, again.path) == (small, "warm")


def free_bytes(root) -> int:
    db = sqlite3.connect(root / ".kq" / "index.sqlite")
    try:
        assert db.execute("pragma auto_vacuum").fetchone()[0] == 2  # incremental
        page = db.execute("pragma page_size").fetchone()[0]
        return db.execute("pragma freelist_count").fetchone()[0] * page
    finally:
        db.close()


ROOM = 60_000


def test_the_index_gives_back_the_freed_pages_the_answers_have_no_room_for(examples_copy):
    hook = f"import kqcli.store.warm as w; w.KEEP_ANSWERS = 1; w.KEEP_BYTES = {ROOM}; " \
           "w.KEEP_PER_CUSTOMER = 0"
    for within in (60, 1, 30, 2):  # each answer kept drops the one before
        ask(examples_copy, within, hook)
    kept = answers(examples_copy)
    assert len(kept) == 1
    assert free_bytes(examples_copy) <= ROOM - kept[0]


def test_freed_pages_within_the_answers_room_are_kept_for_the_next_answers(examples_copy):
    """Every change makes every kept answer stale: giving their pages back to the disk, to
    take them again for the next answer, cost 0.5 s a change at 100,000 customers."""
    hook = "import kqcli.store.warm as w; w.KEEP_ANSWERS = 1"
    for within in (60, 1, 30, 2):
        ask(examples_copy, within, hook)
    assert 0 < free_bytes(examples_copy) <= 16 * 1024 * 1024


def test_check_stats_prints_the_size_of_each_table(kq, examples_copy):
    ask(examples_copy, 7)
    result = kq("--repo", examples_copy, "--lang", "en", "check", "--stats")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    names = [line.split()[0] for line in lines[:-3]]
    assert {"files", "agenda", "answers", "meta"} <= set(names)
    assert lines[-1] == "1 answer kept"
    assert lines[-3].startswith("free pages") and lines[-2].startswith("the file")


def test_output_too_big_to_keep_is_not_held_while_it_is_printed():
    """A team's whole listing at 100,000 customers (~130 MB) was held a second time to be
    kept, then dropped as too big: it is let go as soon as it passes the cap."""
    import io

    from kqcli.store import warm

    target = io.BytesIO()
    tee = warm._Tee(target, "stdout", cap=10)
    tee.write(b"12345")
    assert tee.kept == [b"12345"]
    tee.write(b"678901")
    assert (tee.kept, target.getvalue()) == (None, b"12345678901")
    tee.write(b"2")
    assert tee.kept is None


def test_a_bigger_repository_has_room_for_bigger_answers(examples_copy):
    """The room is KEEP_PER_CUSTOMER a customer where that is more than KEEP_BYTES: a team's
    whole listing at 100,000 customers is kept."""
    small = ask(examples_copy, 1).stdout
    customers = len(list((examples_copy / "customers").glob("*.yaml")))
    tight = (f"import kqcli.store.warm as w; w.KEEP_BYTES = 10; "
             f"w.KEEP_PER_CUSTOMER = {len(small) // customers + 1}")
    ask(examples_copy, 30, tight)  # does not fit (30: the agenda's reach, kept as it is)
    assert answers(examples_copy) == [len(small)]
    roomy = tight.replace(f"{len(small) // customers + 1}", "100000")
    big = ask(examples_copy, 30, roomy)
    assert answers(examples_copy) == [len(small), len(big.stdout)]


def test_check_stats_lines_up_its_chinese_labels(kq, examples_copy):
    from kqcli.cli.tabletext import width

    ask(examples_copy, 7)
    result = kq("--repo", examples_copy, "--lang", "zh", "check", "--stats")
    lines = result.stdout.splitlines()[:-1]  # (the last line counts the answers kept)
    assert any(line.startswith("空闲页") for line in lines)
    assert len({width(line) for line in lines}) == 1


def test_check_stats_words_every_table_in_chinese(kq, examples_copy):
    """A rep reads what each table holds, the table's own name beside it; a new table needs
    its words in kqcli/cli/commands/check.py's TABLES."""
    ask(examples_copy, 7)
    result = kq("--repo", examples_copy, "--lang", "zh", "check", "--stats")
    tables = result.stdout.splitlines()[:-3]  # (then free pages, the file, the answers)
    assert "客户文件 (files)" in [line.split("  ")[0].rstrip() for line in tables]
    assert len(tables) >= 10
    for line in tables:
        words, _, name = line.split("  ")[0].rstrip().partition(" (")
        assert name.endswith(")") and not words.isascii(), line


def test_an_answer_is_kept_from_its_pieces():
    """warm._insert writes the output into the row piece by piece (at 100,000 customers the
    listing is 126 MB; joined and bound as one value it was held three times more): the row
    holds the pieces in order, and the other columns as given."""
    from kqcli.store import warm

    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute(warm.ANSWERS)
    pieces = (b"[", "{\"name\": \"张三\"}".encode(), b"", b", {}", b"]\n")
    warm._insert(db, "k1", 740000, "code", "yaml", pieces, b"warned\n", 1, "g", 0)
    warm._insert(db, "k2", 740000, "code", "yaml", (b"whole",), b"", 0, "g", 1)
    warm._insert(db, "k3", 740000, "code", "yaml", (), b"", 0, "g", 0)
    rows = db.execute("select key, out, err, exit, generation, paged from answers order by key")
    assert rows.fetchall() == [
        ("k1", b"".join(pieces), b"warned\n", 1, "g", 0),
        ("k2", b"whole", b"", 0, "g", 1),
        ("k3", b"", b"", 0, "g", 0)]
    # asked again, the same key's row is replaced, not added to
    warm._insert(db, "k1", 740001, "code", "yaml", (b"new",), b"", 0, "h", 0)
    assert db.execute("select count(*), max(out) from answers where key = 'k1'").fetchone() == (
        1, b"new")


def test_an_answer_kept_is_read_in_pieces_while_another_run_writes(tmp_path, monkeypatch):
    """warm._kept reads the answer in pieces within its read snapshot, without asking for the
    write lock: a run that holds it (another kq keeping its answer) does not send this one to
    the full command, and an index only readable still answers."""
    from kqcli.store import warm

    monkeypatch.setattr(warm, "PIECE", 5)
    path = tmp_path / "index.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("pragma journal_mode=wal")
    db.execute(warm.ANSWERS)
    warm._insert(db, "k", 740000, "code", "yaml", (b"[1, 2, ", b"3]\n"), b"", 0, "g", 0)
    rowid = db.execute("select rowid from answers where key = 'k'").fetchone()[0]
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("begin immediate")  # another run holds the write lock
    try:
        db.execute("begin")
        db.execute("select count(*) from answers").fetchone()  # the snapshot starts
        assert warm._pieces(db, rowid) == (b"[1, 2", b", 3]\n")
        db.execute("rollback")
    finally:
        writer.execute("rollback")
        writer.close()
        db.close()
    readonly = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        assert b"".join(warm._pieces(readonly, rowid)) == b"[1, 2, 3]\n"
    finally:
        readonly.close()


def test_cards_take_no_overflow_page_and_the_facts_keep_no_spaces(kq, examples_copy):
    """A card (~0.9 KB) in a without-rowid table spilled into an overflow page of its own,
    3 KB of it empty: at 10,000 customers 32 MB for 9 MB of cards. The facts and ledgers
    (~8 KB a customer, the largest part of the index) are kept without the spaces
    ``json.dumps`` puts after ``,`` and ``:``."""
    import json

    from kqcli.store.index import compact

    assert kq("--repo", examples_copy, *DAY, "score", "--format", "json").exit_code == 0
    db = sqlite3.connect(examples_copy / ".kq" / "index.sqlite")
    try:
        cards = db.execute("select count(*), max(length(card)) from cards where card != 'null'"
                           ).fetchone()
        assert cards[0] >= 5 and cards[1] > 600  # (cards big enough to have spilled)
        assert db.execute("select sql from sqlite_schema where name = 'cards'"
                          ).fetchone()[0].rstrip().endswith("primary key (id, month))")
        try:
            spilled = db.execute("select count(*) from dbstat where name = 'cards' "
                                 "and pagetype = 'overflow'").fetchone()[0]
        except sqlite3.OperationalError:  # a SQLite built without dbstat
            spilled = 0
        assert spilled == 0
        texts = [t for row in db.execute("select facts, ledger, card from files join cards "
                                         "using (id) where ok = 1") for t in row]
        assert texts and all(t == compact(json.loads(t)) for t in texts)
    finally:
        db.close()
