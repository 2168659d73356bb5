"""The quarterly bulletin as one self-contained HTML file.

Inline CSS and hand-written inline SVG, no script, no font or image from the
network: it opens the same on an office PC without internet. Every text is
escaped. Count cells carry ``data-state`` / ``data-count`` (and their rows
``data-name``) so the numbers can be read back from the page.
"""

from __future__ import annotations

from html import escape

from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES
from xatrack.report import (
    FINDINGS_SECTION,
    SECTIONS,
    Report,
    Tally,
    comparison_sentence,
    contributors_sentence,
    counts_sentence,
    findings_sentence,
    item_figures_text,
    late_sentence,
    published_sentence,
    rate_cells,
    rate_headers,
    reminder_text,
)
from xatrack.trends import TRENDS_NOTE, counts_text, rank_change_text
from xatrack.views.findings_tables import findings_tables

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


def bar_chart(rows: list[Tally], chart_id: str, label=lambda row: row.name) -> str:
    """Horizontal stacked bars, one per row, segments in state order."""
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
        name = label(row)
        shown = name if len(name) <= 16 else name[:15] + "…"
        parts.append(
            f'<g class="bar" data-name="{_e(row.name)}" data-total="{row.total}">'
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 5}" text-anchor="end" font-size="14" fill="#222">'
            f"<title>{_e(name)}</title>{_e(shown)}</text>"
        )
        x = float(label_w)
        for state in STATES:
            n = row.count(state)
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


def _count_cells(row: Tally) -> str:
    cells = [f'<td class="num" data-state="total" data-count="{row.total}">{row.total}</td>']
    for state in STATES:
        n = row.count(state)
        hit = " hit" if n else ""
        cells.append(f'<td class="num {CLASSES[state]}{hit}" data-state="{_e(state)}" data-count="{n}">{n}</td>')
    return "".join(cells)


def tally_table(rows: list[Tally], table_id: str, first: list[str], cells, rates: bool = False) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in first) + '<th class="num">事项</th>'
    head += "".join(f'<th class="num">{_e(s)}</th>' for s in STATES)
    if rates:
        head += "".join(f'<th class="num">{_e(h)}</th>' for h in rate_headers(rows))
    body = []
    for row in rows:
        css = ' class="overall"' if row.name == "合计" and table_id == "headline" else ""
        extra = "".join(f'<td class="num">{_e(c)}</td>' for c in rate_cells(row)) if rates else ""
        body.append(f'<tr data-name="{_e(row.name)}"{css}>{cells(row)}{_count_cells(row)}{extra}</tr>')
    return f'<table id="{_e(table_id)}" data-table="{_e(table_id)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


_ITEM_COLS = (
    '<colgroup><col style="width:6%"><col style="width:46%"><col style="width:16%">'
    '<col style="width:10%"><col style="width:22%"></colgroup>'
)


def _state(state: str) -> str:
    return f'<span class="state {CLASSES[state]}" data-state="{_e(state)}">{_e(state)}</span>'


def _cards(row: Tally) -> str:
    cards = [f'<div class="card total" data-state="total"><div class="label">纳入通报</div><div class="n" id="count-total" data-count="{row.total}">{row.total}</div></div>']
    for state in STATES:
        n = row.count(state)
        cards.append(
            f'<div class="card {CLASSES[state]}" data-state="{_e(state)}"><div class="label">{_e(state)}</div>'
            f'<div class="n" id="count-{CLASSES[state][2:]}" data-count="{n}">{n}</div></div>'
        )
    return f'<div class="cards" id="cards">{"".join(cards)}</div>'


def render_html(report: Report) -> str:
    out: list[str] = []
    meta = []
    if report.plan_title:
        meta.append(_e(report.plan_title))
    if report.scope:
        meta.append("范围:" + _e(" · ".join(report.scope)))
    if report.as_of:
        meta.append(f"统计日期:{report.as_of_text}")
    out.append(f"<h1>{_e(report.title)}</h1>")
    if meta:
        out.append(f'<p class="meta">{"<br>".join(meta)}</p>')
    if published_sentence(report):
        out.append(f'<p class="note published">{_e(published_sentence(report))}</p>')

    out.append(f'<section id="overall"><h2>{_e(SECTIONS[0])}</h2>')
    out.append(f"<p>{_e(counts_sentence(report.overall))}</p>")
    out.append(_cards(report.overall))
    if not report.statuses:
        out.append("<p>没有符合条件的事项。</p></section>")
        return _page(report, out)
    rows = ([report.targets] if report.targets else []) + list(report.actions)
    out.append("<h3>主要预期目标和七大行动</h3>")
    out.append(bar_chart(rows, "chart-actions", label=lambda r: f"{r.name} {r.title}".strip()))
    out.append(
        tally_table(
            [report.overall] + rows,
            "headline",
            ["分类", "名称"],
            lambda r: f'<td class="nowrap">{_e(r.name)}</td><td>{_e(r.title)}</td>',
        )
    )
    out.append("</section>")

    out.append(f'<section id="leaders"><h2>{_e(SECTIONS[1])}</h2>')
    out.append(bar_chart(list(report.leaders), "chart-leaders"))
    out.append(tally_table(list(report.leaders), "leaders", ["责任领导"], lambda r: f'<td class="nowrap">{_e(r.name)}</td>'))
    out.append("</section>")

    out.append(f'<section id="units"><h2>{_e(SECTIONS[2])}</h2><p class="note">{_e(report.ranking_rule)}</p>')
    out.append(
        tally_table(
            list(report.units),
            "units",
            ["名次", "牵头单位"],
            lambda r: f'<td class="num" data-rank="{r.rank}">{r.rank}</td><td>{_e(r.name)}</td>',
            rates=True,
        )
    )
    out.append("</section>")

    out.append(f'<section id="lagging"><h2>{_e(SECTIONS[3])}</h2>')
    if not report.lagging:
        out.append("<p>没有滞后或严重滞后的事项。</p>")
    for group in report.lagging:
        out.append(f"<h3>{_e(group.leader)}({len(group.items)} 项)</h3>")
        rows_html = []
        for entry in group.items:
            item = entry.item
            rows_html.append(
                f'<tr data-id="{_e(item.id)}" data-state="{_e(entry.state)}"><td class="id">{_e(item.id)}</td>'
                f"<td>{_e(item.text)}</td><td>{_e('、'.join(item.lead) or '—')}</td>"
                f'<td class="nowrap">{_state(entry.state)}</td><td>{_e(item_figures_text(entry))}</td></tr>'
            )
        out.append(
            f'<table class="lagging" data-leader="{_e(group.leader)}">{_ITEM_COLS}<thead><tr><th>编号</th><th>事项</th>'
            f"<th>牵头单位</th><th>状态</th><th>应完成 / 已报送</th></tr></thead><tbody>{''.join(rows_html)}</tbody></table>"
        )
    out.append("</section>")

    out.append(f'<section id="reminders"><h2>{_e(SECTIONS[4])}</h2>')
    if not report.reminders:
        out.append("<p>各牵头单位本季度均已报送。</p>")
    else:
        rows_html = [
            f'<tr data-name="{_e(r.unit)}"><td>{_e(r.unit)}</td><td class="num" data-count="{len(r.ids)}">{len(r.ids)}</td>'
            f"<td>{_e(reminder_text(r))}</td></tr>"
            for r in report.reminders
        ]
        out.append(
            '<table id="reminder-table"><thead><tr><th>牵头单位</th><th class="num">未报送</th><th>事项编号(缺报的指标)</th></tr></thead>'
            f"<tbody>{''.join(rows_html)}</tbody></table>"
        )
    for css, sentence in (("late", late_sentence(report)), ("contributors", contributors_sentence(report))):
        if sentence:
            out.append(f'<p class="note {css}">{_e(sentence)}</p>')
    out.append("</section>")

    out.append(f'<section id="change"><h2>{_e(SECTIONS[5])}</h2>')
    comparison = report.comparison
    if comparison is None:
        out.append(f"<p>{_e(report.no_previous_text)}</p>")
    else:
        out.append(f"<p>{_e(comparison_sentence(comparison))}</p>")
        for key, title, changes in (
            ("turned-red", "新转为严重滞后", comparison.turned_red),
            ("completed", "本季度新完成", comparison.completed),
        ):
            if not changes:
                continue
            out.append(f"<h3>{_e(title)}({len(changes)} 项)</h3>")
            rows_html = [
                f'<tr data-id="{_e(c.item_id)}"><td class="id">{_e(c.item_id)}</td><td>{_e(c.text)}</td>'
                f"<td>{_e('、'.join(c.lead) or '—')}</td><td class=\"nowrap\">{_state(c.before)}</td>"
                f'<td class="nowrap">{_state(c.after)}</td></tr>'
                for c in changes
            ]
            out.append(
                f'<table id="{key}" class="items">{_ITEM_COLS}<thead><tr><th>编号</th><th>事项</th><th>牵头单位</th>'
                f"<th>Q{comparison.previous.q}</th><th>Q{report.quarter.q}</th></tr></thead><tbody>{''.join(rows_html)}</tbody></table>"
            )
    out += _trends(report)
    out.append("</section>")
    return _page(report, out)


def _findings_section(report: Report) -> list[str]:
    """七、督查发现及整改 (only when findings are recorded)."""
    part = report.findings
    if part is None:
        return []
    out = [f'<section id="findings"><h2>{_e(FINDINGS_SECTION)}</h2>', f"<p>{_e(findings_sentence(part))}</p>"]
    for t in findings_tables(part):
        num = ' class="num"'
        head = "".join(f"<th{num if i in t.numeric else ''}>{_e(h)}</th>" for i, h in enumerate(t.header))
        body = "".join(
            "<tr>" + "".join(f"<td{num if i in t.numeric else ''}>{_e(v)}</td>" for i, v in enumerate(row)) + "</tr>"
            for row in t.rows
        )
        out.append(f"<h3>{_e(t.title)}</h3>")
        out.append(f'<table id="findings-{t.key}" data-table="findings-{t.key}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
    out.append("</section>")
    return out


def _trends(report: Report) -> list[str]:
    """各季度对比: a chart of each quarter's states (all items, then each leader), the tables."""
    trends = report.trends
    if trends is None or not trends.units:
        return []
    def bars(name: str, counts) -> Tally:
        return Tally(name, tuple(counts), ("",) * sum(counts))

    labels = trends.labels
    out = ['<h3>各季度事项状态</h3>']
    out.append(bar_chart([bars(f"{label} 全部事项", c) for label, c in zip(labels, trends.overall)], "chart-quarters"))
    leader_rows = [bars(f"{row.name} {label}", c) for row in trends.leaders for label, c in zip(labels, row.counts)]
    out.append('<h3>各责任领导各季度情况</h3>')
    out.append(bar_chart(leader_rows, "chart-leader-quarters"))
    out.append('<h3>各牵头单位各季度情况</h3>')
    out.append(f'<p class="note">{_e(TRENDS_NOTE)}</p>')
    head = "".join(f"<th>{_e(label)}</th>" for label in labels)
    rows_html = [
        f'<tr data-name="{_e(r.name)}" data-rank="{r.rank}"><td class="num">{r.rank}</td>'
        f'<td class="nowrap">{_e(rank_change_text(r) or "—")}</td><td>{_e(r.name)}</td>'
        + "".join(f'<td class="nowrap">{_e(counts_text(c))}</td>' for c in r.counts)
        + "</tr>"
        for r in trends.units
    ]
    out.append(
        f'<table id="unit-quarters"><thead><tr><th class="num">名次</th><th>变化</th><th>牵头单位</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows_html)}</tbody></table>"
    )
    if not trends.has_previous:
        return out
    for key, title, _, moves in trends.moves:
        out.append(f"<h3>{_e(title)}({len(moves)} 项)</h3>")
        if not moves:
            out.append("<p>无。</p>")
            continue
        rows_html = [
            f'<tr data-id="{_e(m.item_id)}"><td class="id">{_e(m.item_id)}</td><td>{_e(m.text)}</td>'
            f"<td>{_e('、'.join(m.lead) or '—')}</td><td class=\"nowrap\">{_state(m.before)}</td>"
            f'<td class="nowrap">{_state(m.after)}</td></tr>'
            for m in moves
        ]
        out.append(
            f'<table id="{key}" class="items">{_ITEM_COLS}<thead><tr><th>编号</th><th>事项</th><th>牵头单位</th>'
            f"<th>{_e(labels[-2])}</th><th>{_e(labels[-1])}</th></tr></thead><tbody>{''.join(rows_html)}</tbody></table>"
        )
    stopped = "、".join(trends.stopped) if trends.stopped else "无"
    out.append(f'<p id="stopped">上季度报送、本季度未报送的单位:{_e(stopped)}</p>')
    out.append("<h3>连续未报送</h3>")
    if not trends.streaks:
        out.append("<p>无。</p>")
    else:
        rows_html = [
            f'<tr data-name="{_e(s.unit)}"><td>{_e(s.unit)}</td><td class="nowrap">连续 {s.quarters} 个季度</td>'
            f"<td>{_e('、'.join(s.ids))}</td></tr>"
            for s in trends.streaks
        ]
        out.append(
            '<table id="streaks"><thead><tr><th>牵头单位</th><th>连续未报送</th><th>事项编号</th></tr></thead>'
            f"<tbody>{''.join(rows_html)}</tbody></table>"
        )
    return out


def _page(report: Report, body: list[str]) -> str:
    body = body + _findings_section(report)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n<footer>由 xatrack 生成;数字与 xatrack overdue 出自同一评估。</footer>\n</main>\n</body>\n</html>\n"
    )
