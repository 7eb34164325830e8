"""When the family disagrees: mediation (CFA ss.52-55; regs 32-42), appeals, Tribunal orders and unopposed appeals
(regs 43-45), as the calendar reads them. Pure: no I/O (ehcp-rules.md sections 3.2, 7, 13 and 14).

Why it is built this way:
- Every time limit is a registered `Rule` (the same registry as the review cycle), and each order kind, unopposed
  appeal kind and mediation agreement kind maps to its compliance steps as data (`COMPLIANCE`): a change in the
  law is a change of this table, never of the code that reads it.
- The two hooks the rest of the calendar uses live here and nowhere else:
  `appeal_deadline_for` (the later of the two limbs of HESC r.20(1)(c), so a mediation certificate can only ever
  move the deadline later) and `cease_effective` (a plan never ceases while an appeal against ceasing is pending;
  CFA s.45(4)).

Project decisions (beyond ehcp-rules.md):
- A mediation contact is about the latest appealable decision before it (or the one it names); a contact only
  about social care leads to no certificate and never moves an appeal deadline (CFA s.51(2)).
- Order and unopposed-appeal time limits run from the order (or the LA's notice that it will not oppose).
- Compliance steps are done by the casework that carries them out: the re-assessment decision (agree), the draft
  plan served (`amendment-proposed`), the final plan issued (`amended-plan-issued`); for "assess or re-assess" a
  decision not to issue a plan (`amendment-withdrawn`) meets the 10-week limit instead of the 14-week one.
- "Cease immediately" is done on the order date; "continue to maintain" sets aside the cease decision.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ehcp_docs.statutory.appeals import LIMBS, Limb, appeal_time, cease_from_for
from ehcp_docs.statutory.dates import add_working_days, months_after, within_days, within_weeks
from ehcp_docs.statutory.journal import NEVER, Event, Journal
from ehcp_docs.statutory.rules import Rule, register, rule_or_first

# ---- what may be appealed (CFA s.51(2); rules section 8) -------------------------------------------------------
APPEALABLE_DECISIONS: dict[str, str] = {
    "maintain": "the decision to keep the plan as it is after a review",
    "amended-plan": "the final amended plan",
    "refuse-amend": "the decision not to amend the plan",
    "refuse-reassess": "the decision not to re-assess",
    "cease": "the decision to cease the plan",
}
APPEAL_ABOUT = ("B", "F", "I")
MEDIATION_ABOUT = ("education", "health", "social-care")
ORDER_KINDS: dict[str, str] = {
    "cease": "the appeal against ceasing is dismissed: the plan ceases",
    "assess": "the LA must assess or re-assess",
    "make-plan": "the LA must make and maintain a plan",
    "amend": "the LA must amend Section B and/or F",
    "section-i": "the LA must amend Section I only",
    "continue": "the cease appeal is allowed: the LA must continue to maintain the plan",
    "dismissed": "the appeal is dismissed: nothing changes",
}
CONCEDE_KINDS: dict[str, str] = {
    "assess": "the LA will assess or re-assess",
    "amend": "the LA will amend the contents of the plan (or amend it after refusing to)",
    "section-i": "the LA will amend Section I only",
    "amend-and-i": "the LA will amend the contents and Section I",
    "make-plan": "the LA will make a plan",
    "cease": "the LA will keep maintaining the plan and make the agreed amendments",
}
AGREEMENT_KINDS: dict[str, str] = {**{k: v for k, v in ORDER_KINDS.items() if k not in ("cease", "dismissed")},
                                   "other": "another agreed step (not an appealable matter)"}


def event_against(name: str, data: Mapping[str, Any]) -> str | None:
    """Which kind of appealable decision a journal event is, if any."""
    decision = data.get("decision")
    if name == "review-decision" and decision == "maintain":
        return "maintain"
    if name == "amended-plan-issued":
        return "amended-plan"
    if name == "amendment-withdrawn":
        return "refuse-amend"
    if name == "reassessment-decision" and decision == "refuse":
        return "refuse-reassess"
    if name == "cease-decision" and decision == "cease":
        return "cease"
    return None


def appealable(j: Journal, before: int = NEVER) -> list[Event]:
    return [e for e in j.events if e.seq < before and event_against(e.name, e.data)]


# ---- the rules (time limits) -----------------------------------------------------------------------------------
def _r(name: str, description: str, basis: str, trigger: str, compute: Any, **kw: Any) -> None:
    register(Rule(name, description, basis, compute, trigger, **kw))


_r("mediation_contact", "The family contacts the mediation adviser within 2 months of the decision notice",
   "reg 33", "the date of the decision letter", lambda t, o: months_after(t, 2), kind="family")
_MED = "regs 35-39 (secondary: IPSEA \"The mediation process\")"
_r("mediation_certificate/no-mediation", "The mediation adviser issues the certificate within 3 working days of "
   "being told that the family does not want mediation", "reg 34 (secondary: Surrey SENDIASS, IPSEA)",
   "the day the family contacted the mediation adviser", lambda t, o: add_working_days(t, 3))
_r("mediation_arranged", "Arrange mediation within 30 days of being told the family wants it", _MED,
   "the day the family contacted the mediation adviser", lambda t, o: within_days(t, 30))
_r("mediation_health_notice", "Tell the Integrated Care Board within 3 working days when health is in issue",
   _MED, "the day the family contacted the mediation adviser", lambda t, o: add_working_days(t, 3))
_r("mediation_certificate/after-mediation", "The mediator issues the certificate within 3 working days of the "
   "mediation", _MED, "the day of the mediation", lambda t, o: add_working_days(t, 3))


def _weeks(n: int) -> Any:
    return lambda t, o: within_weeks(t, n)


def _now(t: date, o: Any) -> date:
    return t


_R44, _R45 = "reg 44", "reg 45 (as substituted by SI 2015/359 reg 8)"
_UNOPP = "reg 45 (secondary: Surrey SENDIASS)"
for _prefix, _basis, _trigger in (("order", _R44, "the date of the Tribunal's order"),
                                  ("unopposed", _R45, "the day the LA told the Tribunal it would not oppose"),
                                  ("agreement", "reg 42(3) (as if a Tribunal order, reg 44)",
                                   "the day of the mediation agreement")):
    _r(f"{_prefix}_assess_notice", "Notify the family that the LA will assess or re-assess, within 2 weeks",
       f"{_basis}(2)(b)" if _prefix == "order" else _basis, _trigger, _weeks(2))
    _r(f"{_prefix}_assess_no_plan", "Notify a decision not to make a plan, with reasons, within 10 weeks",
       f"{_basis}(2)(b)" if _prefix == "order" else _basis, _trigger, _weeks(10))
    _r(f"{_prefix}_assess_final_plan", "Issue the final plan after the assessment within 14 weeks",
       f"{_basis}(2)(b)" if _prefix == "order" else _basis, _trigger, _weeks(14))
    _r(f"{_prefix}_draft_plan", "Send the draft plan within 5 weeks",
       f"{_basis}(2)(c)" if _prefix == "order" else _UNOPP if _prefix == "unopposed" else _basis, _trigger,
       _weeks(5))
    _r(f"{_prefix}_final_plan", "Issue the final plan within 11 weeks",
       f"{_basis}(2)(c)" if _prefix == "order" else _UNOPP if _prefix == "unopposed" else _basis, _trigger,
       _weeks(11))
    _r(f"{_prefix}_amend", "Issue the final amended plan (Section B and/or F) within 5 weeks",
       f"{_basis}(2)(e)" if _prefix == "order" else f"{_basis}(4)" if _prefix == "unopposed" else _basis,
       _trigger, _weeks(5))
    _r(f"{_prefix}_section_i", "Issue the final amended plan (Section I only) within 2 weeks",
       f"{_basis}(2)(f)" if _prefix == "order" else _UNOPP if _prefix == "unopposed" else _basis, _trigger,
       _weeks(2))
    _r(f"{_prefix}_continue_amend", "Keep maintaining the plan and make the ordered or agreed amendments within "
       "5 weeks", "gov.uk SEND18 (secondary; not verified)" if _prefix == "order" else
       _UNOPP if _prefix == "unopposed" else _basis, _trigger, _weeks(5))
_r("order_cease", "Cease the plan immediately after the Tribunal dismisses the appeal against ceasing",
   "reg 44(2)(a)", "the date of the Tribunal's order", _now)
_r("agreement_other", "Carry out an agreed step that is not an appealable matter within 2 weeks", "reg 42(4)",
   "the day of the mediation agreement", _weeks(2))


@dataclass(frozen=True)
class Compliance:
    """One compliance step: its rule (the step name is the rule's, without the prefix), the events that do it,
    and an alternative event that does it under another rule (assess: a decision not to make a plan)."""
    rule: str
    done_by: tuple[str, ...]
    alternative: tuple[str, str] | None = None  # (event, rule)


def _assess(p: str) -> tuple[Compliance, ...]:
    return (Compliance(f"{p}_assess_notice", ("reassessment-decision",)),
            Compliance(f"{p}_assess_final_plan", ("amended-plan-issued",),
                       ("amendment-withdrawn", f"{p}_assess_no_plan")))


def _plan(p: str) -> tuple[Compliance, ...]:
    return (Compliance(f"{p}_draft_plan", ("amendment-proposed",)),
            Compliance(f"{p}_final_plan", ("amended-plan-issued",)))


def _one(rule_name: str, *events: str) -> tuple[Compliance, ...]:
    return (Compliance(rule_name, events or ("amended-plan-issued",)),)


# (source, kind) -> the steps. `continue` needs amendments only when the order names some sections.
COMPLIANCE: dict[tuple[str, str], tuple[Compliance, ...]] = {
    ("order", "cease"): _one("order_cease", "tribunal-order"),
    ("order", "assess"): _assess("order"), ("order", "make-plan"): _plan("order"),
    ("order", "amend"): _one("order_amend"), ("order", "section-i"): _one("order_section_i"),
    ("order", "continue"): _one("order_continue_amend"), ("order", "dismissed"): (),
    ("unopposed", "assess"): _assess("unopposed"), ("unopposed", "make-plan"): _plan("unopposed"),
    ("unopposed", "amend"): _one("unopposed_amend"), ("unopposed", "amend-and-i"): _one("unopposed_amend"),
    ("unopposed", "section-i"): _one("unopposed_section_i"), ("unopposed", "cease"): _one("unopposed_continue_amend"),
    ("agreement", "assess"): _assess("agreement"), ("agreement", "make-plan"): _plan("agreement"),
    ("agreement", "amend"): _one("agreement_amend"), ("agreement", "section-i"): _one("agreement_section_i"),
    ("agreement", "continue"): _one("agreement_continue_amend"), ("agreement", "other"): (),
}
COMPLIANCE_PREFIXES = ("order_", "unopposed_", "agreement_")


# ---- the appeal deadline and the cease date (the hooks) ----------------------------------------------------------
def _contact_decision(j: Journal, contact: Event) -> Event | None:
    """The decision a mediation contact is about: the one it names, else the latest appealable one before it."""
    named = contact.ref("decision")
    found = appealable(j, before=contact.seq)
    if named is not None:
        return next((e for e in found if e.seq == named), None)
    return found[-1] if found else None


def _appealable_contact(contact: Event) -> bool:
    about = contact.get("about") or list(MEDIATION_ABOUT)
    return any(a != "social-care" for a in about)


def certificate_for(j: Journal, decision: Event) -> Event | None:
    """The mediation certificate issued about a decision (None when none is recorded yet, or the mediation is
    only about social care, which has no appeal)."""
    for cert in j.all("mediation-certificate", after=decision.seq):
        contact = next((c for c in j.all("mediation-contact", before=cert.seq) if c.seq == cert.ref("contact")),
                       None) or j.last("mediation-contact", before=cert.seq)
        if contact is None or not _appealable_contact(contact):
            continue
        about = _contact_decision(j, contact)
        if about is not None and about.seq == decision.seq:
            return cert
    return None


def _certificate_limb(j: Journal | None, decision: Event) -> Limb | None:
    """HESC r.20(1)(c)(ii): 1 month from the issue of a mediation certificate about the decision. The appeal
    deadline is the later limb (statutory/appeals.py takes the latest), so a certificate never moves it earlier."""
    cert = certificate_for(j, decision) if j is not None else None
    if cert is None:
        return None
    return Limb("mediation-certificate", cert.day, months_after(cert.day, 1),
                "1 month from the date of the mediation certificate")


if _certificate_limb not in LIMBS:
    LIMBS.append(_certificate_limb)  # the hook statutory/appeals.py keeps for this limb


def appeal_deadline_for(j: Journal, decision: Event) -> date:
    """The last day to appeal a decision: every limb (the letter's 2 months, a certificate's 1 month), the later
    one, then the Tribunal's r.12 extensions once (rules 3.2)."""
    return appeal_time(decision, j).deadline


def appeals(j: Journal) -> list[tuple[Event, Event | None]]:
    """Every appeal registered, with the event that closed it (withdrawn, conceded, or the Tribunal's order)."""
    out = []
    for a in j.all("appeal-registered"):
        end = next((e for e in j.all("appeal-withdrawn", "appeal-conceded", "tribunal-order", after=a.seq)
                    if e.ref("appeal") in (None, a.seq)), None)
        out.append((a, end))
    return out


def pending_appeal(j: Journal, against: str | None = None) -> Event | None:
    """The appeal still waiting for the Tribunal (optionally: against one kind of decision)."""
    found = [a for a, end in appeals(j) if end is None and (against is None or a.get("against") == against)]
    return found[-1] if found else None


def cease_effective(j: Journal, dec: Event) -> date | None:
    """The day a cease decision takes effect, or None while it cannot (CFA s.45(4); rules 7): the day after the
    appeal period (every limb, so a certificate moves it), never before the date the decision recorded; while an
    appeal against it is pending, no date; after the Tribunal dismisses the appeal, the order date (reg 44(2)(a));
    after an order to continue, or the LA's concession, never."""
    earliest = cease_from_for(j, dec)
    for appeal, end in appeals(j):
        if appeal.seq < dec.seq or appeal.get("against") != "cease":
            continue
        if end is None:
            return None
        if end.name == "tribunal-order" and end.get("order") == "cease":
            return end.day
        if end.name == "appeal-conceded" or (end.name == "tribunal-order" and end.get("order") == "continue"):
            return None
    if earliest is None:
        return None
    return max(dec.date_of("effective") or dec.day, earliest)


# ---- the steps -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Planned:
    """A step for plan_deadlines to build: its rule, trigger, the event that did it (or closed it) and a ref."""
    rule: str
    trigger: date
    done: Event | date | None
    ref: int
    due: date | None = None


def mediation_steps(j: Journal) -> list[Planned]:
    """Per contact: the certificate (no mediation wanted), or arranging it and telling the ICB (health in
    issue); per mediation held, the certificate; per agreement, its actions under reg 42."""
    out: list[Planned] = []
    for c in j.all("mediation-contact"):
        nxt = j.first("mediation-contact", after=c.seq)
        before = nxt.seq if nxt else NEVER
        cert = j.first("mediation-certificate", after=c.seq, before=before)
        if not c.get("wants_mediation"):
            if _appealable_contact(c):
                out.append(Planned("mediation_certificate/no-mediation", c.day, cert, c.seq))
            continue
        arranged = j.first("mediation-arranged", "mediation-held", after=c.seq, before=before)
        out.append(Planned("mediation_arranged", c.day, arranged or (cert.day if cert else None), c.seq))
        if "health" in (c.get("about") or []):
            told = j.first("mediation-health-notified", after=c.seq, before=before)
            out.append(Planned("mediation_health_notice", c.day, told, c.seq))
        for held in j.all("mediation-held", after=c.seq, before=before):
            if _appealable_contact(c):
                out.append(Planned("mediation_certificate/after-mediation", held.day,
                                   j.first("mediation-certificate", after=held.seq, before=before), held.seq))
            for action in held.get("actions") or []:
                out += _compliance(j, "agreement", str(action.get("kind", "other")), held)
    return out


def order_steps(j: Journal) -> list[Planned]:
    """The compliance steps of every Tribunal order and every unopposed appeal (regs 44 and 45)."""
    out: list[Planned] = []
    for _appeal, end in appeals(j):
        if end is None or end.name == "appeal-withdrawn":
            continue
        if end.name == "tribunal-order":
            kind = str(end.get("order", ""))
            if kind == "continue" and not end.get("sections"):
                continue
            out += _compliance(j, "order", kind, end)
        else:
            out += _compliance(j, "unopposed", str(end.get("kind", "")), end)
    return out


def _compliance(j: Journal, source: str, kind: str, trigger: Event) -> list[Planned]:
    out = []
    for step in COMPLIANCE.get((source, kind), ()):
        if step.done_by == ("tribunal-order",):
            out.append(Planned(step.rule, trigger.day, trigger.day, trigger.seq))
            continue
        names = step.done_by + ((step.alternative[0],) if step.alternative else ())
        done = j.first(*names, after=trigger.seq, where=lambda e: e.name != "reassessment-decision"
                       or e.get("decision") == "agree")
        due = None
        if done is not None and step.alternative and done.name == step.alternative[0]:
            due = rule_or_first(step.alternative[1], trigger.day).due(trigger.day)
        out.append(Planned(step.rule, trigger.day, done, trigger.seq, due))
    return out


def is_compliance(step_name: str) -> bool:
    return step_name.startswith(COMPLIANCE_PREFIXES)


def order_for_amendment(j: Journal, before: int = NEVER) -> Event | None:
    """The order, concession or agreement an amended plan now would carry out: the latest one needing an
    amended or new plan whose plan has not yet been issued."""
    triggers = [e for e in j.all("tribunal-order", "appeal-conceded", "mediation-held", before=before)
                if _needs_plan(e)]
    for t in reversed(triggers):
        if j.first("amended-plan-issued", after=t.seq, before=before) is None:
            return t
    return None


def _needs_plan(e: Event) -> bool:
    if e.name == "tribunal-order":
        kind = e.get("order")
        return kind in ("amend", "section-i", "make-plan", "assess") or (kind == "continue" and bool(e.get("sections")))
    if e.name == "appeal-conceded":
        return True
    return any(a.get("kind") not in (None, "other") for a in e.get("actions") or [])
