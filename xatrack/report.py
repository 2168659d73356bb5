"""The quarterly bulletin (季度通报) as one value.

``build_report`` is pure: plan, directory, entries and a quarter in, a frozen
``Report`` out. Every number comes from ``evaluate.evaluate`` (the evaluation
``overdue`` uses); the renderers in ``views/report_*.py`` only lay it out, so
the terminal, Markdown, HTML and Excel versions always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from datetime import date

from xatrack.evaluate import OFFICE_FIGURE, ItemStatus, evaluate, fmt, sort_worst_first
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, PENDING, SEVERE, STATES, UNIT_PENDING, Plan, Quarter
from xatrack.roles import Roles
from xatrack.rollup import NO_LEAD, NO_LEADER, by_leader, grouped, leaders_of, leads_of
from xatrack.schedule import deadline
from xatrack.trends import build_trends
from xatrack import score

_CN_NUMBERS = "一二三四五六七八九十"
OTHER_ITEMS = "其他事项"


@dataclass(frozen=True)
class Tally:
    """How many items of a group are in each state (counts in ``STATES`` order)."""

    name: str  # 合计 / 主要预期目标 / 行动一 / a leader / a lead unit
    counts: tuple[int, ...]
    ids: tuple[str, ...]
    title: str = ""  # the full title (of an action), "" otherwise
    rank: int = 0  # place in the lead-unit ranking (ties share a place); 0 elsewhere
    timely: int = 0  # items reported in full by the deadline (or finished earlier)
    score: float | None = None  # weighted score when settings.ranking sets weights
    pending: int = 0  # items still to come before the deadline (待报送): counted apart, in no rate

    @property
    def progress_rate(self) -> float:
        """推进率: share of items 正常 or 已完成 (score.Rates)."""
        return self.rates.progress_rate

    @property
    def timely_rate(self) -> float:
        """及时率: share of items reported in full by the deadline (score.Rates)."""
        return self.rates.timely_rate

    @property
    def rates(self) -> score.Rates:
        return score.Rates(self.total - self.pending, self.green, self.timely, self.count(SEVERE), self.count(MISSING))

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
    """A lead unit that owes reports this quarter (催办).

    ``missing``: for each item, the metrics it lacks (() for an item without
    metrics, or with none reported); ``consecutive``: the items not reported
    in the previous quarter either (连续未报送)."""

    unit: str
    ids: tuple[str, ...]
    missing: tuple[tuple[str, tuple[str, ...]], ...] = ()
    consecutive: tuple[str, ...] = ()
    # Items whose figure the office recorded (督查室核实数据): the unit still owes its report.
    verified: tuple[str, ...] = ()

    def missing_of(self, item_id: str) -> tuple[str, ...]:
        return dict(self.missing).get(item_id, ())


@dataclass(frozen=True)
class UnitItems:
    """A unit and some of its items: 逾期报送 per lead unit, 分项报送 per responsible unit."""

    unit: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Forecast:
    """A goal unlikely to be met this year at the pace so far."""

    item_id: str
    metric: str
    value: float  # reported so far (year-to-date)
    projected: float  # carried to the year's end
    target: float
    unit: str


@dataclass(frozen=True)
class Query:
    """One line of the 请核实 list: something in the figures a person must look at."""

    item_id: str
    kind: str  # 报送不一致 / 非本事项单位报送 / 完成状态与数字不符
    text: str  # one sentence: who sent what


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
    # When the previous quarter's bulletin was published (bulletins/), the
    # comparison is with what it said: its publication time; else "".
    published: str = ""

    def state_of(self, item_id: str) -> str | None:
        return self._state_by_id.get(item_id)

    @cached_property
    def _state_by_id(self) -> dict[str, str]:
        """``states`` as a dict, made once: a workbook asks it for each of 10,000 items."""
        return dict(self.states)


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
    late: tuple[UnitItems, ...] = ()  # lead units whose figures came after the deadline (逾期报送)
    contributors: tuple[UnitItems, ...] = ()  # responsible units that reported their part (分项报送)
    ranking_rule: str = ""  # the ranking rule in one sentence (score.rule_sentence)
    deadline: date | None = None  # the quarter's reporting deadline
    # This quarter's bulletin as published (bulletins/), when one was and this
    # report is not it: (publication time, items whose status has changed since).
    published: tuple[str, tuple[str, ...]] | None = None
    findings: object = None  # findings.FindingsSection: inspections in the quarter (None: no findings recorded)
    trends: object = None  # trends.Trends: 各季度对比 (Q1 .. this quarter)
    # Lead units that reported on time and corrected after the deadline (逾期更正: not late).
    corrected: tuple[UnitItems, ...] = ()
    queries: tuple[Query, ...] = ()  # 请核实: co-leads disagreeing, units outside an item, claims the figures deny
    unfinished: tuple[str, ...] = ()  # ids at or past their due quarter and not done (到期未完成)
    no_lead: tuple[str, ...] = ()  # ids without a lead unit: listed apart, never ranked or reminded
    # Before the deadline: (deadline, ids still to come). None once it has passed.
    pending: tuple[date, tuple[str, ...]] | None = None
    # 预计难以完成全年目标 (from Q2 on): cumulative goals whose pace so far
    # projects short of the target by more than the tolerance (MetricStatus.projected).
    forecast: tuple[Forecast, ...] = ()

    @property
    def no_previous_text(self) -> str:
        return f"{self.quarter.label}是年度第一个季度,没有上一季度可比。"

    @property
    def unreported_count(self) -> int:
        return len({i for r in self.reminders for i in r.ids})

    @property
    def as_of_text(self) -> str:
        """'2025-07-10', or '2025-07-10 09:30' for a report as of a moment."""
        if self.as_of is None:
            return ""
        if hasattr(self.as_of, "hour"):
            return self.as_of.strftime("%Y-%m-%d %H:%M")
        return self.as_of.isoformat()


# --------------------------------------------------------------------------- building


def build_report(
    plan: Plan,
    directory,
    entries: Iterable,
    quarter: Quarter,
    selector=None,
    scope: Iterable[str] = (),
    as_of=None,
    roles=None,
    previous_published: dict | None = None,
    current_published: dict | None = None,
    findings=None,
) -> Report:
    """The bulletin of ``quarter`` for the items ``selector`` keeps (all without one).

    ``selector`` is a ``queries.Selector``: its item filters choose the items,
    its ``--status`` filter the evaluated ones, exactly as in ``list``.
    ``roles`` (roles.Roles) tells contributions apart, as in every command.
    ``previous_published``: the previous quarter's published bulletin
    (bulletin.record), compared with instead of a fresh evaluation;
    ``current_published``: this quarter's, to say what changed since.
    """
    if roles is None:
        roles = Roles(directory)
    entries = list(entries)
    items = selector.items(plan) if selector is not None else list(plan.items)
    evaluated = evaluate(plan, entries, quarter, items, roles=roles, findings=findings, as_of=as_of)
    statuses = tuple(selector.select(evaluated) if selector is not None else evaluated)
    weights = plan.settings.ranking_weights

    overall = tally("合计", statuses)
    target_statuses = [s for s in statuses if s.item.is_target]
    targets = tally("主要预期目标", target_statuses) if target_statuses else None
    actions = _actions(plan, statuses)
    leaders = _leaders(statuses, directory)
    units = rank_units(lead_units(statuses, directory), weights)
    lagging = _lagging(statuses, leaders, directory)
    previous = quarter.previous()
    earlier = evaluate(plan, entries, previous, [s.item for s in statuses], roles=roles, findings=findings) if previous else None
    reminders = _reminders(statuses, directory, earlier)
    comparison = _compare(quarter, statuses, earlier, previous_published)
    published = None
    if current_published is not None:
        was = dict(current_published.get("states") or {})
        changed = tuple(s.item.id for s in statuses if s.item.id in was and was[s.item.id] != s.state)
        published = (str(current_published.get("published_at", "")), changed)
    day = as_of.date() if hasattr(as_of, "hour") else as_of
    findings_part = _findings(findings, statuses, selector, directory, quarter, day) if findings else None
    trends = _trends(plan, entries, quarter, statuses, directory, roles=roles, findings=findings)
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
        late=_late(statuses, directory),
        contributors=_contributors(statuses, roles),
        corrected=_corrected(statuses, directory),
        queries=_queries(statuses, roles),
        unfinished=tuple(s.item.id for s in statuses if s.unfinished and s.state == SEVERE),
        no_lead=tuple(s.item.id for s in statuses if not s.item.lead),
        pending=_pending(statuses, plan, quarter),
        forecast=tuple(
            Forecast(s.item.id, ms.metric.name, ms.value, ms.projected, ms.metric.target, ms.metric.unit)
            for s in statuses for ms in s.metrics if ms.unlikely
        ),
        ranking_rule=score.rule_sentence(weights),
        deadline=deadline(quarter, plan.settings),
        published=published,
        findings=findings_part,
        trends=trends,
    )


def _findings(findings, statuses, selector, directory, quarter: Quarter, as_of: date | None):
    """The findings part: those of the report's items (and, in a report not
    narrowed to items, those about a unit only; with --unit, the unit's)."""
    from xatrack.findings import section  # lazy: heavy - findings and hashlib (OpenSSL) cost 5 ms; only a tracker with findings gets here

    ids = {s.item.id for s in statuses}
    narrowed = selector is not None and not selector.filters.empty
    unit = getattr(selector, "unit", None) if selector is not None else None

    def kept(finding) -> bool:
        if finding.item is not None:
            return finding.item in ids
        if not narrowed:
            return True
        return unit is not None and unit.matches((finding.unit,))

    end = quarter.end if as_of is None or as_of >= quarter.end else max(as_of, quarter.start)
    items = {s.item.id: s.item for s in statuses}

    def leaders_of(finding):
        item = items.get(finding.item)
        return tuple(dict.fromkeys(directory.canonical_leader(n) for n in item.leaders)) if item else ()

    return section([f for f in findings if kept(f)], quarter.start, end, leaders_of, directory.canonical_unit)


def tally(name: str, statuses: Iterable[ItemStatus], title: str = "", rank: int = 0, unit: str | None = None) -> Tally:
    """Counts of ``statuses`` by state. With ``unit``, each item as that lead
    unit stands on it (unit_state, unit_timely): the item's colour counts for
    every co-lead that reported, 未报送 and 及时 are the unit's own."""
    statuses = list(statuses)
    if unit is None:
        states = [s.state for s in statuses]
        timely = sum(1 for s in statuses if score.reported_on_time(s))
    else:
        states = [unit_state(s, unit) for s in statuses]
        timely = sum(1 for s in statuses if unit_timely(s, unit))
    counts = tuple(sum(1 for state_ in states if state_ == state) for state in STATES)
    return Tally(
        name=name, counts=counts, ids=tuple(s.item.id for s in statuses), title=title, rank=rank, timely=timely,
        pending=sum(1 for state_ in states if state_ == PENDING),
    )


def unit_state(status: ItemStatus, unit: str) -> str:
    """The item's state as it counts for one of its lead units: 未报送 when
    that unit has not reported (whatever its co-leads or the office did),
    else the item's state."""
    return status.state_for(unit)


def unit_timely(status: ItemStatus, unit: str) -> bool:
    """Counts for the unit's 及时率: its own first reports came by the deadline."""
    report = status.unit_report(unit)
    if report is None:
        return score.reported_on_time(status)
    return report.timely


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
    return leaders_of(status.item, directory) or (NO_LEADER,)


def _leads_of(status, directory) -> tuple[str, ...]:
    """Lead units as the directory names them (rollup.leads_of: aliases merged; a group stays a group)."""
    return leads_of(status.item, directory) or (NO_LEAD,)


def lead_units(statuses, directory) -> list[Tally]:
    """One tally per lead unit (rollup.grouped: aliases merged, in order of first
    appearance), each on its own reporting (tally with ``unit``). Items without a
    lead unit are not a unit: they are listed apart (Report.no_lead)."""
    groups = grouped(statuses, "unit", directory, unlisted=False)
    return [tally(name, members, unit=name) for name, members in groups.items()]


def rank_units(rows: Iterable[Tally], weights: tuple[tuple[str, float], ...] = ()) -> tuple[Tally, ...]:
    """Lead units ranked by rates, not counts (score.py): 推进率, then 及时率,
    then fewer 严重滞后 -- or by the weighted score of settings.ranking.
    Units equal on what decides share a place (1, 2, 2, 4)."""
    rows = {row.name: row for row in rows}
    ranked = score.rank(((name, row.rates) for name, row in rows.items()), weights)
    return tuple(
        replace(rows[name], rank=place, score=rates.score(weights) if weights else None) for name, rates, place in ranked
    )


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


def _lagging(statuses, leaders: tuple[Tally, ...], directory) -> tuple[LeaderGroup, ...]:
    lagging = sort_worst_first(s for s in statuses if s.state in (SEVERE, BEHIND))
    groups: dict[str, list[LaggingItem]] = {}
    for status in lagging:
        entry = LaggingItem(status, _figures(status))
        for name in _leaders_of(status, directory):
            groups.setdefault(name, []).append(entry)
    order = [row.name for row in leaders if row.name in groups]
    order += [name for name in groups if name not in order]
    return tuple(LeaderGroup(name, tuple(groups[name])) for name in order)


def not_reported(status: ItemStatus) -> bool:
    """Owes a report this quarter: anything unreported, whatever colour the
    reported part gives the item (ItemStatus.owes_report)."""
    return status.owes_report


def _reminders(statuses, directory, earlier) -> tuple[Reminder, ...]:
    """The 催办 list: per lead unit, the items it has not reported itself."""
    owed_before: set[tuple[str, str]] = set()
    if earlier is not None:
        for status in earlier:
            for name in _leads_of(status, directory):
                if name != NO_LEAD and status.owed_by(name):
                    owed_before.add((name, status.item.id))
    groups: dict[str, list[ItemStatus]] = {}
    for status in statuses:
        for name in _leads_of(status, directory):
            if name != NO_LEAD and status.owed_by(name):
                groups.setdefault(name, []).append(status)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def missing(status: ItemStatus, unit: str) -> tuple[str, ...]:
        report = status.unit_report(unit)
        if report is not None:
            return report.missing
        return status.missing_metrics if status.last_entry is not None else ()

    return tuple(
        Reminder(
            name,
            tuple(s.item.id for s in members),
            missing=tuple((s.item.id, missing(s, name)) for s in members),
            consecutive=tuple(s.item.id for s in members if (name, s.item.id) in owed_before),
            verified=tuple(s.item.id for s in members if s.figure_note == OFFICE_FIGURE),
        )
        for name, members in ordered
    )


def _by_unit(statuses, directory, keep) -> tuple[UnitItems, ...]:
    groups: dict[str, list[str]] = {}
    for status in statuses:
        for name in _leads_of(status, directory):
            report = status.unit_report(name)
            if report is not None and keep(report):
                groups.setdefault(name, []).append(status.item.id)
    return tuple(UnitItems(name, tuple(ids)) for name, ids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def _late(statuses, directory) -> tuple[UnitItems, ...]:
    """逾期报送: lead units whose own first report of an item came after the deadline."""
    return _by_unit(statuses, directory, lambda report: report.late)


def _corrected(statuses, directory) -> tuple[UnitItems, ...]:
    """逾期更正: reported on time, corrected after the deadline (not late)."""
    return _by_unit(statuses, directory, lambda report: bool(report.corrected_late) and not report.late)


def _queries(statuses, roles) -> tuple[Query, ...]:
    """请核实: what a person must look at before the bulletin goes out."""
    found: list[Query] = []
    for status in statuses:
        item_id = status.item.id
        for metric, values in status.disagreements:
            sent = "、".join(f"{unit} {fmt(value)}" for unit, value in values)
            found.append(Query(item_id, "牵头单位报送不一致", f"{metric}:{sent}"))
        seen = set()
        for entry in status.outside:
            who = roles.canonical(entry.by)
            if who in seen:
                continue
            seen.add(who)
            what = fmt(entry.value) if entry.value is not None else (entry.status or entry.note or "")
            found.append(Query(item_id, "非本事项单位报送", f"{who} 报送 {what}(不是本事项的牵头或责任单位,未采用;可能填错了编号)"))
        if status.claim:
            found.append(Query(item_id, "完成状态与数字不符", status.claim))
    return tuple(found)


def _pending(statuses, plan: Plan, quarter: Quarter):
    ids = tuple(s.item.id for s in statuses if s.state == PENDING)
    if not ids and not any(u.state == UNIT_PENDING for s in statuses for u in s.units):
        return None
    return deadline(quarter, plan.settings), ids


def _contributors(statuses, roles) -> tuple[UnitItems, ...]:
    groups: dict[str, list[str]] = {}
    for status in statuses:
        for entry in status.contributions:
            ids = groups.setdefault(roles.canonical(entry.by), [])
            if status.item.id not in ids:
                ids.append(status.item.id)
    return tuple(UnitItems(name, tuple(ids)) for name, ids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def _change(status: ItemStatus, before: str) -> Change:
    item = status.item
    return Change(item.id, item.text, item.leaders, item.lead, before, status.state, status.reason)


def _compare(quarter: Quarter, statuses, earlier, published: dict | None) -> Comparison | None:
    """Change since the previous quarter: against its published bulletin when
    there is one (what was circulated), else a fresh evaluation."""
    previous = quarter.previous()
    if previous is None or earlier is None:
        return None
    before = {s.item.id: s.state for s in earlier}
    when = ""
    if published is not None:
        was = dict(published.get("states") or {})
        before.update({i: state for i, state in was.items() if i in before and state in STATES})
        when = str(published.get("published_at", ""))
    turned_red = tuple(
        _change(s, before[s.item.id]) for s in statuses if s.state == SEVERE and before[s.item.id] != SEVERE
    )
    completed = tuple(
        _change(s, before[s.item.id]) for s in statuses if s.state == DONE and before[s.item.id] != DONE
    )
    ordered = [s.item.id for s in earlier]
    counts = tuple(sum(1 for i in ordered if before[i] == state) for state in STATES)
    before_tally = Tally(name="合计", counts=counts, ids=tuple(ordered))
    return Comparison(previous, before_tally, turned_red, completed, tuple((i, before[i]) for i in ordered), when)


def _trends(plan: Plan, entries, quarter: Quarter, statuses, directory, roles=None, findings=None):
    """各季度对比: the report's items evaluated at each quarter so far (xatrack.trends)."""
    items = [s.item for s in statuses]
    evaluations = [
        (q, statuses if q == quarter else evaluate(plan, entries, q, items, roles=roles, findings=findings))
        for q in (Quarter(quarter.year, n) for n in range(1, quarter.q + 1))
    ]
    weights = plan.settings.ranking_weights

    def rank(groups) -> dict[str, int]:
        rows = rank_units((tally(name, members, unit=name) for name, members in groups.items() if name != NO_LEAD), weights)
        return {row.name: row.rank for row in rows}

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
    unit = figure.unit
    if figure.kind == "cumulative" and figure.op == ">=":
        expected = f"{fmt(figure.expected)}{unit}"
    else:
        sign = "≤" if figure.op == "<=" else "≥"
        expected = f"{sign}{fmt(figure.expected)}{unit}"
    reported = "未报送" if figure.value is None else f"{fmt(figure.value)}{unit}"
    return expected, reported


def item_figures_text(entry: LaggingItem, lagging_only: bool = False) -> str:
    """All figures of a lagging item in one line; the reported status for items without metrics.
    ``lagging_only``: only the metrics that lag or are missing (the Word 通报's table: what a leader
    must act on; the other formats list every metric)."""
    if not entry.figures:
        reported = entry.status.reported_status
        text = f"报送状态:{reported}" if reported else "—"
        note = entry.status.note
        return f"{text}({note})" if note else text
    single = len(entry.figures) == 1
    parts = []
    shown = entry.figures
    if lagging_only and not single:
        shown = [f for f in entry.figures if f.state not in (DONE, ON_TRACK)] or list(entry.figures)
    for figure in shown:
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
FINDINGS_SECTION = "七、督查发现及整改"


def findings_sentence(part) -> str:
    """'本季度新发现问题 3 个,销号 1 个;截至 9月30日 未销号 4 个,其中逾期未整改 2 个。'"""
    open_count = sum(1 for status in part.statuses.values() if status != "已销号")
    return (
        f"本季度新发现问题 {len(part.new)} 个,销号 {len(part.closed)} 个;"
        f"截至 {part.end.month}月{part.end.day}日 未销号 {open_count} 个,其中逾期未整改 {len(part.overdue)} 个。"
    )

def percent(rate: float) -> str:
    """0.953 -> '95.3%'."""
    return f"{round(100 * rate, 1):g}%"


def reminder_text(reminder: Reminder) -> str:
    """'16(缺:潜龙企业)、37、38(连续未报送)' for a 催办 line."""
    return "、".join(reminder_parts(reminder))


def reminder_parts(reminder: Reminder) -> list[str]:
    """Each item of a 催办 line: '16(缺:潜龙企业)', '37', '38(连续未报送)' (a terminal joins them
    with spaces to wrap between items, never inside a metric name such as 工业产值10亿元、税收亿元以上企业)."""
    parts = []
    for item_id in reminder.ids:
        notes = []
        missing = reminder.missing_of(item_id)
        if missing:
            notes.append("缺\uff1a" + ";".join(missing))  # metric names may hold 、
        if item_id in reminder.consecutive:
            notes.append("连续未报送")
        parts.append(f"{item_id}\uff08{';'.join(notes)}\uff09" if notes else item_id)  # full-width brackets
    return parts


def counts_sentence(row: Tally) -> str:
    """'共 107 项:已完成 3 项,正常 20 项,滞后 5 项,严重滞后 4 项,未报送 75 项。'"""
    parts = ",".join(f"{state} {row.count(state)} 项" for state in STATES)
    if row.pending:
        parts += f",待报送 {row.pending} 项(截止日未到)"
    return f"共 {row.total} 项:{parts}。"


def comparison_sentence(comparison: Comparison) -> str:
    source = f"(依据 {comparison.published[:16].replace('T', ' ')} 发布的通报)" if comparison.published else ""
    return (
        f"{comparison.previous.label}{source}:{counts_sentence(comparison.before)}"
        f"本季度新转为严重滞后 {len(comparison.turned_red)} 项,新完成 {len(comparison.completed)} 项。"
    )


def published_sentence(report: Report) -> str:
    """'本季度通报已于 2025-07-20 10:00 发布;此后 9 项状态有变化(补报或更正):…' or ''."""
    if report.published is None:
        return ""
    when, changed = report.published
    shown = when[:16].replace("T", " ")
    if not changed:
        return f"{report.quarter.label}通报已于 {shown} 发布,此后各事项状态没有变化。"
    ids = "、".join(changed[:20]) + ("等" if len(changed) > 20 else "")
    return (
        f"{report.quarter.label}通报已于 {shown} 发布;此后有 {len(changed)} 项状态因补报或更正而变化({ids})。"
        f"已发布的通报以 bulletins/ 中的记录为准,可用 --as-of 重现。"
    )


def late_sentence(report: Report) -> str:
    """逾期报送 per lead unit, one sentence, or ''."""
    if not report.late:
        return ""
    deadline = f"(截止日 {report.deadline.isoformat()})" if report.deadline else ""
    parts = ";".join(f"{u.unit} {len(u.ids)} 项({'、'.join(u.ids)})" for u in report.late)
    return f"逾期报送{deadline}:{parts}。"


def contributors_sentence(report: Report) -> str:
    """分项报送 by responsible units, one sentence, or ''."""
    if not report.contributors:
        return ""
    parts = "、".join(f"{u.unit} {len(u.ids)} 项" for u in report.contributors)
    return f"责任单位分项报送(计入各单位报送情况,不替代牵头单位的数字):{parts}。"


def rate_cells(row: Tally) -> list[str]:
    """推进率, 及时率 (and 综合得分 when weighted) as a bulletin shows them next to the counts."""
    cells = [percent(row.progress_rate), percent(row.timely_rate)]
    if row.score is not None:
        cells.append(f"{row.score:g}")
    return cells


def rate_headers(rows) -> list[str]:
    return ["推进率", "及时率"] + (["综合得分"] if any(r.score is not None for r in rows) else [])


# --------------------------------------------------------------------------- one unit's ranking, explained


@dataclass(frozen=True)
class ExplainRow:
    """One item of a lead unit as its ranking counts it."""

    item_id: str
    text: str
    own: str  # the unit's own reporting (按时报送 / 逾期报送 / 未报送 / 待报送 / 无需报送)
    state: str  # the item's state (label) from its figure
    counted: str  # what the unit's 推进率 counts: the item's state, or 未报送 when the unit did not report
    timely: bool  # counts for its 及时率


@dataclass(frozen=True)
class Explanation:
    """`report --explain UNIT`: how a lead unit's items add up to its rates and rank."""

    unit: str
    quarter: Quarter
    rows: tuple[ExplainRow, ...]
    row: Tally  # the unit's line of the ranking (rank, counts, rates)
    of: int  # how many lead units are ranked
    rule: str


def explain(report: Report, unit: str) -> Explanation | None:
    """The ranking of ``unit`` (a lead unit's name as the report ranks it), item by item."""
    row = next((r for r in report.units if r.name == unit), None)
    if row is None:
        return None
    by_id = {s.item.id: s for s in report.statuses}
    rows = []
    for item_id in row.ids:
        status = by_id[item_id]
        own = status.unit_report(unit)
        rows.append(
            ExplainRow(
                item_id=item_id,
                text=status.item.text,
                own=own.state if own is not None else ("未报送" if status.owes_report else "已报送"),
                state=status.label,
                counted=status.state_for(unit),
                timely=unit_timely(status, unit),
            )
        )
    return Explanation(unit, report.quarter, tuple(rows), row, len(report.units), report.ranking_rule)


def explain_lines(explanation: Explanation) -> list[str]:
    """The explanation as lines of text (Markdown-friendly): one per item, then the sums."""
    e = explanation
    row = e.row
    lines = [
        f"{e.unit} {e.quarter.label}排名说明",
        "",
        "| 编号 | 事项 | 本单位报送 | 事项状态 | 计入推进率 | 计入及时率 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in e.rows:
        text = r.text if len(r.text) <= 30 else r.text[:29] + "…"
        green = "是" if r.counted in (DONE, ON_TRACK) else ("不计" if r.counted == PENDING else "否")
        timely = "不计" if r.counted == PENDING else ("是" if r.timely else "否")
        lines.append(f"| {r.item_id} | {text} | {r.own} | {r.state} | {green}({r.counted}) | {timely} |")
    counted = row.total - row.pending
    lines += [
        "",
        f"牵头事项 {row.total} 项" + (f"(其中待报送 {row.pending} 项不计)" if row.pending else "") + ":"
        f"正常和已完成 {row.green} 项,推进率 {row.green}/{counted} = {percent(row.progress_rate)};"
        f"截止日前本单位报送齐全 {row.timely} 项,及时率 {row.timely}/{counted} = {percent(row.timely_rate)};"
        f"严重滞后 {row.count(SEVERE)} 项。",
        f"名次:第 {row.rank} 名(共 {e.of} 个牵头单位)。",
        "",
        "计分规则:" + e.rule,
    ]
    return lines



