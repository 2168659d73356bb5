"""The query index: what `list`/`overdue`/`leaders` need of a big tracker,
so that `list --leader X` unpickles only X's evaluated items.

Derived from the files, never a second source of truth: one cache file per
quarter (``query-Q2``), made from tasks.yaml, units.yaml and every log of
the plan year up to that quarter, and (like every cached value) stamped with
the code's hash (cache.CODE_MODULES). It is used only while each of those
files is as it was when it was read to build the index:

- each file's *mark* holds the SHA-256 of the very bytes the build read and
  evaluated, and the file's metadata taken just before that read (size,
  modification and change times in ns, file id: store.stat_key);
- a query compares the metadata first; when it is the same and the file was
  last modified well before it was read (RACY_NS: a later write in the same
  tick of a coarse clock would leave the time unchanged), the bytes are taken
  as unchanged, as git and make do; otherwise the file is read and hashed,
  and the index is used only if the hash is the same (a `touch` or a copy of
  the same bytes keeps the index, any changed byte drops it);
- the set of files must be the same: a log added or removed drops it.

On POSIX any write to a file moves its change time, which nobody can set
back, so only a byte-for-byte equal file passes; on Windows (no change time)
a rewrite of the same size whose modification time is then set back by hand
would pass: the same limit as git's and make's.

The file holds a small head (the marks, each item's state, the offsets, the
items per leader name, the warnings the full read gave) and, after it, one
pickle of the filter facets of every item (read only for --unit, --lead
and --action), then one pickle per item: its status as ``evaluate`` gives it
for the whole plan, every entry and the directory's roles (findings, read at
each query, are applied then), then one per item of what a table line shows
of it (evaluate.item_line: flat values, read several times quicker than a
status; the term tables of list and overdue read only these). So a query unpickles only the statuses it shows, and
`overdue` only those behind or missing; the answer equals a full evaluation
(property-tested in tests/test_qindex.py). The index is written by the
second full read that finds the files unchanged (read_again), so an edit or
an append costs no more than before. The plan without its items and the
names the filters resolve against are in ``query-plan``, with tasks.yaml's mark.

Filters on --section or --search are not indexed: those read the whole plan.
"""

from __future__ import annotations

import os
import pickle
import time
from array import array
from dataclasses import replace
from zlib import crc32
from typing import NamedTuple

from xatrack.cache import digest
from xatrack.evaluate import ItemLine, evaluate, item_line
from xatrack.model import RELATIVE, TARGET, Quarter, normalize_id
from xatrack.queries import all_leaders, all_units
from xatrack.reading import item_entries
from xatrack.roles import Roles
from xatrack.store import decode_text, read_bytes, stat_key

VERSION = 3
RACY_NS = 3 * 10**9  # coarser than any file system's clock (FAT: 2 s)


class Facets(NamedTuple):
    """What Selector.item_matches reads of an item, except --search."""

    leaders: tuple
    lead: tuple
    units: tuple
    action: object
    section: object


def _files(tracker, year: int, q: int) -> list:
    """The files an index of quarter ``q`` of plan year ``year`` is made from:
    tasks.yaml, units.yaml (who reports an item's figure: roles.py) and the
    year's logs up to ``q``. DataError when a log leads out of the tracker."""
    files = [tracker.registry_path]
    if tracker.directory_path.is_file():
        files.append(tracker.directory_path)
    for path, quarter in tracker.log_files():
        if quarter.year == year and quarter.q <= q:
            tracker.guard(path)
            files.append(path)
    return files


def _name(tracker, path) -> str:
    return path.relative_to(tracker.root).as_posix()


def _marks(tracker, files) -> list | None:
    """(name, stat_key, trusted, sha256) of each file as this process read it
    (tracker.seen), or None when one was not read here."""
    marks = []
    for path in files:
        seen = tracker.seen.get(path)
        if seen is None:
            return None
        before, started, sha = seen
        trusted = before[1] < started - RACY_NS
        marks.append((_name(tracker, path), before, trusted, sha))
    return marks


def _hash_file(path) -> str:
    return digest(read_bytes(path, 256 * 1024 * 1024))


def _unchanged(tracker, marks, files) -> bool:
    """True when ``files`` are the marked files, each with the same bytes."""
    if len(marks) != len(files):
        return False
    for (name, before, trusted, sha), path in zip(marks, files):
        if name != _name(tracker, path):
            return False
        try:
            if trusted and stat_key(os.stat(path)) == before:
                continue
            if _hash_file(path) != sha:
                return False
        except Exception:
            return False
    return True


def _query_name(q: int) -> str:
    return f"query-Q{q}"


def read_again(tracker, year: int, q: int) -> bool:
    """True when the files look as they did (same metadata) at the previous
    full read of quarter ``q`` (then building the index pays off); remembers
    them otherwise. Building costs about as much as the read itself at 10,000
    tasks, so a tracker edited before every command never pays it. Only a
    guess at what pays: what the index is keyed by is in ``build``."""
    if tracker.cache.folder is None:  # no cache (XATRACK_NO_CACHE): nothing to build
        return False
    try:
        key = (VERSION, tuple((_name(tracker, p), stat_key(os.stat(p))) for p in _files(tracker, year, q)))
    except Exception:
        return False
    if tracker.cache.load(f"query-seen-Q{q}") == key:
        return True
    tracker.cache.save(f"query-seen-Q{q}", key)
    return False


def build(tracker, plan, quarter, statuses, unknown: int, problems, due: bool = True) -> None:
    """Save the index of ``quarter``: ``statuses`` is evaluate.evaluate of every
    item of ``plan`` on the (decisive) entries with the directory's roles and
    no findings (they are read and applied at each query: mark_open_findings),
    with the warnings the full read gave (log ``problems``, the ``unknown``
    entries count). The marks are those of the bytes this process read
    (tracker.remember): a file not read here means no index. ``due``: whether
    the quarter's deadline had passed when ``statuses`` were judged (before it,
    unreported items are 待报送): the index serves only a query on the same side."""
    try:
        files = _files(tracker, plan.info.year, quarter.q)
    except Exception:
        return
    marks = _marks(tracker, files)
    if marks is None:
        return
    strings: dict = {}

    def shared(values):
        return tuple(strings.setdefault(v, v) for v in values)

    groups: dict[tuple, list[int]] = {}
    by_leader: dict[str, array] = {}
    states = []
    pieces = [b""]  # the facets first (below), then one status per item, then one line per item
    offsets = array("q", [0])
    lines = []
    line_offsets = array("q", [0])
    checks = array("I")  # CRC-32 of each status, then of each line: a damaged byte is never believed
    line_checks = array("I")
    for at, status in enumerate(statuses):
        item = status.item
        facets = (shared(item.leaders), shared(item.lead), shared(item.units), item.action, item.section)
        groups.setdefault(facets, []).append(at)
        for name in dict.fromkeys(facets[0]):
            by_leader.setdefault(name, array("i")).append(at)
        states.append(strings.setdefault(status.state, status.state))
        data = pickle.dumps(status, protocol=pickle.HIGHEST_PROTOCOL)
        pieces.append(data)
        offsets.append(offsets[-1] + len(data))
        checks.append(crc32(data))
        line = pickle.dumps(tuple(item_line(status)), protocol=pickle.HIGHEST_PROTOCOL)
        lines.append(line)
        line_offsets.append(line_offsets[-1] + len(line))
        line_checks.append(crc32(line))
    pieces.extend(lines)
    facets_piece = pickle.dumps(list(groups.items()), protocol=pickle.HIGHEST_PROTOCOL)
    pieces[0] = facets_piece
    tracker.cache.save(
        "query-plan",
        {"registry": marks[0], "bare": replace(plan, targets=(), tasks=()),
         "leaders": all_leaders(plan), "units": all_units(plan)},
    )
    record = _layout_record(tracker, plan, marks[0][3])  # what an edit of one item is compared with (after_edit)
    if record is not None:
        tracker.cache.save("query-registry", record)
    head = {
        "marks": marks,
        "due": due,
        "states": states,
        "offsets": offsets.tobytes(),  # after the facets; arrays as bytes: a head of 10,000 items unpickles in under a ms
        "line_offsets": line_offsets.tobytes(),  # after the statuses
        "checks": checks.tobytes(),
        "line_checks": line_checks.tobytes(),
        "groups_check": crc32(facets_piece),
        "by_leader": {name: positions.tobytes() for name, positions in by_leader.items()},
        "groups": len(facets_piece),  # plain tuples: Facets made only when a query needs them
        "unknown": unknown,
        "problems": list(problems),
    }
    tracker.cache.save(_query_name(quarter.q), head, pieces=b"".join(pieces))


class Names:
    """The plan without its items and the names filters resolve against,
    for the registry as it is now (None from ``names`` otherwise)."""

    def __init__(self, state: dict):
        self.registry = state["registry"]
        self.bare = state["bare"]
        self.leaders = state["leaders"]
        self.units = state["units"]


def plan_state(tracker) -> dict | None:
    """What ``query-plan`` holds (the plan without its items, the names, the mark
    of tasks.yaml it was made from), whether or not tasks.yaml is still so."""
    state = tracker.cache.load("query-plan")
    return state if isinstance(state, dict) else None


def names(tracker, state: dict | None = None) -> Names | None:
    """The Names of ``query-plan`` when tasks.yaml is as it was made from, else None."""
    state = plan_state(tracker) if state is None else state
    if state is None or not _unchanged(tracker, [state["registry"]], [tracker.registry_path]):
        return None
    return Names(state)


class Hit:
    """An index that matched the files: the way to its items."""

    def __init__(self, bare, head: dict, pieces):
        self.head = head
        self.pieces = pieces
        self.bare = bare
        self.offsets = array("q")
        self.offsets.frombytes(head["offsets"])
        self.line_offsets = array("q")
        self.line_offsets.frombytes(head["line_offsets"])
        self.checks = array("I")
        self.checks.frombytes(head["checks"])
        self.line_checks = array("I")
        self.line_checks.frombytes(head["line_checks"])

    @property
    def problems(self) -> list:
        return list(self.head["problems"])

    @property
    def unknown(self) -> int:
        return self.head["unknown"]

    def _groups(self) -> list | None:
        piece = self.pieces[: self.head["groups"]]
        if crc32(piece) != self.head["groups_check"]:
            return None
        try:
            return pickle.loads(piece)
        except Exception:
            return None

    def chosen(self, selector, states=None) -> list[int] | None:
        """Positions (plan order) of the items ``selector.item_matches`` keeps
        (--search aside) and, with ``states``, whose state before findings is
        one of them; None when the file is damaged. With no filter but
        --leader (and --status), from the positions per leader name: a leader
        query matches an item when it matches one of its leaders (LeaderQuery.matches)."""
        if selector.unit is None and selector.lead is None and selector.actions is None and not selector.sections:
            if selector.leader is None:
                found = range(len(self.head["states"]))
            else:
                matches = selector.leader.matches
                found = set()
                for name, positions in self.head["by_leader"].items():
                    if matches((name,)):
                        at = array("i")
                        at.frombytes(positions)
                        found.update(at)
        else:
            groups = self._groups()
            if groups is None:
                return None
            found = []
            for facets, positions in groups:
                if selector.item_matches(Facets._make(facets)):
                    found.extend(positions)
        if states is not None:
            known = self.head["states"]
            found = [at for at in found if known[at] in states]
        return sorted(found)

    def statuses(self, positions: list[int]) -> tuple | None:
        """The statuses (before findings) of the items at ``positions``, in plan
        order, as evaluate.evaluate on the whole plan and its entries gives
        them; None when the file is damaged (the caller reads the files)."""
        return _read(self.pieces[self.head["groups"] :], self.offsets, self.checks, positions)

    def lines(self, positions: list[int]) -> list | None:
        """evaluate.item_line of the statuses at ``positions`` (before findings),
        in plan order: flat tuples, several times quicker to read than the
        statuses; None when the file is damaged."""
        found = _read(self.pieces[self.head["groups"] + self.offsets[-1] :], self.line_offsets, self.line_checks, positions)
        return None if found is None else list(map(ItemLine._make, found))


def _read(pieces, offsets, checks, positions) -> tuple | None:
    """The pickles at ``positions``, each checked against its CRC-32; None at the first damaged one."""
    loads = pickle.loads
    found = []
    try:
        for at in positions:
            piece = pieces[offsets[at] : offsets[at + 1]]
            if crc32(piece) != checks[at]:
                return None
            found.append(loads(piece))
    except Exception:
        return None
    return tuple(found)


def lookup(tracker, found: Names, q: int, due: bool | None = None) -> Hit | None:
    """The index of quarter ``q`` when it matches the files now and (with
    ``due``) was judged on the same side of the quarter's deadline, else None."""
    state = tracker.cache.load_pieces(_query_name(q))
    if state is None:
        return None
    head, pieces = state
    try:
        if not isinstance(head, dict) or head.get("marks", [None])[0] != found.registry:
            return None
        if due is not None and head.get("due") is not due:
            return None
        offsets = array("q")
        offsets.frombytes(head["offsets"])
        line_offsets = array("q")
        line_offsets.frombytes(head["line_offsets"])
        if len(pieces) != head["groups"] + offsets[-1] + line_offsets[-1]:
            return None
        files = _files(tracker, found.bare.info.year, q)
    except Exception:
        return None
    # tasks.yaml was compared by ``names``
    if files[:1] != [tracker.registry_path] or not _unchanged(tracker, head["marks"][1:], files[1:]):
        return None
    return Hit(found.bare, head, pieces)


# --------------------------------------------------------------------------- a registry just edited
#
# An office fixing a typo in one task changes tasks.yaml: the index no longer
# matches it and the next query would read and evaluate the whole tracker
# (0.7 s at 10,000 tasks). When the edit stays inside one item, keeps its id,
# its names (leaders, units, action, section), its metric names and its line
# count, and no figure depends on another item's, only that item's status can
# change: it is read again from the new lines, evaluated on its own entries,
# and put in place of the old one. Anything else reads the tracker whole.
# tests/test_qindex.py checks the patched index against a full evaluation
# for random edits, those it patches and those it must not.

_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _layout_record(tracker, plan, sha: str):
    """What a later edit is compared with: the registry's bytes and where each
    item lies in them (byte offsets), or None when it is not laid out item by item."""
    from xatrack.registry import item_pieces  # lazy: rare - at a build, the plan was read; a warm list never imports registry (5 ms)

    try:
        data = read_bytes(tracker.registry_path, 64 * 1024 * 1024)
    except Exception:
        return None
    if digest(data) != sha or data.startswith(b"\xef\xbb\xbf"):
        return None  # changed since it was read, or a byte-order mark: no record
    text = decode_text(data, tracker.registry_path)
    if any(mark in text for mark in _OTHER_BREAKS):
        return None
    lines = text.splitlines()
    pieces = item_pieces(lines)
    if pieces is None or len(pieces) != len(plan.items):
        return None
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode("utf-8")) + 1)
    spans = [(kind, first, starts[first], starts[end] - 1) for kind, first, end in pieces]
    followed = set()
    for item in plan.items:
        for metric in item.metrics:
            if metric.kind == RELATIVE and metric.follows:
                followed.add(normalize_id(metric.follows.split(":", 1)[0].strip()))
    return {"sha": sha, "data": data, "spans": spans, "followed": followed}


def _common_prefix(a: bytes, b: bytes) -> int:
    """How many first bytes ``a`` and ``b`` share: blocks of 64 KB compared in C, then bytes."""
    limit = min(len(a), len(b))
    at, block = 0, 1 << 16
    while at < limit and a[at : at + block] == b[at : at + block]:
        at += block
    at = min(at, limit)
    while at < limit and a[at] == b[at]:
        at += 1
    return at


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many last bytes ``a`` and ``b`` share, at most ``limit``."""
    at, block = 0, 1 << 16
    while at < limit and a[len(a) - min(at + block, limit) : len(a) - at] == b[len(b) - min(at + block, limit) : len(b) - at]:
        at = min(at + block, limit)
    while at < limit and a[len(a) - at - 1] == b[len(b) - at - 1]:
        at += 1
    return at


def _stays_one_item(lines: list[str]) -> bool:
    """The lines after an item's first line are all its own (as registry._layout
    reads them): blank, a comment, or indented deeper than its ``- ``, no tab."""
    head = lines[0]
    indent = len(head) - len(head.lstrip(" "))
    if not head.lstrip(" ").startswith("- "):
        return False
    for line in lines[1:]:
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if "\t" in line[: len(line) - len(stripped) + 1] or len(line) - len(stripped) <= indent:
            return False
    return True


def after_edit(tracker, state: dict, q: int, directory) -> Names | None:
    """``state`` (query-plan) and the index of quarter ``q`` brought up to an
    edit of one item in tasks.yaml (see above), or None (then the tracker is
    read whole)."""
    try:
        return _after_edit(tracker, state, q, directory)
    except Exception:
        return None  # never worse than reading the files


def _after_edit(tracker, state: dict, q: int, directory) -> Names | None:
    from xatrack.registry import parse_item_piece  # lazy: rare - after an edit of tasks.yaml; a warm list never imports registry (5 ms)

    record = tracker.cache.load("query-registry")
    old_mark = state["registry"]
    if not isinstance(record, dict) or record.get("sha") != old_mark[3]:
        return None
    bare = state["bare"]
    found = lookup(tracker, Names(state), q)
    if found is None:
        return None
    started = time.time_ns()
    before = stat_key(os.stat(tracker.registry_path))
    data = read_bytes(tracker.registry_path, 64 * 1024 * 1024)
    old_data = record["data"]
    if data == old_data:
        return None
    prefix = _common_prefix(old_data, data)
    suffix = _common_suffix(old_data, data, min(len(old_data), len(data)) - prefix)
    old_end, new_end = len(old_data) - suffix, len(data) - suffix
    spans = record["spans"]
    at = next((n for n, span in enumerate(spans) if span[2] <= prefix and old_end <= span[3]), None)
    if at is None:
        return None
    kind, first, start, end = spans[at]
    if prefix <= old_data.find(b"\n", start) or old_data.count(b"\n", prefix, old_end) != data.count(b"\n", prefix, new_end):
        return None  # the item's first line, or a line added or removed
    delta = len(data) - len(old_data)
    piece = data[start : end + delta]
    if b"\x00" in piece:
        return None
    text = piece.decode("utf-8")  # bad bytes: an exception, the full read says where
    if any(mark in text for mark in _OTHER_BREAKS):
        return None
    lines = text.split("\n")
    if not _stays_one_item(lines):
        return None
    item, problems = parse_item_piece(lines, kind, tracker.registry_path.name, first)
    if item is None or problems:
        return None
    old = found.statuses([at])
    if old is None:
        return None
    old_item = old[0].item
    same_names = (item.id, item.kind, item.leaders, item.lead, item.units, item.action, item.section) == (
        old_item.id, old_item.kind, old_item.leaders, old_item.lead, old_item.units, old_item.action, old_item.section)
    metric_names = sorted(m.name for m in item.metrics) == sorted(m.name for m in old_item.metrics)
    relative = any(m.kind == RELATIVE for m in (*item.metrics, *old_item.metrics))
    if not same_names or not metric_names or relative or normalize_id(item.id) in record["followed"]:
        return None
    quarter = Quarter(bare.info.year, q)
    entries = item_entries(tracker, item.id, bare.info.year, until=q)
    one = replace(bare, targets=(item,) if item.kind == TARGET else (), tasks=() if item.kind == TARGET else (item,))
    # judged on the same side of the deadline as the index (None: after it; the quarter's end: before it)
    as_of = None if found.head.get("due", True) else quarter.end
    status = evaluate(one, entries, quarter, roles=Roles(directory), as_of=as_of)[0]
    # the new registry's mark, the index with the item's new status and line
    sha = digest(data)
    mark = (old_mark[0], before, before[1] < started - RACY_NS, sha)
    head = dict(found.head)
    piece = pickle.dumps(status, protocol=pickle.HIGHEST_PROTOCOL)  # (the item's text piece is no longer needed)
    line = pickle.dumps(tuple(item_line(status)), protocol=pickle.HIGHEST_PROTOCOL)
    statuses = found.pieces[head["groups"] : head["groups"] + found.offsets[-1]]
    lines_part = found.pieces[head["groups"] + found.offsets[-1] :]
    offsets, line_offsets = found.offsets, found.line_offsets
    new_statuses = b"".join((statuses[: offsets[at]], piece, statuses[offsets[at + 1] :]))
    new_lines = b"".join((lines_part[: line_offsets[at]], line, lines_part[line_offsets[at + 1] :]))
    grow, line_grow = len(piece) - (offsets[at + 1] - offsets[at]), len(line) - (line_offsets[at + 1] - line_offsets[at])
    shifted = array("q", offsets[: at + 1]) + array("q", (o + grow for o in offsets[at + 1 :]))
    line_shifted = array("q", line_offsets[: at + 1]) + array("q", (o + line_grow for o in line_offsets[at + 1 :]))
    checks, line_checks = array("I", found.checks), array("I", found.line_checks)
    checks[at], line_checks[at] = crc32(piece), crc32(line)
    states = list(head["states"])
    states[at] = status.state
    head.update(marks=[mark, *head["marks"][1:]], states=states, offsets=shifted.tobytes(),
                line_offsets=line_shifted.tobytes(), checks=checks.tobytes(), line_checks=line_checks.tobytes())
    pieces = bytes(found.pieces[: head["groups"]]) + new_statuses + new_lines
    del found, statuses, lines_part, old  # the old file's mapping let go before it is replaced (Windows)
    tracker.cache.save(_query_name(q), head, pieces=pieces)
    new_state = {**state, "registry": mark}
    tracker.cache.save("query-plan", new_state)
    spans = list(spans)
    spans[at] = (kind, first, start, end + delta)
    spans[at + 1 :] = [(k, f, s + delta, e + delta) for k, f, s, e in spans[at + 1 :]]
    tracker.cache.save("query-registry", {**record, "sha": sha, "data": data, "spans": spans})
    return Names(new_state)
