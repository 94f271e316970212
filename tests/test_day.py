"""The day written up (issue 27, 工作写实): kq day lists what a rep did on a day (times,
minutes, goals and outcomes, photos, shelf findings, expenses, intel, issues, next steps),
what was skipped and why, what was planned and not visited, and the kilometres."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest
from helpers import settings

from kqcli.core.day import PlannedStop, as_of_morning, written_day
from kqcli.store.validate import validate_customer

DAY = dt.date(2026, 11, 24)
KQ_YAML = """\
reps:
  - {name: 李明}
  - {name: 王强}
products:
  华康AD奶: {price: [10, 12.5], facings: 3}
"""
HX = """\
name: 华信大药房(东风店)
kind: terminal
tier: key
owner: 李明
location: [25.04, 102.71]
visits:
  - {date: 2026-11-20, kind: visit, contact: 王芳}
  - date: 2026-11-24
    kind: visit
    at: "09:40"
    minutes: 50
    contact: 王芳
    goal: 推新品陈列
    outcome: 同意端架两周
    photos: [media/hx/2026-11-24-1.jpg, media/hx/2026-11-24-2.jpg]
    shelf:
      - {sku: 华康AD奶, facings: 2, price: 13.5, stock: 30, pop: true}
    next: {date: 2026-11-27, action: 送陈列物料}
expenses:
  - {date: 2026-11-24, amount: 300, purpose: 礼品, recipient: 王芳}
  - {date: 2026-11-10, amount: 100, purpose: 茶点}
intel:
  - {date: 2026-11-24, claim: 竞品乙下月降价, sources: [店员小张]}
"""
BCT = """\
name: 百草堂药店(西昌路)
kind: terminal
owner: 李明
location: [25.05, 102.72]
visits:
  - {date: 2026-11-24, kind: visit, at: "11:00", minutes: 30, contact: 李小梅}
  - {date: 2026-11-24, kind: call, at: "08:50", minutes: 5, contact: 李小梅}
issues:
  - {opened: 2026-11-24, kind: return, text: 变质退货 12 箱}
"""
DZ = """\
name: 大众药房(翠湖店)
owner: 李明
skips:
  - {date: 2026-11-24, reason: 店主不在, to: 2026-11-26}
"""
PL = """\
name: 平安药房(北京路)
owner: 李明
visits:
  - {date: 2026-11-24, kind: visit, goal: 送陈列物料, planned: true}
"""
WQ = """\
name: 王强的客户
owner: 王强
visits:
  - {date: 2026-11-24, kind: visit, at: "10:00", minutes: 20}
"""
FILES = {"hx": HX, "bct": BCT, "dz": DZ, "pl": PL, "wq": WQ}


def _model(text: str):
    model, problems = validate_customer(text.encode(), "x.yaml")
    assert not problems, problems
    return model


def _day(owner: str | None = "李明", plan=(), ids=("hx", "bct", "dz", "pl")):
    return written_day([(i, _model(FILES[i])) for i in ids], DAY, owner, settings(KQ_YAML), plan)


def _row(day, customer: str, state: str = "done") -> dict:
    found = [r for r in day.rows if r["customer"] == customer and r["state"] == state]
    assert len(found) == 1, found
    return found[0]


def test_done_rows_come_in_the_order_of_their_times():
    assert [(r["time"], r["customer"], r["kind"]) for r in _day().rows
            if r["state"] == "done"] == [
        ("08:50", "bct", "call"), ("09:40", "hx", "visit"), ("11:00", "bct", "visit")]


def test_a_done_row_has_its_time_minutes_kind_contact_goal_outcome_and_photos():
    row = _row(_day(), "hx")
    assert {k: row[k] for k in ("time", "minutes", "kind", "contact", "goal", "outcome",
                                "photos")} == {
        "time": "09:40", "minutes": 50, "kind": "visit", "contact": "王芳",
        "goal": "推新品陈列", "outcome": "同意端架两周",
        "photos": ["media/hx/2026-11-24-1.jpg", "media/hx/2026-11-24-2.jpg"]}


def test_a_shelf_price_above_the_band_and_too_few_facings_are_findings():
    assert _row(_day(), "hx")["shelf"] == [{
        "sku": "华康AD奶", "facings": 2, "price": 13.5, "stock": 30, "pop": True, "findings": [
            {"finding": "few_facings", "facings": 2, "least": 3},
            {"finding": "price_high", "price": 13.5, "band": [10.0, 12.5]}]}]


def test_a_product_off_the_shelf_and_no_pop_are_findings():
    text = HX.replace("{sku: 华康AD奶, facings: 2, price: 13.5, stock: 30, pop: true}",
                      "{sku: 华康AD奶, facings: 0, pop: false}")
    day = written_day([("hx", _model(text))], DAY, "李明", settings(KQ_YAML))
    assert [f["finding"] for f in _row(day, "hx")["shelf"][0]["findings"]] == [
        "off_shelf", "no_pop"]


def test_the_days_expenses_intel_and_next_step_ride_on_the_customers_row():
    row = _row(_day(), "hx")
    assert (row["expenses"], row["intel"], row["next"]) == (
        [{"amount": 300, "purpose": "礼品", "recipient": "王芳", "kind": "regular"}],
        ["竞品乙下月降价"], {"date": "2026-11-27", "action": "送陈列物料"})


def test_an_issue_opened_that_day_rides_on_the_customers_first_row():
    day = _day()
    assert [(r["time"], r["issues"]) for r in day.rows if r["customer"] == "bct"] == [
        ("08:50", [{"kind": "return", "text": "变质退货 12 箱"}]), ("11:00", [])]


def test_a_skipped_visit_is_listed_with_its_reason_and_the_day_it_moved_to():
    assert _row(_day(), "dz", "skipped")["skipped"] == {"reason": "店主不在",
                                                       "to": "2026-11-26"}


def test_a_visit_logged_ahead_for_the_day_and_not_made_is_missed():
    row = _row(_day(), "pl", "missed")
    assert (row["planned"], row["kind"]) == (True, None)


def test_a_stop_of_the_mornings_plan_not_visited_is_missed_with_its_reason():
    plan = [PlannedStop("hx", "华信大药房(东风店)", "visit", "09:30", 0.0),
            PlannedStop("yy", "云药堂", "route", "14:00", 2.3)]
    day = _day(plan=plan)
    assert ([(r["customer"], r["state"], r["planned"], r["reason"], r["time"])
             for r in day.rows if r["planned"]],
            day.totals["planned"]) == (
        [("hx", "done", True, "visit", "09:40"), ("yy", "missed", True, "route", "14:00"),
         ("pl", "missed", True, None, None)], 3)


def test_an_optional_stop_not_visited_is_not_missed():
    day = _day(plan=[PlannedStop("yy", "云药堂", "visit", "16:00", 1.0, optional=True)])
    assert [r["customer"] for r in day.rows if r["state"] == "missed"] == ["pl"]


def test_km_is_the_great_circle_between_the_located_visits_in_time_order():
    day = _day()
    assert ([r["km"] for r in day.rows if r["state"] == "done"], day.totals["km"]) == (
        [None, None, 1.5], 1.5)


def test_the_days_totals():
    assert _day().totals == {
        "rep": "李明", "date": "2026-11-24", "planned": 1, "done": 2, "skipped": 1,
        "missed": 1, "visits": 2, "minutes": 85, "photos": 2, "expenses": 300, "km": 1.5,
        "planned_km": 0.0}


def test_the_whole_team_gives_each_row_its_owner_that_day():
    text = WQ + "owners:\n  - {from: 张强, to: 王强, date: 2026-11-25}\n"
    day = written_day([("wq", _model(text))], DAY, None, settings(KQ_YAML))
    assert [r["owner"] for r in day.rows] == ["张强"]


def test_the_morning_of_a_day_has_none_of_its_entries():
    model = as_of_morning(_model(HX + DZ.split("\n", 2)[2]), DAY)
    assert ([v.date.isoformat() for v in model.visits], [e.amount for e in model.expenses],
            model.intel, model.skips) == (["2026-11-20"], [100], [], [])


# -- kq day --------------------------------------------------------------------------------------


@pytest.fixture
def root(make_repo):
    return make_repo(FILES, kq_yaml=KQ_YAML)


def _kq_day(kq, root, *args: str):
    return kq("--repo", root, "--today", "2026-11-25", "day", "--date", "2026-11-24", *args)


def test_kq_day_json_rows_carry_the_contract_keys_first(kq, root):
    result = _kq_day(kq, root, "--owner", "李明", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0])[:11] == ["time", "customer", "name", "kind", "minutes", "goal",
                                  "outcome", "photos", "shelf", "expenses", "skipped"]
    assert [(r["customer"], r["state"]) for r in rows] == [
        ("bct", "done"), ("hx", "done"), ("bct", "done"), ("dz", "skipped"), ("pl", "missed")]


def test_kq_day_for_a_rep_leaves_the_other_reps_customers_out(kq, root):
    rows = json.loads(_kq_day(kq, root, "--owner", "王强", "--format", "json").stdout)
    assert [(r["customer"], r["time"], r["minutes"]) for r in rows] == [("wq", "10:00", 20)]


def test_kq_day_owner_all_is_the_whole_team(kq, root):
    rows = json.loads(_kq_day(kq, root, "--owner", "all", "--format", "json").stdout)
    assert sorted({r["owner"] for r in rows}) == ["李明", "王强"]


def test_kq_day_markdown_to_paste_into_a_chat(kq, root):
    result = _kq_day(kq, root, "--owner", "李明", "--format", "md")
    assert result.exit_code == 0, result.stderr
    totals = ("计划 4 家, 完成 2, 改期 1, 未去 1; 共 85 分钟, 照片 2 张, 客情费 ¥300; "
              "按计划估算约 1.5 公里 (计划 1.5 公里)")
    assert result.stdout == textwrap.dedent("""\
        **工作写实: 李明 2026-11-24 周二**

        TOTALS

        **完成**
        - 08:50 · 百草堂药店(西昌路) · 电话 5 分钟 · 见 李小梅
          - 新退货: 变质退货 12 箱
        - 09:40 · 华信大药房(东风店) · 拜访 50 分钟 · 见 王芳
          - 推新品陈列 → 同意端架两周
          - 货架: 华康AD奶 排面 2, ¥13.5, 库存 30, POP (排面 2, 少于 3; 价格 13.5 高于 10-12.5)
          - 照片 2 张
          - 客情费: ¥300 (礼品, 王芳)
          - 信息: 竞品乙下月降价
          - 下一步: 2026-11-27 送陈列物料
        - 11:00 · 百草堂药店(西昌路) · 拜访 30 分钟 · 见 李小梅

        **改期**
        - 大众药房(翠湖店)
          - 改到 2026-11-26: 店主不在

        **计划了未去**
        - 12:24 · 平安药房(北京路)
          - 计划事由: 拜访
        """).replace("TOTALS", totals)


def test_kq_day_table_in_chinese_ends_with_the_totals(kq, root):
    result = _kq_day(kq, root, "--owner", "李明")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "工作写实: 李明 2026-11-24 周二"
    assert lines[2].split() == ["时间", "客户", "事项", "分钟", "见谁", "目标", "→", "结果",
                                "照片", "货架", "客情费", "备注"]
    assert "改到 2026-11-26: 店主不在" in result.stdout and "未去" in result.stdout
    assert lines[-1].startswith("计划 4 家, 完成 2, 改期 1, 未去 1; 共 85 分钟")


def test_kq_day_in_english(kq, root):
    result = _kq_day(kq, root, "--owner", "李明", "--lang", "en", "--format", "md")
    assert result.stdout.splitlines()[:3] == [
        "**Day report: 李明 2026-11-24 Tue**", "",
        "planned 4, done 2, skipped 1, not visited 1; 85 min, photos 2, expenses ¥300; about "
        "1.5 km by the plan's estimate (planned 1.5 km)"]


def test_kq_day_html_is_one_offline_page_with_the_photos_in_it(kq, root):
    (root / "media" / "hx").mkdir(parents=True)
    (root / "media" / "hx" / "2026-11-24-1.jpg").write_bytes(b"\xff\xd8\xff\xe0JFIF")
    result = _kq_day(kq, root, "--owner", "李明", "--format", "html", "--output",
                     root / "day.html")
    assert (result.exit_code, result.stdout) == (0, "")
    page = (root / "day.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>工作写实: 李明 2026-11-24 周二</title>" in page
    assert '<img src="data:image/jpeg;base64,/9j/4EpGSUY=" alt="media/hx/2026-11-24-1.jpg">' in page
    assert "<div>media/hx/2026-11-24-2.jpg</div>" in page  # not in the repository: named
    assert "http" not in page.replace("http-equiv", "")


def test_kq_day_on_a_day_without_records_says_so(kq, root):
    result = kq("--repo", root, "--today", "2026-11-25", "day", "--owner", "王强")
    assert (result.exit_code, result.stdout.splitlines()[0]) == (0, "2026-11-25 没有记录")


# -- kq team --day -------------------------------------------------------------------------------


def test_kq_team_day_gives_each_reps_day_in_one_row(kq, root):
    result = kq("--repo", root, "--today", "2026-11-25", "team", "--day", "2026-11-24",
                "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"rep": "李明", "date": "2026-11-24", "planned": 4, "done": 2, "skipped": 1,
         "missed": 1, "visits": 2, "minutes": 85, "photos": 2, "expenses": 300, "km": 1.5,
         "planned_km": 1.5},
        {"rep": "王强", "date": "2026-11-24", "planned": 1, "done": 1, "skipped": 0,
         "missed": 0, "visits": 1, "minutes": 20, "photos": 0, "expenses": 0, "km": 0.0,
         "planned_km": 0.0}]


def test_kq_team_day_table_in_chinese(kq, root):
    result = kq("--repo", root, "--today", "2026-11-25", "team", "--day", "2026-11-24")
    lines = result.stdout.splitlines()
    assert (lines[0], lines[2].split(), lines[4].split()) == (
        "团队的一天: 2026-11-24",
        ["业代", "计划", "完成", "改期", "未去", "拜访", "分钟", "照片", "客情费", "公里"],
        ["李明", "4", "2", "1", "1", "2", "85", "2", "300", "1.5"])


def test_kq_team_day_goes_without_month(kq, root):
    result = kq("--repo", root, "--today", "2026-11-25", "team", "--day", "2026-11-24",
                "--month", "2026-10")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --day 只能单独用: 它看的是团队的一天, 不是一个月\n")


# -- the plan as it stood that morning ---------------------------------------------------------


def test_the_mornings_rows_leave_out_the_days_visits_and_skips(root):
    from kqcli.store.repo import Repo
    from kqcli.store.workday import morning_rows

    rows = {s["id"]: (s, f) for s, f in morning_rows(Repo(root, DAY), DAY)}
    assert (rows["hx"][1]["last_in_person"], rows["hx"][0]["last_visit"], rows["dz"][1]["skips"],
            rows["wq"][1]["last_in_person"]) == ("2026-11-20", "2026-11-20", [], None)


ROUTE = """\
name: 春城大药房连锁(总部)
kind: key_account
status: active
owner: 李明
location: [25.06, 102.70]
route: {weekday: tue, time: "09:30"}
visits:
  - {date: 2026-11-17, kind: visit}
"""


@pytest.fixture
def planned_root(make_repo):
    """hx overdue (last visit 2026-11-18) and visited on the day, dz never visited and skipped
    on the day, rt on its Tuesday route and not visited."""
    return make_repo({"hx": HX.replace("2026-11-20", "2026-11-18"), "dz": DZ, "rt": ROUTE},
                     kq_yaml=KQ_YAML)


def test_kq_day_compares_the_day_with_the_plan_made_that_morning(kq, planned_root):
    result = _kq_day(kq, planned_root, "--owner", "李明", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r["customer"], r["state"], r["planned"], r["reason"], r["time"])
            for r in json.loads(result.stdout)] == [
        ("hx", "done", True, "deep_visit", "09:40"), ("dz", "skipped", True, "visit", None),
        ("rt", "missed", True, "route", "09:30")]


def test_kq_team_day_counts_the_plan_and_its_km(kq, planned_root):
    rows = json.loads(kq("--repo", planned_root, "--today", "2026-11-25", "team", "--day",
                         "2026-11-24", "--format", "json").stdout)
    assert {k: rows[0][k] for k in ("rep", "planned", "done", "skipped", "missed",
                                    "planned_km")} == {
        "rep": "李明", "planned": 3, "done": 1, "skipped": 1, "missed": 1, "planned_km": 2.4}


def test_a_planned_customer_not_visited_keeps_the_days_expense_on_its_one_row():
    text = PL.replace("visits:\n  - {date: 2026-11-24, kind: visit, goal: 送陈列物料, planned: true}\n",
                      "expenses:\n  - {date: 2026-11-24, amount: 50, purpose: 茶点}\n")
    day = written_day([("pl", _model(text))], DAY, "李明", settings(KQ_YAML),
                      [PlannedStop("pl", "平安药房(北京路)", "visit", "14:00")])
    assert [(r["state"], r["time"], [e["amount"] for e in r["expenses"]]) for r in day.rows] == [
        ("missed", "14:00", [50])]
