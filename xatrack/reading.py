"""Reading a tracker's files through the cache: where the bytes the store
reads meet their parsers (registry.py, directory/, logfile.py) and the
content-keyed cache (cache.py). load.py reads through these; the store itself
owns only bytes, locks and appends and knows no parser.

Each function takes the store's ``Tracker`` (its paths, its cache, what a lazy
read remembers for the query index).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from xatrack.cache import PinyinMemo, cached_item, cached_log, cached_parse, cached_registry, remember_items, sha256_hasher
from xatrack.directory import Directory, parse_directory
from xatrack.errors import DataError, Problem
from xatrack.logfile import entries_naming, one_line_log, parse_log_part, read_log
from xatrack.model import TARGET, Entry, Plan, Quarter, normalize_id
from xatrack.store import DIRECTORY, PROGRESS, REGISTRY, decode_log, decode_text, read_bytes

MAX_REGISTRY_READ = 64 * 1024 * 1024

# --------------------------------------------------------------------------- registry and directory


def load_plan(tracker, data: bytes | None = None) -> tuple[Plan | None, list[Problem]]:
    """The registry (its bytes, if already read), through the content-keyed cache."""
    from xatrack.registry import parse_registry  # lazy: rare - a warm list/overdue/update answers from the cache and never imports registry (5 ms)

    if data is None:
        data = tracker.read(tracker.registry_path, MAX_REGISTRY_READ)
    return cached_registry(tracker.cache, data, lambda: decode_text(data, tracker.registry_path), REGISTRY, parse_registry)


def plan(tracker, data: bytes | None = None) -> Plan:
    """The plan, or DataError naming the first error (check lists them all)."""
    found, problems = load_plan(tracker, data)
    errors = [p for p in problems if p.severity == "error"]
    if found is None or errors:
        first = errors[0] if errors else problems[0]
        more = f"(共 {len(errors)} 处错误,运行 xatrack check 查看全部)" if len(errors) > 1 else ""
        raise DataError(f"{first}{more}")
    return found


def plan_for(tracker, item_id: str) -> Plan:
    """A plan holding only the item ``item_id`` (for `update`: quick on a
    big registry), or the whole plan when the cache cannot say or the id
    is unknown (so the error can suggest the closest ids)."""
    data = read_bytes(tracker.registry_path, MAX_REGISTRY_READ)
    found = cached_item(tracker.cache, data, normalize_id(item_id))
    if found is None or found[1] is None:
        whole = plan(tracker, data)
        if found is None:
            remember_items(tracker.cache, data, whole)
        return whole
    bare, item = found
    if item.kind == TARGET:
        return replace(bare, targets=(item,))
    return replace(bare, tasks=(item,))


def load_directory(tracker):
    """(units.yaml as a Directory, its problems); an empty directory when there is none."""
    if not tracker.directory_path.is_file():
        return Directory.empty(), []
    data = tracker.read(tracker.directory_path)
    return cached_parse(
        tracker.cache, "directory", data, lambda: parse_directory(decode_text(data, tracker.directory_path), DIRECTORY)
    )


def directory(tracker):
    """The directory, or DataError naming its first error; pinyin remembered in the cache."""
    found, problems = load_directory(tracker)
    found.remember_pinyin_in(PinyinMemo(tracker.cache))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(str(errors[0]))
    return found


# --------------------------------------------------------------------------- progress logs


def entries(tracker, year: int | None = None, until: int | None = None, reduce=None) -> tuple[list[Entry], list[Problem]]:
    """The entries of the logs (of one plan year, of its quarters up to
    ``until``), and the problems met reading them. With ``reduce``
    (evaluate.decisive), only the entries an evaluation can depend on, from
    their own cache: a fraction of a long log."""
    found: list[Entry] = []
    problems: list[Problem] = []
    for path, quarter in tracker.log_files():
        if year is not None and quarter.year != year:
            continue
        if until is not None and quarter.q > until:
            continue
        more, trouble = read_log_file(tracker, path, quarter, reduce)
        found.extend(more)
        problems.extend(trouble)
    return found, problems


def read_log_file(tracker, path: Path, quarter: Quarter, reduce=None) -> tuple[list[Entry], list[Problem]]:
    """One log through the cache: only bytes appended since the last read
    are parsed. With ``reduce``, only the entries an evaluation can depend
    on, kept in a cache of their own."""
    source = f"{PROGRESS}/{path.name}"
    tracker.guard(path)
    data = tracker.read(path)

    def parse(part: bytes, first_line: int, first_seq: int):
        return parse_log_part(decode_log(part, path), quarter, source, first_line, first_seq)

    if reduce is None:
        return cached_log(tracker.cache, f"log-{path.name}", data, parse)
    return cached_log(
        tracker.cache, f"decisive-{path.name}", data, parse, reduce=reduce,
        rebuild_if=lambda found: any(e.retracts for e in found),
    )


def item_entries(tracker, item_id: str, year: int, until: int | None = None) -> list[Entry]:
    """The entries of one item (in the quarters up to ``until``), without
    parsing whole logs: only lines that mention the id are parsed (a log in
    another style is parsed whole)."""
    wanted = normalize_id(item_id)
    found: list[Entry] = []
    for path, quarter in tracker.log_files():
        if quarter.year != year or (until is not None and quarter.q > until):
            continue
        tracker.guard(path)
        data = read_bytes(path)
        source = f"{PROGRESS}/{path.name}"
        checked, remember = _checked_prefix(tracker, path, data)
        one_line = not data.startswith(b"\xef\xbb\xbf") and one_line_log(data, checked)
        naming = entries_naming(data, wanted, quarter, source, checked) if one_line else None
        if naming is None:  # edited into another style: parse it whole
            naming, _ = read_log(decode_log(data, path), quarter, source)
        else:
            remember()
        found.extend(e for e in naming if e.item == wanted)
    return found


def _checked_prefix(tracker, path: Path, data: bytes):
    """(how many first bytes of the log passed item_entries' checks at an
    earlier read, a function that remembers all of ``data`` as passed).
    The earlier bytes are known by their SHA-256: an append keeps them,
    any other change means checking the whole log again."""
    name = f"checked-{path.name}"
    known = tracker.cache.load(name)
    hasher = sha256_hasher(len(data))
    checked = 0
    if isinstance(known, tuple) and len(known) == 2 and 0 < known[0] <= len(data) and data[known[0] - 1] == 10:
        view = memoryview(data)
        hasher.update(view[: known[0]])
        if hasher.copy().hexdigest() == known[1]:
            checked = known[0]
        hasher.update(view[known[0] :])
    else:
        hasher.update(data)

    def remember() -> None:
        if data.endswith(b"\n") and len(data) != checked:
            tracker.cache.save(name, (len(data), hasher.hexdigest()))

    return checked, remember
