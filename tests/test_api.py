"""The library under the CLI (xatrack.api), called directly: values in, values out, nothing printed."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from xatrack import api
from xatrack.errors import DataError, InputError
from xatrack.model import SEVERE
from xatrack.queries import Filters

NOW = datetime(2025, 7, 8, 10, 0, tzinfo=timezone.utc)


def test_update_returns_the_record_and_the_status_after(tracker, capsys):
    done = api.update(tracker, item_id="32", done="120", quarter="Q2", day="2025-06-28", by="区科经局", now=NOW)
    assert done.recorded.item.id == "32" and done.recorded.record["value"] == 120
    assert done.display == "progress/2025-Q2.yaml" and (tracker / done.display).is_file()
    assert done.status is not None and done.status.item.id == "32"
    assert capsys.readouterr() == ("", "")  # the library prints nothing


def test_retract_names_the_entry_withdrawn(tracker):
    api.update(tracker, item_id="32", done="120", quarter="Q2", day="2025-06-28", by="区科经局", now=NOW)
    done = api.retract(tracker, item_id="32", quarter="Q2", by="区科经局", now=NOW)
    assert done.target.value == 120 and done.recorded.record["retracts"]


def test_overdue_groups_and_rejects_bad_grouping(tracker, monkeypatch):
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")  # after the Q2 deadline: unreported items are overdue
    found = api.overdue(tracker, quarter="Q2", by="leader")
    assert found.statuses and found.groups
    assert sum(len(members) for _, members in found.groups) >= len(found.statuses)
    with pytest.raises(InputError, match="--by"):
        api.overdue(tracker, by="部门")


def test_show_and_report_are_values(tracker):
    shown = api.show(tracker, item_id="32")
    assert shown.item.id == "32" and len(shown.per_quarter) == 4
    api.update(tracker, item_id="32", done="1", quarter="Q2", day="2025-06-28", by="区科经局", now=NOW)
    made = api.report(tracker, quarter="Q2", filters=Filters(status="红"))
    assert made.published is None and made.quarter.q == 2 and made.report.scope == ("状态:红",)
    assert made.report.statuses and all(s.state == SEVERE for s in made.report.statuses)


def test_check_lists_problems(tracker):
    assert api.check(tracker) == []
    (tracker / "units.yaml").write_text("units: [\n", encoding="utf-8")
    problems = api.check(tracker)
    assert problems and problems[0].file == "units.yaml" and problems[0].code == "yaml"


def test_sheet_then_ingest(tracker, tmp_path):
    made = api.sheet(tracker, unit="区科经局", quarter="Q2", output=str(tmp_path / "kjj.xlsx"), now=NOW)
    (name, path, items, rows), = made.written
    assert name == "区科经局" and path.is_file() and items > 0 and rows >= items
    book = openpyxl.load_workbook(path)
    sheet = book["报送表"]
    header = {c.value: c.column for c in sheet[5] if c.value}
    first = next(r for r in sheet.iter_rows(min_row=6) if r[0].value is not None)
    first[header["进展说明"] - 1].value = "已开工"
    book.save(path)
    done = api.ingest(tracker, files=[Path(path)], now=NOW)
    assert done.written and done.recorded == 1 and done.logs == ["progress/2025-Q2.yaml"]
    again = api.ingest(tracker, files=[Path(path)], now=NOW)
    assert again.written and again.recorded == 0 and again.same == 1


# --------------------------------------------------------------------------- findings, init, import, audit, githook

DAY = date(2025, 7, 8)
AT = "2025-07-08T10:00:00+08:00"


def test_add_finding_defaults_the_unit_to_the_lead_and_refuses_the_same_twice(tracker, capsys):
    added = api.add_finding(tracker, item_id="32", kind="暗访", text="部分基站未实际建成", due="2025-08-15",
                            day="2025-07-01", at=AT, today=DAY, default_by="督查室")
    assert (added.item.id, added.unit, added.kind, added.due) == ("32", "区科经局", "暗访", date(2025, 8, 15))
    assert added.display == "findings/2025.yaml" and added.path.is_file()
    assert added.record["by"] == "督查室" and added.record["fid"].startswith(added.short)
    assert capsys.readouterr() == ("", "")  # the library prints nothing
    with pytest.raises(InputError, match="已经记录过"):
        api.add_finding(tracker, item_id="32", kind="暗访", text="部分基站未实际建成", due="2025-08-15",
                        day="2025-07-01", at=AT, today=DAY, default_by="督查室")
    with pytest.raises(InputError, match="--unit"):
        api.add_finding(tracker, text="无事项", due="2025-08-15", today=DAY)  # a unit-only finding names its unit
    with pytest.raises(InputError, match="晚于今天"):
        api.add_finding(tracker, item_id="32", text="x", due="2025-08-15", day="2025-07-09", today=DAY)
    listed = api.findings(tracker, today=DAY)
    assert [row[0].fid for row in listed.rows] == [added.record["fid"]]


def test_update_close_and_reopen_a_finding(tracker, tmp_path):
    added = api.add_finding(tracker, item_id="32", text="部分基站未实际建成", due="2025-08-15", day="2025-07-01",
                            at=AT, today=DAY, default_by="督查室")
    with pytest.raises(InputError, match="销号须有"):
        api.close_finding(tracker, finding_id=added.short, today=DAY)
    progress = api.update_finding(tracker, finding_id=added.short, note="已约谈运营商", by="区科经局", today=DAY)
    assert (progress.op, progress.day, progress.refs, progress.record["by"]) == ("update", DAY, [], "区科经局")
    proof = tmp_path / "验收报告.txt"
    proof.write_text("验收合格", encoding="utf-8")
    closed = api.close_finding(tracker, finding_id=added.short, evidence=[str(proof)], day="2025-07-08", today=DAY)
    assert closed.op == "close" and [ref.name for ref in closed.refs] == ["验收报告.txt"]
    assert closed.finding.fid == added.record["fid"] and closed.display == "findings/2025.yaml"
    assert api.findings(tracker, today=DAY).rows[0][1] == "已销号"
    with pytest.raises(InputError, match="说明原因"):
        api.reopen_finding(tracker, finding_id=added.short, today=DAY)
    reopened = api.reopen_finding(tracker, finding_id=added.short, note="复查发现问题反弹", today=DAY)
    assert reopened.op == "reopen" and api.findings(tracker, today=DAY).rows[0][1] != "已销号"


def test_init_tracker_makes_a_tracker_and_refuses_to_overwrite(tmp_path):
    made = api.init_tracker(tmp_path / "督办2025")
    assert made.folder == tmp_path / "督办2025" and made.plan_file.name == "2025-xianan.txt"
    assert len(made.plan.tasks) > 50 and made.warnings == []
    for name in ("tasks.yaml", "units.yaml", ".gitattributes", ".gitignore", "README.md"):
        assert (made.folder / name).is_file(), name
    assert (made.folder / "progress").is_dir()
    assert api.list_items(made.folder, quarter="Q2").statuses
    before = (made.folder / "tasks.yaml").read_bytes()
    with pytest.raises(InputError, match="已有 tasks.yaml"):
        api.init_tracker(made.folder)
    assert (made.folder / "tasks.yaml").read_bytes() == before


def test_import_plan_writes_only_when_asked(tmp_path):
    plan = tmp_path / "方案.txt"
    plan.write_text("1. 新改建农村公路100公里。\n\n随便写的一行字没有编号\n", encoding="utf-8")
    warned = []
    made = api.import_plan(plan, warn=warned.append)
    assert [i.id for i in made.result.plan.items] == ["1"] and made.written is None and made.overrides is None
    assert warned == [f"{plan}:3: 警告: 无法识别的行,已跳过: 随便写的一行字没有编号"]
    out = tmp_path / "tasks.yaml"
    with pytest.raises(InputError, match="--strict"):
        api.import_plan(plan, output=out, strict=True)
    assert not out.exists()
    made = api.import_plan(plan, output=out)
    assert made.written == out and out.read_text(encoding="utf-8") == made.text
    page = tmp_path / "核对.html"
    assert api.import_plan(plan, output=page, review=True).written == page and "<html" in page.read_text(encoding="utf-8")
    assert api.import_plan(plan, output=tmp_path / "x.yaml", review=True).written is None
    assert not (tmp_path / "x.yaml").exists()
    empty = tmp_path / "空.txt"
    empty.write_text("没有任何编号条目\n", encoding="utf-8")
    with pytest.raises(InputError, match="没有识别出任何目标或任务"):
        api.import_plan(empty, output=tmp_path / "e.yaml")
    assert not (tmp_path / "e.yaml").exists()


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@needs_git
def test_audit_counts_commits_and_finds_an_edited_entry(tracker, tmp_path):
    from git_helpers import git, ok

    with pytest.raises(DataError, match="不在 git 仓库中"):
        api.audit(tracker)
    ok(git(tracker, "init", "-q"))
    api.update(tracker, item_id="32", done="120", quarter="Q2", day="2025-06-28", by="区科经局", now=NOW)
    ok(git(tracker, "add", "-A"))
    ok(git(tracker, "commit", "-qm", "报送"))
    clean = api.audit(tracker)
    assert (clean.commits, clean.violations, clean.accounts.present) == (1, [], False)
    with pytest.raises(InputError, match='--rev "nosuch"'):
        api.audit(tracker, rev="nosuch")
    log = tracker / "progress" / "2025-Q2.yaml"
    log.write_text(log.read_text(encoding="utf-8").replace('"value": 120', '"value": 336'), encoding="utf-8")
    ok(git(tracker, "commit", "-qam", "改了原记录"))
    found = api.audit(tracker)
    assert found.commits == 2 and len(found.errors) == 1 and found.warnings == []
    assert (found.errors[0].kind, found.errors[0].path, found.errors[0].line) == ("changed", "progress/2025-Q2.yaml", 3)


@needs_git
def test_githook_script_and_install(tracker, tmp_path):
    from git_helpers import git, ok

    text = api.githook_script(python="/usr/bin/python3")
    assert text.startswith("#!/usr/bin/python3\n")
    target = tmp_path / "pre-receive"
    assert api.githook_script(target, python="/usr/bin/python3", signed=True) == target.read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") != text  # --signed is in the script
    with pytest.raises(DataError, match="不是 git 仓库"):
        api.githook_install(tmp_path)
    hub = tmp_path / "hub.git"
    ok(git(tmp_path, "init", "-q", "--bare", str(hub)))
    with pytest.raises(DataError, match="还是空的"):
        api.githook_install(hub)
    units = tracker / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + '\naccounts:\n  dcs@xianan.gov.cn: "*"\n', encoding="utf-8")
    ok(git(tracker, "init", "-q"))
    ok(git(tracker, "add", "-A"))
    ok(git(tracker, "commit", "-qm", "新建跟踪目录"))
    ok(git(tracker, "push", "-q", str(hub), "HEAD:main"))
    installed = api.githook_install(hub, python="/usr/bin/python3")
    assert installed.name == "pre-receive" and installed.read_text(encoding="utf-8").startswith("#!/usr/bin/python3")


@pytest.mark.skipif(os.name == "nt", reason="symlinks need a privilege on Windows")
def test_githook_script_output_through_a_symlink_writes_its_target(tmp_path):
    # As every -o (safefs.write_output): the link's target is written and the link kept.
    target = tmp_path / "hooks" / "pre-receive.real"
    target.parent.mkdir()
    target.write_text("旧脚本", encoding="utf-8")
    link = tmp_path / "hooks" / "pre-receive"
    link.symlink_to(target)
    text = api.githook_script(link)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == text


@pytest.mark.skipif(os.name == "nt", reason="symlinks need a privilege on Windows")
def test_import_output_through_a_symlink_writes_its_target(tmp_path):
    plan = tmp_path / "方案.txt"
    plan.write_text("1. 新改建农村公路100公里。\n", encoding="utf-8")
    target = tmp_path / "registries" / "2026.yaml"
    target.parent.mkdir()
    link = tmp_path / "tasks.yaml"
    link.symlink_to(target)
    made = api.import_plan(plan, output=link)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == made.text


def test_githook_script_output_refuses_the_trackers_own_files(tracker):
    before = (tracker / "tasks.yaml").read_bytes()
    with pytest.raises(InputError, match="跟踪目录自己的文件"):
        api.githook_script(tracker / "tasks.yaml")
    assert (tracker / "tasks.yaml").read_bytes() == before
