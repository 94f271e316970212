"""Write the sample sheets of examples/import/ that the README's import section uses.

    .venv/bin/python bench/make_import_examples.py

- customers.xlsx: a customer list as a rep keeps it in Excel (a title line, Chinese headers,
  phones typed as numbers, dates as Excel dates). Row 3 is 华信大药房(人民路店), already in
  examples/ (the import adds a clerk to it); row 9 has a short phone and 2019-02-29.
- figures-2026-11.xlsx: the company's November sales sheet, matched by 客户编码 (the kq id) or
  by 客户名称; row 8 names a shop kq does not know, and empty cells stay unknown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "examples" / "import"
FIXED = dt.datetime(2026, 11, 30, 9, 0)  # the same file properties on every run

CUSTOMERS = [
    ["客户名称", "类型", "状态", "等级", "分类", "业代", "片区", "地址", "联系人", "职务", "手机",
     "微信", "生日", "农历生日", "开业日期", "备注"],
    ["华信大药房(人民路店)", "终端", "现有", "A", "重点", "李明", "昆明/五华区", "人民中路 88 号",
     "孙悦", "店员", 13987161188, "sunyue_hx", dt.date(2001, 7, 9), None, None, None],
    ["同仁大药房(小西门)", "终端", "现有", "B", "次重点", "李明", "昆明/五华区", "东风西路 121 号",
     "杨丽", "店长", 13708712233, "yangli1985", dt.date(1985, 10, 2), None, dt.date(2012, 9, 18),
     "医保定点"],
    ["一心堂(篆新农贸)", "终端", "意向", "近期", "非重点", "李明", "昆明/西山区", "篆塘路 15 号",
     "马超", "店长", "138-8803-4567", None, None, "腊月廿三", dt.date(2019, 4, 28), None],
    ["佳家康药房(金马寺)", "终端", "现有", "C", "非重点", "王强", "昆明/盘龙区", "金马路 42 号",
     "刘桂英", "老板", 15912345678, None, None, "八月十五", "2008年6月6日", "夫妻店"],
    ["滇中医药有限公司", "经销商", "现有", "A", None, "陈静", "楚雄/楚雄市", "鹿城南路 300 号",
     "周建国", "采购经理", 18687001234, "zhoujg", dt.date(1976, 3, 21), None, None, "覆盖楚雄 3 县"],
    ["春城惠民药房(滇池路)", "终端", "潜在", None, None, "王强", "昆明/西山区", "滇池路 818 号",
     "何小红", "店长", 13888221100, None, None, None, dt.date(2020, 12, 8), None],
    ["康源大药房(北市区)", "终端", "现有", "B", "特级", "李明", "昆明/盘龙区", "北京路 1024 号",
     "赵敏", "店长", 1387160, None, "2019-02-29", None, None, None],
]

FIGURES = [
    ["客户编码", "客户名称", "回款", "发货", "库存", "出销", "动销"],
    ["hx-renmin", "华信大药房(人民路店)", 52800, 50400, 61200, 49500, 18],
    ["dist-qjkr", "曲靖康润医药有限公司", 650000, 700000, 420000, 610000, None],
    [None, "颐康药房(北京路)", 23100, 24000, 15800, 21900, 9],
    [None, "丽生大药房(大观街)", 31800, None, None, None, None],
    ["dist-kmyy", None, 1280000, 1310000, 860000, 1190000, None],
    [None, "新特药房(小西门)", 8800, 9000, 3100, 7600, None],
]


def write(path: Path, title: str, rows: list[list[object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in rows:
        sheet.append(row)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for column in sheet.iter_cols(min_row=2):
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = 4 + 2 * width
    book.properties.creator = "kq examples"
    book.properties.created = book.properties.modified = FIXED
    book.save(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write(OUT / "customers.xlsx", "客户名单", CUSTOMERS)
    write(OUT / "figures-2026-11.xlsx", "2026年11月销售月报", FIGURES)
    print(f"wrote {OUT / 'customers.xlsx'} and {OUT / 'figures-2026-11.xlsx'}")


if __name__ == "__main__":
    main()
