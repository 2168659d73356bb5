"""The collection sheet: `xatrack sheet` writes it, a unit fills it in, `xatrack ingest` records it.

The workbooks are read and filled here with openpyxl, as Excel or WPS would
leave them; the rules behind ingest are also tested on plain rows.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl  # a required dependency: a broken install fails, never skips
import pytest

from cli_helpers import run, ids_of
from xatrack import reading
from xatrack.directory import Directory  # noqa: E402
from xatrack.model import Entry, Item, Metric, Plan, PlanInfo, Quarter  # noqa: E402
from xatrack.sheet import FilledRow, SheetInfo, check_filled, sheet_rows  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
Q2 = Quarter(2025, 2)

# Columns of the data sheet (1-based), looked up from the header row in `table`.
HEADER_ROW = 5


def table(path: Path):
    """The data sheet, {header: column} and the data rows as lists of cells."""
    wb = openpyxl.load_workbook(path)
    ws = wb["报送表"]
    columns = {cell.value: cell.column for cell in ws[HEADER_ROW] if cell.value}
    rows = [list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1) if r[0].value is not None]
    return wb, ws, columns, rows


def cell(row, columns, header):
    return row[columns[header] - 1]


def fill(path: Path, out: Path, values: dict) -> dict:
    """Fill a sheet: values maps (id, metric name or None) -> {header: value}. Returns {key: row number}."""
    wb, ws, columns, rows = table(path)
    where = {}
    for row in rows:
        metric = cell(row, columns, "指标").value
        key = (str(cell(row, columns, "编号").value), None if str(metric).startswith("(无量化指标") else metric)
        if key in values:
            for header, value in values[key].items():
                cell(row, columns, header).value = value
            where[key] = row[0].row
    assert set(where) == set(values), f"rows not in the sheet: {set(values) - set(where)}"
    wb.save(out)
    return where


def log_lines(root: Path) -> list[dict]:
    path = root / "progress" / "2025-Q2.yaml"
    if not path.exists():
        return []
    return [json.loads(line[2:]) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- {")]


@pytest.fixture()
def kjj_sheet(tracker, capsys) -> Path:
    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2", "-o", "区科经局-2025Q2.xlsx")
    assert code == 0, err
    assert "已写入 区科经局-2025Q2.xlsx" in out
    return tracker / "区科经局-2025Q2.xlsx"


# --------------------------------------------------------------------------- the sheet


def test_sheet_header_shows_contacts_and_the_reply_deadline(tracker, capsys):
    """The header names the unit's 联络员 and 电话 when units.yaml gives them (the shipped
    file gives none, and the header then invents none) and the quarter's reporting deadline."""
    code, out, err = run(capsys, "sheet", "--unit", "区科经局", "--quarter", "Q2", "-o", "a.xlsx")
    assert code == 0, err
    ws = openpyxl.load_workbook(tracker / "a.xlsx")["报送表"]
    assert "联络员" not in ws["A2"].value and "电话" not in ws["A2"].value
    # Q2 ends 2025-06-30; figures are due settings.deadline_days (10) days later.
    assert "报送截止:2025年7月10日" in ws["A2"].value and "请于2025年7月10日前填好后发回督查室" in ws["A3"].value

    units = (tracker / "units.yaml").read_text(encoding="utf-8")
    line = "  - {name: 区科经局, type: 区政府部门}"
    assert line in units
    (tracker / "units.yaml").write_text(
        units.replace(line, "  - {name: 区科经局, type: 区政府部门, contact: 李明, phone: 0715-1234567}"), encoding="utf-8"
    )
    tasks = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    tasks = tasks.replace("settings:\n", "settings:\n  deadline_days: 12\n  bulletin: {contact: 王芳 0715-8888888}\n", 1)
    (tracker / "tasks.yaml").write_text(tasks, encoding="utf-8")
    code, out, err = run(capsys, "sheet", "--all", "--quarter", "Q2", "-o", "all/")
    assert code == 0, err
    header = openpyxl.load_workbook(tracker / "all" / "区科经局-2025Q2.xlsx")["报送表"]["A2"].value
    assert "联络员:李明" in header and "电话:0715-1234567" in header and "报送截止:2025年7月12日" in header
    instructions = openpyxl.load_workbook(tracker / "all" / "区科经局-2025Q2.xlsx")["报送表"]["A3"].value
    assert "发回督查室(联系方式:王芳 0715-8888888)" in instructions
    other = openpyxl.load_workbook(tracker / "all" / "区发改局-2025Q2.xlsx")["报送表"]["A2"].value
    assert "联络员" not in other and "报送截止:2025年7月12日" in other


def test_sheet_has_one_row_per_metric_of_exactly_the_led_items(kjj_sheet, capsys):
    from xatrack.store import Tracker

    plan = reading.plan(Tracker(kjj_sheet.parent))
    led = ids_of(capsys, "list", "--lead", "区科经局")
    _, ws, columns, rows = table(kjj_sheet)
    expected = []
    for item_id in led:
        item = plan.get(item_id)
        expected += [(item.id, m.name) for m in item.metrics] or [(item.id, None)]
    got = []
    for row in rows:
        metric = cell(row, columns, "指标").value
        got.append((str(cell(row, columns, "编号").value), None if metric.startswith("(无量化指标") else metric))
    assert got == expected
    assert "G3" in {i for i, _ in got}  # a target the unit leads
    # numbers are numbers; the metric's 1-based number is kept beside its name
    row16 = [r for r in rows if cell(r, columns, "编号").value == 16]
    assert [cell(r, columns, "序号").value for r in row16] == list(range(1, len(plan.get("16").metrics) + 1))
    assert isinstance(cell(row16[0], columns, "全年目标").value, int)
    assert {cell(r, columns, "分工").value for r in rows} == {"牵头"}
    # self-describing, instructions in Chinese, frozen header, status drop-down
    assert "区科经局" in ws["A2"].value and "2025年第二季度" in ws["A2"].value
    assert "1–6月" in ws["A3"].value and "未启动/推进中/已完成/滞后/受阻" in ws["A3"].value
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and "推进中" in lists[0].formula1
    status_col = openpyxl.utils.get_column_letter(columns["状态"])
    assert f"{status_col}{HEADER_ROW + 1}" in str(lists[0].sqref)
    # the fill-in cells are unlocked, the rest locked under a password-less protection
    assert ws.protection.sheet and not ws.protection.password
    assert cell(rows[0], columns, "本季度累计完成").protection.locked is False
    assert cell(rows[0], columns, "编号").protection.locked is True


def test_all_roles_adds_items_where_the_unit_only_shares(tracker, capsys):
    run(capsys, "sheet", "--unit", "kjj", "-o", "lead.xlsx")
    code, out, err = run(capsys, "sheet", "--unit", "kjj", "--all-roles", "-o", "all.xlsx")
    assert code == 0, err
    _, _, columns, lead_rows = table(tracker / "lead.xlsx")
    _, _, columns, all_rows = table(tracker / "all.xlsx")
    lead_ids = {str(cell(r, columns, "编号").value) for r in lead_rows}
    all_ids = {str(cell(r, columns, "编号").value) for r in all_rows}
    shared = {str(cell(r, columns, "编号").value) for r in all_rows if cell(r, columns, "分工").value == "责任"}
    assert lead_ids < all_ids and shared == all_ids - lead_ids
    assert all_ids == set(ids_of(capsys, "list", "--unit", "区科经局"))


def test_a_town_gets_the_items_of_its_groups(tracker, capsys):
    code, out, err = run(capsys, "sheet", "--unit", "桂花镇")
    assert code == 2 and "没有牵头的事项" in err and "--all-roles" in err
    code, out, err = run(capsys, "sheet", "--unit", "guihua", "--all-roles")
    assert code == 0, err
    _, _, columns, rows = table(tracker / "桂花镇-2025Q2.xlsx")  # default name, current folder
    ids = {str(cell(r, columns, "编号").value) for r in rows}
    assert ids == set(ids_of(capsys, "list", "--unit", "桂花镇"))
    from xatrack.store import Tracker

    plan = reading.plan(Tracker(tracker))
    assert any("各乡镇办场" in plan.get(i).units for i in ids)


def test_sheet_all_writes_one_file_per_lead_unit(tracker, capsys):
    code, out, err = run(capsys, "sheet", "--all", "--quarter", "Q2", "-o", "报送表")
    assert code == 0, err
    files = sorted(p.name for p in (tracker / "报送表").iterdir())
    assert "区科经局-2025Q2.xlsx" in files and "桂花镇-2025Q2.xlsx" not in files
    code, out, _ = run(capsys, "units", "--lead-only", "--format", "json")
    leading = {row["name"] for row in json.loads(out) if row["lead"]}
    assert {f.removesuffix("-2025Q2.xlsx") for f in files} == leading
    code, out, err = run(capsys, "sheet", "--all", "--unit", "kjj")
    assert code == 2 and "只能用一个" in err


def test_last_reported_value_is_shown(tracker, capsys):
    assert run(capsys, "update", "32", "--done", "80", "--quarter", "Q1", "--by", "区科经局")[0] == 0
    run(capsys, "sheet", "--unit", "kjj", "--quarter", "Q2", "-o", "s.xlsx")
    _, _, columns, rows = table(tracker / "s.xlsx")
    row = next(r for r in rows if cell(r, columns, "编号").value == 32)
    assert cell(row, columns, "上次报送").value == 80
    assert "一季度" in cell(row, columns, "上次报送时间").value
    assert cell(row, columns, "本季度末序时要求").value == 168
    assert cell(row, columns, "本季度累计完成").value is None  # never pre-filled


# --------------------------------------------------------------------------- round trip


def test_round_trip_sheet_fill_ingest_list_and_report(kjj_sheet, tracker, capsys):
    filled = tracker / "filled.xlsx"
    fill(
        kjj_sheet,
        filled,
        {
            ("32", "新建5G基站"): {"本季度累计完成": 170, "状态": "推进中", "进展说明": "已开通 170 个"},
            ("12", "生物医药产业产值"): {"本季度累计完成": "１６.５"},  # text, full-width digits
            ("12", "汽车零部件产业产值"): {"本季度累计完成": "21亿元"},  # with the metric's unit
            ("13", None): {"状态": "推进中", "进展说明": "方案已印发"},
        },
    )
    code, out, err = run(capsys, "ingest", str(filled))
    assert code == 0, err
    assert "已记录 4 行" in out and "progress/2025-Q2.yaml" in out and "未填写" in out
    records = log_lines(tracker)
    assert [(r["id"], r.get("metric"), r.get("value"), r.get("status")) for r in records] == [
        (12, "生物医药产业产值", 16.5, None),
        (12, "汽车零部件产业产值", 21, None),
        (13, None, None, "推进中"),
        (32, "新建5G基站", 170, "推进中"),
    ]
    assert {r["by"] for r in records} == {"区科经局"}  # the sheet's unit, not XATRACK_USER
    assert {r["date"] for r in records} == {"2025-06-20"}
    assert records[3]["note"] == "已开通 170 个"

    code, out, err = run(capsys, "list", "--lead", "kjj", "--quarter", "Q2", "--format", "json")
    state = {row["id"]: row["status"] for row in json.loads(out)}
    assert state["32"] == "正常" and state["13"] == "正常" and state["12"] == "正常"
    assert state["14"] == "待报送"  # on 6-20 the Q2 deadline is still to come
    assert run(capsys, "check")[0] == 0

    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md")
    if "未知命令" in err:  # the report command is not in this checkout
        pytest.skip("xatrack report not available")
    assert code == 0, err
    code2, listing, _ = run(capsys, "list", "--quarter", "Q2", "--format", "json")
    missing = sum(1 for row in json.loads(listing) if row["status"] == "未报送")
    assert f"未报送 {missing} 项" in out


def test_ingesting_the_same_file_twice_records_nothing_new(kjj_sheet, tracker, capsys):
    filled = tracker / "filled.xlsx"
    fill(kjj_sheet, filled, {("32", "新建5G基站"): {"本季度累计完成": 170}, ("13", None): {"进展说明": "已启动"}})
    assert run(capsys, "ingest", str(filled))[0] == 0
    before = (tracker / "progress" / "2025-Q2.yaml").read_bytes()
    code, out, err = run(capsys, "ingest", str(filled))
    assert code == 0, err
    assert "2 行与已有记录相同,未重复记录" in out and "已记录" not in out
    assert (tracker / "progress" / "2025-Q2.yaml").read_bytes() == before
    # the same file twice on one command line is no different; Excel's owner files are skipped
    (tracker / "~$filled.xlsx").write_bytes(b"\x06owner\x00" * 20)
    code, out, err = run(capsys, "ingest", str(filled), str(filled), "~$filled.xlsx")
    assert code == 0 and (tracker / "progress" / "2025-Q2.yaml").read_bytes() == before
    # a correction by the office is not undone by ingesting the old sheet again …
    assert run(capsys, "update", "32", "--done", "175")[0] == 0  # by 测试员
    code, out, err = run(capsys, "ingest", str(filled))
    assert "2 行与已有记录相同" in out and "已记录" not in out
    # … but when the unit itself has since said otherwise, its sheet is newer news again
    assert run(capsys, "update", "32", "--done", "176", "--by", "区科经局")[0] == 0
    code, out, err = run(capsys, "ingest", str(filled))
    assert "已记录 1 行" in out and "1 行与已有记录相同" in out
    assert log_lines(tracker)[-1]["value"] == 170


def test_co_lead_units_may_both_report_an_item(tracker, capsys):
    # task 100 is led by 区发改局, 区科经局 and 区招投中心
    for unit in ("区发改局", "区科经局"):
        assert run(capsys, "sheet", "--unit", unit, "-o", f"{unit}.xlsx")[0] == 0
        fill(tracker / f"{unit}.xlsx", tracker / f"{unit}.xlsx", {("100", None): {"状态": "推进中", "进展说明": "已开工"}})
    code, out, err = run(capsys, "ingest", "区发改局.xlsx", "区科经局.xlsx")
    assert code == 0, err
    assert [(r["id"], r["by"]) for r in log_lines(tracker)] == [(100, "区发改局"), (100, "区科经局")]
    code, out, err = run(capsys, "ingest", "区发改局.xlsx", "区科经局.xlsx")
    assert "2 行与已有记录相同" in out and len(log_lines(tracker)) == 2
    # each may say something else, even in the same second (a later date: the
    # first ingest may have run in this very second, and the same unit saying
    # two things for one day in one second is a conflict `check` reports)
    fill(tracker / "区科经局.xlsx", tracker / "区科经局.xlsx", {("100", None): {"进展说明": "尚未开工"}})
    fill(tracker / "区发改局.xlsx", tracker / "区发改局.xlsx", {("100", None): {"进展说明": "主体完工"}})
    code, out, err = run(capsys, "ingest", "区发改局.xlsx", "区科经局.xlsx", "--date", "2025-06-21")
    assert code == 0, err
    assert [r["note"] for r in log_lines(tracker)][2:] == ["主体完工", "尚未开工"]
    assert run(capsys, "check")[0] == 0
    # but two versions of one unit's sheet in one run are a question for the office
    shutil.copy(tracker / "区科经局.xlsx", tracker / "区科经局-v2.xlsx")
    fill(tracker / "区科经局-v2.xlsx", tracker / "区科经局-v2.xlsx", {("100", None): {"进展说明": "已开工"}})
    fill(tracker / "区科经局.xlsx", tracker / "区科经局.xlsx", {("100", None): {"进展说明": "即将开工"}})
    code, out, err = run(capsys, "ingest", "区科经局.xlsx", "区科经局-v2.xlsx")
    assert code == 2 and "区科经局-v2.xlsx 第" in err and "区科经局在本次导入的 区科经局.xlsx 第" in err
    assert len(log_lines(tracker)) == 4


def test_percentage_cells_and_dates(kjj_sheet, tracker, capsys):
    wb, ws, columns, rows = table(kjj_sheet)
    g3 = next(r for r in rows if cell(r, columns, "编号").value == "G3")
    cell(g3, columns, "本季度累计完成").value = 0.105  # typed as 10.5% in Excel
    cell(g3, columns, "本季度累计完成").number_format = "0.0%"
    r32 = next(r for r in rows if cell(r, columns, "编号").value == 32)
    cell(r32, columns, "本季度累计完成").value = datetime(2025, 6, 30)  # "6/30" turned into a date
    wb.save(tracker / "f.xlsx")
    code, out, err = run(capsys, "ingest", "f.xlsx")
    assert code == 2
    assert f"第 {r32[0].row} 行(任务 32 新建5G基站):" in err and "日期" in err
    assert log_lines(tracker) == []
    code, out, err = run(capsys, "ingest", "f.xlsx", "--partial")
    assert code == 1
    assert [(r["id"], r["value"]) for r in log_lines(tracker)] == [("G3", 10.5)]


# --------------------------------------------------------------------------- rejected rows


def test_rejected_rows_are_listed_with_row_numbers_and_nothing_is_written(kjj_sheet, tracker, capsys):
    filled = tracker / "bad.xlsx"
    where = fill(
        kjj_sheet,
        filled,
        {
            ("32", "新建5G基站"): {"本季度累计完成": "约一百二十"},
            ("22", "投入研发经费"): {"本季度累计完成": -3},
            ("15", None): {"状态": "差不多了"},
            ("13", None): {"本季度累计完成": 5},
            ("14", "工业技改投资增速"): {"本季度累计完成": 12},  # a good row
            ("47", None): {"编号": 999, "状态": "推进中"},  # an id that is not in the plan
        },
    )
    code, out, err = run(capsys, "ingest", str(filled))
    assert code == 2
    lines = {line.strip() for line in err.splitlines()}
    assert f"第 {where[('32', '新建5G基站')]} 行(任务 32 新建5G基站):本季度累计完成\"约一百二十\"不是数字" in lines
    assert any(line.startswith(f"第 {where[('22', '投入研发经费')]} 行") and "不能为负数" in line for line in lines)
    assert any(line.startswith(f"第 {where[('15', None)]} 行(任务 15):状态\"差不多了\"无效") for line in lines)
    assert any(line.startswith(f"第 {where[('13', None)]} 行") and "没有量化指标" in line for line in lines)
    assert any(line.startswith(f"第 {where[('47', None)]} 行") and "999" in line for line in lines)
    assert "有 5 行无法记录,未写入任何内容" in err and "--partial 只记录其余 1 行" in err
    assert "Traceback" not in out + err
    assert not (tracker / "progress" / "2025-Q2.yaml").exists()

    code, out, err = run(capsys, "ingest", str(filled), "--partial")
    assert code == 1
    assert "已记录 1 行" in out and "5 行无法记录" in out
    assert [(r["id"], r["value"]) for r in log_lines(tracker)] == [(14, 12)]


def test_a_task_removed_from_the_plan_rejects_its_rows(kjj_sheet, tracker, capsys):
    filled = tracker / "filled.xlsx"
    where = fill(kjj_sheet, filled, {("32", "新建5G基站"): {"本季度累计完成": 170}, ("31", "科技特派员工作站"): {"本季度累计完成": 1}})
    registry = tracker / "tasks.yaml"
    text = registry.read_text(encoding="utf-8")
    start = text.index("\n  - id: 32\n")
    end = text.index("\n  - id: 33\n")
    registry.write_text(text[:start] + text[end:], encoding="utf-8")
    code, out, err = run(capsys, "ingest", str(filled))
    assert code == 2
    assert f"第 {where[('32', '新建5G基站')]} 行:没有编号为\"32\"的目标或任务" in err
    assert not (tracker / "progress" / "2025-Q2.yaml").exists()


def test_edited_rows_and_duplicate_rows(kjj_sheet, tracker, capsys):
    wb, ws, columns, rows = table(kjj_sheet)
    r32 = next(r for r in rows if cell(r, columns, "编号").value == 32)
    cell(r32, columns, "本季度累计完成").value = 100
    # a copy of the row pasted below the table, with another figure
    extra = ws.max_row + 1
    for c in r32:
        ws.cell(extra, c.column, c.value)
    ws.cell(extra, columns["本季度累计完成"], 120)
    # a row whose id was changed to another task
    r31 = next(r for r in rows if cell(r, columns, "编号").value == 31)
    cell(r31, columns, "编号").value = 37
    cell(r31, columns, "本季度累计完成").value = 1
    # a value without an id
    ws.cell(extra + 1, columns["本季度累计完成"], 5)
    wb.save(tracker / "f.xlsx")
    code, out, err = run(capsys, "ingest", "f.xlsx")
    assert code == 2
    assert f"第 {extra} 行(任务 32 新建5G基站):与第 {r32[0].row} 行是同一事项同一指标" in err
    assert f"第 {r31[0].row} 行:编号 37 的任务内容与任务清单不一致" in err
    assert f"第 {extra + 1} 行:没有编号" in err
    assert not (tracker / "progress").joinpath("2025-Q2.yaml").exists()


# --------------------------------------------------------------------------- files that are not sheets


def test_files_that_are_not_sheets_get_one_line(tracker, capsys):
    (tracker / "garbage.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (tracker / "text.xlsx").write_text("编号,状态\n32,推进中\n", encoding="utf-8")
    (tracker / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    wb = openpyxl.Workbook()
    wb.active["A1"] = "编号"
    wb.save(tracker / "other.xlsx")
    cases = {
        "garbage.xlsx": "不是有效的 Excel",
        "text.xlsx": "不是有效的 Excel",
        "old.xls": "另存为 .xlsx",
        "other.xlsx": "不是 xatrack 生成的报送表",
        "missing.xlsx": "找不到文件 missing.xlsx",
    }
    for name, words in cases.items():
        code, out, err = run(capsys, "ingest", name)
        assert code == 2, name
        assert err.count("\n") == 1 and name in err and words in err, err
        assert "Traceback" not in err
    assert not (tracker / "progress" / "2025-Q2.yaml").exists()


def test_a_sheet_of_another_plan_year_is_refused(kjj_sheet, tracker, capsys):
    wb = openpyxl.load_workbook(kjj_sheet)
    meta = wb["xatrack"]
    for row in meta.iter_rows():
        if row[0].value == "plan_year":
            row[1].value = "2024"
        if row[0].value == "quarter":
            row[1].value = "2024-Q2"
    wb["报送表"].cell(HEADER_ROW + 1, 12, 5)
    wb.save(tracker / "old.xlsx")
    code, out, err = run(capsys, "ingest", "old.xlsx")
    assert code == 2 and "old.xlsx" in err and "2024 年" in err and "2025 年" in err
    assert err.count("\n") == 1


def test_date_must_fall_in_the_sheets_quarter_and_by_overrides(kjj_sheet, tracker, capsys):
    filled = tracker / "filled.xlsx"
    fill(kjj_sheet, filled, {("32", "新建5G基站"): {"本季度累计完成": 170}})
    code, out, err = run(capsys, "ingest", str(filled), "--date", "2025-07-02")
    assert code == 2 and "2025-07-02" in err and "第二季度" in err
    code, out, err = run(capsys, "ingest", str(filled), "--date", "2025-06-28", "--by", "张三")
    assert code == 0, err
    assert [(r["date"], r["by"]) for r in log_lines(tracker)] == [("2025-06-28", "张三")]


def test_sheet_never_overwrites_a_filled_sheet(kjj_sheet, tracker, capsys):
    fill(kjj_sheet, kjj_sheet, {("32", "新建5G基站"): {"本季度累计完成": 170}})
    code, out, err = run(capsys, "sheet", "--unit", "kjj", "-o", kjj_sheet.name)
    assert code == 2 and "已填写了 1 行,未覆盖" in err
    assert fill(kjj_sheet, tracker / "again.xlsx", {("32", "新建5G基站"): {}})  # still filled
    _, _, columns, rows = table(kjj_sheet)
    assert any(cell(r, columns, "本季度累计完成").value == 170 for r in rows)
    code, out, err = run(capsys, "sheet", "--unit", "kjj", "-o", kjj_sheet.name, "--force")
    assert code == 0, err
    _, _, columns, rows = table(kjj_sheet)
    assert all(cell(r, columns, "本季度累计完成").value is None for r in rows)


# --------------------------------------------------------------------------- the rules on plain rows


def small_plan() -> Plan:
    tasks = (
        Item("1", "task", "新建基站10个。", lead=("甲局",), metrics=(Metric("新建基站", 10, "个"),)),
        Item("2", "task", "推进改革。", lead=("乙局",), units=("甲局",)),
        Item("3", "task", "两项指标。", lead=("甲局",), metrics=(Metric("A", 4, "家"), Metric("B", 8, "家"))),
    )
    return Plan(info=PlanInfo(title="测试方案", year=2025), tasks=tasks)


def test_sheet_rows_and_check_filled_without_files():
    plan = small_plan()
    directory = Directory.empty()
    query = directory.unit_query("甲局", ["甲局", "乙局"])
    earlier = Entry("1", Quarter(2025, 1), date(2025, 3, 30), "新建基站", 3.0, by="甲局")
    rows = sheet_rows(plan, directory, [earlier], query, Q2, all_roles=False)
    assert [(r.item.id, r.metric.name if r.metric else None) for r in rows] == [("1", "新建基站"), ("3", "A"), ("3", "B")]
    assert rows[0].last_shown == 3.0 and rows[0].expected == 5
    rows = sheet_rows(plan, directory, [], query, Q2, all_roles=True)
    assert [(r.item.id, r.role) for r in rows if r.metric is None] == [("2", "责任")]

    info = SheetInfo("测试方案", 2025, "甲局", Q2)
    filled = [
        FilledRow(6, 1, "新建基站10个。", "新建基站", 5),
        FilledRow(7, 3, "两项指标。", "A", None, status="推进中"),
        FilledRow(8, 3, "两项指标。", "B"),  # nothing filled
        FilledRow(9, "2", "推进改革。", None, "abc"),
    ]
    kwargs = dict(source="s.xlsx", by="甲局", day=None, now=datetime(2025, 6, 20, 9), today=date(2025, 6, 20))
    result = check_filled(plan, info, filled, [], **kwargs)
    assert [a.row for a in result.accepted] == [6, 7] and result.blank == 1
    assert [str(r) for r in result.rejected] == ["第 9 行(任务 2):本季度累计完成\"abc\"不是数字"]
    assert result.accepted[0].recorded.record["value"] == 5
    assert result.accepted[1].recorded.record == {
        "id": 3, "metric": "A", "status": "推进中", "date": "2025-06-20", "by": "甲局", "at": "2025-06-20T09:00:00",
    }
    # what the log already holds is not recorded again
    logged = [
        Entry("1", Q2, date(2025, 6, 1), "新建基站", 5.0, by="甲局", seq=0),
        Entry("3", Q2, date(2025, 6, 1), "A", None, "推进中", by="甲局", seq=1),
    ]
    again = check_filled(plan, info, filled[:3], logged, **kwargs)
    assert again.accepted == [] and again.same == 2


def test_sheet_all_writes_every_sheet_it_can_and_lists_the_skipped(tracker, capsys):
    code, out, err = run(capsys, "sheet", "--all", "--quarter", "Q2", "-o", "报送表")
    assert code == 0, err
    folder = tracker / "报送表"
    total = len(list(folder.iterdir()))
    # Two units have filled in their sheets (not yet ingested); the office regenerates all.
    for unit in ("区科经局", "区教育局"):
        path = folder / f"{unit}-2025Q2.xlsx"
        wb, ws, columns, rows = table(path)
        first = rows[0]
        cell(first, columns, "进展说明").value = "已填写"
        wb.save(path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for p in folder.iterdir():
        if p.name not in ("区科经局-2025Q2.xlsx", "区教育局-2025Q2.xlsx"):
            p.unlink()
    code, out, err = run(capsys, "sheet", "--all", "--quarter", "Q2", "-o", "报送表")
    assert code == 1
    assert len(list(folder.iterdir())) == total  # every other sheet written again
    assert f"写入 {total - 2} 个单位" in out
    assert "跳过 2 个单位" in err and "区科经局:" in err and "区教育局:" in err and "已填写了 1 行" in err
    for unit in ("区科经局", "区教育局"):  # the filled sheets untouched
        name = f"{unit}-2025Q2.xlsx"
        assert (folder / name).read_bytes() == before[name]


def test_a_relative_target_reads_as_what_it_follows_and_ingests(tracker, capsys):
    """Issue 29: G7 (与经济增长基本同步, follows G1) says 全年目标 ≥G1, never 0; the filled row
    still ingests."""
    code, out, err = run(capsys, "sheet", "--unit", "区发改局", "--quarter", "Q2", "-o", "fgj.xlsx")
    assert code == 0, err
    wb, ws, columns, rows = table(tracker / "fgj.xlsx")
    g7 = next(r for r in rows if str(cell(r, columns, "编号").value) == "G7")
    g1 = next(r for r in rows if str(cell(r, columns, "编号").value) == "G1")
    assert cell(g7, columns, "全年目标").value == "≥G1" and cell(g1, columns, "全年目标").value == 7
    fill(tracker / "fgj.xlsx", tracker / "filled.xlsx", {("G7", "城乡常住居民人均可支配收入增长"): {"本季度累计完成": 6.5}})
    code, out, err = run(capsys, "ingest", "filled.xlsx")
    assert code == 0, err
    assert [(e["id"], e["value"]) for e in log_lines(tracker)] == [("G7", 6.5)]
