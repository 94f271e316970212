"""kq calendar: the morning list as iCalendar events, parsed back with the icalendar library
and, where a phone's reader matters most (time zone, alarm, UID), with vobject as well."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from helpers import statements_done

from kqcli.core.calendar import calendar_events, uid_key
from kqcli.core.due import Reminder
from kqcli.core.messages import Message
from kqcli.schema.reasons import LABELS

TODAY = dt.date(2026, 11, 24)  # a Tuesday
SHANGHAI = ZoneInfo("Asia/Shanghai")

CUSTOMERS = {
    "hx": """
        name: 华信大药房
        kind: terminal
        owner: 李明
        route: {weekday: tue, time: "09:30"}
        visits:
          - {date: 2026-11-17, kind: visit, next: {date: 2026-11-27, action: 送陈列物料}}
    """,
    "fs": """
        name: 福寿堂
        kind: terminal
        owner: 张强
        contacts:
          - {name: 王芳, birthday: 1980-12-10}
        visits:
          - {date: 2026-10-20, kind: visit}
    """,
}
KQ_YAML = "reps:\n  - {name: 李明}\n  - {name: 张强}\n"


def events(path: Path) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def export(kq, root: Path, *options: object, today: str = "2026-11-24",
           name: str = "kq.ics") -> list[icalendar.Event]:
    out = root.parent / name
    result = kq("--repo", root, "--today", today, "calendar", "--output", out, *options)
    assert result.exit_code == 0, result.output
    return events(out)


def by_summary(found: list[icalendar.Event]) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in found}


@pytest.fixture
def repo(make_repo) -> Path:
    root = make_repo(CUSTOMERS, KQ_YAML)
    statements_done(root, "2026-10", "李明", "张强")  # November's are the ones due
    return root


# --- through the CLI ----------------------------------------------------------------------------

def test_one_event_per_reminder_due_in_the_window_overdue_ones_on_today(kq, repo):
    found = [(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in export(kq, repo)]
    assert found == [
        ("福寿堂 拜访", dt.date(2026, 11, 24)),
        ("华信大药房 固定拜访", dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)),
        ("华信大药房 待办", dt.date(2026, 11, 27)),
        ("张强 费用报表", dt.date(2026, 12, 3)),
        ("李明 费用报表", dt.date(2026, 12, 3)),
        ("张强 费用审核", dt.date(2026, 12, 10)),  # the manager checks each rep's statement
        ("李明 费用审核", dt.date(2026, 12, 10)),
        ("福寿堂 生日", dt.date(2026, 12, 10)),
    ]


def test_route_event_starts_at_the_route_time_in_shanghai_time(kq, repo):
    route = by_summary(export(kq, repo))["华信大药房 固定拜访"]
    assert route.to_ical().decode().count("DTSTART;TZID=Asia/Shanghai:20261124T093000\r\n") == 1
    assert route.decoded("DTEND") == dt.datetime(2026, 11, 24, 10, 30, tzinfo=SHANGHAI)


def test_the_time_zone_of_a_timed_event_is_described_in_a_vtimezone(kq, repo):
    export(kq, repo)
    cal = icalendar.Calendar.from_ical((repo.parent / "kq.ics").read_bytes())
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Shanghai"
    assert [(str(c["TZNAME"]), c.decoded("TZOFFSETTO")) for c in zone.subcomponents] == [
        ("CST", dt.timedelta(hours=8))]


def test_kq_yaml_timezone_sets_the_zone_of_timed_events(kq, make_repo):
    root = make_repo(CUSTOMERS, KQ_YAML + "timezone: Asia/Urumqi\n")
    route = by_summary(export(kq, root))["华信大药房 固定拜访"]
    assert route.decoded("DTSTART") == dt.datetime(2026, 11, 24, 9, 30,
                                                   tzinfo=ZoneInfo("Asia/Urumqi"))
    cal = icalendar.Calendar.from_ical((root.parent / "kq.ics").read_bytes())
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Urumqi"]


def test_an_unknown_timezone_in_kq_yaml_is_named_as_a_problem(kq, make_repo):
    root = make_repo(CUSTOMERS, KQ_YAML + "timezone: Asia/Shangai\n")
    result = kq("--repo", root, "--lang", "en", "--today", "2026-11-24", "calendar", "-o", "-")
    assert result.exit_code == 1
    assert ("kq.yaml:4:11: timezone: 'Asia/Shangai' is not a time zone; write an IANA name "
            "such as Asia/Shanghai") in result.stderr


def test_other_events_are_all_day(kq, repo):
    visit = by_summary(export(kq, repo))["华信大药房 待办"]
    assert (visit.decoded("DTSTART"), visit.decoded("DTEND")) == (dt.date(2026, 11, 27),
                                                                   dt.date(2026, 11, 28))
    assert str(visit["TRANSP"]) == "TRANSPARENT"


def test_description_is_the_message_and_says_when_an_overdue_one_was_due(kq, repo):
    found = by_summary(export(kq, repo))
    assert str(found["华信大药房 待办"]["DESCRIPTION"]) == "送陈列物料 (约定于 2026-11-17)"
    assert str(found["福寿堂 拜访"]["DESCRIPTION"]) == (
        "上次拜访 2026-10-20 (每 25-30 天)\n原定 2026-11-19, 已逾期 5 天")


def test_alarms_ring_when_the_lead_time_begins(kq, repo):
    triggers = {str(e["SUMMARY"]): e.walk("VALARM")[0].decoded("TRIGGER")
                for e in export(kq, repo)}
    assert triggers == {
        "福寿堂 拜访": dt.timedelta(hours=9),               # overdue: 09:00 today
        "华信大药房 固定拜访": -dt.timedelta(minutes=30),   # lead 0: time to get there
        "华信大药房 待办": dt.timedelta(days=-1, hours=9),  # lead 1: 09:00 the day before
        "张强 费用报表": dt.timedelta(days=-3, hours=9),
        "李明 费用报表": dt.timedelta(days=-3, hours=9),
        "张强 费用审核": dt.timedelta(days=-3, hours=9),
        "李明 费用审核": dt.timedelta(days=-3, hours=9),
        "福寿堂 生日": dt.timedelta(days=-7, hours=9),      # lead 7
    }
    alarm = by_summary(export(kq, repo))["福寿堂 生日"].walk("VALARM")[0]
    assert (str(alarm["ACTION"]), str(alarm["DESCRIPTION"])) == ("DISPLAY", "福寿堂 生日")


def test_alarm_at_sets_the_hour_of_all_day_alarms(kq, repo):
    birthday = by_summary(export(kq, repo, "--alarm-at", "07:30"))["福寿堂 生日"]
    assert birthday.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(days=-7, hours=7,
                                                                          minutes=30)


def test_kq_yaml_alarm_time_sets_the_hour_of_all_day_alarms(kq, make_repo):
    root = make_repo(CUSTOMERS, KQ_YAML + 'calendar: {alarm_time: "07:45"}\n')
    birthday = by_summary(export(kq, root))["福寿堂 生日"]
    assert birthday.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(days=-7, hours=7,
                                                                          minutes=45)


def test_alarm_at_wins_over_kq_yaml_alarm_time(kq, make_repo):
    root = make_repo(CUSTOMERS, KQ_YAML + 'calendar: {alarm_time: "07:45"}\n')
    birthday = by_summary(export(kq, root, "--alarm-at", "08:00"))["福寿堂 生日"]
    assert birthday.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(days=-7, hours=8)


def test_a_route_alarm_rings_travel_minutes_before_it(kq, make_repo):
    root = make_repo(CUSTOMERS, KQ_YAML + "calendar: {travel_minutes: 45}\n")
    route = by_summary(export(kq, root))["华信大药房 固定拜访"]
    assert route.walk("VALARM")[0].to_ical().decode().count("TRIGGER:-PT45M\r\n") == 1


def test_uids_are_the_same_in_two_runs(kq, repo):
    first = [str(e["UID"]) for e in export(kq, repo, name="a.ics")]
    second = [str(e["UID"]) for e in export(kq, repo, name="b.ics")]
    assert first == second
    assert (repo.parent / "a.ics").read_bytes() == (repo.parent / "b.ics").read_bytes()


def test_uids_are_distinct_per_customer_reason_and_due(kq, repo):
    uids = [str(e["UID"]) for e in export(kq, repo)]
    assert len(set(uids)) == 8
    assert all(u.endswith("@kq") for u in uids)


def test_an_overdue_event_keeps_its_uid_and_gains_a_sequence_as_it_moves(kq, repo):
    before = by_summary(export(kq, repo, name="a.ics"))["福寿堂 拜访"]
    after = by_summary(export(kq, repo, today="2026-11-25", name="b.ics"))["福寿堂 拜访"]
    assert str(before["UID"]) == str(after["UID"])
    assert (before.decoded("DTSTART"), before["SEQUENCE"]) == (dt.date(2026, 11, 24), 5)
    assert (after.decoded("DTSTART"), after["SEQUENCE"]) == (dt.date(2026, 11, 25), 6)
    assert after.decoded("DTSTAMP") == dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def test_owner_keeps_only_that_reps_reminders(kq, repo):
    found = [str(e["SUMMARY"]) for e in export(kq, repo, "--owner", "李明")]
    assert found == ["华信大药房 固定拜访", "华信大药房 待办", "李明 费用报表"]


def test_calendar_is_named_for_the_owner(kq, repo):
    out = repo.parent / "kq.ics"
    kq("--repo", repo, "--today", "2026-11-24", "calendar", "-o", out, "--owner", "李明")
    assert str(icalendar.Calendar.from_ical(out.read_bytes())["X-WR-CALNAME"]) == "客情 kq · 李明"


def test_days_is_the_last_due_day_included(kq, repo):
    assert "福寿堂 生日" in by_summary(export(kq, repo, "--days", "16"))
    assert "福寿堂 生日" not in by_summary(export(kq, repo, "--days", "15"))


def test_an_empty_window_writes_a_valid_calendar_without_events(kq, make_repo):
    root = make_repo({"wl": """
        name: 万绿药店
        status: potential
        visits:
          - {date: 2026-11-20, kind: call, next: {date: 2026-12-20, action: 报价}}
    """})
    assert export(kq, root, "--days", "7") == []
    cal = icalendar.Calendar.from_ical((root.parent / "kq.ics").read_bytes())
    assert (str(cal["VERSION"]), str(cal["PRODID"])) == ("2.0", "-//kq//客情 kq//ZH")
    assert [str(e["SUMMARY"]) for e in export(kq, root, "--days", "30")] == ["万绿药店 待办"]


def test_dash_writes_the_calendar_to_stdout(kq, repo):
    result = kq("--repo", repo, "--today", "2026-11-24", "calendar", "-o", "-", "--owner", "李明")
    assert result.exit_code == 0
    found = icalendar.Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    assert len(found) == 3


def test_writing_a_file_says_so_on_stderr(kq, repo):
    result = kq("--lang", "en", "--repo", repo, "--today", "2026-11-24", "calendar", "-o",
                repo.parent / "kq.ics")
    assert result.stderr == f"kq: 8 events (2026-11-24 to 2027-01-23) written to {repo.parent}/kq.ics\n"


def test_a_missing_folder_is_a_usage_error(kq, repo):
    result = kq("--lang", "en", "--repo", repo, "calendar", "-o", repo / "nowhere" / "kq.ics")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_bad_alarm_time_is_a_usage_error(kq, repo):
    result = kq("--lang", "en", "--repo", repo, "calendar", "-o", "-", "--alarm-at", "9am")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --alarm-at: '9am' is not a time of day; write HH:MM\n")


def test_a_folder_as_output_is_a_problem_not_a_traceback(kq, repo):
    result = kq("--lang", "en", "--repo", repo, "--today", TODAY, "calendar", "-o", repo)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kq: cannot write {repo}: ")


def test_an_invalid_customer_file_is_skipped_named_and_exits_1(kq, make_repo):
    root = make_repo({**CUSTOMERS, "bad": "name: [不对\n"}, KQ_YAML)
    statements_done(root, "2026-10", "李明", "张强")
    out = root.parent / "kq.ics"
    result = kq("--repo", root, "--today", "2026-11-24", "calendar", "-o", out)
    assert result.exit_code == 1
    assert "bad.yaml" in result.stderr
    assert len(events(out)) == 8


# --- reminders listed every day keep their UID --------------------------------------------------

# A key terminal whose collections fell three months running (a risk due today, every day) and
# which never had a deep visit (蹲点 due today, every day).
SLIPPING = {"cc": """
    name: 春城大药房
    kind: terminal
    status: active
    tier: key
    owner: 李明
    visits:
      - {date: 2026-11-23, kind: visit}
    months:
      2026-08: {collections: 130000, reported: 2026-09-05}
      2026-09: {collections: 120000, reported: 2026-10-05}
      2026-10: {collections: 100000, reported: 2026-11-05}
"""}


def uids(found: list[icalendar.Event]) -> dict[str, str]:
    return {str(e["SUMMARY"]): str(e["UID"]) for e in found}


@pytest.mark.parametrize("summary", ["春城大药房 风险", "春城大药房 蹲点"])
def test_a_reminder_due_every_day_keeps_its_uid_from_one_day_to_the_next(kq, make_repo, summary):
    root = make_repo(SLIPPING, KQ_YAML)
    monday = uids(export(kq, root, today="2026-11-24", name="a.ics"))
    tuesday = uids(export(kq, root, today="2026-11-25", name="b.ics"))
    assert monday[summary] == tuesday[summary]


def test_a_reminder_due_every_day_moves_to_the_next_day_with_a_higher_sequence(kq, make_repo):
    root = make_repo(SLIPPING, KQ_YAML)
    before = by_summary(export(kq, root, today="2026-11-24", name="a.ics"))["春城大药房 风险"]
    after = by_summary(export(kq, root, today="2026-11-25", name="b.ics"))["春城大药房 风险"]
    assert (before.decoded("DTSTART"), after.decoded("DTSTART")) == (dt.date(2026, 11, 24),
                                                                     dt.date(2026, 11, 25))
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_a_new_risk_is_a_new_event(kq, make_repo):
    root = make_repo(SLIPPING, KQ_YAML)
    first = uids(export(kq, root, name="a.ics"))["春城大药房 风险"]
    worse = SLIPPING["cc"].replace("100000, reported", "90000, reported")
    root = make_repo({"cc": worse}, KQ_YAML)
    assert uids(export(kq, root, name="b.ics"))["春城大药房 风险"] != first


# --- read by a second parser (vobject) -----------------------------------------------------------

def vevents(path: Path, transform: bool = True) -> dict[str, vobject.base.Component]:
    """The events by summary; ``transform`` turns values into Python's (a time in the zone
    the file's VTIMEZONE describes), without it they keep their parameters (TZID)."""
    cal = vobject.readOne(path.read_text(encoding="utf-8"), transform=transform)
    return {e.summary.value: e for e in cal.vevent_list}


def test_vobject_reads_the_route_event_at_its_time_in_shanghai(kq, repo):
    export(kq, repo)
    raw = vevents(repo.parent / "kq.ics", transform=False)["华信大药房 固定拜访"]
    assert raw.dtstart.params["TZID"] == ["Asia/Shanghai"]
    start = vevents(repo.parent / "kq.ics")["华信大药房 固定拜访"].dtstart.value
    assert (start.replace(tzinfo=None), start.utcoffset()) == (dt.datetime(2026, 11, 24, 9, 30),
                                                               dt.timedelta(hours=8))


def test_vobject_finds_the_vtimezone(kq, repo):
    export(kq, repo)
    cal = vobject.readOne((repo.parent / "kq.ics").read_text(encoding="utf-8"))
    assert [z.tzid.value for z in cal.vtimezone_list] == ["Asia/Shanghai"]


def test_vobject_reads_the_route_alarm_thirty_minutes_before(kq, repo):
    export(kq, repo)
    route = vevents(repo.parent / "kq.ics")["华信大药房 固定拜访"]
    assert route.valarm.trigger.value == -dt.timedelta(minutes=30)


def test_vobject_reads_the_same_uid_on_two_days(kq, make_repo):
    root = make_repo(SLIPPING, KQ_YAML)
    export(kq, root, today="2026-11-24", name="a.ics")
    export(kq, root, today="2026-11-25", name="b.ics")
    monday, tuesday = vevents(root.parent / "a.ics"), vevents(root.parent / "b.ics")
    for summary in ("春城大药房 风险", "春城大药房 蹲点"):
        assert monday[summary].uid.value == tuesday[summary].uid.value


# --- the core -----------------------------------------------------------------------------------

def reminder(reason: str = "next_action", due: dt.date = TODAY, lead: int = 0,
             customer: str | None = "c1", name: str = "华信", message: str = "送物料",
             time: str | None = None) -> Reminder:
    return Reminder(customer=customer, name=name, reason=reason, due=due,
                    shows_from=due - dt.timedelta(days=lead),
                    message=Message("next_action", {"action": message, "on": "2026-11-20"}),
                    time=time)


def test_alarm_is_never_before_today():
    """A reminder already showing rings this morning, not on a day gone by."""
    shown = reminder("birthday", TODAY + dt.timedelta(days=3), lead=7)
    assert calendar_events([shown], TODAY, 60, LABELS)[0]["alarm"] == dt.timedelta(days=-3,
                                                                                   hours=9)


def test_overdue_route_goes_on_today_all_day():
    missed = reminder("route", TODAY - dt.timedelta(days=1), time="09:30")
    event = calendar_events([missed], TODAY, 60, LABELS)[0]
    assert (event["start"], event["all_day"], event["sequence"]) == (TODAY, True, 1)


def test_route_with_an_unreadable_time_is_all_day():
    event = calendar_events([reminder("route", time="morning")], TODAY, 60, LABELS)[0]
    assert (event["start"], event["all_day"]) == (TODAY, True)


def test_reminders_sharing_customer_reason_and_due_get_distinct_uids():
    two = [reminder("birthday", message="王芳 生日"), reminder("birthday", message="李娟 生日")]
    assert len({e["uid"] for e in calendar_events(two, TODAY, 60, LABELS)}) == 2


def test_uid_does_not_depend_on_the_message_or_today():
    one = calendar_events([reminder(message="a")], TODAY, 60, LABELS)[0]["uid"]
    other = calendar_events([reminder(message="b")], TODAY - dt.timedelta(days=2), 60, LABELS)
    assert other[0]["uid"] == one


def test_a_reminder_without_customer_is_told_apart_by_its_name():
    rows = [reminder("expense_statement", customer=None, name="李明"),
            reminder("expense_statement", customer=None, name="张强")]
    events = calendar_events(rows, TODAY, 60, LABELS)
    assert len({e["uid"] for e in events}) == 2


def test_reminders_due_after_the_window_are_left_out():
    rows = [reminder(due=TODAY + dt.timedelta(days=5)), reminder(due=TODAY + dt.timedelta(days=6))]
    assert [e["due"] for e in calendar_events(rows, TODAY, 5, LABELS)] == [TODAY + dt.timedelta(5)]


def test_a_route_shown_ahead_rings_on_its_first_day_travel_minutes_before_its_time():
    ahead = reminder("route", TODAY + dt.timedelta(days=2), lead=2, time="09:30")
    event = calendar_events([ahead], TODAY, 60, LABELS, zone=SHANGHAI,
                            travel=dt.timedelta(minutes=30))[0]
    assert (event["start"], event["alarm"]) == (
        dt.datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), -dt.timedelta(days=2, minutes=30))


def test_uid_of_a_reminder_with_an_occasion_does_not_depend_on_its_due():
    today = reminder("risk", TODAY)
    today.occasion = "collections:3f2a9c01"
    tomorrow = reminder("risk", TODAY + dt.timedelta(days=1))
    tomorrow.occasion = "collections:3f2a9c01"
    assert uid_key(today) == uid_key(tomorrow) == "c1|risk|@collections:3f2a9c01"
