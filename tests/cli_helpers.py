"""Running the CLI in-process, as the CLI tests do."""

from __future__ import annotations

import json

from xatrack.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``xatrack ARGS``."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def ids_of(capsys, *args: str) -> list[str]:
    """The item ids ``xatrack ARGS --format json`` lists."""
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    return [row["id"] for row in json.loads(out)]


def xlsx_tables(sheet) -> dict:
    """A worksheet of several tables (the xlsx bulletin's 汇总, 各季度对比) read
    back by caption and header name: {caption: (header, rows as dicts, notes)}.

    Row 1 is the sheet's title. A table is a run of rows between blank rows:
    caption and note lines (text in column A only), an optional row of quarter
    labels over the header (its first cell empty: the columns under a label are
    named "Q1 未报送"), the header row, then its rows."""
    tables: dict = {}
    block: list = []
    for row in list(sheet.iter_rows(min_row=2, values_only=True)) + [()]:
        if any(v is not None for v in row):
            block.append(list(row))
            continue
        lines = [r[0] for r in block if r[0] is not None and all(v is None for v in r[1:])]
        grid = [r for r in block if sum(v is not None for v in r) > 1]
        groups: list = []
        if grid and grid[0][0] is None:
            label = None
            for value in grid.pop(0):
                label = value if value is not None else label
                groups.append(label)
        if lines and grid:
            header = [
                f"{groups[i]} {h}" if i < len(groups) and groups[i] else h for i, h in enumerate(grid[0]) if h is not None
            ]
            rows = [dict(zip(header, r)) for r in grid[1:]]
            tables[lines[0]] = (header, rows, " ".join(lines[1:]))
        block = []
    return tables
