"""Review meeting records and termly progress returns: pre-filled forms, and the checks that every outcome and
interim target in the plan is accounted for. Pure functions over plain data.

A form is a record with every `status` left empty: it becomes valid as soon as each status is set, so a SENCO
can fill it in without knowing the schema."""
from __future__ import annotations

from typing import Any

from ehcp_docs.model import plan as planmod
from ehcp_docs.model.validation import check_document, problems_error

STATUSES = ("achieved", "on-track", "not-on-track", "not-started")
STATUS_WORDS = {"achieved": "achieved", "on-track": "on track", "not-on-track": "not on track",
                "not-started": "not yet started"}


def form(plan: dict, kind: str, latest: dict | None = None) -> dict:
    """A meeting record (kind "meeting") or progress return (kind "progress") pre-filled from the plan and,
    where there is one, the latest progress return (its statuses and evidence carried forward)."""
    prior = {p.get("outcome"): p for p in (latest or {}).get("progress", [])}
    rows = []
    for o in planmod.outcomes(plan):
        before = prior.get(o["id"], {})
        before_targets = {t.get("target"): t for t in before.get("targets", [])}
        row: dict[str, Any] = {"outcome": o["id"], "description": o["description"],
                               "status": before.get("status"), "evidence": before.get("evidence")}
        if kind == "meeting":
            row["still_appropriate"] = True
            row["comment"] = None
        else:
            row["since_last_term"] = None
            row["next_steps"] = before.get("next_steps")
        row["targets"] = []
        for t in o.get("targets") or []:
            bt = before_targets.get(t["id"], {})
            trow: dict[str, Any] = {"target": t["id"], "description": t["description"],
                                    "status": bt.get("status"), "evidence": bt.get("evidence")}
            if kind != "meeting":
                trow["next_steps"] = bt.get("next_steps")
            row["targets"].append(trow)
        rows.append(row)
    if kind == "meeting":
        return {"plan": plan["id"], "attended": [{"name": "", "role": "parent or young person"},
                                                 {"name": "", "role": "SENCO"}],
                "apologies": [], "child_views": None, "family_views": None, "progress": rows,
                "recommendations": [], "differences_of_opinion": [], "preparing_for_adulthood": None,
                "personal_budget_requests": [], "next_steps": None}
    return {"plan": plan["id"], "term": None, "returned_by": {"name": "", "role": "SENCO"}, "progress": rows,
            "family_message": None}


def check(record: Any, plan: dict, kind: str, source: str, *, nc_year: int | None = None) -> list[str]:
    """Validates a record against its schema and the plan. Raises InvalidPlan listing every problem (a missing
    outcome or target is named); returns warnings (empty views or evidence) that do not block recording."""
    schema = "meeting.schema.json" if kind == "meeting" else "progress.schema.json"
    problems: list[str] = []
    if isinstance(record, dict):
        problems += _status_problems(record)
    if problems:
        raise problems_error(source, problems)
    check_document(record, schema, source)
    problems += _coverage(record, plan)
    if record.get("plan") != plan["id"]:
        problems.append(f"this record is for plan {record.get('plan')}, not {plan['id']}")
    if kind == "meeting" and nc_year is not None and nc_year >= 9 and not (record.get("preparing_for_adulthood")
                                                                            or "").strip():
        problems.append("preparation for adulthood must be discussed at every review from Year 9 "
                        "(reg 20(6)): fill in preparing_for_adulthood")
    for rec in record.get("recommendations") or []:
        ref = rec["item"]
        if ref not in planmod.SECTIONS and planmod.find_item(plan, ref) is None:
            problems.append(f"recommended amendment refers to {ref}, which is not in the plan")
    if problems:
        raise problems_error(source, problems)
    return _warnings(record, kind)


def _status_problems(record: dict) -> list[str]:
    out = []
    for row in record.get("progress") or []:
        if not isinstance(row, dict):
            continue
        if row.get("status") in (None, ""):
            out.append(f"outcome {row.get('outcome')}: status is not set (one of {', '.join(STATUSES)})")
        for t in row.get("targets") or []:
            if isinstance(t, dict) and t.get("status") in (None, ""):
                out.append(f"interim target {t.get('target')}: status is not set (one of {', '.join(STATUSES)})")
    return out


def _coverage(record: dict, plan: dict) -> list[str]:
    """Every outcome and interim target in the plan must be reported on, and nothing that is not in it."""
    out = []
    rows = {r["outcome"]: r for r in record["progress"]}
    for o in planmod.outcomes(plan):
        label = planmod.item_label(o, plan)
        if o["id"] not in rows:
            out.append(f"outcome {o['id']} ({label}) is missing: every outcome must be accounted for")
            continue
        reported = {t["target"] for t in rows[o["id"]].get("targets", [])}
        for t in o.get("targets") or []:
            if t["id"] not in reported:
                out.append(f"interim target {t['id']} ({planmod.item_label(t, plan)}) of outcome {o['id']} "
                           "is missing")
    known = {o["id"] for o in planmod.outcomes(plan)}
    out += [f"outcome {oid} is not in the plan" for oid in rows if oid not in known]
    return out


def _warnings(record: dict, kind: str) -> list[str]:
    out = []
    if kind == "meeting":
        for key, words in (("child_views", "the child's or young person's views"),
                           ("family_views", "the parent's or young person's views")):
            if not (record.get(key) or "").strip():
                out.append(f"{words} are empty: the review must take them into account (reg 19)")
    for row in record["progress"]:
        if not (row.get("evidence") or "").strip():
            out.append(f"outcome {row['outcome']}: no evidence given for its status")
    return out


def status_of(record: dict) -> dict[str, str]:
    """item id -> status, for outcomes and targets alike."""
    out = {}
    for row in record.get("progress", []):
        out[row["outcome"]] = row["status"]
        for t in row.get("targets", []):
            out[t["target"]] = t["status"]
    return out
