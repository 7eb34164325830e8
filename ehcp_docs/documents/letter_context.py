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
def _first_name(child: dict) -> str:
    return str(child.get("known_as") or child["name"].split()[0])


def speaks_to_young_person(plan: dict, on: date) -> bool:
    """True when the young person is the decision maker (over compulsory school age, with capacity): then every
    letter speaks to them as "you" (rules section 8), and a parent gets a copy of that letter."""
    dob = date.fromisoformat(plan["child"]["date_of_birth"])
    return statutory.decision_maker(dob, on, bool(plan["child"].get("lacks_capacity"))) == "young-person"


def voice(plan: dict, on: date) -> dict[str, Any]:
    """How a letter names the child: "you" / "your" to a young person who decides, the first name otherwise.
    Templates write `{{ child.poss }} plan`, `{{ child.subj }} can`, `{{ child.obj }}`, so one template speaks
    either way; `you` tells a template which."""
    if speaks_to_young_person(plan, on):
        return {"you": True, "subj": "you", "subj_cap": "You", "obj": "you", "poss": "your", "poss_cap": "Your",
                "is": "you are", "has": "you have"}
    return third_person(plan)


def third_person(plan: dict) -> dict[str, Any]:
    """The child or young person by first name: in a letter to a professional (an advice request), a young
    person who decides is still "Rhys", never "you"."""
    first = _first_name(plan["child"])
    poss = f"{first}’s"
    return {"you": False, "subj": first, "subj_cap": first, "obj": first, "poss": poss, "poss_cap": poss,
            "is": f"{first} is", "has": f"{first} has"}


def family_addressees(plan: dict, on: date) -> list[dict[str, Any]]:
    """Everyone in the family a letter goes to, the decision maker first. For a child: every person with
    parental responsibility recorded in the plan gets a letter addressed to them, unless the plan records that
    they must not be written to (`no_letters`, e.g. a court order). For a young person who decides: the letter
    is theirs, and each parent recorded gets a copy of it (marked `copy`)."""
    child = plan["child"]
    parents = [p for p in plan.get("parents") or [] if not str(p.get("no_letters") or "").strip()]
    people = [{"name": p["name"], "address": p.get("address", ""), "role": "parent", "copy": False}
              for p in parents]
    if speaks_to_young_person(plan, on):
        yp = {"name": child["name"], "address": child.get("address", ""), "role": "young-person", "copy": False}
        return [yp] + [{**p, "copy": True} for p in people]
    if not people and not (plan.get("parents") or []):
        return [{"name": "The parent or carer of " + child["name"], "address": child.get("address", ""),
                 "role": "parent", "copy": False}]
    return people


def decision_maker_addressee(plan: dict, on: date) -> dict[str, Any]:
    return family_addressees(plan, on)[0] if family_addressees(plan, on) else {
        "name": "The parent or carer of " + plan["child"]["name"], "address": "", "role": "parent", "copy": False}


def copies_block(everyone: list[dict], addressee: dict, others: list[str]) -> list[str]:
    """The "Copies to" lines of one letter: the other family recipients, then the professionals it goes to."""
    family = [p["name"] + (" (copy)" if p.get("copy") else "") for p in everyone if p is not addressee]
    return family + [o for o in others if o]


def base_context(store: Store, plan: dict, when: date, rev: str, addressee: dict | None = None) -> dict[str, Any]:
    child = plan["child"]
    cw = {**store.config.caseworker, **(plan.get("caseworker") or {})}
    dm = decision_maker_addressee(plan, when)
    return {
        "la": store.config.la, "caseworker": cw, "letter_date": long_date(when.isoformat()),
        "reference": plan["id"],
        "addressee": addressee or dm, "decision_maker": dm,
        "copy_of": "", "copies": [],
        "child": {"name": child["name"], "first_name": _first_name(child),
                  "dob": long_date(child["date_of_birth"]), **voice(plan, when)},
        **appeal_context(when),
        "letter_iso": when.isoformat(),
    }


def appeal_context(when: date) -> dict[str, str]:
    """The printed appeal deadline of a decision sent on `when`, and the one plain sentence saying what it counts
    from and, when the Tribunal's rules moved it, why (rules 3.2, 8)."""
    a = statutory.appeal_time_on(when)
    return {"appeal_deadline": long_date(a.deadline.isoformat()), "appeal_deadline_reason": a.reason}


def family_letters(store: Store, plan: dict, template: str, ctx: dict, out: Path, title: str, rev: str,
                   expect: list[str], others: list[str] = ()) -> list[Path]:  # type: ignore[assignment]
    """One letter per family recipient (family_addressees), each with its "Copies to" block: the first keeps
    `out`'s name, the others get "-copy-2", "-copy-3" (file names never carry a person's name)."""
    when = _letter_day(ctx)
    everyone = family_addressees(plan, when)
    made = []
    for n, person in enumerate(everyone, 1):
        one = {**ctx, "addressee": person, "copies": copies_block(everyone, person, list(others)),
               "copy_of": everyone[0]["name"] if person.get("copy") else ""}
        path = out if n == 1 else out.with_name(f"{out.stem}-copy-{n}{out.suffix}")
        made.append(render_letter(store, plan, template, one, path, title, rev, [*expect, person["name"]]))
    return made


def _letter_day(ctx: dict) -> date:
    return date.fromisoformat(ctx["letter_iso"]) if ctx.get("letter_iso") else date.today()


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
