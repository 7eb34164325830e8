"""The store index's file and what every part of it shares: where it lives, how payloads are packed so that a
damaged row can never be read as an answer, and the fingerprints of the code whose results it keeps.

The index is one SQLite file, `<store>/.git/ehcp-index/calendar.sqlite3`: inside .git, so it is never committed or
shared, and private to the store's owner like the rest of .git (it holds names and dates). See __init__.py for
what it holds and why it cannot go stale."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sqlite3

    from ehcp_docs.store.gitstore import GitStore

FORMAT = 1
DIRNAME = "ehcp-index"
FILENAME = "calendar.sqlite3"
BUSY_TIMEOUT = 2.0
# The code that decides the calendar facts is every module of the layers below the documents (the shared modules at
# the top of the package, statutory/, model/, store/ and casework/; not cli/ or documents/): a change to any of
# them makes every snapshot a miss. All of them, rather than a list to keep up, so that no module the calendar
# comes to use is left out.
PACKAGE = Path(__file__).resolve().parents[2]
CALENDAR_CODE = ("statutory", "model", "store", "casework")
# Libraries whose data feeds the calendar (bank holidays, month arithmetic, Easter).
CALENDAR_LIBRARIES = ("holidays", "dateutil")


class IndexedStore(Protocol):
    """What the index needs of a store: its repository (the index is keyed by git object ids read from it)."""

    @property
    def git(self) -> GitStore: ...


def enabled(use_index: bool | None = None) -> bool:
    if use_index is not None:
        return use_index
    return os.environ.get("EHCP_INDEX", "1").strip().lower() not in ("0", "off", "no", "false")


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
INPUT_MODULES = ("ehcp_docs.store.index.facts", "ehcp_docs.store.index.cache", "ehcp_docs.store.journal",
                 "ehcp_docs.fileio", "ehcp_docs.model.events")


def inputs_fingerprint() -> str:
    """Level 1 depends on how plans and journals are parsed (fileio, store/journal.py) and what is kept."""
    import importlib

    h = hashlib.sha1(f"{FORMAT}:{sys.version_info[:2]}".encode())
    for name in INPUT_MODULES:
        h.update(Path(str(importlib.import_module(name).__file__)).read_bytes())
    return h.hexdigest()


def context_key(kind: str, params: Any) -> str:
    return hashlib.sha1(json.dumps([FORMAT, kind, params, code_fingerprint()], sort_keys=True,
                                   default=str).encode()).hexdigest()


# ---- payloads: compressed, and carrying the key they were written for ------------------------------------------
def _pack(key: str, value: Any) -> bytes:
    return zlib.compress(json.dumps([key, value], ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


@contextlib.contextmanager
def saved(db: Any) -> Iterator[None]:
    """One write to the index as a transaction; busy or read-only means "not saved this time" (the index is only
    ever a cache), so the error is swallowed and the write rolled back."""
    import sqlite3

    try:
        db.execute("BEGIN IMMEDIATE")
        yield
        db.execute("COMMIT")
    except sqlite3.OperationalError:
        with contextlib.suppress(Exception):
            db.execute("ROLLBACK")


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


# ---- the cache file ---------------------------------------------------------------------------------------------
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE inputs(pid TEXT PRIMARY KEY, tree TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE snapshots(context TEXT PRIMARY KEY, plans_tree TEXT NOT NULL, used REAL NOT NULL,
                                     trees BLOB NOT NULL, facts BLOB NOT NULL);
CREATE TABLE touches(pid TEXT NOT NULL, pos INTEGER NOT NULL, sha TEXT NOT NULL);
CREATE INDEX touches_pid ON touches(pid, pos);
CREATE TABLE checked(key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE answers(context TEXT PRIMARY KEY, plans_tree TEXT NOT NULL, used REAL NOT NULL, trees BLOB NOT NULL,
                     parts BLOB NOT NULL, answer BLOB NOT NULL);
CREATE TABLE blobs(key TEXT PRIMARY KEY, used REAL NOT NULL, data BLOB NOT NULL);
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
        self.db: sqlite3.Connection | None = None
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
                    for table in ("meta", "inputs", "snapshots", "touches", "checked", "answers", "blobs"):
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
            with contextlib.suppress(Exception):
                self.db.close()
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
            with contextlib.suppress(Exception):
                self.db.close()
            self.db = None



def clear(store: IndexedStore) -> None:
    """Deletes the index (it is rebuilt on the next command that needs it): e.g. after purging a plan."""
    Cache(store.git.gitdir).discard()
