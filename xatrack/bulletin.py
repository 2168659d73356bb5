"""Published bulletins (bulletins/2025-Q2.json): what a circulated 通报 said.

Once a bulletin is issued it is a public document: ``record`` turns a
Report into the JSON kept in ``bulletins/`` (evaluated items, figures,
statuses, counts, ranking, 催办, the filters and the time of publication),
so that late figures can never silently rewrite it, the next quarter's
comparison is made with what was circulated, and `report --as-of <time>`
reproduces it. Pure apart from ``publish`` / ``load_published`` (through
the store's atomic writer).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xatrack.errors import DataError, InputError, Problem
from xatrack.model import STATES, Quarter
from xatrack.schedule import parse_date
from xatrack.store import write_atomic

FOLDER = "bulletins"
FORMAT = "xatrack-bulletin"
VERSION = 1


def file_name(quarter: Quarter) -> str:
    return f"{quarter.year}-Q{quarter.q}.json"


def _number(value):
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else round(value, 6)


def record(report, published_at: datetime, issue: str = "") -> dict[str, Any]:
    """The bulletin as kept in bulletins/ (JSON-able, deterministic); ``issue``: its 期号."""
    items = []
    for status in report.statuses:
        items.append(
            {
                "id": status.item.id,
                "state": status.state,
                "reason": status.reason,
                "late": status.late,
                "metrics": [
                    {
                        "name": ms.metric.name,
                        "unit": ms.metric.unit,
                        "expected": _number(ms.expected),
                        "value": _number(ms.value),
                        "state": ms.state,
                        "late": ms.late,
                    }
                    for ms in status.metrics
                ],
                "reported_status": status.reported_status,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": report.title,
        "plan_title": report.plan_title,
        "quarter": f"{report.quarter.year}-Q{report.quarter.q}",
        "scope": list(report.scope),
        "published_at": published_at.isoformat(),
        "issue": issue,
        "counts": {state: report.overall.count(state) for state in STATES},
        "states": {status.item.id: status.state for status in report.statuses},
        "items": items,
        "units": [
            {
                "name": row.name,
                "rank": row.rank,
                "total": row.total,
                "counts": {state: row.count(state) for state in STATES},
                "progress_rate": round(row.progress_rate, 6),
                "timely_rate": round(row.timely_rate, 6),
                "score": row.score,
            }
            for row in report.units
        ],
        "ranking_rule": report.ranking_rule,
        "reminders": [
            {"unit": r.unit, "ids": list(r.ids), "missing": {i: list(m) for i, m in r.missing if m}, "consecutive": list(r.consecutive)}
            for r in report.reminders
        ],
        "late": [{"unit": u.unit, "ids": list(u.ids)} for u in report.late],
    }


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """A bulletin without its time of publication and its 期号 (how it was published,
    not what it says): what `--as-of` must reproduce."""
    return {key: value for key, value in data.items() if key not in ("published_at", "issue")}


def folder(root: Path) -> Path:
    return root / FOLDER


def load_published(root: Path, quarter: Quarter) -> dict[str, Any] | None:
    """The published bulletin of ``quarter``, None if there is none; DataError if it is damaged."""
    path = folder(root) / file_name(quarter)
    if not path.is_file():
        return None
    data, problem = read(path)
    if problem is not None:
        raise DataError(f"{problem}(运行 xatrack check 查看)")
    return data


def published_before(root: Path, quarter: Quarter) -> list[dict[str, Any]]:
    """The bulletins published for the quarters of ``quarter``'s year before it (their records)."""
    found = []
    for q in range(1, quarter.q):
        data = load_published(root, Quarter(quarter.year, q))
        if data is not None:
            found.append(data)
    return found


def read(path: Path) -> tuple[dict[str, Any] | None, Problem | None]:
    source = f"{FOLDER}/{path.name}"
    try:
        raw = path.read_bytes()
        if len(raw) > 64 * 1024 * 1024:
            return None, Problem(source, None, "文件过大,不是 xatrack 发布的通报")
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, Problem(source, None, "不是 UTF-8 编码的文本")
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        return None, Problem(source, line, "不是有效的 JSON(已发布的通报不应手工修改)")
    except OSError as error:
        return None, Problem(source, None, f"无法读取:{error.strerror or error}")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, Problem(source, None, "不是 xatrack 发布的通报(缺少 format: xatrack-bulletin)")
    for key, kind in (("quarter", str), ("published_at", str), ("states", dict), ("items", list), ("counts", dict)):
        if not isinstance(data.get(key), kind):
            return None, Problem(source, None, f"缺少或无效的字段 {key}")
    try:
        datetime.fromisoformat(data["published_at"])
    except ValueError:
        return None, Problem(source, None, f"published_at 不是时间:{data['published_at'][:40]}")
    bad = [i for i, state in data["states"].items() if state not in STATES]
    if bad:
        return None, Problem(source, None, f"事项 {bad[0]} 的状态 {data['states'][bad[0]]!r} 未知")
    return data, None


def publish(root: Path, quarter: Quarter, data: dict[str, Any], force: bool) -> tuple[Path, Path | None]:
    """Write bulletins/<year>-Q<q>.json; an existing one is refused without
    ``force``, and with it kept beside the new one under its publication time.
    Returns (path, where the earlier one was kept)."""
    target_folder = folder(root)
    path = target_folder / file_name(quarter)
    kept = None
    if path.exists():
        if not force:
            raise InputError(
                f"{quarter.label}的通报已于 {_published_at(path)} 发布({FOLDER}/{path.name}),未覆盖;"
                "已发布的通报是公开文件,确需重新发布请加 --force(原文件会保留)"
            )
        stamp = _published_at(path).replace(":", "").replace("-", "")[:15] or "earlier"
        kept = target_folder / f"{quarter.year}-Q{quarter.q}.{stamp}.json"
        n = 1
        while kept.exists():
            n += 1
            kept = target_folder / f"{quarter.year}-Q{quarter.q}.{stamp}-{n}.json"
        try:
            path.replace(kept)
        except OSError as error:
            raise DataError(f"无法保留原通报 {path}:{error.strerror or error}") from None
    target_folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    write_atomic(path, text)
    return path, kept


def _published_at(path: Path) -> str:
    data, _ = read(path)
    return str(data.get("published_at", "")) if data else ""


def parse_as_of(text: str) -> datetime:
    """--as-of: a timestamp (2025-07-10T09:30:00+08:00) or a date (2025-07-10: the end of that day)."""
    raw = (text or "").strip()
    try:
        moment = datetime.fromisoformat(raw)
        if len(raw) <= 10:
            raise ValueError  # a bare date: the end of that day, below
        return moment if moment.tzinfo is not None else moment.astimezone()
    except ValueError:
        pass
    try:
        day = parse_date(raw, flag="--as-of")
    except InputError:
        raise InputError(f"--as-of 的值\"{raw[:40]}\"无法识别(如 2025-07-10 或 2025-07-10T09:30:00+08:00)") from None
    return datetime.combine(day, datetime.max.time()).astimezone()


def recorded_by(entries, moment: datetime) -> list:
    """The entries recorded (``at``) up to ``moment``; an entry without ``at``
    (written by hand) counts from the end of its date."""
    kept = []
    for entry in entries:
        at = entry.at
        if at is None:
            if entry.date <= moment.date():
                kept.append(entry)
            continue
        if at.tzinfo is None:
            at = at.astimezone()
        if at <= moment:
            kept.append(entry)
    return kept


def check_folder(root: Path, plan) -> list[Problem]:
    """Problems of bulletins/ for `check`."""
    found: list[Problem] = []
    where = folder(root)
    if not where.is_dir():
        return found
    known = {item.id for item in plan.items}
    name_rule = re.compile(r"^(\d{4})-Q([1-4])(?:\.[0-9A-Za-z+\-]+)?\.json$")
    for path in sorted(where.iterdir()):
        source = f"{FOLDER}/{path.name}"
        if not path.is_file():
            continue
        match = name_rule.match(path.name)
        if match is None:
            found.append(Problem(source, None, "文件名不是 年-Q季度.json,不会被读取", "warning"))
            continue
        data, problem = read(path)
        if problem is not None:
            found.append(problem)
            continue
        if data["quarter"] != f"{match.group(1)}-Q{match.group(2)}":
            found.append(Problem(source, None, f"文件名与其中的季度 {data['quarter']} 不符"))
        unknown = [i for i in data["states"] if i not in known]
        if unknown:
            found.append(Problem(source, None, f"通报中的事项 {'、'.join(unknown[:5])} 不在任务清单中(任务清单在发布后被修改?)", "warning"))
    return found


__all__ = ["record", "publish", "load_published", "parse_as_of", "recorded_by", "check_folder", "comparable", "date"]
