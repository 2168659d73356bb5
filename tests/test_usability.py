"""For the people who use it: pinyin, completion, leaders/units, init, root discovery, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from cli_helpers import run, ids_of

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def test_pinyin_full_and_initials_give_the_same_as_chinese(tracker, capsys):
    chinese = ids_of(capsys, "list", "--leader", "洪声耀")
    assert ids_of(capsys, "list", "--leader", "hsy") == chinese
    assert ids_of(capsys, "list", "--leader", "hongshengyao") == chinese
    assert ids_of(capsys, "list", "--unit", "kjj") == ids_of(capsys, "list", "--unit", "区科经局")
    assert ids_of(capsys, "list", "--unit", "guihua") == ids_of(capsys, "list", "--unit", "桂花镇")
    assert ids_of(capsys, "overdue", "--unit", "kjj", "--quarter", "Q2") == ids_of(
        capsys, "overdue", "--unit", "区科经局", "--quarter", "Q2"
    )


def test_shared_initials_name_the_candidates(tracker, capsys):
    code, out, err = run(capsys, "list", "--unit", "swj")
    assert code == 2
    assert "区商务局" in err and "区税务局" in err


def test_unknown_name_suggests_the_nearest(tracker, capsys):
    code, out, err = run(capsys, "list", "--leader", "洪生耀")
    assert code == 2
    assert err.strip() == '错误:--leader:没有找到领导"洪生耀",是否为"洪声耀"?'  # names the flag


def test_leaders_rollup_counts_and_order(tracker, capsys):
    code, out, err = run(capsys, "update", "32", "--done", "10", "--quarter", "Q2")
    assert code == 0, err
    code, out, err = run(capsys, "leaders", "--quarter", "Q2", "--format", "json")
    rows = json.loads(out)
    first = rows[0]
    assert first["name"] == "洪声耀" and first["total"] == 28 and first["counts"]["严重滞后"] == 1
    assert sum(r["counts"]["严重滞后"] for r in rows) == 1


def _alias_for_chen_hao(root: Path) -> None:
    """陈浩 gets the alias 陈副区长 in units.yaml, and one of his tasks (G5, the first naming
    him alone) names him by it: 16 items, 15 as 陈浩 and 1 as 陈副区长."""
    units = (root / "units.yaml").read_text(encoding="utf-8")
    assert "  - {name: 陈浩}\n" in units
    (root / "units.yaml").write_text(units.replace("  - {name: 陈浩}\n", "  - {name: 陈浩, aliases: [陈副区长]}\n"), encoding="utf-8")
    tasks = (root / "tasks.yaml").read_text(encoding="utf-8")
    (root / "tasks.yaml").write_text(tasks.replace("leaders: [陈浩]", "leaders: [陈副区长]", 1), encoding="utf-8")


def test_one_grouping_rule_merges_a_leaders_alias(tracker, capsys, monkeypatch):
    """`leaders`, `overdue --by leader` (both ways in, and its item lines from the index), the
    bulletin and the 催办单 group by the canonical name: 陈浩 16, never 陈浩 15 + 陈副区长 1."""
    from xatrack import api

    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")  # after the Q2 deadline: every item is overdue or reported

    _alias_for_chen_hao(tracker)
    code, out, err = run(capsys, "leaders", "--quarter", "Q2", "--format", "json")
    assert code == 0, err
    rows = {r["name"]: r["total"] for r in json.loads(out)}
    assert rows["陈浩"] == 16 and "陈副区长" not in rows
    for _ in range(2):  # the first run reads the files, the second the query index
        code, out, err = run(capsys, "overdue", "--quarter", "Q2", "--by", "leader")
        assert code == 0, err
        heads = [line for line in out.splitlines() if line.endswith(" 项)")]
        assert "陈浩(16 项)" in heads and not any(h.startswith("陈副区长") for h in heads), heads
    for lines in (False, True):
        groups = dict(api.overdue(tracker, quarter="Q2", by="leader", lines=lines).groups)
        assert len(groups["陈浩"]) == 16 and "陈副区长" not in groups
    bulletin = api.report(tracker, quarter="Q2").report
    assert {row.name: row.total for row in bulletin.leaders}["陈浩"] == 16
    notices = api.remind(tracker, quarter="Q2").notices
    named = {name for notice in notices for item in notice.items for name in item.leaders}
    assert "陈浩" in named and "陈副区长" not in named


def test_units_rollup_counts_items_through_groups(tracker, capsys):
    code, out, err = run(capsys, "units", "--quarter", "Q2", "--format", "json")
    assert code == 0, err
    rows = {r["name"]: r for r in json.loads(out)}
    town = rows["桂花镇"]
    assert town["lead"] == 0
    assert "1" in town["ids"] and "72" in town["ids"]  # 各乡镇办场, and named directly
    assert rows["区科经局"]["lead"] == 20
    code, out, err = run(capsys, "units", "--quarter", "Q2", "--lead-only", "--format", "json")
    names = {r["name"] for r in json.loads(out)}
    assert "桂花镇" not in names and "区科经局" in names


def test_completion_of_ids_leaders_and_units(tracker):
    from xatrack.cliutil import complete_ids, complete_leaders, complete_units

    assert [i for i, _ in complete_ids("3")][:3] == ["3", "30", "31"]
    assert [i for i, _ in complete_ids("g")] == ["G1", "G2", "G3", "G4", "G5", "G6", "G7"]
    assert complete_leaders("洪") == ["洪声耀"]
    assert complete_leaders("hsy") == ["洪声耀"]
    assert "区科经局" in complete_units("科经")


def test_completion_through_the_shell_protocol(tracker):
    env = dict(os.environ, _XATRACK_COMPLETE="complete_bash", COMP_WORDS="xatrack list --leader 洪", COMP_CWORD="3")
    result = subprocess.run([sys.executable, "-m", "xatrack"], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["洪声耀"]


def test_init_from_the_bundled_plan(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "init", "督办2025")
    assert code == 0, err
    folder = tmp_path / "督办2025"
    assert (folder / "tasks.yaml").read_text(encoding="utf-8") == (REPO / "tasks.yaml").read_text(encoding="utf-8")
    assert (folder / "units.yaml").is_file() and (folder / "progress").is_dir()
    assert "merge=union" in (folder / ".gitattributes").read_text(encoding="utf-8")
    assert "xatrack list" in (folder / "README.md").read_text(encoding="utf-8")
    monkeypatch.chdir(folder / "progress")  # found from a subfolder, like git
    monkeypatch.setenv("XATRACK_TODAY", "2025-06-20")
    code, out, err = run(capsys, "check")
    assert code == 0, out
    code, out, err = run(capsys, "init", str(folder))
    assert code == 2 and "已有 tasks.yaml" in err


def test_init_from_a_document(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "init", "市里", "--from", str(DATA / "xianning-2024-bullets.txt"))
    assert code == 0, err
    folder = tmp_path / "市里"
    monkeypatch.setenv("XATRACK_ROOT", str(folder))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "list", "--search", "农村公路", "--quarter", "Q2", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert any(m["target"] == 800 and m["unit"] == "公里" for r in rows for m in r["metrics"])
    code, out, err = run(capsys, "check")
    assert code == 0, out


def test_root_flag_and_env(tracker, tmp_path, capsys, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = run(capsys, "list", "--root", str(tracker), "--leader", "丁玲")
    assert code == 0, err
    monkeypatch.setenv("XATRACK_ROOT", str(tracker))
    code, out, err = run(capsys, "list", "--leader", "丁玲")
    assert code == 0, err
    code, out, err = run(capsys, "list", "--root", str(elsewhere))
    assert code == 2 and "--root" in err and "init" in err


def test_overview_and_help_in_chinese(capsys):
    code, out, err = run(capsys)
    assert code == 0
    order = [out.index(word) for word in ("import", "check", "list", "update", "overdue")]
    assert order == sorted(order)
    for command in ("list", "update", "overdue", "show", "check", "import", "leaders", "units", "init", "report", "sheet", "ingest"):
        code, out, err = run(capsys, command, "--help")
        assert code == 0
        assert "例:" in out and f"xatrack {command}" in out
        assert "Show this message" not in out and "Options" not in out and "选项" in out
    code, out, err = run(capsys, "--help")
    assert "Install completion" not in out and "安装命令补全" in out and "用法" in out


def test_the_terminal_reminder_list_keeps_a_metric_name_with_a_dunhao_whole(tracker, capsys, monkeypatch):
    """Issue 29: the terminal 催办名单 wraps between items, never at the 、 inside a metric name
    (工业产值10亿元、税收亿元以上企业 lost its 、 and broke in two)."""
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")
    code, out, err = run(capsys, "update", "16", "--metric", "1", "--done", "3", "--quarter", "Q2", "--by", "区科经局")
    assert code == 0, err
    code, out, err = run(capsys, "report", "--quarter", "Q2")
    assert code == 0, err
    flat = "".join(out.split())  # the cell's lines joined, wherever the table wrapped them
    assert "玉龙企业;潜龙企业;工业产值10亿元、税收亿元以上企业;新增省级专精特新中小企业" in flat


REPO_ROOT = Path(__file__).resolve().parents[1]


def test_every_help_points_to_its_section_of_the_manual(capsys):
    """Issue 28: `xatrack 命令 --help` ends with the section of docs/commands.md that says more,
    and that section exists; every command (and every command of `finding`, `githook`) has one."""
    from xatrack.cli import MANUAL_SECTIONS, app

    manual = (REPO_ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    headings = [line[3:] for line in manual.splitlines() if line.startswith("## ")]
    names = [info.name for info in app.registered_commands] + [group.name for group in app.registered_groups]
    assert sorted(names) == sorted(MANUAL_SECTIONS)  # a new command needs its section
    groups = {group.name: [info.name for info in group.typer_instance.registered_commands] for group in app.registered_groups}
    for name in names:
        for args in [[name]] if name not in groups else [[name, sub] for sub in groups[name]]:
            code, out, err = run(capsys, *args, "--help")
            assert code == 0, (args, err)
            section = MANUAL_SECTIONS[name]
            assert out.rstrip().endswith(f"详见 docs/commands.md 中的“{section}”一节。"), args
            assert any(h == section or h.startswith(section + ":") for h in headings), section


def test_the_readme_is_a_front_door():
    """Issue 28: README.md in at most about 150 lines, no line of thousands of characters, the two
    quick-start commands as they work, and links to docs pages that exist."""
    import re

    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) <= 150 and max(len(line) for line in lines) < 400
    assert "pip install -e . && xatrack overdue --quarter Q2" in text
    assert "pip install -e '.[test]' && pytest" in text
    links = re.findall(r"\]\((docs/[^)]+|bench/[^)]+)\)", text)
    for page in ("docs/commands.md", "docs/rules.md", "docs/sharing.md", "docs/robustness.md", "docs/performance.md",
                 "docs/ARCHITECTURE.md"):
        assert page in links
    assert all((REPO_ROOT / link).is_file() for link in links), links
    assert "## English summary" in text
