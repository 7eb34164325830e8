"""What every letter is made from: the addressee (the decision maker), the LA's and caseworker's details, dates
in words, where the file goes, and the call that renders it through the one save pipeline."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.casework import caseload
from ehcp_docs.documents import render
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.documents.saving import Meta, Provenance
from ehcp_docs.store import Store

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
        **appeal_context(when),
    }


def appeal_context(when: date) -> dict[str, str]:
    """The printed appeal deadline of a decision sent on `when`, and the one plain sentence saying what it counts
    from and, when the Tribunal's rules moved it, why (rules 3.2, 8)."""
    a = statutory.appeal_time_on(when)
    return {"appeal_deadline": long_date(a.deadline.isoformat()), "appeal_deadline_reason": a.reason}


def deadlines_for(store: Store, plan: dict, events: list[dict], on: date) -> statutory.Deadlines:
    return statutory.deadlines(plan, events, on, caseload.options(store))


def out_path(folder: Path, pid: str, when: str, kind: str, suffix: str = "") -> Path:
    return folder / pid / f"{when}-{kind}{('-' + suffix) if suffix else ''}.docx"


def meta(store: Store, title: str, rev: str, plan: dict | None = None, version: str = "plan.yaml") -> Meta:
    """The properties of a document made from the store at `rev`: the LA as author, and the provenance (the store
    commit, and for a document about one plan, its id and the blob id of the plan version shown: `version` is
    plan.yaml, or proposed.yaml for the proposal)."""
    pid = str(plan.get("id", "")) if plan else ""
    blob = store.blob_id(f"plans/{pid}/{version}", rev) if pid else None
    return Meta(title=title, author=store.config.la["name"],
                provenance=Provenance(store_commit=rev, plan=pid, plan_blob=blob or ""))


def render_letter(store: Store, plan: dict, template: str, ctx: dict, out: Path, title: str, rev: str,
                  expect: list[str]) -> Path:
    """A letter (or the plan itself) about `plan`, from its template, through the one save pipeline."""
    return render.render_document(render.find_template(template, store.root), ctx, out, meta(store, title, rev, plan),
                                  expect=expect)
