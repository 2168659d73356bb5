"""The quarterly bulletin as a Word document in the official layout (GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm);
title 2号 方正小标宋简体; body 3号 仿宋_GB2312 on a fixed grid of 22 lines × 28
characters; headings 一、 in 黑体 and (一) in 楷体_GB2312; page numbers `— 1 —`
in 4号 宋体 at the outside edge (odd pages right, even pages left). The font
table names a fallback for each 公文 font (宋体, 仿宋, 楷体), so a computer without
them shows the nearest font it has. Reads the same ``Report`` fields as the
Markdown view; python-docx is imported only here.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES, Bulletin
from xatrack.report import (
    FINDINGS_SECTION,
    SECTIONS,
    Report,
    comparison_sentence,
    contributors_sentence,
    findings_sentence,
    item_figures_text,
    late_sentence,
    published_sentence,
    rate_cells,
    rate_headers,
)
from xatrack.trends import TRENDS_NOTE, rank_change_text
from xatrack.views.findings_tables import findings_tables

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
SIZE_TABLE = 12.0  # 小四: table text
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
WORD_JOINER = "\u2060"  # no line break here (between a colour and its count)


def render_docx(report: Report, bulletin: Bulletin | None = None, made: date | None = None) -> bytes:
    """The bulletin as .docx bytes. ``bulletin``: the office's settings.bulletin (版头, 下步要求)."""
    bulletin = bulletin or Bulletin()
    made = bulletin.date or made or report.as_of or date.today()
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _page_numbers(doc)

    if bulletin.masthead:
        _masthead(doc, bulletin, made)
    _title(doc, report.title)
    if report.scope:
        _para(doc, "(" + ";".join(report.scope) + ")", font=SUBHEADING_FONT, align="center", indent=False)

    if published_sentence(report):
        _para(doc, published_sentence(report))
    _heading(doc, SECTIONS[0])
    for sentence in overview_sentences(report):
        _para(doc, sentence)
    if not report.statuses:
        return _save(doc)
    rows = [report.overall] + ([report.targets] if report.targets else []) + list(report.actions)
    _tally_table(doc, ["分类", "名称", "事项", *STATES], [[r.name, r.title] for r in rows], rows, widths=[13, 27])

    _heading(doc, SECTIONS[1])
    _tally_table(doc, ["责任领导", "事项", *STATES], [[r.name] for r in report.leaders], report.leaders, widths=[40])

    _heading(doc, SECTIONS[2])
    _para(doc, report.ranking_rule)
    rates = rate_headers(report.units)
    _tally_table(
        doc, ["名次", "牵头单位", "事项", *STATES, *rates], [[str(r.rank), r.name] for r in report.units], report.units,
        widths=[7, 25], extra=[rate_cells(r) for r in report.units],
    )

    _heading(doc, SECTIONS[3])
    if not report.lagging:
        _para(doc, "没有滞后或严重滞后的事项。")
    for index, group in enumerate(report.lagging):
        _subheading(doc, f"({_cn(index + 1)}){group.leader}({len(group.items)} 项)")
        body = [[e.item.id, e.item.text, "、".join(e.item.lead) or "—", e.state, item_figures_text(e)] for e in group.items]
        _table(doc, ["编号", "事项", "牵头单位", "状态", "应完成 / 已报送"], body, widths=[8, 44, 18, 12, 28], status_col=3)

    _heading(doc, SECTIONS[4])
    if not report.reminders:
        _para(doc, "各牵头单位本季度均已报送。")
    else:
        owed = report.unreported_count
        _para(doc, f"本季度共有 {owed} 项事项未报送,涉及 {len(report.reminders)} 个牵头单位:")
        body = [[r.unit, str(len(r.ids)), _reminder_ids(r), _consecutive(r)] for r in report.reminders]
        _table(doc, ["牵头单位", "未报送", "事项编号(缺报的指标)", "其中连续未报送"], body, widths=[26, 10, 40, 24],
               numeric={1})
    for sentence in (late_sentence(report), contributors_sentence(report)):
        if sentence:
            _para(doc, sentence)

    _heading(doc, SECTIONS[5])
    _comparison(doc, report)

    next_section = len(SECTIONS) + 1
    if report.findings is not None:
        _heading(doc, FINDINGS_SECTION)
        _para(doc, findings_sentence(report.findings))
        for index, t in enumerate(findings_tables(report.findings)):
            _subheading(doc, f"({_cn(index + 1)}){t.title}")
            weights = {"问题": 4, "佐证材料": 3, "单位": 2, "状态": 2}
            widths = [weights.get(h, 1) for h in t.header]  # the long texts get the room
            _table(doc, list(t.header), [[str(v) for v in row] for row in t.rows], widths=widths,
                   numeric=set(t.numeric))
        next_section += 1
    requirements = bulletin.requirements_for(report.quarter.q)
    if requirements:
        _heading(doc, f"{_cn(next_section)}、下步要求")
        for paragraph in requirements:
            _para(doc, paragraph)
    if bulletin.issuer:
        _signature(doc, bulletin.issuer, made)
    return _save(doc)


# --------------------------------------------------------------------------- wording


def overview_sentences(report: Report) -> list[str]:
    """总体情况 as sentences from the numbers ("截至6月底,107项目标任务中,已完成2项、…")."""
    q = report.quarter
    month = 3 * q.q

    def parts(row) -> str:
        named = {DONE: "已完成", ON_TRACK: "正常推进", BEHIND: "滞后", SEVERE: "严重滞后", MISSING: "未报送"}
        return "、".join(f"{named[state]}{row.count(state)}项" for state in STATES if row.count(state)) or "无"

    overall = report.overall
    if not overall.total:
        return ["没有符合条件的事项。"]
    sentences = [f"截至{month}月底,{overall.total}项目标任务中,{parts(overall)}。"]
    if report.targets:
        t = report.targets
        sentences.append(f"{t.total}项主要预期目标中,{parts(t)}。")
    if report.actions:
        pieces = [f"{a.name}({a.title}){a.total}项,{parts(a)}" if a.title else f"{a.name}{a.total}项,{parts(a)}" for a in report.actions]
        sentences.append("分行动看," + ";".join(pieces) + "。")
    return sentences


def _cn(n: int) -> str:
    if 1 <= n <= 10:
        return _CN[n - 1]
    if n < 20:
        return "十" + _CN[n - 11]
    return str(n)


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


def _masthead(doc, bulletin: Bulletin, made: date) -> None:
    """版头: the masthead in red, the 期号, the issuing office and date, a red rule."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(paragraph.paragraph_format, MASTHEAD_SIZE * 1.4)
    _run_font(paragraph.add_run(bulletin.masthead), TITLE_FONT, MASTHEAD_SIZE, color=RED)
    if bulletin.issue:
        _para(doc, bulletin.issue, align="center", indent=False)
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(156 - 2 * 5.6), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.paragraph_format.left_indent = Mm(5.6)  # 空一字
    _run_font(paragraph.add_run(f"{bulletin.issuer}\t{_cn_date(made)}"), BODY_FONT, SIZE_3)
    _border(paragraph, "bottom", 12, "E60012")
    doc.add_paragraph()


def _signature(doc, issuer: str, made: date) -> None:
    doc.add_paragraph()
    for text in (issuer, _cn_date(made)):
        paragraph = _para(doc, text, align="right", indent=False)
        paragraph.paragraph_format.right_indent = Pt(4 * SIZE_3)


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------- tables


def _cell_text(cell, text: str, bold: bool = False, align=None, font: str = BODY_FONT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _exact(paragraph.paragraph_format, SIZE_TABLE * 1.5)
    snap = OxmlElement("w:snapToGrid")  # table lines keep their own pitch, off the page's 22-line grid
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().append(snap)
    if align is not None:
        paragraph.alignment = align
    # LibreOffice reads "3、12、13" as one number it may not break (it then splits
    # ids anywhere and starts lines with 、): a zero-width space after each 、
    # before an id marks where a line may end; Word breaks there anyway.
    text = ID_SEPARATOR.sub("、\u200b", text)
    _run_font(paragraph.add_run(text), font, SIZE_TABLE, bold=bold)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._element.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def _row_props(row, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # a row never runs across a page break
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # 跨页重复标题行


CELL_MARGINS_MM = 2.6  # 1 mm left and right (CELL_MARGIN_TWIPS), and a little slack
CELL_MARGIN_TWIPS = 57
HALF_WIDTH_MM = SIZE_TABLE * 0.6 * 25.4 / 72  # a digit or Latin letter at the table size (fonts draw them a little over half a CJK character)
TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef、,;]+")


def _width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else (0 if ch == WORD_JOINER else 1) for ch in text)


def _minimums(header: list[str], rows: list[list[str]]) -> list[float]:
    """The narrowest each column may be: its longest unbreakable piece (a number,
    a date, an id, a percentage; a CJK character breaks anywhere) fits on one line,
    and a header keeps at least two characters a line (名次 never split)."""
    result = []
    for column, name in enumerate(header):
        longest = min(_width(name), 4)
        for row in rows:
            if column < len(row):
                pieces = [_width(piece) for piece in TOKEN.findall(str(row[column]))] or [0]
                longest = max(longest, min(max(pieces), 16))
        result.append(longest * HALF_WIDTH_MM + CELL_MARGINS_MM)
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


def _table(doc, header: list[str], rows: list[list[str]], widths: list[int], status_col: int | None = None, numeric=frozenset(), fills=None):
    """A table 156 mm wide; header row repeated on every page; status cells in the three colours.

    ``widths``: relative widths of the columns (the last ones share what is left
    when fewer are given); ``fills``: {(row, column): fill} for other coloured cells.
    """
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")  # 1 mm left and right instead of 1.9: room for the columns' text
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    given = sum(widths)
    rest = len(header) - len(widths)
    share = max((100 - given) / rest, 6) if rest else 0
    relative = widths + [share] * rest
    total = sum(relative)
    millimetres = _fit([156 * w / total for w in relative], _minimums(header, rows))
    _row_props(table.rows[0], header=True)
    for column, text in enumerate(header):
        cell = table.rows[0].cells[column]
        _cell_text(cell, text, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT)
        _shade(cell, "F2F2F2")
    for r, values in enumerate(rows):
        row = table.add_row()
        _row_props(row, header=False)
        for column, value in enumerate(values):
            cell = row.cells[column]
            align = WD_ALIGN_PARAGRAPH.RIGHT if column in numeric else (WD_ALIGN_PARAGRAPH.CENTER if column == status_col else None)
            _cell_text(cell, str(value), align=align)
            if column == status_col and value in FILLS:
                _shade(cell, FILLS[value])
            elif fills and (r, column) in fills:
                _shade(cell, fills[(r, column)])
    for column, width in enumerate(millimetres):
        table.columns[column].width = Mm(width)  # the grid (LibreOffice reads this)
    for row in table.rows:
        for column, cell in enumerate(row.cells):
            cell.width = Mm(millimetres[column])  # each cell (Word reads this)
    doc.add_paragraph().paragraph_format.line_spacing = Pt(SIZE_TABLE)
    return table


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


# --------------------------------------------------------------------------- 各季度对比


def _comparison(doc, report: Report) -> None:
    comparison = report.comparison
    trends = report.trends
    if comparison is None:
        _para(doc, report.no_previous_text)
    else:
        _para(doc, comparison_sentence(comparison))
    if trends is None or not trends.units:
        return
    labels = list(trends.labels)
    n = 0
    n += 1
    _subheading(doc, f"({_cn(n)})各牵头单位各季度情况")
    _para(doc, TRENDS_NOTE)
    header = ["名次", "变化", "牵头单位", *labels]
    body = [[str(r.rank), rank_change_text(r) or "—", r.name, *(_counts_cell(c) for c in r.counts)] for r in trends.units]
    _table(doc, header, body, widths=[8, 8, 28])
    n += 1
    _subheading(doc, f"({_cn(n)})各责任领导各季度情况")
    body = [[r.name, *(_counts_cell(c) for c in r.counts)] for r in trends.leaders]
    _table(doc, ["责任领导", *labels], body, widths=[24])
    if not trends.has_previous:
        return
    for _, title, _, moves in trends.moves:
        n += 1
        _subheading(doc, f"({_cn(n)}){title}({len(moves)} 项)")
        if not moves:
            _para(doc, "无。")
            continue
        body = [[m.item_id, m.text, "、".join(m.lead) or "—", m.before, m.after] for m in moves]
        previous, current = labels[-2], labels[-1]
        table = _table(doc, ["编号", "事项", "牵头单位", previous, current], body, widths=[8, 48, 20, 12, 12], status_col=4)
        for r, move in enumerate(moves, start=1):  # the earlier state coloured too
            _shade(table.rows[r].cells[3], FILLS[move.before])
    n += 1
    _subheading(doc, f"({_cn(n)})上季度报送、本季度未报送的单位({len(trends.stopped)} 个)")
    _para(doc, "、".join(trends.stopped) + "。" if trends.stopped else "无。")
    n += 1
    _subheading(doc, f"({_cn(n)})连续未报送")
    if not trends.streaks:
        _para(doc, "无。")
    else:
        body = [[s.unit, f"{s.quarters} 个季度", "、".join(s.ids)] for s in trends.streaks]
        _table(doc, ["牵头单位", "连续未报送", "事项编号"], body, widths=[30, 20, 50])


def _counts_cell(counts: tuple[int, ...]) -> str:
    """A quarter's counts in a table cell of 各季度对比: 'xatrack.trends.counts_text'
    without the colours that count nothing ('绿2 灰18'), a colour never parted from
    its number at a line end; '—' for none."""
    done, on_track, behind, severe, missing = counts
    parts = [f"{colour}{WORD_JOINER}{n}" for colour, n in (("绿", done + on_track), ("黄", behind), ("红", severe), ("灰", missing)) if n]
    return " ".join(parts) or "—"


def _reminder_ids(reminder) -> str:
    """The ids a unit owes, with the metrics still missing ('16(缺:潜龙企业)、37');
    连续未报送 has its own column (the note after every id filled pages)."""
    parts = []
    for item_id in reminder.ids:
        missing = reminder.missing_of(item_id)
        parts.append(f"{item_id}\uff08缺\uff1a{';'.join(missing)}\uff09" if missing else item_id)
    return "、".join(parts)


def _consecutive(reminder) -> str:
    if not reminder.consecutive:
        return "—"
    if set(reminder.consecutive) == set(reminder.ids):
        return "全部"
    return "、".join(reminder.consecutive)
