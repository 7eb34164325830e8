"""End to end through the CLI with the real schema/ and templates/: a whole annual review, documents read back."""
import json
from pathlib import Path

import pytest
import yaml

from conftest import PLANS, filled_form, git, name_next_setting, snapshot
from ehcp_docs.documents.saving import docx_text

PID = "EHCP-0002"


@pytest.fixture
def store(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    return store_path


def deadlines(ehcp, today: str) -> dict:
    r = ehcp("deadlines", PID, "--today", today, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def run_to_meeting(ehcp, tmp_path: Path, out: Path) -> None:
    scheduled = ehcp("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20", "--out", out)
    assert scheduled.exit_code == 0
    assert deadlines(ehcp, "2026-10-21")["advice_circulation_due"] == "2026-10-27"
    advice = tmp_path / "advice.txt"
    advice.write_text("advice")
    for role, day in (("setting", "2026-10-22"), ("health", "2026-10-23")):
        r = ehcp("review", "advice", PID, "--from", role, "--file", advice, "--date", day)
        assert r.exit_code == 0, r.stderr
    assert "still waiting for: social-care" in r.stderr
    assert ehcp("review", "circulate", PID, "--date", "2026-10-26").exit_code == 0
    assert deadlines(ehcp, "2026-10-27")["advice_circulation_due"] is None
    assert ehcp("review", "record", PID, "--file", filled_form(ehcp, tmp_path), "--date", "2026-11-10").exit_code == 0
    d = deadlines(ehcp, "2026-11-11")
    assert (d["review_report_due"], d["decision_due"]) == ("2026-11-24", "2026-12-08")


def test_full_review_maintain(ehcp, store: Path, tmp_path: Path):
    out = tmp_path / "out"
    name_next_setting(ehcp, tmp_path)  # Section I names the school for the transfer: maintain is allowed
    before = int(git(store, "rev-list", "--count", "HEAD"))
    run_to_meeting(ehcp, tmp_path, out)
    assert ehcp("review", "report", PID, "--date", "2026-11-17", "--out", out).exit_code == 0
    assert deadlines(ehcp, "2026-11-18")["review_report_due"] is None
    r = ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2026-11-24", "--out", out)
    assert r.exit_code == 0, r.stderr
    events = git(store, "log", "-n", "7", "--format=%(trailers:key=EHCP-Event,valueonly)").split()
    assert events == ["review-decision", "review-report", "review-meeting", "advice-circulated", "advice-received",
                      "advice-received", "review-scheduled"]
    assert int(git(store, "rev-list", "--count", "HEAD")) == before + 7
    d = deadlines(ehcp, "2026-11-25")
    assert d["next_review_due"] == "2027-11-23"   # 12 months on from the decision
    assert d["decision_due"] is None and d["overdue"] == []
    docs = {p.name: docx_text(p) for p in (out / PID).glob("*.docx")}
    assert set(docs) == {"2026-10-20-invitation.docx", "2026-10-20-advice-request-setting.docx",
                         "2026-10-20-advice-request-health.docx", "2026-10-20-advice-request-social-care.docx",
                         "2026-11-17-review-report.docx", "2026-11-24-decision-maintain.docx",
                         "2026-11-24-what-happens-next.docx",
                         # the second parent gets their own letters (issue 15.4), never a name in a file name
                         "2026-10-20-invitation-copy-2.docx", "2026-11-17-review-report-copy-2.docx",
                         "2026-11-24-decision-maintain-copy-2.docx", "2026-11-24-what-happens-next-copy-2.docx"}
    for name, text in docs.items():
        assert "Oliver Brennan-Hayes" in text, name
    letter = docs["2026-11-24-decision-maintain.docx"]
    assert "Dear Sinéad Brennan" in letter and "Copies to:" in letter and "Mark Hayes" in letter
    second = docs["2026-11-24-decision-maintain-copy-2.docx"]
    assert "Dear Mark Hayes" in second and "This is a copy" not in second  # addressed to him, not a copy
    assert "The last day to appeal is 25 January 2027" in letter  # 2 months end on Sunday 24 January (r.12(2))
    assert "end on Sunday 24 January 2027, when the Tribunal is closed" in letter
    assert "This is 2 months from the date of this letter" not in letter
    assert "0300 123 4567" in letter          # mediation adviser, from ehcp.toml
    assert "01234 500600" in letter           # SENDIASS, from ehcp.toml
    assert "personal budget" in docs["2026-10-20-invitation.docx"]
    assert "E1" in docs["2026-11-17-review-report.docx"]


def test_amend_decision_leaves_review_incomplete(ehcp, store: Path, tmp_path: Path):
    run_to_meeting(ehcp, tmp_path, tmp_path / "out")
    ehcp("review", "report", PID, "--date", "2026-11-17", "--out", tmp_path / "out")
    r = ehcp("review", "decide", PID, "--decision", "amend", "--date", "2026-11-24", "--out", tmp_path / "out")
    assert "proposed amendments must be served with this decision, by 2026-12-08" in r.stderr
    d = deadlines(ehcp, "2026-12-09")
    assert d["amendment_notice_due"] == "2026-12-08"
    assert {"step": "amendment_notice", "due": "2026-12-08", "days_late": 1} in \
        [{k: o[k] for k in ("step", "due", "days_late")} for o in d["overdue"]]
    status = json.loads(ehcp("review", "status", PID, "--today", "2026-12-09", "--json").stdout)
    assert status["next_command"] == f"ehcp amend propose {PID} --file PROPOSED.yaml"


def test_meeting_record_missing_an_outcome_is_refused(ehcp, store: Path, tmp_path: Path):
    ehcp("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20", "--out", tmp_path)
    before = snapshot(store)
    r = ehcp("review", "record", PID, "--file", filled_form(ehcp, tmp_path, drop="E2"), "--date", "2026-11-10")
    assert r.exit_code == 1
    assert ("meeting-E2.yaml: outcome E2 (By July 2027 the child will answer inference…) is missing: every outcome "
            "must be accounted for") in r.stderr
    assert snapshot(store) == before


def test_form_is_invalid_until_every_status_is_set(ehcp, store: Path, tmp_path: Path):
    f = tmp_path / "form.yaml"
    f.write_text(ehcp("review", "record", PID, "--form").stdout)
    r = ehcp("review", "record", PID, "--file", f, "--date", "2026-11-10")
    assert r.exit_code == 1 and "outcome E1: status is not set" in r.stderr


def test_young_person_is_addressed_not_the_parent(ehcp, store: Path, tmp_path: Path):
    out = tmp_path / "out"
    r = ehcp("review", "schedule", "EHCP-0005", "--meeting", "2026-11-10", "--date", "2026-10-20", "--out", out)
    assert r.exit_code == 0
    text = docx_text(out / "EHCP-0005" / "2026-10-20-invitation.docx")
    assert "Dear Rhys Llewellyn-Carter" in text and "Dear Bethan" not in text


def test_late_steps_appear_in_overdue(ehcp, store: Path, tmp_path: Path):
    name_next_setting(ehcp, tmp_path)
    ehcp("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20", "--out", tmp_path)
    ehcp("review", "record", PID, "--file", filled_form(ehcp, tmp_path), "--date", "2026-11-10")
    report = json.loads(ehcp("overdue", "--today", "2026-12-20", "--json").stdout)
    mine = next(p for p in report["plans"] if p["plan"] == PID)
    assert {(s["step"], s["days_late"]) for s in mine["overdue"]} >= {("review_report", 26), ("decision", 12)}
    assert report["summary"]["decisions later than 4 weeks"] >= 1
    ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2026-12-20", "--out", tmp_path,
         "--without-report")
    report = json.loads(ehcp("overdue", "--today", "2026-12-21", "--json").stdout)
    mine = next(p for p in report["plans"] if p["plan"] == PID)
    assert ("decision", 12) in {(s["step"], s["days_late"]) for s in mine["late"]}


def test_rescheduling_keeps_the_old_event(ehcp, store: Path, tmp_path: Path):
    ehcp("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20", "--out", tmp_path)
    r = ehcp("review", "schedule", PID, "--meeting", "2026-11-03", "--date", "2026-10-27", "--out", tmp_path)
    assert "only 7 days' notice of the meeting" in r.stderr
    log = json.loads(ehcp("log", PID, "--json").stdout)
    assert [e["event"] for e in log[:2]] == ["review-scheduled", "review-scheduled"]
    assert deadlines(ehcp, "2026-10-28")["advice_circulation_due"] == "2026-10-20"   # from the new date
    journal = (store / "plans" / PID / "events.jsonl").read_text().splitlines()
    last = json.loads(journal[-1])
    assert last["short_notice"] is True and last["reschedules"] == json.loads(journal[-2])["seq"]


def test_lint_warns_but_never_blocks_scheduling(ehcp, store_path: Path, tmp_path: Path):
    from conftest import FIXTURES

    assert ehcp("add", FIXTURES / "vague_plan.yaml").exit_code == 0
    pid = yaml.safe_load((FIXTURES / "vague_plan.yaml").read_text())["id"]
    r = ehcp("review", "schedule", pid, "--meeting", "2026-12-15", "--date", "2026-11-20", "--out", tmp_path)
    assert r.exit_code == 0
    assert "warning: plan quality: " in r.stderr
    lint = json.loads(ehcp("lint", pid, "--json").stdout)
    assert lint["score"] < 100 and ehcp("lint", pid).exit_code == 1


# ---- issue 15.10: a maintain decision in a transfer year must name the next setting ------------------------------
def reviewed_to_report(ehcp, tmp_path: Path) -> None:
    run_to_meeting(ehcp, tmp_path, tmp_path / "out")
    assert ehcp("review", "report", PID, "--date", "2026-11-17").exit_code == 0


def test_maintain_in_a_transfer_year_without_the_next_school_is_refused(ehcp, store: Path, tmp_path: Path):
    reviewed_to_report(ehcp, tmp_path)
    before = snapshot(store)
    r = ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2026-11-24", "--out", tmp_path / "out")
    assert r.exit_code == 1, r.stderr
    assert snapshot(store) == before and "nothing was recorded" in r.stderr
    assert "Traceback" not in r.stderr and "Oliver" not in r.stderr  # the plan id, never the child's name
    assert f"plan {PID}" in r.stderr and "Section I" in r.stderr and "Exampleford Academy" in r.stderr
    assert "2027-09-01" in r.stderr and "reg 18" in r.stderr
    # the commands that fix it: decide to amend and propose, or correct Section I
    assert f"ehcp review decide {PID} --decision amend" in r.stderr
    assert f"ehcp amend propose {PID} --file PROPOSED.yaml" in r.stderr and f"ehcp edit {PID}" in r.stderr
    assert not list((tmp_path / "out").glob(f"{PID}/*decision-maintain*"))  # no letter either
    # each fix works: an amend decision is recorded ...
    r = ehcp("review", "decide", PID, "--decision", "amend", "--date", "2026-11-24")
    assert r.exit_code == 0, r.stderr
    assert json.loads(ehcp("log", PID, "--json").stdout)[0]["event"] == "review-decision"


def test_maintain_in_a_transfer_year_is_allowed_once_section_i_names_the_next_school(ehcp, store: Path,
                                                                                     tmp_path: Path):
    reviewed_to_report(ehcp, tmp_path)
    assert ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2026-11-24").exit_code == 1
    assert deadlines(ehcp, "2026-11-25")["phase_transfer_due"] == "2027-02-14"
    name_next_setting(ehcp, tmp_path)
    r = ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2026-11-24")
    assert r.exit_code == 0, r.stderr
    assert "phase transfer" not in r.stderr
    assert deadlines(ehcp, "2026-11-25")["phase_transfer_due"] is None  # the decision met reg 18


def test_which_maintain_decisions_are_refused():
    """A maintain decision more than 12 months before the transfer, after it, or with Section I naming the next
    setting (or only a type of setting: met, with a warning) is not refused."""
    from datetime import date

    from ehcp_docs import statutory

    plan = yaml.safe_load((PLANS / f"{PID}.yaml").read_text(encoding="utf-8"))
    assert statutory.maintain_leaves_transfer_unnamed(plan, date(2026, 11, 24)) == (date(2027, 9, 1),
                                                                                  "Exampleford Academy")
    assert statutory.maintain_leaves_transfer_unnamed(plan, date(2026, 8, 31)) is None  # 12 months and a day before
    assert statutory.maintain_leaves_transfer_unnamed(plan, date(2026, 9, 1)) is not None
    assert statutory.maintain_leaves_transfer_unnamed(plan, date(2027, 9, 1)) is None  # the transfer has happened
    typed = {**plan, "sections": {**plan["sections"], "I": {"name": "", "type": "Mainstream secondary school"}}}
    assert statutory.maintain_leaves_transfer_unnamed(typed, date(2026, 11, 24)) is None
    named = {**plan, "sections": {**plan["sections"], "I": {"name": "exampleford  academy"}}}
    assert statutory.maintain_leaves_transfer_unnamed(named, date(2026, 11, 24)) is None
    none = {k: v for k, v in plan.items() if k != "transfer"}
    assert statutory.maintain_leaves_transfer_unnamed(none, date(2026, 11, 24)) is None


def test_review_decide_refuses_before_writing(ehcp, store: Path, tmp_path: Path):
    from datetime import date

    from ehcp_docs.casework import review
    from ehcp_docs.errors import WorkflowError
    from ehcp_docs.store import Store

    reviewed_to_report(ehcp, tmp_path)
    before = snapshot(store)
    s = Store.open(str(store))
    try:
        with pytest.raises(WorkflowError) as err:
            review.decide(s, PID, "maintain", "Good progress.", date(2026, 11, 24))
    finally:
        s.close()
    assert err.value.exit_code == 1 and "Section I" in err.value.message and "ehcp edit" in (err.value.hint or "")
    assert snapshot(store) == before


def test_invitations_sent_late_ask_for_advice_after_the_letter_and_warn(ehcp, store: Path, tmp_path: Path):
    """Issue 15.5: invitations three weeks before the meeting would ask for advice back on the day they are
    sent; the reply date becomes the last working day before circulation, and the caseworker is told how little
    time that leaves. Invitations sent six weeks ahead keep the computed date, with no warning."""
    r = ehcp("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20")
    assert r.exit_code == 0, r.stderr
    assert "only 4 working day(s) to reply (by 2026-10-26)" in r.stderr
    events = (store / "plans" / PID / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(events[-1])["advice_due"] == "2026-10-26"
    r = ehcp("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-09-29")
    assert r.exit_code == 0 and "working day(s) to reply" not in r.stderr
    events = (store / "plans" / PID / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(events[-1])["advice_due"] == "2026-10-20"
