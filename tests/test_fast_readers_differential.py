"""Issue 13, finding 9: every fast reader against the full parse.

Wherever a fast reader accepts its input, it must return exactly what the
full parse returns; otherwise it must defer to it. One differential
hypothesis test per fast reader: the registry (fastyaml + pieces), the log
lines of one item (store.item_entries), the item lookup (Tracker.plan_for,
through the cache) and the decisive entries (through the incremental cache).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cli_helpers import make_tracker
from xatrack import reading
from xatrack.cache import Cache
from xatrack.errors import DataError
from xatrack.evaluate import decisive
from xatrack.model import Quarter, normalize_id
from xatrack.registry import MAX_REGISTRY_BYTES, _build, parse_registry
from xatrack.logfile import read_log
from xatrack.store import TORN_MARK, Tracker, decode_log, record_line
from xatrack.yamlio import load_yaml

REPO = Path(__file__).resolve().parents[1]
Q2 = Quarter(2025, 2)
SOURCE = "progress/2025-Q2.yaml"
FIXTURE_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


# --------------------------------------------------------------------------- registry


def _small_registry() -> str:
    """The real registry's head (plan, settings, actions), two targets and three tasks."""
    text = (REPO / "tasks.yaml").read_text(encoding="utf-8")
    plan, _ = parse_registry(text)
    lines = text.splitlines(keepends=True)
    keep = {plan.targets[0].id, plan.targets[1].id, "1", "32", "33"}
    out, section, skipping = [], None, False
    for line in lines:
        if line.strip() and not line.startswith((" ", "#")):
            section = line.split(":", 1)[0]
            skipping = False
        elif line.startswith("  - id: ") and section in ("targets", "tasks"):
            skipping = line.split(":", 1)[1].strip() not in keep
        if not skipping:
            out.append(line)
    return "".join(out)


SMALL = _small_registry()
SMALL_LINES = SMALL.splitlines()


def test_the_small_registry_is_sound():
    plan, problems = parse_registry(SMALL)
    assert plan is not None and len(plan.items) == 5 and [p for p in problems if p.severity == "error"] == []


def full_registry(text: str):
    data, error = load_yaml(text, "tasks.yaml", max_bytes=MAX_REGISTRY_BYTES)
    return _build(data, error, "tasks.yaml", None)


FRAGMENTS = [" ", "", ":", ": ", "- ", "-", "=", "<<", "[", "]", "{", "}", "'", '"', "#", " #", "\t", "x", "9",
             "0x1", "1_0", "~", "null", "yes", ",", "?", "&a", "*a", "!!str ", "9" * 400, "\\", "%", "@", "|", ">"]


@st.composite
def mutated_registry(draw):
    lines = list(SMALL_LINES)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        kind = draw(st.sampled_from(["insert", "delete", "replace", "indent", "dedent", "duplicate", "drop"]))
        position = draw(st.integers(0, len(line)))
        if kind == "insert":
            line = line[:position] + draw(st.sampled_from(FRAGMENTS)) + line[position:]
        elif kind == "delete":
            line = line[:position] + line[position + 1 :]
        elif kind == "replace":
            line = line[:position] + draw(st.sampled_from(FRAGMENTS)) + line[position + 2 :]
        elif kind == "indent":
            line = "  " + line
        elif kind == "dedent":
            line = line[2:] if line.startswith("  ") else line
        elif kind == "duplicate":
            lines.insert(index, line)
        else:
            lines.pop(index)
            continue
        lines[index] = line
    return "\n".join(lines) + "\n"


def _same_registry(text: str) -> None:
    fast_plan, fast_problems = parse_registry(text)
    if fast_plan is None or any(p.severity == "error" for p in fast_problems):
        return  # not accepted: what the full parse says is what commands show (via plan())
    full_plan, full_problems = full_registry(text)
    assert full_plan == fast_plan
    assert [(p.line, p.message, p.severity) for p in full_problems] == [
        (p.line, p.message, p.severity) for p in fast_problems
    ]


@settings(max_examples=400, deadline=None)
@given(mutated_registry())
@example(SMALL.replace("    text: 新建5G基站336个。", "    text:新建5G基站336个。"))
@example(SMALL.replace("  - id: 32", "  - id:32"))
@example(SMALL.replace("tasks:\n", "tasks: []\n"))
@example(SMALL.replace("    text: 新建5G基站336个。", "    text: ="))
@example(SMALL.replace("    text: 新建5G基站336个。", "    text: <<"))
@example(SMALL.replace("target: 336,", "target: " + "9" * 5000 + ","))
@example(SMALL.replace("unit: 个", "unit: \t个", 1))  # a tab inside a metric line: ruamel strips it as space
def test_registry_fast_reader_agrees_with_the_full_parse(text):
    _same_registry(text)


@pytest.mark.parametrize(
    "old, new",
    [
        ("    text: 新建5G基站336个。", "    text:新建5G基站336个。"),
        ("  - id: 32", "  - id:32"),
        ("tasks:\n", "tasks: []\n"),
        ("    text: 新建5G基站336个。", "    text: ="),
    ],
)
def test_registry_fast_reader_found_accepting_what_ruamel_rejects(old, new):
    """Before: the fast reader built a plan from each of these; ruamel rejects them."""
    text = SMALL.replace(old, new, 1)
    assert text != SMALL
    full_plan, full_problems = full_registry(text)
    assert full_plan is None or any(p.severity == "error" for p in full_problems)
    fast_plan, fast_problems = parse_registry(text)
    assert fast_plan is None or any(p.severity == "error" for p in fast_problems)


# --------------------------------------------------------------------------- logs


def _json_line(record: dict, ascii_only: bool = False) -> str:
    return "- " + json.dumps(record, ensure_ascii=ascii_only) + "\n"


ids = st.one_of(
    st.sampled_from([32, 5, 320, 132, "32", " 32", "32 ", "\u300032", "G1", "g1", " g 1", "G10", "G", "x32", 3.2e1]),
    st.integers(0, 400),
)
record_strategy = st.fixed_dictionaries(
    {"id": ids, "date": st.sampled_from(["2025-06-20", "2025-05-01", "2025-13-01"])},
    optional={
        "value": st.one_of(st.integers(0, 500), st.floats(allow_nan=True, allow_infinity=True), st.just("abc")),
        "note": st.text(alphabet=st.sampled_from(list('ab,}{":\\\'id 32\u2028\u0085\x0c说明')), max_size=8),
        "status": st.sampled_from(["推进中", "已完成", "乱写"]),
        "by": st.sampled_from(["甲", "乙"]),
        "at": st.sampled_from(["2025-06-20T10:00:00+08:00", "2025-06-20T10:00:00.25+08:00", "bad"]),
    },
)
raw_lines = st.sampled_from([
    "hello\n", "<<<<<<< HEAD\n", "=======\n", ">>>>>>> abc\n", "# 注释\n", "\n",
    "- {id: 0x20, value: 1, date: 2025-06-20}\n", "- {'id': '32', 'value': 2, 'date': '2025-06-20'}\n",
    "- {id: 32, value: 3, date: 2025-06-20}\n", '- {"id": 032, "value": 4, "date": "2025-06-20"}\n',
    '- {"id": 32, "value": 0x10, "date": "2025-06-20"}\n', '- {"id": 32, "id": 5, "date": "2025-06-20", "value": 1}\n',
    '- {"i\\u0064": 32, "value": 5, "date": "2025-06-20"}\n', '- {"id": "\\u0033\\u0032", "value": 6, "date": "2025-06-20"}\n',
    '- {"id": 32, "note": "\\ud800", "date": "2025-06-20"}\n', TORN_MARK + "\n", '- {"id": 32, "value": 7, "date":\n',
    '- {"id": 32, "note": ' + "[" * 3000 + "]" * 3000 + ', "date": "2025-06-20"}\n',
    '- {"id": 32, "value": ' + "9" * 5000 + ', "date": "2025-06-20"}\n', "  - {\"id\": 32}\n", "- id: 32\n",
])
log_line = st.one_of(
    record_strategy.map(_json_line),
    record_strategy.map(lambda r: _json_line(r, ascii_only=True)),
    record_strategy.filter(lambda r: not isinstance(r.get("value"), float) or math.isfinite(r["value"])).map(record_line),
    raw_lines,
)


@st.composite
def log_bytes(draw):
    text = "".join(draw(st.lists(log_line, max_size=12)))
    if draw(st.booleans()) and text.endswith("\n"):
        text = text[:-1]  # a last line without its newline
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 20)) == 0:
        data += b"\xff\n"
    return data


@pytest.fixture()
def tracker_root(tmp_path):
    root = make_tracker(tmp_path / "t", files=("tasks.yaml",))
    (root / "progress").mkdir()
    return root


def _full_entries(data: bytes):
    return read_log(decode_log(data), Q2, SOURCE)[0]  # the full parse: a bad byte is one damaged line


@settings(max_examples=250, deadline=None, suppress_health_check=FIXTURE_HEALTH)
@given(log_bytes(), st.sampled_from(["32", " 32", "g1", "G1", "5", "320", "G10"]))
@example(b'- {"id": " 32", "value": 1, "date": "2025-06-20"}\n', "32")
def test_item_lines_reader_agrees_with_the_full_parse(tracker_root, data, wanted):
    """Before: item_entries dropped {"id": " 32", …}, which the full parse accepts."""
    (tracker_root / SOURCE).write_bytes(data)
    tracker = Tracker(tracker_root, Cache(None))
    try:
        full = [e for e in _full_entries(data) if e.item == normalize_id(wanted)]
    except DataError:
        with pytest.raises(DataError):
            reading.item_entries(tracker, wanted, 2025)
        return
    assert reading.item_entries(tracker, wanted, 2025) == full


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_HEALTH)
@given(log_bytes(), log_bytes(), st.booleans(), st.sampled_from(["32", "g1", "5", "G10"]))
# the earlier bytes replaced by as many bytes holding a YAML-style line the fast reader cannot see
@example(b'- {"id": 32, "value": 1,   "date": "2025-06-20"}\n', b"- {'id': '32', 'value': 2, 'date': '2025-06-20'}\n",
         False, "32")
def test_item_lines_reader_after_an_append_or_an_edit_agrees_with_the_full_parse(
    tracker_root, tmp_path_factory, first, second, append, wanted
):
    """item_entries remembers how much of a log passed its checks (by the SHA-256 of those
    bytes) and then checks only what was appended; an edit of the earlier bytes (``append``
    False: ``second`` put in front) or any bad line after them is still seen."""
    cache = Cache(tmp_path_factory.mktemp("cache"))
    path = tracker_root / SOURCE
    path.write_bytes(first)
    tracker = Tracker(tracker_root, cache)
    try:
        reading.item_entries(tracker, wanted, 2025)  # remembered when the fast reader could take it
    except DataError:
        pass
    data = first + second if append else second + first
    path.write_bytes(data)
    try:
        full = [e for e in _full_entries(data) if e.item == normalize_id(wanted)]
    except DataError:
        with pytest.raises(DataError):
            reading.item_entries(Tracker(tracker_root, cache), wanted, 2025)
        return
    assert reading.item_entries(Tracker(tracker_root, cache), wanted, 2025) == full


def test_item_lines_reader_checks_only_what_was_appended(tracker_root, tmp_path_factory, monkeypatch):
    """The second read of an appended log looks at the new bytes only (what makes
    `update` quick at 40,000 entries a quarter)."""
    import xatrack.logfile as logfile

    cache = Cache(tmp_path_factory.mktemp("cache"))
    path = tracker_root / SOURCE
    lines = "".join(record_line({"id": n % 40, "date": "2025-06-20", "value": n}) for n in range(400))
    path.write_bytes(lines.encode("utf-8"))
    reading.item_entries(Tracker(tracker_root, cache), "32", 2025)
    more = record_line({"id": 32, "date": "2025-06-21", "value": 999}).encode("utf-8")
    with open(path, "ab") as handle:
        handle.write(more)
    looked = []
    real = logfile._ID_KEYS

    class Spy:
        def findall(self, data):
            looked.append(len(data))
            return real.findall(data)

    monkeypatch.setattr(logfile, "_ID_KEYS", Spy())
    found = reading.item_entries(Tracker(tracker_root, cache), "32", 2025)
    assert looked == [len(more)]
    assert found[-1].value == 999 and found == [e for e in _full_entries(path.read_bytes()) if e.item == "32"]


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURE_HEALTH)
@given(st.lists(log_bytes(), min_size=1, max_size=4))
def test_decisive_entries_through_the_cache_agree_with_the_full_parse(tracker_root, tmp_path_factory, chunks):
    """Appended chunk by chunk (the cache parses only what was appended), the
    decisive entries are those of the full parse of the whole log."""
    cache = Cache(tmp_path_factory.mktemp("c"))
    path = tracker_root / SOURCE
    data = b""
    path.write_bytes(data)
    for chunk in chunks:
        data += chunk
        path.write_bytes(data)
        try:
            full = _full_entries(data)
        except DataError:
            with pytest.raises(DataError):
                reading.read_log_file(Tracker(tracker_root, cache), path, Q2, reduce=decisive)
            continue
        cached, _ = reading.read_log_file(Tracker(tracker_root, cache), path, Q2, reduce=decisive)
        assert sorted(cached, key=repr) == sorted(decisive(full), key=repr)
        everything, _ = reading.read_log_file(Tracker(tracker_root, cache), path, Q2)
        assert everything == full


# --------------------------------------------------------------------------- item lookup


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_HEALTH)
@given(st.one_of(
    st.sampled_from(["32", " 32 ", "g1", "G1", "G 1", "g7", "G8", "100", "101", "0", "032", "x", "", "G", "一"]),
    st.text(alphabet="0123456789gG x", max_size=4),
))
def test_item_lookup_agrees_with_the_full_plan(tracker_root, wanted):
    tracker = Tracker(tracker_root)
    whole = reading.plan(Tracker(tracker_root, Cache(None)))
    for _ in range(2):  # cold cache, then warm
        assert reading.plan_for(tracker, wanted).get(wanted) == whole.get(wanted)
