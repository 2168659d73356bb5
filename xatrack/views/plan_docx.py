"""The plan (分解方案) as a Word document in the GB/T 9704 layout the 通报 uses (the page, fonts and
page numbers of ``views.report_docx``, imported, not copied), carrying its registry in document
variables (``variables``: names and values, made by ``importer.embedded.docvar_chunks``) so that
``import`` reads it back into the same tasks.yaml."""

from __future__ import annotations

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from xatrack.model import Plan
from xatrack.views import report_docx as gbt
from xatrack.views.plan_text import plan_blocks


def render_plan_docx(plan: Plan, variables: list[tuple[str, str]]) -> bytes:
    doc = Document()
    gbt._page_setup(doc)
    gbt._styles(doc)
    gbt._font_table(doc)
    gbt._page_numbers(doc)
    blocks = plan_blocks(plan)
    signature = [text for kind, text in blocks if kind in ("issuer", "date")]
    for kind, text in blocks:
        if kind == "title":
            gbt._title(doc, text)
        elif kind == "heading":
            gbt._heading(doc, text)
        elif kind == "action":
            gbt._subheading(doc, text)
        elif kind == "section":
            gbt._para(doc, text, bold=True)
        elif kind in ("target", "task"):
            gbt._para(doc, text)
    if len(signature) == 2:
        # 发文单位 and 成文日期 above the title, as the official text has them (import reads them there)
        body = doc.element.body
        first = body[0]
        for text in signature:
            paragraph = gbt._para(doc, text, align="right", indent=False)
            first.addprevious(paragraph._element)
    _carry(doc, variables)
    return gbt._save(doc)


def _carry(doc, variables: list[tuple[str, str]]) -> None:
    """The registry in document variables (w:docVars, kept by Word and WPS when the file is saved)."""
    settings = doc.settings.element
    element = OxmlElement("w:docVars")
    for name, value in variables:
        variable = OxmlElement("w:docVar")
        variable.set(qn("w:name"), name)
        variable.set(qn("w:val"), value)
        element.append(variable)
    anchor = settings.find(qn("w:rsids"))
    if anchor is None:
        anchor = settings.find(qn("w:mathPr"))
    if anchor is not None:
        anchor.addprevious(element)
    else:
        settings.append(element)
