"""Team use across machines (sync through a bare repository), redacted export, purge after retention."""
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, git
from ehcp_docs.casework import export, intake, purge, sync
from ehcp_docs.errors import WorkflowError
from ehcp_docs.store.core import Store

PLAN = FIXTURES / "minimal_plan.yaml"


def plan_file(tmp: Path, pid: str, text_change: tuple[str, str] | None = None) -> Path:
    text = PLAN.read_text().replace("TEST-0001", pid)
    if text_change:
        text = text.replace(*text_change)
        if text_change[1].startswith("19"):  # an old plan: first issued before the young person turned 25
            text = text.replace("first_issued: '2024-05-10'", "first_issued: '2014-09-01'")
    f = tmp / f"{pid}.yaml"
    f.write_text(text)
    return f


@pytest.fixture
def two_clones(tmp_path: Path, store_path: Path):
    s = Store.open(str(store_path))
    intake.add_plans(s, [plan_file(tmp_path, "P-1"), plan_file(tmp_path, "P-2")])
    s.close()
    server = tmp_path / "server.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(store_path), str(server)], check=True)
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        subprocess.run(["git", "clone", "-q", str(server), str(d)], check=True)
    return Store.open(str(a)), Store.open(str(b)), server


def correct(store: Store, pid: str, old: str, new: str) -> None:
    text = store.read_file(f"plans/{pid}/plan.yaml").decode().replace(old, new)
    assert intake.correct_plan(store, pid, text, "2025-03-01", None)


def test_different_plans_merge_automatically(two_clones):
    a, b, server = two_clones
    correct(a, "P-1", "To be a vet.", "To be a vet (A).")
    correct(b, "P-2", "To be a vet.", "To be a vet (B).")
    assert sync.sync(a).result.pushed == 1
    result = sync.sync(b).result
    assert (result.pulled, result.pushed) == (1, 1)
    sync.sync(a)
    for s in (a, b):
        assert s.plan("P-1")["sections"]["A"]["aspirations"] == "To be a vet (A)."
        assert s.plan("P-2")["sections"]["A"]["aspirations"] == "To be a vet (B)."
    assert git(server, "log", "--format=%s", "main").count("plan corrected") == 2


def test_same_field_conflict_is_held_and_loses_nothing(two_clones):
    a, b, _ = two_clones
    correct(a, "P-1", "To be a vet.", "To be a vet (A).")
    correct(b, "P-1", "To be a vet.", "To be a vet (B).")
    sync.sync(a)
    mine = git(b.root, "rev-parse", "HEAD").strip()
    synced = sync.sync(b)
    assert [w.plan for w in synced.waiting] == ["P-1"]
    assert "Section A" in synced.waiting[0].conflicts[0] and "you: To be a vet (B)." in synced.waiting[0].conflicts[0]
    assert git(b.root, "rev-parse", "refs/ehcp/mine/P-1").strip() == mine  # our version kept
    assert "To be a vet (B)." in git(b.root, "show", "refs/ehcp/mine/P-1:plans/P-1/plan.yaml")
    assert b.plan("P-1")["sections"]["A"]["aspirations"] == "To be a vet (A)."  # theirs until resolved
    assert git(b.root, "status", "--porcelain") == ""


def test_redacted_export_has_no_personal_details():
    plan = yaml.safe_load(PLAN.read_text())
    out = export.redact(plan)
    text = yaml.safe_dump(out, allow_unicode=True)
    for secret in ("Zoë", "O'Brien", "Siobhan", "siobhan@example.org", "2016-03-14"):
        assert secret not in text
    assert out["child"]["date_of_birth"] == "2015-09-01"  # same school year as 2016-03-14
    assert out["sections"]["B"]["needs"][0]["description"].startswith("[name] has difficulty")


def test_purge_refuses_within_retention_then_erases_history(store_path: Path, tmp_path: Path):
    s = Store.open(str(store_path))
    intake.add_plans(s, [plan_file(tmp_path, "OLD-1", ("2016-03-14", "1990-03-14")), plan_file(tmp_path, "NEW-1")])
    with pytest.raises(WorkflowError, match="retention period"):
        purge.purge(s, "NEW-1", date(2026, 11, 28), "Casey")
    purge.purge(s, "OLD-1", date(2026, 11, 28), "Casey")
    assert "OLD-1" not in s.plan_ids() and "NEW-1" in s.plan_ids()
    everything = git(store_path, "log", "--all", "-p")
    assert "plans/OLD-1/plan.yaml" not in everything
    subject = git(store_path, "log", "-1", "--format=%B").splitlines()[0]
    assert subject == "OLD-1: plan purged after its retention period"
    assert '"plan": "OLD-1"' in (store_path / "purged.jsonl").read_text()
    assert subprocess.run(["git", "-C", str(store_path), "fsck"], capture_output=True).returncode == 0
    s.close()
