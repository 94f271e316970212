"""kq plan: the day's stops for one rep, fitted into the working day (issue 27).

Today is Tuesday 2026-11-24; the working day is kq.yaml's default plan.day 08:30-17:30.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from helpers import daily_row, settings

from kqcli.core.plan import haversine_km, nearest_neighbour, path_cost, plan_day, tour

TODAY = dt.date(2026, 11, 24)  # a Tuesday
NO_CARE_CALLS = "care_calls: {tiers: []}\n"  # keep the desk to what a test is about


def terminal(cid: str, name: str, last: str, extra: str = "") -> tuple[dict, dict]:
    """A terminal of 李明's in 五华区, visited every 5-7 days, last on ``last``."""
    return daily_row(f"""
        name: {name}
        kind: terminal
        owner: 李明
        region: 昆明/五华区
        cadence: [5, 7]
        {extra}
        visits:
          - {{date: {last}, kind: visit}}
        """, cid)


ROUTE = daily_row("""
    name: 春城大药房连锁
    kind: key_account
    owner: 李明
    region: 昆明/五华区
    route: {weekday: tue, time: "09:30"}
    visits:
      - {date: 2026-11-17, kind: visit}
    """, "route")
SQUAT = daily_row("""
    name: 华信大药房
    kind: terminal
    tier: key
    owner: 李明
    region: 昆明/五华区
    visits:
      - {date: 2026-11-23, kind: visit}
    """, "squat")
GREET = daily_row("""
    name: 福寿堂
    kind: terminal
    owner: 李明
    region: 昆明/五华区
    status: potential
    contacts:
      - {name: 赵德明, role: 老板, birthday: 1970-11-24}
    visits:
      - {date: 2026-11-20, kind: visit}
    """, "greet")


def the_day() -> list[tuple[dict, dict]]:
    """A fixed route at 09:30, three overdue visits, a 蹲点 never made and a birthday."""
    return [ROUTE, terminal("v1", "一号药房", "2026-11-10"), terminal("v2", "二号药房", "2026-11-12"),
            terminal("v3", "三号药房", "2026-11-14"), SQUAT, GREET]


def times(plan) -> list[tuple[str, str, str]]:
    return [(s.time, s.customer, s.reason) for s in plan.stops]


def test_the_route_keeps_its_time_and_the_visits_fill_the_day_most_urgent_first():
    plan = plan_day(the_day(), settings(NO_CARE_CALLS), TODAY, "李明")
    # 15 minutes between customers of one region without a location; the most overdue visit
    # fits before 09:30 (08:30 + 30 + 15 = 09:15), the 蹲点 takes its 90 minutes last.
    assert times(plan) == [("08:30", "v1", "visit"), ("09:30", "route", "route"),
                           ("10:30", "v2", "visit"), ("11:15", "v3", "visit"),
                           ("12:00", "squat", "deep_visit")]
    assert [s.minutes for s in plan.stops] == [30, 45, 30, 30, 90]
    assert [s.travel_minutes for s in plan.stops] == [0, 15, 15, 15, 15]
    assert plan.unplanned == ()


def test_a_greeting_is_a_desk_item_after_the_stops_not_a_stop():
    plan = plan_day(the_day(), settings(NO_CARE_CALLS), TODAY, "李明")
    assert [(s.customer, s.reason, s.time, s.travel_minutes) for s in plan.desk] == [
        ("greet", "birthday", None, 0)]
    assert "greet" not in {s.customer for s in plan.stops}


def test_every_stop_ends_within_the_working_day():
    plan = plan_day(the_day(), settings(NO_CARE_CALLS), TODAY, "李明")
    ends = [int(s.time[:2]) * 60 + int(s.time[3:]) + s.minutes for s in plan.stops]
    assert plan.stops[0].time >= "08:30" and max(ends) <= 17 * 60 + 30


def test_what_does_not_fit_the_day_is_listed_unplanned_most_urgent_kept():
    cfg = settings(NO_CARE_CALLS + 'plan: {day: ["08:30", "11:00"]}\n')
    plan = plan_day(the_day(), cfg, TODAY, "李明")
    assert times(plan) == [("08:30", "v1", "visit"), ("09:30", "route", "route"),
                           ("10:30", "v2", "visit")]
    assert [(s.customer, s.reason, s.time) for s in plan.unplanned] == [
        ("v3", "visit", None), ("squat", "deep_visit", None)]


def test_a_customer_not_yet_due_is_added_on_the_way_when_time_is_left():
    rows = [ROUTE, terminal("v1", "一号药房", "2026-11-10"),
            terminal("later", "四号药房", "2026-11-22")]  # due from 11-27: not yet
    plan = plan_day(rows, settings(NO_CARE_CALLS), TODAY, "李明")
    assert [(s.time, s.customer, s.optional) for s in plan.stops] == [
        ("08:30", "v1", False), ("09:30", "route", False), ("10:30", "later", True)]
    assert plan.stops[-1].message.text("zh") == "顺路拜访: 上次拜访 2026-11-22"


def test_no_stop_on_the_way_when_the_day_is_full():
    rows = [ROUTE, terminal("v1", "一号药房", "2026-11-10"),
            terminal("later", "四号药房", "2026-11-22")]
    cfg = settings(NO_CARE_CALLS + 'plan: {day: ["08:30", "10:15"]}\n')
    plan = plan_day(rows, cfg, TODAY, "李明")
    assert [(s.time, s.customer, s.optional) for s in plan.stops] == [
        ("08:30", "v1", False), ("09:30", "route", False)]


def test_no_stop_on_the_way_with_nothing_to_be_on_the_way_to():
    plan = plan_day([terminal("later", "四号药房", "2026-11-22")], settings(NO_CARE_CALLS),
                    TODAY, "李明")
    assert plan.stops == ()


def test_a_customer_without_location_uses_the_region_minutes():
    located = ("location: [25.0400, 102.7100]", "location: [25.0400, 102.7600]")
    rows = [terminal("a", "甲药房", "2026-11-10", located[0]),
            terminal("b", "乙药房", "2026-11-11", located[1]),
            terminal("c", "丙药房", "2026-11-12"),  # no location, same region
            daily_row("""
                name: 丁药房
                kind: terminal
                owner: 李明
                region: 昆明/盘龙区
                cadence: [5, 7]
                visits:
                  - {date: 2026-11-13, kind: visit}
                """, "d")]  # no location, another region
    plan = plan_day(rows, settings(NO_CARE_CALLS), TODAY, "李明")
    # a to b: 5.04 km at 25 km/h = 12.1 minutes, 13 rounded up; then 15 within 五华区, 40 to 盘龙区
    assert [(s.customer, s.travel_minutes, s.km) for s in plan.stops] == [
        ("a", 0, 0.0), ("b", 13, 5.0), ("c", 15, 0.0), ("d", 40, 0.0)]
    assert [s.time for s in plan.stops] == ["08:30", "09:13", "09:58", "11:08"]
    assert plan.km == 5.0


def test_great_circle_distance():
    assert round(haversine_km((25.04, 102.71), (25.04, 102.76)), 2) == 5.04
    assert round(haversine_km((39.9042, 116.4074), (31.2304, 121.4737))) == 1067


def located_customers(n: int, seed: int) -> list[tuple[dict, dict]]:
    """``n`` overdue terminals scattered over Kunming (seeded)."""
    rng = random.Random(seed)
    return [terminal(f"c{i:02d}", f"药房{i:02d}", "2026-11-10",
                     f"location: [{rng.uniform(24.95, 25.15):.4f}, {rng.uniform(102.60, 102.85):.4f}]")
            for i in range(n)]


def test_two_opt_is_no_longer_than_the_nearest_neighbour_tour_on_30_customers():
    rng = random.Random(27)
    points = [(rng.uniform(24.95, 25.15), rng.uniform(102.60, 102.85)) for _ in range(30)]

    def km(a, b):
        return 0.0 if a is None or b is None else haversine_km(a, b)

    greedy = path_cost(nearest_neighbour(points, km), km)
    improved = tour(points, km)
    assert sorted(improved) == sorted(points)
    assert path_cost(improved, km) <= greedy
    assert path_cost(improved, km) < greedy - 1  # for this set, 2-opt saves over a km


def test_the_planned_day_is_no_longer_than_the_greedy_order_of_its_stops():
    rows = located_customers(30, seed=27)
    cfg = settings(NO_CARE_CALLS + 'plan: {day: ["06:00", "23:59"], minutes: {terminal: 5}}\n')
    plan = plan_day(rows, cfg, TODAY, "李明")
    assert len(plan.stops) == 30 and plan.unplanned == ()
    where = {s["id"]: tuple(f["location"]) for s, f in rows}
    stops = [where[s.customer] for s in plan.stops]

    def km(a, b):
        return 0.0 if a is None or b is None else haversine_km(a, b)

    greedy = path_cost(nearest_neighbour(stops, km), km)  # from the same first stop
    assert round(sum(km(a, b) for a, b in zip(stops, stops[1:], strict=False)), 1) == plan.km
    assert plan.km <= round(greedy, 1)


def test_kq_plan_json_has_the_contract_keys(kq, make_repo):
    root = make_repo({"route": """\
        name: 春城大药房连锁
        kind: key_account
        owner: 李明
        region: 昆明/五华区
        address: 春城路 219 号
        route: {weekday: tue, time: "09:30"}
        contacts:
          - {name: 吴国华, role: 董事长, phone: "13900000001", style: leader}
        visits:
          - {date: 2026-11-17, kind: visit}
        """}, kq_yaml=NO_CARE_CALLS)
    result = kq("--repo", root, "--today", "2026-11-24", "plan", "--owner", "李明", "-f", "json")
    assert result.exit_code == 0, result.output
    stop = json.loads(result.stdout)[0]
    assert stop == {"time": "09:30", "customer": "route", "name": "春城大药房连锁",
                    "reason": "route", "minutes": 45, "travel_minutes": 0, "optional": False,
                    "address": "春城路 219 号", "phone": "13900000001",
                    "contact": "吴国华(董事长), 领导型: 目标导向, 决策快: 简单直接地讲清产品价值",
                    "km": 0.0, "message": stop["message"], "message_key": "route",
                    "message_params": stop["message_params"], "desk": False, "unplanned": False,
                    "owner": "李明"}
    assert stop["message"].startswith("固定拜访 周二 09:30; 见 吴国华(董事长), 领导型")


def test_kq_plan_ics_times_the_stops_in_the_repository_timezone(kq, make_repo):
    root = make_repo({"route": ROUTE_YAML}, kq_yaml=NO_CARE_CALLS + "timezone: Asia/Urumqi\n")
    result = kq("--repo", root, "--today", "2026-11-24", "plan", "--owner", "李明", "-f", "ics")
    assert result.exit_code == 0, result.output
    text = result.stdout.replace("\r\n", "\n")
    assert "DTSTART;TZID=Asia/Urumqi:20261124T093000" in text
    assert "DTEND;TZID=Asia/Urumqi:20261124T101500" in text
    assert "SUMMARY:春城大药房连锁 固定拜访" in text


def test_kq_plan_table_says_which_stops_are_on_the_way(kq, make_repo):
    root = make_repo({"route": ROUTE_YAML, "later": """\
        name: 四号药房
        kind: terminal
        owner: 李明
        region: 昆明/五华区
        cadence: [5, 7]
        visits:
          - {date: 2026-11-22, kind: visit}
        """}, kq_yaml=NO_CARE_CALLS)
    result = kq("--repo", root, "--today", "2026-11-24", "plan", "--owner", "李明")
    assert result.exit_code == 0, result.output
    assert "09:30" in result.stdout and "固定拜访" in result.stdout
    # before 09:30 there is time for a visit in the same region: 08:30 + 30 + 15 = 09:15
    line = next(line for line in result.stdout.splitlines() if "四号药房" in line)
    assert line.split()[:3] == ["08:30", "四号药房", "拜访"] and "(顺路)" in line


ROUTE_YAML = """\
    name: 春城大药房连锁
    kind: key_account
    owner: 李明
    region: 昆明/五华区
    route: {weekday: tue, time: "09:30"}
    visits:
      - {date: 2026-11-17, kind: visit}
    """


# --- kq import customers: 纬度/经度 become the location ---------------------------------------


def test_import_writes_latitude_and_longitude_columns_as_the_location(make_repo, kq, tmp_path):
    path = tmp_path / "客户.csv"
    path.write_text("客户名称,区域,纬度,经度\n健民药房,昆明/西山区,25.0406,102.7123\n",
                    encoding="utf-8")
    root = make_repo({})
    result = kq("--repo", root, "import", "customers", path, "--apply")
    assert result.exit_code == 0, result.stderr
    assert (root / "customers" / "jmyf.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../.kq/schema.json\n"
        "name: 健民药房\n"
        "region: 昆明/西山区\n"
        "location: [25.0406, 102.7123]\n")


def test_import_reads_lat_lon_and_longitude_latitude_headers(make_repo, kq, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("name,lat,lon\n甲药房,25.04,102.71\n", encoding="utf-8")
    other = tmp_path / "d.csv"
    other.write_text("name,longitude,latitude\n乙药房,102.71,25.04\n", encoding="utf-8")
    root = make_repo({})
    for sheet in (path, other):
        result = kq("--repo", root, "import", "customers", sheet, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)[0]["fields"] == ["name", "location"]


def test_import_a_latitude_without_its_longitude_is_a_problem(make_repo, kq, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("客户名称,纬度\n健民药房,25.04\n", encoding="utf-8")
    result = kq("--repo", make_repo({}), "import", "customers", path, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["problems"] == [
        f"{path}:2:纬度: a location needs both the latitude (纬度) and the longitude (经度)"]


def test_import_a_longitude_out_of_range_is_a_problem(make_repo, kq, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("客户名称,纬度,经度\n健民药房,25.04,202.7\n", encoding="utf-8")
    result = kq("--repo", make_repo({}), "import", "customers", path, "--format", "json")
    assert json.loads(result.stdout)[0]["problems"] == [
        f"{path}:2:经度: 202.7 is not within -180..180 degrees"]


def test_kq_plan_date_plans_that_day_a_missed_route_fitted_in_the_day_after(kq, make_repo):
    root = make_repo({"route": ROUTE_YAML}, kq_yaml=NO_CARE_CALLS)
    tuesday = kq("--repo", root, "--today", "2026-11-23", "plan", "--date", "周二", "-f", "json")
    wednesday = kq("--repo", root, "--today", "2026-11-23", "plan", "--date", "2026-11-25",
                   "-f", "json")
    assert [(r["time"], r["customer"]) for r in json.loads(tuesday.stdout)] == [("09:30", "route")]
    # Tuesday's route not logged: on Wednesday it is overdue, fitted in from the day's start
    assert [(r["time"], r["customer"], r["reason"]) for r in json.loads(wednesday.stdout)] == [
        ("08:30", "route", "route")]


def test_kq_plan_ics_output_writes_the_file_and_says_so(kq, make_repo, tmp_path):
    root = make_repo({"route": ROUTE_YAML}, kq_yaml=NO_CARE_CALLS)
    target = tmp_path / "plan.ics"
    result = kq("--repo", root, "--today", "2026-11-24", "plan", "-f", "ics", "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "DTSTART;TZID=Asia/Shanghai:20261124T093000" in target.read_text(encoding="utf-8")
    assert result.stderr == f"kq: 2026-11-24 的 1 个拜访已写入 {target}\n"


def test_route_and_plan_refuse_a_day_they_cannot_read_alike(kq, examples_copy):
    route = kq("--repo", examples_copy, "--today", "2026-11-24", "route", "明天")
    plan = kq("--repo", examples_copy, "--today", "2026-11-24", "plan", "--date", "明天")
    said = "'明天' 既不是日期 (YYYY-MM-DD) 也不是星期几 (mon…sun, 周一…周日)\n"
    assert (route.exit_code, route.stderr) == (2, "kq: DAY: " + said)
    assert (plan.exit_code, plan.stderr) == (2, "kq: --date: " + said)


def test_kq_plan_for_the_whole_team_is_each_reps_own_day(kq, examples_copy):
    """--owner all plans one day per rep (not every customer as one rep's day), and none for
    a rep who has left (张强 left on 2026-10-31: his customers are orphans in kq due)."""
    result = kq("--repo", examples_copy, "--today", "2026-11-24", "plan", "--owner", "all",
                "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted({r["owner"] for r in rows}) == ["李明", "王强", "陈静"]
    for rep in ("李明", "王强", "陈静"):
        alone = json.loads(kq("--repo", examples_copy, "--today", "2026-11-24", "plan",
                              "--owner", rep, "-f", "json").stdout)
        assert [r for r in rows if r["owner"] == rep] == alone
    table = kq("--repo", examples_copy, "--today", "2026-11-24", "plan", "--owner", "all").stdout
    assert "2026-11-24 王强:" in table and "李明: 电话和问候" in table and "张强" not in table
