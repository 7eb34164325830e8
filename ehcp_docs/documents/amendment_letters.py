"""The documents of amending a plan (reg 22), re-assessment (regs 24-27) and ceasing (reg 31): the notice pack (the
notice letter, the schedule of proposed amendments, the plan in force and the proposed plan with tracked changes),
the final amended plan and its letter, the decision not to amend, the re-assessment decision, the cease
consultation and the cease notice."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ehcp_docs import statutory
from ehcp_docs.documents.letter_context import base_context, deadlines_for, meta, out_path, render_letter
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.documents.plan_document import plan_document
from ehcp_docs.documents.review_letters import what_happens_next
from ehcp_docs.documents.saving import save_docx
from ehcp_docs.errors import NotFound
from ehcp_docs.store import Store

CONTEXT_WORDS = {"review": "This follows our decision after the annual review.",
                 "outside-review": "This is an amendment outside the annual review, because circumstances have "
                                   "changed.",
                 "reassessment": "This follows the re-assessment of needs."}


def amendment_notice(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                      rev: str) -> list[Path]:
    """The reg 22(2) pack: the notice, the schedule of proposed amendments, the plan in force, and the proposed
    plan with tracked changes. The plan in force and proposal are read as they stood at the notice's commit."""
    from ehcp_docs.documents import schedule, template_blocks, tracked
    from ehcp_docs.model import diffing

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
    made = [render_letter(store, plan, template, ctx, out_path(folder, pid, event["date"], "amendment-notice"),
                    f"Proposed amendments notice {pid}", rev, [plan["child"]["name"], ctx["representations_due"]])]
    doc = template_blocks.base_document()
    template_blocks.heading(doc, f"Schedule of proposed amendments: {plan['child']['name']} ({pid})", 1)
    taken_up = [f"suggested by the {c['role']} on {long_date(c['date'])}: {c['text']}"
                for c in event.get("contributions") or []]
    overall = "; ".join(x for x in [event.get("reason") or ""] + taken_up if x) or None
    schedule.add_schedule(doc, changes, reasons=event.get("reasons") or {}, overall_reason=overall,
                          evidence=event.get("evidence_names") or [Path(e).name for e in event.get("evidence") or []])
    sched = out_path(folder, pid, event["date"], "schedule-of-amendments")
    made.append(save_docx(doc, sched, meta(store, f"Schedule of proposed amendments {pid}", rev, plan, "proposed.yaml"),
                          expect=[pid]))
    made += plan_document(store, plan, events, None, "plan", folder, rev,
                  out=out_path(folder, pid, event["date"], "plan-in-force"))
    made.append(tracked.tracked_changes_document(
        changes, plan, proposal, out_path(folder, pid, event["date"], "proposed-plan-tracked"),
        meta=meta(store, f"Proposed amended EHC plan {pid}", rev, plan, "proposed.yaml"), date=event["date"]))
    return made


def amended_plan(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                  rev: str) -> list[Path]:
    from ehcp_docs.documents.plan_context import expected_strings, plan_context

    when = date.fromisoformat(event["date"])
    d = deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], when)
    marks = set(event.get("amended") or []) | {s for s in event.get("sections") or [] if s in ("A", "I", "J")}
    pctx = plan_context(plan, la=store.config.la, layout="classic", amended_items=frozenset(marks),
                        next_review_due=d.next_review_due.isoformat() if d.next_review_due else None)
    pctx["source_commit"] = rev[:10]
    pid = plan["id"]
    made = [render_letter(store, plan, "plan", pctx, out_path(folder, pid, event["date"], "final-amended-plan"),
                    f"Amended EHC plan {pid}", rev, expected_strings(plan))]
    ctx = base_context(store, plan, when, rev)
    sections = event.get("sections") or []
    ctx.update(issued_date=long_date(event["date"]),
               sections_text=", ".join(f"Section {s}" for s in sections) or "none",
               representations=any(e["event"] == "representations" and e.get("notice") == event.get("notice")
                                   for e in events),
               next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable",
               setting_name=plan["sections"]["I"].get("name") or "the setting")
    made.append(render_letter(store, plan, template, ctx, out_path(folder, pid, event["date"], "amended-plan-letter"),
                        f"Amended plan letter {pid}", rev, [plan["child"]["name"], ctx["appeal_deadline"]]))
    return made + what_happens_next(store, plan, events, event, "what-happens-next", folder, rev)


def _simple_letter(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                   rev: str, extra: dict, expect: list[str]) -> list[Path]:
    when = date.fromisoformat(event["date"])
    ctx = base_context(store, plan, when, rev)  # the appeal deadline as the calendar works it out, not as recorded
    ctx.update(extra)
    out = out_path(folder, plan["id"], event["date"], template)
    title = f"{template.replace('-', ' ').capitalize()} {plan['id']}"
    return [render_letter(store, plan, template, ctx, out, title, rev,
                    [plan["child"]["name"], ctx["addressee"]["name"], *expect])]


def amendment_withdrawn(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                         rev: str) -> list[Path]:
    notice = next((e for e in events if e["seq"] == event.get("notice")), None)
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"reason": event["reason"],
                           "notice_date": long_date(notice["date"]) if notice else "earlier"},
                          [])


def reassessment_decision(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                           rev: str) -> list[Path]:
    req = next((e for e in events if e["seq"] == event.get("request")), None)
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"decision": event["decision"], "reason": event.get("reason") or "",
                           "request_date": long_date(req["date"]) if req else "",
                           "final_plan_due": long_date(event.get("final_plan_due"))}, [])


def cease_consultation(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                        rev: str) -> list[Path]:
    views_by = statutory.due("cease_views", date.fromisoformat(event["date"]))
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"reason": event.get("reason") or "", "views_by": long_date(views_by.isoformat()),
                           "setting_name": plan["sections"]["I"].get("name") or "the setting"}, [])


def cease_notice(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                  rev: str) -> list[Path]:
    return _simple_letter(store, plan, events, event, template, folder, rev,
                          {"decision": event["decision"], "reason": event.get("reason") or ""}, [])
