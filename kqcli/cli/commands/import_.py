"""kq import customers|figures: a customer list or the monthly sales sheet from Excel or CSV."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import _, ngettext, translated
from ..render import Format
from . import (
    BomOption,
    FormatOption,
    KeysOption,
    OutputOption,
    committed,
    friendly,
    open_repo,
    parse_month,
    report_skipped,
    said,
)

app = typer.Typer(help="Import customers or the monthly sales sheet from Excel (.xlsx, .xls) "
                       "or CSV (UTF-8 or GBK).", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(help="A .xlsx, .xls or .csv file (UTF-8, BOM or GBK).",
                                              metavar="FILE")]
MapOption = Annotated[str | None, typer.Option(
    "--map", metavar="'Header=field,…'",
    help="Map headers kq does not know, e.g. '店铺=name,店长=contact.name'; 'Header=' ignores one.")]
ApplyOption = Annotated[bool, typer.Option("--apply", help="Write the changes (one commit); "
                                                           "without it, only show them.")]
SheetOption = Annotated[str | None, typer.Option("--sheet", help="Which sheet (default: the first).")]

ACTIONS = {"create": "新建", "update": "更新", "skip": "跳过"}


@app.command("customers")
@friendly
def customers(ctx: typer.Context, file: FileArgument, map_: MapOption = None,
              apply: ApplyOption = False, sheet: SheetOption = None,
              fmt: FormatOption = Format.table, output: OutputOption = None,
              bom: BomOption = False, keys: KeysOption = False) -> None:
    """Create or update customers from a sheet, one row per customer; a dry run unless --apply.

    Columns are found by header, Chinese or English: 客户名称/name, 类型, 状态, 等级, 分类,
    业代, 区域, 地址, 纬度/经度 (the location), 标签, 合作日期, 开业日期, 备注, and one contact
    per row: 联系人, 职务, 性别, 电话/手机, 微信, 生日, 农历生日. A row whose name is already a
    customer's updates only its non-empty cells; a row with a problem is skipped and reported
    as FILE:ROW:COLUMN.

    Example: kq --repo examples import customers examples/import/customers.xlsx
    """
    from ...core.ids import slug  # the same ids as kq new
    from ...store.importing import CUSTOMER_HEADERS, plan_customers, update_text

    repo = open_repo(ctx)
    data, mapping = _read(file, sheet, map_, CUSTOMER_HEADERS)
    if "name" not in mapping.values():
        raise _no_column(_("the customer's name"), "客户名称, 名称, name", "name")
    names, ids = _known(repo)
    plans = plan_customers(data, mapping, names, ids, _reader(repo), slug)
    _show([p.report() for p in plans], fmt, file, apply, output=output, bom=bom)
    code = report_skipped(repo)
    if apply:
        creates = [p for p in plans if p.action == "create"]
        updates = [p for p in plans if p.action == "update"]
        lines = [f"new: {p.name} ({p.customer})" for p in creates] + [
            f"update: {p.name} ({', '.join(p.fields)})" for p in updates]
        message = (f"import: {len(creates)} new, {len(updates)} updated customers from "
                   f"{file.name}\n\n" + _listed(lines))
        files = {repo.path_of(p.customer): (p.text or "").encode("utf-8") for p in creates}
        changes = {repo.path_of(p.customer): _edit(update_text, p) for p in updates}
        sha = _write(repo, files, changes, message)
        _done(_("created {created}, updated {updated} customers").format(
            created=len(creates), updated=len(updates)), sha, bool(creates or updates))
    raise typer.Exit(1 if any(p.problems for p in plans) else code)


@app.command("figures")
@friendly
def figures(ctx: typer.Context, file: FileArgument,
            month: Annotated[str, typer.Option(metavar="YYYY-MM", help="The month of the sheet.")],
            map_: MapOption = None, apply: ApplyOption = False, sheet: SheetOption = None,
            fmt: FormatOption = Format.table, output: OutputOption = None,
            bom: BomOption = False, keys: KeysOption = False) -> None:
    """Put the monthly sales sheet into each customer's months: entry; a dry run unless --apply.

    Rows are matched by 客户编码 (the customer's id) or by exact 客户名称; the figures are 回款
    (collections), 出货/发货 (shipments), 库存 (inventory), 出销 (sell_out), 动销 (movement),
    and optionally 上报日期 (reported; default today) and 经营变化. Only non-empty cells are
    written: an empty cell stays unknown, never zero.

    Example: kq --repo examples import figures examples/import/figures-2026-11.xlsx --month 2026-11
    """
    from ...store.importing import FIGURE_HEADERS, FIGURES, month_text, plan_figures

    month = parse_month(month)
    repo = open_repo(ctx)
    data, mapping = _read(file, sheet, map_, FIGURE_HEADERS)
    if "name" not in mapping.values() and "id" not in mapping.values():
        raise _no_column(_("the customer"), "客户编码, 客户名称", "name")
    if not set(FIGURES) & set(mapping.values()):
        raise _no_column(_("any figure"), "回款, 出货, 发货, 库存, 出销, 动销", "collections")
    names, ids = _known(repo)
    plans = plan_figures(data, mapping, names, ids, _reader(repo), month, repo.today)
    _show([p.report(month) for p in plans], fmt, file, apply, month, output, bom)
    code = report_skipped(repo)
    if apply:
        done = [p for p in plans if p.action != "skip"]
        message = (f"import figures {month}: {len(done)} customers from {file.name}\n\n"
                   + _listed([f"{p.name or p.customer}: {', '.join(p.fields)}" for p in done]))

        def month_of(text: str, values: Mapping[str, Any]) -> tuple[str, list[str]]:
            return month_text(text, month, values, repo.today)[:2]

        changes = {repo.path_of(p.customer): _edit(month_of, p) for p in done}
        sha = _write(repo, {}, changes, message)
        _done(ngettext("wrote {month} figures of {n} customer",
                       "wrote {month} figures of {n} customers", len(done)).format(
            month=month, n=len(done)), sha, bool(done))
    raise typer.Exit(1 if any(p.problems for p in plans) else code)


def read_cells(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """Every row of the file's first (or named) sheet, from row 1, so row numbers match Excel.

    CSV is read as UTF-8 (with or without BOM), else GBK/GB18030: what Chinese Excel saves.
    """
    from ...store.errors import PROBLEMS, KqError

    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            import csv
            import io

            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise KqError(_("{path}: neither UTF-8 nor GBK text").format(path=path),
                              code=PROBLEMS)
            return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
        if suffix not in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
            raise KqError(_("{path}: not a .xlsx, .xls or .csv file").format(path=path))
        if not path.is_file():
            raise FileNotFoundError(2, "No such file or directory")
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(path))
            if sheet is not None and sheet not in book.sheet_names:
                raise KqError(_("{path}: no sheet {sheet}; it has {sheets}").format(
                    path=path, sheet=repr(sheet), sheets=", ".join(book.sheet_names)))
            found = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
            return found.to_python(skip_empty_area=False)
        except KqError:
            raise
        except Exception as e:  # calamine's errors: a damaged or mislabelled file
            raise KqError(_("{path}: cannot read it as a spreadsheet ({reason})").format(
                path=path, reason=e), code=PROBLEMS) from None
    except OSError as e:
        from ...store.errors import reason

        raise KqError(_("{path}: cannot read: {reason}").format(
            path=path, reason=translated(reason(e.errno, e.strerror or ""))), code=PROBLEMS) from None


def _read(file: Path, sheet: str | None, map_text: str | None,
          aliases: Mapping[str, Sequence[str]]) -> tuple[Any, dict[int, str]]:
    from ...store.errors import KqError
    from ...store.importing import map_columns, parse_map, read_sheet
    from ..render import warn

    try:
        overrides = parse_map(map_text, aliases)
    except ValueError as e:
        raise KqError(said(e)) from None
    data = read_sheet(read_cells(file, sheet), str(file), aliases)
    mapping, unknown = map_columns(data, aliases, overrides)
    if unknown:
        warn(f"kq: {file}: " + _("not imported (unknown headers): {headers}; name them with "
                                 "{named} or ignore them with {ignored}").format(
            headers=", ".join(said(h) for h in unknown), named="--map 'Header=field'",
            ignored="--map 'Header='"))
    return data, mapping


def _no_column(what: str, headers: str, field: str) -> Exception:
    from ...store.errors import KqError

    return KqError(_("no column for {what} ({headers}); name it with {option}").format(
        what=what, headers=headers, option=f"--map 'Header={field}'"))


def _known(repo: Any) -> tuple[dict[str, list[str]], set[str]]:
    """Customers by exact name, and every id taken (invalid files too: their names are taken)."""
    names: dict[str, list[str]] = {}
    for customer_id, name, _letters in repo.index.names():
        names.setdefault(name, []).append(customer_id)
    ids = {p.stem for p in repo.customers_dir.glob("*.yaml")} if repo.customers_dir.is_dir() \
        else set()
    return names, ids


def _reader(repo: Any) -> Callable[[str], bytes]:
    return lambda customer_id: repo.path_of(customer_id).read_bytes()


def _edit(change: Callable[[str, Mapping[str, Any]], tuple[str, list[str]]],
          plan: Any) -> Callable[[bytes], bytes]:
    """The writer's bytes -> bytes change: the planned text if the file is still as planned,
    else the edit redone on the bytes the writer locked."""
    original, planned = plan.original.encode("utf-8"), plan.text.encode("utf-8")

    def edit(raw: bytes) -> bytes:
        if raw == original:
            return planned
        return change(raw.decode("utf-8"), plan.values)[0].encode("utf-8")

    return edit


def _listed(lines: list[str], most: int = 200) -> str:
    more = f"\n… and {len(lines) - most} more" if len(lines) > most else ""
    return "\n".join(lines[:most]) + more


def _write(repo: Any, files: dict[Path, bytes], changes: dict[Path, Callable[[bytes], bytes]],
           message: str) -> str | None:
    """Updates through ``update_many`` (validated, locked, atomic), then the new files, then one
    commit of all of them."""
    from ...store.errors import PROBLEMS, KqError
    from ...store.writer import commit, update_many

    taken = [p for p in files if p.exists()]
    if taken:
        raise KqError(_("{path} appeared since kq read the repository; nothing was written, "
                        "run the command again").format(path=f"customers/{taken[0].name}"),
                      code=PROBLEMS)
    update_many(repo.root, changes, message, autocommit=False)
    _create_all(repo, files)
    paths = [*changes, *files]
    if not paths or not repo.settings.git.autocommit:
        return None
    return commit(repo.root, paths, message)


def _create_all(repo: Any, files: dict[Path, bytes]) -> None:
    """Create new files as ``writer.replace_atomically`` would (a synced temporary file, then
    its name), but sync them in parallel: 2,000 fsyncs one after another take 10 s, together
    under 1 s. Linking the name refuses a file that appeared meanwhile, without a race.

    Lead: this belongs in writer.py (``create_many``), and update_many could sync the same way.
    """
    import contextlib
    import os
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    from ...store.errors import PROBLEMS, KqError

    if not files:
        return
    repo.customers_dir.mkdir(exist_ok=True)

    def prepare(item: tuple[Path, bytes]) -> str:
        path, data = item
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        return tmp

    temporary: list[str] = []
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            temporary = list(pool.map(prepare, files.items()))
        for path, tmp in zip(files, temporary, strict=True):
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise KqError(_("{path} appeared while kq was writing; the files before it were "
                                "written, not committed").format(path=f"customers/{path.name}"),
                              code=PROBLEMS) from None
    finally:
        for tmp in temporary:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _done(what: str, sha: str | None, wrote: bool) -> None:
    from ..render import warn

    warn(f"kq: {what}" + committed(sha) if wrote else "kq: " + _("nothing to write"))


def _show(rows: list[dict[str, Any]], fmt: Format, file: Path, apply: bool,
          month: str | None = None, output: Path | None = None, bom: bool = False) -> None:
    from ..render import emit_report

    emit_report(report(rows, file, apply, month, table=fmt is Format.table), fmt,
                output=output, bom=bom)


def report(rows: list[dict[str, Any]], file: Path, apply: bool, month: str | None = None,
           most: int = 50, table: bool = True) -> Any:
    """The plan: json/csv carry every row; the table shows every problem and the first
    ``most`` changes (a sheet of 2,000 new customers is for --format csv, not a screen)."""
    from ..labels import text_label
    from ..render import Column, Report, Section

    counts = {a: sum(r["action"] == a for r in rows) for a in ACTIONS}
    caption = f"{file}: " + _("{create} to create, {update} to update, {skip} skipped").format(
        **counts)
    shown = rows
    if table:
        changes = [r for r in rows if r["action"] != "skip"]
        listed = {id(r) for r in changes[:most]}
        shown = [r for r in rows if r["problems"] or id(r) in listed]
        hidden = len(changes) - len(listed)
        unchanged = sum(r["action"] == "skip" and not r["problems"] for r in rows)
        caption += (_(" ({n} unchanged)").format(n=unchanged) if unchanged else "") + (
            _("; {n} more changes not shown (--format csv lists every row)").format(n=hidden)
            if hidden else "")
    phones = sum(r["action"] != "skip" and "phone" in r["fields"] for r in rows)
    if phones and month is None:
        caption += ngettext("; {n} phone with no contact's name kept as the store's phone",
                            "; {n} phones with no contact's name kept as the store's phone",
                            phones).format(n=phones)
    caption += "" if apply else _("; dry run, --apply writes them")
    columns = [Column("row", "行", justify="right", en="row"),
               Column("action", "动作", lambda a: text_label(ACTIONS, a), token=True),
               Column("customer", "id", style="cyan", token=True, drop=1),
               Column("name", "名称", min_width=10),
               *([Column("month", "月份", token=True)] if month else []),
               Column("fields", "字段", lambda f: ", ".join(f or []), drop=2, kind="keys"),
               Column("problems", "问题", lambda p: "\n".join(said(x) for x in p or []),
                      style="red", min_width=16,
                      kind=lambda p, _row: "\n".join(said(x) for x in p or []) or None)]
    keys = ("row", "action", "customer", "name", *(("month",) if month else ()), "fields",
            "problems")
    sheet = (f"导入月报 {month}", f"import figures {month}") if month else (
        "导入客户", "import customers")
    return Report(rows, keys, columns, sections=[Section(None, shown, caption=caption)],
                  sheet=sheet)
