"""Batch rendering: many documents in parallel, failures reported without stopping the others."""
from pathlib import Path

from conftest import PLANS
from ehcp_docs.documents.render import docx_text


def test_render_all_plans_in_parallel(ehcp, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    r = ehcp("render", "--all", "--jobs", "2", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    assert "Made 6 document(s) for 6 of 6 plan(s)" in r.stderr
    made = sorted(tmp_path.glob("*/*-plan.docx"))
    assert len(made) == 6
    assert all("Section K" in docx_text(p) for p in made)


def test_one_failure_does_not_stop_the_rest(ehcp, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    r = ehcp("render", "--all", "--doc", "decision", "--jobs", "1", "--out", tmp_path)
    assert r.exit_code == 1
    assert r.stderr.count("has no review decision to make a decision from") == 6
    assert "Made 0 document(s) for 0 of 6 plan(s)" in r.stderr


def test_due_in_term_limits_the_batch(ehcp, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    import json

    rows = json.loads(ehcp("due", "--term", "summer-2027", "--today", "2026-11-28", "--json").stdout)
    assert 0 < len(rows) < 6
    out = tmp_path / "out"
    r = ehcp("render", "--all", "--due-in", "summer-2027", "--today", "2026-11-28", "--out", out)
    assert r.exit_code == 0, r.stderr
    assert f"for {len(rows)} of {len(rows)} plan(s)" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(row["plan"] for row in rows)
    assert ehcp("render").exit_code == 2
