"""Tables without colours put together directly (kqcli.cli.tabletext) are the bytes Rich prints:
on the tables of every command over examples/, at several widths and in both languages, and on
random tables; where tabletext cannot be sure it says None and Rich draws the table."""

from __future__ import annotations

import io
import random

import pytest
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kqcli.cli import render, tabletext

DAY = ["--today", "2026-11-24"]
COMMANDS = [
    ["due", "--all"], ["due"], ["due", "--within", "30"], ["list"], ["list", "--tier", "key"],
    ["score"], ["score", "--by", "owner"], ["classify"], ["expenses"], ["team"], ["route"],
    ["pool"], ["calendar"], ["show", "hx-renmin"], ["check"],
]


def _both(kq, repo, args, monkeypatch, columns: str) -> tuple[str, str, int]:
    """(tabletext's output, Rich's output, how many tables Rich drew in the first)."""
    monkeypatch.setenv("COLUMNS", columns)
    drawn = []
    rich_table = render._rich_table

    def counted(*a, **k):
        drawn.append(1)
        return rich_table(*a, **k)

    monkeypatch.setattr(render, "_rich_table", counted)
    fast = kq("--repo", repo, *DAY, *args)
    by_rich = len(drawn)
    monkeypatch.setattr(render, "PLAIN_TABLES", False)
    slow = kq("--repo", repo, *DAY, *args)
    monkeypatch.setattr(render, "PLAIN_TABLES", True)
    assert fast.exit_code == slow.exit_code
    return fast.output, slow.output, by_rich


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_commands_tables_are_richs_bytes(kq, examples_copy, monkeypatch, args, lang):
    monkeypatch.setenv("KQ_LANG", lang)
    for columns in ("200", "100", "72"):
        fast, slow, by_rich = _both(kq, examples_copy, args, monkeypatch, columns)
        assert fast == slow, (columns, args)
        if columns == "200":
            assert by_rich == 0, args  # nothing left to Rich at a comfortable width


def test_a_table_too_wide_for_the_console_is_left_to_rich(kq, examples_copy, monkeypatch):
    fast, slow, by_rich = _both(kq, examples_copy, ["list"], monkeypatch, "40")
    assert fast == slow
    assert by_rich == 1


PIECES = ["a", "ab cd", "hello", "x" * 12, "华信", "人民路店", "春城大药房(总店)", "拜访：约定补货",
          " ", "  lead", "trail  ", "１２３", "ｶﾅ", "·", "—", "é", "①", "…", "", "王 五", "a-b/c",
          "ㄅ", "가나", "。，", "〆"]


def _random_cell(rng: random.Random) -> str:
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4)))
    if rng.random() < 0.15:
        text += "\n" + rng.choice(PIECES)
    return text


def _rich(cols, rows, title, caption, padding, width, soft_wrap: bool = True) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, soft_wrap=soft_wrap, highlight=False,
                      no_color=True, color_system=None)
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, header_style="bold",
                  title_justify="left", caption_justify="left", pad_edge=False,
                  padding=(0, padding), collapse_padding=True)
    for c in cols:
        table.add_column(c.header, justify=c.justify, no_wrap=c.unbroken, width=c.width,
                         overflow="ellipsis" if c.unbroken else "fold")
    for row in rows:
        table.add_row(*(Text(v) for v in row))
    console.print(table)
    return out.getvalue()


@pytest.mark.parametrize("soft_wrap", [True, False], ids=["a pipe", "a terminal"])
def test_random_tables_are_richs_bytes(soft_wrap):
    rng = random.Random(20261127)
    made = 0
    for _ in range(600):
        n = rng.randint(1, 5)
        cols = [tabletext.Col(rng.choice(["id", "客户", "日期", "说明 note", "急", "x"]),
                              rng.randint(1, 16), rng.choice(["left", "right", "center"]),
                              rng.random() < 0.5) for _ in range(n)]
        rows = [[_random_cell(rng) for _ in range(n)] for _ in range(rng.randint(0, 6))]
        title = rng.choice([None, "今天 due today (3)", "逾期", "a long title " * 8, "尾 "])
        caption = rng.choice([None, "47 customers; 40 列宽不下: 状态", "end"])
        padding, width = rng.choice([0, 1]), rng.choice([30, 60, 120])
        found = tabletext.text(cols, rows, title, caption, padding, width, soft_wrap)
        if found is not None:
            made += 1
            assert found == _rich(cols, rows, title, caption, padding, width, soft_wrap), (
                cols, rows, title, caption)
    assert made > (150 if soft_wrap else 100)  # most are put together here, not left to Rich


def test_width_is_richs_cell_len():
    ranges = [(0x20, 0x7E), (0x3000, 0x303F), (0x3041, 0x30FF), (0x3400, 0x4DBF),
              (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF01, 0xFFEF), (0xA0, 0x2FF)]
    for low, high in ranges:
        for code in range(low, high + 1):
            char = chr(code)
            assert tabletext.width(char * 3) == cell_len(char * 3), hex(code)
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))
        assert tabletext.width(text) == cell_len(text), text


def test_a_huge_table_in_a_terminal_is_drawn_without_colours(monkeypatch):
    """From render.PLAIN_FROM rows a terminal gets the table without colours (Rich colours one
    at ~0.3 ms a row): the bytes Rich prints with no colours; a smaller table keeps them."""
    from kqcli.cli.report import Column

    columns = [Column("name", "名称"), Column("due", "日期", token=True, style="cyan")]
    rows = [{"name": f"华信大药房 {n}", "due": f"2026-11-{n + 1:02d}"} for n in range(5)]

    def drawn(colours: str | None, plain: bool) -> str:
        out = Console(file=io.StringIO(), width=80, color_system=colours, force_terminal=True)
        monkeypatch.setattr(render, "PLAIN_TABLES", plain)
        render._print_table(out, rows, columns, "今天", None, lambda row: "red")
        return out.file.getvalue()

    monkeypatch.setattr(render, "PLAIN_FROM", 6)
    coloured = drawn("truecolor", True)
    assert "\x1b[" in coloured and coloured == drawn("truecolor", False)
    monkeypatch.setattr(render, "PLAIN_FROM", 5)
    plain = drawn("truecolor", True)
    assert "\x1b[" not in plain
    assert plain == drawn(None, False)  # what Rich prints without colours


def test_a_huge_report_in_a_terminal_is_plain_in_every_section(monkeypatch):
    """The report's rows count, not a section's: a team's kq due --all is not coloured in one
    section and plain in the next."""
    from kqcli.cli.commands.due import table_report

    data = [{"customer": f"c{n}", "name": f"华信大药房 {n}", "reason": "visit",
             "due": "2026-11-24", "overdue_days": days, "urgency": 25.0 - n,
             "message": "拜访", "owner": "李明", "region": "昆明", "time": None}
            for n, days in enumerate([3, 2, 0, 0, -1, -2])]
    screen = io.StringIO()
    monkeypatch.setattr(render, "console", lambda stderr=False: Console(
        file=screen, width=100, color_system="truecolor", force_terminal=True))

    def printed(plain_from: int) -> str:
        screen.seek(0)
        screen.truncate()
        monkeypatch.setattr(render, "PLAIN_FROM", plain_from)
        render.print_report(table_report(data, {}))
        return screen.getvalue()

    assert "\x1b[" in printed(7)  # 6 rows, three sections of 2: coloured
    plain = printed(6)
    assert "\x1b[" not in plain
    assert plain.count("华信大药房") == 6


def test_a_long_name_takes_its_width_where_the_terminal_has_room(monkeypatch):
    """kq due's 客户 column gives up its cells first (max_width 20), but only when the table is
    too wide: in a wide terminal a name of 26 cells is not folded onto a second line."""
    import sys

    from kqcli.cli.report import Column

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    columns = [Column("name", "客户", max_width=20, min_width=12), Column("message", "说明")]
    name = "昆明百货大楼(医药保健专柜)"
    cells = [[name, "固定拜访 周二 16:00; 见 陈卫东(采购经理)"]]
    assert (tabletext.width(name), tabletext.width(cells[0][1])) == (26, 40)
    assert render.fit(columns, cells, 160)[1] == [26, 40]
    assert render.fit(columns, cells, 64)[1] == [20, 40]  # the name gives first
    assert render.fit(columns, cells, 60)[1] == [20, 36]  # then the widest
