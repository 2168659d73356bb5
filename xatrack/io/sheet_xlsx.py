"""The collection sheet as an Excel workbook (openpyxl, imported only here).

Layout of the visible sheet ``报送表``:

* rows 1–3: the plan's title, the unit and quarter, filling instructions;
* row 5: the column headers (frozen), row 6 on: one row per item and metric;
* the three columns to fill (本季度累计完成, 状态, 进展说明) are yellow and
  unlocked, the rest is locked (sheet protection without a password, so it
  only guards against slips); 状态 has a drop-down list.

A very hidden sheet ``xatrack`` holds what ingest needs to know: the plan's
title and year, the unit, the quarter (``sheet.SheetInfo``). Ingest finds the
columns by their headers, so a column moved or added by a user does no harm.
"""

from __future__ import annotations

import io
import math
from copy import copy
import os
import stat
import unicodedata
import zipfile
from pathlib import Path

from xatrack.errors import InputError
from xatrack.model import REPORT_STATUSES, SIGNED_KINDS
from xatrack.safefs import write_output
from xatrack.sheet import FilledRow, SheetInfo, SheetRow, kind_label, months
from xatrack.views.cells import relative_target
from xatrack.views.safe_cells import no_formulas, xlsx_value

DATA_SHEET = "报送表"
META_SHEET = "xatrack"
HEADER_ROW = 5

# (key, header, width, fill-in column)
COLUMNS = (
    ("id", "编号", 7, False),
    ("role", "分工", 6, False),
    ("text", "任务内容", 50, False),
    ("number", "序号", 5, False),
    ("metric", "指标", 24, False),
    ("kind", "类型", 10, False),
    ("target", "全年目标", 10, False),
    ("unit", "计量单位", 8, False),
    ("expected", "本季度末序时要求", 11, False),
    ("last", "上次报送", 10, False),
    ("last_when", "上次报送时间", 14, False),
    ("value", "本季度累计完成", 13, True),
    ("status", "状态", 10, True),
    ("note", "进展说明", 42, True),
    ("evidence", "佐证材料(文件名)", 24, True),
)
HEADERS = {key: header for key, header, _, _ in COLUMNS}
REQUIRED = ("id", "metric", "value", "status", "note")

FILL_COLOUR = "FFF2CC"  # light yellow: fill these in
HEAD_COLOUR = "DDEBF7"
NOT_APPLICABLE = "EDEDED"


# --------------------------------------------------------------------------- writing


def sheet_bytes(info: SheetInfo, rows: list[SheetRow]) -> bytes:
    # lazy: heavy - openpyxl; an error found before the workbook is opened or written never pays it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    wb.properties.creator = "xatrack"
    wb.properties.title = f"{info.unit} {info.quarter.label}进度报送表"

    last_col = get_column_letter(len(COLUMNS))
    span = months(info.quarter)
    ws["A1"] = f"{info.plan_title} · 进度报送表" if info.plan_title else "进度报送表"
    ws["A1"].font = Font(size=14, bold=True)
    ws["A2"] = "    ".join(
        part
        for part in (
            f"报送单位:{info.unit}",
            f"联络员:{info.contact}" if info.contact else "",
            f"电话:{info.phone}" if info.phone else "",
            f"季度:{info.quarter.label}(数值填 {span} 累计)",
            f"事项:{'牵头和参与的' if info.all_roles else '牵头的'}{len({r.item.id for r in rows})} 项,共 {len(rows)} 行",
            f"报送截止:{info.deadline.year}年{info.deadline.month}月{info.deadline.day}日" if info.deadline else "",
        )
        if part
    )
    ws["A2"].font = Font(size=11, bold=True)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    if _text_width(ws["A2"].value) * 1.1 > sum(width for _, _, width, _ in COLUMNS):  # contacts and deadline: two lines
        ws.row_dimensions[2].height = 32
    ws["A3"] = (
        f"填写说明:只填黄色的各列。本季度累计完成填 {span} 的累计数(数字,不带单位;增速、比率类填百分数,如 7.5);"
        f"状态从下拉列表选择 {'/'.join(REPORT_STATUSES)};进展说明简要写明进展、问题和下步打算;"
        "随表发回佐证材料的,在佐证材料列写文件名(多个用、分隔)。"
        "多指标任务的状态和说明填在其中一行即可;没有进展的行留空。"
        "请不要修改其他列,不要增删行或改动工作表名称。"
        + (f"请于{info.deadline.year}年{info.deadline.month}月{info.deadline.day}日前" if info.deadline else "")
        + "填好后发回督查室"
        + (f"(联系方式:{info.office_contact})" if info.office_contact else "")
        + ",由 xatrack ingest 导入。"
    )
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    for row in (1, 2, 3):
        ws.merge_cells(f"A{row}:{last_col}{row}")
    ws.row_dimensions[3].height = 48

    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor=HEAD_COLOUR)
    fill = PatternFill("solid", fgColor=FILL_COLOUR)
    grey = PatternFill("solid", fgColor=NOT_APPLICABLE)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)

    for col, (key, header, width, fill_in) in enumerate(COLUMNS, 1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = fill if fill_in else head_fill
        cell.alignment = centre
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[HEADER_ROW].height = 30

    first = HEADER_ROW + 1
    clipped = Alignment(vertical="top", wrap_text=False)
    unlocked = Protection(locked=False)
    styled: dict[tuple, object] = {}  # a combination of styles -> what openpyxl made of it (cell._style)

    def style(cell, key: tuple, **styles) -> None:
        """Give ``cell`` ``styles``; a combination (``key``) met before is copied from the first
        cell that had it: openpyxl hashes every style object on every assignment, which cost
        most of `sheet --all`'s time. The cell's number format (set by its value) is in the key."""
        key = (key, cell.number_format)
        made = styled.get(key)
        if made is None:
            for name, value in styles.items():
                setattr(cell, name, value)
            styled[key] = copy(cell._style)
        else:
            cell._style = copy(made)

    previous = None
    for offset, row in enumerate(rows):
        r = first + offset
        metric = row.metric
        # The text is repeated on every metric row (so each row stands alone when
        # filtered or sorted) but shown in full only on the item's first row.
        repeat = previous is row.item
        previous = row.item
        values = {
            "id": int(row.item.id) if row.item.id.isdigit() else row.item.id,
            "role": row.role,
            "text": row.item.text,
            "number": row.number,
            "metric": metric.name if metric else "(无量化指标,填状态和说明)",
            "kind": kind_label(metric) if metric else None,
            "target": _target(metric) if metric else None,
            "unit": metric.unit if metric else None,
            "expected": _number(round(row.expected, 4)) if row.expected is not None else None,
            "last": _number(row.last_shown) if isinstance(row.last_shown, float) else row.last_shown,
            "last_when": row.last_when or None,
        }
        for col, (key, _, _, fill_in) in enumerate(COLUMNS, 1):
            cell = ws.cell(r, col, xlsx_value(values.get(key)))
            if key == "value" and metric is None:
                style(cell, ("grey",), border=border, alignment=wrap, fill=grey)  # nothing to count: stays locked
            elif fill_in:
                style(cell, ("fill",), border=border, alignment=wrap, fill=fill, protection=unlocked)
            else:
                style(cell, ("plain",), border=border, alignment=wrap)
        if metric is None:
            ws.cell(r, _col("metric")).font = Font(color="808080")
        if repeat:
            ws.cell(r, _col("text")).alignment = clipped
            ws.cell(r, _col("text")).font = Font(color="808080")
        else:
            ws.row_dimensions[r].height = _height(row.item.text, _width("text"))

    last_row = max(first, first + len(rows) - 1)
    status_range = f"{_letter('status')}{first}:{_letter('status')}{last_row}"
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(REPORT_STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态",
        error=f"请从下拉列表选择:{'/'.join(REPORT_STATUSES)}",
        promptTitle="状态",
        prompt="从下拉列表选择",
        showInputMessage=True,
    )
    choices.add(status_range)
    # What a value cell accepts follows its metric (values.read_value says the
    # same): counts >= 0, whole things in whole numbers, growth and levels may
    # be negative (a decline).
    def rule(kind: str, operator: str, formula1: str, formula2: str | None, error: str, prompt: str):
        return DataValidation(
            type=kind,
            operator=operator,
            formula1=formula1,
            formula2=formula2,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="本季度累计完成",
            error=error,
            promptTitle="本季度累计完成",
            prompt=prompt,
            showInputMessage=True,
        )

    counts = rule("decimal", "greaterThanOrEqual", "0", None,
                  f"请填数字:{span}累计数,不带单位", f"{span}累计数(不能为负)")
    wholes = rule("whole", "greaterThanOrEqual", "0", None,
                  f"请填整数:{span}累计数,不带单位", f"{span}累计数(整数)")
    signed = rule("decimal", "between", "-1000000000000", "1000000000000",
                  "请填数字:增速、比率类填百分数,如 7.5;下降填负数,如 -3.5", "增速、比率类填百分数;下降填负数,如 -3.5")
    for offset, row in enumerate(rows):
        if row.metric is None:
            continue
        cell = f"{_letter('value')}{first + offset}"
        if row.metric.kind in SIGNED_KINDS:
            signed.add(cell)
        elif row.metric.whole:
            wholes.add(cell)
        else:
            counts.add(cell)
    ws.add_data_validation(choices)
    for validation in (counts, wholes, signed):
        if validation.sqref:
            ws.add_data_validation(validation)

    ws.freeze_panes = ws.cell(first, _col("text"))  # header rows and 编号/分工 stay in view
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # Light protection, no password: guards the ids and metrics against slips;
    # columns and rows can still be resized, filtered and sorted.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.protection.autoFilter = False
    ws.protection.sort = False

    meta = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(info.as_pairs(), 1):
        meta.cell(r, 1, xlsx_value(key))
        meta.cell(r, 2, xlsx_value(value))
    meta.sheet_state = "veryHidden"

    no_formulas(wb)  # a note or name starting with "=" stays text
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_sheet(path: Path, info: SheetInfo, rows: list[SheetRow]) -> None:
    """Write the workbook atomically (a device, FIFO or symlink target is written into: safefs.write_output)."""
    write_output(path, sheet_bytes(info, rows))


def _number(value):
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _text_width(text: str) -> int:
    """Columns a text takes in Excel: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _target(metric):
    """全年目标: the figure, or for a relative target what it follows ("≥G1"), never its placeholder 0."""
    return relative_target(metric.op, metric.follows) if metric.kind == "relative" else _number(metric.target)


def _height(text: str, width: float) -> float:
    """Row height (points) showing ``text`` wrapped in a column ``width`` wide.

    Spreadsheets do not fit row heights to wrapped text when opening a file,
    so it is estimated: a Chinese character takes about 1.8 width units.
    """
    units = sum(1.8 if ord(ch) > 0x2E80 else 1.0 for ch in text)
    lines = max(1, math.ceil(units / max(1.0, width - 2)))
    return 15.0 * lines + 3


def _width(key: str) -> float:
    return next(w for k, _, w, _ in COLUMNS if k == key)


def _col(key: str) -> int:
    return next(i for i, (k, _, _, _) in enumerate(COLUMNS, 1) if k == key)


def _letter(key: str) -> str:
    from openpyxl.utils import get_column_letter  # lazy: heavy - openpyxl

    return get_column_letter(_col(key))


# --------------------------------------------------------------------------- reading


def read_sheet(path: Path, shown: str | None = None) -> tuple[SheetInfo, list[FilledRow]]:
    """The info and data rows of a filled sheet; InputError (one line naming the file) otherwise."""
    name = shown or str(path)
    if not path.exists():
        raise InputError(f"找不到文件 {name}")
    if path.is_dir():
        raise InputError(f"{name} 是目录,不是报送表文件")
    check_workbook_file(path, name)
    wb = _open(path, name)
    try:
        if META_SHEET not in wb.sheetnames:
            raise InputError(f"{name} 不是 xatrack 生成的报送表(请用 xatrack sheet 生成报送表,填写后再导入)")
        pairs = {}
        for row in wb[META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
            if row and row[0] is not None:
                pairs[str(row[0]).strip()] = row[1]
        info = SheetInfo.from_pairs(pairs, name)
        ws, header_row, columns = _find_table(wb, name)
        if (ws.max_row or 0) > MAX_ROWS:
            raise InputError(f"{name} 有 {ws.max_row} 行,超过报送表的上限 {MAX_ROWS} 行,未导入")
        rows = []
        for cells in ws.iter_rows(min_row=header_row + 1):
            if not cells:
                continue
            by_col = {cell.column: cell for cell in cells if getattr(cell, "column", None)}

            def get(key, by_col=by_col):
                cell = by_col.get(columns[key]) if key in columns else None
                return None if cell is None else cell.value

            value_cell = by_col.get(columns["value"])
            percent = bool(value_cell is not None and "%" in str(value_cell.number_format or ""))
            row_number = cells[0].row
            rows.append(
                FilledRow(
                    row=row_number,
                    item_id=get("id"),
                    text=get("text"),
                    metric=_metric_name(get("metric")),
                    value=get("value"),
                    percent=percent,
                    status=get("status"),
                    note=get("note"),
                    evidence=get("evidence"),
                )
            )
        return info, rows
    finally:
        wb.close()


# Limits no real collection sheet reaches (the 2025 plan's largest unit has
# under 100 rows, a 10,000-task bench plan's sheet is about 2 MB unpacked):
# a sheet beyond them is refused before openpyxl builds it in memory.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_ROWS = 50_000


def check_workbook_file(path: Path, name: str) -> None:
    """Refuse what is not a regular file (a device, FIFO: reading would never
    end or hang) and a workbook that unpacks beyond the limits (a zip bomb)."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise InputError(f"无法读取 {name}:{error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{name} 不是普通文件(设备、管道等),不能作为报送表导入")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(f"{name} 有 {info.st_size} 字节,超过报送表的上限 {MAX_FILE_BYTES // 1024 // 1024} MB,未导入")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: _open says what it is
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise InputError(
            f"{name} 解压后有 {unpacked} 字节({len(members)} 个部件),超过报送表的上限 "
            f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB,可能已损坏或是恶意文件,未导入"
        )


def _metric_name(value):
    # The placeholder written for items without metrics is not a metric.
    if isinstance(value, str) and value.startswith("(无量化指标"):
        return None
    return value


def _open(path: Path, name: str):
    from openpyxl import load_workbook  # lazy: heavy - openpyxl, after the file's checks

    try:
        return load_workbook(path, data_only=True)
    except InputError:
        raise
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        if path.suffix.lower() == ".xls" or "xls file format" in str(error):
            raise InputError(f"{name} 是旧版 .xls 文件:请在 Excel 或 WPS 中另存为 .xlsx 后再导入") from None
        if isinstance(error, zipfile.BadZipFile) or not zipfile.is_zipfile(path):
            raise InputError(f"{name} 不是有效的 Excel(.xlsx)文件,可能已损坏或是其他格式") from None
        raise InputError(f"{name} 无法读取为 Excel(.xlsx)文件:{type(error).__name__}") from None


def _find_table(wb, name: str):
    """The data sheet, its header row and {key: column} found by header text."""
    wanted = {header: key for key, header in HEADERS.items()}
    candidates = [wb[DATA_SHEET]] if DATA_SHEET in wb.sheetnames else []
    candidates += [ws for ws in wb.worksheets if ws.title not in (DATA_SHEET, META_SHEET)]
    for ws in candidates:
        for cells in ws.iter_rows(min_row=1, max_row=30):
            columns = {}
            for cell in cells:
                if isinstance(cell.value, str):
                    key = wanted.get("".join(cell.value.split()))
                    if key and key not in columns:
                        columns[key] = cell.column
            if all(k in columns for k in REQUIRED):
                return ws, cells[0].row, columns
    missing = "、".join(HEADERS[k] for k in REQUIRED)
    raise InputError(f"{name} 中找不到报送表的表头(应有 {missing} 等列);请不要修改表头")
