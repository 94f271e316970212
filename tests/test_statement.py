"""The monthly expense statement and its check have a done state (issue 23): kq statement
submit and sign write statements/YYYY-MM.yaml, and kq due lists a statement until it is
handed in and its check until all three have signed, overdue after their working days."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from helpers import git, needs_git, probe_kq, settings

from kqcli.core import statements as st
from kqcli.core.due import morning_list, work_calendar

TEAM = "reps: [{name: 李明}]\n"
SIGNED = {"submitted": "2026-11-03", **{role: {"by": "周敏", "date": "2026-11-05"}
                                        for role in st.ROLES}}
OCTOBER = {"2026-10": {"李明": SIGNED}}


def rows(today: str, statements: dict | None, kq_yaml: str = TEAM) -> list[tuple]:
    """(reason, name, due, overdue days, message) of the rep-level rows listed on ``today``."""
    day = dt.date.fromisoformat(today)
    found, _ = morning_list([], settings(kq_yaml), day, found=[], owners=set(),
                            statements=statements)
    return [(r.reason, r.name, r.due.isoformat(), r.overdue_days(day), r.message.text("zh"))
            for r in found]


def with_november(**entry: object) -> dict:
    return {**OCTOBER, "2026-11": {"李明": entry}}


def signed_by(*roles: str, day: str = "2026-12-04") -> dict:
    return {role: {"by": "周敏", "date": day} for role in roles}


# -- the rules ---------------------------------------------------------------------------------


def test_an_unsubmitted_statement_is_overdue_after_the_third_working_day():
    assert rows("2026-12-07", OCTOBER)[0] == (
        "expense_statement", "李明", "2026-12-03", 4,
        "2026-11 客户采购及客情费统计表, 第 3 个工作日 2026-12-03 前提交")


def test_a_submitted_statement_is_no_longer_listed():
    assert rows("2026-12-01", with_november(submitted="2026-12-01")) == []


def test_every_month_not_submitted_stays_listed_from_the_first_one_recorded():
    september = {"2026-09": {"李明": SIGNED}}
    assert [(reason, due) for reason, _, due, *_ in rows("2026-12-02", september)
            if reason == "expense_statement"] == [("expense_statement", "2026-11-04"),
                                                 ("expense_statement", "2026-12-03")]


def test_with_nothing_recorded_the_latest_statement_past_its_deadline_is_owed():
    assert [(reason, due, late) for reason, _, due, late, _ in rows("2026-11-24", None)] == [
        ("expense_statement", "2026-11-04", 20), ("expense_check", "2026-11-11", 13)]


def test_a_statement_not_handed_in_is_overdue_for_the_manager_after_the_eighth_working_day():
    check = [r for r in rows("2026-12-11", OCTOBER) if r[0] == "expense_check"]
    assert check == [("expense_check", "李明", "2026-12-10", 1,
                      "审核 李明 2026-11 客户采购及客情费统计表, 第 8 个工作日 2026-12-10 前 "
                      "(三方签齐后第 9 个工作日 2026-12-11 起支付); 未提交")]


def test_the_check_names_who_has_not_signed():
    statements = with_november(submitted="2026-12-02", **signed_by("clerk"))
    assert [r[3:] for r in rows("2026-12-11", statements)] == [
        (1, "审核 李明 2026-11 客户采购及客情费统计表, 第 8 个工作日 2026-12-10 前 "
            "(三方签齐后第 9 个工作日 2026-12-11 起支付); 未签: 销售经理、财务")]


def test_the_check_closes_when_all_three_have_signed():
    statements = with_november(submitted="2026-12-02", **signed_by(*st.ROLES))
    assert rows("2026-12-08", statements) == []


def test_a_rep_who_left_before_the_month_owes_no_statement_of_it():
    kq_yaml = "reps: [{name: 李明}, {name: 张强, left: 2026-10-31}]\n"
    assert {r[1] for r in rows("2026-12-11", OCTOBER, kq_yaml)} == {"李明"}


def test_payment_starts_on_the_ninth_working_day_only_once_all_three_have_signed():
    calendar = work_calendar(settings())
    two = {"submitted": "2026-12-02", **signed_by("clerk", "manager")}
    assert st.pay_from(calendar, "2026-11", 9, two) is None
    three = {**two, **signed_by("finance")}
    assert st.pay_from(calendar, "2026-11", 9, three) == dt.date(2026, 12, 11)


def test_signed_after_the_pay_day_is_paid_from_the_last_signature():
    late = {"submitted": "2026-12-02", **signed_by(*st.ROLES, day="2026-12-15")}
    assert st.pay_from(work_calendar(settings()), "2026-11", 9, late) == dt.date(2026, 12, 15)


# -- kq statement submit / sign ----------------------------------------------------------------


def _run(kq, root: Path, today: str, *args: str):
    return kq("--repo", root, "--today", today, "statement", *args)


def _statements(root: Path, month: str = "2026-11") -> str:
    return (root / "statements" / f"{month}.yaml").read_text(encoding="utf-8")


HEADER = ("# 2026-11 客户采购及客情费统计表: 每位业代的提交与三方审核 (kq statement)\n"
          "# the monthly expense statement of each rep and its sign-offs (kq statement)\n")


@needs_git
def test_submit_writes_the_month_file_and_commits_it(git_repo, kq):
    root = git_repo({}, kq_yaml=TEAM)
    result = _run(kq, root, "2026-12-02", "submit", "--month", "2026-11", "--owner", "李明",
                  "--special")
    assert result.exit_code == 0, result.stderr
    sha = git(root, "rev-parse", "--short", "HEAD").strip()
    assert result.stdout == (f"已提交 李明 2026-11 的统计表和新客户特殊费用汇总表 (2026-12-02); "
                             f"待 销售内勤、销售经理、财务 审核 (commit {sha})\n")
    assert _statements(root) == HEADER + "李明:\n  submitted: 2026-12-02\n  special: 2026-12-02\n"
    assert git(root, "log", "-1", "--format=%s") == (
        "statement: 李明 2026-11 submitted 2026-12-02 + 新客户特殊费用汇总表\n")
    assert git(root, "status", "--porcelain", "statements") == ""


def test_submit_defaults_to_last_month_and_the_only_rep(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    assert _run(kq, root, "2026-12-02", "submit").exit_code == 0
    assert _statements(root) == HEADER + "李明:\n  submitted: 2026-12-02\n"


def test_a_statement_submitted_twice_is_written_once(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    _run(kq, root, "2026-12-02", "submit", "--month", "2026-11")
    again = _run(kq, root, "2026-12-03", "submit", "--month", "2026-11")
    assert again.stdout == "李明 2026-11 的统计表已于 2026-12-02 提交; 未写入\n"
    assert _statements(root) == HEADER + "李明:\n  submitted: 2026-12-02\n"


def test_submit_names_the_reps_when_there_are_several(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({}, kq_yaml="reps: [{name: 李明}, {name: 王强}]\n")
    result = _run(kq, root, "2026-12-02", "submit")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --owner: say whose statement (--owner REP); reps: 李明, 王强\n")


def test_submit_for_someone_not_on_the_team_is_a_usage_error(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({}, kq_yaml=TEAM)
    result = _run(kq, root, "2026-12-02", "submit", "--owner", "李鸣")
    assert result.exit_code == 2 and "did you mean 李明?" in result.stderr


def test_sign_writes_who_and_when_under_the_role_and_keeps_the_rest(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    (root / "statements").mkdir()
    written = "# 手工录入\n李明:\n  submitted: 2026-12-02   # 纸质版已交\n"
    (root / "statements" / "2026-11.yaml").write_text(written, encoding="utf-8")
    result = _run(kq, root, "2026-12-04", "sign", "--month", "2026-11", "--rep", "李明",
                  "--as", "内勤", "--by", "周敏")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "销售内勤 周敏 已签 李明 2026-11 的统计表; 待 销售经理、财务 签字\n"
    assert _statements(root) == written + "  clerk: {by: 周敏, date: 2026-12-04}\n"


def test_the_third_signature_says_when_payment_starts(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    _run(kq, root, "2026-12-02", "submit", "--month", "2026-11")
    for role, name in (("clerk", "周敏"), ("manager", "赵建华")):
        _run(kq, root, "2026-12-07", "sign", "--month", "2026-11", "--rep", "李明", "--as",
             role, "--by", name)
    result = _run(kq, root, "2026-12-08", "sign", "--month", "2026-11", "--rep", "李明",
                  "--as", "财务", "--by", "钱丽")
    assert result.stdout == "财务 钱丽 已签 李明 2026-11 的统计表; 三方签齐, 2026-12-11 起支付\n"


def test_confirmations_are_in_english_with_lang_en(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    result = kq("--repo", root, "--today", "2026-12-02", "--lang", "en", "statement", "submit")
    assert result.stdout == ("submitted 李明's 2026-11 statement (2026-12-02); to be signed by "
                             "the clerk, the manager and finance\n")


def test_a_statement_not_handed_in_cannot_be_signed(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({}, kq_yaml=TEAM)
    result = _run(kq, root, "2026-12-04", "sign", "--month", "2026-11", "--rep", "李明",
                  "--as", "manager", "--by", "赵建华")
    assert (result.exit_code, result.stderr) == (
        1, "kq: 李明's 2026-11 statement has not been submitted; first: kq statement submit "
           "--month 2026-11 --owner 李明\n")
    assert not (root / "statements").exists()


def test_an_unknown_role_is_a_usage_error(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({}, kq_yaml=TEAM)
    result = _run(kq, root, "2026-12-04", "sign", "--month", "2026-11", "--rep", "李明",
                  "--as", "boss", "--by", "赵建华")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: --as: 'boss' is not one of clerk | manager | finance")


def test_kq_due_stops_listing_the_statement_once_submitted_and_the_check_once_signed(
        make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)

    def listed(today: str) -> list[str]:
        out = kq("--repo", root, "--today", today, "due", "--format", "json").stdout
        return [r["reason"] for r in json.loads(out)]

    assert listed("2026-12-07") == ["expense_statement", "expense_check"]
    _run(kq, root, "2026-12-07", "submit", "--month", "2026-11")
    assert listed("2026-12-07") == ["expense_check"]
    for role in st.ROLES:
        _run(kq, root, "2026-12-08", "sign", "--month", "2026-11", "--rep", "李明", "--as",
             role, "--by", "某人")
    assert listed("2026-12-08") == []


def test_statement_list_says_who_has_not_signed_and_no_pay_day_yet(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    _run(kq, root, "2026-12-02", "submit", "--month", "2026-11")
    _run(kq, root, "2026-12-04", "sign", "--month", "2026-11", "--rep", "李明", "--as", "clerk",
         "--by", "周敏")
    out = _run(kq, root, "2026-12-04", "list", "--month", "2026-11", "--format", "json").stdout
    assert json.loads(out) == [{
        "month": "2026-11", "rep": "李明", "submitted": "2026-12-02", "special": None,
        "due": "2026-12-03", "clerk": "周敏", "clerk_date": "2026-12-04", "manager": None,
        "manager_date": None, "finance": None, "finance_date": None,
        "unsigned": ["manager", "finance"], "check_by": "2026-12-10", "pay_from": None,
        "state": "submitted"}]


def test_an_invalid_statements_file_is_named_and_skipped(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    (root / "statements").mkdir()
    (root / "statements" / "2026-11.yaml").write_text(
        "李明:\n  submited: 2026-12-02\n", encoding="utf-8")
    result = kq("--repo", root, "--today", "2026-12-07", "due", "--format", "json")
    assert result.exit_code == 1
    assert "已跳过 statements/2026-11.yaml:2:3: 李明.submited: 不认识的键 'submited'" \
        in result.stderr
    assert [r["reason"] for r in json.loads(result.stdout)] == ["expense_statement",
                                                                "expense_check"]
    check = kq("--lang", "en", "--repo", root, "check")
    assert check.exit_code == 1
    assert "statements/2026-11.yaml:2:3: 李明.submited: unknown key 'submited'" in check.stdout


def test_a_sign_off_before_the_statement_was_submitted_is_a_problem(make_repo, kq):
    root = make_repo({}, kq_yaml=TEAM)
    (root / "statements").mkdir()
    (root / "statements" / "2026-11.yaml").write_text(
        "李明:\n  submitted: 2026-12-02\n  clerk: {by: 周敏, date: 2026-12-01}\n",
        encoding="utf-8")
    check = kq("--repo", root, "--lang", "en", "check")
    assert "clerk signed on 2026-12-01, before it was submitted on 2026-12-02" in check.stdout


def test_a_statement_written_after_an_answer_was_kept_is_seen(make_repo):
    root = make_repo({}, kq_yaml=TEAM)
    args = ("--today", "2026-12-07", "due", "--format", "json")
    assert probe_kq(root, *args).path == "full"
    kept = probe_kq(root, *args)
    assert kept.path == "warm"
    assert [r["reason"] for r in json.loads(kept.stdout)] == ["expense_statement", "expense_check"]
    (root / "statements").mkdir()
    (root / "statements" / "2026-11.yaml").write_text("李明: {submitted: 2026-12-03}\n",
                                                       encoding="utf-8")
    again = probe_kq(root, *args)
    assert [r["reason"] for r in json.loads(again.stdout)] == ["expense_check"]
    assert probe_kq(root, *args).stdout == again.stdout


@needs_git
def test_two_reps_statements_written_on_two_clones_merge_without_a_conflict(git_repo, kq):
    from kqcli.store.gitlog import register_merge_driver

    root = git_repo({}, kq_yaml="reps: [{name: 李明}, {name: 王强}]\n")
    register_merge_driver(root)
    _run(kq, root, "2026-12-02", "submit", "--month", "2026-11", "--owner", "李明")
    git(root, "add", ".gitattributes")
    git(root, "commit", "-q", "-m", "attributes")
    git(root, "branch", "other")
    _run(kq, root, "2026-12-04", "sign", "--month", "2026-11", "--rep", "李明", "--as", "clerk",
         "--by", "周敏")
    git(root, "checkout", "-q", "other")
    _run(kq, root, "2026-12-03", "submit", "--month", "2026-11", "--owner", "王强")
    git(root, "checkout", "-q", "-")
    git(root, "merge", "-q", "--no-edit", "other")
    assert _statements(root) == HEADER + ("李明:\n  submitted: 2026-12-02\n"
                                          "  clerk: {by: 周敏, date: 2026-12-04}\n"
                                          "王强:\n  submitted: 2026-12-03\n")
