"""Ceasing a plan (CFA s.45; regs 29-31; CoP 9.199-9.210): the family and the setting are consulted first, then the
LA decides; the plan stays in force until the appeal period has ended (rules section 7)."""
from __future__ import annotations

from datetime import date

from ehcp_docs import statutory
from ehcp_docs.casework.review import latest
from ehcp_docs.errors import UsageError, WorkflowError
from ehcp_docs.model.events import Recorded
from ehcp_docs.store import Store

CEASE_REASONS = {1: "reached maximum age", 2: "needs met without a plan", 3: "moved on to higher education",
                 4: "moved on to paid employment", 5: "transferred to another local authority",
                 6: "no longer wishes to engage (18 or over)", 7: "moved outside England", 8: "deceased", 9: "other"}


def propose(store: Store, pid: str, code: int, reason: str, when: date) -> Recorded:
    if code not in CEASE_REASONS:
        raise UsageError("--reason must be a DfE SEN2 code from 1 to 9")
    store.checked_plan(pid)
    with store.transaction("cease-proposed") as txn:
        ev = txn.add_event(pid, "cease-proposed", when.isoformat(),
                           {"reason_code": code, "reason": reason or CEASE_REASONS[code]}, by=txn.by)
    return Recorded(txn.commit, ev)


def decide(store: Store, pid: str, decision: str, when: date) -> Recorded:
    store.checked_plan(pid)
    proposed = latest(store.events(pid), "cease-proposed")
    if not proposed:
        raise WorkflowError(f"plan {pid}: the family and the setting must be consulted before ceasing",
                            hint=f"ehcp cease propose {pid} --reason CODE")
    appeal_end = statutory.appeal_deadline(when)
    data = {"decision": decision, "reason_code": proposed["reason_code"], "reason": proposed.get("reason", ""),
            "appeal_deadline": appeal_end.isoformat()}
    if decision == "cease":
        data["effective"] = statutory.cease_from(appeal_end).isoformat()
    with store.transaction("cease-decision") as txn:
        ev = txn.add_event(pid, "cease-decision", when.isoformat(), data, by=txn.by)
    notes = [f"the plan stays in force until {appeal_end} (the end of the appeal period) or any appeal is decided"] \
        if decision == "cease" else []
    return Recorded(txn.commit, ev, notes=notes)
