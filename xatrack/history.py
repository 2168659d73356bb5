"""An item's reports as `show` lists them: who reported in which role, which
came after the deadline, which were withdrawn and by whom. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from xatrack.evaluate import entry_order, retracted_refs
from xatrack.model import OFFICE_NAMES, Entry, Item, Settings, entry_ref
from xatrack.roles import OFFICE, OUTSIDE
from xatrack.schedule import in_zone, plan_zone, recorded_late


@dataclass(frozen=True)
class HistoryRow:
    entry: Entry
    role: str  # 牵头 / 责任 (a contribution, 分项报送) / "" (the office, a person)
    late: bool  # recorded after its quarter's deadline (逾期报送)
    withdrawn_by: Entry | None  # the retraction that withdrew it
    # Recorded after the deadline, but the same reporter had reported the same
    # metric (or status) on time: a correction (逾期更正), not a late report.
    corrected: bool = False
    kind: str = ""  # roles.Roles.kind: office / outside / ... ("" when not known)
    zone: tzinfo | None = None  # the plan's time zone: times are shown on its clock

    @property
    def marks(self) -> tuple[str, ...]:
        marks = []
        if self.role == "责任":
            marks.append("分项报送")
        if self.kind == OUTSIDE:
            marks.append("非本事项单位报送(未采用)")
        elif self.kind == OFFICE:
            marks.append("督查室核实数据")
        if self.corrected:
            marks.append("逾期更正")
        elif self.late:
            marks.append("逾期报送")
        if self.withdrawn_by is not None:
            w = self.withdrawn_by
            when = in_zone(w.at, self.zone or plan_zone()).strftime("%Y-%m-%d %H:%M") if w.at is not None else w.date.isoformat()
            if w.actor and w.actor != w.by:
                marks.append(f"已撤回({w.actor} 代 {w.by or '未署名'}撤回 {when})")
            else:
                marks.append(f"已撤回({w.by or '未署名'} {when})")
        return tuple(marks)


def item_history(item: Item, entries: list[Entry], roles, rule) -> list[HistoryRow]:
    """The item's reports, oldest first; retractions show as marks on what they withdrew.
    ``rule``: the plan's settings (or calendar days) that decide lateness (schedule.recorded_late)."""
    zone = plan_zone(rule if isinstance(rule, Settings) else None)
    office = rule.office if isinstance(rule, Settings) else OFFICE_NAMES
    mine = [e for e in entries if e.item == item.id]
    withdrawn = retracted_refs(mine)
    gone = set(withdrawn) if withdrawn else set()
    # The first live report of each (quarter, reporter, metric) decides lateness; later ones correct it.
    on_time: set[tuple] = set()
    canonical = getattr(roles, "canonical", str)
    for entry in sorted(mine, key=entry_order):
        if entry.retracts or (gone and entry_ref(entry) in gone):
            continue
        key = (entry.quarter, canonical(entry.by), entry.metric if entry.value is not None else "状态")
        if not recorded_late(entry, rule):
            on_time.add(key)
    rows = []
    kind = getattr(roles, "kind", None)
    canonical = getattr(roles, "canonical", str)
    for entry in sorted(mine, key=lambda e: (e.date, e.quarter.q, e.seq)):
        if entry.retracts:
            continue
        late = recorded_late(entry, rule)
        key = (entry.quarter, canonical(entry.by), entry.metric if entry.value is not None else "状态")
        rows.append(
            HistoryRow(
                entry=entry,
                role=roles.role(item, entry.by),
                late=late,
                withdrawn_by=withdrawn.get(entry_ref(entry)) if withdrawn else None,
                corrected=late and key in on_time,
                kind=kind(item, entry.by, office) if kind is not None else "",
                zone=zone,
            )
        )
    return rows
