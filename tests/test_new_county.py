"""A new county adopting xatrack: init with its own year, title and issuer; overrides that carry the
office's assignments; a tracker whose generated files speak of its own plan, not 咸安's."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import run
from xatrack.errors import DataError
from xatrack.importer import import_plan, load_overrides
from xatrack.registry import parse_registry

PLAN = """某县人民政府办公室
2030年2月1日
某县重点工作责任分解方案
一、主要预期目标
(一)全县生产总值增长6%左右。(责任领导:甲乙;牵头单位:县发改局)
二、重点工作
(一)实施便民行动。办好民生实事。
1.修缮步道12公里。(责任单位:县交通局、县财政局)
2.新增岗位300个。
"""


def test_overrides_carry_assignments_text_deadline_and_plan_fields():
    overrides = load_overrides(
        "plan: {year: 2031, title: 某县2031年方案, issuer: 某县政府办}\n"
        '"1":\n  - {lead: [县交通局], units: [县财政局], leaders: 丙丁, deadline: 6月底前}\n'
        '"2":\n  - {text: 新增就业岗位300个。, lead: 县人社局, due: Q3}\n',
        "审定.yaml",
    )
    result = import_plan(PLAN, overrides=overrides)
    plan = result.plan
    assert (plan.info.year, plan.info.title, plan.info.issuer) == (2031, "某县2031年方案", "某县政府办")
    one, two = plan.get("1"), plan.get("2")
    assert one.lead == ("县交通局",) and one.units == ("县财政局",) and one.leaders == ("丙丁",)
    assert one.deadline == "6月底前" and one.due == 2
    assert two.text == "新增就业岗位300个。" and two.lead == ("县人社局",) and two.due == 3
    assert two.metrics[0].name.startswith("新增就业岗位")
    assert not result.warnings


@pytest.mark.parametrize("text, fragment", [
    ('"1":\n  - {lead: 3}\n', "名称列表"),
    ('"1":\n  - {due: Q5}\n', "Q1…Q4"),
    ('"1":\n  - {lead: [甲局], colour: red}\n', "colour"),
    ("plan: {year: 30}\n", "年份"),
    ("plan: {month: 3}\n", "plan"),
])
def test_bad_overrides_name_file_and_line(text, fragment):
    with pytest.raises(DataError) as error:
        load_overrides(text, "审定.yaml")
    assert "审定.yaml:" in str(error.value) and fragment in str(error.value)


def test_init_with_year_title_issuer_and_own_examples(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("方案.txt").write_text(PLAN.replace("某县重点工作责任分解方案", "某县重点工作责任分解方案"), encoding="utf-8")
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt", "--year", "2030", "--title", "某县2030年方案", "--issuer", "某县政府办")
    assert code == 0, err
    plan, _ = parse_registry(Path("t/tasks.yaml").read_text(encoding="utf-8"))
    assert (plan.info.year, plan.info.title, plan.info.issuer) == (2030, "某县2030年方案", "某县政府办")
    readme = Path("t/README.md").read_text(encoding="utf-8")
    assert "2025" not in readme and "区科经局" not in readme and "报送表-2030Q2/" in readme
    assert "update 1 --done 6 --by 县交通局" in readme
    units = Path("t/units.yaml").read_text(encoding="utf-8")
    assert "咸安" not in units and "2025" not in units


def test_init_refuses_a_plan_whose_year_is_unknown(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("方案.txt").write_text("某县重点工作\n1.修缮步道12公里。(牵头单位:县交通局)\n", encoding="utf-8")
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt")
    assert code == 2 and "--year" in err and not Path("t/tasks.yaml").exists()
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt", "--year", "2030")
    assert code == 0, err


NO_LEADS = "2030年某县重点工作\n1.修缮步道12公里。(责任单位:县交通局、县财政局)\n2.新增岗位300个。(责任单位:县人社局)\n"


def test_a_plan_without_lead_units_is_loud(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XATRACK_TODAY", "2030-06-20")
    Path("方案.txt").write_text(NO_LEADS, encoding="utf-8")
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt")
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "t")
    code, out, err = run(capsys, "check")
    text = out + err
    assert "任务1 没有牵头单位" in text and "任务2 没有牵头单位" in text and "--first-unit-lead" in text
    code, out, err = run(capsys, "sheet", "--all", "--quarter", "Q2", "-o", "报送表/")
    assert code == 2 and "都没有牵头单位" in err and not Path("报送表").exists()


def test_first_unit_lead_is_an_option_marked_inferred(tmp_path, capsys, monkeypatch):
    result = import_plan(NO_LEADS, first_unit_lead=True)
    assert result.plan.get("1").lead == ("县交通局",) and result.plan.get("1").units == ("县财政局",)
    assert any("first-unit-lead" in note for note in result.review[0].inferred)
    assert import_plan(NO_LEADS).plan.get("1").lead == ()
    monkeypatch.chdir(tmp_path)
    Path("方案.txt").write_text(NO_LEADS, encoding="utf-8")
    code, out, err = run(capsys, "import", "方案.txt", "-o", "t.yaml", "--first-unit-lead")
    assert code == 0, err
    plan, _ = parse_registry(Path("t.yaml").read_text(encoding="utf-8"))
    assert plan.get("2").lead == ("县人社局",)


def test_a_clock_outside_the_plan_year_is_said_on_writing_commands(tracker, capsys, monkeypatch):
    monkeypatch.setenv("XATRACK_TODAY", "2027-05-01")
    code, out, err = run(capsys, "update", "32", "--done", "1", "--by", "区科经局", "--quarter", "Q4")
    assert code == 0 and "不在计划年度 2025 年内" in err and len([l for l in err.splitlines() if "计划年度" in l]) == 1
    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2", "-o", "a.xlsx")
    assert code == 0 and "不在计划年度 2025 年内" in err
    monkeypatch.setenv("XATRACK_TODAY", "2026-01-08")  # Q4 is collected in January: no warning
    code, out, err = run(capsys, "update", "32", "--done", "2", "--by", "区科经局", "--quarter", "Q4")
    assert code == 0 and "计划年度" not in err
    code, out, err = run(capsys, "list")  # reading commands say nothing
    assert "计划年度" not in err


def test_name_matching_uses_the_trackers_own_places():
    from xatrack.directory.index import Directory, Unit
    from xatrack.directory.names import local_prefixes

    assert local_prefixes("甲乙县人民政府办公室") == ("甲乙县", "甲乙")
    assert local_prefixes("丙丁市甲乙县人民政府办公室") == ("丙丁市", "甲乙县", "丙丁", "甲乙")
    assert local_prefixes("") == ()
    units = (Unit("甲乙经济开发区"), Unit("丙丁经济开发区"), Unit("县交通局"))
    assert Directory(units=units, prefixes=("甲乙",)).unit_query("jjkfq", []).name == "甲乙经济开发区"
    with pytest.raises(Exception, match="多个匹配"):
        Directory(units=units).unit_query("jjkfq", [])  # no place of its own: 咸安 is nobody's default
    assert Directory(units=units).unit_query("交通局", []).name == "县交通局"  # a left-out level, any county's


def test_init_writes_the_plans_places_into_units_yaml(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("方案.txt").write_text(PLAN.replace("某县人民政府办公室", "甲乙县人民政府办公室"), encoding="utf-8")
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt")
    assert code == 0, err
    assert 'prefixes: ["甲乙县", "甲乙"]' in Path("t/units.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path / "t")
    code, out, err = run(capsys, "check")
    assert "prefixes" not in out + err


def test_a_plan_mostly_without_leads_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("方案.txt").write_text(NO_LEADS, encoding="utf-8")
    code, out, err = run(capsys, "import", "方案.txt", "-o", "t.yaml")
    assert code == 0 and len([l for l in err.splitlines() if "plan export" in l]) == 1 and "2 项中 2 项没有牵头单位" in err
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt")
    assert code == 0 and "plan export" in err
    Path("有.txt").write_text("2030年某县重点工作\n1.修缮步道12公里。(牵头单位:县交通局)\n2.新增岗位300个。(牵头单位:县人社局)\n"
                             "3.建成公园2个。\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "有.txt", "-o", "u.yaml")
    assert code == 0 and "plan export" not in err  # 1 of 3 without lead: check names it, no need for the sheet
