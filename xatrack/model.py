"""The data of a plan and its progress, as frozen values. No I/O here.

Everything else in xatrack passes these around: the importer produces a
``Plan``, the store loads one (and ``Entry`` values from the progress logs),
evaluation turns (plan, entries, quarter) into states, views render them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime
from typing import NamedTuple

# Kinds of metric.
CUMULATIVE = "cumulative"  # counted up through the year (year-to-date values)
GROWTH = "growth"  # year-on-year growth in %, judged against the target every quarter
LEVEL = "level"  # a level to reach (森林覆盖率42%)
# A figure judged against another figure (与经济增长基本同步, 不低于全市平均水平):
# ``follows`` names it (an item id such as G1, optionally "G1:指标名", or the
# name of a REFERENCE metric of the same item that the office records).
RELATIVE = "relative"
REFERENCE = "reference"  # a figure recorded only to compare against (全市平均增速); not judged itself
KINDS = (CUMULATIVE, GROWTH, LEVEL, RELATIVE, REFERENCE)
# Kinds whose reported value may be negative (a decline); counts stay >= 0.
SIGNED_KINDS = (GROWTH, LEVEL, RELATIVE, REFERENCE)

# Units of things that come whole: a count of them is a whole number, and so
# is the pace expected of it (1 家 due in Q4 is expected 0 at Q2, not 0.5).
WHOLE_UNITS = frozenset(
    "家 个 座 所 件 条 项 台 户 人 名 次 场 处 栋 套 辆 艘 架 宗 批 支 只 篇 部 本 份 口 间 张 位 村 校 基".split()
)

# Comparison of a metric: reach at least (>=) or stay within (<=, 不超过/控制在…以内).
OPS = (">=", "<=")

# What a unit may report as the status of an item (`update --status`).
REPORT_STATUSES = ("未启动", "推进中", "已完成", "滞后", "受阻")

# What evaluation says of an item at a quarter, best first.
DONE = "已完成"
ON_TRACK = "正常"
BEHIND = "滞后"
SEVERE = "严重滞后"
MISSING = "未报送"
STATES = (DONE, ON_TRACK, BEHIND, SEVERE, MISSING)
# Before a quarter's reporting deadline an item nobody has reported yet is not
# late and not 未报送: it is still to come (待报送). Counted apart from STATES,
# never on a 催办 list.
PENDING = "待报送"
# Colour of each state (三色预警); 未报送 is its own finding; 待报送 is neither.
STATE_COLOURS = {DONE: "green", ON_TRACK: "green", BEHIND: "yellow", SEVERE: "red", MISSING: "grey", PENDING: "blue"}

# A lead unit's own reporting state for one item and quarter (each unit is
# judged on its own entries, whatever its co-leads did).
UNIT_ON_TIME = "按时报送"
UNIT_LATE = "逾期报送"
UNIT_MISSING = "未报送"
UNIT_PENDING = "待报送"  # not reported, but the deadline has not passed
UNIT_NOTHING_DUE = "无需报送"  # finished in an earlier quarter

# The supervision office's names when settings.office does not give them:
# its figures verify an item, they are never a unit's report.
OFFICE_NAMES = ("督查室", "区政府督查室")

TARGET = "target"
TASK = "task"


@dataclass(frozen=True)
class Metric:
    """A quantified goal of an item: 新建5G基站 336 个, cumulative."""

    name: str
    target: float
    unit: str = ""
    kind: str = CUMULATIVE
    op: str = ">="
    # Fraction of the target expected by the end of Q1..Q4 (cumulative only);
    # None means the item's schedule, or q/4.
    schedule: tuple[float, float, float, float] | None = None
    note: str = ""  # reviewer's remark, e.g. why the kind was chosen
    # The figure in the item's text this metric came from ("336个", "7%"),
    # so every figure of the text can be accounted for; "" if none.
    figure: str = ""
    # RELATIVE only: what the figure is judged against (see RELATIVE above).
    follows: str = ""
    # 基期值: where a level or a stock starts the year (森林覆盖率 41.5% -> 42%,
    # 金龙企业 6 -> 8 家). The pace runs from it to the target; None: from 0 for
    # a cumulative figure, and a level without one is judged at its due quarter only.
    baseline: float | None = None

    @property
    def whole(self) -> bool:
        """Counted in whole things (家、个、座…): whole numbers only, whole-number pace."""
        return self.unit in WHOLE_UNITS and float(self.target).is_integer()


@dataclass(frozen=True)
class NotGoal:
    """A figure in an item's text that is not a goal (e.g. 4个 existing bases)."""

    figure: str
    reason: str


@dataclass(frozen=True)
class Item:
    """A main target (G1…) or a numbered task (1…100)."""

    id: str  # "G1" for targets, "32" for tasks
    kind: str  # TARGET or TASK
    text: str
    leaders: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    action: int | None = None  # the action (七大行动) a task belongs to
    section: str | None = None  # the heading inside the action (扩大有效投资)
    due: int = 4  # quarter by which it must be finished
    schedule: tuple[float, float, float, float] | None = None
    not_goals: tuple[NotGoal, ...] = ()
    source_line: int | None = None  # line in the official text it came from
    line: int | None = None  # line in tasks.yaml (set when loaded from a file)
    deadline: str = ""  # 完成时限 as the document writes it (6月底前), when it gives one

    @property
    def is_target(self) -> bool:
        return self.kind == TARGET


@dataclass(frozen=True)
class Action:
    """One of the actions (七大行动) with its sections in document order."""

    id: int
    title: str
    intro: str = ""
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanInfo:
    title: str = ""
    issuer: str = ""
    issued: date | None = None
    year: int = 0


@dataclass(frozen=True)
class Bulletin:
    """The office's own wording for its paperwork (settings.bulletin in tasks.yaml).

    Nothing here is ever invented: a field left out is left out of the document.
    """

    masthead: str = ""  # 版头名称, e.g. 政务督查通报 (no 版头 without it)
    issuer: str = ""  # 发文机关, e.g. 咸安区人民政府督查室
    issue: str = ""  # 期号, e.g. 第3期
    date: date | None = None  # 印发日期 (default: the day the bulletin is made)
    requirements: tuple[str, ...] = ()  # 下步要求, one paragraph each
    by_quarter: tuple[tuple[int, tuple[str, ...]], ...] = ()  # 下步要求 for one quarter (Q2: [...])
    contact: str = ""  # 督查室联系人及电话, shown on the 催办单

    def requirements_for(self, q: int) -> tuple[str, ...]:
        return dict(self.by_quarter).get(q, self.requirements)


DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Settings:
    """How far behind pace is still yellow rather than red.

    cumulative / level: relative shortfall against what is expected
    (0.2 = up to 20% short of the expected figure is 滞后, more is 严重滞后);
    growth: shortfall in percentage points (1.0 = 6.2% against 7% is 滞后).
    """

    cumulative_tolerance: float = 0.2
    level_tolerance: float = 0.05
    growth_tolerance: float = 1.0
    # RELATIVE metrics: how many percentage points below the figure they
    # follow still count as in step (基本同步); twice that is 滞后, more 严重滞后.
    relative_tolerance: float = 1.0
    # The reporting calendar: for this many days after a quarter ends, the
    # quarter being reported (the default --quarter) is the one just ended.
    report_window_days: int = 31
    # A quarter's figures are due this many days after it ends; an entry
    # recorded later (after the end of that day in the plan's time zone) is 逾期报送.
    deadline_days: int = 10
    # ... or this many working days after it ends (季度结束后 10 个工作日内), China's
    # public holidays and 调休 counted (workdays.py); when set it replaces deadline_days.
    deadline_workdays: int | None = None
    # The plan's time zone (IANA name): every date of the plan is on its calendar
    # (the ``at`` recorded, deadlines, --as-of DATE), whatever the machine's zone.
    timezone: str = DEFAULT_TIMEZONE
    # Ranking of lead units (督查考核办法): weights of the rates, in the order
    # (推进率, 及时率); () means strictly one after the other (see score.py).
    ranking_weights: tuple[tuple[str, float], ...] = ()
    # Report statuses that need supporting material (佐证材料): with 已完成 here,
    # `update --status 已完成` and a figure reaching the target need --evidence.
    evidence_required: tuple[str, ...] = ()
    bulletin: Bulletin = field(default_factory=Bulletin)
    remind_days: int = 5  # 催办单: reply within this many days of the day it is made
    # Who the office is (settings.office): entries by these names verify an
    # item's figure; they never count as a lead unit's report.
    office: tuple[str, ...] = OFFICE_NAMES
    remind_workdays: int | None = None  # ... or within this many working days (replaces remind_days)


@dataclass(frozen=True)
class Plan:
    info: PlanInfo
    actions: tuple[Action, ...] = ()
    targets: tuple[Item, ...] = ()
    tasks: tuple[Item, ...] = ()
    settings: Settings = field(default_factory=Settings)

    @property
    def items(self) -> tuple[Item, ...]:
        return self.targets + self.tasks

    def get(self, item_id: str) -> Item | None:
        return self._index.get(normalize_id(item_id))

    @cached_property
    def _index(self) -> dict[str, Item]:
        """Items by id, made on first use (check looks up every entry's id:
        a scan each time made it quadratic). Not pickled: see __getstate__."""
        index: dict[str, Item] = {}
        for item in self.items:
            index.setdefault(item.id, item)  # the first of a duplicated id, as a scan would
        return index

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_index", None)
        return state

    def action(self, action_id: int) -> Action | None:
        for action in self.actions:
            if action.id == action_id:
                return action
        return None


def relative_target_text(op: str, follows: str, figure: str = "") -> str:
    """A RELATIVE target as what it follows, never its placeholder 0: "≥G1" (for ``follows`` G1
    or "G1:指标名"; else the name of the item's own reference metric), with the followed figure,
    already written, when it is known this quarter: "≥G1 7.1%"."""
    text = f"{'≤' if op == '<=' else '≥'}{follows.partition(':')[0].strip() or follows.strip()}"
    return f"{text} {figure}" if figure else text


def normalize_id(raw: str | int) -> str:
    """'g1' -> 'G1', ' 32 ' -> '32', 32 -> '32'."""
    text = str(raw).strip()
    if text[:1] in ("g", "G"):
        return "G" + text[1:].strip()
    return text


@dataclass(frozen=True)
class Quarter:
    year: int
    q: int  # 1..4

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.q - 1]}季度"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        month = 3 * self.q
        return date(self.year, month, 31 if month in (3, 12) else 30)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Quarter | None:
        return Quarter(self.year, self.q - 1) if self.q > 1 else None


class Entry(NamedTuple):
    """One report recorded in a quarter's progress log.

    ``value`` is year-to-date (1–6月累计) for cumulative metrics. A named
    tuple rather than a dataclass: logs hold tens of thousands of entries and
    tuples are several times cheaper to build and to load from the cache.
    """

    item: str  # item id, "32" or "G1"
    quarter: Quarter
    date: date  # the day the figures refer to / were reported
    metric: str | None = None  # metric name, where the item has several
    value: float | None = None
    status: str | None = None  # one of REPORT_STATUSES
    note: str | None = None
    by: str = ""
    at: datetime | None = None  # when it was recorded
    file: str = ""
    line: int = 0  # line in the log file (1-based)
    seq: int = 0  # position in the file, for ordering ties
    # A retraction (xatrack retract): the ref (entry_ref) of the entry it
    # withdraws. Such an entry carries no figure of its own.
    retracts: str | None = None
    # Who made the entry (the office's account, $XATRACK_USER, a git account,
    # the system user), apart from ``by``, the unit it reports for. "" in
    # entries written before it was recorded. Not part of entry_ref.
    actor: str = ""
    # Recorded by the office (or a person) for the item, its unit not named
    # (update without --by): the office's figure, not the unit's own report.
    office: bool = False


def entry_ref(entry: Entry) -> str:
    """A short name of an entry made from its content alone, so that it means
    the same entry in every clone, whatever order a git merge left the lines in."""
    import hashlib  # lazy: heavy - OpenSSL (2.5 ms): only update/retract name entries by content; list never does

    at = entry.at.isoformat() if entry.at is not None else ""
    value = "" if entry.value is None else repr(float(entry.value))
    text = "\x1f".join(
        (entry.item, entry.metric or "", value, entry.status or "", entry.note or "", entry.date.isoformat(), entry.by, at, entry.retracts or "")
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def is_finite_number(value: object) -> bool:
    """An int or float that is finite as a float (10**400 is not: it overflows)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
