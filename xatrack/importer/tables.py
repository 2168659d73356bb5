"""Tables (分解表): the header found by its words, columns given roles, text tables found in lines.

A table may come from Word, Excel or PDF (``formats.Table``) or from text: one
row per line with ``|`` separators, or one cell per line after a header whose
words are each on their own line. The walker turns the rows into items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xatrack.importer.formats import Table

SEQ = "seq"
TASK_TEXT = "task"
LEADERS = "leaders"
LEAD = "lead"
UNITS = "units"
DUE = "due"
PROGRESS = "progress"  # 完成情况 / 进展: reports progress, not part of the plan
JOINED = "joined"  # the second half of a header split over two cells (责任 | 领导)

_NUMBERED_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（]|\d+\s*[.．、]\S|[①-⑳])")
_ROLE_PATTERNS = (
    (PROGRESS, re.compile(r"(完成情况|进展|进度情况|推进情况|落实情况|工作成效|实际完成|截至|截止)")),
    (DUE, re.compile(r"(时限|时间节点|完成时间|时间要求|期限|节点|完成时间节点|时间安排)")),
    (LEADERS, re.compile(r"(领导|市长|县长|区长|书记|责任人|分管|联系人)")),
    (LEAD, re.compile(r"(牵头)")),
    (UNITS, re.compile(r"(单位|部门|科室|配合|协同|协办|参与)")),
    (SEQ, re.compile(r"^(序号|编号|序|号|项次)$")),
    (TASK_TEXT, re.compile(r"(任务|工作|事项|内容|目标|举措|措施|项目|指标|实事)")),
)


def header_role(cell: str | None) -> str | None:
    """The role of a header cell (序号 / 任务 / 责任领导 …), or None if it names none."""
    if not cell:
        return None
    text = re.sub(r"[\s*★:：]", "", cell)
    if not text or len(text) > 12 or _NUMBERED_START.match(text) or any(ch in text for ch in "。;；,，"):
        return None
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(text):
            return role
    return None


@dataclass
class Header:
    row: int  # first header row
    height: int  # rows the header takes (a header split over two rows: 2)
    roles: list[str | None]  # per column
    names: list[str]  # per column, the header's words without spaces

    def columns(self, role: str) -> list[int]:
        return [index for index, value in enumerate(self.roles) if value == role]

    @property
    def body_start(self) -> int:
        return self.row + self.height


def _qualifies(roles: list[str | None]) -> bool:
    found = {role for role in roles if role}
    return TASK_TEXT in found and len(found & {SEQ, LEADERS, LEAD, UNITS, DUE}) >= 1


def _roles_of(cells: list[str | None]) -> list[str | None]:
    roles = [header_role(cell) for cell in cells]
    for index in range(len(cells) - 1):  # 责任 | 领导: a header split over two cells
        if roles[index] is None and roles[index + 1] is None and cells[index] and cells[index + 1]:
            joined = header_role((cells[index] or "") + (cells[index + 1] or ""))
            if joined:
                roles[index], roles[index + 1] = joined, JOINED
    return roles


def find_header(rows: list[list[str | None]], limit: int = 12) -> Header | None:
    """The header among the first rows, one row or two stacked (责任 / 领导)."""
    for index in range(min(limit, len(rows))):
        cells = rows[index]
        roles = _roles_of(cells)
        single = Header(index, 1, roles, [_plain(c) for c in cells]) if _qualifies(roles) else None
        if index + 1 < len(rows) and not _qualifies(_roles_of(rows[index + 1])):
            below = rows[index + 1]
            stacked = [
                _plain(cells[i] if i < len(cells) else "")
                + (_plain(below[i]) if i < len(below) and below[i] != (cells[i] if i < len(cells) else None) else "")
                for i in range(max(len(cells), len(below)))
            ]
            stacked_roles = _roles_of(stacked)
            known = len([r for r in stacked_roles if r and r != JOINED])
            below_is_data = any(_plain(c) and len(_plain(c)) > 12 for c in below)
            if _qualifies(stacked_roles) and not below_is_data and (
                single is None or known > len([r for r in roles if r and r != JOINED])
            ):
                return Header(index, 2, stacked_roles, stacked)
        if single:
            return single
    return None


def _plain(cell: str | None) -> str:
    return re.sub(r"\s", "", cell or "")


def is_header_repeat(cells: list[str | None], header: Header) -> bool:
    """A header repeated on a later page."""
    names = [_plain(c) for c in cells]
    same = sum(1 for a, b in zip(names, header.names) if a and a == b)
    return same >= 2 and same >= len([n for n in header.names if n]) - 1


# ---------------------------------------------------------------------------
# Tables written as text

_PIPE = re.compile(r"[|｜]")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[.．、]?\s*$")
_SEPARATOR_ROW = re.compile(r"^[\s|｜:：\-—=+]+$")
_HEADING_ROW = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（〔]\s*[一二三四五六七八九十]+\s*[)）〕])")


@dataclass
class TextTable:
    start: int  # 0-based index of its first line
    end: int  # index after its last line
    table: Table
    layout: str  # 表格(| 分隔) / 表格(每格一行)
    line_of_row: list[int]  # 0-based line index of each row


def find_text_tables(lines: list[str]) -> list[TextTable]:
    """Tables written as text, in order, not overlapping."""
    found: list[TextTable] = []
    index = 0
    while index < len(lines):
        table = _pipe_table(lines, index) or _cell_per_line_table(lines, index)
        if table:
            found.append(table)
            index = table.end
        else:
            index += 1
    return found


def _pipe_cells(line: str) -> list[str] | None:
    if len(_PIPE.findall(line)) < 2 and not (line.count("|") == 1 and not line.strip().startswith("|")):
        return None
    cells = [cell.strip() for cell in _PIPE.split(line.strip())]
    if cells and cells[0] == "" and line.strip()[:1] in "|｜":
        cells = cells[1:]
    if cells and cells[-1] == "" and line.strip()[-1:] in "|｜":
        cells = cells[:-1]
    return cells if len(cells) >= 2 else None


def _pipe_table(lines: list[str], start: int) -> TextTable | None:
    first = _pipe_cells(lines[start])
    if first is None or find_header([first]) is None and (start + 1 >= len(lines) or _pipe_cells(lines[start + 1]) is None):
        return None
    rows, at, index = [], [], start
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        cells = _pipe_cells(line)
        if cells is None:
            break
        if not _SEPARATOR_ROW.match(line):
            rows.append(cells)
            at.append(index)
        index += 1
    while index > start and not lines[index - 1].strip():
        index -= 1
    if find_header(rows) is None:
        return None
    table = Table(rows=rows, name="表格", row_labels=[f"第{i + 1}行" for i in at])
    table.name = ""
    return TextTable(start, index, table, "表格(| 分隔)", at)


_CELL_END = re.compile(r"\s*[|｜]\s*$")
_GROUP_HEADER = re.compile(r"^(?:责任分工|分工|责任主体|责任分解|责任落实|责任单位及领导)$")


def _cell_text(line: str) -> str:
    """A cell as copied from a web table: `县交通局 |` -> `县交通局`."""
    return _CELL_END.sub("", line.strip())


def _cell_per_line_table(lines: list[str], start: int) -> TextTable | None:
    if header_role(_cell_text(lines[start])) not in (SEQ, TASK_TEXT):
        return None
    blank_separated = start + 2 < len(lines) and not lines[start + 1].strip() and header_role(_cell_text(lines[start + 2]))
    if blank_separated:
        return _blank_separated_table(lines, start)
    cells, index = [], start
    while index < len(lines):
        text = _cell_text(lines[index])
        if header_role(text):
            cells.append(text)
            index += 1
        elif text and index + 1 < len(lines) and header_role(text + _cell_text(lines[index + 1])):
            cells.append(text + _cell_text(lines[index + 1]))  # 责任 / 领导 on two lines
            index += 2
        else:
            break
    roles = [header_role(c) for c in cells]
    if len(cells) < 3 or not _qualifies(roles):
        return None
    width = len(cells)
    rows: list[list[str | None]] = [list(cells)]
    at = [start]
    by_number = roles[0] == SEQ
    current: list[str] = []
    current_at = index
    end = index

    def flush() -> None:
        nonlocal current
        while current and not current[-1].strip():
            current.pop()
        while current and not current[0].strip():
            current.pop(0)
        if current:
            filled = [c for c in current if c.strip()]
            row = filled if len(filled) >= width or len(current) != width else current
            rows.append([c.strip() for c in row])
            at.append(current_at)
        current = []

    while index < len(lines):
        text = _cell_text(lines[index])
        starts_row = bool(_BARE_NUMBER.match(text)) if by_number else False
        if _HEADING_ROW.match(text) and len(text) <= 40 and "。" not in text:
            flush()
            rows.append([text])
            at.append(index)
            current_at = index + 1
        elif starts_row:
            flush()
            current = [text.rstrip(".．、 ")]
            current_at = index
        elif not by_number and not text:
            flush()
            current_at = index + 1
        else:
            if not current and not by_number:
                current_at = index
            if by_number and not current and text:
                break  # text after the table
            current.append(text)
            if len([c for c in current if c.strip()]) > width:
                current.pop()
                break
        index += 1
        end = index
    flush()
    if len(rows) < 2:
        return None
    table = Table(rows=rows, name="", row_labels=[f"第{i + 1}行" for i in at])
    return TextTable(start, end, table, "表格(每格一行)", at)


def _blank_separated_table(lines: list[str], start: int) -> TextTable | None:
    """Cells on their own lines with a blank line between cells (a web table copied to text); a cell
    of several lines (units one per line) is one cell; a row starts at a bare number."""
    groups: list[tuple[int, str]] = []  # (line index, cell text), consecutive non-blank lines joined
    index, current, current_at = start, [], start
    while index <= len(lines):
        text = _cell_text(lines[index]) if index < len(lines) else ""
        if text:
            if not current:
                current_at = index
            current.append(text)
        elif current:
            groups.append((current_at, "\n".join(current)))
            current = []
        index += 1
    header: list[str] = []
    group_at = None  # 责任分工 over 责任领导 / 牵头单位 / 责任单位 (a header of two rows)
    taken = 0
    for at, text in groups:
        cell = text.replace("\n", "")
        if group_at is None and _GROUP_HEADER.match(_plain(cell)) and header:
            group_at = len(header)
            taken += 1
            continue
        if header_role(cell) is None:
            break
        header.append(cell)
        taken += 1
    if group_at is not None:
        after = header[group_at:]
        under = [c for c in after if header_role(c) in (LEADERS, LEAD, UNITS)]
        header = header[:group_at] + under + [c for c in after if c not in under]
    roles = [header_role(c) for c in header]
    if len(header) < 3 or not _qualifies(roles):
        return None
    width = len(header)
    rows: list[list[str | None]] = [header]
    at = [start]
    row: list[str] = []
    end = groups[taken - 1][0] + 1
    for position, (line_index, text) in enumerate(groups[taken:]):
        if _HEADING_ROW.match(text) and len(text) <= 40 and "。" not in text and not row:
            rows.append([text])
            at.append(line_index)
            end = line_index + 1
            continue
        starts_row = roles[0] == SEQ and bool(_BARE_NUMBER.match(text))
        if len(row) == width and not starts_row:
            break  # a full row and no new number: the table has ended, prose follows
        if starts_row and row:
            rows.append(row + [""] * (width - len(row)))
            row = []
        if not row:
            if roles[0] == SEQ and not starts_row:
                break  # text after the table
            at.append(line_index)
        row.append(text.rstrip(".．、 ") if starts_row else text)
        end = line_index + text.count("\n") + 1
    if row:
        rows.append(row + [""] * (width - len(row)))
    if len(rows) < 2:
        return None
    table = Table(rows=rows, name="", row_labels=[f"第{i + 1}行" for i in at])
    return TextTable(start, end, table, "表格(每格一行)", at)
