"""All file I/O: finding the tracker, loading the registry and directory,
reading progress logs and appending to them.

A tracker is a folder holding ``tasks.yaml`` (the registry), optionally
``units.yaml`` (the directory of units and leaders) and ``progress/`` with
one append-only log per quarter (``progress/2025-Q2.yaml``).

Each log entry is written as one line, a YAML flow mapping that is also
JSON: appends never touch earlier bytes, git's ``merge=union`` can never
split an entry, and reading can take a fast path line by line.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xatrack.errors import DataError, Problem
from xatrack.model import REPORT_STATUSES, Entry, Plan, Quarter, is_finite_number
from xatrack.safefs import _fsync_folder, write_atomic  # noqa: F401  (write_atomic: part of the store's face)

REGISTRY = "tasks.yaml"
DIRECTORY = "units.yaml"
PROGRESS = "progress"
ROOT_ENV = "XATRACK_ROOT"
USER_ENV = "XATRACK_USER"
MAX_LOG_BYTES = 256 * 1024 * 1024

# A log line that is neither blank, a comment, nor a one-line entry.
_OTHER_LINE = re.compile(r"^(?![ \t]*(?:#|\r?$))(?!- \{.*\}[ \t]*\r?$).*$", re.MULTILINE)
_OTHER_LINE_BYTES = re.compile(_OTHER_LINE.pattern.encode("ascii"), re.MULTILINE)
_LOG_NAME = re.compile(r"^(\d{4})-Q([1-4])\.yaml$")


# --------------------------------------------------------------------------- root


def find_root(explicit: str | os.PathLike | None = None, start: Path | None = None) -> Path:
    """The tracker folder: --root, else $XATRACK_ROOT, else the nearest folder
    upwards from ``start`` (the current folder) that holds tasks.yaml."""
    if explicit is None:
        explicit = os.environ.get(ROOT_ENV) or None
        origin = f"环境变量 {ROOT_ENV}"
    else:
        origin = "--root"
    if explicit is not None:
        root = Path(explicit).expanduser()
        if not (root / REGISTRY).is_file():
            raise DataError(f"{origin} 指定的目录 {root} 中没有 {REGISTRY};可用 xatrack init {root} 新建跟踪目录")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / REGISTRY).is_file():
            return folder
    raise DataError(
        f"当前目录及其上级目录中没有找到 {REGISTRY}:请进入跟踪目录,或用 --root 指定,或用 xatrack init 目录 新建"
    )


def read_text(path: Path, max_bytes: int = MAX_LOG_BYTES) -> str:
    """A file's text (UTF-8, BOM dropped, CRLF kept for positions); DataError when unreadable."""
    return decode_text(read_bytes(path, max_bytes), path)


def read_bytes(path: Path, max_bytes: int = MAX_LOG_BYTES) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DataError(f"{path}: 文件过大({size} 字节)")
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"找不到文件 {path}") from None
    except IsADirectoryError:
        raise DataError(f"{path} 是目录,不是文件") from None
    except OSError as error:
        raise DataError(f"无法读取 {path}:{error.strerror}") from None


def decode_text(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: 不是 UTF-8 文本(请另存为 UTF-8 编码)") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError(f"{path}:{line}: 含有二进制内容(NUL 字符),不是文本文件")
    return text


# --------------------------------------------------------------------------- tracker


@dataclass
class Tracker:
    root: Path
    _cache: object = None  # a xatrack.cache.Cache; made on first use

    @property
    def registry_path(self) -> Path:
        return self.root / REGISTRY

    @property
    def directory_path(self) -> Path:
        return self.root / DIRECTORY

    @property
    def progress_dir(self) -> Path:
        return self.root / PROGRESS

    def display(self, path: Path) -> str:
        """A path as the user should read it: relative to the tracker."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    # -- registry and directory

    @property
    def cache(self):
        from xatrack.cache import Cache

        if self._cache is None:
            self._cache = Cache.for_root(self.root)
        return self._cache

    def load_plan(self, data: bytes | None = None) -> tuple[Plan | None, list[Problem]]:
        """The registry (its bytes, if already read), through the content-keyed cache."""
        from xatrack.cache import cached_registry

        if data is None:
            data = read_bytes(self.registry_path, 64 * 1024 * 1024)
        return cached_registry(self.cache, data, lambda: decode_text(data, self.registry_path), REGISTRY)

    def plan(self, data: bytes | None = None) -> Plan:
        """The plan, or DataError naming the first error (check lists them all)."""
        plan, problems = self.load_plan(data)
        errors = [p for p in problems if p.severity == "error"]
        if plan is None or errors:
            first = errors[0] if errors else problems[0]
            more = f"(共 {len(errors)} 处错误,运行 xatrack check 查看全部)" if len(errors) > 1 else ""
            raise DataError(f"{first}{more}")
        return plan

    def plan_for(self, item_id: str) -> Plan:
        """A plan holding only the item ``item_id`` (for `update`: quick on a
        big registry), or the whole plan when the cache cannot say or the id
        is unknown (so the error can suggest the closest ids)."""
        from dataclasses import replace

        from xatrack.cache import cached_item, remember_items
        from xatrack.model import TARGET, normalize_id

        data = read_bytes(self.registry_path, 64 * 1024 * 1024)
        found = cached_item(self.cache, data, normalize_id(item_id))
        if found is None or found[1] is None:
            plan = self.plan(data)
            if found is None:
                remember_items(self.cache, data, plan)
            return plan
        bare, item = found
        if item.kind == TARGET:
            return replace(bare, targets=(item,))
        return replace(bare, tasks=(item,))

    def load_directory(self):
        from xatrack.directory import Directory, parse_directory

        if not self.directory_path.is_file():
            return Directory.empty(), []
        from xatrack.cache import cached_parse

        data = read_bytes(self.directory_path)
        return cached_parse(
            self.cache, "directory", data, lambda: parse_directory(decode_text(data, self.directory_path), DIRECTORY)
        )

    def directory(self):
        from xatrack.cache import PinyinMemo

        directory, problems = self.load_directory()
        directory.remember_pinyin_in(PinyinMemo(self.cache))
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DataError(str(errors[0]))
        return directory

    # -- progress logs

    def log_path(self, quarter: Quarter) -> Path:
        return self.progress_dir / f"{quarter.year}-Q{quarter.q}.yaml"

    def log_files(self) -> list[tuple[Path, Quarter]]:
        if not self.progress_dir.is_dir():
            return []
        found = []
        for path in sorted(self.progress_dir.iterdir()):
            match = _LOG_NAME.match(path.name)
            if match and path.is_file():
                found.append((path, Quarter(int(match.group(1)), int(match.group(2)))))
        return found

    def entries(
        self, year: int | None = None, until: int | None = None, decisive: bool = False
    ) -> tuple[list[Entry], list[Problem]]:
        """The entries of the logs (of one plan year, of its quarters up to
        ``until``), and the problems met reading them. With ``decisive``, only
        the entries an evaluation can depend on (evaluate.decisive), from
        their own cache: a fraction of a long log."""
        entries: list[Entry] = []
        problems: list[Problem] = []
        for path, quarter in self.log_files():
            if year is not None and quarter.year != year:
                continue
            if until is not None and quarter.q > until:
                continue
            found, trouble = self.read_log_file(path, quarter, decisive)
            entries.extend(found)
            problems.extend(trouble)
        return entries, problems

    def item_entries(self, item_id: str, year: int, until: int | None = None) -> list[Entry]:
        """The entries of one item (in the quarters up to ``until``), without
        parsing whole logs: only lines that mention the id are parsed (a log in
        another style is parsed whole)."""
        from xatrack.model import normalize_id

        wanted = normalize_id(item_id)
        found: list[Entry] = []
        for path, quarter in self.log_files():
            if quarter.year != year or (until is not None and quarter.q > until):
                continue
            self.guard(path)
            data = read_bytes(path)
            source = f"{PROGRESS}/{path.name}"
            one_line = not data.startswith(b"\xef\xbb\xbf") and _one_line_log(data)
            entries = _entries_naming(data, wanted, quarter, source) if one_line else None
            if entries is None:  # edited into another style: parse it whole
                entries, _ = read_log(decode_text(data, path), quarter, source)
            found.extend(e for e in entries if e.item == wanted)
        return found

    def read_log_file(self, path: Path, quarter: Quarter, decisive: bool = False) -> tuple[list[Entry], list[Problem]]:
        """One log through the cache: only bytes appended since the last read
        are parsed. With ``decisive``, only the entries an evaluation can
        depend on (evaluate.decisive), kept in a cache of their own."""
        from xatrack.cache import cached_log

        source = f"{PROGRESS}/{path.name}"
        self.guard(path)
        data = read_bytes(path)

        def parse(part: bytes, first_line: int, first_seq: int):
            return parse_log_part(decode_text(part, path), quarter, source, first_line, first_seq)

        if not decisive:
            return cached_log(self.cache, f"log-{path.name}", data, parse)
        from xatrack.evaluate import decisive as reduce

        return cached_log(
            self.cache, f"decisive-{path.name}", data, parse, reduce=reduce,
            rebuild_if=lambda entries: any(e.retracts for e in entries),
        )

    def guard(self, path: Path) -> None:
        """DataError when a log leads out of the tracker through a symlink."""
        from xatrack.safefs import guard_inside

        guard_inside(self.root, path, "进度记录")

    def append(self, quarter: Quarter, record: dict[str, Any]) -> Path:
        path = self.log_path(quarter)
        append_entries(path, [record], header=log_header(quarter), root=self.root)
        return path


def log_header(quarter: Quarter) -> str:
    return (
        f"# {quarter.label}进度记录(xatrack 追加写入)。\n"
        "# 每行一条报送;更正请追加新的一条,不要修改或删除已有条目。\n"
    )


# --------------------------------------------------------------------------- reading logs


TORN_MARK = "# 上一行不完整(写入时被中断),已作废"


def _sound_line(raw: bytes) -> bool:
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
    from xatrack.yamlio import make_yaml

    try:
        data = make_yaml().load(body)
    except Exception:
        return False
    return isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)


def _drop_torn(text: str, source: str) -> tuple[str, list[Problem]]:
    """Blank out torn writes, keeping line numbers: a line followed by the
    mark an append leaves after one, and a last line without its newline that
    is not a record (a write cut short). Each is a warning, not an error: it
    was never reported as recorded."""
    if TORN_MARK not in text and (not text or text.endswith("\n")):
        return text, []
    lines = text.split("\n")
    problems = []
    for index in range(len(lines) - 1):
        if lines[index + 1].strip() == TORN_MARK and lines[index].strip():
            problems.append(Problem(source, index + 1, "写入时被中断的不完整记录,已作废", "warning"))
            lines[index] = ""
    if lines[-1].strip() and not text.endswith("\n") and not _sound_line(lines[-1].encode("utf-8")):
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
        text, torn = _drop_torn(text, source)
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
    text, torn = _drop_torn(text, source)
    records = _fast_records(text)
    if records is not None:
        return records, torn
    records, problems = _line_records(text, source)
    if records is not None:
        return records, torn + problems
    records, problem = _yaml_records(text, source)
    return records, torn + ([problem] if problem is not None else [])


_LINE_START_OTHER = re.compile(rb"\n(?:[^-#\n]|-[^ ]|- [^{])")


def _one_line_log(data: bytes) -> bool:
    """Whether every line is a one-line entry (``- {...}``), a comment or
    blank: the regex engine jumps from line break to line break, so a log of
    40,000 lines is checked in milliseconds."""
    if b"\r" in data or _LINE_START_OTHER.search(b"\n" + data):
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


def _entries_naming(data: bytes, item_id: str, quarter: Quarter, source: str) -> list[Entry] | None:
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
    """
    if not _SIMPLE_ID.match(item_id) or TORN_MARK.encode("utf-8") in data or b"\x00" in data:
        return None
    if any(mark in data for mark in _OTHER_BREAKS) or any(rx.search(data) for rx in _OTHER_BREAKS_UTF8):
        return None
    if data and not data.endswith(b"\n"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # Lines are skipped by their id field alone: only safe when every id
    # field is plain JSON (what YAML reads the same way, whatever else the
    # line holds); "id: 0x20" or 'id': '32' send the log to the full parse.
    if len(_ID_KEYS.findall(data)) != len(_PLAIN_IDS.findall(data)):
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
    records = _fast_records(text) if TORN_MARK not in text and text.endswith("\n") else None
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
    for number, line in enumerate(text.splitlines(), start=1):
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
    lines = text.splitlines()
    if any(line[:1] in (" ", "\t") and line.strip() and not line.lstrip().startswith("#") for line in lines):
        return None, []
    from xatrack.yamlio import make_yaml, too_large, yaml_problem

    yaml = None
    records: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        if not line.startswith("- "):
            from xatrack.yamlio import CONFLICT_MESSAGE, conflict_marker

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
    from xatrack.yamlio import load_yaml

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
    for key in ("note", "by"):
        text = raw.get(key)
        if text is not None and (isinstance(text, bool) or not isinstance(text, (str, int, float))):
            return None, f"{key} 应为文字,实为 {_shown(text)}"
    for key in ("id", "metric", "note", "by"):
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
    from xatrack.model import normalize_id

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
    )
    return entry, ""


_REF = re.compile(r"^[0-9a-f]{12}$")


def _shown(value: Any) -> str:
    """A value for a one-line message: bounded in length and depth."""
    import reprlib

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


# --------------------------------------------------------------------------- writing logs


def record_line(record: dict[str, Any]) -> str:
    """One log line: ``- {"id": 32, "value": 120, ...}`` (YAML flow mapping, valid JSON)."""
    text = json.dumps(record, ensure_ascii=False, allow_nan=False, default=_json_default)
    # U+2028/2029 are line breaks to some readers; keep an entry on one line.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"- {text}\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def append_entries(path: Path, records: list[dict[str, Any]], header: str = "", root: Path | None = None, keep=None) -> None:
    """Append records to a log under a lock, flushed and fsynced before returning.

    All the records go in one write: every one is appended or none. A
    failed write or fsync (disk full, I/O error) cuts the log back to its
    bytes before the call, and a log the call created is removed again.
    A log that does not end with a newline (edited by hand) gets one first,
    so the new entry never glues onto the last line. ``root``: the tracker;
    a log or lock leading out of it through a symlink is refused. ``keep``:
    called under the lock with the records, returns those still to append
    (ingest drops rows a concurrent writer recorded meanwhile).
    """
    from xatrack.safefs import guard_inside

    lock_path = Path(str(path) + ".lock")
    try:
        if root is not None:
            guard_inside(root, path.parent, "进度记录目录")
            guard_inside(root, path, "进度记录")
            guard_inside(root, lock_path, "锁文件")
        path.parent.mkdir(parents=True, exist_ok=True)
        with _log_lock(lock_path, timeout=30):
            if keep is not None:
                records = keep(records)
                if not records:
                    return
            payload = "".join(record_line(r) for r in records).encode("utf-8")
            created = not os.path.lexists(path)
            with open(path, "ab+", buffering=0) as handle:
                size = handle.seek(0, os.SEEK_END)
                prefix = b""
                if size == 0:
                    prefix = header.encode("utf-8")
                else:
                    handle.seek(size - 1)
                    if handle.read(1) != b"\n":
                        # A hand edit without a final newline, or a write torn by
                        # a crash: a sound last line is ended; a torn one is
                        # ended and marked void, its bytes kept.
                        handle.seek(max(0, size - 65536))
                        tail = handle.read().rsplit(b"\n", 1)[-1]
                        prefix = b"\n" if _sound_line(tail) else b"\n" + TORN_MARK.encode("utf-8") + b"\n"
                    handle.seek(0, os.SEEK_END)
                try:
                    _write_all(handle.fileno(), prefix + payload)
                    os.fsync(handle.fileno())
                except BaseException:
                    _truncate(handle, size)  # a failed append leaves the log as it was
                    if created:
                        _remove(path)
                    raise
            if size == 0:
                _fsync_folder(path.parent)  # a new log's name is durable too
    except LockTimeout:
        raise DataError(f"{path} 正被其他进程写入,30 秒内未能获得锁;请稍后重试") from None
    except OSError as error:
        raise DataError(f"无法写入 {path}:{error.strerror}") from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if not written:
            raise OSError(28, os.strerror(28))
        view = view[written:]


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class LockTimeout(Exception):
    pass


class _log_lock:
    """An exclusive lock on ``<log>.lock``: fcntl.flock where there is fcntl
    (the same lock filelock takes, 70 ms of imports cheaper), filelock elsewhere."""

    def __init__(self, path: Path, timeout: float):
        self.path = path
        self.timeout = timeout
        self.fd = None
        self.other = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # Windows
            from filelock import FileLock, Timeout

            self.other = FileLock(str(self.path))
            try:
                self.other.acquire(timeout=self.timeout)
            except Timeout:
                raise LockTimeout() from None
            return self
        import time

        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    self.fd = None
                    raise LockTimeout() from None
                time.sleep(0.02)
            except BaseException:
                os.close(self.fd)
                self.fd = None
                raise

    def __exit__(self, *exc):
        if self.other is not None:
            self.other.release()
        elif self.fd is not None:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
        return False


def _truncate(handle, size: int) -> None:
    """Cut an unbuffered log back to ``size`` bytes (os.ftruncate: nothing
    buffered is flushed first, so a full disk cannot stop it)."""
    try:
        os.ftruncate(handle.fileno(), size)
    except (OSError, ValueError):
        return
    try:
        os.fsync(handle.fileno())
    except (OSError, ValueError):
        pass
