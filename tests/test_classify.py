"""kq classify: tiers per rep, grades by the standard (classify.qualified) with the Pareto ABC
beside them, status, key-account relationship types, and --apply writing only the suggested
values, in one commit."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from helpers import commit_all, git, needs_git, settings
from helpers import ledger_row as customer

from kqcli.core.classify import (
    abc,
    classify,
    figures_missing,
    qualification_window,
    relationship,
    status,
    tiers,
)
from kqcli.core.messages import english

TODAY = dt.date(2026, 11, 15)  # the last 12 months are 2025-11 .. 2026-10
ONE_EACH = "classify: {tiers: {key: 1, secondary: 1, normal: 1}}\n"
KEY_AND_SECONDARY = "classify: {tiers: {key: 1, secondary: 1}}\n"  # two terminals fill the counts






def terminal(cid: str, extra: str = "", owner: str = "李明", **fields: str) -> tuple[dict, dict]:
    head = {"name": f"{cid}店", "kind": "terminal", "status": "active", "owner": owner, **fields}
    return customer("".join(f"{k}: {v}\n" for k, v in head.items()) + extra, cid)


def collected(amount: int, month: str = "2026-10") -> str:
    return f"months: {{{month}: {{collections: {amount}}}}}\n"


def suggested(found: list[dict], field: str) -> dict[str, object]:
    return {r["customer"]: r["suggested"] for r in found if r["field"] == field}


# --- tiers -------------------------------------------------------------------------------------


def test_tiers_rank_on_the_weighted_factors_per_owner():
    rows = [
        terminal("t2", "business: {annual_revenue: 500000, consumers: 1000, strength: 3, management: 4}\n"),
        terminal("t1", "business: {annual_revenue: 1000000, consumers: 500, strength: 5, management: 5}\n"),
        terminal("t4", "business: {annual_revenue: 100000, consumers: 100, strength: 1, management: 1}\n"),
        terminal("t3", "business: {annual_revenue: 600000, consumers: 800, strength: 4, management: 4}\n"),
    ]
    # t1 .4 + .2x.5 + .2 + .2 = .9; t3 .4x.6 + 3 x .2x.8 = .72;
    # t2 .4x.5 + .2 + .2x.6 + .2x.8 = .68; t4 below the counts
    assert suggested(tiers(rows, settings(ONE_EACH), TODAY), "tier") == {
        "t1": "key", "t3": "secondary", "t2": "normal"}


def test_tiers_score_only_the_factors_present():
    rows = [
        terminal("full", "business: {annual_revenue: 500000, consumers: 1000, strength: 3, management: 4}\n"),
        terminal("top", "business: {annual_revenue: 1000000, consumers: 500, strength: 5, management: 5}\n"),
        terminal("rev", "business: {annual_revenue: 800000}\n"),  # 0.8 on turnover alone
    ]
    found = tiers(rows, settings(ONE_EACH), TODAY)
    assert suggested(found, "tier") == {"top": "key", "rev": "secondary", "full": "normal"}


def test_tiers_break_ties_on_collections():
    same = "business: {strength: 3}\n"
    rows = [terminal("small", same + collected(10000)), terminal("big", same + collected(90000))]
    assert suggested(tiers(rows, settings(KEY_AND_SECONDARY), TODAY), "tier") == {
        "big": "key", "small": "secondary"}


def test_terminals_without_factors_rank_after_those_with_and_then_on_collections():
    rows = [
        terminal("rich", collected(900000)),
        terminal("poor", collected(1000)),
        terminal("rated", "business: {management: 1}\n"),
    ]
    assert suggested(tiers(rows, settings(ONE_EACH), TODAY), "tier") == {
        "rated": "key", "rich": "secondary", "poor": "normal"}


def test_tier_counts_are_per_owner():
    rows = [terminal("a", collected(100)), terminal("b", collected(200)),
            terminal("z", collected(50), owner="张强")]
    assert suggested(tiers(rows, settings(KEY_AND_SECONDARY), TODAY), "tier") == {
        "b": "key", "a": "secondary", "z": "key"}


def test_below_the_tier_counts_a_tiered_terminal_becomes_normal():
    rows = [terminal(c, collected(n), tier="key") for c, n in
            (("a", 400), ("b", 300), ("c", 200), ("d", 100))]
    found = tiers(rows, settings(ONE_EACH), TODAY)
    assert suggested(found, "tier") == {"b": "secondary", "c": "normal", "d": "normal"}
    assert english(next(r for r in found if r["customer"] == "d")["reason"]) == \
        "rank 4 of 4: below the tier counts"


def test_untiered_terminal_below_the_counts_is_left_alone():
    rows = [terminal(c, collected(n)) for c, n in (("a", 400), ("b", 300), ("c", 200), ("d", 100))]
    assert "d" not in suggested(tiers(rows, settings(ONE_EACH), TODAY), "tier")


def test_tier_already_right_is_not_suggested():
    rows = [terminal("a", collected(400), tier="key"), terminal("b", collected(300), tier="secondary")]
    assert tiers(rows, settings(KEY_AND_SECONDARY), TODAY) == []


def test_tier_shares_below_one_are_a_fraction_of_the_reps_terminals():
    rows = [terminal(c, collected(n)) for c, n in (("a", 400), ("b", 300), ("c", 200), ("d", 100))]
    kq_yaml = "classify: {tiers: {key: 0.25, secondary: 0.5, normal: 0.25}}\n"
    assert suggested(tiers(rows, settings(kq_yaml), TODAY), "tier") == {
        "a": "key", "b": "secondary", "c": "secondary", "d": "normal"}


def test_only_active_terminals_are_tiered():
    rows = [terminal("t", collected(100)),
            customer("name: 经销\nkind: distributor\nstatus: active\n" + collected(900), "d"),
            customer("name: 意向\nkind: terminal\nstatus: prospect\n", "p")]
    assert suggested(tiers(rows, settings(ONE_EACH), TODAY), "tier") == {"t": "key"}


def test_tier_reason_names_the_rank_and_the_rep():
    [r] = tiers([terminal("a", collected(1)), terminal("b", collected(0), tier="secondary")],
                settings(KEY_AND_SECONDARY), TODAY)
    assert (r["current"], r["suggested"], english(r["reason"])) == (
        None, "key", "rank 1 of 2 terminals of 李明")


# --- ABC (the Pareto class, reported as abc) ---------------------------------------------------


def test_abc_by_cumulative_share_of_collections():
    # 50 / 30 / 10 / 6 / 4: A while the share before is under 80%, B under 95%, C the rest.
    rows = [terminal(c, collected(n * 1000), grade="B")
            for c, n in (("e", 4), ("c", 10), ("a", 50), ("d", 6), ("b", 30))]
    assert abc(rows, settings(), TODAY) == {"a": "A", "b": "A", "c": "B", "d": "B", "e": "C"}


def test_abc_is_within_a_kind():
    rows = [terminal("big", collected(900000), grade="A"),
            terminal("small", collected(1000), grade="A"),
            customer("name: 经销\nkind: distributor\nstatus: active\ngrade: C\n" + collected(500), "d")]
    assert abc(rows, settings(), TODAY) == {"big": "A", "small": "C", "d": "A"}


def test_abc_counts_the_last_twelve_months_only():
    months = ("months:\n  2025-10: {collections: 900000}\n  2025-11: {collections: 10}\n"
              "  2026-11: {collections: 900000}\n")
    rows = [terminal("old", months, grade="A"), terminal("steady", collected(100), grade="C")]
    assert abc(rows, settings(), TODAY) == {"steady": "A", "old": "B"}


def test_abc_thresholds_come_from_kq_yaml():
    rows = [terminal(c, collected(n), grade="A") for c, n in (("a", 60), ("b", 30), ("c", 10))]
    kq_yaml = "classify: {abc: {A: 0.5, B: 0.9}}\n"
    assert abc(rows, settings(kq_yaml), TODAY) == {"a": "A", "b": "B", "c": "C"}


def test_abc_skips_customers_that_are_not_active():
    rows = [customer("name: 意向\nkind: terminal\nstatus: prospect\ngrade: near\n" + collected(5), "p")]
    assert abc(rows, settings(), TODAY) == {}


def test_abc_leaves_out_customers_with_no_collections_reported_in_the_year():
    rows = [terminal("big", collected(90000), grade="A"), terminal("quiet", "", grade="B")]
    assert abc(rows, settings(), TODAY) == {"big": "A"}


def test_abc_is_c_for_a_customer_that_reported_zero():
    rows = [terminal("big", collected(90000), grade="A"), terminal("zero", collected(0), grade="B")]
    assert abc(rows, settings(), TODAY) == {"big": "A", "zero": "C"}


# --- grades by the standard (合格) ---------------------------------------------------------------


def reports(*months: str) -> str:
    """``months:`` from ``"2026-08: {collections: 5000, reported: 2026-09-05}"`` lines."""
    return "months:\n" + "".join(f"  {m}\n" for m in months)


AUG, SEP, OCT = ("2026-08: {collections: 5000, reported: 2026-09-05}",
                 "2026-09: {collections: 5000, reported: 2026-10-08}",
                 "2026-10: {collections: 5000, reported: 2026-11-06}")
ON_TIME = reports(AUG, SEP, OCT)  # paid and reported by the 10th in each of the last 3 months


def graded(*rows: tuple[dict, dict], kq_yaml: str = "") -> dict[str, tuple[object, str]]:
    """Each grade suggestion of ``classify``: customer -> (grade, English reason)."""
    return {r["customer"]: (r["suggested"], english(r["reason"]))
            for r in classify(list(rows), settings(kq_yaml), TODAY) if r["field"] == "grade"}


def distributor(cid: str, months: str, **fields: str) -> tuple[dict, dict]:
    head = {"name": f"{cid}商", "kind": "distributor", "status": "active", "owner": "李明", **fields}
    return customer("".join(f"{k}: {v}\n" for k, v in head.items()) + months, cid)


def test_terminals_that_all_pay_and_report_on_time_are_none_of_them_c():
    # The Pareto split would put the smallest in C (its share before is 97%); paying and
    # reporting every month, it is 合格. Six terminals: 2 key, 1 secondary, 3 normal by shares.
    amounts = {"t1": 60000, "t2": 20000, "t3": 8000, "t4": 5000, "t5": 4000, "t6": 3000}
    rows = [terminal(cid, reports(*(f"{m}: {{collections: {n}, reported: {d}}}" for m, d in (
        ("2026-08", "2026-09-05"), ("2026-09", "2026-10-08"), ("2026-10", "2026-11-06")))))
        for cid, n in amounts.items()]
    found = classify(rows, settings(), TODAY)
    assert {r["customer"]: r["suggested"] for r in found if r["field"] == "grade"} == {
        "t1": "A", "t2": "A", "t3": "B", "t4": "B", "t5": "B", "t6": "B"}
    assert {r["customer"]: r["abc"] for r in found if r["field"] == "grade"} == {
        "t1": "A", "t2": "A", "t3": "B", "t4": "B", "t5": "B", "t6": "C"}


def test_a_customer_paying_in_one_of_three_months_is_c():
    months = reports(AUG.replace("5000", "0"), SEP.replace("5000", "0"), OCT)
    assert graded(distributor("d", months, grade="B")) == {"d": (
        "C", "below the standard from 2026-08 to 2026-10; collections in 1 of 3 months, 2 needed")}


def test_a_customer_reporting_on_time_in_one_of_three_months_is_c():
    months = reports(AUG.replace("09-05", "09-11"), SEP, OCT.replace("11-06", "11-12"))
    assert graded(distributor("d", months, grade="B")) == {"d": (
        "C", "below the standard from 2026-08 to 2026-10; reported on time in 1 of 3 months, "
             "2 needed")}


def test_two_of_three_months_meet_the_standard():
    months = reports(AUG.replace("5000", "0"), SEP.replace("10-08", "10-12"), OCT)
    assert graded(distributor("d", months, grade="C")) == {"d": (
        "B", "meets the standard from 2026-08 to 2026-10: collections in 2 of 3 months, "
             "reported on time in 2; not in the key tier (no tier)")}


def test_a_report_on_the_report_day_is_on_time():
    months = reports(AUG.replace("09-05", "09-10"), SEP.replace("10-08", "10-10"), OCT)
    assert graded(distributor("d", months, grade="C"))["d"][0] == "B"


def test_a_month_without_figures_counts_as_neither_paid_nor_reported():
    assert graded(distributor("d", reports(AUG), grade="B")) == {"d": (
        "C", "below the standard from 2026-08 to 2026-10; collections in 1 of 3 months, 2 needed; "
             "reported on time in 1 of 3 months, 2 needed; no figures for 2026-09, 2026-10")}


def test_figures_without_a_report_date_are_not_on_time():
    months = reports("2026-08: {collections: 5000}", "2026-09: {collections: 5000}", OCT)
    assert graded(distributor("d", months, grade="B")) == {"d": (
        "C", "below the standard from 2026-08 to 2026-10; reported on time in 1 of 3 months, "
             "2 needed")}


def test_a_qualified_customer_in_the_key_tier_is_a():
    assert graded(distributor("d", ON_TIME, grade="B", tier="key")) == {"d": (
        "A", "meets the standard from 2026-08 to 2026-10: collections in 3 of 3 months, "
             "reported on time in 3; in the key tier")}


def test_a_qualified_customer_outside_the_key_tier_is_b():
    assert graded(distributor("d", ON_TIME, grade="A", tier="secondary")) == {"d": (
        "B", "meets the standard from 2026-08 to 2026-10: collections in 3 of 3 months, "
             "reported on time in 3; not in the key tier (secondary)")}


def test_a_grade_already_right_is_not_suggested():
    assert graded(distributor("d", ON_TIME, grade="B")) == {}


def test_the_grade_follows_the_tier_suggested_in_the_same_run():
    # rated: key by its turnover, though it collects less than cash (A by share, secondary)
    rows = [terminal("rated", "business: {annual_revenue: 900000}\n" + ON_TIME.replace(
                "5000", "1000"), grade="B", tier="secondary"),
            terminal("cash", ON_TIME, grade="B", tier="key")]
    assert {c: g for c, (g, _) in graded(*rows, kq_yaml=KEY_AND_SECONDARY).items()} == {
        "rated": "A"}


def test_months_before_the_customer_started_do_not_count():
    months = reports("2026-09: {collections: 5000, reported: 2026-10-08}", OCT)
    assert graded(distributor("d", months, grade="C", since="2026-09-15")) == {"d": (
        "B", "meets the standard from 2026-09 to 2026-10: collections in 2 of 2 months, "
             "reported on time in 2; not in the key tier (no tier)")}


def test_a_customer_that_started_last_month_is_not_graded_yet():
    assert graded(distributor("d", reports(OCT), grade="C", since="2026-10-15")) == {}


def test_a_customer_with_no_figures_in_the_window_is_not_graded():
    assert graded(distributor("d", collected(5000, "2026-07"), grade="B")) == {}


def test_the_standard_comes_from_kq_yaml():
    months = reports(AUG.replace("5000", "0"), SEP, OCT)
    kq_yaml = "classify: {qualified: {collections: 3}}\n"
    assert graded(distributor("d", months, grade="B"), kq_yaml=kq_yaml) == {"d": (
        "C", "below the standard from 2026-08 to 2026-10; collections in 2 of 3 months, 3 needed")}


def test_a_standard_counting_more_months_than_it_looks_at_is_a_problem():
    from kqcli.schema.config import Settings
    from kqcli.store.validate import validate

    _, problems = validate(b"classify: {qualified: {months: 3, on_time: 4}}\n", "kq.yaml", Settings)
    assert [str(p) for p in problems] == [
        "kq.yaml:1:23: classify.qualified: on_time 4 is above months 3: it counts months among "
        "the last 3"]


@pytest.mark.parametrize(("today", "window"), [
    ("2026-11-15", ["2026-08", "2026-09", "2026-10"]),
    ("2026-11-11", ["2026-08", "2026-09", "2026-10"]),
    ("2026-11-10", ["2026-07", "2026-08", "2026-09"]),  # October may still be reported today
    ("2026-11-01", ["2026-07", "2026-08", "2026-09"]),
])
def test_the_window_is_the_last_three_months_whose_report_is_due(today, window):
    assert qualification_window(settings(), dt.date.fromisoformat(today)) == window


def test_grade_reasons_read_in_chinese():
    [row] = [r for r in classify([distributor("d", reports(AUG), grade="B")], settings(), TODAY)
             if r["field"] == "grade"]
    assert row["reason"].text("zh") == (
        "不合格: 2026-08 至 2026-10; 回款 1/3 个月, 须 2 个月; 按时上报 1/3 个月, 须 2 个月; "
        "2026-09、2026-10 没有数据")


# --- status ------------------------------------------------------------------------------------

PROSPECT = "name: 新店\nkind: terminal\nstatus: prospect\ngrade: near\nowner: 李明\n"
PAID_TWICE = "months:\n  2026-09: {collections: 8000}\n  2026-10: {collections: 6000}\n"


def test_prospect_that_pays_two_months_running_becomes_active_and_starts_as_b():
    found = classify([customer(PROSPECT + PAID_TWICE, "p")], settings(), TODAY)
    assert [(r["field"], r["current"], r["suggested"]) for r in found] == [
        ("grade", "near", "B"), ("status", "prospect", "active")]
    assert english(found[1]["reason"]) == \
        "paying 2 consecutive reported months (2026-09 to 2026-10): 14,000 collected (持续回款)"


def test_prospect_that_paid_before_the_last_three_months_stays_a_prospect():
    paid = "months:\n  2026-06: {collections: 8000}\n  2026-07: {collections: 6000}\n"
    assert classify([customer(PROSPECT + paid, "p")], settings(), TODAY) == []


def nothing_collected_since(amount: int, month: str, *zeros: str) -> str:
    """``amount`` collected in ``month``, then each of ``zeros`` reported with 0 collections."""
    return "months:\n" + "".join(f"  {m}: {{collections: {n}}}\n"
                                 for m, n in ((month, amount), *((z, 0) for z in zeros)))


QUIET = ("2026-08", "2026-09", "2026-10")  # the three months before TODAY


def test_no_collections_for_three_months_is_c_by_the_standard():
    text = ("name: 老店\nkind: distributor\nstatus: active\ngrade: A\n"
            + nothing_collected_since(5000, "2026-07", *QUIET))
    assert graded(customer(text, "old")) == {"old": (
        "C", "below the standard from 2026-08 to 2026-10; collections in 0 of 3 months, 2 needed; "
             "reported on time in 0 of 3 months, 2 needed")}


def test_status_no_longer_grades():
    text = ("name: 老店\nkind: distributor\nstatus: active\ngrade: A\n"
            + nothing_collected_since(5000, "2026-07", *QUIET))
    assert status([customer(text, "old")], settings(), TODAY) == []


def test_terminated_customer_on_a_route_is_taken_off_it():
    text = 'name: 旧店\nkind: key_account\nstatus: terminated\nroute: {weekday: tue, time: "09:30"}\n'
    [r] = status([customer(text, "x")], settings(), TODAY)
    assert (r["field"], r["current"], r["suggested"]) == (
        "route", {"weekday": "tue", "time": "09:30"}, None)


# --- unknown is not zero ----------------------------------------------------------------------

OLD_SHOP = "name: 老店\nkind: distributor\nstatus: active\ngrade: A\nowner: 李明\n"


def test_a_customer_with_no_figures_at_all_is_not_graded_c():
    assert classify([customer(OLD_SHOP, "old")], settings(), TODAY) == []


def test_figures_missing_names_the_months_of_the_window():
    text = OLD_SHOP + collected(5000, "2026-07")
    assert figures_missing([customer(text, "old")], settings(), TODAY) == [
        {"customer": "old", "name": "老店", "owner": "李明", "months": list(QUIET)}]


def test_figures_missing_leaves_out_customers_with_figures_in_the_window():
    text = OLD_SHOP + collected(0, "2026-09")
    assert figures_missing([customer(text, "old")], settings(), TODAY) == []


def test_figures_missing_leaves_out_customers_already_graded_c():
    text = OLD_SHOP.replace("grade: A", "grade: C")
    assert figures_missing([customer(text, "old")], settings(), TODAY) == []


def test_figures_missing_leaves_out_customers_too_new_to_grade():
    text = OLD_SHOP + "since: 2026-10-20\n"
    assert figures_missing([customer(text, "old")], settings(), TODAY) == []


def test_classify_says_which_months_are_missing(make_repo, kq):
    root = make_repo({"old": OLD_SHOP + collected(0, "2026-08")})
    result = kq("--repo", root, "--today", "2027-02-10", "classify", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])
    assert result.stderr == ("kq: 缺少 2026-10, 2026-11, 2026-12 的数据: 老店; 未评级 "
                             "(kq figures 可以录入)\n")


def test_classify_notes_missing_months_only_for_the_owner_asked(make_repo, kq):
    root = make_repo({"old": OLD_SHOP + collected(0, "2026-08")})
    result = kq("--repo", root, "--today", "2027-02-10", "classify", "--owner", "张强")
    assert result.stderr == ""


def test_classify_of_other_fields_does_not_note_missing_months(make_repo, kq):
    root = make_repo({"old": OLD_SHOP + collected(0, "2026-08")})
    result = kq("--repo", root, "--today", "2027-02-10", "classify", "--field", "tier")
    assert result.stderr == ""


def test_apply_keeps_a_byte_order_mark(make_repo, kq):
    text = "\ufeffname: 华信大药房\nkind: terminal\nstatus: active\ntier: normal  # 分级\nowner: 李明\n"
    root = make_repo({"hx": text.encode("utf-8")}, kq_yaml=ONE_EACH)
    kq("--repo", root, "--today", "2026-11-15", "classify", "--apply")
    assert (root / "customers" / "hx.yaml").read_bytes() == \
        text.replace("tier: normal", "tier: key").encode("utf-8")


# --- key-account relationship ------------------------------------------------------------------


def key_account(contacts: str, current: str = "") -> tuple[dict, dict]:
    return customer("name: 大润发\nkind: key_account\nstatus: active\n" + current
                    + "contacts:\n" + textwrap.dedent(contacts), "ka")


def test_buyer_only_is_an_ordinary_key_account():
    ka = key_account("  - {name: 陈采购, function: purchasing, level: manager}\n", "relationship: partner\n")
    [r] = relationship([ka], settings())
    assert (r["current"], r["suggested"]) == ("partner", "ordinary")
    assert english(r["reason"]) == "contacts span 1 functions (purchasing) and 1 levels"


def test_three_functions_make_a_partner():
    ka = key_account("""\
        - {name: 陈采购, function: purchasing, level: manager}
        - {name: 刘会计, function: finance, level: staff}
        - {name: 周物流, function: logistics, level: staff}
    """)
    assert suggested(relationship([ka], settings()), "relationship") == {"ka": "partner"}


def test_four_functions_on_three_levels_make_a_strategic_account():
    ka = key_account("""\
        - {name: 陈采购, function: purchasing, level: staff}
        - {name: 刘会计, function: finance, level: manager}
        - {name: 周物流, function: logistics, level: manager}
        - {name: 吴总, function: management, level: executive}
    """)
    assert suggested(relationship([ka], settings()), "relationship") == {"ka": "strategic"}


def test_four_functions_on_two_levels_stay_a_partner():
    ka = key_account("""\
        - {name: 陈采购, function: purchasing, level: staff}
        - {name: 刘会计, function: finance, level: manager}
        - {name: 周物流, function: logistics, level: manager}
        - {name: 马市场, function: marketing, level: staff}
    """, "relationship: partner\n")
    assert relationship([ka], settings()) == []


def test_relationship_is_only_for_key_accounts():
    assert relationship([terminal("t")], settings()) == []


# --- the command: json, --field, --apply -------------------------------------------------------

HX = """\
# 华信大药房 人民路店
name: 华信大药房
kind: terminal   # 终端
status: active
grade: B   # 等级
tier: normal  # 分级
owner: 李明
months:
  2026-08: {collections: 90000, reported: 2026-09-05}
  2026-09: {collections: 90000, reported: 2026-10-08}
  2026-10: {collections: 90000, reported: 2026-11-06}   # 十月回款
"""

OTHER = """\
name: 春城药店
kind: terminal
status: active
grade: B
tier: secondary
owner: 李明
months:
  2026-08: {collections: 10000, reported: 2026-09-05}
  2026-09: {collections: 10000, reported: 2026-10-08}
  2026-10: {collections: 10000, reported: 2026-11-06}
"""


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo({"hx": HX, "other": OTHER}, kq_yaml=KEY_AND_SECONDARY)


def test_classify_json_keys_and_suggestions(repo, kq):
    result = kq("--repo", repo, "--today", "2026-11-15", "classify", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["customer"], r["field"], r["current"], r["suggested"]) for r in rows] == [
        ("hx", "grade", "B", "A"), ("hx", "tier", "normal", "key")]
    assert {"customer", "field", "current", "suggested", "reason", "abc"} <= set(rows[0])


def test_classify_json_gives_the_pareto_class_as_abc_beside_the_grade(repo, kq):
    result = kq("--repo", repo, "--today", "2026-11-15", "classify", "--format", "json")
    assert [(r["field"], r["suggested"], r["abc"], r["reason_key"])
            for r in json.loads(result.stdout)] == [
        ("grade", "A", "A", "qualified"), ("tier", "key", "A", "tier_rank")]


def test_classify_table_shows_the_abc_column(repo, kq):
    table = kq("--repo", repo, "--today", "2026-11-15", "--lang", "en", "classify").stdout
    assert "ABC" in table.splitlines()[1]


def test_apply_writes_the_grade_of_the_standard_not_the_pareto_class(make_repo, kq):
    # 春城药店 is C by its share of collections (10%, after 90%: B; a third shop makes it C),
    # yet it pays and reports every month: 合格, B.
    third = HX.replace("华信大药房", "大药房").replace("90000", "200000")
    root = make_repo({"hx": HX, "other": OTHER.replace("grade: B", "grade: C"), "big": third},
                     kq_yaml=KEY_AND_SECONDARY)
    result = kq("--repo", root, "--today", "2026-11-15", "classify", "--field", "grade",
                "--format", "json", "--apply")
    assert [(r["customer"], r["suggested"], r["abc"]) for r in json.loads(result.stdout)
            if r["customer"] == "other"] == [("other", "B", "C")]
    assert "grade: B\n" in (root / "customers" / "other.yaml").read_text(encoding="utf-8")


def test_classify_field_filters(repo, kq):
    result = kq("--repo", repo, "--today", "2026-11-15", "classify", "--field", "tier",
                "--format", "json")
    assert [(r["customer"], r["field"]) for r in json.loads(result.stdout)] == [("hx", "tier")]


def test_classify_without_apply_writes_nothing(repo, kq):
    kq("--repo", repo, "--today", "2026-11-15", "classify")
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX


def test_apply_changes_only_the_suggested_values(repo, kq):
    result = kq("--repo", repo, "--today", "2026-11-15", "classify", "--apply")
    assert result.exit_code == 0, result.stderr
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX.replace(
        "grade: B   # 等级", "grade: A   # 等级").replace("tier: normal  # 分级", "tier: key  # 分级")
    assert (repo / "customers" / "other.yaml").read_text(encoding="utf-8") == OTHER
    assert "已对 1 个客户写入 2 处修改" in result.stderr


def test_apply_then_nothing_is_left_to_suggest(repo, kq):
    kq("--repo", repo, "--today", "2026-11-15", "classify", "--apply")
    result = kq("--repo", repo, "--today", "2026-11-15", "classify", "--format", "json")
    assert json.loads(result.stdout) == []


def test_apply_with_field_writes_only_that_field(repo, kq):
    kq("--repo", repo, "--today", "2026-11-15", "classify", "--field", "tier", "--apply")
    assert (repo / "customers" / "hx.yaml").read_text(encoding="utf-8") == HX.replace(
        "tier: normal  # 分级", "tier: key  # 分级")


def test_apply_adds_a_missing_field_at_the_end(make_repo, kq):
    text = "name: 华信大药房\nkind: terminal\nstatus: active\nowner: 李明  # 业代\n"
    root = make_repo({"hx": text}, kq_yaml=ONE_EACH)
    kq("--repo", root, "--today", "2026-11-15", "classify", "--apply")
    # no figures: no grade; the only terminal of 李明: key
    assert (root / "customers" / "hx.yaml").read_text(encoding="utf-8") == text + "tier: key\n"


def test_apply_removes_the_route_of_a_terminated_customer(make_repo, kq):
    text = textwrap.dedent("""\
        name: 旧店   # 已终止
        kind: key_account
        status: terminated
        route:
          weekday: tue   # 周二
          time: "09:30"  # 上午
        owner: 李明   # 业代
        contacts:
          - {name: 陈采购, function: purchasing}
    """)
    root = make_repo({"old": text})
    result = kq("--repo", root, "--today", "2026-11-15", "classify", "--apply")
    assert result.exit_code == 0, result.stderr
    assert (root / "customers" / "old.yaml").read_text(encoding="utf-8") == textwrap.dedent("""\
        name: 旧店   # 已终止
        kind: key_account
        status: terminated
        owner: 李明   # 业代
        contacts:
          - {name: 陈采购, function: purchasing}
        relationship: ordinary
    """)


def test_apply_promotes_a_prospect_with_its_grade(make_repo, kq):
    root = make_repo({"p": PROSPECT + PAID_TWICE})
    result = kq("--repo", root, "--today", "2026-11-15", "classify", "--apply")
    assert result.exit_code == 0, result.stderr
    assert (root / "customers" / "p.yaml").read_text(encoding="utf-8") == \
        PROSPECT.replace("prospect", "active").replace("near", "B") + PAID_TWICE


def test_apply_of_status_alone_carries_the_grade_it_decides(make_repo, kq):
    root = make_repo({"p": PROSPECT + PAID_TWICE})
    result = kq("--repo", root, "--today", "2026-11-15", "classify", "--field", "status", "--apply")
    assert result.exit_code == 0
    assert "status: active" in (root / "customers" / "p.yaml").read_text(encoding="utf-8")


# --- --apply in a git work tree ----------------------------------------------------------------


@pytest.fixture
def git_repo(repo) -> Path:
    commit_all(repo)
    return repo


@needs_git
def test_apply_makes_one_commit_listing_the_changes(git_repo, kq):
    result = kq("--repo", git_repo, "--today", "2026-11-15", "classify", "--apply")
    assert result.exit_code == 0, result.stderr
    assert git(git_repo, "rev-list", "--count", "HEAD").strip() == "2"
    assert git(git_repo, "log", "-1", "--format=%B").splitlines()[:4] == [
        "classify: 2 changes to 1 customers", "",
        "华信大药房: grade B → A",
        "华信大药房: tier normal → key"]
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split() == ["customers/hx.yaml"]
    assert git(git_repo, "status", "--porcelain") == ""


@needs_git
def test_apply_with_nothing_to_suggest_makes_no_commit(git_repo, kq):
    kq("--repo", git_repo, "--today", "2026-11-15", "classify", "--apply")
    kq("--repo", git_repo, "--today", "2026-11-15", "classify", "--apply")
    assert git(git_repo, "rev-list", "--count", "HEAD").strip() == "2"


@needs_git
def test_apply_leaves_other_staged_work_alone(git_repo, kq):
    (git_repo / "notes.txt").write_text("草稿\n", encoding="utf-8")
    git(git_repo, "add", "notes.txt")
    kq("--repo", git_repo, "--today", "2026-11-15", "classify", "--apply")
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split() == ["customers/hx.yaml"]
    assert git(git_repo, "status", "--porcelain").splitlines() == ["A  notes.txt"]


# --- filters -----------------------------------------------------------------------------------


def test_owner_filter_keeps_the_abc_class_of_the_whole_kind(make_repo, kq):
    root = make_repo({
        "small": "name: 小店\nkind: terminal\nstatus: active\ngrade: C\nowner: 李明\n"
                 + OTHER[OTHER.index("months:"):].replace("10000", "1000"),
        "big": "name: 大店\nkind: terminal\nstatus: active\ngrade: A\nowner: 张强\n" + collected(99000),
    })
    result = kq("--repo", root, "--today", "2026-11-15", "classify", "--field", "grade",
                "--owner", "李明", "--format", "json")
    # 小店, 李明's only terminal, is key and 合格: A; its Pareto class beside 张强's 大店
    # (99,000 of 102,000) is C, where alone it would be A
    assert [(r["customer"], r["suggested"], r["abc"]) for r in json.loads(result.stdout)] == [
        ("small", "A", "C")]


def test_unknown_field_is_a_usage_error(repo, kq):
    result = kq("--repo", repo, "--today", "2026-11-15", "classify", "--field", "tiers")
    assert result.exit_code == 2
