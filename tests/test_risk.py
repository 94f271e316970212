"""Risk rows of kq due: a decline is a real decline (risk.decline_min), and a risk can be
acknowledged (kq ack) until a day or until the figures it was computed from change."""

from __future__ import annotations

import datetime as dt
import json

from helpers import due, git

from kqcli.core.due import customer_reminders, morning_list, risk_fingerprint
from kqcli.core.sparkline import falling
from kqcli.store import agenda
from kqcli.store.repo import Repo

SLIPPING = """\
name: 曲靖康润医药
kind: distributor
status: active
months:
  2026-08: {collections: 756000, reported: 2026-09-05}
  2026-09: {collections: 705000, reported: 2026-10-05}
  2026-10: {collections: 700000, reported: 2026-11-05}
"""


def test_a_step_below_decline_min_is_no_decline():
    # 756,000 -> 705,000 is 6.7 % down, 705,000 -> 700,000 only 0.7 %.
    assert due(SLIPPING, "risk") == []


def test_a_step_of_exactly_decline_min_is_a_decline_and_just_under_is_not():
    exactly = SLIPPING.replace("700000", "669750")  # 705,000 less exactly 5 %
    assert due(exactly, "risk") == [
        ("2026-11-24", 0, "回款连续 3 个月下滑: 756,000 → 705,000 → 669,750")]
    assert due(SLIPPING.replace("700000", "669751"), "risk") == []


def test_decline_min_comes_from_kq_yaml():
    assert due(SLIPPING, "risk", kq_yaml="risk: {decline_min: 0.005}") == [
        ("2026-11-24", 0, "回款连续 3 个月下滑: 756,000 → 705,000 → 700,000")]


def test_the_sparkline_marks_no_month_below_decline_min():
    assert falling([756000, 705000, 700000], 3, 0.05) == [False, False, False]
    assert falling([756000, 705000, 669750], 3, 0.05) == [False, False, True]


def test_decline_min_is_a_share_below_one(make_repo, kq):
    root = make_repo({}, kq_yaml="risk: {decline_min: 0.1}\n")
    assert kq("--lang", "en", "--repo", root, "check").exit_code == 0
    (root / "kq.yaml").write_text("risk: {decline_min: 5}\n", encoding="utf-8")
    result = kq("--lang", "en", "--repo", root, "check")
    assert result.exit_code == 1
    assert "kq.yaml:1:21: risk.decline_min: 5 is above the maximum" in result.stdout


# -- kq ack: a risk acknowledged until a day, or until its figures change ---------------------

FALLING = """\
name: 曲靖康润医药
kind: distributor
status: active
owner: 李明
months:
  2026-08: {collections: 820000, reported: 2026-09-05}
  2026-09: {collections: 610000, reported: 2026-10-05}
  2026-10: {collections: 430000, reported: 2026-11-05}
"""
DECLINE = "回款连续 3 个月下滑: 820,000 → 610,000 → 430,000"


def _risks(kq, root, today: str) -> list[str]:
    rows = json.loads(kq("--repo", root, "--today", today, "due", "--format", "json").stdout)
    return [r["message"] for r in rows if r["reason"] == "risk"]


def _ack(kq, root, today: str, *options: str):
    result = kq("--repo", root, "--today", today, "ack", "qjkr", "risk", *options)
    assert result.exit_code == 0, result.output
    return result


def test_kq_ack_appends_the_ack_with_a_fingerprint_of_each_risk(git_repo, kq):
    root = git_repo({"qjkr": FALLING})
    result = _ack(kq, root, "2026-11-24", "--until", "2026-12-31", "--note", "已约老板对账")
    assert result.stdout.splitlines() == [
        f"已确认 曲靖康润医药 的 1 项风险, 2026-12-31 (含) 前不再提醒 (提交 {_head(root)})",
        f"  {DECLINE}"]
    mark = risk_fingerprint("collections", ["2026-08", "2026-09", "2026-10",
                                            820000, 610000, 430000])
    assert (root / "customers" / "qjkr.yaml").read_text(encoding="utf-8") == FALLING + (
        "acks:\n  - reason: risk\n    on: 2026-11-24\n    until: 2026-12-31\n"
        f"    note: 已约老板对账\n    seen: [\"{mark}\"]\n")
    assert git(root, "log", "-1", "--format=%s") == \
        "ack: 曲靖康润医药 risk until 2026-12-31: 已约老板对账\n"


def _head(root) -> str:
    return git(root, "rev-parse", "--short", "HEAD").strip()


def test_an_acknowledged_risk_is_hidden_through_its_until_day(git_repo, kq):
    root = git_repo({"qjkr": FALLING})
    _ack(kq, root, "2026-11-24", "--until", "2026-12-31")
    assert _risks(kq, root, "2026-11-24") == []
    assert _risks(kq, root, "2026-12-31") == []
    assert _risks(kq, root, "2027-01-01") == [DECLINE]


def test_an_ack_without_until_holds_while_the_figures_stay_the_same(git_repo, kq):
    root = git_repo({"qjkr": FALLING})
    _ack(kq, root, "2026-11-24")
    assert _risks(kq, root, "2026-12-09") == []


def test_an_acknowledged_risk_is_listed_again_when_its_figures_change(git_repo, kq):
    root = git_repo({"qjkr": FALLING})
    _ack(kq, root, "2026-11-24")
    kq("--repo", root, "--today", "2026-11-25", "figures", "qjkr", "2026-10", "--collections",
       "400000")
    assert _risks(kq, root, "2026-11-25") == ["回款连续 3 个月下滑: 820,000 → 610,000 → 400,000"]


def test_a_new_month_of_figures_lists_the_acknowledged_decline_again(git_repo, kq):
    root = git_repo({"qjkr": FALLING})
    _ack(kq, root, "2026-11-24")
    kq("--repo", root, "--today", "2026-12-05", "figures", "qjkr", "2026-11", "--collections",
       "300000")
    assert _risks(kq, root, "2026-12-05") == ["回款连续 3 个月下滑: 610,000 → 430,000 → 300,000"]


def test_an_ack_hides_only_the_risks_it_saw(git_repo, kq):
    root = git_repo({"qjkr": FALLING})
    _ack(kq, root, "2026-11-24")
    path = root / "customers" / "qjkr.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "products:\n  - {name: 竞品乙, "
                    "competitor: true, since: 2026-11-20}\n", encoding="utf-8")
    assert _risks(kq, root, "2026-11-25") == ["新进竞品 竞品乙 (2026-11-20)"]


def test_an_untouched_key_account_stays_acknowledged_as_its_days_count_up():
    text = ("name: 华信大药房\nkind: terminal\ntier: key\nstatus: active\n"
            "visits: [{date: 2026-11-10, kind: call}]\n")
    mark = risk_fingerprint("untouched", ["2026-11-10"])
    acked = text + f"acks: [{{reason: risk, on: 2026-11-24, seen: ['{mark}']}}]\n"
    assert due(text, "risk") == [("2026-11-20", 4, "重点客户超过 10 天未联系 (上次 2026-11-10)")]
    assert due(acked, "risk", today=dt.date(2026, 11, 30)) == []


def test_an_ack_counts_from_its_day_on():
    mark = risk_fingerprint("collections", ["2026-08", "2026-09", "2026-10",
                                            820000, 610000, 430000])
    acked = FALLING + f"acks: [{{reason: 风险, on: 2026-11-24, seen: ['{mark}']}}]\n"
    assert due(acked, "risk", today=dt.date(2026, 11, 23)) == [("2026-11-23", 0, DECLINE)]
    assert due(acked, "risk", today=dt.date(2026, 11, 24)) == []


def test_the_agenda_and_a_full_evaluation_agree_when_an_ack_ends(git_repo, kq):
    root = git_repo({"qjkr": FALLING})
    _ack(kq, root, "2026-11-24", "--until", "2026-11-27")
    for n in range(6):
        today = dt.date(2026, 11, 24) + dt.timedelta(days=n)
        repo = Repo(root, today)
        found = customer_reminders(repo.index.facts(), repo.settings, today)
        listed, _ = morning_list([], repo.settings, today, found=found, owners={"李明"})
        listing, _ = agenda.morning(Repo(root, today), None)
        assert listing.json_text() == json.dumps([r.to_json(today) for r in listed],
                                                 ensure_ascii=False), today
        assert (DECLINE in listing.json_text()) == (n >= 4), today


def test_kq_ack_with_no_risk_listed_exits_1(make_repo, kq):
    root = make_repo({"qjkr": SLIPPING})
    result = kq("--repo", root, "--today", "2026-11-24", "ack", "qjkr", "risk")
    assert (result.exit_code, result.stderr) == (
        1, "kq: 曲靖康润医药 在 2026-11-24 没有列出风险: 无需确认\n")


def test_kq_ack_acknowledges_risks_only(make_repo, kq):
    root = make_repo({"qjkr": FALLING})
    result = kq("--lang", "en", "--repo", root, "--today", "2026-11-24", "ack", "qjkr", "visit")
    assert (result.exit_code, result.stderr) == (
        2, "kq: REASON: 'visit' is not one of risk (or 风险)\n")


def test_kq_ack_until_before_today_is_refused(make_repo, kq):
    root = make_repo({"qjkr": FALLING})
    result = kq("--repo", root, "--today", "2026-11-24", "ack", "qjkr", "risk", "--until",
                "2026-11-01")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --until: 2026-11-01 早于今天 (2026-11-24)\n")


def test_an_ack_until_before_its_day_is_an_error_in_the_file(make_repo, kq):
    root = make_repo({"qjkr": FALLING + "acks: [{reason: risk, on: 2026-11-24, until: 2026-11-01}]\n"})
    result = kq("--repo", root, "--lang", "en", "check")
    assert result.exit_code == 1
    assert "customers/qjkr.yaml:9:8: acks[0]: until 2026-11-01 is before on 2026-11-24" in result.stdout
