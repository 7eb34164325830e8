"""Issue 14: recording service of a document and exceptions to a time limit: one commit each, refusals that
change nothing, the drift report's line per exception reason."""
import json
from pathlib import Path

import pytest

from conftest import git, sample_files, snapshot

PID = "EHCP-0002"


@pytest.fixture
def store(ehcp, store_path: Path) -> Path:
    assert ehcp("add", *sample_files()).exit_code == 0
    return store_path


def commits(store: Path) -> int:
    return int(git(store, "rev-list", "--count", "HEAD"))


def test_served_by_post_is_one_commit_and_names_the_day_of_service(ehcp, store: Path):
    before = commits(store)
    r = ehcp("served", PID, "--document", "1", "--how", "post", "--date", "2026-10-09")
    assert r.exit_code == 0, r.stderr
    assert "served by post on 2026-10-13" in r.stderr  # Friday posted -> Tuesday, the 2nd working day
    assert commits(store) == before + 1
    trailers = git(store, "log", "-1", "--format=%(trailers:key=EHCP-Event,valueonly)").split()
    assert trailers == ["document-served"]
    line = json.loads((store / "plans" / PID / "events.jsonl").read_text().splitlines()[-1])
    assert (line["event"], line["document"], line["how"], line["served"]) == ("document-served", 1, "post",
                                                                              "2026-10-13")


def test_served_refuses_bad_input_and_changes_nothing(ehcp, store: Path):
    before = snapshot(store)
    r = ehcp("served", PID, "--how", "post", "--date", "2026-10-09")
    assert r.exit_code == 2 and "has no amendment notice" in r.stderr
    r = ehcp("served", PID, "--document", "99", "--how", "hand")
    assert r.exit_code == 2 and "no document made from journal entry 99" in r.stderr
    r = ehcp("served", PID, "--document", "1", "--how", "pigeon")
    assert r.exit_code == 2
    assert snapshot(store) == before


def test_exception_is_reported_late_with_its_reason_in_the_drift_report(ehcp, store: Path, tmp_path: Path):
    assert ehcp("reassess", "request", PID, "--by", "parent", "--date", "2026-01-05").exit_code == 0
    r = ehcp("reassess", "decide", PID, "--decision", "agree", "--date", "2026-01-15", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    before = snapshot(store)
    r = ehcp("exception", PID, "--step", "reassessment_final_plan", "--reason", "absent-from-area",
             "--from", "2026-02-01", "--to", "2026-02-10", "--date", "2026-05-01")
    assert r.exit_code == 2 and "at least 4 continuous weeks" in r.stderr
    r = ehcp("exception", PID, "--step", "decision", "--reason", "personal-circumstances",
             "--from", "2026-02-01", "--to", "2026-03-10", "--date", "2026-05-01")
    assert r.exit_code == 2 and "allow no exception" in r.stderr
    assert snapshot(store) == before
    n = commits(store)
    r = ehcp("exception", PID, "--step", "reassessment_final_plan", "--reason", "absent-from-area",
             "--from", "2026-02-01", "--to", "2026-03-10", "--details", "The family was abroad.",
             "--date", "2026-05-01")
    assert r.exit_code == 0, r.stderr
    assert commits(store) == n + 1
    d = json.loads(ehcp("deadlines", PID, "--today", "2026-05-10", "--json").stdout)
    assert d["reassessment_final_plan_due"] == "2026-04-23"  # the date does not change
    step = next(s for s in d["steps"] if s["step"] == "reassessment_final_plan")
    assert step["status"] == "overdue, with an exception" and step["exception"] == "absent-from-area"
    report = ehcp("overdue", "--today", "2026-05-10")
    assert "re-assessment plans later than 14 weeks, with an exception: the child, parent or young person was " \
           "away from the area for at least 4 weeks: 1" in report.stderr
    assert "re-assessment plans later than 14 weeks: " not in report.stderr


@pytest.mark.parametrize("step,reason,allowed", [
    ("reassessment_final_plan", "school-closure", True),  # reg 27(3)(a)
    ("order_amend", "personal-circumstances", True),  # reg 44
    ("order_amend", "school-closure", False),  # not a reg 44 reason
    ("unopposed_amend", "early-years-closure", True),  # reg 45: a reg 13(3) circumstance
    ("agreement_amend", "personal-circumstances", False),  # reg 42 lists none (rules 13)
    ("decision", "personal-circumstances", False),  # regs 20-22: none
    ("phase_transfer", "absent-from-area", False),  # reg 18: none
    ("final_plan", "personal-circumstances", False),  # reg 22(3): none
])
def test_each_step_accepts_the_reasons_its_regulation_lists(step, reason, allowed):
    from ehcp_docs import statutory
    from ehcp_docs.errors import UsageError

    if allowed:
        assert statutory.exception_reason(step, reason).basis.startswith(("reg 27(3)", "reg 44", "reg 45"))
    else:
        with pytest.raises(UsageError):
            statutory.exception_reason(step, reason)


def test_absence_needs_4_weeks_for_a_reassessment_and_2_for_an_order():
    from ehcp_docs import statutory

    assert statutory.exception_reason("reassessment_final_plan", "absent-from-area").min_days == 28
    assert statutory.exception_reason("order_section_i", "absent-from-area").min_days == 14
    assert statutory.exception_reason("unopposed_draft_plan", "absent-from-area").min_days == 14


def test_order_exception_gets_its_own_line_in_the_drift_report(ehcp, store_path: Path, tmp_path: Path):
    """Rules 14: an order's time limit need not be met where the family was away for at least 2 weeks; the late
    step is then "Tribunal order not complied with, with an exception: ..." in `overdue`, not plain drift."""
    from conftest import amended_plan_issued

    pid = "EHCP-0004"
    amended_plan_issued(ehcp, tmp_path, pid)
    for args in (("mediation", "contact", pid, "--wants-mediation", "no", "--date", "2026-10-26"),
                 ("mediation", "certificate", pid, "--date", "2026-10-28"),
                 ("appeal", "register", pid, "--against", "amended-plan", "--about", "F", "--date", "2026-11-25"),
                 ("appeal", "order", pid, "--order", "amend", "--date", "2027-02-10")):
        assert ehcp(*args).exit_code == 0
    before = snapshot(store_path)
    short = ehcp("exception", pid, "--step", "order_amend", "--reason", "absent-from-area", "--from", "2027-02-15",
                 "--to", "2027-02-25", "--date", "2027-03-20")
    assert short.exit_code == 2 and "at least 2 continuous weeks" in short.stderr
    wrong = ehcp("exception", pid, "--step", "order_amend", "--reason", "school-closure", "--from", "2027-02-15",
                 "--to", "2027-03-25", "--date", "2027-03-20")
    assert wrong.exit_code == 2 and "not a reason the regulations give" in wrong.stderr
    after_deadline = ehcp("exception", pid, "--step", "order_amend", "--reason", "personal-circumstances",
                          "--from", "2027-03-18", "--to", "2027-03-25", "--date", "2027-03-20")
    assert after_deadline.exit_code == 2 and "cannot explain" in after_deadline.stderr
    assert snapshot(store_path) == before
    plain = ehcp("overdue", "--today", "2027-03-20")
    assert "Tribunal order not complied with: 1" in plain.stderr
    n = commits(store_path)
    r = ehcp("exception", pid, "--step", "order_amend", "--reason", "absent-from-area", "--from", "2027-02-15",
             "--to", "2027-03-05", "--date", "2027-03-20")
    assert r.exit_code == 0, r.stderr
    assert commits(store_path) == n + 1
    d = json.loads(ehcp("deadlines", pid, "--today", "2027-03-20", "--json").stdout)
    step = next(s for s in d["steps"] if s["step"] == "order_amend")
    assert (step["due"], step["status"], step["exception"]) == ("2027-03-17", "overdue, with an exception",
                                                               "absent-from-area")
    report = ehcp("overdue", "--today", "2027-03-20")
    assert "Tribunal order not complied with, with an exception: the child, parent or young person was away " \
           "from the area for at least 2 weeks: 1" in report.stderr
    assert "Tribunal order not complied with: " not in report.stderr
