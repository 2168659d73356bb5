"""`xatrack sheet` and `xatrack ingest`: the collection sheet a unit fills in,
and recording the filled rows. Registered on ``xatrack.app.app``.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.app import app
from xatrack.cliutil import QuarterOpt, RootOpt, Session, UnitOpt, filter_options, today
from xatrack.cliutil import now as clock_now
from xatrack.errors import DataError, InputError


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
    from xatrack.queries import all_units as plan_units
    from xatrack.sheet import SheetInfo, default_file_name, sheet_rows, sheet_units

    if all_units and unit:
        raise InputError("--unit 和 --all 只能用一个:--unit 生成一个单位的报送表,--all 为每个单位各生成一个")
    if not all_units and not unit:
        raise InputError("请用 --unit 指定单位(如 --unit 区科经局),或用 --all 为每个牵头单位各生成一个报送表")
    session = Session(root)
    plan, directory = session.plan, session.directory
    q = session.quarter(quarter)
    selector = session.selector(filters)
    generated = clock_now().isoformat(timespec="seconds")
    known = plan_units(plan)
    # "-o 报送表/" names a folder even before it exists
    as_folder = output is not None and output.endswith(("/", os.sep))
    target = Path(output) if output is not None else None

    def info_for(name: str) -> SheetInfo:
        return SheetInfo(plan.info.title, plan.info.year, name, q, all_roles, generated)

    if not all_units:
        query = directory.unit_query(unit, known)
        rows = [r for r in sheet_rows(plan, directory, session.entries, query, q, all_roles) if selector.item_matches(r.item)]
        if not rows:
            hint = "" if all_roles else ";加 --all-roles 可列出其参与的事项"
            matching = "" if filters.empty else "符合筛选条件的"
            raise InputError(f"{query.name} 没有{matching}{'涉及' if all_roles else '牵头'}的事项,未生成报送表{hint}")
        path = target if target is not None else Path(default_file_name(query.name, q))
        if as_folder or path.is_dir():
            path = path / default_file_name(query.name, q)
        _write(path, info_for(query.name), rows, force, session.tracker.root)
        items = len({r.item.id for r in rows})
        typer.echo(f"已写入 {path}:{query.name} {q.label}报送表,{items} 项事项、{len(rows)} 行")
        return

    folder = target if target is not None else Path(f"报送表-{q.year}Q{q.q}")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"-o {folder} 已存在且不是目录:用 --all 时 -o 应为目录")
    written = 0
    skipped: list[tuple[str, str]] = []  # (unit, why): one filled sheet must not stop the other units'
    for name in sheet_units(plan, directory, all_roles):
        rows = sheet_rows(plan, directory, session.entries, directory.unit_query(name, known), q, all_roles)
        rows = [r for r in rows if selector.item_matches(r.item)]
        if not rows:
            continue
        path = folder / default_file_name(name, q)
        try:
            _write(path, info_for(name), rows, force, session.tracker.root)
        except InputError as error:
            skipped.append((name, error.message))
            continue
        written += 1
        typer.echo(f"  {path.name}:{len({r.item.id for r in rows})} 项、{len(rows)} 行")
    typer.echo(f"已在 {folder}/ 写入 {written} 个单位的{q.label}报送表")
    if skipped:
        typer.echo(f"跳过 {len(skipped)} 个单位(其余已写入):", err=True)
        for name, why in skipped:
            typer.echo(f"  {name}:{why}", err=True)
        raise typer.Exit(1)


def _write(path: Path, info, rows, force: bool, root: Path | None = None) -> None:
    from xatrack.safefs import check_output, made_by_xatrack, regular_file
    from xatrack.views.sheet_xlsx import read_sheet, write_sheet

    check_output(path, "-o", [root] if root is not None else [], force)
    if regular_file(path) and not force:
        try:
            _, filled = read_sheet(path)
        except InputError:
            if not made_by_xatrack(path):
                raise InputError(f"{path} 已存在,但无法读取为 xatrack 生成的报送表,未覆盖;请改用其他文件名,或加 --force") from None
            filled = []
        done = sum(1 for r in filled if not r.blank)
        if done:
            raise InputError(f"{path} 已填写了 {done} 行,未覆盖;请先导入(xatrack ingest {path}),或改用其他文件名,或加 --force")
    try:
        write_sheet(path, info, rows)
    except DataError as error:
        raise InputError(error.message) from None
    except OSError as error:
        raise InputError(f"无法写入 {path}:{error.strerror or error}") from None


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
    from xatrack.schedule import check_date_in_quarter, parse_date
    from xatrack.sheet import Ingest, check_filled
    from xatrack.store import append_entries, log_header
    from xatrack.views.sheet_xlsx import read_sheet

    if evidence_dir is not None and not evidence_dir.is_dir():
        raise InputError(f"--evidence-dir 的值\"{evidence_dir}\"不是目录")
    session = Session(root)
    plan = session.plan
    now = clock_now()
    when = parse_date(day) if day else None
    total = Ingest()
    seen: dict = {}
    loaded = []
    for path in files:
        if path.name.startswith("~$"):  # Excel/WPS owner file of a workbook left open (收回/*.xlsx picks it up)
            typer.echo(f"{path}:Excel 或 WPS 打开文件时留下的临时文件,已跳过")
            continue
        info, rows = read_sheet(path)
        if info.year != plan.info.year or info.quarter.year != plan.info.year or (info.plan_title and plan.info.title and info.plan_title != plan.info.title):
            raise InputError(
                f"{path} 是《{info.plan_title or '?'}》({info.year} 年)的报送表,"
                f"与当前跟踪目录的《{plan.info.title}》({plan.info.year} 年)不符,未导入任何内容"
            )
        if when is not None:
            try:
                check_date_in_quarter(when, info.quarter)
            except InputError as error:
                raise InputError(f"--date:{error.message}(报送表 {path} 是{info.quarter.label}的)") from None
        loaded.append((path, info, rows))

    for path, info, rows in loaded:
        reporter = (by or info.unit or "").strip()
        result = check_filled(
            plan, info, rows, session.entries, source=str(path), by=reporter, day=when, now=now, today=now.date(),
            seen=seen, directory=session.directory,
        )
        filled = len(result.accepted) + len(result.rejected) + result.same
        typer.echo(f"{path}:{info.unit} {info.quarter.label},填写 {filled} 行,未填写 {result.blank} 行")
        prefix = f"{path} " if len(files) > 1 else ""
        for rejection in result.rejected:
            typer.echo(f"  {prefix}{rejection}", err=True)
        for accepted in result.accepted:
            for warning in accepted.recorded.warnings:
                typer.echo(f"  {prefix}第 {accepted.row} 行 注意:{warning}", err=True)
        total.extend(result)

    sources = _evidence_of(total, evidence_dir, len(files) > 1)
    rejected = len(total.rejected)
    if rejected and not partial:
        rest = f",或加 --partial 只记录其余 {len(total.accepted)} 行" if total.accepted else ""
        raise InputError(f"有 {rejected} 行无法记录,未写入任何内容;请改正后重新导入{rest}")

    from xatrack.evidence import store_all

    for accepted in total.accepted:
        found = sources.get(id(accepted))
        if found:
            refs = store_all(session.tracker.root, plan.info.year, found)
            record = accepted.recorded.record
            record["evidence"] = [ref.as_record() for ref in refs]
            record["at"] = record.pop("at")  # "at" stays last, as in every entry
    by_log: dict = {}
    for accepted in total.accepted:
        by_log.setdefault(accepted.recorded.quarter, []).append(accepted.recorded.record)
    from xatrack.sheet import still_new

    dropped = 0
    for quarter, records in by_log.items():
        path = session.tracker.log_path(quarter)

        def keep(records, path=path, quarter=quarter):
            # Under the log's lock: what a parallel ingest recorded meanwhile is not recorded again.
            nonlocal dropped
            entries = session.tracker.read_log_file(path, quarter)[0] if path.is_file() else []
            kept = still_new(records, entries, quarter)
            dropped += len(records) - len(kept)
            return kept

        append_entries(path, records, header=log_header(quarter), root=session.tracker.root, keep=keep)  # one locked, fsynced append per log
    parts = []
    recorded = len(total.accepted) - dropped
    if recorded:
        logs = "、".join(session.tracker.display(session.tracker.log_path(q)) for q in by_log)
        parts.append(f"已记录 {recorded} 行 → {logs}")
    else:
        parts.append("没有新的内容需要记录")
    if total.same + dropped:
        parts.append(f"{total.same + dropped} 行与已有记录相同,未重复记录")
    if rejected:
        parts.append(f"{rejected} 行无法记录(见上)")
    typer.echo(";".join(parts) + "。")
    if rejected:
        raise typer.Exit(1)


def _evidence_of(total, folder: Path | None, several: bool) -> dict:
    """The files each accepted row names in its 佐证材料 column, checked (found in
    ``folder``, regular, within the size limit, not leading out of ``folder``).
    A row whose files cannot be used moves from accepted to rejected."""
    from xatrack.evidence import check_sources
    from xatrack.sheet import Rejection

    found: dict = {}
    kept = []
    for accepted in total.accepted:
        if not accepted.evidence:
            kept.append(accepted)
            continue
        names = "、".join(accepted.evidence)
        try:
            if folder is None:
                raise InputError(f"佐证材料列写了 {names},请用 --evidence-dir 指定材料所在目录")
            found[id(accepted)] = check_sources(accepted.evidence, "佐证材料", inside=folder)
        except InputError as error:
            rejection = Rejection(accepted.source, accepted.row, error.message)
            total.rejected.append(rejection)
            typer.echo(f"  {accepted.source + ' ' if several else ''}{rejection}", err=True)
            continue
        kept.append(accepted)
    total.accepted[:] = kept
    return found

