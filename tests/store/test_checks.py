"""Checking every plan at once (bulkcheck, `validate --all`): the same problems, in the same order and words, as
checking each committed file one by one, whether results come from the cache, the process pool or neither;
and a plan edited by hand and committed with plain git is never answered from a stale result."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import PLANS, git
from ehcp_docs.errors import EhcpError
from ehcp_docs.model.validation import check_plan
from ehcp_docs.store import checks, index
from ehcp_docs.store.core import Store
from ehcp_docs.store.index import cache as index_cache


def reference(path: Path) -> list[tuple[str, list[str]]]:
    """The one-file-at-a-time check that `validate --all` did before the cache and the pool."""
    store = Store.open(str(path))
    out = []
    try:
        for pid in store.plan_ids():
            for name, reader in (("plan.yaml", store.plan), ("proposed.yaml", store.proposal)):
                if name == "proposed.yaml" and store.read_file(f"plans/{pid}/{name}") is None:
                    continue
                try:
                    doc = reader(pid)
                    check_plan(doc, f"plans/{pid}/{name}")
                    problems = [] if doc.get("id") == pid else [f"plans/{pid}/{name}: its id is {doc.get('id')}, "
                                                                f"not {pid}"]
                except EhcpError as e:
                    problems = e.messages or [e.message]
                out.append((f"plans/{pid}/{name}", problems))
        return out
    finally:
        store.close()


def checked(path: Path, jobs: int = 1) -> list[tuple[str, list[str]]]:
    store = Store.open(str(path))
    try:
        return [(r.name, r.problems) for r in checks.validate_store(store, jobs=jobs)]
    finally:
        store.close()


def commit_by_hand(store: Path, changes: dict[str, str | None], message: str = "hand edit") -> None:
    for rel, text in changes.items():
        f = store / rel
        if text is None:
            f.unlink()
        else:
            f.write_text(text, encoding="utf-8")
    git(store, "add", "-A", "plans")
    git(store, "commit", "-q", "-m", message)


@pytest.fixture
def damaged(ehcp, store_path: Path) -> Path:
    """The six samples, then plain git commits that break four of them in different ways."""
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    p1 = (store_path / "plans/EHCP-0001/plan.yaml").read_text(encoding="utf-8")
    p4 = (store_path / "plans/EHCP-0004/plan.yaml").read_text(encoding="utf-8")
    commit_by_hand(store_path, {
        "plans/EHCP-0001/plan.yaml": re.sub(r"\n *frequency: 1 session a week in term time, in blocks of 6 weeks "
                                            r"with a 2-week break\n", "\n", p1, count=1),
        "plans/EHCP-0002/plan.yaml": "id: EHCP-0002\nchild: [not, a, child\n",
        "plans/EHCP-0003/plan.yaml": (store_path / "plans/EHCP-0003/plan.yaml").read_text(encoding="utf-8")
        .replace("id: EHCP-0003", "id: EHCP-0099", 1),
        "plans/EHCP-0004/proposed.yaml": p4.replace("issued:", "issued: not a date\nold_issued:", 1),
    })
    return store_path


def test_problems_are_those_of_each_file_checked_alone(damaged: Path):
    ref = reference(damaged)
    assert [name for name, _ in ref] == ["plans/EHCP-0001/plan.yaml", "plans/EHCP-0002/plan.yaml",
                                         "plans/EHCP-0003/plan.yaml", "plans/EHCP-0004/plan.yaml",
                                         "plans/EHCP-0004/proposed.yaml", "plans/EHCP-0005/plan.yaml",
                                         "plans/EHCP-0006/plan.yaml"]
    bad = {name: problems for name, problems in ref if problems}
    assert set(bad) == {"plans/EHCP-0001/plan.yaml", "plans/EHCP-0002/plan.yaml", "plans/EHCP-0003/plan.yaml",
                        "plans/EHCP-0004/proposed.yaml"}
    assert bad["plans/EHCP-0001/plan.yaml"] == ["plans/EHCP-0001/plan.yaml: Section F, provision F1 (Individual "
                                                "speech and language therapy…): how often is missing"]
    assert bad["plans/EHCP-0003/plan.yaml"] == ["plans/EHCP-0003/plan.yaml: its id is EHCP-0099, not EHCP-0003"]
    assert bad["plans/EHCP-0002/plan.yaml"][0].startswith("plan EHCP-0002: is not valid YAML")
    assert checked(damaged) == ref  # cold: computed and stored
    assert checked(damaged) == ref  # warm: read back
    assert checked(damaged, jobs=2) == ref


def test_index_off_and_pool_give_the_same_answer(damaged: Path, monkeypatch: pytest.MonkeyPatch):
    ref = reference(damaged)
    monkeypatch.setattr(checks, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(checks, "CHUNK", 2)
    assert checked(damaged, jobs=2) == ref  # four chunks over two worker processes
    monkeypatch.setenv("EHCP_INDEX", "0")
    assert checked(damaged, jobs=1) == ref


def test_warm_run_checks_nothing_and_a_hand_edit_is_rechecked(damaged: Path, monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    real = checks.check_blob
    monkeypatch.setattr(checks, "check_blob",
                        lambda path, data, judged=None: calls.append(path) or real(path, data, judged))
    first = checked(damaged)
    assert len(calls) == 7
    calls.clear()
    assert checked(damaged) == first and calls == []
    fixed = (PLANS / "EHCP-0002.yaml").read_text(encoding="utf-8")
    commit_by_hand(damaged, {"plans/EHCP-0002/plan.yaml": fixed, "plans/EHCP-0004/proposed.yaml": None})
    after = checked(damaged)
    assert calls == ["plans/EHCP-0002/plan.yaml"]
    assert dict(after)["plans/EHCP-0002/plan.yaml"] == []
    assert "plans/EHCP-0004/proposed.yaml" not in dict(after)
    assert after == reference(damaged)
    calls.clear()
    monkeypatch.setattr(checks, "_FINGERPRINT", "new checking code")
    assert checked(damaged) == after and len(calls) == 6  # new code: nothing reused


def test_damaged_cache_rows_are_misses(damaged: Path):
    ref = reference(damaged)
    assert checked(damaged) == ref
    db = sqlite3.connect(damaged / ".git" / index.DIRNAME / index.FILENAME)
    try:
        keys = [r[0] for r in db.execute("SELECT key FROM checked")]
        assert len(keys) == 7
        # a row that says "no problems" under another file's key must not be believed
        db.execute("UPDATE checked SET data=? WHERE key=?", (index_cache._pack(keys[1], []), keys[0]))
        db.execute("UPDATE checked SET data=? WHERE key=?", (b"not zlib", keys[2]))
        db.commit()
    finally:
        db.close()
    assert checked(damaged) == ref


def test_validate_all_cli_reports_every_problem(damaged: Path, ehcp):
    result = ehcp("validate", "--all", "--json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert [r["file"] for r in rows if not r["valid"]] == ["plans/EHCP-0001/plan.yaml", "plans/EHCP-0002/plan.yaml",
                                                          "plans/EHCP-0003/plan.yaml",
                                                          "plans/EHCP-0004/proposed.yaml"]
    text = ehcp("validate", "--all")
    assert text.exit_code == 1
    assert "3 valid, 4 with problems" in text.stderr
    assert "plans/EHCP-0003/plan.yaml: its id is EHCP-0099, not EHCP-0003" in text.stdout


def test_files_are_read_the_same_in_a_pool(ehcp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`validate FILES` and `add FILES` check many files in worker processes: same problems, same order."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    files = []
    for f in sorted(PLANS.glob("*.yaml")):
        files.append(folder / f.name)
        files[-1].write_bytes(f.read_bytes())
    bad = folder / "EHCP-0007.yaml"
    bad.write_text((PLANS / "EHCP-0001.yaml").read_text(encoding="utf-8").replace("id: EHCP-0001", "id: EHCP-0007")
                   .replace("        frequency: daily, 5 days a week\n", "", 1), encoding="utf-8")
    files.insert(2, bad)
    alone = ehcp("validate", *files, "--json")
    monkeypatch.setattr(checks, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(checks, "CHUNK", 2)
    pooled = ehcp("validate", *files, "--json")
    assert alone.exit_code == pooled.exit_code == 1
    assert json.loads(pooled.stdout) == json.loads(alone.stdout)
    assert [r["file"] for r in json.loads(pooled.stdout) if not r["valid"]] == ["EHCP-0007.yaml"]
    refused = ehcp("add", *files)
    assert refused.exit_code == 1 and "EHCP-0007.yaml: Section F" in refused.output
    assert ehcp("add", *[f for f in files if f != bad]).exit_code == 0
    assert json.loads(ehcp("validate", "--all", "--json").stdout) == [
        {"file": f"plans/{f.stem}/plan.yaml", "valid": True, "problems": []} for f in files if f != bad]
