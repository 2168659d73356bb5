"""Who may write what in a shared tracker: the rules ``xatrack audit`` and the
``pre-receive`` hook apply to each commit.

Pure and standard-library only: the hook embeds this module's source and runs
it on a git server that has Python and git but no xatrack, no ruamel.yaml.
So it reads ``units.yaml`` (unit names, aliases, ``accounts:``) and the log
lines with its own small, strict reader: what it cannot read is an error with
its line, never a pass.

The rules, for one commit by an identity (author e-mail) whose account in
``units.yaml`` says which unit it reports for (``"*"``: the supervision
office, who may report and correct for anyone):

* ``progress/*.yaml`` and ``findings/*.yaml`` are append-only line logs: no
  committed line is changed or removed; each added line is blank, a comment or
  one ``- {json}`` entry, whose ``by`` (canonical, through the aliases) must be
  the committer's unit unless the committer is the office;
* ``bulletins/*.json`` and everything under ``evidence/`` are written once:
  changing or deleting one is a violation; adding a bulletin is the office's
  right, adding evidence anyone's with an account;
* every other file (``tasks.yaml``, ``units.yaml``, ``.gitattributes`` …) is
  the office's alone; a ``units.yaml`` the office commits must stay readable
  by this reader (else the next push could not be judged).

A merge commit is judged on what it adds beyond all its parents (a union
merge of two units' lines adds nothing), and on every line of any parent it
drops.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import xatrack.authority as authority

OFFICE = authority.OFFICE
REGISTRY = "tasks.yaml"
DIRECTORY = "units.yaml"
TORN_MARK = "# 上一行不完整(写入时被中断),已作废"  # xatrack.store.TORN_MARK


def normalize_name(name: object) -> str:
    """As xatrack.directory.normalize_name: NFKC, no whitespace, lower case."""
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).lower()


# --------------------------------------------------------------------------- units.yaml


@dataclass
class Accounts:
    """What units.yaml says about identities: e-mail -> unit (or OFFICE)."""

    units: dict = field(default_factory=dict)  # normalized name or alias -> canonical unit name
    by_email: dict = field(default_factory=dict)  # lower-case e-mail -> canonical unit or OFFICE
    keys: dict = field(default_factory=dict)  # lower-case e-mail -> SSH public key
    lines: dict = field(default_factory=dict)  # lower-case e-mail -> line in units.yaml
    present: bool = False  # an accounts: section exists
    groups: dict = field(default_factory=dict)  # normalized group name or alias -> member names as written

    def members(self, name: str, seen: set | None = None) -> set:
        """The normalized canonical units a group names (groups of groups expanded); empty for a unit."""
        key = normalize_name(name)
        seen = set() if seen is None else seen
        if key not in self.groups or key in seen:
            return set()
        seen.add(key)
        found: set = set()
        for member in self.groups[key]:
            inner = self.members(member, seen)
            found |= inner if inner else {normalize_name(self.canonical(member))}
        return found

    def names_unit(self, unit: str, names) -> bool:
        """Whether ``names`` (as tasks.yaml writes them) include ``unit``, by alias or through a group."""
        target = normalize_name(self.canonical(unit))
        for raw in names:
            if normalize_name(self.canonical(raw)) == target or target in self.members(raw):
                return True
        return False

    def canonical(self, name: str) -> str:
        return self.units.get(normalize_name(name), str(name).strip())

    def role(self, email: str):
        return self.by_email.get(email.strip().lower())


class _Unreadable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]+(.*))?$")
_NULLS = ("", "~", "null", "Null", "NULL")


def _strip_comment(text: str) -> str:
    """The text without a trailing comment (``#`` after a space, outside quotes)."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == "\\" and quote == '"':
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or text[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _quoted(text: str, i: int) -> tuple[str, int]:
    quote = text[i]
    out = []
    i += 1
    while i < len(text):
        ch = text[i]
        if quote == "'" and ch == "'":
            if text[i + 1 : i + 2] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out), i + 1
        if quote == '"' and ch == '"':
            return "".join(out), i + 1
        if quote == '"' and ch == "\\":
            esc = text[i + 1 : i + 2]
            simple = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", " ": " "}
            if esc in simple:
                out.append(simple[esc])
                i += 2
                continue
            if esc == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", text[i + 2 : i + 6]):
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
                continue
            raise _Unreadable(f"不支持的转义 \\{esc}")
        out.append(ch)
        i += 1
    raise _Unreadable("引号未闭合")


def _plain(raw: str):
    raw = raw.strip()
    if raw in _NULLS:
        return None
    if raw[0] in "&*!|>%@`" or raw.startswith("- ") or raw == "-":
        raise _Unreadable(f'"{raw}" 需要加引号')
    return raw


def _flow_value(text: str, i: int, stops: str):
    """A scalar, [list] or {mapping} starting at i (after spaces) -> (value, end)."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        raise _Unreadable("缺少值")
    ch = text[i]
    if ch in "'\"":
        return _quoted(text, i)
    if ch == "[":
        return _flow_list(text, i)
    if ch == "{":
        return _flow_map(text, i)
    j = i
    while j < len(text) and text[j] not in stops:
        if text[j] in "[]{}":
            raise _Unreadable(f"无法读取:{text[i:].strip()}")
        j += 1
    return _plain(text[i:j]), j


def _after(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _flow_list(text: str, i: int):
    values = []
    i = _after(text, i + 1)
    if text[i : i + 1] == "]":
        return values, i + 1
    while True:
        value, i = _flow_value(text, i, ",]")
        values.append(value)
        i = _after(text, i)
        if i >= len(text):
            raise _Unreadable("方括号列表未闭合(须写在同一行)")
        if text[i] == "]":
            return values, i + 1
        if text[i] != ",":
            raise _Unreadable("方括号列表中缺少逗号")
        i = _after(text, i + 1)


def _flow_key(text: str, i: int, stops: str):
    i = _after(text, i)
    if text[i : i + 1] in ("'", '"'):
        key, i = _quoted(text, i)
        i = _after(text, i)
        if text[i : i + 1] != ":":
            raise _Unreadable("键后缺少冒号")
        return key, i + 1
    j = i
    while j < len(text):
        if text[j] == ":" and (j + 1 == len(text) or text[j + 1] in " " + stops):
            key = text[i:j].strip()
            if not key or any(c in key for c in "[]{},"):
                raise _Unreadable("缺少键")
            return key, j + 1
        if text[j] in stops:
            break
        j += 1
    raise _Unreadable("缺少冒号(键: 值)")


def _flow_map(text: str, i: int):
    result: dict = {}
    i = _after(text, i + 1)
    if text[i : i + 1] == "}":
        return result, i + 1
    while True:
        key, i = _flow_key(text, i, ",}")
        if key in result:
            raise _Unreadable(f'重复的键"{key}"')
        value, i = _flow_value(text, i, ",}")
        result[key] = value
        i = _after(text, i)
        if i >= len(text):
            raise _Unreadable("花括号未闭合(须写在同一行)")
        if text[i] == "}":
            return result, i + 1
        if text[i] != ",":
            raise _Unreadable("花括号中缺少逗号")
        i = _after(text, i + 1)


def _value(text: str):
    """A whole value on one line: scalar, [list] or {mapping}, nothing after it."""
    value, end = _flow_value(text, 0, "")
    if text[end:].strip():
        raise _Unreadable(f"值后面多出了内容:{text[end:].strip()}")
    return value


def _pair(text: str):
    key, i = _flow_key(text, 0, "")
    rest = text[i:].strip()
    return key, (_value(rest) if rest else None), not rest


def parse_units_text(text: str, source: str = DIRECTORY) -> tuple[Accounts, list]:
    """units.yaml -> (Accounts, [(line, message)]). Reads the ``units`` and
    ``accounts`` sections (other sections are skipped); a line in them that
    this reader cannot read is an error with its line number."""
    accounts = Accounts()
    errors: list = []
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    sections: dict = {}
    current = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] not in " \t":
            match = _TOP_KEY.match(_strip_comment(line))
            if not match:
                errors.append((number, f"无法读取这一行:{line.strip()[:40]}"))
                current = None
                continue
            current = match.group(1)
            if current in sections:
                errors.append((number, f'重复的部分"{current}"'))
            sections[current] = (number, (match.group(2) or "").strip(), [])
            continue
        if current is None:
            errors.append((number, "缩进的行不属于任何部分"))
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            errors.append((number, "不能用制表符缩进,请用空格"))
            continue
        sections[current][2].append((number, line))
    if "units" in sections:
        _read_units(sections["units"], accounts, errors)
    if "accounts" in sections:
        accounts.present = True
        _read_accounts(sections["accounts"], accounts, errors)
    if "groups" in sections:
        _read_groups(sections["groups"], accounts)
    errors.sort(key=lambda e: e[0])
    return accounts, errors


def _read_units(section, accounts: Accounts, errors: list) -> None:
    at, inline, body = section
    try:
        if inline and _value(_strip_comment(inline)) not in (None, []):
            errors.append((at, "units 应为列表(每项以 - 开头,各占一行)"))
            return
    except _Unreadable as error:
        errors.append((at, error.message))
        return
    item_indent = None
    current = None  # the block mapping of the item being read
    for number, line in body:
        text = _strip_comment(line)
        if not text.strip():
            continue
        indent = len(text) - len(text.lstrip(" "))
        stripped = text.strip()
        try:
            if stripped.startswith("- ") or stripped == "-":
                if item_indent is None:
                    item_indent = indent
                if indent != item_indent:
                    raise _Unreadable("列表项缩进不一致")
                item = stripped[2:].strip()
                current = None
                if item.startswith("{"):
                    entry = _value(item)
                elif item.startswith(("'", '"')) or not re.search(r":( |$)", item):
                    entry = {"name": _value(item)}
                else:
                    key, value, _ = _pair(item)
                    entry = current = {key: value}
                    current["_at"] = number
                    continue
                _add_unit(entry, number, accounts)
            elif current is not None and item_indent is not None and indent == item_indent + 2:
                key, value, _ = _pair(stripped)
                if key in current:
                    raise _Unreadable(f'重复的键"{key}"')
                current[key] = value
                if key in ("name", "aliases"):
                    _add_unit(current, current["_at"], accounts, partial=True)
            else:
                raise _Unreadable("无法读取这一行(单位请写成 - {name: …, aliases: [...]})")
        except _Unreadable as error:
            errors.append((number, error.message))


def _read_groups(section, accounts: Accounts) -> None:
    """groups: NAME: {members: [...], aliases: [...]} in block style, a list
    possibly running over several lines. Read leniently: a group this reader
    cannot read is left out (no unit is then found in it: the stricter answer)."""
    _, _, body = section
    current = None
    pending = None  # (key, text so far) of a list running over lines
    for _number, line in body:
        text = _strip_comment(line)
        if not text.strip():
            continue
        if pending is not None:
            pending = (pending[0], pending[1] + " " + text.strip())
            if pending[1].count("[") > pending[1].count("]"):
                continue
            key, joined = pending
            pending = None
            _group_value(accounts, current, key, joined)
            continue
        indent = len(text) - len(text.lstrip(" "))
        stripped = text.strip()
        if indent == 2 and stripped.endswith(":"):
            name = stripped[:-1].strip().strip("'\"")
            current = [name]
            accounts.groups[normalize_name(name)] = []
            continue
        if current is None or indent != 4 or ":" not in stripped:
            continue
        key, _, rest = stripped.partition(":")
        rest = rest.strip()
        if key not in ("members", "aliases"):
            continue
        if rest.count("[") > rest.count("]"):
            pending = (key, rest)
            continue
        _group_value(accounts, current, key, rest)


def _group_value(accounts: Accounts, current: list, key: str, text: str) -> None:
    try:
        value = _value(text)
    except _Unreadable:
        return
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return
    members = accounts.groups[normalize_name(current[0])]
    if key == "members":
        members.extend(value)
    else:
        for alias in value:
            accounts.groups[normalize_name(alias)] = members


def read_scope(text: str) -> dict:
    """tasks.yaml (as xatrack writes it) -> {item id: lead and responsible names}.
    An item whose lists this reader cannot read is left out: not judged."""
    scope: dict = {}
    section = None
    current = None
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        if line[:1] not in (" ", "", "#"):
            section = line.split(":", 1)[0].strip()
            current = None
            continue
        if section not in ("targets", "tasks"):
            continue
        if line.startswith("  - id:"):
            current = authority.normalize_id(line[len("  - id:"):].strip().strip("'\""))
            scope[current] = []
            continue
        if current is None:
            continue
        for key in ("    lead:", "    units:"):
            if line.startswith(key):
                try:
                    value = _value(_strip_comment(line[len(key):]).strip())
                except _Unreadable:
                    scope.pop(current, None)
                    current = None
                    break
                if value is None:
                    continue
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    scope.pop(current, None)
                    current = None
                    break
                scope[current].extend(value)
    return scope


def _add_unit(entry, number: int, accounts: Accounts, partial: bool = False) -> None:
    if not isinstance(entry, dict):
        raise _Unreadable("单位条目应为 {name: …}")
    name = entry.get("name")
    if name is None:
        if partial:
            return
        raise _Unreadable("单位条目缺少 name")
    if not isinstance(name, str):
        raise _Unreadable("单位名称应为文字")
    aliases = entry.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _Unreadable("aliases 应为名称列表")
    for surface in (name, *aliases):
        accounts.units.setdefault(normalize_name(surface), name.strip())


def _read_accounts(section, accounts: Accounts, errors: list) -> None:
    at, inline, body = section
    pairs = []  # (line, email, value)
    try:
        inline = _strip_comment(inline)
        if inline:
            value = _value(inline)
            if value is not None and not isinstance(value, dict):
                raise _Unreadable("accounts 应为映射:{电子邮箱: 单位}")
            pairs += [(at, k, v) for k, v in (value or {}).items()]
    except _Unreadable as error:
        errors.append((at, error.message))
    key_indent = None
    pending = None  # (line, email, dict) of a block-form account
    for number, line in body:
        text = _strip_comment(line)
        if not text.strip():
            continue
        indent = len(text) - len(text.lstrip(" "))
        try:
            if inline:
                raise _Unreadable("accounts 已在同一行写完,这一行多余")
            if key_indent is None:
                key_indent = indent
            if indent == key_indent:
                key, value, empty = _pair(text.strip())
                pending = None
                if empty:
                    pending = (number, key, {})
                    pairs.append(pending)
                else:
                    pairs.append((number, key, value))
            elif pending is not None and indent > key_indent:
                key, value, _ = _pair(text.strip())
                if key in pending[2]:
                    raise _Unreadable(f'重复的键"{key}"')
                pending[2][key] = value
            else:
                raise _Unreadable("accounts 的缩进不一致")
        except _Unreadable as error:
            errors.append((number, error.message))
    for number, email, value in pairs:
        message = _add_account(accounts, number, email, value)
        if message:
            errors.append((number, message))


def _add_account(accounts: Accounts, number: int, email, value) -> str:
    if not isinstance(email, str) or "@" not in email or any(c.isspace() for c in email):
        return f'账号"{email}"应为电子邮箱(如 kjj@xianan.gov.cn)'
    key = email.strip().lower()
    if key in accounts.by_email:
        return f'账号"{email}"重复(第 {accounts.lines[key]} 行已有)'
    signing = None
    if isinstance(value, dict):
        unknown = [k for k in value if k not in ("unit", "key")]
        if unknown:
            return f'账号"{email}"中未知的键"{unknown[0]}"(可用:unit、key)'
        signing = value.get("key")
        if signing is not None and not isinstance(signing, str):
            return f'账号"{email}"的 key 应为 SSH 公钥(一行文字)'
        value = value.get("unit")
    if value is None or not isinstance(value, str) or not value.strip():
        return f'账号"{email}"没有写代表的单位(单位名称,或 "*" 表示督查室)'
    if value.strip() == OFFICE:
        unit = OFFICE
    else:
        unit = accounts.units.get(normalize_name(value))
        if unit is None:
            return f'账号"{email}"的单位"{value}"不在 units 中'
    accounts.by_email[key] = unit
    accounts.lines[key] = number
    if signing:
        accounts.keys[key] = signing.strip()
    return ""


# --------------------------------------------------------------------------- commits


@dataclass
class FileChange:
    """One path of a commit against one parent (from ``git log --raw -p -U0``)."""

    path: str
    status: str  # A, M, D, T
    old_mode: str = ""
    new_mode: str = ""
    old_blob: str = ""
    new_blob: str = ""
    added: list = field(default_factory=list)  # (line in the new file, text)
    removed: list = field(default_factory=list)  # (line in the old file, text)
    binary: bool = False


@dataclass
class Commit:
    sha: str
    parents: tuple = ()
    email: str = ""
    when: int = 0
    changes: dict = field(default_factory=dict)  # parent sha ("" for a root) -> {path: FileChange}

    @property
    def short(self) -> str:
        return self.sha[:8]


@dataclass(frozen=True)
class Violation:
    severity: str  # "error" | "warning"
    kind: str  # forged, changed, unreadable, no_account, office_only, write_once, signature, history
    sha: str
    email: str
    path: str
    line: int | None
    reason: str  # one Chinese line naming file and line

    def hook_line(self) -> str:
        where = f"(提交 {self.sha[:8]})" if self.sha else ""
        return f"拒绝:{self.reason}{where}"

    def audit_line(self) -> str:
        label = "错误" if self.severity == "error" else "警告"
        where = f"(提交 {self.sha[:8]},{self.email})" if self.sha else ""
        return f"{label}:{self.reason}{where}"

    def as_dict(self) -> dict:
        return {"severity": self.severity, "kind": self.kind, "commit": self.sha, "email": self.email,
                "file": self.path, "line": self.line, "message": self.reason}


def where(path: str, line) -> str:
    return f"{path} 第 {line} 行" if line else path


def read_log_line(text: str):
    """One line of a progress/findings log -> (entry dict or None, problem or "").

    Blank lines and comments are no entry; an entry is ``- {…}`` in JSON, as
    xatrack writes it (xatrack.store.record_line). A line breaking the line
    grammar (another line break, a control character, invalid UTF-8) is a
    problem even as a comment: xatrack reads it as one damaged line."""
    problem = authority.line_problem(text[:-1] if text.endswith("\r") else text)
    if problem:
        return None, problem
    body = text.strip()
    if not body or body.startswith("#"):
        return None, ""
    if not body.startswith("- {") or not body.endswith("}"):
        return None, "无法读取(每行应为 xatrack 写入的一条 - {…})"
    try:
        value = json.loads(body[2:])
    except (ValueError, RecursionError):
        return None, "无法读取(不是 xatrack 写入的一行 JSON)"
    if not isinstance(value, dict):
        return None, "无法读取(每行应为一条记录 {…})"
    return value, ""


def settle_hunk(old_start: int, old_lines: list, new_start: int, new_lines: list) -> tuple[list, list]:
    """A -U0 hunk -> (added, removed) as (line, text) lists.

    Git's Myers diff shows a pure insertion as one, except around a last line
    that had no newline (``\\ No newline at end of file``: the line shows as
    removed and added again) and in a merge against a parent whose lines the
    union merge interleaved. So the old lines are matched, in order, against
    the new ones (text without line ends): matched lines are kept, the rest of
    the new lines are added, old lines left unmatched were removed or changed.
    """
    added, removed = [], []
    j = 0
    for i, text in enumerate(old_lines):
        k = j
        while k < len(new_lines) and new_lines[k].rstrip("\r") != text.rstrip("\r"):
            k += 1
        if k == len(new_lines):
            removed.append((old_start + i, text))
            continue
        added += [(new_start + m, new_lines[m]) for m in range(j, k)]
        j = k + 1
    added += [(new_start + m, new_lines[m]) for m in range(j, len(new_lines))]
    return added, removed


def changes_by_path(commit: Commit) -> dict:
    """path -> [FileChange against each parent, or None where unchanged against it]."""
    parents = list(commit.parents) or [""]
    paths: dict = {}
    for index, parent in enumerate(parents):
        for path, change in commit.changes.get(parent, {}).items():
            paths.setdefault(path, [None] * len(parents))[index] = change
    return paths


def is_log(path: str) -> bool:
    """A progress or findings log (relative to the tracker root)."""
    return authority.kind_of(path) in (authority.PROGRESS, authority.FINDINGS)


def check_commit(commit: Commit, accounts: Accounts, read_blob=None, prefix: str = "",
                 strict_identity: bool = True, side_changed=None, logs: bool = True, others: bool = True,
                 scope: dict | None = None) -> list:
    """Violations of one commit. ``read_blob(sha) -> bytes`` reads a blob (a
    units.yaml the office commits, a log a rule needs whole, an evidence
    file's bytes); ``prefix``: the tracker's directory inside the repository
    ("" or "sub/dir/"). ``strict_identity``: a committer without account is an
    error (else a warning). ``side_changed(theirs, ours, path) -> bool``: for a
    merge, whether commits on ``theirs`` not on ``ours`` changed ``path``
    (what lets a merge take the other side's version of an office-only file).
    ``logs`` / ``others``: judge the logs / the other files (the hook reads
    the logs' patches apart, once for a run of commits: gitlog.judge_commits).
    ``scope``: {item id: its lead and responsible units} (``read_scope`` of
    tasks.yaml): a unit reports only items it leads or shares."""
    out: list = []
    email = commit.email
    role = accounts.role(email) if accounts.present else OFFICE
    if accounts.present and role is None and others:
        out.append(Violation("error" if strict_identity else "warning", "no_account", commit.sha, email, "", None,
                             f"提交者 {email} 在 units.yaml 的 accounts 中没有账号"))
        role = None
    blobs: dict = {}

    def content(blob: str):
        if read_blob is None or not blob or set(blob) == {"0"}:
            return None
        if blob not in blobs:
            blobs[blob] = read_blob(blob)
        return blobs[blob]

    def add(kind: str, path: str, line, reason: str) -> None:
        out.append(Violation("error", kind, commit.sha, email, path, line, reason))

    parents = list(commit.parents) or [""]
    for full, per_parent in sorted(changes_by_path(commit).items()):
        if prefix and not full.startswith(prefix):
            continue  # outside the tracker
        path = full[len(prefix):]
        kind = authority.kind_of(path)
        if not (logs if kind in (authority.PROGRESS, authority.FINDINGS) else others):
            continue
        present = [c for c in per_parent if c is not None]
        new_to_all = len(present) == len(per_parent)  # changed against every parent: the commit's own change
        if kind == authority.BAD_NAME:
            if any(c.status != "D" for c in present):
                add("bad_name", path, None, authority.name_rule(path))
        elif kind in (authority.PROGRESS, authority.FINDINGS):
            _check_log(path, kind, per_parent, role, email, accounts, add, content, scope)
        elif kind in (authority.BULLETIN, authority.EVIDENCE):
            for change in present:
                if change.status in ("M", "T", "D") and change.old_blob != change.new_blob:
                    verb = "删除" if change.status == "D" else "修改"
                    add("write_once", path, None, f"{path} 已提交,不能{verb}(只写一次)")
                    break
            else:
                adds = new_to_all and any(c.status == "A" for c in present)
                if adds and kind == authority.BULLETIN and role is not None and role != OFFICE:
                    add("office_only", path, None, f"{path}:只有督查室可以发布通报,提交者 {email} 代表 {role}")
                if adds and kind == authority.EVIDENCE:
                    data = content(present[0].new_blob)
                    if data is not None and not authority.content_matches(path, data):
                        add("evidence", path, None, f"{path} 的内容与文件名(SHA-256)不符:佐证材料的文件名必须是其内容的哈希")
        else:
            real = [c for c in present if c.old_blob != c.new_blob or c.status in ("A", "D")]
            own = new_to_all and real and len(real) == len(per_parent)
            if not own and real and len(parents) > 1 and side_changed is not None:
                own = _reverts(per_parent, parents, full, side_changed)
            if own:
                if accounts.present and role != OFFICE:
                    if role is not None:
                        add("office_only", path, None, f"{path} 只有督查室可以修改,提交者 {email} 代表 {role}")
                elif path == DIRECTORY and read_blob is not None and real[0].status != "D":
                    _check_directory_blob(path, real[0].new_blob, read_blob, add)
        _check_modes(path, present, add)
    return out


def _reverts(per_parent: list, parents: list, path: str, side_changed) -> bool:
    """Whether a merge's version of an office-only file is its own doing: it
    differs from a parent's and equals another parent's only where that other
    side never changed the file (so the merge took an older version back)."""
    for k, change in enumerate(per_parent):
        if change is None:
            continue
        taken = [j for j, other in enumerate(per_parent) if other is None]
        if not any(side_changed(parents[j], parents[k], path) for j in taken):
            return True
    return False


def _check_modes(path: str, present: list, add) -> None:
    for change in present:
        if change.status != "D" and change.new_mode and change.new_mode not in ("100644", "100755"):
            add("office_only", path, None, f"{path} 不是普通文件(模式 {change.new_mode})")
            return


def _check_directory_blob(path: str, blob: str, read_blob, add) -> None:
    try:
        text = read_blob(blob).decode("utf-8")
    except UnicodeDecodeError:
        add("unreadable", path, None, f"{path} 不是 UTF-8 文本")
        return
    _, errors = parse_units_text(text, path)
    for line, message in errors[:20]:
        add("unreadable", path, line, f"{where(path, line)}:{message}")


def _file_lines(data) -> list:
    return authority.decode_lines(data).split("\n") if data is not None else []


def _check_log(path: str, kind: str, per_parent: list, role, email: str, accounts: Accounts, add, content,
               scope: dict | None = None) -> None:
    present = [c for c in per_parent if c is not None]
    for change in present:
        if change.status == "D":
            add("changed", path, None, f"{path} 被删除(进度记录只能追加)")
            return
        if change.binary:
            add("unreadable", path, None, f"{path} 不是文本文件")
            return
        removed = change.removed
        if role == OFFICE:
            # the office may take out a line xatrack could never read as a record
            removed = [(n, t) for n, t in removed if read_log_line(t)[1] == ""]
        for line, _text in removed[:1]:
            more = f"等 {len(removed)} 行" if len(removed) > 1 else ""
            add("changed", path, line, f"{where(path, line)}{more}已提交的内容被修改或删除(只能追加,更正请追加新的一条)")
        if removed:
            return
    if len(present) < len(per_parent):
        return  # unchanged against some parent: this commit adds nothing of its own
    # Lines new against every parent are this commit's own.
    own = None
    for change in present:
        lines = {n: t for n, t in change.added}
        own = lines if own is None else {n: t for n, t in own.items() if n in lines}
    own = own or {}
    whole: list = []  # the new file's lines, read only when a rule needs them

    def new_lines() -> list:
        if not whole:
            whole.append(_file_lines(content(present[0].new_blob)))
        return whole[0]

    for number in sorted(own):
        text = own[number]
        entry, problem = read_log_line(text)
        if problem:
            follows = own.get(number + 1) if number + 1 in own else None
            if follows is not None and follows.strip() == TORN_MARK and not authority.line_problem(text.rstrip("\r")):
                continue  # a write cut short, voided by the next append (xatrack ignores it too)
            add("unreadable", path, number, f"{where(path, number)}{problem}")
            continue
        if entry is not None and kind == authority.PROGRESS:
            problem = authority.entry_problem(entry)
            if problem:
                add("unreadable", path, number, f"{where(path, number)}不是 xatrack 能读取的记录:{problem}")
                continue
        if entry is None:
            if text.strip() == TORN_MARK and number > 1 and role != OFFICE:
                above = own.get(number - 1)
                if above is None:
                    lines = new_lines()
                    above = lines[number - 2] if len(lines) >= number - 1 else None
                if above is not None and read_log_line(above)[0] is not None:
                    by = read_log_line(above)[0].get("by")
                    if not isinstance(by, str) or role is None or \
                            normalize_name(accounts.canonical(by)) != normalize_name(role):
                        add("torn", path, number, f"{where(path, number)}的作废标记跟在他人完整的记录之后"
                                                  f"(作废标记只能跟在写入中断的不完整行之后)")
            continue
        if role == OFFICE or role is None:
            continue
        by = entry.get("by")
        if not isinstance(by, str) or not by.strip():
            add("forged", path, number, f"{where(path, number)}没有写报送单位(by),提交者 {email} 只能代表 {role}")
            continue
        if normalize_name(accounts.canonical(by)) != normalize_name(role):
            add("forged", path, number,
                f'{where(path, number)}以"{by.strip()}"名义报送,但提交者 {email} 只能代表 {role}')
            continue
        if kind == authority.PROGRESS and scope and not isinstance(entry.get("retracts"), str):
            item = authority.normalize_id(entry.get("id"))
            names = scope.get(item)
            if names and not accounts.names_unit(role, names):
                add("authority", path, number, f"{where(path, number)}:{authority.who(authority.PROGRESS, 'report')[1]}"
                                               f"({role} 不是事项 {item} 的牵头单位或责任单位,提交者 {email})")
                continue
        if kind == authority.PROGRESS and isinstance(entry.get("retracts"), str):
            target = _find_ref(new_lines(), entry["retracts"])
            target_by = target.get("by") if target is not None else None
            if not isinstance(target_by, str) or normalize_name(accounts.canonical(target_by)) != normalize_name(role):
                owner = f"属于 {target_by}" if isinstance(target_by, str) and target_by else "不在本季度记录中"
                add("authority", path, number, f"{where(path, number)}撤回的记录 {entry['retracts']} {owner}:"
                                               f"{authority.who(authority.PROGRESS, 'retract')[1]}(提交者 {email} 代表 {role})")
        if kind == authority.FINDINGS:
            action = authority.finding_action(entry)
            if not action:
                continue
            allowed, rule = authority.who(authority.FINDINGS, action)
            if allowed == OFFICE:
                add("authority", path, number, f"{where(path, number)}:{rule}(提交者 {email} 代表 {role})")
                continue
            subject = _finding_unit(new_lines(), entry.get("fid"))
            if not isinstance(subject, str) or normalize_name(accounts.canonical(subject)) != normalize_name(role):
                about = f"关于 {subject}" if isinstance(subject, str) and subject else "找不到对应的督查发现"
                add("authority", path, number, f"{where(path, number)}:{rule}(该发现{about},提交者 {email} 代表 {role})")


def _find_ref(lines: list, ref: str):
    for text in lines:
        record, problem = read_log_line(text)
        if record is not None and not problem and authority.record_ref(record) == ref:
            return record
    return None


def _finding_unit(lines: list, fid):
    if not isinstance(fid, str) or not fid:
        return None
    for text in lines:
        if fid not in text:
            continue
        record, problem = read_log_line(text)
        if record is not None and record.get("op") == "add" and record.get("fid") == fid:
            return record.get("unit")
    return None
