"""An item's reports as `show` lists them: who reported in which role, which
came after the deadline, which were withdrawn and by whom. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from xatrack.evaluate import retracted_refs
from xatrack.model import Entry, Item, entry_ref
from xatrack.schedule import recorded_late


@dataclass(frozen=True)
class HistoryRow:
    entry: Entry
    role: str  # 牵头 / 责任 (a contribution, 分项报送) / "" (the office, a person)
    late: bool  # recorded after its quarter's deadline (逾期报送)
    withdrawn_by: Entry | None  # the retraction that withdrew it

    @property
    def marks(self) -> tuple[str, ...]:
        marks = []
        if self.role == "责任":
            marks.append("分项报送")
        if self.late:
            marks.append("逾期报送")
        if self.withdrawn_by is not None:
            w = self.withdrawn_by
            when = w.at.strftime("%Y-%m-%d %H:%M") if w.at is not None else w.date.isoformat()
            if w.actor and w.actor != w.by:
                marks.append(f"已撤回({w.actor} 代 {w.by or '未署名'}撤回 {when})")
            else:
                marks.append(f"已撤回({w.by or '未署名'} {when})")
        return tuple(marks)


def item_history(item: Item, entries: list[Entry], roles, deadline_days: int) -> list[HistoryRow]:
    """The item's reports, oldest first; retractions show as marks on what they withdrew."""
    mine = [e for e in entries if e.item == item.id]
    withdrawn = retracted_refs(mine)
    rows = []
    for entry in sorted(mine, key=lambda e: (e.date, e.quarter.q, e.seq)):
        if entry.retracts:
            continue
        rows.append(
            HistoryRow(
                entry=entry,
                role=roles.role(item, entry.by),
                late=recorded_late(entry, deadline_days),
                withdrawn_by=withdrawn.get(entry_ref(entry)) if withdrawn else None,
            )
        )
    return rows
