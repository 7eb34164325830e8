"""Team use: one store shared through a git server. `ehcp sync` pulls the team's changes and pushes ours; when two
people changed the same plan nothing is lost: ours stays on main and theirs on <remote>/main."""
from __future__ import annotations

import re

from ehcp_docs.errors import Conflict, UsageError
from ehcp_docs.store import Store
from ehcp_docs.store.gitstore import SyncResult

_REMOTE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def sync(store: Store, remote: str = "origin") -> SyncResult:
    """Pulls the team's changes (rebasing ours on top) and pushes ours; a conflict keeps both versions."""
    result = store.sync(remote)
    if result.conflict_paths:
        plans = sorted({p.split("/")[1] for p in result.conflict_paths if p.startswith("plans/")})
        who = f" (commit {result.their_commit[:10]} by {result.their_author})" if result.their_commit else ""
        raise Conflict(f"your changes and a colleague's both changed plan {', '.join(plans) or 'files'}{who}; "
                       "nothing was lost: your version is still on main and theirs is on "
                       f"{remote}/main",
                       messages=[f"conflicting file: {p}" for p in result.conflict_paths],
                       hint=f"Compare them with `git -C {store.root} diff main {remote}/main -- "
                            f"{result.conflict_paths[0]}`, agree which is right, then merge by hand.")
    return result


def check_remote(name: str) -> str:
    """A remote's name as the caseworker typed it, refused when it could be read as something else."""
    if not _REMOTE.match(name):
        raise UsageError(f"'{name[:40]}' is not a remote name")
    return name
