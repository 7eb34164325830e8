"""The shape of a plan as caseworkers talk about it: sections, items with ids, and their labels.

Pure functions over plain dicts. Validation messages, diffs, lint findings and documents all name things
through `where()`, so a caseworker reads "Section F, provision F3 (Speech and language therapy)" everywhere."""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

SECTIONS = ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K")
NEED_SECTIONS = ("B", "C", "D")
PROVISION_SECTIONS = ("F", "G", "H1", "H2")
APPEALABLE = ("B", "F", "I")
AREAS = {
    "communication-and-interaction": "Communication and interaction",
    "cognition-and-learning": "Cognition and learning",
    "social-emotional-and-mental-health": "Social, emotional and mental health",
    "sensory-and-physical": "Sensory and/or physical",
}
SECTION_TITLES = {
    "A": "Views, interests and aspirations",
    "B": "Special educational needs",
    "C": "Health needs related to special educational needs",
    "D": "Social care needs related to special educational needs or a disability",
    "E": "Outcomes",
    "F": "Special educational provision",
    "G": "Health provision",
    "H1": "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970",
    "H2": "Other social care provision",
    "I": "Placement",
    "J": "Personal budget",
    "K": "Advice and information",
}
# section -> (list field, singular noun used in messages)
ITEM_LISTS: dict[str, tuple[str, str]] = {
    "B": ("needs", "need"), "C": ("needs", "need"), "D": ("needs", "need"),
    "E": ("outcomes", "outcome"),
    "F": ("provision", "provision"), "G": ("provision", "provision"),
    "H1": ("provision", "provision"), "H2": ("provision", "provision"),
    "J": ("items", "budget item"), "K": ("advice", "advice"),
}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Item:
    section: str
    kind: str  # need, outcome, interim target, provision, budget item, advice
    id: str
    data: dict
    parent: str | None = None  # the outcome id, for interim targets


def short(text: Any, limit: int = 48) -> str:
    """A one-line label from free text: the first sentence or clause, cut at a word boundary."""
    s = " ".join(str(text or "").split())
    s = re.split(r"(?<=[.;:])\s", s, maxsplit=1)[0].rstrip(".;:")
    if len(s) <= limit:
        return s
    cut = s[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def headline(text: Any) -> str:
    """A short title for an outcome or target that is never cut mid-clause: its first clause (to the first comma,
    semicolon or full stop), without a leading "By July 2028"."""
    s = " ".join(str(text or "").split())
    s = re.sub(r"^By (?:the end of )?(?:\w+ )?\d{4},?\s+", "", s)
    s = re.split(r"(?<=[.;:,])\s", s, maxsplit=1)[0].rstrip(".;:,")
    return s[:1].upper() + s[1:]


def child_names(plan: Any) -> list[str]:
    """The words of the child's name and known-as name, longest first."""
    child = plan.get("child") if isinstance(plan, dict) else None
    if not isinstance(child, dict):
        return []
    words = {w.strip("()\"'") for k in ("name", "known_as") for w in re.split(r"[\s,]+", str(child.get(k) or ""))}
    return sorted((w for w in words if len(w) > 1 and w[:1].isupper()), key=len, reverse=True)


def anonymise(text: str, plan: Any) -> str:
    """Replaces the child's names in a label with "the child": messages and logs name plans by their id, so an
    error pasted into a support ticket carries no special-category data."""
    names = child_names(plan)
    if not names or not text:
        return text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")(?:\s+(?:" + "|".join(map(re.escape, names))
                         + r"))*\b('s)?")
    return pattern.sub(lambda m: "the child" + (m.group(2) or ""), text)


def item_label(item: dict, plan: Any = None) -> str:
    """A short label from the item's own wording; with the plan given, without the child's names."""
    text = str(item.get("description") or item.get("title") or "")
    return short(anonymise(text, plan) if plan is not None else text)


def items(plan: dict) -> Iterator[Item]:
    """Every id'd item in the plan, in document order, interim targets straight after their outcome."""
    sections = plan.get("sections") or {}
    for sec in SECTIONS:
        if sec not in ITEM_LISTS or not isinstance(sections.get(sec), dict):
            continue
        field, noun = ITEM_LISTS[sec]
        for it in sections[sec].get(field) or []:
            if not isinstance(it, dict):
                continue
            yield Item(sec, noun, str(it.get("id", "")), it)
            if sec == "E":
                for t in it.get("targets") or []:
                    if isinstance(t, dict):
                        yield Item(sec, "interim target", str(t.get("id", "")), t, parent=str(it.get("id", "")))


def outcomes(plan: dict) -> list[dict]:
    return list(((plan.get("sections") or {}).get("E") or {}).get("outcomes") or [])


def find_item(plan: dict, item_id: str) -> Item | None:
    return next((i for i in items(plan) if i.id == item_id), None)


def name_item(it: Item, plan: Any = None) -> str:
    label = item_label(it.data, plan)
    return f"{it.kind} {it.id}" + (f" ({label})" if label else "")


def where(plan: Any, path: Sequence[Any], field_title: str | None = None) -> str:
    """Names a place in a plan in caseworker terms from a JSON path such as
    ('sections', 'F', 'provision', 2, 'frequency') -> "Section F, provision F3 (Speech and…), how often"."""
    parts: list[str] = []
    path = list(path)
    node: Any = plan
    i = 0
    if path[:1] == ["sections"] and len(path) >= 2:
        sec = str(path[1])
        parts.append(f"Section {sec}")
        node = (plan.get("sections") or {}).get(sec) if isinstance(plan, dict) else None
        i = 2
        while i + 1 < len(path) and isinstance(path[i + 1], int) and isinstance(node, dict):
            lst = node.get(path[i])
            idx = path[i + 1]
            if not isinstance(lst, list) or idx >= len(lst):
                break
            item = lst[idx]
            if not isinstance(item, dict):  # a list of references (needs it meets), not of items
                break
            noun = _noun(sec, str(path[i]))
            if len(parts) > 1:  # a nested item (interim target): its own id is enough to find it
                parts.pop()
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                label = item_label(item, plan)
                parts.append(f"{noun} {item['id']}" + (f" ({label})" if label else ""))
            else:
                parts.append(f"{noun} number {idx + 1}")
            node = item
            i += 2
    rest = [p for p in path[i:] if not isinstance(p, int)]
    if field_title:
        rest = rest[:-1] + [field_title] if rest else [field_title]
    if rest:
        parts.append(" ".join(str(r).replace("_", " ") for r in rest[-1:]))
    if not parts:
        return "the plan"
    if path[:1] != ["sections"] and path:
        head = {"child": "child's details", "transfer": "phase transfer", "parents": "parents or carers"}
        first = head.get(str(path[0]), str(path[0]).replace("_", " "))
        if len(path) > 1 and rest:
            return f"{first}: {parts[-1]}"
        return first
    return ", ".join(parts)


def _noun(section: str, field: str) -> str:
    if field == "targets":
        return "interim target"
    return ITEM_LISTS.get(section, (field, field))[1]
