"""A day in the field simulated on examples/ (issue 27): 李明's Tuesday 2026-11-24 — the fixed
route at 春城 checked in at 09:30 and out at 10:25 with a photo, a shelf check of 维C泡腾片
above its price band, a visit logged with its next step, a complaint and an expense, and the
16:00 route at 昆明百货 skipped — then kq day lists each of them, kq team --day counts them, and
kq due the next morning lists the skipped route again, the next step and the shelf's risk."""

from __future__ import annotations

import json

import pytest
from helpers import commit_all, git, needs_git


@pytest.fixture
def day_done(examples_copy, kq, monkeypatch, tmp_path):
    """The repository after 李明's day; each kq command commits once."""
    from PIL import Image

    root = examples_copy
    commit_all(root)
    photo = tmp_path / "shelf.jpg"
    Image.new("RGB", (8, 8), "red").save(photo)
    today = ("--repo", root, "--today", "2026-11-24")
    for clock, args in (
            ("09:30", ("checkin", "ka-chuncheng", "--contact", "吴国华", "--goal",
                       "年底备货和端架陈列")),
            ("09:50", ("shelf", "ka-chuncheng", "--sku", "维C泡腾片", "--facings", "6",
                       "--price", "23.5", "--stock", "120", "--pop", "yes")),
            ("10:25", ("checkout", "ka-chuncheng", "--outcome", "同意追加 200 件, 端架两周",
                       "--photo", str(photo))),
            ("11:00", ("log", "hx-dongfeng", "--contact", "周建国", "--goal", "查陈列",
                       "--outcome", "端架缺货, 已补", "--next-date", "2026-11-26",
                       "--next-action", "送陈列物料")),
            ("12:00", ("issue", "hx-renmin", "店员反映钙铁锌有沉淀", "--kind", "quality")),
            ("12:05", ("expense", "hx-renmin", "200", "--purpose", "店员培训茶点",
                       "--recipient", "王芳")),
            ("15:30", ("skip", "ka-kmbh", "--reason", "采购经理出差"))):
        monkeypatch.setenv("KQ_CLOCK", f"2026-11-24T{clock}")
        result = kq(*today, *args)
        assert result.exit_code == 0, (args, result.stderr)
    monkeypatch.delenv("KQ_CLOCK")
    return root


def _due(kq, root, today: str) -> list[tuple[str, str, str]]:
    result = kq("--repo", root, "--today", today, "due", "--owner", "李明", "--format", "json")
    return [(r["customer"], r["reason"], r["due"]) for r in json.loads(result.stdout)]


@needs_git
def test_each_command_of_the_day_is_one_commit(day_done):
    assert len(git(day_done, "log", "--format=%s").splitlines()) == 8  # start + 7 commands
    assert git(day_done, "log", "--format=%s").splitlines()[:4] == [
        "skip: 昆明百货大楼(医药保健专柜) 2026-11-24 -> 2026-11-25: 采购经理出差",
        "expense: 华信大药房(人民路店) 200 店员培训茶点 2026-11-24",
        "issue: 华信大药房(人民路店) #1 quality: 店员反映钙铁锌有沉淀",
        "log: 华信大药房(东风路店) visit 2026-11-24"]


@needs_git
def test_kq_day_lists_the_visits_the_skip_the_photo_the_shelf_check_and_the_rest(day_done, kq):
    result = kq("--repo", day_done, "--today", "2026-11-24", "day", "--owner", "李明",
                "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {(r["customer"], r["state"]): r for r in json.loads(result.stdout)}
    assert sorted(rows) == [("hx-dongfeng", "done"), ("hx-renmin", "missed"),
                            ("ka-chuncheng", "done"), ("ka-kmbh", "skipped")]
    route = rows["ka-chuncheng", "done"]
    assert (route["time"], route["minutes"], route["photos"], route["outcome"]) == (
        "09:30", 55, ["media/ka-chuncheng/2026-11-24-1.jpg"], "同意追加 200 件, 端架两周")
    assert route["shelf"][0]["findings"] == [
        {"finding": "price_high", "price": 23.5, "band": [18.0, 22.0]}]
    visit = rows["hx-dongfeng", "done"]
    assert (visit["goal"], visit["outcome"], visit["next"]) == (
        "查陈列", "端架缺货, 已补", {"date": "2026-11-26", "action": "送陈列物料"})
    assert (rows["hx-renmin", "missed"]["issues"], rows["hx-renmin", "missed"]["expenses"]) == (
        [{"kind": "quality", "text": "店员反映钙铁锌有沉淀"}],
        [{"amount": 200, "purpose": "店员培训茶点", "recipient": "王芳", "kind": "regular"}])
    assert rows["ka-kmbh", "skipped"]["skipped"] == {"reason": "采购经理出差",
                                                     "to": "2026-11-25"}


@needs_git
def test_kq_day_markdown_names_each_part_of_the_day(day_done, kq):
    text = kq("--repo", day_done, "--today", "2026-11-24", "day", "--owner", "李明",
              "--format", "md").stdout
    for part in ("09:30 · 春城大药房连锁(总部) · 拜访 55 分钟 · 见 吴国华",
                 "货架: 维C泡腾片 排面 6, ¥23.5, 库存 120, POP (价格 23.5 高于 18-22)",
                 "照片 1 张", "下一步: 2026-11-26 送陈列物料", "新质量问题: 店员反映钙铁锌有沉淀",
                 "客情费: ¥200 (店员培训茶点, 王芳)", "**改期**\n- 昆明百货大楼(医药保健专柜)\n"
                 "  - 改到 2026-11-25: 采购经理出差"):
        assert part in text, part


@needs_git
def test_kq_team_day_counts_the_day(day_done, kq):
    rows = json.loads(kq("--repo", day_done, "--today", "2026-11-24", "team", "--day",
                         "2026-11-24", "--format", "json").stdout)
    mine = next(r for r in rows if r["rep"] == "李明")
    assert {k: mine[k] for k in ("done", "skipped", "visits", "minutes", "photos",
                                 "expenses")} == {
        "done": 2, "skipped": 1, "visits": 2, "minutes": 55, "photos": 1, "expenses": 200}


@needs_git
def test_kq_due_hides_the_skipped_route_that_day_and_lists_it_the_next(day_done, kq):
    that_day, next_day = _due(kq, day_done, "2026-11-24"), _due(kq, day_done, "2026-11-25")
    assert [row for row in that_day if row[0] in ("ka-kmbh", "ka-chuncheng")
            and row[1] == "route"] == []
    assert sorted({row for row in next_day if row[1] in ("route", "visit", "next_action", "risk")
                   and row[0] in ("ka-kmbh", "ka-chuncheng", "hx-dongfeng")}) == [
        ("hx-dongfeng", "next_action", "2026-11-26"), ("ka-chuncheng", "risk", "2026-11-25"),
        ("ka-kmbh", "route", "2026-11-24")]


@needs_git
def test_the_shelf_check_above_its_band_is_a_risk_the_next_morning(day_done, kq):
    result = kq("--repo", day_done, "--today", "2026-11-25", "due", "--owner", "李明",
                "--reason", "risk", "--format", "json")
    assert any(r["customer"] == "ka-chuncheng" and "维C泡腾片" in r["message"]
               for r in json.loads(result.stdout))
