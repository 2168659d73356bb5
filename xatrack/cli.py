"""The command line. Each command parses its flags, calls the library and
renders; the rules live in importer / registry / store / evaluate / queries.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.app import app  # noqa: F401  (the Typer app; commands register on it)
from xatrack.errors import InputError, XatrackError

from xatrack.cliutil import (
    FormatOpt,
    IdArg,
    QuarterOpt,
    RootOpt,
    check_format,
    echo_warning,
    filter_options,
)
from xatrack.cliutil import default_user as _default_user
# --------------------------------------------------------------------------- commands


@app.command("import")
def import_command(
    plan_file: Annotated[Path, typer.Argument(metavar="方案文件", help="官方方案:.txt(UTF-8/GBK/UTF-16)、.docx、.xlsx 或 .pdf", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="写入的任务清单(--review 时为核对网页 .html)")] = Path("tasks.yaml"),
    overrides: Annotated[
        Optional[Path],
        typer.Option("--overrides", help="人工审定文件;默认为方案文件旁的 <名称>.overrides.yaml(若存在)", show_default=False),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="有无法识别的行时报错退出,不写文件")] = False,
    review: Annotated[bool, typer.Option("--review", help="逐项对照原文显示解析结果和推断之处,不写任务清单")] = False,
    onto: Annotated[
        Optional[Path],
        typer.Option("--onto", help="与 --review 同用:列出导入结果相对这个任务清单的改动", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖与导入结果不同的任务清单(改动仍会列出)")] = False,
    first_unit_lead: Annotated[bool, typer.Option("--first-unit-lead", help="没有牵头单位的事项取责任单位第一个为牵头单位(标为推定)")] = False,
) -> None:
    """从官方方案(文本、Word、Excel、PDF)生成任务清单 tasks.yaml。

    \b
    例:
      xatrack import xatrack/data/2025-xianan.txt -o tasks.yaml
      xatrack import 2026年方案.docx --strict
      xatrack import 2026年方案.docx --review -o 核对.html
      xatrack import 分解表.xlsx --review --onto tasks.yaml
    """
    from xatrack import api

    if review and output != Path("tasks.yaml") and output.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--review 的 -o 应为网页文件(.html),而不是 {output}")
    if onto is not None and not review:
        raise InputError("--onto 与 --review 同用:先列出改动;写入时用 -o 指定任务清单")
    made = api.import_plan(plan_file, overrides, output=output, strict=strict, review=review, warn=echo_warning,
                           onto=onto, force=force, first_unit_lead=first_unit_lead)
    result, plan = made.result, made.result.plan
    read = f"读取 {plan_file}:{result.source_format},版式:{result.layout}"
    if review and made.written is not None:
        typer.echo(f"{read};核对网页已写入 {output}({len(plan.items)} 项),未写任务清单")
    elif review:
        from xatrack.importer.review import render_review_text

        typer.echo(render_review_text(result, str(plan_file)), nl=False)
        if made.changes is not None:
            typer.echo(f"\n相对 {onto} 的改动 {len(made.changes)} 处" + (":" if made.changes else "(无改动)"))
            for change in made.changes:
                typer.echo(f"  {change}")
    else:
        metrics = sum(len(i.metrics) for i in plan.items)
        used = f",已应用审定文件 {made.overrides}" if made.overrides else ""
        typer.echo(read)
        typer.echo(
            f"已写入 {output}:{len(plan.targets)} 项主要目标、{len(plan.actions)} 项行动、"
            f"{len(plan.tasks)} 项任务、{metrics} 项量化指标{used};警告 {len(result.warnings)} 条"
        )
        _say_unassigned(plan)


def _say_unassigned(plan) -> None:
    """One line when most items have no lead unit: where to assign them."""
    without = [item.id for item in plan.items if not item.lead]
    if len(without) * 2 > len(plan.items):
        typer.echo(
            f"{len(plan.items)} 项中 {len(without)} 项没有牵头单位:可用 xatrack plan export -o 分解表.xlsx "
            "在 Excel 中补填后再 xatrack import 分解表.xlsx",
            err=True,
        )


@app.command("check")
def check_command(root: RootOpt = None) -> None:
    """检查 tasks.yaml、units.yaml 和进度记录,一次列出全部问题(文件:行)。

    有错误时退出码为 1,只有警告或没有问题时为 0。

    \b
    例:
      xatrack check
      xatrack check --root ~/督办/2025
    """
    from xatrack import api

    problems = api.check(root)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for problem in problems:
        typer.echo(str(problem))
    if errors:
        typer.echo(f"发现 {len(errors)} 处错误、{len(warnings)} 处警告。")
        raise typer.Exit(1)
    typer.echo(f"检查通过:{len(warnings)} 处警告。" if warnings else "检查通过:没有发现问题。")


@app.command("list")
@filter_options()
def list_command(
    filters,
    quarter: QuarterOpt = None,
    fmt: FormatOpt = "term",
    root: RootOpt = None,
) -> None:
    """列出目标和任务及其序时进度状态(先主要目标,再按编号列任务)。

    \b
    例:
      xatrack list --leader 洪声耀
      xatrack list --leader 洪声耀 --leader 陈浩      # 两位领导的事项
      xatrack list --unit 科经局 --quarter Q2
      xatrack list --status 红 --format csv > 红色事项.csv
    """
    from xatrack.commands import list_text

    sys.stdout.write(list_text(filters, quarter, fmt, root, warn=echo_warning))


@app.command("overdue")
@filter_options()
def overdue_command(
    filters,
    quarter: QuarterOpt = None,
    by: Annotated[Optional[str], typer.Option("--by", help="分组:leader(按责任领导)或 unit(按牵头单位)", show_default=False)] = None,
    fmt: FormatOpt = "term",
    root: RootOpt = None,
) -> None:
    """列出滞后(黄)、严重滞后(红)和未报送的事项,最严重的在前。

    \b
    例:
      xatrack overdue --quarter Q2
      xatrack overdue --quarter Q2 --by leader
      xatrack overdue --unit 桂花镇 --format json
    """
    from xatrack.commands import overdue_text

    sys.stdout.write(overdue_text(filters, quarter, by, fmt, root, warn=echo_warning))


@app.command("show")
def show_command(
    item_id: IdArg,
    root: RootOpt = None,
) -> None:
    """显示一项目标或任务的全文、责任分工、各季度指标和报送记录。

    \b
    例:
      xatrack show 32
      xatrack show G1
    """
    from xatrack import api
    from xatrack.views.terminal import output, render_show

    shown = api.show(root, item_id=item_id, warn=echo_warning)
    output(lambda console: render_show(console, shown.item, shown.plan, shown.per_quarter, shown.history, shown.findings))


@app.command("leaders")
@filter_options()
def leaders_command(
    filters,
    quarter: QuarterOpt = None,
    fmt: FormatOpt = "term",
    root: RootOpt = None,
) -> None:
    """各位责任领导的事项数及各状态数量,问题多的在前。

    \b
    例:
      xatrack leaders --quarter Q2
      xatrack leaders --action 2 --format csv > 领导.csv
    """
    from xatrack import api

    fmt = check_format(fmt, ("term", "json", "csv"))
    rolled = api.leaders(root, filters=filters, quarter=quarter, warn=echo_warning)
    _emit_rows(rolled.rows, fmt, rolled.title, "责任领导", with_lead=False)


@app.command("units")
@filter_options()
def units_command(
    filters,
    quarter: QuarterOpt = None,
    lead_only: Annotated[bool, typer.Option("--lead-only", help="只统计牵头的事项")] = False,
    fmt: FormatOpt = "term",
    root: RootOpt = None,
) -> None:
    """各单位(牵头或参与,含通过"各乡镇办场"等分组涉及的)事项数及各状态数量,问题多的在前。

    \b
    例:
      xatrack units --quarter Q2
      xatrack units --leader 洪声耀 --lead-only --format csv > 牵头单位.csv
    """
    from xatrack import api

    fmt = check_format(fmt, ("term", "json", "csv"))
    rolled = api.units(root, filters=filters, quarter=quarter, lead_only=lead_only, warn=echo_warning)
    _emit_rows(rolled.rows, fmt, rolled.title, "单位", with_lead=True)


def _emit_rows(rows, fmt: str, title: str, name_header: str, with_lead: bool) -> None:
    from xatrack.model import STATES

    if fmt == "json":
        import json

        payload = [{"name": r.name, "total": r.total, "lead": r.lead, "counts": r.counts, "ids": list(r.ids)} for r in rows]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        from xatrack.views.safe_cells import SafeWriter

        from xatrack.views.data import BOM

        sys.stdout.write(BOM)
        writer = SafeWriter(sys.stdout, lineterminator="\n")  # names never become formulas
        writer.writerow([name_header, "事项", *(["其中牵头"] if with_lead else []), *STATES])
        for r in rows:
            writer.writerow([r.name, r.total, *([r.lead] if with_lead else []), *(r.counts[s] for s in STATES)])
    else:
        from xatrack.views.terminal import output, render_rollup

        output(lambda console: render_rollup(console, rows, title, name_header, with_lead))


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(metavar="目录", help="新跟踪目录(不存在则新建)", show_default=False)],
    source: Annotated[
        Optional[Path],
        typer.Option("--from", help="官方方案(.txt/.docx/.xlsx/.pdf);不给则使用随附的 2025 年咸安区方案", show_default=False),
    ] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="计划年度(方案没有写清时必填),如 2030", show_default=False)] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="方案标题(覆盖从文件中读到的)", show_default=False)] = None,
    issuer: Annotated[Optional[str], typer.Option("--issuer", help="发文单位,如 某县人民政府办公室", show_default=False)] = None,
    first_unit_lead: Annotated[bool, typer.Option("--first-unit-lead", help="没有牵头单位的事项取责任单位第一个为牵头单位(标为推定)")] = False,
) -> None:
    """新建跟踪目录:任务清单、单位目录、progress/、.gitattributes 和使用说明。

    \b
    例:
      xatrack init 督办2025
      xatrack init 督办2026 --from 2026年方案.txt
      xatrack init 督办 --from 方案.pdf --year 2026 --issuer 某县人民政府办公室
    """
    from xatrack import api

    made = api.init_tracker(folder, source, year=year, title=title, issuer=issuer, first_unit_lead=first_unit_lead)
    plan, plan_file = made.plan, made.plan_file
    warned = f";{len(made.warnings)} 行无法识别,见 xatrack import {plan_file} 的警告" if made.warnings else ""
    typer.echo(
        f"已新建跟踪目录 {made.folder}:{len(plan.targets)} 项主要目标、{len(plan.tasks)} 项任务(来自 {plan_file.name}){warned}。\n"
        f"下一步:cd {made.folder} && xatrack list"
    )
    _say_unassigned(plan)


@app.command("update")
def update_command(
    item_id: IdArg,
    done: Annotated[Optional[str], typer.Option("--done", help="1 月起累计完成数(增速、比率类填百分数)", show_default=False)] = None,
    metric: Annotated[Optional[str], typer.Option("--metric", "-m", help="指标编号或名称的一部分(多指标任务必填)", show_default=False)] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="未启动/推进中/已完成/滞后/受阻", show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="进展说明", show_default=False)] = None,
    quarter: QuarterOpt = None,
    day: Annotated[Optional[str], typer.Option("--date", help="报送日期,如 2025-06-28;默认今天(落在计划年度内)", show_default=False)] = None,
    by: Annotated[
        Optional[str],
        typer.Option("--by", help="报送的单位;默认为账号或 XATRACK_USER 代表的单位,否则为事项列第一位的牵头单位(操作人另记为 actor)", show_default=False),
    ] = None,
    evidence: Annotated[
        Optional[list[str]],
        typer.Option("--evidence", help="佐证材料文件(可重复给出);复制到 evidence/年度/ 并记下 sha256", show_default=False),
    ] = None,
    confirm: Annotated[
        bool,
        typer.Option("--confirm", help="报送已完成而数字未达目标时仍要记录(须同时用 --note 说明原因);事项仍按数字评价,列入通报的请核实"),
    ] = False,
    root: RootOpt = None,
) -> None:
    """报送一项目标或任务的进度,追加到该季度的进度记录。

    \b
    例:
      xatrack update 32 --done 120
      xatrack update 16 --metric 规上 --done 12 --quarter Q2 --by 区科经局
      xatrack update 28 --status 推进中 --note 已完成实验区方案编制
    """
    from xatrack import commands

    commands.update(item_id, done=done, metric=metric, status=status, note=note, quarter=quarter, day=day, by=by,
                    evidence=evidence, root=root, warn=echo_warning, say=_say, confirm=confirm)


@app.command("retract")
def retract_command(
    item_id: IdArg,
    metric: Annotated[Optional[str], typer.Option("--metric", "-m", help="只撤回这个指标的报送(编号或名称的一部分)", show_default=False)] = None,
    quarter: QuarterOpt = None,
    by: Annotated[Optional[str], typer.Option("--by", help="撤回哪个单位(或人)的报送;默认与 update 相同", show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="撤回的原因", show_default=False)] = None,
    root: RootOpt = None,
) -> None:
    """撤回一条报送错了的记录:追加一条撤回记录,原记录保留在进度记录中但不再计入。

    撤回的是该报送单位在该季度对该事项(或指标)最新的一条记录;撤回记录写明被撤回记录的编号,
    git 合并后仍然指向同一条。撤回后可以用 update 重新报送。

    \b
    例:
      xatrack retract 32 --by 区科经局 --quarter Q2
      xatrack retract 16 --metric 规上 --note 误填为全市数
    """
    from xatrack import api

    done = api.retract(root, item_id=item_id, metric=metric, quarter=quarter, by=by, note=note,
                       default_by=_default_user(), warn=echo_warning)
    recorded, target = done.recorded, done.target
    what = f"{'目标' if recorded.item.is_target else '任务'} {recorded.item.id}"
    shown = _entry_words(target)
    typer.echo(
        f"已撤回 {what} {target.by or '(未署名)'} {target.date.isoformat()} 的报送({shown},"
        f"记录编号 {recorded.record['retracts']})→ {done.display}"
    )
    _confirm_update(done, announce=False)


def _entry_words(entry) -> str:
    from xatrack.views.cells import fmt_number

    parts = []
    if entry.metric:
        parts.append(entry.metric)
    if entry.value is not None:
        parts.append(fmt_number(entry.value))
    if entry.status:
        parts.append(f"状态 {entry.status}")
    if entry.note and entry.value is None and entry.status is None:
        parts.append("说明")
    return " ".join(parts) or "记录"


def _say(text: str, err: bool = False) -> None:
    typer.echo(text, err=err)


def _confirm_update(done, announce: bool = True) -> None:
    """What was recorded and the item's status now (commands.confirm_update)."""
    from xatrack.commands import confirm_update

    confirm_update(done, _say, announce)


# --------------------------------------------------------------------------- entry point

_CLICK_MESSAGES = (
    (r"No such option:? '?([^'\s]+?)'?\.?$", "未知选项 {}"),
    (r"No such command:? '?([^'\s]+?)'?\.?$", "未知命令 {}"),
    (r"Missing argument:? '?([^'\s]+?)'?\.?$", "缺少参数 {}"),
    (r"Missing option:? '?([^'\s]+?)'?\.?$", "缺少选项 {}"),
    (r"Got unexpected extra arguments?:? \(?(.*?)\)?$", "多余的参数 {}"),
    (r"Option '([^']+)' requires an argument", "{} 缺少值"),
    (r"(\S+) option requires an argument", "{} 缺少值"),
)


def _usage_message(error) -> str:
    """Click's English usage errors, as one Chinese line."""
    import re

    message = (error.format_message() if hasattr(error, "format_message") else str(error)).strip()
    param = getattr(error, "param", None)
    if param is not None and ("valid integer" in message or "not a valid" in message):
        flag = (getattr(param, "opts", None) or [getattr(param, "name", "")])[0]
        value = re.search(r"'([^']*)' is not a valid", message)
        shown = f"\"{value.group(1)}\"" if value else ""
        return f"{flag} 的值{shown}无效:应为整数"
    # Click may add suggestions ("Did you mean 'list'?", "(Possible options: --lead, --leader)").
    suggestion = re.search(r"\(?(?:Did you mean(?: one of:)?|Possible options:) ([^?)]+)", message)
    hint = ""
    if suggestion:
        names = [n.strip(" '") for n in suggestion.group(1).split(",")]
        hint = f",是否为 {' 或 '.join(n for n in names if n)}?"
        message = message[: suggestion.start()].strip()
    for pattern, chinese in _CLICK_MESSAGES:
        match = re.search(pattern, message)
        if match:
            return chinese.format(match.group(1)) + hint + "(用 --help 查看用法)"
    return f"命令行参数有误:{message}"


def _click_exceptions():
    """Typer may carry its own copy of click; catch the errors of both."""
    modules = []
    try:
        from typer._click import exceptions as vendored  # type: ignore[attr-defined]

        modules.append(vendored)
    except ImportError:
        pass
    try:
        import click.exceptions

        modules.append(click.exceptions)
    except ImportError:
        pass
    pick = lambda name: tuple(getattr(m, name) for m in modules if hasattr(m, name))  # noqa: E731
    return pick("UsageError") + pick("BadParameter"), pick("Abort"), pick("Exit")


_HELP_WORDS = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Install completion for the current shell.": "为当前 shell(bash、zsh 等)安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的补全脚本,可复制或自行安装。",
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "required": "必填",
    "default: {default}": "默认:{default}",
    "env var: {var}": "环境变量:{var}",
}


def _chinese_help(command) -> None:
    """Click and Typer write their help frame in English through gettext: say it in Chinese."""
    import importlib

    def translate(text: str) -> str:
        return _HELP_WORDS.get(text, text)

    for name in ("click.core", "click.decorators", "click.formatting", "typer.core", "typer._click.core",
                 "typer._click.decorators", "typer._click.formatting"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if callable(getattr(module, "_", None)):
            module._ = translate
    for param in getattr(command, "params", []):
        if getattr(param, "help", None) in _HELP_WORDS:
            param.help = _HELP_WORDS[param.help]


def _command_for(args: list[str]):
    """The click command to run. Typer turns every registered command's
    signature into click parameters when it builds the group (about 10 ms for
    the 22 commands, at every start); when the command line names one command
    or group, only that one is built. Anything else (no command, an unknown
    name, shell completion) gets the whole group, so its messages and help are
    the same."""
    import copy

    name = args[0] if args and not args[0].startswith("-") else None
    completing = any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)
    if name is not None and not completing:
        commands = [c for c in app.registered_commands if c.name == name]
        groups = [g for g in app.registered_groups if g.name == name]
        if len(commands) + len(groups) == 1:
            one = copy.copy(app)
            one.registered_commands, one.registered_groups = commands, groups
            return typer.main.get_command(one)
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> None:
    # One short-lived process whose objects (plans, statuses) form no cycles
    # worth collecting: the cyclic collector would only walk them again and
    # again as they are made (about a tenth of a warm `list` at 10,000 tasks).
    # Reference counting still frees everything as usual.
    gc.disable()
    usage_errors, aborts, exits = _click_exceptions()

    args = sys.argv[1:] if argv is None else argv
    command = _command_for(args)
    if any(a in ("-h", "--help") or a.startswith("--install-completion") or a.startswith("--show-completion") for a in args):
        _chinese_help(command)
    try:
        result = command.main(args=args, prog_name="xatrack", standalone_mode=False)
    except XatrackError as error:
        typer.echo(f"错误:{error.message}", err=True)
        sys.exit(error.exit_code)
    except usage_errors as error:
        typer.echo(f"错误:{_usage_message(error)}", err=True)
        sys.exit(2)
    except aborts:
        typer.echo("已取消。", err=True)
        sys.exit(130)
    except exits as exit_:
        sys.exit(exit_.exit_code)
    except KeyboardInterrupt:
        typer.echo("已取消。", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    if isinstance(result, int) and result:
        sys.exit(result)


from xatrack import cli_report  # noqa: E402,F401  (registers `report`)
from xatrack import cli_sheet  # noqa: E402,F401  (registers `sheet` and `ingest`)
from xatrack import cli_audit  # noqa: E402,F401  (registers `audit` and `githook`)
from xatrack import cli_finding  # noqa: E402,F401  (registers `finding`)
from xatrack import cli_remind  # noqa: E402,F401  (registers `remind`)
from xatrack import cli_plan  # noqa: E402,F401  (registers `plan` and `plan export`)

# `xatrack 命令 --help` ends with where the manual says more: docs/commands.md, one section per
# command (or per family of commands), its heading starting with these words.
MANUAL = "docs/commands.md"
MANUAL_SECTIONS = {
    "import": "import", "init": "init", "check": "check", "sheet": "sheet 和 ingest", "ingest": "sheet 和 ingest",
    "list": "list、show、overdue", "show": "list、show、overdue", "overdue": "list、show、overdue",
    "leaders": "leaders、units", "units": "leaders、units", "update": "update、retract", "retract": "update、retract",
    "report": "report", "remind": "remind", "finding": "finding", "audit": "audit、githook", "githook": "audit、githook",
    "plan": "plan、plan export",
}


def _point_to_the_manual() -> None:
    for info in app.registered_commands:
        info.epilog = info.epilog or f"详见 {MANUAL} 中的“{MANUAL_SECTIONS[info.name]}”一节。"
    for group in app.registered_groups:
        for info in group.typer_instance.registered_commands:
            info.epilog = info.epilog or f"详见 {MANUAL} 中的“{MANUAL_SECTIONS[group.name]}”一节。"


_point_to_the_manual()
