"""Many documents at once (a term's letters, every plan, the termly lists of every setting): each job runs in a
process pool, with one store handle per worker process (GitPython is not thread-safe), and a failure in one job is
reported by name without stopping the rest.

A job is `(name, work, args)`: `work(store, *args)` returns the files it made. `work` must be a module-level
function, so it can be sent to a worker process; `name` is what a caseworker reads when it fails (a plan id, a
setting's name)."""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ehcp_docs.errors import EhcpError
from ehcp_docs.store import Store

if TYPE_CHECKING:
    from ehcp_docs.documents.plan_context import Layout

_STORES: dict[str, Store] = {}  # in a worker process: the store it opened, by its root

Work = Callable[..., list[Path]]
Job = tuple[str, Work, tuple]
Tick = Callable[[str, bool], None]


@dataclass
class BatchResult:
    made: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _worker_store(root: str) -> Store:
    store = _STORES.get(root)
    if store is None:
        store = _STORES[root] = Store.open(root)
    return store


def run_one(root: str, name: str, work: Work, args: tuple) -> tuple[str, list[str], str]:
    """Runs in a worker process: returns (name, files made, error message or "")."""
    return _run(_worker_store(root), name, work, args)


def _run(store: Store, name: str, work: Work, args: tuple) -> tuple[str, list[str], str]:
    try:
        made = work(store, *args)
        return name, [str(p) for p in made], ""
    except EhcpError as e:
        return name, [], e.message
    except OSError as e:  # a full disk, a folder that cannot be written, a file open elsewhere
        target = e.filename2 or e.filename  # os.replace names the temporary file first, the document second
        where = f" {Path(os.fsdecode(target)).name}" if target else ""
        return name, [], f"could not write{where}: {e.strerror or type(e).__name__}"
    except Exception as e:  # noqa: BLE001 - one broken document must not stop the batch
        # the kind of error only: its text can hold a value from the plan (a child's name, issue 17.12)
        return name, [], f"unexpected error: {type(e).__name__}"


def run_many(root: Path, jobs: Sequence[Job], *, workers: int | None = None, tick: Tick | None = None) -> BatchResult:
    """Every job, in `workers` processes (default one per core; 1 runs them here, in order)."""
    result = BatchResult()
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    if workers == 1:  # here, in order, with a store of its own (closed after)
        store = Store.open(str(root))
        try:
            for name, work, args in jobs:
                _collect(result, *_run(store, name, work, args), tick)
        finally:
            store.close()
        return result
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_one, str(root), name, work, args) for name, work, args in jobs]
        for fut in as_completed(futures):
            _collect(result, *fut.result(), tick)
    return result


def plan_document(store: Store, pid: str, kind: str, folder: str, layout: Layout = "classic") -> list[Path]:
    """One plan's document of one kind (the plan itself, or one of its letters)."""
    from ehcp_docs.documents import letters

    if kind == "plan":
        return [letters.render_plan(store, pid, Path(folder), layout=layout)]
    return letters.produce(store, pid, kind, Path(folder))


def render_many(root: Path, ids: list[str], kind: str, folder: Path, *, jobs: int | None = None,
                layout: Layout = "classic", tick: Tick | None = None) -> BatchResult:
    """The same document for many plans (`ehcp render --all`)."""
    work = [(pid, plan_document, (pid, kind, str(folder), layout)) for pid in ids]
    return run_many(root, work, workers=jobs, tick=tick)


def _collect(result: BatchResult, name: str, made: list[str], err: str, tick: Tick | None) -> None:
    if err:
        result.failed.append((name, err))
    result.made += [Path(p) for p in made]
    if tick:
        tick(name, not err)
