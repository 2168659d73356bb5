"""``import --review``: each item beside the source text it came from, with what was inferred."""

from __future__ import annotations

from html import escape

from xatrack.importer.result import ImportResult
from xatrack.model import TARGET, Item


def _fields(item: Item) -> list[tuple[str, str]]:
    metrics = ";".join(
        f"{m.name} {'≤' if m.op == '<=' else '≥'}{m.target:g}{m.unit}({m.kind})" for m in item.metrics
    )
    due = f"第{item.due}季度" + (f"(原文:{item.deadline})" if item.deadline else "")
    return [
        ("内容", item.text),
        ("责任领导", "、".join(item.leaders) or "(无)"),
        ("牵头单位", "、".join(item.lead) or "(无)"),
        ("责任单位", "、".join(item.units) or "(无)"),
        ("指标", metrics or "(无)"),
        ("完成时限", due),
    ]


def _label(item: Item) -> str:
    return f"目标 {item.id}" if item.kind == TARGET else f"任务 {item.id}"


def render_review_text(result: ImportResult, source: str) -> str:
    """A plain listing for the terminal: one block per item, inferred fields marked 〔推断〕."""
    rows = {row.item_id: row for row in result.review}
    out = [f"{source}:{result.source_format},版式:{result.layout};{len(result.plan.items)} 项,逐项核对:", ""]
    for item in result.plan.items:
        row = rows.get(item.id)
        reader = f",{row.reader}" if row and row.reader else ""
        out.append(f"{_label(item)}  〔{row.place if row else ''}{reader}〕")
        if row:
            out.append(f"  原文    {row.source}")
        for name, value in _fields(item):
            out.append(f"  {name:<6}{value}")
        for note in row.inferred if row else ():
            out.append(f"  〔推断〕{note}")
        out.append("")
    if result.warnings:
        out.append(f"警告 {len(result.warnings)} 条:")
        out.extend(f"  {w.where or '全文'}: {w.message}" for w in result.warnings)
    return "\n".join(out).rstrip() + "\n"


def render_review_html(result: ImportResult, source: str) -> str:
    """One self-contained page: source text beside the parsed fields, inferred ones highlighted."""
    rows = {row.item_id: row for row in result.review}
    body = []
    for item in result.plan.items:
        row = rows.get(item.id)
        fields = "".join(f"<tr><th>{escape(n)}</th><td>{escape(v)}</td></tr>" for n, v in _fields(item))
        inferred = "".join(f"<li>{escape(note)}</li>" for note in (row.inferred if row else ()))
        body.append(
            f'<tr><td class="id">{escape(_label(item))}<br><small>{escape(row.place if row else "")}{escape("," + row.reader if row and row.reader else "")}</small></td>'
            f'<td class="src">{escape(row.source if row else "")}</td>'
            f'<td><table class="f">{fields}</table>'
            + (f'<ul class="inf">{inferred}</ul>' if inferred else "")
            + "</td></tr>"
        )
    warnings = "".join(f"<li>{escape(w.where or '全文')}: {escape(w.message)}</li>" for w in result.warnings)
    title = escape(result.plan.info.title or source)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>导入核对:{title}</title>
<style>
body{{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:1.5em}}
table.r{{border-collapse:collapse;width:100%}} table.r>tbody>tr>td{{border:1px solid #999;padding:.4em;vertical-align:top}}
td.id{{white-space:nowrap}} td.src{{width:40%}} table.f th{{text-align:left;padding-right:.8em;white-space:nowrap;font-weight:normal;color:#555}}
ul.inf{{background:#fff3c4;margin:.3em 0;padding:.3em 1.5em}}
</style></head><body>
<h1>导入核对:{title}</h1>
<p>来源:{escape(source)}({escape(result.source_format)});版式:{escape(result.layout)};共 {len(result.plan.items)} 项。黄色为推断所得,请对照原文核实。</p>
<table class="r"><thead><tr><th>编号</th><th>原文</th><th>解析结果</th></tr></thead><tbody>
{''.join(body)}
</tbody></table>
<h2>警告({len(result.warnings)} 条)</h2><ul>{warnings}</ul>
</body></html>
"""
