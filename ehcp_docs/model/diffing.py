"""What changed between the plan in force and a proposed plan, in caseworker terms.

The result becomes the statutory notice of proposed amendments (reg 22(2)(b); ehcp-rules.md section 5), so it must
list every real change and nothing else. DeepDiff compares lists by position (library-pitfalls.md, deepdiff 9.1):
moving one outcome produced dozens of spurious changes, and a deletion plus an insertion at the same index came out
as one item "changed". So before diffing we:

- turn every list of id'd items into a mapping keyed by id (and pass `threshold_to_diff_deeper=0`, so a mapping
  whose keys mostly differ is still reported key by key, never as one replaced value);
- normalise types (dates to ISO strings, 1.0 to 1), because type changes are noise, not amendments.

DeepDiff then only tells us *where* something differs; the old and new values, the sentence and the order are built
here from the plans themselves, with schema titles as labels. Order of items only matters to readers in Sections E
(outcomes) and F (provision); there a reorder is reported as "moved", minimally (ids outside the longest common
subsequence of the two orders).

This is the only module that imports deepdiff (DESIGN.md). Pure: no I/O.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache
from typing import Any, Literal

from ehcp_docs.errors import InvalidPlan
from ehcp_docs.model.plan import ITEM_LISTS, SECTIONS, item_label
from ehcp_docs.model.validation import load_schema, subschema

Kind = Literal["added", "removed", "changed", "moved"]
Op = Literal["equal", "delete", "insert"]

ORDERED_SECTIONS = ("E", "F")  # where the order of items carries meaning for readers
RECORD_KEEPING = frozenset({"id", "issued", "last_reviewed", "first_issued"})  # top-level bookkeeping fields
QUOTE_LIMIT = 100  # longer wording is not quoted in the sentence; the documents show it in full
_MISSING: Any = object()
_CRLF = re.compile(r"\r\n?")


@dataclass(frozen=True)
class Change:
    """One change, already named and described the way a caseworker and a family read it.

    `key` is the data path of the field relative to its item (or to the plan for top-level fields, to the section
    for section-level fields), e.g. ("frequency",) or ("child", "name"); `parent` is the outcome id of an interim
    target. Both are for the document writers; `as_json()` gives the public shape."""

    section: str | None
    item: str | None
    item_label: str
    field: str | None
    kind: Kind
    old: Any
    new: Any
    description: str
    key: tuple[str, ...] = dc_field(default=(), compare=False)
    parent: str | None = dc_field(default=None, compare=False)

    def as_json(self) -> dict[str, Any]:
        return {"section": self.section, "item": self.item, "field": self.field, "kind": self.kind,
                "old": self.old, "new": self.new, "description": self.description}

    @property
    def is_wording(self) -> bool:
        """True for a change of free text, which documents show word by word (strikethrough and bold)."""
        return self.kind == "changed" and isinstance(self.old, str) and isinstance(self.new, str)


# ---------------------------------------------------------------- normalising


def normalise(value: Any) -> Any:
    """Plain JSON-like data with type noise removed: dates become ISO strings, whole floats become ints, tuples
    become lists and Windows line endings become \\n. Without this DeepDiff reports "type changes" that are not
    amendments (library-pitfalls.md)."""
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and "\r" in value:
        return _CRLF.sub("\n", value)
    return value


def _is_id_list(value: Any) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value))


def _known_id_list(path: tuple) -> bool:
    """Lists that hold id'd items by schema, so that an empty list is keyed too (no list-vs-mapping type change)."""
    if len(path) == 3 and path[0] == "sections" and path[1] in ITEM_LISTS:
        return path[2] == ITEM_LISTS[path[1]][0]
    return len(path) == 5 and path[:3] == ("sections", "E", "outcomes") and path[4] == "targets"


def keyed(value: Any, path: tuple = ()) -> Any:
    """The normalised plan with every list of id'd items turned into a mapping keyed by id. Raises InvalidPlan on
    a duplicate id, which would otherwise silently hide an item from the notice."""
    if isinstance(value, dict):
        return {k: keyed(v, path + (k,)) for k, v in value.items()}
    if isinstance(value, list) and (_is_id_list(value) or (_known_id_list(path) and
                                                            all(isinstance(v, dict) for v in value))):
        out: dict[str, Any] = {}
        for v in value:
            iid = str(v.get("id", ""))
            if iid in out:
                raise InvalidPlan(f"the id {iid} is used twice in {'/'.join(map(str, path))}; "
                                  "every item needs its own id before plans can be compared")
            out[iid] = keyed(v, path + (iid,))
        return out
    if isinstance(value, list):
        return [keyed(v, path + (i,)) for i, v in enumerate(value)]
    return value


# ---------------------------------------------------------------- item index and order


@dataclass
class _Side:
    """One plan, normalised, with its items indexed for value look-ups and document order."""

    plain: dict
    keyed: dict
    items: dict[tuple[str, str | None, str], dict]  # (section, parent outcome or None, id) -> item
    orders: dict[tuple[str, str | None], list[str]]  # (section, parent) -> ids in document order


def _side(plan: dict) -> _Side:
    plain = normalise(plan if isinstance(plan, dict) else {})
    items: dict[tuple[str, str | None, str], dict] = {}
    orders: dict[tuple[str, str | None], list[str]] = {}
    sections = plain.get("sections") if isinstance(plain.get("sections"), dict) else {}
    for sec, (lst, _noun) in ITEM_LISTS.items():
        body = sections.get(sec)
        for it in (body.get(lst) if isinstance(body, dict) else None) or []:
            if not isinstance(it, dict):
                continue
            iid = str(it.get("id", ""))
            items[(sec, None, iid)] = it
            orders.setdefault((sec, None), []).append(iid)
            if sec == "E":
                for t in it.get("targets") or []:
                    if isinstance(t, dict):
                        items[(sec, iid, str(t.get("id", "")))] = t
                        orders.setdefault((sec, iid), []).append(str(t.get("id", "")))
    return _Side(plain, keyed(plain), items, orders)


def _lcs_ids(old: Sequence[str], new: Sequence[str]) -> set[str]:
    """Ids common to both orders that keep their relative order: a longest increasing subsequence of the old
    positions taken in new order (ids are unique, so LCS == LIS). Everything else common has moved."""
    pos = {i: n for n, i in enumerate(old)}
    seq = [i for i in new if i in pos]
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(seq)
    for n, iid in enumerate(seq):
        p = pos[iid]
        k = bisect_left(tails, p)
        if k == len(tails):
            tails.append(p)
            tail_idx.append(n)
        else:
            tails[k] = p
            tail_idx[k] = n
        prev[n] = tail_idx[k - 1] if k else -1
    keep: set[str] = set()
    n = tail_idx[-1] if tail_idx else -1
    while n >= 0:
        keep.add(seq[n])
        n = prev[n]
    return keep


Status = Literal["same", "added", "removed", "moved_from", "moved_to"]


def merged_order(old: Sequence[str], new: Sequence[str], *, track_moves: bool) -> list[tuple[str, Status]]:
    """One reading order for the union of two item lists, as a document showing both versions needs it: removed
    items stay where they were, added items appear where they are new. With `track_moves`, an item whose relative
    order changed appears twice (moved_from at its old place, moved_to at its new one); without, it is simply
    "same" at its new place, because order carries no meaning there."""
    old_set, new_set = set(old), set(new)
    anchors = _lcs_ids(old, new)
    out: list[tuple[str, Status]] = []
    i = j = 0
    while i < len(old) or j < len(new):
        while i < len(old) and old[i] not in anchors:
            if old[i] not in new_set:
                out.append((old[i], "removed"))
            elif track_moves:
                out.append((old[i], "moved_from"))
            i += 1
        while j < len(new) and new[j] not in anchors:
            moved: Status = "moved_to" if track_moves else "same"
            out.append((new[j], moved if new[j] in old_set else "added"))
            j += 1
        if i < len(old) and j < len(new):
            out.append((new[j], "same"))
            i += 1
            j += 1
    return out


# ---------------------------------------------------------------- from DeepDiff paths to units

_Unit = tuple  # (section | None, parent | None, item | None, key: tuple[str, ...] | None)


def _get(tree: Any, path: Sequence[Any]) -> Any:
    node = tree
    for p in path:
        if isinstance(node, dict) and p in node or isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node):
            node = node[p]
        else:
            return _MISSING
    return node


def _keys_at(old: _Side, new: _Side, path: Sequence[Any]) -> list[str]:
    keys: list[str] = []
    for side in (old, new):
        node = _get(side.keyed, path)
        if isinstance(node, dict):
            keys.extend(k for k in node if k not in keys)
    return keys


def _units(path: list, old: _Side, new: _Side) -> Iterator[_Unit]:
    """The caseworker-level things a DeepDiff path touches: a top-level field, a section field, a whole item, or
    one field of an item. Deeper paths (a list of references, nested values) collapse into their field; shorter
    ones (a whole section or list added) expand into their members."""
    if not path:
        for k in _keys_at(old, new, []):
            yield from _units([k], old, new)
        return
    if path[0] != "sections":
        yield from _top_units(path, old, new)
        return
    if len(path) == 1:
        for sec in _keys_at(old, new, path):
            yield from _units(["sections", sec], old, new)
        return
    sec, rest = path[1], path[2:]
    lst = ITEM_LISTS.get(sec, (None,))[0]
    if rest and rest[0] == lst:
        yield from _item_units(sec, rest[1:], old, new)
    elif not rest:
        for k in _keys_at(old, new, path):
            yield from _units(["sections", sec, k], old, new)
    else:
        yield (sec, None, None, (rest[0],))


def _top_units(path: list, old: _Side, new: _Side) -> Iterator[_Unit]:
    top = path[0]
    if any(isinstance(_get(s.plain, [top]), dict) for s in (old, new)):
        if len(path) == 1:
            for k in _keys_at(old, new, [top]):
                yield (None, None, None, (top, k))
        else:
            yield (None, None, None, (top, path[1]))
    else:
        yield (None, None, None, (top,))


def _item_units(sec: str, rest: list, old: _Side, new: _Side) -> Iterator[_Unit]:
    lst = ITEM_LISTS[sec][0]
    if not rest:
        for iid in _keys_at(old, new, ["sections", sec, lst]):
            yield (sec, None, iid, None)
        return
    iid, rest = rest[0], rest[1:]
    if sec == "E" and rest[:1] == ["targets"]:
        if len(rest) == 1:
            for tid in _keys_at(old, new, ["sections", sec, lst, iid, "targets"]):
                yield (sec, iid, tid, None)
        else:
            yield (sec, iid, rest[1], tuple(rest[2:3]) or None)
        return
    yield (sec, None, iid, tuple(rest[:1]) or None)


@cache
def _deepdiff_class() -> Any:
    """DeepDiff, imported without numpy. deepdiff imports numpy when it is installed (it is, for matplotlib's
    charts) only to compare numpy arrays, which plans never hold; that import is 70 ms of the 300 ms `ehcp diff`
    may take. Hiding numpy while deepdiff loads makes deepdiff take its own no-numpy path. If numpy is already
    loaded (a chart was drawn first), it is simply used."""
    import sys

    if "numpy" in sys.modules:
        from deepdiff import DeepDiff
        return DeepDiff
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` now raises ImportError
    try:
        from deepdiff import DeepDiff
    finally:
        del sys.modules["numpy"]
    return DeepDiff


def _deepdiff_paths(old: _Side, new: _Side) -> Iterator[list]:
    dd = _deepdiff_class()(old.keyed, new.keyed, view="tree", threshold_to_diff_deeper=0, verbose_level=0)
    for levels in dd.tree.values():
        for level in levels:
            p = level.path(output_format="list")
            if p is not None:
                yield list(p)


# ---------------------------------------------------------------- naming and describing


@cache
def _title(path: tuple) -> str | None:
    sub = subschema(load_schema(), list(path))
    return sub.get("title") if isinstance(sub, dict) else None


@cache
def _prop_order(path: tuple) -> dict[str, int]:
    sub = subschema(load_schema(), list(path))
    props = sub.get("properties") if isinstance(sub, dict) else None
    return {k: n for n, k in enumerate(props or {})}


def _schema_path(sec: str | None, parent: str | None, key: tuple[str, ...]) -> tuple:
    if sec is None:
        return key
    lst = ITEM_LISTS.get(sec, (None,))[0]
    if parent is not None:
        return ("sections", sec, lst, 0, "targets", 0) + key
    return ("sections", sec, lst, 0) + key


def _field_title(sec: str | None, parent: str | None, item: str | None, key: tuple[str, ...]) -> str:
    path = _schema_path(sec, parent, key) if item is not None or sec is None else ("sections", sec) + key
    return _title(path) or key[-1].replace("_", " ")


def fmt(value: Any) -> str:
    """A value as it reads in a sentence: text in quotes, references as a plain list, booleans as yes/no."""
    if value is None or value == "" or value == []:
        return "none" if isinstance(value, list) else "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return f"'{' '.join(value.split())}'"
    if isinstance(value, list):
        return ", ".join(fmt(v) if isinstance(v, (dict, list)) else str(v) for v in value)
    if isinstance(value, dict):
        return "(" + ", ".join(str(v) for v in value.values() if not isinstance(v, (dict, list))) + ")"
    return str(value)


def _noun(sec: str, parent: str | None) -> str:
    return "interim target" if parent is not None else ITEM_LISTS[sec][1]


def _place(sec: str | None, parent: str | None, item: str | None, label: str, key: tuple[str, ...]) -> str:
    """Where the change is, e.g. "Section F, provision F3 (Speech and language therapy)"."""
    if sec is None:
        if len(key) < 2:
            return ""
        head = _title(key[:1]) or key[0].replace("_", " ")
        return head[:1].upper() + head[1:]
    if item is None:
        return f"Section {sec}"
    return f"Section {sec}, {_noun(sec, parent)} {item}" + (f" ({label})" if label else "")


def _field_sentence(place: str, title: str, kind: str, old: Any, new: Any) -> str:
    """"<place>: <field> changed from 'x' to 'y'"; a top-level field such as `issued` has no place."""
    head = f"{place}: {title}" if place else title[:1].upper() + title[1:]
    if kind == "added":
        return f"{head} added: {fmt(new)}"
    if kind == "removed":
        return f"{head} removed (was {fmt(old)})"
    o, n = fmt(old), fmt(new)
    if len(o) > QUOTE_LIMIT or len(n) > QUOTE_LIMIT:
        return f"{head} changed"
    return f"{head} changed from {o} to {n}"


# ---------------------------------------------------------------- building changes


class _Builder:
    """Turns units into Change objects with a sort key (section order, then item reading order, then field
    order in the schema)."""

    def __init__(self, old: _Side, new: _Side):
        self.old, self.new = old, new
        self.rank: dict[tuple[str, str | None], dict[str, int]] = {}
        for scope in set(old.orders) | set(new.orders):
            merged = merged_order(old.orders.get(scope, []), new.orders.get(scope, []), track_moves=False)
            self.rank[scope] = {iid: n for n, (iid, _s) in enumerate(merged)}

    def _item_key(self, sec: str, parent: str | None, item: str) -> tuple:
        if parent is None:
            return (self.rank.get((sec, None), {}).get(item, -1), -1)
        return (self.rank.get((sec, None), {}).get(parent, -1), self.rank.get((sec, parent), {}).get(item, -1))

    def sort_key(self, c: Change, kind_rank: int) -> tuple:
        sec_rank = -1 if c.section is None else (SECTIONS.index(c.section) if c.section in SECTIONS else 99)
        if c.section is None:
            top = _prop_order(()).get(c.key[0], 99) if c.key else 99
            sub = _prop_order(c.key[:1]).get(c.key[1], 99) if len(c.key) > 1 else -1
            return (sec_rank, (top, sub), 0, (0, ""))
        if c.item is None:
            return (sec_rank, (-1, -1), 0, (_prop_order(("sections", c.section)).get(c.key[0], 99), c.key[0]))
        f_order = _prop_order(_schema_path(c.section, c.parent, ()))
        fk = (f_order.get(c.key[0], 99), c.key[0]) if c.key else (-1, "")
        return (sec_rank, self._item_key(c.section, c.parent, c.item), kind_rank, fk)

    def label(self, sec: str, parent: str | None, item: str) -> str:
        """The item named in the plan in force's wording (the words the family knows); a new item by its own."""
        it = self.old.items.get((sec, parent, item)) or self.new.items.get((sec, parent, item)) or {}
        return item_label(it)

    def unit_change(self, unit: _Unit) -> Change | None:
        sec, parent, item, key = unit
        if key is None:
            return self._whole_item(sec, parent, item)
        if item is None:
            base = [] if sec is None else ["sections", sec]
            old_v, new_v = _get(self.old.plain, base + list(key)), _get(self.new.plain, base + list(key))
            label = ""
        else:
            old_v = _get(self.old.items.get((sec, parent, item), {}), key)
            new_v = _get(self.new.items.get((sec, parent, item), {}), key)
            label = self.label(sec, parent, item)
        if old_v == new_v or (old_v is _MISSING and new_v is _MISSING):
            return None
        kind: Kind = "added" if old_v is _MISSING else "removed" if new_v is _MISSING else "changed"
        old_v = None if old_v is _MISSING else old_v
        new_v = None if new_v is _MISSING else new_v
        title = _field_title(sec, parent, item, key)
        sentence = _field_sentence(_place(sec, parent, item, label, key), title, kind, old_v, new_v)
        return Change(sec, item, label, title, kind, old_v, new_v, sentence, key, parent)

    def _whole_item(self, sec: str, parent: str | None, item: str) -> Change | None:
        old_it = self.old.items.get((sec, parent, item))
        new_it = self.new.items.get((sec, parent, item))
        if (old_it is None) == (new_it is None):
            return None
        kind: Kind = "added" if old_it is None else "removed"
        label = self.label(sec, parent, item)
        sentence = f"{_place(sec, parent, item, label, ())} {kind}"
        if parent is not None:
            sentence += f" {'to' if kind == 'added' else 'from'} outcome {parent}"
        return Change(sec, item, label, None, kind, old_it, new_it, sentence, (), parent)

    def moves(self) -> Iterator[Change]:
        for sec in ORDERED_SECTIONS:
            old_ids = self.old.orders.get((sec, None), [])
            new_ids = self.new.orders.get((sec, None), [])
            for iid, status in merged_order(old_ids, new_ids, track_moves=True):
                if status != "moved_to":
                    continue
                label = self.label(sec, None, iid)
                a, b = old_ids.index(iid) + 1, new_ids.index(iid) + 1
                sentence = f"{_place(sec, None, iid, label, ())} moved from position {a} to position {b}"
                yield Change(sec, iid, label, None, "moved", a, b, sentence, (), None)


def diff_plans(old: dict, new: dict) -> list[Change]:
    """Every change from `old` (the plan in force) to `new` (the proposed plan), in reading order: top-level
    fields first, then sections in SECTIONS order, items in document order (removed items where they were),
    each item's own add/remove/move before its field changes, fields in schema order."""
    o, n = _side(old), _side(new)
    b = _Builder(o, n)
    units: dict[_Unit, None] = {}
    for path in _deepdiff_paths(o, n):
        for u in _units(path, o, n):
            units.setdefault(u, None)
    keyed_changes: list[tuple[tuple, Change]] = []
    for u in units:
        c = b.unit_change(u)
        if c is not None:
            keyed_changes.append((b.sort_key(c, 0 if c.field is None else 2), c))
    keyed_changes.extend((b.sort_key(c, 1), c) for c in b.moves())
    keyed_changes.sort(key=lambda kc: kc[0])
    return [c for _k, c in keyed_changes]


# ---------------------------------------------------------------- grouping helpers


def changes_by_section(changes: Iterable[Change]) -> dict[str | None, list[Change]]:
    """Changes grouped by section letter (None for top-level fields), keeping their order."""
    out: dict[str | None, list[Change]] = {}
    for c in changes:
        out.setdefault(c.section, []).append(c)
    return out


def amended_items(changes: Iterable[Change]) -> set[str]:
    """Ids of every item the notice touches: changed, added, removed or moved items, and for an interim target
    both the target and the outcome it belongs to (a changed target amends its outcome)."""
    out: set[str] = set()
    for c in changes:
        if c.item:
            out.add(c.item)
        if c.parent:
            out.add(c.parent)
    return out


def item_notes(changes: Iterable[Change]) -> dict[str, str]:
    """What the plan's mark on each changed item says (issue 16.2): "new" for an item the amendment adds, and for
    a changed item what changed ("how often changed", "what and where changed", "moved"); an outcome whose interim
    target was added or changed says so. Removed items are not in the new plan, so they get no mark."""
    new: set[str] = set()
    what: dict[str, list[str]] = {}
    for c in changes:
        if not c.item or c.kind == "removed" and c.field is None:
            continue
        if c.kind == "added" and c.field is None:
            new.add(c.item)
        else:
            what.setdefault(c.item, []).append("moved" if c.kind == "moved" and c.field is None
                                               else f"{c.field or 'wording'} changed")
        if c.parent:
            added = c.kind == "added" and c.field is None
            what.setdefault(c.parent, []).append("interim target added" if added else "interim target changed")
    out: dict[str, str] = {}
    for item, words in what.items():
        if item in new:
            continue
        unique = list(dict.fromkeys(words))
        fields = [w.removesuffix(" changed") for w in unique if w.endswith(" changed") and "interim target" not in w]
        rest = [w for w in unique if not (w.endswith(" changed") and "interim target" not in w)]
        parts = ([(", ".join(fields[:-1]) + " and " + fields[-1] if len(fields) > 1 else fields[0]) + " changed"]
                 if fields else []) + rest
        out[item] = "; ".join(parts)
    out.update({item: "new" for item in new})
    return out


def changed_sections(changes: Iterable[Change]) -> list[str]:
    """Section letters with at least one change, in plan order (top-level fields belong to no section)."""
    found = {c.section for c in changes if c.section}
    return [s for s in SECTIONS if s in found] + sorted(found - set(SECTIONS))


def for_notice(changes: Iterable[Change]) -> list[Change]:
    """The changes a family's amendment notice lists: without record-keeping fields (plan id, issue and review
    dates), which change whenever a plan is re-issued and are not amendments to its content."""
    return [c for c in changes if not (c.section is None and c.key and c.key[0] in RECORD_KEEPING)]


# ---------------------------------------------------------------- wording

# Words keep their inner hyphens, apostrophes, dots and slashes ("three-part", "child's", "E1.2", "2027-03-31"),
# so a changed date or id is shown as one replaced word; other punctuation stands alone.
_TOKEN = re.compile(r"\s+|\w+(?:[-'’./:]\w+)*|[^\w\s]")


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """Word-level differences between two wordings, whitespace kept, so that "".join of the equal+delete parts
    is `old` and of the equal+insert parts is `new`. Whitespace alone between two changed words is folded into
    the change, so "quick brown" -> "slow red" reads as one deletion and one insertion, not four fragments."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    raw: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(("insert", "".join(b[j1:j2])))
    return _coalesce(raw)


def _coalesce(raw: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Folds whitespace-only equal parts lying between changes into the changes, then merges neighbours."""
    blocks: list[tuple[str, str, str]] = []  # (equal, deleted, inserted) per stretch
    dele = ins = ""
    for n, (op, text) in enumerate(raw):
        if op == "equal":
            between = 0 < n < len(raw) - 1 and (dele or ins) and not text.strip()
            if between:
                dele, ins = dele + text, ins + text
                continue
            if dele or ins:
                blocks.append(("", dele, ins))
                dele = ins = ""
            blocks.append((text, "", ""))
        elif op == "delete":
            dele += text
        else:
            ins += text
    if dele or ins:
        blocks.append(("", dele, ins))
    out: list[tuple[Op, str]] = []
    for eq, d, i in blocks:
        for op, text in (("equal", eq), ("delete", d), ("insert", i)):
            if not text:
                continue
            if out and out[-1][0] == op:
                out[-1] = (op, out[-1][1] + text)
            else:
                out.append((op, text))
    return out


def field_title(sec: str | None, parent: str | None, item: str | None, key: tuple[str, ...]) -> str:
    """The schema's own title of a field ("how often"), as diffs, notices and merge conflicts name it."""
    return _field_title(sec, parent, item, key)
