"""The query index: what `list`/`overdue`/`leaders` need of a big tracker,
so that `list --leader X` unpickles and evaluates only X's items.

Derived from the files, never a second source of truth: one cache file per
quarter (``query-Q2``), keyed by the SHA-256 of tasks.yaml and of every log
of the plan year up to that quarter (and, like every cached value, by the
code's hash: cache.CODE_MODULES). A different byte anywhere, a log added or
removed, and the index is not used; the command reads the tracker whole
(load.py) and writes a new index.

The file holds a head (the plan without its items, the names the filters
resolve against, each item's filter facets, the items each one follows, the
warnings the full read gave) and, after it, one pickle per item: the item
and its entries as ``evaluate`` groups them (``live`` entries of the plan
year up to the quarter). Evaluating the chosen items and the items they
follow on those entries gives what a full evaluation gives (property-tested
in tests/test_qindex.py).

Filters on --section or --search are not indexed: those read the whole plan.
"""

from __future__ import annotations

import pickle
from typing import NamedTuple

VERSION = 1


class Facets(NamedTuple):
    """What Selector.item_matches reads of an item, except --search."""

    leaders: tuple
    lead: tuple
    units: tuple
    action: object
    section: object


def registry_digest(tracker) -> str:
    from xatrack.cache import digest
    from xatrack.store import read_bytes

    return digest(read_bytes(tracker.registry_path, 64 * 1024 * 1024))


def key_of(tracker, registry: str, year: int, q: int):
    """The index key: digests of tasks.yaml (``registry``) and of the plan
    year's logs up to ``q`` (names and bytes). DataError when a file cannot
    be read (the full read then says the same)."""
    from xatrack.cache import digest
    from xatrack.store import read_bytes

    logs = []
    for path, quarter in tracker.log_files():
        if quarter.year != year or quarter.q > q:
            continue
        tracker.guard(path)
        logs.append((path.name, digest(read_bytes(path))))
    return (VERSION, registry, tuple(logs))


def _name(q: int) -> str:
    return f"query-Q{q}"


def build(tracker, plan, quarter, entries, unknown: int, problems) -> None:
    """Save the index of ``quarter`` for this plan and these (decisive)
    entries, with the warnings the full read gave (log ``problems``, the
    ``unknown`` entries count). The key is read from the files now: a file
    changed meanwhile only makes a key that will never match."""
    from dataclasses import replace

    from xatrack.evaluate import follows_of, live
    from xatrack.model import normalize_id
    from xatrack.queries import all_leaders, all_units

    try:
        registry = registry_digest(tracker)
        key = key_of(tracker, registry, plan.info.year, quarter.q)
    except Exception:
        return
    pool = live(e for e in entries if e.quarter.year == quarter.year and e.quarter.q <= quarter.q)
    by_item: dict[str, list] = {}
    for entry in pool:
        by_item.setdefault(normalize_id(entry.item), []).append(entry)
    items = plan.items
    position = {}
    for at, item in enumerate(items):
        position.setdefault(normalize_id(item.id), at)
    strings: dict = {}

    def shared(values):
        return tuple(strings.setdefault(v, v) for v in values)

    groups: dict[Facets, list[int]] = {}
    follows: dict[int, tuple[int, ...]] = {}
    offsets = [0]
    pieces = []
    for at, item in enumerate(items):
        facets = Facets(shared(item.leaders), shared(item.lead), shared(item.units), item.action, item.section)
        groups.setdefault(facets, []).append(at)
        followed = follows_of(plan, [item])
        if followed:
            follows[at] = tuple(sorted(position[i] for i in followed))
        data = pickle.dumps((item, by_item.get(normalize_id(item.id), [])), protocol=pickle.HIGHEST_PROTOCOL)
        pieces.append(data)
        offsets.append(offsets[-1] + len(data))
    tracker.cache.save(
        "query-plan",
        {"registry": registry, "bare": replace(plan, targets=(), tasks=()), "leaders": all_leaders(plan), "units": all_units(plan)},
    )
    head = {
        "key": key,
        "targets": len(plan.targets),
        "groups": groups,
        "follows": follows,
        "offsets": offsets,
        "unknown": unknown,
        "problems": list(problems),
    }
    tracker.cache.save(_name(quarter.q), head, pieces=b"".join(pieces))


class Names:
    """The plan without its items and the names filters resolve against,
    for the registry as it is now (None from ``names`` otherwise)."""

    def __init__(self, registry: str, state: dict):
        self.registry = registry
        self.bare = state["bare"]
        self.leaders = state["leaders"]
        self.units = state["units"]


def names(tracker) -> Names | None:
    state = tracker.cache.load("query-plan")
    if not isinstance(state, dict):
        return None
    try:
        registry = registry_digest(tracker)
    except Exception:
        return None
    if state.get("registry") != registry:
        return None
    return Names(registry, state)


class Hit:
    """An index that matched the files: the way to its items."""

    def __init__(self, bare, head: dict, pieces: bytes):
        self.head = head
        self.pieces = pieces
        self.bare = bare

    @property
    def problems(self) -> list:
        return list(self.head["problems"])

    @property
    def unknown(self) -> int:
        return self.head["unknown"]

    def chosen(self, matches) -> list[int]:
        """Positions (plan order) of the items whose facets ``matches``."""
        found = []
        for facets, positions in self.head["groups"].items():
            if matches(facets):
                found.extend(positions)
        return sorted(found)

    def evaluate(self, positions: list[int], quarter, roles, findings):
        """Statuses of the items at ``positions``, in plan order, as evaluate.evaluate
        on the whole plan and its entries gives them."""
        from dataclasses import replace

        from xatrack.evaluate import evaluate
        from xatrack.model import normalize_id

        follows = self.head["follows"]
        needed = set(positions)
        for at in positions:
            needed.update(follows.get(at, ()))
        offsets = self.head["offsets"]
        loaded = {}
        by_item: dict[str, list] = {}
        for at in sorted(needed):
            item, entries = pickle.loads(self.pieces[offsets[at] : offsets[at + 1]])
            loaded[at] = item
            by_item.setdefault(normalize_id(item.id), entries)
        split = self.head["targets"]
        ordered = sorted(loaded)
        plan = replace(
            self.bare,
            targets=tuple(loaded[at] for at in ordered if at < split),
            tasks=tuple(loaded[at] for at in ordered if at >= split),
        )
        flat = [entry for entries in by_item.values() for entry in entries]
        return evaluate(plan, flat, quarter, [loaded[at] for at in positions], roles=roles, findings=findings)


def lookup(tracker, found: Names, q: int) -> Hit | None:
    """The index of quarter ``q`` when it matches the files now, else None."""
    try:
        key = key_of(tracker, found.registry, found.bare.info.year, q)
    except Exception:
        return None
    state = tracker.cache.load_pieces(_name(q))
    if state is None:
        return None
    head, pieces = state
    if not isinstance(head, dict) or head.get("key") != key:
        return None
    return Hit(found.bare, head, pieces)
