"""The plan as the table offices use (分解表.xlsx): written by ``plan export``, read back by ``import``.

Sheet 分解表: 序号, 目标任务, 责任领导, 牵头单位, 责任单位, 完成时限, then one metric per row (指标, 目标值,
计量单位, 类型, 方向, 基期值); an item of several metrics takes several rows with the same 序号, its own cells
filled on the first. Drop-downs (from units.yaml) help fill 责任领导 / 牵头单位 / 责任单位 without
forbidding a list of several names.

A hidden sheet (``xatrack``) keeps the registry as exported, so what the table does not show (actions,
sections, schedules, notes, settings) comes back unchanged and a cell that was not changed changes
nothing (``importer.sheet_edits``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from xatrack.errors import DataError
from xatrack.model import Plan

SHEET = "分解表"
SOURCE_SHEET = "xatrack"
NAMES_SHEET = "名录"
COLUMNS = ("序号", "目标任务", "责任领导", "牵头单位", "责任单位", "完成时限", "指标", "目标值", "计量单位", "类型", "方向", "基期值")
# A 分解表 exported before the 基期值 column (baseline) was added is read too; its metrics keep their baselines.
EARLIER_COLUMNS = COLUMNS[:-1]
KIND_LABELS = {"cumulative": "累计", "growth": "增速", "level": "水平", "relative": "对照", "reference": "对照数"}
OP_LABELS = {">=": "不低于", "<=": "不高于"}
_WIDTHS = (6, 60, 14, 18, 30, 12, 22, 9, 9, 7, 7, 8)
MAX_ROWS = 20000


@dataclass(frozen=True)
class SheetRow:
    """One row of 分解表 as read back (cells as text, the target as a number or None)."""

    row: int  # the spreadsheet's row number
    seq: str
    text: str
    leaders: str
    lead: str
    units: str
    deadline: str
    metric: str
    target: float | None
    unit: str
    kind: str  # the label (累计…) as written
    op: str  # 不低于 / 不高于 as written
    baseline: float | None = None  # 基期值, None when empty
    has_baseline: bool = True  # False for a sheet exported before the 基期值 column: keep the registry's

    @property
    def has_item_cells(self) -> bool:
        return any((self.text, self.leaders, self.lead, self.units, self.deadline))

    @property
    def has_metric(self) -> bool:
        return bool(self.metric or self.target is not None or self.unit)


@dataclass(frozen=True)
class PlanSheet:
    rows: tuple[SheetRow, ...]
    source: str  # the registry text as exported ("" when the workbook has none)
    title: str = ""  # the workbook's title property (the plan's title, as exported)


def plan_workbook_bytes(plan: Plan, registry_text: str, units: list[str], leaders: list[str]) -> bytes:
    # lazy: heavy - openpyxl (150 ms) only for plan export
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from xatrack.views.safe_cells import no_formulas

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    wb.properties.creator = "xatrack"
    wb.properties.title = plan.info.title or "目标任务责任分解表"
    ws.append(list(COLUMNS))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, width in enumerate(_WIDTHS, start=1):
        cell = ws.cell(row=1, column=column)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "C2"
    wrap = Alignment(wrap_text=True, vertical="top")
    for item in plan.items:
        metrics = item.metrics or (None,)
        for index, metric in enumerate(metrics):
            first = index == 0
            values = [
                item.id,
                item.text if first else "",
                "、".join(item.leaders) if first else "",
                "、".join(item.lead) if first else "",
                "、".join(item.units) if first else "",
                item.deadline if first else "",
                metric.name if metric else "",
                metric.target if metric else None,
                metric.unit if metric else "",
                KIND_LABELS.get(metric.kind, metric.kind) if metric else "",
                OP_LABELS.get(metric.op, metric.op) if metric else "",
                metric.baseline if metric else None,
            ]
            ws.append(values)
            for column in range(1, len(COLUMNS) + 1):
                cell = ws.cell(row=ws.max_row, column=column)
                cell.alignment = wrap
                if column not in (8, 12):
                    cell.number_format = "@"  # 序号 1 stays "1", never 1.0
    last = max(ws.max_row, 2) + 200  # room for rows the office adds

    names = wb.create_sheet(NAMES_SHEET)
    names.append(["单位", "领导"])
    for index in range(max(len(units), len(leaders))):
        names.append([units[index] if index < len(units) else None, leaders[index] if index < len(leaders) else None])
    names.sheet_state = "hidden"

    def pick(column: str, source: str | None, title: str) -> None:
        if not source:
            return
        rule = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False,
                              promptTitle=title, prompt="可从下拉列表选择;多个名称用顿号(、)分开", showInputMessage=True)
        ws.add_data_validation(rule)
        rule.add(f"{column}2:{column}{last}")

    pick("C", f"'{NAMES_SHEET}'!$B$2:$B${len(leaders) + 1}" if leaders else None, "责任领导")
    pick("D", f"'{NAMES_SHEET}'!$A$2:$A${len(units) + 1}" if units else None, "牵头单位")
    pick("E", f"'{NAMES_SHEET}'!$A$2:$A${len(units) + 1}" if units else None, "责任单位")
    kinds = DataValidation(type="list", formula1='"' + ",".join(list(KIND_LABELS.values())[:3]) + '"', allow_blank=True,
                           showErrorMessage=True, error="类型请选:累计、增速、水平")
    ws.add_data_validation(kinds)
    kinds.add(f"J2:J{last}")
    ops = DataValidation(type="list", formula1='"不低于,不高于"', allow_blank=True, showErrorMessage=True,
                         error="方向请选:不低于、不高于")
    ws.add_data_validation(ops)
    ops.add(f"K2:K{last}")

    source = wb.create_sheet(SOURCE_SHEET)
    for line in registry_text.split("\n"):
        source.append([line])
        source.cell(row=source.max_row, column=1).number_format = "@"
    source.sheet_state = "hidden"
    no_formulas(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def is_plan_workbook(path: Path) -> bool:
    """Whether an .xlsx is a 分解表 written by ``plan export`` (its sheet 分解表 with our header)."""
    wb = _open(path)
    try:
        return SHEET in wb.sheetnames and _known_header(_header(wb[SHEET]))
    finally:
        wb.close()


def read_plan_workbook(path: Path) -> PlanSheet:
    wb = _open(path)
    try:
        if SHEET not in wb.sheetnames or not _known_header(_header(wb[SHEET])):
            raise DataError(f"{path} 不是 plan export 写出的分解表(缺少“{SHEET}”表或表头不符)")
        ws = wb[SHEET]
        with_baseline = _header(ws) == list(COLUMNS)
        if (ws.max_row or 0) > MAX_ROWS:
            raise DataError(f"{path} 的分解表超过 {MAX_ROWS} 行,未读取")
        rows = []
        for number, values in enumerate(ws.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True), start=2):
            cells = list(values) + [None] * (len(COLUMNS) - len(values))
            if all(value is None or str(value).strip() == "" for value in cells):
                continue
            rows.append(_row(path, number, cells, with_baseline))
        source = ""
        if SOURCE_SHEET in wb.sheetnames:
            lines = [row[0] if row and row[0] is not None else "" for row in wb[SOURCE_SHEET].iter_rows(max_col=1, values_only=True)]
            source = "\n".join(str(line) for line in lines)
        return PlanSheet(tuple(rows), source, _text(wb.properties.title))
    finally:
        wb.close()


def _known_header(header: list[str]) -> bool:
    return header == list(COLUMNS) or (header[: len(EARLIER_COLUMNS)] == list(EARLIER_COLUMNS) and not any(header[len(EARLIER_COLUMNS):]))


def _number(path: Path, number: int, value, what: str) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return float(str(value).strip().rstrip("%"))
    except ValueError:
        raise DataError(f"{path} 分解表第{number}行:{what}“{_text(value)}”不是数字") from None


def _row(path: Path, number: int, cells: list, with_baseline: bool = True) -> SheetRow:
    text = [_text(value) for value in cells]
    target = _number(path, number, cells[7], "目标值")
    baseline = _number(path, number, cells[11], "基期值") if with_baseline else None
    return SheetRow(number, _seq(cells[0]), text[1], text[2], text[3], text[4], text[5], text[6], target,
                    text[8], text[9], text[10], baseline, with_baseline)


def _seq(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(value).upper().rstrip(".、")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(ws) -> list[str]:
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=len(COLUMNS), values_only=True), ())
    return [_text(value) for value in first]


def _open(path: Path):
    # lazy: heavy - openpyxl (150 ms) only when a workbook is read
    import zipfile

    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DataError(f"{path} 无法作为 Excel 工作簿打开:{type(error).__name__}") from None
