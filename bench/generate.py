#!/usr/bin/env python3
"""Generate a synthetic tracker in xatrack's own format, for benchmarks.

    python bench/generate.py N OUTDIR [--entries-per-task 4] [--seed 2025]
    python bench/generate.py real OUTDIR        # the shipped plan, generated logs

Writes into OUTDIR (which must be empty or missing):

- ``tasks.yaml``: the real plan's info, actions and main targets (G1–G7) plus
  N synthetic tasks, written by ``xatrack.registry.dump_plan``. Each task takes
  a real task as template (action, section, text, metrics, not_goals, so the
  number of metrics per task (0–9) and their kinds follow the real plan), with
  leaders drawn from the real plan's eight names (洪声耀 among them, weighted
  as in the plan, 1–3 per task), lead and responsible units drawn from the
  real plan's unit names, and metric targets scaled at random. With ``real``
  the shipped ``tasks.yaml`` is copied byte for byte instead.
- ``units.yaml``: copied from the repository.
- ``progress/2025-Q1.yaml`` … ``2025-Q4.yaml``: append-only logs written with
  ``xatrack.store.record_line``, at least ``--entries-per-task`` entries per
  target and task per quarter (one per metric at least), dated within the
  quarter, in date order, recorded (``at``) that day by the item's first lead
  unit (each co-lead unit reports the same final figures a minute later); a mix
  of on-pace, behind and far-behind values, some with a note or a 滞后 status;
  tasks without metrics report a status and a note.

- ``.bench.json``: the summary run.py uses (counts, sizes, the task and
  value that ``update`` reports, leaders' frequencies).

Deterministic: the same arguments give the same bytes. Prints a one-line
summary (tasks, entries per log, bytes) on stdout.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from xatrack.model import CUMULATIVE, GROWTH, LEVEL, Item, Plan, Quarter, TASK  # noqa: E402
from xatrack.registry import dump_plan, parse_registry  # noqa: E402
from xatrack.store import log_header, record_line  # noqa: E402

YEAR_FALLBACK = 2025
TZ = timezone(timedelta(hours=8))
HEADER = (
    "基准测试用的合成任务清单(bench/generate.py 生成),不是官方方案。\n"
    "主要目标与行动取自随附方案;任务以随附方案的任务为模板,责任领导和单位随机抽取。"
)


def load_real_plan() -> Plan:
    text = (REPO / "tasks.yaml").read_text(encoding="utf-8")
    plan, problems = parse_registry(text, "tasks.yaml")
    errors = [p for p in problems if p.severity == "error"]
    if plan is None or errors:
        raise SystemExit(f"cannot read the shipped tasks.yaml: {errors or problems}")
    return plan


def _weighted(counter: Counter) -> tuple[list, list[int]]:
    keys = sorted(counter, key=lambda k: (-counter[k], str(k)))
    return keys, [counter[k] for k in keys]


def synthetic_plan(real: Plan, n: int, rng: random.Random) -> Plan:
    templates = list(real.tasks)
    leader_names, leader_w = _weighted(Counter(l for i in real.items for l in i.leaders))
    n_leaders, n_leaders_w = _weighted(Counter(len(i.leaders) for i in real.tasks))
    lead_names = sorted({u for i in real.items for u in i.lead})
    unit_names = sorted({u for i in real.items for u in i.lead + i.units})
    n_lead, n_lead_w = _weighted(Counter(len(i.lead) for i in real.tasks))
    n_units, n_units_w = _weighted(Counter(len(i.units) for i in real.tasks))

    def pick(names: list[str], count: int, weights: list[int] | None = None) -> tuple[str, ...]:
        chosen: list[str] = []
        while len(chosen) < min(count, len(names)):
            name = rng.choices(names, weights)[0] if weights else rng.choice(names)
            if name not in chosen:
                chosen.append(name)
        return tuple(chosen)

    tasks = []
    for number in range(1, n + 1):
        template = templates[(number - 1) % len(templates)] if n <= len(templates) else rng.choice(templates)
        metrics = tuple(replace(m, target=_scaled(m, rng)) for m in template.metrics)
        tasks.append(
            Item(
                id=str(number),
                kind=TASK,
                text=template.text,
                leaders=pick(leader_names, rng.choices(n_leaders, n_leaders_w)[0], leader_w),
                lead=pick(lead_names, rng.choices(n_lead, n_lead_w)[0]),
                units=pick(unit_names, rng.choices(n_units, n_units_w)[0]),
                metrics=metrics,
                action=template.action,
                section=template.section,
                due=template.due,
                schedule=template.schedule,
                not_goals=template.not_goals,
                source_line=None,
            )
        )
    return replace(real, tasks=tuple(tasks))


def _scaled(metric, rng: random.Random):
    if metric.kind != CUMULATIVE:
        return metric.target
    value = metric.target * rng.choice((0.5, 0.8, 1, 1, 1.2, 1.5, 2))
    return round(value) if value >= 10 else round(value, 1)


# --------------------------------------------------------------------------- logs

# (share, factor of the expected value): most on pace, some behind, some far behind.
_PACES = ((0.6, 1.05), (0.15, 0.9), (0.15, 0.6), (0.1, 1.3))
_NOTES = ("按计划推进", "已完成阶段性工作", "正在办理前期手续", "已召开专题会议", "资金已到位")
_LATE_NOTES = ("受市场影响进度放缓", "项目用地手续未办结", "资金未及时到位", "施工受天气影响")


def quarter_entries(plan: Plan, quarter: Quarter, per_task: int, rng: random.Random) -> list[dict]:
    records: list[tuple[date, datetime, int, dict]] = []
    span = (quarter.end - quarter.start).days
    for item in plan.items:
        pace = rng.choices([p[1] for p in _PACES], [p[0] for p in _PACES])[0]
        count = max(per_task, len(item.metrics))
        days = sorted(quarter.start + timedelta(days=rng.randint(0, span)) for _ in range(count))
        by = item.lead[0] if item.lead else "区政府办公室"
        finals: dict = {}  # metric (None: the status) -> (day, at, record): the item's last report of each
        for k, day in enumerate(days):
            # the k-th second keeps two entries of one item from sharing a time
            at = datetime(day.year, day.month, day.day, 8, 30, k % 60, tzinfo=TZ) + timedelta(minutes=rng.randint(0, 600))
            record: dict = {"id": int(item.id) if item.id.isdigit() else item.id}
            if item.metrics:
                metric = item.metrics[k % len(item.metrics)]
                if len(item.metrics) > 1:
                    record["metric"] = metric.name
                # later entries of the quarter come closer to the quarter's figure
                share = (k // len(item.metrics) + 1) / ((count - 1) // len(item.metrics) + 1)
                record["value"] = _value(metric, quarter.q, pace, share)
                # some reports carry a status and a note, as units do
                if k == count - 1 and pace < 0.7 and rng.random() < 0.5:
                    record["status"] = "滞后"
                    record["note"] = rng.choice(_LATE_NOTES)
                elif rng.random() < 0.15:
                    record["note"] = rng.choice(_NOTES)
            else:
                if pace >= 1:
                    status = "已完成" if quarter.q == 4 and k == count - 1 else "推进中"
                else:
                    status = "滞后" if pace < 0.7 else "推进中"
                record["status"] = status
                record["note"] = rng.choice(_NOTES)
            record["date"] = day.isoformat()
            record["by"] = by
            record["at"] = at.isoformat(timespec="seconds")
            records.append((day, at, len(records), record))
            finals[record.get("metric")] = (day, at, record)
        # Every co-lead unit reports too (each unit is judged on its own entries): the
        # same final figure of each metric (or the status), a minute after the first lead.
        for n, co_lead in enumerate(item.lead[1:], start=1):
            for day_, at_, record in finals.values():
                copy = dict(record, by=co_lead, at=(at_ + timedelta(minutes=n)).isoformat(timespec="seconds"))
                records.append((day_, at_ + timedelta(minutes=n), len(records), copy))
    records.sort(key=lambda r: (r[0], r[1], r[2]))
    return [r[3] for r in records]


def _value(metric, q: int, pace: float, share: float):
    if metric.kind == CUMULATIVE:
        expected = metric.target * q / 4
        value = expected * pace * (0.7 + 0.3 * share)
    elif metric.kind == GROWTH:
        value = metric.target + {1.05: 0.3, 1.3: 1.0, 0.9: -0.5, 0.6: -2.0}[pace]
    elif metric.kind == LEVEL:
        value = metric.target * min(pace, 1.02 if pace >= 1 else pace)
    else:
        value = metric.target
    if metric.op == "<=":
        value = metric.target * 2 - value
    value = round(value, 1)
    return int(value) if float(value).is_integer() else value


# --------------------------------------------------------------------------- main


def generate(n: int | None, out: Path, per_task: int = 4, seed: int = 2025) -> dict:
    rng = random.Random(seed)
    real = load_real_plan()
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    if n is None:
        plan = real
        shutil.copyfile(REPO / "tasks.yaml", out / "tasks.yaml")
    else:
        plan = synthetic_plan(real, n, rng)
        (out / "tasks.yaml").write_text(dump_plan(plan, header=HEADER), encoding="utf-8")
    shutil.copyfile(REPO / "units.yaml", out / "units.yaml")
    progress = out / "progress"
    progress.mkdir()
    year = plan.info.year or YEAR_FALLBACK
    counts = {}
    for q in (1, 2, 3, 4):
        quarter = Quarter(year, q)
        records = quarter_entries(plan, quarter, per_task, rng)
        text = log_header(quarter) + "".join(record_line(r) for r in records)
        (progress / f"{year}-Q{q}.yaml").write_text(text, encoding="utf-8")
        counts[f"Q{q}"] = len(records)
    # what run.py reports with `update`: a task with a single cumulative metric
    target = next(i for i in plan.tasks if len(i.metrics) == 1 and i.metrics[0].kind == CUMULATIVE)
    done = target.metrics[0].target / 2
    summary = {
        "tasks": len(plan.tasks),
        "targets": len(plan.targets),
        "entries": counts,
        "registry_bytes": (out / "tasks.yaml").stat().st_size,
        "log_bytes": sum(p.stat().st_size for p in progress.iterdir()),
        "update": {"id": target.id, "done": int(done) if float(done).is_integer() else round(done, 1)},
        "leaders": dict(Counter(l for i in plan.items for l in i.leaders).most_common()),
    }
    (out / ".bench.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", help="number of synthetic tasks, or 'real' for the shipped plan")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--entries-per-task", type=int, default=4, help="entries per task per quarter (default 4)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    n = None if args.n == "real" else int(args.n)
    if n is not None and n < 1:
        parser.error("N must be at least 1")
    summary = generate(n, args.outdir, args.entries_per_task, args.seed)
    print(json.dumps({k: v for k, v in summary.items() if k != "leaders"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
