"""The calendar index (ehcp_docs.index): `due` and `overdue` give exactly what they give without it, after any
sequence of commands, plan files edited by hand and committed with plain git, and damage to the cache file; and
`deadlines` equals the calendar computed from the committed plan and journal."""
from __future__ import annotations

import json
import sqlite3
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from conftest import PLANS, ROOT, git, name_next_setting
from ehcp_docs import statutory
from ehcp_docs.casework import caseload
from ehcp_docs.errors import EhcpError
from ehcp_docs.store import index
from ehcp_docs.store.core import Store

TERMS = ("autumn-2026", "spring-2027", "summer-2027")


# ---- the due list and drift report as they were computed before the index (the reference) ----------------------
def reference_due(store: Store, start: date, end: date, today: date, setting: str | None = None) -> list:
    opts = caseload.options(store)
    rows = []
    for pid in store.plan_ids():
        plan = store.plan(pid)
        if setting and setting.lower() not in caseload.setting_name(plan).lower():
            continue
        r = statutory.review_due_in(plan, store.events(pid), start, end, today, opts, store.config.terms)
        if r is not None:
            dob = date.fromisoformat(plan["child"]["date_of_birth"])
            rows.append(caseload.DueRow(pid, plan["child"]["name"], caseload.setting_name(plan), r.review_due,
                                        r.meeting_recommended_by, r.focus, r.overdue, r.reason, dob,
                                        statutory.nc_year(dob, r.review_due, plan.get("year_group")),
                                        str(plan["sections"]["I"].get("urn") or "")))
    return sorted(rows, key=lambda r: (not r.overdue, r.review_due, r.plan))


def reference_overdue(store: Store, today: date, lookback_days: int = 365) -> dict:
    opts = caseload.options(store)
    plans, counts = [], Counter()
    since = today - timedelta(days=lookback_days)
    for pid in store.plan_ids():
        d = statutory.deadlines(store.plan(pid), store.events(pid), today, opts)
        pending = [{"step": s.name, "due": s.due.isoformat(), "days_late": s.days_late(today), "basis": s.basis,
                    "status": "pending", "exception": s.exception} for s in d.overdue]
        late = [{"step": s.name, "due": s.due.isoformat(), "days_late": s.days_late(today), "basis": s.basis,
                 "status": "done-late", "done": s.done.isoformat(), "exception": s.exception}
                for s in d.late if s.done >= since]
        for s in pending + late:
            counts[s["step"]] += 1
        if pending or late:
            plans.append({"plan": pid, "overdue": pending, "late": late})
    summary = {caseload.STEP_WORDS.get(k, k): v for k, v in sorted(counts.items())}
    return {"as_of": today.isoformat(), "plans": plans, "summary": summary}


def check_same(path: Path, todays: tuple[str, ...] = ("2026-11-28",), terms: tuple[str, ...] = TERMS,
               setting: str | None = None) -> list:
    """Asserts index == no index == reference for every day and term given; returns the last due list."""
    store = Store.open(str(path))
    try:
        rows = []
        for day in map(date.fromisoformat, todays):
            for name in terms:
                t = statutory.find_term(name, store.config.terms)
                ref = reference_due(store, t.start, t.end, day, setting)
                assert caseload.due_rows(store, t.start, t.end, day, setting, use_index=False) == ref
                assert caseload.due_rows(store, t.start, t.end, day, setting, use_index=True) == ref  # (re)built
                rows = caseload.due_rows(store, t.start, t.end, day, setting, use_index=True)  # from the snapshot
                assert rows == ref
            ref = reference_overdue(store, day)
            for _ in range(2):
                assert caseload.overdue_report(store, day, use_index=True).as_json() == ref
            assert caseload.overdue_report(store, day, use_index=False).as_json() == ref
        return rows
    finally:
        store.close()


def check_deadlines(ehcp, path: Path, today: str = "2026-11-28") -> None:
    """`ehcp deadlines ID --json` is the calendar of the committed plan and journal, for every plan."""
    store = Store.open(str(path))
    try:
        for pid in store.plan_ids():
            want = statutory.deadlines(store.plan(pid), store.events(pid), date.fromisoformat(today),
                                        caseload.options(store)).as_json()
            r = ehcp("deadlines", pid, "--today", today, "--json")
            assert r.exit_code == 0, r.stderr
            assert json.loads(r.stdout) == json.loads(json.dumps(want))
    finally:
        store.close()


def cli_same(ehcp, monkeypatch, *args: str) -> str:
    """The command's output with the index and without it (EHCP_INDEX=0) is byte for byte the same."""
    monkeypatch.setenv("EHCP_INDEX", "0")
    plain = ehcp(*args)
    monkeypatch.setenv("EHCP_INDEX", "1")
    cold, warm = ehcp(*args), ehcp(*args)
    assert (cold.exit_code, cold.stdout) == (plain.exit_code, plain.stdout) == (warm.exit_code, warm.stdout)
    return plain.stdout


def filled_form(ehcp, tmp_path: Path, pid: str) -> Path:
    form = yaml.safe_load(ehcp("review", "record", pid, "--form").stdout)
    for row in form["progress"]:
        row["status"], row["evidence"] = "on-track", "Observation log."
        for t in row["targets"]:
            t["status"] = "achieved"
    form["attended"] = [{"name": "A Parent", "role": "parent"}]
    form["child_views"], form["family_views"] = "Happy.", "Pleased."
    form["preparing_for_adulthood"] = "Discussed college options."
    f = tmp_path / f"meeting-{pid}.yaml"
    f.write_text(yaml.safe_dump(form, allow_unicode=True))
    return f


def hand_commit(store: Path, rel: str, change, message: str = "hand edit") -> None:
    """Edits a committed file in the working tree and commits it with plain git, as a technician might."""
    f = store / rel
    f.write_text(change(f.read_text(encoding="utf-8")), encoding="utf-8")
    git(store, "commit", "-q", "-am", message)


# ---- after a sequence of commands and hand edits ---------------------------------------------------------------
def test_index_equals_plain_after_commands_and_hand_edits(ehcp, store_path: Path, tmp_path: Path, monkeypatch):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    check_same(store_path, ("2026-11-28", "2027-02-01"))
    cli_same(ehcp, monkeypatch, "due", "--term", "spring-2027", "--today", "2026-11-28", "--json")

    # a whole review of one plan, through the commands
    pid = "EHCP-0002"
    assert ehcp("review", "schedule", pid, "--meeting", "2026-11-10", "--date", "2026-10-20").exit_code == 0
    advice = tmp_path / "advice.txt"
    advice.write_text("advice")
    assert ehcp("review", "advice", pid, "--from", "setting", "--file", advice, "--date", "2026-10-22").exit_code == 0
    check_same(store_path)
    assert ehcp("review", "circulate", pid, "--date", "2026-10-26").exit_code == 0
    assert ehcp("review", "record", pid, "--file", filled_form(ehcp, tmp_path, pid), "--date",
                "2026-11-10").exit_code == 0
    assert ehcp("review", "report", pid, "--date", "2026-11-17").exit_code == 0
    name_next_setting(ehcp, tmp_path, pid)  # a maintain decision in the transfer year names the next school
    assert ehcp("review", "decide", pid, "--decision", "maintain", "--date", "2026-11-24",
                "--reason", "Good progress.").exit_code == 0
    check_same(store_path, ("2026-11-28", "2027-02-01"))

    # a correction through `ehcp edit`
    text = (store_path / "plans/EHCP-0003/plan.yaml").read_text(encoding="utf-8")
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(text.replace("last_reviewed: '2026-01-15'", "last_reviewed: '2025-11-20'"), encoding="utf-8")
    assert ehcp("edit", "EHCP-0003", "--file", fixed, "--date", "2026-11-27").exit_code == 0
    rows = check_same(store_path, ("2026-11-28",), ("spring-2027",))
    assert "EHCP-0003" in {r.plan for r in rows}

    # plan files edited by hand and committed with plain git: the next answers see them
    hand_commit(store_path, "plans/EHCP-0005/plan.yaml",
                lambda t: t.replace("name: Examplemouth College", "name: Hand Edited College"))
    rows = check_same(store_path, ("2026-11-28",), ("summer-2027", "spring-2027"))
    assert {r.setting for r in rows if r.plan == "EHCP-0005"} == {"Hand Edited College"}
    hand_commit(store_path, "plans/EHCP-0004/plan.yaml",
                lambda t: t.replace("last_reviewed: '2026-03-12'", "last_reviewed: '2025-09-01'"))
    rows = check_same(store_path, ("2026-11-28", "2027-02-01"), ("spring-2027",), setting="school")
    assert "EHCP-0004" in {r.plan for r in rows if r.overdue}
    assert cli_same(ehcp, monkeypatch, "due", "--term", "spring-2027", "--today", "2026-11-28", "--json")
    hand_commit(store_path, "plans/EHCP-0006/events.jsonl",
                lambda t: t + json.dumps({"seq": 2, "event": "review-decision", "date": "2026-09-30",
                                          "recorded": "2026-10-01", "by": "Hand", "decision": "maintain",
                                          "reason": "typed in"}) + "\n")
    check_same(store_path, ("2026-11-28", "2027-09-15"))
    cli_same(ehcp, monkeypatch, "overdue", "--today", "2026-11-28", "--json")
    check_deadlines(ehcp, store_path)

    # a plan made invalid by hand: both ways fail the same way; then it is put right
    hand_commit(store_path, "plans/EHCP-0001/plan.yaml",
                lambda t: t.replace("date_of_birth: '2023-01-19'", "date_of_birth: 'not a date'"))
    store = Store.open(str(store_path))
    try:
        t = statutory.find_term("spring-2027", store.config.terms)
        errors = []
        for use in (False, True, True):
            with pytest.raises(EhcpError) as e:
                caseload.due_rows(store, t.start, t.end, date(2026, 11, 28), use_index=use)
            errors.append((type(e.value), e.value.message))
        assert errors[0] == errors[1] == errors[2]
        # ...unless a setting filter leaves the broken plan out, as it always did
        assert caseload.due_rows(store, t.start, t.end, date(2026, 11, 28), "college", use_index=True) == \
            reference_due(store, t.start, t.end, date(2026, 11, 28), "college")
    finally:
        store.close()
    cli_same(ehcp, monkeypatch, "due", "--term", "spring-2027", "--today", "2026-11-28")
    hand_commit(store_path, "plans/EHCP-0001/plan.yaml",
                lambda t: t.replace("date_of_birth: 'not a date'", "date_of_birth: '2023-01-20'"))
    hand_commit(store_path, "plans/EHCP-0003/plan.yaml", lambda t: "id: [unclosed\n")
    store = Store.open(str(store_path))
    try:
        outcomes = []
        for use in (False, True):
            with pytest.raises(EhcpError) as e:
                caseload.overdue_report(store, date(2026, 11, 28), use_index=use)
            outcomes.append((type(e.value), e.value.message))
        assert outcomes[0] == outcomes[1]
    finally:
        store.close()
    git(store_path, "revert", "--no-edit", "HEAD")
    check_same(store_path, ("2026-11-28",))
    check_deadlines(ehcp, store_path)


# ---- a synthetic store with years of history ------------------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import make_store

    out = tmp_path_factory.mktemp("synthetic") / "store"
    mp = pytest.MonkeyPatch()
    for k, v in (("GIT_AUTHOR_NAME", "Casey Worker"), ("GIT_AUTHOR_EMAIL", "casey.worker@example.org"),
                 ("GIT_COMMITTER_NAME", "Casey Worker"), ("GIT_COMMITTER_EMAIL", "casey.worker@example.org"),
                 ("GIT_CONFIG_NOSYSTEM", "1")):
        mp.setenv(k, v)
    try:
        make_store.build(out, 40, 3, 7, date(2026, 10, 30), log=lambda m: None)
    finally:
        mp.undo()
    return out


def test_index_equals_plain_on_a_synthetic_store(synthetic: Path, tmp_path: Path):
    store_path = tmp_path / "copy"
    git(tmp_path, "clone", "-q", str(synthetic), str(store_path))
    check_same(store_path, ("2026-11-02", "2027-06-30", "2025-01-15"), ("spring-2027", "autumn-2026", "spring-2025"))
    check_same(store_path, ("2026-11-02",), ("spring-2027",), setting="college")


def test_summaries_keep_everything_the_calendar_reads(synthetic: Path):
    """The pruned inputs give the same calendar as the whole plan and journal, for every plan and several days."""
    store = Store.open(str(synthetic))
    try:
        opts = caseload.options(store)
        for pid in store.plan_ids():
            plan, events = store.plan(pid), store.events(pid)
            summary = index.summarise(plan)
            pruned = [index.prune_event(e) for e in events]
            for day in (date(2025, 6, 1), date(2026, 11, 2), date(2027, 9, 1)):
                assert statutory.deadlines(summary, pruned, day, opts).as_json() == \
                    statutory.deadlines(plan, events, day, opts).as_json()
    finally:
        store.close()


# ---- the cache itself --------------------------------------------------------------------------------------------
def counting(store: Store, today: date, t: statutory.Term) -> tuple[index.Calendar, list]:
    calls: list[str] = []
    opts = caseload.options(store)

    def compute(plan, events):
        calls.append(plan["id"])
        return caseload._due_facts(plan, events, t.start, t.end, today, opts, store.config.terms)

    cal = index.Calendar(store, index.context_key("test", [today, t.start, t.end]), compute)
    return cal, calls


def test_only_changed_plans_are_recomputed(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    store = Store.open(str(store_path))
    try:
        day = date(2026, 11, 28)
        t = statutory.find_term("spring-2027", store.config.terms)
        cal, calls = counting(store, day, t)
        first = cal.facts()
        assert len(calls) == 6 and cal.stats["from_git"] == 6
        cal, calls = counting(store, day, t)
        assert cal.facts() == first and calls == [] and cal.stats["hit"]
    finally:
        store.close()
    assert ehcp("edit", "EHCP-0002", "--file", PLANS / "EHCP-0002.yaml", "--note", "same").exit_code == 0
    hand_commit(store_path, "plans/EHCP-0004/plan.yaml", lambda s: s.replace("Kacper", "Kacpar"))
    store = Store.open(str(store_path))
    try:
        cal, calls = counting(store, day, t)
        facts = dict(cal.facts())
        assert calls == ["EHCP-0004"] and cal.stats["reused"] == 5
        assert facts["EHCP-0004"]["row"][0].startswith("Kacpar")
        # another day: the plan inputs are reused, nothing is read from git again
        cal, calls = counting(store, day + timedelta(days=1), t)
        cal.facts()
        assert len(calls) == 6 and cal.stats["from_inputs"] == 6 and cal.stats["from_git"] == 0
    finally:
        store.close()


DAMAGE = {
    "garbage": lambda p: p.write_bytes(b"this is not a database" * 100),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]),
    "empty": lambda p: p.write_bytes(b""),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_file_is_discarded_and_rebuilt(ehcp, store_path: Path, damage: str):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    check_same(store_path)
    db = store_path / ".git" / index.DIRNAME / index.FILENAME
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    DAMAGE[damage](db)
    check_same(store_path)
    with sqlite3.connect(db) as con:  # rebuilt: a sound database again, with every plan in it
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM inputs").fetchone()[0] == 6


def test_damaged_rows_are_recomputed_not_trusted(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    check_same(store_path)
    db = store_path / ".git" / index.DIRNAME / index.FILENAME
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT pid, data FROM inputs ORDER BY pid").fetchall()
        # one plan's inputs swapped into another's row (valid data, wrong key), one flipped byte in another
        con.execute("UPDATE inputs SET data=? WHERE pid=?", (rows[1][1], rows[0][0]))
        bad = bytearray(rows[2][1])
        bad[len(bad) // 2] ^= 0xFF
        con.execute("UPDATE inputs SET data=? WHERE pid=?", (bytes(bad), rows[2][0]))
        # every snapshot's facts replaced by another snapshot's (right format, wrong context)
        snaps = con.execute("SELECT context, facts FROM snapshots").fetchall()
        for (ctx, _), (_, other) in zip(snaps, snaps[1:] + snaps[:1], strict=False):
            con.execute("UPDATE snapshots SET facts=? WHERE context=?", (other, ctx))
    check_same(store_path, ("2026-11-28", "2026-11-29"))


def test_no_cache_folder_no_problem(ehcp, store_path: Path, monkeypatch):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    (store_path / ".git" / index.DIRNAME).write_text("a file where the folder should be")
    check_same(store_path)
    (store_path / ".git" / index.DIRNAME).unlink()
    monkeypatch.setenv("EHCP_INDEX", "0")
    assert ehcp("due", "--term", "spring-2027", "--today", "2026-11-28").exit_code == 0
    assert not (store_path / ".git" / index.DIRNAME).exists()


# ---- each plan's commits (index.plan_log, for `ehcp log`) -------------------------------------------------------
def all_logs_equal(path: Path) -> int:
    """index.plan_log equals the path-limited `git log` (GitStore.log) for every plan; returns how many."""
    store = Store.open(str(path))
    try:
        ids = store.plan_ids()
        for pid in ids:
            assert index.plan_log(store, pid) == store.git.log(store.plan_path(pid)), pid
        return len(ids)
    finally:
        store.close()


def test_plan_log_equals_git_log(synthetic: Path, tmp_path: Path, ehcp_at):
    path = tmp_path / "copy"
    git(tmp_path, "clone", "-q", str(synthetic), str(path))
    assert all_logs_equal(path) == 40  # built from the whole history
    run = ehcp_at(path)
    assert run("edit", "EHCP-00003", "--file", path / "plans/EHCP-00003/plan.yaml", "--note", "same",
               "--date", "2026-10-30").exit_code == 0
    (path / "notes.txt").write_text("not a plan")
    git(path, "add", "notes.txt")
    git(path, "commit", "-q", "-m", "a file outside plans/")
    for pid in ("EHCP-00001", "EHCP-00002"):  # one plain git commit changing two plans, no trailers
        f = path / "plans" / pid / "plan.yaml"
        f.write_text(f.read_text(encoding="utf-8").replace("known_as:", "known_as:"), encoding="utf-8")
        (path / "plans" / pid / "evidence").mkdir(exist_ok=True)
        (path / "plans" / pid / "evidence" / "hand.txt").write_text("by hand")
    git(path, "add", "plans")
    git(path, "commit", "-q", "-m", "hand edit of two plans")
    assert all_logs_equal(path) == 40  # brought up to date from the commits since
    git(path, "reset", "-q", "--hard", "HEAD~2")  # history rewritten: rebuilt
    assert all_logs_equal(path) == 40
    git(path, "commit", "-q", "--allow-empty", "-m", "empty")
    assert all_logs_equal(path) == 40


def test_ehcp_log_reads_the_index_and_equals_git_log(synthetic: Path, tmp_path: Path, ehcp_at):
    """`ehcp log` (and `ehcp maintenance`, which builds the index ahead) answer as a path-limited git log does,
    including a plain git commit made after the index was built."""
    path = tmp_path / "copy"
    git(tmp_path, "clone", "-q", str(synthetic), str(path))
    run = ehcp_at(path)
    done = run("maintenance")
    assert done.exit_code == 0 and "index of each plan's commits brought up to date" in done.output
    db = sqlite3.connect(path / ".git" / index.DIRNAME / index.FILENAME)
    try:
        head = git(path, "rev-parse", "HEAD").strip()
        assert db.execute("SELECT value FROM meta WHERE key='log_head'").fetchone()[0] == head
    finally:
        db.close()
    hand_commit(path, "plans/EHCP-00007/plan.yaml", lambda t: t + "\n")

    def expected(pid: str) -> list[dict]:
        store = Store.open(str(path))
        try:
            return [{"commit": c.commit, "event": ",".join(c.events), "author": c.author,
                     "summary": c.subject} for c in store.git.log(store.plan_path(pid))]
        finally:
            store.close()

    for pid in ("EHCP-00007", "EHCP-00008"):
        got = run("log", pid, "--json")
        assert got.exit_code == 0
        rows = json.loads(got.stdout)
        assert [{k: r[k] for k in ("commit", "event", "author", "summary")} for r in rows] == expected(pid)
        journal = [json.loads(x) for x in (path / "plans" / pid / "events.jsonl").read_text().splitlines()]
        # each row shows the plan's own event date, also for the one `add` commit of all 40 plans (issue 14)
        assert [r["date"] for r in rows if r["date"]] == [e["date"] for e in reversed(journal)]
    assert json.loads(run("log", "EHCP-00007", "--json").stdout)[0]["summary"] == "hand edit"


@pytest.fixture
def ehcp_at():
    from click.testing import CliRunner

    from ehcp_docs.cli import cli

    def at(path: Path):
        def run(*args):
            return CliRunner().invoke(cli, ["--store", str(path), *map(str, args)], catch_exceptions=False)
        return run
    return at


def test_plan_log_falls_back_with_merges(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    git(store_path, "checkout", "-q", "-b", "side")
    hand_commit(store_path, "plans/EHCP-0001/plan.yaml", lambda t: t.replace("Little Acorns", "Big Oaks"))
    git(store_path, "checkout", "-q", "main")
    hand_commit(store_path, "plans/EHCP-0002/plan.yaml", lambda t: t + "\n")
    git(store_path, "merge", "-q", "--no-edit", "side")
    store = Store.open(str(store_path))
    try:
        assert index.plan_log(store, "EHCP-0001") is None  # the caller runs git log itself
    finally:
        store.close()


@pytest.mark.parametrize("module", ["statutory/due_lists.py", "statutory/journal.py", "statutory/plan_deadlines.py",
                                    "statutory/dates.py", "casework/caseload.py", "model/events.py"])
def test_a_change_to_any_calendar_module_empties_the_snapshots(tmp_path: Path, monkeypatch, module: str):
    """Cached due lists are keyed by the calendar's code: after an upgrade that changes any module the calendar
    uses (the due-list rule in statutory/due_lists.py, the journal reader in statutory/journal.py...), none is
    reused."""
    import shutil

    from ehcp_docs.store.index import cache

    copy = tmp_path / "ehcp_docs"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    before = index.code_fingerprint()
    with open(copy / module, "a", encoding="utf-8") as f:
        f.write("\n# a new version\n")
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    assert index.code_fingerprint() != before
