"""The rules as data: each statutory (or local) deadline with its legal basis and the date it applies from, and
the options an LA may set in ehcp.toml's [rules] table. Pure: no I/O.

A change in the law is a new `Rule` version registered with a later `effective_from`; `rule(name, on)` picks the
version in force on the day a step was triggered, so old steps keep the deadline they had."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from ehcp_docs.errors import UsageError
from ehcp_docs.statutory.dates import (
    add_working_days,
    appeal_deadline,
    at_least_days_before,
    at_least_weeks_before,
    before_fixed,
    end_of_academic_year,
    months_after,
    period_beginning_with,
    within_12_months_starting,
    within_days,
    within_weeks,
)

SEND_REGS_2014 = date(2014, 9, 1)  # CFA 2014 Part 3 and the SEND Regulations 2014 came into force

# ---- local options ---------------------------------------------------------------------------------------------
_CHOICES = {"review_clock_from": ("decision", "meeting"), "phase_transfer_meeting_term": ("autumn", "spring", "summer")}
_RANGES = {  # option: (lowest, highest, unit, why)
    "under5_interval_months": (3, 6, "months", "CoP 9.178 suggests an interim review every 3 to 6 months"),
    "meeting_lead_days": (28, 180, "days", "the decision may come 4 weeks after the meeting (reg 20) and must "
                                           "still fall inside the 12 months"),
    "advice_return_days_before_meeting": (14, 60, "days", "advice must be circulated at least 2 weeks before the "
                                                          "meeting (reg 20(4))"),
    "concern_response_working_days": (1, 60, "working days", "a local standard"),
    "early_review_decision_days": (1, 90, "days", "a local standard"),
    "personal_budget_decision_days": (1, 90, "days", "a local standard"),
    "posted_served_working_days": (1, 5, "working days", "a posted notice is served when it would be delivered "
                                                         "in the ordinary course of post"),
    "advice_reply_working_days_before_circulation": (0, 20, "working days", "a local standard: time to copy and "
                                                                             "send the advice before reg 20(4)'s date"),
}


@dataclass(frozen=True)
class RuleOptions:
    """What an LA may choose locally (ehcp.toml [rules]). The defaults are the project decisions in
    ehcp-rules.md; the bounds keep every choice at least as strict as the law."""
    review_clock_from: str = "decision"  # "the date of the review": the decision (default) or the meeting
    under5_interval_months: int = 6  # interim review for under fives, CoP 9.178
    meeting_lead_days: int = 28  # meeting_recommended_by = next review deadline - this
    advice_return_days_before_meeting: int = 14  # the date invitees are asked to send advice back
    concern_response_working_days: int = 20  # when a concern records no response date of its own
    phase_transfer_meeting_term: str = "autumn"  # term of the phase-transfer review meeting, before the transfer
    early_review_decision_days: int = 28  # deciding an early-review request (no statutory limit)
    personal_budget_decision_days: int = 28  # deciding a personal budget request (no statutory limit)
    posted_served_working_days: int = 2  # Decision: a posted notice is served on this working day after posting
    advice_reply_working_days_before_circulation: int = 5  # advice asked back this long before it is circulated

    def __post_init__(self) -> None:
        problems = _option_problems(self)
        if problems:
            raise UsageError("ehcp.toml [rules]: " + "; ".join(problems), messages=problems,
                             hint="Fix the [rules] table in ehcp.toml (or remove a setting to use its default).")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> RuleOptions:
        """Options from ehcp.toml's [rules] table; every unknown or bad setting is reported at once."""
        data = dict(data or {})
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise UsageError(f"ehcp.toml [rules]: unknown setting {', '.join(map(str, unknown))}",
                             hint=f"Known settings: {', '.join(known)}.")
        return cls(**data)


Options = RuleOptions  # the name other modules first used


def _option_problems(o: RuleOptions) -> list[str]:
    problems = []
    for name, allowed in _CHOICES.items():
        value = getattr(o, name)
        if value not in allowed:
            problems.append(f"{name} must be {' or '.join(repr(a) for a in allowed)}, not {value!r}")
    for name, (lo, hi, unit, why) in _RANGES.items():
        value = getattr(o, name)
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{name} must be a whole number of {unit}, not {value!r}")
        elif not lo <= value <= hi:
            problems.append(f"{name} must be from {lo} to {hi} {unit} ({why}), not {value}")
    return problems


DEFAULT_OPTIONS = RuleOptions()  # the project decisions, when an LA sets nothing


# ---- rules as data ---------------------------------------------------------------------------------------------
COUNTED = ("statutory", "local")
Compute = Callable[[date, RuleOptions], date]


@dataclass(frozen=True)
class Rule:
    """One deadline rule. `name` is the step it times ("decision"), or "step/variant" where one step has several
    legal bases. `compute` turns the trigger date into the last on-time day. `kind` says whose step it is:
    statutory (an LA duty), guidance, local (an LA standard) or family (a period the family has)."""
    name: str
    description: str
    basis: str
    compute: Compute
    trigger: str  # what the rule counts from, in words
    effective_from: date = SEND_REGS_2014
    kind: str = "statutory"  # statutory | local | guidance | family
    counts_back: bool = False  # the deadline comes before its trigger (notice periods, phase transfers)

    @property
    def step(self) -> str:
        return self.name.split("/")[0]

    @property
    def statutory(self) -> bool:
        return self.kind == "statutory"

    @property
    def counted(self) -> bool:
        """Whether missing it is drift: the LA's duties and its own standards, not guidance or family periods."""
        return self.kind in COUNTED

    def due(self, trigger: date, options: RuleOptions | None = None) -> date:
        return self.compute(trigger, options or DEFAULT_OPTIONS)


_REGISTRY: dict[str, list[Rule]] = {}


def register(r: Rule) -> Rule:
    """Adds a rule version; a later effective_from supersedes the earlier version from that day on."""
    versions = [v for v in _REGISTRY.get(r.name, []) if v.effective_from != r.effective_from]
    _REGISTRY[r.name] = sorted([*versions, r], key=lambda v: v.effective_from)
    return r


def rule(name: str, on: date) -> Rule:
    """The version of a rule in force on a date (the latest whose effective_from is on or before it). KeyError
    when there is no such rule, or none yet in force on that date."""
    in_force = [v for v in _REGISTRY.get(name, []) if v.effective_from <= on]
    if not in_force:
        raise KeyError(f"no rule {name!r} in force on {on.isoformat()}")
    return in_force[-1]


def rule_or_first(name: str, on: date) -> Rule:
    """`rule`, except that a date before the first version gets the first version: plans converted from older
    statements can carry earlier dates, and nothing older than the 2014 framework is modelled."""
    try:
        return rule(name, on)
    except KeyError:
        if name not in _REGISTRY:
            raise
        return _REGISTRY[name][0]


def due(name: str, trigger: date, options: RuleOptions | None = None) -> date:
    """The last on-time day of a step, by its rule's name, under the version in force on the trigger date: how every
    workflow and letter outside this package gets a statutory date (never by counting days itself)."""
    return rule_or_first(name, trigger).due(trigger, options)


def all_rules() -> list[Rule]:
    return [v for versions in _REGISTRY.values() for v in versions]


def _r(name: str, description: str, basis: str, trigger: str, compute: Compute, **kw: Any) -> None:
    register(Rule(name, description, basis, compute, trigger, **kw))


def _before_transfer(transfer: date, month: int, day: int) -> date:
    """"Before 15 February (31 March) of the calendar year of transfer". Decision: for the rare transfer dated
    on or before that day (a January start), the deadline is the day before the transfer, never after it."""
    return min(before_fixed(transfer.year, month, day), transfer - timedelta(days=1))


_r("review", "Conclude the review (decision notified) within 12 months of the plan's issue or the last review",
   "CFA s.44(1); CoP 9.169", "the plan's first issue or the last review",
   lambda t, o: within_12_months_starting(t))
_r("meeting_recommended", "Hold the review meeting early enough for the decision to fall inside the 12 months",
   "CoP 9.169 (project decision: the review deadline less meeting_lead_days)", "the review deadline",
   lambda t, o: at_least_days_before(t, o.meeting_lead_days), kind="guidance", counts_back=True)
_r("interim_review", "Interim review for a child under 5 (guidance: every 3 to 6 months)", "CoP 9.178",
   "the start of the review window", lambda t, o: months_after(t, o.under5_interval_months), kind="guidance")
_r("invitations", "Invite everyone to the review meeting, with at least 2 weeks' notice", "reg 20(3); reg 21(3)",
   "the meeting date", lambda t, o: at_least_weeks_before(t, 2), counts_back=True)
_r("advice_circulation", "Circulate the advice to everyone invited at least 2 weeks before the meeting",
   "reg 20(4); reg 21(4); CoP 9.176", "the meeting date", lambda t, o: at_least_weeks_before(t, 2),
   counts_back=True)
_r("review_report", "Send the review report to everyone invited within 2 weeks of the meeting",
   "reg 20(7),(8); reg 21(7); CoP 9.176", "the meeting date", lambda t, o: within_weeks(t, 2))
_r("decision", "Decide to maintain, amend or cease, and notify, within 4 weeks of the meeting",
   "reg 20; CoP 9.176", "the meeting date", lambda t, o: within_weeks(t, 4))
_r("amendment_notice", "Serve the proposed amendments with the decision, within 4 weeks of the meeting",
   "regs 20 and 22; R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)", "the meeting date",
   lambda t, o: within_weeks(t, 4))
_r("representations", "The family's 15 days (beginning with the day of service) to comment and request a school",
   "reg 22(2)(c)", "the day the amendment notice was served", lambda t, o: period_beginning_with(t, 15),
   kind="family")
_r("representations/draft-plan", "The family's 15 days (beginning with the day of service) to comment on the "
   "draft plan and request a school", "reg 13(1) as applied on re-assessment (CFA s.44(3)); rules section 6",
   "the day the draft plan was served", lambda t, o: period_beginning_with(t, 15), kind="family")
_r("final_plan", "Issue the final amended plan, or notify the decision not to amend, within 8 weeks of the notice",
   "reg 22(3),(4)", "the day the amendment notice was served", lambda t, o: within_weeks(t, 8))
_r("phase_transfer", "Review and amend the plan to name the next school, before 15 February of the transfer year",
   "reg 18(1)(b)", "the transfer date", lambda t, o: _before_transfer(t, 2, 15), counts_back=True)
_r("phase_transfer_post16", "Review and amend the plan to name the post-16 institution, before 31 March of the "
   "transfer year", "reg 18(1)(a)", "the transfer date", lambda t, o: _before_transfer(t, 3, 31), counts_back=True)
_r("phase_transfer_post16_other", "Review and amend the plan at least 5 months before a move between post-16 "
   "institutions", "reg 18(2)", "the transfer date", lambda t, o: months_after(t, -5), counts_back=True)
_r("reassessment_decision", "Notify whether the LA will re-assess, within 15 days of receiving the request",
   "CFA s.44(2); regs 24-27; CoP 9.186", "the day the request was received", lambda t, o: within_days(t, 15))
_r("reassessment_final_plan", "Issue the final plan within 14 weeks of notifying the decision to re-assess",
   "reg 27(2) (exemptions: reg 27(3))", "the decision to re-assess", lambda t, o: within_weeks(t, 14))
_r("concern_response", "Answer a concern about the plan or its delivery",
   "local standard (concern_response_working_days); rules section 10", "the day the concern was raised",
   lambda t, o: add_working_days(t, o.concern_response_working_days), kind="local")
_r("early_review_decision", "Decide a request for an early review (no statutory limit: local standard)",
   "CoP 9.168 (project decision: early_review_decision_days)", "the day the request was made",
   lambda t, o: within_days(t, o.early_review_decision_days), kind="local")
_r("personal_budget_decision", "Decide a request for a personal budget (no statutory limit: local standard)",
   "CFA s.49; CoP 9.95 (project decision: personal_budget_decision_days)", "the day the request was made",
   lambda t, o: within_days(t, o.personal_budget_decision_days), kind="local")
_r("termly_lists", "Send each setting, the ICB and social care the list of reviews due next term, at least 2 weeks "
   "before the term starts", "CoP, between 9.169 and 9.173 (rules section 4.1)", "the first day of the term",
   lambda t, o: at_least_weeks_before(t, 2), kind="guidance", counts_back=True)
_r("cease_views", "The family's and the setting's time to give their views on ceasing the plan",
   "reg 31 (consultation; no period is set: project decision, 2 weeks)", "the day the consultation letter was sent",
   lambda t, o: within_weeks(t, 2), kind="family")
_r("plan_ends", "Stop maintaining the plan by the end of the academic year in which the young person turns 25",
   "CFA s.46; reg 46; rules section 16", "the 25th birthday", lambda t, o: end_of_academic_year(t))
_r("appeal", "The last day for the family to appeal a decision to the Tribunal",
   "Tribunal Procedure (HESC) Rules 2008 r.20; rules sections 3 and 8", "the date of the decision letter",
   lambda t, o: appeal_deadline(t), kind="family")

_r("served_by_post", "A posted notice is served on the day it would be delivered in the ordinary course of post",
   "rules section 3 (project decision in ehcp.toml: posted_served_working_days, default the second working day "
   "after posting)", "the day the notice was posted",
   lambda t, o: add_working_days(t, o.posted_served_working_days), kind="guidance")

SERVICE_WAYS = {"hand": "by hand", "email": "by email", "post": "by post"}
SERVICE_STEPS = ("representations", "final_plan")  # steps that run from the day a notice was served


def served_on(how: str, handed_over: date, options: RuleOptions | None = None) -> date:
    """The day a notice or letter was served: the day it was handed over or emailed; for a posted one, the day it
    would be delivered in the ordinary course of post (the `served_by_post` rule)."""
    if how not in SERVICE_WAYS:
        raise UsageError(f"a document is served by hand, by email or by post, not {how[:20]!r}")
    return due("served_by_post", handed_over, options) if how == "post" else handed_over


# ---- exceptions to time limits: which steps the regulations allow them for, and why (rules 6, 14) --------------
@dataclass(frozen=True)
class ExceptionReason:
    words: str
    basis: str
    min_days: int = 0  # how long it must have lasted (absence from the area: 4 or 2 continuous weeks)


_CLOSURE_SCHOOL = "advice was asked of a school or college around a closure of at least 4 weeks"
_CLOSURE_EARLY_YEARS = "advice was asked of an early years provider around a closure of at least 4 weeks"
_PERSONAL = "exceptional personal circumstances of the child, parent or young person"
_AWAY = "the child, parent or young person was away from the area for at least {n} weeks"

# Re-assessment: the 14 weeks of reg 27(2) need not be met for the four reasons of reg 27(3) (the same four as
# reg 10(4)(a)-(d), which reg 13(3) applies to the 20 weeks). Rules section 6.
_REG_27_3 = {
    "school-closure": ExceptionReason(_CLOSURE_SCHOOL, "reg 27(3)(a)"),
    "early-years-closure": ExceptionReason(_CLOSURE_EARLY_YEARS, "reg 27(3)(b)"),
    "personal-circumstances": ExceptionReason(_PERSONAL, "reg 27(3)(c)"),
    "absent-from-area": ExceptionReason(_AWAY.format(n=4), "reg 27(3)(d)", 28),
}
# Tribunal orders (reg 44): exceptional personal circumstances, or absence from the area for at least 2 continuous
# weeks. Rules section 14 (secondary: Surrey SENDIASS; SEND18 lists a further ground not retrieved, so not offered).
_REG_44 = {
    "personal-circumstances": ExceptionReason(_PERSONAL, "reg 44 (rules section 14)"),
    "absent-from-area": ExceptionReason(_AWAY.format(n=2), "reg 44 (rules section 14)", 14),
}
# Unopposed appeals (reg 45): the same two, and a reg 13(3) circumstance (the closures of reg 10(4)(a),(b); its
# (c) and (d) are covered by the two above, the 2 weeks' absence being the shorter).
_REG_45 = {
    "school-closure": ExceptionReason(_CLOSURE_SCHOOL, "reg 45 (a reg 13(3) circumstance: reg 10(4)(a))"),
    "early-years-closure": ExceptionReason(_CLOSURE_EARLY_YEARS, "reg 45 (a reg 13(3) circumstance: reg 10(4)(b))"),
    "personal-circumstances": ExceptionReason(_PERSONAL, "reg 45 (rules section 14)"),
    "absent-from-area": ExceptionReason(_AWAY.format(n=2), "reg 45 (rules section 14)", 14),
}
# Which steps may carry an exception, and for which reasons. Nothing else: the parts of regs 18 and 20-22 retrieved
# (the review, the amendment, the phase transfer) give none, nor do the mediation regulations or reg 42's agreed
# steps (rules 6 and 13 list none); "cease immediately" (reg 44(2)(a)) is done by the order itself.
_ORDER_STEPS = ("assess_notice", "assess_final_plan", "draft_plan", "final_plan", "amend", "section_i",
                "continue_amend")
EXCEPTIONS: dict[str, dict[str, ExceptionReason]] = {
    "reassessment_final_plan": _REG_27_3,
    **{f"order_{s}": _REG_44 for s in _ORDER_STEPS},
    **{f"unopposed_{s}": _REG_45 for s in _ORDER_STEPS},
}


def exception_reason(step: str, reason: str) -> ExceptionReason:
    """The regulation's reason for missing a time limit, refused where the law gives none for that step."""
    allowed = EXCEPTIONS.get(step)
    if allowed is None:
        steps = ", ".join(sorted(EXCEPTIONS))
        raise UsageError(f"the regulations allow no exception to the time limit of step {step[:40]!r}",
                         hint=f"Exceptions can be recorded for: {steps} (rules sections 6 and 14).")
    if reason not in allowed:
        raise UsageError(f"{reason[:40]!r} is not a reason the regulations give for step {step}",
                         hint="Reasons: " + "; ".join(f"{k} ({v.words}, {v.basis})" for k, v in allowed.items()))
    return allowed[reason]


TRANSFER_RULES = {"secondary-to-post16": "phase_transfer_post16", "post16-to-post16": "phase_transfer_post16_other"}
STEP_KEYS = {"review": "next_review_due", "plan_ends": "plan_ends", "meeting_recommended": "meeting_recommended_by",
             "phase_transfer_post16": "phase_transfer_due", "phase_transfer_post16_other": "phase_transfer_due"}


def step_key(name: str) -> str:
    """The deadlines --json key of a step: "decision" -> "decision_due", "review" -> "next_review_due"."""
    return STEP_KEYS.get(name, f"{name}_due")
