"""`report --year -o 考核.xlsx`: the year's table (views/report_annual.annual_table)
as an Excel workbook for the 考核 committee: one sheet, the title, the table
(places and counts as numbers, rates as percentages), the notes under it;
a place where recomputing with late figures differs from the published
bulletin is shaded and shows both."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from xatrack.views.report_annual import DIFFERS_FILL, annual_table
from xatrack.views.report_xlsx import FONT, HEADER_FILL, display_width
from xatrack.views.safe_cells import no_formulas

SHEET = "全年考核"
_WHOLE = re.compile(r"^\d+$")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?%$")
_DECIMAL = re.compile(r"^\d+\.\d+$")


def _value(text: str):
    """A cell's value: whole numbers and percentages as numbers, anything else as text."""
    if _WHOLE.match(text):
        return int(text), None
    if _PERCENT.match(text):
        return float(text[:-1]) / 100, "0.0%"
    if _DECIMAL.match(text):
        return float(text), "0.##"
    return text, None


def render_annual_xlsx(result, upto) -> bytes:
    made = annual_table(result, upto)
    workbook = Workbook()
    workbook.properties.title = made.title
    workbook.properties.creator = "xatrack"
    ws = workbook.active
    ws.title = SHEET
    border = Border(*(Side(style="thin", color="D0D4DA"),) * 4)
    ws.append([made.title])
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    ws.append([])
    ws.append(list(made.header))
    header_row = ws.max_row
    widths = [display_width(name) + 4 for name in made.header]
    for cell in ws[header_row]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    differing = set(made.differing_cells)
    for r, cells in enumerate(made.rows):
        ws.append([_value(text)[0] for text in cells])
        row = ws.max_row
        for column, text in enumerate(cells):
            cell = ws.cell(row=row, column=column + 1)
            value, number_format = _value(text)
            cell.font = Font(name=FONT)
            cell.border = border
            if number_format:
                cell.number_format = number_format
            numeric = not isinstance(value, str)
            cell.alignment = Alignment(horizontal="right" if numeric else ("center" if column in made.quarter_columns else None))
            if (r, column) in differing:
                cell.fill = PatternFill("solid", fgColor=DIFFERS_FILL)
            widths[column] = max(widths[column], min(display_width(text) + 2, 40))
    last_row = ws.max_row
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    room = sum(widths) or 80
    for note in made.notes:
        ws.append([])
        ws.append([note])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(made.header))
        cell = ws.cell(row=row, column=1)
        cell.font = Font(name=FONT, color="555555")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        lines = -(-int(display_width(note) * 1.1) // int(room))  # ceiling
        ws.row_dimensions[row].height = max(1, lines) * 15 + 4
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"1:{header_row}"
    if last_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(made.header))}{last_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页,共 &N 页"
    buffer = io.BytesIO()
    no_formulas(workbook)  # unit names starting with "=" stay text
    workbook.save(buffer)
    return buffer.getvalue()
