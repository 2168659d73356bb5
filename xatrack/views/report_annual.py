"""`report --year`: each lead unit's places and rates over the year
(annual.annual's value) as a plain-text table or Markdown."""

from __future__ import annotations

import unicodedata

from xatrack.report import percent
from xatrack.views.report_markdown import table

KINDS = ("term", "md")


def render_annual(result, upto, kind: str) -> tuple[str, str]:
    """(title, text) of the year's table up to quarter `upto`; kind is term or md."""
    quarters = list(range(1, upto.q + 1))
    header = ["名次", "牵头单位", "事项", *[f"Q{q} 名次" for q in quarters], "全年推进率", "全年及时率", "严重滞后(项次)"]
    weighted = any(u.score is not None for u in result.units)
    if weighted:
        header.append("综合得分")
    rows = []
    for unit in result.units:
        places = {q: place for q, _, place in unit.quarters}
        per_item = unit.quarters[-1][1].total if unit.quarters else 0
        row = [str(unit.rank), unit.name, str(per_item), *[str(places.get(q, "—")) for q in quarters],
               percent(unit.year.progress_rate), percent(unit.year.timely_rate), str(unit.year.severe)]
        if weighted:
            row.append(f"{unit.score:g}")
        rows.append(row)
    title = f"{result.year}年各牵头单位目标任务全年考核(第一至第{'一二三四'[upto.q - 1]}季度)"
    if kind == "md":
        text = "\n".join([f"# {title}", "", result.rule, "", *table(header, rows, set(range(2, len(header)))), ""]) + "\n"
    else:
        lines = [title, result.rule, ""]
        widths = [max(_width(r[i]) for r in [header] + rows) for i in range(len(header))]
        for r in [header] + rows:
            lines.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(r)).rstrip())
        text = "\n".join(lines) + "\n"
    return title, text


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
