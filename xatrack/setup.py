"""Making registries and trackers: `import` and `init`.

Reads the official text through the importer, writes files through the store.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

from xatrack.directory.names import local_prefixes
from xatrack.errors import DataError, InputError
from xatrack.importer import import_file
from xatrack.importer.compare import plan_changes
from xatrack.importer.embedded import carried_result, docx_registry, markdown_registry, onto_carried
from xatrack.importer.result import ImportWarning
from xatrack.importer.sheet_edits import apply_sheet, sheet_result
from xatrack.model import Plan, PlanInfo
from xatrack.registry import dump_plan, parse_registry
from xatrack.store import DIRECTORY, PROGRESS, REGISTRY, write_atomic

BUNDLED_PLAN = "2025-xianan.txt"
BUNDLED_UNITS = "2025-xianan.units.yaml"


def bundled(name: str) -> Path:
    return Path(str(resources.files("xatrack") / "data" / name))


def default_overrides(plan_file: Path) -> Path | None:
    candidate = plan_file.with_name(plan_file.stem + ".overrides.yaml")
    return candidate if candidate.is_file() else None


def registry_header(plan_file: Path, overrides: Path | None) -> str:
    return "\n".join(
        [
            "任务清单(registry):忠实记录官方方案的主要目标和任务。",
            f"由 xatrack import 从 {plan_file.name} 生成" + (f",人工审定见 {overrides.name}。" if overrides else "。"),
            "修改官方内容请改方案文本或审定文件后重新生成;进度记录在 progress/ 中。",
        ]
    )


def build_registry(plan_file: Path, overrides: Path | None, *, first_unit_lead: bool = False):
    """(import result, registry text) for an official text and its overrides, or for a 分解表 that
    ``plan export`` wrote (its hidden copy of the registry with the changed cells applied)."""
    if plan_file.suffix.lower() == ".xlsx" and plan_file.is_file():
        # lazy: heavy - openpyxl, only for a workbook
        from xatrack.io.plan_xlsx import is_plan_workbook

        if is_plan_workbook(plan_file):
            return registry_from_sheet(plan_file)
    carried = carried_registry(plan_file)
    if carried:
        return registry_from_document(plan_file, carried)
    result = import_file(plan_file, overrides, first_unit_lead=first_unit_lead)
    return result, dump_plan(result.plan, header=registry_header(plan_file, overrides))


def carried_registry(path: Path) -> str:
    """The registry a document written by ``plan --format docx|md`` carries ("" for any other file)."""
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".md", ".markdown") or not path.is_file():
        return ""
    if suffix == ".docx":
        return docx_registry(path.read_bytes())
    return markdown_registry(path.read_text(encoding="utf-8", errors="replace"))[1]


def registry_from_document(path: Path, carried: str):
    """(import result, registry text) of a 分解方案 xatrack wrote: what it shows onto the registry it
    carries; unchanged, the carried registry byte for byte."""
    plan, problems = parse_registry(carried, f"{path}[任务清单]")
    result = import_file(path, None)
    if plan is None:  # unreadable: read as any document
        return result, dump_plan(result.plan, header=registry_header(path, None))
    merged, changes = onto_carried(result, plan)
    result = carried_result(result, merged, changes)
    if not changes:
        return result, carried
    text = dump_plan(merged, header=comment_header(carried))
    return result, with_settings_of(text, carried) or text


def registry_from_sheet(path: Path):
    """(import result, registry text) of a 分解表 written by ``plan export``: unchanged cells give the
    registry as exported, byte for byte."""
    # lazy: heavy - openpyxl, only for a workbook
    from xatrack.io.plan_xlsx import read_plan_workbook

    sheet = read_plan_workbook(path)
    if not sheet.source:
        return registry_from_bare_sheet(path, sheet)
    plan, problems = parse_registry(sheet.source, f"{path}[xatrack]")
    if plan is None:
        first = problems[0].message if problems else "无法读取"
        raise DataError(f"{path} 中留存的任务清单无法读取:{first}")
    edited = apply_sheet(plan, sheet.rows)
    result = sheet_result(edited, "Excel 分解表(.xlsx)")
    if not edited.changes:
        text = sheet.source if sheet.source.endswith("\n") else sheet.source + "\n"
        return result, text
    text = dump_plan(edited.plan, header=comment_header(sheet.source))
    return result, with_settings_of(text, sheet.source) or text  # every settings key, as exported


def onto_current(text: str, current: Path) -> tuple[str, list[str] | None]:
    """The registry ``text`` about to be written over ``current`` (a tasks.yaml): the current
    ``settings`` kept (they are the office's, never the document's), and what would change
    (None: the current file is not there)."""
    if not current.is_file():
        return text, None
    old_text = current.read_text(encoding="utf-8", errors="replace")
    if old_text == text:
        return text, []
    old_plan, _ = parse_registry(old_text, str(current))
    new_plan, _ = parse_registry(text, "<导入结果>")
    if old_plan is None or new_plan is None:
        return text, [f"{current.name} 无法读取为任务清单,将被整个替换"]
    kept = with_settings_of(text, old_text)
    if kept is not None:
        text = kept
        new_plan = replace(new_plan, settings=old_plan.settings)
    return text, plan_changes(old_plan, new_plan)


def _settings_span(lines: list[str]) -> tuple[int, int] | None:
    """The lines of the top-level ``settings:`` block (without the blank lines after it)."""
    start = next((index for index, line in enumerate(lines) if line.startswith("settings:")), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t#"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end


def with_settings_of(text: str, current: str) -> str | None:
    """``text`` with its settings block replaced by the one of ``current``, verbatim (every key and
    comment the office wrote); None when either has none or they are the same."""
    new_lines, old_lines = text.split("\n"), current.split("\n")
    new_span, old_span = _settings_span(new_lines), _settings_span(old_lines)
    if new_span is None or old_span is None:
        return None
    block = old_lines[old_span[0] : old_span[1]]
    if block == new_lines[new_span[0] : new_span[1]]:
        return None
    return "\n".join(new_lines[: new_span[0]] + block + new_lines[new_span[1] :])


def unimported_changes(path: Path) -> list[str]:
    """What an existing 分解表 or 分解方案 that xatrack wrote changes against the registry it carries (the
    office's edits, not yet imported); [] for an unchanged one or any other file."""
    if not path.is_file():
        return []
    try:
        if path.suffix.lower() == ".xlsx":
            # lazy: heavy - openpyxl, only for a workbook
            from xatrack.io.plan_xlsx import is_plan_workbook, read_plan_workbook

            if not is_plan_workbook(path):
                return []
            sheet = read_plan_workbook(path)
            plan, _ = parse_registry(sheet.source, str(path)) if sheet.source else (None, [])
            return list(apply_sheet(plan, sheet.rows).changes) if plan is not None else []
        carried = carried_registry(path)
        plan, _ = parse_registry(carried, str(path)) if carried else (None, [])
        return onto_carried(import_file(path, None), plan)[1] if plan is not None else []
    except DataError:
        return []


def has_progress(folder: Path) -> bool:
    """Whether a tracker folder holds progress logs (a re-import there must say what it changes)."""
    logs = folder / PROGRESS
    return logs.is_dir() and any(path.suffix == ".yaml" and path.stat().st_size > 0 for path in logs.iterdir())


def registry_from_bare_sheet(path: Path, sheet):
    """A 分解表 copied without its hidden registry (into a new workbook): every row read as a new item,
    with what the table shows; actions and sections are not in the table."""
    year = re.search(r"((?:19|20)\d{2})\s*年", sheet.title)
    info = PlanInfo(title=sheet.title, year=int(year.group(1)) if year else 0)
    edited = apply_sheet(Plan(info=info), sheet.rows)
    result = sheet_result(edited, "Excel 分解表(.xlsx,无留存的任务清单)")
    note = ImportWarning(0, "分解表中没有 plan export 留存的任务清单(可能复制到了新工作簿):按表中各行新建,行动和小标题不在表中")
    result = replace(result, warnings=(note, *result.warnings))
    return result, dump_plan(edited.plan, header=registry_header(path, None))


def comment_header(registry_text: str) -> str:
    """The comment lines a registry starts with, without their ``# ``."""
    lines = []
    for line in registry_text.split("\n"):
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines)


def directory_skeleton(plan) -> str:
    """A units.yaml listing every name of a newly imported plan, to be completed by hand."""
    units: dict[str, None] = {}
    leaders: dict[str, None] = {}
    for item in plan.items:
        for name in item.lead + item.units:
            units[name] = None
        for name in item.leaders:
            leaders[name] = None
    lines = [
        "# 单位与领导目录(由 xatrack init 根据方案生成,请补充别名 aliases 和分组 groups)。",
        "# 每个单位可写 aliases(简称)、contact(联络员)、phone;groups 把“各乡镇”这样的统称展开为成员单位。",
        "# 例:  - {name: 县交通运输局, aliases: [交通局, jtj]}",
        f"prefixes: [{', '.join(_quote(n) for n in local_prefixes(plan.info.issuer))}]  # 本地地名,查询时可省略",
        "units:" if units else "units: []",
        *(f"  - {{name: {_quote(n)}}}" for n in units),
        "groups: {}",
        "leaders:" if leaders else "leaders: []",
        *(f"  - {{name: {_quote(n)}}}" for n in leaders),
    ]
    return "\n".join(lines) + "\n"


def _quote(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


TRACKER_README = """\
# {title}

本目录由 xatrack 管理,用于督办跟踪。

- `tasks.yaml`:任务清单(由官方方案生成,保持原文);`settings` 中可写通报的版头、下步要求和催办回复期限;
- `units.yaml`:单位与领导目录(别名、分组、联络员和电话),可按实际补充;
- `progress/`:每季度一个进度记录,只追加,不要修改已有条目。

## 一个季度怎么做(以二季度为例,在本目录中运行)

    xatrack sheet --all --quarter Q2 -o 报送表-{year}Q2/     1. 每个牵头单位一个 Excel 报送表,发给各单位联络员
    xatrack ingest 收回/*.xlsx                             2. 导入单位填好的报送表(有不合格的行时什么也不写入)
    xatrack update {item} --done {done} --by {unit}             个别数字也可以直接报送或更正
    xatrack check                                          3. 检查任务清单、目录和进度记录
    xatrack overdue --quarter Q2 --by unit                 4. 滞后、严重滞后和未报送的事项
    xatrack remind --quarter Q2 --format docx -o 催办单/   5. 给未报送、严重滞后、逾期报送的单位出催办单
    xatrack report --quarter Q2 -o 通报-{year}Q2.docx        6. 季度通报(Word 公文格式;也可 .html、.xlsx、.md)
    xatrack report --quarter Q2 --publish                  7. 通报印发后留存(以后补报的数字不改变已印发的通报)

方案没有写明牵头单位、责任领导时:`xatrack plan export -o 分解表.xlsx` 导出分解表,在 Excel/WPS 中补填,
再 `xatrack import 分解表.xlsx --review --onto tasks.yaml` 核对、`xatrack import 分解表.xlsx --force` 写入。

平时查询:`xatrack list --leader 领导姓名`(某位领导的事项)、`xatrack list --unit 单位简称`、`xatrack show 编号`。
每个命令的用法:xatrack 命令 --help。

多个单位共用时,把本目录放进 git 仓库,各单位各自克隆,报送后 git pull / git push。
"""


def readme_example(plan) -> dict:
    """The tracker's own year, an item of its plan with a counted metric and its lead unit, for the
    README's examples (a new county reads its own names, not 咸安's)."""
    items = [item for item in plan.tasks or plan.items if item.metrics]
    item = next((i for i in items if i.lead), items[0] if items else (plan.items[0] if plan.items else None))
    metric = item.metrics[0] if item is not None and item.metrics else None
    unit = item.lead[0] if item is not None and item.lead else (item.units[0] if item is not None and item.units else "牵头单位")
    done = f"{metric.target / 2:g}" if metric is not None else "1"
    return {"year": plan.info.year, "item": item.id if item is not None else "1", "done": done, "unit": unit}


def with_plan_info(result, text: str, *, year: int | None = None, title: str | None = None, issuer: str | None = None):
    """(result, registry text) with the year, title and issuer given by hand (init --year/--title/--issuer)."""
    info = result.plan.info
    fixed = replace(info, year=year or info.year, title=title or info.title, issuer=issuer or info.issuer)
    if fixed == info:
        return result, text
    plan = replace(result.plan, info=fixed)
    return replace(result, plan=plan), dump_plan(plan, header=comment_header(text))


def init_tracker(folder: Path, source: Path | None, *, year: int | None = None, title: str | None = None,
                 issuer: str | None = None, first_unit_lead: bool = False):
    """Make a new tracker in ``folder`` from ``source`` (default: the bundled 2025 plan):
    tasks.yaml, units.yaml, progress/, .gitattributes, .gitignore and README.md. ``year``, ``title``
    and ``issuer`` set what the document does not say clearly; a plan whose year is still unknown is
    refused. Returns (the plan file read, its importer result)."""
    if year is not None and not 1949 <= year <= 2100:
        raise InputError(f"--year {year} 不是有效的年度,应为如 2030 的四位年份")
    if (folder / REGISTRY).exists():
        raise InputError(f"{folder} 中已有 {REGISTRY},不覆盖;请换一个目录")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} 已存在且不是目录")
    plan_file = source if source is not None else bundled(BUNDLED_PLAN)
    if source is not None and not source.is_file():
        raise InputError(f"--from 指定的文件 {source} 不存在")
    overrides = default_overrides(plan_file)
    result, text = build_registry(plan_file, overrides, first_unit_lead=first_unit_lead)
    result, text = with_plan_info(result, text, year=year, title=title, issuer=issuer)
    plan = result.plan
    if not plan.items:
        raise DataError(f"{plan_file} 中没有识别出任何目标或任务,未创建跟踪目录")
    if not 1949 <= plan.info.year <= 2100:
        raise InputError(f"无法从 {plan_file.name} 确定计划年度(读到 {plan.info.year}),未创建跟踪目录;请用 --year 指定,如 --year 2030")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PROGRESS).mkdir(exist_ok=True)
    units_text = (
        bundled(BUNDLED_UNITS).read_text(encoding="utf-8") if source is None else directory_skeleton(plan)
    )
    write_atomic(folder / DIRECTORY, units_text)
    write_atomic(folder / ".gitattributes", "progress/*.yaml merge=union\nfindings/*.yaml merge=union\n")
    write_atomic(folder / ".gitignore", "progress/*.lock\nfindings/*.lock\nevidence/*/.incoming.*\n")
    write_atomic(folder / "README.md", TRACKER_README.format(title=plan.info.title or "督办跟踪", **readme_example(plan)))
    write_atomic(folder / REGISTRY, text)
    return plan_file, result
