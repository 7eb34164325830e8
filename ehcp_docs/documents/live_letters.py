"""Documents between reviews: the family's progress update (with a chart) and the answer to a concern."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ehcp_docs.documents.letter_context import base_context, family_letters, out_path, render_letter
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.errors import NotFound
from ehcp_docs.model import forms
from ehcp_docs.model import plan as planmod
from ehcp_docs.store import Store


def concern_response(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                      rev: str) -> list[Path]:
    concern = next(e for e in events if e["seq"] == event["concern"])
    when = date.fromisoformat(event["date"])
    words = {"resolved": "We think the problem is now sorted out. Please tell us if it is not.",
             "early-review": "We will hold an early review of the plan. We will write to you with the date.",
             "reassessment": "We will think about assessing the needs again. We will write to you within 15 "
                             "days.",
             "complaint": "We are dealing with this as a complaint. We will write to you about it.",
             "mediation": "We think mediation could help. You can read how to ask for it below.",
             "no-action": "We have decided not to do anything more, for the reasons above."}
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
    columns = term_columns([date.fromisoformat(r["date"]) for r in returns], store.config.terms)
    status = {(item, col): s for r, col in zip(returns, columns, strict=True)
              for item, s in forms.status_of(r["return"]).items()}
    outcomes = planmod.outcomes(plan)
    wording = {o["id"]: o.get("description") or "" for o in outcomes}
    wording.update({t["id"]: t.get("description") or "" for o in outcomes for t in o.get("targets") or []})
    items = [i for o in outcomes for i in [o["id"]] + [t["id"] for t in o.get("targets") or []]]
    targets_of = {t["id"] for o in outcomes for t in o.get("targets") or []}
    labels = {i: ("Target: " if i in targets_of else "") + planmod.headline(wording.get(i) or i) for i in items}
    rows = []
    for row in latest["return"]["progress"]:
        was = before.get(row["outcome"])
        now = forms.STATUS_WORDS[row["status"]]
        changed = row.get("since_last_term") or (
            f"was {forms.STATUS_WORDS[was]}, now {now}" if was and was != row["status"] else
            ("no change since the last update" if was else "this is the first update"))
        target_words, target_changes = [], []
        for t in row.get("targets", []):
            name, t_now, t_was = planmod.headline(wording.get(t["target"]) or t["target"]), t["status"], \
                before.get(t["target"])
            target_words.append(f"{name}: {forms.STATUS_WORDS[t_now]}")
            if t_was and t_was != t_now:
                target_changes.append(f"The interim target \u201c{name}\u201d was {forms.STATUS_WORDS[t_was]} and is "
                                      f"now {forms.STATUS_WORDS[t_now]}.")
        if previous and row.get("targets") and not target_changes:
            target_changes.append("The interim targets are where they were at the last update.")
        rows.append({"id": row["outcome"],
                     "title": f"Outcome {row['outcome']}: {planmod.headline(wording.get(row['outcome']))}",
                     "description": row.get("description") or wording.get(row["outcome"], ""),
                     "status": now + (f". Interim targets: {'; '.join(target_words)}" if target_words else ""),
                     "changed": " ".join([changed[:1].upper() + changed[1:] + "."] + target_changes),
                     "next": row.get("next_steps") or "keep going with the support in the plan",
                     "evidence": row.get("evidence") or "not given"})
    when = date.fromisoformat(latest["date"])
    ctx = base_context(store, plan, when, rev)
    who = latest["return"]["returned_by"]
    ctx.update(returned_by=f"{who.get('name') or 'the school'} ({who['role']})",
               period=_period(returns, store.config.terms), outcomes=rows,
               family_message=latest["return"].get("family_message") or "",
               chart=Picture(charts.status_chart(items, columns, status, labels), 160,
                             charts.alt_text(items, columns, status, labels)),
               chart_note="The chart shows each outcome and interim target (rows) at each termly update (columns).")
    out = out_path(folder, pid, latest["date"], "progress-update")
    # every parent gets their own update, and a young person's parent a copy (issue 15.4), like every family letter
    return family_letters(store, plan, "progress-update", ctx, out, f"Progress update {pid}", rev,
                          [plan["child"]["name"]] + [r["id"] for r in rows])


def _period(returns: list[dict], configured: list | None) -> str:
    """The terms an update covers, in words ("the Autumn 2026 term", "the Autumn 2026 to Summer 2027 terms"):
    a first update on one day is not "11 December 2026 to 11 December 2026"."""
    from ehcp_docs import statutory

    first, last = (statutory.meeting_term(date.fromisoformat(r["date"]), configured).words
                   for r in (returns[0], returns[-1]))
    return f"the {first} term" if first == last else f"the {first} to {last} terms"


def term_columns(days: list[date], configured: list | None) -> list[str]:
    """The chart's column for each return: its term in words ("Autumn 2026"); two returns in one term are told
    apart by their dates."""
    from ehcp_docs import statutory

    names = [statutory.meeting_term(d, configured).words for d in days]
    return [f"{n}\n({long_date(d.isoformat())})" if names.count(n) > 1 else n for n, d in zip(names, days, strict=True)]


def progress_update_letter(store: Store, plan: dict, events: list[dict], event: dict, template: str, folder: Path,
                     rev: str) -> list[Path]:
    return progress_update(store, plan["id"], folder, None, date.fromisoformat(event["date"]), rev)
