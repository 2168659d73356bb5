"""The quarterly bulletin as one self-contained HTML file.

Inline CSS and hand-written inline SVG, no script, no font or image from the
network: it opens the same on an office PC without internet. Every text is
escaped. Count cells carry ``data-state`` / ``data-count`` (and their rows
``data-name``) so the numbers can be read back from the page.
"""

from __future__ import annotations

from html import escape

from xatrack.bulletin_doc import COUNT, HTML, ID, STATUS, TOTAL, Cards, Chart, Heading, Meta, Paragraph, Table, build_document
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES
from xatrack.report import Report

# Three colours (三色预警) plus grey; 已完成 a darker green than 正常.
COLOURS = {DONE: "#2e7d32", ON_TRACK: "#66bb6a", BEHIND: "#f2b600", SEVERE: "#d32f2f", MISSING: "#9e9e9e"}
TINTS = {DONE: "#e3f1e4", ON_TRACK: "#eef7ee", BEHIND: "#fff5cc", SEVERE: "#fbe1e1", MISSING: "#eeeeee"}
CLASSES = {DONE: "s-done", ON_TRACK: "s-ok", BEHIND: "s-behind", SEVERE: "s-severe", MISSING: "s-missing"}
TEXT_ON = {DONE: "#fff", ON_TRACK: "#fff", BEHIND: "#222", SEVERE: "#fff", MISSING: "#fff"}

FONTS = '"Microsoft YaHei", "微软雅黑", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", SimSun, sans-serif'

CSS = f"""
* {{ box-sizing: border-box; }}
body {{ font-family: {FONTS}; color: #222; margin: 0; background: #f5f6f8; font-size: 14px; line-height: 1.55; }}
main {{ max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }}
h1 {{ font-size: 24px; margin: 8px 0 4px; text-align: center; }}
h2 {{ font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #c62828; }}
h3 {{ font-size: 15px; margin: 18px 0 6px; }}
p.meta {{ text-align: center; color: #666; margin: 0 0 12px; }}
p.note {{ color: #666; font-size: 13px; margin: 4px 0 8px; }}
.cards {{ display: flex; gap: 12px; margin: 12px 0 16px; flex-wrap: wrap; }}
.card {{ flex: 1 1 0; min-width: 120px; border-radius: 6px; padding: 10px 14px; color: #fff; }}
.card .label {{ font-size: 14px; }}
.card .n {{ font-size: 30px; font-weight: bold; line-height: 1.2; }}
.card.total {{ background: #37474f; }}
{''.join(f'.card.{CLASSES[s]} {{ background: {COLOURS[s]}; color: {TEXT_ON[s]}; }}' for s in STATES)}
table {{ border-collapse: collapse; width: 100%; margin: 6px 0 12px; }}
table.lagging, table.items {{ table-layout: fixed; }}
th, td {{ border: 1px solid #d0d4da; padding: 4px 8px; vertical-align: top; }}
th {{ background: #eceff3; font-weight: bold; white-space: nowrap; }}
td.num, th.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
td.id {{ white-space: nowrap; text-align: right; }}
td.nowrap {{ white-space: nowrap; }}
tr.overall td {{ font-weight: bold; }}
{''.join(f'td.{CLASSES[s]}.hit {{ background: {TINTS[s]}; }}' for s in STATES)}
span.state {{ display: inline-block; padding: 0 6px; border-radius: 3px; white-space: nowrap; }}
{''.join(f'span.state.{CLASSES[s]} {{ background: {COLOURS[s]}; color: {TEXT_ON[s]}; }}' for s in STATES)}
.chart {{ margin: 8px 0 4px; }}
.chart svg {{ display: block; max-width: 100%; height: auto; font-family: {FONTS}; }}
.legend {{ display: flex; gap: 16px; font-size: 13px; color: #444; margin: 4px 0; }}
.legend i {{ display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }}
footer {{ color: #888; font-size: 12px; margin-top: 32px; text-align: center; }}
@page {{ size: A4; margin: 15mm 12mm 15mm 12mm; }}
@media print {{
  body {{ background: #fff; font-size: 12px; }} main {{ padding: 0; max-width: none; }}
  h1, h2, h3, p.note {{ break-after: avoid; page-break-after: avoid; break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  tr, .card, .chart svg {{ break-inside: avoid; page-break-inside: avoid; }}
  .keep {{ break-inside: avoid; page-break-inside: avoid; }}
}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _legend() -> str:
    items = "".join(f'<span><i style="background:{COLOURS[s]}"></i>{_e(s)}</span>' for s in STATES)
    return f'<div class="legend">{items}</div>'


def bar_chart(rows, chart_id: str) -> str:
    """Horizontal stacked bars, one per row (bulletin_doc.Bar), segments in state order."""
    if not rows:
        return ""
    label_w, bar_w, total_w, row_h, gap = 240, 810, 50, 22, 8
    width = label_w + bar_w + total_w
    height = len(rows) * (row_h + gap) + gap
    scale = bar_w / max(max(r.total for r in rows), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{_e(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_e(chart_id)}">'
    ]
    for index, row in enumerate(rows):
        y = gap + index * (row_h + gap)
        name = row.label
        shown = name if len(name) <= 16 else name[:15] + "…"
        parts.append(
            f'<g class="bar" data-name="{_e(row.name)}" data-total="{row.total}">'
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 5}" text-anchor="end" font-size="14" fill="#222">'
            f"<title>{_e(name)}</title>{_e(shown)}</text>"
        )
        x = float(label_w)
        for state, n in zip(STATES, row.counts):
            if not n:
                continue
            w = n * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" fill="{COLOURS[state]}" '
                f'data-state="{_e(state)}" data-count="{n}"><title>{_e(row.name)} {_e(state)} {n} 项</title></rect>'
            )
            if w >= 8 * len(str(n)) + 6:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + row_h / 2 + 5}" text-anchor="middle" font-size="13" '
                    f'fill="{TEXT_ON[state]}">{n}</text>'
                )
            x += w
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + row_h / 2 + 5}" font-size="13" fill="#444">{row.total}</text></g>'
        )
    parts.append("</svg>")
    return f'<div class="chart">{_legend()}{"".join(parts)}</div>'


_ITEM_COLS = (
    '<colgroup><col style="width:6%"><col style="width:46%"><col style="width:16%">'
    '<col style="width:10%"><col style="width:22%"></colgroup>'
)


def _state(state: str) -> str:
    return f'<span class="state {CLASSES[state]}" data-state="{_e(state)}">{_e(state)}</span>'


def _cards(block: Cards) -> str:
    cards = [f'<div class="card total" data-state="total"><div class="label">{_e(block.label)}</div><div class="n" id="count-total" data-count="{block.total}">{block.total}</div></div>']
    for state, n in block.counts:
        cards.append(
            f'<div class="card {CLASSES[state]}" data-state="{_e(state)}"><div class="label">{_e(state)}</div>'
            f'<div class="n" id="count-{CLASSES[state][2:]}" data-count="{n}">{n}</div></div>'
        )
    return f'<div class="cards" id="cards">{"".join(cards)}</div>'


def _td(cell, first: bool = False) -> str:
    """A cell by its kind: counts carry data-state/data-count, a state its badge."""
    if cell.kind == TOTAL:
        return f'<td class="num" data-state="total" data-count="{cell.value}">{cell.value}</td>'
    if cell.kind == COUNT:
        hit = " hit" if cell.value else ""
        return f'<td class="num {CLASSES[cell.state]}{hit}" data-state="{_e(cell.state)}" data-count="{cell.value}">{cell.value}</td>'
    if cell.kind == STATUS:
        return f'<td class="nowrap">{_state(cell.state)}</td>'
    if cell.kind == ID:
        return f'<td class="id">{_e(cell.text)}</td>'
    return f"<td>{_e(cell.text)}</td>"


TALLIES = ("headline", "leaders", "units")
ITEM_TABLES = ("lagging", "turned-red", "completed", "improved", "worsened", "reported", "lapsed")


def _table_html(block: Table, leader: str) -> str:
    """Each table as the page has always marked it up (ids and data attributes read back by tests and scripts)."""
    key = block.key
    num = ' class="num"'
    if key in TALLIES:
        head = "".join(f"<th{num if c.numeric and c.role != 'rank' else ''}>{_e(c.header)}</th>" for c in block.columns)
        body = []
        for row in block.rows:
            css = ' class="overall"' if row.total else ""
            cells = []
            for c, column in zip(row.cells, block.columns):
                if column.role == "rank":
                    cells.append(f'<td class="num" data-rank="{c.value}">{c.value}</td>')
                elif column.role == "name" and key != "units":
                    cells.append(f'<td class="nowrap">{_e(c.text)}</td>')
                elif c.kind in (TOTAL, COUNT):
                    cells.append(_td(c))
                elif c.numeric:
                    cells.append(f'<td class="num">{_e(c.text)}</td>')
                else:
                    cells.append(f"<td>{_e(c.text)}</td>")
            body.append(f'<tr data-name="{_e(row.name)}"{css}>{"".join(cells)}</tr>')
        return f'<table id="{_e(key)}" data-table="{_e(key)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    if key in ITEM_TABLES:
        head = "".join(f"<th>{_e(c.header)}</th>" for c in block.columns)
        rows = []
        for row in block.rows:
            state = f' data-state="{_e(row.state)}"' if key == "lagging" else ""
            rows.append(f'<tr data-id="{_e(row.item)}"{state}>{"".join(_td(c) for c in row.cells)}</tr>')
        opening = f'<table class="lagging" data-leader="{_e(leader)}">' if key == "lagging" else f'<table id="{key}" class="items">'
        return f"{opening}{_ITEM_COLS}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if key == "reminders":
        rows = [
            f'<tr data-name="{_e(row.name)}"><td>{_e(row.cells[0].text)}</td><td class="num" data-count="{row.cells[1].value}">'
            f"{row.cells[1].value}</td><td>{_e(row.cells[2].text)}</td></tr>"
            for row in block.rows
        ]
        head = "".join(f"<th{num if c.numeric else ''}>{_e(c.header)}</th>" for c in block.columns)
        return f'<table id="reminder-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if key == "unit-quarters":
        head = "".join(f"<th{num if c.numeric else ''}>{_e(c.header)}</th>" for c in block.columns)
        rows = [
            f'<tr data-name="{_e(row.name)}" data-rank="{row.rank}"><td class="num">{row.cells[0].text}</td>'
            f'<td class="nowrap">{_e(row.cells[1].text)}</td><td>{_e(row.cells[2].text)}</td>'
            + "".join(f'<td class="nowrap">{_e(c.text)}</td>' for c in row.cells[3:])
            + "</tr>"
            for row in block.rows
        ]
        return f'<table id="unit-quarters"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if key == "streaks":
        head = "".join(f"<th>{_e(c.header)}</th>" for c in block.columns)
        rows = [
            f'<tr data-name="{_e(row.name)}"><td>{_e(row.cells[0].text)}</td><td class="nowrap">{_e(row.cells[1].text)}</td>'
            f"<td>{_e(row.cells[2].text)}</td></tr>"
            for row in block.rows
        ]
        return f'<table id="streaks"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    # findings-*: numbers to the right
    head = "".join(f"<th{num if c.numeric else ''}>{_e(c.header)}</th>" for c in block.columns)
    body = "".join(
        "<tr>" + "".join(f"<td{num if c.numeric else ''}>{_e(c.text)}</td>" for c in row.cells) + "</tr>" for row in block.rows
    )
    return f'<table id="{key}" data-table="{key}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


PARAGRAPH_CLASSES = {"note": "note", "late": "note late", "contributors": "note contributors", "published": "note published"}


def render_html(report: Report) -> str:
    """The blocks of the bulletin (xatrack.bulletin_doc) as one page."""
    out: list[str] = []
    section = ""
    leader = ""
    for block in build_document(report).for_medium(HTML):
        if isinstance(block, Heading):
            if block.level == 0:
                out.append(f"<h1>{_e(block.text)}</h1>")
            elif block.level == 1:
                if section:
                    out.append("</section>")
                section = block.key
                if section == "findings":  # the findings section has always been written last, on its own
                    out.append(f'<section id="findings"><h2>{_e(block.text)}</h2>')
                else:
                    out.append(f'<section id="{_e(section)}"><h2>{_e(block.text)}</h2>')
            else:
                leader = block.key
                out.append(f"<h3>{_e(block.text)}</h3>")
        elif isinstance(block, Meta):
            meta = [_e(t) for t in (block.plan, block.scope) if t] + ([block.as_of] if block.as_of else [])
            if meta:
                out.append(f'<p class="meta">{"<br>".join(meta)}</p>')
            if block.published:
                out.append(f'<p class="note published">{_e(block.published)}</p>')
        elif isinstance(block, Paragraph):
            if block.role == "stopped":
                out.append(f'<p id="stopped">{_e(block.text)}</p>')
            elif block.role == "note" and out[-1].endswith("</h2>") and section == "units":
                out[-1] += f'<p class="note">{_e(block.text)}</p>'  # under the heading, on its line
            elif block.role == "empty" and section == "overall":
                out.append(f"<p>{_e(block.text)}</p></section>")
                section = ""
            elif block.role in PARAGRAPH_CLASSES:
                out.append(f'<p class="{PARAGRAPH_CLASSES[block.role]}">{_e(block.text)}</p>')
            else:
                out.append(f"<p>{_e(block.text)}</p>")
        elif isinstance(block, Cards):
            out.append(_cards(block))
        elif isinstance(block, Chart):
            if block.caption:
                out.append(f"<h3>{_e(block.caption)}</h3>")
            out.append(bar_chart(list(block.bars), block.key))
        elif isinstance(block, Table):
            out.append(_table_html(block, leader))
    if section:
        out.append("</section>")
    return _page(report, out)


def _page(report: Report, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n<footer>由 xatrack 生成;数字与 xatrack overdue 出自同一评估。</footer>\n</main>\n</body>\n</html>\n"
    )
