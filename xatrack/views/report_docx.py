"""The quarterly bulletin as a Word document in the official layout (GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm);
title 2号 方正小标宋简体; body 3号 仿宋_GB2312 on a fixed grid of 22 lines × 28
characters; headings 一、 in 黑体 and (一) in 楷体_GB2312; page numbers `— 1 —`
in 4号 宋体 at the outside edge (odd pages right, even pages left). The font
table names a fallback for each 公文 font (宋体, 仿宋, 楷体), so a computer without
them shows the nearest font it has. Tables in 5号 at 1.25 lines, header rows
repeated and kept with the next row, rows never split, state/rate/count/id
columns as wide as their longest value; the 落款 kept with the paragraph above
it; 附件 on pages of their own. Maps the blocks of ``xatrack.bulletin_doc`` (the
remind 催办单 shares the pieces); python-docx is imported only here.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table as DocxTable
from docx.shared import Mm, Pt, RGBColor

from xatrack.bulletin_doc import (
    COUNT,
    Annex,
    DOCX,
    ID,
    NUMBER,
    PERCENT,
    STATUS,
    TOTAL,
    WORD_JOINER,
    Heading,
    Masthead,
    Meta,
    Paragraph,
    Signature,
    Table,
    build_document,
    cn_number,
)
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, Bulletin
from xatrack.report import Report

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
# name -> the font a reader without it should use (fontTable.xml altName)
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", HEADING_FONT: "SimHei", PAGE_FONT: "SimSun"}

SIZE_2 = 22.0  # 二号
SIZE_3 = 16.0  # 三号
SIZE_4 = 14.0  # 四号
SIZE_TABLE = 12.0  # 小四: table text (the 催办单)
SIZE_BULLETIN_TABLE = 10.5  # 五号: the 通报's tables, lines of 1.25: the lists of a quarter fit fewer pages
MASTHEAD_SIZE = 36.0

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# 版心 225 mm high / 22 lines; Word stores the grid in twentieths of a point.
LINE_PITCH_PT = round(225 / 25.4 * 72 / LINES_PER_PAGE * 20) / 20  # 29 pt (28.99), on Word's 1/20 pt scale
CHAR_PITCH_PT = 156 / 25.4 * 72 / CHARS_PER_LINE  # 15.79 pt
CONDENSE_PT = 0.25  # 16 pt characters 0.25 pt closer: 28 fit in 156 mm (27 without)

FILLS = {DONE: "C6EFCE", ON_TRACK: "C6EFCE", BEHIND: "FFEB9C", SEVERE: "FFC7CE", MISSING: "D9D9D9"}
RED = RGBColor(0xE6, 0x00, 0x12)

_CN = "一二三四五六七八九十"
ID_SEPARATOR = re.compile(r"、(?=[0-9A-Za-z])")


def render_docx(report: Report, bulletin: Bulletin | None = None, made: date | None = None) -> bytes:
    """The blocks of the bulletin (xatrack.bulletin_doc) as .docx bytes.
    ``bulletin``: the office's settings.bulletin (masthead, requirements, issuer)."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _page_numbers(doc)
    numbered = 0  # (一)(二) under each section heading
    for block in build_document(report, bulletin, made).for_medium(DOCX):
        if isinstance(block, Masthead):
            _masthead(doc, block)
        elif isinstance(block, Heading):
            if block.level == 0:
                _title(doc, block.text)
            elif block.level == 1:
                numbered = 0
                _heading(doc, block.text)
            else:
                numbered += 1
                _subheading(doc, f"({_cn(numbered)}){block.text}" if block.numbered else block.text)
        elif isinstance(block, Meta):
            if block.scope_print:
                _para(doc, block.scope_print, font=SUBHEADING_FONT, align="center", indent=False)
            if block.published:
                _para(doc, block.published)
        elif isinstance(block, Paragraph):
            _para(doc, block.text)
        elif isinstance(block, Table):
            _block_table(doc, block)
        elif isinstance(block, Signature):
            _signature(doc, block.issuer, block.day)
        elif isinstance(block, Annex):
            numbered = 0
            _annex(doc, block)
    return _save(doc)


def _annex(doc, block: Annex) -> None:
    """附件 on a page of its own: '附件1' at the top left in 黑体, its title centred as a title."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.page_break_before = True
    paragraph.paragraph_format.keep_with_next = True
    _run_font(paragraph.add_run(block.label), HEADING_FONT, SIZE_3)
    _title(doc, block.title)


WHOLE_KINDS = frozenset({STATUS, PERCENT, NUMBER, COUNT, TOTAL, ID})  # cells that never wrap


def _block_table(doc, block: Table):
    """A table block: numbers to the right, states centred and coloured, counts tinted by their state."""
    header = block.header
    rows = [[c.text for c in row.cells] for row in block.rows]
    widths = [c.width for c in block.columns if c.width]
    # The rank stays at the left, the earlier of two states is coloured but not centred (as the 通报 always had them).
    numeric = {i for i, c in enumerate(block.columns) if c.numeric and c.kind != COUNT and c.role != "rank"}
    numeric |= {i for i, c in enumerate(block.columns) if c.kind == COUNT}
    statuses = [i for i, c in enumerate(block.columns) if c.kind == STATUS]
    status_col = statuses[-1] if statuses else None
    fills = {}
    for r, row in enumerate(block.rows):
        for column, cell in enumerate(row.cells):
            if cell.kind == COUNT and cell.value and column != status_col:
                fills[(r, column)] = FILLS[cell.state]
            elif cell.kind == STATUS and column != status_col and cell.state in FILLS:
                fills[(r, column)] = FILLS[cell.state]
    whole = {i for i, c in enumerate(block.columns) if c.kind in WHOLE_KINDS}
    return _table(doc, header, rows, widths=widths, status_col=status_col, numeric=numeric, fills=fills, whole=whole,
                  size=SIZE_BULLETIN_TABLE)


def _cn(n: int) -> str:
    return cn_number(n)


# --------------------------------------------------------------------------- document pieces


def _save(doc) -> bytes:
    # dc:creator marks the file as xatrack's own (safefs.made_by_xatrack): -o may replace it without --force.
    doc.core_properties.author = "xatrack"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _fonts(element_rpr, name: str) -> None:
    """Name ``name`` for every script (East Asian included), dropping theme fonts."""
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _run_font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    _fonts(run._element.get_or_add_rPr(), name)


def _exact(paragraph_format, pitch: float = LINE_PITCH_PT) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(pitch)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(24)  # the page number sits about 7 mm below the text block
    # The document grid: 22 lines of 28 characters (Word's 文档网格 "指定行和字符网格").
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    # 22 lines: a line grid of 28.95 pt. 28 characters: the body text is
    # condensed by 0.25 pt (15.75 pt a character, 442 pt a line), which every
    # reader honours; Word's character grid ("linesAndChars") would do the same
    # in Word but LibreOffice lays it out at half the density.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    doc.settings.odd_and_even_pages_header_footer = True


def _styles(doc) -> None:
    # Document defaults: the character grid is measured against this size, and
    # East Asian text is Chinese (readers pick a Chinese fallback font).
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(SIZE_3 * 2)))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(SIZE_3)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    condense = OxmlElement("w:spacing")
    condense.set(qn("w:val"), str(-round(CONDENSE_PT * 20)))
    normal.element.get_or_add_rPr().append(condense)
    _exact(normal.paragraph_format)
    normal.paragraph_format.widow_control = True
    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
        style = doc.styles[name]
        style.font.size = Pt(SIZE_3)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element.get_or_add_rPr(), font)
        _exact(style.paragraph_format)
        style.paragraph_format.first_line_indent = Pt(2 * SIZE_3)
        style.paragraph_format.keep_with_next = True


def _font_table(doc) -> None:
    """Declare each 公文 font with the font a reader lacking it should use (altName)."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"modern" if name in (HEADING_FONT,) else "roman"}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _field_run(paragraph, instruction: str, shown: str) -> list:
    runs = []
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._element.append(text)
        elif kind == "text":
            run.text = shown
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), "end" if kind == "end" else kind)
            run._element.append(char)
        runs.append(run)
    return runs


def _page_numbers(doc) -> None:
    """`— 1 —` in 4号 宋体: odd pages at the right, even pages at the left, one character in from the edge."""
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(SIZE_4)
        else:
            paragraph.paragraph_format.left_indent = Pt(SIZE_4)
        _exact(paragraph.paragraph_format, SIZE_4 * 1.5)
        runs = [paragraph.add_run("— ")] + _field_run(paragraph, "PAGE", "1") + [paragraph.add_run(" —")]
        for run in runs:
            _run_font(run, PAGE_FONT, SIZE_4)


def _para(doc, text: str, font: str = BODY_FONT, size: float = SIZE_3, align: str = "", indent: bool = True, bold=False):
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _run_font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _title(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(paragraph.paragraph_format, 36)
    paragraph.paragraph_format.space_after = Pt(LINE_PITCH_PT)  # one empty line under the title
    paragraph.paragraph_format.keep_with_next = True
    _run_font(paragraph.add_run(text), TITLE_FONT, SIZE_2)


def _heading(doc, text: str) -> None:
    paragraph = doc.add_paragraph(style="Heading 1")
    _run_font(paragraph.add_run(text), HEADING_FONT, SIZE_3)


def _subheading(doc, text: str) -> None:
    paragraph = doc.add_paragraph(style="Heading 2")
    _run_font(paragraph.add_run(text), SUBHEADING_FONT, SIZE_3)


def _border(paragraph, side: str, size_eighths: int, color: str) -> None:
    ppr = paragraph._element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "4")
    line.set(qn("w:color"), color)
    borders.append(line)


def _masthead(doc, block: Masthead) -> None:
    """版头: the masthead in red, the 期号, the issuing office and date, a red rule."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(paragraph.paragraph_format, MASTHEAD_SIZE * 1.4)
    _run_font(paragraph.add_run(block.masthead), TITLE_FONT, MASTHEAD_SIZE, color=RED)
    if block.issue:
        _para(doc, block.issue, align="center", indent=False)
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(156 - 2 * 5.6), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.paragraph_format.left_indent = Mm(5.6)  # 空一字
    _run_font(paragraph.add_run(f"{block.issuer}\t{block.day}"), BODY_FONT, SIZE_3)
    _border(paragraph, "bottom", 12, "E60012")
    doc.add_paragraph()


def _signature(doc, issuer: str, made) -> None:
    """落款: the issuer and the date (a date or its words), right-aligned, kept on
    one page with the paragraph above it: a page never holds only the 落款 or the date."""
    last = next((p for p in reversed(doc.paragraphs) if p.text.strip()), None)
    if last is not None:
        last.paragraph_format.keep_with_next = True
        last.paragraph_format.keep_together = True
        after = False
        for paragraph in doc.paragraphs:  # the empty spacers after it too
            if after:
                paragraph.paragraph_format.keep_with_next = True
            after = after or paragraph._p is last._p
    gap = doc.add_paragraph()
    gap.paragraph_format.keep_with_next = True
    for text in (issuer, made if isinstance(made, str) else _cn_date(made)):
        paragraph = _para(doc, text, align="right", indent=False)
        paragraph.paragraph_format.right_indent = Pt(4 * SIZE_3)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = False  # the date: nothing after it to keep with


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------- tables


def _shade(cell, fill: str) -> None:
    tc_pr = cell._element.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def escape(text: str) -> str:
    """Text as XML character data (xml.sax.saxutils would import urllib: 50 ms)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


CELL_MARGINS_MM = 2.6  # 1 mm left and right (CELL_MARGIN_TWIPS), and a little slack
CELL_MARGIN_TWIPS = 57
HALF_WIDTH_MM = SIZE_TABLE * 0.6 * 25.4 / 72  # a digit or Latin letter at the table size (fonts draw them a little over half a CJK character)
TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef、,;]+")


def _width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else (0 if ch == WORD_JOINER else 1) for ch in text)


def _minimums(header: list[str], rows: list[list[str]], whole=frozenset(), size: float = SIZE_TABLE) -> list[float]:
    """The narrowest each column may be: its longest unbreakable piece (a number,
    a date, an id, a percentage; a CJK character breaks anywhere) fits on one line,
    and a header keeps at least two characters a line (名次 never split).
    A column in ``whole`` (states, rates, figures, counts, ids) never breaks:
    its longest value and its header fit on one line ("严重滞后", "100%")."""
    result = []
    for column, name in enumerate(header):
        if column in whole:
            longest = max([_width(name)] + [_width(str(row[column])) for row in rows if column < len(row)])
            result.append(longest * HALF_WIDTH_MM * size / SIZE_TABLE + CELL_MARGINS_MM)
            continue
        longest = min(_width(name), 4)
        for row in rows:
            if column < len(row):
                pieces = [_width(piece) for piece in TOKEN.findall(str(row[column]))] or [0]
                longest = max(longest, min(max(pieces), 16))
        result.append(longest * HALF_WIDTH_MM * size / SIZE_TABLE + CELL_MARGINS_MM)
    return result


def _fit(millimetres: list[float], minimums: list[float]) -> list[float]:
    """Widen columns narrower than their minimum, taking the room from the
    columns wider than theirs (in proportion to what they can spare)."""
    widths = list(millimetres)
    if sum(minimums) >= sum(widths):  # cannot fit: the minimums, scaled to the text block
        return [sum(widths) * m / sum(minimums) for m in minimums]
    for _ in range(len(widths)):
        deficit = sum(max(m - w, 0) for w, m in zip(widths, minimums))
        if deficit <= 0.01:
            break
        spare = [max(w - m, 0) for w, m in zip(widths, minimums)]
        room = sum(spare)
        widths = [max(w, m) - (deficit * s / room if room else 0) for w, m, s in zip(widths, minimums, spare)]
    return widths


def _table(doc, header: list[str], rows: list[list[str]], widths: list[int], status_col: int | None = None, numeric=frozenset(), fills=None,
           whole=frozenset(), size: float = SIZE_TABLE):
    """A table 156 mm wide; header row repeated on every page and kept with the row
    under it; rows never split across pages; status cells in the three colours.

    ``widths``: relative widths of the columns (the last ones share what is left
    when fewer are given); ``fills``: {(row, column): fill} for other coloured cells;
    ``whole``: columns whose cells never wrap (the column as wide as its longest value).
    The table is written as one piece of XML (python-docx's cell by cell API took
    most of the time of a 通报).
    """
    whole = set(whole) | ({status_col} if status_col is not None else set())  # a state never wraps (严重滞/后)
    given = sum(widths)
    rest = len(header) - len(widths)
    share = max((100 - given) / rest, 6) if rest else 0
    relative = widths + [share] * rest
    total = sum(relative)
    millimetres = _fit([156 * w / total for w in relative], _minimums(header, rows, whole, size))
    twips = [Mm(width).twips for width in millimetres]
    line = round(size * (1.5 if size == SIZE_TABLE else 1.25) * 20)
    half_points = round(size * 2)

    def cell(column: int, text: str, font: str, align: str, fill: str | None, keep: bool) -> str:
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        no_wrap = "<w:noWrap/>" if column in whole else ""
        jc = f'<w:jc w:val="{align}"/>' if align else ""
        # LibreOffice reads "3、12、13" as one number it may not break (it then splits
        # ids anywhere and starts lines with 、): a zero-width space after each 、
        # before an id marks where a line may end; Word breaks there anyway.
        text = ID_SEPARATOR.sub("、\u200b", text)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{twips[column]}" w:type="dxa"/>{shading}{no_wrap}</w:tcPr>'
            f'<w:p><w:pPr>{"<w:keepNext/>" if keep else ""}<w:snapToGrid w:val="0"/>'
            f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/><w:ind w:firstLine="0"/>{jc}</w:pPr>'
            f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/><w:b w:val="0"/>'
            f'<w:sz w:val="{half_points}"/></w:rPr><w:t{space}>{escape(text)}</w:t></w:r></w:p></w:tc>'
        )

    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/>'
        # 1 mm left and right instead of 1.9: room for the columns' text (tblCellMar before tblLook: the schema's order)
        f'<w:tblCellMar><w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/><w:right w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>",
        # 跨页重复标题行; a row never runs across a page break
        "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
        *(cell(column, text, HEADING_FONT, "center", "F2F2F2", True) for column, text in enumerate(header)),
        "</w:tr>",
    ]
    for r, values in enumerate(rows):
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for column, value in enumerate(values):
            value = str(value)
            align = "right" if column in numeric else ("center" if column == status_col else "")
            if column == status_col and value in FILLS:
                fill = FILLS[value]
            else:
                fill = fills.get((r, column)) if fills else None
            parts.append(cell(column, value, BODY_FONT, align, fill, False))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    element = parse_xml("".join(parts))
    doc.element.body._insert_tbl(element)
    doc.add_paragraph().paragraph_format.line_spacing = Pt(SIZE_TABLE)
    return DocxTable(element, doc._body)


def _tally_table(doc, header, labels: list[list[str]], rows, widths: list[int], extra=None):
    """Names then 事项 and one column per state; each count cell coloured by its state when non-zero.
    ``extra``: more cells per row after the counts (推进率, 及时率)."""
    body = []
    fills = {}
    first = len(labels[0]) if labels else len(header) - len(STATES) - 1
    for r, (label, row) in enumerate(zip(labels, rows)):
        body.append([*label, str(row.total), *(str(row.count(state)) for state in STATES), *(extra[r] if extra else [])])
        for k, state in enumerate(STATES):
            if row.count(state):
                fills[(r, first + 1 + k)] = FILLS[state]
    numeric = set(range(first, len(header)))
    return _table(doc, header, body, widths=widths, numeric=numeric, fills=fills)
