"""Loading YAML text safely, with positions, and turning its errors into one line.

Round-trip loading keeps line numbers for messages. It constructs no Python
objects from tags, and a document is bounded in size before it is parsed.
"""

from __future__ import annotations

from typing import Any

from xatrack.errors import Problem


def load_yaml(text: str, source: str, max_bytes: int = 20 * 1024 * 1024) -> tuple[Any, Problem | None]:
    """Parse ``text``; return (data, None) or (None, problem with the line)."""
    if len(text) > max_bytes:
        return None, Problem(source, None, f"文件过大({len(text)} 字符,上限 {max_bytes})")
    if text.startswith("\ufeff"):
        text = text[1:]
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text), None
    except RecursionError:
        return None, Problem(source, None, "YAML 嵌套过深,无法读取")
    except Exception as error:  # ruamel raises many kinds; all are the file's fault
        return None, yaml_problem(error, source)


def yaml_problem(error: Exception, source: str) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error).splitlines()[0] if str(error) else type(error).__name__
    return Problem(source, line, f"YAML 格式错误:{_translate(str(problem))}")


_PHRASES = {
    "found duplicate key": "键重复",
    "could not find expected ':'": "缺少 ':'",
    "mapping values are not allowed here": "此处不允许出现映射值(检查冒号后是否缺少空格或引号)",
    "found character '\\t' that cannot start any token": "含有制表符(YAML 缩进只能用空格)",
    "expected <block end>, but found": "缩进不一致",
    "found undefined alias": "引用了未定义的锚点",
    "while scanning a quoted scalar": "引号未闭合",
    "found unexpected end of stream": "文件意外结束(引号或括号未闭合)",
    "could not determine a constructor for the tag": "不允许的 YAML 标签",
}


def _translate(problem: str) -> str:
    for english, chinese in _PHRASES.items():
        if english in problem:
            return chinese
    return problem.replace("\n", " ")[:120]
