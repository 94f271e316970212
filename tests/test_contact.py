"""kq contact (issue 27): a person met at a customer added, or only the given fields of one
changed, byte for byte like kq log; one commit; a bad value is one line naming its option."""

from __future__ import annotations

import pytest
from helpers import git, needs_git

from kqcli.store.validate import validate_customer

TODAY = "2026-11-24"
SHOP = """\
# 华信: 东风路店
name: 华信大药房
kind: terminal
owner: 李明
contacts:
  - {name: 王芳, role: 店长}   # 老板娘的表妹
  - name: 周建国
    role: 采购
    phone: "13700651189"  # 只接下午
visits:
  - {date: 2026-11-10, kind: visit}
"""


@pytest.fixture
def shop(git_repo):
    return git_repo({"hx": SHOP}, kq_yaml="reps:\n  - {name: 李明}\n")


def text(root) -> str:
    return (root / "customers" / "hx.yaml").read_text(encoding="utf-8")


def contact(kq, root, *args: str):
    return kq("--repo", root, "--today", TODAY, "contact", "hx", *args)


def test_a_new_contact_is_appended_and_nothing_else_changes(kq, shop):
    result = contact(kq, shop, "赵六", "--role", "店员", "--phone", "13888001122",
                     "--lunar-birthday", "08-15")
    assert result.exit_code == 0, result.output
    assert text(shop) == SHOP.replace(
        '    phone: "13700651189"  # 只接下午\n',
        '    phone: "13700651189"  # 只接下午\n'
        '  - name: 赵六\n    role: 店员\n    phone: "13888001122"\n    lunar_birthday: 08-15\n')
    model, problems = validate_customer(text(shop).encode(), "hx.yaml")
    assert not problems and model.contacts[-1].lunar_birthday == "08-15"


def test_adding_a_contact_says_what_was_added(kq, shop):
    result = contact(kq, shop, "赵六", "--role", "店员")
    assert result.stdout.startswith("已添加 赵六 到 华信大药房 (提交 ")
    assert result.stdout.endswith("\n  role: 店员\n")


@needs_git
def test_a_contact_is_one_commit(kq, shop):
    contact(kq, shop, "赵六", "--role", "店员")
    assert git(shop, "log", "--format=%s", "-1") == "contact: 华信大药房 + 赵六\n"
    assert git(shop, "status", "--porcelain", "customers") == ""


def test_updating_a_flow_contact_changes_only_its_line(kq, shop):
    result = contact(kq, shop, "王芳", "--phone", "13911112222", "--level", "经理")
    assert result.exit_code == 0, result.output
    assert text(shop) == SHOP.replace(
        "  - {name: 王芳, role: 店长}   # 老板娘的表妹",
        '  - {name: 王芳, role: 店长, phone: "13911112222", level: 经理}   # 老板娘的表妹')


def test_updating_a_block_contact_replaces_only_the_value_given(kq, shop):
    result = contact(kq, shop, "周建国", "--phone", "13700000000", "--role", "采购")
    assert result.exit_code == 0, result.output
    assert text(shop) == SHOP.replace('"13700651189"  # 只接下午', '"13700000000"  # 只接下午')
    assert result.stdout.endswith("\n  phone: 13700651189 → 13700000000\n")


def test_an_update_that_changes_nothing_writes_nothing(kq, shop):
    result = contact(kq, shop, "王芳", "--role", "店长")
    assert (result.exit_code, result.stdout) == (0, "王芳 (华信大药房): 没有变化\n")
    assert text(shop) == SHOP


def test_an_alias_equal_to_the_stored_value_is_no_change(kq, shop):
    contact(kq, shop, "王芳", "--level", "manager")
    result = contact(kq, shop, "王芳", "--level", "经理")
    assert result.stdout == "王芳 (华信大药房): 没有变化\n"


@pytest.mark.parametrize(("args", "line"), [
    (["--birthday", "1980-02-30"], "kq: --birthday: '1980-02-30' is not a real date\n"),
    (["--lunar-birthday", "13-01"], "kq: --lunar-birthday: '13-01': a lunar month is 1-12 and "
                                    "a day 1-30\n"),
    (["--style", "乱"], "kq: --style: '乱' is not one of leader | influencer | checker | "
                       "follower (or 施加影响型, 检查型, 跟随型, 跟隨型, 领导型)\n"),
])
def test_a_bad_value_is_one_line_naming_the_option_and_nothing_is_written(kq, shop, args, line):
    result = contact(kq, shop, "王芳", *args)
    assert (result.exit_code, result.stderr) == (2, line)
    assert text(shop) == SHOP


def test_an_existing_contact_without_fields_asks_what_to_change(kq, shop):
    result = contact(kq, shop, "王芳")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: 王芳 已是 华信大药房 的联系人; 请给出要改的项 (--role, ")
    assert text(shop) == SHOP


def test_a_customer_without_contacts_gets_the_list(kq, git_repo):
    root = git_repo({"hx": "name: 华信大药房\n"})
    result = contact(kq, root, "赵六", "--role", "老板")
    assert result.exit_code == 0, result.output
    assert text(root) == "name: 华信大药房\ncontacts:\n  - name: 赵六\n    role: 老板\n"
