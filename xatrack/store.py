"""The tracker's files as bytes: finding the tracker, reading bytes (and what
a lazy read read, for the query index), locks and appends to the logs. No
parser: reading.py hands the bytes to the registry, directory and log
parsers through the cache; whole-file writes are safefs.write_atomic.

A tracker is a folder holding ``tasks.yaml`` (the registry), optionally
``units.yaml`` (the directory of units and leaders) and ``progress/`` with
one append-only log per quarter (``progress/2025-Q2.yaml``).

Each log entry is written as one line, a YAML flow mapping that is also
JSON: appends never touch earlier bytes, git's ``merge=union`` can never
split an entry, and reading can take a fast path line by line.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xatrack.cache import Cache, digest
from xatrack.errors import DataError
from xatrack.authority import decode_lines  # the line grammar: a log's bytes as lines
from xatrack.logline import TORN_MARK, record_line, recorded_after, sound_line  # the line format appends write (and check the tail by)
from xatrack.model import Quarter
from xatrack.safefs import fsync_folder, guard_inside, write_atomic  # noqa: F401  (write_atomic: part of the store's face)

REGISTRY = "tasks.yaml"
DIRECTORY = "units.yaml"
PROGRESS = "progress"
ROOT_ENV = "XATRACK_ROOT"
MAX_LOG_BYTES = 256 * 1024 * 1024

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


def read_log_text(path: Path, max_bytes: int = MAX_LOG_BYTES) -> str:
    """A log's text (``decode_log``); DataError only when the file cannot be read at all."""
    return decode_log(read_bytes(path, max_bytes))


def decode_log(data: bytes, path: Path | None = None) -> str:
    """A log's text: invalid bytes kept as lone surrogates, so that the line
    holding them is one damaged line (logfile), not an unreadable file. BOM dropped."""
    return decode_lines(data)


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


def stat_key(st) -> tuple:
    """What a file's metadata says of its bytes: size, modification and change
    times (ns) and file id. Any write changes the change time (POSIX)."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass
class Tracker:
    root: Path
    _cache: object = None  # a xatrack.cache.Cache; made on first use
    # With ``remember`` set (the query index wants it), each file read is noted:
    # path -> (stat_key taken before the read, wall clock ns before the stat,
    # SHA-256 of the bytes read). The digest, not the bytes: 17 MB less at 10,000 tasks.
    remember: bool = False
    seen: dict = field(default_factory=dict)

    def read(self, path: Path, max_bytes: int = MAX_LOG_BYTES) -> bytes:
        """A tracker file's bytes (read_bytes), noted with its metadata when ``remember`` is set."""
        if not self.remember:
            return read_bytes(path, max_bytes)
        started = time.time_ns()
        try:
            before = stat_key(os.stat(path))
        except OSError:
            before = None
        data = read_bytes(path, max_bytes)
        if before is not None:
            self.seen[path] = (before, started, digest(data))
        return data

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

    @property
    def cache(self):
        if self._cache is None:
            self._cache = Cache.for_root(self.root)
        return self._cache

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

    def guard(self, path: Path) -> None:
        """DataError when a log leads out of the tracker through a symlink."""
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


# --------------------------------------------------------------------------- writing logs


def append_entries(path: Path, records: list[dict[str, Any]], header: str = "", root: Path | None = None, keep=None,
                   settle=None) -> None:
    """Append records to a log under a lock, flushed and fsynced before returning.

    All the records go in one write: every one is appended or none. A
    failed write or fsync (disk full, I/O error) cuts the log back to its
    bytes before the call, and a log the call created is removed again.
    A log that does not end with a newline (edited by hand) gets one first,
    so the new entry never glues onto the last line. ``root``: the tracker;
    a log or lock leading out of it through a symlink is refused. ``keep``:
    called under the lock with the records, returns those still to append
    (ingest drops rows a concurrent writer recorded meanwhile). ``settle``:
    called under the lock with the records once their ``at`` is final (a
    record whose id is made from its content, a finding, is named again).
    """
    lock_path = Path(str(path) + ".lock")
    try:
        if root is not None:
            guard_inside(root, path.parent, "进度记录目录")
            guard_inside(root, path, "进度记录")
            guard_inside(root, lock_path, "锁文件")
        path.parent.mkdir(parents=True, exist_ok=True)
        with log_lock(lock_path, timeout=30):
            if keep is not None:
                records = keep(records)
                if not records:
                    return
            created = not os.path.lexists(path)
            with open(path, "ab+", buffering=0) as handle:
                size = handle.seek(0, os.SEEK_END)
                prefix = b""
                if size == 0:
                    prefix = header.encode("utf-8")
                else:
                    handle.seek(max(0, size - 65536))
                    tail = handle.read()
                    if not tail.endswith(b"\n"):
                        # A hand edit without a final newline, or a write torn by
                        # a crash: a sound last line is ended; a torn one is
                        # ended and marked void, its bytes kept.
                        last = tail.rsplit(b"\n", 1)[-1]
                        if not sound_line(last):
                            prefix = b"\n" + TORN_MARK.encode("utf-8") + b"\n"
                            tail = tail[: len(tail) - len(last)]
                        else:
                            prefix = b"\n"
                    recorded_after(records, tail)  # a correction at the same instant stays the newer
                    handle.seek(0, os.SEEK_END)
                if settle is not None:
                    settle(records)
                payload = "".join(record_line(r) for r in records).encode("utf-8")
                try:
                    _write_all(handle.fileno(), prefix + payload)
                    os.fsync(handle.fileno())
                except BaseException:
                    _truncate(handle, size)  # a failed append leaves the log as it was
                    if created:
                        _remove(path)
                    raise
            if size == 0:
                fsync_folder(path.parent)  # a new log's name is durable too
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


class log_lock:
    """An exclusive lock on ``<log>.lock``: fcntl.flock where there is fcntl
    (the same lock filelock takes, 70 ms of imports cheaper), filelock elsewhere."""

    def __init__(self, path: Path, timeout: float):
        self.path = path
        self.timeout = timeout
        self.fd = None
        self.other = None

    def __enter__(self):
        try:
            import fcntl  # lazy: rare - only a command that writes takes the lock
        except ImportError:  # Windows
            from filelock import FileLock, Timeout  # lazy: rare - Windows only

            self.other = FileLock(str(self.path))
            try:
                self.other.acquire(timeout=self.timeout)
            except Timeout:
                raise LockTimeout() from None
            return self
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
            import fcntl  # lazy: rare - as in __enter__ (imported there already)

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
