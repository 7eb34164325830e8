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
                 ("GIT_CONFIG_NOSYSTEM", "1")):
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
