"""What `update` (and the sheet ingester) records: validate a report against
the plan and turn it into a log record. Pure apart from the clock passed in.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xatrack.authority import PROGRESS, who
from xatrack.errors import InputError
from xatrack.evaluate import live, newest
from xatrack.model import REPORT_STATUSES, Item, Metric, Plan, Quarter, entry_ref, normalize_id
from xatrack.roles import names_unit
from xatrack.schedule import check_date_in_quarter, default_quarter, parse_date, parse_quarter, quarter_of
from xatrack.values import plain_number, read_value


@dataclass(frozen=True)
class Submission:
    """What a unit submits for one item, as typed (update's flags, a sheet's row): validated by build_record.
    (Not the bulletin: that is report.Report.)"""

    item_id: str
    done: str | float | None = None  # as typed: validated here
    metric: str | None = None
    status: str | None = None
    note: str | None = None
    quarter: str | None = None
    day: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who makes an entry, apart from the unit it reports for (``by``).

    ``name`` is recorded as the entry's ``actor`` (a git account's e-mail,
    $XATRACK_USER, the system user); ``unit``: the canonical unit when the
    actor is known to be one (an account from git config registered for a
    unit, or $XATRACK_USER naming a unit): such an actor may act only on its
    own entries and items (authority.TABLE), else the command refuses before
    writing. ``office``: the supervision office's account. Neither: unknown,
    treated as the office with warnings."""

    name: str = ""
    unit: str | None = None
    office: bool = False


def default_subject(directory, item: Item) -> str:
    """The unit an entry is about when no --by is given: the item's
    first-listed lead unit (else its first responsible unit), canonical."""
    for name in (*item.lead, *item.units):
        text = (name or "").strip()
        if text:
            return directory.canonical_unit(text) if directory is not None and directory.knows_unit(text) else text
    return ""


def check_unit_authority(directory, item: Item, actor: Actor | None, by: str, action: str = "report") -> None:
    """InputError (one line naming the rule) when a unit's account acts for
    another unit or on an item it neither leads nor shares."""
    if actor is None or not actor.unit:
        return
    rule = who(PROGRESS, action)[1]
    same = by == actor.unit or (directory is not None and directory.knows_unit(by)
                                and directory.canonical_unit(by) == actor.unit)
    if not same:
        raise InputError(f'{rule}:{actor.name} 代表 {actor.unit},不能以"{by or "(未署名)"}"名义{_verb(action)},未写入任何内容')
    if directory is not None and (item.lead or item.units) and not names_unit(directory, actor.unit, (*item.lead, *item.units)):
        account = f"(账号 {actor.name})" if actor.name and actor.name != actor.unit else ""
        raise InputError(f"{who(PROGRESS, 'report')[1]}:{actor.unit} 不是{_label(item)}的牵头单位或责任单位"
                         f"{account},未写入任何内容")


def _verb(action: str) -> str:
    return {"report": "报送", "retract": "撤回", "correct": "更正"}.get(action, "报送")


@dataclass(frozen=True)
class Recorded:
    item: Item
    metric: Metric | None
    quarter: Quarter
    record: dict[str, Any]
    warnings: tuple[str, ...] = ()  # recorded all the same: 请核实 a figure, an unknown reporter


def find_item(plan: Plan, raw_id: str) -> Item:
    item = plan.get(raw_id)
    if item is not None:
        return item
    ids = [i.id for i in plan.items]
    key = normalize_id(raw_id)
    close = difflib.get_close_matches(key, ids, n=1, cutoff=0.5)
    hint = f",是否为 {close[0]}?" if close else f"(编号为 G1–G{len(plan.targets)} 和 1–{len(plan.tasks)})"
    raise InputError(f"没有编号为\"{raw_id}\"的目标或任务{hint}")


def find_metric(item: Item, raw: str) -> Metric:
    """--metric: the 1-based number or a unique part of the name."""
    text = raw.strip()
    listing = metric_listing(item)
    if not item.metrics:
        raise InputError(f"{_label(item)}没有量化指标,请用 --status 和 --note 报送")
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(item.metrics):
            return item.metrics[number - 1]
        raise InputError(f"--metric 的值 {text} 超出范围:{_label(item)}的指标为 {listing}")
    exact = [m for m in item.metrics if m.name == text]
    if exact:
        return exact[0]
    partial = [m for m in item.metrics if text and text in m.name]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names = "、".join(m.name for m in partial)
        raise InputError(f"--metric 的值\"{text}\"同时匹配 {names};请写得更具体或用编号:{listing}")
    raise InputError(f"{_label(item)}没有指标\"{text}\":指标为 {listing}")


def metric_listing(item: Item) -> str:
    return ";".join(f"{i}. {m.name}({plain_number(m.target)}{m.unit})" for i, m in enumerate(item.metrics, 1))


def parse_value(raw: str | float, metric: Metric | None = None, what: str = "--done 的值") -> float:
    """A reported figure through the one reader (values.read_value)."""
    return read_value(raw, metric, what).value


def resolve_reporter(directory, plan: Plan, by: str, typed: bool) -> tuple[str, str | None]:
    """(reporter as stored, warning or None): a unit in its canonical form
    (交通局, kjj -> 区交通运输局); a name the directory does not know as typed.
    ``typed``: the user gave it (--by, the sheet's unit): short forms and
    pinyin are resolved and an unknown name is warned about; the default
    reporter (a user name) is only matched exactly."""
    text = (by or "").strip()
    if not text or directory is None:
        return text, None
    if text in plan.settings.office:
        return text, None  # the office: its figure verifies the item (督查室核实数据); the lead unit still owes its report
    if directory.knows_unit(text):
        return directory.canonical_unit(text), None
    if not typed:
        return text, None
    from xatrack.queries import all_units  # lazy: rare - a reporter typed by hand outside units.yaml; update never imports queries otherwise (0.6 ms)

    known = all_units(plan)
    if text in known:
        return directory.canonical_unit(text), None
    try:
        return directory.unit_query(text, known).name, None
    except InputError as error:
        if "多个匹配" in error.message:
            raise InputError(f"--by:{error.message}") from None
    return text, (f'报送人"{text}"不是单位目录中的单位,也不是 settings.office 中的督查室,按原样记录'
                  '(其数字作为事项的数字,但不算任何牵头单位的报送)')


def parse_status(raw: str) -> str:
    text = raw.strip()
    if text in REPORT_STATUSES:
        return text
    raise InputError(f"--status 的值\"{raw}\"无效:应为 {'/'.join(REPORT_STATUSES)}")


def outside_unit(directory, item: Item, by: str) -> str | None:
    """A warning when a unit of the directory reports an item it neither leads
    nor shares (a slip of the item number, most often): the entry is recorded
    and listed for checking (请核实), never the item's figure (evaluate)."""
    if directory is None or not by or not directory.knows_unit(by) or not (item.lead or item.units):
        return None
    if names_unit(directory, by, (*item.lead, *item.units)):
        return None
    return (f"{by} 不是{_label(item)}的牵头单位或责任单位:本条已记录,但不作为事项的数字(列入请核实);"
            f"如编号有误,请用 xatrack retract {item.id} --by {by} 撤回后重新报送")


def build_record(
    plan: Plan,
    report: Submission,
    *,
    today: date,
    now: datetime,
    default_by: str,
    directory=None,
    value_what: str = "--done 的值",
    actor: Actor | None = None,
) -> Recorded:
    """Validate a report and build the log record, or raise InputError.

    With ``directory`` the reporter is stored in its canonical form
    (``resolve_reporter``). The quarter defaults to the quarter being
    reported (``schedule.default_quarter``)."""
    for flag, text in (
        ("编号", report.item_id), ("--done", report.done), ("--metric", report.metric), ("--status", report.status),
        ("--note", report.note), ("--quarter", report.quarter), ("--date", report.day), ("--by", report.by),
        ("环境变量 XATRACK_USER(或系统用户名)", default_by),
    ):
        check_encodable(text, flag)
    item = find_item(plan, report.item_id)
    if report.done is None and report.status is None and not report.note:
        raise InputError("请至少给出 --done、--status 或 --note 之一")
    metric = None
    value = None
    warnings: list[str] = []
    if report.done is not None:
        if not item.metrics:
            read_value(report.done, None, value_what)  # a figure that is not a number is named as such first
            raise InputError(f"{_label(item)}没有量化指标,不能用 --done;请用 --status 和 --note 报送")
        if report.metric is not None:
            metric = find_metric(item, report.metric)
        elif len(item.metrics) == 1:
            metric = item.metrics[0]
        else:
            raise InputError(f"{_label(item)}有 {len(item.metrics)} 项指标,请用 --metric 指定:{metric_listing(item)}")
        read = read_value(report.done, metric, value_what)
        value = read.value
        warnings.extend(read.warnings)
    elif report.metric is not None:
        metric = find_metric(item, report.metric)
    status = parse_status(report.status) if report.status is not None else None
    note = report.note.strip() if report.note else None
    if note is not None and len(note) > 2000:
        raise InputError("--note 过长(上限 2000 字)")

    year = plan.info.year
    day = parse_date(report.day) if report.day else None
    if report.quarter:
        quarter = parse_quarter(report.quarter, year)
        if day is None:
            day = min(max(today, quarter.start), quarter.end)
        else:
            check_date_in_quarter(day, quarter)
    elif day is not None:
        quarter = quarter_of(day)
        if quarter.year != year:
            raise InputError(f"--date {day.isoformat()} 不在计划年度 {year} 内")
    else:
        quarter = default_quarter(year, today, plan.settings.report_window_days)
        day = min(max(today, quarter.start), quarter.end)

    typed = bool(report.by and report.by.strip())
    if typed:
        by, unknown = resolve_reporter(directory, plan, report.by, True)
    elif actor is not None and actor.unit:
        by, unknown = actor.unit, None
    elif actor is not None:
        by, unknown = default_subject(directory, item), None  # never the system user
    else:
        by, unknown = resolve_reporter(directory, plan, default_by, False)
    check_unit_authority(directory, item, actor, by)
    if unknown:
        warnings.append(unknown)
    else:
        stranger = outside_unit(directory, item, by)
        if stranger:
            warnings.append(stranger)
    record: dict[str, Any] = {"id": int(item.id) if item.id.isdigit() else item.id}
    if metric is not None:
        record["metric"] = metric.name
    if value is not None:
        record["value"] = int(value) if value.is_integer() else value
    if status is not None:
        record["status"] = status
    if note:
        record["note"] = note
    record["date"] = day.isoformat()
    record["by"] = by
    if actor is not None and actor.name and actor.name != by:
        record["actor"] = actor.name
    if actor is not None and not typed and not actor.unit:
        record["office"] = True  # the office's (or a person's) figure for the item, not the unit's own report
    # To the microsecond: two reports of one item in the same second stay
    # ordered by time (evaluate.newest), and check never sees them as twins.
    record["at"] = now.isoformat()  # microseconds unless they are 0
    return Recorded(item=item, metric=metric, quarter=quarter, record=record, warnings=tuple(warnings))


def check_encodable(text: object, flag: str) -> None:
    """InputError when text holds bytes that were not UTF-8 (a terminal in
    another encoding gives lone surrogates): they could not be written."""
    if isinstance(text, str):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{flag} 的值含有无法识别的字符(不是 UTF-8 编码);请检查终端或输入法的编码") from None


def item_label(item: Item) -> str:
    """``目标 G1 `` / ``任务 32 ``: how messages name an item (with its trailing space)."""
    return f"目标 {item.id} " if item.is_target else f"任务 {item.id} "


_label = item_label





def build_retraction(
    plan: Plan,
    entries: list,
    item_id: str,
    *,
    metric: str | None,
    quarter: str | None,
    by: str | None,
    note: str | None,
    today: date,
    now: datetime,
    default_by: str,
    directory=None,
    actor: Actor | None = None,
) -> tuple[Recorded, Any]:
    """The record withdrawing the newest matching entry by a reporter
    (xatrack retract), and that entry; InputError when there is none.

    ``entries`` are the item's entries. The retraction names the entry by its
    content (model.entry_ref), so it means the same entry after a git merge.
    """
    item = find_item(plan, item_id)
    chosen_metric = find_metric(item, metric) if metric is not None else None
    year = plan.info.year
    q = parse_quarter(quarter, year) if quarter else default_quarter(year, today, plan.settings.report_window_days)
    typed = bool(by and by.strip())
    if typed:
        reporter, _ = resolve_reporter(directory, plan, by, True)
    elif actor is not None and actor.unit:
        reporter = actor.unit
    elif actor is not None:
        reporter = default_subject(directory, item)
    else:
        reporter, _ = resolve_reporter(directory, plan, default_by, False)
    check_unit_authority(directory, item, actor, reporter, "retract")

    def same_reporter(entry) -> bool:
        if directory is not None and entry.by and directory.knows_unit(entry.by):
            return directory.canonical_unit(entry.by) == reporter
        return entry.by.strip() == reporter

    candidates = [
        e
        for e in live(entries)
        if e.item == item.id
        and e.quarter == q
        and same_reporter(e)
        and (chosen_metric is None or e.metric == chosen_metric.name)
    ]
    target = newest(candidates)
    if target is None:
        what = f"{_label(item)}" + (f"指标\"{chosen_metric.name}\"" if chosen_metric else "")
        raise InputError(f"{what}在{q.label}没有\"{reporter or '(未署名)'}\"可撤回的报送记录,未写入任何内容")
    if len(note or "") > 2000:
        raise InputError("--note 过长(上限 2000 字)")
    day = min(max(today, q.start), q.end)
    record: dict[str, Any] = {"id": int(item.id) if item.id.isdigit() else item.id}
    if target.metric:
        record["metric"] = target.metric
    record["retracts"] = entry_ref(target)
    if note and note.strip():
        record["note"] = note.strip()
    record["date"] = day.isoformat()
    record["by"] = reporter
    if actor is not None and actor.name and actor.name != reporter:
        record["actor"] = actor.name
    record["at"] = now.isoformat(timespec="seconds")
    metric_obj = next((m for m in item.metrics if m.name == target.metric), None)
    return Recorded(item=item, metric=metric_obj, quarter=q, record=record), target
