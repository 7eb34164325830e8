"""The annual review (regs 19-21, CoP 9.166-9.185): schedule, advice, meeting record, report, decision.
Each step validates first, then records one event in one commit, then produces the documents the law requires.
Documents are made after the commit from the committed facts, so `ehcp render --doc KIND --at REV` remakes them."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import fileio, statutory
from ehcp_docs.casework import caseload
from ehcp_docs.errors import UsageError, WorkflowError, did_you_mean
from ehcp_docs.fileio import printable
from ehcp_docs.model import forms, lint
from ehcp_docs.model.events import Recorded
from ehcp_docs.store import Store
from ehcp_docs.store.paths import evidence_name

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
DECISIONS = ("maintain", "amend", "cease")
FAMILY_ROLES = ("parent", "young-person")
# who may send advice to a review besides those it asked (reg 6(1)): the store's roles, as `contribute` takes them
ADVICE_ROLES = ("setting", "health", "social-care", "educational-psychologist", "parent", "young-person", "la",
                "other")


def current_cycle(events: list[dict]) -> list[dict]:
    """The events since the last review decision: the review now in progress."""
    last = max((e["seq"] for e in events if e["event"] == "review-decision"), default=0)
    return [e for e in events if e["seq"] > last]


def latest(events: list[dict], name: str) -> dict | None:
    return next((e for e in reversed(events) if e["event"] == name), None)


def invitees(store: Store, plan: dict, on: date) -> list[dict]:
    """Who must be invited (reg 20(2)): the decision maker, the setting, the LA, health, social care, and anyone
    else the plan names."""
    dob = date.fromisoformat(plan["child"]["date_of_birth"])
    out: list[dict] = []
    if statutory.decision_maker(dob, on, bool(plan["child"].get("lacks_capacity"))) == "young-person":
        out.append({"role": "young-person", "name": plan["child"]["name"]})
    out += [{"role": "parent", "name": p["name"]} for p in plan.get("parents", [])
            if not str(p.get("no_letters") or "").strip()]
    sec_i = plan["sections"]["I"]
    if sec_i.get("name"):
        out.append({"role": "setting", "name": sec_i.get("senco") or sec_i.get("head") or f"Head of {sec_i['name']}",
                    "organisation": sec_i["name"]})
    cw = plan.get("caseworker") or store.config.caseworker
    out.append({"role": "la-sen-officer", "name": cw.get("name", "SEN officer")})
    la = store.config.la
    out.append({"role": "health", "name": la["health"].get("name", "Integrated Care Board")})
    out.append({"role": "social-care", "name": la["social_care"].get("name", "Social care")})
    out += [{"role": p.get("role") or "professional", "name": p["name"]} for p in plan.get("professionals", [])]
    return out


TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def meeting_time(text: str) -> str:
    """"14:00" -> "2pm", "9.30" -> "9:30am": the time as a family reads it; "" when not given."""
    if not text.strip():
        return ""
    m = TIME.fullmatch(text.strip())
    if not m:
        raise UsageError(f"the meeting time '{printable(text)[:20]}' is not a time like 14:00")
    hour, minute = int(m.group(1)), int(m.group(2))
    suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{f':{minute:02d}' if minute else ''}{suffix}"


def schedule(store: Store, pid: str, meeting: date, when: date, venue: str, time: str = "") -> Recorded:
    plan = store.checked_plan(pid)
    words = meeting_time(time)
    if meeting < when:
        raise UsageError(f"the meeting date {meeting} is before the invitations ({when})")
    opts = caseload.options(store)
    events = store.events(pid)
    cycle = current_cycle(events)
    if latest(cycle, "review-meeting"):
        raise WorkflowError(f"plan {pid}: this review's meeting is already recorded; decide it before scheduling "
                            "another", hint=f"ehcp review decide {pid} --decision maintain|amend|cease")
    warnings = []
    notice = (meeting - when).days
    if notice < 14:
        warnings.append(f"only {notice} days' notice of the meeting: the law asks for at least 2 weeks (reg 20(3))")
    warnings += lint.warnings(plan, meeting)
    advice_due = statutory.advice_return_due(meeting, opts, store.config.terms, asked=when)
    warnings += _little_time_for_advice(when, advice_due)
    previous = latest(cycle, "review-scheduled")
    data: dict[str, Any] = {"meeting": meeting.isoformat(), "invitations_sent": when.isoformat(),
                            "advice_due": advice_due.isoformat(),
                            "venue": venue, "invitees": invitees(store, plan, when), "short_notice": notice < 14}
    if words:
        data["time"] = words
    if previous:
        data["reschedules"] = previous["seq"]
    with store.transaction("review-scheduled") as txn:
        event = txn.add_event(pid, "review-scheduled", when.isoformat(), data, by=txn.by)
    return Recorded(txn.commit, event, warnings)


def _little_time_for_advice(asked: date, reply_by: date) -> list[str]:
    """A warning when the advisers have fewer working days than a considered answer needs: the letters still go,
    with the latest reply date that lets the advice be circulated on time."""
    days = statutory.advice_reply_days(asked, reply_by)
    if days >= statutory.ADVICE_REPLY_MIN_WORKING_DAYS:
        return []
    return [f"the advisers and the family have only {days} working day(s) to reply (by {reply_by}), so that the "
            "advice can be circulated 2 weeks before the meeting: a later meeting, or invitations sent earlier, "
            f"would give them the {statutory.ADVICE_REPLY_MIN_WORKING_DAYS} working days a considered answer needs"]


def expected_advice(scheduled: dict) -> list[str]:
    return [i["role"] for i in scheduled["invitees"] if i["role"] not in FAMILY_ROLES + ("la-sen-officer",)]


def advice(store: Store, pid: str, role: str, file: Path, when: date) -> Recorded:
    store.checked_plan(pid)
    cycle = current_cycle(store.events(pid))
    scheduled = latest(cycle, "review-scheduled")
    if not scheduled:
        raise WorkflowError(f"plan {pid}: no review is scheduled", hint=f"ehcp review schedule {pid} --meeting D")
    known = list(dict.fromkeys([*expected_advice(scheduled), *ADVICE_ROLES]))
    if role not in known:
        raise UsageError(f"'{role[:30]}' is not a role this review knows (it asked {', '.join(known)})",
                         hint=did_you_mean(role, known) or "Give one of the roles above with --from.")
    data = fileio.read_bytes(file, limit=MAX_EVIDENCE_BYTES, what="advice file")
    rel = evidence_name(when.isoformat(), f"advice-{role[:30]}", file.name, len(cycle) + 1)
    received = {e["role"] for e in cycle if e["event"] == "advice-received"} | {role}
    missing = [r for r in expected_advice(scheduled) if r not in received]
    meeting = date.fromisoformat(scheduled["meeting"])
    circulate_by = statutory.due("advice_circulation", meeting)
    notes = [f"advice from {', '.join(sorted(received))} received"]
    notes.append("all the advice asked for has arrived" if not missing else f"still waiting for: {', '.join(missing)}")
    warnings = []
    if when > circulate_by:
        warnings.append(f"this advice arrived after {circulate_by}, the last day to circulate advice 2 weeks "
                        "before the meeting (reg 20(4))")
    with store.transaction("advice-received") as txn:
        rel = txn.write_evidence(pid, rel, data)
        event = txn.add_event(pid, "advice-received", when.isoformat(),
                              {"role": role, "file": rel, "received": when.isoformat(),
                               "original_name": printable(file.name)[:120]}, by=txn.by)
    return Recorded(txn.commit, event, warnings, notes)


def circulate(store: Store, pid: str, when: date) -> Recorded:
    store.checked_plan(pid)
    cycle = current_cycle(store.events(pid))
    scheduled = latest(cycle, "review-scheduled")
    if not scheduled:
        raise WorkflowError(f"plan {pid}: no review is scheduled")
    due = statutory.due("advice_circulation", date.fromisoformat(scheduled["meeting"]))
    warnings = [] if when <= due else [f"advice circulated {(when - due).days} days late (due by {due}, reg 20(4))"]
    with store.transaction("advice-circulated") as txn:
        event = txn.add_event(pid, "advice-circulated", when.isoformat(), {}, by=txn.by)
    return Recorded(txn.commit, event, warnings)


def meeting_form(store: Store, pid: str) -> dict:
    plan = store.checked_plan(pid)
    progress = latest(store.events(pid), "progress-update")
    return forms.form(plan, "meeting", progress["return"] if progress else None)


def record(store: Store, pid: str, file: Path, when: date, without_schedule: bool = False) -> Recorded:
    plan = store.checked_plan(pid)
    events = store.events(pid)
    doc = fileio.load_document(file, what="meeting record")
    warnings = forms.check(doc, plan, "meeting", file.name, nc_year=statutory.year_group(plan, when))
    cycle = current_cycle(events)
    scheduled = latest(cycle, "review-scheduled")
    if latest(cycle, "review-meeting"):
        raise WorkflowError(f"plan {pid}: this review's meeting is already recorded",
                            hint="Record the decision first, or correct the record with `ehcp edit`.")
    skipped: dict[str, Any] = {}
    if not scheduled:
        skipped = out_of_order(store, pid, without_schedule, "--without-schedule",
                               "no meeting was scheduled for this review through ehcp", SCHEDULE_STEP,
                               f"ehcp review schedule {pid} --meeting D", "invitations")
        warnings.append("no meeting was scheduled through ehcp: invitations and advice cannot be shown as on time")
    elif scheduled["meeting"] != when.isoformat():
        warnings.append(f"the meeting was scheduled for {scheduled['meeting']} but recorded as held on {when}")
    with store.transaction("review-meeting") as txn:
        event = txn.add_event(pid, "review-meeting", when.isoformat(), {"record": doc, **skipped}, by=txn.by)
    return Recorded(txn.commit, event, warnings)


def report(store: Store, pid: str, when: date) -> Recorded:
    store.checked_plan(pid)
    cycle = current_cycle(store.events(pid))
    meeting = latest(cycle, "review-meeting")
    if not meeting:
        raise WorkflowError(f"plan {pid}: record the review meeting before its report",
                            hint=f"ehcp review record {pid} --file MEETING.yaml --date D")
    due = statutory.due("review_report", date.fromisoformat(meeting["date"]))
    warnings = [] if when <= due else [f"the report is {(when - due).days} days late (due by {due}, reg 20(8))"]
    with store.transaction("review-report") as txn:
        event = txn.add_event(pid, "review-report", when.isoformat(), {"meeting": meeting["seq"]}, by=txn.by)
    return Recorded(txn.commit, event, warnings)


REPORT_STEP = "send the review report to everyone invited within 2 weeks of the meeting (reg 20(7),(8))"
SCHEDULE_STEP = ("invite everyone to the meeting at least 2 weeks before it and ask for their advice "
                 "(reg 20(2),(3))")


def out_of_order(store: Store, pid: str, allowed: bool, flag: str, what: str, step: str, first: str,
                 name: str) -> dict[str, Any]:
    """A step taken before the one the law puts first: refused (nothing recorded) unless the caseworker said so,
    with `flag` (or asked at a terminal) or `--force REASON`. Returns the journal fields that record which
    statutory step was left missing, and why when forced."""
    if not (allowed or store.force_reason):
        raise WorkflowError(f"plan {pid}: {what}; doing this step now leaves the statutory step '{step}' missing, "
                            "so nothing was recorded",
                            hint=f"Do that step first (`{first}`), or add {flag} to go ahead without it.")
    return {"steps_missing": [name], **({"order_forced": store.force_reason} if store.force_reason and not allowed
                                        else {})}


def schedule_missing(store: Store, pid: str) -> bool:
    """Whether this review has no meeting scheduled through ehcp: recording the meeting now skips the
    invitations and advice requests."""
    return latest(current_cycle(store.events(pid)), "review-scheduled") is None


def report_missing(store: Store, pid: str) -> bool:
    """Whether the review meeting has been held and no report sent since: deciding now skips a statutory step."""
    cycle = current_cycle(store.events(pid))
    meeting = latest(cycle, "review-meeting")
    if meeting is None:
        return False
    return not any(e["event"] == "review-report" and e["seq"] > meeting["seq"] for e in cycle)


def decide(store: Store, pid: str, decision: str, reason: str, when: date, without_report: bool = False) -> Recorded:
    if decision not in DECISIONS:
        raise UsageError(f"decision must be one of {', '.join(DECISIONS)}")
    plan = store.checked_plan(pid)
    events = store.events(pid)
    cycle = current_cycle(events)
    meeting = latest(cycle, "review-meeting")
    if not meeting:
        raise WorkflowError(f"plan {pid}: a review decision follows the review meeting; none is recorded",
                            hint=f"ehcp review record {pid} --file MEETING.yaml --date D")
    md = date.fromisoformat(meeting["date"])
    if when < md:
        raise UsageError(f"the decision date {when} is before the meeting ({md})")
    warnings = []
    before = statutory.deadlines(plan, events, when, caseload.options(store))
    decision_due = before.pending("decision") or statutory.due("decision", md)
    if when > decision_due:
        window = before.next_review_due
        why = ("the end of the 12-month review window (CFA s.44(1)), which comes before 4 weeks after the meeting"
               if window is not None and decision_due == window and window < statutory.due("decision", md)
               else "4 weeks after the meeting (reg 20)")
        warnings.append(f"the decision is {(when - decision_due).days} days late: it was due by {decision_due}, "
                        f"{why}")
    if decision == "maintain":
        open_transfer = [s for s in before.steps if s.pending and s.name.startswith("phase_transfer")]
        unnamed = statutory.maintain_leaves_transfer_unnamed(plan, when) if open_transfer else None
        if unnamed is not None:
            transfer_day, next_setting = unnamed
            wanted = f"the next setting ({next_setting})" if next_setting else "where the child goes next"
            raise WorkflowError(
                f"plan {pid}: a maintain decision was refused, so nothing was recorded: the plan transfers on "
                f"{transfer_day}, and Section I (placement) does not name {wanted}; a maintain decision in the "
                f"transfer year leaves the phase transfer step ({open_transfer[0].description}, by "
                f"{open_transfer[0].due}) unmet (reg 18)",
                hint=f"Decide to amend and propose Section I naming the next setting: `ehcp review decide {pid} "
                     f"--decision amend`, then `ehcp amend propose {pid} --file PROPOSED.yaml`; or, if Section I "
                     f"should already name it, correct the plan with `ehcp edit {pid}` and decide again.")
    skipped: dict[str, Any] = {}
    if not any(e["event"] == "review-report" and e["seq"] > meeting["seq"] for e in cycle):
        skipped = out_of_order(store, pid, without_report, "--without-report",
                               f"no review report has been sent since the meeting of {md}", REPORT_STEP,
                               f"ehcp review report {pid}", "review_report")
        warnings.append(f"no review report has been sent since the meeting of {md}: the statutory step "
                        f"'{REPORT_STEP}' stays missing (`ehcp review report {pid}`)")
    notes = []
    if decision == "amend":
        notes.append("the proposed amendments must be served with this decision, by "
                     f"{statutory.due('amendment_notice', md)}: `ehcp amend propose {pid} --file PROPOSED.yaml`")
    if decision == "cease":
        notes.append(f"ceasing has started: the family and the setting must be consulted (`ehcp cease propose {pid}`)")
    data = {"decision": decision, "reason": reason, "meeting": meeting["date"],
            "section_i": statutory.section_i_of(plan),
            "appeal_deadline": statutory.appeal_deadline(when).isoformat(), **skipped}
    with store.transaction("review-decision") as txn:
        event = txn.add_event(pid, "review-decision", when.isoformat(), data, by=txn.by)
    return Recorded(txn.commit, event, warnings, notes)


NEXT_COMMAND = {
    "invitations": "ehcp review schedule {pid} --meeting D",
    "advice_circulation": "ehcp review circulate {pid}",
    "review_report": "ehcp review report {pid}",
    "decision": "ehcp review decide {pid} --decision maintain|amend|cease",
    "amendment_notice": "ehcp amend propose {pid} --file PROPOSED.yaml",
    "final_plan": "ehcp amend issue {pid}",
    "review": "ehcp review schedule {pid} --meeting D",
}


def status(store: Store, pid: str, today: date) -> dict[str, Any]:
    """Where the review stands: steps done (on time or not), the next step, its deadline, what to run next."""
    plan = store.checked_plan(pid)
    events = store.events(pid)
    d = statutory.deadlines(plan, events, today, caseload.options(store))
    cycle = current_cycle(events)
    names = ("review-scheduled", "advice-received", "advice-circulated", "review-meeting", "review-report")
    done = [{"step": e["event"], "date": e["date"], **({"role": e["role"]} if "role" in e else {})}
            for e in cycle if e["event"] in names]
    checks = [{"step": s.name, "due": s.due.isoformat(), "done": s.done.isoformat(), "on_time": s.done <= s.due}
              for s in d.steps if s.done and s.name in NEXT_COMMAND and s.ref is not None
              and any(e["seq"] == s.ref for e in cycle)]
    pending = sorted((s for s in d.steps if s.pending and s.name in NEXT_COMMAND), key=lambda s: s.due)
    nxt = pending[0] if pending else None
    cmd: str | None
    step: str | None
    if nxt and nxt.name == "review" and latest(cycle, "review-scheduled") and not latest(cycle, "review-meeting"):
        cmd = f"ehcp review record {pid} --file MEETING.yaml --date D"
        step = "review meeting"
    else:
        cmd = NEXT_COMMAND[nxt.name].format(pid=pid) if nxt else None
        step = nxt.description if nxt else None
    return {"plan": pid, "as_of": today.isoformat(), "done": done, "checks": checks, "next_step": step,
            "next_due": nxt.due.isoformat() if nxt else None, "next_command": cmd,
            "next_review_due": d.next_review_due.isoformat() if d.next_review_due else None,
            "meeting_recommended_by": d.meeting_recommended_by.isoformat() if d.meeting_recommended_by else None,
            "decision_due": _iso(d.pending("decision")), "appeal_deadline": _iso(d.appeal.deadline if d.appeal
                                                                                   else None),
            "warnings": list(d.warnings)}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
