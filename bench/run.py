#!/usr/bin/env python3
"""Time xatrack against Taskwarrior and the import floor, in one run.

    python bench/run.py                      # 100 (real plan), 1,000, 10,000 tasks
    python bench/run.py --quick              # 100 and 1,000 only, 3 repetitions
    python bench/run.py --write-results      # also write bench/RESULTS.md
    python bench/run.py --profile            # cProfile of `list --leader 洪声耀` at 10,000 tasks

Every measured command is a subprocess with cwd = a generated tracker in a
temporary folder (bench/generate.py; the repository's progress/ is never
touched). "cold" removes the xatrack cache ($XATRACK_CACHE_DIR, one temporary
folder per size, and the tracker's .xatrack-cache/) before each timed run;
"warm" makes one untimed run first and keeps the cache. Times are wall-clock
medians; peak memory is the maximum resident set size reported by GNU time
(`/usr/bin/time -f %M`, Debian package `time`, installed if missing) on one
extra untimed run per mode (cold and warm), the larger of the two.
Each run is capped at --timeout seconds and recorded as TIMEOUT past it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

LEADER = "洪声耀"
TODAY = "2025-06-20"  # a day in Q2: `list` and `update` default to Q2
FLOOR_CODE = "import typer, rich.console, rich.table, ruamel.yaml, dateutil.parser"
TW_CHUNK = 1000
TW_RC = ("confirmation=off", "verbose=nothing", "hooks=off", "gc=off")

# Targets from the issue: (size, command) -> list of (label, check(row, tw, floor) -> bool | None)
UPDATE_LIMIT = 0.3
FLOOR_FACTOR = 1.3
TW_WARM_FACTOR = 0.5
TW_COLD_FACTOR = 2.0
PEAK_LIMIT_MB = 200


@dataclass
class Run:
    seconds: float | None  # None: timed out
    rc: int
    peak_kb: int
    err: str = ""


@dataclass
class Row:
    size: str
    command: str
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    mem: list[Run] = field(default_factory=list)  # untimed runs under GNU time
    note: str = ""
    targets: list[str] = field(default_factory=list)
    verdicts: list[bool] = field(default_factory=list)

    @staticmethod
    def _median(runs: list[Run]) -> float | str | None:
        if not runs:
            return None
        if any(r.seconds is None for r in runs):
            return "TIMEOUT"
        if any(r.rc != 0 for r in runs):
            return "ERROR"
        return statistics.median(r.seconds for r in runs)

    @property
    def cold_median(self):
        return self._median(self.cold)

    @property
    def warm_median(self):
        return self._median(self.warm)

    @property
    def peak_mb(self) -> float | None:
        peaks = [r.peak_kb for r in self.mem if r.peak_kb]
        if any(r.seconds is None for r in self.cold + self.warm + self.mem):
            return None
        return max(peaks) / 1024 if peaks else None


# --------------------------------------------------------------------------- running


def run_once(cmd: list[str], cwd: Path, env: dict, timeout: float, out: Path, memory: bool = False) -> Run:
    """Run ``cmd``: wall time and exit code; killed past ``timeout``.

    With ``memory`` the command runs under GNU time (``-f %M``) and ``peak_kb``
    is its maximum resident set size. A child's own wait4() figure is no use
    here: Linux carries the parent's RSS at fork into the child's high-water
    mark, so every child would look at least as big as this script. Timed runs
    are therefore not wrapped, and memory is measured on separate runs.
    """
    mem_file = Path(str(out) + ".mem")
    if memory and GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", str(mem_file), *cmd]
    with open(out, "wb") as stdout, open(str(out) + ".err", "wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                start_new_session=True)
        killed = threading.Event()

        def kill():
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    err = ""
    if proc.returncode != 0 and not killed.is_set():
        err = Path(str(out) + ".err").read_text(encoding="utf-8", errors="replace")[-500:]
    peak = 0
    if memory:
        if GNU_TIME:
            try:
                peak = int(mem_file.read_text().strip().splitlines()[-1])
            except (OSError, ValueError, IndexError):
                peak = 0
        else:
            peak = usage.ru_maxrss  # an upper bound: includes this script's RSS at fork
    return Run(None if killed.is_set() else elapsed, proc.returncode, peak, err)


def ensure_gnu_time(say=print) -> str | None:
    found = Path("/usr/bin/time")
    if found.is_file():
        return str(found)
    say("GNU time is not installed: apt-get install -y time")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in range(2):
        if attempt:
            subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            subprocess.run(["apt-get", "install", "-y", "-qq", "time"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            break
        if found.is_file():
            return str(found)
    say("  could not install GNU time: peak memory from wait4() is an upper bound")
    return None


GNU_TIME: str | None = None


def xatrack_cmd(use_module: bool) -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "xatrack"
    if not use_module and script.is_file():
        # the installed console script, run by this interpreter (not through a
        # version manager's shell shim, whose own start-up would be measured)
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "xatrack"]


def clean_env(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XATRACK_") and k not in ("TASKRC", "TASKDATA")}
    env.update({"COLUMNS": "120", "LC_ALL": env.get("LC_ALL", "C.UTF-8"), "PYTHONIOENCODING": "utf-8"})
    env.update(extra)
    return env


def drop_cache(cache: Path, root: Path) -> None:
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(root / ".xatrack-cache", ignore_errors=True)


def measure(row: Row, cmd, cwd, env, reps, timeout, scratch, cold_reset=None, say=print) -> None:
    """Cold runs (``cold_reset`` before each), then one untimed run and warm runs.

    Peak memory comes from one more run in each mode, under GNU time.
    """
    out = scratch / "out.txt"

    def series(runs: list[Run], before) -> None:
        for _ in range(reps):
            if before:
                before()
            run = run_once(cmd, cwd, env, timeout, out)
            runs.append(run)
            if run.seconds is None or run.rc != 0:
                return  # one TIMEOUT or ERROR decides the median; don't spend more time
        if before:
            before()
        row.mem.append(run_once(cmd, cwd, env, timeout, out, memory=True))

    if cold_reset is not None:
        series(row.cold, cold_reset)
    warmup = run_once(cmd, cwd, env, timeout, out)
    if warmup.seconds is None or warmup.rc != 0:
        row.warm.append(warmup)
    else:
        series(row.warm, None)
    for run in row.cold + row.warm + row.mem:
        if run.err:
            row.note = (row.note + " " if row.note else "") + "error: " + run.err.strip().splitlines()[-1]
            break
    say(f"  {row.size:>6} {row.command:<34} cold {fmt_s(row.cold_median):>8}  warm {fmt_s(row.warm_median):>8}  "
        f"peak {fmt_mb(row.peak_mb)} MB")


# --------------------------------------------------------------------------- taskwarrior


def ensure_taskwarrior(say=print) -> str | None:
    task = shutil.which("task")
    if task:
        return task
    say("taskwarrior is not installed: apt-get install -y taskwarrior")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in range(2):
        if attempt:
            subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            done = subprocess.run(["apt-get", "install", "-y", "-qq", "taskwarrior"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        except OSError as error:
            say(f"  cannot run apt-get: {error}")
            return None
        if done.returncode == 0 and shutil.which("task"):
            return shutil.which("task")
    say("  could not install taskwarrior; its rows are skipped")
    return None


def tw_version(task: str | None) -> str:
    if not task:
        return "not installed"
    try:
        return subprocess.run([task, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "unknown"


def tw_setup(task: str, items, folder: Path) -> tuple[dict, float]:
    """A Taskwarrior database of ``items`` (leader UDA); returns (env, import seconds)."""
    data = folder / "data"
    data.mkdir(parents=True)
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={data}\nuda.leader.type=string\nuda.leader.label=Leader\n" + "".join(f"{o}\n" for o in TW_RC),
        encoding="utf-8",
    )
    env = clean_env({"TASKRC": str(rc), "TASKDATA": str(data)})
    records = [
        {"description": item.text, "leader": "、".join(item.leaders), "status": "pending", "entry": "20250124T000000Z"}
        for item in items
    ]
    start = time.perf_counter()
    for n, first in enumerate(range(0, len(records), TW_CHUNK)):
        chunk = folder / f"import-{n}.json"
        chunk.write_text(json.dumps(records[first:first + TW_CHUNK], ensure_ascii=False), encoding="utf-8")
        subprocess.run([task, "import", str(chunk)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       check=True, timeout=600)
    return env, time.perf_counter() - start


def tw_count(task: str, env: dict) -> int:
    done = subprocess.run([task, f"leader:{LEADER}", "count"], env=env, capture_output=True, text=True, timeout=120)
    return int(done.stdout.strip() or 0)


# --------------------------------------------------------------------------- formatting


def fmt_s(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:.3f}"


def fmt_mb(value) -> str:
    return "—" if value is None else f"{value:.0f}"


def ratio(a, b) -> str:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0:
        return f"{a / b:.2f}"
    if isinstance(a, str) and isinstance(b, (int, float)):
        return a
    return "—"


def judge(rows: list[Row], tw: dict[str, Row], floor: Row) -> None:
    floor_s = floor.warm_median

    def num(value):
        return value if isinstance(value, (int, float)) else None

    for row in rows:
        if row.command.startswith(("task ", "floor")):
            continue
        t = tw.get(row.size)
        tw_s = num(t.warm_median) if t else None
        cold, warm = row.cold_median, row.warm_median
        checks: list[tuple[str, bool | None]] = []
        if row.size == "100" and row.command.startswith("list"):
            limit = FLOOR_FACTOR * floor_s if num(floor_s) else None
            checks.append((f"warm ≤ {FLOOR_FACTOR}×floor", num(warm) is not None and limit is not None and warm <= limit))
        if row.size == "10000" and row.command.startswith(("list", "overdue")):
            checks.append((f"warm ≤ {TW_WARM_FACTOR}×TW", None if tw_s is None else (num(warm) is not None and warm <= TW_WARM_FACTOR * tw_s)))
            checks.append((f"cold ≤ {TW_COLD_FACTOR:g}×TW", None if tw_s is None else (num(cold) is not None and cold <= TW_COLD_FACTOR * tw_s)))
        if row.command.startswith("update"):
            checks.append((f"warm ≤ {UPDATE_LIMIT} s", num(warm) is not None and warm <= UPDATE_LIMIT))
        if row.size == "10000":
            checks.append((f"≤ {PEAK_LIMIT_MB} MB", row.peak_mb is not None and row.peak_mb <= PEAK_LIMIT_MB))
        for label, ok in checks:
            row.targets.append(label)
            row.verdicts.append(ok)


def verdict(row: Row) -> str:
    if not row.targets:
        return ""
    if any(v is None for v in row.verdicts):
        return "n/a (no Taskwarrior)"
    failed = [t for t, v in zip(row.targets, row.verdicts) if not v]
    if not failed:
        return "PASS"
    return "FAIL: " + "; ".join(failed)


HEADERS = ("size", "command", "cold s", "warm s", "warm/floor", "cold/TW", "warm/TW", "peak MB", "target", "result")


def table_rows(rows: list[Row], tw: dict[str, Row], floor: Row) -> list[tuple[str, ...]]:
    out = []
    for row in rows:
        t = tw.get(row.size)
        tw_s = t.warm_median if t and not row.command.startswith(("task ", "floor")) else None
        floor_s = floor.warm_median if not row.command.startswith("floor") else None
        out.append((
            row.size, row.command, fmt_s(row.cold_median), fmt_s(row.warm_median),
            ratio(row.warm_median, floor_s), ratio(row.cold_median, tw_s), ratio(row.warm_median, tw_s),
            fmt_mb(row.peak_mb), "; ".join(row.targets) or "—", verdict(row) or "—",
        ))
    return out


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(cells: list[tuple[str, ...]]) -> str:
    widths = [max(_width(r[i]) for r in [HEADERS, *cells]) for i in range(len(HEADERS))]
    lines = []
    for n, r in enumerate([HEADERS, *cells]):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def md_table(cells: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for r in cells:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception:
            return "?"

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    os_name = "?"
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    def ver(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    commit = sh(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = sh(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "xatrack"])
    return {
        "nproc": sh(["nproc"]),
        "cpu": cpu,
        "free -h": sh(["free", "-h"]),
        "os": f"{os_name}, kernel {platform.release()}",
        "python": sys.version.split()[0] + f" ({sys.executable})",
        "deps": ", ".join(f"{n} {ver(n)}" for n in ("typer", "rich", "ruamel.yaml", "python-dateutil", "filelock", "pypinyin")),
        "xatrack": f"{ver('xatrack')} at commit {commit}" + (" + uncommitted changes in xatrack/" if dirty else ""),
    }


# --------------------------------------------------------------------------- main


def parse_args(argv):
    p = argparse.ArgumentParser(description="xatrack benchmark: xatrack vs Taskwarrior vs the import floor")
    p.add_argument("--quick", action="store_true", help="100 and 1,000 tasks only, 3 repetitions")
    p.add_argument("--sizes", help="comma-separated sizes; 100 means the real plan (default 100,1000,10000)")
    p.add_argument("--reps", type=int, help="timed repetitions (default 7 at ≤1,000 tasks, 5 above; 3 with --quick)")
    p.add_argument("--timeout", type=float, default=120, help="cap per run in seconds (default 120)")
    p.add_argument("--write-results", action="store_true", help="write bench/RESULTS.md")
    p.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help=argparse.SUPPRESS)
    p.add_argument("--profile", action="store_true", help="cProfile `list --leader 洪声耀` at 10,000 tasks (cold and warm) and stop")
    p.add_argument("--profile-size", type=int, default=10000, help=argparse.SUPPRESS)
    p.add_argument("--module", action="store_true", help="run `python -m xatrack` instead of the installed script")
    p.add_argument("--no-taskwarrior", action="store_true", help="skip Taskwarrior")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (generated trackers, caches)")
    return p.parse_args(argv)


def generate(size: str, folder: Path) -> dict:
    from generate import generate as gen

    return gen(None if size == "100" else int(size), folder)


def main(argv=None) -> int:
    args = parse_args(argv)
    sizes = (args.sizes.split(",") if args.sizes else (["100", "1000"] if args.quick else ["100", "1000", "10000"]))
    sizes = [s.strip() for s in sizes if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="xatrack-bench-"))
    started = time.time()
    try:
        if args.profile:
            return profile(args, work)
        return benchmark(args, sizes, work, started)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def reps_for(args, size: str) -> int:
    if args.reps:
        return args.reps
    if args.quick:
        return 3
    return 7 if int(size) <= 1000 else 5


def benchmark(args, sizes, work: Path, started: float) -> int:
    from xatrack.registry import parse_registry

    cmd = xatrack_cmd(args.module)
    print(f"xatrack benchmark — {datetime.now().isoformat(timespec='seconds')}, work folder {work}")
    print(f"xatrack command: {' '.join(cmd)}")
    task = None if args.no_taskwarrior else ensure_taskwarrior()
    global GNU_TIME
    GNU_TIME = ensure_gnu_time()
    info = machine()
    info["taskwarrior"] = tw_version(task)
    for key, value in info.items():
        print(f"{key}: " + value.replace("\n", "\n    "))

    rows: list[Row] = []
    tw_rows: dict[str, Row] = {}
    notes: list[str] = []
    scratch = work / "scratch"
    scratch.mkdir()

    # the floor: Python start-up plus our dependencies' imports
    floor = Row("—", 'floor: python -c "import …"')
    measure(floor, [sys.executable, "-c", FLOOR_CODE], work, clean_env({}), max(reps_for(args, "100"), 10),
            args.timeout, scratch)
    rows.append(floor)

    report_available = None
    for size in sizes:
        t0 = time.perf_counter()
        root = work / f"tracker-{size}"
        summary = generate(size, root)
        cache = work / f"cache-{size}"
        env = clean_env({"XATRACK_CACHE_DIR": str(cache), "XATRACK_TODAY": TODAY, "XATRACK_USER": "bench"})
        reps = reps_for(args, size)
        print(f"\n== {size} tasks{' (the real plan)' if size == '100' else ''}: "
              f"{summary['registry_bytes'] / 1e6:.1f} MB registry, Q2 log {summary['entries']['Q2']} entries, "
              f"logs {summary['log_bytes'] / 1e6:.1f} MB (generated in {time.perf_counter() - t0:.1f} s); {reps} runs each")

        if report_available is None:
            probe = run_once(cmd + ["report", "--help"], root, env, args.timeout, scratch / "probe.txt")
            report_available = probe.rc == 0 and probe.seconds is not None
            if not report_available:
                print("report: not available")
                notes.append("`report` is not available in this version of xatrack (`xatrack report --help` failed): not measured.")

        # what `list` returns, for the notes (untimed; fills the cache, dropped below)
        listed = subprocess.run(cmd + ["list", "--leader", LEADER, "--format", "json"], cwd=root, env=env,
                                capture_output=True, text=True, timeout=args.timeout * 2)
        try:
            n_listed = len(json.loads(listed.stdout))
        except ValueError:
            n_listed = None

        commands = [
            (f"list --leader {LEADER}", ["list", "--leader", LEADER]),
            ("overdue --quarter Q2", ["overdue", "--quarter", "Q2"]),
        ]
        if report_available:
            commands.append(("report --quarter Q2 --format md", ["report", "--quarter", "Q2", "--format", "md"]))
        upd = summary["update"]
        commands.append((f"update {upd['id']} --done {upd['done']}",
                         ["update", str(upd["id"]), "--done", str(upd["done"]), "--quarter", "Q2"]))
        for label, argv in commands:
            row = Row(size, label)
            measure(row, cmd + argv, root, env, reps, args.timeout, scratch, cold_reset=lambda: drop_cache(cache, root))
            rows.append(row)
        drop_cache(cache, root)

        if task:
            plan, _ = parse_registry((root / "tasks.yaml").read_text(encoding="utf-8"), "tasks.yaml")
            items = plan.items
            tw_env, import_s = tw_setup(task, items, work / f"tw-{size}")
            expected = sum(1 for i in items if i.leaders and i.leaders[0] == LEADER)
            got = tw_count(task, tw_env)
            row = Row(size, f"task leader:{LEADER} list")
            measure(row, [task, f"leader:{LEADER}", "list"], work, tw_env, reps, args.timeout, scratch)
            ok = "as expected" if got == expected else f"EXPECTED {expected}"
            row.note = f"{got} tasks ({ok})"
            rows.append(row)
            tw_rows[size] = row
            notes.append(
                f"{size} tasks: `xatrack list --leader {LEADER}` lists {n_listed} items (its leader filter: "
                f"{LEADER} among the item's leaders, through the directory of units.yaml); `task leader:{LEADER} list` lists {got} "
                f"(Taskwarrior's `leader:` matches the start of the attribute, imported as the leaders joined by 、, "
                f"so it finds the items whose first leader is {LEADER}; expected {expected}). "
                f"Taskwarrior import of {len(items)} items in chunks of {TW_CHUNK}: {import_s:.2f} s."
            )
        else:
            notes.append(f"{size} tasks: `xatrack list --leader {LEADER}` lists {n_listed} items.")

    judge(rows, tw_rows, floor)
    cells = table_rows(rows, tw_rows, floor)
    elapsed = time.time() - started
    print("\n" + text_table(cells))
    for note in notes:
        print(f"note: {note}")
    for row in rows:
        if row.note:
            print(f"note {row.size} {row.command}: {row.note}")
    verdicts = [v for r in rows for v in r.verdicts]
    print(f"\ntargets: {sum(1 for v in verdicts if v)} pass, {sum(1 for v in verdicts if v is False)} fail, "
          f"{sum(1 for v in verdicts if v is None)} n/a; total time {elapsed:.0f} s")

    if args.write_results:
        write_results(args, info, cells, rows, notes, cmd, elapsed)
        print(f"wrote {args.results}")
    return 0


def reproduce_command(args) -> str:
    parts = ["python bench/run.py"]
    if args.quick:
        parts.append("--quick")
    if args.sizes:
        parts.append(f"--sizes {args.sizes}")
    if args.reps:
        parts.append(f"--reps {args.reps}")
    if args.timeout != 120:
        parts.append(f"--timeout {args.timeout:g}")
    if args.module:
        parts.append("--module")
    if args.no_taskwarrior:
        parts.append("--no-taskwarrior")
    parts.append("--write-results")
    return " ".join(parts)


def write_results(args, info, cells, rows, notes, cmd, elapsed) -> None:
    when = datetime.now().astimezone().isoformat(timespec="minutes")
    lines = [
        "# 基准测试结果 / Benchmark results",
        "",
        "由 `bench/run.py --write-results` 自动生成,请勿手工编辑。",
        "Written by `bench/run.py --write-results`; do not edit by hand.",
        "",
        "## Reproduce",
        "",
        "```bash",
        "pip install -e '.[test]'",
        reproduce_command(args),
        "```",
        "",
        f"Run on {when}, {elapsed:.0f} s in all.",
        "",
        "## Machine",
        "",
    ]
    for key, value in info.items():
        if "\n" in value:
            lines += [f"- {key}:", "", "  ```", *("  " + v for v in value.splitlines()), "  ```", ""]
        else:
            lines.append(f"- {key}: {value}")
    lines += [
        "",
        "## Results",
        "",
        "Seconds are wall-clock medians of the runs (7 at 100 and 1,000 tasks, 5 at 10,000, 3 with `--quick`; "
        "the floor 10 or more). *cold*: the xatrack cache removed before each run (registry just edited); "
        "*warm*: after one untimed run. *floor*: `python -c \"" + FLOOR_CODE + "\"`. "
        "*TW*: Taskwarrior's `task leader:洪声耀 list` on the same items (it has no cache: its median is in the warm column). "
        "*peak MB*: maximum resident set size (`/usr/bin/time -f %M`) of one extra run cold and one warm, the larger. "
        "100 tasks is the shipped plan (tasks.yaml of the repository) with generated logs; "
        "1,000 and 10,000 are generated by `bench/generate.py` (seed 2025): "
        "the 7 main targets plus N tasks, four quarterly logs with at least 4 entries per item "
        "(10,000 tasks: 40,483 entries in each log). `update` appends one entry to the Q2 log each run. "
        f"xatrack is run as `{' '.join(Path(c).name if n == 0 else c for n, c in enumerate(cmd))}` "
        "with cwd = the tracker, `XATRACK_TODAY=" + TODAY + "`.",
        "",
        md_table(cells),
        "",
        "Targets (from the issue): real plan, warm `list --leader 洪声耀` ≤ 1.3 × floor; "
        "10,000 tasks, `list --leader` and `overdue --quarter Q2` warm ≤ 0.5 × TW and cold ≤ 2 × TW; "
        "`update` ≤ 0.3 s at every size (judged warm); peak memory ≤ 200 MB at 10,000 tasks.",
        "",
        "## Notes",
        "",
    ]
    lines += [f"- {n}" for n in notes]
    lines += [f"- {r.size} `{r.command}`: {r.note}" for r in rows if r.note and not r.command.startswith("task ")]
    lines.append("")
    args.results.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- profile

PROFILE_CODE = r"""
import contextlib, cProfile, io, os, pstats, sys
profiler = cProfile.Profile()
profiler.enable()
from xatrack.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
profiler.disable()
stats = pstats.Stats(profiler)
stats.sort_stats("cumulative").print_stats(15)
"""


def profile(args, work: Path) -> int:
    size = str(args.profile_size)
    root = work / f"tracker-{size}"
    t0 = time.perf_counter()
    generate(size, root)
    print(f"generated {size} tasks in {time.perf_counter() - t0:.1f} s")
    cache = work / "cache"
    env = clean_env({"XATRACK_CACHE_DIR": str(cache), "XATRACK_TODAY": TODAY, "XATRACK_USER": "bench"})
    argv = ["list", "--leader", LEADER]
    for mode in ("cold", "warm"):
        if mode == "cold":
            drop_cache(cache, root)
        print(f"\n== cProfile: xatrack {' '.join(argv)} at {size} tasks, {mode} cache — top 15 by cumulative time")
        done = subprocess.run([sys.executable, "-c", PROFILE_CODE, *argv], cwd=root, env=env,
                              capture_output=True, text=True, timeout=max(args.timeout, 600))
        # drop pstats' blank preamble lines
        print("\n".join(line for line in done.stdout.splitlines() if line.strip()))
        if done.returncode != 0:
            print(done.stderr[-2000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
