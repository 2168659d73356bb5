"""One test group per layout reader (xatrack/importer/layouts.py, headings.py, assignments.py).

Every example here is made up: no other government's text."""

from __future__ import annotations

from xatrack.importer import import_plan
from xatrack.importer.assignments import duty_in_words, parse_assignment
from xatrack.importer.headings import heading_assignment
from xatrack.importer.layouts import is_furniture, page_on_one_line, web_furniture, wrapped_units


def items(text: str) -> dict:
    result = import_plan(text)
    return {item.id: item for item in result.plan.items}


# -- web furniture


WEB_PAGE = """设为首页 | 加入收藏
当前位置:首页 > 政务公开 > 计划规划
• 信息索引号:000-2030-0042
发布时间:2030-02-01 09:12
来源:某县政府办
浏览次数:
字号:大 中 小
2030年某县重点工作责任分解
1.修缮步道12公里。(责任领导:甲乙;牵头单位:县交通局)
2.新增岗位300个。(责任领导:甲乙;牵头单位:县人社局)
【打印】【关闭】
"""


def test_web_furniture_never_becomes_an_item():
    result = import_plan(WEB_PAGE)
    assert [item.id for item in result.plan.items] == ["1", "2"]
    assert result.plan.items[0].text == "修缮步道12公里。"
    assert "网页" in result.layout
    assert not [w for w in result.warnings if "索引号" in w.message or "打印" in w.message]


def test_furniture_lines_are_recognised_and_plan_lines_are_not():
    for line in ("设为首页", "• 信息索引号:011-2030-0001", "发布时间:2030-03-01 09:12", "来源:县政府办",
                 "浏览次数:", "字号:大 中 小", "【打印】【关闭】", "当前位置:首页 > 政务公开", "— 1 —", "- 12 -", "第 3 页 共 9 页"):
        assert is_furniture(line), line
    for line in ("1.修缮步道12公里。", "来源于群众的意见建议办理率100%。", "首页设计大赛举办2场。", "1", "12", "2030年"):
        assert not is_furniture(line), line
    done = web_furniture(["设为首页", "1.做事。"])
    assert done.lines == ["", "1.做事。"] and done.applied  # same number of lines: places stay


# -- tables copied to text, cells on their own lines (the text-table reader)


def test_table_copied_to_text_with_spread_header_and_unit_cells():
    text = "\n".join([
        "2030年某县民生实事",
        "序号", "", "民  生  实  事", "", "责任领导", "", "牵头单位", "", "责任单位", "", "完成时限", "",
        "1", "", "修缮步道12公里", "", "甲乙", "", "县交通局", "", "县财政局", "", "2030年9月底", "",
        "2 |", "", "新增岗位300个 |", "", "丙丁 |", "", "县人社局 |", "", "各乡镇", "县财政局 |", "", "2030年12月底 |", "",
    ])
    found = items(text)
    assert list(found) == ["1", "2"]
    assert found["1"].lead == ("县交通局",) and found["1"].units == ("县财政局",) and found["1"].leaders == ("甲乙",)
    assert found["1"].due == 3 and found["2"].metrics[0].target == 300
    assert found["2"].units == ("各乡镇", "县财政局") and found["2"].text == "新增岗位300个"


# -- a whole page on one line


ONE_LINE = (
    "(此件公开发布) 2030年重点工作责任分解 一、甲乙县长牵头重点工作 1.全县生产总值增长7%左右;(牵头单位:县发改局) "
    "2.修缮步道12公里。(牵头单位:县交通局) 二、丙丁副县长牵头重点工作 3.建成学校2所。(牵头单位:县教育局)"
)


def test_a_page_on_one_line_is_cut_at_its_markers():
    result = import_plan(ONE_LINE)
    found = {item.id: item for item in result.plan.items}
    assert list(found) == ["1", "2", "3"]
    assert found["1"].leaders == ("甲乙",) and found["3"].leaders == ("丙丁",)
    assert found["2"].lead == ("县交通局",) and found["2"].metrics[0].target == 12
    assert result.plan.info.year == 2030
    assert "整页一行" in result.layout


def test_ordinary_documents_are_not_cut():
    lines = ["1.修缮步道12公里。", "2.新增岗位300个。"]
    assert page_on_one_line(lines).lines == lines and not page_on_one_line(lines).applied


# -- (…负责) at the end


def test_units_in_a_closing_bracket_with_fuze():
    found = items("2030年某县重点工作\n3. 修缮步道12公里。(县交通局、县财政局负责)\n4. 建成公园2个。(县住建局牵头,县林业局配合)\n")
    assert found["3"].text == "修缮步道12公里。"
    assert found["3"].lead == ("县交通局",) and found["3"].units == ("县财政局",)
    assert found["4"].lead == ("县住建局",) and found["4"].units == ("县林业局",)
    assert duty_in_words("县交通局、县财政局负责")[2]  # the first-listed lead is marked inferred
    assert duty_in_words("今年完成") is None


# -- labels


def test_new_labels_on_their_own_lines_and_in_brackets():
    found = items(
        "2030年某县重点工作\n1.修缮步道12公里。\n牵头负责领导:甲乙。\n牵头责任单位:县交通局\n协同责任单位:县财政局、县自然资源局\n"
        "2.建成公园2个。(分管领导:丙丁;牵头责任单位:县住建局;参与单位:县林业局)\n"
        "3.举办活动150场次。(联系领导:丙丁;牵头单位:县文旅局;配合单位:各乡镇;责任科室:文化股)\n"
    )
    assert found["1"].leaders == ("甲乙",) and found["1"].lead == ("县交通局",)
    assert found["1"].units == ("县财政局", "县自然资源局")
    assert found["2"].leaders == ("丙丁",) and found["2"].lead == ("县住建局",) and found["2"].units == ("县林业局",)
    assert found["3"].leaders == ("丙丁",) and found["3"].units == ("各乡镇", "文化股")


# -- leaders in headings


def test_heading_leaders_of_every_rank_and_script():
    assert heading_assignment("王强省长牵头重点工作") == (["王强"], [])
    assert heading_assignment("陈敏副市长牵头") == (["陈敏"], [])
    assert heading_assignment("区长李华主抓") == (["李华"], [])
    assert heading_assignment("张伟常务副县长牵头重点工作(5项)") == (["张伟"], [])
    assert heading_assignment("王強縣長牽頭重點工作") == (["王強"], [])
    assert heading_assignment("县住建局牵头工作(8项)") == ([], ["县住建局"])
    assert heading_assignment("县委常委、常务副县长王强牵头重点工作") == (["王强"], [])
    assert heading_assignment("王强同志牵头负责的工作") == (["王强"], [])
    assert heading_assignment("主要预期目标") == ([], [])
    assert heading_assignment("同志们要牵头抓总") == ([], [])


def test_traditional_script_document():
    found = items("2030年某縣重點工作\n一、甲乙縣長牽頭重點工作\n1.新建農村公路120公里。(牽頭單位:縣交通運輸局;責任單位:縣財政局)\n")
    assert found["1"].leaders == ("甲乙",) and found["1"].lead == ("縣交通運輸局",) and found["1"].units == ("縣財政局",)


# -- lead marked in the unit list, and the notes that say who leads


def test_lead_marked_inside_the_unit_list():
    parsed = parse_assignment("责任单位:省甲厅、省乙厅牵头,省丙厅、各市政府")
    assert parsed.lead == ["省甲厅", "省乙厅"] and parsed.units == ["省丙厅", "各市政府"] and parsed.lead_in_list


def test_first_listed_notes_are_not_units_and_set_the_lead():
    text = (
        "2030年某省重点工作\n(除标注\"牵头\"的单位外,列第一位的为牵头或汇总单位,下同)\n"
        "1.修缮步道12公里。(责任单位:省甲厅、省乙厅牵头,省丙厅)\n2.建成公园2个。(责任单位:省丁厅、省戊局)\n"
    )
    found = items(text)
    assert found["1"].lead == ("省甲厅", "省乙厅") and found["1"].units == ("省丙厅",)
    assert found["2"].lead == ("省丁厅",) and found["2"].units == ("省戊局",)
    other = items("2030年某市重点工作\n1.修缮步道12公里。(首位单位为牵头单位,下同)(责任单位:市交通局、市财政局)\n")
    assert other["1"].text == "修缮步道12公里。" and other["1"].lead == ("市交通局",)


# -- 等 at the end of a unit


def test_deng_ends_an_open_list():
    result = import_plan("2030年某市重点工作\n1.建成学校2所。(牵头单位:市教育局;责任单位:市卫健委、市疾控中心等,各县(市、区)政府)\n")
    item = result.plan.items[0]
    assert item.units == ("市卫健委", "市疾控中心", "各县(市、区)政府")
    assert any("等" in note for note in result.review[0].inferred)
    assert parse_assignment("责任单位:市甲局等").open_list
    assert not parse_assignment("责任单位:市甲局、市乙局").open_list


# -- PDF-wrapped unit lists


def test_a_unit_list_wrapped_by_the_pdf_layout():
    result = import_plan(
        "2030年某县重点工作\n1.修缮步道12公里。\n责任单位:县交通局、县属有关部门、各乡镇\n人民政府\n2.建成学校2所。(牵头单位:县教育局)\n"
    )
    assert result.plan.items[0].units == ("县交通局", "县属有关部门", "各乡镇人民政府")
    assert not result.warnings
    assert wrapped_units(["责任单位:甲局、各乡镇", "人民政府"]).lines == ["责任单位:甲局、各乡镇人民政府", ""]
    assert wrapped_units(["1.做事。(责任单位:甲局)", "人民政府"]).lines[1] == "人民政府"


# -- --review names the reader


def test_review_names_the_reader_of_each_item():
    result = import_plan(WEB_PAGE)
    assert {row.reader for row in result.review} == {"条文"}
    bullets = import_plan("核心:修缮设施\n- 修缮步道12公里。\n- 新增岗位300个。\n")
    assert {row.reader for row in bullets.review} == {"要点列表"}


# -- metrics read as written


def test_respectively_gives_one_metric_per_subject_of_one_kind():
    from xatrack.importer import extract_figures

    metrics = [h.metric for h in extract_figures("城镇和农村居民人均可支配收入分别增长8%、8.5%。") if h.metric]
    assert [(m.name, m.target, m.kind) for m in metrics] == [
        ("城镇居民人均可支配收入增速", 8.0, "growth"), ("农村居民人均可支配收入增速", 8.5, "growth")]
    three = [h.metric for h in extract_figures("甲县、乙县和丙县新建公园分别达到3个、4个、5个。") if h.metric]
    assert len({m.kind for m in three}) == 1 and len({m.name for m in three}) == 3


def test_compound_units_stay_whole():
    from xatrack.importer import extract_figures

    metrics = [h.metric for h in extract_figures("举办文化活动150场次,服务群众20万人次,保障航班30架次。") if h.metric]
    assert [(m.name, m.unit) for m in metrics] == [("举办文化活动", "场次"), ("服务群众", "万人次"), ("保障航班", "架次")]


def test_cells_on_their_own_lines_ending_with_a_bar():
    text = "\n".join(["2030年某县重点工作任务分解", "序号 |", "工作任务 |", "责任领导 |", "牵头单位 |", "完成时限 |",
                      "1 |", "修缮步道12公里 |", "甲乙 |", "县交通局 |", "2030年6月底 |"])
    found = items(text)
    assert list(found) == ["1"] and found["1"].text == "修缮步道12公里"
    assert found["1"].leaders == ("甲乙",) and found["1"].lead == ("县交通局",) and found["1"].due == 2


def test_a_pdf_with_wrapped_assignments_and_page_numbers(tmp_path):
    import pytest

    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from xatrack.importer import import_file

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "方案.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("STSong-Light", 12)
    lines = ["某县2030年重点工作责任分解方案", "一、甲乙县长牵头重点工作",
             "1.修缮步道12公里,改造危桥5座。(牵头单位:县交通局;责任单", "位:县财政局、县属有关部门、各乡镇", "人民政府)",
             "2.建成公园2个。", "责任单位:县住建局、县属有关部门、各乡镇", "人民政府"]
    for index, line in enumerate(lines):
        page.drawString(60, 780 - 22 * index, line)
    page.drawString(280, 40, "— 1 —")
    page.save()
    result = import_file(path)
    one, two = result.plan.items
    assert one.leaders == ("甲乙",) and one.lead == ("县交通局",) and one.units == ("县财政局", "县属有关部门", "各乡镇人民政府")
    assert [m.target for m in one.metrics] == [12, 5]
    assert two.units == ("县住建局", "县属有关部门", "各乡镇人民政府")
    assert not result.warnings  # neither the wrapped lines nor the page number


def test_word_table_with_spread_header_justified_leader_and_starred_lead(tmp_path):
    import docx

    from xatrack.importer import import_file

    document = docx.Document()
    document.add_paragraph("某县2030年重点工作责任分解表")
    table = document.add_table(rows=1, cols=6)
    for cell, text in zip(table.rows[0].cells, ["序号", "主  要  工  作  任  务", "责任领导", "牵头单位", "责任单位", "完成时限"]):
        cell.text = text
    for values in (["1", "修缮步道12公里。", "甲乙", "县交通局", "县财政局\n各乡镇人民政府", "2030年10月底"],
                   ["2", "新增岗位300个。", "丙  丁", "县人社局★", "县教育局、各乡镇", "2030年6月底前"]):
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    document.save(tmp_path / "表.docx")
    found = {item.id: item for item in import_file(tmp_path / "表.docx").plan.items}
    assert found["1"].units == ("县财政局", "各乡镇人民政府") and found["1"].due == 4
    assert found["2"].leaders == ("丙丁",) and found["2"].lead == ("县人社局",) and found["2"].due == 2


def test_word_table_row_under_merged_number_and_task_cells(tmp_path):
    import docx

    from xatrack.importer import import_file

    document = docx.Document()
    document.add_paragraph("某县2030年重点工作责任分解表")
    table = document.add_table(rows=4, cols=5)
    for cell, text in zip(table.rows[0].cells, ["序号", "工作任务", "责任领导", "牵头单位", "责任单位"]):
        cell.text = text
    for row, values in zip(table.rows[1:], (["1", "修缮步道12公里。", "甲乙", "县交通局", "县财政局"],
                                            ["", "", "丙丁", "县住建局", "各乡镇"],
                                            ["2", "新增岗位300个。", "丙丁", "县人社局", "各乡镇"])):
        for cell, text in zip(row.cells, values):
            cell.text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "1"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "修缮步道12公里。"
    document.save(tmp_path / "表.docx")
    result = import_file(tmp_path / "表.docx")
    one, two = result.plan.items
    assert one.leaders == ("甲乙", "丙丁") and one.lead == ("县交通局", "县住建局") and one.units == ("县财政局", "各乡镇")
    assert two.id == "2" and not result.warnings


def test_labels_in_lenticular_brackets_and_lead_marked_in_brackets():
    found = items(
        "2030年某县重点工作\n1.修缮步道12公里。【责任领导】甲乙【牵头单位】县交通局【责任单位】县财政局\n"
        "2.新增岗位300个。(责任单位:县人社局(牵头)、县财政局)\n3.建成公园2个。(责任单位:县住建局〔牵头〕、各乡镇)\n"
    )
    assert (found["1"].text, found["1"].leaders, found["1"].lead, found["1"].units) == ("修缮步道12公里。", ("甲乙",), ("县交通局",), ("县财政局",))
    assert found["2"].lead == ("县人社局",) and found["2"].units == ("县财政局",)
    assert found["3"].lead == ("县住建局",) and found["3"].units == ("各乡镇",)
    assert items("2030年某县重点工作\n1.举办【惠民】活动2场。(牵头单位:县文旅局)\n")["1"].text == "举办【惠民】活动2场。"


def test_web_table_whose_header_has_two_rows():
    """序号 and 任务 merged over two header rows, 责任分工 over 责任领导 / 牵头单位 / 责任单位."""
    cells = ["序号", "工作任务", "责任分工", "完成时限", "责任领导", "牵头单位", "责任单位",
             "1", "修缮步道12公里", "甲乙", "县交通局", "县财政局", "2030年6月底",
             "2", "新增岗位300个", "丙丁", "县人社局", "各乡镇", "2030年12月底"]
    found = items("2030年某县重点工作\n" + "\n\n".join(cells) + "\n")
    assert list(found) == ["1", "2"]
    assert (found["1"].leaders, found["1"].lead, found["1"].units, found["1"].due) == (("甲乙",), ("县交通局",), ("县财政局",), 2)
    assert found["2"].lead == ("县人社局",) and found["2"].deadline == "2030年12月底"


def test_prose_after_a_web_table_ends_it():
    cells = ["序号", "工作任务", "牵头单位", "1", "修缮步道12公里", "县交通局", "2", "新增岗位300个", "县人社局",
             "各单位要按时报送进展情况。"]
    result = import_plan("2030年某县重点工作\n" + "\n\n".join(cells) + "\n")
    assert [item.id for item in result.plan.items] == ["1", "2"] and result.plan.items[1].lead == ("县人社局",)
