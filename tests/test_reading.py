"""Bad input: every file a user can write is read defensively (CONTRACT.md, "Bad input").

Each case is checked twice: straight through ``validate_customer`` (the library), and through
``kq check`` (stdout ``customers/c.yaml:line:col: field: message``, exit 1, never a traceback).
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from collections.abc import Callable

import pytest

from kqcli.store.validate import validate_customer


def problems(text: str | bytes) -> list[str]:
    """What ``validate_customer`` says about one file named ``c.yaml``."""
    raw = text if isinstance(text, bytes) else textwrap.dedent(text).lstrip("\n").encode()
    customer, found = validate_customer(raw, "c.yaml")
    assert customer is None, "expected the file to be refused"
    return [str(p) for p in found]


@pytest.fixture
def check_file(make_repo, kq) -> Callable[[str | bytes], list[str]]:
    """``kq check`` on a repository holding only ``customers/c.yaml``: its stdout lines."""

    def check(text: str | bytes) -> list[str]:
        root = make_repo({"c": text})
        result = kq("--repo", root, "--lang", "en", "check")  # the problems as written
        assert "Traceback" not in result.stdout + result.stderr
        assert result.exit_code == 1, result.stdout + result.stderr
        return result.stdout.splitlines()

    return check


# --- wrong values ----------------------------------------------------------------------------


def test_wrong_type_names_the_field_and_the_value(check_file):
    text = """
        name: 华信大药房
        contacts:
          - name: 王芳
            familiarity: lots
        """
    problem = "c.yaml:4:18: contacts[王芳].familiarity: expected a whole number, got 'lots'"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_unknown_key_suggests_the_closest_field(check_file):
    text = """
        name: 华信大药房
        grde: A
        """
    problem = "c.yaml:2:1: grde: unknown key 'grde'; did you mean 'grade'?"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_unknown_key_in_a_contact_is_located_in_that_contact(check_file):
    text = """
        name: 华信大药房
        contacts:
          - name: 王芳
            phnoe: "13800001111"
        """
    problem = "c.yaml:4:5: contacts[王芳].phnoe: unknown key 'phnoe'; did you mean 'phone'?"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_duplicate_key_is_reported_at_the_second_and_names_the_first(check_file):
    text = """
        name: 华信大药房
        region: 昆明/五华区
        owner: 李明
        region: 昆明/盘龙区
        """
    problem = ("c.yaml:4:1: region: duplicate key (first at line 2); "
               "YAML would silently keep only the last one")
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_impossible_date_is_reported_at_the_value(check_file):
    text = """
        name: 华信大药房
        since: 1986-13-45
        """
    problem = "c.yaml:2:8: since: 1986-13-45 is not a real date (month must be in 1..12)"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_impossible_date_in_a_contact_names_the_contact():
    text = """
        name: 华信大药房
        contacts:
          - name: 王芳
            birthday: 1986-13-45
        """
    assert problems(text) == [
        "c.yaml:4:15: contacts[王芳].birthday: 1986-13-45 is not a real date "
        "(month must be in 1..12)"]


def test_quoted_impossible_date_is_refused(check_file):
    text = """
        name: 华信大药房
        since: '2026-02-30'
        """
    problem = "c.yaml:2:8: since: '2026-02-30' is not a real date"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_bad_enum_value_lists_the_allowed_values(check_file):
    text = """
        name: 华信大药房
        kind: shop
        """
    problem = ("c.yaml:2:7: kind: 'shop' is not one of distributor | terminal | key_account "
               "(or 大客户, 终端, 经销商)")
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_grade_must_fit_the_status(check_file):
    text = """
        name: 华信大药房
        status: prospect
        grade: A
        """
    problem = "c.yaml:3:8: grade: 'A' is not a grade of a prospect customer (use near | later)"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_terminated_customer_has_no_grade():
    text = """
        name: 华信大药房
        status: terminated
        grade: B
        """
    assert problems(text) == ["c.yaml:3:8: grade: a terminated customer has no grade"]


def test_unquoted_phone_number_asks_for_quotes(check_file):
    text = """
        name: 华信大药房
        contacts:
          - name: 王芳
            phone: 13800001111
        """
    problem = ('c.yaml:4:12: contacts[王芳].phone: 13800001111 must be a string in quotes, '
               'e.g. "13800001111": unquoted, YAML reads it as a number and some readers drop '
               'a leading 0')
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_missing_name_is_required(check_file):
    text = """
        kind: terminal
        """
    problem = "c.yaml:1:1: name: 'name' is required"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_month_key_thirteen_is_not_a_month(check_file):
    text = """
        name: 华信大药房
        months: {2026-13: {collections: 120000}}
        """
    problem = "c.yaml:2:10: months.2026-13: '2026-13' is not a month; write YYYY-MM, e.g. 2026-10"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


# --- accepted on input -----------------------------------------------------------------------


def test_chinese_enum_aliases_are_listed_in_english(make_repo, kq):
    root = make_repo({"hx": """
        name: 华信大药房
        kind: 终端
        status: 现有客户
        grade: 重点
        tier: 次重点
        """})
    result = kq("--repo", root, "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert (row["kind"], row["status"], row["grade"], row["tier"]) == (
        "terminal", "active", "A", "secondary")


def test_chinese_aliases_inside_contacts_and_visits_show_in_english(make_repo, kq):
    root = make_repo({"hx": """
        name: 华信大药房
        contacts:
          - {name: 王芳, gender: 女, style: 领导型}
        visits:
          - {date: 2026-11-20, kind: 情感电话, done: [陈列, POP]}
        """})
    result = kq("--repo", root, "show", "hx", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [card] = json.loads(result.stdout)
    assert card["contacts"][0]["gender"] == "female"
    assert card["contacts"][0]["style"] == "leader"
    assert card["visits"][0]["kind"] == "care_call"
    assert card["visits"][0]["done"] == ["display", "pop"]


def test_unquoted_route_time_reads_as_a_clock_time_not_sexagesimal(make_repo, kq):
    text = "name: 华信大药房\nroute: {weekday: tue, time: 10:30}\n"
    customer, found = validate_customer(text.encode(), "c.yaml")
    assert found == []
    assert customer.route.time == "10:30"
    result = kq("--repo", make_repo({"hx": text}), "list", "--format", "json")
    assert json.loads(result.stdout)[0]["route"] == {"weekday": "tue", "time": "10:30"}


def test_phone_with_leading_zero_unquoted_stays_text():
    text = "name: 华信大药房\nlogistics: {phone: 08712345678}\n"
    customer, found = validate_customer(text.encode(), "c.yaml")
    assert found == []
    assert customer.logistics.phone == "08712345678"


# --- files that are not a customer mapping ---------------------------------------------------


def test_file_that_is_a_list_is_refused(check_file):
    text = """
        - name: 华信大药房
        """
    problem = "c.yaml:1:1: expected a mapping of 'key: value' lines starting with 'name:', not a list"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_file_that_is_a_bare_string_is_refused(check_file):
    text = "华信大药房\n"
    problem = ("c.yaml:1:1: expected a mapping of 'key: value' lines starting with 'name:', "
               "not just '华信大药房'")
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_empty_file_asks_for_a_name(check_file):
    problem = "c.yaml:1:1: empty file; a customer needs at least a 'name:' line"
    assert problems("") == [problem]
    assert check_file("") == [f"customers/{problem}"]


def test_gbk_encoded_file_asks_for_utf8_at_the_first_bad_byte(check_file):
    raw = "name: hx\nregion: 昆明\n".encode("gbk")
    problem = ("c.yaml:2:9: not UTF-8 text (byte 0xc0); it looks like GBK/GB18030: "
               "re-save it as UTF-8")
    assert problems(raw) == [problem]
    assert check_file(raw) == [f"customers/{problem}"]


def test_yaml_syntax_error_gives_its_line(check_file):
    text = """
        name: 华信大药房
        kind: terminal
          tier: key
        """
    problem = "c.yaml:3:7: YAML syntax: mapping values are not allowed in this context"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


# --- hostile YAML ----------------------------------------------------------------------------

BILLION_LAUGHS = """\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
name: 华信大药房
"""


def test_alias_bomb_is_refused_quickly():
    start = time.monotonic()
    [problem] = problems(BILLION_LAUGHS)
    assert time.monotonic() - start < 2
    assert problem.startswith("c.yaml:")
    assert "aliases expand beyond a safe size (an alias bomb?)" in problem


def test_alias_bomb_names_the_top_level_field_that_expands_it():
    assert problems(BILLION_LAUGHS) == [
        "c.yaml:5:4: e: aliases expand beyond a safe size (an alias bomb?); "
        "refusing to read this file"]


def test_alias_bomb_through_kq_check_is_one_problem_line(check_file):
    start = time.monotonic()
    [line] = check_file(BILLION_LAUGHS)
    assert time.monotonic() - start < 5
    assert line.startswith("customers/c.yaml:5:4: e: aliases expand")


def test_recursive_alias_is_refused(check_file):
    text = """
        name: 华信大药房
        tags: &t [连锁, *t]
        """
    problem = "c.yaml:2:7: tags[1]: an alias refers to a node that contains it (recursive)"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_unsupported_tag_on_a_list_names_the_field(check_file):
    text = """
        name: 华信大药房
        tags: !foo [连锁]
        """
    problem = "c.yaml:2:7: tags: unsupported YAML tag !foo"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_merge_of_a_scalar_names_the_merge_key_of_the_contact():
    text = """
        name: 华信大药房
        contacts:
          - name: 王芳
            <<: 3
        """
    assert problems(text) == ["c.yaml:4:9: contacts[王芳].<<: '<<' merges only mappings"]


def test_merged_value_is_located_where_the_anchor_writes_it():
    text = """
        name: 华信大药房
        base: &b {familiarity: lots}
        contacts:
          - {name: 王芳, <<: *b}
        """
    assert problems(text)[1] == (
        "c.yaml:2:24: contacts[王芳].familiarity: expected a whole number, got 'lots'")


def test_key_that_is_a_list_names_the_mapping_it_is_in():
    text = """
        name: 华信大药房
        business: {? [a] : b}
        """
    assert problems(text) == [
        "c.yaml:2:14: business: a key must be plain text, not a list or mapping"]


def test_malformed_hex_key_is_a_problem_not_a_crash():
    assert problems("name: 华信大药房\nmonths: {0x_: {}}\n") == [
        "c.yaml:2:10: months: '0x_' is not a usable number"]


def test_python_object_tag_is_refused(check_file):
    text = """
        name: !!python/object:os.system 华信大药房
        """
    problem = ("c.yaml:1:7: name: unsupported YAML tag tag:yaml.org,2002:python/object:os.system; "
               "kq reads plain YAML only")
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_python_apply_tag_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = """
        name: 华信大药房
        notes: !!python/object/apply:os.system ["touch pwned"]
        """
    [problem] = problems(text)
    assert problem.startswith("c.yaml:2:8: ")
    assert "unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system" in problem
    assert not (tmp_path / "pwned").exists()


def test_custom_tag_is_refused(check_file):
    text = """
        name: 华信大药房
        owner: !foo 李明
        """
    problem = "c.yaml:2:8: owner: unsupported YAML tag !foo; kq reads plain YAML only"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


# --- numbers and shapes that once crashed the reader -----------------------------------------


def test_a_lone_dot_is_text():
    text = "name: 华信大药房\naddress: .\n"
    customer, found = validate_customer(text.encode(), "c.yaml")
    assert found == []
    assert customer.address == "."


def test_kq_check_accepts_a_lone_dot(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\naddress: .\n"})
    result = kq("--repo", root, "check")
    assert "Traceback" not in result.stdout + result.stderr
    assert (result.exit_code, result.stdout) == (0, "")


def test_hex_prefix_without_digits_is_not_a_usable_number(check_file):
    text = "name: 华信大药房\nbusiness: {annual_revenue: 0x_}\n"
    problem = "c.yaml:2:28: business.annual_revenue: '0x_' is not a usable number"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_number_of_five_thousand_digits_is_not_a_usable_number(check_file):
    text = "name: 华信大药房\nbusiness: {annual_revenue: " + "9" * 5000 + "}\n"
    problem = f"c.yaml:2:28: business.annual_revenue: '{'9' * 40}' is not a usable number"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_number_that_overflows_to_infinity_is_too_large(check_file):
    text = "name: 华信大药房\nbusiness: {annual_revenue: 1e400}\n"
    problem = "c.yaml:2:28: business.annual_revenue: '1e400' is too large a number"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_infinity_is_not_a_usable_number():
    text = "name: 华信大药房\nbusiness: {annual_revenue: .inf}\n"
    assert problems(text) == ["c.yaml:2:28: business.annual_revenue: '.inf' is not a usable number"]


def test_deeply_nested_lists_are_refused(check_file):
    text = "name: 华信大药房\ntags: " + "[" * 1000 + "]" * 1000 + "\n"
    [problem] = problems(text)
    assert problem.startswith("c.yaml:")
    assert "nest" in problem  # "nested too deeply" / libyaml's "exceeded maximum nesting depth"
    [line] = check_file(text)
    assert line.startswith("customers/c.yaml:")


def test_deeply_nested_lists_are_refused_in_well_under_a_second():
    text = "name: 华信大药房\ntags: " + "[" * 2000 + "]" * 2000 + "\n"
    start = time.monotonic()
    problems(text)
    assert time.monotonic() - start < 1


# --- a repository with bad files -------------------------------------------------------------


def test_list_serves_the_valid_customers_and_names_the_skipped_file(make_repo, kq):
    root = make_repo({
        "hx-renmin": "name: 华信大药房(人民路店)\ntier: key\n",
        "zeng": "name: 曾氏药店\ngrde: A\n",
    })
    result = kq("--repo", root, "--lang", "en", "list", "--format", "json")
    assert result.exit_code == 1
    assert [row["id"] for row in json.loads(result.stdout)] == ["hx-renmin"]
    assert result.stderr.splitlines() == [
        "skipped customers/zeng.yaml:2:1: grde: unknown key 'grde'; did you mean 'grade'?",
        "kq: 1 invalid file skipped; run 'kq check'",
    ]


def test_check_reports_every_bad_file_and_passes_the_good_ones(make_repo, kq):
    root = make_repo({
        "a": "name: 甲\nkind: shop\n",
        "b": "name: 乙\n",
        "c": "name: 丙\ngrde: A\n",
    })
    result = kq("--lang", "en", "--repo", root, "check")
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "customers/a.yaml", "customers/c.yaml"]
    assert result.stderr == "3 customer files checked: 2 problems in 2 files\n"


def test_check_of_a_valid_repository_exits_0(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\nkind: 终端\n"})
    result = kq("--lang", "en", "--repo", root, "check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "1 customer file checked: all valid\n"


INVALID_KQ_YAML = """\
cadence:
  key: [5, 3]
leads: {birthdy: 3}
"""


KQ_YAML_REFUSED = """\
kq: kq.yaml is not valid; fix it first:
kq.yaml:2:8: cadence.key: [5, 3]: write [shows-from, due] days, 0 < first <= second
kq.yaml:3:9: leads.birthdy: unknown key 'birthdy'; did you mean 'birthday'?
"""


def test_check_reports_an_invalid_kq_yaml(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"}, kq_yaml=INVALID_KQ_YAML)
    result = kq("--lang", "en", "--repo", root, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "kq.yaml:2:8: cadence.key: [5, 3]: write [shows-from, due] days, 0 < first <= second",
        "kq.yaml:3:9: leads.birthdy: unknown key 'birthdy'; did you mean 'birthday'?",
    ]


def test_check_reports_a_kq_yaml_that_is_not_utf8(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    (root / "kq.yaml").write_bytes("reps:\n  - {name: 李明}\n".encode("gbk"))
    result = kq("--repo", root, "--lang", "en", "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "kq.yaml:2:12: not UTF-8 text (byte 0xc0); it looks like GBK/GB18030: re-save it as UTF-8"]


def test_list_refuses_an_invalid_kq_yaml(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"}, kq_yaml=INVALID_KQ_YAML)
    result = kq("--lang", "en", "--repo", root, "list", "--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == KQ_YAML_REFUSED


def test_show_refuses_an_invalid_kq_yaml(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"}, kq_yaml=INVALID_KQ_YAML)
    result = kq("--lang", "en", "--repo", root, "show", "hx")
    assert "Traceback" not in result.stdout + result.stderr
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == KQ_YAML_REFUSED


def test_fixing_kq_yaml_lets_commands_run_again(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"}, kq_yaml=INVALID_KQ_YAML)
    assert kq("--repo", root, "list").exit_code == 1
    (root / "kq.yaml").write_text("cadence:\n  key: [3, 5]\n", encoding="utf-8")
    result = kq("--repo", root, "list", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")


def test_breaking_kq_yaml_after_a_good_run_is_noticed(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"}, kq_yaml="cadence:\n  key: [3, 5]\n")
    assert kq("--lang", "en", "--repo", root, "list").exit_code == 0
    (root / "kq.yaml").write_text("cadence:\n  key: [5, 3, 1]\n", encoding="utf-8")
    result = kq("--lang", "en", "--repo", root, "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("kq: kq.yaml is not valid; fix it first:\nkq.yaml:2:8: ")


def test_same_size_edit_of_kq_yaml_with_an_unchanged_mtime_is_noticed(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"}, kq_yaml="cadence:\n  key: [3, 5]\n")
    settings = root / "kq.yaml"
    stamp = settings.stat().st_mtime_ns
    assert kq("--repo", root, "list").exit_code == 0
    settings.write_text("cadence:\n  key: [5, 3]\n", encoding="utf-8")  # same size
    os.utime(settings, ns=(stamp, stamp))  # a coarse clock: same tick as before
    assert kq("--repo", root, "list").exit_code == 1


def test_show_of_an_invalid_file_says_to_run_check(make_repo, kq):
    root = make_repo({"zeng": "name: 曾氏药店\ngrde: A\n"})
    result = kq("--lang", "en", "--repo", root, "show", "zeng")
    assert result.exit_code == 1
    assert result.stderr == "kq: 'zeng' is zeng, whose file is invalid; run 'kq check'\n"


def test_reading_a_customer_never_needs_a_traceback_for_a_directory(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    (root / "customers" / "odd.yaml").mkdir()
    result = kq("--repo", root, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("customers/odd.yaml:1:1: cannot read: ")


# --- control characters ----------------------------------------------------------------------


def test_raw_control_character_is_located_in_one_line(check_file):
    raw = "name: 华信\nkind: \x07terminal\n".encode()
    problem = "c.yaml:2:7: control character U+0007 is not allowed in YAML; delete it"
    assert problems(raw) == [problem]
    assert check_file(raw) == [f"customers/{problem}"]


def test_escaped_terminal_escape_in_a_name_is_refused():
    assert problems('name: "\\e[2J华信"\n') == [
        "c.yaml:1:7: name: control character U+001B in text (an escape in double quotes); "
        "delete it"]


def test_escaped_tab_and_newlines_stay_text():
    customer, found = validate_customer(b'name: x\nnotes: "a\\tb\\r\\nc"\n', "c.yaml")
    assert (found, customer.notes) == ([], "a\tb\r\nc")


def test_a_cadence_of_one_number_says_the_second_is_missing_at_the_list(check_file):
    text = """
        name: 华信大药房
        cadence: [3]
        """
    problem = "c.yaml:2:10: cadence: [3]: item 2 is missing"
    assert problems(text) == [problem]
    assert check_file(text) == [f"customers/{problem}"]


def test_an_empty_cadence_says_its_first_item_is_missing():
    text = """
        name: 华信大药房
        cadence: []
        """
    assert problems(text) == ["c.yaml:2:10: cadence: []: item 1 is missing"]
