"""完成时限: the quarter an item is due, from its text or from a deadline written as such."""

from __future__ import annotations

import re

from xatrack.importer.text import chinese_number

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


_WHOLE_YEAR = re.compile(r"^(全年|年底前?|年内|年末前?|年底完成|全年完成|长期坚持|长期|持续推进|持续|常态化|常年|按年度|\d{4}年底前?|\d{4}年内|\d{4}年12月底前?)")
_DEADLINE_MONTH = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})\s*年)?\s*(?P<month>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
)
_DEADLINE_QUARTER = re.compile(r"(上半年|下半年|前三季度|第?[一二三四1-4]季度)")
_QUARTER_OF = {"上半年": 2, "下半年": 4, "前三季度": 3}


def deadline_quarter(words: str, plan_year: int = 0) -> int | None:
    """The quarter a 完成时限 such as 全年 / 6月底前 / 2025年9月底前 / 三季度 means; None if not understood.

    When several dates are given (6月底前启动,9月底前完成) the last one counts. A year
    after the plan's year is past its last quarter (4).
    """
    text = re.sub(r"\s+", "", words.strip())
    if not text:
        return None
    quarters: list[tuple[int, int]] = []  # (position, quarter)
    for match in _DEADLINE_MONTH.finditer(text):
        raw = match.group("month")
        month = int(raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))) if raw[0].isdigit() or raw[0] in "０１２３４５６７８９" else chinese_number(raw)
        year = int(match.group("year")) if match.group("year") else 0
        if not month or not 1 <= month <= 12:
            continue
        quarter = 4 if plan_year and year > plan_year else (month + 2) // 3
        quarters.append((match.start(), quarter))
    for match in _DEADLINE_QUARTER.finditer(text):
        word = match.group(1)
        if word in _QUARTER_OF:
            quarter = _QUARTER_OF[word]
        else:
            digit = word.rstrip("季度").lstrip("第")
            quarter = int(digit) if digit.isdigit() else chinese_number(digit)
        quarters.append((match.start(), quarter))
    if quarters:
        return max(quarters)[1]
    if _WHOLE_YEAR.match(text):
        return 4
    return None
