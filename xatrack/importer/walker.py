"""The layout walker: the lines of a plan (notice, title, parts, actions, sections, items) -> drafts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from xatrack.importer.assignments import _KEY, _has_key, duty_in_words, parse_assignment, split_assignment, split_names
from xatrack.importer.deadlines import deadline_quarter, due_quarter
from xatrack.importer.figures import extract_figures, growth_target_id, relative_metrics
from xatrack.importer.formats import Document, Table
from xatrack.importer.layouts import prepare
from xatrack.importer.headings import CN_NUMBERED, CONVENTION, NUMBERED, PART_HEADING, UNIT_NAME, heading_assignment
from xatrack.importer.table_reader import TableReader
from xatrack.importer.overrides import PLAN_KEY, apply_overrides
from xatrack.importer.result import ImportResult, ImportWarning, ReviewRow
import xatrack.importer.tables as tab
from xatrack.importer.text import _CLOSE, _OPEN, _is_cjk, _short, chinese_number
from xatrack.model import TARGET, TASK, Action, Item, Plan, PlanInfo


_UNFINISHED_END = "。;\uff1b)\uff09〕]】!\uff01?\uff1f"
_BULLET = re.compile(r"^[-•*●▪◆·]\s*(.+)$")
_BLOCK_MARKER = re.compile(r"^·\s*(\S.*?)\s*·$")
_CORE = re.compile(r"^核心\s*[:\uff1a]\s*(.+)$")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SECTION = re.compile(r"[\u4e00-\u9fff“”《》、()\uff08\uff09]+")
_TARGET_WORDS = re.compile(r"(目标|目標)")
_ACTION_WORDS = re.compile(r"(行动|行動|重点工作|重點工作|任务|任務|工作)")


@dataclass
class _Draft:
    id: str
    kind: str
    text: str
    line: int
    action: int | None = None
    section: str | None = None
    leaders: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    deadline: str = ""
    source: str = ""  # the text as the document has it
    place: str = ""
    inferred: list[str] = field(default_factory=list)
    reader: str = ""  # the layout that recognised it: 条文、表格、要点列表…
    heading_leaders: list[str] = field(default_factory=list)  # from the heading above (一、张三市长主抓…)
    heading_lead: list[str] = field(default_factory=list)  # from the heading above (一、某局牵头工作)
    open_body: str | None = None  # the body while the item may continue on the next line


@dataclass
class _ActionDraft:
    id: int
    title: str
    intro: str = ""
    sections: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # block header lines (·谋划2024· format)
    in_header: bool = False
    has_tasks: bool = False


class _Builder(TableReader):
    def __init__(self, lines: list[str], document: Document | None = None, first_unit_lead: bool = False):
        self.document = document or Document(lines=lines)
        self.first_unit_lead = first_unit_lead  # items without a lead take their first responsible unit
        prepared, self.prepared = prepare(list(lines))
        self.lines = self._without_conventions(prepared)
        self.tables: dict[int, Table] = dict(self.document.tables)
        self.text_tables = {found.start: found for found in tab.find_text_tables(self.lines)}
        self.layouts: list[str] = list(self.prepared)
        self.heading_leaders: list[str] = []
        self.heading_lead: list[str] = []
        self.renumber = 0  # added to item numbers once numbering restarts under a new heading
        self.heading_since_item = False
        self.warnings: list[ImportWarning] = []
        self.mode: str | None = None  # TARGET or TASK part of the document
        self.actions: list[_ActionDraft] = []
        self.section: str | None = None
        self.items: list[_Draft] = []
        self.ids: set[str] = set()
        self.title = ""
        self.issuer = ""
        self.issued: date | None = None
        self.years: list[int] = []

    # -- walking

    def run(self) -> None:
        start = self._body_start()
        self._read_preamble(start)
        index = start
        while index < len(self.lines):
            if index in self.tables:
                self._read_table(index + 1, self.tables[index], None)
            elif index in self.text_tables:
                found = self.text_tables[index]
                self._read_table(index + 1, found.table, found)
                index = found.end
                continue
            else:
                line = self.lines[index].strip()
                if line:
                    self._read_line(index + 1, line)
            index += 1

    def warn(self, line: int, message: str, place: str | None = None) -> None:
        self.warnings.append(ImportWarning(line, message, self.document.place(line) if place is None else place))

    def _note_layout(self, layout: str) -> None:
        if layout not in self.layouts:
            self.layouts.append(layout)

    def _without_conventions(self, lines: list[str]) -> list[str]:
        """Lines with the note 列第一位的为牵头单位 taken out (it is never a unit nor an item)."""
        self.first_is_lead = False
        for index, line in enumerate(lines):
            match = CONVENTION.search(line)
            if match:
                self.first_is_lead = True
                lines[index] = (line[: match.start()] + line[match.end() :]).rstrip()
                if not lines[index].strip(" \t()\uff08\uff09。:\uff1a注"):
                    lines[index] = ""
        for table in self.document.tables.values():
            for row in table.rows:
                for column, cell in enumerate(row):
                    if cell and CONVENTION.search(cell):
                        self.first_is_lead = True
                        row[column] = CONVENTION.sub("", cell).strip()
        return lines

    def _body_start(self) -> int:
        for index, raw in enumerate(self.lines):
            if index in self.tables or index in self.text_tables or self._starts_body(raw.strip()):
                return index
        return len(self.lines)

    def _starts_body(self, line: str) -> bool:
        if not line:
            return False
        if self._is_part_heading(line) or _BLOCK_MARKER.match(line) or _CORE.match(line):
            return True
        if CN_NUMBERED.match(line) and chinese_number(CN_NUMBERED.match(line).group(1)):
            return True
        return bool(NUMBERED.match(line)) or (bool(_BULLET.match(line)) and not line.startswith("·"))

    @staticmethod
    def _is_part_heading(line: str) -> bool:
        match = PART_HEADING.match(line)
        return bool(match) and "。" not in line and len(line) <= 40 and not _has_key(line)

    def _read_line(self, number: int, line: str) -> None:
        for reader in (
            self._read_part_heading,
            self._read_block_marker,
            self._read_core,
            self._read_assignment_line,
            self._read_cn_numbered,
            self._read_numbered,
            self._read_bullet,
            self._read_block_header,
            self._read_section,
            self._read_intro,
        ):
            count = len(self.items)
            if reader(number, line):
                if reader != self._read_assignment_line and len(self.items) == count:  # bound methods: ==, not is
                    self._close_open_item()  # a heading: the item above is complete
                return
        if self._continue_item(number, line):
            return
        self.warn(number, f"无法识别的行,已跳过: {_short(line)}")

    # -- preamble (notice, title block)

    def _read_preamble(self, end: int) -> None:
        lines = [(index + 1, self.lines[index].strip()) for index in range(end) if self.lines[index].strip()]
        title_lines = self._title_block(lines)
        for number, text in lines:
            if number in title_lines:
                continue
            date_match = _DATE.match(text)
            if date_match:
                self._read_date(number, date_match)
            elif not self._is_notice_prose(text):
                if self._looks_like_issuer(number, lines):
                    self.issuer = text
                else:
                    self.warn(number, f"无法识别的行,已跳过: {_short(text)}")
        self.title = "".join(text for number, text in lines if number in title_lines)
        self._note_year(self.title)

    def _title_block(self, lines: list[tuple[int, str]]) -> set[int]:
        block: list[int] = []
        for number, text in reversed(lines):
            if not self._is_title_like(text) or (block and number != block[-1] - 1):
                break
            if self._looks_like_issuer(number, lines):
                break
            block.append(number)
        return set(block)

    @staticmethod
    def _is_title_like(text: str) -> bool:
        return (
            len(text) <= 40
            and not _has_key(text)
            and not any(ch in text for ch in "。;\uff1b")
            and not text.endswith((":", "\uff1a"))
            and not _DATE.match(text)
            and not (text[0] in _OPEN and text[-1] in _CLOSE)
        )

    def _looks_like_issuer(self, number: int, lines: list[tuple[int, str]]) -> bool:
        """The short line right before the date line (咸安区人民政府办公室)."""
        following = [text for n, text in lines if n > number]
        text = self._line(number)
        return bool(following) and bool(_DATE.match(following[0])) and len(text) <= 30 and _is_cjk(text[0])

    def _line(self, number: int) -> str:
        return self.lines[number - 1].strip()

    @staticmethod
    def _is_notice_prose(text: str) -> bool:
        wrapped = text[0] in _OPEN and text[-1] in _CLOSE
        return wrapped or text.endswith(("。", ":", "\uff1a")) or text.startswith(("附件", "抄送"))

    def _read_date(self, number: int, match: re.Match) -> None:
        try:
            self.issued = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            self.warn(number, f"日期无效: {match.group(0)}")

    def _note_year(self, text: str) -> None:
        match = _YEAR.search(text)
        if match:
            self.years.append(int(match.group(1)))

    # -- body readers; each returns True when the line is its kind

    def _read_part_heading(self, number: int, line: str) -> bool:
        if not self._is_part_heading(line):
            return False
        heading = PART_HEADING.match(line).group(2)
        self._heading_assignment(heading)
        is_targets = _TARGET_WORDS.search(heading) and not _ACTION_WORDS.search(heading.replace("目标任务", ""))
        self.mode = TARGET if is_targets else TASK
        self.section = None
        self._note_year(heading)
        self.heading_since_item = True
        return True

    def _read_block_marker(self, number: int, line: str) -> bool:
        match = _BLOCK_MARKER.match(line)
        if not match:
            return False
        self.mode = TASK
        self.section = None
        self.actions.append(_ActionDraft(id=len(self.actions) + 1, title="", in_header=True))
        year = re.search(r"(?:19|20)\d{2}", match.group(1))  # ·谋划2024·
        if year:
            self.years.append(int(year.group(0)))
        return True

    def _read_core(self, number: int, line: str) -> bool:
        match = _CORE.match(line)
        if not match:
            return False
        self._close_header()
        self._add_section(number, match.group(1).strip().rstrip("。"))
        return True

    def _read_assignment_line(self, number: int, line: str) -> bool:
        last = self.items[-1] if self.items else None
        if last is not None and last.open_body is not None and _unclosed_assignment(last.open_body):
            return self._continue_item(number, line)  # 责任单位:… closing a bracket opened on the line above
        inner = line[1:-1] if line[0] in _OPEN and line[-1] in _CLOSE else line
        match = _KEY.match(inner.strip())
        if not match:
            return False
        if not self.items:
            self.warn(number, f"责任分工行前面没有目标或任务,已跳过: {_short(line)}")
            return True
        self._assign(number, self.items[-1], inner)
        return True

    def _read_cn_numbered(self, number: int, line: str) -> bool:
        match = CN_NUMBERED.match(line)
        value = chinese_number(match.group(1)) if match else None
        if not value:
            return False
        body = match.group(2).strip()
        if self.mode == TARGET:
            self._add_item(number, f"G{value}", TARGET, body)
        else:
            self._add_action(number, value, body)
            self._heading_assignment(body, only_if_found=True)
        return True

    def _read_numbered(self, number: int, line: str) -> bool:
        match = NUMBERED.match(line)
        if not match:
            return False
        circled = match.group(3)
        value = int(match.group(1) or match.group(2)) if not circled else ord(circled) - 0x2460 + 1
        body = match.group(4).strip()
        if self.mode == TARGET:
            self._add_item(number, f"G{value}", TARGET, body)
        else:
            self._add_item(number, str(self._task_number(value)), TASK, body)
        return True

    def _task_number(self, value: int) -> int:
        """Numbering that starts again at 1 under each heading continues through the document."""
        tasks = [d for d in self.items if d.kind == TASK and d.id.isdigit()]
        if value == 1 and tasks and self.heading_since_item:
            self.renumber = int(tasks[-1].id)
        self.heading_since_item = False
        return value + self.renumber

    def _heading_assignment(self, heading: str, only_if_found: bool = False) -> bool:
        """一、张三市长主抓重点工作 / 一、某局牵头工作(8项): who answers for the items below."""
        leaders, lead = heading_assignment(heading)
        if only_if_found and not (leaders or lead):
            return False
        self.heading_leaders, self.heading_lead = leaders, lead
        self.heading_since_item = True
        return bool(leaders or lead)

    def _read_bullet(self, number: int, line: str) -> bool:
        match = _BULLET.match(line)
        if not match or line.startswith("·") and not line[1:2].isspace():
            return False
        self._close_header()
        kind = TARGET if self.mode == TARGET else TASK
        existing = [int(d.id.lstrip("G")) for d in self.items if d.kind == kind and d.id.lstrip("G").isdigit()]
        next_id = max(existing, default=0) + 1
        draft = self._add_item(number, f"G{next_id}" if kind == TARGET else str(next_id), kind, match.group(1).strip())
        if draft is not None:
            draft.reader = "要点列表"
        self._note_layout("要点列表")
        return True

    def _read_block_header(self, number: int, line: str) -> bool:
        action = self.actions[-1] if self.actions else None
        if not action or not action.in_header:
            return False
        if not self._is_title_like(line):
            return False
        action.header.append(line)
        return True

    def _read_section(self, number: int, line: str) -> bool:
        if self.mode != TASK or not self.actions:
            return False
        name = line.rstrip("。")
        if len(name) > 30 or not _SECTION.fullmatch(name):
            return False
        self._add_section(number, name)
        return True

    def _read_intro(self, number: int, line: str) -> bool:
        action = self.actions[-1] if self.actions else None
        if self.mode != TASK or not action or action.sections or action.has_tasks or not line.endswith("。"):
            return False
        action.intro += line
        return True

    # -- building

    def _close_header(self) -> None:
        action = self.actions[-1] if self.actions else None
        if not action or not action.in_header:
            return
        action.in_header = False
        header = action.header
        titled = [text for text in header if text.startswith("奋力")]
        action.title = titled[0] if titled else (header[-1] if header else "")
        action.intro = " ".join(text for text in header if text != action.title)

    def _add_action(self, number: int, value: int, body: str) -> None:
        self._close_header()
        self.mode = TASK
        title, _, intro = body.partition("。")
        if any(a.id == value for a in self.actions):
            self.warn(number, f"行动编号({value})重复")
        self.actions.append(_ActionDraft(id=value, title=title.strip(), intro=intro.strip()))
        self.section = None
        self.heading_since_item = True
        if not title.strip():
            self.warn(number, "行动标题为空")

    def _add_section(self, number: int, name: str) -> None:
        if not self.actions:
            self.warn(number, f"小标题前面没有行动,已跳过: {_short(name)}")
            return
        self.actions[-1].sections.append(name)
        self.section = name
        self.heading_since_item = True

    def _add_item(self, number: int, item_id: str, kind: str, body: str, place: str | None = None) -> _Draft | None:
        self._close_header()
        self._close_open_item()
        if item_id in self.ids:
            self.warn(number, f"编号 {item_id} 重复,已跳过: {_short(body)}", place)
            return None
        self._check_sequence(number, item_id, kind, place)
        action = self.actions[-1].id if kind == TASK and self.actions else None
        if action is not None:
            self.actions[-1].has_tasks = True
        draft = _Draft(item_id, kind, "", number, action=action, section=self.section if action else None)
        draft.source = body
        draft.place = place if place is not None else (self.document.place(number) or f"第{number}行")
        draft.heading_leaders = list(self.heading_leaders)
        draft.heading_lead = list(self.heading_lead)
        self.ids.add(item_id)
        self.items.append(draft)
        if place is None:
            self._note_layout("条文")
            draft.reader = "条文"
        self._set_body(number, draft, body, place)
        if not draft.text:
            self.warn(number, f"编号 {item_id} 没有内容", place)
        return draft

    def _set_body(self, number: int, draft: _Draft, body: str, place: str | None, final: bool = False) -> None:
        """Text and assignment of an item; an unclosed or unfinished line may go on in the next line."""
        text, assignment = split_assignment(body)
        may_continue = place is None and not final
        if assignment is None:
            unclosed = _unclosed_assignment(body)
            if unclosed is not None:
                text, assignment = unclosed
                if may_continue:
                    draft.open_body = body
                else:
                    self.warn(number, f"责任分工缺少右括号(可能被截断),已按现有内容读取: {_short(assignment)}", place)
            else:
                units = _unlabelled_units(text)
                if units is not None:
                    text, lead, draft.units, note = units
                    draft.lead = lead or draft.lead
                    draft.inferred.append(note)
                elif may_continue and not body.rstrip().endswith(tuple(_UNFINISHED_END)):
                    draft.open_body = body
        draft.text = text
        if assignment is not None:
            self._assign(number, draft, assignment, place)

    def _continue_item(self, number: int, line: str) -> bool:
        """A line that carries on the item above it (a wrapped line of a PDF or a narrow column)."""
        draft = self.items[-1] if self.items else None
        if draft is None or draft.open_body is None or self._starts_body(line):
            return False
        body = draft.open_body + line
        draft.open_body = None
        draft.leaders, draft.lead, draft.units, draft.deadline = [], [], [], ""
        draft.source = body
        self._set_body(number, draft, body, None)
        return True

    def _close_open_item(self) -> None:
        draft = self.items[-1] if self.items else None
        if draft is None or draft.open_body is None:
            return
        body, draft.open_body = draft.open_body, None
        if _unclosed_assignment(body) is not None and split_assignment(body)[1] is None:
            draft.leaders, draft.lead, draft.units, draft.deadline = [], [], [], ""
            self._set_body(draft.line, draft, body, None, final=True)

    def _check_sequence(self, number: int, item_id: str, kind: str, place: str | None = None) -> None:
        previous = [d for d in self.items if d.kind == kind]
        if not previous:
            return
        last, current = previous[-1].id.lstrip("G"), item_id.lstrip("G")
        if last.isdigit() and current.isdigit() and int(current) != int(last) + 1:
            self.warn(number, f"编号不连续: {previous[-1].id} 之后是 {item_id}", place)

    def _assign(self, number: int, draft: _Draft, content: str, place: str | None = None) -> None:
        parsed = parse_assignment(content)
        if parsed.leftover:
            self.warn(number, f"责任分工中无法识别的内容: {_short(parsed.leftover)}", place)
        for name in ("leaders", "lead", "units"):
            target = getattr(draft, name)
            target.extend(value for value in getattr(parsed, name) if value not in target)
        if parsed.open_list and "责任单位以“等”结尾,名单未列全" not in draft.inferred:
            draft.inferred.append("责任单位以“等”结尾,名单未列全")
        if parsed.lead_in_list and "牵头单位取自单位名单中标“牵头”的" not in draft.inferred:
            draft.inferred.append("牵头单位取自单位名单中标“牵头”的")
        if parsed.deadline:
            draft.deadline = "、".join(parsed.deadline) if not draft.deadline else draft.deadline

    # -- result

    def finish(self, overrides: dict[str, list[dict]]) -> ImportResult:
        self._close_header()
        self._close_open_item()
        self._infer_assignments()
        plan_fixes = overrides.get(PLAN_KEY, [{}])[0]
        if "year" in plan_fixes:
            self.years.insert(0, plan_fixes["year"])
        items = [self._item(draft, overrides.get(draft.id, [])) for draft in self.items]
        items = self._relative_targets(items)
        for item_id, entries in overrides.items():
            if item_id not in self.ids and item_id != PLAN_KEY:
                self.warn(0, f"覆盖文件第{entries[0]['line']}行: 原文中没有条目 {item_id}")
        if not items:
            self.warn(0, "没有找到任何目标或任务")
        info = PlanInfo(title=plan_fixes.get("title", self.title), issuer=plan_fixes.get("issuer", self.issuer),
                        issued=self.issued, year=self._year())
        actions = tuple(Action(a.id, a.title, a.intro, tuple(a.sections)) for a in self.actions)
        plan = Plan(
            info=info,
            actions=actions,
            targets=tuple(item for item in items if item.kind == TARGET),
            tasks=tuple(item for item in items if item.kind == TASK),
        )
        warnings = sorted(self.warnings, key=lambda w: w.line)
        review = tuple(ReviewRow(d.id, d.place, d.source, tuple(d.inferred), d.reader) for d in self.items)
        return ImportResult(
            plan=plan,
            warnings=tuple(warnings),
            layout="、".join(self.layouts) or "无",
            source_format=self.document.format,
            review=review,
        )

    def _infer_assignments(self) -> None:
        """What the document says once for many items: heading leaders and leads, 列第一位的为牵头单位."""
        known = {name for d in self.items for name in d.leaders}
        for draft in self.items:
            if draft.leaders:
                draft.leaders = _split_glued(draft.leaders, known)
            if not draft.leaders and draft.heading_leaders:
                draft.leaders = list(draft.heading_leaders)
                draft.inferred.append(f"责任领导取自标题({draft.heading_leaders[0]})")
            if not draft.lead and draft.heading_lead:
                draft.lead = list(draft.heading_lead)
                draft.inferred.append(f"牵头单位取自标题({draft.heading_lead[0]})")
            if not draft.lead and draft.units and self.first_is_lead:
                draft.lead, draft.units = draft.units[:1], draft.units[1:]
                draft.inferred.append("牵头单位按“列第一位的为牵头单位”取责任单位第一个")
            elif not draft.lead and draft.units and self.first_unit_lead:
                draft.lead, draft.units = draft.units[:1], draft.units[1:]
                draft.inferred.append("牵头单位按 --first-unit-lead 推定为责任单位第一个")

    @staticmethod
    def _fix_item(draft: _Draft, fields: dict) -> None:
        """The office's settled fields (overrides without figure): they replace what the document gave."""
        for key in ("text", "deadline"):
            if key in fields:
                setattr(draft, key, fields[key])
        for key, title in (("leaders", "责任领导"), ("lead", "牵头单位"), ("units", "责任单位")):
            if key in fields:
                setattr(draft, key, list(fields[key]))
                draft.inferred.append(f"{title}取自覆盖文件")

    def _relative_targets(self, items: list[Item]) -> list[Item]:
        """Targets (or tasks) stated against another figure (与经济增长基本同步, 不低于全市平均水平)
        get a RELATIVE metric (figures.relative_metrics), unless the text already
        has metrics of its own or the overrides gave it one."""
        growth = growth_target_id(items)
        result = []
        for item in items:
            if not item.metrics:
                found = relative_metrics(item.text, growth if growth != item.id else None)
                if found:
                    item = replace(item, metrics=tuple(found))
                    draft = next((d for d in self.items if d.id == item.id), None)
                    if draft is not None:
                        draft.inferred.append(f"对照类指标:{found[0].name}与 {found[0].follows} 比较")
            result.append(item)
        return result

    def _year(self) -> int:
        if self.years:
            return self.years[0]
        return self.issued.year if self.issued else 0

    def _item(self, draft: _Draft, entries: list[dict]) -> Item:
        label = f"目标{draft.id}" if draft.kind == TARGET else f"任务{draft.id}"

        def warn(message: str) -> None:
            self.warn(draft.line, f"{label}: {message}", draft.place if self.document.places or draft.place.startswith("表") else None)

        fixed = [entry for entry in entries if "item" in entry]
        entries = [entry for entry in entries if "item" not in entry]
        for entry in fixed:
            self._fix_item(draft, entry["item"])
        hits = extract_figures(draft.text)
        metrics, not_goals = apply_overrides(draft.text, hits, entries, warn)
        due = due_quarter(draft.text)
        fixed_due = next((entry["item"]["due"] for entry in fixed if "due" in entry["item"]), None)
        if fixed_due is not None:
            due = fixed_due
        elif draft.deadline:
            from_words = deadline_quarter(draft.deadline, self._year())
            if from_words is None:
                warn(f"完成时限“{draft.deadline}”无法换算成季度,按原文推断为第{due}季度")
            else:
                due = from_words
                draft.inferred.append(f"完成时限“{draft.deadline}”换算为第{due}季度")
        return Item(
            id=draft.id,
            kind=draft.kind,
            text=draft.text,
            leaders=tuple(draft.leaders),
            lead=tuple(draft.lead),
            units=tuple(draft.units),
            metrics=tuple(metrics),
            action=draft.action,
            section=draft.section,
            due=due,
            not_goals=tuple(not_goals),
            source_line=draft.line,
            deadline=draft.deadline,
        )

def _split_glued(names: list[str], known: set[str]) -> list[str]:
    """洪声耀俞悦 -> 洪声耀, 俞悦, only when the document names both on their own elsewhere."""
    result: list[str] = []
    for name in names:
        parts = None
        if name not in known or len(name) >= 4:
            for cut in range(2, len(name) - 1):
                if name[:cut] in known and name[cut:] in known and name[:cut] != name:
                    parts = [name[:cut], name[cut:]]
                    break
        for part in parts or [name]:
            if part not in result:
                result.append(part)
    return result


def _unclosed_assignment(body: str) -> tuple[str, str] | None:
    """(text, assignment) when an assignment bracket is opened and never closed: 做事(牵头单位:某局"""
    depth_open = []
    for pos, ch in enumerate(body):
        if ch in _OPEN:
            depth_open.append(pos)
        elif ch in _CLOSE and depth_open:
            depth_open.pop()
    for pos in depth_open:
        inner = body[pos + 1 :]
        if _has_key(inner):
            return body[:pos].rstrip(), inner
    return None


def _unlabelled_units(text: str) -> tuple[str, list[str], list[str], str] | None:
    """做事。(市人社局、市财政局) / 做事。(县交通局、县财政局负责): (text, lead, units, what was inferred)
    from a last bracket without 责任单位:, when every name is a unit."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] not in _CLOSE:
        return None
    depth = 0
    for pos in range(len(stripped) - 1, -1, -1):
        if stripped[pos] in _CLOSE:
            depth += 1
        elif stripped[pos] in _OPEN:
            depth -= 1
            if depth == 0:
                inner = stripped[pos + 1 : -1]
                before = stripped[:pos].rstrip()
                duty = duty_in_words(inner)
                if duty is not None and before and all(UNIT_NAME.search(_strip_brackets(n)) for n in duty[0] + duty[1]):
                    lead, units, note = duty
                    return before, lead, units, note or "牵头单位取自句末括号中的“牵头”"
                names = split_names(inner)
                if names and before and all(UNIT_NAME.search(_strip_brackets(n)) for n in names):
                    return before, [], names, "责任单位取自句末括号(未写“责任单位”)"
                return None
    return None


def _strip_brackets(name: str) -> str:
    return re.sub(r"[(\uff08〔][^()\uff08\uff09〔〕]*[)\uff09〕]$", "", name)
