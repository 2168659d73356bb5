"""Small text helpers shared by the importer's modules: numerals, brackets, names."""

from __future__ import annotations

import re


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
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
