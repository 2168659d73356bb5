"""Leaders and units at a glance: how many items each has in each state.

Pure: evaluated statuses and the directory in, rows out, problems first.

The grouping rule lives here, once: an item belongs to its responsible leaders
and to its lead units as the directory names them (aliases merged into the
canonical name, a group such as 各乡镇办场 kept whole). ``leaders_of`` and
``leads_of`` say whom an item belongs to, ``grouped`` gathers statuses by them;
``overdue --by``, ``leaders``, the bulletin (report.py), the year's table
(annual.py) and the 催办单 (remind.py) all use them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from xatrack.errors import InputError
from xatrack.model import BEHIND, MISSING, SEVERE, STATES


@dataclass(frozen=True)
class Row:
    name: str
    total: int
    lead: int  # items where this unit leads (units only; = total for leaders)
    counts: dict[str, int]
    ids: tuple[str, ...]

    @property
    def problems(self) -> tuple[int, int, int]:
        return (self.counts.get(SEVERE, 0), self.counts.get(MISSING, 0), self.counts.get(BEHIND, 0))


def _row(name: str, statuses: list, lead: int) -> Row:
    counts = Counter(s.state for s in statuses)
    return Row(
        name=name,
        total=len(statuses),
        lead=lead,
        counts={state: counts.get(state, 0) for state in STATES},
        ids=tuple(s.item.id for s in statuses),
    )


def problems_first(rows: list[Row]) -> list[Row]:
    """Most red first, then most unreported, then most yellow, then larger totals."""
    return sorted(rows, key=lambda r: (tuple(-n for n in r.problems), -r.total, r.name))


NO_LEADER = "(未列责任领导)"
NO_LEAD = "(未列牵头单位)"


def leaders_of(item, directory) -> tuple[str, ...]:
    """The item's responsible leaders by their canonical names (aliases merged), in the
    plan's order, each once; () when it names none. ``item``: a model.Item or an ItemLine."""
    return tuple(dict.fromkeys(directory.canonical_leader(n) for n in item.leaders))


def leads_of(item, directory) -> tuple[str, ...]:
    """The item's lead units by their canonical names (aliases merged; a group stays a
    group), in the plan's order, each once; () when it names none."""
    return tuple(dict.fromkeys(directory.canonical_unit(n) for n in item.lead))


def grouped(statuses, grouping: str, directory, *, lines: bool = False, unlisted: bool = True) -> dict[str, list]:
    """Statuses by responsible leader (``grouping`` "leader") or by lead unit ("unit"), canonical
    names, in order of first appearance; an item with several is in each of their groups.
    ``lines``: the statuses are evaluate.ItemLine; ``unlisted``: an item naming nobody goes to
    the group NO_LEADER / NO_LEAD (else it is left out)."""
    names_of, nobody = (leaders_of, NO_LEADER) if grouping == "leader" else (leads_of, NO_LEAD)
    groups: dict[str, list] = {}
    for status in statuses:
        names = names_of(status if lines else status.item, directory)
        if not names and unlisted:
            names = (nobody,)
        for name in names:
            groups.setdefault(name, []).append(status)
    return groups


def by_leader(statuses, directory) -> list[Row]:
    groups = grouped(statuses, "leader", directory, unlisted=False)
    return problems_first([_row(name, members, len(members)) for name, members in groups.items()])


def by_unit(statuses, directory, plan_names, lead_only: bool = False) -> list[Row]:
    """Every concrete unit with the items it leads or shares, groups expanded
    (a town counts the items of 各乡镇办场)."""
    names = _concrete_units(directory, plan_names)
    rows = []
    for name in names:
        query = directory.unit_query(name, plan_names)
        mine = [s for s in statuses if query.matches(s.item.lead if lead_only else s.item.lead + s.item.units)]
        if not mine:
            continue
        lead = sum(1 for s in mine if query.matches(s.item.lead))
        rows.append(_row(name, mine, lead))
    return problems_first(rows)


def _concrete_units(directory, plan_names) -> list[str]:
    names: dict[str, None] = {}
    for name in directory.unit_names():
        if not directory.is_group(name):
            names[name] = None
    for name in plan_names:
        if not directory.is_group(name):
            names[directory.canonical_unit(name)] = None
    return list(names)


# --------------------------------------------------------------------------- overdue --by


GROUPINGS = {"leader": "leader", "领导": "leader", "unit": "unit", "单位": "unit", "lead": "unit", "牵头单位": "unit"}


def check_grouping(by: str | None) -> str | None:
    """--by's value: leader or unit (None when not given)."""
    if by is None:
        return None
    key = by.strip().lower()
    if key not in GROUPINGS:
        raise InputError(f"--by 的值\"{by}\"无效:应为 leader(按责任领导)或 unit(按牵头单位)")
    return GROUPINGS[key]


def group(statuses, grouping: str, directory, lines: bool = False) -> list[tuple[str, list]]:
    """Statuses (``lines``: evaluate.ItemLine) by responsible leader or by lead unit (``grouped``:
    canonical names), biggest group first."""
    groups = grouped(statuses, grouping, directory, lines=lines)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
