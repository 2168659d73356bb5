"""Overrides: the reviewed file of judgments a parser cannot make, loaded, checked and applied."""

from __future__ import annotations

from dataclasses import replace

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from xatrack.errors import DataError
from xatrack.importer.figures import FigureHit
from xatrack.importer.text import _context, _normalize_newlines
from xatrack.model import KINDS, OPS, Metric, NotGoal, is_finite_number, normalize_id
from xatrack.yamlio import make_yaml, too_large, yaml_problem



def load_overrides(text: str, source: str) -> dict:
    """Parse and check an overrides file; ``DataError("<source>:<line>: …")`` if malformed.

    Returns ``{item_id: [entry, …]}``; each entry is a dict with ``figure``,
    ``line`` (in the overrides file) and the optional keys described in
    ``xatrack/data/2025-xianan.overrides.yaml``.
    """
    text = _normalize_newlines(text)
    if too_large(text, source) is not None:
        raise DataError(f"{source}: {too_large(text, source).message}")
    yaml = make_yaml("safe")  # no tags, anchors or deep nesting
    try:
        data = yaml.load(text)
        root = yaml.compose(text)
    except YAMLError as exc:
        raise DataError(str(yaml_problem(exc, source, default_line=1)).replace(": 错误: ", ": ", 1)) from None
    except (ValueError, TypeError, RecursionError) as exc:  # defensive: odd input to the scanner
        raise DataError(f"{source}:1: 无法解析覆盖文件: {exc}") from None
    if data is None:
        return {}
    return _normalize_overrides(data, source, root)


_METRIC_FIELDS = ("name", "kind", "op", "target", "unit", "note", "schedule", "baseline")
_ENTRY_FIELDS = ("figure", "not_goal", "split", *_METRIC_FIELDS)
# an entry without figure: the item's own fields, as the office settled them
ITEM_FIELDS = ("text", "leaders", "lead", "units", "deadline", "due")
PLAN_KEY = "plan"  # plan: {title: …, issuer: …, year: 2030}
_PLAN_FIELDS = ("title", "issuer", "year")


class _OverrideChecker:
    """Checks the loaded overrides, naming ``source:line`` from the composed YAML nodes."""

    def __init__(self, source: str, root: Node | None):
        self.source = source
        self.root = root

    @staticmethod
    def value(node: Node | None, key: str) -> Node | None:
        """The node of ``key`` in a mapping node, or None."""
        if isinstance(node, MappingNode):
            return next((value for name, value in node.value if name.value == key), None)
        return None

    def where(self, node: Node | None, key: str | None = None) -> str:
        if key is not None:
            node = self.value(node, key) or node
        return f"{self.source}:{node.start_mark.line + 1 if node is not None else 1}"

    @staticmethod
    def child(node: Node | None, index: int) -> Node | None:
        if isinstance(node, (MappingNode, SequenceNode)) and index < len(node.value):
            return node.value[index]
        return None

    def check(self, data) -> dict[str, list[dict]]:
        if not isinstance(data, dict):
            raise DataError(f"{self.where(self.root)}: 覆盖文件应为“条目编号: 覆盖项列表”的映射")
        result: dict[str, list[dict]] = {}
        for index, (raw_id, entries) in enumerate(data.items()):
            key_node, value_node = self.child(self.root, index) or (None, None)
            if raw_id == PLAN_KEY:
                already = isinstance(entries, list) and len(entries) == 1 and isinstance(entries[0], dict) and "line" in entries[0]
                result[PLAN_KEY] = entries if already else [self.plan(entries, value_node or key_node)]
                continue
            if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
                raise DataError(f"{self.where(key_node)}: 条目编号应为 G1 或 32 这样的编号,而不是 {raw_id!r}")
            item_id = normalize_id(raw_id)
            if not isinstance(entries, list):
                message = f"条目 {item_id} 的内容应为覆盖项列表(每项以“- ”开头)"
                raise DataError(f"{self.where(value_node or key_node)}: {message}")
            for position, entry in enumerate(entries):
                node = self.child(value_node, position) or value_node
                result.setdefault(item_id, []).append(self.entry(entry, item_id, node))
        return result

    def plan(self, entry, node: Node | None) -> dict:
        where = self.where(node)
        if not isinstance(entry, dict) or any(key not in _PLAN_FIELDS for key in entry):
            raise DataError(f"{where}: plan 应为只含 {'、'.join(_PLAN_FIELDS)} 的映射,如 {{year: 2030}}")
        checked: dict = {"line": int(where.rsplit(":", 1)[1])}
        for key in ("title", "issuer"):
            if key in entry:
                if not isinstance(entry[key], str) or not entry[key].strip():
                    raise DataError(f"{self.where(node, key)}: plan 的 {key} 应为文字")
                checked[key] = entry[key].strip()
        if "year" in entry:
            year = entry["year"]
            if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100:
                raise DataError(f"{self.where(node, 'year')}: plan 的 year 应为年份,如 2030")
            checked["year"] = year
        return checked

    def item_fields(self, entry: dict, item_id: str, node: Node | None) -> dict:
        checked: dict = {"line": int(self.where(node).rsplit(":", 1)[1]), "item": {}}
        for key in ITEM_FIELDS:
            if key not in entry:
                continue
            value = entry[key]
            where = self.where(node, key)
            if key in ("leaders", "lead", "units"):
                if isinstance(value, str):
                    value = [value]
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    raise DataError(f"{where}: 条目 {item_id} 的 {key} 应为名称列表,如 [区发改局, 区财政局]")
                checked["item"][key] = tuple(v.strip() for v in value)
            elif key == "due":
                text = str(value).strip().upper().lstrip("Q")
                if text not in ("1", "2", "3", "4"):
                    raise DataError(f"{where}: 条目 {item_id} 的 due 应为 Q1…Q4")
                checked["item"][key] = int(text)
            else:
                if not isinstance(value, str) or (key == "text" and not value.strip()):
                    raise DataError(f"{where}: 条目 {item_id} 的 {key} 应为文字")
                checked["item"][key] = value.strip()
        return checked

    def entry(self, entry, item_id: str, node: Node | None) -> dict:
        where = self.where(node)
        if not isinstance(entry, dict):
            raise DataError(f"{where}: 条目 {item_id} 的覆盖项应为映射,如 {{figure: 336个, name: 新建5G基站}}")
        if set(entry) == {"item", "line"} and isinstance(entry["item"], dict):
            return entry  # checked already (load_overrides)
        if "figure" not in entry and any(key in entry for key in ITEM_FIELDS):
            unknown = [key for key in entry if key not in ITEM_FIELDS and key != "line"]
            if unknown:
                raise DataError(f"{where}: 条目 {item_id} 有未知的键 {unknown[0]!r}(不写 figure 时可用: {'、'.join(ITEM_FIELDS)})")
            return self.item_fields(entry, item_id, node)
        unknown = [key for key in entry if key not in _ENTRY_FIELDS and key != "line"]
        if unknown:
            allowed = "、".join(_ENTRY_FIELDS + ITEM_FIELDS)
            raise DataError(f"{where}: 条目 {item_id} 有未知的键 {unknown[0]!r}(可用: {allowed})")
        figure = entry.get("figure")
        if isinstance(figure, bool) or not isinstance(figure, (str, int, float)) or not str(figure).strip():
            raise DataError(f"{where}: 条目 {item_id} 的覆盖项缺少 figure(原文中的数字,如 336个)")
        checked = {"figure": _figure_text(figure), "line": entry.get("line", int(where.rsplit(":", 1)[1]))}
        if "not_goal" in entry:
            checked["not_goal"] = self.not_goal(entry, item_id, where)
            return checked
        checked.update(self.metric_fields(entry, item_id, node))
        if "split" in entry:
            checked["split"] = self.split(entry["split"], item_id, self.where(node, "split"), node)
        return checked

    @staticmethod
    def not_goal(entry: dict, item_id: str, where: str) -> str:
        reason = entry["not_goal"]
        if not isinstance(reason, str) or not reason.strip():
            raise DataError(f"{where}: 条目 {item_id} 的 not_goal 应写明理由(中文)")
        if any(key in entry for key in ("split", *_METRIC_FIELDS)):
            raise DataError(f"{where}: 条目 {item_id} 的 not_goal 不能与指标字段同时出现")
        return reason.strip()

    def split(self, parts, item_id: str, where: str, node: Node | None) -> list[dict]:
        if not isinstance(parts, list) or not parts:
            raise DataError(f"{where}: 条目 {item_id} 的 split 应为指标列表")
        split_node = self.value(node, "split")
        checked = []
        for index, part in enumerate(parts):
            part_node = self.child(split_node, index) or split_node
            if not isinstance(part, dict) or any(key not in _METRIC_FIELDS for key in part):
                allowed = "、".join(_METRIC_FIELDS)
                raise DataError(f"{self.where(part_node)}: 条目 {item_id} 的 split 每项应为只含 {allowed} 的映射")
            checked.append(self.metric_fields(part, item_id, part_node))
        return checked

    def metric_fields(self, entry: dict, item_id: str, node: Node | None) -> dict:
        checked = {}

        def fail(key: str, problem: str) -> DataError:
            return DataError(f"{self.where(node, key)}: 条目 {item_id} 的 {key} {problem}")

        for key in ("name", "unit", "note"):
            if key in entry:
                if isinstance(entry[key], bool) or not isinstance(entry[key], (str, int, float)):
                    raise fail(key, "应为文字")
                checked[key] = str(entry[key]).strip()
        if checked.get("name") == "":
            raise fail("name", "(指标名称)不能为空")
        if "kind" in entry and entry["kind"] not in KINDS:
            raise fail("kind", f"应为 {'、'.join(KINDS)} 之一,而不是 {entry['kind']!r}")
        if "op" in entry and entry["op"] not in OPS:
            raise fail("op", f"应为 \">=\" 或 \"<=\",而不是 {entry['op']!r}")
        checked.update({key: entry[key] for key in ("kind", "op") if key in entry})
        if "target" in entry:
            target = entry["target"]
            if not is_finite_number(target):  # also 10**400, which overflows a float
                raise fail("target", f"应为数字,而不是 {target!r}")
            checked["target"] = float(target)
        if "baseline" in entry:
            baseline = entry["baseline"]
            if not is_finite_number(baseline):
                raise fail("baseline", f"(基期值)应为数字,而不是 {baseline!r}")
            checked["baseline"] = float(baseline)
        if "schedule" in entry:
            schedule = entry["schedule"]
            if not _is_schedule(schedule):
                raise fail("schedule", "应为4个0到1之间的数,如 [0.1, 0.4, 0.7, 1]")
            checked["schedule"] = tuple(float(v) for v in schedule)
        return checked


def _normalize_overrides(data, source: str, root: Node | None) -> dict:
    return _OverrideChecker(source, root).check(data)


def _is_schedule(schedule) -> bool:
    if not isinstance(schedule, (list, tuple)) or len(schedule) != 4:
        return False
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in schedule)


def _figure_text(figure) -> str:
    if isinstance(figure, float) and figure.is_integer():
        return str(int(figure))
    return str(figure).strip()


def _figure_matches(text: str, hit: FigureHit, figure: str) -> bool:
    return hit.figure == figure or text.startswith(figure, hit.start) or hit.figure.strip("“”\"") == figure


def _first_match(text: str, hits: list[FigureHit], used: set[int], figure: str) -> int | None:
    for index, hit in enumerate(hits):
        if index not in used and _figure_matches(text, hit, figure):
            return index
    return None


def apply_overrides(
    item_text: str, hits: list[FigureHit], entries: list[dict], warn
) -> tuple[list[Metric], list[NotGoal]]:
    """Metrics and not-goals of an item after the reviewer's entries; ``warn(message)``."""
    results: list[list[Metric] | NotGoal | None] = [None] * len(hits)
    used: set[int] = set()
    added: list[Metric] = []
    for entry in entries:
        index = _first_match(item_text, hits, used, entry["figure"])
        if index is None:
            metric = _added_metric(item_text, entry, warn)
            if metric:
                added.append(metric)
            continue
        used.add(index)
        results[index] = _apply_entry(item_text, hits[index], entry, warn)
    metrics: list[Metric] = []
    not_goals: list[NotGoal] = []
    for hit, result in zip(hits, results):
        if result is None:
            result = [hit.metric] if hit.metric else (NotGoal(hit.figure, hit.not_goal) if hit.not_goal else None)
        if isinstance(result, NotGoal):
            not_goals.append(result)
        elif result:
            metrics.extend(result)
        else:
            warn(f"数字“{_context(item_text, hit.start, hit.end)}”无法判断是否为目标(缺少计量单位),请在覆盖文件中说明")
    return _unique_names(metrics + added, warn), not_goals


def _apply_entry(text: str, hit: FigureHit, entry: dict, warn) -> list[Metric] | NotGoal:
    figure = entry["figure"] if text.startswith(entry["figure"], hit.start) else hit.figure
    if "not_goal" in entry:
        return NotGoal(figure=figure, reason=entry["not_goal"])
    base = hit.metric or Metric(name="", target=hit.number, unit=hit.unit, figure=figure)
    base = replace(base, figure=figure, **_metric_changes(entry))
    if not base.name:
        warn(f"覆盖文件第{entry['line']}行: 数字“{figure}”改为指标但缺少 name,暂以数字为名")
        base = replace(base, name=figure)
    if "split" not in entry:
        return [base]
    return [replace(base, **_metric_changes(part)) for part in entry["split"]]


def _metric_changes(entry: dict) -> dict:
    return {key: entry[key] for key in _METRIC_FIELDS if key in entry}


def _added_metric(text: str, entry: dict, warn) -> Metric | None:
    """A figure the parser missed (e.g. written in Chinese numerals): needs name and target."""
    figure = entry["figure"]
    if figure not in text:
        warn(f"覆盖文件第{entry['line']}行: 原文中找不到数字“{figure}”(或已被前面的覆盖项用掉)")
        return None
    if "name" not in entry or "target" not in entry:
        warn(f"覆盖文件第{entry['line']}行: “{figure}”未被识别为数字,新增指标须写明 name 和 target")
        return None
    return Metric(**_metric_changes(entry), figure=figure)


def _unique_names(metrics: list[Metric], warn) -> list[Metric]:
    seen: dict[str, int] = {}
    result = []
    for metric in metrics:
        count = seen.get(metric.name, 0) + 1
        seen[metric.name] = count
        if count > 1:
            warn(f"指标名称“{metric.name}”重复,第{count}个改名为“{metric.name}({count})”,请在覆盖文件中命名")
            metric = replace(metric, name=f"{metric.name}({count})")
        result.append(metric)
    return result
