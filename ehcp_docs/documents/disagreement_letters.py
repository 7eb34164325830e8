"""The letters of a disagreement (rules sections 8, 13, 14): the acknowledgement of a mediation request with the
dates the LA commits to, the letter saying the LA will not oppose an appeal and what it will do by when (reg 45),
and the covering letter of a plan issued to carry out a Tribunal order (reg 44). Their templates are made by
scripts/build_disagreement_letters.py."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ehcp_docs.documents.letter_context import base_context, deadlines_for, family_letters, out_path
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.statutory import appeal_time
from ehcp_docs.statutory import disagreement as rules
from ehcp_docs.statutory.journal import Journal
from ehcp_docs.store import Store

STEP_WORDS = {
    "mediation_arranged": "Arrange the mediation meeting",
    "mediation_health_notice": "Tell the health service (Integrated Care Board), because health is part of it",
    "assess_notice": "Tell you that we will assess (or re-assess) the needs",
    "assess_final_plan": "Issue the final plan after the assessment (or, by an earlier date, tell you if we decide "
                         "not to)",
    "draft_plan": "Send you the draft plan", "final_plan": "Issue the final plan",
    "amend": "Issue the amended plan", "section_i": "Issue the plan with the new school or college named",
    "continue_amend": "Keep the plan and make the agreed changes",
}


ORDER_WORDS = {"cease": "the plan stops", "assess": "we must assess (or re-assess) the needs",
               "make-plan": "we must make a plan", "amend": "we must change Section B and/or Section F",
               "section-i": "we must change the school or college named in Section I",
               "continue": "we must keep the plan", "dismissed": "nothing changes"}
CONCEDE_WORDS = {"assess": "assess (or re-assess) the needs", "amend": "change the plan as you asked",
                 "section-i": "name the school or college you asked for",
                 "amend-and-i": "change the plan and name the school or college you asked for",
                 "make-plan": "make a plan", "cease": "keep the plan, with the changes we agreed"}


def _words(step: str) -> str:
    for prefix in rules.COMPLIANCE_PREFIXES:
        if step.startswith(prefix):
            step = step[len(prefix):]
    return STEP_WORDS.get(step, step.replace("_", " ").capitalize())


def _dates(due: list[dict]) -> list[dict[str, str]]:
    return [{"what": _words(d["step"]), "by": long_date(d["due"])} for d in due]


def mediation_acknowledgement(store: Store, plan: dict, events: list[dict], event: dict, template: str,
                              folder: Path, rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"])
    j = Journal([e for e in events if e["seq"] <= event["seq"]], date.max)
    decision = next((e for e in j.events if e.seq == event.get("decision")), None)
    ctx = base_context(store, plan, when, rev)
    ctx.update(decision_words=rules.APPEALABLE_DECISIONS.get(str(event.get("against")), "our decision"),
               decision_date=long_date(event.get("decision_date")), dates=_dates(event.get("due") or []))
    if decision is not None:  # the decision's own deadline and why (rules 3.2), said of the decision letter
        a = appeal_time(decision, j)
        ctx.update(appeal_deadline=long_date(a.deadline.isoformat()),
                   appeal_deadline_reason=a.reason.replace("this letter", "our decision letter"))
    out = out_path(folder, plan["id"], event["date"], template)
    return family_letters(store, plan, template, ctx, out, f"Mediation acknowledgement {plan['id']}", rev,
                          [plan["child"]["name"], ctx["appeal_deadline"], *[d["by"] for d in ctx["dates"]]])


def appeal_conceded(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                    rev: str) -> list[Path]:
    when = date.fromisoformat(event["date"])
    appeal = next((e for e in events if e["seq"] == event.get("appeal")), {})
    ctx = base_context(store, plan, when, rev)
    ctx.update(kind_words=CONCEDE_WORDS.get(str(event.get("kind")), ""),
               appeal_reference=appeal.get("reference") or "not given", dates=_dates(event.get("due") or []))
    out = out_path(folder, plan["id"], event["date"], template)
    return family_letters(store, plan, template, ctx, out, f"Appeal not opposed {plan['id']}", rev,
                          [plan["child"]["name"], *[d["by"] for d in ctx["dates"]]])


# what the plan carries out: the Tribunal's order (reg 44), what the LA told the Tribunal it would do when it did
# not oppose the appeal (reg 45), or what was agreed at mediation (reg 42)
SOURCE_WORDS = {"tribunal-order": ("as the Tribunal ordered", "that the Tribunal ordered on {date}", "the Tribunal"),
                "appeal-conceded": ("as we told the Tribunal", "that we told the Tribunal we would make, on {date}, "
                                    "when we did not oppose your appeal", "we"),
                "mediation-held": ("as agreed at mediation", "that we agreed at mediation on {date}",
                                   "the mediation agreement")}


def order_words(order: dict) -> dict[str, str]:
    """The words letters use for what a plan carries out (SOURCE_WORDS, the Tribunal's order when unknown)."""
    as_words, source, who = SOURCE_WORDS.get(str(order.get("event")), SOURCE_WORDS["tribunal-order"])
    return {"as_words": as_words, "source_words": source.format(date=long_date(order.get("date"))),
            "who_decided": who}


def ordered_by(events: list[dict], event: dict) -> dict[str, str] | None:
    """For a notice or plan that carries out a Tribunal order, an unopposed appeal or a mediation agreement (its
    `order` names that event): the words letters use for it; None for any other amendment."""
    if event.get("context") != "tribunal-order" and not event.get("order"):
        return None
    order: dict | None = next((e for e in events if e["seq"] == event.get("order")), None)
    return order_words(order or {})


def order_compliance(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                     rev: str) -> list[Path]:
    """Made from the `amended-plan-issued` that carried out an order (its `order` names the order's seq). The plan
    it comes with is a final amended plan: the letter carries the appeal rights of rules section 8."""
    when = date.fromisoformat(event["date"])
    order = next((e for e in events if e["seq"] == event.get("order")), None) or {}
    d = deadlines_for(store, plan, [e for e in events if e["seq"] <= event["seq"]], when)
    step = next((s for s in d.compliance if s.ref == order.get("seq") and s.done == when), None)
    words = (ORDER_WORDS.get(str(order.get("order"))) if order.get("event") == "tribunal-order"
             else CONCEDE_WORDS.get(str(order.get("kind"))) if order.get("event") == "appeal-conceded"
             else "the steps agreed at mediation") or "the Tribunal's order"
    late = bool(step and step.done and step.done > step.due)
    ctx = base_context(store, plan, when, rev)
    ctx.update(issued_date=long_date(event["date"]), order_date=long_date(order.get("date")), order_words=words,
               **order_words(order),
               sections_text=", ".join(f"Section {s}" for s in event.get("sections") or []) or "none",
               due_date=long_date(step.due.isoformat()) if step else "not recorded",
               on_time_words="on time" if step and not late and step.done else
               f"{(step.done - step.due).days} days late" if step and step.done else "no deadline recorded",
               late=late,
               next_review_due=long_date(d.next_review_due.isoformat()) if d.next_review_due else "not applicable",
               setting_name=plan["sections"]["I"].get("name") or "the setting")
    out = out_path(folder, plan["id"], event["date"], template)
    return family_letters(store, plan, template, ctx, out, f"Plan issued as ordered {plan['id']}", rev,
                          [plan["child"]["name"], ctx["due_date"], ctx["appeal_deadline"]],
                          [f"{ctx['setting_name']} (head teacher or principal)",
                           str(store.config.la["health"].get("name") or "the Integrated Care Board")])
