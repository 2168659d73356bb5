"""Credit and blame, each unit for its own (issue 24), and the time rules of
evaluation (issue 25): a small plan of the tests' own, judged by the library.

Each rule here failed before the change that made it: a co-lead's report set
the 及时率 of every co-lead, the office's figure counted as the unit's report,
a late correction made the first report late, a unit outside the item replaced
its figure, and nothing was 待报送 before the deadline.
"""

from __future__ import annotations

import json

from datetime import date, datetime, timedelta, timezone

import pytest

from xatrack.directory import parse_directory
from xatrack.evaluate import OFFICE_FIGURE, UNFINISHED, evaluate
from xatrack.model import (
    BEHIND,
    DONE,
    MISSING,
    ON_TRACK,
    PENDING,
    SEVERE,
    TASK,
    UNIT_LATE,
    UNIT_MISSING,
    UNIT_ON_TIME,
    UNIT_PENDING,
    Entry,
    Item,
    Metric,
    Plan,
    PlanInfo,
    Quarter,
    Settings,
)
from xatrack.report import build_report
from xatrack.roles import Roles

Y = 2025
Q1, Q2, Q3, Q4 = (Quarter(Y, q) for q in range(1, 5))
CN = timezone(timedelta(hours=8))

DIRECTORY = """
units:
  - {name: 甲局, aliases: [甲局办]}
  - {name: 乙局}
  - {name: 丙局}
  - {name: 东镇}
  - {name: 西镇}
  - {name: 督查室}
groups:
  - {name: 各镇, members: [东镇, 西镇]}
"""

ROADS = Metric("新建公路", 100, unit="公里")
# 1: co-led by 甲局 (first, 汇总单位) and 乙局, towns responsible.
CO_LED = Item(id="1", kind=TASK, text="新建公路100公里", lead=("甲局", "乙局"), units=("各镇",), metrics=(ROADS,))
# 2: led by 丙局 alone, a status item.
ALONE = Item(id="2", kind=TASK, text="完成规划编制", lead=("丙局",))
# 3: led by 乙局, due at the end of Q2 (6月底前).
EARLY = Item(id="3", kind=TASK, text="6月底前建成10个站点", lead=("乙局",), due=2,
             metrics=(Metric("站点", 10, unit="个"),))


def plan(*items, **settings) -> Plan:
    items = items or (CO_LED, ALONE, EARLY)
    return Plan(info=PlanInfo(year=Y), tasks=tuple(items), settings=Settings(**settings))


@pytest.fixture(scope="module")
def roles():
    directory, problems = parse_directory(DIRECTORY)
    assert problems == []
    return Roles(directory)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=CN)


def e(item, quarter, by, value=None, when="2025-07-05", status=None, metric=None, seq=0) -> Entry:
    return Entry(item=str(item), quarter=quarter, date=quarter.end, metric=metric, value=value,
                 status=status, by=by, at=at(when), seq=seq)


def status_of(statuses, item_id):
    return next(s for s in statuses if s.item.id == item_id)


def judged(entries, quarter=Q2, roles=None, as_of=None, items=None):
    p = plan(*(items or ()))
    return p, evaluate(p, entries, quarter, roles=roles, as_of=as_of)


# ---------------------------------------------------------------- co-leads


def test_a_co_lead_that_sent_nothing_is_not_reported_whatever_its_co_lead_did(roles):
    _, statuses = judged([e(1, Q2, "甲局", 50)], roles=roles)
    st = status_of(statuses, "1")
    assert st.state == ON_TRACK  # the item's figure is 甲局's 50 of 50
    assert [(u.unit, u.state) for u in st.units] == [("甲局", UNIT_ON_TIME), ("乙局", UNIT_MISSING)]
    assert st.state_for("甲局") == ON_TRACK and st.state_for("乙局") == MISSING
    assert st.owes_report and st.owed_by("乙局") and not st.owed_by("甲局")


def test_the_late_co_lead_alone_is_late(roles):
    entries = [e(1, Q2, "甲局", 50, when="2025-07-05"), e(1, Q2, "乙局", 50, when="2025-07-15")]
    _, statuses = judged(entries, roles=roles)
    st = status_of(statuses, "1")
    assert [(u.unit, u.state) for u in st.units] == [("甲局", UNIT_ON_TIME), ("乙局", UNIT_LATE)]


def test_a_co_lead_that_never_reported_gets_no_credit_in_the_ranking(roles):
    p = plan()
    report = build_report(p, roles.directory, [e(1, Q2, "甲局", 50), e(3, Q2, "乙局", 10)], Q2, roles=roles)
    rows = {row.name: row for row in report.units}
    # 乙局 leads 1 (not reported by it) and 3 (reported, done): 推进率 1/2, 及时率 1/2.
    assert (rows["乙局"].green, rows["乙局"].timely, rows["乙局"].count(MISSING)) == (1, 1, 1)
    # 甲局 reported its one item on time: 1/1.
    assert (rows["甲局"].green, rows["甲局"].timely) == (1, 1)
    assert [r.rank for r in report.units if r.name == "甲局"] == [1]
    reminders = {r.unit: r.ids for r in report.reminders}
    assert reminders == {"乙局": ("1",), "丙局": ("2",)}  # never 甲局, which reported


def test_the_first_listed_lead_gives_the_figure_and_disagreement_is_a_query(roles):
    # 乙局 reports later with another figure: the 汇总单位's figure stands, and it is a 请核实.
    entries = [e(1, Q2, "甲局", 65, when="2025-07-03"), e(1, Q2, "乙局", 60, when="2025-07-04")]
    p, statuses = judged(entries, roles=roles)
    st = status_of(statuses, "1")
    assert st.metrics[0].value == 65 and st.figure_note == ""
    assert st.disagreements == (("新建公路", (("甲局", 65.0), ("乙局", 60.0))),)
    report = build_report(p, roles.directory, entries, Q2, roles=roles)
    assert [(q.item_id, q.kind) for q in report.queries] == [("1", "牵头单位报送不一致")]
    assert "甲局 65、乙局 60" in report.queries[0].text


def test_without_the_first_lead_a_co_leads_figure_stands_marked(roles):
    _, statuses = judged([e(1, Q2, "乙局", 45)], roles=roles)
    st = status_of(statuses, "1")
    assert st.metrics[0].value == 45 and st.state == BEHIND
    assert st.figure_note == "汇总单位未报送,采用乙局报送的数字"
    assert st.owed_by("甲局") and not st.owed_by("乙局")


# ---------------------------------------------------------------- the office


def test_office_figures_verify_the_item_but_the_unit_still_owes(roles):
    p = plan()
    entries = [e(2, Q2, "督查室", status="推进中")]
    report = build_report(p, roles.directory, entries, Q2, roles=roles)
    st = status_of(report.statuses, "2")
    assert st.state == ON_TRACK and st.figure_note == OFFICE_FIGURE
    assert st.unit_report("丙局").state == UNIT_MISSING
    reminder = next(r for r in report.reminders if r.unit == "丙局")
    assert reminder.ids == ("2",) and reminder.verified == ("2",)
    row = next(r for r in report.units if r.name == "丙局")
    assert row.timely == 0 and row.count(MISSING) == 1


def test_settings_office_names_the_office(roles):
    p = plan(office=("丁办",))
    statuses = evaluate(p, [e(2, Q2, "丁办", status="推进中")], Q2, roles=roles)
    assert status_of(statuses, "2").figure_note == OFFICE_FIGURE


# ---------------------------------------------------------------- corrections


def test_a_late_correction_of_an_on_time_report_is_not_late(roles):
    entries = [e(2, Q2, "丙局", status="推进中", when="2025-07-07"), e(2, Q2, "丙局", status="已完成", when="2025-07-14")]
    p, statuses = judged(entries, roles=roles)
    st = status_of(statuses, "2")
    report = st.unit_report("丙局")
    assert report.state == UNIT_ON_TIME and report.corrected_late == ("状态",)
    assert not st.late and st.state == DONE
    bulletin = build_report(p, roles.directory, entries, Q2, roles=roles)
    assert bulletin.late == () and [(u.unit, u.ids) for u in bulletin.corrected] == [("丙局", ("2",))]
    assert next(r for r in bulletin.units if r.name == "丙局").timely == 1


def test_a_first_report_after_the_deadline_is_late(roles):
    _, statuses = judged([e(2, Q2, "丙局", status="推进中", when="2025-07-11")], roles=roles)
    assert status_of(statuses, "2").unit_report("丙局").state == UNIT_LATE


def test_the_deadline_day_itself_is_on_time(roles):
    _, statuses = judged([e(2, Q2, "丙局", status="推进中", when="2025-07-10")], roles=roles)
    assert status_of(statuses, "2").unit_report("丙局").state == UNIT_ON_TIME


# ---------------------------------------------------------------- units outside an item


def test_a_unit_outside_the_item_never_replaces_its_figure(roles):
    entries = [e(1, Q2, "甲局", 50, when="2025-07-03"), e(1, Q2, "丙局", 5, when="2025-07-04")]
    p, statuses = judged(entries, roles=roles)
    st = status_of(statuses, "1")
    assert st.metrics[0].value == 50 and st.state == ON_TRACK
    assert [x.by for x in st.outside] == ["丙局"]
    report = build_report(p, roles.directory, entries, Q2, roles=roles)
    assert [(q.item_id, q.kind) for q in report.queries] == [("1", "非本事项单位报送")]
    assert report.queries[0].text.startswith("丙局 报送 5")


def test_a_town_responsible_for_the_item_is_a_contribution_not_outside(roles):
    _, statuses = judged([e(1, Q2, "东镇", 8)], roles=roles)
    st = status_of(statuses, "1")
    assert st.outside == () and [x.by for x in st.contributions] == ["东镇"]
    assert st.state == MISSING


def test_an_alias_of_the_lead_is_the_lead(roles):
    _, statuses = judged([e(1, Q2, "甲局办", 50)], roles=roles)
    assert status_of(statuses, "1").unit_report("甲局").state == UNIT_ON_TIME


# ---------------------------------------------------------------- time


def test_before_the_deadline_nothing_is_missing(roles):
    mid = datetime(2025, 8, 22, 10, tzinfo=CN)
    p, statuses = judged([], quarter=Q3, roles=roles, as_of=mid)
    assert [s.state for s in statuses] == [PENDING, PENDING, SEVERE]  # 3 was due in Q2: past due is past due
    assert all(u.state == UNIT_PENDING for s in statuses for u in s.units)
    assert not any(s.owes_report for s in statuses)
    report = build_report(p, roles.directory, [], Q3, roles=roles, as_of=mid)
    assert report.reminders == () and report.pending == (date(2025, 10, 10), ("1", "2"))
    assert report.overall.pending == 2 and report.overall.rates.total == 1


def test_after_the_deadline_unreported_is_missing(roles):
    after = datetime(2025, 10, 11, 0, 30, tzinfo=CN)
    _, statuses = judged([], quarter=Q3, roles=roles, as_of=after)
    assert status_of(statuses, "1").state == MISSING
    assert status_of(statuses, "3").state == SEVERE  # due in Q2 and never done


def test_a_report_before_the_deadline_is_judged_and_the_rest_still_to_come(roles):
    mid = datetime(2025, 10, 3, 10, tzinfo=CN)
    _, statuses = judged([e(1, Q3, "甲局", 75, when="2025-10-02")], quarter=Q3, roles=roles, as_of=mid)
    st = status_of(statuses, "1")
    assert st.state == ON_TRACK
    assert [(u.unit, u.state) for u in st.units] == [("甲局", UNIT_ON_TIME), ("乙局", UNIT_PENDING)]


def test_at_the_due_quarter_short_of_target_is_unfinished(roles):
    _, statuses = judged([e(3, Q2, "乙局", 9)], roles=roles)
    st = status_of(statuses, "3")
    assert st.state == SEVERE and st.unfinished and st.label == UNFINISHED
    assert st.reason.startswith("已到完成时限(Q2)仍未完成")


def test_year_end_status_item_still_in_progress_is_unfinished(roles):
    _, statuses = judged([e(2, Q4, "丙局", status="推进中", when="2026-01-05")], quarter=Q4, roles=roles)
    st = status_of(statuses, "2")
    assert st.state == SEVERE and st.label == UNFINISHED


def test_year_end_cumulative_within_tolerance_is_still_unfinished(roles):
    _, statuses = judged([e(1, Q4, "甲局", 99, when="2026-01-05"), e(1, Q4, "乙局", 99, when="2026-01-05")],
                         quarter=Q4, roles=roles)
    st = status_of(statuses, "1")
    assert st.state == SEVERE and st.unfinished
    assert status_of(judged([e(1, Q3, "甲局", 74)], quarter=Q3, roles=roles)[1], "1").state == BEHIND


def test_a_done_claim_with_a_short_figure_is_a_query(roles):
    entries = [e(1, Q2, "甲局", 10, status="已完成"), e(1, Q2, "乙局", 10)]
    p, statuses = judged(entries, roles=roles)
    st = status_of(statuses, "1")
    assert st.state == SEVERE and st.claim == "报送已完成,但新建公路 10/100公里未达目标"
    report = build_report(p, roles.directory, entries, Q2, roles=roles)
    assert [(q.item_id, q.kind) for q in report.queries] == [("1", "完成状态与数字不符")]


# ---------------------------------------------------------------- baselines in tasks.yaml


BASELINE_PLAN = """plan: {title: 测试方案, year: 2025}
targets: []
tasks:
  - id: 7
    text: 森林覆盖率由40%提高到42%。
    lead: [甲局]
    metrics:
      - {name: 森林覆盖率, target: 42, unit: '%', kind: level, op: '>=', baseline: 40}
  - id: 8
    text: 金龙企业突破8家。
    lead: [乙局]
    metrics:
      - {name: 金龙企业, target: 8, unit: 家, kind: cumulative, baseline: 6, note: 存量指标}
"""


def test_baseline_is_read_and_written_back():
    from xatrack.registry import dump_plan, parse_registry

    plan_, problems = parse_registry(BASELINE_PLAN, "tasks.yaml")
    assert [p for p in problems if p.severity == "error"] == []
    assert [m.baseline for i in plan_.tasks for m in i.metrics] == [40, 6]
    again, _ = parse_registry(dump_plan(plan_), "tasks.yaml")
    assert [m.baseline for i in again.tasks for m in i.metrics] == [40, 6]


def test_a_baseline_that_is_not_a_number_is_an_error_with_its_line():
    from xatrack.registry import parse_registry

    _, problems = parse_registry(BASELINE_PLAN.replace("baseline: 40", "baseline: 四十"), "tasks.yaml")
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and "baseline(基期值)应为数值" in errors[0].message and errors[0].line == 8


def test_the_bulletin_lists_goals_unlikely_to_be_met(roles):
    p = plan()
    report = build_report(p, roles.directory, [e(1, Q2, "甲局", 30), e(1, Q2, "乙局", 30)], Q2, roles=roles)
    assert [(f.item_id, f.metric, f.projected) for f in report.forecast] == [("1", "新建公路", 60)]
    assert build_report(p, roles.directory, [e(1, Q2, "甲局", 45)], Q2, roles=roles).forecast == ()


def test_settings_office_is_read_and_kept():
    from xatrack.registry import dump_plan, parse_registry

    text = BASELINE_PLAN.replace("targets: []", "settings:\n  office: [县督查室, 县政府督查室]\ntargets: []")
    plan_, problems = parse_registry(text, "tasks.yaml")
    assert [p for p in problems if p.severity == "error"] == [] and plan_.settings.office == ("县督查室", "县政府督查室")
    assert parse_registry(dump_plan(plan_), "tasks.yaml")[0].settings.office == ("县督查室", "县政府督查室")
    _, problems = parse_registry(text.replace("[县督查室, 县政府督查室]", "3"), "tasks.yaml")
    assert [p.message for p in problems if p.severity == "error"] == ["settings.office 应为督查室的名称或名称列表,如 [督查室, 区政府督查室],实为 3"]


# ---------------------------------------------------------------- through the command line, on a plan of our own

OWN_PLAN = """plan: {title: 测试方案, year: 2025}
targets: []
tasks:
  - id: 1
    text: 新建公路100公里。
    leaders: [张三]
    lead: [甲局, 乙局]
    units: [各镇]
    metrics:
      - {name: 新建公路, target: 100, unit: 公里, kind: cumulative}
  - id: 2
    text: 完成规划编制。
    leaders: [李四]
    lead: [丙局]
"""


@pytest.fixture()
def own(tmp_path, monkeypatch):
    root = tmp_path / "tracker"
    (root / "progress").mkdir(parents=True)
    (root / "tasks.yaml").write_text(OWN_PLAN, encoding="utf-8")
    (root / "units.yaml").write_text(DIRECTORY, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("XATRACK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("XATRACK_ROOT", raising=False)
    monkeypatch.delenv("XATRACK_TODAY", raising=False)
    monkeypatch.setenv("XATRACK_USER", "测试员")
    monkeypatch.setenv("COLUMNS", "160")
    return root


def cli(capsys, monkeypatch, now: str, *args):
    from cli_helpers import run

    monkeypatch.setenv("XATRACK_NOW", now)
    return run(capsys, *args)


def test_overdue_and_remind_before_the_deadline_chase_nothing(own, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "2025-08-22T10:00:00+08:00", "overdue")
    assert code == 0
    assert "2025年第三季度报送截止日为 2025-10-10,尚未到期:2 项待报送,不计未报送,不催办" in err
    assert "没有滞后或未报送的事项" in out
    code, out, err = cli(capsys, monkeypatch, "2025-08-22T10:00:00+08:00", "remind")
    assert code == 0 and "不催办" in err and "没有需要催办的事项" in out
    # The day after the deadline the same quarter is 未报送 (the index, built before, is not used).
    for _ in range(2):
        cli(capsys, monkeypatch, "2025-10-10T23:00:00+08:00", "list", "-q", "Q3")
    code, out, _ = cli(capsys, monkeypatch, "2025-10-10T23:00:00+08:00", "list", "-q", "Q3")
    assert "待报送 2" in out and "未报送 0" in out
    code, out, _ = cli(capsys, monkeypatch, "2025-10-11T00:30:00+08:00", "list", "-q", "Q3")
    assert "未报送 2" in out and "待报送" not in out


def test_explain_adds_up_a_units_items(own, capsys, monkeypatch):
    cli(capsys, monkeypatch, "2025-07-03T10:00:00+08:00", "update", "1", "--done", "50", "--by", "甲局", "-q", "Q2")
    cli(capsys, monkeypatch, "2025-07-14T10:00:00+08:00", "update", "1", "--done", "55", "--by", "甲局", "-q", "Q2")
    code, out, _ = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "report", "-q", "Q2", "--explain", "乙局")
    assert code == 0
    assert "| 1 | 新建公路100公里。 | 未报送 | 正常 | 否(未报送) | 否 |" in out
    assert "推进率 0/1 = 0%" in out and "及时率 0/1 = 0%" in out
    code, out, _ = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "report", "-q", "Q2", "--explain", "甲局")
    assert "| 1 | 新建公路100公里。 | 按时报送 | 正常 | 是(正常) | 是 |" in out and "名次:第 1 名(共 3 个牵头单位)" in out
    code, out, _ = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "show", "1")
    flat = "".join(out.split())  # the table wraps: compare without spaces and line breaks
    assert "牵头单位:甲局按时报送(逾期更正:新建公路)、乙局未报送" in flat
    code, _, err = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "report", "-q", "Q2", "--explain", "丁局")
    assert code == 2 and err.count("\n") == 1 and "--explain 的值\"丁局\"不是本通报中排名的牵头单位" in err


def test_a_unit_reporting_done_without_figures_has_reported(roles):
    _, statuses = judged([e(1, Q2, "甲局", status="已完成")], roles=roles)
    st = status_of(statuses, "1")
    assert st.state == DONE
    assert [(u.unit, u.state) for u in st.units] == [("甲局", UNIT_ON_TIME), ("乙局", UNIT_MISSING)]


def test_a_done_click_short_of_the_figures_is_refused(own, capsys, monkeypatch):
    log = own / "progress" / "2025-Q2.yaml"
    code, _, err = cli(capsys, monkeypatch, "2025-07-05T10:00:00+08:00",
                       "update", "1", "--done", "10", "--status", "已完成", "--by", "甲局", "-q", "Q2")
    assert code == 2 and err.count("\n") == 1
    assert "报送已完成,但新建公路 10/100公里未达目标,不能报送为已完成" in err and "--confirm" in err
    assert not log.exists()  # nothing written
    code, _, err = cli(capsys, monkeypatch, "2025-07-05T10:00:00+08:00",
                       "update", "1", "--done", "10", "--status", "已完成", "--by", "甲局", "-q", "Q2", "--confirm")
    assert code == 2 and "--note" in err and not log.exists()
    code, out, err = cli(capsys, monkeypatch, "2025-07-05T10:00:00+08:00", "update", "1", "--done", "10", "--status",
                         "已完成", "--by", "甲局", "-q", "Q2", "--confirm", "--note", "其余90公里已建成待验收")
    assert code == 0, err
    assert "严重滞后" in out  # judged by the figures; the office checks it (请核实)
    code, out, err = cli(capsys, monkeypatch, "2025-07-05T10:00:00+08:00",
                         "update", "1", "--done", "100", "--status", "已完成", "--by", "甲局", "-q", "Q2")
    assert code == 0 and "已完成" in out


def test_ingest_says_late_published_disagreeing_and_refuses_a_denied_claim(own, capsys, monkeypatch):
    from test_sheet import fill

    cli(capsys, monkeypatch, "2025-07-03T10:00:00+08:00", "update", "1", "--done", "65", "--by", "甲局", "-q", "Q2")
    code, _, err = cli(capsys, monkeypatch, "2025-07-12T10:00:00+08:00", "report", "-q", "Q2", "--publish", "--format", "md")
    assert code == 0, err
    assert cli(capsys, monkeypatch, "2025-07-14T10:00:00+08:00", "sheet", "--unit", "乙局", "-q", "Q2", "-o", "乙.xlsx")[0] == 0
    fill(own / "乙.xlsx", own / "乙-回.xlsx", {("1", "新建公路"): {"本季度累计完成": 60}})
    code, out, err = cli(capsys, monkeypatch, "2025-07-14T10:00:00+08:00", "ingest", "乙-回.xlsx")
    assert code == 0, err
    assert "2025年第二季度报送截止日为 2025-07-10,本表在截止日后导入:首次报送的为逾期报送" in out
    assert "2025年第二季度通报已于 2025-07-12 10:00 发布,已发布的通报不会改变" in out
    assert "请核实:1 新建公路 牵头单位报送不一致(甲局 65、乙局 60),以列第一位的牵头单位的为准" in err
    # 已完成 with 60 of 100: the row is refused, nothing written
    fill(own / "乙.xlsx", own / "乙-完成.xlsx", {("1", "新建公路"): {"本季度累计完成": 70, "状态": "已完成"}})
    before = (own / "progress" / "2025-Q2.yaml").read_bytes()
    code, out, err = cli(capsys, monkeypatch, "2025-07-14T11:00:00+08:00", "ingest", "乙-完成.xlsx")
    assert code == 2 and "报送已完成,但新建公路 70/100公里未达目标" in err
    assert (own / "progress" / "2025-Q2.yaml").read_bytes() == before


def test_check_names_outside_reports_and_disagreeing_leads(own, capsys, monkeypatch):
    cli(capsys, monkeypatch, "2025-07-03T10:00:00+08:00", "update", "1", "--done", "65", "--by", "甲局", "-q", "Q2")
    cli(capsys, monkeypatch, "2025-07-04T10:00:00+08:00", "update", "1", "--done", "60", "--by", "乙局", "-q", "Q2")
    code, _, err = cli(capsys, monkeypatch, "2025-07-05T10:00:00+08:00", "update", "1", "--done", "5", "--by", "丙局", "-q", "Q2")
    assert code == 0 and "丙局 不是任务 1 的牵头单位或责任单位" in err
    code, out, err = cli(capsys, monkeypatch, "2025-07-05T10:00:00+08:00", "check")
    text = out + err
    assert "progress/2025-Q2.yaml:" in text and "丙局 不是 1 的牵头单位或责任单位" in text
    assert "xatrack retract 1 --by 丙局 --quarter Q2" in text
    assert "2025年第二季度 1 新建公路:牵头单位报送不一致(甲局 65、乙局 60)" in text


def test_update_says_when_lead_units_disagree(own, capsys, monkeypatch):
    cli(capsys, monkeypatch, "2025-07-03T10:00:00+08:00", "update", "1", "--done", "65", "--by", "甲局", "-q", "Q2")
    code, out, err = cli(capsys, monkeypatch, "2025-07-04T10:00:00+08:00", "update", "1", "--done", "60", "--by", "乙局", "-q", "Q2")
    assert code == 0
    assert "请核实:任务 1 新建公路 牵头单位报送不一致(甲局 65、乙局 60),以列第一位的牵头单位的为准" in err


def test_the_office_figure_is_said_and_not_warned_as_unknown(own, capsys, monkeypatch):
    code, out, err = cli(capsys, monkeypatch, "2025-07-03T10:00:00+08:00", "update", "2", "--status", "推进中", "--by", "督查室", "-q", "Q2")
    assert code == 0 and "不是单位目录中的单位" not in err and "督查室核实数据" in err


def test_a_late_first_report_of_one_metric_is_late_while_another_is_missing(roles):
    two = Item(id="5", kind=TASK, text="两个指标", lead=("甲局",),
               metrics=(Metric("甲", 10, unit="个"), Metric("乙", 10, unit="个")))
    p, statuses = judged([e(5, Q2, "甲局", 5, metric="甲", when="2025-07-12")], roles=roles, items=(two,))
    report = statuses[0].unit_report("甲局")
    assert report.state == UNIT_MISSING and report.missing == ("乙",) and report.late
    bulletin = build_report(p, roles.directory, [e(5, Q2, "甲局", 5, metric="甲", when="2025-07-12")], Q2, roles=roles)
    assert [(u.unit, u.ids) for u in bulletin.late] == [("甲局", ("5",))]
    assert [(r.unit, r.ids) for r in bulletin.reminders] == [("甲局", ("5",))]


def test_show_gives_the_projection_per_metric(own, capsys, monkeypatch):
    cli(capsys, monkeypatch, "2025-07-03T10:00:00+08:00", "update", "1", "--done", "30", "--by", "甲局", "-q", "Q2")
    code, out, _ = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "show", "1")
    flat = "".join(out.split())
    assert code == 0 and "新建公路按目前进度预计全年60公里(预计难以完成全年目标)" in flat


def test_the_quick_path_reads_confirm_as_an_on_off_flag():
    from xatrack import quick

    assert quick.parse(["update", "1", "--done", "10", "--confirm", "--note", "x"])[1]["confirm"] is True
    assert "confirm" not in quick.parse(["update", "1", "--done", "10"])[1]
    assert quick.parse(["update", "1", "--confirm=yes"]) is None  # Typer says what is wrong


def test_overdue_for_one_unit_lists_what_it_owes_though_its_co_lead_reported(own, capsys, monkeypatch):
    cli(capsys, monkeypatch, "2025-07-03T10:00:00+08:00", "update", "1", "--done", "50", "--by", "甲局", "-q", "Q2")
    code, out, _ = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "overdue", "-q", "Q2", "--unit", "乙局", "--format", "json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["1"]["status"] == MISSING and rows["1"]["reason"].startswith("本单位未报送(事项状态:正常")
    code, out, _ = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "overdue", "-q", "Q2", "--unit", "甲局", "--format", "json")
    assert "1" not in {row["id"] for row in json.loads(out)}
    code, out, _ = cli(capsys, monkeypatch, "2025-07-20T10:00:00+08:00", "overdue", "-q", "Q2", "--lead", "乙局")
    assert code == 0 and "本单位未报送" in "".join(out.split())


def test_china_time_without_zone_files_agrees_with_the_zone_files():
    """The default zone is UTC+8 without importing zoneinfo; it must say what the zone files say."""
    from zoneinfo import ZoneInfo

    from xatrack.schedule import zone_named

    files = ZoneInfo("Asia/Shanghai")
    for year in (1992, 2000, 2025, 2026, 2100, 2200):
        for month in (1, 4, 7, 10):
            moment = datetime(year, month, 15, 12, 0)
            assert moment.replace(tzinfo=zone_named("Asia/Shanghai")).utcoffset() == moment.replace(tzinfo=files).utcoffset()
    # before 1992 China kept summer time: the zone files decide
    assert datetime(1988, 7, 1, 12).replace(tzinfo=zone_named("Asia/Shanghai", 1988)).utcoffset() == timedelta(hours=9)


def test_an_unreported_relative_target_reads_with_the_figure_it_follows(tracker, capsys, monkeypatch):
    """Issue 29: G7 follows G1; with G1 reported and G7 not, list and the 催办单 say ≥G1 7.1%."""
    from cli_helpers import run

    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")
    assert run(capsys, "update", "G1", "--done", "7.1", "--by", "区发改局", "-q", "Q2")[0] == 0
    code, out, _ = run(capsys, "list", "-q", "Q2", "--search", "可支配")
    assert code == 0 and "—/≥G1 7.1%" in out
    code, out, _ = run(capsys, "remind", "-q", "Q2", "--unit", "区发改局")
    assert "应 ≥G1 7.1% / 报 未报送" in out
