"""The statutory calendar, as pure functions of a plan, its journal and a date. No I/O.

Every deadline is the LAST day on which a step is still on time (ehcp-rules.md section 3). Rules are data
(`RULES`), each with its legal basis and the date from which it applies, so a change in the law is a new entry
rather than an edit; LAs can tune the local options in ehcp.toml's [rules] table (`Options`)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import cache
from typing import Any

from dateutil.relativedelta import relativedelta

from ehcp_docs import schoolyear
from ehcp_docs.errors import UsageError


# ---- date conventions (rules section 3) ------------------------------------------------------------------------
def within_weeks(x: date, n: int) -> date:
    return x + timedelta(days=7 * n)


def within_days(x: date, n: int) -> date:
    return x + timedelta(days=n)


def period_beginning_with(x: date, n: int) -> date:
    """'a period of N days beginning with the day X': X is day 1 (reg 22's 15 days end on X + 14)."""
    return x + timedelta(days=n - 1)


def months_after(x: date, n: int) -> date:
    """Calendar months, clamped to the end of a short month (2026-01-31 + 1 month = 2026-02-28)."""
    return x + relativedelta(months=n)


def within_12_months_starting(x: date) -> date:
    """CFA s.44: the last day of the 12 months starting with X."""
    return months_after(x, 12) - timedelta(days=1)


def at_least_weeks_before(x: date, n: int) -> date:
    return x - timedelta(days=7 * n)


def before_fixed(year: int, month: int, day: int) -> date:
    """'before 15 February': the last on-time day is the day before."""
    return date(year, month, day) - timedelta(days=1)


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def next_working_day(d: date) -> date:
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int) -> date:
    """N working days after d (weekends and English bank holidays skipped)."""
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def tribunal_extension(d: date) -> date:
    """An appeal deadline in August moves to the first working day of September; one from 25 December to
    1 January moves to the next working day in January."""
    if d.month == 8:
        return next_working_day(date(d.year, 9, 1))
    if (d.month, d.day) >= (12, 25):
        return next_working_day(date(d.year + 1, 1, 2))
    if (d.month, d.day) == (1, 1):
        return next_working_day(date(d.year, 1, 2))
    return d


def appeal_deadline(letter: date, mediation_certificate: date | None = None) -> date:
    """2 months from the letter, or 1 month from a mediation certificate, whichever is later (rules section 8)."""
    d = months_after(letter, 2)
    if mediation_certificate:
        d = max(d, months_after(mediation_certificate, 1))
    return tribunal_extension(d)


# ---- rules as data ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    basis: str
    effective_from: date = date(2014, 9, 1)
    statutory: bool = True  # False: guidance or a project decision, reported but never counted as drift


RULES: list[Rule] = [
    Rule("review", "Review concluded (decision notified) within 12 months", "CFA s.44(1); CoP 9.169"),
    Rule("meeting_recommended", "Hold the review meeting (so the decision can fall inside the 12 months)",
         "CoP 9.169 (project decision: 28 days before the review deadline)", statutory=False),
    Rule("interim_review", "Consider an interim review for a child under 5", "CoP 9.178", statutory=False),
    Rule("invitations", "Invitations sent, with at least 2 weeks' notice of the meeting", "reg 20(3); reg 21(3)"),
    Rule("advice_circulation", "Advice circulated to invitees at least 2 weeks before the meeting",
         "reg 20(4); reg 21(4); CoP 9.176"),
    Rule("review_report", "Review report sent to everyone invited, within 2 weeks of the meeting",
         "reg 20(7)-(8); reg 21(7)"),
    Rule("decision", "LA decision (maintain, amend or cease) notified within 4 weeks of the meeting",
         "reg 20; CoP 9.176"),
    Rule("amendment_notice", "Proposed amendments sent with the decision, within 4 weeks of the meeting",
         "regs 20 and 22; R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"),
    Rule("representations", "Family's representations (15 days beginning with the day the notice was served)",
         "reg 22(2)(c)", statutory=False),
    Rule("final_plan", "Final amended plan issued (or decision not to amend) within 8 weeks of the notice",
         "reg 22(3)-(4)"),
    Rule("phase_transfer", "Plan reviewed and amended to name the next school, before 15 February",
         "reg 18(1)(b)"),
    Rule("phase_transfer_post16", "Plan reviewed and amended to name the post-16 institution, before 31 March",
         "reg 18(1)(a)"),
    Rule("phase_transfer_post16_other", "Plan reviewed and amended at least 5 months before a post-16 move",
         "reg 18(2)"),
    Rule("reassessment_decision", "Decision on a re-assessment request within 15 days",
         "CFA s.44(2); regs 24-27; CoP 9.186"),
    Rule("reassessment_final_plan", "Final plan within 14 weeks of deciding to re-assess", "reg 27(2)"),
    Rule("concern_response", "Response to a concern about the plan's delivery", "LA policy (working days)"),
    Rule("early_review_decision", "Decision on a request for an early review",
         "CoP 9.168 (project decision: 4 weeks)", statutory=False),
    Rule("personal_budget_decision", "Decision on a personal budget request",
         "CFA s.49; CoP 9.95 (project decision: 4 weeks)"),
]


def rule(name: str, on: date) -> Rule:
    """The version of a rule in force on a date (the latest whose effective_from is on or before it)."""
    candidates = [r for r in RULES if r.name == name and r.effective_from <= on]
    if not candidates:
        raise KeyError(name)
    return max(candidates, key=lambda r: r.effective_from)


@dataclass(frozen=True)
class Options:
    """Local choices an LA may make (ehcp.toml [rules]); defaults follow ehcp-rules.md."""
    review_clock_from: str = "decision"  # or "meeting"
    under5_interval_months: int = 6
    meeting_lead_days: int = 28
    advice_return_days_before_meeting: int = 14
    concern_response_working_days: int = 20
    request_decision_days: int = 28
    phase_transfer_meeting_term: str = "autumn"

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> "Options":
        data = dict(data or {})
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise UsageError(f"ehcp.toml [rules]: unknown setting {', '.join(unknown)}",
                             hint=f"Known settings: {', '.join(known)}")
        for k, v in data.items():
            if isinstance(getattr(cls, k), int) and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                raise UsageError(f"ehcp.toml [rules]: {k} must be a whole number of days or months, not {v!r}")
        if data.get("review_clock_from", "decision") not in ("decision", "meeting"):
            raise UsageError("ehcp.toml [rules]: review_clock_from must be \"decision\" or \"meeting\"")
        if data.get("phase_transfer_meeting_term", "autumn") not in ("autumn", "spring", "summer"):
            raise UsageError("ehcp.toml [rules]: phase_transfer_meeting_term must be autumn, spring or summer")
        return cls(**data)


# ---- the plan's deadlines --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    name: str
    due: date
    basis: str
    description: str
    done: date | None = None
    statutory: bool = True
    ref: int | None = None  # the journal seq of the event that started the step

    @property
    def pending(self) -> bool:
        return self.done is None

    def days_late(self, as_of: date) -> int:
        return ((self.done or as_of) - self.due).days


@dataclass
class Deadlines:
    plan: str
    as_of: date
    decision_maker: str
    nc_year: int
    review_focus: list[str]
    next_review_due: date | None
    meeting_recommended_by: date | None
    interim_review_due: date | None
    steps: list[Step] = field(default_factory=list)
    ceased: date | None = None

    def pending(self, name: str) -> date | None:
        due = [s.due for s in self.steps if s.name == name and s.pending]
        return min(due) if due else None

    @property
    def overdue(self) -> list[Step]:
        return [s for s in self.steps if s.pending and s.statutory and s.due < self.as_of]

    @property
    def late(self) -> list[Step]:
        """Steps done, but after their deadline: drift that has already happened."""
        return [s for s in self.steps if s.done and s.statutory and s.done > s.due]

    def as_json(self) -> dict[str, Any]:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        transfer = self.pending("phase_transfer") or self.pending("phase_transfer_post16") or \
            self.pending("phase_transfer_post16_other")
        return {
            "plan": self.plan, "as_of": iso(self.as_of), "decision_maker": self.decision_maker,
            "nc_year": self.nc_year, "review_focus": self.review_focus,
            "next_review_due": iso(self.next_review_due), "meeting_recommended_by": iso(self.meeting_recommended_by),
            "interim_review_due": iso(self.interim_review_due),
            "invitations_due": iso(self.pending("invitations")),
            "advice_circulation_due": iso(self.pending("advice_circulation")),
            "review_report_due": iso(self.pending("review_report")), "decision_due": iso(self.pending("decision")),
            "amendment_notice_due": iso(self.pending("amendment_notice")),
            "representations_due": iso(self.pending("representations")),
            "final_plan_due": iso(self.pending("final_plan")), "phase_transfer_due": iso(transfer),
            "reassessment_decision_due": iso(self.pending("reassessment_decision")),
            "reassessment_final_plan_due": iso(self.pending("reassessment_final_plan")),
            "concern_response_due": iso(self.pending("concern_response")),
            "ceased": iso(self.ceased),
            "overdue": [{"step": s.name, "due": iso(s.due), "days_late": s.days_late(self.as_of),
                         "basis": s.basis} for s in sorted(self.overdue, key=lambda s: s.due)],
        }


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _after(events: list[dict], seq: int, names: tuple[str, ...], pred: Any = None) -> dict | None:
    return next((e for e in events if e["seq"] > seq and e["event"] in names and (pred is None or pred(e))), None)


def _step(name: str, due: date, done: dict | None | date, ref: int | None, on: date) -> Step:
    r = rule(name, on)
    when = done if isinstance(done, date) or done is None else _d(done["date"])
    return Step(name, due, r.basis, r.description, when, r.statutory, ref)


def review_cycles(plan: dict, events: list[dict], opts: Options) -> list[tuple[date, dict | None]]:
    """Each 12-month window: its start, and the review decision that concluded it (None for the open one).
    Amendments never restart the clock; only a review decision does."""
    start = max(d for d in (_d(plan.get("first_issued")), _d(plan.get("last_reviewed"))) if d)
    cycles = []
    for e in events:
        if e["event"] == "review-decision" and _d(e["date"]) >= start:
            cycles.append((start, e))
            start = _d(e.get("meeting")) if opts.review_clock_from == "meeting" and e.get("meeting") else _d(e["date"])
    cycles.append((start, None))
    return cycles


def _review_steps(plan: dict, events: list[dict], opts: Options) -> tuple[list[Step], date]:
    steps: list[Step] = []
    cycles = review_cycles(plan, events, opts)
    for i, (start, decision) in enumerate(cycles):
        due = within_12_months_starting(start)
        steps.append(_step("review", due, decision, None, start))
        previous = cycles[i - 1][1] if i else None
        lo = previous["seq"] if previous else 0
        hi = decision["seq"] if decision else 10 ** 9
        steps += _cycle_steps([e for e in events if lo < e["seq"] <= hi], decision, opts)
    return steps, cycles[-1][0]


def _cycle_steps(cycle: list[dict], decision: dict | None, opts: Options) -> list[Step]:
    """Steps of one review (regs 19-21): notice, advice, report, decision, amendments served with it."""
    steps: list[Step] = []
    scheduled = [e for e in cycle if e["event"] == "review-scheduled"]
    meetings = [e for e in cycle if e["event"] == "review-meeting"]
    if scheduled and not meetings:
        s = scheduled[-1]
        meeting = _d(s["meeting"])
        due = at_least_weeks_before(meeting, 2)
        steps.append(_step("invitations", due, _d(s.get("invitations_sent")), s["seq"], meeting))
        circ = _after(cycle, s["seq"], ("advice-circulated",))
        steps.append(_step("advice_circulation", due, circ, s["seq"], meeting))
    elif scheduled and meetings:
        s = [x for x in scheduled if x["seq"] < meetings[-1]["seq"]] or scheduled
        meeting = _d(s[-1]["meeting"])
        due = at_least_weeks_before(meeting, 2)
        steps.append(_step("invitations", due, _d(s[-1].get("invitations_sent")), s[-1]["seq"], meeting))
        circ = _after(cycle, s[-1]["seq"], ("advice-circulated",))
        steps.append(_step("advice_circulation", due, circ or _d(meetings[-1]["date"]), s[-1]["seq"], meeting))
    if meetings:
        m = meetings[-1]
        md = _d(m["date"])
        steps.append(_step("review_report", within_weeks(md, 2), _after(cycle, m["seq"], ("review-report",)),
                           m["seq"], md))
        steps.append(_step("decision", within_weeks(md, 4), decision, m["seq"], md))
    return steps


def _amendment_steps(events: list[dict]) -> list[Step]:
    steps: list[Step] = []
    for e in events:
        if e["event"] == "review-decision" and e.get("decision") == "amend":
            meeting = _d(e.get("meeting")) or _d(e["date"])
            served = _after(events, e["seq"], ("amendment-proposed",))
            steps.append(_step("amendment_notice", within_weeks(meeting, 4), served, e["seq"], meeting))
        if e["event"] == "amendment-proposed":
            served = _d(e["date"])
            closed = _after(events, e["seq"], ("amended-plan-issued", "amendment-withdrawn"))
            reps = _after(events, e["seq"], ("representations", "amended-plan-issued", "amendment-withdrawn"))
            steps.append(_step("representations", period_beginning_with(served, 15), reps, e["seq"], served))
            steps.append(_step("final_plan", within_weeks(served, 8), closed, e["seq"], served))
    return steps


def _phase_transfer_steps(plan: dict, events: list[dict]) -> list[Step]:
    t = plan.get("transfer")
    if not t:
        return []
    tdate = date.fromisoformat(t["date"])
    if t["kind"] == "post16-to-post16":
        name, due = "phase_transfer_post16_other", months_after(tdate, -5)
    elif t["kind"] == "secondary-to-post16":
        name, due = "phase_transfer_post16", before_fixed(tdate.year, 3, 31)
    else:
        name, due = "phase_transfer", before_fixed(tdate.year, 2, 15)
    window_start = months_after(tdate, -12)
    done = next((e for e in events if window_start < _d(e["date"]) <= tdate and (
        e["event"] == "amended-plan-issued" or (e["event"] == "review-decision" and e.get("decision") == "maintain"))),
        None)
    return [_step(name, due, done, None, tdate)]


def _request_steps(events: list[dict], opts: Options) -> list[Step]:
    steps: list[Step] = []
    pairs = {"early-review-requested": ("early_review_decision", "early-review-decision", "request"),
             "personal-budget-request": ("personal_budget_decision", "personal-budget-decision", "request"),
             "concern": ("concern_response", "concern-response", "concern")}
    for e in events:
        if e["event"] == "reassessment-requested":
            r = _d(e["date"])
            dec = _after(events, e["seq"], ("reassessment-decision",))
            steps.append(_step("reassessment_decision", within_days(r, 15), dec, e["seq"], r))
            if dec and dec.get("decision") == "agree":
                dd = _d(dec["date"])
                final = _after(events, dec["seq"], ("amended-plan-issued",))
                steps.append(_step("reassessment_final_plan", within_weeks(dd, 14), final, dec["seq"], dd))
        elif e["event"] in pairs:
            name, answer, key = pairs[e["event"]]
            start = _d(e["date"])
            due = _d(e.get("response_due")) or within_days(start, opts.request_decision_days)
            done = _after(events, e["seq"], (answer,), lambda x, s=e["seq"], k=key: x.get(k) == s)
            steps.append(_step(name, due, done, e["seq"], start))
    return steps


def deadlines(plan: dict, events: list[dict], today: date, opts: Options = Options()) -> Deadlines:
    """Every statutory step for the plan, done or pending, as on `today`."""
    dob = date.fromisoformat(plan["child"]["date_of_birth"])
    events = [e for e in events if _d(e.get("date")) and _d(e["date"]) <= today]
    year = schoolyear.nc_year(dob, today, plan.get("year_group"))
    steps, window_start = _review_steps(plan, events, opts)
    steps += _amendment_steps(events) + _phase_transfer_steps(plan, events) + _request_steps(events, opts)
    ceased = next((_d(e.get("effective")) or _d(e["date"]) for e in events
                   if e["event"] == "cease-decision" and e.get("decision") == "cease"), None)
    if ceased:
        steps = [s for s in steps if not s.pending or s.due < ceased]
    next_due = within_12_months_starting(window_start)
    under5 = schoolyear.is_under_five(dob, window_start)
    focus = []
    if year >= 9:
        focus.append("preparation-for-adulthood")
    t = plan.get("transfer")
    if t and today <= date.fromisoformat(t["date"]) <= months_after(today, 12):
        focus.append("phase-transfer")
    if schoolyear.is_under_five(dob, today):
        focus.append("under-five")
    return Deadlines(
        plan=plan["id"], as_of=today,
        decision_maker=schoolyear.decision_maker(dob, today, bool(plan["child"].get("lacks_capacity"))),
        nc_year=year, review_focus=focus,
        next_review_due=None if ceased else next_due,
        meeting_recommended_by=None if ceased else next_due - timedelta(days=opts.meeting_lead_days),
        interim_review_due=months_after(window_start, opts.under5_interval_months) if under5 and not ceased else None,
        steps=sorted(steps, key=lambda s: (s.due, s.name)), ceased=ceased)
