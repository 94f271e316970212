"""Risk rows of kq due: a decline is a real decline (risk.decline_min), and a risk can be
acknowledged (kq ack) until a day or until the figures it was computed from change."""

from __future__ import annotations

from helpers import due

from kqcli.core.sparkline import falling

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
    assert kq("--repo", root, "check").exit_code == 0
    (root / "kq.yaml").write_text("risk: {decline_min: 5}\n", encoding="utf-8")
    result = kq("--repo", root, "check")
    assert result.exit_code == 1
    assert "kq.yaml:1:21: risk.decline_min: 5 is above the maximum" in result.stdout
