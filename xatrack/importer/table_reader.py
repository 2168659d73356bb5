"""The table layout: a 分解表 (序号 / 任务 / 责任领导 / 牵头单位 / 责任单位 / 完成时限), from Word,
Excel, PDF or copied to text; header found by its words (``tables``), rows -> item drafts.

``TableReader`` is the walker's part that reads tables; the walker (``walker._Builder``) supplies the
line readers (``_read_part_heading``…), ``_add_item`` and ``warn``.
"""

from __future__ import annotations

import re

import xatrack.importer.tables as tab
from xatrack.importer.assignments import split_names
from xatrack.importer.formats import Table
from xatrack.importer.headings import NUMBERED
from xatrack.importer.text import _short
from xatrack.model import TARGET, TASK


class TableReader:

    def _read_table(self, number: int, table: Table, found) -> None:
        """Rows of a table: heading rows go to the line readers, item rows become items."""
        header = tab.find_header(table.rows)
        name = table.name or f"第{number}行起的表格"
        if header is None:
            if self.table_header is not None and table.rows and len(table.rows[0]) == len(self.table_header.roles):
                header = tab.Header(-1, 1, self.table_header.roles, self.table_header.names)  # continued on a new page
            else:
                for row_index, row in enumerate(table.rows):
                    for text in _distinct(row):
                        for part in text.split("\n"):
                            if part.strip():
                                self._read_cell_line(number, table, found, row_index, part.strip())
                return
        self._note_layout(found.layout if found else "表格")
        self.table_header = header
        for row_index in range(0, max(header.row, 0)):
            for text in _distinct(table.rows[row_index]):
                if text.strip():
                    self._read_cell_line(number, table, found, row_index, text.strip())
        progress = [c for c in header.columns(tab.PROGRESS)]
        if progress:
            names = "、".join(header.names[c] for c in progress)
            self.warn(number, f"“{names}”列是进展情况,不属于方案,未导入(其中的数字不作为目标)", f"{name}")
        carried: dict[str, list[str]] = {}
        for row_index in range(header.body_start, len(table.rows)):
            row = table.rows[row_index]
            if tab.is_header_repeat(row, header):
                continue
            self._read_row(number, table, found, header, row_index, row, carried)

    table_header: "tab.Header | None" = None

    def _more_of_item(self, draft, header, cells, row) -> None:
        """A row under a merged 序号/任务 cell: its leaders and units belong to the item above."""
        _more_names(draft, header, cells)
        draft.source += " / " + " | ".join(c for c in row if c)
        if "责任分工有一部分在合并单元格下的下一行" not in draft.inferred:
            draft.inferred.append("责任分工有一部分在合并单元格下的下一行")

    def _read_cell_line(self, number: int, table: Table, found, row_index: int, text: str) -> None:
        line = found.line_of_row[row_index] + 1 if found else number
        place = None if found else table.place(row_index)
        for reader in (self._read_part_heading, self._read_cn_numbered, self._read_section, self._read_numbered):
            if reader(line, text):
                return
        if self.items or self.actions or self.mode:
            self.warn(line, f"无法识别的内容,已跳过: {_short(text)}", place)
        elif not self.title:
            self.title = text
            self._note_year(text)
        else:
            self.warn(line, f"无法识别的内容,已跳过: {_short(text)}", place)

    def _read_row(self, number, table, found, header, row_index, row, carried) -> None:
        line = found.line_of_row[row_index] + 1 if found else number
        where = (lambda column=None: None) if found else (lambda column=None: table.place(row_index, column))
        if found:
            where = lambda column=None: f"第{line}行" + (f"第{column + 1}格" if column is not None else "")  # noqa: E731
        cells = list(row) + [""] * (len(header.roles) - len(row))
        distinct = _distinct(row)
        if len(distinct) == 1 and (len(row) == 1 or len([c for c in row if c]) != 1 or not _cell(cells, header, tab.TASK_TEXT)):
            self._read_cell_line(number, table, found, row_index, distinct[0])  # a heading row across the table
            return
        if not distinct:
            return
        if found and len(row) != len(header.roles):
            self.warn(line, f"这一行有 {len(row)} 格,表头有 {len(header.roles)} 列,按顺序对应,请核对", where())
        text = _cell(cells, header, tab.TASK_TEXT)
        merged = all(cells[c] is None for c in header.columns(tab.TASK_TEXT) + header.columns(tab.SEQ) if c < len(cells))
        if not text and merged and self.items and self.items[-1].reader.startswith("表格"):
            self._more_of_item(self.items[-1], header, cells, row)  # 序号 and 任务 merged over this row too
            return
        if not text:
            filled = [c for c in row if c]
            self.warn(line, f"没有任务内容,已跳过: {_short(' | '.join(filled))}", where())
            return
        seq = _cell(cells, header, tab.SEQ)
        kind = TARGET if self.mode == TARGET else TASK
        numbered = re.match(r"^\s*(\d+)\s*[.\uff0e、]?\s*$", seq or "")
        own = NUMBERED.match(text)
        if own and not numbered:
            value = int(own.group(1) or own.group(2)) if not own.group(3) else ord(own.group(3)) - 0x2460 + 1
            text = own.group(4)
        elif numbered:
            value = int(numbered.group(1))
        else:
            existing = [int(d.id.lstrip("G")) for d in self.items if d.kind == kind and d.id.lstrip("G").isdigit()]
            value = max(existing, default=0) + 1
        item_id = f"G{value}" if kind == TARGET else str(self._task_number(value))
        place = where()
        draft = self._add_item(line, item_id, kind, text.replace("\n", ""), place=place if place else f"第{line}行")
        if draft is None:
            return
        draft.reader = found.layout if found else "表格"
        draft.source = " | ".join(c if c is not None else "(合并)" for c in row)
        for role, label in ((tab.LEADERS, "责任领导"), (tab.LEAD, "牵头单位"), (tab.UNITS, "责任单位")):
            columns = header.columns(role)
            values = [cells[c] for c in columns]
            if columns and all(v is None or (role == tab.LEADERS and v == "") for v in values) and carried.get(role):
                names = carried[role]
                draft.inferred.append(f"{label}沿用上一行(合并单元格)")
            else:
                raw = "、".join(_joined_cell(cells, header, c) for c in columns if cells[c])
                names = _cell_names(raw, leaders=role == tab.LEADERS)
            carried[role] = names
            if role == tab.LEAD:
                names = [n.strip("★☆*") for n in names if n.strip("★☆*")]  # 县人社局★: the mark, not the name
            if role == tab.UNITS:
                starred = [n.strip("★☆*") for n in names if n[:1] in "★☆*" or n[-1:] in "★☆*"]
                if starred:
                    names = [n.strip("★☆*") for n in names]
                    for star in starred:
                        if star not in draft.lead:
                            draft.lead.append(star)
                    names = [n for n in names if n not in starred]
                    draft.inferred.append("牵头单位取自责任单位中标★的")
            target = getattr(draft, role)
            target.extend(n for n in names if n not in target)
        due_text = _cell(cells, header, tab.DUE)
        if due_text:
            draft.deadline = " ".join(due_text.split())
        for column, role in enumerate(header.roles):
            if role is None and column < len(cells) and cells[column]:
                title = header.names[column] or f"第{column + 1}列"
                self.warn(line, f"“{title}”列的内容未导入: {_short(cells[column])}", where(column))


def _more_names(draft, header, cells) -> None:
    for role in (tab.LEADERS, tab.LEAD, tab.UNITS):
        raw = "、".join(_joined_cell(cells, header, c) for c in header.columns(role) if c < len(cells) and cells[c])
        target = getattr(draft, role)
        target.extend(n.strip("★☆*") for n in _cell_names(raw, leaders=role == tab.LEADERS) if n.strip("★☆*") not in target)


def _distinct(row) -> list[str]:
    seen: list[str] = []
    for cell in row:
        if cell and cell.strip() and cell.strip() not in seen:
            seen.append(cell.strip())
    return seen


def _cell(cells, header, role) -> str:
    parts = [_joined_cell(cells, header, c) for c in header.columns(role) if c < len(cells) and cells[c]]
    return ";".join(p for p in parts if p).strip()


def _joined_cell(cells, header, column) -> str:
    value = cells[column] or ""
    if column + 1 < len(header.roles) and header.roles[column + 1] == tab.JOINED and column + 1 < len(cells):
        extra = cells[column + 1] or ""
        value = value + ("、" if value and extra else "") + extra
    return value.strip()


_JUSTIFIED = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[ \u3000]+([\u4e00-\u9fff])(?:[ \u3000]+([\u4e00-\u9fff]))?(?![\u4e00-\u9fff])")


def _cell_names(raw: str, leaders: bool) -> list[str]:
    """Names in a cell; 俞  悦 (justified with spaces) is one name."""
    text = raw.replace("\n", "、")
    if leaders:
        text = _JUSTIFIED.sub(lambda m: "".join(g for g in m.groups() if g), text)
    return split_names(text)
