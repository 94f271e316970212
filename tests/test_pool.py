"""The customer pool (公海): who enters it, who leaves it, kq pool, kq claim, kq due's pool row."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest
from helpers import commit_all, daily_row, git, needs_git, settings

from kqcli.core.due import morning_list
from kqcli.core.pool import pool, pool_entry

TODAY = dt.date(2026, 11, 24)
POOL = "pool: {after_days: 90, kinds: [terminal]}\n"
TEAM = POOL + "reps:\n  - {name: 李明}\n  - {name: 王强}\n  - {name: 张强, left: 2026-10-20}\n"


def terminal(last_visit: str | None, owner: str = "李明", extra: str = "") -> str:
    visits = f"visits:\n  - {{date: {last_visit}, kind: visit}}\n" if last_visit else ""
    return textwrap.dedent(f"""\
        name: 华信大药房
        kind: terminal
        status: active
        tier: normal
        owner: {owner}
        """) + extra + visits


def entry(text: str, kq_yaml: str = TEAM, today: dt.date = TODAY,
          handover: dict | None = None):
    if handover is not None:  # a v2 `handover: {from, date}`, read as the last owners entry
        text += f"handover: {{from: {handover['from']}, date: {handover['date']}}}\n"
    summary, facts = daily_row(text)
    return pool_entry(summary, facts, settings(kq_yaml), today)


def test_no_pool_key_means_no_pool():
    assert entry(terminal("2026-01-05"), kq_yaml="") is None


def test_terminal_unmet_for_ninety_days_enters_the_pool_on_day_ninety():
    found = entry(terminal("2026-08-26"))  # 2026-08-26 + 90 days = 2026-11-24
    assert (found.entered, found.why, found.days) == (dt.date(2026, 11, 24), "neglected", 90)


def test_terminal_unmet_for_eighty_nine_days_is_not_in_the_pool():
    assert entry(terminal("2026-08-27")) is None


def test_a_call_does_not_keep_a_customer_out_of_the_pool():
    text = terminal("2026-08-01") + "  - {date: 2026-11-20, kind: call}\n"
    assert entry(text).last_in_person == dt.date(2026, 8, 1)


def test_a_kind_the_pool_does_not_take_stays_out():
    text = terminal("2026-01-05").replace("kind: terminal", "kind: distributor")
    assert entry(text) is None


def test_a_prospect_stays_out_of_the_pool():
    text = terminal("2026-01-05").replace("status: active", "status: prospect")
    assert entry(text) is None


def test_never_met_counts_from_since():
    text = terminal(None, extra="since: 2026-07-01\n")
    found = entry(text)
    assert (found.entered, found.last_in_person, found.days) == (dt.date(2026, 9, 29), None, None)


def test_departed_reps_customer_enters_the_pool_thirty_one_days_after_leaving():
    # 张强 left 2026-10-20: more than 30 days is 2026-11-20 onwards.
    found = entry(terminal("2026-11-10", owner="张强"))
    assert (found.entered, found.why, found.owner) == (dt.date(2026, 11, 20), "departed", "张强")


def test_departed_reps_customer_waits_thirty_days():
    assert entry(terminal("2026-11-10", owner="张强"), today=dt.date(2026, 11, 19)) is None


def test_departed_days_is_a_setting():
    kq_yaml = TEAM.replace("kinds: [terminal]", "kinds: [terminal], departed_days: 3")
    found = entry(terminal("2026-11-10", owner="张强"), kq_yaml=kq_yaml)
    assert found.entered == dt.date(2026, 10, 24)


def test_a_handover_gives_the_new_owner_a_fresh_ninety_days():
    assert entry(terminal("2026-01-05"), handover={"from": "张强", "date": "2026-11-24"}) is None


def test_a_handover_ninety_days_ago_without_a_visit_is_back_in_the_pool():
    found = entry(terminal("2026-01-05"), handover={"from": "张强", "date": "2026-08-26"})
    assert found.entered == dt.date(2026, 11, 24)


def test_pool_lists_longest_neglected_first():
    rows = [daily_row(terminal("2026-07-01"), "b"), daily_row(terminal("2026-03-01"), "a"),
            daily_row(terminal(None), "c"), daily_row(terminal("2026-11-01"), "d")]
    assert [e.customer for e in pool(rows, settings(TEAM), TODAY)] == ["a", "b"]


def test_due_lists_a_pool_customer_once_for_nobody():
    reminders, _ = morning_list([daily_row(terminal("2026-08-01"))], settings(TEAM), TODAY)
    rows = [(r.reason, r.owner, r.due.isoformat(), r.message.text("zh")) for r in reminders
            if r.customer == "c1"]
    assert rows == [("pool", None, "2026-10-30",
                     "公海客户: 115 天未见面 (上次 2026-08-01), 原业代 李明; kq claim c1 --as 业代")]


def test_due_without_a_pool_keeps_the_owners_visit():
    reminders, _ = morning_list([daily_row(terminal("2026-08-01"))], settings(""), TODAY)
    assert {(r.reason, r.owner) for r in reminders if r.customer == "c1"} >= {("visit", "李明")}


def test_a_departed_reps_customer_in_the_pool_is_no_longer_an_orphan():
    reminders, _ = morning_list([daily_row(terminal("2026-11-10", owner="张强"))],
                                settings(TEAM), TODAY)
    assert [(r.reason, r.message.text("zh")) for r in reminders if r.customer == "c1"] == [
        ("pool", "公海客户: 14 天未见面 (上次 2026-11-10), 业代 张强 已离职; kq claim c1 --as 业代")]


# Through the command line -----------------------------------------------------------------

@pytest.fixture
def pooled(make_repo):
    return make_repo({
        "hx-old": terminal("2026-03-02"),
        "hx-mid": terminal("2026-07-01", owner="王强"),
        "hx-new": terminal("2026-11-20"),
        "zq-one": terminal("2026-11-10", owner="张强"),
    }, kq_yaml=TEAM)


def test_kq_pool_json_lists_each_customer_with_its_former_owner(kq, pooled):
    result = kq("--repo", pooled, "--today", TODAY, "pool", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"customer": "hx-old", "name": "华信大药房", "owner": "李明",
         "last_in_person": "2026-03-02", "days": 267},
        {"customer": "hx-mid", "name": "华信大药房", "owner": "王强",
         "last_in_person": "2026-07-01", "days": 146},
        {"customer": "zq-one", "name": "华信大药房", "owner": "张强",
         "last_in_person": "2026-11-10", "days": 14},
    ]


def test_kq_pool_csv_has_its_header_when_the_pool_is_empty(kq, make_repo):
    root = make_repo({"hx": terminal("2026-11-20")}, kq_yaml=TEAM)
    result = kq("--repo", root, "--today", TODAY, "pool", "--format", "csv", "--keys")
    assert result.stdout == "customer,name,owner,last_in_person,days\n"


def test_kq_pool_says_when_the_pool_is_off(kq, make_repo):
    root = make_repo({"hx": terminal("2026-01-20")}, kq_yaml="")
    result = kq("--lang", "en", "--repo", root, "--today", TODAY, "pool", "--format", "json")
    assert (json.loads(result.stdout), result.exit_code) == ([], 0)
    assert "the pool is off" in result.stderr


@needs_git
def test_claim_sets_the_owner_and_appends_to_owners_in_one_commit(kq, pooled):
    commit_all(pooled)
    before = (pooled / "customers" / "hx-old.yaml").read_text(encoding="utf-8")
    result = kq("--repo", pooled, "--today", TODAY, "claim", "hx-old", "--as", "王强")
    assert result.exit_code == 0, result.output
    after = (pooled / "customers" / "hx-old.yaml").read_text(encoding="utf-8")
    assert after == before.replace("owner: 李明", "owner: 王强") + \
        "owners:\n  - {from: 李明, to: 王强, date: 2026-11-24}\n"
    assert git(pooled, "log", "--format=%s").splitlines() == [
        "claim: 华信大药房 → 王强 (公海, from 李明)", "start"]


def test_claim_of_a_customer_outside_the_pool_exits_1(kq, pooled):
    result = kq("--repo", pooled, "--today", TODAY, "claim", "hx-new", "--as", "王强")
    assert result.exit_code == 1
    assert result.stderr == ("kq: 华信大药房 不在公海 (业代 李明, 上次见面 2026-11-20); "
                             "kq reassign 在业代之间移交客户\n")


def test_claim_by_a_departed_rep_is_refused(kq, pooled):
    result = kq("--repo", pooled, "--today", TODAY, "claim", "hx-old", "--as", "张强")
    assert result.exit_code == 2
    assert result.stderr == ("kq: --as: 张强 left on 2026-10-20; give the customers to a "
                             "current rep: 李明, 王强\n")


def test_claim_with_a_typo_names_the_closest_rep(kq, pooled):
    result = kq("--repo", pooled, "--today", TODAY, "claim", "hx-old", "--as", "王 强")
    assert result.exit_code == 2
    assert "did you mean 王强?" in result.stderr


def test_a_claimed_customer_leaves_the_pool(kq, pooled):
    kq("--repo", pooled, "--today", TODAY, "claim", "hx-old", "--as", "王强")
    result = kq("--repo", pooled, "--today", TODAY, "pool", "--format", "json")
    assert [r["customer"] for r in json.loads(result.stdout)] == ["hx-mid", "zq-one"]


@needs_git
def test_claim_without_as_takes_gits_user_name(kq, pooled):
    commit_all(pooled)
    git(pooled, "config", "user.name", "王强")
    result = kq("--repo", pooled, "--today", TODAY, "claim", "hx-old")
    assert result.stdout.startswith("王强 从公海认领了 华信大药房 (原业代 李明) (提交 ")


def test_claim_when_the_pool_is_off_exits_1(kq, make_repo):
    root = make_repo({"hx": terminal("2026-01-20")}, kq_yaml="reps:\n  - {name: 王强}\n")
    result = kq("--repo", root, "--today", TODAY, "claim", "hx", "--as", "王强")
    assert (result.exit_code, result.stderr) == (
        1, "kq: 公海未开启; 在 kq.yaml 中加上: pool: {after_days: 90, kinds: [terminal]}\n")


def test_kq_init_writes_the_pool_as_a_commented_example_and_leaves_it_off():
    from kqcli.store.settings_text import settings_yaml

    text = settings_yaml()
    assert "#   pool: {after_days: 90, kinds: [terminal], departed_days: 30}\n" in text
    assert settings(text).pool is None


def test_due_pool_lists_only_the_pool_and_not_in_the_old_owners_list(kq):
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    rows = json.loads(kq("--repo", examples, "--today", "2026-12-01", "due", "--pool",
                         "--format", "json").stdout)
    assert sorted(r["name"] for r in rows) == ["同济药店(马龙)", "康乐药房(西平)"]
    assert {(r["reason"], r["owner"]) for r in rows} == {("pool", None)}
    his = json.loads(kq("--repo", examples, "--today", "2026-12-01", "due", "--owner", "张强",
                        "--format", "json").stdout)
    assert not {r["name"] for r in his} & {"同济药店(马龙)", "康乐药房(西平)"}
