"""Turns committed facts (plan, journal event, LA settings) into the documents families and professionals
receive. Every document is rebuilt from a store revision, so `ehcp render ID --doc KIND --at REV` gives the
same letter that was sent."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs.casework import caseload
from ehcp_docs.model import plan as planmod
from ehcp_docs.model import records
from ehcp_docs import statutory
from ehcp_docs.documents import render
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.errors import NotFound, UsageError
from ehcp_docs.store.core import Store

ROLE_WORDS = {"parent": "Parent or carer", "young-person": "Young person", "setting": "School or college (SENCO)",
              "la-sen-officer": "Local authority SEN officer", "health": "Health (Integrated Care Board)",
              "social-care": "Social care"}
# document kind -> (template, event it is made from)
KINDS: dict[str, tuple[str, str | None]] = {
    "plan": ("plan", None),
    "invitation": ("review-invitation", "review-scheduled"),
    "advice-request": ("advice-request", "review-scheduled"),
    "review-report": ("review-report", "review-report"),
    "decision": ("decision", "review-decision"),
    "what-happens-next": ("what-happens-next", None),
    "progress-update": ("progress-update", "progress-update"),
    "concern-response": ("concern-response", "concern-response"),
    "amendment-notice": ("amendment-notice", "amendment-proposed"),
    "amended-plan": ("amended-plan-letter", "amended-plan-issued"),
    "amendment-withdrawn": ("amendment-withdrawn", "amendment-withdrawn"),
    "reassessment-decision": ("reassessment-decision", "reassessment-decision"),
    "cease-consultation": ("cease-consultation", "cease-proposed"),
    "cease-notice": ("cease-notice", "cease-decision"),
}


@dataclass(frozen=True)
class Source:
    store: Store
    pid: str
    rev: str

    @property
    def plan(self) -> dict:
        return self.store.plan(self.pid, self.rev)

    @property
    def events(self) -> list[dict]:
        return self.store.events(self.pid, self.rev)


def decision_maker_addressee(plan: dict, on: date) -> dict[str, str]:
    dob = date.fromisoformat(plan["child"]["date_of_birth"])
    if statutory.decision_maker(dob, on, bool(plan["child"].get("lacks_capacity"))) == "young-person":
        return {"name": plan["child"]["name"], "address": plan["child"].get("address", ""), "role": "young-person"}
    parents = plan.get("parents") or []
    if not parents:
        return {"name": "The parent or carer of " + plan["child"]["name"], "address": plan["child"].get("address", ""),
                "role": "parent"}
    return {"name": parents[0]["name"], "address": parents[0].get("address", ""), "role": "parent"}


def base_context(store: Store, plan: dict, when: date, rev: str, addressee: dict | None = None) -> dict[str, Any]:
    child = plan["child"]
    cw = {**store.config.caseworker, **(plan.get("caseworker") or {})}
    return {
        "la": store.config.la, "caseworker": cw, "letter_date": long_date(when.isoformat()),
        "reference": plan["id"], "source_commit": rev[:10],
        "addressee": addressee or decision_maker_addressee(plan, when),
        "child": {"name": child["name"], "first_name": child.get("known_as") or child["name"].split()[0],
                  "dob": long_date(child["date_of_birth"])},
        "appeal_deadline": long_date(statutory.appeal_deadline(when).isoformat()),
    }


def _deadlines(store: Store, plan: dict, events: list[dict], on: date) -> statutory.Deadlines:
    return statutory.deadlines(plan, events, on, caseload.options(store))


def _out(folder: Path, pid: str, when: str, kind: str, suffix: str = "") -> Path:
    return folder / pid / f"{when}-{kind}{('-' + suffix) if suffix else ''}.docx"


def produce(store: Store, pid: str, kind: str, folder: Path, *, rev: str | None = None,
            event: dict | None = None) -> list[Path]:
    """Makes the documents of one kind from the store as at `rev` (default HEAD)."""
    if kind not in KINDS:
        raise UsageError(f"unknown document kind {kind}", hint=f"Kinds: {', '.join(KINDS)}")
    asked = rev
    rev = rev or store.head()
    plan = store.plan(pid, rev) if asked else store.checked_plan(pid)  # remade as sent, or from the plan in force
    events = store.events(pid, rev)
    template, event_name = KINDS[kind]
    if event_name and event is None:
        event = next((e for e in reversed(events) if e["event"] == event_name), None)
        if event is None:
            raise NotFound(f"plan {pid} has no {event_name.replace('-', ' ')} to make a {kind} from"
                           + (f" at {asked[:10]}" if asked else ""))
    maker = globals()[f"_{kind.replace('-', '_')}"]
    return maker(store, plan, events, event, template, folder, rev)


def _render(store: Store, template: str, ctx: dict, out: Path, title: str, rev: str, expect: list[str]) -> Path:
    return render.render_document(render.find_template(template, store.root), ctx, out, title=title,
                                  author=store.config.la["name"], source={"commit": rev[:12]}, expect=expect)


def _plan(store: Store, plan: dict, events: list[dict], event: Any, template: str, folder: Path, rev: str,
          layout: str = "classic", out: Path | None = None) -> list[Path]:
    from ehcp_docs.documents.plan_context import expected_strings, plan_context

    d = _deadlines(store, plan, events, date.today())
    ctx = plan_context(plan, la=store.config.la, layout=layout,  # type: ignore[arg-type]
                       next_review_due=d.next_review_due.isoformat() if d.next_review_due else None)
    ctx["source_commit"] = rev[:10]
    name = "plan" if layout == "classic" else "plan-areas"
    out = out or folder / plan["id"] / f"{plan['issued']}-{name}.docx"
    return [_render(store, name, ctx, out, f"EHC plan {plan['id']}", rev, expected_strings(plan))]


def render_plan(store: Store, pid: str, folder: Path, *, at: str | None = None, layout: str = "classic") -> Path:
    if at:
        plan, _ = store.plan_at(pid, at)
    else:
        plan = store.checked_plan(pid)
    rev = store.head()
    return _plan(store, plan, store.events(pid), None, "plan", folder, rev, layout)[0]


def _invitees(event: dict) -> list[dict]:
    return [{**i, "role_words": ROLE_WORDS.get(i["role"], i["role"])} for i in event["invitees"]]


def _invitation(store, plan, events, event, template, folder, rev) -> list[Path]:
    when = date.fromisoformat(event["date"])
    meeting = date.fromisoformat(event["meeting"])
    ctx = base_context(store, plan, when, rev)
    contributions = [{"date": long_date(e["date"]), "role": e.get("role", ""), "text": e.get("text", "")}
                     for e in events if e["event"] == "contribution" and e["seq"] < event["seq"]]
    ctx.update(meeting_date=long_date(event["meeting"]), venue=event.get("venue") or "to be confirmed",
               invitees=_invitees(event), circulate_by=long_date(statutory.due("advice_circulation", meeting).isoformat()),
               contributions=contributions)
    out = _out(folder, plan["id"], event["date"], "invitation")
    return [_render(store, template, ctx, out, f"Review invitation {plan['id']}", rev,
                    [plan["child"]["name"], ctx["addressee"]["name"]])]


def _advice_request(store, plan, events, event, template, folder, rev) -> list[Path]:
    from ehcp_docs.casework.review import expected_advice

    outs = []
    when = date.fromisoformat(event["date"])
    for inv in event["invitees"]:
        if inv["role"] not in expected_advice(event):
            continue
        addressee = {"name": inv["name"], "address": inv.get("organisation", ""), "role": inv["role"]}
        ctx = base_context(store, plan, when, rev, addressee)
        ctx.update(meeting_date=long_date(event["meeting"]), venue=event.get("venue") or "to be confirmed",
                   advice_due=long_date(event["advice_due"]),
                   outcomes=[{"id": o["id"], "description": o["description"], "by_when": long_date(o["by_when"])}
                             for o in planmod.outcomes(plan)])
        out = _out(folder, plan["id"], event["date"], "advice-request", inv["role"])
        outs.append(_render(store, template, ctx, out, f"Advice request {plan['id']}", rev,
                            [plan["child"]["name"], inv["name"]]))
    return outs


def _review_report(store, plan, events, event, template, folder, rev) -> list[Path]:
    meeting = next(e for e in events if e["seq"] == event["meeting"])
    rec = meeting["record"]
    when = date.fromisoformat(event["date"])
    rows = []
    for p in rec["progress"]:
        rows.append({"id": p["outcome"], "description": planmod.short(p.get("description") or "", 90),
                     "status": records.STATUS_WORDS[p["status"]], "evidence": p.get("evidence") or "",
                     "appropriate": "yes" if p.get("still_appropriate", True) else "no"})
        rows += [{"id": t["target"], "description": planmod.short(t.get("description") or "", 90),
                  "status": records.STATUS_WORDS[t["status"]], "evidence": t.get("evidence") or "", "appropriate": ""}
                 for t in p.get("targets", [])]
    ctx = base_context(store, plan, when, rev)
    differences = rec.get("differences_of_opinion") or []
    ctx.update(meeting_date=long_date(meeting["date"]), attended=rec["attended"],
               child_views=rec.get("child_views") or "not recorded", family_views=rec.get("family_views") or "not recorded",
               progress=rows, recommendations=rec.get("recommendations") or [], differences=differences,
               differences_note="" if differences else "No differences of opinion were recorded.",
               pfa=rec.get("preparing_for_adulthood") or "",
               decision_due=long_date(statutory.due("decision", date.fromisoformat(meeting["date"])).isoformat()))
    out = _out(folder, plan["id"], event["date"], "review-report")
    return [_render(store, template, ctx, out, f"Review report {plan['id']}", rev,
                    [plan["child"]["name"]] + [p["outcome"] for p in rec["progress"]])]


def _decision(store, plan, events, event, template, folder, rev) -> list[Path]:
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)
    d = _deadlines(store, plan, [e for e in events if e["seq"] <= event["seq"]], when)
    ctx.update(meeting_date=long_date(event.get("meeting")), decision=event["decision"], reason=event.get("reason") or "",
               next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable")
    out = _out(folder, plan["id"], event["date"], f"decision-{event['decision']}")
    letter = _render(store, template, ctx, out, f"Review decision {plan['id']}", rev,
                     [plan["child"]["name"], ctx["addressee"]["name"], ctx["appeal_deadline"],
                      store.config.la["mediation"]["phone"], store.config.la["sendiass"]["phone"]])
    return [letter] + _what_happens_next(store, plan, events, event, "what-happens-next", folder, rev)


def _what_happens_next(store, plan, events, event, template, folder, rev) -> list[Path]:
    when = date.fromisoformat(event["date"]) if event else date.fromisoformat(plan["issued"])
    upto = [e for e in events if not event or e["seq"] <= event["seq"]]
    d = _deadlines(store, plan, upto, when)
    opts = caseload.options(store)
    transfer = d.pending("phase_transfer") or d.pending("phase_transfer_post16") or d.pending("phase_transfer_post16_other")
    ctx = base_context(store, plan, when, rev)
    ctx.update(next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable",
               meeting_recommended_by=long_date(d.meeting_recommended_by.isoformat()) if d.meeting_recommended_by else "",
               interim_review_due=long_date(d.interim_review_due.isoformat()) if d.interim_review_due else "",
               transfer_due=long_date(transfer.isoformat()) if transfer else "",
               concern_days=opts.concern_response_working_days,
               outcomes=[{"id": o["id"], "description": planmod.short(o["description"], 120),
                          "measured_how": o["measured_how"], "measured_by": o["measured_by"],
                          "by_when": long_date(o["by_when"])} for o in planmod.outcomes(plan)])
    out = _out(folder, plan["id"], when.isoformat(), "what-happens-next")
    return [_render(store, template, ctx, out, f"What happens next {plan['id']}", rev, [plan["child"]["name"]])]


def _concern_response(store, plan, events, event, template, folder, rev) -> list[Path]:
    concern = next(e for e in events if e["seq"] == event["concern"])
    when = date.fromisoformat(event["date"])
    words = {"resolved": "We believe the concern is now resolved. Please tell us if it is not.",
             "early-review": "We will hold an early review of the plan. We will write with the date.",
             "reassessment": "We will consider a re-assessment of needs and write to you within 15 days.",
             "complaint": "We are dealing with this under our complaints procedure.",
             "mediation": "We have suggested mediation: the details are below.",
             "no-action": "We have decided not to take further action, for the reasons above."}
    ctx = base_context(store, plan, when, rev)
    ctx.update(concern_date=long_date(concern["date"]), concern_text=concern["text"], response_text=event["text"],
               outcome_words=words.get(event.get("outcome", ""), ""))
    out = _out(folder, plan["id"], event["date"], "concern-response", str(event["concern"]))
    return [_render(store, template, ctx, out, f"Concern response {plan['id']}", rev,
                    [plan["child"]["name"], ctx["addressee"]["name"]])]


def progress_update(store: Store, pid: str, folder: Path, start: date | None, end: date | None,
                    rev: str | None = None) -> list[Path]:
    from ehcp_docs.documents import charts
    from ehcp_docs.casework import between_reviews
    from ehcp_docs.documents.render import Picture

    rev = rev or store.head()
    plan, events = store.plan(pid, rev), store.events(pid, rev)
    returns = between_reviews.progress_between(events, start, end)
    if not returns:
        raise NotFound(f"plan {pid} has no progress returns" + (f" between {start} and {end}" if start else ""),
                       hint=f"ehcp progress add {pid} --file RETURN.yaml")
    latest, previous = returns[-1], (returns[-2] if len(returns) > 1 else None)
    before = records.status_of(previous["return"]) if previous else {}
    columns = [r["date"] for r in returns]
    status = {(item, r["date"]): s for r in returns for item, s in records.status_of(r["return"]).items()}
    items = [i for o in planmod.outcomes(plan) for i in [o["id"]] + [t["id"] for t in o.get("targets") or []]]
    rows = []
    for row in latest["return"]["progress"]:
        was = before.get(row["outcome"])
        now = records.STATUS_WORDS[row["status"]]
        changed = row.get("since_last_term") or (
            f"was {records.STATUS_WORDS[was]}, now {now}" if was and was != row["status"] else
            ("no change since the last update" if was else "this is the first update"))
        targets = "; ".join(f"{t['target']} {records.STATUS_WORDS[t['status']]}" for t in row.get("targets", []))
        rows.append({"id": row["outcome"], "description": planmod.short(row.get("description") or "", 140),
                     "status": now + (f" (interim targets: {targets})" if targets else ""), "changed": changed,
                     "next": row.get("next_steps") or "keep going with the support in the plan",
                     "evidence": row.get("evidence") or "not given"})
    when = date.fromisoformat(latest["date"])
    ctx = base_context(store, plan, when, rev)
    who = latest["return"]["returned_by"]
    ctx.update(returned_by=f"{who.get('name') or 'the school'} ({who['role']})",
               period=f"{long_date(returns[0]['date'])} to {long_date(latest['date'])}", outcomes=rows,
               family_message=latest["return"].get("family_message") or "",
               chart=Picture(charts.status_chart(items, columns, status), 160, charts.alt_text(items, columns, status)),
               chart_note="The chart shows each outcome and interim target (rows) at each termly update (columns).")
    out = _out(folder, pid, latest["date"], "progress-update")
    return [_render(store, "progress-update", ctx, out, f"Progress update {pid}", rev,
                    [plan["child"]["name"]] + [r["id"] for r in rows])]


def _progress_update(store, plan, events, event, template, folder, rev) -> list[Path]:
    return progress_update(store, plan["id"], folder, None, date.fromisoformat(event["date"]), rev)


CONTEXT_WORDS = {"review": "This follows our decision after the annual review.",
                 "outside-review": "This is an amendment outside the annual review, because circumstances have changed.",
                 "reassessment": "This follows the re-assessment of needs."}


def _amendment_notice(store, plan, events, event, template, folder, rev) -> list[Path]:
    """The reg 22(2) pack: the notice, the schedule of proposed amendments, the plan in force, and the proposed
    plan with tracked changes. The plan in force and proposal are read as they stood at the notice's commit."""
    from ehcp_docs.model import diffing
    from ehcp_docs.documents import template_blocks, schedule, tracked

    proposal = store.proposal(plan["id"], rev)
    if proposal is None:
        raise NotFound(f"plan {plan['id']} has no proposal at {rev[:10]}: give --at the notice's commit")
    changes = diffing.for_notice(diffing.diff_plans(plan, proposal))
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)
    ctx.update(context_words=CONTEXT_WORDS.get(event.get("context", ""), ""), reason=event.get("reason") or "",
               evidence_count=len(event.get("evidence") or []),
               representations_due=long_date(event.get("representations_due")),
               final_plan_due=long_date(event.get("final_plan_due")))
    pid = plan["id"]
    made = [_render(store, template, ctx, _out(folder, pid, event["date"], "amendment-notice"),
                    f"Proposed amendments notice {pid}", rev, [plan["child"]["name"], ctx["representations_due"]])]
    doc = template_blocks.base_document()
    template_blocks.heading(doc, f"Schedule of proposed amendments: {plan['child']['name']} ({pid})", 1)
    taken_up = [f"suggested by the {c['role']} on {long_date(c['date'])}: {c['text']}"
                for c in event.get("contributions") or []]
    overall = "; ".join(x for x in [event.get("reason") or ""] + taken_up if x) or None
    schedule.add_schedule(doc, changes, reasons=event.get("reasons") or {}, overall_reason=overall,
                          evidence=event.get("evidence_names") or [Path(e).name for e in event.get("evidence") or []])
    doc.core_properties.title = f"Schedule of proposed amendments {pid}"
    doc.core_properties.author = store.config.la["name"]
    doc.core_properties.language = "en-GB"
    sched = _out(folder, pid, event["date"], "schedule-of-amendments")
    sched.parent.mkdir(parents=True, exist_ok=True)
    from io import BytesIO

    from ehcp_docs import fileio

    buf = BytesIO()
    doc.save(buf)
    fileio.atomic_write(sched, buf.getvalue())
    made.append(sched)
    made += _plan(store, plan, events, None, "plan", folder, rev,
                  out=_out(folder, pid, event["date"], "plan-in-force"))
    made.append(tracked.tracked_changes_document(
        changes, plan, proposal, _out(folder, pid, event["date"], "proposed-plan-tracked"),
        author=store.config.la["name"], date=event["date"], title=f"Proposed amended EHC plan {pid}"))
    return made


def _amended_plan(store, plan, events, event, template, folder, rev) -> list[Path]:
    from ehcp_docs.documents.plan_context import expected_strings, plan_context

    when = date.fromisoformat(event["date"])
    d = _deadlines(store, plan, [e for e in events if e["seq"] <= event["seq"]], when)
    marks = set(event.get("amended") or []) | {s for s in event.get("sections") or [] if s in ("A", "I", "J")}
    pctx = plan_context(plan, la=store.config.la, layout="classic", amended_items=frozenset(marks),
                        next_review_due=d.next_review_due.isoformat() if d.next_review_due else None)
    pctx["source_commit"] = rev[:10]
    pid = plan["id"]
    made = [_render(store, "plan", pctx, _out(folder, pid, event["date"], "final-amended-plan"),
                    f"Amended EHC plan {pid}", rev, expected_strings(plan))]
    ctx = base_context(store, plan, when, rev)
    sections = event.get("sections") or []
    ctx.update(issued_date=long_date(event["date"]), sections_text=", ".join(f"Section {s}" for s in sections) or "none",
               representations=any(e["event"] == "representations" and e.get("notice") == event.get("notice")
                                   for e in events),
               next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable",
               setting_name=plan["sections"]["I"].get("name") or "the setting",
               appeal_deadline=long_date(event.get("appeal_deadline")))
    made.append(_render(store, template, ctx, _out(folder, pid, event["date"], "amended-plan-letter"),
                        f"Amended plan letter {pid}", rev, [plan["child"]["name"], ctx["appeal_deadline"]]))
    return made + _what_happens_next(store, plan, events, event, "what-happens-next", folder, rev)


def _simple_letter(store, plan, events, event, template, folder, rev, extra: dict, expect: list[str]) -> list[Path]:
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)
    if event.get("appeal_deadline"):
        ctx["appeal_deadline"] = long_date(event["appeal_deadline"])
    ctx.update(extra)
    out = _out(folder, plan["id"], event["date"], template)
    return [_render(store, template, ctx, out, f"{template.replace('-', ' ').capitalize()} {plan['id']}", rev,
                    [plan["child"]["name"], ctx["addressee"]["name"], *expect])]


def _amendment_withdrawn(store, plan, events, event, template, folder, rev) -> list[Path]:
    notice = next((e for e in events if e["seq"] == event.get("notice")), None)
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"reason": event["reason"], "notice_date": long_date(notice["date"]) if notice else "earlier"},
                          [])


def _reassessment_decision(store, plan, events, event, template, folder, rev) -> list[Path]:
    req = next((e for e in events if e["seq"] == event.get("request")), None)
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"decision": event["decision"], "reason": event.get("reason") or "",
                           "request_date": long_date(req["date"]) if req else "",
                           "final_plan_due": long_date(event.get("final_plan_due"))}, [])


def _cease_consultation(store, plan, events, event, template, folder, rev) -> list[Path]:
    views_by = statutory.due("cease_views", date.fromisoformat(event["date"]))
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"reason": event.get("reason") or "", "views_by": long_date(views_by.isoformat()),
                           "setting_name": plan["sections"]["I"].get("name") or "the setting"}, [])


def _cease_notice(store, plan, events, event, template, folder, rev) -> list[Path]:
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"decision": event["decision"], "reason": event.get("reason") or ""}, [])
