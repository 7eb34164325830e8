"""The statutory termly lists (CoP, between 9.169 and 9.173): one per setting (a spreadsheet and a covering letter
to the head teacher), and the whole term's list for health (the ICB) and for social care, each marking the reviews
that must focus on transition and preparation for adulthood. Sent at least 2 weeks before the term starts.

A large LA sends hundreds of settings' lists in one go, so each setting is one batch job (documents/batch.py):
they are written in parallel, and one that fails is named without stopping the others."""
from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from ehcp_docs import statutory
from ehcp_docs.casework.caseload import DueRow, focus_text
from ehcp_docs.documents import batch, render, spreadsheets
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.statutory.terms import Term
from ehcp_docs.store import Store

HEALTH = "the health (ICB) list"
SOCIAL_CARE = "the social care list"


def send_by(term_start: date) -> date:
    return statutory.due("termly_lists", term_start)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "setting"


def setting_stem(setting: str) -> str:
    """The file name (without extension) of one setting's list: readable, and unique per setting because it
    ends with a short stable hash of the full name. Two federations' schools whose names share their first 60
    characters once wrote to the same file, and only the last one's list survived."""
    digest = hashlib.sha256(setting.encode("utf-8")).hexdigest()[:8]
    return f"setting-{slug(setting)[:48].strip('-') or 'setting'}-{digest}"


def setting_stems(settings: list[str]) -> dict[str, str]:
    """Every setting's file name, made unique within the run even if two hashes ever met: a list written in
    this run is never overwritten by another."""
    stems: dict[str, str] = {}
    taken: set[str] = {"health-icb", "social-care"}
    for setting in settings:
        stem, n = setting_stem(setting), 1
        while stem.lower() in taken:
            n += 1
            stem = f"{setting_stem(setting)}-{n}"
        taken.add(stem.lower())
        stems[setting] = stem
    return stems


def group_by_setting(rows: list[DueRow]) -> dict[str, list[DueRow]]:
    out: dict[str, list[DueRow]] = {}
    for r in rows:
        out.setdefault(r.setting, []).append(r)
    return out


def list_jobs(term: Term, rows: list[DueRow], folder: Path, today: date) -> list[batch.Job]:
    """One job per setting, then the health and social care lists."""
    groups = group_by_setting(rows)
    stems = setting_stems(list(groups))
    jobs: list[batch.Job] = [(setting, setting_list, (term, setting, group, str(folder), today, stems[setting]))
                             for setting, group in groups.items()]
    jobs.append((HEALTH, whole_term_list, (rows, str(folder / "health-icb.xlsx"), f"Health: reviews {term.name}",
                                           term, today)))
    jobs.append((SOCIAL_CARE, whole_term_list, (rows, str(folder / "social-care.xlsx"),
                                                f"Social care: reviews {term.name}", term, today)))
    return jobs


def write_lists(root: Path, term: Term, rows: list[DueRow], folder: Path, today: date, *,
                jobs: int | None = None, tick: batch.Tick | None = None) -> batch.BatchResult:
    """Every list of the term, for the store at `root` (each worker process opens it for itself)."""
    result = batch.run_many(root, list_jobs(term, rows, folder, today), workers=jobs, tick=tick)
    result.made.sort()
    return result


def setting_list(store: Store, term: Term, setting: str, group: list[DueRow], folder: str,
                 today: date, stem: str | None = None) -> list[Path]:
    """One setting's list and the covering letter to its head teacher (`stem`: the file name chosen for it)."""
    name = stem or setting_stem(setting)
    where = Path(folder)
    sheet = spreadsheets.write_xlsx(group, where / f"{name}.xlsx",
                                    spreadsheets.list_meta(store, f"{setting}: reviews {term.name}"))
    intro = "This is the list of your pupils or students whose EHC plan must be reviewed in the coming term."
    letter = covering_letter(store, term, group, where / f"{name}-letter.docx", setting_addressee(store, setting),
                             intro, today)
    return [sheet, letter]


def setting_addressee(store: Store, setting: str) -> dict[str, str]:
    """Who a setting's list is written to: the head teacher named in the LA's settings table (`[settings."<name>"]
    head = "..."` in ehcp.toml) as "Dear Mrs Jones", else "Dear Head teacher". Children educated otherwise than in a
    school are listed for the LA's own EOTAS lead (`[eotas] name`), never for a "setting" of that name."""
    table = store.config.data.get("settings") or {}
    if EOTAS.search(setting):
        lead = store.config.data.get("eotas") or {}
        name = str(lead.get("name") or "EOTAS lead")
        return {"name": f"{name}, {store.config.la['name']}", "dear": name, "address": str(lead.get("address", ""))}
    row = table.get(setting) if isinstance(table, dict) else None
    head = str((row or {}).get("head") or "").strip() if isinstance(row, dict) else ""
    return {"name": f"{head or 'The head teacher'}, {setting}", "dear": head or "Head teacher",
            "address": str((row or {}).get("address", "")) if isinstance(row, dict) else ""}


EOTAS = re.compile(r"otherwise than in (a )?school|\bEOTAS\b", re.I)


def _focus(r: DueRow) -> str:
    """The letter's focus cell: "OVERDUE" first when the review is late, and no "-" beside it."""
    words = focus_text(r.focus)
    if not r.overdue:
        return words
    return "OVERDUE" if words == "-" else f"OVERDUE: {words}"


def covering_letter(store: Store, term: Term, group: list[DueRow], out: Path, addressee: dict[str, str], intro: str,
                    today: date) -> Path:
    ctx = {"la": store.config.la, "caseworker": store.config.caseworker, "letter_date": long_date(today.isoformat()),
           "reference": f"Termly list, {term.words}", "addressee": addressee, "copy_of": "", "intro": intro,
           "term_name": term.season + " " + term.name.split("-")[1],
           "rows": [{"plan": r.plan, "name": r.name, "review_due": long_date(r.review_due.isoformat()),
                     "meeting_by": long_date(r.meeting_recommended_by.isoformat()),
                     "focus": _focus(r)}
                    for r in group]}
    return render.render_document(render.find_template("termly-list-letter", store.root), ctx, out,
                                  spreadsheets.list_meta(store, f"Termly review list {term.name}"),
                                  expect=[r.plan for r in group])


def whole_term_list(store: Store, rows: list[DueRow], path: str, title: str, term: Term | None = None,
                    today: date | None = None) -> list[Path]:
    """The whole term's list for health or social care, with its covering letter."""
    sheet = spreadsheets.write_xlsx(rows, Path(path), spreadsheets.list_meta(store, title))
    if term is None or today is None:
        return [sheet]
    who = "health" if "health" in Path(path).name else "social_care"
    body = store.config.la.get(who) or {}
    name = str(body.get("name") or ("Integrated Care Board" if who == "health" else "Social care"))
    addressee = {"name": name, "dear": str(body.get("contact") or "Colleague"), "address": str(body.get("address", ""))}
    intro = ("This is the whole list of children and young people whose EHC plan must be reviewed in the coming "
             "term, so that you can plan the " + ("health" if who == "health" else "social care") + " advice.")
    letter = covering_letter(store, term, rows, Path(path).with_name(Path(path).stem + "-letter.docx"), addressee,
                             intro, today)
    return [sheet, letter]
