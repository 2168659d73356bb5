"""`report --year -o 考核.docx`: the year's table (views/report_annual.annual_table)
as a Word document in the bulletin's official layout (the page, fonts and
table of views/report_docx, reused); a place where recomputing with late
figures differs from the published bulletin is shaded and shows both."""

from __future__ import annotations

from docx import Document

from xatrack.views.report_annual import DIFFERS_FILL, annual_table
from xatrack.views.report_docx import _font_table, _page_numbers, _page_setup, _para, _save, _styles, _table, _title


def render_annual_docx(result, upto) -> bytes:
    made = annual_table(result, upto)
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _page_numbers(doc)
    _title(doc, made.title)
    widths = [7, 22, 7]  # 名次, 牵头单位, 事项; the quarters and rates share the rest
    fills = {cell: DIFFERS_FILL for cell in made.differing_cells}
    numeric = frozenset(range(2, len(made.header)))
    _table(doc, list(made.header), [list(row) for row in made.rows], widths=widths, numeric=numeric, fills=fills)
    for note in made.notes:
        _para(doc, note)
    return _save(doc)
