"""The plan itself as a Word document, in either layout (sections A to K, or grouped by broad area of need)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ehcp_docs.documents.letter_context import deadlines_for, render_letter
from ehcp_docs.documents.plan_context import Layout, expected_strings, plan_context
from ehcp_docs.store import Store


def plan_document(store: Store, plan: dict, events: list[dict], event: dict | None, template: str, folder: Path,
                  rev: str, layout: Layout = "classic", out: Path | None = None) -> list[Path]:
    d = deadlines_for(store, plan, events, date.today())
    ctx = plan_context(plan, la=store.config.la, layout=layout,
                       next_review_due=d.next_review_due.isoformat() if d.next_review_due else None)
    ctx["source_commit"] = rev[:10]
    name = "plan" if layout == "classic" else "plan-areas"
    out = out or folder / plan["id"] / f"{plan['issued']}-{name}.docx"
    return [render_letter(store, plan, name, ctx, out, f"EHC plan {plan['id']}", rev, expected_strings(plan))]


def render_plan(store: Store, pid: str, folder: Path, *, at: str | None = None, layout: Layout = "classic") -> Path:
    if at:
        plan, _ = store.plan_at(pid, at)
    else:
        plan = store.checked_plan(pid)
    rev = store.head()
    return plan_document(store, plan, store.events(pid), None, "plan", folder, rev, layout)[0]
