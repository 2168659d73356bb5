"""Reading and appending ``findings/<year>.yaml`` through the store's primitives
(store.read_text, store.read_records, store.append_entries: the same locked,
fsynced, torn-write-safe append as the progress logs). The rules are in
findings.py; this module only moves bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from xatrack.errors import DataError, Problem
from xatrack.logfile import read_records
from xatrack.store import PROGRESS, append_entries, read_log_text

if TYPE_CHECKING:  # the rules are imported only when a findings file exists
    from xatrack.findings import Finding

# findings.FOLDER: kept here too so that a tracker without findings never
# imports the rules (every list/overdue asks whether there are any).
FOLDER = "findings"


def findings_path(root: Path, year: int) -> Path:
    return root / FOLDER / f"{int(year)}.yaml"


def header(year: int) -> str:
    return (
        f"# {year}年督查发现及整改销号记录(xatrack 追加写入)。\n"
        "# 每行一条:发现(add)、整改进展(update)、销号(close)、重新打开(reopen);不要修改或删除已有条目。\n"
    )


def load(root: Path, year: int) -> tuple[dict[str, "Finding"], list[Problem]]:
    """The findings of a plan year and the problems met reading them (none if no file)."""
    path = findings_path(root, year)
    source = f"{FOLDER}/{path.name}"
    if not path.exists():
        return {}, []
    from xatrack.findings import build  # lazy: heavy - findings and hashlib (OpenSSL) cost 5 ms: a tracker without findings never pays it

    try:
        text = read_log_text(path)
    except DataError as error:
        return {}, [Problem(source, None, error.message)]
    records, problems = read_records(text, source)
    found, more = build(records, source)
    return found, problems + more


def append(root: Path, year: int, record: dict[str, Any]) -> Path:
    path = findings_path(root, year)
    append_entries(path, [record], header=header(year), settle=_renamed)
    return path


def _renamed(records: list) -> None:
    """A finding's id is its content's hash: named again once the store has
    settled its ``at`` (moved past the last entry's under a fixed clock), so
    the id recorded always matches the content recorded."""
    from xatrack.findings import finding_id  # lazy: heavy - hashlib (OpenSSL); only a finding being added

    for record in records:
        if record.get("op") == "add":
            record["fid"] = finding_id(record)


def progress_evidence(tracker) -> tuple[list[tuple[Any, str, int]], list[Problem]]:
    """Evidence cited by the progress logs: (ref, file, line) each, and malformed fields."""
    from xatrack.findings import evidence_refs  # lazy: heavy - findings and hashlib (OpenSSL) cost 5 ms; only check cites evidence

    refs: list[tuple[Any, str, int]] = []
    problems: list[Problem] = []
    for path, _quarter in tracker.log_files():
        source = f"{PROGRESS}/{path.name}"
        try:
            text = read_log_text(path)
        except DataError:
            continue  # check reports the log itself
        if "evidence" not in text:
            continue
        records, _ = read_records(text, source)
        for line, raw in records:
            if not isinstance(raw, dict) or "evidence" not in raw:
                continue
            try:
                refs.extend((ref, source, line) for ref in evidence_refs(raw["evidence"]))
            except ValueError as error:
                problems.append(Problem(source, line, str(error)))
    return refs, problems


def finding_evidence(found: dict[str, Finding]) -> list[tuple[Any, str, int]]:
    return [(ref, event.file, event.line) for f in found.values() for event in f.events for ref in event.evidence]
