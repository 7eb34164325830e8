"""The calendar across the store (casework/caseload.py): a plan the index leaves to the plain path is computed
with its journal read inside the guard that words problems for a caseworker, never as a traceback."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import PLANS, git


def test_a_journal_line_of_the_wrong_shape_is_named_not_a_traceback(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    journal = store_path / "plans" / "EHCP-0003" / "events.jsonl"
    journal.write_text(journal.read_text(encoding="utf-8") + json.dumps([1]) + "\n", encoding="utf-8")
    git(store_path, "commit", "-qam", "a hand edit")
    for args in (["due", "--term", "spring-2027"], ["overdue"]):
        r = ehcp(*args)
        assert r.exit_code != 0 and "Traceback" not in r.stderr, args
        assert "EHCP-0003" in r.stderr, (args, r.stderr)
