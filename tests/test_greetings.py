"""Greetings (issue 23): a birthday, anniversary, opening, festival, wedding or birth is closed by
a greeting, not by any contact; an illness or bereavement by a call or visit on or after it.
`kq log --for`, `kq log --for holiday --due`, and what `kq due --explain` says about each."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from helpers import daily_row as customer
from helpers import due, git, needs_git, settings

from kqcli.core.due import customer_reminders
from kqcli.schema.config import Settings
from kqcli.store.validate import validate, validate_customer

KEY_TERMINAL = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: key
    owner: 李明
    months: {2026-10: {reported: 2026-11-05}}
""").lstrip()

# 农历十月二十 = Sat 2026-11-28; shown from 11-21 (leads.birthday 7), overdue until 12-05.
FUSHOU = KEY_TERMINAL + 'contacts:\n  - {name: 赵德明, role: 老板, lunar_birthday: "10-20"}\n'
BIRTHDAY = ("2026-11-28", "赵德明(老板) 农历生日 十月二十 (2026-11-28)")
ILL = KEY_TERMINAL + ("contacts:\n  - name: 王芳\n    events: [{date: 2026-11-23, kind: illness, "
                      "note: 住院}]\n")


def visits(*lines: str) -> str:
    return "visits:\n" + "".join(f"  - {line}\n" for line in lines)


def late(text: str, reason: str, today: dt.date, kq_yaml: str = "") -> list[tuple[str, int]]:
    return [(d, n) for d, n, _ in due(text, reason, today=today, kq_yaml=kq_yaml)]


# -- what closes a greeting ---------------------------------------------------------------------

def test_a_delivery_before_a_birthday_does_not_close_it():
    text = FUSHOU + visits("{date: 2026-11-25, kind: delivery}")
    assert due(text, "birthday", today=dt.date(2026, 11, 30)) == [(BIRTHDAY[0], 2, BIRTHDAY[1])]


def test_a_delivery_on_the_birthday_does_not_close_it():
    text = FUSHOU + visits("{date: 2026-11-28, kind: delivery}")
    assert late(text, "birthday", dt.date(2026, 11, 30)) == [("2026-11-28", 2)]


def test_a_call_on_the_birthday_closes_it_that_day():
    text = FUSHOU + visits("{date: 2026-11-28, kind: call}")
    assert due(text, "birthday", today=dt.date(2026, 11, 28)) == []


def test_a_kind_left_out_of_greeting_kinds_does_not_greet():
    text = FUSHOU + visits("{date: 2026-11-28, kind: wechat}")
    assert late(text, "birthday", dt.date(2026, 11, 30),
                "due: {greeting_kinds: [call, visit]}") == [("2026-11-28", 2)]


def test_an_interaction_logged_for_another_occasion_does_not_greet_a_birthday():
    text = FUSHOU + visits("{date: 2026-11-29, kind: call, for: [holiday]}")
    assert late(text, "birthday", dt.date(2026, 11, 30)) == [("2026-11-28", 2)]


def test_a_gift_logged_for_the_anniversary_closes_it_ahead():
    text = KEY_TERMINAL + "anniversary: 2015-12-10\n" + visits(
        "{date: 2026-12-01, kind: gift, for: [anniversary]}")
    assert due(text, "anniversary", today=dt.date(2026, 12, 1)) == []


def test_a_wedding_greeted_ahead_for_it_goes_at_once():
    text = KEY_TERMINAL + ("contacts:\n  - name: 王芳\n    events: [{date: 2026-12-06, kind: "
                           "wedding}]\n") + visits("{date: 2026-11-24, kind: call, for: [event]}")
    assert due(text, "event", today=dt.date(2026, 11, 24)) == []


def test_the_greeting_on_winter_solstice_does_not_also_greet_new_year():
    # 元旦 shows from 12-22 (leads.holiday 10): the 冬至 greeting falls in its lead time.
    text = KEY_TERMINAL + visits("{date: 2026-12-22, kind: call, for: [holiday]}")
    assert late(text, "holiday", dt.date(2027, 1, 2)) == [("2027-01-01", 1)]


def test_a_festival_greeted_ahead_stays_greeted_when_the_next_one_is_greeted():
    text = KEY_TERMINAL + visits("{date: 2026-12-14, kind: call, for: [holiday]}",
                                 "{date: 2026-12-22, kind: wechat, for: [holiday]}")
    assert late(text, "holiday", dt.date(2026, 12, 23)) == []


def test_illness_is_not_answered_by_a_delivery_or_a_wechat():
    text = ILL + visits("{date: 2026-11-24, kind: delivery}", "{date: 2026-11-24, kind: wechat}")
    assert due(text, "event", today=dt.date(2026, 11, 25)) == [
        ("2026-11-23", 2, "王芳 生病: 住院, 立即致电, 不谈生意")]


def test_condolence_kinds_choose_what_answers_an_illness():
    text = ILL + visits("{date: 2026-11-24, kind: call}")
    assert late(text, "event", dt.date(2026, 11, 25)) == []
    assert late(text, "event", dt.date(2026, 11, 25),
                "due: {condolence_kinds: [visit]}") == [("2026-11-23", 2)]


# -- kq.yaml and the customer file ---------------------------------------------------------------

def test_greeting_kinds_are_interaction_kinds():
    _, problems = validate(b"due: {greeting_kinds: [call, gfit]}\n", "kq.yaml", Settings)
    assert [p.message for p in problems] == [
        "'gfit': not an interaction kind (use visit, call, care_call, wechat, delivery, "
        "training, event, deep_visit, gift)"]


def test_greeting_and_condolence_kinds_have_the_manuals_defaults():
    due_settings = settings().due
    assert due_settings.greeting_kinds == ["call", "visit", "deep_visit", "gift", "wechat"]
    assert due_settings.condolence_kinds == ["call", "visit", "deep_visit"]


def test_for_names_reasons_of_kq_due():
    text = "name: 华信\nvisits:\n  - {date: 2026-11-25, kind: call, for: [birthdy]}\n"
    _, problems = validate_customer(text.encode(), "hx.yaml")
    assert len(problems) == 1
    assert problems[0].message.startswith(
        "'birthdy' is not a reason of kq due (did you mean birthday? occasions: birthday, "
        "anniversary, opening, holiday, event; or visit, route,")


def test_for_reads_chinese_labels_and_a_single_reason():
    text = "name: 华信\nvisits:\n  - {date: 2026-11-25, kind: 电话, for: 生日}\n"
    model, problems = validate_customer(text.encode(), "hx.yaml")
    assert problems == []
    assert model.visits[0].for_ == ["birthday"]


# -- kq log --for -------------------------------------------------------------------------------

WANG_FANG = KEY_TERMINAL + "contacts:\n  - {name: 王芳, role: 店长}\n"


def test_log_for_writes_the_occasions_after_the_contact(make_repo, kq):
    root = make_repo({"hx": WANG_FANG})
    result = kq("--repo", root, "--today", "2026-11-24", "log", "hx", "--kind", "call",
                "--contact", "王芳", "--for", "birthday", "--for", "节日")
    assert result.exit_code == 0, result.stderr
    assert (root / "customers" / "hx.yaml").read_text(encoding="utf-8").endswith(
        "visits:\n  - date: 2026-11-24\n    kind: call\n    contact: 王芳\n"
        "    for: [birthday, holiday]\n")


def test_log_for_an_unknown_reason_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": WANG_FANG})
    result = kq("--lang", "en", "--repo", root, "--today", "2026-11-24", "log", "hx", "--kind", "call",
                "--for", "birthdy")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: --for: 'birthdy' is not a reason of kq due (did you "
                                    "mean birthday?")


def test_log_says_a_delivery_for_a_birthday_greets_nothing(make_repo, kq):
    root = make_repo({"hx": WANG_FANG})
    result = kq("--lang", "en", "--repo", root, "--today", "2026-11-24", "log", "hx", "--kind", "delivery",
                "--for", "birthday")
    assert result.exit_code == 0
    assert ("kq: a delivery does not greet birthday: only call, visit, deep_visit, gift, wechat "
            "do (due.greeting_kinds)") in result.stderr


def _holiday_rows(kq, root, today: str, owner: str = "李明") -> list[tuple[str, str]]:
    result = kq("--repo", root, "--today", today, "due", "--reason", "holiday", "--owner", owner,
                "--format", "json")
    return sorted((r["customer"], r["due"]) for r in json.loads(result.stdout))


def test_a_logged_greeting_takes_the_festival_row_off_kq_due_at_once(make_repo, kq):
    root = make_repo({"hx": KEY_TERMINAL}, kq_yaml="reps: [{name: 李明}]")
    assert _holiday_rows(kq, root, "2026-12-22") == [("hx", "2026-12-22"), ("hx", "2027-01-01")]
    kq("--repo", root, "--today", "2026-12-22", "log", "hx", "--kind", "call")
    assert _holiday_rows(kq, root, "2026-12-22") == [("hx", "2027-01-01")]


# -- kq log --for holiday --due -----------------------------------------------------------------

TEAM = "reps: [{name: 李明}, {name: 王强}]\n"
WANG = KEY_TERMINAL.replace("owner: 李明", "owner: 王强")


@needs_git
def test_log_due_greets_every_customer_whose_festival_is_due_today_in_one_commit(git_repo, kq):
    root = git_repo({"a": KEY_TERMINAL, "b": KEY_TERMINAL.replace("华信", "福寿堂"), "c": WANG},
                    kq_yaml=TEAM)
    result = kq("--repo", root, "--today", "2026-12-22", "log", "--for", "holiday", "--due",
                "--owner", "李明")
    assert result.exit_code == 0, result.stderr
    assert git(root, "log", "--format=%s").splitlines() == [
        "log: call 2026-12-22 for holiday to 2 customers of 李明", "start"]
    for cid in ("a", "b"):
        assert (root / "customers" / f"{cid}.yaml").read_text(encoding="utf-8").endswith(
            "visits:\n  - date: 2026-12-22\n    kind: call\n    for: [holiday]\n")
    assert _holiday_rows(kq, root, "2026-12-22") == [("a", "2027-01-01"), ("b", "2027-01-01")]
    assert _holiday_rows(kq, root, "2026-12-22", "王强") == [("c", "2026-12-22"),
                                                              ("c", "2027-01-01")]


def test_log_due_leaves_a_festival_that_is_only_coming_up(make_repo, kq):
    greeted = KEY_TERMINAL + visits("{date: 2026-12-14, kind: call, for: [holiday]}")
    root = make_repo({"a": greeted}, kq_yaml=TEAM)
    result = kq("--lang", "en", "--repo", root, "--today", "2026-12-22", "log", "--for", "holiday", "--due",
                "--owner", "李明")
    assert result.exit_code == 0
    assert "kq: no holiday row is due today for 李明; nothing logged" in result.stderr
    assert (root / "customers" / "a.yaml").read_text(encoding="utf-8") == greeted


def test_log_due_sends_the_first_call_or_wechat_of_greeting_kinds(make_repo, kq):
    root = make_repo({"a": KEY_TERMINAL},
                     kq_yaml=TEAM + "due: {greeting_kinds: [visit, wechat, call]}\n")
    kq("--repo", root, "--today", "2026-12-22", "log", "--for", "holiday", "--due",
       "--owner", "李明", "--note", "冬至快乐")
    assert (root / "customers" / "a.yaml").read_text(encoding="utf-8").endswith(
        "  - date: 2026-12-22\n    kind: wechat\n    for: [holiday]\n    note: 冬至快乐\n")


def test_log_due_needs_an_owner(make_repo, kq):
    root = make_repo({"a": KEY_TERMINAL}, kq_yaml=TEAM)
    result = kq("--lang", "en", "--repo", root, "--today", "2026-12-22", "log", "--for", "holiday", "--due")
    assert result.exit_code == 2
    assert result.stderr == "kq: --due: whose customers? add --owner REP\n"


def test_log_due_refuses_a_kind_that_does_not_greet(make_repo, kq):
    root = make_repo({"a": KEY_TERMINAL}, kq_yaml=TEAM)
    result = kq("--lang", "en", "--repo", root, "--today", "2026-12-22", "log", "--for", "holiday", "--due",
                "--owner", "李明", "--kind", "送货")
    assert result.exit_code == 2
    assert result.stderr == ("kq: --kind: a delivery does not greet (call, visit, deep_visit, "
                             "gift, wechat do: due.greeting_kinds)\n")


# -- kq due --explain ---------------------------------------------------------------------------

def _explained(kq, root, today: str, *env: str) -> str:
    return kq("--repo", root, "--today", today, *env, "due", "--explain", "hx").stdout


def test_explain_says_a_delivery_is_not_a_greeting(make_repo, kq):
    root = make_repo({"hx": FUSHOU + visits("{date: 2026-11-25, kind: delivery}")})
    out = _explained(kq, root, "2026-11-30")
    assert ("    · 11-25 送货 不算问候 (due.greeting_kinds: call、visit、deep_visit、gift、wechat)\n"
            in out)


def test_explain_says_it_in_english_for_lang_en(make_repo, kq):
    root = make_repo({"hx": FUSHOU + visits("{date: 2026-11-25, kind: delivery}")})
    out = _explained(kq, root, "2026-11-30", "--lang", "en")
    assert ("    · 11-25 delivery is not a greeting (due.greeting_kinds: call, visit, deep_visit, "
            "gift, wechat)\n" in out)


def test_explain_says_a_visit_before_the_day_was_not_logged_for_it(make_repo, kq):
    root = make_repo({"hx": FUSHOU + visits("{date: 2026-11-21, kind: visit}")})
    out = _explained(kq, root, "2026-11-30")
    assert "    · 11-21 拜访 在 11-28 之前, 没有注明 --for birthday\n" in out


def test_explain_names_the_call_that_greeted_a_birthday(make_repo, kq):
    root = make_repo({"hx": FUSHOU + visits("{date: 2026-11-28, kind: call}")})
    lines = _explained(kq, root, "2026-11-30").splitlines()
    at = lines.index(f"生日 2026-11-28 到期 (已问候): {BIRTHDAY[1]}")
    assert lines[at + 1] == "    · 已由 11-28 电话 问候"


def test_explain_json_carries_each_rows_notes_and_whether_it_was_greeted(make_repo, kq):
    root = make_repo({"hx": FUSHOU + visits("{date: 2026-11-28, kind: call}")})
    rows = json.loads(kq("--repo", root, "--today", "2026-11-30", "due", "--explain", "hx",
                         "--format", "json").stdout)
    greeted = [r for r in rows if r["closed"]]
    assert greeted == [{"reason": "birthday", "due": "2026-11-28", "urgency": None, "terms": [],
                        "notes": ["greeted by the call of 11-28"], "closed": True}]
    assert all(set(r) == {"reason", "due", "urgency", "terms", "notes", "closed"} for r in rows)


def test_explain_says_the_winter_solstice_greeting_is_not_new_years():
    text = KEY_TERMINAL + visits("{date: 2026-12-22, kind: call, for: [holiday]}")
    found = customer_reminders([customer(text)], settings(), dt.date(2026, 12, 23), within=10,
                               explain=True)
    new_year = [r for r in found if r.reason == "holiday"]
    assert [(r.due, [n.text("zh") for n in r.notes]) for r in new_year] == [
        (dt.date(2027, 1, 1), ["12-22 电话 已算作 12-22 的问候"])]


def test_explain_says_a_wechat_does_not_answer_an_illness():
    text = ILL + visits("{date: 2026-11-24, kind: wechat}")
    found = customer_reminders([customer(text)], settings(), dt.date(2026, 11, 25), explain=True)
    assert [[n.text("zh") for n in r.notes] for r in found if r.reason == "event"] == [
        ["11-24 微信 不算慰问 (due.condolence_kinds: call、visit、deep_visit)"]]
