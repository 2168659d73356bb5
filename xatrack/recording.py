"""What `update` (and the sheet ingester) records: validate a report against
the plan and turn it into a log record. Pure apart from the clock passed in.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xatrack.errors import InputError
from xatrack.model import REPORT_STATUSES, Item, Metric, Plan, Quarter, normalize_id


@dataclass(frozen=True)
class Report:
    item_id: str
    done: str | float | None = None  # as typed: validated here
    metric: str | None = None
    status: str | None = None
    note: str | None = None
    quarter: str | None = None
    day: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Recorded:
    item: Item
    metric: Metric | None
    quarter: Quarter
    record: dict[str, Any]


def find_item(plan: Plan, raw_id: str) -> Item:
    item = plan.get(raw_id)
    if item is not None:
        return item
    ids = [i.id for i in plan.items]
    key = normalize_id(raw_id)
    close = difflib.get_close_matches(key, ids, n=1, cutoff=0.5)
    hint = f",是否为 {close[0]}?" if close else f"(编号为 G1–G{len(plan.targets)} 和 1–{len(plan.tasks)})"
    raise InputError(f"没有编号为\"{raw_id}\"的目标或任务{hint}")


def find_metric(item: Item, raw: str) -> Metric:
    """--metric: the 1-based number or a unique part of the name."""
    text = raw.strip()
    listing = metric_listing(item)
    if not item.metrics:
        raise InputError(f"{_label(item)}没有量化指标,请用 --status 和 --note 报送")
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(item.metrics):
            return item.metrics[number - 1]
        raise InputError(f"--metric 的值 {text} 超出范围:{_label(item)}的指标为 {listing}")
    exact = [m for m in item.metrics if m.name == text]
    if exact:
        return exact[0]
    partial = [m for m in item.metrics if text and text in m.name]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names = "、".join(m.name for m in partial)
        raise InputError(f"--metric 的值\"{text}\"同时匹配 {names};请写得更具体或用编号:{listing}")
    raise InputError(f"{_label(item)}没有指标\"{text}\":指标为 {listing}")


def metric_listing(item: Item) -> str:
    return ";".join(f"{i}. {m.name}({_fmt(m.target)}{m.unit})" for i, m in enumerate(item.metrics, 1))


def parse_value(raw: str | float) -> float:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = str(raw).strip().replace(",", "").replace(",", "")
        text = text.translate(_FULL_WIDTH)
        if text.endswith("%"):
            text = text[:-1]
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"--done 的值\"{raw}\"不是数字") from None
    if math.isnan(value) or math.isinf(value):
        raise InputError(f"--done 的值\"{raw}\"不是有限的数字")
    if value < 0:
        raise InputError(f"--done 的值\"{raw}\"不能为负数(报送 1 月至今的累计数或增速)")
    if abs(value) >= 1e15:
        raise InputError(f"--done 的值\"{raw}\"过大")
    return value


def parse_status(raw: str) -> str:
    text = raw.strip()
    if text in REPORT_STATUSES:
        return text
    raise InputError(f"--status 的值\"{raw}\"无效:应为 {'/'.join(REPORT_STATUSES)}")


def build_record(plan: Plan, report: Report, *, today: date, now: datetime, default_by: str) -> Recorded:
    """Validate a report and build the log record, or raise InputError."""
    from xatrack.schedule import check_date_in_quarter, default_quarter, parse_date, parse_quarter, quarter_of

    for flag, text in (
        ("编号", report.item_id), ("--done", report.done), ("--metric", report.metric), ("--status", report.status),
        ("--note", report.note), ("--quarter", report.quarter), ("--date", report.day), ("--by", report.by),
        ("环境变量 XATRACK_USER(或系统用户名)", default_by),
    ):
        check_encodable(text, flag)
    item = find_item(plan, report.item_id)
    if report.done is None and report.status is None and not report.note:
        raise InputError("请至少给出 --done、--status 或 --note 之一")
    metric = None
    value = None
    if report.done is not None:
        value = parse_value(report.done)
        if not item.metrics:
            raise InputError(f"{_label(item)}没有量化指标,不能用 --done;请用 --status 和 --note 报送")
        if report.metric is not None:
            metric = find_metric(item, report.metric)
        elif len(item.metrics) == 1:
            metric = item.metrics[0]
        else:
            raise InputError(f"{_label(item)}有 {len(item.metrics)} 项指标,请用 --metric 指定:{metric_listing(item)}")
    elif report.metric is not None:
        metric = find_metric(item, report.metric)
    status = parse_status(report.status) if report.status is not None else None
    note = report.note.strip() if report.note else None
    if note is not None and len(note) > 2000:
        raise InputError("--note 过长(上限 2000 字)")

    year = plan.info.year
    day = parse_date(report.day) if report.day else None
    if report.quarter:
        quarter = parse_quarter(report.quarter, year)
        if day is None:
            day = min(max(today, quarter.start), quarter.end)
        else:
            check_date_in_quarter(day, quarter)
    elif day is not None:
        quarter = quarter_of(day)
        if quarter.year != year:
            raise InputError(f"--date {day.isoformat()} 不在计划年度 {year} 内")
    else:
        quarter = default_quarter(year, today)
        day = min(max(today, quarter.start), quarter.end)

    by = (report.by or default_by or "").strip()
    record: dict[str, Any] = {"id": int(item.id) if item.id.isdigit() else item.id}
    if metric is not None:
        record["metric"] = metric.name
    if value is not None:
        record["value"] = int(value) if value.is_integer() else value
    if status is not None:
        record["status"] = status
    if note:
        record["note"] = note
    record["date"] = day.isoformat()
    record["by"] = by
    # To the microsecond: two reports of one item in the same second stay
    # ordered by time (evaluate.newest), and check never sees them as twins.
    record["at"] = now.isoformat()  # microseconds unless they are 0
    return Recorded(item=item, metric=metric, quarter=quarter, record=record)


def check_encodable(text: object, flag: str) -> None:
    """InputError when text holds bytes that were not UTF-8 (a terminal in
    another encoding gives lone surrogates): they could not be written."""
    if isinstance(text, str):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{flag} 的值含有无法识别的字符(不是 UTF-8 编码);请检查终端或输入法的编码") from None


def _label(item: Item) -> str:
    return f"目标 {item.id} " if item.is_target else f"任务 {item.id} "


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


_FULL_WIDTH = str.maketrans("0123456789.%-", "0123456789.%-")
