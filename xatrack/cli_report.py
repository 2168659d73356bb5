"""`xatrack report`: the quarterly bulletin (季度通报) in four renderings.

Parses the flags, builds the one ``Report`` value (xatrack.report) and hands
it to a renderer in views/; writing the file is the only other thing done here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.cli import app
from xatrack.cliutil import (
    ActionOpt,
    LeadOpt,
    LeaderOpt,
    QuarterOpt,
    RootOpt,
    SearchOpt,
    SectionOpt,
    Session,
    StatusOpt,
    UnitOpt,
    check_format,
    heading,
    make_filters,
    today,
)
from xatrack.errors import InputError

FORMATS = ("term", "md", "html", "xlsx")
_FORMAT_ALIASES = {"markdown": "md", "htm": "html", "excel": "xlsx", "xls": "xlsx"}
_SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".xlsx": "xlsx", ".txt": "term"}


@app.command("report")
def report_command(
    leader: LeaderOpt = None,
    unit: UnitOpt = None,
    lead: LeadOpt = None,
    action: ActionOpt = None,
    section: SectionOpt = None,
    status: StatusOpt = None,
    quarter: QuarterOpt = None,
    search: SearchOpt = None,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            help="输出格式:term(表格)、md(Markdown)、html(单个网页文件)、xlsx(Excel,须同时给 -o);默认按 -o 的扩展名,否则 term",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="写入的文件(按原样使用此路径);不给则输出到屏幕", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 -o 指定的、不是 xatrack 生成的已有文件")] = False,
    root: RootOpt = None,
) -> None:
    """季度通报:总体情况、各责任领导、牵头单位排名、滞后事项、催办名单、与上季度相比。

    数字与 overdue 出自同一评估;筛选条件与 list 相同。

    \b
    例:
      xatrack report --quarter Q2
      xatrack report --quarter Q2 --format html -o 通报.html
      xatrack report --quarter Q2 --leader 洪声耀 --format xlsx -o 洪声耀.xlsx
      xatrack report --quarter Q2 --format md > 通报.md
    """
    kind = _choose_format(fmt, output)
    if kind == "xlsx" and output is None:
        raise InputError("--format xlsx 需要用 -o 指定写入的文件,如 -o 通报.xlsx")
    if output is not None:
        _check_output(output)

    from xatrack.report import build_report

    session = Session(root)
    if output is not None:
        from xatrack.safefs import check_output

        check_output(output, "-o", [session.tracker.root], force)
    filters = make_filters(leader, unit, lead, action, section, status, search)
    selector = session.selector(filters)
    q = session.quarter(quarter)
    scope = heading(session, q, filters, "").split(" · ")[1:]
    # The decisive entries up to q suffice for q and the quarter before it (evaluate.decisive).
    entries = session.decisive_entries(q)
    report = build_report(session.plan, session.directory, entries, q, selector=selector, scope=scope, as_of=today())

    if kind == "xlsx":
        from xatrack.views.report_xlsx import render_xlsx

        _write(output, render_xlsx(report))
    elif kind in ("md", "html"):
        if kind == "md":
            from xatrack.views.report_markdown import render_markdown as render
        else:
            from xatrack.views.report_html import render_html as render
        text = render(report)
        if output is None:
            sys.stdout.write(text)
        else:
            _write(output, text + ("\n<!-- 由 xatrack 生成 -->\n" if kind == "md" else ""))
    else:
        from xatrack.views.report_term import render_report

        if output is None:
            from xatrack.views.terminal import output as to_stdout

            to_stdout(lambda console: render_report(console, report))
        else:
            _write(output, _plain_text(report) + "\n由 xatrack 生成\n")
    if output is not None:
        typer.echo(f"已写入 {output}:{report.title}({report.overall.total} 项)", err=True)


def _choose_format(fmt: str | None, output: Path | None) -> str:
    if fmt is None:
        if output is not None:
            return _SUFFIX_FORMATS.get(output.suffix.lower(), "term")
        return "term"
    key = _FORMAT_ALIASES.get(fmt.strip().lower())
    return key if key else check_format(fmt, FORMATS)


def _plain_text(report) -> str:
    import io

    from xatrack.views.report_term import render_report
    from xatrack.views.terminal import make_console

    buffer = io.StringIO()
    render_report(make_console(buffer), report)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _check_output(path: Path) -> None:
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


def _write(path: Path, content: str | bytes) -> None:
    """A regular file atomically (never a half-written report); a device,
    FIFO or symlink target is written into (safefs.write_output)."""
    from xatrack.errors import DataError
    from xatrack.safefs import write_output

    try:
        write_output(path, content)
    except DataError as error:
        raise InputError(f"-o 的值\"{path}\"无法写入:{error.message}") from None
