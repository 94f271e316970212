"""Amounts of money read as 1,244,000 wherever people see them: never 1.244e+06 nor 1244000.0."""

from __future__ import annotations

import datetime as dt

from helpers import due

from kqcli.core.amounts import amount
from kqcli.core.messages import Message, render

DISTRIBUTOR = """\
name: 昆明康源医药
kind: distributor
status: active
months:
  2026-08: {collections: 1480000, reported: 2026-09-05}
  2026-09: {collections: 1350000, reported: 2026-10-05}
  2026-10: {collections: 1244000, reported: 2026-11-05}
"""


def test_an_amount_has_thousands_separators():
    assert amount(1244000) == "1,244,000"
    assert amount(1244000.0) == "1,244,000"


def test_an_amount_keeps_its_cents_without_trailing_zeros():
    assert amount(1234.5) == "1,234.5"
    assert amount(0.25) == "0.25"


def test_a_change_of_amount_carries_its_sign():
    assert amount(20000, sign=True) == "+20,000"
    assert amount(-236000, sign=True) == "-236,000"
    assert amount(0, sign=True) == "0"


def test_a_falling_risk_prints_seven_digit_amounts_with_separators():
    assert due(DISTRIBUTOR, "risk") == [
        ("2026-11-24", 0, "回款连续 3 个月下滑: 1,480,000 → 1,350,000 → 1,244,000")]


def test_an_inventory_risk_prints_its_amounts_with_separators():
    text = ("name: 玉溪通达\nstatus: active\n"
            "months: {2026-10: {inventory: 9800000, sell_out: 4100000, reported: 2026-11-05}}\n")
    assert due(text, "risk") == [
        ("2026-11-24", 0, "2026-10 库存 9,800,000 远高于出销 4,100,000 (>2 倍)")]


def test_a_dumping_risk_prints_its_amounts_and_the_signed_change():
    text = ("name: 曲靖康润\nkind: distributor\nstatus: active\nmonths:\n"
            "  2026-09: {inventory: 1000000, reported: 2026-10-05}\n"
            "  2026-10: {shipments: 4200000, sell_out: 2500000, inventory: 1200000, "
            "reported: 2026-11-05}\n")
    assert due(text, "risk", today=dt.date(2026, 11, 24)) == [
        ("2026-11-24", 0, "2026-10 疑似冲货: 提货 4,200,000, 出销 2,500,000, 库存变化 +200,000; "
                          "1,500,000 (36%) 去向不明 (>30%)")]


def test_an_expense_message_prints_collections_with_separators():
    message = Message("above_share", {"total": 65000, "share": 0.05, "collected": 1244000})
    assert render(message, "zh") == "客情费 65,000 超过回款 1,244,000 的 5%"
    assert render(message, "en") == "expenses 65,000 above 5% of collections 1,244,000"


def test_kq_show_prints_the_months_amounts_with_separators(kq, make_repo):
    root = make_repo({"kmyy": DISTRIBUTOR + "business: {annual_revenue: 15000000}\n"})
    out = kq("--repo", root, "--today", "2026-11-24", "show", "kmyy").stdout
    assert "1,244,000" in out and "15,000,000" in out
    assert "1244000" not in out and "e+06" not in out
