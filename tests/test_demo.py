"""`make demo` writes the full set for the sample plans (issue 15): a child's review, one young person's set, a
progress update, a request decision and one amendment with the family's representations answered. The demo is
run as `make demo` runs it (scripts/demo.py, the real `ehcp` command in subprocesses), into a store of its own,
and what it wrote is read back."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from ehcp_docs.documents.saving import docx_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("demo") / "demo-store"
    home = tmp_path_factory.mktemp("demo-home")
    env = {**os.environ, "EHCP_DEMO_STORE": str(store), "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py")], env=env, capture_output=True,
                       text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return store / "out"


def kinds(folder: Path) -> set[str]:
    return {p.name[11:-5] for p in folder.glob("*.docx")}


def test_the_young_persons_whole_review_set_is_written_to_him(demo: Path):
    yp = demo / "EHCP-0005"
    assert {"invitation", "invitation-copy-2", "advice-request-setting", "advice-request-health",
            "advice-request-social-care", "review-report", "review-report-copy-2", "decision-maintain",
            "decision-maintain-copy-2", "what-happens-next", "what-happens-next-copy-2",
            "concern-response-10"} <= kinds(yp), kinds(yp)
    decision = docx_text(yp / "2026-12-15-decision-maintain.docx")
    assert "Dear Rhys Llewellyn-Carter" in decision and "keep your EHC plan as it is" in decision
    assert "Rhys\u2019s" not in decision and "The last day to appeal is" in decision
    copy = docx_text(yp / "2026-12-15-decision-maintain-copy-2.docx")
    assert "This is a copy of the letter we sent to Rhys Llewellyn-Carter." in copy and "Bethan Llewellyn" in copy


def test_the_amendment_answers_what_the_family_said(demo: Path):
    letter = docx_text(demo / "EHCP-0004" / "2026-10-23-amended-plan-letter.docx")
    assert "you said: We agree with the extra sessions" in letter
    assert "Our answer: we agree in part." in letter and "two of the three sessions after lunch" in letter


def test_the_childs_review_progress_update_and_request_decision_are_written(demo: Path):
    assert {"invitation", "invitation-copy-2", "review-report", "decision-maintain",
            "what-happens-next"} <= kinds(demo / "EHCP-0002")
    assert {"progress-update", "early-review-decision"} <= kinds(demo / "EHCP-0003")
    update = docx_text(demo / "EHCP-0003" / "2026-12-11-progress-update.docx")
    assert "It covers the Autumn 2026 term." in update and "Mr T Adeyemi (SENCO)" in update
    early = docx_text(demo / "EHCP-0003" / "2026-12-21-early-review-decision.docx")
    assert "We have agreed." in early and "We will hold an early review." in early
