#!/usr/bin/env python3
"""Time xatrack against Taskwarrior and the import floor, in one run.

    python bench/run.py                      # 100 (real plan), 1,000, 10,000 tasks
    python bench/run.py --quick              # 100 and 1,000 only, 3 repetitions
    python bench/run.py --write-results      # also write bench/RESULTS.md
    python bench/run.py --profile            # only: cProfile of `list --leader 洪声耀` at 10,000 tasks
    python bench/run.py --write-results --profile   # full run, the profile as a section of RESULTS.md

Every measured command is a subprocess with cwd = a generated tracker in a
temporary folder (bench/generate.py; the repository's progress/ is never
touched), stdin closed and stdout a pipe that this script drains (as in
``xatrack list | less``). "cold" removes the xatrack cache
($XATRACK_CACHE_DIR, one temporary folder per size) before each timed run,
as after an edit of the registry, and touches nothing else; "warm" makes one
untimed run first and keeps the cache. Times are wall-clock medians
(time.perf_counter around the child). Peak memory is the maximum resident set
size reported by GNU time (``/usr/bin/time -f %M``, Debian package ``time``,
installed if missing) on one extra run per mode (cold and warm), the larger
of the two. (Not wait4()'s ru_maxrss of the child: Linux carries this
script's RSS at fork/exec into the child's high-water mark, so every child
would look at least as big as this script — 300 MB here once it has read a
10,000-task plan.) Each run is capped at --timeout seconds and recorded as
TIMEOUT past it.
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
TODAY = "2025-07-20"  # after the Q2 deadline, in its report window: `list` and `update` default to Q2 and nothing is 待报送
FLOOR_CODE = "import typer, rich.console, rich.table, ruamel.yaml, dateutil.parser"
TW_CHUNK = 1000
TW_RC = ("confirmation=off", "verbose=nothing", "hooks=off", "gc=off",
         # output independent of the terminal: no size detection, fixed width, no colour
         "detection=off", "defaultwidth=120", "defaultheight=0", "color=off")

# Targets of issue 18 ("10,000 items: faster than Taskwarrior"), judged in ``judge``:
FLOOR_FACTOR = 1.1  # the shipped plan: list and overdue warm ≤ 1.1 × the import floor
UPDATE_FLOOR_FACTOR = 1.3  # update warm ≤ 1.3 × the floor, at every size
TW_WARM_FACTOR = {"list": 0.7, "overdue": 1.0}  # 10,000 tasks, warm, × Taskwarrior's leader.has list
TW_COLD_FACTOR = 2.0  # 10,000 tasks, registry just edited, × Taskwarrior
PEAK_LIMIT_MB = 150  # 10,000 tasks, any mode


@dataclass
class Run:
    seconds: float | None  # None: timed out
    rc: int
    peak_kb: int
    err: str = ""
    out: bytes = b""
    cpu: float | None = None  # user + system seconds of the child (wait4), less sensitive to other load


@dataclass
class Row:
    size: str
    command: str
    cold: list[Run] = field(default_factory=list)
    edited: list[Run] = field(default_factory=list)  # registry just edited (one task), caches kept
    warm: list[Run] = field(default_factory=list)
    mem: list[Run] = field(default_factory=list)  # untimed runs under GNU time
    # reference runs ("floor", "tw") made right after each timed run, by mode: {"floor": {"warm": [...]}}
    refs: dict[str, dict[str, list[Run]]] = field(default_factory=dict)
    note: str = ""
    targets: list[str] = field(default_factory=list)
    verdicts: list[bool | None] = field(default_factory=list)

    @staticmethod
    def _median(runs: list[Run]) -> float | str | None:
        if not runs:
            return None
        if any(r.seconds is None for r in runs):
            return "TIMEOUT"
        if any(r.rc != 0 for r in runs):
            return "ERROR"
        return statistics.median(r.seconds for r in runs)

    def cpu_median(self, runs: list[Run]) -> float | None:
        cpus = [r.cpu for r in runs if r.cpu is not None and r.seconds is not None and r.rc == 0]
        return statistics.median(cpus) if cpus and len(cpus) == len(runs) else None

    def ref_median(self, name: str, mode: str):
        return self._median(self.refs.get(name, {}).get(mode, []))

    @property
    def cold_median(self):
        return self._median(self.cold)

    @property
    def warm_median(self):
        return self._median(self.warm)

    @property
    def edited_median(self):
        return self._median(self.edited)

    @property
    def peak_mb(self) -> float | None:
        peaks = [r.peak_kb for r in self.mem if r.peak_kb]
        if any(r.seconds is None for r in self.cold + self.edited + self.warm + self.mem):
            return None
        return max(peaks) / 1024 if peaks else None


# --------------------------------------------------------------------------- running


def run_once(cmd: list[str], cwd: Path, env: dict, timeout: float, scratch: Path, memory: bool = False) -> Run:
    """Run ``cmd`` with stdout to a pipe: wall time, exit code, output; killed past ``timeout``.

    With ``memory`` the command runs under GNU time (``-f %M``) and ``peak_kb``
    is its maximum resident set size. Timed runs are not wrapped (GNU time's
    own fork and exec would be timed too), so memory is measured on separate
    runs.
    """
    mem_file = scratch / "mem.txt"
    err_file = scratch / "err.txt"
    if memory and GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", str(mem_file), *cmd]
    killed = threading.Event()
    with open(err_file, "wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=stderr, start_new_session=True)

        def kill():
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            out = proc.stdout.read()  # until EOF: the child (and its children) closed the pipe
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
        proc.stdout.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
    err = ""
    if proc.returncode != 0 and not killed.is_set():
        err = err_file.read_text(encoding="utf-8", errors="replace")[-500:] or f"exit code {proc.returncode}"
    peak = 0
    if memory:
        if GNU_TIME:
            try:
                peak = int(mem_file.read_text().strip().splitlines()[-1])
            except (OSError, ValueError, IndexError):
                peak = 0
        else:
            peak = usage.ru_maxrss  # an upper bound: includes this script's RSS at fork
    cpu = usage.ru_utime + usage.ru_stime
    return Run(None if killed.is_set() else elapsed, proc.returncode, peak, err, out, cpu)


GNU_TIME: str | None = None


def xatrack_cmd(use_module: bool) -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "xatrack"
    if not use_module and script.is_file():
        # the installed console script, run by this interpreter (not through a
        # version manager's shell shim, whose own start-up would be measured)
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "xatrack"]


PYCACHE: Path | None = None  # set by main(): the children's bytecode cache, in the work folder


def clean_env(extra: dict) -> dict:
    """The children's environment: no XATRACK_*/TASK* settings of the caller, fixed width and encoding.

    Bytecode is written (PYTHONDONTWRITEBYTECODE dropped) but to a private
    PYTHONPYCACHEPREFIX in the work folder, so every Python child (xatrack
    and the floor alike) loads compiled modules after the priming runs, as an
    installed program does, and nothing is written into the repository.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XATRACK_", "PYTHON")) and k not in ("TASKRC", "TASKDATA")}
    env.update({"COLUMNS": "120", "LC_ALL": env.get("LC_ALL", "C.UTF-8"), "PYTHONIOENCODING": "utf-8"})
    if PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


class RegistryEdit:
    """"Registry just edited": each call changes one task's text (the last
    task's text ends in a new number each time: 1, 2, 3 …), as an office
    fixing a typo would; the caches stay, so what is measured is re-reading an
    edited registry. Each edit gives bytes never seen before: an edit undone
    (the registry back as it was) would find its old index and measure nothing."""

    def __init__(self, path: Path):
        self.path = path
        self.count = 0

    def __call__(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        head, sep, line = text.rpartition("\n    text: ")
        body, nl, rest = line.partition("\n")
        if self.count:
            body = body[: -len(str(self.count))]
        self.count += 1
        self.path.write_text(head + sep + body + str(self.count) + nl + rest, encoding="utf-8")


def drop_cache(cache: Path) -> None:
    """Cold: the parse cache gone, as after an edit of the registry. Nothing else is touched."""
    shutil.rmtree(cache, ignore_errors=True)


def measure(row: Row, cmd, cwd, env, reps, timeout, scratch, cold_reset=None, refs=None, say=print,
            edit=None) -> None:
    """Cold runs (``cold_reset`` before each), edited runs (``edit`` before
    each: the registry changed, caches kept), then one untimed run and warm runs.

    ``refs`` ({name: (cmd, cwd, env, sink)}): reference commands run once right
    after each timed run, so that a ratio compares runs made under the same
    load of the machine; each reference run is also appended to ``sink``.
    Peak memory comes from one more run in each mode, under GNU time.
    """

    def series(runs: list[Run], before, mode: str) -> None:
        for _ in range(reps):
            if before:
                before()
            run = run_once(cmd, cwd, env, timeout, scratch)
            runs.append(run)
            if run.seconds is None or run.rc != 0:
                return  # one TIMEOUT or ERROR decides the median; don't spend more time
            for name, (ref_cmd, ref_cwd, ref_env, sink) in (refs or {}).items():
                ref = run_once(ref_cmd, ref_cwd, ref_env, timeout, scratch)
                row.refs.setdefault(name, {}).setdefault(mode, []).append(ref)
                if sink is not None:
                    sink.append(ref)
        if mode == "edited":
            return  # its peak is between cold's and warm's
        if before:
            before()
        row.mem.append(run_once(cmd, cwd, env, timeout, scratch, memory=True))

    if cold_reset is not None:
        series(row.cold, cold_reset, "cold")
    if edit is not None:
        run_once(cmd, cwd, env, timeout, scratch)  # caches filled: only the edit is new
        series(row.edited, edit, "edited")
    warmup = run_once(cmd, cwd, env, timeout, scratch)
    if warmup.seconds is None or warmup.rc != 0:
        row.warm.append(warmup)
    else:
        series(row.warm, None, "warm")
    for run in row.cold + row.edited + row.warm + row.mem:
        if run.err:
            row.note = (row.note + " " if row.note else "") + "error: " + run.err.strip().splitlines()[-1]
            break
    say(f"  {row.size:>6} {row.command:<34} cold {fmt_s(row.cold_median):>8}  edited {fmt_s(row.edited_median):>8}  "
        f"warm {fmt_s(row.warm_median):>8}  "
        f"peak {fmt_mb(row.peak_mb):>4} MB  cpu cold {fmt_s(row.cpu_median(row.cold)):>6} warm {fmt_s(row.cpu_median(row.warm)):>6}"
        + (f"  ({row.note})" if row.note else ""), flush=True)


# --------------------------------------------------------------------------- taskwarrior


def _apt_install(package: str, say=print) -> bool:
    """``apt-get install -y package`` (once more after ``apt-get update`` if it fails)."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in range(2):
        try:
            if attempt:
                subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=600)
            done = subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as error:
            say(f"  cannot run apt-get: {error}")
            return False
        if done.returncode == 0:
            return True
        say(f"  apt-get install {package} failed: {done.stderr.strip().splitlines()[-1:] or '?'}")
    return False


def ensure_gnu_time(say=print) -> str | None:
    found = Path("/usr/bin/time")
    if found.is_file():
        return str(found)
    say("GNU time is not installed: apt-get install -y time")
    if _apt_install("time", say) and found.is_file():
        return str(found)
    say("  could not install GNU time: peak memory from wait4() is an upper bound (includes this script's RSS)")
    return None


def ensure_taskwarrior(say=print) -> str | None:
    task = shutil.which("task")
    if task:
        return task
    say("taskwarrior is not installed: apt-get install -y taskwarrior")
    if _apt_install("taskwarrior", say) and shutil.which("task"):
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
    """A Taskwarrior database of ``items`` (leader UDA); returns (env, import seconds).

    Each item becomes a pending task: description = its text, leader = its
    leaders joined by 、 (as the official text writes them), project = its action.
    """
    data = folder / "data"
    data.mkdir(parents=True)
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={data}\nuda.leader.type=string\nuda.leader.label=Leader\n" + "".join(f"{o}\n" for o in TW_RC),
        encoding="utf-8",
    )
    env = clean_env({"TASKRC": str(rc), "TASKDATA": str(data)})
    records = []
    for item in items:
        record = {"description": item.text, "status": "pending", "entry": "20250124T000000Z",
                  "project": f"action{item.action}" if item.action else "goals"}
        if item.leaders:
            record["leader"] = "、".join(item.leaders)
        records.append(record)
    start = time.perf_counter()
    for n, first in enumerate(range(0, len(records), TW_CHUNK)):
        chunk = folder / f"import-{n}.json"
        chunk.write_text(json.dumps(records[first:first + TW_CHUNK], ensure_ascii=False), encoding="utf-8")
        subprocess.run([task, "import", str(chunk)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       check=True, timeout=600)
    return env, time.perf_counter() - start


def tw_count(task: str, env: dict, *filters: str) -> int | None:
    done = subprocess.run([task, *filters, "count"], env=env, capture_output=True, text=True, timeout=120)
    try:
        return int(done.stdout.strip())
    except ValueError:
        return None


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
    """The issue's targets; ratios use the same references as the table (see ``references``)."""

    def num(value):
        return value if isinstance(value, (int, float)) else None

    for row in rows:
        if row.command.startswith(("task ", "floor")):
            continue
        floor_s, tw_cold, tw_warm = (num(v) for v in references(row, tw, floor))
        cold, warm = num(row.cold_median), num(row.warm_median)
        checks: list[tuple[str, bool | None]] = []
        if row.size == "100" and row.command.startswith(("list", "overdue")):
            checks.append((f"warm ≤ {FLOOR_FACTOR}×floor", warm is not None and floor_s is not None
                           and warm <= FLOOR_FACTOR * floor_s))
        if row.size == "10000" and row.command.startswith(("list", "overdue")):
            factor = TW_WARM_FACTOR[row.command.split()[0]]
            checks.append((f"warm ≤ {factor:g}×TW",
                           None if tw_warm is None else (warm is not None and warm <= factor * tw_warm)))
            edited = num(row.edited_median)
            checks.append((f"edited ≤ {TW_COLD_FACTOR:g}×TW",
                           None if tw_cold is None else (edited is not None and edited <= TW_COLD_FACTOR * tw_cold)))
        if row.command.startswith("update"):
            checks.append((f"warm ≤ {UPDATE_FLOOR_FACTOR}×floor", warm is not None and floor_s is not None
                           and warm <= UPDATE_FLOOR_FACTOR * floor_s))
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


HEADERS = ("size", "command", "cold s", "edited s", "warm s", "warm/floor", "edited/TW", "warm/TW", "peak MB", "target",
           "result")


def references(row: Row, tw: dict[str, Row], floor: Row) -> tuple:
    """(floor for warm, TW for cold, TW for warm): the interleaved reference runs' medians when there
    are any, else the reference rows' own medians."""
    if row.command.startswith("floor"):
        return None, None, None
    if row.command.startswith("task "):
        return floor.warm_median, None, None
    t = tw.get(row.size)
    tw_s = t.warm_median if t else None
    return (row.ref_median("floor", "warm") or floor.warm_median,
            row.ref_median("tw", "edited") or tw_s,
            row.ref_median("tw", "warm") or tw_s)


def table_rows(rows: list[Row], tw: dict[str, Row], floor: Row) -> list[tuple[str, ...]]:
    out = []
    for row in rows:
        floor_s, tw_cold, tw_warm = references(row, tw, floor)
        out.append((
            row.size, row.command, fmt_s(row.cold_median), fmt_s(row.edited_median), fmt_s(row.warm_median),
            ratio(row.warm_median, floor_s), ratio(row.edited_median, tw_cold), ratio(row.warm_median, tw_warm),
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
    dirty = sh(["git", "-C", str(REPO), "status", "--porcelain", "--", "xatrack"])
    return {
        "nproc": sh(["nproc"]),
        "cpu": cpu,
        "free -h": sh(["free", "-h"]),
        "os": f"{os_name}, kernel {platform.release()}",
        "python": sys.version.split()[0] + f" ({sys.executable})",
        "deps": ", ".join(f"{n} {ver(n)}" for n in ("typer", "rich", "ruamel.yaml", "python-dateutil", "filelock", "pypinyin")),
        "xatrack": f"{ver('xatrack')} at commit {commit}" + (" + uncommitted changes in xatrack/" if dirty else ""),
    }


def load_average() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


# --------------------------------------------------------------------------- main


def parse_args(argv):
    p = argparse.ArgumentParser(description="xatrack benchmark: xatrack vs Taskwarrior vs the import floor")
    p.add_argument("--quick", action="store_true", help="100 and 1,000 tasks only, 3 repetitions")
    p.add_argument("--sizes", help="comma-separated sizes; 100 means the real plan (default 100,1000,10000)")
    p.add_argument("--reps", type=int, help="timed repetitions (default 7 at ≤1,000 tasks, 5 above; 3 with --quick)")
    p.add_argument("--timeout", type=float, default=120, help="cap per run in seconds (default 120)")
    p.add_argument("--write-results", action="store_true", help="write bench/RESULTS.md")
    p.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help=argparse.SUPPRESS)
    p.add_argument("--profile", action="store_true",
                   help="cProfile `list --leader 洪声耀` at 10,000 tasks (cold and warm); alone it only profiles, "
                        "with --write-results the profile follows the benchmark and goes into RESULTS.md")
    p.add_argument("--profile-size", type=int, default=10000, help=argparse.SUPPRESS)
    p.add_argument("--check-up-to", type=int, default=10000, help=argparse.SUPPRESS)
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
    for size in sizes:
        if not size.isdigit() or int(size) < 1:
            raise SystemExit(f"bad size {size!r}: a number of tasks (100 means the real plan)")
    work = Path(tempfile.mkdtemp(prefix="xatrack-bench-"))
    global PYCACHE
    PYCACHE = work / "pycache"
    started = time.time()
    try:
        if args.profile and not args.write_results:
            print(profile(args, work))
            return 0
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


def _listed(cmd, root, env, timeout) -> int:
    """How many items `xatrack list --leader` returns (JSON output; untimed).

    Also the preflight: if xatrack cannot list (a broken working tree, say),
    stop here rather than time a column of errors.
    """
    done = subprocess.run(cmd + ["list", "--leader", LEADER, "--format", "json"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout * 2)
    try:
        return len(json.loads(done.stdout))
    except ValueError:
        raise SystemExit(f"xatrack list --leader {LEADER} --format json failed in {root} (exit {done.returncode}); "
                         f"nothing measured:\n{done.stderr[-2000:]}") from None


def benchmark(args, sizes, work: Path, started: float) -> int:
    from xatrack.registry import parse_registry  # in this process: no cache is written

    cmd = xatrack_cmd(args.module)
    print(f"xatrack benchmark — {datetime.now().isoformat(timespec='seconds')}, work folder {work}")
    print(f"xatrack command: {' '.join(cmd)}")
    task = None if args.no_taskwarrior else ensure_taskwarrior()
    global GNU_TIME
    GNU_TIME = ensure_gnu_time()
    info = machine()
    info["taskwarrior"] = tw_version(task)
    info["load average"] = "at start " + load_average()
    for key, value in info.items():
        print(f"{key}: " + value.replace("\n", "\n    "))

    rows: list[Row] = []
    tw_rows: dict[str, Row] = {}
    notes: list[str] = []
    summaries: dict[str, dict] = {}
    scratch = work / "scratch"
    scratch.mkdir()

    # the floor: Python start-up plus our dependencies' imports
    floor = Row("—", 'floor: python -c "import …"')
    floor_cmd = [sys.executable, "-c", FLOOR_CODE]
    run_once(floor_cmd, work, clean_env({}), args.timeout, scratch)  # compile once
    measure(floor, floor_cmd, work, clean_env({}), max(reps_for(args, "100"), 10),
            args.timeout, scratch)
    rows.append(floor)

    report_available = None
    for size in sizes:
        t0 = time.perf_counter()
        root = work / f"tracker-{size}"
        summary = summaries[size] = generate(size, root)
        cache = work / f"cache-{size}"
        env = clean_env({"XATRACK_CACHE_DIR": str(cache), "XATRACK_TODAY": TODAY, "XATRACK_USER": "bench"})
        reps = reps_for(args, size)
        print(f"\n== {size} tasks{' (the real plan)' if size == '100' else ''}: "
              f"{summary['registry_bytes'] / 1e6:.1f} MB registry, Q2 log {summary['entries']['Q2']} entries, "
              f"logs {summary['log_bytes'] / 1e6:.1f} MB (generated in {time.perf_counter() - t0:.1f} s); {reps} runs each",
              flush=True)

        n_listed = _listed(cmd, root, env, args.timeout)
        if report_available is None:
            probe = run_once(cmd + ["report", "--help"], root, env, args.timeout, scratch)
            report_available = probe.rc == 0 and probe.seconds is not None
            if not report_available:
                print("  report: not available (`xatrack report --help` failed)")
                notes.append("`report` is not available in this version of xatrack (`xatrack report --help` failed): not measured.")

        plan, _ = parse_registry((root / "tasks.yaml").read_text(encoding="utf-8"), "tasks.yaml")
        items = plan.items
        among = sum(1 for i in items if LEADER in i.leaders)
        first = sum(1 for i in items if i.leaders and i.leaders[0] == LEADER)

        commands = [
            (f"list --leader {LEADER}", ["list", "--leader", LEADER]),
            ("overdue --quarter Q2", ["overdue", "--quarter", "Q2"]),
        ]
        if report_available:
            commands.append(("report --quarter Q2 --format md", ["report", "--quarter", "Q2", "--format", "md"]))
        upd = summary["update"]
        commands.append((f"update {upd['id']} --done {upd['done']}",
                         ["update", str(upd["id"]), "--done", str(upd["done"]), "--quarter", "Q2"]))
        q2_log = root / "progress" / "2025-Q2.yaml"
        if size == sizes[0]:
            # priming, untimed: every module these commands import gets compiled once
            for _, argv in commands[:-1] + [("check", ["check"])]:
                drop_cache(cache)
                run_once(cmd + argv, root, env, args.timeout * 2, scratch)
        # the generated tracker must be valid: `xatrack check`, cold, timed once
        if int(size) <= args.check_up_to:
            drop_cache(cache)
            check = run_once(cmd + ["check"], root, env, args.timeout * 2, scratch)
            check_text = check.out.decode("utf-8", "replace").strip().splitlines()
            check_note = (f"`xatrack check` on the generated tracker: exit {check.rc} in {fmt_s(check.seconds)} s cold "
                          f"({check_text[-1] if check_text else (check.err.strip().splitlines() or ['no output'])[-1]})")
            if check.seconds is None or check.rc != 0:
                notes.append(f"{size} tasks: WARNING {check_note}")
        else:
            check_note = (f"`xatrack check` not run above {args.check_up_to:,} tasks ("
                          "the generator's output is checked at 1,000 and in tests/test_bench_generate.py)")
        print("  " + check_note, flush=True)
        if size == sizes[0]:
            drop_cache(cache)
            run_once(cmd + commands[-1][1], root, env, args.timeout * 2, scratch)  # priming `update` too

        listing = (f"`xatrack list --leader {LEADER}` lists {n_listed} items ({among} of the {len(items)} items "
                   f"name {LEADER} among their leaders)")
        refs = {"floor": (floor_cmd, work, clean_env({}), floor.warm)}
        if task:
            tw_env, import_s = tw_setup(task, items, work / f"tw-{size}")
            got = tw_count(task, tw_env, f"leader:{LEADER}")
            has = tw_count(task, tw_env, f"leader.has:{LEADER}")
            tw_cmd = [task, f"leader.has:{LEADER}", "list"]
            row = Row(size, f"task leader.has:{LEADER} list")
            measure(row, tw_cmd, work, tw_env, reps, args.timeout, scratch)
            rows_tw = row
            tw_rows[size] = row
            refs["tw"] = (tw_cmd, work, tw_env, None)
            notes.append(
                f"{size} tasks: {listing}; `task leader.has:{LEADER} list` lists {has}"
                f"{'' if has == n_listed else ' — MISMATCH'} (the same rows; `leader:{LEADER}` would list {got}: "
                f"on a string attribute it matches the start, and the attribute is the leaders joined by 、, "
                f"so it finds only the items whose first leader is {LEADER}: {first}). "
                f"Taskwarrior import of {len(items):,} items in chunks of {TW_CHUNK}: {import_s:.2f} s. {check_note}."
            )
        else:
            rows_tw = None
            notes.append(f"{size} tasks: {listing}. {check_note}.")

        q2_before = sum(1 for line in q2_log.read_text(encoding="utf-8").splitlines() if line.startswith("- "))
        for label, argv in commands:
            row = Row(size, label)
            measure(row, cmd + argv, root, env, reps, args.timeout, scratch, cold_reset=lambda: drop_cache(cache),
                    refs=refs, edit=RegistryEdit(root / "tasks.yaml"))
            rows.append(row)
        drop_cache(cache)
        q2_after = sum(1 for line in q2_log.read_text(encoding="utf-8").splitlines() if line.startswith("- "))
        upd_row = rows[-1]
        upd_row.note = (f"the Q2 log held {q2_before:,} entries before the first run and {q2_after:,} after the last "
                        f"({q2_after - q2_before} appended)" + (f"; {upd_row.note}" if upd_row.note else ""))
        if rows_tw is not None:
            rows.append(rows_tw)

    profile_text = None
    if args.profile:
        print(f"\n== profile at {args.profile_size} tasks", flush=True)
        existing = work / f"tracker-{args.profile_size}"
        profile_text = profile(args, work, existing if existing.is_dir() else None)
        print(profile_text)

    info["load average"] += ", at end " + load_average() + (
        " (1, 5, 15 min; other processes on the machine during the run slow every command, the floor too)")
    print(f"floor: median {fmt_s(floor.warm_median)} s over {len(floor.warm)} runs spread over the whole run "
          f"(min {min(r.seconds for r in floor.warm if r.seconds is not None):.3f} s)")
    judge(rows, tw_rows, floor)
    cells = table_rows(rows, tw_rows, floor)
    elapsed = time.time() - started
    print("\n" + text_table(cells))
    for note in notes:
        print(f"note: {note}")
    for row in rows:
        if row.note and not row.command.startswith("task "):
            print(f"note {row.size} {row.command}: {row.note}")
    verdicts = [v for r in rows for v in r.verdicts]
    print(f"\ntargets: {sum(1 for v in verdicts if v)} pass, {sum(1 for v in verdicts if v is False)} fail, "
          f"{sum(1 for v in verdicts if v is None)} n/a; total time {elapsed:.0f} s")

    if args.write_results:
        write_results(args, info, cells, rows, notes, cmd, elapsed, summaries, profile_text, floor)
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
    if args.profile:
        parts.append("--profile")
    return " ".join(parts)


def write_results(args, info, cells, rows, notes, cmd, elapsed, summaries, profile_text, floor) -> None:
    when = datetime.now().astimezone().isoformat(timespec="minutes")
    if args.reps:
        reps = f"{args.reps} of each"
    elif args.quick:
        reps = "3 with `--quick`"
    else:
        reps = "7 at 100 and 1,000 tasks, 5 at 10,000"
    def per_quarter(counts: dict) -> str:
        low, high = min(counts.values()), max(counts.values())
        return f"{low:,} entries in each quarter's log" if low == high else f"{low:,}–{high:,} entries per quarter's log"

    sizes = "; ".join(
        f"{int(size):,} tasks: {per_quarter(s['entries'])}, registry {s['registry_bytes'] / 1e6:.1f} MB"
        for size, s in summaries.items()
    )
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
        f"Seconds are wall-clock medians of the runs ({reps}), output to a pipe. "
        "Ratios compare runs made under the same load: after each timed xatrack run the floor and Taskwarrior "
        "are run once, and warm/floor, edited/TW and warm/TW divide by the medians of those interleaved runs "
        f"(the floor row is the median of all {len(floor.warm)} floor runs, the TW rows of their own runs). "
        "*cold*: the xatrack cache removed before each run (a first run on a new machine, or after an upgrade); "
        "*edited*: the registry just edited (one task's text changed before each run: `RegistryEdit`), "
        "the caches kept, as after an office fixes a typo in tasks.yaml: the issue's \"cold (registry just edited)\"; "
        "*warm*: after one untimed run. *floor*: `python -c \"" + FLOOR_CODE + "\"`. "
        f"*TW*: Taskwarrior's `task leader.has:{LEADER} list` on the same items (the same rows as xatrack) (it has no cache: its median is in the warm column). "
        "*peak MB*: maximum resident set size (`/usr/bin/time -f %M`) of one extra run cold and one warm, the larger. "
        "100 tasks is the shipped plan (tasks.yaml of the repository) with generated logs; "
        "other sizes are generated by `bench/generate.py` (seed 2025): "
        "the 7 main targets plus N tasks, four quarterly logs with at least 4 entries per item "
        f"({sizes}). `update` appends one entry to the Q2 log each run (cold and warm). "
        f"xatrack is run as `{' '.join(Path(c).name if n == 0 else c for n, c in enumerate(cmd))}` "
        "with cwd = the tracker, `XATRACK_TODAY=" + TODAY + "`.",
        "",
        md_table(cells),
        "",
        f"Targets (issue 18): the shipped plan, warm `list --leader {LEADER}` and `overdue` ≤ {FLOOR_FACTOR} × floor; "
        f"10,000 tasks, warm `list --leader` ≤ {TW_WARM_FACTOR['list']} × TW and `overdue --quarter Q2` "
        f"≤ {TW_WARM_FACTOR['overdue']} × TW, both with the registry just edited (the *edited* column) "
        f"≤ {TW_COLD_FACTOR:g} × TW; `update` ≤ {UPDATE_FLOOR_FACTOR} × floor at every size (judged warm); "
        f"peak memory ≤ {PEAK_LIMIT_MB} MB at 10,000 tasks.",
        "",
        "## Notes",
        "",
    ]
    lines += [f"- {n}" for n in notes]
    lines += [f"- {r.size} `{r.command}`: {r.note}" for r in rows if r.note and not r.command.startswith("task ")]
    cpu = "; ".join(
        f"{r.size} {r.command.split(' --')[0].split(' ')[0] if not r.command.startswith('floor') else 'floor'} "
        + "/".join(fmt_s(r.cpu_median(runs)) for runs in ((r.cold, r.warm) if r.cold else (r.warm,)))
        for r in rows
    )
    lines.append("- CPU seconds (user + system of the child from wait4, medians, cold/warm), "
                 f"which other load on the machine disturbs less than wall-clock time: {cpu}.")
    if profile_text:
        lines += ["", "## Profile", "", "```", *profile_text.splitlines(), "```"]
    lines.append("")
    args.results.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- profile

PROFILE_CODE = r"""
import contextlib, cProfile, io, os, pstats, sys
sort, count = sys.argv[1], int(sys.argv[2])
profiler = cProfile.Profile()
profiler.enable()
from xatrack.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[3:])
    except SystemExit:
        pass
profiler.disable()
for key in sort.split(","):
    print(f"-- sorted by {key}")
    pstats.Stats(profiler).sort_stats(key).print_stats(count)
"""


def profile(args, work: Path, root: Path | None = None) -> str:
    """cProfile of `list --leader` (imports included), cold then warm; the text of the top functions."""
    size = str(args.profile_size)
    out: list[str] = []
    if root is None:
        root = work / f"tracker-{size}"
        t0 = time.perf_counter()
        generate(size, root)
        out.append(f"generated {size} tasks in {time.perf_counter() - t0:.1f} s")
    cache = work / "cache-profile"
    env = clean_env({"XATRACK_CACHE_DIR": str(cache), "XATRACK_TODAY": TODAY, "XATRACK_USER": "bench"})
    argv = ["list", "--leader", LEADER]
    base = xatrack_cmd(args.module)
    # priming, untimed: compiles the modules (the children's bytecode goes to PYTHONPYCACHEPREFIX)
    subprocess.run(base + argv, cwd=root, env=env, capture_output=True, timeout=max(args.timeout, 600))
    for mode, sort, count in (("cold", "cumulative", 20), ("warm", "cumulative,tottime", 25)):
        if mode == "cold":
            drop_cache(cache)
        else:
            subprocess.run(base + argv, cwd=root, env=env, capture_output=True, timeout=max(args.timeout, 600))
        out.append(f"\n== cProfile: xatrack {' '.join(argv)} at {int(size):,} tasks, {mode} cache "
                   f"(in-process, imports included) — top {count} by {sort.replace(',', ', then by ')}")
        done = subprocess.run([sys.executable, "-c", PROFILE_CODE, sort, str(count), *argv], cwd=root, env=env,
                              capture_output=True, text=True, timeout=max(args.timeout, 600))
        text = "\n".join(line.rstrip() for line in done.stdout.splitlines() if line.strip())
        for prefix in (str(REPO), sysconfig.get_path("purelib"), sysconfig.get_path("stdlib")):
            text = text.replace(prefix + "/", "")
        out.append(text)
        if done.returncode != 0:
            out.append(done.stderr[-2000:])
    return "\n".join(out).strip("\n")


if __name__ == "__main__":
    sys.exit(main())
