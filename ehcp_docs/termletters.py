"""Writes the termly lists: per setting an XLSX and a covering letter to the head teacher, and whole-term XLSX
lists for health (ICB) and social care."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ehcp_docs import termlists
from ehcp_docs.documents import render
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.drift import DueRow
from ehcp_docs.schoolyear import Term
from ehcp_docs.store import Store


def write_lists(store: Store, term: Term, rows: list[DueRow], folder: Path, today: date) -> list[Path]:
    made: list[Path] = []
    la = store.config.la
    for setting, group in termlists.group_by_setting(rows).items():
        slug = termlists.slug(setting)
        made.append(termlists.write_xlsx(group, folder / f"setting-{slug}.xlsx", f"{setting}: reviews {term.name}"))
        ctx = {"la": la, "caseworker": store.config.caseworker, "letter_date": long_date(today.isoformat()),
               "reference": f"Termly list {term.name}", "addressee": {"name": f"The head teacher, {setting}",
                                                                     "address": ""},
               "term_name": term.season + " " + term.name.split("-")[1],
               "rows": [{"plan": r.plan, "name": r.name, "review_due": long_date(r.review_due.isoformat()),
                         "meeting_by": long_date(r.meeting_recommended_by.isoformat()),
                         "focus": termlists.focus_text(r.focus) + (" (OVERDUE)" if r.overdue else "")}
                        for r in group]}
        out = folder / f"setting-{slug}-letter.docx"
        made.append(render.render_document(render.find_template("termly-list-letter", store.root), ctx, out,
                                           title=f"Termly review list {term.name}", author=la["name"],
                                           expect=[r.plan for r in group]))
    made.append(termlists.write_xlsx(rows, folder / "health-icb.xlsx", f"Health: reviews {term.name}"))
    made.append(termlists.write_xlsx(rows, folder / "social-care.xlsx", f"Social care: reviews {term.name}"))
    return made
