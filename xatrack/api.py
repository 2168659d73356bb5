"""The library under the command line: one function per command, returning values.

Each function reads the tracker through ``load.load`` (``root``: a folder,
None for --root's default, or an already ``Loaded`` tracker), applies the
rules of the library and returns a value; nothing here prints or exits.
The CLI (cli.py, cli_*.py) parses flags, calls one of these and renders.
User mistakes raise ``errors.InputError``/``DataError`` with one Chinese line.

    from xatrack import api
    from xatrack.queries import Filters

    listed = api.list_items("督办2025", filters=Filters(leader=("洪声耀", "陈浩")), quarter="Q2")
    for status in listed.statuses:
        print(status.item.id, status.state)

``warn`` (optional): called with each one-line Chinese warning met while
reading (ignored log entries, unknown items); the CLI prints them on stderr.

One function per command (each documented below):

    check                                   xatrack check
    list_items, overdue, leaders, units     xatrack list / overdue / leaders / units
    show                                    xatrack show
    update, retract                         xatrack update / retract
    import_plan, init_tracker               xatrack import / init
    report, annual                          xatrack report (--year)
    sheet, ingest                           xatrack sheet / ingest
    remind                                  xatrack remind
    findings, add_finding, update_finding,  xatrack finding list / add / update /
    close_finding, reopen_finding             close / reopen
    audit, githook_install, githook_script  xatrack audit / githook install / script
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from xatrack.errors import InputError, Problem, XatrackError
from xatrack.load import Loaded, load

if TYPE_CHECKING:
    from xatrack.queries import Filters

Warn = Callable[[str], None]

__all__ = [
    "Selection", "Rollup", "Shown", "Recorded",
    "open_tracker", "heading", "check", "list_items", "overdue", "leaders", "units", "show",
    "update", "retract", "import_plan", "Imported", "report", "annual", "Made", "sheet", "Sheets", "ingest", "Ingested", "remind", "Notices", "findings", "FindingRows", "load_findings",
    "add_finding", "FindingAdded", "update_finding", "close_finding", "reopen_finding", "FindingFollowedUp",
    "init_tracker", "Initialized", "audit", "Audited", "githook_install", "githook_script",
]


class _Value:
    """A result: named fields, compared and shown by value. (Plain slots, not
    dataclasses: made at import of every command, they cost 0.5 ms each.)"""

    __slots__ = ()

    def __init__(self, *args, **kwargs):
        names = self.__slots__
        values = dict(zip(names, args), **kwargs)
        for name in names:
            object.__setattr__(self, name, values[name] if name in values else self._defaults.get(name))

    _defaults: dict = {}

    def __eq__(self, other):
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"


def _filters(filters):
    if filters is None:
        from xatrack.queries import Filters

        return Filters()
    return filters


def open_tracker(root: str | Path | Loaded | None = None, *, item: str | None = None, warn: Warn | None = None,
                 lazy: bool = False) -> Loaded:
    """The tracker to work on: ``root`` as is when already loaded, else ``load.load``."""
    if isinstance(root, Loaded):
        return root
    return load(root, item=item, warn=warn, lazy=lazy)


def warn_outside_year(loaded: Loaded, warn: Warn | None) -> None:
    """A writing command with the clock outside the plan year (and outside the first quarter after it,
    when Q4 is collected): one line, since what it writes goes to the plan year's quarters."""
    from xatrack.clock import today

    year = loaded.plan.info.year if loaded.plan is not None else 0
    day = today()
    if warn is None or not year or year * 100 + 1 <= day.year * 100 + day.month <= (year + 1) * 100 + 3:
        return
    warn(f"提醒:今天({day.isoformat()})不在计划年度 {year} 年内,记录和报送表都按 {year} 年的季度计;请核对 --quarter、--date 或系统时间")


def heading(quarter, filters: Filters, what: str) -> str:
    """``二季度滞后及未报送事项 · 领导:洪声耀、陈浩``: the quarter, what, and the filters given."""
    parts = [f"{quarter.label}{what}"]
    for flag, name in (
        ("领导", "leader"),
        ("单位", "unit"),
        ("牵头", "lead"),
        ("行动", "action"),
        ("章节", "section"),
        ("状态", "status"),
        ("查找", "search"),
    ):
        if filters.values(name):
            parts.append(f"{flag}:{filters.shown(name)}")
    return " · ".join(parts)


# --------------------------------------------------------------------------- check


def check(root: str | Path | None = None) -> list[Problem]:
    """`xatrack check`: every problem of the tracker (errors and warnings), with file and line."""
    from xatrack.checks import check_tracker

    return check_tracker(load(root, strict=False))


# --------------------------------------------------------------------------- queries


class Selection(_Value):
    """Evaluated items of one quarter (list, overdue): ``quarter``, ``statuses`` (evaluate.ItemStatus;
    with ``lines=True``, evaluate.ItemLine: what a table line shows, quicker on a big tracker), the
    ``title`` that names the selection, and for overdue --by the ``groups`` ((leader or unit,
    statuses), biggest first; None otherwise)."""

    __slots__ = ("quarter", "statuses", "title", "groups", "pending")


def _evaluate_selected(loaded: Loaded, filters: Filters, quarter: str | None, states=None, lines: bool = False):
    return loaded.evaluate_selected(filters, quarter, states, lines=lines)


def list_items(root=None, *, filters: Filters | None = None, quarter: str | None = None, warn: Warn | None = None,
               lines: bool = False) -> Selection:
    """`xatrack list`: the selected items of the quarter (default: the one being reported), in plan order;
    ``lines``: as evaluate.ItemLine (the table), not whole statuses."""
    loaded = open_tracker(root, warn=warn, lazy=True)
    filters = _filters(filters)
    q, statuses = _evaluate_selected(loaded, filters, quarter, lines=lines)
    return Selection(q, statuses, heading(q, filters, ""))


def check_grouping(by: str | None) -> str | None:
    """--by's value: leader or unit (None when not given); rollup.check_grouping."""
    from xatrack.rollup import check_grouping as check

    return check(by)


def overdue(root=None, *, filters: Filters | None = None, quarter: str | None = None, by: str | None = None,
            warn: Warn | None = None, lines: bool = False) -> Selection:
    """`xatrack overdue`: the selected items behind pace, seriously behind or not reported, worst first;
    with ``by`` (leader/unit) also grouped; ``lines``: as evaluate.ItemLine (the table)."""
    from xatrack.evaluate import sort_worst_first
    from xatrack.model import BEHIND, MISSING, PENDING, SEVERE

    grouping = check_grouping(by)
    loaded = open_tracker(root, warn=warn, lazy=True)
    filters = _filters(filters)
    unit = _one_unit(loaded, filters)
    if unit is None:
        q, selected = _evaluate_selected(loaded, filters, quarter, (SEVERE, BEHIND, MISSING, PENDING), lines=lines)
    else:
        # One unit asks what it owes: an item its co-lead reported is still 未报送 for it (issue 24).
        q, selected = _evaluate_selected(loaded, filters, quarter)
        selected = [_as_owed_by(s, unit) for s in selected]
    statuses = sort_worst_first([s for s in selected if s.state in (SEVERE, BEHIND, MISSING)])
    if unit is not None and lines:
        from xatrack.evaluate import item_line

        statuses = [item_line(s) for s in statuses]
    still = sum(1 for s in selected if s.state == PENDING)
    # Before the deadline nothing unreported is late: say when it is and how much is still to come.
    pending = (loaded.deadline(q), still) if still else None
    from xatrack.rollup import group

    groups = group(statuses, grouping, loaded.directory, lines=lines) if grouping else None
    return Selection(q, statuses, heading(q, filters, "滞后及未报送事项"), groups, pending)


def _one_unit(loaded: Loaded, filters: Filters) -> str | None:
    """The lead unit a `--unit X` or `--lead X` filter names, when it names exactly one."""
    given = filters.values("unit") + filters.values("lead")
    if len(given) != 1:
        return None
    from xatrack.queries import all_units

    try:
        found = loaded.directory.unit_query(given[0], all_units(loaded.plan))
    except XatrackError:
        return None  # the selection says what is wrong
    return None if found.is_group else found.name


def _as_owed_by(status, unit: str):
    """The item as ``unit`` stands on it: 未报送 when its own report is missing, whatever its co-leads did."""
    from dataclasses import replace

    from xatrack.model import BEHIND, MISSING, SEVERE

    own = status.unit_report(unit)
    if own is None or not own.owes or status.state in (MISSING, SEVERE, BEHIND):
        return status
    return replace(status, state=MISSING, reason=f"本单位未报送(事项状态:{status.label};{status.reason})")


class Rollup(_Value):
    """Counts per leader or per unit (leaders, units): ``quarter``, ``rows`` (rollup.Row), ``title``."""

    __slots__ = ("quarter", "rows", "title")


def leaders(root=None, *, filters: Filters | None = None, quarter: str | None = None, warn: Warn | None = None) -> Rollup:
    """`xatrack leaders`: per responsible leader, the selected items and how many are in each state."""
    from xatrack.rollup import by_leader

    loaded = open_tracker(root, warn=warn, lazy=True)
    filters = _filters(filters)
    q, statuses = _evaluate_selected(loaded, filters, quarter)
    return Rollup(q, by_leader(statuses, loaded.directory), heading(q, filters, "各责任领导事项"))


def units(root=None, *, filters: Filters | None = None, quarter: str | None = None, lead_only: bool = False,
          warn: Warn | None = None) -> Rollup:
    """`xatrack units`: per unit (lead or responsible, groups such as 各乡镇办场 included), the
    selected items and how many are in each state."""
    from xatrack.queries import all_units
    from xatrack.rollup import by_unit

    loaded = open_tracker(root, warn=warn)
    filters = _filters(filters)
    q, statuses = _evaluate_selected(loaded, filters, quarter)
    rows = by_unit(statuses, loaded.directory, all_units(loaded.plan), lead_only=lead_only)
    return Rollup(q, rows, heading(q, filters, "各单位事项"))


class Shown(_Value):
    """`xatrack show`: the ``item``, the ``plan``, its status in each quarter (``per_quarter``),
    its ``history`` and its ``findings`` (([(finding, state, item)], short ids))."""

    __slots__ = ("item", "plan", "per_quarter", "history", "findings")


def show(root=None, *, item_id: str, today: date | None = None, warn: Warn | None = None) -> Shown:
    from xatrack.clock import today as clock_today
    from xatrack.evaluate import evaluate
    from xatrack.findings import short_ids
    from xatrack.history import item_history
    from xatrack.model import Quarter
    from xatrack.recording import find_item

    loaded = open_tracker(root, warn=warn)
    plan = loaded.plan
    item = find_item(plan, item_id)
    year = plan.info.year
    per_quarter = [
        evaluate(plan, loaded.entries, Quarter(year, q), [item], roles=loaded.roles, findings=loaded.findings,
                 as_of=loaded.moment)[0]
        for q in range(1, 5)
    ]
    history = item_history(item, loaded.entries, loaded.roles, plan.settings)
    day = today or clock_today(_zone(loaded))
    mine = sorted((f for f in loaded.findings if f.item == item.id), key=lambda f: (f.day, f.fid))
    findings = ([(f, f.status(day), item) for f in mine], short_ids(f.fid for f in loaded.findings))
    return Shown(item, plan, per_quarter, history, findings)


# --------------------------------------------------------------------------- recording


class Recorded(_Value):
    """An entry appended (update, retract): ``recorded`` (recording.Recorded: item, metric,
    quarter, record, warnings), the log's ``path`` and ``display`` (relative to the tracker),
    the item's ``status`` in the quarter after the append (None when the logs cannot be read
    now: ``status_error`` says why; the entry is recorded all the same), ``contribution``
    (recorded by a responsible, not lead, unit: a part, not the figure), ``target`` (retract:
    the entry withdrawn) and ``warnings``."""

    __slots__ = ("recorded", "path", "display", "status", "status_error", "contribution", "target", "warnings")
    _defaults = {"contribution": False}


def acting(loaded: Loaded, default_by: str = ""):
    """Who is acting (recording.Actor): the account of ``git config user.email`` in the tracker's
    repository when units.yaml registers it (a unit, or the office ``"*"``), else ``default_by``
    ($XATRACK_USER or the system user: a unit when it names one, else unknown)."""
    from xatrack.recording import Actor

    directory = loaded.directory
    name = (default_by or "").strip()
    account = _git_account(loaded.root)
    if account is not None:
        email, role = account
        return Actor(name=email, office=True) if role == "*" else Actor(name=email, unit=role)
    if name and directory is not None and directory.knows_unit(name):
        return Actor(name=name, unit=directory.canonical_unit(name))
    return Actor(name=name)


def _git_account(root: Path):
    """(e-mail, unit or "*") of the git account configured for the tracker's repository when
    units.yaml's accounts: registers it; None otherwise (no accounts, no git, no such account)."""
    try:
        data = (root / "units.yaml").read_bytes()
    except OSError:
        return None
    if b"accounts:" not in data:
        return None
    folder = root.resolve()
    if not any((place / ".git").exists() for place in (folder, *folder.parents)):
        return None
    from xatrack.audit import parse_units_text
    from xatrack.gitlog import GitError, git

    try:
        email = git(["config", "--get", "user.email"], cwd=root, check=False).decode("utf-8", "replace").strip()
    except GitError:
        return None
    if not email:
        return None
    accounts, _ = parse_units_text(data.decode("utf-8", "replace"))
    role = accounts.role(email)
    return (email.lower(), role) if role else None


def update(root=None, *, item_id: str, done: str | None = None, metric: str | None = None, status: str | None = None,
           note: str | None = None, quarter: str | None = None, day: str | None = None, by: str | None = None,
           evidence: list[str] | None = None, now: datetime | None = None, default_by: str = "",
           warn: Warn | None = None, confirm: bool = False) -> Recorded:
    """`xatrack update`: append one report of an item's progress; returns it with the item's status after.
    A status 已完成 that the item's figures do not bear out is refused unless ``confirm`` (with a note)."""
    from xatrack.clock import now as clock_now
    from xatrack.recording import Submission, build_record

    loaded = open_tracker(root, item=item_id, warn=warn)  # an append needs neither the whole log nor the whole plan
    warn_outside_year(loaded, warn)
    report = Submission(item_id=item_id, done=done, metric=metric, status=status, note=note, quarter=quarter, day=day, by=by)
    moment = now or clock_now(_zone(loaded))
    recorded = build_record(
        loaded.plan, report, today=moment.date(), now=moment, default_by=default_by, directory=loaded.directory,
        actor=acting(loaded, default_by),
    )
    _check_claim(loaded, recorded, confirm)
    _attach_evidence(loaded, recorded, evidence or [])
    path = loaded.tracker.append(recorded.quarter, recorded.record)
    return _after_append(loaded, recorded, path)


def _check_claim(loaded: Loaded, recorded, confirm: bool) -> None:
    """已完成 must agree with the figures: judged with this entry in, a status
    already完成 with a figure short of its target is refused (issue 25), unless
    the unit confirms it with a reason; then it is recorded and listed under 请核实."""
    from xatrack.evaluate import evaluate
    from xatrack.logfile import entry_from_record
    from xatrack.model import DONE

    record = recorded.record
    if record.get("status") != DONE or not recorded.item.metrics:
        return
    if confirm:
        if not record.get("note"):
            raise InputError("--confirm 须同时用 --note 说明为什么数字未达目标仍报已完成,未写入任何内容")
        return
    entry, _ = entry_from_record(dict(record), recorded.quarter, "", 0, 1 << 30)
    if entry is None:
        return
    # judged on the reporting unit's own figures: a co-lead's claim is about what it reports
    own = [e for e in loaded.item_entries(recorded.item.id, until=recorded.quarter.q) if e.by == entry.by]
    status = evaluate(loaded.plan, own + [entry], recorded.quarter, [recorded.item], roles=loaded.roles)[0]
    if status.claim:
        raise InputError(f"{status.claim},不能报送为已完成:请报送达到目标的数字;确属已完成的,"
                         f"加 --confirm 并用 --note 说明原因(列入通报的请核实),未写入任何内容")


def retract(root=None, *, item_id: str, metric: str | None = None, quarter: str | None = None, by: str | None = None,
            note: str | None = None, now: datetime | None = None, default_by: str = "", warn: Warn | None = None) -> Recorded:
    """`xatrack retract`: append a withdrawal of the reporter's latest entry for the item (and metric) in the quarter."""
    from xatrack.clock import now as clock_now
    from xatrack.recording import build_retraction

    loaded = open_tracker(root, item=item_id, warn=warn)
    warn_outside_year(loaded, warn)
    moment = now or clock_now(_zone(loaded))
    item = loaded.plan.get(item_id)
    entries = loaded.item_entries(item.id) if item is not None else []
    recorded, target = build_retraction(
        loaded.plan, entries, item_id, metric=metric, quarter=quarter, by=by, note=note,
        today=moment.date(), now=moment, default_by=default_by, directory=loaded.directory,
        actor=acting(loaded, default_by),
    )
    path = loaded.tracker.append(recorded.quarter, recorded.record)
    done = _after_append(loaded, recorded, path)
    done.target = target
    return done


def _attach_evidence(loaded: Loaded, recorded, files: list[str]) -> None:
    """Check the files and settings.evidence_required, store the files, cite them in the record."""
    from xatrack.evidence import check_sources, required_reason, requirement_message, store_all

    sources = check_sources(files)
    reason = required_reason(loaded.plan.settings, recorded.metric, recorded.record, recorded.quarter)
    if reason is not None and not sources:
        raise InputError(requirement_message(reason))
    if sources:
        refs = store_all(loaded.tracker.root, loaded.plan.info.year, sources)
        recorded.record["evidence"] = [ref.as_record() for ref in refs]
        recorded.record["at"] = recorded.record.pop("at")  # keep "at" last, as in every entry


def _after_append(loaded: Loaded, recorded, path: Path) -> Recorded:
    """The item's status once the entry is in (only the item's lines are read)."""
    from xatrack.evaluate import evaluate, follows_of
    from xatrack.model import RELATIVE

    item = recorded.item
    done = Recorded(recorded, path, loaded.tracker.display(path), warnings=list(recorded.warnings))
    plan = loaded.plan
    try:  # the entry is recorded: a log that cannot be read now must not turn that into a failure
        if any(m.kind == RELATIVE for m in item.metrics):
            from xatrack import reading

            plan = reading.plan(loaded.tracker)  # G7 follows G1's growth: the whole plan knows G1
        until = recorded.quarter.q
        entries = loaded.item_entries(item.id, until=until)
        for other in follows_of(plan, [item]):
            entries += loaded.item_entries(other, until=until)
    except XatrackError as error:
        done.status_error = error.message
        return done
    done.status = evaluate(plan, entries, recorded.quarter, [item], roles=loaded.roles, findings=loaded.findings)[0]
    done.contribution = loaded.roles.is_contribution(item, recorded.record.get("by", ""))
    return done


# --------------------------------------------------------------------------- import


class Imported(_Value):
    """`xatrack import`: the importer's ``result`` (plan, warnings, format, layout), the registry
    ``text`` (tasks.yaml as it would be written), the ``overrides`` file applied (None: none), the
    file ``written`` (tasks.yaml, or the review page; None when nothing was written) and the
    ``changes`` against the registry written over or given with ``onto`` (None: there was none)."""

    __slots__ = ("result", "text", "overrides", "written", "changes")


def import_plan(plan_file: Path, overrides: Path | None = None, *, output: Path | None = None, strict: bool = False,
                review: bool = False, warn: Warn | None = None, onto: Path | None = None, force: bool = False,
                first_unit_lead: bool = False) -> Imported:
    """`xatrack import`: read an official plan with its overrides (the ``<name>.overrides.yaml``
    beside it when ``overrides`` is None), or a 分解表 written by ``plan export``, into a registry.
    ``warn`` gets each line the importer could not read (``file:place: 警告: …``). A plan without any
    item is refused; so is one with unread lines when ``strict``. With ``output`` the registry is
    written there; with ``review`` nothing is, except the review page when ``output`` is an .html file.

    Over an existing registry (``output``, or ``onto`` for a review) the current ``settings`` are kept
    and the differences are listed (``changes``); a write that would change anything is refused
    unless ``force``, and with ``force`` each change still goes to ``warn`` when progress exists.
    ``first_unit_lead``: an item without a lead unit takes its first responsible unit (marked inferred)."""
    from xatrack.safefs import write_output  # as every -o: a symlink's target, a device as is
    from xatrack.setup import build_registry, default_overrides, has_progress, onto_current

    if overrides is None and plan_file.suffix.lower() != ".xlsx":
        overrides = default_overrides(plan_file)
    result, text = build_registry(plan_file, overrides, first_unit_lead=first_unit_lead)
    for warning in result.warnings:
        if warn is not None:
            warn(f"{plan_file}:{warning.place or warning.line}: 警告: {warning.message}")
    if not result.plan.items:
        raise InputError(
            f"{plan_file}({result.source_format})中没有识别出任何目标或任务,未写入;"
            "请确认编号条目(1. / (一))或表格表头(序号、任务、牵头单位…)"
        )
    if onto is not None and not Path(onto).is_file():
        raise InputError(f"--onto 指定的任务清单 {onto} 不存在")
    current = onto if onto is not None else (output if not review else None)
    changes = None
    if current is not None:
        text, changes = onto_current(text, Path(current))
    if review:
        if output is None or output.suffix.lower() not in (".html", ".htm"):
            return Imported(result, text, overrides, None, changes)
        from xatrack.importer.review import render_review_html

        write_output(output, render_review_html(result, str(plan_file)))
        return Imported(result, text, overrides, output, changes)
    if strict and result.warnings:
        raise InputError(f"{plan_file} 有 {len(result.warnings)} 处无法识别(--strict),未写入 {output or 'tasks.yaml'}")
    if output is not None and changes:
        progress = has_progress(Path(output).resolve().parent)
        if warn is not None and (progress or not force):
            for change in changes:
                warn(f"{output}: 将改变: {change}")
        if not force:
            held = ",且跟踪目录已有进度记录" if progress else ""
            raise InputError(
                f"{output} 与导入结果有 {len(changes)} 处不同(见上){held},未覆盖;"
                f"核对无误后加 --force 覆盖,或先用 --review --onto {output} 查看"
            )
    if output is not None:
        write_output(output, text)
    return Imported(result, text, overrides, output, changes)


class PlanDocument(_Value):
    """`xatrack plan`: the plan as the office issues it: ``text`` (Markdown, when not written to a
    file), the file ``written`` (None: printed) and how many ``items``."""

    __slots__ = ("text", "written", "items")


def _keep_edits(output: Path | None, force: bool, root) -> None:
    """Refuse to write over a 分解表/分解方案 holding edits not yet imported (unless ``force``), and over
    the tracker's own files or a file xatrack did not make."""
    from xatrack.safefs import check_output
    from xatrack.setup import unimported_changes

    if output is None:
        return
    check_output(Path(output), "-o", [Path(root)] if isinstance(root, (str, Path)) else [], force)
    if not force:
        changes = unimported_changes(Path(output))
        if changes:
            raise InputError(f"{output} 中有 {len(changes)} 处改动还没有导入(如 {changes[0]}),未覆盖;"
                             f"先 xatrack import {output} --review --onto tasks.yaml,或换文件名,或加 --force")


def plan_document(root=None, *, format: str | None = None, output: Path | None = None, warn: Warn | None = None,
                  force: bool = False) -> PlanDocument:
    """`xatrack plan --format docx|md`: the 分解方案 (title, targets, actions with their sections,
    numbered tasks with their assignment) in the GB/T 9704 layout of the 通报 (docx) or Markdown.
    The document carries its registry: ``import`` reads it back into the same tasks.yaml."""
    from xatrack.importer.embedded import docvar_chunks, markdown_comment
    from xatrack.safefs import write_output
    from xatrack.views.plan_text import render_plan_markdown

    if format is None:
        format = "docx" if output is not None and Path(output).suffix.lower() == ".docx" else "md"
    if format not in ("docx", "md"):
        raise InputError(f"--format 应为 docx 或 md,而不是 {format}")
    if format == "docx" and output is None:
        raise InputError("Word 文档请用 -o 指定文件,如 -o 分解方案.docx")
    loaded = open_tracker(root, warn=warn)
    _keep_edits(output, force, loaded.root)
    text = loaded.tracker.registry_path.read_text(encoding="utf-8")
    plan = loaded.plan
    if format == "docx":
        from xatrack.views.plan_docx import render_plan_docx

        write_output(Path(output), render_plan_docx(plan, docvar_chunks(text)))
        return PlanDocument("", Path(output), len(plan.items))
    markdown = render_plan_markdown(plan) + "\n" + markdown_comment(text)
    if output is None:
        return PlanDocument(render_plan_markdown(plan), None, len(plan.items))
    write_output(Path(output), markdown)
    return PlanDocument("", Path(output), len(plan.items))


class PlanExported(_Value):
    """`xatrack plan export`: the workbook ``written`` and how many ``items`` and ``rows`` it has."""

    __slots__ = ("written", "items", "rows")


def plan_export(root=None, *, output: Path, warn: Warn | None = None, force: bool = False) -> PlanExported:
    """`xatrack plan export`: the registry as the 分解表 offices fill in (.xlsx), with drop-downs of
    units.yaml's units and leaders; ``import`` reads it back (unchanged cells: the same tasks.yaml)."""
    from xatrack.io.plan_xlsx import plan_workbook_bytes
    from xatrack.safefs import write_output

    if Path(output).suffix.lower() != ".xlsx":
        raise InputError(f"plan export 写出 Excel 工作簿,-o 应为 .xlsx 文件,而不是 {output}")
    loaded = open_tracker(root, warn=warn)
    _keep_edits(Path(output), force, loaded.root)
    text = loaded.tracker.registry_path.read_text(encoding="utf-8")
    directory = loaded.directory
    units = list(dict.fromkeys([unit.name for unit in directory.units] + [n for i in loaded.plan.items for n in i.lead + i.units]))
    leaders = list(dict.fromkeys([leader.name for leader in directory.leaders] + [n for i in loaded.plan.items for n in i.leaders]))
    data = plan_workbook_bytes(loaded.plan, text, units, leaders)
    write_output(Path(output), data)
    rows = sum(max(1, len(item.metrics)) for item in loaded.plan.items)
    return PlanExported(Path(output), len(loaded.plan.items), rows)


# --------------------------------------------------------------------------- report


class Made(_Value):
    """`xatrack report`: the bulletin as one value (``report``: report.Report), its ``quarter``,
    the plan's ``settings`` (the docx layout reads settings.bulletin), the ``moment`` (--as-of,
    or the publishing time), and when published the file (``published``, as the user reads it)
    and the newest earlier bulletin, left as it was, on --force (``kept``); ``issue``: its 期号 (--issue,
    else the one it was published under, else settings.bulletin.issue, else the next after this year's)."""

    __slots__ = ("report", "quarter", "settings", "moment", "published", "kept", "issue")


def _report_moment(as_of: str | None, publish: bool, loaded: Loaded | None = None):
    """--as-of as a time in the plan's zone (None without it). Called once before the
    tracker is read (``loaded`` None: a malformed value is refused first) and again with it."""
    from xatrack import bulletin

    if publish and as_of:
        raise InputError("--publish 记录的是此刻发布的通报,不能与 --as-of 同用")
    if not as_of:
        return None
    return bulletin.parse_as_of(as_of, _zone(loaded) if loaded is not None else None)


def report(root=None, *, filters: Filters | None = None, quarter: str | None = None, as_of: str | None = None,
           publish: bool = False, force: bool = False, now: datetime | None = None, today: date | None = None,
           warn: Warn | None = None, issue: str | None = None) -> Made:
    """`xatrack report`: the quarter's bulletin (report.build_report) over the selected items; with
    ``as_of`` only what had been recorded by then; ``publish`` records it in bulletins/ (``force``: again)."""
    from xatrack import bulletin
    from xatrack.clock import now as clock_now
    from xatrack.clock import today as clock_today
    from xatrack.report import build_report

    _report_moment(as_of, publish)
    loaded = open_tracker(root, warn=warn)
    moment = _report_moment(as_of, publish, loaded)
    filters = _filters(filters)
    selector = loaded.selector(filters)
    q = loaded.quarter(quarter)
    scope = heading(q, filters, "").split(" · ")[1:]
    if publish:
        moment = now or clock_now(_zone(loaded))
    if moment is not None:
        # What had been recorded by then, withdrawals included: every entry, filtered by `at`.
        entries = bulletin.recorded_by(loaded.entries, moment, _zone(loaded))
    else:
        # The decisive entries up to q suffice for q and the quarter before it (evaluate.decisive).
        entries = loaded.decisive_entries(q)
    previous = q.previous()
    root_path = loaded.root
    previous_published = bulletin.load_published(root_path, previous) if previous is not None else None
    if previous_published is not None and previous_published.get("scope") != scope:
        previous_published = None  # a bulletin of other items: compare with a fresh evaluation
    current_published = None
    if not publish and moment is None:
        current_published = bulletin.load_published(root_path, q)
        if current_published is not None and current_published.get("scope") != scope:
            current_published = None
    made = build_report(
        loaded.plan, loaded.directory, entries, q, selector=selector, scope=scope,
        as_of=moment if moment is not None else (today or clock_today(_zone(loaded))), roles=loaded.roles,
        previous_published=previous_published, current_published=current_published,
        findings=loaded.findings,
    )
    number = _issue(issue, loaded.plan.settings.bulletin.issue, current_published, lambda: bulletin.published_before(root_path, q),
                    publish)
    if not publish:
        return Made(made, q, loaded.plan.settings, moment, issue=number)
    path, kept = bulletin.publish(root_path, q, bulletin.record(made, moment, number), force)
    shown_kept = loaded.tracker.display(kept) if kept is not None else None
    return Made(made, q, loaded.plan.settings, moment, loaded.tracker.display(path), shown_kept, number)


def _issue(given: str | None, configured: str, current: dict | None, earlier, publish: bool) -> str:
    """The 期号: --issue; else the one this quarter's bulletin was published under (unless
    publishing it again); else settings.bulletin.issue; else the next after the year's published ones."""
    from xatrack.paperwork import issue_text, next_issue

    if given is not None and given.strip():
        return issue_text(given)
    if current is not None and not publish and current.get("issue"):
        return str(current["issue"])
    if configured:
        return configured
    return next_issue(earlier())


def annual(root=None, *, filters: Filters | None = None, quarter: str | None = None, as_of: str | None = None,
           publish: bool = False, before: Callable[[], None] | None = None, warn: Warn | None = None):
    """`xatrack report --year`: (the last quarter counted, annual.annual's result) for the selected items.
    A quarter whose bulletin was published (bulletins/, the same items; by --as-of when given) counts
    with the published ranks and counts, recomputation shown where it differs; others are computed.
    ``before``: a check run once the quarter is known (the CLI refuses formats there)."""
    from xatrack import bulletin
    from xatrack.annual import annual as assess

    _report_moment(as_of, publish)
    loaded = open_tracker(root, warn=warn)
    moment = _report_moment(as_of, publish, loaded)
    filters = _filters(filters)
    selector = loaded.selector(filters)
    q = loaded.quarter(quarter)
    if before is not None:
        before()
    entries = bulletin.recorded_by(loaded.entries, moment, _zone(loaded)) if moment is not None else loaded.entries
    published = _published_quarters(loaded.root, q, heading(q, filters, "").split(" · ")[1:], moment, _zone(loaded))
    result = assess(loaded.plan, loaded.directory, entries, q, selector, loaded.roles, published=published)
    if moment is not None:
        from dataclasses import replace

        result = replace(result, as_of=moment.strftime("%Y-%m-%d %H:%M"))
    return q, result


def _published_quarters(root: Path, upto, scope: list[str], moment: datetime | None, zone) -> dict:
    """{q: data} of the bulletins published for the quarters up to ``upto`` over the same
    items (scope), and by ``moment`` when one is given (--as-of)."""
    from xatrack import bulletin
    from xatrack.model import Quarter
    from xatrack.schedule import in_zone

    found = {}
    for q in range(1, upto.q + 1):
        data = bulletin.load_published(root, Quarter(upto.year, q))
        if data is None or data.get("scope") != scope:
            continue
        if moment is not None and in_zone(datetime.fromisoformat(data["published_at"]), zone) > moment:
            continue
        found[q] = data
    return found


# --------------------------------------------------------------------------- collection sheets


class Sheets(_Value):
    """`xatrack sheet`: the ``quarter``, the sheets ``written`` ((unit, path, items, rows) each),
    the ``folder`` (--all) and the units ``skipped`` ((unit, why): an already filled sheet)."""

    __slots__ = ("quarter", "written", "folder", "skipped")


def sheet(root=None, *, unit: str | None = None, every_unit: bool = False, quarter: str | None = None,
          output: str | None = None, all_roles: bool = False, force: bool = False, filters: Filters | None = None,
          now: datetime | None = None, warn: Warn | None = None) -> Sheets:
    """`xatrack sheet`: write the quarter's collection sheet (.xlsx) of one unit, or of every lead unit
    (``every_unit``, into the folder ``output``); only the items the filters keep. A sheet already
    filled in is not overwritten (unless ``force``): for one unit an InputError, with --all it is skipped."""
    import os

    from xatrack.clock import now as clock_now
    from xatrack.queries import all_units as plan_units
    from xatrack.sheet import SheetInfo, default_file_name, sheet_rows, sheet_units

    if every_unit and unit:
        raise InputError("--unit 和 --all 只能用一个:--unit 生成一个单位的报送表,--all 为每个单位各生成一个")
    if not every_unit and not unit:
        raise InputError("请用 --unit 指定单位(如 --unit 区科经局),或用 --all 为每个牵头单位各生成一个报送表")
    loaded = open_tracker(root, warn=warn)
    warn_outside_year(loaded, warn)
    filters = _filters(filters)
    plan, directory = loaded.plan, loaded.directory
    q = loaded.quarter(quarter)
    selector = loaded.selector(filters)
    generated = (now or clock_now(_zone(loaded))).isoformat(timespec="seconds")
    known = plan_units(plan)
    # "-o 报送表/" names a folder even before it exists
    as_folder = output is not None and output.endswith(("/", os.sep))
    target = Path(output) if output is not None else None

    from xatrack.schedule import deadline

    reply_by = deadline(q, plan.settings)
    office_contact = plan.settings.bulletin.contact

    def info_for(name: str) -> SheetInfo:
        found = directory.unit(name)  # 联络员 and 电话 when units.yaml gives them
        return SheetInfo(plan.info.title, plan.info.year, name, q, all_roles, generated,
                         contact=getattr(found, "contact", "") or "", phone=getattr(found, "phone", "") or "",
                         deadline=reply_by, office_contact=office_contact)

    def rows_of(query) -> list:
        return [r for r in sheet_rows(plan, directory, loaded.entries, query, q, all_roles) if selector.item_matches(r.item)]

    if not every_unit:
        query = directory.unit_query(unit, known)
        rows = rows_of(query)
        if not rows:
            hint = "" if all_roles else ";加 --all-roles 可列出其参与的事项"
            matching = "" if filters.empty else "符合筛选条件的"
            raise InputError(f"{query.name} 没有{matching}{'涉及' if all_roles else '牵头'}的事项,未生成报送表{hint}")
        path = target if target is not None else Path(default_file_name(query.name, q))
        if as_folder or path.is_dir():
            path = path / default_file_name(query.name, q)
        write_sheet_file(path, info_for(query.name), rows, force, loaded.root)
        return Sheets(q, [(query.name, path, len({r.item.id for r in rows}), len(rows))], None, [])

    folder = target if target is not None else Path(f"报送表-{q.year}Q{q.q}")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"-o {folder} 已存在且不是目录:用 --all 时 -o 应为目录")
    written, skipped = [], []  # one filled sheet must not stop the other units'
    for name in sheet_units(plan, directory, all_roles):
        rows = rows_of(directory.unit_query(name, known))
        if not rows:
            continue
        path = folder / default_file_name(name, q)
        try:
            write_sheet_file(path, info_for(name), rows, force, loaded.root)
        except InputError as error:
            skipped.append((name, error.message))
            continue
        written.append((name, path, len({r.item.id for r in rows}), len(rows)))
    if not written and not skipped:
        without = [item for item in plan.items if not item.lead]
        if not all_roles and len(without) == len(plan.items):
            raise InputError(f"任务清单中 {len(without)} 项都没有牵头单位,未写入任何报送表;请先补写牵头单位"
                             "(xatrack check 逐项列出;或 xatrack plan export 在分解表中补填),或加 --all-roles 按责任单位生成")
        matching = "符合筛选条件的" if not filters.empty else ""
        raise InputError(f"没有{matching}{'涉及单位' if all_roles else '有牵头单位'}的事项,未写入任何报送表")
    return Sheets(q, written, folder, skipped)


def write_sheet_file(path: Path, info, rows, force: bool, root: Path | None = None) -> None:
    """Write one collection sheet; refuses the tracker's own files, and a sheet already filled in
    (or a file that is not a sheet xatrack made) unless ``force``."""
    from xatrack.errors import DataError
    from xatrack.safefs import check_output, made_by_xatrack, regular_file
    from xatrack.io.sheet_xlsx import read_sheet, write_sheet

    check_output(path, "-o", [root] if root is not None else [], force)
    if regular_file(path) and not force:
        try:
            _, filled = read_sheet(path)
        except InputError:
            if not made_by_xatrack(path):
                raise InputError(f"{path} 已存在,但无法读取为 xatrack 生成的报送表,未覆盖;请改用其他文件名,或加 --force") from None
            filled = []
        done = sum(1 for r in filled if not r.blank)
        if done:
            raise InputError(f"{path} 已填写了 {done} 行,未覆盖;请先导入(xatrack ingest {path}),或改用其他文件名,或加 --force")
    try:
        write_sheet(path, info, rows)
    except DataError as error:
        raise InputError(error.message) from None
    except OSError as error:
        raise InputError(f"无法写入 {path}:{error.strerror or error}") from None


class Ingested(_Value):
    """`xatrack ingest`: ``skipped`` (files not read: Excel's ~$ owner files), ``sheets``
    ((path, info, sheet.Ingest) per file read, in order), ``evidence_rejected`` (rows whose
    佐证材料 could not be used: sheet.Rejection), ``accepted`` and ``rejected`` (counts over all
    files), ``written`` (False: nothing recorded because rows were rejected and not ``partial``),
    ``recorded`` (entries appended), ``same`` (rows already recorded), ``logs`` (the logs
    appended to, as the user reads them)."""

    __slots__ = ("skipped", "sheets", "evidence_rejected", "accepted", "rejected", "written", "recorded", "same", "logs",
                 "notes")
    # notes: per file read, the lines ingest says of it: on time or late (with the deadline), the
    # quarter's bulletin already published, lead units disagreeing, rows for items outside the unit.


def ingest(root=None, *, files: list[Path], by: str | None = None, partial: bool = False, day: str | None = None,
           evidence_dir: Path | None = None, now: datetime | None = None, warn: Warn | None = None,
           on_skip: Callable[[Path], None] | None = None, default_by: str = "") -> Ingested:
    """`xatrack ingest`: check every filled row of the sheets as `update` would and append them, one
    locked write per log; nothing when a row is refused (unless ``partial``: the others). Rows
    already recorded (the same file twice, a parallel ingest) are not recorded again."""
    from xatrack.clock import now as clock_now
    from xatrack.schedule import check_date_in_quarter, parse_date
    from xatrack.sheet import Ingest, check_filled, still_new
    from xatrack.store import append_entries, log_header
    from xatrack.io.sheet_xlsx import read_sheet

    if evidence_dir is not None and not evidence_dir.is_dir():
        raise InputError(f"--evidence-dir 的值\"{evidence_dir}\"不是目录")
    loaded = open_tracker(root, warn=warn)
    warn_outside_year(loaded, warn)
    plan = loaded.plan
    moment = now or clock_now(_zone(loaded))
    when = parse_date(day) if day else None
    skipped, read = [], []
    for path in files:
        if path.name.startswith("~$"):  # Excel/WPS owner file of a workbook left open (收回/*.xlsx picks it up)
            skipped.append(path)
            if on_skip is not None:
                on_skip(path)
            continue
        info, rows = read_sheet(path)
        if info.year != plan.info.year or info.quarter.year != plan.info.year or (info.plan_title and plan.info.title and info.plan_title != plan.info.title):
            raise InputError(
                f"{path} 是《{info.plan_title or '?'}》({info.year} 年)的报送表,"
                f"与当前跟踪目录的《{plan.info.title}》({plan.info.year} 年)不符,未导入任何内容"
            )
        if when is not None:
            try:
                check_date_in_quarter(when, info.quarter)
            except InputError as error:
                raise InputError(f"--date:{error.message}(报送表 {path} 是{info.quarter.label}的)") from None
        read.append((path, info, rows))

    total = Ingest()
    seen: dict = {}
    sheets = []
    actor = acting(loaded, default_by)
    for path, info, rows in read:
        reporter = (by or info.unit or "").strip()
        result = check_filled(
            plan, info, rows, loaded.entries, source=str(path), by=reporter, day=when, now=moment, today=moment.date(),
            seen=seen, directory=loaded.directory, actor=actor,
        )
        _refuse_denied_claims(loaded, result)
        sheets.append((path, info, result))
        total.extend(result)
    notes = [(path, _ingest_notes(loaded, info, result, moment)) for path, info, result in sheets]
    before = len(total.rejected)
    sources = _evidence_of(total, evidence_dir)
    evidence_rejected = total.rejected[before:]
    done = Ingested(skipped, sheets, evidence_rejected, len(total.accepted), len(total.rejected), False, 0, total.same, [],
                    notes)
    if total.rejected and not partial:
        return done

    from xatrack.evidence import store_all

    for accepted in total.accepted:
        found = sources.get(id(accepted))
        if found:
            refs = store_all(loaded.root, plan.info.year, found)
            record = accepted.recorded.record
            record["evidence"] = [ref.as_record() for ref in refs]
            record["at"] = record.pop("at")  # "at" stays last, as in every entry
    by_log: dict = {}
    for accepted in total.accepted:
        by_log.setdefault(accepted.recorded.quarter, []).append(accepted.recorded.record)
    dropped = 0
    for quarter, records in by_log.items():
        path = loaded.tracker.log_path(quarter)

        def keep(records, path=path, quarter=quarter):
            # Under the log's lock: what a parallel ingest recorded meanwhile is not recorded again.
            nonlocal dropped
            from xatrack.reading import read_log_file

            entries = read_log_file(loaded.tracker, path, quarter)[0] if path.is_file() else []
            kept = still_new(records, entries, quarter)
            dropped += len(records) - len(kept)
            return kept

        append_entries(path, records, header=log_header(quarter), root=loaded.root, keep=keep)  # one locked, fsynced append per log
    done.written = True
    done.recorded = len(total.accepted) - dropped
    done.same = total.same + dropped
    done.logs = [loaded.tracker.display(loaded.tracker.log_path(q)) for q in by_log]
    return done


def _row_entries(result) -> list:
    """The accepted rows of one sheet as entries (as they will be read back)."""
    from xatrack.logfile import entry_from_record

    entries = []
    for n, accepted in enumerate(result.accepted):
        entry, _ = entry_from_record(dict(accepted.recorded.record), accepted.recorded.quarter, "", 0, (1 << 30) + n)
        if entry is not None:
            entries.append(entry)
    return entries


def _refuse_denied_claims(loaded: Loaded, result) -> None:
    """A row saying 已完成 whose figures fall short of the target is refused, as `update` refuses it (issue 25)."""
    from xatrack.evaluate import evaluate
    from xatrack.model import DONE
    from xatrack.sheet import Rejection

    claimed = [a for a in result.accepted if a.recorded.record.get("status") == DONE and a.recorded.item.metrics]
    if not claimed:
        return
    new = _row_entries(result)
    for accepted in claimed:
        item = accepted.recorded.item
        by = accepted.recorded.record.get("by")
        # judged on the reporting unit's own figures: a co-lead's claim is about what it reports
        entries = [e for e in loaded.entries + new if e.item == item.id and e.by == by]
        status = evaluate(loaded.plan, entries, accepted.recorded.quarter, [item], roles=loaded.roles)[0]
        if status.claim:
            result.accepted.remove(accepted)
            result.rejected.append(Rejection(accepted.source, accepted.row, f"{status.claim},不能报送为已完成:请填达到目标的数字",
                                             item.id))


def _ingest_notes(loaded: Loaded, info, result, moment) -> list[str]:
    """What ingest says of one sheet beyond its count (issue 24): on time or late against the
    deadline, the quarter's bulletin already published, co-leads disagreeing, rows outside the unit."""
    from xatrack import bulletin
    from xatrack.evaluate import evaluate, fmt
    from xatrack.schedule import deadline, deadline_passed

    plan = loaded.plan
    quarter = info.quarter
    notes = []
    if result.accepted:
        day = deadline(quarter, plan.settings).isoformat()
        if deadline_passed(quarter, plan.settings, moment):
            notes.append(f"{quarter.label}报送截止日为 {day},本表在截止日后导入:首次报送的为逾期报送,"
                         "截止日前已报送过的为逾期更正")
        else:
            notes.append(f"{quarter.label}报送截止日为 {day},本表按时")
    try:
        published = bulletin.load_published(loaded.root, quarter)
    except XatrackError:
        published = None
    if published is not None and result.accepted:
        when = str(published.get("published_at", ""))[:16].replace("T", " ")
        notes.append(f"{quarter.label}通报已于 {when} 发布,已发布的通报不会改变;这些数字计入之后的统计(可用 report --as-of 重现已发布的)")
    new = _row_entries(result)
    ids = list(dict.fromkeys(e.item for e in new))
    items = [item for item in (plan.get(i) for i in ids) if item is not None]
    if items:
        entries = [e for e in loaded.entries if e.item in ids] + new
        for status in evaluate(plan, entries, quarter, items, roles=loaded.roles):
            for metric, values in status.disagreements:
                sent = "、".join(f"{unit} {fmt(value)}" for unit, value in values)
                notes.append(f"请核实:{status.item.id} {metric} 牵头单位报送不一致({sent}),以列第一位的牵头单位的为准")
            mine = {(e.by, e.metric, e.value) for e in new if e.item == status.item.id}
            for entry in status.outside:
                if (entry.by, entry.metric, entry.value) in mine:
                    notes.append(f"请核实:{entry.by} 不是 {status.item.id} 的牵头单位或责任单位,此行已记录但不作为事项的数字"
                                 f"(编号填错时用 xatrack retract {status.item.id} --by {entry.by} 撤回)")
    return notes


def _evidence_of(total, folder: Path | None) -> dict:
    """The files each accepted row names in its 佐证材料 column, checked (found in
    ``folder``, regular, within the size limit, not leading out of ``folder``).
    A row whose files cannot be used moves from accepted to rejected."""
    from xatrack.evidence import check_sources
    from xatrack.sheet import Rejection

    found: dict = {}
    kept = []
    for accepted in total.accepted:
        if not accepted.evidence:
            kept.append(accepted)
            continue
        names = "、".join(accepted.evidence)
        try:
            if folder is None:
                raise InputError(f"佐证材料列写了 {names},请用 --evidence-dir 指定材料所在目录")
            found[id(accepted)] = check_sources(accepted.evidence, "佐证材料", inside=folder)
        except InputError as error:
            total.rejected.append(Rejection(accepted.source, accepted.row, error.message))
            continue
        kept.append(accepted)
    total.accepted[:] = kept
    return found


# --------------------------------------------------------------------------- reminders


class Notices(_Value):
    """`xatrack remind`: the ``quarter``, the ``units`` asked for (None: every lead unit) and the
    ``notices`` (remind.Notice, one per lead unit that owes the office something)."""

    __slots__ = ("quarter", "units", "notices", "pending")


def remind(root=None, *, quarter: str | None = None, unit: str | None = None, filters: Filters | None = None,
           today: date | None = None, warn: Warn | None = None) -> Notices:
    """`xatrack remind`: a 催办单 for each lead unit (or ``unit``) with items unreported (partly
    included), seriously behind or reported late, among the items the filters keep."""
    from xatrack.clock import today as clock_today
    from xatrack.evaluate import evaluate
    from xatrack.queries import all_units
    from xatrack.remind import build_notices
    from xatrack.rollup import leads_of

    loaded = open_tracker(root, warn=warn)
    filters = _filters(filters)
    q = loaded.quarter(quarter)
    plan = loaded.plan
    units = [loaded.directory.unit_query(unit, all_units(plan)).name] if unit else None
    findings = loaded.findings
    selector = loaded.selector(filters)
    entries = loaded.decisive_entries(q)  # enough for q and the quarter before it (evaluate.decisive)
    statuses = selector.select(
        evaluate(plan, entries, q, selector.items(plan), roles=loaded.roles, findings=findings, as_of=today or loaded.moment)
    )
    previous = q.previous()
    # 连续未报送, the bulletin's rule (report._reminders): the same unit owed the same item the quarter before too.
    owed_before = set()
    if previous is not None:
        for s in evaluate(plan, entries, previous, [s.item for s in statuses], roles=loaded.roles, findings=findings):
            owed_before.update((name, s.item.id) for name in leads_of(s.item, loaded.directory) if s.owed_by(name))
    notices = build_notices(
        statuses, loaded.directory, plan.settings, q, today or clock_today(_zone(loaded)), plan.info.title, units,
        findings=findings, owed_before=owed_before,
    )
    from xatrack.model import PENDING, UNIT_PENDING

    still = sum(1 for s in statuses if s.state == PENDING or any(u.state == UNIT_PENDING for u in s.units))
    return Notices(q, units, notices, (loaded.deadline(q), still) if still else None)


# --------------------------------------------------------------------------- findings


def load_findings(loaded: Loaded) -> dict:
    """The plan year's findings by full id. A damaged line costs that line (a warning, as with
    the logs); a file that cannot be read at all raises DataError."""
    from xatrack.errors import DataError
    from xatrack.findings_log import load as read_findings

    found, problems = read_findings(loaded.root, loaded.plan.info.year)
    whole = [p for p in problems if p.severity == "error" and p.line is None]
    if whole:
        raise DataError(str(whole[0]))
    if problems:
        loaded.problems.extend(problems)
        loaded.warn(f"警告:督查发现记录中有 {len(problems)} 处问题,相关条目已忽略(首个:{problems[0]});运行 xatrack check 查看")
    loaded._findings = list(found.values())
    return found


class FindingRows(_Value):
    """`xatrack finding list`: ``rows`` ((finding, state today, item or None), overdue first),
    the ``short`` ids to show (findings.short_ids) and the ``day`` the states are for."""

    __slots__ = ("rows", "short", "day")


_FINDING_ORDER = {"逾期未整改": 0, "未整改": 1, "整改中": 2, "已销号": 3}


def findings(root=None, *, filters: Filters | None = None, status: str | None = None, quarter: str | None = None,
             item_id: str | None = None, today: date | None = None, warn: Warn | None = None) -> FindingRows:
    """`xatrack finding list`: the findings kept by ``status`` (findings.parse_status_filter), the
    ``quarter`` they were found in, one item, the unit inspected (``filters.unit``) and the
    filters on the item they concern (the others)."""
    from dataclasses import replace

    from xatrack.clock import today as clock_today
    from xatrack.findings import parse_status_filter, short_ids
    from xatrack.queries import all_units
    from xatrack.recording import find_item

    loaded = open_tracker(root, warn=warn)
    filters = _filters(filters)
    found = load_findings(loaded)
    day = today or clock_today(_zone(loaded))
    states = parse_status_filter(status) if status else None
    q = loaded.quarter(quarter) if quarter else None
    item = find_item(loaded.plan, item_id) if item_id else None
    directory = loaded.directory
    unit_queries = []
    for unit in filters.values("unit"):
        try:
            unit_queries.append(directory.unit_query(unit, all_units(loaded.plan)))
        except InputError as error:
            raise InputError(f"--unit:{error.message}") from None
    about_items = replace(filters, unit=None)
    selector = None if about_items.empty else loaded.selector(about_items)
    rows = []
    for finding in found.values():
        subject = loaded.plan.get(finding.item) if finding.item else None
        if item is not None and finding.item != item.id:
            continue
        if unit_queries and not any(query.matches((finding.unit,)) for query in unit_queries):
            continue
        if selector is not None and (subject is None or not selector.item_matches(subject)):
            continue
        if q is not None and not q.contains(finding.day):
            continue
        state = finding.status(day)
        if states is not None and state not in states:
            continue
        rows.append((finding, state, subject))
    rows.sort(key=lambda r: (_FINDING_ORDER[r[1]], r[0].due, r[0].day, r[0].fid))
    return FindingRows(rows, short_ids(found), day)


# --------------------------------------------------------------------------- findings: recording


def _recorder(by: str | None, default_by: str) -> str:
    """--by, else ``default_by`` (the CLI passes $XATRACK_USER or the system user name)."""
    return (by or default_by or "").strip()


def _recorded_at(loaded: Loaded) -> str:
    """When a finding or its follow-up is recorded: the one clock (XATRACK_NOW) in the plan's zone, as for progress entries."""
    from xatrack.clock import now as clock_now

    return clock_now(_zone(loaded)).isoformat(timespec="seconds")


def _zone(loaded: Loaded):
    """The plan's time zone (settings.timezone): the clock's and every date's."""
    from xatrack.schedule import plan_zone

    return plan_zone(loaded.plan.settings)


def _finding_day(raw: str | None, year: int | None, today: date, clamp: bool) -> date:
    """--date, or today (a finding's own date, ``clamp``, is kept within the plan year)."""
    from xatrack.schedule import parse_date

    if raw:
        day = parse_date(raw)
        if day > today:
            raise InputError(f"--date 的值 {day.isoformat()} 晚于今天 {today.isoformat()}")
    else:
        day = today
        if clamp and year:
            day = min(max(day, date(year, 1, 1)), date(year, 12, 31))
    if clamp and year and day.year != year:
        raise InputError(f"--date 的值 {day.isoformat()} 不在计划年度 {year} 内")
    return day


def _finding_unit(loaded: Loaded, raw: str, item) -> str:
    """The canonical name of the unit inspected; with an item, one of its lead or responsible units."""
    from xatrack.queries import all_units

    try:
        query = loaded.directory.unit_query(raw, all_units(loaded.plan))
    except InputError as error:
        raise InputError(f"--unit:{error.message}") from None
    if item is not None and not query.matches(item.lead + item.units):
        names = "、".join(item.lead + item.units) or "(无)"
        raise InputError(f"--unit 的值\"{raw}\"不是任务 {item.id} 的牵头或责任单位({names})")
    return query.name


class FindingAdded(_Value):
    """`xatrack finding add`: the ``record`` appended (its ``fid`` included), the ``short`` id to
    show, the ``item`` (None: a finding about a unit only), the canonical ``unit``, the ``kind``,
    the ``due`` date, the file ``path`` and its ``display`` (relative to the tracker)."""

    __slots__ = ("record", "short", "item", "unit", "kind", "due", "path", "display")


def add_finding(root=None, *, item_id: str | None = None, unit: str | None = None, kind: str = "专项督查",
                text: str | None = None, due: str | None = None, day: str | None = None, by: str | None = None,
                at: str | None = None, today: date | None = None, default_by: str = "",
                warn: Warn | None = None) -> FindingAdded:
    """`xatrack finding add`: record an inspection finding about an item (``item_id``) or a unit, with
    its rectification deadline ``due``. ``unit`` defaults to the item's only lead unit; ``day`` (the
    date found, default today, within the plan year); ``at`` the time recorded (default the wall clock).
    The same finding twice (same content and time) is refused."""
    from xatrack.clock import today as clock_today
    from xatrack.findings import add_record, short_ids
    from xatrack.findings_log import append
    from xatrack.recording import find_item
    from xatrack.schedule import parse_date

    loaded = open_tracker(root, warn=warn)
    warn_outside_year(loaded, warn)
    actor = acting(loaded, default_by)
    if actor.unit:
        from xatrack.authority import FINDINGS, refusal

        raise InputError(f"{refusal(FINDINGS, 'add', f'{actor.name} 代表 {actor.unit}')},未写入任何内容")
    item = find_item(loaded.plan, item_id) if item_id is not None else None
    if text is None:
        raise InputError("缺少 --text:请写明发现的问题")
    if due is None:
        raise InputError("缺少 --due:请给出整改时限,如 --due 2025-08-15")
    if unit is None:
        if item is None:
            raise InputError("缺少 --unit:不涉及具体事项的问题须写明单位")
        if len(item.lead) != 1:
            raise InputError(f"任务 {item.id} 有 {len(item.lead)} 个牵头单位,请用 --unit 写明是哪个单位的问题")
        unit = item.lead[0]
    unit_name = _finding_unit(loaded, unit, item)
    year = loaded.plan.info.year
    found_on = _finding_day(day, year, today or clock_today(_zone(loaded)), clamp=True)
    deadline = parse_date(due, "--due")
    record = add_record(
        item=item.id if item else None, unit=unit_name, kind=kind.strip(), text=text, day=found_on, due=deadline,
        by=_recorder(by, default_by), at=at or _recorded_at(loaded),
    )
    existing = load_findings(loaded)
    if record["fid"] in existing:
        raise InputError("同一条督查发现已经记录过(内容和时间完全相同),未重复记录")
    path = append(loaded.root, year, record)
    shown = short_ids([*existing, record["fid"]])[record["fid"]]
    return FindingAdded(record, shown, item, unit_name, kind, deadline, path, loaded.tracker.display(path))


class FindingFollowedUp(_Value):
    """`xatrack finding update/close/reopen`: the ``finding`` (as it was before), the ``op``, the
    ``record`` appended, its ``short`` id, the ``day`` recorded, the evidence ``refs`` stored, the
    file ``path`` and its ``display``."""

    __slots__ = ("finding", "op", "record", "short", "day", "refs", "path", "display")


def _follow_up(op: str, root, finding_id: str, note: str | None, evidence: list[str] | None, day: str | None,
               by: str | None, at: str | None, today: date | None, default_by: str,
               warn: Warn | None) -> FindingFollowedUp:
    """Everything is checked before anything is written: evidence files, then the record; then the
    files are stored and the record appended."""
    from xatrack.clock import today as clock_today
    from xatrack.evidence import check_sources, store_all
    from xatrack.findings import EvidenceRef, follow_up_record, resolve, short_ids
    from xatrack.findings_log import append

    loaded = open_tracker(root, warn=warn)
    warn_outside_year(loaded, warn)
    found = load_findings(loaded)
    finding = resolve(found, finding_id)
    year = loaded.plan.info.year
    when = _finding_day(day, year, today or clock_today(_zone(loaded)), clamp=False)
    sources = check_sources(evidence or [])
    if op == "close" and not sources and not note:
        raise InputError("销号须有 --evidence(佐证材料)或 --note(说明)")
    recorder = _recorder(by, default_by)
    actor = acting(loaded, default_by)
    if actor.unit:
        from xatrack.authority import FINDINGS, refusal

        subject = loaded.directory.canonical_unit(finding.unit) if loaded.directory is not None and \
            loaded.directory.knows_unit(finding.unit) else finding.unit
        who = f"{actor.name} 代表 {actor.unit}"
        if op != "update":
            raise InputError(f"{refusal(FINDINGS, op, who)},未写入任何内容")
        if subject != actor.unit:
            raise InputError(f"{refusal(FINDINGS, 'update', who)}:该发现关于 {finding.unit},未写入任何内容")
        recorder = actor.unit
    # The record is validated (with the files' names for now) before any file is stored.
    planned = [EvidenceRef(s.name, s.size, "", "") for s in sources]
    follow_up_record(finding, op, note=note, day=when, by=recorder, at=at or _recorded_at(loaded), evidence=planned)
    refs = store_all(loaded.root, year, sources)
    record = follow_up_record(finding, op, note=note, day=when, by=recorder, at=at or _recorded_at(loaded), evidence=refs)
    if actor.name and actor.name != recorder:
        record["actor"] = actor.name
        record["at"] = record.pop("at")  # "at" last, as in every entry
    path = append(loaded.root, year, record)
    return FindingFollowedUp(finding, op, record, short_ids(found)[finding.fid], when, refs, path,
                             loaded.tracker.display(path))


def update_finding(root=None, *, finding_id: str, note: str | None = None, evidence: list[str] | None = None,
                   day: str | None = None, by: str | None = None, at: str | None = None, today: date | None = None,
                   default_by: str = "", warn: Warn | None = None) -> FindingFollowedUp:
    """`xatrack finding update`: record rectification progress (a ``note`` or ``evidence`` files) on an
    open finding (``finding_id``: its id or a unique prefix)."""
    return _follow_up("update", root, finding_id, note, evidence, day, by, at, today, default_by, warn)


def close_finding(root=None, *, finding_id: str, note: str | None = None, evidence: list[str] | None = None,
                  day: str | None = None, by: str | None = None, at: str | None = None, today: date | None = None,
                  default_by: str = "", warn: Warn | None = None) -> FindingFollowedUp:
    """`xatrack finding close`: close (销号) a finding on evidence files or, failing those, a note."""
    return _follow_up("close", root, finding_id, note, evidence, day, by, at, today, default_by, warn)


def reopen_finding(root=None, *, finding_id: str, note: str | None = None, day: str | None = None,
                   by: str | None = None, at: str | None = None, today: date | None = None,
                   default_by: str = "", warn: Warn | None = None) -> FindingFollowedUp:
    """`xatrack finding reopen`: reopen a closed finding; the ``note`` says why."""
    return _follow_up("reopen", root, finding_id, note, None, day, by, at, today, default_by, warn)


# --------------------------------------------------------------------------- new trackers


class Initialized(_Value):
    """`xatrack init`: the new tracker's ``folder``, the ``plan_file`` read, the ``plan`` made
    from it and the importer's ``warnings`` (lines it could not read)."""

    __slots__ = ("folder", "plan_file", "plan", "warnings")


def init_tracker(folder: Path, source: Path | None = None, *, year: int | None = None, title: str | None = None,
                 issuer: str | None = None, first_unit_lead: bool = False) -> Initialized:
    """`xatrack init`: a new tracker in ``folder`` (tasks.yaml, units.yaml, progress/, .gitattributes,
    .gitignore, README.md) from the official plan ``source`` (default: the bundled 2025 plan);
    ``year``, ``title`` and ``issuer`` set what the document does not say clearly.
    A folder that already holds a tasks.yaml is refused; so is a plan whose year is unknown."""
    from xatrack.setup import init_tracker as make

    plan_file, result = make(Path(folder), Path(source) if source is not None else None, year=year, title=title,
                             issuer=issuer, first_unit_lead=first_unit_lead)
    return Initialized(Path(folder), plan_file, result.plan, list(result.warnings))


# --------------------------------------------------------------------------- git: audit and the hook


class Audited(_Value):
    """`xatrack audit`: the ``violations`` found (audit.Violation, errors and warnings), the number of
    ``commits`` checked, the ``accounts`` (units.yaml's accounts at the revision checked: ``present``
    False when it has none) and the ``seconds`` it took; ``errors`` and ``warnings`` split the violations."""

    __slots__ = ("violations", "commits", "accounts", "seconds")

    @property
    def errors(self) -> list:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def warnings(self) -> list:
        return [v for v in self.violations if v.severity != "error"]


def _git_prefix(folder: Path) -> str:
    """The tracker's directory inside its repository ("" or "sub/dir/")."""
    from xatrack.errors import DataError
    from xatrack.gitlog import GitError, git

    try:
        inside = git(["rev-parse", "--is-inside-work-tree"], cwd=folder).strip()
    except GitError:
        inside = b""
    if inside != b"true":
        raise DataError(f"跟踪目录 {folder} 不在 git 仓库中:audit 检查的是 git 历史")
    return git(["rev-parse", "--show-prefix"], cwd=folder).decode("utf-8").strip()


def audit(root: str | Path | None = None, *, rev: str = "HEAD", strict: bool = False, signed: bool = False) -> Audited:
    """`xatrack audit`: check the git history up to ``rev``: progress/ and findings/ only appended, each
    line's ``by`` a unit the committer's account stands for; bulletins/ and evidence/ written once;
    tasks.yaml, units.yaml… changed by the office only. ``strict``: a committer without an account is an
    error (else a warning); ``signed``: every commit must carry a good signature."""
    import time

    from xatrack.errors import DataError
    from xatrack.gitlog import GitError, audit_history
    from xatrack.store import find_root

    if rev.startswith("-"):
        raise InputError(f'--rev "{rev[:40]}" 不能以 - 开头:应为提交、分支或标签的名称')
    folder = find_root(root)
    prefix = _git_prefix(folder)
    started = time.perf_counter()
    try:
        violations, count, tip = audit_history(folder, rev, prefix, strict=strict, signed=signed)
    except GitError as error:
        if "unknown revision" in error.message or "bad revision" in error.message or "ambiguous" in error.message:
            raise InputError(f'--rev "{rev}" 不是这个仓库中的提交或分支') from None
        raise DataError(error.message) from None
    return Audited(violations, count, tip, time.perf_counter() - started)


def githook_install(hub: Path, *, python: str = "/usr/bin/env python3", force: bool = False,
                    signed: bool = False) -> Path:
    """`xatrack githook install`: the pre-receive hook written into the bare repository ``hub``
    (refused, DataError, when ``hub`` is not a bare xatrack repository with an office account, or
    holds another hook and not ``force``). Returns the hook's path."""
    from xatrack.errors import DataError
    from xatrack.githook import InstallError, install

    try:
        return install(Path(hub), python=python, force=force, signed=signed)
    except InstallError as error:
        raise DataError(error.message) from None


def githook_script(output: Path | None = None, *, python: str = "/usr/bin/env python3", signed: bool = False) -> str:
    """`xatrack githook script`: the hook's text (for Gitea, GitLab… which take a script); with
    ``output``, also written there as every -o is (safefs.write_output: a symlink's target, a
    device as is); a tracker's own file (tasks.yaml, a log…) is refused (InputError)."""
    from xatrack.githook import script_text

    text = script_text(python, signed)
    if output is not None:
        from xatrack.safefs import check_output, write_output

        check_output(Path(output), "-o", [], force=True)  # force: an earlier script, or any file, may be replaced
        write_output(Path(output), text)
    return text
