#!/usr/bin/env python3
"""Time the office's paperwork on the shipped plan against the import floor, in one run.

    python bench/paperwork.py            # 7 pairs per command
    python bench/paperwork.py -n 11

The tracker is the shipped plan with a year of generated reports (bench/generate.py
``real``), judged on 2025-07-20 (the Q2 bulletin's day). Each command runs as a
subprocess with its output written to a fresh folder or file, paired with a run of
the import floor (``python -c "import typer, rich.console, rich.table, ruamel.yaml,
dateutil.parser"``) made right after it: the ratio of each pair is taken and the
median ratio printed, so a machine that slows down slows both (issue 29's targets,
as ratios to the floor of bench/RESULTS.md, 0.090 s: 0.6 s = 6.7x, 0.5 s = 5.6x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench_run  # noqa: E402
from run import FLOOR_CODE, clean_env, xatrack_cmd  # noqa: E402

RESULTS_FLOOR = 0.090  # seconds: the floor's warm median in bench/RESULTS.md
COMMANDS = (  # (name, arguments (OUT is a fresh path), target seconds on this kind of machine)
    ("remind --format docx (every unit)", ["remind", "-q", "Q2", "--format", "docx", "-o", "OUT"], 0.6),
    ("report -o .docx", ["report", "-q", "Q2", "-o", "OUT.docx"], 0.5),
    ("sheet --all", ["sheet", "--all", "-q", "Q2", "-o", "OUT"], 0.5),
)


def timed(cmd: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode(errors='replace')[:300]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=7, help="pairs per command (default 7)")
    args = parser.parse_args()
    from generate import generate

    with tempfile.TemporaryDirectory(prefix="xatrack-paperwork-") as folder:
        root = Path(folder) / "tracker"
        generate(None, root)
        bench_run.PYCACHE = Path(folder) / "pycache"  # compiled modules for every child, as installed
        env = clean_env({"XATRACK_TODAY": "2025-07-20", "XATRACK_CACHE_DIR": str(Path(folder) / "cache")})
        xatrack = xatrack_cmd(False)
        floor = [sys.executable, "-c", FLOOR_CODE]
        print(f"{'command':36} {'median s':>9} {'floor s':>8} {'ratio':>6} {'target':>7}  result")
        failed = False
        for name, arguments, target in COMMANDS:
            ratios, seconds, floors = [], [], []
            for run in range(args.n + 1):  # the first pair primes caches and compiled modules
                out = Path(folder) / f"out{run}"
                cmd = xatrack + [a.replace("OUT", str(out)) for a in arguments]
                a = timed(cmd, root, env)
                b = timed(floor, root, env)
                shutil.rmtree(out, ignore_errors=True)
                if out.with_suffix(".docx").exists():
                    os.remove(out.with_suffix(".docx"))
                if run:
                    ratios.append(a / b)
                    seconds.append(a)
                    floors.append(b)
            ratio = statistics.median(ratios)
            limit = target / RESULTS_FLOOR
            ok = ratio <= limit
            failed = failed or not ok
            print(f"{name:36} {statistics.median(seconds):9.3f} {statistics.median(floors):8.3f} {ratio:6.2f} "
                  f"{'≤' + format(limit, '.1f'):>7}  {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
