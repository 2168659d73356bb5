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
    """The item filters. Each field holds one value or a tuple of values
    (the flag given several times): an item is kept when it matches any of
    a field's values, and every field given."""

    leader: str | tuple[str, ...] | None = None
    unit: str | tuple[str, ...] | None = None
    lead: str | tuple[str, ...] | None = None
    action: int | tuple[int, ...] | None = None
    section: str | tuple[str, ...] | None = None
    status: str | tuple[str, ...] | None = None
    search: str | tuple[str, ...] | None = None

    @classmethod
    def of(cls, **given) -> "Filters":
        """From flag values (None, one value or a list of them)."""
        fields = {}
        for name, value in given.items():
            if isinstance(value, (list, tuple)):
                value = tuple(v for v in value if v not in (None, ""))
                value = None if not value else value[0] if len(value) == 1 else value
            fields[name] = value
        return cls(**fields)

    def values(self, name: str) -> tuple:
        """A field's values (empty when not given)."""
        value = getattr(self, name)
        if value in (None, ""):
            return ()
        return tuple(value) if isinstance(value, tuple) else (value,)

    def shown(self, name: str) -> str:
        """A field's values as a heading shows them (洪声耀、陈浩)."""
        return "、".join(str(v) for v in self.values(name))

    @property
    def empty(self) -> bool:
        return not any(self.values(name) for name in self.__dataclass_fields__)


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


class _AnyOf:
    """Several name queries of one flag: an item matches when any matches."""

    def __init__(self, queries):
        self.queries = queries
        self.name = "、".join(q.name for q in queries)

    def matches(self, names) -> bool:
        return any(q.matches(names) for q in self.queries)


def _flags(flag: str, query, values: tuple, names):
    """One query per value of a flag (None when the flag was not given)."""
    if not values:
        return None
    found = [_flag(flag, query, text, names) for text in values]
    return found[0] if len(found) == 1 else _AnyOf(found)


class Selector:
    """Resolves the filters once (errors for unknown names come here), then
    tells for each item whether it is selected. A flag given several times
    keeps the items matching any of its values."""

    def __init__(self, plan: Plan, directory, filters: Filters, leaders=None, units=None):
        """``leaders``, ``units``: the plan's names (all_leaders, all_units) when
        ``plan`` is one without its items (the query index keeps them)."""
        self.filters = filters
        self.leader = _flags("--leader", directory.leader_query, filters.values("leader"),
                             all_leaders(plan) if leaders is None else leaders)
        units = all_units(plan) if units is None else units
        self.unit = _flags("--unit", directory.unit_query, filters.values("unit"), units)
        self.lead = _flags("--lead", directory.unit_query, filters.values("lead"), units)
        statuses = filters.values("status")
        self.states = tuple(dict.fromkeys(s for text in statuses for s in parse_status_filter(text))) if statuses else None
        self.actions = filters.values("action") or None
        for action in self.actions or ():
            if plan.actions and plan.action(action) is None:
                ids = "、".join(str(a.id) for a in plan.actions)
                raise InputError(f"--action 的值 {action} 不存在:行动编号为 {ids}")
        self.sections = tuple(v.strip() for v in filters.values("section") if v.strip()) or None
        if self.sections:
            sections = {item.section for item in plan.tasks if item.section}
            for raw in filters.values("section"):
                if raw.strip() and not any(raw.strip() in s for s in sections):
                    raise InputError(f"--section 的值\"{raw}\"不是任何章节的一部分")
        self.searches = tuple(v.strip().lower() for v in filters.values("search") if v.strip()) or None

    def item_matches(self, item) -> bool:
        if self.leader is not None and not self.leader.matches(item.leaders):
            return False
        if self.unit is not None and not self.unit.matches(item.lead + item.units):
            return False
        if self.lead is not None and not self.lead.matches(item.lead):
            return False
        if self.actions is not None and item.action not in self.actions:
            return False
        if self.sections and not (item.section and any(s in item.section for s in self.sections)):
            return False
        if self.searches and not self._search_hit(item):
            return False
        return True

    def _search_hit(self, item) -> bool:
        haystack = " ".join((item.id, item.text, item.section or "", *(m.name for m in item.metrics))).lower()
        return any(search in haystack for search in self.searches)

    def items(self, plan: Plan):
        """The items the item filters keep (before evaluation; --status needs it after)."""
        return [item for item in plan.items if self.item_matches(item)]

    def select(self, statuses):
        return [
            s for s in statuses
            if self.item_matches(s.item) and (self.states is None or s.state in self.states)
        ]

    def select_states(self, statuses):
        """``select`` for statuses whose items are known to match (the query index chose them)."""
        if self.states is None:
            return list(statuses)
        return [s for s in statuses if s.state in self.states]
