"""The Excel round trip: `plan export` writes the 分解表, `import` reads it back, `--review --onto`
lists the changes, and a re-import never writes over a differing registry silently."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli_helpers import run
from xatrack.importer.compare import plan_changes
from xatrack.registry import parse_registry

ROOT = Path(__file__).resolve().parent.parent
SEED_004_LIKE = """·谋划2030·
抓统筹
奋力推进某项工作
核心:修缮设施
- 修缮步道12公里。
- 新增岗位300个。
核心:办好实事
- 举办文化活动150场次。
"""


def export(capsys, path: str = "分解表.xlsx") -> Path:
    code, out, err = run(capsys, "plan", "export", "-o", path)
    assert code == 0, err
    return Path(path)


def set_cells(path: Path, changes: dict[tuple[str, str], str]) -> None:
    """Edit the 分解表 as an office would: {(序号, column name): new value} on the item's first row."""
    wb = load_workbook(path)
    ws = wb["分解表"]
    header = [c.value for c in ws[1]]
    for (seq, column), value in changes.items():
        for row in ws.iter_rows(min_row=2):
            if str(row[0].value) == seq and (row[1].value or column in ("指标", "目标值")):
                row[header.index(column)].value = value
                break
        else:
            raise AssertionError(f"no row {seq}")
    wb.save(path)


def test_export_then_import_is_byte_identical(tracker, capsys):
    sheet = export(capsys)
    code, out, err = run(capsys, "import", str(sheet), "-o", "back.yaml")
    assert code == 0, err
    assert Path("back.yaml").read_bytes() == Path("tasks.yaml").read_bytes()
    wb = load_workbook(sheet)
    assert [c.value for c in wb["分解表"][1]][:6] == ["序号", "目标任务", "责任领导", "牵头单位", "责任单位", "完成时限"]
    assert wb["分解表"].data_validations.dataValidation  # drop-downs from units.yaml


def test_a_changed_cell_changes_exactly_that_field(tracker, capsys):
    sheet = export(capsys)
    set_cells(sheet, {("5", "牵头单位"): "区财政局", ("5", "目标值"): 200})
    code, out, err = run(capsys, "import", str(sheet), "--review", "--onto", "tasks.yaml")
    assert code == 0, err
    assert "相对 tasks.yaml 的改动 2 处" in out and "任务5 牵头单位:区发改局 → 区财政局" in out
    assert Path("tasks.yaml").read_bytes() == (ROOT / "tasks.yaml").read_bytes()  # review writes nothing
    code, out, err = run(capsys, "import", str(sheet), "-o", "tasks.yaml")
    assert code == 2 and "未覆盖" in err and "任务5 牵头单位" in err
    code, out, err = run(capsys, "import", str(sheet), "-o", "tasks.yaml", "--force")
    assert code == 0, err
    before = (ROOT / "tasks.yaml").read_text(encoding="utf-8").splitlines()
    after = Path("tasks.yaml").read_text(encoding="utf-8").splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) == 4, changed  # the lead line and the metric line of task 5, before and after
    assert any("区财政局" in line for line in changed) and any("200" in line for line in changed)


def test_a_plan_without_assignments_is_assigned_in_the_sheet(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("方案.txt").write_text(SEED_004_LIKE, encoding="utf-8")
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt", "--year", "2030")
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "t")
    sheet = export(capsys)
    set_cells(sheet, {("1", "责任领导"): "甲乙", ("1", "牵头单位"): "县交通局", ("1", "责任单位"): "县财政局、各乡镇",
                      ("2", "牵头单位"): "县人社局"})
    code, out, err = run(capsys, "import", str(sheet), "-o", "tasks.yaml", "--force")
    assert code == 0, err
    plan, problems = parse_registry(Path("tasks.yaml").read_text(encoding="utf-8"))
    assert plan.get("1").leaders == ("甲乙",) and plan.get("1").lead == ("县交通局",)
    assert plan.get("1").units == ("县财政局", "各乡镇") and plan.get("2").lead == ("县人社局",)
    assert plan.get("3").lead == () and plan.info.year == 2030
    assert plan.get("3").metrics[0].unit == "场次"


def test_reimport_keeps_settings_and_refuses_to_overwrite_edits(tracker, capsys):
    shutil.copy(ROOT / "xatrack" / "data" / "2025-xianan.txt", "方案.txt")
    shutil.copy(ROOT / "xatrack" / "data" / "2025-xianan.overrides.yaml", "方案.overrides.yaml")
    text = Path("tasks.yaml").read_text(encoding="utf-8")
    edited = text.replace("lead: [区发改局]", "lead: [区财政局]", 1)
    assert edited != text
    Path("tasks.yaml").write_text(edited.replace("settings:\n", "settings:\n  deadline_days: 12\n", 1), encoding="utf-8")
    code, out, err = run(capsys, "import", "方案.txt")
    assert code == 2 and "未覆盖" in err and "牵头单位:区财政局 → 区发改局" in err
    assert "区财政局" in Path("tasks.yaml").read_text(encoding="utf-8")  # nothing written
    code, out, err = run(capsys, "import", "方案.txt", "--force")
    assert code == 0, err
    written = Path("tasks.yaml").read_text(encoding="utf-8")
    assert "deadline_days: 12" in written  # the office's settings survive the re-import


def test_reimport_over_progress_lists_the_changes_even_with_force(tracker, capsys):
    run(capsys, "update", "32", "--done", "120", "--by", "区科经局")
    shutil.copy(ROOT / "xatrack" / "data" / "2025-xianan.txt", "方案.txt")
    Path("tasks.yaml").write_text(Path("tasks.yaml").read_text(encoding="utf-8").replace("lead: [区发改局]", "lead: [区财政局]", 1),
                                  encoding="utf-8")
    code, out, err = run(capsys, "import", "方案.txt", "--overrides", str(ROOT / "xatrack" / "data" / "2025-xianan.overrides.yaml"), "--force")
    assert code == 0 and "将改变" in err and "区财政局 → 区发改局" in err


def test_plan_changes_lists_each_field():
    text = (ROOT / "tasks.yaml").read_text(encoding="utf-8")
    old, _ = parse_registry(text)
    new, _ = parse_registry(text.replace("lead: [区发改局]", "lead: [区财政局]", 1))
    assert plan_changes(old, old) == []
    assert len(plan_changes(old, new)) == 1 and "牵头单位" in plan_changes(old, new)[0]


def test_a_workbook_that_is_not_a_plan_export_is_refused_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("坏.xlsx").write_bytes(b"not a zip")
    code, out, err = run(capsys, "import", "坏.xlsx", "-o", "t.yaml")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["分解表.txt"])
def test_plan_export_wants_an_xlsx(tracker, capsys, name):
    code, out, err = run(capsys, "plan", "export", "-o", name)
    assert code == 2 and ".xlsx" in err


def test_bad_cells_and_a_missing_onto_are_one_line(tracker, capsys):
    sheet = export(capsys)
    set_cells(sheet, {("5", "目标值"): "很多"})
    code, out, err = run(capsys, "import", str(sheet), "--review")
    assert code == 2 and "目标值“很多”不是数字" in err and "第" in err and "Traceback" not in err
    code, out, err = run(capsys, "import", str(ROOT / "xatrack" / "data" / "2025-xianan.txt"), "--review", "--onto", "无.yaml")
    assert code == 2 and "无.yaml 不存在" in err


def test_a_sheet_copied_without_its_hidden_registry_is_read_row_by_row(tracker, capsys):
    sheet = export(capsys)
    wb = load_workbook(sheet)
    del wb["xatrack"]
    wb.save(sheet)
    code, out, err = run(capsys, "import", str(sheet), "-o", "copy.yaml")
    assert code == 0, err
    assert "没有 plan export 留存的任务清单" in err
    plan, _ = parse_registry(Path("copy.yaml").read_text(encoding="utf-8"))
    original, _ = parse_registry(Path("tasks.yaml").read_text(encoding="utf-8"))
    assert [i.id for i in plan.items] == [i.id for i in original.items] and plan.info.year == 2025
    for mine, theirs in zip(plan.items, original.items):
        assert (mine.text, mine.leaders, mine.lead, mine.units) == (theirs.text, theirs.leaders, theirs.lead, theirs.units)
        assert [(m.name, m.target, m.unit, m.kind) for m in mine.metrics] == [(m.name, m.target, m.unit, m.kind) for m in theirs.metrics]


def test_export_never_writes_over_edits_not_yet_imported(tracker, capsys):
    sheet = export(capsys)
    export(capsys)  # unchanged: written again
    set_cells(sheet, {("5", "牵头单位"): "区财政局"})
    code, out, err = run(capsys, "plan", "export", "-o", str(sheet))
    assert code == 2 and "还没有导入" in err and "任务5" in err
    assert "区财政局" in str([c.value for c in load_workbook(sheet)["分解表"]["D"]])
    assert run(capsys, "plan", "export", "-o", str(sheet), "--force")[0] == 0
    Path("别人的.xlsx").write_bytes(b"PK not ours")
    code, out, err = run(capsys, "plan", "export", "-o", "别人的.xlsx")
    assert code == 2 and "不是 xatrack 生成的文件" in err


def test_the_baseline_column_sets_a_stocks_starting_value(tracker, capsys):
    """基期值 (issue 25/27): the office fills a stock's starting value in the 分解表; a sheet
    exported before the column existed keeps the registry's."""
    sheet = export(capsys)
    wb = load_workbook(sheet)
    ws = wb["分解表"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "基期值"
    for row in ws.iter_rows(min_row=2):
        if str(row[0].value) == "16" and row[header.index("指标")].value == "金龙企业":
            row[header.index("基期值")].value = 6
    wb.save(sheet)
    code, out, err = run(capsys, "import", str(sheet), "-o", "back.yaml")
    assert code == 0, err
    plan, _ = parse_registry(Path("back.yaml").read_text(encoding="utf-8"), "back.yaml")
    assert [m.baseline for m in plan.get("16").metrics][:2] == [6, None]
    # a sheet without its 基期值 column (as exported before the column existed): the baselines of
    # the registry it was exported from stay
    Path("tasks.yaml").write_text(Path("back.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    sheet = export(capsys, "新表.xlsx")
    wb = load_workbook(sheet)
    wb["分解表"].delete_cols(len(header))
    wb.save("旧表.xlsx")
    code, out, err = run(capsys, "import", "旧表.xlsx", "-o", "again.yaml")
    assert code == 0, err
    again, _ = parse_registry(Path("again.yaml").read_text(encoding="utf-8"), "again.yaml")
    assert again.get("16").metrics[0].baseline == 6
