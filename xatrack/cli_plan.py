"""`xatrack plan`: the plan itself as the office issues it (分解方案 in Word or Markdown) and
`xatrack plan export`, the 分解表 (Excel) offices fill in and `import` reads back.
Registered on ``xatrack.app.app``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.app import app
from xatrack.cliutil import RootOpt, echo_warning

plan_app = typer.Typer(
    rich_markup_mode=None,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(plan_app, name="plan")


@plan_app.callback()
def plan_command(
    ctx: typer.Context,
    format_: Annotated[Optional[str], typer.Option("--format", help="docx(Word 公文格式)或 md", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入的文件(.docx 或 .md)", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖有未导入改动的文件")] = False,
    root: RootOpt = None,
) -> None:
    """方案本身:写成分解方案(Word 公文格式或 Markdown),或导出分解表(Excel)补填后再导入。

    分解方案含标题、主要目标、行动和小标题、编号任务及其责任分工;再导入得到同一个任务清单。

    \b
    例:
      xatrack plan --format docx -o 分解方案.docx
      xatrack plan --format md -o 分解方案.md
      xatrack plan export -o 分解表.xlsx
    """
    if ctx.invoked_subcommand is not None:
        return
    from xatrack import api

    made = api.plan_document(root, format=format_, output=output, warn=echo_warning, force=force)
    if made.written is None:
        typer.echo(made.text, nl=False)
    else:
        typer.echo(f"已写入 {made.written}:分解方案,{made.items} 项")


@plan_app.command("export")
def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="写入的 Excel 文件(.xlsx)")] = Path("分解表.xlsx"),
    force: Annotated[bool, typer.Option("--force", help="覆盖有未导入改动的分解表")] = False,
    root: RootOpt = None,
) -> None:
    """导出分解表(Excel):序号、目标任务、责任领导、牵头单位、责任单位、完成时限和各项指标。

    在 Excel 或 WPS 中修改或补填(责任领导、牵头单位、责任单位可从下拉列表选,多个用顿号分开),
    再用 xatrack import 分解表.xlsx --review --onto tasks.yaml 查看改动,xatrack import 分解表.xlsx --force 写入。
    未改动的分解表导入后与原任务清单逐字节相同。

    \b
    例:
      xatrack plan export -o 分解表.xlsx
    """
    from xatrack import api

    made = api.plan_export(root, output=output, warn=echo_warning, force=force)
    typer.echo(f"已写入 {made.written}:{made.items} 项、{made.rows} 行;改好后用 xatrack import {made.written.name} --review --onto tasks.yaml 核对")
