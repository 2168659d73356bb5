"""Layouts read before the walker: each a small named reader over the document's lines.

A reader takes the lines and returns them as the walker should see them (the same number of lines,
so every place stays the document's own, except for a page that came as one line) with what it did:
``Pass(lines, applied)``.

    markdown_marks     Markdown: # headings and **bold** lines read as plain lines, <!-- comments --> dropped
    labels_in_brackets 【牵头单位】县交通局【责任单位】县财政局 read as labels
    web_furniture      a web page copied to text: 设为首页, 发布时间:…, 浏览次数, 【打印】【关闭】 dropped
    page_on_one_line   a whole page on one line: cut before 一、 / (一) / 1. markers
    wrapped_units      a 责任单位 list wrapped by a PDF's layout (…、各乡镇 / 人民政府) joined again

``LAYOUTS`` lists them in the order they run; the walker then reads numbered prose, headings that
carry leaders or lead units, bullets and tables (``walker``, ``table_reader``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from xatrack.importer.assignments import bracketed_labels, has_key
from xatrack.importer.headings import CN_NUMBERED, NUMBERED, PART_HEADING


@dataclass
class Pass:
    lines: list[str]
    applied: bool = False


@dataclass(frozen=True)
class Layout:
    name: str  # as ``import`` and ``--review`` show it: 网页、整页一行…
    read: Callable[[list[str]], Pass]


# -- web furniture

_FURNITURE = re.compile(
    r"^(?:"
    r"设为首页|加入收藏|收藏本站|网站首页|首页|无障碍|English|繁体|繁體|简体|登录|注册|"
    r"(?:当前位置|您当前的位置|您的位置|所在位置)\s*[:\uff1a].*|首页\s*[>》›].*|"
    r"(?:信息)?索引号\s*[:\uff1a].*|(?:发布|发文|成文|生成|公开)(?:时间|日期)\s*[:\uff1a].*|"
    r"(?:信息)?来源\s*[:\uff1a].{0,30}|(?:浏览|访问|阅读|点击)(?:次数|量)?\s*[:\uff1a]?\s*\d*\s*次?|"
    r"字号\s*[:\uff1a]?\s*[大中小\s]*|(?:【\s*(?:打印|关闭|收藏|顶部|返回顶部|打印本页|关闭窗口|字体\s*[:\uff1a]?[大中小\s]*)\s*】\s*)+|"
    r"(?:打印本页|关闭窗口|返回顶部|分享到\s*[:\uff1a]?.*|扫一扫.*|相关(?:链接|附件|文章)\s*[:\uff1a]?)|"
    r"(?:主题分类|发文机关|发文字号|文号|有效性|公开方式|公开范围|体裁分类|组配分类|主题词)\s*[:\uff1a].{0,40}|"
    r"[—–\-]+\s*\d{1,3}\s*[—–\-]+|第\s*\d{1,3}\s*页(?:\s*[,,/]?\s*共\s*\d{1,3}\s*页)?"  # page numbers of a PDF
    r")$"
)
_BULLET_MARK = re.compile(r"^[•·●▪◆■□\-*>\s]+")


def is_furniture(line: str) -> bool:
    """A line that is a web page's menu or metadata, never part of the plan."""
    text = _BULLET_MARK.sub("", line.strip()).strip()
    return bool(text) and bool(_FURNITURE.match(text) or _FURNITURE.match(line.strip()))


def web_furniture(lines: list[str]) -> Pass:
    out, applied = list(lines), False
    for index, line in enumerate(lines):
        if is_furniture(line):
            out[index] = ""
            applied = True
    return Pass(out, applied)


# -- a whole page on one line

_MARKER_AFTER_SPACE = re.compile(
    r"\s+(?=(?:[一二三四五六七八九十]+\s*、|[(\uff08][一二三四五六七八九十]+[)\uff09]|\d{1,3}\s*[.\uff0e、](?!\d)|[\u2460-\u2473]|\d{4}\s*年))"
)
_AFTER_BRACKETED = re.compile(r"(?<=[)\uff09])\s+")


def page_on_one_line(lines: list[str]) -> Pass:
    """A page whose text came as one line (a web page saved as text): one line per marker."""
    filled = [line for line in lines if line.strip()]
    if not filled or len(filled) > 3:
        return Pass(list(lines))
    longest = max(filled, key=len)
    starts = [m for m in _MARKER_AFTER_SPACE.finditer(longest)]
    if len(longest) < 120 or len(starts) < 3:
        return Pass(list(lines))
    out: list[str] = []
    for line in lines:
        if line is not longest:
            out.append(line)
            continue
        for piece in _MARKER_AFTER_SPACE.split(line):
            head = _AFTER_BRACKETED.split(piece, maxsplit=1)
            if len(head) == 2 and head[0].startswith(("(", "\uff08")):  # (此件公开发布) 2022年…
                out.extend(part.strip() for part in head)
            else:
                out.append(piece.strip())
    return Pass(out, True)


# -- unit lists wrapped by a PDF's layout

_TAIL = re.compile(r"^[\u4e00-\u9fff()\uff08\uff09]{1,10}(?:人民政府|政府|办事处|管委会|委员会|局|委|办|中心|公司|集团|街道|场)[)\uff09]?[。;\uff1b]?$")
_ENDED = tuple("。;\uff1b!\uff01?\uff1f")


def _starts_something(line: str) -> bool:
    return bool(PART_HEADING.match(line) or CN_NUMBERED.match(line) or NUMBERED.match(line) or has_key(line))


def wrapped_units(lines: list[str]) -> Pass:
    """责任单位:…、各乡镇 / 人民政府: a unit name cut by the end of a PDF line goes back on its line."""
    out, applied = list(lines), False
    for index in range(1, len(out)):
        line = out[index].strip()
        previous = out[index - 1].rstrip()
        if not line or not previous or not _TAIL.match(line) or _starts_something(line):
            continue
        if not has_key(previous) or previous.endswith(_ENDED) or previous.endswith(("、", ",", "\uff0c")):
            continue
        if previous[-1] in ")\uff09":
            continue  # a closed assignment: the line below is something else
        out[index - 1] = previous + line
        out[index] = ""
        applied = True
    return Pass(out, applied)


# -- Markdown (a plan written by ``plan --format md``, or kept as Markdown)

_MD_HEADING = re.compile(r"^#{1,6}\s+(\S.*)$")
_MD_BOLD = re.compile(r"^\*\*(\S.*?)\*\*$")


def markdown_marks(lines: list[str]) -> Pass:
    """# 标题 / **小标题** / <!-- … -->: the marks taken off, the comment (a carried registry) dropped."""
    out, applied, in_comment = list(lines), False, False
    for index, line in enumerate(lines):
        text = line.strip()
        if in_comment or text.startswith("<!--"):
            in_comment = not text.endswith("-->")
            out[index] = ""
            applied = True
            continue
        match = _MD_HEADING.match(text) or _MD_BOLD.match(text)
        if match:
            out[index] = match.group(1).strip()
            applied = True
    return Pass(out, applied)


# -- labels in lenticular brackets


def labels_in_brackets(lines: list[str]) -> Pass:
    """1.做事。【牵头单位】县交通局【责任单位】县财政局: the labels read as 牵头单位:…;责任单位:…"""
    out = [bracketed_labels(line) if "【" in line else line for line in lines]
    return Pass(out, out != list(lines))


LAYOUTS: tuple[Layout, ...] = (
    Layout("Markdown", markdown_marks),
    Layout("方括号标签", labels_in_brackets),
    Layout("网页", web_furniture),
    Layout("整页一行", page_on_one_line),
    Layout("换行截断的单位", wrapped_units),
)


def prepare(lines: list[str]) -> tuple[list[str], list[str]]:
    """(lines for the walker, names of the layouts that applied)."""
    applied: list[str] = []
    for layout in LAYOUTS:
        done = layout.read(lines)
        lines = done.lines
        if done.applied:
            applied.append(layout.name)
    return lines, applied
