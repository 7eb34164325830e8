"""Every deadline of one plan, computed from the plan, its journal and a date. Pure: no I/O.

Why it is built this way:
- Every deadline is the LAST day on which a step is still on time (ehcp-rules.md section 3), so "days late" is
  simply done - due, and letters can print the date as it stands.
- Rules are data (`Rule`, kept in a registry by name and effective-from date) with their legal basis beside them,
  so a change in the law is a new registered version rather than an edit, and every report can cite its basis.
- Local choices an LA may make are `RuleOptions`, read from ehcp.toml's [rules] table.
- Only the journal drives the calendar: a step is done when the event that completes it is recorded.

Project decisions (beyond those in ehcp-rules.md):
- Events dated after `today` are ignored: the calendar is what was known on that day.
- Step kinds: statutory (an LA duty), local (an LA standard: concerns, early review and personal budget
  requests), guidance (the recommended meeting date, the under-5 interim review) and family (the 15 days for
  representations). `overdue` and `late` count statutory and local steps only; guidance and the family's periods
  are reported (JSON keys, steps table) but are never drift.
- Early review and personal budget requests have no statutory time limit: the LA decides within
  `early_review_decision_days` / `personal_budget_decision_days` (28 days by default, so the answer can reach a
  review meeting). Concerns are answered by the `response_due` recorded with them, else within
  `concern_response_working_days` working days.
- Invitations and advice are due 2 weeks before the meeting last scheduled; once the meeting is held without them
  they are missed (no longer pending). The review report stays pending until recorded, even after the decision.
- A phase transfer is done by a "maintain" review decision or an amended plan issued from 12 months before the
  transfer until it happens; done after the reg 18 deadline, it counts as done late. Not done by the transfer
  date, it is closed as missed. A transfer dated on or before 15 February (31 March) has its deadline on the day
  before the transfer.
- A step that ended without being done (advice never circulated before the meeting, amendments superseded by a
  new notice, anything pending when the plan ceased) gets `done` = the day it ended and `closed_by` = that event,
  so it shows as missed (late when that day is after the deadline) rather than pending forever.
- A ceased plan (a cease decision in effect) keeps nothing pending but answers to concerns.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from ehcp_docs.errors import InvalidPlan, StoreError
from ehcp_docs.statutory.appeals import AppealTime, appeal_times, latest_appeal
from ehcp_docs.statutory.child import decision_maker, is_under_five, plan_ends, year_group
from ehcp_docs.statutory.dates import (
    ONE_DAY,
    at_least_days_before,
    is_working_day,
    months_after,
    within_12_months_starting,
)
from ehcp_docs.statutory.disagreement import (
    cease_effective,
    is_compliance,
    mediation_steps,
    order_steps,
    pending_appeal,
)
from ehcp_docs.statutory.journal import Event as _Event
from ehcp_docs.statutory.journal import Journal as _Journal
from ehcp_docs.statutory.journal import plan_date as _plan_date
from ehcp_docs.statutory.journal import seq_of as _seq
from ehcp_docs.statutory.journal import to_date as _to_date
from ehcp_docs.statutory.rules import (
    COUNTED,
    DEFAULT_OPTIONS,
    EXCEPTIONS,
    SERVICE_STEPS,
    SERVICE_WAYS,
    TRANSFER_RULES,
    Rule,
    RuleOptions,
    rule_or_first,
    served_on,
    step_key,
)
from ehcp_docs.statutory.terms import terms_for


# ---- steps and the result --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One step: its deadline (the last on-time day), its legal basis, and when it was done. `closed_by` names the
    event that ended a step that was never done itself (its `done` is then the day it ended)."""
    name: str
    due: date
    basis: str
    description: str
    done: date | None = None
    kind: str = "statutory"
    ref: int | None = None  # journal seq of the event that started the step
    trigger: date | None = None
    closed_by: str | None = None
    served: date | None = None  # steps that run from service: the day the notice was served, if recorded
    served_how: str | None = None
    exception: str | None = None  # a time-limit exception recorded against the step: its reason in words

    @property
    def key(self) -> str:
        return step_key(self.name)

    @property
    def statutory(self) -> bool:
        return self.kind == "statutory"

    @property
    def counted(self) -> bool:
        """Whether missing it is drift (LA duties and local standards; not guidance or the family's periods)."""
        return self.kind in COUNTED

    @property
    def pending(self) -> bool:
        return self.done is None

    @property
    def missed(self) -> bool:
        return self.closed_by is not None and not self.closed

    @property
    def closed(self) -> bool:
        """Ended because the plan ceased (or passed its end at 25): no longer owed, so never late (rules 7)."""
        return self.closed_by in CLOSING_EVENTS

    def days_left(self, as_of: date) -> int:
        return (self.due - as_of).days

    def days_late(self, as_of: date) -> int:
        """Days after the deadline the step was done (or, while pending, as_of is); negative means early."""
        return ((self.done or as_of) - self.due).days

    def status(self, as_of: date) -> str:
        """pending, overdue (past due, counted), past due (guidance), done, late, missed, or ended (family)."""
        if self.done is None:
            if self.due >= as_of or self.kind == "family":
                return "pending"
            if not self.counted:
                return "past due"
            return "overdue, with an exception" if self.exception else "overdue"
        if self.closed:
            return "closed"
        if self.missed:
            status = "ended" if self.kind == "family" else "missed"
        else:
            status = "late" if self.done > self.due and self.counted else "done"
        return f"{status}, with an exception" if self.exception and status in ("late", "missed") else status

    def as_json(self, as_of: date) -> dict[str, Any]:
        return {"step": self.name, "key": self.key, "due": self.due.isoformat(),
                "done": self.done.isoformat() if self.done else None, "status": self.status(as_of),
                "days_left": self.days_left(as_of), "basis": self.basis, "description": self.description,
                "kind": self.kind, "closed_by": self.closed_by, "exception": self.exception,
                **({"served": _iso(self.served), "served_how": self.served_how}
                   if self.name in SERVICE_STEPS else {})}


CLOSING_EVENTS = ("cease-decision",)  # a step these end is closed, not missed or late
JSON_STEPS = ("invitations", "advice_circulation", "review_report", "decision", "representations", "final_plan",
              "phase_transfer", "reassessment_decision", "reassessment_final_plan")
EXTRA_STEPS = ("amendment_notice", "concern_response", "early_review_decision", "personal_budget_decision")


@dataclass
class Deadlines:
    plan: str | None
    as_of: date
    decision_maker: str
    nc_year: int
    review_focus: list[str]
    next_review_due: date | None
    meeting_recommended_by: date | None
    interim_review_due: date | None
    steps: list[Step] = field(default_factory=list)
    ceased: date | None = None
    window_start: date | None = None
    appeal: AppealTime | None = None  # the time to appeal the latest appealable decision
    plan_ends: date | None = None  # the end of the academic year of the 25th birthday (CFA s.46)
    review_must_meet: date | None = None  # the earliest statutory deadline the review in progress must meet
    warnings: list[str] = field(default_factory=list)  # what a caseworker should know about these dates
    appeal_pending: str | None = None  # the kind of decision under appeal, while the Tribunal has not decided

    @property
    def compliance(self) -> list[Step]:
        """The steps that carry out a Tribunal order, an unopposed appeal or a mediation agreement."""
        return [s for s in self.steps if is_compliance(s.name)]

    def pending(self, name: str) -> date | None:
        """The earliest pending deadline of a step, by step name ("decision") or JSON key ("decision_due")."""
        due = [s.due for s in self.steps if s.pending and name in (s.name, s.key)]
        return min(due) if due else None

    @property
    def overdue(self) -> list[Step]:
        """Pending steps past their deadline: the LA's duties and its own standards. Guidance (the recommended
        meeting date, interim reviews) and the family's periods are reported, never counted as overdue."""
        return sorted((s for s in self.steps if s.pending and s.counted and s.due < self.as_of),
                      key=lambda s: (s.due, s.name))

    @property
    def late(self) -> list[Step]:
        """Counted steps done after their deadline, or missed: drift that has already happened. Steps closed by
        ceasing are not drift, and a ceased plan's reviews are never counted: it has no next review (rules 7)."""
        return [s for s in self.steps if s.done and s.counted and s.done > s.due and not s.closed
                and not (self.ceased and s.name == "review")]

    def as_json(self) -> dict[str, Any]:
        iso = _iso
        out: dict[str, Any] = {
            "plan": self.plan, "as_of": iso(self.as_of), "decision_maker": self.decision_maker,
            "nc_year": self.nc_year, "review_focus": list(self.review_focus),
            "next_review_due": iso(self.next_review_due), "meeting_recommended_by": iso(self.meeting_recommended_by),
            "interim_review_due": iso(self.interim_review_due)}
        out.update({step_key(n): iso(self.pending(step_key(n))) for n in JSON_STEPS + EXTRA_STEPS})
        out["overdue"] = [{"step": s.name, "due": iso(s.due), "days_late": s.days_late(self.as_of), "key": s.key,
                           "basis": s.basis, "description": s.description} for s in self.overdue]
        pending_compliance = [s.due for s in self.compliance if s.pending]
        out.update({"appeal_pending": self.appeal_pending,
                    "compliance_due": iso(min(pending_compliance)) if pending_compliance else None})
        out.update({"ceased": iso(self.ceased), "window_start": iso(self.window_start),
                    "appeal_deadline": iso(self.appeal.deadline) if self.appeal else None,
                    "appeal_deadline_reason": self.appeal.reason if self.appeal else None,
                    "plan_ends": iso(self.plan_ends), "warnings": list(self.warnings),
                    "steps": [s.as_json(self.as_of) for s in self.steps]})
        return out


# fewer working days than this between an advice request and its reply date is too little for a school or a
# clinician to give considered advice (a local standard, not the law's: the law fixes only the circulation date)
ADVICE_REPLY_MIN_WORKING_DAYS = 10


def advice_return_due(meeting: date, options: RuleOptions = DEFAULT_OPTIONS,
                      terms_config: Sequence[Mapping[str, Any]] | None = None, asked: date | None = None) -> date:
    """The date invitees are asked to send their advice back (recorded as `advice_due` when a review is
    scheduled): `advice_reply_working_days_before_circulation` working days before the circulation date
    (`advice_return_days_before_meeting` before the meeting, never later than reg 20(4)'s, which the option's
    lower bound of 14 days guarantees), so the advice can be copied and sent on time; a date in a school holiday
    moves back to the last working day of the term before, when a school can still answer.

    A reply date on or before the day of the request (`asked`: the invitations were sent late) would ask for
    the impossible, so it becomes the latest working day in term after the request and before circulation; when
    there is none, the circulation date itself (`advice_reply_days` tells the caseworker how little time that
    leaves)."""
    circulation = at_least_days_before(meeting, options.advice_return_days_before_meeting)
    reply = circulation
    for _ in range(options.advice_reply_working_days_before_circulation):
        reply = previous_working_day(reply)
    reply = _in_term(reply, terms_config)
    if asked is None or reply > asked:
        return reply
    day = previous_working_day(circulation)
    while day > asked:
        if _in_term(day, terms_config) == day:
            return day
        day = previous_working_day(day)
    return max(circulation, asked)


def advice_reply_days(asked: date, reply_by: date) -> int:
    """The working days an adviser has between the request and the reply date (the request's own day not
    counted): fewer than ADVICE_REPLY_MIN_WORKING_DAYS is too little for a considered answer."""
    days, d = 0, asked
    while d < reply_by:
        d += ONE_DAY
        days += is_working_day(d)
    return days


def previous_working_day(d: date) -> date:
    d -= timedelta(days=1)
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


def _in_term(d: date, terms_config: Sequence[Mapping[str, Any]] | None) -> date:
    spans = [t for y in (d.year - 1, d.year) for t in terms_for(y, terms_config)]
    if any(t.start <= d <= t.end for t in spans):
        return d
    before = [t.end for t in spans if t.end < d]
    if not before:
        return d
    last = max(before)
    return last if is_working_day(last) else previous_working_day(last)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# ---- building steps ------------------------------------------------------------------------------------------
@dataclass
class _Ctx:
    plan: Mapping[str, Any]
    journal: _Journal
    today: date
    options: RuleOptions
    dob: date

    def step(self, rule_name: str, trigger: date, *, done: _Event | date | None = None, ref: int | None = None,
             due: date | None = None, closed_by: _Event | None = None) -> Step:
        """A step timed by the rule in force on its trigger date. `closed_by` ends a step that was not done."""
        r = rule_or_first(rule_name, trigger)
        when = done.day if isinstance(done, _Event) else done
        end = None
        if when is None and closed_by is not None:
            when, end = closed_by.day, closed_by.name
        return Step(r.step, due or r.due(trigger, self.options), r.basis, r.description, when, r.kind, ref,
                    trigger, end)


# ---- the review cycle (CFA s.44; regs 19-21) ---------------------------------------------------------------------
@dataclass(frozen=True)
class _Cycle:
    """One 12-month review window: its start, its events, and the decision that concluded it (None: open)."""
    start: date
    events: list[_Event]
    decision: _Event | None
    prev_seq: int


def first_issued(plan: Mapping[str, Any], events: Iterable[Mapping[str, Any]] = ()) -> date | None:
    """When the plan was first made: `first_issued`, else the first "issued" event, else `issued`."""
    found = _plan_date(plan, "first_issued")
    if found:
        return found
    issued = [e for e in events if e.get("event") == "issued"]
    if issued:
        return _to_date(issued[0].get("date"), lambda: StoreError("journal: the issued event has a bad date"))
    return _plan_date(plan, "issued")


def _review_date(j: _Journal, decision: _Event, prev_seq: int, options: RuleOptions) -> date:
    """"The date of the review" (rules 4.1): the decision, or, if the LA so chooses, that review's meeting."""
    if options.review_clock_from == "meeting":
        meeting = decision.date_of("meeting") or getattr(
            j.last("review-meeting", after=prev_seq, before=decision.seq), "day", None)
        return meeting or decision.day
    return decision.day


def _cycles(plan: Mapping[str, Any], j: _Journal, options: RuleOptions) -> list[_Cycle]:
    """Every review window from the first issue to now. Only a review decision restarts the clock: amendments,
    whether after a review, outside one or ordered by the Tribunal, never do (rules 4.1)."""
    anchors = [first_issued(plan, [e.data for e in j.events]), _plan_date(plan, "last_reviewed")]
    start = max((a for a in anchors if a), default=None)
    if start is None:
        return []
    cycles, prev = [], 0
    for dec in j.all("review-decision"):
        if dec.day < start:  # already counted in the imported last_reviewed
            prev = dec.seq
            continue
        cycles.append(_Cycle(start, j.between(prev, dec.seq), dec, prev))
        start = max(start, _review_date(j, dec, prev, options))
        prev = dec.seq
    cycles.append(_Cycle(start, [e for e in j.between(prev) if prev or e.day >= start], None, prev))
    return cycles


def _in_cycle(cycle: _Cycle, name: str) -> list[_Event]:
    return [e for e in cycle.events if e.name == name]


def must_meet(review_due: date, transfer: Step | None, window_start: date) -> date:
    """The earliest statutory deadline the review of a window must meet: its 12-month deadline, or the reg 18
    phase-transfer deadline when that comes first and is still this review's to meet (not met before the window
    began). THE one rule behind the recommended meeting date of `deadlines`, `due`, `review status` and letters."""
    if transfer is None or transfer.due >= review_due:
        return review_due
    if transfer.done is not None and transfer.done < window_start:
        return review_due  # met (or closed) before this window began
    return transfer.due


def meeting_recommended(review_due: date, transfer: Step | None, window_start: date,
                        options: RuleOptions = DEFAULT_OPTIONS) -> date:
    """When to hold the review meeting (rules 4.1): `meeting_lead_days` before the earliest statutory deadline the
    review must meet, so that the decision, due 4 weeks after the meeting, still meets it."""
    trigger = must_meet(review_due, transfer, window_start)
    return rule_or_first("meeting_recommended", trigger).due(trigger, options)


def _cycle_steps(c: _Ctx, cycle: _Cycle, transfer: Step | None) -> list[Step]:
    """The steps of one review: the 12-month deadline, the meeting, notice, advice, report and decision."""
    end = cycle.decision
    review = c.step("review", cycle.start, done=end)
    meetings = _in_cycle(cycle, "review-meeting")
    first_meeting = meetings[0] if meetings else None
    meet_by = must_meet(review.due, transfer, cycle.start)
    steps = [review, c.step("meeting_recommended", meet_by, done=first_meeting, closed_by=end)]
    if is_under_five(c.dob, cycle.start):
        steps.append(c.step("interim_review", cycle.start, done=first_meeting, closed_by=end))
    steps += _notice_steps(c, cycle, meetings[-1] if meetings else None)
    if meetings:
        m = meetings[-1]
        report = next((e for e in cycle.events if e.name == "review-report" and e.seq > m.seq), None)
        report = report or c.journal.first("review-report", after=m.seq)  # sent late, after the decision
        next_meeting = c.journal.first("review-meeting", after=m.seq)
        steps.append(c.step("review_report", m.day, done=report if report and report.seq < _seq(next_meeting)
                            else None, ref=m.seq, closed_by=next_meeting))
        steps.append(_decision_step(c, m.day, review, end, m.seq))
    elif end and (held := end.date_of("meeting")):
        steps.append(_decision_step(c, held, review, end, end.seq))
    return steps


def _decision_step(c: _Ctx, meeting: date, review: Step, end: _Event | None, ref: int) -> Step:
    """The decision is due within 4 weeks of the meeting AND within the 12-month window, whichever ends first
    (rules 4.2): `decision_due = min(meeting + 28 days, review window end)`."""
    step = c.step("decision", meeting, done=end, ref=ref)
    if review.due >= step.due:
        return step
    return replace(step, due=review.due, basis=f"{step.basis}; CFA s.44(1) (the 12-month window ends first)")


def _notice_steps(c: _Ctx, cycle: _Cycle, meeting: _Event | None) -> list[Step]:
    """Invitations and advice, both due 2 weeks before the meeting last scheduled (reschedules replace it). Once
    the meeting has been held they can no longer be done before it: not recorded by then, they are missed."""
    scheduled = [e for e in _in_cycle(cycle, "review-scheduled") if meeting is None or e.seq < meeting.seq]
    s = scheduled[-1] if scheduled else None
    when = s.date_of("meeting") if s else None
    if s is None or when is None:
        return []
    sent = s.date_of("invitations_sent") or (s.day if s.get("invitations_sent") is True else None)
    circulated = next((e for e in cycle.events if e.name == "advice-circulated" and e.seq < _seq(meeting)), None)
    close = meeting or cycle.decision
    return [c.step("invitations", when, done=sent, ref=s.seq, closed_by=close),
            c.step("advice_circulation", when, done=circulated, ref=s.seq, closed_by=close)]


def _amendment_notice_steps(c: _Ctx, cycles: list[_Cycle]) -> list[Step]:
    """After a decision to amend, the proposed amendments are due with it, within 4 weeks of the meeting (Devon)."""
    steps = []
    for i, cycle in enumerate(cycles):
        dec = cycle.decision
        if not dec or dec.get("decision") != "amend":
            continue
        meeting = next((e for e in reversed(cycle.events) if e.name == "review-meeting"), None)
        meeting_day = dec.date_of("meeting") or (meeting.day if meeting else None)
        next_dec = cycles[i + 1].decision if i + 1 < len(cycles) else None
        served = c.journal.first("amendment-proposed", after=_seq(meeting, dec.seq), before=_seq(next_dec))
        steps.append(c.step("amendment_notice", meeting_day or dec.day, done=served, ref=dec.seq,
                            due=None if meeting_day else dec.day, closed_by=next_dec))
    return steps


# ---- amendments (reg 22) and re-assessment (CFA s.44(2); regs 24-27) ---------------------------------------------
def service(j: _Journal, options: RuleOptions = DEFAULT_OPTIONS) -> dict[int, tuple[date, str]]:
    """When and how each document was served (the latest `document-served` record for it), by the journal seq
    of the event the document was made from."""
    out: dict[int, tuple[date, str]] = {}
    for e in j.all("document-served"):
        ref, how = e.ref("document"), str(e.get("how") or "")
        if ref is not None and how in SERVICE_WAYS:
            out[ref] = (e.date_of("served") or served_on(how, e.day, options), how)
    return out


def _amendment_steps(c: _Ctx) -> tuple[list[Step], list[str]]:
    """Per notice served: the family's 15 days and the 8 weeks to the final plan, both counted from the day the
    notice was served (reg 22(2)(c), (3)); until its service is recorded, from the notice's date, with a warning.
    A new notice replaces one still open; re-assessment drafts take their final-plan deadline from the 14-week
    rule instead."""
    steps, j, warnings = [], c.journal, []
    served = service(j, c.options)
    for p in j.all("amendment-proposed"):
        newer = j.first("amendment-proposed", after=p.seq)
        end = j.first("amended-plan-issued", "amendment-withdrawn", after=p.seq, before=_seq(newer))
        reps = j.first("representations", after=p.seq, before=_seq(end or newer))
        draft = p.get("context") == "reassessment"
        if p.get("context") == "tribunal-order":
            continue  # timed by the order's own compliance steps (regs 44-45), not reg 22
        on, how = served.get(p.seq, (None, None))
        start = on or p.day
        new = [c.step("representations/draft-plan" if draft else "representations", start, done=reps,
                      ref=p.seq, closed_by=end or newer)]
        if not draft:
            new.append(c.step("final_plan", start, done=end, ref=p.seq, closed_by=newer))
        steps += [replace(s, served=on, served_how=how) for s in new]
        if on is None and any(s.pending for s in new):
            warnings.append(f"the notice of {p.day} (journal entry {p.seq}): its service is not recorded, so the "
                            "15 days and 8 weeks count from the notice's date; record when and how it was served "
                            f"with `ehcp served {c.plan.get('id', 'ID')} --document {p.seq} --how hand|email|post`")
    return steps, warnings


def _reassessment_steps(c: _Ctx) -> list[Step]:
    steps, j = [], c.journal
    for req in j.all("reassessment-requested"):
        steps.append(c.step("reassessment_decision", req.day, done=j.first("reassessment-decision", after=req.seq),
                            ref=req.seq))
    for dec in j.all("reassessment-decision"):
        if dec.get("decision") == "agree":
            steps.append(c.step("reassessment_final_plan", dec.day, done=_reassessment_end(j, dec), ref=dec.seq))
    return steps


def _reassessment_end(j: _Journal, dec: _Event) -> _Event | None:
    """The final plan after re-assessment, or the draft's withdrawal (the decision not to issue one)."""
    def ends(e: _Event) -> bool:
        if e.name == "amended-plan-issued":
            return e.get("context") in ("reassessment", None)
        proposal = j.last("amendment-proposed", before=e.seq)
        return proposal is not None and proposal.seq > dec.seq and proposal.get("context") == "reassessment"
    return j.first("amended-plan-issued", "amendment-withdrawn", after=dec.seq, where=ends)


# ---- phase transfer (reg 18) -----------------------------------------------------------------------------------
def transfer_rule(kind: str, on: date) -> Rule:
    """Which reg 18 deadline applies to a kind of transfer (rules 4.1)."""
    return rule_or_first(TRANSFER_RULES.get(kind, "phase_transfer"), on)


def transfer_of(plan: Mapping[str, Any]) -> tuple[date, str] | None:
    t = plan.get("transfer")
    if not isinstance(t, Mapping) or not t.get("date"):
        return None
    when = _plan_date(plan, "transfer", "date")
    if when is None:  # not reached: the date is there (checked above), and one that is not a date raises
        return None
    return when, str(t.get("kind", ""))


def phase_transfer_due(plan: Mapping[str, Any], options: RuleOptions | None = None) -> date | None:
    """The reg 18 deadline for the plan's recorded transfer (None when no transfer is recorded)."""
    t = transfer_of(plan)
    return transfer_rule(t[1], t[0]).due(t[0], options) if t else None


def _norm(text: Any) -> str:
    return " ".join(str(text or "").lower().split())


def section_i_of(plan: Mapping[str, Any]) -> dict[str, str]:
    """What Section I names (recorded with every decision and amended plan, for reg 18)."""
    i = (plan.get("sections") or {}).get("I") or {}
    return {"name": str(i.get("name") or ""), "type": str(i.get("type") or "")}


def names_next_setting(plan: Mapping[str, Any], named: Mapping[str, Any], changed_i: bool) -> str:
    """Whether Section I (`named`) names where the child goes after the transfer (reg 18; rules 4.1): "yes";
    "type" (only a type is named: the duty is met, with a warning); or "no". The next setting is the transfer's
    `next_setting`; a setting that continues after the transfer (an all-through school) is named by recording it
    there too. Decision: when no next setting is recorded, only an amended plan that changed Section I names it."""
    name = _norm(named.get("name"))
    if not name:
        return "type" if _norm(named.get("type")) else "no"
    nxt = _norm((plan.get("transfer") or {}).get("next_setting"))
    if nxt:
        return "yes" if name == nxt else "no"
    return "yes" if changed_i else "no"


def maintain_leaves_transfer_unnamed(plan: Mapping[str, Any], when: date) -> tuple[date, str] | None:
    """For a maintain decision on `when`: the transfer date and the setting it should name when `when` falls in the
    12 months before the plan's recorded transfer (reg 18) and Section I does not name where the child goes next
    (a maintain decision then cannot meet the duty; rules 4.1). None when there is no transfer that year, or Section I
    already names the next setting (or a type of setting: met, with a warning)."""
    t = transfer_of(plan)
    if not t or not months_after(t[0], -12) <= when < t[0]:
        return None
    if names_next_setting(plan, section_i_of(plan), False) != "no":
        return None
    return t[0], str((plan.get("transfer") or {}).get("next_setting") or "")


def _named_at(c: _Ctx, e: _Event) -> tuple[dict[str, str], bool]:
    """Section I of the plan in force after `e`, and whether `e` changed it. Decision: events recorded before
    Section I was kept with them are read against the plan in force now."""
    named = e.get("section_i")
    recorded = dict(named) if isinstance(named, Mapping) else section_i_of(c.plan)
    changed = e.name == "amended-plan-issued" and "I" in (e.get("sections") or [])
    return recorded, changed


def _transfer_met(c: _Ctx, when: date) -> tuple[_Event | None, str | None]:
    """The first decision or amended plan, in the 12 months before the transfer, after which the plan in force
    names the next setting (reg 18), and the type named when it names only a type."""
    for e in c.journal.all("review-decision", "amended-plan-issued"):
        if not months_after(when, -12) <= e.day < when:
            continue
        if e.name == "review-decision" and e.get("decision") != "maintain":
            continue  # an amend decision is met by the amended plan; a cease decision ends the plan
        named, changed = _named_at(c, e)
        verdict = names_next_setting(c.plan, named, changed)
        if verdict != "no":
            return e, (named.get("type") or "a type") if verdict == "type" else None
    return None, None


def _phase_transfer_steps(c: _Ctx) -> tuple[list[Step], list[str]]:
    """The reg 18 step and its warnings. The duty is met only when the plan in force (final, not proposed) names
    the next setting in Section I: a maintain decision while Section I still names a setting the child leaves does
    not meet it (rules 4.1)."""
    t = transfer_of(c.plan)
    if not t:
        return [], []
    when, kind = t
    r = transfer_rule(kind, when)
    done, type_only = _transfer_met(c, when)
    warnings = []
    if type_only:
        warnings.append(f"phase transfer: Section I names only a type of setting ({type_only[:80]}), not the school "
                        "or college: the reg 18 duty is met, but the family still needs to know where")
    if done is None and when <= c.today:
        return [Step(r.step, r.due(when, c.options), r.basis, r.description, when, r.kind, None, when,
                     "transfer")], warnings
    return [c.step(r.name, when, done=done)], warnings


# ---- requests with answers -------------------------------------------------------------------------------------
def _answers(j: _Journal, ask: str, answer: str, ref_key: str) -> dict[int, _Event]:
    """Pairs each request with its answer: the answer naming its seq, else the oldest request still open."""
    open_: list[_Event] = []
    out: dict[int, _Event] = {}
    for e in j.events:
        if e.name == ask:
            open_.append(e)
        elif e.name == answer and open_:
            ref = e.ref(ref_key)
            target = next((o for o in open_ if o.seq == ref), None) if ref is not None else open_[0]
            if target is not None:
                out[target.seq] = e
                open_.remove(target)
    return out


_REQUESTS = (("concern", "concern-response", "concern", "concern_response"),
             ("early-review-requested", "early-review-decision", "request", "early_review_decision"),
             ("personal-budget-request", "personal-budget-decision", "request", "personal_budget_decision"))


def _request_steps(c: _Ctx) -> list[Step]:
    steps = []
    for ask, answer, ref_key, rule_name in _REQUESTS:
        answers = _answers(c.journal, ask, answer, ref_key)
        for e in c.journal.all(ask):
            due = e.date_of("response_due") if ask == "concern" else None
            steps.append(c.step(rule_name, e.day, done=answers.get(e.seq), ref=e.seq, due=due))
    return steps


# ---- ceasing (CFA s.45) ----------------------------------------------------------------------------------------
def _ceased(j: _Journal, today: date) -> tuple[date, _Event] | None:
    """The day the plan stopped being maintained, if a decision to cease has taken effect by today: never while an
    appeal against it is pending (statutory/disagreement.py decides when it takes effect)."""
    dec = j.last("cease-decision")
    if dec is None or dec.get("decision") != "cease":
        return None
    effective = cease_effective(j, dec)
    return (effective, dec) if effective is not None and effective <= today else None


def _disagreement_steps(c: _Ctx) -> list[Step]:
    """Mediation, and the compliance steps of Tribunal orders, unopposed appeals and mediation agreements."""
    return [c.step(p.rule, p.trigger, done=p.done, ref=p.ref, due=p.due)
            for p in mediation_steps(c.journal) + order_steps(c.journal)]


def _close_at_cease(steps: list[Step], ceased: date) -> list[Step]:
    """A ceased plan has nothing pending except answers owed to the family (concerns)."""
    return [s if not s.pending or s.name in ("concern_response", "appeal")
            else Step(s.name, s.due, s.basis, s.description, ceased, s.kind, s.ref, s.trigger, "cease-decision")
            for s in steps]


# ---- the whole calendar ----------------------------------------------------------------------------------------
def review_focus(plan: Mapping[str, Any], on: date) -> list[str]:
    """What the review held around `on` must cover: preparation for adulthood from Year 9 (reg 20(6)); the phase
    transfer when it is within the next 12 months (reg 18); and whether the child is under five (CoP 9.178)."""
    dob = _dob(plan)
    focus = []
    if year_group(plan, on) >= 9:
        focus.append("preparation-for-adulthood")
    t = transfer_of(plan)
    if t and on < t[0] <= months_after(on, 12):
        focus.append("phase-transfer")
    if is_under_five(dob, on):
        focus.append("under-five")
    return focus


def _dob(plan: Mapping[str, Any]) -> date:
    dob = _plan_date(plan, "child", "date_of_birth")
    if dob is None:
        raise InvalidPlan(f"plan {plan.get('id', '')}: the child's date of birth is missing")
    return dob


def exception_target(steps: Iterable[Step], step: str, ref: int | None = None) -> Step | None:
    """The step a time-limit exception is recorded against: the one started by journal entry `ref`, else the
    latest one of that name."""
    found = [s for s in steps if s.name == step and (ref is None or s.ref == ref)]
    return max(found, key=lambda s: (s.ref or 0, s.due)) if found else None


def _with_exceptions(c: _Ctx, steps: list[Step]) -> list[Step]:
    """Marks each step a `time-limit-exception` was recorded against (rules 6): it is reported as late (or
    overdue) with the exception's reason, never as plain drift. Its date does not change."""
    marked: dict[tuple[str, int | None], str] = {}
    for e in c.journal.all("time-limit-exception"):
        target = exception_target(steps, str(e.get("step") or ""), e.ref("ref"))
        ground = str(e.get("ground") or "")  # not "reason": the store index drops long free-text fields
        if target is not None and ground in EXCEPTIONS.get(target.name, {}):
            marked[(target.name, target.ref)] = ground
    return [replace(s, exception=marked[(s.name, s.ref)]) if (s.name, s.ref) in marked else s for s in steps]


def _appeal_steps(c: _Ctx) -> list[Step]:
    """The family's time to appeal each appealable decision (rules 3.2, 8); ended once the deadline has passed."""
    r = rule_or_first("appeal", c.today)
    steps = []
    for a in appeal_times(c.journal):
        ended = a.deadline < c.today
        steps.append(Step("appeal", a.deadline, r.basis, r.description, a.deadline if ended else None, r.kind,
                          a.seq, a.limb.start, "appeal-period-ended" if ended else None))
    return steps


def _plan_end_step(c: _Ctx, end: date, cease: tuple[date, _Event] | None) -> list[Step]:
    """A plan still maintained after the end of the academic year of the 25th birthday is drift (rules 16);
    shown from a year before."""
    if cease is None and end > months_after(c.today, 12):
        return []
    return [c.step("plan_ends", end, done=cease[0] if cease else None, due=end)]


def _before_end(steps: list[Step], cycles: list[_Cycle], end: date) -> list[Step]:
    """No review is scheduled beyond the plan's end at 25: the open window's review steps go when it ends later."""
    if not cycles or cycles[-1].decision is not None or within_12_months_starting(cycles[-1].start) <= end:
        return steps
    start = cycles[-1].start
    return [s for s in steps if not (s.pending and s.name in ("review", "meeting_recommended", "interim_review")
                                     and (s.trigger == start or s.name == "meeting_recommended"))]


def deadlines(plan: Mapping[str, Any], events: Iterable[Mapping[str, Any]], today: date,
              options: RuleOptions = DEFAULT_OPTIONS) -> Deadlines:
    """Every step of the plan, done or pending, with its deadline and basis, as known on `today`."""
    c = _Ctx(plan, _Journal(events, today), today, options, _dob(plan))
    cycles = _cycles(plan, c.journal, options)
    cease = _ceased(c.journal, today)
    transfer, warnings = _phase_transfer_steps(c)
    moving = transfer[0] if transfer else None
    end = plan_ends(c.dob)
    steps = [s for cy in cycles for s in _cycle_steps(c, cy, moving)] + _amendment_notice_steps(c, cycles)
    amendments, unserved = _amendment_steps(c)
    steps += amendments + _reassessment_steps(c) + transfer + _request_steps(c) + _appeal_steps(c)
    steps += _disagreement_steps(c)
    steps = _with_exceptions(c, steps)
    steps = _before_end(steps, cycles, end) + _plan_end_step(c, end, cease)
    if cease:
        steps = _close_at_cease(steps, cease[0])
    steps.sort(key=lambda s: (s.due, s.name, s.ref or 0))
    window = cycles[-1].start if cycles else None
    review_due = within_12_months_starting(window) if window is not None and cease is None else None
    if review_due is not None and review_due > end:
        review_due = None  # the plan ends first: no review is scheduled beyond it
    current = [s for s in steps if s.trigger == window] if review_due else []
    meet = must_meet(review_due, moving, window) if review_due and window else None
    return Deadlines(
        plan=plan.get("id"), as_of=today, decision_maker=decision_maker(plan, today),
        nc_year=year_group(plan, today),
        review_focus=review_focus(plan, today) if cease is None else [],
        next_review_due=review_due,
        meeting_recommended_by=rule_or_first("meeting_recommended", meet).due(meet, options) if meet else None,
        interim_review_due=next((s.due for s in current if s.name == "interim_review"), None),
        steps=steps, ceased=cease[0] if cease else None, window_start=window,
        appeal=latest_appeal(c.journal), plan_ends=end, review_must_meet=meet, warnings=warnings + unserved,
        appeal_pending=_against(pending_appeal(c.journal)))


def _against(appeal: _Event | None) -> str | None:
    return str(appeal.get("against")) if appeal is not None else None
