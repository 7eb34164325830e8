"""The plan as a live document between reviews (rules section 10): termly progress returns, contributions from
anyone involved, concerns about delivery, and requests (early review, personal budget). Each is one event in the
plan's journal; open items show in `deadlines` and `overdue`."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import fileio, statutory
from ehcp_docs.casework import caseload
from ehcp_docs.errors import InvalidPlan, NotFound, UsageError
from ehcp_docs.model import forms
from ehcp_docs.model.events import Recorded
from ehcp_docs.store.core import Store

ROLES = ("parent", "young-person", "setting", "health", "social-care", "la", "other")
MAX_TEXT = 20000
CONCERN_OUTCOMES = ("resolved", "early-review", "reassessment", "complaint", "mediation", "no-action")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"'{role[:30]}' is not a role; use one of {', '.join(ROLES)}")
    return role


def read_text(text: str | None, file: Path | None, what: str) -> str:
    """The text of a contribution or concern, from --text or a UTF-8 text file (untrusted either way)."""
    if bool(text) == bool(file):
        raise UsageError(f"give the {what} with --text or --file (one of them)")
    if file:
        text = fileio.decode(fileio.read_bytes(file, limit=200_000, what=f"{what} file"), file.name)
    body = (text or "").strip()
    if not body:
        raise InvalidPlan(f"the {what} is empty")
    if len(body) > MAX_TEXT:
        raise InvalidPlan(f"the {what} is longer than {MAX_TEXT} characters")
    fileio.decode(body.encode("utf-8"), what)  # refuses control characters
    return body


def _record(store: Store, pid: str, event: str, when: date, data: dict, warnings: list[str] | None = None) -> Recorded:
    store.checked_plan(pid)
    with store.transaction(event) as txn:
        ev = txn.add_event(pid, event, when.isoformat(), data, by=txn.by)
    return Recorded(txn.commit, ev, warnings or [])


def _find(store: Store, pid: str, seq: int, event: str, noun: str) -> dict:
    ev = next((e for e in store.events(pid) if e["seq"] == seq and e["event"] == event), None)
    if ev is None:
        raise NotFound(f"plan {pid} has no {noun} number {seq}", hint=f"`ehcp log {pid}` lists its events")
    return ev


# ---- progress ----------------------------------------------------------------------------------------------
def progress_form(store: Store, pid: str) -> dict:
    latest = latest_progress(store.events(pid))
    return forms.form(store.checked_plan(pid), "progress", latest["return"] if latest else None)


def latest_progress(events: list[dict]) -> dict | None:
    return next((e for e in reversed(events) if e["event"] == "progress-update"), None)


def add_progress(store: Store, pid: str, file: Path, when: date) -> Recorded:
    plan = store.checked_plan(pid)
    doc = fileio.load_document(file, what="progress return")
    warnings = forms.check(doc, plan, "progress", file.name)
    return _record(store, pid, "progress-update", when, {"return": doc}, warnings)


def progress_between(events: list[dict], start: date | None, end: date | None) -> list[dict]:
    return [e for e in events if e["event"] == "progress-update"
            and (start is None or e["date"] >= start.isoformat()) and (end is None or e["date"] <= end.isoformat())]


# ---- contributions -----------------------------------------------------------------------------------------
def contribute(store: Store, pid: str, role: str, text: str, when: date) -> Recorded:
    return _record(store, pid, "contribution", when, {"role": check_role(role), "text": text})


def resolve_contribution(store: Store, pid: str, n: int, taken_up: bool, reason: str, when: date) -> Recorded:
    _find(store, pid, n, "contribution", "contribution")
    if not taken_up and not reason.strip():
        raise UsageError("say why a contribution is not taken up (--reason)")
    if any(e["event"] == "contribution-resolved" and e.get("contribution") == n for e in store.events(pid)):
        raise UsageError(f"contribution {n} is already resolved")
    return _record(store, pid, "contribution-resolved", when, {"contribution": n, "taken_up": taken_up,
                                                               "reason": reason})


def contributions(events: list[dict]) -> list[dict]:
    resolved = {e["contribution"]: e for e in events if e["event"] == "contribution-resolved"}
    out = []
    for e in events:
        if e["event"] == "contribution":
            r = resolved.get(e["seq"])
            status = "open" if r is None else ("taken up" if r["taken_up"] else "not taken up")
            out.append({"number": e["seq"], "date": e["date"], "role": e["role"], "text": e["text"],
                        "status": status, "reason": r.get("reason", "") if r else ""})
    return out


def describe_contribution(row: dict) -> str:
    tail = f" ({row['status']}" + (f": {row['reason']}" if row["reason"] else "") + ")"
    return f"#{row['number']}  {row['date']}  from {row['role']}: {row['text']}{tail}"


# ---- concerns ----------------------------------------------------------------------------------------------
def add_concern(store: Store, pid: str, role: str, text: str, when: date) -> Recorded:
    opts = caseload.options(store)
    due = statutory.due("concern_response", when, opts)
    return _record(store, pid, "concern", when, {"role": check_role(role), "text": text,
                                                 "response_due": due.isoformat()})


def respond_concern(store: Store, pid: str, n: int, text: str, outcome: str, when: date) -> Recorded:
    concern = _find(store, pid, n, "concern", "concern")
    if outcome not in CONCERN_OUTCOMES:
        raise UsageError(f"outcome must be one of {', '.join(CONCERN_OUTCOMES)}")
    if any(e["event"] == "concern-response" and e.get("concern") == n for e in store.events(pid)):
        raise UsageError(f"concern {n} has already been answered")
    warnings = []
    if when.isoformat() > concern["response_due"]:
        warnings.append(f"this response is late: it was due by {concern['response_due']}")
    return _record(store, pid, "concern-response", when, {"concern": n, "text": text, "outcome": outcome}, warnings)


# ---- requests ----------------------------------------------------------------------------------------------
REQUESTS = {"early-review": ("early-review-requested", "early-review-decision", "early review request"),
            "personal-budget": ("personal-budget-request", "personal-budget-decision", "personal budget request")}


def request(store: Store, pid: str, kind: str, by: str, details: str, when: date) -> Recorded:
    asked, _, _ = REQUESTS[kind]
    key = "reason" if kind == "early-review" else "details"
    return _record(store, pid, asked, when, {"by": check_role(by), key: details})


def decide_request(store: Store, pid: str, kind: str, n: int, decision: str, reason: str, when: date) -> Recorded:
    asked, answer, noun = REQUESTS[kind]
    _find(store, pid, n, asked, noun)
    if decision not in ("agree", "refuse"):
        raise UsageError("decision must be agree or refuse")
    if decision == "refuse" and not reason.strip():
        raise UsageError(f"a refused {noun} needs reasons (--reason)")
    if any(e["event"] == answer and e.get("request") == n for e in store.events(pid)):
        raise UsageError(f"{noun} {n} is already decided")
    return _record(store, pid, answer, when, {"request": n, "decision": decision, "reason": reason})


def open_items(events: list[dict]) -> dict[str, Any]:
    """Open contributions, concerns and requests, for `show` and the review invitation pack."""
    answered = {(e["event"], e.get("concern") or e.get("request") or e.get("contribution")) for e in events}
    return {"contributions": [c for c in contributions(events) if c["status"] == "open"],
            "concerns": [e for e in events
                         if e["event"] == "concern" and ("concern-response", e["seq"]) not in answered]}
