"""催办单 as Word documents, in the same official layout as the bulletin (views/report_docx)."""

from __future__ import annotations

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
    as a whole notice's body)."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _page_numbers(doc)
    body = doc.element.body
    for notice in notices:
        for child in list(body):
            if child.tag != qn("w:sectPr"):  # the section (page size, margins, footer) stays
                body.remove(child)
        _body(doc, notice)
        yield _save(doc)


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
