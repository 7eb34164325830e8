"""Batch rendering: many documents in parallel, failures reported without stopping the others."""
import re
from pathlib import Path

from conftest import PLANS
from ehcp_docs.documents.saving import docx_text


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


# ---- the termly lists: one job per setting ---------------------------------------------------------------------
def _lists(ehcp, out: Path, *extra: str):
    return ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28", "--out", out, *extra)


def test_lists_in_parallel_equal_lists_one_at_a_time(ehcp, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    texts = []
    for jobs in ("1", "2"):
        r = _lists(ehcp, tmp_path / jobs, "--jobs", jobs)
        assert r.exit_code == 0, r.stderr
        assert "6 reviews in spring-2027; lists for 6 setting(s), health and social care. Send by" in r.stderr
        folder = tmp_path / jobs / "lists-spring-2027"
        names = sorted(p.name for p in folder.iterdir())
        assert len([n for n in names if n.endswith("-letter.docx")]) == 8  # 6 settings, health, social care
        assert {"health-icb.xlsx", "social-care.xlsx"} <= set(names)
        texts.append({n: docx_text(folder / n) for n in names if n.endswith(".docx")})
    assert texts[0] == texts[1]
    # files are reported in name order whatever order the workers finished in
    wrote = [line for line in r.stderr.splitlines() if line.startswith("Wrote ")]
    assert wrote == sorted(wrote) and len(wrote) == 6 * 2 + 2 * 2  # health and social care: list and letter


def test_one_setting_that_fails_does_not_stop_the_other_lists(ehcp, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    folder = tmp_path / "lists-spring-2027"
    blocked = folder / "setting-examplemouth-community-college-e56c7b83-letter.docx"
    blocked.mkdir(parents=True)  # something in the way of one letter (as a file open elsewhere would be)
    r = _lists(ehcp, tmp_path, "--jobs", "2")
    assert r.exit_code == 1
    assert ("warning: Examplemouth Community College: could not write setting-examplemouth-community-college-"
            "e56c7b83-letter.docx: Is a directory") in r.stderr
    assert ("6 reviews in spring-2027; lists for 5 of 6 setting(s), health and social care; 1 could not be "
            "written (listed above).") in r.stderr
    assert "Traceback" not in r.stderr
    letters = [p for p in folder.glob("setting-*-letter.docx") if p.is_file()]
    assert len(letters) == 5
    listed = [re.findall(r"EHCP-\d{4}", docx_text(p)) for p in letters]
    assert all(listed) and sorted(set(sum(listed, []))) == ["EHCP-0001", "EHCP-0002", "EHCP-0004", "EHCP-0005",
                                                            "EHCP-0006"]  # all but EHCP-0003's college
    assert (folder / "health-icb.xlsx").is_file() and (folder / "social-care.xlsx").is_file()


def test_a_whole_term_list_that_fails_is_named(ehcp, tmp_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    (tmp_path / "lists-spring-2027" / "health-icb.xlsx").mkdir(parents=True)
    r = _lists(ehcp, tmp_path, "--jobs", "1")
    assert r.exit_code == 1
    assert "warning: the health (ICB) list: could not write health-icb.xlsx: Is a directory" in r.stderr
    assert ("lists for 6 setting(s) and social care; 1 could not be written (listed above)." in r.stderr)


def test_each_batch_reads_its_own_store(tmp_path: Path):
    """Batches run one after another in one process (--jobs 1, or a script) each read the store they were given."""
    from ehcp_docs.casework import intake
    from ehcp_docs.documents import batch
    from ehcp_docs.store.core import Store

    for name, sample in (("a", "EHCP-0001"), ("b", "EHCP-0002")):
        s = Store.create(tmp_path / name)
        intake.add_plans(s, [PLANS / f"{sample}.yaml"])
        s.close()
    for name, pid in (("a", "EHCP-0001"), ("b", "EHCP-0002")):
        result = batch.render_many(tmp_path / name, [pid], "plan", tmp_path / "out" / name, jobs=1)
        assert result.failed == [] and [p.parent.name for p in result.made] == [pid]
