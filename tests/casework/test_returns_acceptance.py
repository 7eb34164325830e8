"""Issue 20's acceptance on a generated store of 2,000 plans x 3 years (benchmarks/make_store.py): every DfE
identity holds on real counts and `stats check` is clean; then a copy with one plan planted for each kind of error
the check looks for, and the check names every planted plan (and no other).

The store is generated once per test session (about 40 s), shared by the xdist workers through a lock in the
session's base folder; each test that changes it works on its own copy."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import AUTHOR, ROOT

TODAY = date(2026, 10, 30)  # the generator's last day of history
PLANS, YEARS, SEED = 2000, 3, 1
YEARS_CHECKED = (2024, 2025)  # whole calendar years inside the history (it starts on 2023-10-30)


@pytest.fixture(scope="session")
def generated_2000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # one folder for all of the session
    out = shared / f"generated-{PLANS}p-{YEARS}y"
    with open(shared / f"generated-{PLANS}p.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / ".done").exists():
            sys.path.insert(0, str(ROOT / "benchmarks"))
            import make_store

            mp = pytest.MonkeyPatch()
            for k, v in (("GIT_AUTHOR_NAME", AUTHOR[0]), ("GIT_AUTHOR_EMAIL", AUTHOR[1]),
                         ("GIT_COMMITTER_NAME", AUTHOR[0]), ("GIT_COMMITTER_EMAIL", AUTHOR[1]),
                         ("GIT_CONFIG_NOSYSTEM", "1"),
                         ("EHCP_INDEX", "0")):  # the build's `ehcp maintenance` prepares no day ahead (the tests ask)
                mp.setenv(k, v)
            try:
                make_store.build(out, PLANS, YEARS, SEED, TODAY, log=lambda m: None)
            finally:
                mp.undo()
            (out / ".done").write_text("ok\n")
    return out


def _open(path: Path) -> Iterator:
    from ehcp_docs.store import Store

    store = Store.open(path)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def tables(generated_2000: Path) -> dict:
    from ehcp_docs.casework import returns

    for store in _open(generated_2000):
        facts = returns.facts(store, TODAY)
        meetings = {pid: [e["date"] for e in store.events(pid) if e["event"] == "review-meeting"]
                    for pid in store.plan_ids()}
    years = (*YEARS_CHECKED, YEAR)
    return {year: (returns.annual_reviews_from(facts, year, TODAY), returns.phase_transfers_from(facts, year, TODAY),
                   returns.check_from(facts, year, TODAY)) for year in years} | {"meetings": meetings,
                                                                                  "facts": dict(facts)}


def _plans(table, column: str) -> set[str]:
    return {m["plan"] for m in table.members[column]}


@pytest.mark.parametrize("year", YEARS_CHECKED)
def test_every_dfe_identity_holds_on_real_counts(tables: dict, year: int):
    t, transfers, result = tables[year]
    row = t.row({})
    y = year
    # every count is real: the generated history has reviews of every kind, decided on time and late
    for column in ("total_ehc_plans", f"review_expected_{y}", f"review_completed_{y}", "outcome_amended",
                   "outcome_ceased", "outcome_maintained", "decision_4_weeks", "decision_over_4_weeks"):
        assert row[column] > 0, column
    assert row["total_ehc_plans"] > 1500
    # plans = review expected + review not expected
    assert row["total_ehc_plans"] == row[f"review_expected_{y}"] + row[f"review_not_expected_{y}"]
    # meetings plus no meeting = expected
    assert row[f"review_expected_{y}"] == (row[f"review_completed_{y}"] + row[f"review_completed_prior_{y}"]
                                           + row["review_not_completed"])
    # the outcomes sum to the completed reviews
    assert row[f"review_completed_{y}"] == (row["outcome_amended"] + row["outcome_ceased"]
                                            + row["outcome_maintained"] + row["no_outcome_recorded"])
    # within plus over 4 weeks = decisions (a whole past year: no decision is still within its 4 weeks)
    assert row["decision_not_yet_due"] == 0
    assert row[f"review_completed_{y}"] == row["decision_4_weeks"] + row["decision_over_4_weeks"]
    # the percentages are the DfE's shares
    assert row["decision_4_weeks_percent"] == round(100 * row["decision_4_weeks"] / row[f"review_completed_{y}"], 1)
    # no count is negative, and each column is a set of distinct plans
    for column, members in t.members.items():
        assert len({m["plan"] for m in members}) == len(members) >= 0, column
    # phase transfers: finals within the due, the due within the plans
    p = transfers.row({})
    yy = f"{y % 100:02d}"
    assert p["number_plans"] >= p[f"due_{yy}"] >= p[f"final_{yy}"] >= 0
    if y == 2024:  # the generator records transfers due within 18 months of its start
        assert p[f"final_{yy}"] > 50 and p["number_plans"] > 250
    # the pre-submission check is clean
    assert result.failures == [], [f.as_json() for f in result.failures]


@pytest.mark.parametrize("year", YEARS_CHECKED)
def test_completed_reviews_are_the_plans_with_a_meeting_that_year(tables: dict, year: int):
    """Counted a second way, from the journals themselves: an expected review is completed in the year when the
    plan's journal has a review meeting dated in it."""
    t = tables[year][0]
    with_meeting = {pid for pid, days in tables["meetings"].items() if any(d.startswith(str(year)) for d in days)}
    assert _plans(t, f"review_completed_{year}") == with_meeting & _plans(t, f"review_expected_{year}")
    assert not _plans(t, "review_not_completed") & with_meeting


# ---- planted errors ---------------------------------------------------------------------------------------------
YEAR = 2026
AS_OF = TODAY.isoformat()


def _append(store: Path, pid: str, *lines: tuple[str, str, dict]) -> None:
    path = store / "plans" / pid / "events.jsonl"
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for name, day, data in lines:
        records.append({"seq": len(records) + 1, "event": name, "date": day, "recorded": day, "by": "A Caseworker",
                        **data})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _clean_plans(tables: dict, n: int, *, meeting_in_year: bool) -> list[str]:
    """Plans the check says nothing about (maintained, every review decided, no meeting in YEAR's last months),
    with or without a review meeting in YEAR: each takes one planted error."""
    named = {p for f in [*tables[YEAR][2].failures, *tables[YEAR][2].listed] for p in f.plans}
    out = []
    for pid, f in sorted(tables["facts"].items()):
        days = tables["meetings"][pid]
        if (pid in named or f["ceasing"] or f["orphan_decisions"] or not f["reviews"]
                or any(r["decided"] is None for r in f["reviews"]) or any(d >= "2026-08-01" for d in days)
                or any(d.startswith(str(YEAR)) for d in days) != meeting_in_year):
            continue
        out.append(pid)
    return out[:n]


def test_stats_check_names_every_planted_error(generated_2000: Path, tables: dict, tmp_path: Path):
    from click.testing import CliRunner

    from ehcp_docs.cli import cli

    store = tmp_path / "planted"
    shutil.copytree(generated_2000, store, symlinks=True)
    assert tables[YEAR][2].failures == []  # clean before the errors are planted
    pids = _clean_plans(tables, 6, meeting_in_year=True) + _clean_plans(tables, 1, meeting_in_year=False)
    assert len(pids) == 7
    cease_none, cease_bad, orphan, twice, backwards, waiting, imported = pids
    # a decision to cease with no SEN2 reason code, and one whose code is not one of the DfE's 1-9
    _append(store, cease_none, ("review-meeting", "2026-03-02", {}),
            ("review-decision", "2026-03-12", {"decision": "cease"}),
            ("cease-decision", "2026-04-20", {"decision": "cease", "effective": "2026-06-20"}))
    _append(store, cease_bad, ("cease-decision", "2026-04-20", {"decision": "cease", "reason_code": 12,
                                                                "effective": "2026-06-20"}))
    # a review outcome with no meeting (nothing to hang it on: it would make "decisions outstanding" negative)
    _append(store, orphan, ("review-decision", "2026-06-15", {"decision": "maintain"}))
    # a second decision for one meeting (counted twice, the other way to a negative count)
    _append(store, twice, ("review-meeting", "2026-05-04", {}),
            ("review-decision", "2026-05-18", {"decision": "maintain"}),
            ("review-decision", "2026-05-25", {"decision": "amend"}))
    # a decision dated before its meeting (negative days to the decision)
    _append(store, backwards, ("review-meeting", "2026-05-10", {}),
            ("review-decision", "2026-05-01", {"decision": "maintain"}))
    # a meeting with no decision after 4 weeks: listed, and counted over 4 weeks with no outcome
    _append(store, waiting, ("review-meeting", "2026-08-03", {}))
    # a plan recording a review this year with no meeting or decision in its journal
    plan_file = store / "plans" / imported / "plan.yaml"
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan["last_reviewed"] = "2026-06-01"
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    subprocess.run(["git", "-C", str(store), "commit", "-qam", "errors planted by hand"], check=True)

    r = CliRunner().invoke(cli, ["--store", str(store), "stats", "check", "--year", str(YEAR), "--today", AS_OF,
                                 "--json"], catch_exceptions=False)
    assert r.exit_code == 1, r.output
    result = json.loads(r.stdout)
    failures = {f["check"]: f["plans"] for f in result["failures"]}
    listed = {f["check"]: f["plans"] for f in result["listed"]}
    assert failures == {"cease-without-reason": sorted([cease_none, cease_bad]),
                        "outcome-without-meeting": sorted([orphan, twice]),
                        "decision-before-meeting": [backwards]}
    assert waiting in listed["meeting-without-decision"]
    assert imported in listed["imported-review"]
    row = json.loads(CliRunner().invoke(cli, ["--store", str(store), "stats", "annual-reviews", "--year", str(YEAR),
                                              "--today", AS_OF, "--explain", "decision_over_4_weeks", "--json"],
                                        catch_exceptions=False).stdout)
    assert waiting in {m["plan"] for m in row}
    words = CliRunner().invoke(cli, ["--store", str(store), "stats", "check", "--year", str(YEAR), "--today", AS_OF],
                               catch_exceptions=False)
    assert words.exit_code == 1 and all(p in words.stdout for p in pids) and "Traceback" not in words.output
