"""The office's paperwork settings in tasks.yaml (settings.bulletin, settings.remind_days).

```yaml
settings:
  remind_days: 5                     # 催办单:限几个工作日内回复(默认 5,周一至周五)
  bulletin:
    masthead: 政务督查通报            # 版头名称(不写则没有版头)
    issuer: 咸安区人民政府督查室       # 发文机关
    issue: 第3期                       # 期号(不写则按本年已发布的通报续编;report --issue 优先)
    date: 2025-07-15                  # 印发日期(默认为生成当天)
    contact: 督查室 张三 0715-8888888  # 催办单上的联系方式
    requirements:                     # 下步要求(不写则通报中没有这一节);也可按季度写 {Q2: [...]}
      - 各牵头单位要对照序时进度……
```
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable

from xatrack.model import Bulletin, Settings

_BULLETIN_KEYS = ("masthead", "issuer", "issue", "date", "contact", "requirements")


def parse_paperwork_settings(
    raw: dict, line: int | None, line_of: Callable[[Any, Any], int | None], error: Callable[[int | None, str], None]
) -> dict:
    """Settings(**values) keywords for ``raw`` (the settings mapping); problems go to ``error``."""
    values: dict = {}
    if "remind_days" in raw:
        days = raw["remind_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= 365:
            error(line_of(raw, "remind_days") or line, f"settings.remind_days 应为 1–365 的工作日数,实为 {days!r}")
        else:
            values["remind_days"] = days
    if raw.get("bulletin") is None:
        return values
    node = raw["bulletin"]
    where = line_of(raw, "bulletin") or line
    if not isinstance(node, dict):
        error(where, "settings.bulletin 应为映射(masthead/issuer/issue/date/contact/requirements)")
        return values
    fields: dict = {}
    for key in node:
        at = line_of(node, key) or where
        value = node[key]
        if key not in _BULLETIN_KEYS:
            error(at, f"settings.bulletin 中未知的项 {key}(应为 {'/'.join(_BULLETIN_KEYS)})")
        elif key == "date":
            if not isinstance(value, date):
                error(at, f"settings.bulletin.date 应为日期(如 2025-07-15),实为 {value!r}")
            else:
                fields["date"] = value
        elif key == "requirements":
            if isinstance(value, dict):
                per_quarter = []
                for quarter in value:
                    q = _quarter_key(quarter)
                    paragraphs = _paragraphs(value[quarter])
                    if q is None or paragraphs is None:
                        error(line_of(value, quarter) or at, f"settings.bulletin.requirements 的 {quarter}:应为 Q1–Q4 对应的文字或文字列表")
                    else:
                        per_quarter.append((q, paragraphs))
                fields["by_quarter"] = tuple(per_quarter)
            else:
                paragraphs = _paragraphs(value)
                if paragraphs is None:
                    error(at, "settings.bulletin.requirements 应为文字、文字列表,或按季度 {Q2: [...]}")
                else:
                    fields["requirements"] = paragraphs
        elif value is None:
            continue
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            fields[key] = str(value).strip()
        else:
            error(at, f"settings.bulletin.{key} 应为文字,实为 {type(value).__name__}")
    values["bulletin"] = Bulletin(**fields)
    return values


def _quarter_key(key: Any) -> int | None:
    text = str(key).strip().upper()
    if text in ("Q1", "Q2", "Q3", "Q4"):
        return int(text[1])
    if text in ("1", "2", "3", "4"):
        return int(text)
    return None


def _paragraphs(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(p.strip() for p in value.splitlines() if p.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None


def dump_paperwork_settings(settings: Settings) -> dict:
    """The keys to write back into settings (only those that differ from the defaults)."""
    out: dict = {}
    if settings.remind_days != Settings.remind_days:
        out["remind_days"] = settings.remind_days
    b = settings.bulletin
    if b != Bulletin():
        node: dict = {}
        for key in ("masthead", "issuer", "issue", "date", "contact"):
            if getattr(b, key):
                node[key] = getattr(b, key)
        if b.by_quarter:
            node["requirements"] = {f"Q{q}": list(p) for q, p in b.by_quarter}
        elif b.requirements:
            node["requirements"] = list(b.requirements)
        out["bulletin"] = node
    return out


_ISSUE = re.compile(r"第?\s*(\d{1,4})\s*期?")


def issue_text(value: str) -> str:
    """--issue as the 通报 prints it: '3' and '第3期' -> '第3期'; other wording kept as written."""
    text = value.strip()
    match = _ISSUE.fullmatch(text)
    return f"第{int(match.group(1))}期" if match else text


def issue_number(text: str) -> int | None:
    """'第3期' -> 3; None for wording without a number of its own."""
    match = _ISSUE.fullmatch((text or "").strip())
    return int(match.group(1)) if match else None


def next_issue(earlier: list[dict]) -> str:
    """The issue after the bulletins already published this year (``earlier``: their
    records, bulletins/): one more than the highest number printed, and at least one
    more than how many were published (a record without a number counts as one)."""
    numbers = [n for n in (issue_number(str(r.get("issue") or "")) for r in earlier) if n is not None]
    return f"第{max(numbers + [len(earlier)]) + 1}期"
