"""Making trackers and running the CLI in-process, as the tests do.

``make_tracker`` copies the repository's tracker files; every test that needs
the shipped plan on disk goes through it (the ``tracker`` and ``replayed``
fixtures of conftest.py included). ``run`` runs ``xatrack ARGS`` inside a test
(pytest's capsys holds the output); ``invoke`` does the same where capsys is not
at hand (module fixtures, helpers called outside a test's capture). Both go in
as the `xatrack` command does (quick.main): plain list/overdue lines take the
quick path, the rest the Typer app; tests/test_quick.py compares the two ways.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

from xatrack.quick import main  # what the `xatrack` command runs: the quick path, else the Typer app

REPO = Path(__file__).resolve().parents[1]


def make_tracker(root: Path, files: tuple[str, ...] = ("tasks.yaml", "units.yaml")) -> Path:
    """``root`` (made if missing) holding copies of the repository's ``files``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(REPO / name, root / name)
    return root


def _main(args) -> int:
    """The exit code of ``xatrack ARGS`` run in this process."""
    try:
        main(list(args))
    except SystemExit as exit_:
        return exit_.code or 0
    return 0


def run(capsys, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``xatrack ARGS``."""
    code = _main(args)
    out, err = capsys.readouterr()
    return code, out, err


def invoke(*args: str, env: dict[str, str] | None = None, merged: bool = False) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``xatrack ARGS``, its output caught here rather than by
    capsys; ``env``: variables set for this run only; ``merged``: stderr goes to stdout, in order."""
    saved = {key: os.environ.get(key) for key in env or {}}
    os.environ.update(env or {})
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out if merged else err):
            code = _main(args)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return code, out.getvalue(), err.getvalue()


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
