"""Names inside the store: plan ids (checked before any id becomes a path or reaches git) and the names evidence
files are stored under (never the name a file came with, which may name the child)."""
from __future__ import annotations

import re
from pathlib import Path

from ehcp_docs import fileio
from ehcp_docs.errors import UsageError
from ehcp_docs.model.plan import ID_PATTERN

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def check_id(pid: str) -> str:
    if not isinstance(pid, str) or not ID_PATTERN.fullmatch(pid):  # fullmatch: `$` would allow a final newline
        raise UsageError(f"'{fileio.printable(str(pid)[:70])}' is not a valid plan id",
                         hint="Plan ids use letters, digits, - and _ only (for example EHCP-0001).")
    return pid


def safe_filename(name: str, limit: int = 80) -> str:
    """A file name that cannot escape its folder or pass as an option: no separators, no leading dot or dash."""
    base = _SAFE_NAME.sub("-", Path(name).name).strip(".-_") or "file"
    stem, dot, ext = base.rpartition(".")
    if dot and 0 < len(ext) <= 8:
        return f"{stem[: limit - len(ext) - 1].strip('.-_') or 'file'}.{ext.lower()}"
    return base[:limit]


def evidence_name(when: str, kind: str, original: str, n: int) -> str:
    """A stored evidence file's name: date, kind and number, keeping only the extension of the name it came with
    (a file named after the child would otherwise put the name into `git log --stat`)."""
    ext = Path(safe_filename(original)).suffix.lower()
    return f"evidence/{when}-{safe_filename(kind)}-{n}{ext if len(ext) <= 9 else ''}"
