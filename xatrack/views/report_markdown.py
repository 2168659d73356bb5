"""The quarterly bulletin as Markdown: headings and GitHub-style pipe tables
that paste cleanly into a bulletin document."""

from __future__ import annotations

import re

from xatrack.model import STATES
from xatrack.report import (
    FINDINGS_SECTION,
    SECTIONS,
    Report,
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


def escape_html(text: str) -> str:
    """&, < and > as entities: Markdown passes raw HTML through, so a name or
    note holding <script> must not reach a renderer as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(value: object) -> str:
    """Text safe inside a table cell: one line, pipes, backslashes and HTML escaped."""
    text = escape_html(" ".join(str(value).split()))
    return text.replace("\\", "\\\\").replace("|", "\\|") or " "


def text_line(value: str) -> str:
    """A paragraph line: Markdown-significant characters at the start escaped, HTML escaped."""
    text = escape_html(" ".join(str(value).split()))
    if text[:1] in ("#", ">", "-", "+", "*", "|"):
        return "\\" + text
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def table(header: list[str], rows: list[list[object]], numeric: set[int] = frozenset()) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("| " + " | ".join("---:" if i in numeric else "---" for i in range(len(header))) + " |")
    for row in rows:
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return lines


def _tally_rows(rows, with_title: bool = False, with_rank: bool = False):
    header = (["名次"] if with_rank else []) + ["名称" if not with_title else "分类"]
    header += (["名称"] if with_title else []) + ["事项", *STATES]
    body = []
    for row in rows:
        cells: list[object] = [row.rank] if with_rank else []
        cells.append(row.name)
        if with_title:
            cells.append(row.title)
        cells += [row.total, *(row.count(state) for state in STATES)]
        body.append(cells)
    first_number = header.index("事项")
    numeric = set(range(first_number, len(header))) | ({0} if with_rank else set())
    return header, body, numeric


def render_markdown(report: Report) -> str:
    return _render_items(report) + _render_findings(report)


def _render_findings(report: Report) -> str:
    """七、督查发现及整改 (only when findings are recorded)."""
    part = report.findings
    if part is None:
        return ""
    out = [f"## {FINDINGS_SECTION}", "", findings_sentence(part), ""]
    for t in findings_tables(part):
        out += [f"### {cell(t.title)}", ""]
        out += table(list(t.header), [list(r) for r in t.rows], set(t.numeric)) + [""]
    return "\n".join(out) + "\n"


def _render_items(report: Report) -> str:
    out: list[str] = [f"# {cell(report.title)}", ""]
    meta = []
    if report.plan_title:
        meta.append(text_line(report.plan_title))
    if report.scope:
        meta.append(text_line("范围:" + " · ".join(report.scope)))
    if report.as_of:
        meta.append(f"统计日期:{report.as_of_text}")
    if published_sentence(report):
        meta.append(text_line(published_sentence(report)))
    if meta:
        out += ["  \n".join(meta), ""]

    out += [f"## {SECTIONS[0]}", "", counts_sentence(report.overall), ""]
    if not report.statuses:
        out += ["没有符合条件的事项。", ""]
        return "\n".join(out)
    rows = [report.overall] + ([report.targets] if report.targets else []) + list(report.actions)
    header, body, numeric = _tally_rows(rows, with_title=True)
    out += table(header, body, numeric) + [""]

    out += [f"## {SECTIONS[1]}", ""]
    header, body, numeric = _tally_rows(report.leaders)
    header[0] = "责任领导"
    out += table(header, body, numeric) + [""]

    out += [f"## {SECTIONS[2]}", "", report.ranking_rule, ""]
    header, body, numeric = _tally_rows(report.units, with_rank=True)
    header[1] = "牵头单位"
    header += rate_headers(report.units)
    body = [cells + rate_cells(row) for cells, row in zip(body, report.units)]
    numeric |= set(range(len(header) - len(rate_headers(report.units)), len(header)))
    out += table(header, body, numeric) + [""]

    out += [f"## {SECTIONS[3]}", ""]
    if not report.lagging:
        out += ["没有滞后或严重滞后的事项。", ""]
    for group in report.lagging:
        out += [f"### {cell(group.leader)}({len(group.items)} 项)", ""]
        rows = [
            [e.item.id, e.item.text, "、".join(e.item.lead) or "—", e.state, item_figures_text(e)]
            for e in group.items
        ]
        out += table(["编号", "事项", "牵头单位", "状态", "应完成 / 已报送"], rows) + [""]

    out += [f"## {SECTIONS[4]}", ""]
    if not report.reminders:
        out += ["各牵头单位本季度均已报送。", ""]
    else:
        rows = [[r.unit, len(r.ids), reminder_text(r)] for r in report.reminders]
        out += table(["牵头单位", "未报送", "事项编号(缺报的指标)"], rows, {1}) + [""]
    for sentence in (late_sentence(report), contributors_sentence(report)):
        if sentence:
            out += [text_line(sentence), ""]

    out += [f"## {SECTIONS[5]}", ""]
    comparison = report.comparison
    if comparison is None:
        out += [report.no_previous_text, ""]
        out += _trends(report)
        return "\n".join(out)
    out += [comparison_sentence(comparison), ""]
    for title, changes in (("新转为严重滞后", comparison.turned_red), ("本季度新完成", comparison.completed)):
        if not changes:
            continue
        out += [f"### {title}({len(changes)} 项)", ""]
        rows = [[c.item_id, c.text, "、".join(c.lead) or "—", c.before, c.after] for c in changes]
        header = ["编号", "事项", "牵头单位", f"Q{comparison.previous.q}", f"Q{report.quarter.q}"]
        out += table(header, rows) + [""]
    out += _trends(report)
    return "\n".join(out)


def _trends(report: Report) -> list[str]:
    """各季度对比 (xatrack.trends): each quarter's counts, rank and change, what moved."""
    trends = report.trends
    if trends is None or not trends.units:
        return []
    labels = list(trends.labels)
    out = ["### 各牵头单位各季度情况", "", TRENDS_NOTE, ""]
    rows = [[r.rank, rank_change_text(r) or "—", r.name, *(counts_text(c) for c in r.counts)] for r in trends.units]
    out += table(["名次", "变化", "牵头单位", *labels], rows, {0}) + [""]
    out += ["### 各责任领导各季度情况", ""]
    rows = [[r.name, *(counts_text(c) for c in r.counts)] for r in trends.leaders]
    out += table(["责任领导", *labels], rows) + [""]
    if not trends.has_previous:
        return out
    for _, title, _, moves in trends.moves:
        out += [f"### {title}({len(moves)} 项)", ""]
        if not moves:
            out += ["无。", ""]
            continue
        rows = [[m.item_id, m.text, "、".join(m.lead) or "—", m.before, m.after] for m in moves]
        out += table(["编号", "事项", "牵头单位", labels[-2], labels[-1]], rows) + [""]
    out += ["上季度报送、本季度未报送的单位:" + ("、".join(trends.stopped) if trends.stopped else "无"), ""]
    out += ["### 连续未报送", ""]
    if not trends.streaks:
        out += ["无。", ""]
    else:
        rows = [[s.unit, f"连续 {s.quarters} 个季度", "、".join(s.ids)] for s in trends.streaks]
        out += table(["牵头单位", "连续未报送", "事项编号"], rows) + [""]
    return out
