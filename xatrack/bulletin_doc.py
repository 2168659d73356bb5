"""The quarterly bulletin (通报) as one document of blocks.

``build_document(report, bulletin, made)`` is pure: a ``report.Report`` (and
the office's ``settings.bulletin``) in, a frozen ``Document`` out. Every
sentence, heading and column header of the bulletin is written here, once;
the renderers in ``views/report_*.py`` (term, md, html, docx, xlsx) map the
blocks to their format and own no wording.

Blocks (docs/ARCHITECTURE.md, "通报的文档块"):

- ``Masthead``: the 版头 (masthead, 期号, issuer and date), when the office set one.
- ``Heading(level, text)``: 0 the title, 1 a section (一、总体情况), 2 a part of one
  (a leader's lagging items); ``numbered``: the Word 通报 numbers it (一)(二).
- ``Meta``: what the bulletin covers (plan, scope, as-of date, publication note).
- ``Paragraph(text, role)``: a sentence; ``role`` says what it is (body, note,
  counts, empty, ...), so a renderer can style it (a note is grey).
- ``Table``: ``Column``s (header, kind, relative width, wrap hint) and ``Row``s
  of typed ``Cell``s: text, id, status, count (with its state), total, number,
  percent (a fraction). A renderer aligns, colours and formats by the kind.
- ``Cards``, ``Chart``: the counts by state as cards and stacked bars (HTML draws
  them; text formats skip them).
- ``Signature``: the 落款 (issuer and date), kept with the last paragraph.
- ``Annex``: a 附件 of the Word 通报, after the 落款 on a page of its own; the blocks
  after it are the annex's.
- ``Sheet``: a worksheet of the Excel workbook, holding blocks of its own.

A block may be meant for some media only (``media``: "term", "md", "html",
"docx", "xlsx"; () for all). Where today's formats word the same content
differently (the Word 通报 writes 总体情况 as sentences, the terminal keeps a
narrow ranking), each wording is a block of its own here, for its media.

The block types are in ``xatrack.bulletin_blocks``, the workbook's sheets in
``xatrack.bulletin_sheets``; this module writes the document and re-exports both.

To add a section: add its fields to ``Report`` (report.py), write one function
``_section_x(report) -> list[Block]`` below and call it from ``_body`` (and a
sheet in ``bulletin_sheets.workbook`` for the workbook). No renderer changes
unless it brings a new kind of block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xatrack.bulletin_blocks import (  # the block types, for the renderers too
    COUNT,
    DOCX,
    HTML,
    ID,
    MD,
    NUMBER,
    NUMERIC_KINDS,
    PAGES,
    PERCENT,
    SCREEN,
    STATUS,
    TERM,
    TEXT,
    TOTAL,
    XLSX,
    Annex,
    Bar,
    Cards,
    Cell,
    Chart,
    Column,
    Document,
    Heading,
    Masthead,
    Meta,
    Paragraph,
    Row,
    Sheet,
    Signature,
    Table,
    count_cells,
    count_columns,
    rate_cells,
    rate_columns,
)
from xatrack.bulletin_sheets import workbook

from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES, Bulletin
from xatrack.report import (
    FINDINGS_SECTION,
    OTHER_ITEMS,
    SECTIONS,
    Report,
    comparison_sentence,
    contributors_sentence,
    counts_sentence,
    findings_sentence,
    item_figures_text,
    late_sentence,
    published_sentence,
    reminder_parts,
    reminder_text,
)
from xatrack.trends import TRENDS_BASIS, TRENDS_NOTE, counts_text, rank_change_text

__all__ = [
    "Annex",
    "Bar",
    "COUNT",
    "Cards",
    "Cell",
    "Chart",
    "Column",
    "DOCX",
    "Document",
    "HTML",
    "Heading",
    "ID",
    "MD",
    "Masthead",
    "Meta",
    "NUMBER",
    "NUMERIC_KINDS",
    "PAGES",
    "PERCENT",
    "Paragraph",
    "Row",
    "SCREEN",
    "STATUS",
    "Sheet",
    "Signature",
    "TERM",
    "TEXT",
    "TOTAL",
    "Table",
    "WORD_JOINER",
    "XLSX",
    "build_document",
    "cn_date",
    "cn_number",
    "consecutive_text",
    "counts_cell",
    "findings_tables",
    "meta",
    "moves_sentence",
    "overview_sentences",
    "reminder_ids",
]


# --------------------------------------------------------------------------- building


def build_document(report: Report, bulletin: Bulletin | None = None, made: date | None = None) -> Document:
    """The bulletin as blocks. ``bulletin``: settings.bulletin (版头, 下步要求, 落款);
    ``made``: the day it is made (bulletin.date wins)."""
    bulletin = bulletin or Bulletin()
    day = bulletin.date or made or _day(report.as_of) or date.today()
    sheets = workbook(report)
    return Document(report.title, tuple(_body(report, bulletin, day)) + tuple(sheets[:4] + _queries_sheet(report) + sheets[4:]))


def _day(as_of) -> date | None:
    if as_of is None:
        return None
    return as_of.date() if hasattr(as_of, "hour") else as_of


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


_CN = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    if 1 <= n <= 10:
        return _CN[n - 1]
    if n < 20:
        return "十" + _CN[n - 11]
    return str(n)


def meta(report: Report) -> Meta:
    sheet_title = " · ".join(t for t in (report.plan_title, report.title) if t)
    if report.scope:
        sheet_title += "(" + ";".join(report.scope) + ")"
    return Meta(
        plan=report.plan_title,
        scope="范围:" + " · ".join(report.scope) if report.scope else "",
        scope_print="(" + ";".join(report.scope) + ")" if report.scope else "",
        as_of=f"统计日期:{report.as_of_text}" if report.as_of else "",
        published=published_sentence(report),
        sheet_title=sheet_title,
    )


def _body(report: Report, bulletin: Bulletin, day: date) -> list:
    out: list = []
    if bulletin.masthead:
        out.append(Masthead(bulletin.masthead, bulletin.issue, bulletin.issuer, cn_date(day)))
    out.append(Heading(0, report.title, key="title", media=SCREEN + (DOCX,)))
    out.append(meta(report))
    out += _overall(report)
    if not report.statuses:  # the screens still list the findings; the Word 通报 ends here
        return out + _findings(report, media=SCREEN)
    out += _leaders(report)
    out += _units(report)
    out += _lagging(report)
    out += _reminders(report)
    out += _comparison(report)
    out += _findings(report)
    out += _requirements(report, bulletin)
    annexes = _annexes(report)
    if annexes:
        titles = [title for title, _ in annexes]
        listed = titles[0] if len(titles) == 1 else "、".join(f"{n}.{t}" for n, t in enumerate(titles, start=1))
        out.append(Paragraph(f"附件:{listed}", role="annexes", media=(DOCX,)))
    if bulletin.issuer:
        out.append(Signature(bulletin.issuer, cn_date(day)))
    for number, (title, blocks) in enumerate(annexes, start=1):
        out.append(Annex("附件" if len(annexes) == 1 else f"附件{number}", title))
        out += blocks
    return out


def _annexes(report: Report) -> list[tuple[str, list]]:
    """The Word 通报's 附件, after the 落款: (title, blocks). The body says what a
    leader reads (counts, ranks, lagging items, 催办, what moved, in sentences);
    the tables of every lead unit and item at each quarter come here."""
    annexes = []
    trends = _trends_annex(report)
    if trends:
        annexes.append(("各季度对比", trends))
    return annexes


# --------------------------------------------------------------------------- 一、总体情况

STATE_WORDS = {DONE: "已完成", ON_TRACK: "正常推进", BEHIND: "滞后", SEVERE: "严重滞后", MISSING: "未报送"}


def overview_sentences(report: Report) -> list[str]:
    """总体情况 as sentences from the numbers ("截至6月底,107项目标任务中,已完成2项、…")."""
    month = 3 * report.quarter.q

    def parts(row) -> str:
        return "、".join(f"{STATE_WORDS[state]}{row.count(state)}项" for state in STATES if row.count(state)) or "无"

    overall = report.overall
    if not overall.total:
        return ["没有符合条件的事项。"]
    sentences = [f"截至{month}月底,{overall.total}项目标任务中,{parts(overall)}。"]
    if report.targets:
        t = report.targets
        sentences.append(f"{t.total}项主要预期目标中,{parts(t)}。")
    if report.actions and not (len(report.actions) == 1 and report.actions[0].name == OTHER_ITEMS):
        # (a plan without actions: "分行动看,其他事项7项" would only repeat the total)
        pieces = [f"{a.name}({a.title}){a.total}项,{parts(a)}" if a.title else f"{a.name}{a.total}项,{parts(a)}" for a in report.actions]
        sentences.append("分行动看," + ";".join(pieces) + "。")
    return sentences


def _overall(report: Report) -> list:
    out: list = [Heading(1, SECTIONS[0], key="overall")]
    out.append(Paragraph(counts_sentence(report.overall), role="counts", media=SCREEN))
    out.append(Cards("纳入通报", report.overall.total, tuple((s, report.overall.count(s)) for s in STATES)))
    out += [Paragraph(s, role="overview", media=(DOCX,)) for s in overview_sentences(report)]
    if not report.statuses:
        out.append(Paragraph("没有符合条件的事项。", role="empty", media=SCREEN))
        return out
    parts = ([report.targets] if report.targets else []) + list(report.actions)
    out.append(Chart("chart-actions", "主要预期目标和七大行动",
                     tuple(Bar(f"{r.name} {r.title}".strip(), r.name, r.counts) for r in parts)))
    rows = [report.overall] + parts
    out.append(Table(  # the Word 通报 says the same in its sentences (overview_sentences)
        "headline",
        (Column("分类", width=13, role="name"), Column("名称", width=27, role="title"), *count_columns()),
        tuple(Row((Cell(r.name), Cell(r.title), *count_cells(r)), name=r.name, total=r is report.overall) for r in rows),
        media=SCREEN,
    ))
    return out


def _leaders(report: Report) -> list:
    return [
        Heading(1, SECTIONS[1], key="leaders"),
        Chart("chart-leaders", "", tuple(Bar(r.name, r.name, r.counts) for r in report.leaders)),
        Table(
            "leaders",
            (Column("责任领导", width=40, role="name"), *count_columns()),
            tuple(Row((Cell(r.name), *count_cells(r)), name=r.name) for r in report.leaders),
        ),
    ]


def _units(report: Report) -> list:
    units = report.units
    rates = rate_columns(units)
    return [
        Heading(1, SECTIONS[2], key="units"),
        Paragraph(report.ranking_rule, role="note"),
        *([Paragraph(no_lead_sentence(report), role="note")] if report.no_lead else []),
        Table(
            "units",
            (Column("名次", NUMBER, width=7, role="rank"), Column("牵头单位", width=25, role="name"), *count_columns(), *rates),
            tuple(Row((Cell(r.rank, NUMBER), Cell(r.name), *count_cells(r), *rate_cells(r)), name=r.name, rank=r.rank)
                  for r in units),
            media=SCREEN,
        ),
        # The Word 通报: what decides the rank and what went wrong (已完成 and 正常 make the 推进率).
        Table(
            "units",
            (Column("名次", NUMBER, width=7, role="rank"), Column("牵头单位", width=40, role="name"), Column("事项", TOTAL),
             *(Column(state, COUNT, state=state) for state in (BEHIND, SEVERE, MISSING)), *rates),
            tuple(Row((Cell(r.rank, NUMBER), Cell(r.name), Cell(r.total, TOTAL),
                       *(Cell(r.count(state), COUNT, state) for state in (BEHIND, SEVERE, MISSING)), *rate_cells(r)),
                      name=r.name, rank=r.rank) for r in units),
            media=(DOCX,),
        ),
        # A narrow terminal: only what decides the rank, and 未报送, so the rates are never cut off.
        Table(
            "units-narrow",
            (Column("名次", NUMBER, role="rank"), Column("牵头单位", role="name"), Column("事项", TOTAL), *rates,
             Column(SEVERE, COUNT, state=SEVERE), Column(MISSING, COUNT, state=MISSING)),
            tuple(Row((Cell(r.rank, NUMBER), Cell(r.name), Cell(r.total, TOTAL), *rate_cells(r),
                       Cell(r.count(SEVERE), COUNT, SEVERE), Cell(r.count(MISSING), COUNT, MISSING)), name=r.name, rank=r.rank)
                  for r in units),
            media=(TERM,),
        ),
    ]


# --------------------------------------------------------------------------- 四、滞后事项



def unfinished_sentence(report: Report) -> str:
    """到期未完成: the items at or past their due quarter and not done, named apart."""
    if not report.unfinished:
        return ""
    ids = "、".join(report.unfinished)
    return f"到期未完成 {len(report.unfinished)} 项({ids}):已到完成时限仍未完成,不再按序时进度评价,计为严重滞后。"


def forecast_sentence(report: Report) -> str:
    return ("按目前进度推算(自年初或基期值起已完成的量 ÷ 序时进度占全年的比例),以下指标年底将低于全年目标"
            "超过容差,预计难以完成全年目标:")


def _forecast(report: Report, media: tuple[str, ...] = SCREEN + (XLSX,)) -> list:
    """The forecast table (screens and the workbook; the Word 通报 says it in one sentence)."""
    if not report.forecast:
        return []
    return [
        Heading(2, f"预计难以完成全年目标({len(report.forecast)} 项)", key="forecast", media=media),
        Paragraph(forecast_sentence(report), role="note", media=media),
        Table(
            "forecast",
            (Column("编号", ID, width=7), Column("指标", width=40), Column("已完成", NUMBER, width=14),
             Column("预计全年", NUMBER, width=14), Column("全年目标", NUMBER, width=14), Column("单位", width=10)),
            tuple(Row((Cell(f.item_id, ID), Cell(f.metric), Cell(f.value, NUMBER), Cell(f.projected, NUMBER),
                       Cell(f.target, NUMBER), Cell(f.unit or "—")), item=f.item_id) for f in report.forecast),
            caption="预计难以完成全年目标", media=media,
        ),
    ]


def forecast_summary(report: Report) -> str:
    """The Word 通报's one sentence of the forecast (the table is in the workbook and on screen)."""
    ids = "、".join(dict.fromkeys(f.item_id for f in report.forecast))
    return f"预计难以完成全年目标的指标{len(report.forecast)}项(事项{ids})。"


def queries_summary(report: Report) -> str:
    """The Word 通报's one sentence of the 请核实 list (the table is in the workbook and on screen)."""
    kinds = {}
    for q in report.queries:
        kinds.setdefault(q.kind, []).append(q.item_id)
    parts = ";".join(f"{kind}{len(ids)}条({'、'.join(dict.fromkeys(ids))})" for kind, ids in kinds.items())
    return f"请核实:{parts}(明细见 Excel 版通报)。"


def _lagging(report: Report) -> list:
    out: list = [Heading(1, SECTIONS[3], key="lagging")]
    unfinished = unfinished_sentence(report)
    if unfinished:
        out.append(Paragraph(unfinished, role="body"))
    if not report.lagging:
        out.append(Paragraph("没有滞后或严重滞后的事项。", role="empty"))
    for group in report.lagging:
        out.append(Heading(2, f"{group.leader}({len(group.items)} 项)", key=group.leader, numbered=True))
        for media, lagging_only in ((SCREEN + (XLSX,), False), ((DOCX,), True)):
            # The Word 通报 names only the metrics that lag; the other formats every metric.
            out.append(Table(
                "lagging",
                (Column("编号", ID, width=7), Column("事项", width=45), Column("牵头单位", width=14, role="lead"),
                 Column("状态", STATUS, width=10),
                 Column("应完成 / 已报送(滞后的指标)" if lagging_only else "应完成 / 已报送", width=34, role="figures")),
                tuple(Row((Cell(e.item.id, ID), Cell(e.item.text), Cell("、".join(e.item.lead) or "—"),
                           Cell(e.status.label, STATUS, e.state), Cell(item_figures_text(e, lagging_only))),
                          item=e.item.id, state=e.state)
                      for e in group.items),
                caption=group.leader, media=media,
            ))
    if report.forecast:
        out.append(Paragraph(forecast_summary(report), role="body", media=(DOCX,)))
    return out + _forecast(report)


# --------------------------------------------------------------------------- 五、催办名单


def reminder_ids(reminder) -> str:
    """The ids a unit owes, with the metrics still missing ('16(缺:潜龙企业)、37');
    连续未报送 has its own column (the note after every id filled pages)."""
    parts = []
    for item_id in reminder.ids:
        missing = reminder.missing_of(item_id)
        parts.append(f"{item_id}\uff08缺\uff1a{';'.join(missing)}\uff09" if missing else item_id)
    return "、".join(parts)


def consecutive_text(reminder) -> str:
    if not reminder.consecutive:
        return "—"
    if set(reminder.consecutive) == set(reminder.ids):
        return "全部"
    return "、".join(reminder.consecutive)


def pending_sentence(report: Report) -> str:
    """Before the deadline: nothing is 未报送 yet."""
    if report.pending is None:
        return ""
    day, ids = report.pending
    return (f"本季度报送截止日为 {day.isoformat()},尚未到期:待报送 {len(ids)} 项,"
            "不计未报送、不列入催办;截止日后仍未报送的列入催办。")


def corrected_sentence(report: Report) -> str:
    """逾期更正: on time first, corrected after the deadline (not 逾期报送)."""
    if not report.corrected:
        return ""
    parts = ";".join(f"{u.unit} {len(u.ids)} 项({'、'.join(u.ids)})" for u in report.corrected)
    return f"逾期更正(截止日前已按时报送,截止日后更正,不计逾期):{parts}。"


def verified_sentence(report: Report) -> str:
    """Items whose figure the office verified while the unit still owes its report."""
    parts = [f"{r.unit}({'、'.join(r.verified)})" for r in report.reminders if r.verified]
    if not parts:
        return ""
    return "其中以下事项已由督查室核实数据,但牵头单位仍须报送:" + ";".join(parts) + "。"


def no_lead_sentence(report: Report) -> str:
    ids = "、".join(report.no_lead)
    return f"未列牵头单位的事项 {len(report.no_lead)} 项({ids})不参与排名和催办,请督查室明确牵头单位。"


QUERY_NOTE = "以下情况须核实后再定:牵头单位报送的数字不一致时以列第一位的牵头单位(汇总单位)的数字为准;非本事项单位的报送不作为事项的数字;报送已完成但数字未达目标的按数字评价。"


def _queries(report: Report, media: tuple[str, ...] = SCREEN + (XLSX,)) -> list:
    """The 请核实 table (screens and the workbook; the Word 通报 says it in one sentence)."""
    if not report.queries:
        return []
    return [
        Heading(2, f"请核实({len(report.queries)} 条)", key="queries", media=media),
        Paragraph(QUERY_NOTE, role="note", media=media),
        Table(
            "queries",
            (Column("编号", ID, width=7), Column("情况", width=22), Column("内容", width=71)),
            tuple(Row((Cell(q.item_id, ID), Cell(q.kind), Cell(q.text)), item=q.item_id) for q in report.queries),
            caption="请核实", media=media,
        ),
    ]


def _reminders(report: Report) -> list:
    out: list = [Heading(1, SECTIONS[4], key="reminders")]
    pending = pending_sentence(report)
    if pending:
        out.append(Paragraph(pending, role="body"))
    if not report.reminders:
        out.append(Paragraph("各牵头单位本季度均已报送。" if not pending else "截至目前没有需要催办的事项。", role="empty"))
    else:
        out.append(Paragraph(f"本季度共有 {report.unreported_count} 项事项未报送,涉及 {len(report.reminders)} 个牵头单位:",
                             media=(DOCX,)))
        out.append(Table(
            "reminders",
            (Column("牵头单位"), Column("未报送", NUMBER), Column("事项编号")),
            tuple(Row((Cell(r.unit), Cell(len(r.ids), NUMBER), Cell(" ".join(reminder_parts(r)))), name=r.unit)
                  for r in report.reminders),  # wraps between ids, never inside a metric name that holds 、
            media=(TERM,),
        ))
        out.append(Table(
            "reminders",
            (Column("牵头单位"), Column("未报送", NUMBER), Column("事项编号(缺报的指标)")),
            tuple(Row((Cell(r.unit), Cell(len(r.ids), NUMBER), Cell(reminder_text(r))), name=r.unit) for r in report.reminders),
            media=PAGES,
        ))
        out.append(Table(
            "reminders",
            (Column("牵头单位", width=26), Column("未报送", NUMBER, width=10), Column("事项编号(缺报的指标)", width=40),
             Column("其中连续未报送", width=24)),
            tuple(Row((Cell(r.unit), Cell(len(r.ids), NUMBER), Cell(reminder_ids(r)), Cell(consecutive_text(r))), name=r.unit)
                  for r in report.reminders),
            media=(DOCX,),
        ))
    for role, sentence in (("body", verified_sentence(report)), ("late", late_sentence(report)),
                           ("late", corrected_sentence(report)), ("contributors", contributors_sentence(report))):
        if sentence:
            out.append(Paragraph(sentence, role=role))
    if report.queries:
        out.append(Paragraph(queries_summary(report), role="body", media=(DOCX,)))
    return out + _queries(report)


# --------------------------------------------------------------------------- 六、与上季度相比


def _changes_table(key: str, rows, labels: tuple[str, str], media=()) -> Table:
    """Items with their state in two quarters (新转为严重滞后, 进度好转, ...)."""
    return Table(
        key,
        (Column("编号", ID, width=8), Column("事项", width=48), Column("牵头单位", width=20, role="lead"),
         Column(labels[0], STATUS, width=12), Column(labels[1], STATUS, width=12)),
        tuple(Row((Cell(c[0], ID), Cell(c[1]), Cell("、".join(c[2]) or "—"), Cell(c[3], STATUS, c[3]),
                   Cell(c[4], STATUS, c[4])), item=c[0]) for c in rows),
        media=media,
    )


def _comparison(report: Report) -> list:
    out: list = [Heading(1, SECTIONS[5], key="change")]
    comparison = report.comparison
    if comparison is None:
        out.append(Paragraph(report.no_previous_text))
    else:
        out.append(Paragraph(comparison_sentence(comparison)))
    term_trends = _term_trends(report)
    out += term_trends
    if comparison is not None:
        labels = (f"Q{comparison.previous.q}", f"Q{report.quarter.q}")
        for key, title, changes in (("turned-red", "新转为严重滞后", comparison.turned_red),
                                    ("completed", "本季度新完成", comparison.completed)):
            if not changes:
                continue
            out.append(Heading(2, f"{title}({len(changes)} 项)", key=key, media=SCREEN))
            rows = [(c.item_id, c.text, c.lead, c.before, c.after) for c in changes]
            out.append(_changes_table(key, rows, labels, media=SCREEN))
    moved = moves_sentence(report)
    if moved:
        out.append(Paragraph(moved, media=(DOCX,)))
    out += _trends(report)
    return out


def moves_sentence(report: Report) -> str:
    """What moved since the previous quarter, in one sentence, the details in the 附件
    ('与Q1相比,进度好转19项、进度变差21项;连续未报送的单位2个(…)。各…见附件。'); '' in Q1."""
    trends = report.trends
    if trends is None or not trends.units or not trends.has_previous:
        return ""
    previous = trends.labels[-2]
    moves = [f"{short}{len(m)}项" for _, _, short, m in trends.moves if m]
    parts = [("、".join(moves)) if moves else "各事项状态没有变化"]
    if trends.stopped:
        parts.append(f"上季度报送、本季度未报送的单位{len(trends.stopped)}个({_names(trends.stopped)})")
    if trends.streaks:
        parts.append(f"连续未报送的单位{len(trends.streaks)}个({_names([s.unit for s in trends.streaks])})")
    return f"与{previous}相比,{';'.join(parts)}。各牵头单位、各责任领导各季度情况和变化明细见附件。"


def _names(names, most: int = 10) -> str:
    names = list(names)
    return "、".join(names[:most]) + ("等" if len(names) > most else "")


TERM_TRENDS_NOTE = "格中为 绿(已完成+正常)、黄(滞后)、红(严重滞后)、灰(未报送)的事项数,为 0 的不列;变化:名次与上季度相比。" + TRENDS_BASIS


def _term_trends(report: Report) -> list:
    """各季度对比 on a terminal, compact: the lead units' counts at each quarter and
    rank change, the leaders', then what moved, one row each (only with a previous quarter)."""
    trends = report.trends
    if trends is None or not trends.units or not trends.has_previous:
        return []
    m = (TERM,)
    labels = list(trends.labels)
    colour = lambda counts: Cell(counts, "colours")  # noqa: E731 - the renderer draws '绿2 黄1' in colour
    out: list = [
        Heading(1, "各季度对比", key="trends", media=m),
        Paragraph(TERM_TRENDS_NOTE, role="note", media=m),
        Table("unit-quarters",
              (Column("名次", NUMBER), Column("变化", "change"), Column("牵头单位", role="name"), *(Column(l) for l in labels)),
              tuple(Row((Cell(r.rank, NUMBER), Cell(rank_change_text(r) or "—", "change"), Cell(r.name),
                         *(colour(c) for c in r.counts)), name=r.name) for r in trends.units),
              caption="各牵头单位", media=m),
        Table("leader-quarters", (Column("责任领导", role="name"), *(Column(l) for l in labels)),
              tuple(Row((Cell(r.name), *(colour(c) for c in r.counts)), name=r.name) for r in trends.leaders),
              caption="各责任领导", media=m),
    ]
    previous, current = labels[-2], labels[-1]
    rows = [Row((Cell(title), Cell(f"{len(moves)} 项"), Cell(" ".join(f"{x.item_id}({x.before}→{x.after})" for x in moves) or "—")))
            for _, _, title, moves in trends.moves]
    rows.append(Row((Cell(f"{previous}报送、{current}未报送"), Cell(f"{len(trends.stopped)} 个"), Cell(" ".join(trends.stopped) or "—"))))
    runs: dict[int, list] = {}
    for streak in trends.streaks:
        runs.setdefault(streak.quarters, []).append(streak)
    if not runs:
        rows.append(Row((Cell("连续未报送"), Cell("0 个"), Cell("—"))))
    for quarters, streaks in sorted(runs.items(), reverse=True):
        rows.append(Row((Cell(f"连续 {quarters} 个季度未报送"), Cell(f"{len(streaks)} 个"),
                         Cell(" ".join(f"{s.unit}({len(s.ids)}项)" for s in streaks)))))
    out.append(Table("moves", (Column("类别"), Column("数量", NUMBER), Column("明细")), tuple(rows), caption="变化情况", media=m))
    return out


WORD_JOINER = "\u2060"  # no line break here (between a colour and its count)


def counts_cell(counts: tuple[int, ...]) -> str:
    """A quarter's counts in a Word table cell: 'xatrack.trends.counts_text' without
    the colours that count nothing ('绿2 灰18'), a colour never parted from its
    number at a line end; '—' for none."""
    done, on_track, behind, severe, missing = counts
    parts = [f"{colour}{WORD_JOINER}{n}" for colour, n in (("绿", done + on_track), ("黄", behind), ("红", severe), ("灰", missing)) if n]
    return " ".join(parts) or "—"


def _trends(report: Report) -> list:
    """各季度对比 (xatrack.trends) in Markdown and HTML: each quarter's counts,
    rank and change, what moved, units that stopped, 连续未报送."""
    trends = report.trends
    if trends is None or not trends.units:
        return []
    labels = list(trends.labels)
    out: list = []
    out.append(Chart("chart-quarters", "各季度事项状态",
                     tuple(Bar(f"{label} 全部事项", f"{label} 全部事项", tuple(c)) for label, c in zip(labels, trends.overall))))
    out.append(Chart("chart-leader-quarters", "各责任领导各季度情况",
                     tuple(Bar(f"{row.name} {label}", f"{row.name} {label}", tuple(c)) for row in trends.leaders for label, c in zip(labels, row.counts))))
    out.append(Heading(2, "各牵头单位各季度情况", key="unit-quarters", media=PAGES))
    out.append(Paragraph(TRENDS_NOTE, role="note", media=PAGES))
    head = (Column("名次", NUMBER, width=8), Column("变化", width=8), Column("牵头单位", width=28))
    out.append(Table("unit-quarters", head + tuple(Column(l) for l in labels),
                     tuple(Row((Cell(r.rank, NUMBER), Cell(rank_change_text(r) or "—"), Cell(r.name),
                                *(Cell(counts_text(c)) for c in r.counts)), name=r.name, rank=r.rank) for r in trends.units),
                     media=PAGES))
    out.append(Heading(2, "各责任领导各季度情况", key="leader-quarters", media=(MD,)))
    out.append(Table("leader-quarters", (Column("责任领导"),) + tuple(Column(l) for l in labels),
                     tuple(Row((Cell(r.name), *(Cell(counts_text(c)) for c in r.counts))) for r in trends.leaders),
                     media=(MD,)))
    if not trends.has_previous:
        return out
    for key, title, _, moves in trends.moves:
        out.append(Heading(2, f"{title}({len(moves)} 项)", key=key, media=PAGES))
        if not moves:
            out.append(Paragraph("无。", media=PAGES))
            continue
        rows = [(m.item_id, m.text, m.lead, m.before, m.after) for m in moves]
        out.append(_changes_table(key, rows, (labels[-2], labels[-1]), media=PAGES))
    stopped = "、".join(trends.stopped) if trends.stopped else "无"
    out.append(Paragraph(f"上季度报送、本季度未报送的单位:{stopped}", role="stopped", media=PAGES))
    out.append(Heading(2, "连续未报送", key="streaks", media=PAGES))
    if not trends.streaks:
        out.append(Paragraph("无。", media=PAGES))
    else:
        out.append(Table("streaks", (Column("牵头单位"), Column("连续未报送"), Column("事项编号")),
                         tuple(Row((Cell(s.unit), Cell(f"连续 {s.quarters} 个季度"), Cell("、".join(s.ids))), name=s.unit)
                               for s in trends.streaks), media=PAGES))
    return out


def _trends_annex(report: Report) -> list:
    """各季度对比 as the Word 通报's 附件 (from Q2 on): each lead unit's and leader's
    counts at each quarter, then every item that moved in one table (its id, lead
    unit and the two states; the text of a lagging one is in 四), 连续未报送."""
    trends = report.trends
    if trends is None or not trends.units or not trends.has_previous:
        return []
    m = (DOCX,)
    labels = list(trends.labels)
    out: list = [
        Heading(2, "各牵头单位各季度情况", key="unit-quarters", numbered=True, media=m),
        Paragraph(TRENDS_NOTE, role="note", media=m),
        Table("unit-quarters", (Column("名次", width=8), Column("变化", width=8), Column("牵头单位", width=28))
              + tuple(Column(l) for l in labels),
              tuple(Row((Cell(str(r.rank)), Cell(rank_change_text(r) or "—"), Cell(r.name),
                         *(Cell(counts_cell(c)) for c in r.counts))) for r in trends.units), media=m),
        Heading(2, "各责任领导各季度情况", key="leader-quarters", numbered=True, media=m),
        Table("leader-quarters", (Column("责任领导", width=24),) + tuple(Column(l) for l in labels),
              tuple(Row((Cell(r.name), *(Cell(counts_cell(c)) for c in r.counts))) for r in trends.leaders), media=m),
    ]
    # What moved, one row a kind of move (the ids of the items; a lagging one's text is in 四).
    rows = [Row((Cell(title), Cell(len(moves), NUMBER), Cell("、".join(x.item_id for x in moves) or "—")))
            for _, title, _, moves in trends.moves]
    rows.append(Row((Cell("上季度报送、本季度未报送的单位"), Cell(len(trends.stopped), NUMBER), Cell("、".join(trends.stopped) or "—"))))
    rows += [Row((Cell(f"连续 {s.quarters} 个季度未报送:{s.unit}"), Cell(len(s.ids), NUMBER), Cell("、".join(s.ids))))
             for s in trends.streaks]
    out.append(Heading(2, "变化情况", key="moves", numbered=True, media=m))
    out.append(Table("moves", (Column("类别", width=40), Column("数量", NUMBER, width=10), Column("事项编号(单位)", width=50)),
                     tuple(rows), media=m))
    return out


# --------------------------------------------------------------------------- 七、督查发现, 下步要求

FINDINGS_WIDTHS = {"问题": 4, "佐证材料": 3, "单位": 2, "状态": 2}


# The findings part as plain tables (key, title, header, rows, numeric columns); empty tables left out.

TALLY_HEADER = ["本季度新发现", "本季度销号", "未销号", "其中逾期未整改"]


@dataclass(frozen=True)
class PlainTable:
    key: str  # units / leaders / overdue / new / closed
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numeric: frozenset[int] = frozenset()


def findings_tables(part) -> list[PlainTable]:
    """The tables of a findings section (``findings.FindingsSection``); empty tables left out."""
    short = part.short
    end = part.end

    def tally_rows(rows):
        return tuple((r.name, r.new, r.closed, r.open, r.overdue) for r in rows)

    tables = [
        PlainTable("units", "按单位", ("单位", *TALLY_HEADER), tally_rows(part.units), frozenset({1, 2, 3, 4})),
        PlainTable("leaders", "按责任领导", ("责任领导", *TALLY_HEADER), tally_rows(part.leaders), frozenset({1, 2, 3, 4})),
        PlainTable(
            "overdue",
            f"逾期未整改(截至 {end.isoformat()})",
            ("编号", "事项", "单位", "类型", "问题", "整改时限", "逾期天数"),
            tuple(
                (short[f.fid], f.item or "—", f.unit, f.kind, f.text, f.due.isoformat(), (end - f.due).days)
                for f in part.overdue
            ),
            frozenset({6}),
        ),
        PlainTable(
            "new",
            "本季度新发现",
            ("编号", "事项", "单位", "类型", "问题", "发现日期", "整改时限", "状态"),
            tuple(
                (short[f.fid], f.item or "—", f.unit, f.kind, f.text, f.day.isoformat(), f.due.isoformat(), part.statuses[f.fid])
                for f in part.new
            ),
        ),
        PlainTable(
            "closed",
            "本季度销号",
            ("编号", "事项", "单位", "问题", "销号日期", "佐证材料"),
            tuple(
                (short[f.fid], f.item or "—", f.unit, f.text, f.closed_on(end).isoformat(),
                 "、".join(ref.name for ref in f.evidence) or "—")
                for f in part.closed
            ),
        ),
    ]
    return [t for t in tables if t.rows]


def _findings(report: Report, media: tuple[str, ...] = ()) -> list:
    part = report.findings
    if part is None:
        return []
    out: list = [Heading(1, FINDINGS_SECTION, key="findings", media=media), Paragraph(findings_sentence(part), media=media)]
    for t in findings_tables(part):
        out.append(Heading(2, t.title, key=t.key, numbered=True, media=media))
        columns = tuple(Column(h, NUMBER if i in t.numeric else TEXT, width=FINDINGS_WIDTHS.get(h, 1), role="long" if h in ("问题", "佐证材料") else "")
                        for i, h in enumerate(t.header))
        out.append(Table(f"findings-{t.key}", columns,
                         tuple(Row(tuple(Cell(v, NUMBER if i in t.numeric else TEXT) for i, v in enumerate(row))) for row in t.rows),
                         caption=t.title, media=media))
    return out


def _requirements(report: Report, bulletin: Bulletin) -> list:
    requirements = bulletin.requirements_for(report.quarter.q)
    if not requirements:
        return []
    number = len(SECTIONS) + 1 + (1 if report.findings is not None else 0)
    return [Heading(1, f"{cn_number(number)}、下步要求", key="requirements", media=(DOCX,))] + [
        Paragraph(p, role="requirement", media=(DOCX,)) for p in requirements
    ]


QUERIES_SHEET = "请核实与预计"


def _queries_sheet(report: Report) -> list:
    """请核实 and 预计难以完成全年目标, when there are any, on one sheet after 催办名单."""
    blocks = [b for b in _queries(report) + _forecast(report) if isinstance(b, (Table, Paragraph))]
    return [Sheet(QUERIES_SHEET, tuple(blocks), several=True)] if blocks else []
