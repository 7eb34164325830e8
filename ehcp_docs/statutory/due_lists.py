"""Which reviews are due in a term or period: the termly lists to head teachers, the ICB and social care
(CoP 9.170-9.172) and `ehcp due`. Pure: no I/O. Built on `timescales.deadlines`, so a plan is listed exactly when
its own calendar says so."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ehcp_docs.statutory.dates import at_least_days_before, months_after
from ehcp_docs.statutory.plan_deadlines import deadlines, review_focus, transfer_of, transfer_rule
from ehcp_docs.statutory.rules import DEFAULT_OPTIONS, RuleOptions
from ehcp_docs.statutory.terms import Term, find_term, meeting_term, term_window


@dataclass(frozen=True)
class ReviewDue:
    """One plan's line in a due list: why it is there, its deadlines and what the review must focus on."""
    plan: str | None
    review_due: date  # the earlier of the 12-month deadline and, when the transfer review is due, reg 18's
    meeting_recommended_by: date
    next_review_due: date
    focus: list[str]
    overdue: bool
    phase_transfer: bool  # the phase-transfer review meeting must be held in this period
    phase_transfer_due: date | None
    phase_transfer_term: str | None
    reason: str  # "annual review", "phase transfer", "annual review and phase transfer", "overdue"

    def as_json(self) -> dict[str, Any]:
        iso = _iso
        return {"plan": self.plan, "review_due": iso(self.review_due),
                "meeting_recommended_by": iso(self.meeting_recommended_by),
                "next_review_due": iso(self.next_review_due), "focus": list(self.focus), "overdue": self.overdue,
                "phase_transfer": self.phase_transfer, "phase_transfer_due": iso(self.phase_transfer_due),
                "phase_transfer_term": self.phase_transfer_term, "reason": self.reason}


def phase_transfer_meeting_term(plan: Mapping[str, Any], options: RuleOptions = DEFAULT_OPTIONS,
                                configured: Sequence[Mapping[str, Any]] | None = None) -> Term | None:
    """The term in which the phase-transfer review meeting must be held: by default the autumn term before the
    transfer (so the decision and amended plan beat 15 February). It is the latest term of the chosen season
    that starts by the reg 18 deadline and is within the 12 months before the transfer; when there is none (a
    post-16 move at another time), the term in which a meeting due by (deadline - meeting_lead_days) falls."""
    t = transfer_of(plan)
    if not t:
        return None
    due = transfer_rule(t[1], t[0]).due(t[0], options)
    floor = months_after(t[0], -12)
    for year in (due.year, due.year - 1):
        term = find_term(f"{options.phase_transfer_meeting_term}-{year}", configured)
        if term.start <= due and term.end >= floor:
            return term
    return meeting_term(at_least_days_before(due, options.meeting_lead_days), configured)


def review_due_in(plan: Mapping[str, Any], events: Iterable[Mapping[str, Any]], start: date, end: date,
                  today: date, options: RuleOptions = DEFAULT_OPTIONS,
                  configured_terms: Sequence[Mapping[str, Any]] | None = None) -> ReviewDue | None:
    """The plan's line in the list of reviews due from `start` to `end`, or None. A plan is listed when the
    span from its recommended meeting date to its 12-month deadline overlaps the period; when the
    phase-transfer review must be held in the period (its meeting term overlaps it, or its reg 18 deadline falls
    in it); and, while overdue, in every list that has not ended before today. Ceased plans are never listed.
    Focus flags are worked out for the later of `start` and `today`, when the review will happen."""
    d = deadlines(plan, events, today, options)
    if d.next_review_due is None or d.meeting_recommended_by is None:
        return None
    annual = start <= d.next_review_due and d.meeting_recommended_by <= end
    transfer_due = d.pending("phase_transfer_due")
    term = phase_transfer_meeting_term(plan, options, configured_terms) if transfer_due else None
    phase = transfer_due is not None and ((term is not None and term.start <= end and term.end >= start)
                                          or start <= transfer_due <= end)
    overdue = d.next_review_due < today or (transfer_due is not None and transfer_due < today)
    if not (annual or phase or (overdue and end >= today)):
        return None
    focus = review_focus(plan, max(start, today))
    if phase and "phase-transfer" not in focus:
        focus.insert(1 if focus[:1] == ["preparation-for-adulthood"] else 0, "phase-transfer")
    # the earliest deadline the review must meet, and the meeting date counted back from it: the one rule that
    # `deadlines`, `review status` and the letters use too (plan_deadlines.must_meet)
    due = d.review_must_meet or d.next_review_due
    reason = " and ".join(w for w, on in (("annual review", annual), ("phase transfer", phase)) if on) or "overdue"
    return ReviewDue(d.plan, due, d.meeting_recommended_by, d.next_review_due, focus,
                     overdue, phase, transfer_due, term.name if term else None, reason)


def due_in_term(plan: Mapping[str, Any], events: Iterable[Mapping[str, Any]], term: Term, today: date,
                options: RuleOptions = DEFAULT_OPTIONS,
                configured_terms: Sequence[Mapping[str, Any]] | None = None) -> ReviewDue | None:
    """`review_due_in` for a term together with the holiday after it: a review whose meeting would fall in the
    holiday has to be held before the school breaks up, so it belongs to this term's list."""
    start, end = term_window(term, configured_terms)
    return review_due_in(plan, events, start, end, today, options, configured_terms)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
