"""Read-back tests for document rendering: what goes into a template must come out of the .docx literally,
in both plan layouts, with accessible structure, correct properties and provenance, and templates must not be
able to run code. Documents are read back with python-docx, never trusted from the renderer's word."""
from __future__ import annotations

import copy
import hashlib
import importlib.util
import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from markupsafe import Markup

from conftest import FIXTURES, ROOT
from ehcp_docs.config import DEFAULT_TOML, parse
from ehcp_docs.documents import pdf as pdfmod
from ehcp_docs.documents import render, saving
from ehcp_docs.documents import template_blocks as lk
from ehcp_docs.documents.plan_context import TEMPLATE_FOR_LAYOUT, expected_strings, join_words, long_date, plan_context
from ehcp_docs.documents.saving import Meta, Provenance
from ehcp_docs.errors import RenderError
from ehcp_docs.fileio import load_document
from ehcp_docs.model.plan import SECTION_TITLES, SECTIONS
from ehcp_docs.model.validation import check_plan

FIXTURE = FIXTURES / "render_plan.yaml"
TRICKY = ["Zoë O'Brien & <Family>", "{{ 7*7 }}", "{% if %}", "<w:p>", "&amp;", "<select>", "{# one day #}",
          "{% for x in y %}"]
LA = parse(DEFAULT_TOML).la
CASEWORKER = {"name": "Casey O'Worker & Co", "role": "SEN officer", "phone": "01234 567891"}


@pytest.fixture(scope="module")
def plan() -> dict:
    return check_plan(load_document(FIXTURE), "fixture")


def _render_plan(plan: dict, tmp: Path, layout: str, **kw) -> Path:
    ctx = plan_context(plan, la=LA, layout=layout, next_review_due="2027-01-09", **kw)
    out = tmp / f"plan-{layout}.docx"
    return render.render_document(render.find_template(TEMPLATE_FOR_LAYOUT[layout]), ctx, out,
                                  Meta(title=f"EHC plan {plan['id']}", author=LA["name"], subject="EHC plan",
                                       provenance=Provenance(store_commit="c" * 40, plan=plan["id"])),
                                  expect=expected_strings(plan))


@pytest.fixture(scope="module", params=["classic", "areas"])
def rendered(request, plan, tmp_path_factory) -> tuple[str, Path]:
    tmp = tmp_path_factory.mktemp("render")
    return request.param, _render_plan(plan, tmp, request.param, amended_items={"F1", "E1.1", "I"})


def _tiny_template(tmp: Path, *lines: str, name: str = "tiny") -> Path:
    doc = lk.base_document()
    for line in lines:
        doc.add_paragraph(line)
    path = tmp / f"{name}.docx"
    doc.save(str(path))
    return path


def _png(width: int = 4, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------------------------
# The plan, both layouts
# ---------------------------------------------------------------------------------------------------------------

def test_fixture_is_a_valid_plan(plan):
    assert plan["child"]["name"] == "Zoë O'Brien & <Family>"


def test_every_section_heading_is_present(rendered):
    layout, path = rendered
    text = saving.docx_text(path)
    for sec in SECTIONS:
        assert f"Section {sec}: {SECTION_TITLES[sec]}" in text, (layout, sec)


def test_section_headings_use_real_heading_styles(rendered):
    layout, path = rendered
    styles = {p.text: p.style.name for p in Document(str(path)).paragraphs}
    for sec in SECTIONS:
        style = styles[f"Section {sec}: {SECTION_TITLES[sec]}"]
        expected = "Heading 3" if layout == "areas" and sec in ("B", "E", "F") else "Heading 1"
        assert style == expected, (layout, sec, style)


def test_tricky_values_come_out_literally(rendered):
    layout, path = rendered
    text = saving.docx_text(path)
    for s in TRICKY:
        assert s in text, (layout, s)
    assert "49" not in text  # {{ 7*7 }} inside a value was never evaluated
    assert "&amp;amp;" not in text


def test_every_item_appears(rendered, plan):
    _, path = rendered
    text = saving.docx_text(path)
    for s in expected_strings(plan):
        assert s in text


def test_dates_are_written_for_people(rendered):
    _, path = rendered
    text = saving.docx_text(path)
    for s in ("Date of birth\n5 October 2014", "10 January 2026", "14 March 2022", "Next review by\n9 January 2027",
              "18 December 2026", "20 November 2025"):
        assert s in text


def test_empty_sections_say_so(rendered):
    _, path = rendered
    text = saving.docx_text(path)
    assert "No health needs have been identified." in text
    assert "No health provision has been specified." in text


def test_amended_items_are_marked(rendered):
    layout, path = rendered
    text = saving.docx_text(path)
    assert "Provision F1 (amended)\nWhat\nIndividual speech & language therapy" in text
    assert "E1.1: Uses a visual help card without prompting in 3 of 5 lessons {% if %}. (amended)" in text
    assert "Provision F2 (amended)" not in text and "Provision F2\n" in text
    assert "The latest amendment changed Sections E, F and I." in text


def test_not_amended_plan_has_no_markers(plan, tmp_path):
    text = saving.docx_text(_render_plan(plan, tmp_path, "classic"))
    assert "(amended)" not in text and "Changed in the latest amendment" not in text


@pytest.mark.parametrize("layout", ["classic", "areas"])
def test_plan_with_empty_sections_keeps_every_heading(plan, tmp_path, layout):
    empty = copy.deepcopy(plan)
    secs = empty["sections"]
    for sec, field in (("B", "needs"), ("C", "needs"), ("D", "needs"), ("E", "outcomes"), ("F", "provision"),
                       ("G", "provision"), ("H1", "provision"), ("H2", "provision"), ("K", "advice")):
        secs[sec] = {field: []}
    secs["I"] = {"type": "Mainstream secondary school"}
    secs["J"] = {"in_place": False}
    check_plan(empty, "empty plan")
    text = saving.docx_text(_render_plan(empty, tmp_path, layout))
    for sec in SECTIONS:
        assert f"Section {sec}: {SECTION_TITLES[sec]}" in text, (layout, sec)
    for sentence in ("No special educational needs have been identified.", "No outcomes have been set.",
                     "No special educational provision has been specified.", "No personal budget is in place.",
                     "No advice or information has been listed.", "names the type only"):
        assert sentence in text, (layout, sentence)


def test_areas_layout_groups_by_area(rendered):
    layout, path = rendered
    if layout != "areas":
        pytest.skip("classic layout")
    text = saving.docx_text(path)
    ci, cl = text.index("\nCommunication and interaction\n"), text.index("\nCognition and learning\n")
    assert ci < text.index("Need B1") < text.index("Outcome E1") < text.index("Individual speech") < cl
    assert cl < text.index("Need B2") < text.index("Daily phonics")


def test_provision_is_a_label_block_per_item_whose_rows_never_split(rendered):
    _, path = rendered
    tables = [t for t in Document(str(path)).tables if t.rows[0].cells[0].text == "What"]
    assert len(tables) >= 2  # one block per item of provision
    for t in tables:
        assert [r.cells[0].text for r in t.rows] == ["What", "Who delivers it", "How often", "How long",
                                                     "Group size", "Where", "Funded by",
                                                     "Needs and outcomes it serves"]
        assert all(len(r.cells) == 2 for r in t.rows)
        for r in t.rows:
            tr_pr = r._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None


def test_core_properties_and_provenance(rendered):
    layout, path = rendered
    props = Document(str(path)).core_properties
    assert props.title == "EHC plan RENDER-001"
    assert props.language == "en-GB"
    assert props.author == LA["name"]
    assert props.subject == "EHC plan"
    prov = saving.read_provenance(path)
    template = render.find_template(TEMPLATE_FOR_LAYOUT[layout])
    assert prov["template"] == TEMPLATE_FOR_LAYOUT[layout]
    assert prov["template_sha256"] == hashlib.sha256(template.read_bytes()).hexdigest()
    assert prov["store_commit"] == "c" * 40 and prov["plan"] == "RENDER-001"
    assert "c" * 40 in props.keywords


def test_output_is_private(rendered):
    _, path = rendered
    assert (path.stat().st_mode & 0o777) == 0o600


def test_accessible_base_styles(rendered):
    _, path = rendered
    doc = Document(str(path))
    normal = doc.styles["Normal"]
    assert normal.font.name == "Arial" and normal.font.size.pt >= 12
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"
    for level in (1, 2, 3):
        assert doc.styles[f"Heading {level}"].font.name == "Arial"


def test_the_body_never_ends_with_a_table(rendered):
    """The plan ends with Section K's table: an empty paragraph follows it, as Word writes (without it LibreOffice
    showed a tracked plan's last table as one big formatting change)."""
    _, path = rendered
    body = [c for c in Document(str(path)).element.body if c.tag != qn("w:sectPr")]
    assert body[-1].tag == qn("w:p") and body[-2].tag == qn("w:tbl")


def test_rendered_document_has_no_leftover_tags_or_empty_cells(rendered):
    _, path = rendered
    body = Document(str(path)).element.body
    assert all(tc.find(qn("w:p")) is not None for tc in body.iter(qn("w:tc")))
    template_text = saving.docx_text(render.find_template("plan"))
    assert "{%p" in template_text and "{%p" not in saving.docx_text(path)


def test_templates_are_up_to_date_and_reproducible():
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "scripts" / "build_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.build("plan") == mod.build("plan")
    assert mod.main(["plan", "plan-areas", "--check"]) == 0


# ---------------------------------------------------------------------------------------------------------------
# Safety of the renderer
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["{{ ''.__class__.__mro__ }}", "{{ x.__class__.__base__.__subclasses__() }}",
                                 "{{ cycler.__init__.__globals__ }}", "{{ x.__init__.__globals__ }}"])
def test_sandbox_blocks_code_in_templates(tmp_path, tag):
    tpl = _tiny_template(tmp_path, "Hello", tag, name="evil")
    out = tmp_path / "out.docx"
    with pytest.raises(RenderError) as e:
        render.render_document(tpl, {"x": "text"}, out, Meta(title="t", author="LA"))
    assert "evil" in e.value.message
    assert not out.exists()


def test_undefined_value_is_an_error_naming_the_template(tmp_path):
    tpl = _tiny_template(tmp_path, "Dear {{ addressee.name }}", name="letter-x")
    with pytest.raises(RenderError) as e:
        render.render_document(tpl, {"addressee": {}}, tmp_path / "o.docx", Meta(title="t", author="LA"))
    assert "letter-x" in e.value.message and "does not provide" in e.value.message


def test_broken_tag_is_an_error(tmp_path):
    tpl = _tiny_template(tmp_path, "{% if x %}never closed {{ x }", name="broken")
    with pytest.raises(RenderError, match="broken"):
        render.render_document(tpl, {"x": 1}, tmp_path / "o.docx", Meta(title="t", author="LA"))


def test_not_a_docx_is_an_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RenderError, match="not a Word"):
        render.render_document(bad, {}, tmp_path / "o.docx", Meta(title="t", author="LA"))


def test_missing_expected_text_is_an_error_and_nothing_is_written(tmp_path):
    tpl = _tiny_template(tmp_path, "Name: {{ name }}")
    out = tmp_path / "o.docx"
    with pytest.raises(RenderError) as e:
        render.render_document(tpl, {"name": "Sam"}, out, Meta(title="t", author="LA"), expect=["Sam", "Jo"])
    assert e.value.messages == ["missing: Jo"]
    assert not out.exists()


def test_control_characters_are_stripped_and_newlines_become_breaks(tmp_path):
    tpl = _tiny_template(tmp_path, "Value: {{ v }}")
    out = render.render_document(tpl, {"v": "bell\x07 ring\x0b\r\nsecond line\x00"}, tmp_path / "o.docx",
                                 Meta(title="t\x01itle", author="LA"), expect=["bell ring\nsecond line"])
    assert "Value: bell ring\nsecond line" in saving.docx_text(out)
    assert Document(str(out)).core_properties.title == "title"


def test_markup_values_are_escaped_not_trusted(tmp_path):
    tpl = _tiny_template(tmp_path, "A{{ v }}B")
    out = render.render_document(tpl, {"v": Markup("</w:t></w:r><w:r><w:t>x")}, tmp_path / "o.docx",
                                 Meta(title="t", author="LA"))
    assert "A</w:t></w:r><w:r><w:t>xB" in saving.docx_text(out)


def test_unsupported_value_types_are_refused(tmp_path):
    tpl = _tiny_template(tmp_path, "{{ v }}")
    with pytest.raises(RenderError, match="unsupported type"):
        render.render_document(tpl, {"v": object()}, tmp_path / "o.docx", Meta(title="t", author="LA"))


def test_long_titles_fit_core_properties(tmp_path):
    tpl = _tiny_template(tmp_path, "x")
    out = render.render_document(tpl, {}, tmp_path / "o.docx", Meta(title="T" * 1000, author="LA"))
    assert len(Document(str(out)).core_properties.title) == 255


def test_header_values_are_escaped(tmp_path):
    doc = lk.base_document()
    doc.sections[0].header.paragraphs[0].text = "Header: {{ v }}"
    doc.add_paragraph("Body")
    tpl = tmp_path / "hdr.docx"
    doc.save(str(tpl))
    out = render.render_document(tpl, {"v": "Tom & <Jerry>"}, tmp_path / "o.docx", Meta(title="t", author="LA"),
                                 expect=["Header: Tom & <Jerry>"])
    assert out.exists()


# ---------------------------------------------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------------------------------------------

def test_picture_gets_alt_text(tmp_path):
    tpl = _tiny_template(tmp_path, "Progress chart:", "{{ chart }}")
    alt = "Line chart: E1 progress rose from 1 in 5 to 4 in 5 & <steady>"
    out = render.render_document(tpl, {"chart": render.Picture(_png(), 60, alt)}, tmp_path / "o.docx",
                                 Meta(title="t", author="LA"))
    body = Document(str(out)).element.body
    doc_prs = body.findall(".//" + qn("wp:docPr"))
    assert len(doc_prs) == 1 and doc_prs[0].get("descr") == alt
    assert Document(str(out)).inline_shapes[0].width.mm == pytest.approx(60, abs=0.1)


def test_picture_from_file_and_without_alt_text(tmp_path):
    tpl = _tiny_template(tmp_path, "{{ chart }}")
    png = tmp_path / "chart.png"
    png.write_bytes(_png())
    render.render_document(tpl, {"chart": render.Picture(png, 50, "A chart")}, tmp_path / "a.docx",
                           Meta(title="t", author="LA"))
    with pytest.raises(RenderError, match="alt text"):
        render.render_document(tpl, {"chart": render.Picture(_png(), 50, "  ")}, tmp_path / "b.docx",
                               Meta(title="t", author="LA"))


# ---------------------------------------------------------------------------------------------------------------
# Template lookup
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../plan", "Plan", "plan.docx", "", "plan/..", "a" * 65, "/etc/passwd"])
def test_template_names_cannot_escape(name, tmp_path):
    with pytest.raises(RenderError):
        render.find_template(name, tmp_path)


def test_store_override_wins_and_bundled_is_the_fallback(tmp_path):
    assert render.find_template("plan", tmp_path) == ROOT / "templates" / "plan.docx"
    (tmp_path / "templates").mkdir()
    override = tmp_path / "templates" / "plan.docx"
    override.write_bytes((ROOT / "templates" / "plan.docx").read_bytes())
    assert render.find_template("plan", tmp_path) == override
    with pytest.raises(RenderError, match="no template"):
        render.find_template("no-such-template", tmp_path)


def test_symlinked_override_is_refused(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "plan.docx").symlink_to(ROOT / "templates" / "plan.docx")
    with pytest.raises(RenderError, match="symbolic link"):
        render.find_template("plan", tmp_path)


# ---------------------------------------------------------------------------------------------------------------
# Letter blocks (rules section 8)
# ---------------------------------------------------------------------------------------------------------------

def _letter_template(tmp: Path) -> Path:
    doc = lk.base_document()
    lk.add_letterhead(doc)
    lk.add_date_and_addressee(doc)
    lk.heading(doc, "Our decision about the EHC plan", 1)
    lk.add_glossary(doc)
    lk.add_your_rights(doc)
    lk.add_signature(doc)
    path = tmp / "letter.docx"
    doc.save(str(path))
    return path


def _letter_context(la: dict) -> dict:
    return {"la": la, "caseworker": CASEWORKER, "letter_date": "10 January 2027", "reference": "RENDER-001",
            "addressee": {"name": "Siobhán O'Brien & Partner", "address": "1 High St\nExampletown"},
            "appeal_deadline": "10 March 2027",
            "appeal_deadline_reason": "This is 2 months from the date of this letter."}


def test_rights_block_has_everything_rules_section_8_requires(tmp_path):
    out = render.render_document(_letter_template(tmp_path), _letter_context(LA), tmp_path / "l.docx",
                                 Meta(title="Decision", author=LA["name"]))
    text = saving.docx_text(out)
    required = [
        "you can appeal to the Tribunal",                              # 1. appeal right
        "Section B:", "Section F:", "Section I:", "Sections C, D, G and H",  # 1. appealable parts
        "The last day to appeal is 10 March 2027.",                    # 2. printed deadline
        "2 months from the date of this letter", "1 month from the date on it",
        "you must talk to a mediation adviser",                        # 3. mediation
        "if you only want to appeal about the school named in Section I",
        f"{LA['mediation']['name']}, telephone {LA['mediation']['phone']}",
        LA["disagreement_resolution"]["name"],                         # 4. disagreement resolution
        f"{LA['sendiass']['name']} gives free", LA["sendiass"]["phone"],  # 5. SENDIASS
        "please contact Casey O'Worker & Co, SEN officer. Phone: 01234 567891.",  # 6. caseworker
        "Section F is the part of the plan", "The Tribunal is", "Mediation is a meeting",  # plain English
        "Dear Siobhán O'Brien & Partner", "1 High St\nExampletown", LA["name"], "Yours sincerely",
    ]
    for s in required:
        assert s in text, s


def test_rights_block_without_optional_contacts(tmp_path):
    la = {**LA, "disagreement_resolution": {}, "sendiass": {"name": "SENDIASS", "phone": "0800"},
          "mediation": {"name": "Mediators", "phone": "0300"}}
    la.pop("website", None)
    ctx = _letter_context(la)
    ctx["caseworker"] = {"name": "Sam"}
    del ctx["reference"]
    out = render.render_document(_letter_template(tmp_path), ctx, tmp_path / "l.docx", Meta(title="D", author="LA"))
    text = saving.docx_text(out)
    assert "Mediators, telephone 0300." in text
    assert "Your caseworker, named below, can set this up for you." in text
    assert "please contact Sam." in text


def test_letter_without_appeal_deadline_fails_loudly(tmp_path):
    ctx = _letter_context(LA)
    del ctx["appeal_deadline"]
    with pytest.raises(RenderError, match="does not provide"):
        render.render_document(_letter_template(tmp_path), ctx, tmp_path / "l.docx", Meta(title="D", author="LA"))


# ---------------------------------------------------------------------------------------------------------------
# plan_context (pure)
# ---------------------------------------------------------------------------------------------------------------

def test_context_helpers(plan):
    assert long_date("2027-01-10") == "10 January 2027" and long_date(None) == ""
    assert join_words(["B"]) == "B" and join_words(["B", "F", "I"]) == "B, F and I" and join_words([]) == ""
    ctx = plan_context(plan, la=LA, layout="areas")
    assert [a["key"] for a in ctx["areas"]] == ["communication-and-interaction", "cognition-and-learning",
                                                 "social-emotional-and-mental-health"]
    assert ctx["sections"]["C"]["empty"] and not ctx["sections"]["B"]["empty"]
    assert ctx["sections"]["F"]["provision"][0]["serves"] == "Need B1. Outcome E1."
    assert ctx["next_review_due"] == "" and not ctx["amended"]
    with pytest.raises(ValueError):
        plan_context(plan, la=LA, layout="sideways")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------------------------

def test_pdf_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match="PDF needs LibreOffice, which is not installed") as e:
        pdfmod.to_pdf(tmp_path / "x.docx", tmp_path)
    assert "apt-get install" in (e.value.hint or "")


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_pdf_conversion(rendered, tmp_path):
    _, path = rendered
    pdf = pdfmod.to_pdf(path, tmp_path / "pdf")
    assert pdf.is_file() and pdf.stat().st_size > 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert (os.stat(pdf).st_mode & 0o777) == 0o600


def _fake_soffice(tmp: Path, monkeypatch, body: str) -> Path:
    """A stand-in `soffice` on PATH, to check the command line and the file handling without LibreOffice."""
    bindir = tmp / "bin"
    bindir.mkdir()
    exe = bindir / "soffice"
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    return exe


def test_pdf_command_line_and_output_handling(tmp_path, monkeypatch):
    _fake_soffice(tmp_path, monkeypatch, """
echo "$@" > "$FAKE_LOG"
while [ $# -gt 1 ]; do [ "$1" = "--outdir" ] && out="$2"; shift; done
name=$(basename "$1" .docx)
printf '%%PDF-1.4 fake' > "$out/$name.pdf"
""")
    log = tmp_path / "args.txt"
    monkeypatch.setenv("FAKE_LOG", str(log))
    docx = tmp_path / "my plan.docx"
    docx.write_bytes(b"x")
    pdf = pdfmod.to_pdf(docx, tmp_path / "out")
    assert pdf == (tmp_path / "out" / "my plan.pdf").resolve()
    assert pdf.read_bytes().startswith(b"%PDF") and (pdf.stat().st_mode & 0o777) == 0o600
    args = log.read_text()
    assert "--headless" in args and "--convert-to pdf" in args and "-env:UserInstallation=file://" in args
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["my plan.pdf"]  # work folder cleaned up


def test_pdf_failure_is_reported(tmp_path, monkeypatch):
    _fake_soffice(tmp_path, monkeypatch, "exit 1\n")
    docx = tmp_path / "p.docx"
    docx.write_bytes(b"x")
    with pytest.raises(RenderError, match="did not produce a PDF"):
        pdfmod.to_pdf(docx, tmp_path / "out")


def _python_docx_text(data: bytes) -> str:
    """The same text as python-docx reads it (an independent reader, to hold saving.saved_text to)."""
    import io

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(data))
    paragraphs = list(doc.element.body.iter(qn("w:p")))
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            paragraphs += list(rel.target_part.element.iter(qn("w:p")))
    lines = []
    for p in paragraphs:
        parts = []
        for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            if el.getparent().tag == qn("w:r"):
                parts.append(el.text or "" if el.tag == qn("w:t") else "\t" if el.tag == qn("w:tab") else "\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def test_the_quick_read_back_gives_the_same_text_as_python_docx(rendered):
    """render_document proves the expected text is in what it saved with saved_text (zip + lxml); it must
    read exactly what python-docx reads, for every bundled template and for a rendered plan."""
    _, path = rendered
    docs = [path.read_bytes()] + [p.read_bytes() for p in sorted((Path(render.__file__).parents[2] /
                                                                    "templates").glob("*.docx"))]
    assert len(docs) > 10
    for data in docs:
        assert saving.saved_text(data) == _python_docx_text(data)
    assert f"Section F: {SECTION_TITLES['F']}" in saving.saved_text(docs[0])


# ---------------------------------------------------------------------------------------------------------------
# Resource limits of LA templates (issue 17, point 8): the refusal is asserted, never a time or a peak
# ---------------------------------------------------------------------------------------------------------------

ISSUE_BOMBS = ["{{ 'x'.ljust(1500000000)|length }}", "{{ \"a\".zfill(2000000000) }}",
               "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
               "{{ lipsum(1000000) }}"]
OTHER_BOMBS = ["{{ 'x'.rjust(10**9) }}", "{{ 'x'.center(1000000000) }}", "{{ 'x'|center(1000000000) }}",
               "{{ 'a\tb'.expandtabs(1000000000) }}", "{{ '{:>2000000000}'.format(1) }}",
               "{{ '{:{w}}'.format(1, w=2000000000) }}", "{{ '{x:>2000000000}'.format_map({'x': 1}) }}",
               "{{ '%2000000000d' % 1 }}", "{{ '%*d' % (2000000000, 1) }}", "{{ '%2000000000s'|format('a') }}",
               "{{ 'ab\ncd'|indent(1000000000, true) }}", "{{ ('x' * 100000).replace('x', 'yy') }}",
               "{{ ('x' * 1000)|replace('x', 'x' * 1000) }}", "{{ [1]|batch(1000000000, 0)|list|length }}",
               "{{ [1]|slice(1000000000)|list|length }}", "{{ 'a b'|wordwrap(1000000000) }}",
               "{{ ','.join(['x' * 100000, 'y']) }}", "{{ 'x' * 100001 }}", "{{ [0] * 200000 }}",
               "{{ 10 ** 100 }}", "{{ range(200000)|length }}",
               "{% for i in range(1000) %}{{ 'x' * 100000 }}{% endfor %}{% for i in range(1000) %}{% endfor %}",
               "{% for i in range(400) %}{% for j in range(400) %}{{ 'x' * 1000 }}{% endfor %}{% endfor %}"]


@pytest.mark.hostile
@pytest.mark.parametrize("tag", ISSUE_BOMBS)
def test_template_past_a_bound_stops_with_a_message_naming_it(tmp_path, tag):
    tpl = _tiny_template(tmp_path, "Dear parent,", tag, name="la-bomb")
    out = tmp_path / "out.docx"
    with pytest.raises(RenderError) as e:
        render.render_document(tpl, {}, out, Meta(title="t", author="LA"))
    assert e.value.message.startswith("template la-bomb: stopped because ")
    assert "Traceback" not in e.value.message and not out.exists()


@pytest.mark.hostile
@pytest.mark.parametrize("tag", OTHER_BOMBS)
def test_every_way_to_build_something_huge_is_bounded(tag):
    with pytest.raises(render.TemplateLimit):
        render.jinja_env().from_string(tag).render()


def test_ordinary_use_of_the_same_features_still_works():
    tag = ("{{ 'x'.rjust(5) }}|{{ 'a'|center(5) }}|{{ '{:>4}'.format(7) }}|{{ '%03d' % 7 }}|{{ '%s!'|format('hi') }}|"
           "{{ range(3)|list }}|{{ range(4)|length }}|{% for i in range(3)|reverse %}{{ i }}{% endfor %}|"
           "{{ [1, 2, 3]|batch(2)|list }}|{{ 'a-b'|replace('-', '+') }}|{{ 'ab'.zfill(4) }}|{{ lipsum(1)|length > 0 }}|"
           "{{ 'a\nb'|indent(2) }}|{{ 'x' * 3 }}|{{ 2 ** 10 }}")
    assert render.jinja_env().from_string(tag).render() == (
        "    x|  a  |   7|007|hi!|[0, 1, 2]|4|210|[[1, 2], [3]]|a+b|00ab|True|a\n  b|xxx|1024")


@pytest.mark.hostile
def test_loops_over_data_stop_at_the_time_limit(monkeypatch):
    """Nested loops over a long value make output slowly: the time limit stops them (here set to 0.2 s)."""
    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.2)
    tpl = render.jinja_env().from_string("{% for a in s %}{% for b in s %}.{% endfor %}{% endfor %}")
    with pytest.raises(render.TemplateLimit, match="longer than 0.2 seconds"):
        tpl.render(s="x" * 100_000)


@pytest.mark.hostile
def test_a_loop_with_no_output_stops_at_the_time_limit(tmp_path, monkeypatch):
    """An empty nested loop calls nothing the sandbox sees: the timer signal stops it (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("the render timer signal works only in the main thread; this test runner is not in it")
    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.2)
    tpl = _tiny_template(tmp_path, "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}", name="la-spin")
    with pytest.raises(RenderError, match="template la-spin: stopped because it took longer than 0.2 seconds"):
        render.render_document(tpl, {"s": "x" * 100_000}, tmp_path / "o.docx", Meta(title="t", author="LA"))


@pytest.mark.hostile
def test_a_template_that_takes_too_much_memory_stops_with_a_message_naming_it(tmp_path, monkeypatch):
    """Every value is bounded, but many bounded values add up: 20,000 strings of 100,000 characters are 2 GB.
    The render's memory limit (an OS limit on the process's address space while the template is filled in, here
    set to 256 MB) stops it; afterwards the limit is lifted and memory can be had again."""
    import resource
    import threading

    if threading.current_thread() is not threading.main_thread() or render._address_space() is None:
        pytest.skip("the render's memory limit is set only in the main thread, on a system with /proc")
    monkeypatch.setattr(render, "MAX_RENDER_MEMORY", 256 * 1024 ** 2)
    before = resource.getrlimit(resource.RLIMIT_AS)
    hog = ("{% set ns = namespace(items=[]) %}{% for i in range(20000) %}{% set _ = ns.items.append('x' * 99999 ~ i) %}"
           "{% endfor %}{{ ns.items|length }}")
    tpl = _tiny_template(tmp_path, "Dear parent,", hog, name="la-hog")
    out = tmp_path / "out.docx"
    with pytest.raises(RenderError) as e:
        render.render_document(tpl, {}, out, Meta(title="t", author="LA"))
    assert e.value.message == "template la-hog: stopped because it needed more than 256 MB of memory"
    assert not out.exists()
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(300 * 1024 ** 2)) == 300 * 1024 ** 2  # the limit is gone: 300 MB can be had again


def test_the_memory_limit_lets_an_ordinary_render_through(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "MAX_RENDER_MEMORY", 256 * 1024 ** 2)
    tpl = _tiny_template(tmp_path, "Dear parent,", "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}",
                         name="la-fine")
    out = render.render_document(tpl, {}, tmp_path / "out.docx", Meta(title="t", author="LA"))
    assert out.exists()
