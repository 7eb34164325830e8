"""Sharing plan data safely: redacted exports for suppliers and trainers, team sync through a git server, and
erasure after the retention period."""
from __future__ import annotations

import copy
import re
from datetime import date as Date
from typing import Any

from ehcp_docs.store import gitstore
from ehcp_docs.errors import Conflict, UsageError, WorkflowError
from ehcp_docs.store.core import Store

PLACEHOLDER_EMAIL = "redacted@example.org"
RETENTION_YEARS_FROM_BIRTH = 31  # IRMS toolkit for schools: SEN records kept until date of birth + 31 years


def redact(plan: dict) -> dict:
    """Replaces names, date of birth, addresses and contact details, including the child's and parents' names
    inside free text. The date of birth becomes 1 September of the same school year, so year groups and review
    focus still compute the same."""
    out = copy.deepcopy(plan)
    child = out.get("child", {})
    names = _names(plan)
    dob = child.get("date_of_birth")
    if isinstance(dob, str) and len(dob) == 10:
        d = Date.fromisoformat(dob)
        child["date_of_birth"] = f"{d.year - (1 if d.month < 9 else 0)}-09-01"
    child["name"] = "Child A"
    for k in ("known_as", "address", "email", "phone", "upn"):
        child.pop(k, None)
    for i, p in enumerate(out.get("parents", []) or []):
        _person(p, f"Parent {i + 1}")
    for i, p in enumerate(out.get("professionals", []) or []):
        _person(p, p.get("role") or f"Professional {i + 1}")
    if isinstance(out.get("caseworker"), dict):
        _person(out["caseworker"], "Caseworker")
    sec_i = out.get("sections", {}).get("I", {})
    for k in ("head", "senco"):
        if sec_i.get(k):
            sec_i[k] = "[name removed]"
    for adv in out.get("sections", {}).get("K", {}).get("advice", []) or []:
        adv["author"] = adv.get("role") or "[author removed]"
    return _scrub(out, names)


def _person(p: dict, label: str) -> None:
    p["name"] = label
    for k in ("address", "phone"):
        if k in p:
            p[k] = "[removed]"
    if "email" in p:
        p["email"] = PLACEHOLDER_EMAIL


def _names(plan: dict) -> list[str]:
    words: set[str] = set()
    people = [plan.get("child", {})] + list(plan.get("parents", []) or []) + list(plan.get("professionals", []) or [])
    for p in people:
        for k in ("name", "known_as"):
            for w in re.split(r"[\s,]+", str(p.get(k, "") or "")):
                w = w.strip("()\"")
                if len(w) > 1 and w[0].isupper():
                    words.add(w)
    return sorted(words, key=len, reverse=True)


def _scrub(value: Any, names: list[str]) -> Any:
    if not names:
        return value
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:'s)?\b")
    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, str):
            return pattern.sub(lambda m: "[name]" + ("'s" if m.group(0).endswith("'s") else ""), v)
        return v
    return walk(value)


def sync(store: Store, remote: str = "origin") -> gitstore.SyncResult:
    with store.git.lock():
        store.recover()
        result = gitstore.sync(store.git, remote)
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


def purge(store: Store, pid: str, today: Date, by: str) -> int:
    """Erases a plan and its whole history once its retention period is over; leaves a tombstone that records
    only the plan id, the date and who did it."""
    plan = store.checked_plan(pid)
    dob = Date.fromisoformat(plan["child"]["date_of_birth"])
    ends = dob.replace(year=dob.year + RETENTION_YEARS_FROM_BIRTH) if not (dob.month == 2 and dob.day == 29) \
        else Date(dob.year + RETENTION_YEARS_FROM_BIRTH, 3, 1)
    ceased = any(e.get("event") == "cease-decision" and e.get("decision") == "cease" for e in store.events(pid))
    if today < ends and not ceased:
        raise WorkflowError(f"plan {pid} is still within its retention period (until {ends.isoformat()}) and "
                            "has not been ceased", hint="Only plans past retention can be purged.")
    if today < ends:
        raise WorkflowError(f"plan {pid} must be kept until {ends.isoformat()} (date of birth + "
                            f"{RETENTION_YEARS_FROM_BIRTH} years)")
    with store.git.lock():
        store.recover()
        rewritten = gitstore.erase_path(store.git, store.plan_path(pid))
    tomb = store.read_file("purged.jsonl") or b""
    line = ('{"plan": "%s", "date": "%s", "by": "%s"}\n' % (pid, today.isoformat(), by.replace('"', "'")))
    with store.transaction("purged", subject=f"{pid}: plan purged after its retention period") as txn:
        txn.write("purged.jsonl", tomb + line.encode())
        txn.plans.append(pid)
        txn.dates[pid] = today.isoformat()
    return rewritten


def check_remote(name: str) -> str:
    try:
        return gitstore.check_remote(name)
    except Exception:
        raise UsageError(f"'{name[:40]}' is not a remote name") from None
