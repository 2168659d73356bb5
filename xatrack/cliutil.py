"""What every command shares: the flags that mean the same everywhere, the
session (tracker, plan, directory, entries) and small parsing helpers.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.errors import InputError, XatrackError

RootOpt = Annotated[
    Optional[Path],
    typer.Option("--root", help="跟踪目录(含 tasks.yaml);默认为当前目录或其上级,或环境变量 XATRACK_ROOT", show_default=False),
]
LeaderOpt = Annotated[
    Optional[str],
    typer.Option("--leader", help="责任领导,如 洪声耀、hsy", show_default=False, autocompletion=lambda incomplete: complete_leaders(incomplete)),
]
UnitOpt = Annotated[
    Optional[str],
    typer.Option(
        "--unit",
        help="牵头或责任单位(含别名、分组,可写简称如 科经局、拼音如 kjj)",
        show_default=False,
        autocompletion=lambda incomplete: complete_units(incomplete),
    ),
]
LeadOpt = Annotated[
    Optional[str],
    typer.Option("--lead", help="只看牵头单位", show_default=False, autocompletion=lambda incomplete: complete_units(incomplete)),
]
IdArg = Annotated[
    str,
    typer.Argument(
        metavar="编号",
        help="目标或任务编号,如 32、G1",
        show_default=False,
        autocompletion=lambda incomplete: complete_ids(incomplete),
    ),
]
ActionOpt = Annotated[Optional[int], typer.Option("--action", help="行动编号 1–7", show_default=False)]
SectionOpt = Annotated[Optional[str], typer.Option("--section", help="章节名称的一部分", show_default=False)]
StatusOpt = Annotated[
    Optional[str], typer.Option("--status", help="状态 已完成/正常/滞后/严重滞后/未报送,或颜色 绿/黄/红/灰", show_default=False)
]
QuarterOpt = Annotated[
    Optional[str], typer.Option("--quarter", "-q", help="季度,如 Q2、2025-Q2、二季度;默认为当前季度", show_default=False)
]
SearchOpt = Annotated[Optional[str], typer.Option("--search", help="在任务文字和指标名称中查找", show_default=False)]
FormatOpt = Annotated[str, typer.Option("--format", help="输出格式:term(表格)、json、csv")]


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
        from xatrack.schedule import parse_date

        try:
            fixed_day = parse_date(day)
        except XatrackError:
            raise InputError(f"环境变量 XATRACK_TODAY 的值\"{day}\"不是日期") from None
        return wall.replace(year=fixed_day.year, month=fixed_day.month, day=fixed_day.day)
    return wall


def today() -> date:
    """Today by the one clock (``now``)."""
    return now().date()


class Session:
    """What a query command needs: tracker, plan, directory, entries.

    Entries are read when first asked for: ``entries`` all of them (for
    history, checks and the sheet), ``evaluate`` only the decisive entries
    of the quarters up to the one evaluated (evaluate.decisive), which is
    what keeps `list` and `overdue` quick on long logs.
    """

    def __init__(self, root: Path | None, entries: bool = True, item: str | None = None):
        """``item``: the command is about this one item (update): the plan may
        then hold only that item."""
        from xatrack.store import Tracker, find_root

        self.tracker = Tracker(find_root(root))
        self.plan = self.tracker.plan_for(item) if item is not None else self.tracker.plan()
        self._directory = None
        self._entries = None
        self._roles = None
        self._decisive: dict[int, list] = {}
        self._whole_plan = item is None
        self._warned_unknown = False

    @property
    def directory(self):
        if self._directory is None:
            self._directory = self.tracker.directory()
        return self._directory

    @property
    def roles(self):
        """Who reports an item's figure and who only contributes (roles.py)."""
        if self._roles is None:
            from xatrack.roles import Roles

            self._roles = Roles(self.directory)
        return self._roles

    @property
    def entries(self) -> list:
        if self._entries is None:
            self._entries, problems = self.tracker.entries(self.plan.info.year)
            warn_log_problems(problems)
            self._warn_unknown(self._entries)
        return self._entries

    def decisive_entries(self, quarter) -> list:
        """Enough entries to evaluate ``quarter`` (and any earlier one)."""
        if self._entries is not None:
            return self._entries
        if quarter.q not in self._decisive:
            found, problems = self.tracker.entries(self.plan.info.year, until=quarter.q, decisive=True)
            warn_log_problems(problems)
            self._warn_unknown(found, at_least=True)  # the decisive entries: some repeats dropped
            self._decisive[quarter.q] = found
        return self._decisive[quarter.q]

    def _warn_unknown(self, entries, at_least: bool = False) -> None:
        """Once per command, on stderr: entries for items or metrics the plan
        does not have (a deleted task, a renamed metric) count nowhere."""
        if self._warned_unknown or not self._whole_plan:
            return
        from xatrack.checks import unknown_entries

        count = unknown_entries(self.plan, entries)
        if count:
            self._warned_unknown = True
            typer.echo(
                f"警告:进度记录中有{'至少 ' if at_least else ' '}{count} 条记录对应的任务或指标在任务清单中不存在(任务被删除或指标被改名?),"
                "这些记录未计入;运行 xatrack check 查看",
                err=True,
            )

    def quarter(self, text: str | None):
        from xatrack.schedule import default_quarter, parse_quarter

        if text:
            return parse_quarter(text, self.plan.info.year)
        return default_quarter(self.plan.info.year, today(), self.plan.settings.report_window_days)

    def evaluate(self, quarter, items=None):
        from xatrack.evaluate import evaluate

        return evaluate(self.plan, self.decisive_entries(quarter), quarter, items, roles=self.roles, findings=self.findings)

    @property
    def findings(self) -> list:
        """Inspection findings of the plan year (findings/<year>.yaml), read once."""
        if getattr(self, "_findings", None) is None:
            from xatrack.findings_log import load

            found, problems = load(self.tracker.root, self.plan.info.year)
            if problems:
                typer.echo(
                    f"警告:督查发现记录中有 {len(problems)} 处问题,相关条目已忽略(首个:{problems[0]});运行 xatrack check 查看",
                    err=True,
                )
            self._findings = list(found.values())
        return self._findings

    def selector(self, filters):
        from xatrack.queries import Selector

        return Selector(self.plan, self.directory, filters)


def warn_log_problems(problems) -> None:
    if problems:
        typer.echo(
            f"警告:进度记录中有 {len(problems)} 处问题,相关条目已忽略(首个:{problems[0]});运行 xatrack check 查看",
            err=True,
        )


def make_filters(leader, unit, lead, action, section, status, search):
    from xatrack.queries import Filters

    return Filters(leader=leader, unit=unit, lead=lead, action=action, section=section, status=status, search=search)


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    key = value.strip().lower()
    if key in ("table", "terminal", "txt", "text"):
        key = "term"
    if key not in allowed:
        raise InputError(f"--format 的值\"{value}\"无效:应为 {'、'.join(allowed)}")
    return key


def heading(session: Session, quarter, filters, what: str) -> str:
    parts = [f"{quarter.label}{what}"]
    for flag, value in (
        ("领导", filters.leader),
        ("单位", filters.unit),
        ("牵头", filters.lead),
        ("行动", filters.action),
        ("章节", filters.section),
        ("状态", filters.status),
        ("查找", filters.search),
    ):
        if value not in (None, ""):
            parts.append(f"{flag}:{value}")
    return " · ".join(parts)




# --------------------------------------------------------------------------- completion


def _completion_plan():
    """The current tracker's plan and directory, or None: completion never errors."""
    try:
        from xatrack.store import Tracker, find_root

        tracker = Tracker(find_root(None))
        return tracker.plan(), tracker.directory()
    except Exception:
        return None


def complete_ids(incomplete: str) -> list[tuple[str, str]]:
    loaded = _completion_plan()
    if loaded is None:
        return []
    plan, _ = loaded
    key = incomplete.strip().upper()
    return [(item.id, item.text[:30]) for item in plan.items if item.id.upper().startswith(key)]


def _complete_names(incomplete: str, names: list[str]) -> list[str]:
    key = incomplete.strip()
    if not key:
        return names
    hits = [n for n in names if n.startswith(key)] + [n for n in names if key in n and not n.startswith(key)]
    if not hits and key.isascii():
        from xatrack.directory import Directory

        directory = Directory.empty()
        for name in names:
            try:
                if directory.unit_query(key, [name]).name == name:
                    hits.append(name)
            except Exception:
                continue
    return hits


def complete_leaders(incomplete: str) -> list[str]:
    loaded = _completion_plan()
    if loaded is None:
        return []
    from xatrack.queries import all_leaders

    plan, directory = loaded
    return _complete_names(incomplete, list(dict.fromkeys(all_leaders(plan) + list(directory.leader_names()))))


def complete_units(incomplete: str) -> list[str]:
    loaded = _completion_plan()
    if loaded is None:
        return []
    from xatrack.queries import all_units

    plan, directory = loaded
    return _complete_names(incomplete, list(dict.fromkeys(list(directory.unit_names()) + all_units(plan))))
