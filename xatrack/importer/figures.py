"""Figures in an item's text -> metrics and not-goals.

A goal becomes a ``Metric`` (its ``figure`` field keeps the text it came from);
a figure that is plainly not a goal (5G, “51020”, 107国道, 2025年, 10亿元以上项目)
becomes a ``NotGoal``. Recognizers of new wordings belong here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from xatrack.importer.text import _CLAUSE_PUNCT, _DIGIT_RUN, _PUNCT, _context, _is_cjk, _occurrences, _quote_mask
from xatrack.model import CUMULATIVE, GROWTH, LEVEL, Item, Metric


_UNITS = sorted(
    [
        "万平方米", "平方公里", "平方米", "个百分点", "百分点", "万千瓦", "千瓦时", "千瓦", "兆瓦",
        "万人次", "人次", "万场次", "场次", "架次", "车次", "班次", "批次", "户次", "家次", "萬場次", "場次",
        "万人", "万户", "万头", "万吨", "万亩", "万元", "亿元", "亿斤", "万斤",
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
    _name_respectively(text, hits)


_RESPECTIVELY = re.compile(r"(?P<subject>[^,\uff0c;\uff1b。:\uff1a]*?)分别(?:增长|增加|提高|下降|降低|达到|达|为|控制在)?\s*$")


def _name_respectively(text: str, hits: list[FigureHit]) -> None:
    """城镇和农村居民人均可支配收入分别增长8%、8.5%: one metric per subject (城镇居民…, 农村居民…),
    all of the first figure's kind."""
    metrics = [hit for hit in hits if hit.metric is not None]
    index = 0
    while index < len(metrics):
        first = metrics[index]
        group = [first]
        while index + len(group) < len(metrics):
            following = metrics[index + len(group)]
            if text[group[-1].end : following.start].strip() not in ("、", "和", "及", ",", "\uff0c"):
                break
            group.append(following)
        match = _RESPECTIVELY.search(text[_clause_start(text, first.start) : first.start])
        subjects = _subjects(match.group("subject")) if match and len(group) > 1 else []
        if len(subjects) == len(group):
            word = "增速" if first.metric.kind == GROWTH else ""
            for hit, subject in zip(group, subjects):
                hit.metric = replace(hit.metric, name=_clean_name(subject) + word, kind=first.metric.kind, op=first.metric.op)
        index += len(group)


def _subjects(subject: str) -> list[str]:
    """城镇和农村居民人均可支配收入 -> [城镇居民人均可支配收入, 农村居民人均可支配收入]."""
    parts = [part for part in re.split(r"[和及与、]", subject.strip()) if part]
    if len(parts) < 2:
        return []
    last = parts[-1]
    head = len(parts[0])
    tail = last[head:] if all(len(part) <= head for part in parts[:-1]) and len(last) > head else ""
    return [part + tail for part in parts[:-1]] + [last]


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


# --------------------------------------------------------------------------- targets stated against another figure

# "…增长与经济增长基本同步", "…与经济发展同步"
_IN_STEP = re.compile(r"^(?P<subject>.+?)(?:要|应|须)?与(?:地区)?经济(?:增长|发展)(?:基本)?同步")
# "…不低于全市平均水平", "…高于全省平均", "…快于全国平均水平"
_AGAINST_AVERAGE = re.compile(
    r"^(?P<subject>.+?)(?P<op>不低于|高于|快于|好于|不慢于|不高于|低于)(?P<ref>全[国省市县区]平均(?:水平|增速|值)?)"
)


def relative_metrics(text: str, growth_target: str | None) -> list[Metric]:
    """Metrics of a target stated against another figure (RELATIVE), in the
    common wordings; the overrides file settles the rest.

    * 与经济增长基本同步: follows ``growth_target`` (the id of the plan's GDP
      growth target, e.g. G1); nothing when the plan has none.
    * 不低于/高于/快于 全市(全省…)平均水平: follows a REFERENCE metric of the
      same item, named after the average, that the office records each quarter.
    """
    clause = re.split(r"[。;;]", text.strip(), maxsplit=1)[0]
    match = _IN_STEP.match(clause)
    if match and growth_target:
        subject = _relative_subject(match.group("subject"))
        return [Metric(name=subject, target=0, unit="%", kind="relative", follows=growth_target,
                       figure="与经济增长基本同步", note="与经济增长基本同步:按同季度报送的经济增速判断")]
    match = _AGAINST_AVERAGE.match(clause)
    if match:
        subject = _relative_subject(match.group("subject"))
        reference = match.group("ref")
        op = "<=" if match.group("op") in ("不高于", "低于") else ">="
        return [
            Metric(name=subject, target=0, unit="%", kind="relative", op=op, follows=reference,
                   figure=match.group("op") + reference),
            Metric(name=reference, target=0, unit="%", kind="reference", figure=reference,
                   note="对照数:由督查室每季度按公布数据报送"),
        ]
    return []


def _relative_subject(text: str) -> str:
    subject = re.sub(r"^[((][一二三四五六七八九十\d]+[))]|^\d+[.、.]", "", text.strip()).strip(",,、 ")
    return subject or text.strip()


def growth_target_id(items) -> str | None:
    """The id of the item stating the economy's growth (地区生产总值/GDP增长):
    a main target if there is one, else any item (a plan that lists it as a task)."""
    items = list(items)
    for wanted in ("target", None):
        for item in items:
            if wanted is not None and item.kind != wanted:
                continue
            for metric in item.metrics:
                if metric.kind == "growth" and re.search(r"(地区生产总值|GDP|生产总值)", metric.name + item.text):
                    return item.id
    return None
