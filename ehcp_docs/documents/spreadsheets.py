"""The due lists as spreadsheets and CSV: the termly lists for settings, health and social care, and
`ehcp due --format xlsx|csv`. One writer for both, so every list has the same columns, and every workbook goes
through the one save pipeline (saving.save_xlsx: properties and provenance).

Text from a plan is data, never a formula: a child's or setting's name of `=HYPERLINK(...)` or `=cmd|'/C calc'!A0`
would run in the recipient's spreadsheet program (formula injection). In a workbook every text cell is stored as a
string (openpyxl would otherwise store a value starting `=` as a formula); in CSV a text value starting with a
formula character gets a leading single quote (the OWASP rule). Dates stay real dates in the date columns only.
Control and direction-changing characters (a name committed by hand as `Ann\nINJ-9999 FAKE`) are shown as escapes
(fileio.printable) in both: a line break in a CSV value forges a row on a terminal, and a workbook cannot hold
them at all (one such name once stopped the health list of the whole store)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ehcp_docs.casework.caseload import DueRow, focus_text
from ehcp_docs.documents.saving import Meta, Provenance, save_xlsx
from ehcp_docs.fileio import printable
from ehcp_docs.store import Store

HEADER = ["Plan", "Child or young person", "Date of birth", "Year group", "Setting", "Setting reference (URN)",
          "Review due by", "Meeting recommended by", "Transition / preparation for adulthood focus", "Overdue"]
WIDTHS = (12, 28, 14, 11, 34, 16, 14, 20, 36, 10)
DATE_COLUMNS = (2, 6, 7)  # 0-based: date of birth, "Review due by", "Meeting recommended by": real dates
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def _year(n: int | None) -> str:
    return "" if n is None else ("Reception" if n == 0 else f"Nursery {n + 2}" if n < 0 else f"Year {n}")


def _values(r: DueRow) -> list[object]:
    """One row: blank cells (never "-") for "none", so a filter or a formula sees an empty cell."""
    focus = focus_text(r.focus)
    return [r.plan, r.name, r.date_of_birth, _year(r.year_group), r.setting, r.setting_urn, r.review_due,
            r.meeting_recommended_by, "" if focus == "-" else focus, "OVERDUE" if r.overdue else ""]


def cell_text(value: object) -> str:
    """A text value as one printable line (control characters shown as escapes)."""
    return printable(str(value))


def csv_safe(value: object) -> str:
    """A text value a spreadsheet opening the CSV will show as text (OWASP: prefix a single quote), on one line."""
    raw = str(value)
    text = cell_text(raw)
    return "'" + text if raw.startswith(FORMULA_START) or text.startswith(FORMULA_START) else text


def list_meta(store: Store, title: str) -> Meta:
    """A list is made from the whole store at HEAD: its provenance is the store commit."""
    return Meta(title=title, author=store.config.la["name"], provenance=Provenance(store_commit=store.head()))


def write_xlsx(rows: list[DueRow], path: Path, meta: Meta) -> Path:
    """One sheet of reviews due, with a bold, frozen header row and real dates (shown dd/mm/yyyy)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Reviews due"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([v if i in DATE_COLUMNS else "" if v is None else cell_text(v) for i, v in enumerate(_values(r))])
        for i, cell in enumerate(ws[ws.max_row]):
            if i in DATE_COLUMNS:
                continue
            if cell.value == "":
                cell.value = None  # a truly empty cell (an empty string is not blank to a filter or ISBLANK)
            else:
                cell.data_type = "s"  # a string, even when it starts with "=": never a formula
    for col, width in zip("ABCDEFGHIJ", WIDTHS, strict=True):
        ws.column_dimensions[col].width = width
    for column in DATE_COLUMNS:
        for row in ws.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            for c in row:
                c.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    return save_xlsx(wb, path, meta)


def due_csv(rows: list[DueRow]) -> str:
    """The same columns as CSV (`ehcp due --format csv`)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    for r in rows:
        w.writerow(["" if v is None else str(v) if i in DATE_COLUMNS else csv_safe(v)
                    for i, v in enumerate(_values(r))])
    return buf.getvalue().rstrip("\n")
