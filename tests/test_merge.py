"""The three-way merge of one customer file (kqcli.store.merge.merge, behind the git merge driver):
logs are unions copied from their text, fields changed on one side win, mappings and contacts
merge key by key, and only the same field changed two ways is left between markers."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from kqcli.store.merge import merge, restore_appended
from kqcli.store.validate import validate_customer
from kqcli.store.yamlread import load

BASE = """\
# 华信大药房 — 重点客户，每周二上午拜访
name: 华信大药房
grade: B   # 上季度评的
tier: key
contacts:
  - name: 王芳
    role: 店长
    phone: "13800001111"
  - name: 赵丽
    role: 店员
visits:
  - date: 2026-11-10
    kind: visit   # 第一次
    goal: 认识店长
  - date: 2026-11-20
    kind: visit
    goal: 推新品陈列
months:
  2026-09: {collections: 100000, reported: 2026-10-03}   # 对过账
"""

THEIR_VISIT = """\
  - date: 2026-11-15   # 补记：上周的
    kind: call
    contact: 王芳
    goal: 约时间
"""

OUR_VISIT = """\
  - date: 2026-11-24
    kind: visit   # 我们的
    goal: 送物料
"""


def _after(text: str, anchor: str, insert: str) -> str:
    assert text.count(anchor) == 1
    return text.replace(anchor, anchor + insert)


def _data(text: str) -> dict:
    value, problem = load(text.encode(), "merged")
    assert problem is None, problem
    return value


def _clean(result: tuple[str, list[str]] | None) -> str:
    assert result is not None
    text, conflicts = result
    assert conflicts == []
    return text


LAST_VISIT = "    goal: 推新品陈列\n"


# --- the interaction log: a union --------------------------------------------------------------


def test_their_new_visit_is_copied_byte_for_byte_with_its_comment():
    theirs = BASE.replace("  - date: 2026-11-20\n", THEIR_VISIT + "  - date: 2026-11-20\n")

    text = _clean(merge(BASE, BASE, theirs))

    assert THEIR_VISIT in text
    assert text == theirs


def test_their_visit_is_inserted_in_date_order_among_ours():
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)
    theirs = _after(BASE, LAST_VISIT, THEIR_VISIT)

    text = _clean(merge(BASE, ours, theirs))

    assert [str(v["date"]) for v in _data(text)["visits"]] == [
        "2026-11-10", "2026-11-15", "2026-11-20", "2026-11-24"]
    assert text == BASE.replace("  - date: 2026-11-20\n", THEIR_VISIT + "  - date: 2026-11-20\n"
                                ).replace(LAST_VISIT, LAST_VISIT + OUR_VISIT)


def test_our_comments_survive_a_union():
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)
    theirs = _after(BASE, LAST_VISIT, THEIR_VISIT)

    text = _clean(merge(BASE, ours, theirs))

    for comment in ("# 华信大药房 — 重点客户，每周二上午拜访\n", "grade: B   # 上季度评的\n",
                    "    kind: visit   # 第一次\n", "    kind: visit   # 我们的\n",
                    "   # 对过账\n"):
        assert comment in text


def test_the_same_visit_logged_on_both_sides_is_kept_once_per_side():
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)

    text = _clean(merge(BASE, ours, ours.replace("   # 我们的", "")))

    assert text == _after(BASE, LAST_VISIT, OUR_VISIT + OUR_VISIT.replace("   # 我们的", ""))


def test_identical_logs_on_both_sides_are_both_kept_even_when_the_texts_are_equal():
    ours = _after(BASE, LAST_VISIT, OUR_VISIT).replace("grade: B", "grade: A")
    theirs = _after(BASE, LAST_VISIT, OUR_VISIT)

    text = _clean(merge(BASE, ours, theirs))

    assert [str(v["date"]) for v in _data(text)["visits"]] == [
        "2026-11-10", "2026-11-20", "2026-11-24", "2026-11-24"]


def test_the_same_visit_appended_twice_on_their_side_is_added_twice():
    ours = BASE.replace("grade: B", "grade: A")
    theirs = _after(BASE, LAST_VISIT, OUR_VISIT + OUR_VISIT)

    text = _clean(merge(BASE, ours, theirs))

    assert text == _after(ours, LAST_VISIT, OUR_VISIT + OUR_VISIT)


def test_their_copy_of_an_old_visit_is_added_once_beside_it():
    old_visit = "  - date: 2026-11-20\n    kind: visit\n    goal: 推新品陈列\n"
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)
    theirs = _after(BASE, LAST_VISIT, old_visit)

    text = _clean(merge(BASE, ours, theirs))

    assert text == _after(BASE, LAST_VISIT, old_visit + OUR_VISIT)


def test_a_step_they_marked_done_is_done_in_ours_in_place_while_we_logged():
    """kq done on their side writes done_on into a visit's step; we logged a visit meanwhile:
    the visit is there once, with the step done (it was there twice, the step still open)."""
    step = "    next: {date: 2026-11-27, action: 送陈列物料}\n"
    base = _after(BASE, LAST_VISIT, step)
    ours = _after(base, step, OUR_VISIT)
    theirs = base.replace(step, "    next: {date: 2026-11-27, action: 送陈列物料, done_on: "
                                "2026-11-26}   # 送到了\n")

    text = _clean(merge(base, ours, theirs))

    assert text == _after(theirs, "# 送到了\n", OUR_VISIT)
    visits = _data(text)["visits"]
    assert [v["date"].isoformat() for v in visits] == ["2026-11-10", "2026-11-20", "2026-11-24"]
    assert visits[1]["next"]["done_on"].isoformat() == "2026-11-26"


def test_a_visit_they_removed_goes_from_ours_while_we_logged():
    """kq undo of a log on their side, a new visit on ours: the undone visit does not survive
    the merge."""
    first = "  - date: 2026-11-10\n    kind: visit   # 第一次\n    goal: 认识店长\n"
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)
    theirs = BASE.replace(first, "")

    text = _clean(merge(BASE, ours, theirs))

    assert text == _after(theirs, LAST_VISIT, OUR_VISIT)


def test_the_same_change_made_on_both_sides_is_there_once():
    """Both reps marked the same step done on the same day: one visit, done (it was two)."""
    step = "    next: {date: 2026-11-27, action: 送陈列物料}\n"
    base = _after(BASE, LAST_VISIT, step)
    done = base.replace(step, "    next: {date: 2026-11-27, action: 送陈列物料, done_on: 2026-11-26}\n")
    ours = _after(done, "done_on: 2026-11-26}\n", OUR_VISIT)

    text = _clean(merge(base, ours, done))

    assert text == ours


def test_a_replay_of_a_change_that_arrived_the_same_needs_nothing():
    """git took the file as it was (both sides made the same change): the check after the
    replay does not take the changed visit for one the commit appended."""
    step = "    next: {date: 2026-11-27, action: 送陈列物料}\n"
    base = _after(BASE, LAST_VISIT, step)
    done = base.replace(step, "    next: {date: 2026-11-27, action: 送陈列物料, done_on: 2026-11-26}\n")

    assert restore_appended(base, done, done, done) is None


def test_their_list_in_flow_style_leaves_our_comments_in_ours():
    """Their tool wrote the log as [{...}, {...}]: their new and changed visits are written
    into our block list, whose comments stay (the whole list was written out again)."""
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)
    flow = ("visits: [{date: 2026-11-10, kind: visit, goal: 认识店长, outcome: 加了微信}, "
            "{date: 2026-11-15, kind: call, goal: 约时间}, "
            "{date: 2026-11-20, kind: visit, goal: 推新品陈列}]\n")
    start, end = BASE.index("visits:\n"), BASE.index("months:")
    theirs = BASE[:start] + flow + BASE[end:]

    text = _clean(merge(BASE, ours, theirs))

    assert "kind: visit   # 第一次" not in text  # their version of that visit replaced ours
    assert "kind: visit   # 我们的" in text and "# 对过账" in text and "# 上季度评的" in text
    visits = _data(text)["visits"]
    assert [(v["date"].day, v["goal"], v.get("outcome")) for v in visits] == [
        (10, "认识店长", "加了微信"), (15, "约时间", None), (20, "推新品陈列", None),
        (24, "送物料", None)]


def test_a_visit_changed_on_both_sides_keeps_both_versions():
    """Nothing either side wrote is lost: each version of the same visit stays."""
    ours = BASE.replace("    goal: 认识店长\n", "    goal: 认识店长\n    outcome: 加了微信\n")
    theirs = BASE.replace("    goal: 认识店长\n", "    goal: 认识店长\n    outcome: 约了下周\n")

    text = _clean(merge(BASE, ours, theirs))

    outcomes = [v.get("outcome") for v in _data(text)["visits"]]
    assert sorted(o for o in outcomes if o) == ["加了微信", "约了下周"]


def test_intel_they_confirmed_by_a_second_source_is_confirmed_in_ours():
    """kq intel adds a source on their side while we noted another claim."""
    claim = "intel:\n  - {date: 2026-11-01, claim: 准备接手竞品乙, sources: [店员小张]}\n"
    base = BASE + claim
    ours = base + "  - {date: 2026-11-21, claim: 店长要调走, sources: [王芳]}\n"
    theirs = base.replace("sources: [店员小张]", "sources: [店员小张, 送货司机]")

    text = _clean(merge(base, ours, theirs))

    assert [(i["claim"], i["sources"]) for i in _data(text)["intel"]] == [
        ("准备接手竞品乙", ["店员小张", "送货司机"]), ("店长要调走", ["王芳"])]


# --- a replayed commit keeps what it appended (kq sync's rebase) -------------------------------


def test_a_replay_that_lost_an_identical_entry_gets_it_back():
    original = _after(BASE, LAST_VISIT, OUR_VISIT)

    fixed = restore_appended(BASE, original, original, original)

    assert fixed == _after(BASE, LAST_VISIT, OUR_VISIT + OUR_VISIT)


def test_a_replay_that_kept_its_entry_needs_nothing():
    original = _after(BASE, LAST_VISIT, OUR_VISIT)
    replayed_onto = _after(BASE, LAST_VISIT, THEIR_VISIT)

    replayed = _after(replayed_onto, LAST_VISIT, OUR_VISIT)

    assert restore_appended(BASE, original, replayed_onto, replayed) is None


def test_a_replay_of_two_identical_entries_that_kept_one_gets_the_second():
    original = _after(BASE, LAST_VISIT, OUR_VISIT + OUR_VISIT)
    onto = _after(BASE, LAST_VISIT, OUR_VISIT)

    fixed = restore_appended(BASE, original, onto, _after(BASE, LAST_VISIT, OUR_VISIT + OUR_VISIT))

    assert fixed == _after(BASE, LAST_VISIT, OUR_VISIT * 3)


def test_a_replay_of_a_commit_that_appended_nothing_needs_nothing():
    assert restore_appended(BASE, BASE.replace("grade: B", "grade: A"), BASE, BASE) is None


def test_a_replay_with_an_unreadable_version_changes_nothing():
    original = _after(BASE, LAST_VISIT, OUR_VISIT)

    assert restore_appended(BASE, original, BASE, "name: [unclosed\n") is None


def test_their_visit_is_reindented_to_our_layout():
    ours = BASE.replace("\n  - date:", "\n- date:").replace("\n    kind:", "\n  kind:").replace(
        "\n    goal:", "\n  goal:").replace("  goal: 推新品陈列\n", "  goal: 推新品陈列\n- date: 2026-11-24\n"
                                           "  kind: call\n")
    theirs = _after(BASE, LAST_VISIT, THEIR_VISIT)

    text = _clean(merge(BASE, ours, theirs))

    assert ("  goal: 认识店长\n- date: 2026-11-15   # 补记：上周的\n  kind: call\n  contact: 王芳\n"
            "  goal: 约时间\n- date: 2026-11-20\n") in text
    assert text.replace("- date: 2026-11-15   # 补记：上周的\n  kind: call\n  contact: 王芳\n"
                        "  goal: 约时间\n", "") == ours


def test_merged_union_is_a_valid_customer():
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)
    theirs = _after(BASE, LAST_VISIT, THEIR_VISIT)

    customer, problems = validate_customer(_clean(merge(BASE, ours, theirs)).encode(), "hx.yaml")

    assert problems == []
    assert [v.kind.value for v in customer.visits] == ["visit", "call", "visit", "visit"]


def test_expenses_are_a_union_too():
    base = "name: 华信\nexpenses:\n  - {date: 2026-10-12, amount: 300, purpose: 陈列奖励}\n"
    ours = base + "  - {date: 2026-11-20, amount: 200, purpose: 茶点}\n"
    theirs = base + "  - {date: 2026-11-02, amount: 50, purpose: 打车}\n"

    text = _clean(merge(base, ours, theirs))

    assert [e["amount"] for e in _data(text)["expenses"]] == [300, 50, 200]


# --- fields: one side wins, or both ------------------------------------------------------------


def test_different_fields_changed_on_each_side_both_win():
    ours = BASE.replace("grade: B", "grade: A")
    theirs = BASE.replace("tier: key", "tier: secondary")

    text = _clean(merge(BASE, ours, theirs))

    assert text == BASE.replace("grade: B", "grade: A").replace("tier: key", "tier: secondary")


def test_a_field_changed_only_on_their_side_takes_their_text():
    theirs = BASE.replace("tier: key\n", "tier: secondary   # 降级了\n")

    text = _clean(merge(BASE, BASE.replace("grade: B", "grade: A"), theirs))

    assert "tier: secondary   # 降级了\n" in text
    assert "grade: A   # 上季度评的\n" in text


def test_a_field_removed_on_their_side_is_removed():
    theirs = BASE.replace("tier: key\n", "")

    text = _clean(merge(BASE, BASE.replace("grade: B", "grade: A"), theirs))

    assert "tier" not in _data(text)
    assert _data(text)["grade"] == "A"


def test_months_added_on_each_side_are_both_kept():
    ours = BASE + "  2026-10: {collections: 120000}\n"
    theirs = BASE + "  2026-11: {collections: 90000}\n"

    months = _data(_clean(merge(BASE, ours, theirs)))["months"]

    assert list(months) == ["2026-09", "2026-10", "2026-11"]
    assert months["2026-10"] == {"collections": 120000}
    assert months["2026-11"] == {"collections": 90000}
    assert str(months["2026-09"]["reported"]) == "2026-10-03"


def test_different_figures_of_one_month_merge_field_by_field():
    ours = BASE.replace("collections: 100000,", "collections: 100000, shipments: 80000,")
    theirs = BASE.replace("collections: 100000,", "collections: 100000, inventory: 40000,")

    month = _data(_clean(merge(BASE, ours, theirs)))["months"]["2026-09"]

    assert month["shipments"] == 80000 and month["inventory"] == 40000
    assert month["collections"] == 100000


def test_contacts_merge_by_name():
    ours = BASE.replace("    role: 店员\n", "    role: 店员\n  - name: 李小梅\n    role: 店员\n")
    theirs = BASE.replace('"13800001111"', '"13999990000"')

    contacts = _data(_clean(merge(BASE, ours, theirs)))["contacts"]

    assert [c["name"] for c in contacts] == ["王芳", "赵丽", "李小梅"]
    assert contacts[0]["phone"] == "13999990000"
    assert contacts[0]["role"] == "店长"


def test_contact_removed_on_their_side_while_we_add_one():
    ours = BASE.replace("    role: 店员\n", "    role: 店员\n  - name: 李小梅\n")
    theirs = BASE.replace("  - name: 赵丽\n    role: 店员\n", "")

    contacts = _data(_clean(merge(BASE, ours, theirs)))["contacts"]

    assert [c["name"] for c in contacts] == ["王芳", "李小梅"]


def test_our_comment_inside_contacts_survives_when_both_sides_change_contacts():
    base = BASE.replace("    role: 店长\n", "    role: 店长   # 拍板的人\n")
    ours = base.replace("    role: 店员\n", "    role: 店员\n  - name: 李小梅\n")
    theirs = base.replace('"13800001111"', '"13999990000"')

    text = _clean(merge(base, ours, theirs))

    assert "    role: 店长   # 拍板的人\n" in text


# --- conflicts ---------------------------------------------------------------------------------


def test_same_field_changed_two_ways_is_a_conflict_with_both_values():
    result = merge(BASE, BASE.replace("grade: B", "grade: A"), BASE.replace("grade: B", "grade: C"))

    assert result is not None
    text, conflicts = result
    assert conflicts == ["grade"]
    assert ("<<<<<<< ours\ngrade: A   # 上季度评的\n=======\ngrade: C   # 上季度评的\n"
            ">>>>>>> theirs\n") in text


def test_a_conflict_leaves_the_rest_of_the_file_alone():
    text, _ = merge(BASE, BASE.replace("grade: B", "grade: A"), BASE.replace("grade: B", "grade: C"))

    marked = text.split("<<<<<<< ours\n")
    assert marked[0] == "# 华信大药房 — 重点客户，每周二上午拜访\nname: 华信大药房\n"
    assert text.split(">>>>>>> theirs\n")[1] == BASE.split("grade: B   # 上季度评的\n")[1]


def test_a_conflict_deep_in_months_names_its_path():
    result = merge(BASE, BASE.replace("collections: 100000", "collections: 110000"),
                   BASE.replace("collections: 100000", "collections: 120000"))

    text, conflicts = result
    assert conflicts == ["months.2026-09.collections"]
    assert "110000" in text.split("=======")[0] and "120000" in text.split("=======")[1]


def test_a_contact_conflict_names_the_contact():
    _, conflicts = merge(BASE, BASE.replace('"13800001111"', '"1"'),
                         BASE.replace('"13800001111"', '"2"'))

    assert conflicts == ["contacts[王芳].phone"]


def test_a_conflicted_result_is_reported_by_the_reader():
    text, _ = merge(BASE, BASE.replace("grade: B", "grade: A"), BASE.replace("grade: B", "grade: C"))

    value, problem = load(text.encode(), "customers/hx.yaml")

    assert value is None
    assert problem.line == 3
    assert problem.message.startswith("unresolved merge conflict")


def test_a_conflict_does_not_stop_their_later_visit_from_merging():
    ours = _after(BASE.replace("grade: B", "grade: A"), LAST_VISIT, OUR_VISIT)
    theirs = _after(BASE.replace("grade: B", "grade: C"), LAST_VISIT, THEIR_VISIT)

    result = merge(BASE, ours, theirs)

    assert result is not None
    text, conflicts = result
    assert conflicts == ["grade"]
    assert THEIR_VISIT in text and OUR_VISIT in text


def test_a_conflict_does_not_stop_a_later_field_changed_on_their_side():
    result = merge(BASE, BASE.replace("grade: B", "grade: A"),
                   BASE.replace("grade: B", "grade: C").replace("tier: key", "tier: secondary"))

    assert result is not None
    assert "tier: secondary\n" in result[0]


def test_conflict_markers_are_whole_lines_without_a_final_newline():
    text, _ = merge("name: 华信\ngrade: B\n", "name: 华信\ngrade: A", "name: 华信\ngrade: C")

    lines = text.splitlines()
    assert "=======" in lines
    assert ">>>>>>> theirs" in lines
    assert "grade: A" in lines and "grade: C" in lines


def test_a_file_added_on_both_sides_merges_against_an_empty_base():
    result = merge("", "name: 华信\ngrade: A\n", "name: 华信\ngrade: B\n")

    assert result is not None
    assert result[1] == ["grade"]


# --- unreadable sides --------------------------------------------------------------------------


@pytest.mark.parametrize("broken", [
    "name: [unclosed\n",
    "- a list, not a customer\n",
    "<<<<<<< ours\nname: a\n=======\nname: b\n>>>>>>> theirs\n",
    "name: a\nname: b\n",
])
def test_an_unreadable_side_returns_none(broken):
    assert merge(BASE, BASE, broken) is None
    assert merge(BASE, broken, BASE) is None
    assert merge(broken, BASE, BASE) is None


# --- the driver git runs -----------------------------------------------------------------------


def _driver(tmp_path, base: bytes, ours: bytes, theirs: bytes) -> tuple[subprocess.CompletedProcess,
                                                                       bytes]:
    paths = []
    for name, data in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    done = subprocess.run([sys.executable, "-m", "kqcli", "merge-driver", *paths, "customers/hx.yaml"],
                          capture_output=True, text=True, timeout=60)
    return done, (tmp_path / "ours").read_bytes()


def test_driver_writes_the_merge_into_ours_and_exits_0(tmp_path):
    ours = _after(BASE, LAST_VISIT, OUR_VISIT)
    theirs = _after(BASE, LAST_VISIT, THEIR_VISIT)

    done, result = _driver(tmp_path, BASE.encode(), ours.encode(), theirs.encode())

    assert done.returncode == 0, done.stderr
    assert result.decode() == _clean(merge(BASE, ours, theirs))


def test_driver_exits_1_and_names_the_field_on_a_conflict(tmp_path):
    done, result = _driver(tmp_path, BASE.encode(), BASE.replace("grade: B", "grade: A").encode(),
                           BASE.replace("grade: B", "grade: C").encode())

    assert done.returncode == 1
    assert "customers/hx.yaml: grade 的改动有冲突" in done.stderr
    assert b"<<<<<<< ours\n" in result


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_driver_falls_back_to_a_line_merge_when_a_side_is_unreadable(tmp_path):
    broken = BASE.replace("tier: key", "tier: [key")
    ours = BASE.replace("goal: 认识店长", "goal: 认识店长和店员")

    done, result = _driver(tmp_path, BASE.encode(), ours.encode(), broken.encode())

    assert done.returncode == 0, done.stderr
    assert result.decode() == broken.replace("goal: 认识店长", "goal: 认识店长和店员")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_driver_falls_back_to_a_line_merge_when_a_side_is_not_utf8(tmp_path):
    """A file saved in GBK by another tool: git's line merge, never a traceback."""
    gbk = BASE.replace("grade: B   # 上季度评的", "grade: B").encode("gbk")
    ours = BASE.replace("goal: 认识店长", "goal: 认识店长和店员")

    done, result = _driver(tmp_path, BASE.encode(), ours.encode(), gbk)

    assert "Traceback" not in done.stderr
    assert done.returncode == 1  # both changed the first visit's lines: git's markers
    assert b"<<<<<<< ours\n" in result and "goal: 认识店长和店员".encode() in result


def test_driver_keeps_crlf_line_endings(tmp_path):
    crlf = lambda text: text.replace("\n", "\r\n").encode()  # noqa: E731
    ours = BASE.replace("grade: B", "grade: A")
    theirs = BASE.replace("tier: key", "tier: secondary")

    done, result = _driver(tmp_path, crlf(BASE), crlf(ours), crlf(theirs))

    assert done.returncode == 0, done.stderr
    assert result == crlf(BASE.replace("grade: B", "grade: A").replace("tier: key", "tier: secondary"))


def test_contacts_merge_item_by_item_keeping_both_sides_text():
    base = ("name: 华信\ncontacts:\n  - name: 王芳   # 店长\n    phone: \"1\"\n"
            "  - name: 小李\n    role: 店员\n")
    ours = base.replace('phone: "1"', 'phone: "2"')
    theirs = base.replace("  - name: 小李\n    role: 店员\n", "") + \
        "  - name: 小张  # 新来的\n    role: 店员\n"
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == []
    assert text == ("name: 华信\ncontacts:\n  - name: 王芳   # 店长\n    phone: \"2\"\n"
                    "  - name: 小张  # 新来的\n    role: 店员\n")


def test_their_removed_contact_goes_and_our_new_one_stays():
    base = "name: 华信\ncontacts:\n  - name: 小李\n    role: 店员\n"
    ours = "name: 华信\ncontacts:\n  - name: 小李\n    role: 店员\n  - name: 王芳\n"
    theirs = "name: 华信\ncontacts: []\n"
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == []
    assert yaml.safe_load(text)["contacts"] == [{"name": "王芳"}]


def test_their_deletion_of_our_only_contact_leaves_an_empty_list():
    base = "name: 华信\ncontacts:\n  - name: 小李\n  - name: 老王\n"
    ours = "name: 华信  # 总店\ncontacts:\n  - name: 小李\n  - name: 老王\n    role: 老板\n"
    theirs = "name: 华信\ncontacts:\n  - name: 老王\n"
    text, conflicts = merge(base, ours, theirs)
    assert conflicts == []
    assert text == "name: 华信  # 总店\ncontacts:\n  - name: 老王\n    role: 老板\n"


# --- the log merge as a multiset, over random histories -----------------------------------------


def _log(visits: list[tuple[int, str, str]], flow: bool) -> str:
    if not visits:
        return "name: 华信\nvisits: []\n"
    lines = [f"  - {{date: 2026-11-{d:02d}, kind: {k}, goal: {g}}}\n" if flow else
             f"  - date: 2026-11-{d:02d}\n    kind: {k}\n    goal: {g}\n" for d, k, g in visits]
    return "name: 华信\nvisits:\n" + "".join(lines)


def _changed(rng, base: list) -> tuple[list, list]:
    """A side's history: visits logged, undone (removed) and changed (a new goal); and the
    values it changed to."""
    side, changed_to = list(base), []
    for _ in range(rng.randint(0, 3)):
        roll = rng.random()
        if roll < 0.4:
            side.append((rng.randint(1, 9), rng.choice(["visit", "call"]), rng.choice("甲乙丙丁")))
        elif side and roll < 0.7:
            side.pop(rng.randrange(len(side)))
        elif side:
            n = rng.randrange(len(side))
            side[n] = (*side[n][:2], rng.choice("甲乙丙丁戊"))
            changed_to.append(side[n])
    return sorted(side, key=lambda v: v[0]), changed_to


def test_the_log_merge_is_ours_plus_theirs_minus_the_base_as_multisets():
    """For any two histories of one log: each entry occurs as often as ours and theirs have it,
    less the base's count (an entry appended on both sides twice, one removed or changed on
    one side gone or changed); in block and flow layout alike, with no conflict. (Histories
    where both sides changed an entry to the same value are left to the test above: that
    change is there once.)"""
    import collections
    import random

    for seed in range(400):
        rng = random.Random(seed)
        base = sorted([(rng.randint(1, 9), rng.choice(["visit", "call"]), rng.choice("甲乙丙丁"))
                       for _ in range(rng.randint(0, 5))], key=lambda v: v[0])
        (ours, ours_to), (theirs, theirs_to) = _changed(rng, base), _changed(rng, base)
        if set(ours_to) & set(theirs_to):
            continue
        flow = bool(seed % 2)
        text = _clean(merge(_log(base, flow), _log(ours, flow), _log(theirs, flow)))
        got = collections.Counter((v["date"].day, v["kind"], v["goal"])
                                  for v in _data(text)["visits"] or [])
        b, o, t = (collections.Counter(side) for side in (base, ours, theirs))
        want = t if ours == base else collections.Counter(
            {v: o[v] + t[v] - b[v] for v in {*b, *o, *t} if o[v] + t[v] - b[v] > 0})
        assert got == want, (seed, base, ours, theirs)


# --- skips, acks and issues are logs too ----------------------------------------------------

ISSUE_ONE = "  - {opened: 2026-11-18, kind: return, text: 变质退货12箱}\n"


def test_a_skip_on_each_side_keeps_both_without_a_conflict():
    ours = BASE + "skips:\n  - {date: 2026-11-24, reason: 店休}\n"
    theirs = BASE + "skips:\n  - {date: 2026-11-26, reason: 暴雨}\n"

    text = _clean(merge(BASE, ours, theirs))

    assert [str(s["date"]) for s in _data(text)["skips"]] == ["2026-11-24", "2026-11-26"]


def test_an_ack_on_each_side_keeps_both_without_a_conflict():
    base = BASE + "acks:\n  - {reason: risk, on: 2026-11-01, seen: [collections:aa]}\n"
    ours = base + "  - {reason: risk, on: 2026-11-24, seen: [inventory:bb]}\n"
    theirs = base + "  - {reason: risk, on: 2026-11-25, seen: [stockout:cc]}\n"

    text = _clean(merge(base, ours, theirs))

    assert [a["seen"] for a in _data(text)["acks"]] == [
        ["collections:aa"], ["inventory:bb"], ["stockout:cc"]]


def test_an_issue_closed_on_one_side_keeps_its_number_while_the_other_opens_one():
    base = BASE + "issues:\n" + ISSUE_ONE
    ours = base + "  - {opened: 2026-11-24, kind: complaint, text: 送货晚了}\n"
    theirs = BASE + "issues:\n" + ISSUE_ONE.replace(
        "}", ", closed: 2026-11-25, note: 批号已查}")

    text = _clean(merge(base, ours, theirs))

    issues = _data(text)["issues"]
    assert [(i["text"], str(i.get("closed"))) for i in issues] == [
        ("变质退货12箱", "2026-11-25"), ("送货晚了", "None")]
    customer, problems = validate_customer(text.encode(), "hx.yaml")
    assert problems == [] and len(customer.issues) == 2
