"""Issue 15's classify rules: continuous payment (持续回款) before a prospect becomes active, and
tiers on territories smaller than the tier counts, with a revenue floor for key terminals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import ledger_row as customer
from helpers import settings

from kqcli.core.classify import status, tier_counts, tiers
from kqcli.core.messages import english

TODAY = dt.date(2026, 11, 15)  # the last three months are 2026-08 .. 2026-10
PROSPECT = "name: 新店\nkind: terminal\nstatus: prospect\ngrade: near\nowner: 李明\n"


def paid(**months: int | None) -> str:
    """``months:`` with the collections given per month (``m2026_09=8000``); None: a month
    reported without its collections."""
    lines = [f"  {m[1:].replace('_', '-')}: " + ("{shipments: 100}" if n is None
                                                else f"{{collections: {n}}}")
             for m, n in months.items()]
    return "months:\n" + "".join(f"{line}\n" for line in lines)


def promoted(text: str, kq_yaml: str = "") -> list[tuple[str, str]]:
    return [(r["suggested"], english(r["reason"])) for r in status([customer(PROSPECT + text, "p")],
                                                          settings(kq_yaml), TODAY)]


# --- continuous payment ------------------------------------------------------------------------


def test_prospect_with_one_payment_stays_a_prospect():
    assert promoted(paid(m2026_10=8000)) == []


def test_prospect_paying_two_reported_months_in_a_row_becomes_active():
    assert promoted(paid(m2026_09=8000, m2026_10=6000)) == [
        ("active", "paying 2 consecutive reported months (2026-09 to 2026-10): 14,000 collected "
                   "(持续回款)")]


def test_an_unreported_month_between_two_payments_breaks_the_run():
    assert promoted(paid(m2026_08=5000, m2026_10=6000)) == []


def test_a_month_reported_without_collections_breaks_the_run():
    assert promoted(paid(m2026_08=5000, m2026_09=None, m2026_10=6000)) == []


def test_a_reported_zero_breaks_the_run():
    assert promoted(paid(m2026_08=5000, m2026_09=0, m2026_10=6000)) == []


def test_a_last_month_not_yet_reported_leaves_the_run_before_it():
    assert promoted(paid(m2026_08=5000, m2026_09=6000)) == [
        ("active", "paying 2 consecutive reported months (2026-08 to 2026-09): 11,000 collected "
                   "(持续回款)")]


def test_a_last_reported_month_with_nothing_collected_is_not_paying():
    assert promoted(paid(m2026_08=5000, m2026_09=6000, m2026_10=0)) == []


def test_the_run_counts_back_past_the_last_three_months():
    assert promoted(paid(m2026_06=1000, m2026_07=2000, m2026_08=3000)) == [
        ("active", "paying 3 consecutive reported months (2026-06 to 2026-08): 6,000 collected "
                   "(持续回款)")]


def test_a_run_that_ended_before_the_last_three_months_does_not_count():
    assert promoted(paid(m2026_06=1000, m2026_07=2000)) == []


def test_active_after_months_comes_from_kq_yaml():
    assert promoted(paid(m2026_09=8000, m2026_10=6000),
                    "classify: {active_after_months: 3}") == []


def test_active_after_one_month_when_kq_yaml_says_so():
    assert promoted(paid(m2026_10=8000), "classify: {active_after_months: 1}") == [
        ("active", "paying 1 consecutive reported months (2026-10 to 2026-10): 8,000 collected "
                   "(持续回款)")]


def test_classify_promotes_a_prospect_only_after_two_reported_months(make_repo, kq):
    root = make_repo({"one": PROSPECT + paid(m2026_10=8000),
                      "two": PROSPECT + paid(m2026_09=8000, m2026_10=6000)})
    result = kq("--repo", root, "--today", "2026-11-15", "classify", "--field", "status",
                "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r["customer"], r["field"], r["suggested"]) for r in json.loads(result.stdout)] == [
        ("two", "grade", "B"), ("two", "status", "active")]


# --- tiers on small territories ----------------------------------------------------------------


def terminal(cid: str, revenue: int | None = None, extra: str = "") -> tuple[dict, dict]:
    text = f"name: {cid}店\nkind: terminal\nstatus: active\nowner: 李明\n" + extra
    if revenue is not None:
        text += f"business: {{annual_revenue: {revenue}}}\n"
    return customer(text, cid)


def suggested(found: list[dict]) -> dict[str, object]:
    return {r["customer"]: r["suggested"] for r in found if r["field"] == "tier"}


FOUR = [terminal("a", 4000000), terminal("b", 3000000),
        terminal("c", 2000000, "seasons: [3, 9]\n"), terminal("d", 1000000)]


def test_four_terminals_under_the_default_counts_are_not_all_key():
    assert suggested(tiers(FOUR, settings(), TODAY)) == {
        "a": "key", "b": "secondary", "c": "normal", "d": "normal"}


def test_a_small_territory_says_the_counts_were_taken_as_shares():
    found = {r["customer"]: english(r["reason"]) for r in tiers(FOUR, settings(), TODAY)}
    assert found["a"] == ("rank 1 of 4 terminals of 李明 (fewer than 70: 1 key, 1 secondary, "
                          "2 normal by the counts' shares)")


@pytest.mark.parametrize(("terminals", "counts"), [
    (1, (1, 0, 0)), (2, (1, 0, 1)), (3, (1, 1, 1)), (4, (1, 1, 2)), (7, (2, 2, 3)),
    (10, (3, 3, 4)), (69, (20, 19, 30)), (70, (20, 20, 30)), (100, (20, 20, 30)),
])
def test_default_counts_become_shares_of_seventy_below_seventy_terminals(terminals, counts):
    found, _ = tier_counts(settings().classify.tiers, terminals)
    assert (found["key"], found["secondary"], found["normal"]) == counts


def test_tier_shares_below_one_are_not_rescaled():
    found, note = tier_counts({"key": 0.3, "secondary": 0.3, "normal": 0.4}, 4)
    assert (found, note) == ({"key": 2, "secondary": 2, "normal": 2}, None)


# A ranks first on everything but turnover; C has the revenue (weights .4 turnover, .2 the rest).
RANKED = [
    customer("name: A店\nkind: terminal\nstatus: active\nowner: 李明\nbusiness: {annual_revenue: "
             "500000, consumers: 1000, strength: 5, management: 5}\n", "a"),
    customer("name: B店\nkind: terminal\nstatus: active\nowner: 李明\nbusiness: {annual_revenue: "
             "1000000, consumers: 100, strength: 1, management: 1}\n", "b"),
    customer("name: C店\nkind: terminal\nstatus: active\nowner: 李明\nbusiness: {annual_revenue: "
             "900000, consumers: 500, strength: 2, management: 2}\n", "c"),
]
ONE_EACH = "classify: {tiers: {key: 1, secondary: 1, normal: 1}"


def test_without_key_min_revenue_the_first_ranked_is_key():
    assert suggested(tiers(RANKED, settings(ONE_EACH + "}"), TODAY)) == {
        "a": "key", "c": "secondary", "b": "normal"}


def test_a_terminal_below_key_min_revenue_gives_its_key_place_to_the_next():
    found = tiers(RANKED, settings(ONE_EACH + ", key_min_revenue: 800000}"), TODAY)
    assert suggested(found) == {"a": "secondary", "c": "key", "b": "normal"}


def test_the_reason_names_the_revenue_floor():
    found = tiers(RANKED, settings(ONE_EACH + ", key_min_revenue: 800000}"), TODAY)
    assert english(next(r["reason"] for r in found if r["customer"] == "a")) == (
        "rank 1 of 3 terminals of 李明; annual revenue 500,000 below key_min_revenue 800,000")


def test_when_only_a_key_place_is_left_a_terminal_below_the_floor_is_normal():
    rows = [terminal("a", 500000), terminal("b", 400000)]
    kq_yaml = "classify: {tiers: {key: 1, secondary: 1}, key_min_revenue: 800000}"
    assert suggested(tiers(rows, settings(kq_yaml), TODAY)) == {"a": "secondary", "b": "normal"}


def test_a_terminal_without_annual_revenue_is_not_held_below_the_floor():
    rows = [terminal("a"), terminal("b", 500000)]
    kq_yaml = "classify: {tiers: {key: 1, secondary: 1}, key_min_revenue: 800000}"
    assert suggested(tiers(rows, settings(kq_yaml), TODAY)) == {"a": "key", "b": "secondary"}


def test_classify_suggests_tiers_by_shares_for_four_terminals(make_repo, kq):
    files = {cid: f"name: {cid}店\nkind: terminal\nstatus: active\ntier: key\nowner: 李明\n"
                  f"business: {{annual_revenue: {revenue}}}\n"
             for cid, revenue in (("a", 4000000), ("b", 3000000), ("c", 2000000), ("d", 1000000))}
    result = kq("--repo", make_repo(files), "--today", "2026-11-15", "classify", "--field", "tier",
                "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r["customer"], r["current"], r["suggested"]) for r in json.loads(result.stdout)] == [
        ("b", "key", "secondary"), ("c", "key", "normal"), ("d", "key", "normal")]


def test_key_min_revenue_below_zero_is_refused(make_repo, kq):
    root = make_repo({"a": "name: A店\n"}, kq_yaml="classify: {key_min_revenue: -1}\n")
    result = kq("--repo", root, "check")
    assert result.exit_code == 1
    assert "classify.key_min_revenue" in result.stdout + result.stderr


def test_active_after_zero_months_is_refused(make_repo, kq):
    root = make_repo({"a": "name: A店\n"}, kq_yaml="classify: {active_after_months: 0}\n")
    result = kq("--repo", root, "--lang", "en", "check")
    assert result.exit_code == 1
    assert "classify.active_after_months: 0 is below the minimum 1" in \
        result.stdout + result.stderr
