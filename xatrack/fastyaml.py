"""A fast reader for the narrow YAML style xatrack itself writes in tasks.yaml.

It reads block mappings and sequences whose scalars are plain, quoted, or
one-line flow collections, and answers ``None`` for anything outside that
style, so the caller falls back to ruamel.yaml. It never guesses: what it
returns is what ruamel.yaml would load for the same text.
"""

from __future__ import annotations

import re
from typing import Any

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
# A key needs ": " or ":" at the end of the line: "text:新建" is a plain scalar to YAML.
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?: (.*)|)$")
# Plain scalars that YAML would read as something else, or that need context.
_RISKY_START = set("[]{}&*!|>'\"%@`#,?:-")
_SPECIAL_WORDS = {"=", "<<", "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
                  ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "yes", "no", "on", "off"}


_NUMBER_LIKE = re.compile(
    r"^[-+.]|^0[xXoObB]|^[0-9][0-9_]*_|^[0-9.]+[eE][-+]?[0-9]*$|[0-9][-:][0-9]|^[0-9_.:]+$"
)


class Unsupported(Exception):
    """The text is outside the style this reader handles."""


def load_items(lines: list[str]) -> list[dict] | None:
    """Parse lines forming a block sequence of mappings (each starting ``  - key: v``).

    Returns the list, or None when any line is outside the supported style.
    """
    try:
        return _parse_sequence(lines)
    except Unsupported:
        return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _parse_sequence(lines: list[str]) -> list[dict]:
    items: list[dict] = []
    current: dict | None = None
    base = None
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        if "\t" in line:
            raise Unsupported
        indent = _indent(line)
        if stripped.startswith("- "):
            if base is None:
                base = indent
            if indent != base:
                raise Unsupported
            current = {}
            items.append(current)
            body = stripped[2:]
            key_indent = indent + 2
            index = _parse_pair(body, lines, index, key_indent, current)
            continue
        if current is None or indent != base + 2:
            raise Unsupported
        index = _parse_pair(stripped, lines, index, base + 2, current)
    return items


def _parse_pair(body: str, lines: list[str], index: int, key_indent: int, target: dict) -> int:
    match = _KEY.match(body)
    if not match:
        raise Unsupported
    key, rest = match.group(1), (match.group(2) or "").lstrip(" ")
    if key in target:
        raise Unsupported  # duplicate key: let ruamel report it
    if rest == "" or rest.startswith("#"):
        # a nested block sequence of flow mappings (metrics, not_goals)
        nested = []
        nested_indent = None
        index += 1
        while index < len(lines):
            line = lines[index]
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                index += 1
                continue
            if _indent(line) <= key_indent:
                break
            if "\t" in line:
                raise Unsupported  # a tab inside a flow mapping is white space to ruamel: it decides
            if not stripped.startswith("- "):
                raise Unsupported
            if nested_indent is None:
                nested_indent = _indent(line)
            elif _indent(line) != nested_indent:
                raise Unsupported  # ragged items: ruamel decides (it refuses most)
            nested.append(_scalar_or_flow(stripped[2:].strip()))
            index += 1
        target[key] = nested if nested else None
        return index
    target[key] = _scalar_or_flow(rest)
    return index + 1


def _scalar_or_flow(text: str) -> Any:
    text = _strip_comment(text)
    if text.startswith("["):
        value, end = _flow_sequence(text, 0)
    elif text.startswith("{"):
        value, end = _flow_mapping(text, 0)
    else:
        return _block_scalar(text)
    if text[end:].strip():
        raise Unsupported
    return value


def _strip_comment(text: str) -> str:
    # A comment needs " #" outside quotes; anything quoted with '#' is left to ruamel.
    if " #" in text:
        if "'" in text or '"' in text:
            raise Unsupported
        text = text.split(" #", 1)[0]
    return text.rstrip()


def _block_scalar(text: str) -> Any:
    if not text:
        return None
    if text[0] in "'\"":
        value, end = _quoted(text, 0)
        if text[end:].strip():
            raise Unsupported
        return value
    if text[0] in _RISKY_START or ": " in text or text.endswith(":"):
        raise Unsupported
    return _typed(text)


def _typed(text: str) -> Any:
    if text in _SPECIAL_WORDS:
        raise Unsupported
    if _INT.match(text):
        digits = text.lstrip("+-")
        if text[0] in "+-" or (len(digits) > 1 and digits.startswith("0")):
            raise Unsupported  # signs and octal-looking numbers: ruamel decides
        if len(digits) > 300:
            raise Unsupported  # ruamel decides (and refuses what Python cannot convert)
        return int(text)
    if _FLOAT.match(text) and not any(c in text for c in "eE+-"):
        return float(text)
    if _NUMBER_LIKE.search(text):
        raise Unsupported  # 0x1, 1_000, 1e3, 2025-01-24, 12:30, +5, .5 …: ruamel decides
    return text


def _quoted(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    i = start + 1
    out = []
    if quote == "'":
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    out.append("'")
                    i += 2
                    continue
                return "".join(out), i + 1
            out.append(ch)
            i += 1
        raise Unsupported
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            raise Unsupported  # escapes: ruamel decides
        if ch == '"':
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise Unsupported


def _flow_scalar(text: str, start: int, stops: str) -> tuple[Any, int]:
    i = start
    while i < len(text) and text[i] == " ":
        i += 1
    if i < len(text) and text[i] in "'\"":
        value, end = _quoted(text, i)
        return value, end
    j = i
    while j < len(text) and text[j] not in stops:
        j += 1
    raw = text[i:j].rstrip()
    if not raw or raw[0] in _RISKY_START or ": " in raw or raw.endswith(":") or " #" in raw or any(c in raw for c in "[]{}"):
        raise Unsupported
    return _typed(raw), j


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _flow_sequence(text: str, start: int) -> tuple[list, int]:
    i = _skip(text, start + 1)
    values: list = []
    if i < len(text) and text[i] == "]":
        return values, i + 1
    while True:
        if i < len(text) and text[i] in "[{":
            raise Unsupported
        value, i = _flow_scalar(text, i, ",]")
        values.append(value)
        i = _skip(text, i)
        if i >= len(text):
            raise Unsupported
        if text[i] == "]":
            return values, i + 1
        if text[i] != ",":
            raise Unsupported
        i = _skip(text, i + 1)


def _flow_mapping(text: str, start: int) -> tuple[dict, int]:
    i = _skip(text, start + 1)
    result: dict = {}
    if i < len(text) and text[i] == "}":
        return result, i + 1
    while True:
        j = text.find(":", i)
        if j < 0:
            raise Unsupported
        key = text[i:j].strip()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key) or key in result:
            raise Unsupported
        if j + 1 >= len(text) or text[j + 1] != " ":
            raise Unsupported
        i = _skip(text, j + 1)
        if i < len(text) and text[i] == "{":
            value, i = _flow_mapping(text, i)
        elif i < len(text) and text[i] == "[":
            raise Unsupported
        else:
            value, i = _flow_scalar(text, i, ",}")
        result[key] = value
        i = _skip(text, i)
        if i >= len(text):
            raise Unsupported
        if text[i] == "}":
            return result, i + 1
        if text[i] != ",":
            raise Unsupported
        i = _skip(text, i + 1)
