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
    PENDING,
    REFERENCE,
    RELATIVE,
    REPORT_STATUSES,
    SEVERE,
    STATE_COLOURS,
    UNIT_LATE,
    UNIT_MISSING,
    UNIT_NOTHING_DUE,
    UNIT_ON_TIME,
    UNIT_PENDING,
    Entry,
    Item,
    Metric,
    Plan,
    Quarter,
    entry_ref,
    is_finite_number,
    normalize_id,
)
from .roles import CO_LEAD, LEAD, OFFICE, OUTSIDE, RESPONSIBLE, PlainRoles
from .schedule import deadline, deadline_passed, expected_fraction, expected_value, recorded_late

# Worse states sort first: 严重滞后 > 未报送 > 滞后 > 待报送 > 正常 > 已完成.
SEVERITY = {SEVERE: 5, MISSING: 4, BEHIND: 3, PENDING: 2, ON_TRACK: 1, DONE: 0}

DONE_OPEN_FINDINGS = "已完成(有未销号问题)"
UNFINISHED = "到期未完成"  # the label of a red item past its due quarter (ItemStatus.unfinished)
OFFICE_FIGURE = "督查室核实数据"


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
    # A cumulative figure's pace so far carried to the year's end (forecast): the
    # baseline plus what was added, divided by the share of the year's pace
    # expected by now. None in Q1, at the due quarter, and for other kinds.
    projected: float | None = None

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def unlikely(self) -> bool:
        """预计难以完成全年目标: the projection falls short of the target by more than the tolerance."""
        return self.projected is not None and self.state != DONE and self.forecast_short

    forecast_short: bool = False


@dataclass(frozen=True)
class UnitReport:
    """One lead unit's own reporting of an item in a quarter, from its own
    entries alone: a co-lead's or the office's entries never count for it."""

    unit: str  # the lead unit as the directory names it
    state: str  # model.UNIT_ON_TIME / UNIT_LATE / UNIT_MISSING / UNIT_PENDING / UNIT_NOTHING_DUE
    # Metrics it has not reported while it reported others (a partial report owes them).
    missing: tuple[str, ...] = ()
    # Metrics (or "状态" for an item without metrics) first reported on time
    # and corrected after the deadline (逾期更正: not late, listed apart).
    corrected_late: tuple[str, ...] = ()
    # Some metric's first report came after the deadline (逾期报送), even where
    # others are still missing (then the unit is also on the 催办 list).
    late: bool = False

    @property
    def owes(self) -> bool:
        """On the 催办 list for this item."""
        return self.state == UNIT_MISSING

    @property
    def timely(self) -> bool:
        """Counts for the unit's 及时率: reported in full by the deadline, or nothing to report."""
        return self.state in (UNIT_ON_TIME, UNIT_NOTHING_DUE)


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
    # Each lead unit's own reporting (document order); () for an item without lead units.
    units: tuple[UnitReport, ...] = ()
    # Where the item's figure came from when not from its first lead unit:
    # "督查室核实数据" (the office's figure), or "汇总单位未报送,采用 X 报送的数字".
    figure_note: str = ""
    # Entries by units that are neither lead nor responsible for the item
    # (almost always a wrong item number): recorded, never the item's figure.
    outside: tuple[Entry, ...] = ()
    # Lead units that sent different figures for one metric (请核实):
    # ((metric name, ((unit, value), ...)), ...).
    disagreements: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
    # A reported 已完成 the figures do not bear out (请核实), or "".
    claim: str = ""
    # At or after the item's due quarter and not done (到期未完成): red whatever the pace.
    unfinished: bool = False

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def missing_metrics(self) -> tuple[str, ...]:
        """Metrics with no figure this quarter (what a 催办 names)."""
        return tuple(ms.metric.name for ms in self.metrics if ms.state == MISSING)

    @property
    def owes_report(self) -> bool:
        """On the 催办 list: some lead unit has not reported (each on its own
        entries); for an item without lead units, anything not reported this
        quarter, whatever colour the reported part gives it."""
        if self.units:
            return any(u.owes for u in self.units)
        if self.state in (DONE, PENDING):
            return False
        return self.state == MISSING or self.last_entry is None or bool(self.missing_metrics)

    def unit_report(self, unit: str) -> UnitReport | None:
        for report in self.units:
            if report.unit == unit:
                return report
        return None

    def state_for(self, unit: str) -> str:
        """The state as it counts for one of its lead units: 未报送 when that
        unit has not reported (whatever its co-leads or the office did), else
        the item's state (the item's colour counts for every co-lead that reported)."""
        report = self.unit_report(unit)
        if report is not None and report.owes:
            return MISSING
        return self.state

    def owed_by(self, unit: str) -> bool:
        """On ``unit``'s 催办 list (its own report is missing)."""
        report = self.unit_report(unit)
        return report.owes if report is not None else self.owes_report

    def reported_by(self, unit: str) -> bool:
        """``unit`` sent something of its own for the item this quarter."""
        report = self.unit_report(unit)
        if report is None:
            return self.last_entry is not None
        return report.state in (UNIT_ON_TIME, UNIT_LATE) or bool(report.missing)

    @property
    def label(self) -> str:
        """The state as shown: 已完成(有未销号问题) for an item done but for an
        open finding; 到期未完成 for an item past its due quarter and not done."""
        if self.open_findings and self.state == ON_TRACK:
            return DONE_OPEN_FINDINGS
        if self.unfinished and self.state == SEVERE:
            return UNFINISHED
        return self.state


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
    unit's entry is only a contribution), or the oldest (the first report
    decides lateness, per reporter), so ``evaluate`` gives the same
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
        finite = is_finite_number(entry.value)
        for kind, applies in (
            (0, True),
            (1, finite),
            (2, entry.status in REPORT_STATUSES),
            (3, bool(entry.note)),
        ):
            if not applies:
                continue
            key = base + (kind,)
            current = best.get(key)
            if current is None or order >= _order(current):
                best[key] = entry
        # The first report of each reporter and metric decides its lateness.
        for kind, applies in ((4, True), (5, finite)):
            if not applies:
                continue
            key = base + (kind,)
            current = best.get(key)
            if current is None or order < _order(current):
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


def metric_done(metric: Metric, value: float, q: int, final: bool = False) -> bool:
    """Whether the metric's yearly goal is met by ``value`` reported in quarter q.

    Reaching a count or a level (op >=) is done for good; a growth rate, a
    figure judged against another one, or a ceiling (op <=), can still move,
    so it is done only in Q4 (or at the item's due quarter: ``final``).
    """
    last = q == 4 or final
    if metric.op == "<=":
        return last and _at_least(metric.target, value)
    if metric.kind == GROWTH:
        return last and _at_least(value, metric.target)
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
    if ms.state == PENDING:
        return f"{metric.name}待报送" if not single else "指标待报送"
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
    if metric.kind == LEVEL and ms.expected is None and ms.state == ON_TRACK:
        return f"{name}{label} {fmt(ms.value)}/{bound} {fmt(metric.target)}{metric.unit}(年末考核)"
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
        office = self.plan.settings.office
        pool = [
            e
            for e in self.by_item.get(other.id, ())
            if e.quarter == self.quarter and not e.retracts and self.roles.kind(other, e.by, office) not in (RESPONSIBLE, OUTSIDE)
        ]
        entry = newest(_value_entries(other, chosen, pool))
        return (float(entry.value) if entry else None), label, entry


def _metric_status(
    item: Item,
    metric: Metric,
    now: list[Entry],
    before: list[Entry],
    quarter: Quarter,
    settings,
    follow: Follow | None,
    fallback: list[Entry] = (),
    final: bool = False,
) -> MetricStatus:
    """A metric's state from the entries that set the item's figure (``now``:
    first lead unit, office, names the directory does not know), else from a
    co-lead's (``fallback``). ``final``: the item's due quarter or later, when
    pace and tolerance no longer apply (short of the target is 严重滞后)."""
    expected = expected_value(item, metric, quarter.q)
    entry = newest(_value_entries(item, metric, now)) or newest(_value_entries(item, metric, fallback))
    late = entry is not None and recorded_late(entry, settings)
    if entry is not None:
        value = float(entry.value)
        if metric.kind == REFERENCE:
            return MetricStatus(metric, None, value, ON_TRACK, entry, late=late)
        if metric.kind == RELATIVE:
            followed, label, _ = follow.figure(item, metric, now + list(fallback)) if follow is not None else (None, metric.follows, None)
            if followed is None:
                return MetricStatus(metric, None, value, MISSING, entry, late=late, follows_label=label)
            state = _judge_relative(metric, followed, value, settings)
            if final:
                state = DONE if state == ON_TRACK else SEVERE
            return MetricStatus(metric, followed, value, state, entry, late=late, follows_value=followed, follows_label=label)
        if metric_done(metric, value, quarter.q, final):
            state = DONE
        elif final:
            state = SEVERE  # the end is the end: short of the target at the due quarter
        elif metric.kind == LEVEL and metric.op == ">=" and metric.baseline is None:
            # A level to reach without a 基期值 has no path to judge a quarter by:
            # it is judged against the target at its due quarter (年末考核). A
            # ceiling (op <=) holds every quarter and is judged every quarter.
            return MetricStatus(metric, None, value, ON_TRACK, entry, late=late)
        else:
            state = _judge(metric, expected, value, settings)
        projected, short = _projection(item, metric, value, quarter.q, final, settings)
        return MetricStatus(metric, expected, value, state, entry, late=late, projected=projected, forecast_short=short)
    if metric.kind == RELATIVE and follow is not None:
        # Not reported: still say what it follows and that figure, where reported (≥G1 7.1%)
        followed, label, _ = follow.figure(item, metric, now + list(fallback))
        return MetricStatus(metric, followed, None, MISSING, None, follows_value=followed, follows_label=label)
    if metric.kind in (REFERENCE, RELATIVE):
        return MetricStatus(metric, None, None, MISSING, None)
    # Nothing this quarter: carry a goal already reached in an earlier quarter.
    earlier = newest(_value_entries(item, metric, before))
    if earlier is not None and metric_done(metric, float(earlier.value), earlier.quarter.q):
        return MetricStatus(metric, expected, float(earlier.value), DONE, earlier, carried=True)
    return MetricStatus(metric, expected, None, MISSING, None)


def _projection(item: Item, metric: Metric, value: float, q: int, final: bool, settings) -> tuple[float | None, bool]:
    """(projected year-end figure, short by more than the tolerance) for a
    cumulative goal from Q2 on, before its due quarter; (None, False) otherwise.

    The rule: what was added since the 基期值 (0 without one), divided by the
    share of the year's pace expected by now (the schedule, else even), plus
    the 基期值. Short: below the target by more than ``cumulative_tolerance``
    of what the year is to add."""
    if metric.kind != CUMULATIVE or metric.op != ">=" or final or q < 2:
        return None, False
    share = expected_fraction(item, metric, q)
    if share <= 0 or share >= 1:
        return None, False
    base = metric.baseline or 0.0
    projected = base + (value - base) / share
    allowed = settings.cumulative_tolerance * abs(metric.target - base)
    return round(projected, 4), _less(projected, metric.target - allowed)


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


def due_passed(quarter: Quarter, settings, as_of=None) -> bool:
    """Whether ``quarter``'s reporting deadline has passed at ``as_of`` (a
    date: after that day; a datetime: the instant, on the plan's clock; None:
    judged after the fact, the deadline has passed)."""
    if as_of is None:
        return True
    if isinstance(as_of, datetime):
        return deadline_passed(quarter, settings, as_of)
    return as_of > deadline(quarter, settings)


def _first(entries: Iterable[Entry]) -> Entry | None:
    """The oldest of ``entries`` (the first report, for lateness)."""
    best = None
    for entry in entries:
        if best is None or _order(entry) < _order(best):
            best = entry
    return best


def _unit_report(
    item: Item, unit: str, own: list[Entry], owed: list[Metric], settings, nothing_due: bool, due: bool
) -> UnitReport:
    """A lead unit's own reporting state from its own entries of the quarter.

    Reported: a figure for every metric it owes (or, for an item without
    metrics, any entry). Late: the *first* report of some metric (of the item,
    without metrics) was recorded after the deadline; a later correction of
    an on-time report is 逾期更正, not late."""
    single = len(item.metrics) == 1
    if item.metrics:
        groups = [
            (m.name, [e for e in own if is_finite_number(e.value) and (e.metric == m.name or (e.metric is None and single))])
            for m in owed
        ]
    else:
        groups = [("状态", list(own))]
    if item.metrics and any(e.status == DONE for e in own):
        # A unit that reports the item 已完成 has reported it (the figures, where given, still decide the colour).
        groups = [(name, entries) for name, entries in groups if entries] or [("状态", list(own))]
    missing = tuple(name for name, entries in groups if not entries)
    late = False
    corrected: list[str] = []
    for name, entries in groups:
        first = _first(entries)
        if first is None:
            continue
        if recorded_late(first, settings):
            late = True
        elif any(recorded_late(e, settings) for e in entries):
            corrected.append(name)
    if nothing_due and not own:
        state = UNIT_NOTHING_DUE
    elif missing and (len(missing) == len(groups) or not item.metrics):
        state = UNIT_MISSING if due else UNIT_PENDING
        missing = ()
    elif missing:
        state = UNIT_MISSING if due else (UNIT_LATE if late else UNIT_PENDING)
    else:
        state = UNIT_LATE if late else UNIT_ON_TIME
    return UnitReport(unit, state, missing, tuple(corrected), late)


def _disagreements(item: Item, lead_entries: list[Entry], roles) -> tuple:
    """Lead units that reported different figures for the same metric this quarter."""
    found = []
    single = len(item.metrics) == 1
    for metric in item.metrics:
        newest_by: dict[str, Entry] = {}
        for entry in lead_entries:
            if not is_finite_number(entry.value) or not (entry.metric == metric.name or (entry.metric is None and single)):
                continue
            unit = roles.canonical(entry.by)
            current = newest_by.get(unit)
            if current is None or _order(entry) >= _order(current):
                newest_by[unit] = entry
        values = [(unit, float(e.value)) for unit, e in newest_by.items()]
        if len(values) > 1 and any(not _close(v, values[0][1]) for _, v in values[1:]):
            found.append((metric.name, tuple(values)))
    return tuple(found)


def _shortfall(ms: MetricStatus) -> str:
    metric = ms.metric
    return f"{metric.name} {fmt(ms.value)}/{fmt(metric.target)}{metric.unit}"


def evaluate_item(
    item: Item,
    entries: Iterable[Entry],
    quarter: Quarter,
    settings,
    roles=None,
    follow: Follow | None = None,
    as_of=None,
) -> ItemStatus:
    """The status of one item. ``entries`` are live (no withdrawn ones);
    ``roles`` tells who each reporter is to the item (roles.Roles; None: the
    names exactly as written, roles.PlainRoles). ``as_of``: when the judgement
    is made (None: after the quarter's deadline)."""
    roles = roles if roles is not None else _PLAIN_ROLES
    office = settings.office
    item_id = normalize_id(item.id)
    now: list[Entry] = []  # set the item's figure: first lead unit, office, unknown names
    co_now: list[Entry] = []  # other lead units: their figure stands only when ``now`` has none
    before: list[Entry] = []
    shared: list[Entry] = []
    outside: list[Entry] = []
    office_now = False
    kinds_of: dict[str, str] = {}  # reporter -> what it is to this item (roles.kind), asked once
    for entry in entries:
        if normalize_id(entry.item) != item_id or entry.quarter.year != quarter.year or entry.retracts:
            continue
        if not _entry_applies(item, entry):
            continue
        if entry.quarter.q > quarter.q:
            continue
        this = entry.quarter.q == quarter.q
        kind = kinds_of[entry.by] if entry.by in kinds_of else kinds_of.setdefault(entry.by, roles.kind(item, entry.by, office))
        if kind == RESPONSIBLE:
            if this:
                shared.append(entry)
            continue
        if kind == OUTSIDE:
            if this:
                outside.append(entry)
            continue
        if not this:
            before.append(entry)
        elif kind == CO_LEAD:
            co_now.append(entry)
        else:
            now.append(entry)
            office_now = office_now or kind == OFFICE

    due = due_passed(quarter, settings, as_of)
    final = quarter.q >= item.due
    metrics = tuple(
        _metric_status(item, m, now, before, quarter, settings, follow, co_now, final) for m in item.metrics
    )
    if not due:
        metrics = tuple(replace(ms, state=PENDING) if ms.state == MISSING and ms.entry is None else ms for ms in metrics)
    figures = now + co_now
    status_entry = newest(e for e in now if e.status in REPORT_STATUSES) or newest(
        e for e in co_now if e.status in REPORT_STATUSES
    )
    reported = status_entry.status if status_entry else None
    note_entry = newest(e for e in figures if e.note)
    note = note_entry.note if note_entry else None
    last = newest(figures)
    single = len(metrics) == 1
    contributions = _contributions(shared)

    # Where the figure came from, when not from the first lead unit.
    deciding = [ms.entry for ms in metrics if ms.entry is not None and not ms.carried]
    if not metrics and status_entry is not None:
        deciding.append(status_entry)
    kinds = {kinds_of[e.by] for e in deciding}
    figure_note = ""
    if OFFICE in kinds:
        figure_note = OFFICE_FIGURE
    elif CO_LEAD in kinds and item.lead:
        names = "、".join(dict.fromkeys(roles.canonical(e.by) for e in deciding if kinds_of[e.by] == CO_LEAD))
        figure_note = f"汇总单位未报送,采用{names}报送的数字"

    goals = [ms for ms in metrics if ms.metric.kind != REFERENCE]
    earlier_status = newest(e for e in before if e.status in REPORT_STATUSES)
    carried_done = bool(
        (goals and all(ms.state == DONE and ms.carried for ms in goals))
        or (earlier_status is not None and earlier_status.status == DONE and not metrics)
    )
    # Each lead unit on its own entries.
    owed = [ms.metric for ms in metrics if not ms.carried and not (ms.metric.kind == REFERENCE and ms.entry is not None)]
    lead_entries = [e for e in now + co_now if kinds_of[e.by] in (LEAD, CO_LEAD)]
    units = tuple(
        _unit_report(item, unit, [e for e in lead_entries if roles.is_unit(unit, e.by)], owed, settings, carried_done, due)
        for unit in roles.lead_units(item)
    )
    disagreements = _disagreements(item, lead_entries, roles)
    if units:
        late = any(u.state == UNIT_LATE for u in units)
    else:
        late = False
        for ms in metrics:
            if ms.entry is not None and not ms.carried:
                first = _first(_value_entries(item, ms.metric, now + co_now))
                late = late or (first is not None and recorded_late(first, settings))
        if not metrics and status_entry is not None:
            first = _first(figures)
            late = first is not None and recorded_late(first, settings)

    def result(state: str, reason: str, claim: str = "", unfinished: bool = False) -> ItemStatus:
        return ItemStatus(
            item, quarter, state, reason, metrics, reported, note, last, contributions, late,
            units=units, figure_note=figure_note, outside=_contributions(outside),
            disagreements=disagreements, claim=claim, unfinished=unfinished,
        )

    # 已完成: every metric met, or reported 已完成 without a figure that says otherwise, or carried over.
    short = [ms for ms in goals if ms.entry is not None and not ms.carried and ms.state != DONE]
    claim = ""
    if reported == DONE:
        if not short:
            return result(DONE, "报送状态:已完成")
        claim = "报送已完成,但" + "、".join(_shortfall(ms) for ms in short) + "未达目标"
    if goals and all(ms.state == DONE for ms in goals) and all(ms.state != MISSING for ms in metrics):
        if any(ms.carried for ms in goals) and not any(ms.entry in figures for ms in goals):
            first = min(ms.entry.quarter.q for ms in goals)
            reason = f"指标已于{_qlabel(first)}全部达标"
        else:
            reason = "指标全部达标"
        if reported in ("滞后", "受阻"):
            reason += f"(报送状态:{reported})"
        return result(DONE, reason)
    if earlier_status is not None and earlier_status.status == DONE and reported is None:
        return result(DONE, f"已于{_qlabel(earlier_status.quarter.q)}报送已完成")

    # Not done.
    reasons: list[str] = []
    if claim:
        reasons.append(claim)
    past_due = quarter.q > item.due
    if past_due:
        reasons.append(f"已过完成时限({_qlabel(item.due)})未完成")
    if not figures:
        if not due and not past_due:
            return result(PENDING, f"本季度尚未报送(截止日 {deadline(quarter, settings).isoformat()})")
        reasons.append("本季度未报送")
        if contributions:
            reasons.append(f"仅有责任单位分项报送 {len({e.by for e in contributions})} 家")
        return result(SEVERE if past_due else MISSING, ";".join(reasons), claim, unfinished=past_due)
    if reported in ("滞后", "受阻"):
        reasons.append(f"报送状态:{reported}")

    if metrics:
        present = [ms for ms in metrics if ms.state != PENDING]
        state = worst(ms.state for ms in present) if present else PENDING
        troubled = [ms for ms in metrics if SEVERITY[ms.state] == SEVERITY[state]]
        shown = troubled if state not in (ON_TRACK, PENDING) else list(metrics)
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
    unfinished = past_due or (final and state not in (DONE, MISSING, PENDING))
    if final and not past_due and unfinished:
        reasons.insert(0, "已到完成时限" + (f"({_qlabel(item.due)})" if item.due < 4 else "(年末)") + "仍未完成")
    if past_due or reported in ("滞后", "受阻") or unfinished:
        state = SEVERE
    return result(state, ";".join(dict.fromkeys(reasons)), claim, unfinished)


def evaluate(
    plan: Plan,
    entries: Iterable[Entry],
    quarter: Quarter,
    items: Iterable[Item] | None = None,
    roles=None,
    findings=None,
    as_of=None,
) -> tuple[ItemStatus, ...]:
    """One ItemStatus per item of the plan (or of ``items``), in plan order (targets, then tasks).

    ``roles`` (roles.Roles over the directory) tells who each reporter is to
    an item (lead, co-lead, responsible, office, outside); every command
    passes it. Withdrawn entries never count. ``findings``: inspection
    findings (findings.Finding); an item that would be 已完成 while one of
    its findings is open at the quarter's end is 正常 with ``open_findings``
    set (see mark_open_findings). ``as_of``: the moment of judgement; before
    the quarter's deadline nothing unreported is late (待报送). None: after it.
    """
    if not 1 <= quarter.q <= 4:
        raise ValueError(f"季度应为 1–4,得到 {quarter.q}")
    pool = live(e for e in entries if e.quarter.year == quarter.year and e.quarter.q <= quarter.q)
    by_item: dict[str, list[Entry]] = {}
    for entry in pool:
        by_item.setdefault(normalize_id(entry.item), []).append(entry)
    follow = Follow(plan, by_item, roles if roles is not None else _PLAIN_ROLES, quarter)
    statuses = tuple(
        evaluate_item(item, by_item.get(normalize_id(item.id), ()), quarter, plan.settings, roles, follow, as_of)
        for item in (plan.items if items is None else items)
    )
    return mark_open_findings(statuses, findings) if findings else statuses


_PLAIN_ROLES = PlainRoles()


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
