"""A month as 李明 on examples/, acting on the list every working day: nothing owed slips away.

Each working day from 2026-11-24 to 2027-01-08 the rep does what `kq due` lists (visits the
customers it says to visit, calls whom it says to call, greets each occasion with a call
logged for it, closes steps, chases reports and intel, settles complaints, acknowledges risks
as `kq ack` does, takes over the departed 张强's orphans as `kq reassign` does, hands in the
monthly statement, which the clerk, the manager and finance then sign), in memory through the
same core that `kq due` uses. Afterwards every birthday, festival greeting and next step that
fell due in the month must have been listed, each greeting acted on once, and nothing may be
left overdue: every row kq due lists is one a command clears. Issue 23's six wrong cases are
checked on the month's records: greetings closed only by greetings, cadences that never
stretch, history with who did it, grades by the standard, 客情费使用范围, and 补假.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import yaml

from kqcli.core.classify import classify
from kqcli.core.dates import Day, WorkCalendar
from kqcli.core.due import CustomerRules, morning_list
from kqcli.core.expenses import recipient_check, statement_deadline
from kqcli.core.expenses import statement as expense_statement
from kqcli.core.facts import IN_PERSON, extract
from kqcli.core.reassign import check_rep
from kqcli.core.scoring import scorecards
from kqcli.core.summary import summarize
from kqcli.schema.config import Settings
from kqcli.schema.customer import Ack, Interaction, Month, OwnerChange
from kqcli.schema.reasons import OCCASIONS
from kqcli.schema.statement import StatementMonth
from kqcli.store.handover import handover_edit
from kqcli.store.validate import validate, validate_customer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REP = "李明"
GONE = "张强"  # left on 2026-10-31: his customers are orphans until reassigned
START, END = dt.date(2026, 11, 24), dt.date(2027, 1, 8)  # into 2027, whose days off are estimated
NOT_OWED: set[str] = set()  # every row is work a command closes (a risk: kq ack; an orphan:
# kq reassign or kq claim)
PAPERWORK = {"expense_statement", "expense_check"}  # the rep's own statement, not a customer's


def _load() -> tuple[Settings, dict]:
    settings, problems = validate((EXAMPLES / "kq.yaml").read_bytes(), "kq.yaml", Settings)
    assert not problems
    customers = {}
    for path in sorted((EXAMPLES / "customers").glob("*.yaml")):
        model, problems = validate_customer(path.read_bytes(), path.name)
        assert not problems, problems
        if model.owner in (REP, GONE):  # 张强's orphans come to 李明 when listed
            customers[path.stem] = model
    return settings, customers


def _statements() -> dict:
    """statements/ of examples/ as kq reads it (core.statements' plain data)."""
    found = {}
    for path in sorted((EXAMPLES / "statements").glob("*.yaml")):
        model, problems = validate(path.read_bytes(), path.name, StatementMonth)
        assert not problems, problems
        found[path.stem] = {rep: e.model_dump(mode="json", exclude_none=True)
                            for rep, e in model.root.items()}
    return found


def _mine(reminder) -> bool:
    """A row of the rep's: one of his customers', or his statement and its check."""
    return reminder.reason not in NOT_OWED and (
        reminder.customer is not None or reminder.name == REP)


def _paperwork(reminder, statements: dict, day: dt.date) -> None:
    """The rep hands the statement in; the clerk, the manager and finance sign it."""
    period = reminder.message.text("zh").split(" ")[0 if reminder.reason == "expense_statement" else 2]
    entry = statements.setdefault(period, {}).setdefault(REP, {})
    if reminder.reason == "expense_statement":
        entry["submitted"] = day.isoformat()
    elif entry.get("submitted"):  # kq statement sign refuses a statement not handed in
        for role, name in (("clerk", "周敏"), ("manager", "赵建华"), ("finance", "钱丽")):
            entry[role] = {"by": name, "date": day.isoformat()}


def _rows(customers: dict) -> list:
    return [(summarize(cid, m), extract(m)) for cid, m in customers.items()]


def _ack(cid: str, customer, settings: Settings, day: dt.date) -> None:
    """kq ack CUSTOMER risk: an ack of every risk listed today (their fingerprints seen)."""
    if any(a.on == day for a in customer.acks):
        return  # one ack a day covers all the customer's risks listed that day
    rules = CustomerRules(summarize(cid, customer), extract(customer), settings, day)
    rules.all()
    assert rules.risks  # kq ack refuses a customer with no risk listed
    customer.acks.append(Ack(reason="risk", on=day, seen=[mark for mark, _, _ in rules.risks]))


def _reassign(customer, settings: Settings, day: dt.date, to: str = REP) -> None:
    """kq reassign FROM CUSTOMER --to REP --apply: owner and owners: as its text edit writes them."""
    owners = {m.owner for m in (customer,) if m.owner}
    target = check_rep(to, settings, owners, day, "--to")
    before = customer.model_dump(mode="json", by_alias=True, exclude_none=True,
                                 include={"owner", "owners", "handover"})
    edited = yaml.safe_load(handover_edit(yaml.safe_dump(before, allow_unicode=True),
                                          target, customer.owner, day))
    customer.owner = edited["owner"]
    customer.owners = [OwnerChange.model_validate(e) for e in edited["owners"]]
    customer.handover = None


def _act(reminder, customer, day: dt.date, settings: Settings | None = None) -> None:
    """What a diligent rep (and, for an orphan, the manager) does about one listed reminder."""
    def log(kind: str, *occasions: str) -> None:
        customer.visits.append(Interaction(date=day, kind=kind, for_=list(occasions)))

    if reminder.reason in ("visit", "route", "coverage", "handover"):
        log("visit")
    elif reminder.reason == "next_action":
        log("visit")
        for v in customer.visits:
            if v.next and v.next.done_on is None and reminder.message.text("zh").startswith(v.next.action):
                v.next.done_on = day
                break
    elif reminder.reason == "deep_visit":
        log("deep_visit")
    elif reminder.reason == "alert":
        log("call")
    elif reminder.reason == "care_call":
        log("care_call")
    elif reminder.reason == "follow_up":
        log("call")
    elif reminder.misfortune:
        log("call")  # illness or bereavement: a call on or after the day (due.condolence_kinds)
    elif reminder.reason in OCCASIONS:
        log("call", reminder.reason)  # a greeting logged for the occasion closes it at once
    elif reminder.reason == "report_missing":
        for month in reminder.message.text("zh").split(" ")[0].split("、"):  # every month owed
            customer.months[month] = Month(reported=day, collections=1000, sell_out=900,
                                           inventory=500)
    elif reminder.reason == "intel_unconfirmed":
        for item in customer.intel:
            if item.claim in reminder.message.text("zh") and item.dismissed is None:
                item.sources.append(f"第二信源{day.isoformat()}")
    elif reminder.reason == "issue":
        number = int(reminder.message.text("zh").split("#", 1)[1].split(":", 1)[0])  # as kq show numbers it
        customer.issues[number - 1].closed = day
        customer.issues[number - 1].note = "已处理"
    elif reminder.reason == "risk":
        _ack(reminder.customer, customer, settings, day)
    elif reminder.reason == "orphan":
        _reassign(customer, settings, day)


def _simulate(acted: Counter | None = None, visits_when_due: bool = False):
    """The month acted on; ``acted`` counts the days each (customer, reason, due) was acted on
    (the rep's statement and its check under the customer None). ``visits_when_due``: the rep
    visits on the day a visit is due, not on the first day it is listed."""
    settings, customers = _load()
    statements = _statements()
    calendar = WorkCalendar.of(settings.due.extra_days_off, settings.due.extra_working_days)
    seen: set[tuple[str | None, str, dt.date]] = set()
    day = START
    while day <= END:
        if calendar.is_working_day(day)[0]:
            listed, _ = morning_list(_rows(customers), settings, day, statements=statements)
            for r in listed:
                if visits_when_due and r.reason == "visit" and r.due and r.due > day:
                    continue
                if (r.customer in customers or r.customer is None) and _mine(r):
                    seen.add((r.customer, r.reason, r.due))
                    if acted is not None:
                        acted[(r.customer, r.reason, r.due)] += 1
                    if r.reason in PAPERWORK:
                        _paperwork(r, statements, day)
                    else:
                        _act(r, customers[r.customer], day, settings)
        day += dt.timedelta(days=1)
    return settings, customers, seen, statements


def test_a_month_of_acting_on_the_list_leaves_nothing_owed():
    settings, customers, seen, statements = _simulate()
    # The weekend lunar birthday of 福寿堂's owner (十月二十 = Sat 2026-11-28) was listed.
    fushou = next(cid for cid, m in customers.items() if m.name.startswith("福寿堂"))
    assert (fushou, "birthday", dt.date(2026, 11, 28)) in seen
    # 冬至 reached the rep for every customer he should greet.
    greet = settings.due.greet
    greeted = {cid for cid, m in customers.items() if m.status and m.status.value != "terminated"
               and ((m.tier and m.tier.value in greet.tiers) or m.kind and m.kind.value in greet.kinds)}
    assert greeted
    assert {cid for cid, reason, due in seen
            if reason == "holiday" and due == dt.date(2026, 12, 22)} == greeted
    # The complaint, November's statement and its check were listed and acted on.
    bct = "bct-xichang"
    assert (bct, "issue", dt.date(2026, 11, 26)) in seen
    assert {(None, "expense_statement", dt.date(2026, 12, 3)),
            (None, "expense_check", dt.date(2026, 12, 10))} <= seen
    # At the end of the month nothing owed is overdue, statements and complaints included.
    listed, _ = morning_list(_rows(customers), settings, END, statements=statements)
    late = [(r.name, r.reason, r.due.isoformat()) for r in listed
            if (r.customer in customers or r.customer is None) and _mine(r) and r.due < END]
    assert late == []


def test_every_birthday_in_the_month_was_listed():
    from kqcli.core.dates import next_lunar, next_solar

    _, customers, seen, _ = _simulate()
    expected = set()
    for cid, m in customers.items():
        if m.status and m.status.value == "terminated":
            continue
        for c in m.contacts:
            days = []
            if c.birthday:
                days.append(next_solar(c.birthday.month, c.birthday.day, START))
            if c.lunar_birthday:
                days.append(next_lunar(c.lunar_birthday, START))
            expected |= {(cid, "birthday", d) for d in days if d <= END}
    assert expected  # the examples have birthdays in this month
    assert expected <= seen


def test_each_greeting_is_acted_on_once_its_row_goes_when_greeted():
    acted: Counter = Counter()
    _simulate(acted)
    greetings = {key: n for key, n in acted.items() if key[1] in OCCASIONS}
    assert greetings  # the month has birthdays, festivals and a wedding
    assert {key: n for key, n in greetings.items() if n > 1} == {}


def test_a_delivery_before_a_birthday_does_not_close_it():
    # Issue 23's wrong case: a delivery on 11-25 made 福寿堂's lunar birthday (Sat 11-28)
    # vanish, as if it had been greeted. On Monday 11-30 it is still owed.
    settings, customers = _load()
    fushou = next(cid for cid, m in customers.items() if m.name.startswith("福寿堂"))
    customers[fushou].visits.append(Interaction(date=dt.date(2026, 11, 25), kind="delivery"))
    monday = dt.date(2026, 11, 30)
    listed, _ = morning_list(_rows(customers), settings, monday)
    assert [(r.due, r.overdue_days(monday)) for r in listed
            if r.customer == fushou and r.reason == "birthday"] == [(dt.date(2026, 11, 28), 2)]


def test_a_key_terminals_visits_are_never_further_apart_than_its_cadence():
    # Issue 23's wrong case: a cadence [3, 5] whose day 5 fell on a weekend was due the Monday
    # after, a 7-day gap. In the simulated month every key terminal's consecutive in-person
    # visits are at most 5 days apart, weekends and 元旦 included, even for a rep who visits
    # only on the day a visit falls due (the one a stretched cadence let down).
    settings, customers, _, _ = _simulate(visits_when_due=True)
    longest = settings.cadence.key[1]
    key_terminals = {cid: m for cid, m in customers.items()
                     if m.tier and m.tier.value == "key" and m.kind and m.kind.value == "terminal"}
    assert key_terminals  # 红星(东风路) and 红星(人民路)
    gaps = {}
    for cid, m in key_terminals.items():
        days = sorted(v.date for v in m.visits
                      if v.kind.value in IN_PERSON and START <= v.date <= END)
        assert len(days) > 5
        gaps[cid] = max((b - a).days for a, b in zip(days, days[1:], strict=False))
    assert {cid: gap for cid, gap in gaps.items() if gap > longest} == {}


def test_months_before_a_handover_stay_with_the_rep_who_owned_them():
    # Issue 23's wrong case: 张强's orphans, reassigned to 李明 on 2026-11-24 as kq reassign
    # does, took his October with them. October stays 张强's in the scorecards and in the
    # expense statement; November (the change is inside it) and December are 李明's.
    settings, customers, _, _ = _simulate()
    moved = {cid for cid, m in customers.items()
             if [(c.previous, c.to, c.date) for c in m.owners] == [(GONE, REP, START)]}
    assert moved == {"dist-qjzy", "ka-xdyf", "ml-tongji", "zy-kangle"}
    rows = [(s, f) for s, f in _rows(customers) if s["id"] in moved]
    owners = {month: {card["owner"] for card in scorecards(rows, settings, month)}
              for month in ("2026-10", "2026-11", "2026-12")}
    assert owners == {"2026-10": {GONE}, "2026-11": {REP}, "2026-12": {REP}}
    spent = [(line["customer"], line["owner"]) for line in expense_statement(rows, settings, "2026-10")
             if line["customer"] == "ka-xdyf"]
    assert spent == [("ka-xdyf", GONE)]  # 催货答谢 of 2026-10-26


def test_a_customer_that_paid_and_reported_in_two_of_three_months_is_not_graded_c():
    # Issue 23's wrong case: grades were the Pareto class of collections, so a small customer
    # meeting the standard got C. At the end of the month, kq classify's grades follow the
    # standard (classify.qualified: paid in 2 of the last 3 months, reported on time in 2).
    settings, customers, _, _ = _simulate()
    window = ["2026-09", "2026-10", "2026-11"]  # December's figures are due 2027-01-10
    day = settings.due.report_day

    def on_time(month: str, figures: Month) -> bool:
        after = dt.date.fromisoformat(f"{month}-01") + dt.timedelta(days=31)
        return figures.reported is not None and figures.reported <= after.replace(day=day)

    standard = {cid for cid, m in customers.items() if m.status and m.status.value == "active"
                and sum((m.months.get(k) and m.months[k].collections or 0) > 0
                        for k in window) >= 2
                and sum(k in m.months and on_time(k, m.months[k]) for k in window) >= 2}
    suggested = {r["customer"]: r["suggested"]
                 for r in classify(_rows(customers), settings, END) if r["field"] == "grade"}
    assert {"wjh-cuihu", "ml-tongji"} <= standard  # graded C in the files, yet meeting it
    assert {cid: grade for cid, grade in suggested.items() if cid in standard and grade == "C"} == {}
    assert {cid for cid in standard
            if customers[cid].grade and customers[cid].grade.value == "C"} <= set(suggested)


def test_expenses_go_to_purchasing_and_leaders_not_to_a_shop_assistant():
    # Issue 23's wrong case (客情费使用范围): only contacts whose role was one of a few words
    # could receive expenses, so a 副总经理 over purchasing was outside the scope. The
    # manual's scope is the purchasing staff and their leaders, not a 店员.
    settings, customers, _, _ = _simulate()
    contacts = [c.model_dump(mode="json", exclude_none=True)
                for c in customers["bct-xichang"].contacts]
    contacts.append({"name": "何建国", "role": "副总经理", "function": "purchasing",
                     "level": "executive"})
    assert any(c["name"] == "杨帆" and c["role"] == "店员" for c in contacts)

    def spent_on(name: str) -> str | None:
        found = recipient_check({"date": "2026-12-15", "amount": 300, "purpose": "节日答谢",
                                 "recipient": name}, contacts, settings, "active")
        return found and found[0]

    assert (spent_on("何建国"), spent_on("杨帆")) == ("ok", "broken")


def test_the_estimated_2027_calendar_gives_new_years_day_off_and_moves_nothing_onto_a_day_off():
    # Issue 23's wrong case (补假): 2027 is past the official calendar, and without the
    # statutory rules (Article 6 included) its holidays were working days.
    settings, _, seen, _ = _simulate()
    calendar = WorkCalendar.of(settings.due.extra_days_off, settings.due.extra_working_days)
    assert calendar.day(dt.date(2027, 1, 1)) == Day(working=False, holiday=True, covered=False)
    # December's statement: the 3rd working day of January (Mon 4, Tue 5, Wed 6), estimated.
    assert statement_deadline(settings, "2026-12") == (dt.date(2027, 1, 6), False)
    assert (None, "expense_statement", dt.date(2027, 1, 6)) in seen
    visits = [(cid, reason, due) for cid, reason, due in seen if reason in ("route", "visit")]
    assert any(due.year == 2027 for _, _, due in visits)
    assert [v for v in visits if not calendar.is_working_day(v[2])[0]] == []
