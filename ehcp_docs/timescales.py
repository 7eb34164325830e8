"""The statutory calendar: every deadline of a plan, computed from the plan, its journal and a date. Pure: no I/O.

Why it is built this way:
- Every deadline is the LAST day on which a step is still on time (ehcp-rules.md section 3), so "days late" is
  simply done - due, and letters can print the date as it stands.
- Rules are data (`Rule`, kept in a registry by name and effective-from date) with their legal basis beside them,
  so a change in the law is a new registered version rather than an edit, and every report can cite its basis.
- Local choices an LA may make are `RuleOptions`, read from ehcp.toml's [rules] table.
- Only the journal drives the calendar: a step is done when the event that completes it is recorded.

Project decisions (beyond those in ehcp-rules.md):
- Events dated after `today` are ignored: the calendar is what was known on that day.
- "representations" is the family's period, not an LA duty: it is reported but never overdue or late.
- Early review and personal budget requests have no statutory time limit: the LA decides within
  `early_review_decision_days` / `personal_budget_decision_days` (28 days by default, so the answer can reach a
  review meeting). Concerns are answered by the `response_due` recorded with them, else within
  `concern_response_working_days` working days.
- A phase transfer is done by a "maintain" review decision or an amended plan issued from 12 months before the
  transfer until it happens; done after the reg 18 deadline, it counts as done late. Not done by the transfer
  date, it is closed as missed.
- A step that ended without being done (a review decided without its report, amendments superseded by a new
  notice, anything pending when the plan ceased) gets `done` = the day it ended and `closed_by` = that event, so
  it shows as missed (late when that day is after the deadline) rather than pending forever.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from ehcp_docs.errors import InvalidPlan, StoreError, UsageError
from ehcp_docs.periods import (ONE_DAY, add_months, add_working_days, appeal_deadline, at_least_days_before,  # noqa: F401
                               at_least_weeks_before, before_fixed, before_fixed_date, is_working_day, months_after,
                               next_working_day, period_beginning_with, tribunal_extension, within_days,
                               within_months_starting, within_12_months_starting, within_weeks)
from ehcp_docs.schoolyear import (Term, decision_maker, end_of_compulsory_school_age, find_term,  # noqa: F401
                                  is_under_five, meeting_term, nc_year, term_window, terms_for)

SEND_REGS_2014 = date(2014, 9, 1)  # CFA 2014 Part 3 and the SEND Regulations 2014 came into force
NEVER = 10 ** 12


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

    def __post_init__(self) -> None:
        problems = _option_problems(self)
        if problems:
            raise UsageError("ehcp.toml [rules]: some settings are not usable", messages=problems,
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


# ---- rules as data ---------------------------------------------------------------------------------------------
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
    kind: str = "statutory"
    counts_back: bool = False  # the deadline comes before its trigger (notice periods, phase transfers)

    @property
    def step(self) -> str:
        return self.name.split("/")[0]

    @property
    def statutory(self) -> bool:
        return self.kind == "statutory"

    def due(self, trigger: date, options: RuleOptions | None = None) -> date:
        return self.compute(trigger, options or RuleOptions())


_REGISTRY: dict[str, list[Rule]] = {}


def register(r: Rule) -> Rule:
    """Adds a rule version; a later effective_from supersedes the earlier version from that day on."""
    versions = [v for v in _REGISTRY.get(r.name, []) if v.effective_from != r.effective_from]
    _REGISTRY[r.name] = sorted([*versions, r], key=lambda v: v.effective_from)
    return r


def rule(name: str, on: date) -> Rule:
    """The version of a rule in force on a date. Dates before the first version get the first version: nothing
    older than the 2014 framework is modelled."""
    versions = _REGISTRY.get(name)
    if not versions:
        raise KeyError(f"no rule named {name!r}")
    in_force = [v for v in versions if v.effective_from <= on]
    return in_force[-1] if in_force else versions[0]


def all_rules() -> list[Rule]:
    return [v for versions in _REGISTRY.values() for v in versions]


def _r(name: str, description: str, basis: str, trigger: str, compute: Compute, **kw: Any) -> None:
    register(Rule(name, description, basis, compute, trigger, **kw))


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
   "reg 18(1)(b)", "the transfer date", lambda t, o: before_fixed(t.year, 2, 15), counts_back=True)
_r("phase_transfer_post16", "Review and amend the plan to name the post-16 institution, before 31 March of the "
   "transfer year", "reg 18(1)(a)", "the transfer date", lambda t, o: before_fixed(t.year, 3, 31), counts_back=True)
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
_r("appeal", "The last day for the family to appeal a decision to the Tribunal",
   "Tribunal Procedure (HESC) Rules 2008 r.20; rules sections 3 and 8", "the date of the decision letter",
   lambda t, o: appeal_deadline(t), kind="family")

TRANSFER_RULES = {"secondary-to-post16": "phase_transfer_post16", "post16-to-post16": "phase_transfer_post16_other"}
STEP_KEYS = {"review": "next_review_due", "meeting_recommended": "meeting_recommended_by",
             "phase_transfer_post16": "phase_transfer_due", "phase_transfer_post16_other": "phase_transfer_due"}


def step_key(name: str) -> str:
    """The deadlines --json key of a step: "decision" -> "decision_due", "review" -> "next_review_due"."""
    return STEP_KEYS.get(name, f"{name}_due")


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

    @property
    def key(self) -> str:
        return step_key(self.name)

    @property
    def statutory(self) -> bool:
        return self.kind == "statutory"

    @property
    def pending(self) -> bool:
        return self.done is None

    @property
    def missed(self) -> bool:
        return self.closed_by is not None

    def days_left(self, as_of: date) -> int:
        return (self.due - as_of).days

    def days_late(self, as_of: date) -> int:
        """Days after the deadline the step was done (or, while pending, as_of is); negative means early."""
        return ((self.done or as_of) - self.due).days

    def status(self, as_of: date) -> str:
        if self.pending:
            return "overdue" if self.due < as_of and self.kind != "family" else "pending"
        if self.missed:
            return "ended" if self.kind == "family" else "missed"
        return "late" if self.done > self.due and self.kind != "family" else "done"

    def as_json(self, as_of: date) -> dict[str, Any]:
        return {"step": self.key, "name": self.name, "due": self.due.isoformat(),
                "done": self.done.isoformat() if self.done else None, "status": self.status(as_of),
                "days_left": self.days_left(as_of), "basis": self.basis, "description": self.description,
                "kind": self.kind, "closed_by": self.closed_by}


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

    def pending(self, name: str) -> date | None:
        """The earliest pending deadline of a step, by step name ("decision") or JSON key ("decision_due")."""
        due = [s.due for s in self.steps if s.pending and name in (s.name, s.key)]
        return min(due) if due else None

    @property
    def overdue(self) -> list[Step]:
        """Pending steps past their deadline, the family's own periods excepted."""
        return sorted((s for s in self.steps if s.pending and s.kind != "family" and s.due < self.as_of),
                      key=lambda s: (s.due, s.name))

    @property
    def late(self) -> list[Step]:
        """Statutory steps done after their deadline, or missed: drift that has already happened."""
        return [s for s in self.steps if s.done and s.statutory and s.done > s.due]

    def as_json(self) -> dict[str, Any]:
        iso = _iso
        out: dict[str, Any] = {
            "plan": self.plan, "as_of": iso(self.as_of), "decision_maker": self.decision_maker,
            "nc_year": self.nc_year, "review_focus": list(self.review_focus),
            "next_review_due": iso(self.next_review_due), "meeting_recommended_by": iso(self.meeting_recommended_by),
            "interim_review_due": iso(self.interim_review_due)}
        out.update({step_key(n): iso(self.pending(step_key(n))) for n in JSON_STEPS + EXTRA_STEPS})
        out["overdue"] = [{"step": s.key, "due": iso(s.due), "days_late": s.days_late(self.as_of),
                           "basis": s.basis, "description": s.description} for s in self.overdue]
        out.update({"ceased": iso(self.ceased), "window_start": iso(self.window_start),
                    "steps": [s.as_json(self.as_of) for s in self.steps]})
        return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# ---- reading the journal ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Event:
    seq: int
    name: str
    day: date
    data: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.data:
            return self.data[key]
        nested = self.data.get("data")
        return nested.get(key, default) if isinstance(nested, Mapping) else default

    def date_of(self, key: str) -> date | None:
        value = self.get(key)
        if value in (None, "", True, False):
            return None
        return _to_date(value, lambda: StoreError(
            f"journal entry {self.seq} ({self.name}): {key} '{str(value)[:20]}' is not a date (YYYY-MM-DD)"))

    def ref(self, key: str) -> int | None:
        try:
            return int(self.get(key))
        except (TypeError, ValueError):
            return None


def _to_date(value: Any, error: Callable[[], Exception]) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise error() from None


class _Journal:
    """The plan's events up to `today`, in seq order, with the look-ups the rules need."""

    def __init__(self, events: Iterable[Mapping[str, Any]], today: date):
        parsed = [self._parse(e) for e in events]
        self.events = sorted((e for e in parsed if e.day <= today), key=lambda e: e.seq)

    @staticmethod
    def _parse(e: Mapping[str, Any]) -> _Event:
        seq, name = e.get("seq"), str(e.get("event", ""))
        day = _to_date(e.get("date"), lambda: StoreError(
            f"journal entry {seq} ({name}): date '{str(e.get('date'))[:20]}' is not a date (YYYY-MM-DD)"))
        return _Event(int(seq or 0), name, day, e)

    def all(self, *names: str, after: int = 0, before: int = NEVER) -> list[_Event]:
        return [e for e in self.events if e.name in names and after < e.seq < before]

    def first(self, *names: str, after: int = 0, before: int = NEVER,
              where: Callable[[_Event], bool] | None = None) -> _Event | None:
        return next((e for e in self.all(*names, after=after, before=before) if where is None or where(e)), None)

    def last(self, *names: str, after: int = 0, before: int = NEVER) -> _Event | None:
        found = self.all(*names, after=after, before=before)
        return found[-1] if found else None


def _seq(e: _Event | None, default: int = NEVER) -> int:
    return e.seq if e else default


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
        r = rule(rule_name, trigger)
        when = done.day if isinstance(done, _Event) else done
        end = None
        if when is None and closed_by is not None:
            when, end = closed_by.day, closed_by.name
        return Step(r.step, due or r.due(trigger, self.options), r.basis, r.description, when, r.kind, ref,
                    trigger, end)


def _plan_date(plan: Mapping[str, Any], *path: str) -> date | None:
    node: Any = plan
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    if node in (None, ""):
        return None
    return _to_date(node, lambda: InvalidPlan(f"plan {plan.get('id', '')}: {' '.join(path).replace('_', ' ')} "
                                              f"'{str(node)[:20]}' is not a date (YYYY-MM-DD)"))
