"""The year-end work summary as a Word document (python-docx) and as HTML for the screen."""
import io
from html import escape

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from canteen.compound.yearbook import Yearbook
from canteen.reports.base import Report

SECTION_ONE = "一、工作成绩"


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "fen":
        return f"{value // 100}.{value % 100:02d}"
    return str(value)


def _headings(book: Yearbook):
    """(heading, level, paragraph) in order, with the section heading before the first achievement."""
    yield SECTION_ONE, 1, None
    for paragraph in book.paragraphs:
        top = not paragraph.heading.startswith("（")
        yield paragraph.heading, 1 if top else 2, paragraph


def docx_bytes(book: Yearbook) -> bytes:
    """The summary as .docx: title, sections and paragraphs, then the appendix tables."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "仿宋", Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    doc.add_heading(book.title, level=0)
    for heading, level, paragraph in _headings(book):
        doc.add_heading(heading, level=level)
        if paragraph is not None:
            doc.add_paragraph(paragraph.text)
    doc.add_page_break()
    doc.add_heading("附表", level=1)
    for report in book.appendix:
        _table(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, report: Report) -> None:
    doc.add_heading(report.title, level=2)
    table = doc.add_table(rows=1, cols=len(report.columns))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, report.columns):
        cell.text = column.label
    for row in report.rows:
        cells = table.add_row().cells
        for cell, column in zip(cells, report.columns):
            cell.text = _cell(row.get(column.key), column.kind)
    for note in report.notes:
        doc.add_paragraph(note)


def html(book: Yearbook) -> str:
    """The summary as an HTML fragment (escaped), blanks marked for the author."""
    parts = [f"<article class=\"yearbook\"><h1>{escape(book.title)}</h1>"]
    for heading, level, paragraph in _headings(book):
        parts.append(f"<h{level + 1}>{escape(heading)}</h{level + 1}>")
        if paragraph is not None:
            text = escape(paragraph.text).replace("【待填】", "<mark class=\"blank\">【待填】</mark>")
            parts.append(f"<p>{text}</p>")
    parts.append("<h2>附表</h2>")
    for report in book.appendix:
        head = "".join(f"<th>{escape(c.label)}</th>" for c in report.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(_cell(row.get(c.key), c.kind))}</td>" for c in report.columns)
                       + "</tr>" for row in report.rows)
        notes = "".join(f"<p class=\"note\">{escape(n)}</p>" for n in report.notes)
        parts.append(f"<h3>{escape(report.title)}</h3><table><thead><tr>{head}</tr></thead>"
                     f"<tbody>{body}</tbody></table>{notes}")
    parts.append("</article>")
    return "".join(parts)
