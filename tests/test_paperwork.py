"""The office's paperwork: the Word 通报 (GB/T 9704-2012), 各季度对比, CSV and -o rules.

The tracker is the shipped plan with updates in three quarters, recorded
through `xatrack update`; the expected values are worked out by hand:

Q1 (2025-03-25): 32 90/336个 (pace 84: 正常), 79 3/17个 (pace 4.25: 严重滞后),
                 5 190/180亿元 (已完成), 28 推进中 (正常).
Q2 (2025-06-20): 32 120 (pace 168: 严重滞后), 28 受阻 (严重滞后), 75 450/1000个 (pace 500: 滞后),
                 G1 6.5% (滞后), G4 8% (≥7: 正常), 29 已完成.
Q3 (2025-09-20): 32 300 (pace 252: 正常). Nothing else: 28, 75, G1, G4 become 未报送;
                 5 and 29 stay 已完成.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx  # python-docx, a required dependency: a broken install fails, never skips
import pytest
from docx.shared import Pt

from cli_helpers import REPO, run
from xatrack import reading
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES, Quarter

UPDATES = {
    "2025-03-25": [["32", "--done", "90"], ["79", "--done", "3"], ["5", "--done", "190"], ["28", "--status", "推进中"]],
    "2025-06-20": [
        ["32", "--done", "120"],
        ["28", "--status", "受阻"],
        ["75", "--done", "450"],
        ["G1", "--done", "6.5"],
        ["G4", "--done", "8"],
        ["29", "--status", "已完成"],
    ],
    "2025-09-20": [["32", "--done", "300"]],
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


REPLAY = UPDATES  # recorded once (conftest.replayed)
TODAY = "2025-10-13"  # the day the tests run on (conftest.tracker): Monday after the Q3 deadline (2025-10-10)


def _report(root, quarter: int):
    from xatrack.queries import Filters, Selector
    from xatrack.report import build_report
    from xatrack.store import Tracker

    t = Tracker(root)
    plan, directory = reading.plan(t), reading.directory(t)
    entries, problems = reading.entries(t, plan.info.year)
    assert not problems
    return build_report(plan, directory, entries, Quarter(2025, quarter), selector=Selector(plan, directory, Filters()))


def _counts(**named) -> tuple[int, ...]:
    return tuple(named.get(state, 0) for state in STATES)


# --------------------------------------------------------------------------- 各季度对比 (trends)


def test_trends_per_unit_and_leader_for_each_quarter(replayed):
    trends = _report(replayed, 3).trends
    assert trends.labels == ("Q1", "Q2", "Q3")
    units = {row.name: row for row in trends.units}
    # 区教育局 leads 4, 28 and 75.
    assert units["区教育局"].counts == (
        _counts(**{ON_TRACK: 1, MISSING: 2}),
        _counts(**{BEHIND: 1, SEVERE: 1, MISSING: 1}),
        _counts(**{MISSING: 3}),
    )
    leaders = {row.name: row for row in trends.leaders}
    assert leaders["洪声耀"].counts == (
        _counts(**{ON_TRACK: 1, MISSING: 27}),
        _counts(**{DONE: 1, SEVERE: 1, MISSING: 26}),
        _counts(**{DONE: 1, ON_TRACK: 1, MISSING: 26}),
    )


def test_trends_improved_worsened_stopped_and_streaks(replayed):
    trends = _report(replayed, 3).trends
    assert [(m.item_id, m.before, m.after) for m in trends.improved] == [("32", SEVERE, ON_TRACK)]
    # Progress is compared between reported states only: 严重滞后 -> 未报送 is a report
    # missing (停报), not progress lost, and is listed as such, not as 进度变差.
    assert trends.worsened == trends.reported == ()
    assert [(m.item_id, m.before, m.after) for m in trends.lapsed] == [
        ("G1", BEHIND, MISSING),
        ("G4", ON_TRACK, MISSING),
        ("28", SEVERE, MISSING),
        ("75", BEHIND, MISSING),
    ]
    q2 = _report(replayed, 2).trends  # Q1 -> Q2: first reports are new reports, whatever their colour
    moves = {key: [(m.item_id, m.before, m.after) for m in found] for key, _, _, found in q2.moves}
    assert moves == {
        "improved": [],
        "worsened": [("28", ON_TRACK, SEVERE), ("32", ON_TRACK, SEVERE)],
        "reported": [("G1", MISSING, BEHIND), ("G4", MISSING, ON_TRACK), ("29", MISSING, DONE), ("75", MISSING, BEHIND)],
        "lapsed": [("79", SEVERE, MISSING)],
    }
    # Reported in Q2 and nothing in Q3 while owing: 区发改局 (G1), 区财政局 (G4), 区教育局 (28, 75),
    # 区人社局 (29 stays 已完成, but it also leads 30 and 74); 区科经局 reported 32 again.
    assert set(trends.stopped) == {"区发改局", "区财政局", "区教育局", "区人社局"}
    streaks = {s.unit: s for s in trends.streaks}
    assert "79" in streaks["区民政局"].ids  # reported in Q1 only: Q2 and Q3 unreported
    assert streaks["区民政局"].quarters == 3  # its other items were never reported
    assert "28" not in streaks["区教育局"].ids and "4" in streaks["区教育局"].ids
    assert "32" not in {i for s in trends.streaks for i in s.ids}


def test_trend_ranks_are_the_bulletins_rankings(replayed):
    now, before = _report(replayed, 3), _report(replayed, 2)
    trends = now.trends
    assert [(r.name, r.rank) for r in trends.units] == [(r.name, r.rank) for r in now.units]
    previous = {r.name: r.rank for r in before.units}
    for row in trends.units:
        assert row.previous_rank == previous[row.name]
        assert row.rank_change == previous[row.name] - row.rank


def test_first_quarter_trends_have_no_previous(replayed):
    trends = _report(replayed, 1).trends
    assert trends.labels == ("Q1",) and not trends.has_previous
    assert trends.improved == trends.worsened == trends.reported == trends.lapsed == trends.stopped == trends.streaks == ()
    assert all(row.rank_change is None for row in trends.units)


def test_markdown_shows_the_quarters(tracker, capsys):
    code, out, err = run(capsys, "report", "-q", "Q3", "--format", "md")
    assert code == 0, err
    section = out.split("## 六、与上季度相比", 1)[1]
    assert "| 名次 | 变化 | 牵头单位 | Q1 | Q2 | Q3 |" in section
    assert "### 停报的事项(上季度报送、本季度未报送)(4 项)" in section and "### 进度好转的事项(1 项)" in section
    assert "### 进度变差的事项(0 项)" in section and "### 新报送的事项(上季度未报送)(0 项)" in section
    assert "上季度报送、本季度未报送的单位:" in section and "区财政局" in section
    assert "各季度按目前的全部记录(含逾期补报和更正)重新计算" in section  # not what was published, and says so


@pytest.mark.parametrize("columns", [80, 160])
def test_terminal_shows_the_quarters(tracker, capsys, monkeypatch, columns):
    """The terminal report's 各季度对比: per lead unit the counts at each quarter and the
    rank change, then what moved; every line within the terminal's width."""
    import unicodedata

    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, err = run(capsys, "report", "-q", "Q3")
    assert code == 0, err
    width = max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in out.splitlines())
    assert width <= columns
    section = out.split("各季度对比", 1)[1].split("七、", 1)[0]
    units = section.split("各牵头单位", 1)[1].split("各责任领导", 1)[0]
    education = next(line for line in units.splitlines() if "区教育局" in line)
    # 区教育局 (4, 28, 75): Q1 正常 1 + 未报送 2; Q2 滞后, 严重滞后, 未报送; Q3 未报送 3.
    assert education.split()[-6:] == ["绿1", "灰2", "黄1", "红1", "灰1", "灰3"]
    now, before = _report(tracker, 3), _report(tracker, 2)
    rank = next(r for r in now.trends.units if r.name == "区教育局")
    change = rank.previous_rank - rank.rank
    assert education.split()[:2] == [str(rank.rank), f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—"]
    moved = {line.split()[0]: line.split()[1:] for line in section.split("变化情况", 1)[1].splitlines() if line.strip()}
    assert moved["进度好转"] == ["1", "项", "32(严重滞后→正常)"]
    assert moved["进度变差"] == ["0", "项", "—"] and moved["新报送"] == ["0", "项", "—"]
    assert moved["停报"][:2] == ["4", "项"] and "28(严重滞后→未报送)" in section.split("停报", 1)[1]
    assert set(moved["Q2报送、Q3未报送"][2:]) == {"区发改局", "区财政局", "区教育局", "区人社局"}
    assert "区民政局(" in section.split("连续 3 个季度未报送", 1)[1]


def test_xlsx_trends_sheet(tracker, capsys):
    """The xlsx bulletin's 各季度对比: its own tables, read back by caption and header name."""
    import openpyxl
    from cli_helpers import xlsx_tables

    path = tracker / "通报.xlsx"
    path.unlink(missing_ok=True)
    code, out, err = run(capsys, "report", "-q", "Q3", "-o", str(path))
    assert code == 0, err
    sheet = openpyxl.load_workbook(path)["各季度对比"]
    assert "2025年第三季度" in sheet["A1"].value
    tables = xlsx_tables(sheet)
    assert list(tables)[:2] == ["各牵头单位各季度情况", "各责任领导各季度情况"]
    header, rows, _ = tables["各牵头单位各季度情况"]
    assert header[:4] == ["名次", "上季度名次", "名次变化", "牵头单位"]
    assert header[4:8] == ["Q1 已完成/正常", "Q1 滞后", "Q1 严重滞后", "Q1 未报送"] and len(header) == 4 + 3 * 4
    units = {r["牵头单位"]: r for r in rows}
    education = units["区教育局"]  # leads 4, 28 and 75 (see test_trends_per_unit_and_leader_for_each_quarter)
    assert [education[f"Q1 {h}"] for h in ("已完成/正常", "滞后", "严重滞后", "未报送")] == [1, 0, 0, 2]
    assert [education[f"Q2 {h}"] for h in ("已完成/正常", "滞后", "严重滞后", "未报送")] == [0, 1, 1, 1]
    assert [education[f"Q3 {h}"] for h in ("已完成/正常", "滞后", "严重滞后", "未报送")] == [0, 0, 0, 3]
    now, before = _report(tracker, 3), _report(tracker, 2)
    previous = {r.name: r.rank for r in before.units}
    for unit in now.units:
        row = units[unit.name]
        assert (row["名次"], row["上季度名次"]) == (unit.rank, previous[unit.name])
        change = previous[unit.name] - unit.rank
        assert row["名次变化"] == (f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—")
    leaders = {r["责任领导"]: r for r in tables["各责任领导各季度情况"][1]}
    assert [leaders["洪声耀"][f"Q2 {h}"] for h in ("已完成/正常", "严重滞后", "未报送")] == [1, 1, 26]
    header, rows, _ = tables["停报的事项(上季度报送、本季度未报送)(4 项)"]
    assert header == ["编号", "事项", "牵头单位", "Q2状态", "Q3状态"]
    assert [(r["编号"], r["Q2状态"], r["Q3状态"]) for r in rows] == [
        ("G1", BEHIND, MISSING), ("G4", ON_TRACK, MISSING), (28, SEVERE, MISSING), (75, BEHIND, MISSING)
    ]
    assert [(r["编号"], r["Q3状态"]) for r in tables["进度好转的事项(1 项)"][1]] == [(32, ON_TRACK)]
    stopped = {r["牵头单位"]: r for r in tables["上季度报送、本季度未报送的单位(4 个)"][1]}
    assert set(stopped) == {"区发改局", "区财政局", "区教育局", "区人社局"}
    assert stopped["区教育局"]["事项编号"] == "4、28、75" and stopped["区教育局"]["本季度未报送"] == 3
    streaks = next(rows for caption, (_, rows, _) in tables.items() if caption.startswith("连续未报送("))
    civil = next(r for r in streaks if r["牵头单位"] == "区民政局")
    assert civil["连续未报送季度数"] == 3 and "79" in civil["事项编号"].split("、")
    # Status cells in the three colours (grey for 未报送), as on the other sheets.
    row28 = next(row for row in sheet.iter_rows() if row[0].value == 28)
    assert [(c.value, c.fill.fgColor.rgb[-6:]) for c in row28[3:5]] == [(SEVERE, "D32F2F"), (MISSING, "9E9E9E")]


# --------------------------------------------------------------------------- docx


def _docx(tracker, capsys, *args) -> "docx.document.Document":
    path = tracker / "通报.docx"
    path.unlink(missing_ok=True)
    code, out, err = run(capsys, "report", *args, "-o", str(path))
    assert code == 0, err
    assert path.read_bytes()[:2] == b"PK"
    return docx.Document(str(path))


def _east_asia(run_) -> str:
    fonts = run_._element.rPr.find(f"{W}rFonts")
    return fonts.get(f"{W}eastAsia")


def test_docx_page_layout(tracker, capsys):
    doc = _docx(tracker, capsys, "-q", "Q2")  # the format from the extension
    section = doc.sections[0]
    def mm(length) -> float:  # Word stores twentieths of a point: 0.02 mm resolution
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    grid = section._sectPr.find(f"{W}docGrid")
    pitch_pt = int(grid.get(f"{W}linePitch")) / 20
    text_height_pt = 225 / 25.4 * 72  # 版心 225 mm: exactly 22 lines fit
    assert 22 * pitch_pt <= text_height_pt + 0.5 and 23 * pitch_pt > text_height_pt
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)  # 三号
    assert normal.paragraph_format.line_spacing == Pt(pitch_pt)  # fixed value, on the grid
    fonts = normal.element.rPr.find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    # 28 characters of 16 pt condensed by 0.25 pt fit 156 mm exactly, 29 do not.
    condensed = -int(normal.element.rPr.find(f"{W}spacing").get(f"{W}val")) / 20
    pitch = 16 - condensed
    width_pt = 156 / 25.4 * 72
    assert 28 * pitch <= width_pt < 29 * pitch


def test_docx_title_headings_and_fonts(tracker, capsys):
    doc = _docx(tracker, capsys, "-q", "Q2")
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert title.text == "2025年第二季度目标任务推进情况通报"
    assert _east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    headings = [p for p in paragraphs if p.style.name == "Heading 1"]
    assert [h.text for h in headings] == [
        "一、总体情况",
        "二、各责任领导事项情况",
        "三、牵头单位排名",
        "四、滞后事项(按责任领导)",
        "五、催办名单(本季度未报送)",
        "六、与上季度相比",
    ]  # no 下步要求: the office supplied none
    assert all(_east_asia(h.runs[0]) == "黑体" and h.runs[0].font.size == Pt(16) for h in headings)
    level2 = [p for p in paragraphs if p.style.name == "Heading 2"]
    assert level2[0].text.startswith("(一)") and all(_east_asia(p.runs[0]) == "楷体_GB2312" for p in level2)
    body = next(p for p in paragraphs if p.text.startswith("截至6月底"))
    assert _east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    # The font table names a fallback for the fonts a reader may lack.
    with zipfile.ZipFile(tracker / "通报.docx") as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_docx_page_numbers_outside_edge(tracker, capsys):
    doc = _docx(tracker, capsys, "-q", "Q2")
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):  # RIGHT, LEFT
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        xml = paragraph._element.xml
        assert "PAGE" in "".join(t.text for t in paragraph._element.iter(f"{W}instrText"))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert all(r.font.size == Pt(14) and _east_asia(r) == "宋体" for r in paragraph.runs)


def test_docx_numbers_equal_overdue(tracker, capsys):
    code, out, err = run(capsys, "overdue", "-q", "Q2", "--format", "json")
    overdue = json.loads(out)
    by_state = {s: sum(1 for r in overdue if r["status"] == s) for s in (BEHIND, SEVERE, MISSING)}
    doc = _docx(tracker, capsys, "-q", "Q2", "--format", "docx")
    overview = next(p.text for p in doc.paragraphs if p.text.startswith("截至6月底"))
    assert f"滞后{by_state[BEHIND]}项" in overview and f"严重滞后{by_state[SEVERE]}项" in overview
    assert f"未报送{by_state[MISSING]}项" in overview and overview.startswith("截至6月底,107项目标任务中")
    tables = doc.tables
    # The overview is said in sentences (above), not repeated as a table: the first table is the leaders'.
    assert [c.text for c in tables[0].rows[0].cells] == ["责任领导", "事项", *STATES]
    # The ranking shows what decides it and what went wrong; its counts are overdue's.
    ranking = next(t for t in tables if t.rows[0].cells[0].text == "名次")
    assert [c.text for c in ranking.rows[0].cells] == ["名次", "牵头单位", "事项", BEHIND, SEVERE, MISSING, "推进率", "及时率"]
    shown = {row.cells[1].text: [int(row.cells[i].text) for i in (3, 4, 5)] for row in ranking.rows[1:]}
    assert shown == {u.name: [u.count(BEHIND), u.count(SEVERE), u.count(MISSING)] for u in _report(tracker, 2).units}
    assert shown["区科经局"][:2] == [0, 1]  # 32 (120 of a pace of 168) its only lagging item
    # The lagging tables list exactly overdue's 滞后/严重滞后 items, each status cell coloured.
    lagging = {}
    reminders = None
    for table in tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:4] == ["编号", "事项", "牵头单位", "状态"]:
            for row in table.rows[1:]:
                cells = row.cells
                lagging[cells[0].text] = cells[3].text
                fill = cells[3]._element.tcPr.find(f"{W}shd").get(f"{W}fill")
                assert fill == {BEHIND: "FFEB9C", SEVERE: "FFC7CE"}[cells[3].text]
        if header == ["牵头单位", "未报送", "事项编号(缺报的指标)", "其中连续未报送"]:  # issue 12: missing metrics named
            reminders = table
        # Every table repeats its header row on each page.
        assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert lagging == {r["id"]: r["status"] for r in overdue if r["status"] in (BEHIND, SEVERE)}
    import re

    def ids_of(text: str) -> list[str]:
        while True:  # drop the notes "(缺:…)", innermost brackets first
            shorter = re.sub("\uff08[^\uff08\uff09]*\uff09", "", text)
            if shorter == text:
                return text.split("、")
            text = shorter

    # "、\u200b": a zero-width space after each 、 lets LibreOffice break id lists (report_docx._table).
    owed = {i for row in reminders.rows[1:] for i in ids_of(row.cells[2].text.replace("、\u200b", "、"))}
    # overdue's 未报送 items, and 29: 已完成 on its first lead unit's report, but its co-lead 区科经局 sent
    # nothing, so 区科经局 is chased for it (issue 24: each unit on its own entries).
    assert owed == {r["id"] for r in overdue if r["status"] == MISSING} | {"29"}
    # 连续未报送 in its own column ("全部" when every id of the unit), not after every id.
    report = _report(tracker, 2)
    expected = {r.unit: ("全部" if set(r.consecutive) == set(r.ids) else "、".join(r.consecutive) or "—")
                for r in report.reminders}
    assert any(r.consecutive for r in report.reminders)
    shown = {row.cells[0].text: row.cells[3].text.replace("、\u200b", "、") for row in reminders.rows[1:]}
    assert shown == expected
    assert not [row for row in reminders.rows[1:] if "连续未报送" in row.cells[2].text]


def test_docx_masthead_and_requirements_from_settings(tracker, capsys, tmp_path):
    other = tmp_path / "t"
    other.mkdir()
    shutil.copy(tracker / "units.yaml", other / "units.yaml")
    text = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "settings:\n",
        "settings:\n  bulletin:\n    masthead: 政务督查通报\n    issuer: 咸安区人民政府督查室\n    issue: 第3期\n"
        "    date: 2025-07-15\n    requirements:\n      Q2: [各牵头单位要对照序时进度加快推进。, 未报送的单位于7月20日前补报。]\n",
        1,
    )
    (other / "tasks.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "report", "--root", str(other), "-q", "Q2", "-o", str(other / "通报.docx"))
    assert code == 0, err
    doc = docx.Document(str(other / "通报.docx"))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[:3] == ["政务督查通报", "第3期", "咸安区人民政府督查室\t2025年7月15日"]
    masthead = doc.paragraphs[0].runs[0]
    assert str(masthead.font.color.rgb) == "E60012"
    assert doc.paragraphs[2]._element.pPr.find(f"{W}pBdr").find(f"{W}bottom").get(f"{W}color") == "E60012"
    assert "七、下步要求" in texts
    assert texts[texts.index("七、下步要求") + 1] == "各牵头单位要对照序时进度加快推进。"
    # Another quarter has no requirements written: the section is left out, never invented.
    code, out, err = run(capsys, "report", "--root", str(other), "-q", "Q1", "-o", str(other / "q1.docx"))
    assert code == 0, err
    assert not [p for p in docx.Document(str(other / "q1.docx")).paragraphs if "下步要求" in p.text]


def _masthead_tracker(tracker, tmp_path, settings: str = "") -> Path:
    other = tmp_path / "t"
    other.mkdir()
    shutil.copy(tracker / "units.yaml", other / "units.yaml")
    shutil.copytree(tracker / "progress", other / "progress")
    text = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("settings:\n", "settings:\n  bulletin:\n    masthead: 政务督查通报\n    issuer: 咸安区人民政府督查室\n"
                        + settings, 1)
    (other / "tasks.yaml").write_text(text, encoding="utf-8")
    return other


def _issue_of(capsys, root, *args) -> str:
    path = root / "通报.docx"
    path.unlink(missing_ok=True)
    code, out, err = run(capsys, "report", "--root", str(root), *args, "-o", str(path))
    assert code == 0, err
    texts = [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    assert texts[0] == "政务督查通报"
    return texts[1]


def test_issue_numbers_follow_the_published_bulletins(tracker, capsys, tmp_path, monkeypatch):
    """Issue 29: every quarter printed 第1期 unless tasks.yaml was edited."""
    root = _masthead_tracker(tracker, tmp_path)
    assert _issue_of(capsys, root, "-q", "Q1") == "第1期"  # nothing published yet
    assert _issue_of(capsys, root, "-q", "Q2", "--issue", "第3期") == "第3期"
    assert _issue_of(capsys, root, "-q", "Q2", "--issue", "5") == "第5期"
    monkeypatch.setenv("XATRACK_TODAY", "2025-04-15")
    code, out, err = run(capsys, "report", "--root", str(root), "-q", "Q1", "--publish")
    assert code == 0, err
    assert json.loads((root / "bulletins" / "2025-Q1.json").read_text(encoding="utf-8"))["issue"] == "第1期"
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-15")
    assert _issue_of(capsys, root, "-q", "Q2") == "第2期"  # the one after Q1's
    code, out, err = run(capsys, "report", "--root", str(root), "-q", "Q2", "--publish", "--issue", "第7期")
    assert code == 0, err
    assert _issue_of(capsys, root, "-q", "Q2") == "第7期"  # as published
    assert _issue_of(capsys, root, "-q", "Q3") == "第8期"
    assert _issue_of(capsys, root, "-q", "Q1") == "第1期"
    code, out, err = run(capsys, "report", "--help")
    assert "--issue" in out and "续编" in " ".join(out.split())


def test_issue_from_settings_still_applies(tracker, capsys, tmp_path):
    root = _masthead_tracker(tracker, tmp_path, "    issue: 第12期\n")
    assert _issue_of(capsys, root, "-q", "Q2") == "第12期"
    assert _issue_of(capsys, root, "-q", "Q2", "--issue", "13") == "第13期"


def test_bad_bulletin_settings_named_with_line(tracker, capsys, tmp_path):
    other = tmp_path / "t"
    other.mkdir()
    shutil.copy(tracker / "units.yaml", other / "units.yaml")
    text = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("settings:\n", "settings:\n  remind_days: 几天\n  bulletin: {masthead: [1]}\n", 1)
    (other / "tasks.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", "--root", str(other))
    assert code != 0
    assert "tasks.yaml:6" in out + err and "remind_days" in out + err
    assert "tasks.yaml:7" in out + err and "settings.bulletin.masthead" in out + err


def test_docx_renders_in_libreoffice(tracker, capsys, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("没有安装 LibreOffice(soffice),无法把 docx 转换为 PDF 检查")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("没有安装 poppler-utils(pdftotext、pdfinfo)")
    _docx(tracker, capsys, "-q", "Q2")
    out = tmp_path / "pdf"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(tracker / "通报.docx")],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = out / "通报.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert "595.3" in info and "841.89" in info  # A4 in points
    assert 5 <= pages <= 40
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2025年第二季度目标任务推进情况通报" in text.replace(" ", "")
    flat = text.replace(" ", "")
    assert "—1—" in flat and f"—{pages}—" in flat
    assert "六、与上季度相比" in flat
    # Outside edge: the number of an odd page stands further right than that of an even page.
    indent = {}
    for number, page in enumerate(text.split("\f")[:2], start=1):
        line = next(line for line in page.splitlines() if line.replace(" ", "") == f"—{number}—")
        indent[number] = len(line) - len(line.lstrip())
    assert indent[1] > indent[2] + 20
    # Tables fit their text (seen on the rendered pages): an id list breaks after a 、, never
    # before one or inside an id; a rate stays on one line; a row is never split across pages.
    lines = [line.strip() for line in text.splitlines()]
    assert not [line for line in lines if line.startswith("、")]
    assert not [token for line in lines for token in line.split() if token == "%"]
    table_rows = [row for table in docx.Document(str(tracker / "通报.docx")).tables for row in table.rows]
    assert all(row._tr.trPr.find(f"{W}cantSplit") is not None for row in table_rows)


def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("没有安装 LibreOffice(soffice),无法把 docx 转换为 PDF 检查")
    if shutil.which("pdftotext") is None:
        pytest.skip("没有安装 poppler-utils(pdftotext)")
    return soffice


def _pdf_pages(soffice: str, path, tmp_path) -> list[str]:
    """The pages of a .docx as LibreOffice lays them out, each as pdftotext reads it."""
    out = tmp_path / "pdf"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=240,
    )
    text = subprocess.run(["pdftotext", "-layout", str(out / (path.stem + ".pdf")), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def _body_lines(page: str, *closing: str) -> list[str]:
    """A page's lines that are body text: not the page number, not the 落款 (issuer, date)."""
    lines = [line.replace(" ", "") for line in page.splitlines()]
    return [line for line in lines if line and not re.fullmatch(r"—\d+—", line) and line not in closing]


def _year_tracker(tmp_path, monkeypatch) -> Path:
    """The shipped plan with a year of generated reports (bench/generate.py), as the office sets its 通报 up."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = tmp_path / "year"
    module.generate(None, root)
    text = (root / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("settings:\n", "settings:\n  bulletin:\n    masthead: 政务督查通报\n    issuer: 咸安区人民政府督查室\n"
                        "    requirements: [各牵头单位要对照序时进度加快推进。, 严重滞后事项的责任领导要专题调度。]\n", 1)
    (root / "tasks.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-20")
    return root


def test_a_quarter_of_the_shipped_plan_in_ten_pages_signed_under_its_text(tmp_path, capsys, monkeypatch):
    """Issue 29: the Q2 通报 of a year on the shipped plan ran to 17 pages, its last one
    holding only the 落款, and cells wrapped as "严重滞/后" and "100/%". Now: at most 10
    pages (the quarter-by-quarter tables in the 附件), the 落款 under body text, no state
    or rate broken across lines."""
    soffice = _soffice()
    root = _year_tracker(tmp_path, monkeypatch)
    code, out, err = run(capsys, "report", "-q", "Q2", "-o", "通报.docx")
    assert code == 0, err
    pages = _pdf_pages(soffice, root / "通报.docx", tmp_path)
    assert len(pages) <= 10
    signed = [n for n, page in enumerate(pages) if "2025年7月20日" in _body_lines(page)]
    assert signed and signed[-1] < len(pages) - 1  # the 附件 follow the 落款
    page = pages[signed[-1]]
    assert _body_lines(page, "咸安区人民政府督查室", "2025年7月20日")  # not the 落款 alone
    assert "附件" in _body_lines(pages[signed[-1] + 1])[0]
    # A cell's wrapped part sits on a line of its own ("后" under "严重滞", "%" under "100").
    assert not [line for page in pages for line in page.splitlines() if line.strip() in ("后", "%", "滞后", "报送", "完成")]


def test_the_last_page_of_a_bulletin_without_annex_holds_text(tracker, capsys, tmp_path):
    soffice = _soffice()
    other = tmp_path / "t"
    other.mkdir()
    shutil.copy(tracker / "units.yaml", other / "units.yaml")
    text = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("settings:\n", "settings:\n  bulletin:\n    issuer: 咸安区人民政府督查室\n    date: 2025-04-15\n", 1)
    (other / "tasks.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(tracker / "progress", other / "progress")
    code, out, err = run(capsys, "report", "--root", str(other), "-q", "Q1", "-o", str(other / "q1.docx"))
    assert code == 0, err
    pages = _pdf_pages(soffice, other / "q1.docx", tmp_path)
    assert "2025年4月15日" in _body_lines(pages[-1])
    assert _body_lines(pages[-1], "咸安区人民政府督查室", "2025年4月15日")


def test_the_signature_is_kept_with_the_text_above_it(tracker, capsys, tmp_path):
    """Word and LibreOffice keep the 落款 with the last paragraph (keep with next, keep lines together)."""
    other = tmp_path / "t"
    other.mkdir()
    shutil.copy(tracker / "units.yaml", other / "units.yaml")
    text = (tracker / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("settings:\n", "settings:\n  bulletin:\n    issuer: 咸安区人民政府督查室\n    date: 2025-04-15\n", 1)
    (other / "tasks.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "report", "--root", str(other), "-q", "Q1", "-o", str(other / "q1.docx"))
    assert code == 0, err
    paragraphs = docx.Document(str(other / "q1.docx")).paragraphs
    date_at = max(i for i, p in enumerate(paragraphs) if p.text == "2025年4月15日")
    issuer_at = max(i for i, p in enumerate(paragraphs) if p.text == "咸安区人民政府督查室")
    last_text = max(i for i, p in enumerate(paragraphs[:issuer_at]) if p.text.strip())
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[last_text:date_at])
    assert paragraphs[last_text].paragraph_format.keep_together and paragraphs[issuer_at].paragraph_format.keep_together


def test_table_headers_stay_with_a_row_and_states_and_rates_never_wrap(tracker, capsys):
    doc = _docx(tracker, capsys, "-q", "Q2")
    for table in doc.tables:
        header = table.rows[0]
        assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in header.cells)
        names = [c.text for c in header.cells]
        for index, name in enumerate(names):
            if name in ("状态", "推进率", "及时率", "编号", *STATES):
                cells = [row.cells[index] for row in table.rows]
                assert all(c._element.tcPr.find(f"{W}noWrap") is not None for c in cells), name
                # as wide as its longest value at 五号 (a CJK character 10.5 pt, a digit or % at most 0.6 of it)
                longest = max(sum(10.5 if ord(ch) > 0x2E80 else 6.3 for ch in c.text) for c in cells)
                assert cells[0].width.pt >= longest + 2 * 57 / 20, (name, cells[0].width.pt, longest)


# --------------------------------------------------------------------------- files Excel and printers accept


@pytest.mark.parametrize(
    "args",
    [["list"], ["overdue", "-q", "Q2"], ["leaders", "-q", "Q2"], ["units", "-q", "Q2"]],
)
def test_csv_starts_with_a_bom(tracker, args):
    import os
    import sys

    env = dict(os.environ, XATRACK_ROOT=str(tracker))
    done = subprocess.run([sys.executable, "-m", "xatrack", *args, "--format", "csv"], capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout[:3] == b"\xef\xbb\xbf"
    assert done.stdout[3:].decode("utf-8").split(",", 1)[0] in ("编号", "责任领导", "单位")


@pytest.mark.parametrize(
    "name, fragment",
    [("通报.pdf", ".docx"), ("通报.xls", ".xlsx"), ("通报.doc", ".docx"), ("通报.rtf", "可用的扩展名")],
)
def test_unowned_extension_refused(tracker, capsys, name, fragment):
    code, out, err = run(capsys, "report", "-q", "Q2", "-o", name)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "-o" in lines[0]
    assert not (tracker / name).exists()


def test_format_contradicting_extension_refused(tracker, capsys):
    code, out, err = run(capsys, "report", "-q", "Q2", "--format", "md", "-o", "矛盾.docx")
    assert code == 2 and "不一致" in err and not (tracker / "矛盾.docx").exists()
    code, out, err = run(capsys, "report", "-q", "Q2", "--format", "docx")
    assert code == 2 and "-o" in err


def test_html_prints_on_a4_with_the_quarters_chart(tracker, capsys):
    code, page, err = run(capsys, "report", "-q", "Q3", "--format", "html")
    assert code == 0, err
    assert "@page { size: A4;" in page
    assert "h1, h2, h3, p.note { break-after: avoid;" in page and "thead { display: table-header-group; }" in page
    assert "<script" not in page
    chart = page.split('id="chart-quarters"', 1)[1].split("</svg>", 1)[0]
    # Q1: 1 red (79); Q3: 2 done (5, 29); every bar counts all 107 items.
    bars = chart.split('<g class="bar"')[1:]
    assert [b.split('data-name="', 1)[1].split('"', 1)[0] for b in bars] == ["Q1 全部事项", "Q2 全部事项", "Q3 全部事项"]
    assert all('data-total="107"' in b for b in bars)
    assert 'data-state="严重滞后" data-count="1"' in bars[0] and 'data-state="已完成" data-count="2"' in bars[2]
    assert '<p id="stopped">上季度报送、本季度未报送的单位:' in page


# --------------------------------------------------------------------------- 催办单 (remind)


def _notices(root, quarter: int, made, units=None, settings=None):
    from xatrack.evaluate import evaluate
    from xatrack.remind import build_notices
    from xatrack.store import Tracker

    t = Tracker(root)
    plan, directory = reading.plan(t), reading.directory(t)
    entries, _ = reading.entries(t, plan.info.year)
    q = Quarter(2025, quarter)
    statuses = evaluate(plan, entries, q, list(plan.items))
    return build_notices(statuses, directory, settings or plan.settings, q, made, plan.info.title, units)


def test_notices_per_lead_unit(replayed):
    from datetime import date

    notices = {n.unit: n for n in _notices(replayed, 2, date(2025, 7, 11))}
    kjj = notices["区科经局"]
    states = {i.item_id: i.state for i in kjj.items}
    # 29: reported 已完成 by its first lead unit 区人社局, nothing from its co-lead 区科经局 (issue 24)
    assert states["32"] == SEVERE and states["29"] == MISSING
    assert "29" not in {i.item_id for i in notices["区人社局"].items}
    assert states["16"] == MISSING
    sixteen = next(i for i in kjj.items if i.item_id == "16")
    assert sixteen.missing[:3] == ("金龙企业", "玉龙企业", "潜龙企业") and len(sixteen.missing) == 9
    assert kjj.reply_by == date(2025, 7, 16)  # 5 days after Friday 7-11, a working day (Wednesday)
    assert [i.state for i in kjj.items] == sorted((i.state for i in kjj.items), key=[MISSING, SEVERE].index)
    # 区教育局: 28 受阻 (严重滞后), 75 滞后 (not a 催办 finding), 4 未报送.
    assert {i.item_id: i.state for i in notices["区教育局"].items} == {"4": MISSING, "28": SEVERE}
    assert "区财政局" in notices and "G4" not in {i.item_id for i in notices["区财政局"].items}


def test_notice_items_show_their_figures_and_consecutive_marks(replayed):
    """Issue 29: each item of a 催办单 shows 应完成 / 已报送 of each metric (or its reported status
    and note), a relative target as what it follows, and 连续未报送 as the bulletin marks it."""
    from datetime import date

    from xatrack import api
    from xatrack.remind import notice_paragraphs, notice_rows

    made = api.remind(replayed, quarter="Q2", today=date(2025, 7, 11))
    items = {i.item_id: i for notice in made.notices for i in notice.items}
    assert (items["32"].state, items["32"].figures, items["32"].consecutive) == (SEVERE, "应 168个 / 报 120个", False)
    assert (items["28"].state, items["28"].figures) == (SEVERE, "报送状态:受阻")
    # 金龙/玉龙企业 are stocks judged at year end (levels without a 基期值): the target itself
    assert items["16"].figures.startswith("金龙企业 应 ≥8家 / 报 未报送;玉龙企业 应 ≥10家 / 报 未报送;")
    assert items["G7"].figures == "应 ≥G1 6.5% / 报 未报送"  # never ≥0%: what it follows, and G1's figure (reported)
    assert items["G2"].figures == "应 ≥9% / 报 未报送"
    assert items["4"].consecutive and items["16"].consecutive  # nothing in Q1 either
    assert items["79"].state == MISSING and not items["79"].consecutive  # reported in Q1
    bulletin = api.report(replayed, quarter="Q2", today=date(2025, 7, 11)).report
    marked = {i for reminder in bulletin.reminders for i in reminder.consecutive}
    assert marked == {i.item_id for i in items.values() if i.consecutive}  # the bulletin's marks, item for item
    kjj = next(n for n in made.notices if n.unit == "区科经局")
    row = next(r for r in notice_rows(kjj) if r[0] == "16")
    assert row[2] == "连续未报送"
    count = sum(1 for i in kjj.items if i.consecutive)
    assert f"未报送{kjj.count(MISSING)}项(其中连续未报送{count}项)、严重滞后1项" in notice_paragraphs(kjj)[1]


def test_notices_written_together_are_the_notices_written_alone(replayed):
    """remind --format docx sets the page up once, writes each body again and copies the other
    parts of the first file into the next: every part of every file is what a notice rendered
    on its own gives (nothing of one unit left in the next), in a zip every reader accepts."""
    import io
    from datetime import date

    from xatrack import api
    from xatrack.views.remind_docx import render_notice_docx, render_notices_docx

    notices = api.remind(replayed, quarter="Q2", today=date(2025, 7, 11)).notices
    assert len(notices) > 5
    for notice, together in zip(notices, render_notices_docx(notices), strict=True):
        alone = zipfile.ZipFile(io.BytesIO(render_notice_docx(notice)))
        joint = zipfile.ZipFile(io.BytesIO(together))
        assert joint.testzip() is None and alone.namelist() == joint.namelist()  # every member's CRC checked
        assert all(alone.read(name) == joint.read(name) for name in alone.namelist()), notice.unit
    last = docx.Document(io.BytesIO(together))
    assert [p.text for p in last.paragraphs].count("催 办 单") == 1 and len(last.tables) == 1


def test_the_reply_date_is_a_working_day():
    """Issues 25, 29: the 催办单's reply date is a working day on China's calendar (holidays and
    调休 from chinese-calendar, Monday–Friday beyond its years): settings.remind_days calendar
    days, moved on to a working day, or settings.remind_workdays working days."""
    from datetime import date, timedelta

    from xatrack.model import Settings
    from xatrack.workdays import is_workday, next_workday, reply_date

    assert next_workday(date(2025, 4, 15), 5) == date(2025, 4, 22)  # Tuesday + 5: the next Tuesday
    assert next_workday(date(2025, 7, 11), 1) == date(2025, 7, 14)  # Friday + 1: Monday
    assert next_workday(date(2025, 7, 12), 0) == date(2025, 7, 14) and next_workday(date(2025, 7, 14), 0) == date(2025, 7, 14)
    # National Day 2025: 10-01..10-08 off, Saturday 10-11 worked (调休)
    assert next_workday(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert is_workday(date(2025, 10, 11)) and not is_workday(date(2025, 10, 8))
    assert reply_date(date(2025, 4, 15), Settings()) == date(2025, 4, 21)  # +5 is Sunday 4-20: Monday
    assert reply_date(date(2025, 4, 15), Settings(remind_workdays=5)) == date(2025, 4, 22)
    day = date(2025, 1, 1)
    for _ in range(60):
        for n in range(1, 8):
            reply = next_workday(day, n)
            assert is_workday(reply) and reply > day
            between = [day + timedelta(days=k) for k in range(1, (reply - day).days + 1)]
            assert sum(1 for d in between if is_workday(d)) == n  # exactly n working days counted
        day += timedelta(days=1)


def test_late_report_is_a_finding(replayed, tmp_path):
    from datetime import date, datetime

    from xatrack.evaluate import evaluate
    from xatrack.remind import LATE, build_notices
    from xatrack.store import Tracker

    t = Tracker(replayed)
    plan, directory = reading.plan(t), reading.directory(t)
    entries, _ = reading.entries(t, plan.info.year)
    q = Quarter(2025, 2)
    # G4 recorded on 2025-07-20: after the deadline (6-30 + 10 days), 正常 otherwise.
    late = [e._replace(at=datetime(2025, 7, 20, 9, 0)) if e.item == "G4" and e.quarter == q else e for e in entries]
    statuses = evaluate(plan, late, q, list(plan.items))
    notices = {n.unit: n for n in build_notices(statuses, directory, plan.settings, q, date(2025, 7, 21))}
    assert {i.item_id: i.state for i in notices["区财政局"].items}["G4"] == LATE
    # (A notice "made before the late record existed" cannot happen any more: XATRACK_NOW
    # is the one clock for today and for the recorded time, issue 11.)
    on_time = [e._replace(at=datetime(2025, 7, 10, 9, 0)) if e.item == "G4" and e.quarter == q else e for e in entries]
    statuses = evaluate(plan, on_time, q, list(plan.items))
    notices = {n.unit: n for n in build_notices(statuses, directory, plan.settings, q, date(2025, 7, 21))}
    assert "G4" not in {i.item_id for i in notices["区财政局"].items}  # the deadline day itself is on time


def test_remind_cli_md_and_docx(tracker, capsys, tmp_path):
    code, out, err = run(capsys, "remind", "-q", "Q2", "--unit", "kjj")
    assert code == 0, err
    assert out.startswith("# 催办单:区科经局(2025年第二季度)")
    # issue 29: a 严重滞后 row shows its figures, not "—"
    assert "| 32 | 新建5G基站336个。 | 严重滞后 | 应 168个 / 报 120个 | 洪声耀 |" in out
    assert "请于2025年10月20日前" in out  # XATRACK_TODAY Monday 2025-10-13 + 5 days is Saturday: the next working day
    assert "# 催办单:区教育局" not in out
    folder = tmp_path / "催办"
    code, out, err = run(capsys, "remind", "-q", "Q2", "--format", "docx", "-o", str(folder))
    assert code == 0, err
    files = sorted(p.name for p in folder.iterdir())
    assert "催办单-区科经局-2025Q2.docx" in files and "催办单-区教育局-2025Q2.docx" in files
    doc = docx.Document(str(folder / "催办单-区教育局-2025Q2.docx"))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["编号", "事项", "情况", "应完成 / 已报送", "责任领导"]
    assert [(r[0], r[2]) for r in rows[1:]] == [("4", "连续未报送"), ("28", SEVERE)]  # 4: nothing in Q1 either
    assert rows[2][3] == "报送状态:受阻"  # an item without metrics: its reported status, not "—"
    assert round(doc.sections[0].top_margin.mm, 1) == 37
    # The state never wraps ("严重滞/后"): its column as wide as "严重滞后" at 小四, its cells noWrap.
    states = [row.cells[2] for row in doc.tables[0].rows]
    assert all(c._element.tcPr.find(f"{W}noWrap") is not None for c in states)
    assert states[0].width.pt >= 4 * 12 + 2 * 57 / 20


def test_remind_shows_contacts_from_units_yaml(tracker, capsys, tmp_path):
    other = tmp_path / "t"
    other.mkdir()
    shutil.copy(tracker / "tasks.yaml", other / "tasks.yaml")
    (other / "progress").mkdir()
    for log in (tracker / "progress").glob("*.yaml"):
        shutil.copy(log, other / "progress" / log.name)
    units = (tracker / "units.yaml").read_text(encoding="utf-8")
    units = units.replace("  - {name: 区科经局, type: 区政府部门}", "  - {name: 区科经局, type: 区政府部门, contact: 李明, phone: 0715-1234567}")
    (other / "units.yaml").write_text(units, encoding="utf-8")
    text = (other / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("settings:\n", "settings:\n  remind_days: 3\n  bulletin: {issuer: 咸安区人民政府督查室, contact: 王芳 0715-8888888}\n", 1)
    (other / "tasks.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "remind", "--root", str(other), "-q", "Q2", "--unit", "区科经局")
    assert code == 0, err
    assert "联络员:李明、电话:0715-1234567" in out
    assert "请于2025年10月16日前" in out and "书面报咸安区人民政府督查室" in out  # Monday 10-13 + 3 days: Thursday
    assert "联系方式:王芳 0715-8888888" in out
    # The shipped directory invents no contact.
    assert "contact:" not in (REPO / "units.yaml").read_text(encoding="utf-8").split("\nunits:", 1)[1]


def test_init_readme_walks_through_the_quarter(tmp_path, capsys, monkeypatch):
    import re

    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "init", "督办")
    assert code == 0, err
    readme = (tmp_path / "督办" / "README.md").read_text(encoding="utf-8")
    steps = re.findall(r"^    xatrack (\w+)", readme, re.M)
    for command in ("sheet", "ingest", "check", "overdue", "remind", "report"):
        assert command in steps, command
    assert steps.index("sheet") < steps.index("ingest") < steps.index("check") < steps.index("remind") < steps.index("report")
    assert "--publish" in readme
    for command in set(steps):  # every command it names exists
        code, out, err = run(capsys, command, "--help")
        assert code == 0, command


@pytest.mark.parametrize("command", ["report", "list", "overdue", "remind", "sheet", "update"])
def test_help_states_the_default_quarter_as_applied(tracker, capsys, command, monkeypatch):
    """Issue 29: --help said the default quarter is 当前季度; it is the quarter being reported
    (on 2025-07-10, Q2: the window after a quarter's end), as the commands apply it."""
    monkeypatch.setenv("COLUMNS", "400")
    code, out, err = run(capsys, command, "--help")
    assert code == 0, err
    text = "".join(out.split())
    assert "默认为当前季度" not in text
    assert "默认为正在报送的季度:季度结束后settings.report_window_days(默认31)天内为刚结束的季度" in text
    monkeypatch.setenv("XATRACK_TODAY", "2025-07-10")
    code, out, err = run(capsys, "report", "--format", "md")
    assert code == 0, err
    assert out.startswith("# 2025年第二季度目标任务推进情况通报")


def test_table_properties_in_the_order_word_requires(tracker, capsys):
    """Word refuses properties out of the schema's order (w:tblPr: ... tblLayout, tblCellMar, tblLook;
    w:pPr: keepNext ... snapToGrid, spacing, ind ... jc); LibreOffice is lenient, so only this test sees it."""
    doc = _docx(tracker, capsys, "-q", "Q2")
    table_order = ["tblStyle", "tblW", "jc", "tblLayout", "tblCellMar", "tblLook"]
    paragraph_order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "snapToGrid", "spacing", "ind", "jc"]
    for table in doc.tables:
        tags = [child.tag.replace(W, "") for child in table._tbl.tblPr]
        assert tags == sorted(tags, key=table_order.index), tags
        for row in table.rows:
            for cell in row.cells:
                tags = [child.tag.replace(W, "") for child in cell.paragraphs[0]._p.pPr]
                assert tags == sorted(tags, key=paragraph_order.index), tags
