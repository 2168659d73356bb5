"""A document xatrack wrote (``plan --format docx|md``) read back onto the registry it was written
from, which it carries (docx: document variables; Markdown: a closing HTML comment).

What the document shows (texts, leaders, lead units, units, deadlines, title, actions) is taken from
the document; what it cannot show (reviewed metrics, schedules, notes, settings, source lines) from the
registry it carries, item by item. An unchanged document gives the carried registry back, byte for byte.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from xml.etree import ElementTree

from xatrack.importer.compare import plan_changes
from xatrack.importer.result import ImportResult, ReviewRow
from xatrack.model import TARGET, TASK, Item, Plan

DOCVAR_PREFIX = "xatrack_registry_"
DOCVAR_CHUNK = 30000  # characters per document variable (Word keeps up to 65,280)
MD_OPEN = "<!-- xatrack:registry"
MD_CLOSE = "-->"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VISIBLE = ("text", "leaders", "lead", "units", "deadline")


def docx_registry(raw: bytes) -> str:
    """The registry a .docx carries in its document variables ("" when none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if "word/settings.xml" not in archive.namelist():
                return ""
            settings = ElementTree.fromstring(archive.read("word/settings.xml"))
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, KeyError):
        return ""
    chunks = {}
    for var in settings.iter(f"{_W}docVar"):
        name = var.get(f"{_W}name") or ""
        if name.startswith(DOCVAR_PREFIX) and name[len(DOCVAR_PREFIX):].isdigit():
            chunks[int(name[len(DOCVAR_PREFIX):])] = var.get(f"{_W}val") or ""
    return unescape_var("".join(chunks[index] for index in sorted(chunks)))


def escape_var(text: str) -> str:
    """A registry as a document variable's value: one line (\\ and \\n escaped)."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def unescape_var(value: str) -> str:
    return re.sub(r"\\(\\|n)", lambda m: "\n" if m.group(1) == "n" else "\\", value)


def docvar_chunks(registry_text: str) -> list[tuple[str, str]]:
    """(name, value) of the document variables that carry ``registry_text``."""
    value = escape_var(registry_text)
    return [(f"{DOCVAR_PREFIX}{index}", value[start : start + DOCVAR_CHUNK])
            for index, start in enumerate(range(0, max(len(value), 1), DOCVAR_CHUNK))]


_MD_BLOCK = re.compile(re.escape(MD_OPEN) + r"\n(.*?)\n" + re.escape(MD_CLOSE) + r"\s*$", re.S)


def markdown_registry(text: str) -> tuple[str, str]:
    """(the Markdown without the carried registry, the registry or "")."""
    match = _MD_BLOCK.search(text)
    if not match:
        return text, ""
    carried = match.group(1).replace("--\\>", "-->") + "\n"
    return text[: match.start()], carried


def markdown_comment(registry_text: str) -> str:
    body = registry_text.rstrip("\n").replace("-->", "--\\>")
    return f"{MD_OPEN}\n{body}\n{MD_CLOSE}\n"


def onto_carried(document: ImportResult, carried: Plan) -> tuple[Plan, list[str]]:
    """The carried plan with what the document shows; and the changes (none: the document unchanged)."""
    shown = document.plan
    before = {item.id: item for item in carried.items}
    items: list[Item] = []
    for item in shown.items:
        old = before.get(item.id)
        if old is None:
            items.append(item)
            continue
        fields = {name: getattr(item, name) for name in _VISIBLE if getattr(item, name) != getattr(old, name)}
        if "text" in fields:
            fields.update(metrics=item.metrics, not_goals=item.not_goals, due=item.due)
        elif "deadline" in fields:
            fields["due"] = item.due
        if item.action != old.action or item.section != old.section:
            fields.update(action=item.action, section=item.section)
        items.append(replace(old, **fields) if fields else old)
    info = carried.info
    # a field the registry leaves empty stays empty: the document shows a made-up title then (plan_text)
    fixed = {name: getattr(shown.info, name) for name in ("title", "issuer", "year")
             if getattr(info, name) and getattr(shown.info, name) and getattr(shown.info, name) != getattr(info, name)}
    actions = carried.actions if _same_actions(carried, shown) else shown.actions
    plan = replace(
        carried,
        info=replace(info, **fixed) if fixed else info,
        actions=actions,
        targets=tuple(i for i in items if i.kind == TARGET),
        tasks=tuple(i for i in items if i.kind == TASK),
    )
    return plan, plan_changes(carried, plan)


def _same_actions(carried: Plan, shown: Plan) -> bool:
    key = lambda plan: [(a.id, a.title.rstrip("。"), a.intro, tuple(s.rstrip("。") for s in a.sections)) for a in plan.actions]  # noqa: E731
    return key(carried) == key(shown)


def carried_result(document: ImportResult, plan: Plan, changes: list[str]) -> ImportResult:
    """The import result of a document read back onto its registry: its warnings about the figures of
    items whose text is unchanged are dropped (their metrics are the registry's, reviewed already)."""
    shown = {item.id: item for item in document.plan.items}
    kept = {item.id for item in plan.items if item.id in shown and shown[item.id].text == item.text}
    labels = tuple(f"目标{i}:" if i.startswith("G") else f"任务{i}:" for i in kept)
    warnings = tuple(w for w in document.warnings if not w.message.startswith(labels))
    review = tuple(
        ReviewRow(row.item_id, row.place, row.source, tuple(row.inferred) + tuple(c for c in changes if c.split(" ")[0] in (f"目标{row.item_id}", f"任务{row.item_id}")), row.reader)
        for row in document.review
    )
    return replace(document, plan=plan, warnings=warnings, layout=document.layout + "(带任务清单)", review=review)
