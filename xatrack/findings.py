"""Inspections and rectification (督查发现、整改销号), as pure rules.

Findings live in ``findings/<year>.yaml``: append-only, one record a line,
like the progress logs (same locked, fsynced append: ``store.append_entries``;
``merge=union`` in git). A record is one event:

    - {"op": "add", "fid": "<sha256>", "item": 32, "unit": "区科经局", "kind": "暗访",
       "text": "…", "date": "2025-07-08", "due": "2025-08-15", "by": "督查室", "at": "…"}
    - {"op": "update" | "close" | "reopen", "fid": "<sha256>", "note": "…",
       "evidence": [{"name": …, "size": …, "sha256": …, "file": …}], "date": …, "by": …, "at": …}

A finding's id is the SHA-256 of its own content (item, unit, kind, text,
dates, who and when), never a counter: two clones adding findings at the same
minute get different ids, and a merge changes no id. It is shown shortened
(``SHORT`` hex digits, more when two ids share them); any unique prefix is
accepted.

Nothing here touches files: records in, ``Finding`` values and problems out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from xatrack.errors import InputError, Problem
from xatrack.model import normalize_id

FOLDER = "findings"
KINDS = ("专项督查", "暗访", "群众反映", "其他")
OPEN = "未整改"
WORKING = "整改中"
OVERDUE = "逾期未整改"
CLOSED = "已销号"
STATUSES = (OPEN, WORKING, OVERDUE, CLOSED)
FOLLOW_UPS = ("update", "close", "reopen")
SHORT = 6  # hex digits shown of an id
MAX_TEXT = 2000

_FID = re.compile(r"^[0-9a-f]{64}$")
_STATUS_WORDS = {
    OPEN: (OPEN,),
    WORKING: (WORKING,),
    OVERDUE: (OVERDUE,),
    "逾期": (OVERDUE,),
    CLOSED: (CLOSED,),
    "销号": (CLOSED,),
    "未销号": (OPEN, WORKING, OVERDUE),
    "open": (OPEN, WORKING, OVERDUE),
    "overdue": (OVERDUE,),
    "closed": (CLOSED,),
}


@dataclass(frozen=True)
class EvidenceRef:
    """One piece of supporting material (佐证材料) as an entry records it."""

    name: str  # the file's name as the unit sent it
    size: int
    sha256: str
    file: str  # where it is stored, relative to the tracker (evidence/2025/<sha256>.pdf)

    def as_record(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256, "file": self.file}


@dataclass(frozen=True)
class Event:
    """A follow-up of a finding: 整改进展 (update), 销号 (close), 重新打开 (reopen)."""

    op: str
    day: date
    note: str
    by: str
    at: str
    evidence: tuple[EvidenceRef, ...] = ()
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Finding:
    fid: str
    item: str | None  # the item it concerns, or None (a unit only)
    unit: str
    kind: str
    text: str
    day: date  # the day it was found
    due: date  # rectification deadline (整改时限)
    by: str
    at: str
    file: str = ""
    line: int = 0
    events: tuple[Event, ...] = ()

    def events_until(self, day: date) -> list[Event]:
        return [e for e in self.events if e.day <= day]

    def closed_on(self, day: date) -> date | None:
        """The day it was closed, if it is closed as of ``day``."""
        closed = None
        for event in self.events_until(day):
            if event.op == "close":
                closed = event.day
            elif event.op == "reopen":
                closed = None
        return closed

    def exists_on(self, day: date) -> bool:
        return self.day <= day

    def is_open(self, day: date) -> bool:
        """Found on or before ``day`` and not closed as of it."""
        return self.exists_on(day) and self.closed_on(day) is None

    def status(self, day: date) -> str:
        """未整改 / 整改中 / 逾期未整改 / 已销号 as of ``day``."""
        if self.closed_on(day) is not None:
            return CLOSED
        if self.due < day:
            return OVERDUE
        if any(e.op in ("update", "reopen") for e in self.events_until(day)):
            return WORKING
        return OPEN

    @property
    def evidence(self) -> tuple[EvidenceRef, ...]:
        return tuple(ref for event in self.events for ref in event.evidence)


# --------------------------------------------------------------------------- ids


def finding_id(record: dict[str, Any]) -> str:
    """The id of an ``add`` record: SHA-256 of its content (everything but op and fid)."""
    content = {str(k): v for k, v in record.items() if k not in ("op", "fid")}
    try:
        text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    except (TypeError, ValueError, RecursionError):  # a hand-edited record of odd values: it cannot match
        return ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_ids(fids: Iterable[str]) -> dict[str, str]:
    """Each id shortened to ``SHORT`` digits, or as many more as keep it unique."""
    fids = sorted(set(fids))
    shown = {}
    for index, fid in enumerate(fids):
        length = SHORT
        for other in (fids[index - 1] if index else "", fids[index + 1] if index + 1 < len(fids) else ""):
            common = 0
            while common < min(len(fid), len(other)) and fid[common] == other[common]:
                common += 1
            length = max(length, common + 1)
        shown[fid] = fid[:length]
    return shown


def resolve(findings: dict[str, Finding], raw: str) -> Finding:
    """A finding by any unique prefix of its id; InputError naming the id otherwise."""
    key = raw.strip().lower()
    if not key or not re.fullmatch(r"[0-9a-f]+", key):
        raise InputError(f"问题编号\"{raw}\"无效:应为 xatrack finding add 给出的编号(十六进制,如 3fa2c1)")
    hits = [f for fid, f in findings.items() if fid.startswith(key)]
    if not hits:
        raise InputError(f"没有编号为\"{raw}\"的督查发现(用 xatrack finding list 查看)")
    if len(hits) > 1:
        shown = short_ids(findings)
        names = "、".join(shown[f.fid] for f in hits[:5])
        raise InputError(f"问题编号\"{raw}\"对应多条督查发现({names}…),请多写几位")
    return hits[0]


# --------------------------------------------------------------------------- reading


def build(records: Iterable[tuple[int, Any]], source: str) -> tuple[dict[str, Finding], list[Problem]]:
    """Findings (by full id, in order of first appearance) from a file's records."""
    adds: dict[str, Finding] = {}
    events: dict[str, list[Event]] = {}
    problems: list[Problem] = []
    pending: list[tuple[str, Event, int]] = []
    for line, raw in records:
        if not isinstance(raw, dict):
            problems.append(Problem(source, line, "每条记录应为映射(op/fid/…)"))
            continue
        op = raw.get("op")
        fid = raw.get("fid")
        if op not in ("add", *FOLLOW_UPS):
            problems.append(Problem(source, line, f"未知的 op {_shown(op)}(应为 add/update/close/reopen)"))
            continue
        if not isinstance(fid, str) or not _FID.match(fid):
            problems.append(Problem(source, line, f"缺少或无效的 fid:{_shown(fid)}"))
            continue
        try:
            if op == "add":
                finding = _finding(raw, fid, source, line)
                if fid in adds:
                    if _same(adds[fid], finding):
                        continue  # the same line twice (both clones kept it): one finding
                    problems.append(Problem(source, line, f"与第 {adds[fid].line} 行同一编号却内容不同(手工修改过?)"))
                    continue
                if finding_id(raw) != fid:
                    problems.append(
                        Problem(source, line, "内容与编号不符(记录被手工修改过?);按记录内容读取", "warning")
                    )
                adds[fid] = finding
            else:
                pending.append((fid, _event(raw, op, source, line), line))
        except ValueError as error:
            problems.append(Problem(source, line, str(error)))
    for fid, event, line in pending:
        if fid not in adds:
            problems.append(Problem(source, line, f"没有编号为 {fid[:SHORT]} 的督查发现(记录了对它的 {event.op})"))
            continue
        events.setdefault(fid, []).append(event)
    result = {}
    for fid, finding in adds.items():
        ordered = sorted(events.get(fid, ()), key=lambda e: (e.day, e.at, e.line))
        result[fid] = _replace_events(finding, tuple(ordered))
    return result, problems


def _replace_events(finding: Finding, events: tuple[Event, ...]) -> Finding:
    return replace(finding, events=events)


def _same(a: Finding, b: Finding) -> bool:
    return (a.item, a.unit, a.kind, a.text, a.day, a.due, a.by, a.at) == (b.item, b.unit, b.kind, b.text, b.day, b.due, b.by, b.at)


def _finding(raw: dict, fid: str, source: str, line: int) -> Finding:
    item = raw.get("item")
    if item is not None and (isinstance(item, bool) or not isinstance(item, (int, str)) or not str(item).strip()):
        raise ValueError(f"item 应为事项编号,实为 {_shown(item)}")
    unit = _text(raw, "unit", required=True)
    kind = _text(raw, "kind", required=True)
    if kind not in KINDS:
        raise ValueError(f"未知的发现类型 {_shown(kind)}(应为 {'/'.join(KINDS)})")
    text = _text(raw, "text", required=True)
    day = _day(raw, "date")
    due = _day(raw, "due")
    if due < day:
        raise ValueError(f"整改时限 {due.isoformat()} 早于发现日期 {day.isoformat()}")
    return Finding(
        fid=fid,
        item=normalize_id(item) if item is not None else None,
        unit=unit,
        kind=kind,
        text=text,
        day=day,
        due=due,
        by=_text(raw, "by") or "",
        at=_text(raw, "at") or "",
        file=source,
        line=line,
    )


def _event(raw: dict, op: str, source: str, line: int) -> Event:
    refs = evidence_refs(raw.get("evidence"))
    return Event(
        op=op,
        day=_day(raw, "date"),
        note=_text(raw, "note") or "",
        by=_text(raw, "by") or "",
        at=_text(raw, "at") or "",
        evidence=refs,
        file=source,
        line=line,
    )


def evidence_refs(raw: Any) -> tuple[EvidenceRef, ...]:
    """The ``evidence`` field of a record (progress or finding); ValueError if malformed."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"evidence 应为列表,实为 {_shown(raw)}")
    refs = []
    for one in raw:
        if not isinstance(one, dict):
            raise ValueError(f"evidence 中的每项应为映射(name/size/sha256/file),实为 {_shown(one)}")
        name, size, digest, file = one.get("name"), one.get("size"), one.get("sha256"), one.get("file")
        if not isinstance(digest, str) or not _FID.match(digest):
            raise ValueError(f"evidence 的 sha256 无效:{_shown(digest)}")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"evidence 的 size 无效:{_shown(size)}")
        if not isinstance(name, str) or not isinstance(file, str):
            raise ValueError(f"evidence 的 name 或 file 无效:{_shown(one)}")
        refs.append(EvidenceRef(name, size, digest, file))
    return tuple(refs)


def _text(raw: dict, key: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"缺少 {key}")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{key} 应为文字,实为 {_shown(value)}")
    return str(value).strip()


def _day(raw: dict, key: str) -> date:
    value = raw.get(key)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"缺少或无效的 {key}:{_shown(value)}")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


# --------------------------------------------------------------------------- writing (records only)


def add_record(
    *, item: str | None, unit: str, kind: str, text: str, day: date, due: date, by: str, at: str
) -> dict[str, Any]:
    """The ``add`` record of a new finding, its id included. Validates (InputError)."""
    if kind not in KINDS:
        raise InputError(f"--kind 的值\"{kind}\"无效:应为 {'/'.join(KINDS)}")
    text = text.strip()
    if not text:
        raise InputError("--text 不能为空:请写明发现的问题")
    if len(text) > MAX_TEXT:
        raise InputError(f"--text 过长(上限 {MAX_TEXT} 字)")
    if due < day:
        raise InputError(f"--due 的值 {due.isoformat()} 早于发现日期 {day.isoformat()}:整改时限应在发现之后")
    record: dict[str, Any] = {"op": "add", "fid": ""}
    if item is not None:
        record["item"] = int(item) if item.isdigit() else item
    record.update(unit=unit, kind=kind, text=text, date=day.isoformat(), due=due.isoformat(), by=by, at=at)
    record["fid"] = finding_id(record)
    return record


def follow_up_record(
    finding: Finding, op: str, *, note: str | None, day: date, by: str, at: str, evidence: Iterable[EvidenceRef] = ()
) -> dict[str, Any]:
    """The record of an update / close / reopen, after checking it makes sense now."""
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InputError(f"--note 过长(上限 {MAX_TEXT} 字)")
    if day < finding.day:
        raise InputError(f"--date 的值 {day.isoformat()} 早于发现日期 {finding.day.isoformat()}")
    closed = finding.closed_on(date.max) is not None
    if op == "update":
        if not note and not evidence:
            raise InputError("请给出 --note(整改进展)或 --evidence(佐证材料)")
        if closed:
            raise InputError("该问题已销号;如需继续整改,请先用 xatrack finding reopen 重新打开")
    elif op == "close":
        if closed:
            raise InputError("该问题已经销号")
    elif op == "reopen":
        if not closed:
            raise InputError("该问题尚未销号,无需重新打开")
        if not note:
            raise InputError("重新打开请用 --note 说明原因")
    record: dict[str, Any] = {"op": op, "fid": finding.fid}
    if note:
        record["note"] = note
    refs = [ref.as_record() for ref in evidence]
    if refs:
        record["evidence"] = refs
    record.update(date=day.isoformat(), by=by, at=at)
    return record


# --------------------------------------------------------------------------- queries


def parse_status_filter(text: str) -> tuple[str, ...]:
    key = text.strip()
    found = _STATUS_WORDS.get(key) or _STATUS_WORDS.get(key.lower())
    if found is None:
        raise InputError(f"--status 的值\"{text}\"无效:应为 {'/'.join(STATUSES)}(或 逾期、未销号)")
    return found


def open_by_item(findings: Iterable[Finding], day: date) -> dict[str, tuple[str, ...]]:
    """Item id -> ids of its findings open as of ``day`` (what keeps an item from 已完成)."""
    result: dict[str, list[str]] = {}
    for finding in findings:
        if finding.item is not None and finding.is_open(day):
            result.setdefault(finding.item, []).append(finding.fid)
    return {item: tuple(fids) for item, fids in result.items()}


def overdue_for_unit(findings: Iterable[Finding], unit: str, day: date, canonical=lambda name: name) -> list[Finding]:
    """Rectifications of ``unit`` overdue (逾期未整改) at ``day``, oldest deadline first:
    what a unit's 催办单 lists. ``canonical`` maps a name to the directory's name
    (aliases), applied to both sides."""
    wanted = canonical(unit)
    hits = [f for f in findings if f.exists_on(day) and canonical(f.unit) == wanted and f.status(day) == OVERDUE]
    return sorted(hits, key=lambda f: (f.due, f.day, f.fid))


@dataclass(frozen=True)
class FindingsTally:
    name: str  # a unit or a leader
    new: int  # found in the period
    closed: int  # closed in the period
    overdue: int  # overdue at the end of the period
    open: int  # not closed at the end of the period (overdue included)


@dataclass(frozen=True)
class FindingsSection:
    """What a bulletin says about inspections in a period (a quarter)."""

    start: date
    end: date  # the day the states are taken at
    new: tuple[Finding, ...]
    closed: tuple[Finding, ...]
    overdue: tuple[Finding, ...]
    units: tuple[FindingsTally, ...]
    leaders: tuple[FindingsTally, ...]
    short: dict[str, str] = field(default_factory=dict)  # full id -> shown id
    statuses: dict[str, str] = field(default_factory=dict)  # full id -> status at ``end``

    @property
    def empty(self) -> bool:
        return not (self.new or self.closed or self.overdue or any(t.open for t in self.units))


NO_ITEM_LEADER = "(未关联事项)"


def section(
    findings: Iterable[Finding], start: date, end: date, leaders_of=lambda f: (), unit_name=lambda name: name
) -> FindingsSection:
    """The findings part of a bulletin: new and closed between ``start`` and
    ``end``, overdue and open at ``end``, counted by unit and by leader.
    ``leaders_of(finding)`` gives the leaders of the finding's item."""
    findings = [f for f in findings if f.exists_on(end)]
    new = tuple(f for f in findings if start <= f.day <= end)
    closed = tuple(f for f in findings if (c := f.closed_on(end)) is not None and start <= c)
    overdue = tuple(sorted((f for f in findings if f.status(end) == OVERDUE), key=lambda f: (f.due, f.unit)))

    def tallies(keys_of) -> tuple[FindingsTally, ...]:
        groups: dict[str, list[Finding]] = {}
        for finding in findings:
            for key in keys_of(finding):
                groups.setdefault(key, []).append(finding)
        rows = []
        for name, members in groups.items():
            row = FindingsTally(
                name,
                new=sum(1 for f in members if f in new),
                closed=sum(1 for f in members if f in closed),
                overdue=sum(1 for f in members if f in overdue),
                open=sum(1 for f in members if f.is_open(end)),
            )
            if row.new or row.closed or row.open:
                rows.append(row)
        return tuple(sorted(rows, key=lambda r: (-r.overdue, -r.open, -r.new, r.name)))

    units = tallies(lambda f: (unit_name(f.unit),))
    leaders = tallies(lambda f: tuple(leaders_of(f)) or (NO_ITEM_LEADER,))
    return FindingsSection(
        start=start,
        end=end,
        new=new,
        closed=closed,
        overdue=overdue,
        units=units,
        leaders=leaders,
        short=short_ids(f.fid for f in findings),
        statuses={f.fid: f.status(end) for f in findings},
    )
