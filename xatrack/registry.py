"""tasks.yaml <-> Plan.

``parse_registry`` turns the registry's text into a ``Plan`` and a list of
problems (file and line each), never raising for bad content;
``dump_plan`` writes a ``Plan`` as the registry's text. No file I/O here:
the store reads and writes files.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from typing import Any

from xatrack.errors import Problem
from xatrack.paperwork import dump_paperwork_settings, parse_paperwork_settings
from xatrack.schedule import parse_schedule, zone_named
from xatrack.yamlio import line_of as _line_of, load_yaml
from xatrack.model import (
    KINDS,
    OFFICE_NAMES,
    REPORT_STATUSES,
    OPS,
    TARGET,
    TASK,
    Action,
    Item,
    Metric,
    NotGoal,
    Plan,
    PlanInfo,
    Settings,
    is_finite_number,
)

MAX_REGISTRY_BYTES = 20 * 1024 * 1024

_TARGET_ID = re.compile(r"^G[1-9][0-9]{0,3}$")
_QUARTER = re.compile(r"^(?:Q|q)?([1-4])$")


# --------------------------------------------------------------------------- load


def parse_registry(
    text: str, source: str = "tasks.yaml", chunks: dict | None = None
) -> tuple[Plan | None, list[Problem]]:
    """Parse the registry. Returns (plan, problems); plan is None when unusable.

    Each target and task is parsed on its own, so ``chunks`` (a dict kept by
    the caller, keyed by the item's text) lets an edited registry re-parse
    only the items whose text changed. Items in xatrack's own style are read
    by a fast reader; anything else by ruamel.yaml.
    """
    lines = text.splitlines()
    layout = _layout(lines)
    if layout is None:
        data, error = load_yaml(text, source, max_bytes=MAX_REGISTRY_BYTES)
        return _build(data, error, source, None)
    dropped = [False] * len(lines)
    parsed: dict[str, tuple[list[Item], list[Problem]]] = {}
    for key, kind in (("targets", TARGET), ("tasks", TASK)):
        if key not in layout:
            continue
        start, pieces = layout[key]
        for index in range(start + 1, pieces[-1][1] if pieces else start + 1):
            dropped[index] = True
        items: list[Item] = []
        problems: list[Problem] = []
        for first, end in pieces:
            item, found = _parse_piece(lines[first:end], kind, source, first, chunks)
            if item is not None:
                items.append(item)
            problems.extend(found)
        parsed[key] = (items, problems)
    # The rest (plan, settings, actions and the two keys) goes to ruamel
    # without the items' lines: 100,000 blank lines cost it a second. Its
    # line numbers are mapped back to the file's.
    origin = [index for index, gone in enumerate(dropped) if not gone]
    skeleton = "\n".join(lines[index] for index in origin)
    data, error = load_yaml(skeleton, source, max_bytes=MAX_REGISTRY_BYTES)
    return _build(data, error, source, parsed, origin)


def _build(data, error, source: str, parsed, origin: list[int] | None = None) -> tuple[Plan | None, list[Problem]]:
    """The plan from ruamel's data (and the items parsed piece by piece);
    ``origin[i]`` is the file's line index of the text's line i."""

    def placed(problems: list[Problem]) -> list[Problem]:
        if origin is None:
            return problems
        return [
            Problem(p.file, origin[p.line - 1] + 1 if p.line and 0 < p.line <= len(origin) else p.line, p.message,
                    p.severity)
            for p in problems
        ]

    if error is not None:
        return None, placed([error])
    if not isinstance(data, dict):
        return None, [Problem(source, 1, "文件顶层应为映射(plan/actions/targets/tasks)")]
    problems: list[Problem] = []
    reader = _Reader(source, problems)
    info = reader.plan_info(data.get("plan"), _line_of(data, "plan"))
    settings = reader.settings(data.get("settings"), _line_of(data, "settings"))
    actions = reader.actions(data.get("actions"), _line_of(data, "actions"))
    lists = {}
    item_problems: list[Problem] = []  # from the pieces: already in the file's lines
    for key, kind in (("targets", TARGET), ("tasks", TASK)):
        if parsed is not None and key in parsed:
            items, found = parsed[key]
            item_problems.extend(found)
            lists[key] = items
        else:
            lists[key] = reader.items(data.get(key), kind, _line_of(data, key))
    targets, tasks = lists["targets"], lists["tasks"]
    if "targets" not in data and "tasks" not in data:
        problems.append(Problem(source, 1, "缺少 targets 和 tasks"))
    known_keys = {"plan", "settings", "actions", "targets", "tasks"}
    for key in data:
        if key not in known_keys:
            problems.append(Problem(source, _line_of(data, key), f"未知的顶层字段 {key}", "warning"))
    problems = placed(problems) + item_problems  # from here on, lines are the file's own
    reader = _Reader(source, problems)
    reader.check_ids(targets + tasks)
    action_ids = {a.id for a in actions}
    for item in tasks:
        if item.action is not None and actions and item.action not in action_ids:
            problems.append(Problem(source, item.line, f"任务 {item.id} 的 action {item.action} 不存在"))
    problems.sort(key=lambda p: (p.line or 0))
    plan = Plan(info=info, actions=tuple(actions), targets=tuple(targets), tasks=tuple(tasks), settings=settings)
    return plan, problems


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]|$)")


def _layout(lines: list[str]) -> dict[str, tuple[int, list[tuple[int, int]]]] | None:
    """Where the targets and tasks are: {key: (line of the key, [(first, end) per item])}.

    None when the file is not laid out as plain top-level keys with block
    sequences of items under targets/tasks: then it is parsed whole.
    """
    tops: list[tuple[str, int]] = []
    for index, line in enumerate(lines):
        if not line or line[0] in " #":
            continue
        match = _TOP_KEY.match(line)
        if not match or match.group(1) in (key for key, _ in tops):
            return None
        tops.append((match.group(1), index))
    result = {}
    for position, (key, start) in enumerate(tops):
        if key not in ("targets", "tasks"):
            continue
        value = lines[start].split(":", 1)[1].strip()
        if value not in ("", "[]"):
            return None
        end = tops[position + 1][1] if position + 1 < len(tops) else len(lines)
        if value == "[]" and any(lines[i].strip() and not lines[i].lstrip().startswith("#") for i in range(start + 1, end)):
            return None  # "tasks: []" with lines under it: ruamel says what is wrong
        pieces: list[tuple[int, int]] = []
        indent = None
        for index in range(start + 1, end):
            line = lines[index]
            stripped = line.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                continue
            if "\t" in line[: len(line) - len(stripped) + 1]:
                return None
            here = len(line) - len(stripped)
            if stripped.startswith("- ") and (indent is None or here == indent):
                indent = here
                if pieces:
                    pieces[-1] = (pieces[-1][0], index)
                pieces.append((index, end))
            elif indent is None or here <= indent:
                return None
        if pieces:
            last_first, _ = pieces[-1]
            last = end
            while last > last_first + 1 and not lines[last - 1].strip():
                last -= 1
            pieces[-1] = (last_first, last)
        result[key] = (start, pieces)
    return result


def item_pieces(lines: list[str]) -> list[tuple[str, int, int]] | None:
    """(kind, first line index, end line index) of each target and task, in
    plan order, as parse_registry reads them one by one; None when the file
    is not laid out that way (then it is parsed whole)."""
    layout = _layout(lines)
    if layout is None:
        return None
    found = []
    for key, kind in (("targets", TARGET), ("tasks", TASK)):
        if key in layout:
            found.extend((kind, first, end) for first, end in layout[key][1])
    return found


def parse_item_piece(lines: list[str], kind: str, source: str, first: int):
    """(item, problems) of one target or task from its lines (``first``: the
    index of its first line in the file), exactly as parse_registry reads it."""
    return _parse_piece(lines, kind, source, first, None)


def _parse_piece(lines: list[str], kind: str, source: str, first: int, chunks: dict | None):
    """One target or task from its lines; positions shifted to the file's lines."""
    import hashlib  # lazy: heavy - OpenSSL (2.5 ms): only when items are parsed, never when the cache answers

    key = hashlib.sha1((kind + "\n" + "\n".join(lines)).encode("utf-8")).hexdigest()
    cached = chunks.get(key) if chunks is not None else None
    if cached is None:
        cached = _parse_piece_uncached(lines, kind, source)
        if chunks is not None:
            chunks[key] = cached
    item, problems = cached[:2]
    shift = first  # the piece's own line 1 is the file's line first + 1
    if item is not None and item.line is not None:
        if len(cached) == 4 and cached[2] == shift:
            item = cached[3]  # where it was last time: the same shifted item (an edit elsewhere moved no lines)
        else:
            item = replace(item, line=item.line + shift)
            if chunks is not None:
                chunks[key] = (cached[0], problems, shift, item)
    return item, [Problem(p.file, p.line + shift if p.line else p.line, p.message, p.severity) for p in problems]


def _parse_piece_uncached(lines: list[str], kind: str, source: str):
    from xatrack.fastyaml import load_items  # lazy: rare - only when items are parsed; registry is also imported where the cache answers (0.5 ms)

    fast = load_items(lines)
    if fast is not None and len(fast) == 1:
        problems: list[Problem] = []
        item = _Reader(source, problems).item(fast[0], kind, 1)
        if not problems:
            return item, []
    # ruamel for exact positions: the piece under a dummy key, so its line k is line k + 1
    data, error = load_yaml("x:\n" + "\n".join(lines), source)
    if error is not None:
        line = error.line - 1 if error.line else None
        return None, [Problem(error.file, line, error.message, error.severity)]
    problems = []
    items = _Reader(source, problems).items(data.get("x") if isinstance(data, dict) else None, kind, 1)
    problems = [Problem(p.file, p.line - 1 if p.line else p.line, p.message, p.severity) for p in problems]
    item = items[0] if items else None
    if item is not None and item.line is not None:
        item = replace(item, line=item.line - 1)
    return item, problems


class _Reader:
    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def warning(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "warning"))

    # -- plan, settings, actions

    def plan_info(self, raw: Any, line: int | None) -> PlanInfo:
        if raw is None:
            self.error(1, "缺少 plan(title/issuer/issued/year)")
            return PlanInfo()
        if not isinstance(raw, dict):
            self.error(line, "plan 应为映射")
            return PlanInfo()
        year = raw.get("year")
        issued = raw.get("issued")
        if issued is not None and not isinstance(issued, date):
            self.error(_line_of(raw, "issued") or line, f"plan.issued 应为日期(如 2025-01-24),实为 {issued!r}")
            issued = None
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
            self.error(_line_of(raw, "year") or line, f"plan.year 应为年份(如 2025),实为 {year!r}")
            year = issued.year if isinstance(issued, date) else 0
        return PlanInfo(
            title=self.text(raw.get("title"), line, "plan.title", required=False),
            issuer=self.text(raw.get("issuer"), line, "plan.issuer", required=False),
            issued=issued,
            year=year,
        )

    def settings(self, raw: Any, line: int | None) -> Settings:
        """settings: tolerance, the reporting calendar and the ranking rule.

        ``tolerance: {cumulative, level, growth, relative}``,
        ``report_window_days`` (31), ``deadline_days`` (10) or ``deadline_workdays``,
        ``remind_workdays``, ``timezone`` (Asia/Shanghai),
        ``ranking: {推进率: 70, 及时率: 30}`` (default: one after the other).
        Other keys are left for the commands that read them (bulletin…)."""
        if raw is None:
            return Settings()
        if not isinstance(raw, dict):
            self.error(line, "settings 应为映射")
            return Settings()
        required = self.evidence_required(raw.get("evidence_required"), _line_of(raw, "evidence_required") or line)
        tolerance = raw.get("tolerance", {})
        if not isinstance(tolerance, dict):
            self.error(_line_of(raw, "tolerance") or line, "settings.tolerance 应为映射(cumulative/level/growth/relative)")
            return Settings()
        values: dict[str, Any] = {}
        for kind in tolerance:
            value = tolerance[kind]
            where = _line_of(tolerance, kind) or line
            if kind not in ("cumulative", "level", "growth", "relative"):
                self.error(where, f"settings.tolerance 中未知的指标类型 {kind}(应为 cumulative/level/growth/relative)")
            elif not _is_number(value) or value < 0 or (kind in ("cumulative", "level") and value >= 1):
                self.error(where, f"settings.tolerance.{kind} 应为非负数(累计/水平类为小于 1 的比例),实为 {value!r}")
            else:
                values[f"{kind}_tolerance"] = float(value)
        for key, low, high in (("report_window_days", 0, 92), ("deadline_days", 0, 92)):
            if key not in raw:
                continue
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                self.error(_line_of(raw, key) or line, f"settings.{key} 应为 {low}–{high} 的整数(天数),实为 {value!r}")
            else:
                values[key] = value
        for key in ("deadline_workdays", "remind_workdays"):
            if key not in raw or raw[key] is None:
                continue
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
                self.error(_line_of(raw, key) or line, f"settings.{key} 应为 1–60 的整数(工作日数),实为 {value!r}")
            else:
                values[key] = value
        if "timezone" in raw:
            zone = self.timezone(raw["timezone"], _line_of(raw, "timezone") or line)
            if zone is not None:
                values["timezone"] = zone
        if "ranking" in raw:
            ranking = raw["ranking"]
            where = _line_of(raw, "ranking") or line
            from xatrack.score import RATES  # lazy: rare - only a plan with settings.ranking; no fast path imports score (1 ms)

            if not isinstance(ranking, dict) or not ranking:
                self.error(where, f"settings.ranking 应为映射,如 {{推进率: 70, 及时率: 30}}(可用:{'、'.join(RATES)})")
            else:
                weights = []
                for name, weight in ranking.items():
                    if name not in RATES:
                        self.error(_line_of(ranking, name) or where, f"settings.ranking 中未知的项 {name}(应为 {'、'.join(RATES)})")
                    elif not _is_number(weight) or weight < 0:
                        self.error(_line_of(ranking, name) or where, f"settings.ranking.{name} 应为非负数,实为 {weight!r}")
                    else:
                        weights.append((str(name), float(weight)))
                if weights and sum(w for _, w in weights) > 0:
                    values["ranking_weights"] = tuple(weights)
        if "office" in raw:
            office = raw["office"]
            office = [office] if isinstance(office, str) else office
            if not isinstance(office, list) or not office or not all(isinstance(n, str) and n.strip() for n in office):
                self.error(_line_of(raw, "office") or line, f"settings.office 应为督查室的名称或名称列表,如 [督查室, 区政府督查室],实为 {raw['office']!r}")
            else:
                values["office"] = tuple(dict.fromkeys(n.strip() for n in office))
        values.update(parse_paperwork_settings(raw, line, _line_of, self.error))
        return Settings(**values, evidence_required=required)

    def timezone(self, raw: Any, line: int | None) -> str | None:
        """settings.timezone: an IANA zone name (Asia/Shanghai), or None after an error."""
        hint = "settings.timezone 应为时区名(如 Asia/Shanghai)"
        if not isinstance(raw, str) or not raw.strip():
            self.error(line, f"{hint},实为 {raw!r}")
            return None
        name = raw.strip()
        try:
            zone_named(name)
        except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError; a bad key a ValueError
            self.error(line, f"{hint},未知的时区\"{name[:40]}\"")
            return None
        return name

    def evidence_required(self, raw: Any, line: int | None) -> tuple[str, ...]:
        """settings.evidence_required: report statuses needing 佐证材料 ([已完成])."""
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(v, str) and v in REPORT_STATUSES for v in raw):
            self.error(line, f"settings.evidence_required 应为状态列表,如 [已完成](状态为 {'/'.join(REPORT_STATUSES)})")
            return ()
        return tuple(dict.fromkeys(raw))

    def actions(self, raw: Any, line: int | None) -> list[Action]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.error(line, "actions 应为列表")
            return []
        result = []
        for index, entry in enumerate(raw):
            where = _line_of(raw, index) or line
            if not isinstance(entry, dict):
                self.error(where, "actions 的每一项应为映射(id/title)")
                continue
            action_id = entry.get("id")
            if not isinstance(action_id, int) or isinstance(action_id, bool):
                self.error(where, f"行动的 id 应为整数,实为 {action_id!r}")
                continue
            sections = entry.get("sections") or []
            if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
                self.error(where, f"行动 {action_id} 的 sections 应为文字列表")
                sections = []
            result.append(
                Action(
                    id=action_id,
                    title=self.text(entry.get("title"), where, f"行动 {action_id} 的 title"),
                    intro=self.text(entry.get("intro"), where, "intro", required=False),
                    sections=tuple(sections),
                )
            )
        return result

    # -- items

    def items(self, raw: Any, kind: str, line: int | None) -> list[Item]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.error(line, f"{kind}s 应为列表")
            return []
        result = []
        for index, entry in enumerate(raw):
            where = _line_of(raw, index) or line
            item = self.item(entry, kind, where)
            if item is not None:
                result.append(item)
        return result

    def item(self, raw: Any, kind: str, line: int | None) -> Item | None:
        label = "目标" if kind == TARGET else "任务"
        if not isinstance(raw, dict):
            self.error(line, f"{label}应为映射(id/text/leaders/lead/units/metrics)")
            return None
        raw_id = raw.get("id")
        item_id = self.item_id(raw_id, kind, _line_of(raw, "id") or line)
        if item_id is None:
            return None
        name = f"{label} {item_id}"
        for key in raw:
            if key not in _ITEM_KEYS:
                self.warning(_line_of(raw, key) or line, f"{name} 中未知的字段 {key}")
        action = raw.get("action")
        if action is not None and (not isinstance(action, int) or isinstance(action, bool)):
            self.error(_line_of(raw, "action") or line, f"{name} 的 action 应为整数,实为 {action!r}")
            action = None
        section = raw.get("section")
        if section is not None and not isinstance(section, str):
            self.error(_line_of(raw, "section") or line, f"{name} 的 section 应为文字")
            section = None
        return Item(
            id=item_id,
            kind=kind,
            text=self.text(raw.get("text"), line, f"{name} 的 text"),
            leaders=self.names(raw, "leaders", name, line),
            lead=self.names(raw, "lead", name, line),
            units=self.names(raw, "units", name, line),
            metrics=self.metrics(raw.get("metrics"), name, _line_of(raw, "metrics") or line),
            action=action,
            section=section,
            due=self.due(raw.get("due"), name, _line_of(raw, "due") or line),
            schedule=self.schedule(raw.get("schedule"), name, _line_of(raw, "schedule") or line),
            not_goals=self.not_goals(raw.get("not_goals"), name, _line_of(raw, "not_goals") or line),
            source_line=raw.get("doc_line") if isinstance(raw.get("doc_line"), int) else None,
            line=line,
            deadline=self.deadline(raw.get("deadline"), name, _line_of(raw, "deadline") or line),
        )

    def deadline(self, raw: Any, name: str, line: int | None) -> str:
        if raw is None:
            return ""
        if not isinstance(raw, str):
            self.error(line, f"{name} 的 deadline 应为文字(如 6月底前),实为 {raw!r}")
            return ""
        return raw

    def item_id(self, raw: Any, kind: str, line: int | None) -> str | None:
        if kind == TARGET:
            if isinstance(raw, str) and _TARGET_ID.match(raw.strip()):
                return raw.strip()
            self.error(line, f"目标的 id 应为 G1、G2…,实为 {raw!r}")
            return None
        if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= 1_000_000:
            return str(raw)
        if raw is None:
            self.error(line, "任务缺少 id")
        else:
            self.error(line, f"任务的 id 应为正整数,实为 {raw!r}")
        return None

    def text(self, raw: Any, line: int | None, what: str, required: bool = True) -> str:
        if raw is None:
            if required:
                self.error(line, f"缺少 {what}")
            return ""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return str(raw)
        if not isinstance(raw, str):
            self.error(line, f"{what} 应为文字,实为 {type(raw).__name__}")
            return ""
        return str(raw)

    def names(self, raw: dict, key: str, name: str, line: int | None) -> tuple[str, ...]:
        value = raw.get(key)
        where = _line_of(raw, key) or line
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(where, f"{name} 的 {key} 应为名称列表")
            return ()
        seen: list[str] = []
        for v in value:
            if v in seen:
                self.warning(where, f"{name} 的 {key} 中 {v} 重复")
            else:
                seen.append(str(v))
        return tuple(seen)

    def due(self, raw: Any, name: str, line: int | None) -> int:
        if raw is None:
            return 4
        match = _QUARTER.match(str(raw).strip()) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
        if not match:
            self.error(line, f"{name} 的 due 应为 Q1–Q4,实为 {raw!r}")
            return 4
        return int(match.group(1))

    def schedule(self, raw: Any, name: str, line: int | None) -> tuple[float, float, float, float] | None:
        if raw is None:
            return None
        try:
            return parse_schedule(raw)
        except (ValueError, TypeError) as error:
            self.error(line, f"{name} 的 schedule 无效:{error}")
            return None

    def metrics(self, raw: Any, name: str, line: int | None) -> tuple[Metric, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error(line, f"{name} 的 metrics 应为列表")
            return ()
        result = []
        names: set[str] = set()
        for index, entry in enumerate(raw):
            where = _line_of(raw, index) or line
            metric = self.metric(entry, name, where)
            if metric is None:
                continue
            if metric.name in names:
                self.error(where, f"{name} 的指标名称 {metric.name} 重复")
                continue
            names.add(metric.name)
            result.append(metric)
        return tuple(result)

    def metric(self, raw: Any, name: str, line: int | None) -> Metric | None:
        if not isinstance(raw, dict):
            self.error(line, f"{name} 的指标应为映射(name/target/unit/kind)")
            return None
        metric_name = raw.get("name")
        if not isinstance(metric_name, str) or not metric_name.strip():
            self.error(line, f"{name} 的指标缺少 name")
            return None
        label = f"{name} 的指标 {metric_name}"
        target = raw.get("target", 0 if raw.get("kind") in ("relative", "reference") else None)
        if not _is_number(target):
            self.error(line, f"{label} 的 target 应为数值,实为 {target!r}")
            return None
        kind = raw.get("kind", "cumulative")
        if kind not in KINDS:
            self.error(line, f"{label} 的 kind 未知:{kind!r}(应为 {'/'.join(KINDS)})")
            return None
        op = raw.get("op", ">=")
        if op not in OPS:
            self.error(line, f"{label} 的 op 未知:{op!r}(应为 >= 或 <=)")
            return None
        if target < 0 and kind == "cumulative":
            self.error(line, f"{label} 的 target 不能为负数")
            return None
        unit = raw.get("unit", "")
        if not isinstance(unit, str):
            unit = str(unit)
        follows = raw.get("follows", "")
        if kind == "relative" and (not isinstance(follows, str) or not follows.strip()):
            self.error(line, f"{label} 为对照类(relative),须用 follows 写明与什么比较(如 G1,或本事项中对照数指标的名称)")
            return None
        if follows and kind != "relative":
            self.warning(line, f"{label} 不是对照类(relative),follows 不起作用")
        baseline = raw.get("baseline")
        if baseline is not None and (not _is_number(baseline) or kind not in ("cumulative", "level")):
            if not _is_number(baseline):
                self.error(line, f"{label} 的 baseline(基期值)应为数值,实为 {baseline!r}")
                return None
            self.warning(line, f"{label} 不是累计类或水平类,baseline(基期值)不起作用")
            baseline = None
        for key in raw:
            if key not in _METRIC_KEYS:
                self.warning(line, f"{label} 中未知的字段 {key}")
        return Metric(
            name=metric_name.strip(),
            target=_number(target),
            unit=unit,
            kind=kind,
            op=op,
            schedule=self.schedule(raw.get("schedule"), label, line),
            note=str(raw.get("note") or ""),
            figure=str(raw.get("figure") or ""),
            follows=str(follows or "").strip(),
            baseline=_number(baseline) if baseline is not None else None,
        )

    def not_goals(self, raw: Any, name: str, line: int | None) -> tuple[NotGoal, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error(line, f"{name} 的 not_goals 应为列表")
            return ()
        result = []
        for index, entry in enumerate(raw):
            where = _line_of(raw, index) or line
            if not isinstance(entry, dict) or not isinstance(entry.get("figure"), (str, int, float)):
                self.error(where, f"{name} 的 not_goals 每项应为 {{figure: …, reason: …}}")
                continue
            reason = entry.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                self.error(where, f"{name} 的非目标数字 {entry.get('figure')} 缺少 reason")
                continue
            result.append(NotGoal(figure=str(entry["figure"]), reason=reason))
        return tuple(result)

    def check_ids(self, items: list[Item]) -> None:
        seen: dict[str, Item] = {}
        for item in items:
            if item.id in seen:
                first = seen[item.id].line
                self.error(item.line, f"编号 {item.id} 重复(第一次出现在第 {first} 行)")
            else:
                seen[item.id] = item


_ITEM_KEYS = {
    "id", "action", "section", "text", "leaders", "lead", "units", "metrics",
    "due", "schedule", "not_goals", "doc_line", "deadline",
}
_METRIC_KEYS = {"name", "target", "unit", "kind", "op", "schedule", "note", "figure", "follows", "baseline"}


def _is_number(value: Any) -> bool:
    return is_finite_number(value)


def _number(value: float) -> float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


# --------------------------------------------------------------------------- dump


def dump_plan(plan: Plan, header: str = "") -> str:
    """The registry text for ``plan``: block style for items, flow style for short maps."""
    # lazy: heavy - ruamel.yaml (15 ms): only import/init write a registry
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def flow_map(pairs: dict) -> CommentedMap:
        node = CommentedMap(pairs)
        node.fa.set_flow_style()
        return node

    def flow_seq(values) -> CommentedSeq:
        node = CommentedSeq(values)
        node.fa.set_flow_style()
        return node

    info = plan.info
    doc = CommentedMap()
    doc["plan"] = flow_map(
        {"title": info.title, "issuer": info.issuer, "issued": info.issued, "year": info.year}
    )
    s = plan.settings
    doc["settings"] = CommentedMap(
        {
            "tolerance": flow_map(
                {
                    "cumulative": s.cumulative_tolerance,
                    "level": s.level_tolerance,
                    "growth": s.growth_tolerance,
                }
            )
        }
    )
    if s.evidence_required:
        doc["settings"]["evidence_required"] = flow_seq(list(s.evidence_required))
    if s.office != OFFICE_NAMES:
        doc["settings"]["office"] = flow_seq(list(s.office))
    doc["settings"].update(dump_paperwork_settings(s))
    actions = CommentedSeq()
    for action in plan.actions:
        node = CommentedMap({"id": action.id, "title": action.title})
        if action.intro:
            node["intro"] = action.intro
        node["sections"] = flow_seq(list(action.sections))
        actions.append(node)
    doc["actions"] = actions
    doc["targets"] = CommentedSeq(_item_node(item, flow_map, flow_seq) for item in plan.targets)
    doc["tasks"] = CommentedSeq(_item_node(item, flow_map, flow_seq) for item in plan.tasks)
    for key in ("actions", "targets", "tasks"):
        doc.yaml_set_comment_before_after_key(key, before="\n")

    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(doc, out)
    text = out.getvalue()
    if header:
        text = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) + text
    return text


def _item_node(item: Item, flow_map, flow_seq):
    from ruamel.yaml.comments import CommentedMap  # lazy: heavy - ruamel.yaml: as in dump_plan

    node = CommentedMap()
    node["id"] = item.id if item.kind == TARGET else int(item.id)
    if item.kind == TASK:
        if item.action is not None:
            node["action"] = item.action
        if item.section is not None:
            node["section"] = item.section
    node["text"] = item.text
    node["leaders"] = flow_seq(list(item.leaders))
    node["lead"] = flow_seq(list(item.lead))
    node["units"] = flow_seq(list(item.units))
    if item.metrics:
        node["metrics"] = [flow_map(_metric_pairs(m)) for m in item.metrics]
    if item.not_goals:
        node["not_goals"] = [flow_map({"figure": g.figure, "reason": g.reason}) for g in item.not_goals]
    if item.kind == TASK or item.due != 4:
        node["due"] = f"Q{item.due}"
    if item.deadline:
        node["deadline"] = item.deadline
    if item.schedule is not None:
        node["schedule"] = flow_map(_schedule_pairs(item.schedule))
    if item.source_line is not None:
        node["doc_line"] = item.source_line
    return node


def _metric_pairs(metric: Metric) -> dict:
    pairs: dict[str, Any] = {"name": metric.name, "target": _number(metric.target), "unit": metric.unit, "kind": metric.kind}
    if metric.kind != "cumulative" or metric.op != ">=":
        pairs["op"] = metric.op
    if metric.baseline is not None:
        pairs["baseline"] = _number(metric.baseline)
    if metric.schedule is not None:
        pairs["schedule"] = _schedule_pairs(metric.schedule)
    if metric.follows:
        pairs["follows"] = metric.follows
    if metric.figure:
        pairs["figure"] = metric.figure
    if metric.note:
        pairs["note"] = metric.note
    return pairs


def _schedule_pairs(schedule: tuple[float, ...]) -> dict:
    return {f"Q{i + 1}": f"{_number(round(f * 100, 6))}%" for i, f in enumerate(schedule)}
