"""The ``pre-receive`` hook of a shared tracker: its run time, the
self-contained script, and the installer.

Standard library only. The script written into a hub embeds the source of
``xatrack.audit`` (the rules), ``xatrack.gitlog`` (reading git) and this
module, so the hub needs Python 3.7+ and git, nothing else: the hook and
``xatrack audit`` run the same code.

For each pushed ref the hook reads the accounts from ``units.yaml`` of the
default branch as it was before the push (found from HEAD, else main, else
master, else the only branch: ``gitlog.default_branch``), so a push cannot
grant itself rights and a new branch never starts from "no accounts", and judges every commit the push brings (``NEW --not --all``)
with ``xatrack.gitlog.judge_commits`` (``xatrack.audit.check_commit`` for each). It also refuses deleting a branch and
rewriting pushed history (a non-fast-forward push).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xatrack.audit import DIRECTORY, OFFICE, REGISTRY
from xatrack.gitlog import (_CONFIG, ZERO, GitError, accounts_of, blob_at, default_branch, git, git_env, judge_commits,
                            scope_of, signature_violations)

MARK = "# xatrack-pre-receive"
MODULES = ("xatrack.authority", "xatrack.audit", "xatrack.gitlog", "xatrack.githook")
MAX_LINES = 100


def judge_push(updates: list, cwd=None, signed: bool = False) -> list:
    """[(old, new, ref)] -> one-line Chinese reasons to refuse the push (empty: accept).
    ``signed``: every pushed commit must carry a good signature (by its author's key)."""
    reasons: list = []
    seen: set = set()
    cache: dict = {}
    default = default_branch(cwd)
    default_tip = git(["rev-parse", "--verify", "--quiet", "--end-of-options", default + "^{commit}"], cwd=cwd,
                      check=False).strip().decode() if default else ""
    for old, new, ref in updates:
        if new == ZERO:
            reasons.append(f"拒绝:不能删除 {ref}(已推送的历史要保留)")
            continue
        if old != ZERO:
            code = _run_ok(["merge-base", "--is-ancestor", old, new], cwd)
            if not code:
                reasons.append(f"拒绝:{ref} 不是快进推送,不能改写已推送的历史(请先 git pull 再推送)")
                continue
        # The accounts in force: the default branch's as it was before this push
        # (its own previous tip when the default branch itself is pushed), so no
        # branch ever starts from "no accounts" and a push cannot grant itself rights.
        base = old if (ref == default and old != ZERO) else default_tip
        accounts, errors = accounts_of(blob_at(base, DIRECTORY, cwd) if base else None, cwd, cache)
        if errors:
            line, message = errors[0]
            reasons.append(f"拒绝:仓库中的 {DIRECTORY}{f' 第 {line} 行' if line else ''}{message},"
                           "钩子无法确认账号(请管理员在服务器上修复)")
            continue
        scope = scope_of(blob_at(base, REGISTRY, cwd) if base else None, cwd, cache)
        for violation in judge_commits(new, accounts, cwd, scope=scope):
            key = (violation.sha, violation.reason)
            if key not in seen:
                seen.add(key)
                reasons.append(violation.hook_line())
        if signed:
            for violation in signature_violations(cwd, [new, "--not", "--all"], accounts):
                key = (violation.sha, violation.reason)
                if key not in seen:
                    seen.add(key)
                    reasons.append(violation.hook_line())
    return reasons


def _run_ok(args: list, cwd) -> bool:
    return subprocess.run(["git", *_CONFIG, *args], cwd=cwd, env=git_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def hook_main(stdin=None, stderr=None, signed: bool = False) -> int:
    """The pre-receive hook: ``old new ref`` lines on stdin; reasons on stderr, exit 1 to refuse."""
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stderr = stderr if stderr is not None else sys.stderr.buffer
    updates = []
    for raw in stdin.read().decode("utf-8", "replace").splitlines():
        parts = raw.split()
        if len(parts) == 3:
            updates.append(tuple(parts))
    try:
        reasons = judge_push(updates, signed=signed)
    except GitError as error:
        reasons = [f"拒绝:钩子无法读取推送的提交({error.message})"]
    except Exception as error:  # never let a broken hook accept a push
        reasons = [f"拒绝:钩子出错({type(error).__name__}: {error}),请管理员检查"]
    if not reasons:
        return 0
    shown = reasons[:MAX_LINES]
    if len(reasons) > MAX_LINES:
        shown.append(f"拒绝:另有 {len(reasons) - MAX_LINES} 处问题未列出(用 xatrack audit 查看全部)")
    stderr.write(("\n".join(shown) + "\n").encode("utf-8"))
    stderr.flush()
    return 1


# --------------------------------------------------------------------------- the script


def module_source(name: str) -> str:
    path = Path(__file__).with_name(name.split(".")[-1] + ".py")
    return path.read_text(encoding="utf-8")


def script_text(python: str = "/usr/bin/env python3", signed: bool = False) -> str:
    """The self-contained hook: a loader and the source of the rule modules."""
    sources = ",\n".join(f"    {name!r}: {module_source(name)!r}" for name in MODULES)
    return (
        f"#!{python}\n"
        f"{MARK}\n"
        "# 由 xatrack githook install 生成:只追加、只写一次、单位只能以本单位名义报送。不要手工修改。\n"
        "# Generated by `xatrack githook install`; needs only Python 3.7+ and git.\n"
        "import sys\n"
        "import types\n\n"
        f"SIGNED = {bool(signed)!r}  # every pushed commit must carry a good signature\n\n"
        "SOURCES = {\n"
        f"{sources}\n"
        "}\n\n\n"
        "def load():\n"
        "    package = types.ModuleType('xatrack')\n"
        "    package.__path__ = []\n"
        "    sys.modules['xatrack'] = package\n"
        "    for name, source in SOURCES.items():\n"
        "        module = types.ModuleType(name)\n"
        "        module.__file__ = '<pre-receive:' + name + '>'\n"
        "        sys.modules[name] = module\n"
        "        setattr(package, name.split('.')[1], module)\n"
        "        exec(compile(source, module.__file__, 'exec'), module.__dict__)\n"
        "    return sys.modules['xatrack.githook']\n\n\n"
        "if __name__ == '__main__':\n"
        "    sys.exit(load().hook_main(signed=SIGNED))\n"
    )


class InstallError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def install(hub: Path, python: str = "/usr/bin/env python3", force: bool = False, signed: bool = False) -> Path:
    """Write the hook into a bare repository's hooks directory. Returns its path."""
    if not hub.is_dir():
        raise InstallError(f"找不到仓库目录:{hub}")
    try:
        bare = git(["rev-parse", "--is-bare-repository"], cwd=hub).strip()
    except GitError:
        raise InstallError(f"{hub} 不是 git 仓库") from None
    if bare != b"true":
        raise InstallError(f"{hub} 不是裸仓库(服务器上的仓库应由 git init --bare 建立)")
    try:
        branch = default_branch(hub)
    except GitError as error:
        raise InstallError(error.message) from None
    head = git(["rev-parse", "--verify", "--quiet", "--end-of-options", branch + "^{commit}"], cwd=hub,
               check=False).strip().decode() if branch else ""
    if not head:
        raise InstallError(f"{hub} 还是空的:先推送跟踪目录(units.yaml 中登记好 accounts)再安装钩子")
    if blob_at(head, REGISTRY, hub) is None:
        raise InstallError(f"{hub} 的默认分支根目录中没有 {REGISTRY},不是 xatrack 跟踪仓库")
    accounts, errors = accounts_of(blob_at(head, DIRECTORY, hub), hub)
    if errors:
        line, message = errors[0]
        raise InstallError(f"{hub} 中的 {DIRECTORY}{f' 第 {line} 行' if line else ''}{message}")
    if OFFICE not in accounts.by_email.values():
        raise InstallError(f'{hub} 中的 {DIRECTORY} 没有督查室账号(accounts 中值为 "*" 的电子邮箱):'
                           "安装后将没有人能修改 tasks.yaml 和 units.yaml,请先登记并推送")
    hooks = Path(git(["rev-parse", "--git-path", "hooks"], cwd=hub).decode("utf-8").strip())
    if not hooks.is_absolute():
        hooks = hub / hooks
    hooks.mkdir(parents=True, exist_ok=True)
    target = hooks / "pre-receive"
    if target.exists() and not force:
        try:
            ours = MARK in target.read_text(encoding="utf-8", errors="replace")
        except OSError:
            ours = False
        if not ours:
            raise InstallError(f"{target} 已有别的 pre-receive 钩子;确认可以替换时加 --force")
    temporary = target.with_name(f".pre-receive.{os.getpid()}.tmp")
    temporary.write_text(script_text(python, signed), encoding="utf-8", newline="\n")
    os.chmod(temporary, 0o755)
    os.replace(temporary, target)
    return target
