"""Filters that mean the same in every command (--leader, --unit, --lead,
--action, --section, --status, --search), applied to evaluated items.

Pure: the plan, the directory and the statuses come in, a selection goes out.
"""

from __future__ import annotations

from dataclasses import dataclass

from xatrack.errors import InputError
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES, Plan

_STATUS_WORDS = {
    "绿": (DONE, ON_TRACK),
    "绿色": (DONE, ON_TRACK),
    "green": (DONE, ON_TRACK),
    "黄": (BEHIND,),
    "黄色": (BEHIND,),
    "yellow": (BEHIND,),
    "红": (SEVERE,),
    "红色": (SEVERE,),
    "red": (SEVERE,),
    "灰": (MISSING,),
    "grey": (MISSING,),
    "gray": (MISSING,),
    "完成": (DONE,),
    "done": (DONE,),
    "ok": (ON_TRACK,),
    "lag": (BEHIND, SEVERE),
    "late": (BEHIND, SEVERE),
    "落后": (BEHIND, SEVERE),
    "missing": (MISSING,),
    "未报": (MISSING,),
}


@dataclass(frozen=True)
class Filters:
    leader: str | None = None
    unit: str | None = None
    lead: str | None = None
    action: int | None = None
    section: str | None = None
    status: str | None = None
    search: str | None = None

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) not in (None, "") for name in self.__dataclass_fields__)


def parse_status_filter(text: str) -> tuple[str, ...]:
    """A state (严重滞后) or colour (红, red) -> the states it means."""
    key = text.strip()
    if key in STATES:
        return (key,)
    if key.lower() in _STATUS_WORDS:
        return _STATUS_WORDS[key.lower()]
    raise InputError(
        f"--status 的值\"{text}\"无效:应为 {'/'.join(STATES)},或颜色 绿/黄/红/灰"
    )


def all_units(plan: Plan) -> list[str]:
    names: dict[str, None] = {}
    for item in plan.items:
        for name in item.lead + item.units:
            names[name] = None
    return list(names)


def all_leaders(plan: Plan) -> list[str]:
    names: dict[str, None] = {}
    for item in plan.items:
        for name in item.leaders:
            names[name] = None
    return list(names)


def _flag(flag: str, query, text: str | None, names):
    """A name query; its errors say which flag they are about."""
    if not text:
        return None
    try:
        return query(text, names)
    except InputError as error:
        raise InputError(f"{flag}:{error.message}") from None


class Selector:
    """Resolves the filters once (errors for unknown names come here), then
    tells for each item whether it is selected."""

    def __init__(self, plan: Plan, directory, filters: Filters):
        self.filters = filters
        self.leader = _flag("--leader", directory.leader_query, filters.leader, all_leaders(plan))
        units = all_units(plan)
        self.unit = _flag("--unit", directory.unit_query, filters.unit, units)
        self.lead = _flag("--lead", directory.unit_query, filters.lead, units)
        self.states = parse_status_filter(filters.status) if filters.status else None
        if filters.action is not None and plan.actions and plan.action(filters.action) is None:
            ids = "、".join(str(a.id) for a in plan.actions)
            raise InputError(f"--action 的值 {filters.action} 不存在:行动编号为 {ids}")
        self.section = filters.section.strip() if filters.section else None
        if self.section:
            sections = {item.section for item in plan.tasks if item.section}
            if not any(self.section in s for s in sections):
                raise InputError(f"--section 的值\"{filters.section}\"不是任何章节的一部分")
        self.search = filters.search.strip().lower() if filters.search else None

    def item_matches(self, item) -> bool:
        f = self.filters
        if self.leader is not None and not self.leader.matches(item.leaders):
            return False
        if self.unit is not None and not self.unit.matches(item.lead + item.units):
            return False
        if self.lead is not None and not self.lead.matches(item.lead):
            return False
        if f.action is not None and item.action != f.action:
            return False
        if self.section and not (item.section and self.section in item.section):
            return False
        if self.search and not self._search_hit(item):
            return False
        return True

    def _search_hit(self, item) -> bool:
        haystack = " ".join((item.id, item.text, item.section or "", *(m.name for m in item.metrics)))
        return self.search in haystack.lower()

    def items(self, plan: Plan):
        """The items the item filters keep (before evaluation; --status needs it after)."""
        return [item for item in plan.items if self.item_matches(item)]

    def select(self, statuses):
        return [
            s for s in statuses
            if self.item_matches(s.item) and (self.states is None or s.state in self.states)
        ]
