"""The quarterly bulletin as an Excel workbook (openpyxl, imported only here).

Sheets: 汇总 (overall, targets, actions, leaders, lead-unit ranking in one
filterable table), 滞后事项 (one row per metric of each lagging item, by
leader), 全部事项 (every item of the report), 催办名单. Each sheet: header in
row 1 and frozen (A2), auto-filter, widths set for Chinese text, status cells
filled in the three colours (grey for 未报送), numbers stored as numbers.
"""

from __future__ import annotations

import io
import unicodedata

from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES
from xatrack.report import Report, Tally

FILLS = {DONE: "2E7D32", ON_TRACK: "66BB6A", BEHIND: "F2B600", SEVERE: "D32F2F", MISSING: "9E9E9E"}
TINTS = {DONE: "E3F1E4", ON_TRACK: "EEF7EE", BEHIND: "FFF5CC", SEVERE: "FBE1E1", MISSING: "EEEEEE"}
WHITE_TEXT = {DONE, ON_TRACK, SEVERE, MISSING}
HEADER_FILL = "ECEFF3"
FONT = "微软雅黑"

SUMMARY_SHEET = "汇总"
LAGGING_SHEET = "滞后事项"
ITEMS_SHEET = "全部事项"
REMINDER_SHEET = "催办名单"
KIND_LABELS = {"cumulative": "累计", "growth": "增速", "level": "水平"}


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


class _Sheet:
    """One table on a worksheet: header row, rows, widths, fills."""

    def __init__(self, workbook, title: str, header: list[str], wrap: dict[str, int], report: Report, first: bool = False):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._styles = (Alignment, Font, PatternFill)
        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = title
        self.header = header
        self.wrap = wrap  # column name -> maximum width (text wraps beyond it)
        self.widths = [display_width(h) + 4 for h in header]
        self.border = Border(*(Side(style="thin", color="D0D4DA"),) * 4)
        self.ws.append(header)
        for cell in self.ws[1]:
            cell.font = Font(name=FONT, bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = self.border
            if cell.value in FILLS:
                self._state_fill(cell, cell.value)
                cell.font = Font(name=FONT, bold=True, color="FFFFFF" if cell.value in WHITE_TEXT else "222222")
        self.ws.freeze_panes = "A2"
        self.ws.oddHeader.center.text = f"{report.title}——{title}"
        self.ws.oddFooter.center.text = "第 &P 页,共 &N 页"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_title_rows = "1:1"

    def _state_fill(self, cell, state: str) -> None:
        _, Font, PatternFill = self._styles
        cell.fill = PatternFill("solid", fgColor=FILLS[state])
        cell.font = Font(name=FONT, bold=True, color="FFFFFF" if state in WHITE_TEXT else "222222")

    def add(self, values: list, states: dict[int, str] | None = None, tints: dict[int, str] | None = None) -> None:
        """A row; ``states`` marks status cells (column index -> state), ``tints`` count cells."""
        Alignment, Font, PatternFill = self._styles
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
            if numeric and isinstance(value, float):
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

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(self.widths):
            self.ws.column_dimensions[get_column_letter(index + 1)].width = width
        if self.ws.max_row > 1:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.header))}{self.ws.max_row}"


def _summary(workbook, report: Report) -> None:
    header = ["分组", "名称", "名次", "事项", *STATES, "滞后及未报送", "推进率", "及时率"]
    sheet = _Sheet(workbook, SUMMARY_SHEET, header, {"名称": 40}, report, first=True)
    first_count = header.index("事项") + 1

    def add(group: str, row: Tally, name: str | None = None) -> None:
        rates = [round(row.progress_rate, 4), round(row.timely_rate, 4)] if row.rank else [None, None]
        values = [group, name or row.name, row.rank or None, row.total, *(row.count(s) for s in STATES), row.problems, *rates]
        sheet.add(values, tints={first_count + i: s for i, s in enumerate(STATES)})

    add("总体", report.overall)
    if report.targets:
        add("总体", report.targets)
    for row in report.actions:
        add("行动", row, f"{row.name} {row.title}".strip())
    for row in report.leaders:
        add("责任领导", row)
    for row in report.units:
        add("牵头单位排名", row)
    if report.comparison is not None:
        add(f"上季度({report.comparison.previous.label})", report.comparison.before)
    sheet.finish()


def _lagging(workbook, report: Report) -> None:
    header = ["责任领导", "编号", "事项", "牵头单位", "状态", "指标", "单位", "全年目标", "应完成", "已报送", "指标状态", "说明"]
    sheet = _Sheet(workbook, LAGGING_SHEET, header, {"事项": 50, "说明": 50, "指标": 24, "牵头单位": 24}, report)
    status_col = header.index("状态")
    metric_state_col = header.index("指标状态")
    for group in report.lagging:
        for entry in group.items:
            item = entry.item
            base = [group.leader, item_id(item.id), item.text, "、".join(item.lead)]
            note = entry.status.reason + (f";{entry.status.note}" if entry.status.note else "")
            if not entry.figures:
                values = base + [entry.state, None, None, None, None, None, None, note]
                sheet.add(values, states={status_col: entry.state})
                continue
            for figure in entry.figures:
                values = base + [
                    entry.state,
                    figure.name,
                    figure.unit or None,
                    number(figure.target),
                    number(figure.expected),
                    number(figure.value),
                    figure.state,
                    note,
                ]
                sheet.add(values, states={status_col: entry.state, metric_state_col: figure.state})
    sheet.finish()


def _items(workbook, report: Report) -> None:
    comparison = report.comparison
    header = ["编号", "类型", "行动", "章节", "事项", "责任领导", "牵头单位", "责任单位", "状态"]
    header += ["上季度状态", "说明", "报送状态", "进展说明", "完成时限"]
    sheet = _Sheet(
        workbook, ITEMS_SHEET, header, {"事项": 50, "说明": 40, "责任单位": 30, "进展说明": 30, "章节": 20}, report
    )
    status_col = header.index("状态")
    before_col = header.index("上季度状态")
    for status in report.statuses:
        item = status.item
        before = comparison.state_of(item.id) if comparison else None
        values = [
            item_id(item.id),
            "主要目标" if item.is_target else "任务",
            item.action,
            item.section,
            item.text,
            "、".join(item.leaders),
            "、".join(item.lead),
            "、".join(item.units),
            status.label,
            before,
            status.reason,
            status.reported_status,
            status.note,
            f"Q{item.due}",
        ]
        states = {status_col: status.state}
        if before:
            states[before_col] = before
        sheet.add(values, states=states)
    sheet.finish()


def _reminders(workbook, report: Report) -> None:
    from xatrack.report import reminder_text

    header = ["牵头单位", "未报送", "事项编号(缺报的指标)", "连续未报送"]
    sheet = _Sheet(workbook, REMINDER_SHEET, header, {"事项编号(缺报的指标)": 60}, report)
    for reminder in report.reminders:
        sheet.add(
            [reminder.unit, len(reminder.ids), reminder_text(reminder), "、".join(reminder.consecutive) or None],
            tints={1: MISSING},
        )
    for late in report.late:
        sheet.add([late.unit, None, "逾期报送:" + "、".join(late.ids), None])
    sheet.finish()


FINDINGS_SHEET = "督查发现"


def _findings(workbook, report: Report) -> None:
    """Two sheets: 督查发现 (one row per finding the section lists: overdue, new,
    closed; the first column says which, so it filters) and 督查发现汇总 (by unit and leader)."""
    from xatrack.views.findings_tables import findings_tables

    if report.findings is None:
        return
    header = ["分类", "编号", "事项", "单位", "类型", "问题", "发现日期", "整改时限", "状态", "销号日期", "佐证材料"]
    sheet = _Sheet(workbook, FINDINGS_SHEET, header, {"问题": 50, "佐证材料": 30}, report)
    part = report.findings
    for key, title, found in (("overdue", "逾期未整改", part.overdue), ("new", "本季度新发现", part.new),
                              ("closed", "本季度销号", part.closed)):
        for f in found:
            closed = f.closed_on(part.end)
            sheet.add([title, part.short[f.fid], item_id(f.item) if f.item else None, f.unit, f.kind, f.text,
                       f.day.isoformat(), f.due.isoformat(), part.statuses[f.fid],
                       closed.isoformat() if closed else None, "、".join(r.name for r in f.evidence) or None])
    sheet.finish()
    tallies = _Sheet(workbook, "督查发现汇总", ["分组", "名称", "本季度新发现", "本季度销号", "未销号", "其中逾期未整改"], {}, report)
    for group, rows in (("单位", part.units), ("责任领导", part.leaders)):
        for r in rows:
            tallies.add([group, r.name, r.new, r.closed, r.open, r.overdue])
    tallies.finish()


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.title = report.title
    workbook.properties.creator = "xatrack"
    _summary(workbook, report)
    _lagging(workbook, report)
    _items(workbook, report)
    _reminders(workbook, report)
    _findings(workbook, report)
    buffer = io.BytesIO()
    from xatrack.views.safe_cells import no_formulas

    no_formulas(workbook)  # notes and names starting with "=" stay text
    workbook.save(buffer)
    return buffer.getvalue()

