"""A live plan: two terms of progress, the family's update with a chart, the next meeting pre-filled;
contributions in the invitation pack; concerns answered late show in overdue; requests."""
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import PLANS
from ehcp_docs.documents.saving import docx_text
from ehcp_docs.model.plan import headline

PID = "EHCP-0003"


@pytest.fixture
def store(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    return store_path


def progress_return(ehcp, tmp_path: Path, status: str, name: str, pid: str = PID) -> Path:
    form = yaml.safe_load(ehcp("progress", "add", pid, "--form").stdout)
    form["returned_by"] = {"name": "Mr J Wallace", "role": "SENCO"}
    for row in form["progress"]:
        row["status"], row["evidence"], row["next_steps"] = status, f"Evidence for {row['outcome']}", "Keep going."
        for t in row["targets"]:
            t["status"] = status
    f = tmp_path / name
    f.write_text(yaml.safe_dump(form, allow_unicode=True))
    return f


def test_two_terms_of_progress_make_an_update_with_a_chart(ehcp, store: Path, tmp_path: Path):
    assert ehcp("progress", "add", PID, "--file", progress_return(ehcp, tmp_path, "not-started", "t1.yaml"),
                "--date", "2026-07-15").exit_code == 0
    assert ehcp("progress", "add", PID, "--file", progress_return(ehcp, tmp_path, "on-track", "t2.yaml"),
                "--date", "2026-11-20").exit_code == 0
    r = ehcp("progress", "report", PID, "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    doc = tmp_path / PID / "2026-11-20-progress-update.docx"
    text = docx_text(doc)
    plan = json.loads(ehcp("show", PID, "--json").stdout)
    for o in plan["sections"]["E"]["outcomes"]:
        assert o["id"] in text
    assert "Was not yet started, now on track." in text
    xml = zipfile.ZipFile(doc).read("word/document.xml").decode()
    assert 'descr="Chart of progress over 2 termly update(s).' in xml
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(doc).namelist())
    form = yaml.safe_load(ehcp("review", "record", PID, "--form").stdout)
    assert {row["status"] for row in form["progress"]} == {"on-track"}   # starts from the latest return
    assert form["progress"][0]["evidence"].startswith("Evidence for")


def test_the_progress_update_speaks_in_terms_and_titles(ehcp, store: Path, tmp_path: Path):
    """Issue 16.4: the chart's columns are terms in words and its rows short outcome titles (read back from the
    chart's alt text, made from the same labels); no outcome is cut off; a change to an interim target is said."""
    pid = "EHCP-0002"
    for status, day in (("not-started", "2026-07-15"), ("on-track", "2026-11-20")):
        assert ehcp("progress", "add", pid, "--file", progress_return(ehcp, tmp_path, status, f"{day}.yaml", pid),
                    "--date", day).exit_code == 0
    assert ehcp("progress", "report", pid, "--out", tmp_path).exit_code == 0
    doc = tmp_path / pid / "2026-11-20-progress-update.docx"
    text = docx_text(doc)
    descr = re.search(r'descr="([^"]*)"', zipfile.ZipFile(doc).read("word/document.xml").decode()).group(1)
    plan = json.loads(ehcp("show", pid, "--json").stdout)
    outcomes = plan["sections"]["E"]["outcomes"]
    assert "in Summer 2026, then on track in Autumn 2026" in descr
    assert not re.search(r"\d{4}-\d{2}-\d{2}", descr + text)
    for o in outcomes:
        assert f"{headline(o['description'])}: not started in Summer 2026" in descr
        assert not re.search(rf"(^|; ){re.escape(o['id'])}(\.\d+)?:", descr)   # no bare codes as row names
        for t in o["targets"]:
            assert f"Target: {headline(t['description'])}: not started" in descr
            assert (f"The interim target \u201c{headline(t['description'])}\u201d was not yet started and is now on "
                    "track.") in text
    assert "Ollie will attend his new secondary school for full days" in text
    assert "\u2026" not in text and "95% in\u2026" not in descr


def test_a_return_that_leaves_a_target_out_is_refused(ehcp, store: Path, tmp_path: Path):
    f = progress_return(ehcp, tmp_path, "on-track", "r.yaml")
    data = yaml.safe_load(f.read_text())
    dropped = data["progress"][0]["targets"].pop()
    f.write_text(yaml.safe_dump(data))
    r = ehcp("progress", "add", PID, "--file", f, "--date", "2026-11-20")
    assert r.exit_code == 1 and f"interim target {dropped['target']}" in r.stderr and "is missing" in r.stderr


def test_contributions_reach_the_invitation_pack(ehcp, store: Path, tmp_path: Path):
    r = ehcp("contribute", PID, "--from", "parent", "--text", "Please add swimming to Section H1.", "--date",
             "2026-10-01")
    assert r.exit_code == 0
    number = int(r.stderr.split("contribution #")[1].split()[0])
    rows = json.loads(ehcp("show", PID, "--contributions", "--json").stdout)
    assert rows[0]["text"] == "Please add swimming to Section H1." and rows[0]["status"] == "open"
    ehcp("review", "schedule", PID, "--meeting", "2026-12-10", "--date", "2026-11-20", "--out", tmp_path)
    assert "Please add swimming to Section H1." in docx_text(tmp_path / PID / "2026-11-20-invitation.docx")
    assert ehcp("contribution", "resolve", PID, str(number), "--not-taken-up").exit_code == 2  # needs a reason
    resolved = ehcp("contribution", "resolve", PID, str(number), "--taken-up", "--reason", "Agreed at review")
    assert resolved.exit_code == 0
    assert json.loads(ehcp("show", PID, "--contributions", "--json").stdout)[0]["status"] == "taken up"


def test_concern_overdue_and_the_response_letter(ehcp, store: Path, tmp_path: Path):
    r = ehcp("concern", "add", PID, "--from", "parent", "--text", "Physiotherapy has not happened since September.",
             "--date", "2026-12-18")
    assert r.exit_code == 0
    assert "response due by 2027-01-20" in r.stderr   # 20 working days, skipping Christmas and New Year
    report = json.loads(ehcp("overdue", "--today", "2027-01-25", "--json").stdout)
    mine = next(p for p in report["plans"] if p["plan"] == PID)
    assert ("concern_response", 5) in {(s["step"], s["days_late"]) for s in mine["overdue"]}
    number = int(r.stderr.split("concern #")[1].split()[0])
    r = ehcp("concern", "respond", PID, str(number), "--text", "Visits restart on 1 February.", "--outcome",
             "early-review", "--date", "2027-01-25", "--out", tmp_path)
    assert r.exit_code == 0 and "this response is late" in r.stderr
    letter = docx_text(tmp_path / PID / f"2027-01-25-concern-response-{number}.docx")
    assert "Visits restart on 1 February." in letter and "early review" in letter and "Ombudsman" in letter
    report = json.loads(ehcp("overdue", "--today", "2027-01-26", "--json").stdout)
    mine = next((p for p in report["plans"] if p["plan"] == PID), {"overdue": []})
    assert "concern_response" not in {s["step"] for s in mine["overdue"]}


def test_requests_need_reasons_when_refused(ehcp, store: Path):
    r = ehcp("review", "request", PID, "--by", "setting", "--reason", "Needs have changed.", "--date", "2026-11-02")
    number = r.stderr.split("#")[1].split()[0]
    assert json.loads(ehcp("deadlines", PID, "--today", "2026-11-03", "--json").stdout)["review_focus"] is not None
    assert ehcp("review", "request-decide", PID, number, "--decision", "refuse").exit_code == 2
    assert ehcp("review", "request-decide", PID, number, "--decision", "refuse", "--reason", "Review due in January.",
                "--date", "2026-11-10").exit_code == 0
    r = ehcp("budget", "request", PID, "--by", "parent", "--details", "Direct payment for swimming", "--date",
             "2026-11-02")
    n = r.stderr.split("#")[1].split()[0]
    assert ehcp("budget", "decide", PID, n, "--decision", "agree", "--date", "2026-11-20").exit_code == 0
    events = [e["event"] for e in json.loads(ehcp("log", PID, "--json").stdout)]
    assert events[:4] == ["personal-budget-decision", "personal-budget-request", "early-review-decision",
                          "early-review-requested"]


def test_a_contribution_becomes_a_line_of_the_proposal(ehcp, store: Path, tmp_path: Path):
    r = ehcp("contribute", PID, "--from", "setting", "--text", "Add weekly touch-typing practice.", "--date",
             "2026-10-01")
    number = r.stderr.split("contribution #")[1].split()[0]
    ehcp("contribution", "resolve", PID, number, "--taken-up", "--reason", "Agreed with the SENCO")
    plan = json.loads(ehcp("show", PID, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "3 times a week in term time"
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(plan, allow_unicode=True))
    r = ehcp("amend", "propose", PID, "--file", f, "--contribution", number, "--date", "2026-11-02",
             "--context", "outside-review", "--no-evidence", "The advice is in the review report.", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    text = docx_text(tmp_path / PID / "2026-11-02-schedule-of-amendments.docx")
    assert "suggested by the setting on 1 October 2026: Add weekly touch-typing practice." in text
