"""The quarterly bulletin as an Excel workbook (openpyxl, imported only here).

Every sheet opens with a title row (the plan · the bulletin, its scope).
Sheets: 汇总 (总体情况 and the actions, 各责任领导, 牵头单位排名 with 推进率 and
及时率 under the ranking rule, 上季度: one table each, each with its own header
row, a blank row between), 滞后事项 (one row per metric of each lagging item,
by leader), 全部事项 (every item of the report), 催办名单, 各季度对比
(report.trends), 督查发现 and its tallies when findings are recorded. A sheet
of one table freezes title and header and filters the table; a sheet of
several freezes the title row. Widths set for Chinese text, status cells
filled in the three colours (grey for 未报送), numbers stored as numbers.
"""

from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from xatrack.bulletin_doc import (
    COUNT,
    ID,
    NUMBER,
    PERCENT,
    STATUS,
    XLSX,
    Paragraph,
    Sheet,
    Table,
    build_document,
    meta,
)
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE
from xatrack.report import Report
from xatrack.views.safe_cells import no_formulas, xlsx_value

FILLS = {DONE: "2E7D32", ON_TRACK: "66BB6A", BEHIND: "F2B600", SEVERE: "D32F2F", MISSING: "9E9E9E"}
TINTS = {DONE: "E3F1E4", ON_TRACK: "EEF7EE", BEHIND: "FFF5CC", SEVERE: "FBE1E1", MISSING: "EEEEEE"}
WHITE_TEXT = {DONE, ON_TRACK, SEVERE, MISSING}
HEADER_FILL = "ECEFF3"
FONT = "微软雅黑"



def display_width(text: object) -> int:
    """Columns a text takes in Excel: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def number(value: float | None):
    """Whole numbers as int, others as float, None stays empty."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def item_id(raw: str):
    return int(raw) if raw.isdigit() else raw


def sheet_title(report: Report) -> str:
    """The title row of every sheet: the plan, the bulletin (quarter) and its scope (bulletin_doc.Meta)."""
    return meta(report).sheet_title


class _Sheet:
    """A worksheet: a title row naming the plan and quarter, then one or more
    tables, each with its own header row (``table``), a blank row between them.

    A sheet of one table freezes its title and header rows and filters the
    table; a sheet of several (``several=True``) freezes the title row only."""

    def __init__(self, workbook, title: str, header: list[str] | None, wrap: dict[str, int], report: Report,
                 first: bool = False, several: bool = False):
        self._styles = (Alignment, Font, PatternFill)
        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = title
        self.several = several
        self.widths: list[int] = []
        self.border = Border(*(Side(style="thin", color="D0D4DA"),) * 4)
        self.header: list[str] = []
        self.header_row = 0
        self.filtered: tuple[int, int, int] | None = None  # (header row, last row, columns) of the filtered table
        self.lines: list[tuple[int, float]] = [(1, 1.3)]  # rows of text across the sheet (title, captions, notes), font scale
        self.ws.append([xlsx_value(sheet_title(report))])
        self.ws["A1"].font = Font(name=FONT, bold=True, size=14)
        self.ws["A1"].alignment = Alignment(vertical="center")
        self.ws.oddHeader.center.text = f"{report.title}——{title}"
        self.ws.oddFooter.center.text = "第 &P 页,共 &N 页"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        if header is not None:
            self.table(header, wrap)
            self.ws.freeze_panes = f"A{self.header_row + 1}"
            self.ws.print_title_rows = f"1:{self.header_row}"
        else:
            self.ws.freeze_panes = "A2"
            self.ws.print_title_rows = "1:1"

    def line(self, text: str, bold: bool = False, gap: bool = True) -> None:
        """A line of text (a table's caption or note) in column A; ``gap``: a blank row before it."""
        _, Font, _ = self._styles
        if gap and self.ws.max_row > 1:
            self.ws.append([])
        self.ws.append([xlsx_value(text)])
        self.ws.cell(row=self.ws.max_row, column=1).font = Font(name=FONT, bold=bold, color=None if bold else "555555")
        self.lines.append((self.ws.max_row, 1.0))

    def table(self, header: list[str], wrap: dict[str, int] | None = None, caption: str | None = None,
              note: str | None = None, filtered: bool = False, gap: bool = True) -> None:
        """Start a table: its caption and note (when given), then its own header row;
        ``gap=False``: right under the row above (a header of two rows)."""
        Alignment, Font, PatternFill = self._styles
        if caption:
            self.line(caption, bold=True)
        if note:
            self.line(note, gap=not caption)
        if gap and not caption and not note and self.ws.max_row > 1:
            self.ws.append([])
        self.header = header
        self.wrap = wrap or {}  # column name -> maximum width (text wraps beyond it)
        self.ws.append([xlsx_value(name) for name in header])
        self.header_row = self.ws.max_row
        while len(self.widths) < len(header):
            self.widths.append(8)
        for index, name in enumerate(header):
            self.widths[index] = max(self.widths[index], display_width(name) + 4)
        for cell in self.ws[self.header_row]:
            cell.font = Font(name=FONT, bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = self.border
            if cell.value in FILLS:
                self._state_fill(cell, cell.value)
        if filtered:
            self.filtered = (self.header_row, self.header_row, len(header))

    def _state_fill(self, cell, state: str) -> None:
        _, Font, PatternFill = self._styles
        cell.fill = PatternFill("solid", fgColor=FILLS[state])
        cell.font = Font(name=FONT, bold=True, color="FFFFFF" if state in WHITE_TEXT else "222222")

    def add(self, values: list, states: dict[int, str] | None = None, tints: dict[int, str] | None = None,
            percents: tuple[int, ...] = ()) -> None:
        """A row; ``states`` marks status cells (column index -> state), ``tints`` count cells,
        ``percents`` the columns holding a rate (a fraction shown as a percentage)."""
        Alignment, Font, PatternFill = self._styles
        values = [xlsx_value(value) for value in values]
        self.ws.append(values)
        row = self.ws.max_row
        for index, value in enumerate(values):
            cell = self.ws.cell(row=row, column=index + 1)
            cell.font = Font(name=FONT)
            cell.border = self.border
            name = self.header[index]
            wrap = name in self.wrap
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cell.alignment = Alignment(
                vertical="top", wrap_text=wrap, horizontal="right" if numeric else ("center" if states and index in states else None)
            )
            if numeric and index in percents:
                cell.number_format = "0.0%"
            elif numeric and isinstance(value, float):
                cell.number_format = "0.####"
            width = display_width("" if value is None else value) + 2
            if wrap:
                width = min(width, self.wrap[name])
            self.widths[index] = max(self.widths[index], min(width, 80))
        for index, state in (states or {}).items():
            if state in FILLS:
                self._state_fill(self.ws.cell(row=row, column=index + 1), state)
        for index, state in (tints or {}).items():
            cell = self.ws.cell(row=row, column=index + 1)
            if cell.value:
                cell.fill = PatternFill("solid", fgColor=TINTS[state])
        if self.filtered and self.filtered[0] == self.header_row:
            self.filtered = (self.header_row, row, len(self.header))

    def finish(self) -> None:
        Alignment = self._styles[0]
        for index, width in enumerate(self.widths):
            self.ws.column_dimensions[get_column_letter(index + 1)].width = width
        # Lines of text span the sheet's columns and wrap inside them, so that
        # they print within the page (text overflowing a cell is cut at the print area).
        columns = max(len(self.widths), 1)
        room = sum(self.widths) or 80
        for row, scale in self.lines:
            text = self.ws.cell(row=row, column=1).value or ""
            if columns > 1:
                self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
            self.ws.cell(row=row, column=1).alignment = Alignment(vertical="center", wrap_text=True)
            lines = -(-int(display_width(text) * scale * 1.1) // int(room))  # ceiling
            self.ws.row_dimensions[row].height = max(1, lines) * 15 * scale + 4
        if not self.several and self.ws.max_row > self.header_row:
            self.filtered = (self.header_row, self.ws.max_row, len(self.header))
        if self.filtered and self.filtered[1] > self.filtered[0]:
            first, last, columns = self.filtered
            self.ws.auto_filter.ref = f"A{first}:{get_column_letter(columns)}{last}"


def _value(cell):
    """A cell as the workbook stores it: ids and figures as numbers where they are, rates as fractions."""
    if cell.kind == ID:
        return None if cell.value is None else item_id(cell.value)
    if cell.kind == NUMBER:
        return number(cell.value)
    return cell.value


def _add(sheet: _Sheet, row) -> None:
    states = {i: c.state for i, c in enumerate(row.cells) if c.kind == STATUS and c.state}
    tints = {i: c.state for i, c in enumerate(row.cells) if c.kind == COUNT and c.state}
    percents = tuple(i for i, c in enumerate(row.cells) if c.kind == PERCENT)
    sheet.add([_value(c) for c in row.cells], states=states or None, tints=tints or None, percents=percents)


def _wrap(table: Table) -> dict[str, int]:
    return {c.header: c.wrap for c in table.columns if c.wrap}


def _grouped(sheet: _Sheet, table: Table) -> None:
    """A table under a header of two rows: the groups (a quarter over its four columns), then the columns."""
    sheet.line(table.caption, bold=True)
    labels = [label for label, span in table.groups for _ in range(span)]
    sheet.ws.append([None] * table.lead + [xlsx_value(label) for label in labels])
    group_row = sheet.ws.max_row
    first = table.lead + 1
    for label, span in table.groups:
        cell = sheet.ws.cell(row=group_row, column=first)
        cell.alignment = Alignment(horizontal="center")
        cell.fill = _fill(HEADER_FILL)
        cell.font = _font(bold=True)
        sheet.ws.merge_cells(start_row=group_row, start_column=first, end_row=group_row, end_column=first + span - 1)
        first += span
    sheet.ws.row_dimensions[group_row].height = 18
    sheet.table(table.header, _wrap(table), filtered=table.filtered, gap=False)
    for column in range(1, table.lead + 1):
        sheet.ws.cell(row=group_row, column=column).fill = _fill(HEADER_FILL)
    for index, column in enumerate(table.columns[table.lead:]):
        sheet._state_fill(sheet.ws.cell(row=sheet.header_row, column=table.lead + index + 1), column.state)
    for row in table.rows:
        _add(sheet, row)


def _render_sheet(workbook, block: Sheet, report: Report, first: bool) -> None:
    if not block.several:
        (table,) = block.blocks
        sheet = _Sheet(workbook, block.name, table.header, _wrap(table), report, first=first)
        for row in table.rows:
            _add(sheet, row)
        sheet.finish()
        return
    sheet = _Sheet(workbook, block.name, None, {}, report, first=first, several=True)
    for index, part in enumerate(block.blocks):
        if isinstance(part, Paragraph):
            sheet.line(part.text, bold=part.role == "caption", gap=index > 0)
        elif part.groups:
            _grouped(sheet, part)
        else:
            sheet.table(part.header, _wrap(part), caption=part.caption or None, note=part.note or None, filtered=part.filtered)
            for row in part.rows:
                _add(sheet, row)
    sheet.finish()


def _fill(colour: str):
    return PatternFill("solid", fgColor=colour)


def _font(bold: bool = False):
    return Font(name=FONT, bold=bold)


def render_xlsx(report: Report) -> bytes:
    """The workbook's sheets of the bulletin (xatrack.bulletin_doc.Sheet blocks)."""
    workbook = Workbook()
    workbook.properties.title = report.title
    workbook.properties.creator = "xatrack"
    sheets = [b for b in build_document(report).for_medium(XLSX) if isinstance(b, Sheet)]
    for index, sheet in enumerate(sheets):
        _render_sheet(workbook, sheet, report, first=index == 0)
    buffer = io.BytesIO()
    no_formulas(workbook)  # notes and names starting with "=" stay text
    workbook.save(buffer)
    return buffer.getvalue()
