"""Supporting material (佐证材料): checking, storing and verifying files.

A file a unit sends along is copied into ``evidence/<year>/`` under the name
``<sha256><.ext>`` (its content hash, the original extension kept so it still
opens by double-click): the same file given twice is stored once, and a stored
file is never overwritten. The entry that cites it (a progress entry or a
finding's follow-up) records its name, size and sha256; ``check`` recomputes
every hash and reports missing or altered files.

Limits: only regular files (after following links: a link to a device, a
pipe or a folder is refused), at most ``MAX_BYTES``.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xatrack.errors import InputError, Problem
from xatrack.evaluate import metric_done
from xatrack.safefs import fsync_folder
from xatrack.findings import EvidenceRef

FOLDER = "evidence"
MAX_BYTES = 50 * 1024 * 1024  # 50 MB a file
MAX_FILES = 20  # files in one entry
_CHUNK = 1024 * 1024
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")
_STORED = re.compile(r"^evidence/(\d{4})/([0-9a-f]{64})(\.[a-z0-9]{1,10})?$")


@dataclass(frozen=True)
class Source:
    """A file the user named, checked (regular, within the limit) but not yet copied."""

    path: Path  # as resolved
    name: str  # the name to record (the file's own name)
    size: int
    shown: str  # as the user wrote it, for messages
    flag: str  # --evidence, or the sheet column


def check_source(raw: str | os.PathLike, flag: str = "--evidence", inside: Path | None = None) -> Source:
    """The file ``raw`` names, or InputError naming the flag and the value.

    ``inside``: a folder the file must resolve into (ingest --evidence-dir:
    a name in a sheet may not lead out of it, by ``..`` or by a link)."""
    shown = str(raw)
    path = Path(raw).expanduser()
    if inside is not None:
        path = inside / path
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        raise InputError(f"{flag} 的值\"{shown}\":找不到文件") from None
    except (OSError, RuntimeError) as error:
        raise InputError(f"{flag} 的值\"{shown}\"无法读取:{getattr(error, 'strerror', None) or error}") from None
    if inside is not None:
        base = inside.resolve()
        if resolved != base and base not in resolved.parents:
            raise InputError(f"{flag} 的值\"{shown}\"指向 {inside} 以外的文件,不予读取")
    try:
        info = os.stat(resolved)
    except OSError as error:
        raise InputError(f"{flag} 的值\"{shown}\"无法读取:{error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{flag} 的值\"{shown}\"是目录,应为文件")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{flag} 的值\"{shown}\"不是普通文件(设备、管道等不能作为佐证材料)")
    if info.st_size > MAX_BYTES:
        raise InputError(
            f"{flag} 的值\"{shown}\"过大({info.st_size / 1024 / 1024:.1f} MB,上限 {MAX_BYTES // 1024 // 1024} MB)"
        )
    name = Path(shown).name or resolved.name
    return Source(resolved, name, info.st_size, shown, flag)


def check_sources(raws, flag: str = "--evidence", inside: Path | None = None) -> list[Source]:
    """Every file checked before any is copied: one bad file, nothing stored."""
    raws = [r for r in raws if str(r).strip()]
    if len(raws) > MAX_FILES:
        raise InputError(f"{flag} 一次最多 {MAX_FILES} 个文件,给了 {len(raws)} 个")
    return [check_source(r, flag, inside) for r in raws]


def folder(root: Path, year: int) -> Path:
    return root / FOLDER / str(int(year))


def stored_name(digest: str, name: str) -> str:
    suffix = Path(name).suffix
    return digest + (suffix.lower() if _SUFFIX.match(suffix) else "")


def store(root: Path, year: int, source: Source) -> EvidenceRef:
    """Copy ``source`` into the evidence folder (if its content is not there
    yet) and return what to record. Never overwrites: a stored file whose
    content no longer matches its name is reported, not replaced."""
    target_dir = folder(root, year)
    _inside_tracker(root, target_dir)
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".incoming.", suffix=".tmp", dir=target_dir)
        _readable(temp)
    except OSError as error:
        raise InputError(f"无法写入 {target_dir}:{error.strerror or error}") from None
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out, _open_regular(source) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InputError(f"{source.flag} 的值\"{source.shown}\"过大(上限 {MAX_BYTES // 1024 // 1024} MB)")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        hexdigest = digest.hexdigest()
        existing = _find_stored(target_dir, hexdigest)
        if existing is not None:
            if file_digest(existing) != hexdigest:
                raise InputError(
                    f"已存储的佐证材料 {existing.relative_to(root).as_posix()} 与其内容编号不符(被改动过?),"
                    "不予覆盖;请运行 xatrack check 并从版本库恢复"
                )
            target = existing
        else:
            target = target_dir / stored_name(hexdigest, source.name)
            _place(Path(temp), target)
    except OSError as error:
        raise InputError(f"无法存储佐证材料\"{source.shown}\":{error.strerror or error}") from None
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass
    return EvidenceRef(source.name, size, hexdigest, target.relative_to(root).as_posix())


def store_all(root: Path, year: int, sources: list[Source]) -> list[EvidenceRef]:
    return [store(root, year, s) for s in sources]


def _readable(temp: str) -> None:
    """mkstemp makes 0600; stored evidence is read like any file of the tracker."""
    mask = os.umask(0o022)
    os.umask(mask)
    try:
        os.chmod(temp, 0o666 & ~mask)
    except OSError:
        pass


def _open_regular(source: Source):
    """Open for reading and make sure what was opened is still a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(source.path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{source.flag} 的值\"{source.shown}\"不是普通文件")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _place(temp: Path, target: Path) -> None:
    """Give the temporary file its final name, never replacing a file there."""
    try:
        os.link(temp, target)  # fails if the target exists
    except FileExistsError:
        return  # a concurrent writer stored the same content
    except OSError:
        if os.name == "nt":
            try:
                os.rename(temp, target)  # on Windows, fails if the target exists
            except FileExistsError:
                return
        elif not target.exists():
            os.replace(temp, target)
    fsync_folder(target.parent)


def _find_stored(target_dir: Path, digest: str) -> Path | None:
    for path in sorted(target_dir.glob(digest + "*")):
        if path.name == digest or (path.name.startswith(digest + ".") and _SUFFIX.match(path.name[64:])):
            return path
    return None


def _inside_tracker(root: Path, path: Path) -> None:
    base = root.resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        resolved = path
    if resolved != base and base not in resolved.parents:
        raise InputError(f"{FOLDER}/ 指向跟踪目录以外({resolved}),不予写入")


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- verifying


def verify(root: Path, refs: list[tuple[EvidenceRef, str, int]]) -> list[Problem]:
    """Problems with recorded evidence: (ref, file citing it, line) each.

    A recorded path must be ``evidence/<year>/<its sha256>[.ext]`` (nothing
    else is ever opened: a path leading out of the tracker is an error), the
    file must exist, have the recorded size and hash to the recorded sha256.
    Each stored file is hashed once however often it is cited."""
    problems: list[Problem] = []
    hashed: dict[str, str | None] = {}
    base = root.resolve()
    for ref, source, line in refs:
        match = _STORED.match(ref.file)
        if match is None or match.group(2) != ref.sha256:
            problems.append(Problem(source, line, f"佐证材料\"{ref.name}\"的存放路径 {ref.file!r} 不是 evidence/年度/内容编号,不予读取"))
            continue
        path = root / ref.file
        try:
            inside = base in path.resolve().parents
        except (OSError, RuntimeError):
            inside = False
        if not inside:
            problems.append(Problem(source, line, f"佐证材料\"{ref.name}\"({ref.file})指向跟踪目录以外,不予读取"))
            continue
        if ref.file not in hashed:
            try:
                hashed[ref.file] = file_digest(path) if path.is_file() else None
            except OSError:
                hashed[ref.file] = None
        found = hashed[ref.file]
        if found is None:
            problems.append(Problem(source, line, f"佐证材料\"{ref.name}\"缺失:找不到 {ref.file}"))
        elif found != ref.sha256:
            problems.append(Problem(source, line, f"佐证材料\"{ref.name}\"已被改动:{ref.file} 的内容与记录的 sha256 不符"))
    return problems


# --------------------------------------------------------------------------- the rule


def required_reason(settings, metric, record: dict, quarter) -> str | None:
    """Why ``record`` (a progress record) needs evidence under
    ``settings.evidence_required``, or None. With 已完成 required: a reported
    status 已完成, or a figure that meets the metric's yearly goal (what
    evaluate counts as 已完成)."""
    required = getattr(settings, "evidence_required", ()) or ()
    if not required:
        return None
    status = record.get("status")
    if status in required:
        return f"状态\"{status}\""
    value = record.get("value")
    if "已完成" in required and metric is not None and value is not None:
        if metric_done(metric, float(value), quarter.q):
            return f"{metric.name} {value:g}{metric.unit} 达到全年目标(即已完成)"
    return None


def requirement_message(reason: str, flag: str = "--evidence") -> str:
    return f"按 tasks.yaml 的 settings.evidence_required,{reason}须附佐证材料:请用 {flag} 给出文件"
