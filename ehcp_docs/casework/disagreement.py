"""When a family disagrees with a decision: mediation (CFA ss.52-55; regs 32-42), the appeal to the Tribunal, and
its end (withdrawn, not opposed under reg 45, or decided by an order under reg 44). Each step is one commit with
its event; the time limits come from statutory/disagreement.py, where the calendar reads them too.

Why every check is made before anything is written: a refused step (an appeal against something that cannot be
appealed, a certificate with no contact) leaves the store exactly as it was, and says why in caseworker terms."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import fileio, statutory
from ehcp_docs.errors import InvalidPlan, UsageError, WorkflowError
from ehcp_docs.model.events import Recorded, words
from ehcp_docs.statutory import disagreement as rules
from ehcp_docs.statutory.journal import Event, Journal
from ehcp_docs.store import Store
from ehcp_docs.store.paths import evidence_name

MAX_FILE = 5 * 1024 * 1024


def journal(store: Store, pid: str) -> Journal:
    """The plan's journal as the calendar reads it, every event included."""
    return Journal(store.events(pid), date.max)


def _csv(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [p.strip() for p in parts if p.strip()]


def _choices(values: list[str], allowed: Sequence[str], what: str) -> list[str]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise UsageError(f"{what} cannot be {', '.join(repr(fileio.printable(b)[:20]) for b in bad)}",
                         hint=f"Choose from {', '.join(allowed)}.")
    return sorted(set(values), key=list(allowed).index)


def _step_dates(store: Store, pid: str, plan: dict, events: list[dict], when: date, prefix: tuple[str, ...],
                ref: int) -> list[dict[str, str]]:
    """The steps the calendar now expects from the event just recorded (ref), as the letters and notes say them."""
    d = statutory.deadlines(plan, events, when, statutory.Options.from_mapping(store.config.rules))
    return [{"step": s.name, "due": s.due.isoformat(), "description": s.description, "basis": s.basis}
            for s in d.steps if s.ref == ref and s.pending and s.name.startswith(prefix)]


def _future(events: list[dict], record: dict) -> list[dict]:
    return [*events, {**record, "seq": (events[-1]["seq"] + 1) if events else 1}]


# ---- mediation ---------------------------------------------------------------------------------------------------
def mediation_contact(store: Store, pid: str, when: date, wants: bool, about: str | Sequence[str] | None) -> Recorded:
    """The family told the mediation adviser they wish to appeal, and whether they want mediation (reg 33)."""
    plan = store.checked_plan(pid)
    events = store.events(pid)
    j = Journal(events, date.max)
    found = rules.appealable(j)
    if not found:
        raise WorkflowError(f"plan {pid} has no decision that can be appealed, so mediation advice is not needed",
                            hint="Appealable decisions: " + "; ".join(rules.APPEALABLE_DECISIONS.values()) + ".")
    decision = found[-1]
    areas = _choices(_csv(about) or ["education"], rules.MEDIATION_ABOUT, "--about")
    data: dict[str, Any] = {"wants_mediation": wants, "about": areas, "decision": decision.seq,
                            "against": rules.event_against(decision.name, decision.data),
                            "decision_date": decision.day.isoformat()}
    future = _future(events, {"event": "mediation-contact", "date": when.isoformat(), **data})
    data["due"] = _step_dates(store, pid, plan, future, when, ("mediation_",), future[-1]["seq"])
    warnings = []
    limit = statutory.due("mediation_contact", decision.day)
    if when > limit:
        warnings.append(f"the family contacted the adviser after {limit}, more than 2 months after the decision "
                        "(reg 33); recorded all the same")
    with store.transaction("mediation-contact") as txn:
        ev = txn.add_event(pid, "mediation-contact", when.isoformat(), data, by=txn.by)
    notes = [f"{d['description']}: by {d['due']} ({d['basis']})" for d in data["due"]]
    if areas == ["social-care"]:
        notes.append("mediation only about social care: there is no appeal on it, so no certificate is needed "
                     "(CFA s.51(2))")
    return Recorded(txn.commit, ev, warnings, notes)


def _open_contact(j: Journal, pid: str) -> Event:
    contact = j.last("mediation-contact")
    if contact is None:
        raise WorkflowError(f"plan {pid} has no mediation contact recorded",
                            hint=f"Record it first: `ehcp mediation contact {pid} --wants-mediation yes|no`.")
    return contact


def mediation_health_notified(store: Store, pid: str, when: date) -> Recorded:
    store.checked_plan(pid)
    contact = _open_contact(journal(store, pid), pid)
    if "health" not in (contact.get("about") or []):
        raise WorkflowError(f"plan {pid}: the mediation is not about health, so the health service need not be told")
    with store.transaction("mediation-health-notified") as txn:
        ev = txn.add_event(pid, "mediation-health-notified", when.isoformat(), {"contact": contact.seq}, by=txn.by)
    return Recorded(txn.commit, ev)


def mediation_arranged(store: Store, pid: str, when: date, mediation_date: date | None) -> Recorded:
    store.checked_plan(pid)
    contact = _open_contact(journal(store, pid), pid)
    if not contact.get("wants_mediation"):
        raise WorkflowError(f"plan {pid}: the family said they do not want mediation (contact of {contact.day})")
    data: dict[str, Any] = {"contact": contact.seq}
    if mediation_date:
        data["mediation_date"] = mediation_date.isoformat()
    due = statutory.due("mediation_arranged", contact.day)
    warnings = [f"mediation arranged {(when - due).days} days after the 30-day limit of {due} (regs 35-39)"] \
        if when > due else []
    with store.transaction("mediation-arranged") as txn:
        ev = txn.add_event(pid, "mediation-arranged", when.isoformat(), data, by=txn.by)
    return Recorded(txn.commit, ev, warnings)


def _agreement_actions(file: Path) -> tuple[bytes, list[dict[str, str]]]:
    """The agreement file: `actions: [{kind, description}]`, each kind an order kind or "other" (reg 42)."""
    raw = fileio.read_bytes(file, limit=MAX_FILE, what="mediation agreement")
    if file.suffix.lower() not in (".yaml", ".yml", ".json"):
        return raw, []  # a signed scan: kept as evidence, its actions not read
    doc = fileio.parse_text(fileio.decode(raw, file.name), file.name, json_only=file.suffix.lower() == ".json")
    actions = doc.get("actions") if isinstance(doc, dict) else None
    if not isinstance(actions, list):
        raise InvalidPlan(f"{file.name}: the agreement needs a list of actions (each with a kind and a description)")
    out = []
    for n, a in enumerate(actions, 1):
        kind = a.get("kind") if isinstance(a, dict) else None
        if kind not in rules.AGREEMENT_KINDS:
            raise InvalidPlan(f"{file.name}: action {n}: kind must be one of {', '.join(rules.AGREEMENT_KINDS)}")
        out.append({"kind": str(kind), "description": str(a.get("description") or "")[:2000]})
    return raw, out


def mediation_held(store: Store, pid: str, when: date, outcome: str, agreement: Path | None) -> Recorded:
    plan = store.checked_plan(pid)
    events = store.events(pid)
    contact = _open_contact(Journal(events, date.max), pid)
    if not contact.get("wants_mediation"):
        raise WorkflowError(f"plan {pid}: the family said they do not want mediation (contact of {contact.day})")
    data: dict[str, Any] = {"contact": contact.seq, "outcome": outcome, "actions": []}
    raw = None
    if agreement is not None:
        if outcome == "not-agreed":
            raise UsageError("--agreement is for a mediation that reached agreement (agreed or partly)")
        raw, data["actions"] = _agreement_actions(agreement)
    future = _future(events, {"event": "mediation-held", "date": when.isoformat(), **data})
    with store.transaction("mediation-held") as txn:
        if raw is not None and agreement is not None:
            rel = evidence_name(when.isoformat(), "mediation-agreement", agreement.name, contact.seq)
            data["agreement"] = txn.write_evidence(pid, rel, raw)  # never over a file a journal line names
        data["due"] = _step_dates(store, pid, plan, future, when, ("mediation_", "agreement_"), future[-1]["seq"])
        ev = txn.add_event(pid, "mediation-held", when.isoformat(), data, by=txn.by)
    return Recorded(txn.commit, ev, notes=[f"{d['description']}: by {d['due']}" for d in data["due"]])


def mediation_certificate(store: Store, pid: str, when: date) -> Recorded:
    """The certificate was issued: the appeal deadline becomes the later of its two limbs (HESC r.20(1)(c))."""
    store.checked_plan(pid)
    events = store.events(pid)
    j = Journal(events, date.max)
    contact = _open_contact(j, pid)
    if when < contact.day:
        raise UsageError(f"the certificate date {when} is before the family's contact ({contact.day})")
    decision = next((e for e in j.events if e.seq == contact.ref("decision")), None)
    before = rules.appeal_deadline_for(j, decision) if decision else None
    data: dict[str, Any] = {"contact": contact.seq, "decision": contact.ref("decision")}
    after = rules.appeal_deadline_for(Journal(_future(events, {"event": "mediation-certificate",
                                                                "date": when.isoformat(), **data}), date.max),
                                      decision) if decision else None
    if after:
        data["appeal_deadline"] = after.isoformat()
    with store.transaction("mediation-certificate") as txn:
        ev = txn.add_event(pid, "mediation-certificate", when.isoformat(), data, by=txn.by)
    notes = []
    if before and after:
        notes.append(f"appeal deadline {after}" + (f" (moved from {before}: 1 month after the certificate)"
                                                   if after != before else " (unchanged: 2 months after the letter "
                                                   "is later)"))
    return Recorded(txn.commit, ev, notes=notes)


# ---- appeals -----------------------------------------------------------------------------------------------------
def register(store: Store, pid: str, when: date, against: str, about: str | Sequence[str] | None,
             reference: str | None, late_permitted: bool) -> Recorded:
    store.checked_plan(pid)
    j = journal(store, pid)
    if against not in rules.APPEALABLE_DECISIONS:
        raise UsageError(f"'{fileio.printable(against)[:40]}' is not a decision that can be appealed to the Tribunal",
                         hint="Appealable: " + "; ".join(f"{k} ({v})" for k, v in
                                                         rules.APPEALABLE_DECISIONS.items()) + ".")
    decision = next((e for e in reversed(rules.appealable(j))
                     if rules.event_against(e.name, e.data) == against), None)
    if decision is None:
        raise WorkflowError(f"plan {pid}: there is nothing to appeal against as {against} "
                            f"({rules.APPEALABLE_DECISIONS[against]}): no such decision is recorded")
    if decision.day > when:
        raise UsageError(f"the appeal date {when} is before the decision ({decision.day})")
    pending = rules.pending_appeal(j)
    if pending is not None:
        raise WorkflowError(f"plan {pid} already has an appeal pending (registered {pending.day}, against "
                            f"{rules.APPEALABLE_DECISIONS.get(str(pending.get('against')), 'a decision')})",
                            hint="Record its outcome first (`ehcp appeal order|concede|withdrawn`).")
    parts = _choices(_csv(about), rules.APPEAL_ABOUT, "--about")
    if against in ("maintain", "amended-plan", "refuse-amend") and not parts:
        raise UsageError("say which parts of the plan are appealed: --about B,F,I (one or more)")
    deadline = rules.appeal_deadline_for(j, decision)
    warnings = []
    if when > deadline:
        if not late_permitted:
            raise WorkflowError(f"plan {pid}: the appeal is lodged after the deadline of {deadline} "
                                f"({(when - deadline).days} days late)",
                                hint="If the Tribunal has admitted it late, record it with --late-permitted.")
        warnings.append(f"late appeal admitted by the Tribunal ({(when - deadline).days} days after {deadline})")
    if parts != ["I"] and rules.certificate_for(j, decision) is None:
        warnings.append("no mediation certificate is recorded: the Tribunal needs one unless the appeal is only "
                        "about Section I (CFA s.55)")
    data = {"against": against, "decision": decision.seq, "decision_date": decision.day.isoformat(),
            "about": parts, "reference": fileio.printable(reference or "")[:60], "late_permitted": late_permitted,
            "appeal_deadline": deadline.isoformat()}
    with store.transaction("appeal-registered") as txn:
        ev = txn.add_event(pid, "appeal-registered", when.isoformat(), data, by=txn.by)
    notes = ["the plan stays in force while the appeal is pending; it cannot cease until it is decided"] \
        if against == "cease" else []
    return Recorded(txn.commit, ev, warnings, notes)


def _pending(j: Journal, pid: str) -> Event:
    appeal = rules.pending_appeal(j)
    if appeal is None:
        raise WorkflowError(f"plan {pid} has no appeal pending",
                            hint=f"Register it first: `ehcp appeal register {pid} --against DECISION`.")
    return appeal


def withdrawn(store: Store, pid: str, when: date) -> Recorded:
    store.checked_plan(pid)
    appeal = _pending(journal(store, pid), pid)
    with store.transaction("appeal-withdrawn") as txn:
        ev = txn.add_event(pid, "appeal-withdrawn", when.isoformat(), {"appeal": appeal.seq}, by=txn.by)
    return Recorded(txn.commit, ev)


def concede(store: Store, pid: str, when: date, kind: str) -> Recorded:
    """The LA tells the Tribunal it will not oppose (reg 45): treated as decided for the family, times run from
    this notice."""
    plan = store.checked_plan(pid)
    events = store.events(pid)
    appeal = _pending(Journal(events, date.max), pid)
    if kind not in rules.CONCEDE_KINDS:
        raise UsageError(f"--kind cannot be '{fileio.printable(kind)[:30]}'", hint="Choose from "
                         + ", ".join(rules.CONCEDE_KINDS) + ".")
    if (kind == "cease") != (appeal.get("against") == "cease"):
        raise WorkflowError(f"plan {pid}: --kind cease is for an appeal against ceasing, and only for one "
                            f"(this appeal is against {rules.APPEALABLE_DECISIONS.get(str(appeal.get('against')))})")
    data: dict[str, Any] = {"appeal": appeal.seq, "kind": kind, "against": appeal.get("against")}
    future = _future(events, {"event": "appeal-conceded", "date": when.isoformat(), **data})
    data["due"] = _step_dates(store, pid, plan, future, when, ("unopposed_",), future[-1]["seq"])
    with store.transaction("appeal-conceded") as txn:
        ev = txn.add_event(pid, "appeal-conceded", when.isoformat(), data, by=txn.by)
    return Recorded(txn.commit, ev, notes=[f"{d['description']}: by {d['due']} ({d['basis']})" for d in data["due"]])


_ORDER_SECTIONS = {"amend": ["B", "F"], "section-i": ["I"], "make-plan": ["B", "F", "I"]}


def _order_file(file: Path) -> tuple[bytes, dict[str, Any]]:
    """ORDER.yaml: `sections` (the parts ordered to change) and `details` (the order's words); a PDF is kept."""
    raw = fileio.read_bytes(file, limit=MAX_FILE, what="Tribunal order")
    if file.suffix.lower() not in (".yaml", ".yml", ".json"):
        return raw, {}
    doc = fileio.parse_text(fileio.decode(raw, file.name), file.name, json_only=file.suffix.lower() == ".json")
    if not isinstance(doc, dict):
        raise InvalidPlan(f"{file.name}: the order file must be a mapping (sections, details)")
    unknown = sorted(set(doc) - {"sections", "details", "order", "date", "reference"})
    if unknown:
        raise InvalidPlan(f"{file.name}: unknown field(s) {', '.join(map(str, unknown))}",
                          hint="An order file has sections (list), details (text), reference, date.")
    sections = doc.get("sections") or []
    if not isinstance(sections, list) or any(s not in ("B", "F", "I", "C", "D", "G", "H1", "H2") for s in sections):
        raise InvalidPlan(f"{file.name}: sections must be a list of plan sections (B, F, I; or C, D, G, H1, H2 for "
                          "recommendations)")
    return raw, {"sections": sections, "details": str(doc.get("details") or "")[:5000]}


def order(store: Store, pid: str, when: date, kind: str, file: Path | None) -> Recorded:
    """The Tribunal's decision (reg 44): each order kind's compliance steps run from the order date."""
    plan = store.checked_plan(pid)
    events = store.events(pid)
    appeal = _pending(Journal(events, date.max), pid)
    if kind not in rules.ORDER_KINDS:
        raise UsageError(f"--order cannot be '{fileio.printable(kind)[:30]}'",
                         hint="Choose from " + ", ".join(rules.ORDER_KINDS) + ".")
    if kind in ("cease", "continue") and appeal.get("against") != "cease":
        raise WorkflowError(f"plan {pid}: --order {kind} decides an appeal against ceasing; this appeal is against "
                            f"{rules.APPEALABLE_DECISIONS.get(str(appeal.get('against')))}")
    if when < appeal.day:
        raise UsageError(f"the order date {when} is before the appeal was registered ({appeal.day})")
    raw, details = _order_file(file) if file is not None else (None, {})
    data: dict[str, Any] = {"appeal": appeal.seq, "order": kind, "against": appeal.get("against"),
                            "sections": details.get("sections") or _ORDER_SECTIONS.get(kind, []),
                            "details": details.get("details", "")}
    future = _future(events, {"event": "tribunal-order", "date": when.isoformat(), **data})
    data["due"] = _step_dates(store, pid, plan, future, when, ("order_",), future[-1]["seq"])
    with store.transaction("tribunal-order") as txn:
        if raw is not None and file is not None:
            rel = evidence_name(when.isoformat(), "tribunal-order", file.name, appeal.seq)
            data["file"] = txn.write_evidence(pid, rel, raw)  # never over a file a journal line names
        ev = txn.add_event(pid, "tribunal-order", when.isoformat(), data, by=txn.by)
    notes = [f"{d['description']}: by {d['due']} ({d['basis']})" for d in data["due"]]
    if kind == "cease":
        notes.append(f"the plan ceases on {when} (reg 44(2)(a))")
    if kind in ("amend", "section-i", "continue", "make-plan"):
        notes.append(f"issue the plan through `ehcp amend propose {pid} --context tribunal-order` and "
                     f"`ehcp amend issue {pid}`: it says it follows the order and keeps the review date")
    return Recorded(txn.commit, ev, notes=notes)


def status(store: Store, pid: str, today: date) -> dict[str, Any]:
    """The disagreement as it stands: the appeal, the mediation, and each compliance step."""
    plan = store.plan(pid)
    events = store.events(pid)
    j = Journal(events, today)
    d = statutory.deadlines(plan, events, today, statutory.Options.from_mapping(store.config.rules))
    appeal = j.last("appeal-registered")
    steps = [s.as_json(today) for s in d.steps if s.name.startswith(("mediation_",)) or rules.is_compliance(s.name)]
    return {"plan": pid, "as_of": today.isoformat(),
            "appeal": None if appeal is None else {
                "registered": appeal.day.isoformat(), "against": appeal.get("against"),
                "about": appeal.get("about"), "reference": appeal.get("reference"),
                "pending": d.appeal_pending is not None,
                "outcome": next((words(end.name) + (f": {end.get('order') or end.get('kind')}"
                                                    if end.name != "appeal-withdrawn" else "")
                                 for a, end in rules.appeals(j) if a.seq == appeal.seq and end), None)},
            "ceased": d.ceased.isoformat() if d.ceased else None, "steps": steps}
