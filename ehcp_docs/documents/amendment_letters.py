"""The documents of amending a plan (reg 22), re-assessment (regs 24-27) and ceasing (reg 31): the notice pack (the
notice letter, the schedule of proposed amendments, the plan in force and the proposed plan with tracked changes),
the final amended plan and its letter, the decision not to amend, the re-assessment decision, the cease
consultation and the cease notice."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.documents.disagreement_letters import ordered_by
from ehcp_docs.documents.letter_context import (
    base_context,
    deadlines_for,
    family_letters,
    meta,
    out_path,
    render_letter,
    voice,
)
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.documents.plan_document import plan_document
from ehcp_docs.documents.review_letters import what_happens_next
from ehcp_docs.documents.saving import save_docx
from ehcp_docs.errors import EhcpError, NotFound
from ehcp_docs.model import diffing
from ehcp_docs.statutory.disagreement import cease_effective
from ehcp_docs.statutory.journal import Journal
from ehcp_docs.store import Store

CONTEXT_WORDS = {"review": "This follows our decision after the annual review.",
                 "outside-review": "This is an amendment outside the annual review, because circumstances have "
                                   "changed.",
                 "reassessment": "This follows the re-assessment of needs."}


def amendment_notice(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                      rev: str) -> list[Path]:
    """The reg 22(2) pack: the notice, the schedule of proposed amendments, the plan in force, and the proposed
    plan with tracked changes. The plan in force and proposal are read as they stood at the notice's commit."""
    from ehcp_docs.documents import schedule, template_blocks
    from ehcp_docs.model import diffing

    proposal = store.proposal(plan["id"], rev)
    if proposal is None:
        raise NotFound(f"plan {plan['id']} has no proposal at {rev[:10]}: give --at the notice's commit")
    changes = diffing.for_notice(diffing.diff_plans(plan, proposal))
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)
    ordered = ordered_by(events, event)
    reps, final = _notice_dates(deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], when),
                                event)
    timeline = [{"when": long_date(reps),
                 "what": "the last day to send us your views.",
                 "you_can": "tell us what you think, ask to meet us, or ask for a school or college."},
                {"when": long_date(final),
                 "what": "the last day for us to send you the final amended plan, or tell you we will "
                         "not change the plan.",
                 "you_can": "appeal, once you have the final plan. It will tell you how and by when."}]
    if ordered:  # regs 42, 44, 45: the order's own time limit; no reg 22 period of 15 days for views
        timeline = [{"when": long_date(final),
                     "what": f"the last day for us to send you the final amended plan, {ordered['as_words']}.",
                     "you_can": "appeal, once you have the final plan. It will tell you how and by when."}]
    ctx.update(context_words=(f"This makes the changes {ordered['source_words']}." if ordered else
                              CONTEXT_WORDS.get(event.get("context", ""), "")), reason=event.get("reason") or "",
               ordered=bool(ordered), who_decided=ordered["who_decided"] if ordered else "",
               evidence=evidence_lines(event),
               no_evidence=event.get("no_evidence") or "",
               representations_due=long_date(reps), final_plan_due=long_date(final), timeline=timeline)
    pid = plan["id"]
    made = family_letters(store, plan, template, ctx, out_path(folder, pid, event["date"], "amendment-notice"),
                          f"Proposed amendments notice {pid}", rev,
                          [plan["child"]["name"], ctx["final_plan_due" if ordered else "representations_due"]])
    doc = template_blocks.base_document()
    template_blocks.add_footer(doc, f"{store.config.la['name']} \u00b7 Our reference {pid}")
    template_blocks.heading(doc, f"Schedule of proposed amendments: {plan['child']['name']} ({pid})", 1)
    template_blocks.para(doc, f"{store.config.la['name']}, {long_date(event['date'])}")
    taken_up = [f"suggested by the {c['role']} on {long_date(c['date'])}: {c['text']}"
                for c in event.get("contributions") or []]
    overall = "; ".join(x for x in [event.get("reason") or ""] + taken_up if x) or None
    schedule.add_schedule(doc, changes, reasons=event.get("reasons") or {}, overall_reason=overall,
                          evidence=evidence_lines(event) or [f"No new evidence was used: {event['no_evidence']}"
                                                             if event.get("no_evidence") else ""])
    sched = out_path(folder, pid, event["date"], "schedule-of-amendments")
    made.append(save_docx(doc, sched, meta(store, f"Schedule of proposed amendments {pid}", rev, plan, "proposed.yaml"),
                          expect=[pid]))
    made += plan_document(store, plan, events, None, "plan", folder, rev,
                  out=out_path(folder, pid, event["date"], "plan-in-force"))
    made += proposed_plans(store, plan, proposal, events, event, folder, rev)
    return made


def _notice_dates(d: statutory.Deadlines, event: dict) -> tuple[str | None, str | None]:
    """The family's last day for views and the last day for the final plan, as the calendar has them on the
    notice's day (reg 22; for a plan carrying out an order, the order's last compliance date): the dates recorded
    on the notice only where the calendar has none."""
    steps = {s.name: s for s in d.steps if s.ref == event["seq"]}
    reps = steps["representations"].due.isoformat() if "representations" in steps else None
    final = steps["final_plan"].due.isoformat() if "final_plan" in steps else None
    ordered = [s.due for s in d.compliance if s.ref == event.get("order")]
    if ordered:  # no reg 22 period of views: the order's time limit
        return None, max(ordered).isoformat()
    return reps or event.get("representations_due"), final or event.get("final_plan_due")


def proposed_plans(store: Store, plan: dict, proposal: dict, events: list[dict], event: dict, folder: Path,
                   rev: str) -> list[Path]:
    """The proposed plan in the issued plan's own template and layout: once with the changes as Word tracked
    changes (w:ins / w:del inside its paragraphs and table cells), once as a clean copy."""
    from ehcp_docs.documents import render, tracked
    from ehcp_docs.documents.plan_context import TEMPLATE_FOR_LAYOUT, Layout, plan_context

    pid = plan["id"]
    d = deadlines_for(store, plan, events, date.fromisoformat(event["date"]))
    due = d.next_review_due.isoformat() if d.next_review_due else None
    layout: Layout = "areas" if store.config.plan_layout == "areas" else "classic"
    template = render.find_template(TEMPLATE_FOR_LAYOUT[layout], store.root)
    changes = diffing.for_notice(diffing.diff_plans(plan, proposal))
    old = plan_context(plan, la=store.config.la, layout=layout, next_review_due=due)
    new = plan_context(proposal, la=store.config.la, layout=layout, next_review_due=due, proposed=True,
                       amended_items=diffing.amended_items(changes), item_notes=diffing.item_notes(changes))
    author = store.config.la["name"]

    def revisions(doc: Any) -> None:
        tracked.apply_revisions(doc, author, event["date"])
        tracked.track_further_edits(doc)

    info = meta(store, f"Proposed amended EHC plan {pid}", rev, plan, "proposed.yaml")
    marked = tracked.merge_contexts(old, new)
    return [render.render_document(template, marked, out_path(folder, pid, event["date"], "proposed-plan-tracked"),
                                   info, expect=[pid], transform=revisions),
            render.render_document(template, new, out_path(folder, pid, event["date"], "proposed-plan"),
                                   replace(info, title=f"Proposed EHC plan (clean copy) {pid}"), expect=[pid])]


def amended_plan(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                  rev: str) -> list[Path]:
    from ehcp_docs.documents.plan_context import TEMPLATE_FOR_LAYOUT, Layout, expected_strings, plan_context

    when = date.fromisoformat(event["date"])
    d = deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], when)
    marks = set(event.get("amended") or []) | {s for s in event.get("sections") or [] if s in ("A", "I", "J")}
    before = plan_before(store, plan["id"], event)
    notes = diffing.item_notes(diffing.for_notice(diffing.diff_plans(before, plan))) if before else {}
    layout: Layout = "areas" if store.config.plan_layout == "areas" else "classic"
    pctx = plan_context(plan, la=store.config.la, layout=layout, amended_items=frozenset(marks),
                        item_notes=notes,
                        next_review_due=d.next_review_due.isoformat() if d.next_review_due else None)
    pctx["source_commit"] = rev[:10]
    pid = plan["id"]
    made = [render_letter(store, plan, TEMPLATE_FOR_LAYOUT[layout], pctx,
                          out_path(folder, pid, event["date"], "final-amended-plan"), f"Amended EHC plan {pid}", rev,
                          expected_strings(plan))]
    ctx = base_context(store, plan, when, rev)
    sections = event.get("sections") or []
    ordered = ordered_by(events, event)
    ctx.update(issued_date=long_date(event["date"]),
               ordered_words=f"This plan makes the changes {ordered['source_words']}." if ordered else "",
               sections_text=", ".join(f"Section {s}" for s in sections) or "none",
               representations=representation_answers(events, event),
               next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable")
    setting = plan["sections"]["I"].get("name")
    made += family_letters(store, plan, template, ctx, out_path(folder, pid, event["date"], "amended-plan-letter"),
                           f"Amended plan letter {pid}", rev, [plan["child"]["name"], ctx["appeal_deadline"]],
                           [f"{setting} (head teacher or principal)" if setting else "",
                            str(store.config.la["health"].get("name") or "the Integrated Care Board")])
    return made + what_happens_next(store, plan, events, event, "what-happens-next", folder, rev)


def plan_before(store: Store, pid: str, issued: dict) -> dict | None:
    """The plan as it stood before the commit that issued `issued` (an amended-plan-issued event), so the issued
    plan can say what each amendment did; None where the history does not show it."""
    history = store.plan_history(pid)
    for newer, older in zip(history, history[1:], strict=False):
        if newer.date == issued["date"] and any(e.startswith(issued["event"]) for e in newer.events):
            try:
                return store.plan(pid, older.commit)
            except EhcpError:
                return None
    return None


ANSWER_WORDS = {"accepted": "we agree", "accepted-in-part": "we agree in part", "not-accepted": "we do not agree"}


def representation_answers(events: list[dict], issued: dict) -> list[dict[str, str]]:
    """Each representation the family made on the notice, with the answer `amend issue` recorded for it."""
    answers = {str(a["representation"]): a for a in issued.get("answers") or []}
    out = []
    for e in events:
        if e["event"] != "representations" or e.get("notice") != issued.get("notice"):
            continue
        a = answers.get(str(e["seq"])) or {}
        out.append({"date": long_date(e["date"]), "text": e.get("text", ""),
                    "answer": ANSWER_WORDS.get(a.get("answer", ""), "we have considered this"),
                    "why": a.get("why") or ""})
    return out


def evidence_lines(event: dict) -> list[str]:
    """Evidence by title, author and date ("Speech and language therapy report, A Therapist, 3 March 2026"),
    never by file name; older notices without titles fall back to the name the file was given."""
    meta_rows = event.get("evidence_meta") or []
    if meta_rows:
        return [", ".join(x for x in (m.get("title"), m.get("author"), long_date(m.get("dated"))) if x)
                for m in meta_rows]
    return [str(n) for n in event.get("evidence_names") or [Path(e).name for e in event.get("evidence") or []]]


def _simple_letter(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                   rev: str, extra: dict, expect: list[str], name: str | None = None) -> list[Path]:
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)  # the appeal deadline as the calendar works it out, not as recorded
    ctx.update(extra)
    out = out_path(folder, plan["id"], event["date"], name or template)
    title = f"{(name or template).replace('-', ' ').capitalize()} {plan['id']}"
    setting = plan["sections"]["I"].get("name")
    return family_letters(store, plan, template, ctx, out, title, rev, [plan["child"]["name"], *expect],
                          [f"{setting} (head teacher or principal)" if setting else ""])


def amendment_withdrawn(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                        rev: str) -> list[Path]:
    notice = next((e for e in events if e["seq"] == event.get("notice")), None)
    v = voice(plan, date.fromisoformat(event["date"]))
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"reason": event["reason"], "appeal_against": f"not to change {v['poss']} EHC plan",
                           "notice_date": long_date(notice["date"]) if notice else "earlier"},
                          [])


def reassessment_decision(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                          rev: str) -> list[Path]:
    req = next((e for e in events if e["seq"] == event.get("request")), None)
    when = date.fromisoformat(event["date"])
    v = voice(plan, when)
    final = event.get("final_plan_due")
    d = deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], when)
    transfer = (d.pending("phase_transfer") or d.pending("phase_transfer_post16")
                or d.pending("phase_transfer_post16_other"))
    note = ""
    if transfer and final and date.fromisoformat(final) > transfer:
        note = (f"the final date for the re-assessment, {long_date(final)}, is after {long_date(transfer.isoformat())}"
                f", the date by which {v['poss']} plan must name the next school or college. We will make sure "
                "the plan names it in time, through a review if we need to.")
    timeline = [{"when": "Now", "what": "we ask for advice from education, health, social care and an educational "
                                        "psychologist.", "you_can": "send us your own views and any reports."},
                {"when": "Then", "what": "we send you a draft plan.",
                 "you_can": "tell us what you think within 15 days, and ask for a school or college."},
                {"when": long_date(final), "what": "the last day for us to issue the final plan.",
                 "you_can": "appeal about the final plan. It will tell you how and by when."}]
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"decision": event["decision"], "reason": event.get("reason") or "",
                           "request_date": long_date(req["date"]) if req else "an earlier date",
                           "final_plan_due": long_date(final), "timeline": timeline, "transfer_note": note,
                           "appeal_against": f"not to assess {v['poss']} needs again"}, [])


def cease_consultation(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                       rev: str) -> list[Path]:
    from ehcp_docs.documents.review_letters import decision_timeline

    views_by = statutory.due("cease_views", date.fromisoformat(event["date"]))
    t = decision_timeline(store, plan, events, {**event, "event": "review-decision", "decision": "cease",
                                                "seq": event["seq"] - 1})
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"reason": event.get("reason") or "", "views_by": long_date(views_by.isoformat()),
                           "timeline": t["timeline"],
                           "setting_name": plan["sections"]["I"].get("name") or "the school or college"}, [])


def cease_notice(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                 rev: str) -> list[Path]:
    v = voice(plan, date.fromisoformat(event["date"]))
    proposed = next((e for e in reversed(events) if e["event"] == "cease-proposed" and e["seq"] < event["seq"]),
                    None)
    views_by = statutory.due("cease_views", date.fromisoformat(proposed["date"])) if proposed else None
    j = Journal([e for e in events if e["seq"] <= event["seq"]], date.max)
    dec = next((e for e in j.events if e.seq == event["seq"]), None)
    effective = cease_effective(j, dec) if dec is not None and event.get("decision") == "cease" else None
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"decision": event["decision"], "reason": event.get("reason") or "",
                           "views": list(event.get("views") or []),
                           "views_by": long_date(views_by.isoformat()) if views_by else "the date we asked",
                           "cease_from": long_date(effective.isoformat() if effective else event.get("effective")),
                           "support_after": event.get("support") or "Your caseworker will write to you about the "
                                                                     "help that follows, and who gives it.",
                           "appeal_against": f"to stop {v['poss']} EHC plan"}, [])


REQUEST_WORDS = {"early-review-decision": ("an early review of the plan",
                                           "We will hold an early review. We will write to you with the date."),
                 "personal-budget-decision": ("a personal budget",
                                              "We will work out the budget with you, and add it to Section J.")}
# what the family can do once a request is agreed, until the review is held or the budget is set
AGREED_STEPS = {"early-review-decision": "tell us anything you want the review to look at, before the meeting.",
                "personal-budget-decision": "tell us how you would like to use the budget, before we agree it "
                                            "with you."}


def request_decision(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                     rev: str) -> list[Path]:
    """The answer to an early review request or a personal budget request: the decision, the reasons and what
    the family can do next (no Tribunal appeal lies against either; rules sections 4.1 and 9)."""
    req = next((e for e in events if e["seq"] == event.get("request")), None)
    asked, agreed = REQUEST_WORDS[event["event"]]
    who = {"parent": "you", "young-person": "you", "setting": "the school or college"}.get(
        (req or {}).get("by", ""), "you")
    steps = (["tell us if things change: you can ask again at any time;",
              "raise a concern or make a complaint if you are unhappy with how we decided;",
              "ask for mediation or disagreement resolution: " + str(store.config.la["mediation"]["name"]) + "."]
             if event["decision"] != "agree" else [AGREED_STEPS[event["event"]]])
    if event["event"] == "personal-budget-decision" and event["decision"] != "agree":
        steps.insert(0, "ask us to think again: there is no appeal to the Tribunal about a personal budget;")
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"request_date": long_date(req["date"]) if req else "an earlier date",
                           "requested_by": who, "request_words": asked, "agreed": event["decision"] == "agree",
                           "agreed_words": agreed, "reason": event.get("reason") or "",
                           "next_steps": steps}, [],
                          name="early-review-decision" if event["event"] == "early-review-decision"
                          else "budget-decision")
