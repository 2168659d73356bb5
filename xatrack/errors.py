"""Errors a user can cause. Each carries a one-line Chinese message.

The CLI catches ``XatrackError`` and prints ``错误: <message>`` with the exit
code; nothing a user types or puts in a file may end in a traceback.
"""

from __future__ import annotations


class XatrackError(Exception):
    """A problem to show the user in one line, then exit with ``exit_code``."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(XatrackError):
    """Bad flag or argument value (exit 2)."""


class DataError(XatrackError):
    """A file that cannot be read or understood (exit 2), message names file and line."""


class Problem:
    """A problem found in a file, collected rather than raised (beancount style).

    The one problem type: the registry, the directory, the logs, findings,
    the importer (importer.result.ImportWarning) and ingest (sheet.Rejection)
    all report Problems. Frozen, compared by value. ``file`` as the user reads
    it (relative to the tracker), ``line`` 1-based or None, ``severity``
    "error" or "warning", ``code`` a short English key for programs ("" when
    none was given), ``message`` one Chinese line.
    """

    __slots__ = ("file", "line", "message", "severity", "code")

    def __init__(self, file: str, line: int | None, message: str, severity: str = "error", code: str = ""):
        set_ = object.__setattr__
        set_(self, "file", file)
        set_(self, "line", line)
        set_(self, "message", message)
        set_(self, "severity", severity)  # "error" | "warning"
        set_(self, "code", code)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is frozen")

    __delattr__ = __setattr__

    def _key(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields())

    @classmethod
    def _fields(cls) -> tuple[str, ...]:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            names.extend(getattr(klass, "__slots__", ()))
        return tuple(names)

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __reduce__(self):
        return (_rebuild, (type(self), self._key()))

    def replace(self, **changes) -> "Problem":
        """A copy with some fields changed (a Problem never changes)."""
        values = dict(zip(self._fields(), self._key()), **changes)
        copy = object.__new__(type(self))
        for name, value in values.items():
            object.__setattr__(copy, name, value)
        return copy

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = "错误" if self.severity == "error" else "警告"
        return f"{where}: {label}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.file!r}, {self.line!r}, {self.message!r}, {self.severity!r}, {self.code!r})"


def _rebuild(cls, values):
    problem = object.__new__(cls)
    for name, value in zip(cls._fields(), values):
        object.__setattr__(problem, name, value)
    return problem
