"""The plan store: a git repository of plans, each with its journal of events, written one commit per command.

- gitstore.py     THE ONLY code that runs git (GitPython for writes, its own cat-file for reads)
- core.py         the Store: paths, reading plans and journals at revisions, transactions (one commit each)
- journal.py      the journal's format (events.jsonl): the one parser and writer
- paths.py        plan ids and the names evidence files are stored under
- checks.py       whether a plan file is valid, and its problems: one file, one committed blob, or every plan
- permissions.py  owner-only permissions of the store
- safety.py       no writing through symbolic links; what a colleague's committed file may not do
- index/          the store index in .git/ehcp-index/ (calendar facts, each plan's commits, check results)

`from ehcp_docs.store import Store` is the entry point. It is loaded on first use (PEP 562), so that importing a
light module of this package (gitstore, paths) does not import the whole store."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ehcp_docs.store.core import Store

__all__ = ["Store", "prewarm"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from ehcp_docs.store.core import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def prewarm(root: Path) -> None:
    """Lets git start reading the store on the other core while a command's modules are still being imported;
    never fails (see gitstore.prewarm)."""
    from ehcp_docs.store import gitstore

    gitstore.prewarm(root)
