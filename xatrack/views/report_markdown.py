"""The quarterly bulletin as Markdown: headings and GitHub-style pipe tables
that paste cleanly into a bulletin document."""

from __future__ import annotations

import re

from xatrack.bulletin_doc import MD, Heading, Meta, Paragraph, Table, build_document
from xatrack.report import Report


def escape_html(text: str) -> str:
    """&, < and > as entities: Markdown passes raw HTML through, so a name or
    note holding <script> must not reach a renderer as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(value: object) -> str:
    """Text safe inside a table cell: one line, pipes, backslashes and HTML escaped."""
    text = escape_html(" ".join(str(value).split()))
    return text.replace("\\", "\\\\").replace("|", "\\|") or " "


def text_line(value: str) -> str:
    """A paragraph line: Markdown-significant characters at the start escaped, HTML escaped."""
    text = escape_html(" ".join(str(value).split()))
    if text[:1] in ("#", ">", "-", "+", "*", "|"):
        return "\\" + text
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def table(header: list[str], rows: list[list[object]], numeric: set[int] = frozenset()) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("| " + " | ".join("---:" if i in numeric else "---" for i in range(len(header))) + " |")
    for row in rows:
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return lines


def render_markdown(report: Report) -> str:
    """The blocks of the bulletin (xatrack.bulletin_doc) as Markdown."""
    out: list[str] = []
    findings = False
    for block in build_document(report).for_medium(MD):
        if isinstance(block, Heading):
            if block.level == 0:
                out += [f"# {cell(block.text)}", ""]
            elif block.level == 1:
                out += [f"## {block.text}", ""]
                findings = findings or block.key == "findings"
            else:
                out += [f"### {cell(block.text)}", ""]
        elif isinstance(block, Meta):
            lines = [text_line(t) for t in (block.plan, block.scope) if t] + ([block.as_of] if block.as_of else [])
            lines += [text_line(block.published)] if block.published else []
            if lines:
                out += ["  \n".join(lines), ""]
        elif isinstance(block, Paragraph):
            out += [text_line(block.text), ""]
        elif isinstance(block, Table):
            numeric = {i for i, c in enumerate(block.columns) if c.numeric}
            out += table(block.header, [[c.text for c in row.cells] for row in block.rows], numeric) + [""]
    # The findings part has always ended with an empty line of its own.
    return "\n".join(out) + ("\n" if findings else "")
