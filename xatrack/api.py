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
    "update", "retract", "import_plan", "report", "annual", "Made",
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


def open_tracker(root: str | Path | Loaded | None = None, *, item: str | None = None, warn: Warn | None = None) -> Loaded:
    """The tracker to work on: ``root`` as is when already loaded, else ``load.load``."""
    if isinstance(root, Loaded):
        return root
    return load(root, item=item, warn=warn)


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
    """Evaluated items of one quarter (list, overdue): ``quarter``, ``statuses``, the ``title``
    that names the selection, and for overdue --by the ``groups`` ((leader or unit, statuses),
    biggest first; None otherwise)."""

    __slots__ = ("quarter", "statuses", "title", "groups")




def _evaluate_selected(loaded: Loaded, filters: Filters, quarter: str | None):
    selector = loaded.selector(filters)
    q = loaded.quarter(quarter)
    return q, selector.select(loaded.evaluate(q, selector.items(loaded.plan)))


def list_items(root=None, *, filters: Filters | None = None, quarter: str | None = None, warn: Warn | None = None) -> Selection:
    """`xatrack list`: the selected items of the quarter (default: the one being reported), in plan order."""
    loaded = open_tracker(root, warn=warn)
    filters = _filters(filters)
    q, statuses = _evaluate_selected(loaded, filters, quarter)
    return Selection(q, statuses, heading(q, filters, ""))


GROUPINGS = {"leader": "leader", "领导": "leader", "unit": "unit", "单位": "unit", "lead": "unit", "牵头单位": "unit"}


def check_grouping(by: str | None) -> str | None:
    """--by's value: leader or unit (None when not given)."""
    if by is None:
        return None
    key = by.strip().lower()
    if key not in GROUPINGS:
        raise InputError(f"--by 的值\"{by}\"无效:应为 leader(按责任领导)或 unit(按牵头单位)")
    return GROUPINGS[key]


def group(statuses, grouping: str, directory) -> list[tuple[str, list]]:
    """Statuses by responsible leader or by lead unit (canonical name), biggest group first."""
    groups: dict[str, list] = {}
    for status in statuses:
        if grouping == "leader":
            keys = status.item.leaders or ("(未列责任领导)",)
        else:
            keys = tuple(dict.fromkeys(directory.canonical_unit(n) for n in status.item.lead)) or ("(未列牵头单位)",)
        for key in keys:
            groups.setdefault(key, []).append(status)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def overdue(root=None, *, filters: Filters | None = None, quarter: str | None = None, by: str | None = None,
            warn: Warn | None = None) -> Selection:
    """`xatrack overdue`: the selected items behind pace, seriously behind or not reported, worst first;
    with ``by`` (leader/unit) also grouped."""
    from xatrack.evaluate import sort_worst_first
    from xatrack.model import BEHIND, MISSING, SEVERE

    grouping = check_grouping(by)
    loaded = open_tracker(root, warn=warn)
    filters = _filters(filters)
    q, selected = _evaluate_selected(loaded, filters, quarter)
    statuses = sort_worst_first([s for s in selected if s.state in (SEVERE, BEHIND, MISSING)])
    groups = group(statuses, grouping, loaded.directory) if grouping else None
    return Selection(q, statuses, heading(q, filters, "滞后及未报送事项"), groups)


class Rollup(_Value):
    """Counts per leader or per unit (leaders, units): ``quarter``, ``rows`` (rollup.Row), ``title``."""

    __slots__ = ("quarter", "rows", "title")


def leaders(root=None, *, filters: Filters | None = None, quarter: str | None = None, warn: Warn | None = None) -> Rollup:
    """`xatrack leaders`: per responsible leader, the selected items and how many are in each state."""
    from xatrack.rollup import by_leader

    loaded = open_tracker(root, warn=warn)
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
        evaluate(plan, loaded.entries, Quarter(year, q), [item], roles=loaded.roles, findings=loaded.findings)[0]
        for q in range(1, 5)
    ]
    history = item_history(item, loaded.entries, loaded.roles, plan.settings.deadline_days)
    day = today or clock_today()
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


def update(root=None, *, item_id: str, done: str | None = None, metric: str | None = None, status: str | None = None,
           note: str | None = None, quarter: str | None = None, day: str | None = None, by: str | None = None,
           evidence: list[str] | None = None, now: datetime | None = None, default_by: str = "",
           warn: Warn | None = None) -> Recorded:
    """`xatrack update`: append one report of an item's progress; returns it with the item's status after."""
    from xatrack.clock import now as clock_now
    from xatrack.recording import Report, build_record

    loaded = open_tracker(root, item=item_id, warn=warn)  # an append needs neither the whole log nor the whole plan
    report = Report(item_id=item_id, done=done, metric=metric, status=status, note=note, quarter=quarter, day=day, by=by)
    moment = now or clock_now()
    recorded = build_record(
        loaded.plan, report, today=moment.date(), now=moment, default_by=default_by, directory=loaded.directory
    )
    _attach_evidence(loaded, recorded, evidence or [])
    path = loaded.tracker.append(recorded.quarter, recorded.record)
    return _after_append(loaded, recorded, path)


def retract(root=None, *, item_id: str, metric: str | None = None, quarter: str | None = None, by: str | None = None,
            note: str | None = None, now: datetime | None = None, default_by: str = "", warn: Warn | None = None) -> Recorded:
    """`xatrack retract`: append a withdrawal of the reporter's latest entry for the item (and metric) in the quarter."""
    from xatrack.clock import now as clock_now
    from xatrack.recording import build_retraction

    loaded = open_tracker(root, item=item_id, warn=warn)
    moment = now or clock_now()
    item = loaded.plan.get(item_id)
    entries = loaded.item_entries(item.id) if item is not None else []
    recorded, target = build_retraction(
        loaded.plan, entries, item_id, metric=metric, quarter=quarter, by=by, note=note,
        today=moment.date(), now=moment, default_by=default_by, directory=loaded.directory,
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
            plan = loaded.tracker.plan()  # G7 follows G1's growth: the whole plan knows G1
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


def import_plan(plan_file: Path, overrides: Path | None = None):
    """`xatrack import`: (import result, registry text) for an official plan and its overrides
    (the ``<name>.overrides.yaml`` beside it when ``overrides`` is None)."""
    from xatrack.setup import build_registry, default_overrides

    if overrides is None:
        overrides = default_overrides(plan_file)
    result, text = build_registry(plan_file, overrides)
    return result, text, overrides


# --------------------------------------------------------------------------- report


class Made(_Value):
    """`xatrack report`: the bulletin as one value (``report``: report.Report), its ``quarter``,
    the plan's ``settings`` (the docx layout reads settings.bulletin), the ``moment`` (--as-of,
    or the publishing time), and when published the file (``published``, as the user reads it)
    and the earlier bulletin renamed on --force (``kept``)."""

    __slots__ = ("report", "quarter", "settings", "moment", "published", "kept")


def _report_moment(as_of: str | None, publish: bool):
    from xatrack import bulletin

    if publish and as_of:
        raise InputError("--publish 记录的是此刻发布的通报,不能与 --as-of 同用")
    return bulletin.parse_as_of(as_of) if as_of else None


def report(root=None, *, filters: Filters | None = None, quarter: str | None = None, as_of: str | None = None,
           publish: bool = False, force: bool = False, now: datetime | None = None, today: date | None = None,
           warn: Warn | None = None) -> Made:
    """`xatrack report`: the quarter's bulletin (report.build_report) over the selected items; with
    ``as_of`` only what had been recorded by then; ``publish`` records it in bulletins/ (``force``: again)."""
    from xatrack import bulletin
    from xatrack.clock import now as clock_now
    from xatrack.clock import today as clock_today
    from xatrack.report import build_report

    moment = _report_moment(as_of, publish)
    loaded = open_tracker(root, warn=warn)
    filters = _filters(filters)
    selector = loaded.selector(filters)
    q = loaded.quarter(quarter)
    scope = heading(q, filters, "").split(" · ")[1:]
    if publish:
        moment = now or clock_now()
    if moment is not None:
        # What had been recorded by then, withdrawals included: every entry, filtered by `at`.
        entries = bulletin.recorded_by(loaded.entries, moment)
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
        as_of=moment if moment is not None else (today or clock_today()), roles=loaded.roles,
        previous_published=previous_published, current_published=current_published,
        findings=loaded.findings,
    )
    if not publish:
        return Made(made, q, loaded.plan.settings, moment)
    path, kept = bulletin.publish(root_path, q, bulletin.record(made, moment), force)
    shown_kept = loaded.tracker.display(kept) if kept is not None else None
    return Made(made, q, loaded.plan.settings, moment, loaded.tracker.display(path), shown_kept)


def annual(root=None, *, filters: Filters | None = None, quarter: str | None = None, as_of: str | None = None,
           publish: bool = False, before: Callable[[], None] | None = None, warn: Warn | None = None):
    """`xatrack report --year`: (the last quarter counted, annual.annual's result) for the selected items.
    ``before``: a check run once the quarter is known (the CLI refuses formats there)."""
    from xatrack import bulletin
    from xatrack.annual import annual as assess

    moment = _report_moment(as_of, publish)
    loaded = open_tracker(root, warn=warn)
    filters = _filters(filters)
    selector = loaded.selector(filters)
    q = loaded.quarter(quarter)
    if before is not None:
        before()
    entries = bulletin.recorded_by(loaded.entries, moment) if moment is not None else loaded.entries
    return q, assess(loaded.plan, loaded.directory, entries, q, selector, loaded.roles)
