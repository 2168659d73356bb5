"""File formats -> a ``Document``: lines and tables in document order, with their places.

Text (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16) is decoded here; Word (.docx),
Excel (.xlsx) and PDF are read by python-docx, openpyxl and pdfplumber, each
imported only when such a file is given. Old binary .doc/.wps/.xls files and
scanned PDFs without text are refused with a hint. Only ``DataError`` is raised.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xatrack.errors import DataError
from xatrack.importer.text import _normalize_newlines

MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_BINARY_BYTES = 64 * 1024 * 1024


@dataclass
class Table:
    """Rows of cells as the file has them; ``None`` marks a cell merged with the one above."""

    rows: list[list[str | None]]
    name: str  # 表1 / 工作表“Sheet1” / 第2页表1
    row_labels: list[str] = field(default_factory=list)  # per row: 第3行 (Excel's own row numbers, …)
    column_labels: list[str] = field(default_factory=list)  # per column: 第2列 / B列

    def place(self, row: int, column: int | None = None) -> str:
        label = self.row_labels[row] if row < len(self.row_labels) else f"第{row + 1}行"
        where = f"{self.name}{label}"
        if column is not None:
            where += self.column_labels[column] if column < len(self.column_labels) else f"第{column + 1}列"
        return where


@dataclass
class Document:
    """The blocks of a plan file: ``lines[i]`` is a text line, or "" where ``tables[i]`` stands."""

    lines: list[str]
    tables: dict[int, Table] = field(default_factory=dict)  # 0-based line index -> table
    places: dict[int, str] = field(default_factory=dict)  # 0-based line index -> 第3段 / 第2页 ("" = 第N行)
    format: str = "文本"  # as shown to the user: 文本(UTF-8)、Word 文档(.docx)…

    def place(self, line: int) -> str:
        """Place of a 1-based line number, "" when 第N行 says it."""
        return self.places.get(line - 1, "")


def read_document(path: Path) -> Document:
    """Read any supported plan file; a one-line Chinese ``DataError`` otherwise."""
    raw = _read_bytes(path)
    suffix = path.suffix.lower()
    if raw.startswith(b"\xd0\xcf\x11\xe0") or suffix in (".doc", ".wps", ".xls", ".et"):
        kind = {".xls": "Excel 97-2003(.xls)", ".et": "WPS 表格(.et)"}.get(suffix, "Word 97-2003 或 WPS(.doc/.wps)")
        target = ".xlsx" if suffix in (".xls", ".et") else ".docx"
        raise DataError(f"{path} 是旧版 {kind} 文件,无法直接读取;请用 Word 或 WPS 打开后“另存为” {target} 再导入")
    if raw.startswith(b"%PDF") or suffix == ".pdf":
        return _read_pdf(path, raw)
    if raw.startswith(b"PK\x03\x04") or suffix in (".docx", ".xlsx", ".xlsm"):
        return _read_zip(path, raw, suffix)
    if suffix in (".rtf",) or raw.startswith(b"{\\rtf"):
        raise DataError(f"{path} 是 RTF 文件,无法直接读取;请另存为 .docx 或纯文本(.txt)再导入")
    text, encoding = decode_text(raw, path)
    return Document(lines=text.split("\n"), format=f"文本({encoding})")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        limit = MAX_TEXT_BYTES if path.suffix.lower() in ("", ".txt", ".text", ".md") else MAX_BINARY_BYTES
        if size > limit:
            raise DataError(f"{path} 过大({size} 字节,上限 {limit}),不像方案文件")
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"找不到文件: {path}") from None
    except IsADirectoryError:
        raise DataError(f"{path} 是目录,不是方案文件") from None
    except PermissionError:
        raise DataError(f"无法读取文件 {path}: 没有权限") from None
    except OSError as exc:
        raise DataError(f"无法读取文件 {path}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------------------
# Text and its encodings

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(raw: bytes, path) -> tuple[str, str]:
    """(text with \\n newlines, the encoding's name as shown to the user)."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8 带 BOM")]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    elif b"\x00" in raw:
        candidates = _utf16_guess(raw)
        if not candidates:
            raise DataError(f"{path} 不是文本文件(含有二进制内容);支持 .txt、.docx、.xlsx、.pdf")
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030/GBK")]
    first_error = None
    for codec, name in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            if first_error is None:
                first_error = raw[: exc.start].count(b"\n") + 1
            # The whole lines before the failing one (a GBK character can start with
            # bytes that are a valid UTF-8 character, so the failing line itself says nothing).
            before = raw[: raw.rfind(b"\n", 0, exc.start) + 1]
            if codec == "utf-8" and not before.isascii():
                # earlier lines are UTF-8 Chinese: the file mixes encodings, GB18030 would garble them
                raise DataError(
                    f"{path}:{first_error}: 不是 UTF-8 编码的文本(前面各行是 UTF-8,这一行起不是,编码混杂);"
                    "请用记事本或 WPS 统一另存为 UTF-8"
                ) from None
            continue
        text = _normalize_newlines(text)
        bad = _CONTROL.search(text)
        if bad:
            line = text[: bad.start()].count("\n") + 1
            raise DataError(f"{path}:{line}: 不是文本文件(含有控制字符);支持 .txt、.docx、.xlsx、.pdf")
        return text, name
    if b"\x00" in raw:
        raise DataError(f"{path} 不是文本文件(含有二进制内容);支持 .txt、.docx、.xlsx、.pdf")
    line = first_error or 1
    raise DataError(
        f"{path}:{line}: 无法识别文本编码(试过 UTF-8、GB18030/GBK、UTF-16);请用记事本或 WPS 另存为 UTF-8 文本再导入"
    )


def _utf16_guess(raw: bytes) -> list[tuple[str, str]]:
    """UTF-16 without a BOM: Chinese text has zeros in one byte position only for ASCII characters."""
    if len(raw) % 2:
        return []
    even = raw[0::2].count(0)
    odd = raw[1::2].count(0)
    half = max(1, len(raw) // 2)
    if odd > half * 0.05 and even < odd / 4:
        return [("utf-16-le", "UTF-16")]
    if even > half * 0.05 and odd < even / 4:
        return [("utf-16-be", "UTF-16")]
    return []


# ---------------------------------------------------------------------------
# Zip containers: .docx and .xlsx


def _read_zip(path: Path, raw: bytes, suffix: str) -> Document:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError(f"{path} 已损坏或不是有效的 {suffix or '.docx/.xlsx'} 文件") from None
    if "word/document.xml" in names:
        return _read_docx(path, raw)
    if "xl/workbook.xml" in names:
        return _read_xlsx(path, raw)
    raise DataError(f"{path} 是压缩文件,但不是 Word(.docx)或 Excel(.xlsx)文档")


def _read_docx(path: Path, raw: bytes) -> Document:
    try:  # lazy: heavy - python-docx (lxml), only for a .docx
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - a dependency of the package
        raise DataError("读取 .docx 需要 python-docx:pip install python-docx") from None
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise DataError(f"{path} 无法作为 Word 文档读取: {type(exc).__name__}") from None
    doc = Document(lines=[], format="Word 文档(.docx)")
    numbering = _Numbering(document)
    paragraph_count = table_count = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph_count += 1
            paragraph = Paragraph(element, document)
            text = numbering.prefix(paragraph) + paragraph.text
            for part in _normalize_newlines(text).split("\n"):
                doc.places[len(doc.lines)] = f"第{paragraph_count}段"
                doc.lines.append(part)
        elif tag == "tbl":
            table_count += 1
            rows = _docx_rows(DocxTable(element, document))
            doc.places[len(doc.lines)] = f"表{table_count}"
            doc.tables[len(doc.lines)] = Table(rows=rows, name=f"表{table_count}")
            doc.lines.append("")
    return doc


def _docx_rows(table) -> list[list[str | None]]:
    """Cells of a Word table; a vertically merged continuation is None, a wide cell repeats."""
    from docx.table import _Cell  # lazy: heavy - python-docx, only for a .docx

    rows = []
    for tr in table._tbl.tr_lst:
        cells: list[str | None] = []
        for tc in tr.tc_lst:
            span = max(1, int(getattr(tc, "grid_span", 1) or 1))
            merged = getattr(tc, "vMerge", None) == "continue"
            text = None if merged else "\n".join(p.text for p in _Cell(tc, table).paragraphs).strip()
            cells.extend([text] * span)
        rows.append(cells)
    return rows


class _Numbering:
    """Word's automatic list numbers (1. 2. / 一、 / (1)), which are not in the paragraph text."""

    _FORMATS = {"decimal", "chineseCounting", "chineseCountingThousand", "ideographTraditional",
                "decimalEnclosedCircle", "decimalEnclosedCircleChinese", "decimalFullWidth"}  # fmt: skip

    def __init__(self, document):
        self.levels: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            return
        ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        abstract = {}
        for node in numbering.findall(f"{ns}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{ns}lvl"):
                fmt = lvl.find(f"{ns}numFmt")
                text = lvl.find(f"{ns}lvlText")
                start = lvl.find(f"{ns}start")
                levels[lvl.get(f"{ns}ilvl")] = (
                    fmt.get(f"{ns}val") if fmt is not None else "decimal",
                    text.get(f"{ns}val") if text is not None else "%1.",
                    int(start.get(f"{ns}val")) if start is not None and start.get(f"{ns}val", "").isdigit() else 1,
                )
            abstract[node.get(f"{ns}abstractNumId")] = levels
        for num in numbering.findall(f"{ns}num"):
            ref = num.find(f"{ns}abstractNumId")
            levels = abstract.get(ref.get(f"{ns}val") if ref is not None else None, {})
            for ilvl, spec in levels.items():
                self.levels[(num.get(f"{ns}numId"), ilvl)] = spec

    def prefix(self, paragraph) -> str:
        ppr = paragraph._p.pPr
        numpr = ppr.numPr if ppr is not None else None
        if numpr is None or numpr.numId is None:
            return ""
        num_id = str(numpr.numId.val)
        ilvl = str(numpr.ilvl.val) if numpr.ilvl is not None else "0"
        spec = self.levels.get((num_id, ilvl))
        if spec is None or spec[0] not in self._FORMATS:
            return ""
        fmt, pattern, start = spec
        counters = self.counters.setdefault(num_id, [start - 1] * 9)
        level = int(ilvl) if ilvl.isdigit() and int(ilvl) < 9 else 0
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = start - 1
        value = counters[level]
        if fmt.startswith("chinese") or fmt == "ideographTraditional":
            shown = _chinese_numeral(value)
        elif fmt.startswith("decimalEnclosedCircle"):
            shown = chr(0x2460 + value - 1) if 1 <= value <= 20 else str(value)
        else:
            shown = str(value)
        return re.sub(r"%\d", shown, pattern, count=1) if "%" in pattern else shown + "."


def _chinese_numeral(value: int) -> str:
    digits = "零一二三四五六七八九"
    if value < 10:
        return digits[value]
    if value < 20:
        return "十" + (digits[value % 10] if value % 10 else "")
    if value < 100:
        return digits[value // 10] + "十" + (digits[value % 10] if value % 10 else "")
    return str(value)


def _read_xlsx(path: Path, raw: bytes) -> Document:
    # lazy: heavy - openpyxl, only for an .xlsx
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise DataError(f"{path} 无法作为 Excel 工作簿读取: {type(exc).__name__}") from None
    doc = Document(lines=[], format="Excel 工作簿(.xlsx)")
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or sheet.max_row < 1:
            continue
        covered: dict[tuple[int, int], tuple[int, int]] = {}  # cell -> top-left of its merged range
        for merged in sheet.merged_cells.ranges:
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    if (row, col) != (merged.min_row, merged.min_col):
                        covered[(row, col)] = (merged.min_row, merged.min_col)
        rows, labels = [], []
        for row in sheet.iter_rows():
            cells: list[str | None] = []
            for cell in row:
                key = (cell.row, cell.column)
                if key in covered:
                    top_row, top_col = covered[key]
                    # a wide cell repeats across its columns; a tall one is "merged with the one above"
                    same_row = top_row == cell.row
                    cells.append(_cell_text(sheet.cell(top_row, top_col).value) if same_row else None)
                else:
                    cells.append(_cell_text(cell.value))
            if any(c for c in cells):
                rows.append(cells)
                labels.append(f"第{row[0].row}行")
        if not rows:
            continue
        width = max(len(r) for r in rows)
        doc.places[len(doc.lines)] = f"工作表“{sheet.title}”"
        doc.tables[len(doc.lines)] = Table(
            rows=rows,
            name=f"工作表“{sheet.title}”",
            row_labels=labels,
            column_labels=[f"{get_column_letter(i + 1)}列" for i in range(width)],
        )
        doc.lines.append("")
    return doc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _normalize_newlines(str(value)).strip()


# ---------------------------------------------------------------------------
# PDF


def _read_pdf(path: Path, raw: bytes) -> Document:
    import logging  # lazy: rare - only a .pdf quiets pdfminer's log; logging costs 3 ms

    try:  # lazy: heavy - pdfplumber, only for a .pdf
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency of the package
        raise DataError("读取 .pdf 需要 pdfplumber:pip install pdfplumber") from None
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    doc = Document(lines=[], format="PDF")
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                _read_pdf_page(doc, page, page_number)
    except DataError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged or encrypted file
        raise DataError(f"{path} 无法作为 PDF 读取({type(exc).__name__});如有加密请先解除,或改用 Word 版") from None
    if chars == 0:
        raise DataError(
            f"{path} 是扫描件(PDF 中没有文字层),无法读取文字;请向发文单位索取 Word 版,或先做文字识别(OCR)"
        )
    return doc


def _read_pdf_page(doc: Document, page, page_number: int) -> None:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    blocks: list[tuple[float, object]] = []
    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=False):
        blocks.append((line["top"], line["text"]))
    for index, table in enumerate(tables, start=1):
        rows = [[_pdf_cell(cell) for cell in row] for row in table.extract()]
        blocks.append((table.bbox[1], Table(rows=rows, name=f"第{page_number}页表{index}")))
    blocks.sort(key=lambda block: block[0])
    for _, block in blocks:
        doc.places[len(doc.lines)] = f"第{page_number}页"
        if isinstance(block, Table):
            doc.tables[len(doc.lines)] = block
            doc.lines.append("")
        else:
            doc.lines.append(str(block))


def _pdf_cell(cell) -> str | None:
    if cell is None:
        return None
    return re.sub(r"\s*\n\s*", "", str(cell)).strip()  # PDF cells wrap lines inside words
