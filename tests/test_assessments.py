"""A manager's assessment records its assessor, its day and a note (the form's 考核人签字 and
日期), shown in kq score (table and JSON) and in kq report; a v2 flat mapping of items is still
read."""

from __future__ import annotations

import csv
import io
import json
import textwrap

from helpers import ledger_row as customer
from helpers import settings

from kqcli.core.scoring import scorecard
from kqcli.store.validate import validate_customer

TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: normal
    owner: 李明
""").lstrip()

SIGNED = TERMINAL + textwrap.dedent("""
    assessments:
      2026-10:
        items: {product_knowledge: 8, first_recommendation: 6}
        by: 王经理
        on: 2026-11-02
        note: 抽查三家
""")

FLAT = TERMINAL + "assessments:\n  2026-10: {product_knowledge: 8, first_recommendation: 6}\n"


def card(text: str, month: str = "2026-10") -> dict:
    summary, facts = customer(text)
    return scorecard(summary, facts, settings(), month)


def test_assessment_items_with_assessor_score_the_card():
    c = card(SIGNED)
    assert (c["items"]["product_knowledge"], c["items"]["first_recommendation"]) == (8.0, 6.0)
    assert c["sources"]["product_knowledge"] == "assessment"


def test_card_carries_the_assessor_the_day_and_the_note():
    c = card(SIGNED)
    assert (c["assessed_by"], c["assessed_on"], c["assessment_note"]) == (
        "王经理", "2026-11-02", "抽查三家")


def test_a_v2_flat_mapping_of_items_is_still_read():
    c = card(FLAT)
    assert (c["items"]["product_knowledge"], c["items"]["first_recommendation"]) == (8.0, 6.0)
    assert (c["assessed_by"], c["assessed_on"], c["assessment_note"]) == (None, None, None)


def test_a_month_not_assessed_has_no_assessor():
    c = card(SIGNED, month="2026-09")
    assert (c["assessed_by"], c["assessed_on"], c["assessment_note"]) == (None, None, None)


def test_an_assessment_may_name_its_assessor_before_any_item():
    c = card(TERMINAL + "assessments:\n  2026-10: {by: 王经理, on: 2026-11-02}\n")
    assert (c["items"]["product_knowledge"], c["assessed_by"]) == (None, "王经理")


def test_an_assessment_point_above_ten_is_located():
    text = TERMINAL + "assessments:\n  2026-10:\n    items: {feedback: 11}\n    by: 王经理\n"
    _, problems = validate_customer(text.encode(), "hx.yaml")
    assert [(p.line, p.field, p.message) for p in problems] == [
        (8, "assessments.2026-10", "feedback: 11 is outside 0-10")]  # the month's mapping


def test_a_v2_point_above_ten_is_located_too():
    text = TERMINAL + "assessments:\n  2026-10: {feedback: 11}\n"
    _, problems = validate_customer(text.encode(), "hx.yaml")
    assert [(p.line, p.message) for p in problems] == [(7, "feedback: 11 is outside 0-10")]


def test_an_unknown_key_of_an_assessment_is_an_error():
    text = TERMINAL + "assessments:\n  2026-10: {items: {feedback: 8}, who: 王经理}\n"
    _, problems = validate_customer(text.encode(), "hx.yaml")
    assert [p.message for p in problems] == ["unknown key 'who'"]


def test_score_json_carries_the_assessor_the_day_and_the_note(make_repo, kq):
    root = make_repo({"hx": SIGNED, "fl": FLAT})
    result = kq("--repo", root, "score", "--month", "2026-10", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {c["customer"]: c for c in json.loads(result.stdout)}
    assert [(rows[k]["assessed_by"], rows[k]["assessed_on"], rows[k]["assessment_note"])
            for k in ("hx", "fl")] == [("王经理", "2026-11-02", "抽查三家"), (None, None, None)]


def test_score_csv_has_the_assessor_columns(make_repo, kq):
    root = make_repo({"hx": SIGNED})
    result = kq("--repo", root, "score", "--month", "2026-10", "--format", "csv", "--keys")
    [values] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (values["assessed_by"], values["assessed_on"], values["assessment_note"]) == (
        "王经理", "2026-11-02", "抽查三家")


def test_score_table_names_the_assessor_under_the_cards(make_repo, kq):
    root = make_repo({"hx": SIGNED, "fl": FLAT})
    out = kq("--repo", root, "score", "--month", "2026-10").stdout
    assert "主管评分 华信大药房: 王经理 2026-11-02 抽查三家" in out.splitlines()
    assert out.count("主管评分") == 1  # the flat v2 mapping names nobody


def test_score_table_in_english_names_the_assessor(make_repo, kq):
    root = make_repo({"hx": SIGNED})
    out = kq("--repo", root, "--lang", "en", "score", "--month", "2026-10").stdout
    assert "assessed 华信大药房: by 王经理, on 2026-11-02, 抽查三家" in out.splitlines()


def test_report_lists_the_assessment_with_its_assessor(make_repo, kq):
    root = make_repo({"hx": SIGNED}, kq_yaml="reps: [{name: 李明}]\n")
    page = kq("--repo", root, "--today", "2026-11-24", "report", "--month", "2026-10").stdout
    assert "<h2>主管评分</h2>" in page
    assert ('<td data-label="客户">华信大药房</td><td data-label="业代">李明</td>'
            '<td data-label="评分项">店员产品首荐率 6, 店员产品知识熟悉程度 8</td>'
            '<td data-label="评分人">王经理</td><td data-label="日期">2026-11-02</td>'
            '<td data-label="备注">抽查三家</td>') in page
