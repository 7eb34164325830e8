"""The Tribunal working document: written from the plan in force, edited as a family would in Word (python-docx),
read back item by item, written again with the LA's counter-proposal; refused when damaged or tracked; converted
with LibreOffice with its key and styles intact."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document

from ehcp_docs.documents import working_document as wd
from ehcp_docs.documents.saving import docx_text
from tests.conftest import PLANS, amended_plan_issued, snapshot

PID = "EHCP-0004"


def _journal(store: Path) -> list[dict]:
    return [json.loads(line) for line in (store / "plans" / PID / "events.jsonl").read_text().splitlines()]


@pytest.fixture
def appealed(ehcp, store_path, tmp_path):
    """EHCP-0004 amended outside a review, the family appealing Section F of the final amended plan."""
    amended_plan_issued(ehcp, tmp_path, PID)
    for args in (("mediation", "contact", PID, "--wants-mediation", "no", "--date", "2026-10-26"),
                 ("mediation", "certificate", PID, "--date", "2026-10-28"),
                 ("appeal", "register", PID, "--against", "amended-plan", "--about", "F", "--date", "2026-11-25")):
        r = ehcp(*args)
        assert r.exit_code == 0, r.stderr
    return store_path


def _cell(doc: Document, label: str):
    for t in doc.tables:
        for row in t.rows:
            if row.cells[0].text.strip() == label:
                return row.cells[1]
    raise AssertionError(f"no row {label}")


def _styles(cell) -> list[tuple[str, bool, bool, bool, bool]]:
    runs = cell.paragraphs[0].runs
    return [(r.text, bool(r.bold), bool(r.italic), bool(r.underline), bool(r.font.strike)) for r in runs if r.text]


def family_edit(v1: Path, out: Path) -> None:
    """Bold additions, a bold strike-through deletion and one underlined agreement, as a family would in Word."""
    doc = Document(str(v1))
    often = _cell(doc, "F1 (how often)").paragraphs[0]
    often.runs[0].text = "3 sessions a week in term time"
    often.runs[0].bold = often.runs[0].font.strike = True
    often.add_run(" 5 sessions a week in term time").bold = True
    where = _cell(doc, "F1 (where)").paragraphs[0]
    where.add_run(" and at home").underline = True
    who = _cell(doc, "F2 (who delivers it)").paragraphs[0]
    who.add_run(", with a specialist teacher").bold = True
    doc.add_paragraph("We also want a laptop for every lesson.")
    doc.save(str(out))


def test_round_trip_v1_family_edits_read_back_then_v2_with_la_counter(ehcp, appealed, tmp_path):
    r = ehcp("appeal", "working-document", PID, "--date", "2026-12-01", "--out", tmp_path / "out")
    assert r.exit_code == 0, r.stderr
    v1 = tmp_path / "out" / PID / "2026-12-01-working-document-v1.docx"
    text = docx_text(v1)
    assert "version 1" in text and "1 December 2026" in text  # header
    for label in wd.KEY_LABELS:
        assert label in text
    # every version is kept as evidence in the store, exactly as written
    stored = appealed / "plans" / PID / "evidence" / "2026-12-01-working-document-v1.docx"
    assert stored.read_bytes() == v1.read_bytes()
    assert "word/comments.xml" not in zipfile.ZipFile(v1).namelist()

    returned = tmp_path / "returned.docx"
    family_edit(v1, returned)
    before = len(_journal(appealed))
    r = ehcp("appeal", "working-document", PID, "--read", returned, "--date", "2026-12-08")
    assert r.exit_code == 0, r.stderr
    journal = _journal(appealed)
    assert len(journal) == before + 1 and journal[-1]["event"] == "working-document-returned"
    cells = journal[-1]["cells"]
    proposals = {k: [(s["who"], s["op"], s["t"].strip()) for s in v if s["op"] != "keep"] for k, v in cells.items()}
    assert proposals["F1:frequency"] == [("family", "del", "3 sessions a week in term time"),
                                         ("family", "add", "5 sessions a week in term time")]
    assert proposals["F1:location"] == [("agreed", "add", "and at home")]
    assert proposals["F2:delivered_by"] == [("family", "add", ", with a specialist teacher")]
    assert all(not v for k, v in proposals.items() if k not in ("F1:frequency", "F1:location", "F2:delivered_by"))
    assert "We also want a laptop for every lesson." in journal[-1]["unplaced"]  # listed, never dropped
    assert "the family proposes adding \u201c5 sessions a week in term time\u201d" in r.stdout
    assert "could not be placed" in r.stdout and "laptop" in r.stdout

    counter = yaml.safe_load(ehcp("show", PID, "--json").stdout)
    counter["sections"]["F"]["provision"][0]["duration"] = "50 minutes a session, for the whole of Year 11"
    cf = tmp_path / "counter.yaml"
    cf.write_text(yaml.safe_dump(counter, sort_keys=False), encoding="utf-8")
    r = ehcp("appeal", "working-document", PID, "--agree", "F2", "--proposed", cf, "--evidence",
             "F1=Specialist teacher report, A Teacher, 2026-10-05, page 3", "--date", "2026-12-15",
             "--out", tmp_path / "out")
    assert r.exit_code == 0, r.stderr
    v2 = Document(str(tmp_path / "out" / PID / "2026-12-15-working-document-v2.docx"))
    # every style in v2 is the one the key prescribes
    assert _styles(_cell(v2, "F1 (how often)")) == [("3 sessions a week in term time", True, False, False, True),
                                                    (" 5 sessions a week in term time", True, False, False, False)]
    assert _styles(_cell(v2, "F1 (where)"))[-1] == (" and at home", False, False, True, False)
    assert (", with a specialist teacher", False, False, True, False) in _styles(_cell(v2, "F2 (who delivers it)"))
    how_long = _styles(_cell(v2, "F1 (how long)"))
    assert ("45", False, True, False, True) in how_long and (" 50", False, True, False, False) in how_long
    assert all(not (b or i or u or s) for t, b, i, u, s in _styles(_cell(v2, "F3 (what)")))
    key_rows = {row.cells[0].text: row.cells[0].paragraphs[0].runs[0] for row in v2.tables[0].rows[1:]}
    assert key_rows["Bold and struck through"].bold and key_rows["Bold and struck through"].font.strike
    assert key_rows["Italic"].italic and not key_rows["Italic"].bold
    assert key_rows["Underlined"].underline
    # footnotes: one per proposed change, with its evidence
    z = zipfile.ZipFile(tmp_path / "out" / PID / "2026-12-15-working-document-v2.docx")
    notes = z.read("word/footnotes.xml").decode()
    assert "Specialist teacher report, A Teacher, 2026-10-05, page 3" in notes
    body = z.read("word/document.xml").decode()
    assert body.count("<w:footnoteReference") == notes.count("<w:footnoteRef/>") >= 4
    assert "<w:ins " not in body and "<w:del " not in body


@pytest.mark.parametrize("make,reason", [
    (lambda p: p.write_bytes(b"just some text"), "not a Word document"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100), "old Word (.doc)"),
    (lambda p: p.write_bytes(b"PK\x03\x04broken zip"), "not a Word document"),
])
def test_returned_file_not_docx_or_damaged_is_refused(ehcp, appealed, tmp_path, make, reason):
    assert ehcp("appeal", "working-document", PID, "--date", "2026-12-01").exit_code == 0
    bad = tmp_path / "bad.docx"
    make(bad)
    before = snapshot(appealed)
    r = ehcp("appeal", "working-document", PID, "--read", bad)
    assert r.exit_code == 1 and reason in r.stderr and "Traceback" not in r.stderr
    assert snapshot(appealed) == before


def test_returned_file_with_tracked_changes_is_refused(ehcp, appealed, tmp_path):
    assert ehcp("appeal", "working-document", PID, "--date", "2026-12-01", "--out", tmp_path).exit_code == 0
    v1 = tmp_path / PID / "2026-12-01-working-document-v1.docx"
    doc = Document(str(v1))
    p = _cell(doc, "F1 (how often)").paragraphs[0]._p
    from docx.oxml import parse_xml
    p.append(parse_xml('<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="9" '
                       'w:author="Parent" w:date="2026-12-02T00:00:00Z"><w:r><w:t>more</w:t></w:r></w:ins>'))
    doc.save(str(tmp_path / "tracked.docx"))
    before = snapshot(appealed)
    r = ehcp("appeal", "working-document", PID, "--read", tmp_path / "tracked.docx")
    assert r.exit_code == 1 and "tracked changes" in r.stderr
    assert snapshot(appealed) == before


def test_working_document_needs_a_pending_appeal(ehcp, store_path):
    assert ehcp("add", *map(str, sorted(PLANS.glob("*.yaml")))).exit_code == 0
    r = ehcp("appeal", "working-document", PID)
    assert r.exit_code == 1 and "no appeal pending" in r.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_it_and_the_key_and_styles_survive(ehcp, appealed, tmp_path):
    assert ehcp("appeal", "working-document", PID, "--date", "2026-12-01", "--out", tmp_path).exit_code == 0
    v1 = tmp_path / PID / "2026-12-01-working-document-v1.docx"
    returned = tmp_path / "family.docx"
    family_edit(v1, returned)
    conv = tmp_path / "conv"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for fmt in ("pdf", "docx:MS Word 2007 XML"):
        subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(conv), str(returned)],
                       check=True, capture_output=True, timeout=180, env=env)
    pdf = conv / "family.pdf"
    assert pdf.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for label in wd.KEY_LABELS:
            assert label in text
    # the docx LibreOffice writes back reads as the same proposals, item by item
    again = Document(str(conv / "family.docx"))
    key_rows = {row.cells[0].text: row.cells[0].paragraphs[0].runs[0] for row in again.tables[0].rows[1:]}
    assert key_rows["Bold and struck through"].bold and key_rows["Bold and struck through"].font.strike
    assert key_rows["Italic and struck through"].italic and key_rows["Italic and struck through"].font.strike
    assert key_rows["Underlined"].underline
    segs, _ = wd.segments_of(wd.Returned((conv / "family.docx").read_bytes(), "family.docx").rows[
        [label for label, _r in wd.Returned((conv / "family.docx").read_bytes(), "x").rows].index("F1 (how often)")][1])
    assert [(s["who"], s["op"], s["t"].strip()) for s in segs if s["op"] != "keep"] == [
        ("family", "del", "3 sessions a week in term time"), ("family", "add", "5 sessions a week in term time")]


def test_returned_file_with_entities_or_a_huge_unpacked_size_is_refused(ehcp, appealed, tmp_path):
    """Untrusted input: an XML entity bomb is never expanded; a zip that unpacks to too much is refused."""
    assert ehcp("appeal", "working-document", PID, "--date", "2026-12-01", "--out", tmp_path).exit_code == 0
    v1 = tmp_path / PID / "2026-12-01-working-document-v1.docx"
    src = zipfile.ZipFile(v1)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
                        b'&a;&a;&a;&a;&a;">]>' + data.split(b"?>", 1)[1].replace(b"<w:t>", b"<w:t>&b;", 1))
            z.writestr(info.filename, data)
    before = snapshot(appealed)
    r = ehcp("appeal", "working-document", PID, "--read", bomb)
    assert "Traceback" not in r.stderr
    if r.exit_code == 0:  # read, but the entity was never expanded into the record
        assert "aaaaaaaaaa" not in (appealed / "plans" / PID / "events.jsonl").read_text()
    else:
        assert snapshot(appealed) == before
    big = tmp_path / "big.docx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        z.writestr("word/media/padding.bin", b"\0" * (wd.MAX_UNZIPPED + 1))
    before = snapshot(appealed)
    r = ehcp("appeal", "working-document", PID, "--read", big)
    assert r.exit_code == 1 and "unpacks to more than" in r.stderr
    assert snapshot(appealed) == before


def test_version_n_is_written_again_exactly_as_kept(ehcp, appealed, tmp_path):
    assert ehcp("appeal", "working-document", PID, "--date", "2026-12-01", "--out", tmp_path / "a").exit_code == 0
    before = snapshot(appealed)
    r = ehcp("appeal", "working-document", PID, "--version", "1", "--out", tmp_path / "b")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "b" / PID / "2026-12-01-working-document-v1.docx").read_bytes() == \
        (tmp_path / "a" / PID / "2026-12-01-working-document-v1.docx").read_bytes()
    assert snapshot(appealed) == before  # nothing recorded
    assert ehcp("appeal", "working-document", PID, "--version", "7").exit_code == 2


@pytest.mark.hostile
def test_two_returned_copies_of_one_version_on_one_day_are_both_kept(ehcp, appealed, tmp_path):
    """The family's and another party's copies of version 1, read back on the same day: each journal line keeps
    the file it read (the second once overwrote the first, which the first line still named)."""
    from tests.conftest import references_hold

    r = ehcp("appeal", "working-document", PID, "--date", "2026-12-01", "--out", tmp_path / "out")
    assert r.exit_code == 0, r.stderr
    v1 = tmp_path / "out" / PID / "2026-12-01-working-document-v1.docx"
    family, other = tmp_path / "family.docx", tmp_path / "other.docx"
    family_edit(v1, family)
    doc = Document(str(v1))
    _cell(doc, "F2 (who delivers it)").paragraphs[0].add_run(" and a teaching assistant").bold = True
    doc.save(str(other))
    for f in (family, other):
        r = ehcp("appeal", "working-document", PID, "--read", f, "--date", "2026-12-08")
        assert r.exit_code == 0, r.stderr
    returned = [e for e in _journal(appealed) if e["event"] == "working-document-returned"]
    assert len(returned) == 2 and returned[0]["file"] != returned[1]["file"]
    stored = [(appealed / "plans" / PID / e["file"]).read_bytes() for e in returned]
    assert stored == [family.read_bytes(), other.read_bytes()]
    assert references_hold(appealed, PID) >= 3
