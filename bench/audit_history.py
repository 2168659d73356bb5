#!/usr/bin/env python3
"""How long `xatrack audit` takes on a year of shared-tracker history.

    python bench/audit_history.py [--units 100] [--quarters 4] [--pushes 10] [--keep]

Builds, in a temporary folder, with ``git fast-import``, the history of a
tracker shared by ``--units`` units, each with an account in units.yaml: the
office's first commit (the shipped tasks.yaml, the shipped units.yaml's first
N units plus accounts), then for every quarter ``--pushes`` rounds in which
every unit pushes one entry in its own name to that quarter's log. Units push
in pairs from the same tip, the second merging the first's push (a union
merge, as `git pull` makes it), so the history has as many merges as half the
unit pushes. Then times, each three times (median):

* ``floor``: ``git log`` with the same options audit reads, output discarded
  (what reading the history costs without judging it);
* ``audit``: ``xatrack audit`` as a user runs it (a new process).

Prints the figures and the ratio audit/floor, and checks audit found nothing
(every line is in its author's own name).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from xatrack.audit import parse_units_text, read_scope  # noqa: E402
from xatrack.gitlog import LOG_ARGS  # noqa: E402
from xatrack.store import log_header, record_line  # noqa: E402
from xatrack.model import Quarter  # noqa: E402


def units_of(count: int) -> list[str]:
    from xatrack.directory import parse_directory

    directory, _ = parse_directory((REPO / "units.yaml").read_text(encoding="utf-8"))
    names = [u.name for u in directory.units]
    while len(names) < count:
        names.append(f"合成单位{len(names) + 1}")
    return names[:count]


def build(folder: Path, units: int, quarters: int, pushes: int) -> tuple[Path, int]:
    repo = folder / "tracker"
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    names = units_of(units)
    base_units = (REPO / "units.yaml").read_text(encoding="utf-8")
    extra = "".join(f"  - {{name: {n}}}\n" for n in names if n.startswith("合成单位"))
    if extra:
        base_units = base_units.replace("\ngroups:", "\n" + extra + "\ngroups:", 1)
    # A unit reports its own items: units named by no item (the synthetic ones too) join 区直相关单位.
    scope = read_scope((REPO / "tasks.yaml").read_text(encoding="utf-8"))
    directory, _ = parse_units_text(base_units)
    idle = [n for n in names if not any(directory.names_unit(n, listed) for listed in scope.values())]
    if idle:
        base_units = base_units.replace("    members: [区政府各部门,", f"    members: [区政府各部门, {', '.join(idle)},", 1)
        directory, _ = parse_units_text(base_units)
    own_items = {n: [item for item, listed in scope.items() if directory.names_unit(n, listed)] for n in names}
    accounts = "\naccounts:\n" + "".join(f"  u{i:03d}@xianan.gov.cn: {n}\n" for i, n in enumerate(names))
    accounts += '  dcs@xianan.gov.cn: "*"\n'
    out = bytearray()
    clock = 1735689600  # 2025-01-01

    def data(text: str) -> None:
        raw = text.encode("utf-8")
        out.extend(b"data %d\n" % len(raw) + raw + b"\n")

    def commit(mark: int, email: str, parents: list[int], files: dict[str, str]) -> None:
        nonlocal clock
        clock += 60
        out.extend(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.extend(f"author U <{email}> {clock} +0800\ncommitter U <{email}> {clock} +0800\n".encode())
        data("报送")
        if parents:
            out.extend(b"from :%d\n" % parents[0])
            for p in parents[1:]:
                out.extend(b"merge :%d\n" % p)
        for path, text in files.items():
            out.extend(f"M 100644 inline {path}\n".encode())
            data(text)

    mark = 1
    commit(mark, "dcs@xianan.gov.cn", [], {
        "tasks.yaml": (REPO / "tasks.yaml").read_text(encoding="utf-8"),
        "units.yaml": base_units + accounts,
        ".gitattributes": "progress/*.yaml merge=union\n",
    })
    tip = mark
    count = 1
    for q in range(1, quarters + 1):
        quarter = Quarter(2025, q)
        path = f"progress/2025-Q{q}.yaml"
        log = log_header(quarter)
        day = f"2025-{3 * q:02d}-20"
        for round_ in range(pushes):
            for i in range(0, len(names), 2):
                lines = []
                for j in (i, i + 1):
                    if j < len(names):
                        mine = own_items[names[j]]
                        lines.append(record_line({"id": mine[(j + round_) % len(mine)], "value": round_ + 1, "date": day,
                                                  "by": names[j], "at": f"{day}T09:30:00+08:00"}))
                mark += 1
                commit(mark, f"u{i:03d}@xianan.gov.cn", [tip], {path: log + lines[0]})
                first = mark
                count += 1
                if len(lines) == 1:
                    tip, log = first, log + lines[0]
                    continue
                mark += 1
                commit(mark, f"u{i + 1:03d}@xianan.gov.cn", [tip], {path: log + lines[1]})
                second = mark
                mark += 1
                log = log + lines[0] + lines[1]
                commit(mark, f"u{i + 1:03d}@xianan.gov.cn", [first, second], {path: log})
                tip = mark
                count += 2
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=bytes(out), check=True, env=env)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True, env=env)
    return repo, count


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(command: list[str], cwd: Path) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr.decode("utf-8", "replace"))
    return elapsed, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--quarters", type=int, default=4)
    parser.add_argument("--pushes", type=int, default=10)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xatrack-audit-bench-"))
    try:
        started = time.perf_counter()
        repo, count = build(folder, args.units, args.quarters, args.pushes)
        built = time.perf_counter() - started
        xatrack = [sys.executable, "-m", "xatrack", "audit", "--format", "json"]
        floor = ["git", "-c", "core.quotePath=false", *LOG_ARGS, "HEAD", "--"]
        floors, audits = [], []
        report = None
        for _ in range(args.reps):
            floors.append(timed(floor, repo)[0])
            elapsed, out = timed(xatrack, repo)
            audits.append(elapsed)
            report = json.loads(out)
        assert report is not None
        print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()}, "
              f"Python {platform.python_version()}, {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}")
        print(f"history: {args.units} units x {args.quarters} quarters x {args.pushes} pushes = {count} commits "
              f"(built in {built:.1f} s)")
        print(f"floor (git log -m --raw -p -U0): median {statistics.median(floors):.2f} s")
        print(f"xatrack audit:                   median {statistics.median(audits):.2f} s "
              f"({statistics.median(audits) / statistics.median(floors):.1f}x floor); "
              f"commits {report['commits']}, errors {report['errors']}, warnings {report['warnings']}")
        if report["errors"] or report["warnings"]:
            raise SystemExit("audit found problems in a history made only of honest pushes")
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
