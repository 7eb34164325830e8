"""Mediation, appeals, Tribunal orders and unopposed appeals in the calendar (ehcp-rules.md sections 3.2, 7, 13,
14): every time limit table-driven with the reference's examples among them, and the two invariants as
properties: a plan never ceases while an appeal against ceasing is pending; a certificate never moves the appeal
deadline earlier."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp_docs import statutory as ts
from ehcp_docs.statutory import disagreement as dg
from ehcp_docs.statutory.journal import Journal


def ev(seq, event, day, **data):
    return {"seq": seq, "event": event, "date": day, **data}


def plan(**kw):
    return {"id": "EHCP-T", "child": {"name": "Test Child", "date_of_birth": "2012-10-05"},
            "first_issued": "2025-10-06", "issued": "2025-10-06", **kw}


def steps(events, today, prefix=""):
    d = ts.deadlines(plan(), events, date.fromisoformat(today))
    return {(s.name, s.ref): s for s in d.steps if s.name.startswith(prefix)}, d


AMENDED = ev(1, "amended-plan-issued", "2026-05-11", context="outside-review")


# ---- mediation (rules 13) ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("basis,events,step,due", [
    ("reg 34: no mediation wanted: certificate within 3 working days (Fri -> Wed)",
     [AMENDED, ev(2, "mediation-contact", "2026-05-15", wants_mediation=False)], "mediation_certificate", "2026-05-20"),
    ("reg 34: 3 working days skip the spring bank holiday (Fri 22 May -> Thu 28 May)",
     [AMENDED, ev(2, "mediation-contact", "2026-05-22", wants_mediation=False)], "mediation_certificate", "2026-05-28"),
    ("regs 35-39: the LA arranges mediation within 30 days",
     [AMENDED, ev(2, "mediation-contact", "2026-05-15", wants_mediation=True)], "mediation_arranged", "2026-06-14"),
    ("regs 35-39: health in issue: the ICB is told within 3 working days",
     [AMENDED, ev(2, "mediation-contact", "2026-05-15", wants_mediation=True, about=["education", "health"])],
     "mediation_health_notice", "2026-05-20"),
    ("regs 35-39: the certificate follows within 3 working days of mediation",
     [AMENDED, ev(2, "mediation-contact", "2026-05-15", wants_mediation=True),
      ev(3, "mediation-arranged", "2026-05-20"), ev(4, "mediation-held", "2026-06-05", outcome="not-agreed")],
     "mediation_certificate", "2026-06-10"),
])
def test_mediation_deadlines(basis, events, step, due):
    found, _ = steps(events, "2026-05-16")
    found, _ = steps(events, "2026-12-31")
    assert [s.due.isoformat() for (n, _r), s in found.items() if n == step] == [due], basis


def test_social_care_only_needs_no_certificate_and_moves_no_deadline():
    events = [AMENDED, ev(2, "mediation-contact", "2026-05-15", wants_mediation=False, about=["social-care"]),
              ev(3, "mediation-certificate", "2026-07-01", contact=2)]
    found, _ = steps(events, "2026-12-31", "mediation_certificate")
    assert not found
    j = Journal(events, date.max)
    assert dg.appeal_deadline_for(j, j.events[0]) == date(2026, 7, 13)


def test_agreement_actions_follow_reg_42():
    events = [AMENDED, ev(2, "mediation-contact", "2026-05-15", wants_mediation=True),
              ev(3, "mediation-held", "2026-06-05", outcome="agreed",
                 actions=[{"kind": "amend"}, {"kind": "other"}])]
    found, _ = steps(events, "2026-12-31", "agreement_")
    assert {n: s.due.isoformat() for (n, _r), s in found.items()} == {"agreement_amend": "2026-07-10"}


# ---- the appeal deadline (rules 3.2) and the cease date (rules 7) --------------------------------------------------
@pytest.mark.parametrize("basis,letter,certificate,expected", [
    ("rules 7 example: sent 2026-05-11, no certificate -> Sat 11 July -> Mon 2026-07-13", "2026-05-11", None,
     "2026-07-13"),
    ("r.20(1)(c)(ii) and r.12(3)(a): a late certificate -> 1 month after it, in August -> 1 September",
     "2026-05-11", "2026-07-01", "2026-09-01"),
    ("r.20(1)(c)(ii), r.12(2): 1 month after a certificate of 2026-09-10 is Sat 10 Oct -> Mon 12 Oct",
     "2026-07-01", "2026-09-10", "2026-10-12"),
    ("r.20(1)(c): an early certificate leaves the 2-month limb", "2026-05-11", "2026-05-20", "2026-07-13"),
    ("r.12(3)(a): certificate + 1 month in Christmas -> first working day of January", "2026-10-01",
     "2026-11-27", "2027-01-04"),
])
def test_appeal_deadline_is_the_later_limb(basis, letter, certificate, expected):
    events = [ev(1, "amended-plan-issued", letter)]
    if certificate:
        events += [ev(2, "mediation-contact", letter, wants_mediation=False),
                   ev(3, "mediation-certificate", certificate, contact=2)]
    j = Journal(events, date.max)
    assert dg.appeal_deadline_for(j, j.events[0]).isoformat() == expected, basis


CEASE = ev(1, "cease-decision", "2026-05-11", decision="cease", reason_code=4, effective="2026-07-14")


@pytest.mark.parametrize("basis,extra,today,ceased", [
    ("rules 7 example: no appeal -> ceases 2026-07-14", [], "2026-07-14", "2026-07-14"),
    ("CFA s.45(4): an appeal pending -> not ceased", [ev(2, "appeal-registered", "2026-07-01", against="cease")],
     "2027-01-01", None),
    ("reg 44(2)(a): appeal dismissed -> ceases on the order date",
     [ev(2, "appeal-registered", "2026-07-01", against="cease"),
      ev(3, "tribunal-order", "2026-11-20", appeal=2, order="cease")], "2026-12-01", "2026-11-20"),
    ("cease appeal allowed: the plan continues", [ev(2, "appeal-registered", "2026-07-01", against="cease"),
     ev(3, "tribunal-order", "2026-11-20", appeal=2, order="continue")], "2027-01-01", None),
    ("reg 45: the LA does not oppose: the plan continues", [ev(2, "appeal-registered", "2026-07-01", against="cease"),
     ev(3, "appeal-conceded", "2026-08-03", appeal=2, kind="cease")], "2027-01-01", None),
    ("appeal withdrawn: ceases as decided", [ev(2, "appeal-registered", "2026-07-01", against="cease"),
     ev(3, "appeal-withdrawn", "2026-08-03", appeal=2)], "2026-09-01", "2026-07-14"),
    ("rules 7: a certificate moves the cease date (cert 2026-07-01 -> deadline 2026-08-03 -> 2026-09-02)",
     [ev(2, "mediation-contact", "2026-06-20", wants_mediation=False),
      ev(3, "mediation-certificate", "2026-07-01", contact=2)], "2026-09-02", "2026-09-02"),
    ("... and not before", [ev(2, "mediation-contact", "2026-06-20", wants_mediation=False),
                            ev(3, "mediation-certificate", "2026-07-01", contact=2)], "2026-09-01", None),
])
def test_cease_waits_for_the_appeal(basis, extra, today, ceased):
    _, d = steps([CEASE, *extra], today)
    assert (d.ceased.isoformat() if d.ceased else None) == ceased, basis


# ---- orders and unopposed appeals (rules 14) -----------------------------------------------------------------------
APPEAL = ev(2, "appeal-registered", "2026-06-01", against="amended-plan", about=["F"])


@pytest.mark.parametrize("basis,end,expected", [
    ("reg 44(2)(b): assess: notify in 2 weeks, final plan in 14", ev(3, "tribunal-order", "2026-10-01", appeal=2,
     order="assess"), {"order_assess_notice": "2026-10-15", "order_assess_final_plan": "2027-01-07"}),
    ("reg 44(2)(c): make a plan: draft in 5 weeks, final in 11", ev(3, "tribunal-order", "2026-10-01", appeal=2,
     order="make-plan"), {"order_draft_plan": "2026-11-05", "order_final_plan": "2026-12-17"}),
    ("reg 44(2)(e): amend B and/or F: 5 weeks", ev(3, "tribunal-order", "2026-10-01", appeal=2, order="amend"),
     {"order_amend": "2026-11-05"}),
    ("reg 44(2)(f): Section I only: 2 weeks", ev(3, "tribunal-order", "2026-10-01", appeal=2, order="section-i"),
     {"order_section_i": "2026-10-15"}),
    ("SEND18: continue, with amendments: 5 weeks", ev(3, "tribunal-order", "2026-10-01", appeal=2, order="continue",
     sections=["F"]), {"order_continue_amend": "2026-11-05"}),
    ("continue, nothing to amend: no step", ev(3, "tribunal-order", "2026-10-01", appeal=2, order="continue"), {}),
    ("dismissed: nothing to do", ev(3, "tribunal-order", "2026-10-01", appeal=2, order="dismissed"), {}),
    ("reg 45(3): unopposed assess: 2 and 14 weeks", ev(3, "appeal-conceded", "2026-07-01", appeal=2, kind="assess"),
     {"unopposed_assess_notice": "2026-07-15", "unopposed_assess_final_plan": "2026-10-07"}),
    ("reg 45(4): unopposed contents: 5 weeks", ev(3, "appeal-conceded", "2026-07-01", appeal=2, kind="amend"),
     {"unopposed_amend": "2026-08-05"}),
    ("reg 45: unopposed Section I only: 2 weeks", ev(3, "appeal-conceded", "2026-07-01", appeal=2,
     kind="section-i"), {"unopposed_section_i": "2026-07-15"}),
    ("reg 45: unopposed contents and I: 5 weeks", ev(3, "appeal-conceded", "2026-07-01", appeal=2,
     kind="amend-and-i"), {"unopposed_amend": "2026-08-05"}),
    ("reg 45: unopposed refusal to make a plan: draft 5, final 11", ev(3, "appeal-conceded", "2026-07-01", appeal=2,
     kind="make-plan"), {"unopposed_draft_plan": "2026-08-05", "unopposed_final_plan": "2026-09-16"}),
])
def test_compliance_steps(basis, end, expected):
    found, d = steps([AMENDED, APPEAL, end], "2027-06-30", "")
    got = {n: s.due.isoformat() for (n, _r), s in found.items() if dg.is_compliance(n)}
    assert got == expected, basis
    j = d.as_json()
    assert all(s["key"] == f"{s['step']}_due" for s in j["steps"] if dg.is_compliance(s["step"]))


def test_compliance_done_late_is_drift_and_on_time_is_not():
    order = ev(3, "tribunal-order", "2026-10-01", appeal=2, order="amend")
    issued = ev(5, "amended-plan-issued", "2026-11-20", context="tribunal-order", order=3)
    found, d = steps([AMENDED, APPEAL, order, ev(4, "amendment-proposed", "2026-10-10", context="tribunal-order"),
                      issued], "2026-12-01", "order_")
    step = found[("order_amend", 3)]
    assert step.done == date(2026, 11, 20) and step in d.late
    _, pending = steps([AMENDED, APPEAL, order], "2026-11-06", "order_")
    assert [s.name for s in pending.overdue if dg.is_compliance(s.name)] == ["order_amend"]
    assert pending.as_json()["compliance_due"] == "2026-11-05"
    on_time = dict(issued, date="2026-11-05")
    _, d2 = steps([AMENDED, APPEAL, order, on_time], "2026-12-01")
    assert not [s for s in d2.late + d2.overdue if dg.is_compliance(s.name)]


def test_assess_order_met_by_a_no_plan_decision_within_10_weeks():
    order = ev(3, "tribunal-order", "2026-10-01", appeal=2, order="assess")
    found, _ = steps([AMENDED, APPEAL, order, ev(4, "reassessment-decision", "2026-10-10", decision="agree"),
                      ev(5, "amendment-withdrawn", "2026-12-01", reason="no plan needed")], "2026-12-31", "order_")
    assert found[("order_assess_final_plan", 3)].due == date(2026, 12, 10)
    assert found[("order_assess_notice", 3)].done == date(2026, 10, 10)


def test_a_tribunal_ordered_amendment_has_no_reg_22_steps_and_keeps_the_review_date():
    base = [ev(1, "review-decision", "2026-02-20", decision="maintain"), APPEAL,
            ev(3, "tribunal-order", "2026-10-01", appeal=2, order="amend")]
    _, before = steps(base, "2026-10-02")
    _, after = steps(base + [ev(4, "amendment-proposed", "2026-10-08", context="tribunal-order"),
                             ev(5, "amended-plan-issued", "2026-10-20", context="tribunal-order", order=3)],
                     "2026-10-21")
    assert not [s for s in after.steps if s.name in ("representations", "final_plan")]
    assert after.next_review_due == before.next_review_due


# ---- the invariants ------------------------------------------------------------------------------------------------
days = st.integers(min_value=0, max_value=900)


@settings(max_examples=150, deadline=None)
@given(decided=days, appealed=days, today=days, cert=st.one_of(st.none(), days))
def test_a_plan_never_ceases_while_a_cease_appeal_is_pending(decided, appealed, today, cert):
    start = date(2026, 1, 1)
    d0 = start + timedelta(days=decided)
    events = [ev(1, "cease-decision", d0.isoformat(), decision="cease", reason_code=2,
                 effective=ts.cease_from(ts.appeal_deadline(d0)).isoformat())]
    if cert is not None:
        events += [ev(2, "mediation-contact", d0.isoformat(), wants_mediation=False),
                   ev(3, "mediation-certificate", (d0 + timedelta(days=cert % 120)).isoformat(), contact=2)]
    lodged = d0 + timedelta(days=appealed % 200)
    events.append(ev(len(events) + 1, "appeal-registered", lodged.isoformat(), against="cease"))
    as_of = lodged + timedelta(days=today)
    d = ts.deadlines(plan(), events, as_of)
    assert d.ceased is None and d.appeal_pending == "cease"
    assert d.next_review_due is not None  # the plan is still in force: its review is still due


@settings(max_examples=200, deadline=None)
@given(letter=days, cert=st.integers(min_value=0, max_value=400))
def test_a_certificate_never_moves_the_appeal_deadline_earlier(letter, cert):
    sent = date(2026, 1, 1) + timedelta(days=letter)
    events = [ev(1, "amended-plan-issued", sent.isoformat())]
    j0 = Journal(events, date.max)
    without = dg.appeal_deadline_for(j0, j0.events[0])
    events += [ev(2, "mediation-contact", sent.isoformat(), wants_mediation=False),
               ev(3, "mediation-certificate", (sent + timedelta(days=cert)).isoformat(), contact=2)]
    j1 = Journal(events, date.max)
    assert dg.appeal_deadline_for(j1, j1.events[0]) >= without
