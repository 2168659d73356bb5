"""`xatrack check`: every problem of a tracker at once, with file and line.

Registry (tasks.yaml), directory (units.yaml) and the progress logs.
Reading is the store's; this module only judges what was read.
"""

from __future__ import annotations

from xatrack.errors import DataError, Problem
from xatrack.model import Entry, Plan


def check_tracker(tracker) -> list[Problem]:
    problems: list[Problem] = []
    try:
        plan, found = tracker.load_plan()
    except DataError as error:
        return [Problem("tasks.yaml", None, error.message)]
    problems.extend(found)
    try:
        directory, found = tracker.load_directory()
    except DataError as error:
        directory, found = None, [Problem("units.yaml", None, error.message)]
    problems.extend(found)
    if plan is not None and directory is not None:
        problems.extend(check_names(plan, directory))
    entries: list[Entry] = []
    problems.extend(check_log_names(tracker))
    from xatrack.safefs import outside_links

    outside = set()
    for path, target in outside_links(tracker.root):
        outside.add(path)
        problems.append(Problem(tracker.display(path), None, f"是指向跟踪目录之外({target})的符号链接,xatrack 拒绝读写;请换成普通文件"))
    for path, quarter in tracker.log_files():
        from xatrack.store import PROGRESS, read_log, read_text

        source = f"{PROGRESS}/{path.name}"
        if path in outside:
            continue
        try:
            found_entries, found = read_log(read_text(path), quarter, source)
        except DataError as error:
            problems.append(Problem(source, None, error.message))
            continue
        problems.extend(found)
        entries.extend(found_entries)
        if plan is not None and plan.info.year and quarter.year != plan.info.year:
            problems.append(Problem(source, None, f"进度记录的年度 {quarter.year} 不是计划年度 {plan.info.year}", "warning"))
    if plan is not None:
        problems.extend(check_entries(plan, entries))
    return problems


def check_log_names(tracker) -> list[Problem]:
    """Files in progress/ that are not read as a quarter's log (warnings):
    entries put in ``2025Q2.yaml`` or ``2025-Q5.yaml`` would be silently ignored."""
    from xatrack.store import PROGRESS

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
            Problem(f"{PROGRESS}/{name}", None, "不是季度进度记录(文件名应为 年-Q季度.yaml,如 2025-Q2.yaml),其中的内容不会被读取", "warning")
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
                problems.append(Problem("tasks.yaml", item.line, f"单位\"{name}\"不在 units.yaml 中", "warning"))
        for name in item.leaders:
            if not directory.knows_leader(name):
                problems.append(Problem("tasks.yaml", item.line, f"领导\"{name}\"不在 units.yaml 中", "warning"))
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
            problems.append(Problem(entry.file, entry.line, f"没有编号为 {entry.item} 的目标或任务"))
            continue
        names = [m.name for m in item.metrics]
        if entry.metric is not None and entry.metric not in names:
            listing = "、".join(names) if names else "(该事项没有量化指标)"
            problems.append(Problem(entry.file, entry.line, f"{entry.item} 没有指标\"{entry.metric}\";指标为 {listing}"))
        if entry.value is not None and not item.metrics:
            problems.append(Problem(entry.file, entry.line, f"{entry.item} 没有量化指标,却报送了数值 {entry.value:g}"))
        elif entry.value is not None and entry.metric is None and len(item.metrics) > 1:
            problems.append(Problem(entry.file, entry.line, f"{entry.item} 有 {len(item.metrics)} 项指标,报送数值时须注明 metric"))
        if not entry.quarter.contains(entry.date):
            problems.append(
                Problem(
                    entry.file,
                    entry.line,
                    f"日期 {entry.date.isoformat()} 不在本文件的季度({entry.quarter.label})内,可能记错了文件",
                )
            )
        if entry.at is not None:
            key = (entry.item, entry.metric, entry.date, entry.at, entry.by)
            twin = seen.get(key)
            if twin is not None and (twin.value, twin.status, twin.note) != (entry.value, entry.status, entry.note):
                problems.append(
                    Problem(
                        entry.file,
                        entry.line,
                        f"与 {twin.file}:{twin.line} 同一时间({entry.at.isoformat()})对 {entry.item} 报送了不同内容",
                    )
                )
            seen.setdefault(key, entry)
    return problems


def unknown_entries(plan: Plan, entries: list[Entry]) -> int:
    """How many entries name an item the plan does not have, or a metric its
    item does not have (a deleted task, a renamed metric): they count nowhere."""
    count = 0
    for entry in entries:
        item = plan.get(entry.item)
        if item is None or (entry.metric is not None and all(m.name != entry.metric for m in item.metrics)):
            count += 1
    return count
