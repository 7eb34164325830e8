"""The daily questions: what next for a plan (`ehcp status`), what is open on it (`ehcp open`), and which
plans there are (`ehcp list`). Every date here is what statutory/ computes: this module only says which process
a step belongs to and which command moves it on."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.casework import between_reviews, caseload
from ehcp_docs.errors import EhcpError
from ehcp_docs.model.events import words
from ehcp_docs.statutory.appeals import appeal_time
from ehcp_docs.statutory.disagreement import cease_effective
from ehcp_docs.statutory.journal import Journal
from ehcp_docs.store import Store

# step -> (process, command that moves it on); "{n}" is the number of the event that started the step
STEPS: dict[str, tuple[str, str]] = {
    "review": ("annual review", "ehcp review schedule {pid} --meeting D"),
    "meeting_recommended": ("annual review", "ehcp review schedule {pid} --meeting D"),
    "interim_review": ("annual review", "ehcp review schedule {pid} --meeting D"),
    "invitations": ("annual review", "ehcp review schedule {pid} --meeting D"),
    "advice_circulation": ("annual review", "ehcp review circulate {pid}"),
    "review_report": ("annual review", "ehcp review report {pid}"),
    "decision": ("annual review", "ehcp review decide {pid} --decision maintain|amend|cease"),
    "phase_transfer": ("phase transfer", "ehcp amend propose {pid} --file PROPOSED.yaml"),
    "phase_transfer_post16": ("phase transfer", "ehcp amend propose {pid} --file PROPOSED.yaml"),
    "phase_transfer_post16_other": ("phase transfer", "ehcp amend propose {pid} --file PROPOSED.yaml"),
    "amendment_notice": ("amendment", "ehcp amend propose {pid} --file PROPOSED.yaml"),
    "representations": ("amendment", "ehcp amend respond {pid} --text T"),
    "final_plan": ("amendment", "ehcp amend issue {pid}"),
    "reassessment_decision": ("re-assessment", "ehcp reassess decide {pid} --decision agree|refuse --reason T"),
    "reassessment_final_plan": ("re-assessment", "ehcp amend propose {pid} --file PROPOSED.yaml"),
    "cease_views": ("ceasing", "ehcp cease decide {pid}"),
    "concern_response": ("concerns", "ehcp concern respond {pid} {n} --text T"),
    "early_review_decision": ("requests", "ehcp review request-decide {pid} {n} --decision agree|refuse"),
    "personal_budget_decision": ("requests", "ehcp budget decide {pid} {n} --decision agree|refuse"),
    "appeal": ("appeal", "nothing to run unless an appeal is made"),
    "mediation_certificate": ("mediation", "ehcp mediation certificate {pid} --date D"),
    "mediation_arranged": ("mediation", "ehcp mediation arranged {pid} --date D"),
    "mediation_health_notice": ("mediation", "ehcp mediation health-notified {pid} --date D"),
}
PROCESS_WORDS = {"phase_transfer": "phase transfer"}
# Compliance with a Tribunal order, an unopposed appeal or a mediation agreement (regs 42, 44, 45): the process is
# named by the step's prefix; the step is done by the ordinary casework (statutory/disagreement.py COMPLIANCE)
COMPLIANCE_PROCESSES = {"order_": "Tribunal order", "unopposed_": "unopposed appeal",
                        "agreement_": "mediation agreement"}
COMPLIANCE_COMMANDS = {"assess_notice": "ehcp reassess decide {pid} --decision agree --reason T",
                       "draft_plan": "ehcp amend propose {pid} --file PROPOSED.yaml"}


def _process(name: str) -> str:
    for prefix, process in COMPLIANCE_PROCESSES.items():
        if name.startswith(prefix):
            return process
    return STEPS.get(name, ("other", ""))[0]


def _compliance_command(name: str, proposal: bool) -> str | None:
    """The command that carries out an ordered (conceded, agreed) step: the amend route for every plan."""
    prefix = next((p for p in COMPLIANCE_PROCESSES if name.startswith(p)), None)
    if prefix is None:
        return None
    rest = name[len(prefix):]
    if rest in COMPLIANCE_COMMANDS:
        return COMPLIANCE_COMMANDS[rest]
    return "ehcp amend issue {pid}" if proposal else "ehcp amend propose {pid} --file PROPOSED.yaml"


def _step_row(step: Any, pid: str, today: date, command: str) -> dict[str, Any]:
    process = _process(step.name)
    due = step.due
    return {"process": process, "step": step.name, "description": step.description, "due": due.isoformat(),
            "days_left": (due - today).days, "late": due < today and step.kind != "family",
            "kind": step.kind, "basis": step.basis, "command": command,
            **({"served": step.served.isoformat(), "served_how": step.served_how} if step.served else {})}


TRANSFER = ("phase_transfer", "phase_transfer_post16", "phase_transfer_post16_other")
REVIEW = ("review", "meeting_recommended", "interim_review")


def _command(step: Any, pid: str, events: list[dict], proposal: bool) -> str:
    template = _compliance_command(step.name, proposal) or STEPS.get(step.name, ("other", "ehcp deadlines {pid}"))[1]
    if step.name in REVIEW:
        template = _review_command(events)
    elif step.name in TRANSFER:
        template = "ehcp amend issue {pid}" if proposal else (
            "ehcp amend propose {pid} --file PROPOSED.yaml" if _amend_decided(events) else _review_command(events))
    elif step.name == "reassessment_final_plan" and proposal:
        template = "ehcp amend issue {pid}"
    if template == "ehcp amend issue {pid}":
        template += _answers(events)
    return template.format(pid=pid, n=step.ref if step.ref is not None else "N")


def _answers(events: list[dict]) -> str:
    """What `amend issue` must be given for the notice waiting: an answer to each representation (the letter
    gives an account of them) and, when the family asked to meet, whether the meeting was held."""
    notice = _last(events, "amendment-proposed", "amended-plan-issued", "amendment-withdrawn")
    if notice is None or notice["event"] != "amendment-proposed":
        return ""
    reps = [e for e in events if e["event"] == "representations" and e.get("notice") == notice["seq"]]
    words = "".join(f" --answer {e['seq']}=accepted|accepted-in-part|not-accepted --why {e['seq']}=T" for e in reps)
    return words + (" --meeting held|declined" if any(e.get("meeting_request") for e in reps) else "")


def _last(events: list[dict], *names: str) -> dict | None:
    return next((e for e in reversed(events) if e["event"] in names), None)


def _review_command(events: list[dict]) -> str:
    """Where the review cycle stands: a meeting held waits for the decision, one scheduled for its record."""
    last = _last(events, "review-scheduled", "review-meeting", "review-decision")
    if last and last["event"] == "review-meeting":
        return "ehcp review decide {pid} --decision maintain|amend|cease"
    if last and last["event"] == "review-scheduled":
        return "ehcp review record {pid} --file MEETING.yaml --date " + str(last.get("meeting") or "D")
    return "ehcp review schedule {pid} --meeting D"


def _amend_decided(events: list[dict]) -> bool:
    last = _last(events, "review-decision", "amended-plan-issued", "amendment-withdrawn")
    return bool(last and last["event"] == "review-decision" and last.get("decision") == "amend")


def status(store: Store, pid: str, today: date) -> dict[str, Any]:
    """Every open step of every process, earliest statutory deadline first, each with the command that moves it
    on; the open contributions, concerns and requests; and the one next command."""
    plan = store.checked_plan(pid)
    events = store.events(pid)
    d = caseload.readable(pid, plan, lambda: statutory.deadlines(plan, events, today, caseload.options(store)))
    proposal = store.proposal(pid) is not None
    pending = [s for s in d.steps if s.pending and s.kind != "guidance"]
    rows = [_step_row(s, pid, today, _command(s, pid, events, proposal)) for s in pending]
    if not any(r["process"] == "ceasing" for r in rows):
        rows += _ceasing_rows(events, pid, today)
    rows.sort(key=lambda r: (r["due"], r["step"]))
    items = open_items(store, pid)
    done = [{"step": s.name, "description": s.description, "due": s.due.isoformat(),
             "done": s.done.isoformat() if s.done else None, "on_time": bool(s.done and s.done <= s.due)}
            for s in d.steps if not s.pending and s.done and d.window_start and s.trigger and
            s.trigger >= d.window_start]
    first = next((r for r in rows if not r["command"].startswith("nothing")), None)  # the LA's next action
    return {"plan": pid, "as_of": today.isoformat(), "ceased": d.ceased.isoformat() if d.ceased else None,
            "next_review_due": d.next_review_due.isoformat() if d.next_review_due else None,
            "steps": rows, "processes": list(dict.fromkeys(r["process"] for r in rows)), "done": done,
            "open": items, "next_step": first["description"] if first else None,
            "next_due": first["due"] if first else None, "next_command": first["command"] if first else None,
            "meeting_recommended_by": _iso(d.meeting_recommended_by), "decision_due": _iso(d.pending("decision")),
            "appeal_deadline": _iso(d.appeal.deadline if d.appeal is not None else None),
            "served": service_lines(pending), "warnings": list(d.warnings)}


def service_lines(steps: list[Any]) -> list[str]:
    """One sentence per notice whose service is recorded: how and on which day, which the steps that run from
    service count from (`ehcp served`, `ehcp send`)."""
    out: dict[tuple[Any, Any], None] = {}
    for s in steps:
        if s.pending and getattr(s, "served", None) and s.served_how in statutory.SERVICE_WAYS:
            out[(s.served, s.served_how)] = None
    return [f"Served {statutory.SERVICE_WAYS[how]} on {day.isoformat()}: the steps that run from service count from "
            "that day." for day, how in out]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _ceasing_rows(events: list[dict], pid: str, today: date) -> list[dict[str, Any]]:
    """Ceasing as the family and the caseworker see it: the consultation, then the decision taking effect after
    the appeal period."""
    last = _last(events, "cease-proposed", "cease-decision")
    if last is None:
        return []
    day = date.fromisoformat(last["date"])
    if last["event"] == "cease-proposed":
        due = statutory.due("cease_views", day)
        return [{"process": "ceasing", "step": "cease_views", "description": "The family's and the setting's time "
                 "to give their views on ceasing; then decide", "due": due.isoformat(), "days_left": (due - today).days,
                 "late": False, "kind": "family", "basis": "reg 31", "command": f"ehcp cease decide {pid}"}]
    if last.get("decision") != "cease":
        return []
    # the calendar's dates, not the ones recorded on the decision: a mediation certificate recorded since moves
    # both, and while an appeal against ceasing is pending the plan does not cease (CFA s.45(4); rules 7)
    j = Journal(events, date.max)
    dec = next(e for e in j.events if e.seq == last["seq"])
    effective = cease_effective(j, dec)
    if effective is None or effective <= today:
        return []
    deadline = appeal_time(dec, j).deadline.isoformat()
    return [{"process": "ceasing", "step": "cease_effective",
             "description": f"The plan ceases on {effective.isoformat()} unless the family appeals by "
                            f"{deadline}", "due": effective.isoformat(), "days_left": (effective - today).days,
             "late": False, "kind": "family", "basis": "CFA s.45; reg 32",
             "command": "nothing to run unless an appeal is made"}]


def open_items(store: Store, pid: str) -> list[dict[str, Any]]:
    """What is open on a plan, with the numbers `contribution resolve`, `concern respond`, `budget decide` and
    `review request-decide` take."""
    events = store.events(pid)
    answered: dict[str, set[int]] = {"concern": set(), "early-review-requested": set(),
                                     "personal-budget-request": set()}
    answers = {"concern-response": ("concern", "concern"), "early-review-decision": ("early-review-requested",
                                                                                     "request"),
               "personal-budget-decision": ("personal-budget-request", "request")}
    for e in events:
        if e["event"] in answers:
            asked, key = answers[e["event"]]
            if isinstance(e.get(key), int):
                answered[asked].add(e[key])
    rows = [{"kind": "contribution", "number": c["number"], "date": c["date"], "from": c.get("role", ""),
             "text": c.get("text", ""), "command": f"ehcp contribution resolve {pid} {c['number']} --taken-up"}
            for c in between_reviews.contributions(events) if c.get("status") == "open"]
    commands = {"concern": "ehcp concern respond {pid} {n} --text T",
                "early-review-requested": "ehcp review request-decide {pid} {n} --decision agree|refuse",
                "personal-budget-request": "ehcp budget decide {pid} {n} --decision agree|refuse"}
    for e in events:
        if e["event"] in commands and e["seq"] not in answered[e["event"]]:
            rows.append({"kind": words(e["event"]), "number": e["seq"], "date": e["date"],
                         "from": e.get("role") or e.get("by", ""),
                         "text": e.get("text") or e.get("reason") or e.get("details") or "",
                         "command": commands[e["event"]].format(pid=pid, n=e["seq"])})
    return sorted(rows, key=lambda r: (r["date"], r["number"]))


@dataclass
class Listed:
    rows: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)


def list_plans(store: Store, today: date, setting: str | None = None, due_before: date | None = None) -> Listed:
    """Every plan with its child's name, setting, next review and open processes; a plan that cannot be read is
    named in `problems` and the others are still listed."""
    out = Listed([])
    for pid in store.plan_ids():
        row = _guarded(out.problems, pid, lambda p=pid: _list_row(store, p, today))  # type: ignore[misc]
        if row is None:
            continue
        if setting and setting.lower() not in row["setting"].lower():
            continue
        if due_before and (row["next_review_due"] is None or row["next_review_due"] > due_before.isoformat()):
            continue
        out.rows.append(row)
    return out


def _guarded(problems: list[str], pid: str, compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except EhcpError as e:
        problems.append(f"plan {pid}: {e.message}" if pid not in e.message else e.message)
        return None


def _list_row(store: Store, pid: str, today: date) -> dict[str, Any]:
    plan = store.checked_plan(pid)
    events = store.events(pid)
    d = caseload.readable(pid, plan, lambda: statutory.deadlines(plan, events, today, caseload.options(store)))
    processes = list(dict.fromkeys(STEPS.get(s.name, ("other", ""))[0] for s in d.steps
                                   if s.pending and s.kind != "guidance" and s.name != "review"))
    overdue = any(s.pending and s.counted and s.due < today for s in d.steps)
    return {"plan": pid, "name": plan.get("child", {}).get("name", ""), "setting": caseload.setting_name(plan),
            "next_review_due": d.next_review_due.isoformat() if d.next_review_due else None,
            "ceased": d.ceased.isoformat() if d.ceased else None, "open_processes": processes,
            "overdue": overdue}
