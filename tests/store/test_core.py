"""The plan store: one commit per change with trailers, nothing written on failure, crash leftovers repaired."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, git, head, snapshot
from ehcp_docs.casework import intake
from ehcp_docs.errors import Conflict, InvalidPlan, NotFound, StoreError, UsageError
from ehcp_docs.store.core import Store, commit_message
from ehcp_docs.store.gitstore import blob_sha
from ehcp_docs.store.paths import check_id, safe_filename


@pytest.fixture
def store(store_path: Path):
    s = Store.open(str(store_path))
    yield s
    s.close()


def test_init_makes_a_private_repository_with_one_commit(store_path: Path):
    assert (store_path / "ehcp.toml").is_file()
    assert os.stat(store_path).st_mode & 0o777 == 0o700
    assert git(store_path, "log", "--format=%s").splitlines() == ["Plan store created"]
    assert git(store_path, "branch", "--show-current").strip() == "main"
    assert (store_path / ".git" / "objects" / "info" / "commit-graph").exists()


def test_add_is_one_commit_with_trailers(store: Store, store_path: Path):
    added = intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    assert added.plans == ["TEST-0001"]
    body = git(store_path, "log", "-1", "--format=%B")
    assert body == ("TEST-0001: plan issued\n\nEHCP-Plan: TEST-0001\nEHCP-Event: issued\nEHCP-Date: 2024-05-10\n\n")
    assert "Zoë" not in body
    trailers = git(store_path, "log", "--format=%(trailers:key=EHCP-Event,valueonly)").split()
    assert trailers == ["issued", "init"]
    events = store.events("TEST-0001")
    assert [(e["seq"], e["event"], e["date"]) for e in events] == [(1, "issued", "2024-05-10")]
    assert events[0]["plan_blob"] == blob_sha((store_path / "plans/TEST-0001/plan.yaml").read_bytes())


def test_adding_an_existing_id_changes_nothing(store: Store, store_path: Path):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    before = snapshot(store_path)
    with pytest.raises(InvalidPlan, match="already in the store"):
        intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    assert snapshot(store_path) == before


def test_duplicate_in_batch_changes_nothing(store: Store, store_path: Path, tmp_path: Path):
    copy = tmp_path / "again.yaml"
    copy.write_bytes((FIXTURES / "minimal_plan.yaml").read_bytes())
    before = snapshot(store_path)
    with pytest.raises(InvalidPlan) as e:
        intake.add_plans(store, [FIXTURES / "minimal_plan.yaml", copy])
    assert e.value.messages == ["again.yaml: plan id TEST-0001 is also used by minimal_plan.yaml in this batch"]
    assert snapshot(store_path) == before


def test_correction_without_change_makes_no_commit(store: Store):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    text = (FIXTURES / "minimal_plan.yaml").read_text()
    before = head(store.root)
    assert intake.correct_plan(store, "TEST-0001", text, "2025-01-01", None) is None
    assert head(store.root) == before


def test_plan_at_date_picks_the_version_in_force(store: Store):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    text = (FIXTURES / "minimal_plan.yaml").read_text().replace("once a week in term time", "twice a week")
    intake.correct_plan(store, "TEST-0001", text, "2025-01-01", None)
    freq = lambda p: p["sections"]["F"]["provision"][0]["frequency"]  # noqa: E731
    assert freq(store.plan_at("TEST-0001", "2024-12-31")[0]) == "once a week in term time"
    assert freq(store.plan_at("TEST-0001", "2025-01-01")[0]) == "twice a week"
    with pytest.raises(NotFound, match="not yet in force on 2024-01-01"):
        store.plan_at("TEST-0001", "2024-01-01")


def test_optimistic_concurrency_refuses_a_stale_edit(store: Store):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    seen = intake.latest_commit(store, "TEST-0001")
    text = (FIXTURES / "minimal_plan.yaml").read_text()
    corrected = text.replace("To be a vet.", "To be a vet or a farmer.")
    intake.correct_plan(store, "TEST-0001", corrected, "2025-01-01", seen)
    with pytest.raises(Conflict, match=r"plan TEST-0001 changed since you opened it \(commit [0-9a-f]{10} by Casey"):
        intake.correct_plan(store, "TEST-0001", text.replace("To be a vet.", "To ride horses."), "2025-01-02", seen)


def test_failure_inside_a_transaction_leaves_no_trace(store: Store, store_path: Path):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    before = snapshot(store_path)
    with pytest.raises(RuntimeError), store.transaction("correction") as txn:
        txn.add_event("TEST-0001", "correction", "2025-01-01", by="x")
        raise RuntimeError("boom")
    assert snapshot(store_path) == before


def test_recover_rolls_back_a_half_applied_write(store: Store, store_path: Path):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    before = snapshot(store_path)
    path = "plans/TEST-0001/plan.yaml"
    (store_path / ".git" / "ehcp-txn.json").write_text(json.dumps({"head": head(store_path), "paths": [path,
                                                                   "plans/TEST-0001/new.txt"]}))
    (store_path / path).write_text("half")
    (store_path / "plans/TEST-0001/new.txt").write_text("x")
    (store_path / ".git" / "index.lock").write_text("")
    with store.git.lock():
        notes = store.recover()
    assert notes == ["rolled back an unfinished change left by an interrupted command"]
    assert snapshot(store_path) == before
    assert not (store_path / ".git" / "index.lock").exists()


def test_hooks_are_never_run(store: Store, store_path: Path):
    hook = store_path / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\ntouch \"$GIT_DIR/../HOOK_RAN\"\nexit 1\n")
    hook.chmod(0o755)
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    assert not (store_path / "HOOK_RAN").exists()


def test_no_identity_is_a_clear_error(store_path: Path, monkeypatch: pytest.MonkeyPatch):
    for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(k)
    s = Store.open(str(store_path))
    with pytest.raises(StoreError, match="no author is set"):
        intake.add_plans(s, [FIXTURES / "minimal_plan.yaml"])
    s.close()


@pytest.mark.parametrize("bad", ["../x", "a/b", "-rf", "--output=x", "", "x" * 65, "ab cd", "é"])
def test_bad_plan_ids(bad):
    with pytest.raises(UsageError):
        check_id(bad)


@pytest.mark.parametrize("name,expected", [("../../etc/passwd", "passwd"), ("-rf.pdf", "rf.pdf"),
                                           ("Advice (SALT) v2.DOCX", "Advice-SALT-v2.docx"), ("..", "file"),
                                           (".hidden", "hidden"), ("a/b\\c.txt", "b-c.txt")])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_commit_message_strips_newlines_from_trailers():
    msg = commit_message("P1", "correction", "2025-01-01\nEHCP-Event: forged", ["P1"])
    assert msg.splitlines()[-1] == "EHCP-Date: 2025-01-01 EHCP-Event: forged"
    assert msg.count("\nEHCP-Event:") == 1


def test_revisions_that_look_like_options_are_refused(store: Store):
    with pytest.raises(NotFound):
        store.git.resolve("--output=/tmp/x")
    with pytest.raises(NotFound):
        store.git.resolve("deadbeef")


def test_store_found_by_env_and_upward_search(store_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EHCP_STORE", str(store_path))
    s = Store.open()
    assert s.root == store_path.resolve()
    s.close()
    monkeypatch.delenv("EHCP_STORE")
    (store_path / "plans" / "deep").mkdir()
    monkeypatch.chdir(store_path / "plans" / "deep")
    s = Store.open()
    assert s.root == store_path.resolve()
    s.close()


# ---- reading through one persistent cat-file, without GitPython ------------------------------------------------
def test_head_follows_commits_made_meanwhile_by_plain_git(store: Store, store_path: Path):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    before = store.git.head()
    assert store.read_file("plans/TEST-0001/plan.yaml") is not None  # the cat-file process is running now
    (store_path / "notes.txt").write_text("a note")
    git(store_path, "add", "notes.txt")
    git(store_path, "commit", "-q", "-m", "plain git")
    assert store.git.head() == head(store_path) != before
    assert store.read_file("notes.txt") == b"a note"


def test_object_names_that_would_break_the_protocol_are_refused(store: Store):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    rev = store.git.head()
    assert store.git.read(rev, "plans/TEST-0001/plan.yaml\nHEAD") is None
    assert store.git.read(rev, "plans/no-such/plan.yaml") is None
    assert store.git.read_blob("HEAD") is None  # only ids
    assert store.git.read(rev, "plans/TEST-0001/plan.yaml").startswith(b"id: TEST-0001")
    with pytest.raises(StoreError, match="a plan version"):
        store.plan_version("TEST-0001", "0" * 40)


def test_reading_commands_do_not_load_gitpython(store: Store, store_path: Path):
    """GitPython costs 60 ms of start-up; show, diff, log, deadlines and render only read."""
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    code = ("import sys; from ehcp_docs.store import Store; s = Store.open(sys.argv[1]); "
            "s.plan('TEST-0001'); s.events('TEST-0001'); s.plan_history('TEST-0001'); s.plan_ids(); "
            "s.close(); print('git' in sys.modules)")
    out = subprocess.run([os.sys.executable, "-c", code, str(store_path)], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("warm_up_file_exists", [False, True])
def test_a_prewarmed_reader_answers_the_right_questions(store_path: Path, warm_up_file_exists: bool):
    """The CLI starts git reading before the store is opened; its answer to the warm-up question must be
    consumed, even when a file of that name exists, so every later answer belongs to its own question."""
    from ehcp_docs.store import gitstore

    s = Store.open(str(store_path))
    intake.add_plans(s, [FIXTURES / "minimal_plan.yaml"])
    s.close()
    if warm_up_file_exists:
        (store_path / "plans" / ".ehcp-warm-up").write_text("x" * 5000)
        git(store_path, "add", "plans/.ehcp-warm-up")
        git(store_path, "commit", "-q", "-m", "a file named like the warm-up question")
    gitstore.prewarm(store_path)
    assert os.path.realpath(store_path) in gitstore._PREWARMED
    s = Store.open(str(store_path))
    try:
        assert os.path.realpath(store_path) not in gitstore._PREWARMED  # adopted
        assert s.git.head() == head(store_path)
        assert s.plan("TEST-0001")["id"] == "TEST-0001"
        assert s.read_file("plans/TEST-0001/events.jsonl").startswith(b"{")
    finally:
        s.close()


def test_a_commit_holds_only_its_own_files_even_beside_changes_staged_by_hand(store: Store, store_path: Path):
    (store_path / "notes.txt").write_text("staged by hand, not for ehcp to commit")
    git(store_path, "add", "notes.txt")
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    changed = git(store_path, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == ["plans/TEST-0001/events.jsonl", "plans/TEST-0001/plan.yaml"]
    assert git(store_path, "diff", "--cached", "--name-only").split() == ["notes.txt"]  # still staged


def test_a_commit_with_nothing_else_staged_holds_exactly_its_files(store: Store, store_path: Path):
    intake.add_plans(store, [FIXTURES / "minimal_plan.yaml"])
    changed = git(store_path, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == ["plans/TEST-0001/events.jsonl", "plans/TEST-0001/plan.yaml"]
    assert git(store_path, "status", "--porcelain").strip() == ""


# ---- never overwriting changes that are not committed -----------------------------------------------------------
@pytest.fixture(params=["exact", "whole tree"])
def clean_check(request, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the check looks: at the files a command writes, or (a bulk import) at the whole tree."""
    import ehcp_docs.store.core as storemod

    if request.param == "whole tree":
        monkeypatch.setattr(storemod, "EXACT_CHECK_MAX", 0)
    return request.param


def _samples(ehcp) -> None:
    from conftest import sample_files

    assert ehcp("add", *sample_files()).exit_code == 0


def test_an_uncommitted_edit_of_the_plan_is_never_overwritten(ehcp, store_path: Path, tmp_path: Path,
                                                              clean_check: str):
    _samples(ehcp)
    plan = store_path / "plans" / "EHCP-0002" / "plan.yaml"
    correction = tmp_path / "corrected.yaml"
    correction.write_text(plan.read_text(encoding="utf-8").replace("Ollie", "Olly"), encoding="utf-8")
    plan.write_text(plan.read_text(encoding="utf-8") + "# typed in by hand\n", encoding="utf-8")
    before = snapshot(store_path)
    r = ehcp("edit", "EHCP-0002", "--file", correction, "--date", "2026-12-01")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-2:] == [
        "error: plans/EHCP-0002/plan.yaml has changes that are not committed",
        "hint: Commit them with git or discard them (`git checkout -- FILE`), then retry."]
    assert snapshot(store_path) == before
    assert plan.read_text(encoding="utf-8").endswith("# typed in by hand\n")


def test_an_untracked_file_in_the_way_is_never_overwritten(ehcp, store_path: Path, tmp_path: Path,
                                                           clean_check: str):
    _samples(ehcp)
    journal = store_path / "plans" / "EHCP-0001" / "events.jsonl"
    git(store_path, "rm", "-q", "--cached", "--", "plans/EHCP-0001/events.jsonl")
    git(store_path, "commit", "-q", "-m", "journal untracked by hand")
    before = snapshot(store_path)
    r = ehcp("review", "schedule", "EHCP-0001", "--meeting", "2027-01-20", "--date", "2026-12-01")
    assert r.exit_code == 1
    assert "error: plans/EHCP-0001/events.jsonl has changes that are not committed" in r.stderr
    assert snapshot(store_path) == before and journal.is_file()


def test_uncommitted_edits_elsewhere_do_not_stop_this_plan(ehcp, store_path: Path, clean_check: str):
    _samples(ehcp)
    other = store_path / "plans" / "EHCP-0003" / "plan.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "# someone else's edit\n", encoding="utf-8")
    (store_path / "plans" / "EHCP-0004" / "notes.txt").write_text("untracked", encoding="utf-8")
    r = ehcp("review", "schedule", "EHCP-0002", "--meeting", "2027-01-20", "--date", "2026-12-01")
    assert r.exit_code == 0, r.stderr
    assert git(store_path, "show", "--name-only", "--format=", "HEAD").split() == ["plans/EHCP-0002/events.jsonl"]
    status = git(store_path, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert status == [" M plans/EHCP-0003/plan.yaml", "?? plans/EHCP-0004/notes.txt"]


def test_a_damaged_journal_is_refused_not_appended_to(ehcp, store_path: Path, tmp_path: Path):
    """A journal line committed by hand that is not JSON: every recording command says so, and writes nothing."""
    from conftest import sample_files

    assert ehcp("add", *sample_files()).exit_code == 0
    journal = store_path / "plans" / "EHCP-0002" / "events.jsonl"
    journal.write_text(journal.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    git(store_path, "commit", "-q", "-am", "typed in by hand")
    correction = tmp_path / "corrected.yaml"
    correction.write_text((store_path / "plans/EHCP-0002/plan.yaml").read_text(encoding="utf-8")
                          .replace("Ollie", "Olly"), encoding="utf-8")
    before = snapshot(store_path)
    for args in (("edit", "EHCP-0002", "--file", correction, "--note", "x"),
                 ("review", "schedule", "EHCP-0002", "--meeting", "2027-01-20", "--date", "2026-12-01"),
                 ("contribute", "EHCP-0002", "--from", "parent", "--text", "More time outdoors.")):
        r = ehcp(*args)
        assert r.exit_code == 1, args
        assert r.stderr.startswith("error: plan EHCP-0002: its journal (events.jsonl) is damaged: line "), args
        assert "is not valid JSON" in r.stderr and "run `ehcp doctor`" in r.stderr, args
    assert snapshot(store_path) == before


def test_a_plan_broken_by_hand_stops_its_steps_and_letters_with_the_validators_words(ehcp, store_path: Path,
                                                                                     tmp_path: Path, monkeypatch):
    from conftest import sample_files
    from ehcp_docs.store import checks as checks_module

    assert ehcp("add", *sample_files()).exit_code == 0
    plan = store_path / "plans" / "EHCP-0002" / "plan.yaml"
    good = plan.read_text(encoding="utf-8")
    plan.write_text(good.replace("date_of_birth: '2015-11-04'", "date_of_birth: 'not a date'"), encoding="utf-8")
    git(store_path, "commit", "-q", "-am", "typed in by hand")
    before = snapshot(store_path)
    want = ["error: plan EHCP-0002: 1 problem",
            "  - plan EHCP-0002: child's details: date of birth: is not a real date (write it as "
            "YYYY-MM-DD, e.g. 2027-01-10)",
            "hint: Correct it with `ehcp edit EHCP-0002`; `ehcp validate --all` lists every plan's problems."]
    r = ehcp("review", "schedule", "EHCP-0002", "--meeting", "2027-01-20", "--date", "2026-12-01")
    assert (r.exit_code, r.stderr.splitlines()) == (1, want)
    checks = []
    monkeypatch.setattr(checks_module, "check_blob", lambda *a: checks.append(a) or ["checked again"])
    r = ehcp("render", "EHCP-0002", "--out", tmp_path / "one")
    assert (r.exit_code, r.stderr.splitlines()) == (1, want)  # the same version: answered from the index
    assert checks == []
    monkeypatch.undo()
    r = ehcp("render", "--all", "--jobs", "1", "--out", tmp_path / "all")
    assert r.exit_code == 1 and "warning: EHCP-0002: plan EHCP-0002: 1 problem" in r.stderr
    assert "Made 5 document(s) for 5 of 6 plan(s)" in r.stderr
    assert snapshot(store_path) == before
    assert ehcp("show", "EHCP-0002").exit_code == 0  # still readable, to be put right
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(good, encoding="utf-8")
    assert ehcp("edit", "EHCP-0002", "--file", fixed, "--date", "2026-12-01").exit_code == 0
    assert ehcp("review", "schedule", "EHCP-0002", "--meeting", "2027-01-20", "--date", "2026-12-01").exit_code == 0
