"""Loading YAML text safely, with positions, and turning its errors into one line.

Round-trip loading keeps line numbers for messages. Every loader of the
project's files comes from ``make_yaml``, which is safe by construction:

- explicit tags (``!!python/object``, ``!foo``, even ``!!str``) are
  rejected with a clear message, never constructed;
- no anchors or aliases (``&a`` / ``*a``): xatrack's files never need them,
  and refusing them rules out "billion laughs" expansion in anything that
  later walks, prints or stringifies the data;
- nesting at most ``MAX_DEPTH`` deep;
- and a document is bounded in size before it is parsed (ruamel.yaml needs
  about 100 bytes of memory and 10 µs per byte of input).
"""

from __future__ import annotations

import re
from typing import Any

from xatrack.errors import Problem

# Whole documents parsed by ruamel.yaml. The registry and the logs in
# xatrack's own style take faster paths and are not limited by this.
MAX_YAML_CHARS = 2 * 1024 * 1024
MAX_DEPTH = 64


def make_yaml(typ: str = "rt"):
    """A ruamel.yaml loader (pure Python) that refuses tags, anchors, aliases and deep nesting."""
    from ruamel.yaml import YAML  # lazy: heavy - ruamel.yaml (15 ms): only a file not in xatrack's own style is parsed by it

    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = _safe_composer()
    yaml.allow_duplicate_keys = False
    return yaml


_COMPOSER = None


def _safe_composer():
    global _COMPOSER
    if _COMPOSER is not None:
        return _COMPOSER
    # lazy: heavy - ruamel.yaml, as in make_yaml
    from ruamel.yaml.composer import Composer, ComposerError
    from ruamel.yaml.events import AliasEvent

    class SafeComposer(Composer):
        _xatrack_depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
                raise ComposerError(None, None, "不允许使用 YAML 锚点和别名(& 和 *),请把内容直接写出", event.start_mark)
            tag = getattr(event, "tag", None)
            if tag is not None:  # even !!str: round-trip loading would keep it as a tagged object
                shown = str(tag).replace("tag:yaml.org,2002:", "!!")[:60]
                raise ComposerError(None, None, f"不允许的 YAML 标签 {shown}(只能写文字、数字、日期、列表和映射)", event.start_mark)
            if self._xatrack_depth >= MAX_DEPTH:
                raise ComposerError(None, None, f"YAML 嵌套过深(超过 {MAX_DEPTH} 层)", event.start_mark)
            self._xatrack_depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._xatrack_depth -= 1

    _COMPOSER = SafeComposer
    return SafeComposer


def too_large(text: str, source: str, max_chars: int = MAX_YAML_CHARS) -> Problem | None:
    if len(text) > max_chars:
        return Problem(source, None, f"文件过大({len(text)} 字符,上限 {max_chars});请检查是否误放了其他文件")
    return None


_CONFLICT = None


def conflict_marker(line: str) -> bool:
    """Whether ``line`` is a git merge conflict marker (<<<<<<< / ======= / >>>>>>> / |||||||)."""
    global _CONFLICT
    if _CONFLICT is None:
        _CONFLICT = re.compile(r"^(?:<{7}|>{7}|\|{7})(?:[ \t].*)?\r?$|^={7}[ \t]*\r?$")
    return _CONFLICT.match(line) is not None


CONFLICT_MESSAGE = "合并冲突标记(git 合并未完成):请解决冲突,删除 <<<<<<< ======= >>>>>>> 标记行"


def conflict_problem(text: str, source: str) -> Problem | None:
    """The first merge conflict marker of ``text``, as a problem with its line."""
    if "<<<<<<<" not in text and "=======" not in text and ">>>>>>>" not in text:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if conflict_marker(line):
            return Problem(source, number, CONFLICT_MESSAGE)
    return None


def surrogate_problem(text: str, source: str) -> Problem | None:
    """An escape of a lone UTF-16 surrogate (\\ud800): YAML would load a
    character that cannot be written or shown, so the line is named instead."""
    if "\\u" not in text and "\\U" not in text:
        return None
    match = re.search(r"\\(?:u|U000)[dD][89a-fA-F][0-9a-fA-F]{2}", text)
    if match is None:
        return None
    line = text[: match.start()].count("\n") + 1
    return Problem(source, line, f"含有无效的字符转义 {match.group(0)}(孤立的 UTF-16 代理项,无法显示)")


def load_yaml(text: str, source: str, max_bytes: int = MAX_YAML_CHARS) -> tuple[Any, Problem | None]:
    """Parse ``text``; return (data, None) or (None, problem with the line)."""
    problem = (
        too_large(text, source, min(max_bytes, MAX_YAML_CHARS))
        or conflict_problem(text, source)
        or surrogate_problem(text, source)
    )
    if problem is not None:
        return None, problem
    if text.startswith("\ufeff"):
        text = text[1:]
    yaml = make_yaml()
    try:
        return yaml.load(text), None
    except RecursionError:
        return None, Problem(source, None, "YAML 嵌套过深,无法读取")
    except ValueError as error:
        if "digits" in str(error):  # Python refuses to convert an int of over 4300 digits
            return None, Problem(source, _long_number_line(text), "数字位数过多(超过 4300 位),无法读取")
        return None, yaml_problem(error, source)
    except Exception as error:  # ruamel raises many kinds; all are the file's fault
        return None, yaml_problem(error, source)


def _long_number_line(text: str) -> int | None:
    match = re.search(r"[0-9]{4000,}", text)
    return text[: match.start()].count("\n") + 1 if match else None


def yaml_problem(error: Exception, source: str, default_line: int | None = None) -> Problem:
    """The one translator of the YAML parser's (ruamel's) errors: the line of
    its mark (else ``default_line``) and one Chinese phrase. Used for
    tasks.yaml, units.yaml, the logs and the importer's overrides."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else default_line
    problem = getattr(error, "problem", None) or str(error).splitlines()[0] if str(error) else type(error).__name__
    return Problem(source, line, f"YAML 格式错误:{_translate(str(problem))}", code="yaml")


# Longest phrases first where one begins another.
_PHRASES = {
    "found duplicate key": "重复的键",
    "could not find expected ':'": "缺少冒号",
    "mapping values are not allowed here": "此处不能出现冒号(可能缺少空格或引号)",
    "found character '\\t' that cannot start any token": "不能用制表符缩进,请用空格",
    "expected <block end>, but found": "缩进不一致",
    "found undefined alias": "引用了未定义的锚点",
    "while scanning a quoted scalar": "引号未闭合",
    "found unexpected end of stream": "文件意外结束(括号或引号未闭合)",
    "could not determine a constructor for the tag": "不允许的 YAML 标签",
    "maximum depth of data structure exceeded": "YAML 嵌套过深",
    "did not find expected ',' or ']'": "方括号列表未闭合或缺少逗号",
    "did not find expected ',' or '}'": "花括号未闭合或缺少逗号",
    "expected ',' or ']', but got": "方括号列表未闭合或缺少逗号",
    "expected ',' or '}', but got": "花括号未闭合或缺少逗号",
    "did not find expected key": "缩进不一致或缺少键",
    "did not find expected '-' indicator": "列表项缩进不一致",
}


def _translate(problem: str) -> str:
    for english, chinese in _PHRASES.items():
        if english in problem:
            return chinese
    return "无法解析(" + " ".join(problem.split())[:120] + ")"


# --------------------------------------------------------------------------- positions
# The one place that asks ruamel's round-trip containers where something was
# (tasks.yaml, units.yaml): 1-based lines, None (or ``default``) when unknown
# (plain containers from other loaders carry no positions).


def line_of_key(mapping, key, default: int | None = None) -> int | None:
    try:
        return mapping.lc.key(key)[0] + 1
    except Exception:
        return default


def line_of_item(seq, index: int, default: int | None = None) -> int | None:
    try:
        return seq.lc.item(index)[0] + 1
    except Exception:
        return default


def line_of_node(node, default: int | None = None) -> int | None:
    try:
        return node.lc.line + 1
    except Exception:
        return default


def line_of(container, key, default: int | None = None) -> int | None:
    """A key's line in a mapping, or an index's in a sequence."""
    if isinstance(container, dict):
        return line_of_key(container, key, default)
    return line_of_item(container, key, default)
