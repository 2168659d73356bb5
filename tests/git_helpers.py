"""Running git in the tests: no user or system configuration, a fixed identity."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(cwd: Path, *args: str, email: str = "test@example.invalid", timeout: int = 120) -> subprocess.CompletedProcess:
    """``git ARGS`` in ``cwd`` as 测试 <email>, ignoring the machine's git configuration."""
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0",
               LC_ALL="C", HOME=str(cwd))
    config = ["-c", "user.name=测试", "-c", f"user.email={email}", "-c", "init.defaultBranch=main",
              "-c", "pull.rebase=false", "-c", "commit.gpgsign=false", "-c", "core.quotepath=false"]
    return subprocess.run(["git", *config, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
