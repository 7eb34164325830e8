"""Exports of a plan for sharing outside the LA (suppliers, trainers, researchers): with --redact, names, the date of
birth, addresses and contact details are replaced, in the structured fields and inside free text."""
from __future__ import annotations

import copy
import re
from datetime import date as Date
from typing import Any

PLACEHOLDER_EMAIL = "redacted@example.org"


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
