"""催办单: one notice per lead unit that owes the office something this quarter.

Pure: the report's evaluated statuses, the directory and the settings in, a
tuple of ``Notice`` values out. A lead unit gets a notice when one of its
items is 未报送 (including an item with some metrics unreported), 严重滞后, or
was reported after the deadline (逾期报送). The reply deadline is
``settings.remind_days`` days after the day the notice is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from xatrack.evaluate import ItemStatus
from xatrack.model import DONE, MISSING, SEVERE, Quarter

LATE = "逾期报送"
DEFAULT_DEADLINE_DAYS = 10  # settings.deadline_days (added with the reporting calendar) when present


@dataclass(frozen=True)
class NoticeItem:
    item_id: str
    text: str
    state: str  # 未报送 / 严重滞后 / 逾期报送 (a late report that is otherwise on pace)
    missing: tuple[str, ...]  # metrics not reported this quarter (all of them when nothing was)
    leaders: tuple[str, ...]
    reason: str


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

    def count(self, state: str) -> int:
        return sum(1 for i in self.items if i.state == state)


def missing_metrics(status: ItemStatus) -> tuple[str, ...]:
    """Metrics with no figure this quarter (a carried 已完成 is not missing)."""
    return tuple(ms.metric.name for ms in status.metrics if ms.value is None and ms.state != DONE)


def reported_late(status: ItemStatus, deadline_days: int, made: date) -> bool:
    """Recorded after the quarter's deadline (quarter end + deadline_days).

    Read defensively from the entry's recording time until the evaluation
    carries its own 逾期报送 field (``late``); an entry without a recording
    time, or recorded after the day the notice is made (a clock moved with
    XATRACK_TODAY), is not judged late.
    """
    late = getattr(status, "late", None)
    if late is not None:
        return bool(late)
    entry = status.last_entry
    at = getattr(entry, "at", None) if entry is not None else None
    if not isinstance(at, datetime) or at.date() > made:
        return False
    return at.date() > status.quarter.end + timedelta(days=deadline_days)


def _finding(status: ItemStatus, deadline_days: int, made: date) -> str | None:
    if status.state == DONE:
        return LATE if status.last_entry is not None and reported_late(status, deadline_days, made) else None
    missing = missing_metrics(status)
    if status.state == MISSING or (status.last_entry is None and status.state != DONE) or (missing and status.metrics):
        return MISSING
    if status.state == SEVERE:
        return SEVERE
    if reported_late(status, deadline_days, made):
        return LATE
    return None


def build_notices(
    statuses: Iterable[ItemStatus],
    directory,
    settings,
    quarter: Quarter,
    made: date,
    plan_title: str = "",
    units: Iterable[str] | None = None,
) -> tuple[Notice, ...]:
    """One notice per lead unit with findings; ``units`` (canonical names) keeps only those."""
    deadline_days = getattr(settings, "deadline_days", DEFAULT_DEADLINE_DAYS)
    wanted = set(units) if units is not None else None
    grouped: dict[str, list[NoticeItem]] = {}
    for status in statuses:
        finding = _finding(status, deadline_days, made)
        if finding is None:
            continue
        item = status.item
        missing = missing_metrics(status) if finding == MISSING else ()
        entry = NoticeItem(
            item_id=item.id,
            text=item.text,
            state=finding,
            missing=missing,
            leaders=tuple(dict.fromkeys(directory.canonical_leader(n) for n in item.leaders)),
            reason=status.reason,
        )
        for name in dict.fromkeys(directory.canonical_unit(n) for n in item.lead):
            if wanted is None or name in wanted:
                grouped.setdefault(name, []).append(entry)
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
                reply_by=made + timedelta(days=settings.remind_days),
                office=bulletin.issuer,
                office_contact=bulletin.contact,
            )
        )
    return tuple(sorted(notices, key=lambda n: (-len(n.items), n.unit)))


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_paragraphs(notice: Notice) -> list[str]:
    """The body of a 催办单 as sentences (Markdown and Word share them)."""
    q = notice.quarter
    parts = [f"{state}{notice.count(state)}项" for state in (MISSING, SEVERE, LATE) if notice.count(state)]
    office = notice.office or "督查室"
    text = [
        f"{notice.unit}:",
        f"根据{notice.plan_title or '年度目标任务'}督办要求,经核查,截至{q.label.split('年', 1)[1]}末,"
        f"你单位牵头的事项中{'、'.join(parts)},具体如下。",
        f"请于{_cn_date(notice.reply_by)}前将未报送事项的进展和数据、严重滞后事项的原因及整改措施书面报{office}。",
    ]
    return text


def notice_rows(notice: Notice) -> list[list[str]]:
    rows = []
    for item in notice.items:
        missing = ";".join(item.missing) if item.missing else "—"  # metric names may hold 、
        rows.append([item.item_id, item.text, item.state, missing, "、".join(item.leaders) or "—"])
    return rows


NOTICE_HEADER = ["编号", "事项", "情况", "未报送的指标", "责任领导"]


def contact_line(notice: Notice) -> str:
    unit = "、".join(x for x in (f"联络员:{notice.contact}" if notice.contact else "", f"电话:{notice.phone}" if notice.phone else "") if x)
    return unit


def render_markdown(notices: Iterable[Notice]) -> str:
    from xatrack.views.report_markdown import cell, table, text_line

    out: list[str] = []
    for notice in notices:
        out += [f"# 催办单:{cell(notice.unit)}({notice.quarter.label})", ""]
        if contact_line(notice):
            out += [contact_line(notice), ""]
        paragraphs = notice_paragraphs(notice)
        out += [text_line(p) for p in paragraphs[:2]] + [""]
        out += table(NOTICE_HEADER, notice_rows(notice)) + [""]
        out += [text_line(paragraphs[2]), ""]
        signature = [notice.office] if notice.office else []
        if notice.office_contact:
            signature.append(f"联系方式:{notice.office_contact}")
        signature.append(_cn_date(notice.made))
        out += ["  \n".join(text_line(s) for s in signature), "", "---", ""]
    return "\n".join(out)
