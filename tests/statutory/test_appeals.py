"""Issue 14: deadlines a family can rely on. Table-driven tests with the dates worked out from the law
(ehcp-rules.md sections 3.2, 4, 7, 16), and property tests of the invariants."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp_docs import statutory as ts
from ehcp_docs.statutory import appeals

D = date.fromisoformat
DAY = timedelta(days=1)
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def plan(dob: str = "2015-11-04", first_issued: str = "2025-03-10", **kw) -> dict:
    p = {"id": "P1", "child": {"name": "Sam", "date_of_birth": dob}, "first_issued": first_issued,
         "issued": first_issued, "sections": {"I": {"name": "Current School", "type": "Mainstream primary"}}}
    p.update(kw)
    return p


def ev(seq: int, event: str, when: str, **data) -> dict:
    return {"seq": seq, "event": event, "date": when, "recorded": when, "by": "A Caseworker", **data}


# ---- 1. the appeal deadline on a day the Tribunal is closed (HESC r.12(2), r.12(3)(a)) ---------------------------
@pytest.mark.parametrize("basis,sent,raw,deadline,moved,words", [
    ("issue 14: amended plan 11 May 2026: Saturday 11 July -> Monday 13 July", "2026-05-11", "2026-07-11",
     "2026-07-13", "closed", "end on Saturday 11 July 2026, when the Tribunal is closed"),
    ("issue 14: refusal 25 March 2026: spring bank holiday 25 May -> 26 May", "2026-03-25", "2026-05-25",
     "2026-05-26", "closed", "end on Monday 25 May 2026, a bank holiday, when the Tribunal is closed"),
    ("issue 14: 26 January 2027: Good Friday 26 March -> Tuesday 30 March (Easter Monday)", "2027-01-26",
     "2027-03-26", "2027-03-30", "closed", "end on Friday 26 March 2027, Good Friday, when the Tribunal is closed"),
    ("issue 14: 31 December 2026: Sunday 28 February 2027 -> Monday 1 March", "2026-12-31", "2027-02-28",
     "2027-03-01", "closed", "end on Sunday 28 February 2027, when the Tribunal is closed"),
    ("rules 3.2: Sat 15 August -> Tue 1 September (r.12(3)(a))", "2026-06-15", "2026-08-15", "2026-09-01",
     "august", "in August"),
    ("rules 3.2: Sun 27 December -> Mon 4 January (1 January a bank holiday)", "2026-10-27", "2026-12-27",
     "2027-01-04", "christmas", "between Christmas and New Year"),
    ("rules 3.2: Sat 31 July -> Mon 2 August: the time ends in July", "2027-05-31", "2027-07-31", "2027-08-02",
     "closed", "end on Saturday 31 July 2027"),
    ("rules 3.2: a working day stands", "2027-01-05", "2027-03-05", "2027-03-05", None,
     "This is 2 months from the date of this letter."),
])
def test_appeal_deadline_moves_off_closed_days(basis, sent, raw, deadline, moved, words):
    a = ts.appeal_time_on(D(sent))
    assert (a.raw, a.deadline, a.moved) == (D(raw), D(deadline), moved), basis
    assert ts.appeal_deadline(D(sent)) == D(deadline), basis
    assert words in a.reason, basis
    assert a.reason.count(".") == 1 and a.reason.endswith("."), "one plain sentence"
    if moved:
        assert "This is 2 months from the date of this letter" not in a.reason, basis


def test_deadlines_json_gives_the_latest_appealable_decision_and_why():
    events = [ev(1, "review-meeting", "2026-03-01"),
              ev(2, "review-decision", "2026-03-20", decision="maintain"),
              ev(3, "reassessment-requested", "2026-03-21"),
              ev(4, "reassessment-decision", "2026-03-25", decision="refuse", reason="x"),
              ev(5, "reassessment-requested", "2026-04-01"),
              ev(6, "reassessment-decision", "2026-04-10", decision="agree", reason="y")]  # not appealable
    j = ts.deadlines(plan(), events, D("2026-04-20")).as_json()
    assert j["appeal_deadline"] == "2026-05-26"
    assert "bank holiday" in j["appeal_deadline_reason"]
    appeal = [s for s in j["steps"] if s["step"] == "appeal"]
    assert [(s["due"], s["status"]) for s in appeal] == [("2026-05-20", "pending"), ("2026-05-26", "pending")]
    later = ts.deadlines(plan(), events, D("2026-06-01")).as_json()
    assert later["appeal_deadline"] == "2026-05-26"  # the latest decision's, even once passed
    assert {s["status"] for s in later["steps"] if s["step"] == "appeal"} == {"ended"}


@settings(deadline=None)
@given(dates, st.one_of(st.none(), st.integers(0, 120)))
def test_an_appeal_deadline_is_never_a_non_working_day(sent, cert_after):
    certificate = None if cert_after is None else sent + timedelta(days=cert_after)
    d = ts.appeal_deadline(sent, certificate)
    assert ts.is_working_day(d)
    assert d >= ts.months_after(sent, 2)
    raw = ts.months_after(sent, 2) if certificate is None else max(ts.months_after(sent, 2),
                                                                    ts.months_after(certificate, 1))
    if raw.month == 8:  # r.12(3)(a): never in August (one ending 31 July may move into August: r.12(2) only)
        assert d >= date(raw.year, 9, 1)
    if (raw.month == 12 and raw.day >= 25) or (raw.month == 1 and raw.day == 1):  # r.12(3)(a)
        assert d > date(raw.year + (raw.month == 12), 1, 1)
    assert raw.month == 8 or (d - raw).days <= 10  # else moved at most past a long weekend or holiday
    assert ts.appeal_time_on(sent).deadline == ts.appeal_deadline(sent)


# ---- 2. the decision deadline and the 12-month window (rules 4.2) ------------------------------------------------
def test_decision_due_is_the_window_end_when_that_comes_first():
    p = plan(first_issued="2025-03-01")  # window ends 2026-02-28
    d = ts.deadlines(p, [ev(1, "review-meeting", "2026-02-20")], D("2026-02-21"))
    assert d.next_review_due == D("2026-02-28")
    assert d.as_json()["decision_due"] == "2026-02-28"  # not 20 March
    late = ts.deadlines(p, [ev(1, "review-meeting", "2026-02-20"), ev(2, "review-decision", "2026-03-10",
                                                                        decision="maintain")], D("2026-03-11"))
    assert [(s.name, s.days_late(late.as_of)) for s in late.late if s.name == "decision"] == [("decision", 10)]
    early = ts.deadlines(p, [ev(1, "review-meeting", "2026-01-10")], D("2026-01-11"))
    assert early.as_json()["decision_due"] == "2026-02-07"  # 4 weeks, inside the window


@settings(deadline=None)
@given(dates, st.integers(0, 500))
def test_decision_due_is_never_after_the_window_end(start, meeting_after):
    p = plan(dob=(start - timedelta(days=3650)).isoformat(), first_issued=start.isoformat())
    meeting = start + timedelta(days=meeting_after)
    d = ts.deadlines(p, [ev(1, "review-meeting", meeting.isoformat())], meeting + DAY)
    window_end = ts.within_12_months_starting(start)
    due = d.pending("decision")
    assert due is not None and due <= window_end
    assert due == min(meeting + timedelta(days=28), window_end)


# ---- 3. reg 18: the plan in force must name the next setting -----------------------------------------------------
TRANSFER = {"date": "2027-09-01", "kind": "primary-to-secondary", "next_setting": "Exampleford Academy"}


@pytest.mark.parametrize("basis,events,today,due,done,warned", [
    ("reg 18: a maintain decision while Section I names the current school does not meet it",
     [ev(1, "review-meeting", "2026-11-10"), ev(2, "review-decision", "2026-11-24", decision="maintain",
                                                section_i={"name": "Current School", "type": "Mainstream"})],
     "2027-02-16", "2027-02-14", None, False),
    ("reg 18: an amended plan naming the next school meets it",
     [ev(1, "amended-plan-issued", "2027-01-20", sections=["I"],
         section_i={"name": "Exampleford Academy", "type": "Academy"})], "2027-02-16", None, "2027-01-20", False),
    ("reg 18: a maintain decision on a plan that already names it meets it",
     [ev(1, "review-meeting", "2026-11-10"), ev(2, "review-decision", "2026-11-24", decision="maintain",
                                                section_i={"name": "exampleford  academy", "type": "Academy"})],
     "2027-02-16", None, "2026-11-24", False),
    ("reg 18: a type only meets it, with a warning",
     [ev(1, "amended-plan-issued", "2027-01-20", sections=["I"],
         section_i={"name": "", "type": "Mainstream secondary school"})], "2027-02-16", None, "2027-01-20", True),
    ("reg 18: an amend decision alone does not meet it (the amended plan must be issued)",
     [ev(1, "review-meeting", "2026-11-10"), ev(2, "review-decision", "2026-11-24", decision="amend",
                                                section_i={"name": "Exampleford Academy", "type": "Academy"})],
     "2027-02-16", "2027-02-14", None, False),
])
def test_phase_transfer_needs_the_next_setting_named(basis, events, today, due, done, warned):
    p = plan(first_issued="2026-03-01", transfer=TRANSFER)
    d = ts.deadlines(p, events, D(today))
    j = d.as_json()
    assert j["phase_transfer_due"] == due, basis
    step = next(s for s in d.steps if s.name == "phase_transfer")
    assert (step.done.isoformat() if step.done else None) == done, basis
    if due:
        assert "phase_transfer" in {o["step"] for o in j["overdue"]}, basis  # overdue after 15 February
    assert bool([w for w in d.warnings if "only a type" in w]) == warned, basis


def test_phase_transfer_without_a_recorded_next_setting_needs_section_i_changed():
    p = plan(first_issued="2026-03-01", transfer={"date": "2027-09-01", "kind": "primary-to-secondary"})
    maintain = [ev(1, "review-decision", "2026-11-24", decision="maintain",
                   section_i={"name": "Current School", "type": "Mainstream"})]
    assert ts.deadlines(p, maintain, D("2026-12-01")).pending("phase_transfer") == D("2027-02-14")
    amended = [ev(1, "amended-plan-issued", "2027-01-10", sections=["I", "F"],
                  section_i={"name": "Big High School", "type": "Mainstream"})]
    assert ts.deadlines(p, amended, D("2027-01-11")).pending("phase_transfer") is None


# ---- 4. ceasing after the appeal period (CFA s.45(4); rules 7) ---------------------------------------------------
def test_cease_notice_of_25_march_ceases_from_27_may():
    assert ts.cease_from(ts.appeal_deadline(D("2026-03-25"))) == D("2026-05-27")
    events = [ev(1, "cease-proposed", "2026-03-01", reason_code=4),
              ev(2, "cease-decision", "2026-03-25", decision="cease", reason_code=4, effective="2026-05-26")]
    p = plan(first_issued="2025-09-01")
    assert ts.deadlines(p, events, D("2026-05-26")).ceased is None  # a stale recorded date is not trusted
    assert ts.deadlines(p, events, D("2026-05-27")).ceased == D("2026-05-27")


@settings(deadline=None)
@given(dates, st.integers(0, 400), st.one_of(st.none(), st.integers(0, 70)))
def test_a_plan_never_ceases_on_or_before_the_last_day_for_appealing(decided, recorded_after, cert_after):
    """With or without a mediation certificate: the later, certificate-based limit counts too (rules 3.2, 7)."""
    effective = decided + timedelta(days=recorded_after)
    events = [ev(1, "cease-decision", decided.isoformat(), decision="cease", effective=effective.isoformat())]
    certificate = None
    if cert_after is not None:
        certificate = decided + timedelta(days=cert_after)
        events += [ev(2, "mediation-contact", decided.isoformat(), wants_mediation=False),
                   ev(3, "mediation-certificate", certificate.isoformat(), contact=2)]
    p = plan(dob=(decided - timedelta(days=5000)).isoformat(), first_issued=(decided - timedelta(days=100)).isoformat())
    last_day = ts.appeal_deadline(decided, certificate)
    assert last_day >= ts.appeal_deadline(decided)
    for today in (last_day, last_day + DAY, effective):
        d = ts.deadlines(p, events, today)
        if d.ceased is not None:
            assert d.ceased > last_day and d.ceased >= effective
    if effective <= last_day + DAY:  # and it does cease the day after, not later
        assert ts.deadlines(p, events, last_day + DAY).ceased == last_day + DAY


# ---- 5. one recommended meeting date (rules 4.1) -----------------------------------------------------------------
def test_year_6_meeting_counts_back_from_the_transfer_deadline_everywhere():
    p = plan(dob="2016-01-15", first_issued="2020-03-01", last_reviewed="2026-02-20",
             transfer={"date": "2027-09-01", "kind": "primary-to-secondary", "next_setting": "Exampleford Academy"})
    d = ts.deadlines(p, [], D("2026-12-01"))
    assert d.next_review_due == D("2027-02-19")
    assert d.meeting_recommended_by == D("2027-01-17")  # 14 February - 28 days
    row = ts.review_due_in(p, [], D("2027-01-01"), D("2027-04-30"), D("2026-12-01"))
    assert row is not None and row.meeting_recommended_by == d.meeting_recommended_by
    step = next(s for s in d.steps if s.name == "meeting_recommended" and s.pending)
    assert step.due == d.meeting_recommended_by


def test_meeting_counts_back_from_the_window_when_no_transfer_comes_first():
    p = plan(first_issued="2026-03-02")
    d = ts.deadlines(p, [], D("2026-12-01"))
    assert (d.next_review_due, d.meeting_recommended_by) == (D("2027-03-01"), D("2027-02-01"))


# ---- 6. a ceased plan's steps are closed, not late ---------------------------------------------------------------
def test_steps_closed_by_ceasing_are_not_late():
    p = plan(first_issued="2026-01-26")  # review due 2027-01-25
    events = [ev(1, "cease-proposed", "2026-10-01", reason_code=4),
              ev(2, "cease-decision", "2026-12-01", decision="cease", reason_code=4)]
    d = ts.deadlines(p, events, D("2027-03-01"))
    assert d.ceased == D("2027-02-02")  # Mon 1 February + 1
    review = next(s for s in d.steps if s.name == "review")
    assert review.status(d.as_of) == "closed" and review.closed_by == "cease-decision"
    assert not [s for s in d.late if s.name == "review"] and d.overdue == []
    assert d.next_review_due is None


# ---- 9. the 25th birthday (CFA s.46; reg 46; rules 16) -----------------------------------------------------------
@pytest.mark.parametrize("dob,ends", [
    ("2002-03-10", "2027-07-31"),   # turns 25 in March 2027: the academic year ends 31 July 2027
    ("2002-08-01", "2028-07-31"),   # turns 25 on 1 August 2027: a new academic year
    ("2002-07-31", "2027-07-31"),   # turns 25 on the last day of the academic year
])
def test_plan_ends_at_the_end_of_the_academic_year_of_the_25th_birthday(dob, ends):
    assert ts.plan_ends(D(dob)) == D(ends)
    assert ts.plan_ends(D(dob)) < ts.birthday(D(dob), 26)


def test_no_review_beyond_the_end_and_drift_after_it():
    p = plan(dob="2002-03-10", first_issued="2026-09-01")  # review would be due 2027-08-31, after 31 July 2027
    d = ts.deadlines(p, [], D("2027-01-10"))
    j = d.as_json()
    assert j["plan_ends"] == "2027-07-31" and j["next_review_due"] is None and j["meeting_recommended_by"] is None
    assert not [s for s in d.steps if s.name == "review" and s.pending]
    after = ts.deadlines(p, [], D("2027-08-02"))
    assert [o["step"] for o in after.as_json()["overdue"]] == ["plan_ends"]
    ceased = ts.deadlines(p, [ev(1, "cease-decision", "2027-04-01", decision="cease", reason_code=1)],
                          D("2027-08-02"))
    assert ceased.ceased == D("2027-06-02") and ceased.overdue == [] and ceased.late == []


def test_appealable_events_match_the_letters_with_appeal_rights():
    assert set(appeals.APPEALABLE) == {"review-decision", "amended-plan-issued", "amendment-withdrawn",
                                       "reassessment-decision", "cease-decision"}


# ---- 11. service of documents (reg 22(2)(c): 15 days beginning with the day of service) -------------------------
NOTICE = [ev(1, "amendment-proposed", "2026-10-09", context="outside-review")]  # a Friday


@pytest.mark.parametrize("basis,served,reps_due,final_due,warned", [
    ("not recorded: counted from the notice's date, with a warning", [], "2026-10-23", "2026-12-04", True),
    ("by hand on the day", [ev(2, "document-served", "2026-10-09", document=1, how="hand")], "2026-10-23",
     "2026-12-04", False),
    ("posted Friday: served the second working day after (Tuesday)",
     [ev(2, "document-served", "2026-10-09", document=1, how="post")], "2026-10-27", "2026-12-08", False),
    ("emailed on Monday", [ev(2, "document-served", "2026-10-12", document=1, how="email")], "2026-10-26",
     "2026-12-07", False),
])
def test_periods_run_from_the_day_of_service(basis, served, reps_due, final_due, warned):
    d = ts.deadlines(plan(), NOTICE + served, D("2026-10-20"))
    j = d.as_json()
    assert (j["representations_due"], j["final_plan_due"]) == (reps_due, final_due), basis
    step = next(s for s in j["steps"] if s["step"] == "representations")
    assert ("served" in step) and step["served"] == (None if not served else
                                                     ts.served_on(served[0]["how"], D(served[0]["date"])).isoformat())
    assert bool([w for w in d.warnings if "service is not recorded" in w]) == warned, basis
    assert "served" not in next(s for s in j["steps"] if s["step"] == "review")


def test_posting_rule_is_an_ehcp_toml_decision():
    o = ts.RuleOptions(posted_served_working_days=4)
    assert ts.served_on("post", D("2026-10-09"), o) == D("2026-10-15")
    assert ts.served_on("post", D("2026-12-24")) == D("2026-12-30")  # over Christmas and Boxing Day (observed)
    with pytest.raises(Exception, match="posted_served_working_days"):
        ts.RuleOptions(posted_served_working_days=0)


# ---- 10. exceptions to time limits (reg 27(3); rules 6) -----------------------------------------------------------
REASSESS = [ev(1, "reassessment-requested", "2026-01-05"),
            ev(2, "reassessment-decision", "2026-01-15", decision="agree")]  # final plan due 2026-04-23


def test_an_exception_marks_the_step_late_with_the_reason_and_changes_no_date():
    exc = [ev(3, "time-limit-exception", "2026-05-01", step="reassessment_final_plan", ref=2,
              ground="absent-from-area")]
    without = ts.deadlines(plan(), REASSESS, D("2026-05-10"))
    marked = ts.deadlines(plan(), REASSESS + exc, D("2026-05-10"))
    assert without.as_json()["reassessment_final_plan_due"] == marked.as_json()["reassessment_final_plan_due"] \
        == "2026-04-23"
    step = next(s for s in marked.steps if s.name == "reassessment_final_plan")
    assert step.status(marked.as_of) == "overdue, with an exception" and step.exception == "absent-from-area"
    done = ts.deadlines(plan(), REASSESS + exc + [ev(4, "amended-plan-issued", "2026-05-20")], D("2026-05-21"))
    step = next(s for s in done.steps if s.name == "reassessment_final_plan")
    assert step.status(done.as_of) == "late, with an exception"


def test_exceptions_only_where_the_regulations_give_them():
    assert ts.exception_reason("reassessment_final_plan", "personal-circumstances").basis == "reg 27(3)(c)"
    with pytest.raises(Exception, match="allow no exception"):
        ts.exception_reason("decision", "personal-circumstances")
    with pytest.raises(Exception, match="not a reason"):
        ts.exception_reason("reassessment_final_plan", "too-busy")
