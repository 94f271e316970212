"""Bad input found by the audit of issue 14: each reproducer is a located problem, never a
traceback, and every other customer is still served.

Items covered: a bad scalar inside a list (4), dates and numbers kq cannot compute with (5),
messages that name the field (12), contradictions in kq.yaml (13).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kqcli.core import dates
from kqcli.schema.config import FESTIVAL_KEYS, Settings
from kqcli.store.validate import validate, validate_customer

GOOD = "name: 华信大药房(人民路店)\ntier: key\nvisits:\n  - {date: 2026-11-01, kind: visit}\n"
TODAY = "2026-11-24"


def customer_problems(text: str) -> list[str]:
    customer, found = validate_customer(text.encode(), "c.yaml")
    assert customer is None, "expected the file to be refused"
    return [str(p) for p in found]


def settings_problems(text: str) -> list[str]:
    settings, found = validate(text.encode(), "kq.yaml", Settings)
    assert settings is None, "expected kq.yaml to be refused"
    return [str(p) for p in found]


@pytest.fixture
def repo_with_bad(make_repo) -> Callable[[str], Path]:
    """A repository holding a valid ``hx`` and the bad ``zz``."""
    return lambda bad: make_repo({"hx": GOOD, "zz": bad})


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- 4: one bad scalar inside a list ---------------------------------------------------------

BAD_LIST_ITEMS = [
    ("tags: [2026-02-30]",
     "2:8: tags[0]: 2026-02-30 is not a real date (day is out of range for month)"),
    ("cadence: [3, 1e999]", "2:14: cadence[1]: '1e999' is too large a number"),
    ("cadence: [3, .inf]", "2:14: cadence[1]: '.inf' is not a usable number"),
    ("tags: [!foo bar]", "2:8: tags[0]: unsupported YAML tag !foo; kq reads plain YAML only"),
    ("tags: [!!int abc]", "2:8: tags[0]: 'abc' is not a usable number"),
    ("contacts:\n  - name: 王芳\n    hobbies: [1986-02-30]",
     "4:15: contacts[王芳].hobbies[0]: 1986-02-30 is not a real date "
     "(day is out of range for month)"),
]


@pytest.mark.parametrize(("line", "problem"), BAD_LIST_ITEMS)
def test_bad_scalar_in_a_list_is_a_located_problem(line, problem):
    assert customer_problems(f"name: x\n{line}\n") == [f"c.yaml:{problem}"]


@pytest.mark.parametrize(("line", "problem"), BAD_LIST_ITEMS)
def test_check_reports_a_bad_scalar_in_a_list_for_that_file_only(repo_with_bad, kq, line,
                                                                  problem):
    result = kq("--repo", repo_with_bad(f"name: x\n{line}\n"), "--lang", "en", "check")
    no_traceback(result)
    assert (result.exit_code, result.stdout) == (1, f"customers/zz.yaml:{problem}\n")


@pytest.mark.parametrize(("line", "problem"), BAD_LIST_ITEMS)
def test_list_serves_the_others_beside_a_bad_scalar_in_a_list(repo_with_bad, kq, line, problem):
    result = kq("--repo", repo_with_bad(f"name: x\n{line}\n"), "--lang", "en", "list", "--format",
                "json")
    no_traceback(result)
    assert result.exit_code == 1
    assert [row["id"] for row in json.loads(result.stdout)] == ["hx"]
    assert result.stderr.splitlines()[0] == f"skipped customers/zz.yaml:{problem}"


@pytest.mark.parametrize(("line", "problem"), BAD_LIST_ITEMS)
def test_due_serves_the_others_beside_a_bad_scalar_in_a_list(repo_with_bad, kq, line, problem):
    result = kq("--repo", repo_with_bad(f"name: x\n{line}\n"), "--today", TODAY,
                "due", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1
    assert {row["customer"] for row in json.loads(result.stdout)} == {"hx"}


def test_show_of_another_customer_works_beside_a_bad_scalar_in_a_list(repo_with_bad, kq):
    result = kq("--repo", repo_with_bad("name: x\ntags: [2026-02-30]\n"), "show", "hx",
                "--format", "json")
    no_traceback(result)
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["name"] == "华信大药房(人民路店)"


def test_impossible_day_off_in_kq_yaml_is_located(make_repo, kq):
    root = make_repo({"hx": GOOD}, kq_yaml="due:\n  extra_days_off: [2026-02-30]\n")
    result = kq("--repo", root, "--lang", "en", "check")
    no_traceback(result)
    assert (result.exit_code, result.stdout) == (1, (
        "kq.yaml:2:20: due.extra_days_off[0]: 2026-02-30 is not a real date "
        "(day is out of range for month)\n"))


def test_impossible_day_off_in_kq_yaml_stops_list_with_one_message(make_repo, kq):
    root = make_repo({"hx": GOOD}, kq_yaml="due:\n  extra_days_off: [2026-02-30]\n")
    result = kq("--repo", root, "--lang", "en", "list")
    no_traceback(result)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[-1] == (
        "kq.yaml:2:20: due.extra_days_off[0]: 2026-02-30 is not a real date "
        "(day is out of range for month)")


# --- 5: dates and numbers kq can compute with ------------------------------------------------

OUT_OF_RANGE = [
    ("visits: [{date: 9999-12-31, kind: visit}]",
     "2:17: visits[0].date: 9999-12-31 is outside the dates kq works with "
     "(1900-01-01 to 2199-12-31)"),
    ("visits: [{date: 9999-12-31, kind: delivery}]",
     "2:17: visits[0].date: 9999-12-31 is outside the dates kq works with "
     "(1900-01-01 to 2199-12-31)"),
    ("visits: [{date: 9999-12-31, kind: care_call}]",
     "2:17: visits[0].date: 9999-12-31 is outside the dates kq works with "
     "(1900-01-01 to 2199-12-31)"),
    ("since: 0001-01-01",
     "2:8: since: 0001-01-01 is outside the dates kq works with (1900-01-01 to 2199-12-31)"),
    ("contacts: [{name: 王芳, birthday: '1899-12-31'}]",
     "2:33: contacts[王芳].birthday: 1899-12-31 is outside the dates kq works with "
     "(1900-01-01 to 2199-12-31)"),
    ("cadence: [1, 99999999999]", "2:14: cadence[1]: 99999999999 is above the maximum 3650"),
    ("expenses: [{date: 2026-11-01, amount: 100000000000000}]",
     "2:39: expenses[0].amount: 100000000000000 is above the maximum 1000000000000"),
    ("months: {9999-10: {collections: 1}}",
     "2:10: months.9999-10: '9999-10' is outside the months kq works with (1900-01 to 2199-12)"),
    ("business: {consumers: 10000000000000000}",
     "2:23: business.consumers: '10000000000000000' is too large a number"),
]


@pytest.mark.parametrize(("line", "problem"), OUT_OF_RANGE)
def test_date_or_number_kq_cannot_compute_with_is_a_located_problem(line, problem):
    assert customer_problems(f"name: x\n{line}\n") == [f"c.yaml:{problem}"]


@pytest.mark.parametrize(("line", "problem"), OUT_OF_RANGE)
def test_due_serves_the_others_beside_a_date_out_of_range(repo_with_bad, kq, line, problem):
    result = kq("--repo", repo_with_bad(f"name: x\n{line}\n"), "--today", TODAY, "--lang", "en",
                "due", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1
    assert {row["customer"] for row in json.loads(result.stdout)} == {"hx"}
    assert result.stderr.splitlines()[0] == f"skipped customers/zz.yaml:{problem}"


def test_route_serves_the_others_beside_a_date_out_of_range(repo_with_bad, kq):
    bad = "name: x\ntier: key\nvisits: [{date: 9999-12-31, kind: visit}]\n"
    result = kq("--repo", repo_with_bad(bad), "--today", TODAY, "route", "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1


def test_the_last_day_kq_works_with_is_accepted_and_due_runs(make_repo, kq):
    last = ("name: x\ntier: key\ncadence: [3650, 3650]\n"
            "visits:\n  - {date: 2199-12-31, kind: delivery}\n  - {date: 2199-12-31, kind: visit}\n"
            "  - {date: 2199-12-31, kind: care_call, next: {date: 2199-12-31, action: 再访}}\n")
    root = make_repo({"hx": GOOD, "zz": last})
    for today in ("1900-01-01", "2199-12-31"):
        result = kq("--repo", root, "--today", today, "due", "--format", "json")
        no_traceback(result)
        assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_today_outside_the_range_is_a_usage_error(make_repo, kq, day):
    result = kq("--repo", make_repo({"hx": GOOD}), "--today", day, "list")
    no_traceback(result)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"kq: --today: {day} is outside the dates kq works with "
                             "(1900-01-01 to 2199-12-31)\n")


def test_kq_today_outside_the_range_is_a_usage_error(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_TODAY", "9999-12-31")
    result = kq("--repo", make_repo({"hx": GOOD}), "list")
    assert (result.exit_code, result.stderr) == (2, (
        "kq: KQ_TODAY: 9999-12-31 is outside the dates kq works with "
        "(1900-01-01 to 2199-12-31)\n"))


@pytest.mark.parametrize("option", ["--date", "--next-date"])
def test_log_refuses_a_date_outside_the_range_and_writes_nothing(make_repo, kq, option):
    root = make_repo({"hx": GOOD})
    before = (root / "customers" / "hx.yaml").read_bytes()
    extra = ["--next-action", "送物料"] if option == "--next-date" else []
    result = kq("--repo", root, "--today", TODAY, "log", "hx", "--kind", "call",
                option, "9999-12-31", *extra)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr == (f"kq: {option}: 9999-12-31 is outside the dates kq works with "
                             "(1900-01-01 to 2199-12-31)\n")
    assert (root / "customers" / "hx.yaml").read_bytes() == before


@pytest.mark.parametrize("month", ["9999-01", "1899-12", "2200-01"])
def test_score_month_outside_the_range_is_a_usage_error(make_repo, kq, month):
    result = kq("--repo", make_repo({"hx": GOOD}), "--today", TODAY, "--lang", "en", "score",
                "--month", month)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr == (f"kq: --month: '{month}' is outside the months kq works with "
                             "(1900-01 to 2199-12)\n")


def test_score_month_in_another_shape_is_not_a_month(make_repo, kq):
    result = kq("--repo", make_repo({"hx": GOOD}), "--today", TODAY, "--lang", "en", "score",
                "--month", "2026-1")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --month: '2026-1' is not a month; write YYYY-MM\n")


# --- 12: messages name the field -------------------------------------------------------------


def test_unsupported_tag_on_a_list_names_the_field():
    assert customer_problems("name: x\ntags: !foo [a]\n") == [
        "c.yaml:2:7: tags: unsupported YAML tag !foo"]


def test_unsupported_tag_on_a_list_item_names_the_item():
    assert customer_problems("name: x\ntags: [a, !foo b]\n") == [
        "c.yaml:2:11: tags[1]: unsupported YAML tag !foo; kq reads plain YAML only"]


def test_alias_bomb_in_tags_names_the_field():
    anchors = "".join(f"  - &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                      for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    text = f"name: x\nnotes:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n{anchors}tags: *i\n"
    [problem] = customer_problems(text)
    assert problem.startswith("c.yaml:")
    assert ": notes: aliases expand beyond a safe size (an alias bomb?)" in problem


def test_alias_bomb_written_in_a_contact_names_the_top_level_field():
    text = ("name: x\ncontacts:\n  - name: 王芳\n    hobbies: &a [" + ", ".join(["x"] * 200)
            + "]\n    family: &b [" + ", ".join(["*a"] * 200) + "]\n")
    assert customer_problems(text) == [
        "c.yaml:3:3: contacts: aliases expand beyond a safe size (an alias bomb?); "
        "refusing to read this file"]


# --- 13: contradictions in kq.yaml -----------------------------------------------------------


def test_care_call_min_days_above_max_days_is_a_problem():
    assert settings_problems("care_calls:\n  min_days: 90\n  max_days: 40\n") == [
        "kq.yaml:2:3: care_calls: min_days 90 is above max_days 40: "
        "a care call comes min_days to max_days after the last one"]


def test_care_call_min_days_above_the_default_max_days_is_a_problem():
    assert settings_problems("care_calls: {min_days: 90}\n") == [
        "kq.yaml:1:13: care_calls: min_days 90 is above max_days 40: "
        "a care call comes min_days to max_days after the last one"]


def test_unknown_holiday_name_is_a_problem_that_lists_the_known_ones():
    assert settings_problems("due:\n  holidays: [spring_festival, christmas]\n") == [
        "kq.yaml:2:13: due.holidays: 'christmas': not a festival kq knows (use new_year, "
        "spring_festival, lantern, qingming, labour_day, dragon_boat, mid_autumn, "
        "national_day, double_ninth, winter_solstice)"]


def test_festival_keys_of_the_schema_are_the_festivals_of_the_calendar():
    assert FESTIVAL_KEYS == tuple(dates.FESTIVALS)


def test_a_day_both_off_and_working_is_a_problem():
    text = "due:\n  extra_days_off: [2026-10-10]\n  extra_working_days: [2026-10-10]\n"
    assert settings_problems(text) == [
        "kq.yaml:2:3: due: 2026-10-10: listed in both extra_days_off and extra_working_days"]


def test_abc_share_of_a_above_b_is_a_problem():
    assert settings_problems("classify:\n  abc: {A: 0.96, B: 0.95}\n") == [
        "kq.yaml:2:8: classify.abc: A 0.96 is above B 0.95: A takes the first cumulative "
        "share, B the next, e.g. {A: 0.8, B: 0.95}"]


def test_expense_check_before_the_statement_is_a_problem():
    assert settings_problems("expenses:\n  check_working_day: 2\n") == [
        "kq.yaml:2:3: expenses: the statement comes first, then the check, then the pay: "
        "statement_working_day <= check_working_day <= pay_working_day (now 3, 2, 9)"]


def test_working_day_zero_is_a_problem_not_an_endless_search():
    assert settings_problems("expenses:\n  statement_working_day: 0\n") == [
        "kq.yaml:2:26: expenses.statement_working_day: 0 is below the minimum 1"]


@pytest.mark.parametrize(("text", "problem"), [
    ("leads: {birthday: 99999999}", "1:19: leads.birthday: 99999999 is above the maximum 3650"),
    ("care_calls: {lead: 5000}", "1:20: care_calls.lead: 5000 is above the maximum 3650"),
    ("follow_up: {window: 5000}", "1:21: follow_up.window: 5000 is above the maximum 3650"),
    ("risk: {untouched_factor: 1000}", "1:26: risk.untouched_factor: 1000.0 is above the maximum 100"),
    ("classify: {abc_months: 99999}", "1:24: classify.abc_months: 99999 is above the maximum 1200"),
    ("cadence: {key: [1, 99999]}", "1:20: cadence.key[1]: 99999 is above the maximum 3650"),
])
def test_day_counts_in_kq_yaml_are_bounded(text, problem):
    assert settings_problems(text + "\n") == [f"kq.yaml:{problem}"]


def test_kq_check_reports_a_kq_yaml_contradiction(make_repo, kq):
    root = make_repo({"hx": GOOD}, kq_yaml="care_calls:\n  min_days: 90\n  max_days: 40\n")
    result = kq("--repo", root, "--lang", "en", "check")
    no_traceback(result)
    assert (result.exit_code, result.stdout) == (1, (
        "kq.yaml:2:3: care_calls: min_days 90 is above max_days 40: "
        "a care call comes min_days to max_days after the last one\n"))
