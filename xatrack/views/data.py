"""Machine-readable renderings of evaluated items: JSON and CSV."""

from __future__ import annotations

import io
import json

from xatrack.model import STATE_COLOURS


def status_record(status) -> dict:
    item = status.item
    return {
        "id": item.id,
        "type": item.kind,
        "text": item.text,
        "action": item.action,
        "section": item.section,
        "leaders": list(item.leaders),
        "lead": list(item.lead),
        "units": list(item.units),
        "due": f"Q{item.due}",
        "quarter": str(status.quarter),
        "status": status.label,
        "colour": STATE_COLOURS[status.state],
        "reason": status.reason,
        "open_findings": list(status.open_findings),
        "late": status.late,
        "missing_metrics": list(status.missing_metrics),
        "contributions": [
            {"by": e.by, "metric": e.metric, "value": e.value, "date": e.date.isoformat()} for e in status.contributions
        ],
        "reported_status": status.reported_status,
        "note": status.note,
        "metrics": [
            {
                "name": ms.metric.name,
                "unit": ms.metric.unit,
                "kind": ms.metric.kind,
                "op": ms.metric.op,
                "target": ms.metric.target,
                "expected": ms.expected,
                "value": ms.value,
                "status": ms.state,
                "late": ms.late,
            }
            for ms in status.metrics
        ],
    }


def render_json(statuses) -> str:
    return json.dumps([status_record(s) for s in statuses], ensure_ascii=False, indent=2) + "\n"


# Excel on Chinese Windows reads a CSV without a byte-order mark as GBK and
# shows mojibake: every CSV xatrack writes starts with the UTF-8 BOM.
BOM = "\ufeff"

CSV_HEADER = ["编号", "类型", "任务", "责任领导", "牵头单位", "责任单位", "季度", "状态", "说明", "指标", "目标", "应完成", "已报送"]


def render_csv(statuses) -> str:
    """One row per item and metric (items without metrics: one row)."""
    out = io.StringIO()
    out.write(BOM)
    from xatrack.views.safe_cells import SafeWriter  # lazy: rare - only CSV; csv costs 2 ms that list --format json must not pay

    writer = SafeWriter(out, lineterminator="\n")  # names and notes never become formulas
    writer.writerow(CSV_HEADER)
    for status in statuses:
        item = status.item
        base = [
            item.id,
            "目标" if item.is_target else "任务",
            item.text,
            "、".join(item.leaders),
            "、".join(item.lead),
            "、".join(item.units),
            str(status.quarter),
            status.label,
            status.reason,
        ]
        if not status.metrics:
            writer.writerow(base + ["", "", "", ""])
        for ms in status.metrics:
            writer.writerow(
                base
                + [
                    ms.metric.name,
                    f"{_num(ms.metric.target)}{ms.metric.unit}",
                    _num(ms.expected),
                    _num(ms.value),
                ]
            )
    return out.getvalue()


def _num(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --------------------------------------------------------------------------- findings (xatrack finding list)

FINDING_CSV_HEADER = ["编号", "事项", "单位", "类型", "问题", "发现日期", "整改时限", "状态", "销号日期", "最新进展", "佐证材料"]


def finding_record(finding, state: str, short: str, day) -> dict:
    """One finding as `finding list --format json` gives it (``state`` on ``day``)."""
    notes = [e.note for e in finding.events if e.note]
    closed = finding.closed_on(day)
    return {
        "id": short,
        "fid": finding.fid,
        "item": finding.item,
        "unit": finding.unit,
        "kind": finding.kind,
        "text": finding.text,
        "date": finding.day.isoformat(),
        "due": finding.due.isoformat(),
        "status": state,
        "closed": closed.isoformat() if closed else "",
        "latest_note": notes[-1] if notes else "",
        "evidence": [ref.as_record() for ref in finding.evidence],
        "by": finding.by,
    }


def render_findings_json(rows, shown, day) -> str:
    """``rows``: (finding, state, item) as api.findings gives them; ``shown``: the short ids."""
    return json.dumps([finding_record(f, state, shown[f.fid], day) for f, state, _ in rows], ensure_ascii=False, indent=2) + "\n"


def render_findings_csv(rows, shown, day) -> str:
    """One row per finding, after the byte-order mark like every CSV (Excel on Chinese
    Windows reads it as UTF-8); texts and notes never become formulas."""
    from xatrack.views.safe_cells import SafeWriter  # lazy: rare - only CSV; csv costs 2 ms that list --format json must not pay

    out = io.StringIO()
    out.write(BOM)
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(FINDING_CSV_HEADER)
    for f, state, _ in rows:
        r = finding_record(f, state, shown[f.fid], day)
        writer.writerow([r["id"], r["item"] or "", r["unit"], r["kind"], r["text"], r["date"], r["due"], r["status"],
                         r["closed"], r["latest_note"], "、".join(e["name"] for e in r["evidence"])])
    return out.getvalue()
