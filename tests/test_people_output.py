"""What a person reads is in their language (issue 24): lunar days as people write them, csv
for people (Chinese headers and labels) unless --keys, the core's and the store's messages
through the catalogue; JSON and --keys keep the English keys and texts scripts read."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kqcli.core import dates

HX = """\
name: 华信
kind: terminal
status: active
grade: A
owner: 李明
contacts:
  - name: 王芳
    lunar_birthday: "10-20"
  - name: 李强
    lunar_birthday: "L05-15"
visits:
  - {date: 2026-11-20, kind: visit, contact: 王芳}
"""


# -- lunar days --------------------------------------------------------------------------------


def test_a_lunar_day_is_written_in_chinese_notation():
    assert dates.lunar_day("10-20") == "农历十月二十"


def test_a_leap_lunar_day_names_the_leap_month():
    assert dates.lunar_day("L05-15") == "农历闰五月十五"


def test_the_first_and_last_lunar_months_have_their_names():
    assert (dates.lunar_day("01-01"), dates.lunar_day("12-30")) == ("农历正月初一", "农历腊月三十")


def test_a_lunar_day_in_english_stays_readable():
    assert (dates.lunar_day("10-20", "en"), dates.lunar_day("L05-15", "en")) == (
        "lunar 10-20", "lunar leap 05-15")


def test_show_writes_a_contacts_lunar_birthday_as_people_do(make_repo, kq):
    out = kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "show", "hx").stdout
    assert "农历十月二十" in out and "农历闰五月十五" in out
    assert "农历10-20" not in out and "L05-15" not in out


def test_show_writes_a_lunar_birthday_in_english_when_asked(make_repo, kq):
    out = kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "--lang", "en", "show",
             "hx").stdout
    assert "lunar 10-20" in out and "lunar leap 05-15" in out


def test_show_labels_its_fields_in_one_language(make_repo, kq):
    chinese = kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "show", "hx").stdout
    assert "类型" in chinese and "类型 kind" not in chinese and "最近往来 (1/1)" in chinese


# -- csv for people, --keys for scripts --------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_chinese_headers_and_labels_by_default(make_repo, kq):
    rows = _rows(kq("--repo", make_repo({"hx": HX}), "list", "--format", "csv").stdout)
    shown = dict(zip(rows[0], rows[1], strict=True))
    assert (shown["编号"], shown["类型"], shown["状态"], shown["业代"]) == (
        "hx", "终端", "现有", "李明")


def test_csv_with_keys_keeps_the_english_keys_and_values(make_repo, kq):
    rows = _rows(kq("--repo", make_repo({"hx": HX}), "list", "--format", "csv",
                    "--keys").stdout)
    shown = dict(zip(rows[0], rows[1], strict=True))
    assert (shown["id"], shown["kind"], shown["status"]) == ("hx", "terminal", "active")


def test_csv_for_people_is_english_with_lang_en(make_repo, kq):
    rows = _rows(kq("--repo", make_repo({"hx": HX}), "--lang", "en", "list", "--format",
                    "csv").stdout)
    assert rows[0][:3] == ["id", "name", "kind"] and rows[1][2] == "terminal"


def test_csv_for_people_says_yes_and_no_in_chinese(make_repo, kq):
    rows = _rows(kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "due", "--all",
                    "--format", "csv").stdout)
    estimated = rows[0].index("估算")
    assert {row[estimated] for row in rows[1:]} <= {"是", "否"}


def test_tsv_for_people_has_the_csv_headers(make_repo, kq):
    root = make_repo({"hx": HX})
    tsv = kq("--repo", root, "list", "--format", "tsv").stdout.splitlines()[0].split("\t")
    assert tsv == _rows(kq("--repo", root, "list", "--format", "csv").stdout)[0]


def test_json_keeps_its_keys_whatever_the_csv(make_repo, kq):
    found = json.loads(kq("--repo", make_repo({"hx": HX}), "list", "--format", "json").stdout)
    assert found[0]["kind"] == "terminal"


# -- messages of the core and the store --------------------------------------------------------


def test_an_unknown_contact_is_said_in_chinese(make_repo, kq):
    result = kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "log", "hx",
                "--contact", "王方")
    assert result.exit_code == 2
    assert result.stderr.strip() == "kq: --contact: 王方 不是 华信 的联系人; 是不是 王芳?"


def test_an_unknown_contact_is_said_in_english_when_asked(make_repo, kq):
    result = kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "--lang", "en", "log",
                "hx", "--contact", "王方")
    assert result.stderr.strip() == "kq: --contact: 王方 is not a contact of 华信; did you mean 王芳?"


def test_an_enum_typo_is_said_in_chinese(make_repo, kq):
    result = kq("--repo", make_repo({"hx": HX}), "list", "--kind", "shop")
    assert result.stderr.startswith("kq: --kind: 'shop' 不是可选值之一: distributor")


def test_fields_given_alone_that_go_together_are_named_in_chinese(make_repo, kq):
    result = kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "log", "hx",
                "--next-date", "2026-12-01")
    assert result.stderr.strip() == "kq: --next-date 和 --next-action 要一起给出"


def test_a_logged_visit_is_confirmed_in_chinese(git_repo, kq):
    result = kq("--repo", git_repo({"hx": HX}), "--today", "2026-11-24", "log", "hx",
                "--kind", "call", "--contact", "王芳")
    assert result.stdout.startswith("已登记 华信 2026-11-24 的电话 (提交 ")


def test_an_ambiguous_customer_is_said_in_chinese(make_repo, kq):
    root = make_repo({"hx1": "name: 华信一店\n", "hx2": "name: 华信二店\n"})
    result = kq("--repo", root, "show", "华信")
    assert result.stderr.startswith("kq: '华信' 匹配到 2 个客户; 请指明是哪个:")


def test_a_file_problem_is_said_in_chinese_around_the_field(make_repo, kq):
    root = make_repo({"hx": "name: 华信\nnmae: x\n"})
    result = kq("--repo", root, "check")
    assert "customers/hx.yaml:2:1: nmae: 不认识的键 'nmae'; 是不是 'name'?" in result.stdout


def test_a_file_problem_stays_english_when_asked(make_repo, kq):
    root = make_repo({"hx": "name: 华信\nnmae: x\n"})
    result = kq("--repo", root, "--lang", "en", "check")
    assert "customers/hx.yaml:2:1: nmae: unknown key 'nmae'; did you mean 'name'?" in result.stdout


def test_check_counts_in_chinese(make_repo, kq):
    result = kq("--repo", make_repo({"hx": HX}), "check")
    assert result.stderr.strip() == "已检查 1 个客户文件: 全部有效"


def test_an_import_problem_is_said_in_chinese_and_json_keeps_english(make_repo, kq, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("客户名称,手机\n新店,1387160\n", encoding="utf-8")
    root = make_repo({"hx": HX})
    table = kq("--repo", root, "import", "customers", sheet).stdout
    assert "'1387160' 不是电话号码" in table
    rows = json.loads(kq("--repo", root, "import", "customers", sheet, "--format", "json").stdout)
    assert rows[0]["problems"] == [
        f"{sheet}:2:手机: '1387160' is not a phone number (an 11-digit mobile, or 0871-65123456)"]


def test_an_import_summary_is_chinese(make_repo, kq, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("客户名称\n新店\n", encoding="utf-8")
    result = kq("--repo", make_repo({"hx": HX}), "import", "customers", sheet)
    assert f"{sheet}: 新建 1 个, 更新 0 个, 跳过 0 个; 试运行, 加 --apply 才写入" in result.stdout


@pytest.mark.parametrize("lang,said", [("zh", "没有改动"), ("en", "no changes")])
def test_edit_without_a_change_says_so_in_the_users_language(make_repo, kq, monkeypatch, lang,
                                                             said):
    import sys

    monkeypatch.setenv("EDITOR", f"{sys.executable} -c pass")
    result = kq("--repo", make_repo({"hx": HX}), "--lang", lang, "edit", "hx")
    assert result.stdout.strip() == said


def test_a_cards_sheet_writes_the_lunar_birthday_as_people_do(make_repo, kq, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "hx.xlsx"
    kq("--repo", make_repo({"hx": HX}), "--today", "2026-11-24", "show", "hx", "--format", "xlsx",
       "--output", out)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("联系人").to_python()
    column = rows[0].index("农历生日")
    assert [row[column] for row in rows[1:]] == ["农历十月二十", "农历闰五月十五"]


def test_why_a_file_cannot_be_read_is_said_in_chinese(kq, make_repo, tmp_path):
    root = make_repo({"hx": "name: 华信大药房\n"})
    result = kq("--repo", root, "import", "customers", tmp_path / "没有.csv")
    assert result.exit_code != 0
    assert result.stderr.endswith("无法读取: 没有这个文件或文件夹\n"), result.stderr
    english = kq("--repo", root, "--lang", "en", "import", "customers", tmp_path / "没有.csv")
    assert english.stderr.endswith("cannot read: No such file or directory\n"), english.stderr
