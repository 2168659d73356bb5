"""Reading git history through ``git`` subprocesses, for audit and the hook.

Standard library only (the hook embeds this module). One ``git log`` call
gives every commit with its raw changes and -U0 patches against each parent
(``-m``), parsed as a stream into ``xatrack.audit.Commit`` values.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import subprocess
import tempfile

from xatrack.audit import (DIRECTORY, REGISTRY, Accounts, Commit, FileChange, Violation, check_commit, is_log,
                           parse_units_text, read_scope, settle_hunk)

ZERO = "0" * 40


class GitError(Exception):
    """git failed or is missing; the message is one Chinese line."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def git_env() -> dict:
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "LANG": "C", "LANGUAGE": "", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"})
    return env


_CONFIG = ["-c", "core.quotePath=false", "-c", "color.ui=false", "-c", "diff.noprefix=false",
           "-c", "diff.mnemonicPrefix=false", "-c", "log.showSignature=false"]


def git(args: list, cwd=None, check: bool = True, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *_CONFIG, *args], cwd=cwd, env=git_env(), input=data,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise GitError("找不到 git 命令,请先安装 git") from None
    if check and result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} 失败:{detail[-1] if detail else result.returncode}")
    return result.stdout


def side_changed(theirs: str, ours: str, path: str, cwd=None) -> bool:
    """Whether commits reachable from ``theirs`` but not from ``ours`` change ``path``."""
    out = git(["rev-list", "-1", "--end-of-options", theirs, "^" + ours, "--", path], cwd=cwd, check=False)
    return bool(out.strip())


def default_branch(cwd=None) -> str:
    """The hub's default branch as a full ref: the one HEAD names if it
    exists, else main, else master, else the only branch; "" when there is
    none; GitError when several branches leave it ambiguous."""
    head = git(["symbolic-ref", "-q", "HEAD"], cwd=cwd, check=False).strip().decode("utf-8", "replace")
    branches = [line for line in git(["for-each-ref", "--format=%(refname)", "refs/heads/"], cwd=cwd)
                .decode("utf-8", "replace").splitlines() if line]
    for candidate in (head, "refs/heads/main", "refs/heads/master"):
        if candidate and candidate in branches:
            return candidate
    if len(branches) == 1:
        return branches[0]
    if not branches:
        return ""
    raise GitError(f"无法确定默认分支(HEAD 指向不存在的 {head or '?'},又有多个分支:"
                   f"{'、'.join(b[len('refs/heads/'):] for b in branches[:5])}),"
                   "请在服务器上用 git symbolic-ref HEAD refs/heads/分支名 指定")


def read_blob(sha: str, cwd=None) -> bytes:
    return git(["cat-file", "blob", sha], cwd=cwd)


def blob_at(rev: str, path: str, cwd=None) -> str | None:
    """The blob id of path at rev, or None if absent."""
    if rev.startswith("-"):
        raise GitError(f"版本\"{rev[:40]}\"不能以 - 开头(不是选项)")
    out = git(["rev-parse", "--verify", "--quiet", f"{rev}:{path}"], cwd=cwd, check=False).strip()
    return out.decode("ascii") if out else None


LOG_ARGS = ["log", "-m", "--raw", "-p", "-U0", "--pretty=raw", "--no-renames", "--full-index", "--no-color",
            "--diff-algorithm=myers", "--no-ext-diff", "--no-textconv", "--topo-order", "--reverse",
            "--ignore-submodules=none"]


def commits(revs: list, cwd=None, paths: list | None = None, patches: bool = True):
    """Commits of ``git log revs`` (oldest first) with their changes against each parent
    (``patches``: with the -U0 patches; else the changed files only, no file read)."""
    for rev in revs:
        if rev.startswith("-") and rev not in ("--not", "--all"):
            raise GitError(f"版本\"{rev[:40]}\"不能以 - 开头(不是选项)")
    options = LOG_ARGS if patches else [a for a in LOG_ARGS if a not in ("-p", "-U0")]
    args = [*options, *revs, "--"]
    if paths:
        args += paths
    try:
        process = subprocess.Popen(["git", *_CONFIG, *args], cwd=cwd, env=git_env(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise GitError("找不到 git 命令,请先安装 git") from None
    try:
        yield from parse_log(process.stdout)
    finally:
        process.stdout.close()
        error = process.stderr.read()
        code = process.wait()
    if code != 0:
        detail = error.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git log 失败:{detail[-1] if detail else code}")


_COMMIT = re.compile(rb"^commit ([0-9a-f]{40,64})(?: \(from ([0-9a-f]{40,64})\))?$")
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_IDENT = re.compile(rb"<([^<>]*)> (\d+) [-+]\d{4}$")


def unquote_path(raw: bytes) -> str:
    """A path as git prints it (C-quoted when it has special characters)."""
    if not raw.startswith(b'"'):
        return raw.decode("utf-8", "surrogateescape")
    body = raw[1:-1]
    out = bytearray()
    i = 0
    escapes = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7, ord("b"): 8,
               ord("f"): 12, ord("r"): 13, ord("v"): 11}
    while i < len(body):
        ch = body[i]
        if ch == 92 and i + 1 < len(body):
            nxt = body[i + 1]
            if 48 <= nxt <= 55:
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def parse_log(stream):
    """``git log -m --raw -p -U0 --pretty=raw`` output -> Commit values (merged
    across the per-parent blocks of a merge)."""
    current: Commit | None = None
    parent = ""
    changes: dict = {}
    file: FileChange | None = None
    hunk = None  # [old_start, old_left, new_start, new_left, old_lines, new_lines]
    in_header = False
    order: list = []
    section = -1
    parents: list = []

    def close_hunk():
        nonlocal hunk
        if hunk is not None and file is not None:
            added, removed = settle_hunk(hunk[0], hunk[4], hunk[2], hunk[5])
            file.added += added
            file.removed += removed
        hunk = None

    for raw in stream:
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if hunk is not None:
            if hunk[1] > 0 and line.startswith(b"-"):
                hunk[4].append(_text(line[1:]))
                hunk[1] -= 1
                continue
            if hunk[3] > 0 and line.startswith(b"+"):
                hunk[5].append(_text(line[1:]))
                hunk[3] -= 1
                continue
            if line.startswith(b"\\"):
                continue  # \ No newline at end of file
            if hunk[1] == 0 and hunk[3] == 0:
                close_hunk()
        if line.startswith(b"\\"):
            continue
        match = _COMMIT.match(line)
        if match:
            close_hunk()
            sha = match.group(1).decode()
            if current is not None and current.sha != sha:
                yield current
                current = None
            if current is None:
                current = Commit(sha=sha)
            parent = (match.group(2) or b"").decode()
            changes = current.changes.setdefault(parent, {})
            file = None
            in_header = True
            parents = []
            order = []
            section = -1
            continue
        if current is None:
            continue
        if in_header:
            if line.startswith(b"parent "):
                parents.append(line[7:].decode())
                current.parents = tuple(parents)
                if not parent and len(parents) == 1:
                    # a one-parent commit: its single block is against that parent
                    current.changes[parents[0]] = current.changes.pop("", changes)
                    changes = current.changes[parents[0]]
                    parent = parents[0]
            elif line.startswith(b"author "):
                ident = _IDENT.search(line)
                if ident:
                    current.email = ident.group(1).decode("utf-8", "replace").strip().lower()
                    current.when = int(ident.group(2))
            elif line == b"":
                in_header = False
            continue
        if line.startswith(b":") and b"\t" in line:
            meta, _, path = line.partition(b"\t")
            fields = meta[1:].split(b" ")
            if len(fields) >= 5:
                status = fields[4][:1].decode()
                name = unquote_path(path)
                changes[name] = FileChange(path=name, status=status, old_mode=fields[0].decode(),
                                           new_mode=fields[1].decode(), old_blob=fields[2].decode(),
                                           new_blob=fields[3].decode())
                order.append(changes[name])
            continue
        if line.startswith(b"diff --git "):
            # patches come in the order of the raw lines above them
            close_hunk()
            section += 1
            file = order[section] if section < len(order) else None
            continue
        if line.startswith(b"--- ") or line.startswith(b"+++ "):
            continue
        if line.startswith(b"Binary files ") or line.startswith(b"GIT binary patch"):
            if file is not None:
                file.binary = True
            continue
        match = _HUNK.match(line)
        if match and file is not None:
            close_hunk()
            old_count = int(match.group(2)) if match.group(2) is not None else 1
            new_count = int(match.group(4)) if match.group(4) is not None else 1
            old_start = int(match.group(1))
            new_start = int(match.group(3))
            hunk = [old_start, old_count, new_start, new_count, [], []]
            if old_count == 0 and new_count == 0:
                hunk = None
            continue
    close_hunk()
    if current is not None:
        yield current


DIFF_ARGS = ["diff", "--raw", "-p", "-U0", "--no-renames", "--full-index", "--no-color", "--diff-algorithm=myers",
             "--no-ext-diff", "--no-textconv", "--ignore-submodules=none"]


def span_commit(parent: str, end: Commit, paths: list, cwd=None) -> Commit:
    """One Commit standing for the run of one author's one-parent commits from
    ``parent`` (exclusive) to ``end``: ``end``'s sha and author, the changes of
    ``paths`` between the two (one diff, whatever the number of commits)."""
    out = git([*DIFF_ARGS, parent, end.sha, "--", *paths], cwd=cwd)
    header = (f"commit {end.sha}\nparent {parent}\nauthor - <{end.email}> {end.when} +0000\n\n").encode("utf-8")
    found = list(parse_log(io.BytesIO(header + out)))  # lines end at "\n" only
    span = found[0] if found else Commit(sha=end.sha, parents=(parent,), email=end.email, when=end.when)
    span.parents = (parent,)
    span.changes.setdefault(parent, {})
    return span


def case_twins(commit: Commit, cwd=None) -> list:
    """A violation for each path the commit adds that differs from another
    path of its tree only by case (or Unicode form): one file on Windows and
    macOS, two in git."""
    added = {path for per in commit.changes.values() for path, change in per.items() if change.status == "A"}
    if not added:
        return []
    listing = git(["ls-tree", "-r", "--name-only", "-z", "--end-of-options", commit.sha], cwd=cwd)
    folded: dict = {}
    for raw in listing.split(b"\0"):
        if raw:
            name = raw.decode("utf-8", "surrogateescape")
            folded.setdefault(unicodedata.normalize("NFC", name).casefold(), []).append(name)
    out = []
    for path in sorted(added):
        twins = [p for p in folded.get(unicodedata.normalize("NFC", path).casefold(), []) if p != path]
        if twins:
            out.append(Violation("error", "bad_name", commit.sha, commit.email, path, None,
                                 f"{path} 与 {twins[0]} 只是大小写(或字形)不同:在 Windows、macOS 上是同一个文件"))
    return out


def judge_commits(new: str, accounts: Accounts, cwd=None, prefix: str = "", scope: dict | None = None) -> list:
    """Violations of the commits a push brings (``new --not --all``), judged as
    ``check_commit`` judges each, at a cost that grows with the lines pushed,
    not with the logs' size: files other than logs need no patch; a log's
    lines are read once per run of one author's consecutive one-parent
    commits (one diff from the run's first parent to its last commit that
    changes a log), a merge's from its own patches against each parent."""
    out: list = []

    def blob(sha):
        return read_blob(sha, cwd)

    def changed(theirs, ours, path):
        return side_changed(theirs, ours, path, cwd)

    def log_paths(commit: Commit) -> list:
        return sorted({path for per in commit.changes.values() for path in per
                       if path.startswith(prefix) and is_log(path[len(prefix):])})

    runs: list = []  # [first parent, email, last commit changing a log, its log paths]
    tip = None
    for commit in commits([new, "--not", "--all"], cwd, patches=False):
        out += check_commit(commit, accounts, blob, prefix, side_changed=changed, logs=False)
        out += case_twins(commit, cwd)
        paths = log_paths(commit)
        if len(commit.parents) != 1:
            if paths:
                for merge in commits([commit.sha, "--not", *commit.parents], cwd, paths=paths):
                    out += check_commit(merge, accounts, blob, prefix, side_changed=changed, others=False, scope=scope)
            tip = None
            continue
        run = runs[-1] if runs and tip == commit.parents[0] else None
        if run is not None and paths and run[1] not in ("", commit.email):
            run = None
        if run is None:
            run = [commit.parents[0], "", None, set()]
            runs.append(run)
        if paths:
            run[1], run[2] = commit.email, commit
            run[3].update(paths)
        tip = commit.sha
        commit.changes.clear()
    for parent, _email, last, paths in runs:
        if last is not None:
            out += check_commit(span_commit(parent, last, sorted(paths), cwd), accounts, blob, prefix,
                                side_changed=changed, others=False, scope=scope)
    return out


def verify_signatures(revs: list, cwd=None, allowed_signers: str | None = None) -> dict:
    """sha -> (status letter, signer) from ``git log --format=%G?``."""
    config = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}"] if allowed_signers else []
    out = git([*config, "log", "--format=%H%x09%G?%x09%GS", *revs, "--"], cwd=cwd)
    result = {}
    for line in out.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            result[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return result


# --------------------------------------------------------------------------- audit of a history

SIGNATURE_STATES = {
    "B": "签名无效", "U": "签名有效但密钥未获信任", "X": "签名已过期", "Y": "签名所用密钥已过期",
    "R": "签名所用密钥已吊销", "E": "无法检查签名(缺少公钥)", "N": "没有签名",
}


def accounts_of(blob: str | None, cwd=None, cache: dict | None = None):
    """(Accounts, errors) of a units.yaml blob (empty Accounts for None)."""
    if blob is None:
        return Accounts(), []
    if cache is not None and blob in cache:
        return cache[blob]
    try:
        text = read_blob(blob, cwd).decode("utf-8")
    except UnicodeDecodeError:
        found = (Accounts(), [(None, "不是 UTF-8 文本")])
    else:
        found = parse_units_text(text)
    if cache is not None:
        cache[blob] = found
    return found


def scope_of(blob: str | None, cwd=None, cache: dict | None = None) -> dict:
    """read_scope of a tasks.yaml blob ({} for None or text that is not UTF-8)."""
    if blob is None:
        return {}
    if cache is not None and ("scope", blob) in cache:
        return cache[("scope", blob)]
    try:
        found = read_scope(read_blob(blob, cwd).decode("utf-8"))
    except UnicodeDecodeError:
        found = {}
    if cache is not None:
        cache[("scope", blob)] = found
    return found


def audit_history(cwd, rev: str = "HEAD", prefix: str = "", strict: bool = False, signed: bool = False):
    """(violations, number of commits, tip accounts) for the history of ``rev``.

    Each commit is judged with the accounts of units.yaml as its first parent
    had it (what was in force when it was made); commits made before any
    ``accounts:`` existed are judged with those of ``rev``."""
    directory = prefix + DIRECTORY
    cache: dict = {}
    tip_blob = blob_at(rev, directory, cwd)
    tip, tip_errors = accounts_of(tip_blob, cwd, cache)
    if tip_errors:
        line, message = tip_errors[0]
        raise GitError(f"{directory}{f' 第 {line} 行' if line else ''}:{message}")
    units_at: dict = {}
    tasks_at: dict = {}
    violations: list = []
    count = 0
    registry = prefix + REGISTRY
    for commit in commits([rev], cwd):
        count += 1
        first = commit.parents[0] if commit.parents else ""
        base = units_at.get(first, tip_blob) if first else None
        own = commit.changes.get(first, {}).get(directory)
        units_at[commit.sha] = base if own is None else (None if own.status == "D" else own.new_blob)
        tasks = tasks_at.get(first) if first else None
        own_tasks = commit.changes.get(first, {}).get(registry)
        tasks_at[commit.sha] = tasks if own_tasks is None else (None if own_tasks.status == "D" else own_tasks.new_blob)
        accounts, _ = accounts_of(base, cwd, cache)
        if not commit.parents and strict and not accounts_of(units_at[commit.sha], cwd, cache)[0].present:
            violations.append(Violation("error", "history", commit.sha, commit.email, directory, None,
                                        f"第一个提交的 {directory} 没有 accounts:此后到登记账号之前的提交无法确认是谁所写"))
        if not accounts.present:
            accounts = tip
        violations += check_commit(commit, accounts, lambda sha: read_blob(sha, cwd), prefix, strict_identity=strict,
                                   side_changed=lambda theirs, ours, path: side_changed(theirs, ours, path, cwd),
                                   scope=scope_of(tasks, cwd, cache))
        violations += case_twins(commit, cwd)
        commit.changes.clear()  # keep memory flat on long histories
    if signed:
        violations += signature_violations(cwd, [rev], tip)
    return violations, count, tip


def signature_violations(cwd, revs: list, tip) -> list:
    """A violation for each commit of ``git log revs`` without a good
    signature, or (when the accounts carry keys) signed by another's key."""
    signers = None
    if tip.keys:
        handle = tempfile.NamedTemporaryFile("w", suffix=".allowed_signers", delete=False, encoding="utf-8")
        with handle:
            for email, key in tip.keys.items():
                handle.write(f'{email} namespaces="git" {key}\n')
        signers = handle.name
    try:
        states = verify_signatures(revs, cwd, signers)
        emails = dict(line.split("\t", 1) for line in
                      git(["log", "--format=%H%x09%ae", *revs, "--"], cwd=cwd).decode("utf-8", "replace").splitlines()
                      if "\t" in line)
    finally:
        if signers:
            os.unlink(signers)
    out = []
    for sha, (state, signer) in states.items():
        email = emails.get(sha, "").strip().lower()
        if state != "G":
            out.append(Violation("error", "signature", sha, email, "", None,
                                 f"提交的签名无法验证:{SIGNATURE_STATES.get(state, state)}"))
        elif tip.keys and signer.strip().lower() != email:
            out.append(Violation("error", "signature", sha, email, "", None,
                                 f"提交由 {signer} 的密钥签名,与提交者 {email} 不符"))
    return out
