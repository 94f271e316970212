"""yamledit.set_in / append_in: nested edits that change only the new or changed lines."""

from __future__ import annotations

import datetime as dt

import pytest

from kqcli.store.yamledit import EditError, append_in, append_item, set_in

D = dt.date

VISITS = """\
name: 华信大药房  # 招牌
visits:
  # 按时间先后
  - date: 2026-11-20
    next: {date: 2026-11-27, action: 送陈列物料}   # 别忘了
  - date: 2026-11-21
    next:
      date: 2026-11-28
      action: 打电话  # 王芳
months:
  2026-10: {collections: 120000, shipments: 130000,
            reported: 2026-11-03}   # 月底对账
intel:
  - date: 2026-11-01
    claim: 准备接手竞品乙
    sources: [店员小张]
"""


def test_set_in_adds_a_key_to_a_flow_next_inside_a_visit() -> None:
    after = set_in(VISITS, ("visits", 0, "next", "done_on"), D(2026, 11, 26))
    assert after == VISITS.replace(
        "action: 送陈列物料}   # 别忘了", "action: 送陈列物料, done_on: 2026-11-26}   # 别忘了")


def test_set_in_adds_a_line_to_a_block_next_inside_a_visit() -> None:
    after = set_in(VISITS, ("visits", 1, "next", "done_on"), D(2026, 11, 29))
    assert after == VISITS.replace("打电话  # 王芳\n", "打电话  # 王芳\n      done_on: 2026-11-29\n")


def test_set_in_counts_list_indexes_from_the_end_when_negative() -> None:
    assert set_in(VISITS, ("visits", -1, "next", "done_on"), D(2026, 11, 29)) == \
        set_in(VISITS, ("visits", 1, "next", "done_on"), D(2026, 11, 29))


def test_set_in_replaces_an_existing_value_and_keeps_the_rest_of_the_line() -> None:
    after = set_in(VISITS, ("months", "2026-10", "collections"), 125000)
    assert after == VISITS.replace("{collections: 120000,", "{collections: 125000,")


def test_set_in_replaces_a_block_value_and_keeps_its_comment() -> None:
    after = set_in(VISITS, ("visits", 1, "next", "action"), "送货")
    assert after == VISITS.replace("action: 打电话  # 王芳", "action: 送货  # 王芳")


def test_set_in_adds_a_key_to_a_multi_line_flow_month() -> None:
    after = set_in(VISITS, ("months", "2026-10", "changes"), "新开一家分店")
    assert after == VISITS.replace("reported: 2026-11-03}",
                                   "reported: 2026-11-03, changes: 新开一家分店}")


def test_set_in_writes_a_new_month_as_a_flow_mapping_whose_key_reads_as_text() -> None:
    after = set_in(VISITS, ("months", "2026-11"), {"collections": 90000, "reported": D(2026, 12, 3)})
    assert after == VISITS.replace(
        "   # 月底对账\n",
        "   # 月底对账\n  2026-11: {collections: 90000, reported: 2026-12-03}\n")


def test_set_in_creates_a_missing_month_in_block_style() -> None:
    after = set_in(VISITS, ("months", "2026-11", "collections"), 90000)
    assert after == VISITS.replace("   # 月底对账\n",
                                   "   # 月底对账\n  2026-11:\n    collections: 90000\n")


def test_set_in_creates_a_missing_top_level_mapping_at_the_end() -> None:
    after = set_in(VISITS, ("assessments", "2026-11", "feedback"), 7)
    assert after == VISITS + "assessments:\n  2026-11:\n    feedback: 7\n"


def test_set_in_fills_a_key_left_empty() -> None:
    assert set_in("name: a\nnotes:   # 以后写\nx: 1\n", ("notes",), "老客户") == \
        "name: a\nnotes: 老客户   # 以后写\nx: 1\n"


def test_set_in_fills_an_empty_mapping_key_with_nested_lines() -> None:
    assert set_in("name: a\nmonths:\n", ("months", "2026-11", "collections"), 5) == \
        "name: a\nmonths:\n  2026-11:\n    collections: 5\n"


def test_set_in_adds_to_an_empty_flow_mapping() -> None:
    assert set_in("name: a\nmonths: {}\n", ("months", "2026-11", "collections"), 5) == \
        "name: a\nmonths: {2026-11: {collections: 5}}\n"


def test_set_in_writes_month_like_text_plain() -> None:
    assert set_in("name: a\n", ("first_month",), "2026-12") == "name: a\nfirst_month: 2026-12\n"


def test_set_in_quotes_text_that_would_read_as_something_else() -> None:
    assert set_in("name: a\n", ("note",), "yes: no") == 'name: a\nnote: "yes: no"\n'


def test_set_in_keeps_crlf_line_endings() -> None:
    crlf = VISITS.replace("\n", "\r\n")
    after = set_in(crlf, ("visits", 1, "next", "done_on"), D(2026, 11, 29))
    assert after == crlf.replace("# 王芳\r\n", "# 王芳\r\n      done_on: 2026-11-29\r\n")


def test_set_in_keeps_a_byte_order_mark() -> None:
    text = "\ufeffname: a\r\nmonths:\r\n"
    assert set_in(text, ("months", "2026-11", "collections"), 3) == \
        "\ufeffname: a\r\nmonths:\r\n  2026-11:\r\n    collections: 3\r\n"


def test_set_in_adds_a_final_newline_only_where_it_adds_a_line() -> None:
    assert set_in("name: a", ("owner",), "李明") == "name: a\nowner: 李明\n"


def test_set_in_adds_to_a_visit_before_a_block_literal_s_blank_lines() -> None:
    text = "name: a\nvisits:\n  - date: 2026-11-01\n    note: |\n      长\n\n  - date: 2026-11-02\n"
    assert set_in(text, ("visits", 0, "goal"), "推新品") == text.replace(
        "      长\n\n", "      长\n    goal: 推新品\n\n")


def test_set_in_refuses_a_list_item_that_does_not_exist() -> None:
    with pytest.raises(EditError, match="'visits' has no item 3"):
        set_in(VISITS, ("visits", 2, "next", "done_on"), D(2026, 11, 29))


def test_set_in_refuses_to_replace_a_block_of_text() -> None:
    with pytest.raises(EditError, match="'notes' is a block of text"):
        set_in("name: a\nnotes: |\n  x\n", ("notes",), "y")


def test_set_in_refuses_to_replace_a_block_mapping_with_a_value() -> None:
    with pytest.raises(EditError, match=r"'visits\[1\].next' is not a single value"):
        set_in(VISITS, ("visits", 1, "next"), "x")


def test_set_in_refuses_a_path_through_a_value() -> None:
    with pytest.raises(EditError, match="'name' is not a mapping"):
        set_in(VISITS, ("name", "x"), 1)


def test_append_in_extends_a_flow_list() -> None:
    after = append_in(VISITS, ("intel", 0, "sources"), "老刘")
    assert after == VISITS.replace("sources: [店员小张]", "sources: [店员小张, 老刘]")


def test_append_in_fills_an_empty_flow_list() -> None:
    assert append_in("name: a\ntags: []  # 标签\n", ("tags",), "连锁") == \
        "name: a\ntags: [连锁]  # 标签\n"


def test_append_in_adds_a_line_to_a_nested_block_list() -> None:
    text = "name: a\nintel:\n  - date: 2026-11-01\n    claim: X\n    sources:\n      - 小张\n"
    assert append_in(text, ("intel", 0, "sources"), "老刘") == text + "      - 老刘\n"


def test_append_in_writes_a_mapping_in_the_style_of_the_last_item() -> None:
    text = "name: a\nexpenses:\n  - {date: 2026-10-15, amount: 300}\n"
    assert append_in(text, ("expenses",), {"date": D(2026, 11, 2), "amount": 50}) == \
        text + "  - {date: 2026-11-02, amount: 50}\n"


def test_append_in_creates_a_missing_list_of_mappings_in_block_style() -> None:
    after = append_in(VISITS, ("expenses",), {"date": D(2026, 11, 2), "amount": 50,
                                              "purpose": "礼品"})
    assert after == VISITS + "expenses:\n  - date: 2026-11-02\n    amount: 50\n    purpose: 礼品\n"


def test_append_in_creates_a_missing_nested_list_of_values_in_flow_style() -> None:
    after = append_in(VISITS, ("visits", 0, "done"), "pop")
    assert after == VISITS.replace("# 别忘了\n", "# 别忘了\n    done: [pop]\n")


def test_append_in_keeps_crlf_and_chinese() -> None:
    crlf = VISITS.replace("\n", "\r\n")
    assert append_in(crlf, ("intel", 0, "sources"), "华康的老刘") == \
        crlf.replace("[店员小张]", "[店员小张, 华康的老刘]")


def test_append_in_refuses_a_value_that_is_not_a_list() -> None:
    with pytest.raises(EditError, match="'name' is not a list"):
        append_in(VISITS, ("name",), "x")


def test_append_item_still_appends_to_a_top_level_block_list() -> None:
    text = "name: a\nvisits:\n  - date: 2026-11-01\n"
    assert append_item(text, "visits", {"date": D(2026, 11, 2), "kind": "call"}) == \
        text + "  - date: 2026-11-02\n    kind: call\n"
