"""Management information on a generated store (benchmarks/make_store.py) with years of history: the DfE's
identities hold, `stats check` is clean, and the index gives exactly what the plain computation gives. (The same
on 2,000 plans x 3 years is run by `make bench`; see benchmarks/RESULTS.md.)"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT

TODAY = date(2026, 10, 30)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import make_store

    out = tmp_path_factory.mktemp("generated") / "store"
    mp = pytest.MonkeyPatch()
    for k, v in (("GIT_AUTHOR_NAME", "Casey Worker"), ("GIT_AUTHOR_EMAIL", "casey.worker@example.org"),
                 ("GIT_COMMITTER_NAME", "Casey Worker"), ("GIT_COMMITTER_EMAIL", "casey.worker@example.org"),
                 ("GIT_CONFIG_NOSYSTEM", "1"),
                 ("EHCP_INDEX", "0")):  # the build's `ehcp maintenance` prepares no day ahead (the tests ask)
        mp.setenv(k, v)
    try:
        make_store.build(out, 120, 3, 11, TODAY, log=lambda m: None)
    finally:
        mp.undo()
    return out


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_identities_hold_and_the_check_is_clean(generated: Path, year: int):
    from ehcp_docs.casework import returns
    from ehcp_docs.store import Store

    store = Store.open(generated)
    try:
        result = returns.check(store, year, TODAY)
        row = returns.annual_reviews(store, year, TODAY).row({})
    finally:
        store.close()
    assert result.failures == []
    assert row[f"review_expected_{year}"] == (row[f"review_completed_{year}"] + row[f"review_completed_prior_{year}"]
                                              + row["review_not_completed"])
    assert row[f"review_completed_{year}"] == (row["outcome_amended"] + row["outcome_ceased"] +
                                               row["outcome_maintained"] + row["no_outcome_recorded"])
    assert row[f"review_completed_{year}"] > 50  # the store really has reviews in every year
    assert row["decision_4_weeks"] > 0 and row["decision_over_4_weeks"] > 0


def test_the_index_answers_as_the_plain_computation(generated: Path):
    from ehcp_docs.casework import returns
    from ehcp_docs.store import Store

    store = Store.open(generated)
    try:
        warm = [returns.facts(store, TODAY) for _ in range(2)]
        plain = returns.facts(store, TODAY, use_index=False)
        sen2_index = returns.sen2(store, date(2026, 1, 15)).rows
        sen2_plain = returns.sen2(store, date(2026, 1, 15), use_index=False).rows
    finally:
        store.close()
    assert warm[0] == warm[1] == plain
    assert sen2_index == sen2_plain and len(sen2_index) > 100


def _transfers_by_version(store, year: int) -> set[str]:
    """Independently of casework/returns.py: every plan one of whose versions (read whole from the store by the
    blob its journal names) records a phase transfer whose reg 18 deadline falls in `year`."""
    from ehcp_docs import statutory

    found = set()
    for pid in store.plan_ids():
        versions = [store.plan(pid)] + [store.plan_version(pid, e["plan_blob"]) for e in store.events(pid)
                                        if e.get("plan_blob")]
        for v in versions:
            due = statutory.phase_transfer_due(v)
            if due is not None and due.year == year and due <= TODAY:
                found.add(pid)
    return found


@pytest.mark.parametrize("year", [2024])  # the generator records transfers due within 18 months of its start
def test_phase_transfers_of_earlier_plan_versions_count_in_their_own_year(generated: Path, year: int):
    """An amended plan that carries a transfer out records the next one instead: the transfer must still be counted
    in its own year (the table once counted only plans whose current version still recorded it: 0 or 1 of them)."""
    from ehcp_docs.casework import returns
    from ehcp_docs.store import Store

    store = Store.open(generated)
    try:
        truth = _transfers_by_version(store, year)
        table = returns.phase_transfers(store, year, TODAY)
        plain = returns.phase_transfers(store, year, TODAY, use_index=False)
        sen2 = returns.sen2(store, date(year + 1, 1, 15)).rows
    finally:
        store.close()
    yy = f"{year % 100:02d}"
    assert len(truth) >= 5  # the generated store really has transfers that year
    assert {m["plan"] for m in table.explain("number_plans")} == truth
    assert table.members == plain.members
    assert 0 < table.count(f"final_{yy}") <= table.count(f"due_{yy}") <= len(truth)
    with_due = {r["plan"] for r in sen2 if (r["phasetransferduedate"] or "").startswith(str(year))}
    assert with_due == truth & {r["plan"] for r in sen2}


def test_answers_brought_up_to_date_plan_by_plan_equal_the_plain_computation(generated: Path, tmp_path: Path):
    """The index keeps whole answers and, after a commit that changes one plan, works out only that plan's part
    again (store/index/answers.py): every answer equals the one computed without the index, before and after."""
    import json
    import shutil
    import subprocess

    from ehcp_docs.casework import returns
    from ehcp_docs.store import Store

    copy = tmp_path / "store"
    shutil.copytree(generated, copy, symlinks=True)

    def answers(use_index: bool | None) -> list:
        store = Store.open(copy)
        try:
            return [returns.annual_reviews(store, 2026, TODAY, use_index=use_index).as_json(),
                    returns.phase_transfers(store, 2024, TODAY, use_index=use_index).as_json(),
                    returns.check(store, 2026, TODAY, use_index=use_index).as_json(),
                    returns.sen2(store, date(2026, 1, 15), use_index=use_index).rows]
        finally:
            store.close()

    first = answers(None)
    assert answers(None) == first == answers(False)  # computed, then read back
    pid = sorted(p.name for p in (copy / "plans").iterdir())[3]
    journal = copy / "plans" / pid / "events.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines()
    journal.write_text("\n".join([*lines, json.dumps({
        "seq": len(lines) + 1, "event": "review-decision", "date": "2026-10-20", "recorded": "2026-10-20",
        "by": "A Caseworker", "decision": "maintain"})]) + "\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(copy), "commit", "-qam", "one event on one plan"], check=True)
    after = answers(None)
    assert after == answers(False)
    assert after != first  # the new decision changed the answers (an orphan decision, or a decided review)
