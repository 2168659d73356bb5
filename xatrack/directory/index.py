"""The directory's types and index: units, groups, leaders, the ``Directory``
with its lookup tables, and the ``UnitQuery``/``LeaderQuery`` every filter asks.
May import: errors, directory.names. Imported by: directory.reader, and through
the package by queries, roles, sheet, rollup, ...
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from xatrack.directory.names import (
    COLLECTIVE,
    GENERIC_PREFIXES,
    PERSON,
    POST,
    normalize_name,
    resolve,
)

# ---------------------------------------------------------------- entries


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...] = ()
    type: str = ""  # 镇, 街道办事处, 区政府部门 … (for display only)
    note: str = ""
    line: int | None = None
    contact: str = ""  # 联络员 (催办单, 报送表); never invented
    phone: str = ""  # 电话


@dataclass(frozen=True)
class Group:
    """A collective name used in the document (各乡镇办场) and who it covers."""

    name: str
    members: tuple[str, ...] = ()  # as written: units, aliases or other groups
    aliases: tuple[str, ...] = ()
    partial: bool = False  # "some of" the members (相关乡镇办场): each member still sees the items
    note: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Leader:
    name: str
    type: str = PERSON
    aliases: tuple[str, ...] = ()
    holder: str | None = None  # POST: who holds it, when known
    members: tuple[str, ...] = ()  # COLLECTIVE: leaders (people or posts)
    note: str = ""
    line: int | None = None


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class UnitQuery:
    """What a user asked for, resolved to one canonical unit or group.

    ``matches(names)`` takes an item's lead or units tuple (names as the
    document writes them) and is true when the item concerns the query:

    * a unit query: some name is (canonically) that unit, or a group that
      contains it (partial groups included);
    * a group query (各乡镇办): some name is that group, or a complete
      (non-partial) group containing all of its members (各乡镇办场), since an
      item assigned to all of them applies to each of them.
    """

    query: str
    name: str  # canonical unit or group name
    is_group: bool
    directory: Directory = field(repr=False, compare=False)

    def matches(self, names: Iterable[str]) -> bool:
        return any(self.directory._unit_applies(name, self) for name in names)


@dataclass(frozen=True)
class LeaderQuery:
    """What a user asked for, resolved to one canonical leader.

    By default an item matches when it names the leader (or a post the leader
    is recorded as holding). With ``include_collective`` it also matches items
    naming a collective the leader belongs to (区政府班子成员).
    """

    query: str
    name: str  # canonical leader name
    names: frozenset[str]  # canonical names that count as naming this leader
    collectives: frozenset[str]  # collectives containing the leader
    include_collective: bool = False
    directory: Directory = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def matches(self, leaders: Iterable[str]) -> bool:
        for raw in leaders:
            name = self.directory.canonical_leader(raw) if self.directory is not None else raw
            if name in self.names:
                return True
            if self.include_collective and name in self.collectives:
                return True
        return False


# ---------------------------------------------------------------- directory


@dataclass(frozen=True)
class Directory:
    units: tuple[Unit, ...] = ()
    groups: tuple[Group, ...] = ()
    leaders: tuple[Leader, ...] = ()
    source: str = ""
    prefixes: tuple[str, ...] = ()  # the tracker's own places a user may leave out (units.yaml prefixes:)
    _index: _Index = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self))

    def __reduce__(self):
        # The index is derived; rebuild it instead of pickling it.
        return (type(self), (self.units, self.groups, self.leaders, self.source, self.prefixes))

    @property
    def name_prefixes(self) -> tuple[str, ...]:
        """Leading parts of names a query may leave out: the tracker's places, then any level."""
        return tuple(dict.fromkeys(self.prefixes + GENERIC_PREFIXES))

    @classmethod
    def empty(cls, source: str = "") -> Directory:
        """No units.yaml: every name stands for itself, matching still works."""
        return cls(source=source)

    # -- names

    def remember_pinyin_in(self, memo: dict) -> None:
        """Keep the pinyin of names in ``memo`` (a dict kept between runs) instead of a fresh one."""
        self._index.pinyin_cache = memo

    def canonical_unit(self, name: str) -> str:
        """Alias -> canonical name (units and groups); unknown -> the name itself."""
        return self._index.unit_canon.get(normalize_name(name), name.strip())

    def canonical_leader(self, name: str) -> str:
        return self._index.leader_canon.get(normalize_name(name), name.strip())

    def knows_unit(self, name: str) -> bool:
        """True if the name is a canonical unit, an alias, or a group (or a group's alias)."""
        return normalize_name(name) in self._index.unit_canon

    def knows_leader(self, name: str) -> bool:
        return normalize_name(name) in self._index.leader_canon

    def is_group(self, name: str) -> bool:
        return self.canonical_unit(name) in self._index.group_units

    def group(self, name: str) -> Group | None:
        return self._index.group_by_name.get(self.canonical_unit(name))

    def unit(self, name: str) -> Unit | None:
        return self._index.unit_by_name.get(self.canonical_unit(name))

    def leader(self, name: str) -> Leader | None:
        return self._index.leader_by_name.get(self.canonical_leader(name))

    def members(self, group: str) -> tuple[str, ...]:
        """Canonical units a group covers (nested groups expanded), in directory order."""
        units = self._index.group_units.get(self.canonical_unit(group), frozenset())
        order = self._index.order
        return tuple(sorted(units, key=lambda n: (order.get(n, len(order)), n)))

    def groups_of(self, unit: str) -> tuple[str, ...]:
        """Groups containing a unit (or a group), directly or through nested groups."""
        name = self.canonical_unit(unit)
        return tuple(g.name for g in self.groups if name in self._index.group_contains.get(g.name, ()))

    def unit_names(self) -> tuple[str, ...]:
        """Canonical unit names then group names, in directory order."""
        return tuple(u.name for u in self.units) + tuple(g.name for g in self.groups)

    def leader_names(self) -> tuple[str, ...]:
        return tuple(leader.name for leader in self.leaders)

    # -- queries

    def unit_query(self, query: str, known_names: Iterable[str] = ()) -> UnitQuery:
        """Resolve what the user typed against the plan's names and the directory.

        Raises InputError (one Chinese line) if nothing matches (with a
        suggestion) or if several different units match.
        """
        pool = [(u.name, u.name) for u in self.units]
        pool += [(a, u.name) for u in self.units for a in u.aliases]
        pool += [(g.name, g.name) for g in self.groups]
        pool += [(a, g.name) for g in self.groups for a in g.aliases]
        pool += [(n, self.canonical_unit(n)) for n in known_names if n and n.strip()]
        name = resolve(query, pool, "单位", self._index.pinyin_cache, self.name_prefixes)
        return UnitQuery(query=query, name=name, is_group=name in self._index.group_units, directory=self)

    def leader_query(
        self, query: str, known_leaders: Iterable[str] = (), include_collective: bool = False
    ) -> LeaderQuery:
        pool = [(p.name, p.name) for p in self.leaders]
        pool += [(a, p.name) for p in self.leaders for a in p.aliases]
        pool += [(p.holder, p.holder) for p in self.leaders if p.holder]
        pool += [(n, self.canonical_leader(n)) for n in known_leaders if n and n.strip()]
        name = resolve(query, pool, "领导", self._index.pinyin_cache, self.name_prefixes)
        names = {name} | set(self._index.posts_held.get(name, ()))
        collectives = {
            c for c, members in self._index.collective_members.items() if c != name and members & names
        }
        return LeaderQuery(
            query=query,
            name=name,
            names=frozenset(names),
            collectives=frozenset(collectives),
            include_collective=include_collective,
            directory=self,
        )

    # -- matching (used by UnitQuery)

    def _unit_applies(self, raw: str, query: UnitQuery) -> bool:
        name = self.canonical_unit(raw)
        if name == query.name:
            return True
        index = self._index
        if name not in index.group_units:
            return False
        if not query.is_group:
            return query.name in index.group_contains[name]
        # A group query: a complete group covering every member of the queried one.
        wanted = index.group_units.get(query.name, frozenset())
        return bool(wanted) and not index.group_partial[name] and wanted <= index.group_units[name]


class _Index:
    """Lookup tables derived from a Directory (built once, never changed)."""

    def __init__(self, d: Directory):
        self.unit_canon: dict[str, str] = {}
        self.unit_by_name = {u.name: u for u in reversed(d.units)}
        self.group_by_name = {g.name: g for g in reversed(d.groups)}
        for u in d.units:
            for n in (u.name, *u.aliases):
                self.unit_canon.setdefault(normalize_name(n), u.name)
        for g in d.groups:
            for n in (g.name, *g.aliases):
                self.unit_canon.setdefault(normalize_name(n), g.name)
        self.order = {u.name: i for i, u in enumerate(d.units)}

        # Groups: transitive contents (units and sub-groups) and the units alone.
        direct = {}
        for g in d.groups:
            members = direct.setdefault(g.name, [])
            members += [self.unit_canon.get(normalize_name(m), m.strip()) for m in g.members]
        self.group_contains: dict[str, frozenset[str]] = {}
        for g in direct:
            seen: set[str] = set()
            stack = list(direct[g])
            while stack:
                m = stack.pop()
                if m in seen or m == g:
                    continue
                seen.add(m)
                stack += direct.get(m, ())
            self.group_contains[g] = frozenset(seen)
        self.group_units = {g: frozenset(m for m in c if m not in direct) for g, c in self.group_contains.items()}
        self.group_partial = {g.name: g.partial for g in reversed(d.groups)}

        # Leaders.
        self.leader_canon: dict[str, str] = {}
        self.leader_by_name = {p.name: p for p in reversed(d.leaders)}
        for p in d.leaders:
            for n in (p.name, *p.aliases):
                self.leader_canon.setdefault(normalize_name(n), p.name)
        for p in d.leaders:
            if p.holder:
                self.leader_canon.setdefault(normalize_name(p.holder), p.holder.strip())
        self.posts_held: dict[str, tuple[str, ...]] = {}
        for p in d.leaders:
            if p.type == POST and p.holder:
                holder = self.leader_canon[normalize_name(p.holder)]
                self.posts_held[holder] = self.posts_held.get(holder, ()) + (p.name,)
        self.collective_members: dict[str, frozenset[str]] = {}
        for p in d.leaders:
            if p.type == COLLECTIVE:
                members = {self.leader_canon.get(normalize_name(m), m.strip()) for m in p.members}
                self.collective_members[p.name] = frozenset(members)
        self.pinyin_cache: dict[str, tuple[str, ...]] = {}  # filled lazily by Latin queries
