"""Status of every target, task and metric at a quarter (序时进度, 三色预警).

A pure function of (plan, entries, quarter): no I/O, no clock. Pass all the
entries of the year; entries of the quarter decide, earlier quarters only
carry an item (or a metric) that was already 已完成.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import NamedTuple

from .model import (
    BEHIND,
    CUMULATIVE,
    DONE,
    GROWTH,
    LEVEL,
    MISSING,
    ON_TRACK,
    REFERENCE,
    RELATIVE,
    REPORT_STATUSES,
    SEVERE,
    STATE_COLOURS,
    Entry,
    Item,
    Metric,
    Plan,
    Quarter,
    entry_ref,
    is_finite_number,
    normalize_id,
)
from .schedule import expected_value, recorded_late

# Worse states sort first: 严重滞后 > 未报送 > 滞后 > 正常 > 已完成.
SEVERITY = {SEVERE: 4, MISSING: 3, BEHIND: 2, ON_TRACK: 1, DONE: 0}

DONE_OPEN_FINDINGS = "已完成(有未销号问题)"


def worst(states: Iterable[str]) -> str:
    """The most severe of ``states``; 已完成 for none."""
    result = DONE
    for state in states:
        if SEVERITY[state] > SEVERITY[result]:
            result = state
    return result


def sort_worst_first(statuses: Iterable[ItemStatus]) -> list[ItemStatus]:
    """Most severe first; within a state the given (plan) order is kept."""
    return sorted(statuses, key=lambda status: -SEVERITY[status.state])


@dataclass(frozen=True)
class MetricStatus:
    metric: Metric
    expected: float | None  # figure expected by the end of the quarter
    value: float | None  # newest reported value this quarter (year-to-date)
    state: str  # one of model.STATES
    entry: Entry | None  # the entry the value came from
    # True when the state is 已完成 carried over from an earlier quarter; then
    # ``value`` and ``entry`` are that earlier report (entry.quarter tells which).
    carried: bool = False
    late: bool = False  # the deciding entry was recorded after the quarter's deadline (逾期报送)
    # RELATIVE: the figure it follows this quarter and what that is (G1 地区生产总值增速).
    follows_value: float | None = None
    follows_label: str = ""

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]


@dataclass(frozen=True)
class ItemStatus:
    item: Item
    quarter: Quarter
    state: str  # one of model.STATES
    reason: str  # short Chinese explanation
    metrics: tuple[MetricStatus, ...]
    reported_status: str | None  # newest status reported this quarter
    note: str | None  # newest note this quarter
    last_entry: Entry | None  # newest entry of the item this quarter
    # Reports by responsible units of their own part (分项报送, roles.py): shown,
    # never the item's figure. Newest per reporter and metric, oldest first.
    contributions: tuple[Entry, ...] = ()
    late: bool = False  # a deciding entry was recorded after the deadline (逾期报送)
    # Ids of inspection findings (findings.py) open at the quarter's end: an
    # item that would be 已完成 with one of these is 正常 (not finished for
    # any count) and shown as 已完成(有未销号问题).
    open_findings: tuple[str, ...] = ()

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def missing_metrics(self) -> tuple[str, ...]:
        """Metrics with no figure this quarter (what a 催办 names)."""
        return tuple(ms.metric.name for ms in self.metrics if ms.state == MISSING)

    @property
    def owes_report(self) -> bool:
        """On the 催办 list: anything not reported this quarter, whatever
        colour the reported part gives the item (a partly reported task is
        未报送 for the metrics it lacks)."""
        if self.state == DONE:
            return False
        return self.state == MISSING or self.last_entry is None or bool(self.missing_metrics)

    @property
    def label(self) -> str:
        """The state as shown: 已完成(有未销号问题) for an item done but for an open finding."""
        return DONE_OPEN_FINDINGS if self.open_findings and self.state == ON_TRACK else self.state


class ItemLine(NamedTuple):
    """An item's status as one line of a table shows it (views/table.py), in
    flat values: a big list reads these back from the query index in a small
    part of the time whole statuses take. ``item_line`` makes one."""

    id: str
    text: str
    leaders: tuple
    lead: tuple
    state: str
    label: str
    reason: str
    reported_status: str | None
    metric_count: int
    # The weakest metric (the one a line shows; metric_rank): (value, expected,
    # state, target, unit, kind, op, follows); None for an item without metrics.
    weakest: tuple | None


def metric_rank(ms: MetricStatus) -> tuple[int, float]:
    """Weakest first: the most severe state, then the smallest share of the pace."""
    ratio = 1.0
    if ms.value is not None and ms.expected:
        ratio = ms.value / ms.expected
    return (-SEVERITY[ms.state], ratio)


def item_line(status: ItemStatus) -> ItemLine:
    weakest = None
    if status.metrics:
        ms = min(status.metrics, key=metric_rank)
        metric = ms.metric
        weakest = (ms.value, ms.expected, ms.state, metric.target, metric.unit, metric.kind, metric.op, metric.follows)
    item = status.item
    return ItemLine(item.id, item.text, item.leaders, item.lead, status.state, status.label, status.reason,
                    status.reported_status, len(status.metrics), weakest)


# ---------------------------------------------------------------------------
# Choosing entries


_EPOCH = None


def _order(entry: Entry) -> tuple:
    """Newest last: by quarter, date, then the recorded time ``at`` (to the
    microsecond), then the content: never the position in the file, so a
    merge and a rebase of the same entries choose the same newest one.
    Entries without ``at`` (written by hand) come before those with one on
    the same date and keep their order in the file among themselves."""
    global _EPOCH
    at = entry.at
    if at is None:
        moment = (0, entry.seq)
    else:
        if _EPOCH is None:
            _EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        delta = at - _EPOCH
        moment = (1, (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds)
    value = entry.value
    content = (
        -1.0 if value is None else value,
        entry.status or "",
        entry.note or "",
        entry.by or "",
        entry.metric or "",
    )
    return (entry.quarter.year, entry.quarter.q, entry.date, moment, content)


entry_order = _order


def newest(entries: Iterable[Entry]) -> Entry | None:
    """The newest of ``entries`` (by quarter, date, recorded time, then content), or None."""
    best = None
    for entry in entries:
        if best is None or _order(entry) >= _order(best):
            best = entry
    return best


def latest(entries: Iterable[Entry], quarter: Quarter) -> dict[tuple[str, str | None], Entry]:
    """Newest entry per (item id, metric name) in ``quarter``: by date, then seq."""
    result: dict[tuple[str, str | None], Entry] = {}
    for entry in entries:
        if entry.quarter != quarter:
            continue
        key = (normalize_id(entry.item), entry.metric)
        current = result.get(key)
        if current is None or _order(entry) >= _order(current):
            result[key] = entry
    return result


def latest_status(entries: Iterable[Entry], quarter: Quarter) -> dict[str, Entry]:
    """Newest entry carrying a status, per item id, in ``quarter``."""
    return _latest_with(entries, quarter, lambda e: e.status in REPORT_STATUSES)


def latest_note(entries: Iterable[Entry], quarter: Quarter) -> dict[str, Entry]:
    """Newest entry carrying a note, per item id, in ``quarter``."""
    return _latest_with(entries, quarter, lambda e: bool(e.note))


def _latest_with(entries, quarter, keep) -> dict[str, Entry]:
    result: dict[str, Entry] = {}
    for entry in entries:
        if entry.quarter != quarter or not keep(entry):
            continue
        key = normalize_id(entry.item)
        current = result.get(key)
        if current is None or _order(entry) >= _order(current):
            result[key] = entry
    return result


def live(entries: Iterable[Entry]) -> list[Entry]:
    """The entries that count: retractions (xatrack retract) and the entries
    they withdraw are left out. Without any retraction, the entries as given."""
    entries = list(entries)
    withdrawn = {e.retracts for e in entries if e.retracts}
    if not withdrawn:
        return entries
    return [e for e in entries if not e.retracts and entry_ref(e) not in withdrawn]


def retracted_refs(entries: Iterable[Entry]) -> dict[str, Entry]:
    """ref of each withdrawn entry -> the (first) retraction that withdrew it."""
    found: dict[str, Entry] = {}
    for entry in entries:
        if entry.retracts and entry.retracts not in found:
            found[entry.retracts] = entry
    return found


def decisive(entries: Iterable[Entry]) -> list[Entry]:
    """The entries that can decide an evaluation, in their given order.

    Withdrawn entries are dropped (``live``), retractions kept. Then for each
    quarter, item, metric (or none) and reporter: the newest entry, the newest
    with a finite value, the newest with a report status and the newest with
    a note. Every choice ``evaluate`` makes is the newest of one of these
    kinds among the entries that apply (per reporter, since a responsible
    unit's entry is only a contribution), so ``evaluate`` gives the same
    result on these as on all the entries; a log of 40,000 reports for 10,000
    items shrinks to about one entry per item. (Property-tested.)
    """
    entries = list(entries)
    retractions = [e for e in entries if e.retracts]
    if retractions:
        kept = {id(e) for e in live(entries)} | {id(e) for e in retractions}
        entries = [e for e in entries if id(e) in kept]
    best: dict[tuple, Entry] = {}
    for entry in entries:
        if entry.retracts:
            continue
        base = (entry.quarter, normalize_id(entry.item), entry.metric, entry.by)
        order = _order(entry)
        for kind, applies in (
            (0, True),
            (1, is_finite_number(entry.value)),
            (2, entry.status in REPORT_STATUSES),
            (3, bool(entry.note)),
        ):
            if not applies:
                continue
            key = base + (kind,)
            current = best.get(key)
            if current is None or order >= _order(current):
                best[key] = entry
    chosen = {id(entry) for entry in best.values()} | {id(entry) for entry in retractions}
    return [entry for entry in entries if id(entry) in chosen]


# ---------------------------------------------------------------------------
# Judging figures

_REL = 1e-9


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_REL, abs_tol=1e-12)


def _at_least(a: float, b: float) -> bool:
    return a >= b or _close(a, b)


def _less(a: float, b: float) -> bool:
    """a < b, with float noise at the edge counting as equal (so not less)."""
    return a < b and not _close(a, b)


def fmt(number: float | None) -> str:
    """45.0 -> '45', 6.25 -> '6.25', 1/3 -> '0.3333'."""
    if number is None:
        return "—"
    if float(number).is_integer():
        return str(int(number))
    return f"{number:.4f}".rstrip("0").rstrip(".")


def metric_done(metric: Metric, value: float, q: int) -> bool:
    """Whether the metric's yearly goal is met by ``value`` reported in quarter q.

    Reaching a count or a level (op >=) is done for good; a growth rate, a
    figure judged against another one, or a ceiling (op <=), can still move,
    so it is done only in Q4.
    """
    if metric.op == "<=":
        return q == 4 and _at_least(metric.target, value)
    if metric.kind == GROWTH:
        return q == 4 and _at_least(value, metric.target)
    return _at_least(value, metric.target)


def _judge(metric: Metric, expected: float, value: float, settings) -> str:
    """正常 / 滞后 / 严重滞后 for a figure that is not done.

    The gap is the shortfall below the expected figure (op >=) or the excess
    over it (op <=). Growth gaps are percentage points against
    ``growth_tolerance``; others are relative to the expected figure. A gap
    exactly at the tolerance is 严重滞后. A negative growth (a decline) is
    judged like any other value.
    """
    gap = expected - value if metric.op != "<=" else value - expected
    if gap <= 0 or _close(value, expected):
        return ON_TRACK
    if metric.kind == GROWTH:
        allowed = settings.growth_tolerance
    else:
        if _close(expected, 0.0):
            # Nothing expected yet: any count is on pace; a ceiling of 0 is absolute.
            return ON_TRACK if metric.op != "<=" else SEVERE
        tolerance = settings.level_tolerance if metric.kind == LEVEL else settings.cumulative_tolerance
        allowed = tolerance * abs(expected)
    return BEHIND if _less(gap, allowed) else SEVERE


def _judge_relative(metric: Metric, followed: float, value: float, settings) -> str:
    """A figure that should keep step with another (与经济增长基本同步): up to
    ``relative_tolerance`` points below it is in step (正常), up to twice
    that 滞后, more 严重滞后; at or above it is always 正常. op <= (不高于)
    mirrors it."""
    gap = followed - value if metric.op != "<=" else value - followed
    allowed = settings.relative_tolerance
    if gap <= allowed or _close(gap, allowed):
        return ON_TRACK
    return BEHIND if _less(gap, 2 * allowed) else SEVERE


def _metric_phrase(ms: MetricStatus, quarter: Quarter, single: bool) -> str:
    """One short phrase for the reason: '进度 45/84 (54%)', '增速 6.2%/目标 7%'."""
    metric = ms.metric
    name = "" if single else f"{metric.name} "
    if ms.state == MISSING:
        if metric.kind == RELATIVE and ms.value is not None:
            return f"{metric.name}的对照数{ms.follows_label}未报送"
        return f"{metric.name}未报送" if not single else "指标未报送"
    if ms.carried:
        return f"{name}已于Q{ms.entry.quarter.q}达标"
    unit = metric.unit
    if metric.kind == REFERENCE:
        return f"{name}对照数 {fmt(ms.value)}{unit}"
    if metric.kind == RELATIVE:
        text = f"{name}{fmt(ms.value)}{unit}/{ms.follows_label} {fmt(ms.follows_value)}{unit}"
        gap = (ms.follows_value - ms.value) if metric.op != "<=" else (ms.value - ms.follows_value)
        if ms.state in (BEHIND, SEVERE):
            text += f"(低 {fmt(round(gap, 4))} 个百分点)" if metric.op != "<=" else f"(高 {fmt(round(gap, 4))} 个百分点)"
        return text
    if metric.kind == CUMULATIVE and metric.op == ">=":
        if ms.state == DONE:
            return f"{name}已完成 {fmt(ms.value)}/{fmt(metric.target)}{unit}"
        if ms.expected and not _close(ms.expected, 0.0):
            share = round(100 * ms.value / ms.expected)
            return f"{name}进度 {fmt(ms.value)}/{fmt(ms.expected)}{unit} ({share}%)"
        return f"{name}进度 {fmt(ms.value)}{unit}(本季度序时要求 0)"
    label = "增速" if metric.kind == GROWTH else "当前"
    bound = "上限" if metric.op == "<=" else "目标"
    bound_value = ms.expected if metric.kind == CUMULATIVE else metric.target
    if metric.kind == GROWTH:
        text = f"{name}{label} {fmt(ms.value)}%/{bound} {fmt(bound_value)}%"
        gap = (ms.value - bound_value) if metric.op == "<=" else (bound_value - ms.value)
        if ms.state in (BEHIND, SEVERE):
            text += f"(差 {fmt(round(gap, 4))} 个百分点)"
        return text
    return f"{name}{label} {fmt(ms.value)}/{bound} {fmt(bound_value)}{unit}"


# ---------------------------------------------------------------------------
# Evaluating items


def _entry_applies(item: Item, entry: Entry) -> bool:
    """Entries naming a metric the item does not have are ignored."""
    return entry.metric is None or any(m.name == entry.metric for m in item.metrics)


def _value_entries(item: Item, metric: Metric, entries: list[Entry]) -> list[Entry]:
    single = len(item.metrics) == 1
    return [
        e
        for e in entries
        if is_finite_number(e.value) and (e.metric == metric.name or (e.metric is None and single))
    ]


class Follow:
    """The figure a RELATIVE metric follows, for one quarter: a metric of
    another item (G1, "G1:指标名") or a REFERENCE metric of the same item."""

    def __init__(self, plan: Plan | None, by_item: dict[str, list[Entry]], roles, quarter: Quarter):
        self.plan = plan
        self.by_item = by_item
        self.roles = roles
        self.quarter = quarter

    def figure(self, item: Item, metric: Metric, own: list[Entry]) -> tuple[float | None, str, Entry | None]:
        """(value, label, entry): the followed figure reported this quarter, or (None, label, None)."""
        target = metric.follows.strip()
        own_metric = next((m for m in item.metrics if m.name == target and m is not metric), None)
        if own_metric is not None:
            entry = newest(_value_entries(item, own_metric, own))
            return (float(entry.value) if entry else None), own_metric.name, entry
        item_id, _, metric_name = target.partition(":")
        other = self.plan.get(item_id) if self.plan is not None else None
        if other is None or not other.metrics:
            return None, target, None
        chosen = next((m for m in other.metrics if m.name == metric_name.strip()), None) if metric_name else None
        if chosen is None:
            chosen = next((m for m in other.metrics if m.kind == GROWTH), other.metrics[0])
        label = f"{other.id} {chosen.name}"
        pool = [
            e
            for e in self.by_item.get(other.id, ())
            if e.quarter == self.quarter and not e.retracts and not self.roles.is_contribution(other, e.by)
        ]
        entry = newest(_value_entries(other, chosen, pool))
        return (float(entry.value) if entry else None), label, entry


def _metric_status(
    item: Item, metric: Metric, now: list[Entry], before: list[Entry], quarter: Quarter, settings, follow: Follow | None
) -> MetricStatus:
    expected = expected_value(item, metric, quarter.q)
    entry = newest(_value_entries(item, metric, now))
    late = entry is not None and recorded_late(entry, settings.deadline_days)
    if entry is not None:
        value = float(entry.value)
        if metric.kind == REFERENCE:
            return MetricStatus(metric, None, value, ON_TRACK, entry, late=late)
        if metric.kind == RELATIVE:
            followed, label, _ = follow.figure(item, metric, now) if follow is not None else (None, metric.follows, None)
            if followed is None:
                return MetricStatus(metric, None, value, MISSING, entry, late=late, follows_label=label)
            state = _judge_relative(metric, followed, value, settings)
            if state == ON_TRACK and quarter.q == 4:
                state = DONE
            return MetricStatus(metric, followed, value, state, entry, late=late, follows_value=followed, follows_label=label)
        if metric_done(metric, value, quarter.q):
            state = DONE
        else:
            state = _judge(metric, expected, value, settings)
        return MetricStatus(metric, expected, value, state, entry, late=late)
    if metric.kind in (REFERENCE, RELATIVE):
        return MetricStatus(metric, None, None, MISSING, None)
    # Nothing this quarter: carry a goal already reached in an earlier quarter.
    earlier = newest(_value_entries(item, metric, before))
    if earlier is not None and metric_done(metric, float(earlier.value), earlier.quarter.q):
        return MetricStatus(metric, expected, float(earlier.value), DONE, earlier, carried=True)
    return MetricStatus(metric, expected, None, MISSING, None)


def _qlabel(q: int) -> str:
    return f"Q{q}"


def _contributions(entries: list[Entry]) -> tuple[Entry, ...]:
    """Newest contribution per reporter and metric, oldest first."""
    best: dict[tuple, Entry] = {}
    for entry in entries:
        key = (entry.by, entry.metric)
        current = best.get(key)
        if current is None or _order(entry) >= _order(current):
            best[key] = entry
    return tuple(sorted(best.values(), key=_order))


def evaluate_item(
    item: Item, entries: Iterable[Entry], quarter: Quarter, settings, roles=None, follow: Follow | None = None
) -> ItemStatus:
    """The status of one item. ``entries`` are live (no withdrawn ones);
    ``roles`` tells contributions apart (roles.Roles; None: none are)."""
    item_id = normalize_id(item.id)
    now: list[Entry] = []
    before: list[Entry] = []
    shared: list[Entry] = []
    for entry in entries:
        if normalize_id(entry.item) != item_id or entry.quarter.year != quarter.year or entry.retracts:
            continue
        if not _entry_applies(item, entry):
            continue
        if entry.quarter.q > quarter.q:
            continue
        if roles is not None and roles.is_contribution(item, entry.by):
            if entry.quarter.q == quarter.q:
                shared.append(entry)
            continue
        if entry.quarter.q == quarter.q:
            now.append(entry)
        else:
            before.append(entry)

    metrics = tuple(_metric_status(item, m, now, before, quarter, settings, follow) for m in item.metrics)
    status_entry = newest(e for e in now if e.status in REPORT_STATUSES)
    reported = status_entry.status if status_entry else None
    note_entry = newest(e for e in now if e.note)
    note = note_entry.note if note_entry else None
    last = newest(now)
    single = len(metrics) == 1
    contributions = _contributions(shared)
    deciding = [ms.entry for ms in metrics if ms.entry is not None and not ms.carried]
    if not metrics and status_entry is not None:
        deciding.append(status_entry)
    late = any(recorded_late(e, settings.deadline_days) for e in deciding)

    def result(state: str, reason: str) -> ItemStatus:
        return ItemStatus(item, quarter, state, reason, metrics, reported, note, last, contributions, late)

    goals = [ms for ms in metrics if ms.metric.kind != REFERENCE]
    # 已完成: reported this quarter, met by every metric, or carried over.
    if reported == DONE:
        return result(DONE, "报送状态:已完成")
    if goals and all(ms.state == DONE for ms in goals) and all(ms.state != MISSING for ms in metrics):
        if any(ms.carried for ms in goals) and not any(ms.entry in now for ms in goals):
            first = min(ms.entry.quarter.q for ms in goals)
            reason = f"指标已于{_qlabel(first)}全部达标"
        else:
            reason = "指标全部达标"
        if reported in ("滞后", "受阻"):
            reason += f"(报送状态:{reported})"
        return result(DONE, reason)
    earlier_status = newest(e for e in before if e.status in REPORT_STATUSES)
    if earlier_status is not None and earlier_status.status == DONE and reported is None:
        return result(DONE, f"已于{_qlabel(earlier_status.quarter.q)}报送已完成")

    # Not done.
    reasons: list[str] = []
    past_due = quarter.q > item.due
    if past_due:
        reasons.append(f"已过完成时限({_qlabel(item.due)})未完成")
    if not now:
        reasons.append("本季度未报送")
        if contributions:
            reasons.append(f"仅有责任单位分项报送 {len({e.by for e in contributions})} 家")
        return result(SEVERE if past_due else MISSING, ";".join(reasons))
    if reported in ("滞后", "受阻"):
        reasons.append(f"报送状态:{reported}")

    if metrics:
        state = worst(ms.state for ms in metrics)
        troubled = [ms for ms in metrics if SEVERITY[ms.state] == SEVERITY[state]]
        shown = troubled if state != ON_TRACK else list(metrics)
        reasons.extend(_metric_phrase(ms, quarter, single) for ms in shown)
        if state != MISSING:
            # A partly reported item: the metrics it lacks are named too.
            reasons.extend(_metric_phrase(ms, quarter, single) for ms in metrics if ms.state == MISSING)
    else:
        if reported == "推进中":
            state = ON_TRACK
            reasons.append("报送状态:推进中")
        elif reported == "未启动":
            state = BEHIND if quarter.q >= 2 else ON_TRACK
            reasons.append("报送状态:未启动" + ("(二季度起应已启动)" if quarter.q >= 2 else ""))
        elif reported in ("滞后", "受阻"):
            state = SEVERE
        else:
            state = ON_TRACK
            reasons.append("已报送(未注明状态)")
    if past_due or reported in ("滞后", "受阻"):
        state = SEVERE
    return result(state, ";".join(dict.fromkeys(reasons)))


def evaluate(
    plan: Plan,
    entries: Iterable[Entry],
    quarter: Quarter,
    items: Iterable[Item] | None = None,
    roles=None,
    findings=None,
) -> tuple[ItemStatus, ...]:
    """One ItemStatus per item of the plan (or of ``items``), in plan order (targets, then tasks).

    ``roles`` (roles.Roles over the directory) tells a responsible unit's
    contribution from the item's figure; every command passes it. Withdrawn
    entries never count. ``findings``: inspection findings (findings.Finding);
    an item that would be 已完成 while one of its findings is open at the
    quarter's end is 正常 with ``open_findings`` set (see mark_open_findings).
    """
    if not 1 <= quarter.q <= 4:
        raise ValueError(f"季度应为 1–4,得到 {quarter.q}")
    pool = live(e for e in entries if e.quarter.year == quarter.year and e.quarter.q <= quarter.q)
    by_item: dict[str, list[Entry]] = {}
    for entry in pool:
        by_item.setdefault(normalize_id(entry.item), []).append(entry)
    follow = Follow(plan, by_item, roles if roles is not None else _NO_ROLES, quarter)
    statuses = tuple(
        evaluate_item(item, by_item.get(normalize_id(item.id), ()), quarter, plan.settings, roles, follow)
        for item in (plan.items if items is None else items)
    )
    return mark_open_findings(statuses, findings) if findings else statuses


class _NoRoles:
    def is_contribution(self, item, by) -> bool:  # noqa: ARG002
        return False


_NO_ROLES = _NoRoles()


def follows_of(plan: Plan, items: Iterable[Item]) -> set[str]:
    """Ids of the other items whose figures ``items`` follow (RELATIVE metrics)."""
    found = set()
    for item in items:
        for metric in item.metrics:
            if metric.kind == RELATIVE and metric.follows:
                item_id = metric.follows.split(":", 1)[0].strip()
                if plan.get(item_id) is not None:
                    found.add(normalize_id(item_id))
    return found


def mark_open_findings(statuses: Iterable[ItemStatus], findings) -> tuple[ItemStatus, ...]:
    """Items 已完成 but with a finding open at their quarter's end: 正常, not finished,
    until the finding is closed (销号)."""
    from xatrack.findings import open_by_item  # lazy: heavy - findings and hashlib (OpenSSL) cost 5 ms: list/overdue call this only when findings exist

    statuses = tuple(statuses)
    if not statuses:
        return statuses
    open_now = open_by_item(findings, statuses[0].quarter.end)
    result = []
    for status in statuses:
        fids = open_now.get(normalize_id(status.item.id))
        if fids and status.state == DONE:
            reason = f"有 {len(fids)} 条督查发现未销号;{status.reason}"
            status = replace(status, state=ON_TRACK, reason=reason, open_findings=fids)
        result.append(status)
    return tuple(result)
