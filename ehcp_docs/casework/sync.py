"""Team use: one store shared through a git server. `ehcp sync` pulls the team's changes and pushes ours.
Journals merge as the union of both sides and plans field by field (store/journal.py, model/merging.py), so
two people working on one plan rarely conflict. When they changed the same field differently, that plan's
changes are held back (kept on refs/ehcp/mine/<ID>), everything else is pushed, and `ehcp resolve ID` finishes
it as one commit. Nothing is lost."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import fileio
from ehcp_docs.errors import InvalidPlan, NotFound, StoreError, UsageError
from ehcp_docs.model.merging import FieldConflict, merge_plans
from ehcp_docs.model.validation import check_plan
from ehcp_docs.store import Store, gitstore, journal
from ehcp_docs.store.gitstore import SyncResult

_REMOTE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
TAKES = ("mine", "theirs")


@dataclass
class Waiting:
    """One plan whose changes wait for `ehcp resolve`, with each conflict in caseworker terms."""

    plan: str
    conflicts: list[str] = field(default_factory=list)


@dataclass
class Synced:
    result: SyncResult
    waiting: list[Waiting]


def sync(store: Store, remote: str = "origin") -> Synced:
    """Pulls the team's changes, replays ours on top and pushes what merged; plans that conflict wait."""
    result = store.sync(remote)
    return Synced(result, waiting(store))


def waiting(store: Store) -> list[Waiting]:
    return [Waiting(pid, describe(store, pid)) for pid in sorted(store.held())]


def _versions(store: Store, pid: str, name: str) -> tuple[Any, Any, Any]:
    held = store.held()[pid]
    path = f"{store.plan_path(pid)}/{name}"
    return tuple(store.read_file(path, rev) for rev in (held["base"], held["mine"], store.head()))  # type: ignore


def _load(data: bytes | None, pid: str) -> dict | None:
    if data is None:
        return None
    doc = fileio.parse_bytes(data, f"plan {pid}")
    return doc if isinstance(doc, dict) else None


def _colleague(store: Store, pid: str) -> str:
    """Who made the colleague's change, and when: "A Colleague (2026-11-04)"."""
    held = store.held()[pid]
    found = store.changes_since(store.plan_path(pid), held["base"], max_count=1)
    return f"{found[0].author} ({found[0].date[:10]})" if found else "your colleague"


def conflicts(store: Store, pid: str, name: str = "plan.yaml") -> tuple[list[FieldConflict], dict | None]:
    base, mine, theirs = (_load(v, pid) for v in _versions(store, pid, name))
    if mine is None or theirs is None:
        return [], theirs or mine
    merged = merge_plans(base, mine, theirs)
    return merged.conflicts, theirs


def describe(store: Store, pid: str) -> list[str]:
    """Every field both sides changed, as "Section F, provision F3 (...), how often: you: ...; A Colleague
    (2026-11-04): ..."."""
    who = _colleague(store, pid)
    out = []
    for name, label in (("plan.yaml", ""), ("proposed.yaml", "proposed amendments: ")):
        found, plan = conflicts(store, pid, name)
        out += [label + c.describe(plan or {}, who) for c in found]
    return out or [f"plan {pid}: changes that could not be merged field by field (see `ehcp resolve {pid}`)"]


def resolve(store: Store, pid: str, take: str | None, file: Path | None, when: date) -> str | None:
    """Finishes a held plan as one commit: both sides' events, every field that merged, and for each conflict
    the version chosen (`take`), or the whole plan from `file`. Returns the commit."""
    held = store.held()
    if pid not in held:
        raise NotFound(f"plan {pid} has no changes waiting to be resolved",
                       hint="`ehcp sync` names the plans whose changes conflict.")
    if take is None and file is None:
        raise UsageError(f"plan {pid}: choose how to finish it: --take mine, --take theirs or --file F",
                         messages=describe(store, pid))
    if take is not None and take not in TAKES:
        raise UsageError(f"--take is mine or theirs, not '{take[:20]}'")
    chosen = _file_plan(file, pid) if file is not None else None
    base_rev, mine_rev = held[pid]["base"], held[pid]["mine"]
    with store.transaction("conflict-resolved") as txn:
        for path in store.changed_between(base_rev, mine_rev, store.plan_path(pid) + "/") + (
                [f"{store.plan_path(pid)}/plan.yaml"] if chosen else []):
            _resolve_file(store, txn, pid, path, (base_rev, mine_rev), take or "mine", chosen)
        blob = store.blob_id(f"{store.plan_path(pid)}/plan.yaml")
        written = txn.writes.get(f"{store.plan_path(pid)}/plan.yaml")
        txn.add_event(pid, "conflict-resolved", when.isoformat(),
                      {"took": "file" if chosen else take,
                       "plan_blob": gitstore.blob_sha(written) if written else blob}, by=txn.by)
    store.set_held({k: v for k, v in held.items() if k != pid})
    return txn.commit


def _file_plan(file: Path, pid: str) -> dict:
    plan = fileio.load_document(file, what="plan file")
    check_plan(plan, file.name)
    if plan.get("id") != pid:
        raise InvalidPlan(f"{file.name} is plan {plan.get('id')}, not {pid}")
    return plan


def _resolve_file(store: Store, txn: Any, pid: str, path: str, revs: tuple[str, str], take: str,
                  chosen: dict | None) -> None:
    base, mine, theirs = (store.read_file(path, revs[0]), store.read_file(path, revs[1]), store.read_file(path))
    name = path.rsplit("/", 1)[-1]
    if name == "plan.yaml" and chosen is not None:
        txn.write_plan(pid, chosen)
    elif mine in (theirs, base):
        return
    elif theirs == base:
        txn.write(path, mine)
    elif name == journal.FILENAME:
        try:
            merged = journal.merge_files(base or b"", mine or b"", theirs or b"")
        except (ValueError, UnicodeDecodeError):
            raise journal.damaged(pid) from None
        txn.journal[pid] = journal.parse_raw(merged)
        txn.write(path, merged)
    elif name in ("plan.yaml", "proposed.yaml") and mine is not None and theirs is not None:
        result = merge_plans(_load(base, pid), _load(mine, pid) or {}, _load(theirs, pid) or {}, prefer=take)
        if name == "plan.yaml":
            check_plan(result.plan, f"plan {pid}")
        txn.write_plan(pid, result.plan, name)
    else:
        txn.write(path, mine if take == "mine" else theirs)


def check_remote(name: str) -> str:
    """A remote's name as the caseworker typed it, refused when it could be read as something else."""
    if not _REMOTE.match(name):
        raise UsageError(f"'{name[:40]}' is not a remote name")
    return name


def clone(url: str, target: Path) -> Store:
    """A working copy of the team's store, with ehcp's merge drivers registered."""
    gitstore.clone(url, target)
    try:
        store = Store.open(str(target))
    except StoreError:
        raise StoreError(f"{url[:80]} holds a git repository but not a plan store (no ehcp.toml)",
                         hint="Check the address with whoever set up the team's store.") from None
    return store
