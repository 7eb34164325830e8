"""The store index: what `due`, `lists`, `render --all --due-in` and `overdue` need from every plan, and each plan's
commits for `ehcp log`, cached so that a store of 20,000 plans and 700,000 commits answers in well under a
second, and so that it can never go stale.

Everything is in one SQLite file, `<store>/.git/ehcp-index/calendar.sqlite3`: inside .git, so it is never
committed or shared, and private to the store's owner like the rest of .git (it holds names and dates).

1. **inputs**, one row per plan, keyed by the id of the plan's folder tree at HEAD (`plans/<ID>/`, read from the
   one `plans` tree object: a tree id is a hash of the ids of every file in the folder, so it changes whenever
   plan.yaml or events.jsonl does): the plan's summary (everything but the long sections and contact details,
   `summarise`) and its journal without the long free text and records (`prune_event`), parsed exactly as
   Store.plan and Store.events parse them. These are the inputs of the calendar.
2. **snapshots**: for one *context* (what was asked, e.g. "due" with the day, the period and the store's options
   and term dates, plus a fingerprint of the code that computes it), every plan's result (`compute(summary,
   events)`, JSON), with the `plans` tree id it was computed from. When HEAD's `plans` tree is the same, the
   answer is read back whole; when it changed, only plans whose folder changed are recomputed (from level 1, or
   from git for the folders level 1 has not seen).
3. **touches**: for `plan_log`, the commits that changed each plan, brought up to date from the last HEAD seen.

Why it cannot go stale: every row is keyed by content ids read from HEAD at the moment of the command, and by the
code and options that computed it. A plan edited by hand and committed with plain git has a new tree id, so it is
re-read; uncommitted edits are ignored, as everywhere else (commands read the committed state). A change to the
code that parses plans or computes the calendar changes the fingerprints and empties the index.

Why a damaged index cannot give a wrong answer: every stored payload is zlib-compressed (a damaged byte fails its
checksum) and carries the key it was written for, checked on reading; a row that fails is recomputed. A file
SQLite cannot read is deleted and rebuilt. When the folder cannot be written (a read-only store) the answer is
computed without it, and anything unexpected falls back to the plain computation, never to a wrong answer.

Plans the index cannot summarise (a plan or journal that does not parse, or a computation that raises) are never
cached: the caller computes them the plain way, so errors and their order are exactly what they would be without
the index. EHCP_INDEX=0 switches the index off (for comparisons and troubleshooting); `clear` deletes it."""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ehcp_docs.model.plan import ID_PATTERN
from ehcp_docs.store.core import journal_records

FORMAT = 1
DIRNAME = "ehcp-index"
FILENAME = "calendar.sqlite3"
KEEP_SNAPSHOTS = 8
CHUNK = 500  # plans read and computed at a time
VERIFY_MAX = 2000  # a walk of the history this short asks git which plans each commit changed (see _touched)
BUSY_TIMEOUT = 2.0
# The code that decides the calendar facts is every module of the layers below the documents (the shared modules at
# the top of the package, statutory/, model/, store/ and casework/; not cli/ or documents/): a change to any of
# them makes every snapshot a miss. All of them, rather than a list to keep up, so that no module the calendar
# comes to use is left out.
PACKAGE = Path(__file__).resolve().parent.parent
CALENDAR_CODE = ("statutory", "model", "store", "casework")
# Libraries whose data feeds the calendar (bank holidays, month arithmetic, Easter).
CALENDAR_LIBRARIES = ("holidays", "dateutil")

# Plan fields the calendar never reads and that make up most of a plan: left out of the summary. Everything else
# is kept (including anything added to the schema later), and of `sections` only Section I (the setting).
PLAN_DROPPED = frozenset({"parents", "caseworker", "professionals"})
# Journal fields that hold long text or whole records and that the calendar never reads. Everything else is kept.
EVENT_DROPPED = frozenset({"record", "return", "text", "invitees", "venue", "reason", "reasons", "note", "details",
                           "evidence", "file", "plan_blob"})

Compute = Callable[[dict, list], dict]


def enabled(use_index: bool | None = None) -> bool:
    if use_index is not None:
        return use_index
    return os.environ.get("EHCP_INDEX", "1").strip().lower() not in ("0", "off", "no", "false")


# ---- what is kept ----------------------------------------------------------------------------------------------
def summarise(plan: Any) -> dict:
    """The plan as the calendar sees it. Raises ValueError for something that is not a plan (never cached)."""
    if not isinstance(plan, dict):
        raise ValueError("not a plan")
    out = {k: v for k, v in plan.items() if k not in PLAN_DROPPED and k != "sections"}
    if "sections" in plan:
        sections = plan["sections"]
        out["sections"] = {"I": sections["I"]} if isinstance(sections, dict) and "I" in sections else \
            ({} if isinstance(sections, dict) else sections)
    return out


def prune_event(event: Any) -> Any:
    if not isinstance(event, dict):
        return event
    return {k: (prune_event(v) if k == "data" else v) for k, v in event.items() if k not in EVENT_DROPPED}


# ---- fingerprints ----------------------------------------------------------------------------------------------
_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    """A hash of the calendar's own code and of the libraries it takes dates from."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import importlib.util

        h = hashlib.sha1(f"{FORMAT}:{sys.version_info[:2]}".encode())
        sources = [*PACKAGE.glob("*.py"), *(f for layer in CALENDAR_CODE for f in (PACKAGE / layer).rglob("*.py"))]
        for source in sorted(sources):
            h.update(str(source.relative_to(PACKAGE)).encode() + b"\0" + source.read_bytes())
        for name in CALENDAR_LIBRARIES:
            spec = importlib.util.find_spec(name)
            origin = Path(spec.origin) if spec and spec.origin else None
            st = origin.stat() if origin else None
            h.update(f"{name}:{origin}:{st.st_mtime_ns if st else 0}:{st.st_size if st else 0}".encode())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


# Modules whose code decides level 1 (how plan files and journals are read, and what is kept of them).
INPUT_MODULES = ("ehcp_docs.store.index", "ehcp_docs.store.core", "ehcp_docs.fileio", "ehcp_docs.model.events")


def inputs_fingerprint() -> str:
    """Level 1 depends on how plans and journals are parsed (Store._load, journal_records) and what is kept."""
    import importlib

    h = hashlib.sha1(f"{FORMAT}:{sys.version_info[:2]}".encode())
    for name in INPUT_MODULES:
        h.update(Path(importlib.import_module(name).__file__).read_bytes())
    return h.hexdigest()


def context_key(kind: str, params: Any) -> str:
    return hashlib.sha1(json.dumps([FORMAT, kind, params, code_fingerprint()], sort_keys=True,
                                   default=str).encode()).hexdigest()


# ---- payloads: compressed, and carrying the key they were written for ------------------------------------------
def _pack(key: str, value: Any) -> bytes:
    return zlib.compress(json.dumps([key, value], ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


class _Bad(Exception):
    pass


def _unpack(key: str, blob: Any) -> Any:
    try:
        stored, value = json.loads(zlib.decompress(blob))
    except Exception:  # noqa: BLE001 - any damage is a miss
        raise _Bad() from None
    if stored != key:
        raise _Bad()
    return value


# ---- git objects ------------------------------------------------------------------------------------------------
def parse_tree(data: bytes) -> dict[str, tuple[str, str]]:
    """A raw git tree object: name -> (mode, hex id)."""
    out, pos, n = {}, 0, len(data)
    while pos < n:
        sp = data.index(b" ", pos)
        nul = data.index(b"\0", sp)
        out[data[sp + 1:nul].decode("utf-8", "surrogateescape")] = (data[pos:sp].decode(),
                                                                     data[nul + 1:nul + 21].hex())
        pos = nul + 21
    return out


def _object(store: Any, ref: str) -> tuple[str, bytes] | None:
    """(type, bytes) of an object through the store's persistent cat-file; None when there is none."""
    try:
        got = store.git.object(ref)
    except Exception:  # noqa: BLE001 - missing object or bad ref
        return None
    return None if got is None else (got[1], got[2])


# ---- the cache file ---------------------------------------------------------------------------------------------
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE inputs(pid TEXT PRIMARY KEY, tree TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE snapshots(context TEXT PRIMARY KEY, plans_tree TEXT NOT NULL, used REAL NOT NULL,
                                     trees BLOB NOT NULL, facts BLOB NOT NULL);
CREATE TABLE touches(pid TEXT NOT NULL, pos INTEGER NOT NULL, sha TEXT NOT NULL);
CREATE INDEX touches_pid ON touches(pid, pos);
CREATE TABLE checked(key TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


def _busy(e: Exception) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


class Cache:
    """The SQLite file, opened lazily; any damage discards it. Never raises: a cache that cannot be used is
    simply absent (`self.db is None`)."""

    def __init__(self, gitdir: Path):
        self.dir = gitdir / DIRNAME
        self.path = self.dir / FILENAME
        self.db = None
        self.rebuilt = False

    def open(self) -> Any:
        import sqlite3

        for attempt in (1, 2):
            db = None
            try:
                old = os.umask(0o077)
                try:
                    self.dir.mkdir(mode=0o700, exist_ok=True)
                    db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT, isolation_level=None)
                finally:
                    os.umask(old)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                want = inputs_fingerprint()
                try:
                    row = db.execute("SELECT value FROM meta WHERE key='inputs'").fetchone()
                except sqlite3.OperationalError:  # a new file (no tables yet)
                    row = None
                if row is None or row[0] != want:  # new, or written by other code: start afresh
                    db.execute("BEGIN IMMEDIATE")
                    for table in ("meta", "inputs", "snapshots", "touches", "checked"):
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("INSERT INTO meta VALUES('inputs', ?)", (want,))
                    db.execute("COMMIT")
                self.db = db
                return db
            except sqlite3.DatabaseError as e:
                if db is not None:
                    db.close()
                if _busy(e):
                    return None  # another command is rebuilding it: work without it this time
                # not a database, malformed, or a version we cannot read: discard it and start again
                self.discard()
                if attempt == 2:
                    return None
            except OSError:
                return None  # a folder we cannot write: work without the cache
        return None

    def discard(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except Exception:  # noqa: BLE001
                pass
            self.db = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(str(self.path) + suffix).unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass
        self.rebuilt = True

    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except Exception:  # noqa: BLE001
                pass
            self.db = None


# ---- the calendar across the store -----------------------------------------------------------------------------
class Calendar:
    """Reads (and refreshes) the index for one command and one context. `facts()` gives, for every plan id at
    HEAD in sorted order, `compute(summary, pruned_events)` as computed now or earlier for the same plan folder and
    context, or None for a plan the caller must compute the plain way (it could not be summarised, or computing
    raised). Returns None altogether when the index cannot answer (the caller then computes everything itself)."""

    def __init__(self, store: Any, context: str, compute: Compute):
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
        head = self.store.git.head()
        if head is None:
            return None
        plans_tree = _object_id(self.store, f"{head}:plans")
        if plans_tree is None:
            return None
        ctx = self.context
        db = self.cache.open() if use_cache else None
        previous = None
        if db is not None:
            row = db.execute("SELECT plans_tree, trees, facts FROM snapshots WHERE context=?", (ctx,)).fetchone()
            if row is not None:
                try:
                    if row[0] == plans_tree:
                        value = _unpack(f"{ctx}:{row[0]}:facts", row[2])
                        self.stats["hit"] = True
                        self._touch(db)
                        return list(value.items())
                    previous = (_unpack(f"{ctx}:{row[0]}:trees", row[1]), _unpack(f"{ctx}:{row[0]}:facts", row[2]))
                except _Bad:
                    previous = None
        plans = _object(self.store, plans_tree)
        if plans is None or plans[0] != "tree":
            return None
        dirs = sorted((name, oid) for name, (mode, oid) in parse_tree(plans[1]).items()
                      if mode == "40000" and ID_PATTERN.match(name))
        old_trees, old_facts = previous if previous is not None else ({}, {})
        need = [(pid, tree) for pid, tree in dirs if old_trees.get(pid) != tree or old_facts.get(pid) is None]
        computed: dict[str, Any] = {}
        for i in range(0, len(need), CHUNK):  # in chunks, so memory stays flat on a big store
            chunk = need[i:i + CHUNK]
            inputs = self._inputs(db, dict(chunk))
            new_inputs: list[tuple[str, str, bytes]] = []
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
            try:
                db.execute("ROLLBACK")
            except Exception:  # noqa: BLE001
                pass

    def _read(self, pid: str, tree: str) -> tuple[dict, list] | None | bool:
        """Reads one plan folder by its tree id: (summary, pruned events); None when it holds no plan.yaml;
        False when the plan or its journal cannot be read or summarised (left to the plain path)."""
        got = _object(self.store, tree)
        if got is None or got[0] != "tree":
            return False
        entries = parse_tree(got[1])
        plan_entry = entries.get("plan.yaml")
        if plan_entry is None or plan_entry[0] == "40000":
            return None
        try:
            blob = _object(self.store, plan_entry[1])
            if blob is None or blob[0] != "blob":
                return False
            plan = self.store._load(blob[1], f"plan {pid}")
            journal = entries.get("events.jsonl")
            data = b""
            if journal is not None:
                jblob = _object(self.store, journal[1])
                if jblob is None or jblob[0] != "blob":
                    return False  # Store.events would find no file here: leave it to the plain path
                data = jblob[1]
            events = journal_records(data) if data else []  # the same parser as Store.events
            return summarise(plan), [prune_event(e) for e in events]
        except Exception:  # noqa: BLE001 - any problem: the plain path reports it
            return False

    def _touch(self, db: Any) -> None:
        try:
            db.execute("UPDATE snapshots SET used=? WHERE context=?", (time.time(), self.context))
        except Exception:  # noqa: BLE001 - a busy or read-only cache is not an error
            pass

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
            try:
                db.execute("ROLLBACK")
            except Exception:  # noqa: BLE001
                pass


def _object_id(store: Any, ref: str) -> str | None:
    try:
        got = store.git.object_header(ref)
    except Exception:  # noqa: BLE001
        return None
    return got[0] if got is not None and got[1] == "tree" else None


def calendar(store: Any, kind: str, params: Any, compute: Compute) -> list[tuple[str, Any]] | None:
    """Every plan at HEAD with `compute(summary, pruned_events)` for the context (kind, params): see Calendar.
    `params` must name everything besides the plan and its journal that the result depends on (the day, the
    period, the store's options); the calendar's code is added to the key here."""
    return Calendar(store, context_key(kind, params), compute).facts()


def clear(store: Any) -> None:
    """Deletes the index (it is rebuilt on the next command that needs it): e.g. after purging a plan."""
    Cache(store.git.gitdir).discard()


# ---- each committed plan file's problems (for `validate --all`, bulkcheck) --------------------------------------
def checked_get(store: Any, keys: list[str]) -> dict[str, list[str]]:
    """The stored problems for each key (bulkcheck.cache_key) that has them; a damaged row is a miss."""
    import sqlite3

    cache = Cache(store.git.gitdir)
    found: dict[str, list[str]] = {}
    try:
        db = cache.open()
        if db is None:
            return {}
        for i in range(0, len(keys), 900):  # SQLite's limit on parameters
            part = keys[i:i + 900]
            for key, data in db.execute(f"SELECT key, data FROM checked WHERE key IN ({','.join('?' * len(part))})",
                                        part):
                try:
                    value = _unpack(key, data)
                except _Bad:
                    continue
                if isinstance(value, list) and all(isinstance(x, str) for x in value):
                    found[key] = value
        return found
    except sqlite3.DatabaseError:
        return {}
    finally:
        cache.close()


def checked_put(store: Any, results: dict[str, list[str]], keep: set[str] | None) -> None:
    """Stores new results and forgets every key not in `keep` (files no longer at HEAD, or checked by older
    code), so the table holds one row per committed plan file; `keep=None` (one plan checked by a command) forgets
    nothing. Never raises: an unsaved result is a later miss."""
    cache = Cache(store.git.gitdir)
    try:
        db = cache.open()
        if db is None:
            return
        stale = [] if keep is None else [r[0] for r in db.execute("SELECT key FROM checked") if r[0] not in keep]
        if not results and not stale:
            return
        db.execute("BEGIN IMMEDIATE")
        db.executemany("DELETE FROM checked WHERE key=?", [(k,) for k in stale])
        db.executemany("INSERT OR REPLACE INTO checked VALUES(?, ?)",
                       [(k, _pack(k, v)) for k, v in results.items()])
        db.execute("COMMIT")
    except Exception:  # noqa: BLE001 - busy, read-only or damaged: not saved this time
        try:
            if cache.db is not None:
                cache.db.execute("ROLLBACK")
        except Exception:  # noqa: BLE001
            pass
    finally:
        cache.close()


# ---- each plan's commits (for `ehcp log`) ----------------------------------------------------------------------
LOG_FORMAT = "%H%x1f%P%x1f%(trailers:key=EHCP-Event,valueonly,separator=%x2C)%x1f" \
             "%(trailers:key=EHCP-Plan,valueonly,separator=%x2C)%x1e"


def plan_log(store: Any, pid: str, max_count: int | None = None) -> list | None:
    """The commits that changed plans/<pid>/, newest first, as `store.git.log(f"plans/{pid}")` gives them
    (gitstore.CommitInfo), without walking the whole history: the index keeps, for every plan, the commits that
    touched it, brought up to date from the last commit it has seen (a path-limited `git log` must test every
    commit in the store, and with 20,000 plan folders each false positive of git's Bloom filters costs a
    comparison of two 0.7 MB trees: tens of seconds on a five-year store).

    Which plans a commit changed: the `EHCP-Plan` trailers of a commit made by ehcp (one per plan it changes,
    DESIGN.md); for any other commit (plain git, or an ehcp commit naming no plan) git's own list of changed
    paths. Returns None when the index cannot answer (merge commits in the history, an unreadable cache):
    the caller then runs the path-limited `git log`."""
    import sqlite3

    cache = Cache(store.git.gitdir)
    try:
        db = cache.open()
        if db is None:
            return None
        head = store.git.head()
        if head is None:
            return []
        if not _log_update(store, db, head):
            return None
        shas = [r[0] for r in db.execute("SELECT sha FROM touches WHERE pid=? ORDER BY pos DESC", (pid,))]
        return _commit_infos(store, shas[:max_count] if max_count else shas)
    except sqlite3.DatabaseError as e:
        if not _busy(e):
            cache.discard()
        return None
    except Exception:  # noqa: BLE001 - the index must never break a command: answer the plain way
        return None
    finally:
        cache.close()


def warm_log(store: Any) -> bool:
    """Brings the log index up to HEAD now (for `ehcp maintenance`), so the first `ehcp log` need not."""
    return plan_log(store, "-") is not None


def _meta(db: Any, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return row[0] if row else None


def _log_update(store: Any, db: Any, head: str) -> bool:
    """Brings the touches table up to HEAD; False when it cannot (merges in the history, or busy)."""
    import sqlite3

    seen = _meta(db, "log_head")
    if seen == head:
        return True
    if _meta(db, "log_blocked") == head:
        return False
    since = seen if seen and _is_ancestor(store, seen, head) else None
    top = int(_meta(db, "log_pos") or 0) if since else 0
    try:
        db.execute("BEGIN IMMEDIATE")
        if since is None:  # the whole history, streamed: positions count down from 0 (newest) to -N (oldest)
            db.execute("DELETE FROM touches")
            walk = _walk(store, head)
            first = list(islice(walk, VERIFY_MAX + 1))
            verify = len(first) <= VERIFY_MAX
            done = 0
            for part in chain([first], _batches(walk, 20000)):
                db.executemany("INSERT INTO touches VALUES(?, ?, ?)",
                               [(p, -(done + i), sha) for i, (sha, plans) in enumerate(_touched(store, part, verify))
                                for p in plans])
                done += len(part)
        else:  # the new commits only (few): positions above the highest so far
            new = list(_walk(store, f"{since}..{head}"))
            touched = _touched(store, new, len(new) <= VERIFY_MAX)
            db.executemany("INSERT INTO touches VALUES(?, ?, ?)",
                           [(p, top + len(new) - i, sha) for i, (sha, plans) in enumerate(touched) for p in plans])
            top += len(new)
        db.execute("INSERT OR REPLACE INTO meta VALUES('log_head', ?)", (head,))
        db.execute("INSERT OR REPLACE INTO meta VALUES('log_pos', ?)", (str(top),))
        db.execute("COMMIT")
        return True
    except _Merge:
        db.execute("ROLLBACK")
        try:
            db.execute("INSERT OR REPLACE INTO meta VALUES('log_blocked', ?)", (head,))
        except sqlite3.OperationalError:
            pass
        return False
    except sqlite3.OperationalError as e:
        try:
            db.execute("ROLLBACK")
        except Exception:  # noqa: BLE001
            pass
        if not _busy(e):
            raise
        return False  # another command is writing it: answer the plain way this time
    except BaseException:
        try:
            db.execute("ROLLBACK")
        except Exception:  # noqa: BLE001
            pass
        raise


class _Merge(Exception):
    pass


def _is_ancestor(store: Any, old: str, new: str) -> bool:
    try:
        store.git.run("merge-base", "--is-ancestor", "--end-of-options", old, new)
        return True
    except Exception:  # noqa: BLE001 - not an ancestor (exit 1) or unknown (history rewritten, purged)
        return False


def _walk(store: Any, rng: str) -> Iterator[tuple[str, list[str] | None]]:
    """(commit, plans named in its EHCP-Plan trailers, or None when it names none or was not made by ehcp) for
    every commit in the range, newest first. Raises _Merge at a merge commit."""
    proc = store.git.popen("log", f"--format={LOG_FORMAT}", "--end-of-options", rng)
    stream = proc.stdout
    buf = b""
    try:
        while True:
            chunk = stream.read(1 << 20)
            if chunk:
                buf += chunk
            records = buf.split(b"\x1e")
            buf = records.pop() if chunk else b""
            for rec in records:
                rec = rec.strip(b"\n")
                if not rec:
                    continue
                sha, parents, events, plans = rec.decode("utf-8", "replace").split("\x1f")
                if len(parents.split()) > 1:
                    raise _Merge()
                named = [p for p in plans.strip().split(",") if p and ID_PATTERN.match(p)]
                yield sha, (named if named and events.strip() else None)
            if not chunk:
                break
    finally:
        stream.close()
        try:
            proc.kill()
        except Exception:  # noqa: BLE001 - already finished
            pass
        proc.wait()


def _touched(store: Any, walked: list[tuple[str, list[str] | None]], verify: bool) -> list[tuple[str, list[str]]]:
    """(commit, the plans it changed) for each walked commit. git itself is asked for every commit that names no
    plan, and, when `verify`, for all of them: then even a commit whose trailers do not match its changes (an
    ehcp commit amended by hand, a message copied onto another change) is indexed exactly as `git log` sees it.
    Only the one long walk of a big store's whole history takes the trailers on trust: comparing each of 700,000
    commits' 0.7 MB `plans` trees would take most of an hour (DESIGN.md: one EHCP-Plan trailer per plan a
    commit changes)."""
    ask = [sha for sha, plans in walked if verify or plans is None]
    changed = _changed_plans(store, ask) if ask else {}
    return [(sha, sorted(changed[sha]) if sha in changed else plans or []) for sha, plans in walked]


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while part := list(islice(items, size)):
        yield part


def _changed_plans(store: Any, shas: list[str]) -> dict[str, set[str]]:
    """git's own list of plan folders each commit changed (one `git diff-tree --stdin` for all of them)."""
    out: dict[str, set[str]] = {sha: set() for sha in shas}
    text = store.git.run("diff-tree", "--stdin", "-r", "--root", "--name-only", "-z", "--", "plans/",
                         stdin="".join(f"{sha}\n" for sha in shas).encode())
    current = None
    for item in text.split("\0"):
        item = item.strip("\n")
        if item in out:
            current = out[item]
            continue
        if current is not None and item.startswith("plans/"):
            parts = item.split("/")
            if len(parts) >= 2 and ID_PATTERN.match(parts[1]):
                current.add(parts[1])
    return out


def _commit_infos(store: Any, shas: list[str]) -> list:
    """gitstore.CommitInfo for each commit, in the order given (one `git log --no-walk`)."""
    from ehcp_docs.store.gitstore import FIELD, RECORD, CommitInfo

    if not shas:
        return []
    fmt = FIELD.join(["%H", "%an", "%cI", "%s", "%(trailers:key=EHCP-Event,valueonly,separator=%x2C)",
                      "%(trailers:key=EHCP-Date,valueonly,separator=%x2C)",
                      "%(trailers:key=EHCP-Plan,valueonly,separator=%x2C)"]) + RECORD
    out = store.git.run("log", f"--format={fmt}", "--no-walk=unsorted", "--end-of-options", *shas)
    result = {}
    for rec in out.split(RECORD):
        rec = rec.strip("\n")
        if not rec:
            continue
        sha, author, committed, subject, events, date, plans = rec.split(FIELD)
        result[sha] = CommitInfo(sha, author, committed, subject, tuple(e for e in events.strip().split(",") if e),
                                 date.strip().split(",")[0], tuple(p for p in plans.strip().split(",") if p))
    return [result[s] for s in shas]

