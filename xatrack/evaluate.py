"""Status of every target, task and metric at a quarter (序时进度, 三色预警).

A pure function of (plan, entries, quarter): no I/O, no clock. Pass all the
entries of the year; entries of the quarter decide, earlier quarters only
carry an item (or a metric) that was already 已完成.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .model import (
    BEHIND,
    CUMULATIVE,
    DONE,
    GROWTH,
    LEVEL,
    MISSING,
    ON_TRACK,
    REPORT_STATUSES,
    SEVERE,
    STATE_COLOURS,
    Entry,
    Item,
    Metric,
    Plan,
    Quarter,
    is_finite_number,
    normalize_id,
)
from .schedule import expected_fraction

# Worse states sort first: 严重滞后 > 未报送 > 滞后 > 正常 > 已完成.
SEVERITY = {SEVERE: 4, MISSING: 3, BEHIND: 2, ON_TRACK: 1, DONE: 0}

_QN = "一二三四"


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

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]


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
            from datetime import datetime, timezone

            _EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
        if at.tzinfo is None:
            from datetime import timezone

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


def decisive(entries: Iterable[Entry]) -> list[Entry]:
    """The entries that can decide an evaluation, in their given order.

    For each quarter, item and metric (or none): the newest entry, the newest
    with a finite value, the newest with a report status and the newest with
    a note. Every choice ``evaluate`` makes is the newest of one of these
    kinds among the entries that apply, so ``evaluate`` gives the same result
    on these as on all the entries; a log of 40,000 reports for 10,000 items
    shrinks to about one entry per item. (Property-tested.)
    """
    entries = list(entries)
    best: dict[tuple, Entry] = {}
    for entry in entries:
        base = (entry.quarter, normalize_id(entry.item), entry.metric)
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
    chosen = {id(entry) for entry in best.values()}
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


def _metric_done(metric: Metric, value: float, q: int) -> bool:
    """Whether the metric's yearly goal is met by ``value`` reported in quarter q.

    Reaching a count or a level (op >=) is done for good; a growth rate, or a
    ceiling (op <=), can still move, so it is done only in Q4.
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
    exactly at the tolerance is 严重滞后.
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


def _metric_phrase(ms: MetricStatus, quarter: Quarter, single: bool) -> str:
    """One short phrase for the reason: '进度 45/84 (54%)', '增速 6.2%/目标 7%'."""
    metric = ms.metric
    name = "" if single else f"{metric.name} "
    if ms.state == MISSING:
        return f"{metric.name}未报送" if not single else "指标未报送"
    if ms.carried:
        return f"{name}已于Q{ms.entry.quarter.q}达标"
    unit = metric.unit
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


def _metric_status(item: Item, metric: Metric, now: list[Entry], before: list[Entry], quarter: Quarter, settings) -> MetricStatus:
    expected = metric.target * expected_fraction(item, metric, quarter.q)
    entry = newest(_value_entries(item, metric, now))
    if entry is not None:
        value = float(entry.value)
        if _metric_done(metric, value, quarter.q):
            state = DONE
        else:
            state = _judge(metric, expected, value, settings)
        return MetricStatus(metric, expected, value, state, entry)
    # Nothing this quarter: carry a goal already reached in an earlier quarter.
    earlier = newest(_value_entries(item, metric, before))
    if earlier is not None and _metric_done(metric, float(earlier.value), earlier.quarter.q):
        return MetricStatus(metric, expected, float(earlier.value), DONE, earlier, carried=True)
    return MetricStatus(metric, expected, None, MISSING, None)


def _qlabel(q: int) -> str:
    return f"Q{q}"


def evaluate_item(item: Item, entries: Iterable[Entry], quarter: Quarter, settings) -> ItemStatus:
    item_id = normalize_id(item.id)
    now: list[Entry] = []
    before: list[Entry] = []
    for entry in entries:
        if normalize_id(entry.item) != item_id or entry.quarter.year != quarter.year:
            continue
        if not _entry_applies(item, entry):
            continue
        if entry.quarter.q == quarter.q:
            now.append(entry)
        elif entry.quarter.q < quarter.q:
            before.append(entry)

    metrics = tuple(_metric_status(item, m, now, before, quarter, settings) for m in item.metrics)
    status_entry = newest(e for e in now if e.status in REPORT_STATUSES)
    reported = status_entry.status if status_entry else None
    note_entry = newest(e for e in now if e.note)
    note = note_entry.note if note_entry else None
    last = newest(now)
    single = len(metrics) == 1

    def result(state: str, reason: str) -> ItemStatus:
        return ItemStatus(item, quarter, state, reason, metrics, reported, note, last)

    # 已完成: reported this quarter, met by every metric, or carried over.
    if reported == DONE:
        return result(DONE, "报送状态:已完成")
    if metrics and all(ms.state == DONE for ms in metrics):
        if any(ms.carried for ms in metrics) and not any(ms.entry in now for ms in metrics):
            first = min(ms.entry.quarter.q for ms in metrics)
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
        return result(SEVERE if past_due else MISSING, ";".join(reasons))
    if reported in ("滞后", "受阻"):
        reasons.append(f"报送状态:{reported}")

    if metrics:
        state = worst(ms.state for ms in metrics)
        troubled = [ms for ms in metrics if SEVERITY[ms.state] == SEVERITY[state]]
        shown = troubled if state != ON_TRACK else list(metrics)
        reasons.extend(_metric_phrase(ms, quarter, single) for ms in shown)
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
    plan: Plan, entries: Iterable[Entry], quarter: Quarter, items: Iterable[Item] | None = None
) -> tuple[ItemStatus, ...]:
    """One ItemStatus per item of the plan (or of ``items``), in plan order (targets, then tasks)."""
    if not 1 <= quarter.q <= 4:
        raise ValueError(f"季度应为 1–4,得到 {quarter.q}")
    pool = [e for e in entries if e.quarter.year == quarter.year and e.quarter.q <= quarter.q]
    by_item: dict[str, list[Entry]] = {}
    for entry in pool:
        by_item.setdefault(normalize_id(entry.item), []).append(entry)
    return tuple(
        evaluate_item(item, by_item.get(normalize_id(item.id), ()), quarter, plan.settings)
        for item in (plan.items if items is None else items)
    )
