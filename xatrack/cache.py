"""A cache of parsed files that can never serve stale data.

Like beancount's loader cache, but keyed by content, not by modification
time: the registry by the SHA-256 of its bytes (and each target or task by
the hash of its own lines, so an edited registry re-parses only what
changed); a progress log by the hash of the bytes already parsed, so an
appended log parses only its new lines, and any change to earlier bytes
means a full parse. Every value is stamped with the version, FORMAT, the
Python version and the hash of the source of the modules that make it
(CODE_MODULES), so a value made by other code is never served.

The cache lives outside the tracker (``$XATRACK_CACHE_DIR``, else
``$XDG_CACHE_HOME/xatrack`` or ``~/.cache/xatrack``), one folder per
tracker. A missing, unreadable or corrupt cache is silently rebuilt; a
cache that cannot be written is simply not kept.
"""

from __future__ import annotations

import atexit
import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from xatrack import __version__
from xatrack.errors import InputError

CACHE_ENV = "XATRACK_CACHE_DIR"
NO_CACHE_ENV = "XATRACK_NO_CACHE"
FORMAT = 5  # 5: entries carry retracts, decisive keeps each reporter; newest by time and content
_STAMP = f"xatrack-cache {__version__} {FORMAT} {sys.version_info[0]}.{sys.version_info[1]}"

# The modules whose code makes what is cached (the registry, directory and log
# parsers, the decisive reducer, the chunking here). Their source bytes are
# hashed into every stamp, so a changed parser never serves results of the old
# one, FORMAT bumped or not (an editable install stays at one version).
# tests/test_cache.py checks that parsing imports no xatrack module missing here.
CODE_MODULES = (
    "authority", "cache", "directory", "directory.index", "directory.names", "directory.reader", "errors", "evaluate", "fastyaml",
    "load", "logfile", "logline", "model", "paperwork", "qindex", "queries", "reading", "registry", "roles", "schedule", "store",
    "workdays", "yamlio",
)
_code_stamp: str | None = None


def code_hash() -> str:
    """SHA-256 (16 hex digits) of CODE_MODULES' source bytes, computed once per
    process (about 0.3 ms); a module without readable source counts by the version."""
    global _code_stamp
    if _code_stamp is None:
        _code_stamp = hash_sources(Path(__file__).resolve().parent)
    return _code_stamp


def sha256_hasher(size: int):
    """A SHA-256 hasher: for a few hundred KB, the interpreter's own (hashlib
    loads OpenSSL, 2 ms of every start-up); for files, OpenSSL's, several times faster."""
    if size < 1 << 20:
        try:
            # lazy: heavy - hashlib loads OpenSSL (2.5 ms), which a small file need not pay
            from _sha256 import sha256  # Python 3.11
        except ImportError:
            try:
                from _sha2 import sha256  # Python 3.12+; lazy: heavy - as above
            except ImportError:
                from hashlib import sha256  # lazy: heavy - OpenSSL, the last resort
        return sha256()
    from hashlib import sha256  # lazy: heavy - OpenSSL (2.5 ms): only for a file of 1 MB or more

    return sha256()


def hash_sources(package: Path, modules=CODE_MODULES) -> str:
    hasher = sha256_hasher(0)
    for name in modules:
        path = package.joinpath(*name.split(".")).with_suffix(".py")
        if not path.is_file() and package.joinpath(*name.split(".")).is_dir():
            path = package.joinpath(*name.split("."), "__init__.py")
        try:
            source = path.read_bytes()
        except OSError:
            source = __version__.encode("ascii")
        hasher.update(name.encode("ascii") + b"\0" + len(source).to_bytes(8, "little") + source)
    return hasher.hexdigest()[:16]


def _stamp() -> str:
    """What a cached value must carry to be used: version, FORMAT, Python and the code's hash."""
    return f"{_STAMP} {code_hash()}"


def digest(data: bytes) -> str:
    hasher = sha256_hasher(len(data))
    hasher.update(data)
    return hasher.hexdigest()


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
            resolved = Path(root).resolve()
            key = digest(str(resolved).encode("utf-8"))[:16]
            inside = folder.resolve()
        except OSError:
            return cls(None)
        if inside == resolved or resolved in inside.parents:
            shown = f"环境变量 {CACHE_ENV}" if base else "缓存目录"
            raise InputError(f"{shown}({folder})在跟踪目录 {resolved} 之内:缓存会混进跟踪的文件,请指定跟踪目录之外的目录")
        return cls(folder / key)

    def load(self, name: str) -> Any:
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                stamp, value = pickle.load(handle)
        except Exception:  # missing, truncated, corrupt, from another version
            return None
        return value if stamp == _stamp() else None

    def load_slice(self, name: str, pick) -> Any:
        """From a file saved with pieces: ``pick(value)`` gives (offset, length)
        of the piece wanted, or None; returns (value, piece bytes or None),
        reading only that piece of the file."""
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                size = int.from_bytes(handle.read(8), "little")
                stamp, value = pickle.loads(handle.read(size))
                if stamp != _stamp():
                    return None
                where = pick(value)
                if where is None:
                    return value, None
                offset, length = where
                handle.seek(8 + size + offset)
                piece = handle.read(length)
                return (value, piece) if len(piece) == length else None
        except Exception:
            return None

    def load_pieces(self, name: str) -> Any:
        """(value, the pieces' bytes) of a file saved with pieces, or None."""
        if self.folder is None:
            return None
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                try:  # mapped: only the pages of the pieces used are read
                    import mmap  # lazy: rare - only a cache file read by pieces (the query index, the one-item lookup)

                    data = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
                except (OSError, ValueError):
                    data = handle.read()
            size = int.from_bytes(data[:8], "little")
            stamp, value = pickle.loads(data[8 : 8 + size])
        except Exception:
            return None
        return (value, memoryview(data)[8 + size :]) if stamp == _stamp() else None

    def save(self, name: str, value: Any, pieces: bytes | None = None) -> None:
        """Pickle ``value``; with ``pieces``, the pickle's length first and the
        pieces after it, for load_slice."""
        if self.folder is None:
            return
        try:
            import tempfile  # lazy: rare - only when a value is saved; tempfile costs 0.4 ms that a warm list does not pay

            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    if pieces is None:
                        pickle.dump((_stamp(), value), handle, protocol=pickle.HIGHEST_PROTOCOL)
                    else:
                        head = pickle.dumps((_stamp(), value), protocol=pickle.HIGHEST_PROTOCOL)
                        handle.write(len(head).to_bytes(8, "little") + head + pieces)
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


def cached_registry(cache: Cache, data: bytes, decode, source: str, parse_registry):
    """(plan, problems) for the registry's bytes, parsing only what changed;
    ``decode()`` gives the text, needed only when the cache does not hold it;
    ``parse_registry(text, source, chunks=)`` is the parser (registry.parse_registry):
    passed in, so the cache depends on no parser."""
    key = digest(data)
    state = cache.load("registry")
    if isinstance(state, dict) and state.get("digest") == key:
        return state["plan"], list(state["problems"])
    old_chunks = cache.load("registry-items")
    used: dict = {}
    chunks = _Recording(old_chunks if isinstance(old_chunks, dict) else {}, used)
    plan, problems = parse_registry(decode(), source, chunks=chunks)
    cache.save("registry", {"digest": key, "plan": plan, "problems": problems})
    cache.save("registry-items", used)  # read only when the registry changes
    # The one-item lookup (for update) is written by update itself, when it
    # first needs it: remember_items.
    return plan, problems


def _save_lookup(cache: Cache, key: str, plan, problems) -> None:
    """The registry for commands about one item: each item pickled on its own
    after an index, so `update` reads and unpickles one item, not ten thousand."""
    index = {}
    pieces = []
    offset = 0
    for item in plan.items:
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        index[item.id] = (offset, len(data))
        pieces.append(data)
        offset += len(data)
    head = {
        "digest": key,
        "bare": replace(plan, targets=(), tasks=()),
        "errors": any(p.severity == "error" for p in problems),
        "index": index,
    }
    cache.save("registry-lookup", head, pieces=b"".join(pieces))


def remember_items(cache: Cache, data: bytes, plan) -> None:
    """Keep the one-item lookup of a registry that was read whole (and sound)."""
    _save_lookup(cache, digest(data), plan, [])


def cached_item(cache: Cache, data: bytes, item_id: str):
    """(plan without items, the item or None) for these registry bytes, from
    the cache; None when the cache does not hold this registry, or it has errors."""
    key = digest(data)

    def pick(head):
        if not isinstance(head, dict) or head.get("digest") != key or head.get("errors"):
            return None
        return head["index"].get(item_id)

    found = cache.load_slice("registry-lookup", pick)
    if found is None:
        return None
    head, piece = found
    if not isinstance(head, dict) or head.get("digest") != key or head.get("errors"):
        return None
    try:
        return head["bare"], (pickle.loads(piece) if piece is not None else None)
    except Exception:
        return None


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


def cached_log(cache: Cache, name: str, data: bytes, parse, reduce=None, rebuild_if=None):
    """Entries and problems of a log, parsing only bytes appended since last time.

    ``parse(data, first_line, first_seq)`` parses bytes whose first line is
    the file's line ``first_line`` and first record has position ``first_seq``;
    it returns (entries, problems, record_count, fast) where ``fast`` says the
    text was all one-line entries (only then can later appends be added on).
    ``reduce`` (entries -> fewer entries) is applied before caching; it must
    satisfy reduce(reduce(a) + b) == reduce(a + b), as evaluate.decisive does
    for appended entries that ``rebuild_if`` (entries -> bool) does not flag;
    an append it flags (a retraction, which can bring back an entry the
    reduction dropped) makes the whole log be parsed and reduced again.
    """
    if reduce is None:
        reduce = _same
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
        # Bytes appended to a last line without its newline continue that line: parse it all.
        glued = size > 0 and data[size - 1 : size] != b"\n"
        prefix_lines = data[:size].count(b"\n")
        entries, problems, count, fast = ([], [], 0, False) if glued else parse(data[size:], prefix_lines, state["count"])
        if fast and not (rebuild_if is not None and rebuild_if(entries)):
            state = {
                "fast": True,
                "size": len(data),
                "digest": digest(data),
                "entries": reduce(state["entries"] + entries),
                "problems": state["problems"] + problems,
                "count": state["count"] + count,
            }
            cache.save(name, state)
            return list(state["entries"]), list(state["problems"])
    entries, problems, count, fast = parse(data, 0, 0)
    entries = reduce(entries)
    cache.save(
        name,
        {"fast": fast, "size": len(data), "digest": digest(data), "entries": entries, "problems": problems, "count": count},
    )
    return entries, problems


class PinyinMemo(dict):
    """Pinyin of names, kept between runs: pypinyin takes 0.4 s to import and
    load its dictionary, so a `--leader hsy` should need it once per name, not
    once per command. Filled on a miss, saved at exit when it grew."""

    def __init__(self, cache: Cache):
        super().__init__()
        self.cache = cache
        self.loaded = False
        self.dirty = False

    def get(self, key, default=None):
        if not self.loaded:
            self.loaded = True
            saved = self.cache.load("pinyin")
            if isinstance(saved, dict):
                self.update(saved)
        return super().get(key, default)

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if not self.dirty:
            self.dirty = True
            atexit.register(lambda: self.cache.save("pinyin", dict(self)))


def _same(entries):
    return entries
