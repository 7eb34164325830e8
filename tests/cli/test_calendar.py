"""The calendar commands on the sample plans: due, lists, overdue, deadlines."""
import json
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from conftest import PLANS
from ehcp_docs.documents.saving import docx_text


def add_samples(ehcp):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0


def test_due_for_a_term(ehcp):
    add_samples(ehcp)
    rows = json.loads(ehcp("due", "--term", "spring-2027", "--today", "2026-11-28", "--json").stdout)
    assert [r["plan"] for r in rows] == ["EHCP-0006", "EHCP-0003", "EHCP-0005", "EHCP-0001", "EHCP-0002", "EHCP-0004"]
    first = rows[0]
    assert first["overdue"] is True and first["review_due"] == "2026-10-05"
    flags = {r["plan"]: r["focus"] for r in rows}
    assert flags["EHCP-0003"] == ["preparation-for-adulthood"]
    assert flags["EHCP-0004"] == ["preparation-for-adulthood", "phase-transfer"]
    assert flags["EHCP-0001"] == ["phase-transfer", "under-five"]
    assert set(rows[0]) >= {"plan", "name", "setting", "review_due", "meeting_recommended_by", "focus", "overdue"}


def test_phase_transfer_reviews_fall_in_the_autumn_before(ehcp):
    add_samples(ehcp)
    rows = json.loads(ehcp("due", "--term", "autumn-2026", "--today", "2026-09-01", "--json").stdout)
    transfer = {r["plan"]: r for r in rows if r["reason"] == "phase transfer"}
    assert set(transfer) == {"EHCP-0001", "EHCP-0002", "EHCP-0004"}
    assert transfer["EHCP-0002"]["review_due"] == "2027-02-14"


def test_lists_write_xlsx_with_header_and_letters(ehcp, tmp_path: Path):
    add_samples(ehcp)
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-12-30", "--out", tmp_path)
    assert r.exit_code == 0
    assert "warning: the send-by date 2026-12-22 has passed" in r.stderr
    folder = tmp_path / "lists-spring-2027"
    ws = load_workbook(folder / "health-icb.xlsx").active
    assert [c.value for c in ws[1]] == ["Plan", "Child or young person", "Date of birth", "Year group", "Setting",
                                        "Setting reference (URN)", "Review due by", "Meeting recommended by",
                                        "Transition / preparation for adulthood focus", "Overdue"]
    assert ws.max_row == 7
    assert ws.auto_filter.ref == f"A1:J{ws.max_row}"                      # an autofilter (issue 16.6)
    assert all(isinstance(ws.cell(r, 3).value, datetime) for r in range(2, 8))  # real dates
    assert all(ws.cell(r, 9).value != "-" for r in range(2, 8))              # blank, not "-", for none
    assert any(str(ws.cell(r, 4).value).startswith("Year ") for r in range(2, 8))
    letters = list(folder.glob("setting-*-letter.docx"))
    assert len(letters) == 6
    assert (folder / "health-icb-letter.docx").is_file() and (folder / "social-care-letter.docx").is_file()
    eotas = [p for p in letters if "otherwise" in p.name]
    assert eotas and "Dear EOTAS lead" in docx_text(eotas[0])
    assert "EHCP-0003" in docx_text(folder / "setting-examplemouth-community-college-e56c7b83-letter.docx")


def test_lists_letters_go_to_the_people_named_in_the_settings(ehcp, store_path: Path, tmp_path: Path):
    """Issue 15.9: [settings."<name>"] head and [eotas] name in ehcp.toml address the termly list letters."""
    add_samples(ehcp)
    toml = store_path / "ehcp.toml"
    toml.write_text(toml.read_text() + '\n[settings."Examplemouth Community College"]\nhead = "Mrs A Jones"\n'
                    'reference = "URN 100001"\n\n[eotas]\nname = "Ms B Lead"\nrole = "EOTAS lead"\n\n'
                    '[advice.health]\nname = "Dr C Patel"\n')
    assert ehcp("settings", "check").exit_code == 0
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-12-01", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    folder = tmp_path / "lists-spring-2027"
    college = docx_text(folder / "setting-examplemouth-community-college-e56c7b83-letter.docx")
    assert "Dear Mrs A Jones" in college and "Dear Head teacher" not in college
    eotas = [p for p in folder.glob("setting-*-letter.docx") if "otherwise" in p.name]
    assert eotas and "Dear Ms B Lead" in docx_text(eotas[0])
    others = [p for p in folder.glob("setting-*-letter.docx") if "otherwise" not in p.name and "examplemouth"
              not in p.name]
    assert others and all("Dear Head teacher" in docx_text(p) for p in others)


def test_settings_tables_of_tables_are_checked_key_by_key(ehcp, store_path: Path):
    toml = store_path / "ehcp.toml"
    good = toml.read_text()
    toml.write_text(good + '\n[settings."Examplemouth Community College"]\nheadteacher = "Mrs A Jones"\n'
                    '\n[advice.health]\nname = 3\n')
    r = ehcp("settings", "check")
    assert r.exit_code == 1
    assert '[settings."Examplemouth Community College"] headteacher is not a setting' in r.stdout
    assert "[advice.health] name should be text in quotes" in r.stdout
    toml.write_text(good + '\n[settings]\nhead = "Mrs A Jones"\n')
    r = ehcp("settings", "check")
    assert r.exit_code == 1 and "[settings] should hold one table for each setting's name" in r.stdout
    toml.write_text(good + '\n[eotas]\nnmae = "Ms B Lead"\n')
    r = ehcp("settings", "check")
    assert r.exit_code == 1 and "[eotas] nmae is not a setting (Did you mean name?)" in r.stdout


def test_deadlines_table_and_bad_input(ehcp):
    add_samples(ehcp)
    r = ehcp("deadlines", "EHCP-0006", "--today", "2026-12-01")
    assert "57 days LATE" in r.stdout and "CFA s.44(1)" in r.stdout
    assert ehcp("due", "--today", "2026-12-01").exit_code == 2
    assert ehcp("due", "--term", "winter-2027").exit_code == 2


def _hand_commit(store: Path, pid: str, text: str) -> None:
    """A plan file replaced by hand and committed with plain git, past every check ehcp makes."""
    from conftest import git

    (store / "plans" / pid / "plan.yaml").write_text(text, encoding="utf-8")
    git(store, "commit", "-q", "-am", "hand edit")


def test_a_plan_committed_as_a_list_is_named_not_a_traceback(ehcp, store_path: Path):
    add_samples(ehcp)
    _hand_commit(store_path, "EHCP-0002", "- a\n- list\n")
    said = "plan EHCP-0002: the file does not hold a plan (expected a set of fields such as id, child and sections)"
    for args in (("deadlines", "EHCP-0002"), ("show", "EHCP-0002")):
        r = ehcp(*args)
        assert r.exit_code == 1, args
        assert r.stderr == f"error: {said}\nhint: Correct it with `ehcp edit EHCP-0002`.\n", args
    for args in (("due", "--term", "spring-2027", "--today", "2026-11-28"), ("overdue",)):
        r = ehcp(*args)  # a store-wide command names the plan and goes on with the others
        assert r.exit_code == 1, args
        assert f"warning: {said}\n" in r.stderr and "Traceback" not in r.stderr, args


def test_a_plan_with_a_field_of_the_wrong_kind_gets_the_validators_words(ehcp, store_path: Path):
    add_samples(ehcp)
    text = (PLANS / "EHCP-0002.yaml").read_text(encoding="utf-8")
    _hand_commit(store_path, "EHCP-0002", text.replace("\n  I:\n", "\n  I: [a, list]\n  Iold:\n"))
    r = ehcp("due", "--term", "spring-2027", "--today", "2026-11-28")
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert ("warning: plan EHCP-0002: 2 problems: its deadlines cannot be worked out until it is corrected"
            in r.stderr.splitlines())
    assert "  - plan EHCP-0002: Section I, Section I: placement: should be a set of fields, not a list" in r.stderr
    # the drift report does not read Section I, so it still answers
    assert ehcp("overdue", "--today", "2026-11-28").exit_code == 0
