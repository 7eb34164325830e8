"""Owner-only permissions for the plan store. Plans are special-category personal data about children, so the store,
its history and the documents made from it must be readable by their owner only (0700 folders, 0600 files).

`ehcp init` creates the store that way and every write keeps it so (fileio.atomic_write, umask 077 while
committing). But a store can be loosened later: copied with `cp -r` under a 022 umask, cloned with plain `git
clone`, or chmod-ed by hand. Every command that opens a store therefore checks the few folders that guard
everything else and warns (never fails: the caseworker must still be able to work, and to fix it)."""
from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

# The folders that guard everything else: the store itself, the plans, git's copy of every version, documents.
GUARDED = (".", "plans", ".git", "out")


def looser_than_private(root: Path) -> list[str]:
    """The guarded folders of the store at `root` that other users of this computer can read, write or enter,
    as paths relative to the store ("." for the store itself). Missing folders are skipped; a folder that is a
    symbolic link counts as loose, since its target's permissions are not the store's to control."""
    root = Path(root)
    loose = []
    for rel in GUARDED:
        path = root if rel == "." else root / rel
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) & 0o077:
            loose.append(rel)
    return loose


def warning(root: Path) -> str | None:
    """The one-line warning for a store whose permissions are looser than owner-only, or None."""
    if not looser_than_private(root):
        return None
    return (f"the plan store {root} can be read by other users of this computer: "
            f"run `chmod -R go-rwx {shlex.quote(str(root))}`")
