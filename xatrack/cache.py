"""A cache of parsed files that can never serve stale data.

Like beancount's loader cache, but keyed by content, not by modification
time: the registry by the SHA-256 of its bytes (and each target or task by
the hash of its own lines, so an edited registry re-parses only what
changed); a progress log by the hash of the bytes already parsed, so an
appended log parses only its new lines, and any change to earlier bytes
means a full parse.

The cache lives outside the tracker (``$XATRACK_CACHE_DIR``, else
``$XDG_CACHE_HOME/xatrack`` or ``~/.cache/xatrack``), one folder per
tracker. A missing, unreadable or corrupt cache is silently rebuilt; a
cache that cannot be written is simply not kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from xatrack import __version__

CACHE_ENV = "XATRACK_CACHE_DIR"
NO_CACHE_ENV = "XATRACK_NO_CACHE"
FORMAT = 3
_STAMP = f"xatrack-cache {__version__} {FORMAT} {sys.version_info[0]}.{sys.version_info[1]}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Cache:
    """Pickled values by name in one folder; every failure means "no cache"."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    @classmethod
    def for_root(cls, root: Path) -> Cache:
        if os.environ.get(NO_CACHE_ENV):
            return cls(None)
        base = os.environ.get(CACHE_ENV)
        if base:
            folder = Path(base)
        else:
            xdg = os.environ.get("XDG_CACHE_HOME")
            folder = (Path(xdg) if xdg else Path.home() / ".cache") / "xatrack"
        try:
            key = digest(str(Path(root).resolve()).encode("utf-8"))[:16]
        except OSError:
            return cls(None)
        return cls(folder / key)

    def load(self, name: str) -> Any:
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                stamp, value = pickle.load(handle)
        except Exception:  # missing, truncated, corrupt, from another version
            return None
        return value if stamp == _STAMP else None

    def save(self, name: str, value: Any) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump((_STAMP, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temp, self.folder / f"{name}.pickle")
            except BaseException:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
                raise
        except Exception:
            return  # a cache that cannot be written is simply not kept


def cached_parse(cache: Cache, name: str, data: bytes, parse):
    """``parse()``'s result for these bytes, from the cache when the bytes are the same."""
    key = digest(data)
    state = cache.load(name)
    if isinstance(state, tuple) and len(state) == 2 and state[0] == key:
        return state[1]
    value = parse()
    cache.save(name, (key, value))
    return value


def cached_registry(cache: Cache, data: bytes, text: str, source: str):
    """(plan, problems) for the registry's bytes, parsing only what changed."""
    from xatrack.registry import parse_registry

    key = digest(data)
    state = cache.load("registry")
    if isinstance(state, dict) and state.get("digest") == key:
        return state["plan"], list(state["problems"])
    old_chunks = cache.load("registry-items")
    used: dict = {}
    chunks = _Recording(old_chunks if isinstance(old_chunks, dict) else {}, used)
    plan, problems = parse_registry(text, source, chunks=chunks)
    cache.save("registry", {"digest": key, "plan": plan, "problems": problems})
    cache.save("registry-items", used)  # read only when the registry changes
    return plan, problems


class _Recording(dict):
    """Chunk lookups that remember which pieces the current file still uses."""

    def __init__(self, old: dict, used: dict):
        super().__init__()
        self.old = old
        self.used = used

    def get(self, key, default=None):
        value = self.old.get(key, default)
        if value is not None:
            self.used[key] = value
        return value

    def __setitem__(self, key, value):
        self.used[key] = value


def cached_log(cache: Cache, name: str, data: bytes, parse):
    """Entries and problems of a log, parsing only bytes appended since last time.

    ``parse(data, first_line, first_seq)`` parses bytes whose first line is
    the file's line ``first_line`` and first record has position ``first_seq``;
    it returns (entries, problems, record_count, fast) where ``fast`` says the
    text was all one-line entries (only then can later appends be added on).
    """
    state = cache.load(name)
    if (
        isinstance(state, dict)
        and state.get("fast")
        and len(data) >= state.get("size", -1)
        and digest(data[: state["size"]]) == state.get("digest")
    ):
        size = state["size"]
        if size == len(data):
            return list(state["entries"]), list(state["problems"])
        prefix_lines = data[:size].count(b"\n")
        entries, problems, count, fast = parse(data[size:], prefix_lines, state["count"])
        if fast:
            state = {
                "fast": True,
                "size": len(data),
                "digest": digest(data),
                "entries": state["entries"] + entries,
                "problems": state["problems"] + problems,
                "count": state["count"] + count,
            }
            cache.save(name, state)
            return list(state["entries"]), list(state["problems"])
    entries, problems, count, fast = parse(data, 0, 0)
    cache.save(
        name,
        {"fast": fast, "size": len(data), "digest": digest(data), "entries": entries, "problems": problems, "count": count},
    )
    return entries, problems
