"""The shelf check (issue 27): kq shelf records per-product checks (铺货 / 陈列 / 价格 / 库存) in
the day's visit; kq due lists the risks of each product's latest check; the scorecard's
POP/陈列 item is scored from the month's checks."""

from __future__ import annotations

import datetime as dt
import json

from helpers import due, git, ledger_row, settings

from kqcli.core.due import customer_reminders, morning_list
from kqcli.core.scoring import scorecard
from kqcli.store import agenda
from kqcli.store.repo import Repo

PRODUCTS = """\
products:
  华康AD奶: {price: [11, 13], facings: 3}
  华康钙片: {price: [38, 45]}
"""

STORE = """\
name: 华信大药房(东风路店)
kind: terminal
tier: secondary
status: active
owner: 李明
visits:
  - {date: 2026-11-20, kind: visit, goal: 谈陈列, outcome: 同意加两个排面}
"""


def _file(root) -> str:
    return (root / "customers" / "hx.yaml").read_text(encoding="utf-8")


def _shelf(kq, root, *args: str, today: str = "2026-11-24"):
    return kq("--repo", root, "--today", today, "shelf", "hx", *args)


def _risks(kq, root, today: str) -> list[str]:
    rows = json.loads(kq("--repo", root, "--today", today, "due", "--format", "json").stdout)
    return [r["message"] for r in rows if r["reason"] == "risk"]


# -- kq shelf: the checks in the day's visit --------------------------------------------------

def test_a_check_on_a_day_without_a_visit_adds_a_visit_with_it(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    result = _shelf(kq, root, "--sku", "华康AD奶", "--facings", "4", "--price", "12.5",
                    "--stock", "30", "--pop", "yes")
    assert result.exit_code == 0, result.output
    assert _file(root) == STORE + (
        "  - {date: 2026-11-24, kind: visit, shelf: [{sku: 华康AD奶, facings: 4, price: 12.5, "
        "stock: 30, pop: true}]}\n")
    head = git(root, "rev-parse", "--short", "HEAD").strip()
    assert result.stdout == f"已检查 华信大药房(东风路店) 2026-11-24 的 1 个商品: 华康AD奶 (提交 {head})\n"
    assert git(root, "log", "-1", "--format=%s") == "shelf: 华信大药房(东风路店) 2026-11-24 华康AD奶\n"


def test_a_check_goes_into_the_visit_of_that_day(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    result = _shelf(kq, root, "--sku", "华康钙片", "--price", "42", "--date", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert _file(root) == STORE.replace(
        "同意加两个排面}", "同意加两个排面, shelf: [{sku: 华康钙片, price: 42}]}")
    assert len(git(root, "log", "--format=%h").split()) == 2  # one commit


def test_a_second_check_of_the_same_product_that_day_replaces_the_first(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    _shelf(kq, root, "--sku", "华康AD奶", "--facings", "2", "--price", "14", "--pop", "no")
    _shelf(kq, root, "--sku", "华康钙片", "--price", "42")
    _shelf(kq, root, "--sku", "华康AD奶", "--facings", "4", "--price", "12.5")
    assert _file(root) == STORE + (
        "  - {date: 2026-11-24, kind: visit, shelf: [{sku: 华康AD奶, facings: 4, price: 12.5}, "
        "{sku: 华康钙片, price: 42}]}\n")


def test_kq_shelf_from_a_csv_in_utf8_with_bom_and_chinese_headers(git_repo, kq, tmp_path):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    sheet = tmp_path / "checks.csv"
    sheet.write_bytes("商品,排面,价格,库存,pop\r\n华康AD奶,4,12.5,30,是\r\n华康钙片,0,,,\r\n"
                      .encode("utf-8-sig"))
    result = _shelf(kq, root, "--from", str(sheet))
    assert result.exit_code == 0, result.output
    assert _file(root).endswith(
        "  - {date: 2026-11-24, kind: visit, shelf: [{sku: 华康AD奶, facings: 4, price: 12.5, "
        "stock: 30, pop: true}, {sku: 华康钙片, facings: 0}]}\n")


def test_kq_shelf_from_a_csv_excel_saved_in_gbk_with_english_headers(git_repo, kq, tmp_path):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    sheet = tmp_path / "checks.csv"
    sheet.write_bytes("SKU,Facings,Price,Stock,POP\r\n华康钙片,2,39.9,12,no\r\n".encode("gbk"))
    result = _shelf(kq, root, "--from", str(sheet))
    assert result.exit_code == 0, result.output
    assert _file(root).endswith(
        "shelf: [{sku: 华康钙片, facings: 2, price: 39.9, stock: 12, pop: false}]}\n")


def test_a_csv_row_with_a_bad_number_is_one_line_naming_file_row_and_column(git_repo, kq,
                                                                           tmp_path):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    sheet = tmp_path / "checks.csv"
    sheet.write_text("商品,排面,价格\n华康AD奶,4,12.5\n华康钙片,两个,40\n", encoding="utf-8")
    result = _shelf(kq, root, "--from", str(sheet))
    assert result.exit_code == 2
    assert result.stderr == f"kq: {sheet}: 第 3 行, 列 排面: '两个' 不是数字\n"
    assert _file(root) == STORE


def test_an_unknown_pop_value_is_one_line_naming_the_option(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    result = _shelf(kq, root, "--sku", "华康AD奶", "--pop", "maybe")
    assert result.exit_code == 2
    assert result.stderr == "kq: --pop: 'maybe' 不是 yes 或 no\n"
    assert _file(root) == STORE


def test_a_product_kq_yaml_does_not_list_is_recorded_with_a_warning_naming_the_known(git_repo,
                                                                                   kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    result = _shelf(kq, root, "--sku", "华康AD", "--facings", "3")
    assert result.exit_code == 0
    assert result.stderr == ("kq: kq.yaml 的 products: 里没有 华康AD (有 华康AD奶, 华康钙片); "
                             "照样记录\n")
    assert "shelf: [{sku: 华康AD, facings: 3}]" in _file(root)


def test_a_shelf_is_not_checked_after_today(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    result = _shelf(kq, root, "--sku", "华康AD奶", "--facings", "3", "--date", "2026-11-25")
    assert result.exit_code == 2
    assert result.stderr == ("kq: --date: 2026-11-25 在今天 (2026-11-24) 之后: 货架检查要在拜访过以后"
                             "记录\n")
    assert _file(root) == STORE


# -- kq due: the risks of each product's latest check ------------------------------------------

CHECKED = STORE + """\
  - {date: 2026-11-23, kind: visit, shelf: [{sku: 华康AD奶, facings: 4, price: 12.5, stock: 40}]}
months:
  2026-10: {sell_out: 155, reported: 2026-11-05}
"""


def test_a_price_above_the_band_is_a_risk_with_the_figures():
    text = CHECKED.replace("price: 12.5", "price: 14.0")
    assert due(text, "risk", kq_yaml=PRODUCTS) == [
        ("2026-11-24", 0, "华康AD奶 价格 14.0 高于 11-13 (11-23 货架检查)")]


def test_a_price_below_the_band_is_a_risk_and_one_inside_it_is_none():
    assert due(CHECKED.replace("price: 12.5", "price: 10.8"), "risk", kq_yaml=PRODUCTS) == [
        ("2026-11-24", 0, "华康AD奶 价格 10.8 低于 11-13 (11-23 货架检查)")]
    assert due(CHECKED, "risk", kq_yaml=PRODUCTS) == []


def test_a_product_off_the_shelf_is_a_risk():
    assert due(CHECKED.replace("facings: 4", "facings: 0"), "risk", kq_yaml=PRODUCTS) == [
        ("2026-11-24", 0, "华康AD奶 不在货架上 (排面 0, 11-23 货架检查)")]


def test_facings_below_the_products_minimum_is_a_risk():
    assert due(CHECKED.replace("facings: 4", "facings: 2"), "risk", kq_yaml=PRODUCTS) == [
        ("2026-11-24", 0, "华康AD奶 排面 2 少于 3 (11-23 货架检查)")]


def test_stock_below_the_products_minimum_is_a_risk():
    # kq.yaml asks for at least 35 units of 华康AD奶: 34 is below it, 35 is not.
    stocked = PRODUCTS.replace("facings: 3}", "facings: 3, stock: 35}")
    assert due(CHECKED.replace("stock: 40", "stock: 34"), "risk", kq_yaml=stocked) == [
        ("2026-11-24", 0, "华康AD奶 库存 34 少于 35 (11-23 货架检查)")]
    assert due(CHECKED.replace("stock: 40", "stock: 35"), "risk", kq_yaml=stocked) == []


def test_stock_is_no_risk_without_a_minimum_whatever_the_sell_out():
    """The month's sell-out is the customer's, in yuan: it says nothing of one product's
    units, so it is not compared with the stock on the shelf (155 sold, 1 in stock)."""
    text = CHECKED.replace("stock: 40", "stock: 1").replace("price: 12.5", "price: 14")
    assert due(text, "risk", kq_yaml=PRODUCTS) == [
        ("2026-11-24", 0, "华康AD奶 价格 14.0 高于 11-13 (11-23 货架检查)")]


def test_only_the_latest_check_of_a_product_counts():
    text = CHECKED.replace("price: 12.5", "price: 13.2").replace(
        "  - {date: 2026-11-23", "  - {date: 2026-11-21, kind: visit, shelf: "
        "[{sku: 华康AD奶, facings: 0, price: 9.5}]}\n  - {date: 2026-11-23")
    assert due(text, "risk", kq_yaml=PRODUCTS) == [
        ("2026-11-24", 0, "华康AD奶 价格 13.2 高于 11-13 (11-23 货架检查)")]


def test_a_check_older_than_the_risk_window_says_nothing():
    text = CHECKED.replace("price: 12.5", "price: 14.0")
    assert due(text, "risk", today=dt.date(2026, 12, 23), kq_yaml=PRODUCTS) != []
    assert due(text, "risk", today=dt.date(2026, 12, 24), kq_yaml=PRODUCTS) == []
    assert due(text, "risk", today=dt.date(2026, 11, 30),
               kq_yaml=PRODUCTS + "risk: {shelf_days: 6}\n") == []


def test_kq_ack_hides_a_shelf_risk_until_the_product_is_checked_again(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    _shelf(kq, root, "--sku", "华康AD奶", "--price", "14")
    price = "华康AD奶 价格 14.0 高于 11-13 (11-24 货架检查)"
    assert _risks(kq, root, "2026-11-24") == [price]
    result = kq("--repo", root, "--today", "2026-11-24", "ack", "hx", "risk")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [f"  {price}"]
    assert _risks(kq, root, "2026-11-25") == []
    _shelf(kq, root, "--sku", "华康AD奶", "--price", "13.5", today="2026-11-26")
    assert _risks(kq, root, "2026-11-26") == ["华康AD奶 价格 13.5 高于 11-13 (11-26 货架检查)"]


def test_the_agenda_and_a_full_evaluation_agree_on_shelf_risks(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS + "risk: {shelf_days: 3}\n")
    _shelf(kq, root, "--sku", "华康AD奶", "--facings", "0", "--price", "14", today="2026-11-20")
    for n in range(8):
        today = dt.date(2026, 11, 20) + dt.timedelta(days=n)
        repo = Repo(root, today)
        found = customer_reminders(repo.index.facts(), repo.settings, today)
        listed, _ = morning_list([], repo.settings, today, found=found, owners={"李明"})
        listing, _ = agenda.morning(Repo(root, today), None)
        assert listing.json_text() == json.dumps([r.to_json(today) for r in listed],
                                                 ensure_ascii=False), today
        assert ("价格 14.0" in listing.json_text()) == (n <= 3), today


# -- kq score: POP/陈列 from the month's checks --------------------------------------------------

def test_pop_display_is_the_share_of_the_months_checks_with_pop_and_the_minimum_facings():
    text = STORE.replace("同意加两个排面}", "同意加两个排面, done: [pop]}") + """\
  - {date: 2026-11-23, kind: visit, shelf: [{sku: 华康AD奶, facings: 3, pop: true},
      {sku: 华康钙片, facings: 1, pop: true}, {sku: 华康AD奶, facings: 2, pop: true},
      {sku: 华康钙片, facings: 2, pop: false}]}
"""
    card = scorecard(*ledger_row(text), settings(PRODUCTS), "2026-11")
    # 华康AD奶 at 3 facings and 华康钙片 at 1 (no minimum) meet it; 2 of 4 checks: 5 of 10.
    assert card["items"]["pop_display"] == 5.0
    assert card["sources"]["pop_display"] == "shelf"


def test_kq_score_json_says_pop_display_came_from_the_shelf_checks(git_repo, kq):
    root = git_repo({"hx": STORE}, kq_yaml=PRODUCTS)
    _shelf(kq, root, "--sku", "华康AD奶", "--facings", "3", "--pop", "yes")
    rows = json.loads(kq("--repo", root, "--today", "2026-11-30", "score", "--month", "2026-11",
                         "--format", "json").stdout)
    assert rows[0]["items"]["pop_display"] == 10.0
    assert rows[0]["sources"]["pop_display"] == "shelf"


# -- examples/ ------------------------------------------------------------------------------------

def test_on_the_examples_a_price_out_of_band_is_the_next_mornings_risk(examples_copy, kq):
    from helpers import commit_all

    commit_all(examples_copy)
    before = _risks(kq, examples_copy, "2026-11-25")
    result = kq("--repo", examples_copy, "--today", "2026-11-24", "shelf", "hx-dongfeng",
                "--sku", "维C泡腾片", "--facings", "5", "--price", "23.5", "--pop", "yes")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # a product examples/kq.yaml knows
    assert sorted(set(_risks(kq, examples_copy, "2026-11-25")) - set(before)) == [
        "维C泡腾片 价格 23.5 高于 18-22 (11-24 货架检查)"]


def test_a_shelf_list_written_by_hand_in_block_style_keeps_its_style(git_repo, kq):
    text = STORE + ("  - date: 2026-11-24\n    kind: visit\n    shelf:\n"
                    "      - sku: 华康AD奶\n        facings: 2\n        price: 14\n")
    root = git_repo({"hx": text}, kq_yaml=PRODUCTS)
    assert _shelf(kq, root, "--sku", "华康AD奶", "--facings", "4", "--price", "12.5").exit_code == 0
    assert _shelf(kq, root, "--sku", "华康钙片", "--price", "42").exit_code == 0
    assert _file(root) == STORE + (
        "  - date: 2026-11-24\n    kind: visit\n    shelf:\n"
        "      - sku: 华康AD奶\n        facings: 4\n        price: 12.5\n"
        "      - sku: 华康钙片\n        price: 42\n")
