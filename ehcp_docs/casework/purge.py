"""Erasure after the retention period: a plan and its whole history are removed from the store, leaving a tombstone
with the plan id, the date and who did it."""
from __future__ import annotations

from datetime import date as Date

from ehcp_docs import statutory
from ehcp_docs.errors import WorkflowError
from ehcp_docs.store import Store


def purge(store: Store, pid: str, today: Date, by: str) -> int:
    """Erases a plan and its whole history once its retention period is over; leaves a tombstone that records
    only the plan id, the date and who did it."""
    plan = store.checked_plan(pid)
    ends = statutory.retention_ends(Date.fromisoformat(plan["child"]["date_of_birth"]))
    ceased = any(e.get("event") == "cease-decision" and e.get("decision") == "cease" for e in store.events(pid))
    if today < ends and not ceased:
        raise WorkflowError(f"plan {pid} is still within its retention period (until {ends.isoformat()}) and "
                            "has not been ceased", hint="Only plans past retention can be purged.")
    if today < ends:
        raise WorkflowError(f"plan {pid} must be kept until {ends.isoformat()} (date of birth + "
                            f"{statutory.RETENTION_YEARS_FROM_BIRTH} years)")
    rewritten = store.erase(store.plan_path(pid))
    tomb = store.read_file("purged.jsonl") or b""
    who = by.replace('"', "'")
    line = f'{{"plan": "{pid}", "date": "{today.isoformat()}", "by": "{who}"}}\n'
    with store.transaction("purged", subject=f"{pid}: plan purged after its retention period") as txn:
        txn.write("purged.jsonl", tomb + line.encode())
        txn.plans.append(pid)
        txn.dates[pid] = today.isoformat()
    return rewritten
