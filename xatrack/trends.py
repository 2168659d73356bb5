"""各季度对比: how the plan moved from quarter to quarter.

Pure: per-quarter evaluations in (one list of ``ItemStatus`` per quarter of the
year so far, the same items in each), a frozen ``Trends`` value out. How items
are grouped (lead units, leaders) and how lead units are ranked come in as
functions from ``report.py``, so the ranking here is always the bulletin's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .evaluate import ItemStatus
from .model import BEHIND, DONE, MISSING, ON_TRACK, PENDING, SEVERE, STATES, Quarter

# Better to worse for "improved"/"worsened", between reported states only: an
# item that was not reported has no progress to compare with (未报送 -> 严重滞后
# is a new report, not progress made), and one no longer reported has none to
# compare (严重滞后 -> 未报送 is a report missing, not progress lost). Those two
# moves are listed on their own: ``reported`` and ``lapsed``.
PROGRESS = {DONE: 0, ON_TRACK: 1, BEHIND: 2, SEVERE: 3}

Grouping = Callable[[ItemStatus], Iterable[str]]
# names -> their statuses at one quarter  ->  {name: place} (1 = best)
Ranking = Callable[[dict[str, list[ItemStatus]]], dict[str, int]]


@dataclass(frozen=True)
class TrendRow:
    """One lead unit or leader: status counts at each quarter (STATES order)."""

    name: str
    counts: tuple[tuple[int, ...], ...]  # one tuple per quarter of Trends.quarters
    ranks: tuple[int, ...] = ()  # place at each quarter (lead units only)

    def count(self, quarter_index: int, state: str) -> int:
        return self.counts[quarter_index][STATES.index(state)]

    @property
    def rank(self) -> int:
        return self.ranks[-1] if self.ranks else 0

    @property
    def previous_rank(self) -> int | None:
        return self.ranks[-2] if len(self.ranks) > 1 else None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous quarter (negative: lost); None in Q1."""
        previous = self.previous_rank
        return None if previous is None else previous - self.rank


@dataclass(frozen=True)
class Move:
    """An item whose state changed since the previous quarter."""

    item_id: str
    text: str
    lead: tuple[str, ...]
    before: str
    after: str


@dataclass(frozen=True)
class Streak:
    """A lead unit with items unreported for two or more quarters running (连续未报送)."""

    unit: str
    quarters: int  # the longest run among its items, ending at the report's quarter
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Trends:
    quarters: tuple[Quarter, ...]  # Q1 .. the report's quarter
    units: tuple[TrendRow, ...]  # lead units, in the order of the current ranking
    leaders: tuple[TrendRow, ...]
    improved: tuple[Move, ...]  # reported both quarters, a better state than in the previous one
    worsened: tuple[Move, ...]  # reported both quarters, a worse state
    stopped: tuple[str, ...]  # lead units that reported last quarter and nothing this quarter
    streaks: tuple[Streak, ...]  # 连续未报送, longest first
    overall: tuple[tuple[int, ...], ...] = ()  # all the report's items: counts at each quarter
    reported: tuple[Move, ...] = ()  # 未报送 in the previous quarter, reported now
    lapsed: tuple[Move, ...] = ()  # reported in the previous quarter, 未报送 now

    @property
    def moves(self) -> tuple[tuple[str, str, str, tuple[Move, ...]], ...]:
        """What moved since the previous quarter, as every format lists it:
        (key, title, short title, moves)."""
        return (
            ("improved", "进度好转的事项", "进度好转", self.improved),
            ("worsened", "进度变差的事项", "进度变差", self.worsened),
            ("reported", "新报送的事项(上季度未报送)", "新报送", self.reported),
            ("lapsed", "停报的事项(上季度报送、本季度未报送)", "停报", self.lapsed),
        )

    @property
    def has_previous(self) -> bool:
        return len(self.quarters) > 1

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(f"Q{q.q}" for q in self.quarters)


def owes(status: ItemStatus) -> bool:
    """Owes a report this quarter: the 催办 rule (ItemStatus.owes_report), as report.not_reported."""
    return status.owes_report


def build_trends(
    evaluations: Sequence[tuple[Quarter, Sequence[ItemStatus]]],
    lead_units: Grouping,
    leaders: Grouping,
    rank: Ranking,
    leader_order: Sequence[str] = (),
) -> Trends:
    """``evaluations``: (quarter, statuses) for Q1 .. the report's quarter, oldest first."""
    quarters = tuple(q for q, _ in evaluations)
    per_quarter = [list(statuses) for _, statuses in evaluations]
    if not per_quarter:
        return Trends((), (), (), (), (), (), ())
    current = per_quarter[-1]

    def groups(statuses, grouping) -> dict[str, list[ItemStatus]]:
        result: dict[str, list[ItemStatus]] = {}
        for status in statuses:
            for name in grouping(status):
                result.setdefault(name, []).append(status)
        return result

    unit_groups = [groups(s, lead_units) for s in per_quarter]
    leader_groups = [groups(s, leaders) for s in per_quarter]
    unit_ranks = [rank(g) for g in unit_groups]

    def counts(members, unit: str | None = None) -> tuple[int, ...]:
        states = [s.state if unit is None else s.state_for(unit) for s in members]
        return tuple(sum(1 for st in states if st == state) for state in STATES)

    listed = {name: i for i, name in enumerate(unit_ranks[-1])}  # the ranking's own order of listing
    unit_names = sorted(unit_groups[-1], key=lambda n: (unit_ranks[-1].get(n, 0), listed.get(n, len(listed)), n))
    units = tuple(
        TrendRow(
            name,
            tuple(counts(g.get(name, ()), name) for g in unit_groups),
            tuple(r.get(name, 0) for r in unit_ranks),
        )
        for name in unit_names
    )
    order = {name: i for i, name in enumerate(leader_order)}
    first = {name: i for i, name in enumerate(leader_groups[-1])}
    names = sorted(first, key=lambda n: (order.get(n, len(order)), first[n]))
    leader_rows = tuple(TrendRow(n, tuple(counts(g.get(n, ())) for g in leader_groups)) for n in names)

    moved: dict[str, list[Move]] = {"improved": [], "worsened": [], "reported": [], "lapsed": []}
    stopped: list[str] = []
    if len(per_quarter) > 1:
        before = {s.item.id: s.state for s in per_quarter[-2]}
        for status in current:
            old = before.get(status.item.id)
            if old is None or old == status.state or PENDING in (old, status.state):
                continue  # before the deadline nothing has moved yet
            move = Move(status.item.id, status.item.text, tuple(status.item.lead), old, status.state)
            if old == MISSING:
                kind = "reported"
            elif status.state == MISSING:
                kind = "lapsed"
            else:
                kind = "improved" if PROGRESS[status.state] < PROGRESS[old] else "worsened"
            moved[kind].append(move)
        for name, members in unit_groups[-1].items():
            earlier = unit_groups[-2].get(name, [])
            reported_before = any(s.reported_by(name) for s in earlier)
            reported_now = any(s.reported_by(name) for s in members)
            if reported_before and not reported_now and any(s.owed_by(name) for s in members):
                stopped.append(name)

    streaks = _streaks(per_quarter, lead_units)
    return Trends(
        quarters=quarters,
        units=units,
        leaders=leader_rows,
        improved=tuple(moved["improved"]),
        worsened=tuple(moved["worsened"]),
        reported=tuple(moved["reported"]),
        lapsed=tuple(moved["lapsed"]),
        stopped=tuple(sorted(stopped, key=lambda n: (unit_ranks[-1].get(n, 0), n))),
        streaks=streaks,
        overall=tuple(counts(statuses) for statuses in per_quarter),
    )


def _streaks(per_quarter: list[list[ItemStatus]], lead_units: Grouping) -> tuple[Streak, ...]:
    """连续未报送 per lead unit, each on its own reporting."""
    owing = [
        {(name, s.item.id) for s in statuses for name in lead_units(s) if s.owed_by(name)} for statuses in per_quarter
    ]
    by_unit: dict[str, list[str]] = {}
    runs: dict[str, list[int]] = {}
    for status in per_quarter[-1]:
        for name in lead_units(status):
            run = 0
            for owed in reversed(owing):
                if (name, status.item.id) not in owed:
                    break
                run += 1
            if run >= 2:
                by_unit.setdefault(name, []).append(status.item.id)
                runs.setdefault(name, []).append(run)
    rows = [Streak(name, max(runs[name]), tuple(ids)) for name, ids in by_unit.items()]
    return tuple(sorted(rows, key=lambda r: (-r.quarters, -len(r.ids), r.unit)))


# Each quarter is evaluated again from every entry recorded so far, so a quarter
# whose bulletin was published may differ from what it said (late reports,
# corrections); the comparison above the trends follows the published bulletin.
TRENDS_BASIS = "各季度按目前的全部记录(含逾期补报和更正)重新计算,已发布通报的季度可能与当时发布的数字不同。"
TRENDS_NOTE = "各季度格中为 绿(已完成+正常)、黄(滞后)、红(严重滞后)、灰(未报送)的事项数;名次为本季度排名,变化与上季度相比(↑上升、↓下降)。" + TRENDS_BASIS


def rank_change_text(row: TrendRow) -> str:
    """'↑2' / '↓1' / '—' (no change) / '' (no previous quarter)."""
    change = row.rank_change
    if change is None:
        return ""
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "—"


def counts_text(counts: tuple[int, ...]) -> str:
    """'绿3 黄1 红2 灰5': green (已完成+正常), yellow, red, grey, as a table cell."""
    done, on_track, behind, severe, missing = counts
    return f"绿{done + on_track} 黄{behind} 红{severe} 灰{missing}"
