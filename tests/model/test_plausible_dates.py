"""Issue 17 point 9 and issue 18 point 9: plausible dates, in one place (model/plausible.py) and configurable in
ehcp.toml's `[dates]` table. By default a step's --date may be at most 7 days after the real today, a date a step
looks ahead to (a meeting) at most a year, a plan's dates at most a year ahead and a date of birth at most 26 years
before the plan was first issued; `--force REASON` records a step outside its range, with the reason. Every
command that takes --date goes through the one check (Transaction.add_event)."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
import yaml

from conftest import PLANS, git, snapshot
from ehcp_docs import config
from ehcp_docs.model import plausible

PID = "EHCP-0002"
TODAY = date.today()


def _ahead(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def _set_dates(ehcp, store: Path, table: str) -> None:
    """Sets keys of the shipped settings' [dates] table and commits them, as an LA would."""
    toml = store / "ehcp.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("\n[dates]\n", f"\n[dates]\n{table}\n"),
                    encoding="utf-8")
    r = ehcp("settings", "commit")
    assert r.exit_code == 0, r.stderr


def _journal(store: Path, pid: str = PID) -> list[dict]:
    return [json.loads(line) for line in (store / "plans" / pid / "events.jsonl").read_text().splitlines()]


@pytest.mark.default_dates
def test_the_settings_table_and_the_window_agree():
    assert config.KNOWN["dates"] == plausible.KEYS
    assert set(config.DATES) == set(plausible.KEYS)
    assert plausible.Window(step_days_ahead=7, years_ahead=1, birth_years=26) == plausible.DEFAULT
    for key in plausible.KEYS:
        assert f"# {key} = {getattr(plausible.DEFAULT, key)} " in config.DEFAULT_TOML  # shipped, commented


@pytest.mark.default_dates
def test_a_date_more_than_a_week_ahead_is_refused_by_default_naming_the_field_and_the_range(ehcp, store_path):
    assert "\nstep_days_ahead" not in (store_path / "ehcp.toml").read_text()  # the shipped settings
    assert ehcp("add", PLANS / f"{PID}.yaml").exit_code == 0
    before = snapshot(store_path)
    r = ehcp("contribute", PID, "--from", "parent", "--text", "T", "--date", _ahead(8))
    assert r.exit_code == 2, r.stderr
    assert (f"plan {PID}: the step's date (--date) {_ahead(8)} is outside the plausible range, 2021-02-15 (the "
            f"plan's first issue) to {_ahead(7)} (7 days from today)") in r.stderr
    assert "--force REASON" in r.stderr and "[dates]" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(store_path) == before
    r = ehcp("contribute", PID, "--from", "parent", "--text", "T", "--date", _ahead(7))
    assert r.exit_code == 0, r.stderr
    r = ehcp("contribute", PID, "--from", "parent", "--text", "T", "--date", "2021-02-14")
    assert r.exit_code == 2 and "2021-02-14 is outside the plausible range" in r.stderr


@pytest.mark.default_dates
def test_force_records_the_date_with_the_reason_in_the_journal_and_names_it_in_the_commit(ehcp, store_path):
    assert ehcp("add", PLANS / f"{PID}.yaml").exit_code == 0
    r = ehcp("--force", "Dated as on the family's letter", "contribute", PID, "--from", "parent", "--text", "T",
             "--date", _ahead(40))
    assert r.exit_code == 0, r.stderr
    last = _journal(store_path)[-1]
    assert (last["date"], last["date_forced"]) == (_ahead(40), "Dated as on the family's letter")
    message = git(store_path, "log", "-1", "--format=%B")
    assert f"EHCP-Date-Forced: {PID} contribution {_ahead(40)} (reason in the journal)" in message
    assert "family's letter" not in message  # free text stays in the journal, which purge erases
    plain = ehcp("contribute", PID, "--from", "parent", "--text", "T")
    assert plain.exit_code == 0
    assert "date_forced" not in _journal(store_path)[-1]
    assert "EHCP-Date-Forced" not in git(store_path, "log", "-1", "--format=%B")


@pytest.mark.default_dates
def test_a_meeting_more_than_a_year_ahead_is_refused_naming_the_meeting(ehcp, store_path):
    assert ehcp("add", PLANS / f"{PID}.yaml").exit_code == 0
    before = snapshot(store_path)
    far = plausible.years_on(TODAY, 1) + timedelta(days=1)
    r = ehcp("review", "schedule", PID, "--meeting", far.isoformat())
    assert r.exit_code == 2, r.stderr
    assert f"the meeting date (--meeting) {far.isoformat()} is outside the plausible range" in r.stderr
    assert "(a year from today)" in r.stderr
    assert snapshot(store_path) == before


@pytest.mark.default_dates
def test_the_window_is_configured_in_ehcp_toml(ehcp, store_path):
    assert ehcp("add", PLANS / f"{PID}.yaml").exit_code == 0
    _set_dates(ehcp, store_path, "step_days_ahead = 30")
    assert ehcp("contribute", PID, "--from", "parent", "--text", "T", "--date", _ahead(30)).exit_code == 0
    r = ehcp("contribute", PID, "--from", "parent", "--text", "T", "--date", _ahead(31))
    assert r.exit_code == 2 and f"to {_ahead(30)} (30 days from today)" in r.stderr, r.stderr


@pytest.mark.default_dates
def test_plan_dates_and_dates_of_birth_follow_the_configured_window(ehcp, store_path, tmp_path):
    plan = yaml.safe_load((PLANS / f"{PID}.yaml").read_text(encoding="utf-8"))
    plan["issued"] = plausible.years_on(TODAY, 2).isoformat()
    plan["child"]["date_of_birth"] = "1992-01-01"  # 29 years before first issue (2021)
    f = tmp_path / f"{PID}.yaml"
    f.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    r = ehcp("add", f)
    assert r.exit_code == 1
    assert "issued: is more than a year ahead of today" in r.stdout + r.stderr
    assert "more than 26 years before the plan was first issued" in r.stdout + r.stderr
    _set_dates(ehcp, store_path, "years_ahead = 3\nbirth_years = 30")
    r = ehcp("add", f)
    assert r.exit_code == 0, r.stdout + r.stderr


@pytest.mark.default_dates
@pytest.mark.parametrize("table, words", [
    ("step_days_ahead = -1", "[dates] step_days_ahead should be a whole number from 0 to 3660"),
    ('years_ahead = "one"', "[dates] years_ahead should be a whole number from 1 to 50"),
    ("birth_years = true", "[dates] birth_years should be a whole number from 18 to 120"),
    ("step_days_ahaed = 7", "[dates] step_days_ahaed is not a setting (did you mean step_days_ahead?)"),
])
def test_a_bad_dates_setting_is_named(ehcp, store_path, table: str, words: str):
    toml = store_path / "ehcp.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[dates]\n", f"[dates]\n{table}\n"), encoding="utf-8")
    r = ehcp("settings", "check")
    assert r.exit_code != 0 and words in (r.stdout + r.stderr).replace("Did you mean", "did you mean"), r.stderr


def _date_commands() -> list[tuple[str, ...]]:
    """Every command (by its path of names) that takes --date."""
    from ehcp_docs.cli import cli

    out: list[tuple[str, ...]] = []

    def walk(cmd: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, (*path, name))
        elif any("--date" in p.opts for p in cmd.params if isinstance(p, click.Option)):
            out.append(path)
    walk(cli, ())
    return out


@pytest.mark.default_dates
def test_no_command_records_a_step_dated_past_the_window(ehcp, store_path, monkeypatch, record_property):
    """Every command with --date, dated 40 days ahead, on a plan that has had a review scheduled: none records
    a step dated then (each is refused by the one check, or by its own earlier checks)."""
    monkeypatch.setenv("EDITOR", "false")  # `edit` and `amend edit` open an editor: it fails at once
    monkeypatch.setenv("VISUAL", "false")
    commands = _date_commands()
    assert len(commands) >= 30, commands
    assert ehcp("add", PLANS / f"{PID}.yaml").exit_code == 0
    assert ehcp("review", "schedule", PID, "--meeting", _ahead(3)).exit_code == 0
    far = _ahead(40)
    refused = []
    for path in commands:
        r = ehcp(*path, PID, "--date", far)
        assert "Traceback" not in r.stderr, path
        if "outside the plausible range" in r.stderr:
            assert r.exit_code == 2, path
            refused.append(path)
        assert all(e["date"] != far for e in _journal(store_path)), path
    assert {("amend", "start"), ("review", "circulate")} <= set(refused), refused
    for argv in (("contribute", PID, "--from", "parent", "--text", "T"), ("concern", "add", PID, "--from", "parent",
                 "--text", "T"), ("budget", "request", PID, "--from", "parent", "--details", "D"),
                 ("reassess", "request", PID, "--from", "parent"), ("cease", "propose", PID, "--reason", "1"),
                 ("review", "schedule", PID, "--meeting", _ahead(60))):
        r = ehcp(*argv, "--date", far)
        assert r.exit_code == 2 and "outside the plausible range" in r.stderr, (argv, r.stderr)
    assert all(e["date"] != far for e in _journal(store_path))
    record_property("hostile_inputs", len(commands) + 6)


def _commit_by_hand(store: Path, pid: str, old: str, new: str) -> None:
    """A colleague's edit with plain git: none of ehcp's checks ran on it."""
    f = store / "plans" / pid / "plan.yaml"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new), encoding="utf-8")
    git(store, "commit", "-q", "-am", "edited by hand")


@pytest.mark.default_dates
def test_doctor_and_validate_all_name_plans_committed_by_hand_with_impossible_dates(ehcp, store_path):
    from conftest import sample_files

    assert ehcp("add", *sample_files()).exit_code == 0
    assert ehcp("validate", "--all").exit_code == 0  # every result now in the index
    _commit_by_hand(store_path, "EHCP-0001", "\nissued: '2026-03-02'", "\nissued: '9999-12-31'")
    _commit_by_hand(store_path, "EHCP-0002", "date_of_birth: '2015-11-04'", "date_of_birth: '0001-01-01'")
    before = snapshot(store_path)
    issued = "plans/EHCP-0001/plan.yaml: issued: is more than a year ahead of today"
    born = "plans/EHCP-0002/plan.yaml: child, date of birth: is more than 26 years before the plan was first issued"
    r = ehcp("validate", "--all")
    assert r.exit_code == 1
    assert [line.split(" (")[0] for line in r.stdout.splitlines()] == [issued, born]
    r = ehcp("doctor")
    assert r.exit_code == 1
    assert f"problem: {issued}" in r.stdout and f"problem: {born}" in r.stdout, r.stdout
    assert "9999" not in r.stderr + r.stdout and "0001-01-01" not in r.stderr + r.stdout  # field, not value
    r = ehcp("review", "status", "EHCP-0001")
    assert r.exit_code == 1 and "plan EHCP-0001: issued: is more than a year ahead" in r.stderr
    assert snapshot(store_path) == before


@pytest.mark.default_dates
def test_narrowing_the_dates_settings_makes_a_plan_accepted_before_fail(ehcp, store_path):
    """The checks' cache is keyed by the window: a result cached under the old `[dates]` is not reused."""
    from conftest import sample_files

    assert ehcp("add", *sample_files()).exit_code == 0
    # 20 years before first issue (2014-11-03): plausible by default (26), not once birth_years is 18
    _commit_by_hand(store_path, "EHCP-0005", "date_of_birth: '2006-07-30'", "date_of_birth: '1994-07-30'")
    assert ehcp("validate", "--all").exit_code == 0
    assert ehcp("doctor").exit_code == 0
    assert ehcp("review", "status", "EHCP-0005").exit_code == 0
    _set_dates(ehcp, store_path, "birth_years = 18")
    want = ("plans/EHCP-0005/plan.yaml: child, date of birth: is more than 18 years before the plan was first "
            "issued")
    r = ehcp("validate", "--all")
    assert r.exit_code == 1 and want in r.stdout, r.stdout
    r = ehcp("doctor")
    assert r.exit_code == 1 and f"problem: {want}" in r.stdout, r.stdout
    r = ehcp("review", "status", "EHCP-0005")
    assert r.exit_code == 1 and "plan EHCP-0005: child, date of birth: is more than 18 years" in r.stderr
    toml = store_path / "ehcp.toml"  # and back: accepted again
    toml.write_text(toml.read_text(encoding="utf-8").replace("birth_years = 18\n", ""), encoding="utf-8")
    assert ehcp("settings", "commit").exit_code == 0
    assert ehcp("validate", "--all").exit_code == 0


def test_the_checks_cache_key_changes_with_the_window_and_the_day():
    from ehcp_docs.store import checks

    day = date(2026, 12, 2)
    base = checks.cache_key("plans/A-1/plan.yaml", "0" * 40, checks.judged_by(plausible.DEFAULT, day))
    others = [checks.judged_by(plausible.Window(birth_years=18), day),
              checks.judged_by(plausible.Window(years_ahead=2), day),
              checks.judged_by(plausible.Window(step_days_ahead=8), day),
              checks.judged_by(plausible.DEFAULT, day + timedelta(days=1))]
    keys = {checks.cache_key("plans/A-1/plan.yaml", "0" * 40, j) for j in others}
    assert base not in keys and len(keys) == 4
