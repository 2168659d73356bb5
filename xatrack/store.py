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

    def load_plan(self) -> tuple[Plan | None, list[Problem]]:
        """The registry, through the content-keyed cache."""
        from xatrack.cache import cached_registry

        data = read_bytes(self.registry_path, 64 * 1024 * 1024)
        return cached_registry(self.cache, data, decode_text(data, self.registry_path), REGISTRY)

    def plan(self) -> Plan:
        """The plan, or DataError naming the first error (check lists them all)."""
        plan, problems = self.load_plan()
        errors = [p for p in problems if p.severity == "error"]
        if plan is None or errors:
            first = errors[0] if errors else problems[0]
            more = f"(共 {len(errors)} 处错误,运行 xatrack check 查看全部)" if len(errors) > 1 else ""
            raise DataError(f"{first}{more}")
        return plan

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
        directory, problems = self.load_directory()
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

    def entries(self, year: int | None = None) -> tuple[list[Entry], list[Problem]]:
        """All entries of the logs (of one plan year), and the problems met reading them."""
        entries: list[Entry] = []
        problems: list[Problem] = []
        for path, quarter in self.log_files():
            if year is not None and quarter.year != year:
                continue
            found, trouble = self.read_log_file(path, quarter)
            entries.extend(found)
            problems.extend(trouble)
        return entries, problems

    def item_entries(self, item_id: str, year: int) -> list[Entry]:
        """The entries of one item, without parsing whole logs: only lines that
        mention the id are parsed (a log in another style is parsed whole)."""
        from xatrack.model import normalize_id

        wanted = normalize_id(item_id)
        found: list[Entry] = []
        for path, quarter in self.log_files():
            if quarter.year != year:
                continue
            data = read_bytes(path)
            source = f"{PROGRESS}/{path.name}"
            one_line = data.startswith(b"\xef\xbb\xbf") is False and not _OTHER_LINE_BYTES.search(data)
            entries = _entries_naming(data, wanted, quarter, source) if one_line else None
            if entries is None:  # edited into another style: parse it whole
                entries, _ = read_log(decode_text(data, path), quarter, source)
            found.extend(e for e in entries if e.item == wanted)
        return found

    def read_log_file(self, path: Path, quarter: Quarter) -> tuple[list[Entry], list[Problem]]:
        """One log through the cache: only bytes appended since the last read are parsed."""
        from xatrack.cache import cached_log

        source = f"{PROGRESS}/{path.name}"
        data = read_bytes(path)

        def parse(part: bytes, first_line: int, first_seq: int):
            return parse_log_part(decode_text(part, path), quarter, source, first_line, first_seq)

        return cached_log(self.cache, f"log-{path.name}", data, parse)

    def append(self, quarter: Quarter, record: dict[str, Any]) -> Path:
        path = self.log_path(quarter)
        append_entries(path, [record], header=log_header(quarter))
        return path


def log_header(quarter: Quarter) -> str:
    return (
        f"# {quarter.label}进度记录(xatrack 追加写入)。\n"
        "# 每行一条报送;更正请追加新的一条,不要修改或删除已有条目。\n"
    )


# --------------------------------------------------------------------------- reading logs


def read_log(text: str, quarter: Quarter, source: str) -> tuple[list[Entry], list[Problem]]:
    """Entries of one quarter's log and the problems found, with lines.

    Lines written by xatrack are parsed one by one as JSON; a log edited by
    hand into another YAML style is parsed whole with ruamel.yaml.
    """
    records = _fast_records(text)
    if records is None:
        records, problem = _yaml_records(text, source)
        if problem is not None:
            return [], [problem]
    entries: list[Entry] = []
    problems: list[Problem] = []
    for seq, (line, raw) in enumerate(records):
        entry, message = entry_from_record(raw, quarter, source, line, seq)
        if message:
            problems.append(Problem(source, line, message))
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _entries_naming(data: bytes, item_id: str, quarter: Quarter, source: str) -> list[Entry] | None:
    """Entries of one item from a log of one-line entries, parsing only the
    lines whose id field names it (searched in the bytes, nothing else is
    decoded); None if such a line is not JSON."""
    before = re.compile(rb"""(?:"id"|\bid)\s*:\s*["']?$""", re.IGNORECASE)
    after = re.compile(rb"""["']?\s*[,}]""")
    entries = []
    position, number, last_start = 0, 1, -1
    for match in re.finditer(re.escape(item_id.encode("ascii", "replace")), data, re.IGNORECASE):
        start = data.rfind(b"\n", 0, match.start()) + 1
        if start == last_start:
            continue
        # the id field, and not a date, timestamp or another id that contains the same digits
        if not before.search(data, max(start, match.start() - 12), match.start()) or not after.match(data, match.end()):
            continue
        last_start = start
        end = data.find(b"\n", match.end())
        line = data[start : end if end >= 0 else len(data)]
        number += data.count(b"\n", position, start)
        position = start
        try:
            raw = json.loads(line.strip()[2:].decode("utf-8"))
        except ValueError:
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
    records = _fast_records(text)
    fast = records is not None
    if fast and first_line == 0 and first_seq == 0:
        entries, problems = read_log(text, quarter, source)
        return entries, problems, len(records), True
    if not fast:
        if first_line or first_seq:
            return [], [], 0, False  # the caller parses the whole file instead
        entries, problems = read_log(text, quarter, source)
        return entries, problems, 0, False
    entries: list[Entry] = []
    problems: list[Problem] = []
    for seq, (line, raw) in enumerate(records, start=first_seq):
        entry, message = entry_from_record(raw, quarter, source, line + first_line, seq)
        if message:
            problems.append(Problem(source, line + first_line, message))
        if entry is not None:
            entries.append(entry)
    return entries, problems, len(records), True


def _fast_records(text: str) -> list[tuple[int, Any]] | None:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not stripped.startswith("- {"):
            return None
        try:
            records.append((number, json.loads(stripped[2:])))
        except (ValueError, RecursionError):
            return None
    return records


def _yaml_records(text: str, source: str) -> tuple[list[tuple[int, Any]], Problem | None]:
    from xatrack.yamlio import load_yaml

    data, problem = load_yaml(text, source, MAX_LOG_BYTES)
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


def entry_from_record(raw: Any, quarter: Quarter, source: str, line: int, seq: int) -> tuple[Entry | None, str]:
    """An Entry from one parsed record, or (None, Chinese reason)."""
    if not isinstance(raw, dict):
        return None, "每条记录应为映射(id/value/status/date…)"
    item = raw.get("id")
    if isinstance(item, bool) or not isinstance(item, (int, str)) or str(item).strip() == "":
        return None, f"缺少或无效的 id:{item!r}"
    metric = raw.get("metric")
    if metric is not None and not isinstance(metric, str):
        metric = str(metric)
    value = raw.get("value")
    if value is not None and not is_finite_number(value):
        return None, f"value 应为有限数值,实为 {value!r}"
    status = raw.get("status")
    if status is not None and status not in REPORT_STATUSES:
        return None, f"未知的状态 {status!r}(应为 {'/'.join(REPORT_STATUSES)})"
    if value is None and status is None and not raw.get("note"):
        return None, "记录中既没有 value,也没有 status 或 note"
    day = _as_date(raw.get("date"))
    if day is None:
        return None, f"缺少或无效的 date:{raw.get('date')!r}"
    note = raw.get("note")
    at = raw.get("at")
    recorded = None
    if isinstance(at, datetime):
        recorded = at
    elif isinstance(at, str):
        try:
            recorded = datetime.fromisoformat(at)
        except ValueError:
            recorded = None
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
    )
    return entry, ""


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


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


def append_entries(path: Path, records: list[dict[str, Any]], header: str = "") -> None:
    """Append records to a log under a lock, flushed and fsynced before returning.

    A log that does not end with a newline (edited by hand) gets one first,
    so the new entry never glues onto the last line.
    """
    from filelock import FileLock, Timeout

    payload = "".join(record_line(r) for r in records).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path) + ".lock")
    try:
        with lock.acquire(timeout=30):
            with open(path, "ab+") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                prefix = b""
                if size == 0:
                    prefix = header.encode("utf-8")
                else:
                    handle.seek(size - 1)
                    if handle.read(1) != b"\n":
                        prefix = b"\n"
                    handle.seek(0, os.SEEK_END)
                handle.write(prefix + payload)
                handle.flush()
                os.fsync(handle.fileno())
    except Timeout:
        raise DataError(f"{path} 正被其他进程写入,30 秒内未能获得锁;请稍后重试") from None
    except OSError as error:
        raise DataError(f"无法写入 {path}:{error.strerror}") from None


def write_atomic(path: Path, text: str) -> None:
    """Replace a whole file: temporary file, fsync, rename."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
