"""The visit itself (issue 27): its time and length (kq log --at --minutes, kq checkin and
kq checkout at the clock's time) and its photos (copied into media/, committed with the log)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import git

from kqcli.store.validate import validate_customer

TODAY = "2026-11-24"
HX = """\
name: 华信大药房
kind: terminal
tier: key
owner: 李明
contacts:
  - name: 王芳
    role: 店长
visits:
  - date: 2026-11-20
    kind: visit
    goal: 推新品陈列
    outcome: 同意端架
"""


def _visits(root: Path, cid: str = "hx") -> list:
    customer, problems = validate_customer((root / "customers" / f"{cid}.yaml").read_bytes(), "x")
    assert problems == []
    return customer.visits


def _picture(path: Path, kind: str = "JPEG", size: tuple[int, int] = (640, 480)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (200, 40, 40)).save(path, kind)
    return path


def _kq_at(kq, monkeypatch, root: Path, clock: str, *args: str):
    monkeypatch.setenv("KQ_CLOCK", clock)
    return kq("--repo", root, "--today", TODAY, *args)


# --- kq log --at --minutes ---------------------------------------------------------------------


def test_log_writes_the_time_and_the_minutes_of_a_visit(git_repo, kq):
    root = git_repo({"hx": HX})
    result = kq("--repo", root, "--today", TODAY, "log", "hx", "--at", "9:40", "--minutes", "50",
                "--goal", "查端架", "--outcome", "端架到位")
    assert result.exit_code == 0, result.output
    assert (root / "customers" / "hx.yaml").read_text(encoding="utf-8").endswith(
        '  - date: 2026-11-24\n    kind: visit\n    goal: 查端架\n    outcome: 端架到位\n'
        '    at: "09:40"\n    minutes: 50\n')
    last = _visits(root)[-1]
    assert (last.at, last.minutes) == ("09:40", 50)


@pytest.mark.parametrize("at", ["9.40", "24:00", "09:60", "早上"])
def test_log_refuses_a_time_that_is_not_hh_mm_in_one_line(git_repo, kq, at):
    root = git_repo({"hx": HX})
    before = (root / "customers" / "hx.yaml").read_bytes()
    result = kq("--repo", root, "--today", TODAY, "log", "hx", "--at", at)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--at" in result.stderr and "HH:MM" in result.stderr
    assert (root / "customers" / "hx.yaml").read_bytes() == before


def test_log_refuses_zero_minutes(git_repo, kq):
    root = git_repo({"hx": HX})
    result = kq("--repo", root, "--today", TODAY, "log", "hx", "--minutes", "0")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: --minutes:")


# --- kq checkin / kq checkout ------------------------------------------------------------------


def test_checkin_writes_todays_visit_at_the_clocks_time_in_one_commit(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx", "--goal", "补货")
    assert result.exit_code == 0, result.output
    last = _visits(root)[-1]
    assert (last.date, last.kind.value, last.at, last.minutes, last.goal) == (
        dt.date(2026, 11, 24), "visit", "09:40", None, "补货")
    assert git(root, "log", "--format=%s").splitlines() == [
        "checkin: 华信大药房 visit 2026-11-24 at 09:40", "start"]
    assert git(root, "status", "--porcelain", "customers") == ""


def test_checkout_writes_the_minutes_since_checkin_and_the_outcome(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx", "--goal", "补货")
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T10:31:30", "checkout", "hx",
                    "--outcome", "补了 20 箱")
    assert result.exit_code == 0, result.output
    last = _visits(root)[-1]
    assert (last.at, last.minutes, last.goal, last.outcome) == ("09:40", 51, "补货", "补了 20 箱")
    assert len(_visits(root)) == 2
    assert git(root, "log", "-1", "--format=%s") == (
        "checkout: 华信大药房 visit 2026-11-24 09:40, 51 min\n")
    assert git(root, "status", "--porcelain", "customers") == ""


def test_checkout_in_the_minute_of_checkin_counts_one_minute(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx")
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40:20", "checkout", "hx")
    assert _visits(root)[-1].minutes == 1


def test_checkout_without_an_open_checkin_says_to_check_in_or_log_the_times(git_repo, kq,
                                                                            monkeypatch):
    root = git_repo({"hx": HX})
    before = (root / "customers" / "hx.yaml").read_bytes()
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T10:00", "--lang", "en", "checkout", "hx")
    assert result.exit_code == 2
    assert result.stderr == ("kq: 华信大药房 has no open check-in today: kq checkin hx first, or "
                             "log the visit with its times (kq log hx --at HH:MM --minutes N)\n")
    assert (root / "customers" / "hx.yaml").read_bytes() == before


def test_checkout_does_not_close_yesterdays_checkin(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    monkeypatch.setenv("KQ_CLOCK", "2026-11-23T16:00")
    kq("--repo", root, "--today", "2026-11-23", "checkin", "hx")
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T09:00", "checkout", "hx")
    assert result.exit_code == 2
    assert (_visits(root)[-1].at, _visits(root)[-1].minutes) == ("16:00", None)


def test_a_second_checkin_while_one_is_open_is_refused(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx")
    before = (root / "customers" / "hx.yaml").read_bytes()
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T09:45", "--lang", "en", "checkin", "hx")
    assert result.exit_code == 2
    assert result.stderr == "kq: already checked in at 华信大药房 at 09:40: kq checkout hx first\n"
    assert (root / "customers" / "hx.yaml").read_bytes() == before


def test_checkin_after_checkout_starts_a_new_visit(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx")
    _kq_at(kq, monkeypatch, root, "2026-11-24T10:00", "checkout", "hx")
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T15:00", "checkin", "hx")
    assert result.exit_code == 0, result.output
    assert [(v.at, v.minutes) for v in _visits(root)[1:]] == [("09:40", 20), ("15:00", None)]


def test_checkin_and_checkout_keep_the_rest_of_the_file_byte_for_byte(git_repo, kq, monkeypatch):
    text = "# 重点客户\n" + HX.replace("tier: key", "tier: 'key'   # 每周二")
    root = git_repo({"hx": text})
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx")
    _kq_at(kq, monkeypatch, root, "2026-11-24T10:30", "checkout", "hx", "--outcome", "好")
    after = (root / "customers" / "hx.yaml").read_text(encoding="utf-8")
    assert after == text + ('  - date: 2026-11-24\n    kind: visit\n    at: "09:40"\n'
                            '    outcome: 好\n    minutes: 50\n')


# --- photos ------------------------------------------------------------------------------------


def test_log_copies_photos_under_stable_names_and_commits_them(git_repo, kq, tmp_path):
    root = git_repo({"hx": HX})
    shelf = _picture(tmp_path / "IMG_0001.JPG")
    sign = _picture(tmp_path / "sign.png", "PNG")
    original = shelf.read_bytes()
    result = kq("--repo", root, "--today", TODAY, "log", "hx", "--goal", "查端架",
                "--outcome", "到位", "--photo", shelf, "--photo", sign)
    assert result.exit_code == 0, result.output
    assert _visits(root)[-1].photos == ["media/hx/2026-11-24-1.jpg", "media/hx/2026-11-24-2.png"]
    assert (root / "media/hx/2026-11-24-1.jpg").read_bytes() == original
    assert shelf.read_bytes() == original  # copied, never moved
    assert git(root, "ls-files", "media").splitlines() == [
        "media/hx/2026-11-24-1.jpg", "media/hx/2026-11-24-2.png"]
    assert git(root, "show", "--name-only", "--format=%s", "HEAD").split() == [
        "log:", "华信大药房", "visit", "2026-11-24,", "2", "photos",
        "customers/hx.yaml", "media/hx/2026-11-24-1.jpg", "media/hx/2026-11-24-2.png"]
    assert git(root, "status", "--porcelain", "customers", "media") == ""


def test_a_later_photo_of_the_same_day_takes_the_next_free_number(git_repo, kq, tmp_path):
    root = git_repo({"hx": HX})
    shelf = _picture(tmp_path / "a.jpg")
    kq("--repo", root, "--today", TODAY, "log", "hx", "--photo", shelf)
    kq("--repo", root, "--today", TODAY, "log", "hx", "--kind", "call", "--photo", shelf)
    kq("--repo", root, "--today", "2026-11-25", "log", "hx", "--photo", shelf)
    assert [p for v in _visits(root) for p in v.photos] == [
        "media/hx/2026-11-24-1.jpg", "media/hx/2026-11-24-2.jpg", "media/hx/2026-11-25-1.jpg"]


def test_the_extension_follows_the_picture_not_the_file_name(git_repo, kq, tmp_path):
    root = git_repo({"hx": HX})
    webp = _picture(tmp_path / "from-wechat.jpg", "WEBP")
    kq("--repo", root, "--today", TODAY, "log", "hx", "--photo", webp)
    assert _visits(root)[-1].photos == ["media/hx/2026-11-24-1.webp"]


@pytest.mark.parametrize("name, content", [("missing.jpg", None),
                                            ("notes.jpg", "这不是图片".encode()),
                                            ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)])
def test_a_missing_or_non_image_photo_is_one_line_and_nothing_is_written(
        git_repo, kq, tmp_path, name, content):
    root = git_repo({"hx": HX})
    good = _picture(tmp_path / "good.jpg")
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    before = (root / "customers" / "hx.yaml").read_bytes()
    result = kq("--repo", root, "--today", TODAY, "--lang", "en", "log", "hx",
                "--photo", good, "--photo", bad)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"kq: --photo: {bad}")
    assert (root / "customers" / "hx.yaml").read_bytes() == before
    assert not (root / "media").exists()
    assert git(root, "status", "--porcelain", "--untracked-files=all", "customers",
               "media") == ""
    assert git(root, "log", "--format=%s").splitlines() == ["start"]


def test_a_non_image_photo_is_said_in_chinese_by_default(git_repo, kq, tmp_path):
    root = git_repo({"hx": HX})
    (tmp_path / "a.txt").write_text("x")
    result = kq("--repo", root, "--today", TODAY, "log", "hx", "--photo", tmp_path / "a.txt")
    assert result.stderr == f"kq: --photo: {tmp_path / 'a.txt'} 不是图片 (JPEG, PNG, WebP, HEIC…)\n"


def test_checkout_adds_its_photos_to_the_checked_in_visit(git_repo, kq, monkeypatch, tmp_path):
    root = git_repo({"hx": HX})
    shelf = _picture(tmp_path / "a.jpg")
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx")
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T10:00", "checkout", "hx",
                    "--outcome", "好", "--photo", shelf)
    assert result.exit_code == 0, result.output
    assert _visits(root)[-1].photos == ["media/hx/2026-11-24-1.jpg"]
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == [
        "customers/hx.yaml", "media/hx/2026-11-24-1.jpg"]


def test_checkout_with_a_bad_photo_leaves_the_checkin_open(git_repo, kq, monkeypatch, tmp_path):
    root = git_repo({"hx": HX})
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx")
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T10:00", "checkout", "hx",
                    "--photo", tmp_path / "none.jpg")
    assert result.exit_code == 2
    assert (_visits(root)[-1].at, _visits(root)[-1].minutes) == ("09:40", None)
    assert not (root / "media").exists()


def test_show_lists_the_photos_of_each_interaction(git_repo, kq, tmp_path):
    root = git_repo({"hx": HX})
    kq("--repo", root, "--today", TODAY, "log", "hx", "--at", "09:40", "--minutes", "50",
       "--photo", _picture(tmp_path / "a.jpg"))
    result = kq("--repo", root, "--today", TODAY, "show", "hx")
    assert "media/hx/2026-11-24-1.jpg" in result.stdout
    assert "09:40" in result.stdout


# --- kq score ----------------------------------------------------------------------------------


SCORED = HX + """\
  - {date: 2026-11-03, kind: visit, goal: 查端架, outcome: 到位, at: "09:40", minutes: 50}
  - {date: 2026-11-10, kind: deep_visit, goal: 蹲点, outcome: 卖了 12 盒, minutes: 95}
  - {date: 2026-11-12, kind: call, minutes: 15}
  - {date: 2026-12-01, kind: visit, minutes: 30}
"""


def test_score_json_reports_the_months_minutes_in_person(make_repo, kq):
    root = make_repo({"hx": SCORED, "yk": "name: 云康\nkind: terminal\nowner: 李明\n"})
    result = kq("--repo", root, "--today", "2026-12-05", "score", "--month", "2026-11",
                "--format", "json")
    import json

    rows = {c["customer"]: c for c in json.loads(result.stdout)}
    assert rows["hx"]["visit_minutes"] == 145  # the call's 15 are not in person
    assert rows["yk"]["visit_minutes"] is None


def test_minutes_leave_the_visit_frequency_score_as_it_was(make_repo, kq):
    import json

    timed = make_repo({"hx": SCORED})
    untimed = make_repo({"hx": SCORED.replace(', at: "09:40"', "").replace(", minutes: 50", "")
                         .replace(", minutes: 95", "")}, root=timed.parent / "untimed")
    cards = [json.loads(kq("--repo", root, "--today", "2026-12-05", "score", "--month", "2026-11",
                           "--format", "json").stdout)[0] for root in (timed, untimed)]
    assert cards[0]["items"] == cards[1]["items"]
    assert (cards[0]["visit_minutes"], cards[1]["visit_minutes"]) == (145, None)


def test_score_by_owner_sums_the_reps_minutes(make_repo, kq):
    import json

    root = make_repo({"hx": SCORED, "yk": SCORED.replace("华信大药房", "云康")})
    result = kq("--repo", root, "--today", "2026-12-05", "score", "--month", "2026-11",
                "--by", "owner", "--format", "json")
    assert [(r["owner"], r["visit_minutes"]) for r in json.loads(result.stdout)] == [("李明", 290)]


# --- kq report ---------------------------------------------------------------------------------


def test_report_embeds_the_months_photos_as_small_thumbnails(git_repo, kq, tmp_path):
    import base64
    import io
    import re

    from PIL import Image

    root = git_repo({"hx": HX}, kq_yaml="reps:\n  - {name: 李明}\n")
    kq("--repo", root, "--today", TODAY, "log", "hx", "--goal", "查端架", "--outcome", "到位",
       "--photo", _picture(tmp_path / "big.jpg", size=(2000, 1500)))
    result = kq("--repo", root, "--today", TODAY, "report", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    sources = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)"', result.stdout)
    assert len(sources) == 1
    with Image.open(io.BytesIO(base64.b64decode(sources[0]))) as thumb:
        assert thumb.size == (240, 180)
    assert 'data-photos="hx"' in result.stdout
    assert "media/hx" not in re.sub(r'alt="[^"]*"', "", result.stdout)  # not linked: embedded


def test_report_skips_a_photo_it_cannot_read_with_a_note(git_repo, kq, tmp_path):
    root = git_repo({"hx": HX + "  - {date: 2026-11-23, kind: visit, photos: [media/hx/gone.jpg,"
                           " media/hx/2026-11-23-1.jpg]}\n"})
    (root / "media" / "hx").mkdir(parents=True)
    (root / "media" / "hx" / "2026-11-23-1.jpg").write_bytes(b"not a picture")
    result = kq("--repo", root, "--today", TODAY, "report", "--month", "2026-11")
    assert result.exit_code == 0
    assert "<img" not in result.stdout
    assert "media/hx/gone.jpg: 无法读取, 已跳过 (没有这个文件或文件夹)" in result.stdout
    assert "media/hx/2026-11-23-1.jpg: 无法读取, 已跳过" in result.stdout
    assert result.stderr.count("\n") == 2 and "media/hx/gone.jpg" in result.stderr


def test_a_planned_visit_takes_no_photo(git_repo, kq, tmp_path):
    root = git_repo({"hx": HX})
    result = kq("--repo", root, "--today", TODAY, "log", "hx", "--date", "2026-11-27",
                "--planned", "--goal", "送物料", "--photo", _picture(tmp_path / "a.jpg"))
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: --photo: 计划中的拜访还没发生")
    assert not (root / "media").exists()


def test_checkin_is_for_an_in_person_kind(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    result = _kq_at(kq, monkeypatch, root, "2026-11-24T09:40", "checkin", "hx", "--kind", "call")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: --kind: 只有当面拜访才签到")


def test_checkin_of_a_deep_visit_is_closed_by_checkout(git_repo, kq, monkeypatch):
    root = git_repo({"hx": HX})
    _kq_at(kq, monkeypatch, root, "2026-11-24T09:00", "checkin", "hx", "--kind", "蹲点")
    _kq_at(kq, monkeypatch, root, "2026-11-24T10:30", "checkout", "hx")
    last = _visits(root)[-1]
    assert (last.kind.value, last.at, last.minutes) == ("deep_visit", "09:00", 90)
