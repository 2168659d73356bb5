"""The item tables of `list` and `overdue`, written without rich.

Every cell of these tables is one line (long text ends in …), so the layout
is simple enough to do by hand, and doing it by hand matters: rich needs
about 0.4 ms a row and a second of imports and rendering for a few thousand
rows, this needs a few microseconds a row and no import at all.

The look is rich's SIMPLE_HEAD box, as in the other tables: a bold title,
a bold header, a rule, the rows; colours only on a terminal (and not with
NO_COLOR); piped output has no escape codes and no trailing blanks.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass

from xatrack.model import PENDING, STATES
from xatrack.views.cells import (
    STATE_MARK,
    STATE_STYLE,
    Segments,
    fit,
    join_names,
    progress_segments,
    text_width,
    text_width_upto,
)

GAP = "   "  # between columns, as rich's SIMPLE_HEAD with padding 1

_SGR = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31", "green": "32", "yellow": "33", "blue": "34"}
_CODES: dict[str, str] = {}


def _code(style: str) -> str:
    code = _CODES.get(style)
    if code is None:
        parts = [_SGR[word] for word in style.split() if word in _SGR]
        code = f"\x1b[{';'.join(parts)}m" if parts else ""
        _CODES[style] = code
    return code


@dataclass(frozen=True)
class Column:
    header: str
    min_width: int = 1
    max_width: int | None = None
    ratio: int = 0  # > 0: shares the room left by the other columns
    right: bool = False
    keep: bool = False  # figures, ids, states: never cut to fit (the line overflows instead)


@dataclass
class Terminal:
    width: int
    colour: bool

    @classmethod
    def detect(cls) -> Terminal:
        is_tty = sys.stdout.isatty()
        width = None
        try:
            width = int(os.environ.get("COLUMNS", "")) or None
        except ValueError:
            width = None
        if width is None and is_tty:
            try:
                width = os.get_terminal_size(sys.stdout.fileno()).columns
            except OSError:
                width = None
        return cls(width=max(20, width or 120), colour=is_tty and not os.environ.get("NO_COLOR"))

    def paint(self, text: str, style: str) -> str:
        if not self.colour or not style:
            return text
        code = _code(style)
        return f"{code}{text}\x1b[0m" if code else text


def _widths(columns: list[Column], natural: list[int], total: int) -> list[int]:
    """Column widths within ``total`` columns: fixed columns at their natural
    width (within min/max), ratio columns share what is left, never below
    their minimum; when even that does not fit, the widest columns give way."""
    gaps = len(GAP) * (len(columns) - 1)
    widths = []
    for column, want in zip(columns, natural):
        width = max(column.min_width, want)
        if column.max_width is not None:
            width = min(width, column.max_width)
        widths.append(width)
    floors = [w if c.keep else c.min_width for c, w in zip(columns, widths)]
    flexible = [i for i, c in enumerate(columns) if c.ratio]
    fixed = sum(w for i, w in enumerate(widths) if i not in flexible)
    room = total - gaps - fixed
    if flexible:
        share = sum(columns[i].ratio for i in flexible)
        wanted = sum(widths[i] for i in flexible)
        if wanted > room:
            left = room
            for n, i in enumerate(flexible):
                part = left if n == len(flexible) - 1 else room * columns[i].ratio // share
                widths[i] = max(floors[i], min(widths[i], part))
                left -= widths[i]
    overflow = sum(widths) + gaps - total
    while overflow > 0:
        index = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        spare = widths[index] - floors[index]
        if spare <= 0:
            break
        cut = min(spare, overflow)
        widths[index] -= cut
        overflow -= cut
    return widths


def render_table(term: Terminal, columns: list[Column], rows: list[list[Segments]], title: str | None = None) -> list[str]:
    """The lines of a table; each cell is a tuple of (text, style) segments."""
    natural = [text_width(c.header) for c in columns]
    cap = term.width  # no column is wider than the terminal: long texts are not measured to the end
    for index, column in enumerate(columns):
        # a column is never wider than its maximum: once a cell reaches it, the others need no measuring
        full = cap if column.max_width is None else min(cap, max(column.max_width, column.min_width))
        widest = natural[index]
        for row in rows:
            if widest >= full:
                break
            cell = row[index]
            if len(cell) == 1:
                width = text_width_upto(cell[0][0], cap)
            else:
                width = min(cap, sum(text_width_upto(text, cap) for text, _ in cell))
            if width > widest:
                widest = width
        natural[index] = widest
    widths = _widths(columns, natural, term.width)
    table_width = sum(widths) + len(GAP) * (len(columns) - 1)
    lines = []
    if title:
        lines.append(term.paint(fit(title, term.width)[0], "bold"))
    lines.append(_line(term, columns, widths, [((c.header, "bold"),) for c in columns]))
    lines.append("─" * table_width)
    for row in rows:
        lines.append(_line(term, columns, widths, row))
    return lines


def _line(term: Terminal, columns: list[Column], widths: list[int], row: list[Segments]) -> str:
    parts = []
    last = len(columns) - 1
    plain = not term.colour
    for index, (column, width, cell) in enumerate(zip(columns, widths, row)):
        if plain and len(cell) == 1:  # most cells: one uncoloured piece
            text, used = fit(cell[0][0], width)
        else:
            text, used = _cell(term, cell, width)
        pad = " " * (width - used)
        if column.right:
            parts.append(pad + text)
        elif index == last:
            parts.append(text)
        else:
            parts.append(text + pad)
    return GAP.join(parts).rstrip()


def _cell(term: Terminal, cell: Segments, width: int) -> tuple[str, int]:
    if len(cell) == 1:
        text, used = fit(cell[0][0], width)
        return term.paint(text, cell[0][1]), used
    out = []
    used = 0
    for text, style in cell:
        if used >= width:
            break
        piece, w = fit(text, width - used)
        out.append(term.paint(piece, style))
        used += w
    return "".join(out), used


# --------------------------------------------------------------------------- item tables


def items_lines(term: Terminal, lines, title: str | None, with_reason: bool = False) -> list[str]:
    """The item table of ``lines`` (evaluate.ItemLine: item_line of each status):
    below 110 columns the progress bar and the reason are left out, so names keep their room."""
    wide = term.width >= 110
    columns = [
        Column("编号", min_width=4, right=True, keep=True),
        Column("任务", min_width=10, ratio=3),
        Column("责任领导", min_width=6, max_width=16 if wide else 10),
        Column("牵头单位", min_width=8, max_width=22 if wide else 12),
        Column("进度", min_width=12, max_width=36, keep=True),
        Column("状态", min_width=8, keep=True),
    ]
    with_reason = with_reason and wide
    if with_reason:
        columns.append(Column("说明", min_width=8, ratio=2))
    rows = []
    for line in lines:
        row = [
            ((line.id, ""),),
            ((line.text, ""),),
            ((join_names(line.leaders), ""),),
            ((join_names(line.lead), ""),),
            progress_segments(line, wide),
            ((f"{STATE_MARK[line.state]} {line.label}", STATE_STYLE[line.state]),),
        ]
        if with_reason:
            row.append(((line.reason or "", ""),))
        rows.append(row)
    return render_table(term, columns, rows, title)


def totals_line(term: Terminal, lines) -> str:
    counts = Counter(s.state for s in lines)
    parts = [
        term.paint(f"{state} {counts.get(state, 0)}", STATE_STYLE[state] if counts.get(state) else "dim") for state in STATES
    ]
    if counts.get(PENDING):  # before the deadline: still to come, counted apart
        parts.append(term.paint(f"{PENDING} {counts[PENDING]}", STATE_STYLE[PENDING]))
    return f"共 {len(lines)} 项:" + " ".join(parts)


def render_list(term: Terminal, lines, heading: str) -> list[str]:
    """`list`: the table of ``lines`` (evaluate.ItemLine) and the count per state."""
    if not lines:
        return [f"{heading}:没有符合条件的事项。"]
    return items_lines(term, lines, heading) + [totals_line(term, lines)]


def render_overdue(term: Terminal, lines, heading: str, groups: list[tuple[str, list]] | None) -> list[str]:
    """`overdue`: the table of ``lines`` (evaluate.ItemLine), or one per group, and the count per state."""
    if not lines:
        return [f"{heading}:没有滞后或未报送的事项。"]
    if groups is None:
        out = items_lines(term, lines, heading, with_reason=True)
    else:
        out = [term.paint(heading, "bold")]
        for name, members in groups:
            out.extend(items_lines(term, members, f"{name}({len(members)} 项)", with_reason=True))
            out.append("")
    out.append(totals_line(term, lines))
    return out


def text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"
