"""`ehcp maintenance` keeps a store fast without changing a byte of its history; `ehcp doctor` says when it is
due. ehcp turns git's automatic gc off (a detached gc must never run beside a command holding the store lock),
so without maintenance every commit would leave its objects loose: millions of files after five years."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PLANS, git, head
from ehcp_docs import upkeep


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
