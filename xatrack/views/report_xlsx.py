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

from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES
from xatrack.report import Report, Tally, published_sentence, reminder_text
from xatrack.trends import TRENDS_NOTE, rank_change_text
from xatrack.views.safe_cells import no_formulas, xlsx_value

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


def sheet_title(report: Report) -> str:
    """The title row of every sheet: the plan, the bulletin (quarter) and its scope."""
    title = " · ".join(t for t in (report.plan_title, report.title) if t)
    if report.scope:
        title += "(" + ";".join(report.scope) + ")"
    return title


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


COUNT_HEADERS = ["事项", *STATES, "滞后及未报送"]


def _summary(workbook, report: Report) -> None:
    """汇总: 总体及各行动, 各责任领导, 牵头单位排名 (with the rates and the
    ranking rule), 上季度: each its own table with its own header row."""
    sheet = _Sheet(workbook, SUMMARY_SHEET, None, {}, report, first=True, several=True)
    meta = []
    if report.as_of:
        meta.append(f"统计日期:{report.as_of_text}")
    if published_sentence(report):
        meta.append(published_sentence(report))
    if meta:
        sheet.line(";".join(meta), gap=False)

    def counts(row: Tally) -> list:
        return [row.total, *(row.count(s) for s in STATES), row.problems]

    def tints(first: int) -> dict[int, str]:
        return {first + 1 + i: s for i, s in enumerate(STATES)}

    sheet.table(["分类", "名称", *COUNT_HEADERS], {"名称": 40}, caption="总体情况")
    sheet.add(["总体", report.overall.name, *counts(report.overall)], tints=tints(2))
    if report.targets:
        sheet.add(["主要目标", report.targets.name, *counts(report.targets)], tints=tints(2))
    for row in report.actions:
        sheet.add(["行动", f"{row.name} {row.title}".strip(), *counts(row)], tints=tints(2))

    sheet.table(["责任领导", *COUNT_HEADERS], caption="各责任领导")
    for row in report.leaders:
        sheet.add([row.name, *counts(row)], tints=tints(1))

    weighted = any(r.score is not None for r in report.units)
    header = ["名次", "牵头单位", *COUNT_HEADERS, "推进率", "及时率"] + (["综合得分"] if weighted else [])
    sheet.table(header, {"牵头单位": 30}, caption="牵头单位排名", note=report.ranking_rule or None, filtered=True)
    rate_col = header.index("推进率")
    for row in report.units:
        rates = [round(row.progress_rate, 4), round(row.timely_rate, 4)]
        score = [number(row.score)] if weighted else []
        sheet.add([row.rank or None, row.name, *counts(row), *rates, *score], tints=tints(2),
                  percents=(rate_col, rate_col + 1))

    if report.comparison is not None:
        before = report.comparison.before
        sheet.table(["分类", "名称", *COUNT_HEADERS], {"名称": 40},
                    caption=f"上季度({report.comparison.previous.label})")
        sheet.add(["总体", before.name, *counts(before)], tints=tints(2))
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


TRENDS_SHEET = "各季度对比"
# The four colours of 各季度对比 (xatrack.trends.counts_text): 已完成 and 正常推进 are both green.
TREND_COLUMNS = (("已完成/正常", ON_TRACK), ("滞后", BEHIND), ("严重滞后", SEVERE), ("未报送", MISSING))


def _colours(counts: tuple[int, ...]) -> list[int]:
    done, on_track, behind, severe, missing = counts
    return [done + on_track, behind, severe, missing]


def _trends(workbook, report: Report) -> None:
    """各季度对比 (report.trends): per lead unit the counts at each quarter, rank
    and its change; per leader; items improved and worsened; units that stopped
    reporting; 连续未报送. Each part its own table under a caption."""
    trends = report.trends
    if trends is None or not trends.units:
        return
    sheet = _Sheet(workbook, TRENDS_SHEET, None, {}, report, several=True)
    labels = list(trends.labels)
    sheet.line(TRENDS_NOTE, gap=False)

    def counts_table(caption: str, names: list[str], rows: list[tuple[list, tuple]], filtered: bool = False) -> None:
        """``names``: the leading columns; each row: (leading values, counts per quarter)."""
        header = [*names] + [name for _ in labels for name, _state in TREND_COLUMNS]
        sheet.line(caption, bold=True)
        sheet.ws.append([None] * len(names) + [xlsx_value(label) for label in labels for _ in TREND_COLUMNS])
        group_row = sheet.ws.max_row
        for q, label in enumerate(labels):  # the quarter over its four columns
            first = len(names) + q * len(TREND_COLUMNS) + 1
            cell = sheet.ws.cell(row=group_row, column=first)
            cell.alignment = Alignment(horizontal="center")
            cell.fill = _fill(HEADER_FILL)
            cell.font = _font(bold=True)
            sheet.ws.merge_cells(start_row=group_row, start_column=first, end_row=group_row,
                                 end_column=first + len(TREND_COLUMNS) - 1)
        sheet.ws.row_dimensions[group_row].height = 18
        sheet.table(header, {"牵头单位": 30, "责任领导": 12}, filtered=filtered, gap=False)
        for column in range(1, len(names) + 1):
            sheet.ws.cell(row=group_row, column=column).fill = _fill(HEADER_FILL)
        for index, (_, state) in enumerate(TREND_COLUMNS * len(labels)):
            sheet._state_fill(sheet.ws.cell(row=sheet.header_row, column=len(names) + index + 1), state)
        for leading, counts in rows:
            values = [*leading] + [n for c in counts for n in _colours(c)]
            tints = {len(names) + i: state for i, (_, state) in enumerate(TREND_COLUMNS * len(labels))}
            sheet.add(values, tints=tints)

    counts_table(
        "各牵头单位各季度情况",
        ["名次", "上季度名次", "名次变化", "牵头单位"],
        [([r.rank or None, r.previous_rank or None, rank_change_text(r) or None, r.name], r.counts) for r in trends.units],
        filtered=True,
    )
    counts_table("各责任领导各季度情况", ["责任领导"], [([r.name], r.counts) for r in trends.leaders])
    if trends.overall:
        counts_table("全部事项各季度情况", ["范围"], [(["全部事项"], trends.overall)])
    if not trends.has_previous:
        sheet.line(report.no_previous_text)
        sheet.finish()
        return
    for _, title, _, moves in trends.moves:
        if not moves:
            sheet.line(f"{title}:无。", bold=True)
            continue
        header = ["编号", "事项", "牵头单位", f"{labels[-2]}状态", f"{labels[-1]}状态"]
        sheet.table(header, {"事项": 50, "牵头单位": 24}, caption=f"{title}({len(moves)} 项)")
        for m in moves:
            sheet.add([item_id(m.item_id), m.text, "、".join(m.lead) or None, m.before, m.after],
                      states={3: m.before, 4: m.after})
    owed = {r.unit: r for r in report.reminders}
    if trends.stopped:
        sheet.table(["牵头单位", "本季度未报送", "事项编号"], {"事项编号": 40},
                    caption=f"上季度报送、本季度未报送的单位({len(trends.stopped)} 个)")
        for unit in trends.stopped:
            reminder = owed.get(unit)
            sheet.add([unit, len(reminder.ids) if reminder else None, "、".join(reminder.ids) if reminder else None],
                      tints={1: MISSING})
    else:
        sheet.line("上季度报送、本季度未报送的单位:无。", bold=True)
    if trends.streaks:
        sheet.table(["牵头单位", "连续未报送季度数", "事项数", "事项编号"], {"事项编号": 40},
                    caption=f"连续未报送({len(trends.streaks)} 个单位)")
        for streak in trends.streaks:
            sheet.add([streak.unit, streak.quarters, len(streak.ids), "、".join(streak.ids)], tints={1: MISSING})
    else:
        sheet.line("连续未报送:无。", bold=True)
    sheet.finish()


def _fill(colour: str):
    return PatternFill("solid", fgColor=colour)


def _font(bold: bool = False):
    return Font(name=FONT, bold=bold)


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.properties.title = report.title
    workbook.properties.creator = "xatrack"
    _summary(workbook, report)
    _lagging(workbook, report)
    _items(workbook, report)
    _reminders(workbook, report)
    _trends(workbook, report)
    _findings(workbook, report)
    buffer = io.BytesIO()
    no_formulas(workbook)  # notes and names starting with "=" stay text
    workbook.save(buffer)
    return buffer.getvalue()

