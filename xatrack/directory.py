"""Units and leaders: canonical names, aliases, groups, and the matching every query goes through.

``tasks.yaml`` keeps names exactly as the document writes them (区财政局(国资局),
区交通局, 各乡镇办场 …). This directory is applied when querying, never by
rewriting the record:

* an alias is folded into its canonical name (区交通局 -> 区交通运输局);
* a group stands for its members (各乡镇办场 -> every town, street office and
  the farm), so staff of 桂花镇 asking for their tasks also get every task
  assigned to 各乡镇办场;
* what a user types is resolved once (exact, alias, substring, pinyin) into a
  ``UnitQuery`` / ``LeaderQuery`` whose ``matches`` is then asked per item.

Pure, except that ``parse_directory`` takes the text of a ``units.yaml``.
``pypinyin`` is imported only when a query contains Latin letters.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from xatrack.errors import InputError, Problem

# Kinds of leader.
PERSON = "个人"
POST = "职务"  # a post (常务副区长), optionally with a known holder
COLLECTIVE = "集体"  # a collective (区政府班子成员) with members
LEADER_TYPES = (PERSON, POST, COLLECTIVE)

MAX_CANDIDATES = 5  # candidates named in an ambiguity message
# Leading parts of a name a user may leave out (科经局 for 区科经局, kjj for 区科经局).
_OPTIONAL_PREFIXES = ("区", "市", "咸安", "咸宁")
_LATIN = re.compile(r"[a-z]")


def normalize_name(name: object) -> str:
    """The form names are compared in: NFKC (full-width brackets and letters
    become ASCII), no whitespace, Latin letters lower-cased."""
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).lower()


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
    _index: _Index = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self))

    def __reduce__(self):
        # The index is derived; rebuild it instead of pickling it.
        return (type(self), (self.units, self.groups, self.leaders, self.source))

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
        name = _resolve(query, pool, "单位", self._index.pinyin_cache)
        return UnitQuery(query=query, name=name, is_group=name in self._index.group_units, directory=self)

    def leader_query(
        self, query: str, known_leaders: Iterable[str] = (), include_collective: bool = False
    ) -> LeaderQuery:
        pool = [(p.name, p.name) for p in self.leaders]
        pool += [(a, p.name) for p in self.leaders for a in p.aliases]
        pool += [(p.holder, p.holder) for p in self.leaders if p.holder]
        pool += [(n, self.canonical_leader(n)) for n in known_leaders if n and n.strip()]
        name = _resolve(query, pool, "领导", self._index.pinyin_cache)
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


# ---------------------------------------------------------------- resolution


def _resolve(query: str, pool: list[tuple[str, str]], kind: str, cache: dict) -> str:
    """(surface name, canonical) pairs -> the canonical name the query means."""
    text = (query or "").strip()
    key = normalize_name(text)
    if not key:
        raise InputError(f"{kind}名称不能为空")
    pool = [(s, c) for s, c in pool if normalize_name(s)]

    # 1. exact (also with a left-out leading 区: 科经局 -> 区科经局)
    for variant in (key, "区" + key):
        hits = _distinct(c for s, c in pool if normalize_name(s) == variant)
        if hits:
            return hits[0]
    # 2. substring of a name or alias
    hits = _distinct(c for s, c in pool if key in normalize_name(s))
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise InputError(_ambiguous(kind, text, hits))
    # 3. pinyin (full, initials, or mixed; tone-less)
    latin = bool(_LATIN.search(key))
    if latin:
        hits = _pinyin_hits(key, pool, cache)
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise InputError(_ambiguous(kind, text, hits))
    # 4. nothing: suggest
    suggestion = _suggest(key, pool, cache, latin)
    if suggestion:
        raise InputError(f'没有找到{kind}"{text}",是否为"{suggestion}"?')
    raise InputError(f'没有找到{kind}"{text}"')


def _distinct(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _ambiguous(kind: str, text: str, hits: list[str]) -> str:
    shown = "、".join(hits[:MAX_CANDIDATES])
    more = f"等{len(hits)}个" if len(hits) > MAX_CANDIDATES else ""
    return f'{kind}"{text}"有多个匹配:{shown}{more},请输入更完整的名称'


def _syllables(name: str, cache: dict) -> tuple[str, ...]:
    """Tone-less pinyin syllables of a name (non-Chinese runs kept as lower-case chunks)."""
    found = cache.get(name)
    if found is None:
        from pypinyin import lazy_pinyin  # only for Latin queries

        chunks = (re.sub(r"[^a-z0-9]", "", c.lower()) for c in lazy_pinyin(name))
        found = tuple(c for c in chunks if c)
        cache[name] = found
    return found


def _starts(name: str, syllables: tuple[str, ...]) -> tuple[int, ...]:
    """Syllable positions where the name 'starts' (0, and after 区/市/咸安 …)."""
    starts = [0]
    for prefix in _OPTIONAL_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            starts.append(len(prefix))
    return tuple(s for s in starts if s < len(syllables))


def _consumes(q: str, syllables: tuple[str, ...], start: int) -> bool:
    """Can q be spelled by a non-empty prefix of each syllable from ``start`` on?

    Covers full pinyin (guihua), initials (kjj), and mixes (kejingj, hongsy).
    """
    memo: dict[tuple[int, int], bool] = {}

    def rec(pos: int, i: int) -> bool:
        if pos == len(q):
            return True
        if i >= len(syllables):
            return False
        if (pos, i) in memo:
            return memo[pos, i]
        s = syllables[i]
        result = False
        for n in range(min(len(s), len(q) - pos), 0, -1):
            if q[pos : pos + n] == s[:n] and rec(pos + n, i + 1):
                result = True
                break
        memo[pos, i] = result
        return result

    return rec(0, start)


def _pinyin_tier(q: str, name: str, cache: dict) -> int | None:
    """0: the whole name's full pinyin (a leading 区 may be left out);
    1: from the start of the name (initials, full, mixed); 2: from inside the
    name; None: no match.

    Exact initials are deliberately not tier 0: ``ch`` is 陈浩's initials but
    also the start of 程文敏 and 常务副区长, so it must stay ambiguous.
    """
    syl = _syllables(name, cache)
    if not syl:
        return None
    starts = _starts(name, syl)
    if any(q == "".join(syl[s:]) for s in starts):
        return 0
    if any(_consumes(q, syl, s) for s in starts):
        return 1
    if any(_consumes(q, syl, s) for s in range(len(syl))):
        return 2
    return None


def _pinyin_hits(key: str, pool: list[tuple[str, str]], cache: dict) -> list[str]:
    q = _latin_key(key, cache)
    if not q:
        return []
    best: dict[str, int] = {}
    for surface, canonical in pool:
        tier = _pinyin_tier(q, surface, cache)
        if tier is not None and tier < best.get(canonical, 99):
            best[canonical] = tier
    if not best:
        return []
    top = min(best.values())
    return [c for c, t in best.items() if t == top]


def _latin_key(key: str, cache: dict) -> str:
    """A query with Latin letters as plain lower-case letters (any Chinese in it spelled out)."""
    if re.fullmatch(r"[a-z0-9' ]*", key):
        return re.sub(r"[^a-z0-9]", "", key)
    return "".join(_syllables(key, cache))


def _suggest(key: str, pool: list[tuple[str, str]], cache: dict, latin: bool) -> str | None:
    best, best_score = None, 0.0
    for surface, _canonical in pool:
        if latin:
            syl = _syllables(surface, cache)
            q = _latin_key(key, cache)
            forms = ["".join(syl[s:]) for s in _starts(surface, syl)]
            forms += ["".join(x[0] for x in syl[s:]) for s in _starts(surface, syl)]
            score = max((difflib.SequenceMatcher(None, q, f).ratio() for f in forms), default=0.0)
            cutoff = 0.7
        else:
            target = normalize_name(surface)
            score = max(difflib.SequenceMatcher(None, k, target).ratio() for k in (key, "区" + key))
            cutoff = 0.6
        if score >= cutoff and score > best_score:
            best, best_score = surface, score
    return best


# ---------------------------------------------------------------- parsing


def _line_of_item(seq, i: int) -> int | None:
    try:
        return seq.lc.item(i)[0] + 1
    except Exception:
        return None


def _line_of_key(mapping, key) -> int | None:
    try:
        return mapping.lc.key(key)[0] + 1
    except Exception:
        return None


def _line_of(node, default: int | None) -> int | None:
    try:
        return node.lc.line + 1
    except Exception:
        return default


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "warning"))

    def text(self, value, line, what: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(line, f"{what}应为文字")
            return None
        text = str(value).strip()
        return text or None

    def names(self, value, line, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.error(line, f"{what}应为列表,如 [甲, 乙]")
            return ()
        out = []
        for i, v in enumerate(value):
            name = self.text(v, _line_of_item(value, i) or line, what)
            if name:
                out.append(name)
        return tuple(out)

    def entries(self, value, line, section: str):
        """(mapping-or-None, name, line) for each entry of a list section."""
        if value is None:
            return
        if not isinstance(value, list):
            self.error(line, f"{section} 应为列表(每项以 - 开头)")
            return
        for i, entry in enumerate(value):
            at = _line_of_item(value, i) or line
            if isinstance(entry, dict):
                name = self.text(entry.get("name"), _line_of_key(entry, "name") or at, "name")
                if not name:
                    self.error(at, f"{section} 的条目缺少 name")
                    continue
                yield entry, name, at
            else:
                name = self.text(entry, at, f"{section} 的条目")
                if name:
                    yield None, name, at

    def check_keys(self, entry, allowed: tuple[str, ...], at, where: str) -> None:
        for key in entry:
            if key not in allowed:
                self.warn(_line_of_key(entry, key) or at, f'{where}中未知的键"{key}"(可用:{"、".join(allowed)})')


def parse_directory(text: str, source: str = "units.yaml") -> tuple[Directory, list[Problem]]:
    """Text of a units.yaml -> (Directory, problems). Never raises for bad input:
    what can be read is kept, everything else becomes a Problem with its line."""
    from xatrack.yamlio import conflict_problem, make_yaml, surrogate_problem, too_large, yaml_problem

    p = _Parser(source)
    if too_large(text, source) is not None:
        return Directory.empty(source), [too_large(text, source)]
    unusable = conflict_problem(text, source) or surrogate_problem(text, source)  # a merge left half done …
    if unusable is not None:
        return Directory.empty(source), [unusable]
    try:
        data = make_yaml().load(text)
    except Exception as exc:  # YAMLError, DuplicateKeyError, anything the parser throws
        return Directory.empty(source), [yaml_problem(exc, source)]
    if data is None:
        return Directory.empty(source), []
    if not isinstance(data, dict):
        p.error(_line_of(data, 1), "目录文件的顶层应为 units / groups / leaders 三部分")
        return Directory.empty(source), p.problems
    p.check_keys(data, ("units", "groups", "leaders", "accounts"), 1, "目录文件")

    units = _parse_units(p, data)
    groups = _parse_groups(p, data)
    leaders = _parse_leaders(p, data)
    _check(p, units, groups, leaders)
    if "accounts" in data:
        _check_accounts(p, data, text, units, groups)
    return Directory(units=units, groups=groups, leaders=leaders, source=source), p.problems


def _parse_units(p: _Parser, data) -> tuple[Unit, ...]:
    units = []
    for entry, name, at in p.entries(data.get("units"), _line_of_key(data, "units"), "units"):
        if entry is None:
            units.append(Unit(name, line=at))
            continue
        where = f'单位"{name}"'
        p.check_keys(entry, ("name", "aliases", "type", "note", "contact", "phone"), at, where)
        units.append(
            Unit(
                name=name,
                aliases=p.names(entry.get("aliases"), _line_of_key(entry, "aliases") or at, f"{where}的 aliases"),
                type=p.text(entry.get("type"), _line_of_key(entry, "type") or at, f"{where}的 type") or "",
                note=p.text(entry.get("note"), _line_of_key(entry, "note") or at, f"{where}的 note") or "",
                line=at,
                contact=p.text(entry.get("contact"), _line_of_key(entry, "contact") or at, f"{where}的 contact") or "",
                phone=p.text(entry.get("phone"), _line_of_key(entry, "phone") or at, f"{where}的 phone") or "",
            )
        )
    return tuple(units)


def _parse_groups(p: _Parser, data) -> tuple[Group, ...]:
    raw = data.get("groups")
    line = _line_of_key(data, "groups")
    if raw is None:
        return ()
    specs = []  # (name, body, line)
    if isinstance(raw, dict):  # 各乡镇办场: [...]  or  各乡镇办场: {members: [...], ...}
        for key, body in raw.items():
            name = p.text(key, _line_of_key(raw, key) or line, "分组名称")
            if name:
                specs.append((name, body, _line_of_key(raw, key) or line))
    elif isinstance(raw, list):  # - {name: 各乡镇办场, members: [...]}
        for entry, name, at in p.entries(raw, line, "groups"):
            specs.append((name, entry, at))
    else:
        p.error(line, "groups 应为映射(分组名称: [成员, …])")
        return ()
    groups = []
    for name, body, at in specs:
        where = f'分组"{name}"'
        if body is None or isinstance(body, list):
            members = p.names(body, at, f"{where}的成员")
            groups.append(Group(name, members=members, line=at))
            continue
        if not isinstance(body, dict):
            p.error(at, f"{where}应为成员列表,或含 members 的映射")
            continue
        p.check_keys(body, ("name", "members", "aliases", "partial", "note"), at, where)
        partial = body.get("partial", False)
        if partial is None:
            partial = False
        if not isinstance(partial, bool):
            p.error(_line_of_key(body, "partial") or at, f"{where}的 partial 应为 true 或 false")
            partial = False
        groups.append(
            Group(
                name=name,
                members=p.names(body.get("members"), _line_of_key(body, "members") or at, f"{where}的成员"),
                aliases=p.names(body.get("aliases"), _line_of_key(body, "aliases") or at, f"{where}的 aliases"),
                partial=partial,
                note=p.text(body.get("note"), _line_of_key(body, "note") or at, f"{where}的 note") or "",
                line=at,
            )
        )
    return tuple(groups)


def _parse_leaders(p: _Parser, data) -> tuple[Leader, ...]:
    leaders = []
    for entry, name, at in p.entries(data.get("leaders"), _line_of_key(data, "leaders"), "leaders"):
        if entry is None:
            leaders.append(Leader(name, line=at))
            continue
        where = f'领导"{name}"'
        p.check_keys(entry, ("name", "type", "aliases", "holder", "members", "note"), at, where)
        kind = p.text(entry.get("type"), _line_of_key(entry, "type") or at, f"{where}的 type") or PERSON
        if kind not in LEADER_TYPES:
            p.error(_line_of_key(entry, "type") or at, f'{where}的 type"{kind}"无效(可用:{"、".join(LEADER_TYPES)})')
            kind = PERSON
        holder = p.text(entry.get("holder"), _line_of_key(entry, "holder") or at, f"{where}的 holder")
        members = p.names(entry.get("members"), _line_of_key(entry, "members") or at, f"{where}的 members")
        if holder and kind != POST:
            p.warn(_line_of_key(entry, "holder") or at, f"{where}不是职务,holder 被忽略")
            holder = None
        if members and kind != COLLECTIVE:
            p.warn(_line_of_key(entry, "members") or at, f"{where}不是集体,members 被忽略")
            members = ()
        leaders.append(
            Leader(
                name=name,
                type=kind,
                aliases=p.names(entry.get("aliases"), _line_of_key(entry, "aliases") or at, f"{where}的 aliases"),
                holder=holder,
                members=members,
                note=p.text(entry.get("note"), _line_of_key(entry, "note") or at, f"{where}的 note") or "",
                line=at,
            )
        )
    return tuple(leaders)


def _check(p: _Parser, units, groups, leaders) -> None:
    """Names used twice, unknown members, groups containing themselves."""
    owner: dict[str, tuple[str, int | None]] = {}

    def claim(name: str, whose: str, at: int | None) -> None:
        key = normalize_name(name)
        if key in owner:
            first, first_line = owner[key]
            if first != whose:
                p.error(at, f'名称"{name}"已用于"{first}"(第{first_line}行),不能再用于"{whose}"')
            elif name != whose:
                p.warn(at, f'"{whose}"的别名"{name}"重复')
            else:
                p.error(at, f'"{name}"重复定义(第{first_line}行已有)')
            return
        owner[key] = (whose, at)

    for u in units:
        for n in (u.name, *u.aliases):
            claim(n, u.name, u.line)
    for g in groups:
        for n in (g.name, *g.aliases):
            claim(n, g.name, g.line)

    group_names = {normalize_name(g.name): g.name for g in groups}
    for g in groups:
        for m in g.members:
            key = normalize_name(m)
            if key not in owner:
                p.warn(g.line, f'分组"{g.name}"的成员"{m}"不在单位列表中')
    # Cycles: a group reaching itself through its members.
    direct = {
        g.name: [owner[normalize_name(m)][0] for m in g.members if normalize_name(m) in owner] for g in groups
    }
    for g in groups:
        stack, seen = list(direct.get(g.name, ())), set()
        while stack:
            m = stack.pop()
            if m == g.name:
                p.error(g.line, f'分组"{g.name}"直接或间接包含了自己')
                break
            if m in seen or normalize_name(m) not in group_names:
                continue
            seen.add(m)
            stack += direct.get(m, ())

    leader_owner: dict[str, tuple[str, int | None]] = {}
    for leader in leaders:
        for n in (leader.name, *leader.aliases):
            key = normalize_name(n)
            if key in leader_owner:
                first, first_line = leader_owner[key]
                p.error(leader.line, f'领导名称"{n}"已用于"{first}"(第{first_line}行)')
            else:
                leader_owner[key] = (leader.name, leader.line)
    for leader in leaders:
        if leader.type == COLLECTIVE:
            for m in leader.members:
                if normalize_name(m) not in leader_owner:
                    p.warn(leader.line, f'集体"{leader.name}"的成员"{m}"不在领导列表中')


def _check_accounts(p: _Parser, data, text: str, units, groups) -> None:
    """accounts: {电子邮箱: 单位 | "*" | {unit: 单位, key: SSH 公钥}}: who may report for which unit.

    The git hook reads this file with the standard library only
    (xatrack.audit.parse_units_text); what that reader cannot read is an
    error here too, so a file ``check`` accepts is one the hook can judge by.
    """
    from xatrack.audit import OFFICE, parse_units_text

    raw = data.get("accounts")
    at = _line_of_key(data, "accounts") or 1
    if raw is None:
        return
    if not isinstance(raw, dict):
        p.error(at, 'accounts 应为映射:电子邮箱: 单位(督查室写 "*")')
        return
    group_names = {normalize_name(n) for g in groups for n in (g.name, *g.aliases)}
    unit_names = {normalize_name(n) for u in units for n in (u.name, *u.aliases)}
    for email, value in raw.items():
        line = _line_of_key(raw, email) or at
        shown = str(email)
        if not isinstance(email, str) or "@" not in email or any(c.isspace() for c in email):
            p.error(line, f'accounts 中的"{shown}"应为电子邮箱(如 kjj@xianan.gov.cn)')
            continue
        if isinstance(value, dict):
            for key in value:
                if key not in ("unit", "key"):
                    p.error(_line_of_key(value, key) or line, f'账号"{email}"中未知的键"{key}"(可用:unit、key)')
            signing = value.get("key")
            if signing is not None and not isinstance(signing, str):
                p.error(line, f'账号"{email}"的 key 应为 SSH 公钥(一行文字)')
            value = value.get("unit")
        if not isinstance(value, str) or not value.strip():
            p.error(line, f'账号"{email}"没有写代表的单位(单位名称,或 "*" 表示督查室)')
            continue
        if value.strip() == OFFICE:
            continue
        key = normalize_name(value)
        if key in group_names and key not in unit_names:
            p.error(line, f'账号"{email}"的"{value}"是分组,账号只能代表一个单位')
        elif key not in unit_names:
            p.error(line, f'账号"{email}"的单位"{value}"不在 units 中')
    _, hook_errors = parse_units_text(text, p.source)
    reported = {pr.line for pr in p.problems if pr.severity == "error"}
    for line, message in hook_errors:
        if line not in reported:
            p.error(line, f"git 钩子无法读取:{message}")
