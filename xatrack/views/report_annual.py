"""`report --year`: each lead unit's places and rates over the year
(annual.annual's value) as one table (``annual_table``: title, header, rows,
notes) and its plain-text and Markdown renderings; annual_xlsx.py and
annual_docx.py write the same table to Excel and Word."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from xatrack.report import percent
from xatrack.views.report_markdown import table

KINDS = ("term", "md", "xlsx", "docx")
DIFFERS_FILL = "FFEB9C"  # xlsx, docx: the published place and recomputing differ here
_CN = "一二三四"


@dataclass(frozen=True)
class AnnualTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]  # the ranking rule, where each quarter's figures come from, what recomputing changes
    quarter_columns: tuple[int, ...]  # the header index of each quarter's place column
    differing_cells: tuple[tuple[int, int], ...]  # (row, column) where the published place and recomputing differ


def _quarters_text(quarters) -> str:
    return "第" + "、".join(_CN[q - 1] for q in quarters) + "季度"


def _place(place: int | None) -> str:
    return str(place) if place is not None else "—"


def _figures(rates, place) -> str:
    if rates is None:
        return "未列入排名"
    return f"第{_place(place)}名(推进率 {percent(rates.progress_rate)}、及时率 {percent(rates.timely_rate)})"


def annual_table(result, upto) -> AnnualTable:
    """The year's table up to quarter ``upto``: one row per lead unit, best first."""
    quarters = list(range(1, upto.q + 1))
    published = set(result.published)
    header = ["名次", "牵头单位", "事项"]
    quarter_columns = []
    for q in quarters:
        quarter_columns.append(len(header))
        header.append(f"Q{q} 名次(通报)" if q in published else f"Q{q} 名次")
    header += ["全年推进率", "全年及时率", "严重滞后(项次)"]
    weighted = any(u.score is not None for u in result.units)
    if weighted:
        header.append("综合得分")
    rows, differing_cells = [], []
    for r, unit in enumerate(result.units):
        counted = [p.rates for p in unit.quarters if p.rates is not None]
        per_item = counted[-1].total if counted else 0
        cells = [str(unit.rank), unit.name, str(per_item)]
        for q in quarters:
            place = unit.place_in(q)
            if place is None:
                cells.append("—")
                continue
            text = _place(place.place)
            if place.recomputed is not None:
                text += f"(重算{_place(place.recomputed[1])})"
                differing_cells.append((r, len(cells)))
            cells.append(text)
        cells += [percent(unit.year.progress_rate), percent(unit.year.timely_rate), str(unit.year.severe)]
        if weighted:
            cells.append(f"{unit.score:g}")
        rows.append(tuple(cells))
    notes = [result.rule]
    records = f"{result.as_of} 以前的全部记录" if result.as_of else "目前的全部记录"
    computed = [q for q in quarters if q not in published]
    if published:
        source = f"{_quarters_text(sorted(published))}的名次和计数取自已发布的通报(bulletins/)"
        if computed:
            source += f";{_quarters_text(computed)}未发布通报,按{records}计算"
        notes.append(source + "。")
    else:
        notes.append(f"各季度均未发布通报,按{records}(含逾期补报和更正)计算。")
    for q in result.differing:
        changes, moved = [], 0
        for unit in result.units:
            place = unit.place_in(q)
            if place is None or place.recomputed is None:
                continue
            again_rates, again_place = place.recomputed
            if again_rates == place.rates:
                moved += 1  # its own figures are the same: only its place moved with the others'
                continue
            changes.append(f"{unit.name} 通报{_figures(place.rates, place.place)},重算{_figures(again_rates, again_place)}")
        if moved:
            changes.append(f"另有 {moved} 个单位本身的数字未变、名次随之变动")
        notes.append(
            f"第{_CN[q - 1]}季度按{records}(含逾期补报和更正)重算与已发布的通报不同,"
            f"表中括号内为重算名次,全年合计按通报:{';'.join(changes)}。"
        )
    title = f"{result.year}年各牵头单位目标任务全年考核(第一至第{_CN[upto.q - 1]}季度)"
    return AnnualTable(title, tuple(header), tuple(rows), tuple(notes), tuple(quarter_columns), tuple(differing_cells))


def render_annual(result, upto, kind: str) -> tuple[str, str]:
    """(title, text) of the year's table up to quarter `upto`; kind is term or md."""
    made = annual_table(result, upto)
    header, rows = list(made.header), [list(r) for r in made.rows]
    if kind == "md":
        notes = [line for note in made.notes for line in (note, "")]
        text = "\n".join([f"# {made.title}", "", *notes, *table(header, rows, set(range(2, len(header)))), ""]) + "\n"
    else:
        lines = [made.title, *made.notes, ""]
        widths = [max(_width(r[i]) for r in [header] + rows) for i in range(len(header))]
        for r in [header] + rows:
            lines.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(r)).rstrip())
        text = "\n".join(lines) + "\n"
    return made.title, text


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
