"""Only a unit reports for itself: accounts in units.yaml, `xatrack audit`
over the history, and the pre-receive hook on a bare hub, exercised by real
pushes from clones committing under different identities.

The hook is installed with an interpreter started as ``python -S -I`` (no
site-packages, no current folder on the path): xatrack and ruamel.yaml cannot
be imported there, so the pushes prove the script is self-contained.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import REPO, invoke, make_tracker
from xatrack.audit import Accounts, Commit, FileChange, check_commit, parse_units_text, settle_hunk
from xatrack.directory import parse_directory

LOG = "progress/2025-Q2.yaml"
OFFICE = "dcs@xianan.gov.cn"
KJJ = "kjj@xianan.gov.cn"
FGJ = "fgj@xianan.gov.cn"
ACCOUNTS = f"""
accounts:
  {KJJ}: 区科经局
  {FGJ}: 区发展和改革局       # an alias: canonical 区发改局
  {OFFICE}: "*"
"""

from git_helpers import git as run_git, ok  # noqa: E402

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(cwd: Path, *args: str, email: str = OFFICE) -> subprocess.CompletedProcess:
    return run_git(cwd, *args, email=email)


def xatrack(*args: str, user: str = "", today: str = "2025-06-20") -> tuple[int, str]:
    """(exit code, stdout and stderr in order) of ``xatrack ARGS`` as ``user`` on ``today``."""
    code, out, _ = invoke(*args, env={"XATRACK_USER": user or "测试", "XATRACK_TODAY": today}, merged=True)
    return code, out


def record(clone: Path, item: str, value: str, by: str, today: str = "2025-06-20", *extra: str) -> None:
    code, out = xatrack("update", item, "--done", value, "--by", by, *extra, "--root", str(clone), today=today)
    assert code == 0, out


def commit(clone: Path, email: str, message: str = "报送") -> None:
    ok(git(clone, "add", "-A"))
    ok(git(clone, "commit", "-q", "-m", message, email=email))


def push(clone: Path, email: str = OFFICE, *args: str) -> subprocess.CompletedProcess:
    return git(clone, "push", "origin", "HEAD:main", *args, email=email)


def lay_out_tracker(folder: Path, accounts: str = ACCOUNTS) -> tuple[Path, Path]:
    """A bare hub and the office's clone of it holding the shipped plan with
    ``accounts``, nothing committed yet: (hub, office)."""
    hub = folder / "hub.git"
    ok(git(folder, "init", "-q", "--bare", str(hub)))
    office = folder / "office"
    ok(git(folder, "clone", "-q", str(hub), str(office)))
    make_tracker(office, files=("tasks.yaml",))
    (office / "units.yaml").write_text((REPO / "units.yaml").read_text(encoding="utf-8") + accounts, encoding="utf-8")
    (office / ".gitattributes").write_text("progress/*.yaml merge=union\n", encoding="utf-8")
    (office / ".gitignore").write_text("progress/*.lock\n", encoding="utf-8")
    return hub, office


def start_tracker(folder: Path, accounts: str = ACCOUNTS) -> Path:
    """A bare hub holding the shipped plan, with accounts, pushed by the office."""
    hub, office = lay_out_tracker(folder, accounts)
    commit(office, OFFICE, "新建跟踪目录")
    ok(push(office))
    return hub


def clone(hub: Path, name: str) -> Path:
    target = hub.parent / name
    ok(git(hub.parent, "clone", "-q", str(hub), str(target)))
    return target


def isolated_python() -> str:
    """An interpreter that cannot import xatrack nor ruamel.yaml."""
    probe = subprocess.run([sys.executable, "-SI", "-c", "import xatrack"], capture_output=True, cwd="/")
    assert probe.returncode != 0, "python -SI still imports xatrack: the self-containment check would prove nothing"
    return f"{sys.executable} -SI"


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    hub = start_tracker(tmp_path)
    code, out = xatrack("githook", "install", str(hub), "--python", isolated_python())
    assert code == 0, out
    assert "已安装" in out
    return hub


needs_posix_hook = pytest.mark.skipif(os.name == "nt", reason="the hook's #! line with flags is a POSIX test set-up")


# --------------------------------------------------------------------------- pushes through the hook


@needs_git
@needs_posix_hook
def test_a_unit_reporting_for_itself_is_accepted(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    record(kjj, "32", "120", "区科经局")
    commit(kjj, KJJ)
    result = push(kjj, KJJ)
    assert result.returncode == 0, result.stderr
    # an alias of the unit is the unit
    fgj = clone(hub, "fgj")
    record(fgj, "1", "80", "区发展和改革局", "2025-06-20", "--metric", "1")
    commit(fgj, FGJ)
    assert push(fgj, FGJ).returncode == 0


@needs_git
@needs_posix_hook
def test_reporting_for_another_unit_is_rejected_with_the_line(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    record(kjj, "32", "120", "区科经局")
    record(kjj, "32", "150", "区发改局", "2025-06-21")
    commit(kjj, KJJ)
    result = push(kjj, KJJ)
    assert result.returncode != 0
    line = 4  # two header comments, then the two entries
    assert f'拒绝:{LOG} 第 {line} 行以"区发改局"名义报送,但提交者 {KJJ} 只能代表 区科经局' in result.stderr
    assert "第 3 行" not in result.stderr  # its own line is fine
    assert ok(git(hub, "log", "--oneline")).count("\n") == 1  # nothing landed


@needs_git
@needs_posix_hook
def test_editing_or_deleting_a_pushed_line_is_rejected(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    record(kjj, "32", "120", "区科经局")
    commit(kjj, KJJ)
    ok(push(kjj, KJJ))
    log = kjj / LOG
    original = log.read_text(encoding="utf-8")

    log.write_text(original.replace('"value": 120', '"value": 336'), encoding="utf-8")
    commit(kjj, KJJ, "改数")
    result = push(kjj, KJJ)
    assert result.returncode != 0
    assert f"拒绝:{LOG} 第 3 行已提交的内容被修改或删除" in result.stderr

    ok(git(kjj, "reset", "-q", "--hard", "origin/main"))
    log.write_text("".join(original.splitlines(keepends=True)[:2]), encoding="utf-8")
    commit(kjj, KJJ, "删行")
    result = push(kjj, KJJ)
    assert result.returncode != 0
    assert f"拒绝:{LOG} 第 3 行已提交的内容被修改或删除" in result.stderr

    ok(git(kjj, "reset", "-q", "--hard", "origin/main"))
    log.unlink()
    commit(kjj, KJJ, "删文件")
    result = push(kjj, KJJ)
    assert result.returncode != 0
    assert f"拒绝:{LOG} 被删除" in result.stderr


@needs_git
@needs_posix_hook
def test_only_the_office_changes_tasks_and_units(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    tasks = kjj / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("新建5G基站336个", "新建5G基站36个"), encoding="utf-8")
    commit(kjj, KJJ, "改目标")
    result = push(kjj, KJJ)
    assert result.returncode != 0
    assert f"拒绝:tasks.yaml 只有督查室可以修改,提交者 {KJJ} 代表 区科经局" in result.stderr

    # A push cannot grant itself rights: making kjj the office and using it in the same push.
    ok(git(kjj, "reset", "-q", "--hard", "origin/main"))
    units = kjj / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace(f"{KJJ}: 区科经局", f'{KJJ}: "*"'), encoding="utf-8")
    commit(kjj, KJJ, "提权")
    record(kjj, "1", "80", "区发改局", "2025-06-20", "--metric", "1")
    commit(kjj, KJJ)
    result = push(kjj, KJJ)
    assert result.returncode != 0
    assert "拒绝:units.yaml 只有督查室可以修改" in result.stderr
    assert '以"区发改局"名义报送' in result.stderr

    # The office may change both.
    office = hub.parent / "office"
    ok(git(office, "pull", "-q"))
    tasks = office / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8") + "# 督查室备注\n", encoding="utf-8")
    commit(office, OFFICE, "督查室修改清单")
    assert push(office).returncode == 0


@needs_git
@needs_posix_hook
def test_the_office_corrects_anyone_and_unknown_identities_are_refused(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    record(kjj, "32", "120", "区科经局")
    commit(kjj, KJJ)
    ok(push(kjj, KJJ))
    office = hub.parent / "office"
    ok(git(office, "pull", "-q"))
    record(office, "32", "112", "区科经局", "2025-06-22")
    commit(office, OFFICE, "督查室更正")
    assert push(office).returncode == 0, "the office corrects a unit's figure in that unit's name"

    stranger = clone(hub, "stranger")
    record(stranger, "32", "1", "区科经局", "2025-06-23")
    commit(stranger, "someone@example.com")
    result = push(stranger, "someone@example.com")
    assert result.returncode != 0
    assert "拒绝:提交者 someone@example.com 在 units.yaml 的 accounts 中没有账号" in result.stderr


@needs_git
@needs_posix_hook
def test_a_union_merge_of_two_units_pushes_passes(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    fgj = clone(hub, "fgj")
    record(kjj, "32", "120", "区科经局")
    commit(kjj, KJJ)
    record(fgj, "1", "80", "区发改局", "2025-06-20", "--metric", "1")
    commit(fgj, FGJ)
    assert push(fgj, FGJ).returncode == 0
    assert push(kjj, KJJ).returncode != 0  # behind: pull first
    ok(git(kjj, "pull", "-q", "--no-edit", email=KJJ))
    parents = ok(git(kjj, "log", "-1", "--format=%P")).split()
    assert len(parents) == 2, "a real merge commit"
    text = (kjj / LOG).read_text(encoding="utf-8")
    assert '"by": "区科经局"' in text and '"by": "区发改局"' in text
    result = push(kjj, KJJ)
    assert result.returncode == 0, result.stderr


@needs_git
@needs_posix_hook
def test_history_cannot_be_rewritten_nor_branches_deleted(hub: Path) -> None:
    kjj = clone(hub, "kjj")
    record(kjj, "32", "120", "区科经局")
    commit(kjj, KJJ)
    ok(push(kjj, KJJ))
    ok(git(kjj, "reset", "-q", "--hard", "HEAD~1"))
    record(kjj, "32", "100", "区科经局")
    commit(kjj, KJJ)
    result = push(kjj, KJJ, "--force")
    assert result.returncode != 0
    assert "不是快进推送" in result.stderr
    result = git(kjj, "push", "origin", ":main", email=KJJ)
    assert result.returncode != 0


# --------------------------------------------------------------------------- audit


@needs_git
def test_audit_finds_a_forged_line_committed_before_the_hook(tmp_path: Path) -> None:
    hub = start_tracker(tmp_path)  # no hook yet
    kjj = clone(hub, "kjj")
    record(kjj, "32", "120", "区科经局")
    record(kjj, "1", "80", "区发改局", "2025-06-21", "--metric", "1")
    commit(kjj, KJJ)
    ok(push(kjj, KJJ))
    office = tmp_path / "office"
    ok(git(office, "pull", "-q"))
    code, out = xatrack("audit", "--root", str(office))
    assert code == 1, out
    sha = ok(git(office, "rev-parse", "HEAD")).strip()
    assert f'错误:{LOG} 第 4 行以"区发改局"名义报送,但提交者 {KJJ} 只能代表 区科经局(提交 {sha[:8]},{KJJ})' in out
    assert "错误 1 处" in out

    code, out = xatrack("audit", "--root", str(office), "--format", "json")
    report = json.loads(out)
    assert [(v["kind"], v["file"], v["line"], v["commit"]) for v in report["violations"]] == [
        ("forged", LOG, 4, sha)
    ]

    # Installing the hook afterwards does not bless the old line: audit still finds it.
    assert xatrack("githook", "install", str(hub))[0] == 0
    assert xatrack("audit", "--root", str(office))[0] == 1


@needs_git
def test_audit_reports_edits_unknown_identities_and_strict(tmp_path: Path) -> None:
    hub = start_tracker(tmp_path)
    office = tmp_path / "office"
    record(office, "32", "120", "区科经局")
    commit(office, OFFICE)
    stranger = clone(hub, "stranger")
    ok(git(stranger, "pull", "-q"))
    ok(push(office))
    ok(git(stranger, "pull", "-q"))
    record(stranger, "32", "121", "区科经局", "2025-06-21")
    commit(stranger, "who@example.com")
    code, out = xatrack("audit", "--root", str(stranger))
    assert code == 0, out
    assert "警告:提交者 who@example.com 在 units.yaml 的 accounts 中没有账号" in out
    code, out = xatrack("audit", "--root", str(stranger), "--strict")
    assert code == 1
    assert "错误:提交者 who@example.com" in out

    log = office / LOG
    log.write_text(log.read_text(encoding="utf-8").replace('"value": 120', '"value": 336'), encoding="utf-8")
    commit(office, OFFICE, "督查室改了原记录")
    code, out = xatrack("audit", "--root", str(office))
    assert code == 1
    assert f"错误:{LOG} 第 3 行已提交的内容被修改或删除" in out  # append-only binds the office too


@needs_git
def test_audit_outside_git_and_bad_rev_are_one_line_errors(tmp_path: Path) -> None:
    plain = make_tracker(tmp_path / "plain")
    code, out = xatrack("audit", "--root", str(plain))
    assert code == 2 and "不在 git 仓库中" in out and "Traceback" not in out
    (tmp_path / "t").mkdir()
    start_tracker(tmp_path / "t")
    code, out = xatrack("audit", "--root", str(tmp_path / "t" / "office"), "--rev", "nosuch")
    assert code == 2 and '--rev "nosuch"' in out


@needs_git
def test_install_refuses_a_hub_without_an_office_account(tmp_path: Path) -> None:
    hub = start_tracker(tmp_path, accounts="")
    code, out = xatrack("githook", "install", str(hub))
    assert code == 2
    assert "没有督查室账号" in out
    assert not (hub / "hooks" / "pre-receive").exists()
    code, out = xatrack("githook", "install", str(tmp_path / "office"))
    assert code == 2 and "不是裸仓库" in out


# --------------------------------------------------------------------------- the rules, without git


def _accounts() -> Accounts:
    text = (REPO / "units.yaml").read_text(encoding="utf-8") + ACCOUNTS
    accounts, errors = parse_units_text(text)
    assert errors == []
    return accounts


def _commit(email: str, added: list, removed: list = (), path: str = LOG) -> Commit:
    change = FileChange(path=path, status="M", old_blob="a", new_blob="b", added=list(added), removed=list(removed))
    return Commit(sha="c" * 40, parents=("p" * 40,), email=email, changes={"p" * 40: {path: change}})


def test_stdlib_reader_agrees_with_the_directory_on_the_shipped_units() -> None:
    text = (REPO / "units.yaml").read_text(encoding="utf-8") + ACCOUNTS
    accounts, errors = parse_units_text(text)
    directory, problems = parse_directory(text)
    assert errors == [] and [p for p in problems if p.severity == "error"] == []
    for unit in directory.units:
        for name in (unit.name, *unit.aliases):
            assert accounts.canonical(name) == directory.canonical_unit(name) == unit.name
    assert accounts.by_email == {KJJ: "区科经局", FGJ: "区发改局", OFFICE: "*"}


def test_accounts_errors_name_file_and_line() -> None:
    base = (REPO / "units.yaml").read_text(encoding="utf-8")
    first = base.count("\n") + 3
    text = base + "\naccounts:\n  kjj@xianan.gov.cn: 各乡镇办\n  nobody: 区科经局\n  a@b: 没有这个局\n  c@d:\n"
    _, problems = parse_directory(text)
    errors = [(p.line, p.message) for p in problems if p.severity == "error"]
    assert errors == [
        (first, '账号"kjj@xianan.gov.cn"的"各乡镇办"是分组,账号只能代表一个单位'),
        (first + 1, 'accounts 中的"nobody"应为电子邮箱(如 kjj@xianan.gov.cn)'),
        (first + 2, '账号"a@b"的单位"没有这个局"不在 units 中'),
        (first + 3, '账号"c@d"没有写代表的单位(单位名称,或 "*" 表示督查室)'),
    ]
    code, out = _check_text(text)
    assert code == 1 and f"units.yaml:{first}: 错误:" in out


def _check_text(units_text: str) -> tuple[int, str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        make_tracker(Path(folder), files=("tasks.yaml",))
        Path(folder, "units.yaml").write_text(units_text, encoding="utf-8")
        return xatrack("check", "--root", folder)


def test_what_the_hook_cannot_read_is_a_check_error() -> None:
    base = (REPO / "units.yaml").read_text(encoding="utf-8")
    # valid YAML that ruamel reads, but a flow mapping spread over two lines
    text = base + '\naccounts: {kjj@xianan.gov.cn: 区科经局,\n  dcs@xianan.gov.cn: "*"}\n'
    _, problems = parse_directory(text)
    assert any("git 钩子无法读取" in p.message and p.severity == "error" for p in problems)


def test_a_line_the_hook_cannot_read_is_a_rejection_not_a_pass() -> None:
    accounts = _accounts()
    lines = [(3, "- {id: 32, value: 5, by: 区科经局}"), (4, '- {"id": 32, "value": 5, "by": "区科经局"'),
             (5, "# 注释"), (6, ""), (7, '- {"id": 32, "value": 6, "date": "2025-06-20", "by": "区科经局"}')]
    found = check_commit(_commit(KJJ, lines), accounts)
    assert [(v.kind, v.line) for v in found] == [("unreadable", 3), ("unreadable", 4)]
    # a torn write that the next append voided is what xatrack ignores too
    torn = [(3, '- {"id": 32, "va'), (4, "# 上一行不完整(写入时被中断),已作废")]
    assert check_commit(_commit(KJJ, torn), accounts) == []


def test_entries_without_by_and_the_office_and_bulletins() -> None:
    accounts = _accounts()
    found = check_commit(_commit(KJJ, [(3, '- {"id": 32, "value": 5, "date": "2025-06-20"}')]), accounts)
    assert [v.kind for v in found] == ["forged"] and "没有写报送单位" in found[0].reason
    assert check_commit(_commit(OFFICE, [(3, '- {"id": 32, "value": 5, "date": "2025-06-20", "by": "区发改局"}')]),
                        accounts) == []
    # findings are append-only logs too; the rule is the same
    found = check_commit(_commit(KJJ, [(1, '- {"id": 1, "by": "区发改局"}')], path="findings/2025.yaml"), accounts)
    assert [v.kind for v in found] == ["forged"]
    new_bulletin = FileChange(path="bulletins/2025-Q2.json", status="A", new_blob="b")
    unit_bulletin = Commit(sha="c" * 40, parents=("p" * 40,), email=KJJ,
                           changes={"p" * 40: {new_bulletin.path: new_bulletin}})
    assert [v.kind for v in check_commit(unit_bulletin, accounts)] == ["office_only"]
    unit_bulletin.email = OFFICE
    assert check_commit(unit_bulletin, accounts) == []
    changed = FileChange(path="evidence/2025/" + "ab" * 32 + ".pdf", status="M", old_blob="a", new_blob="b", binary=True)
    office_edit = Commit(sha="c" * 40, parents=("p" * 40,), email=OFFICE, changes={"p" * 40: {changed.path: changed}})
    assert [v.kind for v in check_commit(office_edit, accounts)] == ["write_once"]
    added_evidence = FileChange(path="evidence/2025/" + "cd" * 32 + ".pdf", status="A", new_blob="b", binary=True)
    unit_evidence = Commit(sha="c" * 40, parents=("p" * 40,), email=KJJ,
                           changes={"p" * 40: {added_evidence.path: added_evidence}})
    assert check_commit(unit_evidence, accounts) == []


def test_a_line_naming_the_committers_unit_by_an_alias_is_its_own() -> None:
    """A line written by hand (or by another tool) with an alias of the committer's unit in
    ``by`` is the unit's own: 区发展和改革局 is 区发改局; another unit is forged."""
    accounts = _accounts()
    assert accounts.role(FGJ) == "区发改局"
    for by in ("区发展和改革局", "区发改局"):
        line = '- {"id": "G1", "value": 7.1, "date": "2025-06-30", "by": "%s"}' % by  # a record xatrack reads
        assert check_commit(_commit(FGJ, [(3, line)]), accounts) == [], by
    found = check_commit(_commit(FGJ, [(3, '- {"id": "G1", "value": 7.1, "date": "2025-06-30", "by": "区科经局"}')]), accounts)
    assert [(v.kind, v.line) for v in found] == [("forged", 3)]


def test_settle_hunk_sees_a_completed_last_line_as_kept() -> None:
    # "a\nb" (no final newline) -> "a\nb\nc\n": git shows b removed and added again
    assert settle_hunk(2, ["b"], 2, ["b", "c"]) == ([(3, "c")], [])
    # a union merge against the other parent: its last line comes after ours
    assert settle_hunk(2, ["b"], 2, ["c", "b"]) == ([(2, "c")], [])
    # a real change stays a change
    assert settle_hunk(2, ["b"], 2, ["B"]) == ([(2, "B")], [(2, "b")])


@needs_git
@needs_posix_hook
@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen for SSH commit signatures")
def test_audit_signed_verifies_every_commit_against_the_account_keys(tmp_path: Path) -> None:
    keys = {}
    for who in ("office", "kjj"):
        ok(subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", who, "-f", str(tmp_path / who)],
                          capture_output=True, text=True))
        keys[who] = (tmp_path / f"{who}.pub").read_text(encoding="utf-8").strip()
    accounts = (f'\naccounts:\n  {KJJ}: {{unit: 区科经局, key: "{keys["kjj"]}"}}\n'
                f'  {FGJ}: 区发改局\n  {OFFICE}: {{unit: "*", key: "{keys["office"]}"}}\n')
    folder = tmp_path / "t"
    folder.mkdir()
    hub, office = lay_out_tracker(folder, accounts)

    def signed_commit(email: str, key: str, message: str) -> None:
        ok(git(office, "add", "-A"))
        ok(git(office, "-c", "gpg.format=ssh", "-c", f"user.signingkey={tmp_path / key}", "commit", "-q", "-S",
               "-m", message, email=email))

    signed_commit(OFFICE, "office", "新建")
    record(office, "32", "120", "区科经局")
    signed_commit(KJJ, "kjj", "区科经局报送")
    code, out = xatrack("audit", "--root", str(office), "--signed")
    assert code == 0, out

    # The hook with --signed refuses an unsigned push and takes a signed one.
    ok(push(office))
    code, out = xatrack("githook", "install", str(hub), "--signed", "--python", isolated_python())
    assert code == 0, out
    record(office, "32", "119", "区科经局", "2025-06-20")
    commit(office, KJJ, "未签名推送")
    result = push(office, KJJ)
    assert result.returncode != 0
    assert "拒绝:提交的签名无法验证:没有签名" in result.stderr
    ok(git(office, "reset", "-q", "--hard", "origin/main"))
    record(office, "32", "119", "区科经局", "2025-06-20")
    signed_commit(KJJ, "kjj", "签名推送")
    result = push(office, KJJ)
    assert result.returncode == 0, result.stderr

    record(office, "32", "121", "区科经局", "2025-06-21")
    commit(office, KJJ, "未签名")
    unsigned = ok(git(office, "rev-parse", "HEAD")).strip()
    record(office, "1", "80", "区发改局", "2025-06-21", "--metric", "1")
    signed_commit(FGJ, "kjj", "用别人的密钥签名")
    borrowed = ok(git(office, "rev-parse", "HEAD")).strip()
    code, out = xatrack("audit", "--root", str(office), "--signed")
    assert code == 1, out
    assert f"错误:提交的签名无法验证:没有签名(提交 {unsigned[:8]},{KJJ})" in out
    assert f"错误:提交由 {KJJ} 的密钥签名,与提交者 {FGJ} 不符(提交 {borrowed[:8]},{FGJ})" in out
    code, out = xatrack("audit", "--root", str(office))
    assert code == 0, "without --signed, signatures are not judged"


def test_the_hook_script_is_self_contained_python_37() -> None:
    import ast

    from xatrack.githook import MODULES, module_source, script_text

    script = script_text()
    ast.parse(script, feature_version=(3, 7))
    for name in MODULES:
        source = module_source(name)
        ast.parse(source, feature_version=(3, 7))
        tree = ast.parse(source)
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        outside = {m for m in imported if m not in sys.stdlib_module_names} - {"xatrack", "__future__"}
        assert outside == set(), f"{name} imports {outside}: the hub has only the standard library"
        xatrack_modules = {node.module for node in ast.walk(tree)
                           if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("xatrack")}
        assert xatrack_modules <= set(MODULES), f"{name} imports {xatrack_modules - set(MODULES)}, not embedded"
    code, out = xatrack("githook")
    assert code == 0 and "xatrack githook install HUB.git" in out


@needs_git
def test_audit_of_a_tracker_in_a_subfolder_judges_its_files_only(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    tracker = repo / "督办2025"
    make_tracker(tracker, files=("tasks.yaml",))
    ok(git(tmp_path, "init", "-q", str(repo)))
    (tracker / "units.yaml").write_text((REPO / "units.yaml").read_text(encoding="utf-8") + ACCOUNTS, encoding="utf-8")
    (repo / ".gitignore").write_text("*.lock\n", encoding="utf-8")
    commit(repo, OFFICE, "新建")
    record(tracker, "32", "120", "区发改局")
    (repo / "别的文件.txt").write_text("与跟踪目录无关\n", encoding="utf-8")
    commit(repo, KJJ)
    code, out = xatrack("audit", "--root", str(tracker))
    assert code == 1, out
    assert f'错误:{LOG} 第 3 行以"区发改局"名义报送' in out  # paths shown relative to the tracker
    assert "别的文件" not in out and "错误 1 处" in out
