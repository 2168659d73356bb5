"""The quarterly bulletin (季度通报) as one value.

``build_report`` is pure: plan, directory, entries and a quarter in, a frozen
``Report`` out. Every number comes from ``evaluate.evaluate`` (the evaluation
``overdue`` uses); the renderers in ``views/report_*.py`` only lay it out, so
the terminal, Markdown, HTML and Excel versions always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xatrack.evaluate import SEVERITY, ItemStatus, evaluate
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES, Plan, Quarter
from xatrack.rollup import by_leader

_CN_NUMBERS = "一二三四五六七八九十"
NO_LEADER = "(未列责任领导)"
NO_LEAD = "(未列牵头单位)"
OTHER_ITEMS = "其他事项"


@dataclass(frozen=True)
class Tally:
    """How many items of a group are in each state (counts in ``STATES`` order)."""

    name: str  # 合计 / 主要预期目标 / 行动一 / a leader / a lead unit
    counts: tuple[int, ...]
    ids: tuple[str, ...]
    title: str = ""  # the full title (of an action), "" otherwise
    rank: int = 0  # place in the lead-unit ranking (ties share a place); 0 elsewhere

    @property
    def total(self) -> int:
        return len(self.ids)

    def count(self, state: str) -> int:
        return self.counts[STATES.index(state)]

    @property
    def lagging(self) -> int:
        """滞后 + 严重滞后."""
        return self.count(BEHIND) + self.count(SEVERE)

    @property
    def problems(self) -> int:
        """滞后 + 严重滞后 + 未报送: what the lead-unit ranking counts."""
        return self.lagging + self.count(MISSING)

    @property
    def green(self) -> int:
        return self.count(DONE) + self.count(ON_TRACK)


@dataclass(frozen=True)
class Figure:
    """One metric of a lagging item: what the pace asks against what was reported."""

    name: str
    unit: str
    kind: str
    op: str
    target: float
    expected: float | None  # expected by the end of the quarter (the target itself for growth/level)
    value: float | None  # reported year-to-date value, None if not reported
    state: str


@dataclass(frozen=True)
class LaggingItem:
    status: ItemStatus
    figures: tuple[Figure, ...]

    @property
    def item(self):
        return self.status.item

    @property
    def state(self) -> str:
        return self.status.state


@dataclass(frozen=True)
class LeaderGroup:
    leader: str
    items: tuple[LaggingItem, ...]


@dataclass(frozen=True)
class Reminder:
    """A lead unit that owes reports this quarter (催办)."""

    unit: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    item_id: str
    text: str
    leaders: tuple[str, ...]
    lead: tuple[str, ...]
    before: str  # state at the previous quarter
    after: str  # state now
    reason: str


@dataclass(frozen=True)
class Comparison:
    """Change since the previous quarter (None in a report for Q1)."""

    previous: Quarter
    before: Tally  # all items of the report, at the previous quarter
    turned_red: tuple[Change, ...]
    completed: tuple[Change, ...]
    states: tuple[tuple[str, str], ...] = ()  # (item id, state at the previous quarter), report order

    def state_of(self, item_id: str) -> str | None:
        return dict(self.states).get(item_id)


@dataclass(frozen=True)
class Report:
    title: str
    plan_title: str
    quarter: Quarter
    scope: tuple[str, ...]  # the filters in words ("领导:洪声耀"); () for the whole plan
    as_of: date | None
    overall: Tally
    targets: Tally | None  # None when the report holds no target
    actions: tuple[Tally, ...]
    leaders: tuple[Tally, ...]
    units: tuple[Tally, ...]  # lead units, ranked: fewest 严重滞后+滞后+未报送 first
    lagging: tuple[LeaderGroup, ...]
    reminders: tuple[Reminder, ...]
    comparison: Comparison | None
    statuses: tuple[ItemStatus, ...]  # every item of the report, plan order
    trends: object = None  # trends.Trends: 各季度对比 (Q1 .. this quarter)

    @property
    def no_previous_text(self) -> str:
        return f"{self.quarter.label}是年度第一个季度,没有上一季度可比。"

    @property
    def lagging_count(self) -> int:
        return sum(1 for s in self.statuses if s.state in (BEHIND, SEVERE))

    @property
    def unreported_count(self) -> int:
        return len({i for r in self.reminders for i in r.ids})


# --------------------------------------------------------------------------- building


def build_report(
    plan: Plan,
    directory,
    entries: Iterable,
    quarter: Quarter,
    selector=None,
    scope: Iterable[str] = (),
    as_of: date | None = None,
) -> Report:
    """The bulletin of ``quarter`` for the items ``selector`` keeps (all without one).

    ``selector`` is a ``queries.Selector``: its item filters choose the items,
    its ``--status`` filter the evaluated ones, exactly as in ``list``.
    """
    entries = list(entries)
    items = selector.items(plan) if selector is not None else list(plan.items)
    evaluated = evaluate(plan, entries, quarter, items)
    statuses = tuple(selector.select(evaluated) if selector is not None else evaluated)

    overall = tally("合计", statuses)
    target_statuses = [s for s in statuses if s.item.is_target]
    targets = tally("主要预期目标", target_statuses) if target_statuses else None
    actions = _actions(plan, statuses)
    leaders = _leaders(statuses, directory)
    units = rank_units(_lead_units(statuses, directory))
    lagging = _lagging(statuses, leaders, directory)
    reminders = _reminders(statuses, directory)
    comparison = _compare(plan, entries, quarter, statuses)
    trends = _trends(plan, entries, quarter, statuses, directory)
    title = f"{quarter.label}目标任务推进情况通报"
    return Report(
        title=title,
        plan_title=plan.info.title,
        quarter=quarter,
        scope=tuple(scope),
        as_of=as_of,
        overall=overall,
        targets=targets,
        actions=actions,
        leaders=leaders,
        units=units,
        lagging=lagging,
        reminders=reminders,
        comparison=comparison,
        statuses=statuses,
        trends=trends,
    )


def tally(name: str, statuses: Iterable[ItemStatus], title: str = "", rank: int = 0) -> Tally:
    statuses = list(statuses)
    counts = tuple(sum(1 for s in statuses if s.state == state) for state in STATES)
    return Tally(name=name, counts=counts, ids=tuple(s.item.id for s in statuses), title=title, rank=rank)


def action_label(action_id: int) -> str:
    if 1 <= action_id <= len(_CN_NUMBERS):
        return f"行动{_CN_NUMBERS[action_id - 1]}"
    return f"行动{action_id}"


def _short_title(title: str) -> str:
    """'实施发展提速行动,推动经济持续向好' -> '实施发展提速行动'."""
    for mark in (",", ",", ";", ";"):
        if mark in title:
            return title.split(mark, 1)[0]
    return title


def _actions(plan: Plan, statuses) -> tuple[Tally, ...]:
    tasks = [s for s in statuses if not s.item.is_target]
    rows = []
    known = set()
    for action in plan.actions:
        known.add(action.id)
        members = [s for s in tasks if s.item.action == action.id]
        if members:
            rows.append(tally(action_label(action.id), members, title=_short_title(action.title)))
    rest = [s for s in tasks if s.item.action not in known]
    if rest:
        rows.append(tally(OTHER_ITEMS, rest))
    return tuple(rows)


def _leader_order(directory, names: Iterable[str]) -> list[str]:
    """Directory order (the document's order of leaders), then first appearance."""
    order = {name: i for i, name in enumerate(directory.leader_names())}
    names = list(dict.fromkeys(names))
    return sorted(names, key=lambda n: (n == NO_LEADER, order.get(n, len(order)), names.index(n)))


def _leaders(statuses, directory) -> tuple[Tally, ...]:
    by_id = {s.item.id: s for s in statuses}
    rows = {row.name: tally(row.name, (by_id[i] for i in row.ids)) for row in by_leader(statuses, directory)}
    orphans = [s for s in statuses if not s.item.leaders]
    if orphans:
        rows[NO_LEADER] = tally(NO_LEADER, orphans)
    return tuple(rows[name] for name in _leader_order(directory, rows))


def _leaders_of(status, directory) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(directory.canonical_leader(n) for n in status.item.leaders))
    return names or (NO_LEADER,)


def _leads_of(status, directory) -> tuple[str, ...]:
    """Lead units as the directory names them (aliases merged; a group stays a group)."""
    names = tuple(dict.fromkeys(directory.canonical_unit(n) for n in status.item.lead))
    return names or (NO_LEAD,)


def _lead_units(statuses, directory) -> list[Tally]:
    groups: dict[str, list] = {}
    for status in statuses:
        for name in _leads_of(status, directory):
            groups.setdefault(name, []).append(status)
    return [tally(name, members) for name, members in groups.items()]


def _ranking_key(row: Tally) -> tuple[int, int, int]:
    return (row.problems, row.count(SEVERE), row.count(MISSING))


def rank_units(rows: Iterable[Tally]) -> tuple[Tally, ...]:
    """Fewest 严重滞后+滞后+未报送 first; then fewer red, fewer unreported.

    Units equal on all three share a place (1, 2, 2, 4); among them more items
    completed, then more items, then the name decide the order of listing.
    """
    ordered = sorted(rows, key=lambda r: (_ranking_key(r), -r.count(DONE), -r.total, r.name))
    ranked = []
    previous = None
    place = 0
    for index, row in enumerate(ordered, start=1):
        key = _ranking_key(row)
        if key != previous:
            place = index
            previous = key
        ranked.append(Tally(row.name, row.counts, row.ids, row.title, rank=place))
    return tuple(ranked)


def _figures(status: ItemStatus) -> tuple[Figure, ...]:
    return tuple(
        Figure(
            name=ms.metric.name,
            unit=ms.metric.unit,
            kind=ms.metric.kind,
            op=ms.metric.op,
            target=ms.metric.target,
            expected=ms.expected if ms.expected is not None else ms.metric.target,
            value=ms.value,
            state=ms.state,
        )
        for ms in status.metrics
    )


def _worst_first(statuses) -> list[ItemStatus]:
    return sorted(statuses, key=lambda s: -SEVERITY[s.state])


def _lagging(statuses, leaders: tuple[Tally, ...], directory) -> tuple[LeaderGroup, ...]:
    lagging = _worst_first(s for s in statuses if s.state in (SEVERE, BEHIND))
    groups: dict[str, list[LaggingItem]] = {}
    for status in lagging:
        entry = LaggingItem(status, _figures(status))
        for name in _leaders_of(status, directory):
            groups.setdefault(name, []).append(entry)
    order = [row.name for row in leaders if row.name in groups]
    order += [name for name in groups if name not in order]
    return tuple(LeaderGroup(name, tuple(groups[name])) for name in order)


def not_reported(status: ItemStatus) -> bool:
    """Owes a report this quarter: 未报送, or past due with nothing reported."""
    return status.state == MISSING or (status.last_entry is None and status.state != DONE)


def _reminders(statuses, directory) -> tuple[Reminder, ...]:
    groups: dict[str, list[str]] = {}
    for status in statuses:
        if not not_reported(status):
            continue
        for name in _leads_of(status, directory):
            groups.setdefault(name, []).append(status.item.id)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return tuple(Reminder(name, tuple(ids)) for name, ids in ordered)


def _change(status: ItemStatus, before: str) -> Change:
    item = status.item
    return Change(item.id, item.text, item.leaders, item.lead, before, status.state, status.reason)


def _compare(plan: Plan, entries, quarter: Quarter, statuses) -> Comparison | None:
    previous = quarter.previous()
    if previous is None:
        return None
    items = [s.item for s in statuses]
    earlier = evaluate(plan, entries, previous, items)
    before = {s.item.id: s.state for s in earlier}
    turned_red = tuple(
        _change(s, before[s.item.id]) for s in statuses if s.state == SEVERE and before[s.item.id] != SEVERE
    )
    completed = tuple(
        _change(s, before[s.item.id]) for s in statuses if s.state == DONE and before[s.item.id] != DONE
    )
    return Comparison(
        previous, tally("合计", earlier), turned_red, completed, tuple((s.item.id, s.state) for s in earlier)
    )


def _trends(plan: Plan, entries, quarter: Quarter, statuses, directory):
    """各季度对比: the report's items evaluated at each quarter so far (xatrack.trends)."""
    from xatrack.trends import build_trends

    items = [s.item for s in statuses]
    evaluations = [
        (q, statuses if q == quarter else evaluate(plan, entries, q, items))
        for q in (Quarter(quarter.year, n) for n in range(1, quarter.q + 1))
    ]

    def rank(groups) -> dict[str, int]:
        return {row.name: row.rank for row in rank_units(tally(name, members) for name, members in groups.items())}

    return build_trends(
        evaluations,
        lambda s: _leads_of(s, directory),
        lambda s: _leaders_of(s, directory),
        rank,
        leader_order=[row.name for row in _leaders(statuses, directory)],
    )


# --------------------------------------------------------------------------- shared wording


def figure_text(figure: Figure) -> tuple[str, str]:
    """(expected, reported) as a bulletin writes them: ('84个', '45个'), ('≥7%', '6.2%')."""
    from xatrack.evaluate import fmt

    unit = figure.unit
    if figure.kind == "cumulative" and figure.op == ">=":
        expected = f"{fmt(figure.expected)}{unit}"
    else:
        sign = "≤" if figure.op == "<=" else "≥"
        expected = f"{sign}{fmt(figure.expected)}{unit}"
    reported = "未报送" if figure.value is None else f"{fmt(figure.value)}{unit}"
    return expected, reported


def item_figures_text(entry: LaggingItem) -> str:
    """All figures of a lagging item in one line; the reported status for items without metrics."""
    if not entry.figures:
        reported = entry.status.reported_status
        text = f"报送状态:{reported}" if reported else "—"
        note = entry.status.note
        return f"{text}({note})" if note else text
    single = len(entry.figures) == 1
    parts = []
    for figure in entry.figures:
        expected, reported = figure_text(figure)
        name = "" if single else f"{figure.name} "
        parts.append(f"{name}应 {expected} / 报 {reported}")
    return ";".join(parts)


SECTIONS = (
    "一、总体情况",
    "二、各责任领导事项情况",
    "三、牵头单位排名",
    "四、滞后事项(按责任领导)",
    "五、催办名单(本季度未报送)",
    "六、与上季度相比",
)

RANKING_NOTE = "按 严重滞后+滞后+未报送 事项数从少到多排名,相同时严重滞后少的在前、再未报送少的在前;三项都相同的并列。"


def counts_sentence(row: Tally) -> str:
    """'共 107 项:已完成 3 项,正常 20 项,滞后 5 项,严重滞后 4 项,未报送 75 项。'"""
    parts = ",".join(f"{state} {row.count(state)} 项" for state in STATES)
    return f"共 {row.total} 项:{parts}。"


def comparison_sentence(comparison: Comparison) -> str:
    return (
        f"{comparison.previous.label}:{counts_sentence(comparison.before)}"
        f"本季度新转为严重滞后 {len(comparison.turned_red)} 项,新完成 {len(comparison.completed)} 项。"
    )
