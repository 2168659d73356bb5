"""The quick way in (xatrack/quick.py) says exactly what the Typer commands say.

Generated command lines of `list` and `overdue` (good and bad values, both
flag forms, repeats, junk) run both ways in the same tracker: the same output,
the same error output, the same exit code. The quick path must also take the
plain command lines offices type, and know only flags the Typer commands have.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xatrack import cli, quick
from xatrack.logfile import record_line

REPO = Path(__file__).resolve().parents[1]

VALUES = {
    "--leader": ["洪声耀", "hsy", "陈浩", "洪", "不存在的人", "常务副区长", "洪声耀 "],
    "--unit": ["科经局", "kjj", "各乡镇办场", "桂花镇", "区科经局", "没有这个单位"],
    "--lead": ["区科经局", "区发改局", "交通局", "没有这个单位"],
    "--action": ["1", "3", "7", "0", "9", "x", "\uff13", "+3", "03"],
    "--section": ["信息化", "不存在的章节"],
    "--status": ["红", "黄", "绿", "灰", "完成", "正常", "未报送", "坏"],
    "--search": ["5G", "基站", "没有的字"],
    "--quarter": ["Q1", "Q2", "Q3", "Q4", "2025-Q2", "二季度", "Q5", "2024-Q1", "q2"],
    "-q": ["Q2", "Q3", "三季度", "Q9"],
    "--format": ["term", "json", "csv", "table", "JSON", "xml"],
    "--by": ["leader", "unit", "领导", "x"],
    "--root": [".", "/nonexistent-xatrack-root"],
}
JUNK = ["--help", "-h", "--bogus", "extra", "-qQ2", "--", "-", "--leader=", "--unit", "--format=-x", "--quarter=Q2=Q3"]


@pytest.fixture(scope="module")
def tracker():
    """The shipped plan with a Q1 and a Q2 log (one damaged line: a warning on every query)."""
    root = Path(tempfile.mkdtemp(prefix="quick"))
    shutil.copy(REPO / "tasks.yaml", root / "tasks.yaml")
    shutil.copy(REPO / "units.yaml", root / "units.yaml")
    progress = root / "progress"
    progress.mkdir()
    (progress / "2025-Q1.yaml").write_text(
        record_line({"id": "32", "date": "2025-03-20", "value": 80, "by": "区科经局"})
        + record_line({"id": "G1", "date": "2025-03-25", "value": 6.8, "by": "区发改局"}),
        encoding="utf-8",
    )
    (progress / "2025-Q2.yaml").write_text(
        record_line({"id": "32", "date": "2025-06-10", "value": 150, "by": "区科经局"})
        + record_line({"id": "16", "date": "2025-06-11", "metric": "玉龙企业", "value": 2, "by": "区应急管理局"})
        + "- {id: 5, date: 2025-06-12, value: [\n"  # a damaged line
        + record_line({"id": "9999", "date": "2025-06-12", "status": "推进中"}),  # an unknown item
        encoding="utf-8",
    )
    saved = {key: os.environ.get(key) for key in ("XATRACK_TODAY", "XATRACK_CACHE_DIR", "COLUMNS", "XATRACK_ROOT", "XATRACK_NOW", "XATRACK_USER")}
    os.environ.update({"XATRACK_TODAY": "2025-06-20", "XATRACK_CACHE_DIR": str(root.with_name(root.name + ".cache")),  # outside: a cache inside is refused "COLUMNS": "120",
                       "XATRACK_USER": "测试员",
                       "XATRACK_NOW": "2025-06-20T10:00:00+08:00"})  # one instant: both ways of an update write the same bytes
    os.environ.pop("XATRACK_ROOT", None)
    here = os.getcwd()
    os.chdir(root)
    yield root
    os.chdir(here)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(root.with_name(root.name + ".cache"), ignore_errors=True)


def _run(capsys, main, args) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def _draw_flags(draw, args: list, values: dict, junk: list, odds: int) -> list:
    """Up to four flags from ``values`` (``--flag value`` or ``--flag=value``), one in ``odds`` a junk token."""
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, odds)) == 0:
            args.append(draw(st.sampled_from(junk)))
            continue
        flag = draw(st.sampled_from(sorted(values)))
        value = draw(st.sampled_from(values[flag]))
        if draw(st.booleans()) and flag.startswith("--"):
            args.append(f"{flag}={value}")
        else:
            args.extend([flag, value])
    return args


@st.composite
def command_lines(draw):
    return _draw_flags(draw, [draw(st.sampled_from(["list", "overdue", "overdue", "list"]))], VALUES, JUNK, 9)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command_lines())
def test_quick_path_says_what_typer_says(tracker, capsys, args):
    typer_says = _run(capsys, cli.main, args)
    quick_says = _run(capsys, quick.main, args)
    assert quick_says == typer_says, args


PLAIN = [
    ["list"],
    ["list", "--leader", "洪声耀"],
    ["list", "--leader", "洪声耀", "--leader", "陈浩", "--quarter", "Q2"],
    ["list", "--unit", "科经局", "-q", "Q2", "--format", "json"],
    ["list", "--status", "红", "--format=csv"],
    ["list", "--action", "3", "--lead", "区科经局"],
    ["overdue", "--quarter", "Q2"],
    ["overdue", "--quarter", "Q2", "--by", "leader"],
    ["overdue", "--unit=桂花镇", "--format", "json"],
]


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_plain_queries_take_the_quick_path(tracker, capsys, args, monkeypatch):
    """What offices type most never loads Typer: the quick path answers it, and the same as Typer."""
    typer_says = _run(capsys, cli.main, args)
    monkeypatch.setattr(cli, "main", lambda *a, **k: pytest.fail(f"{args} fell back to Typer"))
    assert quick.run(args) is not None
    assert _run(capsys, quick.main, args) == typer_says
    assert typer_says[0] == 0 and typer_says[1]


UPDATE_VALUES = {
    "--done": ["120", "85公里", "1,200", "\uff11\uff12\uff10", "77%", "2.5", "abc", "3.5", "1e3"],
    "--metric": ["规上", "1", "玉龙企业", "没有的指标"],
    "-m": ["2", "潜龙"],
    "--status": ["推进中", "已完成", "乱写"],
    "--note": ["已完成实验区方案编制", "说明"],
    "--quarter": ["Q2", "Q1", "2025-Q3", "Q7"],
    "-q": ["Q2"],
    "--date": ["2025-06-28", "2025-13-01", "2024-06-01", "昨天"],
    "--by": ["区科经局", "kjj", "桂花镇", "测试员"],
    "--evidence": ["证明.txt", "没有的文件.pdf"],
    "--root": [".", "/nonexistent-xatrack-root"],
}
UPDATE_IDS = ["32", "16", "G1", "g6", "23", "9999", "G7", "57"]


@st.composite
def update_lines(draw):
    args = ["update"]
    if draw(st.integers(0, 9)):
        args.append(draw(st.sampled_from(UPDATE_IDS)))
    return _draw_flags(draw, args, UPDATE_VALUES, JUNK + ["32", "--done", "--evidence="], 12)


def _written(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(update_lines())
def test_quick_update_records_and_says_what_typer_does(tracker, capsys, args):
    """The same update run both ways, each in its own copy of the tracker, at the same
    instant: the same output, exit code and the same bytes written."""
    results = []
    here = os.getcwd()
    for name, main in (("typer", cli.main), ("quick", quick.main)):
        root = Path(tempfile.mkdtemp(prefix=f"quick-{name}-")) / "t"
        shutil.copytree(tracker, root, ignore=shutil.ignore_patterns(".cache"))
        (root / "证明.txt").write_text("验收报告", encoding="utf-8")
        os.chdir(root)
        try:
            said = _run(capsys, main, args)
        finally:
            os.chdir(here)
        results.append((said, _written(root)))
        shutil.rmtree(root.parent, ignore_errors=True)
    assert results[0] == results[1], args


def test_quick_flags_are_the_typer_commands_flags():
    """Every flag the quick path reads is an option of the Typer command with the same
    parameter and arity; every option of the command is known to the quick path
    (a new option must be added to QUICK, or it would send every line using it to Typer)."""
    import typer.main

    group = typer.main.get_command(cli.app)
    for name, flags in quick.QUICK.items():
        command = group.commands[name]
        options = {}
        for param in command.params:
            if param.param_type_name == "option":
                for opt in (*param.opts, *param.secondary_opts):
                    options[opt] = param
        for flag, (param_name, kind) in flags.items():
            assert flag in options, (name, flag)
            param = options[flag]
            assert param.name == param_name, (name, flag)
            assert param.multiple == (kind not in ("one", "flag")), (name, flag)
            assert param.is_flag == (kind == "flag") and param.envvar is None
        assert set(options) == set(flags), name  # (--help is not a parameter: it goes to Typer)
        arguments = [p.name for p in command.params if p.param_type_name == "argument"]
        assert arguments == ([quick.ARGUMENT[name]] if name in quick.ARGUMENT else []), name
        defaults = {p.name: p.default for p in command.params}
        assert defaults["quarter"] is None and defaults["root"] is None
        assert defaults.get("fmt", "term") == "term"


def test_an_error_is_said_once_by_the_typer_command(tracker, capsys):
    """An unknown leader: the quick attempt says nothing, the Typer command says the error
    (with the warnings of the read before it) once."""
    typer_says = _run(capsys, cli.main, ["list", "--leader", "不存在的人"])
    quick_says = _run(capsys, quick.main, ["list", "--leader", "不存在的人"])
    assert quick_says == typer_says
    assert typer_says[0] == 2 and typer_says[2].count("错误") == 1
