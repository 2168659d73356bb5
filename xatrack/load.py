"""The one way in: ``load(root) -> Loaded`` (plan, directory, entries, problems).

Every command and ``check`` read a tracker through here. What is read is
read once, when first asked for, so a command pays only for what it uses:

- ``plan``: tasks.yaml through the content-keyed cache (``item=`` asks for a
  plan holding only that item when the cache can say, for ``update``);
- ``directory``: units.yaml (and the pinyin memo);
- ``entries``: every entry of the plan year, through the incremental cache;
- ``decisive_entries(quarter)``: only the entries an evaluation of that
  quarter can depend on (evaluate.decisive), what keeps list/overdue quick;
- ``fresh_logs()``: every log parsed whole, without any cache (check);
- ``findings``: the inspection findings of the plan year.

``strict`` (commands): an error in tasks.yaml or units.yaml raises
DataError naming the first one. Not strict (check): they are collected in
``problems`` and ``plan``/``directory`` may be None.

Problems met in the logs or the findings that a command can live with are
collected in ``problems`` and passed once to ``warn`` (the CLI prints them on
stderr); the library itself never prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from xatrack import reading
from xatrack.clock import now as clock_now
from xatrack.clock import today as clock_today
from xatrack.errors import DataError, Problem, XatrackError
from xatrack.evaluate import decisive, due_passed, evaluate, item_line, mark_open_findings
from xatrack.findings_log import load as load_findings
from xatrack.logfile import read_log
from xatrack.model import DONE, ON_TRACK, normalize_id
from xatrack.roles import Roles
from xatrack.schedule import deadline, default_quarter, parse_quarter, plan_zone
from xatrack.store import PROGRESS, DIRECTORY, REGISTRY, Tracker, find_root, read_log_text, read_text


def load(
    root: str | Path | None = None,
    *,
    item: str | None = None,
    strict: bool = True,
    warn: Callable[[str], None] | None = None,
    lazy: bool = False,
) -> "Loaded":
    """The tracker at ``root`` (--root, $XATRACK_ROOT, or the nearest folder
    upwards holding tasks.yaml), its plan read; the rest on demand.

    ``item``: the command is about this one item (update): the plan may then
    hold only that item. ``warn``: called with each one-line Chinese warning
    (ignored entries, findings with problems). ``lazy`` (list, overdue,
    leaders): the plan is read only when asked for, so ``evaluate_selected``
    can answer from the query index (qindex.py) without it."""
    tracker = root if isinstance(root, Tracker) else Tracker(find_root(root))
    return Loaded(tracker, item=item, strict=strict, warn=warn, lazy=lazy)


class Loaded:
    """A tracker as read: plan, directory, entries, findings and the problems met."""

    def __init__(self, tracker: Tracker, item: str | None = None, strict: bool = True, warn=None, lazy: bool = False):
        self.tracker = tracker
        self.strict = strict
        self.problems: list[Problem] = []
        self._warn = warn
        self._whole_plan = item is None
        self._directory = None
        self._directory_read = False
        self._entries = None
        self._roles = None
        self._findings = None
        self._decisive: dict[int, list] = {}
        self._decisive_problems: dict[int, list] = {}
        self._decisive_unknown: dict[int, int | None] = {}
        self._warned_unknown = False
        self._lazy = lazy and strict and item is None
        self._plan = None
        if self._lazy:
            # read on first use (plan), or never when the query index answers;
            # each file read is remembered, the marks a new index is keyed by
            tracker.remember = True
        elif strict:
            self.plan = reading.plan_for(tracker, item) if item is not None else reading.plan(tracker)
        else:
            self.unreadable = False  # tasks.yaml could not be read at all
            try:
                self.plan, found = reading.load_plan(tracker)
            except DataError as error:
                self.plan, found = None, [Problem(REGISTRY, None, error.message, code="unreadable")]
                self.unreadable = True
            self.problems.extend(found)

    @property
    def plan(self):
        if self._plan is None and self._lazy:
            self._plan = reading.plan(self.tracker)
        return self._plan

    @plan.setter
    def plan(self, value) -> None:
        self._plan = value

    @property
    def root(self) -> Path:
        return self.tracker.root

    def warn(self, message: str) -> None:
        if self._warn is not None:
            self._warn(message)

    # -- directory

    @property
    def directory(self):
        """units.yaml (an empty directory when there is none). Strict: DataError
        on its first error; otherwise its problems join ``problems`` and a
        directory that cannot be read is None."""
        if not self._directory_read:
            self._directory_read = True
            if self.strict:
                self._directory = reading.directory(self.tracker)
            else:
                try:
                    self._directory, found = reading.load_directory(self.tracker)
                except DataError as error:
                    self._directory, found = None, [Problem(DIRECTORY, None, error.message, code="unreadable")]
                self.problems.extend(found)
        return self._directory

    @property
    def roles(self):
        """Who reports an item's figure and who only contributes (roles.py)."""
        if self._roles is None:
            self._roles = Roles(self.directory)
        return self._roles

    # -- entries

    @property
    def entries(self) -> list:
        """Every entry of the plan year (through the incremental log cache)."""
        if self._entries is None:
            self._entries, problems = reading.entries(self.tracker, self.plan.info.year)
            self._log_problems(problems)
            self._warn_unknown(self._entries)
        return self._entries

    def decisive_entries(self, quarter) -> list:
        """Enough entries to evaluate ``quarter`` (and any earlier one)."""
        if self._entries is not None:
            return self._entries
        if quarter.q not in self._decisive:
            found, problems = reading.entries(self.tracker, self.plan.info.year, until=quarter.q, reduce=decisive)
            self._log_problems(problems)
            count = unknown_entries(self.plan, found) if self._lazy else None  # kept for the query index
            self._warn_unknown(found, at_least=True, count=count)  # the decisive entries: some repeats dropped
            self._decisive_unknown[quarter.q] = count
            self._decisive[quarter.q] = found
            self._decisive_problems[quarter.q] = problems
        return self._decisive[quarter.q]

    def item_entries(self, item_id: str, until: int | None = None) -> list:
        """The entries of one item of the plan year (only lines naming it are parsed)."""
        return reading.item_entries(self.tracker, item_id, self.plan.info.year, until=until)

    def fresh_logs(self, skip=frozenset()) -> list[tuple[str, object, list, list[Problem], bool]]:
        """Every log (of every year), parsed whole from its bytes without any
        cache: what ``check`` judges. One ``(source, quarter, entries,
        problems, read)`` per log, in name order; a log that cannot be read
        has ``read`` False and its one problem. Logs in ``skip`` are not read."""
        logs = []
        for path, quarter in self.tracker.log_files():
            source = f"{PROGRESS}/{path.name}"
            if path in skip:
                continue
            try:
                found_entries, found = read_log(read_log_text(path), quarter, source)
            except DataError as error:
                logs.append((source, quarter, [], [Problem(source, None, error.message, code="unreadable")], False))
                continue
            logs.append((source, quarter, found_entries, found, True))
        return logs

    def _log_problems(self, problems) -> None:
        if problems:
            self.problems.extend(problems)
            self.warn(f"警告:进度记录中有 {len(problems)} 处问题,相关条目已忽略(首个:{problems[0]});运行 xatrack check 查看")

    def _warn_unknown(self, entries, at_least: bool = False, count: int | None = None) -> None:
        """Once per command: entries for items or metrics the plan does not
        have (a deleted task, a renamed metric) count nowhere."""
        if self._warned_unknown or not self._whole_plan:
            return
        if count is None:
            count = unknown_entries(self.plan, entries)
        if count:
            self._warned_unknown = True
            self.warn(
                f"警告:进度记录中有{'至少 ' if at_least else ' '}{count} 条记录对应的任务或指标在任务清单中不存在(任务被删除或指标被改名?),"
                "这些记录未计入;运行 xatrack check 查看"
            )

    # -- findings

    @property
    def findings(self) -> list:
        """Inspection findings of the plan year (findings/<year>.yaml), read once."""
        return self.findings_for(self.plan)

    def findings_for(self, plan) -> list:
        if self._findings is None:
            found, problems = load_findings(self.tracker.root, plan.info.year)
            if problems:
                self.problems.extend(problems)
                self.warn(f"警告:督查发现记录中有 {len(problems)} 处问题,相关条目已忽略(首个:{problems[0]});运行 xatrack check 查看")
            self._findings = list(found.values())
        return self._findings

    # -- what commands do with it

    def quarter(self, text: str | None, today=None):
        """The quarter a --quarter value names, or the one being reported today."""
        return self._quarter_of(self.plan, text, today)

    @staticmethod
    def _quarter_of(plan, text: str | None, today=None):
        if text:
            return parse_quarter(text, plan.info.year)
        if today is None:
            today = clock_today(plan_zone(plan.settings))
        return default_quarter(plan.info.year, today, plan.settings.report_window_days)

    @property
    def moment(self):
        """When the judgement is made: the one clock (clock.now), read once."""
        moment = getattr(self, "_moment", None)
        if moment is None:
            moment = self._moment = clock_now()
        return moment

    def deadline(self, quarter):
        """The reporting deadline of ``quarter`` (from the plan the index holds when the plan was not read)."""
        settings = self._plan.settings if self._plan is not None else self._settings_read()
        return deadline(quarter, settings)

    def _settings_read(self):
        bare = getattr(self, "_bare", None)
        return bare.settings if bare is not None else self.plan.settings

    def due_passed(self, quarter, settings=None) -> bool:
        """Whether ``quarter``'s reporting deadline has passed by the clock."""
        return due_passed(quarter, settings if settings is not None else self.plan.settings, self.moment)

    def evaluate(self, quarter, items=None):
        return evaluate(
            self.plan, self.decisive_entries(quarter), quarter, items, roles=self.roles, findings=self.findings,
            as_of=self.moment,
        )

    def evaluate_selected(self, filters, quarter_text: str | None, states=None, lines: bool = False):
        """(quarter, statuses of the selected items): what list/overdue/leaders
        show; with ``lines``, evaluate.item_line of each (what a table line
        shows). ``states``: only statuses in these states are wanted (others
        may be left out). Answered from the query index (qindex.py) when this
        Loaded is lazy, the index matches the files and the filters are
        indexed; else from the whole plan, and the index is written when the
        files are the same as at the previous full read (qindex.read_again)."""
        if self._lazy and self._plan is None and self._entries is None and not self._decisive:
            answer = self._from_index(filters, quarter_text, states, lines)
            if answer is not None:
                return answer
        q, statuses = self._evaluate_whole(filters, quarter_text)
        if lines:
            return q, [item_line(s) for s in statuses]
        return q, statuses

    def _evaluate_whole(self, filters, quarter_text):
        selector = self.selector(filters)
        q = self.quarter(quarter_text)
        if not (self._lazy and self._entries is None and q.q not in self._decisive):
            return q, selector.select(self.evaluate(q, selector.items(self.plan)))
        from xatrack import qindex  # lazy: rare - only list/overdue/leaders use the index; update never pays it (3 ms)

        if not qindex.read_again(self.tracker, self.plan.info.year, q.q):
            # The files changed since the last full read (an edit, an update): the
            # index is built only when they stay as they are for a second read.
            return q, selector.select(self.evaluate(q, selector.items(self.plan)))
        entries = self.decisive_entries(q)
        every = evaluate(self.plan, entries, q, roles=self.roles, as_of=self.moment)
        qindex.build(self.tracker, self.plan, q, every, self._decisive_unknown[q.q], self._decisive_problems[q.q],
                     due=self.due_passed(q))
        chosen = {id(item) for item in selector.items(self.plan)}
        statuses = tuple(s for s in every if id(s.item) in chosen)
        findings = self.findings
        if findings:
            statuses = mark_open_findings(statuses, findings)
        return q, selector.select(statuses)

    def _from_index(self, filters, quarter_text, states, lines: bool):
        from xatrack import qindex  # lazy: rare - only list/overdue/leaders use the index; update never pays it (3 ms)

        if filters.values("search") or filters.values("section"):
            return None
        state = qindex.plan_state(self.tracker)
        if state is None:
            return None
        names = qindex.names(self.tracker, state)
        if names is None:  # tasks.yaml edited since: an edit inside one item is followed in the index
            try:
                edited = self._quarter_of(state["bare"], quarter_text)
            except XatrackError:
                return None
            names = qindex.after_edit(self.tracker, state, edited.q, self.directory)
            if names is None:
                return None
        from xatrack.queries import Selector  # lazy: rare - update selects nothing and never pays it (0.6 ms)

        self._bare = names.bare
        selector = Selector(names.bare, self.directory, filters, leaders=names.leaders, units=names.units)
        try:
            q = self._quarter_of(names.bare, quarter_text)
        except XatrackError:
            return None  # the full read says it (after the plan's and the filters' own errors)
        hit = qindex.lookup(self.tracker, names, q.q, due=self.due_passed(q, names.bare.settings))
        if hit is None:
            return None
        wanted = None
        for given in (states, selector.states):
            if given is not None:
                given = set(given) | ({DONE} if ON_TRACK in given else set())  # an open finding makes 已完成 正常
                wanted = given if wanted is None else wanted & given
        positions = hit.chosen(selector, wanted)
        found = None if positions is None else hit.lines(positions) if lines else hit.statuses(positions)
        if found is None:
            return None  # a damaged index: the full read answers
        self._log_problems(hit.problems)
        self._warn_unknown((), at_least=True, count=hit.unknown)
        findings = self.findings_for(names.bare)
        if findings:
            found = self._with_findings(hit, positions, found, findings, q, lines)
            if found is None:
                return None
        return q, selector.select_states(found)  # the index chose items that match (Hit.chosen)

    @staticmethod
    def _with_findings(hit, positions, found, findings, q, lines: bool):
        """Findings applied (evaluate.mark_open_findings) to what the index gave:
        only items 已完成 with a finding open can change; for lines, those are
        read whole, marked and made lines again."""
        if not lines:
            return mark_open_findings(found, findings)
        from xatrack.findings import open_by_item  # lazy: heavy - findings and hashlib (OpenSSL) cost 5 ms, which list never pays

        open_now = open_by_item(findings, q.end)
        touched = [n for n, line in enumerate(found) if line.state == DONE and normalize_id(line.id) in open_now]
        if not touched:
            return found
        whole = hit.statuses([positions[n] for n in touched])
        if whole is None:
            return None
        found = list(found)
        for n, status in zip(touched, mark_open_findings(whole, findings)):
            found[n] = item_line(status)
        return found

    def selector(self, filters):
        from xatrack.queries import Selector  # lazy: rare - update selects nothing and never pays it (0.6 ms)

        return Selector(self.plan, self.directory, filters)


def unknown_entries(plan, entries: list) -> int:
    """How many entries name an item the plan does not have, or a metric its
    item does not have (a deleted task, a renamed metric): they count nowhere."""
    metrics: dict[str, frozenset] = {}
    for item in plan.items:
        metrics.setdefault(item.id, frozenset(m.name for m in item.metrics))  # the first of a duplicated id, as plan.get
    count = 0
    seen: dict = {}  # entries name few distinct ids: normalise each once
    for entry in entries:
        key = seen.get(entry.item)
        if key is None:
            key = seen[entry.item] = normalize_id(entry.item)
        names = metrics.get(key)
        if names is None or (entry.metric is not None and entry.metric not in names):
            count += 1
    return count
