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
