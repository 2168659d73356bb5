"""Many units, one tracker: a repository, a clone per unit, git pull / git push.

The progress logs are append-only with one entry per line and marked
``merge=union`` in .gitattributes, so git merges what two clones recorded
without conflicts, even when both record the same task in the same quarter
and both create that quarter's log.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_helpers import invoke
from xatrack.model import Quarter
from xatrack.logfile import read_log
from xatrack.store import log_header

REPO = Path(__file__).resolve().parents[1]
LOG = "progress/2025-Q2.yaml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


from git_helpers import git, ok  # noqa: E402,F401  (test_findings imports them from here)


def xatrack(root: Path, *args: str, user: str, today: str = "2025-06-20") -> tuple[int, str]:
    """(exit code, stdout and stderr in order) of ``xatrack ARGS --root ROOT`` as ``user`` on ``today``."""
    code, out, _ = invoke(*args, "--root", str(root), env={"XATRACK_USER": user, "XATRACK_TODAY": today}, merged=True)
    return code, out


def record(root: Path, user: str, *args: str, today: str = "2025-06-20") -> None:
    code, out = xatrack(root, "update", *args, user=user, today=today)
    assert code == 0, out


def commit_all(root: Path, message: str) -> None:
    ok(git(root, "add", "-A"))
    ok(git(root, "commit", "-q", "-m", message))


def state(root: Path) -> str:
    code, out = xatrack(root, "list", "--quarter", "Q2", "--format", "json", user="查看")
    assert code == 0, out
    return out


def notes(root: Path, name: str = LOG) -> list[str]:
    path = root / name
    entries, problems = read_log(path.read_text(encoding="utf-8"), Quarter(2025, int(name[-6])), name)
    assert problems == []
    return [e.note for e in entries]


def metric_value(listing: str, item: str) -> float | None:
    row = next(row for row in json.loads(listing) if row["id"] == item)
    return row["metrics"][0]["value"]


def assert_clean(root: Path) -> None:
    code, out = xatrack(root, "check", user="查看")
    assert code == 0, out
    assert "错误" not in out


def test_the_repository_marks_logs_as_union_merged():
    assert "progress/*.yaml merge=union" in (REPO / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "progress/*.lock" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_two_clones_record_push_and_pull_without_conflicts(tmp_path):
    central = tmp_path / "central.git"
    ok(git(tmp_path, "init", "-q", "--bare", str(central)))

    # The supervision office makes the tracker and publishes it.
    office = tmp_path / "office"
    ok(git(tmp_path, "clone", "-q", str(central), str(office)))
    assert invoke("init", str(office))[0] == 0
    assert (office / ".gitattributes").read_text(encoding="utf-8") == (
        "progress/*.yaml merge=union\nfindings/*.yaml merge=union\n"
    )
    assert "progress/*.lock" in (office / ".gitignore").read_text(encoding="utf-8")
    assert_clean(office)
    commit_all(office, "新建跟踪目录")
    ok(git(office, "push", "-q", "origin", "main"))

    # A lead unit clones it.
    unit = tmp_path / "kjj"
    ok(git(tmp_path, "clone", "-q", str(central), str(unit)))
    assert git(unit, "check-attr", "merge", LOG).stdout.strip().endswith("merge: union")
    before = state(unit)
    assert state(office) == before

    # Both record, without syncing: both create the Q2 log, both report task 32.
    record(office, "督查室", "32", "--done", "100", "--note", "督查室-32", today="2025-05-10")
    record(office, "督查室", "28", "--status", "推进中", "--note", "督查室-28")
    record(office, "督查室", "G1", "--done", "6.5", "--note", "督查室-G1", "--quarter", "Q1", today="2025-03-31")
    record(unit, "区科经局", "32", "--done", "150", "--note", "科经局-32", today="2025-06-18")
    record(unit, "区科经局", "31", "--metric", "1", "--done", "1", "--note", "科经局-31")
    record(unit, "区科经局", "32", "--done", "160", "--note", "科经局-32-更正", today="2025-06-20")
    for root in (office, unit):
        assert (root / "progress" / "2025-Q2.yaml.lock").exists()  # ignored by git, never committed
        commit_all(root, f"{root.name} 报送")
        state(root)  # each clone's parse cache now holds its own log: pulling must not leave it stale

    ok(git(office, "push", "-q", "origin", "main"))
    pulled = git(unit, "pull", "--no-rebase", "--no-edit", "origin", "main")
    assert pulled.returncode == 0 and "CONFLICT" not in pulled.stdout + pulled.stderr, pulled.stdout + pulled.stderr
    ok(git(unit, "push", "-q", "origin", "main"))
    ok(git(office, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main"))

    both = {"督查室-32", "督查室-28", "科经局-32", "科经局-31", "科经局-32-更正"}
    for root in (office, unit):
        text = (root / LOG).read_text(encoding="utf-8")
        assert "<<<<<<<" not in text and ">>>>>>>" not in text
        assert text.startswith(log_header(Quarter(2025, 2)))
        assert text.count(log_header(Quarter(2025, 2))) == 1, text  # one header, however both sides made it
        assert set(notes(root)) == both and len(notes(root)) == len(both)
        assert notes(root, "progress/2025-Q1.yaml") == ["督查室-G1"]
        assert not git(root, "ls-files", "progress/*.lock").stdout.strip()
        assert_clean(root)
    assert (office / LOG).read_bytes() == (unit / LOG).read_bytes()
    synced = state(office)
    assert synced == state(unit) != before
    assert metric_value(synced, "32") == 160  # the newest report counts, in both clones
    assert metric_value(synced, "31") == 1

    # A second round appends to the log both already share.
    record(office, "督查室", "32", "--done", "170", "--note", "督查室-32-二", today="2025-06-25")
    record(unit, "区科经局", "32", "--done", "175", "--note", "科经局-32-二", today="2025-06-26")
    # (its own item: a unit's account may not report 区教育局's task 28, issue 26)
    record(unit, "区科经局", "31", "--metric", "1", "--done", "2", "--note", "科经局-31-二")
    commit_all(office, "督查室 再报")
    commit_all(unit, "科经局 再报")
    ok(git(unit, "push", "-q", "origin", "main"))
    pulled = git(office, "pull", "--no-rebase", "--no-edit", "origin", "main")
    assert pulled.returncode == 0 and "CONFLICT" not in pulled.stdout + pulled.stderr, pulled.stdout + pulled.stderr
    ok(git(office, "push", "-q", "origin", "main"))
    ok(git(unit, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main"))
    both |= {"督查室-32-二", "科经局-32-二", "科经局-31-二"}
    for root in (office, unit):
        assert set(notes(root)) == both and len(notes(root)) == len(both)
        assert_clean(root)
    assert (office / LOG).read_bytes() == (unit / LOG).read_bytes()
    assert state(office) == state(unit)
    assert metric_value(state(office), "32") == 175
    assert not git(office, "status", "--porcelain").stdout.strip()
