"""What every command shares: the flags that mean the same everywhere, the
session (tracker, plan, directory, entries) and small parsing helpers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.clock import now, today  # noqa: F401  (the one clock, re-exported for the commands)
from xatrack.errors import InputError
from xatrack.commands import check_format, default_user  # noqa: F401  (shared with the quick path)

RootOpt = Annotated[
    Optional[Path],
    typer.Option("--root", help="跟踪目录(含 tasks.yaml);默认为当前目录或其上级,或环境变量 XATRACK_ROOT", show_default=False),
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
IdArg = Annotated[
    str,
    typer.Argument(
        metavar="编号",
        help="目标或任务编号,如 32、G1",
        show_default=False,
        autocompletion=lambda incomplete: complete_ids(incomplete),
    ),
]
QuarterOpt = Annotated[
    Optional[str], typer.Option("--quarter", "-q", help="季度,如 Q2、2025-Q2、二季度;默认为正在报送的季度:季度结束后 settings.report_window_days(默认 31)天内为刚结束的季度,此后为当前季度(计划年度之前为 Q1,之后为 Q4)", show_default=False)
]
FormatOpt = Annotated[str, typer.Option("--format", help="输出格式:term(表格)、json、csv")]


def echo_warning(message: str) -> None:
    typer.echo(message, err=True)


# The item filters, declared once. Each may be given several times: an item is
# kept when it matches any of a flag's values (queries.Filters, queries.Selector).
_ANY = ";可重复给出,满足其一即可"
FILTER_OPTIONS: dict[str, tuple[object, object]] = {
    "leader": (Optional[list[str]], typer.Option(
        "--leader", help="责任领导,如 洪声耀、hsy" + _ANY, show_default=False,
        autocompletion=lambda incomplete: complete_leaders(incomplete))),
    "unit": (Optional[list[str]], typer.Option(
        "--unit", help="牵头或责任单位(含别名、分组,可写简称如 科经局、拼音如 kjj)" + _ANY, show_default=False,
        autocompletion=lambda incomplete: complete_units(incomplete))),
    "lead": (Optional[list[str]], typer.Option(
        "--lead", help="只看牵头单位" + _ANY, show_default=False, autocompletion=lambda incomplete: complete_units(incomplete))),
    "action": (Optional[list[int]], typer.Option("--action", help="行动编号 1–7" + _ANY, show_default=False)),
    "section": (Optional[list[str]], typer.Option("--section", help="章节名称的一部分" + _ANY, show_default=False)),
    "status": (Optional[list[str]], typer.Option(
        "--status", help="状态 已完成/正常/滞后/严重滞后/未报送,或颜色 绿/黄/红/灰" + _ANY, show_default=False)),
    "search": (Optional[list[str]], typer.Option("--search", help="在任务文字和指标名称中查找" + _ANY, show_default=False)),
}


def filter_options(*, omit: tuple[str, ...] = ()):
    """Gives a command the item filters (--leader, --unit, --lead, --action,
    --section, --status, --search, minus ``omit``) in place of its
    ``filters`` parameter, which receives them as one ``queries.Filters``."""
    import functools
    import inspect
    from typing import get_type_hints

    names = [name for name in FILTER_OPTIONS if name not in omit]

    def wrap(func):
        hints = get_type_hints(func, include_extras=True)
        params = []
        for param in inspect.signature(func).parameters.values():
            if param.name == "filters":
                params.extend(
                    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                      annotation=Annotated[FILTER_OPTIONS[name][0], FILTER_OPTIONS[name][1]])
                    for name in names
                )
                continue
            params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(param.name, param.annotation)))

        @functools.wraps(func)
        def command(**kwargs):
            from xatrack.queries import Filters

            filters = Filters.of(**{name: kwargs.pop(name) for name in names})
            return func(filters=filters, **kwargs)

        command.__signature__ = inspect.Signature(params, return_annotation=None)
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # Typer must read the new signature, not the function's
        return command

    return wrap


# --------------------------------------------------------------------------- -o files


def check_output_file(path: Path) -> None:
    """Fail before the work if the file cannot be written there."""
    if path.is_dir():
        raise InputError(f"-o 的值\"{path}\"是一个目录,应为文件名,如 -o 通报.html")
    if path.exists() and not path.is_file():  # a device or FIFO: written into, its folder is not touched
        if not os.access(path, os.W_OK):
            raise InputError(f"-o 的值\"{path}\"无法写入:没有写权限")
        return
    if path.is_symlink():  # written to its target
        path = Path(os.path.realpath(path))
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise InputError(f"-o 的值\"{path}\"无法写入:\"{parent}\"不是目录")
    if not parent.is_dir():
        raise InputError(f"-o 的值\"{path}\"无法写入:目录\"{parent}\"不存在")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"-o 的值\"{path}\"无法写入:没有目录\"{parent}\"的写权限")
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"-o 的值\"{path}\"无法写入:文件是只读的")


def write_output_file(path: Path, content: str | bytes) -> None:
    """A regular file atomically (never a half-written report); a device,
    FIFO or symlink target is written into (safefs.write_output)."""
    from xatrack.errors import DataError
    from xatrack.safefs import write_output

    try:
        write_output(path, content)
    except DataError as error:
        raise InputError(f"-o 的值\"{path}\"无法写入:{error.message}") from None


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
