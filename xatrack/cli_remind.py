"""`xatrack remind`: a 催办单 for each lead unit that owes the office (xatrack.remind)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.app import app
from xatrack.cliutil import QuarterOpt, RootOpt, UnitOpt, check_format, echo_warning, filter_options
from xatrack.errors import InputError


@app.command("remind")
@filter_options(omit=("unit",))
def remind_command(
    filters,
    quarter: QuarterOpt = None,
    unit: UnitOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", help="md(在终端显示 Markdown)或 docx(每个单位一个 Word 文件,写入 -o 目录)")
    ] = "md",
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="docx 写入的目录(默认 催办单-<年>Q<季>/)", show_default=False),
    ] = None,
    root: RootOpt = None,
) -> None:
    """催办单:每个有未报送(含部分指标未报送)、严重滞后或逾期报送事项的牵头单位一份。

    列出单位、事项(编号、内容、情况(连续未报送的注明)、各指标应完成 / 已报送
    或报送状态和说明、责任领导)、回复期限(生成之日起 settings.remind_days 个
    工作日,默认 5 个,周一至周五)和督查室的联系方式。

    \b
    例:
      xatrack remind --quarter Q2
      xatrack remind --quarter Q2 --unit 区科经局
      xatrack remind --quarter Q2 --leader 洪声耀        # 只含洪声耀分管的事项
      xatrack remind --quarter Q2 --format docx -o 催办单/
    """
    kind = check_format(fmt, ("md", "docx"))
    from xatrack import api

    made = api.remind(root, quarter=quarter, unit=unit, filters=filters, warn=echo_warning)
    q, units, notices = made.quarter, made.units, made.notices
    if made.pending is not None:
        day, count = made.pending
        echo_warning(f"{q.label}报送截止日为 {day.isoformat()},尚未到期:{count} 项待报送,不催办")
    if not notices:
        who = units[0] if units else "各牵头单位"
        typer.echo(f"{who}{q.label}没有需要催办的事项(未报送、严重滞后、逾期报送)。")
        return
    if kind == "md":
        if output is not None:
            raise InputError("-o 只用于 --format docx;Markdown 输出到屏幕,可用 > 文件 保存")
        from xatrack.views.remind_markdown import render_markdown

        sys.stdout.write(render_markdown(notices))
        return
    folder = _write_documents(notices, output if output is not None else Path(f"催办单-{q.year}Q{q.q}"), q)
    typer.echo(f"已在 {folder}/ 写入 {len(notices)} 份{q.label}催办单")


def _write_documents(notices, folder: Path, q) -> Path:
    """One Word 催办单 per unit into `folder` (made if missing); a failure is the flag's."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"-o 的值\"{folder}\"不是目录:催办单每个单位一个文件,-o 应为目录")
    from xatrack.errors import DataError
    from xatrack.safefs import fsync_folder
    from xatrack.store import write_atomic
    from xatrack.views.remind_docx import render_notices_docx

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for notice, data in zip(notices, render_notices_docx(notices)):
            path = folder / f"催办单-{notice.unit}-{q.year}Q{q.q}.docx"
            write_atomic(path, data, sync_folder=False)
            typer.echo(f"  {path.name}:{len(notice.items)} 项")
        fsync_folder(folder)  # every name durable, with one sync of the folder
    except (OSError, DataError) as error:
        message = getattr(error, "message", None) or getattr(error, "strerror", None) or str(error)
        raise InputError(f"-o 的值\"{folder}\"无法写入:{message}") from None
    return folder
