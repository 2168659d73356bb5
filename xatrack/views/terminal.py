"""Rich tables for the terminal; the same tables as plain text when piped.

On a terminal: colours and the terminal's width. Piped: no escape codes,
width from $COLUMNS or 120, so output can be grepped and pasted.
"""

from __future__ import annotations

import io
import os
import sys

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from xatrack.model import STATES, Item
from xatrack.views.cells import STATE_STYLE, fmt_number, join_names, relative_target, state_words


# Below this many columns the tables are drawn this wide and the terminal wraps
# their lines: a figure or a header is never cut to "…" to fit a narrow window.
MIN_WIDTH = 80


def make_console(file=None, width: int | None = None) -> Console:
    stream = file or sys.stdout
    is_tty = file is None and sys.stdout.isatty()
    if width is None:
        try:
            width = int(os.environ.get("COLUMNS", "")) or None
        except ValueError:
            width = None
        if width is None and is_tty:
            try:
                width = os.get_terminal_size(sys.stdout.fileno()).columns
            except (OSError, ValueError):
                width = None
        width = max(MIN_WIDTH, width or 120)
    return Console(
        file=stream,
        width=width,
        no_color=not is_tty or bool(os.environ.get("NO_COLOR")),
        force_terminal=is_tty,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def output(render) -> None:
    """Render to stdout. Piped, trailing padding is stripped from every line."""
    if sys.stdout.isatty():
        render(make_console())
        return
    buffer = io.StringIO()
    console = make_console(buffer)
    render(console)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def state_text(state: str) -> Text:
    return Text(state_words(state), style=STATE_STYLE[state])


def quarter_reason(status) -> str:
    """What `show` says of a quarter: the reason, then each lead unit's own
    reporting when there are several or one has not reported, where the figure
    came from, and what needs a look (请核实)."""
    parts = [status.reason or ""]
    if len(status.units) > 1 or any(u.state != "按时报送" for u in status.units):
        parts.append("牵头单位:" + "、".join(
            f"{u.unit} {u.state}" + (f"(缺:{';'.join(u.missing)})" if u.missing else "")
            + (f"(逾期更正:{';'.join(u.corrected_late)})" if u.corrected_late else "")
            for u in status.units
        ))
    elif status.late:
        parts.append("逾期报送")
    if status.figure_note:
        parts.append(status.figure_note)
    if status.contributions:
        parts.append("分项报送:" + "、".join(dict.fromkeys(e.by for e in status.contributions)))
    for metric, values in status.disagreements:
        parts.append(f"请核实:牵头单位报送不一致({metric}:" + "、".join(f"{u} {fmt_number(v)}" for u, v in values) + ")")
    if status.outside:
        parts.append("请核实:非本事项单位报送(未采用):" + "、".join(dict.fromkeys(e.by for e in status.outside)))
    for ms in status.metrics:
        if ms.projected is not None:
            unlikely = "(预计难以完成全年目标)" if ms.unlikely else ""
            parts.append(f"{ms.metric.name}按目前进度预计全年 {fmt_number(ms.projected)}{ms.metric.unit}{unlikely}")
    return ";".join(p for p in parts if p)


def render_show(console: Console, item: Item, plan, per_quarter, history, findings=None) -> None:
    """Everything about one item: text, responsibilities, metrics by quarter, notes."""
    kind = "主要预期目标" if item.is_target else "任务"
    console.print(Text(f"{kind} {item.id}", style="bold"))
    console.print(item.text, soft_wrap=True)
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold", no_wrap=True)
    info.add_column(overflow="fold")
    if item.action is not None:
        action = plan.action(item.action)
        info.add_row("所属行动", f"({item.action}){action.title}" if action else str(item.action))
    if item.section:
        info.add_row("章节", item.section)
    info.add_row("责任领导", join_names(item.leaders))
    info.add_row("牵头单位", join_names(item.lead))
    info.add_row("责任单位", join_names(item.units))
    info.add_row("完成时限", f"第{'一二三四'[item.due - 1]}季度末")
    if item.not_goals:
        info.add_row("非目标数字", ";".join(f"{g.figure}({g.reason})" for g in item.not_goals))
    for metric in item.metrics:
        if metric.kind == "relative" and metric.follows:
            info.add_row("对照", f"{metric.name}与 {metric.follows} 比较(低于不超过 {fmt_number(plan.settings.relative_tolerance)} 个百分点为基本同步)")
    console.print(info)

    states = Table(box=box.SIMPLE_HEAD, show_edge=False, title="各季度状态", title_justify="left")
    states.add_column("季度")
    states.add_column("状态", no_wrap=True)
    states.add_column("说明")
    for status in per_quarter:
        states.add_row(status.quarter.label, Text(status.label, style=STATE_STYLE[status.state]), quarter_reason(status))
    console.print(states)

    if item.metrics:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="指标(应完成/已报送,1月起累计)", title_justify="left")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("指标", overflow="fold")
        table.add_column("类型", no_wrap=True)
        table.add_column("目标", justify="right", no_wrap=True)
        for status in per_quarter:
            table.add_column(f"Q{status.quarter.q}", justify="right", no_wrap=True)
        for index, metric in enumerate(item.metrics):
            sign = "≤" if metric.op == "<=" else "≥" if metric.kind != "cumulative" else ""
            target = f"{sign}{fmt_number(metric.target)}{metric.unit}"
            if metric.kind in ("relative", "reference"):
                target = relative_target(metric.op, metric.follows) if metric.kind == "relative" else "—"
            row = [str(index + 1), metric.name, _KIND_LABEL[metric.kind], target]
            for status in per_quarter:
                ms = status.metrics[index]
                cell = Text(f"{fmt_number(ms.expected)}/")
                cell.append(fmt_number(ms.value), style=STATE_STYLE[ms.state])
                row.append(cell)
            table.add_row(*row)
        console.print(table)

    notes = Table(box=box.SIMPLE_HEAD, show_edge=False, title="报送记录", title_justify="left")
    notes.add_column("日期", no_wrap=True)
    notes.add_column("季度", no_wrap=True)
    notes.add_column("报送单位", no_wrap=True)
    notes.add_column("指标", overflow="fold")
    _figure_column(notes, "数值")
    notes.add_column("状态", no_wrap=True)
    notes.add_column("说明", overflow="fold")
    notes.add_column("标记", overflow="fold")
    for row in history:
        entry = row.entry
        dim = "dim strike" if row.withdrawn_by is not None else ""
        notes.add_row(
            entry.date.isoformat(),
            f"Q{entry.quarter.q}",
            entry.by or "—",
            entry.metric or "",
            Text(fmt_number(entry.value) if entry.value is not None else "", style=dim),
            entry.status or "",
            entry.note or "",
            Text(";".join(row.marks), style="yellow" if row.marks else ""),
        )
    if history:
        console.print(notes)
    else:
        console.print(Text("尚无报送记录。", style="dim"))
    if findings:  # (rows, shown ids) of the item's inspection findings
        rows, shown = findings
        render_findings(console, rows, shown, "督查发现", with_item=False)


def _figure_column(table: Table, header: str) -> None:
    """A column of figures: right-aligned, never wrapped, never narrower than its header."""
    table.add_column(header, justify="right", no_wrap=True, min_width=cell_len(header))


_KIND_LABEL = {"cumulative": "累计", "growth": "增速", "level": "水平", "relative": "对照", "reference": "对照数"}


def render_rollup(console: Console, rows, title: str, name_header: str, with_lead: bool) -> None:
    """Leaders or units with their items per state, problems first."""
    if not rows:
        console.print(f"{title}:没有事项。")
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left", title_style="bold")
    table.add_column(name_header, overflow="fold", max_width=30)  # the name folds: the figures give way never
    _figure_column(table, "事项")
    if with_lead:
        _figure_column(table, "其中牵头")
    for state in STATES:
        _figure_column(table, state)
    for row in rows:
        cells = [row.name, str(row.total)]
        if with_lead:
            cells.append(str(row.lead))
        for state in STATES:
            count = row.counts.get(state, 0)
            cells.append(Text(str(count), style=STATE_STYLE[state] if count else "dim"))
        table.add_row(*cells)
    console.print(table)


FINDING_STYLE = {"逾期未整改": "bold red", "未整改": "bold yellow", "整改中": "yellow", "已销号": "green"}


def render_findings(console: Console, rows, shown: dict, title: str, with_item: bool = True) -> None:
    """Inspection findings: (finding, status, item or None) rows."""
    if not rows:
        console.print(f"{title}:没有督查发现。")
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left", title_style="bold")
    table.add_column("编号", no_wrap=True)
    if with_item:
        table.add_column("事项", no_wrap=True)
    table.add_column("单位", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("类型", no_wrap=True)
    table.add_column("问题", ratio=3)
    table.add_column("发现", no_wrap=True)
    table.add_column("整改时限", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    table.add_column("最新进展", ratio=2)
    for finding, state, _item in rows:
        notes = [e.note for e in finding.events if e.note]
        evidence = len(finding.evidence)
        latest = (notes[-1] if notes else "") + (f"(佐证材料 {evidence} 个)" if evidence else "")
        cells = [shown.get(finding.fid, finding.fid[:6])]
        if with_item:
            cells.append(finding.item or "—")
        cells += [finding.unit, finding.kind, finding.text, finding.day.isoformat(), finding.due.isoformat(),
                  Text(state, style=FINDING_STYLE.get(state, "")), latest]
        table.add_row(*cells)
    console.print(table)
