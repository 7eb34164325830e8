"""The calendar across the store, cached: every plan's result of one calendar computation (a due list, the drift
report), kept per plan folder so that a command on 20,000 plans reads most of its answer back (see __init__.py).

Level 1 (`inputs`): one row per plan, keyed by the id of its folder tree: the plan's summary (`summarise`) and its
journal without long free text (`prune_event`), parsed exactly as Store.plan and Store.events parse them.
Level 2 (`snapshots`): for one context (the question and the code that answers it), every plan's result with the
`plans` tree id it was computed from; only plans whose folder changed are recomputed."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any, Literal

from ehcp_docs import fileio
from ehcp_docs.model.plan import ID_PATTERN
from ehcp_docs.store import journal
from ehcp_docs.store.index.cache import Cache, IndexedStore, _Bad, _busy, _pack, _unpack, context_key

KEEP_SNAPSHOTS = 32  # several days of due lists, drift reports and the management information (its dashboard
# alone uses six: casework/dashboard.py)
CHUNK = 500  # plans read and computed at a time

# Plan fields the calendar never reads and that make up most of a plan: left out of the summary. Everything else
# is kept (including anything added to the schema later), and of `sections` only Section I (the setting) and
# Section J (the personal budget flags of the SEN2 return, casework/returns.py).
KEPT_SECTIONS = ("I", "J")
PLAN_DROPPED = frozenset({"parents", "caseworker", "professionals"})
# Journal fields that hold long text or whole records and that the calendar never reads. Everything else is kept.
EVENT_DROPPED = frozenset({"record", "return", "text", "invitees", "venue", "reason", "reasons", "note", "details",
                           "evidence", "file", "plan_blob"})

Compute = Callable[[dict, list], dict]


# ---- what is kept ----------------------------------------------------------------------------------------------
def summarise(plan: Any) -> dict:
    """The plan as the calendar sees it. Raises ValueError for something that is not a plan (never cached)."""
    if not isinstance(plan, dict):
        raise ValueError("not a plan")
    out = {k: v for k, v in plan.items() if k not in PLAN_DROPPED and k != "sections"}
    if "sections" in plan:
        sections = plan["sections"]
        out["sections"] = {k: _kept(k, sections[k]) for k in KEPT_SECTIONS if k in sections} \
            if isinstance(sections, dict) else sections
    return out


BUDGET_FLAGS = ("in_place", "organised_arrangements", "direct_payments")


def _kept(section: str, value: Any) -> Any:
    """Section I whole; of Section J only its flags (its summary and items can be long)."""
    if section == "J" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k in BUDGET_FLAGS}
    return value


def prune_event(event: Any) -> Any:
    if not isinstance(event, dict):
        return event
    return {k: (prune_event(v) if k == "data" else v) for k, v in event.items() if k not in EVENT_DROPPED}


# ---- the phase transfer of each plan version -------------------------------------------------------------------
VERSION_TRANSFER = "plan_transfer"  # added to a journal event that made a plan version: that version's `transfer`


def version_transfer(data: bytes | None) -> Any:
    """The `transfer` block of a plan version's YAML (None when it has none or cannot be read). An amended plan
    drops the transfer it carries out (and records the next one), so the transfers of earlier versions are only in
    their blobs; reading the top-level `transfer:` block alone keeps this to a fraction of parsing the whole plan,
    with the same parser. A version whose transfer is written another way is parsed whole."""
    if not data or b"transfer" not in data:
        return None
    try:
        text = fileio.decode(data, "plan version")
        lines = text.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("transfer:")), None)
        if start is None or text.lstrip().startswith("{"):
            parsed = fileio.parse_text(text, "plan version")
        else:
            end = start + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t", "#", "-")):
                end += 1
            parsed = fileio.parse_text("\n".join(lines[start:end]) + "\n", "plan version")
    except Exception:  # noqa: BLE001 - an unreadable version is one with no transfer to count
        return None
    value = parsed.get("transfer") if isinstance(parsed, dict) else None
    return value if isinstance(value, dict) else None


def with_version_transfers(events: list, read_blob: Callable[[str], bytes | None]) -> list:
    """The journal with each event that made a plan version (`plan_blob`) carrying that version's transfer."""
    out = []
    for e in events:
        blob = e.get("plan_blob") if isinstance(e, dict) else None
        out.append({**e, VERSION_TRANSFER: version_transfer(read_blob(blob))} if isinstance(blob, str) else e)
    return out



# ---- the calendar across the store -----------------------------------------------------------------------------
class Calendar:
    """Reads (and refreshes) the index for one command and one context. `facts()` gives, for every plan id at
    HEAD in sorted order, `compute(summary, pruned_events)` as computed now or earlier for the same plan folder and
    context, or None for a plan the caller must compute the plain way (it could not be summarised, or computing
    raised). Returns None altogether when the index cannot answer (the caller then computes everything itself)."""

    def __init__(self, store: IndexedStore, context: str, compute: Compute):
        self.store, self.context, self.compute = store, context, compute
        self.cache = Cache(store.git.gitdir)
        self.stats = {"hit": False, "reused": 0, "from_inputs": 0, "from_git": 0, "irregular": 0}

    def facts(self) -> list[tuple[str, Any]] | None:
        import sqlite3

        try:
            return self._facts()
        except sqlite3.DatabaseError as e:
            if _busy(e):
                self.cache.close()
            else:
                self.cache.discard()  # damaged while in use: drop it; this command computes without it
            try:
                return self._facts(use_cache=False)
            except Exception:  # noqa: BLE001
                return None
        except Exception:  # noqa: BLE001 - the index must never break a command: compute the plain way
            return None
        finally:
            self.cache.close()

    def _facts(self, use_cache: bool = True) -> list[tuple[str, Any]] | None:
        """The answer for HEAD: read back whole when the `plans` tree is the one last answered for, else the
        previous snapshot brought up to date for the plan folders that changed."""
        head = self.store.git.head()
        plans_tree = self.store.git.tree_id(f"{head}:plans") if head else None
        if plans_tree is None:
            return None
        db = self.cache.open() if use_cache else None
        hit, previous = self._snapshot(db, plans_tree)
        if hit is not None:
            return hit
        plans = self.store.git.tree(plans_tree)
        if plans is None:
            return None
        dirs = sorted((name, oid) for name, (mode, oid) in plans.items()
                      if mode == "40000" and ID_PATTERN.match(name))
        old_trees, old_facts = previous
        need = [(pid, tree) for pid, tree in dirs if old_trees.get(pid) != tree or old_facts.get(pid) is None]
        computed: dict[str, Any] = {}
        for i in range(0, len(need), CHUNK):  # in chunks, so memory stays flat on a big store
            computed.update(self._compute_chunk(db, need[i:i + CHUNK]))
        trees: dict[str, str] = {}
        facts: dict[str, Any] = {}
        for pid, tree in dirs:
            if pid in computed:
                trees[pid], facts[pid] = tree, computed[pid]
            elif old_trees.get(pid) == tree and old_facts.get(pid) is not None:
                trees[pid], facts[pid] = tree, old_facts[pid]
                self.stats["reused"] += 1
        if db is not None:
            self._write(db, plans_tree, trees, facts, len(dirs))
        return list(facts.items())

    def _snapshot(self, db: Any, plans_tree: str) -> tuple[list[tuple[str, Any]] | None, tuple[dict, dict]]:
        """(the whole answer when the snapshot is for this `plans` tree, else None; the snapshot's plan trees and
        facts to bring up to date, empty when there is none or it is damaged)."""
        empty: tuple[dict, dict] = ({}, {})
        if db is None:
            return None, empty
        ctx = self.context
        row = db.execute("SELECT plans_tree, trees, facts FROM snapshots WHERE context=?", (ctx,)).fetchone()
        if row is None:
            return None, empty
        try:
            if row[0] == plans_tree:
                value = _unpack(f"{ctx}:{row[0]}:facts", row[2])
                self.stats["hit"] = True
                self._touch(db)
                return list(value.items()), empty
            return None, (_unpack(f"{ctx}:{row[0]}:trees", row[1]), _unpack(f"{ctx}:{row[0]}:facts", row[2]))
        except _Bad:
            return None, empty

    def _compute_chunk(self, db: Any, chunk: list[tuple[str, str]]) -> dict[str, Any]:
        """The result for each plan folder of the chunk (None: left to the plain path), from level 1 where it
        holds the folder, else read from git (and saved to level 1)."""
        inputs = self._inputs(db, dict(chunk))
        new_inputs: list[tuple[str, str, bytes]] = []
        computed: dict[str, Any] = {}
        for pid, tree in chunk:
            got = inputs.get(pid)
            if got is not None:
                summary, events = got
                self.stats["from_inputs"] += 1
            else:
                read = self._read(pid, tree)
                if read is None:  # no plan.yaml here: not a plan (as Store.plan_ids)
                    continue
                if read is False:  # cannot be summarised: the caller reads it the plain way
                    computed[pid] = None
                    self.stats["irregular"] += 1
                    continue
                summary, events = read
                new_inputs.append((pid, tree, _pack(f"{pid}:{tree}", [summary, events])))
                self.stats["from_git"] += 1
            try:
                computed[pid] = self.compute(summary, events)
            except Exception:  # noqa: BLE001 - the plain path raises it, in its place
                computed[pid] = None
                self.stats["irregular"] += 1
        if db is not None and new_inputs:
            self._save_inputs(db, new_inputs)
        return computed

    def _inputs(self, db: Any, need: dict[str, str]) -> dict[str, tuple]:
        """Level-1 rows (summary, pruned events) for these plans, when stored for their current folder."""
        if db is None or not need:
            return {}
        items = list(need)
        rows = db.execute(f"SELECT pid, tree, data FROM inputs WHERE pid IN ({','.join('?' * len(items))})",
                          items).fetchall()
        out = {}
        for pid, tree, data in rows:
            if need.get(pid) != tree:
                continue
            try:
                summary, events = _unpack(f"{pid}:{tree}", data)
            except _Bad:
                continue
            out[pid] = (summary, events)
        return out

    def _save_inputs(self, db: Any, rows: list[tuple[str, str, bytes]]) -> None:
        import sqlite3

        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO inputs VALUES(?, ?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.OperationalError:  # busy or read-only: not saved this time
            with contextlib.suppress(Exception):
                db.execute("ROLLBACK")

    def _read(self, pid: str, tree: str) -> tuple[dict, list] | None | Literal[False]:
        """Reads one plan folder by its tree id: (summary, pruned events); None when it holds no plan.yaml;
        False when the plan or its journal cannot be read or summarised (left to the plain path)."""
        entries = self.store.git.tree(tree)
        if entries is None:
            return False
        plan_entry = entries.get("plan.yaml")
        if plan_entry is None or plan_entry[0] == "40000":
            return None
        try:
            blob = self.store.git.read_blob(plan_entry[1])
            if blob is None:
                return False
            plan = fileio.parse_bytes(blob, f"plan {pid}")  # the same parser as Store.plan
            entry = entries.get("events.jsonl")
            data = b""
            if entry is not None:
                jblob = self.store.git.read_blob(entry[1])
                if jblob is None:
                    return False  # Store.events would find no file here: leave it to the plain path
                data = jblob
            events = journal.parse(data) if entry is not None else []  # the same parser as Store.events
            events = with_version_transfers(events, self.store.git.read_blob)
            return summarise(plan), [prune_event(e) for e in events]
        except Exception:  # noqa: BLE001 - any problem: the plain path reports it
            return False

    def _touch(self, db: Any) -> None:
        with contextlib.suppress(Exception):  # a busy or read-only cache is not an error
            db.execute("UPDATE snapshots SET used=? WHERE context=?", (time.time(), self.context))

    def _write(self, db: Any, plans_tree: str, trees: dict, facts: dict, n_dirs: int) -> None:
        import sqlite3

        ctx = self.context
        try:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("SELECT count(*) FROM inputs").fetchone()[0] > n_dirs:  # plans gone (purged)
                db.execute("CREATE TEMP TABLE IF NOT EXISTS live(pid TEXT PRIMARY KEY)")
                db.execute("DELETE FROM live")
                db.executemany("INSERT INTO live VALUES(?)", [(p,) for p in trees])
                db.execute("DELETE FROM inputs WHERE pid NOT IN (SELECT pid FROM live)")
            db.execute("INSERT OR REPLACE INTO snapshots VALUES(?, ?, ?, ?, ?)",
                       (ctx, plans_tree, time.time(), _pack(f"{ctx}:{plans_tree}:trees", trees),
                        _pack(f"{ctx}:{plans_tree}:facts", facts)))
            db.execute("DELETE FROM snapshots WHERE context NOT IN "
                       "(SELECT context FROM snapshots ORDER BY used DESC LIMIT ?)", (KEEP_SNAPSHOTS,))
            db.execute("COMMIT")
        except sqlite3.OperationalError:  # busy (another command is writing) or read-only: skip saving
            with contextlib.suppress(Exception):
                db.execute("ROLLBACK")



def calendar(store: IndexedStore, kind: str, params: Any, compute: Compute) -> list[tuple[str, Any]] | None:
    """Every plan at HEAD with `compute(summary, pruned_events)` for the context (kind, params): see Calendar.
    `params` must name everything besides the plan and its journal that the result depends on (the day, the
    period, the store's options); the calendar's code is added to the key here."""
    return Calendar(store, context_key(kind, params), compute).facts()

