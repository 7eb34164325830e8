"""A team on one store: a bare "server" repository and several clones, each recording events and syncing at
random. Journals merge as a union, plans field by field; only one field changed two ways is a conflict."""
import json
import random
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURES, git
from ehcp_docs.casework import between_reviews, intake, sync, upkeep
from ehcp_docs.errors import StoreError, UsageError
from ehcp_docs.store.core import Store

PLAN = FIXTURES / "minimal_plan.yaml"
PLANS = ("P-1", "P-2", "P-3")


def plan_file(tmp: Path, pid: str) -> Path:
    f = tmp / f"{pid}.yaml"
    f.write_text(PLAN.read_text().replace("TEST-0001", pid))
    return f


def team(tmp_path: Path, store_path: Path, n: int) -> tuple[list[Store], Path]:
    s = Store.open(str(store_path))
    intake.add_plans(s, [plan_file(tmp_path, pid) for pid in PLANS])
    s.close()
    server = tmp_path / "server.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(store_path), str(server)], check=True)
    clones = []
    for i in range(n):
        clones.append(sync.clone(str(server), tmp_path / f"clone-{i}"))
        clones[-1].author_override = (f"Caseworker {chr(65 + i)}", f"cw{i}@example.org")
    return clones, server


def journal_ids(store: Store, pid: str) -> list[str]:
    return [e.get("id", "") for e in store.events(pid) if e["event"] != "issued"]


def test_three_clones_random_interleavings_lose_no_event(tmp_path: Path, store_path: Path):
    clones, server = team(tmp_path, store_path, 3)
    rng = random.Random(18)
    recorded: dict[str, list[str]] = {pid: [] for pid in PLANS}
    todo = [i for i in range(3) for _ in range(20)]
    rng.shuffle(todo)
    conflicts = 0
    for n, who in enumerate(todo):
        s, pid = clones[who], rng.choice(PLANS)
        day = date(2026, 11, 1 + n % 28)
        if rng.random() < 0.5:
            ev = between_reviews.contribute(s, pid, "parent", f"Suggestion {n}", day).event
        else:
            ev = between_reviews.add_concern(s, pid, "setting", f"Concern {n}", day).event
        recorded[pid].append(ev["id"])
        if rng.random() < 0.4:
            conflicts += len(sync.sync(clones[rng.randrange(3)]).waiting)
    for _ in range(2):
        for s in clones:
            conflicts += len(sync.sync(s).waiting)
    assert conflicts == 0
    heads = {git(s.root, "rev-parse", "HEAD") for s in clones}
    assert len(heads) == 1
    for pid in PLANS:
        orders = [journal_ids(s, pid) for s in clones]
        assert orders[0] == orders[1] == orders[2]
        new = [i for i in orders[0] if i]
        assert sorted(new) == sorted(recorded[pid])  # every event exactly once
        assert [e["seq"] for e in clones[0].events(pid)] == list(range(1, len(orders[0]) + 2))
    for s in clones:
        report = upkeep.doctor(s)
        assert report.problems == [] and report.repaired == []


def test_references_follow_their_event_when_numbers_move(tmp_path: Path, store_path: Path):
    (a, b), _ = team(tmp_path, store_path, 2)
    between_reviews.contribute(a, "P-1", "parent", "From A", date(2026, 11, 1))
    c = between_reviews.contribute(b, "P-1", "parent", "From B", date(2026, 11, 2)).event
    between_reviews.resolve_contribution(b, "P-1", c["seq"], True, "Agreed", date(2026, 11, 4))
    sync.sync(a)
    sync.sync(b)
    events = b.events("P-1")
    mine = next(e for e in events if e["event"] == "contribution" and e["text"] == "From B")
    resolved = next(e for e in events if e["event"] == "contribution-resolved")
    assert mine["seq"] == 3 and c["seq"] == 2  # its number moved: A's contribution was there first
    assert resolved["contribution"] == 3  # and the resolution still names it
    assert between_reviews.open_items(events)["contributions"][0]["text"] == "From A"


def test_two_fields_of_one_plan_merge_without_conflict(tmp_path: Path, store_path: Path):
    (a, b), _ = team(tmp_path, store_path, 2)
    text = PLAN.read_text().replace("TEST-0001", "P-1")
    intake.correct_plan(a, "P-1", text.replace("To be a vet.", "To be a vet (A)."), "2026-11-02", None)
    intake.correct_plan(b, "P-1", text.replace("Weekly", "Twice weekly", 1) if "Weekly" in text
                        else text.replace("1:1", "1:2", 1), "2026-11-03", None)
    sync.sync(a)
    assert sync.sync(b).waiting == []
    sync.sync(a)
    for s in (a, b):
        plan = s.plan("P-1")
        assert plan["sections"]["A"]["aspirations"] == "To be a vet (A)."
        assert plan != a.plan("P-1", git(tmp_path / "server.git", "rev-parse", "main~1").strip())
    assert git(a.root, "rev-parse", "HEAD") == git(b.root, "rev-parse", "HEAD")


def test_same_field_two_ways_is_one_conflict_resolved_with_nothing_lost(tmp_path: Path, store_path: Path):
    (a, b), server = team(tmp_path, store_path, 2)
    text = PLAN.read_text().replace("TEST-0001", "P-1")
    freq = "frequency: "
    line = next(x for x in text.splitlines() if x.strip().startswith(freq))
    intake.correct_plan(a, "P-1", text.replace(line, line.split(freq)[0] + freq + "3 sessions a week"),
                        "2026-11-04", None)
    between_reviews.contribute(a, "P-1", "parent", "From A", date(2026, 11, 4))
    intake.correct_plan(b, "P-1", text.replace(line, line.split(freq)[0] + freq + "2 sessions a week"),
                        "2026-11-05", None)
    between_reviews.contribute(b, "P-2", "parent", "Other plan", date(2026, 11, 5))
    sync.sync(a)
    synced = sync.sync(b)
    assert [w.plan for w in synced.waiting] == ["P-1"]
    assert synced.waiting[0].conflicts == [
        "Section F, provision F1 (Individual speech and language therapy), how often: you: 2 sessions a week; "
        "Caseworker A (2026-11-04): 3 sessions a week"]
    assert "Other plan" in git(server, "show", "main:plans/P-2/events.jsonl")  # other work was not held back
    with pytest.raises(UsageError):
        sync.resolve(b, "P-1", None, None, date(2026, 11, 6))
    commit = sync.resolve(b, "P-1", "mine", None, date(2026, 11, 6))
    assert commit and b.held() == {}
    assert git(b.root, "for-each-ref", "refs/ehcp/mine/") == ""
    sync.sync(b)
    sync.sync(a)
    for s in (a, b):
        prov = s.plan("P-1")["sections"]["F"]["provision"][0]
        assert prov["frequency"] == "2 sessions a week"
        names = [e["event"] for e in s.events("P-1")]
        assert names.count("correction") == 2 and "contribution" in names and names[-1] == "conflict-resolved"
        assert upkeep.doctor(s).problems == []
    subject = git(b.root, "log", "-1", "--format=%B", "--", "plans/P-1")
    assert subject.startswith("P-1: colleagues' changes merged") and "EHCP-Event: conflict-resolved" in subject


def test_doctor_renumbers_a_journal_merged_by_hand(tmp_path: Path, store_path: Path):
    s = Store.open(str(store_path))
    intake.add_plans(s, [plan_file(tmp_path, "P-1")])
    first = between_reviews.contribute(s, "P-1", "parent", "One", date(2026, 11, 1)).event
    path = store_path / "plans/P-1/events.jsonl"
    lines = path.read_text().splitlines()
    twin = dict(json.loads(lines[-1]), id="another-clone", text="Two")  # both clones made #2
    path.write_text("\n".join(lines + [json.dumps(twin), lines[-1]]) + "\n")
    git(store_path, "commit", "-qam", "hand merge")
    report = upkeep.doctor(s)
    assert report.problems == [] and any("P-1" in r for r in report.repaired)
    assert [(e["seq"], e.get("text")) for e in s.events("P-1")] == [(1, None), (2, "One"), (3, "Two")]
    assert first["seq"] == 2
    assert upkeep.doctor(s).repaired == []
    s.close()


def test_clone_of_an_empty_server_says_what_is_wrong(tmp_path: Path, store_path: Path):
    server = tmp_path / "empty.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    with pytest.raises(StoreError, match="is empty: no plan store has been pushed"):
        sync.clone(str(server), tmp_path / "mine")
    s = Store.open(str(store_path))
    git(store_path, "remote", "add", "origin", str(server))
    assert sync.sync(s).result.pushed >= 1  # the first push fills the empty server
    copy = sync.clone(str(server), tmp_path / "mine")
    assert copy.plan_ids() == s.plan_ids()
    assert "merge=ehcp-journal" in (tmp_path / "mine/.git/info/attributes").read_text()
    s.close()


def test_merge_drivers_cannot_be_redirected_by_the_store_config_or_a_committed_module(tmp_path: Path,
                                                                                       store_path: Path):
    """Issue 17 blanks every `merge.*.driver` of the store's own config; issue 18's drivers are given on sync's own
    command line instead. A colleague's driver in .git/config, or an `ehcp_docs` package committed into the store
    (git runs drivers in the store's folder), never runs, and journals still merge as a union."""
    (a, b), _ = team(tmp_path, store_path, 2)
    pwned = tmp_path / "pwned"
    evil = f"touch {pwned} #"
    for name in ("ehcp-journal", "ehcp-plan"):
        git(b.root, "config", f"merge.{name}.driver", evil)
    trap = b.root / "ehcp_docs" / "store"
    trap.mkdir(parents=True)
    (b.root / "ehcp_docs" / "__init__.py").write_text(f"open({str(pwned)!r}, 'w')\n")
    (trap / "__init__.py").write_text("")
    (trap / "merge_driver.py").write_text(f"open({str(pwned)!r}, 'w')\n")
    git(b.root, "add", "ehcp_docs")
    git(b.root, "commit", "-qm", "a module in the store")
    between_reviews.contribute(a, "P-1", "parent", "From A", date(2026, 11, 2))
    between_reviews.contribute(b, "P-1", "parent", "From B", date(2026, 11, 3))
    sync.sync(a)
    assert sync.sync(b).waiting == []  # both journals grew: merged by ehcp's own driver
    assert not pwned.exists()
    texts = [e.get("text") for e in b.events("P-1") if e["event"] == "contribution"]
    assert texts == ["From A", "From B"]
    assert "merge.ehcp-journal.driver" in "\n".join(b.git.program_settings())  # and doctor would name it


def test_the_team_walkthrough_through_the_cli_one_conflict_resolved_nothing_lost(tmp_path: Path,
                                                                                  store_path: Path):
    """The same as above as a caseworker types it: `ehcp clone`, `ehcp edit`, `ehcp sync`, `ehcp resolve`."""
    from click.testing import CliRunner

    from ehcp_docs.cli import cli

    def ehcp(store: Path, *args: object, who: str = "A"):
        return CliRunner().invoke(cli, ["--store", str(store), "--author", f"Caseworker {who} <cw{who}@example.org>",
                                        *map(str, args)], catch_exceptions=False)

    server = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    s = Store.open(str(store_path))
    intake.add_plans(s, [plan_file(tmp_path, pid) for pid in PLANS])
    git(store_path, "remote", "add", "origin", str(server))
    s.close()
    assert ehcp(store_path, "sync").exit_code == 0
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        r = CliRunner().invoke(cli, ["clone", str(server), str(d)], catch_exceptions=False)
        assert r.exit_code == 0 and "3 plan(s)" in r.stderr, r.stderr
    text = (a / "plans/P-1/plan.yaml").read_text()
    line = next(x for x in text.splitlines() if x.strip().startswith("frequency: "))
    for d, who, value in ((a, "A", "3 sessions a week"), (b, "B", "2 sessions a week")):
        f = tmp_path / f"{who}.yaml"
        f.write_text(text.replace(line, line.split("frequency: ")[0] + "frequency: " + value))
        assert ehcp(d, "edit", "P-1", "--file", f, "--date", "2026-11-04", who=who).exit_code == 0
    assert ehcp(b, "contribute", "P-2", "--from", "parent", "--text", "Other plan", "--date", "2026-11-05",
                who="B").exit_code == 0
    assert ehcp(a, "sync").exit_code == 0
    r = ehcp(b, "sync", who="B")
    assert r.exit_code == 1 and r.stderr.count("you and a colleague changed the same thing") == 1, r.stderr
    assert ("Section F, provision F1 (Individual speech and language therapy), how often: you: 2 sessions a "
            "week; Caseworker A (") in r.stderr and "ehcp resolve P-1" in r.stderr
    branch = git(b, "rev-parse", "--abbrev-ref", "HEAD").strip()
    assert "Other plan" in git(server, "show", f"{branch}:plans/P-2/events.jsonl")  # the rest was shared
    listed = ehcp(b, "resolve", "P-1", who="B")  # without --take: the conflict again, nothing changed
    assert listed.exit_code == 2 and "3 sessions a week" in listed.stderr
    r = ehcp(b, "resolve", "P-1", "--take", "theirs", "--date", "2026-11-06", who="B")
    assert r.exit_code == 0, r.stderr
    assert ehcp(b, "sync", who="B").exit_code == 0 and ehcp(a, "sync").exit_code == 0
    for d in (a, b):
        assert "frequency: 3 sessions a week" in (d / "plans/P-1/plan.yaml").read_text()
        events = [json.loads(x)["event"] for x in (d / "plans/P-1/events.jsonl").read_text().splitlines()]
        assert events.count("correction") == 2 and events[-1] == "conflict-resolved"
        assert ehcp(d, "doctor", "--no-repair").exit_code == 0
    mine = git(b, "log", "--all", "-p", "--", "plans/P-1/plan.yaml")
    assert "2 sessions a week" in mine  # B's own version stays in the history: nothing lost
