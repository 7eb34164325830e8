"""The three-way merge of a plan (base, mine, theirs) by meaning, not by lines: fields merge one by one, lists of
items (needs, outcomes, provision...) by item id, so two colleagues who changed different items, or different
fields of one item, never conflict. Only one field changed to two different values is a conflict, and it is
named the way a caseworker reads it ("Section F, provision F3 (Speech and...): how often"). Pure."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ehcp_docs.model import diffing
from ehcp_docs.model.plan import where

_MISSING: Any = object()


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed differently; `path` names items by id (("sections", "F", "provision", "F3",
    "frequency"))."""

    path: tuple[Any, ...]
    base: Any
    mine: Any
    theirs: Any

    def place(self, plan: dict) -> str:
        return name_path(plan, self.path)

    def describe(self, plan: dict, colleague: str) -> str:
        return (f"{self.place(plan)}: you: {show(self.mine)}; {colleague}: {show(self.theirs)}")


@dataclass
class Merged:
    plan: dict
    conflicts: list[FieldConflict]


def merge_plans(base: dict | None, mine: dict, theirs: dict, *, prefer: str = "mine") -> Merged:
    """Every change of both sides; a field changed on both to different values is a conflict, filled from
    `prefer` ("mine" or "theirs") in the merged plan."""
    conflicts: list[FieldConflict] = []
    b = diffing.normalise(base) if base is not None else _MISSING
    merged = _merge(b, diffing.normalise(mine), diffing.normalise(theirs), (), conflicts, prefer)
    return Merged(merged if isinstance(merged, dict) else {}, conflicts)


def _merge(base: Any, mine: Any, theirs: Any, path: tuple, out: list[FieldConflict], prefer: str) -> Any:
    if mine == theirs:
        return mine
    if base is not _MISSING and base == mine:
        return theirs
    if base is not _MISSING and base == theirs:
        return mine
    if base is _MISSING and (mine is _MISSING or theirs is _MISSING):  # added on one side only
        return theirs if mine is _MISSING else mine
    if isinstance(mine, dict) and isinstance(theirs, dict) and (base is _MISSING or isinstance(base, dict)):
        return _merge_fields(base if isinstance(base, dict) else {}, mine, theirs, path, out, prefer)
    if _id_list(mine) and _id_list(theirs) and (base is _MISSING or isinstance(base, list)):
        return _merge_items(base if isinstance(base, list) else [], mine, theirs, path, out, prefer)
    out.append(FieldConflict(path, None if base is _MISSING else base, _plain(mine), _plain(theirs)))
    return theirs if prefer == "theirs" else mine


def _plain(value: Any) -> Any:
    return None if value is _MISSING else value


def _merge_fields(base: dict, mine: dict, theirs: dict, path: tuple, out: list, prefer: str) -> dict:
    keys = list(mine) + [k for k in theirs if k not in mine]
    merged = {}
    for k in keys:
        value = _merge(base.get(k, _MISSING), mine.get(k, _MISSING), theirs.get(k, _MISSING), path + (k,), out,
                       prefer)
        if value is not _MISSING:
            merged[k] = value
    return merged


def _id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value)


def _merge_items(base: list, mine: list, theirs: list, path: tuple, out: list, prefer: str) -> list:
    """Items matched by id: mine in my order, each item only theirs placed before the item it comes before there
    (at the end when none)."""
    by = [{str(v.get("id")): v for v in side if isinstance(v, dict)} for side in (base, mine, theirs)]
    order = [str(v["id"]) for v in mine]
    for n, v in enumerate(theirs):
        iid = str(v["id"])
        if iid not in order:
            before = next((str(p["id"]) for p in theirs[n + 1:] if str(p["id"]) in order), None)
            order.insert(order.index(before) if before else len(order), iid)
    merged = []
    for iid in order:
        value = _merge(by[0].get(iid, _MISSING), by[1].get(iid, _MISSING), by[2].get(iid, _MISSING),
                       path + (iid,), out, prefer)
        if value is not _MISSING:
            merged.append(value)
    return merged


def name_path(plan: dict, path: Sequence[Any]) -> str:
    """A path that names items by id, in caseworker terms, with the field's own title ("how often")."""
    indexed: list[Any] = []
    node: Any = plan
    section: str | None = None
    parent: str | None = None
    item: str | None = None
    key: list[str] = []
    for part in path:
        if isinstance(node, list):
            idx = next((n for n, v in enumerate(node) if isinstance(v, dict) and v.get("id") == part), None)
            if idx is None:
                break
            indexed.append(idx)
            parent, item, key = item, str(part), []
            node = node[idx]
        else:
            indexed.append(part)
            if len(indexed) == 2 and indexed[0] == "sections":
                section = str(part)
            elif item is not None or len(indexed) > 2 or indexed[0] != "sections":
                key.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    title = diffing.field_title(section, parent if item else None, item, tuple(key)) if key else None
    return where(plan, indexed, title)


def show(value: Any) -> str:
    if value is None:
        return "(removed)"
    return diffing.fmt(value).strip("'")
