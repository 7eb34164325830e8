"""Each plan's commits, for `ehcp log`: the index keeps, for every plan, the commits that touched it, brought up to
date from the last commit it has seen, because a path-limited `git log` must test every commit in the store."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import chain, islice
from typing import Any

from ehcp_docs.model.plan import ID_PATTERN
from ehcp_docs.store.gitstore import CommitInfo
from ehcp_docs.store.index.cache import Cache, IndexedStore, _busy

VERIFY_MAX = 2000  # a walk of the history this short asks git which plans each commit changed (see _touched)


def plan_log(store: IndexedStore, pid: str, max_count: int | None = None) -> list[CommitInfo] | None:
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
        return store.git.commits(shas[:max_count] if max_count else shas)
    except sqlite3.DatabaseError as e:
        if not _busy(e):
            cache.discard()
        return None
    except Exception:  # noqa: BLE001 - the index must never break a command: answer the plain way
        return None
    finally:
        cache.close()


def warm_log(store: IndexedStore) -> bool:
    """Brings the log index up to HEAD now (for `ehcp maintenance`), so the first `ehcp log` need not."""
    return plan_log(store, "-") is not None


def _meta(db: Any, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return row[0] if row else None


def _log_update(store: IndexedStore, db: Any, head: str) -> bool:
    """Brings the touches table up to HEAD; False when it cannot (merges in the history, or busy)."""
    import sqlite3

    seen = _meta(db, "log_head")
    if seen == head:
        return True
    if _meta(db, "log_blocked") == head:
        return False
    since = seen if seen and store.git.is_ancestor(seen, head) else None
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
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("INSERT OR REPLACE INTO meta VALUES('log_blocked', ?)", (head,))
        return False
    except sqlite3.OperationalError as e:
        with contextlib.suppress(Exception):
            db.execute("ROLLBACK")
        if not _busy(e):
            raise
        return False  # another command is writing it: answer the plain way this time
    except BaseException:
        with contextlib.suppress(Exception):
            db.execute("ROLLBACK")
        raise


class _Merge(Exception):
    pass


def _walk(store: IndexedStore, rng: str) -> Iterator[tuple[str, list[str] | None]]:
    """(commit, plans named in its EHCP-Plan trailers, or None when it names none or was not made by ehcp) for
    every commit in the range, newest first. Raises _Merge at a merge commit."""
    for c in store.git.walk(rng):
        if len(c.parents) > 1:
            raise _Merge()
        named = [p for p in c.plans if ID_PATTERN.match(p)]
        yield c.commit, (named if named and c.events else None)


def _touched(store: IndexedStore, walked: list[tuple[str, list[str] | None]],
             verify: bool) -> list[tuple[str, list[str]]]:
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


def _changed_plans(store: IndexedStore, shas: list[str]) -> dict[str, set[str]]:
    """git's own list of plan folders each commit changed."""
    out: dict[str, set[str]] = {}
    for sha, paths in store.git.changed_paths(shas, "plans/").items():
        parts = (p.split("/") for p in paths)
        out[sha] = {x[1] for x in parts if len(x) >= 2 and ID_PATTERN.match(x[1])}
    return out
