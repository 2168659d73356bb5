"""`xatrack sheet` and `xatrack ingest`: the collection sheet a unit fills in,
and recording the filled rows. Registered on ``xatrack.app.app``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.app import app
from xatrack.cliutil import QuarterOpt, RootOpt, UnitOpt, default_user, echo_warning, filter_options
from xatrack.errors import InputError


@app.command("sheet")
@filter_options(omit=("unit", "lead", "status"))
def sheet_command(
    filters,
    unit: UnitOpt = None,
    quarter: QuarterOpt = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="写入的文件;默认为当前目录下的 <单位>-<年>Q<季>.xlsx。用 --all 时为目录(默认 报送表-<年>Q<季>/)",
            show_default=False,
        ),
    ] = None,
    all_roles: Annotated[bool, typer.Option("--all-roles", help="也列出本单位只是责任单位(参与)的事项")] = False,
    all_units: Annotated[bool, typer.Option("--all", help="为每个牵头单位各生成一个报送表(与 --all-roles 同用时为每个涉及的单位)")] = False,
    force: Annotated[bool, typer.Option("--force", help="覆盖已经填写过的报送表")] = False,
    root: RootOpt = None,
) -> None:
    """生成单位填写的季度进度报送表(Excel .xlsx)。

    每项牵头事项的每个指标一行,列出编号、任务内容、指标、全年目标、本季度末序时要求和上次报送;
    单位只填黄色的各列:本季度累计完成(1 月起累计数)、状态(下拉选择)、进展说明,以及可选的佐证材料(随表发回的文件名)。
    填好后用 xatrack ingest 导入。已填写过的同名文件不会被覆盖(除非 --force)。

    \b
    例:
      xatrack sheet --unit 区科经局 --quarter Q2 -o 区科经局-2025Q2.xlsx
      xatrack sheet --unit guihua --all-roles           # 桂花镇,含"各乡镇办场"的事项
      xatrack sheet --all --quarter Q2 -o 报送表/        # 每个牵头单位一个文件
      xatrack sheet --all --action 2 -o 报送表/          # 只含行动二的事项
    """
    from xatrack import api

    made = api.sheet(root, unit=unit, every_unit=all_units, quarter=quarter, output=output, all_roles=all_roles,
                     force=force, filters=filters, warn=echo_warning)
    q = made.quarter
    if made.folder is None:
        name, path, items, rows = made.written[0]
        typer.echo(f"已写入 {path}:{name} {q.label}报送表,{items} 项事项、{rows} 行")
        return
    for name, path, items, rows in made.written:
        typer.echo(f"  {path.name}:{items} 项、{rows} 行")
    typer.echo(f"已在 {made.folder}/ 写入 {len(made.written)} 个单位的{q.label}报送表")
    if made.skipped:
        typer.echo(f"跳过 {len(made.skipped)} 个单位(其余已写入):", err=True)
        for name, why in made.skipped:
            typer.echo(f"  {name}:{why}", err=True)
        raise typer.Exit(1)


@app.command("ingest")
def ingest_command(
    files: Annotated[list[Path], typer.Argument(metavar="报送表", help="填好的报送表(.xlsx),可以给多个", show_default=False)],
    by: Annotated[Optional[str], typer.Option("--by", help="报送单位;默认为报送表上的单位", show_default=False)] = None,
    partial: Annotated[bool, typer.Option("--partial", help="有无法记录的行时,仍记录其余各行(退出码 1)")] = False,
    day: Annotated[Optional[str], typer.Option("--date", help="报送日期,须在报送表的季度内;默认今天(超出季度时取季度首日或末日)", show_default=False)] = None,
    evidence_dir: Annotated[
        Optional[Path],
        typer.Option("--evidence-dir", help="佐证材料所在目录:报送表佐证材料列写的文件名在此查找", show_default=False),
    ] = None,
    root: RootOpt = None,
) -> None:
    """导入填好的报送表,把填写的各行追加到该季度的进度记录。

    每行按 xatrack update 的规则检查(数字、状态、编号、指标……)。季度取自报送表本身。
    有任何一行无法记录时,列出"第 N 行:原因",什么也不写入(退出码 2);
    加 --partial 则记录其余各行,退出码 1。未填写的行跳过;与已有记录相同的行不重复记录,
    所以同一文件导入两次不会产生重复记录。

    \b
    例:
      xatrack ingest 区科经局-2025Q2.xlsx
      xatrack ingest 收回/*.xlsx
      xatrack ingest 桂花镇-2025Q2.xlsx --by 桂花镇 --partial
    """
    from xatrack import api

    done = api.ingest(
        root, files=files, by=by, partial=partial, day=day, evidence_dir=evidence_dir, warn=echo_warning,
        default_by=default_user(),
        on_skip=lambda path: typer.echo(f"{path}:Excel 或 WPS 打开文件时留下的临时文件,已跳过"),
    )
    _say(done, several=len(files) > 1)


def _say(done, several: bool) -> None:
    """What ingest did, sheet by sheet: rows filled, each refusal and warning
    (prefixed by its file when there are several), then the one-line outcome;
    exit 2 when nothing was written, 1 when some rows were refused."""
    prefix = "{} " if several else ""
    notes = dict(done.notes or [])
    for path, info, result in done.sheets:
        filled = len(result.accepted) + len(result.rejected) + result.same
        typer.echo(f"{path}:{info.unit} {info.quarter.label},填写 {filled} 行,未填写 {result.blank} 行")
        for note in notes.get(path, ()):
            typer.echo(f"  {prefix.format(path)}{note}", err=note.startswith("请核实"))
        for rejection in result.rejected:
            typer.echo(f"  {prefix.format(path)}{rejection}", err=True)
        for accepted in result.accepted:
            for warning in accepted.recorded.warnings:
                typer.echo(f"  {prefix.format(path)}第 {accepted.row} 行 注意:{warning}", err=True)
    for rejection in done.evidence_rejected:
        typer.echo(f"  {prefix.format(rejection.source)}{rejection}", err=True)
    if not done.written:
        rest = f",或加 --partial 只记录其余 {done.accepted} 行" if done.accepted else ""
        raise InputError(f"有 {done.rejected} 行无法记录,未写入任何内容;请改正后重新导入{rest}")
    parts = []
    if done.recorded:
        parts.append(f"已记录 {done.recorded} 行 → {'、'.join(done.logs)}")
    else:
        parts.append("没有新的内容需要记录")
    if done.same:
        parts.append(f"{done.same} 行与已有记录相同,未重复记录")
    if done.rejected:
        parts.append(f"{done.rejected} 行无法记录(见上)")
    typer.echo(";".join(parts) + "。")
    if done.rejected:
        raise typer.Exit(1)
