"""Recording what the time limits count from and where the law lets the LA miss them: when and how a document was
served (the family's 15 days begin with the day of service, reg 22(2)(c)), and exceptions to a time limit for a
reason the regulations give for that step (re-assessment: reg 27(3); Tribunal orders: reg 44; unopposed appeals:
reg 45; rules sections 6 and 14). Each is one event in one commit; nothing else
changes its date."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from ehcp_docs import statutory
from ehcp_docs.casework import caseload, mail
from ehcp_docs.errors import EhcpError, StoreError, UsageError, WorkflowError
from ehcp_docs.fileio import printable
from ehcp_docs.model.events import Recorded, words
from ehcp_docs.store import Store

NOT_DOCUMENTS = ("document-served", "time-limit-exception", "correction", "amendment-started")


def serve(store: Store, pid: str, document: int | None, how: str, when: date,
          document_events: tuple[str, ...] = ()) -> Recorded:
    """Records that the document made from journal entry `document` (default: the latest of `document_events`,
    the events a document kind is made from, else the latest amendment notice) was handed over, emailed or posted
    on `when`; a posted one is served when it would be delivered (ehcp.toml [rules] posted_served_working_days,
    default the second working day after posting)."""
    store.checked_plan(pid)
    target = document_event(pid, store.events(pid), document, document_events)
    return _record_service(store, pid, target, how, when, {})


def serve_by_email(store: Store, pid: str, target: dict, relay: mail.Relay, secret: str | None,
                   messages: list[mail.Outgoing], when: date, kind: str) -> Recorded:
    """Emails `messages` (the document made from journal entry `target`) through the LA's relay and records
    the service as one `document-served` event, how "email", with the time, each recipient's role and address
    and each Message-ID. The sending happens inside the store's transaction, under its lock: a failed send
    raises before anything is written, so nothing is recorded."""
    store.checked_plan(pid)
    extra: dict = {"kind": kind}

    def send() -> dict:
        sent = mail.deliver(relay, secret, messages)
        return {"sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "recipients": [{"role": d.role, "email": d.to, "message_id": d.message_id,
                                "files": list(d.files)} for d in sent]}

    result = _record_service(store, pid, target, "email", when, extra, send)
    n = len(result.event.get("recipients") or [])
    result.notes.insert(0, f"Emailed to {n} recipient(s): " + ", ".join(
        f"{r['role']} {r['message_id']}" for r in result.event.get("recipients") or []))
    return result


def _record_service(store: Store, pid: str, target: dict, how: str, when: date, extra: dict,
                    send: Callable[[], dict] | None = None) -> Recorded:
    sent = date.fromisoformat(target["date"])
    if when < sent:
        raise UsageError(f"plan {pid}: the document of {sent} (journal entry {target['seq']}) cannot have been "
                         f"served on {when}, before it was made")
    plan = store.checked_plan(pid)
    events = store.events(pid)
    opts = caseload.options(store)
    served = statutory.served_on(how, when, opts)
    notes = [f"{words(target['event'])} of {sent} served {statutory.SERVICE_WAYS[how]} on {served}"]
    before = statutory.deadlines(plan, events, when, opts)
    steps = [s for s in before.steps if s.ref == target["seq"] and s.name in statutory.SERVICE_STEPS]
    data = {"document": target["seq"], "document_event": target["event"], "how": how,
            "served": served.isoformat(), **extra}
    try:
        with store.transaction("document-served") as txn:
            if send is not None:
                txn.check_clean([f"{store.plan_path(pid)}/events.jsonl"])  # could it be recorded? before sending
                txn.check_step(pid, "document-served", when.isoformat(), data)  # a date it would refuse, too
                data.update(send())  # raises, under the lock and before anything is written, when the send fails
            event = txn.add_event(pid, "document-served", when.isoformat(), data, by=txn.by)
    except EhcpError as e:
        if "recipients" not in data:
            raise
        went = ", ".join(str(r["message_id"]) for r in data["recipients"])
        raise StoreError(f"plan {pid}: the email was sent ({went}) but its service could not be recorded: "
                         f"{e.message}", hint=f"Fix that, then record it with `ehcp served {pid} --document "
                                             f"{target['seq']} --by email --date {when}`.") from None
    after = statutory.deadlines(plan, store.events(pid), max(when, served), opts)
    for s in steps:
        new = next((a for a in after.steps if a.name == s.name and a.ref == s.ref), None)
        if new is not None and new.due != s.due:
            notes.append(f"{s.description}: now due by {new.due} (was {s.due}, counted from the notice's date)")
    return Recorded(txn.commit, event, [], notes)


def document_event(pid: str, events: list[dict], document: int | None,
                   document_events: tuple[str, ...] = ()) -> dict:
    """The journal entry a served document was made from: entry `document`, else the latest of
    `document_events` (a document kind's events), else the latest amendment notice."""
    if document is None and document_events:
        found = next((e for e in reversed(events) if e["event"] in document_events), None)
        if found is None:
            what = document_events[0].replace("-", " ")
            raise UsageError(f"plan {pid} has no {what} yet, so there is no such document to serve",
                             hint=f"See what the plan has with `ehcp log {pid}`.")
        return found
    if document is None:
        found = next((e for e in reversed(events) if e["event"] == "amendment-proposed"), None)
        if found is None:
            raise UsageError(f"plan {pid} has no amendment notice: say which document was served with "
                             "--doc KIND or --document N (its journal entry, shown by `ehcp log`)")
        return found
    found = next((e for e in events if e.get("seq") == document), None)
    if found is None or found["event"] in NOT_DOCUMENTS:
        raise UsageError(f"plan {pid} has no document made from journal entry {document}")
    return found


def record_exception(store: Store, pid: str, step: str, reason: str, start: date, end: date, details: str,
                     when: date, ref: int | None = None) -> Recorded:
    """Records an exception to a step's time limit, with the regulation's reason and how long it lasted. The
    step keeps its statutory date and is reported as late (or overdue) with the exception, not as plain drift."""
    why = statutory.exception_reason(step, reason)
    if end < start:
        raise UsageError(f"the exception ends ({end}) before it starts ({start})")
    days = (end - start).days + 1
    if days < why.min_days:
        raise UsageError(f"{why.basis} needs at least {why.min_days // 7} continuous weeks; {start} to {end} is "
                         f"{days} days")
    plan = store.checked_plan(pid)
    d = statutory.deadlines(plan, store.events(pid), when, caseload.options(store))
    target = statutory.exception_target(d.steps, step, ref)
    if target is None:
        raise WorkflowError(f"plan {pid} has no step {step}" + (f" started by journal entry {ref}" if ref else "")
                            + " to record an exception against", hint=f"ehcp deadlines {pid}")
    if start > target.due:
        raise UsageError(f"plan {pid}: circumstances that began on {start} cannot explain missing the "
                         f"{target.due} time limit of {step}", hint="Give --from as the day the circumstances began.")
    data = {"step": step, "ref": target.ref, "ground": reason, "basis": why.basis, "from": start.isoformat(),
            "to": end.isoformat(), "days": days, "details": printable(details)[:2000]}
    with store.transaction("time-limit-exception") as txn:
        event = txn.add_event(pid, "time-limit-exception", when.isoformat(), data, by=txn.by)
    notes = [f"{target.description}: still due by {target.due}; reported as late with an exception ({why.words}, "
             f"{why.basis})"]
    return Recorded(txn.commit, event, [], notes)
