"""The one clock: what "now" and "today" mean for every command.

$XATRACK_NOW (a timestamp) or $XATRACK_TODAY (a date) move it, so a whole
year can be replayed; git history stays the audit trail.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from xatrack.errors import InputError, XatrackError
from xatrack.schedule import parse_date


def now() -> datetime:
    """The one clock: $XATRACK_NOW (a timestamp such as 2025-07-08T10:00:00+08:00),
    else $XATRACK_TODAY (a date: that day at the wall clock's time of day),
    else the wall clock. Sets both "today" and the ``at`` recorded with an
    entry, so a whole year can be replayed; git history stays the audit trail."""
    fixed = os.environ.get("XATRACK_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.strip())
        except ValueError:
            raise InputError(f"环境变量 XATRACK_NOW 的值\"{fixed}\"不是时间(如 2025-07-08T10:00:00+08:00)") from None
        return moment if moment.tzinfo is not None else moment.astimezone()
    day = os.environ.get("XATRACK_TODAY")
    wall = datetime.now().astimezone()
    if day:
        try:
            fixed_day = parse_date(day)
        except XatrackError:
            raise InputError(f"环境变量 XATRACK_TODAY 的值\"{day}\"不是日期") from None
        return wall.replace(year=fixed_day.year, month=fixed_day.month, day=fixed_day.day)
    return wall


def today() -> date:
    """Today by the one clock (``now``)."""
    return now().date()
