"""What an import produces: the plan, warnings with their place, and what was read how."""

from __future__ import annotations

from dataclasses import dataclass, field

from xatrack.errors import Problem
from xatrack.model import Plan


class ImportWarning(Problem):
    """A problem the importer met in the plan document: a ``Problem`` (severity
    warning, code "import") placed in the document's own terms."""

    __slots__ = ("place",)

    def __init__(self, line: int, message: str, place: str = ""):
        """``line``: 1-based line (or block) in the source (0: the document as a whole);
        ``message``: Chinese, one line; ``place``: where, in the document's own
        terms ("表1第3行第2列", "第2页"); "" -> 第N行."""
        super().__init__("", line, message, "warning", "import")
        object.__setattr__(self, "place", place)

    def __str__(self) -> str:
        if self.place:
            return f"{self.place}: {self.message}"
        return f"第{self.line}行: {self.message}" if self.line else self.message

    def __repr__(self) -> str:
        return f"ImportWarning({self.line!r}, {self.message!r}, {self.place!r})"

    @property
    def where(self) -> str:
        """The place as a user reads it: 表1第3行第2列, 第12行, or "" for the whole document."""
        return self.place or (f"第{self.line}行" if self.line else "")


@dataclass(frozen=True)
class ReviewRow:
    """One imported item beside the source it came from, for ``import --review``."""

    item_id: str
    place: str  # 第12行 / 表1第3行
    source: str  # the text as the document has it (a table row: its cells joined by " | ")
    inferred: tuple[str, ...] = ()  # what was not written on the item itself (lead by convention, …)
    reader: str = ""  # the layout that recognised the item: 条文、表格、要点列表…


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    warnings: tuple[ImportWarning, ...]
    layout: str = ""  # which layouts were read: 条文、表格(每格一行)…
    source_format: str = ""  # 文本(UTF-8)、Word 文档(.docx)…
    review: tuple[ReviewRow, ...] = field(default=(), compare=False)
