"""The 分解表 read back: the registry as exported, with the office's changes to its cells.

A changed cell changes exactly its field: 目标任务 the text, 责任领导/牵头单位/责任单位 the names
(a list split at 、), 完成时限 the deadline and the due quarter, the metric cells the metric of that
row. A row under a new 序号 is a new item (its metrics from the metric cells, else from its text);
an item whose rows are gone is dropped. Every change is listed (``--review``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from xatrack.importer.assignments import split_names
from xatrack.importer.deadlines import deadline_quarter, due_quarter
from xatrack.importer.figures import extract_figures, growth_target_id, relative_metrics
from xatrack.importer.result import ImportResult, ImportWarning, ReviewRow
from xatrack.model import TARGET, TASK, Item, Metric, Plan, normalize_id

KINDS_BY_LABEL = {"累计": "cumulative", "增速": "growth", "水平": "level", "对照": "relative", "对照数": "reference"}
OPS_BY_LABEL = {"不低于": ">=", "不高于": "<=", "": ">="}


@dataclass(frozen=True)
class Edited:
    plan: Plan
    changes: tuple[str, ...]  # one line each: 任务5 牵头单位:甲局 → 乙局
    warnings: tuple[ImportWarning, ...]


def apply_sheet(plan: Plan, rows) -> Edited:
    """``plan`` (the registry as exported) with the cells of ``rows`` (io.plan_xlsx.SheetRow) applied."""
    warnings: list[ImportWarning] = []
    changes: list[str] = []
    groups: dict[str, list] = {}
    order: list[str] = []
    for row in rows:
        if not row.seq:
            warnings.append(ImportWarning(row.row, "没有序号,已跳过", f"分解表第{row.row}行"))
            continue
        key = normalize_id(row.seq)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(row)
    items: list[Item] = []
    for item in plan.items:
        group = groups.get(item.id)
        if group is None:
            changes.append(f"{_label(item)} 已从分解表中删除:{item.text[:20]}")
            continue
        items.append(_edited(item, group, plan.info.year, changes, warnings))
    known = {item.id for item in plan.items}
    for key in order:
        if key not in known:
            items.append(_new_item(key, groups[key], plan.info.year, changes, warnings))
    growth = growth_target_id(items)
    items = [item if item.id in known else _with_follows(item, growth) for item in items]
    targets = tuple(item for item in items if item.kind == TARGET)
    tasks = tuple(item for item in items if item.kind == TASK)
    return Edited(replace(plan, targets=targets, tasks=tasks), tuple(changes), tuple(warnings))


def _label(item: Item) -> str:
    return f"目标{item.id}" if item.kind == TARGET else f"任务{item.id}"


def _item_row(group: list):
    return next((row for row in group if row.has_item_cells), group[0])


def _edited(item: Item, group: list, year: int, changes: list[str], warnings: list[ImportWarning]) -> Item:
    row = _item_row(group)
    label = _label(item)
    fields: dict = {}
    if row.text and row.text != item.text:
        fields["text"] = row.text
        changes.append(f"{label} 目标任务:{_short(item.text)} → {_short(row.text)}")
    if not row.text:
        warnings.append(ImportWarning(row.row, f"{label} 的目标任务为空,保留原文", f"分解表第{row.row}行"))
    for name, cell, title in (("leaders", row.leaders, "责任领导"), ("lead", row.lead, "牵头单位"), ("units", row.units, "责任单位")):
        names = tuple(split_names(cell))
        if names != getattr(item, name):
            fields[name] = names
            changes.append(f"{label} {title}:{'、'.join(getattr(item, name)) or '(无)'} → {'、'.join(names) or '(无)'}")
    if row.deadline != item.deadline:
        fields["deadline"] = row.deadline
        due = deadline_quarter(row.deadline, year) if row.deadline else due_quarter(fields.get("text", item.text))
        if due is None:
            due = item.due
            warnings.append(ImportWarning(row.row, f"{label} 完成时限“{row.deadline}”无法换算成季度,仍按第{due}季度", f"分解表第{row.row}行"))
        fields["due"] = due
        changes.append(f"{label} 完成时限:{item.deadline or '(无)'} → {row.deadline or '(无)'}(第{due}季度)")
    metric_rows = [r for r in group if r.has_metric]
    metrics = _metrics(item.metrics, metric_rows, label, changes, warnings)
    if metrics != item.metrics:
        fields["metrics"] = metrics
    return replace(item, **fields) if fields else item


def _metrics(old: tuple[Metric, ...], rows: list, label: str, changes: list[str], warnings: list[ImportWarning]) -> tuple[Metric, ...]:
    result: list[Metric] = []
    for index, row in enumerate(rows):
        before = old[index] if index < len(old) else None
        kind = KINDS_BY_LABEL.get(row.kind)
        op = OPS_BY_LABEL.get(row.op)
        place = f"分解表第{row.row}行"
        if row.target is None:
            warnings.append(ImportWarning(row.row, f"{label} 指标“{row.metric}”没有目标值,未导入", place))
            continue
        if kind is None:
            kind = before.kind if before else "cumulative"
            if row.kind:
                warnings.append(ImportWarning(row.row, f"{label} 类型“{row.kind}”不认识(累计、增速、水平),未改", place))
        if op is None:
            op = before.op if before else ">="
            warnings.append(ImportWarning(row.row, f"{label} 方向“{row.op}”不认识(不低于、不高于),未改", place))
        name = row.metric or (before.name if before else "")
        baseline = row.baseline if getattr(row, "has_baseline", False) else (before.baseline if before else None)
        if before is None:
            metric = Metric(name=name, target=row.target, unit=row.unit, kind=kind, op=op, baseline=baseline)
            changes.append(f"{label} 新增指标:{name} {row.target:g}{row.unit}")
        else:
            metric = replace(before, name=name, target=row.target, unit=row.unit, kind=kind, op=op, baseline=baseline)
            if metric != before:
                changes.append(f"{label} 指标{index + 1}:{_metric_text(before)} → {_metric_text(metric)}")
        result.append(metric)
    for gone in old[len(rows):]:
        changes.append(f"{label} 删除指标:{_metric_text(gone)}")
    return tuple(result)


def _metric_text(metric: Metric) -> str:
    base = f",基期值 {metric.baseline:g}" if metric.baseline is not None else ""
    return f"{metric.name} {'≤' if metric.op == '<=' else '≥'}{metric.target:g}{metric.unit}({metric.kind}{base})"


def _new_item(key: str, group: list, year: int, changes: list[str], warnings: list[ImportWarning]) -> Item:
    row = _item_row(group)
    kind = TARGET if key.startswith("G") else TASK
    metric_rows = [r for r in group if r.has_metric]
    item = Item(id=key, kind=kind, text=row.text, leaders=tuple(split_names(row.leaders)), lead=tuple(split_names(row.lead)),
                units=tuple(split_names(row.units)), deadline=row.deadline, due=due_quarter(row.text))
    if row.deadline:
        item = replace(item, due=deadline_quarter(row.deadline, year) or item.due)
    label = _label(item)
    if metric_rows:
        metrics = _metrics((), metric_rows, label, [], warnings)
    else:
        metrics = tuple(hit.metric for hit in extract_figures(row.text) if hit.metric is not None)
    changes.append(f"{label} 新增:{_short(row.text)}")
    return replace(item, metrics=metrics)


def _with_follows(item: Item, growth: str | None) -> Item:
    """A new row's 对照 metric: what it follows (the plan's growth target, an average) read from its text,
    as the importer reads it (figures.relative_metrics); the table has no column for it."""
    relative = [m for m in item.metrics if m.kind in ("relative", "reference") and not m.follows]
    if not relative:
        return item
    found = [m for m in relative_metrics(item.text, growth if growth != item.id else None) if m.kind == "relative"]
    if not found:
        return item
    metrics = tuple(replace(m, follows=found[0].follows, figure=m.figure or found[0].figure, note=m.note or found[0].note)
                    if m.kind == "relative" and not m.follows else m for m in item.metrics)
    return replace(item, metrics=metrics)


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def sheet_result(edited: Edited, source_format: str) -> ImportResult:
    """The import result of a 分解表: each item read by the reader 分解表, changes as review notes."""
    review = tuple(
        ReviewRow(item.id, "分解表", item.text, tuple(c for c in edited.changes if c.startswith(_label(item) + " ")), "分解表")
        for item in edited.plan.items
    )
    return ImportResult(plan=edited.plan, warnings=edited.warnings, layout="分解表(plan export)",
                        source_format=source_format, review=review)
