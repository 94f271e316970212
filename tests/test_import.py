"""kq import customers|figures, and output for Excel (--format xlsx, --format csv --bom)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from helpers import git as _git

from kqcli.store.importing import (
    CUSTOMER_HEADERS,
    Sheet,
    map_columns,
    new_file_text,
    read_sheet,
    to_amount,
    to_date,
    to_lunar,
    to_phone,
    update_text,
)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

RENMIN = """\
name: 华信大药房(人民路店)
kind: 终端  # 连锁
tier: key
owner: 李明
contacts:
  - name: 王芳  # 店长
    role: 店长
    phone: "13808711234"
"""

HEADER = ["客户名称", "类型", "分类", "业代", "片区", "联系人", "手机", "开业日期", "农历生日", "传真"]


def _xlsx(path: Path, rows: list[list[object]], title: str | None = "客户名单") -> Path:
    """A sheet as an ERP export looks: a title line, then the header, then the rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _sheet(tmp_path: Path) -> Path:
    return _xlsx(tmp_path / "客户.xlsx", [
        HEADER,
        ["华信大药房(人民路店)", "终端", "重点", "李明", "昆明/五华区", "王芳", 13808719999, None,
         None, None],
        ["同仁堂(翠湖)", "终端", "特级", "李明", "昆明/五华区", "张三", "1380000", "2015-02-30",
         None, None],
        ["健民药房", "终端", "次重点", "王强", "昆明/西山区", "赵丽", "139 8716 0235",
         dt.date(2016, 3, 1), "八月十五", "0871-1234"],
    ])


def _json(result) -> list[dict]:
    return json.loads(result.stdout)






# --- the core: cells --------------------------------------------------------------------------


def test_phone_from_an_excel_number_spaces_dashes_or_country_code_is_eleven_digits():
    assert to_phone(13808711234.0) == "13808711234"
    assert to_phone("138-0871-1234") == "13808711234"
    assert to_phone("+86 138 0871 1234") == "13808711234"


def test_landline_keeps_its_area_code_as_written():
    assert to_phone("0871-65123456") == "0871-65123456"


def test_short_phone_is_a_problem():
    with pytest.raises(ValueError, match=r"^'1380000' is not a phone number"):
        to_phone("1380000")


def test_dates_as_chinese_sheets_write_them():
    assert to_date("2015年5月18日") == dt.date(2015, 5, 18)
    assert to_date("2015/5/18") == dt.date(2015, 5, 18)
    assert to_date("20150518") == dt.date(2015, 5, 18)
    assert to_date(dt.datetime(2015, 5, 18, 0, 0)) == dt.date(2015, 5, 18)


def test_impossible_date_is_a_problem():
    with pytest.raises(ValueError, match=r"^'2015-02-30' is not a real date$"):
        to_date("2015-02-30")


def test_lunar_birthday_in_digits_or_chinese():
    assert to_lunar("8-15") == "08-15"
    assert to_lunar("八月十五") == "08-15"
    assert to_lunar("闰四月初十") == "L04-10"
    assert to_lunar("腊月廿三") == "12-23"


def test_amount_drops_thousands_separators_and_keeps_whole_numbers_whole():
    assert to_amount("120,000") == 120000
    assert to_amount(120000.0) == 120000
    assert to_amount("¥1,234.5") == 1234.5


def test_negative_amount_is_a_problem():
    with pytest.raises(ValueError, match=r"^'-5' is negative$"):
        to_amount("-5")


def test_headers_map_by_chinese_or_english_name_and_unknown_ones_are_listed():
    sheet = Sheet("x.csv", 1, ["客户名称", "Phone", " 片区 ", "*业务员", "传真"], [])
    assert map_columns(sheet, CUSTOMER_HEADERS, {}) == (
        {0: "name", 1: "contact.phone", 2: "region", 3: "owner"}, ["传真"])


def test_a_second_column_for_the_same_field_is_listed_not_used():
    sheet = Sheet("x.csv", 1, ["客户名称", "手机", "电话"], [])
    mapping, unknown = map_columns(sheet, CUSTOMER_HEADERS, {})
    assert (mapping, [str(u) for u in unknown]) == (
        {0: "name", 1: "contact.phone"}, ["电话 (a second contact.phone column)"])


def test_header_row_under_a_title_line_is_found_and_rows_keep_excel_numbers():
    sheet = read_sheet([["客户名单"], [], ["客户名称", "手机"], ["华信", 1], ["", ""], ["健民", 2]],
                       "x.xlsx", CUSTOMER_HEADERS)
    assert (sheet.header_row, sheet.headers) == (3, ["客户名称", "手机"])
    assert sheet.rows == [(4, ["华信", 1]), (6, ["健民", 2])]


def test_new_file_has_the_schema_line_fields_in_schema_order_and_one_contact():
    text = new_file_text({"contact.phone": "13808711234", "tier": "key", "name": "健民药房",
                          "contact.name": "赵丽", "anniversary": dt.date(2016, 3, 1),
                          "tags": ["连锁", "医保"]})
    assert text == ("# yaml-language-server: $schema=../.kq/schema.json\n"
                    "name: 健民药房\n"
                    "tier: key\n"
                    "tags: [连锁, 医保]\n"
                    "anniversary: 2016-03-01\n"
                    "contacts:\n"
                    "  - name: 赵丽\n"
                    "    phone: \"13808711234\"\n")


def test_update_sets_only_changed_fields_and_keeps_comments():
    text, changed = update_text(RENMIN, {"name": "华信大药房(人民路店)", "kind": "terminal",
                                         "tier": "secondary", "contact.name": "王芳",
                                         "contact.phone": "13808719999"})
    assert changed == ["tier", "contacts[王芳].phone"]
    assert text == RENMIN.replace("tier: key", "tier: secondary").replace(
        '"13808711234"', '"13808719999"')


def test_update_adds_a_contact_not_yet_known():
    text, changed = update_text(RENMIN, {"contact.name": "赵丽", "contact.role": "店员"})
    assert changed == ["contacts[赵丽]"]
    assert text == RENMIN + "  - name: 赵丽\n    role: 店员\n"


# --- kq import customers ----------------------------------------------------------------------


def test_dry_run_plans_update_skip_and_create_with_located_problems(make_repo, kq, tmp_path):
    root = make_repo({"hx-renmin": RENMIN})
    result = kq("--repo", root, "import", "customers", _sheet(tmp_path), "--format", "json")
    assert result.exit_code == 1
    path = str(tmp_path / "客户.xlsx")
    assert _json(result) == [
        {"row": 3, "action": "update", "customer": "hx-renmin", "name": "华信大药房(人民路店)",
         "fields": ["region", "contacts[王芳].phone"], "problems": []},
        {"row": 4, "action": "skip", "customer": None, "name": "同仁堂(翠湖)", "fields": [],
         "problems": [
             f"{path}:4:分类: '特级' is not one of key | secondary | normal "
             "(or 次重点, 重点, 非重点)",
             f"{path}:4:手机: '1380000' is not a phone number (an 11-digit mobile, or "
             "0871-65123456)",
             f"{path}:4:开业日期: '2015-02-30' is not a real date"]},
        {"row": 5, "action": "create", "customer": "jmyf", "name": "健民药房",
         "fields": ["name", "kind", "tier", "owner", "region", "anniversary", "contacts"],
         "problems": []},
    ]


def test_unknown_headers_are_named_on_stderr(make_repo, kq, tmp_path):
    result = kq("--lang", "en", "--repo", make_repo({}), "import", "customers", _sheet(tmp_path))
    assert (f"kq: {tmp_path / '客户.xlsx'}: not imported (unknown headers): 传真; name them with "
            "--map 'Header=field' or ignore them with --map 'Header='\n") in result.stderr


def test_dry_run_writes_nothing(make_repo, kq, tmp_path):
    root = make_repo({"hx-renmin": RENMIN})
    kq("--repo", root, "import", "customers", _sheet(tmp_path))
    assert sorted(p.name for p in (root / "customers").iterdir()) == ["hx-renmin.yaml"]
    assert (root / "customers" / "hx-renmin.yaml").read_text(encoding="utf-8") == RENMIN


@needs_git
def test_apply_writes_every_good_row_in_one_commit(git_repo, kq, tmp_path):
    root = git_repo({"hx-renmin": RENMIN})
    result = kq("--repo", root, "import", "customers", _sheet(tmp_path), "--apply")
    assert result.exit_code == 1  # row 4 had problems and was skipped
    assert _git(root, "log", "--format=%s").splitlines() == [
        "import: 1 new, 1 updated customers from 客户.xlsx", "start"]
    assert _git(root, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "customers/hx-renmin.yaml", "customers/jmyf.yaml"]
    assert _git(root, "status", "--porcelain") == ""


@needs_git
def test_apply_updates_an_existing_customer_byte_preserving(git_repo, kq, tmp_path):
    root = git_repo({"hx-renmin": RENMIN})
    kq("--repo", root, "import", "customers", _sheet(tmp_path), "--apply")
    assert (root / "customers" / "hx-renmin.yaml").read_text(encoding="utf-8") == (
        RENMIN.replace('"13808711234"', '"13808719999"') + "region: 昆明/五华区\n")


@needs_git
def test_apply_creates_a_valid_file_named_by_pinyin_initials(git_repo, kq, tmp_path):
    root = git_repo({"hx-renmin": RENMIN})
    kq("--repo", root, "import", "customers", _sheet(tmp_path), "--apply")
    assert (root / "customers" / "jmyf.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../.kq/schema.json\n"
        "name: 健民药房\n"
        "kind: terminal\n"
        "tier: secondary\n"
        "owner: 王强\n"
        "region: 昆明/西山区\n"
        "anniversary: 2016-03-01\n"
        "contacts:\n"
        "  - name: 赵丽\n"
        "    phone: \"13987160235\"\n"
        "    lunar_birthday: 08-15\n")
    assert kq("--repo", root, "check").exit_code == 0


@needs_git
def test_reimport_of_the_same_sheet_changes_nothing_and_creates_no_duplicate(git_repo, kq, tmp_path):
    root = git_repo({"hx-renmin": RENMIN})
    sheet = _sheet(tmp_path)
    kq("--lang", "en", "--repo", root, "import", "customers", sheet, "--apply")
    again = kq("--lang", "en", "--repo", root, "import", "customers", sheet, "--apply", "--format", "json")
    assert [r["action"] for r in _json(again)] == ["skip", "skip", "skip"]
    assert sorted(p.name for p in (root / "customers").iterdir()) == ["hx-renmin.yaml", "jmyf.yaml"]
    assert len(_git(root, "log", "--format=%s").splitlines()) == 2
    assert again.stderr.endswith("kq: nothing to write\n")


def test_reimport_of_a_changed_row_updates_instead_of_duplicating(make_repo, kq, tmp_path):
    root = make_repo({"jmyf": "name: 健民药房\ntier: secondary\n"})
    sheet = _xlsx(tmp_path / "c.xlsx", [["名称", "分类"], ["健民药房", "重点"]], title=None)
    result = kq("--repo", root, "import", "customers", sheet, "--apply", "--format", "json")
    assert [(r["action"], r["customer"]) for r in _json(result)] == [("update", "jmyf")]
    assert sorted(p.name for p in (root / "customers").iterdir()) == ["jmyf.yaml"]
    assert (root / "customers" / "jmyf.yaml").read_text(encoding="utf-8") == (
        "name: 健民药房\ntier: key\n")


def test_new_ids_are_unique_against_files_and_each_other(make_repo, kq, tmp_path):
    root = make_repo({"jmyf": "name: 健民药房(总店)\n"})
    sheet = _xlsx(tmp_path / "c.xlsx", [["name"], ["健民药房"], ["佳美药房"]], title=None)
    result = kq("--repo", root, "import", "customers", sheet, "--format", "json")
    assert [r["customer"] for r in _json(result)] == ["jmyf-2", "jmyf-3"]


def test_a_name_twice_in_the_sheet_is_imported_once(make_repo, kq, tmp_path):
    sheet = _xlsx(tmp_path / "c.xlsx", [["客户名称"], ["健民药房"], ["健民药房"]], title=None)
    rows = _json(kq("--repo", make_repo({}), "import", "customers", sheet, "--format", "json"))
    assert [r["action"] for r in rows] == ["create", "skip"]
    assert rows[1]["problems"] == [f"{sheet}:3:客户名称: the same name as row 2; only the first "
                                   "is imported"]


def _store_phone(tmp_path: Path, phone: object = "0871-65123456") -> Path:
    return _xlsx(tmp_path / "c.xlsx", [["客户名称", "电话"], ["健民药房", phone]], title=None)


def test_a_phone_without_a_contact_name_is_the_new_customers_own_phone(make_repo, kq, tmp_path):
    sheet = _store_phone(tmp_path)
    rows = _json(kq("--repo", make_repo({}), "--today", "2026-11-24", "import", "customers",
                    sheet, "--format", "json"))
    assert [(r["action"], r["fields"], r["problems"]) for r in rows] == [
        ("create", ["name", "phone"], [])]


@needs_git
def test_a_store_phone_is_written_as_the_customers_phone_in_quotes(git_repo, kq, tmp_path):
    root = git_repo({})
    result = kq("--repo", root, "--today", "2026-11-24", "import", "customers",
                _store_phone(tmp_path, 13987160235), "--apply")
    assert result.exit_code == 0, result.stderr
    assert (root / "customers" / "jmyf.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../.kq/schema.json\n"
        "name: 健民药房\n"
        'phone: "13987160235"\n')
    assert kq("--repo", root, "--today", "2026-11-24", "check").exit_code == 0


def test_a_store_phone_updates_the_phone_of_a_customer_already_there(make_repo, kq, tmp_path):
    root = make_repo({"jmyf": "name: 健民药房\nphone: \"0871-11111111\"\n"})
    result = kq("--repo", root, "--today", "2026-11-24", "import", "customers",
                _store_phone(tmp_path), "--apply", "--format", "json")
    assert [(r["action"], r["fields"]) for r in _json(result)] == [("update", ["phone"])]
    assert (root / "customers" / "jmyf.yaml").read_text(encoding="utf-8") == (
        "name: 健民药房\nphone: 0871-65123456\n")


def test_the_import_summary_says_a_phone_became_the_stores_phone(make_repo, kq, tmp_path):
    result = kq("--repo", make_repo({}), "--today", "2026-11-24", "import", "customers",
                _store_phone(tmp_path))
    assert "新建 1 个, 更新 0 个, 跳过 0 个; 1 个没有联系人姓名的电话记为门店电话; 试运行" in result.stdout


def test_a_wechat_without_a_contact_name_is_still_a_problem(make_repo, kq, tmp_path):
    sheet = _xlsx(tmp_path / "c.xlsx", [["客户名称", "电话", "微信"],
                                        ["健民药房", "13987160235", "jmyf88"]], title=None)
    rows = _json(kq("--repo", make_repo({}), "--today", "2026-11-24", "import", "customers",
                    sheet, "--format", "json"))
    assert rows[0]["problems"] == [f"{sheet}:2:联系人: a WeChat, birthday, role or gender needs "
                                   "the contact's name"]


def test_grade_that_does_not_fit_the_status_is_reported_at_its_column(make_repo, kq, tmp_path):
    sheet = _xlsx(tmp_path / "c.xlsx", [["客户名称", "状态", "等级"], ["健民药房", "意向", "A"]],
                  title=None)
    rows = _json(kq("--repo", make_repo({}), "import", "customers", sheet, "--format", "json"))
    assert rows[0]["problems"] == [f"{sheet}:2:等级: 'A' is not a grade of a prospect customer "
                                   "(use near | later)"]


GBK_CSV = ("客户名称,类型,联系人,手机,生日\r\n"
           "曲靖康润医药,经销商,刘洋,13887400001,1980-06-01\r\n"
           "德生堂(麒麟东路),终端,周敏,1388740,1990-13-01\r\n"
           ",终端,,,\r\n")


def test_gbk_csv_is_read_and_bad_rows_are_reported_by_row(make_repo, kq, tmp_path):
    path = tmp_path / "客户.csv"
    path.write_bytes(GBK_CSV.encode("gbk"))
    result = kq("--repo", make_repo({}), "import", "customers", path, "--format", "json")
    assert result.exit_code == 1
    assert [(r["row"], r["action"], r["customer"], r["name"], r["problems"])
            for r in _json(result)] == [
        (2, "create", "qjkryy", "曲靖康润医药", []),
        (3, "skip", None, "德生堂(麒麟东路)", [
            f"{path}:3:手机: '1388740' is not a phone number (an 11-digit mobile, or "
            "0871-65123456)",
            f"{path}:3:生日: '1990-13-01' is not a real date"]),
        (4, "skip", None, None, [f"{path}:4:客户名称: no name; the row is skipped"]),
    ]


def test_utf8_csv_with_a_byte_order_mark_reads_its_first_header(make_repo, kq, tmp_path):
    path = tmp_path / "客户.csv"
    path.write_bytes("客户名称,区域\n健民药房,昆明/西山区\n".encode("utf-8-sig"))
    result = kq("--repo", make_repo({}), "import", "customers", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert _json(result)[0]["fields"] == ["name", "region"]
    assert "unknown headers" not in result.stderr


def test_map_names_headers_kq_does_not_know_and_ignores_others(make_repo, kq, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("店铺,店长,手机号码,传真\n健民药房,赵丽,13987160235,0871-1\n", encoding="utf-8")
    root = make_repo({})
    result = kq("--repo", root, "import", "customers", path, "--map",
                "店铺=name,店长=contact.name,手机号码=phone,传真=", "--apply")
    assert result.exit_code == 0, result.stderr
    assert "unknown headers" not in result.stderr
    assert (root / "customers" / "jmyf.yaml").read_text(encoding="utf-8").endswith(
        "contacts:\n  - name: 赵丽\n    phone: \"13987160235\"\n")


def test_map_to_a_field_that_does_not_exist_is_a_usage_error(make_repo, kq, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("店铺\n健民药房\n", encoding="utf-8")
    result = kq("--lang", "en", "--repo", make_repo({}), "import", "customers", path, "--map", "店铺=shop")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: --map: 'shop' is not a field; use one of id, name, kind")


def test_a_sheet_without_a_name_column_is_a_usage_error(make_repo, kq, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("店铺,手机\n健民药房,13987160235\n", encoding="utf-8")
    result = kq("--lang", "en", "--repo", make_repo({}), "import", "customers", path)
    assert result.exit_code == 2
    assert result.stderr.endswith("kq: no column for the customer's name (客户名称, 名称, name); "
                                  "name it with --map 'Header=name'\n")


def test_a_file_that_is_not_a_sheet_is_one_line_not_a_traceback(make_repo, kq, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"not a zip")
    result = kq("--lang", "en", "--repo", make_repo({}), "import", "customers", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kq: {path}: cannot read it as a spreadsheet")
    assert len(result.stderr.splitlines()) == 1


def test_json_rows_always_carry_every_key(make_repo, kq, tmp_path):
    rows = _json(kq("--repo", make_repo({}), "import", "customers", _sheet(tmp_path),
                    "--format", "json"))
    assert {tuple(r) for r in rows} == {("row", "action", "customer", "name", "fields",
                                        "problems")}


# --- kq import figures ------------------------------------------------------------------------

KANGRUN = "name: 曲靖康润医药有限公司\nkind: distributor\nmonths:\n  2026-10: {collections: 100}\n"


def _figures(tmp_path: Path) -> Path:
    return _xlsx(tmp_path / "月报.xlsx", [
        ["客户编码", "客户名称", "回款", "发货", "库存", "出销", "动销"],
        [None, "曲靖康润医药有限公司", 120000, 130000.0, "40,000", None, None],
        ["hx-renmin", None, 8000, None, None, 5000, 4800],
        [None, "不存在的药店", 100, None, None, None, None],
    ], title="2026年11月销售月报")


def test_figures_dry_run_matches_by_name_or_code_and_reports_unmatched_rows(make_repo, kq,
                                                                            tmp_path):
    root = make_repo({"dist-qjkr": KANGRUN, "hx-renmin": RENMIN})
    result = kq("--repo", root, "--today", "2026-12-03", "import", "figures", _figures(tmp_path),
                "--month", "2026-11", "--format", "json")
    assert result.exit_code == 1
    assert _json(result) == [
        {"row": 3, "action": "create", "customer": "dist-qjkr", "name": "曲靖康润医药有限公司",
         "month": "2026-11", "fields": ["collections", "shipments", "inventory", "reported"],
         "problems": []},
        {"row": 4, "action": "create", "customer": "hx-renmin", "name": "华信大药房(人民路店)",
         "month": "2026-11", "fields": ["collections", "sell_out", "movement", "reported"],
         "problems": []},
        {"row": 5, "action": "skip", "customer": None, "name": "不存在的药店", "month": "2026-11",
         "fields": [], "problems": [f"{tmp_path / '月报.xlsx'}:5:客户名称: '不存在的药店' "
                                    "matches no customer"]},
    ]


@needs_git
def test_figures_apply_writes_the_month_in_one_commit_and_empty_cells_stay_unknown(
        git_repo, kq, tmp_path):
    root = git_repo({"dist-qjkr": KANGRUN, "hx-renmin": RENMIN})
    kq("--repo", root, "--today", "2026-12-03", "import", "figures", _figures(tmp_path),
       "--month", "2026-11", "--apply")
    assert (root / "customers" / "dist-qjkr.yaml").read_text(encoding="utf-8") == (
        KANGRUN + "  2026-11: {collections: 120000, shipments: 130000, inventory: 40000, "
                  "reported: 2026-12-03}\n")
    assert _git(root, "log", "--format=%s").splitlines() == [
        "import figures 2026-11: 2 customers from 月报.xlsx", "start"]
    assert _git(root, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "customers/dist-qjkr.yaml", "customers/hx-renmin.yaml"]


def test_figures_for_a_month_already_there_update_only_the_given_keys(make_repo, kq, tmp_path):
    text = ("name: 曲靖康润医药有限公司\nmonths:\n"
            "  2026-11: {collections: 1, inventory: 7, reported: 2026-12-01}  # 初报\n")
    root = make_repo({"dist-qjkr": text})
    sheet = _xlsx(tmp_path / "m.xlsx", [["客户名称", "回款", "库存"], ["曲靖康润医药有限公司", 2, 7]],
                  title=None)
    result = kq("--repo", root, "--today", "2026-12-05", "import", "figures", sheet, "--month",
                "2026-11", "--apply", "--format", "json")
    assert [(r["action"], r["fields"]) for r in _json(result)] == [("update", ["collections"])]
    assert (root / "customers" / "dist-qjkr.yaml").read_text(encoding="utf-8") == text.replace(
        "collections: 1,", "collections: 2,")


def test_figures_month_must_be_a_month(make_repo, kq, tmp_path):
    result = kq("--repo", make_repo({}), "--lang", "en", "import", "figures", _figures(tmp_path),
                "--month", "11月")
    assert result.exit_code == 2
    assert result.stderr == "kq: --month: '11月' is not a month; write YYYY-MM\n"


# --- output for Excel -------------------------------------------------------------------------

SHOPS = {"hx-renmin": RENMIN, "jmyf": "name: 健民药房\ntags: [连锁, 医保]\n"}


def test_list_as_xlsx_has_chinese_headers_and_reads_back(make_repo, kq, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "客户.xlsx"
    result = kq("--repo", make_repo(SHOPS), "list", "--format", "xlsx", "--output", out)
    assert result.exit_code == 0, result.stderr
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:6] == ["编号", "名称", "类型", "状态", "级", "分层"]
    assert rows[0][-2:] == ["联系人数", "互动次数"]
    assert rows[1][:6] == ["hx-renmin", "华信大药房(人民路店)", "终端", "", "", "重点"]
    assert rows[1][-2:] == [1, 0]
    assert rows[2][rows[0].index("标签")] == "连锁,医保"


def test_csv_bom_starts_stdout_with_the_utf8_byte_order_mark(make_repo, kq):
    result = kq("--repo", make_repo(SHOPS), "list", "--format", "csv", "--bom", "--keys")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfid,name,kind,")


def test_csv_bom_to_a_file_starts_with_the_byte_order_mark(make_repo, kq, tmp_path):
    out = tmp_path / "客户.csv"
    kq("--repo", make_repo(SHOPS), "list", "--format", "csv", "--bom", "--keys", "--output", out)
    assert out.read_bytes().startswith("\ufeffid,name,kind,".encode())
    assert out.read_bytes().count(b"\xef\xbb\xbf") == 1


def test_csv_without_bom_has_none(make_repo, kq):
    result = kq("--repo", make_repo(SHOPS), "list", "--format", "csv", "--keys")
    assert result.stdout_bytes.startswith(b"id,name,kind,")


def test_bom_with_json_is_a_usage_error(make_repo, kq):
    result = kq("--repo", make_repo(SHOPS), "list", "--format", "json", "--bom")
    assert result.exit_code == 2
    assert result.stderr == "kq: --bom 用于 --format csv (或 tsv)\n"


def test_xlsx_spreads_a_nested_mapping_over_named_columns(tmp_path):
    from python_calamine import CalamineWorkbook

    from kqcli.cli.render import write_xlsx

    out = tmp_path / "s.xlsx"
    write_xlsx(out, [{"customer": "hx", "items": {"feedback": 8, "favour": 6}, "total": 14}], [],
               title="2026-11 score")
    assert CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python() == [
        ["客户编号", "项目.信息反馈", "项目.帮忙", "总分"], ["hx", 8, 6, 14]]
