"""The statutory termly lists (CoP 9.170-9.172): one per setting for its head teacher, and the whole term's
list for health (the ICB) and for social care, each marking the reviews that must focus on transition and
preparation for adulthood. Sent at least 2 weeks before the term starts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from ehcp_docs import fileio, statutory
from ehcp_docs.casework.caseload import DueRow

HEADER = ["Plan", "Child or young person", "Setting", "Review due by", "Meeting recommended by",
          "Transition / preparation for adulthood focus", "Overdue"]
FOCUS_WORDS = {"preparation-for-adulthood": "preparation for adulthood", "phase-transfer": "phase transfer",
               "under-five": "under five"}


@dataclass(frozen=True)
class TermLists:
    send_by: date
    files: list[Path]
    settings: int
    rows: int


def send_by(term_start: date) -> date:
    return statutory.due("termly_lists", term_start)


def focus_text(focus: list[str]) -> str:
    return ", ".join(FOCUS_WORDS.get(f, f) for f in focus) or "-"


def write_xlsx(rows: list[DueRow], path: Path, title: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Reviews due"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.plan, r.name, r.setting, r.review_due, r.meeting_recommended_by, focus_text(r.focus),
                   "OVERDUE" if r.overdue else ""])
    for col, width in zip("ABCDEFG", (12, 28, 34, 14, 20, 36, 10)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=5):
        for c in row:
            c.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    wb.properties.title = title
    buf = BytesIO()
    wb.save(buf)
    fileio.atomic_write(path, buf.getvalue())
    return path


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "setting"


def group_by_setting(rows: list[DueRow]) -> dict[str, list[DueRow]]:
    out: dict[str, list[DueRow]] = {}
    for r in rows:
        out.setdefault(r.setting, []).append(r)
    return out
