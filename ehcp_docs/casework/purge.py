"""Erasure after the retention period: a plan and its whole history are removed from the store, leaving a tombstone
with the plan id, the date and who did it.

"Erased" means every place a name can linger in this copy of the store: every branch, tag and remote-tracking ref
(a `git fetch` leaves the whole history in `refs/remotes/origin/main`), the reflogs and the packs (store.erase),
the store index in `.git/ehcp-index/` (it holds names, addresses and dates of birth), and the documents made from
the plan under `out/`, including the termly and due lists that named the child. What remains outside this copy
(clones, the server, files already sent) is listed in the README and in the command's message."""
from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.errors import UsageError, WorkflowError
from ehcp_docs.store import Store

DOCUMENT_SUFFIXES = (".docx", ".xlsx", ".pdf", ".csv", ".yaml", ".json", ".txt", ".html")
SCAN_LIMIT = 50 * 1024 * 1024  # a file bigger than this under out/ is not ehcp's


@dataclass
class Purged:
    """What a purge removed: commits that held only this plan, and every document file deleted from out/."""
    commits: int
    deleted: list[str] = field(default_factory=list)


def purge(store: Store, pid: str, today: Date, by: str) -> Purged:
    """Erases a plan and its whole history once its retention period is over; leaves a tombstone that records
    only the plan id, the date and who did it. The retention period is counted from the real date: a `--today`
    in the future could otherwise erase a plan years early, so it is refused."""
    real = Date.today()
    if today > real:
        raise UsageError(f"--today {today.isoformat()} is in the future: a purge counts the retention period from "
                         "today's real date", hint="Leave out --today.")
    plan = store.checked_plan(pid)
    ends = statutory.retention_ends(Date.fromisoformat(plan["child"]["date_of_birth"]))
    ceased = any(e.get("event") == "cease-decision" and e.get("decision") == "cease" for e in store.events(pid))
    if real < ends and not ceased:
        raise WorkflowError(f"plan {pid} is still within its retention period (until {ends.isoformat()}) and "
                            "has not been ceased", hint="Only plans past retention can be purged.")
    if real < ends:
        raise WorkflowError(f"plan {pid} must be kept until {ends.isoformat()} (date of birth + "
                            f"{statutory.RETENTION_YEARS_FROM_BIRTH} years)")
    values = personal_values(plan)
    rewritten = store.erase(store.plan_path(pid))
    tomb = store.read_file("purged.jsonl") or b""
    who = by.replace('"', "'")
    line = f'{{"plan": "{pid}", "date": "{today.isoformat()}", "by": "{who}"}}\n'
    with store.transaction("purged", subject=f"{pid}: plan purged after its retention period") as txn:
        txn.write("purged.jsonl", tomb + line.encode())
        txn.plans.append(pid)
        txn.dates[pid] = today.isoformat()
    return Purged(rewritten, delete_documents(store.root / "out", pid, values))


def personal_values(plan: dict) -> list[str]:
    """The plan's personal values that a document may hold: the child's name, known-as name, date of birth,
    address, contacts and identifiers, and the parents' names and contacts (plus the plan id itself)."""
    child = plan.get("child") or {}
    people: list[Any] = [child, *(plan.get("parents") or [])]
    values = {str(plan.get("id") or "")}
    for person in people:
        if isinstance(person, dict):
            for key in ("name", "known_as", "date_of_birth", "address", "email", "phone", "upn", "nhs_number"):
                value = person.get(key)
                if isinstance(value, str) and len(value.strip()) > 2:
                    values.add(value.strip())
    return sorted(v for v in values if v)


def _holds(path: Path, needles: list[bytes]) -> bool:
    """Whether a document names any of the values: its bytes, or every member of a .docx/.xlsx archive."""
    try:
        if path.stat().st_size > SCAN_LIMIT:
            return False
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for info in z.infolist():
                    if info.file_size <= SCAN_LIMIT and any(n in z.read(info) for n in needles):
                        return True
            return False
        data = path.read_bytes()
    except (OSError, zipfile.BadZipFile, RuntimeError):
        return False
    return any(n in data for n in needles)


def delete_documents(out: Path, pid: str, values: list[str]) -> list[str]:
    """Deletes `out/<pid>/` and every other document under `out/` that names the plan or the child (the termly
    lists, the due lists, exports); returns what was deleted, relative to `out/`. Never follows a link."""
    if not out.is_dir() or out.is_symlink():
        return []
    needles = sorted({v.encode() for v in values} | {_xml(v).encode() for v in values})
    deleted: list[str] = []
    for folder, _dirs, files in os.walk(out, followlinks=False):
        for name in sorted(files):
            path = Path(folder) / name
            rel = str(path.relative_to(out))
            if path.is_symlink():
                continue
            if rel.split(os.sep)[0] == pid or (name.lower().endswith(DOCUMENT_SUFFIXES) and _holds(path, needles)):
                path.unlink()
                deleted.append(rel)
    own = out / pid
    if own.is_dir() and not own.is_symlink():
        shutil.rmtree(own)  # what is left is empty folders (and links, removed, never followed)
    return sorted(deleted)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
