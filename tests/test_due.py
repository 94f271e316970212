"""kq due: each reason on hand-written customers, with exact due dates and overdue days."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest
from helpers import daily_row as customer
from helpers import settings

from kqcli.core.due import care_call_interval, morning_list

TODAY = dt.date(2026, 11, 24)  # a Tuesday






def due(text: str, reason: str, today: dt.date = TODAY, within: int | None = None,
        kq_yaml: str = "") -> list[tuple[str, int, str]]:
    reminders, _ = morning_list([customer(text)], settings(kq_yaml), today, within)
    return [(r.due.isoformat(), r.overdue_days(today), r.message)
            for r in reminders if r.reason == reason]


KEY_TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: key
    months: {2026-10: {reported: 2026-11-05}}
""").lstrip()


def test_key_terminal_is_overdue_after_five_days():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-17, kind: visit}\n"
    assert due(text, "visit") == [("2026-11-22", 2, "上次拜访 2026-11-17 (每 3-5 天)")]


def test_key_terminal_visit_shows_from_day_three_and_is_due_on_day_five():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-21, kind: visit}\n"
    assert due(text, "visit") == [("2026-11-26", -2, "上次拜访 2026-11-21 (每 3-5 天)")]
    assert due(text, "visit", today=dt.date(2026, 11, 23)) == []


def test_calls_do_not_reset_the_visit_clock():
    text = KEY_TERMINAL + ("visits:\n  - {date: 2026-11-10, kind: visit}\n"
                           "  - {date: 2026-11-23, kind: call}\n")
    assert due(text, "visit")[0][:2] == ("2026-11-15", 9)


def test_secondary_and_per_customer_cadence():
    text = KEY_TERMINAL.replace("tier: key", "tier: secondary") + \
        "visits:\n  - {date: 2026-11-10, kind: training}\n"
    assert due(text, "visit")[0][:2] == ("2026-11-20", 4)
    custom = text + "cadence: [2, 3]\n"
    assert due(custom, "visit")[0][:2] == ("2026-11-13", 11)


def test_cadence_is_configurable_in_kq_yaml():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-17, kind: visit}\n"
    assert due(text, "visit", kq_yaml="cadence: {key: [4, 8]}\n")[0][:2] == ("2026-11-25", -1)


def test_fixed_route_is_due_on_its_weekday_until_visited():
    text = (KEY_TERMINAL + 'route: {weekday: tue, time: "09:30"}\n'
            + "visits:\n  - {date: 2026-11-17, kind: visit}\n")
    assert due(text, "route") == [("2026-11-24", 0, "固定拜访 周二 09:30")]
    visited = text + "  - {date: 2026-11-24, kind: visit}\n"
    assert due(visited, "route", within=7) == [("2026-12-01", -7, "固定拜访 周二 09:30")]
    assert due(visited, "visit") == []


def test_missed_route_day_is_overdue():
    text = KEY_TERMINAL + 'route: {weekday: 周一}\nvisits:\n  - {date: 2026-11-16, kind: visit}\n'
    assert due(text, "route")[0][:2] == ("2026-11-23", 1)


def test_first_follow_up_call_three_days_after_delivery():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-20, kind: delivery}\n"
    assert due(text, "follow_up") == [("2026-11-23", 1, "到货 2026-11-20 后第一次回访")]


def test_second_follow_up_seven_days_after_the_first_call():
    text = KEY_TERMINAL + ("visits:\n  - {date: 2026-11-10, kind: delivery}\n"
                           "  - {date: 2026-11-13, kind: call}\n")
    assert due(text, "follow_up") == [
        ("2026-11-20", 4, "到货 2026-11-10 后第二次回访 (第一次 2026-11-13)")]
    both = text + "  - {date: 2026-11-19, kind: call}\n"
    assert due(both, "follow_up") == []


def test_next_action_open_until_a_later_interaction():
    text = KEY_TERMINAL + ("visits:\n  - date: 2026-11-20\n    kind: visit\n"
                           "    next: {date: 2026-11-22, action: 送陈列物料}\n")
    assert due(text, "next_action") == [("2026-11-22", 2, "送陈列物料 (约定于 2026-11-20)")]
    closed = text + "  - {date: 2026-11-23, kind: visit}\n"
    assert due(closed, "next_action") == []


def test_solar_birthday_shows_seven_days_ahead():
    text = KEY_TERMINAL + "contacts:\n  - {name: 王芳, role: 店长, birthday: 1986-11-28}\n"
    assert due(text, "birthday") == [("2026-11-28", -4, "王芳(店长) 40岁生日 11月28日")]
    assert due(text, "birthday", today=dt.date(2026, 11, 20)) == []


def test_lunar_birthday_is_converted_for_this_year():
    # 农历十月二十 of 2026 is 2026-11-28.
    text = KEY_TERMINAL + 'contacts:\n  - {name: 李姐, lunar_birthday: "10-20"}\n'
    assert due(text, "birthday")[0][:2] == ("2026-11-28", -4)


def test_store_anniversary_shows_three_weeks_ahead():
    text = KEY_TERMINAL + "anniversary: 2015-12-10\n"
    assert due(text, "anniversary") == [
        ("2026-12-10", -16, "店庆 11周年 2026-12-10, 提前准备促销/礼品支持")]


def test_bereavement_is_due_at_once_and_outranks_everything():
    text = KEY_TERMINAL + ("contacts:\n  - name: 王芳\n    events: [{date: 2026-11-23, kind: "
                           "bereavement, note: 父亲去世}]\n"
                           "visits:\n  - {date: 2026-11-01, kind: visit}\n")
    reminders, _ = morning_list([customer(text)], settings(), TODAY)
    assert reminders[0].reason == "event"
    assert reminders[0].overdue_days(TODAY) == 1
    assert reminders[0].urgency > max(r.urgency for r in reminders[1:])


def test_wedding_is_congratulated_ahead():
    text = KEY_TERMINAL + ("contacts:\n  - name: 王芳\n    events: [{date: 2026-12-06, kind: 结婚,"
                           " note: 女儿结婚}]\n")
    assert due(text, "event") == [("2026-12-06", -12, "王芳 结婚: 女儿结婚, 道贺")]


def test_report_missing_after_the_deadline():
    text = KEY_TERMINAL.replace("months: {2026-10: {reported: 2026-11-05}}", "months: {}")
    assert due(text, "report_missing") == [
        ("2026-11-10", 14, "2026-10 的出销/库存/动销未上报 (截止 2026-11-10)")]
    assert due(KEY_TERMINAL, "report_missing") == []


def test_intel_with_one_source_is_unconfirmed():
    text = KEY_TERMINAL + ("intel:\n  - {date: 2026-11-20, claim: 准备接手竞品乙, sources: [店员小张]}\n"
                           "  - {date: 2026-11-20, claim: 老板换人, sources: [小张, 老王]}\n")
    assert due(text, "intel_unconfirmed") == [
        ("2026-11-27", -3, "“准备接手竞品乙” 只有 1 个信源, 需 2 个独立信源核实")]


def test_customers_of_a_rep_who_left_are_orphans():
    text = KEY_TERMINAL + "owner: 张强\n"
    kq_yaml = "reps:\n  - {name: 李明}\n  - {name: 张强, left: 2026-10-31}\n"
    assert due(text, "orphan", kq_yaml=kq_yaml)[0][:2] == ("2026-10-31", 24)


@pytest.mark.parametrize("extra, needle", [
    ("months:\n  2026-08: {collections: 9, reported: 2026-09-05}\n"
     "  2026-09: {collections: 8, reported: 2026-10-05}\n"
     "  2026-10: {collections: 7, reported: 2026-11-05}\n", "回款连续 3 个月下滑"),
    ("months: {2026-10: {inventory: 50000, sell_out: 10000, reported: 2026-11-05}}\n", "库存"),
    ("products: [{name: 竞品乙, competitor: true, since: 2026-10-20}]\n", "新进竞品"),
    ("products: [{name: AD奶, stage: decline}, {name: 新品, stage: intro}]\n", "利润链断裂"),
])
def test_risk_signals(extra, needle):
    text = KEY_TERMINAL.replace("months: {2026-10: {reported: 2026-11-05}}\n", "") + extra
    assert any(needle in message for _, _, message in due(text, "risk"))


def test_key_account_untouched_for_twice_its_cadence_is_a_risk():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-10, kind: call}\n"
    assert due(text, "risk") == [("2026-11-20", 4, "重点客户 14 天未联系 (上次 2026-11-10)")]


def test_care_call_interval_is_irregular_but_stable():
    last = dt.date(2026, 10, 1)
    first = care_call_interval("hx", last, 20, 40)
    assert first == care_call_interval("hx", last, 20, 40)
    assert 20 <= first <= 40
    gaps = {care_call_interval("hx", last + dt.timedelta(days=n), 20, 40) for n in range(10)}
    assert len(gaps) > 3


def test_holiday_winter_solstice_within_thirty_days():
    reminders, _ = morning_list([], settings(), TODAY, within=30)
    assert [(r.name, r.due.isoformat()) for r in reminders if r.reason == "holiday"] == [
        ("冬至", "2026-12-22")]


def test_expense_statement_due_third_working_day_with_adjusted_days():
    # October 2026: the National Day holiday runs to the 7th; the 10th (a Saturday) is a
    # working day, so the 3rd working day is Saturday the 10th.
    reminders, covered = morning_list([], settings("reps: [{name: 李明}]"),
                                      dt.date(2026, 10, 8), within=5)
    statement = [r for r in reminders if r.reason == "expense_statement"]
    assert [(r.name, r.due.isoformat()) for r in statement] == [("李明", "2026-10-10")]
    assert covered


def test_expense_statement_falls_back_to_weekdays_for_uncovered_years():
    reminders, covered = morning_list([], settings("reps: [{name: 李明}]"),
                                      dt.date(2030, 1, 1), within=10)
    statement = [r for r in reminders if r.reason == "expense_statement"]
    assert statement[0].due == dt.date(2030, 1, 3)  # Tue 1, Wed 2, Thu 3 (Mon-Fri)
    assert not covered


def test_extra_days_off_in_kq_yaml_move_the_deadline():
    kq_yaml = "reps: [{name: 李明}]\ndue: {extra_days_off: [2030-01-02]}\n"
    reminders, _ = morning_list([], settings(kq_yaml), dt.date(2030, 1, 1), within=10)
    assert [r.due for r in reminders if r.reason == "expense_statement"] == [dt.date(2030, 1, 4)]


def test_key_account_outranks_normal_terminal_for_the_same_lateness():
    key = customer(KEY_TERMINAL.replace("kind: terminal", "kind: key_account")
                   + "visits: [{date: 2026-11-10, kind: visit}]\n", "key")
    normal = customer(KEY_TERMINAL.replace("tier: key", "tier: normal")
                      + "visits: [{date: 2026-10-20, kind: visit}]\n", "normal")
    reminders, _ = morning_list([normal, key], settings(), TODAY)
    visits = [r.customer for r in reminders if r.reason == "visit"]
    assert visits == ["key", "normal"]


# --- through the command line ------------------------------------------------------------

def test_due_json_keys_and_fail_on_overdue(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL + "visits:\n  - {date: 2026-11-17, kind: visit}\n"})
    result = kq("--repo", root, "--today", "2026-11-24", "due", "--reason", "visit",
                "--format", "json", "--fail-on", "overdue")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert rows == [{"customer": "hx", "name": "华信大药房", "reason": "visit",
                     "due": "2026-11-22", "overdue_days": 2, "urgency": 9.0,
                     "message": "上次拜访 2026-11-17 (每 3-5 天)", "owner": None,
                     "region": None, "time": None}]


def test_due_explain_shows_the_terms(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL + "visits:\n  - {date: 2026-11-17, kind: visit}\n"})
    result = kq("--repo", root, "--today", "2026-11-24", "due", "--explain", "hx")
    assert result.exit_code == 0
    assert "+5.0  reason visit" in result.stdout
    assert "+1.0  overdue 2d × 0.5" in result.stdout
    assert "+3.0  tier key" in result.stdout
    assert "9.0  = urgency" in result.stdout


def test_due_unknown_reason_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL})
    result = kq("--repo", root, "due", "--reason", "visits")
    assert result.exit_code == 2
    assert "is not one of" in result.stderr
