"""The agenda kept in the index (issue 11): ``kq due`` read from it says exactly what a full
evaluation of every customer says, day after day, through changed files and settings."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import daily_row, settings

from kqcli.core.agenda import candidates
from kqcli.core.due import customer_reminders, morning_list, work_calendar
from kqcli.core.messages import to_data
from kqcli.store import agenda
from kqcli.store import files as index_module
from kqcli.store.repo import Repo

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT / "examples"
_spec = importlib.util.spec_from_file_location("kq_bench_generate", PROJECT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)  # type: ignore[union-attr]


@pytest.fixture(autouse=True)
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """No write counts as racy, so the second run of a day reads the agenda it stored."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)


def full(root: Path, today: dt.date, within: int | None) -> tuple[str, list[int], list[str]]:
    """What kq due printed before the agenda: every rule over every customer."""
    repo = Repo(root, today)
    rows = repo.index.facts()
    dropped: list[str] = []
    found = customer_reminders(rows, repo.settings, today, within, dropped=dropped)
    owners = {s["owner"] for s, _ in rows if s.get("owner")}
    listed, _ = morning_list([], repo.settings, today, within, found=found, owners=owners,
                             statements=repo.statements)
    years = sorted({r.due.year for r in listed if r.estimated})
    return (json.dumps([r.to_json(today) for r in listed], ensure_ascii=False), years,
            [to_data(m) for m in dropped])


def kept(root: Path, today: dt.date, within: int | None) -> tuple[str, list[int], list[str]]:
    listing, _ = agenda.morning(Repo(root, today), within, dropped=True)
    return listing.json_text(), listing.estimated_years, listing.dropped


def days(first: str, count: int) -> list[dt.date]:
    start = dt.date.fromisoformat(first)
    return [start + dt.timedelta(days=n) for n in range(count)]


def append_visit(path: Path, day: dt.date) -> None:
    text = path.read_text(encoding="utf-8")
    assert "\nvisits:\n" in text
    path.write_text(text.replace("\nvisits:\n", f"\nvisits:\n  - {{date: {day.isoformat()}, "
                                               "kind: visit, contact: 测试}\n", 1),
                    encoding="utf-8")


def test_examples_agree_with_a_full_evaluation_every_day_for_40_days(examples_copy):
    """2026-12-10 to 2027-01-18: month ends, 元旦, a new year whose days off are estimated,
    and a customer file changed on the 20th day; with and without --within."""
    root = examples_copy
    changed = sorted((root / "customers").glob("*.yaml"))[0]
    for n, today in enumerate(days("2026-12-10", 40)):
        if n == 20:
            append_visit(changed, today)
        for within in (None, 30):
            assert kept(root, today, within) == full(root, today, within), (today, within)


def test_greetings_closed_ahead_on_the_day_or_not_at_all_agree_with_a_full_evaluation(
        examples_copy):
    """A festival greeted ahead (for:), a birthday after a delivery and then on its day: the
    agenda drops and brings back the same rows as a full evaluation, day after day."""
    root = examples_copy
    for name, entries in (("hx-renmin", ["{date: 2026-12-15, kind: call, for: [holiday]}"]),
                          ("fst-jinbi", ["{date: 2026-11-25, kind: delivery}",
                                         "{date: 2026-11-28, kind: wechat}"])):
        path = root / "customers" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nvisits:\n", "\nvisits:\n" + "".join(
            f"  - {e}\n" for e in entries), 1), encoding="utf-8")
    for today in days("2026-11-20", 36):
        assert kept(root, today, None) == full(root, today, None), today
    rows = json.loads(kept(root, dt.date(2026, 12, 22), None)[0])
    assert [r["due"] for r in rows if r["customer"] == "hx-renmin" and r["reason"] == "holiday"
            ] == ["2027-01-01"]


def test_the_listing_kept_follows_changed_customers_the_same_day(examples_copy):
    """Same day and window, one change after another: the listing kept in the index is
    brought up to date for the changed customers only (its key stays), and says what a full
    evaluation says each time; filters read it too."""
    import sqlite3

    root = examples_copy
    today = dt.date(2026, 11, 24)
    folder = root / "customers"
    source = folder / "hx-renmin.yaml"

    def listed_key() -> str:
        db = sqlite3.connect(root / ".kq" / "index.sqlite")
        try:
            return db.execute("select value from meta where key = 'listed'").fetchone()[0]
        finally:
            db.close()

    changes = [
        lambda: append_visit(source, today - dt.timedelta(days=3)),
        lambda: (folder / "zz-copy.yaml").write_text(
            source.read_text(encoding="utf-8").replace("name: ", "name: 复制", 1),
            encoding="utf-8"),
        lambda: (folder / "zz-copy.yaml").write_text("name: [broken\n", encoding="utf-8"),
        lambda: (folder / "zz-copy.yaml").unlink(),
        lambda: sorted(folder.glob("*.yaml"))[-1].unlink(),
    ]
    for within in (None, 14):
        assert kept(root, today, within) == full(root, today, within)
    kept(root, today, 14)  # asked again: kept from now on
    key = listed_key()
    for n, change in enumerate(changes):
        change()
        assert kept(root, today, 14) == full(root, today, 14), n
        assert listed_key() == key, n  # brought up to date, not made again
        listing, _ = agenda.morning(Repo(root, today), 14, owner="李明", reasons=["visit"])
        assert listing.rows() == [d for d in json.loads(full(root, today, 14)[0])
                                  if d["owner"] == "李明" and d["reason"] == "visit"], n


def test_the_first_listing_of_a_day_is_not_kept_and_the_second_is(examples_copy):
    """Keeping a listing costs twice as much as working it out: a day's first ``kq due``
    (most mornings the only one) works it out; the next question of that day keeps it."""
    import sqlite3

    root = examples_copy
    today = dt.date(2026, 11, 24)

    def listed() -> int:
        db = sqlite3.connect(root / ".kq" / "index.sqlite")
        try:
            return db.execute("select count(*) from listed").fetchone()[0]
        finally:
            db.close()

    assert kept(root, today, None) == full(root, today, None)
    assert listed() == 0
    assert kept(root, today, None) == full(root, today, None)
    assert listed() > 0
    later = today + dt.timedelta(days=1)
    assert kept(root, later, None) == full(root, later, None)
    assert kept(root, later, None) == full(root, later, None)


def test_the_listing_kept_holds_each_row_once(tmp_path):
    """The listing kept (``listed``) is one b-tree in the listing's order: an index in that
    order beside the table held every row's text again (164 + 197 MB at 100,000 customers).
    It holds the customers' rows and the reps' own (expense statements, whose id is ''), and
    gives the listing worked out."""
    import sqlite3

    root = tmp_path / "big"
    generate.generate(root, 120, 40, 1)
    today = dt.date(2026, 12, 1)
    assert kept(root, today, None) == kept(root, today, None) == full(root, today, None)
    db = sqlite3.connect(root / ".kq" / "index.sqlite")
    try:
        rows = dict(db.execute("select id = '', count(*) from listed group by id = ''"))
        assert rows[0] > 100 and rows[1] > 10
        assert rows[0] + rows[1] == kept(root, today, None)[0].count('"customer": ')
        indexes = [name for (name,) in db.execute(
            "select name from sqlite_schema where type = 'index' and tbl_name = 'listed'")]
        assert indexes == ["listed_id"]
        assert [row[2] for row in db.execute("pragma index_info(listed_id)")] == ["id"]
    finally:
        db.close()


def test_a_generated_repository_agrees_on_several_dates(tmp_path):
    root = tmp_path / "big"
    generate.generate(root, 120, 40, 1)
    for today in [dt.date(2026, 11, 24), dt.date(2026, 11, 24), dt.date(2026, 11, 30),
                  dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2026, 11, 25)]:
        assert kept(root, today, None) == full(root, today, None), today
        assert kept(root, today, 7) == full(root, today, 7), today


def test_the_agenda_keeps_only_what_a_listing_could_show_before_the_next_evaluation(
        examples_copy):
    """A customer's rows reach as far as ``--within`` COVER days from the last day answered
    from them (its horizon): a festival or a birthday months ahead is not written at every
    full evaluation, though the rules find it."""
    import sqlite3

    from kqcli.core.agenda import horizon

    root = examples_copy
    today = dt.date(2026, 11, 24)
    kept(root, today, None)
    db = sqlite3.connect(root / ".kq" / "index.sqlite")
    try:
        rows = db.execute("select id, shows_from from agenda where due is not null").fetchall()
        cover = json.loads(db.execute(
            "select value from meta where key = 'agenda_cover'").fetchone()[0])
    finally:
        db.close()
    assert cover == agenda.COVER
    reach = {i: today.toordinal() + horizon(i, today) + cover for i, _ in rows}
    assert rows and all(shows <= reach[i] for i, shows in rows)
    repo = Repo(root, today)
    everything = [r for summary, facts in repo.index.facts() for r in candidates(
        summary, facts, repo.settings, today, repo.settings.departed(),
        work_calendar(repo.settings), horizon(summary["id"], today))[0]]
    assert sum(r.shows_from is not None and r.shows_from.toordinal() > reach.get(
        r.customer, today.toordinal() + 10 + cover) for r in everything) > len(rows) // 2


def test_a_window_wider_than_the_agenda_widens_it_and_agrees_with_a_full_evaluation(
        examples_copy):
    """``--within 90`` (more than COVER): every customer is evaluated again with the wider
    reach, once; from then on that window and the narrower ones are answered from the agenda
    as a full evaluation answers them, day after day."""
    root = examples_copy
    today = dt.date(2026, 11, 24)
    assert kept(root, today, 30) == full(root, today, 30)
    repo = Repo(root, today)
    plain, text = agenda.light_settings(repo)
    assert agenda.bring_up_to_date(repo.index, plain, text, today, 90) == repo.index.count()
    assert agenda.cover_of(repo.index) == 120  # (widened a step: 91 days is no new agenda)
    for within in (30, 91, 120):
        assert agenda.bring_up_to_date(repo.index, plain, text, today, within) == 0
    for day in days("2026-11-24", 12):
        for within in (None, 90, 120, 200):
            assert kept(root, day, within) == full(root, day, within), (day, within)
    assert agenda.cover_of(Repo(root, today).index) == 365
    huge = 100_000_000  # (the reach stops at the open window's end: a date, not an overflow)
    assert kept(root, today, huge) == full(root, today, huge)


def widen_meanwhile(root: Path, today: dt.date) -> None:
    """Another kq's ``kq due --within 90``, run to its end."""
    other = Repo(root, today)
    plain, text = agenda.light_settings(other)
    agenda.bring_up_to_date(other.index, plain, text, today, 90)
    other.index.db.close()


def test_rows_worked_out_for_the_narrow_agenda_are_not_written_into_a_wider_one(
        examples_copy, monkeypatch):
    """Two kq at once (kq's server forks one a run): a plain ``kq due`` working every customer
    out while another kq's ``--within 90`` widens the agenda and works everyone out. The
    first one's rows (the narrower reach) are not written over the wider agenda's: both
    windows then say what a full evaluation says, that day and two days later."""
    root, today = examples_copy, dt.date(2026, 11, 24)
    store = agenda._store

    def racing(*args: object) -> None:
        monkeypatch.setattr(agenda, "_store", store)
        widen_meanwhile(root, today)
        store(*args)

    monkeypatch.setattr(agenda, "_store", racing)
    repo = Repo(root, today)
    plain, text = agenda.light_settings(repo)
    agenda.bring_up_to_date(repo.index, plain, text, today)
    repo.index.db.close()
    assert agenda.cover_of(Repo(root, today).index) == 120
    for day in (today, today + dt.timedelta(days=2)):
        for within in (None, 90):
            assert kept(root, day, within) == full(root, day, within), (day, within)


def test_a_kq_that_read_the_narrow_cover_does_not_narrow_the_agenda_widened_meanwhile(
        examples_copy, monkeypatch):
    """A plain ``kq due`` read the agenda's cover (30) just before another kq widened it to 90:
    it does not wipe it back to 30 (which would work everyone out twice and lose the
    widening), it takes up the wider one."""
    root, today = examples_copy, dt.date(2026, 11, 24)
    kept(root, today, None)
    cover_of = agenda.cover_of

    def racing(index: object) -> int:
        found = cover_of(index)
        monkeypatch.setattr(agenda, "cover_of", cover_of)
        widen_meanwhile(root, today)
        return found

    monkeypatch.setattr(agenda, "cover_of", racing)
    repo = Repo(root, today)
    plain, text = agenda.light_settings(repo)
    assert agenda.bring_up_to_date(repo.index, plain, text, today) == 0
    repo.index.db.close()
    assert agenda.cover_of(Repo(root, today).index) == 120
    assert kept(root, today, 90) == full(root, today, 90)


def test_a_second_run_the_same_day_evaluates_no_customer(examples_copy):
    root = examples_copy
    today = dt.date(2026, 11, 24)
    kept(root, today, None)
    repo = Repo(root, today)
    plain, text = agenda.light_settings(repo)
    assert agenda.bring_up_to_date(repo.index, plain, text, today) == 0


def test_a_changed_file_is_the_only_customer_evaluated_again(examples_copy):
    root = examples_copy
    today = dt.date(2026, 11, 24)
    kept(root, today, None)
    append_visit(root / "customers" / "hx-renmin.yaml", today)
    repo = Repo(root, today)
    plain, text = agenda.light_settings(repo)
    assert agenda.bring_up_to_date(repo.index, plain, text, today) == 1


def test_a_changed_kq_yaml_changes_the_urgencies_it_weighs(examples_copy):
    root = examples_copy
    today = dt.date(2026, 11, 24)
    before = kept(root, today, None)
    settings_file = root / "kq.yaml"
    text = settings_file.read_text(encoding="utf-8")
    assert "  overdue_per_day: 0.5\n" in text
    settings_file.write_text(text.replace("  overdue_per_day: 0.5\n", "  overdue_per_day: 0.7\n"),
                             encoding="utf-8")
    after = kept(root, today, None)
    assert after == full(root, today, None)
    assert after != before


def test_an_urgency_sqlite_cannot_round_for_certain_is_rounded_as_python_does(examples_copy):
    """|x| * 100 landing on .5 in floating point (0.015 is a hair below it): SQLite leaves
    such an urgency to Python (an '@' in the kept row), whose round() is correctly rounded."""
    root = examples_copy
    today = dt.date(2026, 11, 24)
    text = (root / "kq.yaml").read_text(encoding="utf-8")
    for name in ("overdue_per_day: 0.5", "ahead_per_day: 0.2"):
        assert f"  {name}" in text
        text = text.replace(f"  {name}", f"  {name.split(':')[0]}: 0.015")
    (root / "kq.yaml").write_text(text, encoding="utf-8")
    listing = kept(root, today, 30)
    assert listing == full(root, today, 30)
    assert kept(root, today, 30) == listing  # asked again: the listing is kept
    index = Repo(root, today).index
    (left,) = index.db.execute("""select count(*) from listed
                                  where instr(item, '"urgency": @,')""").fetchone()
    assert left > 0  # the case happened, and Python rounded it


def test_an_agenda_row_without_its_text_is_a_damaged_index_not_a_shorter_list(examples_copy):
    """group_concat skips a NULL: a row the index lost its text of is said, never dropped."""
    root = examples_copy
    today = dt.date(2026, 11, 24)
    kept(root, today, 30)
    index = Repo(root, today).index
    index.db.execute("update agenda set tail = null where id = (select min(id) from agenda)")
    index.db.execute("delete from listed")
    index.db.execute("delete from meta where key = 'listed'")
    index.db.close()
    done = subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(root), "--today",
                           today.isoformat(), "due", "--within", "30", "--format", "json"],
                          capture_output=True, text=True, env={**os.environ, "KQ_SERVER": "0"})
    assert (done.returncode, done.stdout) == (1, "")
    assert "reminder(s) of the agenda without their text" in done.stderr
    assert "删除 .kq 文件夹" in done.stderr
    assert "Traceback" not in done.stderr


def test_owner_and_reason_filters_agree_with_filtering_the_full_list(examples_copy):
    root = examples_copy
    today = dt.date(2026, 11, 24)
    everything = json.loads(full(root, today, 14)[0])
    listing, _ = agenda.morning(Repo(root, today), 14, owner="李明", reasons=["visit", "risk"])
    assert listing.rows() == [d for d in everything if d["owner"] == "李明"
                              and d["reason"] in ("visit", "risk")]


def test_kq_due_json_is_the_full_evaluation_byte_for_byte(examples_copy):
    root = examples_copy
    out = subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(root), "--today",
                          "2026-11-24", "due", "--format", "json"], capture_output=True,
                         check=True).stdout.decode()
    assert out == full(root, dt.date(2026, 11, 24), None)[0] + "\n"


# -- recheck_on: the first day the rules answer differently ---------------------------------

def test_a_missed_birthday_is_evaluated_again_when_its_grace_period_ends():
    """Due 11-20, overdue for due.greeting_grace_days (7): on 11-28 next year's takes its place."""
    summary, facts = daily_row("""
        name: 华信
        status: potential
        contacts:
          - {name: 王芳, birthday: 1986-11-20}
    """)
    cfg = settings()
    found, _, recheck = candidates(summary, facts, cfg, dt.date(2026, 11, 24), {},
                                   work_calendar(cfg))
    assert ([(r.reason, r.due) for r in found], recheck) == (
        [("birthday", dt.date(2026, 11, 20))], dt.date(2026, 11, 28))


def test_a_customer_with_nothing_changing_is_evaluated_again_after_the_horizon():
    summary, facts = daily_row("""
        name: 华信
        status: terminated
    """)
    cfg = settings()
    today = dt.date(2026, 11, 24)
    found, _, recheck = candidates(summary, facts, cfg, today, {}, work_calendar(cfg))
    assert (found, recheck) == ([], dt.date(2026, 12, 2))


def test_a_visit_never_made_is_kept_as_due_today_and_not_evaluated_daily():
    summary, facts = daily_row("""
        name: 华信
        status: prospect
    """)
    cfg = settings()
    found, _, recheck = candidates(summary, facts, cfg, dt.date(2026, 11, 24), {},
                                   work_calendar(cfg))
    assert ([(r.reason, r.due, r.shows_from) for r in found], recheck) == (
        [("visit", None, None)], dt.date(2026, 12, 2))


def test_an_untouched_key_account_is_not_evaluated_again_the_next_day():
    """'重点客户超过 10 天未联系' says the same each day (the days so far are the row's
    overdue_days), so its customer is not worked out again every morning."""
    summary, facts = daily_row("""
        name: 华信
        status: active
        tier: key
        owner: 李明
        since: 2026-11-01
        visits:
          - {date: 2026-10-01, kind: visit}
    """)
    cfg = settings()
    found, _, recheck = candidates(summary, facts, cfg, dt.date(2026, 11, 24), {},
                                   work_calendar(cfg))
    assert "risk" in [r.reason for r in found]
    assert recheck > dt.date(2026, 11, 25)


# -- the warm path and the command line --------------------------------------------------------

def test_a_warm_kq_due_imports_no_typer_pydantic_yaml_or_command(examples_copy):
    """The second run finds nothing changed: kqcli.store.warm answers from the index alone,
    without even typing (~8 ms). The files were just copied: the probe trusts them as a run two
    seconds later would."""
    root = examples_copy
    probe = ("import sys\nimport kqcli.store.files\nkqcli.store.files.RACY_NS = 0\n"
             f"sys.argv = ['kq', '--repo', {str(root)!r}, '--today', '2026-11-24', 'due', "
             "'--format', 'json']\n"
             "from kqcli.cli.entry import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "loaded = [m for m in sys.modules if m in ('pydantic', 'typer', 'yaml', 'typing')\n"
             "          or m.startswith('kqcli.cli.commands.')]\n"
             "sys.stderr.write(repr(sorted(loaded)))\n")
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True)
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True)
    assert "kqcli.cli.commands.due" in cold.stderr.decode().splitlines()[-1]
    assert warm.stderr.decode().splitlines()[-1] == "[]"
    assert warm.stdout == cold.stdout and json.loads(warm.stdout)


def test_kq_version_imports_no_typer():
    probe = ("import sys\nsys.argv = ['kq', '--version']\nfrom kqcli.cli.entry import main\nmain()\n"
             "sys.stderr.write(repr('typer' in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True)
    assert (run.stdout.decode(), run.stderr.decode()) == ("kq 0.1.0\n", "False")


def test_kq_help_summaries_are_each_commands_first_paragraph():
    from kqcli.cli.app import COMMANDS, load

    for name, (_, summary) in COMMANDS.items():
        assert load(name, translated=False).help.split("\n\n")[0] == summary, name


def test_kq_help_lists_every_command_without_importing_one():
    probe = ("import sys\nsys.argv = ['kq', '--help']\nfrom kqcli.cli.entry import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write(repr(sorted(m for m in sys.modules "
             "if m.startswith('kqcli.cli.commands.'))))\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True,
                         env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    from kqcli.cli.app import COMMANDS, HIDDEN

    commands = run.stdout.decode().split("\n命令:\n", 1)[1]
    listed = [line.split()[0] for line in commands.splitlines() if line[2:3] not in " "]
    assert (listed, run.stderr.decode()) == ([n for n in COMMANDS if n not in HIDDEN], "[]")


def test_unknown_command_still_suggests_the_closest(kq):
    result = kq("dve")
    assert result.exit_code == 2 and "没有这个命令 dve (是不是 due?)" in result.output


def test_each_command_still_runs_from_its_module(kq):
    result = kq("--repo", EXAMPLES, "--today", "2026-11-24", "list", "--format", "json")
    assert result.exit_code == 0 and len(json.loads(result.output)) == len(
        list((EXAMPLES / "customers").glob("*.yaml")))


def test_kq_help_is_the_same_text_with_and_without_typer():
    from typer.testing import CliRunner

    from kqcli.cli.app import app
    from kqcli.cli.usage import help_text

    fast = subprocess.run([sys.executable, "-m", "kqcli", "--help"], capture_output=True,
                          check=True, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert fast.stdout.decode() == help_text(78)  # click's width: at most 80, less 2
    assert CliRunner().invoke(app, ["--help"]).output == help_text(80)  # the runner forces 80


def test_kq_help_lines_fit_their_width_counting_chinese_as_two_cells():
    """All but the example, a command line kept whole to be copied."""
    from kqcli.cli.i18n import _
    from kqcli.cli.usage import EXAMPLE, cells, help_text

    for width in (50, 64, 78):
        text = help_text(width)
        assert "(重点/次重点/非重点)" in text.replace("\n", "").replace(" ", "")
        assert max(cells(line) for line in text.splitlines() if _(EXAMPLE) not in line) <= width


def test_a_bare_kq_prints_the_help_on_stderr_and_exits_2():
    run = subprocess.run([sys.executable, "-m", "kqcli"], capture_output=True,
                         env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert (run.returncode, run.stdout) == (2, b"")
    assert run.stderr.decode().startswith("用法: kq [OPTIONS] COMMAND [ARGS]...")


def test_evaluating_in_a_process_pool_gives_the_same_agenda(examples_copy, monkeypatch):
    """Many stale customers (a changed kq.yaml, a new kq) are evaluated on every core."""
    monkeypatch.setattr(agenda, "PARALLEL_FROM", 2)
    root = examples_copy
    for today in (dt.date(2026, 11, 24), dt.date(2027, 1, 3)):
        assert kept(root, today, 14) == full(root, today, 14), today
