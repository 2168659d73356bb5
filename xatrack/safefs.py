"""File safety: where xatrack may write, and how an output file is written.

- Nothing is written (or read as tracker data) through a symlink that leads
  out of the tracker: a log or lock that resolves outside it is refused.
- ``-o`` writes *to* what it names: a device, FIFO or the target of a symlink
  is written into, not replaced; the tracker's own files are never an output;
  an existing file that xatrack did not produce is kept unless ``--force``.
- Works without ``os.fchmod`` (Windows before Python 3.13).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from xatrack.errors import DataError, InputError

# The tracker's own files and folders: never an output of -o.
OWN_FILES = ("tasks.yaml", "units.yaml")
OWN_FOLDERS = ("progress", "bulletins", "findings")

# What every file xatrack writes as output carries (html meta, md comment,
# xlsx creator, text report heading): an existing file with it may be replaced.
MARK = "xatrack"


def _resolved(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def is_inside(root: Path, path: Path) -> bool:
    """Whether ``path``, symlinks followed (dangling ones too), stays inside ``root``."""
    base = _resolved(root)
    target = _resolved(path)
    return target == base or base in target.parents


def guard_inside(root: Path, path: Path, what: str) -> None:
    """DataError when ``path`` leads out of the tracker through a symlink."""
    if not is_inside(root, path):
        raise DataError(
            f"{what} {path} 是指向跟踪目录之外({_resolved(path)})的符号链接,拒绝读写;请删除该链接,换成普通文件"
        )


def outside_links(root: Path) -> list[tuple[Path, Path]]:
    """(path, target) of progress/ and the logs and locks in it that lead out of the tracker."""
    found = []
    progress = root / "progress"
    candidates = [progress]
    try:
        if progress.is_dir() and is_inside(root, progress):
            candidates.extend(sorted(progress.iterdir()))
    except OSError:
        pass
    for path in candidates:
        if (path.is_symlink() or path.parent != root) and not is_inside(root, path):
            found.append((path, _resolved(path)))
    return found


# --------------------------------------------------------------------------- -o


def find_tracker_above(path: Path) -> Path | None:
    for folder in (_resolved(path).parent, *_resolved(path).parent.parents):
        if (folder / "tasks.yaml").is_file():
            return folder
    return None


def own_file(path: Path, roots: list[Path]) -> str | None:
    """The tracker file ``path`` would overwrite (tasks.yaml, a log …), or None."""
    target = _resolved(path)
    for root in roots:
        if root is None:
            continue
        base = _resolved(root)
        for name in OWN_FILES:
            if target == base / name:
                return name
        for name in OWN_FOLDERS:
            if target == base / name or (base / name) in target.parents:
                return f"{name}/"
    return None


def check_output(path: Path, flag: str, roots: list[Path], force: bool, produced=None) -> None:
    """Refuse (InputError, exit 2) an output path that is a tracker file, or an
    existing regular file xatrack did not produce (unless ``force``)."""
    name = own_file(path, [*roots, find_tracker_above(path)])
    if name is not None:
        raise InputError(f"{flag} 的值\"{path}\"是跟踪目录自己的文件({name}),不能作为输出;请换一个文件名")
    if force or not regular_file(path):
        return
    if not (produced or made_by_xatrack)(path):
        raise InputError(f"{flag} 的值\"{path}\"已存在,且不是 xatrack 生成的文件,未覆盖;请换一个文件名,或加 --force")


def regular_file(path: Path) -> bool:
    """Whether ``path`` (symlinks followed) is an existing regular file."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def made_by_xatrack(path: Path) -> bool:
    """Whether an existing file carries xatrack's mark: near the start or the
    end of a text file (the html footer, the md comment), or as the creator of a workbook (docProps/core.xml)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(len(head), size - 4096))
            tail = handle.read(4096)
    except OSError:
        return False
    if not head:
        return True  # an empty file holds nothing to lose
    if head.startswith(b"PK"):
        import zipfile  # lazy: rare - only an -o file that is a workbook; zipfile costs 2 ms on every command

        try:
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo("docProps/core.xml")
                if info.file_size > 1024 * 1024:
                    return False
                core = archive.read(info)
        except (OSError, KeyError, zipfile.BadZipFile, ValueError):
            return False
        # <dc:creator>xatrack</dc:creator>, with or without the namespace declared on the element
        return re.search(rb"<dc:creator(?:\s[^>]*)?>" + re.escape(MARK.encode()) + rb"</dc:creator>", core) is not None
    return MARK.encode() in head or MARK.encode() in tail


def write_output(path: Path, content: str | bytes) -> None:
    """Write an output file: a regular file (or a new one) atomically,
    through a symlink to its target; a device or FIFO is written into as is."""

    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode = os.stat(path).st_mode  # symlinks followed
    except OSError:
        mode = None
    # A device or pipe is opened by the name given (/dev/stdout -> /proc/self/fd/1
    # -> "pipe:[…]" has no usable real path); a regular file is replaced at its real path.
    target = path if mode is not None and not stat.S_ISREG(mode) else Path(os.path.realpath(path)) if path.is_symlink() else path
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise DataError(f"{path} 是目录,不能写成文件")
        try:
            with open(target, "wb", buffering=0) as handle:
                view = memoryview(data)
                while view:
                    written = handle.write(view)
                    view = view[written or 0 :]
        except OSError as error:
            raise DataError(f"无法写入 {path}:{error.strerror or error}") from None
        return
    write_atomic(target, data)


def set_mode(handle, temp: str, mode: int) -> None:
    """chmod of a just-made temporary file: os.fchmod where it exists, else os.chmod by name."""
    fchmod = getattr(os, "fchmod", None)
    try:
        if fchmod is not None:
            fchmod(handle.fileno(), mode)
        else:
            os.chmod(temp, mode)
    except (OSError, NotImplementedError):
        pass  # a mode is a courtesy; the content matters


# --------------------------------------------------------------------------- whole files


def write_atomic(path: Path, content: str | bytes, sync_folder: bool = True) -> None:
    """Replace a whole file (text as UTF-8, or bytes such as a workbook):
    temporary file, fsync, rename. Readers see the old file or the new one,
    never a part; on failure the old file is kept and DataError names the path.
    ``sync_folder=False``: the caller writing many files into one folder makes
    their names durable with one ``fsync_folder`` after the last."""
    import tempfile  # lazy: rare - only whole-file writes; tempfile costs 0.4 ms that list does not pay


    if path.is_dir():
        raise DataError(f"{path} 是目录,不能写成文件")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise DataError(f"无法写入 {path}:{error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            set_mode(handle, temp, _file_mode(path))  # mkstemp makes 0600; keep it readable as before
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as error:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise DataError(f"无法写入 {path}:{error.strerror or error}") from None
        raise
    if sync_folder:
        fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _file_mode(path: Path) -> int:
    """The mode of the file being replaced, else what open() would give a new file."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
