"""Who may write what in a tracker: the one table, and the one line grammar.

Standard library only and free of xatrack imports: the pre-receive hook
embeds this module's source (with ``audit``, ``gitlog`` and ``githook``), and
the command line, ``xatrack audit`` and the hook all ask it. See
docs/authority.md for the table in prose.

Actors: ``OFFICE`` (the supervision office, ``"*"`` in units.yaml's
``accounts``), a unit (its canonical name), or ``ANYONE`` with an account.

File kinds are recognised by their exact names (``kind_of``): a file under
``progress/``, ``findings/``, ``bulletins/`` or ``evidence/`` that does not
have its kind's exact name (``2025-Q2.yaml``, upper-case Q) is ``BAD_NAME``
and refused for everyone, so case twins and look-alikes never land.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

OFFICE = "*"
UNIT = "unit"  # the unit the entry is about, and only that unit
SUBJECT = "subject"  # the unit the finding is about
ANYONE = "anyone"  # anyone with an account

PROGRESS, FINDINGS, BULLETIN, EVIDENCE, OFFICE_FILE, BAD_NAME = (
    "progress", "findings", "bulletin", "evidence", "office", "bad-name")

# The table: (file kind, action) -> who may do it, and the rule's wording.
TABLE = {
    (PROGRESS, "report"): (UNIT, "单位只能以本单位名义报送本单位牵头或负责的事项"),
    (PROGRESS, "correct"): (UNIT, "单位只能更正本单位的记录"),
    (PROGRESS, "retract"): (UNIT, "单位只能撤回本单位的记录"),
    (FINDINGS, "add"): (OFFICE, "只有督查室可以登记督查发现"),
    (FINDINGS, "update"): (SUBJECT, "单位只能为本单位的督查发现报送整改情况和佐证材料"),
    (FINDINGS, "close"): (OFFICE, "只有督查室可以销号"),
    (FINDINGS, "reopen"): (OFFICE, "只有督查室可以重新打开督查发现"),
    (BULLETIN, "add"): (OFFICE, "只有督查室可以发布通报"),
    (EVIDENCE, "add"): (ANYONE, "佐证材料的文件名必须是其内容的 SHA-256"),
    (OFFICE_FILE, "write"): (OFFICE, "只有督查室可以修改"),
}

_PROGRESS_NAME = re.compile(r"^progress/(\d{4})-Q([1-4])\.yaml$")
_FINDINGS_NAME = re.compile(r"^findings/(\d{4})\.yaml$")
_BULLETIN_NAME = re.compile(r"^bulletins/(\d{4})-Q([1-4])(?:\.v([2-9]|[1-9][0-9]+))?\.json$")
_EVIDENCE_NAME = re.compile(r"^evidence/(\d{4})/([0-9a-f]{64})(\.[a-z0-9]{1,10})?$")
_PATTERNED = {"progress": "progress/2025-Q2.yaml", "findings": "findings/2025.yaml",
              "bulletins": "bulletins/2025-Q2.json(再次发布:2025-Q2.v2.json)",
              "evidence": "evidence/2025/<内容的 SHA-256>.pdf"}
# Files in those folders that are not records: ignored by xatrack, allowed.
_LOCAL = re.compile(r"^(?:progress|findings)/[^/]*\.lock$|^[^/]+/\.gitkeep$|^[^/]+/\.gitattributes$")


def kind_of(path: str) -> str:
    """The kind of a path relative to the tracker root."""
    if _PROGRESS_NAME.match(path):
        return PROGRESS
    if _FINDINGS_NAME.match(path):
        return FINDINGS
    if _BULLETIN_NAME.match(path):
        return BULLETIN
    if _EVIDENCE_NAME.match(path):
        return EVIDENCE
    top = path.split("/", 1)[0]
    if top in _PATTERNED and "/" in path and not _LOCAL.match(path):
        return BAD_NAME
    return OFFICE_FILE


def name_rule(path: str) -> str:
    """What a BAD_NAME path should have been called (one Chinese line)."""
    return f"{path}:文件名应为 {_PATTERNED.get(path.split('/', 1)[0], '')} 的形式(大小写也须一致)"


def evidence_digest(path: str) -> str:
    """The SHA-256 an evidence file's name promises ('' if not an evidence name)."""
    match = _EVIDENCE_NAME.match(path)
    return match.group(2) if match else ""


def content_matches(path: str, data: bytes) -> bool:
    """Whether an evidence file's bytes hash to its name."""
    import hashlib  # lazy: heavy - OpenSSL (2.5 ms): every reader imports this module for its line grammar

    return hashlib.sha256(data).hexdigest() == evidence_digest(path)


def bulletin_name(year: int, q: int, version: int = 1) -> str:
    return f"{year}-Q{q}.json" if version <= 1 else f"{year}-Q{q}.v{version}.json"


def bulletin_version(name: str) -> tuple[int, int, int] | None:
    """(year, quarter, version) of a bulletin's file name (without folder), or None."""
    match = _BULLETIN_NAME.match("bulletins/" + name)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)


# --------------------------------------------------------------------------- the line grammar

# A log line ends at "\n" only. Inside a line: no other line break (what
# str.splitlines or another reader would split on), no control character but
# the tab, no invalid UTF-8 (decoded with surrogateescape, it shows as a lone
# surrogate). A "\r" just before the "\n" (a file saved on Windows) is allowed.
DAMAGED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|\r(?!\n|$)")


def line_problem(text: str) -> str:
    """Why one line (without its "\\n") breaks the grammar, or ""."""
    match = DAMAGED.search(text)
    if match is None:
        return ""
    ch = match.group()
    if "\ud800" <= ch <= "\udfff":
        return "含有无效的字节(不是 UTF-8 文本)"
    if ch in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
        return f"含有换行符 U+{ord(ch):04X}(一行记录只能以换行 \\n 结束)"
    return f"含有控制字符 U+{ord(ch):04X}"


def decode_lines(data: bytes) -> str:
    """A log's bytes as text; invalid bytes kept as lone surrogates (so the
    line holding them is damaged, not the file). BOM dropped."""
    text = data.decode("utf-8", "surrogateescape")
    return text[1:] if text.startswith("\ufeff") else text


# --------------------------------------------------------------------------- entries


def normalize_id(raw) -> str:
    """As xatrack.model.normalize_id: 'g1' -> 'G1', ' 32 ' -> '32'."""
    text = str(raw).strip()
    if text[:1] in ("g", "G"):
        return "G" + text[1:].strip()
    return text


def record_ref(record: dict) -> str:
    """xatrack.model.entry_ref of a log record as written (the ref a
    retraction names); '' when the record cannot be an entry."""
    try:
        at = record.get("at")
        at_text = datetime.fromisoformat(at).isoformat() if isinstance(at, str) else ""
        value = record.get("value")
        value_text = "" if value is None else repr(float(value))
        day = record.get("date")
        day_text = datetime.fromisoformat(day.strip()).date().isoformat() if isinstance(day, str) else ""
        note = record.get("note")
        text = "\x1f".join((normalize_id(record.get("id")), record.get("metric") or "", value_text,
                            record.get("status") or "", "" if note is None else str(note), day_text,
                            str(record.get("by") or ""), at_text, record.get("retracts") or ""))
    except (TypeError, ValueError, AttributeError):
        return ""
    import hashlib  # lazy: heavy - as above; only a retraction a unit pushes is looked up

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


REPORT_STATUSES = ("未启动", "推进中", "已完成", "滞后", "受阻")  # xatrack.model.REPORT_STATUSES
_REF = re.compile(r"^[0-9a-f]{12}$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def entry_problem(record: dict) -> str:
    """Why a progress log record is not an entry xatrack reads (as
    xatrack.logfile.entry_from_record judges a JSON line), or ""."""
    item = record.get("id")
    if isinstance(item, bool) or not isinstance(item, (int, str)) or str(item).strip() == "":
        return "缺少或无效的 id"
    metric = record.get("metric")
    if metric is not None and not isinstance(metric, str):
        return "metric 应为指标名称(文字)"
    value = record.get("value")
    if value is not None and not _finite(value):
        return "value 应为有限数值"
    status = record.get("status")
    if status is not None and status not in REPORT_STATUSES:
        return f"未知的状态(应为 {'/'.join(REPORT_STATUSES)})"
    for key in ("note", "by", "actor"):
        text = record.get(key)
        if text is not None and (isinstance(text, bool) or not isinstance(text, (str, int, float))):
            return f"{key} 应为文字"
    for key in ("id", "metric", "note", "by", "actor"):
        text = record.get(key)
        if isinstance(text, str) and _SURROGATE.search(text):
            return f"{key} 含有无效的字符(孤立的 UTF-16 代理项)"
    retracts = record.get("retracts")
    if retracts is not None:
        if not isinstance(retracts, str) or not _REF.match(retracts):
            return "retracts 应为被撤回记录的编号(12 位十六进制)"
        if value is not None or status is not None:
            return "撤回记录不能同时带 value 或 status"
    elif value is None and status is None and not record.get("note"):
        return "记录中既没有 value,也没有 status 或 note"
    day = record.get("date")
    try:
        if not isinstance(day, str):
            raise ValueError
        date.fromisoformat(day.strip())
    except ValueError:
        return "缺少或无效的 date"
    at = record.get("at")
    if at is not None:
        try:
            if not isinstance(at, str):
                raise ValueError
            datetime.fromisoformat(at)
        except ValueError:
            return "at 应为记录时间(如 2025-06-20T09:30:00+08:00)"
    return ""


def _finite(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def finding_action(record: dict) -> str:
    op = record.get("op")
    return op if op in ("add", "update", "close", "reopen") else ""


def who(kind: str, action: str) -> tuple[str, str]:
    """(who may, the rule's wording) for an action on a file kind."""
    return TABLE[(kind, action)]


def unit_may(kind: str, action: str) -> bool:
    """Whether a unit's account may do this at all (on its own business)."""
    return TABLE[(kind, action)][0] != OFFICE


def refusal(kind: str, action: str, actor: str) -> str:
    """The one line that refuses ``actor`` (a unit) an office-only action."""
    _, rule = TABLE[(kind, action)]
    return f"{rule}({actor} 无此权限)"


__all__ = ["OFFICE", "TABLE", "kind_of", "line_problem", "record_ref", "who", "unit_may", "refusal",
           "content_matches", "bulletin_name", "bulletin_version", "decode_lines", "DAMAGED"]
