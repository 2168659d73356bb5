"""The collection sheet (报送表) and its ingestion, without any spreadsheet code.

``sheet_rows`` says what a unit is asked to fill in: one row per metric of
each item it leads (or, with ``all_roles``, is responsible for), one row for
an item without metrics. ``check_filled`` takes the rows read back from a
filled sheet and turns each into a log record through
``recording.build_record`` -- exactly the validation of ``xatrack update`` --
or into a rejection naming the row and the reason.

The workbook itself (openpyxl) is written and read in ``io/sheet_xlsx.py``;
this module only sees plain values, so the rules are tested without files.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from xatrack.errors import InputError, Problem
from xatrack.evaluate import entry_order, live, newest as newest_entry
from xatrack.evidence import requirement_message, required_reason
from xatrack.queries import all_units
from xatrack.recording import Submission, build_record, find_item, item_label as _label
from xatrack.roles import Roles
from xatrack.schedule import expected_value
from xatrack.model import CUMULATIVE, GROWTH, REFERENCE, RELATIVE, REPORT_STATUSES, Entry, Item, Metric, Plan, Quarter, is_finite_number, normalize_id

FORMAT = "xatrack-sheet"  # what the hidden sheet says this workbook is
VERSION = 1
LEAD = "牵头"
SHARED = "责任"


# --------------------------------------------------------------------------- the rows of a sheet


@dataclass(frozen=True)
class SheetRow:
    """One row a unit is asked to fill in."""

    item: Item
    role: str  # LEAD or SHARED
    metric: Metric | None  # None for an item without metrics (one row for status and note)
    number: int | None  # 1-based number of the metric in the item
    expected: float | None  # figure expected by the end of the quarter (序时进度要求)
    last: Entry | None  # newest earlier report for this metric (or status, without metrics)

    @property
    def last_shown(self) -> float | str | None:
        """What the 上次报送 column shows: a number for a metric, else a status."""
        if self.last is None:
            return None
        if self.metric is not None:
            return self.last.value
        return self.last.status or ("已报送说明" if self.last.note else None)

    @property
    def last_when(self) -> str:
        if self.last is None:
            return ""
        day = self.last.date
        return f"{'一二三四'[self.last.quarter.q - 1]}季度 {day.month}月{day.day}日"


@dataclass(frozen=True)
class SheetInfo:
    """What a sheet says about itself (kept in its hidden sheet)."""

    plan_title: str
    year: int
    unit: str
    quarter: Quarter
    all_roles: bool = False
    generated: str = ""
    # Shown in the sheet's header only (not kept in the hidden sheet, not read back):
    contact: str = ""  # the unit's 联络员 (units.yaml), "" when not given
    phone: str = ""  # its 电话
    deadline: date | None = None  # the quarter's reporting deadline (schedule.deadline)
    office_contact: str = ""  # the supervision office's contact (settings.bulletin.contact)

    def as_pairs(self) -> list[tuple[str, str]]:
        return [
            ("format", FORMAT),
            ("version", str(VERSION)),
            ("plan_title", self.plan_title),
            ("plan_year", str(self.year)),
            ("unit", self.unit),
            ("quarter", f"{self.quarter.year}-Q{self.quarter.q}"),
            ("roles", "all" if self.all_roles else "lead"),
            ("generated", self.generated),
        ]

    @classmethod
    def from_pairs(cls, pairs: dict[str, Any], source: str) -> SheetInfo:
        """The info read from a workbook's hidden sheet; InputError naming ``source`` if it is not one."""
        if str(pairs.get("format", "")).strip() != FORMAT:
            raise InputError(f"{source} 不是 xatrack 生成的报送表(请用 xatrack sheet 生成报送表,填写后再导入)")
        try:
            version = int(str(pairs.get("version", "")).strip())
            year = int(str(pairs.get("plan_year", "")).strip())
            match = re.fullmatch(r"(\d{4})-Q([1-4])", str(pairs.get("quarter", "")).strip())
            if match is None:
                raise ValueError
            quarter = Quarter(int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise InputError(f"{source} 的报送表说明信息已损坏(计划年度或季度无法识别),请重新生成报送表") from None
        if version > VERSION:
            raise InputError(f"{source} 由更新版本的 xatrack 生成(格式 {version}),请升级 xatrack 后再导入")
        unit = str(pairs.get("unit") or "").strip()
        return cls(
            plan_title=str(pairs.get("plan_title") or "").strip(),
            year=year,
            unit=unit,
            quarter=quarter,
            all_roles=str(pairs.get("roles", "")).strip() == "all",
            generated=str(pairs.get("generated") or ""),
        )


def sheet_rows(plan: Plan, directory, entries: list[Entry], unit_query, quarter: Quarter, all_roles: bool = False) -> list[SheetRow]:
    """The rows of a unit's sheet, targets first then tasks, in plan order.

    ``unit_query`` is a resolved ``directory.UnitQuery`` (groups and aliases
    apply: a town's sheet holds the items of 各乡镇办场).
    """
    roles = Roles(directory)
    entries = live(entries)
    rows: list[SheetRow] = []
    for item in plan.items:
        if unit_query.matches(item.lead):
            role = LEAD
        elif all_roles and unit_query.matches(item.units):
            role = SHARED
        else:
            continue
        mine = [e for e in entries if normalize_id(e.item) == item.id and _not_after(e, quarter)]
        if role == SHARED and item.lead:
            # A responsible unit sees what it reported itself (分项报送), never the district figure.
            mine = [e for e in mine if roles.canonical(e.by) == unit_query.name]
        else:
            mine = [e for e in mine if not roles.is_contribution(item, e.by)]
        if not item.metrics:
            last = newest_entry(e for e in mine if e.status in REPORT_STATUSES or e.note)
            rows.append(SheetRow(item, role, None, None, None, last))
            continue
        single = len(item.metrics) == 1
        for number, metric in enumerate(item.metrics, 1):
            if metric.kind == CUMULATIVE:
                expected = expected_value(item, metric, quarter.q)
            elif metric.kind in (RELATIVE, REFERENCE):
                expected = None  # judged against another figure of the same quarter
            else:
                expected = metric.target
            last = newest_entry(
                e for e in mine if is_finite_number(e.value) and (e.metric == metric.name or (e.metric is None and single))
            )
            rows.append(SheetRow(item, role, metric, number, expected, last))
    return rows


def sheet_units(plan: Plan, directory, all_roles: bool = False) -> list[str]:
    """Every concrete unit (not a group) that would get a non-empty sheet, in directory order."""
    known = all_units(plan)
    names: dict[str, None] = {}
    for name in directory.unit_names():
        if not directory.is_group(name):
            names[name] = None
    for name in known:
        if not directory.is_group(name):
            names[directory.canonical_unit(name)] = None
    found = []
    for name in names:
        query = directory.unit_query(name, known)
        if any(query.matches(item.lead + item.units if all_roles else item.lead) for item in plan.items):
            found.append(name)
    return found


def kind_label(metric: Metric) -> str:
    label = {CUMULATIVE: "累计数", GROWTH: "增速(%)", RELATIVE: "对照值", REFERENCE: "对照数"}.get(metric.kind, "水平值")
    return label + ("(上限)" if metric.op == "<=" else "")


def months(quarter: Quarter) -> str:
    return f"1–{3 * quarter.q}月"


def default_file_name(unit: str, quarter: Quarter) -> str:
    return f"{safe_file_part(unit)}-{quarter.year}Q{quarter.q}.xlsx"


def safe_file_part(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(". ") or "报送表"


def _not_after(entry: Entry, quarter: Quarter) -> bool:
    return entry.quarter.year == quarter.year and entry.quarter.q <= quarter.q


# --------------------------------------------------------------------------- reading a filled sheet


@dataclass(frozen=True)
class FilledRow:
    """One data row as read from a workbook: cell values as they came."""

    row: int  # row number in the workbook (what the user sees in Excel)
    item_id: Any
    text: Any = None  # 任务内容, to make sure the id still means the same task
    metric: Any = None  # the metric's name as written by xatrack sheet
    value: Any = None  # int, float, str, datetime … whatever the cell held
    percent: bool = False  # the value cell is formatted as a percentage (Excel turns 7.5% into 0.075)
    status: Any = None
    note: Any = None
    evidence: Any = None  # 佐证材料: names of files sent along with the sheet

    @property
    def blank(self) -> bool:
        return _empty(self.value) and _empty(self.status) and _empty(self.note) and _empty(self.evidence)


class Rejection(Problem):
    """A filled row of a collection sheet that ingest refuses: a ``Problem``
    (file = the sheet, line = its row, code "sheet-row") said as 第 N 行(what):reason."""

    __slots__ = ("what",)

    def __init__(self, source: str, row: int, reason: str, what: str = ""):
        """``what``: the item (and metric) of the row, when known: "32 新建5G基站"."""
        super().__init__(source, row, reason, "error", "sheet-row")
        object.__setattr__(self, "what", what)

    @property
    def source(self) -> str:
        return self.file

    @property
    def row(self) -> int:
        return self.line

    @property
    def reason(self) -> str:
        return self.message

    def __str__(self) -> str:
        what = f"({self.what})" if self.what else ""
        return f"第 {self.row} 行{what}:{self.reason}"

    def __repr__(self) -> str:
        return f"Rejection({self.source!r}, {self.row!r}, {self.reason!r}, {self.what!r})"


@dataclass(frozen=True)
class Accepted:
    source: str
    row: int
    recorded: Any  # recording.Recorded
    evidence: tuple[str, ...] = ()  # file names in the 佐证材料 column (found in ingest --evidence-dir)


@dataclass
class Ingest:
    """The outcome of checking filled rows (nothing is written here)."""

    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    same: int = 0  # rows equal to what the log already says (ingested before)
    blank: int = 0  # rows with nothing filled in

    def extend(self, other: Ingest) -> None:
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.same += other.same
        self.blank += other.blank


def check_filled(
    plan: Plan,
    info: SheetInfo,
    rows: list[FilledRow],
    existing: list[Entry],
    *,
    source: str,
    by: str,
    day: date | None,
    now: datetime,
    today: date,
    seen: dict | None = None,
    directory=None,
    actor=None,
) -> Ingest:
    """Validate every filled row as ``update`` would.

    ``existing`` are the entries already in the logs; a row whose record
    equals the newest entry of the same item and metric by the same reporter
    in that quarter (same value, status and note) is counted as ``same`` and
    not recorded again, so ingesting a file twice records nothing new.
    ``seen`` carries what was accepted from earlier files of the same run (and
    is updated): co-lead units may each report an item, one unit may not
    report it twice differently in one run.
    """
    result = Ingest()
    newest = _newest_by_reporter(live(existing), info.quarter)
    seen = {} if seen is None else seen
    in_file: dict[tuple[str, str | None], int] = {}
    for filled in rows:
        if _empty(filled.item_id):
            if not filled.blank:
                result.rejected.append(Rejection(source, filled.row, "没有编号,无法知道是哪一项任务(请不要在报送表中增加行)"))
            continue
        if filled.blank:
            result.blank += 1
            continue
        what = ""
        try:
            item, metric = _identify(plan, filled)
            what = _label(item) + (metric.name if metric is not None else "")
            report = Submission(
                item_id=item.id,
                done=_cell_value(filled, metric),
                metric=metric.name if metric is not None else None,
                status=_text(filled.status),
                note=_text(filled.note),
                quarter=str(info.quarter),
                day=day.isoformat() if day else None,
                by=by,
            )
            recorded = build_record(
                plan, report, today=today, now=now, default_by=by, directory=directory, value_what="本季度累计完成",
                actor=actor,
            )
            names = evidence_names(filled.evidence)
            needed = required_reason(plan.settings, metric, recorded.record, recorded.quarter)
            if needed is not None and not names:
                raise InputError(requirement_message(needed, "佐证材料列(写明随表发回的文件名)"))
        except InputError as error:
            reason = sheet_words(error.message)
            if what and reason.startswith(_label(item)):
                reason = reason[len(_label(item)) :]  # the row's item is named before the reason
            result.rejected.append(Rejection(source, filled.row, reason, what.strip()))
            continue
        key = (item.id, recorded.record.get("metric"))
        if key in in_file:
            result.rejected.append(
                Rejection(source, filled.row, f"与第 {in_file[key]} 行是同一事项同一指标,只能填一行", what.strip())
            )
            continue
        in_file[key] = filled.row
        content = _content(recorded.record)
        earlier = seen.get(key, [])
        if any(other == content for other, _ in earlier):
            result.same += 1  # the same file given twice
            continue
        clash = next((where for other, where in earlier if other[3] == content[3]), None)
        if clash is not None:
            # Co-lead units may each report an item; one reporter saying two different
            # things at the same moment (two versions of its sheet) is for the office to settle.
            result.rejected.append(
                Rejection(
                    source,
                    filled.row,
                    f"{content[3] or '同一报送单位'}在本次导入的 {clash} 对同一事项同一指标填了不同的内容;"
                    "请核实用哪一份,或分别导入",
                    what.strip(),
                )
            )
            continue
        entry = newest.get((*key, recorded.record.get("by", by)))
        if entry is not None and _entry_content(entry) == content:
            result.same += 1
            continue
        seen.setdefault(key, []).append((content, f"{source} 第 {filled.row} 行"))
        result.accepted.append(Accepted(source, filled.row, recorded, names))
    return result


def evidence_names(value: Any) -> tuple[str, ...]:
    """The 佐证材料 cell: file names separated by 、 , ; or line breaks."""
    if _empty(value):
        return ()
    parts = re.split(r"[、,,;;\n]+", str(value))
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _newest_by_reporter(entries: list[Entry], quarter: Quarter) -> dict[tuple, Entry]:
    """Newest entry per (item, metric, by) in the quarter: what each reporter last said.

    Keyed by reporter so that two lead units reporting the same item do not
    make each other's rows look new on every ingest.
    """
    newest: dict[tuple, Entry] = {}
    for entry in entries:
        if entry.quarter != quarter or entry.office:
            continue  # the office's own figure is not what the unit said
        key = (normalize_id(entry.item), entry.metric, entry.by)
        current = newest.get(key)
        if current is None or entry_order(entry) >= entry_order(current):
            newest[key] = entry
    return newest


def _identify(plan: Plan, filled: FilledRow) -> tuple[Item, Metric | None]:
    raw = filled.item_id
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    item = find_item(plan, str(raw).strip())
    text = _text(filled.text)
    if text and _squash(text) != _squash(item.text):
        raise InputError(f"编号 {item.id} 的任务内容与任务清单不一致(任务清单可能已修改),请重新生成报送表后再填")
    name = _text(filled.metric)
    if not item.metrics:
        if name:
            raise InputError(f"{_label(item)}已没有指标\"{name}\"(任务清单可能已修改),请重新生成报送表后再填")
        return item, None
    if not name:
        if len(item.metrics) == 1:
            return item, item.metrics[0]
        raise InputError(f"{_label(item)}有 {len(item.metrics)} 项指标,但本行指标列为空;请不要修改指标列")
    for metric in item.metrics:
        if metric.name == name:
            return item, metric
    raise InputError(f"{_label(item)}没有指标\"{name}\"(任务清单可能已修改),请重新生成报送表后再填")


def _cell_value(filled: FilledRow, metric: Metric | None) -> str | float | None:
    """The value cell as ``parse_value`` takes it; dates and yes/no are refused here."""
    value = filled.value
    if _empty(value):
        return None
    if isinstance(value, bool):
        raise InputError(f"本季度累计完成\"{value}\"不是数字")
    if isinstance(value, (datetime, date, time)):
        raise InputError("本季度累计完成被表格软件当成了日期;请把该单元格设为\"常规\"格式后重新填写数字")
    if isinstance(value, (int, float)):
        # A cell shown as 7.5% holds 0.075; the log takes percentages as 7.5.
        return round(value * 100, 10) if filled.percent else value
    return str(value).strip()  # "120个", "-3.5%": values.read_value reads it as update does


def still_new(records: list[dict], entries: list[Entry], quarter: Quarter) -> list[dict]:
    """The records that do not equal what their reporter last said for the
    same item and metric in ``entries`` (read again under the log's lock, so
    that parallel ingests of one sheet record its rows once)."""
    newest = _newest_by_reporter(entries, quarter)
    kept = []
    for record in records:
        entry = newest.get((normalize_id(record["id"]), record.get("metric"), record.get("by", "")))
        if entry is not None and _entry_content(entry) == _content(record):
            continue
        kept.append(record)
    return kept


def _content(record: dict) -> tuple:
    value = record.get("value")
    return (float(value) if value is not None else None, record.get("status"), record.get("note"), record.get("by", ""))


def _entry_content(entry: Entry) -> tuple:
    return (entry.value, entry.status, entry.note or None, entry.by)


# Messages of recording.build_record speak of update's flags; a sheet has columns.
_WORDS = (
    ("请至少给出 --done、--status 或 --note 之一", "只填了佐证材料:请同时填本季度累计完成、状态或进展说明"),
    ("不能用 --done;请用 --status 和 --note 报送", "不能填累计完成数;请只填状态和进展说明"),
    ("请用 --status 和 --note 报送", "请只填状态和进展说明"),
    ("--done 的值", "本季度累计完成"),
    ("--status 的值", "状态"),
    ("--note 过长", "进展说明过长"),
    ("--metric 的值", "指标"),
    ("请用 --metric 指定", "请在指标列写明"),
    ("--done", "本季度累计完成"),
)


def sheet_words(message: str) -> str:
    for flag, column in _WORDS:
        message = message.replace(flag, column)
    return message


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    if _empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())
