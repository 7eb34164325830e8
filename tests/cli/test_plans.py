"""CLI tests for init, add, validate, show, log and edit: exact messages, exit codes, unchanged store on error."""
import json
import re
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
    assert set(rows[0]) == {"commit", "date", "event", "author", "summary", "note", "numbers"}
    assert [x["numbers"] for x in rows] == [[2], [1]]
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
    assert first.startswith("-     no date") and "plain git" in first  # no number: no step recorded
    assert rows["EHCP-0002"][0]["date"] in r.stdout.splitlines()[1]


def test_amend_edit_reopens_with_the_errors_and_keeps_the_text(ehcp, store_path: Path, monkeypatch):
    ehcp("add", PLAN)
    assert ehcp("amend", "start", "TEST-0001").exit_code == 0
    calls = []

    def fake_edit(text, **kw):
        calls.append(text)
        if len(calls) == 1:
            return text.replace("frequency: once a week in term time", "frequency: ''") + "# my notes\n"
        return text.replace("frequency: ''", "frequency: three times a week")

    monkeypatch.setattr("click.edit", fake_edit)
    r = ehcp("amend", "edit", "TEST-0001", input="y\n")
    assert r.exit_code == 0, r.stderr
    assert calls[1].startswith("#! ") and "how often" in calls[1].splitlines()[0]
    assert "# my notes" in calls[1]  # the caseworker's text came back, not the stored draft
    assert "three times a week" in (store_path / "plans/TEST-0001/proposed.yaml").read_text()


def test_mistyped_commands_and_plan_ids_get_a_suggestion(ehcp):
    ehcp("add", PLAN)
    r = ehcp("reveiw")
    assert r.exit_code == 2 and "Did you mean review" in r.stderr
    r = ehcp("show", "TEST-0010")
    assert r.exit_code == 2 and "Did you mean TEST-0001?" in r.stderr
    assert json.loads(ehcp("show", "test-0001", "--json").stdout)["id"] == "TEST-0001"


def test_store_after_the_command_and_implausible_dates(ehcp, store_path: Path):
    from click.testing import CliRunner

    from ehcp_docs.cli import cli

    ehcp("add", PLAN)
    r = CliRunner().invoke(cli, ["contribute", "TEST-0001", "--from", "parent", "--text", "T", "--date",
                                 "2072-01-12", "--store", str(store_path)])
    assert r.exit_code == 2 and "outside the plausible range" in r.stderr and "--force REASON" in r.stderr
    r = CliRunner().invoke(cli, ["contribute", "TEST-0001", "--from", "parent", "--text", "T", "--date",
                                 "12/01/2072", "--store", str(store_path), "--force", "Typed from a letter"])
    assert r.exit_code == 0, r.stderr
    last = json.loads((store_path / "plans/TEST-0001/events.jsonl").read_text().splitlines()[-1])
    assert (last["date"], last["date_forced"]) == ("2072-01-12", "Typed from a letter")


def test_who_is_spelled_from_everywhere_and_by_still_works(ehcp):
    ehcp("add", PLAN)
    for args in (("budget", "request", "TEST-0001", "--details", "x"), ("contribute", "TEST-0001", "--text", "y")):
        for spelling in ("--from", "--by"):
            r = ehcp(*args, spelling, "parent")
            assert r.exit_code == 0, (args, spelling, r.stderr)
        help_text = ehcp(*args[:-2], "--help").stdout if args[0] == "contribute" else \
            ehcp(args[0], args[1], "--help").stdout
        assert "--from" in help_text and "--by" not in help_text


def _slip_under_f3(text: str) -> tuple[str, int]:
    """The text with F3's `outcomes:` moved two spaces left: YAML only notices at F4's `- id:` line. Returns the
    text and the (1-based) line of the slip."""
    lines = text.split("\n")
    f4 = next(n for n, x in enumerate(lines) if x.strip() == "- id: F4")
    slip = max(n for n in range(f4) if lines[n].strip() == "outcomes:")
    lines[slip] = lines[slip][2:]
    return "\n".join(lines), slip + 1


def test_an_indentation_slip_is_named_at_its_line_and_item(ehcp, store_path: Path, tmp_path: Path, monkeypatch):
    from conftest import PLANS

    assert ehcp("add", PLANS / "EHCP-0002.yaml").exit_code == 0
    committed = (store_path / "plans/EHCP-0002/plan.yaml").read_text()
    text, line = _slip_under_f3(committed)
    bad = tmp_path / "fixed.yaml"
    bad.write_text(text)
    before = snapshot(store_path)
    r = ehcp("edit", "EHCP-0002", "--file", bad)
    assert r.exit_code == 1 and snapshot(store_path) == before
    assert f"fixed.yaml: is not valid YAML: line {line}, in Section F, provision F3 (" in r.stderr, r.stderr
    assert "indented by 4 spaces where it had 6" in r.stderr and "provision F4" not in r.stderr
    new = tmp_path / "new.yaml"  # a new plan has nothing to compare with: the part of the plan above is named
    new.write_text(text.replace("EHCP-0002", "EHCP-0098"))
    r = ehcp("add", new)
    assert r.exit_code == 1 and f"(line {line + 2}, column 5" in r.stderr and "in Section F" in r.stderr
    assert ehcp("amend", "start", "EHCP-0002").exit_code == 0
    calls = []

    def fake_edit(text, **kw):
        calls.append(text)
        return _slip_under_f3(text)[0] if len(calls) == 1 else calls[0]  # then the slip is put right

    monkeypatch.setattr("click.edit", fake_edit)
    r = ehcp("amend", "edit", "EHCP-0002", input="y\n")
    assert r.exit_code == 0, r.stderr
    note = calls[1].splitlines()[0]
    assert note.startswith("#! ") and "provision F3" in note
    shown = int(note.split(": line ")[1].split(",")[0])  # the line as the re-opened editor shows it
    assert calls[1].splitlines()[shown - 1].strip() == "outcomes:" and shown == line + 1


def test_settings_are_checked_committed_as_their_own_event_and_never_left_behind(ehcp, store_path: Path,
                                                                                  tmp_path: Path):
    ehcp("add", PLAN)
    toml = store_path / "ehcp.toml"
    good = toml.read_text()
    toml.write_text(good + '\n[[term]]\nstart = "2026-09-01"\n')
    r = ehcp("settings", "check")
    assert r.exit_code == 1 and "[term] is not a settings table (Did you mean terms?)" in r.stdout
    before = snapshot(store_path)
    assert ehcp("settings", "commit").exit_code == 1 and snapshot(store_path) == before
    toml.write_text(good.replace('[la]\n', '[la]\nphon = "0100"\n', 1))
    assert "[la] phon is not a setting (Did you mean phone?)" in ehcp("settings", "check").stdout
    toml.write_text(good + '\n[plan]\nlayout = "sideways"\n')
    assert '[plan] layout should be "classic" or "areas"' in ehcp("settings", "check").stdout
    toml.write_text(good + '\n[plan]\nlayout = "areas"\n')
    assert ehcp("settings", "check").exit_code == 0
    toml.write_text(re.sub(r"^name = .*$", 'name = "Examplecaster Council"', good, count=1, flags=re.M))
    assert toml.read_text() != good and ehcp("settings", "check").exit_code == 0
    server = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", str(server))
    git(store_path, "remote", "add", "origin", str(server))
    git(store_path, "push", "-q", "origin", "HEAD")
    r = ehcp("sync")
    assert r.exit_code == 1 and "ehcp settings commit" in r.stderr  # never "0 sent" with the edit left behind
    r = ehcp("contribute", "TEST-0001", "--from", "parent", "--text", "A suggestion")
    assert r.exit_code == 0 and "ehcp.toml has changes that are not committed" in r.stderr
    assert "ehcp.toml has changes" not in ehcp("show", "TEST-0001").stderr  # said by the steps that record
    r = ehcp("settings", "commit", "--date", "2026-11-02")
    assert r.exit_code == 0, r.stderr
    body = git(store_path, "log", "-1", "--format=%B")
    assert "EHCP-Event: settings-changed" in body and "EHCP-Date: 2026-11-02" in body
    assert git(store_path, "show", "--name-only", "--format=", "HEAD").split() == ["ehcp.toml"]
    assert git(store_path, "status", "--porcelain") == ""
    assert ehcp("settings", "commit").stderr.startswith("The settings have no changes.")
    r = ehcp("sync")
    assert r.exit_code == 0 and "sent" in r.stderr
    branch = git(store_path, "rev-parse", "--abbrev-ref", "HEAD").strip()
    assert git(server, "show", f"{branch}:ehcp.toml") == toml.read_text()


def test_a_mistyped_role_gets_a_suggestion_and_the_one_spelling(ehcp, store_path: Path):
    ehcp("add", PLAN)
    before = snapshot(store_path)
    r = ehcp("contribute", "TEST-0001", "--from", "helth", "--text", "T")
    assert r.exit_code == 2 and "Did you mean health?" in r.stderr and snapshot(store_path) == before
    assert "'--from'" in r.stderr and "--by" not in r.stderr  # the old spelling is never shown
    r = ehcp("concern", "add", "TEST-0001", "--by", "Setting", "--text", "T")  # any case, either spelling
    assert r.exit_code == 0, r.stderr
    assert json.loads((store_path / "plans/TEST-0001/events.jsonl").read_text().splitlines()[-1])["role"] == "setting"
