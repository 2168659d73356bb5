"""One problem type (errors.Problem) and one translator of YAML errors (yamlio.yaml_problem)."""

from __future__ import annotations

import pickle

import pytest

from xatrack.directory import parse_directory
from xatrack.errors import DataError, Problem
from xatrack.importer import ImportWarning
from xatrack.importer.overrides import load_overrides
from xatrack.registry import parse_registry
from xatrack.sheet import Rejection


def test_problem_is_frozen_compared_by_value_and_pickles():
    problem = Problem("tasks.yaml", 3, "缺少 id", "error", "registry")
    assert problem == Problem("tasks.yaml", 3, "缺少 id", "error", "registry")
    assert problem != Problem("tasks.yaml", 4, "缺少 id", "error", "registry")
    assert len({problem, Problem("tasks.yaml", 3, "缺少 id", "error", "registry")}) == 1
    with pytest.raises(AttributeError):
        problem.line = 4
    assert pickle.loads(pickle.dumps(problem)) == problem
    assert str(problem) == "tasks.yaml:3: 错误: 缺少 id"
    assert str(Problem("units.yaml", None, "x", "warning")) == "units.yaml: 警告: x"
    assert problem.replace(line=5).line == 5 and problem.line == 3


def test_importer_and_ingest_problems_are_problems():
    warning = ImportWarning(12, "无法识别")
    assert isinstance(warning, Problem) and (warning.line, warning.severity, warning.code) == (12, "warning", "import")
    assert str(warning) == "第12行: 无法识别" and warning == ImportWarning(12, "无法识别")
    rejection = Rejection("科经局.xlsx", 7, "数值无效", "32 基站")
    assert isinstance(rejection, Problem) and (rejection.file, rejection.line, rejection.severity) == ("科经局.xlsx", 7, "error")
    assert (rejection.source, rejection.row, rejection.reason) == ("科经局.xlsx", 7, "数值无效")
    assert str(rejection) == "第 7 行(32 基站):数值无效"
    assert pickle.loads(pickle.dumps(rejection)) == rejection


def _parse_error(text: str, reader) -> str:
    if reader == "registry":
        _, problems = parse_registry(text, "tasks.yaml")
        return problems[0].message
    if reader == "directory":
        _, problems = parse_directory(text, "units.yaml")
        return problems[0].message
    with pytest.raises(DataError) as raised:
        load_overrides(text, "x.overrides.yaml")
    return raised.value.message.split(": ", 1)[1]


@pytest.mark.parametrize("text, phrase", [
    ("a: 1\na: 2\n", "YAML 格式错误:重复的键"),
    ("a: [1, 2\n", "YAML 格式错误:"),
    ("a:\n\t- 1\n", "YAML 格式错误:不能用制表符缩进,请用空格"),
])
def test_one_translation_of_a_yaml_error_for_every_file(text, phrase):
    said = {reader: _parse_error(text, reader) for reader in ("registry", "directory", "overrides")}
    assert len(set(said.values())) == 1, said
    assert said["registry"].startswith(phrase)
