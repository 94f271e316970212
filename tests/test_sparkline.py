"""Sparklines of kq show: exact characters, gaps for unknown months, risk months marked."""

from __future__ import annotations

from helpers import settings

from kqcli.core.sparkline import falling, figure_lines, last_months, overstocked, sparkline

RISK = settings().risk


def test_twelve_months_end_with_the_given_month():
    assert last_months("2026-03", 4) == ["2025-12", "2026-01", "2026-02", "2026-03"]


def test_bars_scale_from_the_lowest_to_the_highest_value():
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"


def test_bars_round_to_the_nearest_step():
    assert sparkline([100, 150, 200]) == "▁▅█"  # 150 is 3.5 steps up: rounds to 4


def test_an_unknown_month_is_a_gap_not_a_zero():
    assert sparkline([10, None, 20]) == "▁ █"


def test_equal_values_sit_in_the_middle():
    assert sparkline([5, None, 5]) == "▄ ▄"


def test_nothing_known_is_all_gaps():
    assert sparkline([None, None]) == "  "


def test_falling_marks_the_month_that_ends_a_run_of_three():
    assert falling([9, 8, 7, 6, 7], 3) == [False, False, True, True, False]


def test_a_gap_breaks_a_falling_run():
    assert falling([9, 8, None, 7, 6], 3) == [False] * 5


def test_overstocked_is_inventory_above_twice_sell_out():
    assert overstocked([200, 201, 50, None], [100, 100, 0, 10], 2.0) == [False, True, False, False]


def test_figure_lines_of_a_falling_customer():
    months = {
        "2026-08": {"collections": 120000, "sell_out": 90000, "inventory": 40000},
        "2026-09": {"collections": 110000, "sell_out": 80000, "inventory": 170000},
        "2026-10": {"collections": 100000, "inventory": 60000},
    }
    lines = figure_lines(months, "2026-10", RISK, n=4)
    assert [(ln["figure"], ln["spark"], ln["risk"], ln["latest"]) for ln in lines] == [
        ("collections", " █▅▁", [False, False, False, True], 100000),
        ("sell_out", " █▁ ", [False, False, False, False], 80000),
        ("inventory", " ▁█▂", [False, False, True, False], 60000),
    ]
    assert lines[0]["months"] == ["2026-07", "2026-08", "2026-09", "2026-10"]


def test_kq_show_draws_the_sparklines_and_marks_the_risk_months(kq, make_repo):
    root = make_repo({"hx": """
        name: 华信大药房
        kind: terminal
        status: active
        months:
          2026-08: {collections: 120000, sell_out: 90000, inventory: 40000}
          2026-09: {collections: 110000, sell_out: 80000, inventory: 170000}
          2026-10: {collections: 100000, inventory: 60000}
        """})
    result = kq("--repo", root, "--today", "2026-11-24", "show", "hx")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-6:] == [
        "近 12 个月 (2025-11 – 2026-10)",
        "  回款           █▅▁  100,000  风险: 2026-10",
        " " * 19 + "^",
        "  出销           █▁   80,000",
        "  库存           ▁█▂  60,000  风险: 2026-09",
        " " * 18 + "^ ",
    ]
