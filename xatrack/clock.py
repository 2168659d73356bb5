"""The one clock: what "now" and "today" mean for every command.

$XATRACK_NOW (a timestamp) or $XATRACK_TODAY (a date) move it, so a whole
year can be replayed; git history stays the audit trail. The time is given
in the plan's time zone (settings.timezone, default Asia/Shanghai), whatever
the machine's zone: "today" is the plan's date, and the ``at`` recorded with
an entry carries the plan's offset.
"""

from __future__ import annotations

import os
from datetime import date, datetime, tzinfo

from xatrack.errors import InputError, XatrackError
from xatrack.schedule import shown, check_moment, in_zone, parse_date, plan_zone


def now(zone: tzinfo | None = None) -> datetime:
    """The one clock, in ``zone`` (the plan's: schedule.plan_zone(settings); default
    Asia/Shanghai): $XATRACK_NOW (a timestamp such as 2025-07-08T10:00:00+08:00; one
    without an offset is that zone's wall time), else $XATRACK_TODAY (a date: that
    day at the wall clock's time of day in the zone), else the wall clock. Sets both
    "today" and the ``at`` recorded with an entry, so a whole year can be replayed;
    git history stays the audit trail. A malformed value, or one outside the years
    1970–2200, is refused (InputError: one line naming the variable and the value)."""
    zone = zone if zone is not None else plan_zone()
    fixed = os.environ.get("XATRACK_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.strip())
        except ValueError:
            raise InputError(
                f"环境变量 XATRACK_NOW 的值\"{shown(fixed)}\"不是时间(如 2025-07-08T10:00:00+08:00)"
            ) from None
        check_moment(moment, "环境变量 XATRACK_NOW", fixed)
        return in_zone(moment, zone)
    day = os.environ.get("XATRACK_TODAY")
    wall = datetime.now(zone)
    if day:
        try:
            fixed_day = parse_date(day, flag="环境变量 XATRACK_TODAY")
        except XatrackError:
            raise InputError(f"环境变量 XATRACK_TODAY 的值\"{shown(day)}\"不是日期(如 2025-07-08)") from None
        check_moment(fixed_day, "环境变量 XATRACK_TODAY", day)
        return wall.replace(year=fixed_day.year, month=fixed_day.month, day=fixed_day.day)
    return wall


def today(zone: tzinfo | None = None) -> date:
    """Today by the one clock (``now``), on the calendar of ``zone`` (the plan's)."""
    return now(zone).date()
