"""The ``units.yaml`` reader: text -> (Directory, problems with file and line).
May import: errors, yamlio, directory.index, directory.names.
"""

from __future__ import annotations

from xatrack.directory.index import Directory, Group, Leader, Unit
from xatrack.directory.names import COLLECTIVE, LEADER_TYPES, PERSON, POST, normalize_name
from xatrack.errors import Problem
from xatrack.yamlio import conflict_problem, line_of_item, line_of_key, line_of_node, make_yaml, surrogate_problem, too_large, yaml_problem

# ---------------------------------------------------------------- parsing


_line_of_item = line_of_item
_line_of_key = line_of_key
_line_of = line_of_node


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
                self.warn(_line_of_key(entry, key) or at, f'{where}中未知的键"{_brief(key)}"(可用:{"、".join(allowed)})')


def parse_directory(text: str, source: str = "units.yaml") -> tuple[Directory, list[Problem]]:
    """Text of a units.yaml -> (Directory, problems). Never raises for bad input:
    what can be read is kept, everything else becomes a Problem with its line."""
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
    p.check_keys(data, ("units", "groups", "leaders", "accounts", "prefixes"), 1, "目录文件")

    units = _parse_units(p, data)
    groups = _parse_groups(p, data)
    leaders = _parse_leaders(p, data)
    _check(p, units, groups, leaders)
    if "accounts" in data:
        _check_accounts(p, data, text, units, groups)
    prefixes = _parse_prefixes(p, data)
    return Directory(units=units, groups=groups, leaders=leaders, source=source, prefixes=prefixes), p.problems


def _parse_prefixes(p: _Parser, data) -> tuple[str, ...]:
    """prefixes: [咸安区, 咸安]: the tracker's places, which a query may leave out of a name."""
    raw = data.get("prefixes")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        p.error(_line_of_key(data, "prefixes"), "prefixes 应为地名列表,如 [咸安区, 咸安]")
        return ()
    return tuple(sorted(dict.fromkeys(v.strip() for v in raw), key=len, reverse=True))


def _brief(value, limit: int = 40) -> str:
    """A value as a message quotes it: at most ``limit`` characters (a pasted paragraph as a key
    must not make a 100,000-character warning)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    from xatrack.audit import OFFICE, parse_units_text  # lazy: rare - only a units.yaml with accounts:; audit costs 5 ms on every command that imports the directory

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
                    p.error(_line_of_key(value, key) or line, f'账号"{email}"中未知的键"{_brief(key)}"(可用:unit、key)')
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
