"""Assignments: (责任领导:…;牵头单位:…;责任单位:…) and unit lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xatrack.importer.text import _CLOSE, _OPEN, _split_top_level


_KEY_FIELDS = {
    "责任领导": "leaders", "責任領導": "leaders", "分管领导": "leaders", "分管領導": "leaders",
    "牵头领导": "leaders", "牽頭領導": "leaders",
    "牵头单位": "lead", "牽頭單位": "lead", "牵头部门": "lead", "牽頭部門": "lead",
    "责任单位": "units", "責任單位": "units", "责任部门": "units", "責任部門": "units",
    "配合单位": "units", "配合單位": "units", "协办单位": "units", "協辦單位": "units",
    "牵头责任单位": "lead", "协同单位": "units", "责任科室": "units",
    "完成时限": "deadline", "完成時限": "deadline", "时间节点": "deadline", "時間節點": "deadline",
    "完成时间": "deadline", "时限要求": "deadline",
    "牵头负责领导": "leaders", "牽頭負責領導": "leaders", "联系领导": "leaders", "聯繫領導": "leaders",
    "包保领导": "leaders", "主要领导": "leaders",
    "牽頭責任單位": "lead", "主责单位": "lead", "主責單位": "lead",
    "协同责任单位": "units", "協同責任單位": "units", "協同單位": "units", "参与单位": "units", "參與單位": "units",
    "責任科室": "units", "配合部门": "units", "配合部門": "units", "协办部门": "units",
}  # fmt: skip
# longest first: 牵头责任单位 before 责任单位
_KEY = re.compile("(" + "|".join(sorted(_KEY_FIELDS, key=len, reverse=True)) + r")\s*[:\uff1a]")
# 省商务厅牵头 / 县人社局(牵头): it and those before it lead
_BRACKETED_LABEL = re.compile("【\\s*(" + "|".join(sorted(_KEY_FIELDS, key=len, reverse=True)) + ")\\s*】\\s*[:\uff1a]?")
_LEADS_HERE = re.compile(r"^(?P<name>.+?)\s*[(\uff08〔\[]?(?:牵头|牽頭)(?:负责|負責|单位|單位)?[)\uff09〕\]]?$")
_OPEN_END = re.compile(r"^(?P<name>.+?[^\s、])等$")  # 市疾控中心等: the list goes on
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}[省市县区縣區]$")
_NOT_PLACE = re.compile(r"(开发区|開發區|物流区|示范区|風景區|风景区|园区|園區|新区|新區|经济区|功能区|试验区|实验区|保护区)$")
_GOV_SUFFIX = re.compile(r"^([\u4e00-\u9fff]{1,6}[省市县区縣區])(人民政府|政府)$")


@dataclass
class _Assignment:
    leaders: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    deadline: list[str] = field(default_factory=list)
    leftover: str = ""  # text before the first key, not understood
    open_list: bool = False  # a unit ends with 等: more units than the list names
    lead_in_list: bool = False  # 责任单位:甲、乙牵头,丙: the lead marked inside the list


def bracketed_labels(line: str) -> str:
    """【责任领导】甲乙【牵头单位】县交通局 -> 责任领导:甲乙;牵头单位:县交通局 (a known label only)."""

    def label(match: re.Match) -> str:
        before = line[: match.start()].rstrip()
        joiner = "" if not before or before.endswith(("。", ";", "\uff1b", " ")) else ";"
        return f"{joiner}{match.group(1)}:"

    return _BRACKETED_LABEL.sub(label, line)


def has_key(text: str) -> bool:
    """Whether the text holds a label such as 责任单位: or 牵头单位:."""
    return _KEY.search(text) is not None


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
        if target is result.deadline:
            words = value.strip(" ;\uff1b,\uff0c。")
            if words and words not in target:
                target.append(words)
            continue
        names = split_names(value)
        if target is not result.leaders:
            names = _open_list(names, result)
            if target is result.units:
                leads, names = _leads_in_list(names)
                if leads:
                    result.lead_in_list = True
                    result.lead.extend(name for name in leads if name not in result.lead)
        for name in names:
            if name not in target:
                target.append(name)
    return result


def _open_list(names: list[str], result: _Assignment) -> list[str]:
    """市疾控中心等 -> 市疾控中心, and the list is recorded as open."""
    out = []
    for name in names:
        match = _OPEN_END.match(name)
        if match and len(match.group("name")) >= 2:
            name = match.group("name")
            result.open_list = True
        out.append(name)
    return out


def _leads_in_list(names: list[str]) -> tuple[list[str], list[str]]:
    """省财政厅、省商务厅牵头,省文旅厅 -> ([省财政厅, 省商务厅], [省文旅厅]): the ones up to 牵头 lead."""
    last = max((index for index, name in enumerate(names) if _LEADS_HERE.match(name)), default=None)
    if last is None:
        return [], names
    leads = [_LEADS_HERE.match(name).group("name") if _LEADS_HERE.match(name) else name for name in names[: last + 1]]
    return leads, names[last + 1 :]


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


_DUTY_END = re.compile(r"^(?P<names>.+?)\s*(?:牵头|牽頭)?\s*(?:负责|負責|落实|落實)$")
_LEAD_THEN_HELP = re.compile(
    r"^(?P<lead>.+?)\s*(?:牵头|牽頭)(?:负责|負責)?\s*[,\uff0c;\uff1b]\s*(?P<units>.+?)\s*(?:配合|参与|參與|协同|協同|协助|協助)?(?:负责|負責)?$"
)


def duty_in_words(inner: str) -> tuple[list[str], list[str], str] | None:
    """(县交通运输局、县财政局负责) / (县交通局牵头,县财政局配合): (lead, units, what was inferred), or None.

    ``…负责`` names no lead: the first-listed is taken as lead, marked as inferred."""
    inner = inner.strip()
    match = _LEAD_THEN_HELP.match(inner)
    if match:
        return split_names(match.group("lead")), split_names(match.group("units")), ""
    match = _DUTY_END.match(inner)
    if match:
        names = split_names(match.group("names"))
        if names:
            return names[:1], names[1:], "牵头单位取“…负责”中列第一位的"
    return None
