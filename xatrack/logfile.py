"""A progress log's text -> entries and problems, and an entry -> its line. Pure: no I/O.

Each log entry is one line, a YAML flow mapping that is also JSON
(``- {"id": "32", "value": 120, "date": "2025-06-28", ...}``): appends never
touch earlier bytes, git's ``merge=union`` can never split an entry, and
reading takes a fast path line by line; a log edited by hand into another
YAML style is parsed whole. Torn writes (a line cut short, the mark an
interrupted append leaves) are voided with a warning. Every reader here
returns exactly what the full parse returns, or defers to it.

May import: errors, model, yamlio. The store (store.py) reads the bytes.
"""

from __future__ import annotations

import json
import re
import reprlib
from datetime import date, datetime
from typing import Any

from xatrack.authority import DAMAGED, line_problem
from xatrack.errors import Problem
from xatrack.model import REPORT_STATUSES, Entry, Quarter, is_finite_number, normalize_id
from xatrack.logline import TORN_MARK, record_line  # noqa: F401  (record_line: the line format, for readers of logfile)
from xatrack.logline import sound_line as _sound_line
from xatrack.yamlio import CONFLICT_MESSAGE, conflict_marker, load_yaml, make_yaml, too_large, yaml_problem



def _drop_damaged(text: str, source: str) -> tuple[str, list[Problem]]:
    """Blank out the lines that break the line grammar (authority.DAMAGED:
    another line break, a control character, invalid bytes), keeping line
    numbers: each is one error with its line, and every other line counts.
    A line ends at "\n" only, so such a line is never split into others."""
    if DAMAGED.search(text) is None:
        return text, []
    lines = text.split("\n")
    problems = []
    for index, line in enumerate(lines):
        problem = line_problem(line[:-1] if line.endswith("\r") else line)
        if problem:
            problems.append(Problem(source, index + 1, f"这一行{problem},已忽略", code="damaged-line"))
            lines[index] = ""
    return "\n".join(lines), problems


def _clean(text: str, source: str) -> tuple[str, list[Problem]]:
    """Damaged lines, then torn writes, blanked: (text, problems in line order)."""
    text, damaged = _drop_damaged(text, source)
    text, torn = _drop_torn(text, source)
    return text, sorted(damaged + torn, key=lambda p: p.line or 0)


def _drop_torn(text: str, source: str) -> tuple[str, list[Problem]]:
    """Blank out torn writes, keeping line numbers: an incomplete line (not a
    record, not a comment) followed by the mark an append leaves after one,
    and a last line without its newline that is not a record (a write cut
    short). Each is a warning, not an error: it was never reported as
    recorded. After a complete line the mark is an ordinary comment."""
    if TORN_MARK not in text and (not text or text.endswith("\n")):
        return text, []
    lines = text.split("\n")
    problems = []
    for index in range(len(lines) - 1):
        if lines[index + 1].strip() == TORN_MARK and lines[index].strip() \
                and not _sound_line(lines[index].encode("utf-8", "surrogateescape")):
            problems.append(Problem(source, index + 1, "写入时被中断的不完整记录,已作废", "warning"))
            lines[index] = ""
    if lines[-1].strip() and not text.endswith("\n") and not _sound_line(lines[-1].encode("utf-8", "surrogateescape")):
        problems.append(Problem(source, len(lines), "最后一行不完整(写入时被中断?),已忽略", "warning"))
        lines[-1] = ""
    return "\n".join(lines), problems


def read_log(text: str, quarter: Quarter, source: str, records=None) -> tuple[list[Entry], list[Problem]]:
    """Entries of one quarter's log and the problems found, with lines.

    Lines written by xatrack are parsed one by one as JSON; a log edited by
    hand into another YAML style is parsed whole with ruamel.yaml.
    ``records``: what _fast_records already made of this text, if it did.
    """
    torn: list[Problem] = []
    if records is None:
        text, torn = _clean(text, source)
        records = _fast_records(text)
    problems: list[Problem] = []
    if records is None:
        records, problems = _line_records(text, source)
    if records is None:
        records, problem = _yaml_records(text, source)
        if problem is not None:
            return [], torn + [problem]
        problems = []
    entries: list[Entry] = []
    for seq, (line, raw) in enumerate(records):
        # seq: the line, where known (so a reader of some lines gives the same)
        entry, message = entry_from_record(raw, quarter, source, line, line or seq)
        if message:
            problems.append(Problem(source, line, message))
        if entry is not None:
            entries.append(entry)
    return entries, torn + problems


def read_records(text: str, source: str) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """(line, record) of any append-only file in the logs' format (progress
    logs, findings): torn writes voided, one-line JSON fast, a damaged line
    costing that line, hand-edited YAML parsed whole."""
    text, torn = _clean(text, source)
    records = _fast_records(text)
    if records is not None:
        return records, torn
    records, problems = _line_records(text, source)
    if records is not None:
        return records, torn + problems
    records, problem = _yaml_records(text, source)
    return records, torn + ([problem] if problem is not None else [])


_LINE_START_OTHER = re.compile(rb"\n(?:[^-#\n]|-[^ ]|- [^{])")


def one_line_log(data: bytes, checked: int = 0) -> bool:
    """Whether every line is a one-line entry (``- {...}``), a comment or
    blank: the regex engine jumps from line break to line break, so a log of
    40,000 lines is checked in milliseconds. ``checked``: the first bytes
    (ending at a line break) are known to be so; only the rest is looked at."""
    rest = data[checked:] if checked else data
    if b"\r" in rest or _LINE_START_OTHER.search(b"\n" + rest):
        return False
    return True


_SIMPLE_ID = re.compile(r"^[0-9A-Za-z]+$")
# Every place a line names its id field ("id": / 'id': / id:), and those
# that are plain JSON (an int, or a string without escapes) ending the pair.
_ID_KEYS = re.compile(rb"""id["']?[ \t]*:""")
_PLAIN_IDS = re.compile(rb'"id"[ \t]*:[ \t]*(?:-?(?:0|[1-9][0-9]*)|"[^"\\\n]*")[ \t]*[,}]')
# Bytes that str.splitlines() (the full parse) takes as line breaks but a
# byte search does not: a log holding any of them is parsed whole.
_OTHER_BREAKS = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")  # single bytes: memchr, 0.1 ms per 6 MB
_OTHER_BREAKS_UTF8 = (re.compile(rb"\xe2\x80[\xa8\xa9]"), re.compile(rb"\xc2\x85"))  # U+2028/2029, NEL


def entries_naming(data: bytes, item_id: str, quarter: Quarter, source: str, checked: int = 0) -> list[Entry] | None:
    """Entries of one item from a log of one-line entries, parsing only the
    lines whose id field may name it (searched in the bytes); None whenever
    the full parse could see the log differently (escapes, unusual line
    breaks, torn writes, bad bytes): the caller then parses it whole.

    Conservative by construction (and property-tested against the full
    parse): a record whose id normalises to ``item_id`` either holds a
    backslash (an escape) or has the bytes ``"id"``, optional blanks, ``:``
    and the id's characters with nothing but blanks, quotes or a leading
    g/G around them, so such a line is always a candidate; every candidate
    is parsed exactly as the full parse would (line, seq, entry_from_record).

    ``checked``: ``data[:checked]`` (ending at a line break) passed the checks
    of the whole log before (the store remembers it for an append-only log):
    only the bytes after it are checked. Each check is about bytes within a
    line, so a log passes exactly when both parts pass.
    """
    if not _SIMPLE_ID.match(item_id):
        return None
    rest = data[checked:] if checked else data
    if TORN_MARK.encode("utf-8") in rest or b"\x00" in rest:
        return None
    if any(mark in rest for mark in _OTHER_BREAKS) or any(rx.search(rest) for rx in _OTHER_BREAKS_UTF8):
        return None
    if data and not data.endswith(b"\n"):
        return None
    try:
        rest.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # Lines are skipped by their id field alone: only safe when every id
    # field is plain JSON (what YAML reads the same way, whatever else the
    # line holds); "id: 0x20" or 'id': '32' send the log to the full parse.
    if len(_ID_KEYS.findall(rest)) != len(_PLAIN_IDS.findall(rest)):
        return None
    tail = item_id[1:] if item_id[0] == "G" and len(item_id) > 1 else item_id
    key = b"".join(
        b"[%s%s]" % (c.upper().encode(), c.lower().encode()) if c.isalpha() else c.encode("ascii") for c in tail
    )
    # A plain id field whose value holds the id's characters (a string with
    # blanks or a lower-case g around them normalises to it), or an escape.
    field = re.compile(rb'"id"[ \t]*:[ \t]*(?:' + key + rb'[ \t]*[,}]|"[^"\\\n]*' + key + rb')')
    # Searched apart: with a literal start the regex engine skips from "id" to "id".
    starts = [m.start() for m in field.finditer(data)]
    if b"\\" in data:
        starts = sorted(set(starts + [m.start() for m in re.finditer(rb"\\", data)]))
    entries = []
    position, number, last_start = 0, 1, -1
    for match_start in starts:
        start = data.rfind(b"\n", 0, match_start) + 1
        if start == last_start:
            continue
        last_start = start
        end = data.find(b"\n", match_start)
        line = data[start : end if end >= 0 else len(data)]
        number += data.count(b"\n", position, start)
        position = start
        body = line.strip()
        if body.startswith(b"#") or not body:
            continue
        try:
            raw = json.loads(body[2:].decode("utf-8"))
        except (ValueError, RecursionError):
            return None
        if type(raw) is not dict:
            return None
        entry, _ = entry_from_record(raw, quarter, source, number, number)
        if entry is not None:
            entries.append(entry)
    return entries


def parse_log_part(text: str, quarter: Quarter, source: str, first_line: int, first_seq: int):
    """Parse part of a log that starts at the file's line ``first_line + 1``.

    Returns (entries, problems, records, fast): ``fast`` when every line was a
    one-line entry, so that later appends can be parsed on their own.
    """
    # Torn writes (a mark, a last line without newline) need read_log's whole-text rules.
    plain = TORN_MARK not in text and text.endswith("\n") and DAMAGED.search(text) is None
    records = _fast_records(text) if plain else None
    fast = records is not None
    if fast and first_line == 0 and first_seq == 0:
        entries, problems = read_log(text, quarter, source, records)
        return entries, problems, len(records), True
    if not fast:
        if first_line or first_seq:
            return [], [], 0, False  # the caller parses the whole file instead
        entries, problems = read_log(text, quarter, source)
        return entries, problems, 0, False
    entries: list[Entry] = []
    problems: list[Problem] = []
    for line, raw in records:
        entry, message = entry_from_record(raw, quarter, source, line + first_line, line + first_line)
        if message:
            problems.append(Problem(source, line + first_line, message))
        if entry is not None:
            entries.append(entry)
    return entries, problems, len(records), True


def _fast_records(text: str) -> list[tuple[int, Any]] | None:
    """(line, record) of a log of one-line JSON entries, or None if it is not one.

    All lines go to the JSON decoder as one array (one call instead of one a
    line: several times quicker on a long log); if that fails or does not give
    one mapping a line, line by line, which says which line is wrong."""
    numbers = []
    bodies = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped[0] == "#":
            continue
        if not stripped.startswith("- {") or not stripped.endswith("}"):
            return None
        numbers.append(number)
        bodies.append(stripped[2:])
    try:
        values = json.loads("[" + ",".join(bodies) + "]")
    except (ValueError, RecursionError):
        values = None
    if values is not None and len(values) == len(bodies) and all(type(v) is dict for v in values):
        return list(zip(numbers, values))
    records = []
    for number, body in zip(numbers, bodies):
        try:
            records.append((number, json.loads(body)))
        except (ValueError, RecursionError):
            return None
    return records


def _line_records(text: str, source: str) -> tuple[list[tuple[int, Any]] | None, list[Problem]]:
    """Records of a log whose every entry is one unindented ``- …`` line, each
    line parsed on its own (JSON, else YAML): a damaged line (a hand edit, a
    torn write, a stray word, a git conflict marker) costs that line only,
    reported with its number. None when the log is in another layout (block
    mappings, multi-line entries: some line is indented)."""
    lines = text.split("\n")
    if any(line[:1] in (" ", "\t") and line.strip() and not line.lstrip().startswith("#") for line in lines):
        return None, []
    yaml = None
    records: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        if not line.startswith("- "):
            message = CONFLICT_MESSAGE if conflict_marker(line) else f"不是一条记录(每行应为 - {{id: …, value: …, date: …}}):{_shown(body)}"
            problems.append(Problem(source, number, message))
            continue
        try:
            records.append((number, json.loads(body[2:])))
            continue
        except (ValueError, RecursionError):
            pass
        large = too_large(body, source, 64 * 1024)
        if large is not None:
            problems.append(Problem(source, number, f"这一行过长({len(body)} 字符),无法读取"))
            continue
        yaml = yaml or make_yaml()
        try:
            data = yaml.load(body)
        except Exception as error:  # ruamel raises many kinds; all are the line's fault
            problems.append(Problem(source, number, yaml_problem(error, source).message))
            continue
        if isinstance(data, list) and len(data) == 1:
            records.append((number, data[0]))
        else:
            problems.append(Problem(source, number, "每行应为一条记录:- {id: …, value: …, date: …}"))
    return records, problems


def _yaml_records(text: str, source: str) -> tuple[list[tuple[int, Any]], Problem | None]:
    data, problem = load_yaml(text, source)
    if problem is not None:
        return [], problem
    if data is None:
        return [], None
    if not isinstance(data, list):
        return [], Problem(source, 1, "进度记录应为列表(每条以 - 开头)")
    records = []
    for index, raw in enumerate(data):
        try:
            line = data.lc.item(index)[0] + 1
        except Exception:
            line = 0
        records.append((line, raw))
    return records, None


_ZONES: dict = {}


def _shared_zone(moment: datetime) -> datetime:
    """The same time with one shared tzinfo object per UTC offset: every
    fromisoformat makes its own, and 40,000 copies of +08:00 in the cache
    cost more to unpickle than the times themselves."""
    zone = moment.tzinfo
    if zone is None:
        return moment
    offset = zone.utcoffset(moment)
    shared = _ZONES.setdefault(offset, zone)
    return moment if shared is zone else moment.replace(tzinfo=shared)


def entry_from_record(raw: Any, quarter: Quarter, source: str, line: int, seq: int) -> tuple[Entry | None, str]:
    """An Entry from one parsed record, or (None, Chinese reason)."""
    if not isinstance(raw, dict):
        return None, "每条记录应为映射(id/value/status/date…)"
    item = raw.get("id")
    if isinstance(item, bool) or not isinstance(item, (int, str)) or str(item).strip() == "":
        return None, f"缺少或无效的 id:{_shown(item)}"
    metric = raw.get("metric")
    if metric is not None and not isinstance(metric, str):
        return None, f"metric 应为指标名称(文字),实为 {_shown(metric)}"
    value = raw.get("value")
    if value is not None and not is_finite_number(value):
        return None, f"value 应为有限数值,实为 {_shown(value)}"
    status = raw.get("status")
    if status is not None and (not isinstance(status, str) or status not in REPORT_STATUSES):
        return None, f"未知的状态 {_shown(status)}(应为 {'/'.join(REPORT_STATUSES)})"
    for key in ("note", "by", "actor"):
        text = raw.get(key)
        if text is not None and (isinstance(text, bool) or not isinstance(text, (str, int, float))):
            return None, f"{key} 应为文字,实为 {_shown(text)}"
    for key in ("id", "metric", "note", "by", "actor"):
        text = raw.get(key)
        if isinstance(text, str):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return None, f"{key} 含有无效的字符(孤立的 UTF-16 代理项,如 \\ud800),无法显示"
    retracts = raw.get("retracts")
    if retracts is not None:
        if not isinstance(retracts, str) or not _REF.match(retracts):
            return None, f"retracts 应为被撤回记录的编号(12 位十六进制),实为 {_shown(retracts)}"
        if value is not None or status is not None:
            return None, "撤回记录不能同时带 value 或 status"
    elif value is None and status is None and not raw.get("note"):
        return None, "记录中既没有 value,也没有 status 或 note"
    day = _as_date(raw.get("date"))
    if day is None:
        return None, f"缺少或无效的 date:{_shown(raw.get('date'))}"
    note = raw.get("note")
    at = raw.get("at")
    recorded = None
    if isinstance(at, datetime):
        recorded = at
    elif isinstance(at, str):
        try:
            recorded = _shared_zone(datetime.fromisoformat(at))
        except ValueError:
            recorded = None
    if at is not None and recorded is None:
        return None, f"at 应为记录时间(如 2025-06-20T09:30:00+08:00),实为 {_shown(at)}"
    entry = Entry(
        item=normalize_id(item),
        quarter=quarter,
        date=day,
        metric=metric,
        value=float(value) if value is not None else None,
        status=status,
        note=str(note) if note is not None else None,
        by=str(raw.get("by") or ""),
        at=recorded,
        file=source,
        line=line,
        seq=seq,
        retracts=retracts,
        actor=str(raw.get("actor") or ""),
        office=raw.get("office") is True,
    )
    return entry, ""


_REF = re.compile(r"^[0-9a-f]{12}$")


def _shown(value: Any) -> str:
    """A value for a one-line message: bounded in length and depth."""
    shorter = reprlib.Repr()
    shorter.maxstring = shorter.maxother = 60
    shorter.maxlevel, shorter.maxlist, shorter.maxdict = 3, 4, 4
    return shorter.repr(value).replace("\n", " ")


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        day = _DAYS.get(value)
        if day is None:
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                return None
            if len(_DAYS) < 4096:
                _DAYS[value] = day  # one object per day: a smaller, quicker cache
        return day
    return None


_DAYS: dict[str, date] = {}
