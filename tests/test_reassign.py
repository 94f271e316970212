"""kq reassign: a departed rep's customers move to a current rep, in one commit, byte for byte;
and the handover reminder the new owner then gets."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import commit_all, daily_row, git, needs_git, settings

from kqcli.core.due import morning_list

TODAY = dt.date(2026, 11, 24)
TEAM = "reps:\n  - {name: 李明}\n  - {name: 王强}\n  - {name: 张强, left: 2026-10-31}\n"

# Comments, quotes, a flow list and CRLF line endings: all must survive the move.
DIST = ("name: 曲靖众源医药\r\nkind: distributor   # 经销商\r\nstatus: active\r\n"
        "owner: 张强  # 10 月底离职\r\nregion: 曲靖/沾益区\r\ntags: ['连锁', 医保]\r\n"
        "visits:\r\n  - {date: 2026-10-28, kind: visit}\r\n  - {date: 2026-11-02, kind: call}\r\n")
SHOP = """\
name: 同济药店(马龙)
kind: terminal
status: active
tier: key
owner: 张强
region: 曲靖/马龙区
visits:
  - {date: 2026-10-22, kind: visit}
"""
OTHER = "name: 华信大药房\nkind: terminal\nstatus: active\ntier: key\nowner: 李明\n"


@pytest.fixture
def team(make_repo):
    return make_repo({"dist-qjzy": DIST.encode(), "ml-tongji": SHOP, "hx": OTHER},
                     kq_yaml=TEAM)


def test_dry_run_lists_what_would_move(kq, team):
    result = kq("--repo", team, "--today", TODAY, "reassign", "张强", "--to", "李明",
                "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"customer": "dist-qjzy", "name": "曲靖众源医药", "from": "张强", "to": "李明"},
        {"customer": "ml-tongji", "name": "同济药店(马龙)", "from": "张强", "to": "李明"}]


def test_dry_run_writes_nothing(kq, team):
    kq("--repo", team, "--today", TODAY, "reassign", "张强", "--to", "李明")
    assert (team / "customers" / "dist-qjzy.yaml").read_bytes() == DIST.encode()


def test_filters_narrow_the_move(kq, team):
    result = kq("--lang", "en", "--repo", team, "--today", TODAY, "reassign", "张强", "--to", "李明",
                "--tier", "重点", "--format", "csv")
    assert result.stdout == "customer,name,from,to\nml-tongji,同济药店(马龙),张强,李明\n"


def test_named_customers_only(kq, team):
    result = kq("--lang", "en", "--repo", team, "--today", TODAY, "reassign", "张强", "qjzy", "--to", "王强",
                "--format", "tsv")
    assert result.stdout == "customer\tname\tfrom\tto\ndist-qjzy\t曲靖众源医药\t张强\t王强\n"


def test_a_named_customer_of_someone_else_is_refused(kq, team):
    result = kq("--repo", team, "--today", TODAY, "reassign", "张强", "hx", "--to", "王强")
    assert (result.exit_code, result.stderr) == (2, "kq: hx 不是 张强 的客户 (业代: 李明)\n")


def test_to_a_departed_rep_is_refused(kq, team):
    result = kq("--repo", team, "--today", TODAY, "reassign", "李明", "--to", "张强")
    assert result.exit_code == 2
    assert result.stderr == ("kq: --to: 张强 left on 2026-10-31; give the customers to a "
                             "current rep: 李明, 王强\n")


def test_a_typo_in_to_gets_the_closest_names(kq, team):
    result = kq("--repo", team, "--today", TODAY, "reassign", "张强", "--to", "李名")
    assert result.exit_code == 2
    assert result.stderr == ("kq: --to: 李名 is not a current rep in kq.yaml reps and owns no "
                             "customer; did you mean 李明?\n")


@needs_git
def test_apply_moves_every_customer_in_one_commit(kq, team):
    commit_all(team)
    result = kq("--repo", team, "--today", TODAY, "reassign", "张强", "--to", "李明", "--apply")
    assert result.exit_code == 0, result.output
    assert git(team, "log", "--format=%s").splitlines() == [
        "reassign: 张强 → 李明, 2 customers", "start"]
    assert git(team, "show", "--name-only", "--format=", "HEAD").split() == [
        "customers/dist-qjzy.yaml", "customers/ml-tongji.yaml"]


@needs_git
def test_apply_changes_only_the_owner_and_appends_to_owners(kq, team):
    commit_all(team)
    kq("--repo", team, "--today", TODAY, "reassign", "张强", "--to", "李明", "--apply")
    assert (team / "customers" / "dist-qjzy.yaml").read_bytes() == (
        DIST.replace("owner: 张强", "owner: 李明")
        + "owners:\r\n  - {from: 张强, to: 李明, date: 2026-11-24}\r\n").encode()


def test_apply_with_nothing_to_move_says_so(kq, team):
    result = kq("--repo", team, "--today", TODAY, "reassign", "王强", "--to", "李明", "--apply")
    assert result.exit_code == 0
    assert "kq: 王强 没有符合条件的客户; 无需移交" in result.stderr


def test_an_unknown_from_is_a_usage_error(kq, team):
    result = kq("--lang", "en", "--repo", team, "--today", TODAY, "reassign", "张墙", "--to", "李明")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: FROM: 张墙 is not a rep and owns no customer; did you mean 张强")


# The handover reminder ----------------------------------------------------------------------

def handed(text: str, handover: dict) -> tuple[dict, dict]:
    """A customer with a v2 `handover: {from, date}`, read as the last entry of `owners`."""
    return daily_row(text + f"handover: {{from: {handover['from']}, date: {handover['date']}}}\n")


def handovers(row: tuple[dict, dict], today: dt.date = TODAY) -> list[tuple]:
    reminders, _ = morning_list([row], settings(TEAM), today)
    return [(r.owner, r.due.isoformat(), r.overdue_days(today), r.message.text("zh"))
            for r in reminders if r.reason == "handover"]


def test_handover_is_due_within_the_customers_cadence_with_the_old_owners_last_contact():
    text = SHOP.replace("owner: 张强", "owner: 李明")
    assert handovers(handed(text, {"from": "张强", "date": "2026-11-24"})) == [
        ("李明", "2026-11-29", -5, "交接自 张强 (2026-11-24), 5 天内拜访; 张强 上次往来 2026-10-22")]


def test_handover_names_the_last_interaction_of_any_kind():
    text = DIST.replace("\r\n", "\n").replace("owner: 张强", "owner: 李明")
    assert handovers(handed(text, {"from": "张强", "date": "2026-11-24"})) == [
        ("李明", "2026-12-24", -30,
         "交接自 张强 (2026-11-24), 30 天内拜访; 张强 上次往来 2026-11-02")]


def test_handover_closes_with_an_in_person_interaction_after_it():
    text = SHOP.replace("owner: 张强", "owner: 李明") + "  - {date: 2026-11-26, kind: visit}\n"
    assert handovers(handed(text, {"from": "张强", "date": "2026-11-24"}),
                     dt.date(2026, 11, 27)) == []


def test_a_call_does_not_close_the_handover():
    text = SHOP.replace("owner: 张强", "owner: 李明") + "  - {date: 2026-11-26, kind: call}\n"
    assert [d for _, d, *_ in handovers(handed(text, {"from": "张强", "date": "2026-11-24"}),
                                        dt.date(2026, 11, 27))] == ["2026-11-29"]


def test_after_apply_the_new_owner_sees_the_handover_in_kq_due(kq, team):
    kq("--repo", team, "--today", TODAY, "reassign", "张强", "--to", "李明", "--apply")
    result = kq("--repo", team, "--today", TODAY, "due", "--owner", "李明", "--reason",
                "handover", "--format", "json")
    assert [(r["customer"], r["due"]) for r in json.loads(result.stdout)] == [
        ("ml-tongji", "2026-11-29"), ("dist-qjzy", "2026-12-24")]
