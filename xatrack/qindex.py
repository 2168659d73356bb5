"""The query index: what `list`/`overdue`/`leaders` need of a big tracker,
so that `list --leader X` unpickles and evaluates only X's items.

Derived from the files, never a second source of truth: one cache file per
quarter (``query-Q2``), keyed by the SHA-256 of tasks.yaml and of every log
of the plan year up to that quarter (and, like every cached value, by the
code's hash: cache.CODE_MODULES). A different byte anywhere, a log added or
removed, and the index is not used; the command reads the tracker whole
(load.py) and writes a new index.

The file holds a head (each item's filter facets and its state, the
warnings the full read gave) and, after it, one pickle per item: its status
as ``evaluate`` gives it for the whole plan, every entry and the directory's
roles (findings, read at each query, are applied then). So a query unpickles
only the statuses it shows, and `overdue` only those behind or missing;
the answer equals a full evaluation (property-tested in tests/test_qindex.py).
The index is written by the second full read that finds the files unchanged
(read_again), so an edit or an append costs no more than before.
The plan without its items and the names the filters resolve against are in
``query-plan``, keyed by tasks.yaml's digest.

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
    """The index key: digests of tasks.yaml (``registry``), units.yaml (who
    reports an item's figure: roles.py) and the plan year's logs up to ``q``
    (names and bytes). DataError when a file cannot
    be read (the full read then says the same)."""
    from xatrack.cache import digest
    from xatrack.store import read_bytes

    logs = []
    if tracker.directory_path.is_file():
        logs.append((tracker.directory_path.name, digest(read_bytes(tracker.directory_path))))
    for path, quarter in tracker.log_files():
        if quarter.year != year or quarter.q > q:
            continue
        tracker.guard(path)
        logs.append((path.name, digest(read_bytes(path))))
    return (VERSION, registry, tuple(logs))


def _name(q: int) -> str:
    return f"query-Q{q}"


def read_again(tracker, year: int, q: int) -> bool:
    """True when the files are as they were at the previous full read of
    quarter ``q`` (then building the index pays off); remembers them otherwise.
    Building costs about as much as the read itself at 10,000 tasks, so a
    tracker edited before every command never pays it."""
    if tracker.cache.folder is None:  # no cache (XATRACK_NO_CACHE): nothing to build
        return False
    try:
        key = key_of(tracker, registry_digest(tracker), year, q)
    except Exception:
        return False
    if tracker.cache.load(f"query-seen-Q{q}") == key:
        return True
    tracker.cache.save(f"query-seen-Q{q}", key)
    return False


def build(tracker, plan, quarter, statuses, unknown: int, problems) -> None:
    """Save the index of ``quarter``: ``statuses`` is evaluate.evaluate of every
    item of ``plan`` on the (decisive) entries with the directory's roles and
    no findings (they are read and applied at each query: mark_open_findings),
    with the warnings the full read gave (log ``problems``, the ``unknown``
    entries count). The key is read from the files now: a file changed
    meanwhile only makes a key that will never match."""
    from dataclasses import replace

    from xatrack.queries import all_leaders, all_units

    try:
        registry = registry_digest(tracker)
        key = key_of(tracker, registry, plan.info.year, quarter.q)
    except Exception:
        return
    strings: dict = {}

    def shared(values):
        return tuple(strings.setdefault(v, v) for v in values)

    groups: dict[tuple, list[int]] = {}
    by_leader: dict[str, list[int]] = {}
    states = []
    offsets = [0]
    pieces = []
    for at, status in enumerate(statuses):
        item = status.item
        facets = (shared(item.leaders), shared(item.lead), shared(item.units), item.action, item.section)
        groups.setdefault(facets, []).append(at)
        for name in dict.fromkeys(facets[0]):
            by_leader.setdefault(name, []).append(at)
        states.append(strings.setdefault(status.state, status.state))
        data = pickle.dumps(status, protocol=pickle.HIGHEST_PROTOCOL)
        pieces.append(data)
        offsets.append(offsets[-1] + len(data))
    tracker.cache.save(
        "query-plan",
        {"registry": registry, "bare": replace(plan, targets=(), tasks=()), "leaders": all_leaders(plan), "units": all_units(plan)},
    )
    head = {
        "key": key,
        "groups": list(groups.items()),  # plain tuples: Facets made only when a query needs them
        "by_leader": by_leader,
        "states": states,
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

    def chosen(self, selector, states=None) -> list[int]:
        """Positions (plan order) of the items ``selector.item_matches`` keeps
        (--search aside) and, with ``states``, whose state before findings is
        one of them. With no filter but --leader (and --status), from the
        positions per leader name: a leader query matches an item when it
        matches one of its leaders (LeaderQuery.matches)."""
        if selector.unit is None and selector.lead is None and selector.actions is None and not selector.sections:
            if selector.leader is None:
                found = range(len(self.head["states"]))
            else:
                matches = selector.leader.matches
                found = set()
                for name, positions in self.head["by_leader"].items():
                    if matches((name,)):
                        found.update(positions)
        else:
            found = []
            for facets, positions in self.head["groups"]:
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
        offsets = self.head["offsets"]
        pieces = self.pieces
        try:
            return tuple(pickle.loads(pieces[offsets[at] : offsets[at + 1]]) for at in positions)
        except Exception:
            return None


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
    if not isinstance(head, dict) or head.get("key") != key or len(pieces) != head["offsets"][-1]:
        return None
    return Hit(found.bare, head, pieces)
