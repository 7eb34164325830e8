"""Each committed plan file's problems (for `validate --all` and the commands that check one plan), kept by a key
made of the file's path, its blob id, the checking code and the `[dates]` window and day it was judged by
(store/checks.py makes the key), so a result can never be reused for other bytes, other code or other settings."""
from __future__ import annotations

from ehcp_docs.store.index.cache import Cache, IndexedStore, _Bad, _pack, _unpack


def checked_get(store: IndexedStore, keys: list[str]) -> dict[str, list[str]]:
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


def checked_put(store: IndexedStore, results: dict[str, list[str]], keep: set[str] | None) -> None:
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

