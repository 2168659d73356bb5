"""`xatrack finding`: inspection findings and their rectification (督查发现、整改销号).

Parses flags, calls one function of xatrack.api (add_finding, update_finding,
close_finding, reopen_finding, findings) and renders what it returns.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Optional

import typer

from xatrack.app import app
from xatrack.cliutil import FormatOpt, RootOpt, UnitOpt, check_format, default_user, echo_warning, filter_options

finding_app = typer.Typer(
    help="督查发现与整改销号:记录专项督查、暗访等发现的问题,跟踪整改,凭佐证材料销号。",
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(finding_app, name="finding")

OVERVIEW = """\
xatrack finding:督查发现与整改销号

  xatrack finding add 32 --unit 区科经局 --kind 暗访 --text "…" --due 2025-08-15
                                        记录一条督查发现,给出编号
  xatrack finding update 编号 --note …  记录整改进展
  xatrack finding close 编号 --evidence 文件 --note …
                                        凭佐证材料销号
  xatrack finding reopen 编号 --note …  重新打开已销号的问题
  xatrack finding list --status 逾期    列出督查发现及整改状态

每个命令的用法:xatrack finding 命令 --help
"""


@finding_app.callback(invoke_without_command=True)
def finding_overview(ctx: typer.Context) -> None:
    """督查发现与整改销号:记录专项督查、暗访等发现的问题,跟踪整改,凭佐证材料销号。"""
    if ctx.invoked_subcommand is None:
        typer.echo(OVERVIEW, nl=False)

FindingIdArg = Annotated[str, typer.Argument(metavar="问题编号", help="finding add 给出的编号(可只写前几位)", show_default=False)]
NoteOpt = Annotated[Optional[str], typer.Option("--note", help="整改进展或说明", show_default=False)]
EvidenceOpt = Annotated[
    Optional[list[str]],
    typer.Option("--evidence", help="佐证材料文件(可重复给出);复制到 evidence/年度/ 并记下 sha256", show_default=False),
]
DateOpt = Annotated[Optional[str], typer.Option("--date", help="日期,如 2025-07-08;默认今天", show_default=False)]
ByOpt = Annotated[Optional[str], typer.Option("--by", help="记录人;默认为环境变量 XATRACK_USER 或系统用户名", show_default=False)]


@finding_app.command("add")
def add_command(
    item_id: Annotated[Optional[str], typer.Argument(metavar="[编号]", help="涉及的目标或任务编号;问题只涉及单位时不写", show_default=False)] = None,
    unit: UnitOpt = None,
    kind: Annotated[str, typer.Option("--kind", help="专项督查/暗访/群众反映/其他")] = "专项督查",
    text: Annotated[Optional[str], typer.Option("--text", help="发现的问题", show_default=False)] = None,
    due: Annotated[Optional[str], typer.Option("--due", help="整改时限,如 2025-08-15", show_default=False)] = None,
    day: DateOpt = None,
    by: ByOpt = None,
    root: RootOpt = None,
) -> None:
    """记录一条督查发现,给出它的编号。

    \b
    例:
      xatrack finding add 32 --unit 区科经局 --kind 暗访 --text "部分基站未实际建成" --due 2025-08-15
      xatrack finding add --unit 桂花镇 --kind 群众反映 --text "…" --due 2025-09-30
    """
    from xatrack import api

    added = api.add_finding(root, item_id=item_id, unit=unit, kind=kind, text=text, due=due, day=day, by=by,
                            default_by=default_user(), warn=echo_warning)
    item = added.item
    what = f"任务 {item.id}" if item and not item.is_target else (f"目标 {item.id}" if item else "单位")
    typer.echo(f"已记录督查发现 {added.short}({what},{added.unit},{added.kind},整改时限 {added.due.isoformat()})→ {added.display}")


def _recorded(done) -> None:
    """What update / close / reopen recorded, in one line."""
    words = {"update": "整改进展", "close": "销号", "reopen": "重新打开"}[done.op]
    extra = f",佐证材料 {len(done.refs)} 个" if done.refs else ""
    typer.echo(f"已记录 {done.short} {words}({done.day.isoformat()}{extra})→ {done.display}")


@finding_app.command("update")
def update_command(finding_id: FindingIdArg, note: NoteOpt = None, evidence: EvidenceOpt = None, day: DateOpt = None,
                   by: ByOpt = None, root: RootOpt = None) -> None:
    """记录整改进展。

    \b
    例:
      xatrack finding update 3fa2c1 --note "已约谈运营商,制定整改方案"
    """
    from xatrack import api

    _recorded(api.update_finding(root, finding_id=finding_id, note=note, evidence=evidence, day=day, by=by,
                                 default_by=default_user(), warn=echo_warning))


@finding_app.command("close")
def close_command(finding_id: FindingIdArg, evidence: EvidenceOpt = None, note: NoteOpt = None, day: DateOpt = None,
                  by: ByOpt = None, root: RootOpt = None) -> None:
    """整改完成,凭佐证材料销号。

    \b
    例:
      xatrack finding close 3fa2c1 --evidence 验收报告.pdf --evidence 现场照片.jpg --note 已整改到位
    """
    from xatrack import api

    _recorded(api.close_finding(root, finding_id=finding_id, note=note, evidence=evidence, day=day, by=by,
                                default_by=default_user(), warn=echo_warning))


@finding_app.command("reopen")
def reopen_command(finding_id: FindingIdArg, note: NoteOpt = None, day: DateOpt = None, by: ByOpt = None,
                   root: RootOpt = None) -> None:
    """重新打开已销号的问题(复查发现未整改到位等),须用 --note 说明原因。

    \b
    例:
      xatrack finding reopen 3fa2c1 --note "复查发现问题反弹"
    """
    from xatrack import api

    _recorded(api.reopen_finding(root, finding_id=finding_id, note=note, day=day, by=by, default_by=default_user(),
                                 warn=echo_warning))


@finding_app.command("list")
@filter_options(omit=("status",))
def list_command(
    filters,
    status: Annotated[
        Optional[str], typer.Option("--status", help="未整改/整改中/已销号/逾期(逾期未整改)/未销号", show_default=False)
    ] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", "-q", help="只列该季度内发现的问题,如 Q3", show_default=False)] = None,
    item_id: Annotated[Optional[str], typer.Option("--item", help="只列某一事项的问题", show_default=False)] = None,
    fmt: FormatOpt = "term",
    root: RootOpt = None,
) -> None:
    """列出督查发现及整改状态(状态按今天计算),逾期未整改的在前。

    --unit 指被督查的单位;--leader、--lead、--action、--section、--search 指发现所涉及的事项(与 list 相同)。

    \b
    例:
      xatrack finding list --status 逾期
      xatrack finding list --unit 科经局 --quarter Q3
      xatrack finding list --format csv > 督查发现.csv
    """
    from xatrack import api

    fmt = check_format(fmt, ("term", "json", "csv"))
    listed = api.findings(root, filters=filters, status=status, quarter=quarter, item_id=item_id, warn=echo_warning)
    _emit(listed.rows, listed.short, fmt, listed.day)


def _emit(rows, shown, fmt: str, now: date) -> None:
    if fmt in ("json", "csv"):
        from xatrack.views.data import render_findings_csv, render_findings_json

        sys.stdout.write((render_findings_json if fmt == "json" else render_findings_csv)(rows, shown, now))
        return
    from xatrack.views.terminal import output, render_findings

    output(lambda console: render_findings(console, rows, shown, f"督查发现({now.isoformat()})"))
