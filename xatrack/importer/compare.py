"""What a new registry changes against the current one, one line per difference (import --onto, and
import over a tasks.yaml that differs from what the document alone gives)."""

from __future__ import annotations

from xatrack.model import TARGET, Item, Plan

_FIELDS = (("text", "内容"), ("leaders", "责任领导"), ("lead", "牵头单位"), ("units", "责任单位"), ("deadline", "完成时限"),
           ("due", "完成季度"), ("action", "所属行动"), ("section", "小标题"))  # fmt: skip


def plan_changes(old: Plan, new: Plan) -> list[str]:
    """Each difference of ``new`` against ``old``: plan info, actions, items added, dropped or changed."""
    out: list[str] = []
    for name, title in (("title", "标题"), ("issuer", "发文单位"), ("issued", "成文日期"), ("year", "年度")):
        before, after = getattr(old.info, name), getattr(new.info, name)
        if before != after:
            out.append(f"方案{title}:{_show(before)} → {_show(after)}")
    if old.actions != new.actions:
        out.append(f"行动和小标题有变化({len(old.actions)} 项 → {len(new.actions)} 项)")
    if old.settings != new.settings:
        out.append("settings(通报版头、期限、容差等)有变化")
    before = {item.id: item for item in old.items}
    after = {item.id: item for item in new.items}
    for item_id, item in before.items():
        if item_id not in after:
            out.append(f"{_label(item)} 将被删除:{_short(item.text)}")
    for item_id, item in after.items():
        if item_id not in before:
            out.append(f"{_label(item)} 新增:{_short(item.text)}")
            continue
        out.extend(_item_changes(before[item_id], item))
    return out


def _item_changes(old: Item, new: Item) -> list[str]:
    out = []
    label = _label(new)
    for name, title in _FIELDS:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append(f"{label} {title}:{_show(a)} → {_show(b)}")
    if old.metrics != new.metrics:
        names = lambda item: "、".join(f"{m.name}{m.target:g}{m.unit}" for m in item.metrics) or "(无)"  # noqa: E731
        out.append(f"{label} 指标:{names(old)} → {names(new)}")
    if old.not_goals != new.not_goals or old.schedule != new.schedule:
        out.append(f"{label} 非目标数字或进度安排有变化")
    return out


def _label(item: Item) -> str:
    return f"目标{item.id}" if item.kind == TARGET else f"任务{item.id}"


def _show(value) -> str:
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value) or "(无)"
    if value in (None, ""):
        return "(无)"
    return _short(str(value))


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
