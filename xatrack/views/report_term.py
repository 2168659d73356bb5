"""The quarterly bulletin as rich tables (colours on a terminal, plain text piped)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table as RichTable  # Table is the block's name here
from rich.text import Text

from xatrack.bulletin_doc import COUNT, STATUS, TERM, Heading, Meta, Paragraph, Table, build_document
from xatrack.report import Report
from xatrack.views.cells import STATE_STYLE
from xatrack.views.terminal import state_text


def _table(title: str | None = None, **kwargs) -> RichTable:
    return RichTable(
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


def _cell(cell):
    if cell.kind == COUNT:
        return _count(cell.value, cell.state)
    if cell.kind == STATUS:
        return state_text(cell.state)
    if cell.kind == "colours":
        return _trend_cell(cell.value)
    if cell.kind == "change":
        text = cell.text
        return Text(text, style="green" if text.startswith("↑") else "red" if text.startswith("↓") else "dim")
    return cell.text


# How each table sits on a terminal: (table options, {column header or role: column options}).
_TALLY = {"name": dict(no_wrap=True, overflow="ellipsis", max_width=30),
          "title": dict(no_wrap=True, overflow="ellipsis", max_width=24)}
_ITEMS = {"事项": dict(ratio=3, no_wrap=True, overflow="ellipsis", min_width=10),
          "lead": dict(no_wrap=True, overflow="ellipsis", max_width=20),
          "figures": dict(ratio=2, overflow="fold", min_width=16)}
_LAYOUT = {
    "headline": ({}, _TALLY),
    "leaders": ({}, _TALLY),
    "units": ({}, _TALLY),
    "units-narrow": ({}, {"name": dict(no_wrap=True, overflow="ellipsis", max_width=24)}),
    "lagging": (dict(expand=True), _ITEMS),
    "turned-red": (dict(expand=True), _ITEMS),
    "completed": (dict(expand=True), _ITEMS),
    "reminders": (dict(expand=False), {"牵头单位": dict(no_wrap=True, overflow="ellipsis", max_width=30),
                                      "事项编号": dict(overflow="fold")}),
    "unit-quarters": ({}, {"name": dict(no_wrap=True, overflow="ellipsis", max_width=24), "quarter": dict(overflow="fold")}),
    "leader-quarters": ({}, {"name": dict(no_wrap=True, overflow="ellipsis", max_width=24), "quarter": dict(overflow="fold")}),
    "moves": (None, {"明细": dict(overflow="fold", ratio=1)}),
}


def _shown(table: Table, width: int) -> list[int]:
    """The columns a terminal this wide shows: the titles of the actions from 100
    columns, the lead units of lagging items from 110."""
    hidden = set()
    for index, column in enumerate(table.columns):
        if column.role == "title" and width < 100:
            hidden.add(index)
        if column.role == "lead" and table.key == "lagging" and width < 110:
            hidden.add(index)
    return [i for i in range(len(table.columns)) if i not in hidden]


def _rich_table(block: Table, title: str | None, width: int):
    options, columns = _LAYOUT.get(block.key, ({}, None))
    if options is None:  # 变化情况 fills a narrow terminal
        options = dict(expand=width < 110)
    shown = _shown(block, width)
    table = _table(title, **options)
    for index in shown:
        column = block.columns[index]
        if columns is None:  # findings: the long texts fold and get the room
            long = column.role == "long"
            table.add_column(column.header, justify="right" if column.numeric else "left", no_wrap=not long,
                             overflow="fold" if long else "ellipsis", ratio=3 if long else None)
            continue
        kwargs = columns.get(column.role) or columns.get(column.header)
        if kwargs is None and column.role == "" and column.kind == "text" and column.header.startswith("Q"):
            kwargs = columns.get("quarter")
        if kwargs is None:
            kwargs = dict(justify="right", no_wrap=True) if column.numeric or column.kind == "id" else dict(no_wrap=True)
        table.add_column(column.header, **kwargs)
    for row in block.rows:
        table.add_row(*(_cell(row.cells[i]) for i in shown))
    return table


def _heading(console: Console, text: str) -> None:
    console.print()
    console.print(Text(text, style="bold"))


def render_report(console: Console, report: Report) -> None:
    """The blocks of the bulletin (xatrack.bulletin_doc) as rich tables."""
    title = None
    for block in build_document(report).for_medium(TERM):
        if isinstance(block, Heading):
            if block.level == 0:
                console.print(Text(block.text, style="bold"))
            elif block.level == 1:
                _heading(console, block.text)
            else:
                title = block.text  # the next table's title
        elif isinstance(block, Meta):
            if block.plan:
                console.print(Text(block.plan, style="dim"))
            meta = [t for t in (block.scope, block.as_of) if t]
            if meta:
                console.print(Text(";".join(meta), style="dim"))
            if block.published:
                console.print(Text(block.published, style="yellow"))
        elif isinstance(block, Paragraph):
            console.print(Text(block.text, style="dim") if block.role == "note" else block.text)
        elif isinstance(block, Table):
            if block.key == "units" and console.width < 110 or block.key == "units-narrow" and console.width >= 110:
                continue
            console.print(_rich_table(block, title or block.caption or None, console.width))
            title = None
