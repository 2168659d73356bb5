"""Issue 26: the shared repository cannot be fooled. One test (or more) per
numbered repro, run against a real bare hub with the pre-receive hook
installed (and ``xatrack audit`` on a clone holding the same commits), plus
the legitimate flows that must still pass.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from test_accounts import (FGJ, KJJ, LOG, OFFICE, clone, commit, git, isolated_python, lay_out_tracker, needs_git,
                           needs_posix_hook, ok, push, record, start_tracker, xatrack)
from cli_helpers import run
from xatrack.logfile import read_log
from xatrack.model import Quarter, entry_ref

Q2 = Quarter(2025, 2)
TORN = "# 上一行不完整(写入时被中断),已作废"

pytestmark = [needs_git, needs_posix_hook]


def install(hub: Path) -> None:
    code, out = xatrack("githook", "install", str(hub), "--python", isolated_python())
    assert code == 0, out


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    hub = start_tracker(tmp_path)
    install(hub)
    return hub


def append_bytes(folder: Path, data: bytes, path: str = LOG) -> None:
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "ab") as handle:
        handle.write(data)


def line(record: dict) -> bytes:
    return ("- " + json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def entry(item, by: str, value=1.0, **more) -> dict:
    record = {"id": item, "value": value, "date": "2025-06-30", "by": by, "at": "2025-07-05T11:00:00+08:00"}
    record.update(more)
    return record


def refused(clone_dir: Path, email: str, *needles: str) -> str:
    """Push refused with every needle in the hook's lines; audit on the clone reports them too."""
    result = push(clone_dir, email)
    assert result.returncode != 0, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert "拒绝:" in result.stderr
    code, out = xatrack("audit", "--root", str(clone_dir))
    assert code == 1, out
    for needle in needles:
        assert needle in out, out
    return result.stderr


def accepted(clone_dir: Path, email: str) -> None:
    result = push(clone_dir, email)
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- 1. hidden line breaks


@pytest.mark.parametrize("brk", [b"\x1c", b"\x0b", b"\x0c", b"\r", "\u2028".encode(), "\x85".encode()])
def test_1_a_hidden_line_break_in_a_comment_is_refused(hub: Path, brk: bytes) -> None:
    kjj = clone(hub, "kjj")
    forged = line(entry("G1", "区发改局", 2.0, metric="地区生产总值增速"))
    append_bytes(kjj, b"# note" + brk + forged)
    commit(kjj, KJJ)
    refused(kjj, KJJ, f"{LOG} 第 1 行含有换行符")


def test_1_xatrack_reads_a_hidden_break_as_one_damaged_line() -> None:
    forged = entry("G1", "区发改局", 2.0, metric="地区生产总值增速")
    own = entry("32", "区科经局", 120)
    text = "# head\n" + "# note\x1c- " + json.dumps(forged, ensure_ascii=False) + "\n" + line(own).decode()
    entries, problems = read_log(text, Q2, LOG)
    assert [(e.item, e.by) for e in entries] == [("32", "区科经局")]
    assert [(p.line, p.severity) for p in problems] == [(2, "error")]


# --------------------------------------------------------------------------- 2. crafted merges


@pytest.mark.parametrize("path", ["units.yaml", "tasks.yaml"])
@pytest.mark.parametrize("first_parent_old", [True, False])
def test_2_a_merge_taking_back_an_old_office_file_is_refused(hub: Path, path: str, first_parent_old: bool) -> None:
    office = hub.parent / "office"
    text = (office / path).read_text(encoding="utf-8")
    (office / path).write_text(text + "# 督查室修改\n", encoding="utf-8")
    commit(office, OFFICE, "督查室修改")
    accepted(office, OFFICE)
    kjj = clone(hub, "kjj")
    first = ok(git(kjj, "rev-list", "--max-parents=0", "HEAD")).strip()
    head = ok(git(kjj, "rev-parse", "HEAD")).strip()
    ok(git(kjj, "checkout", first, "--", path))
    tree = ok(git(kjj, "write-tree")).strip()
    parents = ["-p", head, "-p", first] if first_parent_old else ["-p", first, "-p", head]
    merge = ok(git(kjj, "commit-tree", tree, *parents, "-m", "merge", email=KJJ)).strip()
    ok(git(kjj, "reset", "-q", "--hard", merge))
    refused(kjj, KJJ, f"{path} 只有督查室可以修改")


def test_2_a_union_merge_bringing_the_offices_change_passes(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    record(kjj, "32", "120", "区科经局")
    commit(kjj, KJJ)
    office = hub.parent / "office"
    (office / "tasks.yaml").write_text((office / "tasks.yaml").read_text(encoding="utf-8") + "# 修订\n", encoding="utf-8")
    commit(office, OFFICE, "修订")
    accepted(office, OFFICE)
    ok(git(kjj, "pull", "-q", "--no-edit", email=KJJ))
    assert len(ok(git(kjj, "log", "-1", "--format=%P")).split()) == 2
    accepted(kjj, KJJ)
    code, out = xatrack("audit", "--root", str(kjj))
    assert code == 0, out


def test_2_audit_strict_reports_a_first_commit_without_accounts(tmp_path: Path) -> None:
    hub, office = lay_out_tracker(tmp_path, accounts="")
    commit(office, OFFICE, "新建")
    ok(push(office))
    code, out = xatrack("audit", "--root", str(office), "--strict")
    assert code == 1, out
    assert "第一个提交的 units.yaml 没有 accounts" in out
    code, out = xatrack("audit", "--root", str(office))
    assert "第一个提交" not in out


# --------------------------------------------------------------------------- 3. the torn-write mark


def test_3_a_torn_mark_after_another_units_complete_line_is_refused(hub: Path) -> None:
    fgj = clone(hub, "fgj")
    record(fgj, "1", "80", "区发改局", "2025-06-20", "--metric", "1")
    commit(fgj, FGJ)
    accepted(fgj, FGJ)
    kjj = clone(hub, "kjj")
    append_bytes(kjj, (TORN + "\n").encode())
    commit(kjj, KJJ)
    refused(kjj, KJJ, f"{LOG} 第 4 行的作废标记跟在他人完整的记录之后")


def test_3_the_mark_voids_only_an_incomplete_line() -> None:
    complete = line(entry("1", "区发改局", 80)).decode()
    entries, problems = read_log("# h\n" + complete + TORN + "\n", Q2, LOG)
    assert [e.by for e in entries] == ["区发改局"]
    torn = complete[: len(complete) // 2] + "\n"
    entries, problems = read_log("# h\n" + torn + TORN + "\n", Q2, LOG)
    assert entries == [] and [(p.line, p.severity) for p in problems] == [(2, "warning")]


# --------------------------------------------------------------------------- 4. retracting others' entries


def test_4_retracting_another_units_entry_is_refused_and_ones_own_passes(hub: Path) -> None:
    fgj = clone(hub, "fgj")
    record(fgj, "1", "80", "区发改局", "2025-06-20", "--metric", "1")
    commit(fgj, FGJ)
    accepted(fgj, FGJ)
    kjj = clone(hub, "kjj")
    entries, _ = read_log((kjj / LOG).read_text(encoding="utf-8"), Q2, LOG)
    target = entry_ref(entries[-1])
    append_bytes(kjj, line({"id": "1", "retracts": target, "date": "2025-06-30", "by": "区科经局",
                            "at": "2025-07-05T11:00:00+08:00"}))
    commit(kjj, KJJ)
    refused(kjj, KJJ, f"{LOG} 第 4 行撤回的记录 {target} 属于 区发改局", "单位只能撤回本单位的记录")
    code, out = xatrack("check", "--root", str(kjj))
    assert code != 0 and f'{LOG}:4' in out and '以"区科经局"名义撤回了"区发改局"的记录' in out, out

    own = clone(hub, "kjj2")
    record(own, "32", "120", "区科经局")
    code, out = xatrack("retract", "32", "--by", "区科经局", "--quarter", "Q2", "--root", str(own))
    assert code == 0, out
    commit(own, KJJ)
    accepted(own, KJJ)


# --------------------------------------------------------------------------- 5. bad bytes


def test_5_bad_bytes_on_a_units_own_line_are_refused(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    good = line(entry("32", "区科经局", 120, note="NOTE"))
    append_bytes(kjj, good.replace(b"NOTE", b"\xff\xfe"))
    commit(kjj, KJJ)
    refused(kjj, KJJ, f"{LOG} 第 1 行含有无效的字节")


def test_5_the_office_may_take_out_a_damaged_line(tmp_path: Path) -> None:
    hub = start_tracker(tmp_path)  # no hook yet: the damaged line lands
    kjj = clone(hub, "kjj")
    append_bytes(kjj, line(entry("32", "区科经局", 120, note="NOTE")).replace(b"NOTE", b"\xff\xfe"))
    append_bytes(kjj, line(entry("32", "区科经局", 130)))
    commit(kjj, KJJ)
    ok(push(kjj, KJJ))
    install(hub)
    office = tmp_path / "office"
    ok(git(office, "pull", "-q"))
    data = (office / LOG).read_bytes().split(b"\n")
    assert b"\xff" in data[0]
    (office / LOG).write_bytes(b"\n".join(data[1:]))
    commit(office, OFFICE, "删除损坏的一行")
    accepted(office, OFFICE)
    # a readable line stays the office's to keep too
    data = (office / LOG).read_bytes().split(b"\n")
    (office / LOG).write_bytes(b"\n".join(data[1:]))
    commit(office, OFFICE, "删除")
    assert push(office).returncode != 0


def test_5_one_damaged_line_costs_that_line_only(tracker: Path, capsys, monkeypatch) -> None:
    """Before: list/overdue/report/show exited 2 for the whole quarter ("不是 UTF-8 文本"), a comment
    with \\x0b sent the log to the YAML parser (every item 未报送), a bad byte in a findings comment
    dropped every finding."""
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-11")  # after the Q2 deadline: what nobody reported is 未报送
    assert run(capsys, "update", "32", "--done", "120", "--by", "区科经局", "-q", "Q2")[0] == 0
    append_bytes(tracker, "# 备注\x0b  x: [1\n".encode())
    append_bytes(tracker, line(entry("1", "区发改局", 80, note="NOTE")).replace(b"NOTE", b"\xff\xfe"))
    code, out, err = run(capsys, "finding", "add", "32", "--unit", "区科经局", "--text", "基站未建成",
                         "--due", "2025-08-15", "--date", "2025-07-08")
    assert code == 0, err
    append_bytes(tracker, b"# \xff\n", "findings/2025.yaml")
    for args in (["list", "-q", "Q2"], ["overdue", "-q", "Q2"], ["report", "-q", "Q2", "--format", "md"],
                 ["show", "32"]):
        code, out, err = run(capsys, *args)
        assert code == 0, (args, err)
        assert "Traceback" not in out + err
    code, out, err = run(capsys, "list", "-q", "Q2", "--format", "json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["32"]["status"] != "未报送"
    assert sum(row["status"] == "未报送" for row in rows.values()) == len(rows) - 1
    assert "progress/2025-Q2.yaml:4" in err and "换行符 U+000B" in err
    code, out, err = run(capsys, "finding", "list", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1, (out, err)
    code, out, err = run(capsys, "check")
    assert "progress/2025-Q2.yaml:5" in out + err and "无效的字节" in out + err


# --------------------------------------------------------------------------- 6. findings


def test_6_a_unit_reporting_an_item_it_neither_leads_nor_shares_is_refused(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    append_bytes(kjj, line(entry("G1", "区科经局", 9.9, metric="地区生产总值增速")))  # 区发改局's target
    commit(kjj, KJJ)
    refused(kjj, KJJ, f"{LOG} 第 1 行:单位只能以本单位名义报送本单位牵头或负责的事项(区科经局 不是事项 G1 的牵头单位或责任单位")
    # its own items pass: task 32 (it leads), task 1 (a responsible unit)
    town = clone(hub, "town")
    append_bytes(town, line(entry("32", "区科经局", 120)) + line(entry("1", "区科经局", 1, metric="1")))
    commit(town, KJJ)
    accepted(town, KJJ)


def test_6_a_unit_may_report_rectification_but_not_close_or_file_findings(hub: Path) -> None:
    office = hub.parent / "office"
    code, out = xatrack("finding", "add", "32", "--unit", "区科经局", "--kind", "暗访", "--text", "基站未建成",
                        "--due", "2025-08-15", "--date", "2025-07-08", "--root", str(office), today="2025-07-10")
    assert code == 0, out
    commit(office, OFFICE, "登记发现")
    accepted(office, OFFICE)
    fid = json.loads((office / "findings/2025.yaml").read_text(encoding="utf-8").splitlines()[-1][2:])["fid"]

    kjj = clone(hub, "kjj")
    append_bytes(kjj, line({"op": "update", "fid": fid, "note": "已整改", "date": "2025-07-20", "by": "区科经局",
                            "at": "2025-07-20T10:00:00+08:00"}), "findings/2025.yaml")
    commit(kjj, KJJ)
    accepted(kjj, KJJ)

    closing = clone(hub, "kjj-close")
    append_bytes(closing, line({"op": "close", "fid": fid, "date": "2025-07-21", "by": "区科经局",
                                "at": "2025-07-21T10:00:00+08:00"}), "findings/2025.yaml")
    commit(closing, KJJ)
    refused(closing, KJJ, "findings/2025.yaml 第 5 行:只有督查室可以销号")

    filing = clone(hub, "kjj-add")
    append_bytes(filing, line({"op": "add", "fid": "f" * 64, "unit": "区发改局", "kind": "暗访", "text": "x",
                               "date": "2025-07-21", "due": "2025-08-21", "by": "区科经局",
                               "at": "2025-07-21T10:00:00+08:00"}), "findings/2025.yaml")
    commit(filing, KJJ)
    refused(filing, KJJ, "只有督查室可以登记督查发现")

    fgj = clone(hub, "fgj")
    append_bytes(fgj, line({"op": "update", "fid": fid, "note": "代为整改", "date": "2025-07-20", "by": "区发改局",
                            "at": "2025-07-20T10:00:00+08:00"}), "findings/2025.yaml")
    commit(fgj, FGJ)
    refused(fgj, FGJ, "单位只能为本单位的督查发现报送整改情况")


# --------------------------------------------------------------------------- 7. branches


def test_7_a_hub_whose_head_names_a_missing_branch(tmp_path: Path) -> None:
    hub, office = lay_out_tracker(tmp_path)
    ok(git(hub, "symbolic-ref", "HEAD", "refs/heads/master"))
    commit(office, OFFICE, "新建跟踪目录")
    ok(push(office))  # pushes main
    code, out = xatrack("githook", "install", str(hub), "--python", isolated_python())
    assert code == 0 and "已安装" in out, out
    kjj = tmp_path / "kjj"
    ok(git(tmp_path, "clone", "-q", "-b", "main", str(hub), str(kjj)))
    append_bytes(kjj, line(entry("1", "区发改局", 99)))
    commit(kjj, KJJ)
    result = git(kjj, "push", "origin", "HEAD:refs/heads/evil", email=KJJ)
    assert result.returncode != 0
    assert '以"区发改局"名义报送,但提交者' in result.stderr
    own = tmp_path / "kjj2"
    ok(git(tmp_path, "clone", "-q", "-b", "main", str(hub), str(own)))
    record(own, "32", "120", "区科经局")
    commit(own, KJJ)
    assert git(own, "push", "origin", "HEAD:refs/heads/work", email=KJJ).returncode == 0


def test_7_install_asks_when_the_default_branch_is_ambiguous(tmp_path: Path) -> None:
    hub, office = lay_out_tracker(tmp_path)
    commit(office, OFFICE, "新建跟踪目录")
    for branch in ("prod", "dev"):
        ok(git(office, "push", "origin", f"HEAD:refs/heads/{branch}"))
    ok(git(hub, "symbolic-ref", "HEAD", "refs/heads/trunk"))
    code, out = xatrack("githook", "install", str(hub))
    assert code != 0 and "无法确定默认分支" in out and "trunk" in out and "prod" in out, out
    assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    ok(git(hub, "symbolic-ref", "HEAD", "refs/heads/prod"))
    code, out = xatrack("githook", "install", str(hub))
    assert code == 0, out


# --------------------------------------------------------------------------- 8. names


@pytest.mark.parametrize("name", ["progress/2025-q2.yaml", "progress/2025-Q2.YAML", "findings/2025x.yaml",
                                  "bulletins/2025-q2.json"])
def test_8_look_alike_names_are_refused_even_for_the_office(hub: Path, name: str) -> None:
    office = hub.parent / "office"
    append_bytes(office, line(entry("32", "区科经局", 1)), name)
    commit(office, OFFICE, "look-alike")
    result = push(office)
    assert result.returncode != 0
    assert f"拒绝:{name}:文件名应为" in result.stderr


# --------------------------------------------------------------------------- 11. evidence squatting


def test_11_evidence_whose_content_does_not_hash_to_its_name_is_refused(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    other = hashlib.sha256(b"another unit's real file").hexdigest()
    append_bytes(kjj, b"junk", f"evidence/2025/{other}.pdf")
    commit(kjj, KJJ)
    refused(kjj, KJJ, f"evidence/2025/{other}.pdf 的内容与文件名(SHA-256)不符")
    honest = clone(hub, "kjj2")
    data = b"%PDF-1.4 real"
    append_bytes(honest, data, f"evidence/2025/{hashlib.sha256(data).hexdigest()}.pdf")
    commit(honest, KJJ)
    accepted(honest, KJJ)


# --------------------------------------------------------------------------- 12. option injection


def test_12_audit_rev_is_not_an_option(tmp_path: Path) -> None:
    hub = start_tracker(tmp_path)
    office = tmp_path / "office"
    code, out = xatrack("audit", "--rev=--output=o.txt", "--root", str(office))
    assert code == 2, out
    assert "不能以 - 开头" in out and "Traceback" not in out
    assert not (office / "o.txt").exists()
    assert not list(Path.cwd().glob("o.txt"))


# --------------------------------------------------------------------------- 13. small ones


def test_13_a_cache_inside_the_tracker_is_refused(tracker: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("XATRACK_CACHE_DIR", str(tracker / "progress"))
    for args in (["list"], ["update", "32", "--done", "120", "--by", "区科经局"]):
        code, out, err = run(capsys, *args)
        assert code == 2, (out, err)
        assert err.startswith("错误:环境变量 XATRACK_CACHE_DIR") and len(err.strip().splitlines()) == 1, err
    assert not (tracker / "progress").exists() or not list((tracker / "progress").rglob("*.pickle"))
    assert not (tracker / "progress" / "2025-Q2.yaml").exists()  # refused before writing


def test_13_finding_ids_match_their_content_under_a_fixed_clock(tracker: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-10")
    monkeypatch.setenv("XATRACK_NOW", "2025-07-10T10:00:00+08:00")
    for item, text in (("32", "基站未建成"), ("33", "道路未完工")):
        code, out, err = run(capsys, "finding", "add", item, "--unit", "区科经局", "--text", text,
                             "--due", "2025-08-15", "--date", "2025-07-08")
        assert code == 0, err
    code, out, err = run(capsys, "check")
    assert "内容与编号不符" not in out + err
    code, out, err = run(capsys, "list")
    assert "相关条目已忽略" not in err


def test_13_a_control_character_in_a_note_gives_a_readable_workbook(tracker: Path, capsys, monkeypatch) -> None:
    import openpyxl

    monkeypatch.setenv("XATRACK_TODAY", "2025-07-10")
    assert run(capsys, "update", "32", "--done", "120", "--by", "区科经局", "-q", "Q2", "--note", "甲\x01乙")[0] == 0
    code, out, err = run(capsys, "report", "-q", "Q2", "-o", "r.xlsx")
    assert code == 0 and "Traceback" not in out + err, err
    book = openpyxl.load_workbook(tracker / "r.xlsx")
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("甲\ufffd乙" in text for text in texts)


# --------------------------------------------------------------------------- 9, 10. bulletins written once


def test_9_a_republished_bulletin_is_pushed_beside_the_first(hub: Path) -> None:
    office = hub.parent / "office"
    ok(git(office, "pull", "-q"))
    code, out = xatrack("report", "-q", "Q2", "--publish", "--root", str(office), today="2025-07-20")
    assert code == 0, out
    commit(office, OFFICE, "发布")
    accepted(office, OFFICE)
    first = (office / "bulletins/2025-Q2.json").read_bytes()
    record(office, "32", "150", "区科经局", "2025-07-21")
    code, out = xatrack("report", "-q", "Q2", "--publish", "--force", "--root", str(office), today="2025-07-21")
    assert code == 0, out
    assert "bulletins/2025-Q2.v2.json" in out and "保留不变" in out
    commit(office, OFFICE, "重新发布")
    accepted(office, OFFICE)
    assert (office / "bulletins/2025-Q2.json").read_bytes() == first
    from xatrack.bulletin import load_published
    assert load_published(office, Q2)["items"] != json.loads(first)["items"]  # the reader takes the newest
    code, out = xatrack("check", "--root", str(office), today="2025-07-21")
    assert "不会被读取" not in out


def test_10_concurrent_publishes_lose_no_bulletin(tracker: Path) -> None:
    import os
    import sys

    env = dict(os.environ, XATRACK_TODAY="2025-07-20")
    first = subprocess.run([sys.executable, "-m", "xatrack", "report", "-q", "Q2", "--publish"], cwd=tracker, env=env,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    workers = [subprocess.Popen([sys.executable, "-m", "xatrack", "report", "-q", "Q2", "--publish", "--force"],
                                cwd=tracker, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(8)]
    acknowledged = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        if worker.returncode == 0:
            acknowledged.append(out + err)
    files = sorted(p.name for p in (tracker / "bulletins").glob("2025-Q2*.json"))
    assert len(acknowledged) == 8
    assert len(files) == 1 + len(acknowledged), files
    for out in acknowledged:
        assert any(f"bulletins/{name}" in out for name in files), out


# --------------------------------------------------------------------------- the command line: actor and subject


def _log(root: Path) -> list[dict]:
    path = root / LOG
    return [json.loads(text[2:]) for text in path.read_text(encoding="utf-8").splitlines() if text.startswith("- {")] \
        if path.exists() else []


def test_a_unit_named_by_xatrack_user_is_refused_other_units_business(tracker: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("XATRACK_USER", "区科经局")
    for args in (["update", "G1", "--done", "6.5"],  # 区发改局's item, 区科经局 not on it
                 ["update", "32", "--done", "150", "--by", "区发改局"]):  # another unit's name
        code, out, err = run(capsys, *args)
        assert code == 2, (args, out, err)
        assert err.startswith("错误:单位只能以本单位名义报送本单位牵头或负责的事项"), err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _log(tracker) == []  # refused before writing
    code, out, err = run(capsys, "update", "32", "--done", "120")
    assert code == 0, err
    assert _log(tracker)[-1]["by"] == "区科经局" and "office" not in _log(tracker)[-1]
    code, out, err = run(capsys, "finding", "add", "32", "--unit", "区科经局", "--text", "x", "--due", "2025-08-15")
    assert code == 2 and "只有督查室可以登记督查发现" in err, err


def test_without_by_the_subject_is_the_lead_unit_and_the_actor_is_recorded(tracker: Path, capsys, monkeypatch) -> None:
    code, out, err = run(capsys, "update", "32", "--done", "120")
    assert code == 0, err
    last = _log(tracker)[-1]
    assert (last["by"], last["actor"], last["office"]) == ("区科经局", "测试员", True)
    monkeypatch.delenv("XATRACK_USER")
    code, out, err = run(capsys, "update", "1", "-m", "1", "--done", "5")
    assert code == 0, err
    last = _log(tracker)[-1]
    assert last["by"] == "区发改局" and last.get("actor") not in ("", None, "区发改局")  # the system user, never `by`
    # with --by, the entry is the unit's own word, typed for it
    code, out, err = run(capsys, "update", "32", "--done", "121", "--by", "kjj")
    assert code == 0 and "office" not in _log(tracker)[-1] and _log(tracker)[-1]["by"] == "区科经局"
    # old entries without actor read as before
    entries, problems = read_log('- {"id": 32, "value": 5, "date": "2025-06-20", "by": "区科经局"}\n', Q2, LOG)
    assert problems == [] and entries[0].actor == "" and entries[0].office is False


def test_the_office_retracting_a_towns_entry_shows_both(tracker: Path, capsys, monkeypatch) -> None:
    assert run(capsys, "update", "57", "-m", "1", "--done", "8", "--by", "桂花镇")[0] == 0
    monkeypatch.setenv("XATRACK_USER", "督查室")
    code, out, err = run(capsys, "retract", "57", "-m", "1", "--by", "桂花镇")
    assert code == 0, err
    code, out, err = run(capsys, "show", "57")
    assert "已撤回(督查室 代 桂花镇撤回" in out, out


def test_the_outside_unit_warning_on_update_and_ingest(tracker: Path, capsys) -> None:
    code, out, err = run(capsys, "update", "32", "--done", "170", "--by", "交通局")
    assert code == 0 and "区交通运输局 不是任务 32 的牵头单位或责任单位" in err, err
    from test_sheet import fill

    assert run(capsys, "sheet", "--unit", "区科经局", "-q", "Q2", "-o", "kjj.xlsx")[0] == 0
    fill(tracker / "kjj.xlsx", tracker / "kjj-filled.xlsx", {("32", "新建5G基站"): {"本季度累计完成": 125}})
    code, out, err = run(capsys, "ingest", "kjj-filled.xlsx", "--by", "交通局")
    assert "区交通运输局 不是任务 32 的牵头单位或责任单位" in out + err, out + err


def test_a_units_git_account_is_refused_before_writing(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    ok(git(kjj, "config", "user.email", KJJ))
    code, out = xatrack("update", "G1", "--done", "6.5", "--by", "区发改局", "--root", str(kjj))
    assert code == 2 and f"{KJJ} 代表 区科经局" in out and "单位只能以本单位名义报送" in out, out
    assert not (kjj / LOG).exists()
    code, out = xatrack("update", "32", "--done", "120", "--root", str(kjj))
    assert code == 0, out
    last = _log(kjj)[-1]
    assert (last["by"], last["actor"]) == ("区科经局", KJJ) and "office" not in last
    commit(kjj, KJJ)
    accepted(kjj, KJJ)


# --------------------------------------------------------------------------- 13. the hook reads a run of commits at once


def test_13_a_push_of_many_commits_is_judged_line_by_line_and_author_by_author(hub: Path) -> None:
    """The hook reads one diff per run of one author's commits (bench/hook_push.py): a forged line
    in the middle of a run is still found, and each author's lines are judged against that author."""
    kjj = clone(hub, "kjj")
    for n in range(3):
        append_bytes(kjj, line(entry("32", "区发改局" if n == 1 else "区科经局", 100 + n)))
        commit(kjj, KJJ)
    result = push(kjj, KJJ)
    assert result.returncode != 0 and f'{LOG} 第 2 行以"区发改局"名义报送,但提交者 {KJJ}' in result.stderr, result.stderr

    mixed = clone(hub, "mixed")
    append_bytes(mixed, line(entry("32", "区科经局", 120)))
    commit(mixed, KJJ)
    append_bytes(mixed, line(entry("G1", "区发改局", 6.5)))
    commit(mixed, FGJ)  # the other unit's own commit, carried in the same push
    append_bytes(mixed, line(entry("32", "区科经局", 121)))
    commit(mixed, KJJ)
    accepted(mixed, KJJ)

    again = clone(hub, "again")
    append_bytes(again, line(entry("32", "区科经局", 122)))
    commit(again, KJJ)
    append_bytes(again, line(entry("33", "区科经局", 1)))
    commit(again, FGJ)  # 区发改局's account writing 区科经局's line
    result = push(again, KJJ)
    assert result.returncode != 0 and f'以"区科经局"名义报送,但提交者 {FGJ}' in result.stderr, result.stderr


# --------------------------------------------------------------------------- what the hook accepts, xatrack reads


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["2025-06-20", " 2025-06-30 ", "2025-13-01", "推进中", "受阻",
                                                           "0123456789ab", "2025-06-20T10:00:00+08:00", "\ud800"]),
                    st.lists(st.integers(), max_size=2))
_KEYS = ["id", "metric", "value", "status", "note", "by", "actor", "retracts", "date", "at"]


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8))
def test_the_hook_refuses_exactly_the_records_xatrack_cannot_read(record) -> None:
    from xatrack.authority import entry_problem
    from xatrack.logfile import entry_from_record

    _, message = entry_from_record(record, Q2, LOG, 1, 1)
    assert bool(entry_problem(record)) == bool(message), (record, message)


def test_a_record_xatrack_cannot_read_is_refused_at_push(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    append_bytes(kjj, line({"id": "32", "value": "很多", "date": "2025-06-30", "by": "区科经局"}))
    commit(kjj, KJJ)
    refused(kjj, KJJ, f"{LOG} 第 1 行不是 xatrack 能读取的记录:value 应为有限数值")


def test_8_a_case_twin_of_any_file_is_refused(hub: Path) -> None:
    office = hub.parent / "office"
    (office / "Tasks.yaml").write_text("# 另一份\n", encoding="utf-8")
    commit(office, OFFICE, "case twin")
    refused(office, OFFICE, "Tasks.yaml 与 tasks.yaml 只是大小写(或字形)不同")
