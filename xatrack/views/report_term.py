"""The quarterly bulletin as rich tables (colours on a terminal, plain text piped)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

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
    reminder_parts,
)
from xatrack.trends import TRENDS_BASIS, rank_change_text
from xatrack.views.cells import STATE_STYLE, join_names
from xatrack.views.findings_tables import findings_tables
from xatrack.views.terminal import state_text


def _table(title: str | None = None, **kwargs) -> Table:
    return Table(
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title_justify="left",
        title_style="bold",
        **kwargs,
    )


def _count(n: int, state: str) -> Text:
    return Text(str(n), style=STATE_STYLE[state] if n else "dim")


def _ranking_table(rows, narrow: bool) -> Table:
    """The lead-unit ranking: on a narrow terminal only what decides the rank
    (推进率, 及时率, 严重滞后) and 未报送, so the rates are never cut off."""
    if not narrow:
        return _tally_table(rows, "牵头单位", with_rank=True)
    table = _table()
    table.add_column("名次", justify="right", no_wrap=True)
    table.add_column("牵头单位", no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("事项", justify="right", no_wrap=True)
    for header in rate_headers(rows):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("严重滞后", justify="right", no_wrap=True)
    table.add_column("未报送", justify="right", no_wrap=True)
    for row in rows:
        table.add_row(
            str(row.rank), row.name, str(row.total), *rate_cells(row),
            _count(row.count("严重滞后"), "严重滞后"), _count(row.count("未报送"), "未报送"),
        )
    return table


def _tally_table(rows, name_header: str, with_title: bool = False, with_rank: bool = False) -> Table:
    table = _table()
    if with_rank:
        table.add_column("名次", justify="right", no_wrap=True)
    table.add_column(name_header, no_wrap=True, overflow="ellipsis", max_width=30)
    if with_title:
        table.add_column("名称", no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("事项", justify="right", no_wrap=True)
    for state in STATES:
        table.add_column(state, justify="right", no_wrap=True)
    if with_rank:
        for header in rate_headers(rows):
            table.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        cells = []
        if with_rank:
            cells.append(str(row.rank))
        cells.append(row.name)
        if with_title:
            cells.append(row.title)
        cells.append(str(row.total))
        cells.extend(_count(row.count(state), state) for state in STATES)
        if with_rank:
            cells.extend(rate_cells(row))
        table.add_row(*cells)
    return table


def _heading(console: Console, text: str) -> None:
    console.print()
    console.print(Text(text, style="bold"))


def render_report(console: Console, report: Report) -> None:
    _render_items(console, report)
    _render_findings(console, report)


def _render_findings(console: Console, report: Report) -> None:
    """七、督查发现及整改 (only when findings are recorded)."""
    part = report.findings
    if part is None:
        return
    _heading(console, FINDINGS_SECTION)
    console.print(findings_sentence(part))
    for t in findings_tables(part):
        table = _table(t.title)
        for index, header in enumerate(t.header):
            long = header in ("问题", "佐证材料")
            table.add_column(header, justify="right" if index in t.numeric else "left", no_wrap=not long,
                             overflow="fold" if long else "ellipsis", ratio=3 if long else None)
        for row in t.rows:
            table.add_row(*(str(v) for v in row))
        console.print(table)


def _render_items(console: Console, report: Report) -> None:
    console.print(Text(report.title, style="bold"))
    if report.plan_title:
        console.print(Text(report.plan_title, style="dim"))
    meta = []
    if report.scope:
        meta.append("范围:" + " · ".join(report.scope))
    if report.as_of:
        meta.append(f"统计日期:{report.as_of_text}")
    if meta:
        console.print(Text(";".join(meta), style="dim"))
    if published_sentence(report):
        console.print(Text(published_sentence(report), style="yellow"))

    _heading(console, SECTIONS[0])
    console.print(counts_sentence(report.overall))
    if not report.statuses:
        console.print("没有符合条件的事项。")
        return
    rows = [report.overall] + ([report.targets] if report.targets else []) + list(report.actions)
    console.print(_tally_table(rows, "分类", with_title=console.width >= 100))

    _heading(console, SECTIONS[1])
    console.print(_tally_table(report.leaders, "责任领导"))

    _heading(console, SECTIONS[2])
    console.print(Text(report.ranking_rule, style="dim"))
    console.print(_ranking_table(report.units, narrow=console.width < 110))

    _heading(console, SECTIONS[3])
    if not report.lagging:
        console.print("没有滞后或严重滞后的事项。")
    wide = console.width >= 110
    for group in report.lagging:
        table = _table(f"{group.leader}({len(group.items)} 项)", expand=True)
        table.add_column("编号", justify="right", no_wrap=True)
        table.add_column("事项", ratio=3, no_wrap=True, overflow="ellipsis", min_width=10)
        if wide:
            table.add_column("牵头单位", no_wrap=True, overflow="ellipsis", max_width=20)
        table.add_column("状态", no_wrap=True)
        table.add_column("应完成 / 已报送", ratio=2, overflow="fold", min_width=16)
        for entry in group.items:
            cells = [entry.item.id, entry.item.text]
            if wide:
                cells.append(join_names(entry.item.lead))
            cells += [state_text(entry.state), item_figures_text(entry)]
            table.add_row(*cells)
        console.print(table)

    _heading(console, SECTIONS[4])
    if not report.reminders:
        console.print("各牵头单位本季度均已报送。")
    else:
        table = _table(expand=False)
        table.add_column("牵头单位", no_wrap=True, overflow="ellipsis", max_width=30)
        table.add_column("未报送", justify="right", no_wrap=True)
        table.add_column("事项编号", overflow="fold")
        for reminder in report.reminders:
            table.add_row(reminder.unit, str(len(reminder.ids)), " ".join(reminder_parts(reminder)))  # wraps between ids
        console.print(table)
    for sentence in (late_sentence(report), contributors_sentence(report)):
        if sentence:
            console.print(sentence)

    _heading(console, SECTIONS[5])
    comparison = report.comparison
    if comparison is None:
        console.print(report.no_previous_text)
        return
    console.print(comparison_sentence(comparison))
    _render_trends(console, report)
    for title, changes in (("新转为严重滞后", comparison.turned_red), ("本季度新完成", comparison.completed)):
        if not changes:
            continue
        table = _table(f"{title}({len(changes)} 项)", expand=True)
        table.add_column("编号", justify="right", no_wrap=True)
        table.add_column("事项", ratio=3, no_wrap=True, overflow="ellipsis", min_width=10)
        table.add_column("牵头单位", no_wrap=True, overflow="ellipsis", max_width=20)
        table.add_column(f"Q{comparison.previous.q}", no_wrap=True)
        table.add_column(f"Q{report.quarter.q}", no_wrap=True)
        for change in changes:
            table.add_row(change.item_id, change.text, join_names(change.lead), state_text(change.before), state_text(change.after))
        console.print(table)


# --------------------------------------------------------------------------- 各季度对比

TREND_COLOURS = (("绿", "green"), ("黄", "bold yellow"), ("红", "bold red"), ("灰", "dim"))


def _trend_cell(counts: tuple[int, ...]) -> Text:
    """One quarter's counts, compact: '绿2 黄1 灰18' (colours counting nothing left out), coloured."""
    done, on_track, behind, severe, missing = counts
    text = Text()
    for (colour, style), n in zip(TREND_COLOURS, (done + on_track, behind, severe, missing)):
        if n:
            if text:
                text.append(" ")
            text.append(f"{colour}{n}", style=style)
    return text if text else Text("—", style="dim")


def _trend_table(title: str, name_header: str, rows, labels, with_rank: bool) -> Table:
    table = _table(title)
    if with_rank:
        table.add_column("名次", justify="right", no_wrap=True)
        table.add_column("变化", no_wrap=True)
    table.add_column(name_header, no_wrap=True, overflow="ellipsis", max_width=24)
    for label in labels:
        table.add_column(label, overflow="fold")
    for row in rows:
        cells = [str(row.rank), _rank_change(row)] if with_rank else []
        table.add_row(*cells, row.name, *(_trend_cell(c) for c in row.counts))
    return table


def _rank_change(row) -> Text:
    text = rank_change_text(row) or "—"
    return Text(text, style="green" if text.startswith("↑") else "red" if text.startswith("↓") else "dim")


def _render_trends(console: Console, report: Report) -> None:
    """各季度对比 (report.trends), compact: the lead units' counts at each quarter
    and rank change, the leaders', then what moved, in sentences."""
    trends = report.trends
    if trends is None or not trends.units or not trends.has_previous:
        return
    labels = list(trends.labels)
    console.print()
    console.print(Text("各季度对比", style="bold"))
    console.print(Text("格中为 绿(已完成+正常)、黄(滞后)、红(严重滞后)、灰(未报送)的事项数,为 0 的不列;变化:名次与上季度相比。"
                       + TRENDS_BASIS, style="dim"))
    console.print(_trend_table("各牵头单位", "牵头单位", trends.units, labels, with_rank=True))
    console.print(_trend_table("各责任领导", "责任领导", trends.leaders, labels, with_rank=False))
    previous, current = labels[-2], labels[-1]
    # What moved, one row each; the details wrap between entries (spaces), never inside one.
    table = _table("变化情况", expand=console.width < 110)
    table.add_column("类别", no_wrap=True)
    table.add_column("数量", justify="right", no_wrap=True)
    table.add_column("明细", overflow="fold", ratio=1)
    for _, _, title, moves in trends.moves:
        table.add_row(title, f"{len(moves)} 项", " ".join(f"{m.item_id}({m.before}→{m.after})" for m in moves) or "—")
    table.add_row(f"{previous}报送、{current}未报送", f"{len(trends.stopped)} 个", " ".join(trends.stopped) or "—")
    runs: dict[int, list] = {}
    for streak in trends.streaks:
        runs.setdefault(streak.quarters, []).append(streak)
    if not runs:
        table.add_row("连续未报送", "0 个", "—")
    for quarters, streaks in sorted(runs.items(), reverse=True):
        table.add_row(f"连续 {quarters} 个季度未报送", f"{len(streaks)} 个",
                      " ".join(f"{s.unit}({len(s.ids)}项)" for s in streaks))
    console.print(table)
