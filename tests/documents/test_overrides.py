"""LA template overrides: checked on install, versioned in the store, used for rendering, reset."""
from pathlib import Path

from docx import Document

from conftest import PLANS, git
from ehcp_docs.documents.saving import docx_text


def test_override_is_versioned_and_used(ehcp, store_path: Path, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    assert ehcp("template", "export", "plan", "--out", tmp_path).exit_code == 0
    doc = Document(str(tmp_path / "plan.docx"))
    doc.add_paragraph("Exampleshire wording: {{ child.name }} is at the heart of this plan.")
    mine = tmp_path / "my-plan.docx"
    doc.save(str(mine))
    r = ehcp("template", "install", "plan", mine, "--date", "2026-11-01")
    assert r.exit_code == 0, r.stderr
    assert git(store_path, "log", "-1", "--format=%s%n%(trailers:key=EHCP-Event,valueonly)").split("\n")[:2] == [
        "LA template plan changed", "template-override"]
    assert "EHCP-Date: 2026-11-01" in git(store_path, "log", "-1", "--format=%B")
    assert "plan                     LA override" in ehcp("template", "list").stdout
    ehcp("render", "EHCP-0003", "--out", tmp_path / "out")
    text = docx_text(next((tmp_path / "out" / "EHCP-0003").glob("*-plan.docx")))
    assert "Exampleshire wording: Jessica Nguyen is at the heart of this plan." in text
    assert ehcp("template", "reset", "plan").exit_code == 0
    assert not (store_path / "templates" / "plan.docx").exists()


def test_broken_or_unknown_templates_are_refused(ehcp, store_path: Path, tmp_path: Path):
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip")
    before = git(store_path, "rev-parse", "HEAD")
    r = ehcp("template", "install", "plan", bad)
    assert r.exit_code == 1 and "is not a Word document" in r.stderr
    doc = Document()
    doc.add_paragraph("{% if %}")
    broken = tmp_path / "broken.docx"
    doc.save(str(broken))
    r = ehcp("template", "install", "decision", broken)
    assert r.exit_code == 1 and "broken.docx" in r.stderr and "Traceback" not in r.stderr
    assert ehcp("template", "install", "../../etc", bad).exit_code == 2
    assert git(store_path, "rev-parse", "HEAD") == before
