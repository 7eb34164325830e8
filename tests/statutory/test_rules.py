"""Table-driven tests of the statutory calendar (ehcp-rules.md sections 3-6), each row citing its basis."""
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp_docs import statutory
from ehcp_docs import statutory as ts

D = date.fromisoformat


@pytest.mark.parametrize("basis,fn,args,expected", [
    ("CFA s.44(1): 12 months starting with X", ts.within_12_months_starting, (D("2026-01-10"),), D("2027-01-09")),
    ("CFA s.44(1): leap day start", ts.within_12_months_starting, (D("2024-02-29"),), D("2025-02-27")),
    ("CFA s.44(1): month-end start", ts.within_12_months_starting, (D("2025-01-31"),), D("2026-01-30")),
    ("rules 3: months clamp to a short month", ts.months_after, (D("2024-01-31"), 1), D("2024-02-29")),
    ("rules 3: months clamp, non-leap", ts.months_after, (D("2026-01-31"), 1), D("2026-02-28")),
    ("reg 20(3): at least 2 weeks before", ts.at_least_weeks_before, (D("2026-12-15"), 2), D("2026-12-01")),
    ("reg 20(7): within 2 weeks", ts.within_weeks, (D("2026-12-15"), 2), D("2026-12-29")),
    ("reg 22(2)(c): 15 days beginning with", ts.period_beginning_with, (D("2027-01-05"), 15), D("2027-01-19")),
    ("reg 22(3): within 8 weeks", ts.within_weeks, (D("2027-01-05"), 8), D("2027-03-02")),
    ("re-assessment: within 15 days", ts.within_days, (D("2027-01-05"), 15), D("2027-01-20")),
    ("reg 27(2): within 14 weeks", ts.within_weeks, (D("2027-01-05"), 14), D("2027-04-13")),
    ("reg 18(1)(b): before 15 February", ts.before_fixed, (2027, 2, 15), D("2027-02-14")),
    ("reg 18(1)(a): before 31 March", ts.before_fixed, (2027, 3, 31), D("2027-03-30")),
    ("rules 8: appeal 2 months from the letter", ts.appeal_deadline, (D("2027-01-05"),), D("2027-03-05")),
    ("rules 8: 1 month from a later mediation certificate (Sat -> Mon)", ts.appeal_deadline,
     (D("2027-01-05"), D("2027-02-20")), D("2027-03-22")),
    ("rules 3: August deadline -> first working day of September", ts.appeal_deadline, (D("2027-06-10"),),
     D("2027-09-01")),
    ("rules 3: Christmas deadline -> next working day in January", ts.appeal_deadline, (D("2026-10-27"),),
     D("2027-01-04")),
    # 25 and 28 December are holidays
    ("working days skip a bank holiday and a weekend", ts.add_working_days, (D("2026-12-24"), 2), D("2026-12-30")),
    ("working days skip the Easter weekend", ts.add_working_days, (D("2027-03-25"), 1), D("2027-03-30")),
])
def test_date_rules(basis, fn, args, expected):
    assert fn(*args) == expected, basis


@pytest.mark.parametrize("dob,on,year", [
    ("2012-10-05", "2026-09-01", 9),   # rules 3.1 worked example
    ("2012-08-31", "2026-09-01", 10),  # summer-born: the year above
    ("2012-09-01", "2026-09-01", 9),   # born a day later: Year 9 (birthday rule)
    ("2013-08-31", "2026-09-01", 9),
    ("2013-09-01", "2026-09-01", 8),
    ("2021-09-01", "2026-09-10", 0),   # Reception
    ("2013-01-01", "2026-07-20", 8),   # before 1 September the old school year applies
])
def test_nc_year_birthday_rule(dob, on, year):
    assert statutory.nc_year(D(dob), D(on)) == year


def test_recorded_year_group_wins():
    assert statutory.nc_year(D("2012-10-05"), D("2026-09-01"), override=8) == 8


def test_young_person_decides_after_last_friday_in_june_of_year_11():
    dob = D("2010-04-22")  # Year 11 in 2025/26
    assert statutory.end_of_compulsory_school_age(dob) == D("2026-06-26")
    assert statutory.decision_maker(dob, D("2026-06-26")) == "parent"
    assert statutory.decision_maker(dob, D("2026-06-27")) == "young-person"
    assert statutory.decision_maker(dob, D("2026-06-27"), lacks_capacity=True) == "parent"


def plan(**kw):
    p = {"id": "P1", "child": {"name": "X", "date_of_birth": "2015-11-04"}, "first_issued": "2025-03-10",
         "issued": "2025-03-10", "sections": {}}
    p.update(kw)
    return p


def ev(seq, event, when, **data):
    return {"seq": seq, "event": event, "date": when, **data}


def test_review_cycle_steps_and_clock_restart():
    events = [ev(1, "issued", "2025-03-10"),
              ev(2, "review-scheduled", "2026-01-05", meeting="2026-02-02", invitations_sent="2026-01-05"),
              ev(3, "review-meeting", "2026-02-02")]
    d = ts.deadlines(plan(), events, D("2026-02-10"))
    j = d.as_json()
    assert j["next_review_due"] == "2026-03-09"          # CFA s.44(1)
    assert j["meeting_recommended_by"] == "2026-02-09"   # CoP 9.169 project decision
    assert j["advice_circulation_due"] is None           # meeting held: circulation no longer pending
    assert j["review_report_due"] == "2026-02-16"        # reg 20(7)
    assert j["decision_due"] == "2026-03-02"             # reg 20; CoP 9.176
    events.append(ev(4, "review-decision", "2026-03-05", decision="maintain", meeting="2026-02-02"))
    d = ts.deadlines(plan(), events, D("2026-03-06"))
    assert d.as_json()["next_review_due"] == "2027-03-04"  # 12 months from the decision
    # decision 3 days late; advice never recorded as circulated counts as circulated at the meeting: late
    assert sorted(s.name for s in d.late) == ["advice_circulation", "decision"]
    assert [o["step"] for o in d.as_json()["overdue"]] == ["review_report"]
    assert ts.deadlines(plan(), events, D("2026-03-06"), ts.Options(review_clock_from="meeting")).as_json()[
        "next_review_due"] == "2027-02-01"


def test_amendments_do_not_move_the_review_clock():
    events = [ev(1, "issued", "2025-03-10"), ev(2, "amendment-proposed", "2025-06-02"),
              ev(3, "amended-plan-issued", "2025-07-01")]
    j = ts.deadlines(plan(), events, D("2025-06-03")).as_json()
    assert (j["representations_due"], j["final_plan_due"]) == ("2025-06-16", "2025-07-28")  # reg 22
    assert ts.deadlines(plan(), events, D("2025-07-02")).as_json()["next_review_due"] == "2026-03-09"


@pytest.mark.parametrize("kind,transfer,due", [
    ("primary-to-secondary", "2027-09-01", "2027-02-14"),     # reg 18(1)(b)
    ("secondary-to-post16", "2027-09-01", "2027-03-30"),      # reg 18(1)(a)
    ("post16-to-post16", "2027-01-15", "2026-08-15"),         # reg 18(2)
])
def test_phase_transfer_deadlines(kind, transfer, due):
    p = plan(transfer={"date": transfer, "kind": kind})
    j = ts.deadlines(p, [ev(1, "issued", "2025-03-10")], D("2026-10-01")).as_json()
    assert j["phase_transfer_due"] == due
    assert "phase-transfer" in j["review_focus"]


def test_child_turning_five_during_the_window_keeps_the_interim_review():
    p = plan(child={"name": "X", "date_of_birth": "2021-05-01"}, first_issued="2026-03-01", issued="2026-03-01")
    j = ts.deadlines(p, [], D("2026-06-01")).as_json()
    assert j["interim_review_due"] == "2026-09-01"  # CoP 9.178: under 5 when the window started
    assert "under-five" not in j["review_focus"]    # but 5 by the day asked


def test_reassessment_clocks():
    events = [ev(1, "reassessment-requested", "2026-01-05", by="parent")]
    assert ts.deadlines(plan(), events, D("2026-01-06")).as_json()["reassessment_decision_due"] == "2026-01-20"
    events.append(ev(2, "reassessment-decision", "2026-01-15", decision="agree"))
    j = ts.deadlines(plan(), events, D("2026-01-16")).as_json()
    assert (j["reassessment_decision_due"], j["reassessment_final_plan_due"]) == (None, "2026-04-23")


def test_options_are_validated():
    with pytest.raises(Exception, match="review_clock_from"):
        ts.Options.from_mapping({"review_clock_from": "whenever"})
    with pytest.raises(Exception, match="unknown setting"):
        ts.Options.from_mapping({"nonsense": 1})


def test_rules_have_effective_dates():
    assert ts.rule("review", D("2026-01-01")).basis == "CFA s.44(1); CoP 9.169"
    with pytest.raises(KeyError):
        ts.rule("review", D("2010-01-01"))


dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@given(dates)
def test_review_window_is_exactly_twelve_months(start):
    last = ts.within_12_months_starting(start)
    assert last >= start
    assert ts.months_after(start, 12) == last + (date(2000, 1, 2) - date(2000, 1, 1))


@given(dates, st.integers(0, 60))
def test_deadlines_never_before_their_trigger(trigger, n):
    for d in (ts.within_weeks(trigger, n), ts.within_days(trigger, n), ts.period_beginning_with(trigger, n + 1),
              ts.appeal_deadline(trigger), ts.add_working_days(trigger, n)):
        assert d >= trigger


@settings(deadline=None)  # timed by a loaded machine, not by the rule (the first call imports the calendar)
@given(dates, st.integers(30, 400))
def test_recording_a_step_removes_it_from_overdue(meeting, later):
    events = [ev(1, "review-meeting", meeting.isoformat())]
    today = meeting + (date(2000, 1, 1 + 1) - date(2000, 1, 1)) * later
    p = plan(first_issued=(meeting - (date(2000, 3, 1) - date(2000, 1, 1))).isoformat())
    before = {o["step"] for o in ts.deadlines(p, events, today).as_json()["overdue"]}
    assert "review_report" in before
    events.append(ev(2, "review-report", today.isoformat()))
    after = {o["step"] for o in ts.deadlines(p, events, today).as_json()["overdue"]}
    assert "review_report" not in after


def test_every_rule_has_words_for_the_drift_summary():
    """`ehcp overdue` summarises by step in plain English: no rule may show up as its internal name."""
    import re

    from ehcp_docs.casework import caseload
    from ehcp_docs.statutory import rules

    names = set(re.findall(r'_r\("([a-z_0-9]+)"', Path(rules.__file__).read_text(encoding="utf-8")))
    assert len(names) > 15
    assert names <= set(caseload.STEP_WORDS)
    assert all(" " in words for words in caseload.STEP_WORDS.values())
