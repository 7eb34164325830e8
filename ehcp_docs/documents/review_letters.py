"""The annual review's documents (regs 19-21): the invitation, the advice requests, the review report, the decision
letter and the "what happens next" leaflet that goes with every decision.

Every letter to the family goes to each family recipient (letter_context.family_addressees) and speaks to a young
person who decides as "you". Appeal rights, and one appeal date, go only with an appealable decision (rules
section 8): "maintain" after a review, and the final amended plan. An "amend" decision is appealed once the final
plan is issued; a review decision to cease only starts the consultation (reg 31), so neither prints a date."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.casework import caseload
from ehcp_docs.documents.letter_context import (
    ROLE_WORDS,
    base_context,
    deadlines_for,
    family_letters,
    out_path,
    render_letter,
    third_person,
    voice,
)
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.model import forms
from ehcp_docs.model import plan as planmod
from ehcp_docs.store import Store

APPEALABLE_REVIEW_DECISIONS = ("maintain",)
# invitees a family letter's "Copies to" leaves out: the family, who get their own letters, and the LA's SEN
# officer, who signs it (a letter copied to its own author tells the reader nothing)
NOT_COPIED = ("parent", "young-person", "la-sen-officer")
# advice requests: the person or role written to when the plan names nobody (ehcp.toml [advice] may say more)
ADVICE_ROLE_DEAR = {"health": "Designated Clinical Officer", "social-care": "Social Care Team Manager",
                    "setting": "SENCO"}


def _invitees(event: dict) -> list[dict]:
    return [{**i, "role_words": ROLE_WORDS.get(i["role"], i["role"])} for i in event["invitees"]]


def _setting_copy(plan: dict) -> str:
    name = plan["sections"]["I"].get("name")
    return f"{name} (head teacher or principal)" if name else ""


def _long(d: date | None) -> str:
    return long_date(d.isoformat()) if d else ""


def invitation(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
               rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"])
    meeting = date.fromisoformat(event["meeting"])
    ctx = base_context(store, plan, when, rev)
    contributions = [{"date": long_date(e["date"]), "role": e.get("role", ""), "text": e.get("text", "")}
                     for e in events if e["event"] == "contribution" and e["seq"] < event["seq"]]
    circulate_by = statutory.due("advice_circulation", meeting)
    ctx.update(meeting_date=long_date(event["meeting"]), meeting_time=event.get("time") or "to be confirmed",
               venue=event.get("venue") or "to be confirmed", invitees=_invitees(event),
               circulate_by=_long(circulate_by), views_by=long_date(event.get("advice_due")),
               contributions=contributions)
    out = out_path(folder, plan["id"], event["date"], "invitation")
    others = [i["name"] for i in event["invitees"] if i["role"] not in NOT_COPIED]
    return family_letters(store, plan, template, ctx, out, f"Review invitation {plan['id']}", rev,
                          [plan["child"]["name"]], others)


def advice_dear(store: Store, plan: dict, invitee: dict) -> str:
    """Who an advice request says "Dear" to: a named person ("Dr A Patel") where the plan or ehcp.toml names
    one, else the role ("Designated Clinical Officer"), never an organisation."""
    contacts = store.config.data.get("advice") or {}
    named = (contacts.get(invitee["role"]) or {}).get("name") if isinstance(contacts, dict) else None
    person = str(invitee.get("name") or "")
    organisation = {str(store.config.la.get("health", {}).get("name", "")),
                    str(store.config.la.get("social_care", {}).get("name", ""))}
    if named:
        return str(named)
    if person and person not in organisation and not person.startswith("Head of "):
        return person
    return ADVICE_ROLE_DEAR.get(invitee["role"], "Colleague")


def advice_request(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                   rev: str) -> list[Path]:
    from ehcp_docs.casework.review import expected_advice

    outs = []
    when = date.fromisoformat(event["date"])
    meeting = date.fromisoformat(event["meeting"])
    provision_sections = {"setting": ("F",), "health": ("G",), "social-care": ("H1", "H2")}
    for inv in event["invitees"]:
        if inv["role"] not in expected_advice(event):
            continue
        dear = advice_dear(store, plan, inv)
        addressee = {"name": dear, "dear": dear, "address": inv.get("organisation", ""), "role": inv["role"]}
        ctx = base_context(store, plan, when, rev, addressee)
        ctx["child"] = {**ctx["child"], **third_person(plan)}  # written to a professional, about the child
        secs = provision_sections.get(inv["role"], ("F", "G", "H1", "H2"))
        ctx.update(meeting_date=long_date(event["meeting"]), meeting_time=event.get("time") or "a time to be "
                   "confirmed", venue=event.get("venue") or "a place to be confirmed",
                   advice_due=long_date(event["advice_due"]),
                   circulate_by=_long(statutory.due("advice_circulation", meeting)),
                   outcomes=[{"id": o["id"], "description": o["description"], "by_when": long_date(o["by_when"])}
                             for o in planmod.outcomes(plan)],
                   provision=[{"id": p["id"], "description": p["description"], "frequency": p["frequency"]}
                              for s in secs for p in (plan["sections"].get(s) or {}).get("provision") or []])
        out = out_path(folder, plan["id"], event["date"], "advice-request", inv["role"])
        outs.append(render_letter(store, plan, template, ctx, out, f"Advice request {plan['id']}", rev,
                                  [plan["child"]["name"], dear]))
    return outs


def _outcome_words(plan: dict) -> dict[str, str]:
    words = {}
    for o in planmod.outcomes(plan):
        words[o["id"]] = o["description"]
        for t in o.get("targets") or []:
            words[t["id"]] = t["description"]
    return words


def review_report(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                  rev: str) -> list[Path]:
    meeting = next(e for e in events if e["seq"] == event["meeting"])
    rec = meeting["record"]
    when = date.fromisoformat(event["date"])
    wording = _outcome_words(plan)
    rows = []
    for p in rec["progress"]:
        rows.append({"id": p["outcome"], "description": p.get("description") or wording.get(p["outcome"], ""),
                     "status": forms.STATUS_WORDS[p["status"]], "evidence": p.get("evidence") or "",
                     "appropriate": "yes" if p.get("still_appropriate", True) else "no"})
        rows += [{"id": t["target"], "description": t.get("description") or wording.get(t["target"], ""),
                  "status": forms.STATUS_WORDS[t["status"]], "evidence": t.get("evidence") or "", "appropriate": ""}
                 for t in p.get("targets", [])]
    ctx = base_context(store, plan, when, rev)
    differences = rec.get("differences_of_opinion") or []
    steps = rec.get("next_steps") or ""
    ctx.update(meeting_date=long_date(meeting["date"]), attended=rec["attended"],
               apologies=[f"{a.get('name') or ROLE_WORDS.get(a['role'], a['role'])} ({a['role']})"
                          for a in rec.get("apologies") or []],
               child_views=rec.get("child_views") or "not recorded",
               family_views=rec.get("family_views") or "not recorded",
               progress=rows, differences=differences,
               recommendations=[{"item": r["item"], "change": r["change"],
                                 "reason": r.get("reason") or "no reason was recorded"}
                                for r in rec.get("recommendations") or []],
               next_steps=[s.strip() for s in steps.split("\n") if s.strip()],
               differences_note="" if differences else "No differences of opinion were recorded.",
               pfa=rec.get("preparing_for_adulthood") or "",
               decision_due=long_date(_decision_due(store, plan, events, event, meeting).isoformat()))
    out = out_path(folder, plan["id"], event["date"], "review-report")
    scheduled = next((e for e in reversed(events) if e["event"] == "review-scheduled" and e["seq"] < meeting["seq"]),
                     None)
    others = [i["name"] for i in (scheduled or {}).get("invitees", []) if i["role"] not in NOT_COPIED]
    return family_letters(store, plan, template, ctx, out, f"Review report {plan['id']}", rev,
                          [plan["child"]["name"]] + [p["outcome"] for p in rec["progress"]], others)


def _decision_due(store: Store, plan: dict, events: list[dict], event: dict, meeting: dict) -> date:
    """The decision deadline as the calendar has it: 4 weeks after the meeting, or the end of the 12-month window
    if that comes first (rules 4.2)."""
    d = deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], date.fromisoformat(event["date"]))
    return d.pending("decision") or statutory.due("decision", date.fromisoformat(meeting["date"]))


def _step(when: str, what: str, you_can: str = "") -> dict[str, str]:
    return {"when": when, "what": what, "you_can": you_can}


def _after(events: list[dict], seq: int, name: str) -> dict | None:
    return next((e for e in events if e["event"] == name and e["seq"] > seq), None)


def decision_timeline(store: Store, plan: dict, events: list[dict], event: dict | None) -> dict[str, Any]:
    """What happens next after `event` (a review decision, the final amended plan, a re-assessment decision, or
    None for a plan just issued): the dated steps, what the family can do at each, whether the event can be
    appealed now, and whether progress checks belong in the leaflet. Dates come from statutory (rules 4-8)."""
    when = date.fromisoformat(event["date"]) if event else date.fromisoformat(plan["issued"])
    upto = [e for e in events if not event or e["seq"] <= event["seq"]]
    d = deadlines_for(store, plan, upto, when)
    v = voice(plan, when)
    kind = (event or {}).get("decision") if (event or {}).get("event") == "review-decision" else \
        (event or {}).get("event", "issued")
    review = _step(_long(d.next_review_due), f"the next annual review of {v['poss']} plan must be finished.",
                   "tell us at any time if things change. You can ask for an early review.")
    transfer = (d.pending("phase_transfer") or d.pending("phase_transfer_post16")
                or d.pending("phase_transfer_post16_other"))
    out: dict[str, Any] = {"kind": kind, "appealable": False, "outcomes": True, "timeline": []}
    if kind == "maintain":
        out["appealable"] = True
        out["intro"] = f"We have decided to keep {v['poss']} EHC plan as it is. This is what happens next."
        out["timeline"] = [_step(_long(statutory.appeal_time_on(when).deadline),
                                 "the last day to appeal against this decision.",
                                 "appeal to the Tribunal. Talk to a mediation adviser first (see below)."), review]
    elif kind == "amend":
        out.update(_amend_timeline(plan, events, event, v), outcomes=True)
        out["timeline"].append(review)
    elif kind == "cease":
        out.update(_cease_timeline(events, event, when, v), outcomes=False)
    elif kind == "amended-plan-issued":
        out["appealable"] = True
        out["intro"] = f"We have issued {v['poss']} amended EHC plan. This is what happens next."
        out["timeline"] = [_step(_long(statutory.appeal_time_on(when).deadline),
                                 "the last day to appeal about the amended plan.",
                                 "appeal to the Tribunal. Talk to a mediation adviser first."), review]
    else:
        out["intro"] = ("This leaflet explains what happens now, how progress will be checked, and what you can "
                        "do if you are worried.")
        out["timeline"] = [review]
        if d.meeting_recommended_by:
            out["timeline"].insert(0, _step(_long(d.meeting_recommended_by), "we aim to hold the review meeting.",
                                            "send us your views before the meeting."))
        if d.interim_review_due:
            out["timeline"].append(_step(_long(d.interim_review_due), "an extra review, because the child is "
                                                                      "under five."))
    if transfer and kind != "cease":
        step = _step(_long(transfer), "the plan must name the next school or college.",
                     "tell us which school or college you would like.")
        # in date order: a transfer deadline in February comes before next November's review
        before_review = review in out["timeline"] and d.next_review_due and transfer < d.next_review_due
        out["timeline"].insert(out["timeline"].index(review) if before_review else len(out["timeline"]), step)
    return out


def _amend_timeline(plan: dict, events: list[dict], event: dict | None, v: dict) -> dict[str, Any]:
    assert event is not None
    meeting = date.fromisoformat(event.get("meeting") or event["date"])
    notice = _after(events, event["seq"], "amendment-proposed")
    served = date.fromisoformat(notice["date"]) if notice else statutory.due("amendment_notice", meeting)
    views = date.fromisoformat(notice["representations_due"]) if notice and notice.get("representations_due") \
        else statutory.due("representations", served)
    final = date.fromisoformat(notice["final_plan_due"]) if notice and notice.get("final_plan_due") \
        else statutory.due("final_plan", served)
    # before the changes are sent, the later dates are the latest they can be: a notice sent sooner brings them
    # forward, and the notice then gives the family's own date (so the two letters never disagree)
    latest = "" if notice else " at the latest"
    steps = [] if notice else [_step(_long(served), "the last day for us to send you the changes we propose.")]
    steps += [_step(_long(views) + latest, "the last day to send us your views on the changes."
                    + ("" if notice else " If we send the changes sooner, this day comes sooner: the letter with "
                                         "the changes gives your date."),
                    "tell us what you think, ask to meet us, or ask for a school or college."),
              _step(_long(final) + latest, "the last day for us to send you the final amended plan.",
                    "appeal, once you have the final plan. It will tell you how and by when.")]
    return {"intro": f"We have decided to change {v['poss']} EHC plan. You cannot appeal yet: you can appeal once "
                     "we send the final plan. This is what happens next.",
            "timeline": steps, "changes_sent": "send you" if notice and notice["date"] == event["date"]
            else f"will send you by {_long(served)}"}


def _cease_timeline(events: list[dict], event: dict | None, when: date, v: dict) -> dict[str, Any]:
    seq = event["seq"] if event else 0
    consult = _after(events, seq, "cease-proposed") or (event if (event or {}).get("event") == "cease-proposed"
                                                         else None)
    views = statutory.due("cease_views", date.fromisoformat(consult["date"]) if consult else when)
    return {"intro": f"We are thinking about stopping {v['poss']} EHC plan. We have not decided yet. You cannot "
                     "appeal yet. This is what happens next.",
            "timeline": [_step(_long(views), "the last day to send us your views.",
                               "tell us, in writing or by phone, what you think. You can ask to meet us."),
                         _step("After that", "we decide, and write to you with our reasons.",
                               "appeal, if we decide to stop the plan. The letter will tell you how."),
                         _step("Until the appeal time ends", f"{v['poss']} plan stays in force, and the help in it "
                               "goes on.", ""),
                         _step("If the plan stops", "we tell you what help will follow, and who gives it.",
                               "ask SENDIASS or your caseworker for advice.")]}


def decision(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
             rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)
    t = decision_timeline(store, plan, events, event)
    no_appeal = {"amend": "You cannot appeal yet. You can appeal once we send the final amended plan.",
                 "cease": "You cannot appeal yet, because we have not decided. If we decide to stop the plan, "
                          "we will tell you how to appeal and by when."}
    ctx.update(meeting_date=long_date(event.get("meeting")), decision=event["decision"],
               reason=event.get("reason") or "", timeline=t["timeline"],
               appealable=event["decision"] in APPEALABLE_REVIEW_DECISIONS,
               no_appeal_words=no_appeal.get(event["decision"], ""), changes_sent=t.get("changes_sent", "send you"))
    out = out_path(folder, plan["id"], event["date"], f"decision-{event['decision']}")
    expect = [plan["child"]["name"], store.config.la["sendiass"]["phone"]]
    if ctx["appealable"]:
        expect += [ctx["appeal_deadline"], store.config.la["mediation"]["phone"]]
    letters = family_letters(store, plan, template, ctx, out, f"Review decision {plan['id']}", rev, expect,
                             [_setting_copy(plan)])
    return letters + what_happens_next(store, plan, events, event, "what-happens-next", folder, rev)


def what_happens_next(store: Store, plan: dict, events: list[dict], event: dict | None, template: str, folder: Path,
                      rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"]) if event else date.fromisoformat(plan["issued"])
    t = decision_timeline(store, plan, events, event)
    opts = caseload.options(store)
    ctx = base_context(store, plan, when, rev)
    ctx.update(intro=t["intro"], timeline=t["timeline"], concern_days=opts.concern_response_working_days,
               outcomes=[{"id": o["id"], "description": o["description"], "measured_how": o["measured_how"],
                          "measured_by": o["measured_by"], "by_when": long_date(o["by_when"])}
                         for o in planmod.outcomes(plan)] if t["outcomes"] else [])
    out = out_path(folder, plan["id"], when.isoformat(), "what-happens-next")
    return family_letters(store, plan, template, ctx, out, f"What happens next {plan['id']}", rev,
                          [plan["child"]["name"]])
