"""催办单 as Markdown, one section per lead unit (the Word form is remind_docx)."""

from __future__ import annotations

from collections.abc import Iterable

from xatrack.remind import (
    NOTICE_HEADER,
    RECTIFICATION_HEADER,
    Notice,
    cn_date,
    contact_line,
    notice_paragraphs,
    notice_rows,
    rectification_rows,
)
from xatrack.views.report_markdown import cell, table, text_line


def render_markdown(notices: Iterable[Notice]) -> str:
    out: list[str] = []
    for notice in notices:
        out += [f"# 催办单:{cell(notice.unit)}({notice.quarter.label})", ""]
        if contact_line(notice):
            out += [contact_line(notice), ""]
        paragraphs = notice_paragraphs(notice)
        out += [text_line(p) for p in paragraphs[:2]] + [""]
        if notice.items:
            out += table(NOTICE_HEADER, notice_rows(notice)) + [""]
        if notice.rectifications:
            out += table(RECTIFICATION_HEADER, rectification_rows(notice)) + [""]
        out += [text_line(paragraphs[2]), ""]
        signature = [notice.office] if notice.office else []
        if notice.office_contact:
            signature.append(f"联系方式:{notice.office_contact}")
        signature.append(cn_date(notice.made))
        out += ["  \n".join(text_line(s) for s in signature), "", "---", ""]
    return "\n".join(out)
