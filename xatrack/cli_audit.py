"""`xatrack audit` and `xatrack githook`: who reported what, checked over the
git history, and enforced on the hub. Registered on ``xatrack.app.app``; the
work is api.audit, api.githook_install and api.githook_script.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xatrack.app import app
from xatrack.cliutil import RootOpt
from xatrack.errors import InputError


@app.command("audit")
def audit_command(
    rev: Annotated[str, typer.Option("--rev", help="检查到哪个提交为止的历史(分支、标签或提交号)")] = "HEAD",
    strict: Annotated[bool, typer.Option("--strict", help="没有账号的提交者算错误(默认为警告)")] = False,
    signed: Annotated[bool, typer.Option("--signed", help="每个提交都须有可验证的签名(git verify-commit)")] = False,
    fmt: Annotated[str, typer.Option("--format", help="输出格式:text 或 json")] = "text",
    root: RootOpt = None,
) -> None:
    """检查 git 历史:进度记录只追加、通报和佐证材料只写一次、单位只以本单位名义报送。

    逐个提交检查 progress/、findings/(只能追加,每行的 by 须是提交者账号代表的单位)、
    bulletins/、evidence/(提交后不能修改或删除)以及只有督查室能改的 tasks.yaml、units.yaml 等文件。
    账号在 units.yaml 的 accounts 中登记(电子邮箱: 单位,"*" 为督查室)。
    有错误时退出码为 1。

    \b
    示例:
      xatrack audit
      xatrack audit --strict --signed
      xatrack audit --rev origin/main --format json
    """
    from xatrack import api

    if fmt not in ("text", "json"):
        raise InputError(f'--format "{fmt}" 无效(可用:text、json)')
    done = api.audit(root, rev=rev, strict=strict, signed=signed)
    errors, warnings = done.errors, done.warnings
    if fmt == "json":
        typer.echo(json.dumps({"commits": done.commits, "accounts": len(done.accounts.by_email), "errors": len(errors),
                               "warnings": len(warnings), "violations": [v.as_dict() for v in done.violations]},
                              ensure_ascii=False, indent=2))
    else:
        for violation in done.violations:
            typer.echo(violation.audit_line())
        if not done.accounts.present:
            typer.echo("提示:units.yaml 中没有 accounts,只检查了只追加和只写一次(登记账号的方法见 docs/sharing.md)")
        typer.echo(f"检查了 {done.commits} 个提交({done.seconds:.1f} 秒):错误 {len(errors)} 处,警告 {len(warnings)} 处")
    if errors:
        sys.exit(1)


githook_app = typer.Typer(
    help="服务器端钩子:拒绝以其他单位名义报送、改写已有记录的推送。",
    rich_markup_mode=None,
)
app.add_typer(githook_app, name="githook")

GITHOOK_USAGE = """\
用法:
  xatrack githook install HUB.git [--signed] [--python 解释器]   在服务器的裸仓库中安装 pre-receive 钩子
  xatrack githook script [-o 文件] [--signed]                   输出钩子脚本(Gitea、GitLab 等)
详见 xatrack githook 命令 --help
"""


@githook_app.callback(invoke_without_command=True)
def githook_overview(ctx: typer.Context) -> None:
    """服务器端钩子:拒绝以其他单位名义报送、改写已有记录的推送。"""
    if ctx.invoked_subcommand is None:
        typer.echo(GITHOOK_USAGE, nl=False)

PythonOpt = Annotated[
    str,
    typer.Option("--python", help="服务器上运行钩子的 Python(写入脚本首行)"),
]


SignedOpt = Annotated[
    bool,
    typer.Option("--signed", help="推送的每个提交都须有可验证的签名(账号登记了 key 时须是提交者本人的密钥)"),
]


@githook_app.command("install")
def githook_install_command(
    hub: Annotated[Path, typer.Argument(metavar="HUB.git", help="服务器上的裸仓库(git init --bare 建立)", show_default=False)],
    python: PythonOpt = "/usr/bin/env python3",
    force: Annotated[bool, typer.Option("--force", help="替换仓库中已有的其他 pre-receive 钩子")] = False,
    signed: SignedOpt = False,
) -> None:
    """在裸仓库中安装 pre-receive 钩子,每次推送都按 audit 的规则检查。

    账号取自仓库中推送前的 units.yaml(推送不能给自己加权限);违反规则的推送被拒绝,
    每处问题一行中文原因。服务器只需要 Python 3.7+ 和 git。

    \b
    示例:
      xatrack githook install /共享盘/督办2025.git
    """
    from xatrack import api

    target = api.githook_install(hub, python=python, force=force, signed=signed)
    typer.echo(f"已安装 pre-receive 钩子:{target}")


@githook_app.command("script")
def githook_script_command(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入的文件;默认输出到屏幕", show_default=False)] = None,
    python: PythonOpt = "/usr/bin/env python3",
    signed: SignedOpt = False,
) -> None:
    """输出钩子脚本(用于 Gitea、GitLab 等在网页或服务器目录中配置钩子)。

    \b
    示例:
      xatrack githook script -o pre-receive
    """
    from xatrack import api

    text = api.githook_script(output, python=python, signed=signed)
    if output is None:
        sys.stdout.write(text)
        return
    typer.echo(f"已写入:{output}")
