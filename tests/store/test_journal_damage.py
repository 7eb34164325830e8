"""Issue 17, item 10: damaged journals. Each line below is committed by hand with plain git into a plan's journal;
every command that reads the plan names the plan, the line and the problem (never a traceback), nothing is
appended to it, and `doctor` finds every one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PLANS, git, snapshot
from ehcp_docs.store import journal

PID = "EHCP-0002"
DEEP = "[" * 100_000 + "]" * 100_000
GOOD = ('{"seq": 2, "event": "contribution", "date": "2026-01-05", "recorded": "2026-01-05", "by": "x", '
        '"role": "parent", "text": "Hi."}')
RESOLVED = '{"seq": 2, "event": "contribution-resolved", "date": "2026-01-05", "contribution": 1, "taken_up": true}'
DAMAGED = {  # what replaces the journal's second line -> words the message must contain
    "not-an-object-number": ("42", "is not a set of fields"),
    "not-an-object-list": ("[1, 2]", "is not a set of fields"),
    "not-an-object-null": ("null", "is not a set of fields"),
    "not-an-object-string": ('"issued"', "is not a set of fields"),
    "missing-event": ('{"seq": 2, "date": "2026-01-05"}', "has no event name"),
    "event-null": ('{"seq": 2, "event": null, "date": "2026-01-05"}', "has no event name"),
    "unknown-event": ('{"seq": 2, "event": "teleported", "date": "2026-01-05"}', "has an unknown event"),
    "seq-text": (GOOD.replace('"seq": 2', '"seq": "x"'), "not a whole number"),
    "seq-nan": (GOOD.replace('"seq": 2', '"seq": NaN'), "holds NaN"),
    "seq-infinity": (GOOD.replace('"seq": 2', '"seq": Infinity'), "holds NaN"),
    "seq-float": (GOOD.replace('"seq": 2', '"seq": 2.0'), "not a whole number"),
    "seq-bool": (GOOD.replace('"seq": 2', '"seq": true'), "not a whole number"),
    "seq-repeated": (GOOD.replace('"seq": 2', '"seq": 1'), "where 2 was expected"),
    "seq-gap": (GOOD.replace('"seq": 2', '"seq": 7'), "where 2 was expected"),
    "date-impossible": (GOOD.replace('"date": "2026-01-05"', '"date": "2024-02-30"'), "not a real date"),
    "date-integer": (GOOD.replace('"date": "2026-01-05"', '"date": 20260105'), "not a real date"),
    "date-null": (GOOD.replace('"date": "2026-01-05"', '"date": null'), "not a real date"),
    "date-missing": (GOOD.replace('"date": "2026-01-05", ', ""), "not a real date"),
    "date-words": (GOOD.replace('"date": "2026-01-05"', '"date": "next July"'), "not a real date"),
    "recorded-impossible": (GOOD.replace('"recorded": "2026-01-05"', '"recorded": "2026-13-01"'), "not a real date"),
    "deep-array": (DEEP, "nested too deeply"),
    "not-json": ("{not json", "is not valid JSON"),
    # a known event without the data its readers need (status, open and show --contributions gave tracebacks)
    "contribution-no-text": (GOOD.replace(', "text": "Hi."', ""), "has no text (a contribution line needs one)"),
    "contribution-no-role": (GOOD.replace(', "role": "parent"', ""), "has no role (a contribution line needs one)"),
    "contribution-role-number": (GOOD.replace('"role": "parent"', '"role": 7'), "has a role field that is not text"),
    "resolved-no-contribution": (RESOLVED.replace('"contribution": 1, ', ""), "has no contribution"),
    "resolved-no-taken-up": (RESOLVED.replace(', "taken_up": true', ""), "has no taken_up"),
    "resolved-taken-up-text": (RESOLVED.replace('"taken_up": true', '"taken_up": "yes"'),
                               "has a taken_up field that is not true or false"),
    "resolved-contribution-bool": (RESOLVED.replace('"contribution": 1', '"contribution": true'),
                                   "has a contribution field that is not a whole number"),
    "mediation-actions-text": ('{"seq": 2, "event": "mediation-held", "date": "2026-01-05", "contact": 1, '
                               '"outcome": "agreed", "actions": "x"}', "has a actions field that is not a list"),
    "mediation-action-text": ('{"seq": 2, "event": "mediation-held", "date": "2026-01-05", "contact": 1, '
                              '"outcome": "agreed", "actions": ["x"]}',
                              "has an entry in actions that is not a set of fields"),
    "truncated": (GOOD[:30], "is not valid JSON"),
}
COMMANDS = [("review", "status", PID), ("status", PID), ("open", PID), ("show", PID, "--contributions"),
            ("render", PID), ("contribute", PID, "--from", "parent", "--text", "Hi."),
            ("deadlines", PID, "--today", "2026-11-28"), ("due", "--term", "spring-2027", "--today", "2026-11-28"),
            ("overdue", "--today", "2026-11-28"), ("lists", "--term", "spring-2027", "--today", "2026-11-28"),
            ("maintenance", "--today", "2026-11-28")]


def _damage(store: Path, text: str | None) -> None:
    path = store / "plans" / PID / "events.jsonl"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text("" if text is None else first + "\n" + text + "\n", encoding="utf-8")
    git(store, "commit", "-q", "-am", "journal typed by hand")


@pytest.fixture
def store(ehcp, store_path: Path) -> Path:
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    return store_path


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_a_damaged_journal_line_is_named_everywhere(ehcp, store: Path, case: str):
    text, words = DAMAGED[case]
    _damage(store, text)
    before = snapshot(store)
    for argv in COMMANDS:
        r = ehcp(*argv)
        assert r.exit_code == 1, (argv, r.stderr)
        assert f"plan {PID}: its journal (events.jsonl) is damaged: line 2 " in r.stderr, (argv, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr, (argv, r.stderr)
    assert snapshot(store) == before  # never appended to
    r = ehcp("doctor")
    assert r.exit_code == 1 and f"plan {PID}: its journal (events.jsonl) is damaged: line 2" in r.stdout


def test_an_empty_journal_is_damage(ehcp, store: Path):
    _damage(store, None)
    r = ehcp("doctor")
    assert r.exit_code == 1 and "holds no events" in r.stdout
    r = ehcp("contribute", PID, "--from", "parent", "--text", "Hi.")
    assert r.exit_code == 1 and "holds no events" in r.stderr


def test_ehcp_never_writes_nan():
    with pytest.raises(ValueError):
        journal.encode([{"seq": float("nan"), "event": "issued"}])
    assert json.loads(journal.encode([{"seq": 1, "event": "issued", "date": "2026-01-01"}]))["seq"] == 1


def test_the_corpus_size_is_stated():
    # the hostile journal inputs of this file: every damaged line, plus the empty journal
    assert len(DAMAGED) + 1 == 33


WHOLE_STORE = [("due", "--term", "spring-2027", "--today", "2026-11-28"),
               ("due", "--term", "spring-2027", "--today", "2026-11-28", "--format", "csv"),
               ("due", "--term", "spring-2027", "--today", "2026-11-28", "--json"),
               ("overdue", "--today", "2026-11-28"), ("overdue", "--today", "2026-11-28", "--json")]


def _without(stdout: str, pid: str) -> str:
    """The output with the plan's lines (text) or entries (JSON) taken out."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return "".join(line for line in stdout.splitlines(keepends=True) if pid not in line)
    if isinstance(data, dict):
        data["plans"] = [p for p in data["plans"] if p["plan"] != pid]
        data.pop("summary")
    else:
        data = [r for r in data if r["plan"] != pid]
    return json.dumps(data, sort_keys=True)


@pytest.mark.parametrize("case", ["not-an-object-number", "seq-nan", "missing-event", "deep-array"])
def test_a_damaged_journal_never_stops_the_rest_of_the_store(ehcp, store: Path, case: str):
    """`due`, `overdue` and `lists` answer for every other plan, name the damaged one on stderr and exit 1."""
    healthy = {argv: ehcp(*argv) for argv in WHOLE_STORE}
    assert all(r.exit_code == 0 for r in healthy.values())
    assert any(PID in r.stdout for r in healthy.values())  # the plan is in the answers before it is damaged
    _damage(store, DAMAGED[case][0])
    for argv in WHOLE_STORE:
        r = ehcp(*argv)
        assert r.exit_code == 1, (argv, r.stderr)
        assert f"plan {PID}: its journal (events.jsonl) is damaged: line 2 " in r.stderr, (argv, r.stderr)
        assert "1 plan(s) left out" in r.stderr and "Traceback" not in r.stderr
        assert PID not in r.stdout
        assert _without(r.stdout, PID) == _without(healthy[argv].stdout, PID), argv
        assert r.stdout.strip(), argv  # the other plans are still listed


def test_termly_lists_are_written_for_the_other_plans(ehcp, store: Path, tmp_path: Path):
    _damage(store, DAMAGED["not-an-object-number"][0])
    r = ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28", "--jobs", "1", "--out", tmp_path / "out")
    assert r.exit_code == 1, r.stderr
    assert f"plan {PID}: its journal (events.jsonl) is damaged: line 2 " in r.stderr
    assert "1 plan(s) left out" in r.stderr and "Traceback" not in r.stderr
    assert "reviews in spring-2027" in r.stderr
    written = list((tmp_path / "out").rglob("setting-*.xlsx"))
    assert written, r.stderr
