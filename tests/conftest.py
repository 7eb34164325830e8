"""Shared fixtures: every test runs with its own HOME and git identity, so nothing on the machine leaks in."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
AUTHOR = ("Casey Worker", "casey.worker@example.org")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for k, v in (("GIT_AUTHOR_NAME", AUTHOR[0]), ("GIT_AUTHOR_EMAIL", AUTHOR[1]),
                 ("GIT_COMMITTER_NAME", AUTHOR[0]), ("GIT_COMMITTER_EMAIL", AUTHOR[1])):
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("EHCP_STORE", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    return home


# The suite records steps on fixed dates in 2026 and 2027, and the real clock moves on: every store made by a test
# (in this process) is configured, in its ehcp.toml, to accept a step's --date up to two years ahead. The default
# (7 days, model/plausible.py) is tested by tests marked `default_dates`, whose stores keep ehcp.toml as shipped.
TEST_STEP_DAYS_AHEAD = 730


@pytest.fixture(autouse=True)
def test_store_dates(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    from ehcp_docs import config

    if request.node.get_closest_marker("default_dates"):
        return
    shipped = "# step_days_ahead = 7 "
    assert shipped in config.DEFAULT_TOML
    monkeypatch.setattr(config, "DEFAULT_TOML", config.DEFAULT_TOML.replace(
        shipped, f"step_days_ahead = {TEST_STEP_DAYS_AHEAD} "))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "default_dates: the test's stores keep the shipped plausible-date window")
    config.addinivalue_line("markers", "hostile: a hostile input of issue 17's corpus (counted at the end of the run)")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    from ehcp_docs.store.core import Store

    s = Store.create(tmp_path / "store")
    s.close()
    return tmp_path / "store"


@pytest.fixture
def ehcp(store_path: Path) -> Callable[..., Result]:
    """Runs `ehcp --store <store> ARGS...` in-process and returns click's Result (stdout and stderr apart)."""
    from ehcp_docs.cli import cli

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--store", str(store_path), *map(str, args)], input=input,
                                  catch_exceptions=False)
    return run


def git(store: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(store), *args], capture_output=True, text=True, check=True).stdout


def head(store: Path) -> str:
    return git(store, "rev-parse", "HEAD").strip()


def snapshot(store: Path) -> tuple[str, str]:
    """HEAD and the working tree status: a store 'exactly as it was' has both unchanged."""
    return head(store), git(store, "status", "--porcelain", "--untracked-files=all")


def sample_files() -> list[Path]:
    return sorted(PLANS.glob("*.yaml"))


def copy_fixture(name: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(FIXTURES / name, dest / name))


def filled_form(ehcp: Callable[..., Result], tmp_path: Path, pid: str = "EHCP-0002", drop: str | None = None) -> Path:
    """A meeting record for plan `pid` with every status set (one outcome left out with `drop`), as a file."""
    form = yaml.safe_load(ehcp("review", "record", pid, "--form").stdout)
    for row in form["progress"]:
        row["status"], row["evidence"] = "on-track", "Observation log."
        for t in row["targets"]:
            t["status"] = "achieved"
    form["attended"] = [{"name": "Sinéad Brennan", "role": "parent"}]
    form["child_views"], form["family_views"] = "Happy.", "Pleased."
    form["preparing_for_adulthood"] = "Discussed college options."
    if drop:
        form["progress"] = [r for r in form["progress"] if r["outcome"] != drop]
    f = tmp_path / f"meeting-{drop or 'ok'}.yaml"
    f.write_text(yaml.safe_dump(form, allow_unicode=True))
    return f


def amended_plan_issued(ehcp: Callable[..., Result], tmp_path: Path, pid: str = "EHCP-0004") -> None:
    """Every sample plan added, then plan `pid` amended outside a review (Section F, provision 1, three sessions a
    week): served 2026-10-12, the family's representation on 2026-10-20 answered, the final plan issued 2026-10-23,
    an appealable decision."""
    assert ehcp("add", *map(str, sorted(PLANS.glob("*.yaml")))).exit_code == 0
    plan = yaml.safe_load(ehcp("show", pid, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "3 sessions a week in term time"
    f = tmp_path / "proposed.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    assert ehcp("amend", "propose", pid, "--file", f, "--date", "2026-10-12", "--context", "outside-review",
                "--no-evidence", "the family asked for this change at the review").exit_code == 0
    said = ehcp("amend", "respond", pid, "--text", "We want more.", "--date", "2026-10-20")
    n = re.search(r"representations #(\d+)", said.stderr).group(1)  # each representation is answered on issue
    assert ehcp("amend", "issue", pid, "--date", "2026-10-23", "--answer", f"{n}=not-accepted").exit_code == 0


REFERENCE_FIELDS = ("file", "evidence", "agreement")  # the journal fields that name a file in the plan's folder


def references_hold(store: Path, pid: str) -> int:
    """Every file a journal line names resolves, at HEAD, to the bytes it held in the commit that recorded the
    line; returns how many were checked."""
    def show(rev: str, path: str) -> bytes:
        return subprocess.run(["git", "-C", str(store), "show", f"{rev}:plans/{pid}/{path}"], capture_output=True,
                              check=True).stdout

    commits = git(store, "log", "--reverse", "--format=%H", "--", f"plans/{pid}/events.jsonl").split()
    seen, checked = 0, 0
    for commit in commits:
        lines = [json.loads(line) for line in show(commit, "events.jsonl").decode().splitlines()]
        for line in lines[seen:]:
            for key in REFERENCE_FIELDS:
                value = line.get(key)
                for path in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
                    assert show("HEAD", path) == show(commit, path), (line["event"], path)
                    checked += 1
        seen = len(lines)
    return checked


def name_next_setting(ehcp: Callable[..., Result], tmp_path: Path, pid: str = "EHCP-0002") -> None:
    """Plan `pid` corrected (`ehcp edit`) so that Section I names the setting its recorded phase transfer goes to:
    a maintain decision in the transfer year is then allowed (issue 15.10). Nothing when no transfer is recorded."""
    plan = yaml.safe_load(ehcp("show", pid, "--json").stdout)
    if not (plan.get("transfer") or {}).get("next_setting"):
        return  # no transfer recorded with its next setting: nothing to name
    plan["sections"]["I"] = {"name": plan["transfer"]["next_setting"], "type": "Mainstream secondary academy"}
    f = tmp_path / f"named-{pid}.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    r = ehcp("edit", pid, "--file", f, "--note", "Section I names the school for the transfer")
    assert r.exit_code == 0, r.stderr


# ---- the hostile-input corpus (issue 17): every test of an attack is counted, and the total of inputs tried is
# stated at the end of the run. A module listed here is hostile input throughout; elsewhere a test is marked
# `@pytest.mark.hostile`. A test that tries many inputs in one go records how many with
# `record_property("hostile_inputs", N)`; every other test is one input.
HOSTILE_MODULES = frozenset({
    "test_hostile.py", "test_security.py", "test_journal_damage.py", "test_git_hazards.py", "test_spreadsheets.py",
    "test_personal_and_control.py", "test_evidence.py", "test_purge.py", "test_export.py", "test_small_tracebacks.py",
    "test_plausible_dates.py",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in HOSTILE_MODULES:
            item.add_marker(pytest.mark.hostile)


def hostile_tally(reports: list) -> tuple[int, int]:
    """(tests, inputs) of the hostile tests that ran (their call phase, passed or failed)."""
    tests = inputs = 0
    for rep in reports:
        if getattr(rep, "when", None) != "call" or "hostile" not in getattr(rep, "keywords", {}):
            continue
        tests += 1
        inputs += sum(int(v) for k, v in getattr(rep, "user_properties", []) if k == "hostile_inputs") or 1
    return tests, inputs


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])]
    tests, inputs = hostile_tally(reports)
    if tests:
        corpus = len([p for p in (Path(__file__).parent / "hostile").iterdir() if p.is_file()])
        terminalreporter.write_sep("=", f"hostile inputs tried: {inputs} in {tests} tests (corpus files in "
                                        f"tests/hostile/: {corpus})")
