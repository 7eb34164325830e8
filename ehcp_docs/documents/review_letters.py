"""The annual review's documents (regs 19-21): the invitation, the advice requests, the review report, the decision
letter and the "what happens next" leaflet that goes with every decision."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ehcp_docs import statutory
from ehcp_docs.casework import caseload
from ehcp_docs.documents.letter_context import ROLE_WORDS, base_context, deadlines_for, out_path, render_letter
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.model import forms
from ehcp_docs.model import plan as planmod
from ehcp_docs.store import Store


def _invitees(event: dict) -> list[dict]:
    return [{**i, "role_words": ROLE_WORDS.get(i["role"], i["role"])} for i in event["invitees"]]


def invitation(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"])
    meeting = date.fromisoformat(event["meeting"])
    ctx = base_context(store, plan, when, rev)
    contributions = [{"date": long_date(e["date"]), "role": e.get("role", ""), "text": e.get("text", "")}
                     for e in events if e["event"] == "contribution" and e["seq"] < event["seq"]]
    ctx.update(meeting_date=long_date(event["meeting"]), venue=event.get("venue") or "to be confirmed",
               invitees=_invitees(event),
               circulate_by=long_date(statutory.due("advice_circulation", meeting).isoformat()),
               contributions=contributions)
    out = out_path(folder, plan["id"], event["date"], "invitation")
    return [render_letter(store, plan, template, ctx, out, f"Review invitation {plan['id']}", rev,
                    [plan["child"]["name"], ctx["addressee"]["name"]])]


def advice_request(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                    rev: str) -> list[Path]:
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
        out = out_path(folder, plan["id"], event["date"], "advice-request", inv["role"])
        outs.append(render_letter(store, plan, template, ctx, out, f"Advice request {plan['id']}", rev,
                            [plan["child"]["name"], inv["name"]]))
    return outs


def review_report(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                   rev: str) -> list[Path]:
    meeting = next(e for e in events if e["seq"] == event["meeting"])
    rec = meeting["record"]
    when = date.fromisoformat(event["date"])
    rows = []
    for p in rec["progress"]:
        rows.append({"id": p["outcome"], "description": planmod.short(p.get("description") or "", 90),
                     "status": forms.STATUS_WORDS[p["status"]], "evidence": p.get("evidence") or "",
                     "appropriate": "yes" if p.get("still_appropriate", True) else "no"})
        rows += [{"id": t["target"], "description": planmod.short(t.get("description") or "", 90),
                  "status": forms.STATUS_WORDS[t["status"]], "evidence": t.get("evidence") or "", "appropriate": ""}
                 for t in p.get("targets", [])]
    ctx = base_context(store, plan, when, rev)
    differences = rec.get("differences_of_opinion") or []
    ctx.update(meeting_date=long_date(meeting["date"]), attended=rec["attended"],
               child_views=rec.get("child_views") or "not recorded",
               family_views=rec.get("family_views") or "not recorded",
               progress=rows, recommendations=rec.get("recommendations") or [], differences=differences,
               differences_note="" if differences else "No differences of opinion were recorded.",
               pfa=rec.get("preparing_for_adulthood") or "",
               decision_due=long_date(_decision_due(store, plan, events, event, meeting).isoformat()))
    out = out_path(folder, plan["id"], event["date"], "review-report")
    return [render_letter(store, plan, template, ctx, out, f"Review report {plan['id']}", rev,
                    [plan["child"]["name"]] + [p["outcome"] for p in rec["progress"]])]


def _decision_due(store: Store, plan: dict, events: list[dict], event: dict, meeting: dict) -> date:
    """The decision deadline as the calendar has it: 4 weeks after the meeting, or the end of the 12-month window
    if that comes first (rules 4.2)."""
    d = deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], date.fromisoformat(event["date"]))
    return d.pending("decision") or statutory.due("decision", date.fromisoformat(meeting["date"]))


def decision(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
              rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)
    d = deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], when)
    ctx.update(meeting_date=long_date(event.get("meeting")), decision=event["decision"],
               reason=event.get("reason") or "",
               next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable")
    out = out_path(folder, plan["id"], event["date"], f"decision-{event['decision']}")
    letter = render_letter(store, plan, template, ctx, out, f"Review decision {plan['id']}", rev,
                     [plan["child"]["name"], ctx["addressee"]["name"], ctx["appeal_deadline"],
                      store.config.la["mediation"]["phone"], store.config.la["sendiass"]["phone"]])
    return [letter] + what_happens_next(store, plan, events, event, "what-happens-next", folder, rev)


def what_happens_next(store: Store, plan: dict, events: list[dict], event: dict | None, template: str, folder: Path,
                       rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"]) if event else date.fromisoformat(plan["issued"])
    upto = [e for e in events if not event or e["seq"] <= event["seq"]]
    d = deadlines_for(store, plan, upto, when)
    opts = caseload.options(store)
    transfer = (d.pending("phase_transfer") or d.pending("phase_transfer_post16")
                or d.pending("phase_transfer_post16_other"))
    ctx = base_context(store, plan, when, rev)
    ctx.update(next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable",
               meeting_recommended_by=long_date(d.meeting_recommended_by.isoformat())
               if d.meeting_recommended_by else "",
               interim_review_due=long_date(d.interim_review_due.isoformat()) if d.interim_review_due else "",
               transfer_due=long_date(transfer.isoformat()) if transfer else "",
               concern_days=opts.concern_response_working_days,
               outcomes=[{"id": o["id"], "description": planmod.short(o["description"], 120),
                          "measured_how": o["measured_how"], "measured_by": o["measured_by"],
                          "by_when": long_date(o["by_when"])} for o in planmod.outcomes(plan)])
    out = out_path(folder, plan["id"], when.isoformat(), "what-happens-next")
    return [render_letter(store, plan, template, ctx, out, f"What happens next {plan['id']}", rev,
                          [plan["child"]["name"]])]
