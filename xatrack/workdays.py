"""Working days: the one place that says which days an office works.

Monday to Friday for now. China's public holidays and their 调休 (a Saturday or
Sunday worked in exchange) are not known here yet: a holiday calendar plugs in
at ``is_workday``, and every date counted with ``next_workday`` (the 催办单's
reply date) follows it. Pure: no clock, no files.
"""

from __future__ import annotations

from datetime import date, timedelta


def is_workday(day: date) -> bool:
    """Whether the office works on ``day`` (Monday to Friday)."""
    return day.weekday() < 5


def next_workday(day: date, n: int = 1) -> date:
    """The ``n``-th working day after ``day``: 5 working days after Tuesday 2025-07-08 is
    Tuesday 2025-07-15, 1 after Friday 2025-07-11 is Monday 2025-07-14. ``n`` = 0: ``day``
    itself when it is a working day, else the first one after it."""
    if n < 0:
        raise ValueError(f"n 应为非负整数,得到 {n}")
    counted = 0
    while not is_workday(day) or counted < n:
        day += timedelta(days=1)
        counted += is_workday(day)
    return day
