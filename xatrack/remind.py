"""催办单: one notice per lead unit that owes the office something this quarter.

Pure: the report's evaluated statuses, the directory and the settings in, a
tuple of ``Notice`` values out. A lead unit gets a notice when one of its
items is 未报送 (including an item with some metrics unreported), 严重滞后, or
was reported after the deadline (逾期报送). Each item shows its figures (应完成 /
已报送 of each metric, or the reported status and note) and, as the bulletin
does, whether it went unreported the quarter before too (连续未报送). The reply
deadline is ``settings.remind_days`` working days after the day the notice is
made (workdays.next_workday).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xatrack.evaluate import ItemStatus, fmt
from xatrack.findings import overdue_for_unit, short_ids
from xatrack.model import CUMULATIVE, MISSING, REFERENCE, RELATIVE, SEVERE, Quarter, relative_target_text
from xatrack.rollup import leaders_of, leads_of
from xatrack.workdays import reply_date

LATE = "逾期报送"


@dataclass(frozen=True)
class NoticeItem:
    item_id: str
    text: str
    state: str  # 未报送 / 严重滞后 / 逾期报送 (a late report that is otherwise on pace)
    missing: tuple[str, ...]  # metrics not reported this quarter (all of them when nothing was)
    leaders: tuple[str, ...]
    reason: str
    figures: str = ""  # 应完成 / 已报送 of each metric, or the reported status and note (figures_text)
    consecutive: bool = False  # 未报送 the quarter before too (连续未报送, as the bulletin marks it)


@dataclass(frozen=True)
class Notice:
    unit: str
    contact: str  # 联络员 from units.yaml ("" when not given)
    phone: str
    quarter: Quarter
    plan_title: str
    items: tuple[NoticeItem, ...]
    made: date
    reply_by: date
    office: str  # the office that asks (settings.bulletin.issuer)
    office_contact: str  # settings.bulletin.contact
    # Inspection findings of the unit past their rectification deadline (逾期未整改):
    # (short id, item or "", text, due date).
    rectifications: tuple[tuple[str, str, str, date], ...] = ()

    def count(self, state: str) -> int:
        return sum(1 for i in self.items if i.state == state)


def missing_metrics(status: ItemStatus) -> tuple[str, ...]:
    """Metrics with no figure this quarter (a carried 已完成 is not missing)."""
    return status.missing_metrics


def figures_text(status: ItemStatus) -> str:
    """What an item stands at, as the bulletin writes it: 应完成 / 已报送 of each metric
    ('应 168个 / 报 10个', each named when there are several, '报 未报送' for a metric
    not reported; a relative target as what it follows, '应 ≥G1 7.1%'), or for an item
    without metrics the reported status and note ('报送状态:受阻(资金未到位)', else '未报送')."""
    if not status.metrics:
        text = f"报送状态:{status.reported_status}" if status.reported_status else "未报送"
        return f"{text}({status.note})" if status.note else text
    single = len(status.metrics) == 1
    parts = []
    for ms in status.metrics:
        metric, unit = ms.metric, ms.metric.unit
        reported = "未报送" if ms.value is None else f"{fmt(ms.value)}{unit}"
        if metric.kind == RELATIVE:
            followed = "" if ms.follows_value is None else f"{fmt(ms.follows_value)}{unit}"
            expected = relative_target_text(metric.op, metric.follows, followed)
        elif metric.kind == REFERENCE or ms.expected is None:
            expected = ""
        elif metric.kind == CUMULATIVE and metric.op == ">=":
            expected = f"{fmt(ms.expected)}{unit}"
        else:
            expected = f"{'≤' if metric.op == '<=' else '≥'}{fmt(ms.expected)}{unit}"
        name = "" if single else f"{metric.name} "
        parts.append(f"{name}应 {expected} / 报 {reported}" if expected else f"{name}报 {reported}")
    return ";".join(parts)  # metric names may hold 、


def _finding(status: ItemStatus, unit: str) -> str | None:
    """What a 催办单 asks of one lead unit for the item, on that unit's own
    reporting: the 催办 rule of the bulletin (ItemStatus.owed_by), then
    严重滞后, then 逾期报送 (its own first report after the deadline)."""
    if status.owed_by(unit):
        return MISSING
    if status.state == SEVERE:
        return SEVERE
    report = status.unit_report(unit)
    if report.late if report is not None else status.late:
        return LATE
    return None


def _missing_of(status: ItemStatus, unit: str) -> tuple[str, ...]:
    report = status.unit_report(unit)
    if report is not None:
        return report.missing or tuple(ms.metric.name for ms in status.metrics if not ms.carried)
    return missing_metrics(status)


def build_notices(
    statuses: Iterable[ItemStatus],
    directory,
    settings,
    quarter: Quarter,
    made: date,
    plan_title: str = "",
    units: Iterable[str] | None = None,
    findings=(),
    owed_before: Iterable[str] = (),
) -> tuple[Notice, ...]:
    """One notice per lead unit with something to chase; ``units`` (canonical
    names) keeps only those. ``findings`` (findings.Finding): a unit's
    rectifications overdue on ``made`` are on its notice too. ``owed_before``:
    ids of the items that owed a report the quarter before (their 未报送 is
    连续未报送, the bulletin's rule)."""
    owed_before = set(owed_before)
    wanted = set(units) if units is not None else None
    grouped: dict[str, list[NoticeItem]] = {}
    for status in statuses:
        item = status.item
        leaders = leaders_of(item, directory)
        for name in leads_of(item, directory):
            if wanted is not None and name not in wanted:
                continue
            finding = _finding(status, name)
            if finding is None:
                continue
            grouped.setdefault(name, []).append(
                NoticeItem(
                    item_id=item.id,
                    text=item.text,
                    state=finding,
                    missing=_missing_of(status, name) if finding == MISSING else (),
                    leaders=leaders,
                    reason=status.reason,
                    figures=figures_text(status),
                    consecutive=finding == MISSING and (name, item.id) in owed_before,
                )
            )
    findings = list(findings or ())
    overdue: dict[str, list] = {}
    if findings:
        names = {directory.canonical_unit(f.unit) for f in findings}
        for name in names:
            if wanted is None or name in wanted:
                late = overdue_for_unit(findings, name, made, canonical=directory.canonical_unit)
                if late:
                    overdue[name] = late
                    grouped.setdefault(name, [])
        shorts = short_ids(f.fid for f in findings)
    bulletin = settings.bulletin
    order = {MISSING: 0, SEVERE: 1, LATE: 2}
    notices = []
    for name, items in grouped.items():
        unit = directory.unit(name)
        notices.append(
            Notice(
                unit=name,
                contact=getattr(unit, "contact", "") if unit else "",
                phone=getattr(unit, "phone", "") if unit else "",
                quarter=quarter,
                plan_title=plan_title,
                items=tuple(sorted(items, key=lambda i: order[i.state])),
                made=made,
                reply_by=reply_date(made, settings),
                office=bulletin.issuer,
                office_contact=bulletin.contact,
                rectifications=tuple(
                    (shorts.get(f.fid, f.fid[:6]), f.item or "", f.text, f.due) for f in overdue.get(name, ())
                ),
            )
        )
    return tuple(sorted(notices, key=lambda n: (-len(n.items), n.unit)))


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_paragraphs(notice: Notice) -> list[str]:
    """The body of a 催办单 as sentences (Markdown and Word share them)."""
    q = notice.quarter
    parts = [f"{state}{notice.count(state)}项" for state in (MISSING, SEVERE, LATE) if notice.count(state)]
    consecutive = sum(1 for i in notice.items if i.consecutive)
    if consecutive:
        parts[0] += f"(其中连续未报送{consecutive}项)"
    if notice.rectifications:
        parts.append(f"督查发现逾期未整改{len(notice.rectifications)}项")
    office = notice.office or "督查室"
    text = [
        f"{notice.unit}:",
        f"根据{notice.plan_title or '年度目标任务'}督办要求,经核查,截至{q.label.split('年', 1)[1]}末,"
        f"你单位牵头的事项中{'、'.join(parts)},具体如下。",
        f"请于{cn_date(notice.reply_by)}前将未报送事项的进展和数据、严重滞后事项的原因及整改措施书面报{office}。",
    ]
    return text


CONSECUTIVE = "连续未报送"


def state_text(item: NoticeItem) -> str:
    """The 情况 cell: the finding; 连续未报送 for an item the bulletin marks so (short enough
    for the narrow column of a Word table)."""
    return CONSECUTIVE if item.consecutive else item.state


def notice_rows(notice: Notice) -> list[list[str]]:
    return [
        [item.item_id, item.text, state_text(item), item.figures or "—", "、".join(item.leaders) or "—"]
        for item in notice.items
    ]


NOTICE_HEADER = ["编号", "事项", "情况", "应完成 / 已报送", "责任领导"]
RECTIFICATION_HEADER = ["问题编号", "事项", "督查发现(逾期未整改)", "整改时限"]


def rectification_rows(notice: Notice) -> list[list[str]]:
    return [[fid, item or "—", text, due.isoformat()] for fid, item, text, due in notice.rectifications]


def contact_line(notice: Notice) -> str:
    unit = "、".join(x for x in (f"联络员:{notice.contact}" if notice.contact else "", f"电话:{notice.phone}" if notice.phone else "") if x)
    return unit
