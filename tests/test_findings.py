"""Inspections and rectification: findings (督查发现), 整改销号 and evidence (佐证材料).

The whole cycle through the CLI (add -> update -> close with evidence ->
bulletin), the rules on plain values (findings.py), evidence stored by hash
and verified by check, settings.evidence_required, sheets with an evidence
column, and bad input: one Chinese line, exit 2, nothing written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from cli_helpers import run
from xatrack import evidence as evidence_module
from xatrack.evaluate import DONE_OPEN_FINDINGS, evaluate
from xatrack.findings import (
    CLOSED,
    OPEN,
    OVERDUE,
    WORKING,
    Event,
    Finding,
    add_record,
    build,
    overdue_for_unit,
    resolve,
    short_ids,
)
from xatrack.errors import InputError
from xatrack.model import DONE, ON_TRACK, Entry, Item, Metric, Plan, PlanInfo, Quarter
from xatrack.report import tally


def add(capsys, *args: str) -> str:
    code, out, err = run(capsys, "finding", "add", *args)
    assert code == 0, err
    match = re.search(r"已记录督查发现 ([0-9a-f]+)", out)
    assert match, out
    return match.group(1)


def state_of(capsys, item: str, quarter: str) -> str:
    code, out, err = run(capsys, "list", "--quarter", quarter, "--format", "json")
    assert code == 0, err
    return next(row["status"] for row in json.loads(out) if row["id"] == item)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the tracker but the locks: to prove a failed command wrote nothing."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


# --------------------------------------------------------------------------- the whole cycle


def test_add_update_close_with_evidence_and_the_bulletin(tracker, capsys, monkeypatch, tmp_path):
    code, out, err = run(capsys, "update", "32", "--done", "340", "--by", "区科经局")
    assert code == 0, err
    assert state_of(capsys, "32", "Q2") == DONE

    fid = add(capsys, "32", "--unit", "科经局", "--kind", "暗访", "--text", "部分基站未实际建成", "--due", "2025-08-15")
    assert len(fid) == 6
    line = (tracker / "findings" / "2025.yaml").read_text(encoding="utf-8").splitlines()[-1]
    record = json.loads(line[2:])
    assert record["fid"].startswith(fid) and len(record["fid"]) == 64
    assert record["unit"] == "区科经局" and record["item"] == 32 and record["date"] == "2025-06-20"

    # An item with an open finding is not 已完成 for any count.
    assert state_of(capsys, "32", "Q2") == DONE_OPEN_FINDINGS
    code, out, err = run(capsys, "list", "--quarter", "Q2", "--status", "已完成", "--format", "json")
    assert "32" not in [row["id"] for row in json.loads(out)]
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")  # the bulletin after the Q2 deadline (连续未报送 is a table)
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md")
    assert code == 0, err
    # A heading of its own: an empty line parts it from the table above (it used to follow the last row).
    assert "|\n\n## 七、督查发现及整改\n\n本季度新发现问题 1 个" in out
    assert re.search(rf"\| {fid} \| 32 \| 区科经局 \| 暗访 \| 部分基站未实际建成 \| 2025-06-20 \| 2025-08-15 \| 未整改 \|", out)

    monkeypatch.setenv("XATRACK_TODAY", "2025-07-08")
    code, out, err = run(capsys, "finding", "update", fid[:4], "--note", "已约谈运营商")
    assert code == 0, err
    code, out, err = run(capsys, "finding", "list", "--format", "json")
    [row] = json.loads(out)
    assert row["status"] == WORKING and row["latest_note"] == "已约谈运营商"

    proof = tmp_path / "验收报告.pdf"
    proof.write_bytes(b"%PDF-1.4 acceptance report")
    monkeypatch.setenv("XATRACK_TODAY", "2025-08-10")
    code, out, err = run(capsys, "finding", "close", fid, "--evidence", str(proof), "--note", "已整改到位")
    assert code == 0, err
    assert "销号" in out and "佐证材料 1 个" in out
    digest = evidence_module.file_digest(proof)
    stored = tracker / "evidence" / "2025" / f"{digest}.pdf"
    assert stored.read_bytes() == proof.read_bytes()

    code, out, err = run(capsys, "finding", "list", "--status", "已销号", "--format", "json")
    [row] = json.loads(out)
    assert row["closed"] == "2025-08-10"
    assert row["evidence"] == [
        {"name": "验收报告.pdf", "size": proof.stat().st_size, "sha256": digest, "file": f"evidence/2025/{digest}.pdf"}
    ]
    # Q2 ended with the finding open (a published bulletin stays as it was); Q3 sees it closed.
    assert state_of(capsys, "32", "Q2") == DONE_OPEN_FINDINGS
    assert state_of(capsys, "32", "Q3") == DONE

    code, out, err = run(capsys, "report", "--quarter", "Q3", "--format", "md")
    assert code == 0, err
    section = out.split("## 七、督查发现及整改", 1)[1]
    assert "本季度新发现问题 0 个,销号 1 个" in section
    assert re.search(rf"\| {fid} \| 32 \| 区科经局 \| 部分基站未实际建成 \| 2025-08-10 \| 验收报告.pdf \|", section)

    code, out, err = run(capsys, "show", "32")
    assert code == 0, err
    assert "督查发现" in out and fid in out and "已销号" in out and "已完成(有未销号问题)" in out

    code, out, err = run(capsys, "check")
    assert code == 0, out


def test_bulletin_formats_all_carry_the_findings(tracker, capsys, monkeypatch):
    monkeypatch.setenv("XATRACK_TODAY", "2025-09-10")
    fid = add(capsys, "--unit", "桂花镇", "--kind", "群众反映", "--text", "农村道路施工扰民", "--due", "2025-08-01",
              "--date", "2025-07-15")
    code, out, err = run(capsys, "report", "--quarter", "Q3")
    assert code == 0, err
    assert "七、督查发现及整改" in out and "逾期未整改" in out and fid in out
    code, out, err = run(capsys, "report", "--quarter", "Q3", "-o", "通报.html")
    assert code == 0, err
    page = (tracker / "通报.html").read_text(encoding="utf-8")
    assert 'id="findings-overdue"' in page and "农村道路施工扰民" in page
    import openpyxl

    code, out, err = run(capsys, "report", "--quarter", "Q3", "-o", "通报.xlsx")
    assert code == 0, err
    rows = list(openpyxl.load_workbook(tracker / "通报.xlsx")["督查发现"].iter_rows(values_only=True))
    assert ("逾期未整改", fid, None, "桂花镇", "群众反映", "农村道路施工扰民", "2025-07-15", "2025-08-01", OVERDUE, None, None) in rows
    # A report narrowed to a leader's items leaves out findings about a unit only.
    code, out, err = run(capsys, "report", "--quarter", "Q3", "--leader", "洪声耀", "--format", "md")
    assert "农村道路施工扰民" not in out


def test_finding_alone_prints_its_commands_in_chinese(tracker, capsys):
    code, out, err = run(capsys, "finding")
    assert code == 0 and "finding add" in out and "finding close" in out and "Usage" not in out + err


def test_reopen_and_list_filters(tracker, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-08")
    one = add(capsys, "32", "--kind", "暗访", "--text", "基站未建成", "--due", "2025-07-20")
    two = add(capsys, "--unit", "桂花镇", "--kind", "其他", "--text", "台账不全", "--due", "2025-09-30")
    code, out, err = run(capsys, "finding", "close", one, "--note", "已建成并验收")
    assert code == 0, err
    code, out, err = run(capsys, "finding", "reopen", one, "--note", "复查发现问题反弹")
    assert code == 0, err
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-25")
    ids = lambda *args: [r["id"] for r in json.loads(run(capsys, "finding", "list", *args, "--format", "json")[1])]  # noqa: E731
    assert ids("--status", "逾期") == [one]
    assert ids("--unit", "guihua") == [two]
    assert ids("--leader", "hsy") == [one]
    assert ids("--quarter", "Q2") == []
    assert sorted(ids("--quarter", "Q3")) == sorted([one, two])
    code, out, err = run(capsys, "finding", "list", "--format", "csv")
    # the byte-order mark first, as every CSV xatrack writes: Excel on Chinese Windows then reads UTF-8
    assert out.splitlines()[0].startswith("\ufeff编号,事项,单位,类型,问题,发现日期,整改时限,状态")


def test_finding_list_csv_never_makes_a_formula(tracker, capsys, monkeypatch):
    # Issue 13's rule for every CSV xatrack writes: a field starting with = + - @ is neutralised with '.
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-08")
    text = '=HYPERLINK("http://example.invalid","点击")'
    code, out, err = run(capsys, "finding", "add", "32", "--text", text, "--due", "2025-08-15")
    assert code == 0, err
    code, out, err = run(capsys, "finding", "list", "--format", "csv")
    assert code == 0, err
    row = next(csv.reader(io.StringIO(out.splitlines()[1])))
    assert row[4] == "'" + text and row[1] == "32"
    code, out, err = run(capsys, "finding", "list", "--format", "json")
    assert json.loads(out)[0]["text"] == text  # JSON keeps the text as written


# --------------------------------------------------------------------------- merging clones


def test_two_clones_add_findings_the_same_minute_and_merge(tmp_path):
    from test_git_sync import commit_all, git, ok, xatrack
    import shutil

    if shutil.which("git") is None:
        pytest.skip("needs git")
    central = tmp_path / "central.git"
    ok(git(tmp_path, "init", "-q", "--bare", str(central)))
    office = tmp_path / "office"
    ok(git(tmp_path, "clone", "-q", str(central), str(office)))
    from cli_helpers import invoke

    assert invoke("init", str(office))[0] == 0
    commit_all(office, "新建跟踪目录")
    ok(git(office, "push", "-q", "origin", "main"))
    unit = tmp_path / "kjj"
    ok(git(tmp_path, "clone", "-q", str(central), str(unit)))
    assert git(unit, "check-attr", "merge", "findings/2025.yaml").stdout.strip().endswith("merge: union")

    # Both add a finding in the same minute (same second even), about the same item.
    code, out_a = xatrack(office, "finding", "add", "32", "--kind", "暗访", "--text", "基站未建成", "--due", "2025-08-15",
                          user="督查室", today="2025-07-08")
    assert code == 0, out_a
    code, out_b = xatrack(unit, "finding", "add", "32", "--kind", "专项督查", "--text", "台账不全", "--due", "2025-08-31",
                          user="督查室二科", today="2025-07-08")  # a second office desk: only the office adds findings
    assert code == 0, out_b
    id_a = re.search(r"督查发现 ([0-9a-f]+)", out_a).group(1)
    id_b = re.search(r"督查发现 ([0-9a-f]+)", out_b).group(1)
    assert id_a != id_b

    commit_all(unit, "区科经局 督查发现")
    ok(git(unit, "push", "-q", "origin", "main"))
    commit_all(office, "督查室 督查发现")
    merged = git(office, "pull", "-q", "--no-edit", "origin", "main")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout + merged.stderr
    text = (office / "findings" / "2025.yaml").read_text(encoding="utf-8")
    assert text.count("- {") == 2 and text.count("督查发现及整改销号记录") == 1

    code, out = xatrack(office, "finding", "list", "--format", "json", user="查看", today="2025-07-08")
    assert code == 0, out
    assert sorted(r["id"] for r in json.loads(out)) == sorted([id_a, id_b])  # the ids survived the merge
    code, out = xatrack(office, "finding", "close", id_b, "--note", "已补齐", user="督查室", today="2025-07-09")
    assert code == 0, out
    assert xatrack(office, "check", user="查看")[0] == 0


# --------------------------------------------------------------------------- evidence


def test_tampered_missing_and_misplaced_evidence_is_reported_by_check(tracker, capsys, tmp_path):
    proof = tmp_path / "photo.jpg"
    proof.write_bytes(b"\xff\xd8 photo")
    code, out, err = run(capsys, "update", "33", "--status", "推进中", "--evidence", str(proof))
    assert code == 0, err
    [stored] = (tracker / "evidence" / "2025").iterdir()
    assert run(capsys, "check")[0] == 0

    # The same file again: stored once.
    fid = add(capsys, "33", "--unit", "区科经局", "--kind", "其他", "--text", "进度不实", "--due", "2025-07-30")
    code, out, err = run(capsys, "finding", "close", fid, "--evidence", str(proof))
    assert code == 0, err
    assert len(list((tracker / "evidence" / "2025").iterdir())) == 1

    stored.chmod(0o644)
    stored.write_bytes(b"altered")
    code, out, err = run(capsys, "check")
    assert code == 1
    altered = [line for line in out.splitlines() if "已被改动" in line]
    assert len(altered) == 2 and altered[0].startswith("progress/2025-Q2.yaml:") and "photo.jpg" in altered[0]
    assert altered[1].startswith("findings/2025.yaml:")
    # Stored evidence is never overwritten: giving the original again is refused, the altered file kept.
    before = snapshot(tracker)
    code, out, err = run(capsys, "update", "33", "--note", "再次提交", "--evidence", str(proof))
    assert code == 2 and "不予覆盖" in err and "Traceback" not in err
    assert snapshot(tracker) == before

    stored.unlink()
    code, out, err = run(capsys, "check")
    assert code == 1 and out.count("缺失") == 2

    # A hand-edited record pointing out of the tracker is an error, and never opened.
    log = tracker / "progress" / "2025-Q2.yaml"
    text = log.read_text(encoding="utf-8").replace(f"evidence/2025/{stored.name}", "../../etc/passwd")
    log.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check")
    assert code == 1 and "不是 evidence/年度/内容编号,不予读取" in out


def test_evidence_required_setting(tracker, capsys, tmp_path):
    registry = tracker / "tasks.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("settings:\n", "settings:\n  evidence_required: [已完成]\n", 1),
        encoding="utf-8",
    )
    before = snapshot(tracker)
    for args in (("33", "--status", "已完成"), ("32", "--done", "336"), ("32", "--done", "400")):
        code, out, err = run(capsys, "update", *args)
        assert code == 2, (args, out)
        assert "settings.evidence_required" in err and "--evidence" in err and len(err.strip().splitlines()) == 1
    assert snapshot(tracker) == before
    # Below the target, or 推进中: no evidence needed.
    assert run(capsys, "update", "32", "--done", "200")[0] == 0
    assert run(capsys, "update", "33", "--status", "推进中")[0] == 0
    proof = tmp_path / "验收.pdf"
    proof.write_bytes(b"proof")
    code, out, err = run(capsys, "update", "32", "--done", "336", "--evidence", str(proof))
    assert code == 0, err
    record = json.loads((tracker / "progress" / "2025-Q2.yaml").read_text(encoding="utf-8").splitlines()[-1][2:])
    assert record["evidence"][0]["name"] == "验收.pdf" and list(record)[-1] == "at"
    assert state_of(capsys, "32", "Q2") == DONE


def test_evidence_setting_is_off_by_default_and_validated(tracker, capsys):
    assert run(capsys, "update", "33", "--status", "已完成")[0] == 0
    registry = tracker / "tasks.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("settings:\n", "settings:\n  evidence_required: [完成了]\n", 1),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check")
    assert code == 1 and "settings.evidence_required 应为状态列表" in out


def test_sheet_evidence_column_and_evidence_dir(tracker, capsys, tmp_path):
    from test_sheet import fill, log_lines

    registry = tracker / "tasks.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("settings:\n", "settings:\n  evidence_required: [已完成]\n", 1),
        encoding="utf-8",
    )
    assert run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2", "-o", "s.xlsx")[0] == 0
    sent = tmp_path / "收回"
    sent.mkdir()
    (sent / "基站验收.pdf").write_bytes(b"acceptance")
    (tmp_path / "secret.txt").write_bytes(b"outside")

    without = tmp_path / "a.xlsx"
    rows = fill(tracker / "s.xlsx", without, {("32", "新建5G基站"): {"本季度累计完成": 336}})
    before = snapshot(tracker)
    code, out, err = run(capsys, "ingest", str(without))
    assert code == 2 and f"第 {rows[('32', '新建5G基站')]} 行" in err and "佐证材料列" in err
    assert snapshot(tracker) == before

    escaping = tmp_path / "b.xlsx"
    fill(tracker / "s.xlsx", escaping, {("32", "新建5G基站"): {"本季度累计完成": 336, "佐证材料(文件名)": "../secret.txt"}})
    code, out, err = run(capsys, "ingest", str(escaping), "--evidence-dir", str(sent))
    assert code == 2 and "以外的文件" in err
    code, out, err = run(capsys, "ingest", str(escaping))
    assert code == 2 and "--evidence-dir" in err
    assert snapshot(tracker) == before

    good = tmp_path / "c.xlsx"
    fill(tracker / "s.xlsx", good, {("32", "新建5G基站"): {"本季度累计完成": 336, "佐证材料(文件名)": "基站验收.pdf"}})
    code, out, err = run(capsys, "ingest", str(good), "--evidence-dir", str(sent))
    assert code == 0, err
    [record] = log_lines(tracker)
    digest = evidence_module.file_digest(sent / "基站验收.pdf")
    assert record["evidence"] == [
        {"name": "基站验收.pdf", "size": 10, "sha256": digest, "file": f"evidence/2025/{digest}.pdf"}
    ]
    assert run(capsys, "check")[0] == 0


# --------------------------------------------------------------------------- bad input


def test_bad_input_one_line_exit_2_nothing_written(tracker, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-08")
    fid = add(capsys, "32", "--kind", "暗访", "--text", "基站未建成", "--due", "2025-08-15")
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(evidence_module, "MAX_BYTES", 1024)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = [
        (("finding", "add", "999", "--unit", "区科经局", "--text", "x", "--due", "2025-08-01"), "没有编号为\"999\""),
        (("finding", "add", "32", "--text", "x", "--due", "2025-07-01"), "早于发现日期"),
        (("finding", "add", "32", "--text", "x", "--due", "明天"), "--due"),
        (("finding", "add", "32", "--kind", "巡视", "--text", "x", "--due", "2025-08-01"), "--kind"),
        (("finding", "add", "32", "--unit", "桂花镇", "--text", "x", "--due", "2025-08-01"), "不是任务 32 的牵头或责任单位"),
        (("finding", "add", "--text", "x", "--due", "2025-08-01"), "--unit"),
        (("finding", "add", "--unit", "不存在局", "--text", "x", "--due", "2025-08-01"), "--unit:"),
        (("finding", "add", "32", "--text", "x", "--due", "2025-08-01", "--date", "2025-07-09"), "晚于今天"),
        (("finding", "update", "abcdef", "--note", "x"), "没有编号为\"abcdef\""),
        (("finding", "update", "不是编号", "--note", "x"), "问题编号"),
        (("finding", "update", fid), "--note"),
        (("finding", "reopen", fid, "--note", "x"), "尚未销号"),
        (("finding", "close", fid, "--evidence", str(big)), "过大"),
        (("finding", "close", fid, "--evidence", str(folder)), "是目录"),
        (("finding", "close", fid, "--evidence", str(tmp_path / "none.pdf")), "找不到文件"),
        (("finding", "close", fid, "--evidence", os.devnull), "不是普通文件"),
        (("finding", "update", fid, "--note", "x", "--date", "2025-06-01"), "早于发现日期"),
        (("finding", "list", "--status", "完成"), "--status"),
        (("update", "32", "--done", "100", "--evidence", str(big)), "过大"),
    ]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        cases.append((("finding", "close", fid, "--evidence", str(fifo)), "不是普通文件"))
        link = tmp_path / "link-to-device"
        link.symlink_to(os.devnull)
        cases.append((("update", "32", "--done", "100", "--evidence", str(link)), "不是普通文件"))
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        (tracker / "evidence").symlink_to(outside, target_is_directory=True)  # evidence/ leading out of the tracker
        proof = tmp_path / "ok.pdf"
        proof.write_bytes(b"proof")
        cases.append((("finding", "close", fid, "--evidence", str(proof)), "跟踪目录以外"))
    before = snapshot(tracker)
    for args, words in cases:
        code, out, err = run(capsys, *args)
        assert code == 2, (args, out, err)
        assert words in err, (args, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (args, err)
        assert snapshot(tracker) == before, args


def test_damaged_findings_file_costs_its_lines(tracker, capsys, monkeypatch):
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-08")
    fid = add(capsys, "32", "--kind", "暗访", "--text", "基站未建成", "--due", "2025-08-15")
    path = tracker / "findings" / "2025.yaml"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('- {"op": "close", "fid": "' + "0" * 64 + '", "date": "2025-07-08"}\n')
        handle.write("- {not json: [\n")
    code, out, err = run(capsys, "check")
    assert code == 1
    assert "findings/2025.yaml:4:" in out and "findings/2025.yaml:5:" in out
    code, out, err = run(capsys, "finding", "list", "--format", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [fid] and "警告" in err


# --------------------------------------------------------------------------- the rules, without files


def _finding(day="2025-07-01", due="2025-07-31", events=(), unit="区科经局", item="32") -> Finding:
    record = add_record(item=item, unit=unit, kind="暗访", text="t", day=date.fromisoformat(day),
                        due=date.fromisoformat(due), by="x", at="2025-07-01T09:00:00+08:00")
    found, problems = build([(1, record)], "f")
    assert problems == []
    [finding] = found.values()
    from dataclasses import replace

    return replace(finding, events=tuple(Event(op, date.fromisoformat(d), "n", "x", d) for op, d in events))


def test_statuses_over_time():
    f = _finding(events=[("update", "2025-07-10"), ("close", "2025-07-20"), ("reopen", "2025-08-05")])
    assert not f.exists_on(date(2025, 6, 30))
    assert f.status(date(2025, 7, 5)) == OPEN
    assert f.status(date(2025, 7, 15)) == WORKING
    assert f.status(date(2025, 7, 25)) == CLOSED and not f.is_open(date(2025, 7, 25))
    assert f.status(date(2025, 8, 1)) == CLOSED  # closed before its deadline: not overdue
    assert f.status(date(2025, 8, 6)) == OVERDUE and f.is_open(date(2025, 8, 6))


def test_ids_are_content_hashes_and_prefixes_resolve():
    a = add_record(item="32", unit="u", kind="暗访", text="t", day=date(2025, 7, 1), due=date(2025, 7, 2), by="x", at="1")
    b = add_record(item="32", unit="u", kind="暗访", text="t", day=date(2025, 7, 1), due=date(2025, 7, 2), by="y", at="1")
    assert a["fid"] != b["fid"] and len(a["fid"]) == 64
    same = add_record(item="32", unit="u", kind="暗访", text="t", day=date(2025, 7, 1), due=date(2025, 7, 2), by="x", at="1")
    assert same["fid"] == a["fid"]
    with pytest.raises(InputError, match="早于发现日期"):
        add_record(item=None, unit="u", kind="暗访", text="t", day=date(2025, 7, 2), due=date(2025, 7, 1), by="x", at="1")
    shown = short_ids(["abcdef" + "0" * 58, "abcdef1" + "0" * 57, "123456" + "0" * 58])
    assert shown["123456" + "0" * 58] == "123456"
    assert shown["abcdef" + "0" * 58] == "abcdef0" and shown["abcdef1" + "0" * 57] == "abcdef1"
    found, _ = build([(1, a), (2, b), (3, a)], "f")  # a line kept twice by a merge is one finding
    assert len(found) == 2
    assert resolve(found, a["fid"][:10]).fid == a["fid"]
    from dataclasses import replace

    one, two = found.values()
    twins = {"ab" + "0" * 62: replace(one, fid="ab" + "0" * 62), "ab" + "1" * 62: replace(two, fid="ab" + "1" * 62)}
    with pytest.raises(InputError, match="多条"):
        resolve(twins, "ab")
    assert resolve(twins, "ab1").fid == "ab" + "1" * 62


def test_overdue_rectifications_of_a_unit_for_the_reminder():
    late = _finding(due="2025-07-10")
    later = _finding(day="2025-07-02", due="2025-07-05")
    closed = _finding(due="2025-07-10", events=[("close", "2025-07-09")])
    other = _finding(due="2025-07-10", unit="桂花镇")
    canonical = {"科经局": "区科经局"}.get
    result = overdue_for_unit([late, later, closed, other], "科经局", date(2025, 7, 20), lambda n: canonical(n, n))
    assert result == [later, late]
    assert overdue_for_unit([late], "区科经局", date(2025, 7, 10)) == []  # due today: not yet overdue


def test_an_open_finding_keeps_an_item_from_every_done_count():
    item = Item("1", "task", "新建基站10个", metrics=(Metric("基站", 10, "个"),))
    plan = Plan(PlanInfo(year=2025), tasks=(item,))
    entries = [Entry("1", Quarter(2025, 2), date(2025, 6, 1), "基站", 10.0)]
    finding = _finding(day="2025-06-10", due="2025-07-31", item="1", events=[("close", "2025-07-15")])
    [q2] = evaluate(plan, entries, Quarter(2025, 2), findings=[finding])
    assert q2.state == ON_TRACK and q2.label == DONE_OPEN_FINDINGS and q2.open_findings == (finding.fid,)
    assert tally("x", [q2]).count(DONE) == 0
    [q3] = evaluate(plan, entries, Quarter(2025, 3), findings=[finding])
    assert q3.state == DONE and q3.label == DONE
    [plain] = evaluate(plan, entries, Quarter(2025, 2))
    assert plain.state == DONE


def test_any_record_gives_findings_or_problems_never_an_exception():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                        st.sampled_from(["add", "close", "reopen", "update", "暗访", "2025-07-01", "a" * 64]))
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                          max_leaves=8)
    keys = st.one_of(st.sampled_from(["op", "fid", "item", "unit", "kind", "text", "date", "due", "evidence", "note"]),
                     st.integers(), st.text(max_size=4))
    records = st.lists(st.one_of(values, st.dictionaries(keys, values, max_size=8)), max_size=6)

    @settings(max_examples=300, deadline=None)
    @given(records)
    def check(raw):
        found, problems = build(list(enumerate(raw, 1)), "findings/2025.yaml")
        for finding in found.values():
            finding.status(date(2025, 12, 31))
        assert all(p.line for p in problems)

    check()


def test_findings_are_recorded_at_the_one_clock(tracker, capsys, monkeypatch):
    """XATRACK_NOW sets the time a finding and its follow-ups are recorded at, as it does for
    progress entries (a year replayed gives the same bytes); they took the wall clock."""
    monkeypatch.setenv("XATRACK_NOW", "2025-07-08T10:00:00+08:00")
    fid = add(capsys, "32", "--kind", "暗访", "--text", "基站未建成", "--due", "2025-08-15")
    monkeypatch.setenv("XATRACK_NOW", "2025-07-20T16:30:00+08:00")
    code, out, err = run(capsys, "finding", "update", fid, "--note", "已督促")
    assert code == 0, err
    lines = [json.loads(line[2:]) for line in (tracker / "findings" / "2025.yaml").read_text(encoding="utf-8").splitlines()
             if line.startswith("- ")]
    assert [line["at"] for line in lines] == ["2025-07-08T10:00:00+08:00", "2025-07-20T16:30:00+08:00"]
