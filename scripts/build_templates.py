"""Writes templates/*.docx from code, so the templates are reproducible (same bytes on every run) and reviewable
as diffs. Run from the repository root:

    .venv/bin/python scripts/build_templates.py            # (re)build every template
    .venv/bin/python scripts/build_templates.py plan       # only the named ones
    .venv/bin/python scripts/build_templates.py --check    # exit 1 if a template is out of date (CI)

To add a letter: write `def build_<name>(doc)` using ehcp_docs.documents.letterkit blocks and add it to
TEMPLATES. The context each template needs is documented in letterkit (letters) and plan_context (plans).
"""
from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx.document import Document  # noqa: E402

from ehcp_docs.documents import template_blocks as lk  # noqa: E402
from ehcp_docs.fileio import atomic_write  # noqa: E402
from ehcp_docs.model.plan import SECTION_TITLES  # noqa: E402

OUT = ROOT / "templates"
# Provision is a label/value block per item (issue 16): a nine-column landscape table split words across lines.
PROVISION_ROWS = [("What", "{{ p.description }}"), ("Who delivers it", "{{ p.who }}"),
                  ("How often", "{{ p.frequency }}"), ("How long", "{{ p.duration }}"),
                  ("Group size", "{{ p.group_size }}"), ("Where", "{{ p.location }}"),
                  ("Funded by", "{{ p.funded_by }}"), ("Needs and outcomes it serves", "{{ p.serves }}")]
PROVISION_HEADERS = [label for label, _ in PROVISION_ROWS]
MARK = "{% if p.note %} ({{ p.note }}){% elif p.amended %} (amended){% endif %}"
EMPTY = {
    "B": "No special educational needs have been identified.",
    "C": "No health needs have been identified.",
    "D": "No social care needs have been identified.",
    "E": "No outcomes have been set.",
    "F": "No special educational provision has been specified.",
    "G": "No health provision has been specified.",
    "H1": "No social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970 "
          "has been specified.",
    "H2": "No other social care provision has been specified.",
    "K": "No advice or information has been listed.",
}


# ------------------------------------------------------------------------------------------------------------
# Plan pieces
# ------------------------------------------------------------------------------------------------------------

def section_heading(doc: Document, sec: str, level: int = 1) -> None:
    """The "Section X: title" heading (reg 12: each section separately identified by its letter), then a note
    when the latest amendment changed the section."""
    lk.heading(doc, f"Section {sec}: {SECTION_TITLES[sec]}", level)
    lk.if_block(doc, f"sections.{sec}.amended")
    lk.para(doc, ("b", "Changed in the latest amendment. "),
            "Items changed are marked \u201cnew\u201d or say what changed.")
    lk.end_if(doc)


def front_page(doc: Document, layout_note: str) -> None:
    """The title and a summary block (issue 16): the child, date of birth, setting, the plan's dates and the
    caseworker, in one table that stays on one page; the plan then starts on the same page."""
    lk.para(doc, ("b", "{{ la.name }}"))
    doc.add_paragraph("Education, Health and Care plan{% if proposed %}: proposed{% endif %}", style="Title")
    lk.label_table(doc, [("Name", "{{ child.name }}{% if child.known_as %} (known as {{ child.known_as }})"
                                  "{% endif %}"),
                         ("Date of birth", "{{ child.date_of_birth }}"),
                         ("School or college", "{{ sections.I.name or sections.I.type }}"),
                         ("Plan reference", "{{ plan_id }}"),
                         ("This plan issued", "{{ issued or 'not yet issued: this is a proposal' }}"),
                         ("Plan first issued", "{{ first_issued }}"),
                         ("Next review by", "{{ next_review_due or 'to be set' }}"),
                         ("Caseworker", "{{ caseworker }}")],
                   caption="Summary of the plan", widths_mm=(55, 115))
    lk.if_block(doc, "amended")
    lk.heading(doc, "Changes in this version", 2)
    lk.para(doc, "This plan has been amended. The latest amendment changed {{ amended_sections_text }}. "
                 "Each changed item is marked \u201cnew\u201d or says what changed.")
    lk.end_if(doc)
    lk.para(doc, layout_note)


def section_a(doc: Document) -> None:
    section_heading(doc, "A")
    lk.heading(doc, "About me", 2)
    lk.para(doc, "{{ sections.A.about }}")
    lk.heading(doc, "The child\u2019s or young person\u2019s views", 2)
    lk.para(doc, "{{ sections.A.child_views }}")
    lk.if_block(doc, "sections.A.parent_views")
    lk.heading(doc, "The views of parents or carers", 2)
    lk.para(doc, "{{ sections.A.parent_views }}")
    lk.end_if(doc)
    lk.if_block(doc, "sections.A.interests")
    lk.heading(doc, "Interests", 2)
    lk.para(doc, "{{ sections.A.interests }}")
    lk.end_if(doc)
    lk.heading(doc, "Aspirations for the future", 2)
    lk.para(doc, "{{ sections.A.aspirations }}")


def needs_list(doc: Document, items: str, empty: str) -> None:
    """One labelled paragraph per need, then its description; `empty` when the list is empty."""
    lk.tag(doc, f"for n in {items}")
    lk.para(doc, ("b", "Need {{ n.id }}"), " ({{ n.area_name }})" + MARK.replace("p.", "n."))
    lk.para(doc, "{{ n.description }}")
    lk.tag(doc, "endfor")
    lk.if_block(doc, f"not {items}")
    lk.para(doc, empty)
    lk.end_if(doc)


def notes(doc: Document, sec: str) -> None:
    lk.if_block(doc, f"sections.{sec}.notes")
    lk.para(doc, f"{{{{ sections.{sec}.notes }}}}")
    lk.end_if(doc)


def needs_section(doc: Document, sec: str) -> None:
    section_heading(doc, sec)
    needs_list(doc, f"sections.{sec}.needs", EMPTY[sec])
    notes(doc, sec)


def outcomes_list(doc: Document, items: str, empty: str, level: int) -> None:
    """Each outcome under its own heading (SMART parts labelled), with its interim targets in a table."""
    lk.tag(doc, f"for o in {items}")
    lk.heading(doc, "Outcome {{ o.id }} ({{ o.area_name }})" + MARK.replace("p.", "o."), level)
    lk.para(doc, "{{ o.description }}")
    lk.labelled(doc, "By when", "{{ o.by_when }}")
    lk.labelled(doc, "How progress is measured", "{{ o.measured_how }}")
    lk.labelled(doc, "Who measures progress", "{{ o.measured_by }}")
    lk.if_block(doc, "o.pfa")
    lk.labelled(doc, "Preparing for adulthood", "{{ o.pfa }}")
    lk.end_if(doc)
    lk.if_block(doc, "o.targets")
    lk.heading(doc, "Interim targets for outcome {{ o.id }}", level + 1)
    lk.loop_table(doc, ["Target", "By when", "How progress is measured"], "t in o.targets",
                  ["{{ t.id }}: {{ t.description }}" + MARK.replace("p.", "t."), "{{ t.by_when }}",
                   "{{ t.measured_how }}"], caption="Interim targets", widths_mm=[80, 35, 55])
    lk.else_block(doc)
    lk.para(doc, "No interim targets have been set for this outcome.")
    lk.end_if(doc)
    lk.tag(doc, "endfor")
    lk.if_block(doc, f"not {items}")
    lk.para(doc, empty)
    lk.end_if(doc)


def provision_table(doc: Document, items: str, empty: str, caption: str, level: int = 2) -> None:
    """One block per item of provision: a heading (kept with its block), then label and value rows."""
    lk.if_block(doc, items)
    lk.tag(doc, f"for p in {items}")
    lk.heading(doc, "Provision {{ p.id }}" + MARK, level)
    lk.label_table(doc, PROVISION_ROWS, caption=caption, widths_mm=(50, 120))
    lk.para(doc, "")
    lk.tag(doc, "endfor")
    lk.else_block(doc)
    lk.para(doc, empty)
    lk.end_if(doc)


def provision_section(doc: Document, sec: str) -> None:
    section_heading(doc, sec)
    provision_table(doc, f"sections.{sec}.provision", EMPTY[sec], f"Section {sec}: {SECTION_TITLES[sec]}")
    notes(doc, sec)


def section_i(doc: Document) -> None:
    section_heading(doc, "I")
    lk.if_block(doc, "sections.I.named")
    lk.labelled(doc, "Name of the school or institution", "{{ sections.I.name }}")
    lk.else_block(doc)
    lk.para(doc, "This plan does not name a particular school or institution; it names the type only.")
    lk.end_if(doc)
    lk.labelled(doc, "Type of school or institution", "{{ sections.I.type }}")
    for key, label in (("urn", "Unique reference number (URN)"), ("address", "Address"),
                       ("head", "Head teacher or principal"),
                       ("senco", "Special educational needs co-ordinator (SENCO)")):
        lk.if_block(doc, f"sections.I.{key}")
        lk.labelled(doc, label, f"{{{{ sections.I.{key} }}}}")
        lk.end_if(doc)


def section_j(doc: Document) -> None:
    section_heading(doc, "J")
    lk.if_block(doc, "sections.J.in_place")
    lk.para(doc, "A personal budget is in place.")
    lk.labelled(doc, "Paid as direct payments", "{% if sections.J.direct_payments %}Yes{% else %}No{% endif %}")
    lk.labelled(doc, "Arrangements organised by the local authority",
                "{% if sections.J.organised_arrangements %}Yes{% else %}No{% endif %}")
    lk.else_block(doc)
    lk.para(doc, "No personal budget is in place. You can ask for a personal budget when the plan is reviewed.")
    lk.end_if(doc)
    lk.if_block(doc, "sections.J.summary")
    lk.para(doc, "{{ sections.J.summary }}")
    lk.end_if(doc)
    lk.if_block(doc, "sections.J.budget")
    lk.loop_table(doc, ["ID", "What it pays for", "Amount", "Needs and outcomes it serves"],
                  "b in sections.J.budget",
                  ["{{ b.id }}" + MARK.replace("p.", "b."), "{{ b.description }}", "{{ b.amount }}",
                   "{{ b.serves }}"], caption="Personal budget", widths_mm=[18, 72, 30, 50])
    lk.end_if(doc)


def section_k(doc: Document) -> None:
    section_heading(doc, "K")
    lk.if_block(doc, "sections.K.advice")
    lk.loop_table(doc, ["ID", "Advice or information", "Written by", "Date"], "a in sections.K.advice",
                  ["{{ a.id }}" + MARK.replace("p.", "a."), "{{ a.title }}",
                   "{{ a.author }}{% if a.role %}, {{ a.role }}{% endif %}", "{{ a.date }}"],
                  caption="Advice and information", widths_mm=[18, 72, 50, 30])
    lk.else_block(doc)
    lk.para(doc, EMPTY["K"])
    lk.end_if(doc)


def plan_document(title: str) -> Document:
    doc = lk.base_document()
    lk.reproducible_core_properties(doc, title)
    lk.add_footer(doc, "{{ la.name }} \u00b7 EHC plan {{ plan_id }}{% if proposed %} (proposed){% endif %}")
    return doc


# ------------------------------------------------------------------------------------------------------------
# The two plan layouts (rules section 2)
# ------------------------------------------------------------------------------------------------------------

def build_plan(doc: Document) -> None:
    """The classic A-K layout. Provision tables (F to H2) are on landscape pages."""
    front_page(doc, "This plan is set out in sections A to K, as the law requires. Sections B (special "
                    "educational needs), F (special educational provision) and I (placement) can be appealed "
                    "to the Tribunal.")
    section_a(doc)
    for sec in ("B", "C", "D"):
        needs_section(doc, sec)
    section_heading(doc, "E")
    outcomes_list(doc, "sections.E.outcomes", EMPTY["E"], level=2)
    for sec in ("F", "G", "H1", "H2"):
        provision_section(doc, sec)
    section_i(doc)
    section_j(doc)
    section_k(doc)


def build_plan_areas(doc: Document) -> None:
    """The area-of-need layout: Sections B, E and F together under each broad area of need, then the other
    sections. Every section letter still has its own heading."""
    front_page(doc, "This plan sets out Section B (special educational needs), Section E (outcomes) and "
                    "Section F (special educational provision) together for each broad area of need. Sections "
                    "B, F and I (placement) can be appealed to the Tribunal.")
    section_a(doc)
    lk.heading(doc, "Needs, outcomes and provision by area of need", 1)
    lk.if_block(doc, "sections.B.amended or sections.E.amended or sections.F.amended")
    lk.para(doc, ("b", "Changed in the latest amendment. "),
            "Items changed in the latest amendment are marked \u201cnew\u201d or say what changed.")
    lk.end_if(doc)
    lk.tag(doc, "for area in areas")
    lk.heading(doc, "{{ area.name }}", 2)
    lk.heading(doc, f"Section B: {SECTION_TITLES['B']}", 3)
    needs_list(doc, "area.needs", "No special educational needs have been identified in this area.")
    lk.heading(doc, f"Section E: {SECTION_TITLES['E']}", 3)
    outcomes_list(doc, "area.outcomes", "No outcomes have been set in this area.", level=4)
    lk.heading(doc, f"Section F: {SECTION_TITLES['F']}", 3)
    provision_table(doc, "area.provision", "No special educational provision has been specified in this area.",
                    f"Section F: {SECTION_TITLES['F']}, {{{{ area.name }}}}", level=4)
    lk.tag(doc, "endfor")
    lk.if_block(doc, "not areas")
    for sec in ("B", "E", "F"):
        lk.heading(doc, f"Section {sec}: {SECTION_TITLES[sec]}", 2)
        lk.para(doc, EMPTY[sec])
    lk.end_if(doc)
    for sec in ("B", "F"):
        lk.if_block(doc, f"sections.{sec}.notes")
        lk.heading(doc, f"Notes on Section {sec}", 2)
        lk.para(doc, f"{{{{ sections.{sec}.notes }}}}")
        lk.end_if(doc)
    for sec in ("C", "D"):
        needs_section(doc, sec)
    for sec in ("G", "H1", "H2"):
        provision_section(doc, sec)
    section_i(doc)
    section_j(doc)
    section_k(doc)


# name -> (document title, builder)
TEMPLATES: dict[str, tuple[str, Callable[[Document], None]]] = {
    "plan": ("Education, Health and Care plan", build_plan),
    "plan-areas": ("Education, Health and Care plan (by area of need)", build_plan_areas),
}


# ------------------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------------------

def build(name: str) -> bytes:
    title, builder = TEMPLATES[name]
    doc = plan_document(title) if name.startswith("plan") else lk.base_document()
    if not name.startswith("plan"):
        lk.reproducible_core_properties(doc, title)
    builder(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Same entries, fixed timestamps and permissions, so an unchanged template rebuilds to the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    names = [a for a in argv if not a.startswith("--")] or list(TEMPLATES)
    unknown = [n for n in names if n not in TEMPLATES]
    if unknown:
        print(f"unknown template(s): {', '.join(unknown)}; known: {', '.join(TEMPLATES)}", file=sys.stderr)
        return 2
    stale = []
    for name in names:
        data, path = build(name), OUT / f"{name}.docx"
        if check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
            continue
        atomic_write(path, data, mode=0o644)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    if stale:
        print(f"out of date: {', '.join(stale)}; run scripts/build_templates.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
