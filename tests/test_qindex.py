"""The query index (xatrack/qindex.py) answers exactly what a full scan answers,
and is never used once tasks.yaml, units.yaml or a log changed."""

from __future__ import annotations

import os
import random
from contextlib import contextmanager
import shutil
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xatrack import api, qindex
from xatrack.errors import DataError
from xatrack.evaluate import item_line
from xatrack.load import load
from xatrack.logfile import parse_log_part, record_line
from xatrack.model import REPORT_STATUSES, Quarter, entry_ref
from xatrack.queries import Filters, all_leaders, all_units
from xatrack.registry import dump_plan
from xatrack.store import Tracker

REPO = Path(__file__).resolve().parents[1]
YEAR = 2025


def _base_plan():
    return load(REPO, lazy=False).plan


BASE = _base_plan()
LEADERS = all_leaders(BASE)
UNITS = all_units(BASE)


def _make_plan(rng: random.Random):
    """The shipped plan, some tasks dropped, leaders and units shuffled among items."""
    targets = tuple(
        replace(t, leaders=tuple(rng.sample(LEADERS, rng.randint(1, 2)))) if rng.random() < 0.5 else t
        for t in BASE.targets
    )
    tasks = [t for t in BASE.tasks if rng.random() < 0.6]
    changed = []
    for task in tasks:
        if rng.random() < 0.4:
            task = replace(task, leaders=tuple(rng.sample(LEADERS, rng.randint(1, 3))))
        if rng.random() < 0.3:
            task = replace(task, units=tuple(rng.sample(UNITS, rng.randint(0, 3))))
        changed.append(task)
    return replace(BASE, targets=targets, tasks=tuple(changed))


def _record(rng: random.Random, plan, q: int, written: list[dict]) -> dict:
    if written and rng.random() < 0.08:  # withdraw an earlier entry of this log
        target = rng.choice(written)
        return {"id": target["id"], "date": target["date"], "by": target.get("by", ""), "retracts": target["ref"],
                "at": f"{target['date']}T18:00:00+08:00"}
    items = plan.items
    item = rng.choice(items) if rng.random() < 0.95 else None
    quarter = Quarter(YEAR, q)
    day = quarter.start + timedelta(days=rng.randint(0, 80))
    record: dict = {"id": item.id if item else "9999", "date": day.isoformat()}
    metrics = item.metrics if item else ()
    if metrics and rng.random() < 0.8:
        metric = rng.choice(metrics)
        if len(metrics) > 1 or rng.random() < 0.5:
            record["metric"] = metric.name
        record["value"] = round(rng.uniform(0, 1.5) * (metric.target or 100), 2)
    if rng.random() < 0.4 or "value" not in record:
        record["status"] = rng.choice(REPORT_STATUSES)
    if rng.random() < 0.2:
        record["note"] = "说明"
    if item is not None:
        record["by"] = rng.choice(list(item.lead + item.units) + ["区政府办"])
    record["at"] = f"{day.isoformat()}T{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:00+08:00"
    return record


def _write_logs(root: Path, rng: random.Random, plan, quarters: int, per_quarter: int) -> None:
    progress = root / "progress"
    progress.mkdir(exist_ok=True)
    for q in range(1, quarters + 1):
        written: list[dict] = []
        lines = []
        for _ in range(per_quarter):
            record = _record(rng, plan, q, written)
            line = record_line(record)
            lines.append(line)
            entries, _, _, _ = parse_log_part(line, Quarter(YEAR, q), "x", 0, 0)
            if entries and not record.get("retracts"):
                written.append(dict(record, ref=entry_ref(entries[0])))
        (progress / f"{YEAR}-Q{q}.yaml").write_text("".join(lines), encoding="utf-8")


def _filters(rng: random.Random, plan) -> Filters:
    given: dict = {}
    if rng.random() < 0.6:
        given["leader"] = rng.sample(all_leaders(plan), rng.randint(1, 2))
    if rng.random() < 0.3:
        given["unit"] = rng.sample(all_units(plan), 1)
    if rng.random() < 0.2:
        given["lead"] = rng.sample(all_units(plan), 1)
    if rng.random() < 0.2:
        given["action"] = [rng.choice(plan.actions).id]
    if rng.random() < 0.3:
        given["status"] = [rng.choice(["红", "黄", "绿", "灰", "完成"])]
    return Filters.of(**given)


def _full(root: Path, filters: Filters, quarter: str):
    """What the whole plan and every entry give (no index: a plain, eager load)."""
    loaded = load(root)
    selector = loaded.selector(filters)
    q = loaded.quarter(quarter)
    return selector.select(loaded.evaluate(q, selector.items(loaded.plan)))


def _indexed(root: Path, filters: Filters, quarter: str, states=None, lines: bool = False):
    said: list[str] = []
    loaded = load(root, lazy=True, warn=said.append)
    q, statuses = loaded.evaluate_selected(filters, quarter, states, lines=lines)
    if states is not None:
        statuses = [s for s in statuses if s.state in states]
    return statuses, loaded._plan is None, said


def _settled(root: Path, filters: Filters, quarter: str = "Q2"):
    """(statuses, from the index) of the third query over unchanged files: the
    index is built by the second full read of files that did not change."""
    for _ in range(3):
        statuses, from_index, _ = _indexed(root, filters, quarter)
    return statuses, from_index


def _check(root: Path, rng: random.Random, plan, rounds: int = 4) -> None:
    for _ in range(rounds):
        filters = _filters(rng, plan)
        quarter = f"Q{rng.randint(1, 4)}"
        states = rng.choice([None, None, ("严重滞后", "滞后", "未报送"), ("正常",), ("已完成",)])
        for _ in range(2):  # the first full read remembers the files, the second builds the index
            _indexed(root, filters, quarter)
        statuses, from_index, said = _indexed(root, filters, quarter, states)
        assert from_index, "the second query should be answered from the index"
        full = _full(root, filters, quarter)
        assert statuses == (full if states is None else [s for s in full if s.state in states])
        lines, from_index, _ = _indexed(root, filters, quarter, states, lines=True)  # what the tables show
        assert from_index and lines == [item_line(s) for s in statuses]
        warned: list[str] = []
        eager = load(root, warn=warned.append)
        eager.evaluate(eager.quarter(quarter))
        assert said == warned


@contextmanager
def _random_tracker(seed: int):
    """(root, rng, plan) of a random tracker on 2025-06-20, removed afterwards."""
    os.environ["XATRACK_TODAY"] = "2025-06-20"
    root, rng, plan = _tracker(seed)
    try:
        yield root, rng, plan
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _tracker(seed: int) -> tuple[Path, random.Random, object]:
    rng = random.Random(seed)
    root = Path(tempfile.mkdtemp(prefix="qindex"))
    shutil.copy(REPO / "units.yaml", root / "units.yaml")
    plan = _make_plan(rng)
    (root / "tasks.yaml").write_text(dump_plan(plan), encoding="utf-8")
    _write_logs(root, rng, plan, rng.randint(1, 4), rng.randint(0, 120))
    return root, rng, load(root).plan


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_index_answers_what_a_full_scan_answers(seed):
    with _random_tracker(seed) as (root, rng, plan):
        _check(root, rng, plan)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_index_follows_every_edit(seed):
    """After an append, a retraction, an edited registry or directory: never the old answer."""
    with _random_tracker(seed) as (root, rng, plan):
        _check(root, rng, plan, rounds=1)
        # a log appended to (maybe a retraction), then a new quarter's log
        log = sorted((root / "progress").glob("*.yaml"))[-1]
        q = int(log.stem[-1])
        with open(log, "a", encoding="utf-8") as handle:
            for _ in range(rng.randint(1, 5)):
                handle.write(record_line(_record(rng, plan, q, [])))
        _check(root, rng, plan, rounds=2)
        # the registry edited: leaders moved, a task dropped
        plan = replace(plan, tasks=tuple(
            replace(t, leaders=tuple(rng.sample(LEADERS, 1))) if rng.random() < 0.5 else t
            for t in plan.tasks[1:]
        ))
        (root / "tasks.yaml").write_text(dump_plan(plan), encoding="utf-8")
        plan = load(root).plan
        _check(root, rng, plan, rounds=2)
        # the directory edited: a unit becomes an alias of another, who reports changes meaning
        text = (root / "units.yaml").read_text(encoding="utf-8")
        (root / "units.yaml").write_text(text + "\n", encoding="utf-8")
        _check(root, rng, plan, rounds=2)


def test_index_is_not_used_after_a_log_or_the_directory_changes(tracker):
    """The key holds every log's digest: an append makes the stored index unusable."""
    progress = tracker / "progress"
    progress.mkdir()
    log = progress / "2025-Q2.yaml"
    log.write_text(record_line({"id": "32", "date": "2025-06-01", "value": 10, "by": "区科经局"}), encoding="utf-8")
    api.list_items(tracker, filters=Filters(leader="洪声耀"), quarter="Q2")
    assert qindex.names(Tracker(tracker)) is None  # one full read: the files are only remembered
    api.list_items(tracker, filters=Filters(leader="洪声耀"), quarter="Q2")
    names = qindex.names(Tracker(tracker))
    assert names is not None and qindex.lookup(Tracker(tracker), names, 2) is not None
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(record_line({"id": "32", "date": "2025-06-02", "value": 11, "by": "区科经局"}))
    assert qindex.lookup(Tracker(tracker), names, 2) is None
    for _ in range(2):
        api.list_items(tracker, filters=Filters(leader="洪声耀"), quarter="Q2")
    assert qindex.lookup(Tracker(tracker), names, 2) is not None  # rebuilt by the second full read
    (tracker / "units.yaml").write_text((tracker / "units.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert qindex.lookup(Tracker(tracker), names, 2) is None  # who reports depends on units.yaml
    (tracker / "tasks.yaml").write_text((tracker / "tasks.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert qindex.names(Tracker(tracker)) is None


def test_index_sees_a_retraction_and_a_followed_item(tracker):
    """G7 follows G1: listing G7's leader alone evaluates G7 on G1's figure, as the full scan does;
    a retraction appended withdraws the entry in the indexed answer too."""
    progress = tracker / "progress"
    progress.mkdir()
    log = progress / "2025-Q2.yaml"
    first = {"id": "G1", "date": "2025-06-01", "value": 6.5, "at": "2025-06-01T09:00:00+08:00"}
    lines = [record_line(first), record_line({"id": "G7", "date": "2025-06-01", "value": 6.0, "at": "2025-06-01T09:00:00+08:00"})]
    log.write_text("".join(lines), encoding="utf-8")
    plan = load(tracker).plan
    g7 = plan.get("G7")
    assert "丁玲" in g7.leaders and "丁玲" not in plan.get("G1").leaders
    filters = Filters(leader="丁玲")
    statuses, from_index = _settled(tracker, filters)
    assert from_index
    assert statuses == _full(tracker, filters, "Q2")
    assert any(s.item.id == "G7" for s in statuses) and not any(s.item.id == "G1" for s in statuses)
    g7_status = next(s for s in statuses if s.item.id == "G7")
    assert any(m.follows_value == 6.5 for m in g7_status.metrics)
    entries = load(tracker).entries
    ref = entry_ref(next(e for e in entries if e.item == "G1"))
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(record_line({"id": "G1", "date": "2025-06-02", "retracts": ref}))
    after, from_index = _settled(tracker, filters)
    assert from_index
    assert after == _full(tracker, filters, "Q2") and after != statuses


def test_index_applies_findings_read_at_query_time(tracker, capsys):
    """Findings are not in the index: an item 已完成 when the index was built shows 正常
    (and is found by --status 正常, by overdue's states not) once a finding is opened."""
    from cli_helpers import run

    code, out, err = run(capsys, "update", "32", "--done", "340", "--by", "区科经局")
    assert code == 0, err
    done, from_index = _settled(tracker, Filters(status="已完成"))
    assert from_index and "32" in [s.item.id for s in done]
    code, out, err = run(capsys, "finding", "add", "32", "--unit", "科经局", "--kind", "暗访", "--text", "基站未建成",
                         "--due", "2025-08-15")
    assert code == 0, err
    for filters in (Filters(status="正常"), Filters(status="已完成"), Filters(leader="洪声耀", status="绿")):
        statuses, from_index, _ = _indexed(tracker, filters, "Q2")
        assert from_index
        assert statuses == _full(tracker, filters, "Q2")
    ok, _, _ = _indexed(tracker, Filters(status="正常"), "Q2")
    assert "32" in [s.item.id for s in ok] and next(s for s in ok if s.item.id == "32").open_findings
    code, out, err = run(capsys, "list", "--status", "正常", "--quarter", "Q2")
    assert code == 0 and "32" in out.split()


def test_without_a_cache_every_query_reads_the_files(tracker, monkeypatch):
    monkeypatch.setenv("XATRACK_NO_CACHE", "1")
    statuses, from_index = _settled(tracker, Filters(leader="洪声耀"))
    assert not from_index and statuses == _full(tracker, Filters(leader="洪声耀"), "Q2")
    assert not qindex.read_again(Tracker(tracker), 2025, 2)


def _index_regions(index: Path) -> dict[str, tuple[int, int]]:
    """Where the facets, the statuses and the lines lie in a query index file (qindex.build)."""
    import pickle
    from array import array

    data = index.read_bytes()
    size = int.from_bytes(data[:8], "little")
    _, head = pickle.loads(data[8 : 8 + size])
    start = 8 + size + head["groups"]
    offsets, line_offsets = array("q"), array("q")
    offsets.frombytes(head["offsets"])
    line_offsets.frombytes(head["line_offsets"])
    return {"facets": (8 + size, start), "statuses": (start, start + offsets[-1]),
            "lines": (start + offsets[-1], start + offsets[-1] + line_offsets[-1])}


def test_a_damaged_index_is_never_believed(tracker):
    """Bytes of the index overwritten, one bit flipped, or the file cut: the full read
    answers, no traceback. (A bit flipped inside a status used to be believed: a pickle
    still loads when a byte of its text changes; each piece now carries its CRC-32.)"""
    progress = tracker / "progress"
    progress.mkdir()
    (progress / "2025-Q2.yaml").write_text(
        record_line({"id": "32", "date": "2025-06-01", "value": 10, "by": "区科经局"}), encoding="utf-8"
    )
    filters = Filters(leader="洪声耀")
    statuses, from_index = _settled(tracker, filters)
    assert from_index
    lines, from_index, _ = _indexed(tracker, filters, "Q2", lines=True)
    assert from_index
    index = next(Path(os.environ["XATRACK_CACHE_DIR"]).rglob("query-Q2.pickle"))
    data = index.read_bytes()
    regions = _index_regions(index)
    for region, wanted in (("statuses", False), ("lines", True)):
        begin, end = regions[region]
        index.write_bytes(data[: end - 1000] + b"\x00" * 1000 + data[end:])  # the last pieces garbled
        garbled, from_index, _ = _indexed(tracker, filters, "Q2", lines=wanted)
        assert garbled == (lines if wanted else statuses) and not from_index, region
        # one bit of a text flipped: 新建5G基站 -> another character, the pickle still loads
        text = "新建5G基站336个".encode("utf-8")
        at = data.index(text, begin, end) + 1
        flipped = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
        index.write_bytes(flipped)
        got, from_index, _ = _indexed(tracker, filters, "Q2", lines=wanted)
        assert got == (lines if wanted else statuses) and not from_index, region
    index.write_bytes(data[:-10])  # cut short
    cut, from_index, _ = _indexed(tracker, filters, "Q2")
    assert cut == statuses and not from_index
    begin, end = regions["facets"]
    index.write_bytes(data[:begin + 5] + b"\x00" * 50 + data[begin + 55 :])  # the facets garbled: --unit reads them
    unit, from_index, _ = _indexed(tracker, Filters(unit="区科经局"), "Q2")
    assert unit == _full(tracker, Filters(unit="区科经局"), "Q2") and not from_index


def _aged(root: Path, seconds: int = 3600) -> None:
    """Every file of the tracker last modified ``seconds`` ago (as files are
    between two quarters): their metadata can then vouch for their bytes."""
    import time

    past = time.time() - seconds
    for path in [root / "tasks.yaml", root / "units.yaml", *sorted((root / "progress").glob("*.yaml"))]:
        os.utime(path, (past, past))


def _one_log(tracker: Path) -> Path:
    progress = tracker / "progress"
    progress.mkdir()
    log = progress / "2025-Q2.yaml"
    log.write_text(record_line({"id": "32", "date": "2025-06-01", "value": 10, "by": "区科经局",
                                "at": "2025-06-01T09:00:00+08:00"}), encoding="utf-8")
    return log


def test_an_entry_appended_while_the_index_is_built_is_not_hidden(tracker, monkeypatch):
    """Another office appends to the log while this command reads it to build the index:
    the index is keyed by the bytes that were evaluated, so the next query does not take
    the index for the log as it now is (the index used to be keyed by the files as they
    were when it was written, and answered without the new entry)."""
    import xatrack.store as store

    log = _one_log(tracker)
    filters = Filters(leader="洪声耀")
    _indexed(tracker, filters, "Q2")  # the first full read: the files are remembered
    real = store.read_bytes
    appended = []

    def read_then_append(path, *args):
        data = real(path, *args)
        import sys

        caller, above = sys._getframe(1), sys._getframe(2)
        callers = {caller.f_code.co_name, above.f_code.co_name}
        if path == log and not appended and "read_log_file" in callers:  # the read whose entries are evaluated
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(record_line({"id": "32", "date": "2025-06-05", "value": 300, "by": "区科经局",
                                          "at": "2025-06-05T09:00:00+08:00"}))
            appended.append(True)
        return data

    monkeypatch.setattr(store, "read_bytes", read_then_append)
    built, from_index, _ = _indexed(tracker, filters, "Q2")  # the second full read builds the index
    monkeypatch.setattr(store, "read_bytes", real)
    assert appended and not from_index
    after, _, _ = _indexed(tracker, filters, "Q2")
    full = _full(tracker, filters, "Q2")
    assert after == full
    assert next(s for s in full if s.item.id == "32").metrics[0].value == 300


def test_unchanged_metadata_vouches_for_old_files_only(tracker, monkeypatch):
    """Files last modified well before they were read are not read again while their
    metadata is the same; a file modified just before it was read is always hashed."""
    log = _one_log(tracker)
    filters = Filters(leader="洪声耀")
    _aged(tracker)
    statuses, from_index = _settled(tracker, filters)
    assert from_index
    hashed = []
    real = qindex.__dict__.get("_hash_file")
    monkeypatch.setattr(qindex, "_hash_file", lambda path: hashed.append(path) or real(path))
    statuses, from_index, _ = _indexed(tracker, filters, "Q2")
    assert from_index and hashed == []  # old files: the metadata is enough
    log.write_text(log.read_text(encoding="utf-8").replace('"value": 10', '"value": 11'), encoding="utf-8")
    statuses, from_index = _settled(tracker, filters)
    assert from_index and log in hashed  # built on a log modified just now: hashed at each query
    assert statuses == _full(tracker, filters, "Q2")


def test_same_size_rewrite_with_its_time_set_back_is_seen(tracker):
    """A log rewritten with bytes of the same length and its modification time set back
    to what it was: the change time (POSIX) or the hash gives it away, never the old answer."""
    log = _one_log(tracker)
    filters = Filters(leader="洪声耀")
    _aged(tracker)
    before, from_index = _settled(tracker, filters)
    assert from_index
    stat = log.stat()
    log.write_text(log.read_text(encoding="utf-8").replace('"value": 10', '"value": 99'), encoding="utf-8")
    os.utime(log, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert log.stat().st_size == stat.st_size and log.stat().st_mtime_ns == stat.st_mtime_ns
    after, from_index, _ = _indexed(tracker, filters, "Q2")
    assert after == _full(tracker, filters, "Q2") != before
    if os.name == "posix":
        assert not from_index


def test_a_touched_file_keeps_the_index(tracker):
    """Same bytes, new modification time (a `touch`, a checkout of the same content): the hash
    says nothing changed and the index still answers."""
    log = _one_log(tracker)
    filters = Filters(leader="洪声耀")
    _aged(tracker)
    before, from_index = _settled(tracker, filters)
    assert from_index
    os.utime(log)
    after, from_index, _ = _indexed(tracker, filters, "Q2")
    assert from_index and after == before


def test_a_new_log_drops_the_index(tracker):
    """A log of an earlier quarter added: a different set of files, never the old answer."""
    _one_log(tracker)
    filters = Filters(leader="洪声耀")
    _aged(tracker)
    before, from_index = _settled(tracker, filters)
    assert from_index
    (tracker / "progress" / "2025-Q1.yaml").write_text(
        record_line({"id": "32", "date": "2025-03-01", "value": 200, "by": "区科经局"}), encoding="utf-8")
    after, from_index, _ = _indexed(tracker, filters, "Q2")
    assert not from_index and after == _full(tracker, filters, "Q2")


def test_a_new_quarters_log_after_the_index_drops_it(tracker):
    """The index of Q3 is built while only Q2's log exists; then Q3's log is created (the
    first report of the quarter): one file more than the index was made from, never the old
    answer. The files it was made from are all still there, unchanged."""
    _one_log(tracker)
    filters = Filters(leader="洪声耀")
    _aged(tracker)
    before, from_index = _settled(tracker, filters, "Q3")
    assert from_index
    (tracker / "progress" / "2025-Q3.yaml").write_text(
        record_line({"id": "32", "date": "2025-09-20", "value": 300, "by": "区科经局",
                     "at": "2025-09-20T09:00:00+08:00"}), encoding="utf-8")
    after, from_index, _ = _indexed(tracker, filters, "Q3")
    assert not from_index and after == _full(tracker, filters, "Q3") and after != before
    assert next(s for s in after if s.item.id == "32").metrics[0].value == 300


# --------------------------------------------------------------------------- an edit of tasks.yaml followed in the index

def _edit(text: str, rng: random.Random, how: str) -> tuple[str, bool]:
    """tasks.yaml with one edit of kind ``how``; True when the index may follow it
    (an edit inside one item that keeps its id, names, metric names and line count)."""
    lines = text.split("\n")
    where = {
        "text": [n for n, line in enumerate(lines) if line.startswith("    text: ")],
        "target": [n for n, line in enumerate(lines) if line.startswith("      - {name: ") and "target: " in line
                   and "kind: relative" not in line and "kind: reference" not in line],
        "leaders": [n for n, line in enumerate(lines) if line.startswith("    leaders: [")],
        "id": [n for n, line in enumerate(lines) if line.startswith("  - id: ")],
        "insert": [n for n, line in enumerate(lines) if line.startswith("    text: ")],
        "header": [n for n, line in enumerate(lines) if line.startswith("  year: ") or line.startswith("  name: ")],
        "broken": [n for n, line in enumerate(lines) if line.startswith("      - {name: ") and "target: " in line],
    }[how]
    if not where:
        return text, False
    n = rng.choice(where)
    line = lines[n]
    if how == "text":
        lines[n] = line + rng.choice(["改", "。", "x", "（修订）"])
    elif how == "target":
        head, _, tail = line.partition("target: ")
        number, _, rest = tail.partition(",")
        lines[n] = f"{head}target: {rng.choice([1, 7, 50, 336, 1000])},{rest}"
    elif how == "leaders":
        lines[n] = "    leaders: [" + rng.choice(LEADERS) + "]"
    elif how == "id":
        lines[n] = "  - id: 8" + line[len("  - id: "):]
    elif how == "insert":
        lines.insert(n + 1, "    # 一行注释")
    elif how == "header":
        lines[n] = line + " "
    elif how == "broken":
        lines[n] = line.replace("target: ", "target: 多少", 1)
    return "\n".join(lines), how in ("text", "target")


def _item_id_at(text: str, changed: str) -> str | None:
    """The id of the item holding the first line that differs."""
    item = None
    for old, new in zip(text.split("\n"), changed.split("\n")):
        if old.startswith("  - id: "):
            item = old[len("  - id: "):].strip()
        if old != new:
            return item
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.sampled_from(["text", "text", "target", "target", "leaders", "id", "insert", "header", "broken"]))
def test_an_edit_of_one_item_is_followed_in_the_index(seed, how):
    """After an edit of tasks.yaml, what the index answers is what a full evaluation of the
    edited tracker answers; an edit inside one item that keeps its names, metric names and
    line count (a typo fixed, a target corrected) is followed in the index without reading
    the tracker whole, unless another item's figure follows that item."""
    with _random_tracker(seed) as (root, rng, plan):
        filters = _filters(rng, plan)
        for _ in range(2):
            _indexed(root, filters, "Q2")
        before, from_index, _ = _indexed(root, filters, "Q2", lines=True)
        assert from_index
        text = (root / "tasks.yaml").read_text(encoding="utf-8")
        changed, followable = _edit(text, rng, how)
        (root / "tasks.yaml").write_text(changed, encoding="utf-8")
        try:
            full = _full(root, filters, "Q2")
        except DataError as error:  # the edit broke the registry: both ways say so
            with pytest.raises(DataError) as raised:
                _indexed(root, filters, "Q2")
            assert raised.value.message == error.message
            return
        lines, from_index, said = _indexed(root, filters, "Q2", lines=True)
        assert lines == [item_line(s) for s in full]
        statuses, _, _ = _indexed(root, filters, "Q2")
        assert statuses == full
        edited = load(root).plan.get(_item_id_at(text, changed) or "")
        follows = edited is not None and (
            any(m.kind == "relative" for m in edited.metrics)
            or any(m.kind == "relative" and m.follows.split(":")[0].strip() == edited.id for i in plan.items for m in i.metrics)
        )
        if followable and not follows:
            assert from_index, "an edit inside one item is followed in the index"
        warned: list[str] = []
        eager = load(root, warn=warned.append)
        eager.evaluate(eager.quarter("Q2"))
        assert said == warned
