"""Many documents at once (a term's letters, every plan): rendered in a process pool, one store handle per
worker process (GitPython is not thread-safe), a failure in one document reported without stopping the rest."""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ehcp_docs.errors import EhcpError

_STORE = None


@dataclass
class BatchResult:
    made: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _worker_store(root: str):  # type: ignore[no-untyped-def]
    global _STORE
    if _STORE is None:
        from ehcp_docs.store import Store

        _STORE = Store.open(root)
    return _STORE


def render_one(root: str, pid: str, kind: str, folder: str, layout: str = "classic") -> tuple[str, list[str], str]:
    """Runs in a worker: returns (plan id, files made, error message or "")."""
    from ehcp_docs import letters

    try:
        store = _worker_store(root)
        if kind == "plan":
            made = [letters.render_plan(store, pid, Path(folder), layout=layout)]
        else:
            made = letters.produce(store, pid, kind, Path(folder))
        return pid, [str(p) for p in made], ""
    except EhcpError as e:
        return pid, [], e.message
    except Exception as e:  # noqa: BLE001 - one broken document must not stop the batch
        return pid, [], f"unexpected error: {type(e).__name__}: {str(e)[:200]}"


def render_many(root: Path, ids: list[str], kind: str, folder: Path, *, jobs: int | None = None,
                layout: str = "classic", tick: Callable[[str, bool], None] | None = None) -> BatchResult:
    result = BatchResult()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(ids) or 1))
    if jobs == 1:
        outcomes = (render_one(str(root), pid, kind, str(folder), layout) for pid in ids)
        for pid, made, err in outcomes:
            _collect(result, pid, made, err, tick)
        return result
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(render_one, str(root), pid, kind, str(folder), layout) for pid in ids]
        for fut in as_completed(futures):
            _collect(result, *fut.result(), tick)
    return result


def _collect(result: BatchResult, pid: str, made: list[str], err: str,
             tick: Callable[[str, bool], None] | None) -> None:
    if err:
        result.failed.append((pid, err))
    result.made += [Path(p) for p in made]
    if tick:
        tick(pid, not err)
