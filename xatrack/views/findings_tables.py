"""The findings part of a bulletin (七、督查发现及整改) as plain tables, so the
term, Markdown, HTML and Excel renderings lay out the same rows."""

from __future__ import annotations

from dataclasses import dataclass

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
