"""Building blocks for docxtpl templates, written with python-docx at BUILD time (scripts/build_templates.py).

Why templates are built from code: every template stays reviewable as a diff, reproducible, and consistently
accessible (real heading styles, Arial 12pt, en-GB, repeating table header rows, no meaning carried by colour).
Nothing here renders a document: render.py does that. The functions add paragraphs that contain Jinja tags; the
docstring of each block lists the context keys the finished template then needs at render time.

Tag rules that matter (see ../shared/reference/library-pitfalls.md, docxtpl section):
- control paragraphs use `{%p ... %}` (a plain `{% if %}` spanning paragraphs leaves empty paragraphs);
- table loops use `{%tr for ... %}` rows (see `loop_table`);
- never put `{%p %}` inside a table cell (a cell left without a paragraph is an invalid document);
- optional values are read with `| default('')`, because templates render with StrictUndefined.

Context keys shared by the letter blocks (all values are plain strings unless said otherwise):
    la.name, la.service*, la.address, la.phone*, la.email*, la.website*, la.local_offer
    la.sendiass.name, la.sendiass.phone, la.sendiass.email*, la.sendiass.website*
    la.mediation.name, la.mediation.phone, la.mediation.email*, la.mediation.website*
    la.disagreement_resolution.name*, .phone*, .email*          (the whole mapping must exist, may be empty)
    caseworker.name, caseworker.role*, caseworker.phone*, caseworker.email*
    letter_date            human date, e.g. "10 January 2027"
    addressee.name, addressee.address*
    reference*             our reference (the plan id)
    appeal_deadline        the computed, printed appeal deadline (rules section 3 and 8), human date
(* optional: may be missing or empty.) `config.Config.la` and `config.Config.caseworker` provide exactly the
`la` and `caseworker` mappings.
"""
from __future__ import annotations

from collections.abc import Sequence

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Arial"
BODY_PT = 12
HEADING_PT = {1: 18, 2: 15, 3: 13, 4: 12, 5: 12, 6: 12}
LANG = "en-GB"
MARGIN_MM = 20
LANDSCAPE_SIDE_MARGIN_MM = 15  # landscape pages hold the wide provision tables: text width 267 mm
TEXT_COLOUR = RGBColor(0x1A, 0x1A, 0x1A)  # near-black: high contrast, and never the only carrier of meaning


# ----------------------------------------------------------------------------------------------------------
# Document set-up
# ----------------------------------------------------------------------------------------------------------

def base_document() -> Document:
    """A blank A4 document with accessible styles: Arial 12pt Normal, Heading 1-3 and Title in Arial (theme
    fonts removed, since Word prefers them over an explicit font), and en-GB as the proofing language."""
    doc = new_docx()
    _set_language(doc)
    for name in ("Normal", "Title", "Subtitle", *(f"Heading {n}" for n in HEADING_PT), "Table Grid",
                 "List Bullet"):
        _set_font(doc.styles[name])
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in HEADING_PT.items():
        style = doc.styles[f"Heading {level}"]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = TEXT_COLOUR
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.keep_with_next = True
    title = doc.styles["Title"]
    title.font.size = Pt(26)
    title.font.color.rgb = TEXT_COLOUR
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    return doc


def _set_font(style) -> None:
    """Sets Arial on every script slot and drops theme-font attributes, which would otherwise win."""
    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _set_language(doc: Document) -> None:
    """Document-wide defaults: proofing language en-GB (so screen readers pick the right voice), Arial 12pt."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr_default is None:  # pragma: no cover - python-docx's default template always has one
        return
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), LANG)
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is not None:  # any style we did not restyle still falls back to Arial, not the theme font
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    for size in (rpr_default.find(qn("w:sz")), rpr_default.find(qn("w:szCs"))):
        if size is not None:
            size.set(qn("w:val"), str(BODY_PT * 2))
    doc.core_properties.language = LANG


def set_orientation(doc: Document, landscape: bool) -> None:
    """Starts a new page section in landscape or portrait (wide provision tables need landscape).
    The section break sits in an empty paragraph, never in a tag paragraph that docxtpl would remove."""
    section = doc.add_section()
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    side = Mm(LANDSCAPE_SIDE_MARGIN_MM if landscape else MARGIN_MM)
    section.left_margin = section.right_margin = side


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def add_footer(doc: Document, text: str) -> None:
    """The page header and footer every document has (issue 16): the header carries `text` (the LA's name and
    our reference; may hold tags), the footer "Page X of Y" as fields, for printed copies that get separated.
    Store commits are never printed: they are in the document's properties (saving.Provenance)."""
    header = doc.sections[0].header.paragraphs[0]
    header.text = text
    _small(header)
    para = doc.sections[0].footer.paragraphs[0]
    para.text = ""
    para.add_run("Page ")
    _field(para, "PAGE")
    para.add_run(" of ")
    _field(para, "NUMPAGES")
    _small(para)


def _small(para: Paragraph) -> None:
    for run in para.runs:
        run.font.size = Pt(10)
        run.font.name = FONT


def _field(para: Paragraph, instr: str) -> None:
    """A complex field (begin, instruction, separate, result, end), each part its own run, so that _small gives
    every run, the page number itself included, the body font and size (a w:fldSimple's result run has no run
    properties of its own, and LibreOffice printed the numbers in 12pt beside 10pt words)."""
    def part(tag: str, **attrs: str) -> None:
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        para.add_run()._r.append(el)

    part("w:fldChar", **{"w:fldCharType": "begin"})
    instr_run = para.add_run()
    instr_el = OxmlElement("w:instrText")
    instr_el.set(qn("xml:space"), "preserve")
    instr_el.text = f" {instr} "
    instr_run._r.append(instr_el)
    part("w:fldChar", **{"w:fldCharType": "separate"})
    para.add_run("1")
    part("w:fldChar", **{"w:fldCharType": "end"})


# ----------------------------------------------------------------------------------------------------------
# Paragraphs, tags and tables
# ----------------------------------------------------------------------------------------------------------

def heading(doc: Document, text: str, level: int = 1) -> Paragraph:
    """A real Heading N paragraph (screen readers navigate by these)."""
    return doc.add_heading(text, level=level)


def para(doc: Document, *parts: str | tuple[str, str], style: str | None = None) -> Paragraph:
    """A paragraph made of runs. A part is plain text, or ("b", text) for bold. Bold is used for labels only,
    so no information depends on formatting."""
    p = doc.add_paragraph(style=style)
    for part in parts:
        fmt, text = part if isinstance(part, tuple) else ("", part)
        run = p.add_run(text)
        run.bold = "b" in fmt
    return p


def labelled(doc: Document, label: str, value: str) -> Paragraph:
    """"Label: value" with the label in bold."""
    return para(doc, ("b", f"{label}: "), value)


def tag(doc: Document, statement: str) -> Paragraph:
    """A control paragraph `{%p statement %}`; docxtpl removes the whole paragraph when rendering."""
    return doc.add_paragraph(f"{{%p {statement} %}}")


def if_block(doc: Document, condition: str) -> None:
    tag(doc, f"if {condition}")


def end_if(doc: Document) -> None:
    tag(doc, "endif")


def else_block(doc: Document) -> None:
    tag(doc, "else")


def loop_table(doc: Document, headers: Sequence[str], loop: str, cells: Sequence[str], *,
               caption: str, widths_mm: Sequence[float] | None = None) -> Table:
    """A table with a repeating, bold header row, then one row per item of `loop` (e.g. "p in provision").

    Rows: header (w:tblHeader, so it repeats on each page and screen readers announce it), `{%tr for %}`,
    the data row (`cells`, each a template string), `{%tr endfor %}`. `caption` becomes the table's
    accessible name (w:tblCaption)."""
    if len(cells) != len(headers):
        raise ValueError("loop_table: one cell template per header")
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    mark_header_row(table)
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    keep_rows_whole(table)
    _caption(table, caption)
    if widths_mm:
        set_widths(table, widths_mm)
    return table


def keep_rows_whole(table: Table) -> None:
    """Every row stays on one page (w:cantSplit): a row split across pages ("F3 (amended" / ")") is unreadable."""
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))


def label_table(doc: Document, rows: Sequence[tuple[str, str]], *, caption: str,
                widths_mm: Sequence[float] = (50, 120)) -> Table:
    """A two-column label/value block (one item of provision, a summary): words never split, because the value
    column is wide, and every row stays on one page. Labels are bold; the table is one accessible unit."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = ""
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].text = value
    keep_rows_whole(table)
    for row in table.rows[:-1]:  # a block of one item stays on one page: each row keeps with the next
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    _caption(table, caption)
    set_widths(table, widths_mm)
    return table


def mark_header_row(table: Table) -> None:
    """Marks the first row as the table's header row, repeated on every page (w:tblHeader)."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        tr_pr.append(el)
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _caption(table: Table, caption: str) -> None:
    tbl_pr = table._tbl.tblPr
    el = OxmlElement("w:tblCaption")
    el.set(qn("w:val"), caption)
    tbl_pr.append(el)


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, so long words wrap inside the column instead of squeezing neighbours."""
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(w)
    for col, w in zip(table.columns, widths_mm, strict=False):
        col.width = Mm(w)


# ----------------------------------------------------------------------------------------------------------
# Letter blocks
# ----------------------------------------------------------------------------------------------------------

def contact(prefix: str) -> str:
    """Inline template text for a contact's phone, email and website: "telephone X, email Y, website Z".
    Needs `<prefix>.phone`; email and website are optional."""
    return (f"telephone {{{{ {prefix}.phone }}}}"
            f"{{% if {prefix}.email|default('') %}}, email {{{{ {prefix}.email }}}}{{% endif %}}"
            f"{{% if {prefix}.website|default('') %}}, website {{{{ {prefix}.website }}}}{{% endif %}}")


def add_letterhead(doc: Document) -> None:
    """The LA's name, service and address at the top of the letter.
    Context: la.name, la.service*, la.address, la.phone*, la.email*, la.website*."""
    para(doc, ("b", "{{ la.name }}"))
    if_block(doc, "la.service|default('')")
    para(doc, "{{ la.service }}")
    end_if(doc)
    para(doc, "{{ la.address }}")
    if_block(doc, "la.phone|default('') or la.email|default('')")
    para(doc, "{% if la.phone|default('') %}Telephone {{ la.phone }}{% endif %}"
              "{% if la.phone|default('') and la.email|default('') %}, {% endif %}"
              "{% if la.email|default('') %}email {{ la.email }}{% endif %}")
    end_if(doc)
    if_block(doc, "la.website|default('')")
    para(doc, "{{ la.website }}")
    end_if(doc)


def add_date_and_addressee(doc: Document) -> None:
    """The date, our reference and the addressee's name and address, then "Dear <name>" (on a copy, the name of
    the person the letter was written to).
    Letters go to the decision maker by name (rules section 8).
    Context: letter_date, reference*, addressee.name, addressee.address* (newlines become line breaks)."""
    labelled(doc, "Date", "{{ letter_date }}")
    if_block(doc, "reference|default('')")
    labelled(doc, "Our reference", "{{ reference }}")
    end_if(doc)
    para(doc, "{{ addressee.name }}")
    if_block(doc, "addressee.address|default('')")
    para(doc, "{{ addressee.address }}")
    end_if(doc)
    if_block(doc, "copy_of|default('')")
    para(doc, ("b", "This is a copy of the letter we sent to {{ copy_of }}."))
    end_if(doc)
    # a copy is the letter as sent: it keeps the young person's "Dear", so a parent reading "your review" reads
    # it as written to their son or daughter, not to them (issue 15.3)
    para(doc, "Dear {% if copy_of|default('') %}{{ copy_of }}{% else %}{{ addressee.dear|default(addressee.name) }}"
              "{% endif %}")


GLOSSARY = {
    "section-f": ("Section F",
                  "Section F is the part of the plan that says what help must be given, who gives it, how "
                  "often and for how long. We must make sure this help is given."),
    "tribunal": ("the Tribunal",
                 "The Tribunal is an independent court. It decides appeals about EHC plans. Its full name is "
                 "the First-tier Tribunal (SEND). Appealing is free."),
    "mediation": ("mediation",
                  "Mediation is a meeting with an independent person who helps you and us try to agree. It "
                  "is free. You choose whether to take part."),
}


def add_glossary(doc: Document, terms: Sequence[str] = ("section-f", "tribunal", "mediation"), *,
                 level: int = 2) -> None:
    """"Words we use in this letter": one plain-English sentence per term (rules section 8 asks letters to
    explain "Section F", "Tribunal" and "mediation" the first time they are used; put this block before
    the first use). No context keys."""
    heading(doc, "Words we use in this letter", level)
    for key in terms:
        term, sentence = GLOSSARY[key]
        para(doc, ("b", f"{term[0].upper()}{term[1:]}: "), sentence)


def add_your_rights(doc: Document, *, level: int = 2) -> None:
    """"Your rights if you disagree": every item of rules section 8, in plain English, short sentences.

    1. the right to appeal: against the plan's parts (B, F, I; recommendations only on C, D, G, H) or, when
       `appeal_against` is set (a cease decision, a refusal), against the decision itself;
    2. the printed deadline (2 months from the letter or 1 month from a mediation certificate, if later);
    3. mediation advice and certificate before appealing, except for appeals only about Section I, with the
       mediation adviser's contact details;
    4. disagreement resolution; 5. SENDIASS; 6. the caseworker.
    Context: appeal_deadline, appeal_deadline_reason (what it counts from and why it moved: rules 3.2),
    appeal_against*, la.mediation.*, la.disagreement_resolution.*, la.sendiass.*,
    la.local_offer, caseworker.name, caseworker.role*, caseworker.phone*, caseworker.email*."""
    heading(doc, "Your rights if you disagree", level)
    heading(doc, "Appealing to the Tribunal", level + 1)
    if_block(doc, "appeal_against|default('')")
    para(doc, "If you do not agree, you can appeal against our decision {{ appeal_against }}. You appeal to "
              "the Tribunal. It is free.")
    else_block(doc)
    para(doc, "If you do not agree with the plan, you can appeal to the Tribunal. It is free. You can appeal "
              "about these parts of the plan:")
    for text in ("Section B: the special educational needs;",
                 "Section F: the help that must be given;",
                 "Section I: the school or college named, or the type of school."):
        para(doc, text, style="List Bullet")
    para(doc, "You can also ask the Tribunal to look at the health and social care parts: Sections C, D, G "
              "and H. It can make recommendations about them.")
    end_if(doc)
    para(doc, ("b", "The last day to appeal is {{ appeal_deadline }}. "),
         "{{ appeal_deadline_reason }} If you get a mediation certificate, you have 1 month from the date on it, "
         "if that is later.")
    _mediation(doc, level + 1)
    _disagreement_resolution(doc, level + 1)
    add_contacts(doc, level + 1)


def add_contacts(doc: Document, level: int = 2) -> None:
    """Free advice (SENDIASS, the Local Offer) and the caseworker's direct contact: in every letter to a family,
    with or without appeal rights. Context: la.sendiass.*, la.local_offer, caseworker.*."""
    _sendiass(doc, level)
    _caseworker(doc, level)


def add_disagreement_help(doc: Document, level: int = 2, *, appeal_open: bool = True) -> None:
    """For a letter about a disagreement that is not itself a decision (a mediation request acknowledged, an appeal
    not opposed): rules section 8's items 3 to 6 without the appeal paragraph: the mediation adviser's contact
    details, disagreement resolution, free advice (SENDIASS, the Local Offer) and the caseworker. Once the
    appeal is made and won (`appeal_open=False`: an appeal not opposed), "before you appeal, you must talk to a
    mediation adviser" would only confuse: the adviser is offered for any new disagreement instead.
    Context: la.mediation.*, la.disagreement_resolution.*, la.sendiass.*, la.local_offer, caseworker.*."""
    _mediation(doc, level, BEFORE_APPEAL if appeal_open else "If we disagree again about the plan, you can still "
                                                                 "use mediation. It is free.")
    _disagreement_resolution(doc, level)
    add_contacts(doc, level)


BEFORE_APPEAL = ("Before you appeal, you must talk to a mediation adviser. The adviser gives you a certificate. "
                 "You do not need one if you only want to appeal about the school named in Section I. "
                 "You do not have to take part in mediation itself.")


def _mediation(doc: Document, level: int, words: str = BEFORE_APPEAL) -> None:
    """The mediation paragraph (`words`: by default the reg 32 information before an appeal) and the adviser's
    contact details."""
    heading(doc, "Mediation", level)
    para(doc, words)
    para(doc, ("b", "Mediation adviser: "),
         "{{ la.mediation.name }}, " + contact("la.mediation") + ".")


def _disagreement_resolution(doc: Document, level: int) -> None:
    heading(doc, "Help to sort out a disagreement", level)
    para(doc, "You can ask a free, independent service to help us agree. You can do this at any time, and it "
              "can cover health and social care too. Using it does not stop you appealing.")
    if_block(doc, "la.disagreement_resolution.name|default('')")
    para(doc, ("b", "Disagreement resolution service: "),
         "{{ la.disagreement_resolution.name }}"
         "{% if la.disagreement_resolution.phone|default('') %}, telephone "
         "{{ la.disagreement_resolution.phone }}{% endif %}"
         "{% if la.disagreement_resolution.email|default('') %}, email "
         "{{ la.disagreement_resolution.email }}{% endif %}.")
    else_block(doc)
    para(doc, "Your caseworker, named below, can set this up for you.")
    end_if(doc)


def _sendiass(doc: Document, level: int) -> None:
    heading(doc, "Free advice and support", level)
    para(doc, "{{ la.sendiass.name }} gives free advice that does not take sides. You can call them on "
              "{{ la.sendiass.phone }}{% if la.sendiass.email|default('') %} or email {{ la.sendiass.email }}"
              "{% endif %}.{% if la.sendiass.website|default('') %} Their website is {{ la.sendiass.website }}."
              "{% endif %}")
    para(doc, "Our Local Offer lists local services, schools and colleges: {{ la.local_offer }}.")


def _caseworker(doc: Document, level: int) -> None:
    heading(doc, "Your caseworker", level)
    para(doc, "If you have a question, please contact {{ caseworker.name }}"
              "{% if caseworker.role|default('') %}, {{ caseworker.role }}{% endif %}."
              "{% if caseworker.phone|default('') %} Phone: {{ caseworker.phone }}.{% endif %}"
              "{% if caseworker.email|default('') %} Email: {{ caseworker.email }}.{% endif %}")


def add_timeline(doc: Document, *, level: int = 2) -> None:
    """What happens next, step by step: the date in bold, what happens, and what the family can do then.
    Context: timeline, a list of {when, what, you_can*} (plain strings, dates in words)."""
    heading(doc, "What happens next", level)
    tag(doc, "for t in timeline")
    p = para(doc, ("b", "{{ t.when }}: "), "{{ t.what }}")
    p.paragraph_format.keep_with_next = True
    if_block(doc, "t.you_can|default('')")
    para(doc, ("b", "What you can do: "), "{{ t.you_can }}")
    end_if(doc)
    tag(doc, "endfor")


def add_copies(doc: Document) -> None:
    """"Copies to": everyone else who gets this letter, so each reader knows who has it.
    Context: copies (a list of plain strings)."""
    if_block(doc, "copies|default([])")
    para(doc, ("b", "Copies to:"))
    tag(doc, "for c in copies")
    para(doc, "{{ c }}", style="List Bullet")
    tag(doc, "endfor")
    end_if(doc)


def add_signature(doc: Document) -> None:
    """"Yours sincerely" and the caseworker's name, role and team.
    Context: caseworker.name, caseworker.role*, la.service*, la.name."""
    before = next((p for p in reversed(doc.paragraphs) if p.text.strip() and not p.text.startswith("{%p")), None)
    if before is not None:  # the sign-off never stands alone on the last page
        before.paragraph_format.keep_with_next = True
    para(doc, "Yours sincerely").paragraph_format.keep_with_next = True
    para(doc, ("b", "{{ caseworker.name }}")).paragraph_format.keep_with_next = True
    if_block(doc, "caseworker.role|default('')")
    para(doc, "{{ caseworker.role }}").paragraph_format.keep_with_next = True
    end_if(doc)
    para(doc, "{% if la.service|default('') %}{{ la.service }}, {% endif %}{{ la.name }}")


def reproducible_core_properties(doc: Document, title: str) -> None:
    """Fixed template metadata so that rebuilding a template gives the same bytes (and template hashes in
    document provenance stay meaningful). Real values are set by render.py after rendering."""
    import datetime as _dt

    props = doc.core_properties
    stamp = _dt.datetime(2026, 1, 1, tzinfo=_dt.UTC)
    props.title = title
    props.author = "ehcp-docs"
    props.last_modified_by = "ehcp-docs"
    props.created = props.modified = stamp
    props.revision = 1
    props.language = LANG
    props.comments = ""
    props.subject = ""
    props.keywords = ""
