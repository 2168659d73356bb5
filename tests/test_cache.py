"""The parse cache is never stale: content, not modification time, decides."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cli_helpers import make_tracker
from xatrack import reading
from xatrack.cache import Cache
from xatrack.model import Quarter
from xatrack.store import Tracker, record_line

REPO = Path(__file__).resolve().parents[1]
Q2 = Quarter(2025, 2)


@pytest.fixture()
def tracker(tmp_path):
    """A store Tracker over a folder holding only the shipped tasks.yaml."""
    return Tracker(make_tracker(tmp_path / "t", files=("tasks.yaml",)))


def _same_size_and_time(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


def test_registry_edit_with_same_size_and_mtime_is_seen(tracker):
    assert reading.load_plan(tracker)[0].get("32").metrics[0].target == 336
    assert reading.load_plan(Tracker(tracker.root))[0].get("32").metrics[0].target == 336  # warm
    _same_size_and_time(tracker.registry_path, "target: 336,", "target: 337,")
    assert reading.load_plan(Tracker(tracker.root))[0].get("32").metrics[0].target == 337


def _log(tracker, lines):
    tracker.progress_dir.mkdir(exist_ok=True)
    path = tracker.log_path(Q2)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _record(item, value, day="2025-05-01"):
    return record_line({"id": item, "value": value, "date": day, "by": "甲"})


def test_appended_log_parses_only_the_tail_and_matches_a_full_parse(tracker):
    path = _log(tracker, [_record(32, 10), _record(5, 20)])
    first, _ = reading.entries(Tracker(tracker.root))
    assert [e.value for e in first] == [10, 20]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(_record(32, 30))
    cached, problems = reading.entries(Tracker(tracker.root))
    fresh, fresh_problems = reading.entries(Tracker(tracker.root, Cache(None)))
    assert cached == fresh and problems == fresh_problems
    # seq is the line (issue 13: a reader of some lines must give the same entries as the full parse)
    assert [(e.value, e.line, e.seq) for e in cached] == [(10, 1, 1), (20, 2, 2), (30, 3, 3)]


def test_rewritten_middle_of_a_log_is_seen(tracker):
    path = _log(tracker, [_record(32, 10), _record(5, 20), _record(32, 30)])
    reading.entries(Tracker(tracker.root))
    _same_size_and_time(path, '"value": 20,', '"value": 21,')
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(_record(5, 40))
    entries, _ = reading.entries(Tracker(tracker.root))
    assert [e.value for e in entries] == [10, 21, 30, 40]


def test_hand_edited_block_style_log_is_parsed_whole(tracker):
    path = _log(tracker, ["- id: 32\n  value: 10\n  date: 2025-05-01\n"])
    assert [e.value for e in reading.entries(Tracker(tracker.root))[0]] == [10]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(_record(32, 30))
    assert [e.value for e in reading.entries(Tracker(tracker.root))[0]] == [10, 30]


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage", "unwritable"])
def test_missing_or_corrupt_cache_is_rebuilt_silently(tracker, damage):
    _log(tracker, [_record(32, 10)])
    reading.load_plan(Tracker(tracker.root))
    reading.plan_for(Tracker(tracker.root), "32")
    reading.entries(Tracker(tracker.root))
    folder = Tracker(tracker.root).cache.folder
    files = sorted(folder.glob("*.pickle"))
    assert len(files) == 4  # registry, its items, its one-item lookup (made by update), one log
    for file in files:
        if damage == "delete":
            file.unlink()
        elif damage == "truncate":
            file.write_bytes(file.read_bytes()[:20])
        elif damage == "garbage":
            file.write_bytes(b"\x80\x04not a pickle at all")
        else:
            file.unlink()
            file.mkdir()  # a folder where the cache file should be: cannot be written
    plan, problems = reading.load_plan(Tracker(tracker.root))
    assert plan.get("32").metrics[0].target == 336 and problems == []
    assert [e.value for e in reading.entries(Tracker(tracker.root))[0]] == [10]


def test_cache_lives_outside_the_tracker(tracker, monkeypatch):
    monkeypatch.delenv("XATRACK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tracker.root.parent / "xdg"))
    reading.load_plan(Tracker(tracker.root))
    assert not any(p.name.endswith(".pickle") for p in tracker.root.rglob("*"))
    assert list((tracker.root.parent / "xdg" / "xatrack").rglob("registry.pickle"))


@pytest.mark.parametrize("wanted", ["32", "2", "320", "G1", "G10"])
def test_item_entries_match_a_full_parse(tracker, wanted):
    lines = [
        _record(32, 1, "2025-04-02"),
        _record(2, 2, "2025-04-03"),
        _record(320, 3),
        '- {"id": "G1", "value": 6.5, "date": "2025-05-02", "by": "甲"}\n',
        '- {"id": "g10", "value": 4, "date": "2025-05-03", "by": "甲"}\n',
        '- {"value": 5, "id":32, "date": "2025-05-04", "by": "32"}\n',  # hand-typed: id not first, no space
        "# 注释 32\n",
        _record(2, 7, "2025-06-02"),
    ]
    _log(tracker, lines)
    full = [(e.item, e.value, e.line) for e in reading.entries(Tracker(tracker.root, Cache(None)))[0] if e.item == wanted]
    assert full, wanted
    some = [(e.item, e.value, e.line) for e in reading.item_entries(tracker, wanted, 2025)]
    assert some == full


def test_item_entries_in_a_hand_edited_log(tracker):
    _log(tracker, ["- id: 32\n  value: 10\n  date: 2025-05-01\n", _record(32, 30)])
    assert [e.value for e in reading.item_entries(tracker, "32", 2025)] == [10, 30]


def test_one_item_plan_is_never_stale(tracker):
    """`update` reads one item from the lookup cache: an edit keeping size and time is seen."""
    assert reading.plan_for(tracker, "32").get("32").metrics[0].target == 336
    assert [i.id for i in reading.plan_for(Tracker(tracker.root), "32").items] == ["32"]  # from the cache: one item
    _same_size_and_time(tracker.registry_path, "target: 336", "target: 337")
    plan = reading.plan_for(Tracker(tracker.root), "32")
    assert plan.get("32").metrics[0].target == 337
    assert len(reading.plan_for(Tracker(tracker.root), "9999").items) > 100  # unknown id: the whole plan, for suggestions


def test_decisive_entries_follow_appends_and_rewrites(tracker):
    from xatrack.evaluate import decisive

    path = _log(tracker, [_record(32, 10), _record(5, 20), _record(32, 30)])

    def both():
        fresh = reading.entries(Tracker(tracker.root, Cache(None)))[0]
        return reading.entries(Tracker(tracker.root), reduce=decisive)[0], decisive(fresh)

    cached, expected = both()
    # 32's first report (its lateness) and newest (its figure), 5's one report
    assert cached == expected and [e.value for e in cached] == [10, 20, 30]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(_record(5, 40))
    cached, expected = both()
    assert cached == expected and [e.value for e in cached] == [10, 20, 30, 40]
    _same_size_and_time(path, '"value": 30,', '"value": 31,')
    cached, expected = both()
    assert cached == expected and [e.value for e in cached] == [10, 20, 31, 40]


def test_pinyin_of_names_is_remembered_between_runs(tracker):
    """pypinyin costs 0.4 s to load: the second Latin query finds its pinyin in the cache."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom xatrack.cli import main\n"
        "try:\n    main(['list', '--leader', 'hsy', '--root', sys.argv[1], '--format', 'json'])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print('pypinyin' in sys.modules, file=sys.stderr)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code, str(tracker.root)], capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == ["True", "False"], [r.stderr for r in runs]
    assert runs[0].stdout == runs[1].stdout and "洪声耀" in runs[0].stdout


# --------------------------------------------------------------------------- the code in the stamp


def test_a_value_cached_by_other_code_is_not_served(tracker, monkeypatch):
    """A parser changed without a FORMAT bump: the stamp's code hash differs, the old value is ignored."""
    import xatrack.cache as cache_module

    cache = Cache.for_root(tracker.root)
    cache.save("probe", {"parsed": "by the old parser"})
    assert cache.load("probe") == {"parsed": "by the old parser"}
    monkeypatch.setattr(cache_module, "_code_stamp", "0123456789abcdef")  # as if registry.py had changed
    assert cache.load("probe") is None
    plan = reading.plan(tracker)  # and the tracker reads as ever, re-parsing
    assert plan.get("32") is not None


def test_code_hash_follows_the_source_bytes(tmp_path):
    """One byte changed in one parser module changes the hash; other modules do not count."""
    import xatrack
    from xatrack.cache import CODE_MODULES, hash_sources

    package = tmp_path / "xatrack"
    shutil.copytree(Path(xatrack.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = hash_sources(package)
    assert before == hash_sources(Path(xatrack.__file__).parent)
    (package / "views" / "table.py").write_text("# not a parser\n", encoding="utf-8")
    assert hash_sources(package) == before
    registry = package / "registry.py"
    registry.write_bytes(registry.read_bytes().replace(b"def ", b"def  ", 1))
    assert hash_sources(package) != before
    assert "registry" in CODE_MODULES and "store" in CODE_MODULES


def test_parsing_imports_only_hashed_modules(tracker):
    """Every xatrack module the cached parsers import is in CODE_MODULES (else its
    change could serve stale values)."""
    import subprocess
    import sys

    shutil.copy(REPO / "units.yaml", tracker.root / "units.yaml")
    (tracker.root / "progress").mkdir()
    (tracker.root / "progress" / "2025-Q2.yaml").write_text(
        record_line({"id": "32", "value": 5, "date": "2025-05-01", "at": "2025-05-01T10:00:00+08:00"}), encoding="utf-8"
    )
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from xatrack.store import Tracker\n"
        "from xatrack import reading\n"
        "from xatrack.evaluate import decisive\n"
        "before = set(sys.modules)\n"
        "t = Tracker(Path(sys.argv[1]))\n"
        "reading.plan(t); reading.directory(t); reading.plan_for(t, '32'); reading.entries(t, 2025)\n"
        "reading.entries(t, 2025, until=2, reduce=decisive)\n"
        "print(' '.join(sorted(m[8:] for m in sys.modules if m.startswith('xatrack.'))))\n"
    )
    env = dict(os.environ, XATRACK_NO_CACHE="")
    done = subprocess.run([sys.executable, "-c", script, str(tracker.root)], capture_output=True, text=True, env=env, check=True)
    from xatrack.cache import CODE_MODULES

    used = set(done.stdout.split()) - {"safefs"}  # safefs only refuses paths; it makes no cached value
    assert used <= set(CODE_MODULES), used - set(CODE_MODULES)
