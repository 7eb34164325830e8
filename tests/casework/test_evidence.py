"""Issue 17, item 7: an evidence file, once committed, is never overwritten; every journal reference still resolves
to the bytes that were recorded (two representations on one day; propose, withdraw and propose again)."""
from __future__ import annotations

import json
from pathlib import Path

from test_amendment import PID, proposed_file

from conftest import PLANS, git, references_hold


def _journal(store: Path) -> list[dict]:
    text = git(store, "show", f"HEAD:plans/{PID}/events.jsonl")
    return [json.loads(line) for line in text.splitlines()]


def _committed(store: Path, rel: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "-C", str(store), "show", f"HEAD:plans/{PID}/{rel}"], capture_output=True,
                          check=True).stdout


def test_two_representations_on_one_day_keep_both_letters(ehcp, store_path: Path, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    proposal, _, _ = proposed_file(ehcp, tmp_path)
    assert ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-02", "--no-evidence", "none",
                "--out", tmp_path).exit_code == 0
    sent = []
    for n, words in enumerate((b"%PDF-1.4 first letter from the family", b"%PDF-1.4 second letter, from the school")):
        f = tmp_path / f"letter-{n}.pdf"
        f.write_bytes(words)
        r = ehcp("amend", "respond", PID, "--date", "2026-11-05", "--file", f)
        assert r.exit_code == 0, r.stderr
        sent.append(words)
    lines = [e for e in _journal(store_path) if e["event"] == "representations"]
    assert len(lines) == 2 and lines[0]["file"] != lines[1]["file"]
    assert [_committed(store_path, line["file"]) for line in lines] == sent


def test_propose_withdraw_propose_again_on_the_same_day_keeps_the_first_evidence(ehcp, store_path: Path,
                                                                                  tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    proposal, _, _ = proposed_file(ehcp, tmp_path)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    first.write_bytes(b"%PDF-1.4 the first therapist report")
    second.write_bytes(b"%PDF-1.4 a different, later report")
    for f, step in ((first, "propose"), (None, "withdraw"), (second, "propose")):
        if step == "propose":
            r = ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-24", "--evidence", f,
                     "--title", "Advice",
                     "--out", tmp_path)
        else:
            r = ehcp("amend", "withdraw", PID, "--reason", "Not needed after all.", "--date", "2026-11-24",
                     "--out", tmp_path)
        assert r.exit_code == 0, r.stderr
    proposals = [e for e in _journal(store_path) if e["event"].startswith("amendment-proposed")]
    assert len(proposals) == 2
    assert proposals[0]["evidence"] != proposals[1]["evidence"]
    assert _committed(store_path, proposals[0]["evidence"][0]) == first.read_bytes()
    assert _committed(store_path, proposals[1]["evidence"][0]) == second.read_bytes()


def test_the_same_bytes_again_are_referenced_not_duplicated(ehcp, store_path: Path, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    proposal, _, _ = proposed_file(ehcp, tmp_path)
    ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-02", "--no-evidence", "none",
         "--out", tmp_path)
    f = tmp_path / "same.pdf"
    f.write_bytes(b"%PDF-1.4 same")
    for _ in range(2):
        assert ehcp("amend", "respond", PID, "--date", "2026-11-05", "--file", f).exit_code == 0
    lines = [e for e in _journal(store_path) if e["event"] == "representations"]
    assert lines[0]["file"] == lines[1]["file"]
    assert _committed(store_path, lines[0]["file"]) == b"%PDF-1.4 same"


def test_every_reference_holds_after_representations_and_proposals_on_one_day(ehcp, store_path: Path,
                                                                              tmp_path: Path):
    test_two_representations_on_one_day_keep_both_letters(ehcp, store_path, tmp_path)
    assert references_hold(store_path, PID) == 2
