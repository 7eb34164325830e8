"""CLI tests for init, add, validate, show, log and edit: exact messages, exit codes, unchanged store on error."""
import json
from pathlib import Path

from click.testing import CliRunner

from conftest import FIXTURES, git, snapshot
from ehcp_docs.cli import cli

PLAN = FIXTURES / "minimal_plan.yaml"


def test_init_then_add(tmp_path: Path):
    r = CliRunner().invoke(cli, ["init", str(tmp_path / "s")])
    assert r.exit_code == 0, r.stderr
    assert f"Created a plan store in {tmp_path / 's'}" in r.stderr
    r = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "add", str(PLAN)])
    assert r.exit_code == 0
    assert r.stderr.startswith("Added 1 plan: TEST-0001 (commit ")
    assert git(tmp_path / "s", "log", "--format=%(trailers:key=EHCP-Event,valueonly)").split() == ["issued", "init"]


def test_add_refuses_invalid_plan_with_messages(ehcp, store_path: Path, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(PLAN.read_text().replace("        frequency: once a week in term time\n", ""))
    before = snapshot(store_path)
    r = ehcp("add", bad)
    assert r.exit_code == 1
    assert r.stderr == ("error: 1 problem found; nothing was added\n"
                        "  - bad.yaml (plan TEST-0001): Section F, provision F1 (Individual speech and language "
                        "therapy): how often is missing\n")
    assert snapshot(store_path) == before


def test_validate_exit_codes(ehcp, tmp_path: Path):
    assert ehcp("validate", PLAN).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "X"}')
    r = ehcp("validate", PLAN, bad)
    assert r.exit_code == 1
    assert "bad.json (plan X): child or young person is missing" in r.stdout
    assert ehcp("validate").exit_code == 2
    ehcp("add", PLAN)
    assert ehcp("validate", "--all").exit_code == 0


def test_show_json_is_the_plan_document(ehcp):
    ehcp("add", PLAN)
    r = ehcp("show", "TEST-0001", "--json")
    plan = json.loads(r.stdout)
    assert plan["child"]["name"] == "Zoë O'Brien & <Family>"
    assert list(plan["sections"]) == ["A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"]


def test_unknown_plan_and_bad_id(ehcp):
    r = ehcp("show", "NOPE-1")
    assert r.exit_code == 2
    assert r.stderr.startswith("error: there is no plan NOPE-1 in this store\n")
    r = ehcp("show", "../etc")
    assert r.exit_code == 2
    assert "'../etc' is not a valid plan id" in r.stderr


def test_edit_from_file_then_log_and_show_at(ehcp, tmp_path: Path):
    ehcp("add", PLAN)
    edited = tmp_path / "e.yaml"
    edited.write_text(PLAN.read_text().replace("once a week in term time", "twice a week"))
    r = ehcp("edit", "TEST-0001", "--file", edited, "--date", "2025-02-01")
    assert r.exit_code == 0 and "Recorded a correction to TEST-0001" in r.stderr
    rows = json.loads(ehcp("log", "TEST-0001", "--json").stdout)
    assert [(x["event"], x["date"]) for x in rows] == [("correction", "2025-02-01"), ("issued", "2024-05-10")]
    assert set(rows[0]) == {"commit", "date", "event", "author", "summary", "note"}
    old = json.loads(ehcp("show", "TEST-0001", "--at", "2025-01-31", "--json").stdout)
    assert old["sections"]["F"]["provision"][0]["frequency"] == "once a week in term time"
    at_rev = json.loads(ehcp("show", "TEST-0001", "--at", rows[0]["commit"][:12], "--json").stdout)
    assert at_rev["sections"]["F"]["provision"][0]["frequency"] == "twice a week"


def test_edit_with_editor_reopens_until_valid(ehcp, store_path: Path, monkeypatch):
    ehcp("add", PLAN)
    calls = []

    def fake_edit(text, **kw):
        calls.append(text)
        if len(calls) == 1:
            return text.replace("frequency: once a week in term time", "frequency: ''")
        return text.replace("frequency: ''", "frequency: three times a week")

    monkeypatch.setattr("click.edit", fake_edit)
    r = ehcp("edit", "TEST-0001", input="y\n")
    assert r.exit_code == 0, r.stderr
    assert calls[1].startswith("#! plan TEST-0001: Section F, provision F1")
    assert "three times a week" in (store_path / "plans/TEST-0001/plan.yaml").read_text()


def test_bad_date_is_a_usage_error(ehcp):
    ehcp("add", PLAN)
    r = ehcp("edit", "TEST-0001", "--file", PLAN, "--date", "2025-02-30")
    assert r.exit_code == 2
    assert "'2025-02-30' is not a date" in r.stderr


def test_python_m_runs_the_cli():
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "ehcp_docs", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "Usage: ehcp" in p.stdout


def test_adding_many_plans_names_the_first_few(ehcp, tmp_path: Path):
    files = []
    for i in range(1, 15):
        f = tmp_path / f"TEST-{i:04d}.yaml"
        f.write_text(PLAN.read_text(encoding="utf-8").replace("id: TEST-0001", f"id: TEST-{i:04d}"), encoding="utf-8")
        files.append(f)
    r = ehcp("add", *files)
    assert r.exit_code == 0
    assert r.stderr.startswith("Added 14 plans: TEST-0001, TEST-0002, TEST-0003, TEST-0004, TEST-0005, TEST-0006, "
                               "TEST-0007, TEST-0008, TEST-0009, TEST-0010 and 4 more (commit ")


def test_log_shows_each_plans_own_event_date(ehcp, store_path: Path):
    """Issue 14: one `add` of six plans is one commit whose EHCP-Date is one plan's date; `log` shows each plan's
    own date from its journal, and a commit that recorded no step says what it is instead of a date."""
    from conftest import sample_files

    assert ehcp("add", *sample_files()).exit_code == 0
    rows = {}
    for pid in ("EHCP-0001", "EHCP-0002"):
        r = ehcp("log", pid, "--json")
        assert r.exit_code == 0, r.stderr
        rows[pid] = json.loads(r.stdout)
        journal = [json.loads(line) for line in (store_path / "plans" / pid / "events.jsonl").read_text().splitlines()]
        assert rows[pid][0]["date"] == journal[0]["date"], pid
    assert rows["EHCP-0001"][0]["date"] != rows["EHCP-0002"][0]["date"]
    (store_path / "plans" / "EHCP-0002" / "notes.txt").write_text("a note\n")
    git(store_path, "add", "plans/EHCP-0002/notes.txt")
    git(store_path, "commit", "-q", "-m", "a note added by hand")
    r = ehcp("log", "EHCP-0002")
    first = r.stdout.splitlines()[0]
    assert first.startswith("no date") and "plain git" in first
    assert rows["EHCP-0002"][0]["date"] in r.stdout.splitlines()[1]
