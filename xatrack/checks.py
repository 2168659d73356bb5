"""`xatrack check`: every problem of a tracker at once, with file and line.

Registry (tasks.yaml), directory (units.yaml) and the progress logs.
Reading is the loader's (load.py); this module only judges what was read.
"""

from __future__ import annotations

from datetime import date

from xatrack.bulletin import check_folder
from xatrack.errors import Problem
from xatrack.evidence import verify
from xatrack.findings_log import finding_evidence, progress_evidence
from xatrack.findings_log import load as load_findings
from xatrack.evaluate import evaluate, fmt, live
from xatrack.load import Loaded
from xatrack.roles import OUTSIDE
from xatrack.model import Entry, Plan, entry_ref
from xatrack.safefs import outside_links
from xatrack.store import PROGRESS
from xatrack.workdays import FALLBACK_NOTE, unknown_years


def check_tracker(tracker) -> list[Problem]:
    """Every problem of the tracker (a ``Tracker`` or a ``load.Loaded``),
    read through the one loader without caches (``Loaded.fresh_entries``)."""
    loaded = tracker if isinstance(tracker, Loaded) else Loaded(tracker, strict=False)
    tracker = loaded.tracker
    plan = loaded.plan
    if loaded.unreadable:
        return list(loaded.problems)
    directory = loaded.directory
    problems: list[Problem] = list(loaded.problems)
    if plan is not None and directory is not None:
        problems.extend(check_names(plan, directory))
    problems.extend(check_log_names(tracker))
    outside = set()
    for path, target in outside_links(tracker.root):
        outside.add(path)
        problems.append(Problem(tracker.display(path), None, f"是指向跟踪目录之外({target})的符号链接,xatrack 拒绝读写;请换成普通文件", code="outside-link"))
    entries: list[Entry] = []
    for source, quarter, found_entries, found, read in loaded.fresh_logs(skip=outside):
        problems.extend(found)
        entries.extend(found_entries)
        if read and plan is not None and plan.info.year and quarter.year != plan.info.year:
            problems.append(Problem(source, None, f"进度记录的年度 {quarter.year} 不是计划年度 {plan.info.year}", "warning", code="log-year"))
    if plan is not None:
        problems.extend(check_entries(plan, entries))
        problems.extend(check_retractions(entries))
        if directory is not None:
            problems.extend(check_credit(plan, entries, loaded.roles))
        problems.extend(check_follows(plan))
        problems.extend(check_workday_calendar(plan))
        problems.extend(check_leads(plan))
        problems.extend(check_folder(tracker.root, plan))
        problems.extend(check_findings_and_evidence(tracker, plan))
    return problems


def check_credit(plan: Plan, entries: list[Entry], roles) -> list[Problem]:
    """What the bulletin would list under 请核实, at its line (issue 24): a unit's report on an
    item it neither leads nor shares (almost always a wrong item number: never the item's
    figure; the retract command that withdraws it), and lead units that sent different
    figures for one metric of a quarter."""
    problems = []
    kept = live(entries)
    office = plan.settings.office
    for entry in kept:
        item = plan.get(entry.item)
        if item is None or entry.retracts or roles.kind(item, entry.by, office) != OUTSIDE:
            continue
        problems.append(Problem(entry.file, entry.line, f"{entry.by} 不是 {item.id} 的牵头单位或责任单位:此条不作为事项的数字(可能填错了编号);"
                                f"如确属填错,用 xatrack retract {item.id} --by {entry.by} --quarter Q{entry.quarter.q} 撤回",
                                "warning", code="outside-unit"))
    quarters = sorted({e.quarter for e in kept if e.quarter.year == plan.info.year}, key=lambda q: q.q)
    for quarter in quarters:
        ids = {e.item for e in kept if e.quarter == quarter}
        items = [i for i in plan.items if i.id in ids and len(i.lead) > 1]
        if not items:
            continue
        for status in evaluate(plan, kept, quarter, items, roles=roles):
            for metric, values in status.disagreements:
                sent = "、".join(f"{unit} {fmt(value)}" for unit, value in values)
                source = status.last_entry.file if status.last_entry is not None else ""
                problems.append(Problem(source, None, f"{quarter.label} {status.item.id} {metric}:牵头单位报送不一致({sent}),"
                                        "以列第一位的牵头单位的为准,请核实", "warning", code="leads-disagree"))
    return problems


def check_leads(plan: Plan) -> list[Problem]:
    """An item without a lead unit has nobody to report its figure: one warning per item."""
    problems = []
    for item in plan.items:
        if not item.lead:
            label = f"目标{item.id}" if item.is_target else f"任务{item.id}"
            hint = f"(可取责任单位第一个“{item.units[0]}”:重新导入时加 --first-unit-lead)" if item.units else ""
            problems.append(Problem("tasks.yaml", item.line, f"{label} 没有牵头单位,无人报送、不能排名和催办;请补写 lead{hint},"
                                    "或用 xatrack plan export 在分解表中补填", "warning", code="no-lead"))
    return problems


def check_retractions(entries: list[Entry]) -> list[Problem]:
    """A retraction must name an entry that exists; a second retraction of
    the same entry (two clones withdrawing it) changes nothing (warning)."""
    refs = {entry_ref(e): e for e in entries if not e.retracts}
    problems = []
    first: dict[str, Entry] = {}
    for entry in entries:
        if not entry.retracts:
            continue
        target = refs.get(entry.retracts)
        if target is None:
            problems.append(Problem(entry.file, entry.line, f"撤回记录指向的记录 {entry.retracts} 不存在(原记录被修改或删除?)", code="retract-missing"))
            continue
        if target.item != entry.item:
            problems.append(Problem(entry.file, entry.line, f"撤回记录写的是 {entry.item},被撤回的记录却是 {target.item} 的", code="retract-other-item"))
        if target.by.strip() != entry.by.strip():
            # xatrack writes a retraction in the name of the withdrawn entry's unit (the office's
            # retraction too, its actor recorded apart): another name is a unit withdrawing another's.
            problems.append(Problem(entry.file, entry.line, f"撤回记录以\"{entry.by or '未署名'}\"名义撤回了"
                                    f"\"{target.by or '未署名'}\"的记录 {entry.retracts}(单位只能撤回本单位的记录)",
                                    code="retract-other-unit"))
        earlier = first.get(entry.retracts)
        if earlier is not None:
            problems.append(
                Problem(entry.file, entry.line, f"记录 {entry.retracts} 已在 {earlier.file}:{earlier.line} 撤回过,本次撤回不起作用", "warning", code="retract-twice")
            )
            continue
        first[entry.retracts] = entry
    return problems


def check_workday_calendar(plan: Plan) -> list[Problem]:
    """Working days counted (settings.deadline_workdays, remind_workdays) in a year the
    holiday calendar does not know: those days fall back to Monday–Friday; say so."""
    settings = plan.settings
    keys = [key for key in ("deadline_workdays", "remind_workdays") if getattr(settings, key)]
    year = plan.info.year
    if not keys or not year:
        return []
    # The year's reporting runs from its first quarter to the Q4 deadline in January after it.
    missing = unknown_years(date(year, 1, 1), date(year + 1, 1, 31))
    if not missing:
        return []
    years = "、".join(f"{y} 年" for y in missing)
    return [Problem("tasks.yaml", None, f"settings.{'/'.join(keys)}:节假日日历不含 {years},这些年份的工作日{FALLBACK_NOTE}", "warning", code="workday-calendar")]


def check_follows(plan: Plan) -> list[Problem]:
    """Each relative metric must follow a figure that exists."""
    problems = []
    for item in plan.items:
        for metric in item.metrics:
            if metric.kind != "relative":
                continue
            own = [m.name for m in item.metrics if m is not metric]
            if metric.follows in own:
                continue
            other_id, _, name = metric.follows.partition(":")
            other = plan.get(other_id.strip())
            if other is None or not other.metrics or (name and name.strip() not in [m.name for m in other.metrics]):
                problems.append(
                    Problem("tasks.yaml", item.line, f"{item.id} 的指标 {metric.name} 对照的\"{metric.follows}\"不存在(应为带指标的事项编号,如 G1,或本事项中对照数指标的名称)", code="follows-missing")
                )
    return problems


def check_findings_and_evidence(tracker, plan: Plan) -> list[Problem]:
    """findings/<year>.yaml (readable, ids of the plan) and every cited piece of
    evidence (present, unaltered: sha256 recomputed)."""
    found, problems = load_findings(tracker.root, plan.info.year)
    for finding in found.values():
        if finding.item is not None and plan.get(finding.item) is None:
            problems.append(Problem(finding.file, finding.line, f"督查发现涉及的编号 {finding.item} 不是任何目标或任务", code="finding-unknown-item"))
    refs, more = progress_evidence(tracker)
    problems.extend(more)
    problems.extend(verify(tracker.root, refs + finding_evidence(found)))
    return problems


def check_log_names(tracker) -> list[Problem]:
    """Files in progress/ that are not read as a quarter's log (warnings):
    entries put in ``2025Q2.yaml`` or ``2025-Q5.yaml`` would be silently ignored."""
    folder = tracker.progress_dir
    if not folder.is_dir():
        return []
    read = {path.name for path, _ in tracker.log_files()}
    problems = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name in read or name.startswith(".") or name.endswith(".lock") or name.lower() in ("readme.md", "readme.txt"):
            continue
        problems.append(
            Problem(f"{PROGRESS}/{name}", None, "不是季度进度记录(文件名应为 年-Q季度.yaml,如 2025-Q2.yaml),其中的内容不会被读取", "warning", code="not-a-log")
        )
    return problems


def check_names(plan: Plan, directory) -> list[Problem]:
    """Names in the registry the directory does not know (warnings)."""
    if not (directory.unit_names() or directory.leader_names()):
        return []
    problems = []
    for item in plan.items:
        for name in item.lead + item.units:
            if not directory.knows_unit(name):
                problems.append(Problem("tasks.yaml", item.line, f"单位\"{name}\"不在 units.yaml 中", "warning", code="unknown-unit"))
        for name in item.leaders:
            if not directory.knows_leader(name):
                problems.append(Problem("tasks.yaml", item.line, f"领导\"{name}\"不在 units.yaml 中", "warning", code="unknown-leader"))
    return problems


def check_entries(plan: Plan, entries: list[Entry]) -> list[Problem]:
    """Entries for unknown ids or metrics, misplaced dates, conflicting twins.

    Twins are two entries of one item and metric for the same date, by the
    same reporter, with the same timestamp but different contents (a line
    copied and edited by hand, or two versions of one entry after a merge):
    which one counts would depend on their order in the file. Different
    reporters, or different dates, recorded in the same second are ordinary."""
    problems = []
    seen: dict[tuple, Entry] = {}
    for entry in entries:
        item = plan.get(entry.item)
        if item is None:
            problems.append(Problem(entry.file, entry.line, f"没有编号为 {entry.item} 的目标或任务", code="unknown-item"))
            continue
        names = [m.name for m in item.metrics]
        if entry.metric is not None and entry.metric not in names:
            listing = "、".join(names) if names else "(该事项没有量化指标)"
            problems.append(Problem(entry.file, entry.line, f"{entry.item} 没有指标\"{entry.metric}\";指标为 {listing}", code="unknown-metric"))
        if entry.value is not None and not item.metrics:
            problems.append(Problem(entry.file, entry.line, f"{entry.item} 没有量化指标,却报送了数值 {entry.value:g}", code="value-without-metric"))
        elif entry.value is not None and entry.metric is None and len(item.metrics) > 1:
            problems.append(Problem(entry.file, entry.line, f"{entry.item} 有 {len(item.metrics)} 项指标,报送数值时须注明 metric", code="metric-needed"))
        if not entry.quarter.contains(entry.date):
            problems.append(
                Problem(
                    entry.file,
                    entry.line,
                    f"日期 {entry.date.isoformat()} 不在本文件的季度({entry.quarter.label})内,可能记错了文件",
                    code="date-outside-quarter",
                )
            )
        if entry.at is not None:
            key = (entry.item, entry.metric, entry.date, entry.at, entry.by, entry.retracts)
            twin = seen.get(key)
            if twin is not None and (twin.value, twin.status, twin.note) != (entry.value, entry.status, entry.note):
                problems.append(
                    Problem(
                        entry.file,
                        entry.line,
                        f"与 {twin.file}:{twin.line} 同一时间({entry.at.isoformat()})对 {entry.item} 报送了不同内容",
                        code="twin",
                    )
                )
            seen.setdefault(key, entry)
    return problems
