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
