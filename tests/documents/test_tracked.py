"""The tracked-changes plan and the schedule of amendments: real revisions and real strike/bold, only where text
changed, with user text kept literally (never parsed as XML or as a template)."""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import FIXTURES
from ehcp_docs.documents.saving import Meta
from ehcp_docs.documents.schedule import LEGEND, add_schedule
from ehcp_docs.documents.tracked import tracked_changes_document
from ehcp_docs.fileio import load_document
from ehcp_docs.model.diffing import diff_plans

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
FIXTURE = FIXTURES / "diff_base.yaml"
TRICKY = "Tom & Jerry <select> {{ x }} {% if %}"


def base() -> dict:
    return copy.deepcopy(load_document(FIXTURE))


def wording_change() -> tuple[dict, dict]:
    """Two word-level changes in F1 and one in Section I; nothing added or removed."""
    old, new = base(), base()
    f1 = new["sections"]["F"]["provision"][0]
    f1["frequency"] = "three times a week"
    f1["description"] = f"Individual speech and language therapy with {TRICKY}."
    new["sections"]["I"]["name"] = "Hillside Academy"
    return old, new


def write(tmp_path: Path, old: dict, new: dict) -> Path:
    return tracked_changes_document(diff_plans(old, new), old, new, tmp_path / "proposed.docx",
                                    meta=Meta(title="Proposed plan: A&B <1>", author="Example Council"),
                                    date="2026-12-01")


def body(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def texts(root: etree._Element, xpath: str) -> list[str]:
    return ["".join(el.itertext()) for el in root.xpath(xpath, namespaces=NS)]


def para_text(p: etree._Element, *, accepted: bool) -> str:
    """A paragraph's text with the changes accepted (w:t only) or rejected (w:t outside w:ins, plus w:delText)."""
    if accepted:
        return "".join(t.text or "" for t in p.xpath(".//w:t", namespaces=NS))
    keep = p.xpath(".//w:t[not(ancestor::w:ins)] | .//w:delText", namespaces=NS)
    return "".join(t.text or "" for t in keep)


def test_only_the_changed_words_are_revisions(tmp_path: Path) -> None:
    root = body(write(tmp_path, *wording_change()))
    inserted = texts(root, "//w:ins[w:r]")
    deleted = texts(root, "//w:del[w:r]")
    assert inserted == [f" with {TRICKY}", "three times", "Hillside Academy"]
    assert deleted == ["once", "Riverside Primary School"]
    assert root.xpath("//w:del//w:t", namespaces=NS) == []           # deleted text is w:delText only
    assert root.xpath("//w:delText[not(ancestor::w:del)]", namespaces=NS) == []
    assert root.xpath("//w:pPr/w:rPr/w:ins | //w:pPr/w:rPr/w:del", namespaces=NS) == []  # no whole paragraphs


def test_revisions_carry_author_date_and_unique_ids(tmp_path: Path) -> None:
    root = body(write(tmp_path, *wording_change()))
    marks = root.xpath("//w:ins | //w:del", namespaces=NS)
    assert marks
    assert {m.get(f"{{{W}}}author") for m in marks} == {"Example Council"}
    assert {m.get(f"{{{W}}}date") for m in marks} == {"2026-12-01T00:00:00Z"}
    ids = [m.get(f"{{{W}}}id") for m in marks]
    assert len(ids) == len(set(ids))


def test_both_versions_read_back_literally(tmp_path: Path) -> None:
    old, new = wording_change()
    root = body(write(tmp_path, old, new))
    paras = root.xpath("//w:p", namespaces=NS)
    accepted = [para_text(p, accepted=True) for p in paras]
    rejected = [para_text(p, accepted=False) for p in paras]
    assert f"F1 \u2014 provision: Individual speech and language therapy with {TRICKY}." in accepted
    assert "F1 \u2014 provision: Individual speech and language therapy." in rejected
    assert "F1 \u2014 how often: three times a week" in accepted
    assert "F1 \u2014 how often: once a week" in rejected
    unchanged = "F2 \u2014 how often: daily in term time"
    assert unchanged in accepted and unchanged in rejected


def test_added_and_removed_items_are_whole_paragraph_revisions(tmp_path: Path) -> None:
    old, new = base(), base()
    del new["sections"]["K"]["advice"][0]
    new["sections"]["F"]["provision"].append({
        "id": "F4", "area": "cognition-and-learning", "description": "Daily reading with an adult.",
        "delivered_by": "Teaching assistant", "frequency": "daily", "duration": "15 minutes", "group_size": "1:1",
        "location": "in class", "funded_by": "the school", "needs": ["B2"], "outcomes": ["E2"]})
    root = body(write(tmp_path, old, new))
    for p in root.xpath("//w:p", namespaces=NS):
        text = para_text(p, accepted=True) or para_text(p, accepted=False)
        if text.startswith(("F4 ", "Provision F4")):
            assert p.xpath("w:pPr/w:rPr/w:ins", namespaces=NS) and not p.xpath("w:r", namespaces=NS)
        elif text.startswith(("K1 ", "Advice K1")):
            assert p.xpath("w:pPr/w:rPr/w:del", namespaces=NS) and not p.xpath("w:r", namespaces=NS)
            assert para_text(p, accepted=True) == ""
        else:
            assert not p.xpath(".//w:ins | .//w:del", namespaces=NS), text
    accepted = [para_text(p, accepted=True) for p in root.xpath("//w:p", namespaces=NS)]
    assert "F4 \u2014 outcomes it serves: E2" in accepted
    assert not any(t.startswith("K1 ") for t in accepted)


def test_moved_provision_is_deleted_at_its_old_place_and_inserted_at_the_new(tmp_path: Path) -> None:
    old, new = base(), base()
    prov = new["sections"]["F"]["provision"]
    prov.insert(0, prov.pop())
    new["sections"]["B"]["needs"].reverse()  # order of needs carries no meaning: no marks
    root = body(write(tmp_path, old, new))
    heads = [(para_text(p, accepted=True) or para_text(p, accepted=False),
              bool(p.xpath("w:pPr/w:rPr/w:ins", namespaces=NS)),
              bool(p.xpath("w:pPr/w:rPr/w:del", namespaces=NS)))
             for p in root.xpath("//w:p[w:pPr/w:pStyle/@w:val='Heading2']", namespaces=NS)]
    provision_heads = [h for h in heads if h[0].startswith("Provision")]
    assert provision_heads == [("Provision F3", True, False), ("Provision F1", False, False),
                               ("Provision F2", False, False), ("Provision F3", False, True)]
    assert not any(ins or dele for text, ins, dele in heads if text.startswith("Need"))


def test_document_language_and_title(tmp_path: Path) -> None:
    path = write(tmp_path, *wording_change())
    d = docx.Document(str(path))
    assert d.core_properties.title == "Proposed plan: A&B <1>"
    assert d.core_properties.language == "en-GB"
    langs = d.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
    assert langs == ["en-GB"]
    assert d.paragraphs[0].text == "Proposed plan: A&B <1>" and d.paragraphs[0].style.name == "Title"


def test_libreoffice_sees_tracked_changes(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = write(tmp_path, *wording_change())
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "odt", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "proposed.odt") as z:
        content = z.read("content.xml").decode("utf-8")
    assert content.count("<text:changed-region") >= 5
    assert "Tom &amp; Jerry &lt;select&gt; {{ x }}" in content


# ---------------------------------------------------------------- schedule


def schedule_doc(old: dict, new: dict) -> docx.document.Document:
    d = docx.Document()
    add_schedule(d, diff_plans(old, new), reasons={"F1": "The therapist's advice of November 2026.",
                                                   "I": "The family asked for Hillside Academy."},
                 overall_reason="Agreed at the annual review.", evidence=["Speech and language therapy advice"])
    return d


def test_schedule_strikes_old_words_and_bolds_new_words() -> None:
    d = schedule_doc(*wording_change())
    struck = [r.text for p in d.paragraphs for r in p.runs if r.font.strike]
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert struck == ["once", "Riverside Primary School"]
    assert bold == [f"with {TRICKY}", "three times", "Hillside Academy"]


def test_schedule_has_text_cues_headings_reasons_and_evidence() -> None:
    d = schedule_doc(*wording_change())
    lines = [(p.style.name, p.text) for p in d.paragraphs]
    assert lines[0] == ("Normal", LEGEND)
    assert ("Heading 2", "Section F: Special educational provision") in lines
    assert ("Heading 2", "Section I: Placement") in lines
    bullets = [t for style, t in lines if style == "List Bullet"]
    # each change once, labelled by where it is, marked in place (issue 16.3)
    assert any(t.endswith(": how often: [deleted: once] [added: three times] a week") for t in bullets), bullets
    assert any(t.endswith(f": provision: Individual speech and language therapy [added: with {TRICKY}].")
               for t in bullets), bullets
    assert not any("changed from" in t for t in bullets)
    assert ("Normal", "Reason: The therapist's advice of November 2026.") in lines
    assert ("Normal", "Reason: The family asked for Hillside Academy.") in lines
    assert lines[-2:] == [("Heading 2", "Evidence for these changes"),
                          ("List Bullet", "Speech and language therapy advice")]
    reasons = [t for _s, t in lines if t.startswith("Reason: The therapist")]
    assert len(reasons) == 1  # once per item, not once per change


def test_schedule_shows_a_rewritten_sentence_whole() -> None:
    old, new = base(), base()
    new["sections"]["F"]["provision"][0]["description"] = "Two group sessions a week with the school's new " \
                                                          "language programme, led by a trained assistant."
    d = schedule_doc(old, new)
    struck = [r.text for p in d.paragraphs for r in p.runs if r.font.strike]
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert struck == [old["sections"]["F"]["provision"][0]["description"].rstrip(".") + "."] or \
        struck == [old["sections"]["F"]["provision"][0]["description"]]
    assert bold == [new["sections"]["F"]["provision"][0]["description"]]


def test_schedule_of_no_changes_says_so() -> None:
    d = docx.Document()
    add_schedule(d, [], reasons={}, overall_reason=None, evidence=[])
    assert [p.text for p in d.paragraphs][1] == "We do not propose any changes to the plan."


def test_schedule_shows_whole_added_and_removed_items() -> None:
    old, new = base(), base()
    del new["sections"]["K"]["advice"][0]
    d = schedule_doc(old, new)
    struck = [r.text for p in d.paragraphs for r in p.runs if r.font.strike]
    assert struck == ["Speech and language therapy advice", "J Therapist", "2 November 2023"]  # dates in words
    assert not [r for p in d.paragraphs for r in p.runs if r.bold]
    assert re.search(r"\[deleted: J Therapist\]", "\n".join(p.text for p in d.paragraphs))
