"""--format xlsx is a real spreadsheet: dates are dates, money and shares have number formats,
labels and headers are Chinese, the header row is filtered and frozen; every command that
offers xlsx or csv writes it with --output; LibreOffice reads the sheet back as kq meant it."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

REPS = "reps: [{name: 李明}, {name: 张强}]\n"

SHOP = """\
name: 华信大药房
kind: terminal
status: active
grade: A
tier: key
owner: 李明
region: 昆明/五华区
since: 2023-04-01
route: {weekday: tue, time: "09:30"}
contacts:
  - {name: 王芳, role: 店长}
visits:
  - {date: 2026-11-20, kind: visit, contact: 王芳, goal: 推新品陈列, outcome: 同意端架陈列}
months:
  2026-10: {collections: 1234567, reported: 2026-11-03}
"""


def _shop(**months: str) -> dict[str, str]:
    """The shop, with an expense line in October (``expenses``: its YAML)."""
    return {"hx": SHOP + "".join(f"{k}:\n{v}" for k, v in months.items())}


def _book(kq, root: Path, tmp_path: Path, *args: str, name: str = "out.xlsx"):
    """Run ``kq ARGS --format xlsx --output FILE`` and open the sheet it wrote."""
    from openpyxl import load_workbook

    out = tmp_path / name
    result = kq("--repo", root, "--today", "2026-11-24", *args, "--format", "xlsx", "--output", out)
    assert result.exit_code in (0, 1), result.stderr  # 1: a rule broken (kq expenses)
    return load_workbook(out).active


def _column(sheet, header: str) -> list:
    """The cells under ``header``."""
    headers = [c.value for c in sheet[1]]
    return [row[headers.index(header)] for row in sheet.iter_rows(min_row=2)]


# --- types and number formats ----------------------------------------------------------------


def test_a_date_is_a_date_cell_with_a_date_format(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "list")
    since = _column(sheet, "合作日期")[0]
    assert (since.value, since.number_format) == (dt.datetime(2023, 4, 1), "yyyy-mm-dd")


def test_a_due_date_is_a_date_not_text(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "due")
    assert {type(c.value) for c in _column(sheet, "日期")} == {dt.datetime}


def test_a_time_of_day_is_a_time_cell(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "route")
    time = _column(sheet, "时间")[0]
    assert (time.value, time.number_format) == (dt.time(9, 30), "hh:mm")


def test_money_is_a_number_with_thousands_separators(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "expenses", "--month", "2026-10")
    collections = _column(sheet, "回款")[0]
    assert (collections.value, collections.number_format) == (1234567, "#,##0")


def test_money_with_cents_shows_two_decimals(make_repo, kq, tmp_path):
    root = make_repo(_shop(expenses="  - {date: 2026-10-15, amount: 300.5, purpose: 陈列奖励, "
                                    "recipient: 王芳}\n"), REPS)
    sheet = _book(kq, root, tmp_path, "expenses", "--month", "2026-10")
    spent = _column(sheet, "客情费")[0]
    assert (spent.value, spent.number_format) == (300.5, "#,##0.00")


def test_a_share_is_a_percentage(make_repo, kq, tmp_path):
    root = make_repo({"hx": SHOP.replace("1234567", "120000") + "expenses:\n  - {date: "
                      "2026-10-15, amount: 2400, purpose: 陈列奖励, recipient: 王芳}\n"}, REPS)
    sheet = _book(kq, root, tmp_path, "expenses", "--month", "2026-10")
    share = _column(sheet, "占比")[0]
    assert (share.value, share.number_format) == (0.02, "0%")


def test_a_share_that_needs_a_tenth_of_a_per_cent_shows_it(make_repo, kq, tmp_path):
    root = make_repo({"hx": SHOP.replace("1234567", "120000") + "expenses:\n  - {date: "
                      "2026-10-15, amount: 3000, purpose: 陈列奖励, recipient: 王芳}\n"}, REPS)
    sheet = _book(kq, root, tmp_path, "expenses", "--month", "2026-10")
    share = _column(sheet, "占比")[0]
    assert (share.value, share.number_format) == (0.025, "0.0%")


def test_a_boolean_reads_yes_or_no(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "due")
    assert {c.value for c in _column(sheet, "估算")} == {"否"}


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": "name: =HYPERLINK(\"http://x\")\n"}, REPS), tmp_path,
                  "list")
    name = _column(sheet, "名称")[0]
    assert (name.value, name.data_type) == ('=HYPERLINK("http://x")', "s")


# --- labels, headers, the sheet -----------------------------------------------------------------


def test_enum_values_are_their_chinese_labels(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "list")
    row = {h.value: c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert (row["类型"], row["状态"], row["分层"], row["固定拜访.星期"]) == (
        "终端", "现有", "重点", "周二")


def test_a_due_reason_is_its_chinese_label(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "due")
    assert "固定拜访" in [c.value for c in _column(sheet, "原因")]


def test_classify_labels_the_current_and_suggested_values(make_repo, kq, tmp_path):
    root = make_repo({"hx": SHOP.replace("tier: key", "tier: normal")}, REPS)
    sheet = _book(kq, root, tmp_path, "classify", "--field", "tier")
    row = {h.value: c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert (row["字段"], row["现在"], row["建议"]) == ("分层", "非重点", "重点")


def test_score_names_the_missing_items_by_their_chinese_names(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "score", "--month", "2026-10")
    assert _column(sheet, "未评")[0].value == "首荐、产品知识"


def test_team_names_each_count_in_chinese(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "team", "--month", "2026-10")
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["业代", "客户数.合计", "客户数.重点"]
    assert "逾期.拜访" in headers


def test_every_header_of_the_morning_list_is_chinese(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "due")
    assert [c.value for c in sheet[1]] == ["客户编号", "客户", "原因", "日期", "逾期天数", "急",
                                           "说明", "业代", "区域", "时间", "估算"]


def test_the_sheet_has_a_chinese_name(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "expenses", "--month", "2026-10")
    assert sheet.title == "2026-10 客户采购及客情费统计表"


def test_the_header_row_has_a_filter_over_every_row(make_repo, kq, tmp_path):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "list")
    assert sheet.auto_filter.ref == "A1:U2"


def test_in_english_headers_labels_and_the_sheet_name_are_english(make_repo, kq, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, "due")
    assert (sheet.title, sheet["C1"].value) == ("due", "reason")
    assert {c.value for c in _column(sheet, "estimated")} == {"no"}


def test_a_long_sheet_name_is_cut_where_a_word_ends():
    from kqcli.cli.render import sheet_name

    assert sheet_name("2026-10 scorecards of every customer by rep") == "2026-10 scorecards of every"


def test_a_sheet_name_loses_the_characters_excel_refuses():
    from kqcli.cli.render import sheet_name

    assert sheet_name("昆明/五华区 [A]") == "昆明 五华区  A"


def test_a_long_chinese_sheet_name_is_cut_at_its_punctuation():
    from kqcli.cli.render import sheet_name

    assert sheet_name("2026-10 月客户采购及客情费统计表；按业代汇总的客户采购及客情费明细") == (
        "2026-10 月客户采购及客情费统计表")


# --- --output everywhere, xlsx to a pipe, never to a terminal ---------------------------------

SHEETS = [
    ("due", ["due"]),
    ("show", ["show", "hx"]),
    ("team", ["team", "--month", "2026-10"]),
    ("route", ["route"]),
    ("pool", ["pool"]),
    ("alert --list", ["alert", "--list"]),
    ("reassign", ["reassign", "李明", "--to", "张强"]),
]


@pytest.mark.parametrize(("name", "args"), SHEETS, ids=[n for n, _ in SHEETS])
def test_the_command_writes_its_sheet_to_output(make_repo, kq, tmp_path, name, args):
    sheet = _book(kq, make_repo({"hx": SHOP}, REPS), tmp_path, *args)
    assert sheet.max_row >= 1 and sheet["A1"].value


@pytest.mark.parametrize(("name", "args"), SHEETS, ids=[n for n, _ in SHEETS])
def test_the_command_writes_csv_with_a_byte_order_mark_to_output(make_repo, kq, tmp_path, name,
                                                                 args):
    out = tmp_path / "out.csv"
    result = kq("--repo", make_repo({"hx": SHOP}, REPS), "--today", "2026-11-24", *args,
                "--format", "csv", "--bom", "--output", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def _card(kq, root: Path, tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "card.xlsx"
    result = kq("--repo", root, "--today", "2026-11-24", "show", "hx", "--format", "xlsx", "--output", out)
    assert result.exit_code == 0, result.stderr
    return load_workbook(out)


def test_show_writes_a_sheet_for_the_customer_and_one_per_part_of_its_file(make_repo, kq,
                                                                           tmp_path):
    book = _card(kq, make_repo({"hx": SHOP}, REPS), tmp_path)
    assert book.sheetnames == ["华信大药房", "联系人", "往来", "月度"]


def test_show_sheets_have_typed_and_labelled_cells(make_repo, kq, tmp_path):
    book = _card(kq, make_repo({"hx": SHOP}, REPS), tmp_path)
    visit = {h.value: c.value for h, c in zip(book["往来"][1], book["往来"][2], strict=True)}
    month = {h.value: c for h, c in zip(book["月度"][1], book["月度"][2], strict=True)}
    assert (visit["日期"], visit["方式"]) == (dt.datetime(2026, 11, 20), "拜访")
    assert (month["月份"].value, month["回款"].value, month["回款"].number_format) == (
        "2026-10", 1234567, "#,##0")


def test_history_writes_its_sheet_to_output(git_repo, kq, tmp_path):
    sheet = _book(kq, git_repo({"hx": SHOP}, REPS), tmp_path, "history", "hx")
    assert _column(sheet, "字段")[0].value == "name"


def test_import_writes_its_plan_to_output(make_repo, kq, tmp_path):
    plan = tmp_path / "c.csv"
    plan.write_text("客户名称,类型\n健民药房,终端\n", encoding="utf-8")
    sheet = _book(kq, make_repo({}, REPS), tmp_path, "import", "customers", str(plan))
    assert [c.value for c in sheet[2]][:4] == [2, "新建", "jmyf", "健民药房"]


def test_xlsx_to_a_pipe_is_the_workbook(make_repo, kq, tmp_path):
    from openpyxl import load_workbook

    result = kq("--repo", make_repo({"hx": SHOP}, REPS), "--today", "2026-11-24", "due",
                "--format", "xlsx")
    assert result.exit_code == 0, result.stderr
    (tmp_path / "piped.xlsx").write_bytes(result.stdout_bytes)
    assert load_workbook(tmp_path / "piped.xlsx").active.title == "待办"


def test_xlsx_to_a_terminal_is_refused_naming_output(make_repo, kq, monkeypatch):
    import kqcli.cli.render as render

    monkeypatch.setattr(render, "stdout_is_a_terminal", lambda: True)
    result = kq("--repo", make_repo({"hx": SHOP}, REPS), "--today", "2026-11-24", "list", "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stderr == "kq: --format xlsx 写成文件; 加上 --output FILE.xlsx\n"
    assert result.stdout_bytes == b""


def test_due_table_with_output_is_a_usage_error(make_repo, kq, tmp_path):
    result = kq("--repo", make_repo({"hx": SHOP}, REPS), "--today", "2026-11-24", "--lang", "en",
                "due", "--output", tmp_path / "x.csv")
    assert result.exit_code == 2
    assert result.stderr == "kq: --output and --bom need --format xlsx, csv, tsv or json\n"


def test_due_json_to_output_is_the_same_as_to_stdout(make_repo, kq, tmp_path):
    root = make_repo({"hx": SHOP}, REPS)
    out = tmp_path / "due.json"
    kq("--repo", root, "--today", "2026-11-24", "due", "--format", "json", "--output", out)
    piped = kq("--repo", root, "--today", "2026-11-24", "due", "--format", "json")
    import json

    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(piped.stdout)


# --- LibreOffice reads it back ------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed; "
                                          "apt-get install libreoffice-calc-nogui")


def _as_libreoffice_shows(book: Path, tmp_path: Path) -> list[dict[str, str]]:
    """The sheet as LibreOffice Calc shows it, through its CSV export (UTF-8, as shown)."""
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir",
                    str(tmp_path / "csv"), str(book)], check=True, capture_output=True,
                   timeout=120)
    text = (tmp_path / "csv" / f"{book.stem}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@needs_soffice
def test_libreoffice_shows_dates_money_and_labels_as_kq_wrote_them(make_repo, kq, tmp_path):
    root = make_repo({"hx": SHOP}, REPS)
    book = tmp_path / "客户.xlsx"
    kq("--repo", root, "--today", "2026-11-24", "list", "--format", "xlsx", "--output", book)
    [row] = _as_libreoffice_shows(book, tmp_path)
    assert (row["编号"], row["类型"], row["分层"], row["合作日期"], row["上次拜访"],
            row["互动次数"]) == ("hx", "终端", "重点", "2023-04-01", "2026-11-20", "1")


@needs_soffice
def test_libreoffice_shows_money_with_separators_and_shares_as_percentages(make_repo, kq,
                                                                           tmp_path):
    root = make_repo({"hx": SHOP + "expenses:\n  - {date: 2026-10-15, amount: 3000, purpose: "
                      "陈列奖励, recipient: 王芳}\n"}, REPS)
    book = tmp_path / "客情费.xlsx"
    kq("--repo", root, "--today", "2026-11-24", "expenses", "--month", "2026-10", "--format",
       "xlsx", "--output", book)
    [row] = _as_libreoffice_shows(book, tmp_path)
    assert (row["回款"], row["客情费"], row["占比"]) == ("1,234,567", "3,000", "0.2%")


@needs_soffice
def test_libreoffice_shows_times_and_yes_or_no(make_repo, kq, tmp_path):
    root = make_repo({"hx": SHOP}, REPS)
    book = tmp_path / "路线.xlsx"
    kq("--repo", root, "--today", "2026-11-24", "route", "--format", "xlsx", "--output", book)
    rows = _as_libreoffice_shows(book, tmp_path)
    assert [(r["类别"], r["时间"], r["日期"], r["估算"]) for r in rows] == [
        ("固定拜访", "09:30", "2026-11-24", "否")]
