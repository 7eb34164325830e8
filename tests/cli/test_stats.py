"""`ehcp sen2`, `ehcp stats` and `ehcp report` at the command line: usage errors are exit code 2 with a message
in words, never a traceback; `--csv` is one header and one row; a broken plan is named."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import PLANS, git


def test_usage_errors_are_exit_2(ehcp):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    for args, words in ((["sen2", "--census", "21/01/2027"], "not a date"),
                        (["stats", "annual-reviews", "--year", "2026", "--json", "--csv"], "not both"),
                        (["stats", "annual-reviews", "--year", "1990"], "1990"),
                        (["stats", "phase-transfers", "--year", "2027", "--explain", "due_26"], "no column")):
        r = ehcp(*args)
        assert r.exit_code == 2 and words in r.stderr + r.stdout and "Traceback" not in r.stderr, args


def test_csv_is_one_header_and_one_row(ehcp):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    r = ehcp("stats", "annual-reviews", "--year", "2026", "--today", "2026-12-01", "--csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.exit_code == 0 and len(rows) == 1
    assert rows[0]["review_expected_2026"] == "5" and rows[0]["review_not_expected_2026"] == "1"
    words = ehcp("stats", "annual-reviews", "--year", "2026", "--today", "2026-12-01")
    assert "review_expected_2026" in words.stdout and "5" in words.stdout


def test_a_broken_journal_is_named_not_a_traceback(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    journal = store_path / "plans" / "EHCP-0003" / "events.jsonl"
    journal.write_text(journal.read_text(encoding="utf-8") + json.dumps(
        {"seq": 2, "event": "review-meeting", "date": "next Tuesday"}) + "\n", encoding="utf-8")
    git(store_path, "commit", "-qam", "a hand edit")
    for args in (["sen2", "--census", "2027-01-21"], ["stats", "check", "--year", "2026"],
                 ["report", "--out", str(store_path / "out" / "r.html")]):
        r = ehcp(*args)
        assert r.exit_code != 0 and "Traceback" not in r.stderr and "EHCP-0003" in r.stderr, (args, r.stderr)
