"""The blocks of the bulletin document (xatrack.bulletin_doc): frozen values a
renderer maps to its format, and the cells of a tally row (counts by state, rates)."""

from __future__ import annotations

from dataclasses import dataclass

from xatrack.model import STATES
from xatrack.report import Tally, percent

TERM, MD, HTML, DOCX, XLSX = "term", "md", "html", "docx", "xlsx"
SCREEN = (TERM, MD, HTML)
PAGES = (MD, HTML)

# Cell kinds (and two the terminal draws in colour: "colours", a quarter's counts; "change", a rank's move)
TEXT, ID, STATUS, COUNT, TOTAL, NUMBER, PERCENT = "text", "id", "status", "count", "total", "number", "percent"
NUMERIC_KINDS = frozenset({COUNT, TOTAL, NUMBER, PERCENT})


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Cell:
    """One table cell: ``value`` as data (a str, an int, a fraction for a
    percent, None for empty) and its ``kind``; ``state`` colours a status or a count."""

    value: object
    kind: str = TEXT
    state: str = ""

    @property
    def text(self) -> str:
        """The cell as printed: '3', '95.3%', '85.5', '' for None."""
        value = self.value
        if value is None:
            return ""
        if self.kind == PERCENT:
            return percent(value)
        if self.kind in NUMERIC_KINDS and isinstance(value, float):
            return f"{value:g}"
        return str(value)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class Column:
    """``width``: relative width on a page (0: share what is left); ``wrap``: the
    widest it may grow in a workbook, in characters (0: as wide as its text);
    ``role``: what it holds, for a renderer that shows fewer columns (title, lead)."""

    header: str
    kind: str = TEXT
    width: int = 0
    wrap: int = 0
    role: str = ""
    state: str = ""  # a column of counts in one state (its header coloured)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class Row:
    """Cells, and what a row is about (for HTML's data attributes): ``name`` (a
    leader, a unit), ``item`` (an item id), ``state``; ``total``: the 合计 row."""

    cells: tuple[Cell, ...]
    name: str = ""
    item: str = ""
    state: str = ""
    rank: int | None = None
    total: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str = ""  # a title above the table (a workbook's caption line, the terminal's table title)
    note: str = ""  # a grey line under the caption
    filtered: bool = False  # a workbook filters it
    groups: tuple[tuple[str, int], ...] = ()  # a header row above the header: (label, columns spanned)
    lead: int = 0  # columns before the groups
    media: tuple[str, ...] = ()

    @property
    def header(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass(frozen=True)
class Heading:
    level: int  # 0 title, 1 section, 2 part
    text: str
    key: str = ""
    numbered: bool = False  # the Word 通报 numbers it: (一)(二)
    media: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = "body"  # body, note, counts, overview, empty, published, late, contributors, stopped, requirement
    media: tuple[str, ...] = ()


@dataclass(frozen=True)
class Meta:
    """What the bulletin covers: each line as written, '' where it has none."""

    plan: str
    scope: str  # '范围:领导:洪声耀 · …'
    scope_print: str  # '(领导:洪声耀;…)' under the Word title
    as_of: str  # '统计日期:2025-07-10'
    published: str  # published_sentence
    sheet_title: str  # the title row of every worksheet
    media: tuple[str, ...] = ()


@dataclass(frozen=True)
class Masthead:
    masthead: str
    issue: str
    issuer: str
    day: str  # '2025年7月15日'
    media: tuple[str, ...] = (DOCX,)


@dataclass(frozen=True)
class Signature:
    issuer: str
    day: str
    media: tuple[str, ...] = (DOCX,)


@dataclass(frozen=True)
class Annex:
    """附件: starts a page of its own after the 落款 ("附件", its title); the blocks after it are the annex's."""

    label: str  # '附件' or '附件1'
    title: str
    media: tuple[str, ...] = (DOCX,)


@dataclass(frozen=True)
class Cards:
    """The counts by state as cards: a total under ``label``, then each state."""

    label: str
    total: int
    counts: tuple[tuple[str, int], ...]
    media: tuple[str, ...] = (HTML,)


@dataclass(frozen=True)
class Bar:
    label: str
    name: str
    counts: tuple[int, ...]  # in STATES order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    bars: tuple[Bar, ...]
    media: tuple[str, ...] = (HTML,)


@dataclass(frozen=True)
class Sheet:
    """A worksheet: ``several`` tables (the title row frozen) or one (title and header frozen, filtered)."""

    name: str
    blocks: tuple
    several: bool = False
    media: tuple[str, ...] = (XLSX,)


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple

    def for_medium(self, medium: str) -> list:
        return [b for b in self.blocks if not b.media or medium in b.media]


# --------------------------------------------------------------------------- a tally as cells


def count_cells(row: Tally) -> list[Cell]:
    return [Cell(row.total, TOTAL)] + [Cell(row.count(state), COUNT, state) for state in STATES]


def count_columns() -> list[Column]:
    return [Column("事项", TOTAL)] + [Column(state, COUNT, state=state) for state in STATES]


def rate_cells(row: Tally) -> list[Cell]:
    cells = [Cell(row.progress_rate, PERCENT), Cell(row.timely_rate, PERCENT)]
    if row.score is not None:
        cells.append(Cell(row.score, NUMBER))
    return cells


def rate_columns(rows) -> list[Column]:
    columns = [Column("推进率", PERCENT), Column("及时率", PERCENT)]
    if any(r.score is not None for r in rows):
        columns.append(Column("综合得分", NUMBER))
    return columns
