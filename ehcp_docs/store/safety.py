"""What a colleague's committed file may not do to a store: make ehcp write through a symbolic link that leaves
the store, or change how git stores ehcp's files through a committed `.gitattributes`.

A symlink named `out` is not caught by the `out/` ignore rule: once committed, a colleague's `out -> /somewhere`
replaced a victim's `out/` folder on `sync`, every document then went to the link's target, and `doctor` chmod-ed
that target. ehcp never writes through a symlink: each path it writes is checked component by component (with
lstat, never following a link), `sync` refuses a history whose tree holds any symlink, and `doctor` explains."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ehcp_docs.errors import StoreError

GUARDED_TOP = ("out", "plans", "templates", ".git")


def link_target(path: Path) -> str:
    try:
        return os.readlink(path)[:120]
    except OSError:
        return "?"


def is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def first_link(root: Path, relpath: str) -> str | None:
    """The first component of `relpath` (relative to the store) that is a symbolic link, or None."""
    here = root
    parts = Path(relpath).parts
    for i, part in enumerate(parts):
        here = here / part
        if is_link(here):
            return "/".join(parts[: i + 1])
        if not os.path.lexists(here):
            return None
    return None


def refuse_link(root: Path, relpath: str) -> None:
    """Refuses to write `relpath` when any folder on the way to it, or the file itself, is a symbolic link."""
    link = first_link(root, relpath)
    if link is not None:
        raise StoreError(f"the store's {link} is a symbolic link (to {link_target(root / link)}): ehcp never "
                         "writes through a link", hint=_HINT)


def refuse_out_link(root: Path, out: Path) -> None:
    """The documents folder inside the store (`out`, or a folder under it) may not be a link either."""
    try:
        rel = out.absolute().relative_to(root.absolute())
    except ValueError:
        return  # a folder the caseworker chose with --out, outside the store: theirs
    refuse_link(root, str(rel))


_HINT = ("A store holds no symbolic links: remove it (`git rm --cached PATH` if it was committed, then delete it) "
         "and run `ehcp doctor`.")


def links_in_store(root: Path) -> list[str]:
    """Every symbolic link where the store keeps something: the top folders, the folders of out/, each plan's
    folder and its evidence folder, and anything inside them (for `doctor`)."""
    found = [rel for rel in GUARDED_TOP if is_link(root / rel)]
    out = root / "out"
    if "out" not in found and out.is_dir():
        with os.scandir(out) as entries:
            found += [f"out/{e.name}" for e in entries if e.is_symlink()]
    plans = root / "plans"
    if "plans" in found or not plans.is_dir():
        return found
    with os.scandir(plans) as entries:
        for entry in entries:
            if entry.is_symlink():
                found.append(f"plans/{entry.name}")
            elif entry.is_dir(follow_symlinks=False):
                found += [f"plans/{entry.name}/{sub.name}" for sub in os.scandir(entry.path) if sub.is_symlink()]
                evidence = Path(entry.path) / "evidence"
                if evidence.is_dir() and not is_link(evidence):
                    found += [f"plans/{entry.name}/evidence/{e.name}" for e in os.scandir(evidence)
                              if e.is_symlink()]
    return sorted(found)


def explain_link(root: Path, rel: str) -> str:
    return (f"{rel} is a symbolic link (to {link_target(root / rel)}): ehcp refuses to write through it; remove it "
            "(`git rm --cached` if it was committed)")
