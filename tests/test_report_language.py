"""kq report in the reader's language (issue 24): Chinese by default, English with --lang en,
every word of the page but the customers' own: headings, table headers, notes, chart labels,
the scorecard's items, empty states, a photo left out; ``<html lang>`` follows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import ledger_row, settings
from test_language_everywhere import _read, english_words
from test_report_html import ITEMS, KQ_YAML, TODAY

# 李明's shop: a visit gone late and a step left open (overdue), October's collections and a
# gift (the expense statement), a photo whose file is gone; 王强's shop assessed by a manager.
HX = """\
name: 华信大药房
kind: terminal
status: active
owner: 李明
visits:
  - {date: 2026-10-20, kind: visit, photos: [media/hx/gone.jpg],
     next: {date: 2026-10-25, action: 送对账单}}
months:
  2026-09: {collections: 100000, sell_out: 80000, reported: 2026-10-05}
  2026-10: {collections: 100000, sell_out: 80000, reported: 2026-11-05}
expenses:
  - {date: 2026-10-18, amount: 300, purpose: 中秋礼品, recipient: 王芳}
contacts:
  - {name: 王芳, role: 店长}
"""
TJ = ("name: 同济药店\nkind: terminal\nstatus: active\nowner: 王强\n"
      "visits:\n  - {date: 2026-10-01, kind: visit}\n"
      "months: {2026-10: {reported: 2026-11-03}}\n"
      "assessments:\n  2026-10: {items: {" + ", ".join(f"{k}: 6" for k in ITEMS)
      + "}, by: 周敏, on: 2026-11-02, note: 月度抽查}\n")
DATA = ("华信大药房", "同济药店", "李明", "王强", "王芳", "周敏", "月度抽查", "送对账单", "中秋礼品")
"""What the reps wrote: shown as it is in either language."""

HEADINGS = {
    "zh": ["业代客情考核", "主管评分", "逾期提醒", "风险客户", "建议分层", "客情费统计 2026-10",
           "陈列照片"],
    "en": ["Scorecards by rep", "Managers' assessments", "Overdue reminders",
           "Customers at risk", "Suggested tier changes", "Expense statement 2026-10",
           "Display photos"],
}


@pytest.fixture
def page(kq, make_repo):
    """The month report of the two shops, in the language asked for."""
    root = make_repo({"hx": HX, "tj": TJ}, kq_yaml=KQ_YAML)

    def made(*lang: str) -> str:
        result = kq(*lang, "--repo", root, "--today", TODAY, "report", "--month", "2026-10")
        assert result.exit_code == 0, result.output
        return result.stdout

    return made


def _text(html: str) -> str:
    """What a person reads of the page (its text, titles and labels), unescaped."""
    from html import unescape

    return unescape(_read(html))


def test_the_page_in_english_has_no_han_character_outside_customer_data(page):
    text = _text(page("--lang", "en"))
    for said in DATA:
        text = text.replace(said, " ")
    assert re.findall(r"[\u3400-\u9fff]+", text) == []


def test_the_page_in_chinese_has_no_english_word_outside_the_allowed_set(page):
    assert english_words("report", page()) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_headings_are_in_the_pages_language(page, lang):
    html = page("--lang", lang)
    assert [_text(h) for h in re.findall(r"<h2>(.*?)</h2>", html)] == HEADINGS[lang]


def test_the_title_is_in_english_with_lang_en(page):
    html = page("--lang", "en")
    assert "<title>Customer relations report 2026-10</title>" in html
    assert "<h1>Customer relations report 2026-10</h1>" in html


def test_the_html_lang_attribute_follows_the_language(page):
    assert page().startswith('<!doctype html><html lang="zh-CN">')
    assert page("--lang", "en").startswith('<!doctype html><html lang="en">')


def test_a_reps_summary_is_in_english(page):
    html = page("--lang", "en")
    assert ('1 customer, average 60 / 100 points, <span class="up">+48</span> since last month'
            in html)


def test_a_reps_overdue_reminders_are_named_by_their_reasons_in_english(page):
    assert "<p>Overdue reminders: expense_statement 1, visit 1</p>" in page("--lang", "en")


def test_the_scorecard_items_are_named_in_english(page):
    html = page("--lang", "en")
    assert '<text x="144" y="16" text-anchor="end">cards</text>' in html
    assert 'aria-label="王强 2026-10 scorecard"' in html


def test_an_unassessed_item_says_so_in_english(page):
    html = page("--lang", "en")
    assert 'class="unknown">not assessed</text>' in html


def test_the_table_headers_are_in_english(page):
    html = page("--lang", "en")
    assert ("<tr><th>Customer</th><th>Rep</th><th>Items scored</th><th>Assessed by</th>"
            "<th>Date</th><th>Note</th></tr>") in html
    assert ("<tr><th>Rep</th><th>Customers</th><th>Collections</th><th>Expenses</th>"
            "<th>Advances</th><th>Violations</th><th>Spot checks</th></tr>") in html


def test_a_photo_left_out_says_why_in_chinese(page):
    assert "media/hx/gone.jpg: 无法读取, 已跳过 (没有这个文件或文件夹)" in _text(page())


def test_a_photo_left_out_says_why_in_english(page):
    assert ("media/hx/gone.jpg: cannot read it, left out (No such file or directory)"
            in _text(page("--lang", "en")))


def test_the_empty_states_are_in_english(kq, make_repo):
    root = make_repo({})  # no rep: no statement owed
    html = kq("--lang", "en", "--repo", root, "--today", TODAY, "report", "--month",
              "2026-10").stdout
    assert [p for p in re.findall(r'<p class="muted">([^<]*)</p>', html)][1:] == [
        "No scorecards this month", "No manager&#x27;s assessment this month",
        "No overdue reminders", "No customers at risk", "No tier changes suggested",
        "No collections or expenses this month", "No photos this month"]


def test_a_customer_nobody_owns_is_shown_as_no_rep_in_english(kq, make_repo):
    root = make_repo({"hx": HX.replace("owner: 李明\n", "")}, kq_yaml=KQ_YAML)
    html = kq("--lang", "en", "--repo", root, "--today", TODAY, "report", "--month",
              "2026-10").stdout
    assert '<section class="rep" data-rep="(none)"><h3>(no rep)</h3>' in html


# A customer at risk: its messages (a core Message worded in the page's language, a text as
# it is) and its figures ----------------------------------------------------------------------

def _risk_page(message: object, lang: str) -> str:
    """The page of 华信大药房 at risk today for ``message``, in ``lang``."""
    from kqcli.cli import i18n
    from kqcli.cli.report_html import month_report, page
    from kqcli.core.due import Reminder

    day = dt.date(2026, 11, 24)
    risk = Reminder("hx", "华信大药房", "risk", day, day, message, owner="李明")  # type: ignore[arg-type]
    i18n.set_flag(lang)
    try:
        return page(month_report([ledger_row(HX, "hx")], [risk], settings(KQ_YAML), day,
                                 "2026-10"))
    finally:
        i18n.set_flag(None)


def test_a_risk_message_that_is_a_message_is_worded_in_chinese():
    from kqcli.core.messages import Message, render

    message = Message("advance_cap", {"advances": 5000, "cap": 3000})
    assert f"<li>{render(message, 'zh')}</li>" in _risk_page(message, "zh")


def test_the_figures_of_a_customer_at_risk_are_named_in_english():
    from kqcli.core.messages import Message

    html = _risk_page(Message("stockout", {"month": "2026-10"}), "en")
    assert "<li>2026-10 out of stock</li>" in html
    assert [row for row in re.findall(r"<tr><td>([^<]*)</td>", html)] == [
        "Collections", "Sell-out", "Inventory"]
