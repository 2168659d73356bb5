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
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from xatrack.errors import DataError, InputError, Problem
from xatrack.model import STATES, Quarter
from xatrack.schedule import check_moment, end_of_day, in_zone, parse_date, plan_zone
from xatrack.authority import bulletin_name, bulletin_version
from xatrack.safefs import guard_inside
from xatrack.store import PROGRESS, log_lock, write_atomic

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
                # What the ranking counted (score.Rates): the year's 考核 (annual.py) adds these up.
                "rates": {
                    "total": row.rates.total,
                    "green": row.rates.green,
                    "timely": row.rates.timely,
                    "severe": row.rates.severe,
                    "missing": row.rates.missing,
                },
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
    """A bulletin without its time of publication and the 期号 it was issued under
    (paperwork, not judgement): what `--as-of` must reproduce."""
    return {key: value for key, value in data.items() if key not in ("published_at", "issue")}


def folder(root: Path) -> Path:
    return root / FOLDER


def versions(root: Path, quarter: Quarter) -> list[tuple[int, Path]]:
    """(version, path) of every bulletin published for ``quarter``, oldest
    first: ``2025-Q2.json`` (1), then ``2025-Q2.v2.json``, ``.v3`` ...
    (``report --publish --force`` writes beside, never over, the earlier)."""
    where = folder(root)
    if not where.is_dir():
        return []
    found = []
    for path in where.iterdir():
        named = bulletin_version(path.name)
        if named is not None and named[:2] == (quarter.year, quarter.q) and path.is_file():
            found.append((named[2], path))
    return sorted(found)


def load_published(root: Path, quarter: Quarter) -> dict[str, Any] | None:
    """The newest bulletin published for ``quarter``, None if there is none; DataError if it is damaged."""
    found = versions(root, quarter)
    if not found:
        return None
    data, problem = read(found[-1][1])
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
    """Write bulletins/<year>-Q<q>.json; when one exists, refused without
    ``force``, and with it the new one written beside it as the next version
    (``2025-Q2.v2.json``): a published file is never changed (the hub's hook
    refuses that). Under the quarter's lock (the one its log's appends take),
    so concurrent publishes each get their own version and none is lost.
    Returns (path, the newest earlier one, kept as it was)."""
    target_folder = folder(root)
    quarter_lock = root / PROGRESS / f"{quarter.year}-Q{quarter.q}.yaml.lock"
    guard_inside(root, quarter_lock.parent, "进度记录目录")
    quarter_lock.parent.mkdir(parents=True, exist_ok=True)
    with log_lock(quarter_lock, timeout=60):
        found = versions(root, quarter)
        kept = found[-1][1] if found else None
        if kept is not None and not force:
            raise InputError(
                f"{quarter.label}的通报已于 {_published_at(kept)} 发布({FOLDER}/{kept.name}),未覆盖;"
                "已发布的通报是公开文件,确需重新发布请加 --force(原文件保留不变,新通报另存为下一版)"
            )
        version = found[-1][0] + 1 if found else 1
        path = target_folder / bulletin_name(quarter.year, quarter.q, version)
        target_folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        write_atomic(path, text)
    return path, kept


def _published_at(path: Path) -> str:
    data, _ = read(path)
    return str(data.get("published_at", "")) if data else ""


def parse_as_of(text: str, zone: tzinfo | None = None) -> datetime:
    """--as-of in the plan's time zone ``zone`` (settings.timezone): a timestamp
    (2025-07-10T09:30:00+08:00; one without an offset is the plan zone's wall time)
    or a date (2025-07-10: the end of that day in the plan's zone), whatever the
    machine's zone. Malformed, or outside the years 1970–2200: InputError."""
    zone = zone if zone is not None else plan_zone()
    raw = (text or "").strip()
    try:
        moment = datetime.fromisoformat(raw)
        if len(raw) <= 10:
            raise ValueError  # a bare date: the end of that day, below
    except ValueError:
        moment = None
    if moment is not None:
        check_moment(moment, "--as-of", raw)
        return in_zone(moment, zone)
    try:
        day = parse_date(raw, flag="--as-of")
    except InputError:
        raise InputError(f"--as-of 的值\"{raw[:40]}\"无法识别(如 2025-07-10 或 2025-07-10T09:30:00+08:00)") from None
    check_moment(day, "--as-of", raw)
    return end_of_day(day, zone)


def recorded_by(entries, moment: datetime, zone: tzinfo | None = None) -> list:
    """The entries recorded (``at``) up to ``moment``, compared as instants; an entry
    without ``at`` (written by hand) counts from the end of its date, and one whose
    ``at`` has no offset is the wall time of the plan's zone ``zone``."""
    zone = zone if zone is not None else plan_zone()
    moment = in_zone(moment, zone)
    last_day = moment.date()
    kept = []
    for entry in entries:
        at = entry.at
        if at is None:
            if entry.date <= last_day:
                kept.append(entry)
            continue
        if at.tzinfo is None:
            at = at.replace(tzinfo=zone)
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
    name_rule = re.compile(r"^(\d{4})-Q([1-4])(?:\.v(?:[2-9]|[1-9][0-9]+))?\.json$")
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
