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

FORMATS = ("term", "md", "html", "xlsx", "docx")
_FORMAT_ALIASES = {"markdown": "md", "htm": "html", "excel": "xlsx", "xls": "xlsx", "word": "docx"}
_SUFFIX_FORMATS = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".txt": "term",
}
# Extensions no format owns: writing text under them makes a file its program refuses.
_SUFFIX_HINTS = {
    ".pdf": "请用 -o 通报.docx 生成 Word 文档,再在 Word 或 WPS 中另存为 PDF",
    ".doc": "请用 .docx(Word 2007 起的格式),如 -o 通报.docx",
    ".xls": "请用 .xlsx,如 -o 通报.xlsx",
}


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
            help="输出格式:term(表格)、md(Markdown)、html(单个网页文件)、xlsx(Excel)、docx(Word 公文格式);xlsx、docx 须同时给 -o;默认按 -o 的扩展名,否则 term",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="写入的文件(按原样使用此路径);不给则输出到屏幕", show_default=False),
    ] = None,
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
      xatrack report --quarter Q2 -o 通报/2025Q2.docx
    """
    kind = _choose_format(fmt, output)
    if kind in ("xlsx", "docx") and output is None:
        raise InputError(f"--format {kind} 需要用 -o 指定写入的文件,如 -o 通报.{kind}")
    if output is not None:
        _check_output(output)

    from xatrack.report import build_report

    session = Session(root)
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
    elif kind == "docx":
        from xatrack.views.report_docx import render_docx

        _write(output, render_docx(report, session.plan.settings.bulletin, made=today()))
    elif kind in ("md", "html"):
        if kind == "md":
            from xatrack.views.report_markdown import render_markdown as render
        else:
            from xatrack.views.report_html import render_html as render
        text = render(report)
        if output is None:
            sys.stdout.write(text)
        else:
            _write(output, text)
    else:
        from xatrack.views.report_term import render_report

        if output is None:
            from xatrack.views.terminal import output as to_stdout

            to_stdout(lambda console: render_report(console, report))
        else:
            _write(output, _plain_text(report))
    if output is not None:
        typer.echo(f"已写入 {output}:{report.title}({report.overall.total} 项)", err=True)


def _choose_format(fmt: str | None, output: Path | None) -> str:
    """--format, else the extension of -o; an extension no format owns, or one
    that contradicts --format, is refused rather than written as text."""
    suffix = output.suffix.lower() if output is not None else ""
    owner = _SUFFIX_FORMATS.get(suffix)
    if suffix and owner is None:
        known = "、".join(dict.fromkeys(_SUFFIX_FORMATS))
        hint = _SUFFIX_HINTS.get(suffix, f"可用的扩展名:{known}")
        raise InputError(f"-o 的扩展名\"{output.suffix}\"没有对应的通报格式:{hint}")
    if fmt is None:
        return owner or "term"
    key = _FORMAT_ALIASES.get(fmt.strip().lower())
    kind = key if key else check_format(fmt, FORMATS)
    if owner is not None and owner != kind and not (owner == "term" and kind in ("md", "html")):
        raise InputError(f"--format {fmt} 与 -o 的扩展名\"{output.suffix}\"不一致:请改用 .{kind} 结尾的文件名,或去掉 --format")
    return kind


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
    """Atomically (store.write_atomic): never a half-written report."""
    from xatrack.errors import DataError
    from xatrack.store import write_atomic

    try:
        write_atomic(path, content)
    except DataError as error:
        raise InputError(f"-o 的值\"{path}\"无法写入:{error.message}") from None
