"""`report --year` agrees with what was published (issue 25): a quarter whose
bulletin was issued counts with the published ranks and counts; recomputing it
with late figures is shown beside them where it differs; the table is written
to term, Markdown, Excel and Word."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from cli_helpers import make_tracker, run
from xatrack import score
from xatrack.annual import published_rates

LATER = "2025-10-20T10:00:00+08:00"


@pytest.fixture()
def year_tracker(tmp_path, capsys, monkeypatch):
    """Q1 published with nothing late after it; Q2 published on 11 July, then 区交通运输局
    reports task 50 (3 of 3 物流基地) late for Q2 on 15 July; Q3 not published."""
    monkeypatch.chdir(make_tracker(tmp_path / "tracker"))
    monkeypatch.setenv("XATRACK_USER", "测试员")
    monkeypatch.delenv("XATRACK_TODAY", raising=False)
    steps = [
        ("2025-04-05T10:00:00+08:00", ["update", "32", "--done", "50", "--by", "区科经局", "-q", "Q1"]),
        ("2025-04-11T09:00:00+08:00", ["report", "-q", "Q1", "--publish"]),
        ("2025-07-05T10:00:00+08:00", ["update", "32", "--done", "200", "--by", "区科经局", "-q", "Q2"]),
        ("2025-07-11T09:00:00+08:00", ["report", "-q", "Q2", "--publish"]),
        ("2025-07-15T10:00:00+08:00", ["update", "50", "--done", "3", "--by", "区交通运输局", "-q", "Q2"]),
    ]
    for now, args in steps:
        monkeypatch.setenv("XATRACK_NOW", now)
        code, _, err = run(capsys, *args)
        assert code == 0, err
    monkeypatch.setenv("XATRACK_NOW", LATER)
    return Path.cwd()


def _md_rows(out: str) -> dict[str, list[str]]:
    rows = {}
    for line in out.splitlines():
        if line.startswith("| ") and not line.startswith("| 名次") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[1]] = cells
    return rows


def test_published_quarters_keep_their_ranks_and_show_the_recomputed_ones(year_tracker, capsys):
    code, out, err = run(capsys, "report", "--year", "-q", "Q3", "--format", "md")
    assert code == 0, err
    assert "| 名次 | 牵头单位 | 事项 | Q1 名次(通报) | Q2 名次(通报) | Q3 名次 |" in out
    rows = _md_rows(out)
    # Q2 as published: 区交通运输局 second (nothing reported by then); recomputed with its late report: first.
    assert rows["区交通运输局"][3:6] == ["2", "2(重算1)", "1"]
    assert rows["区科经局"][3:6] == ["1", "1(重算2)", "2"]
    # The year counts Q2 as published: 1 green of 15 item-quarters (2 of 15 if recomputed).
    assert rows["区交通运输局"][6] == "6.7%"
    assert "第一、二季度的名次和计数取自已发布的通报(bulletins/);第三季度未发布通报,按目前的全部记录计算。" in out
    assert (
        "第二季度按目前的全部记录(含逾期补报和更正)重算与已发布的通报不同,表中括号内为重算名次,全年合计按通报:"
        "区交通运输局 通报第2名(推进率 0%、及时率 0%),重算第1名(推进率 20%、及时率 0%);"
    ) in out
    assert "第一季度按目前" not in out  # Q1 recomputed is what was published: no mark


def test_as_of_before_a_publication_computes_that_quarter(year_tracker, capsys):
    code, out, err = run(capsys, "report", "--year", "-q", "Q3", "--as-of", "2025-07-10", "--format", "md")
    assert code == 0, err
    assert "Q1 名次(通报) | Q2 名次 | Q3 名次" in out
    assert "(重算" not in out
    assert "第一季度的名次和计数取自已发布的通报(bulletins/);第二、三季度未发布通报,按2025-07-10 23:59 以前的全部记录计算。" in out


def test_a_bulletin_of_other_items_is_not_taken(year_tracker, capsys):
    code, out, err = run(capsys, "report", "--year", "-q", "Q3", "--unit", "区交通运输局", "--format", "md")
    assert code == 0, err
    assert "(通报)" not in out and "各季度均未发布通报" in out


def test_the_year_is_written_to_excel_with_the_published_ranks(year_tracker, capsys):
    code, _, err = run(capsys, "report", "--year", "-q", "Q3", "-o", "考核.xlsx")
    assert code == 0, err
    assert "已写入 考核.xlsx:2025年各牵头单位目标任务全年考核(第一至第三季度)" in err
    sheet = load_workbook("考核.xlsx").active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "2025年各牵头单位目标任务全年考核(第一至第三季度)"
    header_at = next(i for i, row in enumerate(values) if row[0] == "名次")
    header = values[header_at]
    assert header[:6] == ["名次", "牵头单位", "事项", "Q1 名次(通报)", "Q2 名次(通报)", "Q3 名次"]
    rows = {row[1]: (i, row) for i, row in enumerate(values) if i > header_at and row[1]}
    index, transport = rows["区交通运输局"]
    assert transport[:6] == [1, "区交通运输局", 5, 2, "2(重算1)", 1]
    assert transport[6] == pytest.approx(0.067) and sheet.cell(row=index + 1, column=7).number_format == "0.0%"
    assert sheet.cell(row=index + 1, column=5).fill.fgColor.rgb.endswith("FFEB9C")  # the cell that differs
    assert sheet.cell(row=index + 1, column=4).fill.fgColor.rgb in (None, "00000000")
    notes = [row[0] for row in values if isinstance(row[0], str) and row[0].startswith("第二季度按目前")]
    assert len(notes) == 1 and "区交通运输局 通报第2名" in notes[0]


def test_the_year_is_written_to_word_with_the_published_ranks(year_tracker, capsys):
    code, _, err = run(capsys, "report", "--year", "-q", "Q3", "-o", "考核.docx")
    assert code == 0, err
    assert "已写入 考核.docx" in err
    document = Document("考核.docx")
    texts = [p.text for p in document.paragraphs]
    assert "2025年各牵头单位目标任务全年考核(第一至第三季度)" in "".join(texts).replace(" ", "")
    [table] = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0][:6] == ["名次", "牵头单位", "事项", "Q1 名次(通报)", "Q2 名次(通报)", "Q3 名次"]
    transport = next(row for row in cells if row[1] == "区交通运输局")
    assert transport[:6] == ["1", "区交通运输局", "5", "2", "2(重算1)", "1"]
    assert any(t.startswith("第二季度按目前的全部记录") and "区交通运输局 通报第2名" in t for t in texts)


def test_rates_of_a_bulletin_published_before_they_were_kept():
    """Bulletins published before `rates` was recorded: the rates from counts and rates."""
    unit = {"name": "区商务局", "rank": 3, "total": 8, "counts": {"已完成": 1, "正常": 2, "滞后": 1, "严重滞后": 2, "未报送": 2},
            "progress_rate": 0.375, "timely_rate": 0.75}
    assert published_rates(unit) == score.Rates(total=8, green=3, timely=6, severe=2, missing=2)
    kept = dict(unit, rates={"total": 8, "green": 3, "timely": 5, "severe": 2, "missing": 2})
    assert published_rates(kept).timely == 5
