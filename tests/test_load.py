"""The one loader (xatrack/load.py): what commands and check read through."""

from __future__ import annotations

import pytest

from xatrack.checks import check_tracker
from xatrack.errors import DataError
from xatrack.load import Loaded, load
from xatrack.store import Tracker


def test_load_reads_plan_and_lazily_the_rest(tracker):
    loaded = load(tracker)
    assert isinstance(loaded, Loaded)
    assert loaded.root == tracker
    assert loaded.plan.get("32") is not None
    assert loaded._entries is None and not loaded._directory_read  # nothing else read yet
    assert loaded.directory.knows_unit("区科经局")
    assert loaded.entries == [] and loaded.problems == []


def test_load_item_plan_holds_that_item_only(tracker):
    load(tracker, item="32")  # the first one reads the whole plan and fills the item cache
    loaded = load(tracker, item="32")
    assert [i.id for i in loaded.plan.items] == ["32"]


def test_strict_load_raises_not_strict_collects(tracker):
    (tracker / "tasks.yaml").write_text("info: [\n", encoding="utf-8")
    with pytest.raises(DataError):
        load(tracker)
    loaded = load(tracker, strict=False)
    assert loaded.plan is None
    assert loaded.problems and all(str(p).startswith("tasks.yaml") for p in loaded.problems)


def test_log_problems_are_collected_and_warned_once(tracker):
    progress = tracker / "progress"
    progress.mkdir()
    (progress / "2025-Q2.yaml").write_text(
        '- {"id": "32", "date": "2025-06-01", "value": 10}\n- {"id": "32", "date": "bad", "value": 1}\n', encoding="utf-8"
    )
    said: list[str] = []
    loaded = load(tracker, warn=said.append)
    assert len(loaded.entries) == 1
    assert len(loaded.problems) == 1 and loaded.problems[0].file == "progress/2025-Q2.yaml"
    assert len(said) == 1 and said[0].startswith("警告:进度记录中有 1 处问题")
    loaded.entries  # read once: no second warning
    assert len(said) == 1


def test_check_reads_through_the_loader_like_before(tracker):
    progress = tracker / "progress"
    progress.mkdir()
    (progress / "2024-Q2.yaml").write_text('- {"id": "999", "date": "2024-06-01", "value": 1}\n', encoding="utf-8")
    via_tracker = [str(p) for p in check_tracker(Tracker(tracker))]
    via_loader = [str(p) for p in check_tracker(load(tracker, strict=False))]
    assert via_tracker == via_loader
    assert any("年度 2024 不是计划年度 2025" in line for line in via_loader)
    assert any("没有编号为 999" in line for line in via_loader), via_loader


def test_check_problems_carry_codes(tracker):
    progress = tracker / "progress"
    progress.mkdir()
    (progress / "2025-Q2.yaml").write_text('- {"id": "999", "date": "2025-06-01", "value": 1}\n', encoding="utf-8")
    (progress / "2025Q3.yaml").write_text("", encoding="utf-8")
    codes = {p.code for p in check_tracker(load(tracker, strict=False))}
    assert {"unknown-item", "not-a-log"} <= codes
