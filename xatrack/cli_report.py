"""`xatrack report`: the quarterly bulletin (季度通报) in four renderings.

Parses the flags, builds the one ``Report`` value (xatrack.report) and hands
it to a renderer in views/; writing the file is the only other thing done here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.app import app
from xatrack.cliutil import QuarterOpt, RootOpt, check_format, echo_warning, filter_options, today
from xatrack.cliutil import check_output_file as _check_output
from xatrack.cliutil import write_output_file as _write
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
@filter_options()
def report_command(
    filters,
    quarter: QuarterOpt = None,
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
    publish: Annotated[
        bool, typer.Option("--publish", help="记录本季度通报已发布:写入 bulletins/<年>-Q<季>.json(已发布的不覆盖)")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="覆盖 -o 指定的、不是 xatrack 生成的已有文件;与 --publish 同用时重新发布(原来发布的文件改名保留)"),
    ] = False,
    as_of: Annotated[
        Optional[str],
        typer.Option("--as-of", help="只计入此时间之前记录的报送(日期或时间,如 2025-07-10、2025-07-10T09:30:00+08:00)", show_default=False),
    ] = None,
    year: Annotated[bool, typer.Option("--year", help="全年考核:各牵头单位各季度的推进率、及时率和名次")] = False,
    explain: Annotated[
        Optional[str],
        typer.Option("--explain", help="说明一个牵头单位的排名:逐项列出本单位的报送情况和事项状态,及其推进率、及时率和名次", show_default=False),
    ] = None,
    issue: Annotated[
        Optional[str],
        typer.Option("--issue", help="期号,如 第3期(写 3 亦可),印在 Word 通报的版头;默认:本季度已发布的通报的期号,否则 settings.bulletin.issue,否则按本年已发布的通报续编(第一期为 第1期)", show_default=False),
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
    kind = _choose_format(fmt, _protected(output, root, force))
    if kind in ("xlsx", "docx") and output is None:
        raise InputError(f"--format {kind} 需要用 -o 指定写入的文件,如 -o 通报.{kind}")
    if output is not None:
        _check_output(output)

    from xatrack import api

    if year:
        from xatrack.views.report_annual import KINDS, annual_table, render_annual

        def before() -> None:
            if kind not in KINDS:
                raise InputError("--year 的全年考核表输出到屏幕、Markdown、Excel 或 Word(-o 考核.md / 考核.xlsx / 考核.docx),没有 HTML 格式")

        upto, result = api.annual(root, filters=filters, quarter=quarter, as_of=as_of, publish=publish,
                                  before=before, warn=echo_warning)
        if kind == "xlsx":
            from xatrack.views.annual_xlsx import render_annual_xlsx

            _write(output, render_annual_xlsx(result, upto))
            typer.echo(f"已写入 {output}:{annual_table(result, upto).title}", err=True)
        elif kind == "docx":
            from xatrack.views.annual_docx import render_annual_docx

            _write(output, render_annual_docx(result, upto))
            typer.echo(f"已写入 {output}:{annual_table(result, upto).title}", err=True)
        else:
            title, text = render_annual(result, upto, kind)
            _emit(text, output, title)
        return
    made = api.report(root, filters=filters, quarter=quarter, as_of=as_of, publish=publish, force=force, warn=echo_warning,
                      issue=issue)
    if explain is not None:
        _explain(made.report, explain, output)
        return
    if made.published is not None:
        earlier = f";原发布的通报 {made.kept} 保留不变" if made.kept is not None else ""
        typer.echo(f"已发布 {made.quarter.label}通报 → {made.published}(发布时间 {made.moment.isoformat(timespec='seconds')}){earlier}", err=True)
    _render(kind, made, output)


def _explain(report, text: str, output: Path | None) -> None:
    """`report --explain UNIT`: one lead unit's ranking, item by item (Markdown-friendly text)."""
    from xatrack.report import explain, explain_lines

    names = [row.name for row in report.units]
    wanted = text.strip()
    chosen = wanted if wanted in names else next(iter([n for n in names if wanted and wanted in n][:1]), None)
    found = explain(report, chosen) if chosen else None
    if found is None:
        hint = "、".join(names[:8]) + ("等" if len(names) > 8 else "")
        raise InputError(f"--explain 的值\"{text}\"不是本通报中排名的牵头单位" + (f"(可用:{hint})" if hint else ""))
    _emit("\n".join(explain_lines(found)) + "\n", output, found.unit)


def _protected(output: Path | None, root: Path | None, force: bool) -> Path | None:
    """-o, refused first if it is one of the tracker's own files, whatever the extension."""
    if output is not None:
        from xatrack.safefs import check_output
        from xatrack.store import find_root

        check_output(output, "-o", [find_root(root)], force)
    return output


def _render(kind: str, made, output: Path | None) -> None:
    """The bulletin in the chosen format, to the screen or to -o."""
    report = made.report
    if kind == "xlsx":
        from xatrack.views.report_xlsx import render_xlsx

        _write(output, render_xlsx(report))
    elif kind == "docx":
        from xatrack.views.report_docx import render_docx

        from dataclasses import replace

        from xatrack.schedule import plan_zone

        _write(output, render_docx(report, replace(made.settings.bulletin, issue=made.issue or ""),
                                   made=today(plan_zone(made.settings))))
    elif kind == "md":
        from xatrack.views.report_markdown import render_markdown

        _emit(render_markdown(report), output, None, mark="\n<!-- 由 xatrack 生成 -->\n")
    elif kind == "html":
        from xatrack.views.report_html import render_html

        _emit(render_html(report), output, None)
    elif output is None:
        from xatrack.views.report_term import render_report
        from xatrack.views.terminal import output as to_stdout

        to_stdout(lambda console: render_report(console, report))
    else:
        _write(output, _plain_text(report) + "\n由 xatrack 生成\n")
    if output is not None:
        typer.echo(f"已写入 {output}:{report.title}({report.overall.total} 项)", err=True)


def _emit(text: str, output: Path | None, title: str | None, mark: str = "") -> None:
    """Text to the screen, or to -o (with xatrack's mark where the format has one)."""
    if output is None:
        sys.stdout.write(text)
        return
    _write(output, text + mark)
    if title is not None:
        typer.echo(f"已写入 {output}:{title}", err=True)


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
