"""Importing plans as offices receive them: Word, Excel, PDF, encodings, tables, other layouts.

Every sample document is made here, in the test, from text written below.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run
from xatrack.errors import DataError
from xatrack.importer import BUNDLED_OVERRIDES, BUNDLED_TEXT, deadline_quarter, import_file, import_plan
from xatrack.importer.tables import header_role
from xatrack.registry import dump_plan

REPO = Path(__file__).resolve().parent.parent


def cli(capsys, *args: str) -> tuple[int, str]:
    code, out, err = run(capsys, *args)
    return code, out + err


def registry_body(path: Path) -> str:
    """tasks.yaml without its header comment (which names the source file)."""
    return "".join(line for line in path.read_text(encoding="utf-8").splitlines(True) if not line.startswith("#"))


def seed_copy(tmp_path: Path, suffix: str) -> tuple[Path, Path]:
    target = tmp_path / f"2025-xianan{suffix}"
    shutil.copy(BUNDLED_OVERRIDES, tmp_path / BUNDLED_OVERRIDES.name)
    return target, tmp_path / BUNDLED_OVERRIDES.name


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None, merges=()) -> None:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        for (r1, c1), (r2, c2) in merges:
            text = grid.cell(r1, c1).text
            grid.cell(r1, c1).merge(grid.cell(r2, c2)).text = text
    document.save(str(path))


# ---------------------------------------------------------------------------
# The seed, as text in each encoding and as Word: today's tasks.yaml exactly


@pytest.mark.parametrize(
    "suffix, encode",
    [
        (".txt", lambda text: text.encode("gb18030")),
        (".txt", lambda text: text.encode("utf-16")),
        (".txt", lambda text: "\ufeff".encode() + text.replace("\n", "\r\n").encode()),
        (".docx", None),
    ],
    ids=["gb18030", "utf-16", "utf-8-bom-crlf", "docx"],
)
def test_seed_in_every_format_gives_todays_registry(tmp_path, capsys, suffix, encode):
    text = BUNDLED_TEXT.read_text(encoding="utf-8")
    plan_file, overrides = seed_copy(tmp_path, suffix)
    if encode:
        plan_file.write_bytes(encode(text))
    else:
        make_docx(plan_file, text.split("\n"))
    out = tmp_path / "tasks.yaml"
    code, output = cli(capsys, "import", str(plan_file), "-o", str(out))
    assert code == 0, output
    assert registry_body(out) == registry_body(REPO / "tasks.yaml")
    assert "警告 0 条" in output


def test_summary_names_encoding_and_layout(tmp_path, capsys):
    plan_file = tmp_path / "plan.txt"
    plan_file.write_bytes("二、重点工作\n1.做事。(牵头单位:甲局)\n".encode("gbk"))
    code, output = cli(capsys, "import", str(plan_file), "-o", str(tmp_path / "t.yaml"))
    assert code == 0, output
    assert "文本(GB18030/GBK)" in output and "版式:条文" in output


# ---------------------------------------------------------------------------
# Refusals with a hint


def test_old_doc_and_scanned_pdf_are_refused_with_a_hint(tmp_path, capsys):
    old = tmp_path / "方案.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    code, output = cli(capsys, "import", str(old), "-o", str(tmp_path / "t.yaml"))
    assert code == 2 and "另存为” .docx" in output
    assert not (tmp_path / "t.yaml").exists()
    from reportlab.pdfgen import canvas

    scan = tmp_path / "扫描件.pdf"
    page = canvas.Canvas(str(scan))
    page.rect(50, 500, 300, 200, fill=1)  # a page with a picture and no text, like a scan
    page.save()
    with pytest.raises(DataError, match="扫描件"):
        import_file(scan)


def test_no_item_found_is_an_error_and_writes_nothing(tmp_path, capsys):
    plan_file = tmp_path / "plan.txt"
    plan_file.write_text("这是一份通知。\n请认真贯彻落实。\n", encoding="utf-8")
    out = tmp_path / "tasks.yaml"
    code, output = cli(capsys, "import", str(plan_file), "-o", str(out))
    assert code == 2
    assert "没有识别出任何目标或任务" in output
    assert not out.exists()
    code, output = cli(capsys, "init", str(tmp_path / "new"), "--from", str(plan_file))
    assert code == 2 and not (tmp_path / "new" / "tasks.yaml").exists()


# ---------------------------------------------------------------------------
# Tables


def test_header_words_not_positions():
    assert header_role("主  要  工  作  任  务") == "task"
    assert header_role("分 管 县领导") == "leaders"
    assert header_role("牵头责任单位") == "lead"
    assert header_role("责任科室") == "units"
    assert header_role("时间节点") == "due"
    assert header_role("完成情况") == "progress"
    assert header_role("一、重点工作") is None
    assert header_role("新建5G基站336个。") is None


WORD_TABLE = [
    ["序号", "主  要  工  作  任  务", "分 管 县领导", "牵头责任单位", "责任单位", "完成时限", "完成情况"],
    ["一、县示范区管委会牵头工作(2项)"] * 7,
    ["1", "新建标准厂房10万平方米。", "俞 悦", "县发改局", "县财政局", "6月底前", "已完成3万平方米"],
    ["2", "引进亿元以上项目5个。", "", "县商务局", "★县招商局、县财政局", "全年", ""],
    ["3", "完成造林1.2万亩。", "张三", "", "县林业局、县自然资源局", "2025年9月底前", "进展60%"],
]


def test_word_table(tmp_path):
    path = tmp_path / "分解表.docx"
    make_docx(path, ["某县2025年重点工作任务分解表"], WORD_TABLE, merges=[((2, 2), (3, 2))])
    result = import_file(path)
    plan = result.plan
    assert [t.id for t in plan.tasks] == ["1", "2", "3"]
    one, two, three = plan.tasks
    assert one.leaders == ("俞悦",) and one.lead == ("县发改局",) and one.units == ("县财政局",)
    assert (one.due, one.deadline) == (2, "6月底前")
    assert two.leaders == ("俞悦",)  # merged cell carried down
    assert two.lead == ("县商务局", "县招商局") and two.units == ("县财政局",)  # ★ marks a lead
    assert three.lead == ("县示范区管委会",)  # from the heading row
    assert (three.due, three.deadline) == (3, "2025年9月底前")
    assert [m.target for m in one.metrics] == [10]  # 已完成3万平方米 is progress, not a target
    assert plan.info.title == "某县2025年重点工作任务分解表"
    assert result.layout == "表格" and result.source_format == "Word 文档(.docx)"
    rows = {row.item_id: row for row in result.review}
    assert "责任领导沿用上一行(合并单元格)" in rows["2"].inferred
    assert rows["2"].place == "表1第4行"
    assert [w.message for w in result.warnings if "完成情况" in w.message]


def test_excel_sheet_with_title_rows_and_merged_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "分解表"
    sheet.append(["2025年重点工作责任分解表"])
    sheet.append(["序号", "重点工作", "责任", "牵头部门", "配合单位", "备注"])
    sheet.append(["", "", "领导", "", "", ""])
    sheet.append([1, "新建5G基站100个。", "俞悦", "县科经局", "县电信公司", ""])
    sheet.append([2, "改造老旧小区12个。", None, "县住建局", "各乡镇", "需要资金"])
    sheet.merge_cells("C4:C5")
    path = tmp_path / "分解表.xlsx"
    book.save(path)
    result = import_file(path)
    tasks = result.plan.tasks
    assert [(t.id, t.leaders, t.lead) for t in tasks] == [("1", ("俞悦",), ("县科经局",)), ("2", ("俞悦",), ("县住建局",))]
    assert result.plan.info.title == "2025年重点工作责任分解表"
    (warning,) = [w for w in result.warnings if "备注" in w.message]
    assert warning.place == "工作表“分解表”第5行F列" and "需要资金" in warning.message


def test_text_table_one_cell_per_line():
    text = "\n".join(
        ["分解表", "序号", "目标与任务", "分 管 县领导", "牵头责任单位", "责任单位",
         "1", "新建5G基站100个。", "俞 悦", "县科经局", "县电信公司",
         "2", "改造老旧小区12个。", "张三", "县住建局", "各乡镇"]
    )  # fmt: skip
    result = import_plan(text)
    assert [(t.id, t.text, t.leaders, t.lead, t.units) for t in result.plan.tasks] == [
        ("1", "新建5G基站100个。", ("俞悦",), ("县科经局",), ("县电信公司",)),
        ("2", "改造老旧小区12个。", ("张三",), ("县住建局",), ("各乡镇",)),
    ]
    assert result.plan.info.title == "分解表"  # not a table cell
    assert result.layout == "表格(每格一行)" and result.warnings == ()


def test_text_table_with_bars_and_header_split_over_two_rows():
    text = (
        "| 序号 | 重点工作 | 责任 | 牵头部门 | 协同单位 | 时间节点 |\n"
        "|  |  | 领导 |  |  |  |\n"
        "|---|---|---|---|---|---|\n"
        "| 1 | 新建5G基站100个。 | 俞悦 | 县科经局 | 县电信公司 | 三季度 |\n"
        "| 2 | 改造老旧小区12个。 |  | 县住建局 | 各乡镇 | 年底前 |\n"
    )
    result = import_plan(text)
    assert [(t.leaders, t.due, t.deadline) for t in result.plan.tasks] == [
        (("俞悦",), 3, "三季度"),
        (("俞悦",), 4, "年底前"),
    ]
    assert result.warnings == ()


def test_glued_leader_names_split_only_where_the_document_shows_both():
    text = (
        "| 序号 | 任务 | 责任领导 | 牵头单位 |\n"
        "| 1 | 甲事。 | 洪声耀 | 甲局 |\n"
        "| 2 | 乙事。 | 俞悦 | 乙局 |\n"
        "| 3 | 丙事。 | 洪声耀俞悦 | 丙局 |\n"
        "| 4 | 丁事。 | 欧阳明辉 | 丁局 |\n"
    )
    tasks = import_plan(text).plan.tasks
    assert [t.leaders for t in tasks] == [("洪声耀",), ("俞悦",), ("洪声耀", "俞悦"), ("欧阳明辉",)]


def test_pdf_table(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.lib.styles import ParagraphStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a standard CJK font: no font file needed
    rows = [["序号", "重点工作", "责任领导", "牵头单位", "责任单位"],
            ["1", "新建5G基站100个。", "俞悦", "县科经局", "县电信公司"],
            ["2", "改造老旧小区12个。", "张三", "县住建局", "各乡镇"]]  # fmt: skip
    table = Table(rows)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 10), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    path = tmp_path / "分解表.pdf"
    title = Paragraph("2025年重点工作分解表", ParagraphStyle("t", fontName="STSong-Light", fontSize=14))
    SimpleDocTemplate(str(path), pagesize=A4).build([title, table])
    result = import_file(path)
    assert [(t.text, t.leaders, t.lead, t.units) for t in result.plan.tasks] == [
        ("新建5G基站100个。", ("俞悦",), ("县科经局",), ("县电信公司",)),
        ("改造老旧小区12个。", ("张三",), ("县住建局",), ("各乡镇",)),
    ]
    assert result.source_format == "PDF" and result.plan.info.title == "2025年重点工作分解表"
    assert result.warnings == ()


# ---------------------------------------------------------------------------
# Prose layouts

PROSE = """某市2025年政府工作报告重点工作责任分工
注:责任单位中列第一位的为牵头单位。
一、王五市长主抓重点工作
1.新建污水管网20公里。(市住建局、市水务局)
2、建设公园3个。
牵头单位:市城管局

责任单位:市住建局、各区

二、市发改委牵头工作(2项)
①完成投资100亿元。(责任单位:市财政局、市统计局
② 新增就业1万人。(责任领导:赵六;责任单位:市人社局,市财政局;完成时限:上半年)
三、李四副市长牵头重点工作
1.引进项目5个。(责任单位:市商务局、市招商局)
"""


def test_prose_layouts_of_other_governments():
    result = import_plan(PROSE)
    tasks = {t.id: t for t in result.plan.tasks}
    assert list(tasks) == ["1", "2", "3", "4", "5"]  # numbering restarting under a heading goes on
    assert (tasks["1"].leaders, tasks["1"].lead, tasks["1"].units) == (("王五",), ("市住建局",), ("市水务局",))
    assert (tasks["2"].lead, tasks["2"].units) == (("市城管局",), ("市住建局", "各区"))
    assert tasks["3"].text == "完成投资100亿元。" and tasks["3"].lead == ("市发改委",)
    assert tasks["3"].units == ("市财政局", "市统计局")
    assert (tasks["4"].leaders, tasks["4"].due, tasks["4"].deadline) == (("赵六",), 2, "上半年")
    assert (tasks["5"].leaders, tasks["5"].lead, tasks["5"].units) == (("李四",), ("市商务局",), ("市招商局",))
    assert all("列第一位" not in name for t in tasks.values() for name in t.lead + t.units)
    (warning,) = result.warnings
    assert warning.line == 11 and "缺少右括号" in warning.message
    notes = {row.item_id: row.inferred for row in result.review}
    assert any("列第一位" in note for note in notes["1"])
    assert any("标题" in note for note in notes["3"])


def test_wrapped_line_continues_the_item():
    result = import_plan("二、重点工作\n1.新建污水管网20公里,(牵头单位:市住建局;\n责任单位:市水务局)\n2.做事。(牵头单位:甲局)\n")
    first = result.plan.get("1")
    assert (first.text, first.lead, first.units) == ("新建污水管网20公里,", ("市住建局",), ("市水务局",))
    assert result.warnings == ()


@pytest.mark.parametrize(
    "words, quarter",
    [("全年", 4), ("年底前", 4), ("6月底前", 2), ("2025年9月底前", 3), ("上半年", 2), ("三季度", 3),
     ("长期坚持", 4), ("3月底前启动,9月底前完成", 3), ("2026年6月底前", 4), ("视情况而定", None)],
)  # fmt: skip
def test_deadline_words(words, quarter):
    assert deadline_quarter(words, 2025) == quarter


# ---------------------------------------------------------------------------
# --review


def test_review_lists_source_beside_fields_and_writes_html(tmp_path, capsys):
    plan_file = tmp_path / "prose.txt"
    plan_file.write_text(PROSE, encoding="utf-8")
    code, output = cli(capsys, "import", str(plan_file), "--review")
    assert code == 0, output
    assert "任务 1  〔第4行,条文〕" in output
    assert "原文    新建污水管网20公里。(市住建局、市水务局)" in output
    assert "〔推断〕牵头单位按“列第一位的为牵头单位”取责任单位第一个" in output
    assert not (tmp_path / "tasks.yaml").exists()
    page = tmp_path / "核对.html"
    code, output = cli(capsys, "import", str(plan_file), "--review", "-o", str(page))
    assert code == 0, output
    html = page.read_text(encoding="utf-8")
    assert "<ul class=\"inf\"><li>责任领导取自标题(王五)</li>" in html and "缺少右括号" in html
    code, output = cli(capsys, "import", str(plan_file), "--review", "-o", str(tmp_path / "x.yaml"))
    assert code == 2 and "--review" in output


def test_registry_keeps_deadline_words(tmp_path):
    plan = import_plan("二、重点工作\n1.做事。(牵头单位:甲局;完成时限:6月底前)\n").plan
    text = dump_plan(plan)
    assert "deadline: 6月底前" in text and "due: Q2" in text
    from xatrack.registry import parse_registry

    assert parse_registry(text, "tasks.yaml")[0].get("1").deadline == "6月底前"


def test_daily_commands_do_not_import_document_readers():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "xatrack", "list", "--leader", "洪声耀"],
        capture_output=True, text=True, cwd=REPO, env={**__import__("os").environ, "XATRACK_TODAY": "2025-07-08"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-500:]
    loaded = [line for line in out.stderr.splitlines() if any(m in line for m in ("docx", "pdfplumber", "openpyxl"))]
    assert loaded == []
    assert "import time:" in out.stderr  # the check above looked at a real import trace


def test_gbk_text_whose_first_character_looks_like_utf8(tmp_path):
    """"一" in GBK is d2 bb, a valid two-byte UTF-8 character: the file was taken
    for mixed UTF-8/GBK and refused. Only whole earlier lines say "mixed"."""
    from xatrack.importer.formats import decode_text

    raw = "一、主要目标\n(一)地区生产总值增长6%。\n".encode("gb18030")
    text, name = decode_text(raw, tmp_path / "gbk.txt")
    assert text.startswith("一、主要目标") and name == "GB18030/GBK"
    mixed = "第一行是 UTF-8\n".encode("utf-8") + "第二行是 GBK\n".encode("gb18030")
    with pytest.raises(Exception) as error:
        decode_text(mixed, tmp_path / "mixed.txt")
    assert "编码混杂" in str(error.value.message)


def test_targets_stated_against_another_figure_get_a_relative_metric():
    """与经济增长基本同步 follows the plan's GDP growth item; 不低于全市平均水平 a
    reference figure the office records (issue 12)."""
    from xatrack.importer import import_plan

    text = "\n".join(
        [
            "某县2026年政府工作报告主要目标任务责任分解",
            "一、主要预期目标",
            "(一)地区生产总值增长6.5%。(责任领导:张三;牵头单位:县发改局)",
            "(二)城乡居民人均可支配收入增长与经济增长基本同步。(责任领导:张三;牵头单位:县发改局)",
            "(三)居民消费价格涨幅不高于全省平均水平。(责任领导:张三;牵头单位:县发改局)",
            "(四)规上工业增加值增速快于全市平均。(责任领导:李四;牵头单位:县经信局)",
        ]
    )
    plan = import_plan(text).plan
    income, prices, industry = (plan.get(f"G{n}").metrics for n in (2, 3, 4))
    assert [(m.kind, m.follows, m.op) for m in income] == [("relative", "G1", ">=")]
    assert [(m.kind, m.follows, m.op) for m in prices] == [("relative", "全省平均水平", "<="), ("reference", "", ">=")]
    assert prices[1].name == "全省平均水平"
    assert [(m.kind, m.follows) for m in industry] == [("relative", "全市平均"), ("reference", "")]
