#!/usr/bin/env python3
"""How long the pre-receive hook takes on a big push to a big log.

    python bench/hook_push.py [--mb 28] [--commits 300] [--lines 10] [--keep]

Builds, in a temporary folder, with ``git fast-import``: the office's first
commit (the shipped tasks.yaml, units.yaml with accounts, and a progress log
of ``--mb`` megabytes of entries), pushed to two bare hubs, one with the hook
installed (``xatrack githook install``) and one without. Then a unit's
``--commits`` commits, each appending ``--lines`` entries in its own name, are
pushed to both hubs; the push to the hub without hook is the floor (packing,
sending and indexing the objects). Prints both times, the hook itself as
timed inside the hub by a wrapper (wall clock, and CPU of the hook with its
git children: steady on a busy machine), and checks that the hook accepted the push and refuses a forged
line at the end of the same push.

The issue's target: 300 commits adding 3,000 lines to a 28 MB log checked in
under 5 s. The cost grows with the lines pushed, not with the log's size or
its history: the hook diffs each log once per run of commits by one author
(first parent to last), not once per commit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOG = "progress/2025-Q2.yaml"
OFFICE = "dcs@xianan.gov.cn"
KJJ = "kjj@xianan.gov.cn"
ACCOUNTS = f"\naccounts:\n  {KJJ}: 区科经局\n  {OFFICE}: \"*\"\n"


def git(cwd: Path, *args: str, data: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env, input=data,
                          capture_output=True)
    if check and done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.decode(errors='replace')}")
    return done


def line(n: int, by: str, item: str = "") -> bytes:
    record = {"id": item or str(1 + n % 90), "value": n % 1000, "date": "2025-06-20", "by": by,
              "at": f"2025-06-20T10:{n // 60 % 60:02d}:{n % 60:02d}+08:00", "note": "进度正常" * 8}
    return ("- " + json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def fast_import(cwd: Path, base: bytes, commits: int, lines: int, forged: bool = False, first: int = 0) -> bytes:
    """The unit's commits on branch refs/heads/unit (the first from main, or from unit's tip when
    ``first``), streamed into ``git fast-import`` one at a time (only the current log in memory).
    Returns the log as the last commit leaves it."""
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=cwd, env=env, stdin=subprocess.PIPE)
    data = bytearray(base)
    for k in range(first, first + commits):
        data += b"".join(line(10_000_000 + k * lines + i, "区科经局", "32") for i in range(lines))  # its own task
        if forged:
            data += line(9_999_999, "区发改局", "32")
        message = f"报送 {k}".encode("utf-8")
        head = [b"commit refs/heads/unit\n",
                f"author 科经局 <{KJJ}> {1750000000 + k} +0800\n".encode(),
                f"committer 科经局 <{KJJ}> {1750000000 + k} +0800\n".encode(),
                b"data %d\n%s\n" % (len(message), message)]
        if k == first:
            head.append(b"from refs/heads/main^0\n" if first == 0 else b"from refs/heads/unit^0\n")
        head.append(b"M 100644 inline " + LOG.encode() + b"\n" + b"data %d\n" % len(data))
        process.stdin.write(b"".join(head))
        process.stdin.write(data)
        process.stdin.write(b"\n")
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    return bytes(data)


WRAPPER = """#!{python}
import os, subprocess, sys, time
started, before = time.perf_counter(), os.times()
code = subprocess.run([{python!r}, {real!r}], stdin=sys.stdin).returncode
after = os.times()
cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
with open({out!r}, "a") as handle:
    handle.write(f"{{time.perf_counter() - started:.3f}} {{cpu:.3f}}\\n")
sys.exit(code)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=28.0)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xatrack-hook-bench-"))
    try:
        office = folder / "office"
        git(folder, "init", "-q", str(office))
        shutil.copy(REPO / "tasks.yaml", office / "tasks.yaml")
        (office / "units.yaml").write_text((REPO / "units.yaml").read_text(encoding="utf-8") + ACCOUNTS, encoding="utf-8")
        (office / ".gitattributes").write_text("progress/*.yaml merge=union\n", encoding="utf-8")
        (office / "progress").mkdir()
        units = ["区发改局", "区科经局", "区财政局", "区住建局"]
        chunks = []
        size, n = 0, 0
        while size < args.mb * 1024 * 1024:
            chunk = line(n, units[n % len(units)])
            chunks.append(chunk)
            size += len(chunk)
            n += 1
        base = b"".join(chunks)
        (office / LOG).write_bytes(base)
        git(office, "add", "-A")
        git(office, "-c", f"user.email={OFFICE}", "-c", "user.name=督查室", "commit", "-q", "-m", "新建")
        hubs = {}
        for name in ("floor", "hook"):
            hub = folder / f"{name}.git"
            git(folder, "init", "-q", "--bare", str(hub))
            git(office, "push", "-q", str(hub), "main:main")
            hubs[name] = hub
        install = subprocess.run([sys.executable, "-m", "xatrack", "githook", "install", str(hubs["hook"]),
                                  "--python", sys.executable], capture_output=True, text=True)
        if install.returncode != 0:
            raise SystemExit(install.stdout + install.stderr)
        # The hook timed from inside the hub (wall clock and CPU of the hook and its git children),
        # apart from receiving the objects (index-pack), which the floor push also pays.
        hook = hubs["hook"] / "hooks" / "pre-receive"
        hook.rename(hook.with_name("pre-receive.real"))
        timings = folder / "hook-times.txt"
        hook.write_text(WRAPPER.format(python=sys.executable, real=str(hook.with_name("pre-receive.real")),
                                       out=str(timings)), encoding="utf-8")
        hook.chmod(0o755)
        started = time.perf_counter()
        final = fast_import(office, base, args.commits, args.lines)
        made = time.perf_counter() - started
        times = {}
        for name in ("floor", "hook"):
            started = time.perf_counter()
            result = git(office, "push", "-q", str(hubs[name]), "unit:main", check=False)
            times[name] = time.perf_counter() - started
            if result.returncode != 0:
                raise SystemExit(f"the push to {name} was refused: {result.stderr.decode(errors='replace')}")
        # One more commit with a line in another unit's name: refused.
        fast_import(office, final, 1, 1, forged=True, first=args.commits)
        refused = git(office, "push", "-q", str(hubs["hook"]), "unit:main", check=False)
        assert refused.returncode != 0 and "区发改局" in refused.stderr.decode(errors="replace"), refused.stderr
        wall, cpu = (float(x) for x in timings.read_text(encoding="utf-8").split("\n")[0].split())
        print(f"log {size / 1024 / 1024:.1f} MB ({n:,} lines); push: {args.commits} commits, "
              f"{args.commits * args.lines:,} lines (made in {made:.1f} s)")
        print(f"push without hook (floor): {times['floor']:.2f} s")
        print(f"push with the hook:        {times['hook']:.2f} s")
        print(f"the hook itself:           {wall:.2f} s wall clock, {cpu:.2f} s CPU (its git children included)"
              " (target: under 5 s)")
        print("a forged line at the end of such a push: refused")
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
