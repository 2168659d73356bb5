"""The library under the CLI (xatrack.api), called directly: values in, values out, nothing printed."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from xatrack import api
from xatrack.errors import InputError
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


def test_overdue_groups_and_rejects_bad_grouping(tracker):
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
