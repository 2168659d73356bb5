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
    """A problem found in a file, collected rather than raised (beancount style)."""

    __slots__ = ("file", "line", "message", "severity")

    def __init__(self, file: str, line: int | None, message: str, severity: str = "error"):
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = "错误" if self.severity == "error" else "警告"
        return f"{where}: {label}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.file!r}, {self.line!r}, {self.message!r}, {self.severity!r})"
