"""kq score: each default scorecard item, assessments, custom cards, Synergy and information
indicators, per-rep averages, on hand-written customers with exact numbers."""

from __future__ import annotations

import json
import textwrap

import pytest
from helpers import ledger_row as customer
from helpers import settings

from kqcli.core.scoring import by_owner, scorecard, scorecards

MONTH = "2026-10"  # 31 days: a key terminal (due every 5 days) needs floor(31 / 5) = 6 visits






def card(text: str, month: str = MONTH, kq_yaml: str = "") -> dict:
    summary, facts = customer(text)
    return scorecard(summary, facts, settings(kq_yaml), month)


KEY_TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: key
    owner: 李明
""").lstrip()

NORMAL_TERMINAL = KEY_TERMINAL.replace("tier: key", "tier: normal")

CONTACTS = KEY_TERMINAL + textwrap.dedent("""
    contacts:
      - {name: 王芳, role: 店长, phone: "13800001111", birthday: 1986-03-12, hobbies: [茶], familiarity: 2}
      - {name: 小张, role: 店员, wechat: xz, lunar_birthday: "08-15", personality: 开朗, familiarity: 1}
      - {name: 小李, role: 店员, familiarity: 0}
      - {name: 小赵, role: 店员}
""")


# --- relationship cards and familiarity --------------------------------------------------------


def test_relationship_cards_score_the_share_of_complete_cards():
    # 王芳 and 小张 are complete (role, phone or WeChat, a birthday, hobbies or personality).
    assert card(CONTACTS)["items"]["relationship_cards"] == 5.0


def test_mutual_recognition_is_the_share_of_contacts_known():
    assert card(CONTACTS)["items"]["mutual_recognition"] == 5.0  # 2 of 4 at familiarity >= 1


def test_mutual_familiarity_is_the_share_of_contacts_familiar():
    assert card(CONTACTS)["items"]["mutual_familiarity"] == 2.5  # 1 of 4 at familiarity >= 2


def test_no_contacts_leaves_the_card_items_missing():
    c = card(KEY_TERMINAL)
    assert c["items"]["relationship_cards"] == 0.0
    assert {"relationship_cards", "mutual_recognition", "mutual_familiarity"} <= set(c["missing"])


def test_familiarity_never_rated_is_missing_but_the_cards_are_not():
    c = card(KEY_TERMINAL + "contacts:\n  - {name: 王芳, role: 店长}\n")
    assert c["items"]["relationship_cards"] == 0.0
    assert "relationship_cards" not in c["missing"]
    assert "mutual_recognition" in c["missing"]
    assert "mutual_familiarity" in c["missing"]


# --- visits ------------------------------------------------------------------------------------


def test_visit_frequency_counts_in_person_visits_and_their_plans():
    # 4 in-person of the 6 a key terminal needs in October; 3 of the 4 had goal and outcome:
    # 10 x 4/6 x 3/4 = 5.0. The call does not count as a visit.
    text = KEY_TERMINAL + textwrap.dedent("""
        visits:
          - {date: 2026-10-03, kind: visit, goal: 推新品, outcome: 同意陈列}
          - {date: 2026-10-08, kind: visit, goal: 补货, outcome: 下单}
          - {date: 2026-10-13, kind: visit, goal: 培训}
          - {date: 2026-10-18, kind: call, goal: 问候, outcome: 好}
          - {date: 2026-10-23, kind: training, goal: 产品知识, outcome: 三人参加}
    """)
    assert card(text)["items"]["visit_frequency"] == 5.0


def test_visit_frequency_is_capped_at_full_points():
    text = NORMAL_TERMINAL + textwrap.dedent("""
        visits:
          - {date: 2026-10-05, kind: visit, goal: 推新品, outcome: 同意陈列}
          - {date: 2026-10-20, kind: visit, goal: 补货, outcome: 下单}
    """)
    assert card(text)["items"]["visit_frequency"] == 10.0  # a normal terminal needs 1 a month


def test_visit_without_goal_and_outcome_earns_nothing():
    text = NORMAL_TERMINAL + "visits:\n  - {date: 2026-10-05, kind: visit, outcome: 聊了聊}\n"
    assert card(text)["items"]["visit_frequency"] == 0.0


def test_customer_cadence_sets_the_visits_required():
    # cadence [5, 10]: floor(31 / 10) = 3 visits required; 2 planned visits -> 10 x 2/3 = 6.7
    text = NORMAL_TERMINAL + "cadence: [5, 10]\n" + textwrap.dedent("""
        visits:
          - {date: 2026-10-05, kind: visit, goal: a, outcome: b}
          - {date: 2026-10-15, kind: event, goal: a, outcome: b}
    """)
    assert card(text)["items"]["visit_frequency"] == 6.7


def test_no_visits_in_the_month_scores_zero_visit_frequency():
    text = NORMAL_TERMINAL + "visits:\n  - {date: 2026-09-30, kind: visit, goal: a, outcome: b}\n"
    assert card(text)["items"]["visit_frequency"] == 0.0


# --- favour, POP, feedback ---------------------------------------------------------------------


def test_one_favour_in_the_month_earns_full_points():
    text = NORMAL_TERMINAL + "visits:\n  - {date: 2026-10-05, kind: visit, done: [help]}\n"
    assert card(text)["items"]["favour"] == 10.0
    assert card(text, month="2026-11")["items"]["favour"] == 0.0


@pytest.mark.parametrize("done, points", [("[pop]", 10.0), ("[display]", 10.0), ("[help]", 0.0)])
def test_pop_or_display_earns_full_points(done, points):
    text = NORMAL_TERMINAL + f"visits:\n  - {{date: 2026-10-05, kind: visit, done: {done}}}\n"
    assert card(text)["items"]["pop_display"] == points


def test_feedback_is_scored_against_a_target_of_four():
    text = NORMAL_TERMINAL + textwrap.dedent("""
        visits:
          - {date: 2026-10-05, kind: visit, done: [feedback]}
          - {date: 2026-10-12, kind: wechat, done: [feedback, pop]}
          - {date: 2026-10-19, kind: call, done: [feedback]}
    """)
    assert card(text)["items"]["feedback"] == 7.5


def test_feedback_above_target_is_capped():
    days = "\n".join(f"  - {{date: 2026-10-{d:02d}, kind: call, done: [feedback]}}" for d in range(1, 7))
    assert card(NORMAL_TERMINAL + f"visits:\n{days}\n")["items"]["feedback"] == 10.0


# --- regular communication ---------------------------------------------------------------------

FOUR_CONTACTS = textwrap.dedent("""
    visits:
      - {date: 2026-10-01, kind: visit}
      - {date: 2026-10-02, kind: call}
      - {date: 2026-10-03, kind: wechat}
      - {date: 2026-10-20, kind: care_call}
""")


def test_regular_communication_counts_every_kind_against_a_target_of_eight():
    # 4 of 8 interactions; the widest gap (Oct 20 to the month's end, 11 days) is within 30.
    assert card(NORMAL_TERMINAL + FOUR_CONTACTS)["items"]["regular_communication"] == 5.0


def test_regular_communication_is_halved_when_a_gap_exceeds_the_cadence():
    # The same four contacts with a key terminal (every 5 days): a 17-day gap -> 5 x 0.5.
    assert card(KEY_TERMINAL + FOUR_CONTACTS)["items"]["regular_communication"] == 2.5


def test_regular_communication_every_five_days_is_not_halved():
    days = "\n".join(f"  - {{date: 2026-10-{d:02d}, kind: call}}" for d in (5, 10, 15, 20, 25, 30))
    assert card(KEY_TERMINAL + f"visits:\n{days}\n")["items"]["regular_communication"] == 7.5


def test_regular_communication_without_any_contact_is_zero():
    assert card(KEY_TERMINAL)["items"]["regular_communication"] == 0.0


# --- assessments and missing items -------------------------------------------------------------


def test_first_recommendation_and_product_knowledge_come_only_from_assessments():
    c = card(KEY_TERMINAL)
    assert c["items"]["first_recommendation"] is None
    assert c["items"]["product_knowledge"] is None
    assert {"first_recommendation", "product_knowledge"} <= set(c["missing"])


def test_assessments_fill_the_items_only_a_manager_can_judge():
    c = card(KEY_TERMINAL + "assessments:\n  2026-10: {product_knowledge: 8, first_recommendation: 6}\n")
    assert c["items"]["product_knowledge"] == 8.0
    assert c["items"]["first_recommendation"] == 6.0
    assert "product_knowledge" not in c["missing"]
    assert c["sources"]["product_knowledge"] == "assessment"


def test_assessment_of_another_month_does_not_count():
    c = card(KEY_TERMINAL + "assessments:\n  2026-09: {product_knowledge: 8}\n")
    assert c["items"]["product_knowledge"] is None
    assert "product_knowledge" in c["missing"]


def test_manager_assessment_overrides_a_derived_item():
    text = NORMAL_TERMINAL + textwrap.dedent("""
        visits:
          - {date: 2026-10-05, kind: visit, done: [help]}
        assessments:
          2026-10: {favour: 3, regular_communication: 9}
    """)
    c = card(text)
    assert c["items"]["favour"] == 3.0
    assert c["items"]["regular_communication"] == 9.0
    assert c["sources"]["favour"] == "assessment"


def test_assessment_of_zero_overrides_too():
    text = NORMAL_TERMINAL + textwrap.dedent("""
        visits:
          - {date: 2026-10-05, kind: visit, done: [pop]}
        assessments:
          2026-10: {pop_display: 0}
    """)
    assert card(text)["items"]["pop_display"] == 0.0


# --- unassessed is not zero -------------------------------------------------------------------

SHELF_CARD = ("score: {cards: {default: [{key: favour, label: 帮忙}, "
              "{key: shelf_share, label: 货架占比}]}}\n")
HELPED = NORMAL_TERMINAL + "visits:\n  - {date: 2026-10-05, kind: visit, done: [help]}\n"


def test_unassessed_item_is_left_out_of_total_and_max():
    c = card(HELPED, kq_yaml=SHELF_CARD)
    assert (c["items"], c["total"], c["max"]) == ({"favour": 10.0, "shelf_share": None}, 10.0, 10)


def test_unassessed_items_are_named():
    c = card(HELPED, kq_yaml=SHELF_CARD)
    assert (c["unassessed"], c["missing"], c["sources"]["shelf_share"]) == (
        ["shelf_share"], ["shelf_share"], "unassessed")


def test_derived_item_without_data_still_counts_as_zero():
    c = card(NORMAL_TERMINAL, kq_yaml=SHELF_CARD)
    assert (c["items"]["favour"], c["max"]) == (0.0, 10)


def test_change_counts_only_items_scored_in_both_months():
    text = HELPED + "  - {date: 2026-09-05, kind: visit}\nassessments:\n  2026-10: {shelf_share: 6}\n"
    [c] = scorecards([customer(text)], settings(SHELF_CARD), MONTH)
    assert (c["total"], c["previous"], c["change"]) == (16.0, 0.0, 10.0)


def test_by_owner_averages_an_item_over_the_customers_assessed():
    assessed = HELPED + "assessments:\n  2026-10: {shelf_share: 6}\n"
    cards = scorecards([customer(assessed, "a"), customer(HELPED, "b")], settings(SHELF_CARD),
                       MONTH)
    [rep] = by_owner(cards)
    assert rep["items"] == {"favour": 10.0, "shelf_share": 6.0}


def test_by_owner_item_assessed_for_none_is_null():
    [rep] = by_owner(scorecards([customer(HELPED)], settings(SHELF_CARD), MONTH))
    assert rep["items"] == {"favour": 10.0, "shelf_share": None}


def test_score_json_shows_an_unassessed_item_as_null(make_repo, kq):
    root = make_repo({"hx": HELPED}, kq_yaml=SHELF_CARD)
    result = kq("--repo", root, "score", "--month", "2026-10", "--format", "json")
    [c] = json.loads(result.stdout)
    assert (c["items"], c["total"], c["max"]) == ({"favour": 10.0, "shelf_share": None}, 10.0, 10)


def test_score_table_shows_an_unassessed_item_as_weiping(make_repo, kq):
    root = make_repo({"hx": HELPED}, kq_yaml=SHELF_CARD)
    result = kq("--repo", root, "score", "--month", "2026-10")
    assert "未评" in result.stdout.split("\n", 3)[3]  # in a row, not only in the caption
    assert "10/10" in result.stdout


def test_weakest_item_of_a_rep_is_never_an_unassessed_one(make_repo, kq):
    root = make_repo({"hx": HELPED}, kq_yaml=SHELF_CARD)
    result = kq("--repo", root, "score", "--month", "2026-10", "--by", "owner")
    assert "忙 10" in result.stdout
    assert "shelf_share" not in result.stdout


# --- the whole card ----------------------------------------------------------------------------

FULL = CONTACTS + textwrap.dedent("""
    visits:
      - {date: 2026-09-28, kind: visit, goal: 收款, outcome: 已收}
      - {date: 2026-10-03, kind: visit, goal: 推新品, outcome: 同意陈列, done: [help]}
      - {date: 2026-10-08, kind: visit, goal: 补货, outcome: 下单, done: [pop, feedback]}
      - {date: 2026-10-13, kind: visit, goal: 培训}
      - {date: 2026-10-18, kind: call, done: [feedback]}
      - {date: 2026-10-23, kind: training, goal: 产品知识, outcome: 三人参加}
      - {date: 2026-10-28, kind: wechat}
    assessments:
      2026-10: {product_knowledge: 8}
""")


def test_full_card_items_total_max_and_missing():
    c = card(FULL)
    assert c["items"] == {
        "relationship_cards": 5.0, "mutual_recognition": 5.0, "mutual_familiarity": 2.5,
        "visit_frequency": 5.0, "favour": 10.0, "first_recommendation": None,
        "pop_display": 10.0, "product_knowledge": 8.0, "feedback": 5.0,
        "regular_communication": 7.5,
    }
    assert (c["total"], c["max"], c["missing"]) == (58.0, 90, ["first_recommendation"])


def test_change_is_against_the_previous_month():
    # September: the cards (12.5), one planned visit of 6 (1.7), one contact of 8 with a
    # 28-day gap (1.2 x 0.5 = 0.6); product knowledge was not assessed, so its 8 points in
    # October are no change: 58 - 8 - 14.8.
    [c] = scorecards([customer(FULL)], settings(), MONTH)
    assert c["previous"] == 14.8
    assert c["change"] == 35.2


def test_january_is_compared_with_december_of_the_year_before():
    text = NORMAL_TERMINAL + textwrap.dedent("""
        visits:
          - {date: 2025-12-10, kind: visit, done: [help]}
          - {date: 2026-01-10, kind: visit, done: [help, pop]}
    """)
    [c] = scorecards([customer(text)], settings(), "2026-01")
    assert c["items"]["favour"] == 10.0
    assert c["change"] == 10.0  # pop_display is the only item that grew


def test_terminated_and_potential_customers_are_not_scored():
    rows = [customer(KEY_TERMINAL, "a"),
            customer(KEY_TERMINAL.replace("active", "terminated").replace("tier: key\n", ""), "b"),
            customer(KEY_TERMINAL.replace("active", "potential"), "c")]
    assert [c["customer"] for c in scorecards(rows, settings(), MONTH)] == ["a"]


# --- a team's own card ------------------------------------------------------------------------


def test_custom_card_in_kq_yaml_changes_the_items_and_max():
    text = NORMAL_TERMINAL + "visits:\n  - {date: 2026-10-05, kind: visit, done: [help]}\n"
    c = card(text, kq_yaml="score: {cards: {default: [{key: favour, label: x, points: 20}]}}\n")
    assert c["items"] == {"favour": 20.0}
    assert (c["total"], c["max"], c["missing"]) == (20.0, 20, [])


def test_custom_item_is_scored_only_by_assessment():
    kq_yaml = "score: {cards: {default: [{key: shelf_share, label: 货架占比, points: 10}]}}\n"
    assert card(NORMAL_TERMINAL, kq_yaml=kq_yaml)["missing"] == ["shelf_share"]
    assessed = NORMAL_TERMINAL + "assessments:\n  2026-10: {shelf_share: 7}\n"
    assert card(assessed, kq_yaml=kq_yaml)["total"] == 7.0


def test_card_per_kind_applies_to_that_kind_only():
    kq_yaml = """\
        score:
          cards:
            default: [{key: favour, label: 帮忙}]
            distributor: [{key: pop_display, label: 陈列, points: 5}]
    """
    distributor = NORMAL_TERMINAL.replace("terminal", "distributor")
    assert card(distributor, kq_yaml=kq_yaml)["max"] == 5
    assert card(NORMAL_TERMINAL, kq_yaml=kq_yaml)["max"] == 10


# --- distributors: Synergy and information -----------------------------------------------------

DISTRIBUTOR = textwrap.dedent("""
    name: 滇中医药
    kind: distributor
    status: active
    owner: 李明
    synergy:
      2026-10: {loyalty: 4, price_discipline: 3, promotion: 2, supply: 1}
""").lstrip()


def test_synergy_total_is_the_sum_of_weight_times_score():
    s = card(DISTRIBUTOR)["synergy"]
    # loyalty 3x4 + price_discipline 3x3 + promotion 2x2 (ours) + supply 3x1 (theirs)
    assert s["factors"] == {"loyalty": 12, "price_discipline": 9, "promotion": 4, "supply": 3}
    assert (s["supplier"], s["distributor"], s["total"], s["max"]) == (25, 3, 28, 80)


def test_synergy_lists_the_factors_not_scored():
    assert card(DISTRIBUTOR)["synergy"]["missing"] == [
        "maintenance", "business_advice", "market_development", "margin"]


def test_synergy_of_a_month_without_scores_is_empty():
    s = card(DISTRIBUTOR, month="2026-09")["synergy"]
    assert (s["total"], len(s["missing"])) == (0, 8)


def test_synergy_weights_come_from_kq_yaml():
    kq_yaml = "score: {synergy: [{key: loyalty, label: 忠诚度, weight: 5, side: supplier}]}\n"
    s = card(DISTRIBUTOR, kq_yaml=kq_yaml)["synergy"]
    assert (s["total"], s["max"], s["missing"]) == (20, 20, [])


def test_terminals_have_no_synergy_table():
    assert "synergy" not in card(KEY_TERMINAL)


@pytest.mark.parametrize("reported, on_time", [("2026-11-03", True), ("2026-11-10", True),
                                               ("2026-11-11", False)])
def test_figures_reported_by_the_tenth_are_on_time(reported, on_time):
    text = DISTRIBUTOR + f"months:\n  2026-10: {{sell_out: 90000, reported: {reported}}}\n"
    info = card(text)["information"]
    assert info == {"changes_reported": False, "figures_reported": True, "on_time": on_time,
                    "deadline": "2026-11-10"}


def test_business_changes_and_unreported_figures():
    text = DISTRIBUTOR + "months:\n  2026-10: {collections: 50000, changes: 新开一家分店}\n"
    info = card(text)["information"]
    assert (info["changes_reported"], info["figures_reported"], info["on_time"]) == (True, False, False)


def test_december_figures_are_due_in_january():
    info = card(DISTRIBUTOR + "months:\n  2026-12: {reported: 2027-01-08}\n", month="2026-12")
    assert info["information"]["deadline"] == "2027-01-10"
    assert info["information"]["on_time"] is True


# --- per rep -----------------------------------------------------------------------------------

SMALL_CARD = "score: {cards: {default: [{key: favour, label: 帮忙}, {key: pop_display, label: 陈列}]}}\n"


def _rows() -> list[tuple[dict, dict]]:
    both = NORMAL_TERMINAL + "visits:\n  - {date: 2026-10-05, kind: visit, done: [help, pop]}\n"
    favour = NORMAL_TERMINAL + "visits:\n  - {date: 2026-10-05, kind: visit, done: [help]}\n"
    other = NORMAL_TERMINAL.replace("李明", "张强")
    return [customer(both, "a"), customer(favour, "b"), customer(other, "c")]


def test_by_owner_averages_items_and_totals_over_the_reps_customers():
    rows = by_owner(scorecards(_rows(), settings(SMALL_CARD), MONTH))
    assert [(r["owner"], r["customers"], r["items"], r["total"], r["max"]) for r in rows] == [
        ("李明", 2, {"favour": 10.0, "pop_display": 5.0}, 15.0, 20.0),
        ("张强", 1, {"favour": 0.0, "pop_display": 0.0}, 0.0, 20.0),
    ]


def test_scorecards_are_ordered_by_owner_then_best_first():
    cards = scorecards(_rows(), settings(SMALL_CARD), MONTH)
    assert [(c["owner"], c["customer"], c["total"]) for c in cards] == [
        ("张强", "c", 0.0), ("李明", "a", 20.0), ("李明", "b", 10.0)]


# --- the command -------------------------------------------------------------------------------

KEYS = {"customer", "name", "owner", "month", "items", "total", "max", "missing"}


def test_score_json_carries_the_contract_keys(make_repo, kq):
    root = make_repo({"hx": FULL, "dz": DISTRIBUTOR})
    result = kq("--repo", root, "score", "--month", "2026-10", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = {c["customer"]: c for c in json.loads(result.stdout)}
    assert set(data) == {"hx", "dz"}
    assert KEYS <= set(data["hx"])
    assert (data["hx"]["month"], data["hx"]["total"], data["hx"]["max"]) == ("2026-10", 58.0, 90)
    assert data["hx"]["missing"] == ["first_recommendation"]
    assert data["dz"]["synergy"]["total"] == 28


def test_score_by_owner_json(make_repo, kq):
    both = NORMAL_TERMINAL + "visits:\n  - {date: 2026-10-05, kind: visit, done: [help, pop]}\n"
    root = make_repo({"a": both, "b": NORMAL_TERMINAL}, kq_yaml=SMALL_CARD)
    result = kq("--repo", root, "score", "--month", "2026-10", "--by", "owner", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert (row["owner"], row["customers"], row["total"]) == ("李明", 2, 10.0)


def test_score_owner_filter(make_repo, kq):
    root = make_repo({"a": NORMAL_TERMINAL, "c": NORMAL_TERMINAL.replace("李明", "张强")})
    result = kq("--repo", root, "score", "--month", "2026-10", "--owner", "张强", "--format", "json")
    assert [c["customer"] for c in json.loads(result.stdout)] == ["c"]


def test_score_table_shows_total_and_synergy(make_repo, kq):
    root = make_repo({"hx": FULL, "dz": DISTRIBUTOR})
    result = kq("--repo", root, "score", "--month", "2026-10")
    assert result.exit_code == 0
    assert "58/90" in result.stdout
    assert "Synergy" in result.stdout and "28/80" in result.stdout


def test_default_month_is_last_month_before_the_last_week(make_repo, kq):
    root = make_repo({"hx": FULL})
    result = kq("--repo", root, "--today", "2026-11-10", "score", "--format", "json")
    assert json.loads(result.stdout)[0]["month"] == "2026-10"
    result = kq("--repo", root, "--today", "2026-11-27", "score", "--format", "json")
    assert json.loads(result.stdout)[0]["month"] == "2026-11"


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "10-2026", "2026-10-01"])
def test_bad_month_is_a_usage_error(make_repo, kq, month):
    root = make_repo({"hx": FULL})
    result = kq("--repo", root, "score", "--month", month)
    assert result.exit_code == 2
    assert "--month" in result.stderr
    assert result.stdout == ""


def test_unknown_by_is_a_usage_error(make_repo, kq):
    result = kq("--repo", make_repo({"hx": FULL}), "score", "--month", "2026-10", "--by", "region")
    assert result.exit_code == 2


def test_invalid_file_is_skipped_and_exits_one(make_repo, kq):
    root = make_repo({"hx": FULL, "bad": "name: 坏\nkind: 火星\n"})
    result = kq("--repo", root, "score", "--month", "2026-10", "--format", "json")
    assert result.exit_code == 1
    assert [c["customer"] for c in json.loads(result.stdout)] == ["hx"]
    assert "bad.yaml" in result.stderr


def test_last_representable_month_is_not_a_traceback(make_repo, kq):
    result = kq("--repo", make_repo({"dz": DISTRIBUTOR}), "score", "--month", "9999-12")
    assert result.exit_code in (0, 2)
