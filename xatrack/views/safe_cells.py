"""Data never becomes a formula: in a workbook xatrack writes, or in a CSV
file that Excel or WPS opens (formula injection, CWE-1236).

- xlsx: every cell written from data is a string or a number. openpyxl makes
  a formula of any string starting with "=", so before saving every formula
  cell is turned back into the text it was (xatrack writes no formulas).
- CSV: a field that starts with =, +, -, @, a tab or a carriage return is
  prefixed with ' (what spreadsheet software expects and hides), unless the
  field is a plain number such as -3.5 or +7%.
"""

from __future__ import annotations

import csv
import re

_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?%?")
_RISKY = ("=", "+", "-", "@", "\t", "\r")


def csv_field(value: object) -> object:
    if isinstance(value, str) and value.startswith(_RISKY) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows are neutralised field by field."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row) -> None:
        self._writer.writerow([csv_field(value) for value in row])


# What an xlsx cell cannot hold (XML 1.0 forbids these controls; openpyxl
# raises IllegalCharacterError on them): each becomes U+FFFD, so a note
# holding \x01 gives a readable workbook that shows where something was.
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_value(value: object) -> object:
    """A value fit for an xlsx cell: text without the characters Excel cannot hold."""
    if isinstance(value, str) and _NOT_IN_XLSX.search(value):
        return _NOT_IN_XLSX.sub("\ufffd", value)
    return value


def no_formulas(workbook) -> None:
    """Turn every formula cell of ``workbook`` into text (before saving)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
