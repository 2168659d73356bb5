"""Time as the office keeps it (issue 25): one time zone for the plan, working
days with China's holidays, and clock values refused when they make no sense.

The same judgements are made with the machine on UTC and on China time: in
this process by changing the zone (time.tzset, where there is one) and in
subprocesses given TZ (every platform: the result must not depend on it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cli_helpers import make_tracker, run
from xatrack import bulletin, clock
from xatrack.checks import check_workday_calendar
from xatrack.errors import InputError
from xatrack.model import Entry, PlanInfo, Plan, Quarter, Settings
from xatrack.registry import parse_registry
from xatrack.schedule import deadline, deadline_passed, recorded_late
from xatrack.workdays import add_workdays, is_workday, knows, next_workday, reply_date

CHINA = ZoneInfo("Asia/Shanghai")
Q2 = Quarter(2025, 2)
MACHINE_OFFSETS = {"UTC": timedelta(0), "Asia/Shanghai": timedelta(hours=8)}


@pytest.fixture(params=sorted(MACHINE_OFFSETS))
def machine_zone(request):
    """The machine's own time zone set to UTC, then to China time, for this test."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available here (Windows): the subprocess tests cover the machine's zone")
    saved = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        # The zone really is the machine's now: otherwise the test would prove nothing.
        if datetime.now().astimezone().utcoffset() != MACHINE_OFFSETS[request.param]:
            pytest.skip(f"the C library here has no zone file for {request.param}")
        yield request.param
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def _entry(at: str | None, quarter: Quarter = Q2, day: date = date(2025, 6, 30)) -> Entry:
    return Entry(item="10", quarter=quarter, date=day, value=1.0, at=datetime.fromisoformat(at) if at else None)


# ---------------------------------------------------------------- lateness: instants in the plan's zone


@pytest.mark.parametrize(
    "at, late",
    [
        ("2025-07-10T23:30:00+08:00", False),  # 23:30 China time on the deadline day
        ("2025-07-10T15:30:00+00:00", False),  # the same instant written in UTC
        ("2025-07-11T00:30:00+08:00", True),  # 00:30 China time the day after
        ("2025-07-10T16:30:00+00:00", True),  # the same instant written in UTC (was on time)
        ("2025-07-10T12:30:00-04:00", True),  # and in New York
        ("2025-07-10T23:30:00", False),  # no offset: the plan zone's wall time
        ("2025-07-11T00:30:00", True),
        (None, False),  # written by hand: not judged
    ],
)
def test_lateness_compares_instants_with_the_end_of_the_deadline_day_in_china(machine_zone, at, late):
    assert recorded_late(_entry(at), Settings()) is late
    assert recorded_late(_entry(at), 10) is late  # calendar days alone: the plan zone's default


def test_the_plan_zone_decides_the_deadline_day():
    utc = Settings(timezone="UTC")
    assert recorded_late(_entry("2025-07-10T16:30:00+00:00"), utc) is False
    assert recorded_late(_entry("2025-07-11T00:30:00+08:00"), utc) is False  # the same instant
    assert recorded_late(_entry("2025-07-11T00:00:00+00:00"), utc) is True
    assert deadline_passed(Q2, utc, datetime(2025, 7, 11, 7, 59, tzinfo=CHINA)) is False


def test_update_records_at_in_the_plan_zone_and_the_bulletin_judges_it(tracker, capsys, monkeypatch, machine_zone):
    """The repro of issue 25: 23:30 China time on the deadline day is on time, 00:30 the day after
    late, whatever the machine's zone and however the time was written."""
    monkeypatch.setenv("XATRACK_NOW", "2025-07-10T23:30:00")  # no offset: China time
    code, _, err = run(capsys, "update", "10", "--done", "1", "--quarter", "Q2")
    assert code == 0, err
    monkeypatch.setenv("XATRACK_NOW", "2025-07-10T16:30:00+00:00")  # 00:30 on the 11th in China
    code, _, err = run(capsys, "update", "5", "--done", "50", "--quarter", "Q2", "--by", "区发改局")
    assert code == 0, err
    log = (tracker / "progress" / "2025-Q2.yaml").read_text(encoding="utf-8")
    assert '"at": "2025-07-10T23:30:00+08:00"' in log
    assert '"at": "2025-07-11T00:30:00+08:00"' in log
    monkeypatch.setenv("XATRACK_NOW", "2025-07-20T09:00:00+08:00")
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md")
    assert code == 0, err
    late_line = next(line for line in out.splitlines() if line.startswith("逾期报送(截止日 2025-07-10)"))
    assert "区发改局 1 项(5)" in late_line and "区商务局" not in late_line


# ---------------------------------------------------------------- --as-of and the clock


def test_as_of_a_date_is_the_end_of_that_day_in_china(machine_zone):
    moment = bulletin.parse_as_of("2025-07-10")
    assert moment == datetime(2025, 7, 10, 23, 59, 59, 999999, tzinfo=CHINA)
    assert moment.utcoffset() == timedelta(hours=8)
    assert bulletin.parse_as_of("2025-07-10T09:30:00") == datetime(2025, 7, 10, 9, 30, tzinfo=CHINA)
    assert bulletin.parse_as_of("2025-07-10", ZoneInfo("UTC")) == datetime(2025, 7, 10, 23, 59, 59, 999999, tzinfo=timezone.utc)


def test_as_of_keeps_the_same_entries_whatever_the_machine_zone(machine_zone):
    evening = _entry("2025-07-10T20:00:00+08:00")  # 12:00 UTC on the 10th
    night = _entry("2025-07-11T03:00:00+08:00")  # 19:00 UTC on the 10th: after the 10th in China
    by_hand = _entry(None, day=date(2025, 7, 10))
    kept = bulletin.recorded_by([evening, night, by_hand], bulletin.parse_as_of("2025-07-10"))
    assert kept == [evening, by_hand]


def test_the_clock_gives_the_plan_zone(machine_zone, monkeypatch):
    monkeypatch.delenv("XATRACK_TODAY", raising=False)
    monkeypatch.setenv("XATRACK_NOW", "2025-07-10T16:30:00+00:00")
    assert clock.now() == datetime(2025, 7, 11, 0, 30, tzinfo=CHINA)
    assert clock.now().utcoffset() == timedelta(hours=8)
    assert clock.today() == date(2025, 7, 11)  # China's date, not the machine's
    assert clock.today(ZoneInfo("UTC")) == date(2025, 7, 10)
    monkeypatch.delenv("XATRACK_NOW")
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-10")
    assert clock.now().utcoffset() == timedelta(hours=8)
    assert clock.today() == date(2025, 7, 10)


def _replay(root: Path, zone: str) -> str:
    """Two reports either side of the Q2 deadline and the Q2 bulletin, in a subprocess on ``zone``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XATRACK_")}
    env.update(TZ=zone, XATRACK_ROOT=str(root), XATRACK_USER="测试员", PYTHONIOENCODING="utf-8", COLUMNS="160")
    env["XATRACK_CACHE_DIR"] = str(root.parent / "cache")
    steps = [
        ("2025-07-10T23:30:00+08:00", ["update", "10", "--done", "1", "--quarter", "Q2"]),
        ("2025-07-10T16:30:00Z", ["update", "5", "--done", "50", "--quarter", "Q2", "--by", "区发改局"]),
        ("2025-07-10T12:00:00", ["report", "--quarter", "Q2", "--as-of", "2025-07-10", "--format", "md"]),
        ("2025-07-20T09:00:00", ["report", "--quarter", "Q2", "--format", "md"]),
    ]
    outputs = []
    for now, args in steps:
        env["XATRACK_NOW"] = now
        done = subprocess.run([sys.executable, "-m", "xatrack", *args], env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        outputs.append(done.stdout.decode("utf-8"))
    return "\n".join(outputs)


def test_a_machine_on_utc_and_one_on_china_time_give_the_same_bulletins(tmp_path):
    on_utc = _replay(make_tracker(tmp_path / "utc" / "tracker"), "UTC")
    on_china = _replay(make_tracker(tmp_path / "china" / "tracker"), "Asia/Shanghai")
    assert on_utc == on_china
    assert "逾期报送(截止日 2025-07-10)" in on_utc


# ---------------------------------------------------------------- bad clocks


BAD_CLOCKS = [
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["list"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["overdue"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["leaders"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["show", "10"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["report"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["report", "--year"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["remind"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["update", "10", "--done", "1"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["update", "10", "--done", "1", "--quarter", "Q2"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["report", "--quarter", "Q2", "--publish"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "9999-12-31T23:59:59+00:00"}, ["remind"], 'XATRACK_NOW 的值"9999-12-31T23:59:59+00:00"'),
    ({"XATRACK_NOW": "9999-12-31T23:59:59+00:00"}, ["retract", "10", "--quarter", "Q2"], 'XATRACK_NOW 的值"9999-12-31T23:59:59+00:00"'),
    ({"XATRACK_NOW": "9999-12-31T23:59:59+00:00"}, ["remind", "--format", "docx", "-o", "催办单"], 'XATRACK_NOW 的值"9999-12-31T23:59:59+00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["sheet", "--all", "-o", "报送表/"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["finding", "add", "10", "--unit", "区商务局", "--text", "问题", "--due", "2025-08-01"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "0001-01-01T00:00:00"}, ["report", "--year", "-o", "考核.xlsx"], 'XATRACK_NOW 的值"0001-01-01T00:00:00"'),
    ({"XATRACK_NOW": "2025-07-10 noon"}, ["list"], 'XATRACK_NOW 的值"2025-07-10 noon"'),
    ({"XATRACK_TODAY": "1969-12-31"}, ["overdue"], 'XATRACK_TODAY 的值"1969-12-31"'),
    ({"XATRACK_TODAY": "2201-01-01"}, ["update", "10", "--done", "1"], 'XATRACK_TODAY 的值"2201-01-01"'),
    ({"XATRACK_TODAY": "2025-13-01"}, ["list"], 'XATRACK_TODAY 的值"2025-13-01"'),
    ({}, ["report", "--as-of", "0001-01-01"], '--as-of 的值"0001-01-01"'),
    ({}, ["report", "--as-of", "2201-01-01T00:00:00+08:00"], '--as-of 的值"2201-01-01T00:00:00+08:00"'),
    ({}, ["report", "--year", "--as-of", "0001-01-01"], '--as-of 的值"0001-01-01"'),
    ({}, ["report", "--as-of", "2025-02-30"], '--as-of 的值"2025-02-30"'),
]


def _files(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``root``."""
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("env, args, named", BAD_CLOCKS, ids=[" ".join(a) + " " + " ".join(e.values()) for e, a, _ in BAD_CLOCKS])
def test_bad_clock_values_are_refused_in_one_line(tracker, capsys, monkeypatch, env, args, named):
    code, _, err = run(capsys, "update", "10", "--done", "1", "--quarter", "Q2")  # something to retract or publish
    assert code == 0, err
    before = _files(tracker)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, err = run(capsys, *args)
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], err
    assert _files(tracker) == before  # nothing written


# ---------------------------------------------------------------- working days


def test_working_days_count_china_holidays_and_adjusted_days():
    assert knows(2025)
    assert not is_workday(date(2025, 10, 1))  # 国庆节
    assert is_workday(date(2025, 10, 11))  # a Saturday worked (调休)
    assert is_workday(date(2025, 9, 28))  # a Sunday worked (调休)
    assert next_workday(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert next_workday(date(2025, 10, 1), 0) == date(2025, 10, 9)
    assert next_workday(date(2025, 10, 9), 0) == date(2025, 10, 9)
    # 10 working days after each quarter of 2025
    assert add_workdays(date(2025, 3, 31), 10) == date(2025, 4, 15)  # 清明 4–6 April
    assert add_workdays(date(2025, 6, 30), 10) == date(2025, 7, 14)
    assert add_workdays(date(2025, 9, 30), 10) == date(2025, 10, 21)  # 1–8 Oct off, 11 Oct worked
    assert add_workdays(date(2025, 12, 31), 10) == date(2026, 1, 15)  # 1 Jan off
    with pytest.raises(ValueError):
        next_workday(date(2025, 1, 1), -1)


def test_beyond_the_calendar_monday_to_friday():
    assert not knows(2150)
    friday = date(2150, 1, 2)
    assert friday.weekday() == 4
    assert next_workday(friday, 1) == date(2150, 1, 5)  # the Monday
    assert next_workday(date(2150, 1, 3), 0) == date(2150, 1, 5)
    assert add_workdays(friday, 10) == date(2150, 1, 16)


def test_deadline_in_working_days():
    settings = Settings(deadline_workdays=10)
    q3 = Quarter(2025, 3)
    assert deadline(q3, settings) == date(2025, 10, 21)
    assert deadline(q3, Settings()) == date(2025, 10, 10)  # 10 calendar days
    assert deadline(q3, 10) == date(2025, 10, 10)
    late = Entry(item="10", quarter=q3, date=date(2025, 9, 30), at=datetime(2025, 10, 21, 23, 59, tzinfo=CHINA))
    assert recorded_late(late, settings) is False
    assert recorded_late(late, Settings()) is True
    assert recorded_late(late._replace(at=datetime(2025, 10, 22, 0, 1, tzinfo=CHINA)), settings) is True


def test_reply_date_lands_on_a_working_day():
    assert reply_date(date(2025, 9, 28), Settings()) == date(2025, 10, 9)  # 5 days: 3 Oct, a holiday
    assert reply_date(date(2025, 6, 20), Settings()) == date(2025, 6, 25)  # 5 days: a Wednesday
    assert reply_date(date(2025, 9, 26), Settings(remind_workdays=5)) == date(2025, 10, 10)


SETTINGS_YAML = """\
plan: {{title: 测试, year: {year}}}
settings:
{settings}
tasks:
  - id: 1
    text: 一项任务
    lead: [区商务局]
"""


def _plan(year: int, settings: str):
    plan, problems = parse_registry(SETTINGS_YAML.format(year=year, settings=settings))
    return plan, problems


def test_settings_of_time_are_read_and_checked():
    plan, problems = _plan(2025, "  timezone: UTC\n  deadline_workdays: 10\n  remind_workdays: 3")
    assert not [p for p in problems if p.severity == "error"], problems
    assert (plan.settings.timezone, plan.settings.deadline_workdays, plan.settings.remind_workdays) == ("UTC", 10, 3)
    plan, problems = _plan(2025, "  deadline_days: 10")
    assert (plan.settings.timezone, plan.settings.deadline_workdays) == ("Asia/Shanghai", None)
    for bad, message in (
        ("  timezone: Mars/Olympus", '未知的时区"Mars/Olympus"'),
        ("  timezone: 8", "settings.timezone 应为时区名"),
        ("  deadline_workdays: 0", "settings.deadline_workdays 应为 1–60 的整数"),
        ("  remind_workdays: ten", "settings.remind_workdays 应为 1–60 的整数"),
    ):
        plan, problems = _plan(2025, bad)
        errors = [p for p in problems if p.severity == "error"]
        assert len(errors) == 1 and message in errors[0].message and errors[0].line == 3, problems
        assert plan.settings.timezone == "Asia/Shanghai"


def test_check_says_when_working_days_fall_back_to_weekdays():
    plan, _ = _plan(2025, "  deadline_workdays: 10")
    assert check_workday_calendar(plan) == []
    plan, _ = _plan(2150, "  deadline_workdays: 10")
    [problem] = check_workday_calendar(plan)
    assert problem.severity == "warning" and problem.code == "workday-calendar"
    assert "2150 年、2151 年" in problem.message and "周一至周五" in problem.message
    plan, _ = _plan(2150, "  deadline_days: 10")
    assert check_workday_calendar(plan) == []  # calendar days need no holiday calendar


def test_check_names_a_bad_time_zone_and_the_weekday_fallback(tracker, capsys):
    text = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("settings:\n", "settings:\n  deadline_workdays: 10\n  timezone: Asia/Shangai\n", 1)
    (tracker / "tasks.yaml").write_text(text.replace("year: 2025", "year: 2150", 1), encoding="utf-8")
    code, out, err = run(capsys, "check")
    assert code == 1
    said = out + err
    assert 'settings.timezone 应为时区名(如 Asia/Shanghai),未知的时区"Asia/Shangai"' in said
    assert "settings.deadline_workdays:节假日日历不含 2150 年、2151 年,这些年份的工作日按周一至周五计算" in said


def test_show_gives_a_withdrawal_time_on_the_plan_clock(machine_zone):
    """A retraction recorded on a machine on UTC (offset +00:00) reads in China time."""
    from xatrack.history import item_history
    from xatrack.model import TASK, Item, entry_ref

    class LeadOnly:
        def role(self, item, by):
            return "牵头"

    item = Item(id="10", kind=TASK, text="t")
    reported = _entry("2025-07-05T10:00:00+08:00")._replace(by="区商务局")
    withdrawal = Entry(item="10", quarter=Q2, date=date(2025, 6, 30), by="区商务局",
                       at=datetime.fromisoformat("2025-07-10T16:30:00+00:00"), retracts=entry_ref(reported))
    [row] = item_history(item, [reported, withdrawal], LeadOnly(), Settings())
    assert row.marks == ("已撤回(区商务局 2025-07-11 00:30)",)
