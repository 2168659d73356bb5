"""Rich tables for the terminal; the same tables as plain text when piped.

On a terminal: colours and the terminal's width. Piped: no escape codes,
width from $COLUMNS or 120, so output can be grepped and pasted.
"""

from __future__ import annotations

import io
import os
import sys
from collections import Counter

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES, Item

STATE_STYLE = {DONE: "bold green", ON_TRACK: "green", BEHIND: "bold yellow", SEVERE: "bold red", MISSING: "dim"}
STATE_MARK = {DONE: "●", ON_TRACK: "●", BEHIND: "▲", SEVERE: "■", MISSING: "○"}


def make_console(file=None, width: int | None = None) -> Console:
    stream = file or sys.stdout
    is_tty = file is None and sys.stdout.isatty()
    if width is None and not is_tty:
        try:
            width = int(os.environ.get("COLUMNS", "")) or None
        except ValueError:
            width = None
        width = width or 120
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


def fmt_number(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.1f}"


def state_text(state: str) -> Text:
    return Text(f"{STATE_MARK[state]} {state}", style=STATE_STYLE[state])


def bar(fraction: float, width: int = 8) -> str:
    fraction = max(0.0, min(1.0, fraction))
    filled = int(round(fraction * width))
    return "█" * filled + "░" * (width - filled)


def metric_progress(ms, with_bar: bool = True) -> Text:
    """█████░░░ 120/336个 36% for one metric status."""
    metric = ms.metric
    target = metric.target
    if ms.value is None:
        text = f"—/{fmt_number(target)}{metric.unit}"
        return Text(f"{'░' * 8} {text}" if with_bar else text, style="dim")
    text = _progress_words(ms)
    if not with_bar:
        return Text(text[1], style=STATE_STYLE[ms.state])
    return Text(f"{bar(text[0])} {text[1]}", style=STATE_STYLE[ms.state])


def _progress_words(ms) -> tuple[float, str]:
    metric = ms.metric
    target = metric.target
    if metric.kind == "cumulative" and target:
        fraction = ms.value / target
        return fraction, f"{fmt_number(ms.value)}/{fmt_number(target)}{metric.unit} {fraction:.0%}"
    sign = "≤" if metric.op == "<=" else "≥"
    fraction = (ms.value / target) if target else 1.0
    if metric.op == "<=":
        fraction = 1.0 if ms.value <= target else target / ms.value if ms.value else 1.0
    return fraction, f"{fmt_number(ms.value)}{metric.unit}(目标{sign}{fmt_number(target)}{metric.unit})"


def progress_cell(status, with_bar: bool = True) -> Text:
    """The 进度 column: the weakest metric, or the reported status for items without metrics."""
    if not status.metrics:
        reported = status.reported_status or "—"
        return Text(reported, style="dim" if status.reported_status is None else "")
    ranked = sorted(status.metrics, key=_metric_rank)
    cell = metric_progress(ranked[0], with_bar)
    if len(status.metrics) > 1:
        cell.append(f" 等{len(status.metrics)}项", style="dim")
    return cell


def _metric_rank(ms) -> tuple[int, float]:
    from xatrack.evaluate import SEVERITY

    ratio = 1.0
    if ms.value is not None and ms.expected:
        ratio = ms.value / ms.expected
    return (-SEVERITY[ms.state], ratio)


def item_label(item: Item) -> str:
    return item.id


def join_names(names) -> str:
    return "、".join(names) if names else "—"


def items_table(statuses, title: str | None = None, with_reason: bool = False, width: int = 120) -> Table:
    """The item table. Below 110 columns the progress bar is left out, so
    names keep their room."""
    with_bar = width >= 110
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        expand=True,
        title_justify="left",
        title_style="bold",
    )
    table.add_column("编号", no_wrap=True, justify="right", min_width=3)
    table.add_column("任务", ratio=3, no_wrap=True, overflow="ellipsis", min_width=10)
    table.add_column("责任领导", no_wrap=True, overflow="ellipsis", min_width=6, max_width=16 if with_bar else 10)
    table.add_column("牵头单位", no_wrap=True, overflow="ellipsis", min_width=8, max_width=22 if with_bar else 12)
    table.add_column("进度", no_wrap=True, overflow="ellipsis", min_width=12, max_width=36)
    table.add_column("状态", no_wrap=True, min_width=8)
    with_reason = with_reason and width >= 110
    if with_reason:
        table.add_column("说明", ratio=2, no_wrap=True, overflow="ellipsis", min_width=8)
    for status in statuses:
        item = status.item
        row = [
            item_label(item),
            item.text,
            join_names(item.leaders),
            join_names(item.lead),
            progress_cell(status, with_bar),
            state_text(status.state),
        ]
        if with_reason:
            row.append(status.reason or "")
        table.add_row(*row)
    return table


def totals_line(statuses) -> Text:
    counts = Counter(s.state for s in statuses)
    text = Text(f"共 {len(statuses)} 项:")
    for index, state in enumerate(STATES):
        if index:
            text.append(" ")
        text.append(f"{state} {counts.get(state, 0)}", style=STATE_STYLE[state] if counts.get(state) else "dim")
    return text


def render_list(console: Console, statuses, heading: str) -> None:
    if not statuses:
        console.print(f"{heading}:没有符合条件的事项。")
        return
    console.print(items_table(statuses, title=heading, width=console.width))
    console.print(totals_line(statuses))


def render_overdue(console: Console, statuses, heading: str, groups: list[tuple[str, list]] | None) -> None:
    if not statuses:
        console.print(f"{heading}:没有滞后或未报送的事项。")
        return
    if groups is None:
        console.print(items_table(statuses, title=heading, with_reason=True, width=console.width))
    else:
        console.print(Text(heading, style="bold"))
        for name, members in groups:
            console.print(items_table(members, title=f"{name}({len(members)} 项)", with_reason=True, width=console.width))
    console.print(totals_line(statuses))


def render_show(console: Console, item: Item, plan, per_quarter, history) -> None:
    """Everything about one item: text, responsibilities, metrics by quarter, notes."""
    kind = "主要预期目标" if item.is_target else "任务"
    console.print(Text(f"{kind} {item.id}", style="bold"))
    console.print(item.text, soft_wrap=True)
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold", no_wrap=True)
    info.add_column()
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
    console.print(info)

    states = Table(box=box.SIMPLE_HEAD, show_edge=False, title="各季度状态", title_justify="left")
    states.add_column("季度")
    states.add_column("状态", no_wrap=True)
    states.add_column("说明")
    for status in per_quarter:
        states.add_row(status.quarter.label, state_text(status.state), status.reason or "")
    console.print(states)

    if item.metrics:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="指标(应完成/已报送,1月起累计)", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("指标")
        table.add_column("类型", no_wrap=True)
        table.add_column("目标", justify="right", no_wrap=True)
        for status in per_quarter:
            table.add_column(f"Q{status.quarter.q}", justify="right", no_wrap=True)
        for index, metric in enumerate(item.metrics):
            sign = "≤" if metric.op == "<=" else "≥" if metric.kind != "cumulative" else ""
            row = [str(index + 1), metric.name, _KIND_LABEL[metric.kind], f"{sign}{fmt_number(metric.target)}{metric.unit}"]
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
    notes.add_column("指标")
    notes.add_column("数值", justify="right")
    notes.add_column("状态", no_wrap=True)
    notes.add_column("说明")
    for entry in history:
        notes.add_row(
            entry.date.isoformat(),
            f"Q{entry.quarter.q}",
            entry.by or "—",
            entry.metric or "",
            fmt_number(entry.value) if entry.value is not None else "",
            entry.status or "",
            entry.note or "",
        )
    if history:
        console.print(notes)
    else:
        console.print(Text("尚无报送记录。", style="dim"))


_KIND_LABEL = {"cumulative": "累计", "growth": "增速", "level": "水平"}


def render_rollup(console: Console, rows, title: str, name_header: str, with_lead: bool) -> None:
    """Leaders or units with their items per state, problems first."""
    if not rows:
        console.print(f"{title}:没有事项。")
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left", title_style="bold")
    table.add_column(name_header, no_wrap=True, overflow="ellipsis", max_width=30)
    table.add_column("事项", justify="right")
    if with_lead:
        table.add_column("其中牵头", justify="right")
    for state in STATES:
        table.add_column(state, justify="right", no_wrap=True)
    for row in rows:
        cells = [row.name, str(row.total)]
        if with_lead:
            cells.append(str(row.lead))
        for state in STATES:
            count = row.counts.get(state, 0)
            cells.append(Text(str(count), style=STATE_STYLE[state] if count else "dim"))
        table.add_row(*cells)
    console.print(table)
