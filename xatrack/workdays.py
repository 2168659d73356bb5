"""Working days (工作日) as China's offices keep them: weekends off, public
holidays off, and the adjusted working days (调休) on, from the
``chinese-calendar`` package. Pure: no file I/O, no clock.

The package knows the years the State Council has published (2004 to the
year after its release); for a day outside them the rule falls back to
Monday–Friday, and ``unknown_years`` names such years so that `check` can
say so.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

FALLBACK_NOTE = "按周一至周五计算(未计法定节假日和调休)"


@lru_cache(maxsize=None)
def _calendar():
    """The chinese_calendar module, or None when it is not installed."""
    try:
        import chinese_calendar  # lazy: heavy - 17 ms, only for settings that count working days
    except ImportError:
        return None
    return chinese_calendar


@lru_cache(maxsize=4096)
def _known_workday(day: date) -> bool | None:
    """True/False from the holiday calendar, None when it does not know the year."""
    calendar = _calendar()
    if calendar is None:
        return None
    try:
        return bool(calendar.is_workday(day))
    except NotImplementedError:  # "no available data for year …"
        return None


def knows(year: int) -> bool:
    """Whether the holiday calendar covers ``year`` (else Monday–Friday is used)."""
    return _known_workday(date(year, 1, 1)) is not None


def is_workday(day: date) -> bool:
    """A working day in China: holidays and 调休 from the calendar, else Monday–Friday."""
    known = _known_workday(day)
    return day.weekday() < 5 if known is None else known


def next_workday(day: date, n: int = 1) -> date:
    """The ``n``-th working day after ``day`` (n=1: the first working day after it;
    n=0: ``day`` itself when it is a working day, else the next one).

    Same signature as the weekday-only rule (Monday–Friday), with China's public
    holidays and 调休 counted where the calendar knows the year."""
    if n < 0:
        raise ValueError(f"工作日数应为非负整数,得到 {n}")
    current = day
    if n == 0:
        while not is_workday(current):
            current += timedelta(days=1)
        return current
    counted = 0
    while counted < n:
        current += timedelta(days=1)
        if is_workday(current):
            counted += 1
    return current


def add_workdays(day: date, n: int) -> date:
    """``day`` plus ``n`` working days (the same as ``next_workday(day, n)``)."""
    return next_workday(day, n)


def reply_date(day: date, settings) -> date:
    """The 催办单 reply date for one made on ``day``: ``settings.remind_workdays``
    working days later when the office counts working days, else
    ``settings.remind_days`` calendar days later, moved on to a working day."""
    workdays = getattr(settings, "remind_workdays", None)
    if workdays:
        return next_workday(day, workdays)
    return next_workday(day + timedelta(days=settings.remind_days), 0)


def unknown_years(first: date, last: date) -> list[int]:
    """The years between two days (inclusive) that the holiday calendar does not cover."""
    return [year for year in range(first.year, last.year + 1) if not knows(year)]
