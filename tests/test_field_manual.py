"""The rest of the field manual (issue 15): deep visits, seasonal buyers, cross-region dumping,
the expense check, area alerts and decision styles, with exact dates and figures."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from helpers import TODAY, due, settings

from kqcli.core.due import morning_list

KEY_TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: key
    region: 昆明/五华区
""").lstrip()


# 蹲点 deep visits

def test_deep_visit_is_due_thirty_days_after_the_last_one():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-10-25, kind: deep_visit}\n"
    assert due(text, "deep_visit") == [
        ("2026-11-24", 0, "上次蹲点 2026-10-25 (每 25-30 天), 蹲点现场解决问题")]


def test_deep_visit_shows_from_day_twenty_five():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-10-31, kind: deep_visit}\n"
    assert due(text, "deep_visit") == []  # day 24
    assert due(text, "deep_visit", today=dt.date(2026, 11, 25))[0][:2] == ("2026-11-30", -5)


def test_key_terminal_never_deep_visited_is_due_today():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-23, kind: visit}\n"
    assert due(text, "deep_visit") == [("2026-11-24", 0, "重点终端从未蹲点, 安排蹲点现场解决问题")]


def test_only_key_terminals_get_deep_visits():
    secondary = KEY_TERMINAL.replace("tier: key", "tier: secondary")
    key_account = KEY_TERMINAL.replace("kind: terminal", "kind: key_account")
    assert due(secondary, "deep_visit") == []
    assert due(key_account, "deep_visit") == []


def test_deep_visit_days_are_configurable():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-01, kind: deep_visit}\n"
    # Day 14 is Sunday 11-15: the window's last working day is Friday 11-13.
    assert due(text, "deep_visit", kq_yaml="due: {deep_visit_days: [10, 14]}\n")[0][:2] == (
        "2026-11-13", 11)


def test_deep_visit_alias_counts_as_in_person():
    text = KEY_TERMINAL + ("visits:\n  - {date: 2026-11-10, kind: visit}\n"
                           "  - {date: 2026-11-21, kind: 蹲点}\n")
    assert due(text, "visit") == [("2026-11-26", -2, "上次拜访 2026-11-21 (每 3-5 天)")]
    assert due(text, "deep_visit", within=30)[0][:2] == ("2026-12-21", -27)


def test_logging_a_deep_visit_by_its_chinese_name(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL})
    result = kq("--repo", root, "--today", "2026-11-24", "log", "hx", "--kind", "蹲点",
                "--goal", "解决缺货")
    assert result.exit_code == 0, result.output
    result = kq("--repo", root, "--today", "2026-11-24", "due", "--reason", "deep_visit",
                "--within", "40", "--format", "json")
    assert [(r["due"], r["message"]) for r in json.loads(result.stdout)] == [
        ("2026-12-24", "上次蹲点 2026-11-24 (每 25-30 天), 蹲点现场解决问题")]


# Seasonal buyers

SEASONAL = textwrap.dedent("""
    name: 春秋农资店
    kind: terminal
    status: active
    tier: normal
    seasons: [3, 9]
""").lstrip()


def test_seasonal_visit_is_due_on_the_first_of_the_season_month():
    text = SEASONAL + "visits:\n  - {date: 2026-03-05, kind: visit}\n"
    assert due(text, "visit", today=dt.date(2026, 8, 20)) == [
        ("2026-09-01", -12, "进货季 9月 前拜访 (季节性客户, 3/9月进货; 上次拜访 2026-03-05)")]


def test_seasonal_visit_shows_fourteen_days_ahead():
    text = SEASONAL + "visits:\n  - {date: 2026-03-05, kind: visit}\n"
    assert due(text, "visit", today=dt.date(2026, 8, 17)) == []
    assert due(text, "visit", today=dt.date(2026, 8, 18))[0][:2] == ("2026-09-01", -14)


def test_seasonal_buyer_has_no_monthly_cadence_between_seasons():
    text = SEASONAL + "visits:\n  - {date: 2026-03-05, kind: visit}\n"
    assert due(text, "visit", today=dt.date(2026, 6, 1)) == []


def test_visit_in_the_lead_time_serves_the_season_and_points_to_the_next():
    text = SEASONAL + "visits:\n  - {date: 2026-08-25, kind: visit}\n"
    assert due(text, "visit", today=dt.date(2026, 8, 26)) == []
    assert due(text, "visit", today=dt.date(2026, 8, 26), within=200)[0][:2] == (
        "2027-03-01", -187)


def test_missed_season_visit_stays_overdue():
    text = SEASONAL + "visits:\n  - {date: 2026-03-05, kind: visit}\n"
    assert due(text, "visit", today=dt.date(2026, 9, 10))[0][:2] == ("2026-09-01", 9)


def test_season_lead_days_are_configurable():
    text = SEASONAL + "visits:\n  - {date: 2026-03-05, kind: visit}\n"
    assert due(text, "visit", today=dt.date(2026, 8, 20),
               kq_yaml="due: {season_lead_days: 7}\n") == []


def test_a_season_outside_one_to_twelve_is_a_located_problem(make_repo, kq):
    root = make_repo({"cq": "name: 春秋农资店\nseasons: [3, 13]\n"})
    result = kq("--repo", root, "--lang", "en", "check")
    assert result.exit_code == 1
    assert "cq.yaml:2:" in result.stdout
    assert "13: a season is a month, 1-12" in result.stdout


# Cross-region dumping (冲货)

DISTRIBUTOR = textwrap.dedent("""
    name: 昆明通达商贸
    kind: distributor
    status: active
""").lstrip()


def test_shipments_beyond_sell_out_and_stock_increase_are_dumping():
    text = DISTRIBUTOR + textwrap.dedent("""
        months:
          2026-09: {inventory: 50000}
          2026-10: {shipments: 100000, sell_out: 40000, inventory: 60000}
    """)
    assert due(text, "risk") == [("2026-11-24", 0, "2026-10 疑似冲货: 提货 100,000, 出销 40,000, "
                                                   "库存变化 +10,000; 50,000 (50%) 去向不明 (>30%)")]


def test_a_gap_of_exactly_the_share_is_not_dumping():
    text = DISTRIBUTOR + textwrap.dedent("""
        months:
          2026-09: {inventory: 50000}
          2026-10: {shipments: 100000, sell_out: 60000, inventory: 60000}
    """)
    assert due(text, "risk") == []


def test_dumping_skips_a_month_whose_figures_are_missing():
    text = DISTRIBUTOR + textwrap.dedent("""
        months:
          2026-08: {inventory: 0}
          2026-09: {shipments: 80000, sell_out: 20000, inventory: 10000}
          2026-10: {shipments: 100000, inventory: 60000}
    """)
    assert due(text, "risk") == [("2026-11-24", 0, "2026-09 疑似冲货: 提货 80,000, 出销 20,000, "
                                                   "库存变化 +10,000; 50,000 (62%) 去向不明 (>30%)")]


def test_stock_that_fell_without_being_sold_out_also_left_the_territory():
    text = DISTRIBUTOR + textwrap.dedent("""
        months:
          2026-09: {inventory: 80000}
          2026-10: {shipments: 100000, sell_out: 90000, inventory: 50000}
    """)
    assert due(text, "risk") == [("2026-11-24", 0, "2026-10 疑似冲货: 提货 100,000, 出销 90,000, "
                                                   "库存变化 -30,000; 40,000 (40%) 去向不明 (>30%)")]


def test_dumping_share_is_configurable():
    text = DISTRIBUTOR + textwrap.dedent("""
        months:
          2026-09: {inventory: 50000}
          2026-10: {shipments: 100000, sell_out: 40000, inventory: 60000}
    """)
    assert due(text, "risk", kq_yaml="risk: {dumping_share: 0.6}\n") == []


def test_terminals_are_not_judged_for_dumping():
    text = KEY_TERMINAL + textwrap.dedent("""
        visits:
          - {date: 2026-11-23, kind: deep_visit}
        months:
          2026-09: {inventory: 50000}
          2026-10: {shipments: 100000, sell_out: 40000, inventory: 60000}
    """)
    assert due(text, "risk") == []


# The expense check (8th working day)

def check_rows(kq_yaml: str, today: dt.date = TODAY, within: int | None = None,
               statements: dict | None = None) -> list:
    reminders, _ = morning_list([], settings(kq_yaml), today, within, found=[], owners=set(),
                                statements=statements)
    return [(r.name, r.owner, r.due.isoformat(), r.message.text("zh")) for r in reminders
            if r.reason == "expense_check"]


def test_manager_checks_each_statement_on_the_eighth_working_day():
    assert check_rows("reps: [{name: 李明}]\n", today=dt.date(2026, 12, 7)) == [
        ("李明", None, "2026-12-10", "审核 李明 2026-11 客户采购及客情费统计表, 第 8 个工作日 "
                                     "2026-12-10 前 (三方签齐后第 9 个工作日 2026-12-11 起支付); "
                                     "未提交")]


def test_expense_check_shows_three_days_ahead():
    assert check_rows("reps: [{name: 李明}]\n", today=dt.date(2026, 12, 6)) == []


def test_a_rep_who_left_during_the_month_still_has_a_statement_to_check():
    kq_yaml = ("reps: [{name: 李明}, {name: 张强, left: 2026-11-15}, "
               "{name: 赵六, left: 2026-10-31}]\n")
    signed = {"submitted": "2026-11-02", **{role: {"by": "周敏", "date": "2026-11-05"}
                                            for role in ("clerk", "manager", "finance")}}
    october = {"2026-10": {rep: signed for rep in ("李明", "张强", "赵六")}}
    assert [row[0] for row in check_rows(kq_yaml, within=30, statements=october)] == [
        "张强", "李明"]


# Area alerts

ALERT_YAML = "alerts:\n  - {region: 昆明/五华区, from: 2026-11-23, to: 2026-11-26, note: 暴雨}\n"


def test_active_customer_in_the_region_gets_a_daily_alert_call():
    assert due(KEY_TERMINAL, "alert", kq_yaml=ALERT_YAML) == [
        ("2026-11-24", 0, "关心客户安全: 暴雨 (昆明/五华区 2026-11-23 至 2026-11-26, 每天联系)")]


def test_a_call_logged_today_answers_todays_alert():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-24, kind: call}\n"
    assert due(text, "alert", kq_yaml=ALERT_YAML) == []
    assert due(text, "alert", kq_yaml=ALERT_YAML, within=1)[0][:2] == ("2026-11-25", -1)


def test_a_wechat_does_not_answer_an_alert():
    text = KEY_TERMINAL + "visits:\n  - {date: 2026-11-24, kind: wechat}\n"
    assert due(text, "alert", kq_yaml=ALERT_YAML)[0][:2] == ("2026-11-24", 0)


def test_alert_ends_after_its_last_day():
    assert due(KEY_TERMINAL, "alert", today=dt.date(2026, 11, 27), kq_yaml=ALERT_YAML) == []


def test_alert_matches_regions_by_prefix_and_only_active_customers():
    city = "alerts:\n  - {region: 昆明, from: 2026-11-23, to: 2026-11-26}\n"
    assert due(KEY_TERMINAL, "alert", kq_yaml=city)[0][2] == (
        "关心客户安全 (昆明 2026-11-23 至 2026-11-26, 每天联系)")
    elsewhere = KEY_TERMINAL.replace("昆明/五华区", "曲靖/麒麟区")
    prospect = KEY_TERMINAL.replace("status: active", "status: prospect")
    assert due(elsewhere, "alert", kq_yaml=ALERT_YAML) == []
    assert due(prospect, "alert", kq_yaml=ALERT_YAML) == []


def test_an_alert_ending_before_it_starts_is_a_settings_problem(make_repo, kq):
    root = make_repo({}, kq_yaml="alerts:\n  - {region: 昆明, from: 2026-11-23, to: 2026-11-20}\n")
    result = kq("--repo", root, "--lang", "en", "check")
    assert result.exit_code == 1
    assert "to 2026-11-20 is before from 2026-11-23" in result.stdout


def test_kq_alert_appends_to_kq_yaml_keeping_its_text(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL}, kq_yaml="# 我们的设置\nreps: [{name: 李明}]  # 团队\n")
    result = kq("--repo", root, "--today", "2026-11-24", "alert", "昆明/五华区",
                "--to", "2026-11-26", "--note", "暴雨")
    assert result.exit_code == 0, result.output
    assert (root / "kq.yaml").read_text(encoding="utf-8") == (
        "# 我们的设置\nreps: [{name: 李明}]  # 团队\nalerts:\n  - region: 昆明/五华区\n"
        "    from: 2026-11-24\n    to: 2026-11-26\n    note: 暴雨\n")
    listed = kq("--repo", root, "--today", "2026-11-24", "due", "--reason", "alert",
                "--format", "json")
    assert [r["customer"] for r in json.loads(listed.stdout)] == ["hx"]


def test_kq_alert_list_says_which_alerts_run(make_repo, kq):
    root = make_repo({}, kq_yaml=ALERT_YAML + "  - {region: 曲靖, from: 2026-07-01, to: 2026-07-03}\n")
    result = kq("--repo", root, "--today", "2026-11-24", "alert", "--list", "--format", "json")
    assert [(a["region"], a["state"]) for a in json.loads(result.stdout)] == [
        ("昆明/五华区", "active"), ("曲靖", "ended")]


def test_kq_alert_end_makes_yesterday_the_last_day(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL}, kq_yaml=ALERT_YAML)
    result = kq("--repo", root, "--today", "2026-11-24", "alert", "--end", "昆明/五华区")
    assert result.exit_code == 0, result.output
    assert "to: 2026-11-23" in (root / "kq.yaml").read_text(encoding="utf-8")
    listed = kq("--repo", root, "--today", "2026-11-24", "due", "--reason", "alert",
                "--format", "json")
    assert json.loads(listed.stdout) == []


def test_kq_alert_without_an_end_day_is_a_usage_error(make_repo, kq):
    root = make_repo({}, kq_yaml="")
    result = kq("--repo", root, "--today", "2026-11-24", "alert", "昆明")
    assert result.exit_code == 2
    assert "--to: 新预警需要结束日期" in result.output
    assert (root / "kq.yaml").read_text(encoding="utf-8") == ""


def test_a_kq_yaml_listing_some_reason_weights_keeps_the_new_defaults():
    weights = settings("urgency: {reasons: {visit: 9}}\n").urgency.reasons
    assert (weights["visit"], weights["alert"], weights["deep_visit"]) == (9, 12.0, 4.0)


# Decision styles

STYLED = KEY_TERMINAL + textwrap.dedent("""
    contacts:
      - {name: 小李, role: 店员}
      - {name: 王芳, role: 店长, style: 检查型}
    visits:
      - {date: 2026-11-14, kind: visit}
""")


def test_visit_names_the_contact_to_see_and_how_to_work_with_their_style():
    assert due(STYLED, "visit") == [("2026-11-19", 5, "上次拜访 2026-11-14 (每 3-5 天); 见 王芳(店长), "
                                                      "检查型: 任务导向, 要精确讲逻辑: 讲清实际适用性")]


def test_route_names_the_contact_to_see():
    text = STYLED + "route: {weekday: tue, time: '09:30'}\n"
    assert due(text, "route")[0][2] == ("固定拜访 周二 09:30; 见 王芳(店长), 检查型: 任务导向, "
                                        "要精确讲逻辑: 讲清实际适用性")


def test_show_prints_the_advice_under_a_styled_contact(make_repo, kq):
    root = make_repo({"hx": STYLED})
    result = kq("--repo", root, "show", "hx")
    assert result.exit_code == 0, result.output
    assert "王芳 检查型: 任务导向, 要精确讲逻辑: 讲清实际适用性" in result.stdout
