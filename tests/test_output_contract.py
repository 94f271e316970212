"""The output contract: every listing command's JSON objects carry the same keys and its CSV the
same header, with no rows and with many; tables for people are Chinese-first, fit 80 columns
and never break an id, a date, a phone number or a label."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from helpers import statements_done

from kqcli.cli.i18n import set_flag
from kqcli.cli.labels import enum_label, signed, urgency
from kqcli.core.messages import TEMPLATES, Message
from kqcli.schema.enums import EventKind, Grade, ProductRole, ProductStage, Status, Tier

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED = Path(__file__).resolve().parent / "expected"

# (name, arguments with rows in examples/, arguments for the empty repository)
LISTINGS = [
    ("list", ["list"], ["list"]),
    ("due", ["--today", "2026-11-24", "due"], ["--today", "2026-11-24", "due"]),
    ("route", ["--today", "2026-11-24", "route"], ["--today", "2026-11-24", "route"]),
    ("plan", ["--today", "2026-11-24", "plan", "--owner", "李明"],
     ["--today", "2026-11-24", "plan", "--owner", "李明"]),
    ("score", ["score", "--month", "2026-10"], ["score", "--month", "2026-10"]),
    ("score --by owner", ["score", "--month", "2026-10", "--by", "owner"],
     ["score", "--month", "2026-10", "--by", "owner"]),
    ("classify", ["--today", "2026-11-30", "classify"], ["--today", "2026-11-30", "classify"]),
    ("expenses", ["expenses", "--month", "2026-10"], ["expenses", "--month", "2026-10"]),
    ("expenses --by owner", ["expenses", "--month", "2026-10", "--by", "owner"],
     ["expenses", "--month", "2026-10", "--by", "owner"]),
    ("history", ["history", "hx-renmin"], ["history"]),
    ("import customers", ["import", "customers", str(EXAMPLES / "import" / "customers.xlsx")],
     ["import", "customers", "{empty_customers}"]),
    ("import figures", ["import", "figures", str(EXAMPLES / "import" / "figures-2026-11.xlsx"),
                        "--month", "2026-11"],
     ["import", "figures", "{empty_figures}", "--month", "2026-11"]),
    ("pool", ["--today", "2027-01-15", "pool"], ["--today", "2027-01-15", "pool"]),
    ("reassign", ["reassign", "张强", "--to", "李明"], ["reassign", "张强", "--to", "李明"]),
    ("alert --list", ["alert", "--list"], ["alert", "--list"]),
]


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A kq repository with no customers and nothing owed, committed (kq history needs a
    commit), and the two import sheets with headers and no rows."""
    root = tmp_path_factory.mktemp("empty")
    (root / "customers").mkdir()
    (root / "customers" / ".keep").write_text("")
    (root / "kq.yaml").write_text("reps: [{name: 李明}, {name: 张强}]\n"
                                  "pool: {after_days: 90, kinds: [terminal]}\n", encoding="utf-8")
    statements_done(root, "2026-10", "李明", "张强")  # nothing owed on 2026-11-24
    env = ["-c", "user.name=测试", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", *env, "-C", str(root), "add", "."], check=True)
    subprocess.run(["git", *env, "-C", str(root), "commit", "-q", "-m", "start"], check=True)
    customers = root / "customers.csv"
    customers.write_text("客户名称,类型\n", encoding="utf-8")
    figures = root / "figures.csv"
    figures.write_text("客户名称,回款\n", encoding="utf-8")
    return {"root": str(root), "empty_customers": str(customers), "empty_figures": str(figures)}


def _run(kq, root: str, args: list[str], fmt: str) -> tuple[object, str]:
    keys = ["--keys"] if fmt in ("csv", "tsv") else []  # the keys scripts read, as JSON's
    result = kq("--repo", root, *args, "--format", fmt, *keys)
    assert result.exit_code in (0, 1), result.stderr  # 1: the examples break expense rules
    return result, result.stdout


def _header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(("name", "full", "none"), LISTINGS, ids=[n for n, *_ in LISTINGS])
def test_csv_header_is_the_same_with_no_rows_and_with_rows(kq, empty, name, full, none):
    _, with_rows = _run(kq, str(EXAMPLES), full, "csv")
    _, without = _run(kq, empty["root"], [a.format(**empty) for a in none], "csv")
    assert len(with_rows.splitlines()) > 1  # the examples do have rows
    assert without.splitlines() == [with_rows.splitlines()[0]]


@pytest.mark.parametrize(("name", "full", "none"), LISTINGS, ids=[n for n, *_ in LISTINGS])
def test_every_json_object_has_the_keys_the_csv_header_names(kq, empty, name, full, none):
    _, header = _run(kq, empty["root"], [a.format(**empty) for a in none], "csv")
    keys = list(dict.fromkeys(h.split(".", 1)[0] for h in _header(header)))
    _, text = _run(kq, str(EXAMPLES), full, "json")
    rows = json.loads(text)
    assert rows
    assert [r for r in rows if list(r) != keys] == []
    _, nothing = _run(kq, empty["root"], [a.format(**empty) for a in none], "json")
    assert json.loads(nothing) == []


@pytest.mark.parametrize(("name", "full", "none"), LISTINGS, ids=[n for n, *_ in LISTINGS])
def test_tsv_header_is_the_csv_header(kq, empty, name, full, none):
    _, tsv = _run(kq, empty["root"], [a.format(**empty) for a in none], "tsv")
    _, csv_text = _run(kq, empty["root"], [a.format(**empty) for a in none], "csv")
    assert tsv.rstrip("\n").split("\t") == _header(csv_text)


def test_score_csv_spreads_items_over_named_columns(kq):
    _, text = _run(kq, str(EXAMPLES), ["score", "--month", "2026-10"], "csv")
    header = _header(text)
    assert "items" not in header
    assert header[4:6] == ["items.relationship_cards", "items.mutual_recognition"]
    assert "synergy.factors.loyalty" in header and "information.on_time" in header


def test_a_terminal_scorecard_has_null_synergy_in_json(kq):
    _, text = _run(kq, str(EXAMPLES), ["score", "--month", "2026-10"], "json")
    rows = {r["customer"]: r for r in json.loads(text)}
    assert (rows["hx-renmin"]["synergy"], rows["hx-renmin"]["information"]) == (None, None)
    assert rows["dist-kmyy"]["synergy"]["max"] == 80


# --- Chinese-first labels ---------------------------------------------------------------------


@pytest.fixture
def chinese():
    set_flag("zh")
    yield
    set_flag(None)


def test_enum_labels_come_from_the_chinese_aliases(chinese):
    assert [enum_label(Tier, t) for t in ("key", "secondary", "normal")] == ["重点", "次重点", "非重点"]
    assert [enum_label(Grade, g) for g in ("A", "near", "later")] == ["A", "近期", "远期"]
    assert enum_label(Status, "terminated") == "已终止"
    assert (enum_label(ProductRole, "lead"), enum_label(ProductStage, "mature")) == ("主打", "成熟")
    assert enum_label(EventKind, "wedding") == "结婚"


def test_english_labels_are_the_values():
    set_flag("en")
    try:
        assert enum_label(Tier, "secondary") == "secondary"
    finally:
        set_flag(None)


def test_urgency_never_prints_minus_zero():
    assert [urgency(-0.4), urgency(-0.0), urgency(12.6)] == ["0", "0", "13"]


def test_a_change_of_nothing_is_zero_not_minus_zero():
    assert [signed(-0.0), signed(-0.04), signed(5.06), signed(-2.5)] == ["0", "0", "+5.1", "-2.5"]


SHARES = Message("tier_shares", {"total": 70, "key": 1, "secondary": 1, "normal": 1})


@pytest.mark.parametrize(("message", "english", "chinese"), [
    (Message("tier_rank", {"rank": 2, "count": 8, "owner": "王强"}),
     "rank 2 of 8 terminals of 王强", "在 王强 的 8 家终端中排第 2"),
    (Message("tier_rank", {"rank": 1, "count": 3, "owner": "李明"}, (SHARES,)),
     "rank 1 of 3 terminals of 李明 (fewer than 70: 1 key, 1 secondary, 1 normal by the counts' "
     "shares)", "在 李明 的 3 家终端中排第 1 (不足 70 家, 按比例 1 重点、1 次重点、1 非重点)"),
    (Message("tier_rank", {"rank": 1, "count": 2, "owner": Message("no_owner")}),
     "rank 1 of 2 terminals of no owner", "在 未分配业代 的 2 家终端中排第 1"),
    (Message("qualified", {"months": 3, "first": "2026-08", "last": "2026-10", "paid": 3,
                           "on_time": 2}, (Message("key_tier"),)),
     "meets the standard from 2026-08 to 2026-10: collections in 3 of 3 months, reported on "
     "time in 2; in the key tier", "合格: 2026-08 至 2026-10 回款 3/3 个月, 按时上报 2/3 个月; 属重点分层"),
    (Message("qualified", {"months": 3, "first": "2026-08", "last": "2026-10", "paid": 3,
                           "on_time": 3}, (Message("not_key_tier", {"tier": Message("tier_normal")}),)),
     "meets the standard from 2026-08 to 2026-10: collections in 3 of 3 months, reported on "
     "time in 3; not in the key tier (normal)",
     "合格: 2026-08 至 2026-10 回款 3/3 个月, 按时上报 3/3 个月; 不在重点分层 (非重点)"),
    (Message("unqualified", {"months": 3, "first": "2026-08", "last": "2026-10"}, (
        Message("few_collections", {"months": 3, "count": 0, "need": 2}),
        Message("late_reports", {"months": 3, "count": 1, "need": 2}),
        Message("no_figures", {"missing": ["2026-09", "2026-10"]}))),
     "below the standard from 2026-08 to 2026-10; collections in 0 of 3 months, 2 needed; "
     "reported on time in 1 of 3 months, 2 needed; no figures for 2026-09, 2026-10",
     "不合格: 2026-08 至 2026-10; 回款 0/3 个月, 须 2 个月; 按时上报 1/3 个月, 须 2 个月; "
     "2026-09、2026-10 没有数据"),
    (Message("contacts_span", {"functions": 0, "levels": 0, "names": Message("none")}),
     "contacts span 0 functions (none) and 0 levels", "联系人覆盖 0 个部门 (无)、0 个层级"),
])
def test_a_classify_reason_reads_in_english_and_chinese(message, english, chinese):
    assert (message.text("en"), message.text("zh")) == (english, chinese)


@pytest.mark.parametrize(("message", "english", "chinese"), [
    (Message("nothing_collected"), "expense with nothing collected (先回款后支付)",
     "没有回款却支出客情费 (先回款后支付)"),
    (Message("special_after_contract", {"applied": "2026-10-20", "since": "2026-10-15"},
             subject="红河建隆医药"),
     "红河建隆医药: special expense applied 2026-10-20 after the contract 2026-10-15: invalid "
     "(须签约前申请)", "红河建隆医药: 专项费用 2026-10-20 申请, 晚于签约 2026-10-15: 无效 (须签约前申请)"),
    (Message("advance_cap", {"advances": 3500, "cap": 3000.0}),
     "cash advances 3,500 above the cap 3,000", "借支 3,500 超过上限 3,000"),
    (Message("outside_recipients", {
        "amount": 200, "date": "2026-10-20", "roles": ["采购", "店长"],
        "who": Message("contact_roles", {"recipient": "小孔", "roles": [Message("no_role")]})}),
     "expense 200 on 2026-10-20 to 小孔 (no role) outside 客情费使用范围 (采购, 店长)",
     "2026-10-20 的客情费 200 给了 小孔 (无职务), 超出客情费使用范围 (采购、店长)"),
    (Message("outside_recipients", {
        "amount": 200, "date": "2026-10-20", "roles": [
            Message("purchasing_function"), Message("executive_level"), "店长"],
        "who": Message("contact_roles", {"recipient": "李小梅", "roles": ["店员"]})}),
     "expense 200 on 2026-10-20 to 李小梅 (店员) outside 客情费使用范围 (function purchasing, "
     "level executive, 店长)",
     "2026-10-20 的客情费 200 给了 李小梅 (店员), 超出客情费使用范围 (采购部门、公司领导、店长)"),
    (Message("recipient_not_a_contact", {"amount": 200, "date": "2026-10-20", "recipient": "赵六"}),
     "expense 200 on 2026-10-20 to 赵六, who is not a contact of the customer (客情费使用范围)",
     "2026-10-20 的客情费 200 给了 赵六, 不是客户的联系人 (客情费使用范围)"),
    (Message("no_recipient", {"amount": 300, "date": "2026-10-15"}),
     "expense 300 on 2026-10-15 names no recipient: 客情费使用范围 not checked",
     "2026-10-15 的客情费 300 没有写明对象: 客情费使用范围未核对"),
    (Message("executive_recipient", {"recipient": "赵总"}),
     "赵总 is a leader of the customer's company (客情费使用范围 ③)",
     "赵总 是客户的公司领导 (客情费使用范围 ③)"),
    (Message("purchasing_recipient", {"recipient": "林晓燕"}),
     "林晓燕 works in the customer's purchasing (客情费使用范围 ①②)",
     "林晓燕 在客户的采购部门 (客情费使用范围 ①②)"),
    (Message("new_customer_expense"), "spent on winning a new customer (客情费使用范围 ④)",
     "用于开发新客户 (客情费使用范围 ④)"),
    (Message("event_expense"), "spent on the customer's event (客情费使用范围 ⑤)",
     "用于客户的活动 (客情费使用范围 ⑤)"),
])
def test_an_expense_violation_reads_in_english_and_chinese(message, english, chinese):
    assert (message.text("en"), message.text("zh")) == (english, chinese)


def test_classify_json_keeps_the_english_reason_and_adds_its_key(kq):
    _, text = _run(kq, str(EXAMPLES), ["--today", "2026-11-30", "classify"], "json")
    rows = json.loads(text)
    assert {r["reason_key"] for r in rows} <= set(TEMPLATES)
    tier = next(r for r in rows if r["reason_key"] == "tier_rank")
    assert tier["reason"].startswith("rank ")


EXPENSES = ["--today", "2026-11-30", "expenses", "--month", "2026-10"]


def test_expenses_json_keeps_the_english_violations_and_adds_their_keys(kq):
    _, text = _run(kq, str(EXAMPLES), EXPENSES, "json")
    broken = {r["customer"]: (r["violations"], r["violation_keys"])
              for r in json.loads(text) if r["violations"]}
    assert broken["dist-hhjl"] == (["special expense applied 2026-10-20 after the contract 2026-10-15: "
                               "invalid (须签约前申请)"], ["special_after_contract"])


def test_expenses_json_gives_each_rule_it_could_not_check_a_key_too(kq):
    """As violations have violation_keys: a script tells "collections not reported" apart
    without reading the English."""
    _, text = _run(kq, str(EXAMPLES), ["--today", "2026-11-30", "expenses", "--month", "2026-11"],
                   "json")
    rows = {r["customer"]: r for r in json.loads(text)}
    assert rows["hx-renmin"]["unchecked"] == ["先回款后支付: collections for 2026-11 not "
                                              "reported yet"]
    assert rows["hx-renmin"]["unchecked_keys"] == ["collections_unreported"]
    assert all(len(r["unchecked"]) == len(r["unchecked_keys"]) for r in rows.values())


def test_expense_violations_read_in_chinese_in_a_table_and_in_english_with_lang_en(kq):
    chinese = kq("--repo", str(EXAMPLES), *EXPENSES).stdout
    english = kq("--repo", str(EXAMPLES), "--lang", "en", *EXPENSES).stdout
    assert "没有回款却支出客情费 (先回款后支付)" in chinese
    assert "expense with nothing collected" not in chinese
    assert "expense with nothing collected (先回款后支付)" in english


def test_classify_reasons_read_in_chinese_in_a_table(kq):
    table = kq("--repo", str(EXAMPLES), "--today", "2026-11-30", "classify").stdout
    assert "家终端中排第" in table
    assert "terminals of" not in table


# --- tables for people at 80 columns ----------------------------------------------------------

RENMIN = """\
name: 华信大药房(人民路店)
kind: terminal
status: prospect
grade: near
tier: secondary
owner: 李明
region: 昆明/五华区
route: {weekday: tue, time: "09:30"}
contacts:
  - {name: 王芳, role: 店长, phone: "13808711234", style: leader, familiarity: 2,
     events: [{date: 2026-12-06, kind: wedding, note: 女儿结婚}]}
products:
  - {name: 维C泡腾片, role: lead, stage: mature}
  - {name: 华康钙片, brand: 华康, competitor: true}
visits:
  - {date: 2026-11-18, kind: visit, contact: 王芳, goal: 推新品陈列, outcome: 同意端架陈列两周,
     done: [pop, display]}
"""
BAICAO = """\
name: 百草堂药店(西昌路)
kind: terminal
status: active
grade: B
tier: key
owner: 李明
region: 昆明/五华区
visits: [{date: 2026-11-18, kind: visit}]
"""
ENGLISH = ("terminal", "prospect", "secondary", "near", "lead", "mature", "false", "true",
           "wedding", "leader", "pop")


@pytest.fixture
def shops(make_repo) -> Path:
    root = make_repo({"bct-xichang": BAICAO, "hx-renmin": RENMIN}, kq_yaml="reps: [{name: 李明}]")
    statements_done(root, "2026-10", "李明")
    return root


@pytest.fixture
def at_80(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def _expected(name: str, text: str) -> None:
    assert text == (EXPECTED / name).read_text(encoding="utf-8")


def test_list_at_80_columns_is_the_expected_text(kq, shops, at_80):
    _expected("list-80.txt", kq("--repo", shops, "--today", "2026-11-24", "list").stdout)


def test_list_at_120_columns_shows_region_route_and_last_visit(kq, shops, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    _expected("list-120.txt", kq("--repo", shops, "--today", "2026-11-24", "list").stdout)


def test_show_at_80_columns_is_the_expected_text(kq, shops, at_80):
    _expected("show-80.txt", kq("--repo", shops, "--today", "2026-11-24", "show", "hx").stdout)


def test_list_in_english_for_a_manager(kq, shops, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    _expected("list-120-en.txt",
              kq("--repo", shops, "--lang", "en", "--today", "2026-11-24", "list").stdout)


def test_kq_lang_en_switches_table_labels(kq, shops, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")
    assert "secondary" in kq("--repo", shops, "list").stdout


def test_lang_does_not_change_json(kq, shops):
    chinese = kq("--repo", shops, "list", "--format", "json").stdout
    assert kq("--repo", shops, "--lang", "en", "list", "--format", "json").stdout == chinese


def test_an_unknown_lang_is_a_usage_error(kq, shops):
    result = kq("--repo", shops, "--lang", "fr", "list")
    assert (result.exit_code, result.stderr) == (2, "kq: --lang: 'fr' is not one of zh, en\n")


@pytest.mark.parametrize("command", [["list"], ["show", "hx"]])
def test_chinese_tables_show_no_english_enum_value(kq, shops, at_80, command):
    out = kq("--repo", shops, "--today", "2026-11-24", *command).stdout
    assert [w for w in ENGLISH if w in out] == []


@pytest.mark.parametrize("command", [["list"], ["--today", "2026-11-24", "due", "--all"],
                                     ["score", "--month", "2026-10"], ["show", "hx-renmin"],
                                     ["--today", "2026-11-30", "classify"],
                                     ["expenses", "--month", "2026-10"], ["history", "hx-renmin"],
                                     ["plan", "--owner", "李明"]])
def test_no_table_line_of_the_examples_is_wider_than_80_columns(kq, at_80, command):
    from rich.cells import cell_len

    out = kq("--repo", EXAMPLES, "--today", "2026-11-24", *command).stdout
    assert max(cell_len(line) for line in out.splitlines() if "│" not in line
               and not line.startswith(("卡 ", "2026-10 "))) <= 80  # captions and titles may wrap


def test_ids_dates_and_phones_of_the_examples_are_never_broken_at_80_columns(kq, at_80):
    listing = kq("--repo", EXAMPLES, "list").stdout
    assert "bct-xichang " in listing and "次重点" in listing
    card = kq("--repo", EXAMPLES, "show", "hx-renmin").stdout
    assert "13808711234" in card and "2026-11-22" in card


def test_explain_prints_no_minus_zero(capsys):
    import datetime as dt

    from kqcli.cli.commands.due import _explain
    from kqcli.core.due import Reminder
    from kqcli.core.messages import Message

    day = dt.date(2026, 11, 24)
    _explain([Reminder("hx", "华信", "visit", day, day, Message("visit_never"), urgency=-0.0,
                       terms=[("tier", -0.04)])], day)
    out = capsys.readouterr().out
    assert "-0.0" not in out and "+0.0  tier" in out and "0.0  = 紧急度" in out


def test_due_at_80_columns_is_the_expected_text(kq, shops, at_80):
    _expected("due-80.txt", kq("--repo", shops, "--today", "2026-11-24", "due").stdout)


def test_score_at_80_columns_is_the_expected_text(kq, shops, at_80):
    _expected("score-80.txt", kq("--repo", shops, "score", "--month", "2026-11").stdout)


def test_score_in_english_at_80_columns(kq, shops, at_80):
    _expected("score-80-en.txt",
              kq("--repo", shops, "--lang", "en", "score", "--month", "2026-11").stdout)


def test_list_csv_spreads_the_route_over_weekday_and_time(kq, shops):
    rows = list(csv.DictReader(io.StringIO(kq("--repo", shops, "list", "--format", "csv", "--keys").stdout)))
    assert "route" not in rows[0]
    assert [(r["id"], r["route.weekday"], r["route.time"]) for r in rows] == [
        ("bct-xichang", "", ""), ("hx-renmin", "tue", "09:30")]


def test_wrap_keeps_an_ascii_word_whole_and_breaks_chinese_between_characters():
    from kqcli.cli.render import wrap

    assert wrap("2026-10 的出销/库存/动销未上报 (截止 2026-11-10)", 24) == (
        "2026-10 的出销/库存/动销\n未上报 (截止 2026-11-10)")


def test_wrap_never_starts_a_line_with_closing_punctuation():
    from kqcli.cli.render import wrap

    assert wrap("端架换成冬季主题；王芳邀请参加", 17) == "端架换成冬季主\n题；王芳邀请参加"


def test_wrap_folds_only_a_word_wider_than_the_column():
    from kqcli.cli.render import wrap

    assert wrap("months.2026-10.inventory: 1 → 2", 20) == "months.2026-10.inven\ntory: 1 → 2"
