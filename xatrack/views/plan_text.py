"""The plan as the office issues it (分解方案): its paragraphs in the layout of the official text, so
that ``import`` reads the document back into the same registry.

    发文单位 / 成文日期 / 标题
    一、{年}年主要预期目标        (一)目标。(责任领导:…;牵头单位:…;责任单位:…;完成时限:…)
    二、{年}年重点工作            (一)行动标题。引言    小标题    1.任务。(责任领导:…)

``plan_blocks`` gives (kind, text) pairs; ``render_plan_markdown`` the Markdown; the Word layout is
``views.plan_docx``.
"""

from __future__ import annotations

from xatrack.model import Item, Plan

_CN = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    if n < 20:
        return "十" + (_CN[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return _CN[tens - 1] + "十" + (_CN[ones - 1] if ones else "")


def assignment(item: Item) -> str:
    """(责任领导:…;牵头单位:…;责任单位:…;完成时限:…) as the seed writes it; "" when none."""
    parts = []
    for label, names in (("责任领导", item.leaders), ("牵头单位", item.lead), ("责任单位", item.units)):
        if names:
            parts.append(f"{label}:{'、'.join(names)}")
    if item.deadline:
        parts.append(f"完成时限:{item.deadline}")
    return f"({';'.join(parts)})" if parts else ""


def plan_blocks(plan: Plan) -> list[tuple[str, str]]:
    """The document's paragraphs: (kind, text), kind one of issuer, date, title, heading, target,
    action, section, task."""
    info = plan.info
    blocks: list[tuple[str, str]] = []
    if info.issuer and info.issued:
        blocks.append(("issuer", info.issuer))
    if info.issued:
        blocks.append(("date", f"{info.issued.year}年{info.issued.month}月{info.issued.day}日"))
    blocks.append(("title", info.title or f"{info.year}年目标任务责任分解方案"))
    year = f"{info.year}年" if info.year and str(info.year) not in (info.title or "") else ""
    part = 0
    if plan.targets:
        part += 1
        blocks.append(("heading", f"{cn_number(part)}、{year}主要预期目标"))
        for index, item in enumerate(plan.targets, start=1):
            number = item.id[1:] if item.id[1:].isdigit() else str(index)
            blocks.append(("target", f"({cn_number(int(number))}){item.text}{assignment(item)}"))
    if plan.tasks:
        part += 1
        blocks.append(("heading", f"{cn_number(part)}、{year}重点工作"))
        actions = {action.id: action for action in plan.actions}
        current_action, current_section = None, None
        for item in plan.tasks:
            if item.action != current_action and item.action in actions:
                action = actions[item.action]
                intro = action.intro
                title = action.title if action.title.endswith("。") or not intro else action.title + "。"
                blocks.append(("action", f"({cn_number(action.id)}){title}{intro}"))
                current_action, current_section = item.action, None
            if item.section and item.section != current_section:
                blocks.append(("section", item.section if item.section.endswith("。") else item.section + "。"))
                current_section = item.section
            blocks.append(("task", f"{item.id}.{item.text}{assignment(item)}"))
    return blocks


def render_plan_markdown(plan: Plan) -> str:
    out = []
    for kind, text in plan_blocks(plan):
        if kind == "title":
            out.append(f"# {text}")
        elif kind == "heading":
            out.append(f"## {text}")
        elif kind == "action":
            out.append(f"### {text}")
        elif kind == "section":
            out.append(f"**{text}**")
        else:
            out.append(text)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
