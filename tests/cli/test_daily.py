"""The daily commands: `status` golden-tested at every stage of every process (ceased and transfer-year plans
included), `open`, `list`, `rules`, dates typed day first, and store-wide commands that go on past a broken plan."""
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from conftest import PLANS, ROOT, filled_form, git, name_next_setting, snapshot

GOLDEN = Path(__file__).parent / "golden" / "status"
PID = "EHCP-0002"  # Year 6: moves to secondary school on 2027-09-01 (phase transfer by 15 February)


@pytest.fixture
def store(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    return store_path


def golden(name: str, text: str) -> None:
    """Compares with tests/cli/golden/status/NAME.txt (EHCP_UPDATE_GOLDEN=1 rewrites it)."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("EHCP_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"status differs from {path.name}"


def status(ehcp, pid: str, today: str, name: str) -> dict:
    r = ehcp("status", pid, "--today", today)
    assert r.exit_code == 0, r.stderr
    golden(name, r.stdout)
    j = ehcp("status", pid, "--today", today, "--json")
    return json.loads(j.stdout)


def ok(result) -> None:
    assert result.exit_code == 0, result.stderr


def test_status_through_a_review_and_an_amendment(ehcp, store: Path, tmp_path: Path):
    s = status(ehcp, PID, "2026-12-01", "1-transfer-year-nothing-started")
    assert s["steps"][0]["step"] == "phase_transfer" and s["steps"][0]["due"] == "2027-02-14"  # before 2027-02-19
    assert s["next_command"] == f"ehcp review schedule {PID} --meeting D"
    ok(ehcp("review", "schedule", PID, "--meeting", "2027-01-12", "--date", "2026-12-01"))
    s = status(ehcp, PID, "2026-12-20", "2-scheduled")
    assert "ehcp review circulate EHCP-0002" in [r["command"] for r in s["steps"]]
    s = status(ehcp, PID, "2027-01-05", "3-advice-late")
    late = [r for r in s["steps"] if r["late"]]
    assert [r["step"] for r in late] == ["advice_circulation"] and late[0]["days_left"] < 0
    ok(ehcp("review", "circulate", PID, "--date", "2027-01-05"))
    ok(ehcp("review", "record", PID, "--file", filled_form(ehcp, tmp_path), "--date", "2027-01-12"))
    s = status(ehcp, PID, "2027-01-13", "4-meeting-held")
    assert [r["step"] for r in s["steps"]][:2] == ["review_report", "decision"]
    assert all("review schedule" not in r["command"] for r in s["steps"])
    ok(ehcp("review", "report", PID, "--date", "2027-01-19"))
    s = status(ehcp, PID, "2027-01-20", "4b-report-sent")
    assert "review_report" not in [r["step"] for r in s["steps"]]
    assert f"ehcp review decide {PID} --decision maintain|amend|cease" in [r["command"] for r in s["steps"]]
    ok(ehcp("review", "decide", PID, "--decision", "amend", "--date", "2027-01-26"))
    s = status(ehcp, PID, "2027-01-27", "5-decided-amend")
    assert s["next_command"] == f"ehcp amend propose {PID} --file PROPOSED.yaml"
    proposed = tmp_path / "proposed.yaml"
    plan = yaml.safe_load((store / f"plans/{PID}/plan.yaml").read_text())
    plan["sections"]["I"].update(name="Exampleford Academy", type="Mainstream academy (secondary)")
    proposed.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False))
    ok(ehcp("amend", "propose", PID, "--file", proposed, "--reason", "Next school named", "--date", "2027-01-28",
            "--no-evidence", "the school named at the review"))
    s = status(ehcp, PID, "2027-01-29", "6-proposed")
    commands = [r["command"] for r in s["steps"]]
    assert f"ehcp amend respond {PID} --text T" in commands and f"ehcp amend issue {PID}" in commands
    ok(ehcp("amend", "issue", PID, "--date", "2027-02-12"))
    s = status(ehcp, PID, "2027-02-13", "7-issued")
    assert all(r["process"] not in ("amendment", "phase transfer") for r in s["steps"])


def test_status_of_requests_concerns_reassessment_and_ceasing(ehcp, store: Path):
    ok(ehcp("concern", "add", "EHCP-0003", "--from", "parent", "--text", "Therapy sessions missed", "--date",
            "2026-11-20"))
    ok(ehcp("budget", "request", "EHCP-0003", "--by", "parent", "--details", "Direct payment", "--date",
            "2026-11-21"))
    ok(ehcp("review", "request", "EHCP-0003", "--by", "parent", "--reason", "New diagnosis", "--date", "2026-11-22"))
    ok(ehcp("reassess", "request", "EHCP-0003", "--by", "parent", "--date", "2026-11-23"))
    s = status(ehcp, "EHCP-0003", "2026-12-21", "8-requests-concern-reassessment")
    assert {"concerns", "requests", "re-assessment"} <= set(s["processes"])
    assert any(r["late"] and r["step"] == "concern_response" for r in s["steps"])
    assert [o["number"] for o in s["open"]] == [2, 3, 4]
    ok(ehcp("cease", "propose", "EHCP-0005", "--reason", "4", "--details", "Moved into paid work", "--date",
            "2026-11-02"))
    s = status(ehcp, "EHCP-0005", "2026-11-03", "9-cease-proposed")
    assert "ehcp cease decide EHCP-0005" in [r["command"] for r in s["steps"]]
    ok(ehcp("cease", "decide", "EHCP-0005", "--date", "2026-11-30"))
    s = status(ehcp, "EHCP-0005", "2026-12-01", "10-cease-decided")
    assert s["steps"][-1]["step"] == "cease_effective" and not s["ceased"]
    s = status(ehcp, "EHCP-0005", "2027-03-01", "11-ceased")
    assert s["ceased"] and s["next_review_due"] is None
    assert not any("review schedule" in (r["command"] or "") for r in s["steps"])
    assert "None" not in ehcp("status", "EHCP-0005", "--today", "2026-12-31").stdout


def test_status_after_representations_and_a_reassessment_refused(ehcp, store: Path, tmp_path: Path):
    proposed = tmp_path / "proposed.yaml"
    plan = yaml.safe_load((store / "plans/EHCP-0003/plan.yaml").read_text())
    plan["sections"]["A"]["aspirations"] = "To work with animals."
    proposed.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False))
    ok(ehcp("amend", "propose", "EHCP-0003", "--file", proposed, "--reason", "New aspiration", "--date",
            "2026-11-02", "--no-evidence", "the family's own words"))
    ok(ehcp("amend", "respond", "EHCP-0003", "--text", "We agree", "--date", "2026-11-09"))
    s = status(ehcp, "EHCP-0003", "2026-11-10", "12-representations-received")
    commands = [r["command"] for r in s["steps"]]
    assert not any("amend respond" in (c or "") for c in commands)
    issue = s["next_command"].replace("accepted|accepted-in-part|not-accepted", "accepted").replace("=T", "=Agreed")
    assert issue == "ehcp amend issue EHCP-0003 --answer 3=accepted --why 3=Agreed"  # the command works as given
    ok(ehcp(*issue.split()[1:], "--date", "2026-11-12"))
    ok(ehcp("reassess", "request", "EHCP-0005", "--from", "parent", "--date", "2026-11-02"))
    ok(ehcp("reassess", "decide", "EHCP-0005", "--decision", "refuse", "--reason", "No new needs",
            "--date", "2026-11-10"))
    s = status(ehcp, "EHCP-0005", "2026-11-11", "13-reassessment-refused")
    assert "re-assessment" not in s["processes"]


def test_status_through_mediation_an_order_and_its_compliance(ehcp, store_path: Path, tmp_path: Path):
    """Issue 19.3: mediation and the Tribunal order's compliance steps are in `ehcp status` with the command that
    carries them out (the amend route); a late one is marked late there and is "Tribunal order not complied with"
    in the drift report."""
    from conftest import amended_plan_issued

    pid = "EHCP-0004"
    amended_plan_issued(ehcp, tmp_path, pid)
    ok(ehcp("mediation", "contact", pid, "--wants-mediation", "yes", "--about", "education,health",
            "--date", "2026-10-26"))
    s = status(ehcp, pid, "2026-10-27", "order-1-mediation-wanted")
    assert {r["step"]: r["process"] for r in s["steps"] if r["process"] == "mediation"} == {
        "mediation_health_notice": "mediation", "mediation_arranged": "mediation"}
    assert s["next_command"] == f"ehcp mediation health-notified {pid} --date D"
    ok(ehcp("mediation", "health-notified", pid, "--date", "2026-10-27"))
    ok(ehcp("mediation", "arranged", pid, "--date", "2026-11-02"))
    ok(ehcp("mediation", "held", pid, "--outcome", "not-agreed", "--date", "2026-11-16"))
    ok(ehcp("mediation", "certificate", pid, "--date", "2026-11-18"))
    ok(ehcp("appeal", "register", pid, "--against", "amended-plan", "--about", "F", "--date", "2026-11-25"))
    ok(ehcp("appeal", "order", pid, "--order", "amend", "--date", "2027-02-10"))
    s = status(ehcp, pid, "2027-02-20", "order-2-compliance-pending")
    row = next(r for r in s["steps"] if r["step"] == "order_amend")
    assert (row["process"], row["due"], row["late"]) == ("Tribunal order", "2027-03-17", False)
    assert row["command"] == f"ehcp amend propose {pid} --file PROPOSED.yaml"
    s = status(ehcp, pid, "2027-03-20", "order-3-compliance-late")
    row = next(r for r in s["steps"] if r["step"] == "order_amend")
    assert row["late"] and row["days_left"] == -3
    drift = json.loads(ehcp("overdue", "--today", "2027-03-20", "--json").stdout)
    assert drift["summary"].get("Tribunal order not complied with") == 1
    assert "order_amend" in [o["step"] for p in drift["plans"] if p["plan"] == pid for o in p["overdue"]]
    plan = yaml.safe_load(ehcp("show", pid, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "4 sessions a week in term time"
    f = tmp_path / "ordered.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    ok(ehcp("amend", "propose", pid, "--file", f, "--date", "2027-03-21", "--no-evidence", "the Tribunal order"))
    s = status(ehcp, pid, "2027-03-22", "order-4-proposed")
    assert next(r for r in s["steps"] if r["step"] == "order_amend")["command"] == f"ehcp amend issue {pid}"
    ok(ehcp("amend", "issue", pid, "--date", "2027-03-24"))
    s = status(ehcp, pid, "2027-03-25", "order-5-complied-late")
    assert not [r for r in s["steps"] if r["process"] == "Tribunal order"]
    assert [d["on_time"] for d in s["done"] if d["step"] == "order_amend"] == [False]


def test_status_cease_date_is_the_calendars_after_a_certificate_and_an_appeal(ehcp, store: Path):
    """The ceasing row of `status` is the calendar's: a certificate recorded after the decision moves the appeal
    deadline and the cease date in both; while an appeal against ceasing is pending there is no cease date."""
    pid = "EHCP-0005"
    ok(ehcp("cease", "propose", pid, "--reason", "4", "--details", "Moved into paid work", "--date", "2026-11-02"))
    ok(ehcp("cease", "decide", pid, "--date", "2026-11-30"))
    ok(ehcp("mediation", "contact", pid, "--wants-mediation", "no", "--date", "2027-01-20"))
    ok(ehcp("mediation", "certificate", pid, "--date", "2027-01-25"))
    s = json.loads(ehcp("status", pid, "--today", "2027-01-26", "--json").stdout)
    d = json.loads(ehcp("deadlines", pid, "--today", "2027-01-26", "--json").stdout)
    row = next(r for r in s["steps"] if r["step"] == "cease_effective")
    assert d["appeal_deadline"] == "2027-02-25"  # 1 month from the certificate, later than 2 months
    assert row["due"] == "2027-02-26" and "appeals by 2027-02-25" in row["description"]
    ok(ehcp("appeal", "register", pid, "--against", "cease", "--date", "2027-02-10"))
    s = json.loads(ehcp("status", pid, "--today", "2027-03-01", "--json").stdout)
    assert not [r for r in s["steps"] if r["step"] == "cease_effective"] and s["ceased"] is None


def test_review_status_is_an_alias(ehcp, store: Path):
    assert ehcp("review", "status", PID, "--today", "2026-12-01").stdout == \
        ehcp("status", PID, "--today", "2026-12-01").stdout


def test_open_lists_numbers_the_commands_take(ehcp, store: Path):
    ok(ehcp("contribute", PID, "--from", "parent", "--text", "More time outdoors please", "--date", "2026-11-02"))
    ok(ehcp("concern", "add", PID, "--from", "setting", "--text", "Transport late", "--date", "2026-11-03"))
    rows = json.loads(ehcp("open", PID, "--json").stdout)
    assert [(r["number"], r["command"]) for r in rows] == [
        (2, f"ehcp contribution resolve {PID} 2 --taken-up"), (3, f"ehcp concern respond {PID} 3 --text T")]
    ok(ehcp("concern", "respond", PID, "3", "--text", "Fixed with the operator", "--date", "2026-11-05"))
    assert [r["number"] for r in json.loads(ehcp("open", PID, "--json").stdout)] == [2]
    text = ehcp("open", PID).stdout
    assert text.splitlines()[0].split()[:3] == ["number", "what", "date"] and "contribution resolve" in text


def test_log_shows_each_events_number(ehcp, store: Path):
    ok(ehcp("contribute", PID, "--from", "parent", "--text", "More time outdoors", "--date", "2026-11-02"))
    lines = ehcp("log", PID).stdout.splitlines()
    assert lines[0].startswith("#2 ") and lines[-1].startswith("#1 ")
    assert json.loads(ehcp("log", PID, "--json").stdout)[0]["numbers"] == [2]


def test_list_filters_and_json(ehcp, store: Path):
    rows = json.loads(ehcp("list", "--json", "--today", "2026-12-01").stdout)
    assert [r["plan"] for r in rows] == [f"EHCP-000{i}" for i in range(1, 7)]
    assert {"plan", "name", "setting", "next_review_due", "open_processes"} <= set(rows[0])
    some = json.loads(ehcp("list", "--json", "--today", "2026-12-01", "--due-before", "31/01/2027").stdout)
    assert all(r["next_review_due"] <= "2027-01-31" for r in some) and 0 < len(some) < 6
    table = ehcp("list", "--today", "2026-12-01").stdout.splitlines()
    assert table[0].split()[:3] == ["plan", "name", "setting"] and "phase_transfer" not in "\n".join(table)
    assert any(line.startswith("LATE") for line in table)
    assert len({len(line) - len(line.lstrip()) for line in table[1:] if not line.startswith("LATE")}) == 1


def test_rules_json_and_the_generated_page_is_current(ehcp):
    rows = json.loads(ehcp("rules", "--json").stdout)
    assert all(r["basis"] and r["effective_from"] for r in rows)
    review = next(r for r in rows if r["rule"] == "concern_response")
    assert review["options"][0]["name"] == "concern_response_working_days"
    page = ehcp("rules", "--markdown").stdout
    assert page == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), \
        "docs/rules.md is out of date: run `ehcp rules --markdown > docs/rules.md`"


def test_dates_typed_day_first(ehcp, store: Path):
    ok(ehcp("contribute", PID, "--from", "parent", "--text", "A thought", "--date", "02/11/2026"))
    assert json.loads(ehcp("open", PID, "--json").stdout)[0]["date"] == "2026-11-02"
    r = ehcp("show", PID, "--at", "31/02/2026")
    assert r.exit_code == 2 and "31/01/2027 or 2027-01-31" in r.stderr
    assert ehcp("show", PID, "--at", "01/06/2026").exit_code == 0
    r = ehcp("status", PID, "--today", "2026/13/01")
    assert r.exit_code == 2 and "is not a date" in r.stderr


def test_one_broken_plan_does_not_stop_the_store(ehcp, store: Path):
    (store / "plans/EHCP-0002/plan.yaml").write_text("id: EHCP-0002\nchild: [not, a, child\n")
    git(store, "commit", "-qam", "broken by hand")
    for args in (("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-12-01", "--json"),
                 ("overdue", "--today", "2026-12-01", "--json"), ("lint", "--all", "--json"),
                 ("list", "--json")):
        r = ehcp(*args)
        assert r.exit_code == 1, args
        assert "EHCP-0002" in r.stderr and "Traceback" not in r.stderr
        found = json.dumps(json.loads(r.stdout))
        assert "EHCP-0003" in found or args[0] == "overdue", args  # the others are still there
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-12-01", "--out", store.parent / "lists")
    assert r.exit_code == 1 and "EHCP-0002" in r.stderr
    assert list((store.parent / "lists").rglob("*.xlsx"))


def test_edit_repairs_a_plan_broken_by_hand_and_doctor_says_how(ehcp, store: Path):
    good = (store / "plans/EHCP-0002/plan.yaml").read_text()
    (store / "plans/EHCP-0002/plan.yaml").write_text("id: EHCP-0002\nchild: [not, a, child\n")
    git(store, "commit", "-qam", "broken by hand")
    doctor = ehcp("doctor")
    assert doctor.exit_code == 1 and "ehcp edit EHCP-0002 --file FIXED.yaml" in doctor.stdout
    fixed = store.parent / "fixed.yaml"
    fixed.write_text(good)
    r = ehcp("edit", "EHCP-0002", "--file", fixed)
    assert r.exit_code == 0, r.stderr
    assert (store / "plans/EHCP-0002/plan.yaml").read_text() == good
    assert ehcp("doctor").exit_code == 0


def test_an_edit_changes_only_the_lines_it_changes(ehcp, store: Path):
    shown = ehcp("show", PID).stdout
    edited = store.parent / "edited.yaml"
    edited.write_text(re.sub(r"aspirations: .*", "aspirations: To drive trains.", shown, count=1))
    ok(ehcp("edit", PID, "--file", edited))
    stat = git(store, "show", "--numstat", "--format=", "HEAD", "--", f"plans/{PID}/plan.yaml").split()
    assert stat[:2] == ["1", "1"]


def test_steps_out_of_order_say_which_step_is_missing(ehcp, store: Path, tmp_path: Path, monkeypatch):
    name_next_setting(ehcp, tmp_path)  # Section I names the school for the transfer: maintain is allowed
    form = filled_form(ehcp, tmp_path)
    before = snapshot(store)
    r = ehcp("review", "record", PID, "--file", form, "--date", "2027-01-12")  # a script: nobody to ask
    assert r.exit_code == 1 and "--without-schedule" in r.stderr and "reg 20(2)" in r.stderr, r.stderr
    assert "nothing was recorded" in r.stderr and snapshot(store) == before
    ok(ehcp("review", "schedule", PID, "--meeting", "2027-01-12", "--date", "2026-12-01"))
    ok(ehcp("review", "circulate", PID, "--date", "2026-12-20"))
    ok(ehcp("review", "record", PID, "--file", form, "--date", "2027-01-12"))
    before = snapshot(store)
    r = ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2027-01-20")
    assert r.exit_code == 1 and "--without-report" in r.stderr and "reg 20(7)" in r.stderr, r.stderr
    assert "send the review report to everyone invited" in r.stderr and snapshot(store) == before
    monkeypatch.setattr("ehcp_docs.cli.output.can_ask", lambda: True)  # a person at a terminal is asked
    r = ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2027-01-20", input="n\n")
    assert r.exit_code == 1 and "Decide anyway" in r.stderr and "--without-report" in r.stderr
    assert snapshot(store) == before
    r = ehcp("review", "decide", PID, "--decision", "maintain", "--date", "2027-01-20", "--without-report")
    assert r.exit_code == 0, r.stderr
    assert "no review report has been sent" in r.stderr and "reg 20(7)" in r.stderr
    assert "phase transfer" not in r.stderr  # Section I names the next school: the decision meets reg 18
    decided = [json.loads(x) for x in (store / f"plans/{PID}/events.jsonl").read_text().splitlines()][-1]
    assert decided["event"] == "review-decision" and decided["steps_missing"] == ["review_report"]


def test_a_step_out_of_order_at_a_terminal_or_forced_records_what_is_missing(ehcp, store: Path, tmp_path: Path,
                                                                             monkeypatch):
    form = filled_form(ehcp, tmp_path)
    monkeypatch.setattr("ehcp_docs.cli.output.can_ask", lambda: True)
    r = ehcp("review", "record", PID, "--file", form, "--date", "2027-01-12", input="y\n")
    assert r.exit_code == 0 and "Record it anyway" in r.stderr, r.stderr
    r = ehcp("--force", "the report was sent by the school", "review", "decide", PID, "--decision", "amend",
             "--date", "2027-01-20")
    assert r.exit_code == 0, r.stderr
    lines = [json.loads(x) for x in (store / f"plans/{PID}/events.jsonl").read_text().splitlines()]
    assert lines[-2]["event"] == "review-meeting" and lines[-2]["steps_missing"] == ["invitations"]
    assert lines[-1]["steps_missing"] == ["review_report"]
    assert lines[-1]["order_forced"] == "the report was sent by the school"


def test_cease_reason_by_code_or_name(ehcp, store: Path):
    ok(ehcp("cease", "propose", "EHCP-0005", "--reason", "paid employment", "--date", "2026-11-02"))
    ok(ehcp("cease", "propose", "EHCP-0003", "--reason", "4", "--date", "2026-11-02"))
    codes = [json.loads((store / f"plans/{p}/events.jsonl").read_text().splitlines()[-1])["reason_code"]
             for p in ("EHCP-0005", "EHCP-0003")]
    assert codes == [4, 4]
    r = ehcp("cease", "propose", "EHCP-0006", "--reason", "paid emplyment", "--date", "2026-11-02")
    assert r.exit_code == 2 and "Did you mean moved on to paid employment?" in r.stderr


def test_tables_are_plain_text_when_piped_or_no_color(ehcp, store: Path, monkeypatch):
    ok(ehcp("contribute", PID, "--from", "parent", "--text", "More time outdoors", "--date", "2026-11-02"))
    for colour in ("", "1"):
        if colour:
            monkeypatch.setenv("NO_COLOR", colour)
        for args in (("list", "--today", "2026-12-01"), ("overdue", "--today", "2026-12-01"), ("open", PID)):
            out = ehcp(*args).stdout
            assert "\x1b[" not in out and out.strip(), args


def test_plan_ids_complete_from_the_store(store: Path):
    from click.testing import CliRunner

    from ehcp_docs.cli import cli

    r = CliRunner().invoke(cli, [], prog_name="ehcp", env={
        "_EHCP_COMPLETE": "bash_complete", "COMP_WORDS": "ehcp status ehcp-000", "COMP_CWORD": "2",
        "EHCP_STORE": str(store)})
    assert r.stdout.split() == [f"plain,EHCP-000{i}" for i in range(1, 7)]
