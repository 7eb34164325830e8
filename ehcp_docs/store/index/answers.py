"""Whole answers of the store-wide reports (`sen2`, `stats`, `report`), cached per question and `plans` tree, and
brought up to date plan by plan after a few commits.

Level 3 of the index (levels 1 and 2 are in facts.py). A question (its kind, its arguments, the store's settings
and the code, `context_key`) is answered as `combine(parts)`, where each plan's `part` is worked out from that
plan's calendar facts alone. The row keeps the answer, every plan's part and the plan folder tree it came from:

- the same `plans` tree as the row: the answer is read back (no plan is read, nothing is recomputed);
- a later `plans` tree with few plan folders changed (one new event on one plan): only the changed plans' facts
  and parts are worked out again (from level 1, or git), and combined with the others' kept parts;
- anything else (no row, many plans changed, a plan the index leaves to the plain path): the answer is worked
  out from every plan's facts (level 2 does that incrementally too) and saved.

Why this cannot give a wrong answer: as for the other levels, every row carries the key it was written for and
is keyed by content ids read from HEAD; `part` and `combine` see nothing but a plan's facts, so a part worked out
now equals the one kept for the same folder tree, and the answer is a function of the parts."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from ehcp_docs.model.plan import ID_PATTERN
from ehcp_docs.store.index.cache import Cache, IndexedStore, _Bad, _pack, _unpack, context_key, saved
from ehcp_docs.store.index.facts import Calendar, Compute

KEEP_ANSWERS = 48  # questions kept (a manager's few reports, days and years)
INCREMENTAL = 500  # plan folders changed since the row, at most, to bring it up to date plan by plan

Part = Callable[[str, Any], Any]
Combine = Callable[[list[tuple[str, Any]]], Any]


def answer(store: IndexedStore, kind: str, params: Any, facts_kind: str, facts_params: Any, compute: Compute,
           part: Part, combine: Combine,
           everything: Callable[[], list[tuple[str, Any]]]) -> Any:
    """The answer to the question (kind, params): `combine` of every plan's `part(pid, facts)`, where the facts
    are the calendar's `compute` for the context (facts_kind, facts_params). `everything()` gives every plan's
    facts the way the caller works them out without this level (through level 2, and the plain path for plans
    it leaves out); it is called when the answer cannot be brought up to date plan by plan."""
    ctx = context_key(f"answer:{kind}", params)
    cache = Cache(store.git.gitdir)
    try:
        head = store.git.head()
        plans_tree = store.git.tree_id(f"{head}:plans") if head else None
        db = cache.open() if plans_tree else None
        if db is None or plans_tree is None:
            return combine([(pid, part(pid, f)) for pid, f in everything()])
        row = _row(db, ctx)
        if row is not None and row[0] == plans_tree:
            with contextlib.suppress(_Bad):
                value = _unpack(f"{ctx}:{plans_tree}:answer", row[3])
                _touch(db, ctx)
                return value
        trees = _trees(store, plans_tree)
        parts = _brought_up_to_date(store, db, ctx, row, trees, facts_kind, facts_params, compute, part)
        if parts is None:
            facts = everything()
            parts = {pid: part(pid, f) for pid, f in facts}
            if trees is not None and set(parts) != set(trees):  # a folder that is not a plan, or listed otherwise
                trees = {pid: trees[pid] for pid in parts if pid in trees}
        value = combine(sorted(parts.items()))
        if trees is not None and set(trees) == set(parts):
            _write(db, ctx, plans_tree, trees, parts, value)
        return value
    finally:
        cache.close()


def _row(db: Any, ctx: str) -> tuple | None:
    try:
        got = db.execute("SELECT plans_tree, trees, parts, answer FROM answers WHERE context=?", (ctx,)).fetchone()
        return tuple(got) if got is not None else None
    except Exception:  # noqa: BLE001 - a damaged or busy index is a miss
        return None


def _trees(store: IndexedStore, plans_tree: str) -> dict[str, str] | None:
    entries = store.git.tree(plans_tree)
    if entries is None:
        return None
    return {name: oid for name, (mode, oid) in entries.items() if mode == "40000" and ID_PATTERN.match(name)}


def _brought_up_to_date(store: IndexedStore, db: Any, ctx: str, row: tuple | None, trees: dict[str, str] | None,
                        facts_kind: str, facts_params: Any, compute: Compute, part: Part) -> dict[str, Any] | None:
    """Every plan's part for the current folders, from the row's parts and the changed plans worked out again;
    None when that cannot be done (no row, too many changes, a plan left to the plain path)."""
    if row is None or trees is None:
        return None
    try:
        old_trees = _unpack(f"{ctx}:{row[0]}:trees", row[1])
        old_parts = _unpack(f"{ctx}:{row[0]}:parts", row[2])
    except _Bad:
        return None
    changed = [(pid, tree) for pid, tree in trees.items() if old_trees.get(pid) != tree or pid not in old_parts]
    if len(changed) > INCREMENTAL:
        return None
    calendar = Calendar(store, context_key(facts_kind, facts_params), compute)
    computed = calendar._compute_chunk(db, sorted(changed))
    if any(computed.get(pid) is None for pid, _ in changed):
        return None  # not a plan, or left to the plain path: the caller's own way names it
    parts = {pid: old_parts[pid] for pid in trees if pid in old_parts}
    for pid, _ in changed:
        parts[pid] = part(pid, computed[pid])
    return parts


def _touch(db: Any, ctx: str) -> None:
    with contextlib.suppress(Exception):
        db.execute("UPDATE answers SET used=? WHERE context=?", (time.time(), ctx))


def _write(db: Any, ctx: str, plans_tree: str, trees: dict, parts: dict, value: Any) -> None:
    with saved(db):
        db.execute("INSERT OR REPLACE INTO answers VALUES(?, ?, ?, ?, ?, ?)",
                   (ctx, plans_tree, time.time(), _pack(f"{ctx}:{plans_tree}:trees", trees),
                    _pack(f"{ctx}:{plans_tree}:parts", parts), _pack(f"{ctx}:{plans_tree}:answer", value)))
        db.execute("DELETE FROM answers WHERE context NOT IN "
                   "(SELECT context FROM answers ORDER BY used DESC LIMIT ?)", (KEEP_ANSWERS,))


# ---- small payloads by content (the dashboard's drawn charts) ----------------------------------------------------
def cached_bytes(store: IndexedStore, key: str, make: Callable[[], bytes]) -> bytes:
    """`make()` kept under `key` (which must name everything the bytes depend on): e.g. a chart drawn from its
    data, so a dashboard whose figures did not change is written without loading the drawing library."""

    cache = Cache(store.git.gitdir)
    try:
        db = cache.open()
        if db is not None:
            with contextlib.suppress(Exception):
                got = db.execute("SELECT data FROM blobs WHERE key=?", (key,)).fetchone()
                if got is not None:
                    return bytes(_unpack(f"blob:{key}", got[0]).encode("latin-1"))
        data = make()
        if db is not None:
            with saved(db):
                db.execute("INSERT OR REPLACE INTO blobs VALUES(?, ?, ?)",
                           (key, time.time(), _pack(f"blob:{key}", data.decode("latin-1"))))
                db.execute("DELETE FROM blobs WHERE key NOT IN (SELECT key FROM blobs ORDER BY used DESC LIMIT ?)",
                           (KEEP_ANSWERS * 8,))
        return data
    finally:
        cache.close()

