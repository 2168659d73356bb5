"""The commands as a user runs them: through Typer's runner and as real processes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import make_tracker, run

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "xatrack" / "data" / "2025-xianan.txt"


def test_shipped_registry_is_the_import_of_the_seed(tmp_path, capsys):
    output = tmp_path / "tasks.yaml"
    code, out, err = run(capsys, "import", str(SEED), "-o", str(output))
    assert code == 0, err
    assert "7 项主要目标、7 项行动、100 项任务" in out
    assert output.read_text(encoding="utf-8") == (REPO / "tasks.yaml").read_text(encoding="utf-8")


def test_check_is_clean_on_the_shipped_tracker(tracker, capsys):
    code, out, err = run(capsys, "check")
    assert code == 0, out + err
    assert "检查通过" in out


def test_list_leader_shows_g3_and_27_tasks(tracker, capsys):
    code, out, err = run(capsys, "list", "--leader", "洪声耀", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    ids = [r["id"] for r in rows]
    assert ids[0] == "G3"
    assert len([i for i in ids if not i.startswith("G")]) == 27
    assert ids == sorted(ids, key=lambda i: (0, int(i[1:])) if i.startswith("G") else (1, int(i)))
    assert all("洪声耀" in r["leaders"] for r in rows)
    assert {"id", "type", "text", "leaders", "lead", "units", "status", "metrics"} <= set(rows[0])


def test_update_appends_and_overdue_reflects_it(tracker, capsys):
    code, out, err = run(capsys, "update", "32", "--done", "120", "--by", "区科经局")
    assert code == 0, err
    assert "2025年第二季度" in out and "progress/2025-Q2.yaml" in out
    log = (tracker / "progress" / "2025-Q2.yaml").read_text(encoding="utf-8")
    assert '"id": 32' in log and '"value": 120' in log and '"by": "区科经局"' in log
    code, out, err = run(capsys, "overdue", "--quarter", "Q2", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    # 120 of 336 by Q2: expected 168, 29% short, beyond the 20% tolerance -> red
    assert rows["32"]["status"] == "严重滞后"
    assert rows["32"]["metrics"][0]["expected"] == 168
    assert rows["32"]["metrics"][0]["value"] == 120
    assert list(rows)[0] == "32"  # worst first


def test_update_leaves_earlier_bytes_untouched(tracker, capsys):
    progress = tracker / "progress"
    progress.mkdir()
    before = "# 手工注释,必须原样保留\n- {\"id\": 5, \"value\": 30, \"date\": \"2025-05-01\", \"by\": \"区发改局\"}"
    (progress / "2025-Q2.yaml").write_text(before, encoding="utf-8")  # no final newline
    code, out, err = run(capsys, "update", "32", "--done", "90", "--quarter", "Q2")
    assert code == 0, err
    after = (progress / "2025-Q2.yaml").read_bytes()
    assert after.startswith(before.encode("utf-8") + b"\n")
    assert after.count(b"\n") == 3
    code, out, err = run(capsys, "check")
    assert code == 0, out


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["update", "999", "--done", "1"], "没有编号为\"999\""),
        (["update", "32", "--done", "abc"], "不是数字"),
        (["update", "32", "--done", "-5"], "不能为负数"),
        (["update", "32", "--done", "nan"], "不是有限的数字"),
        (["update", "32", "--done", "inf"], "不是有限的数字"),
        (["update", "16", "--done", "3"], "请用 --metric 指定"),
        (["update", "16", "--metric", "不存在的指标", "--done", "3"], "没有指标"),
        (["update", "32", "--status", "差不多"], "--status"),
        (["update", "32", "--done", "1", "--quarter", "Q5"], "--quarter"),
        (["update", "32", "--done", "1", "--quarter", "2024-Q2"], "计划年度"),
        (["update", "32", "--done", "1", "--quarter", "Q2", "--date", "2025-08-01"], "不在"),
        (["update", "32", "--done", "1", "--quarter", "../../x"], "--quarter"),
        (["update", "32", "--done", "1", "--date", "明天"], "--date"),
        (["list", "--leader", "洪生耀"], "洪声耀"),
        (["list", "--action", "9"], "--action"),
        (["list", "--action", "x"], "--action"),
        (["list", "--format", "pdf"], "--format"),
        (["overdue", "--by", "颜色"], "--by"),
        (["list", "--nonsense"], "未知选项"),
        (["show", "G9"], "没有编号"),
    ],
)
def test_bad_input_is_one_chinese_line_exit_2_and_nothing_written(tracker, capsys, args, fragment):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert fragment in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误:")
    assert "Traceback" not in err
    assert not (tracker / "progress").exists() or not any((tracker / "progress").glob("*.yaml"))


def test_update_metric_by_number_and_name_part(tracker, capsys):
    code, out, err = run(capsys, "update", "57", "--metric", "2", "--done", "4")
    assert code == 0, err
    assert "危旧桥梁" in out
    code, out, err = run(capsys, "update", "57", "--metric", "安防", "--done", "12")
    assert code == 0, err
    log = (tracker / "progress" / "2025-Q2.yaml").read_text(encoding="utf-8")
    assert log.count("\n- ") + log.startswith("- ") == 2


def test_target_update_and_quarter_forms(tracker, capsys):
    for quarter in ("Q2", "2025Q2", "2025-Q2", "二季度", "第二季度"):
        code, out, err = run(capsys, "update", "G1", "--done", "6.8", "--quarter", quarter)
        assert code == 0, (quarter, err)
        assert "progress/2025-Q2.yaml" in out
    code, out, err = run(capsys, "update", "g1", "--done", "6.9", "--date", "2025年6月28日")
    assert code == 0, err
    code, out, err = run(capsys, "list", "--quarter", "Q2", "--format", "json", "--search", "地区生产总值")
    row = json.loads(out)[0]
    assert row["id"] == "G1" and row["metrics"][0]["value"] == 6.9
    assert row["status"] == "滞后"  # 0.1 point short of 7%, within the 1-point tolerance


def test_status_only_task_and_show(tracker, capsys):
    code, out, err = run(capsys, "update", "28", "--status", "推进中", "--note", "实验区方案已印发", "--quarter", "Q2")
    assert code == 0, err
    code, out, err = run(capsys, "show", "28")
    assert code == 0, err
    assert "区教育局" in out and "实验区方案已印发" in out and "推进中" in out


def test_csv_and_filters(tracker, capsys):
    code, out, err = run(capsys, "list", "--unit", "桂花镇", "--format", "csv")
    assert code == 0, err
    assert out.startswith("\ufeff编号,")  # BOM: Excel on Chinese Windows reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    ids = {r["编号"] for r in rows}
    assert "72" in ids  # named directly
    assert "1" in ids  # through 各乡镇办场
    assert "32" not in ids
    code, out, err = run(capsys, "list", "--lead", "区科经局", "--action", "3", "--format", "json")
    ids = [r["id"] for r in json.loads(out)]
    assert "32" in ids and all(22 <= int(i) <= 37 for i in ids)


def test_check_reports_broken_registry_with_lines(tracker, capsys):
    text = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: 32\n", "  - id: 31\n", 1)
    text = text.replace("kind: growth", "kind: speed", 1)
    (tracker / "tasks.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check")
    assert code == 1
    assert "编号 31 重复" in out
    assert "kind 未知" in out
    assert all(line.startswith("tasks.yaml:") for line in out.splitlines()[:-1])


def test_malformed_yaml_is_one_line_with_position(tracker, capsys):
    (tracker / "tasks.yaml").write_text("plan: {title: x\ntasks:\n  - id: [\n", encoding="utf-8")
    code, out, err = run(capsys, "list")
    assert code == 2
    assert err.startswith("错误:tasks.yaml:") and "YAML" in err
    assert len(err.strip().splitlines()) == 1


def test_outside_a_tracker_says_how_to_make_one(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XATRACK_ROOT", raising=False)
    code, out, err = run(capsys, "list")
    assert code == 2 and "tasks.yaml" in err and "init" in err


# --------------------------------------------------------------------------- real processes


def _process(args, cwd, columns, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("XATRACK_ROOT",)}
    env.update({"COLUMNS": str(columns), "XATRACK_TODAY": "2025-06-20", "XATRACK_USER": "区科经局"})
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "xatrack", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("columns", [80, 160])
def test_example_commands_as_processes(tmp_path, columns):
    root = make_tracker(tmp_path / "repo")
    from rich.cells import cell_len

    listing = _process(["list", "--leader", "洪声耀"], root, columns)
    assert listing.returncode == 0, listing.stderr
    assert "\x1b[" not in listing.stdout  # piped: no escape codes
    lines = listing.stdout.splitlines()
    assert all(cell_len(line) <= columns for line in lines)
    assert sum(1 for line in lines if line.strip().split(" ")[0].isdigit()) == 27
    assert any(line.strip().startswith("G3") for line in lines)
    # Chinese columns line up: the 状态 column starts at the same cell in every row
    rows = [line for line in lines if "◌" in line]  # 待报送: on 6-20 the Q2 deadline is still to come
    positions = {cell_len(line[: line.index("◌")]) for line in rows}
    assert len(rows) > 20 and len(positions) == 1

    update = _process(["update", "32", "--done", "120"], root, columns)
    assert update.returncode == 0, update.stderr
    assert "progress/2025-Q2.yaml" in update.stdout

    # after the Q2 deadline (2025-07-10): what nobody reported is 未报送
    overdue = _process(["overdue", "--quarter", "Q2"], root, columns, {"XATRACK_TODAY": "2025-07-15"})
    assert overdue.returncode == 0, overdue.stderr
    assert "严重滞后" in overdue.stdout and "\x1b[" not in overdue.stdout
    assert all(cell_len(line) <= columns for line in overdue.stdout.splitlines())
    assert "共 107 项" in overdue.stdout


def test_terminal_output_is_coloured(tmp_path):
    """Through a pseudo-terminal, statuses carry colour."""
    import pty

    root = make_tracker(tmp_path / "repo")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "XATRACK_ROOT")}
    env.update({"COLUMNS": "120", "TERM": "xterm-256color", "XATRACK_TODAY": "2025-06-20"})
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "xatrack", "list", "--leader", "洪声耀"], cwd=root, env=env, stdout=follower, stderr=follower
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    output = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "\x1b[" in output and "未报送" in output


def test_a_mistyped_command_or_option_is_one_chinese_line_with_the_suggestion(capsys):
    """Click's "Did you mean 'list'?" left the whole line in English."""
    code, out, err = run(capsys, "lis")
    assert code == 2 and err.strip() == "错误:未知命令 lis,是否为 list?(用 --help 查看用法)"
    code, out, err = run(capsys, "list", "--leadr", "x")
    assert code == 2 and "未知选项 --leadr" in err and "--leader" in err and "Did you mean" not in err


def test_only_the_named_command_is_built_and_help_is_unchanged(capsys):
    from xatrack.cli import _command_for

    assert list(_command_for(["list", "--help"]).commands) == ["list"]
    assert list(_command_for(["finding", "add"]).commands) == ["finding"]
    full = _command_for([])
    assert {"list", "finding", "report", "retract", "remind"} <= set(full.commands)
    assert set(_command_for(["nosuch"]).commands) == set(full.commands)
    code, out, err = run(capsys, "--help")
    assert code == 0 and "retract" in out and "finding" in out


@pytest.mark.parametrize("columns", [40, 60, 80])
def test_narrow_terminal_never_cuts_a_figure_an_id_or_a_count_header(tracker, capsys, monkeypatch, columns):
    """Below a table's minimum the lines overflow (the terminal wraps them)
    rather than cut 编号 to 编…, 等2项 to 等…, 200 to 2… or 已完成 to 已…: texts
    (task, unit names, notes) give way; figures, ids, states and counts never."""
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    code, out, err = run(capsys, "list", "--leader", "洪声耀")
    assert code == 0, err
    header = out.splitlines()[1].split()
    assert header[0] == "编号" and header[-1] == "状态", header
    assert "—/30亿元 等2项" in out and "—/8家 等9项" in out
    for command in ("units", "leaders"):
        code, out, err = run(capsys, command)
        assert code == 0, err
        header = out.splitlines()[1].split()
        assert header[1:] == (["事项", "其中牵头"] if command == "units" else ["事项"]) + ["已完成", "正常", "滞后", "严重滞后", "未报送"], header
        assert "…" not in "".join(out.splitlines()[3:4]), out
    assert run(capsys, "update", "32", "--done", "201", "--by", "区科经局", "--note", "含室内分布站" * 6)[0] == 0
    code, out, err = run(capsys, "show", "32")
    assert code == 0, err
    history = out[out.index("报送记录"):]
    assert " 201 " in history and "168/201" in out  # the record, and Q2's expected/reported
