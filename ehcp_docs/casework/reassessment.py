"""Re-assessment (CFA s.44(2)-(3); regs 24-27; CoP 9.186-9.192): a request, the LA's decision within 15 days, and,
once agreed, the new draft and final plan, which go through the amendment route with context "reassessment"."""
from __future__ import annotations

from datetime import date

from ehcp_docs import statutory
from ehcp_docs.casework.review import latest
from ehcp_docs.errors import UsageError, WorkflowError
from ehcp_docs.model.events import Recorded
from ehcp_docs.store import Store

REQUESTERS = ("parent", "young-person", "setting", "health", "la")


def request(store: Store, pid: str, by: str, when: date) -> Recorded:
    if by not in REQUESTERS:
        raise UsageError(f"--by must be one of {', '.join(REQUESTERS)}")
    store.checked_plan(pid)
    with store.transaction("reassessment-requested") as txn:
        ev = txn.add_event(pid, "reassessment-requested", when.isoformat(), {"by": by}, by=txn.by)
    return Recorded(txn.commit, ev, notes=[f"decide by {statutory.due('reassessment_decision', when)} (15 days)"])


def decide(store: Store, pid: str, decision: str, reason: str, when: date) -> Recorded:
    store.checked_plan(pid)
    events = store.events(pid)
    req = latest(events, "reassessment-requested")
    if not req or any(e["event"] == "reassessment-decision" and e["seq"] > req["seq"] for e in events):
        raise WorkflowError(f"plan {pid} has no re-assessment request waiting for a decision",
                            hint=f"Record it first: `ehcp reassess request {pid} --by parent`.")
    if decision == "refuse" and not reason.strip():
        raise UsageError("a refusal must give reasons (--reason)")
    warnings = []
    due = statutory.due("reassessment_decision", date.fromisoformat(req["date"]))
    if when > due:
        warnings.append(f"the decision is {(when - due).days} days later than 15 days after the request")
    data = {"decision": decision, "reason": reason, "request": req["seq"],
            "appeal_deadline": statutory.appeal_deadline(when).isoformat()}
    if decision == "agree":
        data["final_plan_due"] = statutory.due("reassessment_final_plan", when).isoformat()
    with store.transaction("reassessment-decision") as txn:
        ev = txn.add_event(pid, "reassessment-decision", when.isoformat(), data, by=txn.by)
    return Recorded(txn.commit, ev, warnings)
