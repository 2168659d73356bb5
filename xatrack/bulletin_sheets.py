"""The bulletin as an Excel workbook's sheets (``Sheet`` blocks, xatrack.bulletin_blocks):
汇总, 滞后事项 (one row per metric), 全部事项, 催办名单, 各季度对比, 督查发现. Their
captions, headers and lines are written here; views/report_xlsx.py lays them out."""

from __future__ import annotations

from xatrack.bulletin_blocks import (
    COUNT,
    ID,
    NUMBER,
    PERCENT,
    STATUS,
    Cell,
    Column,
    Paragraph,
    Row,
    Sheet,
    Table,
    count_cells,
    count_columns,
    rate_columns,
)
from xatrack.model import BEHIND, MISSING, ON_TRACK, SEVERE
from xatrack.report import Report, Tally, published_sentence, reminder_text
from xatrack.trends import TRENDS_NOTE, rank_change_text


SUMMARY_SHEET = "汇总"
LAGGING_SHEET = "滞后事项"
ITEMS_SHEET = "全部事项"
REMINDER_SHEET = "催办名单"
TRENDS_SHEET = "各季度对比"
FINDINGS_SHEET = "督查发现"


def workbook(report: Report) -> list:
    """The sheets of the bulletin's workbook, in order."""
    sheets = [_summary_sheet(report), _lagging_sheet(report), _items_sheet(report), _reminder_sheet(report)]
    sheets += _trends_sheet(report)
    sheets += _findings_sheets(report)
    return sheets


def _sheet_counts(row: Tally) -> list[Cell]:
    return count_cells(row) + [Cell(row.problems, NUMBER)]


def _sheetcount_columns() -> list[Column]:
    return count_columns() + [Column("滞后及未报送", NUMBER)]


def _summary_sheet(report: Report) -> Sheet:
    """汇总: 总体及各行动, 各责任领导, 牵头单位排名 (with the rates and the ranking
    rule), 上季度: each its own table with its own header row."""
    blocks: list = []
    line = ";".join(t for t in (f"统计日期:{report.as_of_text}" if report.as_of else "", published_sentence(report)) if t)
    if line:
        blocks.append(Paragraph(line, role="note"))

    def headline(caption: str, rows) -> Table:
        return Table("headline", (Column("分类"), Column("名称", wrap=40), *_sheetcount_columns()),
                     tuple(Row((Cell(kind), Cell(name), *_sheet_counts(r))) for kind, name, r in rows), caption=caption)

    rows = [("总体", report.overall.name, report.overall)]
    if report.targets:
        rows.append(("主要目标", report.targets.name, report.targets))
    rows += [("行动", f"{r.name} {r.title}".strip(), r) for r in report.actions]
    blocks.append(headline("总体情况", rows))
    blocks.append(Table("leaders", (Column("责任领导"), *_sheetcount_columns()),
                        tuple(Row((Cell(r.name), *_sheet_counts(r))) for r in report.leaders), caption="各责任领导"))
    blocks.append(Table(
        "units",
        (Column("名次", NUMBER), Column("牵头单位", wrap=30), *_sheetcount_columns(), *rate_columns(report.units)),
        tuple(Row((Cell(r.rank or None, NUMBER), Cell(r.name), *_sheet_counts(r), Cell(round(r.progress_rate, 4), PERCENT),
                   Cell(round(r.timely_rate, 4), PERCENT), *([Cell(r.score, NUMBER)] if r.score is not None else [])))
              for r in report.units),
        caption="牵头单位排名", note=report.ranking_rule, filtered=True,
    ))
    if report.comparison is not None:
        before = report.comparison.before
        blocks.append(headline(f"上季度({report.comparison.previous.label})", [("总体", before.name, before)]))
    return Sheet(SUMMARY_SHEET, tuple(blocks), several=True)


def _note(status) -> str:
    return status.reason + (f";{status.note}" if status.note else "")


def _lagging_sheet(report: Report) -> Sheet:
    columns = (Column("责任领导"), Column("编号", ID), Column("事项", wrap=50), Column("牵头单位", wrap=24), Column("状态", STATUS),
               Column("指标", wrap=24), Column("单位"), Column("全年目标", NUMBER), Column("应完成", NUMBER),
               Column("已报送", NUMBER), Column("指标状态", STATUS), Column("说明", wrap=50))
    rows = []
    for group in report.lagging:
        for entry in group.items:
            item = entry.item
            base = (Cell(group.leader), Cell(item.id, ID), Cell(item.text), Cell("、".join(item.lead)),
                    Cell(entry.state, STATUS, entry.state))
            note = Cell(_note(entry.status))
            if not entry.figures:
                rows.append(Row(base + (Cell(None),) * 6 + (note,)))
                continue
            for f in entry.figures:
                rows.append(Row(base + (Cell(f.name), Cell(f.unit or None), Cell(f.target, NUMBER), Cell(f.expected, NUMBER),
                                        Cell(f.value, NUMBER), Cell(f.state, STATUS, f.state), note)))
    return Sheet(LAGGING_SHEET, (Table("lagging", columns, tuple(rows)),))


def item_columns() -> tuple[Column, ...]:
    """全部事项: every item of the report (the workbook's sheet)."""
    return (Column("编号", ID), Column("类型"), Column("行动", NUMBER), Column("章节", wrap=20), Column("事项", wrap=50),
            Column("责任领导"), Column("牵头单位"), Column("责任单位", wrap=30), Column("状态", STATUS),
            Column("上季度状态", STATUS), Column("说明", wrap=40), Column("报送状态"), Column("进展说明", wrap=30),
            Column("完成时限"))


def _items_sheet(report: Report) -> Sheet:
    comparison = report.comparison
    rows = []
    for status in report.statuses:
        item = status.item
        before = comparison.state_of(item.id) if comparison else None
        rows.append(Row((
            Cell(item.id, ID), Cell("主要目标" if item.is_target else "任务"), Cell(item.action, NUMBER), Cell(item.section),
            Cell(item.text), Cell("、".join(item.leaders)), Cell("、".join(item.lead)), Cell("、".join(item.units)),
            Cell(status.label, STATUS, status.state), Cell(before, STATUS, before or ""), Cell(status.reason),
            Cell(status.reported_status), Cell(status.note), Cell(f"Q{item.due}"),
        )))
    return Sheet(ITEMS_SHEET, (Table("items", item_columns(), tuple(rows)),))


def _reminder_sheet(report: Report) -> Sheet:
    columns = (Column("牵头单位"), Column("未报送", NUMBER), Column("事项编号(缺报的指标)", wrap=60), Column("连续未报送"))
    rows = [Row((Cell(r.unit), Cell(len(r.ids), COUNT, MISSING), Cell(reminder_text(r)), Cell("、".join(r.consecutive) or None)))
            for r in report.reminders]
    rows += [Row((Cell(u.unit), Cell(None), Cell("逾期报送:" + "、".join(u.ids)), Cell(None))) for u in report.late]
    rows += [Row((Cell(u.unit), Cell(None), Cell("逾期更正(不计逾期):" + "、".join(u.ids)), Cell(None))) for u in report.corrected]
    return Sheet(REMINDER_SHEET, (Table("reminders", columns, tuple(rows)),))


# The four colours of 各季度对比 (xatrack.trends.counts_text): 已完成 and 正常推进 are both green.
TREND_COLUMNS = (("已完成/正常", ON_TRACK), ("滞后", BEHIND), ("严重滞后", SEVERE), ("未报送", MISSING))


def _colours(counts: tuple[int, ...]) -> list[int]:
    done, on_track, behind, severe, missing = counts
    return [done + on_track, behind, severe, missing]


def _trends_sheet(report: Report) -> list:
    """各季度对比 (report.trends): per lead unit the counts at each quarter, rank and
    its change; per leader; items improved and worsened; units that stopped
    reporting; 连续未报送. Each part its own table under a caption."""
    trends = report.trends
    if trends is None or not trends.units:
        return []
    labels = list(trends.labels)
    blocks: list = [Paragraph(TRENDS_NOTE, role="note")]

    def counts_table(key: str, caption: str, names: list[Column], rows, filtered: bool = False) -> Table:
        columns = tuple(names) + tuple(Column(name, COUNT, state=state) for _ in labels for name, state in TREND_COLUMNS)
        return Table(
            key, columns,
            tuple(Row(tuple(leading) + tuple(Cell(n, COUNT, state) for c in counts
                                             for n, (_, state) in zip(_colours(c), TREND_COLUMNS)))
                  for leading, counts in rows),
            caption=caption, filtered=filtered, groups=tuple((label, len(TREND_COLUMNS)) for label in labels), lead=len(names),
        )

    blocks.append(counts_table(
        "unit-quarters", "各牵头单位各季度情况",
        [Column("名次", NUMBER), Column("上季度名次", NUMBER), Column("名次变化"), Column("牵头单位", wrap=30)],
        [([Cell(r.rank or None, NUMBER), Cell(r.previous_rank or None, NUMBER), Cell(rank_change_text(r) or None), Cell(r.name)],
          r.counts) for r in trends.units],
        filtered=True,
    ))
    blocks.append(counts_table("leader-quarters", "各责任领导各季度情况", [Column("责任领导", wrap=12)],
                               [([Cell(r.name)], r.counts) for r in trends.leaders]))
    if trends.overall:
        blocks.append(counts_table("overall-quarters", "全部事项各季度情况", [Column("范围")], [([Cell("全部事项")], trends.overall)]))
    if not trends.has_previous:
        blocks.append(Paragraph(report.no_previous_text, role="note"))
        return [Sheet(TRENDS_SHEET, tuple(blocks), several=True)]
    for key, title, _, moves in trends.moves:
        if not moves:
            blocks.append(Paragraph(f"{title}:无。", role="caption"))
            continue
        blocks.append(Table(
            key,
            (Column("编号", ID), Column("事项", wrap=50), Column("牵头单位", wrap=24), Column(f"{labels[-2]}状态", STATUS),
             Column(f"{labels[-1]}状态", STATUS)),
            tuple(Row((Cell(m.item_id, ID), Cell(m.text), Cell("、".join(m.lead) or None), Cell(m.before, STATUS, m.before),
                       Cell(m.after, STATUS, m.after))) for m in moves),
            caption=f"{title}({len(moves)} 项)",
        ))
    owed = {r.unit: r for r in report.reminders}
    if trends.stopped:
        rows = []
        for unit in trends.stopped:
            reminder = owed.get(unit)
            rows.append(Row((Cell(unit), Cell(len(reminder.ids) if reminder else None, COUNT, MISSING),
                             Cell("、".join(reminder.ids) if reminder else None))))
        blocks.append(Table("stopped", (Column("牵头单位"), Column("本季度未报送", NUMBER), Column("事项编号", wrap=40)), tuple(rows),
                            caption=f"上季度报送、本季度未报送的单位({len(trends.stopped)} 个)"))
    else:
        blocks.append(Paragraph("上季度报送、本季度未报送的单位:无。", role="caption"))
    if trends.streaks:
        blocks.append(Table(
            "streaks", (Column("牵头单位"), Column("连续未报送季度数", NUMBER), Column("事项数", NUMBER), Column("事项编号", wrap=40)),
            tuple(Row((Cell(s.unit), Cell(s.quarters, COUNT, MISSING), Cell(len(s.ids), NUMBER), Cell("、".join(s.ids))))
                  for s in trends.streaks),
            caption=f"连续未报送({len(trends.streaks)} 个单位)",
        ))
    else:
        blocks.append(Paragraph("连续未报送:无。", role="caption"))
    return [Sheet(TRENDS_SHEET, tuple(blocks), several=True)]


def _findings_sheets(report: Report) -> list:
    """Two sheets: 督查发现 (one row per finding the section lists: overdue, new,
    closed; the first column says which, so it filters) and 督查发现汇总 (by unit and leader)."""
    part = report.findings
    if part is None:
        return []
    columns = (Column("分类"), Column("编号"), Column("事项", ID), Column("单位"), Column("类型"), Column("问题", wrap=50),
               Column("发现日期"), Column("整改时限"), Column("状态"), Column("销号日期"), Column("佐证材料", wrap=30))
    rows = []
    for title, found in (("逾期未整改", part.overdue), ("本季度新发现", part.new), ("本季度销号", part.closed)):
        for f in found:
            closed = f.closed_on(part.end)
            rows.append(Row((Cell(title), Cell(part.short[f.fid]), Cell(f.item if f.item else None, ID), Cell(f.unit), Cell(f.kind),
                             Cell(f.text), Cell(f.day.isoformat()), Cell(f.due.isoformat()), Cell(part.statuses[f.fid]),
                             Cell(closed.isoformat() if closed else None), Cell("、".join(r.name for r in f.evidence) or None))))
    tallies = [Row((Cell(group), Cell(r.name), Cell(r.new, NUMBER), Cell(r.closed, NUMBER), Cell(r.open, NUMBER), Cell(r.overdue, NUMBER)))
               for group, rows_ in (("单位", part.units), ("责任领导", part.leaders)) for r in rows_]
    tally_columns = (Column("分组"), Column("名称"), Column("本季度新发现", NUMBER), Column("本季度销号", NUMBER), Column("未销号", NUMBER),
                     Column("其中逾期未整改", NUMBER))
    return [Sheet(FINDINGS_SHEET, (Table("findings", columns, tuple(rows)),)),
            Sheet("督查发现汇总", (Table("findings-tallies", tally_columns, tuple(tallies)),))]
