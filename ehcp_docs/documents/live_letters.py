"""Documents between reviews: the family's progress update (with a chart) and the answer to a concern."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ehcp_docs.documents.letter_context import base_context, out_path, render_letter
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.errors import NotFound
from ehcp_docs.model import forms
from ehcp_docs.model import plan as planmod
from ehcp_docs.store import Store


def concern_response(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                      rev: str) -> list[Path]:
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
    out = out_path(folder, plan["id"], event["date"], "concern-response", str(event["concern"]))
    return [render_letter(store, plan, template, ctx, out, f"Concern response {plan['id']}", rev,
                    [plan["child"]["name"], ctx["addressee"]["name"]])]


def progress_update(store: Store, pid: str, folder: Path, start: date | None, end: date | None,
                    rev: str | None = None) -> list[Path]:
    from ehcp_docs.casework import between_reviews
    from ehcp_docs.documents import charts
    from ehcp_docs.documents.render import Picture

    rev = rev or store.head()
    plan, events = store.plan(pid, rev), store.events(pid, rev)
    returns = between_reviews.progress_between(events, start, end)
    if not returns:
        raise NotFound(f"plan {pid} has no progress returns" + (f" between {start} and {end}" if start else ""),
                       hint=f"ehcp progress add {pid} --file RETURN.yaml")
    latest, previous = returns[-1], (returns[-2] if len(returns) > 1 else None)
    before = forms.status_of(previous["return"]) if previous else {}
    columns = [r["date"] for r in returns]
    status = {(item, r["date"]): s for r in returns for item, s in forms.status_of(r["return"]).items()}
    items = [i for o in planmod.outcomes(plan) for i in [o["id"]] + [t["id"] for t in o.get("targets") or []]]
    rows = []
    for row in latest["return"]["progress"]:
        was = before.get(row["outcome"])
        now = forms.STATUS_WORDS[row["status"]]
        changed = row.get("since_last_term") or (
            f"was {forms.STATUS_WORDS[was]}, now {now}" if was and was != row["status"] else
            ("no change since the last update" if was else "this is the first update"))
        targets = "; ".join(f"{t['target']} {forms.STATUS_WORDS[t['status']]}" for t in row.get("targets", []))
        wording = next((o["description"] for o in planmod.outcomes(plan) if o["id"] == row["outcome"]), "")
        rows.append({"id": row["outcome"], "title": f"Outcome {row['outcome']}: {planmod.short(wording, 60)}",
                     "description": row.get("description") or wording,
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
    out = out_path(folder, pid, latest["date"], "progress-update")
    return [render_letter(store, plan, "progress-update", ctx, out, f"Progress update {pid}", rev,
                    [plan["child"]["name"]] + [r["id"] for r in rows])]


def progress_update_letter(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                     rev: str) -> list[Path]:
    return progress_update(store, plan["id"], folder, None, date.fromisoformat(event["date"]), rev)
