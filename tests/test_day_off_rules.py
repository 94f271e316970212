"""Days off and due dates (issue 23): a cadence window never stretches past its last day, and a
year the official calendar does not cover follows the statutory rules in full, 补假 included;
every row dated by such an estimate says so, and only a terminal is told on stderr."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import textwrap

import pytest
from helpers import daily_row, due, probe_with_terminal_stderr, settings

from kqcli.core.dates import WorkCalendar, statutory_days_off
from kqcli.core.due import morning_list

KEY_TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: key
    owner: 李明
    months: {2026-10: {reported: 2026-11-05}}
""").lstrip()
KEY_ACCOUNT = KEY_TERMINAL.replace("kind: terminal", "kind: key_account")


def _covered(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


ESTIMATED_2027 = pytest.mark.skipif(
    _covered(2027), reason="chinesecalendar covers 2027 now: the official calendar dates it")
"""chinesecalendar 1.11 covers 2004-2026; these tests are about 2027 being estimated."""


def visited(day: str, kind: str = "visit", text: str = KEY_TERMINAL) -> str:
    return text + f"visits:\n  - {{date: {day}, kind: {kind}}}\n"


def reminders(text: str, reason: str, today: dt.date, within: int | None = None) -> list:
    found, _ = morning_list([daily_row(text)], settings("reps: [{name: 李明}]"), today, within)
    return [r for r in found if r.reason == reason]


# -- a cadence never stretches -----------------------------------------------------------------

def test_key_terminal_whose_fifth_day_is_a_saturday_is_due_on_friday_the_fourth_day():
    # Visited Monday 11-16: the window is 11-19 (Thu) to 11-21 (Sat); Friday 11-20 is its last
    # working day.
    assert due(visited("2026-11-16"), "visit") == [
        ("2026-11-20", 4, "上次拜访 2026-11-16 (每 3-5 天); 2026-11-21 休息, 提前到 2026-11-20")]


def test_key_terminal_whose_fifth_day_is_a_sunday_is_due_on_friday_the_third_day():
    assert due(visited("2026-11-17"), "visit", today=dt.date(2026, 11, 20)) == [
        ("2026-11-20", 0, "上次拜访 2026-11-17 (每 3-5 天); 2026-11-22 休息, 提前到 2026-11-20")]


def test_a_visit_whose_window_ended_on_a_weekend_is_overdue_on_monday():
    # Before: day 5 (Sat 11-21) moved to Monday 11-23, a 7-day gap shown as "today".
    late = reminders(visited("2026-11-16"), "visit", dt.date(2026, 11, 23))
    assert [(r.due, r.overdue_days(dt.date(2026, 11, 23))) for r in late] == [
        (dt.date(2026, 11, 20), 3)]


def test_a_visit_still_shows_from_the_first_day_of_its_window():
    # Window 11-19 to 11-21, due Friday 11-20: listed from Thursday 11-19, not before.
    assert reminders(visited("2026-11-16"), "visit", dt.date(2026, 11, 18)) == []
    shown = reminders(visited("2026-11-16"), "visit", dt.date(2026, 11, 19))
    assert [(r.shows_from, r.due) for r in shown] == [(dt.date(2026, 11, 19), dt.date(2026, 11, 20))]


def test_within_lists_a_visit_pulled_into_the_window():
    # Visited Monday 11-23: day 5 is Saturday 11-28, so it is due Friday 11-27, 3 days ahead.
    text = visited("2026-11-23")
    assert reminders(text, "visit", dt.date(2026, 11, 24), within=3)[0].due == dt.date(2026, 11, 27)


def test_a_window_entirely_inside_the_national_day_week_moves_to_the_next_working_day():
    # Visited Monday 2026-09-28: the window 10-01 to 10-03 is all 国庆; 10-08 is the next
    # working day; overdue counts from it.
    assert due(visited("2026-09-28"), "visit", today=dt.date(2026, 10, 9)) == [
        ("2026-10-08", 1, "上次拜访 2026-09-28 (每 3-5 天); 窗口内全是休息日 (2026-10-01 至 "
                          "2026-10-03), 顺延到 2026-10-08")]


def test_a_window_running_into_the_national_day_week_is_due_before_it():
    # Visited 09-27: the window 09-30 (Wed) to 10-02 (国庆): Wednesday 09-30.
    assert due(visited("2026-09-27"), "visit", today=dt.date(2026, 9, 30)) == [
        ("2026-09-30", 0, "上次拜访 2026-09-27 (每 3-5 天); 2026-10-02 休息, 提前到 2026-09-30")]


def test_a_secondary_terminal_window_uses_its_last_working_day():
    text = visited("2026-11-11", text=KEY_TERMINAL.replace("tier: key", "tier: secondary"))
    # 7-10 days: 11-18 to 11-21 (Sat): due Friday 11-20, day 9.
    assert due(text, "visit")[0][:2] == ("2026-11-20", 4)


def test_first_follow_up_whose_third_day_is_a_saturday_is_due_on_friday():
    # Delivered Wednesday 11-18: "within 3 days" is 11-19 to 11-21 (Sat).
    assert due(visited("2026-11-18", "delivery"), "follow_up") == [
        ("2026-11-20", 4, "到货 2026-11-18 后第一次回访; 2026-11-21 休息, 提前到 2026-11-20")]


def test_second_follow_up_whose_seventh_day_is_a_sunday_is_due_on_friday():
    text = visited("2026-11-08", "delivery") + "  - {date: 2026-11-15, kind: call}\n"
    # First call Sunday 11-15; the second within 7 days: 11-16 to 11-22 (Sun): Friday 11-20.
    assert due(text, "follow_up") == [
        ("2026-11-20", 4, "到货 2026-11-08 后第二次回访 (第一次 2026-11-15); 2026-11-22 休息, "
                          "提前到 2026-11-20")]


def test_follow_up_after_a_delivery_before_the_national_day_week_waits_for_its_end():
    assert due(visited("2026-09-30", "delivery"), "follow_up", today=dt.date(2026, 10, 8)) == [
        ("2026-10-08", 0, "到货 2026-09-30 后第一次回访; 窗口内全是休息日 (2026-10-01 至 "
                          "2026-10-03), 顺延到 2026-10-08")]


def test_deep_visit_whose_thirtieth_day_is_a_sunday_is_due_on_friday():
    # Last 蹲点 Friday 10-23: 25-30 days is 11-17 to 11-22 (Sun): Friday 11-20.
    text = visited("2026-11-20") + "  - {date: 2026-10-23, kind: deep_visit}\n"
    assert due(text, "deep_visit") == [
        ("2026-11-20", 4, "上次蹲点 2026-10-23 (每 25-30 天); 2026-11-22 休息, 提前到 "
                          "2026-11-20, 蹲点现场解决问题")]


def test_latest_working_day_of_a_window_and_after_an_all_off_window():
    calendar = WorkCalendar()
    assert calendar.latest_working_day(dt.date(2026, 11, 19), dt.date(2026, 11, 21)) == (
        dt.date(2026, 11, 20), True)
    assert calendar.latest_working_day(dt.date(2026, 10, 1), dt.date(2026, 10, 7)) == (
        dt.date(2026, 10, 8), True)
    # 2026-10-10 is a working Saturday (调休).
    assert calendar.latest_working_day(dt.date(2026, 10, 8), dt.date(2026, 10, 11)) == (
        dt.date(2026, 10, 10), True)


# -- years without an official calendar: the statutory rules, 补假 included ---------------------

def test_statutory_days_off_give_a_weekend_holiday_a_day_off_on_the_next_working_day():
    off = statutory_days_off(2027)
    # 劳动节 Sat 05-01 and Sun 05-02: Monday 05-03 and Tuesday 05-04 off.
    assert {dt.date(2027, 5, 3), dt.date(2027, 5, 4)} <= off
    assert dt.date(2027, 5, 5) not in off
    # 国庆 Fri 10-01, Sat 10-02, Sun 10-03: Monday 10-04 and Tuesday 10-05 off.
    assert {dt.date(2027, 10, 4), dt.date(2027, 10, 5)} <= off
    assert dt.date(2027, 10, 6) not in off
    # 春节: 除夕 Fri 02-05, 初一 Sat 02-06, 初二 Sun 02-07, 初三 Mon 02-08: Tue 02-09, Wed 02-10.
    assert {dt.date(2027, 2, 9), dt.date(2027, 2, 10)} <= off
    assert dt.date(2027, 2, 11) not in off


def test_a_holiday_on_another_holidays_day_also_gives_a_day_off():
    # 2028: 中秋 falls on 10-03, a 国庆 day; 国庆 Sat 10-01 gives Wed 10-04, 中秋 gives Thu 10-05.
    off = statutory_days_off(2028)
    assert {dt.date(2028, 10, 4), dt.date(2028, 10, 5)} <= off
    assert dt.date(2028, 10, 6) not in off


@ESTIMATED_2027
def test_third_working_day_of_may_2027_is_the_seventh():
    assert WorkCalendar().nth_working_day(2027, 5, 3) == (dt.date(2027, 5, 7), False)


@ESTIMATED_2027
def test_third_working_day_of_october_2027_is_the_eighth():
    assert WorkCalendar().nth_working_day(2027, 10, 3) == (dt.date(2027, 10, 8), False)


@ESTIMATED_2027
def test_expense_statement_of_may_2027_is_due_on_the_seventh_and_estimated():
    march = {"2027-03": {"李明": {"submitted": "2027-04-02"}}}  # April's is the one due
    found, covered = morning_list([], settings("reps: [{name: 李明}]"), dt.date(2027, 5, 4),
                                  statements=march)
    statement = [r for r in found if r.reason == "expense_statement"]
    assert [(r.due, r.estimated) for r in statement] == [(dt.date(2027, 5, 7), True)]
    assert not covered


@ESTIMATED_2027
def test_a_visit_window_over_the_labour_day_makeup_days_moves_to_wednesday():
    # Visited Thursday 2027-04-29: 05-02 (Sun, 劳动节) to 05-04 (补假) are all off.
    found = reminders(visited("2027-04-29"), "visit", dt.date(2027, 5, 5))
    assert [(r.due, r.estimated) for r in found] == [(dt.date(2027, 5, 5), True)]
    assert "窗口内全是休息日 (2027-05-02 至 2027-05-04), 顺延到 2027-05-05" in found[0].message.text("zh")


@ESTIMATED_2027
def test_a_visit_window_inside_the_national_day_week_2027_moves_past_the_makeup_days():
    found = reminders(visited("2027-09-28"), "visit", dt.date(2027, 10, 6))
    assert [(r.due, r.estimated) for r in found] == [(dt.date(2027, 10, 6), True)]
    assert "窗口内全是休息日 (2027-10-01 至 2027-10-03), 顺延到 2027-10-06" in found[0].message.text("zh")


@ESTIMATED_2027
def test_a_visit_window_running_into_the_national_day_week_2027_is_due_before_it():
    # Visited Monday 2027-09-27: the window 09-30 (Thu) to 10-02 (国庆): Thursday 09-30.
    found = reminders(visited("2027-09-27"), "visit", dt.date(2027, 9, 30))
    assert [(r.due, r.estimated) for r in found] == [(dt.date(2027, 9, 30), True)]


@ESTIMATED_2027
def test_no_route_is_due_on_the_makeup_days_of_2027():
    monday = KEY_ACCOUNT + "route: {weekday: mon, time: '09:30'}\n" \
                           "visits: [{date: 2027-04-26, kind: visit}]\n"
    found = reminders(monday, "route", dt.date(2027, 5, 3), within=7)
    assert [(r.due, r.message.text("zh"), r.estimated) for r in found] == [
        (dt.date(2027, 5, 10), "固定拜访 周一 09:30, 5月3日节假日不去", True)]
    tuesday = KEY_ACCOUNT + "route: {weekday: tue, time: '09:30'}\n" \
                            "visits: [{date: 2027-09-28, kind: visit}]\n"
    found = reminders(tuesday, "route", dt.date(2027, 10, 5), within=7)
    assert [(r.due, r.message.text("zh")) for r in found] == [
        (dt.date(2027, 10, 12), "固定拜访 周二 09:30, 10月5日节假日不去")]


# -- saying so: rows, tables, calendars, stderr ----------------------------------------------

@pytest.fixture
def estimated_repo(make_repo):
    """A key terminal visited 2027-09-28 (its visit dated by 2027's estimate, due 10-06) and
    one visited 2026-11-16 (dated by the official calendar)."""
    return make_repo({"hx": visited("2027-09-28"),
                      "old": visited("2026-11-16").replace("华信大药房", "老客户")},
                     kq_yaml="reps: [{name: 李明}]")


DAY_2027 = ("--today", "2027-10-06")


@ESTIMATED_2027
def test_json_rows_say_estimated(kq, estimated_repo):
    result = kq("--repo", estimated_repo, *DAY_2027, "due", "--reason", "visit", "--format", "json")
    rows = json.loads(result.stdout)
    assert [(r["customer"], r["due"], r["estimated"]) for r in rows] == [
        ("old", "2026-11-20", False), ("hx", "2027-10-06", True)]


@ESTIMATED_2027
def test_csv_has_an_estimated_column(kq, estimated_repo):
    result = kq("--repo", estimated_repo, *DAY_2027, "due", "--reason", "visit", "--format", "csv", "--keys")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["customer"], r["estimated"]) for r in rows] == [("old", "false"), ("hx", "true")]


def test_csv_has_the_estimated_column_with_no_rows(kq, make_repo):
    root = make_repo({})
    header = kq("--repo", root, "--today", "2026-11-24", "due", "--format", "csv", "--keys").stdout
    assert header.splitlines()[0].split(",")[-1] == "estimated"


@ESTIMATED_2027
def test_the_table_marks_an_estimated_date(kq, estimated_repo):
    table = kq("--repo", estimated_repo, *DAY_2027, "due", "--reason", "visit").stdout
    assert "10-06(估)" in table
    assert "11-20 " in table and "11-20(估)" not in table


@ESTIMATED_2027
def test_the_table_marks_an_estimated_date_in_english(kq, estimated_repo):
    table = kq("--repo", estimated_repo, *DAY_2027, "--lang", "en", "due", "--reason",
               "visit").stdout
    assert "10-06(est.)" in table


@ESTIMATED_2027
def test_due_says_nothing_on_stderr_when_it_is_not_a_terminal(kq, estimated_repo):
    result = kq("--repo", estimated_repo, *DAY_2027, "due")
    assert result.exit_code == 0
    assert result.stderr == ""


@ESTIMATED_2027
def test_calendar_says_nothing_on_stderr_when_it_is_not_a_terminal(kq, estimated_repo):
    result = kq("--repo", estimated_repo, *DAY_2027, "calendar", "-o", "-")
    assert (result.exit_code, result.stderr) == (0, "")


@ESTIMATED_2027
def test_an_estimated_calendar_event_says_so_in_its_description(kq, estimated_repo):
    import icalendar

    result = kq("--repo", estimated_repo, *DAY_2027, "calendar", "-o", "-", "--days", "0")
    events = {str(e["SUMMARY"]): str(e["DESCRIPTION"])
              for e in icalendar.Calendar.from_ical(result.stdout_bytes).walk("VEVENT")}
    assert events["华信大药房 拜访"].endswith("\n日期按估算的节假日 (官方日历尚未发布该年)")
    assert "估算" not in events["老客户 拜访"]


def _with_terminal_stderr(root, *args: str) -> tuple[str, str, bytes]:
    """kq in a fresh process with stderr a pseudo-terminal and stdout a pipe: (stderr, the
    path that answered, stdout)."""
    pytest.importorskip("pty")
    text, path, out = probe_with_terminal_stderr(root, *args)
    return text.decode().replace("\r\n", "\n"), path, out


@ESTIMATED_2027
@pytest.mark.parametrize("command", [["due"], ["calendar", "-o", "-", "--days", "7"]])
def test_a_terminal_is_told_once_only_when_a_listed_date_was_estimated(make_repo, command):
    root = make_repo({}, kq_yaml="reps: [{name: 李明}]")
    covered, _, _ = _with_terminal_stderr(root, "--today", "2026-12-04", *command)
    assert "estimated" not in covered
    estimated, _, _ = _with_terminal_stderr(root, "--today", "2027-01-04", *command)
    assert estimated.count("kq: the official holiday calendar does not cover 2027 yet; its days "
                           "off are estimated") == 1


@ESTIMATED_2027
def test_the_agenda_path_tells_a_terminal_and_not_a_pipe(estimated_repo):
    from helpers import probe_kq

    args = [*DAY_2027, "due", "--format", "json"]
    full = _with_terminal_stderr(estimated_repo, *args)
    kept = _with_terminal_stderr(estimated_repo, *args)
    piped = probe_kq(estimated_repo, *args)
    assert (full[1], kept[1], piped.path) == ("full", "warm", "warm")
    said = [re.findall(r"kq: [^\n]*\n", run[0]) for run in (full, kept)]  # not a progress bar
    assert "does not cover 2027 yet" in said[0][0] and said[1] == said[0]  # a slow machine draws
    assert piped.stderr == ""
    assert full[2] == kept[2] == piped.stdout


@ESTIMATED_2027
def test_route_json_rows_say_estimated(kq, estimated_repo):
    result = kq("--repo", estimated_repo, *DAY_2027, "route", "--format", "json")
    assert [(r["customer"], r["due"], r["estimated"]) for r in json.loads(result.stdout)] == [
        ("old", "2026-11-20", False), ("hx", "2027-10-06", True)]
