"""Direct tests of the pure library modules the commands stand on: recording, rollup and
the views' data (JSON, CSV), on a small plan built here (no files, no CLI)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

import pytest

from xatrack.directory import Directory, Group, Unit
from xatrack.errors import InputError
from xatrack.evaluate import evaluate
from xatrack.model import MISSING, ON_TRACK, SEVERE, Entry, Item, Metric, Plan, PlanInfo, Quarter
from xatrack.recording import Submission, build_record, item_label
from xatrack.rollup import by_leader, by_unit
from xatrack.views.data import BOM, CSV_HEADER, render_csv, render_json

Q2 = Quarter(2025, 2)
NOW = datetime(2025, 6, 28, 10, 0, tzinfo=timezone.utc)
ROADS = Item("1", "task", "新改建农村公路100公里。", leaders=("甲",), lead=("甲局",), metrics=(Metric("公路", 100, "公里"),))
REFORM = Item("2", "task", "推进改革。", leaders=("甲", "乙"), lead=("乙局",), units=("各乡镇",))
TWO = Item("3", "task", "两项指标。", leaders=("乙",), lead=("甲局",), metrics=(Metric("A", 4, "家"), Metric("B", 8, "家")))
PLAN = Plan(info=PlanInfo(title="测试方案", year=2025), tasks=(ROADS, REFORM, TWO))
DIRECTORY = Directory(units=(Unit("甲局"), Unit("乙局"), Unit("东镇"), Unit("西镇")), groups=(Group("各乡镇", members=("东镇", "西镇")),))


def _entry(item: str, value: float | None, metric: str | None = None, status: str | None = None) -> Entry:
    return Entry(item=item, date=date(2025, 6, 20), quarter=Q2, value=value, metric=metric, status=status, by="甲局")


# --------------------------------------------------------------------------- recording


def test_build_record_validates_and_builds_the_line():
    recorded = build_record(PLAN, Submission("1", done="60", quarter="Q2", by="甲局"), today=NOW.date(), now=NOW,
                            default_by="", directory=DIRECTORY)
    assert recorded.item is ROADS and recorded.metric.name == "公路" and recorded.quarter == Q2
    assert str(recorded.record["id"]) == "1" and recorded.record["value"] == 60 and recorded.record["by"] == "甲局"
    assert list(recorded.record)[-1] == "at"


@pytest.mark.parametrize("submission, words", [
    (Submission("3", done="2"), "有 2 项指标,请用 --metric 指定"),
    (Submission("2", done="2"), "没有量化指标,不能用 --done"),
    (Submission("9", done="2"), "9"),
    (Submission("1", done="很多"), "--done"),
])
def test_build_record_refuses_with_one_chinese_line(submission, words):
    with pytest.raises(InputError) as raised:
        build_record(PLAN, submission, today=NOW.date(), now=NOW, default_by="甲局")
    assert words in raised.value.message and "\n" not in raised.value.message


def test_item_label():
    assert item_label(ROADS) == "任务 1 "


# --------------------------------------------------------------------------- rollup


def _statuses():
    entries = [_entry("1", 60), _entry("3", 1, "A")]
    return evaluate(PLAN, entries, Q2)


def test_by_leader_counts_each_item_once_per_leader():
    rows = {row.name: row for row in by_leader(_statuses(), DIRECTORY)}
    assert set(rows) == {"甲", "乙"}
    assert rows["甲"].ids == ("1", "2") and rows["乙"].ids == ("2", "3")
    assert rows["甲"].total == 2 and sum(rows["甲"].counts.values()) == 2


def test_by_unit_expands_groups_and_counts_lead():
    rows = {row.name: row for row in by_unit(_statuses(), DIRECTORY, ["甲局", "乙局", "各乡镇"])}
    assert rows["东镇"].ids == ("2",) and rows["东镇"].lead == 0  # through 各乡镇
    assert rows["甲局"].total == 2 and rows["甲局"].lead == 2
    lead_only = {row.name for row in by_unit(_statuses(), DIRECTORY, ["甲局", "乙局", "各乡镇"], lead_only=True)}
    assert "东镇" not in lead_only


def test_rollup_puts_problems_first():
    rows = by_leader(_statuses(), DIRECTORY)
    states = {s.item.id: s.state for s in _statuses()}
    assert states["1"] == ON_TRACK and states["2"] == MISSING and states["3"] == SEVERE
    assert rows[0].name == "乙"  # 乙: one 严重滞后 (3) and one 未报送 (2); 甲: one 未报送 (2), one on pace (1)


# --------------------------------------------------------------------------- views' data


def test_json_is_one_record_per_item_with_its_metrics():
    records = json.loads(render_json(_statuses()))
    assert [r["id"] for r in records] == ["1", "2", "3"]
    roads = records[0]
    assert roads["status"] == "正常" and roads["colour"] and roads["metrics"][0]["value"] == 60
    assert records[1]["metrics"] == [] and records[1]["units"] == ["各乡镇"]


def test_csv_has_a_bom_and_one_row_per_item_and_metric():
    text = render_csv(_statuses())
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[len(BOM):])))
    assert rows[0] == CSV_HEADER
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "3"]
    assert rows[1][CSV_HEADER.index("已报送")] == "60"
