"""A scorecard per role and per kind (the manual's indicator sets for province managers,
supervisors, reps and terminal staff): reps carry a role in kq.yaml, score.cards are keyed by
role and kind, and key accounts and distributors are no longer scored on the clerk card."""

from __future__ import annotations

import json
import textwrap

from helpers import ledger_row as customer
from helpers import settings

from kqcli.core.scoring import by_owner, scorecard, scorecards
from kqcli.schema.config import DEFAULT_CARD, Settings
from kqcli.store.validate import validate

MONTH = "2026-10"

TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: normal
    owner: 李明
""").lstrip()

KEY_ACCOUNT = textwrap.dedent("""
    name: 春城大药房连锁
    kind: key_account
    status: active
    owner: 李明
""").lstrip()

DISTRIBUTOR = textwrap.dedent("""
    name: 滇中医药
    kind: distributor
    status: active
    owner: 李明
    synergy:
      2026-10: {loyalty: 4, price_discipline: 3, promotion: 2, supply: 1}
""").lstrip()

TEAM = """\
reps:
  - {name: 李明}
  - {name: 王经理, role: province_manager}
"""
ROLE_CARDS = TEAM + """\
score:
  cards:
    province_manager: [{key: favour, label: 帮忙}]
    province_manager.distributor: [{key: pop_display, label: 陈列, points: 5}]
"""


def card(text: str, kq_yaml: str = "", month: str = MONTH) -> dict:
    summary, facts = customer(text)
    return scorecard(summary, facts, settings(kq_yaml), month)


# --- which card --------------------------------------------------------------------------------


def test_a_terminal_keeps_the_clerk_card():
    c = card(TERMINAL)
    assert (c["card"], list(c["items"])) == ("default", [i.key for i in DEFAULT_CARD])


def test_a_key_account_is_scored_on_the_key_account_card():
    c = card(KEY_ACCOUNT)
    assert (c["card"], list(c["items"])) == ("key_account", [
        "relationship_cards", "levels", "functions", "mutual_familiarity", "visit_frequency",
        "regular_communication", "favour", "feedback", "changes_reported", "figures_on_time"])


def test_a_distributor_is_scored_on_the_synergy_table_and_the_information_work():
    c = card(DISTRIBUTOR)
    assert (c["card"], list(c["items"])) == (
        "distributor", ["synergy", "changes_reported", "figures_on_time"])


def test_a_kq_yaml_listing_only_the_default_card_still_gives_the_other_kinds_theirs():
    kq_yaml = "score: {cards: {default: [{key: favour, label: 帮忙}]}}\n"
    assert [card(t, kq_yaml)["card"] for t in (TERMINAL, KEY_ACCOUNT, DISTRIBUTOR)] == [
        "default", "key_account", "distributor"]


def test_a_role_card_scores_the_customers_of_reps_in_that_role():
    managed = TERMINAL.replace("李明", "王经理")
    assert (card(managed, ROLE_CARDS)["card"], card(TERMINAL, ROLE_CARDS)["card"]) == (
        "province_manager", "default")
    assert list(card(managed, ROLE_CARDS)["items"]) == ["favour"]


def test_a_role_card_for_a_kind_wins_over_the_roles_card():
    c = card(DISTRIBUTOR.replace("李明", "王经理"), ROLE_CARDS)
    assert (c["card"], list(c["items"]), c["max"]) == (
        "province_manager.distributor", ["pop_display"], 5)


def test_a_role_card_wins_over_the_kinds_card():
    assert card(KEY_ACCOUNT.replace("李明", "王经理"), ROLE_CARDS)["card"] == "province_manager"


def test_an_owner_kq_yaml_does_not_list_is_a_rep():
    kq_yaml = "score: {cards: {rep: [{key: favour, label: 帮忙}]}}\n"
    c = card(TERMINAL.replace("李明", "赵六"), kq_yaml)
    assert (c["role"], c["card"]) == ("rep", "rep")


def test_the_card_is_the_role_of_the_rep_who_owned_the_month():
    moved = TERMINAL + "owners: [{from: 王经理, to: 李明, date: 2026-11-05}]\n"
    c = card(moved, ROLE_CARDS)
    assert (c["owner"], c["role"], c["card"]) == ("王经理", "province_manager", "province_manager")


def test_a_role_may_be_written_in_chinese():
    kq_yaml = ROLE_CARDS.replace("role: province_manager", "role: 省区经理")
    assert card(TERMINAL.replace("李明", "王经理"), kq_yaml)["role"] == "province_manager"


def test_by_owner_carries_the_reps_role():
    rows = [customer(TERMINAL.replace("李明", "王经理"), "a"), customer(TERMINAL, "b")]
    reps = by_owner(scorecards(rows, settings(ROLE_CARDS), MONTH))
    assert sorted((r["owner"], r["role"]) for r in reps) == [
        ("李明", "rep"), ("王经理", "province_manager")]


# --- the key-account card ----------------------------------------------------------------------

SPANNING = KEY_ACCOUNT + textwrap.dedent("""
    contacts:
      - {name: 林总, role: 总经理, level: executive, function: management}
      - {name: 陈卫东, role: 采购经理, level: manager, function: purchasing}
      - {name: 小李, role: 会计, function: finance}
""")


def test_levels_score_the_share_of_the_three_levels_the_contacts_span():
    assert card(SPANNING)["items"]["levels"] == 6.7  # executive and manager of 3 levels


def test_functions_score_against_four_functions():
    assert card(SPANNING)["items"]["functions"] == 7.5  # 3 of the 4 a strategic account spans


def test_contacts_without_levels_or_functions_leave_them_missing():
    c = card(KEY_ACCOUNT + "contacts:\n  - {name: 小毕, role: 店员}\n")
    assert (c["items"]["levels"], c["items"]["functions"]) == (0.0, 0.0)
    assert {"levels", "functions"} <= set(c["missing"])


def test_changes_reported_and_figures_on_time_earn_full_points():
    text = KEY_ACCOUNT + ("months:\n  2026-10: {collections: 9000, changes: 新开两家店, "
                          "reported: 2026-11-05}\n")
    c = card(text)
    assert (c["items"]["changes_reported"], c["items"]["figures_on_time"]) == (10.0, 10.0)


def test_figures_reported_after_the_deadline_earn_nothing():
    text = KEY_ACCOUNT + "months:\n  2026-10: {collections: 9000, reported: 2026-11-12}\n"
    c = card(text)
    assert (c["items"]["changes_reported"], c["items"]["figures_on_time"]) == (0.0, 0.0)
    assert "figures_on_time" not in c["missing"]


def test_a_month_without_figures_leaves_the_information_items_missing():
    c = card(KEY_ACCOUNT)
    assert {"changes_reported", "figures_on_time"} <= set(c["missing"])


# --- the distributor card ----------------------------------------------------------------------


def test_the_synergy_item_is_the_synergy_tables_total():
    c = card(DISTRIBUTOR + "months:\n  2026-10: {reported: 2026-11-03}\n")
    assert c["items"] == {"synergy": 28.0, "changes_reported": 0.0, "figures_on_time": 10.0}
    assert (c["total"], c["max"]) == (38.0, 100)


def test_a_distributor_card_without_synergy_scores_is_unassessed_not_zero():
    c = card(DISTRIBUTOR.replace("2026-10", "2026-09"))
    assert (c["items"]["synergy"], c["unassessed"], c["max"]) == (None, ["synergy"], 20)


def test_the_synergy_item_is_scaled_to_its_points():
    kq_yaml = "score: {cards: {distributor: [{key: synergy, label: Synergy, points: 10}]}}\n"
    assert card(DISTRIBUTOR, kq_yaml)["items"] == {"synergy": 3.5}  # 28 of 80


def test_the_distributor_cards_synergy_points_follow_the_tables_weights():
    kq_yaml = "score: {synergy: [{key: loyalty, label: 忠诚度, weight: 5, side: supplier}]}\n"
    c = card(DISTRIBUTOR, kq_yaml)
    assert (c["items"]["synergy"], settings(kq_yaml).score.cards["distributor"][0].points) == (
        20.0, 20)


# --- kq.yaml -----------------------------------------------------------------------------------


def _problems(text: str) -> list[str]:
    _, problems = validate(text.encode(), "kq.yaml", Settings)
    return [p.message for p in problems]


def test_a_card_key_that_is_neither_a_kind_nor_a_role_is_an_error():
    [message] = _problems("score: {cards: {terminals: [{key: favour, label: 帮忙}]}}\n")
    assert message.startswith("'terminals': not a customer kind or a rep role")


def test_a_role_and_kind_key_names_a_known_role_and_kind():
    [message] = _problems("score: {cards: {boss.terminal: [{key: favour, label: 帮忙}]}}\n")
    assert message.startswith("'boss.terminal': a role's card for a kind is ROLE.KIND")


def test_an_unknown_role_is_an_error():
    [message] = _problems("reps: [{name: 王经理, role: boss}]\n")
    assert message.startswith("'boss' is not one of rep | terminal_supervisor")


# --- the command -------------------------------------------------------------------------------


def test_score_json_names_the_role_and_the_card(make_repo, kq):
    root = make_repo({"hx": TERMINAL, "ka": KEY_ACCOUNT, "dz": DISTRIBUTOR.replace("李明", "王经理")},
                     kq_yaml=ROLE_CARDS)
    rows = json.loads(kq("--repo", root, "score", "--month", MONTH, "--format", "json").stdout)
    assert sorted((r["customer"], r["role"], r["card"]) for r in rows) == [
        ("dz", "province_manager", "province_manager.distributor"), ("hx", "rep", "default"),
        ("ka", "rep", "key_account")]


def test_score_table_has_a_table_per_card(make_repo, kq):
    root = make_repo({"hx": TERMINAL, "ka": KEY_ACCOUNT, "dz": DISTRIBUTOR})
    out = kq("--repo", root, "score", "--month", MONTH).stdout
    titles = [line for line in out.splitlines() if line.startswith("2026-10 ")]
    assert titles == ["2026-10 客情关系量化考核", "2026-10 大客户客情考核", "2026-10 经销商客情考核",
                      "2026-10 经销商合作 Synergy"]


def test_a_key_account_row_shows_its_own_items(make_repo, kq):
    root = make_repo({"ka": SPANNING})
    out = kq("--repo", root, "score", "--month", MONTH).stdout
    header = next(line for line in out.splitlines() if line.lstrip().startswith("客户"))
    assert header.split()[2:6] == ["卡", "层", "职", "熟"]
    assert "层 层级覆盖 职 职能覆盖" in out


def test_a_role_cards_table_is_titled_with_the_role_and_the_kind(make_repo, kq):
    root = make_repo({"dz": DISTRIBUTOR.replace("李明", "王经理")}, kq_yaml=ROLE_CARDS)
    out = kq("--repo", root, "score", "--month", MONTH).stdout
    assert out.splitlines()[0] == "2026-10 客情考核: 省区经理 (经销商)"


def test_score_by_owner_json_carries_the_role(make_repo, kq):
    root = make_repo({"hx": TERMINAL.replace("李明", "王经理")}, kq_yaml=ROLE_CARDS)
    [row] = json.loads(kq("--repo", root, "score", "--month", MONTH, "--by", "owner",
                          "--format", "json").stdout)
    assert (row["owner"], row["role"]) == ("王经理", "province_manager")
