"""What every command shares: the flags that mean the same everywhere, the
session (tracker, plan, directory, entries) and small parsing helpers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.clock import now, today  # noqa: F401  (the one clock, re-exported for the commands)
from xatrack.errors import InputError

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


def _echo_warning(message: str) -> None:
    typer.echo(message, err=True)


def Session(root: Path | None, entries: bool = True, item: str | None = None):
    """The tracker a command works on: ``load.load`` with its warnings on
    stderr. ``item``: the command is about this one item (update)."""
    from xatrack.load import load

    return load(root, item=item, warn=_echo_warning)


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
        from xatrack.load import load

        loaded = load(None)
        return loaded.plan, loaded.directory
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
