"""Quarters, dates and the expected pace (序时进度). Pure: no file I/O.

Everything a user types as a quarter or a date goes through ``parse_quarter``
and ``parse_date``; anything they cannot understand raises ``InputError`` with
a one-line Chinese message naming the flag and the value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from .errors import InputError
from .model import CUMULATIVE, DEFAULT_TIMEZONE, LEVEL, Item, Metric, Quarter, Settings
from .workdays import add_workdays

QUARTER_HINT = "季度应为 1–4(如 Q2、2025-Q2、二季度)"
DATE_HINT = "(如 2025-06-28、2025/6/28、20250628、2025年6月28日)"

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# 2025Q2, 2025-Q2, 2025 Q2, 2025年Q2, Q2, q2
_Q_LATIN = re.compile(r"^(?:(?P<year>\d{4})\s*[-/年._]?\s*)?q\s*(?P<q>\d{1,2})$")
# 2, 02
_Q_BARE = re.compile(r"^(?P<q>\d{1,2})$")
# 二季度, 第二季度, 2季度, 2025年第二季度, 2025年二季, 2025-第2季度
_Q_CHINESE = re.compile(
    r"^(?:(?P<year>\d{4})\s*[-/年._]?\s*)?第?\s*(?P<q>\d{1,2}|[〇零一二两三四五六七八九])\s*季度?$"
)


def _normalize(text: str) -> str:
    """Full-width to half-width (NFKC), trimmed, lower case."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def shown(text: object, limit: int = 40) -> str:
    """The user's text made safe for a one-line message."""
    raw = str(text)
    clean = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return clean if len(clean) <= limit else clean[:limit] + "…"


def _quarter_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return _CN_DIGITS[token]


def parse_quarter(text: str, plan_year: int, flag: str = "--quarter") -> Quarter:
    """'Q2', '2', '2025-Q2', '二季度', '2025年第二季度' … -> Quarter(plan_year, 2)."""
    prefix = f'{flag} 的值"{shown(text)}"无效:'
    if not isinstance(text, str):
        raise InputError(prefix + QUARTER_HINT)
    norm = _normalize(text)
    match = _Q_LATIN.match(norm) or _Q_CHINESE.match(norm) or _Q_BARE.match(norm)
    if match is None:
        raise InputError(prefix + QUARTER_HINT)
    q = _quarter_number(match.group("q"))
    if not 1 <= q <= 4:
        raise InputError(prefix + QUARTER_HINT)
    year_text = match.groupdict().get("year")
    year = int(year_text) if year_text else plan_year
    if year != plan_year:
        raise InputError(prefix + f"{year}年不在计划年度 {plan_year} 内")
    return Quarter(year, q)


# 2025-06-28, 2025/6/28, 2025.6.28, 2025 6 28 (one kind of separator)
_D_SEPARATED = re.compile(r"^(\d{4})\s*([-/.]| )\s*(\d{1,2})\s*\2\s*(\d{1,2})$")
# 20250628
_D_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# 2025年6月28日, 2025年06月28号
_D_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")

# Two defaults that differ in every field: if dateutil's result depends on
# which one it was given, the text lacked that field.
_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2)


def parse_date(text: str, flag: str = "--date") -> date:
    """'2025-06-28', '2025/6/28', '20250628', '2025年6月28日', '2025.6.28' -> date.

    Incomplete dates ('6月', '2025-06', '28') are rejected rather than
    completed from today.
    """
    message = f'{flag} 的值"{shown(text)}"无法识别为日期{DATE_HINT}'
    if not isinstance(text, str):
        raise InputError(message)
    norm = unicodedata.normalize("NFKC", text).strip()
    if not norm or len(norm) > 64:
        raise InputError(message)
    parts = None
    for pattern in (_D_SEPARATED, _D_COMPACT, _D_CHINESE):
        match = pattern.match(norm)
        if match:
            groups = [g for g in match.groups() if g.isdigit()]
            parts = tuple(int(g) for g in groups)
            break
    if parts is not None:
        try:
            return date(*parts)
        except (ValueError, OverflowError, TypeError):
            raise InputError(message) from None
    from dateutil import parser as _dateparser  # lazy: heavy - only for the rarer forms: it costs 15 ms to import

    try:
        if not re.search(r"[A-Za-z:]", norm):
            # Only digits and separators, yet none of the forms above.
            raise InputError(message)
        # Anything else (2025-06-28T10:00, Jun 28 2025 …) goes to dateutil,
        # but only when every field is present in the text.
        first = _dateparser.parse(norm, default=_DEFAULT_A, yearfirst=True)
        second = _dateparser.parse(norm, default=_DEFAULT_B, yearfirst=True)
    except (ValueError, OverflowError, TypeError, _dateparser.ParserError):
        raise InputError(message) from None
    if first.date() != second.date() or not re.search(r"\d{4}", norm):
        raise InputError(message)
    return first.date()


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def default_quarter(plan_year: int, today: date, window_days: int = 31) -> Quarter:
    """The quarter being reported on ``today``.

    Figures of a quarter are collected after it ends: for ``window_days``
    days after a quarter's end that quarter is the one being reported (on
    2025-07-03, Q2), otherwise the current quarter. Kept inside the plan year:
    after it Q4, before it Q1.
    """
    if today.year > plan_year:
        return Quarter(plan_year, 4)
    if today.year < plan_year:
        return Quarter(plan_year, 1)
    current = quarter_of(today)
    previous = current.previous()
    if previous is not None and (today - previous.end).days <= window_days:
        return previous
    return current


# The years a clock value (XATRACK_NOW, XATRACK_TODAY, --as-of) may name.
CLOCK_YEARS = (1970, 2200)


def check_moment(moment: date, where: str, text: str) -> None:
    """Refuse a clock value (read from ``where``, as typed: ``text``) outside the years
    xatrack reasons about, 1970–2200: one Chinese line (InputError)."""
    if not CLOCK_YEARS[0] <= moment.year <= CLOCK_YEARS[1]:
        raise InputError(f'{where} 的值"{shown(text)}"不在 {CLOCK_YEARS[0]}–{CLOCK_YEARS[1]} 年之间')


# China time has kept UTC+8 without summer time since 1992: the default zone needs no zone
# files, and every query of a tracker on it spares zoneinfo's import (1.7 ms of a warm `list`).
_CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
_CHINA_SINCE = 1992


@lru_cache(maxsize=None)
def zone_named(name: str, year: int | None = None) -> tzinfo:
    """The time zone of an IANA name (Asia/Shanghai); ZoneInfo reads the system's
    zone files, or the ``tzdata`` package where there are none (Windows). Asia/Shanghai
    is UTC+8 (for a ``year`` before 1992, when China had summer time, the zone files decide)."""
    if name == DEFAULT_TIMEZONE and (year is None or year >= _CHINA_SINCE):
        return _CHINA
    from zoneinfo import ZoneInfo  # lazy: rare - another zone than China time's, or a year before 1992

    return ZoneInfo(name)


def plan_zone(settings: Settings | None = None) -> tzinfo:
    """The plan's time zone (``settings.timezone``, default Asia/Shanghai): every date
    of the plan (the day an ``at`` falls on, a deadline, ``--as-of DATE``) is on its calendar."""
    return zone_named(settings.timezone if settings is not None else DEFAULT_TIMEZONE)


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` on the plan's clock: a time with an offset converted (the same
    instant), a time without one taken as the plan zone's wall time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """The last instant of ``day`` in ``zone`` (23:59:59.999999 there)."""
    return datetime.combine(day, time.max, tzinfo=zone)


def _rule(rule: Settings | int) -> tuple[int, int | None, str]:
    if isinstance(rule, Settings):
        return rule.deadline_days, rule.deadline_workdays, rule.timezone
    return int(rule), None, DEFAULT_TIMEZONE


def deadline(quarter: Quarter, rule: Settings | int) -> date:
    """The last day on which a quarter's figures are on time: ``deadline_workdays``
    working days after the quarter ends (China's holidays and 调休 counted, see
    workdays.py) when the plan sets it, else ``deadline_days`` calendar days.
    ``rule`` is the plan's settings, or a number of calendar days."""
    days, workdays, _ = _rule(rule)
    return _deadline(quarter, days, workdays)


@lru_cache(maxsize=256)
def _deadline(quarter: Quarter, days: int, workdays: int | None) -> date:
    if workdays is not None:
        return add_workdays(quarter.end, workdays)
    return quarter.end + timedelta(days=days)


@lru_cache(maxsize=256)
def _closing(quarter: Quarter, days: int, workdays: int | None, zone: str) -> datetime:
    """The first instant after the deadline day, in the plan's zone."""
    day = _deadline(quarter, days, workdays) + timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=zone_named(zone, day.year))


def deadline_passed(quarter: Quarter, rule: Settings | int, moment: datetime) -> bool:
    """Whether ``moment`` is after the end of the quarter's deadline day in the plan's
    zone (a time without an offset is the plan zone's wall time)."""
    days, workdays, zone = _rule(rule)
    closing = _closing(quarter, days, workdays, zone)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_named(zone))
    return moment >= closing


def recorded_late(entry, rule: Settings | int) -> bool:
    """Recorded (``at``) after the end of its quarter's deadline day in the plan's
    zone: 逾期报送. Instants are compared, so ``2025-07-11T00:30+08:00`` and
    ``2025-07-10T16:30+00:00`` are equally late. An entry without ``at`` (written
    by hand) is not judged late. ``rule``: the plan's settings, or calendar days."""
    at = entry.at
    return at is not None and deadline_passed(entry.quarter, rule, at)


def check_date_in_quarter(day: date, quarter: Quarter) -> None:
    if not quarter.contains(day):
        raise InputError(
            f"日期 {day.isoformat()} 不在 {quarter.label}"
            f"({quarter.start.isoformat()} 至 {quarter.end.isoformat()})内"
        )


def expected_fraction(item: Item, metric: Metric, q: int) -> float:
    """Fraction of the metric's target expected by the end of quarter ``q``.

    Cumulative: the metric's schedule, else the item's, else even pace to the
    item's ``due`` quarter (q/4 for the usual due = 4; q/due, capped at 1, for
    items due earlier). Growth and level: 1.0 (the target itself, every quarter).
    """
    if not 1 <= q <= 4:
        raise ValueError(f"季度应为 1–4,得到 {q}")
    if metric.kind != CUMULATIVE:
        return 1.0
    schedule = metric.schedule or item.schedule
    if schedule is not None:
        return float(schedule[q - 1])
    due = min(max(int(item.due or 4), 1), 4)
    return min(q, due) / due


def expected_value(item: Item, metric: Metric, q: int) -> float:
    """The figure expected of ``metric`` by the end of quarter ``q``.

    The target times ``expected_fraction``; for a count of whole things
    (``Metric.whole``: 家、个、座…) rounded down to a whole number, so 1 家 due
    in Q4 is expected 0 at Q2 and 15 家 is expected 11 at Q3 (a ceiling, op
    <=, is rounded up instead). A ``schedule:``
    still decides the fraction; the rounding applies to what it gives.
    """
    base = metric.baseline
    if metric.kind == LEVEL and base is not None:
        # A level with a 基期值: an even path from it to the target by the due quarter.
        due = min(max(int(item.due or 4), 1), 4)
        return base + (metric.target - base) * min(q, due) / due
    if base is not None and metric.kind == CUMULATIVE:
        expected = base + (metric.target - base) * expected_fraction(item, metric, q)
    else:
        expected = metric.target * expected_fraction(item, metric, q)
    if metric.kind == CUMULATIVE and metric.whole:
        # Rounded in the unit's favour: down for a goal, up for a ceiling (<=).
        expected = float(math.ceil(expected - 1e-9) if metric.op == "<=" else math.floor(expected + 1e-9))
    return expected


_SCHEDULE_KEY = re.compile(r"^(?:q|第)?\s*([1-4一二三四])\s*(?:季度?)?$")


def _schedule_key(key: object) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key if 1 <= key <= 4 else None
    if not isinstance(key, str):
        return None
    match = _SCHEDULE_KEY.match(_normalize(key))
    if not match:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else _CN_DIGITS[token]


def _schedule_number(raw: object) -> tuple[float, bool]:
    """-> (number, written_as_percent)."""
    if isinstance(raw, bool):
        raise ValueError(f"进度安排的值 {raw!r} 不是数字")
    if isinstance(raw, (int, float)):
        try:
            number, percent = float(raw), False
        except OverflowError:
            raise ValueError("进度安排的值过大") from None
    elif isinstance(raw, str):
        text = _normalize(raw)
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f'进度安排的值"{shown(raw)}"不是数字或百分比') from None
    else:
        raise ValueError(f"进度安排的值 {shown(raw)} 不是数字或百分比")
    if not math.isfinite(number):
        raise ValueError(f'进度安排的值"{shown(raw)}"不是有限数字')
    return number, percent


def parse_schedule(value) -> tuple[float, float, float, float]:
    """YAML schedule -> fractions for Q1..Q4.

    Accepts a mapping ``{Q1: 10%, Q2: 40%, Q3: 70%, Q4: 100%}`` (keys Q1/q1/1/一季度,
    values ``10%``, ``0.1`` or ``10``) or a list of four. Bare numbers are
    fractions when the largest is at most 1 and percentages otherwise
    (``[10, 40, 70, 100]``). The result must not decrease, must stay within
    0–100%, and must reach 100% in Q4. Raises ValueError with a Chinese message.
    """
    if isinstance(value, dict):
        slots: dict[int, object] = {}
        for key, raw in value.items():
            q = _schedule_key(key)
            if q is None:
                raise ValueError(f'进度安排的键"{shown(key)}"无效,应为 Q1–Q4')
            if q in slots:
                raise ValueError(f"进度安排中 Q{q} 重复")
            slots[q] = raw
        missing = [f"Q{q}" for q in range(1, 5) if q not in slots]
        if missing:
            raise ValueError(f"进度安排缺少 {'、'.join(missing)}")
        raws = [slots[q] for q in range(1, 5)]
    elif isinstance(value, (list, tuple)):
        if len(value) != 4:
            raise ValueError(f"进度安排应有 4 个季度的值,得到 {len(value)} 个")
        raws = list(value)
    else:
        raise ValueError("进度安排应为 {Q1: 10%, Q2: 40%, Q3: 70%, Q4: 100%} 或 4 个值的列表")
    numbers = [_schedule_number(raw) for raw in raws]
    bare_max = max((n for n, percent in numbers if not percent), default=0.0)
    bare_is_percent = bare_max > 1
    fractions = []
    for number, percent in numbers:
        fractions.append(number / 100 if (percent or bare_is_percent) else number)
    # Tame float noise such as 0.7000000000000001 so that 100% compares equal to 1.
    fractions = [round(f, 9) for f in fractions]
    for q, fraction in enumerate(fractions, start=1):
        if fraction < 0:
            raise ValueError(f"进度安排 Q{q} 为负数")
        if fraction > 1:
            raise ValueError(f"进度安排 Q{q} 超过 100%")
    for q in range(1, 4):
        if fractions[q] < fractions[q - 1]:
            raise ValueError(f"进度安排应逐季不减,Q{q + 1} 小于 Q{q}")
    if fractions[3] != 1:
        raise ValueError("进度安排 Q4 应为 100%")
    return (fractions[0], fractions[1], fractions[2], fractions[3])
