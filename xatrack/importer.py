"""Official plan text -> ``Plan``, with warnings (line numbers) instead of exceptions.

The importer reads a 目标任务责任分解方案 as published: a notice preamble,
a title block, ``一、…主要预期目标`` with targets ``(一)…。(责任领导:…)``,
``二、…重点工作`` with actions ``(一)title。intro``, section lines and
numbered tasks ``N.text(责任领导:…;牵头单位:…;责任单位:…)``. It also reads
looser formats: assignments on their own lines, Traditional Chinese keys,
``1、``/``1.``/``(1)`` numbering, and bullet lists under ``·谋划2024·`` blocks
with ``核心:`` headings.

Figures in an item's text are classified by ``extract_figures``: a goal becomes
a ``Metric`` (its ``figure`` field keeps the text it came from), a figure that
is plainly not a goal (5G, “51020”, 107国道, 2025年, 10亿元以上项目) becomes a
``NotGoal``. Judgments a parser cannot make come from a reviewed overrides
file (see ``load_overrides`` and ``xatrack/data/2025-xianan.overrides.yaml``).

Only ``DataError`` is ever raised, and only by the file/override loaders;
``import_plan`` reports every problem as an ``ImportWarning``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from xatrack.errors import DataError
from xatrack.model import (
    CUMULATIVE,
    GROWTH,
    KINDS,
    LEVEL,
    OPS,
    TARGET,
    TASK,
    Action,
    Item,
    Metric,
    NotGoal,
    Plan,
    PlanInfo,
    is_finite_number,
    normalize_id,
)

DATA_DIR = Path(__file__).parent / "data"
BUNDLED_TEXT = DATA_DIR / "2025-xianan.txt"
BUNDLED_OVERRIDES = DATA_DIR / "2025-xianan.overrides.yaml"
OVERRIDES_SUFFIX = ".overrides.yaml"


# ---------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class ImportWarning:
    line: int  # 1-based line in the source text (0: the document as a whole)
    message: str  # Chinese, one line

    def __str__(self) -> str:
        return f"第{self.line}行: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    warnings: tuple[ImportWarning, ...]


def import_plan(text: str, *, overrides: dict | None = None) -> ImportResult:
    """Parse the official text; apply reviewed overrides (from ``load_overrides``)."""
    text = _normalize_newlines(text)
    entries = _normalize_overrides(overrides or {}, "<overrides>", None)
    builder = _Builder(text.split("\n"))
    builder.run()
    return builder.finish(entries)


def load_overrides(text: str, source: str) -> dict:
    """Parse and check an overrides file; ``DataError("<source>:<line>: …")`` if malformed.

    Returns ``{item_id: [entry, …]}``; each entry is a dict with ``figure``,
    ``line`` (in the overrides file) and the optional keys described in
    ``xatrack/data/2025-xianan.overrides.yaml``.
    """
    from xatrack.yamlio import make_yaml, too_large

    text = _normalize_newlines(text)
    if too_large(text, source) is not None:
        raise DataError(f"{source}: {too_large(text, source).message}")
    yaml = make_yaml("safe")  # no tags, anchors or deep nesting
    try:
        data = yaml.load(text)
        root = yaml.compose(text)
    except YAMLError as exc:
        raise DataError(f"{source}:{_yaml_error_line(exc)}: YAML 格式错误: {_yaml_problem(exc)}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # defensive: odd input to the scanner
        raise DataError(f"{source}:1: 无法解析覆盖文件: {exc}") from None
    if data is None:
        return {}
    return _normalize_overrides(data, source, root)


def import_file(path, overrides_path=None) -> ImportResult:
    """Read a UTF-8 plan text (BOM and CRLF accepted) and import it.

    Without ``overrides_path``, ``<name>.overrides.yaml`` next to the text is
    used when it exists (``2025-xianan.txt`` -> ``2025-xianan.overrides.yaml``).
    """
    path = Path(path)
    text = read_text_file(path)
    if overrides_path is None:
        sibling = default_overrides_path(path)
        overrides_path = sibling if sibling.is_file() else None
    overrides = None
    if overrides_path is not None:
        overrides = load_overrides(read_text_file(Path(overrides_path)), str(overrides_path))
    return import_plan(text, overrides=overrides)


def default_overrides_path(path) -> Path:
    path = Path(path)
    return path.with_name(path.stem + OVERRIDES_SUFFIX)


MAX_TEXT_BYTES = 16 * 1024 * 1024


def read_text_file(path: Path) -> str:
    """The file's text, or a one-line Chinese ``DataError``."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise DataError(f"{path} 过大({size} 字节,上限 {MAX_TEXT_BYTES}),不像方案文本")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"找不到文件: {path}") from None
    except IsADirectoryError:
        raise DataError(f"{path} 是目录,不是文本文件") from None
    except OSError as exc:
        raise DataError(f"无法读取文件 {path}: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise DataError(f"{path} 不是文本文件(含有二进制内容)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: 不是 UTF-8 编码的文本") from None
    return _normalize_newlines(text)


def unaccounted_figures(item: Item) -> tuple[str, ...]:
    """Digit runs in ``item.text`` covered by neither a metric nor a not-goal.

    Each metric's ``figure`` and each ``NotGoal.figure`` claims one occurrence
    of that text (the first not yet claimed; metrics split from one figure may
    share it). A claimed figure that does not occur in the text is reported too.
    """
    text = item.text
    claimed: list[tuple[int, int]] = []
    problems: list[str] = []
    figures = [m.figure for m in item.metrics if m.figure] + [g.figure for g in item.not_goals]
    for figure in figures:
        spans = _occurrences(text, figure)
        if not spans:
            problems.append(f"{figure}(原文中没有)")
            continue
        free = [span for span in spans if span not in claimed]
        claimed.append(free[0] if free else spans[0])
    for match in _DIGIT_RUN.finditer(text):
        if not any(a <= match.start() and match.end() <= b for a, b in claimed):
            problems.append(_context(text, match.start(), match.end()))
    return tuple(problems)


# ---------------------------------------------------------------------------
# Small text helpers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "零〇一二两三四五六七八九十百"
_OPEN = "(\uff08〔[【［"
_CLOSE = ")\uff09〕]】］"
_CLAUSE_PUNCT = set(",\uff0c;\uff1b。:\uff1a!\uff01?\uff1f\n")
_PUNCT = _CLAUSE_PUNCT | set(_OPEN + _CLOSE + "、《》“”\"'‘’·—-… ")
_DIGIT_RUN = re.compile(r"\d+(?:\.\d+)?")


def _normalize_newlines(text: str) -> str:
    text = str(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def chinese_number(numeral: str) -> int | None:
    """'十一' -> 11, '二十三' -> 23, '7' -> 7; None if it is not a numeral."""
    numeral = numeral.strip()
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    value = total + current
    return value if numeral else None


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _short(text: str, width: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width] + "…"


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 6) : end + 3]


def _occurrences(text: str, figure: str) -> list[tuple[int, int]]:
    """Where ``figure`` occurs in ``text``, not as part of a longer number."""
    spans = []
    start = text.find(figure)
    while start >= 0 and figure:
        end = start + len(figure)
        cut_before = figure[0].isdigit() and start > 0 and (text[start - 1].isdigit() or text[start - 1] == ".")
        cut_after = figure[-1].isdigit() and end < len(text) and text[end].isdigit()
        if not (cut_before or cut_after):
            spans.append((start, end))
        start = text.find(figure, start + 1)
    return spans


def _quote_mask(text: str) -> list[bool]:
    """True for each character inside “…” quotes."""
    mask, depth = [], 0
    for ch in text:
        if ch == "“":
            depth += 1
        mask.append(depth > 0)
        if ch == "”" and depth:
            depth -= 1
    return mask


def _split_top_level(value: str, separators: str) -> list[str]:
    """Split on separators outside brackets: 区财政局(国资局) stays whole."""
    parts, depth, current = [], 0, []
    for ch in value:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if depth == 0 and (ch in separators or ch.isspace()):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


# ---------------------------------------------------------------------------
# Assignments: (责任领导:…;牵头单位:…;责任单位:…)

_KEY_FIELDS = {
    "责任领导": "leaders", "責任領導": "leaders", "分管领导": "leaders", "分管領導": "leaders",
    "牵头领导": "leaders", "牽頭領導": "leaders",
    "牵头单位": "lead", "牽頭單位": "lead", "牵头部门": "lead", "牽頭部門": "lead",
    "责任单位": "units", "責任單位": "units", "责任部门": "units", "責任部門": "units",
    "配合单位": "units", "配合單位": "units", "协办单位": "units", "協辦單位": "units",
}  # fmt: skip
_KEY = re.compile("(" + "|".join(_KEY_FIELDS) + r")\s*[:\uff1a]")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}[省市县区縣區]$")
_NOT_PLACE = re.compile(r"(开发区|開發區|物流区|示范区|風景區|风景区|园区|園區|新区|新區|经济区|功能区|试验区|实验区|保护区)$")
_GOV_SUFFIX = re.compile(r"^([\u4e00-\u9fff]{1,6}[省市县区縣區])(人民政府|政府)$")


@dataclass
class _Assignment:
    leaders: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    leftover: str = ""  # text before the first key, not understood


def _has_key(text: str) -> bool:
    return _KEY.search(text) is not None


def parse_assignment(content: str) -> _Assignment:
    """责任领导/牵头单位/责任单位 values; any separator (`;`, `:`, `,`) may end a value."""
    result = _Assignment()
    matches = list(_KEY.finditer(content))
    if not matches:
        result.leftover = content.strip()
        return result
    result.leftover = content[: matches[0].start()].strip(" ;\uff1b,\uff0c。")
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(content)
        value = content[match.end() : end]
        target = getattr(result, _KEY_FIELDS[match.group(1)])
        for name in split_names(value):
            if name not in target:
                target.append(name)
    return result


def split_names(value: str) -> list[str]:
    """'区发改局、区财政局,各乡镇办场' -> names; expands 咸安区、嘉鱼县人民政府."""
    names = [name.strip("。.:\uff1a") for name in _split_top_level(value, "、,\uff0c;\uff1b")]
    return _expand_shared_suffix([name for name in names if name])


def _expand_shared_suffix(names: list[str]) -> list[str]:
    """咸安区、嘉鱼县、通山县人民政府 -> three 人民政府 names; others unchanged."""
    result = list(names)
    for index, name in enumerate(names):
        match = _GOV_SUFFIX.match(name)
        if not match:
            continue
        back = index - 1
        while back >= 0 and _PLACE.match(names[back]) and not _NOT_PLACE.search(names[back]):
            result[back] = names[back] + match.group(2)
            back -= 1
    return result


def split_assignment(body: str) -> tuple[str, str | None]:
    """Item text and the assignment text (last bracketed group, or a trailing 责任单位:…)."""
    stripped = body.rstrip()
    if stripped and stripped[-1] in _CLOSE:
        depth = 0
        for pos in range(len(stripped) - 1, -1, -1):
            ch = stripped[pos]
            if ch in _CLOSE:
                depth += 1
            elif ch in _OPEN:
                depth -= 1
                if depth == 0:
                    inner = stripped[pos + 1 : -1]
                    if _has_key(inner):
                        return stripped[:pos].rstrip(), inner
                    break
    match = _KEY.search(stripped)
    if match and match.start() > 0 and stripped[match.start() - 1] in "。 \t;\uff1b":
        return stripped[: match.start()].rstrip(), stripped[match.start() :]
    return stripped, None


# ---------------------------------------------------------------------------
# Figures -> metrics and not-goals

_UNITS = sorted(
    [
        "万平方米", "平方公里", "平方米", "个百分点", "百分点", "万千瓦", "千瓦时", "千瓦", "兆瓦",
        "万人次", "人次", "万人", "万户", "万头", "万吨", "万亩", "万元", "亿元", "亿斤", "万斤",
        "公里", "千米", "公顷", "%", "％", "‰", "亿", "万", "元", "亩", "人", "个", "家", "件",
        "户", "座", "套", "项", "所", "处", "条", "台", "张", "名", "次", "场", "栋", "只",
        "辆", "头", "吨", "斤", "米", "篇", "批", "部", "支", "床", "宗", "株", "棵",
        # Traditional Chinese
        "萬平方米", "萬人次", "萬人", "萬戶", "萬頭", "萬噸", "萬畝", "萬元", "億元", "億", "萬",
        "戶", "畝", "個", "項", "處", "條", "臺", "張", "場", "輛", "頭", "噸",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_FIGURE = re.compile(
    r"(?P<low>\d+(?:\.\d+)?)(?:\s*[—–~～至到-]\s*(?P<high>\d+(?:\.\d+)?))?"
    r"(?P<unit>" + "|".join(re.escape(unit) for unit in _UNITS) + ")?"
)
_MONEY = ("亿元", "万元", "元", "億元", "萬元")
_DATE_FIGURE = re.compile(
    r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号])?(?:底|末|份|中旬|上旬|下旬)?(?:前|以前|之前)?"
)
_TIME_PREFIX = re.compile(
    r"^(上半年|下半年|年内|年底前|年底|前三季度|第?[一二三四]季度|"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:底|末|份)?(?:前|以前|之前)?)"
)
_ROAD = re.compile(r"(国道|省道|县道|乡道|號線|号线)")
_LATIN = re.compile(r"[A-Za-z0-9.+]*[A-Za-z][A-Za-z0-9.+]*|[A-Za-z0-9.+]+")
_LEADING_FILLERS = sorted(
    [
        "全年", "年内", "今年", "力争", "确保", "確保", "努力", "争取", "争创", "其中", "推动", "实现",
        "全面完成", "完成", "全面", "培育", "加快", "扎实推进", "推进", "严格落实", "落实", "累计",
        "实施", "重点", "大力", "持续", "积极", "并", "共", "再", "，", ",", "、", "和", "及",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_TRAILING_WORDS = sorted(
    [
        "不少于", "不低于", "不超过", "不高于", "超过", "突破", "达到", "达", "達", "为", "到", "至",
        "控制在", "保持在", "稳定在", "累计", "力争", "确保", "合计", "总计", "约", "和", "及", "与", "、",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_GROWTH_WORDS = ("同比增长", "同比增加", "增长", "增長", "增速", "增幅")
_LEVEL_WORDS = re.compile(r"(率|比重|占比|比例|拥有量|擁有量|保有量|人均|每万人|每萬人|每千人|密度|指数|指數)")
_CEILING_BEFORE = re.compile(r"(不超过|不超過|不高于|控制在|(?<!不)低于|(?<!不)少于)\s*$")
_CEILING_AFTER = ("以内", "以下")
_AFTER_SKIP = ("以上", "以下", "以内", "左右")


@dataclass
class FigureHit:
    """One figure found in an item's text and what the parser made of it."""

    start: int
    end: int
    figure: str
    number: float
    unit: str
    metric: Metric | None = None
    not_goal: str | None = None  # reason, if it is plainly not a goal

    @property
    def unknown(self) -> bool:
        return self.metric is None and self.not_goal is None


def extract_figures(text: str) -> list[FigureHit]:
    """Every digit-bearing figure of ``text``, classified, in document order."""
    hits: list[FigureHit] = []
    quoted = _quote_mask(text)
    pos = 0
    while True:
        match = _DIGIT_RUN.search(text, pos)
        if not match:
            break
        hit = _classify_figure(text, match.start(), quoted)
        hits.append(hit)
        pos = max(hit.end, match.end())
    _name_metrics(text, hits)
    return hits


def _classify_figure(text: str, start: int, quoted: list[bool]) -> FigureHit:
    if quoted[start]:
        return _quoted_hit(text, start)
    latin = _latin_token(text, start)
    if latin:
        a, b = latin
        return FigureHit(a, b, text[a:b], 0.0, "", not_goal="名称的一部分")
    match = _FIGURE.match(text, start)
    low, unit, end = match.group("low"), match.group("unit") or "", match.end()
    number = float(low)
    rest = text[match.end("low") :]
    if _ROAD.match(rest):
        end = match.end("low") + _ROAD.match(rest).end()
        return FigureHit(start, end, text[start:end], number, "", not_goal="道路编号,名称的一部分")
    if len(low) == 4 and low[:2] in ("19", "20") and rest.startswith("年"):
        return FigureHit(start, start + 5, text[start : start + 5], number, "", not_goal="年份,非目标")
    when = _DATE_FIGURE.match(text, start)
    if when and (len(low) <= 2 or rest.startswith("年")):
        return FigureHit(start, when.end(), when.group(0), number, "", not_goal="时间节点,非目标")
    if rest.startswith("大") and len(rest) > 1 and _is_cjk(rest[1]):
        return FigureHit(start, start + len(low) + 1, low + "大", number, "", not_goal="称谓中的数字(如“8大产业链”),非目标")
    if not unit:
        return FigureHit(start, match.end("low"), low, number, "")
    hit = FigureHit(start, end, text[start:end], number, unit.replace("％", "%"))
    if unit in _MONEY and _is_qualifier(text, end):
        hit.not_goal = "金额门槛(限定语),非目标"
        return hit
    hit.metric = Metric(name="", target=number, unit=hit.unit, figure=hit.figure)
    if match.group("high"):
        note = f"目标区间{low}—{match.group('high')},按下限计"
        hit.metric = replace(hit.metric, note=note)
    return hit


def _quoted_hit(text: str, start: int) -> FigureHit:
    open_at = text.rfind("“", 0, start)
    close_at = text.find("”", start)
    end = close_at + 1 if close_at >= 0 else len(text)
    return FigureHit(open_at, end, text[open_at:end], 0.0, "", not_goal="名称的一部分")


def _latin_token(text: str, start: int) -> tuple[int, int] | None:
    """Span of 5G / PM2.5 / G351 / S31 when the digits touch Latin letters."""
    a = start
    while a > 0 and (text[a - 1].isascii() and (text[a - 1].isalnum() or text[a - 1] in ".+")):
        a -= 1
    b = start
    while b < len(text) and text[b].isascii() and (text[b].isalnum() or text[b] in ".+"):
        b += 1
    token = text[a:b].rstrip(".+")
    if any(ch.isalpha() for ch in token):
        return a, a + len(token)
    return None


def _is_qualifier(text: str, end: int) -> bool:
    """亿元以上项目: a money figure + 以上/以下 + a noun describes, it is no goal."""
    rest = text[end:]
    for word in ("以上", "以下"):
        if rest.startswith(word):
            return len(rest) > 2 and _is_cjk(rest[2])
    return False


def _name_metrics(text: str, hits: list[FigureHit]) -> None:
    """Give each metric hit a name, kind and op from the clause around it."""
    boundary = 0
    previous_name = ""
    for hit in hits:
        if hit.metric is None:
            continue
        clause_start = max(boundary, _clause_start(text, hit.start))
        before = text[clause_start : hit.start]
        name, kind = _name_and_kind(before, text, hit)
        name = name or previous_name or hit.figure
        op = "<=" if _is_ceiling(before, text, hit.end) else ">="
        hit.metric = replace(hit.metric, name=name, kind=kind, op=op)
        previous_name = name
        boundary = _after_qualifiers(text, hit.end)


def _clause_start(text: str, pos: int) -> int:
    quoted = _quote_mask(text)
    for index in range(pos - 1, -1, -1):
        if text[index] in _CLAUSE_PUNCT and not quoted[index]:
            return index + 1
    return 0


def _after_qualifiers(text: str, end: int) -> int:
    for word in _AFTER_SKIP:
        if text.startswith(word, end):
            return end + len(word)
    return end


def _name_and_kind(before: str, text: str, hit: FigureHit) -> tuple[str, str]:
    growth_subject = _growth_subject(before) if hit.unit == "%" else None
    if growth_subject is not None:
        return _clean_name(growth_subject) + "增速", GROWTH
    name = _clean_name(before)
    noun = _noun_after(text, hit.end)
    if noun:
        name = (name if len(name) <= 6 else "") + noun
    kind = LEVEL if hit.unit in ("%", "‰") or _LEVEL_WORDS.search(name) else CUMULATIVE
    return name, kind


def _growth_subject(before: str) -> str | None:
    stripped = before.rstrip()
    for word in _GROWTH_WORDS:
        if stripped.endswith(word):
            subject = stripped[: -len(word)]
            return subject[: -len("同比")] if subject.endswith("同比") else subject
    return None


def _clean_name(clause: str) -> str:
    name = clause.strip().strip("、,\uff0c等 ")
    changed = True
    while changed and name:
        changed = False
        time_prefix = _TIME_PREFIX.match(name)
        if time_prefix:
            name = name[time_prefix.end() :].lstrip()
            changed = True
        for word in _LEADING_FILLERS:
            if name.startswith(word):
                name = name[len(word) :].lstrip()
                changed = True
                break
        for word in _TRAILING_WORDS:
            if name.endswith(word):
                name = name[: -len(word)].rstrip()
                changed = True
                break
    return name


def _noun_after(text: str, end: int) -> str:
    """The noun right after a figure (191个共同缔造试点) up to the next punctuation."""
    pos = _after_qualifiers(text, end)
    noun = []
    while pos < len(text) and text[pos] not in _PUNCT and not text[pos].isdigit():
        noun.append(text[pos])
        pos += 1
    result = "".join(noun)
    while result and result[-1] in "和及与等":
        result = result[:-1]
    return result if result and _is_cjk(result[0]) else ""


def _is_ceiling(before: str, text: str, end: int) -> bool:
    if _CEILING_BEFORE.search(before) or "控制在" in before:
        return True
    return any(text.startswith(word, end) for word in _CEILING_AFTER)


# ---------------------------------------------------------------------------
# Due quarter

_MONTH = re.compile(r"([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末|份|中旬|上旬|下旬)?(?:前|以前|之前)")
_QUARTER_WORDS = (
    ("第一季度", 1), ("一季度", 1), ("上半年", 2), ("第二季度", 2), ("二季度", 2),
    ("前三季度", 3), ("第三季度", 3), ("三季度", 3),
)  # fmt: skip


def due_quarter(text: str) -> int:
    """Quarter by which the text says it is done: 6月底前/上半年 -> 2; default 4."""
    quarters = [4]
    for word, quarter in _QUARTER_WORDS:
        if word in text:
            quarters.append(quarter)
    for match in _MONTH.finditer(text):
        month = chinese_number(match.group(1)) if not match.group(1).isdigit() else int(match.group(1))
        if month and 1 <= month <= 12:
            quarters.append((month + 2) // 3)
    return min(quarters)


# ---------------------------------------------------------------------------
# Overrides


_METRIC_FIELDS = ("name", "kind", "op", "target", "unit", "note", "schedule")
_ENTRY_FIELDS = ("figure", "not_goal", "split", *_METRIC_FIELDS)


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

    def entry(self, entry, item_id: str, node: Node | None) -> dict:
        where = self.where(node)
        if not isinstance(entry, dict):
            raise DataError(f"{where}: 条目 {item_id} 的覆盖项应为映射,如 {{figure: 336个, name: 新建5G基站}}")
        unknown = [key for key in entry if key not in _ENTRY_FIELDS and key != "line"]
        if unknown:
            allowed = "、".join(_ENTRY_FIELDS)
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


def _yaml_error_line(exc: YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def _yaml_problem(exc: YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc)
    return " ".join(str(problem).split())


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


# ---------------------------------------------------------------------------
# The document walker

_PART_HEADING = re.compile(r"^([一二三四五六七八九十]+)\s*[、.\uff0e]\s*(\S.*)$")
_CN_NUMBERED = re.compile(r"^[(\uff08〔]\s*([零〇一二两三四五六七八九十百]+)\s*[)\uff09〕]\s*(.*)$")
_NUMBERED = re.compile(r"^(?:(\d+)\s*(?:[.\uff0e](?!\d)|、)|[(\uff08](\d+)[)\uff09])\s*(.*)$")
_BULLET = re.compile(r"^[-•*●▪◆·]\s*(.+)$")
_BLOCK_MARKER = re.compile(r"^·\s*(\S.*?)\s*·$")
_CORE = re.compile(r"^核心\s*[:\uff1a]\s*(.+)$")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SECTION = re.compile(r"[\u4e00-\u9fff“”《》、()\uff08\uff09]+")
_TARGET_WORDS = re.compile(r"(目标|目標)")
_ACTION_WORDS = re.compile(r"(行动|行動|重点工作|重點工作|任务|任務|工作)")


@dataclass
class _Draft:
    id: str
    kind: str
    text: str
    line: int
    action: int | None = None
    section: str | None = None
    leaders: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


@dataclass
class _ActionDraft:
    id: int
    title: str
    intro: str = ""
    sections: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # block header lines (·谋划2024· format)
    in_header: bool = False
    has_tasks: bool = False


class _Builder:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.warnings: list[ImportWarning] = []
        self.mode: str | None = None  # TARGET or TASK part of the document
        self.actions: list[_ActionDraft] = []
        self.section: str | None = None
        self.items: list[_Draft] = []
        self.ids: set[str] = set()
        self.title = ""
        self.issuer = ""
        self.issued: date | None = None
        self.years: list[int] = []

    # -- walking

    def run(self) -> None:
        start = self._body_start()
        self._read_preamble(start)
        for index in range(start, len(self.lines)):
            line = self.lines[index].strip()
            if line:
                self._read_line(index + 1, line)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportWarning(line, message))

    def _body_start(self) -> int:
        for index, raw in enumerate(self.lines):
            if self._starts_body(raw.strip()):
                return index
        return len(self.lines)

    def _starts_body(self, line: str) -> bool:
        if not line:
            return False
        if self._is_part_heading(line) or _BLOCK_MARKER.match(line) or _CORE.match(line):
            return True
        if _CN_NUMBERED.match(line) and chinese_number(_CN_NUMBERED.match(line).group(1)):
            return True
        return bool(_NUMBERED.match(line)) or (bool(_BULLET.match(line)) and not line.startswith("·"))

    @staticmethod
    def _is_part_heading(line: str) -> bool:
        match = _PART_HEADING.match(line)
        return bool(match) and "。" not in line and len(line) <= 40 and not _has_key(line)

    def _read_line(self, number: int, line: str) -> None:
        for reader in (
            self._read_part_heading,
            self._read_block_marker,
            self._read_core,
            self._read_assignment_line,
            self._read_cn_numbered,
            self._read_numbered,
            self._read_bullet,
            self._read_block_header,
            self._read_section,
            self._read_intro,
        ):
            if reader(number, line):
                return
        self.warn(number, f"无法识别的行,已跳过: {_short(line)}")

    # -- preamble (notice, title block)

    def _read_preamble(self, end: int) -> None:
        lines = [(index + 1, self.lines[index].strip()) for index in range(end) if self.lines[index].strip()]
        title_lines = self._title_block(lines)
        for number, text in lines:
            if number in title_lines:
                continue
            date_match = _DATE.match(text)
            if date_match:
                self._read_date(number, date_match)
            elif not self._is_notice_prose(text):
                if self._looks_like_issuer(number, lines):
                    self.issuer = text
                else:
                    self.warn(number, f"无法识别的行,已跳过: {_short(text)}")
        self.title = "".join(text for number, text in lines if number in title_lines)
        self._note_year(self.title)

    def _title_block(self, lines: list[tuple[int, str]]) -> set[int]:
        block: list[int] = []
        for number, text in reversed(lines):
            if not self._is_title_like(text) or (block and number != block[-1] - 1):
                break
            if self._looks_like_issuer(number, lines):
                break
            block.append(number)
        return set(block)

    @staticmethod
    def _is_title_like(text: str) -> bool:
        return (
            len(text) <= 40
            and not _has_key(text)
            and not any(ch in text for ch in "。;\uff1b")
            and not text.endswith((":", "\uff1a"))
            and not _DATE.match(text)
            and not (text[0] in _OPEN and text[-1] in _CLOSE)
        )

    def _looks_like_issuer(self, number: int, lines: list[tuple[int, str]]) -> bool:
        """The short line right before the date line (咸安区人民政府办公室)."""
        following = [text for n, text in lines if n > number]
        text = self._line(number)
        return bool(following) and bool(_DATE.match(following[0])) and len(text) <= 30 and _is_cjk(text[0])

    def _line(self, number: int) -> str:
        return self.lines[number - 1].strip()

    @staticmethod
    def _is_notice_prose(text: str) -> bool:
        wrapped = text[0] in _OPEN and text[-1] in _CLOSE
        return wrapped or text.endswith(("。", ":", "\uff1a")) or text.startswith(("附件", "抄送"))

    def _read_date(self, number: int, match: re.Match) -> None:
        try:
            self.issued = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            self.warn(number, f"日期无效: {match.group(0)}")

    def _note_year(self, text: str) -> None:
        match = _YEAR.search(text)
        if match:
            self.years.append(int(match.group(1)))

    # -- body readers; each returns True when the line is its kind

    def _read_part_heading(self, number: int, line: str) -> bool:
        if not self._is_part_heading(line):
            return False
        heading = _PART_HEADING.match(line).group(2)
        is_targets = _TARGET_WORDS.search(heading) and not _ACTION_WORDS.search(heading.replace("目标任务", ""))
        self.mode = TARGET if is_targets else TASK
        self.section = None
        self._note_year(heading)
        return True

    def _read_block_marker(self, number: int, line: str) -> bool:
        match = _BLOCK_MARKER.match(line)
        if not match:
            return False
        self.mode = TASK
        self.section = None
        self.actions.append(_ActionDraft(id=len(self.actions) + 1, title="", in_header=True))
        year = re.search(r"(?:19|20)\d{2}", match.group(1))  # ·谋划2024·
        if year:
            self.years.append(int(year.group(0)))
        return True

    def _read_core(self, number: int, line: str) -> bool:
        match = _CORE.match(line)
        if not match:
            return False
        self._close_header()
        self._add_section(number, match.group(1).strip().rstrip("。"))
        return True

    def _read_assignment_line(self, number: int, line: str) -> bool:
        inner = line[1:-1] if line[0] in _OPEN and line[-1] in _CLOSE else line
        match = _KEY.match(inner.strip())
        if not match:
            return False
        if not self.items:
            self.warn(number, f"责任分工行前面没有目标或任务,已跳过: {_short(line)}")
            return True
        self._assign(number, self.items[-1], inner)
        return True

    def _read_cn_numbered(self, number: int, line: str) -> bool:
        match = _CN_NUMBERED.match(line)
        value = chinese_number(match.group(1)) if match else None
        if not value:
            return False
        body = match.group(2).strip()
        if self.mode == TARGET:
            self._add_item(number, f"G{value}", TARGET, body)
        else:
            self._add_action(number, value, body)
        return True

    def _read_numbered(self, number: int, line: str) -> bool:
        match = _NUMBERED.match(line)
        if not match:
            return False
        value = int(match.group(1) or match.group(2))
        body = match.group(3).strip()
        if self.mode == TARGET:
            self._add_item(number, f"G{value}", TARGET, body)
        else:
            self._add_item(number, str(value), TASK, body)
        return True

    def _read_bullet(self, number: int, line: str) -> bool:
        match = _BULLET.match(line)
        if not match or line.startswith("·") and not line[1:2].isspace():
            return False
        self._close_header()
        kind = TARGET if self.mode == TARGET else TASK
        existing = [int(d.id.lstrip("G")) for d in self.items if d.kind == kind and d.id.lstrip("G").isdigit()]
        next_id = max(existing, default=0) + 1
        self._add_item(number, f"G{next_id}" if kind == TARGET else str(next_id), kind, match.group(1).strip())
        return True

    def _read_block_header(self, number: int, line: str) -> bool:
        action = self.actions[-1] if self.actions else None
        if not action or not action.in_header:
            return False
        if not self._is_title_like(line):
            return False
        action.header.append(line)
        return True

    def _read_section(self, number: int, line: str) -> bool:
        if self.mode != TASK or not self.actions:
            return False
        name = line.rstrip("。")
        if len(name) > 30 or not _SECTION.fullmatch(name):
            return False
        self._add_section(number, name)
        return True

    def _read_intro(self, number: int, line: str) -> bool:
        action = self.actions[-1] if self.actions else None
        if self.mode != TASK or not action or action.sections or action.has_tasks or not line.endswith("。"):
            return False
        action.intro += line
        return True

    # -- building

    def _close_header(self) -> None:
        action = self.actions[-1] if self.actions else None
        if not action or not action.in_header:
            return
        action.in_header = False
        header = action.header
        titled = [text for text in header if text.startswith("奋力")]
        action.title = titled[0] if titled else (header[-1] if header else "")
        action.intro = " ".join(text for text in header if text != action.title)

    def _add_action(self, number: int, value: int, body: str) -> None:
        self._close_header()
        self.mode = TASK
        title, _, intro = body.partition("。")
        if any(a.id == value for a in self.actions):
            self.warn(number, f"行动编号({value})重复")
        self.actions.append(_ActionDraft(id=value, title=title.strip(), intro=intro.strip()))
        self.section = None
        if not title.strip():
            self.warn(number, "行动标题为空")

    def _add_section(self, number: int, name: str) -> None:
        if not self.actions:
            self.warn(number, f"小标题前面没有行动,已跳过: {_short(name)}")
            return
        self.actions[-1].sections.append(name)
        self.section = name

    def _add_item(self, number: int, item_id: str, kind: str, body: str) -> None:
        self._close_header()
        if item_id in self.ids:
            self.warn(number, f"编号 {item_id} 重复,已跳过: {_short(body)}")
            return
        self._check_sequence(number, item_id, kind)
        text, assignment = split_assignment(body)
        if not text:
            self.warn(number, f"编号 {item_id} 没有内容")
        action = self.actions[-1].id if kind == TASK and self.actions else None
        if action is not None:
            self.actions[-1].has_tasks = True
        draft = _Draft(item_id, kind, text, number, action=action, section=self.section if action else None)
        self.ids.add(item_id)
        self.items.append(draft)
        if assignment is not None:
            self._assign(number, draft, assignment)

    def _check_sequence(self, number: int, item_id: str, kind: str) -> None:
        previous = [d for d in self.items if d.kind == kind]
        if not previous:
            return
        last, current = previous[-1].id.lstrip("G"), item_id.lstrip("G")
        if last.isdigit() and current.isdigit() and int(current) != int(last) + 1:
            self.warn(number, f"编号不连续: {previous[-1].id} 之后是 {item_id}")

    def _assign(self, number: int, draft: _Draft, content: str) -> None:
        parsed = parse_assignment(content)
        if parsed.leftover:
            self.warn(number, f"责任分工中无法识别的内容: {_short(parsed.leftover)}")
        for name in ("leaders", "lead", "units"):
            target = getattr(draft, name)
            target.extend(value for value in getattr(parsed, name) if value not in target)

    # -- result

    def finish(self, overrides: dict[str, list[dict]]) -> ImportResult:
        self._close_header()
        items = [self._item(draft, overrides.get(draft.id, [])) for draft in self.items]
        for item_id, entries in overrides.items():
            if item_id not in self.ids:
                self.warn(0, f"覆盖文件第{entries[0]['line']}行: 原文中没有条目 {item_id}")
        if not items:
            self.warn(0, "没有找到任何目标或任务")
        info = PlanInfo(title=self.title, issuer=self.issuer, issued=self.issued, year=self._year())
        actions = tuple(Action(a.id, a.title, a.intro, tuple(a.sections)) for a in self.actions)
        plan = Plan(
            info=info,
            actions=actions,
            targets=tuple(item for item in items if item.kind == TARGET),
            tasks=tuple(item for item in items if item.kind == TASK),
        )
        warnings = sorted(self.warnings, key=lambda w: w.line)
        return ImportResult(plan=plan, warnings=tuple(warnings))

    def _year(self) -> int:
        if self.years:
            return self.years[0]
        return self.issued.year if self.issued else 0

    def _item(self, draft: _Draft, entries: list[dict]) -> Item:
        label = f"目标{draft.id}" if draft.kind == TARGET else f"任务{draft.id}"

        def warn(message: str) -> None:
            self.warn(draft.line, f"{label}: {message}")

        hits = extract_figures(draft.text)
        metrics, not_goals = apply_overrides(draft.text, hits, entries, warn)
        return Item(
            id=draft.id,
            kind=draft.kind,
            text=draft.text,
            leaders=tuple(draft.leaders),
            lead=tuple(draft.lead),
            units=tuple(draft.units),
            metrics=tuple(metrics),
            action=draft.action,
            section=draft.section,
            due=due_quarter(draft.text),
            not_goals=tuple(not_goals),
            source_line=draft.line,
        )
