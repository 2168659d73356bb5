"""Making registries and trackers: `import` and `init`.

Reads the official text through the importer, writes files through the store.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from xatrack.errors import DataError, InputError
from xatrack.importer import import_file
from xatrack.registry import dump_plan
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


def build_registry(plan_file: Path, overrides: Path | None):
    """(import result, registry text) for an official text and its overrides."""
    result = import_file(plan_file, overrides)
    return result, dump_plan(result.plan, header=registry_header(plan_file, overrides))


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
        "# 写法见随附目录 xatrack/data/2025-xianan.units.yaml。",
        "units:",
        *(f"  - {{name: {_quote(n)}}}" for n in units),
        "groups: {}",
        "leaders:",
        *(f"  - {{name: {_quote(n)}}}" for n in leaders),
    ]
    if not units:
        lines[2] = "units: []"
    if not leaders:
        lines[-1] = "leaders: []"
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

    xatrack sheet --all --quarter Q2 -o 报送表-2025Q2/     1. 每个牵头单位一个 Excel 报送表,发给各单位联络员
    xatrack ingest 收回/*.xlsx                             2. 导入单位填好的报送表(有不合格的行时什么也不写入)
    xatrack update 32 --done 120 --by 区科经局             个别数字也可以直接报送或更正
    xatrack check                                          3. 检查任务清单、目录和进度记录
    xatrack overdue --quarter Q2 --by unit                 4. 滞后、严重滞后和未报送的事项
    xatrack remind --quarter Q2 --format docx -o 催办单/   5. 给未报送、严重滞后、逾期报送的单位出催办单
    xatrack report --quarter Q2 -o 通报-2025Q2.docx        6. 季度通报(Word 公文格式;也可 .html、.xlsx、.md)
    xatrack report --quarter Q2 --publish                  7. 通报印发后留存(以后补报的数字不改变已印发的通报)

平时查询:`xatrack list --leader 领导姓名`(某位领导的事项)、`xatrack list --unit 单位简称`、`xatrack show 编号`。
每个命令的用法:xatrack 命令 --help。

多个单位共用时,把本目录放进 git 仓库,各单位各自克隆,报送后 git pull / git push。
"""


def init_tracker(folder: Path, source: Path | None):
    """Make a new tracker in ``folder`` from ``source`` (default: the bundled 2025 plan):
    tasks.yaml, units.yaml, progress/, .gitattributes, .gitignore and README.md.
    Returns (the plan file read, its importer result)."""
    if (folder / REGISTRY).exists():
        raise InputError(f"{folder} 中已有 {REGISTRY},不覆盖;请换一个目录")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} 已存在且不是目录")
    plan_file = source if source is not None else bundled(BUNDLED_PLAN)
    if source is not None and not source.is_file():
        raise InputError(f"--from 指定的文件 {source} 不存在")
    overrides = default_overrides(plan_file)
    result, text = build_registry(plan_file, overrides)
    plan = result.plan
    if not plan.items:
        raise DataError(f"{plan_file} 中没有识别出任何目标或任务,未创建跟踪目录")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PROGRESS).mkdir(exist_ok=True)
    units_text = (
        bundled(BUNDLED_UNITS).read_text(encoding="utf-8") if source is None else directory_skeleton(plan)
    )
    write_atomic(folder / DIRECTORY, units_text)
    write_atomic(folder / ".gitattributes", "progress/*.yaml merge=union\nfindings/*.yaml merge=union\n")
    write_atomic(folder / ".gitignore", "progress/*.lock\nfindings/*.lock\nevidence/*/.incoming.*\n")
    write_atomic(folder / "README.md", TRACKER_README.format(title=plan.info.title or "督办跟踪"))
    write_atomic(folder / REGISTRY, text)
    return plan_file, result
