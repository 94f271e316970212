"""kq expenses: the monthly statement of collections and relationship expenses (客情费), its rule
checks, the per-rep cash advance cap, and the statement deadline on the 3rd working day."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from helpers import ledger_row as customer
from helpers import settings

from kqcli.core.expenses import per_rep, statement, statement_deadline
from kqcli.core.messages import english

MONTH = "2026-10"






def shop(collections: int | None, *expenses: str, owner: str = "李明", since: str | None = None,
         name: str = "华信大药房") -> str:
    text = f"name: {name}\nkind: terminal\nstatus: active\nowner: {owner}\n"
    if since:
        text += f"since: {since}\n"
    if collections is not None:
        text += f"months:\n  2026-10: {{collections: {collections}}}\n"
    if expenses:
        text += "expenses:\n" + "".join(f"  - {e}\n" for e in expenses)
    return text


def lines(*texts: str, kq_yaml: str = "") -> list[dict]:
    rows = [customer(t, f"c{n}") for n, t in enumerate(texts, 1)]
    return statement(rows, settings(kq_yaml), MONTH)


def violations(text: str, kq_yaml: str = "") -> list[str]:
    [line] = lines(text, kq_yaml=kq_yaml)
    return english(line["violations"])


# --- the statement -----------------------------------------------------------------------------


def test_statement_line_totals_the_months_expenses():
    text = shop(100000, "{date: 2026-10-15, amount: 300, purpose: gift, recipient: 王芳}",
                "{date: 2026-10-20, amount: 200, recipient: 李采购}",
                "{date: 2026-09-30, amount: 999, recipient: 旧账}")
    [line] = lines(text)
    assert {k: line[k] for k in ("customer", "name", "owner", "month", "collections", "expenses",
                                 "count", "share", "recipients", "violations")} == {
        "customer": "c1", "name": "华信大药房", "owner": "李明", "month": "2026-10",
        "collections": 100000, "expenses": 500, "count": 2, "share": 0.005,
        "recipients": ["李采购", "王芳"], "violations": []}


def test_customers_with_neither_collections_nor_expenses_are_left_out():
    assert lines(shop(None), shop(None, "{date: 2026-09-30, amount: 50}")) == []


def test_collections_without_expenses_are_listed_clean():
    [line] = lines(shop(80000))
    assert (line["expenses"], line["share"], english(line["violations"])) == (0, 0.0, [])


# --- the rules ---------------------------------------------------------------------------------


def test_expense_with_nothing_collected_is_flagged():
    assert violations(shop(0, "{date: 2026-10-15, amount: 200}")) == [
        "expense with nothing collected (先回款后支付)"]


def test_expense_with_collections_only_in_another_month_is_flagged():
    text = ("name: 华信大药房\nowner: 李明\nmonths:\n  2026-09: {collections: 50000}\n"
            "  2026-10: {collections: 0}\nexpenses:\n  - {date: 2026-10-15, amount: 200}\n")
    assert violations(text) == ["expense with nothing collected (先回款后支付)"]


# --- unknown is not zero -----------------------------------------------------------------------


def test_expense_in_a_month_without_reported_collections_is_not_flagged():
    assert violations(shop(None, "{date: 2026-10-15, amount: 200}")) == []


def test_expense_in_a_month_without_reported_collections_says_it_was_not_checked():
    [line] = lines(shop(None, "{date: 2026-10-15, amount: 200}"))
    assert english(line["unchecked"]) == ["先回款后支付: collections for 2026-10 not reported yet"]


def test_unreported_collections_are_null_not_zero():
    [line] = lines(shop(None, "{date: 2026-10-15, amount: 200}"))
    assert (line["collections"], line["share"]) == (None, None)


def test_month_with_other_figures_but_no_collections_is_not_checked():
    text = ("name: 华信大药房\nmonths:\n  2026-10: {sell_out: 9000}\n"
            "expenses:\n  - {date: 2026-10-15, amount: 200}\n")
    [line] = lines(text)
    assert (english(line["violations"]), english(line["unchecked"])) == (
        [], ["先回款后支付: collections for 2026-10 not reported yet"])


def test_expenses_of_a_reported_month_leave_nothing_unchecked():
    [line] = lines(shop(100000, "{date: 2026-10-15, amount: 200}"))
    assert english(line["unchecked"]) == []


def test_rep_line_names_the_customers_not_checked():
    rows = lines(shop(100000, "{date: 2026-10-03, amount: 400}"),
                 shop(None, "{date: 2026-10-04, amount: 100}", name="春城药店"))
    [rep] = per_rep(rows, settings(), MONTH)
    assert (rep["collections"], english(rep["violations"]), rep["unchecked"]) == (100000, [], ["c2"])


def test_expenses_above_five_percent_of_collections_are_flagged():
    text = shop(100000, "{date: 2026-10-05, amount: 3000}", "{date: 2026-10-25, amount: 2500}")
    assert violations(text) == ["expenses 5,500 above 5% of collections 100,000"]


def test_expenses_of_exactly_five_percent_are_fine():
    assert violations(shop(100000, "{date: 2026-10-05, amount: 5000}")) == []


def test_share_of_collections_comes_from_kq_yaml():
    text = shop(100000, "{date: 2026-10-05, amount: 5000}")
    assert violations(text, kq_yaml="expenses: {max_share: 0.04}\n") == [
        "expenses 5,000 above 4% of collections 100,000"]


def test_special_expense_applied_after_the_contract_is_flagged():
    text = shop(200000, "{date: 2026-10-12, amount: 1000, kind: special, applied: 2026-10-15}",
                since="2026-10-10")
    assert violations(text) == [
        "special expense applied 2026-10-15 after the contract 2026-10-10: invalid (须签约前申请)"]


def test_special_expense_applied_before_the_contract_is_fine():
    text = shop(200000, "{date: 2026-10-12, amount: 1000, kind: special, applied: 2026-09-30}",
                since="2026-10-10")
    assert violations(text) == []


def test_special_expense_without_an_application_date_counts_from_its_date():
    text = shop(200000, "{date: 2026-10-12, amount: 1000, kind: special}", since="2026-10-10")
    assert violations(text) == [
        "special expense applied 2026-10-12 after the contract 2026-10-10: invalid (须签约前申请)"]


def test_regular_expense_after_the_contract_is_fine():
    assert violations(shop(200000, "{date: 2026-10-12, amount: 1000}", since="2026-10-10")) == []


def test_special_expense_of_a_customer_not_yet_signed_is_fine():
    assert violations(shop(200000, "{date: 2026-10-12, amount: 1000, kind: special}")) == []


# --- per rep: advances and spot checks ---------------------------------------------------------


def test_rep_advances_above_three_thousand_are_flagged():
    rows = lines(
        shop(100000, "{date: 2026-10-03, amount: 2000, advance: true}", owner="张强"),
        shop(100000, "{date: 2026-10-09, amount: 1500, advance: true}", owner="张强"),
        shop(100000, "{date: 2026-10-03, amount: 3000, advance: true}"),
        shop(100000, "{date: 2026-10-04, amount: 800}"),
    )
    reps = {r["owner"]: r for r in per_rep(rows, settings(), MONTH)}
    assert reps["张强"]["advances"] == 3500
    assert english(reps["张强"]["violations"]) == ["cash advances 3,500 above the cap 3,000"]
    assert (reps["李明"]["advances"], english(reps["李明"]["violations"])) == (3000, [])


def test_advance_cap_comes_from_kq_yaml():
    rows = lines(shop(100000, "{date: 2026-10-03, amount: 3000, advance: true}"))
    [rep] = per_rep(rows, settings("expenses: {advance_cap: 2000}\n"), MONTH)
    assert english(rep["violations"]) == ["cash advances 3,000 above the cap 2,000"]


def test_rep_line_totals_and_the_customers_rule_breaks():
    rows = lines(shop(100000, "{date: 2026-10-03, amount: 400}"),
                 shop(0, "{date: 2026-10-04, amount: 100}", name="春城药店"))
    [rep] = per_rep(rows, settings(), MONTH)
    assert (rep["customers"], rep["collections"], rep["expenses"]) == (2, 100000, 500)
    assert english(rep["violations"]) == ["春城药店: expense with nothing collected (先回款后支付)"]


def test_manager_spot_checks_three_customers_per_rep_the_same_each_time():
    rows = lines(*(shop(1000 * n, name=f"店{n}") for n in range(1, 7)))
    [rep] = per_rep(rows, settings(), MONTH)
    assert len(rep["spot_check"]) == 3
    assert set(rep["spot_check"]) <= {r["customer"] for r in rows}
    assert per_rep(rows, settings(), MONTH)[0]["spot_check"] == rep["spot_check"]


# --- the deadline ------------------------------------------------------------------------------


def test_statement_for_october_is_due_on_the_third_working_day_of_november():
    assert statement_deadline(settings(), "2026-10") == (dt.date(2026, 11, 4), True)


def test_statement_for_september_waits_for_the_national_day_holidays():
    # 1-7 October 2026 are days off; 8 and 9 October are working days.
    assert statement_deadline(settings(), "2026-09")[0] == dt.date(2026, 10, 10)


def test_statement_working_day_comes_from_kq_yaml():
    kq_yaml = "expenses: {statement_working_day: 1}\n"
    assert statement_deadline(settings(kq_yaml), "2026-10")[0] == dt.date(2026, 11, 2)


# --- the command -------------------------------------------------------------------------------

CLEAN = shop(100000, "{date: 2026-10-15, amount: 300, recipient: 王芳}")
BROKEN = shop(0, "{date: 2026-10-15, amount: 200, recipient: 小张}", name="春城药店")
UNREPORTED = shop(None, "{date: 2026-10-15, amount: 200, recipient: 小张}", name="春城药店")


def test_title_names_the_statement_deadline(make_repo, kq):
    root = make_repo({"hx": CLEAN})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10")
    assert "2026-10 月客户采购及客情费统计表; 统计表 2026-11-04 前交," in result.stdout
    assert "(已过)" not in result.stdout


def test_title_says_when_the_deadline_is_past(make_repo, kq):
    root = make_repo({"hx": CLEAN})
    result = kq("--repo", root, "--today", "2026-11-05", "expenses", "--month", "2026-10")
    assert "统计表 2026-11-04 前交 (已过)" in result.stdout


def test_default_month_is_last_month(make_repo, kq):
    root = make_repo({"hx": CLEAN})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--format", "json")
    assert [line["month"] for line in json.loads(result.stdout)] == ["2026-10"]


def test_clean_month_exits_zero(make_repo, kq):
    result = kq("--repo", make_repo({"hx": CLEAN}), "--today", "2026-11-03", "expenses",
                "--month", "2026-10")
    assert result.exit_code == 0, result.stderr


def test_broken_rule_exits_one(make_repo, kq):
    root = make_repo({"hx": CLEAN, "cc": BROKEN})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10",
                "--format", "json")
    assert result.exit_code == 1
    data = {line["customer"]: line["violations"] for line in json.loads(result.stdout)}
    assert data == {"hx": [], "cc": ["expense with nothing collected (先回款后支付)"]}


def test_unreported_collections_exit_zero(make_repo, kq):
    root = make_repo({"hx": CLEAN, "cc": UNREPORTED})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10")
    assert result.exit_code == 0


def test_unreported_collections_are_named_on_stderr(make_repo, kq):
    root = make_repo({"hx": CLEAN, "cc": UNREPORTED})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10")
    assert result.stderr == ("kq: 1 个客户 2026-10 的回款未报 (春城药店): 未核对先回款后支付 "
                             "(kq figures 可以录入)\n")


def test_unreported_collections_are_null_in_json(make_repo, kq):
    root = make_repo({"cc": UNREPORTED})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10",
                "--format", "json")
    [line] = json.loads(result.stdout)
    assert (line["collections"], line["violations"], line["unchecked"]) == (
        None, [], ["先回款后支付: collections for 2026-10 not reported yet"])


def test_advances_above_the_cap_are_shown_by_owner_and_exit_one(make_repo, kq):
    root = make_repo({
        "a": shop(100000, "{date: 2026-10-03, amount: 2000, advance: true}", owner="张强"),
        "b": shop(100000, "{date: 2026-10-09, amount: 1500, advance: true}", owner="张强"),
        "c": CLEAN,
    })
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10",
                "--by", "owner", "--format", "json")
    assert result.exit_code == 1
    reps = {r["owner"]: r["violations"] for r in json.loads(result.stdout)}
    assert reps == {"张强": ["cash advances 3,500 above the cap 3,000"], "李明": []}


def test_by_owner_table_title_names_the_deadline(make_repo, kq):
    root = make_repo({"hx": CLEAN})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10",
                "--by", "owner")
    assert "2026-10 客情费 (按业代); 统计表 2026-11-04 前交" in result.stdout


def test_owner_filter_keeps_the_exit_code_to_that_rep(make_repo, kq):
    root = make_repo({"hx": CLEAN, "cc": BROKEN.replace("李明", "张强")})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10",
                "--owner", "李明")
    assert result.exit_code == 0


def test_csv_has_a_header_row_and_one_row_per_customer(make_repo, kq):
    root = make_repo({"hx": CLEAN, "cc": BROKEN})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10",
                "--format", "csv", "--keys")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:6] == ["customer", "name", "owner", "month", "collections", "expenses"]
    records = {r["customer"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert (records["hx"]["collections"], records["hx"]["expenses"]) == ("100000", "300")
    assert records["cc"]["violations"] == "expense with nothing collected (先回款后支付)"


@pytest.mark.parametrize("month", ["2026-13", "2026-1"])
def test_bad_month_is_a_usage_error(make_repo, kq, month):
    result = kq("--repo", make_repo({"hx": CLEAN}), "expenses", "--month", month)
    assert result.exit_code == 2
    assert "--month" in result.stderr


def test_csv_header_is_the_same_for_an_empty_month(make_repo, kq):
    root = make_repo({"hx": CLEAN})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-08",
                "--format", "csv", "--keys")
    assert result.stdout.splitlines()[0].split(",")[:6] == [
        "customer", "name", "owner", "month", "collections", "expenses"]


def test_last_representable_month_is_not_a_traceback(make_repo, kq):
    result = kq("--repo", make_repo({"hx": CLEAN}), "expenses", "--month", "9999-12")
    assert result.exit_code == 2


def test_statement_of_a_month_more_than_a_year_back_sees_its_collections():
    figures = "".join(f"  {y}-{m:02d}: {{collections: 100000}}\n"
                      for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10))
    text = shop(None, "{date: 2025-03-10, amount: 300}") + "months:\n" + figures
    summary, facts = customer(text)
    [line] = statement([(summary, facts)], settings(), "2025-03")
    assert (line["collections"], english(line["violations"])) == (100000, [])


def test_title_names_the_three_dates_of_the_expense_calendar(make_repo, kq):
    # November 2026: Mon 2, Tue 3, Wed 4 (3rd working day), … Wed 11 (8th), Thu 12 (9th).
    root = make_repo({"hx": CLEAN})
    result = kq("--repo", root, "--today", "2026-11-03", "expenses", "--month", "2026-10")
    assert "统计表 2026-11-04 前交, 2026-11-11 前核对, 2026-11-12 起支付" in result.stdout


def test_expense_calendar_follows_the_working_days_in_kq_yaml():
    from kqcli.core.expenses import expense_calendar

    days, covered = expense_calendar(settings("expenses: {check_working_day: 5, pay_working_day: 6}"),
                                     "2026-09")
    # October 2026: 国庆 to the 7th; Thu 8, Fri 9, Sat 10 (a working day), Mon 12, Tue 13, Wed 14.
    assert days == (dt.date(2026, 10, 10), dt.date(2026, 10, 13), dt.date(2026, 10, 14))
    assert covered


# --- who expenses may go to (客情费使用范围) ------------------------------------------------------

def contact(name: str, role: str | None, function: str | None = None,
            level: str | None = None) -> dict:
    return {"name": name, "role": role, "function": function, "level": level}


CONTACTS = [contact("王芳", "店长"), contact("林晓燕", "采购总监", "purchasing", "manager"),
            contact("赵总", "副总经理", "purchasing", "executive"),
            contact("吴总", "总经理", "management", "executive"), contact("小陈", "采购专员"),
            contact("付春", "物流主管", "logistics", "manager"),
            contact("李小梅", "店员", "store", "staff"), contact("小孔", None)]
SCOPE = "function purchasing, level executive, 采购, 采购经理, 店长, 老板"


def gift(recipient: str | None, **fields: str) -> dict:
    return {"date": "2026-10-15", "amount": 300, "kind": "regular", "recipient": recipient,
            **fields}


def recipient(name: str | None, contacts: list[dict] | None = CONTACTS, kq_yaml: str = "",
              status: str = "active", **fields: str):
    from kqcli.core.expenses import recipient_check

    found = recipient_check(gift(name, **fields), contacts, settings(kq_yaml), status)
    return found and (found[0], english(found[1]))


def test_an_expense_to_the_store_head_is_within_the_scope():
    assert recipient("王芳") == ("ok", "王芳 is the customer's 店长 (客情费使用范围)")


def test_a_contact_in_purchasing_is_within_the_scope_whatever_the_role():
    assert recipient("林晓燕") == ("ok", "林晓燕 works in the customer's purchasing (客情费使用范围 ①②)")


def test_a_vice_president_over_purchasing_is_within_the_scope():
    assert recipient("赵总") == ("ok", "赵总 is a leader of the customer's company (客情费使用范围 ③)")


def test_any_executive_is_within_the_scope():
    assert recipient("吴总")[0] == "ok"


def test_a_role_that_only_contains_an_allowed_role_is_outside_the_scope():
    assert recipient("小陈") == ("broken", "expense 300 on 2026-10-15 to 小陈 (采购专员) outside "
                                           f"客情费使用范围 ({SCOPE})")


def test_a_clerk_is_outside_the_scope():
    assert recipient("李小梅") == ("broken", "expense 300 on 2026-10-15 to 李小梅 (店员) outside "
                                             f"客情费使用范围 ({SCOPE})")


def test_a_clerk_is_within_the_scope_where_kq_yaml_adds_the_role():
    assert recipient("李小梅", kq_yaml="expenses: {allowed_roles: [店长, 店员]}") == (
        "ok", "李小梅 is the customer's 店员 (客情费使用范围)")


def test_an_expense_to_a_contact_in_another_role_names_the_recipient():
    assert recipient("付春") == ("broken", "expense 300 on 2026-10-15 to 付春 (物流主管) outside "
                                           f"客情费使用范围 ({SCOPE})")


def test_an_expense_to_a_contact_without_a_role_is_outside_the_scope():
    assert recipient("小孔") == ("broken", "expense 300 on 2026-10-15 to 小孔 (no role) outside "
                                           f"客情费使用范围 ({SCOPE})")


def test_an_expense_to_someone_not_a_contact_says_so():
    from kqcli.core.expenses import recipient_check

    assert recipient("赵六") == ("broken", "expense 300 on 2026-10-15 to 赵六, who is not a contact "
                                           "of the customer (客情费使用范围)")
    assert recipient_check(gift("赵六"), CONTACTS, settings())[1].key == "recipient_not_a_contact"


def test_an_expense_without_a_recipient_is_not_checked():
    assert recipient(None) == (
        "unchecked", "expense 300 on 2026-10-15 names no recipient: 客情费使用范围 not checked")


def test_an_expense_on_a_prospect_needs_no_recipient():
    assert recipient(None, status="prospect") == (
        "ok", "spent on winning a new customer (客情费使用范围 ④)")


def test_an_expense_on_a_prospect_may_go_to_anyone_there():
    assert recipient("付春", status="prospect")[0] == "ok"


def test_a_special_expense_for_a_new_customer_needs_no_recipient():
    assert recipient(None, kind="special") == (
        "ok", "spent on winning a new customer (客情费使用范围 ④)")


@pytest.mark.parametrize("purpose", ["event", "Event", "活动", "发布会", "联谊会"])
def test_an_expense_for_the_customers_event_needs_no_recipient(purpose):
    assert recipient(None, purpose=purpose) == (
        "ok", "spent on the customer's event (客情费使用范围 ⑤)")


def test_an_event_purpose_must_match_exactly():
    assert recipient("李小梅", purpose="活动礼品")[0] == "broken"


def test_event_purposes_come_from_kq_yaml():
    assert recipient(None, purpose="店庆", kq_yaml="expenses: {event_purposes: [店庆]}")[0] == "ok"


def test_a_customer_without_contacts_is_not_checked():
    assert recipient("王芳", []) == (
        "unchecked", "no contacts recorded: 客情费使用范围 not checked for 王芳")


def test_allowed_roles_come_from_kq_yaml():
    assert recipient("付春", kq_yaml="expenses: {allowed_roles: [物流主管]}")[0] == "ok"


def test_no_allowed_roles_leaves_purchasing_and_executives():
    kq_yaml = "expenses: {allowed_roles: []}"
    assert (recipient("王芳", kq_yaml=kq_yaml)[0], recipient("林晓燕", kq_yaml=kq_yaml)[0],
            recipient("吴总", kq_yaml=kq_yaml)[0]) == ("broken", "ok", "ok")


def with_contacts(text: str, contacts: list[dict]) -> tuple[dict, dict]:
    """A ledger row carrying the contacts' names and roles (what the rule reads)."""
    summary, facts = customer(text)
    return summary, {**facts, "contacts": contacts}


def test_statement_lists_an_expense_outside_the_scope_as_a_violation():
    text = shop(100000, "{date: 2026-10-15, amount: 300, recipient: 王芳}",
                "{date: 2026-10-20, amount: 200, recipient: 付春}")
    [line] = statement([with_contacts(text, CONTACTS)], settings(), MONTH)
    assert english(line["violations"]) == [
        f"expense 200 on 2026-10-20 to 付春 (物流主管) outside 客情费使用范围 ({SCOPE})"]


def test_statement_does_not_count_an_expense_without_a_recipient_as_a_violation():
    text = shop(100000, "{date: 2026-10-15, amount: 300}")
    [line] = statement([with_contacts(text, CONTACTS)], settings(), MONTH)
    assert (line["violations"], line["unchecked"]) == ([], [])


def test_statement_takes_a_prospects_expense_as_winning_a_new_customer():
    text = shop(100000, "{date: 2026-10-15, amount: 300, recipient: 付春}").replace(
        "status: active", "status: prospect")
    [line] = statement([with_contacts(text, CONTACTS)], settings(), MONTH)
    assert line["violations"] == []


def test_rep_line_names_the_customer_and_the_recipient():
    text = shop(100000, "{date: 2026-10-20, amount: 200, recipient: 付春}")
    [rep] = per_rep(statement([with_contacts(text, CONTACTS)], settings(), MONTH), settings(), MONTH)
    assert english(rep["violations"]) == ["华信大药房: expense 200 on 2026-10-20 to 付春 (物流主管) outside "
                                          f"客情费使用范围 ({SCOPE})"]


def test_the_new_expense_checks_end_with_its_recipient():
    from kqcli.core.expenses import expense_checks

    text = shop(100000, "{date: 2026-10-20, amount: 200, recipient: 付春}")
    summary, facts = with_contacts(text, CONTACTS)
    checks = expense_checks({**gift("付春"), "date": "2026-10-20", "amount": 200}, summary, facts,
                            settings())
    assert {**checks[-1], "message": english(checks[-1]["message"])} == {
        "rule": "allowed_recipient", "result": "broken", "message":
                          "expense 200 on 2026-10-20 to 付春 (物流主管) outside 客情费使用范围 "
                          f"({SCOPE})"}


def _ledger_has_contacts() -> bool:
    from kqcli.core.facts import ledger
    from kqcli.schema.customer import Customer

    return "contacts" in ledger(Customer(name="x"))


needs_ledger_contacts = pytest.mark.skipif(
    not _ledger_has_contacts(), reason="core/facts.py ledger() does not carry contacts yet")

WITH_LOGISTICS = shop(100000, "{date: 2026-10-20, amount: 200, recipient: 付春}") + (
    "contacts:\n  - {name: 王芳, role: 店长}\n  - {name: 付春, role: 物流主管}\n")


@needs_ledger_contacts
def test_kq_expenses_exits_one_for_an_expense_outside_the_scope(make_repo, kq):
    result = kq("--repo", make_repo({"hx": WITH_LOGISTICS}), "--today", "2026-11-03",
                "expenses", "--month", "2026-10", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["violations"] == [
        f"expense 200 on 2026-10-20 to 付春 (物流主管) outside 客情费使用范围 ({SCOPE})"]


@needs_ledger_contacts
def test_kq_expenses_reads_function_and_level_from_the_customer_file(make_repo, kq):
    text = shop(100000, "{date: 2026-10-20, amount: 200, recipient: 赵总}",
                "{date: 2026-10-21, amount: 100, recipient: 李小梅}") + (
        "contacts:\n  - {name: 赵总, role: 副总经理, function: purchasing, level: executive}\n"
        "  - {name: 李小梅, role: 店员}\n")
    result = kq("--repo", make_repo({"hx": text}), "--today", "2026-11-03",
                "expenses", "--month", "2026-10", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)[0]["violations"]) == (1, [
        f"expense 100 on 2026-10-21 to 李小梅 (店员) outside 客情费使用范围 ({SCOPE})"])


@needs_ledger_contacts
def test_kq_expense_prints_the_recipient_check(make_repo, kq):
    root = make_repo({"hx": WITH_LOGISTICS})
    result = kq("--repo", root, "--today", "2026-11-03", "expense", "hx", "100", "--purpose",
                "水果", "--recipient", "付春", "--date", "2026-10-21")
    assert result.stdout.splitlines()[-1] == (
        "  违规   2026-10-21 的客情费 100 给了 付春 (物流主管), 超出客情费使用范围 "
        "(采购部门、公司领导、采购、采购经理、店长、老板)")


@needs_ledger_contacts
def test_kq_expense_prints_the_checks_in_english_with_lang_en(make_repo, kq):
    root = make_repo({"hx": WITH_LOGISTICS})
    result = kq("--repo", root, "--today", "2026-11-03", "--lang", "en", "expense", "hx", "100",
                "--purpose", "水果", "--recipient", "付春", "--date", "2026-10-21")
    assert result.stdout.splitlines()[-1] == (
        f"  BROKEN      expense 100 on 2026-10-21 to 付春 (物流主管) outside 客情费使用范围 ({SCOPE})")
