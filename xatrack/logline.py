"""The line format of xatrack's logs, as appends write it: one record a line
(``- {...}``, a YAML flow mapping that is valid JSON), the mark a torn line
gets, whether a line reads as one record, and the recorded time an appended
record must follow. No parsing into entries (logfile.py does that): the store
writes with this and nothing more.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from xatrack.yamlio import make_yaml

TORN_MARK = "# 上一行不完整(写入时被中断),已作废"


def sound_line(raw: bytes) -> bool:
    """Whether a log line reads as one record (JSON, else one-line YAML)."""
    try:
        body = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False
    if not body.startswith("- "):
        return body.startswith("#")
    try:
        return isinstance(json.loads(body[2:]), dict)
    except (ValueError, RecursionError):
        pass
    try:
        data = make_yaml().load(body)
    except Exception:
        return False
    return isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)


def recorded_after(records: list[dict[str, Any]], tail: bytes) -> None:
    """Make the records' ``at`` follow the last entry of a log's ``tail`` (its
    last bytes): a record that would tie with it, or come up to a second before
    it (a pinned $XATRACK_NOW replaying a quarter, a clock stepped back), gets
    a microsecond after it, and so on down the records. The newest entry is
    chosen by ``at`` (evaluate.newest), so a correction made at the same
    instant as the entry it corrects stays the newer one. An entry stamped
    earlier on purpose (a report entered late, more than a second back) keeps
    its time."""
    last = None
    for raw in reversed(tail.split(b"\n")):
        body = raw.strip()
        if body.startswith(b"- {"):
            try:
                last = _aware(json.loads(body[2:].decode("utf-8")).get("at"))
            except (ValueError, AttributeError, RecursionError):
                last = None
            break
    for record in records:
        at = _aware(record.get("at"))
        if at is None:
            continue
        if last is not None and last - _SECOND < at <= last:
            at = last + _MICROSECOND
            record["at"] = at.isoformat()
        last = at


_SECOND = timedelta(seconds=1)
_MICROSECOND = timedelta(microseconds=1)


def _aware(text: Any) -> datetime | None:
    """A recorded time with its UTC offset, or None (absent, unreadable, naive)."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def record_line(record: dict[str, Any]) -> str:
    """One log line: ``- {"id": 32, "value": 120, ...}`` (YAML flow mapping, valid JSON)."""
    text = json.dumps(record, ensure_ascii=False, allow_nan=False, default=_json_default)
    # One line grammar (authority.DAMAGED): json escapes C0 controls; DEL, the C1
    # controls (NEL), U+2028/2029 and lone surrogates are escaped here, so an
    # entry is one line to every reader and never a damaged one.
    if _RAW.search(text):
        text = _RAW.sub(lambda match: "\\u%04x" % ord(match.group()), text)
    return f"- {text}\n"


_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)
