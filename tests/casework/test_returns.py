"""Management information (casework/returns.py, cli/stats.py): a store whose histories are written by hand has
known answers, and the SEN2 fields, the DfE's tables, `--explain` and the pre-submission check give exactly those."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, git

AS_OF = "2026-12-01"

# plan: (first issued, date of birth, journal lines after `issued`)
HISTORIES = {
    # a review decided 20 days after its meeting
    "TEST-0001": ("2024-05-10", "2016-03-14", [("review-meeting", "2026-03-02", {}),
                                              ("review-decision", "2026-03-22", {"decision": "maintain"})]),
    # a review decided 40 days after its meeting
    "TEST-0002": ("2023-04-01", "2015-01-20", [("review-meeting", "2026-04-01", {}),
                                              ("review-decision", "2026-05-11", {"decision": "maintain"})]),
    # a meeting with no decision yet (more than 4 weeks before AS_OF)
    "TEST-0003": ("2022-09-01", "2014-06-01", [("review-meeting", "2026-10-01", {})]),
    # a review deciding to cease, then ceasing with SEN2 reason 4 (paid employment)
    "TEST-0004": ("2020-01-10", "2006-01-01", [
        ("review-meeting", "2026-02-02", {}), ("review-decision", "2026-02-12", {"decision": "cease"}),
        ("cease-proposed", "2026-02-16", {"reason_code": 4, "reason": "Paid employment."}),
        ("cease-decision", "2026-03-20", {"decision": "cease", "reason_code": 4, "effective": "2026-05-20"})]),
    # an amendment with its draft issued, and the final amended plan
    "TEST-0005": ("2021-06-01", "2013-09-09", [
        ("review-meeting", "2026-06-01", {}), ("review-decision", "2026-06-15", {"decision": "amend"}),
        ("amendment-proposed", "2026-06-15", {"context": "review", "changes": 1}),
        ("amended-plan-issued", "2026-07-27", {"context": "review"})]),
    # a plan less than a year old
    "TEST-0006": ("2026-04-01", "2019-02-02", []),
}


def _write_journal(store: Path, pid: str, lines: list[tuple[str, str, dict]]) -> None:
    path = store / "plans" / pid / "events.jsonl"
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for name, day, data in lines:
        records.append({"seq": len(records) + 1, "event": name, "date": day, "recorded": day, "by": "A Caseworker",
                        **data})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def build(ehcp, store: Path, tmp: Path, histories: dict) -> None:
    base = yaml.safe_load((FIXTURES / "minimal_plan.yaml").read_text(encoding="utf-8"))
    files = []
    for pid, (first, dob, _) in histories.items():
        plan = {**base, "id": pid, "first_issued": first, "issued": first,
                "child": {**base["child"], "date_of_birth": dob}}
        f = tmp / f"{pid}.yaml"
        f.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
        files.append(f)
    r = ehcp("add", *files)
    assert r.exit_code == 0, r.stderr
    for pid, (_, _, lines) in histories.items():
        _write_journal(store, pid, lines)
    git(store, "commit", "-qam", "histories written by hand")


@pytest.fixture
def known(ehcp, store_path: Path, tmp_path: Path):
    build(ehcp, store_path, tmp_path, HISTORIES)
    return ehcp


def test_annual_reviews_give_the_known_figures(known):
    r = known("stats", "annual-reviews", "--year", "2026", "--today", AS_OF, "--json")
    assert r.exit_code == 0, r.stderr
    row = json.loads(r.stdout)
    expected = {"total_ehc_plans": 6, "review_expected_2026": 5, "review_not_expected_2026": 1,
                "review_completed_2026": 5, "review_completed_prior_2026": 0, "review_not_completed": 0,
                "outcome_amended": 1, "outcome_ceased": 1, "outcome_maintained": 2, "no_outcome_recorded": 1,
                "decision_4_weeks": 3, "decision_over_4_weeks": 2, "decision_not_yet_due": 0}
    assert {k: row[k] for k in expected} == expected
    assert row["decision_4_weeks_percent"] == 60.0 and row["review_completed_2026_percent"] == 100.0


def test_explain_names_the_plans_and_events(known):
    r = known("stats", "annual-reviews", "--year", "2026", "--today", AS_OF, "--explain", "decision_over_4_weeks",
              "--json")
    assert r.exit_code == 0, r.stderr
    members = json.loads(r.stdout)
    assert [m["plan"] for m in members] == ["TEST-0002", "TEST-0003"]
    assert [e["event"] for e in members[0]["events"]] == ["review-meeting", "review-decision"]
    assert members[1]["events"] == [{"seq": 2, "event": "review-meeting", "date": "2026-10-01"}]
    plain = known("stats", "annual-reviews", "--year", "2026", "--today", AS_OF,
                  "--explain", "review_not_expected_2026")
    assert plain.stdout.split()[0] == "TEST-0006"
    bad = known("stats", "annual-reviews", "--year", "2026", "--explain", "nonsense")
    assert bad.exit_code == 2 and "decision_4_weeks" in bad.stderr


def test_a_decision_still_within_its_4_weeks_is_not_yet_counted_either_way(known):
    row = json.loads(known("stats", "annual-reviews", "--year", "2026", "--today", "2026-10-20", "--json").stdout)
    assert row["decision_not_yet_due"] == 1 and row["decision_over_4_weeks"] == 1
    assert known("stats", "check", "--year", "2026", "--today", "2026-10-20").exit_code == 0


def test_sen2_fields_from_the_history(known):
    r = known("sen2", "--census", "2027-01-21", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = {row["plan"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert set(rows) == set(HISTORIES)
    assert (rows["TEST-0001"]["reviewmeeting"], rows["TEST-0001"]["reviewoutcome"],
            rows["TEST-0001"]["lastreview"]) == ("2026-03-02", "M", "2026-03-22")
    assert (rows["TEST-0003"]["reviewmeeting"], rows["TEST-0003"]["reviewoutcome"],
            rows["TEST-0003"]["lastreview"]) == ("2026-10-01", "", "")
    assert (rows["TEST-0004"]["ceasedate"], rows["TEST-0004"]["ceasereason"], rows["TEST-0004"]["reviewoutcome"],
            rows["TEST-0004"]["pb"]) == ("2026-05-20", "4", "C", "")
    assert (rows["TEST-0005"]["reviewoutcome"], rows["TEST-0005"]["reviewdraft"]) == ("A", "2026-06-15")
    assert rows["TEST-0006"]["startdate"] == "2026-04-01" and rows["TEST-0006"]["reviewmeeting"] == ""
    assert rows["TEST-0002"]["pb"] == "0" and rows["TEST-0004"]["ceasereason"] == "4"


def test_sen2_follows_the_collection_of_the_census_date(known):
    older = known("sen2", "--census", "2024-01-18").stdout.splitlines()[0].split(",")
    assert "reviewmeeting" in older and "reviewdraft" not in older and "phasetransferduedate" not in older
    oldest = known("sen2", "--census", "2023-01-19").stdout.splitlines()[0].split(",")
    assert "reviewmeeting" not in oldest and "lastreview" in oldest
    # a plan ceased before the reference period is not in the return; one made after the census neither
    later = known("sen2", "--census", "2028-01-20").stdout
    assert "TEST-0004" not in later and "TEST-0006" in later
    assert "TEST-0006" not in known("sen2", "--census", "2026-01-15").stdout


def test_sen2_xml_and_out_file(known, tmp_path: Path):
    out = tmp_path / "sen2.xml"
    r = known("sen2", "--census", "2027-01-21", "--format", "xml", "--out", out)
    assert r.exit_code == 0 and r.stdout == ""
    root = ET.fromstring(out.read_bytes())
    plans = {p.get("id"): p for p in root.iter("Plan")}
    assert plans["TEST-0004"].findtext("ceasereason") == "4"
    assert plans["TEST-0005"].findtext("reviewdraft") == "2026-06-15"
    assert root.findtext("Header/CollectionDetails/Year") == "2027"


def test_stats_check_is_clean_on_the_known_store(known):
    r = known("stats", "check", "--year", "2026", "--today", AS_OF, "--json")
    assert r.exit_code == 0, r.stdout
    result = json.loads(r.stdout)
    assert result["failures"] == []
    assert [(f["check"], f["plans"]) for f in result["listed"]] == [("meeting-without-decision", ["TEST-0003"])]


PLANTED = {
    # a decision to cease with no reason code
    "TEST-0011": ("2020-01-10", "2006-01-01", [
        ("review-meeting", "2026-02-02", {}), ("review-decision", "2026-02-12", {"decision": "cease"}),
        ("cease-decision", "2026-03-20", {"decision": "cease", "effective": "2026-05-20"})]),
    # a review outcome with no meeting
    "TEST-0012": ("2021-06-01", "2013-09-09", [("review-decision", "2026-06-15", {"decision": "maintain"})]),
    # a decision dated before its meeting
    "TEST-0013": ("2022-09-01", "2014-06-01", [("review-meeting", "2026-05-10", {}),
                                              ("review-decision", "2026-05-01", {"decision": "maintain"})]),
}


def test_stats_check_names_every_planted_error(ehcp, store_path: Path, tmp_path: Path):
    build(ehcp, store_path, tmp_path, {**HISTORIES, **PLANTED})
    r = ehcp("stats", "check", "--year", "2026", "--today", AS_OF, "--json")
    assert r.exit_code == 1
    failures = {f["check"]: f["plans"] for f in json.loads(r.stdout)["failures"]}
    assert failures == {"cease-without-reason": ["TEST-0011"], "outcome-without-meeting": ["TEST-0012"],
                        "decision-before-meeting": ["TEST-0013"]}
    words = ehcp("stats", "check", "--year", "2026", "--today", AS_OF)
    assert words.exit_code == 1 and "TEST-0011" in words.stdout and "Traceback" not in words.stderr


def test_identity_failures_name_the_plans():
    from datetime import date

    from ehcp_docs.casework import returns

    t = returns.Table("t", 2026, date(2026, 12, 1), returns.review_columns(2026) + [returns.PENDING])
    for c in t.columns:
        t.members[c] = []
    t.members["review_expected_2026"] = [{"plan": "P-1", "events": []}, {"plan": "P-2", "events": []}]
    t.members["review_completed_2026"] = [{"plan": "P-1", "events": []}]
    t.members["total_ehc_plans"] = [{"plan": p, "events": []} for p in ("P-1", "P-2", "P-3")]
    t.members["outcome_maintained"] = [{"plan": "P-1", "events": []}]
    t.members["decision_4_weeks"] = [{"plan": "P-1", "events": []}]
    found = returns.identity_failures(t)
    assert [(f.check, f.plans) for f in found] == [("identity", ["P-2"]), ("identity", ["P-3"])]


def test_phase_transfers_table(known, store_path: Path):
    plan = store_path / "plans" / "TEST-0001" / "plan.yaml"
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    data["transfer"] = {"date": "2027-09-01", "kind": "primary-to-secondary", "next_setting": "Exampleford Academy"}
    plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _write_journal(store_path, "TEST-0001", [("review-meeting", "2026-11-02", {}),
                                             ("review-decision", "2026-11-20", {"decision": "amend"}),
                                             ("amendment-proposed", "2026-11-20", {"context": "review"}),
                                             ("amended-plan-issued", "2027-01-10", {
                                                 "context": "review", "sections": ["I"],
                                                 "section_i": {"name": "Exampleford Academy"}})])
    git(store_path, "commit", "-qam", "a transfer")
    row = json.loads(known("stats", "phase-transfers", "--year", "2027", "--today", "2027-03-01", "--json").stdout)
    assert (row["number_plans"], row["due_27"], row["final_27"]) == (1, 1, 1)
    early = json.loads(known("stats", "phase-transfers", "--year", "2027", "--today", "2026-12-15", "--json").stdout)
    assert early["final_27"] == 0


def test_explain_names_exactly_the_plans_of_every_column(known):
    """Every column of the hand-made store's row, explained: exactly the plans each history was written for."""
    expected = {
        "total_ehc_plans": ["TEST-0001", "TEST-0002", "TEST-0003", "TEST-0004", "TEST-0005", "TEST-0006"],
        "review_expected_2026": ["TEST-0001", "TEST-0002", "TEST-0003", "TEST-0004", "TEST-0005"],
        "review_not_expected_2026": ["TEST-0006"],  # less than a year old
        "review_completed_2026": ["TEST-0001", "TEST-0002", "TEST-0003", "TEST-0004", "TEST-0005"],
        "review_completed_prior_2026": [], "review_not_completed": [],
        "outcome_amended": ["TEST-0005"], "outcome_ceased": ["TEST-0004"],
        "outcome_maintained": ["TEST-0001", "TEST-0002"], "no_outcome_recorded": ["TEST-0003"],
        "decision_4_weeks": ["TEST-0001", "TEST-0004", "TEST-0005"],  # 20 days, 10 days, 14 days
        "decision_over_4_weeks": ["TEST-0002", "TEST-0003"],  # 40 days; no decision 2 months on
        "decision_not_yet_due": [],
    }
    for column, plans in expected.items():
        r = known("stats", "annual-reviews", "--year", "2026", "--today", AS_OF, "--explain", column, "--json")
        assert r.exit_code == 0, r.stderr
        members = json.loads(r.stdout)
        assert [m["plan"] for m in members] == plans, column
        assert all(m["events"] for m in members), column  # each names the events that put it there
    r = known("stats", "phase-transfers", "--year", "2026", "--today", AS_OF, "--explain", "number_plans", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == []
