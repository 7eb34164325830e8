"""The calendar across a whole store: one plan's deadlines, the due list for a term, the termly lists and the
drift report. Reads plans and journals from the store; the rules themselves are in timescales (pure)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

from ehcp_docs import statutory
from ehcp_docs.errors import EhcpError
from ehcp_docs.store import Store
from ehcp_docs.store.paths import check_id

T = TypeVar("T")

STEP_WORDS = {
    "review": "reviews concluded later than 12 months", "decision": "decisions later than 4 weeks",
    "review_report": "review reports later than 2 weeks", "invitations": "invitations with less than 2 weeks' notice",
    "advice_circulation": "advice not circulated 2 weeks before the meeting",
    "amendment_notice": "amendments not served with the decision", "final_plan": "final plans later than 8 weeks",
    "phase_transfer": "phase transfers after 15 February", "phase_transfer_post16": "post-16 transfers after 31 March",
    "phase_transfer_post16_other": "post-16 moves with less than 5 months' notice",
    "reassessment_decision": "re-assessment decisions later than 15 days",
    "reassessment_final_plan": "re-assessment plans later than 14 weeks",
    "concern_response": "concerns answered late", "personal_budget_decision": "personal budget decisions late",
    "early_review_decision": "early review requests decided late",
    "interim_review": "under-5 interim reviews later than the guidance",
    "meeting_recommended": "review meetings held later than recommended",
    "representations": "family's 15 days for representations passed",
    "appeal": "appeal deadlines passed",
    "termly_lists": "termly lists sent later than 2 weeks before the term",
    "cease_views": "family's time for views on ceasing passed",
    "served_by_post": "posted notices served",
    "plan_ends": "plans still maintained after the academic year of the 25th birthday",
}


COMPLIANCE_WORDS = {"order_": "Tribunal order not complied with",
                    "unopposed_": "unopposed appeal not complied with",
                    "agreement_": "mediation agreement not carried out"}
MEDIATION_WORDS = {"mediation_certificate": "mediation certificates later than 3 working days",
                   "mediation_arranged": "mediation not arranged within 30 days",
                   "mediation_health_notice": "health service not told about mediation within 3 working days"}


def step_words(step: str) -> str:
    """A step's words in the drift report: late compliance with an order is named as such."""
    for prefix, words in COMPLIANCE_WORDS.items():
        if step.startswith(prefix):
            return words
    return STEP_WORDS.get(step) or MEDIATION_WORDS.get(step, step)


def options(store: Store) -> statutory.Options:
    return statutory.Options.from_mapping(store.config.rules)


def plan_deadlines(store: Store, pid: str, today: date) -> statutory.Deadlines:
    plan = store.plan(pid)
    return readable(pid, plan, lambda: statutory.deadlines(plan, store.events(pid), today, options(store)))


def readable(pid: str, plan: dict, compute: Callable[[], T]) -> T:
    """Runs a calendar computation on a committed plan. A plan committed by hand may hold anything (a field of
    the wrong kind, a section missing); the calendar then says what is wrong with it, in the validator's words,
    instead of failing with a traceback. The index leaves such plans to this path, so both give the same error."""
    try:
        return compute()
    except EhcpError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        from ehcp_docs.model import validation

        problems = validation.plan_problems(plan) or ["the plan passes its checks, so its journal (events.jsonl) "
                                                      "is the likely cause: it holds a step the calendar cannot read"]
        error = validation.problems_error(f"plan {pid}", problems)
        error.message += ": its deadlines cannot be worked out until it is corrected"
        error.hint = f"Correct it with `ehcp edit {pid}` (`ehcp validate --all` lists every plan's problems)."
        raise error from None


FOCUS_WORDS = {"preparation-for-adulthood": "preparation for adulthood", "phase-transfer": "phase transfer",
               "under-five": "under five"}


def focus_text(focus: list[str]) -> str:
    """What a review must focus on, in words (due lists, termly lists, `deadlines`)."""
    return ", ".join(FOCUS_WORDS.get(f, f) for f in focus) or "-"


@dataclass(frozen=True)
class DueRow:
    plan: str
    name: str
    setting: str
    review_due: date
    meeting_recommended_by: date
    focus: list[str]
    overdue: bool
    reason: str  # "annual review", "phase transfer"
    date_of_birth: date | None = None
    year_group: int | None = None  # national curriculum year when the review is due (recorded year wins)
    setting_urn: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"plan": self.plan, "name": self.name, "setting": self.setting,
                "review_due": self.review_due.isoformat(),
                "meeting_recommended_by": self.meeting_recommended_by.isoformat(), "focus": self.focus,
                "overdue": self.overdue, "reason": self.reason,
                "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
                "year_group": self.year_group, "setting_urn": self.setting_urn}


def setting_name(plan: dict) -> str:
    i = plan.get("sections", {}).get("I", {})
    return i.get("name") or i.get("type", "") or "(no setting named)"


def due_rows(store: Store, start: date, end: date, today: date, setting: str | None = None, *,
             use_index: bool | None = None, skipped: list[str] | None = None) -> list[DueRow]:
    """Plans whose review falls in [start, end] (the rule is statutory.review_due_in), plus every review already
    overdue, overdue ones first. Read through the calendar index (ehcp_docs.index): the same rows, from cached
    results for plans unchanged since the same question was last asked (`use_index=False` or EHCP_INDEX=0: none).
    With `skipped`, a plan that cannot be read (a damaged journal, a broken hand-committed plan) is left out and
    its error added there, so one plan never stops the list of all the others; without, the first one is raised."""
    opts = options(store)

    def compute(plan: dict, events: list) -> dict[str, Any]:
        return _due_facts(plan, events, start, end, today, opts, store.config.terms)

    facts = _indexed(store, "due", [today, start, end, store.config.rules, store.config.terms], use_index, compute)
    rows = []
    for pid, f in (facts if facts is not None else ((p, None) for p in store.plan_ids())):
        if f is None:  # not in the index: computed from the plan itself
            f = guarded(skipped, pid, lambda p=pid: _plain_due(store, p, setting, compute))  # type: ignore[misc]
            if f is None:
                continue
        if setting and setting.lower() not in f["setting"].lower():
            continue
        if f["row"] is not None:
            name, review_due, meet_by, focus, overdue, reason, *more = f["row"]
            dob, year, urn = (more + [None, None, ""])[:3]
            rows.append(DueRow(pid, name, f["setting"], date.fromisoformat(review_due), date.fromisoformat(meet_by),
                               focus, overdue, reason, date.fromisoformat(dob) if dob else None, year, urn or ""))
    return sorted(rows, key=lambda r: (not r.overdue, r.review_due, r.plan))


def _plain_due(store: Store, pid: str, setting: str | None, compute: Callable[[dict, list], Any]) -> Any:
    plan = store.plan(pid)
    if setting and setting.lower() not in readable(pid, plan, partial(setting_name, plan)).lower():
        return None
    return _plain(store, pid, plan, compute)


def guarded(skipped: list[str] | None, pid: str, compute: Callable[[], T]) -> T | None:
    """One plan's part of a store-wide command. With `skipped` given, a plan that cannot be read is named there
    and the command goes on with the rest (and exits 1 at the end); without it, the error stops the command."""
    if skipped is None:
        return compute()
    try:
        return compute()
    except EhcpError as e:
        said = e.message if pid in e.message else f"plan {pid}: {e.message}"
        skipped.append("\n  - ".join([said, *e.messages[:20]]))
        return None


def _due_facts(plan: dict, events: list, start: date, end: date, today: date, opts: statutory.Options,
               terms: Any) -> dict[str, Any]:
    """One plan's line of the due list as JSON data for the index (exactly what due_rows makes of it)."""
    r = statutory.review_due_in(plan, events, start, end, today, opts, terms)
    row = None
    if r is not None:
        dob = plan["child"]["date_of_birth"]
        year = statutory.nc_year(date.fromisoformat(dob), r.review_due, plan.get("year_group"))
        row = [plan["child"]["name"], r.review_due.isoformat(), r.meeting_recommended_by.isoformat(), list(r.focus),
               r.overdue, r.reason, dob, year, str((plan.get("sections") or {}).get("I", {}).get("urn") or "")]
    return {"setting": setting_name(plan), "row": row}


def _plain(store: Store, pid: str, plan: dict, compute: Callable[[dict, list], T]) -> T:
    """The index's computation for a plan it leaves to the plain path. The journal is read inside `readable`, so
    a journal line of the wrong shape is reported like a broken plan, not as a traceback."""
    return readable(pid, plan, lambda: compute(plan, store.events(pid)))


def _indexed(store: Store, kind: str, params: list, use_index: bool | None,
             compute: Any) -> list[tuple[str, Any]] | None:
    """(plan id, facts or None) for every plan, from the calendar index; None: compute every plan directly."""
    from ehcp_docs.store import index

    if not index.enabled(use_index):
        return None
    return index.calendar(store, kind, params, compute)


@dataclass
class DriftReport:
    as_of: date
    plans: list[dict]
    summary: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "plans": self.plans, "summary": self.summary}


def overdue_report(store: Store, today: date, lookback_days: int = 365, *,
                   use_index: bool | None = None, skipped: list[str] | None = None) -> DriftReport:
    """Every plan with a pending step past its deadline, and the steps done late in the last year. Read through
    the calendar index like due_rows; `skipped` as for due_rows."""
    opts = options(store)
    plans: list[dict] = []
    counts: Counter[tuple[str, str | None]] = Counter()
    since = today - timedelta(days=lookback_days)

    def compute(plan: dict, events: list) -> dict[str, Any]:
        return _overdue_facts(plan, events, today, opts, since)

    facts = _indexed(store, "overdue", [today, lookback_days, store.config.rules], use_index, compute)
    for pid, f in (facts if facts is not None else ((p, None) for p in store.plan_ids())):
        if f is None:
            f = guarded(skipped, pid, lambda p=pid: _plain(store, p, store.plan(p), compute))  # type: ignore[misc]
            if f is None:
                continue
        pending, late = f["pending"], f["late"]
        for s in pending + late:
            counts[(s["step"], s.get("exception"))] += 1
        if pending or late:
            plans.append({"plan": pid, "overdue": pending, "late": late})
    words: Counter[str] = Counter()
    for (step, why), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        words[_summary_words(step, why)] += n  # one line per words: every late order step is one line
    summary = dict(sorted(words.items()))
    return DriftReport(today, plans, summary)


def _summary_words(step: str, exception: str | None) -> str:
    """The drift report's line for a step: one line per exception reason, apart from plain drift (rules 6)."""
    words = step_words(step)
    if exception is None:
        return words
    reason = statutory.EXCEPTIONS.get(step, {}).get(exception)
    return f"{words}, with an exception: {reason.words if reason else exception}"


def _overdue_facts(plan: dict, events: list, today: date, opts: statutory.Options, since: date) -> dict[str, Any]:
    """One plan's pending steps past their deadline and the steps done late since `since` (JSON for the index)."""
    d = statutory.deadlines(plan, events, today, opts)
    pending = [{"step": s.name, "due": s.due.isoformat(), "days_late": s.days_late(today), "basis": s.basis,
                "status": "pending", "exception": s.exception} for s in d.overdue]
    late = [{"step": s.name, "due": s.due.isoformat(), "days_late": s.days_late(today), "basis": s.basis,
             "status": "done-late", "done": s.done.isoformat(), "exception": s.exception}
            for s in d.late if s.done and s.done >= since]
    return {"pending": pending, "late": late}


def prepare_days(store: Store, today: date, days: int = 2, skipped: list[str] | None = None) -> list[str]:
    """Works out, ahead of the caseworkers, what the first `due`, `lists` and `overdue` of each of the next `days`
    days would otherwise compute for every plan: the due lists of the term in progress and of the next term, and
    the drift report (each is cached in the index for its day; on 20,000 plans a new day's first answer takes
    seconds, every later one a fraction of a second). For `ehcp maintenance`, run nightly. With `skipped`, a plan
    that cannot be read (a damaged journal) is named there once and the calendar is prepared for every other."""
    from ehcp_docs import statutory
    from ehcp_docs.store import index

    if not index.enabled():
        return []
    done = []
    for day in (today + timedelta(days=i) for i in range(days)):
        terms = {t.name: t for t in (statutory.meeting_term(day, store.config.terms),
                                     statutory.next_term(store.config.terms, day))}
        found: list[str] | None = None if skipped is None else []
        for t in terms.values():
            due_rows(store, t.start, t.end, day, skipped=found)
        overdue_report(store, day, skipped=found)
        if skipped is not None and found:
            skipped += [x for x in dict.fromkeys(found) if x not in skipped]
        done.append(f"{day}: due lists for {' and '.join(terms)}, and the drift report")
    return done


def lint_store(store: Store, ids: list[str] | None, today: date,
               skipped: list[str] | None = None) -> list[dict[str, Any]]:
    """`ehcp lint`: the plan-quality findings of the named plans, or of every plan in the store (lint is imported
    here: the calendar commands that import this module never need it). A plan that cannot be read is named in
    `skipped` (when given) and the others are still linted."""
    from ehcp_docs.model import lint

    def one(pid: str) -> dict[str, Any]:
        plan = store.plan(check_id(pid))  # a plan committed by hand is named with its problems, not a traceback
        return readable(pid, plan, partial(lint.lint_one, plan, today))

    found = [guarded(skipped, pid, partial(one, pid)) for pid in (ids or store.plan_ids())]
    return [f for f in found if f is not None]
