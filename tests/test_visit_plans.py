"""A visit takes a plan out and brings a report back (带一个方案出去, 带一个报告回来): kq log
says so when a visit has no goal or outcome; a visit after today is only logged as planned
(--planned, planned: true), and a planned visit counts for nothing until it is done."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from helpers import TODAY, due, ledger_row, settings

from kqcli.core.scoring import scorecard

SHOP = textwrap.dedent("""
    name: 华信大药房
    kind: terminal
    status: active
    tier: key
    owner: 李明
    contacts:
      - {name: 王芳, role: 店长}
""").lstrip()

VISITED = SHOP + "visits:\n  - {date: 2026-11-20, kind: visit, goal: 推新品, outcome: 同意陈列}\n"
PLANNED = VISITED + "  - {date: 2026-11-26, kind: visit, goal: 送物料, planned: true}\n"

ASKS_BOTH = "kq: 这次拜访没写目标和结果 (--goal, --outcome): 手册要求带一个方案出去, 带一个报告回来\n"


def _log(kq, root, *args: str):
    return kq("--repo", root, "--today", TODAY.isoformat(), "log", "hx", *args)


def _file(root) -> str:
    return (root / "customers" / "hx.yaml").read_text(encoding="utf-8")


# --- goal and outcome --------------------------------------------------------------------------


def test_visit_without_goal_and_outcome_is_logged_and_says_the_manual_asks_for_both(
        make_repo, kq):
    root = make_repo({"hx": SHOP})
    result = _log(kq, root, "--contact", "王芳")
    assert (result.exit_code, result.stderr) == (0, ASKS_BOTH)
    assert _file(root).endswith("  - date: 2026-11-24\n    kind: visit\n    contact: 王芳\n")


def test_visit_without_an_outcome_names_the_outcome(make_repo, kq):
    result = _log(kq, make_repo({"hx": SHOP}), "--goal", "推新品")
    assert result.stderr == ("kq: 这次拜访没写结果 (--outcome): 手册要求带一个方案出去, "
                             "带一个报告回来\n")


def test_a_visit_with_goal_and_outcome_gets_no_word(make_repo, kq):
    root = make_repo({"hx": SHOP})
    assert _log(kq, root).stderr == ASKS_BOTH
    assert _log(kq, root, "--goal", "推新品", "--outcome", "同意陈列").stderr == ""


def test_deep_visit_is_a_visit_too(make_repo, kq):
    result = _log(kq, make_repo({"hx": SHOP}), "--kind", "蹲点")
    assert result.stderr == ASKS_BOTH


def test_only_visits_are_asked_for_goal_and_outcome(make_repo, kq):
    root = make_repo({"hx": SHOP})
    assert _log(kq, root).stderr == ASKS_BOTH
    assert [_log(kq, root, "--kind", kind).stderr for kind in ("call", "wechat", "training")] == [
        "", "", ""]


def test_the_word_is_english_for_kq_lang_en(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")
    result = _log(kq, make_repo({"hx": SHOP}))
    assert result.stderr == ("kq: the visit has no goal and no outcome (--goal, --outcome): the "
                             "manual asks to take a plan out and bring a report back\n")


# --- visits after today ------------------------------------------------------------------------


def test_visit_after_today_is_refused_without_planned(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"hx": SHOP})
    result = _log(kq, root, "--date", "2026-11-26", "--goal", "送物料")
    assert result.exit_code == 2
    assert result.stderr == ("kq: --date: 2026-11-26 is after today (2026-11-24): log the visit "
                             "once it is done, or plan it with --planned\n")
    assert _file(root) == SHOP


def test_planned_visit_after_today_is_written_with_planned_true(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"hx": SHOP})
    result = _log(kq, root, "--date", "2026-11-26", "--goal", "送物料", "--planned")
    assert (result.exit_code, result.stderr) == (0, "")  # no outcome is asked of a plan
    assert result.stdout == "planned visit 2026-11-26 for 华信大药房\n"
    assert _file(root) == SHOP + ("visits:\n  - date: 2026-11-26\n    kind: visit\n"
                                  "    goal: 送物料\n    planned: true\n")


def test_planned_visit_without_a_goal_asks_for_the_plan(make_repo, kq):
    result = _log(kq, make_repo({"hx": SHOP}), "--date", "2026-11-26", "--planned")
    assert result.stderr == ("kq: 这次拜访没写目标 (--goal): 手册要求带一个方案出去, "
                             "带一个报告回来\n")


def test_planned_visit_before_today_is_refused(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"hx": SHOP})
    result = _log(kq, root, "--date", "2026-11-20", "--planned")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --planned: 2026-11-20 is before today (2026-11-24); log what was done without "
           "--planned\n")
    assert _file(root) == SHOP


def test_only_in_person_interactions_after_today_need_planned(make_repo, kq):
    root = make_repo({"hx": SHOP})
    assert _log(kq, root, "--kind", "training", "--date", "2026-11-26").exit_code == 2
    assert _log(kq, root, "--kind", "call", "--date", "2026-11-26").exit_code == 0


def test_planned_does_not_go_with_due(make_repo, kq):
    result = kq("--lang", "en", "--repo", make_repo({"hx": SHOP}), "--today", "2026-11-24", "log", "--for",
                "holiday", "--due", "--owner", "李明", "--planned")
    assert result.exit_code == 2
    assert "--planned do not go with it" in result.stderr


def test_planned_visit_commit_says_planned(git_repo, kq):
    from helpers import git

    root = git_repo({"hx": SHOP})
    _log(kq, root, "--date", "2026-11-26", "--goal", "送物料", "--planned")
    assert git(root, "log", "-1", "--format=%s").strip() == "log: 华信大药房 visit 2026-11-26 (planned)"


# --- a planned visit counts for nothing --------------------------------------------------------


def test_planned_visit_does_not_reset_the_visit_clock():
    assert due(PLANNED, "visit") == due(VISITED, "visit") == [
        ("2026-11-25", -1, "上次拜访 2026-11-20 (每 3-5 天)")]


def test_planned_visit_scores_nothing_in_its_month():
    summary, facts = ledger_row(PLANNED.replace("2026-11-20", "2026-10-20")
                                .replace("2026-11-26", "2026-10-26"))
    card = scorecard(summary, facts, settings(), "2026-10")
    alone, facts_alone = ledger_row(VISITED.replace("2026-11-20", "2026-10-20"))
    assert card["items"] == scorecard(alone, facts_alone, settings(), "2026-10")["items"]


def test_planned_visit_is_not_the_last_visit_in_kq_list(make_repo, kq):
    root = make_repo({"hx": PLANNED})
    [row] = json.loads(kq("--repo", root, "list", "--format", "json").stdout)
    assert (row["last_visit"], row["last_contact"]) == ("2026-11-20", "2026-11-20")


def test_kq_due_lists_the_visit_as_if_the_plan_were_not_there(make_repo, kq):
    root = make_repo({"hx": PLANNED})
    rows = json.loads(kq("--repo", root, "--today", "2026-11-24", "due", "--within", "3",
                         "--format", "json").stdout)
    assert [(r["reason"], r["due"]) for r in rows if r["reason"] == "visit"] == [
        ("visit", "2026-11-25")]


def test_a_planned_visit_logged_again_without_planned_counts(make_repo, kq):
    root = make_repo({"hx": PLANNED})
    assert kq("--repo", root, "--today", "2026-11-26", "log", "hx", "--goal", "送物料",
              "--outcome", "已送到").exit_code == 0
    assert due(_file(root), "visit", today=dt.date(2026, 11, 26)) == []


def test_kq_show_marks_the_planned_visit(make_repo, kq):
    root = make_repo({"hx": PLANNED})
    out = kq("--repo", root, "--today", "2026-11-24", "show", "hx").stdout
    [line] = [ln for ln in out.splitlines() if "2026-11-26" in ln]
    assert "(计划)" in line


def test_a_planned_visit_closes_no_step(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    root = make_repo({"hx": SHOP + "visits:\n  - {date: 2026-11-20, kind: visit, next: "
                            "{date: 2026-11-27, action: 送物料}}\n"})
    result = _log(kq, root, "--date", "2026-11-27", "--goal", "送物料", "--planned",
                  "--closes-next")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --closes-next: a planned visit has done nothing yet; close the step when you log "
           "the visit done\n")
