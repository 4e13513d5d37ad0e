"""A party document (`document.Document`) as a Word file, with python-docx.

Thể thức per Hướng dẫn 36-HD/VPTW: A4; margins top 20 mm, bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman 14 pt for the body; the header block as a borderless
two-column table; page numbers at the top centre from page 2; tables at 12 pt with the
header row repeated on every page.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .document import PARTY, Bullets, Document, Heading, Paragraph, Table
from .pdf import KEEP_TOGETHER_ROWS

FONT = "Times New Roman"
PAGE = {"width": Mm(210), "height": Mm(297), "top": Mm(20), "bottom": Mm(20),
        "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH_MM = 210 - 30 - 15
BODY_PT = 14
TABLE_PT = 12
#: Empty lines under the signer's title, for the signature and the seal.
SIGNATURE_LINES = 4

CENTER, RIGHT, LEFT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY)


def render_docx(doc: Document) -> bytes:
    """The Word file's bytes."""
    word = new_docx()
    _page(word)
    _styles(word)
    word.core_properties.title = doc.title
    word.core_properties.author = doc.issuer.name
    word.core_properties.language = "vi-VN"

    _header_block(word, doc)
    _para(word, doc.kind, align=CENTER, bold=True, size=16, before=18)
    _para(word, doc.subject, align=CENTER, bold=True, after=0)
    _para(word, "-----", align=CENTER, after=12)

    for block in doc.blocks:
        if isinstance(block, Heading):
            _heading(word, block)
        elif isinstance(block, Paragraph):
            p = _para(word, "", align=JUSTIFY, indent=True)
            for r in block.runs:
                _run(p, r.text, bold=r.bold, italic=r.italic)
        elif isinstance(block, Bullets):
            for item in block.items:
                _para(word, f"- {item}", align=JUSTIFY, indent=True, after=3)
        elif isinstance(block, Table):
            _table(word, block)

    _closing(word, doc)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- page, styles, runs ----------------------------------------------------------------------


def _page(word) -> None:
    section = word.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    section.header_distance = Mm(10)
    # Page numbers at the top centre, not on the first page.
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = CENTER
    _field(p, "PAGE")


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    _font(run, size=BODY_PT)
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "2"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _styles(word) -> None:
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = 1.15


def _font(run, *, size: float | None = None, bold: bool = False, italic: bool = False,
          underline: bool = False) -> None:
    run.font.name = FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None


def _run(paragraph, text: str, **kw):
    run = paragraph.add_run(text)
    _font(run, **kw)
    return run


def _para(container, text: str, *, align=LEFT, bold=False, italic=False, underline=False,
          size: float | None = None, before: float = 0, after: float = 6, indent=False,
          spacing: float | None = None):
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if spacing is not None:
        fmt.line_spacing = spacing
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        _run(p, text, bold=bold, italic=italic, underline=underline, size=size)
    return p


def _cell_para(cell, text: str, *, first: bool = False, **kw):
    """A paragraph in a table cell (the cell's own empty paragraph for the first)."""
    if first:
        p = cell.paragraphs[0]
        p.alignment = kw.pop("align", LEFT)
        fmt = p.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(kw.pop("after", 0))
        fmt.line_spacing = kw.pop("spacing", 1.0)
        if text:
            _run(p, text, **kw)
        return p
    kw.setdefault("after", 0)
    kw.setdefault("spacing", 1.0)
    return _para(cell, text, **kw)


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # Word reads tblPr's children in schema order: the borders go before these.
    tbl_pr = table._tbl.tblPr
    after = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
             "w:tblDescription")
    following = next((c for c in tbl_pr if c.tag in {qn(t) for t in after}), None)
    if following is None:
        tbl_pr.append(borders)
    else:
        following.addprevious(borders)


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    for column, w in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(w)  # the grid, which LibreOffice reads
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


# --- header block, body, closing -----------------------------------------------------------


def _header_block(word, doc: Document) -> None:
    """Two rows, so the number and the place-and-date line sit on the same level."""
    table = word.add_table(rows=2, cols=2)
    _borderless(table)
    _widths(table, [74, TEXT_WIDTH_MM - 74])
    (left, right), (number, place) = (r.cells for r in table.rows)
    _cell_para(left, doc.issuer.superior, first=True, align=CENTER, size=14)
    _cell_para(left, doc.issuer.name, align=CENTER, bold=True, size=14)
    _cell_para(left, "*", align=CENTER, size=14)
    _cell_para(right, PARTY, first=True, align=CENTER, bold=True, underline=True, size=15)
    _cell_para(number, doc.number_line, first=True, align=CENTER, size=14)
    _cell_para(place, doc.place_date, first=True, align=RIGHT, italic=True, size=14)


def _heading(word, h: Heading) -> None:
    if h.level == 1:
        p = _para(word, h.text, align=JUSTIFY, bold=True, before=6, indent=True)
    elif h.level == 2:
        p = _para(word, h.text, align=JUSTIFY, bold=True, indent=True)
    else:
        p = _para(word, h.text, align=JUSTIFY, italic=True, indent=True)
    p.paragraph_format.keep_with_next = True  # never alone at the foot of a page


def _table(word, t: Table) -> None:
    caption = _para(word, t.title, align=CENTER, bold=True, size=TABLE_PT + 1, before=6, after=3)
    caption.paragraph_format.keep_with_next = True
    table = word.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    weight = sum(w for _, w, _ in t.columns)
    _widths(table, [TEXT_WIDTH_MM * w / weight for _, w, _ in t.columns])
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, (name, _, _) in zip(head.cells, t.columns, strict=True):
        _cell_para(cell, name, first=True, align=CENTER, bold=True, size=TABLE_PT)
    last = len(t.rows) - 1
    keep = len(t.rows) <= KEEP_TOGETHER_ROWS
    for cell in head.cells:
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    for i, (row, values) in enumerate(zip(table.rows[1:], t.rows, strict=True)):
        bold = (t.total_last and i == last) or i in t.group_rows
        for cell, value, (_, _, right) in zip(row.cells, values, t.columns, strict=True):
            p = _cell_para(cell, value, first=True, align=RIGHT if right else LEFT, bold=bold,
                           italic=i in t.group_rows, size=TABLE_PT)
            # A short table stays on one page: each row keeps with the next (Word's way).
            p.paragraph_format.keep_with_next = keep and i < last
    if t.note:
        _para(word, t.note, align=JUSTIFY, italic=True, size=TABLE_PT, before=3, after=6)
    else:
        _para(word, "", after=3)


def _closing(word, doc: Document) -> None:
    _para(word, "", after=0)
    table = word.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [TEXT_WIDTH_MM * 0.5, TEXT_WIDTH_MM * 0.5])
    left, right = table.rows[0].cells
    p = _cell_para(left, "", first=True, align=LEFT)
    _run(p, "Nơi nhận:", underline=True, size=14)
    for line in doc.recipients:
        _cell_para(left, f"- {line}", align=LEFT, size=12)
    _cell_para(right, doc.issuer.sign_for, first=True, align=CENTER, bold=True, size=14)
    _cell_para(right, doc.issuer.sign_title, align=CENTER, bold=True, size=14)
    for _ in range(SIGNATURE_LINES):  # room for the signature and the seal
        _cell_para(right, "", align=CENTER)
