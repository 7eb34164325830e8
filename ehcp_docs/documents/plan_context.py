"""Turns a plan (plain dict, valid against schema/plan.schema.json) into the context the plan templates read.

Pure and without I/O, so the same function feeds the classic A-K layout and the area-of-need layout (rules
section 2) and can be tested without Word. Everything a template prints is prepared here as text (human dates,
area names, "Needs B1, B2" lists), so templates contain no logic beyond `if` and `for`.

Context shape (templates/plan.docx and templates/plan-areas.docx):
    layout                  "classic" | "areas"
    la                      the LA mapping (config.Config.la): la.name is printed on the front page
    plan_id, issued, first_issued, next_review_due ("" when unknown), all dates "10 January 2027"
    child.name, child.known_as ("" if none), child.date_of_birth
    amended                 True when any item is marked as amended
    amended_sections        ["B", "F"]; amended_sections_text "Sections B and F"
    sections.A              about, child_views, parent_views, interests, aspirations, amended
    sections.B/C/D          needs [need], notes, empty, amended
    sections.E              outcomes [outcome], empty, amended
    sections.F/G/H1/H2      provision [provision], notes, empty, amended
    sections.I              name, type, urn, address, head, senco, named, amended
    sections.J              in_place, direct_payments, organised_arrangements, summary, budget [item], empty,
                            amended   (the list is `budget`, not `items`: Jinja would find dict.items first)
    sections.K              advice [advice], empty, amended
    areas                   areas layout only, [{key, name, needs, outcomes, provision}] for areas with items
    need        {id, area, area_name, description, amended}
    outcome     {id, area_name, description, by_when, measured_how, measured_by, pfa, targets, amended}
    target      {id, description, by_when, measured_how, amended}
    provision   {id, area_name, description, who, frequency, duration, group_size, location, funded_by,
                 serves, amended}
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from ehcp_docs.model import plan as planmod

Layout = Literal["classic", "areas"]
TEMPLATE_FOR_LAYOUT: dict[str, str] = {"classic": "plan", "areas": "plan-areas"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PFA = {"employment": "Employment", "independent-living": "Independent living",
        "community-participation": "Community participation", "health": "Health"}


def long_date(iso: str | None) -> str:
    """"2027-01-10" -> "10 January 2027", independent of the machine's locale. Empty for None or ""."""
    if not iso:
        return ""
    d = dt.date.fromisoformat(str(iso))
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def join_words(words: Iterable[str]) -> str:
    """["B", "F", "I"] -> "B, F and I"."""
    w = list(words)
    if len(w) < 2:
        return "".join(w)
    return ", ".join(w[:-1]) + " and " + w[-1]


def plan_context(plan: dict, *, la: dict, layout: Layout = "classic", next_review_due: str | None = None,
                 amended_items: Iterable[str] = frozenset(), item_notes: dict[str, str] | None = None,
                 proposed: bool = False) -> dict[str, Any]:
    """The template context for a plan. `amended_items` holds item ids (and section letters, for sections
    without items such as A and I) changed in the latest amendment; they are marked "(amended)", or with their
    `item_notes` entry ("new", "how often changed"). `proposed` titles the document as a proposal."""
    if layout not in TEMPLATE_FOR_LAYOUT:
        raise ValueError(f"unknown plan layout {layout!r}; use one of {', '.join(TEMPLATE_FOR_LAYOUT)}")
    marks = frozenset(amended_items)
    secs = plan.get("sections") or {}
    notes = dict(item_notes or {})
    sections = {s: _section(s, secs.get(s) or {}, marks) for s in planmod.SECTIONS}
    _add_notes(sections, notes)
    amended_secs = [s for s in planmod.SECTIONS if sections[s]["amended"]]
    child = plan.get("child") or {}
    ctx: dict[str, Any] = {
        "layout": layout,
        "la": la,
        "plan_id": plan.get("id", ""),
        "issued": long_date(plan.get("issued")),
        "first_issued": long_date(plan.get("first_issued")),
        "next_review_due": long_date(next_review_due),
        "child": {"name": child.get("name", ""), "known_as": child.get("known_as", ""),
                  "date_of_birth": long_date(child.get("date_of_birth"))},
        "amended": bool(amended_secs),
        "amended_sections": amended_secs,
        "amended_sections_text": ("Section " if len(amended_secs) == 1 else "Sections ") + join_words(amended_secs)
        if amended_secs else "",
        "sections": sections,
        "areas": _areas(sections) if layout == "areas" else [],
        "proposed": proposed,
        "caseworker": ", ".join(x for x in ((plan.get("caseworker") or {}).get(k, "") for k in
                                            ("name", "phone", "email")) if x) or "the SEN team",
    }
    return ctx


def _add_notes(sections: dict, notes: dict[str, str]) -> None:
    """Every item gets `note` (empty unless the amendment says "new" or what changed) and provision a `title`."""
    for sec in sections.values():
        for key in ("needs", "outcomes", "provision", "budget", "advice"):
            for item in sec.get(key) or []:
                item["note"] = notes.get(item["id"], "")
                if item["note"]:
                    item["amended"] = True
                for t in item.get("targets") or []:
                    t["note"] = notes.get(t["id"], "")
                if key == "provision":
                    item["title"] = planmod.short(item["description"], 70)


def _section(sec: str, data: dict, marks: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any]
    if sec == "A":
        out = {k: data.get(k, "") for k in ("about", "child_views", "parent_views", "interests", "aspirations")}
        out["empty"] = False
    elif sec in planmod.NEED_SECTIONS:
        out = {"needs": [_need(n, marks) for n in data.get("needs") or []], "notes": data.get("notes", "")}
        out["empty"] = not out["needs"]
    elif sec == "E":
        out = {"outcomes": [_outcome(o, marks) for o in data.get("outcomes") or []]}
        out["empty"] = not out["outcomes"]
    elif sec in planmod.PROVISION_SECTIONS:
        out = {"provision": [_provision(p, marks) for p in data.get("provision") or []],
               "notes": data.get("notes", "")}
        out["empty"] = not out["provision"]
    elif sec == "I":
        out = {k: data.get(k, "") for k in ("name", "type", "urn", "address", "head", "senco")}
        out["named"] = bool(out["name"])
        out["empty"] = False
    elif sec == "J":
        out = _budget(data, marks)
    else:  # K
        out = {"advice": [_advice(a, marks) for a in data.get("advice") or []]}
        out["empty"] = not out["advice"]
    out["amended"] = sec in marks or _any_amended(out)
    return out


def _any_amended(section: dict) -> bool:
    for key in ("needs", "outcomes", "provision", "budget", "advice"):
        for item in section.get(key) or []:
            if item["amended"] or any(t["amended"] for t in item.get("targets") or []):
                return True
    return False


def _area(item: dict) -> dict[str, str]:
    key = item.get("area", "")
    return {"area": key, "area_name": planmod.AREAS.get(key, "")}


def _need(n: dict, marks: frozenset[str]) -> dict[str, Any]:
    return {"id": n["id"], **_area(n), "description": n["description"], "amended": n["id"] in marks}


def _outcome(o: dict, marks: frozenset[str]) -> dict[str, Any]:
    targets = [{"id": t["id"], "description": t["description"], "by_when": long_date(t["by_when"]),
                "measured_how": t["measured_how"], "amended": t["id"] in marks} for t in o.get("targets") or []]
    return {"id": o["id"], **_area(o), "description": o["description"], "by_when": long_date(o["by_when"]),
            "measured_how": o["measured_how"], "measured_by": o["measured_by"],
            "pfa": _PFA.get(o.get("preparing_for_adulthood", ""), ""), "targets": targets,
            "amended": o["id"] in marks}


def _provision(p: dict, marks: frozenset[str]) -> dict[str, Any]:
    who = p["delivered_by"] + (f"\nExpertise: {p['expertise']}" if p.get("expertise") else "")
    return {"id": p["id"], **_area(p), "description": p["description"], "who": who,
            "frequency": p["frequency"], "duration": p["duration"], "group_size": p["group_size"],
            "location": p["location"], "funded_by": p["funded_by"], "serves": serves(p),
            "amended": p["id"] in marks}


def serves(item: dict) -> str:
    """"Needs B1, B2. Outcomes E1." for the needs and outcomes a provision or budget item serves."""
    parts = []
    if item.get("needs"):
        parts.append(("Need " if len(item["needs"]) == 1 else "Needs ") + ", ".join(item["needs"]) + ".")
    if item.get("outcomes"):
        parts.append(("Outcome " if len(item["outcomes"]) == 1 else "Outcomes ") + ", ".join(item["outcomes"])
                     + ".")
    return " ".join(parts)


def _budget(data: dict, marks: frozenset[str]) -> dict[str, Any]:
    budget = [{"id": b["id"], "description": b["description"], "amount": b["amount"], "serves": serves(b),
               "amended": b["id"] in marks} for b in data.get("items") or []]
    return {"in_place": bool(data.get("in_place")), "direct_payments": bool(data.get("direct_payments")),
            "organised_arrangements": bool(data.get("organised_arrangements")),
            "summary": data.get("summary", ""), "budget": budget, "empty": not data.get("in_place")}


def _advice(a: dict, marks: frozenset[str]) -> dict[str, Any]:
    return {"id": a["id"], "title": a["title"], "author": a["author"], "role": a.get("role", ""),
            "date": long_date(a["date"]), "amended": a["id"] in marks}


def _areas(sections: dict) -> list[dict[str, Any]]:
    """Sections B, E and F grouped by broad area of need (rules section 2), in the order of plan.AREAS,
    keeping only areas that have at least one item. Health and social care (C, D, G, H) stay in their own
    sections, where each item still shows its area."""
    out = []
    for key, name in planmod.AREAS.items():
        group = {"key": key, "name": name,
                 "needs": [n for n in sections["B"]["needs"] if n["area"] == key],
                 "outcomes": [o for o in sections["E"]["outcomes"] if o["area"] == key],
                 "provision": [p for p in sections["F"]["provision"] if p["area"] == key]}
        if group["needs"] or group["outcomes"] or group["provision"]:
            out.append(group)
    return out


def expected_strings(plan: dict) -> list[str]:
    """Text that must appear in a rendered plan: the child's name, the plan id and every item's id and
    main wording. Passed to render_document(expect=...) to catch silent text loss."""
    child = plan.get("child") or {}
    out = [child.get("name", ""), str(plan.get("id", ""))]
    for it in planmod.items(plan):
        out.append(it.id)
        out.append(str(it.data.get("description") or it.data.get("title") or ""))
    a = (plan.get("sections") or {}).get("A") or {}
    out += [a.get(k, "") for k in ("about", "child_views", "aspirations")]
    return [s for s in out if s and s.strip()]
