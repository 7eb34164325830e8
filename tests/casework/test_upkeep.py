"""`ehcp maintenance` keeps a store fast without changing a byte of its history; `ehcp doctor` says when it is
due. ehcp turns git's automatic gc off (a detached gc must never run beside a command holding the store lock),
so without maintenance every commit would leave its objects loose: millions of files after five years."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PLANS, git, head
from ehcp_docs.casework import upkeep


def loose_objects(store: Path) -> int:
    counts = dict(line.split(": ") for line in git(store, "count-objects", "-v").splitlines())
    return int(counts["count"])


def test_maintenance_packs_loose_objects_and_keeps_the_history(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    assert ehcp("review", "schedule", "EHCP-0002", "--meeting", "2027-01-20", "--venue", "School",
                "--date", "2026-11-28").exit_code == 0
    before_head, before_log = head(store_path), git(store_path, "log", "--format=%H %s", "--name-status")
    assert loose_objects(store_path) > 20
    done = ehcp("maintenance")
    assert done.exit_code == 0, done.output
    assert "objects packed" in done.stderr
    assert "commit-graph with changed-path Bloom filters written" in done.stderr
    assert loose_objects(store_path) == 0
    assert head(store_path) == before_head
    assert git(store_path, "log", "--format=%H %s", "--name-status") == before_log
    git(store_path, "fsck", "--no-dangling")  # raises on damage
    assert json.loads(ehcp("validate", "--all", "--json").stdout)[0]["valid"] is True
    again = ehcp("maintenance")
    assert again.exit_code == 0 and loose_objects(store_path) == 0


def test_doctor_advises_maintenance_when_many_objects_are_loose(ehcp, store_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    monkeypatch.setattr(upkeep, "LOOSE_ADVICE", 5)
    report = ehcp("doctor", "--json")
    assert report.exit_code == 0  # advice, not a problem
    advice = json.loads(report.stdout)["advice"]
    assert len(advice) == 1 and "run `ehcp maintenance`" in advice[0]
    assert ehcp("maintenance").exit_code == 0
    assert json.loads(ehcp("doctor", "--json").stdout)["advice"] == []
    text = ehcp("doctor")
    assert "advice:" not in text.output


def test_maintenance_prepares_the_calendar_for_today_and_tomorrow(ehcp, store_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch):
    from ehcp_docs.casework import caseload

    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    want = {day: json.loads(ehcp("due", "--term", "spring-2027", "--today", day, "--json").stdout)
            for day in ("2026-11-28", "2026-11-29")}
    want_overdue = json.loads(ehcp("overdue", "--today", "2026-11-29", "--json").stdout)
    from ehcp_docs.store import index
    from ehcp_docs.store.core import Store

    s = Store.open(str(store_path))
    index.clear(s)
    s.close()
    done = ehcp("maintenance", "--today", "2026-11-28")
    assert done.exit_code == 0, done.output
    assert ("calendar ready for 2026-11-28: due lists for autumn-2026 and spring-2027, and the drift report"
            in done.stderr)
    assert "calendar ready for 2026-11-29: due lists for autumn-2026 and spring-2027" in done.stderr

    def computed(*args, **kwargs):  # every answer below must come from what maintenance prepared
        raise AssertionError("computed again")

    monkeypatch.setattr(caseload, "_due_facts", computed)
    monkeypatch.setattr(caseload, "_overdue_facts", computed)
    for day, rows in want.items():
        assert json.loads(ehcp("due", "--term", "spring-2027", "--today", day, "--json").stdout) == rows
    assert json.loads(ehcp("overdue", "--today", "2026-11-29", "--json").stdout) == want_overdue
    # a day nobody prepared is computed as usual
    with pytest.raises(AssertionError, match="computed again"):
        ehcp("due", "--term", "spring-2027", "--today", "2026-11-30")


@pytest.mark.hostile
def test_maintenance_still_finishes_when_a_plan_needs_correcting(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    (store_path / "plans" / "EHCP-0003" / "plan.yaml").write_text("- not a plan\n", encoding="utf-8")
    git(store_path, "commit", "-q", "-am", "hand edit")
    done = ehcp("maintenance", "--today", "2026-11-28")
    assert done.exit_code == 1  # a nightly job notices
    assert "commit-graph with changed-path Bloom filters written" in done.stderr
    # the calendar is prepared for every other plan; the plan is named once, with what is wrong
    assert "calendar ready for 2026-11-28: due lists for" in done.stderr
    assert "calendar ready for 2026-11-29: due lists for" in done.stderr
    assert ("management information not prepared ahead: plan EHCP-0003: the file does not hold a plan (expected a "
            "set of fields such as id, child and sections)") in done.stderr
    assert done.stderr.count("warning: plan EHCP-0003") == 1 and "1 plan(s) left out" in done.stderr
