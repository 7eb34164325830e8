"""The statutory calendar (ehcp_docs.timescales and its parts periods, rulebook and schoolyear), table by table.

Every table row cites the rule it checks: a regulation, the Act, the Code of Practice, or a section of
../shared/reference/ehcp-rules.md ("rules 3" = section 3). Property tests at the end check the invariants that
every rule must keep, whatever the dates."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp_docs import statutory
from ehcp_docs import statutory as ts
from ehcp_docs.errors import UsageError
from ehcp_docs.statutory import rules

D = date.fromisoformat
DAY = timedelta(days=1)

REQUIRED_KEYS = ["plan", "as_of", "decision_maker", "nc_year", "review_focus", "next_review_due",
                 "meeting_recommended_by", "interim_review_due", "invitations_due", "advice_circulation_due",
                 "review_report_due", "decision_due", "representations_due", "final_plan_due", "phase_transfer_due",
                 "reassessment_decision_due", "reassessment_final_plan_due", "overdue"]


def plan(dob: str = "2015-11-04", first_issued: str = "2025-03-10", **kw) -> dict:
    p = {"id": "P1", "child": {"name": "Sam", "date_of_birth": dob}, "first_issued": first_issued,
         "issued": first_issued, "sections": {}}
    p.update(kw)
    return p


def ev(seq: int, event: str, when: str, **data) -> dict:
    return {"seq": seq, "event": event, "date": when, "recorded": when, "by": "A Caseworker", **data}


def due_json(p: dict, events: list[dict], today: str, options: ts.RuleOptions = ts.DEFAULT_OPTIONS) -> dict:
    return ts.deadlines(p, events, D(today), options).as_json()


def overdue_steps(p: dict, events: list[dict], today: date) -> set[str]:
    return {o["step"] for o in ts.deadlines(p, events, today).as_json()["overdue"]}


# ---- rules 3: the date conventions -------------------------------------------------------------------------------
@pytest.mark.parametrize("basis,fn,args,expected", [
    ("rules 3 'within N weeks': X + 7N (reg 20(7): 2 weeks)", ts.within_weeks, ("2026-11-10", 2), "2026-11-24"),
    ("rules 3 'within N weeks' (reg 22(3): 8 weeks)", ts.within_weeks, ("2026-12-01", 8), "2027-01-26"),
    ("rules 3 'within N weeks' (reg 27(2): 14 weeks)", ts.within_weeks, ("2026-01-15", 14), "2026-04-23"),
    ("rules 3 'within N days': X + N (re-assessment: 15 days)", ts.within_days, ("2026-01-05", 15), "2026-01-20"),
    ("rules 3 'period of N days beginning with X': X + N - 1 (reg 22(2)(c))", ts.period_beginning_with,
     ("2026-12-01", 15), "2026-12-15"),
    ("rules 3 'beginning with' across a month end (reg 22(2)(c))", ts.period_beginning_with,
     ("2027-01-25", 15), "2027-02-08"),
    ("rules 3 '12 months starting with X' (CFA s.44)", ts.within_12_months_starting, ("2026-03-02",), "2027-03-01"),
    ("rules 3 '12 months starting with' a leap day (CFA s.44)", ts.within_12_months_starting, ("2024-02-29",),
     "2025-02-27"),
    ("rules 3 '12 months starting with' a month end (CFA s.44)", ts.within_12_months_starting, ("2024-01-31",),
     "2025-01-30"),
    ("rules 3 '12 months starting with' 1 March after a leap year (CFA s.44)", ts.within_12_months_starting,
     ("2023-03-01",), "2024-02-29"),
    ("rules 3 'at least N weeks before X': X - 7N (reg 20(3))", ts.at_least_weeks_before, ("2026-11-10", 2),
     "2026-10-27"),
    ("rules 3 'at least N weeks before' across a year end (reg 20(4))", ts.at_least_weeks_before,
     ("2027-01-08", 2), "2026-12-25"),
    ("rules 3 'before D': the day before (reg 18(1)(b): 15 February)", ts.before_fixed_date, ("2027-02-15",),
     "2027-02-14"),
    ("rules 3 'before D' (reg 18(1)(a): 31 March)", ts.before_fixed_date, ("2027-03-31",), "2027-03-30"),
    ("rules 3 months clamp in a leap year: 2024-01-31 + 1 month", ts.months_after, ("2024-01-31", 1), "2024-02-29"),
    ("rules 3 months clamp: 2026-01-31 + 1 month", ts.months_after, ("2026-01-31", 1), "2026-02-28"),
    ("rules 3 months clamp: a leap day + 12 months", ts.months_after, ("2024-02-29", 12), "2025-02-28"),
    ("rules 3 months clamp: 31 August + 1 month", ts.months_after, ("2026-08-31", 1), "2026-09-30"),
    ("reg 18(2) 5 months before, clamped", ts.months_after, ("2027-07-31", -5), "2027-02-28"),
    ("CoP 9.178 interim review: 6 months after", ts.months_after, ("2026-08-31", 6), "2027-02-28"),
])
def test_date_conventions(basis, fn, args, expected):
    args = tuple(D(a) if isinstance(a, str) else a for a in args)
    assert fn(*args) == D(expected), basis


@pytest.mark.parametrize("basis,deadline,extended", [
    ("rules 3: August -> first working day of September (1 Sep a Wednesday)", "2027-08-15", "2027-09-01"),
    ("rules 3: August -> first working day of September (1 Sep a Sunday)", "2024-08-10", "2024-09-02"),
    ("rules 3: August -> first working day of September (1 Sep a Saturday)", "2029-08-31", "2029-09-03"),
    ("rules 3: 1 August is in August too", "2026-08-01", "2026-09-01"),
    ("rules 3: 25 Dec -> next working day in January (1 Jan a bank holiday)", "2026-12-25", "2027-01-04"),
    ("rules 3: 31 Dec -> next working day in January", "2026-12-31", "2027-01-04"),
    ("rules 3: 1 Jan a Saturday, substitute Monday 3 Jan -> Tuesday", "2021-12-27", "2022-01-04"),
    ("rules 3: 1 Jan itself", "2027-01-01", "2027-01-04"),
    ("rules 3: 24 Dec is not extended", "2026-12-24", "2026-12-24"),
    ("rules 3.2: 2 Jan on a Saturday -> Monday (r.12(2), not r.12(3))", "2027-01-02", "2027-01-04"),
    ("rules 3: 31 July is not extended", "2026-07-31", "2026-07-31"),
    ("rules 3.2: 1 September on a Saturday -> Monday (r.12(2))", "2029-09-01", "2029-09-03"),
        ("rules 3.2: 2 Jan on a weekday is not moved", "2026-01-02", "2026-01-02"),
        ("rules 3.2: Sat 31 July -> Mon 2 August (the time ends in July)", "2027-07-31", "2027-08-02"),
])
def test_tribunal_holiday_extensions(basis, deadline, extended):
    assert ts.tribunal_extension(D(deadline)) == D(extended), basis


@pytest.mark.parametrize("basis,letter,certificate,expected", [
    ("rules 8: 2 months from the letter (Sun 24 Jan -> Mon, r.12(2))", "2026-11-24", None, "2027-01-25"),
    ("rules 8 + 3: 2 months, clamped to February (Sat 28 Feb -> Mon)", "2025-12-31", None, "2026-03-02"),
    ("rules 8: 1 month from a later mediation certificate wins (Sat -> Mon)", "2027-01-05", "2027-02-20",
     "2027-03-22"),
    ("rules 8: on a weekday the date stands", "2027-01-05", None, "2027-03-05"),
    ("rules 8: an earlier certificate does not shorten the time", "2027-01-05", "2027-01-10", "2027-03-05"),
    ("rules 3 + 8: 2 months landing in August is extended", "2026-06-10", None, "2026-09-01"),
    ("rules 3 + 8: the certificate's month landing in August is extended", "2027-05-01", "2027-07-15",
     "2027-09-01"),
    ("rules 3 + 8: landing on Boxing Day is extended into January", "2026-10-26", None, "2027-01-04"),
])
def test_appeal_deadline(basis, letter, certificate, expected):
    cert = D(certificate) if certificate else None
    assert ts.appeal_deadline(D(letter), cert) == D(expected), basis


@pytest.mark.parametrize("basis,start,n,expected", [
    ("working days: Friday + 1 is Monday", "2026-11-27", 1, "2026-11-30"),
    ("working days: skip Christmas, Boxing Day (substitute 28 Dec) and the weekend", "2026-12-24", 2, "2026-12-30"),
    ("working days: skip Good Friday and Easter Monday 2027", "2027-03-25", 1, "2027-03-30"),
    ("working days: skip the late summer bank holiday", "2026-08-28", 1, "2026-09-01"),
    ("working days: 20 (concern response default) over Christmas", "2026-12-01", 20, "2026-12-31"),
    ("working days: 0 leaves the day alone", "2026-12-25", 0, "2026-12-25"),
    ("working days: negative counts back", "2026-12-29", -1, "2026-12-24"),
])
def test_working_days(basis, start, n, expected):
    assert ts.add_working_days(D(start), n) == D(expected), basis


def test_working_day_is_monday_to_friday_and_not_an_english_bank_holiday():
    assert ts.is_working_day(D("2026-12-24")) and not ts.is_working_day(D("2026-12-28"))  # Boxing Day substitute
    assert not ts.is_working_day(D("2026-11-28"))  # a Saturday
    assert ts.is_working_day(D("2026-03-17"))  # St Patrick's Day: a bank holiday in Northern Ireland only
    assert ts.is_working_day(D("2026-08-03"))  # Scotland's summer bank holiday, not England's


# ---- rules 3.1: age, year group and decision maker ---------------------------------------------------------------
@pytest.mark.parametrize("basis,dob,on,year", [
    ("rules 3.1 worked example: born 2012-10-05 is Year 9 in 2026/27", "2012-10-05", "2026-09-01", 9),
    ("rules 3.1 birthday rule: born 31 August is the oldest of the younger cohort's year above", "2012-08-31",
     "2025-10-01", 9),
    ("rules 3.1 birthday rule: born 1 September joins the next cohort", "2012-09-01", "2025-10-01", 8),
    ("rules 3.1 the school year starts 1 September: 31 August is still the old year", "2012-08-31", "2026-08-31", 9),
    ("rules 3.1 the school year starts 1 September: new year group on 1 September", "2012-08-31", "2026-09-01", 10),
    ("rules 3.1 Reception is 0", "2021-09-01", "2026-09-10", 0),
    ("rules 3.1 before Reception is negative", "2023-01-19", "2026-12-01", -1),
    ("rules 3.1 Year 11", "2010-04-22", "2026-01-10", 11),
])
def test_nc_year_birthday_rule(basis, dob, on, year):
    assert statutory.nc_year(D(dob), D(on)) == year, basis


def test_recorded_year_group_wins():  # rules 3.1: a child taught out of their chronological year
    assert statutory.nc_year(D("2012-10-05"), D("2026-09-01"), override=8) == 8
    assert due_json(plan(dob="2012-10-05", year_group=8, year_group_recorded_for=2026), [],
                    "2026-10-01")["nc_year"] == 8


@pytest.mark.parametrize("basis,dob,end", [
    ("rules 3.1: last Friday in June of Year 11 (turns 16 in 2026/27)", "2010-04-22", "2026-06-26"),
    ("rules 3.1: 30 June 2029 is a Saturday, so Friday 29 June", "2012-10-05", "2029-06-29"),
    ("rules 3.1: born 31 August, Year 11 in 2025/26", "2010-08-31", "2026-06-26"),
    ("rules 3.1: born 1 September, Year 11 in 2026/27", "2010-09-01", "2027-06-25"),
])
def test_end_of_compulsory_school_age(basis, dob, end):
    assert statutory.end_of_compulsory_school_age(D(dob)) == D(end), basis


@pytest.mark.parametrize("basis,on,lacks_capacity,who", [
    ("rules 3.1: on the last Friday in June of Year 11 the parent still decides", "2026-06-26", False, "parent"),
    ("rules 3.1: from the day after, the young person decides (CFA s.83)", "2026-06-27", False, "young-person"),
    ("rules 1: a young person who lacks capacity: the parent decides", "2026-06-27", True, "parent"),
    ("rules 3.1: years later, still the young person", "2031-01-01", False, "young-person"),
])
def test_decision_maker(basis, on, lacks_capacity, who):
    p = plan(dob="2010-04-22")
    p["child"]["lacks_capacity"] = lacks_capacity
    assert statutory.decision_maker(p, D(on)) == who, basis
    assert statutory.decision_maker(D("2010-04-22"), D(on), lacks_capacity=lacks_capacity) == who, basis
    assert due_json(p, [], on)["decision_maker"] == who, basis


@pytest.mark.parametrize("basis,dob,on,under", [
    ("rules 3.1: the day before the 5th birthday", "2021-05-01", "2026-04-30", True),
    ("rules 3.1: on the 5th birthday the child is 5", "2021-05-01", "2026-05-01", False),
    ("rules 3.1 decision: born 29 February, still 4 on 28 February", "2020-02-29", "2025-02-28", True),
    ("rules 3.1 decision: born 29 February, 5 on 1 March", "2020-02-29", "2025-03-01", False),
])
def test_under_five(basis, dob, on, under):
    assert statutory.is_under_five(D(dob), D(on)) is under, basis


# ---- rules as data, and the LA's options -------------------------------------------------------------------------
def test_every_rule_has_a_basis_a_description_and_an_effective_date():
    for r in ts.all_rules():
        assert r.basis and r.description and r.trigger, r.name
        assert r.effective_from >= ts.SEND_REGS_2014
        assert ts.rule(r.name, D("2026-01-01")) is r  # one version each today


@pytest.mark.parametrize("name,basis", [
    ("review", "CFA s.44(1); CoP 9.169"),
    ("invitations", "reg 20(3); reg 21(3)"),
    ("advice_circulation", "reg 20(4); reg 21(4); CoP 9.176"),
    ("review_report", "reg 20(7),(8); reg 21(7); CoP 9.176"),
    ("decision", "reg 20; CoP 9.176"),
    ("representations", "reg 22(2)(c)"),
    ("final_plan", "reg 22(3),(4)"),
    ("phase_transfer", "reg 18(1)(b)"),
    ("phase_transfer_post16", "reg 18(1)(a)"),
    ("phase_transfer_post16_other", "reg 18(2)"),
    ("reassessment_final_plan", "reg 27(2) (exemptions: reg 27(3))"),
    ("interim_review", "CoP 9.178"),
])
def test_rules_cite_their_basis(name, basis):
    assert ts.rule(name, D("2026-01-01")).basis == basis


def test_rule_versions_by_effective_date(monkeypatch):
    """A change in the law is a new version: steps triggered before it keep the old deadline."""
    old = ts.rule("decision", D("2026-01-01"))
    monkeypatch.setitem(rules._REGISTRY, "decision", list(rules._REGISTRY["decision"]))
    ts.register(ts.Rule("decision", "Decide within 3 weeks of the meeting (hypothetical future rule)",
                        "hypothetical amending regulations 2030", lambda t, o: ts.within_weeks(t, 3),
                        "the meeting date", effective_from=D("2030-01-01")))
    assert ts.rule("decision", D("2029-12-31")) is old
    assert ts.rule("decision", D("2030-01-01")).basis == "hypothetical amending regulations 2030"
    p = plan(first_issued="2029-06-01")
    assert due_json(p, [ev(1, "review-meeting", "2029-12-31")], "2030-01-02")["decision_due"] == "2030-01-28"
    assert due_json(p, [ev(1, "review-meeting", "2030-01-01")], "2030-01-02")["decision_due"] == "2030-01-22"
    with pytest.raises(KeyError):
        ts.rule("decision", D("2010-01-01"))  # nothing in force before the 2014 framework
    with pytest.raises(KeyError):
        ts.rule("no-such-rule", D("2026-01-01"))


def test_calendar_modules_are_pure():
    """No I/O, no click, no git: the calendar is computed the same way by every command and every test."""
    import ast
    import importlib
    import inspect
    import pkgutil

    from ehcp_docs import statutory

    modules = [statutory] + [importlib.import_module(f"ehcp_docs.statutory.{m.name}")
                             for m in pkgutil.iter_modules(statutory.__path__)]
    assert len(modules) >= 8
    for module in modules:
        tree = ast.parse(inspect.getsource(module))
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"click", "git", "os", "pathlib", "subprocess", "io", "shutil"}, module.__name__
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "open" not in calls and "print" not in calls, module.__name__


def test_advice_return_date_is_an_option():  # reg 20(4): asked back in time to circulate 2 weeks before
    # circulation by Tue 27 October 2026; 5 working days before it is Tue 20 October (issue 15.5)
    assert ts.advice_return_due(D("2026-11-10")) == D("2026-10-20")
    assert ts.advice_return_due(D("2026-11-10"), ts.RuleOptions(advice_return_days_before_meeting=14,
                                advice_reply_working_days_before_circulation=0)) == D("2026-10-27")
    assert ts.advice_return_due(D("2026-11-10"), ts.RuleOptions(advice_return_days_before_meeting=21)) == \
        D("2026-10-13")


def test_advice_reply_date_never_falls_in_a_school_holiday():
    terms = [{"name": "summer-2027", "start": "2027-04-12", "end": "2027-07-21"},
             {"name": "autumn-2027", "start": "2027-09-06", "end": "2027-12-17"}]
    # a meeting on 24 September: circulation 10 September, 5 working days before is 3 September, in the summer
    # holiday; the request goes back to the last day of the summer term
    assert ts.advice_return_due(D("2027-09-24"), terms_config=terms) == D("2027-07-21")
    # in term time it stays as computed
    assert ts.advice_return_due(D("2027-11-10"), terms_config=terms) == D("2027-10-20")


def test_advice_reply_date_is_always_after_the_request_and_before_circulation():
    """Invitations sent late (issue 15.5): a reply date on or before the request's own day would ask for the
    impossible; it becomes the latest working day in term before circulation."""
    # meeting Tue 10 November 2026, circulation Tue 27 October: 5 working days before is Tue 20 October, the day
    # the invitations go; Mon 26 October is a working day before circulation, after the request
    late = ts.advice_return_due(D("2026-11-10"), asked=D("2026-10-20"))
    assert D("2026-10-20") < late < D("2026-10-27") and late == D("2026-10-26")
    assert ts.advice_reply_days(D("2026-10-20"), late) == 4
    # asked in time: the date is as computed, and the advisers have the working days a considered answer needs
    assert ts.advice_return_due(D("2026-11-10"), asked=D("2026-09-29")) == D("2026-10-20")
    assert ts.advice_reply_days(D("2026-09-29"), D("2026-10-20")) == 15 >= ts.ADVICE_REPLY_MIN_WORKING_DAYS
    # the summer holiday: asked on the first day of the autumn term for a meeting on 24 September, the reply date
    # cannot go back to 21 July; it is the last term-time working day before circulation on 10 September
    terms = [{"name": "summer-2027", "start": "2027-04-12", "end": "2027-07-21"},
             {"name": "autumn-2027", "start": "2027-09-06", "end": "2027-12-17"}]
    assert ts.advice_return_due(D("2027-09-24"), terms_config=terms, asked=D("2027-09-06")) == D("2027-09-09")
    # no working day left between the request and circulation: the circulation date itself, never before the request
    assert ts.advice_return_due(D("2027-09-24"), terms_config=terms, asked=D("2027-09-10")) == D("2027-09-10")


def test_options_defaults():
    o = ts.RuleOptions.from_mapping({})
    assert (o.review_clock_from, o.under5_interval_months, o.meeting_lead_days, o.advice_return_days_before_meeting,
            o.concern_response_working_days, o.phase_transfer_meeting_term, o.early_review_decision_days,
            o.personal_budget_decision_days) == ("decision", 6, 28, 14, 20, "autumn", 28, 28)
    o = ts.RuleOptions.from_mapping({"review_clock_from": "meeting", "meeting_lead_days": 42})
    assert (o.review_clock_from, o.meeting_lead_days) == ("meeting", 42)
    assert ts.Options is ts.RuleOptions


@pytest.mark.parametrize("why,mapping,words", [
    ("choice", {"review_clock_from": "whenever"}, "review_clock_from must be 'decision' or 'meeting'"),
    ("CoP 9.178: 3 to 6 months", {"under5_interval_months": 12}, "under5_interval_months must be from 3 to 6"),
    ("reg 20: the decision needs 4 weeks after the meeting", {"meeting_lead_days": 14}, "meeting_lead_days must be"),
    ("reg 20(4): advice circulated 2 weeks before", {"advice_return_days_before_meeting": 7}, "reg 20(4)"),
    ("a number, not text", {"concern_response_working_days": "20"}, "whole number of working days"),
    ("a number, not a boolean", {"meeting_lead_days": True}, "whole number of days"),
    ("choice", {"phase_transfer_meeting_term": "winter"}, "phase_transfer_meeting_term must be"),
    ("typo", {"meeting_lead_day": 28}, "unknown setting meeting_lead_day"),
])
def test_options_are_validated(why, mapping, words):
    with pytest.raises(UsageError) as e:
        ts.RuleOptions.from_mapping(mapping)
    assert words in e.value.message + " ".join(e.value.messages) + (e.value.hint or ""), why
    assert e.value.exit_code == 2


def test_every_bad_option_is_reported_at_once():
    with pytest.raises(UsageError) as e:
        ts.RuleOptions.from_mapping({"under5_interval_months": 0, "phase_transfer_meeting_term": "winter"})
    assert len(e.value.messages) == 2


# ---- rules 4.1: when reviews are due -----------------------------------------------------------------------------
@pytest.mark.parametrize("basis,plan_kw,events,options,expected", [
    ("CFA s.44(1)(a): first review within 12 months of first issue", {"first_issued": "2026-03-02"}, [], {},
     "2027-03-01"),
    ("CFA s.44(1)(b): later reviews from the imported last review", {"first_issued": "2021-02-15",
     "last_reviewed": "2026-02-20"}, [], {}, "2027-02-19"),
    ("rules 4.1 decision: the date of the review is the decision", {"first_issued": "2025-03-10"},
     [ev(1, "review-meeting", "2026-02-02"), ev(2, "review-decision", "2026-02-20", decision="maintain")], {},
     "2027-02-19"),
    ("rules 4.1: configurable to the meeting date", {"first_issued": "2025-03-10"},
     [ev(1, "review-meeting", "2026-02-02"), ev(2, "review-decision", "2026-02-20", decision="maintain")],
     {"review_clock_from": "meeting"}, "2027-02-01"),
    ("rules 4.1: amendments never restart the clock", {"first_issued": "2025-03-10"},
     [ev(1, "amendment-proposed", "2025-06-02", context="outside-review"),
      ev(2, "amended-plan-issued", "2025-07-01", context="outside-review")], {}, "2026-03-09"),
    ("rules 4.1: a decision to amend restarts it; the amended plan does not move it again",
     {"first_issued": "2025-03-10"},
     [ev(1, "review-meeting", "2026-02-02"), ev(2, "review-decision", "2026-02-20", decision="amend"),
      ev(3, "amendment-proposed", "2026-02-20", context="review"),
      ev(4, "amended-plan-issued", "2026-04-01", context="review")], {}, "2027-02-19"),
    ("CFA s.44(1): leap-day issue", {"first_issued": "2024-02-29"}, [], {}, "2025-02-27"),
])
def test_next_review_due(basis, plan_kw, events, options, expected):
    j = due_json(plan(**plan_kw), events, "2026-04-02" if events else "2024-03-01",
                 ts.RuleOptions.from_mapping(options))
    assert j["next_review_due"] == expected, basis
    assert j["meeting_recommended_by"] == (D(expected) - timedelta(days=28)).isoformat(), "CoP 9.169 decision"


def test_meeting_lead_days_is_an_option():  # CoP 9.169 project decision, configurable
    j = due_json(plan(first_issued="2026-03-02"), [], "2026-04-01", ts.RuleOptions(meeting_lead_days=42))
    assert j["meeting_recommended_by"] == "2027-01-18"


def test_a_late_review_is_overdue_with_its_basis():  # CFA s.44(1)
    j = due_json(plan(first_issued="2025-10-06"), [], "2026-12-01")
    assert j["next_review_due"] == "2026-10-05"
    assert [(o["step"], o["days_late"], o["basis"]) for o in j["overdue"]] == \
        [("review", 57, "CFA s.44(1); CoP 9.169")]


@pytest.mark.parametrize("basis,dob,first_issued,today,interim,focus", [
    ("CoP 9.178: under 5 when the window starts -> interim review at +6 months", "2021-05-01", "2026-03-01",
     "2026-04-01", "2026-09-01", ["under-five"]),
    ("CoP 9.178: turning 5 during the window keeps the interim review", "2021-05-01", "2026-03-01", "2026-06-01",
     "2026-09-01", []),
    ("rules 3.1 + CoP 9.178: 5 on the day the window starts -> none", "2021-05-01", "2026-05-01", "2026-06-01",
     None, []),
    ("CoP 9.178 + rules 3: +6 months clamps at a month end", "2022-01-01", "2026-08-31", "2026-09-01",
     "2027-02-28", ["under-five"]),
])
def test_under_fives(basis, dob, first_issued, today, interim, focus):
    j = due_json(plan(dob=dob, first_issued=first_issued), [], today)
    assert j["interim_review_due"] == interim, basis
    assert j["review_focus"] == focus, basis


def test_interim_review_interval_is_an_option_and_guidance_is_never_overdue():  # CoP 9.178 is guidance
    p = plan(dob="2022-01-01", first_issued="2026-03-01")
    assert due_json(p, [], "2026-04-01", ts.RuleOptions(under5_interval_months=3))["interim_review_due"] == "2026-06-01"
    j = due_json(p, [], "2026-10-01")
    assert j["interim_review_due"] == "2026-09-01" and j["overdue"] == []
    steps = {s["step"]: s for s in j["steps"]}
    assert steps["interim_review"]["status"] == "past due"
    met = due_json(p, [ev(1, "review-meeting", "2026-08-20")], "2026-10-01")
    assert {s["step"]: s["status"] for s in met["steps"]}["interim_review"] == "done"


@pytest.mark.parametrize("basis,dob,on,pfa", [
    ("reg 20(6): born 2012-08-31 is Year 9 in 2025/26 -> preparation for adulthood", "2012-08-31", "2025-10-01",
     True),
    ("reg 20(6) + rules 3.1: born 2012-09-01 is only Year 8 -> not yet", "2012-09-01", "2025-10-01", False),
    ("reg 20(6): from Year 9 onwards", "2012-09-01", "2026-09-01", True),
])
def test_preparation_for_adulthood_from_year_9(basis, dob, on, pfa):
    j = due_json(plan(dob=dob, first_issued="2025-03-10"), [], on)
    assert ("preparation-for-adulthood" in j["review_focus"]) is pfa, basis


# ---- rules 4.1: phase transfer (reg 18) --------------------------------------------------------------------------
@pytest.mark.parametrize("basis,kind,transfer,due", [
    ("reg 18(1)(b): before 15 February of the transfer year", "primary-to-secondary", "2027-09-01", "2027-02-14"),
    ("reg 18(1)(b): every school phase", "early-years-to-school", "2027-09-01", "2027-02-14"),
    ("reg 18(1)(b): infant to junior", "infant-to-junior", "2027-09-01", "2027-02-14"),
    ("reg 18(1)(a): secondary to post-16, before 31 March", "secondary-to-post16", "2027-09-01", "2027-03-30"),
    ("reg 18(2): post-16 to post-16, at least 5 months before", "post16-to-post16", "2027-01-15", "2026-08-15"),
    ("reg 18(2) + rules 3: 5 months before 31 July clamps to 28 February", "post16-to-post16", "2027-07-31",
     "2027-02-28"),
])
def test_phase_transfer_deadlines(basis, kind, transfer, due):
    p = plan(transfer={"date": transfer, "kind": kind})
    j = due_json(p, [], "2026-08-01")
    assert j["phase_transfer_due"] == due, basis
    assert ts.phase_transfer_due(p) == D(due), basis


@pytest.mark.parametrize("basis,kind,transfer,done_event,done_on,late_by", [
    ("reg 18(1)(b): amended plan on 14 February is on time", "primary-to-secondary", "2027-09-01",
     "amended-plan-issued", "2027-02-14", None),
    ("reg 18(1)(b): on 15 February it is a day late", "primary-to-secondary", "2027-09-01", "amended-plan-issued",
     "2027-02-15", 1),
    ("reg 18(1)(b): a 'maintain' decision on a plan naming the next school completes it", "primary-to-secondary",
     "2027-09-01",
     "review-decision", "2026-11-24", None),
    ("reg 18(1)(a): 30 March is on time", "secondary-to-post16", "2027-09-01", "amended-plan-issued", "2027-03-30",
     None),
    ("reg 18(1)(a): 31 March is a day late", "secondary-to-post16", "2027-09-01", "amended-plan-issued",
     "2027-03-31", 1),
    ("reg 18(2): exactly 5 months before is on time", "post16-to-post16", "2027-01-15", "amended-plan-issued",
     "2026-08-15", None),
    ("reg 18(2): less than 5 months before is late", "post16-to-post16", "2027-01-15", "amended-plan-issued",
     "2026-08-16", 1),
])
def test_phase_transfer_cut_offs(basis, kind, transfer, done_event, done_on, late_by):
    p = plan(first_issued="2025-12-01", transfer={"date": transfer, "kind": kind, "next_setting": "Next School"})
    events = [ev(1, "review-meeting", "2026-11-10"),
              ev(2, done_event, done_on, decision="maintain", context="review",
                 section_i={"name": "Next School", "type": "Mainstream"})]
    d = ts.deadlines(p, events, D(done_on) + DAY)
    assert d.as_json()["phase_transfer_due"] is None, basis  # done
    late = {s.name: s.days_late(d.as_of) for s in d.late if s.name.startswith("phase_transfer")}
    assert list(late.values()) == ([late_by] if late_by else []), basis


def test_phase_transfer_not_done_is_overdue_then_missed():  # reg 18(1)(b)
    p = plan(first_issued="2026-03-01", transfer={"date": "2027-09-01", "kind": "primary-to-secondary"})
    old = [ev(1, "review-decision", "2026-08-20", decision="maintain")]  # more than 12 months before: no
    j = due_json(p, old, "2027-02-20")
    assert j["phase_transfer_due"] == "2027-02-14"
    assert {"step": "phase_transfer", "due": "2027-02-14", "days_late": 6} in \
        [{k: o[k] for k in ("step", "due", "days_late")} for o in j["overdue"]]
    after = ts.deadlines(p, old, D("2027-09-02"))
    assert after.as_json()["phase_transfer_due"] is None
    assert [s.closed_by for s in after.late if s.name == "phase_transfer"] == ["transfer"]


@pytest.mark.parametrize("basis,transfer,today,in_focus", [
    ("reg 18: transfer within the next 12 months", "2027-09-01", "2026-09-01", True),
    ("reg 18: more than 12 months away", "2027-09-01", "2026-08-31", False),
    ("reg 18: the transfer has happened", "2027-09-01", "2027-09-01", False),
])
def test_phase_transfer_focus(basis, transfer, today, in_focus):
    p = plan(transfer={"date": transfer, "kind": "primary-to-secondary"})
    assert ("phase-transfer" in due_json(p, [], today)["review_focus"]) is in_focus, basis


# ---- rules 4.2: the steps of one review --------------------------------------------------------------------------
def scheduled(invitations_sent: str | None = "2026-10-20") -> dict:
    data = {"meeting": "2026-11-10", "advice_due": "2026-10-27", "venue": "School", "invitees": [],
            "short_notice": False}
    if invitations_sent:
        data["invitations_sent"] = invitations_sent
    return ev(1, "review-scheduled", "2026-10-20", **data)


@pytest.mark.parametrize("basis,events,today,key,expected", [
    ("reg 20(3): invitations 2 weeks before the meeting", [scheduled(None)], "2026-10-21", "invitations_due",
     "2026-10-27"),
    ("reg 20(3): recorded as sent -> done", [scheduled()], "2026-10-21", "invitations_due", None),
    ("reg 20(4): advice circulated 2 weeks before the meeting", [scheduled()], "2026-10-21", "advice_circulation_due",
     "2026-10-27"),
    ("reg 20(4): circulated -> done", [scheduled(), ev(2, "advice-circulated", "2026-10-26")], "2026-10-27",
     "advice_circulation_due", None),
    ("reg 20(4): the meeting held without it -> no longer pending (missed)", [scheduled(),
     ev(2, "review-meeting", "2026-11-10")], "2026-11-11", "advice_circulation_due", None),
    ("reg 20(7),(8): report within 2 weeks of the meeting", [scheduled(), ev(2, "review-meeting", "2026-11-10")],
     "2026-11-11", "review_report_due", "2026-11-24"),
    ("reg 20(7): report sent -> done", [scheduled(), ev(2, "review-meeting", "2026-11-10"),
     ev(3, "review-report", "2026-11-17")], "2026-11-18", "review_report_due", None),
    ("reg 20; CoP 9.176: decision within 4 weeks of the meeting", [ev(1, "review-meeting", "2026-11-10")],
     "2026-11-11", "decision_due", "2026-12-08"),
    ("reg 20: decided -> done", [ev(1, "review-meeting", "2026-11-10"),
     ev(2, "review-decision", "2026-11-24", decision="maintain")], "2026-11-25", "decision_due", None),
    ("Devon [2022]: amendments due with the decision, 4 weeks from the meeting",
     [ev(1, "review-meeting", "2026-11-10"), ev(2, "review-decision", "2026-11-24", decision="amend")],
     "2026-11-25", "amendment_notice_due", "2026-12-08"),
    ("Devon [2022]: served -> done", [ev(1, "review-meeting", "2026-11-10"),
     ev(2, "review-decision", "2026-11-24", decision="amend"),
     ev(3, "amendment-proposed", "2026-11-24", context="review")], "2026-11-25", "amendment_notice_due", None),
    ("regs 20, 22: a 'maintain' decision serves no amendments", [ev(1, "review-meeting", "2026-11-10"),
     ev(2, "review-decision", "2026-11-24", decision="maintain")], "2026-11-25", "amendment_notice_due", None),
])
def test_review_steps(basis, events, today, key, expected):
    assert due_json(plan(first_issued="2026-03-01"), events, today)[key] == expected, basis


def test_a_missed_step_counts_as_late_not_pending():  # reg 20(4): advice never circulated before the meeting
    events = [scheduled(), ev(2, "review-meeting", "2026-11-10")]
    d = ts.deadlines(plan(first_issued="2026-03-01"), events, D("2026-11-11"))
    missed = [s for s in d.late if s.name == "advice_circulation"]
    assert [(s.closed_by, s.days_late(d.as_of)) for s in missed] == [("review-meeting", 14)]


def test_amendment_notice_late_is_overdue():  # Devon [2022]: regs 20 and 22 together
    events = [ev(1, "review-meeting", "2026-11-10"), ev(2, "review-decision", "2026-11-24", decision="amend")]
    j = due_json(plan(first_issued="2026-03-01"), events, "2026-12-09")
    assert j["amendment_notice_due"] == "2026-12-08"
    assert ("amendment_notice", "2026-12-08", 1) in [(o["step"], o["due"], o["days_late"]) for o in j["overdue"]]
    assert [o["key"] for o in j["overdue"] if o["step"] == "amendment_notice"] == ["amendment_notice_due"]


# ---- rules 5: amending a plan (reg 22) ---------------------------------------------------------------------------
def proposed(when: str = "2026-12-01", context: str = "outside-review") -> dict:
    return ev(1, "amendment-proposed", when, context=context, reason="x", changes=1)


@pytest.mark.parametrize("basis,events,today,expected", [
    ("reg 22(2)(c) 15 days + reg 22(3) 8 weeks", [proposed()], "2026-12-02", ("2026-12-15", "2027-01-26")),
    ("reg 22(2)(c): representations made -> done", [proposed(), ev(2, "representations", "2026-12-10")],
     "2026-12-11", (None, "2027-01-26")),
    ("reg 22(3): final plan issued -> both done", [proposed(), ev(2, "amended-plan-issued", "2027-01-20")],
     "2027-01-21", (None, None)),
    ("reg 22(4): deciding not to amend (withdrawn) -> done", [proposed(), ev(2, "amendment-withdrawn", "2027-01-05")],
     "2027-01-06", (None, None)),
    ("reg 22: a new notice replaces the old one", [proposed(), ev(2, "amendment-proposed", "2027-01-04")],
     "2027-01-05", ("2027-01-18", "2027-03-01")),
])
def test_amendment_steps(basis, events, today, expected):
    j = due_json(plan(first_issued="2026-03-01"), events, today)
    assert (j["representations_due"], j["final_plan_due"]) == expected, basis


def test_representations_are_the_familys_period_never_overdue():  # reg 22(2)(c)
    j = due_json(plan(first_issued="2026-03-01"), [proposed()], "2027-01-05")
    assert j["representations_due"] == "2026-12-15"  # reported until the plan is issued or withdrawn
    assert [o["step"] for o in j["overdue"]] == []


def test_final_plan_late_is_overdue():  # reg 22(3)
    j = due_json(plan(first_issued="2026-03-01"), [proposed()], "2027-02-01")
    assert [(o["step"], o["days_late"]) for o in j["overdue"]] == [("final_plan", 6)]


# ---- rules 6: re-assessment --------------------------------------------------------------------------------------
@pytest.mark.parametrize("basis,events,today,expected", [
    ("rules 6: decide within 15 days of receiving the request", [ev(1, "reassessment-requested", "2026-01-05")],
     "2026-01-06", ("2026-01-20", None)),
    ("reg 27(2): agreed -> final plan within 14 weeks of the decision",
     [ev(1, "reassessment-requested", "2026-01-05"), ev(2, "reassessment-decision", "2026-01-15", decision="agree")],
     "2026-01-16", (None, "2026-04-23")),
    ("rules 6: refused -> no final plan (the refusal letter carries appeal rights)",
     [ev(1, "reassessment-requested", "2026-01-05"), ev(2, "reassessment-decision", "2026-01-15",
                                                       decision="refuse")], "2026-01-16", (None, None)),
    ("reg 27(2): the final plan issued -> done",
     [ev(1, "reassessment-requested", "2026-01-05"), ev(2, "reassessment-decision", "2026-01-15", decision="agree"),
      ev(3, "amendment-proposed", "2026-03-02", context="reassessment"),
      ev(4, "amended-plan-issued", "2026-04-20", context="reassessment")], "2026-04-21", (None, None)),
    ("rules 6: the LA's own initiative (no request)",
     [ev(1, "reassessment-decision", "2026-01-15", decision="agree")], "2026-01-16", (None, "2026-04-23")),
])
def test_reassessment(basis, events, today, expected):
    j = due_json(plan(), events, today)
    assert (j["reassessment_decision_due"], j["reassessment_final_plan_due"]) == expected, basis


def test_reassessment_draft_gives_15_days_but_no_reg_22_final_plan():  # rules 6: same as a first assessment
    events = [ev(1, "reassessment-decision", "2026-01-15", decision="agree"),
              ev(2, "amendment-proposed", "2026-03-02", context="reassessment")]
    d = ts.deadlines(plan(), events, D("2026-03-03"))
    j = d.as_json()
    assert (j["representations_due"], j["final_plan_due"], j["reassessment_final_plan_due"]) == \
        ("2026-03-16", None, "2026-04-23")
    assert "reg 13(1)" in next(s.basis for s in d.steps if s.name == "representations")


# ---- requests, concerns and ceasing ------------------------------------------------------------------------------
@pytest.mark.parametrize("basis,events,today,key,expected", [
    ("rules 10: a concern is answered by its recorded response date",
     [ev(1, "concern", "2026-12-01", role="parent", text="x", response_due="2026-12-15")], "2026-12-02",
     "concern_response_due", "2026-12-15"),
    ("rules 10 decision: else within 20 working days",
     [ev(1, "concern", "2026-12-01", role="parent", text="x")], "2026-12-02", "concern_response_due", "2026-12-31"),
    ("rules 10: answered -> done", [ev(1, "concern", "2026-12-01", role="parent", text="x"),
     ev(2, "concern-response", "2026-12-10", concern=1, text="y")], "2026-12-11", "concern_response_due", None),
    ("rules 10: an answer to another concern leaves this one open",
     [ev(1, "concern", "2026-12-01", text="x", response_due="2026-12-15"),
      ev(2, "concern", "2026-12-02", text="y", response_due="2026-12-20"),
      ev(3, "concern-response", "2026-12-03", concern=2, text="z")], "2026-12-04", "concern_response_due",
     "2026-12-15"),
    ("rules 4.1 decision: an early review request is decided within 28 days",
     [ev(1, "early-review-requested", "2026-12-01", by="school")], "2026-12-02", "early_review_decision_due",
     "2026-12-29"),
    ("rules 4.1: decided -> done", [ev(1, "early-review-requested", "2026-12-01", by="school"),
     ev(2, "early-review-decision", "2026-12-10", request=1, decision="refuse")], "2026-12-11",
     "early_review_decision_due", None),
    ("CFA s.49 decision: a personal budget request is decided within 28 days",
     [ev(1, "personal-budget-request", "2026-12-01", by="parent")], "2026-12-02", "personal_budget_decision_due",
     "2026-12-29"),
    ("CFA s.49: decided -> done", [ev(1, "personal-budget-request", "2026-12-01"),
     ev(2, "personal-budget-decision", "2026-12-20", decision="agree")], "2026-12-21",
     "personal_budget_decision_due", None),
])
def test_requests_and_concerns(basis, events, today, key, expected):
    assert due_json(plan(), events, today)[key] == expected, basis


def test_request_deadlines_are_options():
    o = ts.RuleOptions(concern_response_working_days=5, early_review_decision_days=14)
    j = due_json(plan(), [ev(1, "concern", "2026-12-01"), ev(2, "early-review-requested", "2026-12-01")],
                 "2026-12-02", o)
    assert (j["concern_response_due"], j["early_review_decision_due"]) == ("2026-12-08", "2026-12-15")


@pytest.mark.parametrize("basis,effective,today,ceased", [
    ("CFA s.45: ceased once the decision takes effect", "2026-12-01", "2026-12-02", True),
    ("rules 7: the plan stays in force until then", "2027-01-31", "2026-12-02", False),
])
def test_ceased_plan_has_no_review_steps(basis, effective, today, ceased):
    events = [ev(1, "review-meeting", "2026-10-01"),
              ev(2, "cease-decision", "2026-09-20", decision="cease", reason_code=4, effective=effective),
              ev(3, "concern", "2026-11-30", text="x", response_due="2026-12-14")]
    j = due_json(plan(first_issued="2025-10-06"), events, today)
    if ceased:
        assert (j["ceased"], j["next_review_due"], j["meeting_recommended_by"], j["decision_due"]) == \
            (effective, None, None, None), basis
        assert j["review_focus"] == [] and j["overdue"] == [], basis
        assert j["concern_response_due"] == "2026-12-14", "a concern is still answered"
    else:
        assert j["ceased"] is None and j["next_review_due"] == "2026-10-05", basis
        assert {o["step"] for o in j["overdue"]} >= {"review", "decision"}, basis


def test_cease_decision_to_continue_changes_nothing():  # CFA s.45
    events = [ev(1, "cease-decision", "2026-05-01", decision="continue", effective="2026-05-01")]
    assert due_json(plan(first_issued="2026-03-01"), events, "2026-06-01")["next_review_due"] == "2027-02-28"


# ---- the JSON contract and the steps table -----------------------------------------------------------------------
def test_json_keys_always_present_and_null_when_not_applicable():
    j = due_json(plan(first_issued="2026-03-01"), [], "2026-04-01")
    assert set(REQUIRED_KEYS) <= set(j)
    assert list(j)[:len(REQUIRED_KEYS) - 1] == REQUIRED_KEYS[:-1]
    nulls = [k for k in REQUIRED_KEYS if j[k] is None]
    assert nulls == ["interim_review_due", "invitations_due", "advice_circulation_due", "review_report_due",
                     "decision_due", "representations_due", "final_plan_due", "phase_transfer_due",
                     "reassessment_decision_due", "reassessment_final_plan_due"]
    assert (j["plan"], j["as_of"], j["overdue"], j["review_focus"]) == ("P1", "2026-04-01", [], [])


def test_steps_carry_basis_status_and_days():
    events = [ev(1, "review-meeting", "2026-11-10"), ev(2, "review-report", "2026-11-30")]
    d = ts.deadlines(plan(first_issued="2026-03-01"), events, D("2026-12-01"))
    report = next(s for s in d.steps if s.name == "review_report")
    assert (report.due, report.done, report.status(d.as_of), report.days_late(d.as_of)) == \
        (D("2026-11-24"), D("2026-11-30"), "late", 6)
    decision = next(s for s in d.steps if s.name == "decision")
    assert (decision.pending, decision.days_left(d.as_of), decision.basis) == (True, 7, "reg 20; CoP 9.176")
    assert all(s.basis and s.description for s in d.steps)


def test_events_after_today_are_not_known_yet():
    events = [ev(1, "review-meeting", "2026-11-10"), ev(2, "review-decision", "2026-11-24", decision="maintain")]
    assert due_json(plan(first_issued="2026-03-01"), events, "2026-11-20")["decision_due"] == "2026-12-08"


def test_bad_dates_are_reported_not_crashed():
    from ehcp_docs.errors import EhcpError

    with pytest.raises(EhcpError, match="journal entry 1"):
        ts.deadlines(plan(), [ev(1, "review-meeting", "next Tuesday")], D("2026-01-01"))
    with pytest.raises(EhcpError, match="date of birth"):
        ts.deadlines(plan(dob="2015-02-30"), [], D("2026-01-01"))


# ---- terms and the due lists (CoP 9.170-9.172) -------------------------------------------------------------------
@pytest.mark.parametrize("name,start,end", [
    ("autumn-2026", "2026-09-01", "2026-12-18"),  # 20 Dec 2026 is a Sunday
    ("spring-2027", "2027-01-05", "2027-03-25"),  # Easter Sunday 2027 is 28 March
    ("summer-2027", "2027-04-12", "2027-07-22"),
    ("autumn-2029", "2029-09-03", "2029-12-20"),  # 1 Sep 2029 is a Saturday
])
def test_typical_term_dates(name, start, end):
    t = statutory.find_term(name, None)
    assert (t.start, t.end, t.typical) == (D(start), D(end), True)


def test_configured_terms_win_and_are_checked():
    own = [{"name": "spring-2027", "start": "2027-01-06", "end": "2027-03-26"}]
    assert statutory.find_term("spring-2027", own) == statutory.Term("spring-2027", D("2027-01-06"), D("2027-03-26"))
    assert [t.name for t in statutory.terms_for(2027, own)] == ["spring-2027", "summer-2027", "autumn-2027"]
    assert [t.typical for t in statutory.terms_for(2027, own)] == [False, True, True]
    with pytest.raises(UsageError):
        statutory.find_term("winter-2027", None)
    with pytest.raises(UsageError):
        statutory.terms_for(2027, [{"name": "spring-2027", "start": "2027-03-26", "end": "2027-01-06"}])


def test_term_window_and_meeting_term_put_holidays_with_the_term_before():
    autumn = statutory.find_term("autumn-2026")
    assert statutory.term_window(autumn) == (D("2026-09-01"), D("2027-01-04"))
    assert statutory.meeting_term(D("2026-12-28")).name == "autumn-2026"
    assert statutory.meeting_term(D("2026-08-15")).name == "summer-2026"
    assert statutory.meeting_term(D("2027-01-05")).name == "spring-2027"


@pytest.mark.parametrize("basis,kind,transfer,option,term", [
    ("reg 18(1)(b): by default the autumn term before", "primary-to-secondary", "2027-09-01", "autumn",
     "autumn-2026"),
    ("reg 18(1)(a): autumn before a post-16 move", "secondary-to-post16", "2027-09-01", "autumn", "autumn-2026"),
    ("reg 18(1)(b): an LA may choose the spring term", "primary-to-secondary", "2027-09-01", "spring",
     "spring-2027"),
    ("reg 18(2): a January post-16 move: the term before its 5-month deadline", "post16-to-post16", "2027-01-15",
     "autumn", "summer-2026"),
])
def test_phase_transfer_meeting_term(basis, kind, transfer, option, term):
    p = plan(transfer={"date": transfer, "kind": kind})
    found = ts.phase_transfer_meeting_term(p, ts.RuleOptions(phase_transfer_meeting_term=option))
    assert found is not None and found.name == term, basis


@pytest.mark.parametrize("basis,plan_kw,events,term,today,listed,phase,overdue", [
    ("CoP 9.170: a review due in the term is listed", {"first_issued": "2026-02-01"}, [], "spring-2027",
     "2026-12-01", True, False, False),
    ("CoP 9.170: not listed in a term it does not touch", {"first_issued": "2026-06-01"}, [], "spring-2027",
     "2026-12-01", False, False, False),
    ("CoP 9.170: its meeting falls in the Christmas holiday: listed in autumn", {"first_issued": "2026-01-25"}, [],
     "autumn-2026", "2026-09-01", True, False, False),
    ("CFA s.44: an overdue review is in every list until done", {"first_issued": "2025-06-01"}, [], "summer-2027",
     "2026-12-01", True, False, True),
    ("reg 18(1)(b): the transfer review is listed in the autumn before",
     {"first_issued": "2026-06-01", "transfer": {"date": "2027-09-01", "kind": "primary-to-secondary"}}, [],
     "autumn-2026", "2026-09-01", True, True, False),
    ("CFA s.45: ceased plans are never listed", {"first_issued": "2026-02-01"},
     [ev(1, "cease-decision", "2026-09-01", decision="cease", effective="2026-11-03")], "spring-2027", "2026-12-01",
     False, False, False),
])
def test_due_in_term(basis, plan_kw, events, term, today, listed, phase, overdue):
    row = ts.due_in_term(plan(**plan_kw), events, statutory.find_term(term), D(today))
    assert (row is not None) is listed, basis
    if row:
        assert (row.phase_transfer, row.overdue) == (phase, overdue), basis
        assert set(row.as_json()) >= {"plan", "review_due", "meeting_recommended_by", "focus", "overdue"}


def test_due_row_for_a_phase_transfer_uses_the_earlier_deadline_and_flags_it():  # reg 18(1)(b)
    p = plan(dob="2015-11-04", first_issued="2026-02-20",
             transfer={"date": "2027-09-01", "kind": "primary-to-secondary"})
    row = ts.review_due_in(p, [], D("2026-09-01"), D("2026-12-31"), D("2026-09-01"))
    assert row is not None
    assert (row.review_due, row.next_review_due, row.phase_transfer_term, row.focus) == \
        (D("2027-02-14"), D("2027-02-19"), "autumn-2026", ["phase-transfer"])


# ---- properties ------------------------------------------------------------------------------------------------
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2040, 12, 31))
option_sets = st.builds(ts.RuleOptions, review_clock_from=st.sampled_from(["decision", "meeting"]),
                        under5_interval_months=st.integers(3, 6), meeting_lead_days=st.integers(28, 180),
                        concern_response_working_days=st.integers(1, 60),
                        early_review_decision_days=st.integers(1, 90), personal_budget_decision_days=st.integers(1, 90))


@settings(deadline=None)
@given(dates, st.integers(0, 60))
def test_a_deadline_is_never_before_its_trigger(trigger, n):
    for d in (ts.within_weeks(trigger, n), ts.within_days(trigger, n), ts.period_beginning_with(trigger, n + 1),
              ts.within_12_months_starting(trigger), ts.months_after(trigger, n), ts.appeal_deadline(trigger),
              ts.appeal_deadline(trigger, trigger + timedelta(days=n)), ts.add_working_days(trigger, n),
              ts.tribunal_extension(trigger)):
        assert d >= trigger
    for d in (ts.at_least_weeks_before(trigger, n), ts.months_after(trigger, -n)):
        assert d <= trigger


@settings(deadline=None)
@given(dates, option_sets)
def test_every_rule_points_the_way_it_says(trigger, options):
    for r in ts.all_rules():
        due = r.due(trigger, options)
        assert (due <= trigger) if r.counts_back else (due >= trigger), r.name


@settings(deadline=None)
@given(dates)
def test_the_review_window_is_exactly_twelve_months(start):
    last = ts.within_12_months_starting(start)
    assert last == start + relativedelta(months=12) - DAY
    assert ts.months_after(start, 12) == last + DAY  # the next day is outside the window
    young = (start - relativedelta(years=6)).isoformat()  # a plan that does not end at 25 inside the window
    d = ts.deadlines(plan(dob=young, first_issued=start.isoformat()), [], start)
    assert d.next_review_due == last
    on_time = [ev(1, "review-meeting", start.isoformat()), ev(2, "review-decision", last.isoformat())]
    young_plan = plan(dob=young, first_issued=start.isoformat())
    assert not [s for s in ts.deadlines(young_plan, on_time, last).late if s.name == "review"]
    one_late = [ev(1, "review-meeting", start.isoformat()), ev(2, "review-decision", (last + DAY).isoformat())]
    late = ts.deadlines(plan(dob=young, first_issued=start.isoformat()), one_late, last + DAY).late
    assert [(s.name, s.days_late(last + DAY)) for s in late if s.name == "review"] == [("review", 1)]


STEPS = [  # trigger event, its data, completing event, its data, step
    ("review-meeting", {}, "review-report", {}, "review_report"),
    ("review-meeting", {}, "review-decision", {"decision": "maintain"}, "decision"),
    ("amendment-proposed", {"context": "outside-review"}, "amended-plan-issued", {}, "final_plan"),
    ("reassessment-requested", {}, "reassessment-decision", {"decision": "refuse"}, "reassessment_decision"),
    ("concern", {"text": "x"}, "concern-response", {"concern": 1}, "concern_response"),
    ("early-review-requested", {}, "early-review-decision", {"request": 1, "decision": "agree"},
     "early_review_decision"),
    ("personal-budget-request", {}, "personal-budget-decision", {"request": 1, "decision": "agree"},
     "personal_budget_decision"),
]


@settings(deadline=None)
@given(dates, st.integers(100, 400), st.sampled_from(STEPS), st.data())
def test_recording_a_step_removes_it_from_overdue(trigger, later, step, data):
    ask, ask_data, answer, answer_data, name = step
    today = trigger + timedelta(days=later)
    p = plan(first_issued=(trigger - timedelta(days=60)).isoformat())
    events = [ev(1, ask, trigger.isoformat(), **ask_data)]
    assert name in overdue_steps(p, events, today)
    done_on = data.draw(st.dates(min_value=trigger, max_value=today))
    events.append(ev(2, answer, done_on.isoformat(), **answer_data))
    assert name not in overdue_steps(p, events, today)
    step_done = [s for s in ts.deadlines(p, events, today).steps if s.name == name and s.ref == 1]
    assert [s.done for s in step_done] == [done_on]


EVENT_NAMES = ["review-scheduled", "advice-circulated", "review-meeting", "review-report", "review-decision",
               "amendment-proposed", "representations", "amended-plan-issued", "amendment-withdrawn",
               "reassessment-requested", "reassessment-decision", "concern", "concern-response",
               "early-review-requested", "early-review-decision", "personal-budget-request",
               "personal-budget-decision", "cease-decision", "progress-update"]


@st.composite
def journals(draw):
    start = draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2030, 12, 31)))
    offsets = sorted(draw(st.lists(st.integers(0, 900), max_size=12)))
    events = []
    for i, off in enumerate(offsets, 1):
        name = draw(st.sampled_from(EVENT_NAMES))
        when = start + timedelta(days=off)
        data = {"decision": draw(st.sampled_from(["maintain", "amend", "cease", "agree", "refuse", "continue"])),
                "context": draw(st.sampled_from(["review", "outside-review", "reassessment"])),
                "meeting": (when + timedelta(days=draw(st.integers(0, 40)))).isoformat(),
                "invitations_sent": when.isoformat(), "effective": when.isoformat()}
        events.append(ev(i, name, when.isoformat(), **data))
    return start, events


@settings(deadline=None, max_examples=60)
@given(journals(), st.integers(0, 1000), option_sets, st.booleans())
def test_any_journal_gives_a_complete_consistent_calendar(journal, after, options, transfer):
    start, events = journal
    kw = {"transfer": {"date": (start + timedelta(days=500)).isoformat(), "kind": "primary-to-secondary"}} \
        if transfer else {}
    today = start + timedelta(days=after)
    d = ts.deadlines(plan(dob="2014-05-05", first_issued=start.isoformat(), **kw), events, today, options)
    j = d.as_json()
    assert set(REQUIRED_KEYS) <= set(j)
    for o in j["overdue"]:
        assert o["days_late"] == (today - D(o["due"])).days > 0
    for s in d.steps:
        r = ts.rule_or_first(s.name, s.trigger)
        if s.name == "decision" and s.due < s.trigger:  # a meeting after the window: due at the window's end
            assert any(w.name == "review" and w.due == s.due for w in d.steps), s
            continue
        assert (s.due <= s.trigger) if r.counts_back else (s.due >= s.trigger), s
    if j["next_review_due"]:
        assert D(j["next_review_due"]) == ts.within_12_months_starting(d.window_start)


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(-400, 400))
def test_months_after_is_dateutils_calendar_months(x: date, n: int):
    """statutory.months_after does its own arithmetic (and is cached) for speed: it must stay exactly dateutil's
    relativedelta(months=n), clamped to the end of a short month."""
    from ehcp_docs.statutory.dates import months_after

    assert months_after(x, n) == x + relativedelta(months=n)
