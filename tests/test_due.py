"""kq due: each reason on hand-written customers, with exact due dates and overdue days."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from typing import Any

import pytest
from helpers import TODAY, due, settings
from helpers import daily_row as customer

from kqcli.core.due import care_call_interval, morning_list

SIGNED = {"submitted": "2000-01-01", **{role: {"by": "周敏", "date": "2000-01-01"}
                                        for role in ("clerk", "manager", "finance")}}


def done(*months: str, rep: str = "李明") -> dict:
    """Statements of these months submitted and signed off (statements/YYYY-MM.yaml)."""
    return {month: {rep: SIGNED} for month in months}

KEY_TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: key
    months: {2026-10: {reported: 2026-11-05}}
""").lstrip()


def test_key_terminal_is_overdue_after_five_days():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-14, kind: visit}\n"
    assert due(text, "visit") == [("2026-11-19", 5, "上次拜访 2026-11-14 (每 3-5 天)")]


def test_key_terminal_visit_shows_from_day_three_and_is_due_on_day_five():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-21, kind: visit}\n"
    assert due(text, "visit") == [("2026-11-26", -2, "上次拜访 2026-11-21 (每 3-5 天)")]
    assert due(text, "visit", today=dt.date(2026, 11, 23)) == []


def test_calls_do_not_reset_the_visit_clock():
    text = KEY_TERMINAL + ("visits:\n  - {date: 2026-11-10, kind: visit}\n"
                           "  - {date: 2026-11-23, kind: call}\n")
    assert due(text, "visit")[0][:2] == ("2026-11-13", 11)  # 11-15 is a Sunday: Friday 11-13


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


def test_next_action_stays_open_after_a_later_interaction():
    text = KEY_TERMINAL + ("visits:\n  - date: 2026-11-20\n    kind: visit\n"
                           "    next: {date: 2026-11-22, action: 送陈列物料}\n")
    assert due(text, "next_action") == [("2026-11-22", 2, "送陈列物料 (约定于 2026-11-20)")]
    later = text + "  - {date: 2026-11-23, kind: wechat}\n"
    assert due(later, "next_action") == [("2026-11-22", 2, "送陈列物料 (约定于 2026-11-20)")]


def test_next_action_closes_with_done_on():
    text = KEY_TERMINAL + ("visits:\n  - date: 2026-11-20\n    kind: visit\n"
                           "    next: {date: 2026-11-22, action: 送陈列物料, done_on: 2026-11-23}\n")
    assert due(text, "next_action") == []


def test_several_open_steps_are_each_listed():
    text = KEY_TERMINAL + ("visits:\n"
                           "  - {date: 2026-11-18, kind: visit, next: {date: 2026-11-25, action: 送端架}}\n"
                           "  - {date: 2026-11-20, kind: call, next: {date: 2026-11-21, action: 寄样品}}\n")
    assert due(text, "next_action") == [("2026-11-21", 3, "寄样品 (约定于 2026-11-20)"),
                                        ("2026-11-25", -1, "送端架 (约定于 2026-11-18)")]


def test_terminated_customer_keeps_its_open_step():
    text = KEY_TERMINAL.replace("status: active", "status: terminated") + (
        "visits:\n  - {date: 2026-11-20, kind: visit, "
        "next: {date: 2026-11-25, action: 收回陈列物料并收尾款}}\n")
    assert due(text, "next_action") == [("2026-11-25", -1, "收回陈列物料并收尾款 (约定于 2026-11-20)")]
    assert due(text, "visit") == []


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
    assert due(text, "risk") == [("2026-11-20", 4, "重点客户超过 10 天未联系 (上次 2026-11-10)")]


def test_care_call_interval_is_irregular_but_stable():
    last = dt.date(2026, 10, 1)
    first = care_call_interval("hx", last, 20, 40)
    assert first == care_call_interval("hx", last, 20, 40)
    assert 20 <= first <= 40
    gaps = {care_call_interval("hx", last + dt.timedelta(days=n), 20, 40) for n in range(10)}
    assert len(gaps) > 3


def test_holiday_winter_solstice_within_thirty_days_per_customer_with_its_owner():
    text = KEY_TERMINAL + "owner: 李明\nvisits: [{date: 2026-11-20, kind: visit}]\n"
    reminders, _ = morning_list([customer(text, "hx")], settings(), TODAY, within=30)
    assert [(r.customer, r.owner, r.name, r.due.isoformat(), r.message.text("zh")) for r in reminders
            if r.reason == "holiday"] == [
        ("hx", "李明", "华信大药房", "2026-12-22", "冬至 2026-12-22: 个性化问候, 不要群发")]


def test_festival_greetings_go_to_key_and_secondary_tiers_and_key_accounts_only():
    normal = customer(KEY_TERMINAL.replace("tier: key", "tier: normal"), "normal")
    account = customer(KEY_TERMINAL.replace("tier: key\n", "").replace(
        "kind: terminal", "kind: key_account"), "ka")
    distributor = customer(KEY_TERMINAL.replace("tier: key\n", "").replace(
        "kind: terminal", "kind: distributor"), "dist")
    reminders, _ = morning_list([normal, account, distributor], settings(), TODAY, within=30)
    assert sorted(r.customer for r in reminders if r.reason == "holiday") == ["dist", "ka"]
    only_normal = settings("due: {greet: {tiers: [normal], kinds: []}}")
    reminders, _ = morning_list([normal, account, distributor], only_normal, TODAY, within=30)
    assert [r.customer for r in reminders if r.reason == "holiday"] == ["normal"]


def test_expense_statement_due_third_working_day_with_adjusted_days():
    # October 2026: the National Day holiday runs to the 7th; the 10th (a Saturday) is a
    # working day, so the 3rd working day is Saturday the 10th.
    reminders, covered = morning_list([], settings("reps: [{name: 李明}]"),
                                      dt.date(2026, 10, 8), within=5, statements=done("2026-08"))
    statement = [r for r in reminders if r.reason == "expense_statement"]
    assert [(r.name, r.due.isoformat()) for r in statement] == [("李明", "2026-10-10")]
    assert covered


def test_expense_statement_falls_back_to_weekdays_for_uncovered_years():
    reminders, covered = morning_list([], settings("reps: [{name: 李明}]"),
                                      dt.date(2030, 1, 1), within=10, statements=done("2029-11"))
    statement = [r for r in reminders if r.reason == "expense_statement"]
    # 元旦 Tue 1 is a statutory day off; Wed 2, Thu 3, Fri 4.
    assert statement[0].due == dt.date(2030, 1, 4)
    assert statement[0].estimated
    assert not covered


def test_extra_days_off_in_kq_yaml_move_the_deadline():
    kq_yaml = "reps: [{name: 李明}]\ndue: {extra_days_off: [2030-01-02]}\n"
    reminders, _ = morning_list([], settings(kq_yaml), dt.date(2030, 1, 1), within=10,
                                statements=done("2029-11"))
    # 元旦 Tue 1 and the team's Wed 2 off: Thu 3, Fri 4, Mon 7.
    assert [r.due for r in reminders if r.reason == "expense_statement"] == [dt.date(2030, 1, 7)]


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
    root = make_repo({"hx": KEY_TERMINAL + "visits:\n  - {date: 2026-11-14, kind: visit}\n"})
    result = kq("--repo", root, "--today", "2026-11-24", "due", "--reason", "visit",
                "--format", "json", "--fail-on", "overdue")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert rows == [{"customer": "hx", "name": "华信大药房", "reason": "visit",
                     "due": "2026-11-19", "overdue_days": 5, "urgency": 10.5,
                     "message": "上次拜访 2026-11-14 (每 3-5 天)", "message_key": "visit_last",
                     "message_params": {"last": "2026-11-14", "shows": 3, "days": 5,
                                        "moved": "", "see": ""},
                     "owner": None, "region": None, "time": None, "estimated": False}]


def test_due_explain_shows_the_terms(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL + "visits:\n  - {date: 2026-11-14, kind: visit}\n"})
    result = kq("--lang", "en", "--repo", root, "--today", "2026-11-24", "due", "--explain", "hx")
    assert result.exit_code == 0
    assert "+5.0  reason visit" in result.stdout
    assert "+2.5  overdue 5d × 0.5" in result.stdout
    assert "+3.0  tier key" in result.stdout
    assert "10.5  = urgency" in result.stdout


def test_due_explain_is_a_section_per_reminder_with_the_terms_aligned(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL + "visits:\n  - {date: 2026-11-14, kind: visit}\n"})
    result = kq("--lang", "en", "--repo", root, "--today", "2026-11-24", "due", "--explain", "hx")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    start = next(n for n, line in enumerate(lines) if line.startswith("visit "))
    assert lines[start:start + 5] == [
        "visit due 2026-11-19 (+5 days, shown): last visit 2026-11-14 (every 3-5 days)",
        "    +5.0  reason visit",
        "    +2.5  overdue 5d × 0.5",
        "    +3.0  tier key",
        "    10.5  = urgency",
    ]


def test_due_unknown_reason_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL})
    result = kq("--lang", "en", "--repo", root, "due", "--reason", "visits")
    assert result.exit_code == 2
    assert "is not one of" in result.stderr


# --- issue 9: nothing closes unless done -----------------------------------------------------

FUSHOU = KEY_TERMINAL + ('contacts:\n  - {name: 赵德明, role: 老板, lunar_birthday: "10-20"}\n'
                         "visits:\n  - {date: 2026-11-21, kind: visit}\n")


def test_weekend_lunar_birthday_stays_overdue_on_monday():
    # 农历十月二十 = Sat 2026-11-28; nothing logged since the lead time began (11-21 is its start,
    # so log a visit before it).
    text = FUSHOU.replace("2026-11-21", "2026-11-20")
    assert due(text, "birthday", today=dt.date(2026, 11, 30)) == [
        ("2026-11-28", 2, "赵德明(老板) 农历生日 十月二十 (2026-11-28)")]


def test_missed_birthday_drops_after_the_grace_period():
    text = FUSHOU.replace("2026-11-21", "2026-11-20")
    assert due(text, "birthday", today=dt.date(2026, 12, 5))[0][:2] == ("2026-11-28", 7)
    assert due(text, "birthday", today=dt.date(2026, 12, 6)) == []
    grace = "due: {greeting_grace_days: 2}"
    assert due(text, "birthday", today=dt.date(2026, 12, 1), kq_yaml=grace) == []


def test_a_dropped_greeting_is_reported_for_verbose():
    from kqcli.core.due import customer_reminders

    text = FUSHOU.replace("2026-11-21", "2026-11-20")
    dropped: list[Any] = []
    customer_reminders([customer(text)], settings(), dt.date(2026, 12, 6), dropped=dropped)
    assert [m.text("zh") for m in dropped] == [
        "华信大药房: 赵德明(老板) 农历生日 十月二十 (2026-11-28) (2026-11-28) 已过 7 天没有问候, 不再列出"]
    assert [m.text("en") for m in dropped] == [
        "华信大药房: 赵德明(老板): lunar birthday 10-20 (2026-11-28) (2026-11-28) passed 7 days "
        "ago unanswered; no longer listed"]


def test_a_greeting_logged_for_the_birthday_from_its_lead_time_start_closes_it_at_once():
    # The visit on 11-21 is on the lead-time start (11-28 minus 7 days), logged for it.
    text = FUSHOU.replace("kind: visit}", "kind: visit, for: [birthday]}")
    assert due(text, "birthday", today=dt.date(2026, 11, 30)) == []
    assert due(text, "birthday", today=dt.date(2026, 11, 21)) == []


def test_a_visit_before_the_birthday_not_logged_for_it_does_not_close_it():
    assert due(FUSHOU, "birthday", today=dt.date(2026, 11, 30))[0][:2] == ("2026-11-28", 2)


def test_missed_festival_greeting_stays_overdue():
    text = KEY_TERMINAL + "visits: [{date: 2026-12-01, kind: visit}]\n"
    assert due(text, "holiday", today=dt.date(2026, 12, 24)) == [
        ("2026-12-22", 2, "冬至 2026-12-22: 个性化问候, 不要群发"),
        ("2027-01-01", -8, "元旦 2027-01-01: 个性化问候, 不要群发")]
    greeted = KEY_TERMINAL + "visits: [{date: 2026-12-15, kind: wechat, for: [holiday]}]\n"
    assert [d for d, _, _ in due(greeted, "holiday", today=dt.date(2026, 12, 24))] == ["2027-01-01"]
    after = KEY_TERMINAL + "visits: [{date: 2026-12-23, kind: wechat}]\n"
    assert [d for d, _, _ in due(after, "holiday", today=dt.date(2026, 12, 24))] == ["2027-01-01"]


def test_missed_wedding_stays_overdue_for_the_grace_period():
    text = KEY_TERMINAL + ("contacts:\n  - name: 王芳\n    events: [{date: 2026-11-20, kind: 结婚,"
                           " note: 女儿结婚}]\n")
    assert due(text, "event") == [("2026-11-20", 4, "王芳 结婚: 女儿结婚, 道贺")]
    assert due(text, "event", today=dt.date(2026, 11, 28)) == []


def test_follow_up_is_closed_only_by_calls_and_visits():
    text = KEY_TERMINAL + ("visits:\n  - {date: 2026-11-18, kind: delivery}\n"
                           "  - {date: 2026-11-20, kind: wechat}\n"
                           "  - {date: 2026-11-21, kind: care_call}\n")
    assert due(text, "follow_up") == [
        ("2026-11-20", 4, "到货 2026-11-18 后第一次回访; 2026-11-21 休息, 提前到 2026-11-20")]
    called = text + "  - {date: 2026-11-22, kind: call}\n"
    assert due(called, "follow_up") == []  # second call due 11-27 (11-29 is a Sunday), shown from 11-26
    wechat_counts = "due: {follow_up_kinds: [call, visit, wechat]}"
    assert due(text, "follow_up", kq_yaml=wechat_counts) == []


def test_unconfirmed_intel_stays_after_ninety_days_until_dismissed():
    text = KEY_TERMINAL + "intel:\n  - {date: 2026-08-01, claim: 年底换品牌, sources: [小张]}\n"
    assert due(text, "intel_unconfirmed", today=dt.date(2026, 12, 8))[0][:2] == ("2026-08-08", 122)
    dismissed = text.replace("sources: [小张]}", "sources: [小张], dismissed: 2026-12-01}")
    assert due(dismissed, "intel_unconfirmed", today=dt.date(2026, 12, 8)) == []
    confirmed = text.replace("sources: [小张]}", "sources: [小张, 老王]}")
    assert due(confirmed, "intel_unconfirmed", today=dt.date(2026, 12, 8)) == []


def test_care_calls_for_untiered_key_accounts_and_distributors():
    account = KEY_TERMINAL.replace("tier: key\n", "").replace("kind: terminal", "kind: key_account")
    text = account + "visits: [{date: 2026-11-20, kind: care_call}]\n"
    assert len(due(text, "care_call", within=60)) == 1
    terminal = KEY_TERMINAL.replace("tier: key\n", "") + "visits: [{date: 2026-11-20, kind: care_call}]\n"
    assert due(terminal, "care_call", within=60) == []
    assert due(text, "care_call", within=60, kq_yaml="due: {care_call_kinds: []}") == []


def test_future_store_opening_is_an_opening_not_year_zero():
    text = KEY_TERMINAL + "anniversary: 2026-12-08\n"
    assert due(text, "opening") == [("2026-12-08", -14, "新店开业 2026-12-08, 提前准备促销/礼品支持")]
    assert due(text, "anniversary") == []
    next_year = due(text, "anniversary", today=dt.date(2027, 11, 24))
    assert next_year == [("2027-12-08", -14, "店庆 1周年 2027-12-08, 提前准备促销/礼品支持")]


def test_route_on_a_public_holiday_is_skipped_not_overdue():
    # Thursday route; 2026-10-01 is 国庆. On 10-03 the route is next due on 10-08.
    text = KEY_TERMINAL.replace("kind: terminal", "kind: key_account") + (
        "route: {weekday: thu, time: '09:30'}\nvisits: [{date: 2026-09-24, kind: visit}]\n")
    assert due(text, "route", today=dt.date(2026, 10, 3), within=7) == [
        ("2026-10-08", -5, "固定拜访 周四 09:30, 10月1日节假日不去")]


def test_lunar_label_is_the_date_actually_used():
    from kqcli.core.dates import lunar_label

    assert lunar_label(dt.date(2026, 11, 28)) == "十月二十"
    assert lunar_label(dt.date(2026, 2, 16)) == "腊月廿九"  # 2025's 12th month has 29 days
    assert lunar_label(dt.date(2025, 8, 2)) == "闰六月初九"
    # A 30th asked for in a 29-day month falls on the 29th, and says so.
    text = KEY_TERMINAL + 'contacts:\n  - {name: 李姐, lunar_birthday: "12-30"}\n'
    assert due(text, "birthday", today=dt.date(2026, 2, 10)) == [
        ("2026-02-16", -6, "李姐 农历生日 腊月廿九 (2026-02-16)")]


def test_statutory_days_off_estimate_years_the_calendar_lacks():
    from kqcli.core.dates import WorkCalendar, statutory_days_off

    off = statutory_days_off(2027)
    assert {dt.date(2027, 1, 1), dt.date(2027, 2, 5), dt.date(2027, 2, 8), dt.date(2027, 4, 5),
            dt.date(2027, 5, 2), dt.date(2027, 10, 3)} <= off
    assert dt.date(2027, 2, 11) not in off and dt.date(2027, 10, 6) not in off
    day = WorkCalendar().day(dt.date(2027, 1, 1))
    assert (day.working, day.holiday, day.covered) == (False, True, False)


def test_estimated_year_is_flagged_only_when_a_listed_date_falls_in_it():
    reminders, covered = morning_list([], settings("reps: [{name: 李明}]"), dt.date(2026, 12, 4),
                                      statements=done("2026-11"))
    assert covered  # January 2027's statement is not listed yet
    reminders, covered = morning_list([], settings("reps: [{name: 李明}]"), dt.date(2027, 1, 4),
                                      statements=done("2026-11"))
    assert [r.due for r in reminders] == [dt.date(2027, 1, 6)]  # 元旦 Fri 1 off: Mon 4, Tue 5, Wed 6
    assert not covered


def test_owner_typo_is_a_usage_error_with_the_closest_names(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL + "owner: 李明\n"}, kq_yaml="reps: [{name: 李明}, {name: 王强}]")
    result = kq("--lang", "en", "--repo", root, "--today", "2026-11-24", "due", "--owner", "李名")
    assert result.exit_code == 2
    assert "--owner: 李名 is not a rep and owns no customer; did you mean 李明" in result.stderr
    ok = kq("--lang", "en", "--repo", root, "--today", "2026-11-24", "due", "--owner", "王强")
    assert ok.exit_code == 0


def test_festival_rows_are_grouped_per_rep_in_the_table(make_repo, kq):
    visited = "owner: 李明\nvisits: [{date: 2026-12-18, kind: visit}]\n"
    a = KEY_TERMINAL.replace("华信大药房", "甲药房") + visited
    b = KEY_TERMINAL.replace("华信大药房", "乙药房") + visited
    root = make_repo({"a": a, "b": b}, kq_yaml="reps: [{name: 李明}]")
    table = kq("--repo", root, "--today", "2026-12-20", "due", "--reason", "holiday")
    assert table.stdout.count("冬至") == 1
    assert "乙药房、甲药房" in table.stdout and "冬至: 给 2 位客户个性化问候" in table.stdout
    rows = json.loads(kq("--repo", root, "--today", "2026-12-20", "due", "--reason", "holiday",
                         "--format", "json").stdout)
    assert sorted((r["customer"], r["owner"]) for r in rows) == [("a", "李明"), ("b", "李明")]


def test_verbose_names_the_greeting_that_dropped_on_stderr(make_repo, kq):
    root = make_repo({"hx": FUSHOU.replace("2026-11-21", "2026-11-20")})
    quiet = kq("--lang", "en", "--repo", root, "--today", "2026-12-06", "due", "--reason", "birthday")
    assert "dropped" not in quiet.stderr
    loud = kq("--lang", "en", "--repo", root, "--today", "2026-12-06", "due", "--reason",
              "birthday", "--verbose")
    assert "kq: dropped 华信大药房: 赵德明(老板): lunar birthday 10-20 (2026-11-28)" in loud.stderr
    chinese = kq("--repo", root, "--today", "2026-12-06", "due", "--reason", "birthday",
                 "--verbose")
    assert "华信大药房: 赵德明(老板) 农历生日 十月二十 (2026-11-28)" in chinese.stderr


def test_a_terminal_page_shows_the_most_urgent_rows_of_each_section_then_how_many_more(capsys):
    from kqcli.cli.commands.due import _table
    from kqcli.schema.reasons import LABELS

    def row(n: int, reason: str, late: int) -> dict:
        return {"customer": f"c{n}", "name": f"客户{n}", "reason": reason, "due": "2026-11-20",
                "overdue_days": late, "urgency": 100 - n, "message": "m", "owner": None,
                "region": None, "time": None}

    data = [row(n, "visit", 4) for n in range(40)] + [row(n, "birthday", -4) for n in range(40, 50)]
    _table(data, LABELS, page=30)
    out = capsys.readouterr().out
    assert "客户0 " in out and "客户39 " not in out and "客户40 " in out
    assert out.rstrip().endswith(" 条 — kq due --all") and "还有 " in out.splitlines()[-1]
    _table(data, LABELS, page=None)
    everything = capsys.readouterr().out
    assert "客户39 " in everything and "kq due --all" not in everything


def test_the_same_source_spelt_with_other_spacing_does_not_confirm_a_claim():
    text = KEY_TERMINAL + ("intel:\n  - {date: 2026-11-20, claim: 准备接手竞品乙, "
                           "sources: [店员 小张, 店员  小张]}\n")
    assert due(text, "intel_unconfirmed")[0][2] == "“准备接手竞品乙” 只有 1 个信源, 需 2 个独立信源核实"
