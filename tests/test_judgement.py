"""Issues 11 and 12: judgements an office can stand behind.

Who reports an item's figure (the lead unit; a responsible unit's report is a
contribution), the reporting quarter as the default, one clock, late reports,
published bulletins and --as-of, retractions; declines, one value reader,
whole-number pace, rates not counts, a complete 催办 list, relative targets.
Pure functions first, then the CLI as an office uses it.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_helpers import run
from xatrack import reading
from xatrack.directory import Directory, Group, Unit
from xatrack.errors import InputError
from xatrack.evaluate import decisive, evaluate
from xatrack.model import (
    PENDING,
    BEHIND,
    DONE,
    MISSING,
    ON_TRACK,
    SEVERE,
    Entry,
    Item,
    Metric,
    Plan,
    PlanInfo,
    Quarter,
    entry_ref,
)
from xatrack.roles import Roles
from xatrack.schedule import default_quarter, expected_value

CST = timezone(timedelta(hours=8))
Q1, Q2, Q3, Q4 = (Quarter(2025, q) for q in range(1, 5))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def directory() -> Directory:
    units = tuple(Unit(name=n) for n in ("区发改局", "区交通运输局", "桂花镇", "横沟桥镇", "区科经局"))
    groups = (Group(name="各乡镇办场", members=("桂花镇", "横沟桥镇")),)
    return Directory(units=units, groups=groups)


ROAD = Item(
    id="57",
    kind="task",
    text="新改建农村公路110公里。",
    lead=("区交通运输局",),
    units=("各乡镇办场",),
    metrics=(Metric("新改建农村公路", 110, "公里"),),
)
GDP = Item(
    id="G1", kind="target", text="地区生产总值增长7%。", lead=("区发改局",), units=("各乡镇办场",),
    metrics=(Metric("地区生产总值增速", 7, "%", kind="growth"),),
)
INCOME = Item(
    id="G7", kind="target", text="城乡常住居民人均可支配收入增长与经济增长基本同步。", lead=("区发改局",),
    metrics=(Metric("城乡常住居民人均可支配收入增长", 0, "%", kind="relative", follows="G1"),),
)
LAB = Item(id="23", kind="task", text="创建省级新型研发机构1家。", lead=("区科经局",),
           metrics=(Metric("创建省级新型研发机构", 1, "家"),))
FIRMS = Item(id="16", kind="task", text="潜龙企业15家、金龙企业8家。", lead=("区科经局",),
             metrics=(Metric("潜龙企业", 15, "家"), Metric("金龙企业", 8, "家")))
PLAN = Plan(info=PlanInfo(title="测试方案", year=2025), targets=(GDP, INCOME), tasks=(FIRMS, LAB, ROAD))


def entry(item: str, value=None, quarter=Q3, by="", metric=None, when="2025-10-05T09:00:00", seq=0, **more) -> Entry:
    return Entry(item, quarter, quarter.end, metric, value, by=by, at=at(when) if when else None, seq=seq, **more)


def status_of(entries, item_id: str, quarter=Q3, plan=PLAN):
    statuses = evaluate(plan, entries, quarter, roles=Roles(directory()))
    return next(s for s in statuses if s.item.id == item_id)


# --------------------------------------------------------------------------- issue 11: who reports


def test_a_towns_report_is_a_contribution_never_the_district_figure():
    entries = [
        entry("57", 85, by="区交通运输局", metric="新改建农村公路", seq=1),
        entry("57", 8, by="桂花镇", metric="新改建农村公路", seq=2),  # newer, but a town's own part
        entry("G1", 7.1, by="区发改局", seq=3),
        entry("G1", 5.5, by="桂花镇", seq=4),
    ]
    road = status_of(entries, "57")
    assert road.metrics[0].value == 85 and road.state == ON_TRACK  # 85 of 82.5 expected at Q3
    assert [(e.by, e.value) for e in road.contributions] == [("桂花镇", 8)]
    gdp = status_of(entries, "G1")
    assert gdp.metrics[0].value == 7.1 and gdp.state == ON_TRACK
    # Only the town reported: the item is still 未报送 for the lead unit, with the contribution noted.
    alone = status_of([entry("57", 8, by="桂花镇")], "57")
    assert alone.state == MISSING and alone.owes_report and "分项报送" in alone.reason


def test_the_office_or_a_person_sets_the_figure_and_an_item_without_lead_is_its_units():
    assert status_of([entry("57", 85, by="督查室")], "57").metrics[0].value == 85
    no_lead = Item(id="9", kind="task", text="x", units=("桂花镇",), metrics=(Metric("m", 10, "个"),))
    plan = Plan(info=PlanInfo(year=2025), tasks=(no_lead,))
    assert status_of([entry("9", 9, by="桂花镇")], "9", plan=plan).metrics[0].value == 9


def test_reporting_quarter_is_the_default():
    """The quarter just ended, for 31 days after its end; then the current one."""
    cases = {
        date(2025, 1, 10): Q1,  # the previous quarter is outside the plan year
        date(2025, 4, 10): Q1,
        date(2025, 5, 1): Q1,  # 31 days after 3-31
        date(2025, 5, 2): Q2,
        date(2025, 7, 3): Q2,
        date(2025, 8, 5): Q3,
        date(2025, 10, 9): Q3,
        date(2025, 11, 5): Q4,
        date(2026, 1, 15): Q4,  # after the plan year: the nearest quarter
        date(2024, 12, 1): Q1,
    }
    for day, quarter in cases.items():
        assert default_quarter(2025, day) == quarter, day
    assert default_quarter(2025, date(2025, 7, 3), window_days=0) == Q3


def test_late_entries_count_and_are_marked():
    on_time = status_of([entry("57", 85, by="区交通运输局", when="2025-10-10T23:59:00")], "57")
    assert not on_time.late and not on_time.metrics[0].late
    late = status_of([entry("57", 85, by="区交通运输局", when="2025-10-11T08:00:00")], "57")
    assert late.late and late.metrics[0].late and late.metrics[0].value == 85  # the figure still counts
    assert not status_of([entry("57", 85, by="区交通运输局", when=None)], "57").late  # written by hand: unknown


def test_a_retracted_entry_no_longer_counts_and_the_one_before_comes_back():
    first = entry("57", 85, by="区交通运输局", seq=1, when="2025-10-05T09:00:00")
    wrong = entry("57", 8, by="区交通运输局", seq=2, when="2025-10-05T09:01:00")
    withdraw = entry("57", by="区交通运输局", seq=3, when="2025-10-05T09:02:00", retracts=entry_ref(wrong))
    assert status_of([first, wrong], "57").metrics[0].value == 8
    assert status_of([first, wrong, withdraw], "57").metrics[0].value == 85
    assert status_of([wrong, withdraw], "57").state == MISSING
    # The same through the decisive reduction (the cache of list/overdue).
    assert status_of(decisive([first, wrong, withdraw]), "57").metrics[0].value == 85


_BY = st.sampled_from(["区交通运输局", "桂花镇", "横沟桥镇", "督查室", ""])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["57", "G1"]), st.floats(0, 200), _BY, st.integers(0, 3)), max_size=12),
       st.lists(st.integers(0, 11), max_size=4), st.integers(1, 11))
def test_decisive_entries_give_the_same_judgement_with_contributions_and_retractions(rows, withdrawn, split):
    """list/overdue (decisive entries, incremental cache) and show (all entries) agree."""
    entries = [
        Entry(item, Q3, Q3.end, None, value, by=by, at=at("2025-10-01T09:00:00") + timedelta(minutes=minute), seq=i)
        for i, (item, value, by, minute) in enumerate(rows)
    ]
    for n, index in enumerate(withdrawn):
        if index < len(entries):
            target = entries[index]
            entries.append(Entry(target.item, Q3, Q3.end, by=target.by, retracts=entry_ref(target), seq=100 + n))
    roles = Roles(directory())
    full = evaluate(PLAN, entries, Q3, roles=roles)
    assert evaluate(PLAN, decisive(entries), Q3, roles=roles) == full
    head, tail = entries[:split], entries[split:]
    if not any(e.retracts for e in tail):  # what the incremental cache relies on (a retraction rebuilds)
        assert evaluate(PLAN, decisive(decisive(head) + tail), Q3, roles=roles) == full


# --------------------------------------------------------------------------- issue 12: right numbers


def test_declines_are_judged_like_any_growth():
    fall = status_of([entry("G1", -3.5, by="区发改局")], "G1")
    assert fall.metrics[0].value == -3.5 and fall.state == SEVERE and "差 10.5 个百分点" in fall.reason


def test_whole_things_have_a_whole_number_pace():
    assert expected_value(LAB, LAB.metrics[0], 2) == 0  # 1 家 due Q4: nothing due at Q2
    assert expected_value(FIRMS, FIRMS.metrics[0], 3) == 11  # 15 家 at Q3: 11, not 11.25
    assert expected_value(FIRMS, FIRMS.metrics[0], 2) == 7  # 15 家 at Q2: 7.5 is 7 (rounded down, not to 8)
    assert expected_value(FIRMS, FIRMS.metrics[1], 3) == 6  # 8 家 at Q3: 6 exactly stays 6
    assert expected_value(LAB, Metric("站点", 6, "个"), 3) == 4  # 4.5 is 4: down even where rounding goes up
    assert expected_value(ROAD, ROAD.metrics[0], 3) == 82.5  # 公里 are not whole things
    assert status_of([entry("23", 0, by="区科经局", quarter=Q2, when="2025-07-05T09:00:00")], "23", Q2).state == ON_TRACK
    ceiling = Metric("事故", 10, "起", op="<=")
    assert expected_value(LAB, ceiling, 1) == 2.5  # 起 is not in the list: as before
    fires = Metric("火灾", 10, "件", op="<=")
    assert expected_value(LAB, fires, 1) == 3  # a ceiling of whole things rounds up (in the unit's favour)


def test_relative_target_follows_the_figure_it_names():
    g1 = entry("G1", 7.0, by="区发改局", seq=1)
    in_step = status_of([g1, entry("G7", 6.2, by="区发改局", seq=2)], "G7")
    assert in_step.state == ON_TRACK and in_step.metrics[0].follows_value == 7.0
    behind = status_of([g1, entry("G7", 5.5, by="区发改局", seq=2)], "G7")
    assert behind.state == BEHIND and "低 1.5 个百分点" in behind.reason
    assert status_of([g1, entry("G7", 4.0, by="区发改局", seq=2)], "G7").state == SEVERE
    alone = status_of([entry("G7", 6.2, by="区发改局")], "G7")
    assert alone.state == MISSING and "对照数G1 地区生产总值增速未报送" in alone.reason
    # A town's G1 is not the figure G7 follows.
    assert status_of([entry("G1", 9.0, by="桂花镇"), entry("G7", 6.2, by="区发改局", seq=2)], "G7").state == MISSING
    q4 = [entry("G1", 7.0, by="区发改局", quarter=Q4), entry("G7", 7.5, by="区发改局", quarter=Q4, seq=2)]
    assert status_of(q4, "G7", Q4).state == DONE


def test_partly_reported_item_owes_the_metrics_it_lacks():
    red = status_of([entry("16", 1, by="区科经局", metric="潜龙企业")], "16")
    assert red.state == SEVERE and red.owes_report and red.missing_metrics == ("金龙企业",)
    assert "金龙企业未报送" in red.reason


def test_ranking_by_rates_a_big_unit_that_reports_beats_a_small_one_that_does_not():
    from xatrack.report import rank_units, tally
    from xatrack.evaluate import ItemStatus

    def fake(i: str, state: str, reported: bool = True) -> ItemStatus:
        item = Item(id=i, kind="task", text=i)
        last = Entry(i, Q3, Q3.end, at=at("2025-10-02T09:00:00")) if reported else None
        return ItemStatus(item, Q3, state, "", (), None, None, last)

    big = [fake(str(n), ON_TRACK) for n in range(19)] + [fake("19", SEVERE)]
    small = [fake("99", MISSING, reported=False)]
    ranked = {row.name: row for row in rank_units([tally("大局", big), tally("小局", small)])}
    assert ranked["大局"].rank == 1 and ranked["小局"].rank == 2
    assert ranked["大局"].progress_rate == 0.95 and ranked["大局"].timely_rate == 1.0
    weighted = rank_units([tally("大局", big), tally("小局", small)], (("推进率", 70), ("及时率", 30)))
    assert [r.name for r in weighted] == ["大局", "小局"] and weighted[0].score == 96.5


@pytest.mark.parametrize("weights", [(), (("推进率", 70), ("及时率", 30))])
def test_ranking_ties_on_both_rates_go_to_fewer_severe(weights):
    """Equal 推进率 and 及时率 (or weighted score): fewer 严重滞后 ranks higher, even where the
    name (乙 sorts before 甲) and the item count would list the other first."""
    from xatrack import score

    calm = score.Rates(total=4, green=2, timely=4, severe=0, missing=0)  # 2 正常, 2 滞后
    red = score.Rates(total=4, green=2, timely=4, severe=2, missing=0)  # 2 正常, 2 严重滞后
    ranked = score.rank([("乙局", red), ("甲局", calm)], weights)
    assert [(name, place) for name, _, place in ranked] == [("甲局", 1), ("乙局", 2)]
    bigger = score.Rates(total=8, green=4, timely=8, severe=4, missing=0)  # the same rates, more items
    ranked = score.rank([("乙局", bigger), ("甲局", calm)], weights)
    assert [(name, place) for name, _, place in ranked] == [("甲局", 1), ("乙局", 2)]


# --------------------------------------------------------------------------- one value reader


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        ("85公里", Metric("路", 110, "公里"), 85),
        ("８５", Metric("路", 110, "公里"), 85),
        ("1,200", Metric("投资", 80, "亿元"), 1200),
        ("5000万元", Metric("投资", 80, "亿元"), 0.5),
        ("120元", Metric("补贴", 500, "万元"), 0.012),  # 元 is part of the name 万元, not the same unit
        ("123元", Metric("补贴", 500, "万元"), 0.0123),  # exactly, without the division's binary noise
        ("1.2亿元", Metric("补贴", 500, "万元"), 12000),
        # issue 29: units of one family convert into each other
        ("5000亩", Metric("高标准农田", 2, "万亩"), 0.5),
        ("3.2万亩", Metric("油茶", 50000, "亩"), 32000),
        ("2.5万人", Metric("城镇新增就业", 30000, "人"), 25000),
        ("12345人", Metric("培训", 3, "万人"), 1.2345),
        ("3200米", Metric("路", 110, "公里"), 3.2),
        ("12千米", Metric("路", 110, "公里"), 12),
        ("12km", Metric("路", 110, "公里"), 12),
        ("1.5公里", Metric("绿道", 3000, "米"), 1500),
        ("13个", Metric("基站", 336, "个"), 13),
        ("-3.5", Metric("增速", 10, "%", kind="growth"), -3.5),
        ("-3.5%", Metric("增速", 10, "%", kind="growth"), -3.5),
        ("−2", Metric("水平", 42, "%", kind="level"), -2),
    ],
)
def test_value_reader_accepts(text, metric, value):
    from xatrack.values import read_value

    assert read_value(text, metric).value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "metric", "words"),
    [
        ("77%", Metric("新改建农村公路", 110, "公里"), '单位"%"与指标新改建农村公路的计量单位"公里"不符'),
        # issue 29: across families, never converted, both units named
        ("5000亩", Metric("新改建农村公路", 110, "公里"), '单位"亩"与指标新改建农村公路的计量单位"公里"不符;请按公里填写数字'),
        ("3万人", Metric("投资", 80, "亿元"), '单位"万人"与指标投资的计量单位"亿元"不符;请按亿元填写数字'),
        ("2平方公里", Metric("高标准农田", 2, "万亩"), '单位"平方公里"与指标高标准农田的计量单位"万亩"不符'),
        ("1.5万人", Metric("培训", 30000, "人次"), '单位"万人"与指标培训的计量单位"人次"不符'),
        ("1.5万个", Metric("基站", 336, "个"), '单位"万个"与指标基站的计量单位"个"不符'),
        ("2.5", Metric("研发机构", 1, "家"), "应为整数"),
        ("-3", Metric("基站", 336, "个"), "不能为负数"),
        ("约120", Metric("基站", 336, "个"), "不是数字"),
        ("nan", Metric("基站", 336, "个"), "不是有限的数字"),
    ],
)
def test_value_reader_refuses(text, metric, words):
    from xatrack.values import read_value

    with pytest.raises(InputError) as error:
        read_value(text, metric)
    assert words in error.value.message


def test_implausible_values_are_recorded_with_a_request_to_verify():
    from xatrack.values import read_value

    assert "请核实" in read_value("1200", Metric("基站", 336, "个")).warnings[0]
    assert "请核实" in read_value("150", Metric("增速", 7, "%", kind="growth")).warnings[0]
    assert read_value("336", Metric("基站", 336, "个")).warnings == ()


# --------------------------------------------------------------------------- the CLI, as the office uses it


def log(root: Path, quarter: int) -> list[dict]:
    path = root / "progress" / f"2025-Q{quarter}.yaml"
    if not path.exists():
        return []
    return [json.loads(line[2:]) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- {")]


def test_a_relative_target_reads_as_what_it_follows_everywhere(tracker, capsys, monkeypatch):
    """Issue 29: G7 follows G1. `list`, `overdue` and `show` say ≥G1 (with G1's figure once
    both are reported), never the placeholder target 0 ("—/0%", "目标≥0%")."""
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")  # after the Q2 deadline: unreported is 未报送, in overdue

    def line_of(args, item="G7"):
        code, out, err = run(capsys, *args)
        assert code == 0, err
        return next(line for line in out.splitlines() if line.split()[:1] == [item])

    assert "░░░░░░░░ —/≥G1 " in line_of(["list", "--quarter", "Q2"])
    assert "—/≥G1 " in line_of(["overdue", "--quarter", "Q2"])
    assert run(capsys, "update", "G1", "--done", "7.1", "--by", "fgj", "--quarter", "Q2")[0] == 0
    assert run(capsys, "update", "G7", "--done", "6.5", "--by", "fgj", "--quarter", "Q2")[0] == 0
    assert "6.5%(目标≥G1 7.1%)" in line_of(["list", "--quarter", "Q2"])
    code, out, err = run(capsys, "list", "--quarter", "Q2")
    assert "≥0%" not in out and "—/0%" not in out
    code, out, err = run(capsys, "show", "G7")
    row = next(line for line in out.splitlines() if line.split()[:2] == ["1", "城乡常住居民人均可支配收入增长"])
    assert row.split()[3] == "≥G1" and "7.1/6.5" in row


IDS = {"地区生产总值": "G1", "新改建农村公路": "57", "创建省级新型研发机构": "23", "新建5G基站": "32"}


def show_json(capsys, search: str, quarter: str = "Q3") -> dict:
    """The `list --format json` row of the item found by ``search``."""
    code, out, err = run(capsys, "list", "--search", search, "-q", quarter, "--format", "json")
    assert code == 0, err
    return next(row for row in json.loads(out) if row["id"] == IDS[search])


def test_cli_town_update_and_sheet_do_not_replace_the_lead_units_figure(tracker, capsys, monkeypatch):
    from test_sheet import fill

    monkeypatch.setenv("XATRACK_NOW", "2025-10-03T10:00:00+08:00")
    assert run(capsys, "update", "57", "-m", "1", "--done", "85", "--by", "交通局")[0] == 0
    assert run(capsys, "update", "G1", "--done", "7.1", "--by", "fgj")[0] == 0
    assert [r["by"] for r in log(tracker, 3)] == ["区交通运输局", "区发改局"]  # stored canonical
    code, out, err = run(capsys, "update", "57", "-m", "1", "--done", "8", "--by", "桂花镇")
    assert code == 0 and "分项报送" in out
    code, out, err = run(capsys, "sheet", "--unit", "桂花镇", "--all-roles", "-q", "Q3", "-o", "桂花镇.xlsx")
    assert code == 0, err
    filled = tracker / "桂花镇-filled.xlsx"
    fill(tracker / "桂花镇.xlsx", filled, {("G1", "地区生产总值增速"): {"本季度累计完成": 5.5}})
    code, out, err = run(capsys, "ingest", str(filled))
    assert code == 0, err
    g1 = show_json(capsys, "地区生产总值")
    assert g1["metrics"][0]["value"] == 7.1
    road = show_json(capsys, "新改建农村公路")
    assert road["metrics"][0]["value"] == 85
    # The town's next sheet shows what it reported itself as 上次报送, not the district's 85.
    from xatrack.store import Tracker
    from xatrack.sheet import sheet_rows

    t = Tracker(tracker)
    plan, d = reading.plan(t), reading.directory(t)
    entries, _ = reading.entries(t, 2025)
    rows = sheet_rows(plan, d, entries, d.unit_query("桂花镇"), Q4, all_roles=True)
    last = {(r.item.id, r.metric.name if r.metric else None): r.last_shown for r in rows}
    assert last[("57", "新改建农村公路")] == 8 and last[("G1", "地区生产总值增速")] == 5.5
    code, out, err = run(capsys, "show", "57")
    assert "分项报送" in out and "桂花镇" in out


def test_cli_defaults_to_the_quarter_being_reported(tracker, capsys, monkeypatch):
    monkeypatch.delenv("XATRACK_TODAY")
    monkeypatch.setenv("XATRACK_NOW", "2025-07-03T09:00:00+08:00")
    code, out, err = run(capsys, "update", "32", "--done", "125", "--note", "督查室核实更正")
    assert code == 0 and "2025年第二季度" in out
    [record] = log(tracker, 2)
    assert record["date"] == "2025-06-30" and record["at"].startswith("2025-07-03T09:00:00")
    assert not (tracker / "progress" / "2025-Q3.yaml").exists()
    monkeypatch.setenv("XATRACK_NOW", "2025-10-09T09:00:00+08:00")
    code, out, err = run(capsys, "sheet", "--all", "-o", "out/")
    assert code == 0, err
    assert all(p.name.endswith("2025Q3.xlsx") for p in (tracker / "out").iterdir())
    code, out, err = run(capsys, "report", "--format", "md")
    assert code == 0 and out.startswith("# 2025年第三季度")
    monkeypatch.setenv("XATRACK_NOW", "不是时间")
    code, out, err = run(capsys, "list")
    assert code == 2 and "XATRACK_NOW" in err


def test_cli_declines_units_and_whole_numbers(tracker, capsys, monkeypatch):
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    for args in (["G6", "--done", "-3.5"], ["G6", "--done=-3.5"]):
        code, out, err = run(capsys, "update", *args, "--by", "区商务局")
        assert code == 0, err
    assert [r["value"] for r in log(tracker, 2)] == [-3.5, -3.5]
    before = (tracker / "progress" / "2025-Q2.yaml").read_bytes()
    code, out, err = run(capsys, "update", "57", "-m", "1", "--done", "77%")
    assert code == 2 and "公里" in err and "%" in err
    code, out, err = run(capsys, "update", "23", "-m", "1", "--done", "2.5")
    assert code == 2 and "整数" in err
    assert (tracker / "progress" / "2025-Q2.yaml").read_bytes() == before
    code, out, err = run(capsys, "update", "57", "-m", "1", "--done", "85公里", "--by", "交通局")
    assert code == 0, err
    code, out, err = run(capsys, "update", "32", "--done", "1200", "--by", "区科经局")
    assert code == 0 and "请核实" in err
    assert show_json(capsys, "创建省级新型研发机构", "Q2")["status"] == PENDING  # not red, and on 7-05 not yet due
    run(capsys, "update", "23", "-m", "1", "--done", "0", "--by", "区科经局")
    assert show_json(capsys, "创建省级新型研发机构", "Q2")["status"] != SEVERE


def test_cli_negative_figure_in_a_sheet(tracker, capsys, monkeypatch):
    from test_sheet import fill

    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    assert run(capsys, "sheet", "--unit", "区商务局", "-q", "Q2", "-o", "s.xlsx")[0] == 0
    fill(tracker / "s.xlsx", tracker / "f.xlsx", {("G6", "进出口总额增速"): {"本季度累计完成": -3.5}})
    code, out, err = run(capsys, "ingest", "f.xlsx")
    assert code == 0, err
    assert log(tracker, 2)[0]["value"] == -3.5
    from openpyxl import load_workbook

    ws = load_workbook(tracker / "s.xlsx").worksheets[0]
    kinds = {(v.type, v.operator) for v in ws.data_validations.dataValidation}
    assert ("decimal", "between") in kinds  # growth rows may go below 0


def test_cli_reminder_list_names_missing_metrics(tracker, capsys, monkeypatch):
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    run(capsys, "update", "16", "-m", "金龙", "--done", "1", "--by", "区科经局")
    monkeypatch.setenv("XATRACK_NOW", "2025-07-12T10:00:00+08:00")  # after the deadline: what is missing is owed
    code, out, err = run(capsys, "report", "-q", "Q2", "--format", "md")
    line = next(l for l in out.splitlines() if l.startswith("| 区科经局 |"))
    assert "16\uff08缺\uff1a玉龙企业;潜龙企业" in line
    code, out, err = run(capsys, "overdue", "-q", "Q2", "--format", "json")
    sixteen = next(row for row in json.loads(out) if row["id"] == "16")
    assert "潜龙企业未报送" in sixteen["reason"]


def test_cli_publish_late_report_and_as_of(tracker, capsys, monkeypatch):
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    run(capsys, "update", "32", "--done", "120", "--by", "区科经局")
    monkeypatch.setenv("XATRACK_NOW", "2025-07-20T15:00:00+08:00")
    code, out, err = run(capsys, "report", "-q", "Q2", "--publish", "--format", "md")
    assert code == 0 and "已发布" in err
    published = tracker / "bulletins" / "2025-Q2.json"
    kept = published.read_bytes()
    data = json.loads(kept)
    assert data["states"]["32"] == SEVERE and data["published_at"].startswith("2025-07-20T15:00:00")
    code, out, err = run(capsys, "report", "-q", "Q2", "--publish")
    assert code == 2 and "--force" in err and published.read_bytes() == kept

    # October: a late Q2 sheet and a late Q2 figure arrive.
    from test_sheet import fill

    monkeypatch.setenv("XATRACK_NOW", "2025-10-08T08:00:00+08:00")
    assert run(capsys, "sheet", "--unit", "区商务局", "-q", "Q2", "-o", "商务局.xlsx")[0] == 0
    fill(tracker / "商务局.xlsx", tracker / "商务局-回.xlsx", {("G6", "进出口总额增速"): {"本季度累计完成": 11}})
    code, out, err = run(capsys, "ingest", "商务局-回.xlsx")
    assert code == 0, err
    assert published.read_bytes() == kept
    g6 = json.loads(run(capsys, "overdue", "-q", "Q2", "--format", "json")[1] or "[]")
    assert all(row["id"] != "G6" for row in g6)  # 11% against 10%: on pace now
    code, out, err = run(capsys, "list", "--search", "进出口", "-q", "Q2", "--format", "json")
    g6 = next(row for row in json.loads(out) if row["id"] == "G6")
    assert g6["late"] is True and g6["status"] == ON_TRACK
    monkeypatch.setenv("XATRACK_NOW", "2025-10-08T09:00:00+08:00")
    code, out, err = run(capsys, "update", "32", "--done", "170", "-q", "Q2", "--by", "区科经局")
    # 区科经局 first reported 32 on 7-05, on time: the October figure corrects it (逾期更正), it is not late (issue 24)
    assert code == 0 and "逾期更正" in out and "逾期报送" not in out
    assert published.read_bytes() == kept  # the circulated bulletin is unchanged
    row = show_json(capsys, "新建5G基站", "Q2")
    assert row["late"] is False and row["metrics"][0]["late"] is True and row["status"] == ON_TRACK
    code, out, err = run(capsys, "report", "-q", "Q2", "--format", "md")
    assert "已于 2025-07-20 15:00 发布" in out and "逾期报送" in out and "G6" in out

    # --as-of the publication time reproduces it exactly.
    from xatrack import bulletin
    from xatrack.queries import Filters, Selector
    from xatrack.report import build_report
    from xatrack.store import Tracker

    t = Tracker(tracker)
    plan, d = reading.plan(t), reading.directory(t)
    entries, _ = reading.entries(t, 2025)
    moment = datetime.fromisoformat(data["published_at"])
    again = build_report(plan, d, bulletin.recorded_by(entries, moment), Q2, Selector(plan, d, Filters()),
                         as_of=moment, roles=Roles(d))
    assert bulletin.comparable(bulletin.record(again, moment)) == bulletin.comparable(data)
    code, out, err = run(capsys, "report", "-q", "Q2", "--as-of", data["published_at"], "--format", "md")
    assert code == 0 and "| 32 |" in out and "2025-07-20 15:00" in out
    # Q3 compares with what was published, and says so.
    code, out, err = run(capsys, "report", "-q", "Q3", "--format", "md")
    assert "依据 2025-07-20 15:00 发布的通报" in out
    # Republishing keeps the earlier file beside the new one.
    code, out, err = run(capsys, "report", "-q", "Q2", "--publish", "--force")
    assert code == 0 and len(list((tracker / "bulletins").glob("2025-Q2*.json"))) == 2
    assert run(capsys, "check")[0] == 0


def test_cli_retract_and_report_again(tracker, capsys, monkeypatch):
    clock = iter(f"2025-07-05T10:0{n}:00+08:00" for n in range(10))
    monkeypatch.setenv("XATRACK_NOW", next(clock))
    run(capsys, "update", "32", "--done", "120", "--by", "区科经局")
    monkeypatch.setenv("XATRACK_NOW", next(clock))
    run(capsys, "update", "32", "--done", "12", "--by", "区科经局")  # a typo
    monkeypatch.setenv("XATRACK_NOW", next(clock))
    code, out, err = run(capsys, "retract", "32", "--by", "kjj", "--note", "多输了一位")
    assert code == 0 and "已撤回" in out and "12" in out
    assert show_json(capsys, "新建5G基站", "Q2")["metrics"][0]["value"] == 120
    code, out, err = run(capsys, "show", "32")
    assert "已撤回(测试员 代 区科经局撤回" in out  # the actor (XATRACK_USER) apart from the unit
    monkeypatch.setenv("XATRACK_NOW", next(clock))
    run(capsys, "retract", "32", "--by", "区科经局")
    assert show_json(capsys, "新建5G基站", "Q2")["status"] == PENDING  # withdrawn, and on 7-05 not yet due
    before = (tracker / "progress" / "2025-Q2.yaml").read_bytes()
    code, out, err = run(capsys, "retract", "32", "--by", "区科经局")
    assert code == 2 and "没有" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "retract", "32", "--by", "区发改局")
    assert code == 2
    assert (tracker / "progress" / "2025-Q2.yaml").read_bytes() == before
    monkeypatch.setenv("XATRACK_NOW", next(clock))
    run(capsys, "update", "32", "--done", "121", "--by", "区科经局")
    assert show_json(capsys, "新建5G基站", "Q2")["metrics"][0]["value"] == 121
    assert run(capsys, "check")[0] == 0


def test_check_names_retractions_of_nothing(tracker, capsys):
    (tracker / "progress").mkdir()
    (tracker / "progress" / "2025-Q2.yaml").write_text(
        '- {"id": 32, "retracts": "0123456789ab", "date": "2025-06-20", "by": "区科经局"}\n', encoding="utf-8"
    )
    code, out, err = run(capsys, "check")
    assert code == 1 and "2025-Q2.yaml:1" in out and "不存在" in out


def git(cwd: Path, *args: str) -> str:
    from git_helpers import git as run_git, ok

    return ok(run_git(cwd, *args))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_merge_of_a_retraction_and_a_new_report(tracker, capsys, monkeypatch, tmp_path):
    from xatrack.setup import init_tracker

    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    hub = tmp_path / "hub.git"
    git(tmp_path, "init", "--bare", "-q", str(hub))
    a = tmp_path / "a"
    init_tracker(a, None)
    git(a, "init", "-q")
    monkeypatch.chdir(a)
    run(capsys, "update", "32", "--done", "12", "--by", "区科经局")
    git(a, "add", "-A")
    git(a, "commit", "-qm", "一")
    git(a, "remote", "add", "origin", str(hub))
    git(a, "push", "-q", "origin", "main")
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(hub), str(b))
    # A withdraws its typo; B (the office) meanwhile records 33's figure.
    run(capsys, "retract", "32", "--by", "区科经局")
    git(a, "commit", "-qam", "撤回")
    git(a, "push", "-q", "origin", "main")
    monkeypatch.chdir(b)
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:01+08:00")
    run(capsys, "update", "32", "--done", "120", "--by", "区科经局")
    git(b, "commit", "-qam", "报送")
    git(b, "pull", "-q", "--no-rebase", "origin", "main")
    assert run(capsys, "check")[0] == 0
    assert show_json(capsys, "新建5G基站", "Q2")["metrics"][0]["value"] == 120


def test_cli_a_unit_reporting_an_item_it_is_not_on_is_warned(tracker, capsys, monkeypatch):
    """Task 32 (5G基站) is led by 区科经局 with the telecom companies; 区交通运输局
    is not on it. Its report is a slip of the item number more often than not:
    recorded on the lead's behalf (it sets the figure), with a warning saying so
    and how to take it back. Units on the item, directly or through a group, and
    people (the office's own reporter) are not warned."""
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    code, out, err = run(capsys, "update", "32", "--done", "170", "--by", "交通局")
    assert code == 0, err
    assert "区交通运输局 不是任务 32 的牵头单位或责任单位" in err and "xatrack retract 32 --by 区交通运输局" in err
    assert log(tracker, 2)[-1]["by"] == "区交通运输局"
    for args in (("32", "--done", "171", "--by", "kjj"),  # the lead unit
                 ("32", "--done", "172", "--by", "区电信公司"),  # a responsible unit: 分项报送
                 ("57", "-m", "1", "--done", "8", "--by", "桂花镇"),  # through 各乡镇办场
                 ("32", "--done", "173")):  # the office's reporter (测试员), not a unit
        code, out, err = run(capsys, "update", *args)
        assert code == 0 and "不是任务" not in err, (args, err)


def test_cli_a_correction_at_the_same_pinned_instant_is_the_newer(tracker, capsys, monkeypatch):
    """Replaying a quarter with $XATRACK_NOW pinned, 区科经局 reports task 32 as
    130 and corrects it to 120 at the same instant, then its sheet corrects it to
    125, again at that instant: each correction is the figure (the newest entry is
    chosen by the recorded time, and the content used to break the tie: 130 won).
    A report entered with a time more than a second back keeps it and stays older."""
    from test_sheet import fill

    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    assert run(capsys, "update", "32", "--done", "130", "--by", "kjj")[0] == 0
    code, out, err = run(capsys, "update", "32", "--done", "120", "--by", "kjj")
    assert code == 0 and "进度 120/168" in out, out
    assert show_json(capsys, "新建5G基站", "Q2")["metrics"][0]["value"] == 120
    assert run(capsys, "sheet", "--unit", "区科经局", "-o", "kjj.xlsx")[0] == 0
    fill(tracker / "kjj.xlsx", tracker / "kjj-filled.xlsx", {("32", "新建5G基站"): {"本季度累计完成": 125}})
    assert run(capsys, "ingest", "kjj-filled.xlsx")[0] == 0
    assert show_json(capsys, "新建5G基站", "Q2")["metrics"][0]["value"] == 125
    assert [r["at"] for r in log(tracker, 2)] == [
        "2025-07-05T10:00:00+08:00", "2025-07-05T10:00:00.000001+08:00", "2025-07-05T10:00:00.000002+08:00"]
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T09:00:00+08:00")  # an hour back: kept, and older
    assert run(capsys, "update", "32", "--done", "110", "--by", "kjj")[0] == 0
    assert log(tracker, 2)[-1]["at"] == "2025-07-05T09:00:00+08:00"
    assert show_json(capsys, "新建5G基站", "Q2")["metrics"][0]["value"] == 125


def test_recorded_after_follows_the_last_sound_line_of_the_tail():
    from xatrack.logline import recorded_after, record_line

    tail = (record_line({"id": 1, "value": 1, "at": "2025-07-05T10:00:00.5+08:00"}) + "# 注释\n").encode("utf-8")
    records = [{"id": 2, "at": "2025-07-05T10:00:00+08:00"}, {"id": 3, "at": "2025-07-05T10:00:00+08:00"},
               {"id": 4, "at": "2025-07-05T10:00:02+08:00"}, {"id": 5}]
    recorded_after(records, tail)
    assert [r.get("at") for r in records] == [
        "2025-07-05T10:00:00.500001+08:00", "2025-07-05T10:00:00.500002+08:00", "2025-07-05T10:00:02+08:00", None]
    naive = [{"id": 6, "at": "2025-07-05T10:00:00"}]
    recorded_after(naive, tail)
    assert naive[0]["at"] == "2025-07-05T10:00:00"  # written as given: no offset to compare with
    early = [{"id": 7, "at": "2025-07-05T10:00:00+08:00"}]
    recorded_after(early, b"- {\"id\": 1, \"at\": \"bad\"}\n")
    assert early[0]["at"] == "2025-07-05T10:00:00+08:00"
