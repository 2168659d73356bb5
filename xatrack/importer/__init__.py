"""Official plan documents -> ``Plan``, with warnings (and their places) instead of exceptions.

The importer reads a 目标任务责任分解方案 as offices receive it: text in any
common encoding, Word (.docx), Excel (.xlsx) or PDF; prose layouts (a notice
preamble, a title block, ``一、…主要预期目标`` with targets, ``二、…重点工作``
with actions, sections and numbered tasks with ``(责任领导:…;牵头单位:…)``,
leaders or lead units given in headings, 列第一位的为牵头单位, bullet lists under
``核心:`` headings) and tables (分解表) whose header is found by its words.

Modules, one concern each:
  formats      files -> ``Document`` (lines and tables, places, encoding)
  walker       the layout walker: lines and tables -> item drafts -> ``Plan``
  tables       table headers found by words; tables written as text
  assignments  责任领导 / 牵头单位 / 责任单位 / 完成时限 values and unit lists
  figures      figures in an item's text -> metrics and not-goals
  deadlines    完成时限 words and text -> due quarter
  overrides    the reviewed file of judgments a parser cannot make
  review       ``import --review``: items beside their source (terminal, HTML)

Only ``DataError`` is ever raised, and only by the file/override loaders;
``import_plan`` reports every problem as an ``ImportWarning``.
"""

from __future__ import annotations

from pathlib import Path

from xatrack.errors import DataError
from xatrack.importer.assignments import parse_assignment, split_assignment, split_names
from xatrack.importer.deadlines import deadline_quarter, due_quarter
from xatrack.importer.figures import FigureHit, extract_figures, unaccounted_figures
from xatrack.importer.formats import MAX_TEXT_BYTES, Document, decode_text, read_document
from xatrack.importer.overrides import _normalize_overrides, apply_overrides, load_overrides
from xatrack.importer.result import ImportResult, ImportWarning, ReviewRow
from xatrack.importer.text import _normalize_newlines, chinese_number
from xatrack.importer.walker import _Builder

DATA_DIR = Path(__file__).parent.parent / "data"
BUNDLED_TEXT = DATA_DIR / "2025-xianan.txt"
BUNDLED_OVERRIDES = DATA_DIR / "2025-xianan.overrides.yaml"
OVERRIDES_SUFFIX = ".overrides.yaml"

__all__ = [
    "BUNDLED_OVERRIDES", "BUNDLED_TEXT", "DATA_DIR", "Document", "FigureHit", "ImportResult", "ImportWarning",
    "ReviewRow", "apply_overrides", "chinese_number", "deadline_quarter", "default_overrides_path", "due_quarter",
    "extract_figures", "import_document", "import_file", "import_plan", "load_overrides", "parse_assignment",
    "read_document", "read_text_file", "split_assignment", "split_names", "unaccounted_figures",
]  # fmt: skip


def import_plan(text: str, *, overrides: dict | None = None, first_unit_lead: bool = False) -> ImportResult:
    """Parse the official text; apply reviewed overrides (from ``load_overrides``). With
    ``first_unit_lead`` an item without a lead unit takes its first responsible unit (marked inferred)."""
    text = _normalize_newlines(text)
    return import_document(Document(lines=text.split("\n"), format="文本"), overrides=overrides, first_unit_lead=first_unit_lead)


def import_document(document: Document, *, overrides: dict | None = None, first_unit_lead: bool = False) -> ImportResult:
    """Parse a document read by ``read_document`` (lines and tables); apply reviewed overrides."""
    entries = _normalize_overrides(overrides or {}, "<overrides>", None)
    builder = _Builder(document.lines, document, first_unit_lead)
    builder.run()
    return builder.finish(entries)


def import_file(path, overrides_path=None, *, first_unit_lead: bool = False) -> ImportResult:
    """Read a plan file (text in UTF-8/GB18030/UTF-16, .docx, .xlsx, .pdf) and import it.

    Without ``overrides_path``, ``<name>.overrides.yaml`` next to the file is
    used when it exists (``2025-xianan.txt`` -> ``2025-xianan.overrides.yaml``).
    """
    path = Path(path)
    document = read_document(path)
    if overrides_path is None:
        sibling = default_overrides_path(path)
        overrides_path = sibling if sibling.is_file() else None
    overrides = None
    if overrides_path is not None:
        overrides = load_overrides(read_text_file(Path(overrides_path)), str(overrides_path))
    return import_document(document, overrides=overrides, first_unit_lead=first_unit_lead)


def default_overrides_path(path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + OVERRIDES_SUFFIX)


def read_text_file(path: Path) -> str:
    """The text of a text file (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16), or a one-line ``DataError``."""
    document = read_document(Path(path))
    if document.tables or not document.format.startswith("文本"):
        raise DataError(f"{path} 不是文本文件({document.format})")
    return "\n".join(document.lines)
