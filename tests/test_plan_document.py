"""`xatrack plan --format docx|md`: the 分解方案 as the office issues it, read back by `import`."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Mm

from cli_helpers import run
from xatrack.importer.embedded import docx_registry, markdown_registry
from xatrack.importer.layouts import markdown_marks
from xatrack.registry import parse_registry
from xatrack.views.plan_text import assignment, plan_blocks

ROOT = Path(__file__).resolve().parent.parent


def shipped():
    plan, _ = parse_registry((ROOT / "tasks.yaml").read_text(encoding="utf-8"))
    return plan


def test_blocks_follow_the_official_layout():
    blocks = plan_blocks(shipped())
    kinds = [kind for kind, _ in blocks]
    assert kinds[:3] == ["issuer", "date", "title"] and kinds.count("heading") == 2
    task = next(text for kind, text in blocks if kind == "task" and text.startswith("1."))
    assert task.endswith("(责任领导:常务副区长;牵头单位:区发改局;责任单位:区直相关单位、各乡镇办场、咸安经济开发区、咸安商贸物流区)")
    assert next(text for kind, text in blocks if kind == "action").startswith("(一)实施发展提速行动,推动经济持续向好。")
    assert ("section", "扩大有效投资。") in blocks


def test_docx_reimports_to_the_same_registry(tracker, capsys):
    code, out, err = run(capsys, "plan", "--format", "docx", "-o", "分解方案.docx")
    assert code == 0, err
    document = docx.Document("分解方案.docx")
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert any(p.text == "2025年咸安区《政府工作报告》确定的主要目标任务责任分解方案" for p in document.paragraphs)
    assert docx_registry(Path("分解方案.docx").read_bytes()) == Path("tasks.yaml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "import", "分解方案.docx", "-o", "back.yaml")
    assert code == 0, err
    assert Path("back.yaml").read_bytes() == Path("tasks.yaml").read_bytes()


def test_an_edited_docx_changes_what_was_edited(tracker, capsys):
    run(capsys, "plan", "--format", "docx", "-o", "分解方案.docx")
    document = docx.Document("分解方案.docx")
    paragraph = next(p for p in document.paragraphs if p.text.startswith("5.全年完成固定资产投资"))
    run_ = paragraph.runs[0]
    run_.text = run_.text.replace("牵头单位:区发改局", "牵头单位:区财政局")
    document.save("分解方案.docx")
    code, out, err = run(capsys, "import", "分解方案.docx", "--review", "--onto", "tasks.yaml")
    assert code == 0, err
    assert "相对 tasks.yaml 的改动 1 处" in out and "任务5 牵头单位:区发改局 → 区财政局" in out


def test_markdown_reimports_to_the_same_registry(tracker, capsys):
    code, out, err = run(capsys, "plan", "--format", "md", "-o", "分解方案.md")
    assert code == 0, err
    text = Path("分解方案.md").read_text(encoding="utf-8")
    assert text.startswith("咸安区人民政府办公室") and "\n# 2025年咸安区" in text
    assert markdown_registry(text)[1] == Path("tasks.yaml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "import", "分解方案.md", "-o", "back.yaml")
    assert code == 0, err
    assert Path("back.yaml").read_bytes() == Path("tasks.yaml").read_bytes()
    code, out, err = run(capsys, "plan")
    assert code == 0 and "xatrack:registry" not in out and "(一)地区生产总值增长7%以上。" in out


def test_markdown_marks_reader():
    done = markdown_marks(["# 标题", "## 一、目标", "**小标题**", "1.做事。", "<!-- xatrack:registry", "a: 1", "-->"])
    assert done.lines == ["标题", "一、目标", "小标题", "1.做事。", "", "", ""] and done.applied
    assert not markdown_marks(["1.做事。"]).applied


def test_assignment_text():
    item = shipped().get("1")
    assert assignment(item).startswith("(责任领导:常务副区长;牵头单位:区发改局;")
    assert assignment(item.__class__(id="9", kind="task", text="做事")) == ""


def test_plan_format_errors_are_one_line(tracker, capsys):
    code, out, err = run(capsys, "plan", "--format", "pdf", "-o", "x.pdf")
    assert code == 2 and "docx 或 md" in err and "Traceback" not in err
    code, out, err = run(capsys, "plan", "--format", "docx")
    assert code == 2 and "-o" in err


def test_a_plan_without_title_comes_back_the_same(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("方案.txt").write_text("·谋划2030·\n抓统筹\n奋力推进某项工作\n核心:修缮设施\n- 修缮步道12公里。\n- 新增岗位300个。\n", encoding="utf-8")
    code, out, err = run(capsys, "init", "t", "--from", "方案.txt")
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "t")
    for name in ("p.md", "p.docx"):
        assert run(capsys, "plan", "-o", name)[0] == 0
        code, out, err = run(capsys, "import", name, "-o", f"{name}.yaml")
        assert code == 0, err
        assert Path(f"{name}.yaml").read_bytes() == Path("tasks.yaml").read_bytes(), name


def test_plan_never_writes_over_a_document_with_edits_not_yet_imported(tracker, capsys):
    run(capsys, "plan", "--format", "docx", "-o", "分解方案.docx")
    assert run(capsys, "plan", "--format", "docx", "-o", "分解方案.docx")[0] == 0  # unchanged: written again
    document = docx.Document("分解方案.docx")
    paragraph = next(p for p in document.paragraphs if p.text.startswith("5.全年完成固定资产投资"))
    paragraph.runs[0].text = paragraph.runs[0].text.replace("牵头单位:区发改局", "牵头单位:区财政局")
    document.save("分解方案.docx")
    code, out, err = run(capsys, "plan", "--format", "docx", "-o", "分解方案.docx")
    assert code == 2 and "还没有导入" in err
    assert run(capsys, "plan", "--format", "docx", "-o", "分解方案.docx", "--force")[0] == 0
