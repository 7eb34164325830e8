"""The Tribunal working document as data (pure): the plan in force cut into cells (one per item and field of the
sections in dispute), and in each cell the wording as segments, each said by one party in the Tribunal's key.

A segment is {"t": text, "who": original | agreed | family | la, "op": keep | add | del, "ev"?: evidence}. The
original plan's wording is always there, whole: it is the text of every `keep` and `del` segment, in order (a
deletion is shown struck through, never removed). Proposals are additions and deletions over that wording, so
two parties' proposals on one cell can sit side by side and each be agreed or withdrawn on its own.

Why a cell per field, not per item: the Tribunal and families argue about "how often" and "who delivers it" one
at a time, and a proposal read back from Word has to land on exactly one place in the plan."""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ehcp_docs.model.plan import SECTION_TITLES, item_label

PARTIES = ("original", "agreed", "family", "la")
PARTY_WORDS = {"agreed": "agreed by both", "family": "the family proposes", "la": "the LA proposes"}
SECTIONS = ("B", "F", "I")
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "B": (("description", "need"),),
    "F": (("description", "what"), ("delivered_by", "who delivers it"), ("expertise", "their expertise"),
          ("frequency", "how often"), ("duration", "how long"), ("group_size", "group size"),
          ("location", "where")),
    "I": (("name", "school or institution"), ("type", "type of school or institution")),
}
_LIST = {"B": "needs", "F": "provision"}
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")  # words, spaces and each punctuation mark apart
Segment = dict[str, Any]
Cells = dict[str, list[Segment]]


@dataclass(frozen=True)
class Cell:
    """One place in the plan: its key ("F1:frequency"), section, item id, field and how a caseworker names it."""
    key: str
    section: str
    item: str
    field: str
    label: str  # what the document's first column says: "F1 (how often)", "B2", "I (type of school ...)"
    where: str  # in caseworker terms: "Section F, provision F1 (Speech and language therapy), how often"
    text: str


def cells_of(plan: Mapping[str, Any], sections: Iterable[str]) -> list[Cell]:
    """Every cell of the chosen sections, in the plan's order."""
    out: list[Cell] = []
    secs = plan.get("sections") or {}
    for sec in (s for s in SECTIONS if s in set(sections)):
        body = secs.get(sec) or {}
        if sec == "I":
            items: list[tuple[str, Mapping[str, Any]]] = [("I", body)]
        else:
            items = [(str(it.get("id", "")), it) for it in body.get(_LIST[sec]) or [] if isinstance(it, dict)]
        for item_id, item in items:
            for field, title in FIELDS[sec]:
                text = " ".join(str(item.get(field) or "").split())
                if not text and sec != "B":
                    continue
                label = item_id if sec == "B" else f"{item_id} ({title})"
                noun = {"B": "need", "F": "provision"}.get(sec)
                name = f"{noun} {item_id}" + (f" ({item_label(dict(item), plan)})" if noun else "")
                where = f"Section {sec}, " + (name if sec != "I" else SECTION_TITLES["I"].lower())
                out.append(Cell(f"{item_id}:{field}", sec, item_id, field, label,
                                where + ("" if sec == "B" else f", {title}"), text))
    return out


def label_key(label: str, cells: Iterable[Cell]) -> str | None:
    """The cell a label read back from the document names (None when it names no cell of this plan)."""
    wanted = " ".join(label.split())
    return next((c.key for c in cells if c.label == wanted), None)


def original(text: str) -> list[Segment]:
    return [{"t": text, "who": "original", "op": "keep"}] if text else []


def base_text(segments: Iterable[Segment]) -> str:
    """The plan's own wording inside a cell: every kept and deleted segment."""
    return "".join(s["t"] for s in segments if s["op"] != "add")


def view(segments: Iterable[Segment], who: str) -> str:
    """The wording a party is putting forward: everything not deleted, plus additions agreed or its own."""
    return "".join(s["t"] for s in segments if s["op"] == "keep" or
                   (s["op"] == "add" and s["who"] in ("agreed", who)))


# ---- char slots: the base wording, what deletes each character, and what is inserted before each ----------------
@dataclass
class _Slots:
    base: str
    deleted: list[list[tuple[str, str | None]]]  # per char: who deletes it [(who, evidence)], first shown
    inserts: list[list[tuple[str, str, str | None]]]  # per gap (len(base) + 1): [(who, text, evidence)]


def _to_slots(segments: list[Segment]) -> _Slots:
    base = base_text(segments)
    slots = _Slots(base, [[] for _ in base], [[] for _ in range(len(base) + 1)])
    i = 0
    for s in segments:
        if s["op"] == "add":
            slots.inserts[i].append((s["who"], s["t"], s.get("ev")))
            continue
        for _ in s["t"]:
            if s["op"] == "del":
                slots.deleted[i] = [(s["who"], s.get("ev"))] + [(w, None) for w in s.get("also") or []]
            i += 1
    return slots


def _from_slots(slots: _Slots) -> list[Segment]:
    out: list[Segment] = []

    def push(text: str, who: str, op: str, ev: str | None, also: list[str] | None = None) -> None:
        last = out[-1] if out else None
        if last and last["who"] == who and last["op"] == op and last.get("ev") == ev and last.get("also") == also:
            last["t"] += text
            return
        seg: Segment = {"t": text, "who": who, "op": op}
        if ev:
            seg["ev"] = ev
        if also:
            seg["also"] = also  # the other party proposes to remove the same words
        out.append(seg)

    for i in range(len(slots.base) + 1):
        for who, text, ev in slots.inserts[i]:
            if text:
                push(text, who, "add", ev)
        if i < len(slots.base):
            d = slots.deleted[i]
            if d:
                push(slots.base[i], d[0][0], "del", d[0][1], [w for w, _e in d[1:]] or None)
            else:
                push(slots.base[i], "original", "keep", None)
    return out


def normalise(segments: list[Segment]) -> list[Segment]:
    """Adjacent segments of one party, operation and evidence joined into one."""
    return _from_slots(_to_slots(segments))


def withdraw(segments: list[Segment], who: str) -> list[Segment]:
    """The cell without one party's proposals (their deletions restored, their additions gone)."""
    slots = _to_slots(segments)
    slots.deleted = [[x for x in d if x[0] != who] for d in slots.deleted]
    slots.inserts = [[x for x in gap if x[0] != who] for gap in slots.inserts]
    return _from_slots(slots)


def propose(segments: list[Segment], wanted: str, who: str, evidence: str | None = None) -> list[Segment]:
    """Replaces a party's proposals on a cell with the edits that turn the plan's wording into `wanted`, word by
    word; other parties' proposals stay where they are."""
    slots = _to_slots(withdraw(segments, who))
    if " ".join(wanted.split()) == " ".join(slots.base.split()):
        return _from_slots(slots)
    a, b = _TOKEN.findall(slots.base), _TOKEN.findall(wanted)
    offsets = [0]
    for tok in a:
        offsets.append(offsets[-1] + len(tok))
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            for k in range(offsets[i1], offsets[i2]):
                slots.deleted[k].append((who, evidence))
        if op in ("insert", "replace"):
            text = "".join(b[j1:j2])
            if op == "replace" and not text[:1].isspace():
                text = " " + text  # struck "45", then " 50": never read as "4550"
            slots.inserts[offsets[i2]].append((who, text, evidence))
    return _from_slots(slots)


def agree(segments: list[Segment], who: str) -> list[Segment]:
    """One party's proposals on a cell become agreed changes, and the other party's proposals on that cell are
    withdrawn (they answered the same wording). A cell without proposals of theirs is left as it is."""
    if not any(s["who"] == who and s["op"] != "keep" for s in segments):
        return [dict(s) for s in segments]  # nothing of theirs to agree here: leave the other party's proposals
    other = "la" if who == "family" else "family"
    out = []
    for s in withdraw(segments, other):
        out.append({**s, "who": "agreed"} if s["who"] == who else dict(s))
    for s in out:
        if s["who"] == "agreed":
            s.pop("also", None)
    return _from_slots(_to_slots(out))


def proposals(segments: Iterable[Segment]) -> list[tuple[str, str, str]]:
    """(who, op, text) of every change in a cell, in order."""
    return [(s["who"], s["op"], s["t"].strip()) for s in segments if s["op"] != "keep" and s["t"].strip()]


def changes_between(before: Cells, after: Cells, cells: Iterable[Cell]) -> list[str]:
    """What changed from one version to the next, in caseworker terms, cell by cell."""
    lines = []
    for c in cells:
        old, new = proposals(before.get(c.key, [])), proposals(after.get(c.key, []))
        if old == new:
            continue
        for who, op, text in new:
            if (who, op, text) not in old:
                lines.append(f"{c.where}: {PARTY_WORDS.get(who, who)} " + ("adding" if op == "add" else "removing")
                             + f" \u201c{text}\u201d")
        for who, op, text in old:
            if (who, op, text) not in new and not any(t == text and o == op for _w, o, t in new):
                lines.append(f"{c.where}: no longer proposed ({PARTY_WORDS.get(who, who)}): "
                             + ("adding" if op == "add" else "removing") + f" \u201c{text}\u201d")
    return lines
