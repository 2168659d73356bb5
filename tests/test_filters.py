"""Filters declared once (cliutil.filter_options), a repeated flag meaning "any of",
accepted by every command that selects items."""

from __future__ import annotations

import json

from cli_helpers import ids_of, run
from xatrack import api
from xatrack.queries import Filters


def test_repeated_leader_means_any_of(tracker, capsys):
    hong = set(ids_of(capsys, "list", "--leader", "洪声耀"))
    chen = set(ids_of(capsys, "list", "--leader", "陈浩"))
    both = ids_of(capsys, "list", "--leader", "洪声耀", "--leader", "陈浩")
    assert hong and chen and hong != chen
    assert set(both) == hong | chen
    assert len(both) == len(set(both))  # an item of both leaders once


def test_repeated_filters_in_heading_and_other_flags(tracker, capsys, monkeypatch):
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")  # after the Q2 deadline: unreported items are 灰 (未报送)
    code, out, _ = run(capsys, "list", "--leader", "洪声耀", "--leader", "陈浩", "--quarter", "Q2")
    assert code == 0 and "领导:洪声耀、陈浩" in out
    one = set(ids_of(capsys, "list", "--action", "1"))
    two = set(ids_of(capsys, "list", "--action", "2"))
    assert set(ids_of(capsys, "list", "--action", "1", "--action", "2")) == one | two
    for item, value in (("32", "10"), ("5", "3")):  # far behind the pace at Q2: 红 (严重滞后)
        assert run(capsys, "update", item, "--done", value, "--quarter", "Q2")[0] == 0
    red = set(ids_of(capsys, "list", "--status", "红"))
    grey = set(ids_of(capsys, "list", "--status", "灰"))
    assert red == {"5", "32"} and len(grey) > 100 and not red & grey  # neither selection is empty
    assert set(ids_of(capsys, "list", "--status", "红", "--status", "灰")) == red | grey
    code, _, err = run(capsys, "list", "--leader", "洪声耀", "--leader", "不存在的人")
    assert code == 2 and "--leader" in err and "不存在的人" in err


def test_leaders_units_accept_filters(tracker, capsys):
    code, out, _ = run(capsys, "leaders", "--leader", "洪声耀", "--format", "json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert sorted(rows["洪声耀"]["ids"]) == sorted(ids_of(capsys, "list", "--leader", "洪声耀"))
    assert all(set(row["ids"]) <= set(rows["洪声耀"]["ids"]) for row in rows.values())  # co-leaders of those items only
    code, out, _ = run(capsys, "units", "--action", "1", "--format", "json")
    total = {row["name"]: row["total"] for row in json.loads(out)}
    code, out, _ = run(capsys, "units", "--format", "json")
    every = {row["name"]: row["total"] for row in json.loads(out)}
    assert sum(total.values()) < sum(every.values())


def test_api_list_items_matches_the_cli(tracker, capsys):
    listed = api.list_items(tracker, filters=Filters(leader=("洪声耀", "陈浩")), quarter="Q2")
    assert [s.item.id for s in listed.statuses] == ids_of(capsys, "list", "--leader", "洪声耀", "--leader", "陈浩", "--quarter", "Q2")
    assert listed.title == "2025年第二季度 · 领导:洪声耀、陈浩"


def test_sheet_and_remind_and_finding_list_take_filters(tracker, capsys, tmp_path):
    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--action", "2", "--action", "4", "-o", str(tmp_path / "a.xlsx"))
    assert code == 0, err
    code, out_all, err = run(capsys, "sheet", "--unit", "区科经局", "-o", str(tmp_path / "b.xlsx"))
    assert code == 0, err
    items = lambda text: int(text.split("报送表,")[1].split(" 项")[0])  # noqa: E731
    assert items(out) == 6 < items(out_all)  # actions 2 and 4: 5 + 1 items
    code, _, err = run(capsys, "sheet", "--unit", "区科经局", "--search", "没有这样的文字", "-o", str(tmp_path / "c.xlsx"))
    assert code == 2 and "符合筛选条件" in err
    code, out, err = run(capsys, "remind", "--quarter", "Q1", "--leader", "洪声耀")
    assert code == 0, err
    code, every, err = run(capsys, "remind", "--quarter", "Q1")
    assert len(out) < len(every)
    code, out, err = run(capsys, "finding", "list", "--leader", "洪声耀", "--leader", "陈浩")
    assert code == 0, err
