"""Time kq import on a 2,000-row customer sheet and the matching monthly sheet (goal: < 10 s each).

    .venv/bin/python bench/import_bench.py [--rows 2000] [--kq .venv/bin/kq] [--keep]

Writes, in a temporary folder, a new kq repository (git) and two .xlsx files made with openpyxl
the way an ERP export looks (a title line, Chinese headers, phones as numbers, dates as Excel
dates), then times, as subprocesses: the customers dry run, --apply (creates every customer in
one commit), a re-import (every row unchanged), and the figures dry run and --apply. Prints a
Markdown table of seconds to stdout. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
BRANDS = ["华信", "健民", "仁和", "一品", "康宁", "良济", "益寿", "同济", "福寿", "惠民", "德生",
          "百草", "万松", "颐康", "安康", "永和", "金马", "济民", "滇池", "春晖"]
STREETS = ["人民路", "东风路", "北京路", "金碧路", "西昌路", "关上", "星耀路", "马街", "南城",
           "翠湖", "世纪城", "大观街", "霖雨路", "聂耳路", "红塔大道", "麒麟东路"]
REGIONS = ["昆明/五华区", "昆明/盘龙区", "昆明/官渡区", "昆明/西山区", "曲靖/麒麟区", "玉溪/红塔区"]
HEADER = ["客户名称", "类型", "状态", "等级", "分类", "业代", "片区", "地址", "联系人", "职务", "手机",
          "微信", "生日", "农历生日", "开业日期"]


def customer_rows(n: int, seed: int = 1) -> list[list[object]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        shop = f"{rng.choice(BRANDS)}大药房({rng.choice(STREETS)}{i + 1}号店)"
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        rows.append([
            shop, "终端", "现有", rng.choice("ABC"), rng.choice(["重点", "次重点", "非重点"]),
            rng.choice(["李明", "王强", "陈静"]), rng.choice(REGIONS),
            f"{rng.choice(STREETS)} {rng.randint(1, 300)} 号", person, rng.choice(["店长", "店员", "老板"]),
            13800000000 + rng.randint(0, 99999999), f"wx{rng.randint(10000, 99999)}",
            dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28)),
            f"{rng.randint(1, 12)}-{rng.randint(1, 29)}" if rng.random() < 0.3 else None,
            dt.date(rng.randint(2000, 2020), rng.randint(1, 12), rng.randint(1, 28)),
        ])
    return rows


def write_xlsx(path: Path, title: str, header: list[str], rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def timed(args: list[str], expect: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in expect:
        sys.exit(f"{' '.join(args[1:])}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--kq", default=str(PROJECT / ".venv" / "bin" / "kq"))
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kq-import-bench-"))
    try:
        repo = folder / "repo"
        env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
               "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
        os.environ.update(env)
        subprocess.run([options.kq, "init", str(repo)], check=True, capture_output=True)
        rows = customer_rows(options.rows)
        customers = folder / "customers.xlsx"
        write_xlsx(customers, "客户名单", HEADER, rows)
        figures = folder / "figures.xlsx"
        rng = random.Random(2)
        write_xlsx(figures, "2026年11月销售月报", ["客户名称", "回款", "发货", "库存", "出销", "动销"],
                   [[r[0], rng.randint(0, 200000), rng.randint(0, 200000), rng.randint(0, 80000),
                     rng.randint(0, 150000), rng.randint(0, 150000)] for r in rows])
        kq = [options.kq, "--repo", str(repo), "--today", "2026-12-03", "import"]
        results = [
            ("customers, dry run", timed([*kq, "customers", str(customers)])),
            ("customers, --apply (all new)", timed([*kq, "customers", str(customers), "--apply"])),
            ("customers, re-import (all unchanged)", timed([*kq, "customers", str(customers)])),
            ("figures, dry run", timed([*kq, "figures", str(figures), "--month", "2026-11"])),
            ("figures, --apply", timed([*kq, "figures", str(figures), "--month", "2026-11",
                                        "--apply"])),
        ]
        written = len(list((repo / "customers").glob("*.yaml")))
        print(f"kq import, {options.rows:,} rows ({written:,} customer files written)\n")
        print("| step | seconds |\n|---|---:|")
        for label, seconds in results:
            print(f"| {label} | {seconds:.2f} |")
    finally:
        if options.keep:
            print(f"\nkept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
