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
    deadline: list[str] = field(default_factory=list)
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
        if target is result.deadline:
            words = value.strip(" ;\uff1b,\uff0c。")
            if words and words not in target:
                target.append(words)
            continue
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
