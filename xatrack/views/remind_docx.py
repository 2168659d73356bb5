"""催办单 as Word documents, in the same official layout as the bulletin (views/report_docx)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator

from docx import Document
from docx.oxml.ns import qn

from xatrack.remind import NOTICE_HEADER, RECTIFICATION_HEADER, Notice, cn_date, contact_line, notice_paragraphs, notice_rows, rectification_rows
from xatrack.views.report_docx import (
    _font_table,
    _page_numbers,
    _page_setup,
    _para,
    _save,
    _signature,
    _styles,
    _table,
    _title,
)

FILLS = {"未报送": "D9D9D9", "严重滞后": "FFC7CE", "逾期报送": "FFEB9C"}


def render_notice_docx(notice: Notice) -> bytes:
    return next(render_notices_docx([notice]))


def render_notices_docx(notices: Iterable[Notice]) -> Iterator[bytes]:
    """One Word file per notice. The page, the styles, the fonts and the page numbers are
    the same in every 催办单: they are set up once and only the body is written again for
    each notice (opening python-docx's template and setting up a page cost about as much
    as a whole notice's body). python-docx writes the first file; the others take its
    parts as they are, compressed once, with their own word/document.xml (the template's
    styles are 0.8 MB of XML that saving would serialize and compress again for each)."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _page_numbers(doc)
    body = doc.element.body
    package = None
    for notice in notices:
        for child in list(body):
            if child.tag != qn("w:sectPr"):  # the section (page size, margins, footer) stays
                body.remove(child)
        _body(doc, notice)
        if package is None:
            data = _save(doc)
            package = _Package(data, doc.part.partname.membername)
            yield data
        else:
            yield package.with_part(doc.part.blob)


class _Package:
    """A .docx written by python-docx, to be written again with one part (word/document.xml)
    replaced: every other member is copied as it is, compressed bytes and all."""

    def __init__(self, data: bytes, replaced: str):
        self.replaced = replaced
        self.members = []  # (ZipInfo, compressed bytes), in the file's order
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.flag_bits & 0x08 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise ValueError(f"{info.filename}: 不支持的 zip 成员")  # python-docx writes neither
                start = info.header_offset
                name_length, extra_length = struct.unpack("<HH", data[start + 26:start + 30])
                begin = start + 30 + name_length + extra_length
                self.members.append((info, data[begin:begin + info.compress_size]))

    def with_part(self, content: bytes) -> bytes:
        out = io.BytesIO()
        central = []
        for info, raw in self.members:
            crc, size, method = info.CRC, info.file_size, info.compress_type
            if info.filename == self.replaced:
                packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
                raw, crc, size, method = packer.compress(content) + packer.flush(), zlib.crc32(content), len(content), zipfile.ZIP_DEFLATED
            name = info.filename.encode("utf-8")
            flags = 0x800 if not info.filename.isascii() else 0
            year, month, day, hour, minute, second = info.date_time
            dos_time = (hour << 11) | (minute << 5) | (second // 2)
            dos_date = ((year - 1980) << 9) | (month << 5) | day
            offset = out.tell()
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, dos_time, dos_date,
                                  crc, len(raw), size, len(name), 0))
            out.write(name)
            out.write(raw)
            central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, dos_time, dos_date,
                                       crc, len(raw), size, len(name), 0, 0, 0, 0, info.external_attr, offset) + name)
        start = out.tell()
        for record in central:
            out.write(record)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
        return out.getvalue()


def _body(doc, notice: Notice) -> None:
    _title(doc, "催 办 单")
    _para(doc, f"({notice.quarter.label})", align="center", indent=False)
    paragraphs = notice_paragraphs(notice)
    _para(doc, paragraphs[0], indent=False)
    if contact_line(notice):
        _para(doc, contact_line(notice))
    _para(doc, paragraphs[1])
    if notice.items:
        # The bulletin's own states are coloured by _table; 逾期报送 and 连续未报送 here.
        fills = {(r, 2): FILLS[item.state] for r, item in enumerate(notice.items) if item.state == "逾期报送" or item.consecutive}
        _table(doc, NOTICE_HEADER, notice_rows(notice), widths=[7, 44, 12, 24, 13], status_col=2, fills=fills)
    if notice.rectifications:
        _table(doc, RECTIFICATION_HEADER, rectification_rows(notice), widths=[12, 8, 60, 20], status_col=None)
    _para(doc, paragraphs[2])
    if notice.office_contact:
        _para(doc, f"联系方式:{notice.office_contact}")
    if notice.office:
        _signature(doc, notice.office, notice.made)
    else:
        _para(doc, cn_date(notice.made), align="right", indent=False)
