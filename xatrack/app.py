"""The Typer app every command registers on, and what ``xatrack`` alone prints.

A module of its own so the command modules import in one direction:
cli (entry point) -> cli_* (commands) -> app, cliutil -> api/load -> library.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="xatrack:政府工作报告目标任务的督办跟踪工具。",
)

OVERVIEW = """\
xatrack:政府工作报告目标任务责任分解方案的督办跟踪工具

按一个季度的工作顺序:
  xatrack import 方案.txt           从官方文本生成任务清单 tasks.yaml
  xatrack plan export -o 分解表.xlsx  导出分解表,在 Excel 中补填分工后再 import
  xatrack check                     检查 tasks.yaml、units.yaml 和进度记录
  xatrack list --leader 洪声耀      查看某位领导、某个单位的事项
  xatrack sheet --all -o 报送表/    为各牵头单位生成季度报送表(Excel)
  xatrack ingest 收回/*.xlsx        导入单位填好的报送表
  xatrack update 32 --done 120      报送进度(1 月起累计数)
  xatrack show 32                   查看一项任务的全部情况
  xatrack overdue --quarter Q2      列出滞后和未报送的事项
  xatrack finding add 32 --text … --due 2025-08-15
                                    记录督查发现;finding close 凭佐证材料销号
  xatrack report --quarter Q2 --format html -o 通报.html
                                    季度通报(终端、Markdown、网页、Excel、Word)
  xatrack remind --quarter Q2       给未报送、严重滞后的牵头单位出催办单

每个命令的用法:xatrack 命令 --help
"""


@app.callback(invoke_without_command=True)
def overview(ctx: typer.Context) -> None:
    """xatrack:政府工作报告目标任务的督办跟踪工具。"""
    if ctx.invoked_subcommand is None:
        typer.echo(OVERVIEW, nl=False)
