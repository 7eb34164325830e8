"""Management information from the plan history: the SEN2 return's fields that come from a plan's journal, our
LA's row of the DfE's "Number of annual reviews of EHC plans" and phase-transfer tables, and the checks a
manager runs before the return goes in.

Why it is built this way:
- Every figure is a count of plans put in a column by named journal events (`explain`), so a manager can trace
  it to the commits that produced it; the counts are only ever the lengths of those lists, so an identity that
  fails points at a classification, never at arithmetic.
- Each plan's facts (`history`) are worked out once per plan folder and date through the calendar index
  (store/index/facts.py), so on 20,000 plans a warm answer is read back, not recomputed.
- No statutory period is counted here: the 4 weeks come from `statutory.due("decision", meeting)`, the 12-month
  review window from `statutory.due("review", ...)`, the phase-transfer deadline and its completion from
  `statutory.deadlines`.
- Definitions are the DfE's (SEN2 guide; the "annual reviews" data set of the EHC plans release), read as the
  README section "Management information" states; where the DfE left a choice, that section says which."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.casework import caseload
from ehcp_docs.store import Store
from ehcp_docs.store.index.facts import VERSION_TRANSFER, with_version_transfers

OUTCOME_CODES = {"amend": "A", "cease": "C", "maintain": "M"}  # SEN2 reviewoutcome
CEASE_CODES = range(1, 10)  # the DfE SEN2 cease reasons, rules section 7
TRANSFER_STEPS = ("phase_transfer", "phase_transfer_post16", "phase_transfer_post16_other")


# ---- one plan's facts (pure; JSON for the index) ----------------------------------------------------------------
def _day(value: Any) -> date | None:
    if value in (None, "", True, False):
        return None
    return date.fromisoformat(str(value))


def _ref(e: Mapping[str, Any]) -> dict[str, Any]:
    """An event as `--explain` names it: its journal number, name and date."""
    return {"seq": int(e.get("seq") or 0), "event": str(e.get("event", "")), "date": str(e.get("date", ""))}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def history(plan: Mapping[str, Any], events: Iterable[Mapping[str, Any]], as_of: date,
            options: statutory.Options) -> dict[str, Any]:
    """What the management figures need of one plan, as known on `as_of` (later events are ignored, as in the
    calendar): its start, its reviews (meeting, decision, draft and final amended plan), its ceasing, its phase
    transfer step, its personal budget flags, and the journal's inconsistencies the pre-submission check names."""
    evs = sorted((e for e in events if isinstance(e, Mapping) and (_day(e.get("date")) or date.max) <= as_of),
                 key=lambda e: int(e.get("seq") or 0))
    start = statutory.first_issued(plan, evs)
    issued = next((e for e in evs if e.get("event") == "issued"), None)
    reviews, orphans = _reviews(evs, options)
    j = plan.get("sections", {}).get("J") or {}
    d = statutory.deadlines(plan, evs, as_of, options)
    return {
        "start": _iso(start), "issued_event": _ref(issued) if issued else None,
        "plan_issued": str(plan.get("issued", "")), "last_reviewed": plan.get("last_reviewed"),
        "first_review_due": _iso(statutory.due("review", start, options)) if start else None,
        "reviews": reviews, "orphan_decisions": orphans, "ceasing": _ceasing(evs),
        "transfers": _transfers(plan, evs, as_of, options, d),
        "budget": {"pb": bool(j.get("in_place")), "oa": bool(j.get("organised_arrangements")),
                   "dp": bool(j.get("direct_payments"))},
        "pending_final": [{"served": s.trigger.isoformat() if s.trigger else None, "due": s.due.isoformat(),
                           "ref": s.ref} for s in d.steps if s.name == "final_plan" and s.pending],
    }


def _transfer_step(d: statutory.Deadlines) -> dict[str, Any] | None:
    step = next((s for s in d.steps if s.name in TRANSFER_STEPS), None)
    if step is None:
        return None
    return {"due": step.due.isoformat(), "done": _iso(step.done) if not step.missed else None,
            "missed": step.closed_by, "transfer_date": _iso(step.trigger), "rule": step.name}


def _transfers(plan: Mapping[str, Any], evs: list[Mapping[str, Any]], as_of: date, options: statutory.Options,
               d: statutory.Deadlines) -> list[dict[str, Any]]:
    """Every phase transfer of the plan, oldest first: the one its current version records, and those of earlier
    versions (an amended plan that carries a transfer out drops it and records the next one, so without these a
    year's transfers would be missing from its table once their plans were amended). Each earlier transfer is
    worked out by the calendar as if the plan still recorded it; it counts once it is done or its date has come
    (a transfer date corrected, or a transfer dropped, before it happened is not a transfer)."""
    out = []
    current = _transfer_step(d)
    if current is not None:
        out.append(current)
    seen = {_transfer_key(plan.get("transfer"))}
    for e in evs:
        t = e.get(VERSION_TRANSFER)
        key = _transfer_key(t)
        if key is None or key in seen:
            continue
        seen.add(key)
        try:
            step = _transfer_step(statutory.deadlines({**plan, "transfer": t}, evs, as_of, options))
        except Exception:  # noqa: BLE001 - an earlier version's transfer the calendar cannot read: not counted
            continue
        if step is not None and (step["done"] or (_day(step["transfer_date"]) or date.max) <= as_of):
            out.append(step)
    return sorted(out, key=lambda t: t["due"])


def _transfer_key(t: Any) -> tuple[str, str] | None:
    if not isinstance(t, Mapping) or not t.get("date"):
        return None
    return str(t.get("date")), str(t.get("kind", ""))


def _reviews(evs: list[Mapping[str, Any]], options: statutory.Options) -> tuple[list[dict], list[dict]]:
    """Every review meeting with what followed it before the next meeting: the decision, the draft amended plan
    (the amendment notice) and the final amended plan. A decision with no meeting before it is a review only when
    it records the meeting's date (a plan imported mid-review); otherwise it is an orphan for the check."""
    reviews: list[dict] = []
    orphans: list[dict] = []
    current: dict | None = None
    for e in evs:
        name = e.get("event")
        if name == "review-meeting":
            current = _review(_day(e.get("date")), _ref(e), options)
            reviews.append(current)
        elif name == "review-decision":
            if current is None or current["decision"] is not None:
                held = _day(e.get("meeting"))
                if held is None:
                    orphans.append({**_ref(e), "decision": e.get("decision")})
                    continue
                current = _review(held, None, options)
                reviews.append(current)
            current.update(decision=e.get("decision"), decided=e.get("date"), decision_event=_ref(e))
        elif name == "amendment-proposed" and current is not None and current["decision"] == "amend" \
                and current["draft"] is None and e.get("context") in (None, "review"):
            current.update(draft=e.get("date"), draft_event=_ref(e))
        elif name == "amended-plan-issued" and current is not None and current["draft"] is not None \
                and current["final"] is None:
            current.update(final=e.get("date"), final_event=_ref(e))
    return reviews, orphans


def _review(meeting: date | None, ref: dict | None, options: statutory.Options) -> dict[str, Any]:
    assert meeting is not None  # only called with a parsed date
    return {"meeting": meeting.isoformat(), "meeting_event": ref,
            "decision_due": statutory.due("decision", meeting, options).isoformat(),
            "decision": None, "decided": None, "decision_event": None, "draft": None, "draft_event": None,
            "final": None, "final_event": None}


def _ceasing(evs: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The last decision to cease (a later decision to continue undoes it), with its SEN2 reason code."""
    last = next((e for e in reversed(evs) if e.get("event") == "cease-decision"), None)
    if last is None or last.get("decision") != "cease":
        return None
    code = last.get("reason_code")
    valid = isinstance(code, int) and not isinstance(code, bool) and code in CEASE_CODES
    return {"decided": last.get("date"), "effective": last.get("effective") or last.get("date"),
            "reason_code": code if valid else None, "event": _ref(last)}


def _facts_question(store: Store, as_of: date) -> tuple[list, Any, Any]:
    """The calendar context of the plans' facts as known on `as_of`, its computation for one plan, and the same
    computation for a plan the index leaves to the plain path (its journal read as the index reads it)."""
    opts = caseload.options(store)

    def compute(plan: dict, events: list) -> dict[str, Any]:
        return history(plan, events, as_of, opts)

    def plain(plan: dict, events: list) -> dict[str, Any]:  # as the index reads a journal (store/index/facts.py)
        return compute(plan, with_version_transfers(events, store.version_bytes))

    return [as_of, store.config.rules], compute, plain


def facts(store: Store, as_of: date, *, use_index: bool | None = None) -> list[tuple[str, dict]]:
    """(plan id, history) for every plan in the store, through the calendar index."""
    params, compute, plain = _facts_question(store, as_of)
    cached = caseload._indexed(store, "returns", params, use_index, compute)
    out = []
    for pid, f in (cached if cached is not None else ((p, None) for p in store.plan_ids())):
        if f is None:
            f = caseload._plain(store, pid, store.plan(pid), plain)
        out.append((pid, f))
    return out


def _answer(store: Store, kind: str, params: list, as_of: date, use_index: bool | None,
            part: Any, combine: Any) -> Any:
    """`combine` of every plan's `part(pid, facts)`: read back, or brought up to date plan by plan, from the
    index's answers (store/index/answers.py); worked out from every plan's facts without the index."""
    from ehcp_docs.store import index

    if not index.enabled(use_index):
        return combine([(pid, part(pid, f)) for pid, f in facts(store, as_of, use_index=False)])
    facts_params, compute, _ = _facts_question(store, as_of)
    return index.answer(store, kind, [params, as_of, store.config.data], "returns", facts_params, compute, part,
                        combine, lambda: facts(store, as_of, use_index=use_index))


# ---- the DfE's annual-review table ----------------------------------------------------------------------------
def review_columns(year: int) -> list[str]:
    """The DfE's column names for calendar year `year`, in the published order (2026 release)."""
    return ["total_ehc_plans", f"review_expected_{year}", f"review_not_expected_{year}", f"review_completed_{year}",
            f"review_completed_prior_{year}", "review_not_completed", "outcome_amended", "outcome_ceased",
            "outcome_maintained", "no_outcome_recorded", "decision_4_weeks", "decision_over_4_weeks"]


PENDING = "decision_not_yet_due"  # ours, not the DfE's: meetings whose 4 weeks have not yet run out


@dataclass
class Table:
    """One table's row for our LA: every column's plans with the events that put them there."""
    title: str
    year: int
    as_of: date
    columns: list[str]
    members: dict[str, list[dict]] = field(default_factory=dict)
    percentages: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name: (numerator, denominators)

    def count(self, column: str) -> int:
        return len(self.members.get(column, []))

    def row(self, la: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"time_period": self.year, "time_identifier": "Calendar year",
                               "geographic_level": "Local authority", "la_name": la.get("name", ""),
                               "as_of": self.as_of.isoformat()}
        out.update({c: self.count(c) for c in self.columns})
        for name, (num, dens) in self.percentages.items():
            total = sum(self.count(d) for d in dens)
            out[name] = round(100 * self.count(num) / total, 1) if total else None
        return out

    def explain(self, column: str) -> list[dict]:
        return sorted(self.members.get(column, []), key=lambda m: m["plan"])

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "year": self.year, "as_of": self.as_of.isoformat(), "columns": self.columns,
                "members": self.members, "percentages": self.percentages}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Table:
        return cls(data["title"], data["year"], date.fromisoformat(data["as_of"]), list(data["columns"]),
                   {k: list(v) for k, v in data["members"].items()},
                   {k: (v[0], list(v[1])) for k, v in data["percentages"].items()})

    def part(self, pid: str) -> dict[str, list]:
        """One plan's part of the table (the table of that plan alone): its columns and their events."""
        return {c: m["events"] for c, ms in self.members.items() for m in ms if m["plan"] == pid}


def _combined(empty: Table, parts: Iterable[tuple[str, Mapping[str, list]]]) -> Table:
    """The table whose members are the plans' parts (each from the table of that plan alone)."""
    for pid, part in parts:
        for column, events in part.items():
            empty.members.setdefault(column, []).append({"plan": pid, "events": events})
    return empty


def _add(t: Table, column: str, pid: str, *refs: dict | None) -> None:
    t.members.setdefault(column, []).append({"plan": pid, "events": [r for r in refs if r]})


def _maintained_in(f: Mapping[str, Any], start: date, end: date) -> bool:
    """Whether the plan was maintained at some time from start to end (made by then, not ceased before)."""
    begun = _day(f.get("start"))
    ceasing = f.get("ceasing")
    gone = _day(ceasing["effective"]) if ceasing else None
    return begun is not None and begun <= end and (gone is None or gone >= start)


def annual_reviews(store: Store, year: int, as_of: date, *, use_index: bool | None = None) -> Table:
    """Our LA's row of the DfE's annual-review table for calendar year `year`, as known on `as_of`."""
    def part(pid: str, f: Mapping[str, Any]) -> dict[str, list]:
        return annual_reviews_from([(pid, f)], year, as_of).part(pid)

    def combine(parts: list[tuple[str, Any]]) -> dict[str, Any]:
        return _combined(annual_reviews_from([], year, as_of), parts).as_json()

    return Table.from_json(_answer(store, "annual-reviews", [year], as_of, use_index, part, combine))


def annual_reviews_from(all_facts: Iterable[tuple[str, Mapping[str, Any]]], year: int, as_of: date) -> Table:
    cols = review_columns(year)
    t = Table("Number of annual reviews of EHC plans", year, as_of, cols + [PENDING])
    for c in t.columns:
        t.members.setdefault(c, [])
    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
    for pid, f in all_facts:
        if not _maintained_in(f, jan1, dec31):
            continue
        _add(t, "total_ehc_plans", pid, f.get("issued_event"))
        first_due = _day(f.get("first_review_due"))
        if first_due is None or first_due > dec31:
            _add(t, f"review_not_expected_{year}", pid, f.get("issued_event"))
            continue
        _add(t, f"review_expected_{year}", pid, f.get("issued_event"))
        _classify_review(t, pid, f, year, as_of)
    for column, denominators in (
            (f"review_completed_{year}", [f"review_expected_{year}"]),
            (f"review_completed_prior_{year}", [f"review_expected_{year}"]),
            ("review_not_completed", [f"review_expected_{year}"]),
            ("outcome_amended", [f"review_completed_{year}"]), ("outcome_ceased", [f"review_completed_{year}"]),
            ("outcome_maintained", [f"review_completed_{year}"]),
            ("no_outcome_recorded", [f"review_completed_{year}"]),
            ("decision_4_weeks", ["decision_4_weeks", "decision_over_4_weeks"]),
            ("decision_over_4_weeks", ["decision_4_weeks", "decision_over_4_weeks"])):
        t.percentages[f"{column}_percent"] = (column, denominators)
    return t


def _classify_review(t: Table, pid: str, f: Mapping[str, Any], year: int, as_of: date) -> None:
    """An expected review: completed (its latest meeting in the year), completed with its meeting in the prior
    year (decided in this one), or not completed; a completed one by its outcome and how soon it was decided."""
    reviews = f.get("reviews") or []
    in_year = [r for r in reviews if _day(r["meeting"]).year == year]  # type: ignore[union-attr]
    if not in_year:
        prior = [r for r in reviews if _day(r["meeting"]).year == year - 1  # type: ignore[union-attr]
                 and r["decided"] and _day(r["decided"]).year == year]  # type: ignore[union-attr]
        if prior:
            _add(t, f"review_completed_prior_{year}", pid, prior[-1]["meeting_event"], prior[-1]["decision_event"])
        else:
            _add(t, "review_not_completed", pid, f.get("issued_event"))
        return
    r = in_year[-1]
    _add(t, f"review_completed_{year}", pid, r["meeting_event"])
    decided = _day(r["decided"])
    outcome = {"amend": "outcome_amended", "cease": "outcome_ceased", "maintain": "outcome_maintained"}
    _add(t, outcome.get(str(r["decision"]), "no_outcome_recorded") if decided else "no_outcome_recorded", pid,
         r["meeting_event"], r["decision_event"])
    due = _day(r["decision_due"])
    assert due is not None
    if decided is not None:
        _add(t, "decision_4_weeks" if decided <= due else "decision_over_4_weeks", pid, r["meeting_event"],
             r["decision_event"])
    else:
        _add(t, "decision_over_4_weeks" if due < as_of else PENDING, pid, r["meeting_event"])


# ---- the DfE's phase-transfer table ---------------------------------------------------------------------------
def phase_transfers(store: Store, year: int, as_of: date, *, use_index: bool | None = None) -> Table:
    def part(pid: str, f: Mapping[str, Any]) -> dict[str, list]:
        return phase_transfers_from([(pid, f)], year, as_of).part(pid)

    def combine(parts: list[tuple[str, Any]]) -> dict[str, Any]:
        return _combined(phase_transfers_from([], year, as_of), parts).as_json()

    return Table.from_json(_answer(store, "phase-transfers", [year], as_of, use_index, part, combine))


def phase_transfers_from(all_facts: Iterable[tuple[str, Mapping[str, Any]]], year: int, as_of: date) -> Table:
    """Plans whose reg 18 phase-transfer deadline (15 February, or 31 March for post-16) falls in `year`
    (`number_plans`), those still maintained on that deadline, so due an amended plan by it (`due_YY`), and those
    whose final plan (or decision to maintain) was issued by it (`final_YY`)."""
    yy = f"{year % 100:02d}"
    t = Table("Phase transfers", year, as_of, ["number_plans", f"due_{yy}", f"final_{yy}"])
    for c in t.columns:
        t.members.setdefault(c, [])
    for pid, f in all_facts:
        tr = next((t for t in f.get("transfers") or [] if t["due"][:4] == str(year)), None)
        due = _day(tr["due"]) if tr else None
        if tr is None or due is None:
            continue
        _add(t, "number_plans", pid, f.get("issued_event"))
        if not _maintained_in(f, due, due):
            continue
        _add(t, f"due_{yy}", pid, f.get("issued_event"))
        done = _day(tr["done"])
        if done is not None and done <= due:
            final = next((r["final_event"] or r["decision_event"] for r in reversed(f.get("reviews") or [])
                          if (r["final"] == tr["done"]) or (r["decided"] == tr["done"])), None)
            _add(t, f"final_{yy}", pid, final)
    t.percentages[f"final_{yy}_percent"] = (f"final_{yy}", [f"due_{yy}"])
    return t


# ---- the pre-submission check ---------------------------------------------------------------------------------
@dataclass
class Finding:
    check: str
    plans: list[str]
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"check": self.check, "plans": self.plans, "detail": self.detail}


@dataclass
class CheckResult:
    year: int
    failures: list[Finding]
    listed: list[Finding]  # what the return must show, named (not failures)

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "ok": self.ok, "failures": [f.as_json() for f in self.failures],
                "listed": [f.as_json() for f in self.listed]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CheckResult:
        def findings(items: Iterable[Mapping[str, Any]]) -> list[Finding]:
            return [Finding(f["check"], list(f["plans"]), f["detail"]) for f in items]
        return cls(data["year"], findings(data["failures"]), findings(data["listed"]))


def check(store: Store, year: int, as_of: date, *, use_index: bool | None = None) -> CheckResult:
    def combine(parts: list[tuple[str, Any]]) -> dict[str, Any]:
        return _check_combined(parts, year, as_of).as_json()

    return CheckResult.from_json(_answer(store, "check", [year], as_of, use_index,
                                         lambda pid, f: check_part(pid, f, year, as_of), combine))


def check_from(all_facts: Sequence[tuple[str, Mapping[str, Any]]], year: int, as_of: date) -> CheckResult:
    """The DfE's identities and our own consistency rules, each failure naming its plans."""
    return _check_combined([(pid, check_part(pid, f, year, as_of)) for pid, f in all_facts], year, as_of)


def check_part(pid: str, f: Mapping[str, Any], year: int, as_of: date) -> dict[str, Any]:
    """What the check needs of one plan: its part of the table, its journal's inconsistencies, whether its latest
    meeting (this year) has had no decision for more than 4 weeks, and its recorded last review."""
    last = (f.get("reviews") or [])[-1:]
    return {"table": annual_reviews_from([(pid, f)], year, as_of).part(pid),
            "no_reason": bool(f.get("ceasing") and f["ceasing"]["reason_code"] is None),
            "orphan": bool(f.get("orphan_decisions")),
            "backwards": any(r["decided"] and r["decided"] < r["meeting"] for r in f.get("reviews") or []),
            "waiting": any(r["meeting"][:4] == str(year) and not r["decided"] and r["decision_due"] < as_of.isoformat()
                           for r in last),
            "last_reviewed": str(f.get("last_reviewed") or "")}


def _check_combined(parts: Sequence[tuple[str, Mapping[str, Any]]], year: int, as_of: date) -> CheckResult:
    t = _combined(annual_reviews_from([], year, as_of), ((pid, p["table"]) for pid, p in parts))
    failures = identity_failures(t) + _journal_failures(parts)
    over = {m["plan"] for m in t.members["decision_over_4_weeks"]}
    undecided = {m["plan"] for m in t.members["no_outcome_recorded"]}
    waiting = sorted(pid for pid, p in parts if p["waiting"])
    unlisted = [p for p in waiting if p not in over or p not in undecided]
    if unlisted:
        failures.append(Finding("meeting-without-decision-unlisted", unlisted,
                                "a review meeting with no decision after 4 weeks is missing from "
                                "decision_over_4_weeks or no_outcome_recorded"))
    listed = [Finding("meeting-without-decision", waiting, "review meetings with no decision after 4 weeks "
                      "(counted in decision_over_4_weeks and no_outcome_recorded)")] if waiting else []
    recorded = {pid for pid, p in parts if p["last_reviewed"].startswith(str(year))}
    imported = sorted(m["plan"] for m in t.members["review_not_completed"] if m["plan"] in recorded)
    if imported:
        listed.append(Finding("imported-review", imported, "the plan records a review concluded this year "
                              "(last_reviewed) but its journal has no meeting or decision, so the table counts it "
                              "as not completed: record the review's events to count it"))
    pending = sorted(m["plan"] for m in t.members[PENDING])
    if pending:
        listed.append(Finding(PENDING, pending, "review meetings whose 4 weeks for the decision have not yet "
                              "run out: not yet in decision_4_weeks or decision_over_4_weeks"))
    return CheckResult(year, failures, listed)


def identity_failures(t: Table) -> list[Finding]:
    """The DfE's identities on a table's counts (and that no count is negative)."""
    y = t.year
    out = []
    identities = [
        ("expected = completed + completed in the prior year + not completed", f"review_expected_{y}",
         [f"review_completed_{y}", f"review_completed_prior_{y}", "review_not_completed"]),
        ("plans = review expected + review not expected", "total_ehc_plans",
         [f"review_expected_{y}", f"review_not_expected_{y}"]),
        ("completed = amended + ceased + maintained + no outcome recorded", f"review_completed_{y}",
         ["outcome_amended", "outcome_ceased", "outcome_maintained", "no_outcome_recorded"]),
        ("completed = decided within 4 weeks + over 4 weeks (+ not yet due)", f"review_completed_{y}",
         ["decision_4_weeks", "decision_over_4_weeks", PENDING]),
    ]
    for words, whole, parts in identities:
        total = sum(t.count(p) for p in parts)
        if total != t.count(whole):
            named = {m["plan"] for m in t.members.get(whole, [])} ^ {m["plan"] for p in parts
                                                                      for m in t.members.get(p, [])}
            out.append(Finding("identity", sorted(named), f"{words}: {t.count(whole)} against {total}"))
    negative = [c for c in t.columns if t.count(c) < 0]
    if negative:
        out.append(Finding("negative", [], f"negative counts: {', '.join(negative)}"))
    return out


def _journal_failures(parts: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Finding]:
    """Ceasing without a reason, outcomes without a meeting, decisions dated before their meeting."""
    no_reason = sorted(pid for pid, p in parts if p["no_reason"])
    orphan = sorted(pid for pid, p in parts if p["orphan"])
    backwards = sorted(pid for pid, p in parts if p["backwards"])
    out = []
    if no_reason:
        out.append(Finding("cease-without-reason", no_reason, "a decision to cease records no SEN2 reason code "
                           "(1 to 9): ceasereason would be blank"))
    if orphan:
        out.append(Finding("outcome-without-meeting", orphan, "a review decision is recorded with no review "
                           "meeting before it: reviewoutcome without reviewmeeting"))
    if backwards:
        out.append(Finding("decision-before-meeting", backwards, "a review decision is dated before "
                           "its meeting: the days to the decision would be negative"))
    return out


# ---- SEN2 ------------------------------------------------------------------------------------------------------
# The fields each SEN2 collection asks for (named for the census year). The SEN2 guides: `reviewmeeting` and
# `reviewoutcome` from 2024 (blade v1.2); `reviewdraft`, `phasetransferduedate`, `phasetransferfinaldate` from
# 2025 (v1.3); MastodonC's witan.sen2 reads the same names.
SEN2_BASE = ["startdate", "pb", "oa", "dp", "ceasedate", "ceasereason", "lastreview"]
SEN2_2024 = ["reviewmeeting", "reviewoutcome"]
SEN2_2025 = ["reviewdraft", "phasetransferduedate", "phasetransferfinaldate"]
SEN2_ORDER = ["startdate", "pb", "oa", "dp", "ceasedate", "ceasereason", "reviewmeeting", "reviewoutcome",
              "reviewdraft", "phasetransferduedate", "phasetransferfinaldate", "lastreview"]


def sen2_fields(collection: int) -> list[str]:
    wanted = set(SEN2_BASE) | (set(SEN2_2024) if collection >= 2024 else set()) | \
        (set(SEN2_2025) if collection >= 2025 else set())
    return [f for f in SEN2_ORDER if f in wanted]


@dataclass
class Sen2:
    census: date
    collection: int
    fields: list[str]
    rows: list[dict[str, Any]]


def sen2(store: Store, census: date, *, use_index: bool | None = None) -> Sen2:
    """One row per plan in scope for the collection whose census is `census`: every plan maintained on the census
    date and every plan ceased in the reference period (the calendar year before the census year)."""
    collection = census.year
    fields = sen2_fields(collection)

    def part(pid: str, f: Mapping[str, Any]) -> dict[str, Any] | None:
        row = sen2_row(pid, f, census)
        if row is None:
            return None
        if row.get("_in_force_later") and row["ceasedate"] is None:
            row.update(_budget_at(store, pid, census))
        return {"plan": row["plan"], **{k: row[k] for k in fields}}

    def combine(parts: list[tuple[str, Any]]) -> list[dict[str, Any]]:
        return [row for _, row in parts if row is not None]

    return Sen2(census, collection, fields, _answer(store, "sen2", [], census, use_index, part, combine))


def _budget_at(store: Store, pid: str, census: date) -> dict[str, Any]:
    """The personal budget flags of the plan version in force on the census date (the plan was amended since)."""
    plan, _ = store.plan_at(pid, census.isoformat())
    j = plan.get("sections", {}).get("J") or {}
    return {"pb": _flag(j.get("in_place")), "oa": _flag(j.get("organised_arrangements")),
            "dp": _flag(j.get("direct_payments"))}


def _flag(value: Any) -> str:
    return "1" if value else "0"


def sen2_row(pid: str, f: Mapping[str, Any], census: date) -> dict[str, Any] | None:
    ref_start, ref_end = date(census.year - 1, 1, 1), date(census.year - 1, 12, 31)
    start = _day(f.get("start"))
    if start is None or start > census:
        return None
    ceasing = f.get("ceasing")
    ceased = _day(ceasing["effective"]) if ceasing else None
    if ceased is not None and ceased > census:
        ceased = None  # decided, not yet in effect: still maintained on the census date
    if ceased is not None and ceased < ref_start:
        return None  # ceased before the reference period: not in this return
    reviews = f.get("reviews") or []
    in_ref = [r for r in reviews if ref_start <= _day(r["meeting"]) <= ref_end]  # type: ignore[operator]
    last = in_ref[-1] if in_ref else None
    decided = [r for r in reviews if r["decided"]]
    window = [t for t in f.get("transfers") or [] if ref_start.isoformat() <= t["due"] <= f"{census.year}-12-31"]
    tr = window[-1] if window else None
    in_window = tr is not None
    b = f.get("budget") or {}
    maintained = ceased is None
    return {
        "plan": pid, "startdate": start.isoformat(),
        "pb": _flag(b.get("pb")) if maintained else "", "oa": _flag(b.get("oa")) if maintained else "",
        "dp": _flag(b.get("dp")) if maintained else "",
        "ceasedate": ceased.isoformat() if ceased else None,
        "ceasereason": (ceasing or {}).get("reason_code") if ceased else None,
        "reviewmeeting": last["meeting"] if last else None,
        "reviewoutcome": OUTCOME_CODES.get(str(last["decision"])) if last and last["decided"] else None,
        "reviewdraft": last["draft"] if last else None,
        "phasetransferduedate": tr["due"] if tr and in_window else None,
        "phasetransferfinaldate": tr["done"] if tr and in_window else None,
        "lastreview": (last["decided"] if last and last["decided"] else
                       (decided[-1]["decided"] if decided else f.get("last_reviewed"))),
        "_in_force_later": str(f.get("plan_issued", "")) > census.isoformat(),
    }
