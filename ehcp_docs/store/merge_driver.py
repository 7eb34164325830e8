"""The merge driver git runs for a plan's journal and plan files during `ehcp sync`
(`python -I -m ehcp_docs.store.merge_driver KIND BASE OURS THEIRS PATH`, defined by
gitstore.merge_driver_options on the command line of sync's replay). Kept apart from the click CLI so that each
merge starts in a fraction of the time: a sync can merge many files.

Exit 0 with the merged file written over OURS; exit 1 leaves a conflict (never a half merge)."""
from __future__ import annotations

import sys
from pathlib import Path


def merge(kind: str, base: bytes, ours: bytes, theirs: bytes, name: str) -> bytes | None:
    """The merged file, or None when a person must choose (a field changed two ways, a side unreadable)."""
    from ehcp_docs import fileio

    if kind == "journal":
        from ehcp_docs.store import journal

        return journal.merge_files(base, ours, theirs)
    from ehcp_docs.model.merging import merge_plans

    docs = [fileio.parse_bytes(d, name) if d else None for d in (base, ours, theirs)]
    if not isinstance(docs[1], dict) or not isinstance(docs[2], dict):
        return None
    result = merge_plans(docs[0] if isinstance(docs[0], dict) else None, docs[1], docs[2])
    return None if result.conflicts else fileio.dump_yaml(result.plan).encode("utf-8")


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[0] not in ("journal", "plan"):
        print("usage: merge_driver journal|plan BASE OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    kind, paths, name = argv[0], [Path(p) for p in argv[1:4]], (argv[4] if len(argv) > 4 else argv[0])
    sides = [p.read_bytes() if p.is_file() else b"" for p in paths]
    try:
        merged = merge(kind, sides[0], sides[1], sides[2], name)
    except Exception:  # noqa: BLE001 - anything unreadable is a conflict for a person, never a half merge
        merged = None
    if merged is None:
        print(f"ehcp: {name[:200]} needs a person to choose (`ehcp resolve`)", file=sys.stderr)
        return 1
    from ehcp_docs import fileio

    fileio.atomic_write(paths[1], merged)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
