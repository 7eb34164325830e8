"""The one save pipeline: every .docx and .xlsx ehcp writes carries the same provenance (the store commit it was made
from, the plan and the blob id of the plan version, the template), so any document, including one re-made with
`render --at REV`, can be traced to the exact commit and plan version it shows."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import PLANS, filled_form, git, head
from ehcp_docs import __version__
from ehcp_docs.documents import letters
from ehcp_docs.documents.saving import Meta, Provenance, read_provenance, save_xlsx

PID = "EHCP-0002"


def blob(store: Path, rev: str, path: str) -> str:
    return git(store, "rev-parse", f"{rev}:{path}").strip()


@pytest.fixture
def history(ehcp, store_path: Path, tmp_path: Path) -> Path:
    """A review decided `amend`, the amendments served, answered and issued, a concern answered and a progress
    return: every kind of document has an event to be made from."""
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    steps = [
        ("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20"),
        ("review", "record", PID, "--file", filled_form(ehcp, tmp_path), "--date", "2026-11-10"),
        ("review", "report", PID, "--date", "2026-11-17"),
        ("review", "decide", PID, "--decision", "amend", "--date", "2026-11-24"),
        ("amend", "start", PID, "--date", "2026-11-24"),
    ]
    for step in steps:
        r = ehcp(*step, "--out", tmp_path / "made") if step[1] not in ("record", "start") else ehcp(*step)
        assert r.exit_code == 0, (step, r.stderr)
    plan = (store_path / "plans" / PID / "proposed.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "proposed.yaml"
    changed.write_text(plan.replace("3 sessions a week", "4 sessions a week", 1), encoding="utf-8")
    seq = ""  # the representations' number, answered when the plan is issued
    for step in [("amend", "propose", PID, "--file", changed, "--date", "2026-11-24", "--reason", "Therapy advice",
                  "--no-evidence", "The advice is in the review report."),
                 ("amend", "respond", PID, "--text", "We agree.", "--date", "2026-11-30"),
                 ("amend", "issue", PID, "--date", "2026-12-01", "--answer", "ANSWER=accepted"),
                 ("concern", "add", PID, "--from", "parent", "--text", "Sessions missed.", "--date", "2026-12-02"),
                 ("reassess", "request", PID, "--by", "parent", "--date", "2026-12-03"),
                 ("reassess", "decide", PID, "--decision", "refuse", "--reason", "Assessed in May.",
                  "--date", "2026-12-04")]:
        step = tuple(f"{seq}=accepted" if s == "ANSWER=accepted" else s for s in step)
        r = ehcp(*step, "--out", tmp_path / "made") if step[1] in ("propose", "issue", "decide") else ehcp(*step)
        if step[1] == "respond":
            seq = re.search(r"representations #(\d+)", r.stderr).group(1)
        assert r.exit_code == 0, (step, r.stderr)
    concern = [line for line in git(store_path, "log", "--format=%s").splitlines() if "concern recorded" in line]
    assert concern
    return store_path


def test_every_document_made_at_a_revision_names_that_revision_and_the_plan_version(ehcp, history: Path,
                                                                                    tmp_path: Path):
    rev = head(history)
    made: list[Path] = []
    skipped = {"cease-consultation", "cease-notice", "concern-response", "progress-update",
               "amendment-withdrawn", "early-review-decision", "budget-decision",  # no such event in this history
               "amendment-notice",  # made from the proposal, gone once issued: the next test remakes it
               "mediation-acknowledgement", "appeal-conceded", "order-compliance"}  # tests/cli/test_mediation_appeal
    for kind in sorted(set(letters.KINDS) - skipped):
        out = tmp_path / kind
        r = ehcp("render", PID, "--doc", kind, "--at", rev, "--out", out)
        assert r.exit_code == 0, (kind, r.stderr)
        made += sorted(out.rglob("*.docx"))
    assert len(made) >= 12
    plan_blob = blob(history, rev, f"plans/{PID}/plan.yaml")
    for doc in made:
        prov = read_provenance(doc)
        assert prov["generator"] == f"ehcp-docs {__version__}", doc.name
        assert prov["store_commit"] == rev, doc.name
        assert prov["plan"] == PID, doc.name
        assert prov["plan_blob"] == plan_blob, doc.name


def test_a_document_remade_at_an_older_revision_names_the_older_plan_version(ehcp, history: Path, tmp_path: Path):
    """The notice pack re-made as it was served: the plan in force then, and the proposal then."""
    served = git(history, "log", "--format=%H", "--grep", "EHCP-Event: amendment-proposed").split()[0]
    r = ehcp("render", PID, "--doc", "amendment-notice", "--at", served, "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    docs = {p.name: read_provenance(p) for p in (tmp_path / PID).glob("*.docx")}
    assert {p["store_commit"] for p in docs.values()} == {served}
    in_force = blob(history, served, f"plans/{PID}/plan.yaml")
    proposal = blob(history, served, f"plans/{PID}/proposed.yaml")
    assert in_force != blob(history, "HEAD", f"plans/{PID}/plan.yaml")  # the plan has changed since
    assert docs["2026-11-24-plan-in-force.docx"]["plan_blob"] == in_force
    assert docs["2026-11-24-proposed-plan-tracked.docx"]["plan_blob"] == proposal
    assert docs["2026-11-24-schedule-of-amendments.docx"]["plan_blob"] == proposal
    assert docs["2026-11-24-amendment-notice.docx"]["template"] == "amendment-notice"
    assert len(docs["2026-11-24-amendment-notice.docx"]["template_sha256"]) == 64


def test_spreadsheets_carry_the_same_provenance(ehcp, history: Path, tmp_path: Path):
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-12-10", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    sheets = sorted(tmp_path.rglob("*.xlsx"))
    assert len(sheets) >= 3
    for sheet in sheets:
        prov = read_provenance(sheet)
        assert prov["store_commit"] == head(history) and prov["generator"].startswith("ehcp-docs"), sheet.name
        assert load_workbook(sheet).properties.creator == "Exampleshire County Council"


def test_saving_twice_replaces_our_properties_and_keeps_the_others(tmp_path: Path):
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    wb = Workbook()
    wb.custom_doc_props.append(StringProperty(name="LA-reference", value="kept"))
    first = save_xlsx(wb, tmp_path / "a.xlsx", Meta("T", "LA", Provenance(store_commit="a" * 40)))
    again = load_workbook(io.BytesIO(first.read_bytes()))
    save_xlsx(again, tmp_path / "b.xlsx", Meta("T", "LA", Provenance(store_commit="b" * 40)))
    prov = read_provenance(tmp_path / "b.xlsx")
    assert prov["store_commit"] == "b" * 40
    names = [p.name for p in load_workbook(tmp_path / "b.xlsx").custom_doc_props.props]
    assert names.count("ehcp-store_commit") == 1 and "LA-reference" in names
