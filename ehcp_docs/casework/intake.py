"""Bringing plans into the store and correcting them: validate everything first, then one commit."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ehcp_docs import fileio
from ehcp_docs.errors import EhcpError, InvalidPlan, NotFound, UsageError
from ehcp_docs.model import plausible
from ehcp_docs.model.validation import check_plan, parse_plan_text
from ehcp_docs.store import Store, checks


@dataclass(frozen=True)
class Added:
    plans: list[str]
    commit: str | None


def read_plans(files: list[Path], window: plausible.Window = plausible.DEFAULT) -> list[tuple[dict, bytes, str]]:
    """Loads and validates every file, collecting every problem before refusing any of them. Returns, for each
    file, the plan's id and issue date ({"id", "issued"}), the bytes to store, and the file's name."""
    loaded, problems = [], []
    for f, (plan, data, found) in zip(files, checks.load_files(files, window=window), strict=True):
        if plan is None or data is None:
            problems += found
        else:
            loaded.append((plan, data, f.name))
    seen: dict[str, str] = {}
    for plan, _, name in loaded:
        pid = plan["id"]
        # ids are unique whatever their case: EHCP-0002 and ehcp-0002 share a folder on Windows and macOS
        if pid.lower() in seen:
            problems.append(f"{name}: plan id {pid} is also used by {seen[pid.lower()]} in this batch")
        seen[pid.lower()] = name
    if problems:
        raise checks.invalid_batch(problems)
    return loaded


def add_plans(store: Store, files: list[Path]) -> Added:
    if not files:
        raise UsageError("give at least one plan file to add")
    loaded = read_plans(files, store.window)
    existing = {pid.lower(): pid for pid in store.plan_ids()}
    clashes = [f"{name}: plan {plan['id']} is already in the store"
               + (f" (as {existing[plan['id'].lower()]}: ids are unique whatever their case)"
                  if existing[plan["id"].lower()] != plan["id"] else "")
               for plan, _, name in loaded if plan["id"].lower() in existing]
    if clashes:
        raise InvalidPlan(f"{len(clashes)} plan{'s are' if len(clashes) > 1 else ' is'} already in the store; "
                          "nothing was added", messages=clashes,
                          hint="Use `ehcp edit ID` to correct a plan that is already in the store.")
    with store.transaction("issued") as txn:
        for plan, data, _ in loaded:
            blob = txn.write_plan(plan["id"], data)
            txn.add_event(plan["id"], "issued", plan["issued"], {"plan_blob": blob}, by=txn.by)
    return Added([p["id"] for p, _, _ in loaded], txn.commit)


def correct_plan(store: Store, pid: str, text: str, when: str, seen_commit: str | None,
                 note: str = "", source: str | None = None) -> str | None:
    """Records a correction. `seen_commit` is the plan's latest commit when the caseworker started editing;
    if someone else has changed the plan since, the correction is refused rather than overwriting theirs."""
    if not store.has_plan(pid):
        raise NotFound(f"there is no plan {pid} in this store")
    source = source or f"plan {pid}"
    committed = store.read_file(f"{store.plan_path(pid)}/plan.yaml")
    plan = parse_plan_text(text, source, original=committed.decode("utf-8", "replace") if committed else None)
    check_plan(plan, source, store.window)
    if plan.get("id") != pid:
        raise InvalidPlan(f"plan {pid}: the id cannot be changed by a correction (it now says {plan.get('id')})")
    with store.transaction("correction") as txn:
        txn.expect_unchanged(pid, seen_commit)
        data = checks.canonical(plan)
        if _same_plan(store.read_file(f"plans/{pid}/plan.yaml"), data, plan, pid):
            return None
        blob = txn.write_plan(pid, data)
        txn.add_event(pid, "correction", when, {"plan_blob": blob, **({"note": note} if note else {})}, by=txn.by)
    return txn.commit


def _same_plan(current: bytes | None, data: bytes, plan: dict, pid: str) -> bool:
    """Whether the committed file already says this. A committed file broken by hand (not YAML, not a plan)
    is simply different: a correction is how it is repaired, so its old error must never block the new file."""
    if current is None or current == data:
        return current is not None
    try:
        return bool(fileio.parse_text(current.decode("utf-8"), pid) == plan)
    except (EhcpError, UnicodeDecodeError):
        return False


def latest_commit(store: Store, pid: str) -> str | None:
    log = store.plan_history(pid, max_count=1)
    return log[0].commit if log else None


def history(store: Store, pid: str) -> list[dict]:
    """`ehcp log`: the plan's commits, newest first, each with the date of THIS plan's own event(s) in it, from
    its journal: one commit can add several plans (`ehcp add`), and its EHCP-Date trailer is then the date of
    only one of them. The journal is append-only, so the events a commit added are the lines after those at the
    commit before it. A commit that recorded no event (plain git, `amend start`) says what it is instead of
    showing a date that is not this plan's. `numbers` are the events' numbers (#N), what `contribution resolve`,
    `concern respond` and `budget decide` take."""
    from ehcp_docs.model import events as eventsmod

    path = f"{store.plan_path(pid)}/events.jsonl"
    journal = {int(e.get("seq") or 0): e for e in store.events(pid)}
    commits = store.plan_history(pid)
    counts = [len((store.read_file(path, c.commit) or b"").splitlines()) for c in commits] + [0]
    rows = []
    for i, c in enumerate(commits):
        added = [journal[s] for s in range(counts[i + 1] + 1, counts[i] + 1) if s in journal]
        row = {"commit": c.commit, "date": added[-1]["date"] if added else None,
               "event": ",".join(dict.fromkeys(str(e["event"]) for e in added)) or ",".join(c.events),
               "author": c.author, "summary": c.subject, "note": None,
               "numbers": [int(e["seq"]) for e in added]}
        if not added:
            row["note"] = (f"{eventsmod.words(c.events[0])}: no dated step recorded" if c.events
                           else "made outside ehcp (plain git): no step recorded")
        rows.append(row)
    return rows
